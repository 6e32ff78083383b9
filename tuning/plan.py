"""A search plan: everything a search needs, checked before anything runs, kept as plain data in
the search folder (search.json) so that a resumed search and its workers run the same search."""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
from pathlib import Path

from tuning import spaces
from zoo import files, validation
from zoo.errors import InvalidArgumentError, RunError

STRATEGIES = ("grid", "random", "bayesian", "hyperband")
DEFAULT_MAX_TRIALS = 10
# What says where and how a search runs, not which search it is: the same command with another
# budget or folder continues the same search.
_NOT_IN_FINGERPRINT = ("max_trials", "time_budget_s", "keep_checkpoints", "search_dir",
                       "data_dir")


@dataclasses.dataclass
class Plan:
    model: str
    strategy: str
    max_trials: int
    space: dict
    objective: str
    data: str | None = None          # a dataset name; None: explicit splits given in memory
    data_dir: str | None = None
    subset: int | None = None
    validation_fraction: float = 0.1
    epochs: int = 1
    batch_size: int = 128
    seed: int = 0
    keep_checkpoints: int = 3
    build_args: dict = dataclasses.field(default_factory=dict)
    strategy_options: dict = dataclasses.field(default_factory=dict)
    search_dir: str = ""
    prune: str = "none"               # tuning.pruning: median, percentile:P, asha[:ETA] or none
    prune_warmup_epochs: int = 2
    prune_startup_trials: int = 3
    prune_margin: float = 0.0         # how far behind the share a pruned trial is
    prune_interval_epochs: int = 1    # the rule is checked every this many epochs
    time_budget_s: float | None = None
    cost: str | None = None           # tuning.costs: a second target weighed against the score

    @property
    def direction(self) -> str:
        return objective_direction(self.objective)

    @property
    def folder(self) -> Path:
        return Path(self.search_dir)

    def pruner(self):
        from tuning.pruning import Pruner
        return Pruner.parse(self.prune, warmup_epochs=self.prune_warmup_epochs,
                            startup_trials=self.prune_startup_trials,
                            margin=self.prune_margin,
                            interval_epochs=self.prune_interval_epochs)

    def load_options(self) -> dict:
        return {"data_dir": self.data_dir, "subset": self.subset, "seed": self.seed,
                "validation_fraction": self.validation_fraction}

    def to_data(self) -> dict:
        out = dataclasses.asdict(self)
        out["space"] = spaces.to_data(self.space)
        return out

    @classmethod
    def from_data(cls, data: dict) -> "Plan":
        return cls(**{**data, "space": spaces.from_data(data["space"])})

    def fingerprint(self) -> str:
        data = {k: v for k, v in self.to_data().items() if k not in _NOT_IN_FINGERPRINT}
        if data.get("prune") == "none":  # the pruning options do nothing then
            data.pop("prune_warmup_epochs", None)
            data.pop("prune_startup_trials", None)
            data.pop("prune_margin", None)
            data.pop("prune_interval_epochs", None)
        for name, default in _NEW_FIELDS.items():  # searches saved before these existed
            if data.get(name) == default:
                del data[name]
        return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:10]

    # -- the search folder --------------------------------------------------------------------
    def save(self):
        files.write_json(self.folder / "search.json",
                         {**self.to_data(), "fingerprint": self.fingerprint()})

    @classmethod
    def load(cls, folder) -> "Plan":
        data = files.read_json(Path(folder) / "search.json")
        if data is None:
            raise RunError(f"{folder} holds no search (no search.json).")
        data.pop("fingerprint", None)
        return cls.from_data(data)

    def check_folder(self, overwrite: bool):
        """Refuse to mix two different searches in one folder; clear it when overwriting. Called
        with the folder's lock held: the lock file itself is kept, so that a search started
        meanwhile still finds it taken."""
        saved = files.read_json(self.folder / "search.json")
        if saved is None:
            return
        if overwrite:
            import shutil
            for entry in self.folder.iterdir():
                if entry.name == LOCK_FILE:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        elif saved.get("fingerprint") != self.fingerprint():
            raise RunError(
                f"{self.folder} holds another search (a different model, space, data or options): "
                "pass another search folder, or overwrite=True (--overwrite) to replace it.")


LOCK_FILE = ".lock"
# Fields added after searches were saved: at their defaults they leave the fingerprint as it was.
_NEW_FIELDS = {"prune": "none", "prune_warmup_epochs": 1, "prune_startup_trials": 3,
               "cost": None, "prune_margin": 0.0, "prune_interval_epochs": 1}


def objective_direction(name: str) -> str:
    return "min" if name.endswith(("loss", "mae", "mse", "error")) else "max"


def default_objective(model: str) -> str:
    import zoo
    from zoo.models.heads import TASK_OF_HEAD
    head = zoo.describe(model).arguments.get("head")
    task = TASK_OF_HEAD.get(head, zoo.describe(model).task)
    return "val_loss" if task == "regression" else "val_accuracy"


def make_plan(model, *, strategy="random", max_trials=None, space=None, tune=None, data=None,
              explicit_data=False, epochs=1, batch_size=128, objective=None, seed=0,
              subset=None, data_dir=None, validation_fraction=0.1, build_args=None,
              keep_checkpoints=3, output_dir="runs", search_dir=None,
              strategy_options=None, prune="none", prune_warmup_epochs=2,
              prune_startup_trials=3, prune_margin=0.0, prune_interval_epochs=1,
              time_budget_s=None) -> Plan:
    """Check every argument and resolve the space; raise ZooError subclasses on bad input."""
    import zoo
    info = zoo.describe(model)
    validation.known_name("strategy", strategy, STRATEGIES)
    if max_trials is not None:
        validation.positive_int("max_trials", max_trials)
    validation.positive_int("epochs", epochs)
    validation.positive_int("batch_size", batch_size)
    validation.seed("seed", seed)
    validation.positive_int("keep_checkpoints", keep_checkpoints)
    if not validation.probability("validation_fraction", validation_fraction):
        raise InvalidArgumentError("validation_fraction=0 leaves no validation split, and the "
                                   "search selects on the validation split only.")
    if subset is not None:
        validation.positive_int("subset", subset)
    build_args = dict(build_args or {})
    for name in build_args:
        validation.known_name(f"argument of {model}", name, info.arguments)
    resolved = search_space(model, strategy, space, tune)
    objective, cost = split_objective(objective or default_objective(model))
    from tuning.pruning import Pruner
    prune = Pruner.parse(prune, warmup_epochs=prune_warmup_epochs,
                         startup_trials=prune_startup_trials, margin=prune_margin,
                         interval_epochs=prune_interval_epochs)
    if time_budget_s is not None:
        time_budget_s = validation.positive_float("time_budget_s", time_budget_s)
    if not objective.startswith("val_"):
        raise InvalidArgumentError(
            f"objective={objective!r} is invalid: hyperparameters are selected on the validation "
            "split only, so the objective is a validation metric such as 'val_accuracy' or "
            "'val_loss'.")
    _check_objective(objective, info, build_args)
    max_trials = _check_budget(strategy, resolved, max_trials)
    _check_strategy(strategy, resolved, explicit_data)
    dataset = None if explicit_data else (data or info.dataset)
    if dataset is not None:  # an unknown name or a folder that is not one: refused up front
        import zoo.data
        data_info = zoo.data.describe(dataset, data_dir)
        if dataset != info.dataset:
            build_args = _fit_to_data(info, data_info, build_args)
    plan = Plan(model=model, strategy=strategy, max_trials=max_trials, space=resolved,
                objective=objective, data=dataset, data_dir=data_dir, subset=subset,
                validation_fraction=validation_fraction, epochs=epochs, batch_size=batch_size,
                seed=seed, keep_checkpoints=keep_checkpoints, build_args=build_args,
                strategy_options=dict(strategy_options or {}), prune=prune.text(),
                prune_warmup_epochs=prune.warmup_epochs,
                prune_startup_trials=prune.startup_trials, prune_margin=prune.margin,
                prune_interval_epochs=prune.interval_epochs, time_budget_s=time_budget_s,
                cost=cost)
    plan.search_dir = str(search_dir or Path(output_dir) / "tune" / model /
                          f"{strategy}-{plan.fingerprint()}")
    return plan


def _fit_to_data(info, data_info, build_args: dict) -> dict:
    """The builder arguments that make the model take another dataset (input shape, classes,
    head), as `zoo train --dataset` does; a model that cannot take it is refused here, in one
    line, rather than in every trial."""
    import zoo
    from zoo.training.adapt import model_arguments
    build_args, _ = model_arguments(info, data_info, build_args)
    try:
        zoo.build(info.name, compile=False, **build_args)
    except (ValueError, TypeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InvalidArgumentError(
            f"{info.name} cannot take {data_info.name} ({data_info.domain} data of shape "
            f"{tuple(data_info.input_shape)}): {first[:200].rstrip('.')}. Search a model made for "
            "that data "
            f"(zoo list), or a --dataset of the model's kind ({info.dataset}).") from None
    return build_args


def split_objective(objective) -> tuple[str, str | None]:
    """"val_accuracy" or "val_accuracy,params" (a score and a cost, tuning.costs), also given as
    a pair."""
    from tuning.costs import COSTS
    parts = objective.split(",") if isinstance(objective, str) else list(objective)
    parts = [p.strip() for p in parts]
    if len(parts) == 1:
        return parts[0], None
    if len(parts) == 2 and parts[1] in COSTS:
        return parts[0], parts[1]
    raise InvalidArgumentError(
        f"objective={objective!r} is invalid: expected a validation metric, or a metric and a "
        f"cost separated by a comma (e.g. 'val_accuracy,params'); the costs are "
        f"{', '.join(COSTS)}.")


def _check_objective(objective, info, build_args):
    from zoo.models.heads import METRICS_OF_HEAD
    head = (build_args or {}).get("head", info.arguments.get("head", "softmax"))
    known = [f"val_{metric}" for metric in METRICS_OF_HEAD.get(head, ("loss",))]
    if objective not in known:
        raise InvalidArgumentError(f"objective={objective!r} is invalid: {info.name} with its "
                                   f"{head!r} head reports {', '.join(known)}.")


def search_space(model, strategy, space=None, tune=None) -> dict:
    """The space a search walks: `space` (default: the model's) with the specs of `tune` (text or
    specs) in place of its own, every value checked. A grid search over the default space
    searches only what `tune` names (without `tune`, the model's default grid) and holds every
    other hyperparameter at its default (spaces.grid_space): the whole default space would be a
    grid of thousands of points."""
    if tune and any(isinstance(v, str) for v in tune.values()):
        tune = {k: spaces.parse(v) if isinstance(v, str) else v for k, v in tune.items()}
    if strategy == "grid" and space is None:
        space = spaces.grid_space(model, list(tune) if tune else None)
    return spaces.resolve(model, space, tune)


def held_fixed(space: dict, what: str) -> str:
    """The line that starts a search (`what`: "A grid search") whose space holds some
    hyperparameters fixed: what it searches, and the values it holds ("" when none)."""
    fixed = {k: v.value for k, v in space.items() if isinstance(v, spaces.Fixed)}
    if not fixed:
        return ""
    varied = ", ".join(spaces.tuned(space))
    shown = ", ".join(f"{k}={_text(v)}" for k, v in fixed.items())
    searched = f"{what} over {varied} only" if varied else f"{what} of one configuration"
    return f"{searched}; held fixed: {shown}."


def _text(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    return str(value)


def _check_budget(strategy, space, max_trials) -> int:
    if strategy != "grid":
        return max_trials or DEFAULT_MAX_TRIALS
    size = spaces.grid_size(spaces.tuned(space))
    if max_trials is not None and size > max_trials:
        raise InvalidArgumentError(
            f"The grid has {size} points but max_trials={max_trials}: a grid search tries every "
            f"point. Raise max_trials to {size}, narrow the space, or use strategy='random'.")
    return size


def _check_strategy(strategy, space, explicit_data):
    if strategy == "hyperband" and "epochs" in spaces.tuned(space):
        raise InvalidArgumentError(
            "Hyperband chooses each trial's epochs itself: remove 'epochs' from the space and "
            "pass epochs=N (--epochs N) as its largest number of epochs.")
    if explicit_data and "augment" in spaces.tuned(space):
        raise InvalidArgumentError(
            "'augment' selects a zoo.data augmentation preset: it needs the data given by its "
            "name, not as explicit splits. Remove it from the space (or fix it with Fixed).")
    if strategy == "bayesian":
        if not all(importlib.util.find_spec(m) for m in ("sklearn", "scipy")):
            raise InvalidArgumentError(
                "strategy='bayesian' needs scikit-learn and scipy for keras-tuner's Gaussian "
                "process: pip install scikit-learn scipy.")

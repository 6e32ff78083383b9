"""tuning.search: from a zoo model name to its best hyperparameters, the best model retrained and
tested once, and a folder with the table and plots of every trial.

    import tuning
    result = tuning.search("cnn_fashion", strategy="bayesian", max_trials=20, epochs=3)
    result.best_hyperparameters, result.test

Running the same call again continues an interrupted search (keras-tuner's overwrite=False).
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
from pathlib import Path

from tuning import spaces
from tuning.data import SearchData
from tuning.plan import LOCK_FILE, Plan, make_plan
from zoo import files, validation
from zoo.errors import InvalidArgumentError, RunError


@dataclasses.dataclass
class SearchResult:
    search_dir: Path
    strategy: str
    objective: str
    best_trial: int
    best_score: float
    best_hyperparameters: dict
    trials: list
    test: dict | None = None          # the retrained best model on the test split
    model_path: Path | None = None
    files: dict = dataclasses.field(default_factory=dict)


def search(model: str, *, strategy: str = "random", max_trials: int | None = None,
           space: dict | None = None, tune: dict | None = None, data=None, epochs: int = 1,
           batch_size: int = 128, objective: str | None = None, seed: int = 0,
           subset: int | None = None, data_dir: str | None = None,
           validation_fraction: float = 0.1, build_args: dict | None = None,
           keep_checkpoints: int = 3, output_dir: str = "runs", search_dir: str | None = None,
           overwrite: bool = False, retrain: bool = True, workers: int = 0,
           oracle_address: str | None = None, strategy_options: dict | None = None,
           callbacks=(), verbose: bool = True) -> SearchResult | None:
    """Search the hyperparameters of a zoo model on its validation split.

    space: name -> spec (tuning.spaces) replacing the model's default space; tune: specs (or
    text such as "8,16,32") replacing some of its entries. data: a dataset name (default: the
    model's) or explicit (train, validation, test) splits. workers: run the trials in that many
    worker processes around a chief oracle (keras-tuner's distributed mode) on oracle_address
    ("127.0.0.1:0" by default). Returns None in a worker started through KERASTUNER_* variables.
    """
    explicit = data is not None and not isinstance(data, str)
    plan = make_plan(model, strategy=strategy, max_trials=max_trials, space=space, tune=tune,
                     data=None if explicit else data, explicit_data=explicit, epochs=epochs,
                     batch_size=batch_size, objective=objective, seed=seed, subset=subset,
                     data_dir=data_dir, validation_fraction=validation_fraction,
                     build_args=build_args, keep_checkpoints=keep_checkpoints,
                     output_dir=output_dir, search_dir=search_dir,
                     strategy_options=strategy_options)
    role, address = _check_distribution(workers, oracle_address, callbacks, explicit)
    search_data = (SearchData.explicit(data, batch_size, seed) if explicit else
                   SearchData(plan.data, batch_size=batch_size, load_options=plan.load_options()))
    if role == "worker":
        from tuning import distributed
        distributed.run_worker(plan, search_data)
        return None
    with _locked(plan.folder):  # before anything is deleted: --overwrite of a running search
        plan.check_folder(overwrite)
        plan.save()
        from tuning.tuner import make_tuner  # imports Keras: only when searching
        tuner = make_tuner(plan, role)
        _run(plan, tuner, search_data, role=role, workers=workers, address=address,
             shared_data=search_data if explicit else None, callbacks=callbacks, verbose=verbose)
        return finish(plan, tuner, search_data, retrain=retrain, verbose=verbose)


def _check_distribution(workers, oracle_address, callbacks, explicit):
    from tuning import distributed
    validation.non_negative_int("workers", workers)
    address = distributed.parse_address(oracle_address)
    role = distributed.role()
    if (workers or role != "local") and callbacks:
        raise InvalidArgumentError("callbacks cannot travel to worker processes: drop them or "
                                   "search without workers.")
    if explicit and role != "local":
        raise InvalidArgumentError("Workers started through KERASTUNER_* variables load the data "
                                   "by name: pass a dataset name, not explicit splits.")
    return role, address


def _run(plan, tuner, data, *, role, workers, address, shared_data, callbacks, verbose):
    """The trials: here, or in workers around this process as the chief."""
    from tuning import distributed
    from tuning.memory import frozen_heap
    from tuning.progress import Progress
    progress = Progress(tuner.oracle, plan.max_trials, verbose=verbose)
    _announce(plan, tuner, verbose)
    if workers or role == "chief":
        distributed.run_chief(plan, tuner, workers=workers, address=address, progress=progress,
                              shared_data=shared_data)
        return
    tuner.progress = progress
    tuner.save()  # so that a search killed in its first trial reloads
    try:
        with frozen_heap():
            tuner.search(data, callbacks=list(callbacks))
    except RuntimeError as error:
        if "consecutive failures" not in str(error):
            raise
        last = str(error).strip().splitlines()[-1]
        raise RunError(f"The search in {plan.folder} stopped: three trials in a row failed, the "
                       f"last with {last}") from None


@contextlib.contextmanager
def _locked(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a") as lock:  # "a": never truncate a lock held elsewhere
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"Another process is searching in {folder}; wait for it to end.") \
                from None
        yield


def _announce(plan, tuner, verbose):
    if not verbose:
        return
    done = len(tuner.oracle.end_order)
    what = f"Resuming the search in {plan.folder} ({done} trials done)" if done else \
        f"Searching {plan.model} in {plan.folder}"
    print(f"{what}: {plan.strategy}, {plan.max_trials} trials, {plan.objective} over "
          + ", ".join(spaces.tuned(plan.space)) + ".")


# ---------------------------------------------------------------------------------------------
# The end of a search


def finish(plan: Plan, tuner, data: SearchData, *, retrain=True, verbose=True) -> SearchResult:
    """Table, plots, then the best configuration retrained and tested once."""
    from tuning import checkpoints, plots, trials_table
    from tuning.progress import ranked
    oracle = tuner.oracle
    checkpoints.prune(tuner, plan.keep_checkpoints)
    table = trials_table.rows(oracle)
    written = trials_table.write(table, plan.folder)
    title = f"{plan.model}: {plan.strategy} search"
    written["best_so_far"] = plots.best_so_far(table, plan.objective, plan.direction,
                                               plan.folder / "best_so_far.png", title)
    written["hyperparameters"] = plots.score_against_hyperparameters(
        table, plan.space, plan.objective, plan.folder / "hyperparameters.png", title)
    best = ranked(oracle)[:1]
    if not best:
        raise RunError(f"No trial of the search in {plan.folder} finished: the errors are in "
                       f"{written['json']}.")
    best = best[0]
    values = {k: v for k, v in best.hyperparameters.values.items() if not k.startswith("tuner/")}
    if "tuner/epochs" in best.hyperparameters.values:
        values["epochs"] = best.hyperparameters.values["tuner/epochs"]
    result = SearchResult(search_dir=plan.folder, strategy=plan.strategy,
                          objective=plan.objective, best_trial=int(best.trial_id) + 1,
                          best_score=float(best.score), best_hyperparameters=values,
                          trials=table, files=written)
    if retrain:
        result.test, result.model_path = _retrain(plan, tuner, best, data, verbose)
    files.write_json(plan.folder / "result.json", {
        **{k: v for k, v in dataclasses.asdict(result).items() if k not in ("trials", "files")},
        "completed_trials": sum(r["status"] == "COMPLETED" for r in table),
        "files": {k: str(v) for k, v in written.items()}})
    if verbose:
        print(f"best {plan.objective} {result.best_score:.4f} (trial {result.best_trial}): "
              + " ".join(f"{k}={v}" for k, v in values.items()))
    return result


def _retrain(plan, tuner, best, data, verbose):
    """The best configuration trained from scratch on training + validation data (the choice is
    made) through zoo.train, then evaluated once on the test split. Reused if the search has not
    changed since."""
    import shutil

    from zoo.training.train import train
    path = plan.folder / "best_model.keras"
    previous = files.read_json(plan.folder / "result.json", {}) or {}
    completed = sum(t.status == "COMPLETED" for t in tuner.oracle.trials.values())
    if (path.exists() and previous.get("test") and previous.get("completed_trials") == completed
            and previous.get("best_trial") == int(best.trial_id) + 1):
        return previous["test"], path
    recipe, options, splits = _final_run(plan, tuner.hypermodel, best.hyperparameters.values, data)
    run_dir = Path(options["run_dir"])
    saved = files.read_json(run_dir / "config.json", {}) or {}
    if run_dir.exists() and saved.get("fingerprint") != recipe.replace(**options).fingerprint():
        shutil.rmtree(run_dir)  # the retrain of an earlier best: start this one afresh
    result = train(recipe, data=splits, **options)
    files.copy_file(result.run_dir / "model.keras", path)
    if verbose:
        print("best model retrained on training + validation data: test "
              + ", ".join(f"{k} {v:.4f}" for k, v in result.test.items()) + f" -> {path}")
    return result.test, path


def _final_run(plan, hypermodel, values: dict, data: SearchData):
    """The recipe record and options of the final retrain: the trials' own way of training (the
    chosen optimizer and rate, no schedule, no average), on training + validation data."""
    import zoo
    chosen = {k: v for k, v in values.items() if not k.startswith("tuner/")}
    options = {
        "epochs": values.get("tuner/epochs") or chosen.get("epochs", plan.epochs),
        "batch_size": chosen.get("batch_size", plan.batch_size),
        "optimizer": chosen.get("optimizer", hypermodel.recipe.optimizer),
        "learning_rate": chosen.get("learning_rate", hypermodel.recipe.learning_rate),
        "augment": chosen.get("augment") or "none",
        "overrides": {**plan.build_args, **hypermodel.builder_arguments(chosen)},
        "seed": plan.seed, "validation_fraction": 0.0, "adapt": False,
        "output_dir": str(plan.folder), "run_dir": str(plan.folder / "best_run"),
        "verbose": 0}
    recipe = zoo.TrainConfig(model=plan.model)
    if plan.data is not None:
        options.update(dataset=plan.data, subset=plan.subset, data_dir=plan.data_dir)
        return recipe, options, None
    return recipe, options, data.combined(options["batch_size"])

"""tuning.search: from a zoo model name to its best hyperparameters, the best model retrained and
tested once, and a folder with the table and plots of every trial.

    import tuning
    result = tuning.search("cnn_fashion", strategy="bayesian", max_trials=20, epochs=3)
    result.best_hyperparameters, result.test

Running the same call again continues an interrupted search (keras-tuner's overwrite=False), or
extends a finished one given a larger max_trials or time_budget_s.
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
from zoo.errors import DiskFullError, InvalidArgumentError, RunError


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
    pareto: list = dataclasses.field(default_factory=list)  # trial numbers, cheapest first
    stopped_by: str = "trials"        # or "time budget"


def search(model: str, *, strategy: str = "random", max_trials: int | None = None,
           space: dict | None = None, tune: dict | None = None, data=None, epochs: int = 1,
           batch_size: int = 128, objective: str | None = None, seed: int = 0,
           subset: int | None = None, data_dir: str | None = None,
           validation_fraction: float = 0.1, build_args: dict | None = None,
           keep_checkpoints: int = 3, output_dir: str = "runs", search_dir: str | None = None,
           overwrite: bool = False, retrain: bool = True, workers: int = 0,
           oracle_address: str | None = None, strategy_options: dict | None = None,
           prune: str = "none", prune_warmup_epochs: int = 2, prune_startup_trials: int = 3,
           prune_margin: float = 0.0, prune_interval_epochs: int = 1,
           time_budget_s: float | None = None, pick: int | None = None,
           callbacks=(), verbose: bool = True) -> SearchResult | None:
    """Search the hyperparameters of a zoo model on its validation split.

    Args:
        space: name -> spec (tuning.spaces) replacing the model's default space; tune: specs (or
            text such as "8,16,32") replacing some of its entries.
        data: a dataset name (default: the model's) or explicit (train, validation, test) splits.
        objective: a validation metric, or a metric and a cost ("val_accuracy,params"; costs:
            params, flops, latency_ms): the search optimises the metric and reports the trials
            on the front of metric against cost (pareto.csv, pareto.png).
        prune: "median", "percentile:P" (keep the best P percent) or "none": stop a trial whose
            best score after an epoch is below that share of the finished trials' scores after
            the same epoch, once it has trained prune_warmup_epochs and prune_startup_trials
            unpruned trials have finished, and only when it is behind that share by more than
            prune_margin (the validation score's noise, e.g. 0.005 of accuracy); the rule is
            checked after the warm-up and every prune_interval_epochs epochs after it.
            "asha" or "asha:ETA" (ETA 4 by default): successive halving, checked at epochs
            prune_warmup_epochs x ETA^k only, where a trial goes on if it is among the best
            1/ETA of every trial that reached the epoch (pruned and running ones too).
        time_budget_s: wall time of the search over all its runs; once spent no trial starts.
            Run again with a larger budget (or max_trials) to extend the search.
        pick: the trial (number) retrained as the result; default: the best score.
        workers: run the trials in that many worker processes around a chief oracle
            (keras-tuner's distributed mode) on oracle_address ("127.0.0.1:0" by default).

    Returns the SearchResult, or None in a worker started through KERASTUNER_* variables.

    Example:
        >>> tuning.search("cnn_fashion", max_trials=20, epochs=6, prune="median",
        ...               objective="val_accuracy,flops", time_budget_s=3600)
    """
    explicit = data is not None and not isinstance(data, str)
    plan = make_plan(model, strategy=strategy, max_trials=max_trials, space=space, tune=tune,
                     data=None if explicit else data, explicit_data=explicit, epochs=epochs,
                     batch_size=batch_size, objective=objective, seed=seed, subset=subset,
                     data_dir=data_dir, validation_fraction=validation_fraction,
                     build_args=build_args, keep_checkpoints=keep_checkpoints,
                     output_dir=output_dir, search_dir=search_dir,
                     strategy_options=strategy_options, prune=prune,
                     prune_warmup_epochs=prune_warmup_epochs,
                     prune_startup_trials=prune_startup_trials, prune_margin=prune_margin,
                     prune_interval_epochs=prune_interval_epochs, time_budget_s=time_budget_s)
    if pick is not None:
        validation.positive_int("pick", pick)
    role, address = _check_distribution(workers, oracle_address, callbacks, explicit)
    search_data = (SearchData.explicit(data, batch_size, seed) if explicit else
                   SearchData(plan.data, batch_size=batch_size, load_options=plan.load_options()))
    if role == "worker":
        from tuning import distributed
        distributed.run_worker(plan, search_data)
        return None
    files.check_folder("search_dir" if search_dir else "output_dir", search_dir or output_dir)
    files.check_folder("search_dir", plan.folder)  # (under an output_dir that is fine)
    with _locked(plan.folder):  # before anything is deleted: --overwrite of a running search
        plan.check_folder(overwrite)
        plan.save()
        from tuning.tuner import make_tuner  # imports Keras: only when searching
        tuner = make_tuner(plan, role)
        _run(plan, tuner, search_data, role=role, workers=workers, address=address,
             shared_data=search_data if explicit else None, callbacks=callbacks, verbose=verbose)
        return finish(plan, tuner, search_data, retrain=retrain, pick=pick, verbose=verbose)


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
    from tuning.dashboard import Dashboard
    from tuning.progress import Progress
    progress = Progress(tuner.oracle, plan.max_trials, verbose=verbose,
                        dashboard=Dashboard(plan))
    _announce(plan, tuner, verbose)
    if workers or role == "chief":
        distributed.run_chief(plan, tuner, workers=workers, address=address, progress=progress,
                              shared_data=shared_data)
        return
    tuner.progress = progress
    tuner.save()  # so that a search killed in its first trial reloads
    from tuning.tuner import DiskFullInTrial
    try:
        with frozen_heap():
            tuner.search(data, callbacks=list(callbacks))
    except DiskFullInTrial as error:
        raise DiskFullError(
            f"The disk is full: the search in {plan.folder} stopped in trial {error.trial_id} "
            f"({str(error).splitlines()[0][:160]}). The finished trials are kept; free some "
            f"space and run the same command again: trial {error.trial_id} runs again.") from None
    except Exception as error:
        if files.disk_full(error):  # keras-tuner's own records, between trials
            raise DiskFullError(
                f"The disk is full: the search in {plan.folder} stopped. The finished trials "
                "are kept; free some space and run the same command again to resume.") from None
        if not isinstance(error, RuntimeError) or "consecutive failures" not in str(error):
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
    budget = f", at most {plan.time_budget_s:g} s" if plan.time_budget_s else ""
    cost = f" against {plan.cost}" if plan.cost else ""
    print(f"{what}: {plan.strategy}, {plan.max_trials} trials{budget}, {plan.objective}{cost} "
          "over " + ", ".join(spaces.tuned(plan.space)) + f"; {plan.pruner().describe()}.")


# ---------------------------------------------------------------------------------------------
# The end of a search


def finish(plan: Plan, tuner, data: SearchData, *, retrain=True, pick=None,
           verbose=True) -> SearchResult:
    """Table, plots, dashboard, then the best (or picked) configuration retrained and tested
    once."""
    from tuning import checkpoints, pareto, plots, trials_table
    from tuning.dashboard import Dashboard
    from tuning.progress import ranked, shown_values
    oracle = tuner.oracle
    checkpoints.prune(tuner, plan.keep_checkpoints)
    Dashboard(plan).sync(oracle)
    table = trials_table.rows(oracle)
    written = trials_table.write(table, plan.folder)
    title = f"{plan.model}: {plan.strategy} search"
    written["best_so_far"] = plots.best_so_far(table, plan.objective, plan.direction,
                                               plan.folder / "best_so_far.png", title)
    written["hyperparameters"] = plots.score_against_hyperparameters(
        table, plan.space, plan.objective, plan.folder / "hyperparameters.png", title)
    on_front = []
    if plan.cost:
        written.update(pareto.write(table, plan.objective, plan.direction, plan.cost,
                                    plan.folder, title))
        on_front = [r["trial"] for r in pareto.front(table, plan.objective, plan.direction,
                                                     plan.cost)]
    finished = ranked(oracle)
    if not finished:
        raise RunError(f"No trial of the search in {plan.folder} finished: the errors are in "
                       f"{written['json']}.")
    best = finished[0] if pick is None else _picked(finished, pick, on_front, plan)
    values = shown_values(best.hyperparameters.values)
    stopped_by = "time budget" if getattr(oracle, "stopped_by_budget", False) else "trials"
    result = SearchResult(search_dir=plan.folder, strategy=plan.strategy,
                          objective=plan.objective, best_trial=int(best.trial_id) + 1,
                          best_score=float(best.score), best_hyperparameters=values,
                          trials=table, files=written, pareto=on_front, stopped_by=stopped_by)
    if verbose and stopped_by == "time budget":
        print(f"The time budget of {plan.time_budget_s:g} s is spent "
              f"({oracle.elapsed_s():.0f} s over all runs of the search, {len(table)} trials): "
              "run again with a larger --time-budget to go on.")
    if retrain:
        result.test, result.model_path = _retrain(plan, tuner, best, data, verbose)
    files.write_json(plan.folder / "result.json", {
        **{k: v for k, v in dataclasses.asdict(result).items() if k not in ("trials", "files")},
        "completed_trials": sum(r["status"] == "COMPLETED" for r in table),
        "files": {k: str(v) for k, v in written.items()}})
    if verbose:
        which = "best" if pick is None else "picked"
        print(f"{which} {plan.objective} {result.best_score:.4f} (trial {result.best_trial}): "
              + " ".join(f"{k}={v}" for k, v in values.items()))
        if on_front:
            print(f"Pareto front of {plan.objective} against {plan.cost}: trials "
                  + ", ".join(map(str, on_front)) + f" ({written['pareto_plot']}); retrain "
                  "another with --pick N.")
    return result


def _picked(finished, pick, on_front, plan):
    by_number = {int(t.trial_id) + 1: t for t in finished}
    if pick not in by_number:
        front = f"; the Pareto front is {', '.join(map(str, on_front))}" if on_front else ""
        raise InvalidArgumentError(
            f"pick={pick} is not a completed, unpruned trial of the search in {plan.folder}: "
            f"choose among {', '.join(map(str, sorted(by_number)))}{front}.")
    return by_number[pick]


def _retrain(plan, tuner, best, data, verbose):
    """The best configuration trained from scratch on training + validation data (the choice is
    made) through zoo.train, then evaluated once on the test split. Reused if the search has not
    changed since."""
    import shutil

    from zoo.training.run_folder import is_finished
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
    if run_dir.exists() and (saved.get("fingerprint") != recipe.replace(**options).fingerprint()
                             or is_finished(run_dir)):
        # The retrain of an earlier best, or of this one before the search was extended: start
        # afresh (an unfinished retrain of this configuration is resumed instead).
        shutil.rmtree(run_dir)
    result = train(recipe, data=splits, **options)
    files.copy_file(result.run_dir / "model.keras", path)
    if verbose:
        print("best model retrained on training + validation data: test "
              + ", ".join(f"{k} {v:.4f}" for k, v in result.test.items()) + f" -> {path}")
    return result.test, path


def _final_run(plan, hypermodel, values: dict, data: SearchData):
    """The recipe record and options of the final retrain: the trials' own way of training (the
    chosen optimizer and rate, no schedule, their weight average over as many steps), on
    training + validation data."""
    import zoo
    from tuning.hypermodel import batch_count, weight_average_momentum
    chosen = {k: v for k, v in values.items() if not k.startswith("tuner/")}
    batch_size = chosen.get("batch_size", plan.batch_size)
    average = (weight_average_momentum(batch_count(data.split("train", batch_size=batch_size)))
               if hypermodel.weight_average else None)
    options = {
        "epochs": values.get("tuner/epochs") or chosen.get("epochs", plan.epochs),
        "batch_size": batch_size, "ema": average or None,
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

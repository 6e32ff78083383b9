"""One line per finished trial: number, values, score, time, best so far."""
from __future__ import annotations

from tuning.keras_tuner_internals import TrialStatus

from tuning.pruning import PRUNED_EPOCH


def format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    return str(value)


def shown_values(values: dict) -> dict:
    """Hyperparameter values as people read them: Hyperband's bookkeeping hidden but its
    epochs, which are part of the configuration."""
    out = {k: v for k, v in values.items() if not k.startswith("tuner/")}
    if "tuner/epochs" in values:
        out["epochs"] = values["tuner/epochs"]
    return out


def is_pruned(trial) -> bool:
    return trial.metrics.exists(PRUNED_EPOCH)


def status(trial) -> str:
    """keras-tuner's status, or PRUNED for a trial the oracle stopped early (which keras-tuner
    records as COMPLETED with the score it had reached)."""
    return "PRUNED" if trial.status == TrialStatus.COMPLETED and is_pruned(trial) \
        else trial.status


def ranked(oracle) -> list:
    """Completed, unpruned trials, best first (a pruned trial's score is that of fewer epochs);
    ties go to the earlier trial (keras-tuner's own ranking breaks them by the order trials were
    loaded, which changes when a search is resumed)."""
    sign = -1 if oracle.objective.direction == "max" else 1
    done = [t for t in oracle.trials.values() if status(t) == TrialStatus.COMPLETED]
    return sorted(done, key=lambda t: (sign * t.score, int(t.trial_id)))


class Progress:
    """Prints the trials that ended since the last call (in the order the oracle ended them)."""

    def __init__(self, oracle, max_trials: int, *, verbose=True, printer=print, dashboard=None):
        self.oracle = oracle
        self.max_trials = max_trials
        self.verbose = verbose
        self.printer = printer
        self.dashboard = dashboard  # a tuning.dashboard.Dashboard, given the ended trials
        self.shown = len(oracle.end_order)  # a resumed search does not repeat its old lines

    def report(self):
        end_order = self.oracle.end_order
        for trial_id in end_order[self.shown:]:
            if self.verbose:
                self.printer(self.line(self.oracle.get_trial(trial_id)))
        if self.dashboard is not None and len(end_order) > self.shown:
            self.dashboard.sync(self.oracle)
        self.shown = len(end_order)

    def line(self, trial) -> str:
        values = " ".join(f"{k}={format_value(v)}"
                          for k, v in shown_values(trial.hyperparameters.values).items())
        name = self.oracle.objective.name
        if status(trial) == "PRUNED":
            epoch = int(trial.metrics.get_last_value(PRUNED_EPOCH))
            outcome = f"pruned after epoch {epoch} ({name} {trial.score:.4f})"
        elif trial.status == TrialStatus.COMPLETED:
            outcome = f"{name} {trial.score:.4f}"
        else:
            reason = (trial.message or "").strip().splitlines()[-1:] or [""]
            outcome = f"{trial.status.lower()} {reason[0][:120]}"
        seconds = trial.metrics.get_last_value("seconds") if trial.metrics.exists("seconds") \
            else None
        took = f"{seconds:.1f} s" if seconds is not None else "-"
        best = ranked(self.oracle)
        best_text = (f"best {best[0].score:.4f} (trial {int(best[0].trial_id) + 1})"
                     if best else "best -")
        return (f"trial {int(trial.trial_id) + 1}/{self.max_trials}  {values}  {outcome}  "
                f"{took}  {best_text}")

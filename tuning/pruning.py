"""Pruning: stop a trial whose validation score after an epoch is worse than most finished trials'
scores after the same epoch (Optuna's median and percentile pruners, on keras-tuner's trials).

keras-tuner has no pruner: its oracles only hand out trials and record their final scores. The
rule is written here, and the oracle applies it (tuning.oracles.PruningMixin) to the per-epoch
scores the tuner reports, so that workers of a distributed search are judged by the chief
against every worker's trials.

    rule = Pruner.parse("median")              # or "percentile:25" (keep the best 25 %), "none"
    rule.prunes(0.71, [0.80, 0.83, 0.78], epoch=2, direction="max")   # True

With a margin, a trial is pruned only when it is behind by more than the margin: a validation
score is noisy (on 1,000 examples an accuracy of 0.87 has a standard error of about 0.01), and a
trial just behind at one epoch is often level at the next (benchmarks/pruning.py). With an
interval (Optuna's interval_steps), the rule is checked only every few epochs after the warm-up:
each check is one more chance for a noisy dip to stop a good trial.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from zoo import validation
from zoo.errors import InvalidArgumentError

# Metric names kept in each trial's keras-tuner record (trial.json): the objective after every
# epoch (its best so far), and the epoch at which the trial was pruned (1-based).
CURVE = "curve/{}"
PRUNED_EPOCH = "pruned_epoch"
# The key by which a per-epoch report is told apart from a trial's final report (the same
# update_trial call of keras-tuner's oracle, which also travels to a chief over gRPC).
EPOCH_REPORT = "zoo/epoch_report"


@dataclasses.dataclass(frozen=True)
class Pruner:
    """keep: the percentage of trials kept at each epoch (50: the median rule); None: no pruning.
    warmup_epochs: every trial trains at least this many epochs. startup_trials: no trial is
    pruned before this many unpruned trials have finished. margin: how far (in the objective's
    units) a trial must be behind that share to be pruned. interval_epochs: the rule is checked
    after the warm-up epoch and every interval_epochs epochs after it (1: after every epoch)."""
    keep: float | None = None
    warmup_epochs: int = 1
    startup_trials: int = 3
    margin: float = 0.0
    interval_epochs: int = 1

    @classmethod
    def parse(cls, text: str | None, *, warmup_epochs: int = 1, startup_trials: int = 3,
              margin: float = 0.0, interval_epochs: int = 1) -> "Pruner":
        """"median", "percentile:P" (keep the best P percent, 0 < P < 100) or "none"."""
        validation.positive_int("prune_warmup_epochs", warmup_epochs)
        validation.positive_int("prune_startup_trials", startup_trials)
        validation.positive_int("prune_interval_epochs", interval_epochs)
        if isinstance(margin, bool) or not isinstance(margin, (int, float)) \
                or not math.isfinite(margin) or margin < 0:
            raise InvalidArgumentError(f"prune_margin={margin!r} is invalid: it must be a number "
                                       "of 0 or more, in the objective's units (e.g. 0.005).")
        common = {"warmup_epochs": warmup_epochs, "startup_trials": startup_trials,
                  "margin": float(margin), "interval_epochs": interval_epochs}
        text = (text or "none").strip().lower()
        if text == "none":
            return cls(None, **common)
        if text == "median":
            return cls(50.0, **common)
        if text.startswith("percentile:"):
            try:
                keep = float(text.split(":", 1)[1])
            except ValueError:
                keep = math.nan
            if 0 < keep < 100:
                return cls(keep, **common)
        raise InvalidArgumentError(
            f"prune={text!r} is invalid: expected 'median', 'percentile:P' with 0 < P < 100 (keep "
            "the best P percent of the trials at each epoch, e.g. percentile:25) or 'none'.")

    @property
    def active(self) -> bool:
        return self.keep is not None

    def describe(self) -> str:
        if not self.active:
            return "no pruning"
        rule = "median" if self.keep == 50 else f"best {self.keep:g} %"
        margin = f" by more than {self.margin:g}" if self.margin else ""
        when = ("each epoch" if self.interval_epochs == 1 else
                f"every {self.interval_epochs} epochs")
        return (f"pruning below the {rule} of the finished trials at {when}{margin}, after "
                f"{self.warmup_epochs} epoch(s) and {self.startup_trials} finished trials")

    def to_data(self) -> dict:
        return dataclasses.asdict(self)

    def prunes(self, score: float, others: list, *, epoch: int, direction: str) -> bool:
        """Whether a trial whose best score after `epoch` (1-based) is `score` stops there, given
        the best scores of the finished, unpruned trials after the same epoch."""
        if not self.active or epoch < self.warmup_epochs or len(others) < self.startup_trials:
            return False
        if (epoch - self.warmup_epochs) % self.interval_epochs:
            return False  # not a checked epoch
        if score is None or not math.isfinite(score):
            return True  # a diverged trial
        others = [s for s in others if s is not None and math.isfinite(s)]
        if not others:
            return False
        if direction == "max":  # keep the best `keep` percent: the (100 - keep)th percentile
            return score < float(np.percentile(others, 100 - self.keep)) - self.margin
        return score > float(np.percentile(others, self.keep)) + self.margin


def running_best(scores, direction: str) -> list:
    """Best score after each trial or epoch; None or NaN (a failed trial, a diverged epoch) keeps
    the previous best (None before the first)."""
    better = max if direction == "max" else min
    out, best = [], None
    for score in scores:
        if score is not None and not (isinstance(score, float) and math.isnan(score)):
            best = score if best is None else better(best, score)
        out.append(best)
    return out

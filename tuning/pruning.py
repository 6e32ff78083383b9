"""Pruning: stop a trial whose validation score after an epoch is worse than most other trials'
scores after the same epoch: Optuna's median and percentile pruners (against the finished trials,
after every epoch) and its successive halving pruner, ASHA (against every trial that reached the
epoch, at rungs only), on keras-tuner's trials.

keras-tuner has no pruner: its oracles only hand out trials and record their final scores (its
Hyperband halves synchronously, in brackets of its own, not inside another strategy). The rules
are written here, and the oracle applies them (tuning.oracles.PruningMixin) to the per-epoch
scores the tuner reports, so that workers of a distributed search are judged by the chief
against every worker's trials.

    rule = Pruner.parse("median")              # or "percentile:25" (keep the best 25 %), "none"
    rule.prunes(0.71, [0.80, 0.83, 0.78], epoch=2, direction="max")   # True
    Pruner.parse("asha", warmup_epochs=2)      # rungs at epochs 2, 8, 32...: keep the best 1/4

With a margin, a trial is pruned only when it is behind by more than the margin: a validation
score is noisy (on 1,000 examples an accuracy of 0.87 has a standard error of about 0.01), and a
trial just behind at one epoch is often level at the next (benchmarks/pruning.py). With an
interval (Optuna's interval_steps), the rule is checked only every few epochs after the warm-up:
each check is one more chance for a noisy dip to stop a good trial.

Successive halving ("asha:ETA", ETA 4 unless given, as in Optuna's SuccessiveHalvingPruner and Ray
Tune's ASHAScheduler): the rungs are the epochs warm-up x ETA^k; at a rung a trial goes on only if
it is among the best max(1, n // ETA) of the n trials (itself included) that have reached that
rung so far, pruned and running ones too. The first trials at a rung are thus held to the best
score there, and the share settles to 1/ETA as trials arrive.
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
    warmup_epochs: every trial trains at least this many epochs (successive halving: the first
    rung). startup_trials: no trial is pruned before this many unpruned trials have finished
    (successive halving: before this many others have reached the rung). margin: how far (in
    the objective's units) a trial must be behind that share to be pruned. interval_epochs: the
    rule is checked after the warm-up epoch and every interval_epochs epochs after it (1: after
    every epoch). reduction_factor: successive halving's ETA (keep the best 1/ETA at each rung,
    the rungs ETA times apart); None for the median and percentile rules."""
    keep: float | None = None
    warmup_epochs: int = 1
    startup_trials: int = 3
    margin: float = 0.0
    interval_epochs: int = 1
    reduction_factor: int | None = None  # successive halving's ETA; None: median or percentile

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
        if text == "asha" or text.startswith("asha:"):
            return cls._halving(text, common)
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
            "the best P percent of the trials at each epoch, e.g. percentile:25), 'asha' or "
            "'asha:ETA' (successive halving keeping the best 1/ETA, ETA an integer of 2 or more) "
            "or 'none'.")

    @classmethod
    def _halving(cls, text: str, common: dict) -> "Pruner":
        factor = text.split(":", 1)[1] if ":" in text else "4"  # Optuna's default
        if not factor.isdigit() or int(factor) < 2:
            raise InvalidArgumentError(
                f"prune={text!r} is invalid: successive halving takes 'asha' (ETA 4) or "
                "'asha:ETA' with ETA an integer of 2 or more (keep the best 1/ETA at each rung, "
                "e.g. asha:3).")
        if common["interval_epochs"] != 1:
            raise InvalidArgumentError(
                f"prune_interval_epochs={common['interval_epochs']} does not go with prune="
                f"{text!r}: successive halving checks at its rungs (the warm-up epochs times "
                "powers of ETA); leave the interval at 1.")
        return cls(100.0 / int(factor), **common, reduction_factor=int(factor))

    @property
    def active(self) -> bool:
        return self.keep is not None

    @property
    def judges_against_all(self) -> bool:
        """Whether a trial is judged against every trial that reached the epoch (successive
        halving), pruned and running ones included, rather than against the finished, unpruned
        trials (median and percentile)."""
        return self.reduction_factor is not None

    def text(self) -> str:
        """The rule as `parse` reads it."""
        if not self.active:
            return "none"
        if self.reduction_factor is not None:
            return f"asha:{self.reduction_factor}"
        return "median" if self.keep == 50 else f"percentile:{self.keep:g}"

    def checks(self, epoch: int) -> bool:
        """Whether the rule is checked after `epoch` (1-based)."""
        if not self.active or epoch < self.warmup_epochs:
            return False
        if self.reduction_factor is None:
            return (epoch - self.warmup_epochs) % self.interval_epochs == 0
        rung = self.warmup_epochs
        while rung < epoch:
            rung *= self.reduction_factor
        return rung == epoch

    def describe(self) -> str:
        if not self.active:
            return "no pruning"
        margin = f" by more than {self.margin:g}" if self.margin else ""
        if self.reduction_factor is not None:
            eta = self.reduction_factor
            return (f"successive halving: at epochs {self.warmup_epochs}, "
                    f"{self.warmup_epochs * eta}, ... pruning outside the best 1/{eta} of the "
                    f"trials that reached the epoch{margin}, once {self.startup_trials} other(s) "
                    "have")
        rule = "median" if self.keep == 50 else f"best {self.keep:g} %"
        when = ("each epoch" if self.interval_epochs == 1 else
                f"every {self.interval_epochs} epochs")
        return (f"pruning below the {rule} of the finished trials at {when}{margin}, after "
                f"{self.warmup_epochs} epoch(s) and {self.startup_trials} finished trials")

    def to_data(self) -> dict:
        return dataclasses.asdict(self)

    def prunes(self, score: float, others: list, *, epoch: int, direction: str) -> bool:
        """Whether a trial whose best score after `epoch` (1-based) is `score` stops there, given
        the best scores after the same epoch of the finished, unpruned trials (median and
        percentile) or of every other trial that reached it (successive halving)."""
        if not self.checks(epoch) or len(others) < self.startup_trials:
            return False
        if score is None or not math.isfinite(score):
            return True  # a diverged trial
        others = [s for s in others if s is not None and math.isfinite(s)]
        if not others:
            return False
        if self.reduction_factor is not None:
            # Optuna's promotion rule: among the best n // ETA (at least the best one).
            ranked = sorted(others + [score], reverse=direction == "max")
            threshold = ranked[max(1, len(ranked) // self.reduction_factor) - 1]
            if direction == "max":
                return score < threshold - self.margin
            return score > threshold + self.margin
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

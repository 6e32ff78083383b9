"""Keep the checkpoints of the best trials only.

keras-tuner saves the best epoch of every trial (trial_*/checkpoint.weights.h5); a long search
would fill the disk with the weights of trials nobody will load. After each trial the checkpoints
are removed except those of the `keep` best finished trials and those still needed: of running
trials and, for Hyperband, of trials that may still be promoted (a promoted trial starts from its
parent's weights)."""
from __future__ import annotations

import contextlib
import os

from tuning.keras_tuner_internals import TrialStatus

from tuning.progress import ranked

CHECKPOINT = "checkpoint.weights.h5"


def needed(oracle, keep: int) -> set:
    trials = list(oracle.trials.values())
    best = [t.trial_id for t in ranked(oracle)[:keep]]
    running = [t for t in trials if t.status == TrialStatus.RUNNING]
    parents = [t.hyperparameters.values.get("tuner/trial_id") for t in running]
    brackets = oracle.get_state().get("brackets", [])  # Hyperband only
    promotable = [entry["id"] for bracket in brackets for round_ in bracket["rounds"][:-1]
                  for entry in round_]
    return {*best, *(t.trial_id for t in running), *parents, *promotable} - {None}


def prune(tuner, keep: int) -> list:
    """Remove the checkpoints no longer needed; return the trial ids whose checkpoint went."""
    oracle = tuner.oracle
    keepers = needed(oracle, keep)
    return _remove(tuner, [t for t in oracle.trials if t not in keepers])


def prune_worker(tuner, keep: int, finished_here) -> list:
    """A worker sees the oracle through gRPC only, and its folder may be on another machine than
    the chief's: it removes the checkpoints of the trials it ran that are not among the best.
    (Not for Hyperband, whose brackets only the chief knows.)"""
    best = {t.trial_id for t in tuner.oracle.get_best_trials(keep)
            if t.status == TrialStatus.COMPLETED}
    return _remove(tuner, [t for t in finished_here if t not in best])


def _remove(tuner, trial_ids) -> list:
    removed = []
    for trial_id in trial_ids:
        path = os.path.join(tuner.project_dir, f"trial_{trial_id}", CHECKPOINT)
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
            removed.append(trial_id)
    return removed

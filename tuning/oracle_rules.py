"""What the zoo's oracles decide beyond keras-tuner's: which running trial is pruned
(tuning.pruning) and when the search's time budget is spent. Both live in the oracle, so that in
a distributed search the chief decides for every worker, and both are kept in the oracle's
saved state, so that a search killed and resumed goes on with the same record."""
from __future__ import annotations

import time

from tuning.keras_tuner_internals import retry_queue, trial_module

from tuning.pruning import CURVE, EPOCH_REPORT, PRUNED_EPOCH, Pruner, running_best


class PruningMixin:
    """update_trial() with per-epoch reports: {objective: value, EPOCH_REPORT: the fit's epochs
    (0: unknown)} at step=epoch (0-based). The value is kept as the trial's curve (CURVE metric, not the objective itself:
    keras-tuner takes a reported objective as the trial's final result), and the trial returned
    carries PRUNED_EPOCH when it is to stop."""

    pruner = Pruner()

    def update_trial(self, trial_id, metrics, step=0):
        if EPOCH_REPORT not in metrics:
            return super().update_trial(trial_id, metrics, step=step)
        trial = self.trials[trial_id]
        name = self.objective.name
        curve = CURVE.format(name)
        if not trial.metrics.exists(curve):
            trial.metrics.register(curve, direction=self.objective.direction)
        trial.metrics.update(curve, float(metrics[name]), step=int(step))
        epoch = int(step) + 1
        last = int(metrics[EPOCH_REPORT]) or None  # the fit's epochs, when the tuner knows them
        if trial.metrics.exists(PRUNED_EPOCH) or (last is not None and epoch >= last):
            # Pruned before a kill: the rerun of the trial stops where it stopped.
            return trial
        score = self.curve_at(trial, epoch)
        if score is None:  # a Hyperband trial continued from its parent: no curve from epoch 1
            return trial
        others = [self.curve_at(t, epoch) for t in self.reference_trials(trial_id)]
        others = [s for s in others if s is not None]
        if self.pruner.prunes(score, others, epoch=epoch, direction=self.objective.direction):
            trial.metrics.register(PRUNED_EPOCH, direction="min")
            trial.metrics.update(PRUNED_EPOCH, float(epoch), step=0)
        self._save_trial(trial)
        return trial

    def reference_trials(self, trial_id):
        """The trials a running one is judged against: the completed, unpruned ones (median and
        percentile), or every other trial, pruned and running ones too (successive halving;
        `curve_at` then leaves out those that have not reached the epoch)."""
        others = [t for t in self.trials.values() if t.trial_id != trial_id]
        if self.pruner.judges_against_all:
            return others
        return [t for t in others if t.status == trial_module.TrialStatus.COMPLETED
                and not t.metrics.exists(PRUNED_EPOCH)]

    def curve_at(self, trial, epoch: int):
        """The trial's best score over its first `epoch` epochs (None if it trained fewer)."""
        curve = CURVE.format(self.objective.name)
        if not trial.metrics.exists(curve):
            return None
        history = {obs.step: obs.mean() for obs in trial.metrics.get_history(curve)}
        if any(step not in history for step in range(epoch)):
            return None
        return running_best([history[s] for s in range(epoch)], self.objective.direction)[-1]


class BudgetMixin:
    """A wall-time budget over the whole search, across resumes: once spent, no new trial starts
    (a trial already running finishes) and the search ends as if its trials were done. The clock
    runs from the first trial a run of the search asks for (start-up and data loading are not
    the search's); time spent in earlier runs is kept in the oracle's state."""

    time_budget_s = None

    def start_clock(self):
        self._clock_start = time.monotonic()

    def elapsed_s(self) -> float:
        start = getattr(self, "_clock_start", None)
        running = time.monotonic() - start if start is not None else 0.0
        return getattr(self, "_elapsed_before", 0.0) + running

    def out_of_time(self) -> bool:
        return self.time_budget_s is not None and self.elapsed_s() >= self.time_budget_s

    def create_trial(self, tuner_id):
        if getattr(self, "_clock_start", None) is None:
            self.start_clock()
        if (tuner_id not in self.ongoing_trials and not retry_queue(self)
                and self.out_of_time()):
            # keras-tuner's own ending (as when max_trials is reached): a STOPPED trial, and the
            # tuner forgotten, so that a chief knows that it has no more work.
            self.tuner_ids.discard(tuner_id)
            self.stopped_by_budget = True
            return trial_module.Trial(self.get_space(), status=trial_module.TrialStatus.STOPPED)
        return super().create_trial(tuner_id)

    def get_state(self):
        return {**super().get_state(), "zoo_elapsed_s": self.elapsed_s()}

    def set_state(self, state):
        super().set_state(state)
        self._elapsed_before = float(state.get("zoo_elapsed_s", 0.0))
        self._clock_start = None  # from this run's first trial

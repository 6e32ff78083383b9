"""The search strategies, on keras-tuner's own oracles, with these repairs for resuming:

- every oracle writes its state files atomically (zoo.files), so that a process killed while
  writing leaves the previous version, not a truncated JSON that stops the search resuming, and
  forgets on reload a trial it had not yet recorded as started;
- GridSearchOracle rebuilds its walk through the grid when it is reloaded (keras-tuner #1055);
- BayesianOptimizationOracle does not spend a trial on a point it has already tried.
"""
from __future__ import annotations

import functools
import os
import warnings

from keras_tuner import oracles
from keras_tuner.src.engine import trial as trial_module
from keras_tuner.src.tuners import gridsearch

from zoo import files


class SafeStateMixin:
    def reload(self):
        super().reload()
        # keras-tuner writes a new trial's file before its own state: a process killed between
        # the two leaves a trial the oracle never started. Forget it; its id is handed out again.
        for trial_id in set(self.trials) - set(self.start_order):
            del self.trials[trial_id]

    def save(self):
        files.write_json(self._get_oracle_fname(), self.get_state())

    def _save_trial(self, trial):
        files.write_json(os.path.join(self._get_trial_dir(trial.trial_id), "trial.json"),
                         trial.get_state())


class GridSearchOracle(SafeStateMixin, oracles.GridSearchOracle):
    """keras-tuner 1.4.8's GridSearchOracle keeps its walk through the grid (`_ordered_ids`, the
    trials sorted by their values, and `_populate_next`, the trials whose successor is still to
    be proposed) in memory only, outside get_state. Reloaded with overwrite=False it starts with
    both empty: the first trial to end is then looked up in the empty list and the search dies
    with KeyError (keras-tuner issue #1055, "KeyError on GridSearch resume"), or, if no trial was
    running, the oracle stops as if the grid were done. Both are rebuilt here from the trials,
    which are saved."""

    def set_state(self, state):
        super().set_state(state)
        self._ordered_ids = gridsearch.LinkedList()
        started = [t for t in self.start_order if t in self.trials]
        ordered = sorted(started, key=functools.cmp_to_key(
            lambda a, b: self._compare(self.trials[a].hyperparameters.values,
                                       self.trials[b].hyperparameters.values)))
        for trial_id in ordered:
            self._ordered_ids.insert(trial_id)
        # A trial that already has its successor is skipped when popped: pushing all is safe.
        self._populate_next = list(self.end_order)


class RandomSearchOracle(SafeStateMixin, oracles.RandomSearchOracle):
    pass


class BayesianOptimizationOracle(SafeStateMixin, oracles.BayesianOptimizationOracle):
    """On a discrete space the Gaussian process often proposes a point already tried (the
    acquisition maximum maps back to the same grid point): take an untried random one instead,
    and stop when none is left."""

    def populate_space(self, trial_id):
        with warnings.catch_warnings():  # the GP's kernel fit on a handful of points
            warnings.simplefilter("ignore", category=UserWarning)
            response = super().populate_space(trial_id)
        if response["status"] == trial_module.TrialStatus.RUNNING and \
                self._duplicate(response["values"]):
            return self._random_populate_space()
        return response


class HyperbandOracle(SafeStateMixin, oracles.HyperbandOracle):
    pass


def make_oracle(strategy: str, *, objective, max_trials: int, seed: int, epochs: int,
                num_dimensions: int, options: dict | None = None):
    """The oracle of a strategy. `options` go to its constructor (e.g. factor for hyperband)."""
    options = dict(options or {})
    common = {"objective": objective, "seed": seed}
    if strategy == "grid":
        return GridSearchOracle(max_trials=max_trials, **common, **options)
    if strategy == "random":
        return RandomSearchOracle(max_trials=max_trials, **common, **options)
    if strategy == "bayesian":
        # keras-tuner's default (3 random points per dimension) leaves no trial to the model on
        # a small budget.
        options.setdefault("num_initial_points",
                           max(2, min(3 * num_dimensions, max_trials // 4)))
        return BayesianOptimizationOracle(max_trials=max_trials, **common, **options)
    # Hyperband sets each trial's epochs itself, up to max_epochs; its brackets repeat until
    # the trial budget is spent. With few epochs, factor 3 leaves a single bracket (no trial is
    # ever continued): halve instead.
    options.setdefault("factor", 3 if epochs >= 9 else 2)
    oracle = HyperbandOracle(max_epochs=epochs, hyperband_iterations=max_trials, **common,
                             **options)
    oracle.max_trials = max_trials
    return oracle

"""The search strategies, on keras-tuner's own oracles, with these repairs for resuming:

- every oracle writes its state files atomically (zoo.files), so that a process killed while
  writing leaves the previous version, not a truncated JSON that stops the search resuming, and
  forgets on reload a trial it had not yet recorded as started;
- GridSearchOracle rebuilds its walk through the grid when it is reloaded (keras-tuner #1055);
- BayesianOptimizationOracle does not spend a trial on a point it has already tried.
(And for Hyperband on small budgets, a factor that leaves it more than one bracket.) Each also
prunes and keeps a time budget (tuning.oracle_rules).
"""
from __future__ import annotations

import functools
import itertools
import math
import os
import warnings

import numpy as np
from keras_tuner import oracles

from tuning.keras_tuner_internals import gridsearch, hp_module, trial_module
from tuning.oracle_rules import BudgetMixin, PruningMixin
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


class ZooOracle(SafeStateMixin, PruningMixin, BudgetMixin):
    """What every strategy's oracle adds to keras-tuner's."""


class GridSearchOracle(ZooOracle, oracles.GridSearchOracle):
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


class RandomSearchOracle(ZooOracle, oracles.RandomSearchOracle):
    pass


class BayesianOptimizationOracle(ZooOracle, oracles.BayesianOptimizationOracle):
    """keras-tuner's Gaussian process, with its acquisition maximised over the untried points
    themselves when the space is finite (at most MAX_CANDIDATES points). keras-tuner maximises it
    over the continuous [0, 1] box and rounds the optimum to a point of the space, which on a
    small grid is often one already tried: a trial spent again. On a continuous space its own
    proposal stands, replaced by an untried random point if it was tried already."""

    MAX_CANDIDATES = 20_000

    def populate_space(self, trial_id):
        candidates = self._untried_points()
        if candidates is None:
            return self._continuous_proposal(trial_id)
        done = [t for t in self.trials.values() if t.status == trial_module.TrialStatus.COMPLETED]
        space = self._nonfixed_space()
        if len(done) < (self.num_initial_points or max(3 * len(space), 3)):
            return self._random_populate_space()
        if not candidates:
            return {"status": trial_module.TrialStatus.STOPPED, "values": None}
        sign = -1 if self.objective.direction == "max" else 1  # a minimisation, as keras-tuner
        x = [_vector(space, t.hyperparameters.values) for t in done]
        y = [sign * t.score for t in done]
        with warnings.catch_warnings():  # the kernel's fit on a handful of points
            warnings.simplefilter("ignore", category=UserWarning)
            self.gpr.fit(np.nan_to_num(np.array(x)), np.nan_to_num(np.array(y)))
        mu, sigma = self.gpr.predict(np.array([_vector(space, c) for c in candidates]),
                                     return_std=True)
        best = candidates[int(np.argmin(mu - self.beta * sigma))]  # keras-tuner's bound
        return {"status": trial_module.TrialStatus.RUNNING, "values": best}

    def _continuous_proposal(self, trial_id):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            response = super().populate_space(trial_id)
        if response["status"] == trial_module.TrialStatus.RUNNING and \
                self._duplicate(response["values"]):
            return self._random_populate_space()
        return response

    def _untried_points(self):
        """Every untried point of a finite space, or None for a continuous or huge one."""
        space = self._nonfixed_space()
        grids = [_finite_values(hp) for hp in space]
        if any(g is None for g in grids) or math.prod(map(len, grids)) > self.MAX_CANDIDATES:
            return None
        fixed = {hp.name: hp.value for hp in self.hyperparameters.space
                 if isinstance(hp, hp_module.Fixed)}
        points = ({**fixed, **{hp.name: v for hp, v in zip(space, point)}}
                  for point in itertools.product(*grids))
        return [p for p in points if not self._duplicate(p)]


def _vector(space, values):
    """A point in keras-tuner's [0, 1] embedding of the space."""
    return [hp.value_to_prob(values.get(hp.name, hp.default)) for hp in space]


def _finite_values(hp):
    """Every value of a hyperparameter, or None for a continuous range."""
    if isinstance(hp, (hp_module.Choice, hp_module.Boolean)):
        return list(hp.values)
    if isinstance(hp, hp_module.Int) and hp.sampling == "linear":
        return list(range(hp.min_value, hp.max_value + 1, hp.step or 1))
    if isinstance(hp, (hp_module.Int, hp_module.Float)) and hp.step is not None:
        return list(hp.values)
    return None


class HyperbandOracle(ZooOracle, oracles.HyperbandOracle):
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
        # keras-tuner's default (3 random points per dimension) leaves few trials to the model
        # on a small budget: start from one point per dimension plus one, the smallest design
        # that varies every dimension, and no more than a quarter of the budget. On the
        # 45-point cnn_fashion grid of benchmarks/strategy_efficiency.py this brought the mean
        # number of trials to the grid's best from 13.4 (9 initial points) to 10.6.
        options.setdefault("num_initial_points",
                           max(2, min(num_dimensions + 1, max_trials // 4)))
        return BayesianOptimizationOracle(max_trials=max_trials, **common, **options)
    # Hyperband sets each trial's epochs itself, up to max_epochs; its brackets repeat until
    # the trial budget is spent. With few epochs, factor 3 leaves a single bracket (no trial is
    # ever continued): halve instead.
    options.setdefault("factor", 3 if epochs >= 9 else 2)
    oracle = HyperbandOracle(max_epochs=epochs, hyperband_iterations=max_trials, **common,
                             **options)
    oracle.max_trials = max_trials
    return oracle

"""The Tuner: keras-tuner's, plus a seed per configuration, per-epoch reports to the oracle (which
may prune the trial), time, memory and cost per trial, the checkpoints of the best trials only,
one progress line per trial, and atomic state files."""
from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from pathlib import Path

import keras
import keras_tuner

from tuning import checkpoints, costs, memory, spaces
from tuning.keras_tuner_internals import tuner_utils
from tuning.pruning import EPOCH_REPORT, PRUNED_EPOCH
from zoo import files

# While the oracle answers IDLE (a grid waiting for running trials), ask again this often
# instead of in a tight loop.
IDLE_WAIT_S = 0.5


class DiskFullInTrial(keras_tuner.errors.FatalError):
    """The disk filled during a trial: the search stops with the trial still running in the
    oracle's record, so that the rerun runs it again (keras-tuner sends the trials that were
    running when a search was stopped back to be retried) instead of keeping it as failed."""

    def __init__(self, trial_id: str, message: str):
        super().__init__(message)
        self.trial_id = trial_id


def trial_seed(search_seed: int, values: dict) -> int:
    """A trial's seed, from the search's seed and the trial's configuration only (keras-tuner's
    bookkeeping values left out): the same configuration starts from the same weights, data
    order and augmentation in any strategy, order or rerun, and different configurations do not
    share one draw of the initial weights."""
    chosen = {k: v for k, v in values.items() if not k.startswith("tuner/")}
    text = json.dumps([int(search_seed), sorted(chosen.items())], default=str)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") & 0x7FFFFFFF


class ZooTuner(keras_tuner.Tuner):
    def __init__(self, oracle, hypermodel, *, seed=0, keep_checkpoints=3, progress=None,
                 cost=None, **kwargs):
        # Not super(): for HyperbandTuner that is keras_tuner.Hyperband, which makes its own
        # oracle; ours is given.
        keras_tuner.Tuner.__init__(self, oracle, hypermodel, **kwargs)
        self.seed = seed
        self.keep_checkpoints = keep_checkpoints
        self.progress = progress
        self.cost = cost  # None, or a tuning.costs name measured on every trial's model
        self._asked = False
        self._finished_here = set()
        self._pruned_at = None
        self._trained = None
        self.oracle.verbose = 0  # keras-tuner's multi-line report; ours is `progress`

    def run_trial(self, trial, *args, **kwargs):
        seed = trial_seed(self.seed, trial.hyperparameters.values)
        keras.utils.set_random_seed(seed)
        self._pruned_at, self._trained = None, None
        start = time.perf_counter()
        from zoo.training.callbacks import DiskSpaceGuard
        kwargs["callbacks"] = [DiskSpaceGuard(self.project_dir), *kwargs.get("callbacks", [])]
        try:
            with memory.released_custom_gradients():
                histories = super().run_trial(trial, *args, **kwargs)
        except Exception as error:  # re-raised as it is unless the disk is full
            if files.disk_full(error):
                raise DiskFullInTrial(trial.trial_id, str(error)) from None
            raise
        objective = self.oracle.objective
        metrics = tuner_utils.convert_to_metrics_dict(histories, objective)
        metrics = {k: float(v) for k, v in metrics.items()}
        metrics["best_epoch"] = tuner_utils.get_best_step(histories, objective) + 1
        metrics["seconds"] = time.perf_counter() - start
        metrics["rss_mb"] = memory.rss_mb()
        metrics["seed"] = seed
        if self._pruned_at is not None:
            metrics[PRUNED_EPOCH] = self._pruned_at
        if self.cost and self._trained is not None:
            metrics[self.cost] = costs.measure(self.cost, self._trained)
        self._trained = None
        return metrics

    def on_epoch_end(self, trial, model, epoch, logs=None):
        """Report the epoch's score to the oracle, which answers whether the trial is pruned."""
        self._trained = model
        name = self.oracle.objective.name
        if not logs or name not in logs:
            return
        # The epochs this fit runs (Keras' History callback holds fit's parameters): a trial is
        # not pruned after its last epoch, which would save nothing and lose its score.
        epochs = getattr(getattr(model, "history", None), "params", {}).get("epochs", 0)
        answer = self.oracle.update_trial(
            trial.trial_id, {name: float(logs[name]), EPOCH_REPORT: float(epochs or 0)},
            step=epoch)
        if answer is not None and answer.metrics.exists(PRUNED_EPOCH):
            at = int(answer.metrics.get_last_value(PRUNED_EPOCH))
            if epoch + 1 >= at:  # a trial pruned before a kill stops where it stopped
                self._pruned_at = at
                model.stop_training = True

    def pre_create_trial(self):
        if self._asked:
            time.sleep(IDLE_WAIT_S)
        self._asked = True

    def on_trial_begin(self, trial):
        self._asked = False
        super().on_trial_begin(trial)
        self._write_worker_state(trial.trial_id)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        self._finished_here.add(trial.trial_id)
        self._write_worker_state(None)
        if not self._is_worker():
            checkpoints.prune(self, self.keep_checkpoints)
        elif not isinstance(self, keras_tuner.Hyperband):
            checkpoints.prune_worker(self, self.keep_checkpoints, self._finished_here)
        if self.progress:
            self.progress.report()

    def save(self):
        """keras-tuner's, written atomically."""
        if not self._is_worker():
            self.oracle.save()
        files.write_json(self._get_tuner_fname(), self.get_state())

    def _write_worker_state(self, trial_id):
        """Workers say which trial they run, with their process id (for people and tests)."""
        if self._is_worker():
            files.write_json(Path(self.directory) / "workers" / f"{self.tuner_id}.json",
                             {"pid": os.getpid(), "trial": trial_id,
                              "state": "running" if trial_id else "waiting"})


class HyperbandTuner(ZooTuner, keras_tuner.Hyperband):
    """ZooTuner with Hyperband's run_trial (epochs per round) and _build_hypermodel (a promoted
    trial starts from its parent's checkpoint)."""

    def _build_hypermodel(self, hp):
        # keras-tuner loads the parent's weights into a model whose optimizer is not built yet:
        # the optimizer starts afresh, and Keras says so at every promotion.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipping variable loading for optimizer")
            return super()._build_hypermodel(hp)


def make_tuner(plan, role: str = "local"):
    """The plan's keras-tuner Tuner; it reloads the search saved in the plan's folder."""
    import keras_tuner

    from tuning.hypermodel import ZooHyperModel
    from tuning.oracles import make_oracle
    hypermodel = ZooHyperModel(plan.model, plan.space, epochs=plan.epochs,
                               batch_size=plan.batch_size, build_args=plan.build_args)
    # keras-tuner draws a random seed for seed=0.
    oracle = make_oracle(plan.strategy, objective=keras_tuner.Objective(plan.objective,
                                                                        plan.direction),
                         max_trials=plan.max_trials, seed=plan.seed + 1, epochs=plan.epochs,
                         num_dimensions=len(spaces.tuned(plan.space)),
                         options=plan.strategy_options)
    oracle.pruner = plan.pruner()
    oracle.time_budget_s = plan.time_budget_s
    _mark_reloadable(plan, role)
    kind = HyperbandTuner if plan.strategy == "hyperband" else ZooTuner
    tuner = kind(oracle, hypermodel, directory=str(plan.folder), project_name="trials",
                 overwrite=False, seed=plan.seed, keep_checkpoints=plan.keep_checkpoints,
                 cost=plan.cost)
    return tuner


def _mark_reloadable(plan, role: str):
    """keras-tuner reloads a project only if it finds this tuner's own file ({tuner id}.json);
    a search continued under another id (alone after distributed, or the reverse) would
    otherwise start afresh over the saved trials."""
    if role == "worker":  # a worker's file holds nothing to reload
        return
    project = plan.folder / "trials"
    tuner_file = project / f"{os.environ.get('KERASTUNER_TUNER_ID', 'tuner0')}.json"
    if (project / "oracle.json").exists() and not tuner_file.exists():
        files.write_json(tuner_file, {})

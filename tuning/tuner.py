"""The Tuner: keras-tuner's, plus per-trial seed, time and memory, the checkpoints of the best
trials only, one progress line per trial, and atomic state files."""
from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import keras
import keras_tuner
from keras_tuner.src.engine import tuner_utils

from tuning import checkpoints, memory, spaces
from zoo import files

# While the oracle answers IDLE (a grid waiting for running trials), ask again this often
# instead of in a tight loop.
IDLE_WAIT_S = 0.5


class ZooTuner(keras_tuner.Tuner):
    def __init__(self, oracle, hypermodel, *, seed=0, keep_checkpoints=3, progress=None,
                 **kwargs):
        # Not super(): for HyperbandTuner that is keras_tuner.Hyperband, which makes its own
        # oracle; ours is given.
        keras_tuner.Tuner.__init__(self, oracle, hypermodel, **kwargs)
        self.seed = seed
        self.keep_checkpoints = keep_checkpoints
        self.progress = progress
        self._asked = False
        self._finished_here = set()
        self.oracle.verbose = 0  # keras-tuner's multi-line report; ours is `progress`

    def run_trial(self, trial, *args, **kwargs):
        keras.utils.set_random_seed(self.seed)  # the same initial weights for every configuration
        start = time.perf_counter()
        with memory.released_custom_gradients():
            histories = super().run_trial(trial, *args, **kwargs)
        objective = self.oracle.objective
        metrics = tuner_utils.convert_to_metrics_dict(histories, objective)
        metrics = {k: float(v) for k, v in metrics.items()}
        metrics["best_epoch"] = tuner_utils.get_best_step(histories, objective) + 1
        metrics["seconds"] = time.perf_counter() - start
        metrics["rss_mb"] = memory.rss_mb()
        return metrics

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
    _mark_reloadable(plan, role)
    kind = HyperbandTuner if plan.strategy == "hyperband" else ZooTuner
    return kind(oracle, hypermodel, directory=str(plan.folder), project_name="trials",
                overwrite=False, seed=plan.seed, keep_checkpoints=plan.keep_checkpoints)


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

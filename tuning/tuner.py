"""The Tuner: keras-tuner's, plus per-trial seed, time and memory, the checkpoints of the best
trials only, one progress line per trial, and atomic state files."""
from __future__ import annotations

import os
import time
from pathlib import Path

import keras
import keras_tuner
from keras_tuner.src.engine import tuner_utils

from tuning import checkpoints
from zoo import files

# While the oracle answers IDLE (a grid waiting for running trials), ask again this often
# instead of in a tight loop.
IDLE_WAIT_S = 0.5


class ZooTuner(keras_tuner.Tuner):
    def __init__(self, oracle, hypermodel, *, seed=0, keep_checkpoints=3, progress=None,
                 **kwargs):
        # Not super(): HyperbandTuner's next class, keras_tuner.Hyperband, builds its own oracle.
        keras_tuner.Tuner.__init__(self, oracle, hypermodel, **kwargs)
        self.seed = seed
        self.keep_checkpoints = keep_checkpoints
        self.progress = progress
        self._asked = False
        self.oracle.verbose = 0  # keras-tuner's multi-line report; ours is `progress`

    def run_trial(self, trial, *args, **kwargs):
        keras.utils.set_random_seed(self.seed)  # every configuration starts from the same draw
        start = time.perf_counter()
        histories = super().run_trial(trial, *args, **kwargs)
        objective = self.oracle.objective
        metrics = tuner_utils.convert_to_metrics_dict(histories, objective)
        metrics = {k: float(v) for k, v in metrics.items()}
        metrics["best_epoch"] = tuner_utils.get_best_step(histories, objective) + 1
        metrics["seconds"] = time.perf_counter() - start
        metrics["rss_mb"] = rss_mb()
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
        self._write_worker_state(None)
        if not self._is_worker():
            checkpoints.prune(self, self.keep_checkpoints)
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


def rss_mb() -> float:
    """Resident memory of this process, in MiB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak instead
        import resource
        import sys
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)

"""Every trial of a search in TensorBoard's HParams dashboard: `tensorboard --logdir SEARCH/tensorboard`
shows the table, parallel-coordinates and scatter views (hyperparameters, status, validation
score, epochs trained, cost) and each trial's validation curve.

Written with TensorBoard's own hparams API (keras-tuner's TensorBoard integration logs one run
per execution without the trial's status or the pruned epochs). Each trial is written once, when
it has ended, into a folder of its own made under a temporary name and renamed when complete, so
that a search killed mid-write leaves no half trial; `sync` writes whatever ended trials are
missing, so a resumed search fills the gaps.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from tuning import spaces
from tuning.costs import COSTS
from tuning.progress import shown_values, status
from tuning.pruning import CURVE, PRUNED_EPOCH

FOLDER = "tensorboard"
STATUSES = ["COMPLETED", "PRUNED", "FAILED", "INVALID"]


class Dashboard:
    def __init__(self, plan):
        self.plan = plan
        self.root = Path(plan.folder) / FOLDER

    def sync(self, oracle) -> list:
        """Write every ended trial not written yet; returns their numbers."""
        written = []
        for trial_id in list(oracle.end_order):
            trial = oracle.trials[trial_id]
            folder = self.root / f"trial_{int(trial_id) + 1:04d}"
            if not folder.exists():
                self._write_config()
                self._write_trial(trial, folder)
                written.append(int(trial_id) + 1)
        return written

    def _write_config(self):
        """The experiment: which hyperparameters and metrics the dashboard shows (once)."""
        if any(self.root.glob("events.out.tfevents.*")):
            return
        import tensorflow as tf
        from tensorboard.plugins.hparams import api as hp
        self.root.mkdir(parents=True, exist_ok=True)
        hparams = [hp.HParam(name, _domain(spec)) for name, spec in
                   spaces.tuned(self.plan.space).items()]
        hparams.append(hp.HParam("status", hp.Discrete(STATUSES)))
        metrics = [hp.Metric(self.plan.objective, display_name=f"{self.plan.objective} (best)"),
                   hp.Metric("epochs", display_name="epochs trained")]
        if self.plan.cost:
            metrics.append(hp.Metric(self.plan.cost, display_name=COSTS[self.plan.cost]))
        with tf.summary.create_file_writer(str(self.root)).as_default():
            hp.hparams_config(hparams=hparams, metrics=metrics)

    def _write_trial(self, trial, folder: Path):
        import tensorflow as tf
        from tensorboard.plugins.hparams import api as hp
        temporary = folder.with_name(folder.name + ".partial")
        shutil.rmtree(temporary, ignore_errors=True)
        values = {k: _value(v) for k, v in shown_values(trial.hyperparameters.values).items()}
        values["status"] = status(trial)
        curve = _curve(trial, self.plan.objective)
        writer = tf.summary.create_file_writer(str(temporary))
        with writer.as_default():
            hp.hparams(values, trial_id=f"trial {int(trial.trial_id) + 1}")
            epochs = (int(trial.metrics.get_last_value(PRUNED_EPOCH))
                      if trial.metrics.exists(PRUNED_EPOCH) else len(curve))
            if trial.score is not None:
                tf.summary.scalar(self.plan.objective, float(trial.score), step=epochs)
            tf.summary.scalar("epochs", epochs, step=0)
            if self.plan.cost and trial.metrics.exists(self.plan.cost):
                tf.summary.scalar(self.plan.cost,
                                  float(trial.metrics.get_last_value(self.plan.cost)), step=0)
            for step, value in curve:
                tf.summary.scalar(f"epoch/{self.plan.objective}", value, step=step + 1)
        writer.close()
        os.replace(temporary, folder)


def _curve(trial, objective) -> list:
    name = CURVE.format(objective)
    if not trial.metrics.exists(name):
        return []
    return sorted((obs.step, float(obs.mean())) for obs in trial.metrics.get_history(name))


def _domain(spec):
    from tensorboard.plugins.hparams import api as hp
    if isinstance(spec, spaces.Boolean):
        return hp.Discrete([False, True])
    if isinstance(spec, spaces.Choice):
        values = [_value(v) for v in spec.values]
        if len({type(v) for v in values}) > 1:  # TensorBoard wants one type per domain
            values = [str(v) for v in values]
        return hp.Discrete(values)
    if isinstance(spec, (spaces.Float, spaces.Int)):
        return hp.RealInterval(float(spec.min_value), float(spec.max_value))
    return None


def _value(value):
    """What the dashboard holds: bool, int, float or text."""
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    return str(value)

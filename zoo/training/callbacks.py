"""A run's callbacks: Keras' own where they do the job, and the few they do not (an atomic best
checkpoint, progress in status.json, one line per epoch; the run's checkpoint is in
checkpoint.py)."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import keras

from zoo import files


class AtomicBestCheckpoint(keras.callbacks.Callback):
    """Keep the model of the best epoch, and write it atomically at the end of training.

    keras.callbacks.ModelCheckpoint writes the .keras file in place, so a process killed during
    the write leaves a corrupt best model; this writes a temporary file and renames it. The best
    value and epoch are written beside it (best.json). A resumed run takes its starting best from
    the run's checkpoints (RunCheckpoint), not from best.json, which only a multi-process run's
    chief writes: so every process takes the same decisions.

    During training an improvement only keeps the weights (`weights`, host copies: a few
    milliseconds); the run's checkpoint saves them with each epoch (RunCheckpoint), so a kill
    loses nothing, and best.keras is written once, when training ends (with the best weights and
    the optimizer's final state). A Keras save costs about 0.1 s however small the model
    (measured here, cnn_fashion: 96 ms): 5 % of a 2-second epoch, were it made every epoch."""

    def __init__(self, path, monitor="val_loss", mode="min"):
        super().__init__()
        self.path, self.monitor, self.mode = Path(path), monitor, mode
        self.record = self.path.with_suffix(".json")
        self.best, self.best_epoch = self.initial, None
        self.weights = None  # the best epoch's weights, not yet in best.keras

    @property
    def initial(self) -> float:
        return math.inf if self.mode == "min" else -math.inf

    def start_from(self, value: float | None = None, epoch: int | None = None):
        """Start from this best value and epoch, already in best.keras (None: from no best, so
        the next finite value is kept)."""
        self.best = self.initial if value is None else float(value)
        self.best_epoch, self.weights = epoch, None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None or not math.isfinite(value):
            return
        better = value < self.best if self.mode == "min" else value > self.best
        if better:
            self.best, self.best_epoch = float(value), epoch + 1
            self.weights = self.model.get_weights()

    def on_train_end(self, logs=None):
        if self.weights is None:
            return
        final = self.model.get_weights()
        self.model.set_weights(self.weights)
        try:
            files.save_model(self.model, self.path)
        finally:
            self.model.set_weights(final)
        files.write_json(self.record, {"monitor": self.monitor, "value": self.best,
                                       "epoch": self.best_epoch})
        self.weights = None


class StopOnNaN(keras.callbacks.Callback):
    """Stop training after an epoch whose loss is NaN or infinite (the checkpoint then records a
    stop on NaN, and the run is marked failed).

    keras.callbacks.TerminateOnNaN checks after every batch. On the backends whose callbacks Keras
    may dispatch asynchronously (JAX, PyTorch), a callback with a batch hook that is not marked
    safe for that makes Keras run every batch's callbacks in the training loop, waiting for each
    step's loss, where it otherwise queues the next step while one computes. A diverged run
    trains at most the rest of one epoch more."""

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            self.model.stop_training = True


class DiskSpaceGuard(keras.callbacks.Callback):
    """At the end of an epoch, before anything of it is written: stop with the disk-full error
    unless the epoch's writes fit (a checkpoint: the variables, the best model's weights, early
    stopping's best weights, each at most one copy of the model's and optimizer's state)."""

    COPIES = 3

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def on_epoch_end(self, epoch, logs=None):
        files.ensure_space(self.folder, self.COPIES * files.state_bytes(self.model),
                           f"the end of epoch {epoch + 1}")


class RunProgress(keras.callbacks.Callback):
    """Record finished epochs and elapsed time in the run's status.json after each epoch."""

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def on_epoch_end(self, epoch, logs=None):
        self.folder.epoch_done(epoch + 1)


class EpochLine(keras.callbacks.Callback):
    """One line per epoch, for logs written to files: Keras' verbose=2 writes two (an "Epoch n/N"
    line, then the metrics), and its progress bar writes every step with terminal escapes."""

    def __init__(self, epochs: int):
        super().__init__()
        self.epochs = epochs
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        import time
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        import time
        seconds = time.perf_counter() - (self._start or time.perf_counter())
        values = " - ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items()
                            if isinstance(v, (int, float)) and k != "learning_rate")
        print(f"epoch {epoch + 1}/{self.epochs} - {seconds:.1f} s - {values}", flush=True)


class OwnBuffers(keras.callbacks.Callback):
    """Under JAX, after SwapEMAWeights: every model and optimizer variable given a buffer of its
    own. Keras 3.15 assigns one variable's array to another (SwapEMAWeights at the last epoch's
    end, the optimizer's finalize_variable_values at the end of fit), and jax.jit then donates
    that shared buffer to the next step, which deletes it under the other variable: "Array has
    been deleted" when the model is saved."""

    def _copy_all(self):
        if keras.backend.backend() != "jax":
            return
        for variable in list(self.model.variables) + list(self.model.optimizer.variables):
            variable.assign(keras.ops.copy(variable.value))

    def on_epoch_end(self, epoch, logs=None):  # after SwapEMAWeights' finalize
        self._copy_all()

    def on_train_end(self, logs=None):
        self._copy_all()


class EpochTensorBoard(keras.callbacks.TensorBoard):
    """Keras' TensorBoard callback at update_freq="epoch" without its batch hook: for the
    backends on which Keras dispatches batch callbacks asynchronously (JAX, PyTorch).

    Keras waits for every training step's loss before it queues the next when a callback has a
    batch hook that is not marked safe. TensorBoard's is not safe there: it reads the step's logs
    and the model, whose buffers the next step may have donated meanwhile ("Array has been
    deleted", tried under JAX). At update_freq="epoch" it writes, per batch, only the
    tf.function graph of the TensorFlow backend's train step, which other backends do not have:
    on them the hook does nothing, and is left out."""

    on_train_batch_end = keras.callbacks.Callback.on_train_batch_end  # Keras' default: none

    def __init__(self, log_dir):
        super().__init__(log_dir, update_freq="epoch", profile_batch=0)


def tensorboard(log_dir) -> keras.callbacks.TensorBoard:
    """The run's TensorBoard callback: Keras' own on TensorFlow (where Keras dispatches batch
    callbacks synchronously anyway, and the train step's graph is written), else without its
    batch hook (EpochTensorBoard)."""
    if keras.backend.backend() == "tensorflow":
        return keras.callbacks.TensorBoard(log_dir)
    return EpochTensorBoard(log_dir)


def has_tensorflow() -> bool:
    """Whether TensorFlow can be imported (a JAX or PyTorch machine may have none)."""
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return False
    return True


def run_callbacks(folder, *, phase: str, monitor: str, ema: bool, patience: int | None,
                  epoch_lines: int | None = None, extra=(), keep_checkpoints: int = 1) -> list:
    """The callbacks of one phase of a run, in the order they must run at the end of an epoch:
    the history row, the checkpoint's raw weights, the average swapped in, the decisions that
    read the validation score, the checkpoint completed, then what reports progress.
    keep_checkpoints: how many epochs' checkpoints are kept (2 in a multi-process run)."""
    from zoo.training.checkpoint import RunCheckpoint
    # Keras' EarlyStopping restores the best weights at the end of training, also when the
    # epochs run out before it stops the run (Keras 3.15).
    stopper = keras.callbacks.EarlyStopping(monitor=monitor, patience=patience,
                                            restore_best_weights=True) if patience else None
    best = AtomicBestCheckpoint(folder.out / "best.keras", monitor=monitor)
    checkpoint = RunCheckpoint(folder.path / "backup" / phase, early_stopping=stopper,
                               best_checkpoint=best, keep=keep_checkpoints)
    return [
        DiskSpaceGuard(folder.path),
        keras.callbacks.CSVLogger(str(folder.out / "history.csv"), append=True),
        checkpoint.weights_writer,
        # With an average of the weights, validation, the callbacks below and the final model
        # use the averaged weights; the checkpoint holds the raw ones, so a resume is exact.
        *([keras.callbacks.SwapEMAWeights(swap_on_epoch=True), OwnBuffers()] if ema else []),
        *([stopper] if stopper else []),
        best,
        StopOnNaN(),
        checkpoint,
        # Keras writes TensorBoard's event files through TensorFlow, whatever the backend.
        *([tensorboard(str(folder.out / "tensorboard"))] if has_tensorflow() else []),
        RunProgress(folder),
        *([EpochLine(epoch_lines)] if epoch_lines else []),
        *extra,
    ]


def trim_history(history_csv: Path, backup_root: Path):
    """Before resuming, drop CSV rows of epochs after the last checkpointed one: a run killed
    between CSVLogger's write and the checkpoint's would otherwise log those epochs twice. Phases
    of a run (head training, fine-tuning) keep their checkpoints in subfolders and number epochs
    on."""
    from zoo.training.checkpoint import epochs_done
    if not Path(history_csv).exists():
        return
    finished = epochs_done(backup_root)
    with open(history_csv, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return
    kept = [rows[0]] + [r for r in rows[1:] if r and int(r[0]) < finished]
    if len(kept) != len(rows):
        with files.atomic_path(history_csv) as tmp:
            with open(tmp, "w", newline="") as f:
                csv.writer(f).writerows(kept)

"""A run's callbacks: Keras' own where they do the job, and the few they do not (an atomic best
checkpoint, progress in status.json, repairs of the backup before a resume)."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import keras

from zoo import files


class AtomicBestCheckpoint(keras.callbacks.Callback):
    """Save the model when the monitored value improves, atomically.

    keras.callbacks.ModelCheckpoint writes the .keras file in place, so a process killed during
    the write leaves a corrupt best model; this writes a temporary file and renames it. The best
    value is kept beside it (best.json) so that a resumed run does not overwrite a better model."""

    def __init__(self, path, monitor="val_loss", mode="min"):
        super().__init__()
        self.path, self.monitor, self.mode = Path(path), monitor, mode
        self.record = self.path.with_suffix(".json")
        saved = files.read_json(self.record, {}) or {}
        self.best = saved.get("value", math.inf if mode == "min" else -math.inf)

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None or not math.isfinite(value):
            return
        better = value < self.best if self.mode == "min" else value > self.best
        if better:
            self.best = float(value)
            files.save_model(self.model, self.path)
            files.write_json(self.record, {"monitor": self.monitor, "value": self.best,
                                           "epoch": epoch + 1})


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


def run_callbacks(folder, *, phase: str, monitor: str, ema: bool, patience: int | None,
                  epoch_lines: int | None = None, extra=()) -> list:
    """The callbacks of one phase of a run, in the order they must run at the end of an epoch."""
    # Keras' EarlyStopping restores the best weights at the end of training, also when the
    # epochs run out before it stops the run (Keras 3.15).
    early_stopping = [keras.callbacks.EarlyStopping(monitor=monitor, patience=patience,
                                                    restore_best_weights=True)] if patience else []
    return [
        keras.callbacks.CSVLogger(str(folder.out / "history.csv"), append=True),
        # double_checkpoint keeps the previous state too: a kill during the write of one is
        # recovered from the other.
        keras.callbacks.BackupAndRestore(str(folder.path / "backup" / phase),
                                         double_checkpoint=True, delete_checkpoint=False),
        # With an average of the weights, validation, the callbacks below and the final model
        # use the averaged weights; the backup above holds the raw ones, so a resume is exact.
        *([keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if ema else []),
        *early_stopping,
        AtomicBestCheckpoint(folder.out / "best.keras", monitor=monitor),
        keras.callbacks.TerminateOnNaN(),
        keras.callbacks.TensorBoard(str(folder.out / "tensorboard")),
        RunProgress(folder),
        *([EpochLine(epoch_lines)] if epoch_lines else []),
        *extra,
    ]


def backed_up_epoch(backup_dir) -> int:
    """The epoch recorded in one phase's BackupAndRestore state (training_metadata.json), 0 when
    there is none yet."""
    meta = Path(backup_dir) / "training_metadata.json"
    return int(json.loads(meta.read_text())["epoch"]) if meta.exists() else 0


def backed_up_total(backup_root) -> int:
    """Epochs backed up over a run's phases (they number epochs on): the latest phase's count."""
    return max((backed_up_epoch(meta.parent)
                for meta in Path(backup_root).glob("*/training_metadata.json")), default=0)


def trim_history(history_csv: Path, backup_root: Path):
    """Before resuming, drop CSV rows of epochs after the last backed-up one: a run killed between
    CSVLogger's write and BackupAndRestore's would otherwise log those epochs twice. Phases of a
    run (head training, fine-tuning) keep their backups in subfolders and number epochs on."""
    if not Path(history_csv).exists():
        return
    finished = backed_up_total(backup_root)
    with open(history_csv, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return
    kept = [rows[0]] + [r for r in rows[1:] if r and int(r[0]) < finished]
    if len(kept) != len(rows):
        with files.atomic_path(history_csv) as tmp:
            with open(tmp, "w", newline="") as f:
                csv.writer(f).writerows(kept)


def repair_backup(backup_root: Path):
    """Make each phase's BackupAndRestore state loadable before resuming.

    BackupAndRestore(double_checkpoint=True) recovers from a corrupt weights file by itself when
    it has a previous copy (.bkp), but not from a corrupt training_metadata.json (a kill during
    its write), nor from a corrupt weights file in the first epoch, before any .bkp exists: then
    take the previous copy of both files, or, if there is none, drop that phase's state and redo
    it."""
    import shutil
    phases = {meta.parent for meta in Path(backup_root).glob("*/training_metadata.json")}
    phases |= {weights.parent for weights in Path(backup_root).glob("*/latest.weights.h5")}
    for phase in phases:
        meta = phase / "training_metadata.json"
        weights = phase / "latest.weights.h5"
        if _readable_metadata(meta) and _readable_weights(weights):
            continue
        previous = meta.with_name(meta.name + ".bkp")
        previous_weights = weights.with_name(weights.name + ".bkp")
        if _readable_metadata(previous) and _readable_weights(previous_weights):
            shutil.copyfile(previous_weights, weights)
            shutil.copyfile(previous, meta)
        else:
            shutil.rmtree(phase)


def _readable_weights(path: Path) -> bool:
    import h5py
    try:
        return Path(path).is_file() and h5py.is_hdf5(path)
    except OSError:
        return False


def _readable_metadata(path: Path) -> bool:
    """BackupAndRestore's training_metadata.json: an object whose "epoch" is a count of epochs."""
    try:
        epoch = json.loads(Path(path).read_text())["epoch"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return isinstance(epoch, int) and not isinstance(epoch, bool) and epoch >= 0

"""A run's training state: one complete checkpoint per finished epoch, or none.

Written by hand because keras.callbacks.BackupAndRestore (Keras 3.15) does not keep one
consistent record: it writes the weights, then training_metadata.json, each in place, so a kill
between the two resumes epoch N's weights as if they were epoch N-1's (one epoch trained twice);
and it keeps no early-stopping state, so a run killed after an early stop trains on past it.

Here an epoch's state is written into a hidden folder, `.epoch-NNNN.tmp`, and made visible by one
rename to `epoch-NNNN`; only then is the previous checkpoint removed. A checkpoint folder holds

- variables.npz: the model's variables (with its layers' random-seed state) and the optimizer's,
  in their order, written before an average of the weights is swapped in, so that they are the
  raw ones. NumPy's writer, not model.save_weights: HDF5 crashes the process (a segmentation
  fault in h5py's clean-up) when the disk fills during its write, where Python's writes raise
  OSError;
- early_stopping.npz: EarlyStopping's best weights, when it keeps them;
- best_model.npz: the best epoch's weights, not yet written to best.keras (written at the end of
  training, zoo.training.callbacks.AtomicBestCheckpoint);
- state.json: the epoch count, whether training stopped (early or on a NaN loss), that epoch's
  logs, the EarlyStopping counters and the best value of the best-model checkpoint.

A kill at any point leaves the last complete checkpoint, which resume restores as a whole.
"""
from __future__ import annotations

import contextlib
import json
import math
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import keras

WEIGHTS = "variables.npz"
BEST_WEIGHTS = "early_stopping.npz"
BEST_MODEL_WEIGHTS = "best_model.npz"
STATE = "state.json"
PREFIX = "epoch-"


@dataclass(frozen=True)
class Checkpoint:
    """A complete checkpoint: its folder and its state.json."""
    path: Path
    state: dict

    @property
    def epoch(self) -> int:
        return int(self.state["epoch"])

    @property
    def stopped(self) -> str | None:
        """"early" or "nan" when training stopped at this epoch, else None."""
        return self.state.get("stopped")


class CheckpointError(ValueError):
    """A checkpoint folder that cannot be read (hand-edited or damaged)."""


def _complete(directory) -> list[Path]:
    """The complete checkpoint folders of one phase, oldest first (epoch 10000 after 9999)."""
    return sorted((p for p in Path(directory).glob(PREFIX + "*")
                   if p.is_dir() and not p.is_symlink() and p.name[len(PREFIX):].isdigit()),
                  key=_epoch_of)


def _epoch_of(path: Path) -> int:
    return int(path.name[len(PREFIX):])


def latest(directory, at_most: int | None = None) -> Checkpoint | None:
    """The newest complete checkpoint of one phase (backup/PHASE), of epoch `at_most` at most
    when given; None when there is none.

    Raises CheckpointError when it is damaged: its files were changed after it was complete,
    since none is visible before all its files are written."""
    folders = [p for p in _complete(directory) if at_most is None or _epoch_of(p) <= at_most]
    if not folders:
        return None
    path = folders[-1]
    state = _read_state(path)
    if state["epoch"] != int(path.name[len(PREFIX):]):
        raise CheckpointError(f"{path / STATE} says epoch {state['epoch']} in the folder of epoch "
                              f"{int(path.name[len(PREFIX):])}")
    if not (path / WEIGHTS).is_file():
        raise CheckpointError(f"{path / WEIGHTS} is missing")
    if not zipfile.is_zipfile(path / WEIGHTS):
        raise CheckpointError(f"{path / WEIGHTS} is not a NumPy archive")
    return Checkpoint(path, state)


def epochs_done(backup_root) -> int:
    """Epochs in the newest complete checkpoint over a run's phases (they number epochs on)."""
    done = 0
    for phase in Path(backup_root).glob("*"):
        # Counting for a check or a status line: a damaged checkpoint counts as none here;
        # resume itself (RunCheckpoint, run_state.check) reports it.
        with contextlib.suppress(CheckpointError):
            checkpoint = latest(phase) if phase.is_dir() else None
            done = max(done, checkpoint.epoch if checkpoint else 0)
    return done


def best_before(backup_root, epoch: int) -> tuple[float | None, int | None]:
    """(value, epoch) of the best model as the checkpoint of `epoch` records it, in whichever
    phase's folder holds one: the earlier phase's last epoch, for a later phase that starts at
    `epoch`. (None, None) when there is none (the first phase starts at 0)."""
    for phase in sorted(Path(backup_root).glob("*")) if epoch > 0 else ():
        found = latest(phase, at_most=epoch) if phase.is_dir() else None
        if found is not None and found.epoch == epoch and found.state.get("best") is not None:
            return float(found.state["best"]), found.state.get("best_epoch")
    return None, None


def clean(directory, keep: int = 1) -> None:
    """Remove what a kill left in one phase's folder: unfinished checkpoints (.tmp) and the
    complete ones older than the newest `keep`. Call with the run's lock held."""
    directory = Path(directory)
    if not directory.is_dir():
        return
    for path in directory.glob("." + PREFIX + "*.tmp"):
        _remove(path)
    latest(directory)  # the newest is checked
    for path in _complete(directory)[:-keep]:
        _remove(path)


class _WeightsWriter(keras.callbacks.Callback):
    """The first half of an epoch's checkpoint: the raw weights into the unfinished folder.
    Placed before keras.callbacks.SwapEMAWeights, which swaps the average in at epoch end."""

    def __init__(self, owner: "RunCheckpoint"):
        super().__init__()
        self.owner = owner

    def on_epoch_end(self, epoch, logs=None):
        pending = self.owner.pending(epoch + 1)
        if pending.exists():
            _remove(pending)
        pending.mkdir(parents=True)
        _save_variables(self.model, pending / WEIGHTS)


class RunCheckpoint(keras.callbacks.Callback):
    """Restore a phase's newest complete checkpoint at the start of fit, and complete one at the
    end of each epoch: placed after EarlyStopping and the best-model checkpoint, whose state it
    records; its `weights_writer` goes before any SwapEMAWeights.

    Args:
        directory: the phase's folder (RUN/backup/PHASE).
        early_stopping: the run's keras.callbacks.EarlyStopping, or None.
        best_checkpoint: the run's AtomicBestCheckpoint (its `best` value is kept), or None.

    Example:
        checkpoint = RunCheckpoint(run / "backup" / "train", early_stopping=stopper)
        model.fit(..., initial_epoch=checkpoint.resume_epoch(epochs),
                  callbacks=[checkpoint.weights_writer, stopper, checkpoint])
    """

    def __init__(self, directory, *, early_stopping=None, best_checkpoint=None, keep=1):
        super().__init__()
        self.directory = Path(directory)
        self.early_stopping, self.best_checkpoint = early_stopping, best_checkpoint
        self.keep = keep
        self.weights_writer = _WeightsWriter(self)
        clean(self.directory, keep)
        self.restored = latest(self.directory)

    def rewind(self, epoch: int) -> None:
        """Resume from the checkpoint of `epoch`, older than the newest: the processes of one
        run, each with its own checkpoints (kept 2 deep), can be killed an epoch apart, and
        they agree on the older. The newer checkpoints are removed; none when that one is not
        there."""
        older = latest(self.directory, at_most=epoch)
        if (older.epoch if older else 0) != epoch:
            raise CheckpointError(f"{self.directory} holds no checkpoint of epoch {epoch}")
        for path in _complete(self.directory):
            if _epoch_of(path) > epoch:
                _remove(path)
        self.restored = older

    def carry_best(self, initial_epoch: int) -> None:
        """Where this phase restores no checkpoint of its own: start the best model's record
        from the best that the previous phase's last checkpoint (of epoch `initial_epoch`)
        records, or from none in the first phase. Every process of a multi-process run has its
        own checkpoints, where best.json is the chief's alone, and all must take the same save
        decisions (a Keras save is a collective there)."""
        if self.restored is None and self.best_checkpoint is not None:
            self.best_checkpoint.start_from(*best_before(self.directory.parent, initial_epoch))

    def pending(self, epoch: int) -> Path:
        return self.directory / f".{PREFIX}{epoch:04d}.tmp"

    def resume_epoch(self, epochs: int, initial_epoch: int = 0) -> int:
        """The epoch fit starts from: the checkpoint's, or `epochs` (none left to train) when
        training had stopped there."""
        if self.restored is None:
            return initial_epoch
        return epochs if self.restored.stopped else max(initial_epoch, self.restored.epoch)

    def on_train_begin(self, logs=None):
        checkpoint = self.restored
        if checkpoint is None:
            return
        try:
            _load_variables(self.model, checkpoint.path / WEIGHTS)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            if isinstance(error, CheckpointError):
                raise
            raise CheckpointError(f"{checkpoint.path / WEIGHTS} cannot be read "
                                  f"({type(error).__name__}: {error})") from None
        state = checkpoint.state
        stopper = self.early_stopping
        if stopper is not None and state.get("early_stopping"):
            saved = state["early_stopping"]
            stopper.wait, stopper.stopped_epoch = saved["wait"], saved["stopped_epoch"]
            stopper.best, stopper.best_epoch = float(saved["best"]), saved["best_epoch"]
            if (checkpoint.path / BEST_WEIGHTS).is_file():
                stopper.best_weights = _loadz(checkpoint.path / BEST_WEIGHTS)
        best = self.best_checkpoint
        if best is not None and state.get("best") is not None:
            best.best = float(state["best"])
            best.best_epoch = state.get("best_epoch")
            if (checkpoint.path / BEST_MODEL_WEIGHTS).is_file():
                best.weights = _loadz(checkpoint.path / BEST_MODEL_WEIGHTS)

    def on_epoch_end(self, epoch, logs=None):
        pending = self.pending(epoch + 1)
        logs = {k: float(v) for k, v in (logs or {}).items() if isinstance(v, (int, float))}
        stopped = None
        if self.model.stop_training:
            stopped = "nan" if not all(map(math.isfinite, logs.values())) else "early"
        state = {"epoch": epoch + 1, "stopped": stopped, "logs": _finite(logs)}
        stopper = self.early_stopping
        if stopper is not None:
            state["early_stopping"] = {
                "wait": int(stopper.wait), "stopped_epoch": int(stopper.stopped_epoch),
                "best": _number(stopper.best),
                "best_epoch": None if stopper.best_epoch is None else int(stopper.best_epoch)}
            if stopper.best_weights is not None:
                _savez(pending / BEST_WEIGHTS, stopper.best_weights)
        best = self.best_checkpoint
        if best is not None:
            state["best"], state["best_epoch"] = _number(best.best), best.best_epoch
            if best.weights is not None:
                _savez(pending / BEST_MODEL_WEIGHTS, best.weights)
        (pending / STATE).write_text(json.dumps(state))
        pending.rename(self.directory / f"{PREFIX}{epoch + 1:04d}")  # the checkpoint is complete
        for path in _complete(self.directory)[:-self.keep]:
            _remove(path)


# Iterators of the training dataset that Keras' TensorFlow trainer makes per epoch of fit (two in
# Keras 3.15, measured by the orders drawn); tests/hardening/test_kill_points.py holds resumed runs
# equal to an uninterrupted one, so a Keras that makes another number fails there.
SHUFFLE_DRAWS_PER_EPOCH = 2


def align_data_order(dataset, epochs: int) -> None:
    """Bring a resumed run's data order to where the uninterrupted run's was after `epochs` more
    epochs: a seeded `shuffle(reshuffle_each_iteration=True)` draws an order each time an
    iterator of the dataset is made, so make (and drop) as many as fit made for those epochs.
    Augmentation's random state is not restored: with augmentation a resumed run differs from
    an uninterrupted one as two seeds do."""
    if hasattr(dataset, "skip_epochs"):  # zoo.data.arrays: the order follows the epoch number
        dataset.skip_epochs(max(0, epochs))
        return
    if keras.backend.backend() != "tensorflow":
        return
    for _ in range(SHUFFLE_DRAWS_PER_EPOCH * max(0, epochs)):
        iter(dataset)


def _variables(model) -> list:
    optimizer = model.optimizer
    if optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)
    return list(model.variables) + (list(optimizer.variables) if optimizer is not None else [])


def _savez(path: Path, arrays) -> None:
    import numpy as np
    with open(path, "wb") as f:
        np.savez(f, **{f"v{i}": a for i, a in enumerate(arrays)})


def _loadz(path: Path) -> list:
    """The arrays _savez wrote, in their order."""
    with _np_load(path) as arrays:
        return [arrays[f"v{i}"] for i in range(len(arrays.files))]


def _save_variables(model, path: Path) -> None:
    _savez(path, [keras.ops.convert_to_numpy(v) for v in _variables(model)])


def _load_variables(model, path: Path) -> None:
    variables = _variables(model)
    with _np_load(path) as arrays:
        if len(arrays.files) != len(variables):
            raise CheckpointError(f"{path} holds {len(arrays.files)} variables where this model "
                                  f"and optimizer have {len(variables)}: another model's")
        values = [arrays[f"v{i}"] for i in range(len(variables))]
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != value.shape:
            raise CheckpointError(f"{path} holds a variable of shape {value.shape} for "
                                  f"{variable.path} of shape {tuple(variable.shape)}")
    for variable, value in zip(variables, values):
        variable.assign(value)


def _read_state(path: Path) -> dict:
    try:
        state = json.loads((path / STATE).read_text())
    except (OSError, ValueError) as error:
        raise CheckpointError(f"{path / STATE} cannot be read ({type(error).__name__})") from None
    epoch = state.get("epoch") if isinstance(state, dict) else None
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 1:
        raise CheckpointError(f"{path / STATE} has no epoch count")
    if state.get("stopped") not in (None, "early", "nan"):
        raise CheckpointError(f"{path / STATE} has an unknown 'stopped' value")
    return state


def _number(value):
    """JSON has no infinity: EarlyStopping's and the best checkpoint's starting values are."""
    value = float(value)
    return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")


def _finite(logs: dict) -> dict:
    return {k: (v if math.isfinite(v) else str(v)) for k, v in logs.items()}


def _np_load(path):
    import numpy as np
    return np.load(path, allow_pickle=False)


def _remove(path: Path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()

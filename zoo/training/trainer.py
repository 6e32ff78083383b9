"""The trainer of one run: data, model, compile, fit and the test evaluation, in its folder.

`zoo.train` drives it for one-phase recipes and recipes written as phases; a recipe that needs
more (the transfer recipe's comparison) opens a run with `zoo.training.open_run` and calls these
steps itself.
"""
from __future__ import annotations

import math
import sys

from zoo import distribute, files, registry
from zoo.errors import DataError, DiskFullError, RunError
from zoo.training import adapt, data_parallel
from zoo.training.config import TrainConfig, phase_epochs
from zoo.training.outputs import RunResult


class Trainer:
    def __init__(self, config: TrainConfig, folder, setup, *, explicit=()):
        self.config, self.folder, self.setup = config, folder, setup
        self.explicit = set(explicit)  # options the caller set: never adapted
        self.info = registry.get(config.model)
        self.splits = None
        self.head = None
        self.notes: list[str] = list(getattr(setup, "notes", ()))  # e.g. precision kept float32
        self._early_stopping = None
        self._iterated: dict[int, int] = {}  # epochs of data order drawn, per training dataset
        self._fed: dict[int, tuple] = {}  # id(splits) -> (splits, their even-batch form)

    # -- data ---------------------------------------------------------------------------------
    def load_data(self, data=None):
        """The run's splits: `data` as given (a zoo.data.Splits), else zoo.data.load of the
        config's dataset; on a small training split, loaded again with the adapted batch size."""
        if data is not None:
            self.splits = data
            return data
        c = self.config
        splits = self._load(c)
        changes, notes = adapt.fit_budget(c, splits.sizes["train"], self.explicit,
                                          splits.sizes.get("validation"))
        if changes:
            self.config = c = c.replace(**changes)
            self.notes += notes
            if "batch_size" in changes:
                splits = self._load(c)
        if splits.validation is None:
            self.notes.append("no validation split (validation_fraction=0): early stopping and "
                              "the best checkpoint follow the training loss")
        self.splits = splits
        return splits

    def _load(self, c):
        import zoo.data
        return zoo.data.load(c.dataset or self.info.dataset, data_dir=c.data_dir,
                             batch_size=c.batch_size, validation_fraction=c.validation_fraction,
                             subset=c.subset, seed=c.seed, augment=c.augment, **c.data_options)

    # -- model --------------------------------------------------------------------------------
    def build(self, splits=None, **overrides):
        """zoo's builder under the strategy, fitted to the data, refused if it cannot fit."""
        import zoo.data
        from zoo.models import factory, heads
        splits = splits or self.splits
        overrides = {**self.config.overrides, **overrides}
        if splits is not None and getattr(splits, "info", None) is not None:
            overrides, notes = adapt.model_arguments(self.info, splits.info, overrides,
                                                     splits.vectorizer)
            self.notes += notes
        self._announce()
        with self.setup.strategy.scope():
            model = factory.build_model(self.config.model, **overrides)
            self.head = heads.head_of(model)
            if splits is not None and getattr(splits, "info", None) is not None:
                try:
                    zoo.data.check_fits(splits.info, tuple(model.input_shape[1:]),
                                        model.output_shape[-1], self.head)
                except DataError as error:
                    raise DataError(str(error) + adapt.resize_hint(
                        splits.info, model.input_shape[1:])) from None
            self.compile(model)
            if splits is not None:
                adapt.layers_to_data(model, splits.train)
        from zoo.models.test_time import check_fits  # before training, not after it
        check_fits(model, self.config.test_time_augmentation)
        return model

    def compile(self, model, *, learning_rate=None, optimizer=None, epochs=None):
        """(Re)compile with the run's optimizer, schedule over its steps, average, loss, metrics."""
        from zoo.models.compiling import compile_model
        c = self.config
        steps = ((epochs or c.epochs) * _cardinality(self.fed(self.splits).train)
                 if self.splits else None)
        ema, note = adapt.ema_momentum(c.ema, steps or 0) if steps else (c.ema, None)
        if note and note not in self.notes:
            self.notes.append(note)
            print(f"  {note}")
        with self.setup.strategy.scope():
            compile_model(model, optimizer=optimizer or c.optimizer,
                          learning_rate=learning_rate or c.learning_rate,
                          lr_schedule=c.lr_schedule, decay_steps=steps, ema=ema,
                          jit_compile=c.jit_compile, label_smoothing=c.label_smoothing)
        return model

    def _announce(self):
        c = self.config
        if self.folder.resumed:
            print(f"Resuming the unfinished run in {self.folder.path} "
                  f"({self.folder.epochs_done} epochs done).")
        else:
            saved = self.folder.read_config()
            self.folder.write_config({**saved, **c.as_dict(), "adapted": self.notes})
        data = _dataset_name(self.splits, c.dataset or self.info.dataset)
        print(f"{c.model} on {data}: {c.summary()}.")
        for note in self.notes:
            print(f"  adapted: {note}")

    # -- train --------------------------------------------------------------------------------
    @property
    def monitor(self) -> str:
        return "val_loss" if self.splits is None or self.splits.validation is not None else "loss"

    def callbacks(self, extra=(), phase="train", epochs=None):
        from zoo.training.callbacks import run_callbacks
        c = self.config
        out = run_callbacks(self.folder, phase=phase, monitor=self.monitor, ema=bool(c.ema),
                            patience=c.patience, extra=extra,
                            keep_checkpoints=2 if self._processes else 1,
                            epoch_lines=(epochs or c.epochs) if self._lines else None)
        import keras
        self._early_stopping = next(
            (cb for cb in out if isinstance(cb, keras.callbacks.EarlyStopping)), None)
        return out

    def fit(self, model, splits=None, *, epochs=None, initial_epoch=0, phase="train",
            callbacks=()):
        """model.fit with the run's callbacks. A run in several phases calls fit once per phase,
        numbering epochs on with initial_epoch."""
        from zoo.training.callbacks import trim_history
        from zoo.training.checkpoint import CheckpointError, RunCheckpoint, align_data_order
        splits = splits or self.splits
        epochs = epochs or self.config.epochs
        trim_history(self.folder.out / "history.csv", self.folder.path / "backup")
        try:
            callbacks = self.callbacks(callbacks, phase, epochs)
        except CheckpointError as error:
            raise self._damaged(error) from None
        checkpoint = next(cb for cb in callbacks if isinstance(cb, RunCheckpoint))
        start = checkpoint.resume_epoch(epochs, initial_epoch)
        if self._processes:
            start = data_parallel.agreed_start(checkpoint, self.folder, epochs, initial_epoch,
                                               phase)
        checkpoint.carry_best(initial_epoch)  # after any rewind to an older checkpoint
        if self.config.distribute == "multiworker":
            epoch = checkpoint.restored.epoch if checkpoint.restored else 0
            if not distribute.resume_epochs_agree(self.setup.strategy, epoch):
                raise RunError(
                    f"The workers of this run would resume {phase} from different epochs (this "
                    f"one from {epoch}): a kill fell between their end-of-epoch checkpoints. "
                    "Delete the backup/ folder in every worker's run folder and run the same "
                    "commands again: training starts over.")
        done = self._iterated.get(id(splits.train), 0)
        align_data_order(splits.train, start - done)
        self._iterated[id(splits.train)] = max(start, done)
        fed = self.fed(splits)
        try:
            # A checkpoint that stopped (early, or on a NaN loss) leaves no epoch to train: fit
            # then only restores it and runs the end of training (the best weights put back).
            with data_parallel.quiet_sharding(self.config.distribute == "data"):
                history = model.fit(fed.train, validation_data=fed.validation,
                                    epochs=epochs, initial_epoch=start, callbacks=callbacks,
                                    # The pipelines shuffle; Keras warns unless shuffle=False.
                                    verbose=0 if self._lines else self._verbose, shuffle=False)
        except CheckpointError as error:
            raise self._damaged(error) from None
        except Exception as error:  # re-raised as it is unless explained below
            if self._processes and data_parallel.lost_peer(error):
                raise data_parallel.lost_process_error(error, self.config) from None
            if isinstance(error, ValueError) and self.config.distribute == "multiworker" \
                    and not self.setup.multi_worker_workaround:
                raise distribute.unsupported_error(error) from None
            if not files.disk_full(error):
                raise
            if isinstance(error, DiskFullError):
                raise
            raise DiskFullError(
                f"The disk is full: training of {self.config.model} stopped while writing to "
                f"{self.folder.path}. The last complete checkpoint (backup/) is intact: free "
                "some space and run the same command again to resume.") from None
        self._iterated[id(splits.train)] = start + len(history.epoch)
        stopped_on_nan = checkpoint.restored is not None and checkpoint.restored.stopped == "nan"
        if (model.stop_training and _nan_in(history)) or (start == epochs and stopped_on_nan):
            self.folder.write_status("failed", error="the loss became NaN: lower the learning rate")
            raise RunError(f"Training of {self.config.model} diverged (NaN loss); the run in "
                           f"{self.folder.path} is marked failed. Lower --learning-rate and run "
                           "again.")
        return history

    def fed(self, splits):
        """The splits as model.fit takes them: under distribute="data", batches of one size
        (zoo.data.even_batches); else as they are."""
        if self.config.distribute != "data" or splits is None:
            return splits
        if id(splits) not in self._fed:
            from zoo.data.even_batches import for_devices
            self._fed[id(splits)] = (splits, for_devices(
                splits, self.config.batch_size, self.setup.strategy.num_replicas_in_sync))
        return self._fed[id(splits)][1]

    @property
    def _processes(self) -> bool:
        """A multi-process data-parallel run (its processes must resume from one epoch)."""
        return self.config.distribute == "data" and bool(data_parallel.multi_process(self.config))

    def _damaged(self, error) -> RunError:
        from zoo.training.run_state import RESTART
        return RunError(f"The run in {self.folder.path} cannot resume: its checkpoint is damaged "
                        f"({error}). {RESTART}.")

    def fit_phases(self, model, splits=None, *, callbacks=()):
        """Every phase of the config in turn (one phase over all epochs when it has none)."""
        from zoo.models.transfer import unfreeze_top
        for phase, start, end in phase_epochs(self.config.phases, self.config.epochs):
            if phase is not None and start > 0:
                if phase.unfreeze_top:
                    unfreeze_top(model, phase.unfreeze_top)
                self.compile(model, learning_rate=phase.learning_rate, epochs=end - start)
            self.fit(model, splits, epochs=end, initial_epoch=start,
                     phase=phase.name if phase else "train", callbacks=callbacks)
        return model

    @property
    def _verbose(self):
        """Keras' verbose: 1 (a bar) on a terminal, else 2 (lines), unless the config says."""
        if self.config.verbose != "auto":
            return self.config.verbose
        return 1 if sys.stdout.isatty() else 2

    @property
    def _lines(self) -> bool:
        return self._verbose == 2  # written by EpochLine: one line per epoch

    # -- evaluate -----------------------------------------------------------------------------
    def evaluate(self, model, splits=None, *, plots=True) -> RunResult:
        """Test metrics once, the final model, metrics.json, plots; then the run is finished."""
        from zoo.training.outputs import finish_run
        splits = splits or self.splits
        if self.config.distribute == "data" and data_parallel.active():
            model = data_parallel.undistributed(model, self.compile)
        return finish_run(self, model, splits, dataset=_dataset_name(splits, None),
                          best_epoch=self._best_epoch(self.folder.epochs_done), plots=plots)

    def _best_epoch(self, epochs_done: int) -> int:
        stopper = self._early_stopping
        if stopper is None or stopper.best_epoch is None or stopper.best_weights is None:
            return epochs_done
        return int(stopper.best_epoch) + 1


def _dataset_name(splits, default):
    info = getattr(splits, "info", None)
    return info.name if info is not None else (default or "data given in memory")


def _cardinality(dataset) -> int:
    n = int(dataset.cardinality())
    return n if n > 0 else 1


def _nan_in(history) -> bool:
    return any(not math.isfinite(v) for v in history.history.get("loss", [0.0]))

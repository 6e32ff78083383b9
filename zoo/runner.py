"""The training runner shared by recipes, `zoo train` and tuning: one run, one folder.

A run folder (`runs/<model>/<time>/`) holds:
    config.json      the full configuration, library versions and seed
    status.json      {"state": "running" | "finished" | "failed", "epochs_done", "wall_time_s"}
    history.csv      Keras CSVLogger, one row per finished epoch
    backup/          Keras BackupAndRestore state: an interrupted run resumes from here
    best.keras       the best model so far on the validation monitor
    tensorboard/     TensorBoard logs
    model.keras      the final model (best weights restored), metrics.json, *.png
Everything is written atomically (zoo.files); a run whose status is not "finished" is resumed by
running the same command again.

Under --distribute multiworker every worker has its own run folder (--run-dir) and computes the
same things in step (evaluation and prediction are collective), but only the chief writes the
outputs (history.csv, best.keras, tensorboard/, model.keras, metrics.json, plots); another worker's
folder keeps config.json, status.json and backup/ (what it needs to resume with the chief) and
writes its outputs into .worker_outputs/, which is deleted when it ends.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fcntl
import hashlib
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

from zoo import distribute, files, validation
from zoo.errors import InvalidArgumentError, RunError

LR_SCHEDULES = ("constant", "cosine")
DISTRIBUTE = ("none", "mirrored", "multiworker")
# tf.distribute.MultiWorkerMirroredStrategy's class is named CollectiveAllReduceStrategy.
_STRATEGY_NAMES = {"mirrored": "MirroredStrategy", "multiworker": "MultiWorkerMirroredStrategy"}
_WORKER_OUTPUTS = ".worker_outputs"
# Options that say where and how verbosely a run happens, not what is trained.
_NOT_IN_FINGERPRINT = ("output_dir", "run_dir", "verbose", "data_dir", "new_run")


@dataclasses.dataclass
class TrainConfig:
    """What is trained and how. Recipes set the defaults; the command line overrides them."""
    model: str
    dataset: str | None = None          # default: the model's metadata dataset
    epochs: int = 10
    batch_size: int = 128
    optimizer: str | None = None        # default: the model's metadata optimizer
    learning_rate: float | None = None  # default: the model's metadata learning rate
    lr_schedule: str = "constant"
    ema: float | None = None            # momentum of an average of the weights (evaluated, kept)
    augment: str = "none"
    subset: int | None = None
    validation_fraction: float = 0.1
    seed: int = 0
    patience: int | None = None         # early stopping on the validation loss; None: off
    mixed_precision: bool = False
    jit_compile: bool = False           # XLA: measured 5x slower for small convnets on this CPU
    distribute: str = "none"
    cpu_devices: int | None = None      # split the CPU into logical devices (mirrored on a CPU)
    overrides: dict = dataclasses.field(default_factory=dict)      # builder arguments
    data_options: dict = dataclasses.field(default_factory=dict)   # extra zoo.data.load arguments
    data_dir: str | None = None
    output_dir: str = "runs"
    run_dir: str | None = None          # an explicit run folder: resumed if unfinished
    new_run: bool = False               # start a new run even if an unfinished one matches
    verbose: str | int = "auto"

    def validate(self) -> "TrainConfig":
        import zoo
        info = zoo.describe(self.model)  # unknown names fail here, with suggestions
        unknown = sorted(set(self.overrides) - set(info.arguments))
        if unknown:
            raise InvalidArgumentError(
                f"{self.model} has no argument {', '.join(map(repr, unknown))}; valid: "
                + ", ".join(info.arguments) + ".")
        validation.positive_int("epochs", self.epochs)
        validation.positive_int("batch_size", self.batch_size)
        if self.learning_rate is not None:
            validation.positive_float("learning_rate", self.learning_rate)
        validation.choice("lr_schedule", self.lr_schedule, LR_SCHEDULES)
        if self.ema is not None:  # a momentum in (0, 1), e.g. 0.99
            validation.probability("ema", validation.positive_float("ema", self.ema))
        if self.subset is not None:
            validation.positive_int("subset", self.subset)
        validation.probability("validation_fraction", self.validation_fraction)
        validation.non_negative_int("seed", self.seed)
        if self.patience is not None:
            validation.positive_int("patience", self.patience)
        validation.choice("distribute", self.distribute, DISTRIBUTE)
        if self.cpu_devices is not None:
            validation.positive_int("cpu_devices", self.cpu_devices)
        validation.boolean("mixed_precision", self.mixed_precision)
        validation.boolean("jit_compile", self.jit_compile)
        return self

    def fingerprint(self) -> str:
        data = {k: v for k, v in dataclasses.asdict(self).items() if k not in _NOT_IN_FINGERPRINT}
        return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:12]


def data_arguments(config: dict) -> dict:
    """The zoo.data.load arguments of a run, from its config.json: what to evaluate it on."""
    return {"batch_size": config.get("batch_size", 128), "seed": config.get("seed", 0),
            "validation_fraction": config.get("validation_fraction", 0.1),
            "data_dir": config.get("data_dir"), **config.get("data_options", {})}


def library_versions() -> dict:
    import keras
    import numpy
    import tensorflow as tf
    return {"python": platform.python_version(), "keras": keras.__version__,
            "tensorflow": tf.__version__, "numpy": numpy.__version__,
            "backend": keras.backend.backend(), "machine": machine_description()}


def machine_description() -> str:
    return f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.system()}"


# ---------------------------------------------------------------------------------------------
# The run folder


def _finished(run_dir: Path) -> bool:
    return (files.read_json(run_dir / "status.json", {}) or {}).get("state") == "finished"


def _make_dirs(path: Path) -> list[Path]:
    """mkdir -p, returning the folders it created, deepest first."""
    missing = [p for p in [path, *path.parents] if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return missing


def _new_run_dir(config: TrainConfig) -> tuple[Path, list[Path]]:
    parent = Path(config.output_dir) / config.model
    created = _make_dirs(parent)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = parent / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            path.mkdir()  # exclusive: two runs started in the same second get two folders
            return path, [path, *created]
        except FileExistsError:
            continue
    raise RunError(f"Could not create a new run folder in {parent}.")


def _unfinished_match(config: TrainConfig) -> Path | None:
    parent = Path(config.output_dir) / config.model
    if not parent.is_dir():
        return None
    for path in sorted(parent.iterdir(), reverse=True):
        saved = files.read_json(path / "config.json") if path.is_dir() else None
        if saved and not _finished(path) and saved.get("fingerprint") == config.fingerprint():
            return path
    return None


class Run:
    """One training run and its folder. Use `Run.start(config)` as a context manager."""

    def __init__(self, config: TrainConfig, path: Path, resumed: bool, created=()):
        self.config, self.path, self.resumed = config, path, resumed
        # Where the outputs go: the run folder, except on a multi-worker run's non-chief workers.
        self.out = path
        self.is_chief = True
        self.multi_worker_workaround = False  # zoo.distribute's fix of keras-team/keras#20585
        self.created = list(created)  # the folders this run made, deepest first
        self.info = None
        self.splits = None
        self.head = None
        self._lock = None
        self._started = time.perf_counter()
        self.status = files.read_json(path / "status.json", {}) or {}
        self.status["wall_time_before_s"] = self.status.get("wall_time_s", 0.0)

    # -- setup --------------------------------------------------------------------------------
    @classmethod
    def start(cls, config: TrainConfig, argv=None) -> "Run":
        """Parse command-line overrides (argv) into `config`, then open or resume its folder."""
        if argv is not None:
            from zoo.train_options import apply_arguments
            config = apply_arguments(config, argv)
        config.validate()
        if config.run_dir:
            path = Path(config.run_dir)
            if _finished(path):
                raise RunError(f"{path} holds a finished run: nothing there is overwritten. "
                               "Pass another --run-dir, or none for a new folder.")
            created = _make_dirs(path)
        else:
            path, created = (None if config.new_run else _unfinished_match(config)), []
            if path is None:
                path, created = _new_run_dir(config)
        resumed = (path / "status.json").exists()
        return cls(config, path, resumed, created)

    def __enter__(self):
        self._lock = open(self.path / ".lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"Another process is training in {self.path}; wait for it to end or "
                           "use another --run-dir.") from None
        self._setup_keras()
        if self.resumed:
            print(f"Resuming the unfinished run in {self.path} "
                  f"({self.status.get('epochs_done', 0)} epochs done).")
        else:
            files.write_json(self.path / "config.json", {
                **dataclasses.asdict(self.config), "fingerprint": self.config.fingerprint(),
                "versions": library_versions(), "command": sys.argv})
        self.write_status("running")
        return self

    def __exit__(self, kind, error, tb):
        if self.out != self.path:
            shutil.rmtree(self.out, ignore_errors=True)
        if kind is not None and self.created and not self.status.get("epochs_done"):
            # Failed before its first epoch (bad data, a model that does not fit...): nothing
            # worth keeping, so leave no folder behind.
            self._release()
            shutil.rmtree(self.path, ignore_errors=True)
            for folder in self.created[1:]:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if empty: another run may be there
            return False
        if kind is not None and self.status.get("state") == "running":
            try:
                self.write_status("failed" if not issubclass(kind, KeyboardInterrupt) else
                                  "interrupted", error=f"{kind.__name__}: {error}")
            except (OSError, RunError):
                pass  # e.g. a full disk: status.json keeps its last good content
        self._release()
        return False

    def _release(self):
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()

    def _setup_keras(self):
        import keras
        if self.config.cpu_devices:
            _split_cpu(self.config.cpu_devices)
        keras.utils.set_random_seed(self.config.seed)
        if self.config.mixed_precision:
            keras.mixed_precision.set_global_policy("mixed_bfloat16" if not _has_gpu()
                                                    else "mixed_float16")
        self.strategy = _strategy(self.config.distribute)
        if self.config.distribute == "multiworker":
            self.multi_worker_workaround = distribute.install_multi_worker_fit_workaround()
            self.is_chief = distribute.is_chief(self.strategy)
            if not self.is_chief:
                self.out = self.path / _WORKER_OUTPUTS
                shutil.rmtree(self.out, ignore_errors=True)  # left by a killed run
                self.out.mkdir()
        if self.config.distribute != "none":
            print(f"Training with {_STRATEGY_NAMES[self.config.distribute]} over "
                  f"{self.strategy.num_replicas_in_sync} replicas"
                  + ("" if self.is_chief else "; this worker is not the chief, which writes the "
                     "outputs") + ".")

    def write_status(self, state, **extra):
        elapsed = time.perf_counter() - self._started
        self.status.update(state=state, updated=datetime.datetime.now().isoformat(), **extra)
        self.status["wall_time_s"] = round(self.status.get("wall_time_before_s", 0.0) + elapsed, 2)
        files.write_json(self.path / "status.json", self.status)

    # -- data ---------------------------------------------------------------------------------
    def load_data(self):
        import zoo
        import zoo.data
        c = self.config
        self.info = zoo.describe(c.model)
        self.splits = zoo.data.load(
            c.dataset or self.info.dataset, data_dir=c.data_dir, batch_size=c.batch_size,
            validation_fraction=c.validation_fraction, subset=c.subset, seed=c.seed,
            augment=c.augment, **c.data_options)
        return self.splits

    # -- model --------------------------------------------------------------------------------
    def build_model(self, splits=None, **overrides):
        """zoo.build under the distribution strategy, refused if it does not fit the data."""
        import zoo
        import zoo.data
        from zoo.models import heads
        c = self.config
        info = self.info = self.info or zoo.describe(c.model)
        splits = splits or self.splits
        overrides = {**c.overrides, **overrides}
        with self.strategy.scope():
            model = zoo.build(c.model, compile=False, **overrides)
            self.head = heads.head_of(model)
            if splits is not None:
                zoo.data.check_fits(splits.info, tuple(model.input_shape[1:]),
                                    model.output_shape[-1], self.head)
            self.compile(model, learning_rate=c.learning_rate or info.learning_rate)
        return model

    def compile(self, model, *, learning_rate, optimizer=None):
        """(Re)compile with the run's optimizer, learning-rate schedule, loss and metrics."""
        from zoo.models import factory, heads
        c = self.config
        lr = learning_rate
        if c.lr_schedule == "cosine" and self.splits is not None:
            import keras
            steps = c.epochs * _cardinality(self.splits.train)
            lr = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(steps, 1))
        with self.strategy.scope():
            model.compile(optimizer=factory.make_optimizer(
                optimizer or c.optimizer or self.info.optimizer, lr, ema=c.ema),
                jit_compile=c.jit_compile, **heads.compile_arguments(heads.head_of(model)))
        return model

    # -- train --------------------------------------------------------------------------------
    def callbacks(self, extra=(), phase="train"):
        import keras
        from zoo.callbacks import AtomicBestCheckpoint, RunProgress
        c = self.config
        early_stopping = [keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=c.patience, restore_best_weights=True)
        ] if c.patience else []
        out = [
            keras.callbacks.CSVLogger(str(self.out / "history.csv"), append=True),
            # double_checkpoint keeps the previous state too: a kill during the write of one is
            # recovered from the other.
            keras.callbacks.BackupAndRestore(str(self.path / "backup" / phase),
                                             double_checkpoint=True,
                                             delete_checkpoint=False),
            # With --ema, validation, the callbacks below and the final model use the averaged
            # weights; the backup above still holds the raw ones, so a resumed run goes on exactly.
            *([keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if c.ema else []),
            *early_stopping,
            AtomicBestCheckpoint(self.out / "best.keras", monitor="val_loss"),
            keras.callbacks.TerminateOnNaN(),
            keras.callbacks.TensorBoard(str(self.out / "tensorboard")),
            RunProgress(self),
        ]
        return out + list(extra)

    def fit(self, model, splits=None, *, epochs=None, initial_epoch=0, phase="train",
            callbacks=()):
        """model.fit with the run's callbacks. A run in several phases (e.g. head training, then
        fine-tuning) calls fit once per phase, numbering epochs on with initial_epoch."""
        from zoo.callbacks import backed_up_epoch, repair_backup, trim_history
        splits = splits or self.splits
        repair_backup(self.path / "backup")
        trim_history(self.out / "history.csv", self.path / "backup")
        if self.config.distribute == "multiworker":
            epoch = backed_up_epoch(self.path / "backup" / phase)
            if not distribute.resume_epochs_agree(self.strategy, epoch):
                raise RunError(
                    f"The workers of this run would resume {phase} from different epochs (this "
                    f"one from {epoch}): a kill fell between their end-of-epoch backups. Delete "
                    "the backup/ folder in every worker's run folder and run the same commands "
                    "again: training starts over.")
        try:
            history = model.fit(splits.train, validation_data=splits.validation,
                                epochs=epochs or self.config.epochs, initial_epoch=initial_epoch,
                                callbacks=self.callbacks(callbacks, phase),
                                verbose=self.config.verbose)
        except ValueError as error:
            if self.config.distribute != "multiworker" or self.multi_worker_workaround:
                raise
            # Keras 3's fit() reduces per-replica values in ways MultiWorkerMirroredStrategy
            # rejects (keras-team/keras#20585). zoo.distribute corrects that for the Keras
            # versions it was checked on; on another Keras the same failure is said in one line.
            import keras
            raise RunError(
                f"model.fit failed under MultiWorkerMirroredStrategy with Keras {keras.__version__}"
                f", which the zoo's workaround for {distribute.ISSUE} does not cover (checked on "
                f"Keras {distribute.checked_versions()}): {str(error).splitlines()[0][:200]}. Use "
                "--distribute mirrored on one machine.") from None
        except Exception as error:  # re-raised as it is unless the disk is full
            if not files.disk_full(error):
                raise
            raise RunError(
                f"The disk is full: training of {self.config.model} stopped while writing to "
                f"{self.path}. The last good checkpoint (best.keras) and backup are intact: free "
                "some space and run the same command again to resume.") from None
        if model.stop_training and _nan_in(history):
            self.write_status("failed", error="the loss became NaN: lower the learning rate")
            raise RunError(f"Training of {self.config.model} diverged (NaN loss); the run in "
                           f"{self.path} is marked failed. Lower --learning-rate and run again.")
        return history

    # -- evaluate -----------------------------------------------------------------------------
    def evaluate(self, model, splits=None, *, plots=True):
        """Test metrics once, the final model, metrics.json, plots; then mark the run finished."""
        splits = splits or self.splits
        test = model.evaluate(splits.test, return_dict=True, verbose=0)
        test = {k: float(v) for k, v in test.items()}
        files.save_model(model, self.out / "model.keras")
        epochs_done = self.status.get("epochs_done", 0)
        self.write_status("running")
        metrics = {"model": self.config.model, "dataset": splits.info.name, "test": test,
                   "epochs": epochs_done, "wall_time_s": self.status["wall_time_s"],
                   "test_examples": splits.sizes.get("test"), "machine": machine_description(),
                   "run_dir": str(self.path), "model_file": str(self.path / "model.keras")}
        files.write_json(self.out / "metrics.json", metrics)
        if plots:
            self.write_plots(model, splits)
        self.write_status("finished")
        print(f"{self.config.model}: test " + ", ".join(f"{k} {v:.4f}" for k, v in test.items())
              + f" after {epochs_done} epochs, {self.status['wall_time_s']:.0f} s -> "
              + (str(self.path) if self.is_chief else "the chief's run folder"))
        return metrics

    def write_plots(self, model, splits):
        """Learning curves and, for classifiers, the test confusion matrix (PNG + JSON)."""
        from zoo.analysis import confusion, curves
        history = curves.read_history(self.out)
        files.save_figure(curves.plot_learning_curves({self.config.model: history}),
                          self.out / "learning_curves.png")
        if self.head in ("softmax", "sigmoid"):
            names = list(splits.info.class_names)
            result = confusion.confusion_matrix(model, splits.test, num_classes=len(names))
            files.save_figure(confusion.plot_confusions([result], [self.config.model], names),
                              self.out / "confusion_matrix.png")
            files.write_json(self.out / "confusion_matrix.json", {
                "class_names": names, "matrix": result["matrix"].tolist(),
                "per_class_accuracy": result["per_class_accuracy"].tolist(),
                "accuracy": result["accuracy"]})


def _cardinality(dataset) -> int:
    n = int(dataset.cardinality())
    return n if n > 0 else 1


def _nan_in(history) -> bool:
    import math
    return any(not math.isfinite(v) for v in history.history.get("loss", [0.0]))


def _has_gpu() -> bool:
    import tensorflow as tf
    return bool(tf.config.list_physical_devices("GPU"))


def _split_cpu(n: int):
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n)
    except RuntimeError:
        raise RunError("--cpu-devices must be set before TensorFlow starts: run it in a fresh "
                       "process.") from None


def _strategy(kind: str):
    import tensorflow as tf
    if kind == "mirrored":
        return tf.distribute.MirroredStrategy()
    if kind == "multiworker":
        if "TF_CONFIG" not in os.environ:
            raise InvalidArgumentError(
                "distribute='multiworker' needs the TF_CONFIG environment variable describing the "
                "cluster and this worker's task (see tf.distribute.MultiWorkerMirroredStrategy).")
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()

"""What a run trains and how: `TrainConfig`, the record that recipes are written in.

A recipe (recipes/<model>.py) is a TrainConfig with the model's training choices; the command line
and `zoo.train(..., **options)` override its fields. This module imports neither TensorFlow nor
Keras, so that parsing and describing recipes stays instant.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json

from zoo import registry, validation
from zoo.errors import InvalidArgumentError
from zoo.models.compiling import LR_SCHEDULES, OPTIMIZERS
from zoo.models.test_time import MODES as TEST_TIME_MODES

# "data": keras.distribution.DataParallel (JAX), over every local device and, with a
# coordinator, over several processes; "mirrored" and "multiworker": tf.distribute strategies.
DISTRIBUTE = ("none", "data", "mirrored", "multiworker")
TF_STRATEGIES = ("mirrored", "multiworker")
# Options that say where and how verbosely a run happens, not what is trained.
NOT_IN_FINGERPRINT = ("output_dir", "run_dir", "verbose", "data_dir", "new_run", "restart",
                      "coordinator", "num_processes", "process_id")
# Options added after runs were recorded: left out of the fingerprint at these defaults, so that
# an unfinished run started before they existed still resumes.
FINGERPRINT_IF_SET = {"label_smoothing": 0.0, "test_time_augmentation": "none"}


@dataclasses.dataclass(frozen=True)
class Phase:
    """One phase of a run trained in several (e.g. a new head on a frozen base, then fine-tuning).

    share: the fraction of the run's epochs by whose end this phase ends (cumulative: 0.5, then
    1.0); learning_rate: the phase's rate (None: the run's); unfreeze_top: make the top N weighted
    layers of a frozen base trainable first (zoo.models.transfer.unfreeze_top)."""
    name: str
    share: float
    learning_rate: float | None = None
    unfreeze_top: int | None = None


@dataclasses.dataclass
class TrainConfig:
    """What is trained and how. Recipes set the defaults; options override them.

    Example:
        >>> RECIPE = TrainConfig(model="cnn_fashion", epochs=10, optimizer="nadam",
        ...                      learning_rate=3e-3, lr_schedule="cosine", ema=0.99)
        >>> RECIPE.replace(epochs=2).epochs
        2
    """
    model: str
    dataset: str | None = None          # default: the model's own dataset (its record's)
    epochs: int = 10
    batch_size: int = 128
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    lr_schedule: str = "constant"
    ema: float | None = None            # momentum of an average of the weights (evaluated, kept)
    label_smoothing: float = 0.0        # softmax heads: share of each label spread over the classes
    augment: str = "none"
    # images: the final validation and test figures average the outputs over fixed views
    # (zoo.models.test_time: "flip", "flip_shift"); training is unchanged
    test_time_augmentation: str = "none"
    patience: int | None = None         # early stopping on the validation loss; None: off
    phases: tuple = ()                  # Phase records; () is one phase over all epochs
    adapt: bool = True                  # batch size and epoch budget follow the training split
    subset: int | None = None
    validation_fraction: float = 0.1
    seed: int = 0
    mixed_precision: bool = False
    jit_compile: bool = False           # XLA: measured 5x slower for small convnets on this CPU
    distribute: str = "none"
    cpu_devices: int | None = None      # split the CPU into logical devices (mirrored on a CPU)
    # distribute="data" over several processes (keras.distribution.initialize); None: from
    # KERAS_DISTRIBUTION_JOB_ADDRESSES, _NUM_PROCESSES and _PROCESS_ID, else one process.
    coordinator: str | None = None      # host:port of process 0
    num_processes: int | None = None
    process_id: int | None = None
    overrides: dict = dataclasses.field(default_factory=dict)      # builder arguments
    data_options: dict = dataclasses.field(default_factory=dict)   # extra zoo.data.load arguments
    data_dir: str | None = None
    output_dir: str = "runs"
    run_dir: str | None = None          # an explicit run folder: resumed if unfinished
    new_run: bool = False               # start a new run even if an unfinished one matches
    restart: bool = False               # an unfinished run starts over in its folder
    verbose: str | int = "auto"         # "auto": a progress bar on a terminal, else one line/epoch

    def replace(self, **changes) -> "TrainConfig":
        """A copy with some fields changed; unknown field names are refused."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise InvalidArgumentError(
                f"Unknown training option(s) {', '.join(map(repr, unknown))}; valid: "
                + ", ".join(f.name for f in dataclasses.fields(self)) + ".")
        return dataclasses.replace(self, **changes)

    def validate(self) -> "TrainConfig":
        """Check every field; returns self (with ema=0 normalised to None: no averaging)."""
        info = registry.get(self.model)  # unknown names fail here, with suggestions
        unknown = sorted(set(self.overrides) - set(info.arguments))
        if unknown:
            raise InvalidArgumentError(
                f"{self.model} has no argument {', '.join(map(repr, unknown))}; valid: "
                + ", ".join(info.arguments) + ".")
        validation.positive_int("epochs", self.epochs)
        validation.positive_int("batch_size", self.batch_size)
        validation.choice("optimizer", self.optimizer, OPTIMIZERS)
        validation.positive_float("learning_rate", self.learning_rate)
        validation.choice("lr_schedule", self.lr_schedule, LR_SCHEDULES)
        validation.probability("label_smoothing", self.label_smoothing)
        validation.choice("test_time_augmentation", self.test_time_augmentation,
                          TEST_TIME_MODES)
        if self.ema in (0, 0.0):
            self.ema = None
        if self.ema is not None:  # a momentum in (0, 1), e.g. 0.99
            validation.probability("ema", validation.positive_float("ema", self.ema))
        if self.subset is not None:
            validation.positive_int("subset", self.subset)
        validation.probability("validation_fraction", self.validation_fraction)
        validation.seed("seed", self.seed)
        _check_data_options(self.data_options)
        if self.patience is not None:
            validation.positive_int("patience", self.patience)
        validation.choice("distribute", self.distribute, DISTRIBUTE)
        _check_backend_strategy(self.distribute)
        _check_processes(self)
        if self.distribute == "multiworker":
            from zoo.training.keras_setup import check_tf_config
            check_tf_config()
        if self.cpu_devices is not None:
            validation.positive_int("cpu_devices", self.cpu_devices)
        for name in ("mixed_precision", "jit_compile", "adapt", "new_run", "restart"):
            validation.boolean(name, getattr(self, name))
        _check_phases(self.phases)
        return self

    def fingerprint(self) -> str:
        """A hash of what is trained: runs with the same fingerprint resume each other."""
        data = {k: v for k, v in self.as_dict().items() if k not in NOT_IN_FINGERPRINT
                and not (k in FINGERPRINT_IF_SET and v == FINGERPRINT_IF_SET[k])}
        return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:12]

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def differences(self, saved: dict) -> list[str]:
        """"name: saved -> this" for each option in the fingerprint that `saved` (a run's
        config.json) sets otherwise."""
        mine = json.loads(json.dumps(self.as_dict(), default=str))
        return [f"{key} {saved.get(key)!r} there, {value!r} now" for key, value in mine.items()
                if key not in NOT_IN_FINGERPRINT and key in saved and saved[key] != value]

    def summary(self) -> str:
        """The recipe's training choices in one line (what `zoo info` and a run print)."""
        text = (f"{self.optimizer} {self.learning_rate:g}"
                + (f" with {self.lr_schedule} decay" if self.lr_schedule != "constant" else "")
                + f", {self.epochs} epochs of batch {self.batch_size}")
        if self.ema:
            text += f", weight average {self.ema:g}"
        if self.label_smoothing:
            text += f", label smoothing {self.label_smoothing:g}"
        if self.mixed_precision:
            text += ", mixed precision"
        if self.patience:
            text += f", early stopping after {self.patience} epochs without progress"
        if self.augment != "none":
            text += f", augmentation {self.augment!r}"
        if self.test_time_augmentation != "none":
            text += f", evaluated over test-time views {self.test_time_augmentation!r}"
        if self.phases:
            text += ", phases " + " then ".join(p.name for p in self.phases)
        return text


def _check_phases(phases):
    last = 0.0
    for phase in phases:
        if not isinstance(phase, Phase):
            raise InvalidArgumentError(f"phases must hold zoo.training.Phase records; received "
                                       f"{type(phase).__name__}.")
        if not last < phase.share <= 1.0:
            raise InvalidArgumentError(
                f"Phase {phase.name!r} ends at share {phase.share}: shares must rise, each in "
                f"({last}, 1].")
        last = phase.share
    if phases and last != 1.0:
        raise InvalidArgumentError(f"The last phase must end at share 1.0; received {last}.")


def phase_epochs(phases, epochs: int) -> list[tuple[Phase | None, int, int]]:
    """(phase, first epoch, end epoch) for each phase of a run of `epochs` epochs; every phase
    gets at least one epoch while there are epochs left."""
    if not phases:
        return [(None, 0, epochs)]
    out, start = [], 0
    for i, phase in enumerate(phases):
        end = epochs if i == len(phases) - 1 else min(
            epochs, max(start + 1, round(phase.share * epochs)))
        if end > start:
            out.append((phase, start, end))
        start = end
    return out


def data_arguments(config: dict) -> dict:
    """The zoo.data.load arguments of a run, from its config.json: what to evaluate it on."""
    return {"batch_size": config.get("batch_size", 128), "seed": config.get("seed", 0),
            "validation_fraction": config.get("validation_fraction", 0.1),
            "data_dir": config.get("data_dir"), **config.get("data_options", {})}


# zoo.data.load's arguments that a TrainConfig field sets: not to be given again as data options.
_DATA_FIELDS = {"batch_size": "--batch-size", "validation_fraction": "--validation-fraction",
                "subset": "--subset", "seed": "--seed", "augment": "--augment",
                "data_dir": "--data-dir", "name": "--dataset"}


def _check_data_options(options) -> None:
    if not isinstance(options, dict):
        raise InvalidArgumentError(f"data_options={options!r} is invalid: it must be a dict of "
                                   "zoo.data.load arguments.")
    for key in options:
        if key in _DATA_FIELDS:
            raise InvalidArgumentError(
                f"--data {key}=... sets a training option: use {_DATA_FIELDS[key]} instead.")


def _check_backend_strategy(kind: str):
    """tf.distribute strategies drive TensorFlow's trainer only, and keras.distribution's
    DataParallel is driven here on JAX only: under another backend either would be accepted and
    do nothing."""
    import os
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if kind in TF_STRATEGIES and backend != "tensorflow":
        raise InvalidArgumentError(
            f"distribute={kind!r} is a tf.distribute strategy, which the {backend} backend does "
            "not use: on JAX, use distribute='data' (keras.distribution.DataParallel), or run "
            "it with KERAS_BACKEND=tensorflow.")
    if kind == "data" and backend != "jax":
        raise InvalidArgumentError(
            f"distribute='data' trains with keras.distribution.DataParallel, which the zoo "
            f"drives on the JAX backend; this is {backend}. Run it with KERAS_BACKEND=jax, or "
            "use distribute='mirrored' on TensorFlow (one host).")


def _check_processes(config):
    """The multi-process options of distribute='data': all three or none, and consistent."""
    given = {name: getattr(config, name) for name in ("coordinator", "num_processes",
                                                     "process_id")}
    if all(value is None for value in given.values()):
        return
    if config.distribute != "data":
        raise InvalidArgumentError(
            "coordinator, num_processes and process_id start a multi-process run of "
            f"distribute='data'; this run has distribute={config.distribute!r}.")
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise InvalidArgumentError(
            f"A multi-process run needs coordinator, num_processes and process_id together; "
            f"{', '.join(missing)} not given.")
    validation.positive_int("num_processes", config.num_processes)
    if not isinstance(config.process_id, int) or not 0 <= config.process_id < config.num_processes:
        raise InvalidArgumentError(
            f"process_id must be an integer from 0 to num_processes - 1 "
            f"({config.num_processes - 1}), got {config.process_id!r}.")
    validation.host_port("coordinator", config.coordinator)  # process 0's address

"""The command line's training options, shared by `zoo train NAME` and `python -m recipes.NAME`.

Parsing only: the options become keyword arguments of `zoo.train`. Parsing imports no TensorFlow,
so that `--help` is instant.
"""
from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import sys

from zoo.errors import InvalidArgumentError, ZooError
from zoo.models.compiling import LR_SCHEDULES, OPTIMIZERS
from zoo.models.test_time import MODES as TEST_TIME_MODES
from zoo.training.config import DISTRIBUTE, TrainConfig


def _ema(text: str):
    """--ema MOMENTUM, or none/off/0 to switch the average off."""
    if text.strip().lower() in ("none", "off", "0", "0.0"):
        return 0.0
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a momentum: give a number in (0, 1) such as 0.99, or none") from None


def add_arguments(parser: argparse.ArgumentParser, recipe: TrainConfig | None = None):
    """Every option defaults to None (= keep the recipe's value); with `recipe`, the help shows
    the recipe's own values."""
    def default(field):
        return f" [recipe: {getattr(recipe, field)}]" if recipe is not None else ""

    a = parser.add_argument
    a("--dataset", help="train on another dataset or a folder (ucr:PATH, images:PATH, "
                        "text:PATH); shapes and classes follow it" + default("dataset"))
    a("--epochs", type=int, help="number of epochs" + default("epochs"))
    a("--batch-size", type=int, help="mini-batch size" + default("batch_size"))
    a("--learning-rate", type=float, help="initial learning rate" + default("learning_rate"))
    a("--optimizer", choices=OPTIMIZERS, help="optimizer" + default("optimizer"))
    a("--lr-schedule", choices=LR_SCHEDULES, help="learning-rate schedule" + default("lr_schedule"))
    a("--ema", type=_ema, metavar="MOMENTUM|none",
      help="evaluate and keep a moving average of the weights (e.g. 0.99; none: off)"
           + default("ema"))
    a("--label-smoothing", type=float, metavar="SHARE",
      help="softmax heads: spread this share of each label over all classes (e.g. 0.2)"
           + default("label_smoothing"))
    a("--augment", help="augmentation preset: none, light, crop and cutout (images), standard"
                         + default("augment"))
    a("--tta", dest="test_time_augmentation", choices=TEST_TIME_MODES,
      help="images: average the final validation and test outputs over mirrored (flip) and "
           "shifted (flip_shift) views" + default("test_time_augmentation"))
    a("--patience", type=int, help="early-stopping patience in epochs (validation loss)"
                                   + default("patience"))
    a("--no-adapt", dest="adapt", action="store_false", default=None,
      help="keep batch size and epochs as given on a small training split")
    a("--subset", type=int, help="use at most this many examples per split (quick runs)")
    a("--validation-fraction", type=float,
      help="share of the training data held out (0: none)" + default("validation_fraction"))
    a("--seed", type=int, help="global random seed" + default("seed"))
    a("--mixed-precision", action="store_true", default=None, help="mixed precision policy")
    a("--xla", dest="jit_compile", action="store_true", default=None,
      help="compile with XLA (slower for small convnets on CPU: measure first)")
    a("--distribute", choices=DISTRIBUTE,
      help="data: keras.distribution.DataParallel over every device (KERAS_BACKEND=jax; with "
           "--coordinator, over several processes); mirrored: tf.distribute on one host; "
           "multiworker: experimental, reads TF_CONFIG")
    a("--coordinator", metavar="HOST:PORT",
      help="--distribute data over several processes: process 0's address (else "
           "$KERAS_DISTRIBUTION_JOB_ADDRESSES)")
    a("--num-processes", type=int, metavar="N", help="with --coordinator: how many processes")
    a("--process-id", type=int, metavar="I", help="with --coordinator: this process, 0 to N-1 "
      "(0 writes the outputs)")
    a("--set", dest="overrides", action="append", metavar="ARG=VALUE",
      help="builder argument, e.g. --set dropout=0.5 --set filters=32 (repeatable)")
    a("--data", dest="data_options", action="append", metavar="OPTION=VALUE",
      help="zoo.data.load option, e.g. --data image_size=(64,64) --data sequence_length=300")
    a("--cpu-devices", type=int,
      help="split the CPU into N devices (to try --distribute data or mirrored without GPUs)")
    a("--data-dir", help="folder of raw dataset files (default: $ZOO_DATA_DIR, then online)")
    a("--output-dir", help="where run folders go (default: runs)")
    a("--run-dir", help="an explicit run folder; an unfinished one is resumed")
    a("--new-run", action="store_true", default=None,
      help="start a new run even if an unfinished run of the same configuration exists")
    a("--restart", action="store_true", default=None,
      help="train an unfinished run again from its first epoch, in its folder and with its "
           "config.json (when its record cannot be resumed)")
    a("--quiet", dest="verbose", action="store_const", const=2, default=None,
      help="one line per epoch instead of a progress bar (the default when not on a terminal)")
    return parser


def parse_overrides(pairs, option="--set") -> dict:
    """['dropout=0.5', 'head=sigmoid', 'filters=(32, 64)'] -> {'dropout': 0.5, ...}"""
    out = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InvalidArgumentError(f"{option} {pair!r} is invalid: write NAME=VALUE, e.g. "
                                       f"{option} dropout=0.5.")
        try:
            out[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            out[key] = value  # a bare word such as head=sigmoid
    return out


def given_options(args: argparse.Namespace, recipe: TrainConfig) -> dict:
    """The TrainConfig fields the command line set (builder and data options merged into the
    recipe's own)."""
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    given = {k: v for k, v in vars(args).items() if v is not None and k in fields}
    given.pop("model", None)
    if "overrides" in given:
        given["overrides"] = {**recipe.overrides, **parse_overrides(given["overrides"], "--set")}
    if "data_options" in given:
        given["data_options"] = {**recipe.data_options,
                                 **parse_overrides(given["data_options"], "--data")}
    return given


def train_command(recipe: TrainConfig, args, experiment=None):
    """Train `recipe` with the options of `args`: through zoo.train, or the recipe's own
    experiment function (e.g. transfer against from scratch)."""
    from zoo.training.train import train
    options = given_options(args, recipe)
    if experiment is not None:
        return experiment(recipe.replace(**options), explicit=options)
    return train(recipe, **options)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that the run folder is closed as for Ctrl-C."""


def _terminate(signum, frame):
    raise Terminated()


def report_errors(prog: str, func, *args) -> int:
    """Run func(*args): bad input is one line on stderr and exit status 2; Ctrl-C and SIGTERM
    one line saying how to resume."""
    import signal
    import threading
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    main = threading.current_thread() is threading.main_thread()  # signals: main thread only
    previous = signal.signal(signal.SIGTERM, _terminate) if main else None
    try:
        func(*args)
    except ZooError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        if error.exit_at_once:
            # Leave now (a disk-full error: h5py's clean-up of a failed write crashes; a lost
            # process: JAX's shutdown waits for it); everything of the run is closed by now.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(2)
        return 2
    except KeyboardInterrupt as interruption:
        by = "SIGTERM" if isinstance(interruption, Terminated) else "Ctrl-C"
        resumable = any(word in prog for word in ("train", "tune", "recipes."))
        print(f"{prog}: interrupted ({by})" + (
            ": run the same command again to resume from the last finished epoch or trial."
            if resumable else "."), file=sys.stderr)
        return 143 if by == "SIGTERM" else 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
    return 0


def run_recipe(recipe: TrainConfig, experiment=None, argv=None):
    """`python -m recipes.NAME [options]`: parse the options, train, exit (2 on bad input)."""
    prog = f"python -m recipes.{recipe.model}"
    parser = add_arguments(argparse.ArgumentParser(prog=prog, description=recipe.summary()),
                           recipe)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    sys.exit(report_errors(prog, train_command, recipe, args, experiment))

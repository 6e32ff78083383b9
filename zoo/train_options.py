"""The training options shared by `zoo train NAME` and `python -m recipes.NAME`.

Parsing stays free of TensorFlow so that `--help` is instant."""
from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import sys

from zoo.errors import InvalidArgumentError, ZooError
from zoo.models.factory import OPTIMIZERS


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Every option defaults to None (= keep the recipe's value)."""
    a = parser.add_argument
    a("--dataset", help="train on another dataset than the model's own (must fit the model)")
    a("--epochs", type=int, help="number of epochs (recipe default)")
    a("--batch-size", type=int, help="mini-batch size (recipe default)")
    a("--learning-rate", type=float, help="initial learning rate (model default)")
    a("--optimizer", choices=OPTIMIZERS)
    a("--lr-schedule", choices=["constant", "cosine"])
    a("--ema", type=float, metavar="MOMENTUM",
      help="evaluate and keep a moving average of the weights (e.g. 0.99)")
    a("--augment", help="augmentation preset: none, light, standard")
    a("--subset", type=int, help="use at most this many examples per split (quick runs)")
    a("--validation-fraction", type=float, help="share of the training data held out")
    a("--seed", type=int, help="global random seed")
    a("--patience", type=int, help="early-stopping patience in epochs (validation loss)")
    a("--mixed-precision", action="store_true", default=None, help="mixed precision policy")
    a("--xla", dest="jit_compile", action="store_true", default=None,
      help="compile with XLA (slower for small convnets on CPU: measure first)")
    a("--distribute", choices=["none", "mirrored", "multiworker"],
      help="tf.distribute strategy (multiworker reads TF_CONFIG)")
    a("--set", dest="overrides", action="append", metavar="ARG=VALUE",
      help="builder argument, e.g. --set dropout=0.5 --set filters=32 (repeatable)")
    a("--data", dest="data_options", action="append", metavar="OPTION=VALUE",
      help="zoo.data.load option, e.g. --data image_size=(64,64) --data sequence_length=300")
    a("--cpu-devices", type=int,
      help="split the CPU into N logical devices (to try --distribute mirrored without GPUs)")
    a("--data-dir", help="folder of raw dataset files (default: $ZOO_DATA_DIR, then online)")
    a("--output-dir", help="where run folders go (default: runs)")
    a("--run-dir", help="an explicit run folder; an unfinished one is resumed")
    a("--new-run", action="store_true", default=None,
      help="start a new run even if an unfinished run of the same configuration exists")
    a("--quiet", dest="verbose", action="store_const", const=2, default=None,
      help="one line per epoch instead of a progress bar")
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


def apply_arguments(config, argv):
    """A copy of `config` with the options given in `argv` (a list or an argparse.Namespace)."""
    if not isinstance(argv, argparse.Namespace):
        parser = add_arguments(argparse.ArgumentParser(prog=f"recipes.{config.model}"))
        argv = parser.parse_args(argv)
    given = {k: v for k, v in vars(argv).items() if v is not None
             and k in {f.name for f in dataclasses.fields(config)}}
    if "overrides" in given:
        given["overrides"] = {**config.overrides, **parse_overrides(given["overrides"], "--set")}
    if "data_options" in given:
        given["data_options"] = {**config.data_options,
                                 **parse_overrides(given["data_options"], "--data")}
    return dataclasses.replace(config, **given)


def run_recipe(main, argv=None):
    """Run a recipe's main(argv): bad input is one line on stderr and exit status 2."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    try:
        main(sys.argv[1:] if argv is None else argv)
    except ZooError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)

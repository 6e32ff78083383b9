"""`zoo tune NAME`: hyperparameter search from the command line (also `python -m tuning.cli`).

    zoo tune cnn_fashion --strategy bayesian --max-trials 20 --epochs 3
    zoo tune cnn_fashion --strategy grid --set filters=8,16,32 --set learning_rate=1e-4..1e-2:10:log
    zoo tune dense_mnist --workers 2                     # a chief and two workers on loopback
    zoo tune cnn_fashion --compare grid,random,bayesian,hyperband

Parsing imports neither TensorFlow nor keras-tuner, so that --help is instant.
"""
from __future__ import annotations

import json
import sys


STRATEGY_NAMES = "grid, random, bayesian, hyperband"


def add_parser(subparsers):
    """Add the `tune` sub-command to the `zoo` command's subparsers."""
    p = subparsers.add_parser("tune", help="search a model's hyperparameters",
                              description=__doc__.split("\n\n")[0])
    add_arguments(p)
    p.set_defaults(func=run)
    return p


def add_arguments(p):
    a = p.add_argument
    a("name", help="a registered model (zoo list)")
    a("--strategy", default="random", help=f"{STRATEGY_NAMES} (default: random)")
    a("--max-trials", type=int, help="trial budget (default: 10; grid: the grid's size)")
    a("--epochs", type=int, default=1, help="epochs per trial (hyperband: the most) [1]")
    a("--batch-size", type=int, default=128, help="batch size when not tuned [128]")
    a("--set", dest="tune", action="append", metavar="NAME=SPEC",
      help="change one hyperparameter of the space: 8,16,32 (choice), 1e-4..1e-2:log, "
           "0..0.5:0.1 (range, step), 0.3 (fixed); repeatable. A grid search holds the "
           "hyperparameters not named at their defaults (without --set: learning rate x the "
           "first width, see --show-space)")
    a("--space", metavar="FILE.json", help="a whole space: {name: spec text or spec data}")
    a("--fix", action="append", metavar="ARG=VALUE",
      help="hold a builder argument outside the space, e.g. --fix weights=None; repeatable")
    a("--show-space", action="store_true", help="print the model's default space and exit")
    a("--objective", help="validation metric to optimise (default: val_accuracy, or val_loss), "
                         "optionally with a cost to weigh it against: val_accuracy,params "
                         "(costs: params, flops, latency_ms); the Pareto front is reported")
    a("--pick", type=int, metavar="TRIAL",
      help="retrain this trial (e.g. one from the Pareto front) instead of the best score")
    a("--prune", default="none", metavar="RULE",
      help="stop trials below the finished trials' median (median) or outside their best P "
           "percent (percentile:P) after the same epoch, or by successive halving (asha, "
           "asha:ETA: at epochs WARMUP x ETA^k, outside the best 1/ETA of the trials that got "
           "there); none [none]")
    a("--prune-warmup", type=int, default=2, metavar="EPOCHS",
      help="epochs every trial trains before it can be pruned (asha: its first rung) [2]")
    a("--prune-startup", type=int, default=3, metavar="TRIALS",
      help="unpruned trials that finish before any is pruned (asha: other trials that reach "
           "the rung before one is judged there) [3]")
    a("--prune-margin", type=float, default=0.0, metavar="DELTA",
      help="prune only trials behind by more than DELTA (objective units; 0.01 of accuracy "
           "in benchmarks/pruning.py) [0]")
    a("--prune-interval", type=int, default=1, metavar="EPOCHS",
      help="check the rule after the warm-up and every EPOCHS epochs after it [1]")
    a("--time-budget", metavar="TIME",
      help="wall time of the whole search, e.g. 3600, 90m, 2h; run again with more to extend")
    a("--dataset", help="dataset name (default: the model's)")
    a("--data-dir", help="folder of raw dataset files (default: $ZOO_DATA_DIR)")
    a("--subset", type=int, help="use at most this many examples per split")
    a("--validation-fraction", type=float, default=0.1)
    a("--seed", type=int, default=0)
    a("--keep-checkpoints", type=int, default=3, help="checkpoints of the best trials kept [3]")
    a("--output-dir", default="runs", help="search folders go to OUTPUT_DIR/tune/NAME/ [runs]")
    a("--search-dir", help="an explicit search folder (an unfinished search there is resumed)")
    a("--overwrite", action="store_true", help="start the search afresh, deleting its folder")
    a("--no-retrain", dest="retrain", action="store_false",
      help="skip retraining and testing the best configuration")
    a("--workers", type=int, default=0, help="worker processes around a chief oracle [0]")
    a("--oracle-address", metavar="HOST:PORT",
      help="where the chief listens (default: $KERASTUNER_ORACLE_IP:PORT, else 127.0.0.1)")
    a("--compare", metavar="S1,S2,...",
      help="run these strategies with the same budget and compare them")
    a("--quiet", action="store_true", help="no line per trial")
    return p


def options(args) -> dict:
    """search()'s keyword arguments from the parsed command line."""
    from tuning import spaces
    from zoo.commandline import parse_overrides
    return {"max_trials": args.max_trials, "epochs": args.epochs, "batch_size": args.batch_size,
            "tune": spaces.parse_assignments(args.tune), "space": _space_file(args.space),
            "build_args": parse_overrides(args.fix), "objective": args.objective,
            "data": args.dataset, "data_dir": args.data_dir, "subset": args.subset,
            "validation_fraction": args.validation_fraction, "seed": args.seed,
            "keep_checkpoints": args.keep_checkpoints, "output_dir": args.output_dir,
            "prune": args.prune, "prune_warmup_epochs": args.prune_warmup,
            "prune_startup_trials": args.prune_startup, "prune_margin": args.prune_margin,
            "prune_interval_epochs": args.prune_interval,
            "time_budget_s": parse_duration("--time-budget", args.time_budget),
            "retrain": args.retrain, "verbose": not args.quiet}


def parse_duration(option: str, text):
    """Seconds from "3600", "90m", "2h" or "45s" (None stays None)."""
    if text is None:
        return None
    import math

    from zoo.errors import InvalidArgumentError
    units = {"s": 1, "m": 60, "h": 3600}
    value = text.strip().lower()
    scale = units.get(value[-1:], None)
    try:
        seconds = float(value[:-1] if scale else value) * (scale or 1)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise InvalidArgumentError(f"{option} {text!r} is invalid: expected a positive time such "
                                   "as 3600, 90m or 2h.")
    return seconds


def run(args):
    import tuning
    if args.show_space:
        _show_space(args.name)
        return None
    kwargs = options(args)
    if args.compare:  # the curves are the point: no best model retrained per strategy
        kwargs["retrain"] = False
        return tuning.compare(args.name, args.compare, compare_dir=args.search_dir, **kwargs)
    _say_what_is_held(args, kwargs)
    return tuning.search(args.name, strategy=args.strategy, search_dir=args.search_dir,
                         overwrite=args.overwrite, workers=args.workers,
                         oracle_address=args.oracle_address, pick=args.pick, **kwargs)


def _say_what_is_held(args, kwargs):
    """A search that holds hyperparameters fixed (a grid over the default space holds all those
    --set does not name at their defaults) says so as it starts; its plan is checked first, so
    that bad input is still its one error line."""
    from tuning.plan import held_fixed, make_plan
    plan = make_plan(args.name, strategy=args.strategy, search_dir=args.search_dir,
                     **{k: v for k, v in kwargs.items() if k not in ("retrain", "verbose")})
    note = held_fixed(plan.space, f"A {plan.strategy} search")
    if kwargs["verbose"] and note:
        print(note, flush=True)


def _space_file(path):
    if path is None:
        return None
    from tuning import spaces
    from zoo.errors import InvalidArgumentError
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as error:
        raise InvalidArgumentError(f"--space {path}: cannot read a JSON space ({error}).") \
            from None
    if not isinstance(data, dict):
        raise InvalidArgumentError(f"--space {path}: the file must hold an object name -> spec.")
    text = {k: spaces.parse(v) for k, v in data.items() if isinstance(v, str)}
    return {**spaces.from_data({k: v for k, v in data.items() if not isinstance(v, str)}),
            **text}


def _show_space(name):
    from tuning import spaces
    for key, spec in spaces.default_space(name).items():
        print(f"{key:>16}: {spec}")
    grid = spaces.tuned(spaces.grid_space(name))
    print("a grid search without --set: " + ", ".join(f"{k} {getattr(v, 'values', v)}" for k, v in grid.items())
          + ", the rest at their defaults")


def main(argv=None) -> int:
    """`python -m tuning.cli ARGS` is `zoo tune ARGS` (same parsing and error handling)."""
    import argparse
    from zoo.commandline import report_errors
    parser = add_arguments(argparse.ArgumentParser(prog="python -m tuning.cli",
                                                   description=__doc__.split("\n\n")[0]))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return report_errors("zoo tune", run, args)


if __name__ == "__main__":
    sys.exit(main())

"""How many trials does each strategy need? cnn_fashion on a subset of Fashion-MNIST, over a
45-point part of its space (filters x learning rate x dropout) so that the full grid is
affordable on a CPU.

    ZOO_DATA_DIR=../shared/data python benchmarks/strategy_efficiency.py [--subset N] [--epochs N]
        [--replays N] [--set NAME=V1,V2 ...] [--output-dir runs]

tuning.compare runs the full grid, whose best validation accuracy is the reference, and random,
Bayesian and Hyperband search on the same space and data with a third of the grid's trials, the
goal's budget; for each strategy, the number of trials after which its best so far is within 0.5
points of the reference. The splits are read once through zoo.data and given as
arrays, so that every trial sees the examples in the same order: a configuration scores the same
in every strategy, and the strategies differ only in which configurations they try. The
best-so-far curves are saved in one plot (comparison.png) with the table.

One run per strategy says little: a random first draw can land on a good point. Since each
configuration's score is the same wherever it is tried, random and Bayesian search are then
replayed over --replays seeds with the grid's scores looked up instead of trained (their oracles,
unchanged, with the grid's whole budget), which gives their typical number of trials.
`--set filters=8 --set learning_rate=1e-3,1e-2` narrows the grid (as `zoo tune --set` does), for a
smoke run (run_all.py --quick) whose figures mean nothing.
Goal: Bayesian needs at most a third of the grid's trials.
"""
from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path

import keras_tuner
import numpy as np

import tuning
import zoo.data
from tuning import spaces
from tuning.compare import trials_to_reach
from tuning.oracles import make_oracle
from tuning.pruning import running_best

MODEL = "cnn_fashion"
SPACE = {
    "filters": spaces.Choice((8, 16, 32), default=16),
    "learning_rate": spaces.Choice((1e-4, 3e-4, 1e-3, 3e-3, 1e-2), default=1e-3),
    "dropout": spaces.Choice((0.0, 0.25, 0.5), default=0.25),
    "dense_units": spaces.Fixed(64),
}
# 500 steps in 2 epochs of 8,000 images: enough for BatchNorm's moving statistics (momentum 0.99)
# to settle. With batch 128 (126 steps) validation scored mostly unsettled statistics, and the
# grid's scores were noise (0.12 to 0.74) rather than the effect of the hyperparameters.
BATCH_SIZE = 32
OBJECTIVE = "val_accuracy"


def arrays(subset, seed):
    """Fashion-MNIST's train, validation and test splits as (x, y) arrays."""
    splits = zoo.data.load("fashion_mnist", subset=subset, seed=seed)
    return tuple(tuple(np.concatenate(part) for part in zip(*((x.numpy(), y.numpy())
                                                              for x, y in split)))
                 for split in (splits.train, splits.validation, splits.test))


def replay(strategy, scores: dict, target: float, seed: int, folder,
           space=SPACE) -> int | None:
    """Trials a strategy's oracle needs to reach the target, scores looked up by configuration."""
    names = list(spaces.tuned(space))
    oracle = make_oracle(strategy, objective=keras_tuner.Objective(OBJECTIVE, "max"),
                         max_trials=len(scores), seed=seed, epochs=1, num_dimensions=len(names))
    oracle.verbose = 0
    oracle._set_project_dir(folder, f"{strategy}-{seed}")
    hp = keras_tuner.HyperParameters()
    spaces.register(space, hp)
    oracle.update_space(hp)
    found = []
    while True:
        trial = oracle.create_trial("replay")
        if trial.status != "RUNNING":
            break
        score = scores[tuple(trial.hyperparameters.values[n] for n in names)]
        found.append(score)
        oracle.update_trial(trial.trial_id, {OBJECTIVE: score})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    return trials_to_reach(running_best(found, "max"), target, "max")


def replays(grid_rows, target, count, space=SPACE):
    names = list(spaces.tuned(space))
    scores = {tuple(row[n] for n in names): row[OBJECTIVE] for row in grid_rows}
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        for strategy in ("random", "bayesian"):
            out[strategy] = [replay(strategy, scores, target, seed, folder, space)
                             for seed in range(1, count + 1)]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", type=int, default=8000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--strategies", default="random,bayesian,hyperband",
                        help="strategies besides the grid, which always runs")
    parser.add_argument("--output-dir", default="runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replays", type=int, default=30)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2",
                        help=f"narrow the grid: one of {', '.join(SPACE)} to these "
                             "values (repeatable)")
    args = parser.parse_args(argv)
    narrowed = spaces.parse_assignments(args.set)
    unknown = sorted(set(narrowed) - set(SPACE))
    if unknown:
        parser.error(f"--set {unknown[0]}: not in the space ({', '.join(SPACE)})")
    space = {**SPACE, **narrowed}
    start = time.perf_counter()
    grid_trials = spaces.grid_size(spaces.tuned(space))
    others = [s for s in args.strategies.split(",") if s and s != "grid"]
    budget = math.ceil(grid_trials / 3)
    comparison = tuning.compare(
        MODEL, ["grid", *others], budgets={s: budget for s in others}, space=space,
        data=arrays(args.subset, args.seed), epochs=args.epochs, batch_size=BATCH_SIZE,
        seed=args.seed, output_dir=args.output_dir,
        compare_dir=str(Path(args.output_dir) / "tune" / MODEL /
                        f"strategy-efficiency-{time.strftime('%Y%m%d-%H%M%S')}"))
    reached = {row["strategy"]: row["trials to reach"] for row in comparison["table"]}
    print(f"\n{MODEL}: {grid_trials}-point grid, the others {budget} trials, {args.epochs} epochs "
          f"per trial on {args.subset} Fashion-MNIST images (batch {BATCH_SIZE}), "
          f"{time.perf_counter() - start:.0f} s in all")
    for strategy, count in reached.items():
        print(f"  {strategy:<10} " + (f"{count / grid_trials:.2f} of the grid's trials"
                                      if count else "not reached"))
    plot = comparison["files"]["plot"]
    print(f"plot: {plot}")
    result = {"grid_trials": grid_trials, "budget": budget,
              "reference": round(comparison["reference"], 4), "plot": str(plot),
              "trials_to_reach": reached, "replays": {}}
    if not args.replays:
        return result
    print(f"\nreplayed over {args.replays} seeds with the grid's budget (scores looked up):")
    grid_rows = comparison["results"]["grid"].trials
    for strategy, counts in replays(grid_rows, comparison["target"], args.replays,
                                    space).items():
        counts = [c if c is not None else grid_trials + 1 for c in counts]
        within = sum(c <= grid_trials / 3 for c in counts) / len(counts)
        print(f"  {strategy:<10} median {statistics.median(counts):.1f}, mean "
              f"{statistics.mean(counts):.2f} trials ({statistics.mean(counts) / grid_trials:.2f} "
              f"of the grid's); within a third of the grid's trials in {within:.0%} of runs")
        result["replays"][strategy] = {"mean": round(statistics.mean(counts), 2),
                                       "median": statistics.median(counts),
                                       "within_a_third": round(within, 2)}
    return result


if __name__ == "__main__":
    main()

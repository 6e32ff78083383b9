"""How many trials does each strategy need? cnn_fashion on a subset of Fashion-MNIST, a space of
12 points (filters x learning rate) so that the full grid is affordable on a CPU.

    ZOO_DATA_DIR=../shared/data python benchmarks/strategy_efficiency.py [--subset N] [--epochs N]

Each strategy (grid, random, bayesian, hyperband) gets the same budget, the grid's 12 trials, on
the same space and data (tuning.compare). The splits are read once through zoo.data and given as
arrays, so that every trial sees the examples in the same order: a configuration scores the same
in every strategy, and the strategies differ only in which configurations they try. The reference
is the best validation accuracy of the full grid; for each strategy, the number of trials after
which its best so far is within 0.5 points of it. The best-so-far curves are saved in one plot
(comparison.png) with the table.

One run per strategy says little: a random first draw can land on the best point. Since each
configuration's score is the same wherever it is tried, random and Bayesian search are then
replayed over --replays seeds with the grid's scores looked up instead of trained (their oracles,
unchanged), which gives their typical number of trials.
Goal: Bayesian needs at most a third of the grid's trials.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import keras_tuner
import numpy as np

import tuning
import zoo.data
from tuning import spaces
from tuning.compare import trials_to_reach
from tuning.oracles import make_oracle
from tuning.plots import running_best

MODEL = "cnn_fashion"
SPACE = {
    "filters": spaces.Choice((8, 16, 32), default=16),
    "learning_rate": spaces.Choice((1e-4, 3e-4, 1e-3, 1e-2), default=1e-3),
    "dense_units": spaces.Fixed(64),
    "dropout": spaces.Fixed(0.3),
}


def arrays(subset, seed):
    """Fashion-MNIST's train, validation and test splits as (x, y) arrays."""
    splits = zoo.data.load("fashion_mnist", subset=subset, seed=seed)
    return tuple(tuple(np.concatenate(part) for part in zip(*((x.numpy(), y.numpy())
                                                              for x, y in split)))
                 for split in (splits.train, splits.validation, splits.test))


def replay(strategy, scores: dict, target: float, seed: int, folder) -> int | None:
    """Trials a strategy's oracle needs to reach the target, scores looked up by configuration."""
    names = list(spaces.tuned(SPACE))
    oracle = make_oracle(strategy, objective=keras_tuner.Objective("val_accuracy", "max"),
                         max_trials=len(scores), seed=seed, epochs=1, num_dimensions=len(names))
    oracle.verbose = 0
    oracle._set_project_dir(folder, f"{strategy}-{seed}")
    hp = keras_tuner.HyperParameters()
    spaces.register(SPACE, hp)
    oracle.update_space(hp)
    found = []
    while True:
        trial = oracle.create_trial("replay")
        if trial.status != "RUNNING":
            break
        score = scores[tuple(trial.hyperparameters.values[n] for n in names)]
        found.append(score)
        oracle.update_trial(trial.trial_id, {"val_accuracy": score})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    return trials_to_reach(running_best(found, "max"), target, "max")


def replays(grid_rows, target, count):
    names = list(spaces.tuned(SPACE))
    scores = {tuple(row[n] for n in names): row["val_accuracy"] for row in grid_rows}
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        for strategy in ("random", "bayesian"):
            out[strategy] = [replay(strategy, scores, target, seed, folder)
                             for seed in range(1, count + 1)]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", type=int, default=8000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--strategies", default="grid,random,bayesian,hyperband")
    parser.add_argument("--output-dir", default="runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replays", type=int, default=30)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    comparison = tuning.compare(MODEL, args.strategies, space=SPACE,
                                data=arrays(args.subset, args.seed), epochs=args.epochs,
                                seed=args.seed, output_dir=args.output_dir)
    grid_trials = spaces.grid_size(spaces.tuned(SPACE))
    print(f"\n{MODEL}: {grid_trials}-point grid, {args.epochs} epochs per trial on "
          f"{args.subset} Fashion-MNIST images, {time.perf_counter() - start:.0f} s in all")
    for row in comparison["table"]:
        reached = row["trials to reach"]
        ratio = f"{reached / grid_trials:.2f} of the grid's trials" if reached else "not reached"
        print(f"  {row['strategy']:<10} {ratio}")
    print(f"plot: {comparison['files']['plot']}")
    result = {"grid_trials": grid_trials, "plot": comparison["files"]["plot"],
              "trials_to_reach": {row["strategy"]: row["trials to reach"]
                                  for row in comparison["table"]}, "replays": {}}
    grid = comparison["results"].get("grid")
    if grid is None or not args.replays:
        return result
    print(f"\nreplayed over {args.replays} seeds (scores looked up):")
    for strategy, reached in replays(grid.trials, comparison["target"], args.replays).items():
        counts = [r if r is not None else grid_trials + 1 for r in reached]
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

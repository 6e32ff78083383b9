"""How many trials does each strategy need? cnn_fashion on a subset of Fashion-MNIST, a space of
12 points (filters x learning rate) so that the full grid is affordable on a CPU.

    ZOO_DATA_DIR=../shared/data python benchmarks/strategy_efficiency.py [--subset N] [--epochs N]

Each strategy (grid, random, bayesian, hyperband) gets the same budget, the grid's 12 trials, on
the same space and data (tuning.compare). The reference is the best validation accuracy of the
full grid; for each strategy, the number of trials after which its best so far is within 0.5
points of it. The best-so-far curves are saved in one plot (comparison.png) with the table.
Goal: Bayesian needs at most a third of the grid's trials.
"""
from __future__ import annotations

import argparse
import time

import tuning
from tuning import spaces

MODEL = "cnn_fashion"
SPACE = {
    "filters": spaces.Choice((8, 16, 32), default=16),
    "learning_rate": spaces.Choice((1e-4, 3e-4, 1e-3, 1e-2), default=1e-3),
    "dense_units": spaces.Fixed(64),
    "dropout": spaces.Fixed(0.3),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", type=int, default=8000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--strategies", default="grid,random,bayesian,hyperband")
    parser.add_argument("--output-dir", default="runs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    comparison = tuning.compare(MODEL, args.strategies, space=SPACE, data="fashion_mnist",
                                subset=args.subset, epochs=args.epochs, seed=args.seed,
                                output_dir=args.output_dir)
    grid_trials = spaces.grid_size(spaces.tuned(SPACE))
    print(f"\n{MODEL}: {grid_trials}-point grid, {args.epochs} epochs per trial on "
          f"{args.subset} Fashion-MNIST images, {time.perf_counter() - start:.0f} s in all")
    for row in comparison["table"]:
        reached = row["trials to reach"]
        ratio = f"{reached / grid_trials:.2f} of the grid's trials" if reached else "not reached"
        print(f"  {row['strategy']:<10} {ratio}")
    print(f"plot: {comparison['files']['plot']}")


if __name__ == "__main__":
    main()

"""What does the tuner cost? A random search of N trials against the same N configurations trained
plainly (zoo.build, compile, fit), on the same data loaded once; then the memory of a longer
search of tiny trials, trial after trial.

    ZOO_DATA_DIR=../shared/data python benchmarks/tuner_overhead.py [--trials 8] [--epochs 2]
        [--subset N] [--repeats 2] [--memory-trials 15]

The search's wall time counts everything tuning.search does except retraining the best model:
the tuner and its files, checkpoints, freeing memory between trials, the table and the plots.
The plain time is the sum of each configuration's build, compile and fit, and nothing else.
They take turns, --repeats times, and the best of each is kept: on a shared machine, other load
only ever slows a run down. The trials train on the whole training split (about 3 s each here):
the tuner's costs are mostly per trial (its files, the top-k checkpoints) and per search (the
table and plots, about 1 s), so on trials of a second they would be most of the ratio; the
overhead per trial is printed in seconds as well. With a few trials of one epoch on a --subset it
is a smoke run (run_all.py --quick) whose figures mean nothing.
Goal: search / plain <= 1.10. Memory: resident memory after each of --memory-trials trials should
level off, not grow with the number of trials.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import io
import math
import tempfile
import time

import keras
import tensorflow as tf

import tuning
import zoo
import zoo.data
from tuning import spaces
from tuning.hypermodel import validate_the_average, weight_average_momentum
from tuning.memory import rss_mb
from zoo.models.compiling import compile_model

MODEL = "dense_mnist"
SPACE = {"units": spaces.Choice((64, 128, 256)), "dropout": spaces.Float(0.0, 0.4, step=0.1),
         "learning_rate": spaces.Float(3e-4, 3e-3, sampling="log"),
         "batch_size": spaces.Choice((64, 128))}


def load(subset):
    splits = zoo.data.load("mnist", subset=subset, batch_size=128, seed=0)
    return splits.train, splits.validation, splits.test


def timed_search(data, trials, epochs, folder, seed=0):
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        result = tuning.search(MODEL, strategy="random", max_trials=trials, space=SPACE,
                               data=data, epochs=epochs, seed=seed, retrain=False,
                               search_dir=folder, overwrite=True)
    return time.perf_counter() - start, result


@functools.cache
def examples(dataset) -> int:
    return int(dataset.map(lambda x, y: tf.shape(y)[0]).reduce(0, lambda a, b: a + b))


def train_plainly(values, data, epochs, seed=0):
    """One configuration by hand: what the search's trial does, without the tuner."""
    train, validation, _ = data
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    builder = {k: v for k, v in values.items()
               if k not in ("learning_rate", "batch_size")}
    if "units" in builder:
        builder["units"] = (builder["units"],)
    model = zoo.build(MODEL, compile=False, **builder)
    steps = math.ceil(examples(train) / values["batch_size"])
    # A trial validates and keeps an average of its weights (tuning.hypermodel): so does this.
    compile_model(model, optimizer="adam", learning_rate=values["learning_rate"],
                  ema=weight_average_momentum(steps))
    model.fit(train.rebatch(values["batch_size"]).apply(
        tf.data.experimental.assert_cardinality(steps)), validation_data=validation,
        epochs=epochs, verbose=0, shuffle=False, callbacks=validate_the_average())
    return time.perf_counter() - start


def overhead(data, trials, epochs, repeats):
    """Best search time, best plain time, and the search's time inside its trials."""
    with tempfile.TemporaryDirectory() as tmp:
        train_plainly({"units": 64, "dropout": 0.0, "learning_rate": 1e-3, "batch_size": 128},
                      data, 1)  # warm-up: TensorFlow's first-use costs go to neither side
        searches, plains = [], []
        for repeat in range(repeats):  # search, plain, search, plain...
            searches.append(timed_search(data, trials, epochs, f"{tmp}/search{repeat}"))
            configs = [{k: row[k] for k in SPACE} for row in searches[0][1].trials]
            plains.append(sum(train_plainly(c, data, epochs) for c in configs))
    trial_s = min(sum(row["seconds"] for row in result.trials) for _, result in searches)
    return min(s for s, _ in searches), min(plains), trial_s


def memory(data, trials):
    with tempfile.TemporaryDirectory() as tmp:
        _, result = timed_search(data, trials, 1, f"{tmp}/memory", seed=1)
    return [row["rss_mb"] for row in result.trials]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--subset", type=int, default=None,
                        help="training examples (default: all 54,000)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--memory-trials", type=int, default=15)
    args = parser.parse_args(argv)
    data = load(args.subset)
    search_s, plain_s, trial_s = overhead(data, args.trials, args.epochs, args.repeats)
    print(f"{MODEL}, {args.trials} random trials of {args.epochs} epochs on "
          f"{args.subset or 'all'} MNIST training images, best of {args.repeats}:")
    print(f"  plain training of the same configurations  {plain_s:7.1f} s")
    print(f"  tuning.search (no retraining)              {search_s:7.1f} s "
          f"(trials {trial_s:.1f} s, the rest {search_s - trial_s:.1f} s)")
    print(f"  search / plain = {search_s / plain_s:.3f}  (goal <= 1.10); the tuner's overhead "
          f"{(search_s - plain_s) / args.trials:.2f} s per trial")
    small = load(1024)
    rss = memory(small, args.memory_trials)
    print(f"\nresident memory after each of {len(rss)} trials (MiB): "
          + " ".join(f"{r:.0f}" for r in rss))
    half = len(rss) // 2
    print(f"  growth over the second half: {rss[-1] - rss[half]:+.0f} MiB "
          f"({(rss[-1] - rss[half]) / max(1, len(rss) - 1 - half):+.1f} MiB per trial); "
          f"now {rss_mb():.0f} MiB")
    per_trial = (rss[-1] - rss[half]) / max(1, len(rss) - 1 - half)
    return {"search_s": round(search_s, 1), "plain_s": round(plain_s, 1),
            "ratio": round(search_s / plain_s, 3),
            "overhead_s_per_trial": round((search_s - plain_s) / args.trials, 2),
            "rss_mib": [round(r) for r in rss],
            "rss_growth_mib_per_trial": round(per_trial, 2)}


if __name__ == "__main__":
    main()

"""Does the input pipeline keep up with training? cnn_fashion with the "standard" augmentation.

    ZOO_DATA_DIR=../shared/data python benchmarks/pipeline_throughput.py [--steps 100] [--subset N]

Measures training examples per second
  (a) fed by zoo.data's pipeline (augmentation in tf.data, on training batches), and
  (b) fed from one batch already in memory, the same augmentation layers put inside the model,
      so that both do the same work per step (the fair comparison; its input costs nothing);
  (c) fed from one batch already in memory and already augmented: the model's work alone, an
      upper bound that leaves out the augmentation work (unfair to the pipeline, shown for scale);
and the pipeline's own throughput with no model. Each rate is taken in steady state, between batch
`--warmup` and batch `--warmup + --steps` of one fit call, so graph tracing and the first fill of
the shuffle buffer are not counted. The measurements take turns, `--repeats` times, and the best
of each is reported: on a shared machine, other load only ever slows a run down. --subset reads
only N training images: with a few --steps, a smoke run (run_all.py --quick) whose figures mean
nothing.
Goal: (a)/(b) >= 0.95.
"""
from __future__ import annotations

import argparse
import time

import keras
import tensorflow as tf

import zoo
import zoo.data
from zoo.models.compiling import compile_model


class BatchClock(keras.callbacks.Callback):
    """Records when each training batch ends, in wall time and in this process's CPU time."""

    def __init__(self):
        super().__init__()
        self.times = []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append((time.perf_counter(), time.process_time()))


def steady_rate(clock, warmup: int, steps: int, batch_size: int) -> tuple[float, float]:
    """Examples per second of wall time, and CPU milliseconds (all threads) per example."""
    (wall0, cpu0), (wall1, cpu1) = clock.times[warmup - 1], clock.times[warmup + steps - 1]
    examples = steps * batch_size
    return examples / (wall1 - wall0), 1000 * (cpu1 - cpu0) / examples


def model_with(augmentation=None):
    """cnn_fashion, compiled, optionally with augmentation layers in front."""
    model = zoo.build("cnn_fashion")
    if augmentation is None:
        return model
    inputs = keras.Input(model.input_shape[1:])
    combined = keras.Model(inputs, model(augmentation(inputs)), name="augmented_cnn_fashion")
    recipe = zoo.recipe("cnn_fashion")
    return compile_model(combined, optimizer=recipe.optimizer, learning_rate=recipe.learning_rate,
                         head="softmax")


def train_rate(model, dataset, warmup: int, steps: int, batch_size: int) -> tuple[float, float]:
    clock = BatchClock()
    model.fit(dataset, epochs=1, steps_per_epoch=warmup + steps, callbacks=[clock], verbose=0)
    return steady_rate(clock, warmup, steps, batch_size)


def pipeline_rate(dataset, warmup: int, steps: int, batch_size: int) -> tuple[float, float]:
    iterator = iter(dataset)
    for _ in range(warmup):
        next(iterator)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        next(iterator)
    examples = steps * batch_size
    return (examples / (time.perf_counter() - wall),
            1000 * (time.process_time() - cpu) / examples)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="timed batches per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="measurements of each kind")
    parser.add_argument("--warmup", type=int, default=20, help="untimed batches first")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--data-dir", default=None, help="data folder (default: $ZOO_DATA_DIR)")
    parser.add_argument("--subset", type=int, default=None,
                        help="at most N images in each split (default: all)")
    args = parser.parse_args(argv)
    batch = args.batch_size
    needed = (args.warmup + args.steps) * batch
    splits = zoo.data.load("fashion_mnist", data_dir=args.data_dir, batch_size=batch,
                           augment="standard", seed=0, subset=args.subset)
    if splits.sizes["train"] < needed:
        raise SystemExit(f"--warmup + --steps need {needed} training examples per epoch; "
                         f"fashion_mnist has {splits.sizes['train']}.")
    timed = (args.warmup, args.steps, batch)

    x, y = next(iter(zoo.data.load("fashion_mnist", data_dir=args.data_dir, batch_size=batch,
                                   seed=0, subset=args.subset).train))
    augmentation = zoo.data.augmentation("standard", "fashion_mnist", seed=0)
    runs = {
        "piped": (model_with(), splits.train),
        "ceiling": (model_with(augmentation), tf.data.Dataset.from_tensors((x, y)).repeat()),
        "model_only": (model_with(), tf.data.Dataset.from_tensors(
            (augmentation(x, training=True), y)).repeat()),
    }
    rates = {key: [] for key in [*runs, "alone"]}
    for _ in range(args.repeats):
        for key, (model, dataset) in runs.items():
            rates[key].append(train_rate(model, dataset, *timed))
        rates["alone"].append(pipeline_rate(splits.train, *timed))
    best = {key: max(values) for key, values in rates.items()}  # fastest wall time

    print(f"cnn_fashion, fashion_mnist, batch {batch}, augmentation 'standard', "
          f"{args.steps} timed steps after {args.warmup}, best of {args.repeats}")
    labels = {"piped": "(a) training fed by the pipeline   ",
              "ceiling": "(b) training from tensors in memory",
              "model_only": "(c) the same, augmented beforehand ",
              "alone": "    pipeline alone, no model       "}
    notes = {"ceiling": "  augmentation in-model", "model_only": "  model work only"}
    for key, label in labels.items():
        rate, cpu = best[key]
        print(f"{label} {rate:8.0f} examples/s  {cpu:6.3f} CPU ms/example{notes.get(key, '')}")
    print("wall rates of all runs:", {key: [round(r) for r, _ in v] for key, v in rates.items()})
    ratio = best["piped"][0] / best["ceiling"][0]
    print(f"ratio (a)/(b) = {ratio:.3f}  (goal >= 0.95);  "
          f"(a)/(c) = {best['piped'][0] / best['model_only'][0]:.3f}")
    return {"examples_per_s": {key: round(rate) for key, (rate, _) in best.items()},
            "ratio_piped_to_in_memory": round(ratio, 3),
            "ratio_piped_to_model_only": round(best["piped"][0] / best["model_only"][0], 3)}


if __name__ == "__main__":
    main()

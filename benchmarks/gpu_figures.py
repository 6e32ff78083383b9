"""GPU figures ready to take, without TensorFlow: each zoo model trained by the zoo's runner
(`zoo.train` on arrays) and by a bare `model.fit` of the same model, with mixed precision off
and on, each in a process of its own. Needs only keras, jax (or torch) and numpy, so that it runs
on a GPU image that has no TensorFlow; the data travel as one .npz file of arrays.

    # here, where the zoo's data layer can read the datasets: write the arrays to carry along
    ZOO_DATA_DIR=../shared/data python benchmarks/gpu_figures.py --write-arrays arrays.npz
        [--subset 20000]
    # there (KERAS_BACKEND=jax): measure
    python benchmarks/gpu_figures.py --arrays arrays.npz [--models cnn_fashion,resnet_small]
        [--epochs 5] [--batch-size 128] [--precision off,on] [--out gpu_figures.json]
    # or both at once, here (the CPU figures in RESULTS.md)
    ZOO_DATA_DIR=../shared/data KERAS_BACKEND=jax python benchmarks/gpu_figures.py --from-data 10000

Per model, precision and way (zoo, bare): training examples/s in the median epoch after the
first (the first compiles), inference examples/s at batch 128 and at batch 1, peak device memory
(JAX's peak_bytes_in_use; on a CPU, which reports none, the process's peak resident memory), the
validation accuracy after each epoch and the seconds to reach --target on it. The runner's cost
is the zoo's time per epoch over the bare fit's (goal: at most 1.05). Both ways use the model's
recipe (optimizer, schedule, weight average), the same batch size and epochs; the bare fit takes
arrays already scaled to 0-1, the zoo its own input pipeline (zoo.data.from_arrays).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from pathlib import Path

if __package__ in (None, ""):  # run as a script, python benchmarks/NAME.py: import from the root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.probe import run_probe

HERE = Path(__file__).resolve().parent
DATASET = {"cnn_fashion": "fashion_mnist", "dense_fashion": "fashion_mnist",
           "cnn_mnist": "mnist", "dense_mnist": "mnist", "lenet": "mnist",
           "cnn_cifar10": "cifar10", "resnet_small": "cifar10"}
RUNNER_GOAL = 1.05

PROBE = textwrap.dedent("""
    import json, statistics, sys, time
    import keras, numpy as np
    import zoo, zoo.data
    from zoo.models.compiling import compile_model
    from zoo.training import adapt
    from zoo.training.callbacks import OwnBuffers  # SwapEMAWeights' shared buffers under JAX
    name, way, precision, arrays, epochs, batch, target, out_dir = sys.argv[1:9]
    epochs, batch, target = int(epochs), int(batch), float(target)
    data = np.load(arrays)
    key = sys.argv[9]
    x, y = data[key + ".x_train"], data[key + ".y_train"]
    xt, yt = data[key + ".x_test"], data[key + ".y_test"]
    recipe = zoo.recipe(name)

    class Clock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.ends, self.accuracy = time.perf_counter(), [], []
        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(time.perf_counter() - self.start)
            self.accuracy.append(float(logs.get("val_accuracy", float("nan"))))

    clock = Clock()
    gpu = keras.backend.backend() == "jax" and __import__("jax").default_backend() == "gpu"
    if way == "zoo":
        splits = zoo.data.from_arrays((x, y), (xt, yt), batch_size=batch, seed=0)
        result = zoo.train(name, data=splits, epochs=epochs, batch_size=batch,
                           mixed_precision=precision == "on", output_dir=out_dir,
                           verbose=0, callbacks=[clock])
        model = keras.models.load_model(result.run_dir / "model.keras")
    else:
        if precision == "on":
            keras.mixed_precision.set_global_policy("mixed_float16" if gpu else "mixed_bfloat16")
        keras.utils.set_random_seed(0)
        held = np.random.default_rng(0).permutation(len(y))
        cut = round(0.1 * len(y))  # the zoo's validation_fraction, drawn the same way
        scale = (lambda a: a.astype("float32") / 255.0) if x.dtype == np.uint8 else (
            lambda a: a.astype("float32"))
        xv, yv = scale(x[held[:cut]]), y[held[:cut]]
        xr, yr = scale(x[held[cut:]]), y[held[cut:]]
        model = zoo.build(name, input_shape=x.shape[1:], num_classes=int(y.max()) + 1)
        steps = epochs * -(-len(yr) // batch)
        ema = adapt.ema_momentum(recipe.ema, steps)[0]  # as the runner caps it on short runs
        compile_model(model, optimizer=recipe.optimizer, learning_rate=recipe.learning_rate,
                      lr_schedule=recipe.lr_schedule, decay_steps=steps, ema=ema,
                      jit_compile=True)
        callbacks = [clock] + ([keras.callbacks.SwapEMAWeights(swap_on_epoch=True),
                                OwnBuffers()] if ema else [])
        model.fit(xr, yr, batch_size=batch, epochs=epochs, validation_data=(xv, yv),
                  callbacks=callbacks, verbose=0)
    # The epochs after the first (which compiles): their median time, which one epoch slowed by
    # another job on the machine does not move.
    later = statistics.median([b - a for a, b in zip(clock.ends, clock.ends[1:])] or [0.0])
    train_count = len(y) - round(0.1 * len(y))
    xin = xt[:1024].astype("float32") / (255.0 if xt.dtype == np.uint8 else 1.0)
    model.predict_on_batch(xin[:128])
    start = time.perf_counter(); reps = 0
    while time.perf_counter() - start < 1.0 or reps < 2:
        model.predict_on_batch(xin[:128]); reps += 1
    batch_128 = 128 * reps / (time.perf_counter() - start)
    model.predict_on_batch(xin[:1])
    start = time.perf_counter(); reps = 0
    while time.perf_counter() - start < 1.0 or reps < 2:
        model.predict_on_batch(xin[reps % 1024:reps % 1024 + 1]); reps += 1
    batch_1 = reps / (time.perf_counter() - start)
    memory = None
    if keras.backend.backend() == "jax":
        stats = __import__("jax").devices()[0].memory_stats() or {}
        memory = stats.get("peak_bytes_in_use")
    from zoo.bench import process_memory_mb
    host = round(process_memory_mb("VmHWM") * 2**20)
    reached = next((t for t, a in zip(clock.ends, clock.accuracy) if a >= target), None)
    print("FIGURES " + json.dumps({
        "epoch_s": [round(b - a, 3) for a, b in zip([0.0] + clock.ends, clock.ends)],
        "train_examples_per_s": round(train_count / later, 1) if epochs > 1 else None,
        "seconds_per_later_epoch": round(later, 3) if epochs > 1 else None,
        "inference_examples_per_s": {"batch_128": round(batch_128, 1), "batch_1": round(batch_1, 1)},
        "peak_device_bytes": memory, "peak_host_bytes": host,
        "val_accuracy": [round(a, 4) for a in clock.accuracy],
        "seconds_to_target": None if reached is None else round(reached, 2),
        "tensorflow_imported": "tensorflow" in sys.modules,
        "backend": keras.backend.backend(),
        "device": str(__import__("jax").devices()[0]) if keras.backend.backend() == "jax"
        else "cpu"}))
""")


def write_arrays(path: Path, subset: int | None, datasets=("fashion_mnist", "cifar10")):
    """The datasets' train and test splits as uint8 arrays, from the zoo's data layer (here,
    where TensorFlow and the data are)."""
    import numpy as np
    from zoo.data import datasets as sources
    from zoo.data.splits import divide
    out = {}
    for name in datasets:
        raw = sources.read(name, data_dir=os.environ.get("ZOO_DATA_DIR"))
        parts = divide(raw.arrays, validation_fraction=0.0, subset=subset, seed=0)
        for split in ("train", "test"):
            out[f"{name}.x_{split}"], out[f"{name}.y_{split}"] = parts[split]
    np.savez_compressed(path, **out)
    return {k: list(v.shape) for k, v in out.items()}


def median_run(rows: list[dict]) -> dict:
    """One run's figures, each the median over repeated runs (the first run's otherwise)."""
    import statistics
    out = dict(rows[0])
    for key in ("train_examples_per_s", "seconds_per_later_epoch", "seconds_to_target"):
        values = [r[key] for r in rows if r[key] is not None]
        out[key] = round(statistics.median(values), 3) if values else None
    out["inference_examples_per_s"] = {k: round(statistics.median(
        r["inference_examples_per_s"][k] for r in rows), 1)
        for k in rows[0]["inference_examples_per_s"]}
    out["repeats"] = len(rows)
    return out


def measure(model, way, precision, args, folder) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND=args.backend)
    if args.hide_tensorflow:  # as on a machine without it (no TensorBoard files, no tf.data)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(HERE / "no_tensorflow"), str(HERE.parent), env.get("PYTHONPATH", "")])
    return run_probe(PROBE, [model, way, precision, args.arrays.resolve(), args.epochs,
                             args.batch_size, args.target, folder, DATASET[model]],
                     env=env, marker="FIGURES ", cwd=HERE.parent,
                     what=f"{model} ({way}, mixed precision {precision})")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arrays", type=Path, help="the .npz of arrays (see --write-arrays)")
    parser.add_argument("--write-arrays", type=Path, metavar="FILE.npz")
    parser.add_argument("--subset", type=int, help="with --write-arrays: examples per split")
    parser.add_argument("--from-data", type=int, metavar="SUBSET",
                        help="write the arrays (SUBSET examples per split) to a temporary file "
                             "first, from $ZOO_DATA_DIR: a run here, where the data are")
    parser.add_argument("--models", default="cnn_fashion,resnet_small")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--precision", default="off,on", help="mixed precision: off, on or both")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each way, alternating; each figure is their median")
    parser.add_argument("--target", type=float, default=0.9,
                        help="validation accuracy whose time is reported")
    parser.add_argument("--out", type=Path, help="write the figures there as JSON too")
    parser.add_argument("--backend", default="jax", help="the Keras backend measured [jax]")
    parser.add_argument("--hide-tensorflow", action="store_true",
                        help="measure as on a machine without TensorFlow, where it is installed "
                             "(benchmarks/no_tensorflow on the probes' PYTHONPATH)")
    args = parser.parse_args(argv)
    if args.write_arrays:
        shapes = write_arrays(args.write_arrays, args.subset)
        print(json.dumps(shapes))
        return {"written": str(args.write_arrays), "shapes": shapes}
    if args.from_data:
        # Only the datasets of the models measured (all of CIFAR-10's JPEGs take half a minute
        # to decode), and bad model names refused before any data are read.
        with tempfile.TemporaryDirectory() as tmp:
            args.arrays = Path(tmp) / "arrays.npz"
            write_arrays(args.arrays, args.from_data,
                         datasets=sorted({DATASET[m] for m in model_names(args, parser)}))
            return measure_all(args, parser)
    return measure_all(args, parser)


def model_names(args, parser) -> list[str]:
    """The models of --models, each one that arrays can be written for (else a usage error)."""
    names = args.models.split(",")
    unknown = [m for m in names if m not in DATASET]
    if unknown:
        parser.error(f"no arrays for {', '.join(unknown)}; models: {', '.join(DATASET)}")
    return names


def measure_all(args, parser) -> dict:
    if not args.arrays or not args.arrays.exists():
        parser.error("--arrays FILE.npz is needed (write it with --write-arrays where the data "
                     "and TensorFlow are)")
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in model_names(args, parser):
            for precision in args.precision.split(","):
                # The ways alternate, each repeat in fresh processes; per figure, the median.
                repeats = {"bare": [], "zoo": []}
                for i in range(args.repeats):
                    for way in repeats:
                        repeats[way].append(measure(model, way, precision, args,
                                                    Path(tmp) / f"{model}-{way}-{i}"))
                runs = {way: median_run(rows) for way, rows in repeats.items()}
                later = [runs[w]["seconds_per_later_epoch"] for w in ("zoo", "bare")]
                ratio = round(later[0] / later[1], 3) if None not in later else None
                figures[f"{model}, mixed precision {precision}"] = {
                    **runs, "runner_over_bare": ratio,
                    "runner_goal_met": ratio is not None and ratio <= RUNNER_GOAL}
                print(f"{model}, mixed precision {precision}: zoo / bare time per epoch {ratio} "
                      f"(goal <= {RUNNER_GOAL}); training ex/s zoo "
                      f"{runs['zoo']['train_examples_per_s']}, bare "
                      f"{runs['bare']['train_examples_per_s']}; inference ex/s at 128 "
                      f"{runs['zoo']['inference_examples_per_s']['batch_128']}; device "
                      f"{runs['zoo']['device']}", flush=True)
    report = {"figures": figures, "epochs": args.epochs, "batch_size": args.batch_size,
              "target": args.target, "subset": args.from_data, "repeats": args.repeats,
              "tensorflow_imported": any(r[w]["tensorflow_imported"] for r in figures.values()
                                         for w in ("zoo", "bare"))}
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))

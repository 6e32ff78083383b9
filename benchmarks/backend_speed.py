"""Where the JAX backend's time goes on a CPU, against TensorFlow's: the same zoo models trained
on the same arrays under each backend, each in a process of its own, side by side in one run.

    python benchmarks/backend_speed.py [--models cnn_fashion,dense_mnist,lstm_series]
        [--steps 30] [--repeats 2]

Per model and backend: the first train step (tracing and compiling), the steady time per step
(train_on_batch after it), and one epoch of `fit` on a tf.data pipeline after a first one (what a
run's later epochs cost); JAX also without jax.jit (compile(jit_compile=False), which the zoo
passed on every backend until it was found to be the first cause of JAX's slowdown). The ratios JAX / TensorFlow say which part is slower: a slow first step
is compilation; a slow steady step is the kernels; a fit epoch slower than its steps is the
input pipeline or the loop. The repeats alternate the backends, and each figure is the median.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import textwrap
from pathlib import Path

if __package__ in (None, ""):  # run as a script, python benchmarks/NAME.py: import from the root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.probe import run_probe

HERE = Path(__file__).resolve().parent
# (backend, jit_compile): TensorFlow as the zoo runs it (graphs, no XLA), JAX as the zoo runs it
# (jax.jit) and JAX as the zoo ran it before (jit_compile=False: no jax.jit, op by op).
SETTINGS = {"tensorflow": ("tensorflow", False), "jax": ("jax", True),
            "jax, no jit": ("jax", False)}
PROBE = textwrap.dedent("""
    import json, sys, time
    import keras, numpy as np, tensorflow as tf
    import zoo
    name, steps, jit, batch = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "True", 128
    model = zoo.build(name)
    model.compile("adam", "sparse_categorical_crossentropy" if model.output_shape[-1] > 1
                  else "binary_crossentropy", jit_compile=jit)
    rng = np.random.default_rng(0)
    shape = tuple(model.input_shape[1:])
    x = rng.random((batch * steps, *shape), dtype="float32")
    y = rng.integers(0, max(2, model.output_shape[-1]), batch * steps)
    if model.output_shape[-1] == 1:
        y = y.astype("float32")
    start = time.perf_counter()
    model.train_on_batch(x[:batch], y[:batch])
    first = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(1, steps):
        model.train_on_batch(x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch])
    steady = (time.perf_counter() - start) / (steps - 1)
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch).prefetch(2)
    model.fit(data, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(data, epochs=1, verbose=0)
    epoch = time.perf_counter() - start
    print("PROBE " + json.dumps({"backend": keras.backend.backend(), "first_step_s": first,
                                 "step_ms": 1000 * steady, "fit_step_ms": 1000 * epoch / steps}))
""")


def probe(backend: str, jit: bool, model: str, steps: int) -> dict:
    env = dict(os.environ, KERAS_BACKEND=backend, JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    return run_probe(PROBE, [model, steps, jit], env=env, marker="PROBE ", cwd=HERE.parent,
                     what=f"{model} under {backend}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="cnn_fashion,dense_mnist,lstm_series")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    out = {}
    for model in args.models.split(","):
        runs = {name: [] for name in SETTINGS}
        for _ in range(args.repeats):
            for name, (backend, jit) in SETTINGS.items():
                runs[name].append(probe(backend, jit, model, args.steps))
        medians = {b: {k: round(statistics.median(r[k] for r in rows), 3)
                       for k in ("first_step_s", "step_ms", "fit_step_ms")}
                   for b, rows in runs.items()}
        ratios = {k: round(medians["jax"][k] / medians["tensorflow"][k], 2)
                  for k in medians["jax"]}
        eager = round(medians["jax, no jit"]["fit_step_ms"] / medians["jax"]["fit_step_ms"], 2)
        out[model] = {"median": medians, "jax_over_tensorflow": ratios,
                      "jax_without_jit_over_with": eager}
        print(f"{model}: jax / tensorflow: first step {ratios['first_step_s']}x "
              f"({medians['jax']['first_step_s']} s / {medians['tensorflow']['first_step_s']} s), "
              f"steady step {ratios['step_ms']}x ({medians['jax']['step_ms']} / "
              f"{medians['tensorflow']['step_ms']} ms), fit step {ratios['fit_step_ms']}x; "
              f"JAX without jax.jit / with: fit step {eager}x", flush=True)
    return {"models": out, "steps": args.steps, "repeats": args.repeats}


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))

"""`zoo bench`: measure each model's inference speed on this machine (zoo/speed.py holds the
table).

Each model is measured in a process of its own, so that its peak memory is its own: the largest
resident size of that process while it builds the model and predicts (VmHWM), less its size
once TensorFlow and Keras were imported. The weights are the builder's initial ones, never
pretrained ones (speed does not depend on their values); the inputs are random ones of the
model's input shape and dtype; the call is Keras' `predict_on_batch`, as a program serving one
batch at a time would make it.
"""
from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

from zoo import files, speed
from zoo.errors import RunError

# Time of each batch size's timed calls, after the warm-up calls (tracing, first allocations).
SECONDS = 2.0
WARMUP_CALLS = 3
MIN_CALLS = 5


def measure(name: str, *, seconds: float = SECONDS) -> dict:
    """Measure `name` in this process: examples/s at each of BATCHES and the peak memory (MB)
    over this process's size when called."""
    import time

    import numpy as np

    import zoo
    rss_before = process_memory_mb("VmRSS")
    # Speed does not depend on the weights' values: no download of pretrained ones.
    fresh = {"weights": None} if "weights" in zoo.describe(name).arguments else {}
    model = zoo.build(name, compile=False, **fresh)
    spec = model.inputs[0]
    rng = np.random.default_rng(0)
    out = {}
    for batch in speed.BATCHES:
        shape = (batch, *spec.shape[1:])
        if "int" in str(spec.dtype):
            inputs = rng.integers(1, 100, size=shape).astype(str(spec.dtype))
        else:
            inputs = rng.random(shape, dtype="float32")
        for _ in range(WARMUP_CALLS):
            model.predict_on_batch(inputs)
        calls, start = 0, time.perf_counter()
        while calls < MIN_CALLS or time.perf_counter() - start < seconds:
            model.predict_on_batch(inputs)
            calls += 1
        out[f"batch_{batch}"] = round(batch * calls / (time.perf_counter() - start), 1)
    # VmHWM, the high-water mark of this process's own memory: ru_maxrss also counts the
    # parent's size at fork (a 2 GB test process gave 2 GB for linear_mnist).
    peak = process_memory_mb("VmHWM")
    out["peak_memory_mb"] = round(max(0.0, peak - rss_before), 1)
    return out


def measure_apart(name: str, *, seconds: float = SECONDS) -> dict:
    """`measure` in a fresh process (Keras and TensorFlow imported first, outside the figure)."""
    code = ("import json, keras, zoo, zoo.bench as b; "
            f"print('SPEED ' + json.dumps(b.measure({name!r}, seconds={seconds!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("SPEED ")]
    if done.returncode or not lines:
        raise RunError(f"measuring {name} failed (exit {done.returncode}): "
                           + (done.stderr.strip().splitlines() or ["?"])[-1])
    return json.loads(lines[-1][len("SPEED "):])


def record(rows: dict, path=speed.SPEED_FILE) -> Path:
    """Merge measured rows into the table, dated, with this machine."""
    from zoo.training.outputs import library_versions, machine
    table = speed.load_table(path)
    versions = library_versions()
    table["machine"] = (f"{machine()} (tensorflow {versions.get('tensorflow', '?')}, keras "
                        f"{versions.get('keras', '?')})")
    today = datetime.date.today().isoformat()
    table["models"].update({name: {**row, "date": today} for name, row in rows.items()})
    table["models"] = dict(sorted(table["models"].items()))
    return files.write_json(Path(path), table)


def process_memory_mb(key: str = "VmHWM") -> float:
    """This process's memory from /proc/self/status, in MB: VmRSS (resident now) or VmHWM (its
    high-water mark)."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith(key + ":"))
    return int(line.split()[1]) / 1024  # kB


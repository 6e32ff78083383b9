"""The cost a search can weigh against its score (`objective="val_accuracy,params"`): the model's
parameter count, its multiply-accumulates per example (zoo.models.flops), or its measured
latency at batch 1 on this machine. Lower is better for each."""
from __future__ import annotations

import time

import numpy as np

COSTS = {"params": "parameters", "flops": "multiply-accumulates per example",
         "latency_ms": "milliseconds per example at batch 1 (median of 30 calls, this machine)"}
LATENCY_CALLS = 30


def measure(name: str, model) -> float:
    if name == "params":
        return float(model.count_params())
    if name == "flops":
        from zoo.models import flops
        return float(flops.count(model))
    if name == "latency_ms":
        return latency_ms(model)
    raise ValueError(f"unknown cost {name!r}; expected one of {', '.join(COSTS)}")


def latency_ms(model, calls: int = LATENCY_CALLS) -> float:
    """Median wall time of predict_on_batch on one example of zeros (after one warm-up call)."""
    example = [_zeros(tensor) for tensor in model.inputs]
    example = example[0] if len(example) == 1 else example
    model.predict_on_batch(example)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        model.predict_on_batch(example)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def _zeros(tensor):
    shape = [1] + [d if d is not None else 1 for d in tensor.shape[1:]]
    dtype = str(getattr(tensor, "dtype", "float32"))
    if "string" in dtype:
        return np.full(shape, "", dtype=object)
    return np.zeros(shape, dtype=dtype)

"""Memory across trials: what keras.backend.clear_session does not free, and what makes the
garbage collection between trials slow."""
from __future__ import annotations

import contextlib
import gc
import os


def rss_mb() -> float:
    """Resident memory of this process, in MiB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak instead
        import resource
        import sys
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


@contextlib.contextmanager
def released_custom_gradients():
    """TensorFlow registers a gradient function in its global gradient registry each time a
    tf.custom_gradient (Keras layers use them) is traced into a graph, and never removes it
    (tensorflow/python/ops/custom_gradient.py, _graph_mode_decorator). Each one holds its traced
    graph: about 5 MiB per trained model here, which clear_session does not free. The entries a
    trial adds are dropped when it ends: its graphs are already built, and the next trial traces
    its own."""
    try:
        from tensorflow.python.framework import ops
        registry = ops._gradient_registry._registry
    except (ImportError, AttributeError):  # another TensorFlow layout: nothing to release
        yield
        return
    before = set(registry)
    try:
        yield
    finally:
        for name in [n for n in registry if n not in before]:
            if name.startswith("CustomGradient-"):
                del registry[name]


@contextlib.contextmanager
def frozen_heap():
    """Before every trial keras-tuner and keras.backend.clear_session collect garbage; with the
    million long-lived objects of TensorFlow and Keras, each full collection takes up to a second
    here. Frozen (they are never garbage), they are left out: a collection then scans only what
    the trials made, and takes milliseconds."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

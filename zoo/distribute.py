"""MultiWorkerMirroredStrategy support for the runner: which worker is the chief, and a narrow
workaround that lets Keras 3's `model.fit` train under that strategy.

keras-team/keras#20585 ("Does Keras 3 work with tf.distribute.MultiWorkerMirroredStrategy?",
open for Keras 3.7 to 3.15 at least): with the TensorFlow backend, `fit` fails as soon as the
cluster has more than one worker, in two places of keras/src/backend/tensorflow/trainer.py
(line numbers of Keras 3.15.1):

1. `TensorFlowTrainer._maybe_symbolic_build` (line 713) takes the first batch of the distributed
   dataset, a nest (x, y) of PerReplica values, and averages it across replicas with
   `strategy.reduce("MEAN", batch, axis=None)`, only to read its shapes and dtypes. TensorFlow's
   `Strategy.reduce` takes one DistributedValues, not a nest: MirroredStrategy happens to map over
   nests, but CollectiveAllReduceStrategy (what MultiWorkerMirroredStrategy is) with several
   workers passes the tuple to `convert_to_tensor`: "ValueError: Attempt to convert a value
   (PerReplica:{...}) with an unsupported type". The fix: take this worker's own replica of each
   value, as the shapes are all the build needs (no cross-worker traffic either).

2. `reduce_per_replica` (line 778), which fit/evaluate apply to every train/test step's outputs
   (the metric results, scalars) with reduction "auto", i.e. "mean": in multi-worker mode it calls
   `strategy.reduce("MEAN", v, axis=0)`, which on a scalar fails with "Invalid reduction dimension
   0 for input with 0 dimensions". Keras's own single-worker path averages across replicas only
   (`tf.reduce_mean(local_results, axis=0)` over the list of replicas); the multi-worker
   equivalent is `strategy.reduce("MEAN", v, axis=None)`, which is what the fix does.

Both are applied only where Keras itself takes its multi-worker branch
(`_collective_all_reduce_multi_worker(strategy)`): any other strategy goes to Keras's code
unchanged. They are installed only by a run with distribute="multiworker", only with the
TensorFlow backend, and only for the Keras versions checked (KERAS_VERSIONS_FIXED_HERE): a newer
Keras gets no patch, so that a Keras that has fixed the bug is never changed.
"""
from __future__ import annotations

import functools

# Keras versions, [first, last] by (major, minor), on which fit() was seen to fail as above and
# this workaround was checked: 3.15 (3.15.1), the version pyproject.toml pins. The issue reports
# the failure from Keras 3.7 (and tensorflow/tensorflow#72388 from TF 2.16, the first with Keras
# 3). Widen the range only after running, on that Keras, the test
# tests/runner/test_runner.py::test_multiworker_with_two_processes_on_loopback both without the
# workaround (it must still fail: the bug is there) and with it (it must pass).
KERAS_VERSIONS_FIXED_HERE = ((3, 15), (3, 15))
ISSUE = "keras-team/keras#20585"

_installed = False


def checked_versions() -> str:
    """KERAS_VERSIONS_FIXED_HERE in words, e.g. "3.15"."""
    first, last = (f"{major}.{minor}" for major, minor in KERAS_VERSIONS_FIXED_HERE)
    return first if first == last else f"{first} to {last}"


def keras_version() -> tuple[int, int]:
    import keras
    major, minor = keras.__version__.split(".")[:2]
    return int(major), int("".join(c for c in minor if c.isdigit()) or 0)


def workaround_applies() -> bool:
    """True where this Keras needs the workaround and has the functions it corrects."""
    import keras
    if keras.backend.backend() != "tensorflow":
        return False
    first, last = KERAS_VERSIONS_FIXED_HERE
    if not first <= keras_version() <= last:
        return False
    try:
        from keras.src.backend.tensorflow import trainer
    except ImportError:
        return False
    return all(hasattr(trainer, name) for name in
               ("reduce_per_replica", "_collective_all_reduce_multi_worker")) and hasattr(
        trainer.TensorFlowTrainer, "_maybe_symbolic_build")


def install_multi_worker_fit_workaround() -> bool:
    """Correct the two reductions of Keras 3's TensorFlow trainer that fail with several workers
    (see the module docstring). Idempotent; returns whether the workaround is in place."""
    global _installed
    if _installed:
        return True
    if not workaround_applies():
        return False
    from keras.src.backend.tensorflow import trainer
    trainer.TensorFlowTrainer._maybe_symbolic_build = _local_batch_symbolic_build(
        trainer.TensorFlowTrainer._maybe_symbolic_build, trainer._collective_all_reduce_multi_worker)
    # fit/evaluate/predict look `reduce_per_replica` up in the module when they trace their step
    # functions, so replacing the module attribute reaches them.
    trainer.reduce_per_replica = _cross_replica_mean(
        trainer.reduce_per_replica, trainer._collective_all_reduce_multi_worker)
    _installed = True
    return True


def _local_batch_symbolic_build(original, multi_worker):
    """TensorFlowTrainer._maybe_symbolic_build, building from this worker's own replica of the
    first batch instead of a cross-replica mean of it (fault 1 of the module docstring)."""
    import tensorflow as tf

    @functools.wraps(original)
    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        strategy = getattr(self, "_distribute_strategy", None)
        if iterator is None or strategy is None or not multi_worker(strategy):
            return original(self, iterator=iterator, data_batch=data_batch)
        for _, _, batches in iterator:  # the first batch, as Keras takes it (fit resets after)
            batch = next(batches)
            break
        else:
            return original(self, iterator=iterator, data_batch=data_batch)
        local = tf.nest.map_structure(
            lambda v: strategy.experimental_local_results(v)[0]
            if isinstance(v, tf.distribute.DistributedValues) else v, batch)
        return original(self, data_batch=local)

    return _maybe_symbolic_build


def _cross_replica_mean(original, multi_worker):
    """keras reduce_per_replica, averaging across replicas with axis=None (not axis=0, which
    fails on the scalar metric results) under several workers (fault 2 of the module docstring)."""
    import keras

    @functools.wraps(original)
    def reduce_per_replica(values, strategy, reduction):
        if reduction in ("auto", "mean") and multi_worker(strategy):
            return keras.tree.map_structure(
                lambda v: strategy.reduce("MEAN", v, axis=None), values)
        return original(values, strategy, reduction)

    return reduce_per_replica


def is_chief(strategy) -> bool:
    """Whether this process is the cluster's chief: the "chief" task, or worker 0 of a cluster
    without one (TensorFlow's convention), or the only process of a run that is not multi-worker.
    Only the chief writes a run's outputs; the other workers compute the same things in step."""
    resolver = getattr(strategy, "cluster_resolver", None)
    task_type = getattr(resolver, "task_type", None)
    if resolver is None or task_type is None:
        return True
    if task_type == "chief":
        return True
    cluster = resolver.cluster_spec().as_dict()
    return task_type == "worker" and resolver.task_id == 0 and "chief" not in cluster


def resume_epochs_agree(strategy, epoch: int) -> bool:
    """Whether every worker would resume from the same epoch. Each worker restores its own
    checkpoint (Keras 3 has no cross-worker backup), so a kill that falls between two workers'
    end-of-epoch checkpoints leaves them an epoch apart, and fit's collectives then fail with a
    traceback (seen here: both workers exit 1) or wait on each other. Every worker must call
    this at the same point: it is itself a collective, and all get the same answer (the variance
    of the epochs across replicas is zero or not)."""
    import tensorflow as tf
    value = float(epoch)
    per_replica = strategy.run(lambda: tf.constant([value, value * value, 1.0], tf.float64))
    total, squares, count = strategy.reduce("SUM", per_replica, axis=None).numpy()
    return squares / count - (total / count) ** 2 < 1e-9


def unsupported_error(error):
    """The RunError for a model.fit that failed under MultiWorkerMirroredStrategy on a Keras that
    the workaround does not cover: Keras 3's fit() reduces per-replica values in ways that
    strategy rejects (keras-team/keras#20585)."""
    import keras
    from zoo.errors import RunError
    return RunError(
        f"model.fit failed under MultiWorkerMirroredStrategy with Keras {keras.__version__}, "
        f"which the zoo's workaround for {ISSUE} does not cover (checked on Keras "
        f"{checked_versions()}): {str(error).splitlines()[0][:200]}. Use --distribute mirrored "
        "on one machine.")

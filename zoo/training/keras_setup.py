"""Keras set up for a run: seed, precision policy, logical CPU devices and the distribution
strategy (with which worker of a multi-worker run is the chief)."""
from __future__ import annotations

import dataclasses
import os

from zoo import distribute
from zoo.errors import InvalidArgumentError, RunError
from zoo.training import data_parallel

# tf.distribute.MultiWorkerMirroredStrategy's class is named CollectiveAllReduceStrategy.
STRATEGY_NAMES = {"mirrored": "MirroredStrategy", "multiworker": "MultiWorkerMirroredStrategy",
                  "data": "keras.distribution.DataParallel"}


@dataclasses.dataclass
class KerasSetup:
    strategy: object
    is_chief: bool = True
    multi_worker_workaround: bool = False  # zoo.distribute's fix of keras-team/keras#20585
    previous_policy: object = None          # the global precision policy before the run
    notes: list = dataclasses.field(default_factory=list)  # what the run does other than asked


def tear_down(setup: KerasSetup):
    """Put back what set_up changed for the process, not just the run: the global precision
    policy (a mixed-precision run must not leave the next model built here in bfloat16)."""
    if setup.previous_policy is not None:
        import keras
        keras.mixed_precision.set_global_policy(setup.previous_policy)


def set_up(config) -> KerasSetup:
    """Seed every generator, set the precision policy and make the strategy of `config`."""
    keras = import_keras()
    jax = keras.backend.backend() == "jax"
    if config.cpu_devices:
        (data_parallel.split_cpu if jax else _split_cpu)(config.cpu_devices)
    if config.distribute == "data":  # before any array exists: processes join first
        setup = KerasSetup(*data_parallel.set_up(config))
    else:
        setup = KerasSetup(strategy=data_parallel.Replicas() if jax else
                           _strategy(config.distribute))
    keras.utils.set_random_seed(config.seed)
    setup.previous_policy = keras.mixed_precision.global_policy()
    if config.mixed_precision:
        policy = precision_policy(_has_gpu(keras))
        if policy is None:
            setup.notes.append(NO_BFLOAT16)
        else:
            keras.mixed_precision.set_global_policy(policy)
    if config.distribute == "multiworker":
        setup.multi_worker_workaround = distribute.install_multi_worker_fit_workaround()
        setup.is_chief = distribute.is_chief(setup.strategy)
    if config.distribute != "none":
        print(f"Training with {STRATEGY_NAMES[config.distribute]} over "
              f"{setup.strategy.num_replicas_in_sync} "
              + ("devices" if config.distribute == "data" else "replicas")
              + ("" if setup.is_chief else "; this worker is not the chief, which writes the "
                 "outputs") + ".")
    return setup


NO_BFLOAT16 = ("mixed precision off, trained in float32: this CPU has no bfloat16 instructions "
               "(AVX512-BF16, AMX or Arm BF16), and emulated bfloat16 trained resnet9 9 times "
               "slower than float32 on an AVX2 CPU")


def precision_policy(gpu: bool) -> str | None:
    """The mixed-precision policy for this machine: float16 on a GPU, bfloat16 on a CPU that
    computes in it (or whose flags cannot be read), None (stay in float32) on a CPU that would
    emulate it (zoo.cpu)."""
    if gpu:
        return "mixed_float16"
    from zoo import cpu
    return None if cpu.native_bfloat16() is False else "mixed_bfloat16"


def import_keras():
    """keras, or one clear line when its backend (KERAS_BACKEND) cannot start."""
    try:
        import keras
    except (ImportError, ValueError) as error:  # Keras raises ValueError for an unknown name
        backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        raise RunError(f"Keras cannot start its {backend!r} backend ({error}). Install it, or "
                       "pick an installed one: KERAS_BACKEND=tensorflow or jax.") from None
    return keras


def _has_gpu(keras) -> bool:
    if keras.backend.backend() == "jax":
        import jax
        return jax.default_backend() == "gpu"
    import tensorflow as tf
    return bool(tf.config.list_physical_devices("GPU"))


def _split_cpu(n: int):
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n)
    except RuntimeError:
        raise RunError("--cpu-devices must be set before TensorFlow starts: run it in a fresh "
                       "process.") from None


def check_tf_config(text: str | None = None):
    """TF_CONFIG as TensorFlow reads it: a JSON object with "cluster" and "task" (checked with
    the configuration, before any folder is made)."""
    import json
    text = os.environ.get("TF_CONFIG") if text is None else text
    if text is None:
        raise InvalidArgumentError(
            "distribute='multiworker' needs the TF_CONFIG environment variable describing the "
            "cluster and this worker's task (see tf.distribute.MultiWorkerMirroredStrategy).")
    try:
        config = json.loads(text)
    except ValueError as error:
        raise InvalidArgumentError(f"TF_CONFIG is not JSON ({error}): it must be an object such "
                                   'as {"cluster": {"worker": ["host1:port", "host2:port"]}, '
                                   '"task": {"type": "worker", "index": 0}}.') from None
    if not isinstance(config, dict) or not {"cluster", "task"} <= set(config):
        raise InvalidArgumentError('TF_CONFIG must be a JSON object with "cluster" and "task" '
                                   '(see tf.distribute.MultiWorkerMirroredStrategy).')


def _strategy(kind: str):
    import tensorflow as tf
    if kind == "mirrored":
        return tf.distribute.MirroredStrategy()
    if kind == "multiworker":
        check_tf_config()
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


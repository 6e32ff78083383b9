"""distribute="data": data-parallel training with keras.distribution on the JAX backend, the
multi-host path that Keras 3's maintainers support (keras-team/keras#20585).

Every local device holds a replica of the variables and takes an equal slice of each global
batch; with a coordinator (keras.distribution.initialize: options, or Keras' own environment
variables KERAS_DISTRIBUTION_JOB_ADDRESSES, _NUM_PROCESSES and _PROCESS_ID), several processes
join one device mesh and Keras gives each process its share of every batch. Process 0 is the
chief and writes the run's outputs; the others keep only what they need to resume.

JAX shards a batch only when its size divides by the device count, the last partial batch
included: the training split drops its partial batch and the validation split pads it with
weight-zero examples (zoo.data.even_batches). The test evaluation and the analyses run after
training on an undistributed copy of the trained model, in every process, on the splits as
loaded, so their figures are exact.
"""
from __future__ import annotations

import contextlib
import os

from zoo.errors import InvalidArgumentError, LostProcessError

ENVIRONMENT = ("KERAS_DISTRIBUTION_JOB_ADDRESSES", "KERAS_DISTRIBUTION_NUM_PROCESSES",
               "KERAS_DISTRIBUTION_PROCESS_ID")


class Replicas:
    """What the trainer asks of a strategy (`scope()`, `num_replicas_in_sync`) for runs that
    keras.distribution spreads, or that run on one device: no tf.distribute involved."""

    def __init__(self, count: int = 1):
        self.num_replicas_in_sync = count

    def scope(self):
        return contextlib.nullcontext()


def multi_process(config) -> tuple[str, int, int] | None:
    """(coordinator, process count, this process's id) from the config, else from Keras'
    environment variables; None for one process."""
    if config.coordinator is not None:
        return config.coordinator, config.num_processes, config.process_id
    values = [os.environ.get(name) for name in ENVIRONMENT]
    if not any(values):
        return None
    try:
        address, count, index = values[0].split(",")[0], int(values[1]), int(values[2])
    except (AttributeError, TypeError, ValueError):
        raise InvalidArgumentError(
            "A multi-process run reads " + ", ".join(ENVIRONMENT) + " together (process 0's "
            "HOST:PORT, the process count, this process's id); got " + ", ".join(
                f"{name}={value!r}" for name, value in zip(ENVIRONMENT, values)) + ".") from None
    if not 0 <= index < count:
        raise InvalidArgumentError(f"KERAS_DISTRIBUTION_PROCESS_ID must be from 0 to "
                                   f"{count - 1}, got {index}.")
    return address, count, index


def set_up(config):
    """Join the processes (if several), spread every batch over all devices; returns
    (Replicas, whether this process is the chief)."""
    import keras
    processes = multi_process(config)
    if processes is not None:
        address, count, index = processes
        keras.distribution.initialize(job_addresses=address, num_processes=count,
                                      process_id=index)
    devices = keras.distribution.list_devices()
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
    chief = processes is None or processes[2] == 0
    return Replicas(len(devices)), chief


def split_cpu(count: int):
    """--cpu-devices under JAX: the host platform split into `count` devices (before JAX starts
    its backend: XLA reads the count once)."""
    import jax
    try:
        jax.config.update("jax_num_cpu_devices", count)
    except RuntimeError:
        from zoo.errors import RunError
        raise RunError("--cpu-devices must be set before JAX starts its backend: run it in a "
                       "fresh process.") from None


@contextlib.contextmanager
def quiet_sharding(sharded: bool):
    """Without Keras' "Your input ran out of data" warning when `sharded`: a dataset Keras shards over
    processes (rebatch, shard) has no known length, so Keras counts the first epoch's steps and
    warns when it ends, as every epoch of a finite dataset does."""
    import warnings
    with warnings.catch_warnings():
        if sharded:
            warnings.filterwarnings("ignore", message="Your input ran out of data")
        yield


def active() -> bool:
    import keras
    return keras.distribution.distribution() is not None


def undistributed(model, compile_model):
    """A copy of `model` on one device with its trained weights, compiled by `compile_model`:
    the distribution is switched off first, so that what follows runs batches of any size."""
    import keras
    weights = model.get_weights()  # replicated: every process holds the whole of each
    keras.distribution.set_distribution(None)
    copy = keras.models.clone_model(model)
    copy.set_weights(weights)
    compile_model(copy)
    return copy


def agreed_start(checkpoint, folder, epochs: int, initial_epoch: int, phase: str) -> int:
    """The epoch every process of a multi-process run resumes `phase` from: a kill can leave
    them an epoch apart (each writes its own checkpoints, kept 2 deep), and all take the older
    (zoo.training.checkpoint.RunCheckpoint.rewind). A collective."""
    from zoo.errors import RunError
    from zoo.training.callbacks import trim_history
    from zoo.training.checkpoint import CheckpointError
    epoch = checkpoint.restored.epoch if checkpoint.restored else 0
    agreed = agreed_epoch(epoch)
    if agreed != epoch:
        try:
            checkpoint.rewind(agreed)
        except CheckpointError as error:
            raise RunError(
                f"The processes of this run would resume {phase} from different epochs "
                f"({agreed} and {epoch}) and this one has no checkpoint of epoch {agreed} "
                f"({error}). Delete the backup/ folder in every process's run folder and run "
                "the same commands again: training starts over.") from None
        trim_history(folder.out / "history.csv", folder.path / "backup")
        print(f"Resuming from epoch {agreed}, where every process of the run has a checkpoint.")
    return checkpoint.resume_epoch(epochs, initial_epoch)


def agreed_epoch(epoch: int) -> int:
    """The oldest of the processes' resume epochs (each restores its own checkpoint). A
    collective: every process calls it at the same point."""
    import numpy as np
    from jax.experimental import multihost_utils
    epochs = multihost_utils.process_allgather(np.array([epoch], np.int64))
    return int(np.min(epochs))


def lost_peer(error) -> bool:
    """Whether `error` is a collective that failed because another process is gone (JAX's CPU
    collectives, Gloo, say "Connection closed by peer"; the coordination service, "heartbeat")."""
    text = str(error)
    return any(sign in text for sign in ("Gloo", "Connection closed by peer",
                                         "Connection reset by peer", "heartbeat"))


def lost_process_error(error, config) -> LostProcessError:
    count = multi_process(config)[1]
    return LostProcessError(
        f"Another process of this {count}-process run stopped ({str(error).splitlines()[0][:160]})"
        f": this one stops too. Start all {count} processes again with the same commands: each "
        "resumes from its last checkpoint.")

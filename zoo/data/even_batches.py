"""Batches of one size for data-parallel training, where every batch is split evenly over the
devices (JAX shards a batch only when its size divides by the device count, and Keras hands each
process of a multi-process run an equal share of every batch).

tf.data's `rebatch` and `batch(drop_remainder=True)` would re-slice every batch; here only the
last, partial one changes: the training split drops it (its examples come back in other epochs'
shuffles) and the validation split pads it to full size with copies of its first example that
weigh zero, so that accuracy-like metrics are exact. The mean validation loss is then taken over
the padded count (Keras' loss tracker weighs a batch by its size): too low by the factor
examples / (examples + padding), the same at every epoch, so early stopping is unaffected.
"""
from __future__ import annotations

import dataclasses

from zoo.errors import InvalidArgumentError


def for_devices(splits, batch_size: int, devices: int):
    """`splits` with every training and validation batch `batch_size` long (the test split is
    left as it is: it is evaluated on one device). `batch_size` must divide by `devices`."""
    import tensorflow as tf
    if not isinstance(splits.train, tf.data.Dataset):
        raise InvalidArgumentError(
            f"Data-parallel training takes the zoo's tf.data splits (zoo.data.load); received "
            f"{type(splits.train).__name__} batches. Train arrays (zoo.data.from_arrays) on one "
            "device, or load the data with zoo.data.load.")
    if batch_size % devices:
        raise InvalidArgumentError(
            f"batch_size={batch_size} does not divide over {devices} devices: data-parallel "
            f"training splits each batch evenly; use a multiple of {devices}, e.g. "
            f"{max(devices, batch_size // devices * devices)}.")
    full_batches = splits.sizes["train"] // batch_size
    if full_batches == 0:
        raise InvalidArgumentError(
            f"The training split has {splits.sizes['train']} examples, fewer than one batch of "
            f"{batch_size}: data-parallel training drops partial batches. Use a smaller "
            "batch size.")
    train = splits.train.filter(lambda x, y: tf.shape(y)[0] == batch_size).map(
        lambda x, y: _sized((x, y), batch_size)).apply(
        tf.data.experimental.assert_cardinality(full_batches))
    validation = splits.validation
    if validation is not None:
        validation = validation.map(lambda x, y: _padded(x, y, batch_size))
    return dataclasses.replace(splits, train=train, validation=validation)


def _padded(x, y, batch_size):
    """(x, y, weights) of one batch, padded to batch_size with weight-zero copies of its first
    example (a copy has the right dtype and shape for images, series and strings alike)."""
    import tensorflow as tf
    count = tf.shape(y)[0]
    missing = batch_size - count
    pad = lambda t: tf.concat([t, tf.repeat(t[:1], missing, axis=0)], axis=0)  # noqa: E731
    weights = tf.concat([tf.ones([count]), tf.zeros([missing])], axis=0)
    return _sized((tf.nest.map_structure(pad, x), pad(y), weights), batch_size)


def _sized(batch, batch_size):
    """The batch with its size known statically: Keras reads it to split batches over processes
    (tf.data's compute_batch_size)."""
    import tensorflow as tf
    return tf.nest.map_structure(
        lambda t: tf.ensure_shape(t, [batch_size] + t.shape[1:].as_list()), batch)

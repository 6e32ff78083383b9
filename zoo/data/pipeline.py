"""The input pipeline of one split: examples in memory -> (shuffle) -> batch -> scale and cast ->
(augment) -> prefetch.

The examples reach this point decoded, as numpy arrays (uint8 images, float32 series, int32 token
ids), so there is nothing left to cache per epoch: `Dataset.cache()` would only copy them. The
expensive work (unpacking, decoding) is cached on disk instead, in ZOO_CACHE_DIR. Scaling runs per
batch, which is several times faster than per example and keeps the images uint8 in memory.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from zoo.errors import InvalidArgumentError

AUTOTUNE = tf.data.AUTOTUNE


def make_dataset(x: np.ndarray, y: np.ndarray, *, batch_size: int, domain: str,
                 image_size=None, shuffle: bool = False, shuffle_buffer: int | None = None,
                 seed: int = 0, augmentation=()) -> tf.data.Dataset:
    """A batched, prefetched dataset of (inputs, labels); shuffled, and augmented by the
    `augmentation` layers, when asked."""
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(shuffle_buffer or len(y), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    ds = ds.map(_preparation(domain, image_size), num_parallel_calls=AUTOTUNE)
    if augmentation:
        ds = _augmented(ds, augmentation)
    return ds.prefetch(AUTOTUNE)


def _augmented(ds, layers):
    def augment(inputs, labels):
        # Layer by layer, not through a keras.Sequential: Keras' preprocessing layers switch to
        # TensorFlow ops inside tf.data whatever the backend, a Sequential does not.
        for layer in layers:
            inputs = layer(inputs, training=True)
        return inputs, labels

    try:
        # One batch at a time: parallel calls would draw from the layers' random state in a
        # different order on each run, and the same seed would no longer give the same batches.
        return ds.map(augment)
    except (NotImplementedError, TypeError, ValueError) as err:
        raise InvalidArgumentError(
            f"These augmentation layers cannot run in the tf.data pipeline with the "
            f"{keras.backend.backend()} backend ({type(err).__name__}): put "
            "zoo.data.augmentation(...) inside the model instead, or use the TensorFlow "
            "backend.") from None


def _preparation(domain: str, image_size):
    def prepare(inputs, labels):
        if domain == "image":
            inputs = tf.cast(inputs, tf.float32) / 255.0
            if image_size is not None and tuple(inputs.shape[1:3]) != tuple(image_size):
                inputs = tf.image.resize(inputs, image_size)
        elif domain in ("series", "points"):
            inputs = tf.cast(inputs, tf.float32)
        else:
            inputs = tf.cast(inputs, tf.int32)
        return inputs, tf.cast(labels, tf.int32)

    return prepare

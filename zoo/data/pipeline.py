"""The input pipeline of one split: examples in memory -> (shuffle) -> batch -> scale and cast ->
(augment) -> prefetch.

The examples reach this point decoded, as numpy arrays (uint8 images, float32 series, int32 token
ids), so there is nothing left to cache per epoch: `Dataset.cache()` would only copy them. The
expensive work (unpacking, decoding) is cached on disk instead, in ZOO_CACHE_DIR. Scaling runs per
batch, which is several times faster than per example and keeps the images uint8 in memory.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

AUTOTUNE = tf.data.AUTOTUNE


def make_dataset(x: np.ndarray, y: np.ndarray, *, batch_size: int, domain: str,
                 image_size=None, shuffle: bool = False, shuffle_buffer: int | None = None,
                 seed: int = 0, augmentation=None) -> tf.data.Dataset:
    """A batched, prefetched dataset of (inputs, labels); shuffled and augmented when asked."""
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(shuffle_buffer or len(y), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    ds = ds.map(_preparation(domain, image_size), num_parallel_calls=AUTOTUNE)
    if augmentation is not None:
        # One batch at a time: parallel calls would draw from the layers' random state in a
        # different order on each run, and the same seed would no longer give the same batches.
        ds = ds.map(lambda inputs, labels: (augmentation(inputs, training=True), labels))
    return ds.prefetch(AUTOTUNE)


def _preparation(domain: str, image_size):
    def prepare(inputs, labels):
        if domain == "image":
            inputs = tf.cast(inputs, tf.float32) / 255.0
            if image_size is not None and tuple(inputs.shape[1:3]) != tuple(image_size):
                inputs = tf.image.resize(inputs, image_size)
        elif domain == "series":
            inputs = tf.cast(inputs, tf.float32)
        else:
            inputs = tf.cast(inputs, tf.int32)
        return inputs, tf.cast(labels, tf.int32)

    return prepare

"""Augmentation layers for series of shape (length, channels), which Keras lacks: amplitude scaling
and time shifting. Like Keras' GaussianNoise, they change their inputs only when training=True."""
from __future__ import annotations

import keras
from keras import ops


class _RandomSeriesLayer(keras.layers.Layer):
    """A seeded, shape-preserving random transformation of series, active only in training."""

    def __init__(self, factor: float = 0.1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}


@keras.saving.register_keras_serializable(package="zoo")
class RandomScaling(_RandomSeriesLayer):
    """Multiply each series by a random factor in [1 - factor, 1 + factor]."""

    def call(self, inputs, training=None):
        if not training:
            return inputs
        shape = (ops.shape(inputs)[0],) + (1,) * (len(inputs.shape) - 1)
        scale = keras.random.uniform(shape, 1.0 - self.factor, 1.0 + self.factor,
                                     dtype=inputs.dtype, seed=self.seed_generator)
        return inputs * scale


@keras.saving.register_keras_serializable(package="zoo")
class RandomTimeShift(_RandomSeriesLayer):
    """Roll each series in time by a random number of steps, up to `factor` times its length.

    Rolling (not padding) keeps every value: the series in this zoo are long stationary
    recordings, where the start point is arbitrary."""

    def call(self, inputs, training=None):
        length = inputs.shape[1]
        max_shift = int(self.factor * length)
        if not training or max_shift == 0:
            return inputs
        shifts = keras.random.randint((ops.shape(inputs)[0], 1), -max_shift, max_shift + 1,
                                      seed=self.seed_generator)
        index = ops.mod(ops.arange(length)[None, :] - shifts, length)
        index = ops.broadcast_to(ops.expand_dims(index, -1), ops.shape(inputs))
        return ops.take_along_axis(inputs, index, axis=1)

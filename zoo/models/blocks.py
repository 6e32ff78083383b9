"""Layer blocks shared by the builders: dense, 2D convolution and 1D convolution blocks."""
from __future__ import annotations

from zoo.models.heads import regularizer


def dense_block(x, units: int, *, dropout: float, batchnorm: bool, l2: float, name: str):
    """Dense -> (BatchNorm) -> ReLU -> (Dropout)."""
    import keras
    x = keras.layers.Dense(units, use_bias=not batchnorm, kernel_regularizer=regularizer(l2),
                           name=f"{name}_dense")(x)
    if batchnorm:
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    x = keras.layers.Activation("relu", name=f"{name}_relu")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def conv_block(x, filters: int, *, kernel_size=3, padding="same", batchnorm: bool, l2: float,
               name: str, strides=1, activation="relu", conv=None):
    """Conv -> (BatchNorm) -> activation. The bias is dropped when BatchNorm follows (it would
    be cancelled by the normalisation)."""
    import keras
    conv = conv or keras.layers.Conv2D
    x = conv(filters, kernel_size, strides=strides, padding=padding, use_bias=not batchnorm,
             kernel_regularizer=regularizer(l2), name=f"{name}_conv")(x)
    if batchnorm:
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    if activation:
        x = keras.layers.Activation(activation, name=f"{name}_{activation}")(x)
    return x


def conv1d_block(x, filters: int, *, kernel_size=3, batchnorm: bool, l2: float, name: str):
    import keras
    return conv_block(x, filters, kernel_size=kernel_size, batchnorm=batchnorm, l2=l2, name=name,
                      conv=keras.layers.Conv1D)

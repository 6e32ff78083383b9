"""Univariate time-series classifiers (FordA-sized input: 500 steps, 1 channel)."""
from __future__ import annotations

from zoo import validation
from zoo.models import blocks, heads
from zoo.registry import Reference, register


@register(family="series", task="multiclass", input_shape=(500, 1), num_outputs=2,
          dataset="forda", params=25_666, macs=12_512_128,
          description="Fully convolutional 1D net: 3 x (Conv1D 64, BatchNorm, ReLU), global "
                      "average pooling, softmax.",
          reference=Reference("accuracy", 0.9689, "keras.io",
                              "Timeseries classification from scratch (FCN), up to 500 epochs"))
def cnn1d_series(*, num_classes=2, input_shape=(500, 1), filters=(64, 64, 64), kernel_size=3,
                 batchnorm=True, dropout=0.0, l2=0.0, head="softmax"):
    import keras
    num_classes, head, dropout, l2, batchnorm = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2, batchnorm=batchnorm)
    filters = validation.positive_ints("filters", filters)
    inputs = keras.Input(shape=validation.shape("input_shape", input_shape, rank=2), name="series")
    x = inputs
    for i, n in enumerate(filters, start=1):
        x = blocks.conv1d_block(x, n, kernel_size=validation.positive_int("kernel_size", kernel_size),
                                batchnorm=batchnorm, l2=l2, name=f"block{i}")
    x = keras.layers.GlobalAveragePooling1D(name="features")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name="cnn1d_series")


@register(family="series", task="multiclass", input_shape=(500, 1), num_outputs=2,
          dataset="forda", params=17_026, macs=8_416_128,
          description="Recurrent alternative for series: LSTM 64 over the steps, softmax.",
          reference=Reference("accuracy", None, "none", "measured by its recipe"))
def lstm_series(*, num_classes=2, input_shape=(500, 1), units=64, bidirectional=False,
                dropout=0.0, l2=0.0, head="softmax"):
    import keras
    num_classes, head, dropout, l2, _ = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2)
    inputs = keras.Input(shape=validation.shape("input_shape", input_shape, rank=2), name="series")
    rnn = keras.layers.LSTM(validation.positive_int("units", units),
                            kernel_regularizer=heads.regularizer(l2), name="lstm")
    x = keras.layers.Bidirectional(rnn, name="bi_lstm")(inputs) if validation.boolean(
        "bidirectional", bidirectional) else rnn(inputs)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name="lstm_series")


def _residual_block_1d(x, filters: int, kernel_sizes, *, l2: float, name: str):
    """Wang et al. (2017): Conv 8 / 5 / 3 with BatchNorm (ReLU between), a shortcut that is a 1x1
    convolution when the width changes, BatchNorm on both, their sum through ReLU."""
    import keras
    y = x
    for i, size in enumerate(kernel_sizes):
        last = i == len(kernel_sizes) - 1
        y = blocks.conv_block(y, filters, kernel_size=size, batchnorm=True, l2=l2,
                              name=f"{name}_conv{i + 1}", conv=keras.layers.Conv1D,
                              activation=None if last else "relu")
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = keras.layers.Conv1D(filters, 1, padding="same", use_bias=False,
                                       kernel_regularizer=heads.regularizer(l2),
                                       name=f"{name}_proj")(x)
    shortcut = keras.layers.BatchNormalization(name=f"{name}_shortcut_bn")(shortcut)
    y = keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return keras.layers.Activation("relu", name=f"{name}_out")(y)


@register(family="series", task="multiclass", input_shape=(500, 1), num_outputs=2,
          dataset="forda", params=505_666, macs=251_008_256,
          description="1D ResNet of Wang et al. (2017): 3 residual blocks (64, 128, 128 filters; "
                      "kernels 8, 5, 3), global average pooling, softmax.",
          reference=Reference("accuracy", None, "none",
                              "published per UCR dataset: ../shared/data/ucr/MANIFEST.txt"))
def resnet1d(*, num_classes=2, input_shape=(500, 1), filters=(64, 128, 128),
             kernel_sizes=(8, 5, 3), dropout=0.0, l2=0.0, head="softmax"):
    import keras
    num_classes, head, dropout, l2, _ = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2)
    filters = validation.positive_ints("filters", filters)
    kernel_sizes = validation.positive_ints("kernel_sizes", kernel_sizes)
    inputs = keras.Input(shape=validation.shape("input_shape", input_shape, rank=2), name="series")
    x = inputs
    for i, n in enumerate(filters, start=1):
        x = _residual_block_1d(x, n, kernel_sizes, l2=l2, name=f"block{i}")
    x = keras.layers.GlobalAveragePooling1D(name="features")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name="resnet1d")

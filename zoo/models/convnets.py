"""Plain convolutional networks: conv blocks with max-pooling, then a dense head.

Every convnet names the end of its convolutional base "features", which is where the `transfer`
builder cuts it.
"""
from __future__ import annotations

from zoo import validation
from zoo.errors import InvalidArgumentError
from zoo.models import blocks, heads
from zoo.registry import Reference, register

POOLINGS = ("flatten", "avg")


def convnet(*, name, num_classes, input_shape, filters, convs_per_block=1, kernel_size=3,
            padding="same", dense_units=(), dropout=0.0, batchnorm=False, l2=0.0, head="softmax",
            pooling="flatten", activation="relu"):
    """[conv x convs_per_block -> max-pool] per entry of `filters` -> features -> dense -> head."""
    import keras
    num_classes, head, dropout, l2, batchnorm = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2, batchnorm=batchnorm)
    filters = validation.positive_ints("filters", filters)
    convs_per_block = validation.positive_int("convs_per_block", convs_per_block)
    kernel_size = validation.positive_int("kernel_size", kernel_size)
    dense_units = () if dense_units in ((), None, 0) else validation.positive_ints(
        "dense_units", dense_units)
    validation.choice("padding", padding, ("same", "valid"))
    validation.choice("pooling", pooling, POOLINGS)
    validation.choice("activation", activation, ("relu", "tanh", "elu", "gelu"))
    input_shape = validation.shape("input_shape", input_shape, rank=3)

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for b, n in enumerate(filters, start=1):
        for c in range(1, convs_per_block + 1):
            if padding == "valid":
                _require_map_size(x, kernel_size, input_shape, f"a {kernel_size}x{kernel_size} "
                                  f"valid convolution in block {b}")
            suffix = f"block{b}" if convs_per_block == 1 else f"block{b}_{c}"
            x = blocks.conv_block(x, n, kernel_size=kernel_size, padding=padding,
                                  batchnorm=batchnorm, l2=l2, name=suffix, activation=activation)
        _require_map_size(x, 2, input_shape, f"the 2x2 max-pooling of block {b}")
        x = keras.layers.MaxPooling2D(2, name=f"block{b}_pool")(x)
    if pooling == "avg":
        x = keras.layers.GlobalAveragePooling2D(name="features")(x)
    else:
        x = keras.layers.Flatten(name="features")(x)
    for i, n in enumerate(dense_units, start=1):
        x = blocks.dense_block(x, n, dropout=dropout, batchnorm=False, l2=l2, name=f"fc{i}")
    if dropout and not dense_units:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name=name)


def _require_map_size(x, size, input_shape, what):
    if x.shape[1] < size or x.shape[2] < size:
        raise InvalidArgumentError(
            f"input_shape={input_shape} is too small: {what} gets a {x.shape[1]}x{x.shape[2]} map.")


@register(family="convnet", task="multiclass", input_shape=(28, 28, 1), num_outputs=10,
          dataset="mnist", params=431_242, macs=2_865_152,
          description="Conv 32, max-pool, conv 64, max-pool, dense 256, dropout 0.5, softmax.",
          reference=Reference("accuracy", 0.9922, "keras.io", "Simple MNIST convnet, 15 epochs"))
def cnn_mnist(*, num_classes=10, input_shape=(28, 28, 1), filters=(32, 64), dense_units=256,
              dropout=0.5, batchnorm=False, l2=0.0, head="softmax"):
    # No BatchNorm by default: Keras 3 has no fused BatchNorm kernel, and on a CPU it made each
    # epoch about 1.5x slower for no accuracy (6 epochs: 0.9929 without, 0.9928 with in 8).
    return convnet(name="cnn_mnist", num_classes=num_classes, input_shape=input_shape,
                   filters=filters, dense_units=dense_units, dropout=dropout, batchnorm=batchnorm,
                   l2=l2, head=head, padding="valid")


@register(family="convnet", task="multiclass", input_shape=(28, 28, 1), num_outputs=10,
          dataset="mnist", params=33_094, macs=498_760,
          description="LeNet-style: n1 and n2 5x5 filters, valid padding, 2x2 max-pooling, dense 84.",
          reference=Reference("accuracy", 0.9918, "lecture material", "LeNet's 82 test errors"))
def lenet(*, num_classes=10, input_shape=(28, 28, 1), n1=10, n2=20, kernel_size=5,
          dense_units=84, activation="relu", dropout=0.0, batchnorm=False, l2=0.0, head="softmax"):
    return convnet(name="lenet", num_classes=num_classes, input_shape=input_shape,
                   filters=(n1, n2), kernel_size=kernel_size, padding="valid",
                   dense_units=dense_units, activation=activation, dropout=dropout,
                   batchnorm=batchnorm, l2=l2, head=head)


@register(family="convnet", task="multiclass", input_shape=(28, 28, 1), num_outputs=10,
          dataset="fashion_mnist", params=104_346, macs=697_472,
          description="Two conv layers of 16 3x3 filters (BatchNorm, max-pool), dense 128, softmax.",
          reference=Reference("accuracy", 0.91, "lecture material",
                              "Adam, 10 epochs, mini-batch 128"))
def cnn_fashion(*, num_classes=10, input_shape=(28, 28, 1), filters=16, dense_units=128,
                dropout=0.3, batchnorm=True, l2=0.0, head="softmax"):
    filters = validation.positive_int("filters", filters)
    return convnet(name="cnn_fashion", num_classes=num_classes, input_shape=input_shape,
                   filters=(filters, filters), dense_units=dense_units, dropout=dropout,
                   batchnorm=batchnorm, l2=l2, head=head)


@register(family="convnet", task="multiclass", input_shape=(32, 32, 3), num_outputs=10,
          dataset="cifar10", params=551_914, macs=39_068_928,
          description="Small VGG-style convnet: 3 blocks of two 3x3 convs (32, 64, 128), BatchNorm.",
          reference=Reference("accuracy", None, "none", "measured by its recipe (goal >= 0.80)"))
def cnn_cifar10(*, num_classes=10, input_shape=(32, 32, 3), filters=(32, 64, 128),
                convs_per_block=2, dense_units=128, dropout=0.3, batchnorm=True, l2=0.0,
                head="softmax"):
    return convnet(name="cnn_cifar10", num_classes=num_classes, input_shape=input_shape,
                   filters=filters, convs_per_block=convs_per_block, dense_units=dense_units,
                   dropout=dropout, batchnorm=batchnorm, l2=l2, head=head)

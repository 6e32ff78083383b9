"""Linear and fully connected classifiers (the MNIST / Fashion-MNIST baselines)."""
from __future__ import annotations

from zoo import validation
from zoo.models import blocks, heads
from zoo.registry import Reference, register


def dense_net(*, name, num_classes, input_shape, units, dropout, batchnorm, l2, head):
    """Flatten -> [Dense -> (BN) -> ReLU -> (Dropout)] * len(units) -> head."""
    import keras
    num_classes, head, dropout, l2, batchnorm = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2, batchnorm=batchnorm)
    units = () if units == () else validation.positive_ints("units", units)
    inputs = keras.Input(shape=validation.shape("input_shape", input_shape), name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i, n in enumerate(units, start=1):
        x = blocks.dense_block(x, n, dropout=dropout, batchnorm=batchnorm, l2=l2, name=f"hidden{i}")
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name=name)


@register(family="linear", task="multiclass", input_shape=(28, 28, 1), num_outputs=10,
          dataset="mnist", params=7_850, macs=7_840,
          description="Softmax regression on the 784 pixels: the linear classifier baseline.",
          reference=Reference("accuracy", 0.92, "lecture material",
                              "a linear classifier reaches about 92% on MNIST"))
def linear_mnist(*, num_classes=10, input_shape=(28, 28, 1), l2=0.0, head="softmax"):
    return dense_net(name="linear_mnist", num_classes=num_classes, input_shape=input_shape,
                     units=(), dropout=0.0, batchnorm=False, l2=l2, head=head)


@register(family="dense", task="multiclass", input_shape=(28, 28, 1), num_outputs=10,
          dataset="mnist", params=407_050, macs=406_528,
          description="784 inputs, Dense 512 ReLU, Dense 10 softmax.",
          reference=Reference("accuracy", 0.98, "lecture material",
                              "a 784-512-10 net reaches about 98% on MNIST"))
def dense_mnist(*, num_classes=10, input_shape=(28, 28, 1), units=(512,), dropout=0.2,
                batchnorm=False, l2=0.0, head="softmax"):
    return dense_net(name="dense_mnist", num_classes=num_classes, input_shape=input_shape,
                     units=units, dropout=dropout, batchnorm=batchnorm, l2=l2, head=head)


@register(family="dense", task="multiclass", input_shape=(28, 28, 1), num_outputs=10,
          dataset="fashion_mnist", params=101_770, macs=101_632,
          description="The fully connected Fashion-MNIST baseline: Dense 128 ReLU, Dense 10 softmax.",
          reference=Reference("accuracy", 0.87, "lecture material",
                              "fully connected net 0.87 against 0.91 for the CNN"))
def dense_fashion(*, num_classes=10, input_shape=(28, 28, 1), units=(128,), dropout=0.0,
                  batchnorm=False, l2=0.0, head="softmax"):
    return dense_net(name="dense_fashion", num_classes=num_classes, input_shape=input_shape,
                     units=units, dropout=dropout, batchnorm=batchnorm, l2=l2, head=head)

"""A small residual network for 32x32 images (ResNet-v1 style, as in He et al. for CIFAR-10)."""
from __future__ import annotations

from zoo import validation
from zoo.models import blocks, heads
from zoo.registry import Reference, register


def residual_block(x, filters: int, *, strides: int, batchnorm: bool, l2: float, name: str):
    """Two 3x3 convs with a skip connection; a 1x1 projection when the shape changes."""
    import keras
    shortcut = x
    y = blocks.conv_block(x, filters, strides=strides, batchnorm=batchnorm, l2=l2, name=f"{name}_a")
    y = blocks.conv_block(y, filters, batchnorm=batchnorm, l2=l2, name=f"{name}_b", activation=None)
    if strides != 1 or x.shape[-1] != filters:
        shortcut = blocks.conv_block(x, filters, kernel_size=1, strides=strides,
                                     batchnorm=batchnorm, l2=l2, name=f"{name}_proj",
                                     activation=None)
    y = keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return keras.layers.Activation("relu", name=f"{name}_out")(y)


@register(family="resnet", task="multiclass", input_shape=(32, 32, 3), num_outputs=10,
          dataset="cifar10", params=176_378, macs=26_862_208,
          description="Small ResNet: 3x3 stem, 3 stages of residual blocks (16, 32, 64), "
                      "global average pooling.",
          reference=Reference("accuracy", None, "none", "measured by its recipe"))
def resnet_small(*, num_classes=10, input_shape=(32, 32, 3), filters=(16, 32, 64),
                 blocks_per_stage=2, batchnorm=True, dropout=0.0, l2=1e-4, head="softmax"):
    import keras
    num_classes, head, dropout, l2, batchnorm = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2, batchnorm=batchnorm)
    filters = validation.positive_ints("filters", filters)
    blocks_per_stage = validation.positive_int("blocks_per_stage", blocks_per_stage)
    inputs = keras.Input(shape=validation.shape("input_shape", input_shape, rank=3), name="image")
    x = blocks.conv_block(inputs, filters[0], batchnorm=batchnorm, l2=l2, name="stem")
    for s, n in enumerate(filters, start=1):
        for b in range(1, blocks_per_stage + 1):
            strides = 2 if (s > 1 and b == 1) else 1
            x = residual_block(x, n, strides=strides, batchnorm=batchnorm, l2=l2,
                               name=f"stage{s}_block{b}")
    x = keras.layers.GlobalAveragePooling2D(name="features")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name="resnet_small")

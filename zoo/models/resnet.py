"""A small residual network for 32x32 images (ResNet-v1 style, as in He et al. for CIFAR-10)."""
from __future__ import annotations

from zoo import validation
from zoo.errors import InvalidArgumentError
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


def _initializer(name: str):
    """'fan_in_uniform': uniform in +-1/sqrt(fan_in), PyTorch's default for conv and linear
    layers, which the fast CIFAR-10 recipes' learning rates were tuned with. Under BatchNorm the
    size of the weights sets the effective step (rate / |w|^2): Keras' default Glorot uniform
    starts a conv that doubles its channels 1.4 times larger (twice in squared norm). Any other
    name is Keras' own initializer. 'dirac': the first min(in, out) filters pass their input
    channel through, the others are 'fan_in_uniform' (custom_layers.DiracThenFanIn)."""
    import keras
    from zoo.models.custom_layers import DiracThenFanIn, fan_in_uniform
    if name == "dirac":
        return DiracThenFanIn()
    if name == "fan_in_uniform":
        return fan_in_uniform()
    return keras.initializers.get(name)


def _conv_pool_bn(x, filters: int, *, pool: bool, l2: float, init: str, name: str):
    """3x3 conv -> (2x2 max pool) -> BatchNorm -> ReLU. Page pools after the ReLU; pooling
    first (as Jordan's airbench does) runs the normalisation on a quarter of the positions."""
    import keras
    x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False,
                            kernel_initializer=_initializer(init),
                            kernel_regularizer=heads.regularizer(l2), name=f"{name}_conv")(x)
    if pool:
        x = keras.layers.MaxPooling2D(2, name=f"{name}_pool")(x)
    x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    return keras.layers.Activation("relu", name=f"{name}_relu")(x)


def _residual(x, filters: int, *, l2: float, init: str, name: str):
    import keras
    y = _conv_pool_bn(x, filters, pool=False, l2=l2, init=init, name=f"{name}_a")
    y = _conv_pool_bn(y, filters, pool=False, l2=l2, init=init, name=f"{name}_b")
    return keras.layers.Add(name=f"{name}_add")([x, y])


KERNEL_INITIALIZERS = ("fan_in_uniform", "dirac", "glorot_uniform", "he_uniform", "he_normal")
STEMS = ("conv", "whitening")


@register(family="resnet", task="multiclass", input_shape=(32, 32, 3), num_outputs=10,
          dataset="cifar10", params=1_648_362, macs=95_500_800,
          description="ResNet-9 (Page 2018, the DAWNBench CIFAR-10 net) at half width: prep conv, "
                      "three pooled stages (64, 128, 256) with residual pairs after the first and "
                      "last, global max pooling, scaled logits.",
          reference=Reference("accuracy", None, "none", "measured by its recipe"))
def resnet9(*, num_classes=10, input_shape=(32, 32, 3), filters=(32, 64, 128, 256), l2=2.5e-4,
            logit_scale=0.125, kernel_initializer="fan_in_uniform", stem="conv", dropout=0.0,
            head="softmax"):
    """ResNet-9 as in Page's "How to train your ResNet" (2018), the fast CIFAR-10 net.

    Args:
        filters: widths of the prep conv and the three stages; Page's is (64, 128, 256, 512),
            four times the multiply-accumulates of the default (32, 64, 128, 256), which is
            what the two-core CPU recipe can train in half an hour.
        l2: L2 penalty on conv and dense kernels (2.5e-4 is SGD weight decay 5e-4).
        logit_scale: multiplies the pooled features before the classifier (Page's 0.125): small
            logits at the start keep the first steps of a high learning rate stable.
        kernel_initializer: of the conv kernels: 'fan_in_uniform' (PyTorch's default, see
            _initializer), 'dirac' (identity on the channels a conv keeps, airbench's) or a
            Keras initializer name such as 'glorot_uniform'.
        stem: the first layer: 'conv' (Page's prep conv of filters[0] channels, BatchNorm,
            ReLU) or 'whitening' (airbench's: a fixed 2x2 conv whose 24 filters whiten the
            training images' patches, set by the runner from the first training batches before
            training (custom_layers.PatchWhitening), then ReLU; filters[0] is unused and the
            feature maps are 31, 15, 7 and 3 pixels wide instead of 32, 16, 8 and 4).

    Example:
        >>> model = zoo.build("resnet9", compile=False)           # doctest: +SKIP
    """
    import keras
    num_classes, head, dropout, l2, _ = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2)
    filters = validation.positive_ints("filters", filters)
    if len(filters) != 4:
        raise InvalidArgumentError(
            f"filters must give 4 widths (prep conv and three stages); received {filters!r}.")
    logit_scale = validation.positive_float("logit_scale", logit_scale)
    init = validation.choice("kernel_initializer", kernel_initializer, KERNEL_INITIALIZERS)
    inputs = keras.Input(shape=validation.shape("input_shape", input_shape, rank=3), name="image")
    if validation.choice("stem", stem, STEMS) == "whitening":
        from zoo.models.custom_layers import PatchWhitening
        x = PatchWhitening(2, name="prep_whitening")(inputs)
        x = keras.layers.Activation("relu", name="prep_relu")(x)
    else:
        x = _conv_pool_bn(inputs, filters[0], pool=False, l2=l2, init=init, name="prep")
    x = _conv_pool_bn(x, filters[1], pool=True, l2=l2, init=init, name="layer1")
    x = _residual(x, filters[1], l2=l2, init=init, name="layer1_res")
    x = _conv_pool_bn(x, filters[2], pool=True, l2=l2, init=init, name="layer2")
    x = _conv_pool_bn(x, filters[3], pool=True, l2=l2, init=init, name="layer3")
    x = _residual(x, filters[3], l2=l2, init=init, name="layer3_res")
    x = keras.layers.GlobalMaxPooling2D(name="pool")(x)
    x = keras.layers.Rescaling(logit_scale, name="features")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name="resnet9")

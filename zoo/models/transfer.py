"""Transfer learning: a frozen convolutional base with a new head, and fine-tuning.

`vgg16_transfer` uses keras.applications.VGG16; `transfer` takes the convolutional base of any
zoo convnet (a registered name, a keras.Model or a `.keras` file) up to its "features" layer.
"""
from __future__ import annotations

import os

from zoo import validation
from zoo.errors import InvalidArgumentError, WeightsUnavailableError
from zoo.models import blocks, heads
from zoo.registry import Reference, register

VGG16_NOTOP_FILE = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"


def vgg16_base(weights, input_shape):
    """VGG16 without its top, with a clear error when its weights cannot be had."""
    import keras
    if weights not in (None, "imagenet"):
        if not isinstance(weights, (str, os.PathLike)) or not os.path.isfile(weights):
            raise WeightsUnavailableError(
                f"weights={weights!r}: no such file. Pass weights='imagenet' (downloads "
                f"{VGG16_NOTOP_FILE}), weights=None (random) or the path of that .h5 file.")
    try:
        return keras.applications.VGG16(include_top=False, weights=weights,
                                        input_shape=tuple(input_shape))
    except Exception as error:  # get_file raises a bare Exception on any fetch failure
        if weights is None:
            raise
        where = "fetch the ImageNet weights" if weights == "imagenet" else f"read {weights}"
        raise WeightsUnavailableError(
            f"Could not {where} for VGG16 ({type(error).__name__}: {error}). Without a network, "
            f"download {VGG16_NOTOP_FILE} elsewhere and pass weights='/path/to/{VGG16_NOTOP_FILE}' "
            "(or put it in ~/.keras/models/), or pass weights=None for random weights.") from None


def feature_extractor(base, cut: str = "features"):
    """A keras.Model from `base`'s input to its layer `cut` (a zoo convnet's end of the base).
    `base`: a registered model name, a keras.Model, or the path of a `.keras` file."""
    import keras
    from zoo.models.factory import build_model
    if isinstance(base, (str, os.PathLike)) and str(base).endswith(".keras"):
        from zoo.saving import load_model
        base = load_model(base)
    elif isinstance(base, str):
        base = build_model(base)
    if not isinstance(base, keras.Model):
        raise InvalidArgumentError(
            f"base={base!r} is invalid: pass a registered model name, a keras.Model or a .keras file.")
    names = [layer.name for layer in base.layers]
    if cut not in names:
        raise InvalidArgumentError(
            f"The base model {base.name!r} has no layer {cut!r} to cut at; its layers are: "
            + ", ".join(names) + ".")
    return keras.Model(base.inputs, base.get_layer(cut).output, name="base")


def transfer_head(base, *, name, input_shape, num_classes, head, dense_units, dropout, l2,
                  trainable_base=False):
    """Input -> (resize to the base's input size) -> base (frozen unless trainable_base) -> dense
    -> head."""
    import keras
    num_classes, head, dropout, l2, _ = heads.check_common(
        num_classes=num_classes, head=head, dropout=dropout, l2=l2)
    input_shape = validation.shape("input_shape", input_shape, rank=3)
    base_shape = tuple(base.input_shape[1:])
    if input_shape[-1] != base_shape[-1]:
        raise InvalidArgumentError(
            f"input_shape={input_shape} has {input_shape[-1]} channels but the base expects "
            f"{base_shape[-1]}.")
    base.trainable = validation.boolean("trainable_base", trainable_base)
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if None not in base_shape and input_shape[:2] != base_shape[:2]:
        x = keras.layers.Resizing(*base_shape[:2], antialias=True, name="resize_to_base")(x)
    if base.trainable:  # trained from scratch: BatchNorm learns its statistics as usual
        x = base(x)
    else:  # training=False keeps the base's BatchNorm statistics fixed, also once unfrozen later
        x = base(x, training=False)
    if len(x.shape) == 4:
        x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    dense_units = () if not dense_units else validation.positive_ints("dense_units", dense_units)
    for i, n in enumerate(dense_units, start=1):
        x = blocks.dense_block(x, n, dropout=dropout, batchnorm=False, l2=l2, name=f"fc{i}")
    if dropout and not dense_units:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.output_head(x, head=head, num_classes=num_classes, l2=l2)
    return keras.Model(inputs, outputs, name=name)


@register(family="transfer", task="binary", input_shape=(180, 180, 3), num_outputs=1,
          dataset="cats_vs_dogs", params=14_846_273, macs=9_743_176_960,
          description="Frozen VGG16 convolutional base (ImageNet weights) with a new dense head.",
          reference=Reference("accuracy", None, "none",
                              "needs the ImageNet weights, which cannot be fetched here"))
def vgg16_transfer(*, weights="imagenet", input_shape=(180, 180, 3), num_classes=2,
                   dense_units=256, dropout=0.5, l2=0.0, head="sigmoid"):
    import keras
    input_shape = validation.shape("input_shape", input_shape, rank=3)
    vgg = vgg16_base(weights, input_shape)
    inputs = keras.Input(shape=input_shape, name="image")
    from zoo.models.custom_layers import VGGPreprocess
    x = VGGPreprocess(name="vgg_preprocess")(inputs)
    base = keras.Model(inputs, vgg(x), name="base")
    return transfer_head(base, name="vgg16_transfer", input_shape=input_shape,
                         num_classes=num_classes, head=head, dense_units=dense_units,
                         dropout=dropout, l2=l2)


@register(family="transfer", task="binary", input_shape=(180, 180, 3), num_outputs=1,
          dataset="cats_vs_dogs", params=550_753, macs=39_067_776,
          description="The convolutional base of any zoo convnet (name, model or .keras file), "
                      "frozen, with a new head; images are resized to the base's input size.",
          reference=Reference("accuracy", None, "none", "measured by the transfer recipe"))
def transfer(*, base="cnn_cifar10", cut="features", input_shape=(180, 180, 3), num_classes=2,
             dense_units=128, dropout=0.5, l2=0.0, head="sigmoid", trainable_base=False):
    return transfer_head(feature_extractor(base, cut), name="transfer", input_shape=input_shape,
                         num_classes=num_classes, head=head, dense_units=dense_units,
                         dropout=dropout, l2=l2, trainable_base=trainable_base)


def unfreeze_top(model, layers: int):
    """Make the top `layers` weighted layers of a transfer model's base trainable for fine-tuning
    (BatchNorm layers stay frozen). Recompile afterwards, with a small learning rate."""
    layers = validation.positive_int("layers", layers)
    try:
        base = model.get_layer("base")
    except ValueError:
        raise InvalidArgumentError(
            f"Model {model.name!r} has no layer 'base': unfreeze_top works on models built by "
            "'transfer' or 'vgg16_transfer'.") from None
    import keras
    weighted = [layer for layer in base.layers if layer.weights]
    base.trainable = True
    for layer in base.layers:
        layer.trainable = False
    for layer in weighted[-layers:]:
        if not isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = True
    return model

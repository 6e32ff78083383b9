"""Augmentation presets per domain, built from Keras preprocessing layers. Each preset knows its
dataset: horizontal flips change what a digit means, so MNIST never gets them.

The same layers serve the input pipeline (applied to training batches only) and, as the
`keras.Sequential` that `augmentation` returns, the inside of a model for augmentation on the
accelerator (there they act only when training).
"""
from __future__ import annotations

import itertools

from zoo import validation
from zoo.data.catalog import DatasetInfo
from zoo.errors import InvalidArgumentError

PRESETS = {"image": ("none", "light", "crop", "cutout", "standard"),
           "series": ("none", "light", "standard"), "text": ("none",), "points": ("none",)}
# Whether a left-right mirror image keeps its class. Folders of unknown content get no flips:
# a missing flip costs a little accuracy, a wrong one teaches the model wrong labels.
HORIZONTAL_FLIP = {"mnist": False, "fashion_mnist": True, "cifar10": True, "cats_vs_dogs": True}
# "cutout" (DeVries and Taylor 2017): light's flip and shifts, then one square a quarter of each
# side (8x8 on CIFAR's 32x32) set to a constant, in every training image: Keras' RandomErasing
# with its area fixed at a sixteenth and its probability at 1.
CUTOUT_AREA = 1 / 16
# "crop": the CIFAR recipes' random crop of the image padded by 4 pixels on each side
# (torchvision's RandomCrop(32, padding=4), Page 2018), with the flip: shifts of whole pixels
# only. light's shifts are of fractions of a pixel too, and bilinear interpolation blurs every
# such training image, while the validation and test images stay sharp.
CROP_PADDING = 4


def _info(dataset) -> DatasetInfo:
    if isinstance(dataset, DatasetInfo):
        return dataset
    from zoo.data.datasets import describe
    return describe(dataset)


def augmentation_presets(dataset) -> list[str]:
    """The preset names available for a dataset (a name or a DatasetInfo)."""
    return list(PRESETS[_info(dataset).domain])


def augmentation(preset: str, dataset, *, seed: int | None = None):
    """A keras.Sequential of the preset's layers for `dataset`; "none" gives an empty one.

    With a seed, every layer gets its own seed derived from it, so runs repeat exactly."""
    import keras

    info = _info(dataset)
    validation.choice("augment", preset, PRESETS[info.domain])
    build = {"image": _image_layers, "series": _series_layers, "text": lambda *_: [],
             "points": lambda *_: []}[info.domain]
    seeds = itertools.count(seed) if seed is not None else itertools.repeat(None)
    return keras.Sequential(build(preset, info, seeds), name=f"augmentation_{preset}")


def _image_layers(preset: str, info: DatasetInfo, seeds) -> list:
    from keras import layers

    if preset == "none":
        return []
    # Zero fill suits the black backgrounds of the grayscale sets; photos look natural mirrored.
    fill = "constant" if info.input_shape[-1] == 1 else "reflect"
    out = []
    if HORIZONTAL_FLIP.get(info.name, False):
        out.append(layers.RandomFlip("horizontal", seed=next(seeds)))
    if preset == "standard":
        out.append(layers.RandomRotation(0.05, fill_mode=fill, seed=next(seeds)))
        out.append(layers.RandomZoom(0.1, fill_mode=fill, seed=next(seeds)))
    if preset == "crop":
        # RandomTranslation with nearest-pixel sampling: a shift rounded to whole pixels, the
        # border filled by reflection (Keras has no pad-and-crop layer that trains only).
        height, width = info.input_shape[:2]
        out.append(layers.RandomTranslation(CROP_PADDING / height, CROP_PADDING / width,
                                            fill_mode=fill, interpolation="nearest",
                                            seed=next(seeds)))
    else:
        out.append(layers.RandomTranslation(0.1, 0.1, fill_mode=fill, seed=next(seeds)))
    if preset == "cutout":
        # Mid-grey on photos (the mean of [0, 1], what cutout's zero is after normalising),
        # background black on grayscale sets.
        grey = 0.5 if info.input_shape[-1] == 3 else 0.0
        out.append(layers.RandomErasing(factor=(1.0, 1.0), scale=(CUTOUT_AREA, CUTOUT_AREA),
                                        fill_value=grey, value_range=(0, 1), seed=next(seeds)))
    if preset == "standard" and info.input_shape[-1] == 3:
        out.append(layers.RandomContrast(0.2, value_range=(0, 1), seed=next(seeds)))
    return out


def _series_layers(preset: str, info: DatasetInfo, seeds) -> list:
    from keras import layers

    from zoo.data.layers import RandomScaling, RandomTimeShift

    if preset == "none":
        return []
    if preset == "light":
        return [layers.GaussianNoise(0.05, seed=next(seeds))]
    return [layers.GaussianNoise(0.1, seed=next(seeds)), RandomScaling(0.2, seed=next(seeds)),
            RandomTimeShift(0.1, seed=next(seeds))]


def check_augment(augment, domain: str):
    """Raise InvalidArgumentError unless `augment` is None, a preset of `domain` or a layer list."""
    if augment is None or isinstance(augment, str):
        validation.choice("augment", "none" if augment is None else augment, PRESETS[domain])
        return
    import keras

    if not (isinstance(augment, (list, tuple))
            and all(isinstance(layer, keras.layers.Layer) for layer in augment)):
        raise InvalidArgumentError(
            f"augment={augment!r} is invalid: give None, a preset name "
            f"({', '.join(PRESETS[domain])}) or a list of keras layers.")


def training_layers(augment, info: DatasetInfo, seed: int) -> list:
    """The layers that `load(augment=...)` applies to training batches; [] for none."""
    check_augment(augment, info.domain)
    if augment is None or isinstance(augment, str):
        return augmentation("none" if augment is None else augment, info, seed=seed).layers
    return list(augment)

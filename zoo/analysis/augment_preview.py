"""What an augmentation preset does: a few training images, each next to several random draws
of the augmentation layers applied to it."""
from __future__ import annotations

import numpy as np

from zoo.reports import plots
from zoo.errors import InvalidArgumentError


def augment_samples(images, augmentation, *, repeats=5) -> np.ndarray:
    """Apply `augmentation` (a keras.Sequential of preprocessing layers) in training mode
    `repeats` times; returns shape (images, repeats, height, width, channels)."""
    import keras
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4:
        raise InvalidArgumentError(
            f"Augmentation previews need images of shape (batch, height, width, channels), not "
            f"{images.shape}.")
    draws = [keras.ops.convert_to_numpy(augmentation(images, training=True))
             for _ in range(repeats)]
    return np.stack(draws, axis=1)


def plot_augmentation(images, samples, *, title=None):
    """One row per image: the original, then its augmented versions."""
    rows, repeats = samples.shape[:2]
    tiles = [t for image, draws in zip(images, samples) for t in (image, *draws)]
    titles = ["original" if i % (repeats + 1) == 0 else "" for i in range(len(tiles))]
    fig = plots.image_grid(tiles, titles, ncols=repeats + 1)
    if title:
        fig.suptitle(title)
    return fig

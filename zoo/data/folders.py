"""Image and text folders laid out as `<split>/<class>/<file>`: their layout (read without
TensorFlow) and their contents, read with Keras' standard loaders into numpy arrays.

Splits are `train` and `test`, and optionally `validation`; classes are the sub-folders of `train`,
in sorted order (the class ids Keras' loaders give).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from zoo.errors import DataError

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")  # image_dataset_from_directory's
GRAYSCALE_MODES = ("1", "L", "LA", "I", "I;16")  # Pillow's one-channel image modes
TEXT_EXTENSIONS = (".txt",)
SPLITS = ("train", "validation", "test")
READ_BATCH = 1024


def split_root(folder: Path) -> Path:
    """`folder` itself when it holds train/ and test/, else its only sub-folder that does."""
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder.")
    for root in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]:
        if (root / "train").is_dir() and (root / "test").is_dir():
            return root
    raise DataError(f"{folder} is not a dataset folder: expected train/<class>/ and test/<class>/ "
                    "sub-folders (and optionally validation/<class>/).")


def _count(folder: Path, extensions) -> int:
    return sum(name.lower().endswith(extensions)
               for _, _, names in os.walk(folder, followlinks=True) for name in names)


def layout(root: Path, extensions=IMAGE_EXTENSIONS, class_names=None) -> tuple[tuple, dict]:
    """Class names and the number of files per split; every split must have the same classes."""
    if class_names is None:
        class_names = tuple(sorted(p.name for p in (root / "train").iterdir() if p.is_dir()))
    if not class_names:
        raise DataError(f"{root / 'train'} has no class sub-folders.")
    if len(class_names) == 1:
        raise DataError(f"{root / 'train'} has only one class sub-folder, {class_names[0]!r}: a "
                        "classification dataset needs at least two classes, one sub-folder each "
                        "in train/ and test/ (e.g. train/cats/, train/dogs/). Add the others.")
    sizes = {}
    for split in SPLITS:
        if not (root / split).is_dir():
            continue
        missing = [c for c in class_names if not (root / split / c).is_dir()]
        if missing:
            raise DataError(f"{root / split} lacks the class folders {missing} that train/ has.")
        sizes[split] = sum(_count(root / split / c, extensions) for c in class_names)
        if sizes[split] == 0:
            raise DataError(f"{root / split} holds no {'/'.join(extensions)} files.")
    return tuple(class_names), sizes


def first_image_shape(root: Path, class_names) -> tuple[int, int, int]:
    """(height, width, channels) of the first training image: the default size of a folder."""
    from PIL import Image

    path = min(p for c in class_names for p in (root / "train" / c).rglob("*")
               if p.name.lower().endswith(IMAGE_EXTENSIONS))
    try:
        with Image.open(path) as image:
            return image.height, image.width, 1 if image.mode in GRAYSCALE_MODES else 3
    except OSError as err:
        raise DataError(f"Cannot read image {path}: the file is truncated or corrupt "
                        f"({err}).") from None


def read_images(folder: Path, class_names, image_size, channels,
                on_batch=None) -> tuple[np.ndarray, np.ndarray]:
    """All images of one split as uint8 (N, H, W, C) resized to `image_size`, and int32 labels.

    `on_batch(count)`, if given, is called after each batch of `count` decoded images."""
    import keras
    import tensorflow as tf

    try:
        ds = keras.utils.image_dataset_from_directory(
            folder, class_names=list(class_names), batch_size=None, image_size=tuple(image_size),
            color_mode="grayscale" if channels == 1 else "rgb", shuffle=False, verbose=False)
    except ValueError as err:
        raise DataError(f"Cannot read the image folder {folder}: {err}") from None
    paths = ds.file_paths
    ds = ds.map(lambda x, y: (tf.saturate_cast(tf.round(x), tf.uint8), y),
                num_parallel_calls=tf.data.AUTOTUNE)
    try:
        return to_arrays(ds, on_batch)
    except tf.errors.OpError:
        raise DataError(f"Cannot decode image {_first_bad_image(paths)}: the file is truncated or "
                        "corrupt. Remove or replace it.") from None


def _first_bad_image(paths) -> str:
    """Decoding in bulk does not say which file failed; decoding one by one does."""
    import tensorflow as tf

    for path in paths:
        try:
            tf.io.decode_image(tf.io.read_file(path), expand_animations=False)
        except tf.errors.OpError:
            return path
    return "(unknown file)"


def read_texts(folder: Path, class_names) -> tuple[np.ndarray, np.ndarray]:
    """All texts of one split as a numpy array of bytes, and int32 labels."""
    import keras

    try:
        ds = keras.utils.text_dataset_from_directory(
            folder, class_names=list(class_names), batch_size=None, shuffle=False, verbose=False)
    except ValueError as err:
        raise DataError(f"Cannot read the text folder {folder}: {err}") from None
    return to_arrays(ds)


def to_arrays(ds, on_batch=None) -> tuple[np.ndarray, np.ndarray]:
    """A tf.data.Dataset of (input, label) examples as two numpy arrays; `on_batch(count)` is
    called after each batch read."""
    xs, ys = [], []
    for x, y in ds.batch(READ_BATCH).as_numpy_iterator():
        xs.append(x)
        ys.append(y)
        if on_batch is not None:
            on_batch(len(y))
    return np.concatenate(xs), np.concatenate(ys)

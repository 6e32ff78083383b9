"""A user's raw inputs as one batch for a run's serving model: image files or pixel arrays,
strings of text or text files, series as arrays or files of rows. Anything that does not fit is
refused with a DataError that says what the model takes."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from zoo.errors import DataError


def as_batch(record: dict, inputs) -> np.ndarray:
    """`inputs` (one input or a list of them) as a batch for the serving model of `record`."""
    domain = record["domain"]
    items = _as_list(inputs, domain)
    if not items:
        raise DataError("No inputs given: pass at least one image, text or series.")
    if domain == "image":
        return _images(items, record["input_shape"])
    if domain == "text":
        return np.array([_text(item) for item in items], dtype=object)
    if domain == "series":
        return _series(items, record["input_shape"])
    if domain == "points":
        return _points(items, record["input_shape"])
    raise DataError(f"Cannot prepare inputs of the {domain!r} domain.")


def _as_list(inputs, domain) -> list:
    """One input, or a batch: an array is one input when its shape is that of one (an image
    (H, W) or (H, W, C), a series (T,) or (T, 1), a point (2,)), else a batch of them."""
    if isinstance(inputs, (str, bytes, os.PathLike)):
        return [inputs]
    if not isinstance(inputs, np.ndarray):
        return list(inputs)
    one = {"image": inputs.ndim in (2, 3),
           "series": inputs.ndim == 1 or (inputs.ndim == 2 and inputs.shape[-1] == 1),
           "points": inputs.ndim == 1}.get(domain, False)
    return [inputs] if one else list(inputs)


def _is_file(item) -> bool:
    return isinstance(item, os.PathLike) or (isinstance(item, str) and os.path.isfile(item))


def _images(items, input_shape) -> np.ndarray:
    from zoo.data.serving import read_image_files, resized_pixels
    height, width, channels = input_shape
    files = [item for item in items if _is_file(item)]
    if files and len(files) != len(items):
        raise DataError("Pass either image files or pixel arrays, not both in one call.")
    if files:
        return read_image_files(files, (height, width), channels)
    arrays = []
    for number, item in enumerate(items, 1):
        if isinstance(item, str):
            raise DataError(f"{item} is not an image file (it does not exist).")
        array = np.asarray(item, dtype=np.float32)
        if array.ndim == 2:
            array = array[..., np.newaxis]
        if array.ndim != 3 or array.shape[-1] != channels:
            raise DataError(f"Image {number} has shape {array.shape}; the model takes "
                            f"(height, width, {channels}) pixels 0-255.")
        arrays.append(resized_pixels(array, (height, width)))
    return np.stack(arrays).astype(np.float32)


def _text(item) -> str:
    if isinstance(item, os.PathLike):
        try:
            return Path(item).read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise DataError(f"Cannot read the text file {item}: {error.strerror}.") from None
    if isinstance(item, bytes):
        return item.decode("utf-8", errors="replace")
    if not isinstance(item, str):
        raise DataError(f"A text model takes strings of text; received {type(item).__name__}.")
    return item


def _series(items, input_shape) -> np.ndarray:
    from zoo.data.serving import read_series_file, series_array
    length = input_shape[0]
    batches = []
    for item in items:
        if _is_file(item):
            batches.append(read_series_file(item, length))
        elif isinstance(item, str):
            raise DataError(f"{item} is not a series file (it does not exist).")
        else:
            row = np.asarray(item, dtype=np.float32).reshape(-1)
            batches.append(series_array([row], length))
    return np.concatenate(batches)


def _points(items, input_shape) -> np.ndarray:
    array = np.asarray(items, dtype=np.float32).reshape(len(items), -1)
    if array.shape[1:] != tuple(input_shape):
        raise DataError(f"Points of {array.shape[1]} values; the model takes {input_shape[0]}.")
    return array

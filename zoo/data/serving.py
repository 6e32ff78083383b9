"""The preprocessing a model was trained behind, as a record a run keeps (preprocessing.json) and
as Keras layers that take raw inputs: pixels (0-255), strings of text, series. Those layers go in
front of the trained model for prediction and export, so that the served model takes what a user
has, preprocessed exactly as the training pipeline did (pipeline._preparation, text.vectorize).
"""
from __future__ import annotations

import numpy as np

from zoo.errors import DataError

RECORD_FILE = "preprocessing.json"
PIXEL_SCALE = 1.0 / 255.0  # pipeline._preparation: images are uint8 on disk, float in [0, 1] in


def preprocessing_record(splits) -> dict:
    """What a model trained on `splits` expects and how raw inputs become that: the dataset's
    name, domain, classes and input shape; for images the pixel scale, for text the vocabulary
    and sequence length of its TextVectorization."""
    info = splits.info
    record = {"dataset": info.name, "domain": info.domain, "task": info.task,
              "class_names": [str(name) for name in info.class_names],
              "input_shape": [int(d) for d in info.input_shape]}
    if info.domain == "image":
        record["pixel_scale"] = PIXEL_SCALE
    if info.domain == "text":
        if splits.vectorizer is None:
            raise DataError(f"The text dataset {info.name} was loaded without its vectorizer.")
        config = splits.vectorizer.get_config()
        record["text"] = {"vocabulary": [str(t) for t in splits.vectorizer.get_vocabulary()],
                          "sequence_length": int(config["output_sequence_length"]),
                          "standardize": "zoo.data.text.standardize_text"}
    return record


def raw_input_layers(record: dict) -> list:
    """Keras layers from raw inputs to what the model takes (an empty list for series)."""
    import keras
    if record["domain"] == "image":
        return [keras.layers.Rescaling(record.get("pixel_scale", PIXEL_SCALE), name="pixels")]
    if record["domain"] == "text":
        return [vectorizer_of(record)]
    return []


def vectorizer_of(record: dict):
    """The run's TextVectorization, rebuilt from its vocabulary (no adapting, no data needed)."""
    import keras

    from zoo.data.text import standardize_text
    text = record["text"]
    # The vocabulary's first two entries are the padding ("") and out-of-vocabulary ("[UNK]")
    # tokens that the layer adds itself.
    return keras.layers.TextVectorization(
        output_mode="int", output_sequence_length=text["sequence_length"],
        standardize=standardize_text, vocabulary=text["vocabulary"][2:],
        name="text_vectorization")


def raw_input_spec(record: dict) -> tuple[tuple, str]:
    """(shape without the batch, dtype) of the raw input the served model takes."""
    if record["domain"] == "text":
        return (), "string"
    return tuple(record["input_shape"]), "float32"


def resized_pixels(images, size) -> np.ndarray:
    """(N, H, W, C) or (H, W, C) pixels 0-255 at `size` (height, width), as the training folders
    were decoded (keras.utils.image_dataset_from_directory: bilinear, then rounded)."""
    import tensorflow as tf
    images = np.asarray(images, dtype=np.float32)
    if images.shape[-3:-1] == tuple(size[:2]):
        return images
    resized = tf.image.resize(images, tuple(size[:2]), method="bilinear")
    return tf.round(tf.clip_by_value(resized, 0, 255)).numpy().astype(np.float32)


def as_model_input(batch):
    """A batch as a model takes it: strings (a numpy object array) as a string tensor."""
    if getattr(batch, "dtype", None) == object:
        import tensorflow as tf
        return tf.constant(np.asarray(batch).astype(str))
    return batch


def read_image_files(paths, size, channels: int) -> np.ndarray:
    """Image files of any size as (N, H, W, C) float32 pixels 0-255, decoded and resized as the
    training folders were (keras.utils.image_dataset_from_directory: bilinear, then rounded)."""
    import tensorflow as tf
    out = []
    for path in paths:
        try:
            image = tf.io.decode_image(tf.io.read_file(str(path)), channels=channels,
                                       expand_animations=False)
        except (tf.errors.OpError, ValueError) as error:
            raise DataError(f"Cannot read image {path}: {_first_line(error)}. Pass PNG, JPEG, "
                            "BMP or GIF files.") from None
        out.append(resized_pixels(image.numpy(), size))
    return np.stack(out)


def read_series_file(path, length: int | None) -> np.ndarray:
    """A text file of series, one per row (values separated by commas, tabs or spaces), as
    (N, length, 1) float32."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            cells = line.replace(",", " ").split()
            if not cells:
                continue
            try:
                values = [float(cell) for cell in cells]
            except ValueError:
                raise DataError(f"{path}, line {number}: {line.strip()[:40]!r} is not a row of "
                                "numbers. A series file holds one series per row, values "
                                "separated by commas, tabs or spaces.") from None
            rows.append(values)
    if not rows:
        raise DataError(f"{path} holds no series (expected one row of numbers per series).")
    return series_array(rows, length, source=str(path))


def series_array(rows, length: int | None, *, source="the input") -> np.ndarray:
    """Rows of values as (N, length, 1) float32, refused unless each has the model's length."""
    for number, row in enumerate(rows, 1):
        if length is not None and len(row) != length:
            hint = (" It has one value more than the model takes: drop the label column."
                    if len(row) == length + 1 else "")
            raise DataError(f"{source}: series {number} has {len(row)} values, the model takes "
                            f"series of {length}.{hint}")
    array = np.asarray(rows, dtype=np.float32)
    if not np.isfinite(array).all():
        raise DataError(f"{source}: a series holds a missing or infinite value; fill it first.")
    return array[..., np.newaxis]


def _first_line(error) -> str:
    return str(getattr(error, "message", error)).strip().splitlines()[0][:120]


def raw_test_examples(record: dict, count: int, *, data_dir=None, seed: int = 0) -> np.ndarray:
    """`count` examples of the record's dataset's test split, chosen at random for `seed`, raw
    as a user has them (pixels 0-255, strings, series): for checking an exported model."""
    from zoo.data import datasets
    raw = datasets.read(record["dataset"], data_dir=data_dir)
    x = raw.arrays["test"][0]
    index = np.sort(np.random.default_rng(seed).permutation(len(x))[:count])
    x = x[index]
    if record["domain"] == "text":
        return np.array([t.decode("utf-8", "replace") if isinstance(t, bytes) else str(t)
                         for t in x], dtype=object)
    if record["domain"] == "image":
        return resized_pixels(x, record["input_shape"])
    return x.astype(np.float32)

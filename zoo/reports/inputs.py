"""The data and the predictions every analysis starts from: (x, y) numpy arrays taken from a pair of
arrays or a tf.data.Dataset, and class probabilities from a model."""
from __future__ import annotations

import numpy as np

from zoo.errors import InvalidArgumentError

BATCH_SIZE = 256


def as_arrays(data) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) from a pair of arrays or a dataset of (x, y) batches; y as integer class ids."""
    if isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = np.asarray(data[0]), np.asarray(data[1])
    elif hasattr(data, "as_numpy_iterator"):
        x, y = _from_dataset(data)
    else:
        raise InvalidArgumentError(
            f"data of type {type(data).__name__} is invalid: pass (x, y) arrays or a "
            "tf.data.Dataset of (x, y) batches.")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(x) != len(y) or len(y) == 0:
        raise InvalidArgumentError(
            f"data has {len(x)} inputs and labels of shape {y.shape}: expected as many integer "
            "class ids as inputs, and at least one.")
    return x, y.astype("int64")


def _from_dataset(dataset):
    pairs = list(dataset.as_numpy_iterator())
    if not pairs or not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
        raise InvalidArgumentError("The dataset is empty or does not yield (x, y) pairs.")
    xs, ys = zip(*pairs)
    # Batched datasets yield a vector of labels per element; unbatched ones a single label.
    join = np.concatenate if np.ndim(ys[0]) >= 1 else np.stack
    return join(xs), join(ys)


def probabilities(model, x, *, batch_size=BATCH_SIZE) -> np.ndarray:
    """Class probabilities, shape (n, classes). A single sigmoid unit p becomes (1 - p, p)."""
    p = np.asarray(model.predict(x, batch_size=batch_size, verbose=0), dtype="float64")
    if p.ndim != 2:
        raise InvalidArgumentError(
            f"{model.name} outputs shape {p.shape[1:]}: the analyses need one score per class.")
    return np.concatenate([1 - p, p], axis=1) if p.shape[1] == 1 else p


def predict_classes(model, x, *, batch_size=BATCH_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """(predicted class ids, the probability of the predicted class)."""
    p = probabilities(model, x, batch_size=batch_size)
    return p.argmax(axis=1), p.max(axis=1)


def accuracy(model, x, y, *, batch_size=BATCH_SIZE) -> float:
    return float(np.mean(predict_classes(model, x, batch_size=batch_size)[0] == y))


def is_image_model(model) -> bool:
    """One floating-point input of shape (height, width, channels)."""
    return (len(model.inputs) == 1 and len(model.inputs[0].shape) == 4
            and "float" in str(model.inputs[0].dtype))

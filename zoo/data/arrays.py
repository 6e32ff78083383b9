"""Splits of numpy arrays fed through `keras.utils.PyDataset`: the input pipeline that needs
neither TensorFlow nor tf.data, for the JAX and PyTorch backends on a machine without TensorFlow
(a GPU image with JAX only, say), and for arrays a user already holds.

It does what zoo.data.pipeline does for one split, batch by batch in numpy: shuffle (a new
order each epoch, drawn from the seed and the epoch number, so that a resumed run sees the
order the uninterrupted one saw), batch, scale images from 0-255 to 0-1 and cast. Augmentation
and text vectorisation run in tf.data only, and are refused here.
"""
from __future__ import annotations

import math

import keras
import numpy as np

from zoo.data.catalog import DatasetInfo
from zoo.data.splits import Splits, divide
from zoo.errors import InvalidArgumentError

DOMAINS = {4: "image", 3: "series", 2: "points"}  # by the rank of the inputs (with the batch)


class ArrayBatches(keras.utils.PyDataset):
    """Batches of (inputs, labels) from two arrays; shuffled per epoch when `shuffle`.

    Example:
        >>> batches = ArrayBatches(np.zeros((10, 4)), np.zeros(10), batch_size=4)
        >>> len(batches), batches[2][0].shape
        (3, (2, 4))
    """

    def __init__(self, x, y, *, batch_size: int, domain: str = "points", shuffle=False,
                 seed: int = 0):
        super().__init__()
        self.x, self.y = x, y
        self.batch_size, self.domain, self.shuffle, self.seed = batch_size, domain, shuffle, seed
        self.epoch = 0
        self._order = self._draw()

    def __len__(self):
        return math.ceil(len(self.y) / self.batch_size)

    # What the trainer and the analyses ask of a tf.data.Dataset.
    def cardinality(self) -> int:
        return len(self)

    def as_numpy_iterator(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        x = self.x[rows]
        x = x.astype("float32") / 255.0 if self.domain == "image" else x.astype("float32")
        return x, self.y[rows].astype("int32")

    def on_epoch_end(self):
        self.epoch += 1
        self._order = self._draw()

    def skip_epochs(self, count: int):
        """The order of `count` epochs later (a resumed run)."""
        self.epoch += count
        self._order = self._draw()

    def _draw(self):
        if not self.shuffle:
            return np.arange(len(self.y))
        return np.random.default_rng((self.seed, self.epoch)).permutation(len(self.y))


def from_arrays(train, test, validation=None, *, batch_size: int = 128,
                validation_fraction: float = 0.1, seed: int = 0, class_names=None,
                name: str = "arrays") -> Splits:
    """Splits from (inputs, labels) pairs of numpy arrays, for `zoo.train(..., data=...)`.

    Args:
        train, test: (inputs, labels); images as uint8 (N, H, W, C) in 0-255, series as
            (N, steps, channels), points as (N, features); labels as class indices.
        validation: (inputs, labels), else `validation_fraction` of train held out (by `seed`).
        class_names: one name per class (default: "0", "1", ...).

    Example:
        >>> splits = zoo.data.from_arrays((x_train, y_train), (x_test, y_test))  # doctest: +SKIP
        >>> zoo.train("cnn_fashion", data=splits, epochs=2)                       # doctest: +SKIP
    """
    pairs = {"train": train, "test": test, "validation": validation}
    for split, pair in pairs.items():
        if pair is None and split == "validation":
            continue
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and len(pair[0]) == len(pair[1])):
            raise InvalidArgumentError(f"{split} must be an (inputs, labels) pair of arrays of "
                                       f"one length; received {type(pair).__name__}.")
    x = np.asarray(train[0])
    domain = DOMAINS.get(x.ndim)
    if domain is None:
        raise InvalidArgumentError(
            f"Inputs of shape {x.shape} are not images (N, H, W, C), series (N, steps, "
            "channels) or points (N, features).")
    labels = np.concatenate([np.asarray(p[1]).ravel() for p in pairs.values() if p is not None])
    count = int(labels.max()) + 1
    names = tuple(class_names) if class_names is not None else tuple(map(str, range(count)))
    parts = divide({k: (np.asarray(v[0]), np.asarray(v[1]).ravel()) for k, v in pairs.items()
                    if v is not None}, validation_fraction=validation_fraction, subset=None,
                   seed=seed)
    sizes = {split: 0 if pair is None else len(pair[1]) for split, pair in parts.items()}
    info = DatasetInfo(name=name, domain=domain, task="classification", num_classes=len(names),
                       class_names=names, input_shape=tuple(x.shape[1:]), splits=sizes,
                       source="arrays")
    make = dict(batch_size=batch_size, domain=domain)
    return Splits(train=ArrayBatches(*parts["train"], shuffle=True, seed=seed, **make),
                  validation=None if parts["validation"] is None else
                  ArrayBatches(*parts["validation"], **make),
                  test=ArrayBatches(*parts["test"], **make), info=info, sizes=sizes)

"""The data a search trains on: loaded once, re-batched per trial.

Either a dataset name, loaded with zoo.data.load (once per augmentation preset the space asks
for), or explicit (train, validation, test) splits, each a batched tf.data.Dataset of (x, y) or an
(x, y) pair of arrays.
"""
from __future__ import annotations

import math
from pathlib import Path

from zoo.errors import InvalidArgumentError

SPLITS = ("train", "validation", "test")


class SearchData:
    def __init__(self, name=None, *, splits=None, batch_size=128, load_options=None):
        self.name = name
        self.batch_size = batch_size  # of the pipelines made here; None: the user's own
        self.load_options = dict(load_options or {})
        self._by_augment = {}
        self._sizes = {}
        if splits is not None:
            self._by_augment[None] = dict(zip(SPLITS, splits))

    @classmethod
    def explicit(cls, splits, batch_size=128, seed=0):
        if not isinstance(splits, (tuple, list)) or len(splits) != 3:
            raise InvalidArgumentError(
                "data must be a dataset name or a (train, validation, test) tuple, each a "
                "tf.data.Dataset of (x, y) batches or an (x, y) pair of arrays.")
        datasets = [_as_dataset(s, batch_size, name, seed) for s, name in zip(splits, SPLITS)]
        own = all(isinstance(s, (tuple, list)) for s in splits)
        data = cls(splits=datasets, batch_size=batch_size if own else None)
        if own:
            data._sizes = {name: len(s[1]) for name, s in zip(SPLITS, splits)}
        return data

    @classmethod
    def saved(cls, folder):
        """Splits written by `save` (how workers of a distributed search get explicit data)."""
        import tensorflow as tf
        return cls(splits=[tf.data.Dataset.load(str(Path(folder) / s)) for s in SPLITS],
                   batch_size=None)

    def save(self, folder):
        for split in SPLITS:
            self.split(split).save(str(Path(folder) / split))

    def split(self, split, *, augment=None, batch_size=None):
        dataset = self._load(augment)[split]
        if not batch_size or batch_size == self.batch_size:
            return dataset
        import tensorflow as tf
        # rebatch loses the number of batches, and Keras then warns at the end of each first
        # epoch that the data "ran out": it is known, say so.
        batches = math.ceil(self._size(split) / batch_size)
        return dataset.rebatch(batch_size).apply(
            tf.data.experimental.assert_cardinality(batches)).prefetch(tf.data.AUTOTUNE)

    def _size(self, split):
        if split not in self._sizes:
            import tensorflow as tf
            dataset = self._load(None)[split]
            self._sizes[split] = int(dataset.map(lambda x, y: tf.shape(y)[0]).reduce(
                0, lambda total, n: total + n))
        return self._sizes[split]

    def _load(self, augment):
        key = None if self.name is None else (augment or "none")
        if key not in self._by_augment:
            import zoo.data
            splits = zoo.data.load(self.name, batch_size=self.batch_size, augment=key,
                                   **self.load_options)
            self._by_augment[key] = {"train": splits.train, "validation": splits.validation,
                                     "test": splits.test}
            self._sizes = dict(splits.sizes)
        return self._by_augment[key]


def _as_dataset(split, batch_size, name, seed):
    import tensorflow as tf
    if isinstance(split, tf.data.Dataset):
        return split
    if isinstance(split, (tuple, list)) and len(split) == 2:
        dataset = tf.data.Dataset.from_tensor_slices(tuple(split))
        if name == "train":
            dataset = dataset.shuffle(len(split[1]), seed=seed)
        return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    raise InvalidArgumentError(
        f"The {name} split is a {type(split).__name__}: pass a tf.data.Dataset of (x, y) batches "
        "or an (x, y) pair of arrays.")

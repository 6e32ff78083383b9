"""The data a search trains on: loaded once, re-batched per trial.

Either a dataset name, loaded with zoo.data.load (once per augmentation preset the space asks
for), or explicit (train, validation, test) splits, each a batched tf.data.Dataset of (x, y) or an
(x, y) pair of arrays. Arrays get a fresh pipeline in every trial, shuffled by the same seed: every
configuration then sees the examples in the same order, and one trained twice scores the same. A
loaded pipeline shuffles on from one trial to the next, as from one epoch to the next.
"""
from __future__ import annotations

import math
from pathlib import Path

from zoo.errors import InvalidArgumentError

SPLITS = ("train", "validation", "test")


class SearchData:
    def __init__(self, name=None, *, splits=None, batch_size=128, load_options=None, seed=0):
        self.name = name
        self.batch_size = batch_size  # of the pipelines made here; None: the user's own
        self.load_options = dict(load_options or {})
        self.seed = seed
        self._by_augment = {}
        self._arrays = {}
        self._sizes = {}
        if splits is not None:
            self._by_augment[None] = dict(zip(SPLITS, splits))

    @classmethod
    def explicit(cls, splits, batch_size=128, seed=0):
        if not isinstance(splits, (tuple, list)) or len(splits) != 3 or not all(
                _is_pair(s) or _is_dataset(s) for s in splits):
            raise InvalidArgumentError(
                "data must be a dataset name or a (train, validation, test) tuple, each a "
                "tf.data.Dataset of (x, y) batches or an (x, y) pair of arrays.")
        if all(_is_pair(s) for s in splits):
            return cls.from_arrays(dict(zip(SPLITS, splits)), batch_size, seed)
        if not all(_is_dataset(s) for s in splits):
            splits = [_as_dataset(s, batch_size) for s in splits]
        return cls(splits=list(splits), batch_size=None)

    @classmethod
    def from_arrays(cls, arrays: dict, batch_size=128, seed=0):
        data = cls(batch_size=batch_size, seed=seed)
        data._arrays = {split: (x, y) for split, (x, y) in arrays.items()}
        data._sizes = {split: len(y) for split, (_, y) in arrays.items()}
        data._by_augment[None] = {}
        return data

    @classmethod
    def saved(cls, folder, batch_size=128, seed=0):
        """Splits written by `save` (how workers of a distributed search get explicit data)."""
        import numpy as np
        import tensorflow as tf
        folder = Path(folder)
        if (folder / "arrays.npz").exists():
            with np.load(folder / "arrays.npz") as saved:
                arrays = {s: (saved[f"{s}_x"], saved[f"{s}_y"]) for s in SPLITS}
            return cls.from_arrays(arrays, batch_size, seed)
        return cls(splits=[tf.data.Dataset.load(str(folder / s)) for s in SPLITS],
                   batch_size=None)

    def save(self, folder):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if self._arrays:
            import numpy as np
            np.savez(folder / "arrays.npz", **{f"{s}_{k}": v for s, (x, y) in self._arrays.items()
                                               for k, v in (("x", x), ("y", y))})
            return
        for split in SPLITS:
            self.split(split).save(str(folder / split))

    def combined(self, batch_size):
        """Splits for the final retrain of a search over explicit data: training + validation
        data to train on, no validation split, the test split (a zoo.data.Splits without info)."""
        from zoo.data import Splits
        train = self.split("train", batch_size=batch_size).concatenate(
            self.split("validation", batch_size=batch_size))
        return Splits(train=train, validation=None, test=self.split("test"), info=None,
                      sizes={split: self._sizes.get(split) for split in SPLITS})

    def split(self, split, *, augment=None, batch_size=None):
        if self._arrays:
            return _as_dataset(self._arrays[split], batch_size or self.batch_size,
                               shuffle_seed=self.seed if split == "train" else None)
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


def _is_pair(split) -> bool:
    return isinstance(split, (tuple, list)) and len(split) == 2


def _is_dataset(split) -> bool:
    import tensorflow as tf
    return isinstance(split, tf.data.Dataset)


def _as_dataset(pair, batch_size, shuffle_seed=None):
    import tensorflow as tf
    dataset = tf.data.Dataset.from_tensor_slices(tuple(pair))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(pair[1]), seed=shuffle_seed)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)

"""How examples are divided: a validation split held out from the training data (deterministic for
a seed), optional subsets, and the `Splits` record that `zoo.data.load` returns."""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from zoo.data.catalog import DatasetInfo
from zoo.errors import InvalidArgumentError


@dataclasses.dataclass
class Splits:
    """Batched, prefetched `tf.data.Dataset`s of (inputs, labels); `validation` is None when
    validation_fraction=0 and the source has no validation split of its own."""
    train: Any
    validation: Any
    test: Any
    info: DatasetInfo
    sizes: dict
    vectorizer: Any = None  # text: the adapted TextVectorization layer


def _take(pair, index):
    return pair[0][index], pair[1][index]


def divide(arrays: dict, *, validation_fraction: float, subset: int | None, seed: int) -> dict:
    """train/validation/test (inputs, labels). The source's own validation split is used when it
    has one; else `validation_fraction` of the training examples, chosen at random, are held out."""
    rng = np.random.default_rng(seed)
    train, validation = arrays["train"], arrays.get("validation")
    if validation is None and validation_fraction > 0:
        count = len(train[1])
        held_out = max(1, round(validation_fraction * count))
        if held_out >= count:
            raise InvalidArgumentError(
                f"validation_fraction={validation_fraction} leaves no training examples out of "
                f"{count}; use a smaller fraction.")
        order = rng.permutation(count)
        validation, train = _take(train, order[:held_out]), _take(train, order[held_out:])
    out = {"train": train, "validation": validation, "test": arrays["test"]}
    if subset is not None:
        out = {split: pair if pair is None else _subset(pair, subset, rng)
               for split, pair in out.items()}
    return out


def _subset(pair, size: int, rng):
    """At most `size` examples, chosen at random (folder splits are sorted by class)."""
    count = len(pair[1])
    if count <= size:
        return pair
    return _take(pair, np.sort(rng.permutation(count)[:size]))

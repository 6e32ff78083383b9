"""The two batch forms added for JAX: arrays fed without tf.data (zoo.data.arrays) and batches of
one size for data-parallel training (zoo.data.even_batches)."""
import numpy as np
import pytest
import tensorflow as tf

import zoo.data
from zoo.data.even_batches import for_devices
from zoo.data.splits import Splits
from zoo.errors import InvalidArgumentError


def arrays(count, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (count, 6, 6, 1), dtype=np.uint8), rng.integers(0, 3, count)


def test_array_batches_scale_shuffle_per_epoch_and_resume_in_the_same_order():
    splits = zoo.data.from_arrays(arrays(50), arrays(20, 1), batch_size=8,
                                  validation_fraction=0.2, seed=3)
    assert splits.sizes == {"train": 40, "validation": 10, "test": 20}
    assert splits.info.domain == "image" and splits.info.num_classes == 3
    x, y = splits.train[0]
    assert x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1 and y.dtype == np.int32
    first = np.concatenate([splits.train[i][1] for i in range(len(splits.train))])
    splits.train.on_epoch_end()
    second = np.concatenate([splits.train[i][1] for i in range(len(splits.train))])
    assert sorted(first) == sorted(second) and not np.array_equal(first, second)
    # A resumed run skips to the same epoch's order.
    again = zoo.data.from_arrays(arrays(50), arrays(20, 1), batch_size=8,
                                 validation_fraction=0.2, seed=3).train
    again.skip_epochs(1)
    np.testing.assert_array_equal(
        np.concatenate([again[i][1] for i in range(len(again))]), second)
    # The evaluation splits keep their order, and read as tf.data datasets do.
    xs = np.concatenate([x for x, _ in splits.test.as_numpy_iterator()])
    np.testing.assert_allclose(xs, arrays(20, 1)[0] / 255.0, rtol=1e-6)


def tf_splits(train=70, validation=21, batch=8):
    def dataset(count, seed):
        x, y = arrays(count, seed)
        return tf.data.Dataset.from_tensor_slices((x.astype("float32"), y)).batch(batch)
    return Splits(train=dataset(train, 0), validation=dataset(validation, 1),
                  test=dataset(10, 2), info=None,
                  sizes={"train": train, "validation": validation, "test": 10})


def test_even_batches_drop_the_partial_training_batch_and_weigh_validation_padding_zero():
    splits = for_devices(tf_splits(), batch_size=8, devices=2)
    train = list(splits.train.as_numpy_iterator())
    assert len(train) == int(splits.train.cardinality()) == 8  # 70 // 8; 6 examples dropped
    assert all(len(y) == 8 for _, y in train)
    validation = list(splits.validation.as_numpy_iterator())
    assert all(len(y) == 8 for _, y, _ in validation) and len(validation) == 3
    weights = np.concatenate([w for _, _, w in validation])
    assert weights.sum() == 21 and set(weights[21:]) == {0.0}  # 3 copies, weighed 0
    # The real examples come first, unchanged.
    x_val = np.concatenate([x for x, _, _ in validation])[:21]
    np.testing.assert_array_equal(x_val, arrays(21, 1)[0].astype("float32"))


def test_even_batches_are_refused_where_they_cannot_be_made():
    with pytest.raises(InvalidArgumentError, match="does not divide over 2 devices"):
        for_devices(tf_splits(), batch_size=7, devices=2)
    with pytest.raises(InvalidArgumentError, match="fewer than one batch"):
        for_devices(tf_splits(train=5), batch_size=8, devices=2)
    arrays_splits = zoo.data.from_arrays(arrays(50), arrays(20, 1), batch_size=8)
    with pytest.raises(InvalidArgumentError, match="zoo.data.load"):
        for_devices(arrays_splits, batch_size=8, devices=2)


def test_the_test_split_is_not_changed():
    splits = tf_splits()
    assert for_devices(splits, batch_size=8, devices=2).test is splits.test  # one device

"""The real datasets in ZOO_DATA_DIR (../shared/data): sizes, classes, values, splits, seeds.

Full split sizes and class counts are checked on the raw arrays; pipelines use `subset=` where the
full size is not the point, to keep the suite fast."""
import hashlib

import numpy as np
import pytest

import zoo.data
from zoo.data import datasets

pytestmark = pytest.mark.realdata

SIZES = {
    "mnist": {"train": 60000, "test": 10000},
    "fashion_mnist": {"train": 60000, "test": 10000},
    "forda": {"train": 3601, "test": 1320},
    "imdb": {"train": 25000, "test": 25000},
    "cifar10": {"train": 50000, "test": 10000},
    "cats_vs_dogs": {"train": 2000, "validation": 1000, "test": 1000},
}
# Examples per class id in each split, from the datasets' MANIFEST.txt files.
CLASS_COUNTS = {
    "mnist": {"train": [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
              "test": [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]},
    "fashion_mnist": {"train": [6000] * 10, "test": [1000] * 10},
    "forda": {"train": [1846, 1755], "test": [681, 639]},
    "imdb": {"train": [12500, 12500], "test": [12500, 12500]},
    "cifar10": {"train": [5000] * 10, "test": [1000] * 10},
    "cats_vs_dogs": {"train": [1000, 1000], "validation": [500, 500], "test": [500, 500]},
}


def examples(ds):
    xs, ys = zip(*((x.numpy(), y.numpy()) for x, y in ds))
    return np.concatenate(xs), np.concatenate(ys)


def digests(x):
    return {hashlib.sha256(row.tobytes()).hexdigest() for row in x}


@pytest.mark.parametrize("name", sorted(SIZES))
def test_full_split_sizes_and_class_counts(name, real_data_dir):
    raw = datasets.read(name, data_dir=real_data_dir)
    assert {split: len(y) for split, (_, y) in raw.arrays.items()} == SIZES[name]
    assert raw.info.splits == SIZES[name] == zoo.data.describe(name).splits
    for split, counts in CLASS_COUNTS[name].items():
        labels = raw.arrays[split][1]
        assert np.bincount(labels, minlength=raw.info.num_classes).tolist() == counts
    if raw.info.domain != "text":  # text has its shape only once vectorized
        assert raw.arrays["train"][0].shape[1:] == raw.info.input_shape


@pytest.mark.parametrize("name,low,high", [
    ("mnist", 0.0, 1.0), ("fashion_mnist", 0.0, 1.0), ("cifar10", 0.0, 1.0),
    ("cats_vs_dogs", 0.0, 1.0), ("forda", -20.0, 20.0),
])
def test_value_ranges_and_dtypes(name, low, high, real_data_dir):
    splits = zoo.data.load(name, data_dir=real_data_dir, subset=300, batch_size=100)
    info = zoo.data.describe(name)
    for split in ("train", "validation", "test"):
        x, y = examples(getattr(splits, split))
        assert x.dtype == np.float32 and y.dtype == np.int32
        assert x.shape[1:] == info.input_shape == splits.info.input_shape
        assert low <= x.min() and x.max() <= high and x.std() > 0.05
        assert 0 <= y.min() and y.max() < info.num_classes


def test_imdb_token_ids(real_data_dir):
    splits = zoo.data.load("imdb", data_dir=real_data_dir, subset=2000, vocab_size=5000,
                           sequence_length=120)
    x, y = examples(splits.test)
    assert x.shape == (2000, 120) and x.dtype == np.int32 and 0 <= x.min() and x.max() < 5000
    assert set(np.unique(y)) == {0, 1}
    assert splits.vectorizer.vocabulary_size() == 5000
    assert "movie" in splits.vectorizer.get_vocabulary()[:50]


def test_forda_labels_become_zero_and_one(real_data_dir):
    info = zoo.data.load("forda", data_dir=real_data_dir, subset=50).info
    assert info.class_names == ("-1", "1") and info.task == "binary"
    same = zoo.data.ucr("FordA", data_dir=real_data_dir, subset=50)  # any UCR folder
    assert same.info.class_names == info.class_names and same.info.input_shape == (500, 1)


def test_environment_variable_points_at_the_data(real_data_dir, monkeypatch):
    monkeypatch.setenv("ZOO_DATA_DIR", str(real_data_dir))
    assert zoo.data.load("forda", subset=10).sizes["test"] == 10


@pytest.mark.parametrize("name", ["fashion_mnist", "forda"])
def test_validation_is_disjoint_from_train(name, real_data_dir):
    splits = zoo.data.load(name, data_dir=real_data_dir, batch_size=2048)
    train, validation = examples(splits.train)[0], examples(splits.validation)[0]
    total = SIZES[name]["train"]
    assert len(validation) == round(0.1 * total) and len(train) + len(validation) == total
    assert not digests(train) & digests(validation)


def test_cats_vs_dogs_uses_its_own_validation_folder(real_data_dir):
    splits = zoo.data.load("cats_vs_dogs", data_dir=real_data_dir, validation_fraction=0.5)
    assert splits.sizes == SIZES["cats_vs_dogs"]
    assert splits.info.input_shape == (180, 180, 3)


def test_cats_vs_dogs_resized(real_data_dir):
    splits = zoo.data.load("cats_vs_dogs", data_dir=real_data_dir, image_size=(96, 128),
                           subset=20)
    x, _ = next(iter(splits.validation))
    assert x.shape[1:] == (96, 128, 3) == splits.info.input_shape


def test_same_seed_gives_the_same_batches(real_data_dir):
    def batches(seed):
        splits = zoo.data.load("mnist", data_dir=real_data_dir, seed=seed, subset=2000,
                               batch_size=64, augment="standard")
        return [x.numpy() for x, _ in splits.train.take(4)], examples(splits.validation)[1]

    (a, va), (b, vb), (c, _) = batches(7), batches(7), batches(8)
    assert all(np.array_equal(p, q) for p, q in zip(a, b)) and np.array_equal(va, vb)
    assert not np.array_equal(a[0], c[0])


def test_augmentation_changes_training_images_only(real_data_dir):
    plain = zoo.data.load("cifar10", data_dir=real_data_dir, subset=256, seed=3)
    augmented = zoo.data.load("cifar10", data_dir=real_data_dir, subset=256, seed=3,
                              augment="standard")
    for split in ("validation", "test"):
        np.testing.assert_array_equal(examples(getattr(plain, split))[0],
                                      examples(getattr(augmented, split))[0])
    (a, ya), (b, yb) = next(iter(plain.train)), next(iter(augmented.train))
    np.testing.assert_array_equal(ya, yb)
    changed = np.mean(np.abs(a.numpy() - b.numpy()).reshape(len(a), -1).max(axis=1) > 0.1)
    assert changed > 0.9
    assert 0.0 <= float(np.min(b)) and float(np.max(b)) <= 1.0

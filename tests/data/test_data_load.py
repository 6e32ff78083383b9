"""`load` on small generated datasets: shapes, dtypes, ranges, splits, seeds, options."""
import hashlib

import numpy as np
import pytest

import zoo.data
from zoo.errors import InvalidArgumentError


def examples(ds):
    """All (inputs, labels) of a batched dataset as two numpy arrays."""
    xs, ys = zip(*((x.numpy(), y.numpy()) for x, y in ds))
    return np.concatenate(xs), np.concatenate(ys)


def digests(x):
    return {hashlib.sha256(row.tobytes()).hexdigest() for row in x}


def test_series_splits_shapes_and_labels(ucr_folder):
    splits = zoo.data.ucr(str(ucr_folder), batch_size=16, validation_fraction=0.2)
    assert splits.sizes == {"train": 40, "validation": 10, "test": 20}
    assert splits.info.splits == {"train": 50, "test": 20}
    x, y = examples(splits.train)
    assert x.shape == (40, 24, 1) and x.dtype == np.float32 and y.dtype == np.int32
    assert set(np.unique(y)) == {0, 1} and splits.vectorizer is None
    first, _ = next(iter(splits.train))
    assert first.shape[0] == 16


def test_validation_is_held_out_from_train_and_disjoint(ucr_folder):
    splits = zoo.data.ucr(str(ucr_folder), validation_fraction=0.3)
    train, validation = examples(splits.train)[0], examples(splits.validation)[0]
    assert len(train) == 35 and len(validation) == 15
    assert not digests(train) & digests(validation)
    everything = zoo.data.ucr(str(ucr_folder), validation_fraction=0.0)
    assert everything.validation is None and everything.sizes["validation"] == 0
    assert digests(examples(everything.train)[0]) == digests(train) | digests(validation)


def test_same_seed_same_batches_other_seed_other_split(ucr_folder):
    def first_batches(seed):
        splits = zoo.data.ucr(str(ucr_folder), batch_size=8, seed=seed, augment="standard")
        return [x.numpy() for x, _ in splits.train.take(3)], examples(splits.validation)[0]

    (a, va), (b, vb), (c, vc) = first_batches(3), first_batches(3), first_batches(4)
    assert all(np.array_equal(p, q) for p, q in zip(a, b)) and np.array_equal(va, vb)
    assert not np.array_equal(a[0], c[0]) and digests(va) != digests(vc)


def test_training_order_changes_each_epoch(ucr_folder):
    splits = zoo.data.ucr(str(ucr_folder), batch_size=50, validation_fraction=0.0)
    epoch1, epoch2 = (next(iter(splits.train))[1].numpy() for _ in range(2))
    assert sorted(epoch1) == sorted(epoch2) and not np.array_equal(epoch1, epoch2)


def test_subset_caps_every_split(ucr_folder):
    splits = zoo.data.ucr(str(ucr_folder), subset=7)
    assert splits.sizes == {"train": 7, "validation": 5, "test": 7}


def test_image_folder_values_and_resize(image_folder):
    splits = zoo.data.image_folder(str(image_folder), batch_size=4, image_size=(8, 10))
    assert splits.info.input_shape == (8, 10, 3)
    assert splits.sizes == {"train": 27, "validation": 3, "test": 12}
    x, y = examples(splits.test)
    assert x.shape == (12, 8, 10, 3) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.5
    assert list(y) == [0] * 4 + [1] * 4 + [2] * 4


def test_image_folder_own_validation_split(image_folder, writers):
    for cls in "abc":
        writers.images(image_folder / "validation" / cls, 2, seed=99)
    splits = zoo.data.image_folder(str(image_folder), validation_fraction=0.5)
    assert splits.sizes == {"train": 30, "validation": 6, "test": 12}


def test_grayscale_folder_has_one_channel(tmp_path):
    from PIL import Image

    for split in ("train", "test"):
        for cls in ("x", "y"):
            (tmp_path / split / cls).mkdir(parents=True)
            for i in range(3):
                pixels = np.full((6, 6), 40 * i, np.uint8)
                Image.fromarray(pixels).save(tmp_path / split / cls / f"{i}.png")
    splits = zoo.data.image_folder(str(tmp_path), validation_fraction=0.0)
    assert splits.info.input_shape == (6, 6, 1) and splits.info.task == "binary"
    assert next(iter(splits.train))[0].shape[1:] == (6, 6, 1)


def test_text_folder_vectorized_on_train_only(text_folder):
    splits = zoo.data.text_folder(str(text_folder), batch_size=5, sequence_length=12,
                                  vocab_size=100)
    assert splits.info.input_shape == (12,) and splits.sizes == {"train": 40, "validation": 6,
                                                                  "test": 10}
    vocabulary = splits.vectorizer.get_vocabulary()
    assert "great" in vocabulary and "br" not in vocabulary  # HTML line breaks are stripped
    assert "test" not in vocabulary and "validation" not in vocabulary  # only train is adapted
    x, y = next(iter(splits.test))
    assert x.shape == (5, 12) and x.dtype.name == "int32" and y.dtype.name == "int32"


def test_vectorizer_builds_an_end_to_end_model(text_folder, tmp_path):
    import keras

    splits = zoo.data.text_folder(str(text_folder), sequence_length=12, vocab_size=100)
    raw = keras.Input(shape=(), dtype="string")
    model = keras.Model(raw, splits.vectorizer(raw))
    ids = model(np.array(["great fun movie<br />"]))
    assert ids.shape == (1, 12) and int(ids[0, 0]) > 1
    model.save(tmp_path / "end_to_end.keras")  # the standardization is a registered function
    again = keras.saving.load_model(tmp_path / "end_to_end.keras")
    np.testing.assert_array_equal(again(np.array(["great fun movie<br />"])), ids)


@pytest.mark.parametrize("options,argument", [
    ({"batch_size": 0}, "batch_size"),
    ({"validation_fraction": 1.5}, "validation_fraction"),
    ({"subset": -1}, "subset"),
    ({"seed": -2}, "seed"),
    ({"augment": "heavy"}, "augment"),
    ({"augment": [object()]}, "augment"),
    ({"image_size": (32, 32)}, "image_size"),  # a series dataset has no image size
    ({"vocab_size": 10}, "vocab_size"),  # a text option
    ({"shuffle_buffer": 0}, "shuffle_buffer"),
])
def test_bad_options(ucr_folder, options, argument):
    with pytest.raises(InvalidArgumentError, match=argument):
        zoo.data.ucr(str(ucr_folder), **options)


def test_bad_text_option(text_folder):
    with pytest.raises(InvalidArgumentError, match="sequence_length"):
        zoo.data.text_folder(str(text_folder), sequence_length=0)


def test_bad_options_fail_before_reading(tmp_path):
    with pytest.raises(InvalidArgumentError):
        zoo.data.load("cifar10", data_dir=tmp_path, batch_size=0)


def test_validation_fraction_that_leaves_nothing(tmp_path, writers):
    folder = tmp_path / "Tiny"
    folder.mkdir()
    writers.ucr(folder / "Tiny_TRAIN.tsv", [1, 2], 5)
    writers.ucr(folder / "Tiny_TEST.tsv", [1, 2], 5)
    with pytest.raises(InvalidArgumentError, match="no training examples"):
        zoo.data.ucr(str(folder), validation_fraction=0.9)


def test_text_vocabulary_does_not_depend_on_the_subset(text_folder):
    """A model trained on the full data and evaluated with --subset must see the same token ids."""
    full = zoo.data.load(f"text:{text_folder}", batch_size=4, sequence_length=8)
    part = zoo.data.load(f"text:{text_folder}", batch_size=4, sequence_length=8, subset=2)
    assert part.sizes["train"] == 2 < full.sizes["train"]
    assert part.vectorizer.get_vocabulary() == full.vectorizer.get_vocabulary()

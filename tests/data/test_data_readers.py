"""The raw-format readers (IDX, UCR TSV) and their errors on truncated, corrupt, missing files."""
import gzip

import numpy as np
import pytest

import zoo.data
from zoo.data import datasets, readers
from zoo.errors import DataError


def test_read_idx_plain_and_gzip(tmp_path, writers):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    for name in ("a.idx", "a.idx.gz"):
        writers.idx(tmp_path / name, array)
        np.testing.assert_array_equal(readers.read_idx(tmp_path / name), array)


def test_read_idx_pair_adds_channel_axis(idx_folder):
    x, y = readers.read_idx_pair(idx_folder / "train-images-idx3-ubyte.gz",
                                 idx_folder / "train-labels-idx1-ubyte.gz", num_classes=10)
    assert x.shape == (60, 28, 28, 1) and x.dtype == np.uint8
    assert y.dtype == np.int32 and y.max() == 9


def test_idx_bad_magic(tmp_path):
    path = tmp_path / "bad.idx"
    path.write_bytes(b"\x12\x34\x08\x01" + bytes(8))
    with pytest.raises(DataError, match="bad.idx.*magic"):
        readers.read_idx(path)


def test_idx_size_mismatch(tmp_path, writers):
    path = tmp_path / "short.idx"
    writers.idx(path, np.zeros((4, 5), np.uint8))
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(DataError, match="short.idx.*truncated"):
        readers.read_idx(path)


def test_truncated_gzip_names_the_file(idx_folder):
    path = idx_folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz.*truncated") as err:
        zoo.data.load("mnist", data_dir=idx_folder.parent)
    assert err.value.__cause__ is None and err.value.__suppress_context__


@pytest.fixture
def any_mnist_content(monkeypatch):
    """Let generated IDX files stand in for MNIST: no canonical-content check."""
    monkeypatch.setitem(datasets.IDX_SHA256, "mnist", {})


def test_idx_folder_loads_end_to_end(idx_folder, any_mnist_content):
    splits = zoo.data.load("mnist", data_dir=idx_folder.parent, batch_size=16)
    assert splits.sizes == {"train": 54, "validation": 6, "test": 20}
    x, y = next(iter(splits.test))
    assert x.shape == (16, 28, 28, 1) and x.dtype.name == "float32" and y.dtype.name == "int32"
    assert 0.0 <= float(x.numpy().min()) and float(x.numpy().max()) <= 1.0


def test_corrupt_gzip_names_the_file(idx_folder, any_mnist_content):
    path = idx_folder / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz.*corrupt"):
        zoo.data.load("mnist", data_dir=idx_folder.parent)


def test_label_beyond_the_classes(idx_folder, writers, any_mnist_content):
    writers.idx(idx_folder / "t10k-labels-idx1-ubyte.gz", np.full(20, 12))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz holds label 12"):
        zoo.data.load("mnist", data_dir=idx_folder.parent)


def test_missing_file_names_it(idx_folder):
    (idx_folder / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DataError, match="lacks t10k-images-idx3-ubyte.gz"):
        zoo.data.load("mnist", data_dir=idx_folder.parent)


def test_mnist_content_is_checked_against_the_canonical_digest(idx_folder):
    """The tiny generated files are valid IDX but not MNIST: the recorded sha256 catches it."""
    with pytest.raises(DataError, match="differs from the canonical"):
        zoo.data.load("mnist", data_dir=idx_folder.parent)


def test_read_ucr_and_class_ids(ucr_folder):
    name, train, test = readers.ucr_files(ucr_folder)
    assert (name, train.name, test.name) == ("Toy", "Toy_TRAIN.tsv.gz", "Toy_TEST.tsv")
    x, labels = readers.read_ucr(train)
    assert x.shape == (50, 24, 1) and x.dtype == np.float32
    names, y_train, y_test = readers.class_ids(labels, readers.read_ucr(test)[1], test)
    assert names == ("-1", "1")
    assert set(y_train) == {0, 1} and y_train[0] == 0 and y_test[0] == 1


def test_ucr_truncated_row(ucr_folder):
    path = ucr_folder / "Toy_TEST.tsv"
    text = path.read_text()
    path.write_text(text[: len(text) - 40])
    with pytest.raises(DataError, match="Toy_TEST.tsv.*truncated or corrupt"):
        zoo.data.load(f"ucr:{ucr_folder}")


def test_ucr_truncated_gzip(ucr_folder):
    path = ucr_folder / "Toy_TRAIN.tsv.gz"
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(DataError, match="Toy_TRAIN.tsv.gz"):
        zoo.data.load(f"ucr:{ucr_folder}")


def test_ucr_unseen_test_label(ucr_folder, writers):
    writers.ucr(ucr_folder / "Toy_TEST.tsv", [1, 7], 24)
    with pytest.raises(DataError, match=r"labels \[7\.0\]"):
        zoo.data.describe(f"ucr:{ucr_folder}")


def test_ucr_missing_test_file(ucr_folder):
    (ucr_folder / "Toy_TEST.tsv").unlink()
    with pytest.raises(DataError, match="no Toy_TEST"):
        zoo.data.load(f"ucr:{ucr_folder}")


def test_ucr_nan_padding_becomes_zero(tmp_path):
    folder = tmp_path / "Var"
    folder.mkdir()
    for split in ("TRAIN", "TEST"):
        with gzip.open(folder / f"Var_{split}.tsv.gz", "wt") as f:
            f.write("1\t0.5\t0.25\tNaN\n2\t1.0\t2.0\t3.0\n")
    x, _ = readers.read_ucr(folder / "Var_TRAIN.tsv.gz")
    assert x[0, 2, 0] == 0.0 and not np.isnan(x).any()

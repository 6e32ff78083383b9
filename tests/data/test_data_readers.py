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
    with pytest.raises(DataError, match=r"labels \['7'\]"):
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


@pytest.fixture
def two_ucr_datasets(tmp_path, writers):
    """One folder holding the files of two UCR datasets: Alpha (length 10) and Beta (length 7)."""
    folder = tmp_path / "archive"
    folder.mkdir()
    writers.ucr(folder / "Alpha_TRAIN.tsv", [1, 2] * 6, 10)
    writers.ucr(folder / "Alpha_TEST.tsv.gz", [2, 1] * 3, 10)
    writers.ucr(folder / "Beta_TRAIN.tsv.gz", [1, 2, 3] * 4, 7)
    writers.ucr(folder / "Beta_TEST.tsv", [3, 2, 1], 7)
    return folder


@pytest.mark.parametrize("read", [zoo.data.describe, zoo.data.load])
def test_ucr_folder_of_two_datasets_is_refused(two_ucr_datasets, read):
    with pytest.raises(DataError) as err:
        read(f"ucr:{two_ucr_datasets}")
    message = str(err.value)
    assert "Alpha" in message and "Beta" in message and "\n" not in message
    assert f"ucr:{two_ucr_datasets / 'Alpha'}" in message  # how to pick one


def test_ucr_folder_slash_name_picks_one_dataset(two_ucr_datasets):
    beta = zoo.data.describe(f"ucr:{two_ucr_datasets}/Beta")
    assert beta.input_shape == (7, 1) and beta.splits == {"train": 12, "test": 3}
    assert beta.num_classes == 3 and "Beta_TRAIN.tsv.gz" in beta.source
    alpha = zoo.data.load(f"ucr:{two_ucr_datasets}/Alpha", validation_fraction=0.0)
    assert alpha.info.input_shape == (10, 1) and alpha.sizes == {"train": 12, "validation": 0,
                                                                  "test": 6}


def test_ucr_folder_slash_name_relative_to_the_data_folder(two_ucr_datasets):
    info = zoo.data.describe("ucr:archive/Beta", data_dir=two_ucr_datasets.parent)
    assert info.input_shape == (7, 1)


def test_ucr_folder_slash_name_of_a_sub_folder_still_works(tmp_path, ucr_folder, writers):
    """'ucr:FOLDER/NAME' where FOLDER/NAME is a folder reads that folder, as before."""
    writers.ucr(tmp_path / "Other_TRAIN.tsv", [1, 2] * 3, 5)  # a dataset beside it is no matter
    writers.ucr(tmp_path / "Other_TEST.tsv", [1, 2], 5)
    info = zoo.data.describe(f"ucr:{tmp_path}/Toy")
    assert info.input_shape == (24, 1) and info.splits == {"train": 50, "test": 20}


def test_ucr_folder_slash_unknown_name_lists_the_datasets(two_ucr_datasets):
    with pytest.raises(DataError, match="Gamma.*Alpha, Beta"):
        zoo.data.describe(f"ucr:{two_ucr_datasets}/Gamma")


def test_ucr_missing_folder_is_still_reported_as_not_found(tmp_path):
    with pytest.raises(DataError, match="'nowhere/Toy' was not found"):
        zoo.data.describe("ucr:nowhere/Toy", data_dir=tmp_path)


def write_rows(path, rows):
    path.write_text("".join("\t".join(map(str, row)) + "\n" for row in rows))


def test_ucr_word_labels_become_class_ids(tmp_path):
    folder = tmp_path / "Heart"
    folder.mkdir()
    write_rows(folder / "Heart_TRAIN.tsv", [["normal", 0.1, 0.2], ["abnormal", 0.3, 0.4],
                                            ["normal", 0.5, 0.6]])
    write_rows(folder / "Heart_TEST.tsv", [["abnormal", 0.1, 0.2], ["normal", 0.3, 0.4]])
    info = zoo.data.describe(f"ucr:{folder}")
    assert info.class_names == ("abnormal", "normal") and info.task == "binary"
    raw = datasets.read(f"ucr:{folder}")
    assert raw.arrays["train"][1].tolist() == [1, 0, 1] and raw.arrays["test"][1].tolist() == [0, 1]
    assert raw.arrays["train"][1].dtype == np.int32


def test_ucr_numeric_labels_keep_numeric_order(tmp_path):
    train = np.array(["10", "-1", "1", "2", "10"])
    names, y_train, y_test = readers.class_ids(train, np.array(["2", "-1"]), tmp_path / "t.tsv")
    assert names == ("-1", "1", "2", "10")
    assert y_train.tolist() == [3, 0, 1, 2, 3] and y_test.tolist() == [2, 0]


def test_ucr_unseen_word_label_is_named(tmp_path):
    with pytest.raises(DataError, match=r"t\.tsv holds labels \['odd'\]"):
        readers.class_ids(np.array(["a", "b"]), np.array(["a", "odd"]), tmp_path / "t.tsv")


@pytest.mark.parametrize("missing", ["NaN", "nan", ""])
def test_ucr_missing_value_inside_a_series_is_refused(tmp_path, missing):
    folder = tmp_path / "Gaps"
    folder.mkdir()
    rows = [[1, 0.1, 0.2, 0.3, 0.4], [2, 0.5, 0.6, 0.7, 0.8], [1, 0.9, missing, 0.1, 0.2]]
    write_rows(folder / "Gaps_TRAIN.tsv", rows)
    write_rows(folder / "Gaps_TEST.tsv", rows[:2])
    with pytest.raises(DataError) as err:
        zoo.data.load(f"ucr:{folder}")
    message = str(err.value)
    assert "Gaps_TRAIN.tsv" in message and "line 3" in message and "column 3" in message
    assert "fill" in message and "drop" in message and "\n" not in message


def test_ucr_series_with_no_values_is_refused(tmp_path):
    path = tmp_path / "Empty_TRAIN.tsv"
    write_rows(path, [[1, 0.1, 0.2], [2, "NaN", "NaN"]])
    with pytest.raises(DataError, match="Empty_TRAIN.tsv.*line 2, column 2"):
        readers.read_ucr(path)


def test_ucr_bad_value_names_line_and_column(tmp_path):
    path = tmp_path / "Bad_TRAIN.tsv"
    write_rows(path, [[1, 0.1, 0.2], [2, 0.3, "0.4x"]])
    with pytest.raises(DataError, match="Bad_TRAIN.tsv line 2, column 3.*'0.4x'"):
        readers.read_ucr(path)


def test_ucr_folder_of_dataset_folders_names_them(tmp_path, ucr_folder):
    hint = f"holds no <Name>_TRAIN.*sub-folders Toy hold UCR datasets.*'ucr:{tmp_path}/Toy'"
    with pytest.raises(DataError, match=hint):
        zoo.data.describe(f"ucr:{tmp_path}")

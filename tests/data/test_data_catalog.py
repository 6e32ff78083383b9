"""Listing and describing datasets: instant (no TensorFlow), complete, clear on unknown names."""
import dataclasses
import subprocess
import sys

import pytest

import zoo.data
from zoo.errors import DataError, UnknownNameError

BUILTIN = ["cats_vs_dogs", "cifar10", "fashion_mnist", "forda", "imdb", "mnist", "toy_blobs",
           "toy_rings", "toy_spirals", "toy_xor"]


def test_list_datasets_is_sorted_and_complete():
    assert zoo.data.list_datasets() == BUILTIN


def test_list_and_describe_do_not_import_tensorflow():
    code = ("import sys, zoo.data\n"
            "zoo.data.list_datasets()\n"
            "[zoo.data.describe(n) for n in zoo.data.list_datasets()]\n"
            "zoo.data.augmentation_presets('mnist')\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("name,shape,classes,splits", [
    ("mnist", (28, 28, 1), 10, {"train": 60000, "test": 10000}),
    ("fashion_mnist", (28, 28, 1), 10, {"train": 60000, "test": 10000}),
    ("cifar10", (32, 32, 3), 10, {"train": 50000, "test": 10000}),
    ("imdb", (200,), 2, {"train": 25000, "test": 25000}),
    ("forda", (500, 1), 2, {"train": 3601, "test": 1320}),
    ("cats_vs_dogs", (180, 180, 3), 2, {"train": 2000, "validation": 1000, "test": 1000}),
])
def test_describe_builtin(name, shape, classes, splits):
    info = zoo.data.describe(name)
    assert (info.name, info.input_shape, info.num_classes, info.splits) == (name, shape, classes,
                                                                          splits)
    assert len(info.class_names) == classes
    assert info.task == ("binary" if classes == 2 else "multiclass")
    assert info.source and info.domain in ("image", "text", "series")
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.num_classes = 3


def test_class_names_follow_keras_conventions():
    assert zoo.data.describe("cifar10").class_names[:3] == ("airplane", "automobile", "bird")
    assert zoo.data.describe("imdb").class_names == ("neg", "pos")
    assert zoo.data.describe("fashion_mnist").class_names[9] == "Ankle boot"


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(UnknownNameError) as err:
        zoo.data.describe("mnsit")
    message = str(err.value)
    assert "'mnist'" in message and all(name in message for name in BUILTIN)
    with pytest.raises(UnknownNameError):
        zoo.data.load("no_such_dataset")


def test_describe_folders(image_folder, text_folder, ucr_folder):
    images = zoo.data.describe(f"images:{image_folder}")
    assert images.class_names == ("a", "b", "c") and images.input_shape == (12, 16, 3)
    assert images.splits == {"train": 30, "test": 12} and images.task == "multiclass"
    text = zoo.data.describe(f"text:{text_folder}")
    assert text.domain == "text" and text.splits == {"train": 40, "validation": 6, "test": 10}
    series = zoo.data.describe(f"ucr:{ucr_folder}")
    assert series.input_shape == (24, 1) and series.class_names == ("-1", "1")
    assert series.splits == {"train": 50, "test": 20}


def test_folder_relative_to_data_dir(ucr_folder):
    info = zoo.data.describe("ucr:Toy", data_dir=ucr_folder.parent)
    assert info.splits["train"] == 50


def test_missing_folder_says_where_it_looked(tmp_path):
    with pytest.raises(DataError, match="not found.*data_dir=FOLDER"):
        zoo.data.describe("images:nowhere", data_dir=tmp_path)


def test_folder_without_splits_is_refused(tmp_path):
    (tmp_path / "cats").mkdir()
    with pytest.raises(DataError, match="train/<class>"):
        zoo.data.describe(f"images:{tmp_path}")


@pytest.mark.parametrize("kind", ["images", "text"])
def test_one_class_folder_is_refused(tmp_path, writers, kind):
    for split in ("train", "test"):
        if kind == "images":
            writers.images(tmp_path / split / "cats", 2)
        else:
            writers.texts(tmp_path / split / "cats", ["purr", "meow"])
    for read in (zoo.data.describe, zoo.data.load):
        with pytest.raises(DataError, match="only one class.*'cats'.*at least two") as err:
            read(f"{kind}:{tmp_path}")
        assert "\n" not in str(err.value)

"""Tiny datasets made in the test: a UCR folder of series and an image folder, small enough to
train on in seconds, separable enough that a model learns them."""
import numpy as np
import pytest


def write_ucr(folder, name="Tiny", *, train=60, test=30, length=24, classes=3, seed=0):
    """<name>_TRAIN.tsv / _TEST.tsv: each class a sine of its own frequency, plus noise."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    t = np.linspace(0, 2 * np.pi, length)
    for split, count in (("TRAIN", train), ("TEST", test)):
        labels = np.arange(count) % classes
        series = np.sin((labels[:, None] + 1) * t) + 0.1 * rng.standard_normal((count, length))
        rows = np.column_stack([labels + 1, series])
        np.savetxt(folder / f"{name}_{split}.tsv", rows, delimiter="\t", fmt="%.5f")
    return folder


def write_images(folder, *, size=8, per_class=12):
    """train/ and test/ with two classes: bright and dark RGB squares."""
    from PIL import Image
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        for name, level in (("bright", 200), ("dark", 40)):
            target = folder / split / name
            target.mkdir(parents=True)
            for i in range(per_class):
                pixels = np.clip(level + rng.normal(0, 20, (size, size, 3)), 0, 255)
                Image.fromarray(pixels.astype("uint8")).save(target / f"{i}.png")
    return folder


@pytest.fixture(scope="session")
def ucr_folder(tmp_path_factory):
    return write_ucr(tmp_path_factory.mktemp("ucr") / "Tiny")


@pytest.fixture(scope="session")
def image_folder(tmp_path_factory):
    return write_images(tmp_path_factory.mktemp("images"))


@pytest.fixture(autouse=True)
def no_data_dir(monkeypatch):
    """These tests need no real data: they must pass without ZOO_DATA_DIR."""
    monkeypatch.delenv("ZOO_DATA_DIR", raising=False)

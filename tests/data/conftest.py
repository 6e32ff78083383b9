"""Fixtures of the data-layer tests: a shared cache folder, the real data folder, and small
generated datasets in every raw format (IDX, UCR TSV, image and text folders)."""
from __future__ import annotations

import gzip
import os
import types
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """ZOO_CACHE_DIR when set (CI can reuse unpacked data between runs), else one per session."""
    given = os.environ.get("ZOO_CACHE_DIR")
    return Path(given) if given else tmp_path_factory.mktemp("zoo-cache")


# Read once, before any test hides it: the tests pass it explicitly where they want it.
REAL_DATA_DIR = os.environ.get("ZOO_DATA_DIR")


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, cache_dir):
    """Every test uses the session cache, never the network, and no data folder unless it asks."""
    monkeypatch.setenv("ZOO_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("ZOO_OFFLINE", "1")
    monkeypatch.delenv("ZOO_DATA_DIR", raising=False)


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The real datasets (../shared/data), from ZOO_DATA_DIR as CI sets it."""
    if not REAL_DATA_DIR:
        pytest.skip("ZOO_DATA_DIR is not set: it must point at the real datasets (../shared/data)")
    return Path(REAL_DATA_DIR).resolve()


def write_idx(path: Path, array: np.ndarray):
    array = np.asarray(array, np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


@pytest.fixture
def idx_folder(tmp_path) -> Path:
    """A data folder whose mnist/ holds tiny IDX files: 60 train and 20 test 28x28 images."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "data" / "mnist"
    folder.mkdir(parents=True)
    for prefix, count in (("train", 60), ("t10k", 20)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (count, 28, 28)))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", np.arange(count) % 10)
    return folder


def write_ucr(path: Path, labels, length: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = [[label, *rng.normal(size=length)] for label in labels]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt") as f:
        for row in rows:
            f.write("\t".join(f"{v:.6f}" for v in row) + "\n")


@pytest.fixture
def ucr_folder(tmp_path) -> Path:
    """A UCR folder 'Toy' with labels -1/1: 50 train and 20 test series of length 24."""
    folder = tmp_path / "Toy"
    folder.mkdir()
    write_ucr(folder / "Toy_TRAIN.tsv.gz", [-1, 1] * 25, 24, seed=1)
    write_ucr(folder / "Toy_TEST.tsv", [1, -1] * 10, 24, seed=2)
    return folder


def write_images(folder: Path, count: int, size=(12, 16), seed: int = 0, suffix=".png"):
    from PIL import Image

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        pixels = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{i:03d}{suffix}")


@pytest.fixture
def image_folder(tmp_path) -> Path:
    """train/{a,b,c}/ 10 images each, test/ 4 each; 12x16 RGB PNG."""
    root = tmp_path / "pictures"
    for s, (split, count) in enumerate((("train", 10), ("test", 4))):
        for i, cls in enumerate("abc"):
            write_images(root / split / cls, count, seed=10 * s + i)
    return root


def write_texts(folder: Path, texts):
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"{i:03d}.txt").write_text(text)


@pytest.fixture
def text_folder(tmp_path) -> Path:
    """train/{neg,pos}/ 20 reviews each, test/ 5 each, and a validation/ split of its own."""
    root = tmp_path / "reviews"
    words = {"neg": "awful boring bad", "pos": "great fun good"}
    for split, count in (("train", 20), ("validation", 3), ("test", 5)):
        for label, text in words.items():
            write_texts(root / split / label,
                        [f"{text} movie number {i}<br /><br />{split}!" for i in range(count)])
    return root


@pytest.fixture
def writers():
    """The file writers above, for tests that build their own variants."""
    return types.SimpleNamespace(idx=write_idx, ucr=write_ucr, images=write_images,
                                 texts=write_texts)

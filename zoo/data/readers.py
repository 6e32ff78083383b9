"""Readers of the raw file formats into numpy arrays: IDX (the MNIST format) and UCR-archive TSV.

Every failure names the file: a truncated or corrupt file raises DataError, not a parser trace.
"""
from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

import numpy as np

from zoo.errors import DataError

IDX_DTYPES = {0x08: np.uint8}
CORRUPT = (EOFError, zlib.error, gzip.BadGzipFile)


def _bytes(path: Path) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            return f.read()
    except CORRUPT as err:
        raise DataError(f"Cannot read {path}: the file is truncated or corrupt ({err}).") from None
    except OSError as err:
        raise DataError(f"Cannot read {path}: {err}.") from None


def read_idx(path: Path, sha256: str | None = None) -> np.ndarray:
    """An IDX file (plain or .gz): magic (0, 0, dtype, ndim), ndim big-endian uint32 sizes, data.

    With `sha256`, the decompressed bytes must have that digest."""
    raw = _bytes(path)
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in IDX_DTYPES:
        raise DataError(f"{path} is not an IDX file of unsigned bytes (bad magic number).")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path} is truncated: its IDX header is incomplete.")
    dims = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        raise DataError(f"{path} holds {len(raw)} bytes, but its IDX header {dims} says "
                        f"{expected}: the file is truncated or corrupt.")
    if sha256 and hashlib.sha256(raw).hexdigest() != sha256:
        raise DataError(f"{path} decompresses to content that differs from the canonical "
                        "dataset (sha256 mismatch): replace it with a good copy.")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(dims)


def read_idx_pair(images: Path, labels: Path, *, num_classes: int, sha256=None):
    """Images (N, H, W, 1) uint8 and labels (N,) int32 from an IDX image file and label file."""
    sha256 = sha256 or {}  # keyed by the uncompressed file name
    x = read_idx(images, sha256.get(images.name.removesuffix(".gz")))
    y = read_idx(labels, sha256.get(labels.name.removesuffix(".gz")))
    if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
        raise DataError(f"{images} and {labels} do not match: shapes {x.shape} and {y.shape}.")
    if y.size and y.max() >= num_classes:
        raise DataError(f"{labels} holds label {y.max()}, beyond the {num_classes} classes.")
    return x[..., np.newaxis], y.astype(np.int32)


def ucr_files(folder: Path) -> tuple[str, Path, Path]:
    """The name and the train/test files of a UCR folder (<Name>_TRAIN.tsv[.gz], <Name>_TEST...)."""
    found = sorted(folder.glob("*_TRAIN.tsv")) + sorted(folder.glob("*_TRAIN.tsv.gz"))
    if not found:
        raise DataError(f"{folder} holds no <Name>_TRAIN.tsv or <Name>_TRAIN.tsv.gz file of the "
                        "UCR archive.")
    train = found[0]
    name = train.name.split("_TRAIN.tsv")[0]
    for test in (folder / f"{name}_TEST.tsv", folder / f"{name}_TEST.tsv.gz"):
        if test.is_file():
            return name, train, test
    raise DataError(f"{folder} has {train.name} but no {name}_TEST.tsv or {name}_TEST.tsv.gz.")


def read_ucr(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Series (N, length, 1) float32 and their raw labels from a UCR TSV (label, then values)."""
    try:
        table = np.loadtxt(path, delimiter="\t", ndmin=2)
    except (ValueError, *CORRUPT) as err:
        raise DataError(f"Cannot read {path}: the file is truncated or corrupt ({err}).") from None
    except OSError as err:
        raise DataError(f"Cannot read {path}: {err}.") from None
    if table.shape[0] == 0 or table.shape[1] < 2:
        raise DataError(f"{path} holds no series (expected a label column, then the values).")
    # Variable-length UCR series are padded with NaN; zero is the value of a z-normalised series.
    series = np.nan_to_num(table[:, 1:]).astype(np.float32)
    return series[..., np.newaxis], table[:, 0]


def class_ids(train_labels: np.ndarray, test_labels: np.ndarray, test_path: Path):
    """Map raw labels (e.g. -1/1) to class ids 0..K-1 in sorted order; return names and ids."""
    values = np.unique(train_labels)
    unseen = np.setdiff1d(np.unique(test_labels), values)
    if unseen.size:
        raise DataError(f"{test_path} holds labels {unseen.tolist()} that the training file lacks.")
    names = tuple(f"{v:g}" for v in values)
    return names, np.searchsorted(values, train_labels).astype(np.int32), \
        np.searchsorted(values, test_labels).astype(np.int32)

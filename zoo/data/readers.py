"""Readers of the raw file formats into numpy arrays: IDX (the MNIST format) and UCR-archive TSV.

Every failure names the file: a truncated or corrupt file raises DataError, not a parser trace.
"""
from __future__ import annotations

import gzip
import hashlib
import re
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


UCR_FILE = re.compile(r"(?P<name>[^.].*)_(?P<split>TRAIN|TEST)\.tsv(\.gz)?")


def ucr_names(folder: Path) -> list[str]:
    """The names of the UCR datasets whose <Name>_TRAIN/_TEST.tsv[.gz] files are in `folder`."""
    matches = (UCR_FILE.fullmatch(p.name) for p in folder.iterdir() if p.is_file())
    return sorted({m["name"] for m in matches if m})


def _ucr_file(folder: Path, name: str, split: str) -> Path | None:
    for path in (folder / f"{name}_{split}.tsv", folder / f"{name}_{split}.tsv.gz"):
        if path.is_file():
            return path
    return None


def _chosen_ucr_name(folder: Path, name: str | None) -> str:
    """`name` when `folder` holds its files, else the folder's only dataset; refuse ambiguity."""
    names = ucr_names(folder)
    if name is None and len(names) > 1:
        raise DataError(f"{folder} holds the files of {len(names)} UCR datasets "
                        f"({', '.join(names)}) and 'ucr:{folder}' does not say which to load: "
                        f"pick one as 'ucr:{folder / names[0]}' (ucr:FOLDER/NAME).")
    if not names:
        raise DataError(f"{folder} holds no <Name>_TRAIN.tsv or <Name>_TRAIN.tsv.gz file of the "
                        f"UCR archive.{_sub_folders_hint(folder)}")
    if name is not None and name not in names:
        raise DataError(f"{folder} holds no {name}_TRAIN.tsv[.gz] or {name}_TEST.tsv[.gz] file: "
                        f"its UCR datasets are {', '.join(names)}; pick one of those names.")
    return name or names[0]


def _sub_folders_hint(folder: Path) -> str:
    """' Its sub-folders A, B hold UCR datasets: ...' when they do (an archive of datasets)."""
    subs = sorted(p.name for p in folder.iterdir() if p.is_dir() and ucr_names(p))
    if not subs:
        return ""
    return (f" Its sub-folders {_few(subs)} hold UCR datasets: pick one as "
            f"'ucr:{folder / subs[0]}'.")


def ucr_files(folder: Path, name: str | None = None) -> tuple[str, Path, Path]:
    """The name and the train/test files of a UCR dataset in `folder` (<Name>_TRAIN.tsv[.gz],
    <Name>_TEST...): the one named `name`, else the folder's only one."""
    name = _chosen_ucr_name(folder, name)
    train, test = _ucr_file(folder, name, "TRAIN"), _ucr_file(folder, name, "TEST")
    if train is None or test is None:
        have, lacking = (train, "TEST") if test is None else (test, "TRAIN")
        raise DataError(f"{folder} has {have.name} but no {name}_{lacking}.tsv or "
                        f"{name}_{lacking}.tsv.gz.")
    return name, train, test


def _text_lines(path: Path) -> list[str]:
    try:
        return _bytes(path).decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as err:
        raise DataError(f"Cannot read {path}: it is not a text file, or it is corrupt "
                        f"({err}).") from None


def _values(path: Path, number: int, fields: list[str]) -> np.ndarray:
    """The series of one line: its fields as float64, empty fields as NaN (missing)."""
    if "" in fields:
        fields = [field or "nan" for field in fields]
    try:
        return np.array(fields, dtype=np.float64)
    except ValueError:
        column, bad = next(((i, f) for i, f in enumerate(fields, 2) if not _is_number(f)),
                           ("?", "a value"))
        raise DataError(f"{path} line {number}, column {column} holds {bad!r}, not a number: the "
                        "file is corrupt, or not a UCR TSV (label, then the values, "
                        "tab-separated).") from None


def _is_number(text: str) -> bool:
    try:
        np.float64(text)
    except ValueError:
        return False
    return True


def _ucr_table(path: Path) -> tuple[list[int], list[str], np.ndarray]:
    """Line numbers (1-based), raw labels and the (N, length) values of a UCR TSV's rows."""
    numbers, labels, rows = [], [], []
    for number, line in enumerate(_text_lines(path), 1):
        if not line.strip():
            continue
        label, *fields = line.split("\t")
        if not fields or not label.strip():
            raise DataError(f"{path} line {number} is not a label followed by values: the file "
                            "is truncated or corrupt.")
        values = _values(path, number, fields)
        if rows and len(values) != len(rows[0]):
            raise DataError(f"{path} line {number} has {len(values)} values but line "
                            f"{numbers[0]} has {len(rows[0])}: the file is truncated or corrupt.")
        numbers.append(number)
        labels.append(label.strip())
        rows.append(values)
    if not rows:
        raise DataError(f"{path} holds no series (expected a label column, then the values).")
    return numbers, labels, np.stack(rows)


def _check_no_gaps(path: Path, numbers: list[int], table: np.ndarray):
    """Refuse missing values (NaN or empty) inside a series; trailing NaN padding is allowed."""
    missing = np.isnan(table)
    last_value = table.shape[1] - 1 - np.argmax(~missing[:, ::-1], axis=1)
    gaps = missing & (np.arange(table.shape[1]) < last_value[:, np.newaxis])
    gaps[:, 0] |= missing[:, 0]  # a series must start with a value
    if not gaps.any():
        return
    rows, columns = np.nonzero(gaps)
    lines = sorted({numbers[r] for r in rows})
    more = lines[1:]
    others = f" (also on line{'s' * (len(more) > 1)} {_few(more)})" if more else ""
    raise DataError(f"{path} line {numbers[rows[0]]}, column {columns[0] + 2} (column 1 is the "
                    f"label) has a missing value (NaN or empty) inside a series{others}: fill "
                    "the missing values in or drop those rows; only NaN padding at the end of a "
                    "shorter series is accepted.")


def _few(items, shown: int = 5) -> str:
    text = ", ".join(map(str, items[:shown]))
    return text + (", ..." if len(items) > shown else "")


def read_ucr(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Series (N, length, 1) float32 and their raw labels (text) from a UCR TSV (label, then the
    values, tab-separated).

    Variable-length UCR series are padded with NaN at the end: the padding becomes 0 (the value of
    a z-normalised series). A missing value (NaN or empty) anywhere else is refused."""
    numbers, labels, table = _ucr_table(path)
    _check_no_gaps(path, numbers, table)
    series = np.nan_to_num(table).astype(np.float32)
    return series[..., np.newaxis], np.array(labels)


def _sortable(*labels: np.ndarray) -> tuple[np.ndarray, ...]:
    """The labels as numbers when they all are (so that -1 < 1 < 10), else as text."""
    try:
        numbers = tuple(np.asarray(group, dtype=np.float64) for group in labels)
    except ValueError:
        return tuple(np.asarray(group, dtype=str) for group in labels)
    if all(np.isfinite(group).all() for group in numbers):
        return numbers
    return tuple(np.asarray(group, dtype=str) for group in labels)


def _label_text(value) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def class_ids(train_labels: np.ndarray, test_labels: np.ndarray, test_path: Path):
    """Map raw labels (numbers such as -1/1, or words) to class ids 0..K-1 in sorted order (numeric
    order when all labels are numbers); return the names (the labels as text) and the ids."""
    train, test = _sortable(train_labels, test_labels)
    values = np.unique(train)
    unseen = np.setdiff1d(np.unique(test), values)
    if unseen.size:
        raise DataError(f"{test_path} holds labels {[_label_text(v) for v in unseen.tolist()]} "
                        "that the training file lacks.")
    names = tuple(_label_text(v) for v in values.tolist())
    return names, np.searchsorted(values, train).astype(np.int32), \
        np.searchsorted(values, test).astype(np.int32)

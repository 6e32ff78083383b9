"""Where a dataset's files come from, in this order: the data folder (argument `data_dir=`, else env
ZOO_DATA_DIR, laid out like ../shared/data), then the standard online source (tensorflow-datasets or
a URL). Tarballs are unpacked once into the cache folder and reused.

Set ZOO_OFFLINE=1 to never try the network.
"""
from __future__ import annotations

import gzip
import os
import shutil
import socket
import tarfile
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

from zoo.data import cache, progress
from zoo.data.folders import to_arrays
from zoo.errors import DataError

PROVIDE = ("Pass data_dir=FOLDER or set ZOO_DATA_DIR=FOLDER, where FOLDER is laid out like "
           "../shared/data")


def data_root(data_dir=None) -> tuple[Path | None, str]:
    """The data folder and how it was given: the argument wins over the environment."""
    if data_dir is not None:
        return Path(data_dir).expanduser(), f"data_dir={str(data_dir)!r}"
    env = os.environ.get("ZOO_DATA_DIR")
    if env:
        return Path(env).expanduser(), f"ZOO_DATA_DIR={env!r}"
    return None, ""


def find_folder(subfolder: str, data_dir=None) -> tuple[Path | None, str]:
    """The dataset's folder inside the data folder, or None; and where we looked, in words."""
    root, given = data_root(data_dir)
    if root is None:
        return None, "no data folder (data_dir= not given, ZOO_DATA_DIR not set)"
    folder = root / subfolder
    return (folder if folder.is_dir() else None), f"{folder} (from {given})"


def offline() -> bool:
    return os.environ.get("ZOO_OFFLINE", "").lower() not in ("", "0", "false", "no")


def not_found(name: str, looked: str, online: str, reason: str, layout: str) -> DataError:
    tried = f"online: {online} ({reason})" if online else f"online: {reason}"
    return DataError(f"Dataset {name!r} was not found. Looked in: {looked}; {tried}. "
                     f"{PROVIDE}, with {layout}.")


def unpacked(tarball: Path, name: str) -> Path:
    """The folder that `tarball` unpacks to, in the cache; unpacked on first use only."""
    target = cache.cache_root() / name / cache.file_digest(tarball)
    if cache.is_complete(target):
        return target
    progress.note(f"Unpacking {tarball.name} into {target} (once)...")
    try:
        with cache.building(target) as tmp, tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise DataError(f"Cannot unpack {tarball}: the file is truncated or corrupt ({err}). "
                        "Replace it with a good copy.") from None
    return target


def check_reachable(url: str, timeout: float = 5.0):
    """Fail fast when offline: tensorflow-datasets would otherwise retry for minutes."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as err:
        raise ConnectionError(f"cannot reach {parts.hostname}: {err}") from None


def download(url: str, dest: Path) -> Path:
    """Download `url` to `dest` atomically (a partial download never takes its place)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".tmp-{dest.name}-{os.getpid()}")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(tmp, "wb") as out:
            shutil.copyfileobj(response, out)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def fetch_url(base_url: str, filename: str, name: str) -> Path:
    """A file from `base_url`, downloaded once into the cache folder."""
    dest = cache.cache_root() / name / filename
    if not dest.is_file():
        check_reachable(base_url)
        download(base_url + filename, dest)
    return dest


def tfds_arrays(tfds_name: str, url: str) -> dict:
    """The train and test splits of a tensorflow-datasets dataset as numpy (inputs, labels)."""
    import tensorflow_datasets as tfds

    builder = tfds.builder(tfds_name, data_dir=str(cache.cache_root() / "tfds"))
    if not builder.is_prepared():
        check_reachable(url)
        builder.download_and_prepare()
    return {split: to_arrays(builder.as_dataset(split=split, as_supervised=True))
            for split in ("train", "test")}

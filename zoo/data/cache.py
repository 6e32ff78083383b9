"""The cache folder (env ZOO_CACHE_DIR, default ~/.cache/zoo) and atomic writes into it.

Every cached item is a folder that appears complete or not at all: it is built in a temporary folder
next to its target, gets a marker file last, and is renamed into place. A run killed half way leaves
only a `.tmp-*` folder, which no later run mistakes for the real thing.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

MARKER = ".complete"
STALE_AFTER_S = 24 * 3600


def cache_root() -> Path:
    root = os.environ.get("ZOO_CACHE_DIR") or os.path.join("~", ".cache", "zoo")
    return Path(root).expanduser()


def is_complete(folder: Path) -> bool:
    return (folder / MARKER).is_file()


@contextlib.contextmanager
def building(target: Path):
    """Yield a temporary folder to fill; on success it becomes `target`, on failure it is removed.

    If another process completed `target` meanwhile, its copy is kept and ours is dropped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))
    try:
        yield tmp
        (tmp / MARKER).write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
        if target.exists() and not is_complete(target):
            shutil.rmtree(target)  # left by an older, non-atomic writer
        try:
            os.rename(tmp, target)
        except OSError:
            if not is_complete(target):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _remove_stale(parent: Path):
    """Drop temporary folders that crashed runs left behind long ago."""
    for tmp in parent.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if time.time() - tmp.stat().st_mtime > STALE_AFTER_S:
                shutil.rmtree(tmp, ignore_errors=True)


def file_digest(path: Path, length: int = 16) -> str:
    """A short sha256 of a file's bytes: names the cache entries derived from it."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:length]

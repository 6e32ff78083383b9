"""Writing analysis results: every file is written to a temporary file in its own folder and then
moved into place with os.replace, so that a reader never sees half a PNG or half a JSON file."""
from __future__ import annotations

import json
import os
import tempfile

DPI = 100


def write_figure(fig, path) -> str:
    """Save a matplotlib Figure as a PNG of exactly figsize x DPI pixels."""
    return _atomic(path, lambda f: fig.savefig(f, format="png", dpi=DPI))


def write_json(data, path) -> str:
    text = json.dumps(data, indent=2, default=_plain) + "\n"
    return _atomic(path, lambda f: f.write(text.encode()))


def _plain(value):
    """numpy arrays and scalars -> lists and Python numbers."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _atomic(path, write) -> str:
    path = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; results are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path

"""Atomic writes: every file the zoo writes goes to a temporary file in the same folder first and
is renamed into place, so that a killed process or a full disk never leaves a half-written file
under the final name (os.replace is atomic on POSIX within one file system)."""
from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path

from zoo.errors import DiskFullError, InvalidArgumentError, RunError

# Pseudo-file systems: a folder "there" is accepted by mkdir's parents but never made.
_PSEUDO = ("/proc", "/sys", "/dev")


@contextlib.contextmanager
def atomic_path(path, suffix=None):
    """Yield a temporary path beside `path`; on success rename it to `path`, else delete it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix or ".tmp",
                               dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; outputs are meant to be shared
        os.replace(tmp, path)
    except OSError as error:
        _remove(tmp)
        if disk_full(error):
            raise DiskFullError(f"The disk is full: could not write {path}. The previous "
                                "version of the file, if any, is intact; free some space and "
                                "run again.") from None
        raise
    except BaseException:
        _remove(tmp)
        raise


def check_folder(option: str, path) -> Path:
    """Refuse, with one line and before anything is made, a folder the zoo cannot write in: a
    file, a symbolic link to nothing or to itself, a read-only place, a pseudo-file system.
    `option` names it as the user gave it ("output_dir", "--run-dir")."""
    given = Path(path)
    try:
        if given.is_symlink() and not given.exists():
            raise InvalidArgumentError(f"{option} {path} is a symbolic link to nothing (or a loop "
                                       "of links): pass a folder, or fix the link.")
        resolved = given.resolve()
        if any(str(resolved) == p or str(resolved).startswith(p + "/") for p in _PSEUDO):
            raise InvalidArgumentError(f"{option} {path} is on a pseudo-file system ("
                                       f"{resolved}), where no folder can be made: pass a folder "
                                       "on a disk.")
        existing = next(p for p in [resolved, *resolved.parents] if p.exists())
        if not existing.is_dir():
            what = "is" if existing == resolved else f"is under {existing}, which is"
            raise InvalidArgumentError(f"{option} {path} {what} a file, not a folder: pass a "
                                       "folder.")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise InvalidArgumentError(f"{option} {path}: {existing} is not writable (read-only "
                                       "or another user's): pass a folder you can write in.")
    except OSError as error:  # a loop of links further up, a name too long, ...
        raise InvalidArgumentError(f"{option} {path} cannot be used: "
                                   f"{error.strerror or error}.") from None
    return given


def disk_full(error: BaseException) -> bool:
    """Whether `error` says the disk is full. Python's own writes raise OSError(ENOSPC); the
    TensorBoard callback's summary writer raises TensorFlow's ResourceExhaustedError, which is
    not an OSError and carries the OS message only in its text."""
    return (isinstance(error, DiskFullError) or getattr(error, "errno", None) == errno.ENOSPC
            or "No space left" in str(error))


# What the zoo writes beside a model's state, and a margin: summaries, JSON, CSV rows.
SPACE_MARGIN = 1 << 20


def ensure_space(folder, needed: int, what: str) -> None:
    """Refuse, before writing it, what would not fit on the disk of `folder`: HDF5, which Keras
    writes weights and .keras files with, crashes the process (a segmentation fault in h5py's
    clean-up) when the disk fills during its write, where Python's own writes raise OSError."""
    import shutil
    free = shutil.disk_usage(folder).free
    if free < needed + SPACE_MARGIN:
        raise DiskFullError(f"The disk is full: {what} needs about "
                            f"{(needed + SPACE_MARGIN) / 1e6:.1f} MB in {folder}, "
                            f"{free / 1e6:.1f} MB are free. What was written before is intact; "
                            "free some space and run the same command again to resume.")


def state_bytes(model) -> int:
    """Bytes of a model's variables and its optimizer's: what one saved copy of it takes."""
    import math
    import numpy as np
    optimizer = getattr(model, "optimizer", None)
    variables = list(model.variables) + list(getattr(optimizer, "variables", []) or [])
    return sum(math.prod(v.shape) * np.dtype(v.dtype).itemsize for v in variables)


def _remove(tmp):
    with contextlib.suppress(FileNotFoundError):
        os.remove(tmp)


def write_text(path, text: str) -> Path:
    with atomic_path(path) as tmp:
        with open(tmp, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    return Path(path)


def write_json(path, data) -> Path:
    return write_text(path, json.dumps(data, indent=2, default=_plain) + "\n")


def _plain(value):
    """numpy arrays and scalars -> lists and Python numbers; paths -> str."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def read_json(path, default=None):
    path = Path(path)
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        raise RunError(f"{path} is not valid JSON: it was corrupted or not written by the zoo.")


def read_json_object(path, default=None):
    """read_json for files that must hold an object (a run's config or status)."""
    data = read_json(path, default)
    if data is not default and not isinstance(data, dict):
        raise RunError(f"{path} holds JSON that is not an object ({type(data).__name__}): it was "
                       "changed or not written by the zoo. Restore it, or remove the folder to "
                       "start afresh.")
    return data


def checksum(data: dict) -> str:
    """A short hash of a JSON object as it is written (key order and tuples do not matter)."""
    import hashlib
    plain = json.loads(json.dumps(data, default=_plain))
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()[:16]


def save_model(model, path) -> Path:
    ensure_space(Path(path).parent, state_bytes(model), f"saving {Path(path).name}")
    with atomic_path(path, suffix=".keras") as tmp:
        model.save(tmp)
    return Path(path)


def save_figure(figure, path, **kwargs) -> Path:
    with atomic_path(path, suffix=".png") as tmp:
        figure.savefig(tmp, format="png", **kwargs)
    return Path(path)


def copy_file(source, path) -> Path:
    """Copy a file atomically: a reader of `path` sees the old file or the whole new one."""
    import shutil
    with atomic_path(path) as tmp:
        shutil.copyfile(source, tmp)
    return Path(path)

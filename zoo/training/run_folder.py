"""A run's folder: created or resumed, locked while in use, its status and configuration.

Imports no Keras: the folder's rules (a finished run is never overwritten, an unfinished one with
the same fingerprint is resumed, a run that fails before its first epoch leaves nothing behind)
are tested in-process without training anything.
"""
from __future__ import annotations

import contextlib
import datetime
import fcntl
import shutil
import time
from pathlib import Path

from zoo import files
from zoo.errors import RunError

WORKER_OUTPUTS = ".worker_outputs"


def is_finished(path: Path) -> bool:
    try:
        status = files.read_json(Path(path) / "status.json", {}) or {}
    except RunError:  # damaged: not finished (opening the run then says what is wrong)
        return False
    return isinstance(status, dict) and status.get("state") == "finished"


def _make_dirs(path: Path) -> list[Path]:
    """mkdir -p, returning the folders it created, deepest first."""
    missing = [p for p in [path, *path.parents] if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return missing


class RunFolder:
    """runs/<model>/<time>/ (or an explicit folder): `RunFolder.open(...)`, then `with folder:`.

    Example:
        >>> folder = RunFolder.open("runs", "cnn_fashion", fingerprint="ab12")  # doctest: +SKIP
        >>> with folder:                                                          # doctest: +SKIP
        ...     folder.write_status("running")
    """

    def __init__(self, path: Path, created=()):
        self.path = Path(path)
        self.out = self.path  # where outputs go; another folder on a non-chief worker
        self.created = list(created)  # the folders this run made, deepest first
        self.resumed = (self.path / "status.json").exists()
        self.status = files.read_json_object(self.path / "status.json", {}) or {}
        self.status["wall_time_before_s"] = self.status.get("wall_time_s", 0.0)
        self._started = time.perf_counter()
        self._lock = None

    @classmethod
    def open(cls, output_dir, model: str, *, fingerprint: str, run_dir=None,
             new_run: bool = False) -> "RunFolder":
        """The explicit `run_dir` (refused if finished), else the newest unfinished run of the
        same fingerprint under output_dir/model (unless new_run), else a new timestamped one."""
        files.check_folder("run_dir" if run_dir else "output_dir", run_dir or output_dir)
        if run_dir:
            path = Path(run_dir)
            if is_finished(path):
                raise RunError(f"{path} holds a finished run: nothing there is overwritten. "
                               "Pass another --run-dir, or none for a new folder.")
            return cls(path, _make_dirs(path))
        parent = Path(output_dir) / model
        match = None if new_run else _unfinished_match(parent, fingerprint)
        if match is not None:
            return cls(match)
        return cls(*_new_run_dir(parent))

    @property
    def epochs_done(self) -> int:
        return int(self.status.get("epochs_done", 0) or 0)

    def __enter__(self):
        _refuse_links(self.path)
        self._lock = open(self.path / ".lock", "a")  # "a": never truncates what it points to
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise RunError(f"Another process is training in {self.path}; wait for it to end or "
                           "use another --run-dir.") from None
        self._remove_leftovers()
        return self

    def _remove_leftovers(self):
        """Temporary files of atomic writes cut short by a kill (.model.keras.x1y2.keras, ...):
        with the lock held, no write of this run is under way."""
        for path in self.path.glob(".*"):
            if path.name != ".lock" and path.is_file() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.unlink()

    def __exit__(self, kind, error, tb):
        if self.out != self.path:
            shutil.rmtree(self.out, ignore_errors=True)
        if kind is not None and self.created and not self.epochs_done and not any(
                (self.path / "backup").glob("*/epoch-*")):
            # Failed before its first epoch (bad data, a model that does not fit...): nothing
            # worth keeping, so leave no folder behind. (An epoch whose checkpoint was written but
            # not yet status.json, e.g. on a full disk, is worth keeping.)
            self._release()
            self.remove()
            return False
        if kind is not None and self.status.get("state") == "running":
            state = "interrupted" if issubclass(kind, KeyboardInterrupt) else "failed"
            try:
                self.write_status(state, error=f"{kind.__name__}: {error}")
            except (OSError, RunError):
                pass  # e.g. a full disk: status.json keeps its last good content
        self._release()
        return False

    def remove(self):
        """Delete the folder and the empty parents this run created."""
        shutil.rmtree(self.path, ignore_errors=True)
        for folder in self.created[1:]:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: another run may be there

    def _release(self):
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def use_worker_outputs(self):
        """On a non-chief worker: outputs go to a scratch folder deleted at the end."""
        self.out = self.path / WORKER_OUTPUTS
        shutil.rmtree(self.out, ignore_errors=True)  # left by a killed run
        self.out.mkdir()

    def write_config(self, data: dict):
        """config.json, with a checksum of its content: a resumed run refuses one edited by hand
        (it would otherwise train on with the edited model or epochs)."""
        data = {k: v for k, v in data.items() if k != "checksum"}
        files.write_json(self.path / "config.json", {**data, "checksum": files.checksum(data)})

    def read_config(self) -> dict:
        path = self.path / "config.json"
        data = files.read_json_object(path, {}) or {}
        written = data.pop("checksum", None)
        if written is not None and written != files.checksum(data):
            raise RunError(f"{path} was changed after the run wrote it: a run resumes with the "
                           "options it was started with. Restore the file, or start a new run "
                           "(another --run-dir) with the options you want.")
        return data

    def write_status(self, state: str, **extra):
        elapsed = time.perf_counter() - self._started
        if state in ("running", "finished"):
            self.status.pop("error", None)  # that of an earlier, interrupted attempt
        self.status.update(state=state, updated=datetime.datetime.now().isoformat(), **extra)
        self.status["wall_time_s"] = round(self.status.get("wall_time_before_s", 0.0) + elapsed, 2)
        files.write_json(self.path / "status.json", self.status)

    def epoch_done(self, epoch: int):
        self.status["epochs_done"] = epoch
        self.write_status("running")


def _refuse_links(path: Path):
    """A symbolic link inside a run folder would have the run write outside it (history rows
    appended to another file, a lock truncating one): refused, named."""
    import os
    for root, folders, names in os.walk(path):
        for name in folders + names:
            if os.path.islink(os.path.join(root, name)):
                raise RunError(f"{os.path.join(root, name)} is a symbolic link: a run writes its "
                               "files in its own folder only. Remove the link (or copy what it "
                               "points to in its place) and run again.")


def _new_run_dir(parent: Path) -> tuple[Path, list[Path]]:
    created = _make_dirs(parent)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = parent / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            path.mkdir()  # exclusive: two runs started in the same second get two folders
            return path, [path, *created]
        except FileExistsError:
            continue
    raise RunError(f"Could not create a new run folder in {parent}.")


def _unfinished_match(parent: Path, fingerprint: str) -> Path | None:
    """The newest interrupted run of this fingerprint: unfinished, and no process training in it
    (the same command started twice at once trains two runs)."""
    if not parent.is_dir():
        return None
    for path in sorted(parent.iterdir(), reverse=True):
        if not path.is_dir():
            continue
        try:
            saved = files.read_json_object(path / "config.json")
        except RunError:  # a damaged run: not this one, and no reason to refuse a new run
            continue
        if (saved and not is_finished(path) and saved.get("fingerprint") == fingerprint
                and not _in_use(path)):
            return path
        if _only_a_lock(path) and not _in_use(path):
            return path  # a start killed before it wrote anything (during the Keras import)
    return None


def _only_a_lock(path: Path) -> bool:
    return [p.name for p in path.iterdir()] == [".lock"]


def _in_use(path: Path) -> bool:
    try:
        with open(path / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def list_runs(output_dir="runs", pattern: str | None = None) -> list[dict]:
    """The run folders under output_dir/<model>/, newest first: model, dataset, state, epochs,
    test metrics, wall time and folder. `pattern`: a shell wildcard over model names."""
    import fnmatch
    root = Path(output_dir)
    rows = []
    for folder in root.glob("*/*/status.json"):
        run = folder.parent
        model = run.parent.name
        if pattern and not fnmatch.fnmatchcase(model, pattern):
            continue
        status = _json_or_empty(folder)
        config = _json_or_empty(run / "config.json")
        metrics = _json_or_empty(run / "metrics.json")
        rows.append({"model": model, "dataset": metrics.get("dataset") or config.get("dataset"),
                     "state": status.get("state", "?"), "epochs": status.get("epochs_done", 0),
                     "test": metrics.get("test", {}), "wall_time_s": status.get("wall_time_s"),
                     "updated": status.get("updated", ""), "run_dir": str(run)})
    return sorted(rows, key=lambda row: row["updated"], reverse=True)


def _json_or_empty(path: Path) -> dict:
    try:
        data = files.read_json(path, {})
    except RunError:  # a damaged file: shown as unknown, not a crash of the listing
        return {}
    return data if isinstance(data, dict) else {}

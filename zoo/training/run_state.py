"""Before a run resumes: its record (status.json, the checkpoint of each phase, history.csv) read
and checked against itself, so that a damaged or hand-edited folder is refused with one line that
says what disagrees, instead of resuming from a wrong epoch, losing or repeating history rows.
`restart` clears that record, keeping config.json, for a run to start over in its folder.

What a kill can leave, and is accepted: the callbacks of an epoch's end write history.csv, then
the checkpoint, then status.json, so the checkpoint may be one epoch ahead of status.json (which
is then brought up to it), and history may hold one row more than the checkpoint (trimmed before
resuming); unfinished checkpoint folders are removed.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from zoo.errors import RunError

RESTART = ("Run the same command with --restart (restart=True) to train it again from its first "
           "epoch in this folder, keeping its config.json")
# What restart removes: the record of training so far (config.json and the lock stay).
RECORD = ("backup", "history.csv", "best.keras", "best.json", "tensorboard", "model.keras",
          "metrics.json")


def check(folder) -> None:
    """Refuse a resume whose record disagrees; return quietly when it is consistent."""
    from zoo.training import checkpoint
    path = Path(folder.path)
    done = folder.epochs_done
    for phase in sorted((path / "backup").glob("*")):
        try:
            checkpoint.clean(phase)
            checkpoint.latest(phase)
        except checkpoint.CheckpointError as error:
            _refuse(path, f"its checkpoint is damaged ({error})")
    backed_up = checkpoint.epochs_done(path / "backup")
    rows = history_epochs(folder.out / "history.csv")
    if backed_up > done + 1:
        _refuse(path, f"its checkpoint says {backed_up} epochs were trained but status.json "
                      f"says {done}")
    if done and not backed_up and not (path / "backup").exists():
        _refuse(path, f"status.json says {done} epochs were trained but backup/ is gone, so "
                      "they cannot be resumed")
    if rows is not None and rows[:backed_up] != list(range(min(backed_up, len(rows)))):
        _refuse(path, f"history.csv holds the epochs {_text(rows)}, not 1 to {backed_up} in order")
    if rows is not None and len(rows) < min(backed_up, done):
        _refuse(path, f"history.csv holds {len(rows)} epochs of the {min(backed_up, done)} "
                      "trained")
    if backed_up != done:  # killed between the checkpoint and status.json
        folder.status["epochs_done"] = backed_up


def history_epochs(history_csv: Path) -> list | None:
    """The 0-based epochs of history.csv's rows (None without a file); a damaged file (a row cut
    short or merged with another, a value that is not a number) is refused."""
    if not Path(history_csv).exists():
        return None
    with open(history_csv, newline="") as f:
        text = f.read()
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        return []
    if not text.endswith("\n"):  # CSVLogger ends every row: the last one was cut short
        _refuse(Path(history_csv).parent, f"history.csv's line {len(rows)} is cut short")
    header, body = rows[0], [r for r in rows[1:] if r]
    if not header or header[0] != "epoch":
        _refuse(Path(history_csv).parent, "history.csv has no header row starting with 'epoch'")
    epochs = []
    for number, row in enumerate(body, start=2):
        try:
            if len(row) != len(header):
                raise ValueError
            [float(value) for value in row[1:] if value]
            epochs.append(int(row[0]))
        except ValueError:
            _refuse(Path(history_csv).parent, f"history.csv's line {number} is damaged "
                                              f"({len(row)} values, {len(header)} columns)")
    return epochs


def restart(folder) -> None:
    """Clear what a run has trained (its record), keeping config.json."""
    path = Path(folder.path)
    for name in RECORD:
        target = path / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
    folder.status = {"wall_time_before_s": 0.0}
    folder.resumed = False


def _text(epochs) -> str:
    shown = [e + 1 for e in epochs[:12]]
    return ", ".join(map(str, shown)) + (", ..." if len(epochs) > 12 else "") or "none"


def _refuse(path: Path, what: str):
    raise RunError(f"The run in {path} cannot resume: {what}. It was damaged or changed by hand. "
                   f"{RESTART}.")

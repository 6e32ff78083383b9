"""Run a zoo command and SIGKILL it just before its N-th file event inside one folder.

    python benchmarks/kill_at_event.py FOLDER N zoo ARGS...    (N = 0: count only)

A file event is what changes the folder's tree as Python does it: a file created or opened for
writing (open; a temporary file made by tempfile.mkstemp is counted when it is opened by name to
be written), a folder made, a rename or replace, a file or tree removed. Writes
inside an open file (a history row appended) fall between two events, as do the writes of C
libraries (TensorBoard's event files). Counting in the process itself, rather than watching it
with inotify, puts each kill at an exact point of the sequence, the same on every run.

With N = 0 the command runs to its end and the events are written, one per line, to the file
named by $KILL_AT_EVENT_LOG. Used by benchmarks/kill_points.py (and, through it, by
tests/hardening/test_kill_points.py).
"""
from __future__ import annotations

import builtins
import io
import os
import shutil
import signal
import sys

_WRITE_MODES = set("wax+")


def install(folder: str, kill_at: int, log=None):
    root = os.path.realpath(folder)
    count = [0]

    def event(kind, path):
        try:
            path = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if path != root and not path.startswith(root + os.sep):
            return
        count[0] += 1
        if log is not None:
            log.write(f"{count[0]}\t{kind}\t{os.path.relpath(path, root)}\n")
            log.flush()
        if count[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    original_open = builtins.open

    def open_(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and _WRITE_MODES & set(mode):
            event("open-for-write", file)
        return original_open(file, mode, *args, **kwargs)

    def wrap(name, module, kind, arg=0):
        original = getattr(module, name)

        def wrapped(*args, **kwargs):
            event(kind, args[arg])
            return original(*args, **kwargs)
        setattr(module, name, wrapped)

    original_mkdir = os.mkdir

    def mkdir(path, *args, **kwargs):
        if not os.path.isdir(path):  # mkdir(exist_ok=True) of a folder that exists: no event
            event("mkdir", path)
        return original_mkdir(path, *args, **kwargs)

    builtins.open = io.open = open_
    os.mkdir = mkdir
    for name in ("replace", "rename", "remove", "unlink", "rmdir"):
        wrap(name, os, name)
    wrap("rmtree", shutil, "rmtree")


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(description="Run a zoo command, killed just before its "
                                     "N-th file event in FOLDER (0: count them only).")
    parser.add_argument("folder")
    parser.add_argument("kill_at", type=int, metavar="N")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="zoo ARGS...")
    args = parser.parse_args(argv)
    if not args.command or args.command[0] != "zoo":
        parser.error("the command must start with 'zoo'")
    log_path = os.environ.get("KILL_AT_EVENT_LOG")
    log = open(log_path, "w") if log_path and args.kill_at == 0 else None
    install(args.folder, args.kill_at, log)
    from zoo.cli import main as zoo_main
    return zoo_main(args.command[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

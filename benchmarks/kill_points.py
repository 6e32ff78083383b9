"""Kill a training run and a search at each of their file events, rerun, and check the result.

    python benchmarks/kill_points.py [--only train|tune] [--stride N] [--limit N] [--at TEXT]
        [--jobs N] [--work DIR]

Each command first runs uninterrupted, with its file events counted (benchmarks/kill_at_event.py:
every file created or opened for writing, folder made, rename, removal in its folder). Then, for
each event k (every --stride-th, at most --limit), a fresh run is SIGKILLed just before event k and
the same command is run again until it exits 0. The result must be the uninterrupted run's:

- train (cnn1d_series on a tiny UCR set made here, 5 epochs, patience 1: it stops early after
  epoch 3, so kills fall after an early stop too): finished; each epoch once in history.csv; the
  optimizer's step count, and model.keras' predictions (exactly), the uninterrupted run's; no
  temporary file left;
- tune (a random search of 3 trials of 2 epochs, no retrain): finished; every trial completed,
  none failed or run twice; each trial's configuration and score the uninterrupted search's.

Prints one line per kill and returns the counts: tried, survived, failed (with what failed).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
TRAIN = ["zoo", "train", "cnn1d_series", "--epochs", "5", "--patience", "1", "--seed", "0",
         "--quiet"]
TUNE = ["zoo", "tune", "cnn1d_series", "--strategy", "random", "--max-trials", "3", "--epochs",
        "2", "--seed", "0", "--no-retrain", "--quiet"]
MAX_RERUNS = 3


def tiny_ucr(folder: Path) -> Path:
    """Three classes of sines (as tests/training/conftest.py makes them)."""
    import numpy as np
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    t = np.linspace(0, 2 * np.pi, 24)
    for split, count in (("TRAIN", 60), ("TEST", 30)):
        labels = np.arange(count) % 3
        series = np.sin((labels[:, None] + 1) * t) + 0.1 * rng.standard_normal((count, 24))
        np.savetxt(folder / f"Tiny_{split}.tsv", np.column_stack([labels + 1, series]),
                   delimiter="\t", fmt="%.5f")
    return folder


def command(kind: str, data: Path, folder: Path) -> list:
    where = ["--run-dir" if kind == "train" else "--search-dir", str(folder)]
    return (TRAIN if kind == "train" else TUNE) + ["--dataset", f"ucr:{data}"] + where


def run(argv: list, folder: Path, kill_at: int | None = None, log: Path | None = None):
    """The zoo command, through the event counter (kill_at: SIGKILL before that event; 0 with
    `log`: count them), or plainly."""
    env = dict(ENV, **({"KILL_AT_EVENT_LOG": str(log)} if log else {}))
    prefix = [sys.executable, str(HERE / "kill_at_event.py"), str(folder), str(kill_at)] \
        if kill_at is not None else [sys.executable, "-m", "zoo.cli"]
    args = argv if kill_at is not None else argv[1:]
    return subprocess.run(prefix + args, env=env, capture_output=True, text=True,
                          cwd=HERE.parent, timeout=900)


def outcome(kind: str, folder: Path) -> dict:
    """What the finished command left, in the terms it is checked by."""
    if kind == "train":
        return train_outcome(folder)
    with open(folder / "trials.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    skip = ("seconds", "rss_mb")  # time and memory differ from run to run
    return {"trials": sorted(json.dumps({k: v for k, v in r.items() if k not in skip},
                                        sort_keys=True) for r in rows),
            "statuses": sorted(r.get("status", "") for r in rows)}


def train_outcome(folder: Path) -> dict:
    import numpy as np
    from zoo.saving import load_model
    model = load_model(folder / "model.keras")
    inputs = np.random.default_rng(1).normal(size=(16, 24, 1)).astype("float32")
    with open(folder / "history.csv", newline="") as f:
        epochs = [int(r["epoch"]) for r in csv.DictReader(f)]
    return {"state": json.loads((folder / "status.json").read_text())["state"],
            "history_epochs": epochs,
            "steps": int(model.optimizer.iterations),
            "predictions": model.predict(inputs, verbose=0),
            "epochs": json.loads((folder / "metrics.json").read_text())["epochs"],
            "leftovers": sorted(p.name for p in folder.rglob(".*") if p.name != ".lock")}


def differences(kind: str, got: dict, want: dict) -> list[str]:
    import numpy as np
    wrong = []
    for key, value in want.items():
        if key == "predictions":
            gap = float(np.abs(got[key] - value).max())
            if gap != 0.0:
                wrong.append(f"predictions differ by {gap:.2e}")
        elif got[key] != value:
            wrong.append(f"{key} {got[key]!r}, uninterrupted {value!r}")
    return wrong


def kill_points(kind: str, work: Path, data: Path, *, stride: int = 1, limit: int | None = None,
                at: list[str] | None = None, jobs: int = 1) -> dict:
    """Kill `kind` before every `stride`-th event (at most `limit`), or, with `at`, before the
    first event whose "kind path" line holds each of these texts."""
    reference_dir = work / f"{kind}_reference"
    log = work / f"{kind}_events.txt"
    started = time.perf_counter()
    done = run(command(kind, data, reference_dir), reference_dir, kill_at=0, log=log)
    if done.returncode:
        raise SystemExit(f"the uninterrupted {kind} failed:\n{done.stdout[-2000:]}"
                         f"{done.stderr[-2000:]}")
    reference_s = time.perf_counter() - started
    want = outcome(kind, reference_dir)
    events = [line.split("\t") for line in log.read_text().splitlines()]
    lines = [" ".join(e[1:]) for e in events]
    chosen = list(range(1, len(events) + 1, stride))[:limit] if at is None else [
        next(i + 1 for i, line in enumerate(lines) if text in line) for text in at]
    print(f"{kind}: {len(events)} file events in {reference_s:.0f} s; killing before "
          f"{len(chosen)} of them", flush=True)
    def one(k):
        """Kill before event k, rerun until it exits 0; (event, what is wrong, reruns) or None
        when the kill never came (the event did not happen in this run)."""
        folder = work / f"{kind}_kill_{k}"
        argv = command(kind, data, folder)
        killed = run(argv, folder, kill_at=k)
        event = " ".join(events[k - 1][1:])
        if killed.returncode != -9:
            print(f"  {k:3d} {event}: not reached (exit {killed.returncode})", flush=True)
            return None
        for attempt in range(1, MAX_RERUNS + 1):
            again = run(argv, folder)
            if again.returncode == 0:
                break
        if again.returncode:
            wrong = [f"the rerun exits {again.returncode}: "
                     + (again.stderr.strip().splitlines() or ["?"])[-1][:200]]
        else:
            wrong = differences(kind, outcome(kind, folder), want)
        print(f"  {k:3d} {event}: " + ("; ".join(wrong) if wrong else "ok"), flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        return event, wrong, attempt

    # Each kill and its reruns are independent (a folder of their own): `jobs` at a time.
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(zip(chosen, pool.map(one, chosen)))
    tried, survived, failed, reruns = 0, 0, [], []
    for k, done in outcomes:
        if done is None:
            continue
        event, wrong, attempt = done
        tried += 1
        reruns.append(attempt)
        if wrong:
            failed.append({"event": k, "what": event, "wrong": wrong})
        else:
            survived += 1
    return {"events": len(events), "tried": tried, "survived": survived,
            "failed": len(failed), "failures": failed,
            "reruns_needed": max(reruns, default=0)}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["train", "tune"], action="append")
    parser.add_argument("--stride", type=int, default=1, help="kill before every N-th event")
    parser.add_argument("--limit", type=int, help="at most this many kills per command")
    parser.add_argument("--at", action="append", metavar="TEXT",
                        help="kill before the first event whose line holds TEXT (repeatable)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="kills run side by side (each with its reruns)")
    parser.add_argument("--work", help="folder for the runs (default: a temporary one)")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="kill_points_"))
    work.mkdir(parents=True, exist_ok=True)
    data = tiny_ucr(work / "Tiny")
    result = {kind: kill_points(kind, work, data, stride=args.stride, limit=args.limit,
                                at=args.at, jobs=args.jobs)
              for kind in (args.only or ["train", "tune"])}
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))

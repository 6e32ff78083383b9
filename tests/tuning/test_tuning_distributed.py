"""A distributed search on keras-tuner's chief/worker mode: a chief here and two workers on
loopback; one worker is killed with SIGKILL in the middle of a trial, the other finishes the
search, and no trial is lost."""
import contextlib
import io
import json
import os
import signal
import threading
import time
from pathlib import Path

import tuning


def kill_a_busy_worker(folder: Path, killed: dict, timeout_s=240):
    """SIGKILL the first worker seen running a trial; record which."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for path in sorted((folder / "workers").glob("worker*.json")):
            state = json.loads(path.read_text())  # written atomically
            if state["state"] == "running":
                os.kill(state["pid"], signal.SIGKILL)
                killed.update(state, worker=path.stem)
                return
        time.sleep(0.05)


def test_two_workers_finish_the_search_when_one_is_killed(tmp_path, task, grid4):
    folder = tmp_path / "search"
    killed = {}
    killer = threading.Thread(target=kill_a_busy_worker, args=(folder, killed), daemon=True)
    killer.start()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = tuning.search("linear_mnist", strategy="grid", data=task, space=grid4,
                               epochs=3, batch_size=64, workers=2, search_dir=folder)
    killer.join(timeout=5)
    output = out.getvalue()
    assert killed, output
    assert f"chief: {killed['worker']} died; trial {int(killed['trial']) + 1} goes to another " \
           "worker." in output
    assert [row["status"] for row in result.trials] == ["COMPLETED"] * 4
    points = {(row["learning_rate"], row["l2"]) for row in result.trials}
    assert len(points) == 4  # the whole grid, each point once
    assert len([line for line in output.splitlines() if line.startswith("trial ")]) == 4
    assert result.test is not None and result.model_path.exists()

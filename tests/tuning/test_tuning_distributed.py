"""A distributed search on keras-tuner's chief/worker mode: a chief here and two workers on
loopback; one worker is killed with SIGKILL in the middle of a trial, the other finishes the
search, and no trial is lost. The search prunes: the per-epoch scores travel to the chief's
oracle, which decides (a worker's oracle is a gRPC client without a rule of its own)."""
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


def test_two_workers_finish_the_search_when_one_is_killed(tmp_path, task, parse_space):
    folder = tmp_path / "search"
    killed = {}
    killer = threading.Thread(target=kill_a_busy_worker, args=(folder, killed), daemon=True)
    killer.start()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # learning rate 1e-7 learns nothing: pruned
        result = tuning.search("linear_mnist", strategy="grid", data=task, epochs=3,
                               space=parse_space({"learning_rate": "1e-2,1e-7",
                                                  "l2": "0.0,1e-4"}),
                               batch_size=64, workers=2, search_dir=folder, prune="median",
                               prune_startup_trials=1)
    killer.join(timeout=5)
    output = out.getvalue()
    assert killed, output
    assert f"chief: {killed['worker']} died; trial {int(killed['trial']) + 1} goes to another " \
           "worker." in output
    statuses = [row["status"] for row in result.trials]
    assert len(statuses) == 4 and set(statuses) == {"COMPLETED", "PRUNED"}, output
    assert all(row["pruned_epoch"] < 3 for row in result.trials if row["status"] == "PRUNED")
    assert next(r for r in result.trials if r["trial"] == result.best_trial)["status"] == \
        "COMPLETED"
    points = {(row["learning_rate"], row["l2"]) for row in result.trials}
    assert len(points) == 4  # the whole grid, each point once
    assert len([line for line in output.splitlines() if line.startswith("trial ")]) == 4
    assert result.test is not None and result.model_path.exists()



def test_a_worker_started_by_hand_stops_when_no_chief_answers(tmp_path, task):
    """keras-tuner's client would wait an hour; the worker says why it stops, in one line."""
    import socket
    import subprocess
    import sys

    from tuning.plan import make_plan
    plan = make_plan("linear_mnist", data="mnist", max_trials=2, search_dir=str(tmp_path / "s"))
    plan.folder.mkdir(parents=True)
    plan.save()
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "KERASTUNER_TUNER_ID": "worker7", "KERASTUNER_ORACLE_IP": "127.0.0.1",
           "KERASTUNER_ORACLE_PORT": str(port), "ZOO_CHIEF_TIMEOUT_S": "2",
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "tuning.worker", str(plan.folder)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 4, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("worker7:")]
    assert lines == [f"worker7: no chief at 127.0.0.1:{port} for 2 s; stopping. Start the "
                     "worker again once the chief runs (the search resumes)."]
    assert time.monotonic() - start < 60

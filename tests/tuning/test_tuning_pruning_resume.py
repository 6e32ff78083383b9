"""A pruning search killed with SIGKILL in the middle of a trial resumes: the trials that had
finished (pruned or not) are kept as they were, and the search ends with its full budget."""
import contextlib
import io
import os
import signal
import time

import tuning

OPTIONS = {"strategy": "random", "epochs": 3, "max_trials": 5, "retrain": False,
           "prune": "median", "prune_startup_trials": 1,
           "space": {"learning_rate": "1e-2,1e-7", "l2": "0.0,1e-4,1e-3"}}


def test_a_killed_pruning_search_resumes_without_losing_trials(tmp_path, search_process,
                                                               read_trials, task, parse_space):
    folder = tmp_path / "search"
    process = search_process(folder, OPTIONS, pause=0.4)
    deadline, before = time.monotonic() + 240, None
    while time.monotonic() < deadline and process.poll() is None:
        states = read_trials(folder)
        done = [s for s in states.values() if s["status"] == "COMPLETED"]
        pruned = [s for s in done if "pruned_epoch" in s["metrics"]["metrics"]]
        if pruned and any(s["status"] == "RUNNING" for s in states.values()):
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            before = states
            break
        time.sleep(0.05)
    process.kill()
    assert before, "the search was not killed after a pruned trial: " + process.stdout.read()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = tuning.search("linear_mnist", data=task, search_dir=folder, batch_size=64,
                               **{**OPTIONS, "space": parse_space(OPTIONS["space"])})
    after = read_trials(folder)
    for trial_id, state in before.items():
        if state["status"] == "COMPLETED":
            assert after[trial_id] == state  # kept, not run again
    assert len(result.trials) == 5
    assert {row["status"] for row in result.trials} <= {"COMPLETED", "PRUNED"}
    assert "Resuming the search" in out.getvalue()

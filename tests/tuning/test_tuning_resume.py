"""A search killed with SIGKILL in the middle of a trial continues when the same search is run
again: the trials that had finished are kept as they were, the interrupted one is run again,
and the search ends with its full budget."""
import os
import signal
import time

import pytest

TIMEOUT_S = 180


def kill_when(process, folder, ready, read_trials):
    """SIGKILL `process` once `ready(trial states)` holds; return the states seen then."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the search ended before it could be killed:\n" + process.stdout.read())
        states = read_trials(folder)
        if ready(states):
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return states
        time.sleep(0.05)
    process.kill()
    pytest.fail("the search never reached the state to kill it in")


def completed(states):
    return {k: v for k, v in states.items() if v["status"] == "COMPLETED"}


@pytest.mark.parametrize("strategy", ["grid", "random", "bayesian", "hyperband"])
def test_a_killed_search_resumes_without_redoing_or_losing_trials(
        strategy, tmp_path, strategy_options, search_process, read_trials):
    options, expected = strategy_options[strategy]
    options = {**options, "strategy": strategy, "keep_checkpoints": 1, "retrain": False,
               "space": {"learning_rate": "1e-3,1e-2", "l2": "0.0,1e-4"}}
    folder = tmp_path / "search"

    def ready(states):
        if strategy == "hyperband":  # inside the trial that continues from its parent's weights
            return states.get("2", {}).get("status") == "RUNNING"
        running = [s for s in states.values() if s["status"] == "RUNNING"]
        return len(completed(states)) >= 1 and running

    before = kill_when(search_process(folder, options, pause=0.5), folder, ready, read_trials)
    finished_before = completed(before)
    killed = [k for k, v in before.items() if v["status"] == "RUNNING"]
    assert finished_before and len(killed) == 1

    again = search_process(folder, options)
    output, _ = again.communicate(timeout=TIMEOUT_S)
    assert again.returncode == 0, output
    assert f"Resuming the search in {folder} ({len(finished_before)} trials done)" in output

    after = read_trials(folder)
    assert len(after) == expected and len(completed(after)) == expected, output
    for trial_id, state in finished_before.items():  # kept, not run again
        assert after[trial_id] == state
    assert after[killed[0]]["status"] == "COMPLETED"
    lines = [line for line in output.splitlines() if line.startswith("trial ")]
    assert len(lines) == expected - len(finished_before)
    if strategy == "grid":
        points = {tuple(sorted(s["hyperparameters"]["values"].items())) for s in after.values()}
        assert len(points) == expected

"""A search killed with SIGKILL in the middle of a trial continues when the same search is run
again: the trials that had finished are kept as they were, the interrupted one is run again,
and the search ends with its full budget. The four searches that get killed run side by side in
child processes; each is then run again here."""
import contextlib
import io
import os
import signal
import time

import pytest

import tuning

STRATEGIES = ("grid", "random", "bayesian", "hyperband")
TIMEOUT_S = 240


def completed(states):
    return {k: v for k, v in states.items() if v["status"] == "COMPLETED"}


def ready_to_kill(strategy, states):
    if strategy == "hyperband":  # inside the trial that continues from its parent's weights
        return states.get("2", {}).get("status") == "RUNNING"
    running = [s for s in states.values() if s["status"] == "RUNNING"]
    return len(completed(states)) >= 1 and bool(running)


@pytest.fixture(scope="module")
def resumed(tmp_path_factory, strategy_options, search_process, read_trials, task, parse_space):
    """strategy -> (options, trial states when killed, trial states at the end, output)."""
    runs = {}
    for strategy in STRATEGIES:
        options, expected = strategy_options[strategy]
        options = {**options, "strategy": strategy, "keep_checkpoints": 1, "retrain": False,
                   "space": {"learning_rate": "1e-3,1e-2", "l2": "0.0,1e-4"}}
        folder = tmp_path_factory.mktemp(strategy) / "search"
        runs[strategy] = {"options": options, "expected": expected, "folder": folder,
                          "process": search_process(folder, options, pause=0.5)}
    deadline = time.monotonic() + TIMEOUT_S
    while any("before" not in run for run in runs.values()) and time.monotonic() < deadline:
        for strategy, run in runs.items():
            if "before" in run:
                continue
            if run["process"].poll() is not None:
                run["before"] = {}  # ended before it could be killed: the test fails below
                run["early_output"] = run["process"].stdout.read()
                continue
            states = read_trials(run["folder"])
            if ready_to_kill(strategy, states):
                os.kill(run["process"].pid, signal.SIGKILL)
                run["process"].wait()
                run["before"] = states
        time.sleep(0.05)
    for run in runs.values():
        run["process"].kill()
        options = {**run["options"], "space": parse_space(run["options"]["space"])}
        out = io.StringIO()
        with contextlib.redirect_stdout(out):  # the same search as the child's
            tuning.search("linear_mnist", data=task, search_dir=run["folder"], batch_size=64,
                          **options)
        run["output"] = out.getvalue()
        run["after"] = read_trials(run["folder"])
    return runs


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_killed_search_resumes_without_redoing_or_losing_trials(strategy, resumed):
    run = resumed[strategy]
    before, after, output, expected = run["before"], run["after"], run["output"], run["expected"]
    finished_before = completed(before)
    killed = [k for k, v in before.items() if v["status"] == "RUNNING"]
    assert finished_before and len(killed) == 1, run.get("early_output", "not killed in time")

    assert f"Resuming the search in {run['folder']} ({len(finished_before)} trials done)" \
        in output
    assert len(after) == expected and len(completed(after)) == expected, output
    for trial_id, state in finished_before.items():  # kept, not run again
        assert after[trial_id] == state
    assert after[killed[0]]["status"] == "COMPLETED"
    lines = [line for line in output.splitlines() if line.startswith("trial ")]
    assert len(lines) == expected - len(finished_before)
    if strategy == "grid":
        points = {tuple(sorted(s["hyperparameters"]["values"].items())) for s in after.values()}
        assert len(points) == expected

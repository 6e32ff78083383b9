"""Shared pieces of the tuning tests: a tiny learnable task in memory, small spaces, and a driver
that runs a search in a child process (for the SIGKILL tests)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
STRATEGIES = ("grid", "random", "bayesian", "hyperband")
# A grid of 4 points; the other strategies search the same space.
GRID4 = {"learning_rate": "1e-3,1e-2", "l2": "0.0,1e-4"}
# Per strategy: search() options on the tiny task, and how many trials that gives. Hyperband with
# factor 2 and 2 epochs: a bracket of two 1-epoch trials and the best one continued to 2 epochs,
# then a bracket of two 2-epoch trials.
OPTIONS = {
    "grid": ({"epochs": 1}, 4),
    "random": ({"epochs": 1, "max_trials": 4}, 4),
    "bayesian": ({"epochs": 1, "max_trials": 4}, 4),
    "hyperband": ({"epochs": 2, "max_trials": 5, "strategy_options": {"factor": 2}}, 5),
}


def make_task(n=512, seed=0):
    """28x28x1 noise images labelled by a fixed linear map: linear_mnist learns it a little in an
    epoch. Returns (train, validation, test) as (x, y) pairs."""
    x = np.random.default_rng(seed).random((n, 28, 28, 1), dtype="float32")
    w = np.random.default_rng(1).normal(size=(784, 10)).astype("float32")
    y = (x.reshape(n, -1) @ w).argmax(axis=1).astype("int32")
    a, b = n * 3 // 4, n * 7 // 8
    return (x[:a], y[:a]), (x[a:b], y[a:b]), (x[b:], y[b:])


def space(text: dict):
    from tuning import spaces
    return {k: spaces.parse(v) for k, v in text.items()}


def pytest_collection_modifyitems(items):
    """Quiet two deprecation warnings of keras-tuner 1.4.8 here: threading.currentThread() on
    every oracle call, and numpy's copy keyword as it saves a checkpoint through Keras."""
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.filterwarnings(
                "ignore:currentThread|getName|__array__ implementation:DeprecationWarning"))


@pytest.fixture(scope="session")
def task():
    return make_task()


@pytest.fixture(scope="session")
def parse_space():
    return space


@pytest.fixture(scope="session")
def grid4():
    return space(GRID4)


@pytest.fixture(scope="session")
def strategy_options():
    """strategy -> (search() options, number of trials they give)."""
    return OPTIONS


@pytest.fixture(scope="session")
def search_process():
    return start_search


@pytest.fixture(scope="session")
def read_trials():
    return trial_states


# A search in a child process: python -c DRIVER SEARCH_DIR OPTIONS_JSON. Each epoch can end with a
# pause, so that a kill lands inside a trial.
DRIVER = """
import json, sys, time
import keras
sys.path.insert(0, {tests!r})
from conftest import make_task, space
import tuning

class Pause(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        time.sleep({pause})

options = json.loads(sys.argv[2])
options["space"] = space(options["space"])
tuning.search("linear_mnist", data=make_task(), search_dir=sys.argv[1], batch_size=64,
              callbacks=[Pause()], **options)
"""


def start_search(folder, options, pause=0.0):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}
    code = DRIVER.format(tests=str(Path(__file__).parent), pause=pause)
    return subprocess.Popen([sys.executable, "-c", code, str(folder), json.dumps(options)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def trial_states(folder) -> dict:
    """trial id -> the trial.json keras-tuner keeps (unreadable ones skipped)."""
    out = {}
    for path in Path(folder, "trials").glob("trial_*/trial.json"):
        try:
            state = json.loads(path.read_text())
        except ValueError:
            continue
        out[state["trial_id"]] = state
    return out

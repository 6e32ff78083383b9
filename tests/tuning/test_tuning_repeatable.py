"""A trial's score depends on its configuration (and the search's seed) only, not on the trials
before it: the same configuration scores the same in another search, whichever strategy or
order tried it. (A loaded dataset's training pipeline reshuffles at every pass: shared across
trials, each trial saw the order its predecessors left, and --compare scored one configuration
0.6270 in the grid and 0.5865 in random search.)"""
import contextlib
import io
import os
from pathlib import Path

import pytest

import tuning
from tuning import spaces


def _data_dir():
    data_dir = os.environ.get("ZOO_DATA_DIR")
    if not data_dir or not Path(data_dir, "fashion_mnist").is_dir():
        pytest.skip("ZOO_DATA_DIR with fashion_mnist/ is not set")
    return data_dir


def _scores(result) -> dict:
    return {row["filters"]: row["val_accuracy"] for row in result.trials}


@pytest.mark.realdata
@pytest.mark.slow
def test_the_same_configuration_scores_the_same_in_any_order(tmp_path):
    data_dir = _data_dir()
    options = {"strategy": "grid", "data_dir": data_dir, "subset": 300, "epochs": 1,
               "retrain": False, "verbose": False}
    results = {}
    with contextlib.redirect_stdout(io.StringIO()):
        # A grid starts at the default: 16 then 8 here, 8 then 16 there.
        for first in (16, 8):
            tune = {"filters": spaces.Choice((8, 16), default=first)}
            results[first] = tuning.search("cnn_fashion", tune=tune,
                                           search_dir=str(tmp_path / str(first)), **options)
    orders = {first: [row["filters"] for row in r.trials] for first, r in results.items()}
    assert orders == {16: [16, 8], 8: [8, 16]}
    assert _scores(results[16]) == _scores(results[8])

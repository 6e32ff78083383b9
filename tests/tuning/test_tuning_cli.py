"""`zoo tune`: the sub-command's parsing, and a whole search on real data through zoo.data."""
import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tuning.cli
from tuning import spaces
from tuning.pruning import Pruner

REPO = Path(__file__).resolve().parents[2]


def parse(argv):
    parser = argparse.ArgumentParser(prog="zoo")
    tuning.cli.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["tune", *argv])


def test_the_sub_command_maps_to_search_options():
    args = parse(["cnn_fashion", "--strategy", "grid", "--set", "filters=8,16",
                  "--set", "learning_rate=1e-4..1e-2:10:log", "--fix", "head=softmax",
                  "--epochs", "2", "--subset", "512", "--workers", "2", "--no-retrain"])
    assert args.func is tuning.cli.run and args.strategy == "grid" and args.workers == 2
    options = tuning.cli.options(args)
    assert options["tune"] == {"filters": spaces.Choice((8, 16)),
                               "learning_rate": spaces.Float(1e-4, 1e-2, step=10,
                                                             sampling="log")}
    assert options["build_args"] == {"head": "softmax"}
    assert options["epochs"] == 2 and options["subset"] == 512 and options["retrain"] is False


def test_a_space_file_takes_text_or_data(tmp_path):
    path = tmp_path / "space.json"
    path.write_text(json.dumps({"filters": "8,16",
                                "dropout": {"type": "float", "min_value": 0.0, "max_value": 0.5,
                                            "step": 0.25}}))
    options = tuning.cli.options(parse(["cnn_fashion", "--space", str(path)]))
    assert options["space"] == {"filters": spaces.Choice((8, 16)),
                                "dropout": spaces.Float(0.0, 0.5, step=0.25)}


def test_show_space(capsys):
    assert tuning.cli.main(["cnn_fashion", "--show-space"]) == 0
    out = capsys.readouterr().out
    assert "filters: Choice(values=(8, 16, 32), default=16)" in out


@pytest.mark.realdata
@pytest.mark.slow
def test_a_grid_search_on_mnist_from_the_command_line(tmp_path):
    data_dir = os.environ.get("ZOO_DATA_DIR")
    if not data_dir or not Path(data_dir, "mnist").is_dir():
        pytest.skip("ZOO_DATA_DIR with mnist/ is not set")
    folder = tmp_path / "search"
    done = subprocess.run(
        [sys.executable, "-m", "tuning.cli", "linear_mnist", "--strategy", "grid",
         "--set", "learning_rate=1e-3,1e-2", "--set", "l2=0.0", "--set", "batch_size=64",
         "--subset", "512", "--search-dir", str(folder), "--data-dir", data_dir],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stdout + done.stderr
    with open(folder / "trials.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["learning_rate"] for r in rows] == ["0.001", "0.01"]
    assert all(r["status"] == "COMPLETED" for r in rows)
    result = json.loads((folder / "result.json").read_text())
    assert result["best_score"] == max(float(r["val_accuracy"]) for r in rows) > 0.5
    assert result["test"]["accuracy"] > 0.5  # one epoch on 512 digits
    assert (folder / "best_model.keras").exists()


@pytest.fixture
def planned(monkeypatch):
    """tuning.search replaced by its planning alone (no data, no training): the plans it got."""
    from tuning.plan import make_plan
    module = sys.modules["tuning.search"]  # tuning.search is the function
    plans = []

    def search(model, *, strategy="random", search_dir=None, overwrite=False, workers=0,
               oracle_address=None, retrain=True, verbose=True, pick=None, **options):
        plan = make_plan(model, strategy=strategy, search_dir=search_dir, **options)
        plans.append(plan)
        return module.SearchResult(
            search_dir=plan.folder, strategy=strategy, objective=plan.objective, best_trial=1,
            best_score=0.5, best_hyperparameters={},
            trials=[{plan.objective: 0.5, "seconds": 1.0}] * plan.max_trials)

    monkeypatch.setattr(tuning, "search", search)
    monkeypatch.setattr(module, "search", search)  # where compare imports it from
    return plans


HELD = "held fixed: batch_size=128, dropout=0.3, l2=0, batchnorm=True, dense_units=128."


def test_a_grid_with_set_holds_the_rest_at_their_defaults(planned, tmp_path, capsys):
    """It was a grid of 2,592 trials: every hyperparameter not named stayed in the grid."""
    import zoo.cli
    code = zoo.cli.main(["tune", "cnn_fashion", "--strategy", "grid",
                         "--set", "learning_rate=1e-3,3e-3", "--set", "filters=8,16,32",
                         "--output-dir", str(tmp_path)])
    assert code == 0
    [plan] = planned
    assert plan.max_trials == 6
    assert spaces.tuned(plan.space) == {"learning_rate": spaces.Choice((1e-3, 3e-3)),
                                        "filters": spaces.Choice((8, 16, 32))}
    assert capsys.readouterr().out.splitlines()[0] == \
        "A grid search over learning_rate, filters only; " + HELD


def test_the_default_grid_is_small_and_the_compare_example_runs(planned, tmp_path, capsys):
    """`zoo tune cnn_fashion --compare grid,random,bayesian,hyperband --max-trials 12` exited 2:
    the default space's learning rate is a continuous range, which a grid cannot take."""
    import zoo.cli
    code = zoo.cli.main(["tune", "cnn_fashion", "--compare", "grid,random,bayesian,hyperband",
                         "--max-trials", "12", "--output-dir", str(tmp_path)])
    assert code == 0
    assert [(p.strategy, p.max_trials) for p in planned] == \
        [("grid", 9), ("random", 12), ("bayesian", 12), ("hyperband", 12)]
    assert all(p.space == planned[0].space for p in planned)  # one space for all
    tuned = spaces.tuned(planned[0].space)
    rate = zoo.recipe("cnn_fashion").learning_rate  # a decade either side of it
    assert list(tuned) == ["learning_rate", "filters"]
    assert tuned["learning_rate"].values == pytest.approx((rate / 10, rate, rate * 10))
    assert tuned["filters"] == spaces.Choice((8, 16, 32), default=16)
    out = capsys.readouterr().out
    assert "Strategies grid, random, bayesian, hyperband search over learning_rate, filters " \
           "only; " + HELD in out


def test_other_strategies_still_search_the_whole_default_space():
    from tuning.plan import make_plan
    plan = make_plan("cnn_fashion", strategy="random", tune={"filters": "8,16"})
    assert set(spaces.tuned(plan.space)) == set(tuning.default_space("cnn_fashion"))
    assert make_plan("cnn_fashion", strategy="grid", tune={"dropout": "0.25"}).max_trials == 1


def test_the_pruning_options_reach_the_oracles_rule(planned, tmp_path):
    import zoo.cli
    code = zoo.cli.main(["tune", "cnn_fashion", "--prune", "percentile:33", "--prune-warmup", "2",
                         "--prune-interval", "3", "--prune-margin", "0.005",
                         "--prune-startup", "4", "--output-dir", str(tmp_path)])
    assert code == 0
    [plan] = planned
    assert plan.pruner() == Pruner(keep=33.0, warmup_epochs=2, startup_trials=4, margin=0.005,
                                   interval_epochs=3)


def test_a_search_saved_before_the_interval_existed_keeps_its_fingerprint():
    """Searches saved without prune_interval_epochs resume as the same search."""
    from tuning.plan import Plan, make_plan
    plan = make_plan("cnn_fashion", strategy="random", prune="median")
    old = plan.to_data()
    del old["prune_interval_epochs"]
    assert Plan.from_data(old).fingerprint() == plan.fingerprint()
    assert make_plan("cnn_fashion", strategy="random", prune="median",
                     prune_interval_epochs=2).fingerprint() != plan.fingerprint()

"""Short searches, one per strategy, on a tiny in-memory task: the trials table, the plots, the
best model retrained and tested, the checkpoints kept, the progress lines."""
import contextlib
import csv
import io
import json
import math

import pytest

import tuning

KEEP = 2


@pytest.fixture(scope="module", params=["grid", "random", "bayesian", "hyperband"])
def searched(request, tmp_path_factory, task, grid4, strategy_options):
    strategy = request.param
    options, expected = strategy_options[strategy]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = tuning.search("linear_mnist", strategy=strategy, data=task, space=grid4,
                               batch_size=64, keep_checkpoints=KEEP,
                               search_dir=tmp_path_factory.mktemp(strategy), **options)
    return strategy, result, expected, out.getvalue()


def test_the_table_lists_every_trial(searched):
    strategy, result, expected, _ = searched
    folder = result.search_dir
    rows = json.loads((folder / "trials.json").read_text())
    with open(folder / "trials.csv", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    assert len(rows) == len(csv_rows) == len(result.trials) == expected
    assert [r["trial"] for r in rows] == list(range(1, expected + 1))
    for row, csv_row in zip(rows, csv_rows):
        assert row["status"] == csv_row["status"] == "COMPLETED"
        assert {"learning_rate", "l2", "val_accuracy", "seconds", "rss_mb"} <= set(row)
        assert 0.0 <= row["val_accuracy"] <= 1.0 and row["seconds"] > 0 and row["rss_mb"] > 0
        assert math.isclose(float(csv_row["val_accuracy"]), row["val_accuracy"])
    assert result.best_score == max(r["val_accuracy"] for r in rows)
    best_row = rows[result.best_trial - 1]
    assert best_row["val_accuracy"] == result.best_score
    assert {k: best_row[k] for k in ("learning_rate", "l2")} == \
        {k: result.best_hyperparameters[k] for k in ("learning_rate", "l2")}


@pytest.mark.parametrize("searched", ["grid"], indirect=True)
def test_grid_tries_every_point_once(searched):
    strategy, result, _, _ = searched
    points = {(r["learning_rate"], r["l2"]) for r in result.trials}
    assert points == {(lr, l2) for lr in (1e-3, 1e-2) for l2 in (0.0, 1e-4)}


@pytest.mark.parametrize("searched", ["hyperband"], indirect=True)
def test_hyperband_continues_its_best_trials(searched):
    strategy, result, _, _ = searched
    continued = [r for r in result.trials if "continues_trial" in r and r["continues_trial"]]
    assert len(continued) == 1 and continued[0]["epochs"] == 2
    parent = result.trials[continued[0]["continues_trial"] - 1]
    assert parent["epochs"] == 1
    assert parent["val_accuracy"] == max(r["val_accuracy"] for r in result.trials[:2])


def test_plots_are_written(searched):
    _, result, _, _ = searched
    for name in ("best_so_far.png", "hyperparameters.png"):
        data = (result.search_dir / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5000


def test_the_best_model_is_retrained_and_tested_once(searched):
    _, result, _, _ = searched
    import keras
    model = keras.models.load_model(result.model_path)
    assert model.name == "linear_mnist"
    assert set(result.test) == {"accuracy", "loss"} and 0.0 <= result.test["accuracy"] <= 1.0
    saved = json.loads((result.search_dir / "result.json").read_text())
    assert saved["test"] == result.test and saved["best_trial"] == result.best_trial


# keras-tuner's checkpoint holds the trial's optimizer too; a fresh model's is not built yet.
@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_the_best_checkpoint_scores_what_its_trial_reported(searched, task):
    """keras-tuner's score and its checkpoint come from the same weights, the trial's average
    (swapped in before keras-tuner's callbacks run), and the final retrain averages the same."""
    import keras_tuner as kt

    from tuning.hypermodel import ZooHyperModel, weight_average_momentum
    _, result, _, _ = searched
    best = result.trials[result.best_trial - 1]
    model = ZooHyperModel("linear_mnist", {}, weight_average=False).build(kt.HyperParameters())
    model.load_weights(result.search_dir / "trials" / f"trial_{best['trial_id']}"
                       / "checkpoint.weights.h5")
    _, accuracy = model.evaluate(*task[1], batch_size=64, verbose=0)
    assert abs(accuracy - best["val_accuracy"]) < 1e-6
    retrain = json.loads((result.search_dir / "best_run" / "config.json").read_text())
    assert retrain["ema"] == weight_average_momentum(384 // 64) > 0


def test_only_the_best_checkpoints_are_kept(searched):
    strategy, result, expected, _ = searched
    kept = sorted(result.search_dir.glob("trials/trial_*/checkpoint.weights.h5"))
    assert 1 <= len(kept) <= KEEP
    best_id = result.trials[result.best_trial - 1]["trial_id"]
    assert result.search_dir / "trials" / f"trial_{best_id}" / "checkpoint.weights.h5" in kept


def test_one_progress_line_per_trial(searched):
    strategy, result, expected, output = searched
    lines = [line for line in output.splitlines() if line.startswith("trial ")]
    assert len(lines) == expected
    assert all("val_accuracy" in line and " s  best " in line for line in lines)
    assert "Search: Running Trial" not in output  # keras-tuner's own report is silenced


def test_running_it_again_reuses_the_finished_search(searched, task, grid4, strategy_options):
    strategy, result, _, _ = searched
    options, _ = strategy_options[strategy]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        again = tuning.search("linear_mnist", strategy=strategy, data=task, space=grid4,
                              batch_size=64, keep_checkpoints=KEEP, search_dir=result.search_dir,
                              **options)
    assert "retrained" not in out.getvalue()  # neither a trial nor the final training is redone
    assert again.trials == result.trials and again.test == result.test

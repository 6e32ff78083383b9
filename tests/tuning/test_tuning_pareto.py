"""Score against cost: the Pareto front (no trial on it is beaten on both), its table and plot,
and retraining a trial picked from it; and each trial's seed, derived from its configuration."""
import contextlib
import csv
import io

import pytest

import tuning
from tuning.pareto import front
from tuning.tuner import trial_seed
from zoo.errors import InvalidArgumentError


def _row(trial, score, cost, status="COMPLETED"):
    return {"trial": trial, "status": status, "val_accuracy": score, "params": cost}


def test_the_front_keeps_the_trials_nothing_beats_on_both():
    table = [_row(1, 0.90, 100), _row(2, 0.85, 50), _row(3, 0.80, 60),   # 3: beaten by 2
             _row(4, 0.95, 400), _row(5, 0.95, 300), _row(6, 0.99, 10, "PRUNED"),
             _row(7, 0.85, 50)]                                          # 7 ties 2: both kept
    assert [r["trial"] for r in front(table, "val_accuracy", "max", "params")] == [2, 7, 1, 5]
    losses = [{"trial": 1, "status": "COMPLETED", "val_loss": 0.3, "params": 10},
              {"trial": 2, "status": "COMPLETED", "val_loss": 0.2, "params": 20},
              {"trial": 3, "status": "COMPLETED", "val_loss": 0.4, "params": 15}]
    assert [r["trial"] for r in front(losses, "val_loss", "min", "params")] == [1, 2]


def test_a_trials_seed_depends_on_its_configuration_only():
    values = {"learning_rate": 1e-3, "units": 64}
    assert trial_seed(0, values) == trial_seed(0, {"units": 64, "learning_rate": 1e-3})
    assert trial_seed(0, values) == trial_seed(0, {**values, "tuner/trial_id": "3",
                                                   "tuner/epochs": 2})
    assert trial_seed(0, values) != trial_seed(0, {**values, "units": 128})
    assert trial_seed(0, values) != trial_seed(1, values)
    assert 0 <= trial_seed(0, values) < 2**31


@pytest.fixture(scope="module")
def searched(tmp_path_factory, task, parse_space):
    folder = tmp_path_factory.mktemp("pareto") / "search"
    space = parse_space({"units": "8,32,128", "learning_rate": "1e-3,1e-2"})
    options = dict(strategy="grid", data=task, batch_size=64, epochs=1, space=space,
                   objective="val_accuracy,params", search_dir=folder)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = tuning.search("dense_mnist", retrain=False, **options)
    return folder, options, result, out.getvalue()


def test_the_search_reports_its_front_as_a_table_and_a_plot(searched):
    folder, _, result, output = searched
    on_front = front(result.trials, "val_accuracy", "max", "params")
    assert result.pareto == [r["trial"] for r in on_front] and result.pareto
    with open(folder / "pareto.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["trial"]) for r in rows] == result.pareto
    assert (folder / "pareto.png").stat().st_size > 10_000
    assert "Pareto front of val_accuracy against params: trials" in output
    for row in result.trials:  # every trial's cost is its model's parameter count
        import zoo
        units = row["units"]
        assert row["params"] == zoo.build("dense_mnist", units=units).count_params()
        assert row["seed"] == trial_seed(0, {"units": units,
                                             "learning_rate": row["learning_rate"]})
    best = max(r["val_accuracy"] for r in result.trials)
    assert result.best_score == best  # the default pick: the best score


def test_a_trial_picked_from_the_front_is_the_one_retrained(searched):
    folder, options, result, _ = searched
    cheapest = result.pareto[0]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        picked = tuning.search("dense_mnist", pick=cheapest, **options)
    assert picked.best_trial == cheapest
    assert "picked val_accuracy" in out.getvalue()
    assert picked.test is not None
    import keras
    model = keras.models.load_model(picked.model_path)
    row = next(r for r in result.trials if r["trial"] == cheapest)
    assert model.count_params() == row["params"]


def test_a_pick_that_is_not_a_finished_trial_is_refused(searched):
    _, options, result, _ = searched
    with pytest.raises(InvalidArgumentError, match="pick=99 is not a completed, unpruned trial"):
        with contextlib.redirect_stdout(io.StringIO()):
            tuning.search("dense_mnist", pick=99, **options)


@pytest.mark.parametrize("objective, message", [
    ("val_accuracy,bogus", "the costs are params, flops, latency_ms"),
    ("val_accuracy,params,flops", "the costs are"),
])
def test_a_bad_cost_is_refused(objective, message, task):
    with pytest.raises(InvalidArgumentError, match=message):
        tuning.search("dense_mnist", data=task, objective=objective)


@pytest.mark.parametrize("name", ["lenet", "lstm_sentiment"])
def test_each_cost_is_measured_on_the_trials_model(name):
    import zoo
    from tuning import costs
    from zoo.models import flops
    model = zoo.build(name)
    assert costs.measure("params", model) == model.count_params()
    assert costs.measure("flops", model) == flops.count(model)
    assert 0 < costs.latency_ms(model, calls=3) < 5_000

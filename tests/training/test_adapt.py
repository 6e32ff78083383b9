"""How a recipe adapts to the data: pure functions, no training."""
import pytest

import zoo
import zoo.data
from zoo.training import adapt


@pytest.mark.parametrize("n_train, requested, expected", [
    (3240, 32, 32),    # FordA: enough data, the recipe's batch
    (45, 32, 4),       # GunPoint: a tenth of 45 is 4
    (180, 32, 18),
    (20, 32, 4),       # never below MIN_BATCH
    (20, 2, 2),        # nor above what was asked
])
def test_batch_size_gives_ten_steps_per_epoch_on_small_data(n_train, requested, expected):
    assert adapt.batch_size(n_train, requested) == expected


def test_epoch_budget_reaches_the_minimum_steps_and_scales_patience():
    epochs, patience = adapt.epoch_budget(45, 4, 100, 20)  # 12 steps per epoch
    assert epochs * 12 >= adapt.MIN_STEPS and epochs <= adapt.MAX_EPOCHS
    assert patience >= adapt.SMALL_DATA_PATIENCE * epochs and patience >= 20 * epochs / 100
    assert adapt.epoch_budget(3240, 32, 100, 20) == (100, 20)  # large data: unchanged


def test_options_the_user_set_are_never_adapted():
    config = zoo.recipe("cnn1d_series")
    changes, notes = adapt.fit_budget(config, 45)
    assert changes["batch_size"] == 4 and changes["epochs"] > 100 and len(notes) == 3
    changes, _ = adapt.fit_budget(config, 45, explicit={"batch_size", "epochs"})
    assert changes == {}
    assert adapt.fit_budget(config.replace(adapt=False), 45) == ({}, [])
    changes, _ = adapt.fit_budget(config.replace(subset=50), 45)  # a quick run: epochs kept
    assert "epochs" not in changes


def test_a_tiny_validation_split_keeps_the_final_weights():
    config = zoo.recipe("resnet1d")  # patience 15
    changes, notes = adapt.fit_budget(config, 32, n_validation=4)
    assert changes["patience"] is None and any("final weights" in n for n in notes)
    changes, _ = adapt.fit_budget(config, 32, n_validation=adapt.MIN_VALIDATION)
    assert changes["patience"] >= adapt.SMALL_DATA_PATIENCE * changes["epochs"]
    changes, _ = adapt.fit_budget(config, 32, explicit={"patience"}, n_validation=4)
    assert "patience" not in changes
    assert "patience" not in adapt.fit_budget(config, 3240, n_validation=360)[0]
    constant = zoo.recipe("cnn1d_series")  # a constant rate: final weights need a decay
    changes, _ = adapt.fit_budget(constant, 32, n_validation=4)
    assert changes["lr_schedule"] == "cosine" and changes["patience"] is None
    changes, _ = adapt.fit_budget(constant, 32, explicit={"lr_schedule"}, n_validation=4)
    assert "lr_schedule" not in changes


def test_a_short_run_averages_only_its_last_steps():
    assert adapt.ema_momentum(0.99, 4220) == (0.99, None)  # a full cnn_fashion run
    momentum, note = adapt.ema_momentum(0.99, 15)
    assert momentum < 0.4 and "15 steps" in note
    assert adapt.ema_momentum(None, 15) == (None, None)


def test_model_arguments_follow_the_dataset(tmp_path):
    from tests.training.conftest import write_ucr
    info = zoo.data.describe(f"ucr:{write_ucr(tmp_path / 'D', length=30, classes=4)}")
    arguments, notes = adapt.model_arguments(zoo.describe("cnn1d_series"), info, {})
    assert arguments["input_shape"] == (30, 1) and arguments["num_classes"] == 4
    assert len(notes) == 2
    kept, _ = adapt.model_arguments(zoo.describe("cnn1d_series"), info, {"num_classes": 7})
    assert kept["num_classes"] == 7  # what the user set stays
    # a binary sigmoid model on 4 classes gets a softmax head over the 4 classes
    switched, notes = adapt.model_arguments(zoo.describe("lstm_sentiment"), info, {})
    assert switched["head"] == "softmax" and switched["num_classes"] == 4
    assert "input_shape" not in switched  # a text model has no input_shape argument to set

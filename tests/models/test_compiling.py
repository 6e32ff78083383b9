"""zoo.models.compiling: label smoothing for integer labels, and the warm-up cosine schedule."""
import math

import numpy as np
import pytest

import zoo
from zoo.errors import InvalidArgumentError
from zoo.models.compiling import WARMUP_DIVISOR, WARMUP_SHARE, compile_model, learning_rate_schedule


def test_smoothed_loss_worked_by_hand_and_against_keras_one_hot_loss():
    import keras
    from zoo.models.custom_layers import SmoothedSparseCrossentropy
    # two classes, smoothing 0.2: the target of label 1 is (0.1, 0.9);
    # -(0.1 ln 0.1 + 0.9 ln 0.9) = 0.325083
    loss = SmoothedSparseCrossentropy(0.2)
    value = keras.ops.convert_to_numpy(loss(np.array([1]), np.array([[0.1, 0.9]], "float32")))
    assert value == pytest.approx(-(0.1 * math.log(0.1) + 0.9 * math.log(0.9)), abs=1e-5)
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(5), size=16).astype("float32")
    labels = rng.integers(0, 5, size=16)
    onehot = np.eye(5, dtype="float32")[labels]
    for s in (0.0, 0.1, 0.3):
        ours = keras.ops.convert_to_numpy(SmoothedSparseCrossentropy(s)(labels, probs))
        theirs = keras.ops.convert_to_numpy(
            keras.losses.CategoricalCrossentropy(label_smoothing=s)(onehot, probs))
        assert ours == pytest.approx(theirs, rel=1e-5)


def test_a_model_compiled_with_label_smoothing_trains_saves_and_reloads(tmp_path):
    from zoo.models.custom_layers import SmoothedSparseCrossentropy
    from zoo.saving import load_model
    model = compile_model(zoo.build("linear_mnist", input_shape=(4,), num_classes=3,
                                    compile=False), label_smoothing=0.2)
    assert isinstance(model.loss, SmoothedSparseCrossentropy) and model.loss.label_smoothing == 0.2
    x = np.random.default_rng(0).normal(size=(30, 4)).astype("float32")
    model.fit(x, x[:, :3].argmax(axis=1), epochs=1, verbose=0)
    model.save(tmp_path / "smoothed.keras")
    loaded = load_model(tmp_path / "smoothed.keras")  # safe mode: the loss is registered
    assert loaded.loss.label_smoothing == 0.2


def test_label_smoothing_is_refused_outside_a_softmax_head_and_out_of_range():
    model = zoo.build("linear_mnist", head="hinge", input_shape=(4,), num_classes=3, compile=False)
    with pytest.raises(InvalidArgumentError, match="needs a softmax head.*'hinge'"):
        compile_model(model, label_smoothing=0.1)
    with pytest.raises(InvalidArgumentError, match="label_smoothing"):
        zoo.recipe("lenet").replace(label_smoothing=1.5).validate()


def test_the_warmup_cosine_schedule_rises_then_decays_to_zero():
    import keras
    steps, rate = 1000, 0.4
    schedule = learning_rate_schedule(rate, "warmup_cosine", decay_steps=steps)
    rates = [float(keras.ops.convert_to_numpy(schedule(s))) for s in range(0, steps + 1, 10)]
    peak = round(WARMUP_SHARE * steps) // 10
    assert rates[0] == pytest.approx(rate / WARMUP_DIVISOR)
    assert rates[peak] == pytest.approx(rate) and max(rates) == pytest.approx(rate)
    assert rates[:peak + 1] == sorted(rates[:peak + 1])            # a linear warm-up ...
    assert rates[peak:] == sorted(rates[peak:], reverse=True)      # ... then the decay
    assert rates[-1] < 1e-6
    with pytest.raises(InvalidArgumentError, match="needs decay_steps"):
        learning_rate_schedule(rate, "warmup_cosine")


def test_label_smoothing_at_its_default_keeps_fingerprints_of_earlier_runs():
    # lenet's seed-0 reference run, recorded before label_smoothing existed: fingerprint
    # 32f7b312997c in its config.json. An unfinished run of that kind must still resume.
    recipe = zoo.recipe("lenet").replace(seed=0)
    assert recipe.fingerprint() == "32f7b312997c"
    assert recipe.replace(label_smoothing=0.1).fingerprint() != recipe.fingerprint()


def test_label_smoothing_and_the_warmup_schedule_are_command_line_options():
    import argparse

    from zoo.commandline import add_arguments, given_options
    parser = add_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--label-smoothing", "0.1", "--lr-schedule", "warmup_cosine"])
    config = zoo.recipe("cnn_fashion").replace(**given_options(args, zoo.recipe("cnn_fashion")))
    assert config.validate().label_smoothing == 0.1 and config.lr_schedule == "warmup_cosine"
    assert "label smoothing 0.1" in config.summary()

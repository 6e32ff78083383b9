"""Every registered model, held to its metadata record."""
import argparse

import numpy as np
import pytest

import zoo
from zoo.models.compiling import OPTIMIZERS

# vgg16_transfer's default downloads ImageNet weights; the record is about the architecture.
BUILD_ARGS = {"vgg16_transfer": {"weights": None}}


def random_batch(info, batch=2, seed=0):
    rng = np.random.default_rng(seed)
    if info.dataset == "imdb":  # integer token ids
        x = rng.integers(1, 1000, size=(batch, *info.input_shape)).astype("int32")
    else:
        x = rng.random((batch, *info.input_shape), dtype="float32")
    if info.task == "binary" and info.num_outputs == 1:
        y = rng.integers(0, 2, size=(batch, 1)).astype("float32")
    else:
        y = rng.integers(0, info.num_outputs, size=(batch,)).astype("int32")
    return x, y


@pytest.fixture(params=zoo.list_models())
def built(request):
    name = request.param
    return zoo.describe(name), zoo.build(name, **BUILD_ARGS.get(name, {}))


def test_builds_to_its_metadata(built):
    info, model = built
    import keras
    assert isinstance(model, keras.Model) and model.__class__.__name__ == "Functional"
    assert tuple(model.input_shape[1:]) == info.input_shape
    assert tuple(model.output_shape) == (None, info.num_outputs)
    assert model.count_params() == info.params
    from zoo.models import flops
    assert info.macs is not None and flops.count(model) == info.macs
    assert model.name == info.name
    assert model.optimizer is not None and model.loss is not None


def test_one_training_step_gives_finite_loss(built):
    info, model = built
    x, y = random_batch(info)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert np.isfinite(logs["loss"])


def test_save_and_load_give_the_same_predictions(built, tmp_path):
    info, model = built
    from zoo.saving import load_model
    x, _ = random_batch(info, seed=1)
    path = tmp_path / f"{info.name}.keras"
    model.save(path)
    again = load_model(path)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_name_gives_its_keras_class_and_keeps_the_average(name):
    import keras

    from zoo.models.compiling import make_optimizer
    from zoo.commandline import add_arguments
    expected = {"adam": "Adam", "adamw": "AdamW", "nadam": "Nadam", "rmsprop": "RMSprop",
                "sgd": "SGD"}[name]
    optimizer = make_optimizer(name, 2e-3, ema=0.99)
    assert type(optimizer).__name__ == expected
    assert isinstance(optimizer, keras.optimizers.Optimizer)
    assert optimizer.use_ema and optimizer.ema_momentum == 0.99
    assert float(keras.ops.convert_to_numpy(optimizer.learning_rate)) == pytest.approx(2e-3)
    assert not make_optimizer(name, 1e-3).use_ema
    # The command line offers the same names.
    parsed = add_arguments(argparse.ArgumentParser()).parse_args(["--optimizer", name])
    assert parsed.optimizer == name


def test_unknown_optimizer_is_refused_with_the_names():
    from zoo.errors import InvalidArgumentError
    from zoo.models.compiling import make_optimizer
    with pytest.raises(InvalidArgumentError, match="nadam"):
        make_optimizer("adagrad", 1e-3)

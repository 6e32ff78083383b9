"""Every zoo model has a search space over its builder's own arguments, as plain data that
builds into keras-tuner HyperParameters and into a working model."""
import random

import pytest

import tuning
import zoo
from tuning import spaces

# vgg16_transfer's default weights are downloaded: the space is about the architecture.
BUILD_ARGS = {"vgg16_transfer": {"weights": None}}


@pytest.mark.parametrize("model", zoo.list_models())
def test_every_model_has_a_space_over_its_own_arguments(model):
    space = tuning.default_space(model)
    arguments = zoo.describe(model).arguments
    assert "learning_rate" in space and len(spaces.tuned(space)) >= 3
    for name in space:
        assert name in arguments or name in spaces.TRAINING_HYPERPARAMETERS
    assert spaces.from_data(spaces.to_data(space)) == space


def sample(space, rng):
    """One point of a space, drawn without keras-tuner."""
    out = {}
    for name, spec in space.items():
        if isinstance(spec, spaces.Choice):
            out[name] = rng.choice(spec.values)
        elif isinstance(spec, spaces.Boolean):
            out[name] = rng.random() < 0.5
        elif isinstance(spec, (spaces.Int, spaces.Float)):
            value = rng.uniform(spec.min_value, spec.max_value)
            out[name] = round(value) if isinstance(spec, spaces.Int) else value
    return out


@pytest.mark.parametrize("model", zoo.list_models())
def test_the_default_and_a_random_point_build(model):
    import keras_tuner

    from tuning.hypermodel import ZooHyperModel
    space = tuning.default_space(model)
    hypermodel = ZooHyperModel(model, space, build_args=BUILD_ARGS.get(model))
    hp = keras_tuner.HyperParameters()
    hypermodel.declare_hyperparameters(hp)
    assert set(hp.values) == set(spaces.tuned(space))
    for values in ({}, sample(space, random.Random(model))):
        hp.values.update(values)
        built = hypermodel.build(hp)
        assert built.optimizer is not None and built.name == zoo.describe(model).name


def test_a_tuple_argument_is_tuned_by_its_first_entry():
    import keras_tuner

    from tuning.hypermodel import ZooHyperModel
    hp = keras_tuner.HyperParameters()
    hypermodel = ZooHyperModel("cnn_mnist", {"filters": spaces.Choice((16, 32))})
    hypermodel.declare_hyperparameters(hp)
    hp.values["filters"] = 16  # default (32, 64): the ratio is kept
    model = hypermodel.build(hp)
    assert [model.get_layer(f"block{i}_conv").filters for i in (1, 2)] == [16, 32]


def test_a_tuple_choice_travels_as_text():
    import keras_tuner
    spec = spaces.Choice(((128,), (256, 128)))
    hp = keras_tuner.HyperParameters()
    assert spec.register(hp, "units") == (128,)
    hp.values["units"] = "256,128"
    assert spec.register(hp, "units") == (256, 128)


def test_narrowing_and_widening_change_only_those_entries():
    default = tuning.default_space("cnn_fashion")
    resolved = spaces.resolve("cnn_fashion", tune={"filters": spaces.parse("4,8,16,32,64"),
                                                   "dropout": spaces.Fixed(0.25)})
    assert resolved["filters"].values == (4, 8, 16, 32, 64)
    assert resolved["dropout"] == spaces.Fixed(0.25) and "dropout" not in spaces.tuned(resolved)
    assert {k: v for k, v in resolved.items() if k not in ("filters", "dropout")} == \
        {k: v for k, v in default.items() if k not in ("filters", "dropout")}


@pytest.mark.parametrize("text, spec, size", [
    ("8,16,32", spaces.Choice((8, 16, 32)), 3),
    ("relu,tanh", spaces.Choice(("relu", "tanh")), 2),
    ("0,1e-4", spaces.Choice((0.0, 1e-4)), 2),
    ("true,false", spaces.Boolean(), 2),
    ("1..3", spaces.Int(1, 3), 3),
    ("16..64:16", spaces.Int(16, 64, step=16), 4),
    ("0..0.5:0.1", spaces.Float(0.0, 0.5, step=0.1), 6),
    ("1e-4..1e-2:log", spaces.Float(1e-4, 1e-2, sampling="log"), None),
    ("1e-4..1e-2:10:log", spaces.Float(1e-4, 1e-2, step=10, sampling="log"), 3),
    ("None", spaces.Fixed(None), 1),
])
def test_command_line_specs(text, spec, size):
    assert spaces.parse(text) == spec
    assert spec.grid_size() == size

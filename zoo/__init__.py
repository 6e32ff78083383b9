"""A Keras 3 model zoo: classic networks with training recipes, tuning and analysis.

    import zoo
    zoo.list_models("cnn_*")          # names, instantly (no TensorFlow import)
    zoo.describe("cnn_fashion")       # what the model is: the metadata record
    zoo.recipe("cnn_fashion")         # what it is trained with: the recipe record
    model = zoo.build("cnn_fashion")  # a compiled functional keras.Model
    result = zoo.train("cnn_fashion", epochs=2)   # a run folder, test metrics, history
    run = zoo.load_run(result.run_dir)             # the trained model, ready to predict
    run.predict(["boot.png"])                      # [[('Ankle boot', 0.97), ...]]
"""
from zoo.errors import (DataError, InvalidArgumentError, RunError, UnknownNameError,
                        WeightsUnavailableError, ZooError)
from zoo.registry import ModelInfo, Reference, list_models, register
from zoo.training import Phase, TrainConfig, register_recipe, train

__version__ = "0.1.0"

__all__ = ["build", "describe", "list_models", "load_run", "recipe", "register", "register_recipe", "train",
           "ModelInfo", "Phase", "Reference", "TrainConfig", "ZooError", "UnknownNameError",
           "InvalidArgumentError", "DataError", "WeightsUnavailableError", "RunError",
           "__version__"]


def describe(name: str) -> "ModelInfo":
    """The metadata record of a registered model, with its measured results and speed attached."""
    import dataclasses
    from zoo import registry, results, speed
    info = results.attach(registry.get(name))
    return dataclasses.replace(info, speed=speed.for_model(name))


def recipe(name: str) -> "TrainConfig":
    """The recipe record (a TrainConfig) that trains registered model `name`: recipes/<name>.py,
    one registered with `zoo.register_recipe`, else the default recipe."""
    from zoo.training import recipe_for
    return recipe_for(name)


def build(name: str, *, compile: bool = True, **overrides):
    """Build a registered model as a Keras functional model.

    Args:
        name: a registered model (`zoo.list_models()`).
        compile: compile it with its recipe's optimizer and learning rate (held constant: the
            recipe's schedule and weight average need a run's length, see `zoo.train`) and the
            loss and metrics of its head.
        **overrides: the builder's own keyword arguments (`zoo.describe(name).arguments`).

    Example:
        >>> model = zoo.build("cnn_fashion", dropout=0.5, batchnorm=False)   # doctest: +SKIP
        >>> model.fit(x, y, epochs=1)                                        # doctest: +SKIP
    """
    from zoo.models.compiling import compile_model
    from zoo.models.factory import build_model
    model = build_model(name, **overrides)
    if compile:
        chosen = recipe(name)
        compile_model(model, optimizer=chosen.optimizer, learning_rate=chosen.learning_rate)
    return model



def load_run(path):
    """A finished run (its folder, or its model.keras) as a `zoo.serving.LoadedRun`: the model,
    its classes, preprocessing and metrics, and `.predict(inputs)` on raw inputs.

    Args:
        path: a run folder (runs/<model>/<stamp>) or the .keras file in one.

    Example:
        >>> run = zoo.load_run("runs/cnn_fashion/20261129-101500")    # doctest: +SKIP
        >>> run.predict(["boot.png"], top=1)                          # doctest: +SKIP
        [[('Ankle boot', 0.97)]]
    """
    from zoo.serving import load_run as load
    return load(path)

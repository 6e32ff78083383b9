"""A Keras 3 model zoo: classic networks with training recipes, tuning and analysis.

    import zoo
    zoo.list_models("cnn_*")          # names, instantly (no TensorFlow import)
    zoo.describe("cnn_fashion")       # the metadata record
    model = zoo.build("cnn_fashion")  # a compiled functional keras.Model
"""
from zoo.errors import (DataError, InvalidArgumentError, RunError, UnknownNameError,
                        WeightsUnavailableError, ZooError)
from zoo.registry import ModelInfo, Reference, list_models, register

__version__ = "0.1.0"

__all__ = ["build", "describe", "list_models", "register", "ModelInfo", "Reference", "ZooError",
           "UnknownNameError", "InvalidArgumentError", "DataError", "WeightsUnavailableError",
           "RunError", "__version__"]


def describe(name: str) -> "ModelInfo":
    """The metadata record of a registered model, with its measured results attached."""
    from zoo import registry, results
    return results.attach(registry.get(name))


def build(name: str, *, compile: bool = True, **overrides):
    """Build a registered model as a Keras functional model, compiled with its recipe's default
    optimizer, loss and metrics unless compile=False. Overrides are the builder's own keyword
    arguments (see `zoo.describe(name).arguments`)."""
    from zoo.models.factory import build_model
    return build_model(name, compile=compile, **overrides)

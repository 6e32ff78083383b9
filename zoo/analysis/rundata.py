"""The data a run was trained and tested on, loaded through zoo.data as its config.json says."""
from __future__ import annotations

from zoo.errors import DataError, ZooError

def dataset_name(config: dict, model) -> str:
    """The run's dataset, else the dataset of the registered model of the same name."""
    if config.get("dataset"):
        return config["dataset"]
    from zoo import registry
    try:
        return registry.get(model.name).dataset
    except ZooError:
        raise DataError(
            f"Cannot tell which dataset {model.name} was trained on: it has no config.json and "
            "is no registered model. Pass the test data explicitly (data=(x, y)).") from None


def load_splits(config: dict, model, *, data_dir=None, subset=None):
    """zoo.data.load(...) with the run's data arguments; data_dir and subset override them."""
    try:
        from zoo.data import load
    except ImportError as error:
        raise DataError(f"The data layer zoo.data cannot be imported ({error}): pass the test "
                        "data explicitly (data=(x, y)).") from None
    from zoo.training.config import data_arguments
    kwargs = data_arguments(config)
    kwargs.update({k: v for k, v in (("data_dir", data_dir), ("subset", subset)) if v is not None})
    return load(dataset_name(config, model), **kwargs)

"""Opening what a training run left behind: runs/<model>/<stamp>/ with model.keras, config.json,
metrics.json, history.csv and status.json, or a bare .keras file; and the data it was trained
and tested on, loaded through zoo.data as its config.json says."""
from __future__ import annotations

import os

from zoo import files
from zoo.errors import DataError, RunError, ZooError

MODEL_FILE = "model.keras"
CONFIG_FILE = "config.json"
STATUS_FILE = "status.json"


def open_run(path) -> tuple:
    """(model, config) of a run folder or a .keras file. The config is the run's config.json ({}
    for a .keras file outside a run folder)."""
    from zoo.saving import load_model
    model_file, folder = model_path(path)
    return load_model(model_file), read_config(folder)


def model_path(path) -> tuple[str, str]:
    """(the .keras file, the folder it lives in) for a run folder or a .keras file."""
    path = os.fspath(path)
    if os.path.isdir(path):
        model_file = os.path.join(path, MODEL_FILE)
        if not os.path.isfile(model_file):
            raise RunError(f"The run folder {path} has no {MODEL_FILE}{_state_hint(path)}.")
        return model_file, path
    if os.path.isfile(path):
        return path, os.path.dirname(os.path.abspath(path))
    raise RunError(f"{path} does not exist: pass a run folder (runs/<model>/<stamp>) or a .keras "
                   "file.")


def _state_hint(folder) -> str:
    try:
        state = read_json(os.path.join(folder, STATUS_FILE)).get("state")
    except RunError:
        return ": is it a run folder?"
    if state == "running":
        return ": the run is still running and has not saved its model yet"
    return f" (its status is {state!r})"


def read_config(folder) -> dict:
    """The folder's config.json, or {} when it has none."""
    path = os.path.join(folder, CONFIG_FILE)
    return read_json(path) if os.path.isfile(path) else {}


def read_json(path) -> dict:
    data = files.read_json_object(path)
    if data is None:
        raise RunError(f"{path} does not hold a JSON object.")
    return data


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

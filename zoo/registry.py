"""The model registry: names -> builder + metadata record.

This module imports neither TensorFlow nor Keras: builders import Keras inside their own bodies, so
that listing and describing models is instant.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import importlib
import inspect
import os
from typing import Callable

from zoo import validation
from zoo.errors import InvalidArgumentError

TASKS = ("multiclass", "binary", "multilabel", "regression")
SOURCES = ("lecture material", "keras.io", "measured here", "none")

# The modules whose import registers the built-in models (cheap: no Keras at import time).
BUILTIN_MODULES = (
    "zoo.models.dense",
    "zoo.models.convnets",
    "zoo.models.resnet",
    "zoo.models.transfer",
    "zoo.models.recurrent",
    "zoo.models.series",
)


@dataclasses.dataclass(frozen=True)
class Reference:
    """A reference result: what the model's recipe reaches on its dataset's test split."""
    metric: str
    value: float | None
    source: str  # one of SOURCES
    note: str = ""


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """Metadata record of a registered model. Tests hold it to the built model."""
    name: str
    family: str
    task: str
    input_shape: tuple
    num_outputs: int
    dataset: str
    params: int
    description: str
    reference: Reference
    builder: Callable = dataclasses.field(repr=False, compare=False)
    # Multiply-accumulates of one example (zoo.models.flops.count); None when not recorded.
    macs: int | None = None
    # Measured reference results (see zoo/results.json), attached on describe().
    results: tuple = ()
    # Measured inference speed (zoo/speed.json, by `zoo bench`), attached on describe().
    speed: dict | None = None

    @property
    def arguments(self) -> dict:
        """The builder's keyword arguments and their defaults: the valid overrides."""
        return {p.name: p.default for p in inspect.signature(self.builder).parameters.values()
                if p.kind is p.KEYWORD_ONLY or p.default is not p.empty}

    def as_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "builder"}
        out["reference"] = dataclasses.asdict(self.reference)
        out["input_shape"] = list(self.input_shape)
        out["results"] = [dict(r) for r in self.results]
        out["arguments"] = {k: v for k, v in self.arguments.items()}
        return out


_REGISTRY: dict[str, ModelInfo] = {}
_loaded = False


def register(*, name: str | None = None, family: str, task: str, input_shape, num_outputs: int,
             dataset: str, params: int, description: str, reference: Reference | None = None,
             macs: int | None = None, overwrite: bool = False):
    """Decorator registering a model builder with its metadata.

    The record says what the model is; what it is trained with is its recipe (a TrainConfig in
    recipes/<name>.py, or `zoo.register_recipe`; else the default recipe). The builder takes
    keyword arguments only and returns an *uncompiled* functional keras.Model; `zoo.build`
    validates overrides against its signature and compiles it.

        @zoo.register(family="mine", task="multiclass", input_shape=(28, 28, 1), num_outputs=10,
                      dataset="mnist", params=7850, description="My softmax regression")
        def my_model(*, num_classes=10, input_shape=(28, 28, 1), head="softmax"):
            ...
    """
    validation.choice("task", task, TASKS)
    reference = reference or Reference(metric="accuracy", value=None, source="none")
    validation.choice("reference.source", reference.source, SOURCES)

    def decorate(fn):
        model_name = name or fn.__name__
        if not overwrite and model_name in _REGISTRY:
            raise InvalidArgumentError(
                f"A model named {model_name!r} is already registered; pick another name or pass "
                "overwrite=True.")
        _REGISTRY[model_name] = ModelInfo(
            name=model_name, family=family, task=task, input_shape=tuple(input_shape),
            num_outputs=validation.positive_int("num_outputs", num_outputs), dataset=dataset,
            params=validation.non_negative_int("params", params), description=description,
            reference=reference, builder=fn,
            macs=None if macs is None else validation.non_negative_int("macs", macs))
        return fn

    return decorate


def unregister(name: str) -> None:
    """Remove a model registered with `register` (built-in models included)."""
    _load_builtins()
    validation.known_name("model", name, _REGISTRY)
    del _REGISTRY[name]


# A user's models: modules named in ZOO_IMPORT (comma-separated; what `zoo --import` sets, so that
# worker processes see them too), and the "zoo.models" entry points of installed packages.
IMPORT_VARIABLE = "ZOO_IMPORT"
ENTRY_POINT_GROUP = "zoo.models"


def _load_builtins():
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILTIN_MODULES:
            importlib.import_module(module)
        for module in _plugin_modules():
            import_user_module(module)


def _plugin_modules() -> list[str]:
    from importlib.metadata import entry_points
    named = [m.strip() for m in os.environ.get(IMPORT_VARIABLE, "").split(",") if m.strip()]
    return named + [ep.value.split(":")[0] for ep in entry_points(group=ENTRY_POINT_GROUP)]


def import_user_module(module: str):
    """Import a user's module that registers models (and recipes): a module name, or the path of
    a .py file."""
    import sys
    from pathlib import Path
    if module.endswith(".py"):
        path = Path(module)
        if not path.is_file():
            raise InvalidArgumentError(f"--import {module}: no such file.")
        sys.path.insert(0, str(path.resolve().parent))
        module = path.stem
    elif "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does: modules of the current folder
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            raise InvalidArgumentError(
                f"--import {module}: no module named {error.name!r} (run from the folder that "
                "holds it, set PYTHONPATH, or give the path of its .py file).") from None
        raise


def names() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def get(name: str) -> ModelInfo:
    _load_builtins()
    validation.known_name("model", name, _REGISTRY)
    return _REGISTRY[name]


def list_models(pattern: str | None = None, task: str | None = None) -> list[str]:
    """Sorted model names, filtered by a shell wildcard pattern (`"cnn_*"`) and/or a task."""
    if task is not None:
        validation.choice("task", task, TASKS)
    out = names()
    if pattern:
        out = [n for n in out if fnmatch.fnmatchcase(n, pattern)]
    if task:
        out = [n for n in out if _REGISTRY[n].task == task]
    return out

"""Which recipe trains a model: its recipe record (recipes/<model>.py's RECIPE, or one registered
with `register_recipe`), else the default recipe, `TrainConfig(model=name)`.

The registry says what a model is; its recipe what it is trained with. Recipes of the zoo's own
models are found by name in the `recipes` package that ships with the zoo, as the registry finds
its built-in model modules; a user's module registers its own with `register_recipe`.
"""
from __future__ import annotations

import importlib

from zoo import registry, validation
from zoo.training.config import TrainConfig

RECIPE_PACKAGE = "recipes"
_REGISTERED: dict[str, TrainConfig] = {}


def register_recipe(recipe: TrainConfig, *, overwrite: bool = False) -> TrainConfig:
    """Make `recipe` the recipe of its model (for `zoo train`, `zoo.train` and `zoo info`)."""
    from zoo.errors import InvalidArgumentError
    if not isinstance(recipe, TrainConfig):
        raise InvalidArgumentError(f"register_recipe takes a zoo.TrainConfig; received "
                                   f"{type(recipe).__name__}.")
    registry.get(recipe.model)
    if recipe.model in _REGISTERED and not overwrite:
        raise InvalidArgumentError(f"A recipe for {recipe.model!r} is already registered; pass "
                                   "overwrite=True to replace it.")
    _REGISTERED[recipe.model] = recipe
    return recipe


def recipe_module(name: str):
    """recipes/<name>.py of the zoo, or None when the model has none."""
    registry.get(name)  # unknown names fail with suggestions
    if not name.isidentifier():
        return None
    module_name = f"{RECIPE_PACKAGE}.{name}"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name in (RECIPE_PACKAGE, module_name):
            return None
        raise


def recipe_for(name: str) -> TrainConfig:
    """The recipe record that trains registered model `name`.

    Example:
        >>> recipe_for("cnn_fashion").optimizer
        'adam'
    """
    validation.known_name("model", name, registry.names())
    if name in _REGISTERED:
        return _REGISTERED[name]
    module = recipe_module(name)
    recipe = getattr(module, "RECIPE", None)
    return recipe if isinstance(recipe, TrainConfig) else TrainConfig(model=name)


def recipe_source(name: str) -> str:
    """Where a model's recipe is written: a file, 'registered', or 'the default recipe'."""
    if name in _REGISTERED:
        return "registered with zoo.register_recipe"
    module = recipe_module(name)
    if module is not None and isinstance(getattr(module, "RECIPE", None), TrainConfig):
        return f"{RECIPE_PACKAGE}/{name}.py"
    return "the default recipe (zoo.TrainConfig defaults)"

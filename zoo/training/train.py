"""`zoo.train`: the one function through which every model of the zoo is trained."""
from __future__ import annotations

from zoo.errors import InvalidArgumentError
from zoo.training.config import TrainConfig
from zoo.training.recipes import recipe_for
from zoo.training.session import open_run


def train(model, dataset=None, *, data=None, callbacks=(), **options):
    """Train a registered model with its recipe, or a recipe record, and test it once.

    Args:
        model: a registered model name (trained with its recipe, `zoo.recipe(name)`) or a
            `TrainConfig` recipe record.
        dataset: a dataset name or folder ("ucr:PATH", "images:PATH", "text:PATH"); default:
            the recipe's, else the model's own. Input shape, classes, head and vocabulary
            follow it unless set in `overrides`.
        data: already loaded splits (a `zoo.data.Splits`) instead of a dataset name.
        callbacks: extra Keras callbacks, run after the run's own.
        **options: any `TrainConfig` field (epochs, batch_size, optimizer, learning_rate,
            lr_schedule, ema, augment, patience, subset, seed, overrides, output_dir, ...). The
            options given here are never adapted to the size of the data.

    Returns:
        A `RunResult`: run_dir, test metrics, history, metrics.json's content, the config.

    Example:
        >>> result = zoo.train("cnn1d_series", dataset="ucr:data/GunPoint")   # doctest: +SKIP
        >>> result.test["accuracy"]                                            # doctest: +SKIP
    """
    config = model if isinstance(model, TrainConfig) else _recipe(model)
    if dataset is not None:
        options["dataset"] = dataset
    config = config.replace(**options)
    with open_run(config, explicit=options) as run:
        splits = run.load_data(data)
        built = run.build(splits)
        run.fit_phases(built, splits, callbacks=callbacks)
        return run.evaluate(built, splits)


def _recipe(name) -> TrainConfig:
    if not isinstance(name, str):
        raise InvalidArgumentError(
            f"zoo.train takes a registered model name or a zoo.TrainConfig; received "
            f"{type(name).__name__}. Register a builder with @zoo.register first.")
    return recipe_for(name)

"""Training: one path for any registered model on any dataset.

    import zoo
    result = zoo.train("cnn_fashion", epochs=2)            # with its recipe, options override
    result = zoo.train("cnn1d_series", dataset="ucr:GunPoint")   # shapes and classes follow
    zoo.recipe("cnn_fashion")                              # the recipe record (a TrainConfig)

Layers: `config` (the TrainConfig record) and `run_folder` (create, resume, lock, status) import
no Keras; `keras_setup` (seed, precision, strategy), `trainer` (build, compile, callbacks, fit,
evaluate) and `session.open_run` put them together; `train` is the one entry point.
"""
from zoo.training.config import Phase, TrainConfig, data_arguments
from zoo.training.recipes import recipe_for, recipe_source, register_recipe


def train(model, dataset=None, **options):
    """See zoo.training.train.train (imported lazily: no Keras at `import zoo.training`)."""
    from zoo.training.train import train as _train
    return _train(model, dataset, **options)


def open_run(config, **options):
    """See zoo.training.session.open_run."""
    from zoo.training.session import open_run as _open_run
    return _open_run(config, **options)


__all__ = ["Phase", "TrainConfig", "data_arguments", "open_run", "recipe_for", "recipe_source",
           "register_recipe", "train"]

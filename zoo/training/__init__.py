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
from zoo.training.session import open_run  # none of these imports Keras: it is loaded in a run
from zoo.training.train import train


__all__ = ["Phase", "TrainConfig", "data_arguments", "open_run", "recipe_for", "recipe_source",
           "register_recipe", "train"]

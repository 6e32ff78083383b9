"""A zoo model as a keras-tuner HyperModel: build() over the builder's own arguments plus the
learning rate and optimizer; fit() over the batch size, the epochs and the augmentation preset."""
from __future__ import annotations

import keras_tuner

import zoo
from tuning import spaces
from zoo.models.compiling import compile_model

COMPILE = ("learning_rate", "optimizer")
FIT = ("batch_size", "epochs", "augment")


class ZooHyperModel(keras_tuner.HyperModel):
    def __init__(self, model: str, space: dict, *, epochs: int = 1, batch_size: int = 128,
                 build_args: dict | None = None):
        super().__init__(name=model)
        self.model = model
        self.space = space
        self.epochs = epochs
        self.batch_size = batch_size
        self.info = zoo.describe(model)
        self.recipe = zoo.recipe(model)  # what a value the space does not tune defaults to
        self.build_args = dict(build_args or {})

    def declare_hyperparameters(self, hp):
        spaces.register(self.space, hp)

    def values(self, hp) -> dict:
        return spaces.register(self.space, hp)

    def build(self, hp):
        values = self.values(hp)
        builder = self.builder_arguments(values)
        model = zoo.build(self.model, compile=False, **{**self.build_args, **builder})
        return compile_model(model, optimizer=values.get("optimizer", self.recipe.optimizer),
                             learning_rate=values.get("learning_rate", self.recipe.learning_rate))

    def builder_arguments(self, values: dict) -> dict:
        """The builder's own arguments among a trial's values (tuple arguments expanded)."""
        return {k: _expand(v, self.info.arguments[k]) for k, v in values.items()
                if k not in COMPILE + FIT and not k.startswith("tuner/")}

    def fit(self, hp, model, data, **kwargs):
        """`data` is a tuning.data.SearchData; Hyperband passes its own epochs in kwargs."""
        values = self.values(hp)
        batch_size = values.get("batch_size", self.batch_size)
        kwargs.setdefault("epochs", values.get("epochs", self.epochs))
        kwargs.setdefault("verbose", 0)
        kwargs.setdefault("shuffle", False)  # the pipelines shuffle (and Keras warns otherwise)
        train = _own_copy(data).split("train", augment=values.get("augment"),
                                      batch_size=batch_size)
        current_batchnorm_statistics(model, _steps(train))
        return model.fit(train, validation_data=data.split("validation"), **kwargs)


# The horizon of BatchNorm's moving statistics, 1 / (1 - momentum), is capped at this share of an
# epoch's optimizer steps (see current_batchnorm_statistics).
BATCHNORM_HORIZON_SHARE = 0.1


def current_batchnorm_statistics(model, steps_per_epoch: int | None) -> float | None:
    """Cap the momentum of the model's BatchNormalization layers so that the moving statistics a
    validation pass normalises with follow the trial's weights within each epoch: their horizon
    1 / (1 - momentum) at most a tenth of an epoch's steps. Returns the momentum set (None when
    nothing changed).

    Keras' default momentum, 0.99, averages over about 100 steps. A search trains on subsets in
    few steps: 39 an epoch at batch 256 on 10,000 images, after which the moving statistics are
    still 67 % their initial zeros and ones, and the validation accuracy of a sound network reads
    0.61 after epoch 1 and 0.19 after epoch 3 (cnn_fashion, learning rate 1.3e-3, batch 256;
    0.81 and 0.86 with the cap, training accuracy 0.73 and 0.88 either way). Such trials looked
    like late starters and were pruned (benchmarks/pruning.py). Training itself normalises with
    each batch's own statistics, so the weights a trial learns are the same with or without the
    cap: only its validation scores change.

    Example:
        >>> current_batchnorm_statistics(model, steps_per_epoch=39)   # doctest: +SKIP
        0.7436
    """
    if not steps_per_epoch or steps_per_epoch <= 0:
        return None
    import keras
    cap = round(max(0.0, 1.0 - 1.0 / (BATCHNORM_HORIZON_SHARE * steps_per_epoch)), 4)
    layers = [layer for layer in _all_layers(model)
              if isinstance(layer, keras.layers.BatchNormalization) and layer.momentum > cap]
    for layer in layers:
        layer.momentum = cap
    return cap if layers else None


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _all_layers(layer)


def _steps(dataset) -> int | None:
    """Batches in one pass of a tf.data pipeline, None when tf.data cannot tell."""
    try:
        steps = int(dataset.cardinality())
    except (AttributeError, TypeError, ValueError):
        return None
    return steps if steps > 0 else None


def _own_copy(data):
    """The trial's own load of a dataset given by name. A loaded training pipeline reshuffles at
    every pass, so one shared by the trials gives each the order its predecessors left, and the
    same configuration scores differently in another search (grid against random in --compare).
    Loaded here, after the tuner seeded the trial (keras.utils.set_random_seed(seed)), every
    trial sees the same order and augmentation: its score depends on its configuration and the
    search's seed only. (Explicit arrays get a fresh pipeline per trial already; a user's own
    tf.data splits are used as given.)"""
    if data.name is None:
        return data
    from tuning.data import SearchData
    return SearchData(data.name, batch_size=data.batch_size, load_options=data.load_options)


def _expand(value, default):
    """A tuple-valued builder argument tuned by its first entry keeps the ratios of its default:
    filters=16 with default (32, 64) gives (16, 32)."""
    if isinstance(default, (tuple, list)) and default and isinstance(value, int) \
            and not isinstance(value, bool):
        return tuple(max(1, round(value * d / default[0])) for d in default)
    return value

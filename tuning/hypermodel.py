"""A zoo model as a keras-tuner HyperModel: build() over the builder's own arguments plus the
learning rate and optimizer; fit() over the batch size, the epochs and the augmentation preset."""
from __future__ import annotations

import keras_tuner

import zoo
from tuning import spaces
from zoo.models import factory, heads

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
        self.build_args = dict(build_args or {})

    def declare_hyperparameters(self, hp):
        spaces.register(self.space, hp)

    def values(self, hp) -> dict:
        return spaces.register(self.space, hp)

    def build(self, hp):
        values = self.values(hp)
        builder = {k: _expand(v, self.info.arguments[k]) for k, v in values.items()
                   if k not in COMPILE + FIT}
        model = zoo.build(self.model, compile=False, **{**self.build_args, **builder})
        optimizer = values.get("optimizer", self.info.optimizer)
        learning_rate = values.get("learning_rate", self.info.learning_rate)
        model.compile(optimizer=factory.make_optimizer(optimizer, learning_rate),
                      **heads.compile_arguments(heads.head_of(model)))
        return model

    def fit(self, hp, model, data, **kwargs):
        """`data` is a tuning.data.SearchData; Hyperband passes its own epochs in kwargs."""
        values = self.values(hp)
        batch_size = values.get("batch_size", self.batch_size)
        kwargs.setdefault("epochs", values.get("epochs", self.epochs))
        kwargs.setdefault("verbose", 0)
        kwargs.setdefault("shuffle", False)  # the pipelines shuffle (and Keras warns otherwise)
        train = data.split("train", augment=values.get("augment"), batch_size=batch_size)
        return model.fit(train, validation_data=data.split("validation"), **kwargs)

    def fit_final(self, hp, data, *, epochs=None, verbose=0):
        """Train the chosen configuration from scratch on training + validation data."""
        values = self.values(hp)
        batch_size = values.get("batch_size", self.batch_size)
        model = self.build(hp)
        train = data.split("train", augment=values.get("augment"), batch_size=batch_size)
        train = train.concatenate(data.split("validation", batch_size=batch_size))
        model.fit(train, epochs=epochs or values.get("epochs", self.epochs), verbose=verbose,
                  shuffle=False)
        return model


def _expand(value, default):
    """A tuple-valued builder argument tuned by its first entry keeps the ratios of its default:
    filters=16 with default (32, 64) gives (16, 32)."""
    if isinstance(default, (tuple, list)) and default and isinstance(value, int) \
            and not isinstance(value, bool):
        return tuple(max(1, round(value * d / default[0])) for d in default)
    return value

"""zoo.build: validate overrides against the builder's signature, build, check, compile."""
from __future__ import annotations

import functools

from zoo import registry
from zoo.errors import InvalidArgumentError
from zoo.models import heads


def build_model(name: str, *, compile: bool = True, **overrides):
    import keras

    info = registry.get(name)
    valid = info.arguments
    unknown = sorted(set(overrides) - set(valid))
    if unknown:
        raise InvalidArgumentError(
            f"{name} has no argument {', '.join(map(repr, unknown))}. Valid overrides: "
            + ", ".join(f"{k}={v!r}" for k, v in valid.items()) + ".")
    model = info.builder(**overrides)
    if not isinstance(model, keras.Model):
        raise TypeError(f"The builder of {name!r} returned {type(model).__name__}, not a keras.Model.")
    if compile:
        default_head = {task: head for head, task in heads.TASK_OF_HEAD.items()}[info.task]
        head = overrides.get("head", valid.get("head", default_head))
        model.compile(optimizer=make_optimizer(info.optimizer, info.learning_rate),
                      **heads.compile_arguments(head))
    return model


# The optimizers that runs, recipes and searches can name (Keras' own classes).
OPTIMIZERS = ("adam", "adamw", "nadam", "rmsprop", "sgd")


def make_optimizer(name: str, learning_rate, ema: float | None = None):
    """A fresh Keras optimizer by name (one of OPTIMIZERS; 'sgd' with momentum 0.9); with `ema`,
    it also keeps a moving average of the weights with that momentum (Keras' use_ema)."""
    import keras
    optimizers = {"adam": keras.optimizers.Adam, "adamw": keras.optimizers.AdamW,
                  "nadam": keras.optimizers.Nadam, "rmsprop": keras.optimizers.RMSprop,
                  "sgd": functools.partial(keras.optimizers.SGD, momentum=0.9)}
    if name not in optimizers:
        raise InvalidArgumentError(
            f"optimizer={name!r} is invalid: choose one of {', '.join(OPTIMIZERS)}.")
    averaging = {"use_ema": True, "ema_momentum": float(ema)} if ema else {}
    return optimizers[name](learning_rate=learning_rate, **averaging)

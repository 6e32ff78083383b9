"""The one place where the zoo compiles a model: optimizer by name, learning-rate schedule, weight
averaging, and the loss and metrics that go with the model's head.

`zoo.build`, the trainer, the tuner's trials, `zoo evaluate` and the benchmarks all compile
through `compile_model`, so that a model trained one way is evaluated with the same loss and
metrics everywhere.
"""
from __future__ import annotations

import functools

from zoo import validation
from zoo.errors import InvalidArgumentError
from zoo.models import heads

# The optimizers that runs, recipes and searches can name (Keras' own classes).
OPTIMIZERS = ("adam", "adamw", "nadam", "rmsprop", "sgd")
LR_SCHEDULES = ("constant", "cosine", "warmup_cosine")
# "warmup_cosine": a linear warm-up from the rate / WARMUP_DIVISOR to the rate over the first
# WARMUP_SHARE of the steps, then the cosine decay to 0 (the one-cycle shape of fast CIFAR-10
# training, Smith 2018; Page 2018). Keras' CosineDecay does both (its warmup_target).
WARMUP_SHARE = 0.2
WARMUP_DIVISOR = 25.0


def make_optimizer(name: str, learning_rate, ema: float | None = None):
    """A fresh Keras optimizer by name (one of OPTIMIZERS; 'sgd' with momentum 0.9); with `ema`,
    it also keeps a moving average of the weights with that momentum (Keras' use_ema).

    Example:
        >>> make_optimizer("nadam", 3e-3, ema=0.99)   # doctest: +SKIP
    """
    import keras
    optimizers = {"adam": keras.optimizers.Adam, "adamw": keras.optimizers.AdamW,
                  "nadam": keras.optimizers.Nadam, "rmsprop": keras.optimizers.RMSprop,
                  "sgd": functools.partial(keras.optimizers.SGD, momentum=0.9)}
    if name not in optimizers:
        raise InvalidArgumentError(
            f"optimizer={name!r} is invalid: choose one of {', '.join(OPTIMIZERS)}.")
    averaging = {"use_ema": True, "ema_momentum": float(ema)} if ema is not None else {}
    return optimizers[name](learning_rate=learning_rate, **averaging)


def learning_rate_schedule(learning_rate: float, schedule: str = "constant",
                           decay_steps: int | None = None):
    """The learning rate, or a Keras schedule over `decay_steps` optimizer steps ('cosine';
    'warmup_cosine': a linear warm-up over WARMUP_SHARE of them first)."""
    validation.choice("lr_schedule", schedule, LR_SCHEDULES)
    if schedule == "constant":
        return learning_rate
    if not decay_steps:
        raise InvalidArgumentError(
            f"lr_schedule={schedule!r} needs decay_steps (the run's total optimizer steps); "
            f"received {decay_steps!r}.")
    import keras
    if schedule == "warmup_cosine":
        warmup = max(1, round(WARMUP_SHARE * int(decay_steps)))
        return keras.optimizers.schedules.CosineDecay(
            learning_rate / WARMUP_DIVISOR, decay_steps=max(1, int(decay_steps) - warmup),
            warmup_target=learning_rate, warmup_steps=warmup)
    return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=int(decay_steps))


def compile_model(model, *, optimizer: str = "adam", learning_rate: float = 1e-3,
                  lr_schedule: str = "constant", decay_steps: int | None = None,
                  ema: float | None = None, jit_compile: bool | str = "auto", head: str | None = None,
                  label_smoothing: float = 0.0):
    """Compile `model` in place with the named optimizer and the loss and metrics of its head
    (read from its last layer unless `head` is given); returns the model.

    Args:
        optimizer: one of OPTIMIZERS.
        learning_rate: the initial learning rate.
        lr_schedule: one of LR_SCHEDULES (decayed over `decay_steps` steps).
        ema: momentum of a moving average of the weights kept by the optimizer, or None.
        jit_compile: Keras' XLA switch.
        head: 'softmax', 'sigmoid', 'multilabel' or 'regression'.
        label_smoothing: for a softmax head, the share of each label spread over all classes.

    Example:
        >>> model = zoo.build("cnn_fashion", compile=False)          # doctest: +SKIP
        >>> compile_model(model, optimizer="nadam", learning_rate=3e-3)  # doctest: +SKIP
    """
    import keras
    rate = learning_rate_schedule(learning_rate, lr_schedule, decay_steps)
    if jit_compile is False and keras.backend.backend() == "jax":
        # On TensorFlow, False means graphs without XLA; on JAX it means no jax.jit at all, every
        # op dispatched one by one from Python: 2.3x slower per epoch for cnn_fashion here.
        jit_compile = True
    model.compile(optimizer=make_optimizer(optimizer, rate, ema=ema), jit_compile=jit_compile,
                  **heads.compile_arguments(head or heads.head_of(model),
                                            label_smoothing=label_smoothing))
    return model

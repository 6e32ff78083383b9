"""A zoo model as a keras-tuner HyperModel: build() over the builder's own arguments plus the
learning rate and optimizer; fit() over the batch size, the epochs and the augmentation preset.
Every trial validates what it learned, not its last step: BatchNorm statistics that follow the
weights, and a short average of the weights (see the two functions below)."""
from __future__ import annotations

import keras_tuner

import zoo
from tuning import spaces
from zoo.models.compiling import compile_model

COMPILE = ("learning_rate", "optimizer")
FIT = ("batch_size", "epochs", "augment")


class ZooHyperModel(keras_tuner.HyperModel):
    """Args:
        model: a zoo model name.
        space: the parsed search space (tuning.spaces).
        epochs, batch_size: what a trial uses where the space does not tune them.
        build_args: fixed builder arguments (e.g. input_shape for the user's own data).
        weight_average: validate (and keep) each trial's weights averaged over a quarter of an
            epoch's steps (weight_average_momentum); False: its last step's weights.

    Example:
        >>> hypermodel = ZooHyperModel("cnn_fashion", spaces.default_space("cnn_fashion"),
        ...                            epochs=10)   # doctest: +SKIP
    """

    def __init__(self, model: str, space: dict, *, epochs: int = 1, batch_size: int = 128,
                 build_args: dict | None = None, weight_average: bool = True):
        super().__init__(name=model)
        self.model = model
        self.space = space
        self.epochs = epochs
        self.batch_size = batch_size
        self.info = zoo.describe(model)
        self.recipe = zoo.recipe(model)  # what a value the space does not tune defaults to
        self.build_args = dict(build_args or {})
        self.weight_average = weight_average

    def declare_hyperparameters(self, hp):
        spaces.register(self.space, hp)

    def values(self, hp) -> dict:
        return spaces.register(self.space, hp)

    def build(self, hp):
        values = self.values(hp)
        builder = self.builder_arguments(values)
        model = zoo.build(self.model, compile=False, **{**self.build_args, **builder})
        # The average's momentum depends on the steps an epoch, which fit() knows: 0 until then
        # (an "average" of the last step alone).
        return compile_model(model, optimizer=values.get("optimizer", self.recipe.optimizer),
                             learning_rate=values.get("learning_rate", self.recipe.learning_rate),
                             ema=0.0 if self.weight_average else None)

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
        steps = batch_count(train)
        current_batchnorm_statistics(model, steps)
        if self.weight_average:
            # Before fit() traces the training step, which reads the momentum.
            model.optimizer.ema_momentum = weight_average_momentum(steps)
            kwargs["callbacks"] = [*validate_the_average(), *kwargs.get("callbacks", [])]
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


# A trial's weights are averaged over this share of an epoch's optimizer steps (see
# weight_average_momentum).
WEIGHT_AVERAGE_HORIZON_SHARE = 0.25


def weight_average_momentum(steps_per_epoch: int | None) -> float:
    """The momentum of a trial's weight average (Keras' use_ema): a horizon 1 / (1 - momentum) of
    a quarter of an epoch's steps; 0 (no averaging) when the steps are unknown or too few.

    Why: a search trains at a constant learning rate, and the last step's weights are a noisy
    draw around where training has got to. Measured on the pruning benchmark's searches
    (cnn_fashion's space, 10 epochs on 10,000 images, benchmarks/pruning.py): without an average
    a trial's validation accuracy moved by 1.35 points (root mean square) from one late epoch
    (7 to 10) to the next (16 seeds, 456 trials), and its best epoch lay a median 0.69 points
    above its mean over those epochs, so a search's best was partly a lucky epoch, which pruning
    could not foresee. With this average (13 other seeds, 312 trials): 0.37 and 0.30 points,
    and the searches' best 0.893 to 0.910 against 0.887 to 0.900 without; pruned searches then
    kept their best (benchmarks/pruning.py). The training steps
    are unchanged: only what is validated and kept is the average.

    Example:
        >>> weight_average_momentum(39)    # 10,000 images at batch 256: a 9.75-step horizon
        0.8974
    """
    if not steps_per_epoch or steps_per_epoch <= 0:
        return 0.0
    return round(max(0.0, 1.0 - 1.0 / (WEIGHT_AVERAGE_HORIZON_SHARE * steps_per_epoch)), 4)


def validate_the_average() -> list:
    """The callbacks that swap the averaged weights in for validation and for every callback
    after them (keras-tuner's score and best-epoch checkpoint), and leave them in the model at
    the end; placed first in a fit's callbacks."""
    import keras

    from zoo.training.callbacks import OwnBuffers
    return [keras.callbacks.SwapEMAWeights(swap_on_epoch=True), OwnBuffers()]


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _all_layers(layer)


def batch_count(dataset) -> int | None:
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

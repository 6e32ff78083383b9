"""What each analysis needs of a model, checked before any analysis runs so that a bad request
fails at once rather than halfway through writing results."""
from __future__ import annotations

from zoo.analysis import filters
from zoo.reports import inputs
from zoo.errors import InvalidArgumentError, RunError, ZooError

NEEDS_IMAGES = ("errors", "filters", "feature_maps", "fgsm", "rotation", "augmentation", "pgd",
                "activation_max")
NEEDS_CLASSIFIER = ("confusion", "errors", "filters", "feature_maps", "fgsm", "rotation", "pgd",
                    "calibration", "saliency", "gradcam")


def check(name: str, subject):
    """Raise a ZooError saying why analysis `name` cannot be done on the subject's model."""
    model = subject.model
    if name in NEEDS_CLASSIFIER and not is_classifier(model):
        raise InvalidArgumentError(
            f"{name} needs a classifier (softmax or one sigmoid unit); {model.name} is not one.")
    if name in NEEDS_IMAGES and not inputs.is_image_model(model):
        raise InvalidArgumentError(
            f"{name} needs a model of images (height, width, channels); {model.name} takes "
            f"inputs of shape {tuple(model.inputs[0].shape[1:])}.")
    if name == "filters":
        filters.first_conv_layer(model)
    if name in ("feature_maps", "activation_max"):
        filters.conv_layers(model)
    if name in ("saliency", "gradcam"):
        from zoo.analysis import attribution
        attribution.check_differentiable(model)
        if name == "gradcam":
            attribution.split_at_maps(model)
    if name == "calibration" and subject.validation is None:
        raise RunError(f"calibration fits its temperature on the validation split; "
                       f"{subject.label} has none here. Pass validation_data=(x, y) (Python) or "
                       "analyse a run trained with a validation split.")
    if name == "curves" and subject.history_file() is None:
        raise RunError(f"curves needs a run folder with a history.csv; {subject.label} has none.")


def applies(name: str, subject) -> bool:
    try:
        check(name, subject)
    except ZooError:
        return False
    return True


def is_classifier(model) -> bool:
    activation = getattr(getattr(model.layers[-1], "activation", None), "__name__", None)
    return activation == "softmax" or (activation == "sigmoid" and model.outputs[0].shape[-1] == 1)

"""Robustness to rotation: test accuracy against the angle the test images are turned by. A net
trained without rotated examples fails on them; rotation augmentation is the cure."""
from __future__ import annotations

import numpy as np

from zoo.reports import inputs, plots
from zoo.errors import InvalidArgumentError

ANGLES = (0, 10, 20, 30, 45, 60, 90, 135, 180)


def check_angles(angles) -> tuple[float, ...]:
    values = angles if isinstance(angles, (list, tuple, np.ndarray)) else (angles,)
    bad = [a for a in values if isinstance(a, bool) or not isinstance(a, (int, float, np.number))]
    if len(values) == 0 or bad:
        raise InvalidArgumentError(
            f"angles={angles!r} is invalid: give one or more angles in degrees.")
    return tuple(float(a) for a in values)


def rotate(images, degrees: float) -> np.ndarray:
    """Images (batch, height, width, channels) turned counter-clockwise by `degrees` about their
    centre (as keras.layers.RandomRotation turns them), corners filled with 0."""
    import keras
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4:
        raise InvalidArgumentError(
            f"Rotation needs images of shape (batch, height, width, channels), not {images.shape}.")
    theta = np.deg2rad(degrees)
    c, s = np.cos(theta), np.sin(theta)
    cy, cx = (images.shape[1] - 1) / 2, (images.shape[2] - 1) / 2
    # Each output pixel (x, y) reads the input at the inverse rotation about the centre; the
    # y axis points down, hence the signs.
    transform = np.array([c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy, 0, 0],
                         dtype="float32")
    # One transform per image: the TensorFlow backend broadcasts a single one, JAX's does not.
    transform = np.tile(transform, (len(images), 1))
    turned = keras.ops.image.affine_transform(images, transform, interpolation="bilinear",
                                              fill_mode="constant", fill_value=0)
    return keras.ops.convert_to_numpy(turned)


def rotation_accuracy(model, data, angles=ANGLES) -> dict:
    """{"angles": [...], "accuracy": [...], "count": n}: accuracy on the rotated test images."""
    angles = check_angles(angles)
    x, y = inputs.as_arrays(data)
    return {"angles": list(angles), "count": int(len(y)),
            "accuracy": [inputs.accuracy(model, rotate(x, a), y) for a in angles]}


def compare_rotation(models: dict, data, angles=ANGLES) -> dict:
    """{label: rotation_accuracy} for models = {label: model}, on the same data."""
    data = inputs.as_arrays(data)
    return {label: rotation_accuracy(model, data, angles) for label, model in models.items()}


def plot_rotation(results: dict):
    """results = {label: rotation_accuracy(...)}: one curve per model."""
    curves = {label: (r["angles"], r["accuracy"]) for label, r in results.items()}
    return plots.line_plot(curves, xlabel="rotation of the test images (degrees)",
                           ylabel="test accuracy", title="Robustness to rotation")


def plot_rotated_examples(image, angles=ANGLES):
    """One image at each angle: what the model is asked to classify."""
    angles = check_angles(angles)
    turned = np.concatenate([rotate(np.asarray(image)[None], a) for a in angles])
    return plots.image_grid(turned, [f"{a:g} deg" for a in angles], ncols=len(angles))

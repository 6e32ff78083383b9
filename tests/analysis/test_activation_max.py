"""Activation maximisation: for a first layer the answer is known (the kernel itself), so the
images must share its orientation."""
import json

import numpy as np
import pytest

from zoo import analysis
from zoo.analysis import activation_max


def edge_model():
    """One convolution: filter 0 a horizontal edge, filter 1 a vertical one, 2 a diagonal."""
    import keras
    inputs = keras.Input((20, 20, 1))
    conv = keras.layers.Conv2D(3, 5, name="edges")
    x = keras.layers.GlobalAveragePooling2D()(conv(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))
    stripe = np.array([1, 1, 0, -1, -1], dtype="float32")
    kernel = np.zeros((5, 5, 1, 3), dtype="float32")
    kernel[..., 0, 0] = stripe[:, None] * np.ones(5)          # changes along y: horizontal edge
    kernel[..., 0, 1] = stripe[None, :] * np.ones((5, 1))     # changes along x: vertical edge
    kernel[..., 0, 2] = np.array([[stripe[np.clip(i - j + 2, 0, 4)] for j in range(5)]
                                  for i in range(5)])         # a diagonal edge
    conv.set_weights([kernel, np.zeros(3, "float32")])
    return model


def test_orientation_of_simple_images():
    y, x = np.mgrid[0:16, 0:16]
    assert activation_max.angle_between(activation_max.orientation(np.sin(x / 2.0)), 0) < 1
    assert activation_max.angle_between(activation_max.orientation(np.sin(y / 2.0)), 90) < 1
    assert activation_max.angle_between(170, 10) == 20


def test_first_layer_images_agree_with_their_kernels_in_orientation():
    model = edge_model()
    result = activation_max.responses(model)
    entry = result["edges"]
    assert entry["images"].shape == (3, 20, 20, 1)
    assert max(entry["orientation_difference"]) < 15, entry["orientation_difference"]
    horizontal, vertical = entry["images"][0, ..., 0], entry["images"][1, ..., 0]
    assert np.abs(np.diff(horizontal, axis=0)).sum() > 1.5 * np.abs(np.diff(horizontal, axis=1)).sum()
    assert np.abs(np.diff(vertical, axis=1)).sum() > 1.5 * np.abs(np.diff(vertical, axis=0)).sum()


def test_the_analysis_writes_a_grid_per_layer(trained, data, tmp_path, check_png):
    written = analysis.analyze(trained, what="activation_max", data=data["test"],
                               out_dir=tmp_path)
    saved = json.loads((tmp_path / "activation_max.json").read_text())
    assert len(saved["layers"]) == len(analysis.filters.conv_layers(trained))
    check_png(written["activation_max"][0])


def test_chosen_filters_and_examples(trained, data, tmp_path):
    written = analysis.analyze(trained, what=["activation_max", "gradcam"], data=data["test"],
                               out_dir=tmp_path, filters=[1, 3], explain=[5, 7])
    layers = json.loads((tmp_path / "activation_max.json").read_text())["layers"]
    assert all(entry["filters"] == [1, 3] for entry in layers.values())
    assert json.loads((tmp_path / "gradcam.json").read_text())["indices"] == [5, 7]
    assert len(written["gradcam"]) == 2


def test_bad_filters_are_refused():
    from zoo.errors import InvalidArgumentError
    model = edge_model()
    with pytest.raises(InvalidArgumentError, match="has 3 filters"):
        activation_max.maximise(model, model.get_layer("edges"), [5])

"""Saliency, SmoothGrad and Grad-CAM: checked against a gradient worked by hand, against where
the evidence is in an image, and by the randomisation sanity check."""
import json

import numpy as np
import pytest

from zoo import analysis
from zoo.analysis import attribution


def test_saliency_of_a_linear_softmax_is_its_weights_minus_their_average():
    import keras
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4, 4, 1))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(
        keras.layers.Flatten()(inputs)))
    x = np.random.default_rng(0).uniform(0, 1, (2, 4, 4, 1)).astype("float32")
    classes = np.array([0, 2])
    w, b = (np.asarray(v) for v in model.layers[-1].get_weights())
    p = model.predict(x, verbose=0)
    # d log p_c / d x = W_c - sum_k p_k W_k  (W: one column per class)
    expected = np.stack([w[:, c] - w @ p[i] for i, c in enumerate(classes)]).reshape(2, 4, 4)
    np.testing.assert_allclose(attribution.saliency(model, x, classes), np.abs(expected),
                               rtol=1e-4, atol=1e-6)


def test_gradcam_points_at_the_square(trained, data):
    x, y = data["test"]
    squares = np.flatnonzero(y == 2)[:12]
    cams = attribution.gradcam(trained, x[squares], np.full(len(squares), 2))
    assert cams.shape == (len(squares), 16, 16) and cams.max() <= 1.0 + 1e-6
    hits = 0
    for image, cam in zip(x[squares], cams):
        bright = np.argwhere(image[..., 0] == 1.0).mean(axis=0)  # the square's centre
        peak = np.array(np.unravel_index(cam.argmax(), cam.shape))
        hits += np.abs(peak - bright).max() <= 4
    assert hits >= 0.75 * len(squares)


def test_gradcam_cuts_a_residual_network_after_its_last_block():
    import keras
    import zoo
    keras.utils.set_random_seed(0)
    model = zoo.build("resnet_small", input_shape=(16, 16, 3), num_classes=3, filters=(4, 8, 8),
                      blocks_per_stage=1)
    body, head, name = attribution.split_at_maps(model)
    x = np.random.default_rng(0).uniform(0, 1, (2, 16, 16, 3)).astype("float32")
    np.testing.assert_allclose(head.predict(body.predict(x, verbose=0), verbose=0),
                               model.predict(x, verbose=0), atol=1e-5)
    assert attribution.gradcam(model, x, [0, 1]).shape == (2, 16, 16)


def test_maps_change_when_the_weights_are_randomised(trained, data):
    result = attribution.attributions(trained, data["test"], count=6)
    for method, rho in result["randomised_rank_correlation"].items():
        assert rho < 0.8, (method, rho)
    same = attribution.rank_correlation(result["maps"]["gradcam"], result["maps"]["gradcam"])
    assert same == pytest.approx(1.0)


def test_gradcam_on_series_and_the_analysis_files(tmp_path, check_png):
    import keras
    keras.utils.set_random_seed(0)
    import zoo
    model = zoo.build("cnn1d_series", input_shape=(32, 1), num_classes=2)
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (40, 32, 1)).astype("float32")
    y = (x[:, 10:14, 0].mean(axis=1) > 0).astype("int64")
    model.fit(x, y, epochs=3, verbose=0)
    written = analysis.analyze(model, what=["gradcam", "saliency"], data=(x, y),
                               out_dir=tmp_path)
    saved = json.loads((tmp_path / "gradcam.json").read_text())
    assert np.asarray(saved["maps"]["gradcam"]).shape == (4, 32)
    assert set(json.loads((tmp_path / "saliency.json").read_text())["maps"]) == {
        "saliency", "smoothgrad"}
    check_png(written["gradcam"][0])


def test_text_models_are_refused_for_input_gradients(tmp_path):
    import zoo
    from zoo.errors import InvalidArgumentError
    model = zoo.build("lstm_sentiment", vocab_size=50, sequence_length=8)
    x, y = np.zeros((4, 8), "int32"), np.zeros(4, "int64")
    with pytest.raises(InvalidArgumentError, match="floating-point inputs"):
        analysis.analyze(model, what="saliency", data=(x, y), out_dir=tmp_path)

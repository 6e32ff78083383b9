"""Test-time views: the averaged model is the mean of the model over mirrored and shifted images."""
import keras
import numpy as np
import pytest

import zoo
from zoo.errors import InvalidArgumentError
from zoo.models.test_time import SHIFT, averaged_over_views


def lopsided_model():
    """A model whose output depends on where in the image things are (no symmetry to hide in)."""
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Flatten()(inputs)
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def images(n=4):
    return np.random.default_rng(0).normal(size=(n, 6, 6, 2)).astype("float32")


def test_flip_is_the_mean_over_each_image_and_its_mirror_image():
    model, x = lopsided_model(), images()
    expected = (model.predict_on_batch(x) + model.predict_on_batch(x[:, :, ::-1])) / 2
    got = averaged_over_views(model, "flip").predict_on_batch(x)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    # and so a mirror image gets the same answer as the image
    np.testing.assert_allclose(averaged_over_views(model, "flip").predict_on_batch(x[:, :, ::-1]),
                               got, atol=1e-6)


def test_flip_shift_adds_diagonal_shifts_with_reflected_borders_at_half_weight():
    model, x = lopsided_model(), images()

    def shifted(a, down, right):
        padded = np.pad(a, ((0, 0), (SHIFT, SHIFT), (SHIFT, SHIFT), (0, 0)), mode="reflect")
        return padded[:, SHIFT - down:SHIFT - down + 6, SHIFT - right:SHIFT - right + 6]

    out = model.predict_on_batch
    mirrored = x[:, :, ::-1]
    expected = (out(x) + out(mirrored)
                + 0.5 * sum(out(np.ascontiguousarray(shifted(a, d, d)))
                            for a in (x, mirrored) for d in (-SHIFT, SHIFT))) / 4
    got = averaged_over_views(model, "flip_shift").predict_on_batch(x)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    # a shift moves the content: the image two rows and columns down starts with the reflection
    down = shifted(x, SHIFT, SHIFT)
    np.testing.assert_array_equal(down[:, SHIFT:, SHIFT:], x[:, :-SHIFT, :-SHIFT])


def test_none_is_the_model_itself_and_non_images_are_refused():
    model = lopsided_model()
    assert averaged_over_views(model, "none") is model
    series = zoo.build("cnn1d_series", compile=False)
    with pytest.raises(InvalidArgumentError, match="flip.*not \\(height, width, channels\\)"):
        averaged_over_views(series, "flip")
    with pytest.raises(InvalidArgumentError, match="'rotate' is unknown; expected one of none"):
        averaged_over_views(model, "rotate")

"""Augmentation presets and the series layers: right for each dataset, seeded, training only."""
import numpy as np
import pytest

import zoo.data
from zoo.data import augment
from zoo.data.layers import RandomScaling, RandomTimeShift
from zoo.errors import InvalidArgumentError


def examples_of(ds):
    return np.concatenate([x.numpy() for x, _ in ds])


def layer_names(model):
    return [type(layer).__name__ for layer in model.layers]


def test_presets_per_domain(ucr_folder):
    assert zoo.data.augmentation_presets("mnist") == ["none", "light", "crop", "cutout",
                                                      "standard"]
    assert zoo.data.augmentation_presets("forda") == ["none", "light", "standard"]
    assert zoo.data.augmentation_presets("imdb") == ["none"]
    assert zoo.data.augmentation_presets(zoo.data.describe(f"ucr:{ucr_folder}"))[-1] == "standard"


def test_none_is_empty():
    model = zoo.data.augmentation("none", "cifar10")
    assert model.layers == []


@pytest.mark.parametrize("name,flips", [("mnist", False), ("fashion_mnist", True),
                                        ("cifar10", True), ("cats_vs_dogs", True)])
def test_horizontal_flips_only_where_they_keep_the_class(name, flips):
    for preset in ("light", "crop", "cutout", "standard"):
        names = layer_names(zoo.data.augmentation(preset, name))
        assert ("RandomFlip" in names) == flips
        assert "RandomTranslation" in names


def test_standard_image_preset_layers():
    names = layer_names(zoo.data.augmentation("standard", "cifar10"))
    assert {"RandomRotation", "RandomZoom", "RandomContrast"} <= set(names)
    assert "RandomContrast" not in layer_names(zoo.data.augmentation("standard", "mnist"))


@pytest.mark.parametrize("name,grey", [("cifar10", 0.5), ("mnist", 0.0)])
def test_cutout_erases_one_square_a_quarter_of_the_side(name, grey):
    size, channels = (32, 3) if name == "cifar10" else (28, 1)
    x = np.full((6, size, size, channels), 0.9, "float32")
    model = zoo.data.augmentation("cutout", name, seed=3)
    assert layer_names(model)[-1] == "RandomErasing"
    # CIFAR: the whole preset, since a constant image stays constant under the flip and the
    # reflect-filled shifts; MNIST's shifts fill with black, the erasing colour, so the
    # erasing layer alone there.
    erase = model if name == "cifar10" else model.layers[-1]
    y = np.asarray(erase(x, training=True))
    side = size // 4
    for image in y:
        rows, cols = np.nonzero(np.isclose(image[..., 0], grey))
        assert len(rows) == side * side, "one square a quarter of the side, in every image"
        assert rows.max() - rows.min() + 1 == side and cols.max() - cols.min() + 1 == side
    np.testing.assert_array_equal(erase(x, training=False), x)


def whole_pixel_shift(original, shifted, largest):
    """The (rows, columns) shift, within +-largest, by which `shifted`'s centre is an exact copy
    of `original`'s (mirrored or not), or None."""
    core = slice(largest, -largest)
    for image in (original, original[:, ::-1]):
        for dy in range(-largest, largest + 1):
            for dx in range(-largest, largest + 1):
                moved = np.roll(image, (dy, dx), axis=(0, 1))
                if np.array_equal(moved[core, core], shifted[core, core]):
                    return dy, dx
    return None


def test_crop_shifts_by_whole_pixels_up_to_the_padding():
    x = np.random.default_rng(1).random((16, 32, 32, 3)).astype("float32")
    y = np.asarray(zoo.data.augmentation("crop", "cifar10", seed=4)(x, training=True))
    shifts = [whole_pixel_shift(a, b, augment.CROP_PADDING) for a, b in zip(x, y)]
    assert None not in shifts, "every image an exact copy moved by whole pixels, no blur"
    assert len(set(shifts)) > 4, "the shift drawn per image"
    # light's shifts take fractions of a pixel: the same check fails on them.
    light = np.asarray(zoo.data.augmentation("light", "cifar10", seed=4)(x, training=True))
    assert sum(whole_pixel_shift(a, b, 4) is None for a, b in zip(x, light)) > 12
    np.testing.assert_array_equal(
        zoo.data.augmentation("crop", "cifar10")(x, training=False), x)


def test_series_presets():
    assert layer_names(zoo.data.augmentation("light", "forda")) == ["GaussianNoise"]
    assert layer_names(zoo.data.augmentation("standard", "forda")) == [
        "GaussianNoise", "RandomScaling", "RandomTimeShift"]


def test_unknown_preset_is_invalid():
    with pytest.raises(InvalidArgumentError, match="augment='heavy'"):
        zoo.data.augmentation("heavy", "mnist")
    with pytest.raises(InvalidArgumentError):
        zoo.data.augmentation("light", "imdb")


def test_seeded_presets_repeat():
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    a = zoo.data.augmentation("standard", "mnist", seed=5)(x, training=True)
    b = zoo.data.augmentation("standard", "mnist", seed=5)(x, training=True)
    np.testing.assert_allclose(a, b)
    assert not np.allclose(a, x)


@pytest.mark.parametrize("layer", [RandomScaling(0.5, seed=1), RandomTimeShift(0.2, seed=1)])
def test_series_layers_act_only_when_training(layer):
    x = np.random.default_rng(0).normal(size=(3, 20, 2)).astype("float32")
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer(x, training=False), x)
    y = np.asarray(layer(x, training=True))
    assert y.shape == x.shape and not np.allclose(y, x)


def test_time_shift_rolls_each_series():
    x = np.arange(2 * 10, dtype="float32").reshape(2, 10, 1)
    y = np.asarray(RandomTimeShift(0.3, seed=2)(x, training=True))
    for row_in, row_out in zip(x[..., 0], y[..., 0]):
        assert sorted(row_out) == sorted(row_in)
        shift = (int(np.argmin(row_out))) % 10
        np.testing.assert_array_equal(np.roll(row_in, shift), row_out)


def test_series_layers_serialize():
    import keras

    model = keras.Sequential([keras.Input((20, 1)), RandomScaling(0.3, seed=4),
                              RandomTimeShift(0.1, seed=5)])
    clone = keras.Sequential.from_config(model.get_config())
    assert [layer.get_config()["factor"] for layer in clone.layers] == [0.3, 0.1]
    assert isinstance(clone.layers[0], RandomScaling)


def test_augmentation_changes_train_never_evaluation(ucr_folder):
    plain = zoo.data.ucr(str(ucr_folder), seed=1, batch_size=64)
    augmented = zoo.data.ucr(str(ucr_folder), seed=1, batch_size=64, augment="standard")
    for split in ("validation", "test"):
        for (a, _), (b, _) in zip(getattr(plain, split), getattr(augmented, split)):
            np.testing.assert_array_equal(a, b)
    (a, ya), (b, yb) = next(iter(plain.train)), next(iter(augmented.train))
    np.testing.assert_array_equal(ya, yb)  # same examples in the same order ...
    assert not np.allclose(a, b)  # ... changed by the augmentation


def test_custom_layer_list(ucr_folder):
    import keras

    splits = zoo.data.ucr(str(ucr_folder), augment=[keras.layers.Rescaling(10.0)],
                          validation_fraction=0.0, batch_size=64)
    x, _ = next(iter(splits.train))
    assert float(np.std(x)) > 5.0
    np.testing.assert_array_less(np.abs(examples_of(splits.test)), 6.0)


def test_augmentation_inside_a_model():
    import keras

    inputs = keras.Input((32, 32, 3))
    outputs = zoo.data.augmentation("standard", "cifar10", seed=0)(inputs)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(model(x, training=False), x)
    assert not np.allclose(model(x, training=True), x)


def test_folder_of_unknown_content_gets_no_flips(image_folder):
    info = zoo.data.describe(f"images:{image_folder}")
    assert "RandomFlip" not in layer_names(augment.augmentation("standard", info))

"""resnet9's own arguments: four widths, the kernel initialisers, the patch-whitening stem."""
import math

import numpy as np
import pytest

import zoo
from zoo.errors import InvalidArgumentError


def test_fan_in_uniform_kernels_lie_within_one_over_root_fan_in():
    model = zoo.build("resnet9", compile=False)
    kernel = model.get_layer("layer2_conv").get_weights()[0]      # 3x3, 64 -> 128 channels
    bound = 1 / math.sqrt(3 * 3 * 64)
    assert np.abs(kernel).max() <= bound and np.abs(kernel).max() > 0.95 * bound
    glorot = zoo.build("resnet9", kernel_initializer="glorot_uniform", compile=False)
    assert np.abs(glorot.get_layer("layer2_conv").get_weights()[0]).max() > 1.2 * bound


def test_resnet9_refuses_other_than_four_widths_and_unknown_initialisers():
    with pytest.raises(InvalidArgumentError, match="4 widths.*received \\(32, 64, 128\\)"):
        zoo.build("resnet9", filters=(32, 64, 128))
    with pytest.raises(InvalidArgumentError, match="kernel_initializer"):
        zoo.build("resnet9", kernel_initializer="zeros")


def _images(count=300, seed=0):
    """Random images whose colour channels are correlated, as a photograph's are."""
    rng = np.random.default_rng(seed)
    images = rng.random((count, 16, 16, 3)).astype("float32")
    images[..., 1] = 0.7 * images[..., 0] + 0.3 * images[..., 1]
    images[..., 2] = 0.2 + 0.5 * images[..., 2]
    return images


def test_patch_whitening_makes_the_patches_it_adapted_to_uncorrelated_with_unit_variance():
    import keras
    from zoo.models.custom_layers import PatchWhitening
    images = _images()
    layer = PatchWhitening(2)
    layer.build((None, 16, 16, 3))
    assert not layer.is_adapted
    layer.adapt(images)
    assert layer.is_adapted
    out = keras.ops.convert_to_numpy(layer(images))
    assert out.shape == (300, 15, 15, 24)
    positive = out[..., :12].reshape(-1, 12)  # the other 12 filters are their negatives
    np.testing.assert_allclose(out[..., 12:], -out[..., :12], atol=1e-5)
    np.testing.assert_allclose(positive.mean(axis=0), 0, atol=1e-3)
    covariance = np.cov(positive, rowvar=False)
    np.testing.assert_allclose(covariance, np.eye(12), atol=0.01)
    # and the raw patches were far from white: channels 0 and 1 correlate
    raw = images.reshape(-1, 3)
    assert np.corrcoef(raw[:, 0], raw[:, 1])[0, 1] > 0.8


def test_patch_whitening_refuses_images_of_another_shape():
    from zoo.models.custom_layers import PatchWhitening
    layer = PatchWhitening(2)
    layer.build((None, 16, 16, 3))
    with pytest.raises(ValueError, match="received shape \\(300, 16, 16\\)"):
        layer.adapt(_images()[..., 0])


def test_dirac_kernels_pass_the_kept_channels_through_and_draw_the_others():
    import keras
    conv = keras.layers.Conv2D(8, 3, padding="same", use_bias=False,
                               kernel_initializer=zoo.models.resnet._initializer("dirac"))
    images = _images(4)
    out = keras.ops.convert_to_numpy(conv(images))
    np.testing.assert_allclose(out[..., :3], images, atol=1e-6)   # min(3 in, 8 out) channels
    kernel = conv.get_weights()[0]
    bound = 1 / math.sqrt(3 * 3 * 3)
    assert 0.5 * bound < np.abs(kernel[..., 3:]).max() <= bound    # the others: fan-in uniform


def test_the_whitening_stem_shrinks_the_maps_and_its_macs_are_counted():
    from zoo.models import flops
    plain = zoo.build("resnet9", compile=False)
    whitened = zoo.build("resnet9", stem="whitening", compile=False)
    assert whitened.get_layer("prep_whitening").output.shape[1:] == (31, 31, 24)
    assert [w.shape for w in whitened.get_layer("prep_whitening").trainable_weights] == [(24,)]
    macs = dict((name, count) for name, _, count in flops.by_layer(whitened))
    assert macs["prep_whitening"] == 31 * 31 * 24 * (2 * 2 * 3)
    assert macs["layer1_conv"] == 31 * 31 * 64 * (3 * 3 * 24)  # conv before the pool
    assert flops.count(whitened) < 0.8 * flops.count(plain)
    with pytest.raises(InvalidArgumentError, match="stem"):
        zoo.build("resnet9", stem="patches")

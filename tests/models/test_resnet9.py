"""resnet9's own arguments: four widths, the kernel initialiser its recipe's rate was tuned with."""
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

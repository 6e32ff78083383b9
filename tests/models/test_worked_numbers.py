"""The worked parameter counts of the lecture material."""
import keras
import numpy as np

import zoo


def weights_without_biases(model):
    return sum(int(np.prod(w.shape)) for layer in model.layers for w in layer.weights
               if w.name in ("kernel", "embeddings"))


def test_conv_10_filters_5x5_pad_2_on_32x32x3():
    inputs = keras.Input((32, 32, 3))
    layer = keras.layers.Conv2D(10, 5, strides=1, padding="same")  # pad 2 for a 5x5 kernel
    outputs = layer(inputs)
    assert tuple(outputs.shape[1:]) == (32, 32, 10)
    assert layer.count_params() == 760


def test_conv_20_filters_5x5_on_one_channel():
    layer = keras.layers.Conv2D(20, 5)
    layer.build((None, 28, 28, 1))
    assert layer.count_params() == 520


def test_dense_30_on_28x28():
    layer = keras.layers.Dense(30)
    layer.build((None, 28 * 28))
    assert layer.count_params() == 23_550


def test_lenet_weights_against_dense_784_84_10():
    lenet = zoo.build("lenet", compile=False)
    per_layer = [int(np.prod(layer.kernel.shape)) for layer in lenet.layers if hasattr(layer, "kernel")]
    assert per_layer == [250, 5_000, 26_880, 840]  # the material's 27,720 = 26,880 + 840
    assert weights_without_biases(lenet) == 32_970
    dense = zoo.build("dense_mnist", units=(84,), compile=False)
    assert weights_without_biases(dense) == 66_696

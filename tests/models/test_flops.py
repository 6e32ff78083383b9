"""Multiply-accumulates counted layer by layer (zoo.models.flops), held to counts worked by hand
and to TensorFlow's profiler on the model's TensorFlow graph, where it can count."""
import keras
import pytest

import zoo
from zoo.models import flops


def _model(inputs, *layers):
    x = inputs = keras.Input(inputs)
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x)


def test_the_lecture_conv_layer():
    """32x32x3 input, ten 5x5 filters, stride 1, padding 2: a 32x32x10 output, and each output
    value is a 5*5*3 dot product."""
    model = _model((32, 32, 3), keras.layers.Conv2D(10, 5, padding="same"))
    assert flops.count(model) == 32 * 32 * 10 * (5 * 5 * 3) == 768_000


def test_lenet_by_hand():
    """28x28x1 -> conv 10@5x5 -> 24x24x10 -> pool 2 -> 12x12x10 -> conv 20@5x5 -> 8x8x20 ->
    pool 2 -> 4x4x20 = 320 -> dense 84 -> dense 10."""
    by_hand = (24 * 24 * 10 * 25          # conv 1
               + 12 * 12 * 10 * 4         # pool 1: 4 values read per output
               + 8 * 8 * 20 * 25 * 10     # conv 2
               + 4 * 4 * 20 * 4           # pool 2
               + 320 * 84 + 84 * 10)      # dense
    assert flops.count(zoo.build("lenet")) == by_hand == 498_760


def test_a_dense_net_by_hand():
    model = _model((784,), keras.layers.Dense(100), keras.layers.Dense(10))
    assert flops.count(model) == 784 * 100 + 100 * 10


@pytest.mark.parametrize("layer, per_step", [
    (keras.layers.SimpleRNN(4), 4 * (3 + 4)),
    (keras.layers.GRU(4), 3 * 4 * (3 + 4) + 3 * 4),
    (keras.layers.LSTM(4), 4 * 4 * (3 + 4) + 3 * 4),
    (keras.layers.Bidirectional(keras.layers.LSTM(4)), 2 * (4 * 4 * (3 + 4) + 3 * 4)),
])
def test_recurrent_layers_by_hand(layer, per_step):
    """10 steps of 3 features: per step the input and recurrent products of every gate (4 for
    LSTM, 3 for GRU, 1 for a simple RNN) and the gates' elementwise products."""
    model = _model((10, 3), layer, keras.layers.Dense(2))
    assert flops.count(model) == 10 * per_step + layer.compute_output_shape((1, 10, 3))[-1] * 2


def test_batchnorm_pooling_and_residual_adds_by_hand():
    inputs = keras.Input((8, 8, 4))
    x = keras.layers.BatchNormalization()(inputs)            # 8*8*4 multiply-adds
    y = keras.layers.Conv2D(4, 1, use_bias=False)(x)         # 8*8*4*4
    x = keras.layers.Add()([x, y])                           # 8*8*4
    x = keras.layers.GlobalAveragePooling2D()(x)             # 8*8*4
    model = keras.Model(inputs, x)
    assert flops.count(model) == 256 + 256 * 4 + 256 + 256


def test_an_embedding_is_a_lookup():
    model = _model((20,), keras.layers.Embedding(1000, 16), keras.layers.Flatten(),
                   keras.layers.Dense(2))
    assert flops.count(model) == 20 * 16 * 2


def _tensorflow_profiler_count(model) -> int:
    """TensorFlow's own count (2 per multiply-add, plus biases, pooling and the rest) on the
    frozen graph of one example. convert_variables_to_constants_v2 is not exported under tf.*;
    it is the profiler's documented way to see a Keras 3 model's weights as constants."""
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2)
    spec = tf.TensorSpec([1, *model.inputs[0].shape[1:]], model.inputs[0].dtype)
    function = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
    graph = convert_variables_to_constants_v2(function).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return tf.compat.v1.profiler.profile(graph=graph, run_meta=tf.compat.v1.RunMetadata(),
                                         cmd="op", options=options).total_float_ops


def test_the_profiler_agrees_exactly_on_products_alone():
    model = _model((12, 12, 3), keras.layers.Conv2D(4, 3, use_bias=False),
                   keras.layers.Flatten(), keras.layers.Dense(5, use_bias=False))
    assert _tensorflow_profiler_count(model) == 2 * flops.count(model) == 2 * 12_800


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="a TensorFlow graph")
@pytest.mark.parametrize("name", ["lenet", "cnn_fashion", "dense_mnist", "resnet_small",
                                  "cnn1d_series"])
def test_the_profiler_agrees_within_two_percent_on_zoo_models(name):
    """The profiler also counts bias adds, activations and the like, which are not MACs; it
    cannot see inside a recurrent layer's while loop (no independent count for LSTMs)."""
    model = zoo.build(name)
    assert _tensorflow_profiler_count(model) / (2 * flops.count(model)) == \
        pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize("name", zoo.list_models())
def test_every_model_has_a_count(name):
    offline = {"weights": None} if "weights" in zoo.describe(name).arguments else {}
    model = zoo.build(name, **offline)
    count = flops.count(model)
    assert count >= model.count_params() // 2 > 0

"""The trials' BatchNorm statistics (tuning.hypermodel.current_batchnorm_statistics): capped to a
tenth of an epoch's steps, so that a trial's validation score reads its weights, and those weights
the same as without the cap."""
import keras
import keras_tuner as kt
import numpy as np

from tuning import hypermodel
from tuning.data import SearchData
from tuning.hypermodel import ZooHyperModel, current_batchnorm_statistics


def test_the_momentum_is_capped_at_a_tenth_of_an_epochs_steps_in_every_layer():
    inner = keras.Sequential([keras.Input((4,)), keras.layers.BatchNormalization()])
    inputs = keras.Input((4,))
    x = keras.layers.BatchNormalization(name="outer")(inputs)
    low = keras.layers.BatchNormalization(momentum=0.5, name="low")(inner(x))
    model = keras.Model(inputs, low)
    assert current_batchnorm_statistics(model, steps_per_epoch=40) == 0.75  # horizon 4 steps
    assert model.get_layer("outer").momentum == 0.75
    assert inner.layers[0].momentum == 0.75                  # inside a nested model too
    assert model.get_layer("low").momentum == 0.5            # already shorter: left alone
    assert current_batchnorm_statistics(model, steps_per_epoch=None) is None
    big = keras.Sequential([keras.Input((4,)), keras.layers.BatchNormalization()])
    assert current_batchnorm_statistics(big, steps_per_epoch=100_000) is None  # 0.99 is shorter
    assert big.layers[0].momentum == 0.99


def _fit_one_epoch(task, monkeypatch, capped: bool):
    """cnn_fashion with BatchNorm, one epoch of 6 steps on the tiny task."""
    if not capped:
        monkeypatch.setattr(hypermodel, "current_batchnorm_statistics", lambda *a: None)
    model_hp = ZooHyperModel("cnn_fashion", {}, epochs=1, batch_size=64,
                             build_args={"batchnorm": True})
    hp = kt.HyperParameters()
    keras.utils.set_random_seed(3)
    model = model_hp.build(hp)
    model_hp.fit(hp, model, SearchData.explicit(task, batch_size=64, seed=3))
    return model


def _bn_input_mean(model, images):
    """The mean over the images of what the first BatchNorm layer normalises, per channel."""
    bn = next(layer for layer in model.layers
              if isinstance(layer, keras.layers.BatchNormalization))
    before = keras.Model(model.inputs, bn.input)
    return np.asarray(before.predict(images, verbose=0)).mean(axis=(0, 1, 2)), bn


def test_the_statistics_follow_the_weights_and_the_weights_do_not_change(task, monkeypatch):
    images = task[0][0]
    capped = _fit_one_epoch(task, monkeypatch, capped=True)
    mean, bn = _bn_input_mean(capped, images)
    error = np.abs(np.asarray(bn.moving_mean) - mean).mean()
    assert error < 0.1 * np.abs(mean).mean(), (error, np.abs(mean).mean())
    with monkeypatch.context() as patch:
        keras_default = _fit_one_epoch(task, patch, capped=False)
    lag_mean, lag_bn = _bn_input_mean(keras_default, images)
    # Keras' 0.99 after 6 steps: the moving mean is still mostly its initial zeros.
    assert np.abs(np.asarray(lag_bn.moving_mean) - lag_mean).mean() > 0.5 * np.abs(lag_mean).mean()
    trained = [(v.path, np.asarray(v)) for v in capped.trainable_variables]
    for (path, value), other in zip(trained, keras_default.trainable_variables):
        np.testing.assert_allclose(value, np.asarray(other), atol=1e-5, err_msg=path)

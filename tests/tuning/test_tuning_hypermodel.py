"""What a trial validates (tuning.hypermodel): BatchNorm statistics capped to a tenth of an epoch's
steps (current_batchnorm_statistics), so that a trial's validation score reads its weights, and
those weights the same as without the cap; and the average of its weights over a quarter of an
epoch's steps (weight_average_momentum), validated and kept, the training steps unchanged."""
import keras
import keras_tuner as kt
import numpy as np

from tuning import hypermodel
from tuning.data import SearchData
from tuning.hypermodel import (ZooHyperModel, current_batchnorm_statistics,
                               weight_average_momentum)


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
    """cnn_fashion with BatchNorm, one epoch of 6 steps on the tiny task (the last step's weights
    validated and kept: the statistics are compared with what those weights give)."""
    if not capped:
        monkeypatch.setattr(hypermodel, "current_batchnorm_statistics", lambda *a: None)
    model_hp = ZooHyperModel("cnn_fashion", {}, epochs=1, batch_size=64,
                             build_args={"batchnorm": True}, weight_average=False)
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


def test_the_average_spans_a_quarter_of_an_epochs_steps():
    assert weight_average_momentum(40) == 0.9        # a horizon of 10 steps
    assert weight_average_momentum(39) == 0.8974
    assert weight_average_momentum(6) == 0.3333      # 1.5 steps
    assert weight_average_momentum(4) == 0.0         # one step: no averaging
    assert weight_average_momentum(2) == 0.0
    assert weight_average_momentum(None) == 0.0      # a pipeline of unknown length


def _fit(task, weight_average: bool, epochs=2):
    """linear_mnist for two epochs of 6 steps on the tiny task, from the same seed."""
    model_hp = ZooHyperModel("linear_mnist", {}, epochs=epochs, batch_size=64,
                             weight_average=weight_average)
    hp = kt.HyperParameters()
    keras.utils.set_random_seed(5)
    model = model_hp.build(hp)
    history = model_hp.fit(hp, model, SearchData.explicit(task, batch_size=64, seed=5))
    return model, history.history


def test_a_trial_is_validated_and_kept_on_its_average_and_trains_the_same(task):
    averaged, history = _fit(task, weight_average=True)
    last, last_history = _fit(task, weight_average=False)
    assert averaged.optimizer.ema_momentum == weight_average_momentum(6) == 0.3333
    # The training steps are the same: the average is kept beside them.
    np.testing.assert_allclose(history["loss"], last_history["loss"], rtol=1e-5)
    # What is validated differs from the last step's weights, and is what the model keeps.
    assert not np.allclose(history["val_loss"], last_history["val_loss"], rtol=1e-4)
    x, y = task[1]
    loss, _ = averaged.evaluate(x, y, batch_size=64, verbose=0)
    assert abs(loss - history["val_loss"][-1]) < 1e-5
    loss, _ = last.evaluate(x, y, batch_size=64, verbose=0)
    assert abs(loss - last_history["val_loss"][-1]) < 1e-5

"""The numbers behind the figures, checked against Keras itself on a trained tiny convnet."""
import numpy as np
import pytest

from zoo import analysis


def test_confusion_matrix_agrees_with_model_evaluate(trained, data):
    x, y = data["test"]
    result = analysis.confusion_matrix(trained, (x, y), num_classes=3)
    matrix = result["matrix"]
    evaluated = trained.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    assert matrix.shape == (3, 3)
    assert matrix.sum() == len(y) == result["count"]
    assert np.trace(matrix) / matrix.sum() == pytest.approx(evaluated, abs=1e-6)
    assert result["accuracy"] == pytest.approx(evaluated, abs=1e-6)
    assert np.array_equal(matrix.sum(axis=1), np.bincount(y, minlength=3))
    for c in range(3):
        assert result["per_class_accuracy"][c] == pytest.approx(matrix[c, c] / (y == c).sum())


def test_confusion_matrix_reads_a_batched_dataset_like_arrays(trained, data):
    import tensorflow as tf
    x, y = data["test"]
    from_arrays = analysis.confusion_matrix(trained, (x, y), num_classes=3)
    from_dataset = analysis.confusion_matrix(
        trained, tf.data.Dataset.from_tensor_slices((x, y)).batch(64), num_classes=3)
    assert np.array_equal(from_arrays["matrix"], from_dataset["matrix"])


def test_confident_errors_are_errors_most_confident_first(trained, data):
    x, y = data["test"]
    result = analysis.confident_errors(trained, (x, y), count=5)
    predicted = trained.predict(x, verbose=0)
    assert 0 < len(result["indices"]) <= 5
    assert np.all(predicted[result["indices"]].argmax(axis=1) != y[result["indices"]])
    assert np.all(np.diff(result["confidence"]) <= 0)
    wrong = predicted.argmax(axis=1) != y
    assert result["errors"] == wrong.sum()
    assert result["confidence"][0] == pytest.approx(predicted[wrong].max(axis=1).max())


def test_fgsm_without_a_step_is_clean_accuracy_and_bigger_steps_hurt(trained, data):
    x, y = data["test"]
    clean = trained.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    assert clean > 0.8, "the fixture model should be trained"
    result = analysis.fgsm_accuracy(trained, (x, y), eps=(0.0, 0.05, 0.2))
    assert result["eps"] == [0.0, 0.05, 0.2]
    assert result["accuracy"][0] == pytest.approx(clean, abs=1e-6)
    assert result["accuracy"][2] < result["accuracy"][0] - 0.3
    assert result["accuracy"][2] <= result["accuracy"][1] <= result["accuracy"][0]


def test_fgsm_moves_every_pixel_by_eps_within_the_image_range(trained, data):
    x, y = (a[:32] for a in data["test"])
    adversarial = analysis.fgsm(trained, x, y, 0.1)
    step = np.abs(adversarial - x)
    assert adversarial.min() >= 0.0 and adversarial.max() <= 1.0
    assert np.all((step < 1e-6) | (np.abs(step - 0.1) < 1e-6)
                  | (adversarial == 0.0) | (adversarial == 1.0))


def test_input_gradient_matches_finite_differences(trained, data):
    x, y = (a[:2] for a in data["test"])
    gradient = analysis.input_gradient(trained, x, y)
    assert gradient.shape == x.shape
    from zoo.analysis.adversarial import loss_function
    loss = loss_function(trained)

    def total(images):
        return float(np.sum(np.asarray(loss(y, trained.predict(images, verbose=0)))))
    for index in np.argsort(-np.abs(gradient).ravel())[:3]:  # the steepest pixels
        h = 1e-2
        up, down = x.copy(), x.copy()
        up.ravel()[index] += h
        down.ravel()[index] -= h
        numeric = (total(up) - total(down)) / (2 * h)
        assert numeric == pytest.approx(gradient.ravel()[index], rel=0.1, abs=1e-3)


def test_fgsm_examples_show_fooled_examples(trained, data):
    examples = analysis.fgsm_examples(trained, data["test"], eps=(0.05, 0.1, 0.2), count=3)
    assert examples["eps"] in (0.05, 0.1, 0.2)
    assert len(examples["indices"]) == 3
    assert np.all(examples["clean_predicted"] == examples["true"])
    assert np.all(examples["adversarial_predicted"] != examples["true"])


def test_rotation_by_zero_degrees_is_clean_accuracy(trained, data):
    x, y = data["test"]
    clean = trained.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    result = analysis.rotation_accuracy(trained, (x, y), angles=(0, 90))
    assert np.array_equal(analysis.rotate(x, 0), x)
    assert result["accuracy"][0] == pytest.approx(clean, abs=1e-6)
    # Quarter turns swap bars and columns: the model must mostly fail.
    assert result["accuracy"][1] < clean - 0.3


def test_rotation_turns_like_keras_random_rotation():
    import keras
    image = np.zeros((1, 9, 9, 1), "float32")
    image[0, 4, 7] = 1.0  # right of the centre
    turned = analysis.rotate(image, 90)
    layer = keras.layers.RandomRotation((0.25, 0.25), fill_mode="constant")
    expected = keras.ops.convert_to_numpy(layer(image, training=True))
    assert np.argwhere(turned[0, ..., 0] > 0.5).tolist() == [[1, 4]]  # above the centre
    np.testing.assert_allclose(turned, expected, atol=1e-5)


def test_each_feature_map_has_its_layers_output_shape(trained, data):
    maps = analysis.feature_maps(trained, data["test"][0][0])
    assert list(maps) == ["block1_conv", "block2_conv"]
    for name, fmap in maps.items():
        assert fmap.shape == tuple(trained.get_layer(name).output.shape[1:])


def test_first_layer_filters_are_the_first_conv_kernel(trained):
    result = analysis.first_layer_filters(trained)
    assert result["layer"] == "block1_conv"
    np.testing.assert_array_equal(result["kernel"],
                                  trained.get_layer("block1_conv").kernel.numpy())
    assert result["kernel"].shape == (3, 3, 1, 4)


def test_augment_samples_are_random_draws_of_the_same_shape(data):
    import keras
    images = data["train"][0][:3]
    augmentation = keras.Sequential([keras.layers.RandomFlip("horizontal"),
                                     keras.layers.RandomRotation(0.2, seed=0)])
    samples = analysis.augment_samples(images, augmentation, repeats=4)
    assert samples.shape == (3, 4, 16, 16, 1)
    assert not np.allclose(samples[:, 0], samples[:, 1])


def test_read_history_reads_the_csv_logger_columns(runs):
    history = analysis.read_history(runs["dense"])
    assert set(history) == {"epoch", "accuracy", "loss", "val_accuracy", "val_loss"}
    np.testing.assert_allclose(history["epoch"], [0, 1, 2, 3])
    np.testing.assert_allclose(history["val_loss"], [1.1, 0.9, 0.7, 0.5])

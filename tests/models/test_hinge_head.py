"""The multiclass SVM (hinge) head: the lecture's worked example, and a model that keeps its head
through saving."""
import numpy as np
import pytest

import zoo
from zoo.models import heads


def test_the_multiclass_svm_loss_of_the_lecture_example():
    import keras
    from zoo.models.custom_layers import multiclass_hinge
    # three images (cat, car, frog), their scores for cat, car, frog: losses 2.9, 0 and 12.9
    scores = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]], dtype="float32")
    labels = np.array([0, 1, 2])
    loss = keras.ops.convert_to_numpy(multiclass_hinge(labels, scores))
    np.testing.assert_allclose(loss, [2.9, 0.0, 12.9], atol=1e-5)


def test_a_hinge_model_keeps_its_head_through_saving(tmp_path):
    from zoo.saving import load_model
    model = zoo.build("linear_mnist", head="hinge", input_shape=(4,), num_classes=3)
    assert heads.head_of(model) == "hinge" and model.output_shape == (None, 3)
    x = np.random.default_rng(0).normal(size=(30, 4)).astype("float32")
    y = x[:, :3].argmax(axis=1)
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "svm.keras")
    loaded = load_model(tmp_path / "svm.keras")  # safe mode: the loss is a registered function
    assert heads.head_of(loaded) == "hinge"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


def test_a_hinge_head_needs_two_classes():
    from zoo.errors import InvalidArgumentError
    with pytest.raises(InvalidArgumentError, match="head='hinge' needs num_classes >= 2"):
        zoo.build("linear_mnist", head="hinge", num_classes=1)

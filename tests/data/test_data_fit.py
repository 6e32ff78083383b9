"""check_fits: refuse, before training, data whose shape or classes do not fit the model."""
import pytest

import zoo.data
from zoo.errors import DataError, InvalidArgumentError


@pytest.mark.parametrize("name,shape,outputs,head", [
    ("mnist", (28, 28, 1), 10, "softmax"),
    ("mnist", (None, 28, 28, 1), 10, "softmax"),  # with the batch dimension
    ("mnist", (None, None, 1), 10, "softmax"),  # any image size
    ("cats_vs_dogs", (180, 180, 3), 1, "sigmoid"),
    ("cats_vs_dogs", (180, 180, 3), 2, "softmax"),
    ("imdb", (200,), 1, "sigmoid"),
    ("forda", [500, 1], 2, "softmax"),
])
def test_fitting_pairs_pass(name, shape, outputs, head):
    zoo.data.check_fits(zoo.data.describe(name), shape, outputs, head)


def test_wrong_input_shape_says_both_shapes():
    with pytest.raises(DataError, match=r"\(32, 32, 3\) but the model takes \(28, 28, 1\)"):
        zoo.data.check_fits(zoo.data.describe("cifar10"), (28, 28, 1), 10, "softmax")


def test_wrong_number_of_classes():
    with pytest.raises(DataError, match="10 classes but the softmax head has 2 outputs"):
        zoo.data.check_fits(zoo.data.describe("mnist"), (28, 28, 1), 2, "softmax")


def test_sigmoid_needs_two_classes_and_one_output():
    with pytest.raises(DataError, match="sigmoid head needs 1 output and 2 classes"):
        zoo.data.check_fits(zoo.data.describe("mnist"), (28, 28, 1), 1, "sigmoid")
    with pytest.raises(DataError, match="2 outputs"):
        zoo.data.check_fits(zoo.data.describe("imdb"), (200,), 2, "sigmoid")


@pytest.mark.parametrize("head", ["multilabel", "regression"])
def test_class_id_labels_need_a_classification_head(head):
    with pytest.raises(DataError, match=f"head is '{head}'"):
        zoo.data.check_fits(zoo.data.describe("forda"), (500, 1), 2, head)


def test_every_difference_is_reported():
    with pytest.raises(DataError) as err:
        zoo.data.check_fits(zoo.data.describe("imdb"), (100,), 3, "softmax")
    assert "(200,)" in str(err.value) and "2 classes" in str(err.value)


def test_bad_head_is_an_invalid_argument():
    with pytest.raises(InvalidArgumentError, match="head"):
        zoo.data.check_fits(zoo.data.describe("mnist"), (28, 28, 1), 10, "tanh")

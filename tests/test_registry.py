"""The registry: listing, describing, registering and the errors on bad names and overrides."""
import subprocess
import sys

import pytest

import zoo

EXPECTED = {"linear_mnist", "dense_mnist", "dense_fashion", "cnn_mnist", "lenet", "cnn_fashion",
            "cnn_cifar10", "resnet_small", "vgg16_transfer", "transfer", "lstm_sentiment",
            "rnn_sentiment", "cnn1d_series", "lstm_series"}


def test_every_model_of_the_issue_is_listed_sorted():
    names = zoo.list_models()
    assert EXPECTED <= set(names)
    assert names == sorted(names)


def test_wildcards_and_task_filter():
    assert zoo.list_models("cnn_*") == ["cnn_cifar10", "cnn_fashion", "cnn_mnist"]
    assert zoo.list_models("*_sentiment", task="binary") == ["lstm_sentiment", "rnn_sentiment"]
    assert "cnn_mnist" not in zoo.list_models(task="binary")


def test_describe_has_the_whole_record():
    info = zoo.describe("cnn_fashion")
    assert (info.name, info.task, info.input_shape, info.num_outputs, info.dataset) == (
        "cnn_fashion", "multiclass", (28, 28, 1), 10, "fashion_mnist")
    assert info.reference.value == 0.91 and info.reference.source == "lecture material"
    assert info.params > 0 and info.description
    assert "dropout" in info.arguments and info.as_dict()["name"] == "cnn_fashion"


def test_listing_and_describing_do_not_import_tensorflow():
    code = ("import sys, zoo; zoo.list_models(); zoo.describe('vgg16_transfer'); "
            "bad = [m for m in ('tensorflow', 'keras', 'jax') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_name_suggests_close_matches():
    with pytest.raises(zoo.UnknownNameError, match="Did you mean 'cnn_fashion'"):
        zoo.build("cnn_fasion")
    with pytest.raises(zoo.UnknownNameError, match="Known models: .*lenet"):
        zoo.describe("alexnet")


def test_unknown_override_lists_the_valid_ones():
    with pytest.raises(zoo.InvalidArgumentError, match=r"no argument 'dropuot'.*dropout=0\.3"):
        zoo.build("cnn_fashion", dropuot=0.5)


@pytest.mark.parametrize("name, overrides, words", [
    ("cnn_fashion", {"dropout": -0.1}, "dropout=-0.1"),
    ("cnn_fashion", {"filters": 0}, "filters=0"),
    ("cnn_cifar10", {"filters": (32, 0)}, "filters=0"),
    ("dense_mnist", {"units": (512, -3)}, "units=-3"),
    ("dense_mnist", {"l2": -1.0}, "l2=-1.0"),
    ("dense_mnist", {"head": "softmaxx"}, "head='softmaxx'"),
    ("cnn_mnist", {"head": "sigmoid"}, "num_classes=10"),
    ("lstm_sentiment", {"vocab_size": 0}, "vocab_size=0"),
    ("cnn_mnist", {"input_shape": (28, 28)}, "input_shape=(28, 28)"),
    ("lenet", {"input_shape": (12, 12, 1)}, "too small"),
    ("transfer", {"base": "lstm_sentiment"}, "no layer 'features'"),
])
def test_nonsensical_values_are_refused_naming_the_argument(name, overrides, words):
    with pytest.raises(zoo.InvalidArgumentError) as error:
        zoo.build(name, **overrides)
    assert words in str(error.value)


@pytest.mark.parametrize("head, outputs, loss", [
    ("softmax", 10, "SparseCategoricalCrossentropy"), ("multilabel", 10, "BinaryCrossentropy"),
    ("regression", 10, "MeanSquaredError"), ("sigmoid", 1, "BinaryCrossentropy")])
def test_heads_set_outputs_and_loss(head, outputs, loss):
    num_classes = 2 if head == "sigmoid" else 10
    model = zoo.build("cnn_mnist", head=head, num_classes=num_classes)
    assert model.output_shape == (None, outputs)
    assert type(model.loss).__name__ == loss


def test_compile_false_returns_an_uncompiled_model():
    model = zoo.build("linear_mnist", compile=False)
    assert not model.compiled and getattr(model, "optimizer", None) is None


@pytest.fixture
def forget_tiny_model():
    yield
    zoo.registry.unregister("tiny_test_model")
    assert "tiny_test_model" not in zoo.list_models()


def test_register_a_user_builder(forget_tiny_model):
    @zoo.register(name="tiny_test_model", family="test", task="regression", input_shape=(3,),
                  num_outputs=1, dataset="none", params=4, description="y = w.x + b")
    def tiny(*, units=1):
        import keras
        inputs = keras.Input((3,))
        return keras.Model(inputs, keras.layers.Dense(units)(inputs), name="tiny_test_model")

    assert "tiny_test_model" in zoo.list_models(task="regression")
    assert zoo.build("tiny_test_model", compile=False).count_params() == 4
    with pytest.raises(zoo.InvalidArgumentError, match="already registered"):
        zoo.register(name="tiny_test_model", family="test", task="regression", input_shape=(3,),
                     num_outputs=1, dataset="none", params=4, description="again")(tiny)

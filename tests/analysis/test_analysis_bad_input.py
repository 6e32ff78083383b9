"""Bad input gets a ZooError that says what is wrong, before anything is written."""
import json
import os

import numpy as np
import pytest

from zoo import analysis
from zoo.errors import InvalidArgumentError, RunError


def test_a_run_folder_without_a_model_is_a_run_error(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model": "cnn_fashion"}))
    with pytest.raises(RunError, match="has no model.keras"):
        analysis.open_run(tmp_path)


def test_a_running_run_says_it_is_still_running(tmp_path):
    (tmp_path / "status.json").write_text(json.dumps({"state": "running"}))
    with pytest.raises(RunError, match="still running"):
        analysis.analyze(tmp_path)


def test_a_file_that_is_not_a_model_is_a_run_error(tmp_path):
    path = tmp_path / "model.keras"
    path.write_text("not a zip archive")
    with pytest.raises(RunError, match="not a Keras model file"):
        analysis.open_run(path)
    with pytest.raises(RunError, match="does not exist"):
        analysis.open_run(tmp_path / "missing")


def test_open_run_returns_the_model_and_its_config(runs, trained, data):
    model, config = analysis.open_run(runs["cnn"])
    assert config["model"] == "cnn_fashion"
    x = data["test"][0][:8]
    np.testing.assert_allclose(model.predict(x, verbose=0), trained.predict(x, verbose=0),
                               atol=1e-6)
    assert analysis.open_run(runs["cnn"] / "model.keras")[1] == config


def test_filters_of_a_model_without_convolutions_are_refused(dense_model, data, tmp_path):
    import zoo
    with pytest.raises(InvalidArgumentError, match="no 2D convolution"):
        analysis.first_layer_filters(dense_model)
    with pytest.raises(InvalidArgumentError, match="no 2D convolution"):
        analysis.feature_maps(dense_model, data["test"][0][0])
    with pytest.raises(InvalidArgumentError, match="no 2D convolution"):
        analysis.first_layer_filters(zoo.build("lstm_sentiment", vocab_size=50, compile=False))
    with pytest.raises(InvalidArgumentError, match="filters needs a model of images"):
        analysis.analyze(zoo.build("lstm_sentiment", vocab_size=50), what="filters",
                         out_dir=tmp_path)


def test_an_impossible_request_fails_before_anything_is_written(dense_model, data, tmp_path):
    with pytest.raises(InvalidArgumentError, match="no 2D convolution"):
        analysis.analyze(dense_model, what=("confusion", "filters"), out_dir=tmp_path,
                         data=data["test"])
    with pytest.raises(InvalidArgumentError, match="what='colours' is invalid"):
        analysis.analyze(dense_model, what=("confusion", "colours"), out_dir=tmp_path,
                         data=data["test"])
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("eps", [-0.1, (0.0, -0.01), 1.5, "big", ()])
def test_eps_out_of_range_is_refused(trained, data, tmp_path, eps):
    with pytest.raises(InvalidArgumentError, match="eps"):
        analysis.fgsm_accuracy(trained, data["test"], eps=eps)
    with pytest.raises(InvalidArgumentError, match="eps"):
        analysis.analyze(trained, what="fgsm", eps=eps, out_dir=tmp_path, data=data["test"])


def test_other_bad_arguments(trained, data, tmp_path):
    x, y = data["test"]
    with pytest.raises(InvalidArgumentError, match="out_dir"):
        analysis.analyze(trained, data=data["test"])
    with pytest.raises(InvalidArgumentError, match="angles"):
        analysis.rotation_accuracy(trained, (x, y), angles="ninety")
    with pytest.raises(InvalidArgumentError, match="image_index=500"):
        analysis.analyze(trained, what="feature_maps", image_index=500, out_dir=tmp_path,
                         data=(x, y))
    with pytest.raises(InvalidArgumentError, match="labels"):
        analysis.confusion_matrix(trained, (x, y[:10]))
    with pytest.raises(InvalidArgumentError, match="class ids in"):
        analysis.confusion_matrix(trained, (x, y + 3), num_classes=3)
    with pytest.raises(InvalidArgumentError, match="data of type"):
        analysis.confusion_matrix(trained, x)
    with pytest.raises(RunError, match="history.csv"):
        analysis.analyze(trained, what="curves", out_dir=tmp_path)


def test_without_the_data_layer_a_run_needs_explicit_data(runs, tmp_path, monkeypatch):
    from zoo.errors import DataError
    monkeypatch.setitem(__import__("sys").modules, "zoo.data", None)  # as if not importable
    with pytest.raises(DataError, match="data="):
        analysis.analyze(runs["cnn"], what="confusion", out_dir=tmp_path)

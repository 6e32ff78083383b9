"""Model files are loaded in Keras' safe mode: a file that carries code is refused."""
import zipfile

import keras
import numpy as np
import pytest

import zoo
from zoo.saving import load_model


@pytest.fixture
def lambda_model_file(tmp_path):
    inputs = keras.Input((2,))
    # A Lambda layer stores its Python function's bytecode in the file.
    outputs = keras.layers.Lambda(lambda x: x * 2.0)(inputs)
    path = tmp_path / "with_code.keras"
    keras.Model(inputs, outputs).save(path)
    return path


def test_a_model_with_code_is_refused_by_default(lambda_model_file):
    with pytest.raises(zoo.RunError, match="carries Python code.*allow_code=True"):
        load_model(lambda_model_file)


def test_the_user_can_opt_in_for_their_own_file(lambda_model_file):
    model = load_model(lambda_model_file, allow_code=True)
    np.testing.assert_allclose(model.predict(np.ones((1, 2)), verbose=0), [[2.0, 2.0]])


def test_a_file_that_is_not_a_model(tmp_path):
    path = tmp_path / "model.keras"
    path.write_text("not a zip")
    with pytest.raises(zoo.RunError, match="not a Keras model file"):
        load_model(path)
    broken = tmp_path / "broken.keras"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("config.json", "{not json")
    with pytest.raises(zoo.RunError, match="could not be loaded"):
        load_model(broken)


def test_a_missing_file(tmp_path):
    with pytest.raises(zoo.RunError, match="No model file"):
        load_model(tmp_path / "nothing.keras")


def _with_edited_config(source, target, edit):
    import json
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode()
            new.writestr(item, data)
    return target


@pytest.mark.parametrize("activation", [
    {"module": "os", "class_name": "function", "config": "system", "registered_name": "function"},
    {"module": "builtins", "class_name": "eval", "config": {}, "registered_name": None},
    "no_such_activation",
])
def test_a_crafted_model_file_is_refused_in_one_line(tmp_path, activation):
    """Keras' own errors append the whole config of the layer (with any serialised function as
    base64 bytecode); the refusal is one line that names the file."""
    inputs = keras.Input((2,))
    keras.Model(inputs, keras.layers.Dense(1, name="d")(inputs)).save(tmp_path / "plain.keras")

    def edit(config):
        layer = next(l for l in config["config"]["layers"] if l["class_name"] == "Dense")
        layer["config"]["activation"] = activation
    crafted = _with_edited_config(tmp_path / "plain.keras", tmp_path / "crafted.keras", edit)
    with pytest.raises(zoo.RunError) as raised:
        load_model(crafted)
    message = str(raised.value)
    assert "\n" not in message and len(message) < 500 and "crafted.keras" in message

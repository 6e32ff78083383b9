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

"""Loading models safely: always in Keras' safe mode, so that a model file cannot run code."""
from __future__ import annotations

import os
import zipfile

from zoo.errors import RunError


def load_model(path, *, allow_code: bool = False):
    """Load a `.keras` file. A file that carries Python code (a Lambda layer) is refused unless
    allow_code=True, which only makes sense for files you made yourself."""
    import keras

    # Register the zoo's own layers and functions with Keras, so that models using them load.
    import zoo.data.layers  # noqa: F401
    import zoo.data.text  # noqa: F401
    import zoo.models.custom_layers  # noqa: F401
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise RunError(f"No model file at {path}: pass a .keras file or a run folder.")
    if not zipfile.is_zipfile(path):
        raise RunError(f"{path} is not a Keras model file (.keras files are zip archives).")
    try:
        return keras.saving.load_model(path, safe_mode=not allow_code)
    except Exception as error:
        if "safe_mode" in str(error) or "Lambda" in str(error):
            raise RunError(
                f"{path} carries Python code (a Lambda layer) and was refused: loading it would "
                "run that code. If you made this file yourself and trust it, pass allow_code=True "
                "(--allow-code at the command line).") from None
        raise RunError(f"{path} could not be loaded as a Keras model ({type(error).__name__}: "
                       f"{_first_line(error)}).") from None


def _first_line(error, limit=200) -> str:
    """Keras' loading errors append the whole layer config (serialised functions included, as
    base64 bytecode): its first line says what went wrong."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text if len(text) <= limit else text[:limit] + "..."

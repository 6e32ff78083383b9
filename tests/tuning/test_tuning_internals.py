"""keras-tuner's private names are reached through one module, which refuses a keras-tuner it was
not written against."""
import importlib
import re
from pathlib import Path

import keras_tuner
import pytest

from zoo.errors import ZooError

REPO = Path(__file__).resolve().parents[2]


def test_another_keras_tuner_is_refused_with_what_to_install(monkeypatch):
    import tuning.keras_tuner_internals as internals
    monkeypatch.setattr(keras_tuner, "__version__", "2.0.0")
    with pytest.raises(ZooError, match=r"keras-tuner 2.0.0 is installed.*pip install "
                                       r"'keras-tuner>=1.4,<1.5'"):
        importlib.reload(internals)
    monkeypatch.undo()
    importlib.reload(internals)


def test_no_other_module_imports_keras_tuner_internals():
    pattern = re.compile(r"keras_tuner\.src|\._retry_queue")
    offenders = [str(p.relative_to(REPO)) for folder in ("zoo", "tuning", "recipes", "benchmarks")
                 for p in (REPO / folder).rglob("*.py")
                 if p.name != "keras_tuner_internals.py" and pattern.search(p.read_text())]
    assert offenders == []

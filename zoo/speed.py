"""The measured inference speed of each model (zoo/speed.json): examples per second at batch 1
and at batch 128, and the peak memory of predicting, with the machine. `zoo bench --record`
(zoo/bench.py) writes it; `zoo info` and `zoo.describe` read it without importing TensorFlow."""
from __future__ import annotations

import json
from pathlib import Path

SPEED_FILE = Path(__file__).with_name("speed.json")
BATCHES = (1, 128)


def load_table(path=SPEED_FILE) -> dict:
    """{"machine": ..., "models": {name: {"batch_1": ex/s, "batch_128": ex/s,
    "peak_memory_mb": MB, "date": ...}}}."""
    path = Path(path)
    if not path.exists():
        return {"machine": None, "models": {}}
    return json.loads(path.read_text())


def for_model(name: str, path=SPEED_FILE) -> dict | None:
    """The model's measured speed with the machine it was measured on, None if not measured."""
    table = load_table(path)
    row = table["models"].get(name)
    return None if row is None else {**row, "machine": table["machine"]}

"""The reference-results table (zoo/results.json): what each recipe reached when run to completion
on the real data, with the machine it was measured on. Read without importing TensorFlow."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

RESULTS_FILE = Path(__file__).with_name("results.json")


def load_table(path=RESULTS_FILE) -> dict:
    """{"machine": ..., "results": [{"model", "dataset", "metric", "value", "epochs",
    "wall_time_s", "recipe", "date", ...}, ...]}"""
    path = Path(path)
    if not path.exists():
        return {"machine": None, "results": []}
    return json.loads(path.read_text())


def for_model(name: str, path=RESULTS_FILE) -> list[dict]:
    return [row for row in load_table(path)["results"] if row["model"] == name]


def attach(info, path=RESULTS_FILE):
    """The ModelInfo with its measured rows attached."""
    return dataclasses.replace(info, results=tuple(for_model(info.name, path)))

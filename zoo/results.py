"""The reference-results table (zoo/results.json): what each recipe reached when run to completion
on the real data, with the machine it was measured on. Read without importing TensorFlow.

A model whose metadata has no outside reference (source "none") gets its measured result as its
reference ("measured here"), so that the number lives in one place: this table.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

RESULTS_FILE = Path(__file__).with_name("results.json")


def load_table(path=RESULTS_FILE) -> dict:
    """{"machine": ..., "results": [{"model", "dataset", "metric", "value", "epochs",
    "wall_time_s", "recipe", "date", "target", ...}, ...]}; rows with value None say why."""
    path = Path(path)
    if not path.exists():
        return {"machine": None, "results": []}
    return json.loads(path.read_text())


def for_model(name: str, path=RESULTS_FILE) -> list[dict]:
    return [row for row in load_table(path)["results"] if row["model"] == name]


def attach(info, path=RESULTS_FILE):
    """The ModelInfo with its measured rows attached (and as its reference if it has none)."""
    from zoo.registry import Reference
    rows = tuple(for_model(info.name, path))
    measured = [r for r in rows if r.get("value") is not None]
    info = dataclasses.replace(info, results=rows)
    if info.reference.source == "none" and measured:
        row = measured[0]
        note = f"{row['recipe']}, {row['epochs']} epochs, {row['wall_time_s']:.0f} s"
        info = dataclasses.replace(info, reference=Reference(row["metric"], row["value"],
                                                             "measured here", note))
    return info

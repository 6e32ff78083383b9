"""The table of all trials: hyperparameters, validation score, time, status (CSV and JSON)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from tuning.costs import COSTS
from tuning.progress import shown_values, status
from tuning.pruning import PRUNED_EPOCH
from zoo import files

# name: decimals kept (0: an integer)
METRICS = {"best_epoch": 0, PRUNED_EPOCH: 0, "seconds": 2, "rss_mb": 1, "seed": 0,
           "params": 0, "flops": 0, "latency_ms": 3}


def rows(oracle) -> list[dict]:
    """One row per trial, in the order trials were started."""
    out = []
    objective = oracle.objective.name
    for trial_id in sorted(oracle.trials, key=int):
        trial = oracle.trials[trial_id]
        row = {"trial": int(trial_id) + 1, "trial_id": trial_id, "status": status(trial),
               **shown_values(trial.hyperparameters.values), objective: trial.score}
        for name, decimals in METRICS.items():
            value = trial.metrics.get_last_value(name) if trial.metrics.exists(name) else None
            if value is not None or name not in (PRUNED_EPOCH, *COSTS):
                row[name] = None if value is None else round(value, decimals or None)
        parent = trial.hyperparameters.values.get("tuner/trial_id")
        if parent is not None:
            row["continues_trial"] = int(parent) + 1
        if trial.status != "COMPLETED" and trial.message:
            row["error"] = trial.message.strip().splitlines()[-1]
        out.append(row)
    return out


def write(table: list[dict], folder) -> dict:
    folder = Path(folder)
    columns = list(dict.fromkeys(k for row in table for k in row))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return {"csv": files.write_text(folder / "trials.csv", text.getvalue()),
            "json": files.write_json(folder / "trials.json", table)}

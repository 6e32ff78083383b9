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


def spread(row: dict) -> tuple[float | None, float | None, int]:
    """(mean, sample standard deviation, number of seeds) of a row: its "seeds" when it has them,
    else its single value (std None)."""
    values = [s["value"] for s in row.get("seeds", [])]
    if len(values) >= 2:
        import statistics
        return statistics.mean(values), statistics.stdev(values), len(values)
    return row.get("value"), None, 1 if row.get("value") is not None else 0


def interval(row: dict) -> tuple[float, float]:
    """The range a rerun of the recipe is expected in: mean +- 2 standard deviations over the
    recorded seeds (at least +- SINGLE_SEED_MARGIN, the spread of one seed on MNIST-sized test
    sets, when fewer seeds were recorded or they happened to agree)."""
    mean, std, _ = spread(row)
    half = max(2 * std if std is not None else 0.0, SINGLE_SEED_MARGIN)
    return mean - half, mean + half


GOAL_WORDS = (" (met)", " (not met)")  # what a recorded goal says of its mean


def plain_target(target: str) -> str:
    """A row's target without the words a recorded goal carries ("(met)" / "(not met)")."""
    for words in GOAL_WORDS:
        target = target.removesuffix(words)
    return target


def goal_met(target: str, value: float, wall_time_s: float | None = None) -> bool:
    """Whether a row's "goal >= X [within N min]" target holds on its mean value (and mean wall
    time); a trailing "(met)" or "(not met)" is ignored.

    Example:
        >>> goal_met("goal >= 0.90 within 30 min", 0.91, wall_time_s=1900.0)
        False
    """
    words = plain_target(target).split()
    if words[:2] != ["goal", ">="]:
        raise ValueError(f"target {target!r} is not a goal: expected 'goal >= X [within N min]'.")
    met = value >= float(words[2])
    if "within" in words:
        met = met and wall_time_s is not None and (
            wall_time_s <= 60 * float(words[words.index("within") + 1]))
    return met


# Run-to-run spread of test accuracy on 10,000 test examples is about 0.003 (0.3 points).
SINGLE_SEED_MARGIN = 0.006


def text(row: dict) -> str:
    """"0.9202 +- 0.0012 (5 seeds)" or "0.9202 (1 seed)"."""
    mean, std, n = spread(row)
    if mean is None:
        return "-"
    return f"{mean:.4f} ± {std:.4f} ({n} seeds)" if std is not None else f"{mean:.4f} (1 seed)"


CSV_COLUMNS = ("model", "dataset", "top1", "top1_std", "seeds", "param_count", "macs", "epochs",
               "time_per_epoch_s", "train_time_s", "infer_samples_per_sec_batch1",
               "infer_samples_per_sec_batch128", "infer_peak_memory_mb", "machine", "model_arguments")


def arguments_text(row: dict) -> str:
    """The builder arguments a row's recipe set, as `name=value` words ('' for the default)."""
    return " ".join(f"{k}={v}" for k, v in sorted(row.get("model_arguments", {}).items()))


def write_csv(path, table_path=RESULTS_FILE) -> Path:
    """The results table as timm writes its results CSVs: one row per measured model, top-1 in
    percent (mean over the seeds), parameters, multiply-accumulates, training time and the
    measured inference speed (zoo/speed.json) beside it. Parameters and MACs are the default
    build's; `model_arguments` names what the row's recipe built differently."""
    import csv
    import io
    from zoo import files, registry, speed
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in load_table(table_path)["results"]:
        mean, std, n = spread(row)
        if mean is None:
            continue
        info, fast = registry.get(row["model"]), speed.for_model(row["model"]) or {}
        writer.writerow({
            "model": row["model"], "dataset": row["dataset"], "top1": round(100 * mean, 2),
            "top1_std": "" if std is None else round(100 * std, 2), "seeds": n,
            "param_count": info.params, "macs": info.macs or "", "epochs": row["epochs"],
            "time_per_epoch_s": round(row["wall_time_s"] / row["epochs"], 1),
            "train_time_s": row["wall_time_s"],
            "infer_samples_per_sec_batch1": fast.get("batch_1", ""),
            "infer_samples_per_sec_batch128": fast.get("batch_128", ""),
            "infer_peak_memory_mb": fast.get("peak_memory_mb", ""), "machine": row["machine"],
            "model_arguments": arguments_text(row)})
    return files.write_text(Path(path), out.getvalue())


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
        if row.get("model_arguments"):
            note += f", built with {arguments_text(row)}"
        info = dataclasses.replace(info, reference=Reference(row["metric"], row["value"],
                                                             "measured here", note))
    return info

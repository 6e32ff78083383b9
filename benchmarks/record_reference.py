"""Record finished reference runs in the results table (zoo/results.json).

    python benchmarks/record_reference.py runs/cnn_fashion/<time> [RUN ...]

Each run replaces the row of its model. The targets are those of the issue that asked for them.
"""
import argparse
import datetime
import json
import sys
from pathlib import Path

from zoo import files, results

TARGETS = {"cnn_mnist": ">= 0.992", "dense_mnist": ">= 0.98", "cnn_fashion": ">= 0.91",
           "dense_fashion": "about 0.87", "cnn_cifar10": ">= 0.80", "lstm_sentiment": ">= 0.85",
           "cnn1d_series": ">= 0.95",
           "transfer": "transferred beats from scratch by >= 5 points at equal epochs"}


def row_of(run: Path) -> dict:
    status = files.read_json(run / "status.json", {})
    if status.get("state") != "finished":
        sys.exit(f"{run} is not a finished run (state {status.get('state')!r}).")
    metrics = files.read_json(run / "metrics.json")
    config = files.read_json(run / "config.json")
    return {"model": metrics["model"], "dataset": metrics["dataset"], "metric": "accuracy",
            "value": round(metrics["test"]["accuracy"], 4), "epochs": metrics["epochs"],
            "wall_time_s": round(metrics["wall_time_s"], 1),
            "recipe": f"recipes/{config['model']}.py", "target": TARGETS.get(metrics["model"], ""),
            "test_examples": metrics["test_examples"], "machine": metrics["machine"],
            "date": datetime.date.fromtimestamp((run / "metrics.json").stat().st_mtime).isoformat()}


def with_comparison(row: dict, run: Path) -> dict:
    """The transfer recipe's row also carries the from-scratch arm and the gain."""
    comparison = files.read_json(run.parent / "comparison.json")
    if Path(comparison["transferred"]["run_dir"]).name != run.name:
        sys.exit(f"{run} is not the transferred arm of {run.parent / 'comparison.json'}.")
    scratch = comparison["from_scratch"]
    return {**row, "from_scratch_value": round(scratch["test"]["accuracy"], 4),
            "gain": round(comparison["accuracy_gain"], 4),
            "wall_time_s": round(row["wall_time_s"] + scratch["wall_time_s"], 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    args = parser.parse_args()
    table = results.load_table()
    rows = {row["model"]: row for row in table["results"]}
    for run in args.runs:
        row = row_of(run)
        if row["model"] == "transfer":
            row = with_comparison(row, run)
        rows[row["model"]] = row
        print(json.dumps(row))
    table["results"] = [rows[name] for name in sorted(rows)]
    files.write_json(results.RESULTS_FILE, table)


if __name__ == "__main__":
    main()

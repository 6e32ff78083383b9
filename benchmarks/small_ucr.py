"""Any model on small data, out of the box: `zoo train MODEL --dataset ucr:PATH` with no other
option (but the seed) on each small UCR dataset of the data folder, mean test accuracy over seeds
against the published 1D-ResNet accuracy in its MANIFEST (hfawaz/dl-4-tsc).

    ZOO_DATA_DIR=../shared/data python benchmarks/small_ucr.py [--model cnn1d_series] [--seeds 3]

Each run is one process, exactly the command a user types; the test split is read once per
finished run and nothing is chosen on it. Goal: within 3 points of the published figures on
average, no dataset more than 8 points below.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def published(ucr_root: Path) -> dict:
    """{dataset: published ResNet test accuracy} from the MANIFEST's table."""
    out = {}
    for line in (ucr_root / "MANIFEST.txt").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 6 and cells[1] == "TEST" and re.match(r"^[\d.]+$", cells[5]):
            out[cells[0]] = float(cells[5])
    return out


def train(model, folder: Path, seed: int, out: str) -> dict:
    command = [sys.executable, "-m", "zoo.cli", "train", model, "--dataset", f"ucr:{folder}",
               "--seed", str(seed), "--output-dir", out]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    (metrics_file,) = Path(out, model).glob("*/metrics.json")
    metrics = json.loads(metrics_file.read_text())
    return {"seed": seed, "test_accuracy": metrics["test"]["accuracy"],
            "epochs": metrics["epochs"], "weights_of_epoch": metrics.get("weights_of_epoch"),
            "adapted": metrics.get("adapted", []),
            "wall_time_s": round(time.perf_counter() - start, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="cnn1d_series")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds FIRST, FIRST + 1, ...")
    parser.add_argument("--only", nargs="+", help="dataset names (default: every one)")
    parser.add_argument("--out", help="write the result as JSON here")
    parser.add_argument("--merge", nargs="+", metavar="JSON",
                        help="train nothing: join the runs of earlier --out files (jobs run side "
                             "by side, one per dataset or seed) into one table")
    args = parser.parse_args(argv)
    root = Path(os.environ.get("ZOO_DATA_DIR", "../shared/data")) / "ucr"
    anchors = published(root)
    runs_of = {}
    if args.merge:
        for path in args.merge:
            saved = json.loads(Path(path).read_text())
            args.model = saved["model"]
            for row in saved["rows"]:
                runs_of.setdefault(row["dataset"], []).extend(row["runs"])
    else:
        for name in args.only or sorted(anchors):
            runs_of[name] = []
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                with tempfile.TemporaryDirectory() as out:
                    run = train(args.model, (root / name).resolve(), seed, out)
                runs_of[name].append(run)
                print(f"{name} seed {seed}: test accuracy {run['test_accuracy']:.4f} "
                      f"({run['epochs']} epochs, weights of epoch {run['weights_of_epoch']}, "
                      f"{run['wall_time_s']} s)", flush=True)
    result = summary(args.model, runs_of, anchors)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2))
    return result


def summary(model: str, runs_of: dict, anchors: dict) -> dict:
    """Mean, spread and gap to the published figure per dataset; printed as a table."""
    rows = []
    for name, runs in sorted(runs_of.items()):
        runs = sorted(runs, key=lambda r: r["seed"])
        accuracies = [r["test_accuracy"] for r in runs]
        rows.append({"dataset": name, "published": anchors[name],
                     "mean": round(statistics.mean(accuracies), 4),
                     "std": round(statistics.stdev(accuracies), 4) if len(runs) > 1 else 0.0,
                     "gap_points": round(100 * (statistics.mean(accuracies) - anchors[name]), 1),
                     "runs": runs})
    mean_gap = statistics.mean(r["gap_points"] for r in rows)
    worst = min(r["gap_points"] for r in rows)
    seeds = sorted({r["seed"] for row in rows for r in row["runs"]})
    result = {"model": model, "seeds": seeds, "rows": rows,
              "mean_gap_points": round(mean_gap, 1), "worst_gap_points": worst,
              "goal_met": mean_gap >= -3 and worst >= -8}
    print(f"\n| dataset | published ResNet | {model} (mean ± sd, seeds {seeds}) | gap |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['dataset']} | {r['published']:.3f} | {r['mean']:.3f} ± {r['std']:.3f} | "
              f"{r['gap_points']:+.1f} |")
    print(f"mean gap {mean_gap:+.1f} points (goal >= -3), worst {worst:+.1f} (goal >= -8): "
          f"{'met' if result['goal_met'] else 'not met'}")
    return result


if __name__ == "__main__":
    main()

"""Screen a recipe's training settings on the validation split only.

    python benchmarks/screen_recipe.py cnn_fashion --seeds 0 1 [--threshold 0.91] [--out FILE]
        [--variant "NAME: OPTION=VALUE ..."] ...

Each variant is the recipe with some TrainConfig fields changed (fields given here are never
adapted to the data, so a variant that should keep the recipe's epochs at another batch size
says epochs=...) ("adam 1e-3: optimizer=adam learning_rate=1e-3 lr_schedule=constant
ema=none"); without --variant, the variants of VARIANTS[model]. A value is read as JSON where
it is JSON, so builder arguments go in overrides={"batchnorm":false,"dense_units":0} (no
spaces). Every variant trains through zoo.train once per seed, and only its history.csv
is read: the validation accuracy of the weights the run keeps (its last epoch's, or the best
epoch's under early stopping), and the first epoch whose validation accuracy reaches
--threshold. The test split is evaluated by each run (zoo.train always does) but never read here:
the choice is made on the validation columns. Prints one line per run and a table per variant.
"""
from __future__ import annotations

import argparse
import csv
import json
import statistics
import tempfile
from pathlib import Path

VARIANTS = {
    "cnn_fashion": [
        "adam 1e-3 (the material): optimizer=adam learning_rate=1e-3 lr_schedule=constant "
        "ema=none",
        "adam 2e-3 cosine: optimizer=adam learning_rate=2e-3 lr_schedule=cosine ema=none",
        "adam 3e-3 cosine, average 0.99: optimizer=adam learning_rate=3e-3 lr_schedule=cosine "
        "ema=0.99",
        "nadam 3e-3 cosine, average 0.99: optimizer=nadam learning_rate=3e-3 "
        "lr_schedule=cosine ema=0.99",
        # epochs given: otherwise batch 256 makes too few steps and the run adapts to 15 epochs
        "nadam 5e-3 batch 256 cosine, average 0.99: optimizer=nadam learning_rate=5e-3 "
        "batch_size=256 lr_schedule=cosine ema=0.99 epochs=10",
    ],
}


def parse_variant(text: str) -> tuple[str, dict]:
    name, _, options = text.partition(": ")  # not the last ":": a JSON value may hold one
    changes = {}
    for item in options.split():
        key, _, value = item.partition("=")
        if value == "none":
            changes[key] = None
        else:
            try:
                changes[key] = json.loads(value)
            except ValueError:
                changes[key] = value
    return name.strip(), changes


def validation_figures(run_dir: Path, threshold: float, kept_epoch: int) -> dict:
    with open(run_dir / "history.csv", newline="") as f:
        curve = [float(row["val_accuracy"]) for row in csv.DictReader(f)]
    reached = next((i + 1 for i, value in enumerate(curve) if value >= threshold), None)
    return {"val_accuracy": round(curve[kept_epoch - 1], 4), "curve": curve,
            "epoch_reaching": reached}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--threshold", type=float, default=0.91)
    parser.add_argument("--variant", action="append", metavar="'NAME: OPTION=VALUE ...'")
    parser.add_argument("--subset", type=int, help="quick runs (the figures mean little)")
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args(argv)
    import zoo
    variants = [parse_variant(v) for v in (args.variant or VARIANTS.get(args.model, []))]
    if not variants:
        parser.error(f"no variants for {args.model}: pass --variant")
    work = Path(tempfile.mkdtemp(prefix="screen_"))
    table = {}
    for name, changes in variants:
        runs = []
        for seed in args.seeds:
            options = {**changes, "seed": seed, "output_dir": str(work), "verbose": 0}
            if args.subset:
                options["subset"] = args.subset
            result = zoo.train(args.model, **options)
            kept = result.metrics.get("weights_of_epoch") or result.metrics["epochs"]
            figures = validation_figures(result.run_dir, args.threshold, kept)
            figures.update(seed=seed, wall_time_s=result.metrics["wall_time_s"],
                           epochs=result.metrics["epochs"])
            runs.append(figures)
            print(f"{name}, seed {seed}: validation accuracy {figures['val_accuracy']:.4f}, "
                  f"{args.threshold} first at epoch {figures['epoch_reaching']}, "
                  f"{figures['wall_time_s']:.0f} s", flush=True)
        table[name] = {"changes": changes, "runs": runs,
                       "mean_val_accuracy": round(statistics.mean(
                           r["val_accuracy"] for r in runs), 4),
                       "epochs_reaching": [r["epoch_reaching"] for r in runs]}
    print(f"\n{'variant':<48} {'val. accuracy (mean)':>20}  epochs to {args.threshold}")
    for name, row in table.items():
        print(f"{name:<48} {row['mean_val_accuracy']:>20.4f}  {row['epochs_reaching']}")
    result = {"model": args.model, "seeds": args.seeds, "threshold": args.threshold,
              "variants": table}
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()

"""Every recipe runs end to end for one short epoch on a small real subset and writes every
output file of its run folder."""
import argparse
import csv
import importlib
import json
import os
from pathlib import Path

import pytest

import zoo

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(
    not os.environ.get("ZOO_DATA_DIR"), reason="needs ZOO_DATA_DIR (the real datasets)")]

RECIPES = sorted(set(zoo.list_models()) - {"transfer", "vgg16_transfer"})
QUICK = ["--epochs", "1", "--subset", "256", "--quiet"]
# Smaller inputs where the full-size model would take minutes per step on a CPU.
EXTRA = {"vgg16_transfer": ["--set", "weights=None", "--set", "input_shape=(32, 32, 3)",
                            "--data", "image_size=(32, 32)"]}


def check_run_folder(path, classifier=True):
    status = json.loads((path / "status.json").read_text())
    assert status["state"] == "finished"
    config = json.loads((path / "config.json").read_text())
    assert config["seed"] == 0 and "keras" in config["versions"]
    metrics = json.loads((path / "metrics.json").read_text())
    assert 0.0 <= metrics["test"]["accuracy"] <= 1.0 and metrics["wall_time_s"] > 0
    with open(path / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == metrics["epochs"] and "val_loss" in rows[0]
    for name in ("model.keras", "best.keras", "learning_curves.png"):
        assert (path / name).stat().st_size > 0, name
    if classifier:
        assert (path / "confusion_matrix.png").stat().st_size > 0
    assert any((path / "tensorboard").rglob("*"))
    assert not list(path.glob(".*.tmp")) and not list(path.glob(".*.keras"))
    return metrics


def run_recipe_module(name, argv):
    """`python -m recipes.NAME ARGV` in this process: the recipe's RECIPE through its own
    command line; returns what it trained."""
    from zoo import commandline
    recipe = importlib.import_module(f"recipes.{name}")
    parser = commandline.add_arguments(argparse.ArgumentParser(), recipe.RECIPE)
    return commandline.train_command(recipe.RECIPE, parser.parse_args(argv),
                                     getattr(recipe, "experiment", None))


@pytest.mark.parametrize("name", RECIPES + ["vgg16_transfer"])
def test_recipe_runs_end_to_end(name, tmp_path):
    metrics = run_recipe_module(name, QUICK + EXTRA.get(name, []) + ["--output-dir", str(tmp_path)])
    (run_dir,) = (tmp_path / name).iterdir()
    assert metrics["run_dir"] == str(run_dir)
    check_run_folder(run_dir)
    assert metrics["test_examples"] == 256


def test_transfer_recipe_compares_transferred_and_scratch(tmp_path):
    argv = ["--epochs", "2", "--subset", "128", "--quiet", "--output-dir", str(tmp_path)]
    summary = run_recipe_module("transfer", argv)
    assert (tmp_path / "cnn_cifar10").is_dir()  # pretrained first, as no finished run existed
    runs = sorted((tmp_path / "transfer").glob("2*"))
    assert len(runs) == 2
    for run in runs:
        check_run_folder(run)
    assert (tmp_path / "transfer" / "transfer_vs_scratch.png").stat().st_size > 0
    saved = json.loads((tmp_path / "transfer" / "comparison.json").read_text())
    assert saved["accuracy_gain"] == pytest.approx(summary["accuracy_gain"])
    transferred = Path(summary["transferred"]["run_dir"])
    assert json.loads((transferred / "comparison.json").read_text()) == saved
    with open(runs[0] / "history.csv") as f:
        assert [r["epoch"] for r in csv.DictReader(f)] == ["0", "1"]  # head, then fine-tuning


def test_transfer_arms_get_the_same_epochs_on_a_small_split(monkeypatch, tmp_path):
    """The runner lengthens an unphased run on a small training split, never a phased one: the
    from-scratch arm must be held to the transferred arm's epochs (equal epochs is the claim)."""
    from types import SimpleNamespace

    from zoo.training import adapt
    transfer = importlib.import_module("recipes.transfer")
    calls = []
    monkeypatch.setattr(zoo, "train", lambda config, **options: calls.append(
        (config.replace(**options), options)) or SimpleNamespace())
    monkeypatch.setattr(transfer, "compare", lambda *arms: None)
    transfer.experiment(transfer.RECIPE.replace(output_dir=str(tmp_path),
                                                overrides={"base": "base.keras"}))
    assert [bool(config.phases) for config, _ in calls] == [True, False]
    for config, options in calls:  # the 2,000 training images: 63 steps an epoch
        changes, _ = adapt.fit_budget(config, 2000, explicit=options)
        assert changes.get("epochs", config.epochs) == transfer.RECIPE.epochs

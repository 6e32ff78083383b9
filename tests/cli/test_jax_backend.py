"""The whole command line under KERAS_BACKEND=jax on small real data: train, evaluate, every
analysis, predict, a pruned search, and export (the formats Keras writes from JAX, checked in
their runtimes; the others refused in one line). The models alone are tested under JAX in
tests/models/test_other_backends.py, the analyses' numbers against TensorFlow's in
tests/analysis/test_analysis_backends.py."""
import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("jax")
pytestmark = [pytest.mark.realdata, pytest.mark.slow, pytest.mark.skipif(
    not os.environ.get("ZOO_DATA_DIR"), reason="needs ZOO_DATA_DIR (the real datasets)")]

JAX = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="2")
ANALYSES = ("confusion", "errors", "filters", "feature_maps", "fgsm", "pgd", "rotation",
            "calibration", "saliency", "gradcam", "activation_max", "curves", "augmentation")


def zoo(*argv, timeout=600):
    return subprocess.run([sys.executable, "-m", "zoo.cli", *map(str, argv)], env=JAX,
                          capture_output=True, text=True, timeout=timeout)


def ok(done):
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jax") / "run"
    out = ok(zoo("train", "cnn_fashion", "--epochs", "1", "--subset", "600", "--run-dir", folder,
                 "--quiet"))
    assert "cnn_fashion: test accuracy" in out
    return folder


def test_train_writes_a_finished_run_under_jax(run):
    config = json.loads((run / "config.json").read_text())
    assert config["versions"]["backend"] == "jax"
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["epochs"] == 1 and 0.1 < metrics["test"]["accuracy"] <= 1
    # TensorBoard's epoch summaries, written with Keras' asynchronous batch dispatch on
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(str(run / "tensorboard" / "validation"))
    events.Reload()
    assert {"epoch_loss", "epoch_accuracy"} <= set(events.Tags()["tensors"])


def test_evaluate_gives_the_runs_own_test_figure(run):
    out = ok(zoo("evaluate", run, "--subset", "600"))
    recorded = json.loads((run / "metrics.json").read_text())["test"]["accuracy"]
    assert f"{recorded:.4f}" in out, out


def test_every_analysis_writes_its_plot_and_figures(run, tmp_path):
    out = ok(zoo("analyze", run, "--what", *ANALYSES, "--subset", "200", "--out-dir", tmp_path))
    for name in ANALYSES:
        assert f"{name}: " in out, name
    assert len(list(tmp_path.glob("*.png"))) >= len(ANALYSES)
    rotation = json.loads((tmp_path / "rotation.json").read_text())  # issue 17's crash
    assert rotation["angles"] and len(rotation["accuracy"]) == len(rotation["angles"])


def test_a_pruned_search_runs_and_retrains_its_best(tmp_path):
    out = ok(zoo("tune", "cnn_fashion", "--max-trials", "2", "--epochs", "2", "--subset", "400",
                 "--prune", "median", "--prune-warmup", "1", "--prune-startup", "1", "--search-dir", tmp_path / "s"))
    trials = json.loads((tmp_path / "s" / "trials.json").read_text())
    assert len(trials) == 2 and {t["status"] for t in trials} <= {"COMPLETED", "PRUNED"}
    assert (tmp_path / "s" / "best_model.keras").exists(), out


@pytest.mark.parametrize("fmt", ["keras", "savedmodel"])
def test_export_checks_the_artefact_in_its_runtime(run, tmp_path, fmt):
    out = ok(zoo("export", run, "--format", fmt, "--out", tmp_path / f"model.{fmt}"))
    assert "largest difference" in out and (tmp_path / f"model.{fmt}").exists()


@pytest.mark.parametrize("fmt", ["onnx", "litert"])
def test_formats_keras_cannot_write_from_jax_are_refused_in_one_line(run, tmp_path, fmt):
    """LiteRT: Keras exports it from TensorFlow or PyTorch only. ONNX: through jax2onnx, not
    installed by the zoo (and its MaxPool does not run in onnxruntime, tried with 0.17.1)."""
    done = zoo("export", run, "--format", fmt, "--out", tmp_path / "model")
    assert done.returncode == 2, done.stdout[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("zoo export: error:")]
    assert len(errors) == 1 and "Nothing was written" in errors[0], done.stderr[-2000:]
    assert not (tmp_path / "model").exists()


def test_predict_names_classes_from_the_jax_model(run, tmp_path):
    import numpy as np
    from PIL import Image
    Image.fromarray(np.full((40, 40), 200, np.uint8)).save(tmp_path / "image.png")
    out = ok(zoo("predict", run, tmp_path / "image.png", "--top", "3", "--json"))
    top = json.loads(out)[0]["top"]
    classes = json.loads((run / "preprocessing.json").read_text())["class_names"]
    assert len(top) == 3 and all(row["class"] in classes for row in top), out
    chances = [row["probability"] for row in top]
    assert chances == sorted(chances, reverse=True) and 0 < sum(chances) <= 1 + 1e-6

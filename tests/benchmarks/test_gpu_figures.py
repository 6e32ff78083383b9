"""The GPU benchmark runs where TensorFlow is not installed: here with TensorFlow hidden
(benchmarks/no_tensorflow/sitecustomize.py on PYTHONPATH), under JAX, on a tiny .npz of arrays
made here."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("jax")
ROOT = Path(__file__).resolve().parents[2]
HIDE = ROOT / "benchmarks" / "no_tensorflow"


def without_tensorflow():
    return dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu",
                PYTHONPATH=os.pathsep.join([str(HIDE), str(ROOT)]))


def test_the_hiding_works():
    done = subprocess.run([sys.executable, "-c", "import tensorflow"], env=without_tensorflow(),
                          capture_output=True, text=True)
    assert done.returncode == 1 and "ModuleNotFoundError" in done.stderr


def tiny_fashion(path: Path):
    """Images whose class is written into them (a bright pixel row), so that a few steps learn."""
    rng = np.random.default_rng(0)
    out = {}
    for split, count in (("train", 640), ("test", 160)):
        y = rng.integers(0, 10, count)
        x = rng.integers(0, 60, (count, 28, 28, 1), dtype=np.uint8)
        x[np.arange(count), 2 * y + 4, :, 0] = 255
        out[f"fashion_mnist.x_{split}"], out[f"fashion_mnist.y_{split}"] = x, y
    np.savez(path, **out)


def test_the_benchmark_runs_and_reports_without_tensorflow(tmp_path):
    tiny_fashion(tmp_path / "arrays.npz")
    report = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gpu_figures.py"), "--arrays",
         str(tmp_path / "arrays.npz"), "--models", "cnn_fashion", "--epochs", "3",
         "--precision", "off", "--batch-size", "64", "--target", "0.5", "--out", str(report)],
        env=without_tensorflow(), capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(report.read_text())
    assert figures["tensorflow_imported"] is False
    run = figures["figures"]["cnn_fashion, mixed precision off"]
    for way in ("zoo", "bare"):
        assert run[way]["backend"] == "jax" and len(run[way]["val_accuracy"]) == 3
        assert run[way]["train_examples_per_s"] > 0
        assert run[way]["inference_examples_per_s"]["batch_128"] > \
            run[way]["inference_examples_per_s"]["batch_1"]
        assert run[way]["peak_host_bytes"] > 0
    # Both ways train the same model on the same data with the same recipe: both learn.
    assert run["zoo"]["val_accuracy"][-1] > 0.5 and run["bare"]["val_accuracy"][-1] > 0.5, run
    assert run["runner_over_bare"] == pytest.approx(
        run["zoo"]["seconds_per_later_epoch"] / run["bare"]["seconds_per_later_epoch"], rel=1e-2)


def test_from_data_reads_only_the_datasets_of_the_models_measured(monkeypatch):
    from benchmarks import gpu_figures
    read = []
    monkeypatch.setattr(gpu_figures, "write_arrays",
                        lambda path, subset, datasets: read.append((subset, datasets)))
    monkeypatch.setattr(gpu_figures, "measure_all", lambda args, parser: {"measured": True})
    assert gpu_figures.main(["--from-data", "64", "--models", "cnn_fashion,dense_mnist"]) == \
        {"measured": True}
    assert read == [(64, ["fashion_mnist", "mnist"])]  # not CIFAR-10


def test_from_data_refuses_an_unknown_model_before_reading_any_data(monkeypatch, capsys):
    from benchmarks import gpu_figures
    monkeypatch.setattr(gpu_figures, "write_arrays", lambda *a, **k: pytest.fail("data read"))
    with pytest.raises(SystemExit) as exit_:
        gpu_figures.main(["--from-data", "64", "--models", "cnn_fashion,alexnet"])
    assert exit_.value.code == 2
    assert "no arrays for alexnet" in capsys.readouterr().err

"""Faults with real processes: concurrent runs, a full disk (kills at each file event are in
test_kill_points.py)."""
import csv
import json
import os
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(
    not os.environ.get("ZOO_DATA_DIR"), reason="needs ZOO_DATA_DIR (the real datasets)")]

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")


def train(*argv):
    return subprocess.Popen([sys.executable, "-m", "zoo.cli", "train", *argv, "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)


def epochs_logged(run_dir):
    with open(run_dir / "history.csv") as f:
        return [int(row["epoch"]) for row in csv.DictReader(f)]


def assert_valid_finished_run(run_dir, epochs):
    from zoo.saving import load_model
    assert json.loads((run_dir / "status.json").read_text())["state"] == "finished"
    assert epochs_logged(run_dir) == list(range(epochs))
    assert json.loads((run_dir / "metrics.json").read_text())["epochs"] == epochs
    model = load_model(run_dir / "model.keras")
    assert model.name == "cnn_fashion"
    assert not [p for p in run_dir.iterdir() if p.name.startswith(".") and p.name != ".lock"]


def test_two_trainings_at_once_in_the_same_output_folder(tmp_path):
    argv = ["cnn_fashion", "--epochs", "1", "--subset", "600", "--output-dir", str(tmp_path)]
    first, second = train(*argv), train(*argv)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    runs = sorted((tmp_path / "cnn_fashion").iterdir())
    assert len(runs) == 2
    for run in runs:
        assert_valid_finished_run(run, 1)


def test_two_trainings_at_once_in_the_same_run_folder(tmp_path):
    run_dir = tmp_path / "run"
    argv = ["cnn_fashion", "--epochs", "2", "--subset", "600", "--run-dir", str(run_dir)]
    first = train(*argv)
    while not (run_dir / "status.json").exists():
        time.sleep(0.1)
    second = train(*argv)
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 2 and "Another process is training" in out
    assert first.wait(timeout=300) == 0
    assert_valid_finished_run(run_dir, 2)


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)]).returncode != 0:
        pytest.skip("needs root to mount a size-limited tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


def fill(disk):
    """Fill what is left of the disk."""
    with open(disk / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


def test_a_full_disk_gives_a_clear_error_and_keeps_the_last_checkpoint(tiny_disk):
    import numpy as np

    import zoo
    from zoo.training.checkpoint import WEIGHTS, latest
    run_dir = tiny_disk / "run"
    process = train("cnn_fashion", "--epochs", "5", "--subset", "1500", "--run-dir", str(run_dir))
    backup = run_dir / "backup" / "train"
    while not list(backup.glob("epoch-*")) and process.poll() is None:
        time.sleep(0.05)
    fill(tiny_disk)  # once the first checkpoint exists
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 2, out
    assert "disk is full" in out and "Traceback" not in out
    # The last good checkpoint is intact: every variable of the model reads back, finite.
    with np.load(latest(backup).path / WEIGHTS) as arrays:
        weights = [arrays[name] for name in arrays.files]
    assert len(weights) > len(zoo.build("cnn_fashion").variables)  # and the optimizer's
    assert all(np.isfinite(w).all() for w in weights if w.dtype.kind == "f")
    assert json.loads((run_dir / "status.json").read_text())["state"] in ("running", "failed")


def test_a_disk_full_from_the_start_is_one_line_and_exit_2(tiny_disk, free_kb=40):
    """With 40 KB (or 120 KB, 400 KB) free, HDF5 (Keras' weights and .keras files) used to crash the
    process with a segmentation fault; the space an epoch needs is now checked before it is
    written."""
    import shutil
    with open(tiny_disk / "filler", "wb") as f:
        f.write(b"\0" * max(0, shutil.disk_usage(tiny_disk).free - free_kb * 1024))
    process = train("linear_mnist", "--epochs", "2", "--subset", "256", "--run-dir",
                    str(tiny_disk / "run"))
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 2, out
    assert "disk is full" in out and "Traceback" not in out and "Segmentation" not in out


def test_a_search_on_a_full_disk_stops_and_its_rerun_runs_the_trial_again(tiny_disk, tmp_path):
    from benchmarks.kill_points import tiny_ucr
    data = tiny_ucr(tmp_path / "Tiny")
    search = tiny_disk / "search"
    argv = [sys.executable, "-m", "zoo.cli", "tune", "cnn1d_series", "--dataset", f"ucr:{data}",
            "--strategy", "random", "--max-trials", "2", "--epochs", "2", "--no-retrain",
            "--search-dir", str(search), "--quiet"]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=ENV)
    while not (search / "trials" / "trial_1").exists() and process.poll() is None:
        time.sleep(0.02)
    fill(tiny_disk)
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 2, out
    assert "disk is full" in out and "Traceback" not in out
    (tiny_disk / "filler").unlink()
    again = subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=300)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    with open(search / "trials.csv", newline="") as f:
        statuses = [row["status"] for row in csv.DictReader(f)]
    assert statuses == ["COMPLETED"] * 2


def raising_at_epoch_end(error):
    """A callback that raises `error` after the first epoch, as TensorBoard's summary writer does
    when it cannot flush its events to a full disk."""
    import keras

    class Raiser(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise error
    return Raiser()


@pytest.mark.parametrize("message, disk_full", [
    ("Failed to flush 3 events to run/tensorboard/train/events.out.tfevents; No space left on "
     "device", True),
    ("OOM when allocating tensor with shape[128,28,28,16]", False)])
def test_tensorflow_errors_are_taken_for_a_full_disk_only_when_they_say_so(tmp_path, message,
                                                                            disk_full):
    # TensorFlow's ResourceExhaustedError is not an OSError: the summary writer's full disk must
    # still give the clear error, and any other exhaustion (memory) must pass through unchanged.
    import tensorflow as tf

    from zoo.errors import RunError
    import zoo
    error = tf.errors.ResourceExhaustedError(None, None, message)
    expected = RunError if disk_full else tf.errors.ResourceExhaustedError
    with pytest.raises(expected) as raised:
        zoo.train("cnn_fashion", epochs=2, subset=512, run_dir=str(tmp_path / "run"), verbose=2,
                  callbacks=[raising_at_epoch_end(error)])
    assert ("disk is full" in str(raised.value)) == disk_full
    assert "OOM" in str(raised.value) or disk_full

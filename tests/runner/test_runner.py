"""The training runner: resume after a real SIGKILL, distribution strategies, run folders."""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(
    not os.environ.get("ZOO_DATA_DIR"), reason="needs ZOO_DATA_DIR (the real datasets)")]

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")


def train(*argv, env=ENV, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "zoo.cli", "train", *argv, "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            **kwargs)


def epochs_logged(run_dir):
    path = run_dir / "history.csv"
    if not path.exists():
        return []
    with open(path) as f:
        return [int(row["epoch"]) for row in csv.DictReader(f)]


def test_a_killed_run_resumes_from_its_last_finished_epoch(tmp_path):
    run_dir = tmp_path / "run"
    argv = ["cnn_fashion", "--epochs", "4", "--subset", "3000", "--run-dir", str(run_dir)]
    first = train(*argv)
    deadline = time.time() + 240
    while len(epochs_logged(run_dir)) < 2 and time.time() < deadline and first.poll() is None:
        time.sleep(0.2)
    assert first.poll() is None, first.stdout.read()
    first.send_signal(signal.SIGKILL)
    first.wait()
    done_before = epochs_logged(run_dir)
    assert 2 <= len(done_before) < 4
    status = json.loads((run_dir / "status.json").read_text())
    assert status["state"] == "running"  # killed: never marked finished
    assert not (run_dir / "metrics.json").exists()

    second = train(*argv)
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0, out
    assert "Resuming the unfinished run" in out
    assert epochs_logged(run_dir) == [0, 1, 2, 3]  # no epoch lost, none logged twice
    assert json.loads((run_dir / "status.json").read_text())["state"] == "finished"
    assert json.loads((run_dir / "metrics.json").read_text())["epochs"] == 4


def test_a_finished_run_is_never_overwritten(tmp_path):
    run_dir = tmp_path / "run"
    argv = ["linear_mnist", "--epochs", "1", "--subset", "512", "--run-dir", str(run_dir)]
    assert train(*argv).wait(timeout=300) == 0
    model_bytes = (run_dir / "model.keras").read_bytes()
    again = train(*argv)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 2 and "finished run" in out
    assert (run_dir / "model.keras").read_bytes() == model_bytes


def test_same_command_again_starts_a_new_run_once_finished(tmp_path):
    argv = ["linear_mnist", "--epochs", "1", "--subset", "512", "--output-dir", str(tmp_path)]
    assert train(*argv).wait(timeout=300) == 0
    assert train(*argv).wait(timeout=300) == 0
    assert len(list((tmp_path / "linear_mnist").iterdir())) == 2


def final_accuracy(out):
    line = [l for l in out.splitlines() if l.startswith("linear_mnist: test")][-1]
    return float(line.split("accuracy ")[1].split(",")[0])


def test_mirrored_on_two_cpu_devices_agrees_with_one_device(tmp_path):
    common = ["linear_mnist", "--epochs", "2", "--subset", "4096", "--batch-size", "64"]
    single = train(*common, "--output-dir", str(tmp_path / "single"))
    out_single, _ = single.communicate(timeout=300)
    mirrored = train(*common, "--distribute", "mirrored", "--cpu-devices", "2",
                     "--output-dir", str(tmp_path / "mirrored"))
    out_mirrored, _ = mirrored.communicate(timeout=300)
    assert single.returncode == 0 and mirrored.returncode == 0, out_mirrored
    assert "MirroredStrategy over 2 replicas" in out_mirrored
    assert abs(final_accuracy(out_single) - final_accuracy(out_mirrored)) < 0.03


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_workers(tmp_path, epochs):
    """Two `zoo train --distribute multiworker` processes on loopback, one run folder each."""
    ports = [free_port(), free_port()]
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    common = ["linear_mnist", "--epochs", str(epochs), "--subset", "4096", "--batch-size", "64",
              "--distribute", "multiworker"]
    workers = []
    for index in range(2):
        env = dict(ENV, TF_CONFIG=json.dumps({"cluster": cluster,
                                              "task": {"type": "worker", "index": index}}))
        workers.append(train(*common, "--run-dir", str(tmp_path / f"worker{index}"), env=env))
    return workers


def test_multiworker_with_two_processes_on_loopback(tmp_path):
    workers = start_workers(tmp_path, epochs=2)
    outs = [w.communicate(timeout=400)[0] for w in workers]
    # Keras 3's fit() fails here without zoo.distribute's workaround (keras-team/keras#20585).
    assert [w.returncode for w in workers] == [0, 0], outs
    assert all("MultiWorkerMirroredStrategy over 2 replicas" in out for out in outs)
    # Only the chief (worker 0) writes the outputs; the other keeps what it needs to resume.
    assert (tmp_path / "worker0" / "model.keras").exists()
    assert sorted(p.name for p in (tmp_path / "worker1").iterdir()) == [
        ".lock", "backup", "config.json", "status.json"]
    single = train("linear_mnist", "--epochs", "2", "--subset", "4096", "--batch-size", "64",
                   "--output-dir", str(tmp_path / "single"))
    out_single, _ = single.communicate(timeout=300)
    chief = json.loads((tmp_path / "worker0" / "metrics.json").read_text())
    assert abs(chief["test"]["accuracy"] - final_accuracy(out_single)) < 0.03


def test_multiworker_workers_that_would_resume_at_different_epochs_are_refused(tmp_path):
    """Each worker restores its own backup: a kill between their end-of-epoch backups leaves them
    an epoch apart, and fit's collectives then fail (both exit 1 with a traceback without the
    check). Both must stop with a clear line before training."""
    workers = start_workers(tmp_path, epochs=6)
    deadline = time.time() + 300
    while len(epochs_logged(tmp_path / "worker0")) < 2 and time.time() < deadline:
        assert all(w.poll() is None for w in workers), workers[0].stdout.read()
        time.sleep(0.2)
    for worker in workers:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    shutil.rmtree(tmp_path / "worker1" / "backup")  # worker 1 would start over, worker 0 not
    again = start_workers(tmp_path, epochs=6)
    outs = [w.communicate(timeout=300)[0] for w in again]
    assert [w.returncode for w in again] == [2, 2], outs
    assert all("resume train from different epochs" in out and "Traceback" not in out
               for out in outs), outs


def test_ema_validates_and_keeps_the_averaged_weights(tmp_path):
    """With --ema, validation is scored with the weights' moving average and that average is the
    model saved: the last epoch's val_accuracy is what model.keras scores on the validation split.
    (Without the swap, validation would score the raw weights and the saved model the average.)"""
    import keras
    import zoo.data
    from zoo.training.config import data_arguments
    run_dir = tmp_path / "run"
    proc = train("linear_mnist", "--epochs", "2", "--subset", "2048", "--ema", "0.9",
                 "--learning-rate", "0.01", "--run-dir", str(run_dir))
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    config = json.loads((run_dir / "config.json").read_text())
    assert config["ema"] == 0.9
    with open(run_dir / "history.csv") as f:
        logged = float(list(csv.DictReader(f))[-1]["val_accuracy"])
    splits = zoo.data.load("mnist", subset=2048, **data_arguments(config))
    model = keras.models.load_model(run_dir / "model.keras")
    assert model.optimizer.use_ema
    scored = model.evaluate(splits.validation, verbose=0, return_dict=True)["accuracy"]
    assert scored == pytest.approx(logged, abs=1e-6)

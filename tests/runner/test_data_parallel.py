"""--distribute data: keras.distribution.DataParallel on JAX, over 2 CPU devices in one process
and over 2 processes on loopback (keras.distribution.initialize), against one device; a process
killed with SIGKILL stops the other in one line, and running both again resumes."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("jax")
pytestmark = [pytest.mark.realdata, pytest.mark.slow, pytest.mark.skipif(
    not os.environ.get("ZOO_DATA_DIR"), reason="needs ZOO_DATA_DIR (the real datasets)")]

JAX = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="2",
           PYTHONUNBUFFERED="1")
COMMON = ["linear_mnist", "--epochs", "6", "--subset", "4000", "--batch-size", "64", "--quiet"]


def train(*argv):
    return subprocess.Popen([sys.executable, "-m", "zoo.cli", "train", *COMMON, *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=JAX)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes(folder, port, *argv):
    return [train("--distribute", "data", "--coordinator", f"127.0.0.1:{port}",
                  "--num-processes", "2", "--process-id", str(i), "--run-dir",
                  str(folder / f"process{i}"), *argv) for i in (0, 1)]


def finished(*procs, timeout=400):
    outs = [p.communicate(timeout=timeout)[0] for p in procs]
    return [p.returncode for p in procs], outs


def accuracy_of(run_dir):
    return json.loads((run_dir / "metrics.json").read_text())["test"]["accuracy"]


def epochs_logged(run_dir):
    from zoo.errors import RunError
    from zoo.reports.curves import read_history
    try:
        return [int(epoch) for epoch in read_history(run_dir)["epoch"]]
    except RunError:  # not written yet
        return []


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One device and two devices in one process, side by side."""
    folder = tmp_path_factory.mktemp("reference")
    one = train("--run-dir", str(folder / "one"))
    two = train("--distribute", "data", "--cpu-devices", "2", "--run-dir", str(folder / "two"))
    codes, outs = finished(one, two)
    assert codes == [0, 0], outs
    assert "DataParallel over 2 devices" in outs[1]
    return {"one": accuracy_of(folder / "one"), "two": accuracy_of(folder / "two")}


def test_two_devices_agree_with_one(reference):
    # The same global batches, each split over two devices; the partial last batch of each
    # epoch is dropped (56 of 57 steps), hence not identical (0.8535 and 0.8530 after 2 epochs).
    assert abs(reference["two"] - reference["one"]) < 0.01, reference


def test_two_processes_train_as_two_devices_and_resume_after_a_kill(tmp_path, reference):
    folder = tmp_path / "killed"
    first = processes(folder, free_port())
    deadline = time.time() + 300
    while not epochs_logged(folder / "process0") and time.time() < deadline:
        assert all(p.poll() is None for p in first), first[0].stdout.read()
        time.sleep(0.1)
    time.sleep(0.5)  # into a later epoch: past both processes' end-of-epoch checkpoints
    first[1].send_signal(signal.SIGKILL)
    first[1].wait()
    code = first[0].wait(timeout=120)  # a collective fails at once; JAX's exit would hang
    out = first[0].stdout.read()
    assert code == 2, out
    assert "Another process of this 2-process run stopped" in out and "Traceback" not in out

    # The hardest resume, made certain: process 1 as if killed before its first checkpoint, so
    # that process 0 rewinds to epoch 0; and process 0 holding a best.json that no epoch beats,
    # as an earlier phase or version leaves (seen in CI: process 0 then took no best model where
    # process 1 did, and Keras' save and set_weights are collectives under the distribution, so
    # both failed; now, restoring none, every process starts the first phase from no best).
    for checkpoint in (folder / "process1" / "backup" / "train").glob("epoch-*"):
        shutil.rmtree(checkpoint)
    (folder / "process0" / "best.json").write_text(
        json.dumps({"monitor": "val_loss", "value": 0.0, "epoch": 1}))

    codes, outs = finished(*processes(folder, free_port()))
    assert codes == [0, 0], outs
    assert "Resuming the unfinished run" in outs[0], outs
    assert "Resuming from epoch 0, where every process of the run has a checkpoint" in outs[0]
    assert epochs_logged(folder / "process0") == list(range(6))  # none lost, none twice
    assert json.loads((folder / "process0" / "best.json").read_text())["value"] > 0
    # Process 0 writes the outputs; process 1 keeps what it needs to resume.
    assert sorted(p.name for p in (folder / "process1").iterdir()) == [
        ".lock", "backup", "config.json", "status.json"]
    # Two processes split each batch as two devices of one process do.
    assert abs(accuracy_of(folder / "process0") - reference["two"]) < 0.01


def test_a_data_parallel_run_is_refused_where_it_cannot_run(tmp_path):
    """One line and exit 2, before any folder: on TensorFlow, with a batch that does not split
    over the devices, with part of the multi-process options."""
    tf_env = dict(JAX, KERAS_BACKEND="tensorflow")
    cases = [
        (tf_env, ["--distribute", "data"], "KERAS_BACKEND=jax"),
        (JAX, ["--distribute", "data", "--cpu-devices", "2", "--batch-size", "63"],
         "does not divide over 2 devices"),
        (JAX, ["--distribute", "data", "--coordinator", "127.0.0.1:1234"],
         "num_processes, process_id not given"),
        (JAX, ["--coordinator", "127.0.0.1:1234", "--num-processes", "2", "--process-id", "0"],
         "this run has distribute='none'"),
        (JAX, ["--distribute", "data", "--coordinator", "127.0.0.1:1234", "--num-processes", "2",
               "--process-id", "2"], "process_id must be an integer from 0 to"),
    ]
    for env, argv, message in cases:
        run_dir = tmp_path / "run"
        done = subprocess.run([sys.executable, "-m", "zoo.cli", "train", *COMMON, *argv,
                               "--run-dir", str(run_dir)], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 2, (argv, done.stdout[-2000:], done.stderr[-2000:])
        # TensorFlow prints start-up lines on stderr that no setting silences.
        errors = [l for l in done.stderr.splitlines() if l.startswith("zoo ") and "error:" in l]
        assert len(errors) == 1 and message in errors[0], (argv, done.stderr[-2000:])
        assert "Traceback" not in done.stderr
        assert not run_dir.exists(), argv  # a run that fails before its first epoch leaves none

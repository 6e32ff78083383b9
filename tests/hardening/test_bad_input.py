"""Bad input over the command line and the Python API, gathered in one place: each gives one
clear error line (exit status 2 at the command line) and leaves no half-written output."""
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import zoo

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
SHARED = os.environ.get("ZOO_DATA_DIR")
needs_data = pytest.mark.skipif(not SHARED, reason="needs ZOO_DATA_DIR (the real datasets)")


def run_cli(*argv, cwd):
    before = set(Path(cwd).rglob("*"))
    done = subprocess.run([sys.executable, "-m", "zoo.cli", *argv], capture_output=True,
                          text=True, env=ENV, cwd=cwd, timeout=300)
    done.written = set(Path(cwd).rglob("*")) - before
    return done


def assert_clear_error(done, words, tmp_path):
    assert done.returncode == 2, (done.stdout[-2000:], done.stderr[-2000:])
    # TensorFlow prints start-up lines on stderr that no setting silences; the zoo's is one line.
    errors = [l for l in done.stderr.splitlines() if l.startswith("zoo ") and "error:" in l]
    assert len(errors) == 1 and words in errors[0], done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert not done.written, done.written  # nothing written, not even an empty run folder


# Options of `zoo train` that are refused before any data is read.
@pytest.mark.parametrize("argv, words", [
    (["train", "alexnet"], "Unknown model 'alexnet'"),
    (["train", "cnn_fashion", "--epochs", "0"], "epochs=0"),
    (["train", "cnn_fashion", "--batch-size", "-1"], "batch_size=-1"),
    (["train", "cnn_fashion", "--learning-rate", "0"], "learning_rate=0.0"),
    (["train", "cnn_fashion", "--validation-fraction", "1.5"], "validation_fraction=1.5"),
    (["train", "cnn_fashion", "--subset", "0"], "subset=0"),
    (["train", "cnn_fashion", "--seed", "-3"], "seed=-3"),
    (["train", "cnn_fashion", "--seed", "4294967296"], "from 0 to 4294967295"),
    (["train", "cnn_fashion", "--learning-rate", "inf"], "learning_rate=inf"),
    (["train", "cnn_fashion", "--data", "batch_size=abc"], "use --batch-size"),
    (["tune", "cnn_fashion", "--dataset", "bogus"], "Unknown dataset 'bogus'"),
    (["tune", "cnn_fashion", "--objective", "val_bogus"], "reports val_loss, val_accuracy"),
    (["tune", "cnn_fashion", "--seed", "4294967296"], "from 0 to 4294967295"),
    (["train", "cnn_fashion", "--patience", "0"], "patience=0"),
    (["train", "cnn_fashion", "--ema", "1.5"], "ema=1.5"),
    (["train", "cnn_fashion", "--cpu-devices", "0"], "cpu_devices=0"),
    (["train", "cnn_fashion", "--set", "nosuch=1"], "no argument 'nosuch'"),
    (["train", "cnn_fashion", "--set", "dropout"], "write NAME=VALUE"),
    (["train", "cnn_fashion", "--data", "image_size"], "write NAME=VALUE"),
    (["info", "cnn_fasion"], "Did you mean 'cnn_fashion'"),
    (["evaluate", "no/such/run"], "does not exist"),
    (["analyze", "no/such/run"], "no/such/run"),
])
def test_refused_before_anything_runs(argv, words, tmp_path):
    assert_clear_error(run_cli(*argv, cwd=tmp_path), words, tmp_path)


@needs_data
@pytest.mark.parametrize("argv, words", [
    (["train", "cnn_fashion", "--set", "dropout=2"], "dropout=2"),
    (["train", "cnn_fashion", "--set", "filters=0"], "filters=0"),
    (["train", "cnn_fashion", "--augment", "sideways"], "sideways"),
    (["train", "cnn_fashion", "--dataset", "forda"], "(500, 1)"),        # wrong shape
    (["train", "cnn1d_series", "--dataset", "forda", "--set", "num_classes=3"], "classes"),
    (["train", "cnn_fashion", "--dataset", "nosuchset"], "Unknown dataset 'nosuchset'"),
])
def test_refused_before_training(argv, words, tmp_path):
    done = run_cli(*argv, "--subset", "64", "--epochs", "1", "--output-dir", "runs",
                   cwd=tmp_path)
    assert_clear_error(done, words, tmp_path)


def copy_dataset(tmp_path, name):
    folder = tmp_path / "data" / name
    shutil.copytree(Path(SHARED) / name, folder)
    return folder


@needs_data
def test_a_truncated_data_file_is_named(tmp_path):
    folder = copy_dataset(tmp_path, "fashion_mnist")
    victim = folder / "train-labels-idx1-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[:5000])
    done = run_cli("train", "cnn_fashion", "--data-dir", str(tmp_path / "data"), "--epochs",
                   "1", "--output-dir", "runs", cwd=tmp_path)
    assert_clear_error(done, "train-labels-idx1-ubyte.gz", tmp_path)


@needs_data
def test_a_corrupt_data_file_is_named(tmp_path):
    folder = copy_dataset(tmp_path, "forda")
    (folder / "FordA_TEST.tsv.gz").write_bytes(gzip.compress(b"1\t0.5\tnot-a-number\n"))
    done = run_cli("train", "cnn1d_series", "--data-dir", str(tmp_path / "data"), "--epochs",
                   "1", "--output-dir", "runs", cwd=tmp_path)
    assert_clear_error(done, "FordA_TEST.tsv.gz", tmp_path)


def test_a_model_file_that_is_not_a_model(tmp_path):
    (tmp_path / "fake.keras").write_text("hello")
    assert_clear_error(run_cli("evaluate", "fake.keras", cwd=tmp_path), "not a Keras model",
                       tmp_path)


def test_an_empty_folder_as_a_run(tmp_path):
    (tmp_path / "empty").mkdir()
    assert_clear_error(run_cli("evaluate", "empty", cwd=tmp_path), "has no model.keras",
                       tmp_path)


# The same mistakes through the Python API raise zoo's errors, with the same messages.
@pytest.mark.parametrize("call, error", [
    (lambda: zoo.build("cnn_fasion"), zoo.UnknownNameError),
    (lambda: zoo.build("cnn_fashion", dropout="high"), zoo.InvalidArgumentError),
    (lambda: zoo.build("cnn_fashion", filters=2.5), zoo.InvalidArgumentError),
    (lambda: zoo.build("cnn_fashion", batchnorm="yes"), zoo.InvalidArgumentError),
    (lambda: zoo.build("vgg16_transfer", weights="/no/such/file.h5"), zoo.WeightsUnavailableError),
    (lambda: zoo.list_models(task="ranking"), zoo.InvalidArgumentError),
])
def test_python_api_errors(call, error):
    with pytest.raises(error):
        call()


def test_a_tf_distribute_strategy_under_jax_is_refused_before_anything_is_made(tmp_path):
    import os
    import subprocess
    import sys
    import pytest
    pytest.importorskip("jax")
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-m", "zoo.cli", "train", "linear_mnist", "--distribute",
                           "mirrored", "--output-dir", str(tmp_path / "out")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "is a tf.distribute strategy, which the jax backend does not use" in done.stderr
    assert not (tmp_path / "out").exists()

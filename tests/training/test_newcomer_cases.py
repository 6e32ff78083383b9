"""What a newcomer ran into, each now the behaviour a user expects (in-process, tiny data)."""
import json
import os
import subprocess
import sys
import warnings

import pytest

import zoo
from zoo import cli


def test_a_log_written_to_a_file_has_one_line_per_epoch_and_no_warning(ucr_folder, tmp_path,
                                                                       capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = cli.main(["train", "cnn1d_series", "--dataset", f"ucr:{ucr_folder}",
                         "--epochs", "3", "--output-dir", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    epoch_lines = [line for line in out.splitlines() if line.startswith("epoch ")]
    assert [line.split(" - ")[0] for line in epoch_lines] == ["epoch 1/3", "epoch 2/3",
                                                             "epoch 3/3"]
    assert "\r" not in out and "\x1b" not in out and "\x08" not in out
    assert not [w for w in caught if "shuffle" in str(w.message)]


def test_averaging_can_be_switched_off_from_the_command_line():
    import argparse

    from zoo.commandline import add_arguments, given_options
    parser = add_arguments(argparse.ArgumentParser())
    for text in ("none", "off", "0"):
        options = given_options(parser.parse_args(["--ema", text]), zoo.recipe("cnn_fashion"))
        assert zoo.recipe("cnn_fashion").replace(**options).validate().ema is None
    with pytest.raises(SystemExit):
        parser.parse_args(["--ema", "banana"])


def test_restored_weights_say_which_epoch_they_are_from(ucr_folder, tmp_path, capsys):
    # A rate this high makes the validation loss jump around: early stopping (patience 3) stops
    # the run some epochs after its best one and restores that epoch's weights.
    result = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=30, patience=3,
                       learning_rate=0.05, output_dir=str(tmp_path), verbose=0)
    history = result.history["val_loss"]
    best = int(history.argmin()) + 1
    assert result.metrics["weights_of_epoch"] == best < result.metrics["epochs"] == len(history)
    assert f"after {len(history)} epochs (weights of epoch {best})" in capsys.readouterr().out


def test_a_model_evaluated_on_another_dataset_is_warned_about(ucr_folder, tmp_path, capsys):
    from tests.training.conftest import write_ucr
    result = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=1,
                       output_dir=str(tmp_path), verbose=0)
    other = write_ucr(tmp_path / "Other", "Other", seed=1)
    capsys.readouterr()
    assert cli.main(["evaluate", str(result.run_dir), "--dataset", f"ucr:{other}"]) == 0
    err = capsys.readouterr().err
    assert "was trained on ucr:" in err and "evaluated on ucr:" in err
    assert cli.main(["evaluate", str(result.run_dir)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_zoo_runs_lists_past_runs_newest_first(ucr_folder, tmp_path, capsys):
    zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=1, output_dir=str(tmp_path),
              verbose=0)
    zoo.train("lstm_series", dataset=f"ucr:{ucr_folder}", epochs=1, output_dir=str(tmp_path),
              verbose=0)
    capsys.readouterr()
    assert cli.main(["runs", "--output-dir", str(tmp_path), "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [r["model"] for r in runs] == ["lstm_series", "cnn1d_series"]
    assert runs[0]["state"] == "finished" and runs[0]["epochs"] == 1
    assert "accuracy" in runs[0]["test"] and runs[0]["dataset"].startswith("ucr:")
    assert cli.main(["runs", "cnn1d_*", "--output-dir", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    assert "cnn1d_series" in table and "lstm_series" not in table


def test_train_help_shows_the_recipes_own_values(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "cnn_fashion", "--help"])
    out = capsys.readouterr().out
    assert "[recipe: adam]" in out and "[recipe: 0.003]" in out and "[recipe: 0.99]" in out


def test_a_backend_that_is_not_installed_is_one_line_and_leaves_nothing(tmp_path):
    env = dict(os.environ, KERAS_BACKEND="no_such_backend_xyz", TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, "-m", "zoo.cli", "train", "linear_mnist", "--epochs",
                           "1", "--output-dir", str(tmp_path / "runs")], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 2, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "backend" in errors[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "runs").exists()


def test_sigterm_says_in_one_line_how_to_resume_and_the_rerun_finishes(ucr_folder, tmp_path):
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    argv = [sys.executable, "-m", "zoo.cli", "train", "cnn1d_series", "--dataset",
            f"ucr:{ucr_folder}", "--epochs", "200", "--run-dir", str(tmp_path / "run"), "--quiet",
            # no early stop: on a fast machine the tiny set stopped before the signal came
            "--patience", "100000"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    process = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               text=True, env=env)
    status = tmp_path / "run" / "status.json"
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if status.exists() and json.loads(status.read_text() or "{}").get("epochs_done", 0) >= 1:
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    lines = [line for line in err.splitlines() if line.startswith("zoo train")]
    assert process.returncode == 143, err[-2000:]
    assert lines == ["zoo train: interrupted (SIGTERM): run the same command again to resume "
                     "from the last finished epoch or trial."]
    saved = json.loads(status.read_text())
    assert saved["state"] == "interrupted" and saved["epochs_done"] >= 1
    done = subprocess.run(argv[:8] + ["3"] + argv[9:], capture_output=True, text=True, env=env)
    # another epoch count is another run: refused with the difference named
    assert done.returncode == 2 and "epochs 200 there, 3 now" in done.stderr

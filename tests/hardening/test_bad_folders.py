"""Folders the zoo cannot write in (a file, a link to nothing, a loop of links, a pseudo-file
system, a read-only place) and addresses it cannot use: one error line, exit status 2, nothing
written. In-process through zoo.cli.main (the command line's own error handling)."""
import os
from pathlib import Path

import pytest

import zoo.cli

TRAIN = ["train", "linear_mnist", "--epochs", "1", "--subset", "64"]
TUNE = ["tune", "linear_mnist", "--max-trials", "1", "--subset", "64"]


@pytest.fixture
def place(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("afile").write_text("not a folder")
    os.symlink(tmp_path / "nowhere", "dangling")
    os.symlink("loop", "loop")
    return tmp_path


def _listing(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


@pytest.mark.parametrize("argv, words", [
    (TRAIN + ["--output-dir", "afile"], "output_dir afile is a file, not a folder"),
    (TRAIN + ["--output-dir", "afile/sub"], "which is a file, not a folder"),
    (TRAIN + ["--output-dir", "dangling"], "output_dir dangling is a symbolic link to nothing"),
    (TRAIN + ["--output-dir", "loop"], "output_dir loop is a symbolic link to nothing (or a loop"),
    (TRAIN + ["--output-dir", "/proc/self/x"], "is on a pseudo-file system"),
    (TRAIN + ["--run-dir", "afile"], "run_dir afile is a file, not a folder"),
    (TUNE + ["--search-dir", "afile"], "search_dir afile is a file, not a folder"),
    (TUNE + ["--search-dir", "loop"], "search_dir loop is a symbolic link to nothing"),
    (TUNE + ["--output-dir", "/proc/self/x"], "output_dir /proc/self/x is on a pseudo-file"),
    (TUNE + ["--oracle-address", "127.0.0.1:99999"],
     "the port must be a whole number from 0 to 65535"),
    (["toys", "--out-dir", "afile"], "--out-dir afile is a file, not a folder"),
    (["analyze", "runs/x", "--out-dir", "dangling"], "--out-dir dangling is a symbolic link"),
    (["analyze", "runs/x", "--labels", "a", "b"], "--labels names the runs of --compare"),
])
def test_a_folder_that_cannot_be_written_is_one_line(argv, words, place, capsys):
    before = _listing(place)
    code = zoo.cli.main(argv)
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("zoo ")]
    assert code == 2 and len(err) == 1 and words in err[0], err
    assert _listing(place) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_read_only_folder_is_refused(place, capsys):
    Path("readonly").mkdir()
    os.chmod("readonly", 0o555)
    code = zoo.cli.main(TRAIN + ["--output-dir", "readonly"])
    err = capsys.readouterr().err
    assert code == 2 and "readonly is not writable" in err


@pytest.mark.parametrize("variable, value, words", [
    ("KERASTUNER_ORACLE_PORT", "abc", "KERASTUNER_ORACLE_PORT='abc' is invalid"),
])
def test_a_bad_distribution_variable_is_one_line(variable, value, words, place, monkeypatch,
                                                 capsys):
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", "127.0.0.1")
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "worker0")
    monkeypatch.setenv(variable, value)
    before = _listing(place)
    code = zoo.cli.main(TUNE)
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("zoo ")]
    assert code == 2 and len(err) == 1 and words in err[0], err
    assert _listing(place) == before


@pytest.mark.parametrize("value, words", [
    ("{garbage", "TF_CONFIG is not JSON"),
    ("[1, 2]", 'TF_CONFIG must be a JSON object with "cluster" and "task"'),
])
def test_tf_config_that_cannot_be_read_is_one_line(value, words, place, monkeypatch, capsys):
    monkeypatch.setenv("TF_CONFIG", value)
    before = _listing(place)
    code = zoo.cli.main(TRAIN + ["--distribute", "multiworker"])
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("zoo ")]
    assert code == 2 and len(err) == 1 and words in err[0], err
    assert _listing(place) == before

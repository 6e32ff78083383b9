"""The run folder's rules, in-process and without Keras: new, resumed, refused, cleaned up."""
import json
import sys

import pytest

from zoo.errors import RunError
from zoo.training.run_folder import RunFolder, is_finished


def test_a_new_run_gets_a_new_timestamped_folder_each_time(tmp_path):
    first = RunFolder.open(tmp_path, "m", fingerprint="f1")
    second = RunFolder.open(tmp_path, "m", fingerprint="f1", new_run=True)
    assert first.path.parent == second.path.parent == tmp_path / "m"
    assert first.path != second.path and not first.resumed


def test_an_unfinished_run_of_the_same_fingerprint_is_resumed(tmp_path):
    folder = RunFolder.open(tmp_path, "m", fingerprint="f1")
    with folder:
        folder.write_config({"fingerprint": "f1"})
        folder.epoch_done(2)
    again = RunFolder.open(tmp_path, "m", fingerprint="f1")
    assert again.path == folder.path and again.resumed and again.epochs_done == 2
    other = RunFolder.open(tmp_path, "m", fingerprint="f2")
    assert other.path != folder.path


def test_a_start_killed_before_writing_anything_is_reused_not_duplicated(tmp_path):
    killed = tmp_path / "m" / "20261129-100000"
    killed.mkdir(parents=True)
    (killed / ".lock").write_text("")  # killed while Keras was being imported
    again = RunFolder.open(tmp_path, "m", fingerprint="f1")
    assert again.path == killed and not again.resumed
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["20261129-100000"]


def test_temporary_files_of_a_cut_write_are_removed_on_the_next_start(tmp_path):
    folder = RunFolder.open(tmp_path, "m", fingerprint="f1")
    with folder:
        folder.write_config({"fingerprint": "f1"})
        folder.epoch_done(1)
    (folder.path / ".model.keras.a1b2c3.keras").write_bytes(b"half")
    (folder.path / ".status.json.x9y8.json").write_text("{")
    with RunFolder.open(tmp_path, "m", fingerprint="f1") as again:
        assert sorted(p.name for p in again.path.glob(".*")) == [".lock"]
        assert again.epochs_done == 1


def test_a_symbolic_link_inside_a_run_folder_is_refused_and_its_target_untouched(tmp_path):
    folder = RunFolder.open(tmp_path, "m", fingerprint="f1")
    with folder:
        folder.write_config({"fingerprint": "f1"})
        folder.epoch_done(1)
    elsewhere = tmp_path / "precious.csv"
    elsewhere.write_text("keep me\n")
    (folder.path / "history.csv").symlink_to(elsewhere)
    with pytest.raises(RunError, match="history.csv is a symbolic link"):
        with RunFolder.open(tmp_path, "m", fingerprint="f1"):
            pass
    assert elsewhere.read_text() == "keep me\n"


def test_a_finished_run_is_never_reopened(tmp_path):
    folder = RunFolder.open(tmp_path, "m", fingerprint="f1")
    with folder:
        folder.write_config({"fingerprint": "f1"})
        folder.write_status("finished")
    assert is_finished(folder.path)
    assert RunFolder.open(tmp_path, "m", fingerprint="f1").path != folder.path
    with pytest.raises(RunError, match="finished run"):
        RunFolder.open(tmp_path, "m", fingerprint="f1", run_dir=folder.path)


def test_a_run_failing_before_its_first_epoch_leaves_nothing(tmp_path):
    folder = RunFolder.open(tmp_path / "out", "m", fingerprint="f1")
    with pytest.raises(ValueError):
        with folder:
            folder.write_status("running")
            raise ValueError("bad data")
    assert not (tmp_path / "out").exists()


def test_a_run_failing_later_is_marked_failed_and_kept(tmp_path):
    folder = RunFolder.open(tmp_path, "m", fingerprint="f1")
    with pytest.raises(ValueError):
        with folder:
            folder.epoch_done(1)
            raise ValueError("diverged")
    status = json.loads((folder.path / "status.json").read_text())
    assert status["state"] == "failed" and "diverged" in status["error"]
    assert status["epochs_done"] == 1 and status["wall_time_s"] >= 0


def test_a_run_in_progress_is_not_resumed_by_a_second_process(tmp_path):
    folder = RunFolder.open(tmp_path, "m", fingerprint="f1")
    with folder:
        folder.write_config({"fingerprint": "f1"})
        folder.epoch_done(1)
        assert RunFolder.open(tmp_path, "m", fingerprint="f1").path != folder.path
    assert RunFolder.open(tmp_path, "m", fingerprint="f1").path == folder.path  # now interrupted


def test_a_folder_in_use_is_refused(tmp_path):
    folder = RunFolder.open(tmp_path, "m", fingerprint="f1", run_dir=tmp_path / "run")
    with folder:
        folder.epoch_done(1)
        with pytest.raises(RunError, match="Another process"):
            with RunFolder.open(tmp_path, "m", fingerprint="f1", run_dir=tmp_path / "run"):
                pass


def test_the_run_folder_imports_no_keras():
    import subprocess
    code = ("import sys, zoo.training.run_folder, zoo.training.config; "
            "print('keras' in sys.modules or 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

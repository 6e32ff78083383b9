"""The runner's repairs before a resume: a corrupt backup record and duplicated history rows."""
import csv
import json

import h5py

from zoo.training.callbacks import repair_backup, trim_history


def write_weights(path, tag):
    with h5py.File(path, "w") as f:
        f.attrs["tag"] = tag


def tag_of(path):
    with h5py.File(path, "r") as f:
        return f.attrs["tag"]


def make_phase(root, metadata_text, previous=None, weights=True):
    phase = root / "train"
    phase.mkdir(parents=True)
    (phase / "training_metadata.json").write_text(metadata_text)
    if weights:
        write_weights(phase / "latest.weights.h5", "current")
    if previous is not None:
        (phase / "training_metadata.json.bkp").write_text(previous)
        write_weights(phase / "latest.weights.h5.bkp", "previous")
    return phase


def test_a_corrupt_record_is_replaced_by_its_previous_copy(tmp_path):
    phase = make_phase(tmp_path, '{"epoch": 3, "ba', previous='{"epoch": 2, "batch": 0}')
    repair_backup(tmp_path)
    assert json.loads((phase / "training_metadata.json").read_text())["epoch"] == 2
    assert tag_of(phase / "latest.weights.h5") == "previous"


def test_a_corrupt_record_without_a_copy_drops_the_phase(tmp_path):
    phase = make_phase(tmp_path, "")
    repair_backup(tmp_path)
    assert not phase.exists()


def test_a_sound_record_is_left_alone(tmp_path):
    phase = make_phase(tmp_path, '{"epoch": 3, "batch": 0}', previous='{"epoch": 2, "batch": 0}')
    repair_backup(tmp_path)
    assert tag_of(phase / "latest.weights.h5") == "current"


def test_weights_cut_short_in_the_first_epoch_drop_the_phase(tmp_path):
    """Killed while the first backup's weights were written: no .bkp yet, and Keras' own
    recovery needs one; the phase is redone instead of failing every resume."""
    phase = tmp_path / "train"
    phase.mkdir()
    write_weights(phase / "latest.weights.h5", "current")
    data = (phase / "latest.weights.h5").read_bytes()
    (phase / "latest.weights.h5").write_bytes(data[:100])
    repair_backup(tmp_path)
    assert not phase.exists()


def test_weights_cut_short_later_fall_back_to_the_previous_pair(tmp_path):
    phase = make_phase(tmp_path, '{"epoch": 3, "batch": 0}', previous='{"epoch": 2, "batch": 0}')
    (phase / "latest.weights.h5").write_bytes(b"")
    repair_backup(tmp_path)
    assert tag_of(phase / "latest.weights.h5") == "previous"
    assert json.loads((phase / "training_metadata.json").read_text())["epoch"] == 2


def test_history_rows_after_the_last_backed_up_epoch_are_dropped(tmp_path):
    make_phase(tmp_path / "backup", '{"epoch": 2, "batch": 0}')
    history = tmp_path / "history.csv"
    history.write_text("epoch,loss\n0,1.0\n1,0.8\n2,0.7\n")  # epoch 2 logged, not backed up
    trim_history(history, tmp_path / "backup")
    with open(history) as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1"]

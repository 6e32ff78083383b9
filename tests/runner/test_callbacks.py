"""The runner's repairs before a resume: a corrupt backup record and duplicated history rows."""
import csv
import json

from zoo.training.callbacks import repair_backup, trim_history


def make_phase(root, metadata_text, previous=None):
    phase = root / "train"
    phase.mkdir(parents=True)
    (phase / "training_metadata.json").write_text(metadata_text)
    (phase / "latest.weights.h5").write_bytes(b"current")
    if previous is not None:
        (phase / "training_metadata.json.bkp").write_text(previous)
        (phase / "latest.weights.h5.bkp").write_bytes(b"previous")
    return phase


def test_a_corrupt_record_is_replaced_by_its_previous_copy(tmp_path):
    phase = make_phase(tmp_path, '{"epoch": 3, "ba', previous='{"epoch": 2, "batch": 0}')
    repair_backup(tmp_path)
    assert json.loads((phase / "training_metadata.json").read_text())["epoch"] == 2
    assert (phase / "latest.weights.h5").read_bytes() == b"previous"


def test_a_corrupt_record_without_a_copy_drops_the_phase(tmp_path):
    phase = make_phase(tmp_path, "")
    repair_backup(tmp_path)
    assert not phase.exists()


def test_a_sound_record_is_left_alone(tmp_path):
    phase = make_phase(tmp_path, '{"epoch": 3, "batch": 0}', previous='{"epoch": 2, "batch": 0}')
    repair_backup(tmp_path)
    assert (phase / "latest.weights.h5").read_bytes() == b"current"


def test_history_rows_after_the_last_backed_up_epoch_are_dropped(tmp_path):
    make_phase(tmp_path / "backup", '{"epoch": 2, "batch": 0}')
    history = tmp_path / "history.csv"
    history.write_text("epoch,loss\n0,1.0\n1,0.8\n2,0.7\n")  # epoch 2 logged, not backed up
    trim_history(history, tmp_path / "backup")
    with open(history) as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1"]

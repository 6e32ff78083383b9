"""A run folder changed by hand is refused when resumed, with one line that says which file and
what to do, instead of being obeyed silently or ending in a traceback; a damaged run never blocks
new runs beside it."""
import json
import shutil

import pytest

import zoo
from zoo.errors import RunError

OPTIONS = {"epochs": 2, "subset": 64, "verbose": 0}


@pytest.fixture(scope="module")
def killed_run(tmp_path_factory):
    """A run folder as a kill after its first epoch leaves it: unfinished, resumable."""
    folder = tmp_path_factory.mktemp("tampered") / "run"
    zoo.train("linear_mnist", run_dir=str(folder), **OPTIONS)
    status = json.loads((folder / "status.json").read_text())
    (folder / "status.json").write_text(json.dumps({**status, "state": "interrupted"}))
    return folder


@pytest.fixture
def copy(killed_run, tmp_path):
    target = tmp_path / "run"
    shutil.copytree(killed_run, target)
    return target


def test_config_json_edited_by_hand_is_refused(copy):
    config = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps({**config, "epochs": 5}))
    with pytest.raises(RunError, match="config.json was changed after the run wrote it"):
        zoo.train("linear_mnist", run_dir=str(copy), **OPTIONS)


@pytest.mark.parametrize("name", ["config.json", "status.json"])
def test_json_that_is_not_an_object_is_refused(copy, name):
    (copy / name).write_text("[1, 2, 3]")
    with pytest.raises(RunError, match=f"{name} holds JSON that is not an object"):
        zoo.train("linear_mnist", run_dir=str(copy), **OPTIONS)


def test_a_damaged_run_does_not_block_new_runs_beside_it(copy, tmp_path):
    output = tmp_path / "out"
    (output / "linear_mnist").mkdir(parents=True)
    shutil.move(copy, output / "linear_mnist" / "20260101-000000")
    (output / "linear_mnist" / "20260101-000000" / "config.json").write_text('"text"')
    result = zoo.train("linear_mnist", output_dir=str(output), **OPTIONS)
    assert result.run_dir.name != "20260101-000000"


def _history_epochs(folder):
    import csv
    with open(folder / "history.csv", newline="") as f:
        return [int(row[0]) for row in list(csv.reader(f))[1:] if row]


def _set_backup_epoch(folder, value):
    meta = folder / "backup" / "train" / "epoch-0002" / "state.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "epoch": value}))


@pytest.mark.parametrize("damage, words", [
    (lambda f: _set_backup_epoch(f, 99), "state.json says epoch 99 in the folder of epoch 2"),
    (lambda f: _set_backup_epoch(f, "x"), "state.json has no epoch count"),
    (lambda f: (f / "backup" / "train" / "epoch-0002" / "state.json").write_text('{"epo'),
     "state.json cannot be read"),
    (lambda f: (f / "backup" / "train" / "epoch-0002" / "variables.npz").unlink(),
     "variables.npz is missing"),
    (lambda f: (f / "backup" / "train" / "epoch-0002" / "variables.npz").write_bytes(b"PK\3\4"),
     "variables.npz is not a NumPy archive"),

    (lambda f: shutil.rmtree(f / "backup"), "status.json says 2 epochs were trained but backup/ "
                                            "is gone"),
    (lambda f: (f / "history.csv").write_text((f / "history.csv").read_text()[:-15]),
     "history.csv's line 3 is cut short"),
    (lambda f: (f / "history.csv").write_text((f / "history.csv").read_text() + "2,0.5\n"),
     "history.csv's line 4 is damaged (2 values, 5 columns)"),
    (lambda f: (f / "history.csv").write_text(""), "history.csv holds 0 epochs of the 2 trained"),
])
def test_a_record_that_disagrees_is_refused_with_restart_as_the_way_out(copy, damage, words):
    damage(copy)
    with pytest.raises(RunError, match="cannot resume") as raised:
        zoo.train("linear_mnist", run_dir=str(copy), **OPTIONS)
    assert words in str(raised.value) and "--restart" in str(raised.value)


def test_restart_trains_the_run_again_in_its_folder(copy):
    shutil.rmtree(copy / "backup")
    result = zoo.train("linear_mnist", run_dir=str(copy), restart=True, **OPTIONS)
    assert result.run_dir == copy
    assert _history_epochs(copy) == [0, 1]
    assert json.loads((copy / "status.json").read_text())["state"] == "finished"

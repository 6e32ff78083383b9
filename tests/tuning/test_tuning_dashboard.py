"""Every trial in TensorBoard's HParams dashboard: the event files are read back with
TensorBoard's own protos, and hold the experiment (the tuned hyperparameters, the metrics) and,
per trial, its values, status, score, epochs and validation curve."""
import contextlib
import io

import pytest
import tensorflow as tf
from tensorboard.plugins.hparams import plugin_data_pb2

import tuning


def _events(folder):
    """(tag, plugin name, plugin content, value) of every summary in a folder's event files."""
    out = []
    for path in sorted(folder.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                number = tf.make_ndarray(value.tensor) if value.HasField("tensor") else None
                out.append((value.tag, value.metadata.plugin_data.plugin_name,
                            value.metadata.plugin_data.content, number, event.step))
    return out


def _hparams(content) -> plugin_data_pb2.HParamsPluginData:
    data = plugin_data_pb2.HParamsPluginData()
    data.ParseFromString(content)
    return data


@pytest.fixture(scope="module")
def searched(tmp_path_factory, task, parse_space):
    folder = tmp_path_factory.mktemp("dashboard") / "search"
    with contextlib.redirect_stdout(io.StringIO()):
        result = tuning.search("linear_mnist", strategy="random", max_trials=4, epochs=3,
                               data=task, batch_size=64, retrain=False, search_dir=folder,
                               space=parse_space({"learning_rate": "1e-2,1e-7",
                                                  "l2": "0.0,1e-4"}),
                               prune="median", prune_startup_trials=1,
                               objective="val_accuracy,params")
    return folder / "tensorboard", result


def test_the_experiment_names_the_hyperparameters_and_metrics(searched):
    root, _ = searched
    config = [_hparams(c).experiment for tag, plugin, c, _, _ in _events(root)
              if plugin == "hparams" and _hparams(c).HasField("experiment")]
    assert len(config) == 1
    assert {h.name for h in config[0].hparam_infos} == {"learning_rate", "l2", "status"}
    assert {m.name.tag for m in config[0].metric_infos} == {"val_accuracy", "epochs", "params"}


def test_each_trial_has_its_values_status_score_epochs_and_curve(searched):
    root, result = searched
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == \
        [f"trial_{row['trial']:04d}" for row in result.trials]
    for row in result.trials:
        events = _events(root / f"trial_{row['trial']:04d}")
        start = [_hparams(c).session_start_info for _, plugin, c, _, _ in events
                 if plugin == "hparams" and _hparams(c).HasField("session_start_info")]
        values = start[0].hparams
        assert values["status"].string_value == row["status"]
        assert values["learning_rate"].number_value == pytest.approx(row["learning_rate"])
        scalars = {tag: (float(number), step) for tag, _, _, number, step in events
                   if number is not None and number.shape == ()}
        epochs = row.get("pruned_epoch") or 3
        assert scalars["val_accuracy"] == (pytest.approx(row["val_accuracy"]), epochs)
        assert scalars["epochs"][0] == epochs
        assert scalars["params"][0] == row["params"]
        curve = [step for tag, _, _, _, step in events if tag == "epoch/val_accuracy"]
        assert curve == list(range(1, epochs + 1))
    assert any(row["status"] == "PRUNED" for row in result.trials)


def test_a_missing_trial_is_written_when_the_search_is_run_again(searched, task, parse_space):
    import shutil
    root, result = searched
    shutil.rmtree(root / "trial_0002")
    with contextlib.redirect_stdout(io.StringIO()):
        tuning.search("linear_mnist", strategy="random", max_trials=4, epochs=3, data=task,
                      batch_size=64, retrain=False, search_dir=root.parent,
                      space=parse_space({"learning_rate": "1e-2,1e-7", "l2": "0.0,1e-4"}),
                      prune="median", prune_startup_trials=1, objective="val_accuracy,params")
    assert (root / "trial_0002").is_dir()
    assert not list(root.glob("*.partial"))

"""The run's checkpoint (zoo.training.checkpoint): one complete record per epoch, what a kill
leaves cleaned up, an early stop kept; and history rows trimmed to it before a resume."""
import csv
import json

import keras
import numpy as np
import pytest

from zoo.training import checkpoint
from zoo.training.callbacks import trim_history
from zoo.training.checkpoint import CheckpointError, RunCheckpoint

X = np.linspace(-1, 1, 64, dtype="float32").reshape(32, 2)
Y = (X[:, :1] > 0).astype("float32")


def model():
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    net.compile(optimizer="adam", loss="binary_crossentropy")
    return net


def fit(folder, epochs, *, stopper=None, keep=1, rewind=None):
    net = model()
    saver = RunCheckpoint(folder, early_stopping=stopper, keep=keep)
    if rewind is not None:
        saver.rewind(rewind)
    net.fit(X, Y, batch_size=8, epochs=epochs, initial_epoch=saver.resume_epoch(epochs),
            verbose=0, shuffle=False,
            callbacks=[saver.weights_writer, *([stopper] if stopper else []), saver])
    return net, saver


def test_each_epoch_completes_one_checkpoint_and_removes_the_previous(tmp_path):
    fit(tmp_path, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["epoch-0003"]
    assert checkpoint.latest(tmp_path).epoch == 3
    assert sorted(p.name for p in (tmp_path / "epoch-0003").iterdir()) == [
        "state.json", "variables.npz"]


def test_a_resume_trains_the_remaining_epochs_only(tmp_path):
    fit(tmp_path, 2)
    resumed, saver = fit(tmp_path, 4)
    whole, _ = fit(tmp_path / "whole", 4)
    assert saver.restored.epoch == 2
    assert int(resumed.optimizer.iterations) == int(whole.optimizer.iterations) == 16
    np.testing.assert_allclose(resumed.predict(X, verbose=0), whole.predict(X, verbose=0),
                               atol=1e-6)


def test_a_process_an_epoch_ahead_rewinds_to_the_older_checkpoint(tmp_path):
    """A multi-process run keeps two checkpoints per process, so that processes killed an epoch
    apart all resume from the older one: the result is the uninterrupted run's."""
    fit(tmp_path, 3, keep=2)
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["epoch-0002", "epoch-0003"]
    resumed, saver = fit(tmp_path, 4, keep=2, rewind=2)
    whole, _ = fit(tmp_path / "whole", 4)
    assert saver.restored.epoch == 2
    assert [p.name for p in sorted(tmp_path.iterdir()) if p.is_dir() and p.name != "whole"] == [
        "epoch-0003", "epoch-0004"]  # epoch 3's was trained again
    assert int(resumed.optimizer.iterations) == int(whole.optimizer.iterations) == 16
    np.testing.assert_allclose(resumed.predict(X, verbose=0), whole.predict(X, verbose=0),
                               atol=1e-6)
    with pytest.raises(CheckpointError, match="no checkpoint of epoch 1"):
        RunCheckpoint(tmp_path, keep=2).rewind(1)  # only epochs 3 and 4 are kept...
    assert checkpoint.latest(tmp_path).epoch == 4  # ...and still are


def test_what_a_kill_leaves_is_removed_and_the_last_complete_checkpoint_kept(tmp_path):
    fit(tmp_path, 2)
    (tmp_path / ".epoch-0003.tmp").mkdir()  # killed while epoch 3's checkpoint was written
    (tmp_path / ".epoch-0003.tmp" / "variables.npz").write_bytes(b"PK")
    older = tmp_path / "epoch-0001"  # killed after epoch 2's rename, before epoch 1's removal
    older.mkdir()
    (older / "state.json").write_text('{"epoch": 1}')
    checkpoint.clean(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["epoch-0002"]


@pytest.mark.parametrize("state, words", [
    ('{"epoch": 7}', "says epoch 7 in the folder of epoch 2"),
    ('{"epoch": "x"}', "has no epoch count"),
    ('["epoch", 2]', "has no epoch count"),
    ('{"ep', "cannot be read"),
    ('{"epoch": 2, "stopped": "maybe"}', "unknown 'stopped' value"),
])
def test_a_checkpoint_changed_after_it_was_complete_is_reported(tmp_path, state, words):
    fit(tmp_path / "train", 2)
    (tmp_path / "train" / "epoch-0002" / "state.json").write_text(state)
    with pytest.raises(CheckpointError, match=words):
        checkpoint.latest(tmp_path / "train")
    assert checkpoint.epochs_done(tmp_path) == 0


def test_an_early_stop_is_kept_and_a_resume_trains_no_further(tmp_path):
    # the loss falls every epoch, so watching for a larger one stops after `patience` epochs
    stopper = keras.callbacks.EarlyStopping("loss", mode="max", patience=2,
                                            restore_best_weights=True)
    stopped, _ = fit(tmp_path, 10, stopper=stopper)
    saved = checkpoint.latest(tmp_path)
    assert saved.stopped == "early" and saved.epoch == 3
    assert json.loads((saved.path / "state.json").read_text())["early_stopping"]["best_epoch"] == 0
    again = keras.callbacks.EarlyStopping("loss", mode="max", patience=2,
                                          restore_best_weights=True)
    resumed, saver = fit(tmp_path, 10, stopper=again)
    assert saver.resume_epoch(10) == 10 and int(resumed.optimizer.iterations) == 12
    for a, b in zip(resumed.get_weights(), stopped.get_weights()):  # epoch 1's, restored
        np.testing.assert_array_equal(a, b)


def test_history_rows_after_the_last_checkpointed_epoch_are_dropped(tmp_path):
    fit(tmp_path / "backup" / "train", 2)
    history = tmp_path / "history.csv"
    history.write_text("epoch,loss\n0,1.0\n1,0.8\n2,0.7\n")  # epoch 2 logged, not checkpointed
    trim_history(history, tmp_path / "backup")
    with open(history) as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1"]


def test_the_checkpoint_of_another_model_is_reported(tmp_path):
    fit(tmp_path, 2)
    other = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dense(1)])
    other.compile(optimizer="adam", loss="binary_crossentropy")
    saver = RunCheckpoint(tmp_path)
    with pytest.raises(CheckpointError, match="variables where this model and optimizer have"):
        other.fit(X, Y, epochs=3, initial_epoch=saver.resume_epoch(3), verbose=0,
                  callbacks=[saver.weights_writer, saver])


def test_the_best_model_is_written_once_at_the_end_and_its_weights_survive_a_resume(tmp_path):
    """AtomicBestCheckpoint keeps the best epoch's weights (in memory and in each checkpoint)
    and writes best.keras when training ends. Here the best epoch is the 2nd: a run stopped
    after it and resumed must take epoch 2's weights from the checkpoint, and writes the same
    best model as the uninterrupted run."""
    from zoo.training.callbacks import AtomicBestCheckpoint
    scores = [0.9, 0.5, 0.7, 0.8]  # a monitored value whose best (lowest) is after epoch 2

    class Score(keras.callbacks.Callback):  # before the checkpoint: the logs it reads
        def on_epoch_end(self, epoch, logs=None):
            logs["score"] = scores[epoch]

    def run(folder, epochs, stop_after=None):
        net = model()
        best = AtomicBestCheckpoint(folder / "best.keras", monitor="score")
        saver = RunCheckpoint(folder / "backup", best_checkpoint=best)
        seen = []

        class Watch(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                seen.append((folder / "best.keras").exists())
                if stop_after == epoch + 1:
                    raise KeyboardInterrupt  # as a kill would: no on_train_end

        try:
            net.fit(X, Y, batch_size=8, epochs=epochs, initial_epoch=saver.resume_epoch(epochs),
                    verbose=0, shuffle=False,
                    callbacks=[saver.weights_writer, Score(), best, saver, Watch()])
        except KeyboardInterrupt:
            pass
        return net, best, seen

    def best_weights(folder):
        return keras.models.load_model(folder / "best.keras").get_weights()

    whole, best, seen = run(tmp_path / "whole", 4)
    assert seen == [False] * 4  # nothing written during training
    assert best.best_epoch == 2 and best.weights is None  # written at the end
    assert not all(np.allclose(w, v) for w, v in zip(whole.get_weights(),
                                                      best_weights(tmp_path / "whole")))
    _, stopped, _ = run(tmp_path / "killed", 4, stop_after=2)
    assert stopped.weights is not None and not (tmp_path / "killed" / "best.keras").exists()
    assert (checkpoint.latest(tmp_path / "killed" / "backup").path / "best_model.npz").is_file()
    run(tmp_path / "killed", 4)  # epochs 3 and 4 do not improve: epoch 2's weights, restored
    assert json.loads((tmp_path / "killed" / "best.json").read_text())["epoch"] == 2
    for w, v in zip(best_weights(tmp_path / "whole"), best_weights(tmp_path / "killed")):
        np.testing.assert_allclose(w, v, atol=1e-6)


def test_the_best_model_is_the_best_epochs_not_the_last(tmp_path):
    from zoo.training.callbacks import AtomicBestCheckpoint
    net = model()
    best = AtomicBestCheckpoint(tmp_path / "best.keras", monitor="val_loss")
    best.set_model(net)
    best.on_epoch_end(0, {"val_loss": 0.5})
    kept = [w.copy() for w in net.get_weights()]
    net.set_weights([w + 1 for w in kept])
    best.on_epoch_end(1, {"val_loss": 0.7})  # worse: not kept
    best.on_train_end()
    saved = keras.models.load_model(tmp_path / "best.keras").get_weights()
    for w, v, now in zip(kept, saved, net.get_weights()):
        np.testing.assert_allclose(w, v)
        np.testing.assert_allclose(now, w + 1)  # the model keeps its final weights
    assert json.loads((tmp_path / "best.json").read_text()) == {
        "monitor": "val_loss", "value": 0.5, "epoch": 1}


@pytest.mark.parametrize("ema,patience", [(False, None), (True, 3)])
def test_no_run_callback_waits_for_every_batch(tmp_path, monkeypatch, ema, patience):
    """Under JAX Keras queues the next training step while one computes, unless a callback has a
    batch hook that is not safe for asynchronous dispatch: then it waits for every step. (Under
    TensorFlow it waits anyway, and the run keeps Keras' own TensorBoard callback.)"""
    from zoo.training.callbacks import has_tensorflow, run_callbacks

    class Folder:  # what run_callbacks reads of a RunFolder
        path = out = tmp_path

    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")  # the callbacks JAX gets
    base = keras.callbacks.Callback
    callbacks = run_callbacks(Folder(), phase="train", monitor="val_loss", ema=ema,
                              patience=patience, epoch_lines=3)
    assert any(isinstance(c, keras.callbacks.TensorBoard) for c in callbacks) == has_tensorflow()
    for callback in callbacks:
        for hook in ("on_batch_end", "on_train_batch_end"):
            assert getattr(type(callback), hook) is getattr(base, hook) or getattr(
                callback, "async_safe", False), (type(callback).__name__, hook)


def test_a_phase_without_a_checkpoint_starts_from_the_earlier_phases_best(tmp_path):
    """The best model's record starts from the run's checkpoints, never from best.json, which
    only a multi-process run's chief writes (every process must take the same save decisions:
    a Keras save is a collective there). A later phase that restores no checkpoint of its own
    starts from the best that the earlier phase's last checkpoint records, so a worse epoch does
    not replace the earlier phase's best.keras; the first phase starts from no best."""
    from zoo.training.callbacks import AtomicBestCheckpoint

    class Score(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["score"] = [0.9, 0.5][epoch]

    net = model()
    head = AtomicBestCheckpoint(tmp_path / "best.keras", monitor="score")
    saver = RunCheckpoint(tmp_path / "backup" / "head", best_checkpoint=head)
    net.fit(X, Y, batch_size=8, epochs=2, verbose=0, shuffle=False,
            callbacks=[saver.weights_writer, Score(), head, saver])
    # A best.json that this process did not write (the chief's, say): not read.
    (tmp_path / "best.json").write_text(json.dumps({"monitor": "score", "value": 0.1,
                                                    "epoch": 9}))
    for phase, start, expected in (("fine_tune", 2, (0.5, 2)), ("head", 0, (np.inf, None))):
        best = AtomicBestCheckpoint(tmp_path / "best.keras", monitor="score")
        folder = tmp_path / "backup" / phase if start else tmp_path / "first-run" / phase
        fresh = RunCheckpoint(folder, best_checkpoint=best)  # none to restore
        fresh.carry_best(start)
        assert (best.best, best.best_epoch) == expected

"""The training path in-process on tiny datasets made here: zoo.train with recipes, adaptation to
the data, every output, resume, schedule, averaging, NaN, and a user's own model end to end."""
import csv
import json
import sys
import textwrap

import keras
import numpy as np
import pytest

import zoo
from zoo import cpu
from zoo.errors import DataError, RunError

QUICK = {"verbose": 0}


def history_epochs(run_dir):
    with open(run_dir / "history.csv") as f:
        return [int(row["epoch"]) for row in csv.DictReader(f)]


def test_a_series_model_fits_any_ucr_folder_and_writes_every_output(ucr_folder, tmp_path):
    result = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=3,
                       output_dir=str(tmp_path), **QUICK)
    run = result.run_dir
    config = json.loads((run / "config.json").read_text())
    assert any("input_shape=(24, 1)" in note for note in config["adapted"])
    assert any("num_classes=3" in note for note in config["adapted"])
    assert config["batch_size"] == 5  # 54 training series: a tenth per batch
    assert json.loads((run / "status.json").read_text())["state"] == "finished"
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["test"] == result.test and metrics["test_examples"] == 30
    for name in ("model.keras", "best.keras", "learning_curves.png", "confusion_matrix.png",
                 "confusion_matrix.json", "history.csv"):
        assert (run / name).stat().st_size > 0, name
    assert any((run / "tensorboard").rglob("*.tfevents*"))
    assert history_epochs(run) == [0, 1, 2] and len(result.history["loss"]) == 3
    saved = keras.saving.load_model(run / "model.keras")
    assert saved.input_shape == (None, 24, 1) and saved.output_shape == (None, 3)


def test_the_series_model_learns_the_tiny_problem(ucr_folder, tmp_path):
    result = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=15,
                       learning_rate=1e-2, output_dir=str(tmp_path), **QUICK)
    assert result.test["accuracy"] >= 0.9  # three sines of different frequency


def test_an_image_model_fits_images_of_another_size_and_channels(image_folder, tmp_path):
    result = zoo.train("cnn_fashion", dataset=f"images:{image_folder}", epochs=1,
                       output_dir=str(tmp_path), **QUICK)
    saved = keras.saving.load_model(result.run_dir / "model.keras")
    assert saved.input_shape == (None, 8, 8, 3) and saved.output_shape == (None, 2)


def test_a_model_that_cannot_take_the_size_names_the_option_that_fixes_it(image_folder,
                                                                         tmp_path):
    with pytest.raises(DataError, match=r"--data image_size=\(28, 28\)"):
        zoo.train("cnn_fashion", dataset=f"images:{image_folder}", epochs=1,
                  overrides={"input_shape": (28, 28, 3)}, output_dir=str(tmp_path), **QUICK)
    assert not (tmp_path / "cnn_fashion").exists()  # nothing half-made is left


class RaiseAtEpoch(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("killed")


def test_a_run_stopped_by_an_exception_resumes_where_it_stopped(ucr_folder, tmp_path):
    options = dict(dataset=f"ucr:{ucr_folder}", epochs=4, output_dir=str(tmp_path), **QUICK)
    with pytest.raises(RuntimeError, match="killed"):
        zoo.train("cnn1d_series", callbacks=[RaiseAtEpoch(1)], **options)
    (run,) = (tmp_path / "cnn1d_series").iterdir()
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "failed" and status["epochs_done"] == 2
    result = zoo.train("cnn1d_series", **options)
    assert result.run_dir == run and history_epochs(run) == [0, 1, 2, 3]
    assert json.loads((run / "metrics.json").read_text())["epochs"] == 4


def test_a_run_resumed_with_other_options_is_refused_with_the_differences(ucr_folder, tmp_path):
    run = tmp_path / "my_run"
    options = dict(dataset=f"ucr:{ucr_folder}", epochs=3, run_dir=str(run), **QUICK)
    with pytest.raises(RuntimeError, match="killed"):
        zoo.train("cnn1d_series", callbacks=[RaiseAtEpoch(0)], **options)
    before = (run / "history.csv").read_text()
    with pytest.raises(RunError, match=r"learning_rate 0.001 there, 0.01 now.*same command"):
        zoo.train("cnn1d_series", learning_rate=0.01, **options)
    assert (run / "history.csv").read_text() == before  # nothing trained, nothing lost
    result = zoo.train("cnn1d_series", **options)  # the same command resumes
    assert history_epochs(result.run_dir) == [0, 1, 2]


class LearningRates(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_end(self, epoch, logs=None):
        rate = self.model.optimizer.learning_rate
        self.rates.append(float(keras.ops.convert_to_numpy(rate)))


def test_the_cosine_schedule_decays_over_the_whole_run(ucr_folder, tmp_path):
    rates = LearningRates()
    zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=4, lr_schedule="cosine",
              learning_rate=1e-2, output_dir=str(tmp_path), callbacks=[rates], **QUICK)
    assert rates.rates[0] < 1e-2 and rates.rates == sorted(rates.rates, reverse=True)
    assert rates.rates[-1] < 1e-4  # decayed to about zero at the last step


def test_a_mixed_precision_run_leaves_the_global_policy_as_it_found_it(ucr_folder, tmp_path,
                                                                      monkeypatch):
    # The run trains in bfloat16 (on a CPU that computes in it), and the next model built in this
    # process is float32 again: a leaked policy made later float32 analyses fail with dtype errors.
    monkeypatch.setattr(cpu, "native_bfloat16", lambda text=None: True)
    assert keras.mixed_precision.global_policy().name == "float32"
    result = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=1, mixed_precision=True,
                       output_dir=str(tmp_path), **QUICK)
    trained = keras.saving.load_model(result.run_dir / "model.keras")
    assert trained.layers[1].dtype_policy.name.startswith("mixed_")
    assert keras.mixed_precision.global_policy().name == "float32"
    assert zoo.build("cnn1d_series").layers[1].compute_dtype == "float32"


def test_mixed_precision_on_a_cpu_that_would_emulate_bfloat16_trains_in_float32_and_says_so(
        ucr_folder, tmp_path, monkeypatch, capsys):
    # Emulated bfloat16 trained resnet9 9 times slower than float32 on an AVX2 CPU (zoo.cpu).
    monkeypatch.setattr(cpu, "native_bfloat16", lambda text=None: False)
    result = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=1, mixed_precision=True,
                       output_dir=str(tmp_path), **QUICK)
    trained = keras.saving.load_model(result.run_dir / "model.keras")
    assert trained.layers[1].dtype_policy.name == "float32"
    assert "adapted: mixed precision off, trained in float32" in capsys.readouterr().out
    saved = json.loads((result.run_dir / "config.json").read_text())
    assert saved["mixed_precision"] is True  # what was asked, so that the run still resumes
    assert any(note.startswith("mixed precision off") for note in saved["adapted"])


def test_weight_averaging_is_used_and_capped_on_a_short_run(ucr_folder, tmp_path, capsys):
    result = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=2, ema=0.99,
                       output_dir=str(tmp_path), **QUICK)
    saved = keras.saving.load_model(result.run_dir / "model.keras")
    assert saved.optimizer.use_ema and saved.optimizer.ema_momentum < 0.99
    assert "weight-average momentum" in capsys.readouterr().out
    off = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=1, ema=0,
                    output_dir=str(tmp_path / "off"), **QUICK)
    assert not keras.saving.load_model(off.run_dir / "model.keras").optimizer.use_ema


class PoisonAtEpoch(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            self.model.set_weights([w * np.nan for w in self.model.get_weights()])


def test_a_nan_loss_marks_the_run_failed(ucr_folder, tmp_path):
    with pytest.raises(RunError, match="NaN"):
        zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=3,
                  output_dir=str(tmp_path), callbacks=[PoisonAtEpoch()], **QUICK)
    (run,) = (tmp_path / "cnn1d_series").iterdir()
    assert json.loads((run / "status.json").read_text())["state"] == "failed"
    assert not (run / "metrics.json").exists()


def test_without_a_validation_split_it_trains_on_the_training_loss(ucr_folder, tmp_path,
                                                                    capsys):
    result = zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=2, patience=1,
                       validation_fraction=0.0, output_dir=str(tmp_path), **QUICK)
    assert "no validation split" in capsys.readouterr().out
    assert (result.run_dir / "best.keras").exists()
    assert "val_loss" not in result.history and result.metrics["epochs"] >= 1


def test_a_recipe_record_trains_in_phases(image_folder, tmp_path):
    # The second phase's learning rate is far too high: its epochs are worse than the first's,
    # and best.keras must stay the first phase's best (the second starts from it).
    recipe = zoo.TrainConfig(model="cnn_fashion", epochs=4, phases=(
        zoo.Phase("first", share=0.5), zoo.Phase("second", share=1.0, learning_rate=0.5)))
    result = zoo.train(recipe, dataset=f"images:{image_folder}", output_dir=str(tmp_path),
                       **QUICK)
    assert history_epochs(result.run_dir) == [0, 1, 2, 3]
    assert sorted(p.name for p in (result.run_dir / "backup").iterdir()) == ["first", "second"]
    with open(result.run_dir / "history.csv") as f:
        losses = [float(row["val_loss"]) for row in csv.DictReader(f)]
    best = json.loads((result.run_dir / "best.json").read_text())
    assert best["epoch"] == 1 + losses.index(min(losses)) <= 2, (losses, best)


USER_MODULE = '''
    import zoo

    @zoo.register(family="mine", task="multiclass", input_shape=(24, 1), num_outputs=3,
                  dataset="ucr:nowhere", params=0, description="A user's tiny series model.")
    def tiny_user_series(*, num_classes=3, input_shape=(24, 1)):
        import keras
        inputs = keras.Input(input_shape)
        x = keras.layers.Conv1D(8, 3, activation="relu")(inputs)
        x = keras.layers.GlobalAveragePooling1D()(x)
        return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))

    zoo.register_recipe(zoo.TrainConfig(model="tiny_user_series", epochs=2, learning_rate=3e-3))
'''


def test_a_users_own_model_trains_from_the_command_line(ucr_folder, tmp_path, monkeypatch,
                                                        capsys):
    from zoo import cli, registry
    from zoo.training import recipes
    (tmp_path / "tiny_user_models.py").write_text(textwrap.dedent(USER_MODULE))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZOO_IMPORT", "")  # restored after: cli.main sets it
    try:
        assert cli.main(["--import", "tiny_user_models", "info", "tiny_user_series"]) == 0
        assert "adam 0.003, 2 epochs" in capsys.readouterr().out
        code = cli.main(["train", "tiny_user_series", "--import", "tiny_user_models", "--dataset",
                         f"ucr:{ucr_folder}", "--epochs", "2", "--output-dir", "runs", "--quiet"])
        assert code == 0, capsys.readouterr().err
        (run,) = (tmp_path / "runs" / "tiny_user_series").iterdir()
        assert json.loads((run / "metrics.json").read_text())["epochs"] == 2
        assert json.loads((run / "config.json").read_text())["learning_rate"] == 3e-3
    finally:
        sys.modules.pop("tiny_user_models", None)
        recipes._REGISTERED.pop("tiny_user_series", None)
        if "tiny_user_series" in registry._REGISTRY:
            registry.unregister("tiny_user_series")


def test_an_unknown_module_is_one_clear_line(capsys, monkeypatch):
    from zoo import cli
    monkeypatch.setenv("ZOO_IMPORT", "")
    assert cli.main(["--import", "no_such_module_here", "list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no_such_module_here" in err[0]


def test_a_text_model_takes_the_datasets_vocabulary_and_length(tmp_path):
    words = {"pos": "good great fine lovely nice", "neg": "bad awful poor dull ugly"}
    for split in ("train", "test"):
        for label, text in words.items():
            folder = tmp_path / "reviews" / split / label
            folder.mkdir(parents=True)
            for i in range(8):
                (folder / f"{i}.txt").write_text(f"{text} review number {i}")
    result = zoo.train("lstm_sentiment", dataset=f"text:{tmp_path / 'reviews'}", epochs=1,
                       data_options={"sequence_length": 12}, output_dir=str(tmp_path / "runs"),
                       **QUICK)
    saved = keras.saving.load_model(result.run_dir / "model.keras")
    embedding = saved.get_layer("embedding")
    assert saved.input_shape == (None, 12)
    assert embedding.input_dim < 40  # the tiny vocabulary, not the builder's 20,000
    config = json.loads((result.run_dir / "config.json").read_text())
    assert any(note.startswith("vocab_size=") for note in config["adapted"])


def test_test_time_views_give_the_final_figures_and_only_images_take_them(image_folder,
                                                                         ucr_folder, tmp_path):
    from zoo.models.test_time import averaged_over_views
    result = zoo.train("cnn_fashion", dataset=f"images:{image_folder}", epochs=1,
                       validation_fraction=0.25, test_time_augmentation="flip",
                       output_dir=str(tmp_path), **QUICK)
    metrics = json.loads((result.run_dir / "metrics.json").read_text())
    assert metrics["test_time_augmentation"] == "flip" and "accuracy" in metrics["validation"]
    # the test figure is that of the saved (plain) model averaged over the views
    saved = keras.saving.load_model(result.run_dir / "model.keras")
    splits = zoo.data.load(f"images:{image_folder}", validation_fraction=0.25)
    viewed = averaged_over_views(saved, "flip")
    viewed.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss = viewed.evaluate(splits.test, return_dict=True, verbose=0)["loss"]
    assert metrics["test"]["loss"] == pytest.approx(loss, rel=1e-4)
    assert "test-time views 'flip'" in result.config.summary()
    # zoo evaluate takes the run's views, or others when asked
    from zoo.evaluation import evaluate_saved
    again = evaluate_saved(result.run_dir)
    assert again["test_time_augmentation"] == "flip"
    assert again["test"]["loss"] == pytest.approx(metrics["test"]["loss"], rel=1e-4)
    plain = evaluate_saved(result.run_dir, test_time_augmentation="none")
    assert plain["test"]["loss"] != pytest.approx(metrics["test"]["loss"], rel=1e-4)
    # a series cannot be mirrored: refused before any epoch is trained
    with pytest.raises(zoo.errors.InvalidArgumentError, match="not \\(height, width, channels\\)"):
        zoo.train("cnn1d_series", dataset=f"ucr:{ucr_folder}", epochs=1,
                  test_time_augmentation="flip", output_dir=str(tmp_path / "series"), **QUICK)
    assert not list((tmp_path / "series").rglob("history.csv"))


def test_a_whitening_stem_is_set_from_the_training_images_before_training(tmp_path):
    from tests.training.conftest import write_images
    folder = write_images(tmp_path / "images", size=32, per_class=16)
    result = zoo.train("resnet9", dataset=f"images:{folder}", epochs=1, batch_size=8,
                       augment="none", test_time_augmentation="none", mixed_precision=False,
                       overrides={"stem": "whitening"}, output_dir=str(tmp_path / "runs"), **QUICK)
    stem = keras.saving.load_model(result.run_dir / "model.keras").get_layer("prep_whitening")
    assert stem.is_adapted
    splits = zoo.data.load(f"images:{folder}", validation_fraction=0.1)
    images = np.concatenate([x for x, _ in splits.train])
    out = keras.ops.convert_to_numpy(stem(images))[..., :12].reshape(-1, 12)
    # white on the training images it was set from, up to the bias it learnt in one epoch
    np.testing.assert_allclose(np.cov(out, rowvar=False), np.eye(12), atol=0.05)

"""Out of the training loop, in-process on tiny datasets made here: a run loads as one object,
predicts on raw inputs (files of any size, strings, series), and exports to every format, each
checked in its own runtime against the Keras model."""
import json

import numpy as np
import pytest
from PIL import Image

import zoo
from tests.training.conftest import write_images, write_ucr
from zoo import cli
from zoo.errors import DataError, InvalidArgumentError, RunError
from zoo.serving import FORMATS, LoadedRun, export_run, runtimes

QUICK = {"verbose": 0, "epochs": 1}
WORDS = {"pos": "good great fine lovely nice", "neg": "bad awful poor dull ugly"}


@pytest.fixture(autouse=True)
def no_data_dir(monkeypatch):
    monkeypatch.delenv("ZOO_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("serving")
    reviews = root / "reviews"
    for split in ("train", "test"):
        for label, text in WORDS.items():
            folder = reviews / split / label
            folder.mkdir(parents=True)
            for i in range(8):
                (folder / f"{i}.txt").write_text(f"{text} review number {i}")
    return {"images": write_images(root / "images", size=16),
            "ucr": write_ucr(root / "ucr" / "Tiny"), "text": reviews, "root": root}


@pytest.fixture(scope="module")
def runs(folders):
    """One trained run per domain: images, text, series."""
    out = str(folders["root"] / "runs")
    return {
        "image": zoo.train("cnn_fashion", dataset=f"images:{folders['images']}",
                           output_dir=out, **QUICK).run_dir,
        "text": zoo.train("lstm_sentiment", dataset=f"text:{folders['text']}",
                          data_options={"sequence_length": 12}, output_dir=out,
                          **QUICK).run_dir,
        "series": zoo.train("cnn1d_series", dataset=f"ucr:{folders['ucr']}", output_dir=out,
                            **QUICK).run_dir,
    }


def test_a_run_keeps_what_it_needs_to_serve(runs, folders):
    record = json.loads((runs["image"] / "preprocessing.json").read_text())
    assert record["class_names"] == ["bright", "dark"] and record["domain"] == "image"
    run = zoo.load_run(runs["image"])
    assert run.class_names == ["bright", "dark"] and run.input_shape == (16, 16, 3)
    assert run.metrics["test"]["accuracy"] == pytest.approx(
        json.loads((runs["image"] / "metrics.json").read_text())["test"]["accuracy"])


def test_image_files_of_any_size_are_resized_as_in_training(runs, folders, tmp_path):
    run = zoo.load_run(runs["image"])
    files = sorted((folders["images"] / "test" / "dark").glob("*.png"))[:3]
    top = run.predict(files, top=2)
    assert len(top) == 3 and all(len(t) == 2 for t in top)
    assert all(t[0][1] >= t[1][1] for t in top)  # most probable first
    assert all(abs(sum(p for _, p in t) - 1) < 1e-5 for t in top)  # two classes: all of it
    # the same pixels as an array, and the image four times larger, predict (nearly) the same
    pixels = np.asarray(Image.open(files[0]), dtype=np.float32)
    assert run.predict(pixels, top=1)[0][0][1] == pytest.approx(top[0][0][1], abs=1e-6)
    big = tmp_path / "big.png"
    Image.open(files[0]).resize((64, 64), Image.NEAREST).save(big)
    assert run.predict([big], top=1)[0][0][0] == top[0][0][0]
    with pytest.raises(DataError, match="channels|3\\)"):
        run.predict(np.zeros((16, 16, 4)))


def test_a_text_run_predicts_on_raw_strings_with_its_own_vocabulary(runs, folders):
    run = zoo.load_run(runs["text"])
    splits = zoo.data.load(f"text:{folders['text']}", sequence_length=12, batch_size=4)
    from zoo.data.serving import vectorizer_of
    texts = ["good great film", "awful, DULL<br />movie", "unknownword nice"]
    trained = np.asarray(splits.vectorizer(np.array(texts)))
    rebuilt = np.asarray(vectorizer_of(run.preprocessing)(np.array(texts)))
    np.testing.assert_array_equal(rebuilt, trained)  # the vocabulary travelled with the run
    ids = trained.astype(np.int32)
    expected = np.asarray(run.model.predict(ids, verbose=0))[:, 0]
    got = run.probabilities(run.prepare(texts))
    np.testing.assert_allclose(got[:, 1], expected, atol=1e-6)
    top = run.predict(texts, top=2)  # names and probabilities, most probable first
    for row, probabilities in zip(top, got):
        best = int(np.argmax(probabilities))
        assert row[0] == (run.class_names[best], pytest.approx(probabilities[best]))
        assert row[1][1] == pytest.approx(probabilities[1 - best])


def test_series_come_as_arrays_or_files_of_rows(runs, tmp_path):
    run = zoo.load_run(runs["series"])
    rows = np.sin(np.linspace(0, 6, 24))[None].repeat(3, 0)
    path = tmp_path / "series.csv"
    np.savetxt(path, rows, delimiter=",")
    from_file = run.predict([path])
    assert len(from_file) == 3 and from_file[0] == run.predict(rows[0])[0]
    with_labels = tmp_path / "labelled.tsv"
    np.savetxt(with_labels, np.column_stack([[1, 2, 3], rows]), delimiter="\t")
    with pytest.raises(DataError, match="drop the label column"):
        run.predict([with_labels])


def test_a_run_without_its_preprocessing_file_is_rebuilt_from_its_dataset(runs, tmp_path):
    import shutil
    copy = tmp_path / "older_run"
    shutil.copytree(runs["series"], copy)
    (copy / "preprocessing.json").unlink()  # as a run made before the zoo wrote it
    rebuilt = zoo.load_run(copy)
    assert rebuilt.preprocessing == zoo.load_run(runs["series"]).preprocessing
    (copy / "config.json").write_text('{"dataset": "ucr:/no/such/folder"}')
    with pytest.raises(RunError, match="no preprocessing.json .* cannot be read"):
        zoo.load_run(copy)


# -- export -------------------------------------------------------------------------------------
FAMILIES = {  # family: (model, domain, builder arguments that fit the tiny data)
    "dense": ("dense_mnist", "image", {}),
    "convnet": ("cnn_fashion", "image", {}),
    "resnet": ("resnet_small", "image", {"filters": (4, 8, 8), "blocks_per_stage": 1}),
    "transfer": ("transfer", "image", {"dense_units": 8}),
    "series": ("cnn1d_series", "series", {}),
    "recurrent text": ("lstm_sentiment", "text", {}),
}
# What the converters here do not support (message expected): Keras' LSTM becomes TensorFlow list ops that need
# LiteRT's Flex delegate, which the interpreter of the tensorflow-cpu wheel does not link; the
# transfer model's antialiased resize (ScaleAndTranslate) has no ONNX operator in tf2onnx.
UNSUPPORTED = {("recurrent text", "litert"): "cannot run in .*FlexTensorList",
               ("transfer", "onnx"): r"cannot run in onnxruntime \(unsupported ops: ScaleAndTranslate\)",
               ("transfer", "litert"): "cannot convert .*unsupported ops: ScaleAndTranslate"}


@pytest.fixture(scope="module")
def family_runs(runs):
    """A LoadedRun per family: the trained runs' preprocessing, with each family's model."""
    loaded = {domain: zoo.load_run(path) for domain, path in runs.items()}
    out = {}
    for family, (name, domain, arguments) in FAMILIES.items():
        base = loaded[domain]
        shape = base.model.input_shape[1:]
        if domain == "text":
            model = base.model
        else:
            model = zoo.build(name, compile=False, input_shape=shape, num_classes=len(
                base.class_names), **arguments)
        out[family] = LoadedRun(model=model, preprocessing=base.preprocessing, metrics={},
                                path=base.path)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_exports_with_parity_in_its_own_runtime(family_runs, family, fmt, tmp_path):
    runtimes.check_available(fmt)
    run = family_runs[family]
    out = tmp_path / f"model{runtimes.SUFFIX[fmt]}"
    if (family, fmt) in UNSUPPORTED:
        with pytest.raises(RunError, match=UNSUPPORTED[family, fmt]):
            export_run(run, fmt, out, examples=8, repeats=1)
        assert not out.exists()
        return
    report = export_run(run, fmt, out, examples=8, repeats=1)
    assert report.max_difference <= 1e-4 and report.examples == 8
    assert "test split" in report.examples_from  # real inputs, not random ones
    assert out.exists() and report.size_bytes > 0
    assert set(report.latency_ms["artefact"]) == {1, 8}
    # the file on disk (not the checked copy) answers like the Keras model
    batch = run.prepare(_inputs(run))
    if run.domain == "text" and fmt in ("onnx", "litert"):
        assert (out.parent / (out.name + ".vocabulary.json")).is_file()
        return
    reloaded = runtimes.load(fmt, out)
    expected = run.serving_model().predict(_as_model_input(batch), verbose=0)
    np.testing.assert_allclose(np.asarray(reloaded(batch)).reshape(expected.shape), expected,
                               atol=1e-4)


def _inputs(run):
    if run.domain == "text":
        return ["good fine", "poor ugly"]
    return np.random.default_rng(0).uniform(0, 255, (2, *run.input_shape)).astype(np.float32)


def _as_model_input(batch):
    import tensorflow as tf
    return tf.constant(batch.astype(str)) if batch.dtype == object else batch


def test_an_export_that_disagrees_is_refused_and_nothing_replaced(family_runs, tmp_path,
                                                                  monkeypatch):
    out = tmp_path / "model.keras"
    out.write_text("the user's earlier file")
    real_load = runtimes.load
    monkeypatch.setattr(runtimes, "load", lambda fmt, path: (
        lambda batch: real_load(fmt, path)(batch) + 1e-3))
    with pytest.raises(RunError, match="disagrees"):
        export_run(family_runs["convnet"], "keras", out, examples=4, overwrite=True)
    assert out.read_text() == "the user's earlier file"
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]  # no temporary left


def test_export_says_what_is_wrong(family_runs, tmp_path, monkeypatch):
    run = family_runs["convnet"]
    existing = tmp_path / "there.onnx"
    existing.write_text("x")
    with pytest.raises(RunError, match="exists"):
        export_run(run, "onnx", existing)
    with pytest.raises(InvalidArgumentError, match="keras, savedmodel, onnx, litert"):
        export_run(run, "tflite", tmp_path / "m")
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    with pytest.raises(InvalidArgumentError, match=r"onnxruntime.*pip install -e \"\.\[export\]"):
        export_run(run, "onnx", tmp_path / "m.onnx")


# -- the commands -------------------------------------------------------------------------------
def test_zoo_predict_and_export_from_the_command_line(runs, folders, tmp_path, capsys):
    image = sorted((folders["images"] / "test" / "bright").glob("*.png"))[0]
    assert cli.main(["predict", str(runs["image"]), str(image), "--json", "--top", "1"]) == 0
    (answer,) = json.loads(capsys.readouterr().out)
    assert answer["input"] == str(image) and answer["top"][0]["class"] in ("bright", "dark")
    # a model's name means its newest finished run under --output-dir
    output_dir = str(folders["root"] / "runs")
    assert cli.main(["predict", "lstm_sentiment", "--output-dir", output_dir,
                     "--text", "good", "--text", "awful"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("text 1: ")
    out = tmp_path / "m.onnx"
    assert cli.main(["export", str(runs["series"]), "--format", "onnx", "--out", str(out),
                     "--examples", "4"]) == 0
    assert "largest difference" in capsys.readouterr().out and out.is_file()


@pytest.mark.parametrize("argv, message", [
    (["predict", "{image}", "missing.png"], "missing.png is not a file"),
    (["predict", "{image}", "--text", "hello"], "--text is for text models"),
    (["predict", "{series}", "{bad_series}"], "series 1 has 3 values"),
    (["predict", "no_such_model_or_run"], "neither a run folder"),
    (["export", "{image}", "--format", "onnx", "--out", "{existing}"], "exists"),
    (["predict", "{image}", "{image_file}", "--top", "0"], "--top"),
])
def test_bad_input_at_the_command_line_is_one_line_and_exit_2(runs, folders, tmp_path, capsys,
                                                               argv, message):
    bad_series = tmp_path / "bad.csv"
    bad_series.write_text("1,2,3\n")
    existing = tmp_path / "existing.onnx"
    existing.write_text("keep me")
    image_file = sorted((folders["images"] / "test" / "bright").glob("*.png"))[0]
    values = {"image": runs["image"], "series": runs["series"], "bad_series": bad_series,
              "existing": existing, "image_file": image_file}
    assert cli.main([a.format(**values) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert existing.read_text() == "keep me"


def test_the_readme_examples_run_as_written(runs, folders):
    import re
    import shlex
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Using a trained model"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    images = sorted((folders["images"] / "test" / "dark").glob("*.png"))[:2]
    for old, new in {'"runs/cnn_fashion/20261129-101500"': repr(str(runs["image"])),
                     '["boot.png", "shirt.jpg"]': repr([str(p) for p in images])}.items():
        assert old in code, f"the README no longer has {old!r}: update this test"
        code = code.replace(old, new)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["serving"].output_shape == (None, 2)
    commands = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    parser = cli.build_parser()
    for line in commands.strip().splitlines():
        argv = shlex.split(line, comments=True)
        assert argv[0] == "zoo"
        parser.parse_args(argv[1:])  # exits (fails the test) on an option that does not exist

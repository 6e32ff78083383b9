"""Every figure is written as a PNG that decodes, has the size its layout asks for and is not
blank, next to the numbers behind it as JSON."""
import json
import math
import os

import numpy as np
import pytest

from zoo import analysis
from zoo.analysis.filters import MAP_CELL
from zoo.analysis.output import DPI
from zoo.reports.plots import CELL

PLOT = (400, 600)  # a line or bar plot: 6 x 4 inches


def cells(rows, cols, cell=CELL):
    return round(rows * cell * DPI), round(cols * cell * DPI)


def test_analyze_writes_every_default_analysis_of_a_run(runs, data, class_names, check_png):
    written = analysis.analyze(runs["cnn"], data=data["test"], class_names=class_names,
                               angles=(0, 90, 180))
    out = runs["cnn"] / "analysis"
    assert list(written) == list(analysis.DEFAULT_WHAT)
    paths = [p for group in written.values() for p in group]
    assert all(os.path.dirname(p) == str(out) for p in paths)
    assert sorted(os.listdir(out)) == sorted(os.path.basename(p) for p in paths)  # no temp files
    errors = json.loads((out / "errors.json").read_text())
    n = len(errors["indices"])
    sizes = {"confusion.png": (500, 550), "per_class_accuracy.png": PLOT,
             "errors.png": cells(math.ceil(n / 8), min(n, 8)),
             "filters.png": cells(1, 4), "feature_maps.png": cells(3, 4, MAP_CELL),
             "fgsm_examples.png": cells(4, 3), "fgsm_accuracy.png": PLOT,
             "rotation.png": PLOT, "rotated_examples.png": cells(1, 3)}
    for path in paths:
        if path.endswith(".png"):
            check_png(path, sizes[os.path.basename(path)])
        else:
            assert json.loads(open(path).read())
    numbers = json.loads((out / "confusion.json").read_text())
    assert np.array(numbers["matrix"]).sum() == len(data["test"][1])
    assert numbers["class_names"] == class_names
    assert json.loads((out / "rotation.json").read_text())["angles"] == [0, 90, 180]
    assert n > 0 and all(class_names[t] != class_names[p] for t, p in
                         zip(errors["true"], errors["predicted"]))


def test_analyze_a_dense_model_skips_filters_and_feature_maps(runs, data, tmp_path):
    written = analysis.analyze(runs["dense"], out_dir=tmp_path, data=data["test"],
                               eps=(0, 0.1), angles=(0, 90))
    assert list(written) == ["confusion", "errors", "fgsm", "rotation"]


def test_analyze_draws_learning_curves_of_a_run(runs, tmp_path, check_png):
    written = analysis.analyze(runs["cnn"], what=["curves"], out_dir=tmp_path)
    png, numbers = written["curves"]
    check_png(png, (400, 1000))  # accuracy and loss panels
    assert json.loads(open(numbers).read())["cnn_fashion"]["loss"] == pytest.approx([1.0, 0.8, 0.6])


def test_compare_draws_two_runs_side_by_side(runs, data, class_names, tmp_path, check_png):
    written = analysis.compare([runs["cnn"], runs["dense"]], out_dir=tmp_path,
                               data=data["test"], class_names=class_names, angles=(0, 45, 90),
                               what=("confusion", "rotation", "curves"))
    check_png(written["confusion"][0], (500, 1100))
    check_png(written["confusion"][1], PLOT)
    check_png(written["rotation"][0], PLOT)
    check_png(written["curves"][0], (400, 1000))
    confusion = json.loads(open(written["confusion"][2]).read())
    assert list(confusion["runs"]) == ["cnn_fashion", "dense_fashion"]
    rotation = json.loads(open(written["rotation"][1]).read())
    assert set(rotation) == {"cnn_fashion", "dense_fashion"}
    assert all(len(r["accuracy"]) == 3 for r in rotation.values())


def test_compare_tells_runs_of_the_same_model_apart(runs, data, tmp_path):
    written = analysis.compare([runs["cnn"], runs["cnn"] / "model.keras"], what="fgsm",
                               out_dir=tmp_path, data=data["test"], eps=(0, 0.1))
    results = json.loads(open(written["fgsm"][1]).read())
    assert len(results) == 2


def test_augmentation_preview_shows_each_image_and_its_draws(data, tmp_path, check_png):
    import keras
    images = data["train"][0][:3]
    augmentation = keras.Sequential([keras.layers.RandomRotation(0.3, seed=1)])
    samples = analysis.augment_samples(images, augmentation, repeats=4)
    path = analysis.write_figure(analysis.plot_augmentation(images, samples, title="rotation"),
                                 tmp_path / "augmentation.png")
    check_png(path, cells(3, 5))


def test_filters_of_an_rgb_convnet_are_drawn_in_colour(tmp_path, check_png):
    import zoo
    model = zoo.build("cnn_cifar10", input_shape=(8, 8, 3), filters=(8,), convs_per_block=1,
                      batchnorm=False)
    kernel = analysis.first_layer_filters(model)["kernel"]
    pixels = check_png(analysis.write_figure(analysis.plot_filters(kernel), tmp_path / "f.png"),
                       cells(1, 8))
    assert np.abs(pixels[..., 0] - pixels[..., 1]).max() > 0  # not grey


def test_writing_is_atomic(tmp_path):
    path = tmp_path / "numbers.json"
    analysis.write_json({"a": np.arange(3)}, path)
    with pytest.raises(TypeError):
        analysis.write_json({"a": object()}, path)
    assert json.loads(path.read_text()) == {"a": [0, 1, 2]}
    assert os.listdir(tmp_path) == ["numbers.json"]

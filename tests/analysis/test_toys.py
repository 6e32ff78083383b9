"""The lecture's toy problems: generated as zoo datasets, and the linear-against-MLP command."""
import json

import numpy as np
import pytest

import zoo.data
from zoo import cli
from zoo.data import toys


@pytest.mark.parametrize("kind", toys.KINDS)
def test_toy_problems_are_datasets_of_two_balanced_classes(kind):
    info = zoo.data.describe(f"toy_{kind}")
    assert info.input_shape == (2,) and info.num_classes == 2 and info.domain == "points"
    x, y = toys.generate(kind, 400, seed=3)
    assert x.shape == (400, 2) and set(np.unique(y)) == {0, 1} and abs(y.mean() - 0.5) < 0.1
    again, _ = toys.generate(kind, 400, seed=3)
    assert np.array_equal(x, again)  # the same seed, the same points
    splits = zoo.data.load(f"toy_{kind}", batch_size=50)
    assert splits.sizes == {"train": 900, "validation": 100, "test": 500}


def test_xor_has_no_linear_solution_and_blobs_have_one():
    from numpy.linalg import lstsq
    for kind, separable in (("blobs", True), ("xor", False)):
        x, y = toys.generate(kind, 1000, seed=0)
        features = np.column_stack([x, np.ones(len(x))])
        w = lstsq(features, 2.0 * y - 1, rcond=None)[0]  # the least-squares linear classifier
        accuracy = ((features @ w > 0) == y).mean()
        assert (accuracy > 0.95) if separable else (accuracy < 0.7), (kind, accuracy)


def test_the_toys_command_draws_linear_models_beside_an_mlp(tmp_path, capsys, check_png):
    code = cli.main(["toys", "xor", "--epochs", "60", "--out-dir", str(tmp_path / "toys"),
                     "--output-dir", str(tmp_path / "runs"), "--quiet"])
    assert code == 0
    results = json.loads((tmp_path / "toys" / "toy_boundaries.json").read_text())["xor"]
    assert set(results) == {"softmax regression", "linear SVM (hinge)", "MLP 32-32"}
    assert results["softmax regression"]["test_accuracy"] < 0.7  # one straight line
    assert results["linear SVM (hinge)"]["test_accuracy"] < 0.7
    assert results["MLP 32-32"]["test_accuracy"] > 0.85
    check_png(tmp_path / "toys" / "toy_boundaries.png")
    assert "softmax regression" in capsys.readouterr().out


def test_the_toys_command_takes_every_problem_by_default():
    args = cli.build_parser().parse_args(["toys"])
    assert args.datasets == [] and args.func is cli.cmd_toys


def test_an_unknown_toy_problem_is_refused_in_one_line(capsys, tmp_path):
    assert cli.main(["toys", "moons", "--out-dir", str(tmp_path)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "dataset='moons' is invalid" in line and "'xor'" in line
    assert not any(tmp_path.iterdir())

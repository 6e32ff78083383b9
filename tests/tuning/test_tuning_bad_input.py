"""Bad input is a clear ZooError raised before anything runs: no folder, no data, no training."""
import subprocess
import sys

import pytest

import tuning
from tuning import spaces
from zoo.errors import InvalidArgumentError, UnknownNameError


@pytest.fixture
def output_dir(tmp_path):
    yield tmp_path / "runs"
    assert not (tmp_path / "runs").exists()  # nothing was written


@pytest.mark.parametrize("kwargs, error, words", [
    ({"strategy": "gird"}, UnknownNameError, ["Unknown strategy 'gird'", "Did you mean 'grid'"]),
    ({"strategy": "simulated_annealing"}, UnknownNameError, ["grid, hyperband, random"]),
    ({"max_trials": 0}, InvalidArgumentError, ["max_trials=0", "at least 1"]),
    ({"max_trials": -3}, InvalidArgumentError, ["max_trials=-3"]),
    ({"strategy": "grid", "tune": {"learning_rate": "1e-4..1e-2:log"}}, InvalidArgumentError,
     ["'learning_rate' is a continuous range", "give it a step"]),
    ({"strategy": "grid", "max_trials": 2, "tune": {"learning_rate": "1e-4..1e-2:10:log"}},
     InvalidArgumentError, ["The grid has 3 points but max_trials=2"]),
    ({"strategy": "grid", "max_trials": 5}, InvalidArgumentError,
     ["The grid has 9 points but max_trials=5"]),
    ({"tune": {"learning_rate": "banana"}}, InvalidArgumentError,
     ["learning_rate='banana' is invalid: it must be a number greater than 0"]),
    ({"space": {"epochs": spaces.Choice((0, 1))}}, InvalidArgumentError,
     ["epochs=0 is invalid: it must be a whole number of at least 1"]),
    ({"tune": {"dropuot": "0.1,0.2"}}, UnknownNameError,
     ["Unknown hyperparameter of the dense_mnist space 'dropuot'", "Did you mean 'dropout'"]),
    ({"space": {"filters": spaces.Choice((8, 16))}}, UnknownNameError,
     ["Unknown hyperparameter 'filters'"]),
    ({"strategy": "hyperband", "tune": {"batch_size": "64"},
      "space": {"epochs": spaces.Int(1, 3), "batch_size": spaces.Choice((32, 64))}},
     InvalidArgumentError, ["Hyperband chooses each trial's epochs"]),
    ({"objective": "accuracy"}, InvalidArgumentError, ["validation split only"]),
    ({"workers": -1}, InvalidArgumentError, ["workers=-1"]),
    ({"epochs": 0}, InvalidArgumentError, ["epochs=0"]),
    ({"oracle_address": "localhost"}, InvalidArgumentError, ["HOST:PORT"]),
    ({"tune": {"units": "8..x"}}, InvalidArgumentError, ["is not a range"]),
])
def test_bad_search_arguments(kwargs, error, words, output_dir):
    with pytest.raises(error) as raised:
        tuning.search("dense_mnist", output_dir=str(output_dir), **kwargs)
    for word in words:
        assert word in str(raised.value)


def test_an_unknown_model(output_dir):
    with pytest.raises(UnknownNameError, match="Did you mean 'dense_mnist'"):
        tuning.search("dense_minst", output_dir=str(output_dir))


def test_augmentation_needs_a_dataset_name(output_dir, task):
    with pytest.raises(InvalidArgumentError, match="'augment' selects a zoo.data augmentation"):
        tuning.search("cnn_cifar10", data=task, output_dir=str(output_dir))


def test_explicit_splits_must_be_three(output_dir, task):
    with pytest.raises(InvalidArgumentError, match=r"\(train, validation, test\)"):
        tuning.search("linear_mnist", data=task[:2], output_dir=str(output_dir))


@pytest.mark.parametrize("make, words", [
    (lambda: spaces.Float(1.0, 0.1), "min_value <= max_value"),
    (lambda: spaces.Float(0.0, 1.0, sampling="log"), "needs min_value > 0"),
    (lambda: spaces.Int(1, 10, step=1, sampling="log"), "> 1, a factor"),
    (lambda: spaces.Choice(()), "at least one value"),
    (lambda: spaces.Choice((1, 2), default=3), "not one of its values"),
    (lambda: spaces.parse("1..2:3:4"), "not a range"),
    (lambda: spaces.parse_assignments(["filters"]), "write NAME=SPEC"),
    (lambda: spaces.from_data({"x": {"type": "uniform"}}), "type of 'x'"),
])
def test_bad_specs(make, words):
    with pytest.raises(InvalidArgumentError, match=words.replace("(", r"\(")):
        make()


def test_the_command_line_says_one_line_and_exits_2(tmp_path):
    """Also quick: bad input is refused before TensorFlow is imported."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys, tuning.cli; code = tuning.cli.main(sys.argv[1:]); "
         "print('tensorflow' in sys.modules); sys.exit(code)",
         "dense_mnist", "--strategy", "grid", "--set", "learning_rate=1e-4..1e-2:log",
         "--output-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout.strip() == "False"
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("zoo tune: error: A grid search needs")
    assert not any(tmp_path.iterdir())


# `zoo tune cnn_fashion --set learning_rate=banana` was a 41-line traceback, exit status 1 and a
# half-made search folder; --set batch_size=banana failed inside every trial.
@pytest.mark.parametrize("argv, message", [
    (["--set", "learning_rate=banana"],
     "learning_rate='banana' is invalid: it must be a number greater than 0."),
    (["--set", "learning_rate=-1"], "learning_rate=-1 is invalid: it must be a number greater than 0."),
    (["--set", "learning_rate=0"], "learning_rate=0 is invalid: it must be a number greater than 0."),
    (["--set", "learning_rate=0..1e-2"],
     "learning_rate=0.0 is invalid: it must be a number greater than 0."),
    (["--strategy", "grid", "--set", "learning_rate=1e-3,-1e-3"],
     "learning_rate=-0.001 is invalid: it must be a number greater than 0."),
    (["--set", "batch_size=banana"],
     "batch_size='banana' is invalid: it must be a whole number of at least 1."),
    (["--set", "batch_size=0,64"], "batch_size=0 is invalid: it must be a whole number of at least 1."),
    (["--set", "batch_size=32.5"],
     "batch_size=32.5 is invalid: it must be a whole number of at least 1."),
    (["--set", "dropout=0.5,1.0"], "dropout=1.0 is invalid: it must be a number in [0, 1)."),
    (["--set", "dropout=0..1:0.5"], "dropout=1.0 is invalid: it must be a number in [0, 1)."),
    (["--set", "l2=-1e-4"], "l2=-0.0001 is invalid: it must be a number of at least 0."),
    (["--set", "filters=banana"], "filters='banana' is invalid: it must be a whole number of at least 1."),
    (["--set", "dense_units=0,64"], "dense_units=0 is invalid: it must be a whole number of at least 1."),
    (["--set", "batchnorm=maybe"], "batchnorm='maybe' is invalid: it must be True or False."),
    (["--compare", "grid,random", "--set", "learning_rate=-1"],
     "learning_rate=-1 is invalid: it must be a number greater than 0."),
    (["--prune", "mean"], "prune='mean' is invalid: expected 'median', 'percentile:P' with "
     "0 < P < 100 (keep the best P percent of the trials at each epoch, e.g. percentile:25), "
     "'asha' or 'asha:ETA' (successive halving keeping the best 1/ETA, ETA an integer of 2 or "
     "more) or 'none'."),
    (["--prune", "asha:1"], "prune='asha:1' is invalid: successive halving takes 'asha' (ETA 4) "
     "or 'asha:ETA' with ETA an integer of 2 or more (keep the best 1/ETA at each rung, e.g. "
     "asha:3)."),
    (["--prune", "asha", "--prune-interval", "3"], "prune_interval_epochs=3 does not go with "
     "prune='asha': successive halving checks at its rungs (the warm-up epochs times powers of "
     "ETA); leave the interval at 1."),
    (["--prune", "median", "--prune-warmup", "0"],
     "prune_warmup_epochs=0 is invalid: it must be a whole number of at least 1."),
    (["--prune", "median", "--prune-interval", "0"],
     "prune_interval_epochs=0 is invalid: it must be a whole number of at least 1."),
    (["--prune", "median", "--prune-margin", "-0.01"],
     "prune_margin=-0.01 is invalid: it must be a number of 0 or more, in the objective's units "
     "(e.g. 0.005)."),
    (["--time-budget", "soon"],
     "--time-budget 'soon' is invalid: expected a positive time such as 3600, 90m or 2h."),
    (["--time-budget=-5m"],
     "--time-budget '-5m' is invalid: expected a positive time such as 3600, 90m or 2h."),
    (["--objective", "val_accuracy,size"],
     "objective='val_accuracy,size' is invalid: expected a validation metric, or a metric and "
     "a cost separated by a comma (e.g. 'val_accuracy,params'); the costs are params, flops, "
     "latency_ms."),
    (["--pick", "0"], "pick=0 is invalid: it must be a whole number of at least 1."),
    (["--dataset", "imdb"], "cnn_fashion cannot take imdb (text data of shape (200,)): "
     "input_shape=(200,) is invalid: it must be a tuple of 3 positive whole numbers. Search a "
     "model made for that data (zoo list), or a --dataset of the model's kind (fashion_mnist)."),
])
def test_a_bad_value_is_one_error_line_and_no_folder(argv, message, tmp_path, capsys):
    import zoo.cli
    code = zoo.cli.main(["tune", "cnn_fashion", *argv, "--output-dir", str(tmp_path / "runs")])
    err = capsys.readouterr().err.strip().splitlines()
    assert (code, err) == (2, ["zoo tune: error: " + message])
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("space, message", [
    ({"epochs": "0,1"}, "epochs=0 is invalid: it must be a whole number of at least 1."),
    ({"dropout": {"type": "float", "min_value": 0.0, "max_value": 1.0, "step": 0.5}},
     "dropout=1.0 is invalid: it must be a number in [0, 1)."),
    ({"learning_rate": {"type": "fixed", "value": "fast"}},
     "learning_rate='fast' is invalid: it must be a number greater than 0."),
    ({"filters": {"type": "int", "min_value": 0, "max_value": 32, "step": 8}},
     "filters=0 is invalid: it must be a whole number of at least 1."),
])
def test_a_bad_space_file_leaves_the_search_folder_as_it_was(space, message, tmp_path, capsys):
    import json

    import zoo.cli
    folder = tmp_path / "search"
    folder.mkdir()
    (folder / "search.json").write_text('{"model": "cnn_fashion"}')
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    path = tmp_path / "space.json"
    path.write_text(json.dumps(space))
    code = zoo.cli.main(["tune", "cnn_fashion", "--space", str(path), "--search-dir", str(folder),
                         "--overwrite"])
    err = capsys.readouterr().err.strip().splitlines()
    assert (code, err) == (2, ["zoo tune: error: " + message])
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize("model", __import__("zoo").list_models())
def test_every_default_space_and_grid_passes_the_checks(model):
    assert spaces.resolve(model)
    assert spaces.resolve(model, spaces.grid_space(model))


def test_overwrite_refuses_while_the_search_runs_and_deletes_nothing(tmp_path, capsys):
    import fcntl

    import zoo.cli
    folder = tmp_path / "search"
    folder.mkdir()
    (folder / "search.json").write_text('{"model": "linear_mnist"}')
    (folder / "trials.json").write_text("[]")
    with open(folder / ".lock", "a") as held:  # as the running search holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code = zoo.cli.main(["tune", "linear_mnist", "--search-dir", str(folder),
                             "--overwrite", "--max-trials", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "Another process is searching" in err[0]
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "search.json", "trials.json"]

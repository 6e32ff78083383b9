"""A time budget: the search stops starting trials once its wall time is spent, finishes cleanly
(table, best retrained), and the same search run again with a larger budget goes on from where it
stopped, its earlier trials kept."""
import contextlib
import io

import tuning
from tuning.oracles import make_oracle

SPACE = {"learning_rate": "1e-4..1e-1:log"}


def _search(folder, task, parse_space, budget, max_trials=200, retrain=False):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = tuning.search("linear_mnist", data=task, batch_size=64, epochs=1,
                               space=parse_space(SPACE), max_trials=max_trials,
                               time_budget_s=budget, search_dir=folder, retrain=retrain)
    return result, out.getvalue()


def test_a_spent_budget_ends_the_search_and_a_larger_one_extends_it(tmp_path, task, parse_space):
    folder = tmp_path / "search"
    first, output = _search(folder, task, parse_space, budget=2, retrain=True)
    assert first.stopped_by == "time budget"
    assert 1 <= len(first.trials) < 200
    assert "The time budget of 2 s is spent" in output
    assert first.test is not None and first.model_path.exists()  # retrained, tested once

    again, output = _search(folder, task, parse_space, budget=2)  # nothing left: no new trial
    assert len(again.trials) == len(first.trials)

    extended, output = _search(folder, task, parse_space, budget=600,
                               max_trials=len(first.trials) + 2)
    assert f"({len(first.trials)} trials done)" in output
    assert len(extended.trials) == len(first.trials) + 2
    assert extended.trials[:len(first.trials)] == first.trials  # the earlier trials kept


def test_the_clock_counts_every_run_of_the_search(tmp_path):
    import keras_tuner
    oracle = make_oracle("random", objective=keras_tuner.Objective("val_accuracy", "max"),
                         max_trials=5, seed=1, epochs=1, num_dimensions=1)
    oracle.time_budget_s = 100.0
    assert not oracle.out_of_time()  # the clock starts with the first trial
    state = oracle.get_state()
    state["zoo_elapsed_s"] = 99.5  # as saved by an earlier run
    oracle.set_state(state)
    assert not oracle.out_of_time()
    state["zoo_elapsed_s"] = 100.0
    oracle.set_state(state)
    assert oracle.out_of_time()


def test_a_larger_max_trials_extends_a_finished_search(tmp_path, task, parse_space):
    folder = tmp_path / "search"
    first, _ = _search(folder, task, parse_space, budget=None, max_trials=2)
    assert first.stopped_by == "trials" and len(first.trials) == 2
    extended, output = _search(folder, task, parse_space, budget=None, max_trials=4)
    assert "(2 trials done)" in output
    assert len(extended.trials) == 4 and extended.trials[:2] == first.trials

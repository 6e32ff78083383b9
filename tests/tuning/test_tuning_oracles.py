"""The oracles' repairs, without training: a grid search reloaded after an interruption continues
its walk (keras-tuner issue #1055), a trial the oracle never recorded is forgotten, and Bayesian
optimisation does not try a point twice; and whom the pruning rules judge a trial against."""
import json

import keras_tuner as kt
import pytest
from keras_tuner import oracles as kt_oracles

from tuning import oracles
from tuning.pruning import EPOCH_REPORT, PRUNED_EPOCH, Pruner

OBJECTIVE = kt.Objective("score", "max")


def space():
    hp = kt.HyperParameters()
    hp.Choice("a", [1, 2, 3])
    hp.Choice("b", [10, 20])
    return hp


def make(kind, folder, **options):
    oracle = kind(objective=OBJECTIVE, hyperparameters=space(), seed=1, **options)
    oracle._set_project_dir(str(folder), "project")
    if (folder / "project" / "oracle.json").exists():
        oracle.reload()
    return oracle


def run(oracle, trials, score=lambda values: values["a"] + values["b"] / 100):
    """Run up to `trials` trials; return their values. The last one may be left running."""
    seen = []
    for _ in range(trials):
        trial = oracle.create_trial("tuner0")
        if trial.status != "RUNNING":
            break
        values = dict(trial.hyperparameters.values)
        seen.append(values)
        oracle.update_trial(trial.trial_id, {"score": score(values)})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    return seen


def interrupt(oracle):
    """A trial created and never ended: the process was killed during it."""
    return oracle.create_trial("tuner0")


def test_keras_tuners_grid_fails_on_resume(tmp_path):
    """The bug: keras-tuner 1.4.8's own GridSearchOracle, reloaded, dies with KeyError."""
    first = make(kt_oracles.GridSearchOracle, tmp_path, max_trials=6)
    run(first, 2)
    interrupt(first)
    again = make(kt_oracles.GridSearchOracle, tmp_path, max_trials=6)
    with pytest.raises(KeyError):
        run(again, 6)


def test_our_grid_resumes_and_covers_the_grid_once(tmp_path):
    first = make(oracles.GridSearchOracle, tmp_path, max_trials=6)
    before = run(first, 2)
    killed = interrupt(first)
    again = make(oracles.GridSearchOracle, tmp_path, max_trials=6)
    after = run(again, 10)
    assert after[0] == dict(killed.hyperparameters.values)  # the interrupted trial, first
    points = [tuple(sorted(v.items())) for v in before + after]
    assert len(points) == len(set(points)) == 6


def test_a_trial_the_oracle_never_recorded_is_forgotten(tmp_path):
    """Killed between keras-tuner's write of the trial's file and of its own state."""
    first = make(oracles.RandomSearchOracle, tmp_path, max_trials=4)
    run(first, 2)
    orphan = tmp_path / "project" / "trial_2" / "trial.json"
    state = json.loads((tmp_path / "project" / "trial_1" / "trial.json").read_text())
    orphan.parent.mkdir()
    orphan.write_text(json.dumps({**state, "trial_id": "2", "status": "RUNNING"}))
    again = make(oracles.RandomSearchOracle, tmp_path, max_trials=4)
    assert set(again.trials) == {"0", "1"}
    run(again, 4)
    assert sorted(again.trials) == ["0", "1", "2", "3"]
    assert all(t.status == "COMPLETED" for t in again.trials.values())


def test_bayesian_never_tries_a_point_twice(tmp_path):
    oracle = make(oracles.BayesianOptimizationOracle, tmp_path, max_trials=6,
                  num_initial_points=2)
    seen = run(oracle, 6)
    points = [tuple(sorted(v.items())) for v in seen]
    assert len(points) == len(set(points)) == 6
    assert run(oracle, 1) == []  # the 6 points are all there is


def _pruned_at(oracle, first_epoch_scores, epochs=2):
    """Trials reported one after another, each `epochs` long unless the oracle prunes it (its
    later epochs score like its first): the epoch each was pruned at, or None."""
    stops = []
    for first in first_epoch_scores:
        trial = oracle.create_trial("tuner0")
        stop = None
        for step in range(epochs):
            answer = oracle.update_trial(trial.trial_id, {"score": first + 0.001 * step,
                                                          EPOCH_REPORT: epochs}, step=step)
            if answer.metrics.exists(PRUNED_EPOCH):
                stop = int(answer.metrics.get_last_value(PRUNED_EPOCH))
                break
        oracle.update_trial(trial.trial_id, {"score": first})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
        stops.append(stop)
    return stops


@pytest.mark.parametrize("rule, expected", [
    # Successive halving: the fourth trial (0.8) is among the best half of the four that reached
    # epoch 1 (0.9, 0.5, 0.4 and itself), pruned ones included, and goes on (epoch 2, the last,
    # is never a stop).
    ("asha:2", [None, 1, 1, None]),
    # The median rule judges it against the finished, unpruned trials only (0.9): pruned.
    ("median", [None, 1, 1, 1]),
])
def test_each_rule_judges_a_trial_against_its_own_reference_trials(tmp_path, rule, expected):
    oracle = make(oracles.RandomSearchOracle, tmp_path, max_trials=10)
    oracle.pruner = Pruner.parse(rule, warmup_epochs=1, startup_trials=1)
    assert _pruned_at(oracle, [0.9, 0.5, 0.4, 0.8]) == expected

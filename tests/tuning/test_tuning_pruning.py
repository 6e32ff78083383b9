"""Pruning: the rule (Optuna's median and percentile pruners) and a search that applies it, in
every strategy: pruned trials stop at the epoch the rule says, keep their score and that epoch in
the table, and never become the best; the same configurations score the same with and without
pruning (a trial's seed comes from its configuration)."""
import contextlib
import io
import json

import pytest

import tuning
from tuning.pruning import Pruner, running_best
from zoo.errors import InvalidArgumentError

STRATEGIES = ("grid", "random", "bayesian", "hyperband")


def test_median_prunes_below_the_median_only_after_its_warmup():
    rule = Pruner.parse("median", warmup_epochs=2, startup_trials=3)
    others = [0.80, 0.70, 0.90]
    assert rule.prunes(0.75, others, epoch=2, direction="max")
    assert not rule.prunes(0.85, others, epoch=2, direction="max")
    assert not rule.prunes(0.10, others, epoch=1, direction="max")       # warm-up epoch
    assert not rule.prunes(0.10, others[:2], epoch=2, direction="max")   # too few trials
    assert rule.prunes(0.95, [1.0, 0.5, 0.9], epoch=2, direction="min")  # losses: lower wins
    assert rule.prunes(float("nan"), others, epoch=2, direction="max")   # diverged


def test_a_percentile_keeps_that_share_of_the_trials():
    others = [0.1 * i for i in range(1, 11)]  # 0.1 .. 1.0
    keep_20 = Pruner.parse("percentile:20", startup_trials=1)
    keep_90 = Pruner.parse("percentile:90", startup_trials=1)
    assert keep_20.prunes(0.75, others, epoch=1, direction="max")
    assert not keep_20.prunes(0.95, others, epoch=1, direction="max")
    assert not keep_90.prunes(0.25, others, epoch=1, direction="max")
    assert not Pruner.parse("none").prunes(0.0, others, epoch=5, direction="max")


def test_a_margin_spares_trials_within_it_of_the_share():
    others = [0.80, 0.70, 0.90]  # median 0.80
    rule = Pruner.parse("median", startup_trials=3, margin=0.01)
    assert not rule.prunes(0.795, others, epoch=1, direction="max")  # behind by 0.005
    assert rule.prunes(0.785, others, epoch=1, direction="max")      # behind by 0.015
    assert not rule.prunes(0.805, [0.8, 0.7, 0.9], epoch=1, direction="min")
    assert rule.prunes(0.815, [0.8, 0.7, 0.9], epoch=1, direction="min")
    assert "by more than 0.01" in rule.describe()
    with pytest.raises(InvalidArgumentError, match="prune_margin=-0.1 is invalid"):
        Pruner.parse("median", margin=-0.1)


def test_an_interval_checks_the_rule_only_every_few_epochs_after_the_warmup():
    others = [0.80, 0.70, 0.90]  # median 0.80
    rule = Pruner.parse("median", warmup_epochs=2, startup_trials=3, interval_epochs=3)
    checked = [e for e in range(1, 11) if rule.prunes(0.5, others, epoch=e, direction="max")]
    assert checked == [2, 5, 8]
    assert "every 3 epochs" in rule.describe()
    every = Pruner.parse("median", warmup_epochs=2, startup_trials=3)
    assert [e for e in range(1, 6) if every.prunes(0.5, others, epoch=e, direction="max")] \
        == [2, 3, 4, 5]


def test_successive_halving_checks_at_its_rungs_only():
    others = [0.9]
    rule = Pruner.parse("asha:3", warmup_epochs=2, startup_trials=1)
    assert [e for e in range(1, 40) if rule.prunes(0.5, others, epoch=e, direction="max")] \
        == [2, 6, 18]
    assert [e for e in range(1, 20) if Pruner.parse("asha", startup_trials=1).checks(e)] \
        == [1, 4, 16]  # ETA 4 by default, as in Optuna
    assert "at epochs 2, 6, ..." in rule.describe() and "best 1/3" in rule.describe()


def test_successive_halving_keeps_the_best_share_of_every_trial_that_reached_the_rung():
    rule = Pruner.parse("asha:2", warmup_epochs=1, startup_trials=1)
    # Two trials at the rung (itself included): only the better one goes on.
    assert rule.prunes(0.8, [0.9], epoch=1, direction="max")
    assert not rule.prunes(0.9, [0.8], epoch=1, direction="max")
    # Six: the best three go on (the third best is the bar).
    six = [0.95, 0.9, 0.7, 0.6, 0.5]
    assert not rule.prunes(0.8, six, epoch=1, direction="max")
    assert rule.prunes(0.65, six, epoch=1, direction="max")
    assert rule.prunes(0.3, [0.1, 0.2, 0.4], epoch=1, direction="min")  # losses: lower wins
    assert not rule.prunes(0.15, [0.1, 0.2, 0.4], epoch=1, direction="min")
    assert not rule.prunes(0.1, [], epoch=1, direction="max")  # the first trial at the rung
    margin = Pruner.parse("asha:2", startup_trials=1, margin=0.05)
    assert not margin.prunes(0.86, [0.9], epoch=1, direction="max")  # behind by 0.04
    assert margin.prunes(0.84, [0.9], epoch=1, direction="max")
    waits = Pruner.parse("asha:2", startup_trials=3)
    assert not waits.prunes(0.1, [0.9, 0.8], epoch=1, direction="max")  # too few at the rung
    assert waits.prunes(0.1, [0.9, 0.8, 0.7], epoch=1, direction="max")


def test_a_rule_reads_back_from_its_text():
    for text in ("none", "median", "percentile:25", "asha:4", "asha:2"):
        assert Pruner.parse(text).text() == text
    assert Pruner.parse("asha").text() == "asha:4"
    assert Pruner.parse("asha:2").judges_against_all
    assert not Pruner.parse("median").judges_against_all


@pytest.mark.parametrize("text", ["asha:1", "asha:x", "asha:2.5"])
def test_a_bad_halving_is_refused_with_what_is_expected(text):
    with pytest.raises(InvalidArgumentError, match="'asha:ETA' with ETA an integer of 2 or more"):
        Pruner.parse(text)
    with pytest.raises(InvalidArgumentError, match="prune_interval_epochs=3 does not go with"):
        Pruner.parse("asha", interval_epochs=3)


@pytest.mark.parametrize("text", ["mean", "percentile:0", "percentile:100", "percentile:x", ""])
def test_a_bad_rule_is_refused_with_what_is_expected(text):
    if text == "":
        assert not Pruner.parse(text).active  # empty is "none"
        return
    with pytest.raises(InvalidArgumentError, match="expected 'median', 'percentile:P'.*'asha'"):
        Pruner.parse(text)


def test_running_best_is_a_running_best():
    assert running_best([0.5, 0.4, 0.7, 0.6], "max") == [0.5, 0.5, 0.7, 0.7]
    assert running_best([0.5, 0.4, 0.7, 0.3], "min") == [0.5, 0.4, 0.4, 0.3]


# A space with a configuration that cannot learn in 3 epochs (learning rate 1e-7): some trial of
# every strategy meets the pruner.
SPACE = {"learning_rate": "1e-2,1e-7", "l2": "0.0,1e-4"}
OPTIONS = {
    "grid": {"epochs": 3},
    "random": {"epochs": 3, "max_trials": 4},
    "bayesian": {"epochs": 3, "max_trials": 4},
    "hyperband": {"epochs": 3, "max_trials": 6, "strategy_options": {"factor": 2}},
}


def _search(folder, strategy, task, parse_space, prune):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = tuning.search("linear_mnist", strategy=strategy, data=task, batch_size=64,
                               space=parse_space(SPACE), search_dir=folder, retrain=False,
                               prune=prune, prune_warmup_epochs=1, prune_startup_trials=1,
                               **OPTIONS[strategy])
    return result, out.getvalue()


def _trial_records(folder) -> dict:
    return {int(p.parent.name.split("_")[1]) + 1: json.loads(p.read_text())
            for p in (folder / "trials").glob("trial_*/trial.json")}


def _curve(record) -> dict:
    observations = record["metrics"]["metrics"]["curve/val_accuracy"]["observations"]
    return {o["step"] + 1: o["value"][0] for o in observations}


@pytest.fixture(scope="module", params=STRATEGIES)
def pruned_search(request, tmp_path_factory, task, parse_space):
    folder = tmp_path_factory.mktemp(request.param)
    result, output = _search(folder / "pruned", request.param, task, parse_space, "median")
    return request.param, folder, result, output


def test_every_strategy_prunes_and_records_where(pruned_search):
    strategy, folder, result, output = pruned_search
    rows = {row["trial"]: row for row in result.trials}
    pruned = [row for row in rows.values() if row["status"] == "PRUNED"]
    assert pruned, f"{strategy}: no trial pruned\n{output}"
    records = _trial_records(folder / "pruned")
    for row in pruned:
        curve = _curve(records[row["trial"]])
        assert row["pruned_epoch"] < OPTIONS[strategy]["epochs"]
        assert max(curve) == row["pruned_epoch"]  # trained no further than that epoch
        assert row["val_accuracy"] == pytest.approx(max(curve.values()))
        assert f"trial {row['trial']}/" in output and "pruned after epoch" in output
    assert rows[result.best_trial]["status"] == "COMPLETED"
    assert all(row["pruned_epoch"] is None for row in rows.values() if "pruned_epoch" in row
               and row["status"] != "PRUNED")


def test_each_pruning_follows_the_rule(pruned_search):
    """Replayed from the saved records: at the epoch a trial was pruned, its best score was below
    the median of the unpruned trials that had finished before it started; before that epoch,
    it was not (the rule is checked after every epoch)."""
    strategy, folder, result, _ = pruned_search
    if strategy == "hyperband":
        pytest.skip("Hyperband's continued trials start from their parents' epochs")
    records = _trial_records(folder / "pruned")
    order = json.loads((folder / "pruned" / "trials" / "oracle.json").read_text())["end_order"]
    rule = Pruner.parse("median", warmup_epochs=1, startup_trials=1)
    finished = []
    for trial_id in order:
        number = int(trial_id) + 1
        curve, row = _curve(records[number]), next(r for r in result.trials
                                                   if r["trial"] == number)
        best = dict(zip(sorted(curve), running_best([curve[e] for e in sorted(curve)], "max")))
        stops = [e for e in sorted(curve) if e < OPTIONS[strategy]["epochs"] and rule.prunes(
            best[e], [c[e] for c in finished if e in c], epoch=e, direction="max")]
        assert (stops[0] if stops else None) == row.get("pruned_epoch"), number
        if row["status"] == "COMPLETED":
            finished.append(dict(zip(sorted(curve), running_best(
                [curve[e] for e in sorted(curve)], "max"))))


def test_a_trial_scores_the_same_with_and_without_pruning(pruned_search, task, parse_space):
    """Same configurations, same seeds: a pruned trial's epochs are the unpruned one's."""
    strategy, folder, result, _ = pruned_search
    if strategy != "random":
        pytest.skip("one strategy is enough to compare")
    unpruned, _ = _search(folder / "unpruned", strategy, task, parse_space, "none")
    full = {row["trial"]: row for row in unpruned.trials}
    records = _trial_records(folder / "unpruned")
    for row in result.trials:
        twin = full[row["trial"]]
        assert (row["learning_rate"], row["l2"], row["seed"]) == \
            (twin["learning_rate"], twin["l2"], twin["seed"])
        if row["status"] == "PRUNED":
            curve = _curve(records[row["trial"]])
            assert row["val_accuracy"] == pytest.approx(
                max(curve[e] for e in curve if e <= row["pruned_epoch"]), abs=1e-6)
        else:
            assert row["val_accuracy"] == pytest.approx(twin["val_accuracy"], abs=1e-6)


def test_successive_halving_judges_each_trial_against_every_trial_that_reached_the_rung(
        tmp_path, task, parse_space):
    """Replayed from the saved records of a random search pruned by asha:2 from epoch 1 (rungs
    1 and 2): at each rung a trial went on only if among the best half of all the trials that
    had reached it before it (pruned ones included), and it stopped at the first rung it was not."""
    result, output = _search(tmp_path, "random", task, parse_space, "asha:2")
    assert "successive halving" in output
    rows = {row["trial"]: row for row in result.trials}
    assert any(row["status"] == "PRUNED" for row in rows.values()), output
    records = _trial_records(tmp_path)
    order = json.loads((tmp_path / "trials" / "oracle.json").read_text())["end_order"]
    rule = Pruner.parse("asha:2", warmup_epochs=1, startup_trials=1)
    reached = []  # every earlier trial's best-so-far curve, as far as it trained
    for trial_id in order:
        number = int(trial_id) + 1
        curve = _curve(records[number])
        best = dict(zip(sorted(curve), running_best([curve[e] for e in sorted(curve)], "max")))
        stops = [e for e in sorted(curve) if e < OPTIONS["random"]["epochs"] and rule.prunes(
            best[e], [c[e] for c in reached if e in c], epoch=e, direction="max")]
        assert (stops[0] if stops else None) == rows[number].get("pruned_epoch"), number
        reached.append(best)
    assert rows[result.best_trial]["status"] == "COMPLETED"

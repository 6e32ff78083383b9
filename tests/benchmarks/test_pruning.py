"""benchmarks/pruning.py --tally: the replayed rules summed up over the seeds of several runs."""
import json

import pytest

from benchmarks import pruning


def report(**seeds):
    """A pruning.json with replays only: seed -> {rule: (time ratio, points lost)}."""
    return {"replayed": {seed.lstrip("s"): {"rules": {
        rule: {"time_ratio": t, "points_lost": lost} for rule, (t, lost) in rules.items()}}
        for seed, rules in seeds.items()}}


def test_tally_counts_the_seeds_over_the_limit_and_sorts_by_them_then_time():
    first = report(s5={"fast": (0.4, 0.38), "slow": (0.7, 0.0)},
                   s6={"fast": (0.5, 0.0), "slow": (0.6, 0.3)})
    second = report(s8={"fast": (0.3, 0.92), "slow": (0.8, 0.0)})
    rows = pruning.tally([first, second])
    assert [r["rule"] for r in rows] == ["slow", "fast"]  # no seed over 0.3 comes first
    slow, fast = rows
    assert slow == {"rule": "slow", "seeds": 3, "seeds_over_limit": 0, "mean_time_ratio": 0.7,
                    "worst_time_ratio": 0.8, "worst_points_lost": 0.3}
    assert fast["seeds_over_limit"] == 2 and fast["worst_points_lost"] == 0.92
    assert fast["mean_time_ratio"] == pytest.approx(0.4)


def test_tally_refuses_a_seed_given_twice(tmp_path, capsys):
    with pytest.raises(ValueError, match="seed 5 is in two of the reports"):
        pruning.tally([report(s5={"r": (0.5, 0.0)}), report(s5={"r": (0.4, 0.0)})])
    path = tmp_path / "pruning.json"
    path.write_text(json.dumps(report(s5={"r": (0.5, 0.0)})))
    with pytest.raises(SystemExit) as exit_:  # at the command line: exit status 2, and why
        pruning.main(["--tally", str(path), str(path)])
    assert exit_.value.code == 2 and "give each seed once" in capsys.readouterr().err


def test_tally_from_the_command_line_runs_nothing(tmp_path, capsys):
    path = tmp_path / "pruning.json"
    path.write_text(json.dumps(report(s1={"median, warm-up 1, margin 0": (0.45, 0.5)})))
    out = pruning.main(["--tally", str(path), "--output-dir", str(tmp_path / "runs")])
    assert out["tally"][0]["seeds_over_limit"] == 1
    assert "| median, warm-up 1, margin 0 | 1 of 1 | 0.45 (0.45) | 0.5 |" in capsys.readouterr().out
    assert not (tmp_path / "runs").exists()


def trials(*curves, seconds=10.0):
    return [{"trial": i + 1, "seconds": seconds, "curve": list(c)} for i, c in enumerate(curves)]


# Three trials that finish, then a late starter (behind at epoch 1, the best at epoch 3) and a
# hopeless one: 4 epochs each.
CURVES = trials([0.80, 0.82, 0.83, 0.84], [0.70, 0.75, 0.78, 0.80], [0.78, 0.80, 0.81, 0.82],
                [0.60, 0.79, 0.88, 0.90], [0.50, 0.52, 0.53, 0.54])


def test_replay_prunes_as_the_rule_says_and_models_the_time():
    rules = pruning.replay(CURVES, overhead_s=2.0)["rules"]
    # Median after every epoch from epoch 1: the late starter stops at epoch 1 (0.60 < 0.78),
    # the hopeless one too: the best left is 0.84, 6 points lost; time: 3 full trials + 2 stopped
    # at 1 of 4 epochs (2 s fixed + 2 s per epoch each) over 5 full trials.
    assert rules["median, warm-up 1, margin 0"] == {"time_ratio": round((30 + 2 * 4) / 50, 3),
                                                    "points_lost": 6.0}
    # Every 3 epochs from epoch 1 (1, then 4, the last, which never stops a trial): the same.
    assert rules["median, warm-up 1, margin 0, every 3 epochs"]["points_lost"] == 6.0
    # From epoch 2, every 3 (2 only, the last epoch is never a stop): the late starter, at its
    # best 0.79 against the median 0.80, is still pruned; by 0.01 margin it is kept.
    assert rules["median, warm-up 2, margin 0, every 3 epochs"]["points_lost"] == 6.0
    kept = rules["median, warm-up 2, margin 0.01, every 3 epochs"]
    assert kept["points_lost"] == 0.0
    assert kept["time_ratio"] == round((40 + 2 + 2 * 2) / 50, 3)  # the hopeless one stopped at 2


def test_replay_halves_against_every_trial_that_reached_the_rung():
    rules = pruning.replay(CURVES, overhead_s=2.0)["rules"]
    # asha:2 from epoch 1, judged once one other trial got there: at epoch 1 each later trial
    # must be among the best half of all before it and itself: the second (0.70 against 0.80)
    # and third (0.78) are not, nor the late starter (0.60, the bar 0.78 of four), nor the
    # hopeless one. 6 points lost; 1 full trial and 4 stopped at 1 epoch (2 s + 2 s each).
    assert rules["asha:2, warm-up 1, margin 0, start-up 1"] == {
        "time_ratio": round((10 + 4 * 4) / 50, 3), "points_lost": 6.0}
    # From epoch 2: the late starter (0.79) is behind the second best of four (0.80, the third
    # trial's, pruned there itself) by 0.01; with a margin of 0.01 it goes on and is the best.
    assert rules["asha:2, warm-up 2, margin 0, start-up 1"]["points_lost"] == 6.0
    assert rules["asha:2, warm-up 2, margin 0.01, start-up 1"] == {
        "time_ratio": round((2 * 10 + 3 * 6) / 50, 3), "points_lost": 0.0}


def test_tally_replays_todays_rules_on_the_trials_a_report_kept():
    old = report(s3={"median, warm-up 1, margin 0": (0.1, 9.9)})  # replays of an older grid
    old["trial_records"] = {"3": CURVES}
    old["replayed"]["3"]["fixed_cost_per_trial_s"] = 2.0
    rows = {r["rule"]: r for r in pruning.tally([old])}
    assert len(rows) == len(pruning.REPLAYED)
    assert rows["median, warm-up 1, margin 0"]["worst_points_lost"] == 6.0


def _unpruned_search(folder, seed, prune="none"):
    folder.mkdir()
    (folder / "search.json").write_text(json.dumps({"seed": seed, "prune": prune}))
    rows = [{"trial": t["trial"], "seconds": t["seconds"], "status": "COMPLETED"} for t in CURVES]
    (folder / "trials.json").write_text(json.dumps(rows))
    for t in CURVES:  # keras-tuner's trial records, with the oracle's per-epoch curve
        record = folder / "trials" / f"trial_{t['trial'] - 1:02d}" / "trial.json"
        record.parent.mkdir(parents=True)
        record.write_text(json.dumps({"trial_id": f"{t['trial'] - 1:02d}", "metrics": {"metrics": {
            "curve/val_accuracy": {"observations": [
                {"step": e, "value": [v]} for e, v in enumerate(t["curve"])]}}}}))


def test_replay_from_the_command_line_reads_unpruned_searches(tmp_path, capsys):
    _unpruned_search(tmp_path / "a", 11)
    out = pruning.main(["--replay", str(tmp_path / "a"), "--output-dir", str(tmp_path / "o")])
    rows = {r["rule"]: r for r in out["tally"]}
    assert rows["median, warm-up 2, margin 0.01, every 3 epochs"]["worst_points_lost"] == 0.0
    saved = json.loads((tmp_path / "o" / "replayed.json").read_text())
    assert saved["trial_records"]["11"][3]["curve"] == CURVES[3]["curve"]
    assert {r["rule"]: r for r in pruning.tally([saved])} == rows  # a report for later tallies
    _unpruned_search(tmp_path / "b", 12, prune="median")
    with pytest.raises(SystemExit) as exit_:
        pruning.main(["--replay", str(tmp_path / "b"), "--output-dir", str(tmp_path / "o")])
    assert exit_.value.code == 2 and "is a pruned search" in capsys.readouterr().err


def test_cut_to_keeps_the_first_epochs_and_their_time():
    cut = pruning.cut_to(CURVES, 2, overhead_s=2.0)
    assert [t["curve"] for t in cut] == [t["curve"][:2] for t in CURVES]
    assert {t["seconds"] for t in cut} == {2.0 + 2 * (10.0 - 2.0) / 4}
    with pytest.raises(ValueError, match="cannot cut trial 1 to 5 epochs: it trained 4"):
        pruning.cut_to(CURVES, 5, overhead_s=2.0)


def test_tally_replays_searches_cut_to_fewer_epochs(tmp_path, capsys):
    kept = report(s3={"median, warm-up 1, margin 0": (0.1, 9.9)})
    kept["trial_records"] = {"3": CURVES}
    kept["replayed"]["3"]["fixed_cost_per_trial_s"] = 2.0
    rule = "median, warm-up 1, margin 0"
    # After 4 epochs the late starter is the best, and the rule loses it (6 points); cut to 2
    # epochs, the best is the first trial's 0.82, which the rule keeps. Both stopped at epoch 1:
    # 3 trials of 2 + 2 * 2 s and 2 of 2 + 2 s, over 5 of 6 s.
    assert {r["rule"]: r for r in pruning.tally([kept])}[rule]["worst_points_lost"] == 6.0
    cut = {r["rule"]: r for r in pruning.tally([kept], epochs=2)}[rule]
    assert cut["worst_points_lost"] == 0.0
    assert cut["mean_time_ratio"] == round((3 * 6 + 2 * 4) / 30, 3)
    with pytest.raises(ValueError, match="keeps its replays but not its trials"):
        pruning.tally([report(s5={rule: (0.5, 0.0)})], epochs=2)
    with pytest.raises(SystemExit) as exit_:  # only with --tally or --replay
        pruning.main(["--replay-epochs", "2", "--output-dir", str(tmp_path / "o")])
    assert exit_.value.code == 2 and "goes with --tally or --replay" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_pooled_trials_puts_every_search_in_units_of_its_own_pace():
    slow = report(s1={"r": (0.5, 0.0)})
    slow["trial_records"] = {"1": trials([0.8, 0.8], [0.7, 0.7], seconds=30.0)}
    slow["replayed"]["1"]["fixed_cost_per_trial_s"] = 6.0
    fast = report(s2={"r": (0.5, 0.0)})
    fast["trial_records"] = {"2": [{"trial": 1, "seconds": 5.0, "curve": [0.9]},
                                   {"trial": 2, "seconds": 15.0, "curve": [0.6]}]}
    fast["replayed"]["2"]["fixed_cost_per_trial_s"] = 2.0
    pool = pruning.pooled_trials([slow, fast])
    assert [(t["seconds"], t["fixed_s"]) for t in pool] == [(1.0, 0.2), (1.0, 0.2),
                                                             (0.5, 0.2), (1.5, 0.2)]
    assert [t["curve"] for t in pool] == [[0.8, 0.8], [0.7, 0.7], [0.9], [0.6]]
    with pytest.raises(ValueError, match="seed 1 is in two of the reports"):
        pruning.pooled_trials([slow, slow])  # its trials would be drawn twice as often


HALVING = ("asha:2", 1, 0.0, 1, 1)  # successive halving from epoch 1, judged once one got there


def test_resample_gives_each_rule_its_odds_over_random_draws(monkeypatch):
    monkeypatch.setattr(pruning, "REPLAYED", [HALVING])
    name = pruning.rule_name("asha:2", 1, 0.0, 1, 1)
    # Two trials, a steady one and a late starter that ends best; a search draws both in either
    # order. Steady first: the late starter (0.6 against 0.8 at epoch 1) is pruned there, 10
    # points lost in 1 + 1/4 of the time of 2 trials; late starter first: both train to the end.
    steady, late = trials([0.8] * 4, [0.6, 0.7, 0.85, 0.9])
    row, = pruning.resample([steady, late], trials=2, rounds=400, seeds=1, time_goal=0.7)
    assert row["rule"] == name and row["rounds"] == 400
    assert 0.4 < row["search_over_limit"] < 0.6  # one search in two loses the best
    assert row["goal_met"] == 0.0  # on those the time is 0.625 but 10 points are lost
    expected = 1 - row["search_over_limit"] * (1 - (10 + 2.5) / 20)
    assert row["mean_time_ratio"] == pytest.approx(expected, abs=1e-3)
    # Two steady trials and two hopeless ones. A steady one first: both hopeless ones are
    # pruned at epoch 1 (time 0.625, one draw in 2). A hopeless one first trains to the end
    # (nothing to judge it against), and so does a second one right after it (level with it;
    # time 1, one draw in 6); after a steady one it is pruned (0.8125, one in 3). Nothing lost.
    pool = trials([0.8] * 4, [0.8] * 4, [0.5] * 4, [0.5] * 4)
    row, = pruning.resample(pool, trials=4, rounds=400, seeds=1, time_goal=0.7)
    assert row["search_over_limit"] == 0.0
    assert 0.4 < row["goal_met"] < 0.6  # met exactly when a steady trial comes first
    assert row["mean_time_ratio"] == pytest.approx(0.625 / 2 + 1 / 6 + 0.8125 / 3, abs=0.03)
    # Three searches a round: the goal asks for all of them within the limit, and the mean time.
    row, = pruning.resample(pool * 3, trials=4, rounds=200, seeds=3, time_goal=0.7)
    assert row["goal_met"] < 0.5


def test_resample_refuses_more_trials_than_the_reports_kept(tmp_path, capsys):
    with pytest.raises(ValueError, match="3 searches of 24 trials need 72 trials; the reports "
                                         "kept 5"):
        pruning.resample(CURVES, trials=24, rounds=1)
    kept = report(s3={"median, warm-up 1, margin 0": (0.1, 9.9)})
    kept["trial_records"] = {"3": CURVES}
    kept["replayed"]["3"]["fixed_cost_per_trial_s"] = 2.0
    path = tmp_path / "pruning.json"
    path.write_text(json.dumps(kept))
    with pytest.raises(SystemExit) as exit_:
        pruning.main(["--tally", str(path), "--resample", "10"])
    assert exit_.value.code == 2 and "need 72 trials" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # only with --tally
        pruning.main(["--resample", "10", "--output-dir", str(tmp_path / "o")])
    assert exit_.value.code == 2 and "goes with --tally" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()

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

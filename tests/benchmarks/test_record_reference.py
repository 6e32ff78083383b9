"""benchmarks/record_reference.py: seeds merge into one row, and --add extends a recorded row."""
import json

import pytest

from benchmarks import record_reference


def run_row(seed, value, wall=100.0):
    return {"model": "resnet9", "dataset": "cifar10", "metric": "accuracy", "value": value,
            "epochs": 16, "wall_time_s": wall, "recipe": "recipes/resnet9.py",
            "target": "goal >= 0.90 within 30 min", "test_examples": 10000,
            "machine": "x86_64", "date": f"2026-11-2{seed}", "seed": seed, "versions": {}}


def test_seeds_make_one_row_with_mean_spread_and_goal_words():
    row = record_reference.merged([run_row(0, 0.89), run_row(1, 0.91)])
    assert row["value"] == 0.9 and row["std"] == pytest.approx(0.0141, abs=1e-4)
    assert [s["seed"] for s in row["seeds"]] == [0, 1]
    assert row["target"] == "goal >= 0.90 within 30 min (met)"
    assert record_reference.merged([run_row(0, 0.91, wall=1900.0)])["target"].endswith("(not met)")


def test_add_extends_the_recorded_seeds_and_recounts_the_goal():
    recorded = record_reference.merged([run_row(0, 0.89), run_row(1, 0.895)])
    assert recorded["target"].endswith("(not met)")
    row = record_reference.merged(record_reference.added_to(recorded, [run_row(2, 0.93)]))
    assert [s["seed"] for s in row["seeds"]] == [0, 1, 2]
    assert row["value"] == pytest.approx(0.905) and row["date"] == "2026-11-22"
    assert row["target"] == "goal >= 0.90 within 30 min (met)"
    with pytest.raises(SystemExit, match="repeat a seed"):
        record_reference.merged(record_reference.recorded_rows(recorded) + [run_row(1, 0.9)])


def test_the_recipes_model_arguments_go_into_the_row_and_must_agree():
    built = {"stem": "whitening", "kernel_initializer": "dirac"}
    row = record_reference.merged([{**run_row(s, 0.9), "model_arguments": built} for s in (0, 1)])
    assert row["model_arguments"] == built
    with pytest.raises(SystemExit, match="different arguments"):
        record_reference.merged([{**run_row(0, 0.9), "model_arguments": built}, run_row(1, 0.9)])


def test_add_refuses_runs_of_other_library_versions():
    recorded = record_reference.merged([run_row(0, 0.89), run_row(1, 0.895)])
    newer = {**run_row(2, 0.9), "versions": {"keras": "3.99.0"}}
    with pytest.raises(SystemExit, match="library versions"):
        record_reference.added_to(recorded, [newer])


def test_add_needs_per_seed_figures():
    single = {k: v for k, v in run_row(0, 0.8).items() if k != "seed"}
    with pytest.raises(SystemExit, match="no per-seed figures"):
        record_reference.recorded_rows(single)


def test_transfer_rows_carry_each_seeds_comparison_and_its_mean(tmp_path):
    rows = []
    for seed, (value, scratch_value) in enumerate([(0.79, 0.61), (0.81, 0.59)]):
        run = tmp_path / f"transferred{seed}"  # the recipe saves each seed's comparison there
        run.mkdir()
        (run / "comparison.json").write_text(json.dumps(
            {"from_scratch": {"test": {"accuracy": scratch_value}, "wall_time_s": 50.0},
             "accuracy_gain": value - scratch_value}))
        rows.append(record_reference.with_comparison(
            {**run_row(seed, value), "model": "transfer"}, run))
    assert rows[0]["wall_time_s"] == 150.0  # both arms' training
    row = record_reference.merged(rows)
    assert row["from_scratch_value"] == 0.6 and row["gain"] == 0.2
    assert [s["gain"] for s in row["seeds"]] == [0.18, 0.22]
    (tmp_path / "scratch").mkdir()
    with pytest.raises(SystemExit, match="no comparison.json"):
        record_reference.with_comparison(run_row(0, 0.6), tmp_path / "scratch")

"""The reference-results table, the metadata and the README held to each other."""
import dataclasses
import json
from pathlib import Path

import pytest

import zoo
from zoo import results
from zoo.registry import Reference

TABLE = results.load_table()
ROWS = {row["model"]: row for row in TABLE["results"]}


def test_every_row_is_a_model_with_its_recipe_and_machine():
    # A model added since the last reference runs has no row yet: `zoo results` says so.
    assert set(ROWS) <= set(zoo.list_models())
    for name, row in ROWS.items():
        assert row["recipe"] == f"recipes/{name}.py" and Path(row["recipe"]).exists()
        if row["value"] is None:
            assert row["reason"], name  # not measured: says why
        else:
            assert 0.0 < row["value"] <= 1.0 and row["epochs"] >= 1 and row["wall_time_s"] > 0
            assert row["dataset"] == zoo.describe(name).dataset or name == "transfer"
            assert row["machine"]
    assert TABLE["machine"]


def test_describe_carries_the_table_rows():
    for name, row in ROWS.items():
        info = zoo.describe(name)
        assert info.results == (row,)
        if info.reference.source == "measured here":
            assert info.reference.value == row["value"]


def test_info_shows_the_multi_seed_result():
    import subprocess
    import sys
    for name in ("lenet", "vgg16_transfer"):
        out = subprocess.run([sys.executable, "-m", "zoo.cli", "info", name],
                             capture_output=True, text=True, check=True).stdout
        line = next(l for l in out.splitlines() if l.strip().startswith("measured:"))
        row = ROWS[name]
        assert (results.text(row) if row["value"] is not None else row["reason"]) in line, line


def test_a_goal_is_met_on_the_mean_and_within_its_time():
    assert results.goal_met("goal >= 0.90", 0.90) and not results.goal_met("goal >= 0.90", 0.8999)
    within = "goal >= 0.90 within 30 min (not met)"
    assert results.goal_met(within, 0.91, wall_time_s=1800.0)
    assert not results.goal_met(within, 0.91, wall_time_s=1800.5)
    assert not results.goal_met(within, 0.89, wall_time_s=60.0)
    assert not results.goal_met(within, 0.91)  # no time measured: not within it
    with pytest.raises(ValueError, match="not a goal"):
        results.goal_met(">= 0.90", 0.95)


def test_targets_of_the_issue_are_met():
    for name, row in ROWS.items():
        target = row.get("target", "")
        if row["value"] is not None and target.startswith(">="):
            assert row["value"] >= float(target.split()[1]), (name, row["value"], target)
        if row["value"] is not None and target.startswith("goal >="):  # an aim, said if unmet
            met = results.goal_met(target, row["value"], row["wall_time_s"])
            assert target.endswith(" (met)" if met else " (not met)"), (name, row["value"], target)
    transfer = ROWS["transfer"]
    assert transfer["gain"] >= 0.05  # transferred beats from scratch by >= 5 points
    assert abs(transfer["gain"] - (transfer["value"] - transfer["from_scratch_value"])) <= 2e-4


def test_readme_shows_the_same_numbers():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name, row in ROWS.items():
        line = next((l for l in readme.splitlines() if l.startswith(f"| {name} |")), None)
        assert line is not None, f"README's results table has no row for {name}"
        if row["value"] is not None:
            assert f"| {results.text(row)} |" in line, (line, results.text(row))


def test_each_row_names_the_builder_arguments_its_recipe_sets():
    for name, row in ROWS.items():
        if row["value"] is not None:
            assert row.get("model_arguments", {}) == zoo.recipe(name).overrides, name


def test_a_row_built_with_other_arguments_says_so_in_describe_and_the_csv(tmp_path):
    import csv
    row = {**ROWS["resnet9"], "model_arguments": {"stem": "whitening", "kernel_initializer": "dirac"}}
    table = tmp_path / "results.json"
    table.write_text(json.dumps({"machine": "x", "results": [row]}))
    info = results.attach(dataclasses.replace(zoo.describe("resnet9"), reference=Reference(
        "accuracy", None, "none", "")), table)
    assert info.reference.note.endswith("built with kernel_initializer=dirac stem=whitening")
    with open(results.write_csv(tmp_path / "results.csv", table), newline="") as f:
        (written,) = list(csv.DictReader(f))
    assert written["model_arguments"] == "kernel_initializer=dirac stem=whitening"


def test_several_seeds_give_mean_spread_and_the_rerun_interval():
    row = {"value": 0.92, "seeds": [{"seed": s, "value": v} for s, v in
                                    enumerate([0.918, 0.920, 0.922])]}
    mean, std, n = results.spread(row)
    assert (round(mean, 4), round(std, 4), n) == (0.92, 0.002, 3)
    assert results.text(row) == "0.9200 ± 0.0020 (3 seeds)"
    low, high = results.interval(row)  # +- 2 std, but never narrower than one seed's spread
    assert (round(low, 4), round(high, 4)) == (0.914, 0.926)
    wide = {"value": 0.9, "seeds": [{"seed": 0, "value": 0.88}, {"seed": 1, "value": 0.92}]}
    assert [round(x, 4) for x in results.interval(wide)] == [0.8434, 0.9566]
    assert results.text({"value": 0.9266}) == "0.9266 (1 seed)"


def test_the_csv_has_one_row_per_measured_model_in_timms_manner(tmp_path):
    import csv
    path = results.write_csv(tmp_path / "results.csv")
    with open(path, newline="") as f:
        rows = {r["model"]: r for r in csv.DictReader(f)}
    assert set(rows) == {name for name, row in ROWS.items() if row["value"] is not None}
    for name, row in rows.items():
        assert float(row["top1"]) == round(100 * results.spread(ROWS[name])[0], 2)
        assert int(row["param_count"]) == zoo.describe(name).params
        assert row["infer_samples_per_sec_batch1"]  # zoo bench's figure beside it


def test_reproduce_says_whether_the_rerun_lands_in_the_interval(tmp_path):
    import os
    import subprocess
    import sys
    if not os.environ.get("ZOO_DATA_DIR"):
        import pytest
        pytest.skip("needs ZOO_DATA_DIR")
    argv = [sys.executable, "-m", "zoo.cli", "reproduce", "linear_mnist", "--epochs", "1",
            "--subset", "256", "--output-dir", str(tmp_path), "--quiet"]
    done = subprocess.run(argv, capture_output=True, text=True)
    # one epoch on 256 examples is far below the recipe's result: said, and exit status 1
    assert done.returncode == 1, done.stderr[-2000:]
    assert "OUTSIDE the recorded interval" in done.stdout
    assert any(line.split()[:1] == ["keras"] for line in done.stdout.splitlines())
    refused = subprocess.run(argv[:4] + ["vgg16_transfer"], capture_output=True, text=True)
    assert refused.returncode == 2 and "no recorded result" in refused.stderr


def test_readme_models_table_shows_each_models_reference():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    rows = {line.split("`")[1]: line for line in readme.splitlines()
            if line.startswith("| `") and line.count("|") == 9}
    assert set(rows) == set(zoo.list_models())
    for name, line in rows.items():
        ref = zoo.describe(name).reference
        cell = "-" if ref.value is None else f"{ref.metric} {ref.value} ({ref.source})"
        assert line.rstrip().endswith(f"| {cell} |"), (line, cell)

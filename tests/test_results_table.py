"""The reference-results table, the metadata and the README held to each other."""
import re
from pathlib import Path

import zoo
from zoo import results

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


def test_targets_of_the_issue_are_met():
    for name, row in ROWS.items():
        target = row.get("target", "")
        if row["value"] is not None and target.startswith(">="):
            assert row["value"] >= float(target.split()[1]), (name, row["value"], target)
    transfer = ROWS["transfer"]
    assert transfer["gain"] >= 0.05  # transferred beats from scratch by >= 5 points
    assert abs(transfer["gain"] - (transfer["value"] - transfer["from_scratch_value"])) <= 2e-4


def test_readme_shows_the_same_numbers():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name, row in ROWS.items():
        line = next((l for l in readme.splitlines() if l.startswith(f"| {name} |")), None)
        assert line is not None, f"README's results table has no row for {name}"
        if row["value"] is not None:
            assert re.search(rf"\| {row['value']:.4f} \|", line), (line, row["value"])

"""Strategies compared with the same budget on the same space: one plot, one table."""
import contextlib
import csv
import io
import json

import tuning


def test_grid_and_random_compared(tmp_path, task, grid4):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        comparison = tuning.compare("linear_mnist", "grid,random", data=task, space=grid4,
                                    batch_size=64, compare_dir=str(tmp_path / "compare"))
    folder = comparison["folder"]
    assert (folder / "comparison.png").read_bytes().startswith(b"\x89PNG")
    with open(folder / "comparison.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["strategy"] for r in rows] == ["grid", "random"]
    assert all(r["trials"] == "4" for r in rows)  # the same budget: the grid's size
    table = json.loads((folder / "comparison.json").read_text())
    grid = comparison["results"]["grid"]
    assert comparison["reference"] == grid.best_score
    assert table[0]["trials to reach"] == grid.best_trial  # the grid reaches its own best
    assert (folder / "grid" / "trials.csv").exists() and (folder / "random" / "trials.csv").exists()
    assert "trials to come within 0.5 points" in out.getvalue()


def test_a_strategy_can_get_its_own_budget(tmp_path, task, grid4):
    """budgets: the whole grid against two random trials (the question "does it get there on a
    fraction of the grid's trials?"); the reference is still the whole grid's best."""
    with contextlib.redirect_stdout(io.StringIO()):
        comparison = tuning.compare("linear_mnist", "grid,random", budgets={"random": 2},
                                    data=task, space=grid4, batch_size=64,
                                    compare_dir=str(tmp_path / "compare"))
    trials = {row["strategy"]: row["trials"] for row in comparison["table"]}
    assert trials == {"grid": 4, "random": 2}
    assert comparison["reference"] == comparison["results"]["grid"].best_score

"""Kills at chosen file events of a training run: each rerun finishes with the uninterrupted
run's epochs, optimizer steps and predictions. The CI part of benchmarks/kill_points.py (which
kills at every event, of a search too: its figures are in benchmarks/RESULTS.md)."""
import pytest

from benchmarks import kill_points

# A checkpoint half written (the resume must re-align the data order to end exactly as the
# uninterrupted run), and the final model written after the early stop (nothing more trained).
EVENTS = ["backup/train/.epoch-0002.tmp/state.json", "replace .model.keras"]


@pytest.mark.slow
def test_a_kill_at_each_chosen_event_resumes_to_the_uninterrupted_result(tmp_path):
    data = kill_points.tiny_ucr(tmp_path / "Tiny")
    result = kill_points.kill_points("train", tmp_path, data, at=EVENTS, jobs=2)
    assert result["failures"] == []
    assert result["tried"] == result["survived"] == len(EVENTS)

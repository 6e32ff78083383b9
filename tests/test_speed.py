"""The measured speed table (zoo/speed.json, by `zoo bench --record`) held to the registry, to
`zoo.describe` and `zoo info`; and `zoo bench` measuring as it says."""
import json
import subprocess
import sys

import zoo
from zoo import bench, speed

TABLE = speed.load_table()


def test_every_model_has_a_measured_speed_on_a_named_machine():
    assert set(TABLE["models"]) == set(zoo.list_models())
    assert "CPU cores" in TABLE["machine"] and "keras" in TABLE["machine"]
    for name, row in TABLE["models"].items():
        assert row["batch_1"] > 0 and row["batch_128"] > 0 and row["peak_memory_mb"] >= 0, name
        assert row["date"]


def test_describe_and_info_carry_the_table():
    for name, row in TABLE["models"].items():
        assert zoo.describe(name).speed == {**row, "machine": TABLE["machine"]}
    out = subprocess.run([sys.executable, "-m", "zoo.cli", "info", "cnn_fashion"],
                         capture_output=True, text=True, check=True).stdout
    row = TABLE["models"]["cnn_fashion"]
    assert f"{row['batch_1']:,} examples/s at batch 1, {row['batch_128']:,} at batch 128" in out


def test_bench_measures_a_model_in_its_own_process_and_records_it(tmp_path):
    row = bench.measure_apart("linear_mnist", seconds=0.3)
    # one call per example against one per 128: batching must pay on any machine
    assert row["batch_128"] > 5 * row["batch_1"] > 0
    assert 0 <= row["peak_memory_mb"] < 2000
    path = tmp_path / "speed.json"
    bench.record({"linear_mnist": row}, path)
    saved = json.loads(path.read_text())
    assert saved["models"]["linear_mnist"]["batch_1"] == row["batch_1"]
    assert "CPU cores" in saved["machine"] and saved["models"]["linear_mnist"]["date"]


def test_readme_shows_the_measured_speed():
    from pathlib import Path
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name, row in TABLE["models"].items():
        line = next(l for l in readme.splitlines() if l.startswith(f"| {name} | ")
                    and "examples" not in l and f"| {row['peak_memory_mb']} |" in l)
        assert f"| {row['batch_1']:,} | {row['batch_128']:,} |" in line, name

"""The benchmark scripts run as their docstrings say, from the checkout's root, and
`run_all.py --quick` is a smoke run of every one of them that leaves the measured figures alone."""
import ast
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
# The command line of a docstring: `[NAME=VALUE ...] python benchmarks/<script>.py [options]`.
COMMAND = re.compile(r"^\s*((?:[A-Z_]+=\S+\s+)*)python\s+(benchmarks/\w+\.py)\b", re.MULTILINE)


def scripts() -> list[Path]:
    """The files of benchmarks/ that run as a script (the others are shared modules)."""
    return sorted(path for path in BENCHMARKS.glob("*.py")
                  if 'if __name__ == "__main__":' in path.read_text())


def documented_command(path: Path) -> tuple[dict, str]:
    """The environment assignments and the script of the command line in `path`'s docstring."""
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    match = COMMAND.search(docstring)
    assert match, f"{path.name}'s docstring has no command line `python benchmarks/...`"
    assert match[2] == f"benchmarks/{path.name}", f"{path.name}'s docstring runs {match[2]}"
    return dict(pair.split("=", 1) for pair in shlex.split(match[1])), match[2]


@pytest.fixture(scope="module")
def helps():
    """Each script's documented command with --help, run from the checkout's root, all at once
    (each imports TensorFlow: side by side, the wait is about that of the slowest)."""
    processes = {}
    for path in scripts():
        env, script = documented_command(path)
        processes[path.name] = subprocess.Popen(
            [sys.executable, script, "--help"], cwd=ROOT, env={**ENV, **env}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = {}
    for name, process in processes.items():
        try:
            output, _ = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        out[name] = (process.returncode, output)
    return out


def test_every_script_is_found():
    names = {path.name for path in scripts()}
    assert {"run_all.py", "peer_mnist.py", "time_to_accuracy.py", "strategy_efficiency.py"} <= names
    assert "timing.py" not in names


@pytest.mark.parametrize("name", [path.name for path in scripts()])
def test_the_docstring_command_runs(helps, name):
    returncode, output = helps[name]
    assert returncode == 0, f"python benchmarks/{name} --help failed:\n{output[-3000:]}"
    assert "usage:" in output


def run_all_module():
    spec = importlib.util.spec_from_file_location("benchmarks_run_all", BENCHMARKS / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_has_a_quick_mode():
    for name, (full, quick, _) in run_all_module().BENCHMARKS.items():
        assert (BENCHMARKS / f"{name}.py").exists(), name
        assert quick and quick != full, f"{name} has no quick arguments"


def test_a_quick_run_does_not_write_over_the_measured_figures():
    result = subprocess.run([sys.executable, "benchmarks/run_all.py", "--quick", "--out",
                             "benchmarks"], cwd=ROOT, env=ENV, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert "--out" in result.stderr


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("ZOO_DATA_DIR"), reason="needs ZOO_DATA_DIR")
def test_the_quick_run_runs_every_benchmark(tmp_path):
    measured = {name: (BENCHMARKS / name).read_bytes() for name in ("results.json", "RESULTS.md")}
    out = tmp_path / "report"
    result = subprocess.run([sys.executable, "benchmarks/run_all.py", "--quick", "--out", str(out)],
                            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    report = json.loads((out / "results.json").read_text())
    names = list(run_all_module().BENCHMARKS)
    assert report["quick"] is True and report["failed"] == []
    assert sorted(report["results"]) == sorted(names)
    for name in names:
        assert "error" not in report["results"][name], name
        assert report["summary"][name][0][0] != "failed", (name, report["summary"][name])
    # The pruning report says how its trials were validated (reports of other dates compare).
    from tuning.hypermodel import BATCHNORM_HORIZON_SHARE, WEIGHT_AVERAGE_HORIZON_SHARE
    pruning = report["results"]["pruning"]
    assert pruning["batchnorm_horizon_share"] == BATCHNORM_HORIZON_SHARE
    assert pruning["weight_average_horizon_share"] == WEIGHT_AVERAGE_HORIZON_SHARE
    text = (out / "RESULTS.md").read_text()
    assert "QUICK SMOKE RUN" in text
    assert all(f"| {name} |" in text for name in names)
    # Its folders (the strategy comparison's) went to --out too, and the figures stayed.
    assert (out / "runs").is_dir()
    assert {name: (BENCHMARKS / name).read_bytes() for name in measured} == measured

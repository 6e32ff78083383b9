"""The README's code, run as written (on a few epochs or examples where a full run is long): the
fresh-machine commands that CI extracts, the Python example, and the user-module example."""
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
sys.path.insert(0, str(ROOT / ".ci"))
from readme_command import readme_command  # noqa: E402


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def block_after(heading: str, language: str) -> str:
    return re.search(rf"{re.escape(heading)}.*?```{language}\n(.*?)```", README, re.S).group(1)


def substituted(text: str, changes: dict) -> str:
    """`text` with each change made; a change that no longer matches fails the test, so that the
    README and this test move together."""
    for old, new in changes.items():
        assert old in text, f"the README no longer has {old!r}: update this test"
        text = text.replace(old, new)
    return text


def test_ci_runs_the_readme_commands():
    install_and_test = readme_command(2)
    assert install_and_test.startswith("python3 -m pip install -e \".[test]\" && ")
    assert "python3 -m pytest" in install_and_test
    assert "zoo train cnn_fashion" in readme_command(1)
    assert "readme_command.py 2" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.realdata
@pytest.mark.skipif(not os.environ.get("ZOO_DATA_DIR"), reason="needs ZOO_DATA_DIR")
def test_the_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = substituted(block_after("## Use", "python"), {
        "epochs=3)": "epochs=1, subset=512, output_dir='runs')",
        'augment="standard")': 'augment="standard", subset=512)',
        "epochs=2)": "epochs=1)",
    })
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["result"].test["accuracy"] > 0.1
    assert namespace["model"].compiled


def write_gunpoint_like(folder: Path):
    """A GunPoint-shaped UCR folder (series of 150 steps, 2 classes) for the example."""
    sys.path.insert(0, str(ROOT / "tests" / "training"))
    from conftest import write_ucr
    write_ucr(folder, "GunPoint", train=40, test=20, length=150, classes=2)


def test_the_user_module_example_runs_as_written(tmp_path, monkeypatch, capsys):
    from zoo import cli, registry
    from zoo.training import recipes
    module = next(b for b in blocks("python") if b.startswith("# my_models.py"))
    commands = block_after("# my_models.py", "bash")
    work = tmp_path / "checkout"
    work.mkdir()
    (work / "my_models.py").write_text(module)
    write_gunpoint_like(tmp_path / "shared" / "data" / "ucr" / "GunPoint")
    monkeypatch.chdir(work)
    monkeypatch.setenv("ZOO_IMPORT", "")  # restored after: cli.main sets it
    try:
        for line in commands.strip().splitlines():
            argv = shlex.split(line)
            assert argv[0] == "zoo"
            code = cli.main(argv[1:] + (["--quiet"] if argv[3] == "train" else []))
            assert code == 0, (line, capsys.readouterr().err[-2000:])
        out = capsys.readouterr().out
        assert "adam 0.003" in out  # info shows the registered recipe
        assert list((work / "runs" / "my_series_cnn").glob("*/model.keras"))
        assert list((work / "runs" / "tune" / "my_series_cnn").glob("*/trials.csv"))
    finally:
        sys.modules.pop("my_models", None)
        recipes._REGISTERED.pop("my_series_cnn", None)
        if "my_series_cnn" in registry._REGISTRY:
            registry.unregister("my_series_cnn")


def quick(argv: list[str]) -> list[str]:
    """A README command made short: one epoch on 256 examples, two trials per search, no retrain
    of the best (tests/tuning tests that)."""
    def without(args, option, takes_value=True):
        out, skip = [], False
        for arg in args:
            if skip:
                skip = False
                continue
            if arg == option:
                skip = takes_value
                continue
            out.append(arg)
        return out

    command = argv[0]
    if command == "train":
        return without(argv, "--epochs") + ["--epochs", "1", "--subset", "256", "--quiet"]
    if command == "tune":
        argv = without(without(argv, "--epochs"), "--subset") + ["--epochs", "1", "--subset",
                                                                   "256", "--quiet",
                                                                   "--no-retrain"]
        if "grid" in " ".join(argv):  # a grid's budget is its size: cnn_fashion's default is 9
            # a comparison gives each strategy the grid's budget: a grid of two points keeps it
            # short (8 trials, not 36)
            return argv if "--compare" not in argv else without(argv, "--max-trials") + [
                "--max-trials", "2", "--set", "learning_rate=1e-3,3e-3"]
        return without(argv, "--max-trials") + ["--max-trials", "2"]
    if command in ("evaluate", "analyze"):
        return argv + ["--subset", "256"]
    return argv


def newest_run(model: str) -> str:
    return str(sorted(Path("runs", model).glob("*/model.keras"))[-1].parent)


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("ZOO_DATA_DIR"), reason="needs ZOO_DATA_DIR")
@pytest.mark.parametrize("section", ["## Use", "## Hyperparameter search"])
def test_the_readme_commands_run(section, tmp_path, monkeypatch, capsys):
    """Every `zoo` line of the section, in order, made quick by `quick`; the <time> of a run
    is the newest run of that model, and a dense_fashion run is trained first for --compare."""
    from zoo import cli
    work = tmp_path / "checkout"
    work.mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data").symlink_to(os.environ["ZOO_DATA_DIR"])
    monkeypatch.chdir(work)
    lines = [line.split("#")[0].strip() for line in block_after(section, "bash").splitlines()]
    lines = [line for line in lines if line.startswith("zoo ")]
    if any("dense_fashion/<b>" in line for line in lines):
        assert cli.main(quick(["train", "dense_fashion"])) == 0
    for line in lines:
        argv = shlex.split(line)[1:]
        placeholders = {"runs/cnn_fashion/<time>": "cnn_fashion", "runs/cnn_fashion/<a>":
                        "cnn_fashion", "runs/dense_fashion/<b>": "dense_fashion"}
        argv = [newest_run(placeholders[arg]) if arg in placeholders else arg for arg in argv]
        code = cli.main(quick(argv))
        assert code == 0, (line, capsys.readouterr().err[-3000:])


def test_the_recipe_shown_is_the_recipe():
    from recipes.cnn_fashion import RECIPE
    from zoo.training import TrainConfig
    snippet = next(b for b in blocks("python") if b.startswith("RECIPE = TrainConfig("))
    namespace = {"TrainConfig": TrainConfig}
    exec(snippet, namespace)
    assert namespace["RECIPE"] == RECIPE

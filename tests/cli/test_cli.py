"""The `zoo` command: instant listing, one clear line and exit status 2 on bad input."""
import subprocess
import sys

import pytest


def zoo_cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "zoo.cli", *args], capture_output=True,
                          text=True, timeout=300, **kwargs)


def test_list_info_and_help_do_not_import_tensorflow():
    code = ("import sys; from zoo import cli\n"
            "for argv in (['list'], ['list', 'cnn_*'], ['info', 'cnn_fashion']):\n"
            "    assert cli.main(argv) == 0\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "cnn_fashion" in done.stdout and "lenet" in done.stdout


def test_info_says_when_no_reference_is_recorded(capsys):
    import zoo
    from zoo import cli
    # A model with neither a published figure nor a measured row (vgg16_transfer, for now).
    name = next(n for n in zoo.list_models() if zoo.describe(n).reference.value is None)
    assert cli.main(["info", name]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "reference:" in x)
    note = zoo.describe(name).reference.note
    assert "None" not in line and line.split(": ", 1)[1] == f"none recorded; {note}"


def test_list_with_pattern():
    done = zoo_cli("list", "*_sentiment")
    names = [line.split()[0] for line in done.stdout.splitlines()[1:]]
    assert names == ["lstm_sentiment", "rnn_sentiment"]


@pytest.mark.parametrize("command", [["--help"], ["train", "--help"], ["evaluate", "--help"],
                                     ["info", "--help"], ["results", "--help"],
                                     ["analyze", "--help"]])
def test_every_command_has_help(command):
    done = zoo_cli(*command)
    assert done.returncode == 0 and "usage: zoo" in done.stdout


# Bad input over the command line is tested in one place: tests/hardening/test_bad_input.py


def test_argparse_errors_exit_2():
    done = zoo_cli("train", "cnn_fashion", "--epochs", "ten")
    assert done.returncode == 2 and "invalid int value" in done.stderr

"""Start-up time of the `zoo` command: `zoo --help`, `zoo list` and `zoo info` must not import
TensorFlow (goal: under 1 second each), measured against a bare `python -c pass` and against
`python -c "import tensorflow"` in the same run.

    python benchmarks/startup.py [--repeats 5]
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "zoo --help": [sys.executable, "-m", "zoo.cli", "--help"],
    "zoo list": [sys.executable, "-m", "zoo.cli", "list"],
    "zoo info cnn_fashion": [sys.executable, "-m", "zoo.cli", "info", "cnn_fashion"],
    "python -c 'import tensorflow'": [sys.executable, "-c", "import tensorflow"],
}


def median_seconds(command, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    seconds = {name: round(median_seconds(cmd, args.repeats), 3) for name, cmd in COMMANDS.items()}
    tensorflow = seconds["python -c 'import tensorflow'"]
    result = {"median_seconds": seconds,
              "ratio_to_tensorflow_import": {k: round(v / tensorflow, 3) for k, v in
                                             seconds.items() if k.startswith("zoo")},
              "all_under_1_s": all(v < 1.0 for k, v in seconds.items() if k.startswith("zoo"))}
    for name, value in seconds.items():
        print(f"{name:>32}: {value:.3f} s")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

"""Shared by the benchmarks that measure in fresh processes (backend_speed, gpu_figures): run a
piece of code in a process of its own and read back the one JSON line it prints after a marker."""
import json
import subprocess
import sys


def run_probe(code: str, args, *, env: dict, marker: str, what: str, cwd=None) -> dict:
    """`python -c code *args` under `env`; the JSON after `marker` on its last such line. A
    failure ends the benchmark with `what` and the end of the process's stderr."""
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], env=env, cwd=cwd,
                          capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith(marker)]
    if done.returncode or not lines:
        raise SystemExit(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len(marker):])

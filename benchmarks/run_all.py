"""Run every benchmark of the project in one command and write one report.

    python benchmarks/run_all.py [--only NAME ...] [--quick]

Each benchmark runs in its own process (fresh Keras state) and returns its figures; every figure
is a ratio or is measured side by side in the same run, so that it holds on a noisy machine. The
report goes to benchmarks/results.json and benchmarks/RESULTS.md, with the machine it ran on; with
--only, the other benchmarks keep their last figures (each row says when it was measured).
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from zoo import files

HERE = Path(__file__).parent

# name -> (arguments, arguments with --quick, the summary rows of its result)
BENCHMARKS = {
    "startup": ([], ["--repeats", "3"], lambda r: [
        ("zoo --help / list / info: median seconds",
         " / ".join(str(r["median_seconds"][k]) for k in ("zoo --help", "zoo list",
                                                          "zoo info cnn_fashion")),
         "< 1 s each", r["all_under_1_s"])]),
    "pipeline_throughput": ([], ["--steps", "40", "--repeats", "2"], lambda r: [
        ("cnn_fashion training fed by the pipeline / from memory", r["ratio_piped_to_in_memory"],
         ">= 0.95", r["ratio_piped_to_in_memory"] >= 0.95)]),
    "peer_mnist": ([], ["--seeds", "1"], lambda r: [
        (f"cnn_mnist recipe's time to the peer's test accuracy / the peer's training time "
         f"(mean of {len(r['runs'])} seeds)", r["time_ratio"] or "not reached", "<= 0.7",
         r["accuracy_reached"] and r["time_ratio"] <= 0.7),
        ("  per seed", ", ".join(map(str, r["time_ratios"])), "", ""),
        ("  whole recipe wall time / the peer's (start to plots; fit and evaluate)",
         r["wall_time_ratio"], "", ""),
        ("  mean final test accuracy: ours, peer", f"{r['test_accuracy']['ours']:.4f}, "
         f"{r['test_accuracy']['peer']:.4f}", "ours >= peer", r["final_accuracy_reached"])]),
    "time_to_accuracy": ([], ["--max-epochs", "12", "--seeds", "1"], lambda r: [
        (f"cnn_fashion time to 0.91: recipe / plain settings (mean of {len(r['runs'])} seeds)",
         r.get("ratio", "not reached"), "<= 0.5", r.get("ratio", 9) <= 0.5),
        ("  per seed", ", ".join(map(str, r.get("ratios", []))), "", "")]),
    "tuner_overhead": ([], ["--trials", "4", "--repeats", "1", "--memory-trials", "6",
                            "--subset", "8192"], lambda r: [
        ("search of N trials / the same N trainings", r["ratio"], "<= 1.10", r["ratio"] <= 1.10),
        ("  the tuner's overhead per trial (s)", r["overhead_s_per_trial"], "", ""),
        ("memory growth per trial (MiB)", r["rss_growth_mib_per_trial"], "about 0", "")]),
    "strategy_efficiency": ([], ["--replays", "10"], lambda r: [
        (f"trials to within 0.5 points of the grid's best ({r['grid_trials']}-point grid, "
         f"the others {r['budget']} trials)",
         ", ".join(f"{k} {v or 'not reached'}" for k, v in r["trials_to_reach"].items()),
         f"bayesian <= {r['grid_trials'] / 3:.0f}",
         (r["trials_to_reach"]["bayesian"] or 99) <= r["grid_trials"] / 3),
        ("bayesian mean trials / grid trials (replayed seeds)",
         round(r["replays"]["bayesian"]["mean"] / r["grid_trials"], 2), "<= 0.33",
         r["replays"]["bayesian"]["mean"] / r["grid_trials"] <= 1 / 3)]),
}
MARKER = "BENCHMARK-RESULT "


def run_one(name, argv):
    code = (f"import json; from benchmarks import {name} as b; r = b.main({argv!r}); "
            f"print({MARKER!r} + json.dumps(r, default=str))")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    # The benchmark's own progress lines are passed on as they come (a run takes minutes).
    lines = []
    with subprocess.Popen([sys.executable, "-c", code], cwd=HERE.parent, env=env,
                          stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
    results = [line for line in lines if line.startswith(MARKER)]
    if process.returncode or not results:
        return {"error": f"exit status {process.returncode}"}
    return json.loads(results[-1][len(MARKER):])


def markdown(report) -> str:
    out = [f"# Benchmark results\n\nOn {report['machine']}, by `python benchmarks/run_all.py`."
           " The machine was shared with other jobs: figures are ratios or side-by-side runs.\n",
           "| benchmark | figure | value | goal | met | measured |", "|---|---|---|---|---|---|"]
    for name, rows in report["summary"].items():
        for figure, value, goal, met in rows:
            mark = "" if met == "" else ("yes" if met else "no")
            out.append(f"| {name} | {figure} | {value} | {goal} | {mark} | "
                       f"{report['measured'].get(name, '')} |")
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="smaller budgets, for a smoke run")
    args = parser.parse_args(argv)
    from zoo.training.outputs import machine as machine_description
    report = files.read_json(HERE / "results.json", None) or {"results": {}, "summary": {},
                                                              "measured": {}}
    report.update(date=datetime.datetime.now().isoformat(timespec="minutes"),
                  machine=f"{machine_description()}, Python {platform.python_version()}",
                  quick=args.quick)
    for name in args.only or BENCHMARKS:
        full, quick, summarise = BENCHMARKS[name]
        print(f"=== {name}", flush=True)
        result = run_one(name, quick if args.quick else full)
        report["results"][name] = result
        report["measured"][name] = report["date"] + (" (quick)" if args.quick else "")
        try:
            report["summary"][name] = [list(row) for row in summarise(result)]
        except (KeyError, TypeError) as error:
            report["summary"][name] = [["failed", result.get("error", repr(error)), "", False]]
    files.write_json(HERE / "results.json", report)
    files.write_text(HERE / "RESULTS.md", markdown(report))
    print(markdown(report))
    return report


if __name__ == "__main__":
    main()

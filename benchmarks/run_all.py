"""Run every benchmark of the project in one command and write one report.

    python benchmarks/run_all.py [--only NAME ...] [--quick] [--out DIR]
        [--record NAME=REPORT.json ...]

Each benchmark runs in its own process (fresh Keras state) and returns its figures; every figure
is a ratio or is measured side by side in the same run, so that it holds on a noisy machine. The
report goes to benchmarks/results.json and benchmarks/RESULTS.md (or results.json and RESULTS.md
in --out DIR, with the search folders of the strategy comparison in DIR/runs), with the machine
it ran on; with --only, the other benchmarks keep their last figures in that report (each row says
when it was measured).

--quick is a smoke run of every benchmark's whole code path on tiny budgets (a few thousand
images, one epoch, a few steps, trials and seeds, a 3-point grid), two benchmarks at a time
(about 1.5 minutes on 2 CPU cores): its figures mean nothing, and its report says so. It is written to --out DIR, by default
benchmarks/out/ (ignored by git), never over the measured figures in benchmarks/. The exit status
is 1 when a benchmark failed.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from zoo import files

HERE = Path(__file__).resolve().parent
QUICK_OUT = HERE / "out"

# name -> (arguments, arguments with --quick, the summary rows of its result)
BENCHMARKS = {
    "startup": ([], ["--repeats", "1"], lambda r: [
        ("zoo --help / list / info: median seconds",
         " / ".join(str(r["median_seconds"][k]) for k in ("zoo --help", "zoo list",
                                                          "zoo info cnn_fashion")),
         "< 1 s each", r["all_under_1_s"])]),
    "pipeline_throughput": ([], ["--subset", "2048", "--warmup", "2", "--steps", "5",
                                 "--repeats", "1"], lambda r: [
        ("cnn_fashion training fed by the pipeline / from memory", r["ratio_piped_to_in_memory"],
         ">= 0.95", r["ratio_piped_to_in_memory"] >= 0.95)]),
    "peer_mnist": ([], ["--seeds", "1", "--subset", "2048", "--peer-epochs", "1",
                        "--epochs", "1"], lambda r: [
        (f"cnn_mnist recipe's time to the peer's test accuracy / the peer's training time "
         f"(mean of {len(r['runs'])} seeds)", r["time_ratio"] or "not reached", "<= 0.7",
         r["accuracy_reached"] and r["time_ratio"] <= 0.7),
        ("  per seed", ", ".join(map(str, r["time_ratios"])), "", ""),
        ("  whole recipe wall time / the peer's (start to plots; fit and evaluate)",
         r["wall_time_ratio"], "", ""),
        ("  mean final test accuracy: ours, peer", f"{r['test_accuracy']['ours']:.4f}, "
         f"{r['test_accuracy']['peer']:.4f}", "ours >= peer", r["final_accuracy_reached"])]),
    "time_to_accuracy": ([], ["--seeds", "1", "--subset", "2048", "--max-epochs", "1",
                              "--epochs", "1"], lambda r: [
        (f"cnn_fashion time to 0.91: recipe / plain settings (mean of {len(r['runs'])} seeds)",
         r.get("ratio", "not reached"), "<= 0.5", r.get("ratio", 9) <= 0.5),
        ("  per seed", ", ".join(map(str, r.get("ratios", []))), "", "")]),
    "tuner_overhead": ([], ["--trials", "2", "--epochs", "1", "--repeats", "1",
                            "--memory-trials", "3", "--subset", "1024"], lambda r: [
        ("search of N trials / the same N trainings", r["ratio"], "<= 1.10", r["ratio"] <= 1.10),
        ("  the tuner's overhead per trial (s)", r["overhead_s_per_trial"], "", ""),
        ("memory growth per trial (MiB)", r["rss_growth_mib_per_trial"], "about 0", "")]),
    "strategy_efficiency": ([], ["--subset", "512", "--epochs", "1", "--replays", "2",
                                 "--set", "filters=8", "--set", "dropout=0.0",
                                 "--set", "learning_rate=1e-3,3e-3,1e-2"], lambda r: [
        (f"trials to within 0.5 points of the grid's best ({r['grid_trials']}-point grid, "
         f"the others {r['budget']} trials)",
         ", ".join(f"{k} {v or 'not reached'}" for k, v in r["trials_to_reach"].items()),
         f"bayesian <= {r['grid_trials'] / 3:.0f}",
         (r["trials_to_reach"]["bayesian"] or 99) <= r["grid_trials"] / 3),
        ("bayesian mean trials / grid trials (replayed seeds)",
         round(r["replays"]["bayesian"]["mean"] / r["grid_trials"], 2), "<= 0.33",
         r["replays"]["bayesian"]["mean"] / r["grid_trials"] <= 1 / 3)]),
    "export_parity": ([], ["--only", "series", "--examples", "16", "--subset", "200"], lambda r: [
        ("largest |exported - Keras| over the families and formats", r["largest_difference"],
         "<= 1e-4", r["parity_met"]),
        ("slowest artefact / Keras predict, per example at batch 1", r["slowest_batch_1_ratio"],
         "<= 1", r["batch_1_goal_met"])]),
    "pruning": ([], ["--trials", "2", "--epochs", "2", "--subset", "200", "--seeds", "0",
                     "--prune", "median", "--startup", "1"], lambda r: [
        row for rule, figures in r["rules"].items() for row in (
            (f"random search of {r['trials']} trials pruned ({rule}, warm-up "
             f"{r['warmup_epochs']}, margin "
             f"{r.get('margin', 0):g}"
             + (f", every {r['interval_epochs']} epochs" if r.get("interval_epochs", 1) != 1
                else "")
             + (f", start-up {r['startup_trials']}" if r.get("startup_trials", 3) != 3 else "")
             + ") / unpruned: CPU "
             f"time (its wall time alone), mean of {len(r['per_seed']) // len(r['rules'])} "
             "seeds", figures["mean_cpu_ratio"], "<= 0.5", figures["mean_cpu_ratio"] <= 0.5),
            ("  per seed", ", ".join(str(x["cpu_ratio"]) for x in r["per_seed"]
                                     if x["prune"] == rule), "", ""),
            ("  wall time on the shared machine, mean and worst" if not r.get("concurrent_seeds")
             else "  wall time (the seeds ran at once, more processes than cores: not a figure)",
             f"{figures['mean_wall_ratio']}, {figures['worst_wall_ratio']}", "", ""),
            ("  points of best validation accuracy lost, mean and worst",
             f"{figures['mean_points_lost']}, {figures['worst_points_lost']}", "<= 0.3",
             figures["worst_points_lost"] <= 0.3))]),
    "backend_speed": ([], ["--models", "dense_mnist", "--steps", "4", "--repeats", "1"],
                      lambda r: [
        row for model, figures in r["models"].items() for row in (
            (f"{model}: JAX / TensorFlow on the CPU: first step (compile), steady step, fit step",
             ", ".join(str(figures["jax_over_tensorflow"][k])
                       for k in ("first_step_s", "step_ms", "fit_step_ms")), "", ""),
            (f"{model}: JAX without jax.jit / with it, fit step",
             figures["jax_without_jit_over_with"], "", ""))]),
    "gpu_figures": (["--from-data", "3000", "--epochs", "6", "--repeats", "3",
                     "--hide-tensorflow"],
                    ["--from-data", "600", "--epochs", "2", "--models", "cnn_fashion",
                     "--precision", "off", "--target", "0.5", "--hide-tensorflow"], lambda r: [
        row for name, figures in r["figures"].items() for row in (
            (f"{name}: zoo runner / bare fit, time per epoch (JAX, no TensorFlow; "
             f"{figures['zoo']['device']})", figures["runner_over_bare"], "<= 1.05",
             figures["runner_goal_met"]),
            ("  training ex/s zoo, bare; inference ex/s at batch 128, 1",
             f"{figures['zoo']['train_examples_per_s']}, {figures['bare']['train_examples_per_s']}"
             f"; {figures['zoo']['inference_examples_per_s']['batch_128']}, "
             f"{figures['zoo']['inference_examples_per_s']['batch_1']}", "", ""))]),
    "kill_points": ([], ["--only", "train", "--limit", "0"], lambda r: [
        row for kind, figures in r.items() for row in (
            (f"{kind}: kills before a file event that the rerun survived (exact result)",
             f"{figures['survived']} of {figures['tried']} ({figures['events']} events)",
             "all", figures["tried"] > 0 and figures["survived"] == figures["tried"]),)]),
    "cifar10_fast": ([], ["--seeds", "1", "--subset", "256", "--epochs", "1", "--budget-s", "3"],
                     lambda r: [
        (f"resnet9 recipe on CIFAR-10: mean test accuracy over "
         f"{len(r['arms']['recipe']['runs'])} seeds; mean wall time (s)",
         f"{r['arms']['recipe']['test_accuracy_mean']} ± {r['arms']['recipe']['test_accuracy_std']}"
         f"; {r['arms']['recipe']['wall_time_mean_s']}", f">= 0.90 within {r['goal_seconds']} s",
         r['arms']['recipe']['test_accuracy_mean'] >= 0.90
         and r['arms']['recipe']['wall_time_mean_s'] <= r['goal_seconds']),
        *[(f"  {arm}: validation 0.90 reached, after (s, mean)",
           f"{figures['reached_target']}, {figures['time_to_target_mean_s']}", "", "")
          for arm, figures in r["arms"].items()],
        *[(f"  {arm} (Keras example's settings) for the same wall time: test accuracy",
           f"{figures['test_accuracy_mean']} ± {figures['test_accuracy_std']}", "", "")
          for arm, figures in r["arms"].items() if arm != "recipe"]]),
}
# Benchmarks that write folders of their own: where, when the report does not go to benchmarks/.
OUTPUT_DIR_OPTION = {"strategy_efficiency": "--output-dir", "pruning": "--output-dir",
                     "cifar10_fast": "--output-dir"}
MARKER = "BENCHMARK-RESULT "
QUICK_NOTE = ("A quick smoke run (`--quick`): every benchmark's code path on tiny budgets. Its "
              "figures mean nothing and no goal is judged; the measured figures are in "
              "benchmarks/RESULTS.md.")


def run_one(name, argv, prefix=""):
    code = (f"import json; from benchmarks import {name} as b; r = b.main({argv!r}); "
            f"print({MARKER!r} + json.dumps(r, default=str))")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    # The benchmark's own progress lines are passed on as they come (a run takes minutes).
    lines = []
    with subprocess.Popen([sys.executable, "-c", code], cwd=HERE.parent, env=env,
                          stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            print(prefix + line, end="", flush=True)
            lines.append(line.rstrip("\n"))
    results = [line for line in lines if line.startswith(MARKER)]
    if process.returncode or not results:
        return {"error": f"exit status {process.returncode}"}
    return json.loads(results[-1][len(MARKER):])


def markdown(report) -> str:
    quick = report.get("quick")
    if quick:
        out = [f"# Benchmark results: QUICK SMOKE RUN, NOT MEASUREMENTS\n\n{QUICK_NOTE}\n\n"
               f"On {report['machine']}, by `python benchmarks/run_all.py --quick`.\n"]
    else:
        out = [f"# Benchmark results\n\nOn {report['machine']}, by `python benchmarks/run_all.py`."
               " The machine was shared with other jobs: figures are ratios or side-by-side "
               "runs.\n"]
    out += ["| benchmark | figure | value | goal | met | measured |", "|---|---|---|---|---|---|"]
    for name, rows in report["summary"].items():
        for figure, value, goal, met in rows:
            mark = "" if met == "" or (quick and figure != "failed") else ("yes" if met else "no")
            out.append(f"| {name} | {figure} | {value} | {goal} | {mark} | "
                       f"{report['measured'].get(name, '')} |")
    if quick and report.get("seconds"):
        out.append("\nWall time of each benchmark's process (s): " + ", ".join(
            f"{name} {seconds}" for name, seconds in report["seconds"].items())
            + f"; {sum(report['seconds'].values()):.0f} s in all.")
    return "\n".join(out) + "\n"


def _recorded(parser, items) -> dict:
    """NAME=REPORT.json -> (the report, when it was written)."""
    out = {}
    for item in items:
        name, _, path = item.partition("=")
        if name not in BENCHMARKS or not path:
            parser.error(f"--record {item}: expected NAME=REPORT.json with NAME one of "
                         f"{', '.join(BENCHMARKS)}")
        try:
            result = json.loads(Path(path).read_text())
        except (OSError, ValueError) as error:
            parser.error(f"--record {item}: cannot read the report ({error})")
        when = datetime.datetime.fromtimestamp(Path(path).stat().st_mtime)
        out[name] = (result, when.isoformat(timespec="minutes") + " (run on its own)")
    return out


def output_folder(parser, args) -> Path:
    """Where the report goes: --out, else benchmarks/ (a quick run: benchmarks/out/)."""
    out = Path(args.out).resolve() if args.out else (QUICK_OUT if args.quick else HERE)
    if args.quick and out == HERE:
        parser.error("a --quick run's figures mean nothing: it does not write over the measured "
                     "figures in benchmarks/; give another --out DIR")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS))
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run of every benchmark on tiny budgets (about a minute); "
                             "its figures mean nothing")
    parser.add_argument("--out", metavar="DIR",
                        help="write results.json and RESULTS.md there (default: benchmarks/, "
                             "with --quick benchmarks/out/)")
    parser.add_argument("--record", nargs="+", default=[], metavar="NAME=REPORT.json",
                        help="take a benchmark's figures from the report it wrote when run on "
                             "its own (a long one, run side by side with others) instead of "
                             "running it")
    args = parser.parse_args(argv)
    out = output_folder(parser, args)
    recorded = _recorded(parser, args.record)
    from zoo.training.outputs import machine as machine_description
    # With --only, the other rows come from the last report in the same folder, of the same kind:
    # a quick run's rows never mix with measured ones.
    report = files.read_json(out / "results.json", None)
    if not report or bool(report.get("quick")) != args.quick:
        report = {"results": {}, "summary": {}, "measured": {}}
    report.update(date=datetime.datetime.now().isoformat(timespec="minutes"),
                  machine=f"{machine_description()}, Python {platform.python_version()}",
                  quick=args.quick)
    report.setdefault("seconds", {})
    if args.quick:
        report["note"] = QUICK_NOTE
    failed = []
    names = (args.only or list(BENCHMARKS)) if not recorded else list(recorded)

    def measure(name):
        full, quick, _ = BENCHMARKS[name]
        argv = list(quick if args.quick else full)
        if name in OUTPUT_DIR_OPTION and out != HERE:
            argv += [OUTPUT_DIR_OPTION[name], str(out / "runs")]
        print(f"=== {name}", flush=True)
        start = time.perf_counter()
        result = run_one(name, argv, prefix=f"[{name}] " if args.quick else "")
        return result, round(time.perf_counter() - start, 1)

    # A quick run's figures mean nothing: its processes run two at a time (the measured runs one
    # at a time, so that none slows another).
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=2 if args.quick else 1) as pool:
        measured = {name: pool.submit(measure, name) for name in names if name not in recorded}
    for name in names:
        _, _, summarise = BENCHMARKS[name]
        if name in recorded:
            result, when = recorded[name]
            report["results"][name] = result
            report["measured"][name] = when
        else:
            result, report["seconds"][name] = measured[name].result()
            report["results"][name] = result
            report["measured"][name] = report["date"] + (" (quick)" if args.quick else "")
        try:
            report["summary"][name] = [list(row) for row in summarise(result)]
        except (KeyError, TypeError) as error:
            report["summary"][name] = [["failed", result.get("error", repr(error)), "", False]]
        if "error" in result or report["summary"][name][0][0] == "failed":
            failed.append(name)
    report["failed"] = failed
    files.write_json(out / "results.json", report)
    files.write_text(out / "RESULTS.md", markdown(report))
    print(markdown(report))
    print(f"report: {out / 'results.json'}, {out / 'RESULTS.md'}"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return report


if __name__ == "__main__":
    sys.exit(1 if main()["failed"] else 0)

"""Does pruning save time without losing the best? The same random search of cnn_fashion's default
space, with and without pruning, side by side.

    ZOO_DATA_DIR=../shared/data python benchmarks/pruning.py [--trials 24] [--epochs 10]
        [--subset 10000] [--seeds 0,1,2] [--prune median,percentile:25]
        [--warmup 1] [--margin 0] [--interval 1] [--concurrent-seeds]
        [--output-dir runs/bench_pruning]
    python benchmarks/pruning.py --tally REPORT.json [REPORT.json ...]
    python benchmarks/pruning.py --tally REPORT.json [...] --resample 200 [--trials 48]
    python benchmarks/pruning.py --replay SEARCH_DIR [SEARCH_DIR ...]
    (either of the two: [--replay-epochs N], as if the trials had trained N epochs)

For each seed, the unpruned search and one search per pruning rule run at the same time, as
`zoo tune` processes of one CPU thread each (so that the load of a shared machine falls on all
alike; when a pruned search ends first, the unpruned one gets more of the machine, which only
makes the ratio look worse for pruning): the same strategy, seed,
trials and data; the same configurations come in the same order (keras-tuner's random oracle
draws them without looking at scores) and each trial's seed is derived from its configuration,
so a pruned trial's epochs are the unpruned one's until it stops. Nothing is retrained: the
searches are compared on the validation split, where a search chooses.

Per seed: the best validation accuracy of each search, their difference, the wall time of each
(the process, start to end) and the ratio pruned / unpruned, and the time at which the pruned
search's best so far came within --tolerance of the unpruned search's final best. The best-so-far
curves against wall time (cumulative trial seconds) of every seed are drawn in one plot.
Then every seed's unpruned search is replayed under a grid of rules (median and percentiles, warm-up
of 1 to 3 epochs, margins, a check every epoch or every third; successive halving with ETA 2 to 4,
its first rung at 1 to 3 epochs, margins, start-up 1 or 3), without training (see `replay`):
which rule would have met the goal. The unpruned trials' curves are kept in the report.
With --tally, nothing runs: the replays of the reports given (pruning.json of earlier runs, each
seed once) are summed up per rule over all their seeds (see `tally`), replayed afresh where the
report kept its trials. With --resample, the reports' unpruned trials are drawn into many
rounds of three searches (see `resample`): each rule's chance to meet the goal in a round. With
--replay, the same as --tally for unpruned searches run earlier.
Goal: over the seeds, the pruned best is within 0.3 points of the unpruned best, in at most half
its time (CPU time of the one-thread process, its wall time on a machine of its own; the wall
times are reported too).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from matplotlib.figure import Figure

HERE = Path(__file__).resolve().parent
MODEL = "cnn_fashion"
OBJECTIVE = "val_accuracy"
ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "OMP_NUM_THREADS": "1"}


def command(folder, *, trials, epochs, subset, seed, prune, warmup, startup, margin, interval):
    return [sys.executable, "-m", "tuning.cli", MODEL, "--strategy", "random",
            "--max-trials", str(trials), "--epochs", str(epochs), "--subset", str(subset),
            "--seed", str(seed), "--prune", prune, "--prune-warmup", str(warmup),
            "--prune-startup", str(startup), "--prune-margin", str(margin),
            "--prune-interval", str(interval), "--no-retrain",
            "--search-dir", str(folder)]


def run_side_by_side(folder: Path, seeds: list, args) -> dict:
    """The unpruned search and the pruned ones of each seed, all at the same time: seed -> name
    -> summary."""
    started = {seed: start_searches(folder, seed, args) for seed in seeds}
    return {seed: wait_for(runs, seed, args) for seed, runs in started.items()}


def start_searches(folder: Path, seed: int, args) -> dict:
    """The unpruned search and the pruned ones of one seed, started."""
    env = {**os.environ, **ONE_THREAD, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}
    runs = {}
    for name, prune in [("unpruned", "none")] + [(rule, rule) for rule in rules(args)]:
        tag = name.replace(":", "")
        path = folder / f"seed{seed}-{tag}"
        log = open(folder / f"seed{seed}-{tag}.log", "w")
        argv = command(path, trials=args.trials, epochs=args.epochs, subset=args.subset,
                       seed=seed, prune=prune, warmup=args.warmup, startup=args.startup,
                       margin=args.margin, interval=args.interval)
        runs[name] = (path, log, time.perf_counter(),
                      subprocess.Popen(argv, cwd=HERE.parent, env=env, stdout=log,
                                       stderr=subprocess.STDOUT))
    return runs


def wait_for(runs: dict, seed: int, args) -> dict:
    out = {}
    while len(out) < len(runs):  # each search's wall time ends when its own process does
        for name, (path, log, start, process) in runs.items():
            if name in out:
                continue
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid == 0:
                continue
            if os.waitstatus_to_exitcode(status):
                raise SystemExit(f"{name} search of seed {seed} failed: see {log.name}")
            log.close()
            out[name] = summary(path, time.perf_counter() - start, args.epochs)
            # CPU time of the one-thread process: what its wall time would be on a machine of
            # its own (the wall times of searches that end at different moments see different
            # loads on a shared machine).
            out[name]["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
        time.sleep(0.2)
    return out


def summary(path: Path, wall_s: float, epochs: int) -> dict:
    table = json.loads((path / "trials.json").read_text())
    elapsed, curve, best = 0.0, [], None
    for row in table:
        elapsed += row.get("seconds") or 0.0
        if row["status"] == "COMPLETED" and row.get(OBJECTIVE) is not None:
            best = row[OBJECTIVE] if best is None else max(best, row[OBJECTIVE])
        curve.append((round(elapsed, 2), best))
    return {"wall_s": round(wall_s, 1), "trial_seconds": round(elapsed, 1), "best": best,
            "curve": curve, "pruned": sum(r["status"] == "PRUNED" for r in table),
            "epochs_trained": sum(r.get("pruned_epoch") or epochs for r in table),
            "trials": len(table)}


def trial_curves(path: Path) -> dict:
    """Trial number -> its validation accuracy after each epoch (the oracle's per-epoch record)."""
    curves = {}
    for record in path.glob("trials/trial_*/trial.json"):
        state = json.loads(record.read_text())
        history = state["metrics"]["metrics"].get(f"curve/{OBJECTIVE}", {"observations": []})
        steps = sorted(history["observations"], key=lambda o: o["step"])
        curves[int(state["trial_id"]) + 1] = [o["value"][0] for o in steps]
    return curves


def unpruned_trials(path: Path) -> list:
    """What a replay needs of an unpruned search, in the order its trials ran: each trial's
    number, validation curve and seconds. Kept in the report, so that rules added later can be
    replayed on these seeds without training again."""
    curves = trial_curves(path)
    return [{"trial": row["trial"], "seconds": row["seconds"], "curve": curves[row["trial"]]}
            for row in json.loads((path / "trials.json").read_text())]


def fixed_cost(trials: list, pruned_runs: dict, epochs: int) -> float | None:
    """A trial's fixed cost (building, data, evaluation), from the trials that live pruned searches
    stopped against the same trials unpruned: seconds = fixed + epochs trained * per epoch."""
    seconds = {t["trial"]: t["seconds"] for t in trials}
    fixed = []
    for path in pruned_runs.values():
        for row in json.loads((path / "trials.json").read_text()):
            stopped = row.get("pruned_epoch")
            if stopped and seconds.get(row["trial"]):
                full = seconds[row["trial"]]
                fixed.append((row["seconds"] - stopped * full / epochs) / (1 - stopped / epochs))
    return max(0.0, statistics.median(fixed)) if fixed else None


def replay(trials: list, overhead_s: float) -> dict:
    """Pruning rules replayed on an unpruned search's own curves (`unpruned_trials`), without
    training: a trial's seed comes from its configuration, so a pruned trial's epochs are the
    unpruned one's, and the points lost are exact. Its time is modelled as a fixed cost per
    trial (`fixed_cost`; a trial's own "fixed_s" where it has one) plus its epochs at the
    unpruned trial's pace."""
    from tuning.pruning import Pruner, running_best
    total = sum(t["seconds"] for t in trials)
    full_best = max(running_best(t["curve"], "max")[-1] for t in trials)
    out = {"fixed_cost_per_trial_s": round(overhead_s, 2), "rules": {}}
    for text, warmup, margin, interval, startup in REPLAYED:
        rule = Pruner.parse(text, warmup_epochs=warmup, startup_trials=startup, margin=margin,
                            interval_epochs=interval)
        # finished: the unpruned trials' curves; reached: every trial's, up to where it stopped
        # (successive halving judges against those).
        finished, reached, spent, best = [], [], 0.0, None
        for trial in trials:
            curve = running_best(trial["curve"], "max")
            fixed = trial.get("fixed_s", overhead_s)
            per_epoch = max(0.0, trial["seconds"] - fixed) / len(curve)
            reference = reached if rule.judges_against_all else finished
            stop = next((e for e in range(1, len(curve)) if rule.prunes(
                curve[e - 1], [f[e - 1] for f in reference if len(f) >= e], epoch=e,
                direction="max")), None)
            spent += fixed + (stop or len(curve)) * per_epoch
            reached.append(curve[:stop])
            if stop is None:
                finished.append(curve)
                best = curve[-1] if best is None else max(best, curve[-1])
        out["rules"][rule_name(text, warmup, margin, interval, startup)] = {
            "time_ratio": round(spent / total, 3),
            "points_lost": round(100 * (full_best - best), 2)}
    return out


# Margins replayed: up to about three standard errors of the difference between two trials'
# accuracies on 6,000 validation images (0.0065 at 0.85).
MARGINS = (0.0, 0.005, 0.01, 0.015, 0.02)
# The rules replayed on every unpruned search: (rule, warm-up epochs, margin, interval epochs,
# start-up trials). Successive halving (asha) checks at its rungs only, so no interval; its
# start-up (others at the rung before one is judged) is 1, Optuna's, or 3, the other rules'.
REPLAYED = [(text, warmup, margin, interval, 3)
            for text in ("median", "percentile:33", "percentile:25")
            for warmup in (1, 2, 3) for margin in MARGINS for interval in (1, 3)] + [
    (text, warmup, margin, 1, startup)
    for text in ("asha:2", "asha:3", "asha:4") for warmup in (1, 2, 3)
    for margin in MARGINS for startup in (1, 3)]
# A trial's fixed cost where no live pruned search measured it: the median of seeds 5 to 10's
# measurements (2.1 to 4.6 s, benchmarks/pruning*.json).
DEFAULT_FIXED_COST_S = 3.0


def cut_to(trials: list, epochs: int, overhead_s: float) -> list:
    """An unpruned search's trials as if each had trained `epochs` epochs: the first `epochs`
    points of its curve, and its fixed cost plus that many epochs at its pace. Exact in the
    scores because the trials train at a constant learning rate (nothing in a trial depends on
    its number of epochs)."""
    out = []
    for trial in trials:
        trained = len(trial["curve"])
        if not 1 <= epochs <= trained:
            raise ValueError(f"cannot cut trial {trial['trial']} to {epochs} epochs: it trained "
                             f"{trained}; give 1 to {trained}.")
        per_epoch = max(0.0, trial["seconds"] - overhead_s) / trained
        out.append({**trial, "curve": trial["curve"][:epochs],
                    "seconds": overhead_s + epochs * per_epoch})
    return out


def each_seed(reports: list):
    """(seed, its replays, its unpruned trials or None) of every seed in `reports` (pruning.json
    contents); a seed in two reports is refused, as it would count twice."""
    seen = set()
    for report in reports:
        for seed, replayed in report.get("replayed", {}).items():
            if seed in seen:
                raise ValueError(f"seed {seed} is in two of the reports: give each seed once.")
            seen.add(seed)
            yield seed, replayed, report.get("trial_records", {}).get(seed)


def tally(reports: list, limit: float = 0.3, epochs: int | None = None) -> list:
    """Each rule replayed in every one of `reports` (pruning.json contents), over all their
    seeds: the seeds on which it lost more than `limit` points, its mean and worst time ratio,
    its worst loss. With `epochs`, the searches are replayed as if their trials had trained
    that many epochs (`cut_to`); only reports that kept their trials can be.
    Sorted by those seeds, then by mean time: the first rows are the rules to try live next."""
    replays = {}
    for seed, replayed, trials in each_seed(reports):
        if epochs is not None:
            if not trials:
                raise ValueError(f"seed {seed}'s report keeps its replays but not its "
                                 "trials, so they cannot be cut to fewer epochs: give "
                                 "reports with trial_records (benchmarks/pruning.json).")
            trials = cut_to(trials, epochs, replayed["fixed_cost_per_trial_s"])
        # Where the report kept the trials, today's rules are replayed on them afresh.
        replays[seed] = (replay(trials, replayed["fixed_cost_per_trial_s"])["rules"]
                         if trials else replayed["rules"])
    if not replays:
        raise ValueError("the reports hold no replays: expected pruning.json files written by "
                         "a run of this script.")
    names = set.intersection(*(set(rules) for rules in replays.values()))
    rows = []
    for name in names:
        figures = [rules[name] for rules in replays.values()]
        times = [f["time_ratio"] for f in figures]
        lost = [f["points_lost"] for f in figures]
        rows.append({"rule": name, "seeds": len(figures),
                     "seeds_over_limit": sum(x > limit + 1e-9 for x in lost),
                     "mean_time_ratio": round(statistics.mean(times), 3),
                     "worst_time_ratio": max(times), "worst_points_lost": max(lost)})
    return sorted(rows, key=lambda r: (r["seeds_over_limit"], r["mean_time_ratio"], r["rule"]))


def pooled_trials(reports: list) -> list:
    """Every unpruned trial the reports kept, its time (and fixed cost) in units of its own
    search's mean trial time: searches run alone and six at once differ in pace."""
    pool = []
    for _, replayed, trials in each_seed(reports):
        if trials:
            unit = statistics.mean(t["seconds"] for t in trials)
            fixed = replayed["fixed_cost_per_trial_s"]
            pool += [{**t, "seconds": t["seconds"] / unit, "fixed_s": fixed / unit}
                     for t in trials]
    return pool


def resample(pool: list, *, trials: int, rounds: int, seeds: int = 3, limit: float = 0.3,
             time_goal: float = 0.5, seed: int = 0) -> list:
    """The odds that each rule meets the goal in a live round, from the trials of earlier
    unpruned searches (`pooled_trials`): `rounds` times, `seeds` searches of `trials` trials
    each are drawn from the pool (no trial twice in a round: a random search's configurations
    are independent draws, and a trial's score depends on its configuration and seed only), and
    every rule is replayed on them. A round meets the goal when no search loses more than
    `limit` points and the mean time ratio is at most `time_goal`. Where `tally` counts ten or
    so seeds, and the fastest rule with none over is partly the luckiest of 180, this gives
    every rule's chance on the same few hundred trials, and for searches of another size than
    those run.
    Sorted by the share of rounds that met the goal, then by mean time."""
    if seeds * trials > len(pool):
        raise ValueError(f"{seeds} searches of {trials} trials need {seeds * trials} trials; "
                         f"the reports kept {len(pool)}: give more reports or fewer --trials.")
    rng = random.Random(seed)
    figures = {}
    for _ in range(rounds):
        drawn = rng.sample(pool, seeds * trials)
        searches = [replay(drawn[i * trials:(i + 1) * trials], 0.0)["rules"]
                    for i in range(seeds)]
        for name in searches[0]:
            figures.setdefault(name, []).append([s[name] for s in searches])
    rows = []
    for name, per_round in figures.items():
        means = [statistics.mean(f["time_ratio"] for f in r) for r in per_round]
        over = [[f["points_lost"] > limit + 1e-9 for f in r] for r in per_round]
        rows.append({"rule": name, "rounds": rounds,
                     "goal_met": round(sum(not any(o) and m <= time_goal + 1e-9
                                           for o, m in zip(over, means)) / rounds, 3),
                     "search_over_limit": round(sum(map(sum, over)) / (rounds * seeds), 3),
                     "mean_time_ratio": round(statistics.mean(means), 3)})
    return sorted(rows, key=lambda r: (-r["goal_met"], r["mean_time_ratio"], r["rule"]))


def print_resampled(rows: list, trials: int, limit: float = 0.3):
    print(f"| rule ({trials} trials a search) | rounds of 3 searches meeting the goal | "
          f"searches losing more than {limit:g} points | time ratio, mean |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['rule']} | {r['goal_met']:.0%} of {r['rounds']} | "
              f"{r['search_over_limit']:.0%} | {r['mean_time_ratio']} |")


def print_tally(rows: list, limit: float = 0.3):
    print(f"| rule | seeds losing more than {limit:g} points | time ratio, mean (worst) | "
          "worst points lost |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['rule']} | {r['seeds_over_limit']} of {r['seeds']} | "
              f"{r['mean_time_ratio']} ({r['worst_time_ratio']}) | {r['worst_points_lost']} |")


def rule_name(text: str, warmup: int, margin: float, interval: int = 1,
              startup: int = 3) -> str:
    every = f", every {interval} epochs" if interval != 1 else ""
    start = f", start-up {startup}" if startup != 3 else ""
    return f"{text}, warm-up {warmup}, margin {margin:g}{every}{start}"


def replay_searches(parser, folders: list, args) -> dict:
    """--replay: the rules replayed on unpruned searches run earlier (by this script or by
    `zoo tune --prune none` with its options), summed up as --tally does; a report of them is
    written to --output-dir, for later tallies."""
    trials, replayed = {}, {}
    for folder in folders:
        try:
            plan = json.loads((folder / "search.json").read_text())
            if plan.get("prune", "none") != "none":
                parser.error(f"--replay: {folder} is a pruned search; give unpruned ones.")
            seed = str(plan["seed"])
            if seed in trials:
                parser.error(f"--replay: two searches of seed {seed}; give each seed once.")
            trials[seed] = unpruned_trials(folder)
        except (OSError, ValueError, KeyError) as error:
            parser.error(f"--replay: {folder} is not a finished search ({error!r})")
        replayed[seed] = replay(trials[seed], DEFAULT_FIXED_COST_S)
    report = {"model": MODEL, "replayed": replayed, "trial_records": trials,
              "searches": [str(f) for f in folders]}
    try:
        rows = tally([report], epochs=args.replay_epochs)
    except ValueError as error:
        parser.error(f"--replay-epochs: {error}")
    print_tally(rows)
    folder = Path(args.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "replayed.json").write_text(json.dumps(report, indent=1))
    return {"tally": rows}


def rules(args) -> list:
    return [rule.strip() for rule in args.prune.split(",")]


def time_to_reach(curve, target):
    return next((t for t, best in curve if best is not None and best >= target), None)


def plot(results: dict, path: Path):
    figure = Figure(figsize=(7, 4.2), layout="constrained")
    ax = figure.add_subplot()
    styles = ["-", "--", ":", "-."]
    for i, (seed, runs) in enumerate(results.items()):
        # The unpruned search solid, the pruned ones after it (runs come in the order they end).
        ordered = sorted(runs.items(), key=lambda item: item[0] != "unpruned")
        for style, (name, run) in zip(styles, ordered):
            curve = [(t, b) for t, b in run["curve"] if b is not None]
            ax.step([t for t, _ in curve], [b for _, b in curve], style, where="post",
                    color=f"C{i}", label=f"seed {seed}, {name}")
    ax.set(xlabel="search time (s, sum of trial times)", ylabel=f"best {OBJECTIVE} so far",
           title=f"{MODEL}: random search with and without pruning")
    ax.legend(fontsize=8)
    figure.savefig(path, dpi=110)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--subset", type=int, default=10000)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--prune", default="median,percentile:25",
                        help="pruning rules, each measured against the same unpruned search")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--startup", type=int, default=3)
    parser.add_argument("--margin", type=float, default=0.0)
    parser.add_argument("--interval", type=int, default=1,
                        help="epochs between checks of the rule after the warm-up")
    parser.add_argument("--tolerance", type=float, default=0.003)
    parser.add_argument("--concurrent-seeds", action="store_true",
                        help="run every seed's searches at once instead of one seed after another")
    parser.add_argument("--output-dir", default="runs/bench_pruning",
                        help="search folders, logs, the plot and the report (pruning.json)")
    parser.add_argument("--tally", nargs="+", metavar="REPORT",
                        help="run nothing: sum up the replays of these reports per rule")
    parser.add_argument("--replay", nargs="+", metavar="SEARCH_DIR",
                        help="run nothing: replay the rules on these finished unpruned searches "
                             "(of these same options) and sum them up per rule")
    parser.add_argument("--replay-epochs", type=int, default=None, metavar="N",
                        help="with --tally or --replay: replay the searches as if each trial "
                             "had trained only its first N epochs")
    parser.add_argument("--resample", type=int, default=None, metavar="ROUNDS",
                        help="with --tally: the chance that each rule meets the goal, from "
                             "ROUNDS rounds of 3 searches of --trials trials drawn from the "
                             "reports' unpruned trials")
    args = parser.parse_args(argv)
    if args.resample is not None and (not args.tally or args.resample < 1
                                      or args.replay_epochs is not None):
        parser.error("--resample ROUNDS goes with --tally REPORT..., without --replay-epochs, "
                     f"ROUNDS 1 or more (got {args.resample}; 200 take a few minutes).")
    if args.replay_epochs is not None and not (args.tally or args.replay):
        parser.error("--replay-epochs goes with --tally or --replay: it replays finished "
                     "searches; to run trials of N epochs, give --epochs N.")
    if args.replay:
        return replay_searches(parser, [Path(p) for p in args.replay], args)
    if args.tally:
        reports = []
        for path in args.tally:
            try:
                reports.append(json.loads(Path(path).read_text()))
            except (OSError, ValueError) as error:
                parser.error(f"--tally: cannot read {path} ({error})")
        try:
            if args.resample:
                rows = resample(pooled_trials(reports), trials=args.trials,
                                rounds=args.resample)
                print_resampled(rows, args.trials)
                return {"resampled": rows}
            rows = tally(reports, epochs=args.replay_epochs)
        except ValueError as error:
            parser.error(f"--tally: {error}")
        print_tally(rows)
        return {"tally": rows}
    folder = Path(args.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    results, rows, replayed, trials = {}, [], {}, {}
    seeds = [int(s) for s in args.seeds.split(",")]
    # One seed after another, or all at once (--concurrent-seeds: more processes than cores, so
    # the wall times mean little; the CPU times still compare).
    batches = [seeds] if args.concurrent_seeds else [[seed] for seed in seeds]
    by_seed = {}
    for batch in batches:
        by_seed.update(run_side_by_side(folder, batch, args))
    for seed in seeds:
        runs = by_seed[seed]
        results[seed] = runs
        full = runs["unpruned"]
        trials[seed] = unpruned_trials(folder / f"seed{seed}-unpruned")
        measured = fixed_cost(trials[seed], {r: folder / f"seed{seed}-{r.replace(':', '')}"
                                             for r in rules(args)}, args.epochs)
        replayed[seed] = replay(trials[seed], DEFAULT_FIXED_COST_S if measured is None
                                else measured)
        for rule in rules(args):
            pruned = runs[rule]
            reach = time_to_reach(pruned["curve"], full["best"] - args.tolerance)
            row = {"seed": seed, "prune": rule, "best_unpruned": full["best"],
                   "best_pruned": pruned["best"],
                   "points_lost": round(100 * (full["best"] - pruned["best"]), 2),
                   "wall_ratio": round(pruned["wall_s"] / full["wall_s"], 3),
                   "cpu_ratio": round(pruned["cpu_s"] / full["cpu_s"], 3),
                   "trial_time_ratio": round(pruned["trial_seconds"] / full["trial_seconds"], 3),
                   "epochs_ratio": round(pruned["epochs_trained"] / full["epochs_trained"], 3),
                   "pruned_trials": pruned["pruned"],
                   "time_to_within_tolerance_ratio": None if reach is None else
                   round(reach / full["trial_seconds"], 3)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    by_rule = {}
    for rule in rules(args):
        mine = [r for r in rows if r["prune"] == rule]
        by_rule[rule] = {
            "mean_points_lost": round(statistics.mean(r["points_lost"] for r in mine), 2),
            "worst_points_lost": max(r["points_lost"] for r in mine),
            "mean_wall_ratio": round(statistics.mean(r["wall_ratio"] for r in mine), 3),
            "worst_wall_ratio": max(r["wall_ratio"] for r in mine),
            "mean_cpu_ratio": round(statistics.mean(r["cpu_ratio"] for r in mine), 3),
            "worst_cpu_ratio": max(r["cpu_ratio"] for r in mine),
            "mean_trial_time_ratio": round(statistics.mean(r["trial_time_ratio"]
                                                           for r in mine), 3)}
        by_rule[rule]["goal_met"] = (by_rule[rule]["worst_points_lost"] <= 0.3 + 1e-9
                                     and by_rule[rule]["mean_cpu_ratio"] <= 0.5)
        print(f"{rule}: pruned / unpruned CPU time mean {by_rule[rule]['mean_cpu_ratio']}, "
              f"worst {by_rule[rule]['worst_cpu_ratio']} (wall time mean "
              f"{by_rule[rule]['mean_wall_ratio']}); points lost mean "
              f"{by_rule[rule]['mean_points_lost']}, worst {by_rule[rule]['worst_points_lost']} "
              "(goal: <= 0.5 and <= 0.3)", flush=True)
    from tuning.hypermodel import (  # late: it loads Keras
        BATCHNORM_HORIZON_SHARE, WEIGHT_AVERAGE_HORIZON_SHARE)
    report = {
        "model": MODEL, "trials": args.trials, "epochs": args.epochs, "subset": args.subset,
        "warmup_epochs": args.warmup, "startup_trials": args.startup, "margin": args.margin,
        "interval_epochs": args.interval, "concurrent_seeds": args.concurrent_seeds,
        # the trials' BatchNorm statistics (tuning.hypermodel.current_batchnorm_statistics):
        # searches before 2026-12-06 ran with Keras' momentum, no cap
        "batchnorm_horizon_share": BATCHNORM_HORIZON_SHARE,
        # the trials' weight average (tuning.hypermodel.weight_average_momentum): from
        # 2026-12-06 on; before, the last step's weights were validated
        "weight_average_horizon_share": WEIGHT_AVERAGE_HORIZON_SHARE,
        "per_seed": rows,
        "rules": by_rule, "plot": str(plot(results, folder / "pruning.png")),
        "replayed": replayed, "trial_records": trials,
        "curves": {str(k): {n: v["curve"] for n, v in runs.items()}
                   for k, runs in results.items()},
        "goal_met": any(r["goal_met"] for r in by_rule.values()),
    }
    (folder / "pruning.json").write_text(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()

"""The `zoo` command: argument parsing only; everything else is imported lazily, so that
`zoo list`, `zoo info` and `zoo --help` never import TensorFlow."""
from __future__ import annotations

import argparse
import json
import os
import sys

from zoo.errors import ZooError
from zoo.models.test_time import MODES as TEST_TIME_MODES


def cmd_list(args):
    import zoo
    names = zoo.list_models(args.pattern, task=args.task)
    rows = [("name", "task", "dataset", "params", "reference")]
    for name in names:
        info = zoo.describe(name)
        ref = info.reference
        ref_text = f"{ref.metric} {ref.value} ({ref.source})" if ref.value is not None else "-"
        rows.append((name, info.task, info.dataset, f"{info.params:,}", ref_text))
    _print_table(rows)


def cmd_info(args):
    import zoo
    from zoo.training import recipe_source
    record = zoo.describe(args.name).as_dict()
    recipe = zoo.recipe(args.name)
    if args.json:
        record["recipe"] = {**recipe.as_dict(), "source": recipe_source(args.name)}
        print(json.dumps(record, indent=2, default=str))
        return
    for key in ("name", "family", "task", "input_shape", "num_outputs", "dataset", "params",
                "description"):
        print(f"{key:>14}: {record[key]}")
    if record.get("macs") is not None:
        print(f"{'MACs':>14}: {record['macs']:,} multiply-accumulates per example "
              "(zoo.models.flops)")
    measured = record.get("speed")
    if measured:
        print(f"{'speed':>14}: {measured['batch_1']:,} examples/s at batch 1, "
              f"{measured['batch_128']:,} at batch 128, peak memory "
              f"{measured['peak_memory_mb']} MB (zoo bench, {measured['date']}, "
              f"{measured['machine']})")
    else:
        print(f"{'speed':>14}: not measured (zoo bench {args.name})")
    print(f"{'recipe':>14}: {recipe.summary()} ({recipe_source(args.name)})")
    ref = record["reference"]
    if ref["value"] is None:
        print(f"{'reference':>14}: none recorded; {ref['note']}".rstrip("; "))
    else:
        print(f"{'reference':>14}: {ref['metric']} {ref['value']} ({ref['source']}) {ref['note']}")
    print(f"{'arguments':>14}: " + ", ".join(f"{k}={v!r}" for k, v in record["arguments"].items()))
    from zoo import results
    for row in record["results"]:
        if row.get("value") is None:
            print(f"{'measured':>14}: not measured: {row.get('reason', '')}")
            continue
        print(f"{'measured':>14}: test {row['metric']} {results.text(row)}, {row['epochs']} "
              f"epochs, {row['wall_time_s']:.0f} s a run, on {row.get('machine', '?')} "
              "(zoo results)")


def cmd_bench(args):
    import zoo
    from zoo import bench, validation
    validation.positive_float("seconds", args.seconds)
    names = args.names or zoo.list_models()
    for name in names:
        zoo.describe(name)  # an unknown name: one line, before anything is measured
    rows = [("model", "params", "MACs", "ex/s batch 1", "ex/s batch 128", "peak MB")]
    measured = {}
    for name in names:
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        measured[name] = row = bench.measure_apart(name, seconds=args.seconds)
        info = zoo.describe(name)
        rows.append((name, f"{info.params:,}", f"{info.macs:,}" if info.macs else "-",
                     f"{row['batch_1']:,}", f"{row['batch_128']:,}", str(row["peak_memory_mb"])))
    _print_table(rows)
    if args.record:
        print(f"recorded in {bench.record(measured)}")


def cmd_reproduce(args):
    from zoo.reproduce import reproduce
    options = {k: v for k, v in (("epochs", args.epochs), ("subset", args.subset)) if v}
    if options:
        print("note: --epochs/--subset make a quick run that is not the recipe; it is compared "
              "with the recorded interval all the same.")
    done = reproduce(args.name, seeds=args.seeds, output_dir=args.output_dir,
                     data_dir=args.data_dir, verbose=2 if args.quiet else "auto", **options)
    for run in done["runs"]:
        print(f"  seed {run['seed']}: test accuracy {run['value']:.4f}, "
              f"{run['wall_time_s']:.0f} s ({run['run_dir']})")
    low, high = done["interval"]
    verdict = "within" if done["within"] else "OUTSIDE"
    print(f"{args.name}: mean {done['mean']:.4f} over {len(done['runs'])} seed(s), {verdict} the "
          f"recorded interval [{low:.4f}, {high:.4f}] (recorded {done['recorded']['text']} on "
          f"{done['recorded']['machine']}).")
    _print_table([("library", "recorded", "now")]
                 + [(k, str(then), str(now)) for k, (then, now) in done["versions"].items()])
    if not done["within"]:
        raise SystemExit(1)


def cmd_train(args):
    from zoo.commandline import train_command
    from zoo.training import recipe_for
    from zoo.training.recipes import recipe_module
    experiment = getattr(recipe_module(args.name), "experiment", None)
    train_command(recipe_for(args.name), args, experiment)


def cmd_runs(args):
    from zoo.training.run_folder import list_runs
    runs = list_runs(args.output_dir, args.pattern)
    if args.json:
        print(json.dumps(runs, indent=2))
        return
    if not runs:
        print(f"No runs under {args.output_dir}" + (f" matching {args.pattern!r}." if args.pattern
                                                   else "."))
        return
    rows = [("model", "dataset", "state", "epochs", "test", "time", "folder")]
    for r in runs:
        test = ", ".join(f"{k} {v:.4f}" for k, v in r["test"].items() if k != "loss") or "-"
        wall = f"{r['wall_time_s']:.0f} s" if r["wall_time_s"] is not None else "-"
        rows.append((r["model"], str(r["dataset"] or "-"), r["state"], str(r["epochs"]), test,
                     wall, r["run_dir"]))
    _print_table(rows)


def cmd_evaluate(args):
    from zoo.evaluation import evaluate_saved
    metrics = evaluate_saved(args.target, dataset=args.dataset, data_dir=args.data_dir,
                             subset=args.subset, allow_code=args.allow_code,
                             test_time_augmentation=args.test_time_augmentation)
    print(json.dumps(metrics, indent=2))


def cmd_results(args):
    import zoo
    from zoo import results
    table = results.load_table()
    if args.csv:
        print(f"written: {results.write_csv(args.csv)}")
        return
    rows = [("model", "dataset", "test accuracy", "target", "epochs", "s/epoch", "wall time",
             "recipe")]
    for r in table["results"]:
        if r["value"] is None:
            rows.append((r["model"], r["dataset"], "-", r.get("target", ""), "-", "-", "-",
                         "not measured: " + r["reason"]))
            continue
        recipe = r["recipe"]
        if "gain" in r:  # the transfer recipe's comparison
            recipe += (f" (from scratch {r['from_scratch_value']:.4f}: "
                       f"{100 * r['gain']:+.1f} points)")
        rows.append((r["model"], r["dataset"], results.text(r), r.get("target", ""),
                     str(r["epochs"]), f"{r['wall_time_s'] / r['epochs']:.1f}",
                     f"{r['wall_time_s']:.0f} s", recipe))
    for name in sorted(set(zoo.list_models()) - {r["model"] for r in table["results"]}):
        rows.append((name, zoo.describe(name).dataset, "-", "", "-", "-", "-",
                     "not measured yet: run its recipe, then benchmarks/record_reference.py"))
    if args.markdown:
        print("| " + " | ".join(rows[0]) + " |")
        print("|" + "---|" * len(rows[0]))
        for row in rows[1:]:
            print("| " + " | ".join(row) + " |")
    else:
        _print_table(rows)
    print(f"\nMeasured on: {table.get('machine')}. Several seeds: mean ± standard deviation.")


def cmd_analyze(args):
    from zoo import analysis, files
    from zoo.errors import InvalidArgumentError
    if args.out_dir:
        files.check_folder("--out-dir", args.out_dir)
    if args.labels and not args.compare:
        raise InvalidArgumentError("--labels names the runs of --compare: add --compare RUN ... "
                                   "or drop --labels.")
    if args.compare:
        out_dir = args.out_dir or "comparison"
        written = analysis.compare([args.target, *args.compare], what=tuple(
            args.what or analysis.COMPARE_WHAT), out_dir=out_dir, labels=args.labels,
            data_dir=args.data_dir, subset=args.subset)
    else:
        written = analysis.analyze(args.target, what=args.what and tuple(args.what),
                                   out_dir=args.out_dir, data_dir=args.data_dir,
                                   subset=args.subset, explain=args.explain,
                                   filters=args.filters)
    for kind, paths in written.items():
        for path in paths if isinstance(paths, (list, tuple)) else [paths]:
            print(f"{kind}: {path}")


def cmd_toys(args):
    from zoo import files
    from zoo.analysis import toys
    files.check_folder("--out-dir", args.out_dir)
    files.check_folder("--output-dir", args.output_dir)
    options = {"epochs": args.epochs} if args.epochs else {}
    done = toys.linear_against_mlp(args.datasets or toys.DATASETS, out_dir=args.out_dir,
                                   output_dir=args.output_dir, seed=args.seed,
                                   verbose=0 if args.quiet else 1, **options)
    rows = [("dataset", *toys.MODELS)]
    for name, row in done["results"].items():
        rows.append((name, *(f"{row[label]['test_accuracy']:.3f}" for label in toys.MODELS)))
    _print_table(rows)
    for path in done["written"]:
        print(path)


def _print_table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())


def build_parser(recipe=None) -> argparse.ArgumentParser:
    """The `zoo` command's parser; `recipe`: the recipe whose values `zoo train NAME --help`
    shows."""
    from zoo.commandline import add_arguments
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--import", dest="imports", action="append", metavar="MODULE",
                        help="import a module (or .py file) that registers your own models "
                             "first; repeatable")
    parser = argparse.ArgumentParser(
        prog="zoo", description="Build, train, evaluate and inspect the classic networks.",
        parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subparser = sub.add_parser

    def add_parser(name, **kwargs):
        return subparser(name, parents=[common], **kwargs)
    sub.add_parser = add_parser

    p = sub.add_parser("list", help="list the models (instant)")
    p.add_argument("pattern", nargs="?", help="shell wildcard, e.g. 'cnn_*'")
    p.add_argument("--task", choices=["multiclass", "binary", "multilabel", "regression"])
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("info", help="a model's metadata record (instant)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("bench", help="measure inference speed (examples/s at batch 1 and 128, "
                       "peak memory) on this machine")
    p.add_argument("names", nargs="*", metavar="NAME", help="models (default: all)")
    p.add_argument("--seconds", type=float, default=2.0,
                   help="timed seconds per batch size, after warm-up (default 2)")
    p.add_argument("--record", action="store_true",
                   help="write the figures into zoo/speed.json (zoo info shows them)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("reproduce", help="run a recipe again and say whether it lands in its "
                       "recorded interval (zoo results)")
    p.add_argument("name")
    p.add_argument("--seeds", type=int, default=1, help="runs, the recorded seeds first "
                   "(default 1)")
    p.add_argument("--output-dir", default="runs", help="where the runs go (default: runs)")
    p.add_argument("--data-dir", help="folder of raw dataset files (default: $ZOO_DATA_DIR)")
    p.add_argument("--epochs", type=int, help="a quick run: fewer epochs (not the recipe)")
    p.add_argument("--subset", type=int, help="a quick run: at most this many examples per "
                   "split (not the recipe)")
    p.add_argument("--quiet", action="store_true", help="one line per epoch")
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser("train", help="train a model with its recipe (same as python -m recipes.NAME)",
                       description=recipe.summary() if recipe is not None else None)
    p.add_argument("name", help="a registered model (zoo list)")
    add_arguments(p, recipe)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("runs", help="the past runs under an output folder, newest first")
    p.add_argument("pattern", nargs="?", help="shell wildcard over model names, e.g. 'cnn_*'")
    p.add_argument("--output-dir", default="runs", help="where the run folders are [runs]")
    p.add_argument("--json", action="store_true", help="print the runs as JSON")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("evaluate", help="evaluate a run folder or .keras file on its test split")
    p.add_argument("target", metavar="RUN_OR_MODEL")
    p.add_argument("--dataset", help="dataset name (default: the run's, or the model's)")
    p.add_argument("--data-dir")
    p.add_argument("--subset", type=int)
    p.add_argument("--allow-code", action="store_true",
                   help="load a model that carries Python code (only for files you trust)")
    p.add_argument("--tta", dest="test_time_augmentation", choices=TEST_TIME_MODES,
                   help="images: average the outputs over mirrored (flip) and shifted "
                        "(flip_shift) views (default: the run's own setting)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("results", help="the reference results table")
    p.add_argument("--markdown", action="store_true", help="print it as a Markdown table")
    p.add_argument("--csv", metavar="PATH", help="write it as a CSV in timm's manner (one row "
                   "per model: top-1, parameters, MACs, times, inference speed) instead")
    p.set_defaults(func=cmd_results)

    p = sub.add_parser("analyze", help="plots of a trained run: confusion, filters, FGSM, ...")
    p.add_argument("target", metavar="RUN_OR_MODEL")
    p.add_argument("--what", nargs="+", choices=["confusion", "errors", "filters", "feature_maps",
                                                  "fgsm", "pgd", "rotation", "calibration",
                                                  "saliency", "gradcam", "activation_max",
                                                  "curves", "augmentation"],
                   help="analyses to run (default: every one that applies to the model)")
    p.add_argument("--compare", nargs="+", metavar="RUN",
                   help="other runs to draw beside the first (confusion, fgsm, rotation, curves)")
    p.add_argument("--explain", nargs="+", type=int, metavar="INDEX",
                   help="test examples for gradcam and saliency (default: the most confidently "
                        "misclassified)")
    p.add_argument("--filters", nargs="+", type=int, metavar="INDEX",
                   help="filters of each convolution for activation_max (default: 0 to 7)")
    p.add_argument("--labels", nargs="+", metavar="LABEL",
                   help="with --compare: one legend label per run, the first run's first")
    p.add_argument("--out-dir", help="where to write (default: RUN/analysis; with --compare: "
                                     "comparison)")
    p.add_argument("--data-dir")
    p.add_argument("--subset", type=int)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("toys", help="linear models against a small MLP on the 2D toy problems")
    # No `choices`: argparse checks an empty list against them; toys checks each name.
    p.add_argument("datasets", nargs="*", metavar="DATASET",
                   help="blobs, xor, rings, spirals [all]")
    p.add_argument("--epochs", type=int, help="epochs of every run (default: each recipe, "
                                              "adapted to the small data)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-dir", default="toys", help="where the figure goes [toys]")
    p.add_argument("--output-dir", default="runs", help="where the runs go [runs]")
    p.add_argument("--quiet", action="store_true", help="no line per run")
    p.set_defaults(func=cmd_toys)

    from tuning.cli import add_parser as add_tune_parser
    from zoo.serving.cli import add_parser as add_serving_parsers
    add_serving_parsers(sub)
    add_tune_parser(sub)
    return parser


def _import_modules(imports):
    """--import: the user's modules are imported here and named in ZOO_IMPORT, so that the
    registry of any worker process started from here imports them too."""
    from zoo import registry
    if not imports:
        return
    registry.names()  # loads the built-in models, then those of ZOO_IMPORT
    for module in imports:
        registry.import_user_module(module)
    known = [m for m in os.environ.get(registry.IMPORT_VARIABLE, "").split(",") if m]
    os.environ[registry.IMPORT_VARIABLE] = ",".join(known + [m for m in imports if m not in known])


def _recipe_for_help(argv):
    """The recipe of `zoo train NAME --help`, so that the help shows its actual values."""
    if "train" not in argv or not {"-h", "--help"} & set(argv):
        return None
    rest = argv[argv.index("train") + 1:]
    names = [a for i, a in enumerate(rest) if not a.startswith("-")
             and (i == 0 or rest[i - 1] != "--import")]
    if not names:
        return None
    try:
        from zoo.training import recipe_for
        return recipe_for(names[0])
    except ZooError:
        return None


def main(argv=None) -> int:
    from zoo.commandline import report_errors
    argv = sys.argv[1:] if argv is None else list(argv)
    imports = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--import"]
    code = report_errors("zoo", _import_modules, imports)
    if code:
        return code
    args = build_parser(_recipe_for_help(argv)).parse_args(argv)
    return report_errors(f"zoo {args.command}", args.func, args)


if __name__ == "__main__":
    sys.exit(main())

"""`zoo predict` and `zoo export`: argument parsing only."""
from __future__ import annotations

import json


def cmd_predict(args):
    from pathlib import Path

    from zoo.errors import InvalidArgumentError
    from zoo.serving import find_run, load_run
    run = load_run(find_run(args.target, args.output_dir))
    if args.text:
        if args.inputs:
            raise InvalidArgumentError("Pass either INPUT files or --text, not both.")
        if run.domain != "text":
            raise InvalidArgumentError(f"--text is for text models; this run takes "
                                       f"{run.domain} inputs (pass files).")
        inputs, names = list(args.text), [f"text {i + 1}" for i in range(len(args.text))]
    elif args.inputs:
        _check_files(args.inputs, run.domain)
        inputs, names = [Path(p) for p in args.inputs], list(args.inputs)
    else:
        raise InvalidArgumentError("Nothing to predict: pass INPUT files"
                                   + (" or --text \"...\"" if run.domain == "text" else "") + ".")
    from zoo import validation
    predictions = run.predict(inputs, top=validation.positive_int("--top", args.top))
    if len(predictions) != len(names):  # a series file holds several series, one per row
        names = [f"series {i + 1}" for i in range(len(predictions))]
    if args.json:
        print(json.dumps([{"input": name, "top": [{"class": c, "probability": p} for c, p in top]}
                          for name, top in zip(names, predictions)], indent=2))
        return
    for name, top in zip(names, predictions):
        print(f"{name}: " + ", ".join(f"{c} {p:.3f}" for c, p in top))


def _check_files(paths, domain):
    import os

    from zoo.errors import DataError
    for path in paths:
        if not os.path.isfile(path):
            raise DataError(f"{path} is not a file: pass {domain} files to predict on"
                            + (", or --text \"...\"" if domain == "text" else "") + ".")


def cmd_export(args):
    from zoo.serving import export_run, find_run, load_run
    run = load_run(find_run(args.target, args.output_dir))
    report = export_run(run, args.format, args.out, examples=args.examples,
                        data_dir=args.data_dir, overwrite=args.overwrite)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print("\n".join(report.lines()))


def add_parser(sub):
    from zoo.serving.runtimes import FORMATS
    p = sub.add_parser("predict", help="predict on your own images, texts or series")
    p.add_argument("target", metavar="RUN_OR_MODEL",
                   help="a run folder, its model.keras, or a model name (its newest finished run)")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="image files (any size), text files, or series files (one per row)")
    p.add_argument("--text", action="append", metavar="TEXT",
                   help="a text to classify (repeatable), instead of files")
    p.add_argument("--top", type=int, default=3, help="how many classes to show [3]")
    p.add_argument("--json", action="store_true", help="print the predictions as JSON")
    p.add_argument("--output-dir", default="runs", help="where to look for a model's runs [runs]")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("export", help="export a run for serving, checked in its own runtime")
    p.add_argument("target", metavar="RUN_OR_MODEL",
                   help="a run folder, its model.keras, or a model name (its newest finished run)")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", required=True, help="the file to write (a folder for savedmodel)")
    p.add_argument("--examples", type=int, default=128,
                   help="test examples to check the outputs on [128]")
    p.add_argument("--data-dir", help="the data folder, for the test examples")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--output-dir", default="runs", help="where to look for a model's runs [runs]")
    p.set_defaults(func=cmd_export)

"""Export parity on real data: one short run per model family on its own dataset, exported to
every format, each artefact loaded in its own runtime and compared with the Keras model on 128
real test inputs; size and latency per example at batch 1 and 128 beside Keras' own predict.

    ZOO_DATA_DIR=../shared/data python benchmarks/export_parity.py [--out FILE.json]

The runs are short (a subset, one or two epochs): parity and speed do not depend on accuracy,
but trained weights give outputs far from uniform, which a parity check needs.
"""
import argparse
import json
import tempfile
import time

FAMILIES = {  # family: (model, options of its short run)
    "dense": ("dense_mnist", {"subset": 2000, "epochs": 1}),
    "convnet": ("cnn_fashion", {"subset": 2000, "epochs": 1}),
    "resnet": ("resnet_small", {"subset": 1000, "epochs": 1}),
    "transfer": ("transfer", {"subset": 200, "epochs": 2}),
    "series": ("cnn1d_series", {"subset": 500, "epochs": 2}),
    "recurrent text": ("lstm_sentiment", {"subset": 1000, "epochs": 1}),
}
GOAL = 1e-4


def main(argv=None):
    import zoo
    from zoo.errors import RunError
    from zoo.serving import FORMATS, export_run
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the rows as JSON here")
    parser.add_argument("--only", nargs="+", choices=list(FAMILIES))
    parser.add_argument("--examples", type=int, default=128,
                        help="test examples each export is checked on, and the large batch")
    parser.add_argument("--subset", type=int, help="examples per split of each short run "
                                                   "(default: each family's own)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for family in args.only or FAMILIES:
            name, options = FAMILIES[family]
            start = time.perf_counter()
            options = {**options, **({"subset": args.subset} if args.subset else {})}
            result = zoo.train(name, output_dir=f"{tmp}/runs", verbose=0, **options)
            run = zoo.load_run(result.run_dir)
            print(f"{family}: {name} trained in {time.perf_counter() - start:.0f} s "
                  f"(test accuracy {result.test.get('accuracy', float('nan')):.3f})", flush=True)
            for fmt in FORMATS:
                try:
                    report = export_run(run, fmt, f"{tmp}/{name}.{fmt}",
                                        examples=args.examples)
                except RunError as error:
                    rows.append({"family": family, "model": name, "format": fmt,
                                 "error": str(error).split(" Nothing was written")[0]})
                    print(f"  {fmt}: not supported: {rows[-1]['error']}", flush=True)
                    continue
                latency = report.latency_ms
                rows.append({"family": family, "model": name, "format": fmt,
                             "takes": report.takes, "examples": report.examples,
                             "max_difference": report.max_difference,
                             "size_mb": round(report.size_bytes / 1e6, 3),
                             "ms_batch_1": round(latency["artefact"][1], 3),
                             "keras_ms_batch_1": round(latency["keras"][1], 3),
                             "ms_batch_large": round(latency["artefact"][report.examples], 4),
                             "keras_ms_batch_large": round(latency["keras"][report.examples],
                                                           4)})
                print(f"  {fmt}: " + "; ".join(report.lines()[1:]), flush=True)
    print(f"\n| family | format | max abs diff | size MB | ms/example, batch 1 (Keras predict) "
          f"| ms/example, batch {args.examples} (Keras predict) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['family']} | {r['format']} | not supported: {r['error']} | | | |")
            continue
        print(f"| {r['family']} | {r['format']} | {r['max_difference']:.1e} | {r['size_mb']} | "
              f"{r['ms_batch_1']} ({r['keras_ms_batch_1']}) | {r['ms_batch_large']} "
              f"({r['keras_ms_batch_large']}) |")
    measured = [r for r in rows if "error" not in r]
    within = all(r["max_difference"] <= GOAL for r in measured)
    faster = all(r["ms_batch_1"] <= r["keras_ms_batch_1"] for r in measured)
    print(f"\nparity within {GOAL:g}: {within}; every artefact at least as fast as Keras "
          f"predict at batch 1: {faster}")
    result = {"rows": rows, "parity_goal": GOAL, "parity_met": within,
              "batch_1_goal_met": faster,
              "largest_difference": max((r["max_difference"] for r in measured), default=None),
              "slowest_batch_1_ratio": max((round(r["ms_batch_1"] / r["keras_ms_batch_1"], 3)
                                            for r in measured), default=None)}
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(result, handle, indent=2)
    return result


if __name__ == "__main__":
    main()

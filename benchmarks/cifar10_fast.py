"""CIFAR-10 at 0.90 on a CPU: the resnet9 recipe (recipes/resnet9.py) over several seeds, and
the Keras examples' classic CIFAR-10 models trained side by side on the same data for the same
wall time.

Arms, all on the zoo's CIFAR-10 split of the JPEG copy (45,000 training, 5,000 validation,
10,000 test images); the baselines with the examples' augmentation ('light': flip, shifts of a
tenth), the recipe with its own ('crop': flip, whole-pixel shifts of up to 4):
- recipe: `zoo.train` of recipes/resnet9.py (the full runner: checkpoints, logs, plots), its run
  folders kept under --output-dir (benchmarks/record_reference.py records them). Its final
  figures average six test-time views; the validation accuracy of each epoch is the plain model's.
- cifar10_cnn: the Keras examples' `cifar10_cnn.py` network (two conv pairs 32 and 64 with
  dropout, a dense layer of 512) with its settings: RMSprop 1e-4 with decay 1e-6, batch 32;
  0.79 after 50 epochs there.
- resnet20: the Keras examples' `cifar10_resnet.py` ResNet-20 v1 (zoo's resnet_small with three
  blocks a stage) with its settings: Adam 1e-3 (its first decay is at epoch 80), batch 32; 0.92
  after 200 epochs there.
The baselines train for the recipe's mean wall time (or --budget-s), stopped at the batch where
it runs out. Every choice is on validation: the time to the target is read on the validation
accuracy at each epoch's end (for the recipe, also on its final, test-time-view figure, read at
the run's wall time); the test split is evaluated once, at the end of each run.

    python benchmarks/cifar10_fast.py [--seeds 3] [--baseline-seeds 1] [--first-seed 0]
                                      [--arms recipe cifar10_cnn resnet20] [--budget-s S]
                                      [--subset N] [--epochs N] [--output-dir DIR] [--out FILE]
Goal: the recipe's mean test accuracy >= 0.90 within 1,800 s of training on this machine.
"""
import argparse
import json
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script, python benchmarks/NAME.py: import from the root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras

import zoo
import zoo.data
from benchmarks.timing import EpochClock
from zoo.models.compiling import compile_model

RECIPE = zoo.recipe("resnet9")
TARGET = 0.90
GOAL_SECONDS = 1800
ARMS = ("recipe", "cifar10_cnn", "resnet20")
BASELINE_BATCH = 32


def cifar10_cnn(num_classes=10):
    """The network of the Keras examples' cifar10_cnn.py (Keras 2), rebuilt with Keras 3 layers."""
    layers = keras.layers
    stack = [keras.Input((32, 32, 3))]
    for filters in (32, 64):
        stack += [layers.Conv2D(filters, 3, padding="same", activation="relu"),
                  layers.Conv2D(filters, 3, activation="relu"),
                  layers.MaxPooling2D(2), layers.Dropout(0.25)]
    stack += [layers.Flatten(), layers.Dense(512, activation="relu"), layers.Dropout(0.5),
              layers.Dense(num_classes, activation="softmax")]
    model = keras.Sequential(stack, name="cifar10_cnn")
    # Keras 2's RMSprop(lr=1e-4, decay=1e-6): the rate divided by 1 + 1e-6 * step.
    rate = keras.optimizers.schedules.InverseTimeDecay(1e-4, decay_steps=1, decay_rate=1e-6)
    model.compile(optimizer=keras.optimizers.RMSprop(rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def resnet20():
    model = zoo.build("resnet_small", blocks_per_stage=3, compile=False)
    return compile_model(model, optimizer="adam", learning_rate=1e-3)


def recipe_arm(seed, args) -> dict:
    clock = EpochClock()
    config = RECIPE.replace(seed=seed, subset=args.subset, epochs=args.epochs or RECIPE.epochs,
                            output_dir=str(args.output_dir), new_run=True)
    result = zoo.train(config, callbacks=[clock], verbose=0)
    wall = result.metrics["wall_time_s"]
    # with test-time views the model is read once, at the end, on the views
    final = result.metrics.get("validation", {}).get("accuracy")
    reached = clock.time_to(TARGET) or (wall if final is not None and final >= TARGET else None)
    return {"seed": seed, "test_accuracy": round(result.metrics["test"]["accuracy"], 4),
            "validation_accuracy": round(final, 4) if final is not None else None,
            "wall_time_s": wall, "epochs": clock.epochs, "time_to_target_s": reached,
            "run_dir": str(result.run_dir)}


def baseline_arm(name, seed, budget_s, args) -> dict:
    keras.utils.set_random_seed(seed)
    splits = zoo.data.load("cifar10", batch_size=BASELINE_BATCH, seed=seed, augment="light",
                           validation_fraction=RECIPE.validation_fraction, subset=args.subset)
    model = cifar10_cnn() if name == "cifar10_cnn" else resnet20()
    clock = EpochClock(budget_s)
    # zoo.data shuffles the training split each epoch itself
    model.fit(splits.train, validation_data=splits.validation, epochs=10_000, verbose=0,
              shuffle=False, callbacks=[clock])
    test = model.evaluate(splits.test, verbose=0, return_dict=True)["accuracy"]
    return {"seed": seed, "test_accuracy": round(float(test), 4), "epochs": clock.epochs,
            "time_to_target_s": clock.time_to(TARGET), "budget_s": round(budget_s, 1)}


def summarise(runs) -> dict:
    tests = [r["test_accuracy"] for r in runs]
    reached = [r["time_to_target_s"] for r in runs if r["time_to_target_s"] is not None]
    walls = [r.get("wall_time_s", r.get("budget_s")) for r in runs]
    return {"wall_time_mean_s": round(statistics.mean(walls), 1),
            "test_accuracy_mean": round(statistics.mean(tests), 4),
            "test_accuracy_std": round(statistics.stdev(tests), 4) if len(tests) > 1 else 0.0,
            "reached_target": f"{len(reached)} of {len(runs)}",
            "time_to_target_mean_s": round(statistics.mean(reached), 1) if reached else None}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="the recipe's seeds")
    parser.add_argument("--baseline-seeds", type=int, default=1,
                        help="each baseline's seeds (the first of the recipe's)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--arms", nargs="+", choices=ARMS, default=list(ARMS))
    parser.add_argument("--budget-s", type=float, default=None,
                        help="the baselines' training time (default: the recipe arm's mean "
                             "wall time in this run, else 1800)")
    parser.add_argument("--subset", type=int, default=None, help="at most N images a split")
    parser.add_argument("--epochs", type=int, default=None, help="the recipe's epochs")
    parser.add_argument("--output-dir", type=Path, default=Path("runs") / "cifar10_fast",
                        help="where the recipe's run folders go")
    parser.add_argument("--out", type=Path, default=None, help="also write the report there")
    args = parser.parse_args(argv)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    report = {"target": TARGET, "goal_seconds": GOAL_SECONDS, "arms": {}}
    for arm in args.arms:
        runs = []
        for seed in (seeds if arm == "recipe" else seeds[:args.baseline_seeds]):
            if arm == "recipe":
                run = recipe_arm(seed, args)
            else:
                recipe_runs = report["arms"].get("recipe", {}).get("runs")
                budget = args.budget_s or (statistics.mean(r["wall_time_s"] for r in recipe_runs)
                                           if recipe_runs else GOAL_SECONDS)
                run = baseline_arm(arm, seed, budget, args)
            print(f"{arm} seed {seed}: test accuracy {run['test_accuracy']:.4f}, validation "
                  f"{TARGET} after {run['time_to_target_s']} s; epochs (s, val acc) "
                  f"{run['epochs']}", flush=True)
            runs.append(run)
        report["arms"][arm] = {"runs": runs, **summarise(runs)}
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    for arm, figures in report["arms"].items():
        print(f"{arm}: test accuracy {figures['test_accuracy_mean']} ± "
              f"{figures['test_accuracy_std']} over {len(figures['runs'])} seeds; validation {TARGET} "
              f"reached in {figures['reached_target']}, after {figures['time_to_target_mean_s']} s "
              "on average")
    return report


if __name__ == "__main__":
    main()

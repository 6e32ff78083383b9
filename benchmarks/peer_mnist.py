"""The cnn_mnist recipe against its peer, the keras.io "Simple MNIST convnet", side by side in one
run on the same data (zoo.data's MNIST: 54,000 training, 6,000 validation, 10,000 test images).

The peer keeps its own architecture and settings: conv 32 - pool - conv 64 - pool - dropout 0.5 -
softmax, Adam at Keras' default rate, batch 128, 15 epochs. Ours is the recipe's own steps
(recipes/cnn_mnist.py) through the full runner: checkpoints, backups, logs and plots.

Both arms take the test accuracy after every epoch, outside their clocks (benchmarks.timing), so
that the time at which ours first reaches the peer's final test accuracy can be read off: that is
the goal's figure. The whole wall time of each (the peer's fit and evaluation, our recipe from
start to plots) and our final accuracy are reported beside it.

Both arms run for each of --seeds seeds (the same seed for both); the figures are ratios of the
means over the seeds, with each seed's beside them. --subset, --peer-epochs and --epochs shrink
both arms for a smoke run (run_all.py --quick); their figures then mean nothing.

    python benchmarks/peer_mnist.py [--seeds 3] [--subset N] [--peer-epochs 15] [--epochs N]
Goal: ours reaches the peer's test accuracy in at most 0.7x the peer's wall time.
"""
import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script, python benchmarks/NAME.py: import from the root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras

import zoo
import zoo.data
from benchmarks.timing import TimeToAccuracy, timed_recipe
from zoo.models.compiling import compile_model

PEER_EPOCHS = 15


def peer_model():
    """The keras.io Simple MNIST convnet's network, as that example defines it."""
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(32, 3, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(64, 3, activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def run_peer(seed, epochs=PEER_EPOCHS, subset=None):
    keras.utils.set_random_seed(seed)
    splits = zoo.data.load("mnist", batch_size=128, seed=seed, subset=subset)
    timer = TimeToAccuracy(splits.test, target=2.0)  # never reached: it only takes accuracies
    start = time.perf_counter()
    model = peer_model()
    compile_model(model, optimizer="adam", learning_rate=1e-3)  # Keras' Adam default, as there
    model.fit(splits.train, validation_data=splits.validation, epochs=epochs, verbose=2,
              callbacks=[timer])
    accuracy = model.evaluate(splits.test, verbose=0, return_dict=True)["accuracy"]
    wall = time.perf_counter() - start - timer.evaluation_seconds
    return {"test_accuracy": float(accuracy), "training_s": round(timer.training_seconds, 1),
            "wall_time_s": round(wall, 1), "accuracies": timer.accuracies}


def run_ours(target, seed, epochs=None, subset=None):
    """recipes/cnn_mnist.py's steps, with the test accuracy taken after each epoch."""
    recipe = zoo.recipe("cnn_mnist")
    config = dataclasses.replace(recipe, seed=seed, subset=subset,
                                 epochs=epochs or recipe.epochs)
    metrics, timer, wall = timed_recipe(config, target)
    return {"test_accuracy": metrics["test"]["accuracy"], "epochs": metrics["epochs"],
            "reached_at_s": timer.reached_at and round(timer.reached_at[0], 1),
            "reached_at_epoch": timer.reached_at and timer.reached_at[1],
            "training_s": round(timer.training_seconds, 1), "wall_time_s": round(wall, 1),
            "accuracies": timer.accuracies}


def one_seed(seed, peer_epochs=PEER_EPOCHS, epochs=None, subset=None) -> dict:
    peer = run_peer(seed, peer_epochs, subset)
    ours = run_ours(peer["test_accuracy"], seed, epochs, subset)
    reached = ours["reached_at_s"] is not None
    when = (f"at epoch {ours['reached_at_epoch']}, after {ours['reached_at_s']} s of training"
            if reached else "never")
    print(f"seed {seed}: peer {peer['test_accuracy']:.4f} after {peer['training_s']} s of "
          f"training ({peer['wall_time_s']} s in all); cnn_mnist reached it {when}; whole recipe "
          f"{ours['wall_time_s']} s, final test accuracy {ours['test_accuracy']:.4f}", flush=True)
    return {"seed": seed, "peer": peer, "cnn_mnist recipe": ours, "accuracy_reached": reached,
            "time_ratio": round(ours["reached_at_s"] / peer["training_s"], 3) if reached
            else None}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0, 1, ... for both arms")
    parser.add_argument("--subset", type=int, default=None,
                        help="at most N images in each split, both arms (default: all)")
    parser.add_argument("--peer-epochs", type=int, default=PEER_EPOCHS,
                        help=f"the peer's epochs (default: its own {PEER_EPOCHS})")
    parser.add_argument("--epochs", type=int, default=None,
                        help="the cnn_mnist recipe's epochs (default: the recipe's)")
    args = parser.parse_args(argv)
    zoo.data.load("mnist")  # decode and cache once, outside both clocks
    runs = [one_seed(seed, args.peer_epochs, args.epochs, args.subset)
            for seed in range(args.seeds)]

    def mean(arm, key):
        return statistics.mean(r[arm][key] for r in runs)

    reached = all(r["accuracy_reached"] for r in runs)
    result = {"peer": f"keras.io simple convnet, {args.peer_epochs} epochs", "runs": runs,
              "accuracy_reached": reached,
              "time_ratio": round(mean("cnn_mnist recipe", "reached_at_s")
                                  / mean("peer", "training_s"), 3) if reached else None,
              "time_ratios": [r["time_ratio"] for r in runs],
              "wall_time_ratio": round(mean("cnn_mnist recipe", "wall_time_s")
                                       / mean("peer", "wall_time_s"), 3),
              "test_accuracy": {"ours": round(mean("cnn_mnist recipe", "test_accuracy"), 4),
                                "peer": round(mean("peer", "test_accuracy"), 4)}}
    result["final_accuracy_reached"] = (result["test_accuracy"]["ours"]
                                        >= result["test_accuracy"]["peer"])
    print(json.dumps(result, indent=2))
    print(f"over {args.seeds} seeds: time to the peer's accuracy / the peer's training time "
          f"{result['time_ratio']} (per seed {result['time_ratios']}; goal <= 0.7); whole recipe "
          f"/ peer {result['wall_time_ratio']}; mean final test accuracy ours "
          f"{result['test_accuracy']['ours']:.4f}, peer {result['test_accuracy']['peer']:.4f}")
    return result


if __name__ == "__main__":
    main()

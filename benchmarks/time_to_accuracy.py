"""Time to accuracy: training wall time until cnn_fashion first reaches 0.91 test accuracy, with
its recipe (Adam 2e-3 with cosine decay over 10 epochs) against the same network with the
material's plain settings (Adam at Keras' default 1e-3, batch 128), side by side in one run.

    python benchmarks/time_to_accuracy.py [--max-epochs 20]
Goal: recipe / plain <= 0.5.
"""
import argparse
import json

import keras

import zoo
import zoo.data
from zoo.models import heads
from benchmarks.timing import TimeToAccuracy

TARGET = 0.91
BATCH_SIZE = 128


def train(name, optimizer, epochs, splits):
    keras.utils.set_random_seed(0)
    model = zoo.build("cnn_fashion", compile=False)
    model.compile(optimizer=optimizer, **heads.compile_arguments("softmax"))
    timer = TimeToAccuracy(splits.test, TARGET)
    print(f"{name}:", flush=True)
    model.fit(splits.train, validation_data=splits.validation, epochs=epochs, verbose=0,
              callbacks=[timer])
    return {"reached_at_s": timer.reached_at and round(timer.reached_at[0], 1),
            "reached_at_epoch": timer.reached_at and timer.reached_at[1],
            "accuracies": timer.accuracies, "training_s": round(timer.training_seconds, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-epochs", type=int, default=20,
                        help="budget of the plain settings to reach the target")
    args = parser.parse_args(argv)
    splits = zoo.data.load("fashion_mnist", batch_size=BATCH_SIZE, seed=0)
    steps = 10 * int(splits.train.cardinality())
    recipe = train("recipe (Adam 2e-3, cosine over 10 epochs)",
                   keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
                   10, splits)
    plain = train("plain (Adam 1e-3)", keras.optimizers.Adam(1e-3), args.max_epochs, splits)
    result = {"target": TARGET, "recipe": recipe, "plain": plain}
    if recipe["reached_at_s"] and plain["reached_at_s"]:
        result["ratio"] = round(recipe["reached_at_s"] / plain["reached_at_s"], 3)
    print(json.dumps(result, indent=2))
    print(f"time to {TARGET}: recipe {recipe['reached_at_s']} s (epoch "
          f"{recipe['reached_at_epoch']}), plain {plain['reached_at_s']} s (epoch "
          f"{plain['reached_at_epoch']}); ratio {result.get('ratio', 'n/a')} (goal <= 0.5)")
    return result


if __name__ == "__main__":
    main()

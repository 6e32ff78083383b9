"""Time to accuracy: training wall time until cnn_fashion first reaches 0.91 test accuracy, with
its recipe's settings (recipes/cnn_fashion.py: Adam 3e-3 with cosine decay over 10 epochs and a
moving average of the weights) against the same network with the material's plain settings (Adam
at Keras' default 1e-3, batch 128), side by side in one run on the same pipeline. Test accuracy is
taken after each epoch, outside the training clock.

    python benchmarks/time_to_accuracy.py [--max-epochs 20]
Goal: recipe / plain <= 0.5.
"""
import argparse
import json

import keras

import zoo
import zoo.data
from benchmarks.timing import TimeToAccuracy
from recipes.cnn_fashion import CONFIG
from zoo.models import factory, heads

TARGET = 0.91
PLAIN = {"optimizer": "adam", "learning_rate": 1e-3, "batch_size": 128}


def train(name, optimizer, epochs, splits, callbacks=()):
    keras.utils.set_random_seed(0)
    model = zoo.build("cnn_fashion", compile=False)
    model.compile(optimizer=optimizer, **heads.compile_arguments("softmax"))
    timer = TimeToAccuracy(splits.test, TARGET)
    print(f"{name}:", flush=True)
    model.fit(splits.train, validation_data=splits.validation, epochs=epochs, verbose=0,
              callbacks=[*callbacks, timer])
    return {"reached_at_s": timer.reached_at and round(timer.reached_at[0], 1),
            "reached_at_epoch": timer.reached_at and timer.reached_at[1],
            "accuracies": timer.accuracies, "training_s": round(timer.training_seconds, 1)}


def recipe_arm(splits):
    """The recipe's optimizer, schedule and weight average, as zoo.runner sets them up."""
    steps = CONFIG.epochs * int(splits.train.cardinality())
    schedule = keras.optimizers.schedules.CosineDecay(CONFIG.learning_rate, steps)
    optimizer = factory.make_optimizer(CONFIG.optimizer, schedule, ema=CONFIG.ema)
    swap = [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if CONFIG.ema else []
    return train(f"recipe ({CONFIG.optimizer} {CONFIG.learning_rate}, {CONFIG.lr_schedule} over "
                 f"{CONFIG.epochs} epochs, batch {CONFIG.batch_size}, ema {CONFIG.ema})",
                 optimizer, CONFIG.epochs, splits, swap)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-epochs", type=int, default=20,
                        help="budget of the plain settings to reach the target")
    args = parser.parse_args(argv)
    assert CONFIG.batch_size == PLAIN["batch_size"], "both arms read the same batches"
    splits = zoo.data.load("fashion_mnist", batch_size=PLAIN["batch_size"], seed=0)
    recipe = recipe_arm(splits)
    plain = train("plain (Adam 1e-3)", factory.make_optimizer("adam", PLAIN["learning_rate"]),
                  args.max_epochs, splits)
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

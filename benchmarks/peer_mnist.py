"""The cnn_mnist recipe against its peer, the keras.io "Simple MNIST convnet", side by side in one
run on the same data (zoo.data's MNIST: 54,000 training, 6,000 validation, 10,000 test images).

The peer keeps its own architecture and settings: conv 32 - pool - conv 64 - pool - dropout 0.5 -
softmax, Adam at Keras' default rate, batch 128, 15 epochs. Ours is the recipe's own steps
(recipes/cnn_mnist.py) through the full runner: checkpoints, backups, logs and plots.

Both arms take the test accuracy after every epoch, outside their clocks (benchmarks.timing), so
that the time at which ours first reaches the peer's final test accuracy can be read off: that is
the goal's figure. The whole wall time of each (the peer's fit and evaluation, our recipe from
start to plots) and our final accuracy are reported beside it.

    python benchmarks/peer_mnist.py
Goal: ours reaches the peer's test accuracy in at most 0.7x the peer's wall time.
"""
import json
import time

import keras

import zoo.data
from benchmarks.timing import TimeToAccuracy, timed_recipe
from recipes import cnn_mnist

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


def run_peer():
    keras.utils.set_random_seed(0)
    splits = zoo.data.load("mnist", batch_size=128, seed=0)
    timer = TimeToAccuracy(splits.test, target=2.0)  # never reached: it only takes accuracies
    start = time.perf_counter()
    model = peer_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(splits.train, validation_data=splits.validation, epochs=PEER_EPOCHS, verbose=2,
              callbacks=[timer])
    accuracy = model.evaluate(splits.test, verbose=0, return_dict=True)["accuracy"]
    wall = time.perf_counter() - start - timer.evaluation_seconds
    return {"test_accuracy": float(accuracy), "training_s": round(timer.training_seconds, 1),
            "wall_time_s": round(wall, 1), "accuracies": timer.accuracies}


def run_ours(target):
    """recipes/cnn_mnist.py's steps, with the test accuracy taken after each epoch."""
    metrics, timer, wall = timed_recipe(cnn_mnist.CONFIG, target)
    return {"test_accuracy": metrics["test"]["accuracy"], "epochs": metrics["epochs"],
            "reached_at_s": timer.reached_at and round(timer.reached_at[0], 1),
            "reached_at_epoch": timer.reached_at and timer.reached_at[1],
            "training_s": round(timer.training_seconds, 1), "wall_time_s": round(wall, 1),
            "accuracies": timer.accuracies}


def main(argv=None):
    zoo.data.load("mnist")  # decode and cache once, outside both clocks
    peer = run_peer()
    ours = run_ours(peer["test_accuracy"])
    reached = ours["reached_at_s"] is not None
    result = {f"peer (keras.io simple convnet, {PEER_EPOCHS} epochs)": peer,
              "cnn_mnist recipe": ours,
              "time_ratio": round(ours["reached_at_s"] / peer["training_s"], 3) if reached
              else None,
              "wall_time_ratio": round(ours["wall_time_s"] / peer["wall_time_s"], 3),
              "accuracy_reached": reached,
              "final_accuracy_reached": ours["test_accuracy"] >= peer["test_accuracy"]}
    print(json.dumps(result, indent=2))
    when = (f"at epoch {ours['reached_at_epoch']}, after {ours['reached_at_s']} s of training"
            if reached else "never")
    print(f"peer {peer['test_accuracy']:.4f} after {peer['training_s']} s of training "
          f"({peer['wall_time_s']} s in all); cnn_mnist reached it {when}: time ratio "
          f"{result['time_ratio']} (goal <= 0.7). Whole recipe {ours['wall_time_s']} s "
          f"(ratio {result['wall_time_ratio']}), final test accuracy {ours['test_accuracy']:.4f}")
    return result


if __name__ == "__main__":
    main()

"""The cnn_mnist recipe against its peer, the keras.io "Simple MNIST convnet", side by side in one
run on the same data (zoo.data's MNIST: 54,000 training, 6,000 validation, 10,000 test images).

The peer keeps its own architecture and settings: conv 32 - pool - conv 64 - pool - dropout 0.5 -
softmax, Adam at Keras' default rate, batch 128, 15 epochs. Ours is `python -m recipes.cnn_mnist`
through the full runner (checkpoints, logs and plots included in its time).

    python benchmarks/peer_mnist.py
Goal: ours reaches the peer's test accuracy in at most 0.7x the peer's wall time.
"""
import json
import tempfile
import time

import keras

import zoo.data
from recipes import cnn_mnist


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
    start = time.perf_counter()
    model = peer_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(splits.train, validation_data=splits.validation, epochs=15, verbose=2)
    accuracy = model.evaluate(splits.test, verbose=0, return_dict=True)["accuracy"]
    return {"test_accuracy": float(accuracy), "wall_time_s": round(time.perf_counter() - start, 1)}


def run_ours():
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        metrics = cnn_mnist.main(["--output-dir", out, "--quiet"])
        return {"test_accuracy": metrics["test"]["accuracy"], "epochs": metrics["epochs"],
                "wall_time_s": round(time.perf_counter() - start, 1)}


def main(argv=None):
    zoo.data.load("mnist")  # decode and cache once, outside both clocks
    peer = run_peer()
    ours = run_ours()
    result = {"peer (keras.io simple convnet, 15 epochs)": peer, "cnn_mnist recipe": ours,
              "time_ratio": round(ours["wall_time_s"] / peer["wall_time_s"], 3),
              "accuracy_reached": ours["test_accuracy"] >= peer["test_accuracy"]}
    print(json.dumps(result, indent=2))
    print(f"cnn_mnist {ours['test_accuracy']:.4f} in {ours['wall_time_s']} s vs peer "
          f"{peer['test_accuracy']:.4f} in {peer['wall_time_s']} s: time ratio "
          f"{result['time_ratio']} (goal <= 0.7), peer accuracy reached: "
          f"{result['accuracy_reached']}")
    return result


if __name__ == "__main__":
    main()

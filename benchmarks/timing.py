"""Shared pieces of the benchmark scripts: a callback that times training to a test accuracy."""
import time

import keras


class TimeToAccuracy(keras.callbacks.Callback):
    """After each epoch, evaluate on `test` (outside the training clock) and record the training
    wall time at which the accuracy first reaches `target`."""

    def __init__(self, test, target):
        super().__init__()
        self.test, self.target = test, target
        self.training_seconds = 0.0
        self.reached_at = None          # (seconds, epoch) when the target was first reached
        self.accuracies = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.training_seconds += time.perf_counter() - self._start
        accuracy = self.model.evaluate(self.test, verbose=0, return_dict=True)["accuracy"]
        self.accuracies.append(float(accuracy))
        print(f"  epoch {epoch + 1}: test accuracy {accuracy:.4f} after "
              f"{self.training_seconds:.1f} s of training", flush=True)
        if self.reached_at is None and accuracy >= self.target:
            self.reached_at = (self.training_seconds, epoch + 1)

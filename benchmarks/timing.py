"""Shared pieces of the benchmark scripts: callbacks that time training to an accuracy (on the test
split, or on the validation accuracy the fit already computes), and a recipe's run timed with
the first."""
import tempfile
import time

import keras


class TimeToAccuracy(keras.callbacks.Callback):
    """After each epoch, evaluate on `test` (outside the training clock) and record the training
    wall time at which the accuracy first reaches `target`. The training clock runs from each
    epoch's start to its end (the epoch's steps and its validation); `evaluation_seconds` is the
    time this callback's own test evaluations took, for callers that time more than the epochs.
    With `stop=True` training stops once the target is reached (the time to it is unchanged)."""

    def __init__(self, test, target, stop=False):
        super().__init__()
        self.test, self.target, self.stop = test, target, stop
        self.training_seconds = 0.0
        self.evaluation_seconds = 0.0
        self.reached_at = None          # (seconds, epoch) when the target was first reached
        self.accuracies = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        self.training_seconds += now - self._start
        accuracy = self.model.evaluate(self.test, verbose=0, return_dict=True)["accuracy"]
        self.evaluation_seconds += time.perf_counter() - now
        self.accuracies.append(float(accuracy))
        print(f"  epoch {epoch + 1}: test accuracy {accuracy:.4f} after "
              f"{self.training_seconds:.1f} s of training", flush=True)
        if self.reached_at is None and accuracy >= self.target:
            self.reached_at = (self.training_seconds, epoch + 1)
        if self.reached_at and self.stop:
            self.model.stop_training = True


class EpochClock(keras.callbacks.Callback):
    """Validation accuracy at each epoch's end with the training wall time so far (from the
    start of training; with `budget_s`, training stops at the first batch past it)."""

    def __init__(self, budget_s=None):
        super().__init__()
        self.budget_s = budget_s
        self.epochs = []        # (seconds, validation accuracy)

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self.budget_s is not None and time.perf_counter() - self.start >= self.budget_s:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append((round(time.perf_counter() - self.start, 1),
                            round(float(logs["val_accuracy"]), 4)))

    def time_to(self, target):
        return next((s for s, accuracy in self.epochs if accuracy >= target), None)


def timed_recipe(config, target):
    """A recipe run through zoo.train (checkpoints, backups, logs and plots included) in a
    temporary run folder, with the test accuracy taken after each epoch by an extra callback.
    Returns the run's metrics, the callback, and the whole wall time less the callback's own
    evaluations."""
    import zoo.data
    from zoo.training.train import train
    # The test split the run will use, loaded as the run loads it.
    test = zoo.data.load(config.dataset, batch_size=config.batch_size, seed=config.seed,
                         validation_fraction=config.validation_fraction,
                         subset=config.subset).test
    timer = TimeToAccuracy(test, target)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = train(config, callbacks=[timer], output_dir=out, verbose=0)
        wall = time.perf_counter() - start - timer.evaluation_seconds
    return result.metrics, timer, wall

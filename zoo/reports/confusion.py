"""Confusion matrices and per-class accuracy on a test split, for one model or side by side."""
from __future__ import annotations

import numpy as np

from zoo.reports import inputs, plots
from zoo.errors import InvalidArgumentError


def confusion_matrix(model, data, *, num_classes=None) -> dict:
    """{"matrix": counts (rows: true class, columns: predicted class), "per_class_accuracy",
    "accuracy", "count"} of the model on data ((x, y) arrays or a dataset)."""
    x, y = inputs.as_arrays(data)
    predicted, _ = inputs.predict_classes(model, x)
    k = num_classes or int(max(y.max(), predicted.max()) + 1)
    if y.min() < 0 or max(y.max(), predicted.max()) >= k:
        raise InvalidArgumentError(
            f"Labels and predictions must be class ids in [0, {k}); got labels from {y.min()} to "
            f"{y.max()} and predictions up to {predicted.max()}.")
    matrix = np.bincount(y * k + predicted, minlength=k * k).reshape(k, k)
    support = matrix.sum(axis=1)
    per_class = np.divide(np.diag(matrix), support, out=np.full(k, np.nan), where=support > 0)
    return {"matrix": matrix, "per_class_accuracy": per_class,
            "accuracy": float(np.trace(matrix) / matrix.sum()), "count": int(matrix.sum())}


def plot_confusions(results, titles, class_names):
    """One confusion matrix per result, side by side, shaded by the fraction of each true class."""
    fig = plots.figure(5.5 * len(results), 5)
    for ax, result, title in zip(fig.subplots(1, len(results), squeeze=False)[0], results, titles):
        _draw_matrix(ax, np.asarray(result["matrix"]), class_names)
        ax.set_title(f"{title}: accuracy {result['accuracy']:.3f}", fontsize=10)
    return fig


def _draw_matrix(ax, matrix, class_names):
    k = len(matrix)
    fraction = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax.imshow(fraction, cmap="Blues", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(k), class_names, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(k), class_names, fontsize=7)
    ax.set(xlabel="predicted", ylabel="true")
    if k <= 20:
        for (i, j), count in np.ndenumerate(matrix):
            ax.text(j, i, str(count), ha="center", va="center", fontsize=9 if k <= 10 else 6,
                    color="white" if fraction[i, j] > 0.5 else "black")


def plot_per_class_accuracy(results, labels, class_names):
    """Grouped bars: the accuracy of each class, one bar per result."""
    fig = plots.figure(max(6.0, 0.6 * len(class_names) * len(results)), 4)
    ax = fig.add_subplot()
    width = 0.8 / len(results)
    positions = np.arange(len(class_names))
    for i, (result, label) in enumerate(zip(results, labels)):
        ax.bar(positions + i * width, result["per_class_accuracy"], width, label=label)
    ax.set_xticks(positions + 0.4 - width / 2, class_names, rotation=45, ha="right", fontsize=8)
    ax.set(ylabel="accuracy", ylim=(0, 1.2), title="Per-class accuracy on the test split")
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.legend(loc="upper center", ncols=len(results), fontsize=8)  # above the bars
    return fig

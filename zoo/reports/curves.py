"""Learning curves of one or several runs from their history.csv (Keras CSVLogger): training
solid, validation dashed, one colour per run, one panel per metric."""
from __future__ import annotations

import csv
import os

import numpy as np
from matplotlib.ticker import MaxNLocator

from zoo.reports import plots
from zoo.errors import RunError

HISTORY_FILE = "history.csv"


def read_history(run) -> dict:
    """{column: values} of a run folder's history.csv (or of that file itself)."""
    path = os.fspath(run)
    if os.path.isdir(path):
        path = os.path.join(path, HISTORY_FILE)
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        # CSVLogger writes "NA" for a metric an epoch lacks: val_* columns without a validation
        # split (it adds them itself), or an epoch cut short. Columns with no value are dropped.
        history = {key: np.array([_number(row[key]) for row in rows]) for key in rows[0]}
        history = {key: values for key, values in history.items() if not np.isnan(values).all()}
    except (OSError, IndexError, KeyError, TypeError, ValueError) as error:
        raise RunError(f"Cannot read the training history {path} ({type(error).__name__}: "
                       f"{error}): is the run finished and does it have one?") from None
    return history


def _number(text) -> float:
    return float("nan") if text in ("NA", "") else float(text)


def plot_learning_curves(histories: dict, metrics=None, note: str | None = None):
    """histories = {label: read_history(...)}. metrics: the columns to draw, by default every
    training metric (accuracy, loss, ...) that all histories have. note: a line under the title
    saying what the curves show (e.g. that validation used averaged weights)."""
    if metrics is None:
        shared = set.intersection(*(set(h) for h in histories.values()))
        metrics = sorted(m for m in shared if m != "epoch" and not m.startswith("val_"))
    if not metrics:
        raise RunError("The histories share no metric to draw.")
    fig = plots.figure(5 * len(metrics), 4)
    for ax, metric in zip(fig.subplots(1, len(metrics), squeeze=False)[0], metrics):
        for i, (label, history) in enumerate(histories.items()):
            _draw_metric(ax, history, metric, label, color=f"C{i}")
        ax.set(xlabel="epoch", ylabel=metric, title=metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    if note:
        fig.suptitle(note, fontsize=8)
    return fig


def _draw_metric(ax, history, metric, label, color):
    epochs = history.get("epoch", np.arange(len(history[metric]))) + 1
    ax.plot(epochs, history[metric], color=color, label=f"{label} train")
    if f"val_{metric}" in history:
        ax.plot(epochs, history[f"val_{metric}"], color=color, linestyle="--",
                label=f"{label} validation")

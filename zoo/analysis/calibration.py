"""Calibration: does a confidence of 0.9 mean right nine times in ten? The expected calibration
error (ECE, Guo et al. 2017: the gap between confidence and accuracy, averaged over equal-width
confidence bins, weighted by their counts), the reliability diagram, and temperature scaling:
one number T dividing the logits, fitted on the validation split (never on test) by minimising
the negative log-likelihood; the test ECE is reported before and after."""
from __future__ import annotations

import numpy as np

from zoo.reports import inputs, plots

BINS = 15
TEMPERATURE_RANGE = (0.05, 20.0)
EPSILON = 1e-12


def reliability(probabilities: np.ndarray, labels: np.ndarray, bins: int = BINS) -> dict:
    """ECE and the per-bin table (count, mean confidence, accuracy) of predictions whose top
    class probability falls in each of `bins` equal-width bins of (0, 1]."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    count = np.bincount(index, minlength=bins)
    mean_confidence = np.bincount(index, confidence, bins) / np.maximum(count, 1)
    accuracy = np.bincount(index, correct.astype(float), bins) / np.maximum(count, 1)
    ece = float(np.sum(count * np.abs(accuracy - mean_confidence)) / len(labels))
    return {"ece": ece, "accuracy": float(correct.mean()), "edges": edges.tolist(),
            "count": count.tolist(), "confidence": mean_confidence.tolist(),
            "bin_accuracy": accuracy.tolist()}


def logits_of(probabilities: np.ndarray) -> np.ndarray:
    """Logits up to a constant per row (what softmax cannot see): the log-probabilities."""
    return np.log(np.clip(probabilities, EPSILON, 1.0))


def scaled(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def negative_log_likelihood(probabilities, labels) -> float:
    return float(-np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels],
                                         EPSILON, 1.0))))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T > 0 minimising the NLL of softmax(logits / T): a one-dimensional convex problem in
    1/T, solved by scipy's bounded scalar minimiser over log T."""
    from scipy.optimize import minimize_scalar
    low, high = np.log(TEMPERATURE_RANGE)
    found = minimize_scalar(lambda t: negative_log_likelihood(scaled(logits, np.exp(t)), labels),
                            bounds=(low, high), method="bounded", options={"xatol": 1e-4})
    return float(np.exp(found.x))


def calibration(model, validation, test, bins: int = BINS) -> dict:
    """Temperature fitted on `validation`, applied to `test`: ECE, NLL and reliability tables
    of the raw and the calibrated model on the test split."""
    xv, yv = inputs.as_arrays(validation)
    xt, yt = inputs.as_arrays(test)
    temperature = fit_temperature(logits_of(inputs.probabilities(model, xv)), yv)
    raw = inputs.probabilities(model, xt)
    calibrated = scaled(logits_of(raw), temperature)
    return {"temperature": temperature, "fitted_on": f"validation ({len(yv)} examples)",
            "test_examples": int(len(yt)),
            "raw": {**reliability(raw, yt, bins), "nll": negative_log_likelihood(raw, yt)},
            "calibrated": {**reliability(calibrated, yt, bins),
                           "nll": negative_log_likelihood(calibrated, yt)}}


def plot_reliability(result: dict, title: str = ""):
    """Accuracy against confidence per bin, raw and temperature-scaled, beside the diagonal of
    perfect calibration; the bars' widths are the bins, the ECE in the legend."""
    fig = plots.figure(9, 4.2)
    axes = fig.subplots(1, 2)
    edges = np.asarray(result["raw"]["edges"])
    width = np.diff(edges)
    for ax, key, name in ((axes[0], "raw", "as trained"),
                          (axes[1], "calibrated", f"temperature {result['temperature']:.2f}")):
        table = result[key]
        shown = np.asarray(table["count"]) > 0
        ax.bar(edges[:-1][shown], np.asarray(table["bin_accuracy"])[shown],
               width=width[shown], align="edge", edgecolor="black", alpha=0.7,
               label=f"{name}: ECE {table['ece']:.3f}")
        ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfectly calibrated")
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence (top-class probability)",
               ylabel="accuracy on test")
        ax.legend(loc="upper left")
    fig.suptitle(title or "Reliability on the test split (temperature fitted on validation)")
    return fig

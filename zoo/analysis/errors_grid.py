"""The test examples a model gets wrong with the most confidence."""
from __future__ import annotations

import numpy as np

from zoo.reports import inputs, plots


def confident_errors(model, data, *, count=16) -> dict:
    """The `count` misclassified examples with the highest predicted probability, most confident
    first: their indices in data, true and predicted classes and that probability."""
    x, y = inputs.as_arrays(data)
    predicted, confidence = inputs.predict_classes(model, x)
    wrong = np.flatnonzero(predicted != y)
    worst = wrong[np.argsort(-confidence[wrong], kind="stable")][:count]
    return {"indices": worst, "true": y[worst], "predicted": predicted[worst],
            "confidence": confidence[worst], "errors": int(len(wrong)), "count": int(len(y))}


def plot_errors(images, result, class_names, *, ncols=8):
    """The examples of confident_errors in a grid titled with true and predicted labels."""
    if len(result["indices"]) == 0:
        return plots.message("no misclassified examples")
    titles = [f"true: {class_names[t]}\npred: {class_names[p]} ({c:.0%})" for t, p, c in
              zip(result["true"], result["predicted"], result["confidence"])]
    return plots.image_grid(np.asarray(images)[result["indices"]], titles, ncols=ncols)

"""What a finished run writes besides its model and metrics: learning curves and, for
classifiers, the test confusion matrix (PNG + JSON); and the machine and library versions."""
from __future__ import annotations

import os
import platform

from zoo import files


def write_plots(out, model, splits, head: str, title: str, *, averaged: bool = False):
    from zoo.reports import confusion, curves
    history = curves.read_history(out)
    note = "validation with the averaged weights, training with the raw ones" if averaged else None
    files.save_figure(curves.plot_learning_curves({title: history}, note=note),
                      out / "learning_curves.png")
    if head in ("softmax", "sigmoid"):
        names = (list(splits.info.class_names) if splits.info is not None else
                 [str(i) for i in range(max(2, model.output_shape[-1]))])
        result = confusion.confusion_matrix(model, splits.test, num_classes=len(names))
        files.save_figure(confusion.plot_confusions([result], [title], names),
                          out / "confusion_matrix.png")
        files.write_json(out / "confusion_matrix.json", {
            "class_names": names, "matrix": result["matrix"].tolist(),
            "per_class_accuracy": result["per_class_accuracy"].tolist(),
            "accuracy": result["accuracy"]})


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.system()}"


def library_versions() -> dict:
    import keras
    import numpy
    import tensorflow as tf
    return {"python": platform.python_version(), "keras": keras.__version__,
            "tensorflow": tf.__version__, "numpy": numpy.__version__,
            "backend": keras.backend.backend(), "machine": machine()}

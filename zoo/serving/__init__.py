"""Out of the training loop: a finished run as a loadable object (`zoo.load_run`), prediction
on a user's own inputs, and export for serving checked in its own runtime.

    import zoo
    run = zoo.load_run("runs/cnn_fashion/20261129-101500")
    run.predict(["boot.png"])          # [[('Ankle boot', 0.97), ...]]
    from zoo.serving import export_run
    print(export_run(run, "onnx", "cnn_fashion.onnx").lines())
"""
from zoo.serving.export import ExportReport, export_run
from zoo.serving.loaded import LoadedRun, find_run, load_run
from zoo.serving.runtimes import FORMATS

__all__ = ["ExportReport", "FORMATS", "LoadedRun", "export_run", "find_run", "load_run"]

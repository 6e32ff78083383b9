"""Each export format written by Keras' own `model.export` (or `model.save`), and loaded back in
its own runtime: Keras, TensorFlow (SavedModel), onnxruntime (ONNX), the LiteRT interpreter.
A loaded artefact is a callable from a numpy batch to a numpy array of outputs."""
from __future__ import annotations

import importlib.util

from zoo.errors import InvalidArgumentError

FORMATS = ("keras", "savedmodel", "onnx", "litert")
SUFFIX = {"keras": ".keras", "savedmodel": "", "onnx": ".onnx", "litert": ".tflite"}
INSTALL = 'pip install -e ".[export]"'
RUNTIME = {"keras": "Keras", "savedmodel": "TensorFlow", "onnx": "onnxruntime",
           "litert": "the LiteRT interpreter"}
# What each format needs beyond the zoo's own dependencies: {format: (module, ...)}.
NEEDS = {"onnx": ("tf2onnx", "onnx", "onnxruntime")}


def check_available(fmt: str) -> None:
    """Refuse a format that this installation cannot write or run, saying what to install."""
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"format={fmt!r} is not an export format; expected one of "
                                   f"{', '.join(FORMATS)}.")
    missing = [m for m in NEEDS.get(fmt, ()) if importlib.util.find_spec(m) is None]
    if missing:
        raise InvalidArgumentError(f"Exporting to {fmt} needs {', '.join(missing)}, which is not "
                                   f"installed: {INSTALL}")
    if fmt == "litert" and _litert_interpreter() is None:
        raise InvalidArgumentError("Exporting to litert needs TensorFlow's converter and a LiteRT "
                                   f"interpreter (the ai-edge-litert package): {INSTALL}")


def write(model, fmt: str, path) -> list[str]:
    """`model` in format `fmt` at `path` (a file; a folder for savedmodel); returns what the
    converter said it could not convert (tf2onnx writes a model anyway, that does not load)."""
    import logging
    import warnings
    if fmt == "keras":
        model.save(path)
        return []
    keras_format = {"savedmodel": "tf_saved_model"}.get(fmt, fmt)
    converter_log = logging.getLogger("tf2onnx")
    complaints = _Complaints()
    level, propagate = converter_log.level, converter_log.propagate
    converter_log.setLevel(logging.ERROR)  # one line per converted node otherwise
    converter_log.propagate = False
    converter_log.addHandler(complaints)
    try:
        with warnings.catch_warnings():  # numpy's np.object notice, raised inside Keras' shim
            warnings.simplefilter("ignore", FutureWarning)
            model.export(str(path), format=keras_format, verbose=False)
    finally:
        converter_log.removeHandler(complaints)
        converter_log.setLevel(level)
        converter_log.propagate = propagate
    return complaints.unsupported


class _Complaints:
    """A logging handler keeping tf2onnx's "Unsupported ops: ..." line."""
    level = 0

    def __init__(self):
        self.unsupported = []

    def handle(self, record):
        import re
        message = record.getMessage()
        if message.startswith("Unsupported ops"):  # "Unsupported ops: Counter({'Op': 1, ...})"
            ops = re.findall(r"'(\w+)':", message)
            self.unsupported.append("unsupported ops: " + ", ".join(ops or [message]))
        return True


def load(fmt: str, path):
    """The artefact at `path` loaded in its own runtime, as a callable batch -> outputs."""
    return {"keras": _KerasRuntime, "savedmodel": _SavedModelRuntime, "onnx": _OnnxRuntime,
            "litert": _LiteRTRuntime}[fmt](path)


class _KerasRuntime:
    def __init__(self, path):
        from zoo.saving import load_model
        self.model = load_model(path)

    def __call__(self, batch):
        import numpy as np

        from zoo.data.serving import as_model_input
        batch = as_model_input(batch)
        # predict_on_batch runs Keras' compiled predict step (an eager call runs an LSTM's loop
        # op by op: seconds per example), without predict()'s per-call dataset machinery.
        return np.asarray(self.model.predict_on_batch(batch))


class _SavedModelRuntime:
    def __init__(self, path):
        import tensorflow as tf
        self.loaded = tf.saved_model.load(str(path))  # kept: its functions use its variables
        self.serve = self.loaded.serve

    def __call__(self, batch):
        import tensorflow as tf

        from zoo.data.serving import as_model_input
        return self.serve(tf.convert_to_tensor(as_model_input(batch))).numpy()


class _OnnxRuntime:
    def __init__(self, path):
        import onnxruntime
        self.session = onnxruntime.InferenceSession(str(path),
                                                    providers=["CPUExecutionProvider"])
        self.name = self.session.get_inputs()[0].name

    def __call__(self, batch):
        return self.session.run(None, {self.name: batch})[0]


class _LiteRTRuntime:
    def __init__(self, path):
        import warnings
        with warnings.catch_warnings():  # TensorFlow's copy warns that it is deprecated
            warnings.simplefilter("ignore")
            self.interpreter = _litert_interpreter()(model_path=str(path))
        self.input = self.interpreter.get_input_details()[0]
        self.output = self.interpreter.get_output_details()[0]
        self.batch = None

    def __call__(self, batch):
        if self.batch != len(batch):
            self.interpreter.resize_tensor_input(self.input["index"], list(batch.shape))
            self.interpreter.allocate_tensors()
            self.batch = len(batch)
        self.interpreter.set_tensor(self.input["index"], batch.astype(self.input["dtype"]))
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.output["index"]).copy()


def _litert_interpreter():
    """The LiteRT interpreter class: ai-edge-litert's, else the one TensorFlow still ships
    (deprecated there; None once TensorFlow drops it)."""
    if importlib.util.find_spec("ai_edge_litert") is not None:
        from ai_edge_litert.interpreter import Interpreter
        return Interpreter
    import tensorflow as tf
    return getattr(getattr(tf, "lite", None), "Interpreter", None)

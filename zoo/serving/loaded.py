"""A finished run as one loadable object: its model, the data it expects, its preprocessing and
its metrics; `.predict` takes inputs as a user has them and gives class names with
probabilities."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np

from zoo import files
from zoo.errors import DataError, RunError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


@dataclasses.dataclass
class LoadedRun:
    """A trained model and what it needs to serve. Make one with `zoo.load_run(path)`.

    Attributes:
        model: the trained keras.Model (it takes preprocessed inputs, as in training).
        preprocessing: the run's preprocessing record (dataset, domain, classes, input shape,
            pixel scale, text vocabulary).
        metrics: the run's metrics.json (test metrics, epochs, ...), {} for a bare model file.
        path: the run folder.
    """
    model: object
    preprocessing: dict
    metrics: dict
    path: Path
    _serving: object = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def class_names(self) -> list:
        return list(self.preprocessing["class_names"])

    @property
    def domain(self) -> str:
        return self.preprocessing["domain"]

    @property
    def input_shape(self) -> tuple:
        """The shape of one raw input: (H, W, C) pixels, (length, 1) series, () a string."""
        from zoo.data.serving import raw_input_spec
        return raw_input_spec(self.preprocessing)[0]

    def serving_model(self):
        """A keras.Model from raw inputs (pixels 0-255, strings, series) to class
        probabilities: the run's preprocessing layers in front of its trained model."""
        if self._serving is None:
            import keras

            from zoo.data.serving import raw_input_layers, raw_input_spec
            shape, dtype = raw_input_spec(self.preprocessing)
            inputs = keras.Input(shape=shape, dtype=dtype, name="raw_input")
            x = inputs
            for layer in raw_input_layers(self.preprocessing):
                x = layer(x)
            self._serving = keras.Model(inputs, self.model(x), name=f"{self.model.name}_serving")
        return self._serving

    def prepare(self, inputs) -> np.ndarray:
        """Raw inputs as one batch the serving model takes. `inputs`: image files or pixel
        arrays, strings of text (or .txt files), series (rows of values, or a file of rows)."""
        from zoo.serving import inputs as reading
        return reading.as_batch(self.preprocessing, inputs)

    def predict(self, inputs, *, top: int = 5) -> list[list[tuple[str, float]]]:
        """For each input, its `top` classes with their probabilities, most probable first.

        Example:
            >>> run = zoo.load_run("runs/cnn_fashion/20261129-101500")    # doctest: +SKIP
            >>> run.predict(["boot.png"])                                 # doctest: +SKIP
            [[('Ankle boot', 0.97), ('Sandal', 0.02), ...]]
        """
        batch = self.prepare(inputs)
        probabilities = self.probabilities(batch)
        names = self.class_names
        out = []
        for row in probabilities:
            order = np.argsort(-row, kind="stable")[:max(1, top)]
            out.append([(names[i], float(row[i])) for i in order])
        return out

    def probabilities(self, batch) -> np.ndarray:
        """(N, classes) probabilities of a prepared batch; a one-output sigmoid head gives
        [1 - p, p]."""
        from zoo.data.serving import as_model_input
        from zoo.models import heads
        head = heads.head_of(self.model)
        if head not in ("softmax", "sigmoid"):
            raise RunError(f"{self.model.name} has a {head!r} head: it predicts values, not "
                           "classes; call run.serving_model().predict(...) instead.")
        output = np.asarray(self.serving_model().predict(as_model_input(batch), verbose=0),
                            dtype=np.float64)
        if head == "sigmoid" and output.shape[-1] == 1:
            output = np.concatenate([1.0 - output, output], axis=-1)
        return output


def load_run(path) -> LoadedRun:
    """A finished run folder (or its model.keras) as a LoadedRun.

    Args:
        path: a run folder (runs/<model>/<stamp>) or the .keras file in one.

    Example:
        >>> run = zoo.load_run("runs/cnn_fashion/20261129-101500")    # doctest: +SKIP
        >>> run.class_names[:2], run.metrics["test"]["accuracy"]      # doctest: +SKIP
        (['T-shirt/top', 'Trouser'], 0.9202)
    """
    from zoo.training import saved_run as runs
    from zoo.saving import load_model
    model_file, folder = runs.model_path(path)
    model = load_model(model_file)
    metrics = _optional_json(Path(folder) / "metrics.json")
    record = _preprocessing(Path(folder), model, runs.read_config(folder))
    return LoadedRun(model=model, preprocessing=record, metrics=metrics, path=Path(folder))


def find_run(name_or_path, output_dir="runs") -> str:
    """A run folder or model file as given; a registered model's name: its newest finished run
    under output_dir."""
    if os.path.exists(name_or_path):
        return os.fspath(name_or_path)
    from zoo.training.run_folder import list_runs
    finished = [r for r in list_runs(output_dir, name_or_path) if r["state"] == "finished"
                and r["model"] == name_or_path]
    if not finished:
        raise RunError(f"{name_or_path!r} is neither a run folder, a .keras file, nor a model "
                       f"with a finished run under {output_dir}/ (zoo runs lists them; "
                       "--output-dir says where to look).")
    return finished[0]["run_dir"]


def _optional_json(path: Path) -> dict:
    data = files.read_json(path, {}) if path.is_file() else {}
    return data if isinstance(data, dict) else {}


def _preprocessing(folder: Path, model, config: dict) -> dict:
    """The run's preprocessing.json; for a run made before the zoo wrote one, the record is
    rebuilt from its dataset (text needs the dataset itself, to adapt the vocabulary again)."""
    from zoo.data.serving import RECORD_FILE, preprocessing_record
    record = _optional_json(folder / RECORD_FILE)
    if record:
        for key in ("domain", "class_names", "input_shape"):
            if key not in record:
                raise RunError(f"{folder / RECORD_FILE} has no {key!r}: the file is damaged. "
                               "Train the run again, or restore the file.")
        return record
    from zoo.training import saved_run
    try:
        splits = saved_run.load_splits(config, model)
    except DataError as error:
        raise RunError(f"{folder} has no {RECORD_FILE} (a run made by an older zoo) and its "
                       f"dataset cannot be read to rebuild it: {error}") from None
    record = preprocessing_record(splits)
    record["input_shape"] = [int(d) for d in model.input_shape[1:]]
    return record

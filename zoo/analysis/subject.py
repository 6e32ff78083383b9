"""One model under analysis: the model, its run's config and folder, where results go and, loaded
on first use, its test data and class names."""
from __future__ import annotations

import functools
import os

import numpy as np

from zoo.analysis import output
from zoo.training import saved_run
from zoo.reports import inputs
from zoo.errors import InvalidArgumentError


class Subject:
    def __init__(self, run_or_model, *, out_dir=None, data=None, class_names=None,
                 data_dir=None, subset=None, label=None, validation=None):
        self.model, self.config, self.folder = _open(run_or_model)
        self.label = label or self.config.get("model") or self.model.name
        self.out_dir = out_dir if out_dir is not None else _default_out_dir(run_or_model)
        self._data, self._class_names = data, class_names
        self._validation = validation
        self._data_dir, self._subset = data_dir, subset

    @functools.cached_property
    def splits(self):
        return saved_run.load_splits(self.config, self.model, data_dir=self._data_dir,
                                   subset=self._subset)

    @functools.cached_property
    def test(self) -> tuple[np.ndarray, np.ndarray]:
        return inputs.as_arrays(self.splits.test if self._data is None else self._data)

    @functools.cached_property
    def validation(self):
        """The validation split as (x, y) arrays: given, else the run's; None when there is
        none (explicit test data without validation data, or validation_fraction=0)."""
        if self._validation is not None:
            return inputs.as_arrays(self._validation)
        if self._data is not None or self.splits.validation is None:
            return None
        return inputs.as_arrays(self.splits.validation)

    @functools.cached_property
    def class_names(self) -> list[str]:
        if self._class_names is not None:
            return [str(c) for c in self._class_names]
        if self._data is None and getattr(self.splits.info, "class_names", None):
            return list(self.splits.info.class_names)
        return [str(i) for i in range(max(self.model.outputs[0].shape[-1], 2))]

    def history_file(self) -> str | None:
        path = self.folder and os.path.join(self.folder, "history.csv")
        return path if path and os.path.isfile(path) else None

    def write_figure(self, fig, name) -> str:
        return output.write_figure(fig, os.path.join(self.out_dir, name))

    def write_json(self, data, name) -> str:
        return output.write_json(data, os.path.join(self.out_dir, name))


def _open(run_or_model):
    """(model, config, run folder or None) of a keras.Model, a run folder or a .keras file."""
    import keras
    if isinstance(run_or_model, keras.Model):
        return run_or_model, {}, None
    model, config = saved_run.open_run(run_or_model)
    return model, config, saved_run.model_path(run_or_model)[1]


def _default_out_dir(run_or_model) -> str:
    """<run folder>/analysis, or <name>_analysis beside a .keras file outside a run folder."""
    import keras
    if isinstance(run_or_model, keras.Model):
        raise InvalidArgumentError("Pass out_dir: where to write the analysis of a model object.")
    model_file, folder = saved_run.model_path(run_or_model)
    if os.path.basename(model_file) == saved_run.MODEL_FILE:
        return os.path.join(folder, "analysis")
    return os.path.join(folder, os.path.splitext(os.path.basename(model_file))[0] + "_analysis")

"""What a finished run writes besides its model and metrics: learning curves and, for
classifiers, the test confusion matrix (PNG + JSON); and the machine and library versions."""
from __future__ import annotations

import dataclasses
import os
import platform
from pathlib import Path

from zoo import files


@dataclasses.dataclass
class RunResult:
    """What a finished run gives back: its folder, test metrics and history (also `result[key]`
    for the keys of its metrics.json)."""
    run_dir: Path
    test: dict
    history: dict
    metrics: dict
    config: object  # the TrainConfig the run trained with, adapted to its data

    def __getitem__(self, key):
        return self.metrics[key]


def finish_run(trainer, model, splits, *, dataset: str, best_epoch: int, plots: bool = True):
    """The end of a run: test metrics once, model.keras, metrics.json, plots, then "finished"."""
    from zoo.reports import curves
    folder, config = trainer.folder, trainer.config
    viewed = evaluated_model(trainer, model)
    test = _evaluate(viewed, splits.test)
    # with test-time views, the validation figure of the same views (in the run's wall time)
    validation = (_evaluate(viewed, splits.validation)
                  if viewed is not model and getattr(splits, "validation", None) is not None
                  else None)
    files.save_model(model, folder.out / "model.keras")
    epochs_done = folder.epochs_done
    folder.write_status("running")
    metrics = {"model": config.model, "dataset": dataset, "test": test, "epochs": epochs_done,
               "weights_of_epoch": best_epoch, "wall_time_s": folder.status["wall_time_s"],
               "test_examples": splits.sizes.get("test"), "machine": machine(),
               "adapted": trainer.notes, "run_dir": str(folder.path),
               "model_file": str(folder.path / "model.keras")}
    if viewed is not model:
        metrics["test_time_augmentation"] = config.test_time_augmentation
        if validation is not None:
            metrics["validation"] = validation
    files.write_json(folder.out / "metrics.json", metrics)
    if getattr(splits, "info", None) is not None:  # what zoo.load_run serves the model behind
        from zoo.data.serving import RECORD_FILE, preprocessing_record
        files.write_json(folder.out / RECORD_FILE, preprocessing_record(splits))
    if plots:
        write_plots(folder.out, viewed, splits, trainer.head, config.model,
                    averaged=bool(config.ema))
    folder.write_status("finished")
    weights = f" (weights of epoch {best_epoch})" if best_epoch != epochs_done else ""
    print(f"{config.model}: test " + ", ".join(f"{k} {v:.4f}" for k, v in test.items())
          + f" after {epochs_done} epochs{weights}, {folder.status['wall_time_s']:.0f} s -> "
          + (str(folder.path) if trainer.setup.is_chief else "the chief's run folder"))
    history = curves.read_history(folder.out) if trainer.setup.is_chief else {}
    return RunResult(run_dir=folder.path, test=test, history=history, metrics=metrics,
                     config=config)


def evaluated_model(trainer, model):
    """The model the final figures are of: `model`, or its outputs averaged over the run's
    test-time views (zoo.models.test_time), compiled with the run's loss and metrics."""
    mode = trainer.config.test_time_augmentation
    if mode == "none":
        return model
    from zoo.models import heads
    from zoo.models.test_time import compiled_over_views
    with trainer.setup.strategy.scope():
        return compiled_over_views(model, mode, trainer.head or heads.head_of(model),
                                   trainer.config.label_smoothing)


def _evaluate(model, dataset) -> dict:
    return {k: float(v) for k, v in model.evaluate(dataset, return_dict=True, verbose=0).items()}


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
    """'x86_64, 2 CPU cores, Linux, AMD EPYC (AVX2)': the CPU's vector units decide its speed
    as much as its core count (zoo.cpu)."""
    from zoo import cpu
    described = cpu.describe()
    return (f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.system()}"
            + (f", {described}" if described else ""))


def library_versions() -> dict:
    import importlib.metadata
    import keras
    import numpy
    try:
        tensorflow = importlib.metadata.version("tensorflow-cpu")
    except importlib.metadata.PackageNotFoundError:
        try:
            tensorflow = importlib.metadata.version("tensorflow")
        except importlib.metadata.PackageNotFoundError:
            tensorflow = None  # not installed: a JAX or PyTorch machine
    out = {"python": platform.python_version(), "keras": keras.__version__,
           "tensorflow": tensorflow, "numpy": numpy.__version__,
           "backend": keras.backend.backend(), "machine": machine()}
    if keras.backend.backend() == "jax":
        import jax
        out["jax"] = jax.__version__
    return out

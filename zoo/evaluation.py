"""Evaluate a finished run folder or a `.keras` file on its dataset's test split."""
from __future__ import annotations

from pathlib import Path

from zoo import files
from zoo.errors import RunError


def resolve(target) -> tuple[Path, dict]:
    """(model file, run configuration or {}) for a run folder or a .keras file."""
    path = Path(target)
    if path.is_dir():
        model_file = path / "model.keras"
        if not model_file.exists():
            state = (files.read_json(path / "status.json", {}) or {}).get("state", "unknown")
            raise RunError(f"{path} holds no model.keras (run state: {state}). Finish the run "
                           "first (run the same train command again to resume it), or pass a "
                           ".keras file.")
        return model_file, files.read_json(path / "config.json", {}) or {}
    if path.is_file():
        return path, {}
    raise RunError(f"{path} does not exist: pass a run folder (runs/<model>/<time>) or a .keras "
                   "file.")


def evaluate_saved(target, *, dataset=None, data_dir=None, subset=None, allow_code=False) -> dict:
    import zoo
    import zoo.data
    from zoo.saving import load_model
    model_file, config = resolve(target)
    model = load_model(model_file, allow_code=allow_code)
    name = dataset or config.get("dataset")
    if not name:
        try:
            name = zoo.describe(model.name).dataset
        except zoo.UnknownNameError:
            raise RunError(f"{model_file}: model {model.name!r} is not a zoo model, so its dataset "
                           "is unknown: pass --dataset.") from None
    splits = zoo.data.load(name, data_dir=data_dir or config.get("data_dir"),
                           batch_size=config.get("batch_size", 128), subset=subset,
                           seed=config.get("seed", 0),
                           validation_fraction=config.get("validation_fraction", 0.1),
                           **config.get("data_options", {}))
    from zoo.models import heads
    zoo.data.check_fits(splits.info, tuple(model.input_shape[1:]), model.output_shape[-1],
                        heads.head_of(model))
    if not model.compiled:
        model.compile(**heads.compile_arguments(heads.head_of(model)))
    test = model.evaluate(splits.test, return_dict=True, verbose=0)
    return {"model": str(model_file), "dataset": name, "test_examples": splits.sizes.get("test"),
            "test": {k: float(v) for k, v in test.items()}}

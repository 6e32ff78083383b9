"""Evaluate a finished run folder or a `.keras` file on its dataset's test split."""
from __future__ import annotations

import sys


def _trained_on(config: dict, model) -> str | None:
    """The dataset a run was trained on, else its registered model's own dataset."""
    if config.get("dataset"):
        return config["dataset"]
    from zoo import registry
    from zoo.errors import ZooError
    try:
        return registry.get(config.get("model") or model.name).dataset
    except ZooError:
        return None


def evaluate_saved(target, *, dataset=None, data_dir=None, subset=None, allow_code=False,
                   test_time_augmentation=None) -> dict:
    """Test metrics of a run folder or `.keras` file on its dataset (or `dataset`).

    test_time_augmentation: average the outputs over fixed views of each image ("flip",
    "flip_shift": zoo.models.test_time); default: the run's own setting, else none."""
    from zoo.training import saved_run
    from zoo.models import heads
    from zoo.saving import load_model
    import zoo.data
    model_file, folder = saved_run.model_path(target)
    config = saved_run.read_config(folder)
    model = load_model(model_file, allow_code=allow_code)
    trained_on = _trained_on(config, model)
    if dataset:
        if trained_on and dataset != trained_on:
            print(f"warning: {model.name} was trained on {trained_on}, and is evaluated on "
                  f"{dataset}: its classes may mean other things there.", file=sys.stderr)
        config = {**config, "dataset": dataset}
    splits = saved_run.load_splits(config, model, data_dir=data_dir, subset=subset)
    head = heads.head_of(model)
    zoo.data.check_fits(splits.info, tuple(model.input_shape[1:]), model.output_shape[-1], head)
    views = test_time_augmentation or config.get("test_time_augmentation") or "none"
    if views != "none":
        from zoo.models.test_time import compiled_over_views
        model = compiled_over_views(model, views, head, config.get("label_smoothing", 0.0))
    elif not model.compiled:
        from zoo.models.compiling import compile_model
        compile_model(model, head=head)
    test = model.evaluate(splits.test, return_dict=True, verbose=0)
    return {"model": str(model_file), "dataset": splits.info.name, "trained_on": trained_on,
            "test_examples": splits.sizes.get("test"), "test_time_augmentation": views,
            "test": {k: float(v) for k, v in test.items()}}

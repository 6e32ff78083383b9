"""Training recipes: one readable script per model, runnable as `python -m recipes.<name>`.

Each recipe module defines CONFIG (a zoo.runner.TrainConfig: what is trained) and main(argv).
`zoo train NAME` runs the same main."""
import importlib


def load(name: str):
    """The recipe module of a registered model."""
    import zoo
    zoo.describe(name)  # unknown names fail with suggestions
    return importlib.import_module(f"recipes.{name}")

"""benchmarks/screen_recipe.py: a variant's text becomes its name and its TrainConfig changes."""
from benchmarks import screen_recipe


def test_variant_with_builder_arguments_in_json():
    name, changes = screen_recipe.parse_variant(
        'literal (no BatchNorm): learning_rate=1e-3 ema=none lr_schedule=constant '
        'overrides={"batchnorm":false,"dense_units":0}')
    assert name == "literal (no BatchNorm)"
    assert changes == {"learning_rate": 1e-3, "ema": None, "lr_schedule": "constant",
                       "overrides": {"batchnorm": False, "dense_units": 0}}

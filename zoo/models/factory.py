"""Building a registered model: validate overrides against the builder's signature, build, check."""
from __future__ import annotations

from zoo import registry
from zoo.errors import InvalidArgumentError


def build_model(name: str, **overrides):
    """The uncompiled functional keras.Model of registered model `name`, built with `overrides`
    (the builder's own keyword arguments; see `zoo.describe(name).arguments`)."""
    import keras

    info = registry.get(name)
    valid = info.arguments
    unknown = sorted(set(overrides) - set(valid))
    if unknown:
        raise InvalidArgumentError(
            f"{name} has no argument {', '.join(map(repr, unknown))}. Valid overrides: "
            + ", ".join(f"{k}={v!r}" for k, v in valid.items()) + ".")
    model = info.builder(**overrides)
    if not isinstance(model, keras.Model):
        raise TypeError(f"The builder of {name!r} returned {type(model).__name__}, not a keras.Model.")
    return model

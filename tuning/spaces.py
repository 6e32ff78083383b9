"""Search spaces as plain data: a dict of hyperparameter name -> spec, one per zoo model.

    from tuning.spaces import Choice, Float, default_space
    space = default_space("cnn_fashion")              # {"filters": Choice(...), ...}
    space["learning_rate"] = Float(1e-4, 1e-2, sampling="log")

A name is either one of the builder's own keyword arguments (`zoo.describe(name).arguments`) or
one of TRAINING_HYPERPARAMETERS, which go to compile (learning_rate, optimizer), to fit
(batch_size, epochs) or to the data pipeline (augment). A builder argument whose default is a tuple
(filters=(32, 64)) is tuned through its first entry; the other entries keep their ratio to it.

This module imports neither TensorFlow nor keras-tuner: `register` takes the HyperParameters object.
"""
from __future__ import annotations

import ast
import dataclasses
import math
import numbers
from typing import Any

from zoo import validation
from zoo.errors import InvalidArgumentError
from zoo.models.compiling import OPTIMIZERS

TRAINING_HYPERPARAMETERS = ("learning_rate", "optimizer", "batch_size", "epochs", "augment")


def _encode(value):
    """keras-tuner Choices hold int, float, str or bool: tuples travel as "32,64"."""
    return ",".join(map(str, value)) if isinstance(value, (tuple, list)) else value


@dataclasses.dataclass(frozen=True)
class Choice:
    """One of a list of values (numbers, strings, booleans or tuples such as (256, 128))."""
    values: tuple
    default: Any = None

    def __post_init__(self):
        values = tuple(tuple(v) if isinstance(v, list) else v for v in self.values)
        if not values:
            raise InvalidArgumentError("Choice() needs at least one value.")
        if {type(v) for v in values} == {int, float}:  # keras-tuner wants one type
            values = tuple(float(v) for v in values)
        object.__setattr__(self, "values", values)
        if self.default is not None and _encode(self.default) not in map(_encode, values):
            raise InvalidArgumentError(
                f"Choice default {self.default!r} is not one of its values {list(values)}.")

    def register(self, hp, name):
        encoded = [_encode(v) for v in self.values]
        default = None if self.default is None else _encode(self.default)
        chosen = hp.Choice(name, encoded, default=default)
        return dict(zip(encoded, self.values)).get(chosen, chosen)

    def grid_size(self):
        return len(self.values)


@dataclasses.dataclass(frozen=True)
class Int:
    """A whole number in [min_value, max_value], every `step` (a factor when sampling="log")."""
    min_value: int
    max_value: int
    step: int | None = None
    sampling: str = "linear"
    default: int | None = None

    def __post_init__(self):
        _check_range(self, int)

    def register(self, hp, name):
        return hp.Int(name, self.min_value, self.max_value, step=self.step,
                      sampling=self.sampling, default=self.default)

    def grid_size(self):
        step = self.step or (1 if self.sampling == "linear" else None)
        return _grid_size(self.min_value, self.max_value, step, self.sampling, self.default)


@dataclasses.dataclass(frozen=True)
class Float:
    """A real number in [min_value, max_value]; a grid needs a `step` (a factor when log)."""
    min_value: float
    max_value: float
    step: float | None = None
    sampling: str = "linear"
    default: float | None = None

    def __post_init__(self):
        _check_range(self, (int, float))

    def register(self, hp, name):
        # keras-tuner counts the steps with floor division: (0.5 - 0.0) // 0.1 is 4.0, and the
        # grid would stop at 0.4. A hair more range keeps the last point.
        top = self.max_value
        if self.step is not None and self.sampling == "linear":
            top += self.step * 1e-6
        return hp.Float(name, self.min_value, top, step=self.step, sampling=self.sampling,
                        default=self.default)

    def grid_size(self):
        return _grid_size(self.min_value, self.max_value, self.step, self.sampling, self.default)


@dataclasses.dataclass(frozen=True)
class Boolean:
    default: bool = False

    def register(self, hp, name):
        return hp.Boolean(name, default=self.default)

    def grid_size(self):
        return 2


@dataclasses.dataclass(frozen=True)
class Fixed:
    """A value held constant (any builder value, e.g. weights=None): not a hyperparameter."""
    value: Any

    def register(self, hp, name):
        return self.value

    def grid_size(self):
        return 1


SPECS = {"choice": Choice, "int": Int, "float": Float, "boolean": Boolean, "fixed": Fixed}
SAMPLINGS = ("linear", "log", "reverse_log")


def _check_range(spec, kind):
    name = type(spec).__name__
    if not (isinstance(spec.min_value, kind) and isinstance(spec.max_value, kind)) \
            or isinstance(spec.min_value, bool) or spec.min_value > spec.max_value:
        raise InvalidArgumentError(
            f"{name}({spec.min_value!r}, {spec.max_value!r}) is invalid: it needs two numbers "
            "with min_value <= max_value.")
    validation.choice(f"{name} sampling", spec.sampling, SAMPLINGS)
    if spec.sampling != "linear" and spec.min_value <= 0:
        raise InvalidArgumentError(f"{name} with sampling={spec.sampling!r} needs min_value > 0.")
    if spec.step is not None and (spec.step <= 0 or (spec.sampling != "linear" and spec.step <= 1)):
        raise InvalidArgumentError(
            f"{name} step={spec.step!r} is invalid: it must be > 0 (> 1, a factor, with "
            "log sampling).")
    if spec.default is not None and not spec.min_value <= spec.default <= spec.max_value:
        raise InvalidArgumentError(f"{name} default {spec.default!r} is outside its range.")


def _grid_size(low, high, step, sampling, default):
    """How many points keras-tuner's grid search gives a range (its default comes first, and is
    one more point when it is off the steps); None without a step."""
    if step is None:
        return None
    if sampling == "linear":
        count = int((high - low) / step + 1e-6) + 1
        steps = None if default is None else (default - low) / step
    else:
        count = int(math.log(high / low, step) + 1e-8) + 1
        steps = None if default is None else math.log(default / low, step)
    on_grid = steps is None or abs(steps - round(steps)) < 1e-6
    return count + (0 if on_grid else 1)


# ---------------------------------------------------------------------------------------------
# Default spaces


def _learning_rate(info):
    """A decade either side of the model's recipe's rate (log scale), centred on it."""
    from zoo.training import recipe_for
    lr = recipe_for(info.name).learning_rate
    return Float(lr / 10, lr * 10, sampling="log", default=lr)


def _common(info) -> dict:
    """The hyperparameters every builder with these arguments shares."""
    args = info.arguments
    space = {"learning_rate": _learning_rate(info),
             "batch_size": Choice((32, 64, 128, 256), default=128)}
    if "dropout" in args:
        space["dropout"] = Choice((0.0, 0.1, 0.2, 0.3, 0.4, 0.5), default=float(args["dropout"]))
    if "l2" in args:
        # the builder's own default is always one of the values (resnet9's is 2.5e-4)
        space["l2"] = Choice(tuple(sorted({0.0, 1e-4, 1e-3, float(args["l2"])})),
                             default=float(args["l2"]))
    if "batchnorm" in args:
        space["batchnorm"] = Boolean(default=args["batchnorm"])
    return space


_WIDTHS = {
    "dense_mnist": {"units": Choice((128, 256, 512), default=512)},
    "dense_fashion": {"units": Choice((64, 128, 256), default=128)},
    "cnn_mnist": {"filters": Choice((16, 32, 64), default=32),
                  "dense_units": Choice((64, 128, 256), default=128)},
    "lenet": {"n1": Choice((6, 10, 16), default=10), "n2": Choice((16, 20, 32), default=20),
              "activation": Choice(("relu", "tanh"), default="relu")},
    "cnn_fashion": {"filters": Choice((8, 16, 32), default=16),
                    "dense_units": Choice((64, 128, 256), default=128)},
    "cnn_cifar10": {"filters": Choice((16, 32, 64), default=32),
                    "dense_units": Choice((64, 128, 256), default=128),
                    "augment": Choice(("none", "light", "standard"), default="none")},
    "resnet_small": {"filters": Choice((8, 16, 32), default=16),
                     "blocks_per_stage": Int(1, 3, default=2),
                     "augment": Choice(("none", "light", "standard"), default="none")},
    "transfer": {"dense_units": Choice((64, 128, 256), default=128),
                 "augment": Choice(("none", "light"), default="light")},
    "vgg16_transfer": {"dense_units": Choice((128, 256, 512), default=256)},
    "lstm_sentiment": {"embedding_dim": Choice((32, 64, 128), default=128),
                       "units": Choice((32, 64, 128), default=64),
                       "bidirectional": Boolean(False)},
    "rnn_sentiment": {"embedding_dim": Choice((32, 64, 128), default=128),
                      "units": Choice((32, 64, 128), default=64),
                      "bidirectional": Boolean(False)},
    "cnn1d_series": {"filters": Choice((32, 64), default=64),
                     "kernel_size": Choice((3, 5, 7), default=3)},
    "lstm_series": {"units": Choice((32, 64, 128), default=64), "bidirectional": Boolean(False)},
}


# Builder arguments that set a model's width: searched at half, the same and twice their default
# when the model has no widths of its own above (a user's model, a newly added one).
WIDTH_ARGUMENTS = ("filters", "units", "dense_units", "embedding_dim")


def _derived_widths(info) -> dict:
    out = {}
    for name in WIDTH_ARGUMENTS:
        default = info.arguments.get(name)
        if isinstance(default, (tuple, list)) and default:
            default = default[0]  # tuned by its first entry, the others keep their ratios
        if isinstance(default, int) and not isinstance(default, bool) and default > 0:
            out[name] = Choice(tuple(sorted({max(1, default // 2), default, 2 * default})),
                               default=default)
    return out


def _widths(info) -> dict:
    return _WIDTHS.get(info.name) or _derived_widths(info)


def default_space(model: str) -> dict:
    """The default search space of a registered model (a fresh dict: change it freely): the
    hyperparameters every builder shares (learning rate around its recipe's, batch size, dropout,
    l2, BatchNorm) and its widths (above, else half and twice its builder's defaults)."""
    import zoo
    info = zoo.describe(model)
    return {**_common(info), **_widths(info)}


def grid_space(model: str, vary=None) -> dict:
    """The default space of a model as a grid search walks it: only the hyperparameters named in
    `vary` are searched, every other one is held at its default (the whole default space is a
    grid of thousands of points). Without `vary`, the model's default grid: the learning rate at
    three points (its default and a decade either side) times the model's first width (filters,
    units, ...) at its own values, about 9 points. A continuous range among those searched gets
    grid points (grid_points)."""
    space = default_space(model)
    if vary is None:
        import zoo
        vary = ("learning_rate", *list(_widths(zoo.describe(model)))[:1])
    return {name: grid_points(spec) if name in vary else Fixed(default_value(spec))
            for name, spec in space.items()}


def default_value(spec):
    """The value of a spec that is not searched: its default (else keras-tuner's: a Choice's
    first value, a range's lower end)."""
    if isinstance(spec, Fixed):
        return spec.value
    if isinstance(spec, Choice):
        if spec.default is None:
            return spec.values[0]
        return next(v for v in spec.values if _encode(v) == _encode(spec.default))
    if isinstance(spec, Boolean):
        return spec.default
    return spec.min_value if spec.default is None else spec.default


def grid_points(spec):
    """A finite stand-in for a continuous range (no step): a Choice of its two ends and its
    default (else its centre, geometric when log-sampled), i.e. its default and a step either
    side when the default is the centre. Other specs are returned as they are."""
    if spec.grid_size() is not None:
        return spec
    low, high = spec.min_value, spec.max_value
    centre = spec.default
    if centre is None:
        centre = (low + high) / 2 if spec.sampling == "linear" else math.sqrt(low * high)
    kind = int if isinstance(spec, Int) else float
    points = sorted({kind(float(f"{v:.6g}")) for v in (low, centre, high)})
    return Choice(tuple(points), default=kind(float(f"{centre:.6g}")))


# ---------------------------------------------------------------------------------------------
# Resolving and checking a space


def resolve(model: str, space: dict | None = None, tune: dict | None = None) -> dict:
    """`space` (default: the model's) with the specs in `tune` replacing its own. Every name
    must be a builder argument or a training hyperparameter, and every name in `tune` must be in
    the space or an argument of the builder (added to the space then): a typo is an error, not a
    silently ignored setting."""
    import zoo
    info = zoo.describe(model)
    base = default_space(model) if space is None else dict(space)
    known = list(info.arguments) + list(TRAINING_HYPERPARAMETERS)
    for name in base:
        validation.known_name("hyperparameter", name, known)
    for name in tune or {}:
        validation.known_name(f"hyperparameter of the {model} space", name, [*base, *known])
    out = {**base, **(tune or {})}
    for name, spec in out.items():
        if not isinstance(spec, tuple(SPECS.values())):
            raise InvalidArgumentError(
                f"The spec of {name!r} is {spec!r}: use Choice, Int, Float, Boolean or Fixed "
                "from tuning.spaces (or text such as '8,16,32' or '1e-4..1e-2:log').")
    check_values(info, out)
    return out


def _augment(name, value):
    from zoo.data.augment import PRESETS
    return validation.choice(name, value, sorted({p for ps in PRESETS.values() for p in ps}))


# What each value of a training hyperparameter (or of a builder argument so named) must be.
_VALUE_CHECKS = {
    "learning_rate": lambda name, value: _finite(validation.positive_float(name, value), name),
    "batch_size": validation.positive_int,
    "epochs": validation.positive_int,
    "optimizer": lambda name, value: validation.choice(name, value, OPTIMIZERS),
    "augment": _augment,
    "dropout": validation.probability,
    "l2": lambda name, value: _finite(validation.non_negative_float(name, value), name),
}


def _finite(value, name):
    if not math.isfinite(value):
        raise InvalidArgumentError(f"{name}={value!r} is invalid: it must be a finite number.")
    return value


def _value_check(name: str, default):
    """The check of one value of `name`, a training hyperparameter or a builder argument whose
    default is `default`; None where anything goes."""
    if name in _VALUE_CHECKS:
        return _VALUE_CHECKS[name]
    if isinstance(default, bool):
        return validation.boolean
    if isinstance(default, numbers.Integral):  # a size (filters, units, ...) when positive
        return validation.positive_int if default >= 1 else _whole_number
    if isinstance(default, float):
        return lambda n, v: _finite(_number(n, v), n)
    if isinstance(default, str):  # a name (activation, head, weights), or None
        return _name_or_none
    if isinstance(default, (tuple, list)) and default and all(
            isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in default):
        return validation.positive_ints  # a tuple, or its first entry (filters=16)
    return None


def _whole_number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgumentError(f"{name}={value!r} is invalid: it must be a whole number.")
    return value


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError(f"{name}={value!r} is invalid: it must be a number.")
    return value


def _name_or_none(name, value):
    if value is not None and not isinstance(value, str):
        raise InvalidArgumentError(f"{name}={value!r} is invalid: it must be a name or None.")
    return value


def spec_values(spec) -> tuple:
    """The values a spec can give, a range by its two ends."""
    if isinstance(spec, Fixed):
        return (spec.value,)
    if isinstance(spec, Choice):
        return spec.values
    if isinstance(spec, Boolean):
        return (False, True)
    return (spec.min_value, spec.max_value)


def check_values(info, space: dict) -> None:
    """Every value each spec can give must suit its hyperparameter, so that a bad --set or
    --space value is one clear error before anything runs, not a failure inside every trial: a
    learning rate > 0, whole numbers >= 1 for the batch size and epochs, dropout in [0, 1),
    l2 >= 0, a known optimizer and augmentation preset, and a builder argument of its default's
    kind (True/False; a whole number, >= 1 when the default is; a number; a name or None; a
    tuple of whole numbers >= 1 or its first entry). A range is checked at both ends.
    `info`: the model's zoo.describe record."""
    arguments = info.arguments
    for name, spec in space.items():
        check = _value_check(name, arguments.get(name))
        for value in spec_values(spec) if check else ():
            check(name, value)


def grid_size(space: dict) -> int:
    """The number of points of the full grid; an error names a range without a step."""
    size = 1
    for name, spec in space.items():
        n = spec.grid_size()
        if n is None:
            raise InvalidArgumentError(
                f"A grid search needs a finite set of values, but {name!r} is a continuous range "
                f"({spec}): give it a step (text: 'LO..HI:STEP', or 'LO..HI:FACTOR:log'), or "
                "make it a Choice.")
        size *= n
    return size


def tuned(space: dict) -> dict:
    """The specs that are hyperparameters (not Fixed)."""
    return {k: v for k, v in space.items() if not isinstance(v, Fixed)}


def register(space: dict, hp) -> dict:
    """Declare every spec in a keras_tuner.HyperParameters; return name -> current value."""
    return {name: spec.register(hp, name) for name, spec in space.items()}


# ---------------------------------------------------------------------------------------------
# Plain data: JSON and command-line text


def to_data(space: dict) -> dict:
    out = {}
    for name, spec in space.items():
        fields = {k: _listify(v) for k, v in dataclasses.asdict(spec).items()}
        kind = next(k for k, cls in SPECS.items() if type(spec) is cls)
        out[name] = {"type": kind, **fields}
    return out


def from_data(data: dict) -> dict:
    out = {}
    for name, fields in data.items():
        fields = dict(fields)
        kind = fields.pop("type", None)
        validation.choice(f"type of {name!r}", kind, SPECS)
        if kind == "choice":
            fields["values"] = tuple(fields["values"])
        if kind == "fixed" and isinstance(fields.get("value"), list):
            fields["value"] = tuple(fields["value"])
        try:
            out[name] = SPECS[kind](**fields)
        except TypeError as error:
            raise InvalidArgumentError(f"The spec of {name!r} is invalid: {error}.") from None
    return out


def _listify(value):
    return [_listify(v) for v in value] if isinstance(value, (tuple, list)) else value


def _literal(text: str):
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse(text: str):
    """A spec from command-line text:
        8,16,32           Choice((8, 16, 32))
        1e-4..1e-2:log    Float(1e-4, 1e-2, sampling="log")
        0..0.5:0.1        Float(0, 0.5, step=0.1)
        1..3              Int(1, 3)
        1e-4..1e-2:10:log Float(1e-4, 1e-2, step=10, sampling="log")  (a grid of 3)
        true,false        Boolean()
        0.25              Fixed(0.25)
    """
    lo, dots, rest = text.replace(" ", "").partition("..")
    if dots:
        return _parse_range(text, lo, rest)
    values = tuple(_literal(v) for v in text.split(",") if v.strip())
    if not values:
        raise InvalidArgumentError(f"{text!r} is empty: give a value, a list or a range.")
    if sorted(values, key=str) == [False, True] and all(isinstance(v, bool) for v in values):
        return Boolean()
    return Fixed(values[0]) if len(values) == 1 else Choice(values)


def _parse_range(text, lo, rest):
    hi, *options = rest.split(":")
    sampling = "log" if options and options[-1] == "log" else "linear"
    options = options[:-1] if sampling == "log" else options
    if len(options) > 1:
        raise InvalidArgumentError(f"{text!r} is not a range: write LO..HI[:STEP][:log].")
    numbers = [_literal(v) for v in (lo, hi, *options)]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
        raise InvalidArgumentError(f"{text!r} is not a range: write LO..HI[:STEP][:log].")
    lo, hi, step = numbers + [None] * (3 - len(numbers))
    if all(isinstance(v, int) for v in numbers):
        return Int(lo, hi, step=step, sampling=sampling)
    return Float(float(lo), float(hi), step=step, sampling=sampling)


def parse_assignments(pairs) -> dict:
    """`["filters=8,16", "learning_rate=1e-4..1e-2:log"]` -> {name: spec}."""
    out = {}
    for pair in pairs or ():
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidArgumentError(
                f"{pair!r} is invalid: write NAME=SPEC, e.g. filters=8,16,32 or "
                "learning_rate=1e-4..1e-2:log.")
        out[name.strip()] = parse(text)
    return out

"""Argument checks shared by builders, the data layer, the runner and the command line.

Each check raises InvalidArgumentError naming the argument, the value and what is allowed."""
from __future__ import annotations

import difflib
import math
import numbers
from typing import Iterable

from zoo.errors import InvalidArgumentError, UnknownNameError


def _fail(name, value, allowed):
    raise InvalidArgumentError(f"{name}={value!r} is invalid: {allowed}.")


def positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        _fail(name, value, "it must be a whole number of at least 1")
    return int(value)


def non_negative_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        _fail(name, value, "it must be a whole number of at least 0")
    return int(value)


def positive_ints(name: str, values) -> tuple[int, ...]:
    if isinstance(values, numbers.Integral) and not isinstance(values, bool):
        values = (values,)
    if not isinstance(values, (list, tuple)) or not values:
        _fail(name, values, "it must be a non-empty list of whole numbers of at least 1")
    return tuple(positive_int(name, v) for v in values)


def probability(name: str, value, *, inclusive_one: bool = False) -> float:
    """A rate such as dropout: 0 <= value < 1 (or <= 1)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and 0.0 <= value and (value <= 1.0 if inclusive_one else value < 1.0)
    if not ok:
        _fail(name, value, f"it must be a number in [0, 1{']' if inclusive_one else ')'}")
    return float(value)


def non_negative_float(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        _fail(name, value, "it must be a number of at least 0")
    return _finite(name, value)


def positive_float(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        _fail(name, value, "it must be a number greater than 0")
    return _finite(name, value)


def _finite(name, value) -> float:
    if not math.isfinite(value):
        _fail(name, value, "it must be a finite number")
    return float(value)


SEED_LIMIT = 2**32 - 1  # numpy's and Keras' random seeds are 32-bit


def seed(name: str, value) -> int:
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or not 0 <= value <= SEED_LIMIT):
        _fail(name, value, f"it must be a whole number from 0 to {SEED_LIMIT}")
    return int(value)


def boolean(name: str, value) -> bool:
    if not isinstance(value, bool):
        _fail(name, value, "it must be True or False")
    return value


def shape(name: str, value, *, rank: int | None = None) -> tuple[int, ...]:
    ok = isinstance(value, (list, tuple)) and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1 for v in value)
    if not ok or not value or (rank is not None and len(value) != rank):
        what = f"a tuple of {rank} positive whole numbers" if rank else "a tuple of positive whole numbers"
        _fail(name, value, f"it must be {what}")
    return tuple(int(v) for v in value)


def choice(name: str, value, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    if value not in allowed:
        _fail(name, value, "choose one of " + ", ".join(map(repr, allowed)))
    return value


def known_name(kind: str, value, known: Iterable[str]) -> str:
    """Raise UnknownNameError for a name not in `known`, suggesting the closest ones."""
    known = sorted(known)
    if value in known:
        return value
    close = difflib.get_close_matches(str(value), known, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise UnknownNameError(
        f"Unknown {kind} {value!r}.{hint} Known {kind}s: {', '.join(known)}.")


def port(name: str, value, given=None) -> int:
    """A TCP port, 0 to 65535 (0: any free port where the caller allows it)."""
    if not str(value).isdigit() or not 0 <= int(value) <= 65535:
        raise InvalidArgumentError(f"{name}={given or value!r} is invalid: the port must be a "
                                   "whole number from 0 to 65535, e.g. 127.0.0.1:8000 (0: any "
                                   "free port).")
    return int(value)


def host_port(name: str, value) -> tuple[str, int]:
    """HOST:PORT, e.g. 10.0.0.1:1234, as (host, port)."""
    host, sep, number = str(value).rpartition(":")
    if not sep or not host:
        raise InvalidArgumentError(f"{name}={value!r} is invalid: write HOST:PORT, e.g. "
                                   "127.0.0.1:8000.")
    return host, port(name, number, value)

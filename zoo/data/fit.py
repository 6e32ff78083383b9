"""Refuse, before training, a dataset whose inputs or classes do not fit a model."""
from __future__ import annotations

from zoo import validation
from zoo.data.catalog import DatasetInfo
from zoo.errors import DataError

HEADS = ("softmax", "sigmoid", "multilabel", "regression", "hinge")


def _shape_problem(info: DatasetInfo, input_shape) -> str | None:
    model = tuple(None if d is None else int(d) for d in input_shape)
    if len(model) == len(info.input_shape) + 1 and model[0] is None:
        model = model[1:]  # given with the batch dimension
    fits = len(model) == len(info.input_shape) and all(
        m is None or m == d for m, d in zip(model, info.input_shape))
    if fits:
        return None
    return f"inputs have shape {tuple(info.input_shape)} but the model takes {model}"


def _head_problem(info: DatasetInfo, num_outputs: int, head: str) -> str | None:
    if head in ("softmax", "hinge") and num_outputs != info.num_classes:
        return (f"the dataset has {info.num_classes} classes but the {head} head has "
                f"{num_outputs} outputs")
    if head == "sigmoid" and (num_outputs != 1 or info.num_classes != 2):
        return (f"a sigmoid head needs 1 output and 2 classes, but the model has {num_outputs} "
                f"outputs and the dataset {info.num_classes} classes")
    if head in ("multilabel", "regression"):
        return (f"the labels are class ids (one class per example, {info.task}) but the model's "
                f"head is {head!r}: use 'softmax' or, for 2 classes, 'sigmoid'")
    return None


def check_fits(info: DatasetInfo, input_shape, num_outputs: int, head: str) -> None:
    """Raise DataError saying what differs when `info`'s data cannot train a model whose input
    shape (without batch dimension), number of outputs and head are given."""
    validation.choice("head", head, HEADS)
    num_outputs = validation.positive_int("num_outputs", num_outputs)
    problems = [p for p in (_shape_problem(info, input_shape),
                            _head_problem(info, num_outputs, head)) if p]
    if problems:
        raise DataError(f"Dataset {info.name!r} does not fit the model: {'; '.join(problems)}.")

"""Shared output heads, the loss and metrics that go with each, and the regularisation switches."""
from __future__ import annotations

from zoo import validation
from zoo.errors import InvalidArgumentError

HEADS = ("softmax", "sigmoid", "multilabel", "regression", "hinge")
TASK_OF_HEAD = {"softmax": "multiclass", "sigmoid": "binary", "multilabel": "multilabel",
                "regression": "regression", "hinge": "multiclass"}
HINGE_OUTPUT = "hinge_scores"  # the name that tells a hinge head from a regression one


def check_common(*, num_classes, head, dropout=0.0, l2=0.0, batchnorm=False):
    """Validate the arguments that every builder shares; return them normalised."""
    head = validation.choice("head", head, HEADS)
    num_classes = validation.positive_int("num_classes", num_classes)
    if head == "sigmoid" and num_classes not in (1, 2):
        raise InvalidArgumentError(
            f"head='sigmoid' is a binary head with one output, but num_classes={num_classes}: use "
            "num_classes=2, or head='softmax' (one class per example) or head='multilabel'.")
    if head in ("softmax", "hinge") and num_classes < 2:
        raise InvalidArgumentError(
            f"head={head!r} needs num_classes >= 2; for one output use head='sigmoid' or "
            "'regression'.")
    return (num_classes, head, validation.probability("dropout", dropout),
            validation.non_negative_float("l2", l2), validation.boolean("batchnorm", batchnorm))


def num_outputs(head: str, num_classes: int) -> int:
    return 1 if head == "sigmoid" else num_classes


def regularizer(l2: float):
    """An L2 weight-decay regulariser for kernels, or None when l2 == 0."""
    import keras
    return keras.regularizers.L2(l2) if l2 else None


def output_head(x, *, head: str, num_classes: int, l2: float = 0.0, name: str = "predictions"):
    """The last layer: softmax over classes, one sigmoid (binary), independent sigmoids
    (multilabel), linear outputs (regression) or linear class scores for the multiclass SVM
    loss (hinge)."""
    import keras
    activation = {"softmax": "softmax", "sigmoid": "sigmoid", "multilabel": "sigmoid",
                  "regression": None, "hinge": None}[head]
    if head == "hinge":
        name = HINGE_OUTPUT
    # Outputs stay float32 under mixed precision: softmax/sigmoid in float16 lose accuracy.
    return keras.layers.Dense(num_outputs(head, num_classes), activation=activation,
                              kernel_regularizer=regularizer(l2), dtype="float32", name=name)(x)


def compile_arguments(head: str, label_smoothing: float = 0.0) -> dict:
    """Loss and metrics matching a head; labels are integer class ids for 'softmax', whose
    cross-entropy may smooth them (`label_smoothing`, the share spread over all classes)."""
    import keras
    label_smoothing = validation.probability("label_smoothing", label_smoothing)
    if label_smoothing and head != "softmax":
        raise InvalidArgumentError(
            f"label_smoothing={label_smoothing} needs a softmax head; this model's head is "
            f"{head!r}. Leave label_smoothing at 0.")
    if head == "softmax":
        if label_smoothing:
            from zoo.models.custom_layers import SmoothedSparseCrossentropy
            loss = SmoothedSparseCrossentropy(label_smoothing)
        else:
            loss = keras.losses.SparseCategoricalCrossentropy()
        return {"loss": loss,
                "metrics": [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]}
    if head == "sigmoid":
        return {"loss": keras.losses.BinaryCrossentropy(),
                "metrics": [keras.metrics.BinaryAccuracy(name="accuracy")]}
    if head == "hinge":
        from zoo.models.custom_layers import multiclass_hinge
        return {"loss": multiclass_hinge,
                "metrics": [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]}
    if head == "multilabel":
        return {"loss": keras.losses.BinaryCrossentropy(),
                "metrics": [keras.metrics.BinaryAccuracy(name="accuracy"),
                            keras.metrics.AUC(multi_label=True, name="auc")]}
    return {"loss": keras.losses.MeanSquaredError(),
            "metrics": [keras.metrics.MeanAbsoluteError(name="mae")]}



METRICS_OF_HEAD = {"softmax": ("loss", "accuracy"), "sigmoid": ("loss", "accuracy"),
                   "multilabel": ("loss", "accuracy", "auc"), "regression": ("loss", "mae"),
                   "hinge": ("loss", "accuracy")}


def head_of(model) -> str:
    """Which head a built model has, read from its last layer (so that loaded and transferred
    models need no extra bookkeeping)."""
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", None)
    units = model.output_shape[-1]
    if activation == "softmax":
        return "softmax"
    if activation == "sigmoid":
        return "sigmoid" if units == 1 else "multilabel"
    if activation in ("linear", None):
        return "hinge" if last.name == HINGE_OUTPUT else "regression"
    raise InvalidArgumentError(
        f"Cannot tell the head of {model.name!r}: its last layer has activation {activation!r}.")

"""Test-time augmentation: a classifier's outputs averaged over fixed views of each image.

`averaged_over_views(model, "flip")` wraps a trained image model so that `evaluate` and
`predict` see the mean of its outputs on each image and on its mirror image; "flip_shift" adds
both views shifted two pixels up-left and down-right, at half weight (the views of the fast
CIFAR-10 recipes). The wrapper is for evaluation: it has no weights of its own, and the model
saved by a run stays the plain one.

Keras has no test-time augmentation (its augmentation layers are random and idle at inference),
hence these few lines.
"""
from __future__ import annotations

from zoo.errors import InvalidArgumentError

SHIFT = 2  # pixels, in each direction of a diagonal
# mode -> views as (mirrored, rows down, columns right, weight)
VIEWS = {
    "none": ((False, 0, 0, 1.0),),
    "flip": ((False, 0, 0, 1.0), (True, 0, 0, 1.0)),
    "flip_shift": ((False, 0, 0, 1.0), (True, 0, 0, 1.0),
                   (False, -SHIFT, -SHIFT, 0.5), (False, SHIFT, SHIFT, 0.5),
                   (True, -SHIFT, -SHIFT, 0.5), (True, SHIFT, SHIFT, 0.5)),
}
MODES = tuple(VIEWS)


def check_fits(model, mode: str) -> None:
    """Refuse a mode other than 'none' for a model whose input is not an image."""
    if mode not in VIEWS:
        raise InvalidArgumentError(f"test_time_augmentation={mode!r} is unknown; expected one "
                                   f"of {', '.join(MODES)}.")
    shape = tuple(model.input_shape[1:])
    if mode != "none" and len(shape) != 3:
        raise InvalidArgumentError(
            f"test_time_augmentation={mode!r} mirrors and shifts images, and {model.name}'s "
            f"input is {shape}, not (height, width, channels). Leave it at 'none'.")


def averaged_over_views(model, mode: str):
    """A Keras model whose output is `model`'s, averaged over the views of `mode`.

    Args:
        model: a built image model (input (batch, height, width, channels)).
        mode: one of MODES; "none" returns `model` itself.

    Example:
        >>> tta = averaged_over_views(zoo.build("resnet9"), "flip")
        >>> tta.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    """
    check_fits(model, mode)
    if mode == "none":
        return model
    import keras
    from keras import ops
    views = VIEWS[mode]
    total_weight = sum(weight for *_, weight in views)

    def view(images, mirrored, down, right):
        if mirrored:
            images = ops.flip(images, axis=2)
        if down or right:  # shift with the border reflected, as the 'light' preset's shifts
            height, width = images.shape[1], images.shape[2]
            padded = ops.pad(images, [[0, 0], [SHIFT, SHIFT], [SHIFT, SHIFT], [0, 0]],
                             mode="reflect")
            images = padded[:, SHIFT - down:SHIFT - down + height,
                            SHIFT - right:SHIFT - right + width, :]
        return images

    inputs = keras.Input(model.input_shape[1:], name="images")
    outputs = [ops.multiply(ops.cast(model(view(inputs, mirrored, down, right)), "float32"),
                            weight / total_weight)
               for mirrored, down, right, weight in views]
    # float32 sum: under a mixed policy an Add layer would add in bfloat16 or float16
    total = keras.layers.Add(dtype="float32")(outputs)
    return keras.Model(inputs, total, name=f"{model.name}_{mode}")


def compiled_over_views(model, mode: str, head: str, label_smoothing: float = 0.0):
    """`averaged_over_views`, compiled with the loss and metrics of `head` (zoo.models.heads),
    ready to `evaluate`: what a run's final figures and `zoo evaluate --tta` are read on."""
    from zoo.models import heads
    viewed = averaged_over_views(model, mode)
    viewed.compile(**heads.compile_arguments(head, label_smoothing))
    return viewed

"""What a filter responds to: activation maximisation (Erhan et al. 2009; the regularised form
of Yosinski et al. 2015). From grey plus a little noise, gradient ascent on the input raises the
activation of one filter at the centre of its feature map (the filter's mean over all positions
would mostly ask for a brighter or darker image), with the usual regularisers: a random jitter of the image each
step, a slight blur every few steps and a decay towards grey, so that the image shows a pattern
and not high-frequency noise. For the first layer the answer is known (the filter's own weights,
repeated), so its orientation is compared with the kernel's: the `orientation_difference`."""
from __future__ import annotations

import numpy as np

from zoo.analysis.adversarial import gradient
from zoo.analysis.filters import conv_layers
from zoo.errors import InvalidArgumentError
from zoo.reports import plots

STEPS = 80
STEP_SIZE = 0.02   # per step, on images in [0, 1], after the gradient is normalised
JITTER = 2         # pixels
BLUR_EVERY = 8     # steps; a Gaussian blur of BLUR_SIGMA pixels
BLUR_SIGMA = 0.5
DECAY = 0.005      # pull towards grey per step
FILTERS_SHOWN = 8


def maximise(model, layer, filters, *, steps=STEPS, seed=0) -> np.ndarray:
    """One input image per filter of `layer` that its mean activation responds to most:
    (len(filters), height, width, channels) in [0, 1]."""
    import keras
    from scipy.ndimage import gaussian_filter
    filters = np.asarray(filters, dtype=int)
    channels = layer.output.shape[-1]
    if len(filters) == 0 or filters.min() < 0 or filters.max() >= channels:
        raise InvalidArgumentError(f"filters={filters.tolist()} is invalid: {layer.name} has "
                                   f"{channels} filters (0 to {channels - 1}).")
    inner = keras.Model(model.inputs, layer.output)
    select = keras.ops.convert_to_tensor(np.eye(channels, dtype="float32")[filters])

    def objective(x):  # the sum over the batch of each image's own filter at the centre
        out = inner(x, training=False)
        centre = out[:, out.shape[1] // 2, out.shape[2] // 2, :]
        return keras.ops.sum(centre * select)

    rng = np.random.default_rng(seed)
    shape = (len(filters),) + tuple(model.inputs[0].shape[1:])
    x = (0.5 + 0.02 * rng.standard_normal(shape)).astype("float32")
    for step in range(steps):
        dy, dx = rng.integers(-JITTER, JITTER + 1, 2)
        shifted = np.roll(x, (dy, dx), axis=(1, 2))
        g = np.roll(gradient(objective, shifted), (-dy, -dx), axis=(1, 2))
        g /= g.std(axis=(1, 2, 3), keepdims=True) + 1e-8
        x = x + STEP_SIZE * g
        x = 0.5 + (1.0 - DECAY) * (x - 0.5)
        if (step + 1) % BLUR_EVERY == 0:
            x = gaussian_filter(x, sigma=(0, BLUR_SIGMA, BLUR_SIGMA, 0))
        x = np.clip(x, 0.0, 1.0).astype("float32")
    return x


def orientation(image) -> float:
    """The dominant orientation of an image's edges, in degrees in [0, 180): from its structure
    tensor (the average outer product of the image gradient)."""
    image = np.asarray(image, dtype="float64")
    if image.ndim == 3:
        image = image.mean(axis=-1)
    gy, gx = np.gradient(image)
    jxx, jyy, jxy = (gx * gx).sum(), (gy * gy).sum(), (gx * gy).sum()
    return float(np.degrees(0.5 * np.arctan2(2 * jxy, jxx - jyy)) % 180.0)


def angle_between(a: float, b: float) -> float:
    """The difference of two orientations (mod 180), in [0, 90]."""
    d = abs(a - b) % 180.0
    return float(min(d, 180.0 - d))


def responses(model, *, filters=None, steps=STEPS) -> dict:
    """{layer name: {"filters", "images"}} for the chosen filters of each 2D convolution (those
    it has of `filters`; default: its first FILTERS_SHOWN), and for the first layer the
    orientation difference between each image and its kernel."""
    out = {}
    for depth, layer in enumerate(conv_layers(model)):
        count = layer.output.shape[-1]
        chosen = ([f for f in filters if 0 <= f < count] if filters is not None
                  else list(range(min(FILTERS_SHOWN, count))))
        if not chosen:
            raise InvalidArgumentError(f"filters={list(filters)} is invalid: {layer.name} has "
                                       f"{count} filters (0 to {count - 1}).")
        images = maximise(model, layer, chosen, steps=steps)
        entry = {"filters": chosen, "images": images}
        if depth == 0:
            kernel = np.asarray(layer.kernel.numpy())
            entry["orientation_difference"] = [
                angle_between(orientation(images[i]), orientation(kernel[..., f]))
                for i, f in enumerate(chosen)]
        out[layer.name] = entry
    return out


def plot_responses(result: dict):
    """One row per layer, one image per filter, each scaled to its own range."""
    rows = len(result)
    ncols = max(len(entry["filters"]) for entry in result.values())
    fig = plots.figure(ncols * plots.CELL, rows * plots.CELL)
    axes = fig.subplots(rows, ncols, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for row, (name, entry) in zip(axes, result.items()):
        for ax, f, image in zip(row, entry["filters"], entry["images"]):
            low, high = image.min(), image.max()
            plots.show_image(ax, (image - low) / max(high - low, 1e-12), f"{name} {f}")
    return fig

"""What a convnet's convolutions look at: the first layer's filters (often edge and colour
detectors) and the feature maps every convolution layer makes of one input."""
from __future__ import annotations

import numpy as np

from zoo.reports import plots
from zoo.errors import InvalidArgumentError

MAP_CELL = 1.25  # inches per feature map


def conv_layers(model) -> list:
    """The model's own 2D convolution layers, in order (at least one)."""
    import keras
    layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    if not layers and _first_conv(model) is not None:
        raise InvalidArgumentError(
            f"{model.name}'s convolutions are inside a nested model: pass that model "
            "(model.get_layer(name)) and an input of its size.")
    if not layers:
        raise _no_conv_error(model)
    return layers


def first_conv_layer(model):
    """The first 2D convolution, looking inside nested models (a transfer model's base) too."""
    layer = _first_conv(model)
    if layer is None:
        raise _no_conv_error(model)
    return layer


def _first_conv(model):
    import keras
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            return layer
        if isinstance(layer, keras.Model) and (found := _first_conv(layer)) is not None:
            return found
    return None


def _no_conv_error(model):
    return InvalidArgumentError(
        f"{model.name} has no 2D convolution layer: filters and feature maps need a convolutional "
        "network on images (for example cnn_fashion, not dense_fashion or lstm_sentiment).")


def first_layer_filters(model) -> dict:
    """{"layer": name, "kernel": weights of shape (height, width, in channels, filters)}."""
    layer = first_conv_layer(model)
    return {"layer": layer.name, "kernel": np.array(layer.kernel.numpy())}


def plot_filters(kernel, *, ncols=8):
    """Each filter as a small image, scaled to its own range: RGB when it reads 3 channels, else
    grey (the mean over its input channels)."""
    filters = np.moveaxis(np.asarray(kernel, dtype="float32"), -1, 0)  # (n, h, w, channels)
    if filters.shape[-1] != 3:
        filters = filters.mean(axis=-1, keepdims=True)
    low = filters.min(axis=(1, 2, 3), keepdims=True)
    high = filters.max(axis=(1, 2, 3), keepdims=True)
    scaled = (filters - low) / np.maximum(high - low, 1e-12)
    return plots.image_grid(scaled, [f"{i}" for i in range(len(scaled))], ncols=ncols)


def feature_maps(model, image) -> dict:
    """{layer name: its output for `image` (one HxWxC input), shape (height, width, channels)}
    for every 2D convolution layer of the model."""
    import keras
    layers = conv_layers(model)
    image = np.asarray(image, dtype="float32")
    if image.ndim == len(model.inputs[0].shape) - 1:
        image = image[None]
    extractor = keras.Model(model.inputs, [layer.output for layer in layers])
    outputs = extractor.predict(image[:1], verbose=0)
    return {layer.name: np.asarray(out[0]) for layer, out in zip(layers, outputs)}


def plot_feature_maps(image, maps: dict, *, max_channels=8):
    """The input, then one row per convolution layer showing its first channels."""
    ncols = max(min(max_channels, max(m.shape[-1] for m in maps.values())), 2)
    fig = plots.figure(ncols * MAP_CELL, (len(maps) + 1) * MAP_CELL)
    axes = fig.subplots(len(maps) + 1, ncols, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    plots.show_image(axes[0, 0], image, "input")
    for row, (name, fmap) in zip(axes[1:], maps.items()):
        for c, ax in enumerate(row[:fmap.shape[-1]]):
            plots.show_image(ax, fmap[..., c], f"{name} {c}" if c == 0 else f"{c}",
                             cmap="viridis", vmin=None, vmax=None)
    return fig

"""Where a model looks. Saliency: the input gradient of the class's log-probability (its largest
magnitude over channels); SmoothGrad (Smilkov et al. 2017): that gradient averaged over noisy
copies of the input. Grad-CAM (Selvaraju et al. 2017), for convnets on images and series: the
last convolution's feature maps weighted by the class score's gradient averaged over positions,
rectified, resized to the input. And the sanity check of Adebayo et al. (2018): maps that explain
the model must change when its weights are randomised; the Spearman rank correlation between the
trained model's maps and the randomised model's is reported (near 1: the map shows the input,
not the model)."""
from __future__ import annotations

import numpy as np

from zoo.analysis.adversarial import gradient
from zoo.errors import InvalidArgumentError
from zoo.reports import inputs, plots

SMOOTH_SAMPLES = 16
SMOOTH_NOISE = 0.15  # standard deviation of the noise, as a share of the input's range


def check_differentiable(model):
    """Saliency needs floating-point inputs (not token ids) and class scores."""
    if len(model.inputs) != 1 or "float" not in str(model.inputs[0].dtype):
        raise InvalidArgumentError(f"{model.name} takes {model.inputs[0].dtype} inputs: input "
                                   "gradients need floating-point inputs (images, series).")


def class_log_probability(model, classes):
    """x -> the sum over the batch of log p(class of each example)."""
    import keras
    classes = np.asarray(classes, dtype="int32")

    def score(x):
        p = model(x, training=False)
        if p.shape[-1] == 1:  # one sigmoid unit: p(class 1) = p, p(class 0) = 1 - p
            p = keras.ops.concatenate([1.0 - p, p], axis=-1)
        chosen = keras.ops.take_along_axis(p, keras.ops.convert_to_tensor(classes[:, None]),
                                           axis=1)
        return keras.ops.sum(keras.ops.log(keras.ops.maximum(chosen, 1e-12)))
    return score


def saliency(model, x, classes) -> np.ndarray:
    """|d log p(class) / d x|, its largest magnitude over channels: (N, H, W) or (N, T)."""
    check_differentiable(model)
    return np.abs(gradient(class_log_probability(model, classes), x)).max(axis=-1)


def smoothgrad(model, x, classes, *, samples=SMOOTH_SAMPLES, noise=SMOOTH_NOISE,
               seed=0) -> np.ndarray:
    """The saliency averaged over `samples` copies of x with Gaussian noise."""
    check_differentiable(model)
    x = np.asarray(x, dtype="float32")
    rng = np.random.default_rng(seed)
    sigma = noise * float(x.max() - x.min() or 1.0)
    score = class_log_probability(model, classes)
    total = np.zeros(x.shape, dtype="float64")
    for _ in range(samples):
        total += np.abs(gradient(score, x + rng.normal(0, sigma, x.shape).astype("float32")))
    return (total / samples).max(axis=-1)


def last_conv_layer(model):
    """The model's last Conv1D or Conv2D layer (of its own, not inside a nested model)."""
    import keras
    convs = [layer for layer in model.layers
             if isinstance(layer, (keras.layers.Conv1D, keras.layers.Conv2D))]
    if not convs:
        raise InvalidArgumentError(f"{model.name} has no convolution layer of its own: Grad-CAM "
                                   "needs a convnet (cnn_fashion, resnet_small, cnn1d_series...).")
    return convs[-1]


def split_at_maps(model, layer=None):
    """(body, head): the model cut where Grad-CAM reads its feature maps, so that
    head(body(x)) == model(x). At `layer` if given, else at the last convolution or, when the
    rest of the network also reads earlier tensors (a residual shortcut), at the first layer
    after it through which everything passes (the block's sum)."""
    import keras
    layers = model.layers
    start = layers.index(layer or last_conv_layer(model))
    rank = len(model.inputs[0].shape)
    for candidate in layers[start:] if layer is None else [layer]:
        if len(candidate.output.shape) != rank:
            continue
        try:
            head = keras.Model(candidate.output, model.outputs[0])
        except ValueError:  # the outputs need more than this layer's output
            continue
        return keras.Model(model.inputs, candidate.output), head, candidate.name
    raise InvalidArgumentError(f"{model.name} cannot be cut after {layers[start].name}: Grad-CAM "
                               "needs one layer of feature maps that the rest of the network "
                               "reads alone.")


def gradcam(model, x, classes, layer=None) -> np.ndarray:
    """Grad-CAM maps, (N, H, W) for images or (N, T) for series, each scaled to [0, 1]. The
    gradient is taken through the Keras backend (any backend), on the network's head."""
    body, head, _ = split_at_maps(model, layer)
    x = np.asarray(x, dtype="float32")
    maps = np.asarray(body.predict(x, verbose=0), dtype="float32")
    grads = gradient(class_log_probability(head, classes), maps)
    positions = tuple(range(1, maps.ndim - 1))
    weights = grads.mean(axis=positions, keepdims=True)
    cam = np.maximum((weights * maps).sum(axis=-1), 0.0)
    cam = _resized(cam, tuple(x.shape[1:-1]))
    high = cam.reshape(len(cam), -1).max(axis=1).reshape((-1,) + (1,) * (cam.ndim - 1))
    return cam / np.maximum(high, 1e-12)


def _resized(maps: np.ndarray, size: tuple) -> np.ndarray:
    """Bilinear resize of (N, h, w) or (N, t) maps to the input's size, on the Keras backend."""
    import keras
    if maps.shape[1:] == size:
        return maps
    if len(size) == 1:  # series: (N, T') -> (N, T), as an image of width 1
        out = keras.ops.image.resize(maps[:, :, None, None], (size[0], 1))
        return keras.ops.convert_to_numpy(out)[:, :, 0, 0]
    return keras.ops.convert_to_numpy(keras.ops.image.resize(maps[..., None], size))[..., 0]


def randomized(model):
    """The same network with freshly initialised weights (Keras' clone_model builds new ones)."""
    import keras
    keras.utils.set_random_seed(1234)
    return keras.models.clone_model(model)


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """The mean over examples of the Spearman rank correlation of two sets of maps."""
    from scipy.stats import spearmanr
    values = []
    for first, second in zip(a, b):
        rho = spearmanr(first.ravel(), second.ravel()).statistic
        values.append(0.0 if np.isnan(rho) else float(rho))
    return float(np.mean(values))


def chosen_examples(model, data, *, count=4, indices=None) -> dict:
    """The given test examples, else the most confidently misclassified ones (then the first
    correct ones if there are too few errors)."""
    from zoo.analysis import errors_grid
    x, y = inputs.as_arrays(data)
    if indices is None:
        wrong = list(errors_grid.confident_errors(model, (x, y), count=count)["indices"])
        indices = (wrong + [i for i in range(len(y)) if i not in wrong])[:count]
    indices = np.asarray(indices, dtype=int)
    if len(indices) == 0 or indices.min() < 0 or indices.max() >= len(y):
        raise InvalidArgumentError(f"indices={indices.tolist()} is invalid: the test data has "
                                   f"{len(y)} examples.")
    predicted, confidence = inputs.predict_classes(model, x[indices])
    return {"indices": indices, "x": x[indices], "true": y[indices], "predicted": predicted,
            "confidence": confidence}


def attributions(model, data, *, count=4, indices=None, methods=("saliency", "smoothgrad",
                                                                   "gradcam")) -> dict:
    """Maps of each method for the chosen examples (explaining the predicted class), and the
    sanity check: their rank correlation with the maps of the randomised network."""
    chosen = chosen_examples(model, data, count=count, indices=indices)
    functions = {"saliency": saliency, "smoothgrad": smoothgrad, "gradcam": gradcam}
    shuffled = randomized(model)
    maps, sanity = {}, {}
    for method in methods:
        maps[method] = functions[method](model, chosen["x"], chosen["predicted"])
        random_maps = functions[method](shuffled, chosen["x"], chosen["predicted"])
        sanity[method] = rank_correlation(maps[method], random_maps)
    return {**chosen, "maps": maps, "randomised_rank_correlation": sanity}


def plot_attributions(result: dict, class_names):
    """One row per example: the input, then each method's map over it."""
    methods = list(result["maps"])
    rows = len(result["indices"])
    fig = plots.figure((len(methods) + 1) * 1.9, rows * 1.9)
    axes = fig.subplots(rows, len(methods) + 1, squeeze=False)
    for i, row in enumerate(axes):
        x = result["x"][i]
        title = (f"true: {class_names[result['true'][i]]}\npred: "
                 f"{class_names[result['predicted'][i]]} ({result['confidence'][i]:.0%})")
        _show_input(row[0], x, title)
        for ax, method in zip(row[1:], methods):
            rho = result["randomised_rank_correlation"][method]
            _show_map(ax, x, result["maps"][method][i],
                      f"{method}\n(random weights: rho {rho:.2f})" if i == 0 else method)
    return fig


def _show_input(ax, x, title):
    if x.ndim == 3:
        plots.show_image(ax, x, title)
    else:
        ax.plot(x[:, 0], color="black", linewidth=1)
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])


def _show_map(ax, x, heat, title):
    if x.ndim == 3:
        plots.show_image(ax, x, None)
        ax.imshow(heat, cmap="jet", alpha=0.5)
        ax.set_title(title, fontsize=8)
        ax.axis("off")
    else:
        ax.plot(x[:, 0], color="black", linewidth=1)
        low, high = ax.get_ylim()
        ax.imshow(heat[None], cmap="jet", alpha=0.5, aspect="auto",
                  extent=(0, len(heat) - 1, low, high))
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])

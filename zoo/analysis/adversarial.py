"""Adversarial examples by the fast gradient sign method (FGSM, Goodfellow et al. 2015):
x_adv = clip(x + eps * sign(d loss / d x), 0, 1). A step too small to see can change the answer:
the panda that becomes a gibbon. And by projected gradient descent (PGD, Madry et al. 2018):
several smaller signed steps, each projected back into the eps-ball around x."""
from __future__ import annotations

import numpy as np

from zoo import validation
from zoo.reports import inputs, plots
from zoo.errors import InvalidArgumentError

EPS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)


def check_eps(eps) -> tuple[float, ...]:
    """One step size or several, each in [0, 1] (images are in [0, 1])."""
    values = eps if isinstance(eps, (list, tuple, np.ndarray)) else (eps,)
    if len(values) == 0:
        raise InvalidArgumentError("eps=() is invalid: give at least one step size in [0, 1].")
    return tuple(validation.probability("eps", e, inclusive_one=True) for e in values)


def loss_function(model):
    """The per-example loss (y_true, y_pred) -> (batch,): the model's compiled loss, else the one
    that matches its last layer (softmax: sparse categorical cross-entropy, one sigmoid unit:
    binary cross-entropy)."""
    import keras
    loss = getattr(model, "loss", None)
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    if isinstance(loss, keras.losses.Loss):
        return loss.call  # unreduced, unlike calling the Loss object itself
    if callable(loss):
        return loss
    activation = getattr(getattr(model.layers[-1], "activation", None), "__name__", None)
    if activation == "softmax":
        return keras.losses.sparse_categorical_crossentropy
    if activation == "sigmoid" and model.outputs[0].shape[-1] == 1:
        return keras.losses.binary_crossentropy
    raise InvalidArgumentError(
        f"Cannot tell which loss {model.name} was trained with: it is not compiled and its last "
        "layer is neither a softmax nor a single sigmoid unit. Compile it with its loss first.")


def _summed_loss(model, y):
    """x -> the loss summed over the batch (summed, so that a gradient does not shrink with the
    batch size)."""
    import keras
    loss = loss_function(model)
    y = np.asarray(y)

    def total(x):
        p = model(x, training=False)
        target = y.reshape(-1, 1).astype("float32") if p.shape[-1] == 1 else y.astype("int32")
        return keras.ops.sum(loss(target, p))
    return total


def input_gradient(model, x, y) -> np.ndarray:
    """The gradient of the model's loss with respect to its input x."""
    return gradient(_summed_loss(model, y), x)


def gradient(function, x) -> np.ndarray:
    """d function(x) / d x for a scalar function of a batch, on whichever backend Keras runs
    (TensorFlow, JAX or PyTorch): Keras has no backend-neutral gradient of its own."""
    import keras
    x = keras.ops.convert_to_tensor(np.asarray(x, dtype="float32"))
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = function(x)
        result = tape.gradient(value, x)
    elif backend == "jax":
        import jax
        result = jax.grad(function)(x)
    elif backend == "torch":
        x = x.detach().requires_grad_(True)
        function(x).backward()
        result = x.grad
    else:
        raise InvalidArgumentError(f"Input gradients are not available on the {backend} backend.")
    return keras.ops.convert_to_numpy(result)


def gradient_sign(model, x, y, *, batch_size=inputs.BATCH_SIZE) -> np.ndarray:
    return np.concatenate([np.sign(input_gradient(model, x[i:i + batch_size], y[i:i + batch_size]))
                           for i in range(0, len(x), batch_size)])


def perturb(x, sign, eps) -> np.ndarray:
    return np.clip(x + eps * sign, 0.0, 1.0).astype(x.dtype)


def fgsm(model, x, y, eps) -> np.ndarray:
    """The FGSM adversarial examples of x (labels y) for one step size eps."""
    (eps,) = check_eps(eps)
    x, y = inputs.as_arrays((x, y))
    return perturb(x, gradient_sign(model, x, y), eps)


def fgsm_accuracy(model, data, eps=EPS) -> dict:
    """{"eps": [...], "accuracy": [...], "count": n}: accuracy on FGSM examples of data for each
    step size. The gradient does not depend on eps, so it is computed once."""
    eps = check_eps(eps)
    x, y = inputs.as_arrays(data)
    sign = gradient_sign(model, x, y)
    return {"eps": list(eps), "accuracy": [inputs.accuracy(model, perturb(x, sign, e), y)
                                           for e in eps], "count": int(len(y))}


PGD_STEPS = 10


def pgd_accuracy(model, data, eps=EPS, *, steps: int = PGD_STEPS) -> dict:
    """{"eps", "accuracy", "count", "steps"}: accuracy under PGD for each step size. The attack
    starts from the FGSM example and takes `steps` signed steps of 2.5 eps / steps, each
    projected back into the L-infinity ball of radius eps around x and into [0, 1]; an example
    counts as robust only if no iterate fools the model, so PGD is at least as strong as FGSM.
    """
    eps = check_eps(eps)
    steps = validation.positive_int("steps", steps)
    x, y = inputs.as_arrays(data)
    first_sign = gradient_sign(model, x, y)
    accuracy = []
    for e in eps:
        adversarial = perturb(x, first_sign, e)
        robust = inputs.predict_classes(model, adversarial)[0] == y
        for _ in range(steps if e > 0 else 0):
            moved = adversarial + (2.5 * e / steps) * gradient_sign(model, adversarial, y)
            adversarial = np.clip(np.clip(moved, x - e, x + e), 0.0, 1.0).astype(x.dtype)
            robust &= inputs.predict_classes(model, adversarial)[0] == y
        accuracy.append(float(robust.mean()))
    return {"eps": list(eps), "accuracy": accuracy, "count": int(len(y)), "steps": steps}


def fgsm_examples(model, data, eps=EPS, *, count=4, pool=512) -> dict:
    """`count` examples, correctly classified and then fooled where possible, at the smallest
    non-zero eps that fools the model on `count` of the first `pool` examples (else the largest).
    Returns the images, perturbations and adversarial images with both predictions."""
    x, y = inputs.as_arrays(data)
    x, y = x[:pool], y[:pool]
    sign = gradient_sign(model, x, y)
    clean, clean_confidence = inputs.predict_classes(model, x)
    for step in sorted(e for e in check_eps(eps) if e > 0) or [0.0]:
        adversarial = perturb(x, sign, step)
        predicted, confidence = inputs.predict_classes(model, adversarial)
        fooled = np.flatnonzero((clean == y) & (predicted != y))
        if len(fooled) >= count:
            break
    chosen = np.concatenate([fooled, np.setdiff1d(np.arange(len(y)), fooled)])[:count]
    return {"eps": step, "indices": chosen, "true": y[chosen],
            "clean_predicted": clean[chosen], "clean_confidence": clean_confidence[chosen],
            "adversarial_predicted": predicted[chosen],
            "adversarial_confidence": confidence[chosen], "images": x[chosen],
            "perturbation": step * sign[chosen], "adversarial": adversarial[chosen]}


def plot_fgsm(examples, class_names):
    """One row per example: the image, the perturbation (grey is 0) and the adversarial image,
    with the model's predictions."""
    eps = examples["eps"]
    rows = len(examples["indices"])
    fig = plots.figure(3 * plots.CELL, rows * plots.CELL)
    axes = fig.subplots(rows, 3, squeeze=False)
    for i, row in enumerate(axes):
        true, clean, adv = (class_names[examples[k][i]] for k in
                            ("true", "clean_predicted", "adversarial_predicted"))
        plots.show_image(row[0], examples["images"][i],
                         f"true: {true}\npred: {clean} ({examples['clean_confidence'][i]:.0%})")
        plots.show_image(row[1], 0.5 + examples["perturbation"][i] / (2 * max(eps, 1e-12)),
                         f"+ {eps:g} x sign(grad)")
        plots.show_image(row[2], examples["adversarial"][i],
                         f"adversarial\npred: {adv} ({examples['adversarial_confidence'][i]:.0%})")
    return fig


def plot_fgsm_accuracy(results: dict, title: str = "Accuracy under FGSM attack"):
    """results = {label: fgsm_accuracy(...) or pgd_accuracy(...)}: one curve per entry."""
    curves = {label: (r["eps"], r["accuracy"]) for label, r in results.items()}
    return plots.line_plot(curves, xlabel="eps (step size of the perturbation)",
                           ylabel="test accuracy", title=title)

"""`analyze`: run the analyses on one trained model and write each one's PNG figures and the
numbers behind them (JSON) to an output folder."""
from __future__ import annotations

from zoo import validation
from zoo.analysis import (activation_max, adversarial, attribution, augment_preview, calibration,
                          errors_grid, filters, requirements, robustness)
from zoo.reports import confusion, curves
from zoo.analysis.subject import Subject
from zoo.errors import InvalidArgumentError

DEFAULT_WHAT = ("confusion", "errors", "filters", "feature_maps", "fgsm", "rotation")
PGD_EXAMPLES = 1000
WHAT = DEFAULT_WHAT + ("curves", "augmentation", "pgd", "calibration", "saliency", "gradcam",
                       "activation_max")


def analyze(run_or_model, what=None, *, out_dir=None, data_dir=None, subset=None,
            eps=adversarial.EPS, angles=robustness.ANGLES, data=None, class_names=None,
            image_index=0, validation_data=None, explain=None,
            filters=None) -> dict[str, list[str]]:
    """Analyse one trained model: a run folder, a .keras file or a keras.Model.

    what: names from WHAT; None runs those of DEFAULT_WHAT that apply to the model (no filters
    for a dense net). out_dir: by default <run folder>/analysis. data: the test data as (x, y)
    arrays or a dataset, instead of loading the run's dataset with zoo.data (data_dir, subset).
    image_index: the test example whose feature maps and rotations are drawn. validation_data:
    the validation split as (x, y), for calibration's temperature, with explicit `data`.
    explain: the test examples whose Grad-CAM and saliency maps are drawn (default: the most
    confidently misclassified). filters: the filters of each convolution that activation
    maximisation shows (default: the first 8).
    Returns {analysis: [paths written]}."""
    eps, angles = adversarial.check_eps(eps), robustness.check_angles(angles)
    image_index = validation.non_negative_int("image_index", image_index)
    subject = Subject(run_or_model, out_dir=out_dir, data=data, class_names=class_names,
                      data_dir=data_dir, subset=subset, validation=validation_data)
    chosen = _choose(what, subject)
    if {"feature_maps", "rotation"} & set(chosen) and image_index >= len(subject.test[0]):
        raise InvalidArgumentError(f"image_index={image_index} is invalid: the test data has "
                                   f"{len(subject.test[0])} examples.")
    options = {"eps": eps, "angles": angles, "image_index": image_index, "explain": explain,
               "filters": filters}
    return {name: STEPS[name](subject, **options) for name in chosen}


def _choose(what, subject) -> list[str]:
    """The analyses to run, each checked to apply before any is run."""
    if what is None:
        return [name for name in DEFAULT_WHAT if requirements.applies(name, subject)]
    what = [what] if isinstance(what, str) else list(what)
    for name in what:
        validation.choice("what", name, WHAT)
        requirements.check(name, subject)
    return what


def _confusion(s, **_):
    result = confusion.confusion_matrix(s.model, s.test, num_classes=len(s.class_names))
    return [s.write_figure(confusion.plot_confusions([result], [s.label], s.class_names),
                           "confusion.png"),
            s.write_figure(confusion.plot_per_class_accuracy([result], [s.label], s.class_names),
                           "per_class_accuracy.png"),
            s.write_json({"model": s.label, "class_names": s.class_names, **result},
                         "confusion.json")]


def _errors(s, **_):
    result = errors_grid.confident_errors(s.model, s.test)
    return [s.write_figure(errors_grid.plot_errors(s.test[0], result, s.class_names), "errors.png"),
            s.write_json({"model": s.label, "class_names": s.class_names, **result},
                         "errors.json")]


def _filters(s, **_):
    result = filters.first_layer_filters(s.model)
    return [s.write_figure(filters.plot_filters(result["kernel"]), "filters.png"),
            s.write_json({"model": s.label, "layer": result["layer"],
                          "shape": result["kernel"].shape, "kernel": result["kernel"]},
                         "filters.json")]


def _feature_maps(s, image_index, **_):
    x, y = s.test
    maps = filters.feature_maps(s.model, x[image_index])
    summary = {name: {"shape": m.shape, "mean_per_channel": m.mean(axis=(0, 1))}
               for name, m in maps.items()}
    return [s.write_figure(filters.plot_feature_maps(x[image_index], maps), "feature_maps.png"),
            s.write_json({"model": s.label, "image_index": image_index,
                          "label": s.class_names[y[image_index]], "layers": summary},
                         "feature_maps.json")]


def _fgsm(s, eps, **_):
    result = adversarial.fgsm_accuracy(s.model, s.test, eps)
    examples = adversarial.fgsm_examples(s.model, s.test, eps)
    shown = {k: v for k, v in examples.items()
             if k not in ("images", "perturbation", "adversarial")}
    return [s.write_figure(adversarial.plot_fgsm(examples, s.class_names), "fgsm_examples.png"),
            s.write_figure(adversarial.plot_fgsm_accuracy({s.label: result}), "fgsm_accuracy.png"),
            s.write_json({"model": s.label, **result, "examples": shown}, "fgsm.json")]


def _pgd(s, eps, **_):
    """PGD beside FGSM, on the same test images (the first PGD_EXAMPLES: PGD costs a gradient
    pass per step) and step sizes."""
    x, y = s.test
    images = (x[:PGD_EXAMPLES], y[:PGD_EXAMPLES])
    fgsm = adversarial.fgsm_accuracy(s.model, images, eps)
    pgd = adversarial.pgd_accuracy(s.model, images, eps)
    figure = adversarial.plot_fgsm_accuracy(
        {"FGSM": fgsm, f"PGD ({pgd['steps']} steps)": pgd},
        title=f"{s.label}: accuracy under attack")
    return [s.write_figure(figure, "pgd_accuracy.png"),
            s.write_json({"model": s.label, "fgsm": fgsm, "pgd": pgd}, "pgd.json")]


def _attribution(methods, name):
    def step(s, explain=None, **_):
        result = attribution.attributions(s.model, s.test, methods=methods, indices=explain)
        summary = {"model": s.label, "methods": list(methods),
                   "explained": "the predicted class", **{k: result[k] for k in (
                       "indices", "true", "predicted", "confidence",
                       "randomised_rank_correlation")}, "maps": result["maps"]}
        return [s.write_figure(attribution.plot_attributions(result, s.class_names),
                               f"{name}.png"),
                s.write_json(summary, f"{name}.json")]
    return step


def _activation_max(s, filters=None, **_):
    result = activation_max.responses(s.model, filters=filters)
    summary = {name: {k: v for k, v in entry.items() if k != "images"}
               for name, entry in result.items()}
    return [s.write_figure(activation_max.plot_responses(result), "activation_max.png"),
            s.write_json({"model": s.label, "layers": summary}, "activation_max.json")]


def _calibration(s, **_):
    result = calibration.calibration(s.model, s.validation, s.test)
    return [s.write_figure(calibration.plot_reliability(result, f"{s.label}: reliability on "
                                                                "test"), "calibration.png"),
            s.write_json({"model": s.label, **result}, "calibration.json")]


def _rotation(s, angles, image_index, **_):
    result = robustness.rotation_accuracy(s.model, s.test, angles)
    return [s.write_figure(robustness.plot_rotation({s.label: result}), "rotation.png"),
            s.write_figure(robustness.plot_rotated_examples(s.test[0][image_index], angles),
                           "rotated_examples.png"),
            s.write_json({"model": s.label, **result}, "rotation.json")]


def _curves(s, **_):
    history = curves.read_history(s.history_file())
    return [s.write_figure(curves.plot_learning_curves({s.label: history}), "learning_curves.png"),
            s.write_json({s.label: history}, "learning_curves.json")]


def _augmentation(s, **_):
    """A preview of the run's augmentation preset ("standard" when it used none)."""
    images = next(s.splits.train.as_numpy_iterator())[0][:4]
    from zoo.data import augmentation  # importable: the splits came from it
    preset = s.config.get("augment") or "standard"
    preset = "standard" if preset == "none" else preset
    layers = augmentation(preset, s.splits.info.name)
    samples = augment_preview.augment_samples(images, layers)
    title = f"augmentation preset {preset!r}"
    return [s.write_figure(augment_preview.plot_augmentation(images, samples, title=title),
                           "augmentation.png"),
            s.write_json({"preset": preset, "dataset": s.splits.info.name,
                          "images": len(images), "repeats": samples.shape[1]},
                         "augmentation.json")]


STEPS = {"confusion": _confusion, "errors": _errors, "filters": _filters,
         "feature_maps": _feature_maps, "fgsm": _fgsm, "rotation": _rotation,
         "curves": _curves, "augmentation": _augmentation, "pgd": _pgd,
         "calibration": _calibration,
         "saliency": _attribution(("saliency", "smoothgrad"), "saliency"),
         "gradcam": _attribution(("gradcam",), "gradcam"), "activation_max": _activation_max}

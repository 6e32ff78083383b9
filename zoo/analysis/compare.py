"""`compare`: several runs in the same figures: confusion matrices side by side (a CNN against a
dense net), accuracy under FGSM or rotation with one curve per run (trained with and without
rotation augmentation), learning curves (transferred against trained from scratch)."""
from __future__ import annotations

import os

from zoo import validation
from zoo.analysis import adversarial, requirements, robustness
from zoo.reports import confusion, curves
from zoo.analysis.subject import Subject
from zoo.errors import InvalidArgumentError

COMPARE_WHAT = ("confusion", "fgsm", "rotation", "curves")


def compare(runs, what=COMPARE_WHAT, *, out_dir, labels=None, data_dir=None, subset=None,
            eps=adversarial.EPS, angles=robustness.ANGLES, data=None,
            class_names=None) -> dict[str, list[str]]:
    """Compare runs (run folders, .keras files or keras.Models) on the same test data.
    labels: one per run, by default the model names. Returns {analysis: [paths written]}."""
    runs = list(runs)
    if out_dir is None or not runs or (labels is not None and len(labels) != len(runs)):
        raise InvalidArgumentError(
            "compare needs out_dir, at least one run, and as many labels as runs (or none).")
    eps, angles = adversarial.check_eps(eps), robustness.check_angles(angles)
    what = [what] if isinstance(what, str) else list(what)
    subjects = [Subject(run, out_dir=out_dir, data=data, class_names=class_names,
                        data_dir=data_dir, subset=subset, label=label)
                for run, label in zip(runs, labels or [None] * len(runs))]
    _distinct_labels(subjects)
    for name in what:
        validation.choice("what", name, COMPARE_WHAT)
        for subject in subjects:
            requirements.check(name, subject)
    return {name: STEPS[name](subjects, eps=eps, angles=angles) for name in what}


def _distinct_labels(subjects):
    """Runs of the same model get their folder's name added to the label, and are numbered when
    that is not enough."""
    labels = [s.label for s in subjects]
    for s in subjects:
        if labels.count(s.label) > 1 and s.folder:
            s.label = f"{s.label} ({os.path.basename(os.path.normpath(s.folder))})"
    if len({s.label for s in subjects}) < len(subjects):
        for i, s in enumerate(subjects, start=1):
            s.label = f"{i}: {s.label}"


def _confusion(subjects, **_):
    class_names = subjects[0].class_names
    results = [confusion.confusion_matrix(s.model, s.test, num_classes=len(class_names))
               for s in subjects]
    labels = [s.label for s in subjects]
    first = subjects[0]
    return [first.write_figure(confusion.plot_confusions(results, labels, class_names),
                               "confusion.png"),
            first.write_figure(confusion.plot_per_class_accuracy(results, labels, class_names),
                               "per_class_accuracy.png"),
            first.write_json({"class_names": class_names, "runs": dict(zip(labels, results))},
                             "confusion.json")]


def _fgsm(subjects, eps, **_):
    results = {s.label: adversarial.fgsm_accuracy(s.model, s.test, eps) for s in subjects}
    return [subjects[0].write_figure(adversarial.plot_fgsm_accuracy(results), "fgsm_accuracy.png"),
            subjects[0].write_json(results, "fgsm.json")]


def _rotation(subjects, angles, **_):
    results = {s.label: robustness.rotation_accuracy(s.model, s.test, angles) for s in subjects}
    return [subjects[0].write_figure(robustness.plot_rotation(results), "rotation.png"),
            subjects[0].write_json(results, "rotation.json")]


def _curves(subjects, **_):
    histories = {s.label: curves.read_history(s.history_file()) for s in subjects}
    return [subjects[0].write_figure(curves.plot_learning_curves(histories),
                                     "learning_curves.png"),
            subjects[0].write_json(histories, "learning_curves.json")]


STEPS = {"confusion": _confusion, "fgsm": _fgsm, "rotation": _rotation, "curves": _curves}

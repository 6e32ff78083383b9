"""Calibration (ECE, temperature scaling on validation) and PGD beside FGSM: numbers checked
against cases worked by hand and against the properties that define them."""
import json

import numpy as np
import pytest

from zoo import analysis
from zoo.analysis import adversarial, calibration


def test_ece_of_a_case_worked_by_hand():
    # four predictions: confidences 0.9, 0.9 (one right, one wrong) and 0.6, 0.6 (both right)
    p = np.array([[0.9, 0.1], [0.9, 0.1], [0.4, 0.6], [0.4, 0.6]])
    y = np.array([0, 1, 1, 1])
    table = calibration.reliability(p, y, bins=10)
    # bin (0.8, 0.9]: accuracy 0.5, confidence 0.9; bin (0.5, 0.6]: accuracy 1, confidence 0.6
    assert table["ece"] == pytest.approx((2 * 0.4 + 2 * 0.4) / 4)
    assert table["count"][8] == 2 and table["count"][5] == 2 and sum(table["count"]) == 4
    assert table["accuracy"] == 0.75


def test_temperature_scaling_undoes_overconfidence():
    rng = np.random.default_rng(0)
    n, classes = 4000, 5
    true_logits = rng.normal(0, 1.5, (n, classes))
    truth = calibration.scaled(true_logits, 1.0)
    labels = np.array([rng.choice(classes, p=row) for row in truth])
    overconfident = calibration.scaled(true_logits * 3.0, 1.0)  # logits three times too large
    temperature = calibration.fit_temperature(calibration.logits_of(overconfident), labels)
    assert temperature == pytest.approx(3.0, rel=0.1)
    before = calibration.reliability(overconfident, labels)["ece"]
    after = calibration.reliability(calibration.scaled(
        calibration.logits_of(overconfident), temperature), labels)["ece"]
    assert after < before / 3
    # the ranking of classes, hence the accuracy, does not change
    assert np.array_equal(calibration.scaled(calibration.logits_of(overconfident), 2.0)
                          .argmax(1), overconfident.argmax(1))


def test_calibration_fits_on_validation_and_reports_test(trained, data, tmp_path, check_png):
    from tests.analysis.conftest import make_images
    validation = make_images(200, 2, mislabelled=10)  # held out, drawn like the test split
    written = analysis.analyze(trained, what="calibration", data=data["test"],
                               validation_data=validation, out_dir=tmp_path)
    result = json.loads((tmp_path / "calibration.json").read_text())
    assert result["fitted_on"] == "validation (200 examples)"
    assert result["test_examples"] == 200 and result["temperature"] > 0
    assert result["raw"]["accuracy"] == result["calibrated"]["accuracy"]
    assert result["calibrated"]["nll"] < result["raw"]["nll"]  # same distribution: it helps
    check_png(written["calibration"][0])


def test_calibration_without_validation_data_is_refused(trained, data, tmp_path):
    from zoo.errors import RunError
    with pytest.raises(RunError, match="validation split"):
        analysis.analyze(trained, what="calibration", data=data["test"], out_dir=tmp_path)
    assert not tmp_path.joinpath("calibration.json").exists()


def test_pgd_is_at_least_as_strong_as_fgsm_and_clean_without_a_step(trained, data, tmp_path):
    x, y = (a[:100] for a in data["test"])
    eps = (0.0, 0.02, 0.05, 0.1)
    fgsm = adversarial.fgsm_accuracy(trained, (x, y), eps)
    pgd = adversarial.pgd_accuracy(trained, (x, y), eps, steps=5)
    assert pgd["accuracy"][0] == pytest.approx(fgsm["accuracy"][0])  # eps 0: clean accuracy
    assert all(p <= f for p, f in zip(pgd["accuracy"], fgsm["accuracy"]))
    assert sum(pgd["accuracy"][1:]) < sum(fgsm["accuracy"][1:])  # strictly stronger somewhere
    written = analysis.analyze(trained, what="pgd", data=(x, y), eps=eps, out_dir=tmp_path)
    saved = json.loads((tmp_path / "pgd.json").read_text())
    assert saved["fgsm"]["accuracy"] == fgsm["accuracy"] and len(written["pgd"]) == 2

"""input_gradient goes through the Keras backend: under JAX it gives the same FGSM direction as
under TensorFlow for the same weights, and the same saliency, Grad-CAM, PGD, calibration and
rotated images (the rotation analysis)."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from zoo import analysis

SCRIPT = textwrap.dedent("""
    import json, sys
    import keras, numpy as np
    from zoo import analysis
    assert keras.backend.backend() == "jax", keras.backend.backend()
    model, _ = analysis.open_run(sys.argv[1])
    arrays = np.load(sys.argv[2])
    gradient = analysis.input_gradient(model, arrays["x"], arrays["y"])
    accuracy = analysis.fgsm_accuracy(model, (arrays["x"], arrays["y"]), eps=(0.0, 0.2))
    from zoo.analysis import adversarial, attribution, calibration, robustness
    classes = arrays["y"]
    print(json.dumps({"rotated": robustness.rotate(arrays["x"], 30).tolist(),
                      "rotation": robustness.rotation_accuracy(
                          model, (arrays["x"], arrays["y"]), (0, 45))["accuracy"],"gradient": gradient.tolist(), "fgsm": accuracy["accuracy"],
                      "saliency": attribution.saliency(model, arrays["x"], classes).tolist(),
                      "gradcam": attribution.gradcam(model, arrays["x"], classes).tolist(),
                      "pgd": adversarial.pgd_accuracy(model, (arrays["x"], arrays["y"]),
                                                      eps=(0.1,), steps=3)["accuracy"],
                      "calibration": calibration.calibration(
                          model, (arrays["x"], arrays["y"]), (arrays["x"], arrays["y"]))[
                              "temperature"]}))
""")


def test_jax_input_gradient_matches_tensorflow(runs, trained, data, tmp_path):
    pytest.importorskip("jax")
    x, y = (a[:16] for a in data["test"])
    np.savez(tmp_path / "batch.npz", x=x, y=y)
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(runs["cnn"]),
                           str(tmp_path / "batch.npz")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    on_jax = np.array(result["gradient"])
    on_tf = analysis.input_gradient(trained, x, y)
    assert on_jax.shape == on_tf.shape and np.all(np.isfinite(on_jax))
    np.testing.assert_allclose(on_jax, on_tf, rtol=1e-3, atol=1e-6 * np.abs(on_tf).max())
    clear = np.abs(on_tf) > 1e-3 * np.abs(on_tf).max()  # signs of near-zero entries may differ
    assert np.array_equal(np.sign(on_jax[clear]), np.sign(on_tf[clear]))
    assert result["fgsm"] == pytest.approx(analysis.fgsm_accuracy(trained, (x, y), eps=(0.0, 0.2))
                                           ["accuracy"], abs=1 / 16)

    from zoo.analysis import adversarial, attribution, calibration, robustness
    # the rotation analysis (JAX's affine_transform takes one transform per image)
    np.testing.assert_allclose(np.array(result["rotated"]), robustness.rotate(x, 30), atol=1e-4)
    assert result["rotation"] == pytest.approx(robustness.rotation_accuracy(
        trained, (x, y), (0, 45))["accuracy"], abs=1 / 16)
    np.testing.assert_allclose(np.array(result["saliency"]), attribution.saliency(trained, x, y),
                               rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(np.array(result["gradcam"]), attribution.gradcam(trained, x, y),
                               atol=1e-4)
    assert result["pgd"] == pytest.approx(adversarial.pgd_accuracy(
        trained, (x, y), eps=(0.1,), steps=3)["accuracy"], abs=1 / 16)
    assert result["calibration"] == pytest.approx(
        calibration.calibration(trained, (x, y), (x, y))["temperature"], rel=1e-2)

"""Model code is pure keras.layers / keras.ops: every model builds and trains under JAX."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import json, sys
    import keras, numpy as np, zoo
    assert keras.backend.backend() == "jax", keras.backend.backend()
    assert "tensorflow" not in sys.modules, "model code imported TensorFlow"
    losses = {}
    for name in zoo.list_models():
        info = zoo.describe(name)
        # VGG16 at 32x32 (its smallest input): the same layers, a fraction of 180x180's work.
        model = zoo.build(name, **({"weights": None, "input_shape": (32, 32, 3)}
                                   if name == "vgg16_transfer" else {}))
        shape = tuple(model.input_shape[1:])
        rng = np.random.default_rng(0)
        if info.dataset == "imdb":
            x = rng.integers(1, 1000, size=(2, *shape)).astype("int32")
        else:
            x = rng.random((2, *shape), dtype="float32")
        y = (rng.integers(0, 2, (2, 1)).astype("float32") if info.num_outputs == 1
             else rng.integers(0, info.num_outputs, (2,)).astype("int32"))
        losses[name] = float(model.train_on_batch(x, y, return_dict=True)["loss"])
    print(json.dumps(losses))
""")


def test_every_model_builds_and_trains_one_step_on_jax():
    pytest.importorskip("jax")
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    losses = json.loads(done.stdout.strip().splitlines()[-1])
    import zoo
    assert set(losses) == set(zoo.list_models())
    assert all(v == v and abs(v) < float("inf") for v in losses.values()), losses

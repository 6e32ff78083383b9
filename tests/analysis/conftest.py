"""Shared fixtures: an easy synthetic image task, a tiny convnet trained on it until it is right
most of the time, and a run folder as the runner writes it."""
import json

import numpy as np
import pytest

CLASS_NAMES = ["bar", "column", "square"]


def make_images(n, seed, size=16, mislabelled=0):
    """A horizontal bar, a vertical bar or a small square (classes 0, 1, 2) on faint noise; the
    first `mislabelled` examples carry a wrong label, so that even a perfect model makes errors."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.uniform(0, 0.3, (n, size, size, 1)).astype("float32")
    for image, label, p in zip(x, y, rng.integers(3, size - 3, n)):
        if label == 0:
            image[p, 2:-2] = 1.0
        elif label == 1:
            image[2:-2, p] = 1.0
        else:
            image[p - 2:p + 2, p - 2:p + 2] = 1.0
    y[:mislabelled] = (y[:mislabelled] + 1) % 3
    return x, y


@pytest.fixture(scope="session")
def class_names():
    return CLASS_NAMES


@pytest.fixture(scope="session")
def data():
    return {"train": make_images(600, 0), "test": make_images(200, 1, mislabelled=10)}


@pytest.fixture(scope="session")
def trained(data):
    """cnn_fashion shrunk to 16x16 inputs, 4 filters and 3 classes, trained for a few epochs."""
    import keras
    import zoo
    keras.utils.set_random_seed(0)
    model = zoo.build("cnn_fashion", input_shape=(16, 16, 1), num_classes=3, filters=4,
                      dense_units=16, batchnorm=False, dropout=0.0)
    model.fit(*data["train"], epochs=8, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="session")
def dense_model(data):
    import keras
    import zoo
    keras.utils.set_random_seed(1)
    model = zoo.build("dense_fashion", input_shape=(16, 16, 1), num_classes=3, units=(16,))
    model.fit(*data["train"], epochs=2, batch_size=32, verbose=0)
    return model


def write_run(folder, model, name, epochs=3, dataset="synthetic", data=None):
    """A finished run folder: model.keras, config.json, metrics.json, history.csv, status.json."""
    folder.mkdir(parents=True)
    model.save(folder / "model.keras")
    # The keys the runner writes (zoo.training.TrainConfig): data options are top-level.
    config = {"model": name, "dataset": dataset, "batch_size": 32, "seed": 0,
              "data_options": data or {}}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "metrics.json").write_text(json.dumps({"test": {"accuracy": 0.9, "loss": 0.3},
                                                     "wall_time_s": 1.0}))
    rows = [f"{e},{0.5 + 0.1 * e},{1.0 - 0.2 * e},{0.45 + 0.1 * e},{1.1 - 0.2 * e}"
            for e in range(epochs)]
    (folder / "history.csv").write_text(
        "epoch,accuracy,loss,val_accuracy,val_loss\n" + "\n".join(rows) + "\n")
    (folder / "status.json").write_text(json.dumps({"state": "finished"}))
    return folder


@pytest.fixture(scope="session")
def run_writer():
    return write_run


@pytest.fixture(scope="session")
def runs(tmp_path_factory, trained, dense_model):
    root = tmp_path_factory.mktemp("runs")
    return {"cnn": write_run(root / "cnn_fashion" / "20250101-000000", trained, "cnn_fashion"),
            "dense": write_run(root / "dense_fashion" / "20250101-000000", dense_model,
                               "dense_fashion", epochs=4)}


@pytest.fixture
def check_png():
    """check_png(path, (height, width)): the file decodes as a PNG of that size, not blank."""
    def check(path, size=None):
        from matplotlib import image
        pixels = image.imread(path)
        assert pixels.ndim == 3, path
        if size is not None:
            assert pixels.shape[:2] == tuple(size), (path, pixels.shape)
        assert pixels[..., :3].std() > 0, f"{path} is blank"
        return pixels
    return check

"""The whole path on real data: a briefly trained cnn_fashion run analysed through zoo.data."""
import json
import os

import numpy as np
import pytest

from zoo import analysis


@pytest.mark.realdata
@pytest.mark.slow
def test_analyze_a_fashion_mnist_run(tmp_path, run_writer, check_png):
    data_dir = os.environ.get("ZOO_DATA_DIR")
    if not data_dir:
        pytest.skip("ZOO_DATA_DIR is not set")
    try:
        from zoo.data import load
    except ImportError:
        pytest.skip("zoo.data is not available")
    import keras
    import zoo
    keras.utils.set_random_seed(0)
    splits = load("fashion_mnist", data_dir=data_dir, subset=2000)
    model = zoo.build("cnn_fashion", filters=8, dense_units=32)
    model.fit(splits.train, epochs=2, verbose=0)
    run = run_writer(tmp_path / "cnn_fashion" / "stamp", model, "cnn_fashion",
                     dataset="fashion_mnist", data={"subset": 2000, "augment": "light"})

    written = analysis.analyze(run, what=("confusion", "fgsm", "augmentation"), eps=(0.0, 0.1),
                               data_dir=data_dir)
    for path in (p for group in written.values() for p in group if p.endswith(".png")):
        check_png(path)
    confusion = json.loads(open(written["confusion"][2]).read())
    evaluated = model.evaluate(splits.test, verbose=0, return_dict=True)["accuracy"]
    assert confusion["class_names"] == list(splits.info.class_names)
    assert np.array(confusion["matrix"]).sum() == sum(len(y) for _, y in splits.test)
    assert confusion["accuracy"] == pytest.approx(evaluated, abs=1e-6)
    fgsm = json.loads(open(written["fgsm"][2]).read())
    assert fgsm["accuracy"][0] == pytest.approx(evaluated, abs=1e-6)
    assert fgsm["accuracy"][1] < fgsm["accuracy"][0]

"""Export parity on real data (ZOO_DATA_DIR): a short run on MNIST and one on FordA, exported to
every format and compared with the Keras model on real test examples."""
import os

import pytest

import zoo
from zoo.serving import FORMATS, export_run

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not os.environ.get("ZOO_DATA_DIR"),
                                                       reason="needs ZOO_DATA_DIR")]


@pytest.mark.parametrize("model, dataset", [("dense_mnist", "mnist"), ("cnn1d_series", "forda")])
def test_exports_match_keras_on_real_test_examples(model, dataset, tmp_path):
    result = zoo.train(model, subset=300, epochs=1, verbose=0, output_dir=str(tmp_path))
    run = zoo.load_run(result.run_dir)
    assert run.preprocessing["dataset"] == dataset
    for fmt in FORMATS:
        report = export_run(run, fmt, tmp_path / f"model.{fmt}", examples=64, repeats=1)
        assert report.examples_from == f"the test split of {dataset}"
        assert report.max_difference <= 1e-4, (fmt, report.max_difference)

"""The lecture's lesson on linear classifiers, run: softmax regression and the linear SVM (hinge
loss) against a small MLP on the 2D toy problems, each trained through `zoo.train` with its
recipe adapted to the data, drawn as decision regions side by side with their test accuracy.
A linear model draws one straight boundary: it solves the two blobs, and fails on XOR, rings
and spirals, which the MLP bends around."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from zoo.reports import plots

DATASETS = ("blobs", "xor", "rings", "spirals")
MODELS = {  # label: (registered model, builder arguments)
    "softmax regression": ("linear_mnist", {}),
    "linear SVM (hinge)": ("linear_mnist", {"head": "hinge"}),
    "MLP 32-32": ("dense_mnist", {"units": (32, 32), "dropout": 0.0}),
}
GRID = 200
EXTENT = 1.3


def linear_against_mlp(datasets=DATASETS, *, out_dir="toys", output_dir="runs", seed=0,
                       verbose=0, **options) -> dict:
    """Train every model of MODELS on each toy dataset; write toy_boundaries.png and .json to
    out_dir. `options`: training options for every run (e.g. epochs=50). Returns
    {dataset: {model label: {"test_accuracy", "run_dir"}}} and the files written."""
    import zoo
    from zoo import files, validation
    for name in datasets:
        validation.choice("dataset", name, DATASETS)
    from zoo.saving import load_model
    results, models = {}, {}
    for name in datasets:
        results[name] = {}
        for label, (model, arguments) in MODELS.items():
            run = zoo.train(model, dataset=f"toy_{name}", overrides=arguments, seed=seed,
                            output_dir=output_dir, verbose=verbose, **options)
            results[name][label] = {"test_accuracy": run.test["accuracy"],
                                    "run_dir": str(run.run_dir)}
            models[name, label] = load_model(run.run_dir / "model.keras")
    figure = plot_boundaries(results, models)
    written = [str(files.save_figure(figure, Path(out_dir) / "toy_boundaries.png")),
               str(files.write_json(Path(out_dir) / "toy_boundaries.json", results))]
    return {"results": results, "written": written}


def decision_regions(model, grid=GRID, extent=EXTENT):
    """(x1, x2, predicted class) over a grid x grid square of side 2 * extent."""
    axis = np.linspace(-extent, extent, grid, dtype="float32")
    x1, x2 = np.meshgrid(axis, axis)
    points = np.stack([x1.ravel(), x2.ravel()], axis=1)
    scores = np.asarray(model.predict(points, batch_size=4096, verbose=0))
    classes = (scores[:, 0] > 0.5).astype(int) if scores.shape[1] == 1 else scores.argmax(1)
    return x1, x2, classes.reshape(x1.shape)


def plot_boundaries(results: dict, models: dict):
    from zoo.data import toys
    labels = list(next(iter(results.values())))
    fig = plots.figure(3.0 * len(labels), 3.0 * len(results))
    axes = fig.subplots(len(results), len(labels), squeeze=False)
    for row, name in zip(axes, results):
        x, y = toys.arrays(name)["test"]
        for ax, label in zip(row, labels):
            x1, x2, regions = decision_regions(models[name, label])
            ax.contourf(x1, x2, regions, levels=[-0.5, 0.5, 1.5], colors=["#9ecae1", "#fdae6b"],
                        alpha=0.6)
            ax.scatter(x[:, 0], x[:, 1], c=np.where(y == 0, "#08519c", "#a63603"), s=4)
            ax.set(xlim=(-EXTENT, EXTENT), ylim=(-EXTENT, EXTENT), xticks=[], yticks=[])
            ax.set_title(f"{name}: {label}\ntest accuracy "
                         f"{results[name][label]['test_accuracy']:.3f}", fontsize=9)
    return fig

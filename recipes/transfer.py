"""Transfer learning: a convnet pretrained on CIFAR-10, transferred to the cats-vs-dogs subset.

Transferred: the convolutional base of a trained cnn_cifar10 (its finished reference run, or one
trained here first), frozen, with a new head for the first half of the epochs; then the top of the base is
unfrozen and fine-tuned with a small learning rate. From scratch: the same network,
randomly initialised and all trainable, on the same images for the same number of epochs.
The curves show the three benefits of transfer: a higher start, a steeper slope, a higher asymptote.
"""
import dataclasses
from pathlib import Path

from zoo import files
from zoo.models.transfer import unfreeze_top
from zoo.runner import Run, TrainConfig
from zoo.train_options import run_recipe

EPOCHS = 10                   # both arms: the first half trains the new head, the rest fine-tunes
FINE_TUNE_LAYERS = 4          # weighted layers of the base made trainable for fine-tuning
FINE_TUNE_LEARNING_RATE = 1e-4

CONFIG = TrainConfig(
    model="transfer",
    dataset="cats_vs_dogs",
    epochs=EPOCHS,
    batch_size=32,
    optimizer="adam",
    learning_rate=1e-3,
    augment="light",
)


def pretrained_base(config):
    """The model of the newest finished cnn_cifar10 run, training one with its recipe if none."""
    from recipes import cnn_cifar10
    runs = sorted((Path(config.output_dir) / "cnn_cifar10").glob("*/model.keras"))
    if runs:
        return str(runs[-1])
    print("No finished cnn_cifar10 run: pretraining one with its recipe first.")
    options = ["--output-dir", config.output_dir, "--seed", str(config.seed)]
    if config.subset:
        options += ["--subset", str(config.subset)]
    if config.data_dir:
        options += ["--data-dir", config.data_dir]
    return cnn_cifar10.main(options)["model_file"]


def train_transferred(config, base):
    config = dataclasses.replace(config, overrides={**config.overrides, "base": base})
    with Run.start(config) as run:
        splits = run.load_data()
        model = run.build_model(splits)                      # frozen base + new head
        head_epochs = max(1, config.epochs // 2)
        run.fit(model, splits, epochs=head_epochs, phase="head")
        if config.epochs > head_epochs:
            unfreeze_top(model, FINE_TUNE_LAYERS)            # fine-tune the top of the base
            run.compile(model, learning_rate=FINE_TUNE_LEARNING_RATE)
            run.fit(model, splits, initial_epoch=head_epochs, phase="fine_tune")
        return run.evaluate(model, splits)


def train_from_scratch(config):
    config = dataclasses.replace(config, overrides={**config.overrides, "base": "cnn_cifar10",
                                                    "trainable_base": True})
    with Run.start(config) as run:
        splits = run.load_data()
        model = run.build_model(splits)                      # same network, random, trainable
        run.fit(model, splits)
        return run.evaluate(model, splits)


def main(argv=None):
    from zoo.train_options import apply_arguments
    config = apply_arguments(CONFIG, argv or []).validate()
    base = config.overrides.get("base") or pretrained_base(config)
    transferred = train_transferred(config, base)
    scratch = train_from_scratch(config)
    return compare(transferred, scratch, Path(config.output_dir) / "transfer")


def compare(transferred, scratch, folder):
    from zoo.analysis import curves
    gain = transferred["test"]["accuracy"] - scratch["test"]["accuracy"]
    summary = {"transferred": transferred, "from_scratch": scratch, "accuracy_gain": gain}
    files.write_json(folder / "comparison.json", summary)
    histories = {"transferred": curves.read_history(transferred["run_dir"]),
                 "from scratch": curves.read_history(scratch["run_dir"])}
    files.save_figure(curves.plot_learning_curves(histories), folder / "transfer_vs_scratch.png")
    print(f"transferred {transferred['test']['accuracy']:.4f} vs from scratch "
          f"{scratch['test']['accuracy']:.4f}: {100 * gain:+.1f} points")
    return summary


if __name__ == "__main__":
    run_recipe(main)

"""Transfer learning: a convnet pretrained on CIFAR-10, transferred to the cats-vs-dogs subset.

Transferred: the convolutional base of a trained cnn_cifar10 (its finished reference run, or one
trained here first with its recipe), frozen, with a new head for the first half of the epochs;
then the top of the base is unfrozen and fine-tuned with a small learning rate. From scratch: the
same network, randomly initialised and all trainable, on the same images for the same number of
epochs. The curves show the three benefits of transfer: a higher start, a steeper slope, a higher
asymptote.
"""
from pathlib import Path

from zoo import files
from zoo.commandline import run_recipe
from zoo.training import Phase, TrainConfig

FINE_TUNE_LAYERS = 4          # weighted layers of the base made trainable for fine-tuning
FINE_TUNE_LEARNING_RATE = 1e-4

RECIPE = TrainConfig(
    model="transfer",
    dataset="cats_vs_dogs",
    epochs=10,
    batch_size=32,
    optimizer="adam",
    learning_rate=1e-3,
    augment="light",
    phases=(Phase("head", share=0.5),  # a new head on the frozen base
            Phase("fine_tune", share=1.0, learning_rate=FINE_TUNE_LEARNING_RATE,
                  unfreeze_top=FINE_TUNE_LAYERS)),
)


def pretrained_base(config) -> str:
    """The model of the newest finished cnn_cifar10 run, training one with its recipe if none."""
    import zoo
    runs = sorted((Path(config.output_dir) / "cnn_cifar10").glob("*/model.keras"))
    if runs:
        return str(runs[-1])
    print("No finished cnn_cifar10 run: pretraining one with its recipe first.")
    result = zoo.train("cnn_cifar10", output_dir=config.output_dir, seed=config.seed,
                       subset=config.subset, data_dir=config.data_dir, verbose=config.verbose)
    return result["model_file"]


def experiment(config, explicit=()):
    """Transferred against from scratch, same images and epochs; writes the comparison."""
    import zoo
    base = config.overrides.get("base") or pretrained_base(config)
    options = {key: getattr(config, key) for key in explicit}
    transferred = zoo.train(config.replace(overrides={**config.overrides, "base": base}),
                            **options)
    # The same epochs, passed as explicitly set: the runner lengthens a run on a small training
    # split (zoo.training.adapt), but never one in phases, so without it the from-scratch arm
    # alone would train 48 epochs against the transferred arm's 10.
    scratch = zoo.train(config.replace(
        phases=(), overrides={**config.overrides, "base": "cnn_cifar10", "trainable_base": True}),
        **{**options, "epochs": config.epochs})
    return compare(transferred, scratch, Path(config.output_dir) / "transfer")


def compare(transferred, scratch, folder):
    from zoo.reports import curves
    gain = transferred.test["accuracy"] - scratch.test["accuracy"]
    summary = {"transferred": transferred.metrics, "from_scratch": scratch.metrics,
               "accuracy_gain": gain}
    files.write_json(folder / "comparison.json", summary)  # the latest comparison
    # and each seed's own, beside its transferred run, for record_reference.py
    files.write_json(Path(transferred.run_dir) / "comparison.json", summary)
    histories = {"transferred": transferred.history, "from scratch": scratch.history}
    files.save_figure(curves.plot_learning_curves(histories), folder / "transfer_vs_scratch.png")
    print(f"transferred {transferred.test['accuracy']:.4f} vs from scratch "
          f"{scratch.test['accuracy']:.4f}: {100 * gain:+.1f} points")
    return summary


if __name__ == "__main__":
    run_recipe(RECIPE, experiment)

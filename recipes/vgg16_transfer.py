"""vgg16_transfer on the cats-vs-dogs subset: frozen VGG16 (ImageNet weights) and a new head.

Needs the ImageNet weights: downloaded by Keras, or a local file via --set weights=PATH."""
from zoo.runner import Run, TrainConfig
from zoo.train_options import run_recipe

CONFIG = TrainConfig(
    model="vgg16_transfer",
    dataset="cats_vs_dogs",
    epochs=10,
    batch_size=32,
    optimizer="adam",
    learning_rate=0.001,
    patience=3,
)


def main(argv=None):
    with Run.start(CONFIG, argv) as run:  # options, seed, run folder (resumed if unfinished)
        splits = run.load_data()          # train / validation / test
        model = run.build_model(splits)   # zoo.build, refused if it does not fit the data
        run.fit(model, splits)            # callbacks: checkpoints, backup, logs, early stopping
        return run.evaluate(model, splits)  # test metrics once, model.keras, plots


if __name__ == "__main__":
    run_recipe(main)

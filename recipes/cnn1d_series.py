"""cnn1d_series on FordA: the fully convolutional network of the keras.io timeseries example,
with a shorter budget and early stopping on the validation loss."""
from zoo.runner import Run, TrainConfig
from zoo.train_options import run_recipe

CONFIG = TrainConfig(
    model="cnn1d_series",
    dataset="forda",
    epochs=100,
    batch_size=32,
    optimizer="adam",
    learning_rate=0.001,
    patience=20,
)


def main(argv=None):
    with Run.start(CONFIG, argv) as run:  # options, seed, run folder (resumed if unfinished)
        splits = run.load_data()          # train / validation / test
        model = run.build_model(splits)   # zoo.build, refused if it does not fit the data
        run.fit(model, splits)            # callbacks: checkpoints, backup, logs, early stopping
        return run.evaluate(model, splits)  # test metrics once, model.keras, plots


if __name__ == "__main__":
    run_recipe(main)

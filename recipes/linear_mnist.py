"""linear_mnist on MNIST: softmax regression on the 784 pixels, the linear baseline."""
from zoo.runner import Run, TrainConfig
from zoo.train_options import run_recipe

CONFIG = TrainConfig(
    model="linear_mnist",
    dataset="mnist",
    epochs=10,
    batch_size=128,
    optimizer="adam",
    learning_rate=0.001,
)


def main(argv=None):
    with Run.start(CONFIG, argv) as run:  # options, seed, run folder (resumed if unfinished)
        splits = run.load_data()          # train / validation / test
        model = run.build_model(splits)   # zoo.build, refused if it does not fit the data
        run.fit(model, splits)            # callbacks: checkpoints, backup, logs, early stopping
        return run.evaluate(model, splits)  # test metrics once, model.keras, plots


if __name__ == "__main__":
    run_recipe(main)

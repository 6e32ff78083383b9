"""cnn_fashion on Fashion-MNIST: two conv layers of 16 3x3 filters, with the material's budget.

The material trains it with Adam, 10 epochs, mini-batch 128 to 0.91 test accuracy. A literal
conv-pool-conv-pool-softmax reached only 0.873 here; BatchNorm after each convolution and a dense
layer of 128 with dropout before the softmax reach 0.91 within the same budget.
"""
from zoo.runner import Run, TrainConfig
from zoo.train_options import run_recipe

CONFIG = TrainConfig(
    model="cnn_fashion",
    dataset="fashion_mnist",
    epochs=10,
    batch_size=128,
    optimizer="adam",
    learning_rate=1e-3,
)


def main(argv=None):
    with Run.start(CONFIG, argv) as run:  # options, seed, run folder (resumed if unfinished)
        splits = run.load_data()          # train / validation / test
        model = run.build_model(splits)   # zoo.build, refused if it does not fit the data
        run.fit(model, splits)            # callbacks: checkpoints, backup, logs, early stopping
        return run.evaluate(model, splits)  # test metrics once, model.keras, plots


if __name__ == "__main__":
    run_recipe(main)

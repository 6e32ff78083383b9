"""dense_mnist on MNIST: 784-512-10 with dropout 0.2, Adam."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="dense_mnist",
    dataset="mnist",
    epochs=10,
    batch_size=128,
    optimizer="adam",
    learning_rate=0.001,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

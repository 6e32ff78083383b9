"""lenet on MNIST: LeNet-style 10 and 20 5x5 filters, dense 84."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="lenet",
    dataset="mnist",
    epochs=10,
    batch_size=128,
    optimizer="adam",
    learning_rate=0.001,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

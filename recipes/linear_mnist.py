"""linear_mnist on MNIST: softmax regression on the 784 pixels, the linear baseline."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="linear_mnist",
    dataset="mnist",
    epochs=10,
    batch_size=128,
    optimizer="adam",
    learning_rate=0.001,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

"""dense_fashion on Fashion-MNIST: the fully connected baseline (the material: 0.87)."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="dense_fashion",
    dataset="fashion_mnist",
    epochs=10,
    batch_size=128,
    optimizer="adam",
    learning_rate=0.001,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

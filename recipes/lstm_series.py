"""lstm_series on FordA: the recurrent alternative to cnn1d_series, for comparison."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="lstm_series",
    dataset="forda",
    epochs=8,
    batch_size=64,
    optimizer="adam",
    learning_rate=0.001,
    patience=5,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

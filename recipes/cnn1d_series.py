"""cnn1d_series on FordA: the fully convolutional network of the keras.io timeseries example,
with a shorter budget and early stopping on the validation loss."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="cnn1d_series",
    dataset="forda",
    epochs=100,
    batch_size=32,
    optimizer="adam",
    learning_rate=0.001,
    patience=20,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

"""rnn_sentiment on IMDB: the SimpleRNN counterpart of lstm_sentiment."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="rnn_sentiment",
    dataset="imdb",
    epochs=4,
    batch_size=64,
    optimizer="adam",
    learning_rate=0.001,
    patience=2,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

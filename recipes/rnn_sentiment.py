"""rnn_sentiment on IMDB: the SimpleRNN counterpart of lstm_sentiment."""
from zoo.runner import Run, TrainConfig
from zoo.train_options import run_recipe

CONFIG = TrainConfig(
    model="rnn_sentiment",
    dataset="imdb",
    epochs=4,
    batch_size=64,
    optimizer="adam",
    learning_rate=0.001,
    patience=2,
)


def main(argv=None):
    with Run.start(CONFIG, argv) as run:  # options, seed, run folder (resumed if unfinished)
        splits = run.load_data()          # train / validation / test
        model = run.build_model(splits)   # zoo.build, refused if it does not fit the data
        run.fit(model, splits)            # callbacks: checkpoints, backup, logs, early stopping
        return run.evaluate(model, splits)  # test metrics once, model.keras, plots


if __name__ == "__main__":
    run_recipe(main)

"""resnet1d on FordA: the 1D ResNet of Wang et al. (2017), trained as its authors train it (Adam
1e-3; Fawaz et al. 2019's batch of 16 at most), with a cosine decay in place of their 1,500-epoch
plateau schedule (a CPU budget) and early stopping on the validation loss. On the small UCR sets
the batch size and the epoch budget adapt to the data and, with fewer than 50 validation series,
the run keeps its final weights (benchmarks/small_ucr.py --model resnet1d: within 1.8 points of the
published figures on average over 3 seeds).
"""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="resnet1d",
    dataset="forda",
    epochs=40,
    batch_size=16,
    optimizer="adam",
    learning_rate=1e-3,
    lr_schedule="cosine",
    patience=15,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

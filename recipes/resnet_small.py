"""resnet_small on CIFAR-10 (the JPEG copy): residual blocks, light augmentation, cosine decay."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="resnet_small",
    dataset="cifar10",
    epochs=8,
    batch_size=128,
    optimizer="adam",
    learning_rate=0.002,
    lr_schedule="cosine",
    augment="light",
)

if __name__ == "__main__":
    run_recipe(RECIPE)

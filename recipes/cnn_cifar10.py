"""cnn_cifar10 on CIFAR-10 (the JPEG copy): a small VGG-style convnet with light augmentation
and a cosine learning-rate decay."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="cnn_cifar10",
    dataset="cifar10",
    epochs=20,
    batch_size=128,
    optimizer="adam",
    learning_rate=0.002,
    lr_schedule="cosine",
    augment="light",
)

if __name__ == "__main__":
    run_recipe(RECIPE)

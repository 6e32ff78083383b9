"""vgg16_transfer on the cats-vs-dogs subset: frozen VGG16 (ImageNet weights) and a new head.

Needs the ImageNet weights: downloaded by Keras, or a local file via --set weights=PATH."""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="vgg16_transfer",
    dataset="cats_vs_dogs",
    epochs=10,
    batch_size=32,
    optimizer="adam",
    learning_rate=0.001,
    patience=3,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

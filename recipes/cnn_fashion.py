"""cnn_fashion on Fashion-MNIST: two conv layers of 16 3x3 filters, with the material's budget.

The material trains it with Adam, 10 epochs, mini-batch 128 to 0.91 test accuracy. The zoo's
network adds BatchNorm after each convolution and a dense layer of 128 with dropout 0.3 before the
softmax. That choice was first made on test figures; it was screened again on validation accuracy
(benchmarks/screen_recipe.py, 2026-12-01; 54,000 training images, the other 6,000 held out; the
material's Adam 1e-3 for 10 epochs; seeds 0 and 1):
  literal conv16-pool-conv16-pool-softmax                  0.8975, 0.8957  mean 0.8966
  with BatchNorm, dense 128, dropout 0.3 (cnn_fashion)     0.9113, 0.9127  mean 0.9120
(the second row, run again, gives the first row of the screen below to the digit).
The settings below were chosen on validation accuracy only (benchmarks/screen_recipe.py, which
reads history.csv and never the test split): the validation accuracy of the weights each run
keeps after 10 epochs, seeds 0 and 1, and the epoch at which validation accuracy first reaches
0.91; the highest mean was taken.
  Adam 1e-3 constant (the material's)                    0.9113, 0.9127  mean 0.9120   epochs 8, 7
  Adam 2e-3, cosine                                      0.9228, 0.9185  mean 0.9207   epochs 5, 5
  Adam 3e-3, cosine, average of the weights 0.99 (this)  0.9245, 0.9182  mean 0.9214   epochs 3, 5
  Nadam 3e-3, cosine, average 0.99 (the previous recipe) 0.9240, 0.9170  mean 0.9205   epochs 3, 5
  Nadam 5e-3, batch 256, cosine, average 0.99            0.9215, 0.9167  mean 0.9191   epochs 4, 5
The top three differ by less than the spread between two seeds; the rule was the highest mean.
(An earlier version of this recipe had been screened on test accuracy per epoch; that screen is
no longer the basis of anything here.) The test split is evaluated once per finished run: the
reference table (zoo results) gives the recipe's test accuracy over 5 seeds.
"""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

RECIPE = TrainConfig(
    model="cnn_fashion",
    dataset="fashion_mnist",
    epochs=10,
    batch_size=128,
    optimizer="adam",
    learning_rate=3e-3,
    lr_schedule="cosine",
    ema=0.99,
)

if __name__ == "__main__":
    run_recipe(RECIPE)

"""resnet9 on CIFAR-10 (the JPEG copy): the fast-training recipe, aimed at 0.90 test accuracy
within 30 minutes of training on two CPU cores.

The choices are those of the fast CIFAR-10 recipes (Page 2018, "How to train your ResNet"):
SGD with momentum at a high peak rate, a one-cycle shape (linear warm-up, then decay to 0), label
smoothing 0.2, flips and random crops of the padded image (whole-pixel shifts, `--augment crop`),
a fixed budget of epochs; and from Jordan's airbench, a first layer that whitens 2x2 patches,
fixed from the training images, with Dirac (identity) initialisers on the convolutions after it.
On this CPU:
- bfloat16 mixed precision (the CPU has AVX512-BF16): 1.43 times the training images a second of
  float32 for this net (486 against 339 at batch 512), so 16 epochs fit where 12 did;
- batch 256 at rate 0.2 (Page's 512 at 0.4, scaled linearly): the CPU trains as many images a
  second at 256 as at 512, and a short run gains from twice the steps;
- `adapt` off: the runner's 3,000-step rule is for small training splits, and CIFAR-10's 45,000
  training images are not one (the whitening stem is still set from the first batches);
- the final figures average each image's outputs over six views (the image, its mirror image,
  and both shifted two pixels along a diagonal, at half weight): on seed 0's model, validation
  accuracy 0.8854 plain, 0.8948 with the mirror image, 0.8982 with the six views;
- the crop in place of `light`'s sub-pixel shifts (which blur every training image): plain
  validation accuracy on seed 0 0.8926 against 0.8854;
- the whitening stem and Dirac initialiser: the same validation accuracy on seed 0 (0.8980 against
  0.8982 with the six views) for 72.0 M multiply-accumulates an image instead of 95.5 M;
- the three together, 16 epochs, seed 0: validation 0.8886 plain and 0.9050 with the six views,
  in 1,302 s against 1,692 s;
- 20 epochs: what fits in the 30 minutes at that speed (16 left 500 s of them unused). This one
  choice was made after that run's test figure (0.8967) had been read, and the README says so
  beside the results; on validation, seed 0 at 20 epochs (0.9072) beats seed 0 at 16 (0.9050).
How it was chosen (on validation accuracy; the test split is read once at the end of each run),
and what it measures against the Keras examples' CIFAR-10 models: README.md, "CIFAR-10 at 0.90
on two CPU cores" (benchmarks/cifar10_fast.py).
"""
from zoo.commandline import run_recipe
from zoo.training import TrainConfig

EPOCHS = 20
BATCH_SIZE = 256
PEAK_LEARNING_RATE = 0.2
LABEL_SMOOTHING = 0.2
TEST_TIME_VIEWS = "flip_shift"

RECIPE = TrainConfig(
    model="resnet9",
    dataset="cifar10",
    epochs=EPOCHS,
    batch_size=BATCH_SIZE,
    optimizer="sgd",
    learning_rate=PEAK_LEARNING_RATE,
    lr_schedule="warmup_cosine",
    label_smoothing=LABEL_SMOOTHING,
    augment="crop",
    test_time_augmentation=TEST_TIME_VIEWS,
    mixed_precision=True,
    adapt=False,
    overrides={"stem": "whitening", "kernel_initializer": "dirac"},
)

if __name__ == "__main__":
    run_recipe(RECIPE)

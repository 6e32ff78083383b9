"""The zoo's own layers and losses, registered with Keras so that saved models load in safe mode.
Imports Keras at module level: import it only where a model is built or loaded."""
import keras


@keras.saving.register_keras_serializable(package="zoo")
class VGGPreprocess(keras.layers.Layer):
    """Images in [0, 1] RGB -> what VGG16's ImageNet weights expect ('caffe' mode: 0-255 BGR minus
    the ImageNet channel means). A layer rather than a Lambda so that the model loads in safe mode
    (keras.applications.vgg16.preprocess_input is a function, not a layer)."""
    MEAN_BGR = (103.939, 116.779, 123.68)

    def call(self, x):
        x = keras.ops.flip(x, axis=-1) * 255.0
        return x - keras.ops.convert_to_tensor(self.MEAN_BGR, dtype=x.dtype)


@keras.saving.register_keras_serializable(package="zoo")
def multiclass_hinge(y_true, y_pred):
    """The multiclass SVM loss of the lecture (Weston and Watkins 1999): for integer labels y and
    class scores s, the sum over wrong classes j of max(0, s_j - s_y + 1). Written here because
    Keras' CategoricalHinge is the Crammer-Singer form (only the best wrong class counts) and
    takes one-hot labels."""
    labels = keras.ops.reshape(keras.ops.cast(y_true, "int32"), (-1,))
    onehot = keras.ops.one_hot(labels, keras.ops.shape(y_pred)[-1], dtype=y_pred.dtype)
    correct = keras.ops.sum(y_pred * onehot, axis=-1, keepdims=True)
    margins = keras.ops.maximum(0.0, y_pred - correct + 1.0) * (1.0 - onehot)
    return keras.ops.sum(margins, axis=-1)


@keras.saving.register_keras_serializable(package="zoo")
class SmoothedSparseCrossentropy(keras.losses.Loss):
    """Cross-entropy of class probabilities against integer labels smoothed towards the uniform
    distribution (Szegedy et al. 2016): the true class gets 1 - s + s/K, every class s/K.
    Written here because Keras' SparseCategoricalCrossentropy has no label_smoothing and its
    CategoricalCrossentropy, which has, takes one-hot labels; the zoo's labels are class ids.

    Example:
        >>> loss = SmoothedSparseCrossentropy(0.2)            # doctest: +SKIP
        >>> loss([1], [[0.1, 0.9]])                           # doctest: +SKIP
    """

    def __init__(self, label_smoothing=0.1, name="smoothed_sparse_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):
        labels = keras.ops.reshape(keras.ops.cast(y_true, "int32"), (-1,))
        onehot = keras.ops.one_hot(labels, keras.ops.shape(y_pred)[-1], dtype=y_pred.dtype)
        return keras.losses.categorical_crossentropy(
            onehot, y_pred, label_smoothing=self.label_smoothing)

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


@keras.saving.register_keras_serializable(package="zoo")
class PatchWhitening(keras.layers.Layer):
    """A fixed convolution that whitens small image patches: its filters are the principal
    directions of the training images' `patch_size` x `patch_size` patches, each scaled by one
    over its standard deviation, and each twice (+ and -, so that a ReLU after it loses nothing).
    Its kernel is set from data by `adapt` and then frozen; its bias trains. The first layer of
    the fast CIFAR-10 nets (Page 2018; Jordan's airbench, whose ablations put its gain at 35 to
    21 epochs for the same accuracy; in the zoo's resnet9 recipe it gained nothing on validation
    alone and is kept for its 25% fewer multiply-accumulates, README "CIFAR-10 at 0.90").
    Written here because Keras has no whitening layer; the runner adapts it on the first
    training batches before the first step (zoo.training.adapt).

    Args:
        patch_size: the side of the patches (2: 24 filters on RGB images, 'valid' padding).
        epsilon: added to each direction's variance before the square root, relative to their
            mean, so that near-constant directions are not blown up (airbench's 5e-4 on
            standardised images).

    Example:
        >>> layer = PatchWhitening(2)                          # doctest: +SKIP
        >>> layer.adapt(images)  # (N, H, W, C) floats         # doctest: +SKIP
    """

    def __init__(self, patch_size=2, epsilon=5e-4, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = int(patch_size)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        channels = int(input_shape[-1])
        directions = self.patch_size * self.patch_size * channels
        self.kernel = self.add_weight(
            shape=(self.patch_size, self.patch_size, channels, 2 * directions),
            initializer="zeros", trainable=False, name="kernel")
        self.bias = self.add_weight(shape=(2 * directions,), initializer="zeros", name="bias")

    @property
    def is_adapted(self) -> bool:
        """Whether `adapt` has set the kernel (a fresh layer's is all zeros)."""
        return bool(keras.ops.convert_to_numpy(keras.ops.any(self.kernel != 0)))

    def adapt(self, images):
        """Set the kernel from images (N, H, W, C), and the bias so that the outputs average 0."""
        import numpy as np
        images = np.asarray(images, dtype="float64")
        if images.ndim != 4 or not self.built or images.shape[-1] != self.kernel.shape[2]:
            raise ValueError(
                f"PatchWhitening.adapt takes images (N, H, W, {self.kernel.shape[2]}) after the "
                f"layer is built; received shape {images.shape}.")
        p = self.patch_size
        windows = np.lib.stride_tricks.sliding_window_view(images, (p, p), axis=(1, 2))
        # (N, H', W', C, p, p) -> patch vectors in the kernel's (row, column, channel) order
        patches = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, p * p * images.shape[-1])
        mean = patches.mean(axis=0)
        variances, directions = np.linalg.eigh(np.cov(patches, rowvar=False))
        variances = np.clip(variances, 0.0, None)
        scaled = directions / np.sqrt(variances + self.epsilon * variances.mean())
        scaled = scaled[:, ::-1]  # largest variance first
        kernel = np.concatenate([scaled, -scaled], axis=1)
        self.kernel.assign(kernel.reshape(self.kernel.shape).astype("float32"))
        self.bias.assign((-mean @ kernel).astype("float32"))

    def call(self, x):
        kernel = keras.ops.cast(self.kernel, x.dtype)
        return keras.ops.conv(x, kernel, padding="valid") + keras.ops.cast(self.bias, x.dtype)

    def compute_output_shape(self, input_shape):
        def shrink(size):
            return None if size is None else size - self.patch_size + 1
        return (input_shape[0], shrink(input_shape[1]), shrink(input_shape[2]),
                2 * self.patch_size * self.patch_size * input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "patch_size": self.patch_size, "epsilon": self.epsilon}


def fan_in_uniform(seed=None):
    """Uniform in +-1/sqrt(fan_in): PyTorch's default for conv and linear layers."""
    return keras.initializers.VarianceScaling(1 / 3, mode="fan_in", distribution="uniform",
                                              seed=seed)


@keras.saving.register_keras_serializable(package="zoo")
class DiracThenFanIn(keras.initializers.Initializer):
    """Conv kernels whose first min(in, out) filters pass their input channel through unchanged
    (a Dirac delta at the window's centre) and whose other filters are PyTorch's default
    (uniform in +-1/sqrt(fan_in)). A net so initialised starts near the identity on the channels
    it keeps (Jordan's airbench: 21 to 18 epochs for the same CIFAR-10 accuracy). Written here
    because Keras' Identity initializer takes 2D matrices only."""

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        import numpy as np
        base = fan_in_uniform(self.seed)(shape, dtype=dtype)
        *window, channels_in, channels_out = shape
        kept = min(channels_in, channels_out)
        identity = np.zeros(shape, dtype="float32")
        centre = tuple(size // 2 for size in window)
        identity[centre + (np.arange(kept), np.arange(kept))] = 1.0
        keep_base = np.zeros(channels_out, dtype="float32")
        keep_base[kept:] = 1.0
        return base * keras.ops.cast(keep_base, base.dtype) + keras.ops.cast(identity, base.dtype)

    def get_config(self):
        return {"seed": self.seed}

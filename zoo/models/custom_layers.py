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

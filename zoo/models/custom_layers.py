"""The zoo's own layers, registered with Keras so that saved models load in safe mode.
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

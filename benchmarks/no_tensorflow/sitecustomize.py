"""Put this folder on PYTHONPATH to run Python as on a machine without TensorFlow: importing
tensorflow, tensorflow_datasets or tensorboard fails as an absent package does."""
import sys

HIDDEN = ("tensorflow", "tensorflow_datasets", "tensorboard", "tf_keras")


class _Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by {__file__})",
                                      name=name)
        return None


sys.meta_path.insert(0, _Absent())

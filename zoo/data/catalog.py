"""What each dataset is: the `DatasetInfo` record and one catalog entry per built-in dataset.

This module imports neither TensorFlow nor Keras, so listing and describing datasets is instant.
"""
from __future__ import annotations

import dataclasses

from zoo import validation
from zoo.errors import UnknownNameError

DOMAINS = ("image", "text", "series")
TASKS = ("multiclass", "binary")
# Prefixes that name a folder instead of a built-in dataset: "ucr:/path/to/FordA".
FOLDER_KINDS = {"ucr": "series", "images": "image", "text": "text"}
DEFAULT_SEQUENCE_LENGTH = 200
DEFAULT_VOCAB_SIZE = 20000


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """Description of a dataset. `splits` holds the sizes of the full source splits."""
    name: str
    domain: str
    task: str
    num_classes: int
    class_names: tuple
    input_shape: tuple
    splits: dict
    source: str
    notes: str = ""

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["class_names"] = list(self.class_names)
        out["input_shape"] = list(self.input_shape)
        return out


@dataclasses.dataclass(frozen=True)
class Entry:
    """A built-in dataset: its record and what its sub-folder of the data folder holds."""
    info: DatasetInfo
    folder: str
    files: tuple
    online: str  # the online source in words; "" when there is none


IDX_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
DIGITS = tuple(str(d) for d in range(10))
FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot")
CIFAR10 = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
UCR_URL = "https://raw.githubusercontent.com/hfawaz/cd-diagram/master/FordA/"


def _entry(name, domain, classes, shape, splits, folder, files, online, notes=""):
    source = f"data folder: <data_dir>/{folder}/ ({', '.join(files)})"
    source += f"; online: {online}" if online else "; no online source"
    task = "binary" if len(classes) == 2 else "multiclass"
    info = DatasetInfo(name=name, domain=domain, task=task,
                       num_classes=len(classes), class_names=tuple(classes), input_shape=shape,
                       splits=splits, source=source, notes=notes)
    return Entry(info=info, folder=folder, files=tuple(files), online=online)


BUILTIN = {e.info.name: e for e in (
    _entry("mnist", "image", DIGITS, (28, 28, 1), {"train": 60000, "test": 10000}, "mnist",
           IDX_FILES, "tensorflow-datasets 'mnist'",
           "Handwritten digits. The folder's IDX files are checked against the canonical content."),
    _entry("fashion_mnist", "image", FASHION, (28, 28, 1), {"train": 60000, "test": 10000},
           "fashion_mnist", IDX_FILES, "tensorflow-datasets 'fashion_mnist'",
           "Zalando clothing images."),
    _entry("cifar10", "image", CIFAR10, (32, 32, 3), {"train": 50000, "test": 10000}, "cifar10",
           ("cifar10_jpeg_q75.tar.gz",), "tensorflow-datasets 'cifar10'",
           "The data-folder copy is a JPEG (quality 75) re-encoding: accuracies land close to, "
           "not exactly on, published figures."),
    _entry("imdb", "text", ("neg", "pos"), (DEFAULT_SEQUENCE_LENGTH,),
           {"train": 25000, "test": 25000}, "imdb", ("aclImdb_v1_labelled.tar.gz",),
           "tensorflow-datasets 'imdb_reviews'",
           "Raw movie reviews, turned into token ids by a TextVectorization layer adapted on the "
           "training split (options vocab_size, sequence_length)."),
    _entry("forda", "series", ("-1", "1"), (500, 1), {"train": 3601, "test": 1320}, "forda",
           ("FordA_TRAIN.tsv.gz", "FordA_TEST.tsv.gz"), UCR_URL,
           "UCR archive engine-noise series; labels -1/1 become class ids 0/1."),
    _entry("cats_vs_dogs", "image", ("cats", "dogs"), (180, 180, 3),
           {"train": 2000, "validation": 1000, "test": 1000}, "cats_vs_dogs_small",
           ("cats_vs_dogs_small_180px.tar.gz",), "",
           "A 4000-image subset of Kaggle Dogs vs. Cats with its own validation folder."),
)}


def list_datasets() -> list[str]:
    """Sorted names of the built-in datasets (folders load as 'ucr:PATH', 'images:PATH' and
    'text:PATH')."""
    return sorted(BUILTIN)


def folder_kind(name: str) -> tuple[str, str] | None:
    """('ucr'|'images'|'text', path) for a folder name such as 'images:/data/pets', else None."""
    prefix, sep, path = str(name).partition(":")
    if sep and prefix in FOLDER_KINDS and path:
        return prefix, path
    return None


def entry(name: str) -> Entry:
    try:
        validation.known_name("dataset", name, BUILTIN)
    except UnknownNameError as err:
        raise UnknownNameError(
            f"{err} Folders load as 'ucr:PATH', 'images:PATH' or 'text:PATH'.") from None
    return BUILTIN[name]

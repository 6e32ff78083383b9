"""The zoo's datasets: train/validation/test pipelines, descriptions, augmentation presets.

    import zoo.data
    zoo.data.list_datasets()                 # names, instantly (no TensorFlow import)
    zoo.data.describe("mnist")               # classes, input shape, split sizes
    splits = zoo.data.load("mnist", augment="standard", subset=1000)
    model.fit(splits.train, validation_data=splits.validation)

Data come from the data folder (`data_dir=` or env ZOO_DATA_DIR, laid out like ../shared/data),
else from the standard online source; unpacked and decoded files are cached in ZOO_CACHE_DIR
(default ~/.cache/zoo). Folders load as 'ucr:PATH', 'images:PATH' and 'text:PATH'.
"""
from __future__ import annotations

from zoo.data.augment import augmentation, augmentation_presets
from zoo.data.catalog import DatasetInfo, list_datasets
from zoo.data.fit import check_fits
from zoo.data.splits import Splits

__all__ = ["DatasetInfo", "Splits", "augmentation", "augmentation_presets", "check_fits",
           "describe", "from_arrays", "image_folder", "list_datasets", "load", "text_folder", "ucr"]


def describe(name: str, data_dir=None) -> DatasetInfo:
    """The record of a dataset: classes, input shape, split sizes, source. Folders are described
    from their file listing, built-in names from the catalog (no TensorFlow import)."""
    from zoo.data import datasets
    return datasets.describe(name, data_dir)


def load(name: str, *, data_dir=None, batch_size: int = 128, validation_fraction: float = 0.1,
         subset: int | None = None, seed: int = 0, augment=None, image_size=None,
         cache: bool = True, shuffle_buffer: int | None = None, **dataset_options) -> Splits:
    """Batched, prefetched `tf.data.Dataset`s of (inputs, labels) for train, validation and test.

    Images are float32 in [0, 1] of shape (H, W, C), series float32 (length, channels), text int32
    token ids (sequence_length,); labels are int32 class ids. The validation split is the source's
    own when it has one (cats_vs_dogs), else `validation_fraction` of the training examples, chosen
    by `seed` (0 gives no validation split). `subset` caps every split (quick runs). `augment` (a
    preset name of `augmentation_presets(name)` or a list of keras layers) acts on training
    batches only. `cache=False` ignores the decoded copies in ZOO_CACHE_DIR. Text datasets take
    `vocab_size` (20000) and `sequence_length` (200); the adapted layer is `.vectorizer`.
    """
    from zoo.data import loading
    return loading.load(name, data_dir=data_dir, batch_size=batch_size,
                        validation_fraction=validation_fraction, subset=subset, seed=seed,
                        augment=augment, image_size=image_size, cache=cache,
                        shuffle_buffer=shuffle_buffer, **dataset_options)


def ucr(folder_or_name: str, **options) -> Splits:
    """Any UCR-archive dataset: a folder of <Name>_TRAIN.tsv[.gz] and <Name>_TEST.tsv[.gz]
    (a path, or a sub-folder of the data folder), or 'FOLDER/NAME' to pick dataset NAME in a
    folder that holds the files of several. Labels may be numbers or words (sorted into class
    ids); NaN padding at the end of a shorter series reads as 0, other missing values are
    refused."""
    return load(f"ucr:{folder_or_name}", **options)


def image_folder(folder: str, **options) -> Splits:
    """Any image folder laid out as <split>/<class>/*.jpg|png, splits train, test, [validation]."""
    return load(f"images:{folder}", **options)


def text_folder(folder: str, **options) -> Splits:
    """Any text folder laid out as <split>/<class>/*.txt, splits train, test, [validation]."""
    return load(f"text:{folder}", **options)


def from_arrays(train, test, validation=None, **options) -> Splits:
    """Splits of numpy (inputs, labels) pairs, fed without tf.data (zoo.data.arrays): for
    `zoo.train(NAME, data=...)` on arrays you hold, or on a machine without TensorFlow."""
    from zoo.data.arrays import from_arrays as make
    return make(train, test, validation, **options)

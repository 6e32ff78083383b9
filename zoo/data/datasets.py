"""One reader per dataset: find its files (data folder first, then online), read them into numpy
arrays of the full source splits, and describe what was read.

MNIST and Fashion-MNIST from a data folder are read as IDX files with numpy rather than through
tensorflow-datasets: it takes a second instead of a 15-second `download_and_prepare`, and it works
for the MNIST copy whose files are re-gzipped (TFDS checks the sha256 of the .gz files and rejects
them). The check is kept, one level down: the *decompressed* bytes must match the canonical content.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from zoo.data import cache, catalog, folders, progress, readers, sources
from zoo.data.catalog import DatasetInfo
from zoo.errors import DataError

# sha256 of the decompressed IDX files: the canonical upstream content (their md5s equal the
# published ones of yann.lecun.com's MNIST and of zalandoresearch/fashion-mnist), computed from
# ../shared/data. Checked only for these two built-in names.
IDX_SHA256 = {
    "mnist": {
        "train-images-idx3-ubyte":
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte":
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte":
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte":
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    "fashion_mnist": {
        "train-images-idx3-ubyte":
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte":
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte":
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte":
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
}
# tensorflow-datasets name, and the URL its download starts from (to fail fast when offline).
TFDS = {
    "mnist": ("mnist", "https://storage.googleapis.com/cvdf-datasets/mnist/"),
    "fashion_mnist": ("fashion_mnist",
                      "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
    "cifar10": ("cifar10", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
    "imdb": ("imdb_reviews", "http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"),
}
NO_ONLINE_COPY = {
    "cats_vs_dogs": "none: no small online copy of this exact 2000/1000/1000 subset exists "
                    "(tensorflow-datasets 'cats_vs_dogs' is the full 23,262-image set)",
}


@dataclasses.dataclass
class Raw:
    """The full source splits as numpy arrays: split -> (inputs, labels)."""
    info: DatasetInfo
    arrays: dict


def read(name: str, *, data_dir=None, image_size=None, cache_decoded=True) -> Raw:
    """The full source splits of a dataset; `info.splits` holds the sizes actually read."""
    kind = catalog.folder_kind(name)
    if kind is None:
        raw = BUILTIN_READERS[name](catalog.entry(name), data_dir=data_dir, image_size=image_size,
                                    cache_decoded=cache_decoded)
    elif kind[0] == "ucr":
        raw = _ucr_folder(name, *ucr_location(kind[1], data_dir))
    else:
        raw = _folder(name, kind[0], folder_path(kind[1], data_dir), image_size)
    sizes = {split: len(labels) for split, (_, labels) in raw.arrays.items()}
    return Raw(dataclasses.replace(raw.info, splits=sizes), raw.arrays)


def describe(name: str, data_dir=None) -> DatasetInfo:
    """The record of a dataset; folders are described from their file listing."""
    kind = catalog.folder_kind(name)
    if kind is None:
        return catalog.entry(name).info
    if kind[0] == "ucr":
        return _ucr_folder(name, *ucr_location(kind[1], data_dir)).info
    return folder_info(name, kind[0], folders.split_root(folder_path(kind[1], data_dir)))


def folder_path(path: str, data_dir=None) -> Path:
    """A folder given as is, or relative to the data folder ('ucr:FordA' finds its forda/)."""
    candidate = Path(path).expanduser()
    if candidate.is_dir():
        return candidate
    root, given = sources.data_root(data_dir)
    for name in (path, path.lower()):
        if root is not None and (root / name).is_dir():
            return root / name
    where = f" nor in {root} (from {given})" if root is not None else ""
    raise DataError(f"Folder {path!r} was not found as given{where}. {sources.PROVIDE}, or give "
                    "the folder's full path.")


def ucr_location(path: str, data_dir=None) -> tuple[Path, str | None]:
    """The folder of 'ucr:PATH' and the UCR dataset to read in it: PATH is a folder (read its only
    dataset), or FOLDER/NAME where FOLDER holds NAME_TRAIN.tsv[.gz] and NAME_TEST.tsv[.gz]."""
    try:
        return folder_path(path, data_dir), None
    except DataError as not_a_folder:
        parent, name = Path(path).parent, Path(path).name
        try:
            folder = folder_path(str(parent), data_dir) if len(Path(path).parts) > 1 else None
        except DataError:
            folder = None
        if folder is None or not readers.ucr_names(folder):
            raise not_a_folder from None
        return folder, name


def _layout(entry) -> str:
    return f"{entry.folder}/ holding {', '.join(entry.files)}"


def _online(entry, looked: str, fetch):
    name = entry.info.name
    if name in NO_ONLINE_COPY:
        raise sources.not_found(name, looked, "", NO_ONLINE_COPY[name], _layout(entry))
    if sources.offline():
        raise sources.not_found(name, looked, entry.online, "not tried: ZOO_OFFLINE is set",
                                _layout(entry))
    try:
        return fetch()
    except DataError:
        raise
    except Exception as err:  # network and TFDS failures come in many types; all mean "not there"
        raise sources.not_found(name, looked, entry.online, f"failed: {err}",
                                _layout(entry)) from err


def _tfds_arrays(entry):
    arrays = sources.tfds_arrays(*TFDS[entry.info.name])
    return {split: (x, y.astype(np.int32)) for split, (x, y) in arrays.items()}


def _required(folder: Path, filename: str) -> Path:
    """`filename` in `folder`, also accepted uncompressed."""
    for candidate in (folder / filename, folder / filename.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    raise DataError(f"{folder} lacks {filename}: the dataset is incomplete. Add the file.")


def _idx(entry, *, data_dir, **_):
    folder, looked = sources.find_folder(entry.folder, data_dir)
    if folder is None:
        return Raw(entry.info, _online(entry, looked, lambda: _tfds_arrays(entry)))
    paths = [_required(folder, f) for f in entry.files]
    pair = dict(num_classes=entry.info.num_classes, sha256=IDX_SHA256[entry.info.name])
    arrays = {"train": readers.read_idx_pair(paths[0], paths[1], **pair),
              "test": readers.read_idx_pair(paths[2], paths[3], **pair)}
    return Raw(entry.info, arrays)


def _dataset_root(folder: Path, entry) -> tuple[Path, Path | None]:
    """The split root of the dataset's tarball, unpacked in the cache (also returned), or of an
    already unpacked copy in the data folder."""
    tarball = folder / entry.files[0]
    if tarball.is_file():
        unpacked = sources.unpacked(tarball, entry.info.name)
        return folders.split_root(unpacked), unpacked
    try:
        return folders.split_root(folder), None
    except DataError:
        raise DataError(f"{folder} lacks {entry.files[0]}: the dataset is incomplete. "
                        "Add the file.") from None


def _image_tarball(entry, *, data_dir, image_size, cache_decoded):
    folder, looked = sources.find_folder(entry.folder, data_dir)
    if folder is None:
        return Raw(entry.info, _online(entry, looked, lambda: _tfds_arrays(entry)))
    root, unpacked = _dataset_root(folder, entry)
    shape = tuple(image_size or entry.info.input_shape[:2]) + entry.info.input_shape[2:]
    _, sizes = folders.layout(root, class_names=entry.info.class_names)
    info = dataclasses.replace(entry.info, input_shape=shape, splits=sizes)
    if unpacked is not None and cache_decoded:
        return Raw(info, _decoded_cached(root, unpacked, info))
    return Raw(info, _decode(root, info))


def _decode(root: Path, info, on_batch=None) -> dict:
    """Every split's images, decoded and resized; `on_batch(count)` follows the progress."""
    return {split: folders.read_images(root / split, info.class_names, info.input_shape[:2],
                                       info.input_shape[2], on_batch)
            for split in info.splits}


def _decode_reporting(root: Path, info, target: Path) -> dict:
    """`_decode`, with a few progress lines on stderr: the first decoding of a large tarball is
    slow (CIFAR-10: 60,000 JPEGs, about half a minute)."""
    total = sum(info.splits.values())
    sizes = ", ".join(f"{split} {size}" for split, size in info.splits.items())
    first = f"Decoding {total} {info.name} images ({sizes}) into {target} (once)"
    counter = progress.Counter(f"Decoding {info.name} images", total, first=first)
    return _decode(root, info, counter.add)


def _decoded_cached(root: Path, unpacked: Path, info) -> dict:
    """Decoded images as .npy beside the unpacked tarball: later loads skip the JPEG decoding."""
    target = unpacked.with_name(f"{unpacked.name}-decoded-{'x'.join(map(str, info.input_shape))}")
    if not cache.is_complete(target):
        arrays = _decode_reporting(root, info, target)
        with cache.building(target) as tmp:
            for split, (x, y) in arrays.items():
                np.save(tmp / f"{split}_x.npy", x)
                np.save(tmp / f"{split}_y.npy", y)
        return arrays
    return {split: (np.load(target / f"{split}_x.npy"), np.load(target / f"{split}_y.npy"))
            for split in info.splits}


def _imdb(entry, *, data_dir, **_):
    folder, looked = sources.find_folder(entry.folder, data_dir)
    if folder is None:
        return Raw(entry.info, _online(entry, looked, lambda: _tfds_arrays(entry)))
    root, _ = _dataset_root(folder, entry)
    # Explicit classes: the upstream tarball also has train/unsup, the unlabelled reviews.
    classes = entry.info.class_names
    arrays = {split: folders.read_texts(root / split, classes) for split in ("train", "test")}
    return Raw(entry.info, arrays)


def _forda(entry, *, data_dir, **_):
    folder, looked = sources.find_folder(entry.folder, data_dir)
    if folder is None:
        def fetch():
            paths = [sources.fetch_url(catalog.UCR_URL, f"FordA_{split}.tsv", "ucr/FordA")
                     for split in ("TRAIN", "TEST")]
            return paths[0].parent
        folder = _online(entry, looked, fetch)
    return Raw(entry.info, _ucr_folder(entry.info.name, folder, "FordA").arrays)


def _ucr_folder(name: str, folder: Path, ucr_name: str | None = None) -> Raw:
    """The UCR dataset `ucr_name` of `folder` (by default its only one)."""
    ucr_name, train_path, test_path = readers.ucr_files(folder, ucr_name)
    x_train, train_labels = readers.read_ucr(train_path)
    x_test, test_labels = readers.read_ucr(test_path)
    if x_train.shape[1:] != x_test.shape[1:]:
        raise DataError(f"{train_path} has series of length {x_train.shape[1]} but {test_path} "
                        f"of length {x_test.shape[1]}.")
    classes, y_train, y_test = readers.class_ids(train_labels, test_labels, test_path)
    info = DatasetInfo(
        name=name, domain="series", task="binary" if len(classes) == 2 else "multiclass",
        num_classes=len(classes), class_names=classes, input_shape=x_train.shape[1:],
        splits={"train": len(x_train), "test": len(x_test)},
        source=f"UCR archive files {train_path} and {test_path}",
        notes=f"UCR dataset {ucr_name}; raw labels {', '.join(classes)} become class ids "
              f"0..{len(classes) - 1}.")
    return Raw(info, {"train": (x_train, y_train), "test": (x_test, y_test)})


def folder_info(name: str, kind: str, root: Path, image_size=None,
                sequence_length=catalog.DEFAULT_SEQUENCE_LENGTH) -> DatasetInfo:
    extensions = folders.IMAGE_EXTENSIONS if kind == "images" else folders.TEXT_EXTENSIONS
    class_names, sizes = folders.layout(root, extensions)
    if kind == "images":
        height, width, channels = folders.first_image_shape(root, class_names)
        shape = tuple(image_size or (height, width)) + (channels,)
    else:
        shape = (sequence_length,)
    return DatasetInfo(
        name=name, domain="image" if kind == "images" else "text",
        task="binary" if len(class_names) == 2 else "multiclass", num_classes=len(class_names),
        class_names=class_names, input_shape=shape, splits=sizes, source=f"folder {root}",
        notes="Classes are the sub-folders of train/, in sorted order."
              + (" Images are resized to the first training image's size unless image_size= "
                 "is given." if kind == "images" else ""))


def _folder(name: str, kind: str, root: Path, image_size) -> Raw:
    root = folders.split_root(root)
    info = folder_info(name, kind, root, image_size)
    if kind == "images":
        return Raw(info, _decode(root, info))
    return Raw(info, {split: folders.read_texts(root / split, info.class_names)
                      for split in info.splits})


def _toy(entry, **_):
    from zoo.data import toys
    return Raw(entry.info, toys.arrays(entry.info.name.removeprefix("toy_")))


BUILTIN_READERS = {"mnist": _idx, "fashion_mnist": _idx, "cifar10": _image_tarball,
                   "cats_vs_dogs": _image_tarball, "imdb": _imdb, "forda": _forda,
                   **{name: _toy for name in ("toy_blobs", "toy_xor", "toy_rings", "toy_spirals")}}

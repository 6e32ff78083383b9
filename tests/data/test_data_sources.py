"""Where data come from: the data folder, the cache (atomic unpacking), the online sources (tested
offline: the download functions are replaced), and the error when a dataset is nowhere."""
import tarfile

import numpy as np
import pytest

import zoo.data
from zoo.data import cache, catalog, datasets, sources
from zoo.errors import DataError


def make_tarball(path, tmp_path, writers, top="cifar10_jpeg"):
    for split, count in (("train", 3), ("test", 2)):
        for i, cls in enumerate(catalog.CIFAR10):
            writers.images(tmp_path / "src" / top / split / cls, count, size=(32, 32), seed=i)
    with tarfile.open(path, "w:gz") as archive:
        archive.add(tmp_path / "src" / top, arcname=top)
    return path


@pytest.fixture
def cifar_folder(tmp_path, writers):
    folder = tmp_path / "data" / "cifar10"
    folder.mkdir(parents=True)
    make_tarball(folder / "cifar10_jpeg_q75.tar.gz", tmp_path, writers)
    return folder


def test_unpack_once_and_reuse(cifar_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    tarball = cifar_folder / "cifar10_jpeg_q75.tar.gz"
    target = sources.unpacked(tarball, "cifar10")
    assert cache.is_complete(target) and (target / "cifar10_jpeg" / "train" / "cat").is_dir()
    assert tmp_path / "cache" in target.parents and cifar_folder not in target.parents
    (target / "sentinel").write_text("reused")
    assert (sources.unpacked(tarball, "cifar10") / "sentinel").is_file()


def test_interrupted_unpack_leaves_no_folder_taken_as_complete(cifar_folder, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    tarball = cifar_folder / "cifar10_jpeg_q75.tar.gz"

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(tarfile.TarFile, "extractall", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sources.unpacked(tarball, "cifar10")
    assert list((tmp_path / "cache" / "cifar10").iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    assert cache.is_complete(sources.unpacked(tarball, "cifar10"))


def test_a_half_folder_from_an_older_writer_is_replaced(cifar_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    tarball = cifar_folder / "cifar10_jpeg_q75.tar.gz"
    half = tmp_path / "cache" / "cifar10" / cache.file_digest(tarball)
    (half / "cifar10_jpeg").mkdir(parents=True)
    target = sources.unpacked(tarball, "cifar10")
    assert target == half and (target / "cifar10_jpeg" / "test").is_dir()


def test_truncated_tarball_names_the_file(cifar_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    tarball = cifar_folder / "cifar10_jpeg_q75.tar.gz"
    tarball.write_bytes(tarball.read_bytes()[:3000])
    with pytest.raises(DataError, match="cifar10_jpeg_q75.tar.gz.*truncated or corrupt"):
        zoo.data.load("cifar10", data_dir=cifar_folder.parent)
    assert not any(cache.is_complete(p) for p in (tmp_path / "cache" / "cifar10").iterdir())


def test_image_tarball_is_decoded_once_into_the_cache(cifar_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    first = zoo.data.load("cifar10", data_dir=cifar_folder.parent, validation_fraction=0.2)
    assert first.sizes == {"train": 24, "validation": 6, "test": 20}
    decoded = [p for p in (tmp_path / "cache" / "cifar10").iterdir() if "decoded" in p.name]
    assert len(decoded) == 1 and cache.is_complete(decoded[0])
    monkeypatch.setattr(datasets, "_decode", lambda *a: pytest.fail("decoded again"))
    again = zoo.data.load("cifar10", data_dir=cifar_folder.parent, validation_fraction=0.2)
    for a, b in zip(first.test, again.test):
        np.testing.assert_array_equal(a[0], b[0])


def test_corrupt_image_names_the_file(tmp_path, image_folder):
    bad = image_folder / "train" / "b" / "003.png"
    bad.write_bytes(bad.read_bytes()[:60])
    with pytest.raises(DataError, match="003.png.*truncated or corrupt"):
        zoo.data.load(f"images:{image_folder}")


def test_not_found_names_dataset_places_and_remedy(tmp_path):
    with pytest.raises(DataError) as err:
        zoo.data.load("fashion_mnist", data_dir=tmp_path)
    message = str(err.value)
    assert "'fashion_mnist'" in message and str(tmp_path / "fashion_mnist") in message
    assert "ZOO_DATA_DIR" in message and "data_dir=" in message
    assert "train-images-idx3-ubyte.gz" in message and "ZOO_OFFLINE" in message


def test_not_found_without_any_data_folder():
    with pytest.raises(DataError, match="no data folder.*ZOO_DATA_DIR not set"):
        zoo.data.load("forda")


def test_environment_variable_is_a_data_folder(monkeypatch, idx_folder):
    monkeypatch.setenv("ZOO_DATA_DIR", str(idx_folder.parent))
    with pytest.raises(DataError, match="differs from the canonical"):  # found, then checked
        zoo.data.load("mnist")


def test_cats_vs_dogs_has_no_online_copy(monkeypatch, tmp_path):
    monkeypatch.delenv("ZOO_OFFLINE")
    with pytest.raises(DataError, match="no small online copy"):
        zoo.data.load("cats_vs_dogs", data_dir=tmp_path)


@pytest.fixture
def online(monkeypatch, tmp_path):
    """Network allowed, but every reachability check is recorded and succeeds; a fresh cache."""
    monkeypatch.delenv("ZOO_OFFLINE")
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    probed = []
    monkeypatch.setattr(sources, "check_reachable", probed.append)
    return probed


def test_online_tfds_route(online, tmp_path):
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=30):
        splits = zoo.data.load("mnist", data_dir=tmp_path, batch_size=8)
    assert online == [datasets.TFDS["mnist"][1]]
    assert splits.sizes == {"train": 27, "validation": 3, "test": 30}
    x, y = next(iter(splits.train))
    assert x.shape == (8, 28, 28, 1) and x.dtype.name == "float32" and y.dtype.name == "int32"


def test_online_tfds_text_route(online):
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=40):
        splits = zoo.data.load("imdb", batch_size=4, sequence_length=16, vocab_size=50)
    assert online == [datasets.TFDS["imdb"][1]]
    x, _ = next(iter(splits.test))
    assert x.shape == (4, 16) and splits.vectorizer.vocabulary_size() <= 50


def test_online_failure_is_a_data_error(monkeypatch, tmp_path):
    monkeypatch.delenv("ZOO_OFFLINE")

    def unreachable(url):
        raise ConnectionError("cannot reach storage.googleapis.com")

    monkeypatch.setattr(sources, "check_reachable", unreachable)
    with pytest.raises(DataError, match="failed: cannot reach storage.googleapis.com"):
        zoo.data.load("mnist", data_dir=tmp_path)


def test_online_ucr_route_downloads_the_keras_io_files(online, monkeypatch, writers):
    fetched = []

    def fake_download(url, dest):
        fetched.append(url)
        dest.parent.mkdir(parents=True, exist_ok=True)
        writers.ucr(dest, [-1, 1] * 10, 500)
        return dest

    monkeypatch.setattr(sources, "download", fake_download)
    splits = zoo.data.load("forda", subset=8)
    base = "https://raw.githubusercontent.com/hfawaz/cd-diagram/master/FordA/"
    assert fetched == [base + "FordA_TRAIN.tsv", base + "FordA_TEST.tsv"]
    assert splits.info.input_shape == (500, 1) and splits.sizes["train"] == 8
    zoo.data.load("forda", subset=8)  # cached: no second download
    assert len(fetched) == 2


def test_first_preparation_reports_progress_once(cifar_folder, tmp_path, monkeypatch, capsys):
    """Unpacking and decoding print a few lines to stderr the first time, nothing afterwards."""
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    zoo.data.load("cifar10", data_dir=cifar_folder.parent)
    lines = [line for line in capsys.readouterr().err.splitlines() if "cifar10" in line]
    assert lines[0].startswith("Unpacking cifar10_jpeg_q75.tar.gz into ")
    assert str(tmp_path / "cache") in lines[0] and "(once)" in lines[0]
    assert lines[1].startswith("Decoding 50 cifar10 images (train 30, test 20)")
    assert lines[-1].endswith("50/50") and len(lines) <= 6
    zoo.data.load("cifar10", data_dir=cifar_folder.parent)
    again = capsys.readouterr().err
    assert "Unpacking" not in again and "Decoding" not in again


def test_progress_lines_are_few_for_many_items(capsys):
    from zoo.data import progress

    counter = progress.Counter("Decoding 50000 train images", 50000)
    for _ in range(48):
        counter.add(1024)
    counter.add(50000 - 48 * 1024)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "Decoding 50000 train images ... 0/50000"
    assert lines[-1] == "Decoding 50000 train images ... 50000/50000" and len(lines) == 5

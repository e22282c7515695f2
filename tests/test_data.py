"""The data layer on small fixture archives built here in the real formats (downloads patched)."""

from __future__ import annotations

import hashlib
import io
import pickle
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from course_utils import data
from course_utils.data import cifar10, folders, mnist


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def _jpeg(colour: tuple[int, int, int], size: int = 24) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buf, format="JPEG")
    return buf.getvalue()


def _add(tf: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    tf.addfile(info, io.BytesIO(payload))


@pytest.fixture
def mnist_npz(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
             y_train=np.arange(30) % 10, x_test=rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
             y_test=np.arange(10))
    return path


@pytest.fixture
def cifar_archive(tmp_path):
    """A miniature cifar-10-python.tar.gz: 5 training batches and a test batch of 4 images."""
    path = tmp_path / "cifar-10-python.tar.gz"
    rng = np.random.default_rng(1)
    with tarfile.open(path, "w:gz") as tf:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            batch = {b"data": rng.integers(0, 256, (4, 3072), dtype=np.uint8),
                     b"labels": [0, 1, 2, 3]}
            _add(tf, f"cifar-10-batches-py/{name}", pickle.dumps(batch))
    return path


@pytest.fixture
def flowers_archive(tmp_path):
    """A 17flowers.tgz in the real layout (jpg/image_0001.jpg ...), 2 classes x 80 images."""
    path = tmp_path / "17flowers.tgz"
    with tarfile.open(path, "w:gz") as tf:
        for i in range(160):
            colour = (200, 40, 40) if i < 80 else (40, 40, 200)
            _add(tf, f"jpg/image_{i + 1:04d}.jpg", _jpeg(colour))
        _add(tf, "jpg/files.txt", b"image_0001.jpg\n")
    return path


@pytest.fixture
def cats_dogs_zip(tmp_path):
    path = tmp_path / "cats_and_dogs_filtered.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part, n in (("train", 10), ("validation", 4)):
            for cls, colour in (("cats", (250, 250, 250)), ("dogs", (10, 10, 10))):
                for i in range(n):
                    zf.writestr(f"cats_and_dogs_filtered/{part}/{cls}/{cls[:-1]}.{part}{i}.jpg",
                                _jpeg(colour))
    return path


# --- checksums and downloads ---------------------------------------------------------------

def test_verify_file_accepts_sha256_and_md5(mnist_npz):
    data.verify_file(mnist_npz, sha256(mnist_npz))
    data.verify_file(mnist_npz, md5(mnist_npz))


def test_verify_file_names_the_file_and_the_fix(mnist_npz):
    with pytest.raises(data.DatasetError, match="mnist.npz.*corrupt or partial.*Delete the file"):
        data.verify_file(mnist_npz, "0" * 64)
    with pytest.raises(data.DatasetError, match="missing"):
        data.verify_file(mnist_npz.with_name("nope.npz"), None)


def test_download_offline_without_cache_says_how_to_fix(keras_home, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(data.OfflineError, match="COURSE_OFFLINE=1"):
        data.download("mnist.npz", data.MNIST_URL, data.MNIST_SHA256)


def test_download_retries_once_and_leaves_no_partial_file(keras_home, monkeypatch, mnist_npz):
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    calls = []

    def fake_get_file(fname, origin, cache_dir, cache_subdir):
        calls.append(origin)
        target = Path(cache_dir) / cache_subdir / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"truncated")  # a partial download: wrong checksum
        return str(target)

    monkeypatch.setattr("keras.utils.get_file", fake_get_file)
    with pytest.raises(data.DatasetError, match="Could not download a valid mnist.npz"):
        data.download("mnist.npz", data.MNIST_URL, sha256(mnist_npz))
    assert len(calls) == 2, "one try plus one retry"
    assert not (keras_home / "datasets" / "mnist.npz").exists(), "partial file left in the cache"


def test_unreachable_network_falls_back_to_the_stand_in(keras_home, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "0")

    def no_network(*args, **kwargs):
        raise Exception("URL fetch failure: Name or service not known")

    monkeypatch.setattr("keras.utils.get_file", no_network)
    with pytest.raises(data.OfflineError, match="network seems unreachable"):
        data.download("mnist.npz", data.MNIST_URL, data.MNIST_SHA256)
    d = data.load_mnist()
    assert d.provenance.kind == "stand-in"
    assert "stand-in" in capsys.readouterr().out


def test_download_uses_verified_cache(keras_home, monkeypatch, mnist_npz):
    cached = data.cache_dir() / "mnist.npz"
    cached.write_bytes(mnist_npz.read_bytes())
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert data.download("mnist.npz", "unused", sha256(mnist_npz)) == cached


# --- safe extraction -------------------------------------------------------------------------

@pytest.mark.parametrize("member", ["../evil.txt", "/abs/evil.txt", "a/../../evil.txt"])
def test_tar_members_escaping_the_target_are_refused(tmp_path, member):
    path = tmp_path / "bad.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        _add(tf, member, b"x")
    with pytest.raises(data.DatasetError, match="escape"):
        data.safe_extract(path, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


def test_tar_symlinks_are_refused(tmp_path):
    path = tmp_path / "link.tar"
    with tarfile.open(path, "w") as tf:
        info = tarfile.TarInfo("link")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tf.addfile(info)
    with pytest.raises(data.DatasetError, match="link"):
        data.safe_extract(path, tmp_path / "out")


def test_zip_members_escaping_the_target_are_refused(tmp_path):
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../evil.txt", "x")
    with pytest.raises(data.DatasetError, match="escape"):
        data.safe_extract(path, tmp_path / "out")


def test_not_an_archive_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.tgz"
    path.write_bytes(b"not an archive")
    with pytest.raises(data.DatasetError, match="junk.tgz.*not a readable"):
        data.safe_extract(path, tmp_path / "out")


# --- parsers -------------------------------------------------------------------------------

def test_read_mnist_npz(mnist_npz):
    xtr, ytr, xte, yte = data.read_mnist_npz(mnist_npz)
    assert xtr.shape == (30, 28, 28) and xte.shape == (10, 28, 28)
    assert list(yte) == list(range(10))


def test_read_mnist_npz_rejects_other_files(tmp_path):
    bad = tmp_path / "mnist.npz"
    np.savez(bad, something=np.zeros(3))
    with pytest.raises(data.DatasetError, match="not a valid MNIST"):
        data.read_mnist_npz(bad)


def test_load_mnist_real_path_with_patched_download(monkeypatch, mnist_npz):
    monkeypatch.setattr(mnist, "download", lambda *a, **k: mnist_npz)
    d = data.load_mnist(offline=False, verbose=False)
    assert d.provenance.kind == "real" and d.x_train.shape == (30, 28, 28)


def test_read_cifar10_archive(cifar_archive):
    xtr, ytr, xte, yte = data.read_cifar10_archive(cifar_archive, sha256(cifar_archive))
    assert xtr.shape == (20, 32, 32, 3) and xtr.dtype == np.uint8
    assert xte.shape == (4, 32, 32, 3) and list(yte) == [0, 1, 2, 3]


def test_cifar_checksum_is_checked_before_unpickling(cifar_archive, monkeypatch):
    def forbidden(*a, **k):
        raise AssertionError("unpickled before the checksum was verified")

    monkeypatch.setattr(cifar10.pickle, "loads", forbidden)
    with pytest.raises(data.DatasetError, match="corrupt or partial"):
        data.read_cifar10_archive(cifar_archive, "f" * 64)


def test_load_cifar10_real_path_keeps_integer_labels(monkeypatch, cifar_archive):
    monkeypatch.setattr(cifar10, "download", lambda *a, **k: cifar_archive)
    monkeypatch.setattr(cifar10, "CIFAR10_SHA256", sha256(cifar_archive))
    monkeypatch.setattr(data.read_cifar10_archive, "__defaults__", (sha256(cifar_archive),))
    d = data.load_cifar10(offline=False, verbose=False)
    assert d.y_train.ndim == 1 and d.class_names[0] == "airplane"


def test_flowers17_real_layout(tf, keras_home, monkeypatch, flowers_archive):
    monkeypatch.setattr(folders, "download", lambda *a, **k: flowers_archive)
    monkeypatch.setattr(folders, "FLOWERS17_MD5", md5(flowers_archive))
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    splits = data.load_flowers17(image_size=16, batch_size=8, verbose=False)
    assert splits.class_names == ["daffodil", "snowdrop"]
    assert splits.counts == {"train": 112, "val": 24, "test": 24}
    for ds in (splits.train, splits.val, splits.test):
        labels = np.concatenate([y.numpy() for _, y in ds])
        assert set(labels) == {0, 1}, "every class in every split"
    images, _ = next(iter(splits.train))
    assert images.shape[1:] == (16, 16, 3)


def test_cats_dogs_real_layout(tf, keras_home, monkeypatch, cats_dogs_zip):
    monkeypatch.setattr(folders, "download", lambda *a, **k: cats_dogs_zip)
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    splits = data.load_cats_vs_dogs(image_size=16, batch_size=4, verbose=False)
    assert splits.class_names == ["cats", "dogs"]
    assert sum(splits.counts.values()) == 28
    assert splits.provenance.kind == "real"


def test_flowers_archive_with_wrong_layout_is_reported(tmp_path):
    (tmp_path / "jpg").mkdir()
    (tmp_path / "jpg" / "image_0001.jpg").write_bytes(_jpeg((1, 2, 3)))
    with pytest.raises(data.DatasetError, match="80 per class"):
        data.flowers17_files(tmp_path)


def test_image_folder_with_a_non_image_names_the_file(tmp_path):
    (tmp_path / "cls").mkdir()
    (tmp_path / "cls" / "ok.jpg").write_bytes(_jpeg((1, 2, 3)))
    (tmp_path / "cls" / "notes.txt").write_text("hello")
    with pytest.raises(data.DatasetError, match="notes.txt is not an image"):
        data.check_images(tmp_path)
    (tmp_path / "cls" / "notes.txt").unlink()
    (tmp_path / "cls" / "broken.jpg").write_bytes(b"\xff\xd8 truncated")
    with pytest.raises(data.DatasetError, match="broken.jpg is not a readable image"):
        data.check_images(tmp_path)


# --- splits and offline stand-ins ------------------------------------------------------------

def test_stratified_split_of_class_sorted_labels_has_every_class_everywhere():
    labels = np.repeat(np.arange(5), 20)  # sorted by class, like the Flowers archive
    parts = data.stratified_indices(labels, (0.7, 0.15, 0.15), seed=3)
    assert sorted(np.concatenate(parts).tolist()) == list(range(100)), "a partition"
    for part in parts:
        assert set(labels[part]) == set(range(5))


def test_stratified_split_depends_on_seed_only():
    labels = np.repeat(np.arange(3), 10)
    a = data.stratified_indices(labels, (0.5, 0.5), seed=1)
    b = data.stratified_indices(labels, (0.5, 0.5), seed=1)
    c = data.stratified_indices(labels, (0.5, 0.5), seed=2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0])


def test_train_val_split_rejects_bad_sizes():
    x, y = np.zeros((10, 2)), np.arange(10) % 2
    with pytest.raises(ValueError, match="val_size"):
        data.train_val_split(x, y, 10)


def test_mnist_standin_is_real_digits_split_by_class():
    d = data.load_mnist(offline=True, verbose=False)
    assert d.provenance.kind == "stand-in"
    assert d.x_train.shape == (4000, 28, 28) and d.x_test.shape == (1000, 28, 28)
    assert set(d.y_train) == set(d.y_test) == set(range(10))


def test_offline_loaders_announce_the_stand_in(capsys):
    data.load_mnist(offline=True)
    assert "stand-in" in capsys.readouterr().out


def test_cifar10_standin_is_balanced_and_small():
    d = data.load_cifar10(offline=True, standin_per_class=12, verbose=False)
    assert d.x_train.shape[1:] == (32, 32, 3) and d.x_train.dtype == np.uint8
    assert set(d.y_train) == set(d.y_test) == set(range(10))


def test_flowers17_standin_folders_every_class_in_every_split(tf, keras_home):
    splits = data.load_flowers17(image_size=32, batch_size=16, offline=True, standin_classes=4,
                                 standin_per_class=20, verbose=False)
    assert splits.provenance.kind == "stand-in" and len(splits.class_names) == 4
    for ds in (splits.train, splits.val, splits.test):
        labels = np.concatenate([y.numpy() for _, y in ds])
        assert set(labels) == set(range(4))
    sizes = {split: sum(len(y) for _, y in ds)
             for split, ds in (("train", splits.train), ("val", splits.val),
                               ("test", splits.test))}
    assert splits.counts == sizes and splits.num_classes == 4
    assert splits.summary() == (f"4 classes; images per split: train {sizes['train']}, "
                                f"val {sizes['val']}, test {sizes['test']}; "
                                "chance accuracy 0.250")


def test_across_classes_cycles_through_every_class():
    x = np.arange(40).reshape(40, 1)
    y = np.repeat(np.arange(4), 10)  # class-sorted, as an unshuffled pipeline would be
    images, labels = data.across_classes(x, y, n=8, seed=0)
    assert list(labels) == [0, 1, 2, 3, 0, 1, 2, 3]
    assert len(set(images[:, 0])) == 8 and all(y[images[:, 0]] == labels)
    again, _ = data.across_classes(x, y, n=8, seed=0)
    assert np.array_equal(images, again)


def test_across_classes_reads_a_batched_pipeline(tf):
    x = np.arange(12, dtype=np.float32).reshape(12, 1)
    y = np.array([0] * 9 + [1] * 3)
    pipeline = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    _, labels = data.across_classes(pipeline, n=6, seed=1)
    assert sorted(labels.tolist()) == [0, 0, 0, 1, 1, 1]


def test_standins_are_named_for_what_they_are(tf, keras_home):
    """Generated data never carries a real data set's name; the note says what it replaces."""
    cifar = data.load_cifar10(offline=True, standin_per_class=12, verbose=False)
    flowers = data.load_flowers17(image_size=32, batch_size=16, offline=True, standin_classes=4,
                                  standin_per_class=20, verbose=False)
    cats = data.load_cats_vs_dogs(image_size=32, offline=True, standin_per_class=10,
                                  verbose=False)
    for prov, real, k in ((cifar.provenance, "CIFAR-10", 10),
                          (flowers.provenance, "Oxford Flowers 17", 4),
                          (cats.provenance, "cats vs dogs", 2)):
        assert prov.name == data.standin_name(k) == f"Generated shapes ({k} classes)"
        assert real.lower() not in prov.name.lower() and real in prov.note

"""Fashion-MNIST on small fixture idx files in the real format (gzipped, big-endian header),
their decompressed sha256 patched into the loader's table; keras' download is patched, so
nothing touches the network. One test reads the real Debian files when they are installed."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from course_utils import data
from course_utils.data import fashion_mnist

NAMES = fashion_mnist.FASHION_MNIST_FILES


def idx_content(array: np.ndarray) -> bytes:
    """``array`` (uint8) in the idx format: magic 0x0000 08 <ndim>, big-endian dims, data."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    return header + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def write_idx(path: Path, array: np.ndarray, compress: bool = True) -> str:
    """Write ``array`` as an idx file (gzipped when ``compress``); return the sha256 of the
    decompressed bytes."""
    content = idx_content(array)
    path.write_bytes(gzip.compress(content) if compress else content)
    return hashlib.sha256(content).hexdigest()


def fixture_arrays(n_train: int = 20, n_test: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    return {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": (np.arange(n_train) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(n_test)[::-1] % 10).astype(np.uint8),
    }


def write_fixture(directory: Path, monkeypatch, arrays=None) -> dict[str, np.ndarray]:
    """The four gz idx files in ``directory``; their hashes replace the real ones."""
    arrays = fixture_arrays() if arrays is None else arrays
    directory.mkdir(parents=True, exist_ok=True)
    hashes = {name: write_idx(directory / f"{name}.gz", arrays[name]) for name in NAMES}
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_SHA256", hashes)
    return arrays


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    """Each test parses afresh (the loader keeps parsed arrays per process)."""
    monkeypatch.setattr(fashion_mnist, "_parsed", {})


@pytest.fixture
def no_local(tmp_path, monkeypatch):
    """Debian's folder absent: COURSE_FASHION_MNIST_DIR points at an empty folder."""
    empty = tmp_path / "no-debian"
    empty.mkdir()
    monkeypatch.setenv("COURSE_FASHION_MNIST_DIR", str(empty))
    return empty


# --- the idx reader ------------------------------------------------------------------------

@pytest.mark.parametrize("compress", [True, False])
def test_read_idx_parses_images_and_labels(tmp_path, compress):
    images = np.arange(2 * 28 * 28, dtype=np.uint32).reshape(2, 28, 28).astype(np.uint8)
    labels = np.array([3, 9], dtype=np.uint8)
    h_images = write_idx(tmp_path / "images", images, compress)
    h_labels = write_idx(tmp_path / "labels", labels, compress)
    got = data.read_idx(tmp_path / "images", h_images)
    assert got.dtype == np.uint8 and got.shape == (2, 28, 28)
    assert np.array_equal(got, images) and not got.flags.writeable
    assert np.array_equal(data.read_idx(tmp_path / "labels", h_labels), labels)
    assert np.array_equal(data.read_idx(tmp_path / "labels"), labels), "checksum optional"


def test_a_corrupted_byte_is_an_error_naming_the_file(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    content = bytearray(idx_content(labels))
    expected = hashlib.sha256(content).hexdigest()
    content[-1] ^= 0xFF  # one label changed; the file is still a valid idx file
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(bytes(content)))
    with pytest.raises(data.DatasetError, match=r"train-labels-idx1-ubyte\.gz is corrupt.*sha256"):
        data.read_idx(path, expected, fix="Reinstall it.")


def test_a_damaged_or_truncated_gzip_is_an_error_naming_the_file(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    raw = gzip.compress(idx_content(images))
    truncated = tmp_path / "t10k-images-idx3-ubyte.gz"
    truncated.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(data.DatasetError, match=r"t10k-images-idx3-ubyte\.gz is not a complete "
                                                r"gzip file.*Fix it"):
        data.read_idx(truncated, fix="Fix it.")
    damaged = tmp_path / "damaged.gz"
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0xFF
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(data.DatasetError, match="damaged.gz"):
        data.read_idx(damaged)


def test_a_wrong_magic_number_is_refused(tmp_path):
    path = tmp_path / "floats-idx1"
    content = bytearray(idx_content(np.zeros(4, dtype=np.uint8)))
    content[2] = 0x0D  # float data
    path.write_bytes(bytes(content))
    with pytest.raises(data.DatasetError, match=r"floats-idx1 is not an idx file.*0x00000d01"):
        data.read_idx(path)
    npz = tmp_path / "other.gz"
    npz.write_bytes(gzip.compress(b"PK\x03\x04 not idx at all"))
    with pytest.raises(data.DatasetError, match="magic number"):
        data.read_idx(npz)


def test_a_size_that_disagrees_with_the_header_is_refused(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(idx_content(np.zeros((3, 28, 28), dtype=np.uint8))[:-5])
    with pytest.raises(data.DatasetError, match=r"short holds .* header promises 2,352 "
                                                r"\(3 x 28 x 28\).*truncated"):
        data.read_idx(path)


# --- the loader ------------------------------------------------------------------------------

def test_the_folder_in_the_environment_variable_is_read(tmp_path, monkeypatch, capsys):
    arrays = write_fixture(tmp_path / "fmnist", monkeypatch)
    monkeypatch.setenv("COURSE_FASHION_MNIST_DIR", str(tmp_path / "fmnist"))
    d = data.load_fashion_mnist()  # offline (the tests' default): the local folder suffices
    assert d.x_train.shape == (20, 28, 28) and d.x_test.shape == (10, 28, 28)
    assert d.x_train.dtype == np.uint8 and d.y_train.dtype == d.y_test.dtype == np.int64
    assert np.array_equal(d.x_train, arrays["train-images-idx3-ubyte"])
    assert np.array_equal(d.y_test, arrays["t10k-labels-idx1-ubyte"])
    assert d.class_names == ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                             "Shirt", "Sneaker", "Bag", "Ankle boot"]
    prov = d.provenance
    assert (prov.name, prov.kind) == ("Fashion-MNIST", "real")
    assert str(tmp_path / "fmnist") in prov.source and "COURSE_FASHION_MNIST_DIR" in prov.source
    assert prov.note.startswith("20 training and 10 test images, 28x28 grayscale")
    assert capsys.readouterr().out == prov.describe() + "\n", "one announced line"


def test_plain_idx_files_are_read_too(tmp_path, monkeypatch):
    folder = tmp_path / "plain"
    folder.mkdir()
    arrays = fixture_arrays()
    hashes = {name: write_idx(folder / name, arrays[name], compress=False) for name in NAMES}
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_SHA256", hashes)
    monkeypatch.setenv("COURSE_FASHION_MNIST_DIR", str(folder))
    assert len(data.load_fashion_mnist(verbose=False).y_train) == 20


def test_a_corrupt_local_file_names_the_file_and_the_fix(tmp_path, monkeypatch):
    write_fixture(tmp_path / "fmnist", monkeypatch)
    monkeypatch.setenv("COURSE_FASHION_MNIST_DIR", str(tmp_path / "fmnist"))
    hashes = dict(fashion_mnist.FASHION_MNIST_SHA256)
    hashes["t10k-images-idx3-ubyte"] = "0" * 64
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_SHA256", hashes)
    with pytest.raises(data.DatasetError, match=r"t10k-images-idx3-ubyte\.gz is corrupt.*"
                                                r"Replace the files"):
        data.load_fashion_mnist(verbose=False)


def test_debians_corrupt_file_says_reinstall(tmp_path, monkeypatch):
    write_fixture(tmp_path / "debian", monkeypatch)
    monkeypatch.delenv("COURSE_FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", tmp_path / "debian")
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_SHA256",
                        dict.fromkeys(NAMES, "f" * 64))
    with pytest.raises(data.DatasetError, match=r"train-images-idx3-ubyte\.gz is corrupt.*"
                                                r"sudo apt-get install --reinstall "
                                                r"dataset-fashion-mnist"):
        data.load_fashion_mnist(verbose=False)


def test_images_and_labels_must_agree_in_number(tmp_path, monkeypatch):
    arrays = fixture_arrays()
    arrays["t10k-labels-idx1-ubyte"] = arrays["t10k-labels-idx1-ubyte"][:7]
    write_fixture(tmp_path / "fmnist", monkeypatch, arrays)
    monkeypatch.setenv("COURSE_FASHION_MNIST_DIR", str(tmp_path / "fmnist"))
    with pytest.raises(data.DatasetError, match=r"t10k-images-idx3-ubyte\.gz holds 10 images "
                                                r"but .*t10k-labels-idx1-ubyte\.gz 7 labels"):
        data.load_fashion_mnist(verbose=False)


def test_a_second_load_reuses_the_parse_and_returns_fresh_copies(tmp_path, monkeypatch):
    write_fixture(tmp_path / "fmnist", monkeypatch)
    monkeypatch.setenv("COURSE_FASHION_MNIST_DIR", str(tmp_path / "fmnist"))
    reads = []
    real_read = fashion_mnist.read_idx
    monkeypatch.setattr(fashion_mnist, "read_idx",
                        lambda path, *a, **k: reads.append(path) or real_read(path, *a, **k))
    first = data.load_fashion_mnist(verbose=False)
    first.x_train[:] = 0  # the caller's own copy: writable, and the cache is untouched
    first.y_train[:] = 0
    second = data.load_fashion_mnist(verbose=False)
    assert len(reads) == 4, "parsed once per process"
    assert second.x_train.any() and second.y_train.any()


def test_offline_without_any_source_says_how_to_fix_it(no_local, keras_home, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "keras_dirs",
                        lambda: [keras_home / "datasets" / "fashion-mnist"])
    with pytest.raises(data.OfflineError) as err:
        data.load_fashion_mnist()
    message = str(err.value)
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert "COURSE_OFFLINE" in message and "keras.datasets.fashion_mnist" in message
    assert "COURSE_FASHION_MNIST_DIR" in message and str(no_local) in message
    assert isinstance(err.value, data.DatasetError)


def test_the_keras_cache_is_looked_for_where_keras_puts_it(keras_home, monkeypatch):
    import keras  # noqa: F401 - Keras' own home joins the list once it is imported
    from keras.src.backend.config import keras_home as keras_own_home

    dirs = fashion_mnist.keras_dirs()
    assert dirs[0] == keras_home / "datasets" / "fashion-mnist", "$KERAS_HOME first"
    assert Path(keras_own_home()).expanduser() / "datasets" / "fashion-mnist" in dirs
    assert Path("/tmp/.keras/datasets/fashion-mnist") in dirs
    assert len(set(dirs)) == len(dirs)


def _fake_keras_download(monkeypatch, arrays, calls):
    """``keras.datasets.fashion_mnist.load_data`` patched to write the fixture files where
    Keras caches them (``$KERAS_HOME/datasets/fashion-mnist``), as the real one does."""
    def load_data():
        calls.append("load_data")
        write_fixture(data.cache_dir() / "fashion-mnist", monkeypatch, arrays)
        return (None, None), (None, None)

    monkeypatch.setattr("keras.datasets.fashion_mnist.load_data", load_data)


def test_online_downloads_through_keras_and_reads_its_cache(no_local, keras_home, monkeypatch,
                                                            capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    # Only this test's cache: Keras' own home (fixed when it was imported) may hold a copy.
    monkeypatch.setattr(fashion_mnist, "keras_dirs",
                        lambda: [keras_home / "datasets" / "fashion-mnist"])
    arrays, calls = fixture_arrays(n_train=30), []
    _fake_keras_download(monkeypatch, arrays, calls)
    d = data.load_fashion_mnist()
    assert calls == ["load_data"]
    assert np.array_equal(d.x_train, arrays["train-images-idx3-ubyte"])
    assert d.provenance.kind == "real" and "keras.datasets.fashion_mnist" in d.provenance.source
    assert "Fashion-MNIST (real) from keras.datasets" in capsys.readouterr().out
    again = data.load_fashion_mnist(offline=True, verbose=False)  # now cached: offline works
    assert calls == ["load_data"] and len(again.y_train) == 30


def test_a_partial_file_in_the_keras_cache_says_delete_it(no_local, keras_home, monkeypatch):
    cached = keras_home / "datasets" / "fashion-mnist"
    monkeypatch.setattr(fashion_mnist, "keras_dirs", lambda: [cached])
    write_fixture(cached, monkeypatch)
    target = cached / "train-labels-idx1-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-8])  # a partial download
    with pytest.raises(data.DatasetError, match=r"train-labels-idx1-ubyte\.gz is not a complete "
                                                r"gzip file.*Delete the file from the Keras "
                                                r"cache"):
        data.load_fashion_mnist()


def test_online_with_an_unreachable_network_says_how_to_fix_it(no_local, keras_home,
                                                               monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    monkeypatch.setattr(fashion_mnist, "keras_dirs",
                        lambda: [keras_home / "datasets" / "fashion-mnist"])

    def no_network():
        raise Exception("URL fetch failure: Name or service not known")

    monkeypatch.setattr("keras.datasets.fashion_mnist.load_data", no_network)
    with pytest.raises(data.OfflineError, match="network seems unreachable.*sudo apt-get "
                                                "install dataset-fashion-mnist"):
        data.load_fashion_mnist()


# --- the real files, where Debian's package is installed --------------------------------------

@pytest.mark.skipif(not fashion_mnist.DEBIAN_DIR.is_dir(),
                    reason="Debian's dataset-fashion-mnist is not installed (make data)")
def test_the_real_fashion_mnist(monkeypatch):
    monkeypatch.delenv("COURSE_FASHION_MNIST_DIR", raising=False)
    d = data.load_fashion_mnist(verbose=False)
    assert d.x_train.shape == (60_000, 28, 28) and d.x_test.shape == (10_000, 28, 28)
    assert d.x_train.dtype == np.uint8 and d.y_train.shape == (60_000,)
    assert d.provenance.kind == "real" and "dataset-fashion-mnist" in d.provenance.source
    assert d.provenance.note.startswith("60,000 training and 10,000 test images")
    assert len(d.class_names) == 10
    assert np.bincount(d.y_train).tolist() == [6_000] * 10
    assert np.bincount(d.y_test).tolist() == [1_000] * 10


def test_make_installs_debians_fashion_mnist_before_running_anything():
    """``make data`` installs the package the way ``make chromium`` installs Chromium (once,
    apt-get, sudo only when not root), and every target that executes chapters needs it."""
    import re

    from tests.conftest import ROOT

    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ndata:\n", 1)[1].split("\n\n", 1)[0]
    for part in ("test -f $(FASHION_MNIST)", "apt-get install -y -q dataset-fashion-mnist",
                 "apt-get update", '"$$(id -u)" != 0'):
        assert part in recipe
    assert str(fashion_mnist.DEBIAN_DIR / "train-images-idx3-ubyte.gz") in makefile
    assert re.search(r"^\.PHONY:.*\bdata\b", makefile, re.M)
    for target in ("test", "run", "refresh", "rehearse", "bench", "colab"):
        assert re.search(rf"^{target}:.*\bdata\b", makefile, re.M), f"make {target} needs data"

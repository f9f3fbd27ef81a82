"""CIFAR-10 (32x32 colour images in 10 classes): ``gt.keras.datasets.cifar10.load_data()``, from the
``cifar-10-python.tar.gz`` archive Keras caches and extracts under
``~/.keras/datasets/cifar-10-batches-py-target``.

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.
"""

from __future__ import annotations

import os

import numpy as np

from ..file_utils import get_file
from .cifar import load_batch

__all__ = ["load_data"]

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
_BATCH = 10000


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """CIFAR-10 as ``keras.datasets.cifar10.load_data``: ``x_train`` uint8 ``(50000, 32, 32, 3)``
    (channels last, gradtape's image layout), ``y_train`` uint8 ``(50000, 1)``, ``x_test`` uint8
    ``(10000, 32, 32, 3)``, ``y_test`` uint8 ``(10000, 1)``. The archive (163 MB) is downloaded on first
    use and extracted at each call, as Keras does.

    >>> import gradtape as gt
    >>> (x_train, y_train), (x_test, y_test) = gt.keras.datasets.cifar10.load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1))
    """
    path = get_file(fname="cifar-10-batches-py-target", origin=_ORIGIN, extract=True, file_hash=_FILE_HASH)
    path = os.path.join(path, "cifar-10-batches-py")
    x_train = np.empty((5 * _BATCH, 3, 32, 32), dtype="uint8")
    y_train = np.empty((5 * _BATCH,), dtype="uint8")
    for i in range(1, 6):
        rows = slice((i - 1) * _BATCH, i * _BATCH)
        x_train[rows], y_train[rows] = load_batch(os.path.join(path, f"data_batch_{i}"))
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    x_train = x_train.transpose(0, 2, 3, 1)
    x_test = x_test.transpose(0, 2, 3, 1).astype(x_train.dtype)
    return (x_train, y_train), (x_test, y_test.astype(y_train.dtype))

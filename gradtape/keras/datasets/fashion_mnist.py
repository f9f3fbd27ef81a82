"""Fashion-MNIST (Zalando article images, a drop-in replacement for MNIST):
``gt.keras.datasets.fashion_mnist.load_data()``, from the gzipped IDX files Keras caches under
``~/.keras/datasets/fashion-mnist``.

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag,
9 Ankle boot.
"""

from __future__ import annotations

import gzip
import os

import numpy as np

from ..file_utils import get_file
from . import _utils

__all__ = ["load_data"]

_FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz"]


def _read(path: str, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Fashion-MNIST as ``keras.datasets.fashion_mnist.load_data``: ``x_train`` uint8
    ``(60000, 28, 28)``, ``y_train`` uint8 ``(60000,)``, ``x_test`` uint8 ``(10000, 28, 28)``,
    ``y_test`` uint8 ``(10000,)``. The arrays are read-only views of the decompressed files, as in
    Keras (copy them to modify in place).

    >>> import gradtape as gt
    >>> (x_train, y_train), (x_test, y_test) = gt.keras.datasets.fashion_mnist.load_data()  # doctest: +SKIP
    >>> x_test.shape  # doctest: +SKIP
    (10000, 28, 28)
    """
    dirname = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(fname, origin=_utils.ORIGIN_FOLDER + fname, cache_subdir=dirname) for fname in _FILES]
    y_train = _read(paths[0], 8)
    x_train = _read(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read(paths[2], 8)
    x_test = _read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)

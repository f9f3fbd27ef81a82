"""MNIST handwritten digits: ``(x_train, y_train), (x_test, y_test) = gt.keras.datasets.mnist.load_data()``,
read from (or downloaded into) the same ``mnist.npz`` Keras caches."""

from __future__ import annotations

import numpy as np

from ..file_utils import get_file
from . import _utils

__all__ = ["load_data"]

_FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path: str = "mnist.npz") -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The MNIST digits as ``keras.datasets.mnist.load_data``: ``x_train`` uint8 ``(60000, 28, 28)``,
    ``y_train`` uint8 ``(60000,)`` (digits 0-9), ``x_test`` uint8 ``(10000, 28, 28)``, ``y_test``
    uint8 ``(10000,)``. ``path`` is the file name under ``~/.keras/datasets`` (or
    ``$KERAS_HOME/datasets``); the file is downloaded (11 MB) on first use.

    >>> import gradtape as gt
    >>> (x_train, y_train), (x_test, y_test) = gt.keras.datasets.mnist.load_data()  # doctest: +SKIP
    >>> x_train.shape, x_train.dtype, y_test.shape  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'), (10000,))
    """
    path = get_file(fname=path, origin=f"{_utils.ORIGIN_FOLDER}mnist.npz", file_hash=_FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])

"""CIFAR-100 (32x32 colour images, 100 fine classes in 20 coarse superclasses):
``gt.keras.datasets.cifar100.load_data(label_mode="fine")``, from the ``cifar-100-python.tar.gz``
archive Keras caches and extracts under ``~/.keras/datasets/cifar-100-python-target``."""

from __future__ import annotations

import os

import numpy as np

from ..file_utils import get_file
from .cifar import load_batch

__all__ = ["load_data"]

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode: str = "fine") -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """CIFAR-100 as ``keras.datasets.cifar100.load_data``: ``x_train`` uint8 ``(50000, 32, 32, 3)``
    (channels last), ``y_train`` ``(50000, 1)`` (int64, as the labels are stored as Python ints),
    ``x_test`` uint8 ``(10000, 32, 32, 3)``, ``y_test`` ``(10000, 1)``. ``label_mode`` is ``"fine"``
    (0-99) or ``"coarse"`` (0-19).

    >>> import gradtape as gt
    >>> gt.keras.datasets.cifar100.load_data(label_mode="medium")
    Traceback (most recent call last):
    ...
    ValueError: `label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode=medium.
    >>> (x_train, y_train), _ = gt.keras.datasets.cifar100.load_data("coarse")  # doctest: +SKIP
    >>> x_train.shape, int(y_train.max())  # doctest: +SKIP
    ((50000, 32, 32, 3), 19)
    """
    if label_mode not in ["fine", "coarse"]:
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.')
    path = get_file(fname="cifar-100-python-target", origin=_ORIGIN, extract=True, file_hash=_FILE_HASH)
    path = os.path.join(path, "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=f"{label_mode}_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (x_train.transpose(0, 2, 3, 1), y_train), (x_test.transpose(0, 2, 3, 1), y_test)

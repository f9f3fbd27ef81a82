"""``gt.keras.utils``: the helpers Keras training scripts use most (``to_categorical``,
``set_random_seed``, ``normalize``, ``get_file``, ``image_dataset_from_directory``,
``text_dataset_from_directory``)."""

from __future__ import annotations

import random as _pyrandom

import numpy as np

from ..ops import random as _random
from .dataset_utils import image_dataset_from_directory, index_directory, text_dataset_from_directory
from .file_utils import get_file

__all__ = ["to_categorical", "set_random_seed", "normalize", "get_file", "image_dataset_from_directory",
           "text_dataset_from_directory", "index_directory"]


def to_categorical(x, num_classes: int | None = None) -> np.ndarray:
    """One-hot rows (float32) for integer class ids, as ``keras.utils.to_categorical``: a
    trailing axis of size 1 is replaced by the classes.

    >>> import gradtape as gt
    >>> gt.keras.utils.to_categorical([0, 2], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    ids = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    if ids.dtype.kind == "f":
        if not np.all(ids == np.round(ids)):
            raise ValueError("to_categorical: x must hold integer class ids, got fractional values")
        ids = ids.astype(np.int64)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"to_categorical: x must hold integer class ids, got dtype {ids.dtype}")
    if ids.ndim > 1 and ids.shape[-1] == 1:
        ids = ids.reshape(ids.shape[:-1])
    if ids.size and ids.min() < 0:
        raise ValueError(f"to_categorical: class ids must be non-negative, got {ids.min()}")
    n = int(ids.max()) + 1 if num_classes is None else int(num_classes)
    if ids.size and ids.max() >= n:
        raise ValueError(f"to_categorical: class id {ids.max()} is out of range for num_classes={n}")
    out = np.zeros(ids.shape + (n,), np.float32)
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and gradtape's (``gt.random``), as
    ``keras.utils.set_random_seed`` seeds Python, NumPy and the backend.

    >>> import gradtape as gt
    >>> gt.keras.utils.set_random_seed(1)
    >>> a = gt.random.uniform([2]).numpy()
    >>> gt.keras.utils.set_random_seed(1)
    >>> bool((gt.random.uniform([2]).numpy() == a).all())
    True
    """
    if not isinstance(seed, (int, np.integer)):
        raise TypeError(f"set_random_seed: seed must be an integer, got {type(seed).__name__}")
    _pyrandom.seed(int(seed))
    np.random.seed(int(seed))
    _random.set_seed(int(seed))


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """``x`` divided by its ``order``-norm along ``axis`` (zero rows stay zero).

    >>> import gradtape as gt
    >>> gt.keras.utils.normalize([[3.0, 4.0]])
    array([[0.6, 0.8]])
    """
    a = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    norm = np.atleast_1d(np.linalg.norm(a, order, axis))
    norm[norm == 0] = 1
    return a / np.expand_dims(norm, axis)

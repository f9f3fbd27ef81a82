"""Boston housing prices (506 samples, 13 features): ``gt.keras.datasets.boston_housing.load_data()``.

The dataset has an ethical problem (one feature assumes racial self-segregation influences house
prices); ``california_housing`` with ``version="small"`` is the suggested replacement.
"""

from __future__ import annotations

import numpy as np

from ..file_utils import get_file
from . import _utils

__all__ = ["load_data"]

_FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """As ``keras.datasets.boston_housing.load_data``: rows shuffled with
    ``np.random.RandomState(seed)``, then ``x_train`` float64 ``(404, 13)``, ``y_train`` ``(404,)``
    (median prices in k$), ``x_test`` ``(102, 13)``, ``y_test`` ``(102,)`` for ``test_split=0.2``.

    >>> import gradtape as gt
    >>> gt.keras.datasets.boston_housing.load_data(test_split=1.0)
    Traceback (most recent call last):
    ...
    ValueError: Invalid `test_split` argument: 1.0. It must be between 0 and 1 (exclusive of 1).
    >>> (x_train, y_train), (x_test, y_test) = gt.keras.datasets.boston_housing.load_data()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((404, 13), (102, 13))
    """
    _utils.check_test_split(test_split)
    path = get_file(path, origin=f"{_utils.ORIGIN_FOLDER}boston_housing.npz", file_hash=_FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return _utils.shuffle_split(x, y, test_split, seed)

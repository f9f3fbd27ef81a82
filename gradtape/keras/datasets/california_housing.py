"""California housing prices (1990 census block groups, 8 features):
``gt.keras.datasets.california_housing.load_data(version="large")``."""

from __future__ import annotations

import numpy as np

from ..file_utils import get_file
from . import _utils

__all__ = ["load_data"]

_FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version: str = "large", path: str = "california_housing.npz", test_split: float = 0.2,
              seed: int = 113) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """As ``keras.datasets.california_housing.load_data``: ``version="large"`` keeps the 20,640 samples,
    ``"small"`` the first 600; rows are then shuffled with ``np.random.RandomState(seed)`` and the
    first ``int(n * (1 - test_split))`` form the training set. ``x_*`` have shape ``(n, 8)`` (median
    income, house age, average rooms, average bedrooms, population, average occupancy, latitude,
    longitude), ``y_*`` ``(n,)`` (median house value in dollars).

    >>> import gradtape as gt
    >>> gt.keras.datasets.california_housing.load_data(version="tiny")
    Traceback (most recent call last):
    ...
    ValueError: Argument `version` must be one of 'small', 'large'. Received: version=tiny
    >>> (x_train, y_train), (x_test, y_test) = gt.keras.datasets.california_housing.load_data("small")  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((480, 8), (120, 8))
    """
    _utils.check_test_split(test_split)
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    path = get_file(path, origin=f"{_utils.ORIGIN_FOLDER}california_housing.npz", file_hash=_FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return _utils.shuffle_split(x, y, test_split, seed)

"""Reuters newswire topics (46 classes): ``gt.keras.datasets.reuters.load_data(num_words=10000)``
gives newswires as lists of word indices (``reuters.npz`` from Keras's cache), ``get_word_index()``
the word -> index map and ``get_label_names()`` the topic names."""

from __future__ import annotations

import json

import numpy as np

from ..file_utils import get_file
from . import _utils

__all__ = ["load_data", "get_word_index", "get_label_names"]

_FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"


def load_data(path: str = "reuters.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, test_split: float = 0.2, seed: int = 113, start_char: int | None = 1,
              oov_char: int | None = 2, index_from: int = 3
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """11,228 newswires split into train and test, as ``keras.datasets.reuters.load_data``.

    The newswires are shuffled with ``np.random.RandomState(seed)``, ids shifted by ``index_from``
    and prefixed by ``start_char`` (None: no prefix; then ``index_from=0`` leaves the stored arrays
    as they are), newswires of ``maxlen`` words or more dropped, ids ``< skip_top`` or ``>= num_words``
    replaced by ``oov_char`` (removed when it is None); the first ``int(n * (1 - test_split))`` are
    the training set. ``x_*`` are object arrays of lists of ints, ``y_*`` int topic ids (0-45).

    >>> import gradtape as gt
    >>> (x_train, y_train), (x_test, y_test) = gt.keras.datasets.reuters.load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), len(x_test)  # doctest: +SKIP
    (8982, 2246)
    """
    path = get_file(fname=path, origin=f"{_utils.ORIGIN_FOLDER}reuters.npz", file_hash=_FILE_HASH)
    f = _utils.load_npz(path)
    xs, labels = f["x"], f["y"]

    indices = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(indices)
    xs, labels = xs[indices], labels[indices]

    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        xs, labels = _utils.remove_long_seq(maxlen, xs, labels)
    xs = _utils.limit_vocabulary(xs, num_words, skip_top, oov_char)

    idx = int(len(xs) * (1 - test_split))
    return ((np.array(xs[:idx], dtype="object"), np.array(labels[:idx])),
            (np.array(xs[idx:], dtype="object"), np.array(labels[idx:])))


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """The word -> id map of the Reuters newswires (ids before the ``index_from`` shift).

    >>> import gradtape as gt
    >>> len(gt.keras.datasets.reuters.get_word_index())  # doctest: +SKIP
    30979
    """
    path = get_file(path, origin=f"{_utils.ORIGIN_FOLDER}reuters_word_index.json", file_hash=_WORD_INDEX_HASH)
    with open(path) as f:
        return json.load(f)


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, indexed by label id.

    >>> import gradtape as gt
    >>> names = gt.keras.datasets.reuters.get_label_names()
    >>> len(names), names[3], names[45]
    (46, 'earn', 'lead')
    """
    return ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee",
            "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx",
            "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock",
            "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
            "dlr", "gas", "silver", "wpi", "hog", "lead")

"""IMDB movie-review sentiment: ``gt.keras.datasets.imdb.load_data(num_words=10000)`` gives reviews
as lists of word indices (``imdb.npz`` from Keras's cache), ``get_word_index()`` the word -> index
map (``imdb_word_index.json``)."""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np

from ..file_utils import get_file
from . import _utils

__all__ = ["load_data", "get_word_index"]

_FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path: str = "imdb.npz", num_words: int | None = None, skip_top: int = 0, maxlen: int | None = None,
              seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2, index_from: int = 3,
              **kwargs: Any) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """25,000 training and 25,000 test reviews, as ``keras.datasets.imdb.load_data``.

    The stored word ids rank words by frequency (1 = most frequent). Each split is shuffled with
    ``np.random.RandomState(seed)`` (the training set first, then the test set from the same
    generator); every id is shifted by ``index_from`` and each review starts with ``start_char``
    (None: no start mark). With ``maxlen``, reviews of ``maxlen`` words or more (counting the start
    mark) are dropped (not truncated). Ids ``< skip_top`` or ``>= num_words`` (default: the largest
    id) become ``oov_char``, or are removed when ``oov_char`` is None.

    Returns ``x_train``/``x_test`` as object arrays of lists of ints and ``y_train``/``y_test`` as
    int arrays of 0 (negative) / 1 (positive). Unknown keyword arguments are ignored with a warning.

    >>> import gradtape as gt
    >>> (x_train, y_train), (x_test, y_test) = gt.keras.datasets.imdb.load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), x_train[0][:3], y_train.dtype  # doctest: +SKIP
    (25000, [1, 14, 22], dtype('int64'))
    """
    if kwargs:
        warnings.warn(f"imdb.load_data: ignoring unknown arguments {sorted(kwargs)}", stacklevel=2)
    path = get_file(fname=path, origin=f"{_utils.ORIGIN_FOLDER}imdb.npz", file_hash=_FILE_HASH)
    f = _utils.load_npz(path)
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]

    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]

    if start_char is not None:
        x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
        x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    elif index_from:
        x_train = [[w + index_from for w in x] for x in x_train]
        x_test = [[w + index_from for w in x] for x in x_test]
    else:
        x_train = [list(x) for x in x_train]
        x_test = [list(x) for x in x_test]

    if maxlen:
        x_train, labels_train = _utils.remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = _utils.remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. "
                             "Increase maxlen.")

    xs = x_train + x_test
    labels = np.concatenate([labels_train, labels_test])
    xs = _utils.limit_vocabulary(xs, num_words, skip_top, oov_char)

    idx = len(x_train)
    return ((np.array(xs[:idx], dtype="object"), labels[:idx]),
            (np.array(xs[idx:], dtype="object"), labels[idx:]))


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """The word -> id map of the IMDB reviews (ids before the ``index_from`` shift), as
    ``keras.datasets.imdb.get_word_index``.

    >>> import gradtape as gt
    >>> gt.keras.datasets.imdb.get_word_index()["the"]  # doctest: +SKIP
    1
    """
    path = get_file(fname=path, origin=f"{_utils.ORIGIN_FOLDER}imdb_word_index.json", file_hash=_WORD_INDEX_HASH)
    with open(path) as f:
        return json.load(f)

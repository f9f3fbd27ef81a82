"""Shared pieces of the dataset loaders: the download folder, a restricted ``.npz`` reader for the
object arrays of imdb/reuters, and the seeded shuffle-and-split the regression sets use."""

from __future__ import annotations

import io
import pickle
import zipfile
from collections.abc import Sequence
from typing import Any

import numpy as np

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

_ALLOWED_PICKLE_GLOBALS = frozenset({("numpy", "ndarray"), ("numpy", "dtype"),
                                     ("numpy.core.multiarray", "_reconstruct"),
                                     ("numpy._core.multiarray", "_reconstruct")})


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that only rebuilds NumPy arrays and dtypes (and plain Python containers), so a
    tampered dataset file cannot run code when it is loaded."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_PICKLE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"Refusing to deserialize `{module}.{name}` while loading a Keras dataset. "
                                     "The file may be corrupted or malicious.")


def _load_npy_member(fp: io.BytesIO) -> np.ndarray:
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:
        fp.seek(0)
        version = np.lib.format.read_magic(fp)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(fp)
        elif version[0] in (2, 3):
            np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"Unsupported `.npy` file version: {version}.") from None
        return RestrictedUnpickler(fp).load()


def load_npz(path: str) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` file by name; object arrays go through :class:`RestrictedUnpickler`.

    >>> import os, tempfile
    >>> import numpy as np
    >>> p = os.path.join(tempfile.mkdtemp(), "a.npz")
    >>> seqs = np.empty(2, dtype=object); seqs[0], seqs[1] = [1, 2], [3]
    >>> np.savez(p, x=seqs, y=np.array([0, 1]))
    >>> d = load_npz(p)
    >>> d["x"].tolist(), d["y"].tolist()
    ([[1, 2], [3]], [0, 1])
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _load_npy_member(io.BytesIO(raw.read()))
    return arrays


def remove_long_seq(maxlen: int, seq: Sequence, label: Sequence) -> tuple[list, list]:
    """The sequences shorter than ``maxlen`` and their labels.

    >>> remove_long_seq(3, [[1], [1, 2, 3], [4, 5]], [0, 1, 2])
    ([[1], [4, 5]], [0, 2])
    """
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def check_test_split(test_split: float) -> None:
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1 (exclusive of 1).")


def shuffle_split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int):
    """Rows shuffled with ``np.random.RandomState(seed)`` and split into train and test at
    ``int(len(x) * (1 - test_split))``.

    >>> (xt, yt), (xs, ys) = shuffle_split(np.arange(5), np.arange(5) * 10, 0.4, seed=0)
    >>> xt.tolist(), ys.tolist()
    ([2, 0, 1], [30, 40])
    """
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def limit_vocabulary(xs: list, num_words, skip_top: int, oov_char) -> list:
    """Keras's word filter for imdb and reuters: ids outside ``[skip_top, num_words)`` become
    ``oov_char``, or are dropped when it is None (``num_words`` defaults to the largest id)."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]

"""Reading the pickled batches of the CIFAR-10/100 python archives."""

from __future__ import annotations

import numpy as np

from ._utils import RestrictedUnpickler

__all__ = ["load_batch"]


def load_batch(fpath: str, label_key: str = "labels") -> tuple[np.ndarray, list | np.ndarray]:
    """``(data, labels)`` of one CIFAR batch file: ``data`` uint8 ``(n, 3, 32, 32)`` (channels first,
    as stored) and ``labels`` as stored under ``label_key`` (a list of ints).

    >>> import os, pickle, tempfile
    >>> import numpy as np
    >>> p = os.path.join(tempfile.mkdtemp(), "batch")
    >>> with open(p, "wb") as f:
    ...     pickle.dump({b"data": np.zeros((2, 3072), np.uint8), b"labels": [3, 1]}, f)
    >>> data, labels = load_batch(p)
    >>> data.shape, labels
    ((2, 3, 32, 32), [3, 1])
    """
    with open(fpath, "rb") as f:
        d = RestrictedUnpickler(f, encoding="bytes").load()
    d = {k.decode("utf8"): v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]

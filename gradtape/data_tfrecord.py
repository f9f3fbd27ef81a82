"""File datasets: ``TFRecordDataset`` and ``TextLineDataset``, as ``tf.data``.

Each element is a scalar string tensor (object dtype) holding ``bytes``: a record, or a line
without its line ending. Files are read lazily, in blocks, every time the dataset is iterated;
compressed files (``compression_type="GZIP"`` or ``"ZLIB"``) are inflated as they are read.
With ``num_parallel_reads`` the files are read in turn, one element from each (TensorFlow's
deterministic parallel interleave), otherwise one after the other.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

import numpy as np

from ._engine.tensor import Tensor
from .data import UNKNOWN_CARDINALITY, Dataset, _flatten
from .io._tfrecord import _chunks, _compression_name, read_records
from .utilities import TensorSpec

__all__ = ["TFRecordDataset", "TextLineDataset"]


def _filenames(filenames: Any, method: str) -> Callable[[], list[str]]:
    """A function giving the file names (read again per pass when they come from a dataset)."""
    if isinstance(filenames, Dataset):
        def from_dataset() -> list[str]:
            return [_name(_flatten(e)[0], method) for e in filenames._elements()]
        return from_dataset
    if isinstance(filenames, Tensor):
        filenames = filenames.numpy()
    if isinstance(filenames, (str, bytes, os.PathLike)):
        names = [_name(filenames, method)]
    else:
        names = [_name(f, method) for f in np.asarray(filenames, dtype=object).reshape(-1)]
    return lambda: names


def _name(value: Any, method: str) -> str:
    if isinstance(value, np.ndarray):
        value = value[()]
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    raise TypeError(f"{method}: filenames must be strings, got {type(value).__name__}")


def _scalar(data: bytes) -> np.ndarray:
    out = np.empty((), object)
    out[()] = data
    return out


def _interleave(iterators: Iterator[Iterator], cycle: int) -> Iterator:
    """Round-robin over up to ``cycle`` open iterators, a finished one replaced by the next."""
    active: list = []
    pending = iter(iterators)
    for it in pending:
        active.append(it)
        if len(active) == cycle:
            break
    i = 0
    while active:
        i %= len(active)
        try:
            yield next(active[i])
            i += 1
        except StopIteration:
            nxt = next(pending, None)
            if nxt is None:
                del active[i]
            else:
                active[i] = nxt


class _FileDataset(Dataset):
    _method = ""

    def __init__(self, filenames: Any, compression_type: Any, buffer_size: Any, num_parallel_reads: Any):
        super().__init__()
        self._names = _filenames(filenames, self._method)
        self._compression = _compression_name(compression_type)
        self._buffer = int(buffer_size) if buffer_size else 262144
        self._parallel = None if num_parallel_reads is None else int(num_parallel_reads)

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return TensorSpec((), np.dtype(object))

    def _read(self, path: str) -> Iterator[bytes]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _elements(self) -> Iterator:
        names = self._names()
        readers = (self._read(n) for n in names)
        if self._parallel is None or self._parallel == 1:
            for r in readers:
                for data in r:
                    yield _scalar(data)
            return
        cycle = self._parallel if self._parallel > 0 else max(len(names), 1)
        for data in _interleave(readers, cycle):
            yield _scalar(data)


class TFRecordDataset(_FileDataset):
    """The records of one or more TFRecord files, as ``tf.data.TFRecordDataset``.

    ``filenames`` is a path, a list of paths or a dataset of paths; ``compression_type``
    ``None``/``""``, ``"ZLIB"`` or ``"GZIP"``. Every record's checksums are checked
    (``gt.errors.DataLossError`` when one does not match).

    >>> import os, tempfile, gradtape as gt
    >>> path = os.path.join(tempfile.mkdtemp(), "r.tfrecord")
    >>> with gt.io.TFRecordWriter(path, "ZLIB") as w:
    ...     w.write(b"a")
    ...     w.write(b"bc")
    >>> list(gt.data.TFRecordDataset(path, compression_type="ZLIB").as_numpy_iterator())
    [b'a', b'bc']
    """

    _method = "TFRecordDataset"

    def __init__(self, filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None, name: str | None = None) -> None:
        super().__init__(filenames, compression_type, buffer_size, num_parallel_reads)

    def _read(self, path: str) -> Iterator[bytes]:
        return read_records(path, self._compression, self._buffer)


class TextLineDataset(_FileDataset):
    """The lines of one or more text files (without ``\\n`` or ``\\r\\n``), as
    ``tf.data.TextLineDataset``.

    >>> import os, tempfile, gradtape as gt
    >>> path = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("x,1\\ny,2\\n")
    >>> list(gt.data.TextLineDataset(path).as_numpy_iterator())
    [b'x,1', b'y,2']
    """

    _method = "TextLineDataset"

    def __init__(self, filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None, name: str | None = None) -> None:
        super().__init__(filenames, compression_type, buffer_size, num_parallel_reads)

    def _read(self, path: str) -> Iterator[bytes]:
        rest = b""
        for block in _chunks(path, self._compression, self._buffer):
            lines = (rest + block).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield line[:-1] if line.endswith(b"\r") else line
        if rest:
            yield rest[:-1] if rest.endswith(b"\r") else rest

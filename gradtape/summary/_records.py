"""TFRecord files: CRC32C, the record framing, the event file writer and reader.

A record is ``uint64 length``, ``uint32 masked CRC32C of the length``, the data and ``uint32
masked CRC32C of the data``, all little-endian (tensorflow/core/lib/io/record_writer.cc).
"""

from __future__ import annotations

import itertools
import os
import socket
import struct
import threading
import time
from typing import Iterator

from . import _proto
from ._crc32c import crc32c, crc32c_many, mask


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: the CRC rotated right by 15 bits plus ``0xa282ead8``."""
    return mask(crc32c(data))


def frame_many(items: list) -> bytes:
    """``items`` as consecutive TFRecords, their checksums computed together."""
    headers = [struct.pack("<Q", len(d)) for d in items]
    crcs = crc32c_many(headers + list(items))
    n = len(items)
    return b"".join(h + struct.pack("<I", mask(crcs[k])) + d + struct.pack("<I", mask(crcs[n + k]))
                    for k, (h, d) in enumerate(zip(headers, items)))


def frame(data: bytes) -> bytes:
    """``data`` as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))


def iter_records(raw: bytes, where: str = "") -> Iterator[bytes]:
    """The data of each record of ``raw``, checking both CRCs; ``ValueError`` on a corrupted
    or truncated record (TensorFlow raises ``DataLossError``)."""
    pos, n = 0, len(raw)
    while pos < n:
        if pos + 12 > n:
            raise ValueError(f"truncated record at {pos} in {where or 'the event file'}")
        header = raw[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (crc,) = struct.unpack("<I", raw[pos + 8:pos + 12])
        if crc != masked_crc32c(header):
            raise ValueError(f"corrupted record at {pos} in {where or 'the event file'}: "
                             "the length's checksum does not match")
        end = pos + 12 + length
        if end + 4 > n:
            raise ValueError(f"truncated record at {pos} in {where or 'the event file'}")
        data = raw[pos + 12:end]
        if struct.unpack("<I", raw[end:end + 4])[0] != masked_crc32c(data):
            raise ValueError(f"corrupted record at {pos} in {where or 'the event file'}: "
                             "the data's checksum does not match")
        yield data
        pos = end + 4


def read_events(path: str | os.PathLike) -> Iterator[_proto.Event]:
    """The events of a TensorBoard event file, as ``tf.compat.v1.train.summary_iterator``:
    each has ``wall_time``, ``step``, ``file_version`` (the first event) or ``summary``, whose
    ``value`` list holds ``tag``, ``tensor`` (a NumPy array) and ``metadata.plugin_data``.
    Checks every record's CRCs (``ValueError`` if one does not match).

    >>> import glob, os, tempfile, gradtape as gt
    >>> logdir = tempfile.mkdtemp()
    >>> with gt.summary.create_file_writer(logdir).as_default():
    ...     _ = gt.summary.scalar("loss", 0.25, step=3)
    >>> path, = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    >>> events = list(gt.summary.read_events(path))
    >>> events[0].file_version
    'brain.Event:2'
    >>> v = events[1].summary.value[0]
    >>> events[1].step, v.tag, float(v.tensor), v.metadata.plugin_data.plugin_name
    (3, 'loss', 0.25, 'scalars')
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    for data in iter_records(raw, path):
        yield _proto.decode_event(data)


_file_ids = itertools.count()
_file_ids_lock = threading.Lock()


class EventFile:
    """An event file being written: events wait in a queue until ``flush`` (TensorFlow's
    SummaryFileWriter: flushed when more than ``max_queue`` events wait or ``flush_millis``
    have passed since the last flush, checked at each write)."""

    def __init__(self, logdir: str, max_queue: int, flush_millis: int, suffix: str) -> None:
        os.makedirs(logdir, exist_ok=True)
        now = int(time.time())
        with _file_ids_lock:
            n = next(_file_ids)
        name = f"events.out.tfevents.{now:010d}.{socket.gethostname()}.{os.getpid()}.{n}{suffix}"
        self.path = os.path.join(logdir, name)
        self.max_queue, self.flush_millis = max_queue, flush_millis
        self._queue: list[bytes] = []
        self._lock = threading.Lock()
        self._file = open(self.path, "ab")
        self._file.write(frame(_proto.encode_event(float(now), file_version="brain.Event:2",
                                                   source_writer="gradtape.summary")))
        self._file.flush()
        self._last_flush = time.monotonic()

    def add(self, event: bytes) -> None:
        with self._lock:
            self._queue.append(event)
            due = time.monotonic() - self._last_flush > self.flush_millis / 1000.0
            if len(self._queue) > self.max_queue or due:
                self._flush_locked()

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        if self._file is None:
            return
        if self._queue:
            self._file.write(b"".join(frame(e) for e in self._queue))
            self._queue.clear()
        self._file.flush()
        self._last_flush = time.monotonic()

    def close(self) -> None:
        with self._lock:
            self._flush_locked()
            if self._file is not None:
                self._file.close()
                self._file = None

"""TFRecord files: ``TFRecordWriter``, ``TFRecordOptions`` and a streaming record reader.

A record is framed as in tensorflow/core/lib/io/record_writer.cc (length, masked CRC32C of
the length, data, masked CRC32C of the data; see :mod:`gradtape.summary._records`). With
``"GZIP"`` or ``"ZLIB"`` compression the whole stream of records is deflated as TensorFlow's
``ZlibOutputBuffer`` does it (``Z_DEFAULT_COMPRESSION``, ``memLevel`` 9, a partial flush on
``flush()``), so the files are byte for byte TensorFlow's.
"""

from __future__ import annotations

import os
import struct
import zlib
from typing import Any, Iterator

from ..errors import DataLossError, NotFoundError
from ..summary._crc32c import crc32c_many, mask
from ..summary._records import frame, frame_many, masked_crc32c

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "read_records", "tf_record_iterator"]


class TFRecordCompressionType:
    """The compression types of ``tf.compat.v1.io.TFRecordCompressionType``.

    >>> import gradtape as gt
    >>> gt.io.TFRecordCompressionType.GZIP
    2
    """

    NONE = 0
    ZLIB = 1
    GZIP = 2


_NAMES = {None: "", "": "", "NONE": "", "ZLIB": "ZLIB", "GZIP": "GZIP", 0: "", 1: "ZLIB", 2: "GZIP"}


def _compression_name(value: Any) -> str:
    if isinstance(value, TFRecordOptions):
        return value.compression_type
    key = value.upper() if isinstance(value, str) else value
    if key not in _NAMES:
        raise ValueError(f'Unsupported compression type {value!r}: give "", "ZLIB" or "GZIP"')
    return _NAMES[key]


class TFRecordOptions:
    """How a TFRecord file is compressed, as ``tf.io.TFRecordOptions``: ``compression_type``
    is ``None``/``""``, ``"ZLIB"`` or ``"GZIP"``; the zlib settings are optional.

    >>> import gradtape as gt
    >>> opts = gt.io.TFRecordOptions("GZIP", compression_level=9)
    >>> opts.compression_type, gt.io.TFRecordOptions.get_compression_type_string(opts)
    ('GZIP', 'GZIP')
    """

    def __init__(self, compression_type: Any = None, flush_mode: int | None = None,
                 input_buffer_size: int | None = None, output_buffer_size: int | None = None,
                 window_bits: int | None = None, compression_level: int | None = None,
                 compression_method: int | None = None, mem_level: int | None = None,
                 compression_strategy: int | None = None) -> None:
        self.compression_type = _compression_name(compression_type)
        self.flush_mode = flush_mode
        self.input_buffer_size, self.output_buffer_size = input_buffer_size, output_buffer_size
        self.window_bits, self.compression_level = window_bits, compression_level
        self.compression_method, self.mem_level = compression_method, mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options: Any) -> str:
        """The compression type of ``options`` (options, a name or ``None``) as a string."""
        return _compression_name(options)

    def _compressor(self) -> Any:
        if not self.compression_type:
            return None
        bits = 15 if self.window_bits is None else self.window_bits
        return zlib.compressobj(
            -1 if self.compression_level is None else self.compression_level,
            zlib.DEFLATED if self.compression_method is None else self.compression_method,
            bits + 16 if self.compression_type == "GZIP" else bits,
            9 if self.mem_level is None else self.mem_level,
            0 if self.compression_strategy is None else self.compression_strategy)

    def __repr__(self) -> str:
        return f"TFRecordOptions(compression_type={self.compression_type!r})"


class TFRecordWriter:
    """Write records (byte strings) to a TFRecord file, as ``tf.io.TFRecordWriter``.

    ``options`` is a :class:`TFRecordOptions` or a compression name (``"GZIP"``, ``"ZLIB"``).
    Use it as a context manager, or call ``close()``.

    >>> import os, tempfile, gradtape as gt
    >>> path = os.path.join(tempfile.mkdtemp(), "data.tfrecord")
    >>> with gt.io.TFRecordWriter(path) as writer:
    ...     writer.write(b"first")
    ...     writer.write(b"second")
    >>> list(gt.io.tf_record_iterator(path))
    [b'first', b'second']
    """

    def __init__(self, path: str | os.PathLike, options: Any = None) -> None:
        self._options = options if isinstance(options, TFRecordOptions) else TFRecordOptions(options)
        self._z = self._options._compressor()
        self._file: Any = open(os.fspath(path), "wb")
        self._pending: list = []  # records framed together (one batch of checksums)
        self._pending_bytes = 0

    def write(self, record: Any) -> None:
        """Append one record (``bytes``, ``str`` as UTF-8, or a scalar string tensor)."""
        if self._file is None:
            raise ValueError("TFRecordWriter: write after close")
        data = _as_bytes(record)
        self._pending.append(data)
        self._pending_bytes += len(data)
        if len(self._pending) >= 1024 or self._pending_bytes >= 1 << 20:
            self._write_pending()

    def _write_pending(self) -> None:
        if not self._pending:
            return
        data = frame_many(self._pending) if len(self._pending) > 1 else frame(self._pending[0])
        self._pending, self._pending_bytes = [], 0
        self._file.write(self._z.compress(data) if self._z is not None else data)

    def flush(self) -> None:
        """Write out what is buffered (with compression: a zlib partial flush, as TensorFlow)."""
        if self._file is None:
            raise ValueError("TFRecordWriter: flush after close")
        self._write_pending()
        if self._z is not None:
            self._file.write(self._z.flush(1))  # Z_PARTIAL_FLUSH
        self._file.flush()

    def close(self) -> None:
        """Finish the file (the compressed stream's end) and close it."""
        if self._file is None:
            return
        self._write_pending()
        if self._z is not None:
            self._file.write(self._z.flush())
        self._file.close()
        self._file = None

    def __enter__(self) -> TFRecordWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing to report to at interpreter exit
            pass


def _as_bytes(value: Any) -> bytes:
    if hasattr(value, "numpy"):
        value = value.numpy()
    if hasattr(value, "ndim") and value.ndim == 0:
        value = value[()]
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"expected a byte string, got {type(value).__name__}")


def _chunks(path: str, compression: str, buffer_size: int) -> Iterator[bytes]:
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise NotFoundError(f"{path}; No such file or directory") from None
    with f:
        z = None
        if compression:
            z = zlib.decompressobj(31 if compression == "GZIP" else 15)
        while True:
            block = f.read(buffer_size)
            if not block:
                break
            if z is None:
                yield block
                continue
            try:
                yield z.decompress(block)
            except zlib.error as e:
                raise DataLossError(f"{path}: corrupted {compression} stream ({e})") from None
        if z is not None:
            yield z.flush()


def read_records(path: str | os.PathLike, compression_type: Any = None,
                 buffer_size: int | None = None) -> Iterator[bytes]:
    """The records of a TFRecord file, read in blocks and checked (both CRCs);
    ``DataLossError`` for a corrupted or truncated record, ``NotFoundError`` for no file.
    The data checksums of a block's records are computed together (``crc32c_many``)."""
    path = os.fspath(path)
    compression = _compression_name(compression_type)
    buf, pos = bytearray(), 0
    for block in _chunks(path, compression, buffer_size or 262144):
        buf += block
        pending, error = [], None  # (position, data, stored checksum) of whole records
        while len(buf) - pos >= 12:
            header = bytes(buf[pos:pos + 8])
            if struct.unpack("<I", buf[pos + 8:pos + 12])[0] != masked_crc32c(header):
                error = f"corrupted record at {pos} in {path}: the length's checksum does not match"
                break
            (length,) = struct.unpack("<Q", header)
            end = pos + 12 + length
            if len(buf) < end + 4:
                break
            pending.append((pos, bytes(buf[pos + 12:end]), struct.unpack("<I", buf[end:end + 4])[0]))
            pos = end + 4
        crcs = crc32c_many([data for _, data, _ in pending])
        for (at, data, stored), crc in zip(pending, crcs):
            if mask(crc) != stored:
                raise DataLossError(f"corrupted record at {at} in {path}: the data's checksum does not match")
            yield data
        if error:
            raise DataLossError(error)
        if pos > 1 << 20:
            del buf[:pos]
            pos = 0
    if pos != len(buf):
        raise DataLossError(f"truncated record at {pos} in {path}")


def tf_record_iterator(path: str | os.PathLike, options: Any = None) -> Iterator[bytes]:
    """The records of a TFRecord file as ``bytes``, as ``tf.compat.v1.io.tf_record_iterator``.

    >>> import os, tempfile, gradtape as gt
    >>> path = os.path.join(tempfile.mkdtemp(), "data.tfrecord.gz")
    >>> with gt.io.TFRecordWriter(path, "GZIP") as writer:
    ...     writer.write(b"abc")
    >>> list(gt.io.tf_record_iterator(path, gt.io.TFRecordOptions("GZIP")))
    [b'abc']
    """
    return read_records(path, options)

"""The tensor ops of ``gt.io``: files, raw bytes, serialized tensors and images.

String results are scalar (or shaped) tensors of object dtype holding ``bytes``, as
TensorFlow's (a scalar's ``.numpy()`` is the ``bytes``); string inputs may be tensors,
``bytes``, ``str`` (UTF-8) or arrays of them.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .._engine.tensor import Tensor, as_dtype, to_array, wrap
from ..errors import InvalidArgumentError, NotFoundError
from ..summary import _proto
from . import _png

__all__ = ["decode_compressed", "decode_png", "decode_raw", "encode_png", "matching_files", "parse_tensor",
           "read_file", "serialize_tensor", "write_file"]


def _bytes_array(value: Any, op: str, arg: str) -> np.ndarray:
    """An object array of ``bytes`` from a string tensor, bytes, str or a (nested) list."""
    a = value.numpy() if isinstance(value, Tensor) else value
    if isinstance(a, (bytes, bytearray, str)):
        out = np.empty((), object)
        out[()] = a.encode() if isinstance(a, str) else bytes(a)
        return out
    arr = np.asarray(a, dtype=object)
    out = np.empty(arr.shape, object)
    for i, e in enumerate(arr.reshape(-1)):
        if isinstance(e, str):
            e = e.encode()
        if not isinstance(e, (bytes, bytearray)):
            raise TypeError(f"{op}: {arg} must be a string tensor, got an element of type {type(e).__name__}")
        out.reshape(-1)[i] = bytes(e)
    return out


def _scalar_bytes(value: Any, op: str, arg: str) -> bytes:
    a = _bytes_array(value, op, arg)
    if a.ndim != 0:
        raise ValueError(f"{op}: {arg} must be a scalar string, got shape {a.shape}")
    return a[()]


def _string(data: bytes) -> Tensor:
    out = np.empty((), object)
    out[()] = data
    return wrap(out)


def _path(value: Any, op: str) -> str:
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return _scalar_bytes(value, op, "filename").decode()


def read_file(filename: Any, name: str | None = None) -> Tensor:
    """The contents of a file as a scalar string tensor, as ``tf.io.read_file``.

    >>> import os, tempfile, gradtape as gt
    >>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> gt.io.write_file(path, b"hello")
    >>> gt.io.read_file(path).numpy()
    b'hello'
    """
    path = _path(filename, "read_file")
    try:
        with open(path, "rb") as f:
            return _string(f.read())
    except FileNotFoundError:
        raise NotFoundError(f"{path}; No such file or directory") from None


def write_file(filename: Any, contents: Any, name: str | None = None) -> None:
    """Write a scalar string to a file, creating its directories, as ``tf.io.write_file``.

    >>> import os, tempfile, gradtape as gt
    >>> path = os.path.join(tempfile.mkdtemp(), "sub", "b.bin")
    >>> gt.io.write_file(path, gt.io.serialize_tensor([1, 2]))
    >>> os.path.getsize(path)
    18
    """
    path = _path(filename, "write_file")
    data = _scalar_bytes(contents, "write_file", "contents")
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def decode_raw(input_bytes: Any, out_type: Any, little_endian: bool = True, fixed_length: int | None = None,
               name: str | None = None) -> Tensor:
    """Reinterpret the bytes of each string as a vector of ``out_type``, as
    ``tf.io.decode_raw``: the result has shape ``input.shape + [n]``. Strings must all have
    the same length, or give ``fixed_length`` (each is cut or zero-padded to it).

    >>> import gradtape as gt
    >>> gt.io.decode_raw(b"\\x01\\x00\\x02\\x00", gt.int16).numpy()
    array([1, 2], dtype=int16)
    """
    data = _bytes_array(input_bytes, "decode_raw", "input_bytes")
    dtype = np.dtype(as_dtype(out_type))
    if dtype.kind not in "biufc":
        raise TypeError(f"decode_raw: out_type must be a numeric dtype, got {dtype.name}")
    flat = list(data.reshape(-1))
    if fixed_length is not None:
        fixed_length = int(fixed_length)
        flat = [b[:fixed_length].ljust(fixed_length, b"\x00") for b in flat]
    size = len(flat[0]) if flat else 0
    for i, b in enumerate(flat):
        if len(b) != size:
            raise InvalidArgumentError(f"decode_raw: DecodeRaw requires input strings to all be the same size, "
                                       f"but element {i} has size {len(b)} != {size}")
    if size % dtype.itemsize:
        raise InvalidArgumentError(f"decode_raw: Input to DecodeRaw has length {size} that is not a multiple of "
                                   f"{dtype.itemsize}, the size of {dtype.name}")
    order = dtype.newbyteorder("<" if little_endian else ">")
    values = np.frombuffer(b"".join(flat), order).astype(dtype)
    return wrap(values.reshape(*data.shape, size // dtype.itemsize))


def serialize_tensor(tensor: Any, name: str | None = None) -> Tensor:
    """A tensor as the bytes of a ``TensorProto``, as ``tf.io.serialize_tensor`` (numbers in
    ``tensor_content``, strings in ``string_val``).

    >>> import gradtape as gt
    >>> gt.io.serialize_tensor(gt.constant([1, 2], gt.int32)).numpy()
    b'\\x08\\x03\\x12\\x04\\x12\\x02\\x08\\x02"\\x08\\x01\\x00\\x00\\x00\\x02\\x00\\x00\\x00'
    """
    a = np.asarray(to_array(tensor))  # Python numbers as tf.constant makes them
    if a.dtype.kind in "OSU":
        a = _bytes_array(a, "serialize_tensor", "tensor")
    return _string(_proto.encode_tensor(a))


def parse_tensor(serialized: Any, out_type: Any, name: str | None = None) -> Tensor:
    """The tensor in the bytes of a ``TensorProto``, as ``tf.io.parse_tensor``; ``out_type``
    must be the tensor's dtype.

    >>> import gradtape as gt
    >>> t = gt.io.parse_tensor(gt.io.serialize_tensor([[1.5], [2.5]]), gt.float32)
    >>> t.numpy().tolist(), t.dtype.name
    ([[1.5], [2.5]], 'float32')
    """
    data = _scalar_bytes(serialized, "parse_tensor", "serialized")
    try:
        value = _proto.decode_tensor(data)
    except (ValueError, IndexError) as e:
        raise InvalidArgumentError(f"parse_tensor: Could not parse `serialized` as TensorProto ({e})") from None
    want = np.dtype(as_dtype(out_type))
    if value.dtype != want:
        raise InvalidArgumentError(f"parse_tensor: Type mismatch between parsed tensor ({value.dtype.name}) and "
                                   f"dtype ({want.name})")
    return wrap(value)


def encode_png(image: Any, compression: int = -1, name: str | None = None) -> Tensor:
    """PNG-encode a ``[height, width, channels]`` uint8 or uint16 image (1 to 4 channels), as
    ``tf.io.encode_png``; the bytes equal TensorFlow's.

    >>> import numpy as np, gradtape as gt
    >>> png = gt.io.encode_png(np.zeros((2, 3, 3), np.uint8))
    >>> png.numpy()[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    a = image.numpy() if isinstance(image, Tensor) else np.asarray(image)
    return _string(_png.encode(a, int(compression)))


def decode_png(contents: Any, channels: int = 0, dtype: Any = np.uint8, name: str | None = None) -> Tensor:
    """Decode a PNG to a ``[height, width, channels]`` uint8 or uint16 tensor, as
    ``tf.io.decode_png``: ``channels`` 0 keeps the file's, 1 gray, 3 RGB, 4 RGBA.

    >>> import numpy as np, gradtape as gt
    >>> img = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    >>> bool((gt.io.decode_png(gt.io.encode_png(img)).numpy() == img).all())
    True
    """
    data = _scalar_bytes(contents, "decode_png", "contents")
    return wrap(_png.decode(data, int(channels), np.dtype(as_dtype(dtype))))


def decode_compressed(bytes: Any, compression_type: str = "", name: str | None = None) -> Tensor:  # noqa: A002
    """Decompress each string of ``bytes`` (``"ZLIB"``, ``"GZIP"``, or ``""``: as they are), as
    ``tf.io.decode_compressed``.

    >>> import gzip, gradtape as gt
    >>> gt.io.decode_compressed(gzip.compress(b"abc"), "GZIP").numpy()
    b'abc'
    """
    import zlib
    kind = (compression_type or "").upper()
    if kind not in ("", "ZLIB", "GZIP"):
        raise ValueError(f"decode_compressed: compression_type must be '', 'ZLIB' or 'GZIP', got {compression_type!r}")
    a = _bytes_array(bytes, "decode_compressed", "bytes")
    out = np.empty(a.shape, dtype=object)
    for i, b in np.ndenumerate(a):
        try:
            out[i] = b if not kind else zlib.decompress(b, 31 if kind == "GZIP" else 15)
        except zlib.error as e:
            raise InvalidArgumentError(f"decode_compressed: element {list(i)} is not valid {kind} data ({e})") from None
    return wrap(out)


def matching_files(pattern: Any, name: str | None = None) -> Tensor:
    """The sorted file names matching a glob ``pattern`` (or each of several), as
    ``tf.io.matching_files``.

    >>> import os, tempfile, gradtape as gt
    >>> d = tempfile.mkdtemp(); _ = [open(os.path.join(d, n), "w").close() for n in ("b.txt", "a.txt")]
    >>> [os.path.basename(p) for p in gt.io.matching_files(os.path.join(d, "*.txt")).numpy()]
    [b'a.txt', b'b.txt']
    """
    import glob
    patterns = _bytes_array(pattern, "matching_files", "pattern").reshape(-1)
    names = sorted({p for pat in patterns for p in glob.glob(pat.decode("utf-8", "surrogateescape"))})
    out = np.empty(len(names), dtype=object)
    out[:] = [n.encode("utf-8", "surrogateescape") for n in names]
    return wrap(out)

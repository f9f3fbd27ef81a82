"""The protocol buffer messages of an event file, encoded and decoded by hand (no protobuf).

Only what TensorBoard's event files use: ``Event`` (tensorflow/core/util/event.proto),
``Summary``, ``Summary.Value`` and ``SummaryMetadata`` (summary.proto), ``TensorProto`` and
``TensorShapeProto``. Fields are written in field-number order, as the C++ serializer does, so
the bytes equal TensorFlow's for the same content.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

# TensorFlow's DataType enum (types.proto) <-> NumPy
_DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 5: np.int16, 6: np.int8,
           7: np.object_, 8: np.complex64, 9: np.int64, 10: np.bool_, 17: np.uint16,
           18: np.complex128, 19: np.float16, 22: np.uint32, 23: np.uint64}
_ENUM = {np.dtype(t): k for k, t in _DTYPES.items() if t is not np.object_}
DT_STRING = 7


# -- encoding ----------------------------------------------------------------------------------
def varint(n: int) -> bytes:
    """Base-128 varint of ``n`` (negative int64 values as their 64-bit two's complement)."""
    n &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(number: int, wire: int) -> bytes:
    return varint(number << 3 | wire)


def len_field(number: int, data: bytes) -> bytes:
    """A length-delimited field (string, bytes or message)."""
    return _key(number, 2) + varint(len(data)) + data


def _str_field(number: int, text: str | bytes) -> bytes:
    """A string field, omitted when empty (proto3)."""
    data = text.encode() if isinstance(text, str) else bytes(text)
    return len_field(number, data) if data else b""


def encode_tensor(array: np.ndarray) -> bytes:
    """A ``TensorProto`` as TensorFlow's summary writer makes it: strings in ``string_val``,
    every other dtype as raw little-endian bytes in ``tensor_content``."""
    array = np.asarray(array)
    if array.dtype.kind in "USO":
        dtype = DT_STRING
    else:
        if array.dtype.byteorder == ">":
            array = array.astype(array.dtype.newbyteorder("<"))
        if array.dtype not in _ENUM:
            raise TypeError(f"summary: cannot write a tensor of dtype {array.dtype}")
        dtype = _ENUM[array.dtype]
    dims = b"".join(len_field(2, _key(1, 0) + varint(d) if d else b"") for d in array.shape)
    out = _key(1, 0) + varint(dtype) + len_field(2, dims)
    if dtype == DT_STRING:
        for s in array.reshape(-1).tolist():
            out += len_field(8, s.encode() if isinstance(s, str) else bytes(s))
    elif array.size:
        out += len_field(4, np.ascontiguousarray(array).tobytes())
    return out


def encode_metadata(plugin_name: str, content: bytes = b"", display_name: str = "",
                    description: str = "") -> bytes:
    """A ``SummaryMetadata`` naming the TensorBoard plugin that shows the value."""
    plugin = _str_field(1, plugin_name) + _str_field(2, content)
    return len_field(1, plugin) + _str_field(2, display_name) + _str_field(3, description or "")


def encode_value(tag: str, tensor: bytes, metadata: bytes = b"") -> bytes:
    """A ``Summary.Value``: the tag, the encoded tensor and the encoded metadata."""
    out = len_field(1, tag.encode()) + len_field(8, tensor)
    return out + (len_field(9, metadata) if metadata else b"")


def encode_event(wall_time: float, step: int = 0, values: list[bytes] | None = None,
                 file_version: str = "", source_writer: str = "") -> bytes:
    """An ``Event``: ``values`` are encoded ``Summary.Value`` messages."""
    out = _key(1, 1) + struct.pack("<d", wall_time)
    if step:
        out += _key(2, 0) + varint(step)
    out += _str_field(3, file_version)
    if values is not None:
        out += len_field(5, b"".join(len_field(1, v) for v in values))
    if source_writer:
        out += len_field(10, _str_field(1, source_writer))
    return out


# -- decoding ----------------------------------------------------------------------------------
def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated protocol buffer (varint)")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(buf: bytes):
    """``(number, wire type, value)`` of each field of a message: ints for varints, bytes
    for the rest (8 or 4 raw bytes for fixed64/fixed32)."""
    pos, n = 0, len(buf)
    while pos < n:
        key, pos = _read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            size, pos = _read_varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported protocol buffer wire type {wire}")
        if pos > n:
            raise ValueError("truncated protocol buffer")
        yield number, wire, value


def _signed64(n: int) -> int:
    return n - (1 << 64) if n >= 1 << 63 else n


@dataclass
class PluginData:
    """``SummaryMetadata.PluginData``: the plugin that shows a value and its own content."""
    plugin_name: str = ""
    content: bytes = b""


@dataclass
class SummaryMetadata:
    """``SummaryMetadata``: the plugin data, display name and description of a value."""
    plugin_data: PluginData = field(default_factory=PluginData)
    display_name: str = ""
    summary_description: str = ""


@dataclass
class Value:
    """``Summary.Value``: ``tensor`` is a NumPy array (strings as ``bytes`` objects), or
    ``None`` for a legacy value; ``simple_value`` holds a TensorFlow 1 scalar."""
    tag: str = ""
    tensor: np.ndarray | None = None
    metadata: SummaryMetadata = field(default_factory=SummaryMetadata)
    simple_value: float | None = None


@dataclass
class Summary:
    """``Summary``: a list of values."""
    value: list = field(default_factory=list)


@dataclass
class Event:
    """``Event``: the wall time, the step and one of a file version or a summary."""
    wall_time: float = 0.0
    step: int = 0
    file_version: str = ""
    summary: Summary | None = None

    def HasField(self, name: str) -> bool:  # noqa: N802 - the protobuf method's name
        """As a protobuf message's: ``event.HasField("summary")``."""
        return bool(getattr(self, name))


_FIXED = {5: "f", 6: "d", 9: "f", 12: "d"}  # float_val, double_val and the complex pairs


def _repeated(number: int, wire: int, value) -> list:
    """The values of one repeated numeric field, packed or not."""
    fmt = _FIXED.get(number)
    if fmt is not None:
        raw = bytes(value)
        return list(struct.unpack(f"<{len(raw) // struct.calcsize(fmt)}{fmt}", raw))
    if wire == 0:
        return [value]
    out, pos = [], 0
    while pos < len(value):
        v, pos = _read_varint(value, pos)
        out.append(v)
    return out


def decode_tensor(buf: bytes) -> np.ndarray:
    """A ``TensorProto`` as a NumPy array (as ``tf.make_ndarray``)."""
    dtype, shape, content, vals = 0, [], None, []
    for number, wire, value in fields(buf):
        if number == 1:
            dtype = value
        elif number == 2:
            for n, _, dim in fields(value):
                if n == 2:
                    shape.append(next((_signed64(v) for k, _, v in fields(dim) if k == 1), 0))
        elif number == 4:
            content = value
        elif number == 8:
            vals.append(bytes(value))
        elif number in (5, 6, 7, 9, 10, 11, 12, 13, 16, 17):
            vals.extend(_repeated(number, wire, value))
    if dtype not in _DTYPES:
        raise ValueError(f"read_events: unsupported tensor dtype enum {dtype}")
    np_dtype = np.dtype(_DTYPES[dtype])
    count = int(np.prod(shape)) if shape else 1
    if content is not None and dtype != DT_STRING:
        return np.frombuffer(content, np_dtype.newbyteorder("<")).astype(np_dtype).reshape(shape)
    if dtype == DT_STRING:
        arr = np.empty(len(vals), dtype=object)
        arr[:] = vals
    elif dtype == 19:  # half_val holds the float16 bits
        arr = np.array(vals, np.uint16).view(np.float16)
    elif np_dtype.kind == "c":
        arr = np.array(vals, np.float64).reshape(-1, 2) @ np.array([1, 1j])
    elif np_dtype.kind == "i":
        arr = np.array([_signed64(v) for v in vals], np.int64)
    else:
        arr = np.array(vals)
    arr = arr.astype(np_dtype)
    if arr.size < count:  # TensorFlow repeats the last value (or zeros) to fill the shape
        arr = np.pad(arr, (0, count - arr.size), "edge") if arr.size else np.zeros(count, np_dtype)
    return arr[:count].reshape(shape)


def _decode_metadata(buf: bytes) -> SummaryMetadata:
    md = SummaryMetadata()
    for number, _, value in fields(buf):
        if number == 1:
            for n, _, v in fields(value):
                if n == 1:
                    md.plugin_data.plugin_name = bytes(v).decode()
                elif n == 2:
                    md.plugin_data.content = bytes(v)
        elif number == 2:
            md.display_name = bytes(value).decode()
        elif number == 3:
            md.summary_description = bytes(value).decode()
    return md


def _decode_value(buf: bytes) -> Value:
    out = Value()
    for number, _, value in fields(buf):
        if number == 1:
            out.tag = bytes(value).decode()
        elif number == 2:
            out.simple_value = struct.unpack("<f", value)[0]
        elif number == 8:
            out.tensor = decode_tensor(value)
        elif number == 9:
            out.metadata = _decode_metadata(value)
    return out


def decode_event(buf: bytes) -> Event:
    """An ``Event`` from its encoded bytes (fields other than the ones above are skipped)."""
    ev = Event()
    for number, _, value in fields(buf):
        if number == 1:
            ev.wall_time = struct.unpack("<d", value)[0]
        elif number == 2:
            ev.step = _signed64(value)
        elif number == 3:
            ev.file_version = bytes(value).decode()
        elif number == 5:
            ev.summary = Summary([_decode_value(v) for n, _, v in fields(value) if n == 1])
    return ev

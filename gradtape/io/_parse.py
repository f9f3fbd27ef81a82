"""``parse_example`` and ``parse_single_example``: serialized ``tf.train.Example`` records to
tensors, with the feature configurations of ``tf.io`` (``FixedLenFeature``,
``VarLenFeature``, ``FixedLenSequenceFeature``).

Values come out as TensorFlow gives them: float32, int64, or strings as object arrays of
``bytes``; a ``VarLenFeature`` as a :class:`gradtape.SparseTensor`. The errors (a required
feature that is missing, a type or a count that does not match) are
``InvalidArgumentError`` with TensorFlow's wording.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._engine.tensor import Tensor, as_dtype, wrap
from ..errors import InvalidArgumentError
from ..sparse_tensor import SparseTensor
from ..summary._proto import _read_varint
from ..summary._proto import fields as _fields

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "VarLenFeature", "parse_example",
           "parse_single_example"]

_KINDS = {1: "bytes", 2: "float", 3: "int64"}
_TYPE_NAMES = {"bytes": "string", "float": "float", "int64": "int64"}


class FixedLenFeature(NamedTuple):
    """A feature of a fixed ``shape`` and ``dtype`` (``gt.int64``, ``gt.float32`` or
    ``gt.string``), as ``tf.io.FixedLenFeature``; ``default_value`` is used when an example
    lacks it (without one, the feature is required).

    >>> import gradtape as gt
    >>> gt.io.FixedLenFeature([2], gt.float32, default_value=[0.0, 0.0]).shape
    [2]
    """

    shape: Any
    dtype: Any
    default_value: Any = None


class VarLenFeature(NamedTuple):
    """A feature of any number of values, parsed to a ``SparseTensor``, as
    ``tf.io.VarLenFeature``.

    >>> import gradtape as gt
    >>> gt.io.VarLenFeature(gt.int64).dtype == gt.int64
    True
    """

    dtype: Any


class FixedLenSequenceFeature(NamedTuple):
    """A feature holding any number of items of ``shape``, stacked (and, across a batch, padded
    with ``default_value``), as ``tf.io.FixedLenSequenceFeature``; ``allow_missing=True`` is
    required for ``parse_example``.

    >>> import gradtape as gt
    >>> gt.io.FixedLenSequenceFeature([], gt.int64, allow_missing=True).allow_missing
    True
    """

    shape: Any
    dtype: Any
    allow_missing: bool = False
    default_value: Any = None


def _kind(dtype: Any, key: str) -> str:
    d = np.dtype(as_dtype(dtype))
    if d == np.float32:
        return "float"
    if d == np.int64:
        return "int64"
    if d.kind in "OSU":
        return "bytes"
    raise ValueError(f"Feature {key}: unsupported dtype {d.name}; give gt.float32, gt.int64 or gt.string")


def _np_dtype(kind: str) -> np.dtype:
    return np.dtype({"float": np.float32, "int64": np.int64, "bytes": object}[kind])


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def _decode_list(kind: str, buf: bytes) -> list | np.ndarray:
    if kind == "bytes":
        return [bytes(v) for n, _, v in _fields(buf) if n == 1]
    if kind == "float":
        parts = []
        for n, _, v in _fields(buf):
            if n == 1:
                parts.append(np.frombuffer(bytes(v), "<f4"))
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
    out: list = []
    for n, wire, v in _fields(buf):
        if n != 1:
            continue
        if wire == 0:
            out.append(_signed(v))
            continue
        pos, raw = 0, bytes(v)
        while pos < len(raw):
            x, pos = _read_varint(raw, pos)
            out.append(_signed(x))
    return out


def _example_features(buf: bytes) -> dict:
    """``{name: (kind or None, encoded list)}`` of a serialized Example (last entry wins)."""
    out: dict = {}
    for n, _, features in _fields(buf):
        if n != 1:
            continue
        for m, _, entry in _fields(features):
            if m != 1:
                continue
            key, value = "", b""
            for k, _, v in _fields(entry):
                if k == 1:
                    key = bytes(v).decode("utf-8", "surrogateescape")
                elif k == 2:
                    value = v
            kind, body = None, b""
            for k, _, v in _fields(value):
                if k in _KINDS:
                    kind, body = _KINDS[k], v
            out[key] = (kind, body)
    return out


def _strings(serialized: Any) -> np.ndarray:
    a = serialized.numpy() if isinstance(serialized, Tensor) else serialized
    if isinstance(a, (bytes, str)):
        a = [a]
        scalar = True
    else:
        scalar = False
    arr = np.asarray(a, dtype=object)
    flat = [e.encode() if isinstance(e, str) else bytes(e) for e in arr.reshape(-1)]
    out = np.empty(len(flat), object)
    out[:] = flat
    return out.reshape(() if scalar else arr.shape)


def _default(spec: Any, kind: str, shape: tuple, key: str) -> np.ndarray | None:
    if spec.default_value is None:
        return None
    value = spec.default_value
    if kind == "bytes":
        flat = np.asarray(value, dtype=object).reshape(-1)
        arr = np.empty(flat.size, object)
        arr[:] = [e.encode() if isinstance(e, str) else bytes(e) for e in flat]
    else:
        arr = np.asarray(value.numpy() if isinstance(value, Tensor) else value, _np_dtype(kind)).reshape(-1)
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"Feature {key}: default_value has {arr.size} values, but its shape {list(shape)} "
                         f"holds {int(np.prod(shape))}")
    return arr.reshape(shape)


def _values(features: dict, key: str, kind: str, index: int) -> list | np.ndarray | None:
    if key not in features:
        return None
    got, body = features[key]
    if got is None:
        return np.zeros(0, _np_dtype(kind)) if kind != "bytes" else []
    if got != kind:
        raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: {index}.  Data types don't match. "
                                   f"Data type: {_TYPE_NAMES[got]} but expected type: {_TYPE_NAMES[kind]}")
    return _decode_list(kind, body)


def _array(values: Any, kind: str) -> np.ndarray:
    if kind == "bytes":
        out = np.empty(len(values), object)
        out[:] = list(values)
        return out
    return np.asarray(values, _np_dtype(kind))


def _parse_batch(records: np.ndarray, features: dict, method: str) -> dict:
    if not isinstance(features, dict) or not features:
        raise ValueError(f"{method}: features must be a non-empty dict of feature configurations")
    parsed = [_example_features(r) for r in records]
    out: dict = {}
    for key, spec in features.items():
        kind = _kind(spec.dtype, key)
        per = [_values(p, key, kind, i) for i, p in enumerate(parsed)]
        if isinstance(spec, FixedLenFeature):
            shape = tuple(int(d) for d in spec.shape)
            size = int(np.prod(shape))
            default = _default(spec, kind, shape, key)
            rows = []
            for i, v in enumerate(per):
                if v is None:
                    if default is None:
                        raise InvalidArgumentError(f"Name: <unknown>, Feature: {key} (data type: "
                                                   f"{_TYPE_NAMES[kind]}) is required but could not be found.")
                    rows.append(default)
                    continue
                if len(v) != size:
                    raise InvalidArgumentError(
                        f"Name: <unknown>, Key: {key}, Index: {i}.  Number of {_TYPE_NAMES[kind]} values != "
                        f"expected.  Values size: {len(v)} but output shape: {list(shape)}")
                rows.append(_array(v, kind).reshape(shape))
            batch = np.empty((len(rows), *shape), _np_dtype(kind))
            for i, r in enumerate(rows):
                batch[i] = r
            out[key] = batch
        elif isinstance(spec, FixedLenSequenceFeature):
            if not spec.allow_missing:
                raise ValueError(f"Unsupported: FixedLenSequenceFeature requires allow_missing to be True "
                                 f"(feature {key})")
            shape = tuple(int(d) for d in spec.shape)
            size = max(int(np.prod(shape)), 1)
            arrays = [_array(v if v is not None else [], kind) for v in per]
            for i, a in enumerate(arrays):
                if a.size % size:
                    raise InvalidArgumentError(
                        f"Name: <unknown>, Key: {key}, Index: {i}.  Number of {_TYPE_NAMES[kind]} values is not a "
                        f"multiple of {size} for shape {list(shape)}")
            longest = max((a.size // size for a in arrays), default=0)
            fill = spec.default_value if spec.default_value is not None else (b"" if kind == "bytes" else 0)
            batch = np.empty((len(arrays), longest, *shape), _np_dtype(kind))
            batch[...] = fill.encode() if isinstance(fill, str) else fill
            for i, a in enumerate(arrays):
                batch[i, :a.size // size] = a.reshape(-1, *shape)
            out[key] = batch
        elif isinstance(spec, VarLenFeature):
            arrays = [_array(v if v is not None else [], kind) for v in per]
            idx = [np.stack([np.full(a.size, i), np.arange(a.size)], 1) for i, a in enumerate(arrays)]
            indices = np.concatenate(idx).astype(np.int64) if idx else np.zeros((0, 2), np.int64)
            values = np.concatenate(arrays) if arrays else _array([], kind)
            longest = max((a.size for a in arrays), default=0)
            out[key] = (indices.reshape(-1, 2), values.astype(_np_dtype(kind)), [len(arrays), longest])
        else:
            raise TypeError(f"{method}: feature {key} has an unsupported configuration {type(spec).__name__}; "
                            "give FixedLenFeature, VarLenFeature or FixedLenSequenceFeature")
    return out


def _sparse(indices: np.ndarray, values: np.ndarray, shape: list) -> SparseTensor:
    return SparseTensor(indices, wrap(values), np.asarray(shape, np.int64))


def parse_example(serialized: Any, features: dict, example_names: Any = None, name: str | None = None) -> dict:
    """Parse a batch (1-D) of serialized ``Example`` records into a dict of tensors, as
    ``tf.io.parse_example``: ``[batch, *shape]`` for a ``FixedLenFeature``, a ``SparseTensor``
    of dense shape ``[batch, longest]`` for a ``VarLenFeature``, ``[batch, longest, *shape]``
    for a ``FixedLenSequenceFeature`` (padded with its default).

    >>> import gradtape as gt
    >>> def ex(v):
    ...     f = gt.train.Feature(int64_list=gt.train.Int64List(value=v))
    ...     return gt.train.Example(features=gt.train.Features(feature={"x": f})).SerializeToString()
    >>> out = gt.io.parse_example([ex([1, 2]), ex([3])], {"x": gt.io.VarLenFeature(gt.int64)})
    >>> out["x"].indices.numpy().tolist(), out["x"].values.numpy().tolist(), out["x"].dense_shape.numpy().tolist()
    ([[0, 0], [0, 1], [1, 0]], [1, 2, 3], [2, 2])
    """
    records = _strings(serialized)
    if records.ndim != 1:
        raise ValueError(f"parse_example: serialized must be a vector of records, got shape {records.shape}; "
                         "use parse_single_example for one record")
    out = {}
    for key, value in _parse_batch(records, features, "parse_example").items():
        out[key] = _sparse(*value) if isinstance(value, tuple) else wrap(value)
    return out


def parse_single_example(serialized: Any, features: dict, example_names: Any = None,
                         name: str | None = None) -> dict:
    """Parse one serialized ``Example`` into a dict of tensors, as
    ``tf.io.parse_single_example``: a ``FixedLenFeature`` of its ``shape``, a ``SparseTensor``
    (dense shape ``[count]``) for a ``VarLenFeature``.

    >>> import gradtape as gt
    >>> ex = gt.train.Example(features=gt.train.Features(feature={
    ...     "image": gt.train.Feature(float_list=gt.train.FloatList(value=[0.5, 1.5])),
    ...     "label": gt.train.Feature(int64_list=gt.train.Int64List(value=[3]))}))
    >>> spec = {"image": gt.io.FixedLenFeature([2], gt.float32),
    ...         "label": gt.io.FixedLenFeature([], gt.int64),
    ...         "weight": gt.io.FixedLenFeature([], gt.float32, default_value=1.0)}
    >>> out = gt.io.parse_single_example(ex.SerializeToString(), spec)
    >>> out["image"].numpy().tolist(), int(out["label"]), float(out["weight"])
    ([0.5, 1.5], 3, 1.0)
    """
    record = _strings(serialized)
    if record.ndim != 0:
        raise ValueError(f"parse_single_example: serialized must be a scalar (one record), got shape "
                         f"{record.shape}; use parse_example for a batch")
    out = {}
    for key, value in _parse_batch(record.reshape(1), features, "parse_single_example").items():
        if isinstance(value, tuple):
            indices, values, shape = value
            out[key] = _sparse(indices[:, 1:], values, shape[1:])
        else:
            out[key] = wrap(value[0])
    return out


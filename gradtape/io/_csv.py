"""``decode_csv``: CSV records to column tensors, as ``tf.io.decode_csv``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, to_array, wrap
from ..errors import InvalidArgumentError
from ._ops import _bytes_array

__all__ = ["decode_csv"]

_TYPES = (np.float32, np.float64, np.int32, np.int64)


def _split(record: bytes, delim: bytes, quotes: bool, index: int) -> list[bytes]:
    fields, i, n = [], 0, len(record)
    while True:
        if quotes and i < n and record[i:i + 1] == b'"':
            out, i = bytearray(), i + 1
            while True:
                if i >= n:
                    raise InvalidArgumentError(f"decode_csv: Quoted field has to end with quote followed by delim "
                                               f"or end in record {index}")
                if record[i:i + 1] == b'"':
                    if record[i + 1:i + 2] == b'"':
                        out += b'"'
                        i += 2
                        continue
                    i += 1
                    break
                out += record[i:i + 1]
                i += 1
            if i < n and record[i:i + 1] != delim:
                raise InvalidArgumentError("decode_csv: Quote inside a string has to be escaped by another quote")
            fields.append(bytes(out))
        else:
            end = record.find(delim, i)
            end = n if end < 0 else end
            field = record[i:end]
            if quotes and (b'"' in field or b"\n" in field or b"\r" in field):
                raise InvalidArgumentError("decode_csv: Unquoted fields cannot have quotes/CRLFs inside")
            fields.append(field)
            i = end
        if i >= n:
            return fields
        i += 1  # the delimiter
        if i == n:
            fields.append(b"")
            return fields


def _default(value: Any, k: int) -> tuple[np.dtype, Any]:
    a = np.asarray(to_array(value))
    if a.ndim > 1:
        raise InvalidArgumentError("decode_csv: Each record default should be at most rank 1")
    if a.size > 1:
        raise InvalidArgumentError(f"decode_csv: record_defaults[{k}] must have 0 or 1 elements, got {a.size}")
    if a.dtype.kind in "OSU":
        dtype = np.dtype(object)
    elif a.dtype in _TYPES:
        dtype = a.dtype
    else:
        raise TypeError(f"decode_csv: record_defaults[{k}] has dtype {a.dtype.name}; give float32, float64, "
                        "int32, int64 or string")
    if a.size == 0:
        return dtype, None
    v = a.reshape(-1)[0]
    if dtype.kind == "O":
        return dtype, v.encode() if isinstance(v, str) else bytes(v)
    return dtype, v


def _convert(text: bytes, dtype: np.dtype, k: int, r: int) -> Any:
    if dtype.kind == "O":
        return text
    s = text.strip().decode("utf-8", "replace")
    try:
        if dtype.kind == "i":
            v = int(s, 10)
            info = np.iinfo(dtype)
            if not info.min <= v <= info.max:
                raise ValueError
            return v
        return float(s)
    except ValueError:
        raise InvalidArgumentError(f"decode_csv: Field {k} in record {r} is not a valid {dtype.name}: "
                                   f"{text.decode('utf-8', 'replace')}") from None


def decode_csv(records: Any, record_defaults: list, field_delim: str = ",", use_quote_delim: bool = True,
               name: str | None = None, na_value: str = "", select_cols: list | None = None) -> list:
    """Split each CSV record into columns, as ``tf.io.decode_csv``: ``record_defaults`` gives
    one default per column (``[0]``, ``[0.0]``, ``[""]``, a typed tensor; an empty one makes the
    column required), whose dtype is the column's. Returns one tensor per column, shaped like
    ``records``. Quoted fields may hold delimiters and doubled quotes.

    >>> import gradtape as gt
    >>> a, b, c = gt.io.decode_csv(["1,2.5,x", '2,,"y,z"'], [[0], [0.0], ["?"]])
    >>> a.numpy().tolist(), b.numpy().tolist(), c.numpy().tolist()
    ([1, 2], [2.5, 0.0], [b'x', b'y,z'])
    """
    data = _bytes_array(records, "decode_csv", "records")
    delim = field_delim.encode() if isinstance(field_delim, str) else bytes(field_delim)
    if len(delim) != 1:
        raise ValueError(f"decode_csv: field_delim must be one character, got {field_delim!r}")
    na = na_value.encode() if isinstance(na_value, str) else bytes(na_value)
    defaults = [_default(d.numpy() if isinstance(d, Tensor) else d, k) for k, d in enumerate(record_defaults)]
    cols = None if select_cols is None else [int(c) for c in select_cols]
    if cols is not None:
        if any(b <= a for a, b in zip(cols, cols[1:])) or (cols and cols[0] < 0):
            raise ValueError("decode_csv: select_cols must be non-negative and strictly increasing")
        if len(cols) != len(defaults):
            raise ValueError(f"decode_csv: select_cols has {len(cols)} columns but record_defaults has "
                             f"{len(defaults)}")
    flat = data.reshape(-1)
    columns = [np.empty(flat.size, dtype) for dtype, _ in defaults]
    for r, record in enumerate(flat):
        fields = _split(record, delim, use_quote_delim, r)
        if cols is not None:
            if len(fields) <= cols[-1]:
                raise InvalidArgumentError(f"decode_csv: Expect {cols[-1] + 1} fields but have {len(fields)} in "
                                           f"record {r}")
            fields = [fields[c] for c in cols]
        elif len(fields) != len(defaults):
            raise InvalidArgumentError(f"decode_csv: Expect {len(defaults)} fields but have {len(fields)} in "
                                       f"record {r}")
        for k, (text, (dtype, default)) in enumerate(zip(fields, defaults)):
            if text == b"" or (na and text == na):
                if default is None:
                    raise InvalidArgumentError(f"decode_csv: Field {k} is required but missing in record {r}!")
                columns[k][r] = default
            else:
                columns[k][r] = _convert(text, dtype, k, r)
    return [wrap(c.reshape(data.shape)) for c in columns]

"""The containers of :mod:`gradtape.io._message`: repeated scalar and message fields, message
maps, the scalar checks of Python protobuf and the text format's escaping."""

from __future__ import annotations

import numbers
import operator
from typing import Any, Callable, Iterable

import numpy as np

def _signed64(n: int) -> int:
    return n - (1 << 64) if n >= 1 << 63 else n


# -- scalar conversions (the checks and messages of Python protobuf) ---------------------------
def _to_bytes(v: Any) -> bytes:
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    raise TypeError(f"expected bytes, {type(v).__name__} found")


def _to_float(v: Any) -> float:
    if isinstance(v, (str, bytes)) or not isinstance(v, numbers.Real):
        raise TypeError(f"must be real number, not {type(v).__name__}")
    with np.errstate(over="ignore"):
        return float(np.float32(v))


def _to_int64(v: Any) -> int:
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("Expected an int, got a boolean.")
    n = operator.index(v)
    if not -(1 << 63) <= n < 1 << 63:
        raise ValueError(f"Value out of range: {n}")
    return n


_CONVERT = {"bytes": _to_bytes, "float": _to_float, "int64": _to_int64}


class _Scalars(list):
    """A repeated scalar field: a list that converts and checks what goes in."""

    def __init__(self, convert: Callable, hook: Callable[[], None]):
        super().__init__()
        self._convert, self._hook = convert, hook

    def append(self, v: Any) -> None:
        super().append(self._convert(v))
        self._hook()

    def extend(self, vs: Iterable) -> None:
        super().extend([self._convert(v) for v in vs])
        self._hook()

    def insert(self, i: Any, v: Any) -> None:
        super().insert(i, self._convert(v))
        self._hook()

    def __setitem__(self, i: Any, v: Any) -> None:
        super().__setitem__(i, [self._convert(e) for e in v] if isinstance(i, slice) else self._convert(v))
        self._hook()

    def __iadd__(self, vs: Iterable) -> _Scalars:
        self.extend(vs)
        return self

    def __delitem__(self, i: Any) -> None:
        super().__delitem__(i)
        self._hook()

    def pop(self, i: int = -1) -> Any:
        v = super().pop(i)
        self._hook()
        return v

    def remove(self, v: Any) -> None:
        super().remove(v)
        self._hook()

    def clear(self) -> None:
        super().clear()
        self._hook()


class _Messages(list):
    """A repeated message field: ``add(**fields)`` appends a new message."""

    def __init__(self, cls: type, hook: Callable[[], None]):
        super().__init__()
        self._cls, self._hook = cls, hook

    def _own(self, m: Any) -> Any:
        if not isinstance(m, self._cls):
            raise TypeError(f"expected {self._cls.__name__}, got {type(m).__name__}")
        new = self._cls()
        new.CopyFrom(m)
        new._hook = self._hook
        return new

    def add(self, **kwargs: Any) -> Any:
        m = self._cls(**kwargs)
        m._hook = self._hook
        super().append(m)
        self._hook()
        return m

    def append(self, m: Any) -> None:
        super().append(self._own(m))
        self._hook()

    def extend(self, ms: Iterable) -> None:
        super().extend([self._own(m) for m in ms])
        self._hook()


class _MessageMap(dict):
    """A ``map<string, message>`` field: reading a missing key adds an empty message."""

    def __init__(self, cls: type, hook: Callable[[], None]):
        super().__init__()
        self._cls, self._hook = cls, hook

    def __missing__(self, key: str) -> Any:
        if not isinstance(key, str):
            raise TypeError(f"map keys must be str, got {type(key).__name__}")
        m = self._cls()
        m._hook = self._hook
        super().__setitem__(key, m)
        self._hook()
        return m

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(value, self._cls):
            raise TypeError(f"map values must be {self._cls.__name__}, got {type(value).__name__}")
        self[key].CopyFrom(value)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._hook()

    def get_or_create(self, key: str) -> Any:
        return self[key]


def _escape(data: bytes) -> str:
    out = []
    for b in data:
        c = chr(b)
        if c in "\"'\\":
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            out.append(f"\\{b:03o}")
    return "".join(out)


def _float_text(v: float) -> str:
    """A float field in the text format: the shortest of 6 or 9 significant digits that reads
    back as the same float32."""
    s = f"{v:.6g}"
    if np.float32(float(s)) != np.float32(v) and v == v:
        s = f"{v:.9g}"
    return s

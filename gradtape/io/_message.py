"""A small protocol buffer message base for ``tf.train.Example`` and its parts (no protobuf).

A message class lists its fields as ``_FIELDS = {name: (number, kind, type)}`` with kind one
of ``"bytes"``, ``"float"``, ``"int64"`` (repeated scalars; floats and int64s packed, as
proto3 writes them), ``"msg"`` (a singular message, which has presence), ``"msgs"`` (repeated
messages) or ``"map"`` (``map<string, message>``). The API follows Python protobuf's:
keyword constructors, ``SerializeToString``, ``FromString``, ``ParseFromString``,
``CopyFrom``, ``HasField``, ``WhichOneof``, equality and the text format as ``repr``.

Reading a sub-message that is not set gives an empty one that becomes set once it (or
something inside it) is modified, so ``example.features.feature["x"].int64_list.value.append(1)``
builds the message as in protobuf. Map entries are written in key order, which is what
protobuf's deterministic serialization gives (its default order is that of a hash table with
a per-process seed, so it changes from run to run).
"""

from __future__ import annotations

import struct
from typing import Any

from ..summary._proto import _read_varint, len_field, varint
from ..summary._proto import fields as _wire_fields
from ._containers import _CONVERT, _escape, _float_text, _MessageMap, _Messages, _Scalars, _signed64

__all__ = ["Message"]


class Message:
    """The base of the message classes (see the module's docstring)."""

    _FIELDS: dict = {}
    _ONEOF: tuple = ()
    _ONEOF_NAME = ""
    __hash__ = None  # type: ignore[assignment]  # mutable, as protobuf messages

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError("No positional arguments allowed")
        object.__setattr__(self, "_hook", None)
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_present", set())
        for name, value in kwargs.items():
            if name not in self._FIELDS:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{name}" field.')
            if value is None:
                continue
            _, kind, cls = self._FIELDS[name]
            target = getattr(self, name)
            if kind == "msg":
                if isinstance(value, dict):
                    value = cls(**value)
                if not isinstance(value, cls):
                    raise TypeError(f"Parameter to initialize message field must be dict or instance of same "
                                    f"class: expected {cls.__name__} got {type(value).__name__}.")
                target.CopyFrom(value)
                self._mark(name)
            elif kind == "map":
                for k, v in dict(value).items():
                    target[k] = cls(**v) if isinstance(v, dict) else v
            elif kind == "msgs":
                target.extend(cls(**v) if isinstance(v, dict) else v for v in value)
            else:
                target.extend(value)

    # -- fields ----------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        spec = type(self)._FIELDS.get(name)
        if spec is None or name.startswith("_"):
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        values = self._values
        if name in values:
            return values[name]
        _, kind, cls = spec
        if kind == "msg":
            value = cls()
            value._hook = lambda: self._mark(name)
        elif kind == "msgs":
            value = _Messages(cls, self._modified)
        elif kind == "map":
            value = _MessageMap(cls, self._modified)
        else:
            value = _Scalars(_CONVERT[kind], self._modified)
        self._values[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._FIELDS:
            raise AttributeError(f'Assignment not allowed to field "{name}" in protocol message object.')
        if not name.startswith("_"):
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        object.__setattr__(self, name, value)

    def _modified(self) -> None:
        if self._hook is not None:
            self._hook()

    def _mark(self, name: str) -> None:
        if name in self._ONEOF:
            for other in self._ONEOF:
                if other != name:
                    self._present.discard(other)
                    self._values.pop(other, None)
        self._present.add(name)
        self._modified()

    def HasField(self, name: str) -> bool:  # noqa: N802 - protobuf's method names
        """Whether the message field (or the oneof, by its name) ``name`` is set."""
        if name == self._ONEOF_NAME and name:
            return any(n in self._present for n in self._ONEOF)
        if name not in self._FIELDS or self._FIELDS[name][1] != "msg":
            raise ValueError(f'Protocol message {type(self).__name__} has no singular "{name}" field.')
        return name in self._present

    def WhichOneof(self, oneof_group: str) -> str | None:  # noqa: N802
        """The name of the field of the oneof that is set, or ``None``."""
        if oneof_group != self._ONEOF_NAME or not oneof_group:
            raise ValueError(f'Protocol message has no oneof "{oneof_group}" field.')
        return next((n for n in self._ONEOF if n in self._present), None)

    def ClearField(self, name: str) -> None:  # noqa: N802
        """Reset the field ``name`` to its default (unset)."""
        self._values.pop(name, None)
        self._present.discard(name)
        self._modified()

    def Clear(self) -> None:  # noqa: N802
        """Reset every field."""
        self._values.clear()
        self._present.clear()
        self._modified()

    def CopyFrom(self, other: Message) -> None:  # noqa: N802
        """Make this message a copy of ``other`` (of the same type)."""
        if type(other) is not type(self):
            raise TypeError(f"CopyFrom: expected {type(self).__name__}, got {type(other).__name__}")
        if other is self:
            return
        self._values.clear()
        self._present.clear()
        self._merge(other.SerializeToString())
        self._modified()

    def MergeFrom(self, other: Message) -> None:  # noqa: N802
        """Merge the fields of ``other`` into this message, as protobuf does."""
        self.MergeFromString(other.SerializeToString())

    # -- wire format -------------------------------------------------------------------------------
    def _encode(self) -> bytes:
        out = bytearray()
        for name, (number, kind, _) in sorted(self._FIELDS.items(), key=lambda kv: kv[1][0]):
            if name not in self._values:
                continue
            value = self._values[name]
            if kind == "msg":
                if name in self._present:
                    out += len_field(number, value._encode())
            elif kind == "msgs":
                for m in value:
                    out += len_field(number, m._encode())
            elif kind == "map":
                for key in sorted(value, key=lambda k: k.encode()):
                    out += len_field(number, len_field(1, key.encode()) + len_field(2, value[key]._encode()))
            elif kind == "bytes":
                for b in value:
                    out += len_field(number, b)
            elif value:
                if kind == "float":
                    data = struct.pack(f"<{len(value)}f", *value)
                else:
                    data = b"".join(varint(v) for v in value)
                out += len_field(number, data)
        return bytes(out)

    def SerializeToString(self, deterministic: bool | None = None) -> bytes:  # noqa: N802
        """The message's wire-format bytes (map entries in key order, always)."""
        return self._encode()

    def ByteSize(self) -> int:  # noqa: N802
        """The length of :meth:`SerializeToString`."""
        return len(self._encode())

    def _merge(self, buf: bytes) -> None:
        by_number = {spec[0]: (name, spec[1], spec[2]) for name, spec in self._FIELDS.items()}
        for number, wire, value in _wire_fields(bytes(buf)):
            if number not in by_number:
                continue  # unknown fields are skipped
            name, kind, cls = by_number[number]
            target = getattr(self, name)
            if kind == "msg":
                target._merge(value)
                if name in self._ONEOF:
                    self._mark(name)
                self._present.add(name)
            elif kind == "msgs":
                m = cls()
                m._merge(value)
                target.append(m)
            elif kind == "map":
                key, entry = "", b""
                for n, _, v in _wire_fields(value):
                    if n == 1:
                        key = bytes(v).decode("utf-8", "surrogateescape")
                    elif n == 2:
                        entry = bytes(v)
                item = cls()
                item._merge(entry)
                target[key] = item
            elif kind == "bytes":
                list.append(target, bytes(value))
            elif kind == "float":
                raw = bytes(value)
                list.extend(target, struct.unpack(f"<{len(raw) // 4}f", raw))
            elif wire == 0:
                list.append(target, _signed64(value))
            else:
                pos, raw = 0, bytes(value)
                while pos < len(raw):
                    v, pos = _read_varint(raw, pos)
                    list.append(target, _signed64(v))

    def MergeFromString(self, serialized: bytes) -> int:  # noqa: N802
        """Merge the fields encoded in ``serialized`` into this message; returns its length."""
        self._merge(serialized)
        self._modified()
        return len(serialized)

    def ParseFromString(self, serialized: bytes) -> int:  # noqa: N802
        """Replace the message's content with the decoded ``serialized``; returns its length."""
        self._values.clear()
        self._present.clear()
        return self.MergeFromString(serialized)

    @classmethod
    def FromString(cls, serialized: bytes) -> Message:  # noqa: N802
        """A new message decoded from ``serialized``."""
        m = cls()
        m._merge(serialized)
        return m

    # -- comparison and text ---------------------------------------------------------------------
    def _content(self) -> dict:
        out = {}
        for name, (_, kind, _) in self._FIELDS.items():
            v = self._values.get(name)
            if kind == "msg":
                if name in self._present:
                    out[name] = v._content()
            elif v:
                if kind == "map":
                    out[name] = {k: m._content() for k, m in v.items()}
                elif kind == "msgs":
                    out[name] = [m._content() for m in v]
                else:
                    out[name] = list(v)
        return out

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._content() == other._content()  # type: ignore[attr-defined]

    def _text(self, indent: int) -> str:
        pad, out = " " * indent, []
        for name, (_, kind, _) in sorted(self._FIELDS.items(), key=lambda kv: kv[1][0]):
            v = self._values.get(name)
            if kind == "msg":
                if name in self._present:
                    out.append(f"{pad}{name} {{\n{v._text(indent + 2)}{pad}}}\n")
            elif kind == "msgs":
                out += [f"{pad}{name} {{\n{m._text(indent + 2)}{pad}}}\n" for m in v or ()]
            elif kind == "map":
                for key in sorted(v or (), key=lambda k: k.encode()):
                    key_text = _escape(key.encode())
                    out.append(f'{pad}{name} {{\n{pad}  key: "{key_text}"\n{pad}  value {{\n'
                               f"{v[key]._text(indent + 4)}{pad}  }}\n{pad}}}\n")
            elif kind == "bytes":
                out += [f'{pad}{name}: "{_escape(b)}"\n' for b in v or ()]
            elif kind == "float":
                out += [f"{pad}{name}: {_float_text(x)}\n" for x in v or ()]
            else:
                out += [f"{pad}{name}: {x}\n" for x in v or ()]
        return "".join(out)

    def __str__(self) -> str:
        return self._text(0)

    __repr__ = __str__

    def __reduce__(self):
        return (type(self).FromString, (self.SerializeToString(),))

    def __deepcopy__(self, memo: dict) -> Message:
        return type(self).FromString(self.SerializeToString())

    def __copy__(self) -> Message:
        return type(self).FromString(self.SerializeToString())

"""String operations, as ``tf.strings``: ``length``, ``lower``, ``upper``, ``strip``, ``join``,
``reduce_join``, ``split``, ``bytes_split``, ``substr``, ``regex_full_match``, ``regex_replace``,
``to_number``, ``as_string`` (also TensorFlow's top-level ``tf.as_string``), ``format`` and
``to_hash_bucket_fast``.

Representation. gradtape's string dtype ``gt.string`` is NumPy's object dtype, and the string
results of these ops are object arrays of Python ``str`` (``.numpy()`` gives
``array(['a', 'b'], dtype=object)``), where TensorFlow gives object arrays of ``bytes``
(``array([b'a', b'b'], dtype=object)``). The ops follow TensorFlow's byte semantics: a ``str``
element stands for its UTF-8 encoding, so ``length`` counts bytes by default and ``substr``
indexes bytes by default. A result element that is not valid UTF-8 (``substr`` cutting a
multi-byte character, ``bytes_split`` of non-ASCII text) is returned as ``bytes`` rather than
``str``, so nothing is lost. Inputs may be tensors, NumPy arrays (``str``, ``bytes`` or object
dtype) or nested lists of ``str`` or ``bytes``; ``bytes`` elements are taken as they are.

``split`` and ``bytes_split`` give a ``gt.RaggedTensor``, as TensorFlow. None of these ops has a
gradient: strings are not differentiable, and the numeric results (``length``, ``to_number``,
...) are computed from strings.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

import numpy as np

from .._engine.tensor import Tensor, as_dtype, to_array, wrap

_ASCII_SPACE = b" \t\n\v\f\r"
_TOKEN = re.compile(rb"[^ \t\n\v\f\r]+")
builtin_len = len  # substr has an argument named len


# -- conversion --------------------------------------------------------------------------------
def _strings(x: Any, op: str, arg: str) -> np.ndarray:
    """An object array of ``str``/``bytes`` elements, or a TypeError naming ``op`` and ``arg``."""
    if isinstance(x, Tensor):
        a = np.asarray(x._value)
    elif isinstance(x, (str, bytes)):
        a = np.empty((), dtype=object)
        a[()] = x
        return a
    else:
        try:
            a = np.asarray(x)
        except ValueError:
            raise ValueError(f"{op}: {arg} is ragged (its nested lists have different lengths); give a "
                             "rectangular nested list of strings") from None
    if a.dtype.kind == "U":
        return np.array([str(e) for e in a.reshape(-1)], dtype=object).reshape(a.shape)
    if a.dtype.kind == "S":
        return np.array([bytes(e) for e in a.reshape(-1)], dtype=object).reshape(a.shape)
    if a.size == 0:
        return np.empty(a.shape, dtype=object)
    if a.dtype.kind == "O" and all(isinstance(e, (str, bytes)) for e in a.reshape(-1)):
        return a
    raise TypeError(f"{op}: {arg} must be a string tensor (str or bytes elements), got dtype {a.dtype.name}; "
                    "convert numbers with gt.strings.as_string first")


def _b(e) -> bytes:
    return e if isinstance(e, bytes) else e.encode("utf-8", "surrogateescape")


def _t(e) -> str:
    return e if isinstance(e, str) else e.decode("utf-8", "surrogateescape")


def _out(b: bytes):
    """``str`` when ``b`` is valid UTF-8, else ``b`` itself."""
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b


def _map(fn, a: np.ndarray, dtype=object) -> np.ndarray:
    out = np.empty(a.shape, dtype=dtype)
    flat = out.reshape(-1)
    for i, e in enumerate(a.reshape(-1)):
        flat[i] = fn(e)
    return out


def _scalar_string(x: Any, op: str, arg: str) -> str:
    a = _strings(x, op, arg)
    if a.ndim != 0:
        raise ValueError(f"{op}: {arg} must be a scalar string, got shape {a.shape}; give one string")
    return _t(a[()])


def _unit(unit: str, op: str) -> str:
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"{op}: unit={unit!r} is not supported; use 'BYTE' or 'UTF8_CHAR'")
    return unit


# -- elementwise -------------------------------------------------------------------------------
def length(input: Any, unit: str = "BYTE", name: str | None = None) -> Tensor:
    """The length of each string: UTF-8 bytes (``unit="BYTE"``) or characters (``"UTF8_CHAR"``).

    >>> from gradtape import strings
    >>> strings.length(["héllo", ""]).numpy()
    array([6, 0], dtype=int32)
    >>> strings.length(["héllo", ""], unit="UTF8_CHAR").numpy()
    array([5, 0], dtype=int32)
    """
    a = _strings(input, "length", "input")
    if _unit(unit, "length") == "BYTE":
        return wrap(_map(lambda e: len(_b(e)), a, np.int32))
    # TensorFlow counts the bytes that do not continue a UTF-8 sequence
    return wrap(_map(lambda e: sum((c & 0xC0) != 0x80 for c in _b(e)), a, np.int32))


def _case(op: str, input: Any, encoding: str, ascii_fn, text_fn) -> Tensor:
    a = _strings(input, op, "input")
    if encoding == "":
        return wrap(_map(lambda e: _out(ascii_fn(_b(e))), a))
    if encoding.lower().replace("-", "").replace("_", "") != "utf8":
        raise ValueError(f"{op}: encoding={encoding!r} is not supported; use '' (ASCII letters only) or 'utf-8'")
    return wrap(_map(lambda e: _out(_b(text_fn(_t(e)))), a))


def lower(input: Any, encoding: str = "", name: str | None = None) -> Tensor:
    """Each string in lower case: ASCII letters only by default, all letters with ``encoding="utf-8"``.

    >>> from gradtape import strings
    >>> strings.lower(["HeLLo", "ÉTÉ"]).numpy()
    array(['hello', 'ÉtÉ'], dtype=object)
    >>> strings.lower(["ÉTÉ"], encoding="utf-8").numpy()
    array(['été'], dtype=object)
    """
    return _case("lower", input, encoding, bytes.lower, str.lower)


def upper(input: Any, encoding: str = "", name: str | None = None) -> Tensor:
    """Each string in upper case: ASCII letters only by default, all letters with ``encoding="utf-8"``.

    >>> from gradtape import strings
    >>> strings.upper(["hello", "été"]).numpy()
    array(['HELLO', 'éTé'], dtype=object)
    >>> strings.upper(["été"], encoding="utf-8").numpy()
    array(['ÉTÉ'], dtype=object)
    """
    return _case("upper", input, encoding, bytes.upper, str.upper)


def strip(input: Any, name: str | None = None) -> Tensor:
    """Each string without leading and trailing ASCII whitespace (space, ``\\t\\n\\v\\f\\r``).

    Non-ASCII spaces such as U+00A0 are kept, as in TensorFlow.

    >>> from gradtape import strings
    >>> strings.strip(["  hi\\t", "\\n", "a b "]).numpy()
    array(['hi', '', 'a b'], dtype=object)
    """
    a = _strings(input, "strip", "input")
    return wrap(_map(lambda e: _out(_b(e).strip(_ASCII_SPACE)), a))


def join(inputs: Sequence[Any], separator: str = "", name: str | None = None) -> Tensor:
    """The elementwise concatenation of a list of string tensors, with ``separator`` between them.

    The tensors must all have the same shape, or be scalars (which are repeated), as in TensorFlow.

    >>> from gradtape import strings
    >>> strings.join([["a", "b"], "x"], separator="-").numpy()
    array(['a-x', 'b-x'], dtype=object)
    """
    if isinstance(inputs, (str, bytes, Tensor, np.ndarray)):
        raise TypeError("join: inputs must be a list of string tensors, got a single "
                        f"{type(inputs).__name__}; wrap it in a list, or use reduce_join to join its elements")
    arrs = [_strings(x, "join", f"inputs[{i}]") for i, x in enumerate(inputs)]
    shapes = {a.shape for a in arrs if a.ndim}
    if len(shapes) > 1:
        raise ValueError(f"join: the inputs have shapes {sorted(shapes)}; they must all have the same shape or "
                         "be scalars (join does not broadcast further: use gt.broadcast_to first)")
    shape = shapes.pop() if shapes else ()
    sep = _b(separator)
    out = np.empty(shape, dtype=object)
    flat = out.reshape(-1)
    cols = [np.broadcast_to(a, shape).reshape(-1) for a in arrs]
    for i in range(flat.size):
        flat[i] = _out(sep.join(_b(c[i]) for c in cols))
    return wrap(out)


def reduce_join(inputs: Any, axis: int | Sequence[int] | None = None, keepdims: bool = False,
                separator: str = "", name: str | None = None) -> Tensor:
    """The concatenation of the strings along ``axis`` (all axes when None), with ``separator``.

    With several axes the first one listed varies fastest, as in TensorFlow.

    >>> from gradtape import strings
    >>> strings.reduce_join([["a", "b"], ["c", "d"]]).numpy()
    'abcd'
    >>> strings.reduce_join([["a", "b"], ["c", "d"]], axis=0, separator=",").numpy()
    array(['a,c', 'b,d'], dtype=object)
    """
    a = _strings(inputs, "reduce_join", "inputs")
    nd = a.ndim
    if axis is None:
        axes = list(range(nd))  # row-major order
    else:
        raw_axes = [axis] if isinstance(axis, (int, np.integer)) else list(np.asarray(axis).reshape(-1))
        axes = []
        for ax in raw_axes:
            ax = int(ax)
            if not -nd <= ax < max(nd, 1) or (nd == 0 and ax != 0):
                raise ValueError(f"reduce_join: axis {ax} is out of range for inputs of rank {nd}; "
                                 f"give axes in [{-nd}, {nd})")
            ax %= max(nd, 1)
            if ax in axes:
                raise ValueError(f"reduce_join: axis {ax} is listed twice; give each axis once")
            axes.append(ax)
        axes = axes[::-1] if nd else []
    kept = [d for d in range(nd) if d not in axes]
    moved = np.transpose(a, kept + axes) if nd else a
    kept_shape = tuple(a.shape[d] for d in kept)
    rows = moved.reshape(kept_shape + (int(np.prod([a.shape[d] for d in axes], dtype=np.int64)),))
    sep = _b(separator)
    out = np.empty(kept_shape, dtype=object)
    flat_out = out.reshape(-1)
    flat_rows = rows.reshape(flat_out.size, rows.shape[-1])
    for i in range(flat_out.size):
        flat_out[i] = _out(sep.join(_b(e) for e in flat_rows[i]))
    if keepdims:
        out = out.reshape(tuple(1 if d in axes else a.shape[d] for d in range(nd)))
    return wrap(out)


def _split_ragged(a: np.ndarray, fn) -> Any:
    """The pieces ``fn(e)`` of each string: a 1-D string tensor for a scalar ``a``, else a
    RaggedTensor of rank ``a.ndim + 1`` (the input's dimensions uniform, the pieces ragged)."""
    from ..ragged import RaggedTensor
    if a.ndim == 0:
        return wrap(_object_vector(fn(a[()])))
    parts = [fn(e) for e in a.reshape(-1)]
    out = RaggedTensor.from_row_lengths(wrap(_object_vector([p for ps in parts for p in ps])),
                                        [builtin_len(ps) for ps in parts])
    for d in reversed(a.shape[1:]):
        out = RaggedTensor.from_uniform_row_length(out, d)
    return out


def _object_vector(items: list) -> np.ndarray:
    out = np.empty(builtin_len(items), dtype=object)
    out[:] = items
    return out


def split(input: Any, sep: str | None = None, maxsplit: int = -1, name: str | None = None) -> Any:
    """Each string split at ``sep`` (runs of ASCII whitespace when ``sep`` is None or empty).

    As TensorFlow: a RaggedTensor of rank N + 1 for an input of rank N >= 1 (the pieces of
    each string a row), a 1-D string tensor for a scalar input. ``maxsplit`` limits the number
    of splits (-1: no limit). With a separator, empty pieces are kept; with whitespace they are not.

    >>> from gradtape import strings
    >>> strings.split(["a b  c", "", "x,y"])
    <gt.RaggedTensor [['a', 'b', 'c'], [], ['x,y']]>
    >>> strings.split(["a,,b"], sep=",").to_list()
    [['a', '', 'b']]
    >>> strings.split("hello world").numpy()
    array(['hello', 'world'], dtype=object)
    """
    a = _strings(input, "split", "input")
    if sep is not None and not isinstance(sep, (str, bytes)):
        raise TypeError(f"split: sep must be a str or None, got {type(sep).__name__}")
    maxsplit = int(maxsplit)
    sep_b = _b(sep) if sep else None

    def one(e):
        b = _b(e)
        if maxsplit == 0:
            parts = [b]
        elif sep_b is not None:
            parts = b.split(sep_b, maxsplit)
        else:  # TensorFlow's loop: after maxsplit tokens the rest (maybe empty) is one more piece
            parts, text = [], b.lstrip(_ASCII_SPACE)
            while text:
                token = _TOKEN.match(text).group()
                parts.append(token)
                text = text[builtin_len(token):].lstrip(_ASCII_SPACE)
                if builtin_len(parts) == maxsplit:
                    parts.append(text)
                    break
        return [_out(p) for p in parts]

    return _split_ragged(a, one)


def bytes_split(input: Any, name: str | None = None) -> Any:
    """Each string split into its bytes (one-byte strings; a non-ASCII byte is a ``bytes`` object).

    As :func:`split`: a RaggedTensor for an input of rank 1 or more, a 1-D string tensor for a
    scalar input.

    >>> from gradtape import strings
    >>> strings.bytes_split(["abc", "", "é"]).to_list()
    [['a', 'b', 'c'], [], [b'\\xc3', b'\\xa9']]
    >>> strings.bytes_split("hi").numpy()
    array(['h', 'i'], dtype=object)
    """
    a = _strings(input, "bytes_split", "input")
    return _split_ragged(a, lambda e: [_out(bytes([c])) for c in _b(e)])


def _int_arg(x: Any, op: str, arg: str) -> np.ndarray:
    a = np.asarray(x._value if isinstance(x, Tensor) else to_array(x))
    if a.dtype.kind not in "iu":
        raise TypeError(f"{op}: {arg} must be an integer tensor, got dtype {a.dtype.name}; cast it to int32")
    return a


def substr(input: Any, pos: Any, len: Any, unit: str = "BYTE", name: str | None = None) -> Tensor:
    """The substring of each string that starts at ``pos`` and has ``len`` bytes or characters.

    ``pos`` may be negative (counted from the end); ``len`` is cut at the end of the string, and a
    negative ``len`` means up to the end. ``pos`` and ``len`` must have the same shape, which
    broadcasts against ``input``. A ``pos`` past the end is an error, as in TensorFlow.

    >>> from gradtape import strings
    >>> strings.substr(["Hello", "World"], 1, 3).numpy()
    array(['ell', 'orl'], dtype=object)
    >>> strings.substr(["héllo"], [-4], [2], unit="UTF8_CHAR").numpy()
    array(['él'], dtype=object)
    """
    a = _strings(input, "substr", "input")
    p, n = _int_arg(pos, "substr", "pos"), _int_arg(len, "substr", "len")
    if p.shape != n.shape:
        raise ValueError(f"substr: pos and len must have the same shape, got {p.shape} and {n.shape}; "
                         "broadcast one of them with gt.broadcast_to")
    try:
        shape = np.broadcast_shapes(a.shape, p.shape)
    except ValueError:
        raise ValueError(f"substr: input shape {a.shape} and pos shape {p.shape} do not broadcast") from None
    chars = _unit(unit, "substr") == "UTF8_CHAR"
    ab, pb, nb = (np.broadcast_to(v, shape).reshape(-1) for v in (a, p, n))
    out = np.empty(shape, dtype=object)
    flat = out.reshape(-1)
    for i in range(flat.size):
        s = _t(ab[i]) if chars else _b(ab[i])
        size, start, count = builtin_len(s), int(pb[i]), int(nb[i])
        if not -size <= start <= size:
            raise ValueError(f"substr: pos {start} out of range for string {ab[i]!r} at index {i} (length "
                             f"{size} {'characters' if chars else 'bytes'}); give pos in [-{size}, {size}]")
        if start < 0:
            start += size
        if count < 0:  # TensorFlow: to the end for bytes, nothing for characters
            count = 0 if chars else size
        end = min(size, start + count)
        piece = s[start:end]
        flat[i] = _out(_b(piece) if chars else piece)
    return wrap(out)



# -- regular expressions -----------------------------------------------------------------------
def _compile(pattern: Any, op: str) -> re.Pattern:
    text = _scalar_string(pattern, op, "pattern")
    try:
        return re.compile(text)
    except re.error as e:
        raise ValueError(f"{op}: invalid pattern {text!r}: {e}; fix the regular expression (RE2 syntax)") from None


def regex_full_match(input: Any, pattern: Any, name: str | None = None) -> Tensor:
    """Whether each whole string matches the regular expression ``pattern`` (a bool tensor).

    ``pattern`` is one string in RE2 syntax, run by Python's ``re`` on the text (so ``.`` matches
    one character, not one byte); the common RE2 syntax is the same in both.

    >>> from gradtape import strings
    >>> strings.regex_full_match(["abc", "ab", "é"], "a.c|.").numpy()
    array([ True, False,  True])
    """
    a = _strings(input, "regex_full_match", "input")
    rx = _compile(pattern, "regex_full_match")
    return wrap(_map(lambda e: rx.fullmatch(_t(e)) is not None, a, np.bool_))


def _rewrite(rewrite: str, groups: int):
    r"""Parse an RE2 rewrite (``\0``-``\9`` are groups, ``\\`` a backslash) into parts."""
    parts: list = []
    i = 0
    while i < builtin_len(rewrite):
        c = rewrite[i]
        if c == "\\":
            nxt = rewrite[i + 1] if i + 1 < builtin_len(rewrite) else ""
            if nxt.isdigit():
                if int(nxt) > groups:
                    raise ValueError(f"regex_replace: rewrite {rewrite!r} refers to group \\{nxt} but the pattern "
                                     f"has {groups} group(s); use \\0 to \\{groups}")
                parts.append(int(nxt))
            elif nxt == "\\":
                parts.append("\\")
            else:
                raise ValueError(f"regex_replace: invalid rewrite {rewrite!r}: a backslash must be followed by a "
                                 "digit or another backslash; write \\\\ for a literal backslash")
            i += 2
        else:
            parts.append(c)
            i += 1
    return lambda m: "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)


def regex_replace(input: Any, pattern: Any, rewrite: Any, replace_global: bool = True,
                  name: str | None = None) -> Tensor:
    r"""Each string with the matches of ``pattern`` replaced by ``rewrite`` (all, or the first only).

    ``rewrite`` uses RE2's syntax: ``\1`` to ``\9`` insert a group, ``\0`` the whole match and
    ``\\`` a backslash. A rewrite that names a missing group is an error here (TensorFlow leaves
    the string unchanged).

    >>> from gradtape import strings
    >>> strings.regex_replace(["hello world", ""], "(l+)", r"<\1>").numpy()
    array(['he<ll>o wor<l>d', ''], dtype=object)
    >>> strings.regex_replace(["a-b-c"], "-", "+", replace_global=False).numpy()
    array(['a+b-c'], dtype=object)
    """
    a = _strings(input, "regex_replace", "input")
    rx = _compile(pattern, "regex_replace")
    repl = _rewrite(_scalar_string(rewrite, "regex_replace", "rewrite"), rx.groups)
    count = 0 if replace_global else 1
    return wrap(_map(lambda e: _out(_b(rx.sub(repl, _t(e), count=count))), a))


# -- numbers -----------------------------------------------------------------------------------
_FLOAT = re.compile(rb"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE)
_HEX_FLOAT = re.compile(rb"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?")
_INT = re.compile(rb"[+-]?\d+")
_NUMBER_TYPES = ("float32", "float64", "int32", "int64", "uint32", "uint64")


def to_number(string_tensor: Any, out_type: Any = np.float32, name: str | None = None) -> Tensor:
    """The number each string spells, as ``out_type`` (float32, float64, int32, int64, uint32, uint64).

    Surrounding ASCII whitespace is ignored. Floats accept decimal and exponent forms, ``inf``,
    ``infinity``, ``nan`` and C hex floats (``0x10``); integers accept an optional sign and digits.
    A string that is not a number, or an integer out of range, is an error.

    >>> import gradtape as gt
    >>> from gradtape import strings
    >>> strings.to_number(["1.5", " -2 ", "1e3"]).numpy()
    array([   1.5,   -2. , 1000. ], dtype=float32)
    >>> strings.to_number(["7", "-3"], out_type=gt.int64).numpy()
    array([ 7, -3])
    """
    a = _strings(string_tensor, "to_number", "string_tensor")
    dt = as_dtype(out_type)
    if dt.name not in _NUMBER_TYPES:
        raise TypeError(f"to_number: out_type={dt.name} is not supported; use one of {', '.join(_NUMBER_TYPES)}")

    def bad(e):
        return ValueError(f"to_number: could not convert string {_t(e)!r} to {dt.name}; give a number such as "
                          f"{'1.5' if dt.kind == 'f' else '42'}{'' if dt.kind == 'f' else ' (no decimal point)'}")

    if dt.kind == "f":
        def conv(e):
            b = _b(e).strip(_ASCII_SPACE)
            if _FLOAT.fullmatch(b):
                return float(b)
            if _HEX_FLOAT.fullmatch(b):
                text = b.decode("ascii")
                if "p" not in text.lower():
                    text += "p0"
                return float.fromhex(text)
            raise bad(e)
        with np.errstate(over="ignore"):
            return wrap(_map(conv, a, np.float64).astype(dt))
    info = np.iinfo(dt)

    def iconv(e):
        b = _b(e).strip(_ASCII_SPACE)
        if not _INT.fullmatch(b) or not info.min <= int(b) <= info.max:
            raise bad(e)
        return int(b)
    return wrap(_map(iconv, a, dt))


_FILLS = {"": "", " ": " ", "0": "0", "-": "-", "+": "+", "#": "#"}


def as_string(input: Any, precision: int = -1, scientific: bool = False, shortest: bool = False,
              width: int = -1, fill: str = "", name: str | None = None) -> Tensor:
    """Each element as a string, formatted like C's ``printf`` as TensorFlow does.

    Floats use ``%f`` (``%e`` when ``scientific``, ``%g`` when ``shortest``) with ``precision``
    digits (6 by default); integers ``%d``; bools ``true``/``false``; complex numbers ``(re,im)``;
    strings are returned unchanged. ``width`` pads to that many characters; ``fill`` is one printf
    flag: ``" "`` (pad with spaces), ``"0"`` (pad with zeros), ``"-"`` (left-justify), ``"+"``
    (always a sign) or ``"#"``. Also at the top level as ``gt.as_string`` (``tf.as_string``).

    >>> import gradtape as gt
    >>> from gradtape import strings
    >>> strings.as_string([1.5, 0.1]).numpy()
    array(['1.500000', '0.100000'], dtype=object)
    >>> strings.as_string(gt.constant([3.14159, 1e10]), shortest=True).numpy()
    array(['3.14159', '1e+10'], dtype=object)
    >>> strings.as_string([7, -2], width=4, fill="0").numpy()
    array(['0007', '-002'], dtype=object)
    """
    op = "as_string"
    if isinstance(input, Tensor):
        arr = np.asarray(input._value)
    else:
        arr = np.asarray(to_array(input)) if not isinstance(input, (str, bytes)) else np.asarray(input)
    if not isinstance(fill, str) or builtin_len(fill) > 1:
        raise ValueError(f"{op}: fill must be one or fewer characters, got {fill!r}")
    if fill not in _FILLS:
        raise ValueError(f"{op}: fill={fill!r} is not supported; use '', ' ', '0', '-', '+' or '#'")
    if arr.dtype.kind in "USO":
        a = _strings(arr, op, "input")
        if width < 0:
            return wrap(a.copy())
        kind = "s"
    else:
        kind = arr.dtype.kind
    if scientific and shortest:
        raise ValueError(f"{op}: cannot select both scientific and shortest notation; set one of them")
    if kind not in "fc":
        if precision > -1:
            raise ValueError(f"{op}: precision is not supported for dtype {arr.dtype.name}; it applies to floats only")
        if scientific or shortest:
            raise ValueError(f"{op}: scientific and shortest are not supported for dtype {arr.dtype.name}; "
                             "they apply to floats only")
    spec = "%" + _FILLS[fill] + (str(width) if width > -1 else "")
    if kind in "fc":
        spec += (f".{precision}" if precision > -1 else "") + ("e" if scientific else "g" if shortest else "f")

        spaced = spec.replace("0", "", 1) if fill == "0" else spec  # C pads inf and nan with spaces

        def ffmt(v: float) -> str:
            if math.isnan(v) and math.copysign(1.0, v) < 0:
                text = "-nan"
                return text.ljust(width) if fill == "-" else text.rjust(max(width, 0))
            return spec % v if math.isfinite(v) else spaced % v
        if kind == "c":
            return wrap(_map(lambda v: f"({ffmt(float(v.real))},{ffmt(float(v.imag))})", arr))
        return wrap(_map(lambda v: ffmt(float(v)), arr))
    if kind == "b":  # TensorFlow ignores width and fill for bools
        return wrap(_map(lambda v: "true" if v else "false", arr))
    if kind == "s":  # padded to width bytes, as TensorFlow
        bspec = spec.encode() + b"s"
        return wrap(_map(lambda v: _out(bspec % _b(v)), a))
    if kind == "u" and fill in "+ ":  # C's %u has no sign
        spec = spec.replace(fill, "", 1) if fill else spec
    spec += "d"
    return wrap(_map(lambda v: spec % int(v), arr))


# -- format ------------------------------------------------------------------------------------
def _element_text(v, dtype: np.dtype) -> str:
    if dtype.kind == "O" or dtype.kind in "US":
        return '"' + _t(v if isinstance(v, (str, bytes)) else str(v)) + '"'
    if dtype.kind == "b":
        return "1" if v else "0"
    if dtype.kind == "f":
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        if dtype.itemsize >= 8:
            text = "%.15g" % x
            return text if float(text) == x else "%.17g" % x
        text = "%.6g" % x
        return text if np.float32(float(text)) == np.float32(x) else "%.9g" % x
    if dtype.kind == "c":
        part = np.dtype(np.float64 if dtype.itemsize >= 16 else np.float32)
        return f"({_element_text(v.real, part)},{_element_text(v.imag, part)})"
    return str(int(v))


def _summarize(a: np.ndarray, summarize: int, depth: int) -> str:
    if a.ndim == 0:
        return _element_text(a[()], a.dtype)
    n = a.shape[0]
    if summarize < 0 or n <= 2 * summarize:
        idx: list = list(range(n))
    else:
        idx = list(range(summarize)) + [None] + list(range(n - summarize, n))
    if a.ndim == 1:
        return "[" + " ".join("..." if i is None else _element_text(a[i], a.dtype) for i in idx) + "]"
    sep = "\n" * (a.ndim - 1) + " " * (depth + 1)
    return "[" + sep.join("..." if i is None else _summarize(a[i], summarize, depth + 1) for i in idx) + "]"


def format(template: str, inputs: Any, placeholder: str = "{}", summarize: int = 3,
           name: str | None = None) -> Tensor:
    """A scalar string: ``template`` with each ``placeholder`` replaced by one input tensor's text.

    Tensors print as TensorFlow prints them: ``[1 2 3]``, nested brackets for higher ranks, strings
    in double quotes, floats with 6 (float32) or 15 (float64) significant digits when that reads
    back exactly, and only the first and last ``summarize`` entries of each axis (``...`` between
    them; -1 shows everything). ``inputs`` is a list of tensors, or one tensor.

    >>> import gradtape as gt
    >>> from gradtape import strings
    >>> strings.format("x={} n={}", [gt.constant([1.5, 2.0]), 3]).numpy()
    'x=[1.5 2] n=3'
    >>> strings.format("{}", gt.range(10), summarize=2).numpy()
    '[0 1 ... 8 9]'
    """
    op = "format"
    if not isinstance(template, (str, bytes)):
        template = _scalar_string(template, op, "template")
    if not isinstance(placeholder, str) or not placeholder:
        raise ValueError(f"{op}: placeholder must be a non-empty string, got {placeholder!r}")
    items = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    pieces = _t(template).split(placeholder)
    if builtin_len(pieces) - 1 != builtin_len(items):
        raise ValueError(f"{op}: the template has {builtin_len(pieces) - 1} placeholder(s) {placeholder!r} but "
                         f"{builtin_len(items)} input(s) were given; make the numbers match")
    texts = []
    for i, x in enumerate(items):
        if isinstance(x, Tensor):
            v = np.asarray(x._value)
        elif isinstance(x, (str, bytes)) or (isinstance(x, (list, tuple, np.ndarray)) and np.asarray(x).dtype.kind in "US"):
            v = _strings(x, op, f"inputs[{i}]")
        else:
            v = np.asarray(to_array(x))
        texts.append(_summarize(v, int(summarize), 0) if v.size or v.ndim == 0 else "[]")
    out = pieces[0] + "".join(t + p for t, p in zip(texts, pieces[1:]))
    result = np.empty((), dtype=object)
    result[()] = _out(_b(out))
    return wrap(result)


# -- hashing -----------------------------------------------------------------------------------
_M = (1 << 64) - 1
_K0, _K1, _K2 = 0xC3A5C85C97CB3127, 0xB492B66FBE98F273, 0x9AE16A3B2F90404F


def _rot(v: int, s: int) -> int:
    return ((v >> s) | (v << (64 - s))) & _M if s else v


def _f64(s: bytes, i: int) -> int:
    return int.from_bytes(s[i:i + 8], "little")


def _f32(s: bytes, i: int) -> int:
    return int.from_bytes(s[i:i + 4], "little")


def _smix(v: int) -> int:
    return v ^ (v >> 47)


def _h16(u: int, v: int, mul: int) -> int:
    a = ((u ^ v) * mul) & _M
    a ^= a >> 47
    b = ((v ^ a) * mul) & _M
    b ^= b >> 47
    return (b * mul) & _M


def _weak32(s: bytes, i: int, a: int, b: int) -> tuple:
    w, x, y, z = _f64(s, i), _f64(s, i + 8), _f64(s, i + 16), _f64(s, i + 24)
    a = (a + w) & _M
    b = _rot((b + a + z) & _M, 21)
    c = a
    a = (a + x + y) & _M
    b = (b + _rot(a, 44)) & _M
    return (a + z) & _M, (b + c) & _M


def _fingerprint64(s: bytes) -> int:
    """FarmHash's Fingerprint64 (farmhashna::Hash64), TensorFlow's string fingerprint."""
    n = builtin_len(s)
    if n <= 16:
        if n >= 8:
            mul = _K2 + n * 2
            a = (_f64(s, 0) + _K2) & _M
            b = _f64(s, n - 8)
            c = (_rot(b, 37) * mul + a) & _M
            d = ((_rot(a, 25) + b) * mul) & _M
            return _h16(c, d, mul)
        if n >= 4:
            mul = _K2 + n * 2
            return _h16((n + (_f32(s, 0) << 3)) & _M, _f32(s, n - 4), mul)
        if n > 0:
            y = (s[0] + (s[n >> 1] << 8)) & 0xFFFFFFFF
            z = (n + (s[n - 1] << 2)) & 0xFFFFFFFF
            return (_smix(((y * _K2) & _M) ^ ((z * _K0) & _M)) * _K2) & _M
        return _K2
    if n <= 32:
        mul = _K2 + n * 2
        a = (_f64(s, 0) * _K1) & _M
        b = _f64(s, 8)
        c = (_f64(s, n - 8) * mul) & _M
        d = (_f64(s, n - 16) * _K2) & _M
        return _h16((_rot((a + b) & _M, 43) + _rot(c, 30) + d) & _M, (a + _rot((b + _K2) & _M, 18) + c) & _M, mul)
    if n <= 64:
        mul = _K2 + n * 2
        a = (_f64(s, 0) * _K2) & _M
        b = _f64(s, 8)
        c = (_f64(s, n - 8) * mul) & _M
        d = (_f64(s, n - 16) * _K2) & _M
        y = (_rot((a + b) & _M, 43) + _rot(c, 30) + d) & _M
        z = _h16(y, (a + _rot((b + _K2) & _M, 18) + c) & _M, mul)
        e = (_f64(s, 16) * mul) & _M
        f = _f64(s, 24)
        g = ((y + _f64(s, n - 32)) * mul) & _M
        h = ((z + _f64(s, n - 24)) * mul) & _M
        return _h16((_rot((e + f) & _M, 43) + _rot(g, 30) + h) & _M, (e + _rot((f + a) & _M, 18) + g) & _M, mul)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _M
    z = (_smix((y * _K2 + 113) & _M) * _K2) & _M
    v0 = v1 = w0 = w1 = 0
    x = (x * _K2 + _f64(s, 0)) & _M
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    i = 0
    while True:
        x = (_rot((x + y + v0 + _f64(s, i + 8)) & _M, 37) * _K1) & _M
        y = (_rot((y + v1 + _f64(s, i + 48)) & _M, 42) * _K1) & _M
        x ^= w1
        y = (y + v0 + _f64(s, i + 40)) & _M
        z = (_rot((z + w0) & _M, 33) * _K1) & _M
        v0, v1 = _weak32(s, i, (v1 * _K1) & _M, (x + w0) & _M)
        w0, w1 = _weak32(s, i + 32, (z + w1) & _M, (y + _f64(s, i + 16)) & _M)
        z, x = x, z
        i += 64
        if i == end:
            break
    mul = _K1 + ((z & 0xFF) << 1)
    i = last64
    w0 = (w0 + ((n - 1) & 63)) & _M
    v0 = (v0 + w0) & _M
    w0 = (w0 + v0) & _M
    x = (_rot((x + y + v0 + _f64(s, i + 8)) & _M, 37) * mul) & _M
    y = (_rot((y + v1 + _f64(s, i + 48)) & _M, 42) * mul) & _M
    x ^= (w1 * 9) & _M
    y = (y + v0 * 9 + _f64(s, i + 40)) & _M
    z = (_rot((z + w0) & _M, 33) * mul) & _M
    v0, v1 = _weak32(s, i, (v1 * mul) & _M, (x + w0) & _M)
    w0, w1 = _weak32(s, i + 32, (z + w1) & _M, (y + _f64(s, i + 16)) & _M)
    z, x = x, z
    return _h16((_h16(v0, w0, mul) + (_smix(y) * _K0) + z) & _M, (_h16(v1, w1, mul) + x) & _M, mul)


def to_hash_bucket_fast(input: Any, num_buckets: int, name: str | None = None) -> Tensor:
    """The hash bucket of each string: its FarmHash Fingerprint64 modulo ``num_buckets`` (int64).

    The same fingerprint as TensorFlow's, so the buckets match ``tf.strings.to_hash_bucket_fast``
    and are the same in every run and on every platform.

    >>> from gradtape import strings
    >>> strings.to_hash_bucket_fast(["Hello", "TensorFlow", ""], 10).numpy()
    array([1, 4, 3])
    """
    a = _strings(input, "to_hash_bucket_fast", "input")
    if isinstance(num_buckets, bool) or not isinstance(num_buckets, (int, np.integer)) or num_buckets < 1:
        raise ValueError(f"to_hash_bucket_fast: num_buckets must be an integer >= 1, got {num_buckets!r}")
    k = int(num_buckets)
    return wrap(_map(lambda e: _fingerprint64(_b(e)) % k, a, np.int64))


__all__ = ["length", "lower", "upper", "strip", "join", "reduce_join", "split", "bytes_split", "substr",
           "regex_full_match", "regex_replace", "to_number", "as_string", "format", "to_hash_bucket_fast"]

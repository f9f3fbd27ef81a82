"""``gt.print``: TensorFlow's ``tf.print``, tensors shown by value with long axes summarized."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ._engine.tensor import Tensor

__all__ = ["print"]


def _format(x: Any, summarize: int) -> str:
    if isinstance(x, Tensor):
        x = x.numpy()
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return _format(x[()], summarize)
        threshold = sys.maxsize if summarize < 0 else 0
        edge = max(summarize, 1)
        return np.array2string(x, separator=" ", threshold=threshold, edgeitems=edge,
                               max_line_width=sys.maxsize, formatter=_FORMATTER)
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (float, np.floating)):
        return _float(x)
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, list):
        return "[" + ", ".join(_format(v, summarize) for v in x) + "]"
    if isinstance(x, tuple):
        inner = ", ".join(_format(v, summarize) for v in x)
        return "(" + inner + ("," if len(x) == 1 else "") + ")"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_format(v, summarize)}" for k, v in x.items()) + "}"
    return str(x)


def _float(v) -> str:
    """The shortest of ``%.6g``/``%.9g`` (float32 and smaller) or ``%.15g``/``%.17g`` that reads
    back as the same value, as TensorFlow formats floats."""
    if isinstance(v, np.floating) and v.dtype.itemsize <= 4:
        kind, digits = v.dtype.type, (6, 9)
    else:
        kind, digits = float, (15, 17)
    short = f"{float(v):.{digits[0]}g}"
    return short if kind(short) == v or v != v else f"{float(v):.{digits[1]}g}"


_FORMATTER = {"float_kind": _float, "bool": lambda b: str(bool(b))}


def print(*inputs, output_stream=None, summarize: int | None = 3, sep: str = " ",  # noqa: A001
          end: str = "\n", name=None) -> None:
    """Print ``inputs`` separated by ``sep``: tensors by value (not their repr), strings as
    they are, lists, tuples and dicts element by element.

    ``summarize`` is how many leading and trailing entries of each long axis are shown (the rest
    become ``...``; ``-1`` shows everything). ``output_stream`` is ``sys.stderr`` by default, as in
    TensorFlow, or ``sys.stdout``, any object with ``write``, a callable taking the line
    (``logging.info``), or ``"file://path"`` to append to a file.

    >>> import sys
    >>> import gradtape as gt
    >>> gt.print("x:", gt.range(10), output_stream=sys.stdout)
    x: [0 1 2 ... 7 8 9]
    """
    summarize = 3 if summarize is None else int(summarize)
    text = sep.join(x if isinstance(x, str) else _format(x, summarize) for x in inputs) + end
    stream = sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str):
        if not stream.startswith("file://"):
            raise ValueError(f"print: output_stream {stream!r} is not understood; give a stream such "
                             "as sys.stdout, a callable, or a 'file://path' string")
        with open(stream[len("file://"):], "a", encoding="utf-8") as f:
            f.write(text)
    elif hasattr(stream, "write"):
        stream.write(text)
    elif callable(stream):
        stream(text[:-len(end)] if end and text.endswith(end) else text)
    else:
        raise TypeError(f"print: output_stream must be a stream, a callable or a 'file://path' "
                        f"string, got {type(stream).__name__}")

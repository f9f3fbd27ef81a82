"""TensorFlow's assertions (``tf.debugging.assert_*``, ``tf.Assert``, ``check_numerics``).

Eagerly, as in TensorFlow, an assertion checks its tensors at once: it returns None when they
pass and raises :class:`gradtape.errors.InvalidArgumentError` (a ``ValueError``) naming the
failure when they do not. Rank and shape assertions raise ``ValueError`` as TensorFlow's
static checks do. ``check_numerics`` returns its input, so it can sit inside a computation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine.tensor import Tensor, to_array, wrap
from .errors import InvalidArgumentError
from .ops.array import identity

__all__ = [
    "Assert", "assert_all_finite", "assert_equal", "assert_greater", "assert_greater_equal",
    "assert_integer", "assert_less", "assert_less_equal", "assert_near", "assert_negative",
    "assert_non_negative", "assert_non_positive", "assert_none_equal", "assert_positive",
    "assert_rank", "assert_rank_at_least", "assert_rank_in", "assert_scalar", "assert_shapes",
    "assert_type", "check_numerics", "is_numeric_tensor",
]


def _array(x) -> np.ndarray:
    return np.asarray(x._value if isinstance(x, Tensor) else to_array(x))


def _summary(a: np.ndarray, summarize: int | None) -> str:
    n = 3 if summarize is None else int(summarize)
    flat = a.reshape(-1)
    shown = flat if n < 0 or flat.size <= n else flat[:n]
    more = "" if shown.size == flat.size else " ..."
    return f"shape {a.shape}, values {np.array2string(shown, separator=' ')[1:-1]}{more}"


def _fail(op: str, message: str | None, detail: str) -> None:
    prefix = f"{message}: " if message else ""
    raise InvalidArgumentError(f"{prefix}{op}: {detail}")


def _compare(op: str, x, y, fn, words: str, message, summarize) -> None:
    a, b = _array(x), _array(y)
    try:
        ok = fn(a, b)
    except ValueError:
        raise ValueError(f"{op}: x of shape {a.shape} and y of shape {b.shape} do not broadcast") from None
    if not np.all(ok):
        _fail(op, message, f"condition x {words} y did not hold; x: {_summary(a, summarize)}; "
                           f"y: {_summary(b, summarize)}")


def assert_equal(x, y, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless ``x == y`` everywhere (broadcasting).

    >>> import gradtape as gt
    >>> gt.debugging.assert_equal(gt.constant([1, 2]), [1, 2])
    """
    _compare("assert_equal", x, y, np.equal, "==", message, summarize)


def assert_none_equal(x, y, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless ``x != y`` everywhere.

    >>> import gradtape as gt
    >>> gt.debugging.assert_none_equal(gt.constant([1, 2]), [3, 4])
    """
    _compare("assert_none_equal", x, y, np.not_equal, "!=", message, summarize)


def assert_less(x, y, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless ``x < y`` everywhere.

    >>> import gradtape as gt
    >>> gt.debugging.assert_less(gt.constant([1, 2]), 3)
    """
    _compare("assert_less", x, y, np.less, "<", message, summarize)


def assert_less_equal(x, y, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless ``x <= y`` everywhere.

    >>> import gradtape as gt
    >>> gt.debugging.assert_less_equal(gt.constant([1, 3]), 3)
    """
    _compare("assert_less_equal", x, y, np.less_equal, "<=", message, summarize)


def assert_greater(x, y, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless ``x > y`` everywhere.

    >>> import gradtape as gt
    >>> gt.debugging.assert_greater(gt.constant([1, 2]), 0)
    """
    _compare("assert_greater", x, y, np.greater, ">", message, summarize)


def assert_greater_equal(x, y, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless ``x >= y`` everywhere.

    >>> import gradtape as gt
    >>> gt.debugging.assert_greater_equal(gt.constant([0, 2]), 0)
    """
    _compare("assert_greater_equal", x, y, np.greater_equal, ">=", message, summarize)


def _sign(op: str, x, fn, words: str, message, summarize) -> None:
    a = _array(x)
    if not np.all(fn(a)):
        _fail(op, message, f"x {words} did not hold; x: {_summary(a, summarize)}")


def assert_positive(x, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless every element of ``x`` is > 0.

    >>> import gradtape as gt
    >>> gt.debugging.assert_positive(gt.constant([1.0, 2.0]))
    """
    _sign("assert_positive", x, lambda a: a > 0, "> 0", message, summarize)


def assert_negative(x, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless every element of ``x`` is < 0.

    >>> import gradtape as gt
    >>> gt.debugging.assert_negative(gt.constant([-1.0]))
    """
    _sign("assert_negative", x, lambda a: a < 0, "< 0", message, summarize)


def assert_non_negative(x, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless every element of ``x`` is >= 0.

    >>> import gradtape as gt
    >>> gt.debugging.assert_non_negative(gt.constant([0.0, 2.0]))
    """
    _sign("assert_non_negative", x, lambda a: a >= 0, ">= 0", message, summarize)


def assert_non_positive(x, message: str | None = None, summarize: int | None = None, name=None) -> None:
    """Raise unless every element of ``x`` is <= 0.

    >>> import gradtape as gt
    >>> gt.debugging.assert_non_positive(gt.constant([0.0, -2.0]))
    """
    _sign("assert_non_positive", x, lambda a: a <= 0, "<= 0", message, summarize)


def assert_near(x, y, rtol=None, atol=None, message: str | None = None, summarize: int | None = None,
                name=None) -> None:
    """Raise unless ``|x - y| <= atol + rtol * |y|`` everywhere; both tolerances default to ten
    times the dtype's machine epsilon, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.debugging.assert_near(gt.constant([1.0]), gt.constant([1.0 + 1e-7]))
    """
    a, b = _array(x), _array(y)
    dt = np.result_type(a, b)
    eps = float(np.finfo(dt).eps) if dt.kind in "fc" else 0.0
    rtol = 10 * eps if rtol is None else float(rtol)
    atol = 10 * eps if atol is None else float(atol)
    if not np.all(np.abs(a - b) <= atol + rtol * np.abs(b)):
        _fail("assert_near", message, f"x and y not equal to tolerance rtol={rtol}, atol={atol}; x: "
                                      f"{_summary(a, summarize)}; y: {_summary(b, summarize)}")


def assert_all_finite(t, msg: str, name=None) -> None:
    """Raise unless every element of ``t`` is finite (not inf or NaN).

    >>> import gradtape as gt
    >>> gt.debugging.assert_all_finite(gt.constant([1.0]), "bad values")
    """
    a = _array(t)
    if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
        raise InvalidArgumentError(f"{msg}: assert_all_finite: the tensor has "
                                   f"{int(np.sum(np.isnan(a)))} NaN and {int(np.sum(np.isinf(a)))} inf values")


def check_numerics(tensor, message: str, name=None) -> Tensor:
    """``tensor`` itself if every element is finite, else raise naming ``message``; gradients
    pass through unchanged.

    >>> import gradtape as gt
    >>> float(gt.debugging.check_numerics(gt.constant(2.0), "loss"))
    2.0
    """
    t = tensor if isinstance(tensor, Tensor) else wrap(to_array(tensor))
    assert_all_finite(t, f"{message} (check_numerics)")
    return identity(t)


def _rank_of(x) -> int:
    return _array(x).ndim


def assert_rank(x, rank, message: str | None = None, name=None) -> None:
    """Raise ``ValueError`` unless ``x`` has rank ``rank``.

    >>> import gradtape as gt
    >>> gt.debugging.assert_rank(gt.zeros((2, 3)), 2)
    """
    r = _rank_of(x)
    if r != int(_array(rank)):
        raise ValueError(f"{message + ': ' if message else ''}assert_rank: the tensor must have rank "
                         f"{int(_array(rank))}, got rank {r}")


def assert_rank_at_least(x, rank, message: str | None = None, name=None) -> None:
    """Raise ``ValueError`` unless ``x`` has rank ``rank`` or more.

    >>> import gradtape as gt
    >>> gt.debugging.assert_rank_at_least(gt.zeros((2, 3)), 1)
    """
    r = _rank_of(x)
    if r < int(_array(rank)):
        raise ValueError(f"{message + ': ' if message else ''}assert_rank_at_least: the tensor must "
                         f"have rank at least {int(_array(rank))}, got rank {r}")


def assert_rank_in(x, ranks, message: str | None = None, name=None) -> None:
    """Raise ``ValueError`` unless the rank of ``x`` is one of ``ranks``.

    >>> import gradtape as gt
    >>> gt.debugging.assert_rank_in(gt.zeros((2,)), [1, 2])
    """
    r = _rank_of(x)
    allowed = [int(_array(k)) for k in ranks]
    if r not in allowed:
        raise ValueError(f"{message + ': ' if message else ''}assert_rank_in: the tensor must have "
                         f"one of the ranks {allowed}, got rank {r}")


def assert_scalar(tensor, message: str | None = None, name=None) -> None:
    """Raise ``ValueError`` unless ``tensor`` is a scalar (rank 0).

    >>> import gradtape as gt
    >>> gt.debugging.assert_scalar(gt.constant(1.0))
    """
    r = _rank_of(tensor)
    if r != 0:
        raise ValueError(f"{message + ': ' if message else ''}assert_scalar: expected a scalar, got "
                         f"rank {r}")


def assert_type(tensor, tf_type, message: str | None = None, name=None) -> None:
    """Raise ``TypeError`` unless ``tensor`` has dtype ``tf_type``.

    >>> import gradtape as gt
    >>> gt.debugging.assert_type(gt.constant(1.0), gt.float32)
    """
    dt = _array(tensor).dtype
    if dt != np.dtype(tf_type):
        raise TypeError(f"{message + ': ' if message else ''}assert_type: the tensor has dtype "
                        f"{dt.name}, expected {np.dtype(tf_type).name}")


def assert_integer(x, message: str | None = None, name=None) -> None:
    """Raise ``TypeError`` unless ``x`` has an integer dtype.

    >>> import gradtape as gt
    >>> gt.debugging.assert_integer(gt.constant(1))
    """
    dt = _array(x).dtype
    if dt.kind not in "iu":
        raise TypeError(f"{message + ': ' if message else ''}assert_integer: expected an integer "
                        f"tensor, got dtype {dt.name}")


def assert_shapes(shapes, data=None, summarize=None, message: str | None = None, name=None) -> None:
    """Raise ``ValueError`` unless every ``(tensor, spec)`` pair fits its spec: a list of sizes
    where an int must match, a string names a size that must agree across the pairs, ``"."``
    or ``None`` matches anything, and a leading ``"*"`` matches any leading dimensions.

    >>> import gradtape as gt
    >>> gt.debugging.assert_shapes([(gt.zeros((2, 3)), ("N", "D")), (gt.zeros(3), ("D",))])
    """
    items = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    seen: dict = {}
    for k, (x, spec) in enumerate(items):
        shape = _array(x).shape
        spec = list(spec)
        prefix = spec and spec[0] == "*"
        dims = spec[1:] if prefix else spec
        got = shape[len(shape) - len(dims):] if prefix else shape
        if (len(shape) < len(dims)) if prefix else (len(shape) != len(dims)):
            raise ValueError(f"{message + ': ' if message else ''}assert_shapes: tensor {k} has shape "
                             f"{shape}, which does not fit the spec {tuple(spec)}")
        for want, have in zip(dims, got):
            if want is None or want == ".":
                continue
            if isinstance(want, str):
                if seen.setdefault(want, have) != have:
                    raise ValueError(f"{message + ': ' if message else ''}assert_shapes: dimension "
                                     f"{want!r} is {seen[want]} in one tensor and {have} in tensor {k}")
            elif int(want) != have:
                raise ValueError(f"{message + ': ' if message else ''}assert_shapes: tensor {k} has "
                                 f"shape {shape}, which does not fit the spec {tuple(spec)}")


def is_numeric_tensor(tensor: Any) -> bool:
    """Whether ``tensor`` is a gradtape tensor of a numeric (not bool or string) dtype.

    >>> import gradtape as gt
    >>> gt.debugging.is_numeric_tensor(gt.constant(1.0)), gt.debugging.is_numeric_tensor(gt.constant(True))
    (True, False)
    """
    return isinstance(tensor, Tensor) and tensor.dtype.kind in "iufc"


def Assert(condition, data, summarize: int | None = None, name=None) -> None:  # noqa: N802 - TensorFlow's name
    """Raise :class:`~gradtape.errors.InvalidArgumentError` showing ``data`` unless ``condition``
    (a scalar boolean) is true, as ``tf.Assert``.

    >>> import gradtape as gt
    >>> gt.Assert(gt.constant(True), ["never shown"])
    """
    c = _array(condition)
    if c.shape != ():
        raise ValueError(f"Assert: condition must be a scalar boolean, got shape {c.shape}")
    if not bool(c):
        shown = [d if isinstance(d, str) else _summary(_array(d), summarize) for d in data]
        raise InvalidArgumentError("assertion failed: [" + "] [".join(shown) + "]")

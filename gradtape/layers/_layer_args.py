"""Argument checks shared by the layers added for Keras parity (tuples, padding, data formats)."""

from __future__ import annotations

from typing import Any

import gradtape as gt
from .base import InputSpecError


def int_tuple(value: Any, n: int, name: str, who: str, allow_zero: bool = False) -> tuple[int, ...]:
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` ints, checked as Keras checks it.

    >>> int_tuple(2, 3, "strides", "Conv3D")
    (2, 2, 2)
    """
    if isinstance(value, bool):
        raise ValueError(f"{who}: `{name}` must be an int or a tuple of {n} ints, got {value!r}")
    if isinstance(value, int):
        out = (int(value),) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            raise ValueError(f"{who}: `{name}` must be an int or a tuple of {n} ints, got {value!r}") from None
        if len(out) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in out):
            raise ValueError(f"{who}: `{name}` must be an int or a tuple of {n} ints, got {value!r}")
    low = 0 if allow_zero else 1
    if any(v < low for v in out):
        raise ValueError(f"{who}: every value of `{name}` must be {'>= 0' if allow_zero else '> 0'}, "
                         f"got {name}={value!r}")
    return out


def pairs(value: Any, n: int, name: str, who: str) -> tuple[tuple[int, int], ...]:
    """Per-axis ``(before, after)`` amounts from an int, ``n`` ints or ``n`` pairs (Keras's forms).

    >>> pairs(((1, 0), 2), 2, "padding", "ZeroPadding2D")
    ((1, 0), (2, 2))
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{who}: `{name}` cannot be negative, got {name}={value}")
        return ((value, value),) * n
    if n == 1:
        return (int_tuple(value, 2, name, who, allow_zero=True),)
    try:
        if isinstance(value, str):
            raise TypeError
        items = tuple(value)
    except TypeError:
        raise ValueError(f"{who}: `{name}` must be an int, a tuple of {n} ints or a tuple of {n} "
                         f"pairs of ints, got {value!r}") from None
    if len(items) != n:
        raise ValueError(f"{who}: `{name}` must have {n} elements, got {name}={value!r}")
    return tuple(int_tuple(v, 2, f"{name}[{i}]", who, allow_zero=True) for i, v in enumerate(items))


def padding_mode(value: Any, who: str, allowed: tuple[str, ...] = ("valid", "same")) -> str:
    """``"valid"`` or ``"same"`` (any case), else a ValueError naming ``padding``."""
    p = str(value).lower()
    if p not in allowed:
        raise ValueError(f"{who}: `padding` must be one of {allowed}, got padding={value!r}")
    return p


def data_format(value: Any, who: str) -> str:
    """``"channels_last"`` (the default, as Keras's ``image_data_format()``) or ``"channels_first"``."""
    if value is None:
        return "channels_last"
    v = str(value).lower()
    if v not in ("channels_last", "channels_first"):
        raise ValueError(f"{who}: `data_format` must be 'channels_last' or 'channels_first', "
                         f"got data_format={value!r}")
    return v


def to_last(x, fmt: str):
    """Move the channels of a ``channels_first`` tensor to the last axis (no-op otherwise)."""
    if fmt == "channels_last":
        return x
    return gt.transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))


def from_last(x, fmt: str):
    """Undo :func:`to_last`."""
    if fmt == "channels_last":
        return x
    return gt.transpose(x, (0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))


def check_rank(layer, inputs, rank: int, what: str) -> None:
    """Raise :class:`InputSpecError` unless ``inputs`` has rank ``rank``."""
    if inputs.ndim != rank:
        raise InputSpecError(f"{layer.name}: expected inputs of shape {what} (rank {rank}), "
                             f"got shape {tuple(inputs.shape)}")


def positive_int(value: Any, name: str, who: str) -> int:
    """``value`` if it is a positive int, else a TypeError/ValueError naming the argument."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{who}: `{name}` must be an integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{who}: `{name}` must be a positive integer, got {name}={value}")
    return value


def rate(value: Any, name: str, who: str, upper_open: bool = False) -> float:
    """A float in ``[0, 1]`` (``[0, 1)`` with ``upper_open``), else a ValueError naming ``name``."""
    v = float(value)
    if not (0.0 <= v < 1.0 if upper_open else 0.0 <= v <= 1.0):
        raise ValueError(f"{who}: `{name}` must be in [0, {'1)' if upper_open else '1]'}, got {name}={value}")
    return v


def take_weight_options(kwargs: dict, weights: tuple[str, ...]) -> dict:
    """Pop Keras's ``<weight>_regularizer`` and ``<weight>_constraint`` arguments from ``kwargs``.

    >>> take_weight_options({"kernel_regularizer": "l2", "name": "a"}, ("kernel",))
    {'kernel_regularizer': 'l2', 'kernel_constraint': None}
    """
    return {f"{w}_{kind}": kwargs.pop(f"{w}_{kind}", None) for w in weights for kind in ("regularizer", "constraint")}

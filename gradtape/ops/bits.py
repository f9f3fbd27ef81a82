"""Bitwise operations on integer tensors, as ``tf.bitwise``: ``bitwise_and``, ``bitwise_or``,
``bitwise_xor``, ``invert``, ``left_shift`` and ``right_shift``; and ``bitcast`` (exported at
the top level as ``gt.bitcast``).

Integers only (int8 to int64, uint8 to uint64), with NumPy broadcasting; the two operands of a
binary op must have the same dtype (a Python int takes the other operand's dtype). Shifts follow
TensorFlow's kernels: the shift amount is clamped to ``[0, bits - 1]`` (so a negative shift
shifts by 0 and a shift by the width or more shifts by ``bits - 1``), left shifts are done on
the unsigned bit pattern (wrapping) and right shifts of signed integers are arithmetic. None of
these has a gradient: each computes on NumPy values and returns a new tensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, as_dtype, to_array, wrap


def _int_operand(v, op: str, arg: str, like: np.dtype | None = None) -> np.ndarray:
    if isinstance(v, (Tensor, np.ndarray, np.generic)) or like is None:
        a = np.asarray(v._value if isinstance(v, Tensor) else to_array(v))
    else:
        a = np.asarray(v)
        if a.dtype.kind in "iu" or (a.dtype == object and a.size):
            info = np.iinfo(like)
            vals = np.asarray(v, dtype=object).reshape(-1)
            if any(not isinstance(e, (int, np.integer)) or not info.min <= e <= info.max for e in vals):
                raise ValueError(f"{op}: {arg}={v!r} does not fit in {like.name}; give values in "
                                 f"[{info.min}, {info.max}] or cast the tensor")
            a = np.asarray(v).astype(like)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{op}: {arg} must be an integer tensor (int8-int64 or uint8-uint64), got dtype "
                        f"{a.dtype.name}; cast it first (bitwise ops have no float or bool version)")
    return a


def _is_tensorlike(v) -> bool:
    return isinstance(v, (Tensor, np.ndarray, np.generic))


def _operands(op: str, x, y) -> tuple:
    if _is_tensorlike(x) or not _is_tensorlike(y):
        a = _int_operand(x, op, "x")
        b = _int_operand(y, op, "y", a.dtype)
    else:
        b = _int_operand(y, op, "y")
        a = _int_operand(x, op, "x", b.dtype)
    if a.dtype != b.dtype:
        raise TypeError(f"{op}: x and y must have the same dtype, got {a.dtype.name} and {b.dtype.name}; "
                        "cast one of them")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} do not broadcast") from None
    return a, b


def bitwise_and(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise bitwise AND of two integer tensors, as ``tf.bitwise.bitwise_and``.

    >>> import gradtape as gt
    >>> gt.bitwise.bitwise_and(gt.constant([0, 5, 3, 14]), gt.constant([5, 0, 7, 11])).numpy()
    array([ 0,  0,  3, 10], dtype=int32)
    """
    a, b = _operands("bitwise_and", x, y)
    return wrap(np.asarray(np.bitwise_and(a, b)))


def bitwise_or(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise bitwise OR of two integer tensors, as ``tf.bitwise.bitwise_or``.

    >>> import gradtape as gt
    >>> gt.bitwise.bitwise_or(gt.constant([0, 5, 3, 14]), gt.constant([5, 0, 7, 11])).numpy()
    array([ 5,  5,  7, 15], dtype=int32)
    """
    a, b = _operands("bitwise_or", x, y)
    return wrap(np.asarray(np.bitwise_or(a, b)))


def bitwise_xor(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise bitwise XOR of two integer tensors, as ``tf.bitwise.bitwise_xor``.

    >>> import gradtape as gt
    >>> gt.bitwise.bitwise_xor(gt.constant([0, 5, 3, 14]), gt.constant([5, 0, 7, 11])).numpy()
    array([5, 5, 4, 5], dtype=int32)
    """
    a, b = _operands("bitwise_xor", x, y)
    return wrap(np.asarray(np.bitwise_xor(a, b)))


def invert(x: Any, name: str | None = None) -> Tensor:
    """Elementwise bitwise NOT (every bit flipped) of an integer tensor, as
    ``tf.bitwise.invert``.

    >>> import gradtape as gt
    >>> gt.bitwise.invert(gt.constant([0, 5, -1])).numpy()
    array([-1, -6,  0], dtype=int32)
    >>> gt.bitwise.invert(gt.constant([0, 5], gt.uint8)).numpy()
    array([255, 250], dtype=uint8)
    """
    a = _int_operand(x, "invert", "x")
    return wrap(np.asarray(np.invert(a)))


def _shift_amount(b: np.ndarray) -> np.ndarray:
    bits = b.dtype.itemsize * 8
    return np.clip(b.astype(np.int64), 0, bits - 1)


def left_shift(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise ``x << y`` on integer tensors, as ``tf.bitwise.left_shift``.

    As TensorFlow's kernel: ``y`` is clamped to ``[0, bits - 1]`` and the shift is done on the
    unsigned bit pattern, so bits shifted out are lost (no error, no undefined values).

    >>> import gradtape as gt
    >>> gt.bitwise.left_shift(gt.constant([1, 1, -1, 3], gt.int8), gt.constant([2, 7, 1, 9], gt.int8)).numpy()
    array([   4, -128,   -2, -128], dtype=int8)
    """
    a, b = _operands("left_shift", x, y)
    u = np.dtype(f"u{a.dtype.itemsize}")
    out = np.left_shift(a.astype(u), _shift_amount(b).astype(u))
    return wrap(np.asarray(out).astype(a.dtype))


def right_shift(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise ``x >> y`` on integer tensors, as ``tf.bitwise.right_shift``: arithmetic
    (sign-extending) for signed types, logical for unsigned ones.

    As TensorFlow's kernel, ``y`` is clamped to ``[0, bits - 1]``.

    >>> import gradtape as gt
    >>> gt.bitwise.right_shift(gt.constant([16, -16, 16, -1], gt.int8), gt.constant([2, 2, 9, -3], gt.int8)).numpy()
    array([ 4, -4,  0, -1], dtype=int8)
    """
    a, b = _operands("right_shift", x, y)
    return wrap(np.asarray(np.right_shift(a, _shift_amount(b).astype(a.dtype))))


_BITCAST_KINDS = "iufc"


def bitcast(input: Any, type: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TensorFlow's names
    """Reinterpret the bytes of ``input`` as dtype ``type`` without copying values, as
    ``tf.bitcast``.

    Same item size: same shape. ``input``'s item larger: a last dimension of size
    ``input.itemsize / type.itemsize`` is added. Smaller: the last dimension must have size
    ``type.itemsize / input.itemsize`` and is removed. Bytes are in the machine's order
    (little-endian on x86 and ARM, as TensorFlow there). No gradient.

    >>> import gradtape as gt
    >>> from gradtape.ops.bits import bitcast  # gt.bitcast
    >>> bitcast(gt.constant(0xffffffff, dtype=gt.uint32), gt.uint8).numpy()
    array([255, 255, 255, 255], dtype=uint8)
    >>> bitcast(gt.constant([0, 16256], gt.uint16), gt.float32).numpy()
    np.float32(1.0)
    """
    op = "bitcast"
    a = np.array(input._value if isinstance(input, Tensor) else to_array(input), order="C")
    try:
        dt = as_dtype(type)
    except TypeError:
        raise TypeError(f"{op}: type must be a dtype such as gt.int32, got {type!r}") from None
    for what, d in (("input", a.dtype), ("type", dt)):
        if d.kind not in _BITCAST_KINDS:
            raise TypeError(f"{op}: {what} has dtype {d.name}; only integer, float and complex dtypes can "
                            "be bitcast")
    n_in, n_out = a.dtype.itemsize, dt.itemsize
    if n_in == n_out:
        return wrap(a.view(dt).copy())
    if n_in > n_out:
        return wrap(a.reshape(a.shape + (1,)).view(dt).copy())
    ratio = n_out // n_in
    if n_out % n_in or a.ndim == 0 or a.shape[-1] != ratio:
        raise ValueError(f"{op}: cannot bitcast {a.dtype.name} (shape {a.shape}) to {dt.name}: the last "
                         f"dimension must have size {dt.itemsize} / {a.dtype.itemsize} = {ratio}")
    return wrap(a.view(dt).reshape(a.shape[:-1]).copy())


__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]

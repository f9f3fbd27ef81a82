"""Small helpers shared by derivative rules. They work in both rule namespaces."""

from __future__ import annotations


def batch_ndim(g, ans) -> int:
    """Number of leading batch axes on a cotangent ``g`` for an op with output ``ans``."""
    return len(g.shape) - len(ans.shape)


def conj(m, x):
    """Complex conjugate, or ``x`` itself for real dtypes (no copy)."""
    return m.conj(x) if x.dtype.kind == "c" else x


def normalize_axes(axis, ndim: int, op: str, arg: str = "axis") -> tuple | None:
    """Turn an int, a sequence or None into a sorted tuple of negative axes (None: all)."""
    if axis is None:
        return None
    if hasattr(axis, "_value"):
        axis = axis._value
    if hasattr(axis, "tolist"):
        axis = axis.tolist()
    axes = (axis,) if isinstance(axis, int) else tuple(int(a) for a in axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{op}: {arg}={a} is out of range for a tensor of rank {ndim}; valid axes are "
                f"{-ndim}..{ndim - 1}")
        out.append(a - ndim if a >= 0 else a)
    return tuple(sorted(set(out)))


def normalize_axis(axis, ndim: int, op: str, arg: str = "axis") -> int:
    """One axis as a negative int."""
    if hasattr(axis, "_value"):
        axis = int(axis._value)
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{op}: {arg}={axis} is out of range for a tensor of rank {ndim}; valid axes are "
            f"{-ndim}..{ndim - 1}")
    return axis - ndim if axis >= 0 else axis


def keepdims_shape(shape: tuple, axes: tuple | None) -> tuple:
    """``shape`` with the reduced ``axes`` (negative) set to 1."""
    n = len(shape)
    if axes is None:
        return (1,) * n
    s = list(shape)
    for a in axes:
        s[n + a] = 1
    return tuple(s)


def expand_reduced(m, g, ans, x_shape: tuple, axes: tuple | None, keepdims: bool):
    """Reshape a reduction's cotangent so that it broadcasts against the input."""
    if keepdims:
        return g
    nb = batch_ndim(g, ans)
    return m.reshape(g, shape=tuple(g.shape[:nb]) + keepdims_shape(x_shape, axes))

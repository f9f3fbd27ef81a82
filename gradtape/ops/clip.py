"""Clipping values and norms, and the saturating cast (composites of primitives; no rules of
their own)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.indexed_slices import IndexedSlices
from .._engine.tensor import Tensor, as_dtype
from .array import where
from .math import cast, imag, maximum, minimum, real, sqrt
from .math import complex as _complex
from .reduce import reduce_sum


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clip to ``[clip_value_min, clip_value_max]``. The gradient passes where ``t`` is inside
    the interval, ends included, as in TensorFlow. As TensorFlow computes
    ``maximum(minimum(t, clip_value_max), clip_value_min)``, ``clip_value_min`` wins when the
    bounds are crossed.

    >>> import gradtape as gt
    >>> gt.clip_by_value(gt.constant([-2.0, 0.5, 3.0]), -1.0, 1.0).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    return maximum(minimum(t, clip_value_max), clip_value_min)  # TensorFlow's order


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescale ``t`` so that its L2 norm (over ``axes``) is at most ``clip_norm``.

    >>> import gradtape as gt
    >>> gt.clip_by_norm(gt.constant([3.0, 4.0]), 1.0).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    t = t if isinstance(t, Tensor) else Tensor(t)
    l2sum = reduce_sum(t * t, axis=axes, keepdims=True)
    nonzero = l2sum > 0  # as TensorFlow: a zero tensor gets a finite gradient
    l2norm = where(nonzero, sqrt(where(nonzero, l2sum, 1.0)), l2sum)
    return t * clip_norm / maximum(l2norm, clip_norm)


def _values(t):
    return t.values if isinstance(t, IndexedSlices) else t if isinstance(t, Tensor) else Tensor(t)


def _safe_sqrt(sq):
    nonzero = sq > 0  # a finite gradient at zero, as clip_by_norm
    return where(nonzero, sqrt(where(nonzero, sq, 1.0)), sq)


def global_norm(t_list, name=None):
    """The L2 norm of all the tensors in ``t_list`` together (None entries are ignored), as
    ``tf.linalg.global_norm`` (not a top-level name; ``gt.linalg`` can re-export it).

    >>> import gradtape as gt
    >>> from gradtape.ops.clip import global_norm
    >>> float(global_norm([gt.constant([3.0]), None, gt.constant([[4.0]])]))
    5.0
    """
    if isinstance(t_list, (Tensor, IndexedSlices)) or not hasattr(t_list, "__iter__"):
        raise TypeError("global_norm: t_list must be a sequence of tensors")
    vals = [_values(t) for t in t_list if t is not None]
    if not vals:
        return Tensor(np.float32(0.0))
    dt = np.result_type(*[v.dtype for v in vals])
    if dt.kind != "f":
        dt = np.dtype(np.float32)
    sq = None
    for v in vals:
        s = cast(reduce_sum(v * v), dt) if v.dtype.kind != "c" else None
        if s is None:
            raise TypeError("global_norm: complex tensors are not supported")
        sq = s if sq is None else sq + s
    return _safe_sqrt(sq)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor in ``t_list`` by ``clip_norm / max(global_norm, clip_norm)``, as
    ``tf.clip_by_global_norm``. Returns ``(list_clipped, global_norm)``; None entries stay None
    and IndexedSlices stay IndexedSlices. ``use_norm`` replaces the computed global norm. If the
    global norm is infinite or NaN every clipped tensor is NaN, as in TensorFlow.

    >>> import gradtape as gt
    >>> clipped, norm = gt.clip_by_global_norm([gt.constant([3.0]), None, gt.constant([4.0])], 1.0)
    >>> float(norm), clipped[1], clipped[2].numpy()
    (5.0, None, array([0.8], dtype=float32))
    """
    if isinstance(t_list, (Tensor, IndexedSlices)) or not hasattr(t_list, "__iter__"):
        raise TypeError("clip_by_global_norm: t_list must be a sequence (e.g. a list) of tensors; "
                        "use gt.clip_by_norm for a single tensor")
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else (
        use_norm if isinstance(use_norm, Tensor) else Tensor(use_norm))
    c = clip_norm if isinstance(clip_norm, Tensor) else Tensor(clip_norm, norm.dtype)
    if c.dtype != norm.dtype:
        c = cast(c, norm.dtype)
    if c.ndim or float(c) < 0:
        raise ValueError(f"clip_by_global_norm: clip_norm must be a non-negative scalar, got "
                         f"{c.numpy()!r}")
    with np.errstate(invalid="ignore"):
        scale = c / maximum(norm, c)
        scale = scale + (norm - norm)  # NaN when the norm is infinite or NaN
    out = []
    for t in t_list:
        if t is None:
            out.append(None)
            continue
        v = _values(t)
        clipped = v * cast(scale, v.dtype)
        out.append(IndexedSlices(clipped, t.indices, t.dense_shape) if isinstance(t, IndexedSlices)
                   else clipped)
    return out, norm


def _real_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.float32) if dt == np.complex64 else np.dtype(np.float64) if dt.kind == "c" else dt


def _range(dt: np.dtype) -> tuple:
    info = np.finfo(dt) if dt.kind == "f" else np.iinfo(dt)
    return (float(info.min), float(info.max)) if dt.kind == "f" else (int(info.min), int(info.max))


def _bound(limit, in_dt: np.dtype) -> np.ndarray:
    """``limit`` (a bound of the output range) in the input dtype, nudged toward 0 when
    rounding would put it outside (int32's max is 2147483648.0 in float32), as TensorFlow."""
    b = np.asarray(limit).astype(in_dt)
    if (b.item() > limit) if limit > 0 else (b.item() < limit):
        b = np.nextafter(b, np.zeros((), in_dt))
    return np.asarray(b, in_dt)


def _clamp(x: Tensor, in_dt: np.dtype, out_real: np.dtype) -> Tensor:
    (ilo, ihi), (olo, ohi) = _range(in_dt), _range(out_real)
    to_int = in_dt.kind == "f" and out_real.kind in "iu"  # infinities must land on the ends too
    if ilo < olo or to_int:
        x = maximum(x, _bound(max(olo, ilo), in_dt))
    if ihi > ohi or to_int:
        x = minimum(x, _bound(min(ohi, ihi), in_dt))
    return x


def saturate_cast(value: Any, dtype: Any, name: str | None = None) -> Tensor:
    """Cast to ``dtype``, first clamping ``value`` to the range ``dtype`` can represent, as
    ``tf.saturate_cast`` (a plain cast would overflow). Complex to complex clamps the real and
    imaginary parts separately; complex to real keeps the real part.

    The gradient is the cast's, zero where the value was clamped (the range's ends included, as
    ``clip_by_value``); casting to an integer stops it, as ``cast`` does.

    >>> import gradtape as gt
    >>> gt.saturate_cast(gt.constant([-1e10, 3.7, 300.0]), gt.uint8).numpy()
    array([  0,   3, 255], dtype=uint8)
    >>> gt.saturate_cast(gt.constant([1e300, -2.0], gt.float64), gt.float32).numpy()
    array([ 3.4028235e+38, -2.0000000e+00], dtype=float32)
    """
    op = "saturate_cast"
    x = value if isinstance(value, Tensor) else Tensor(value)
    dt = as_dtype(dtype)
    in_dt = x.dtype
    for d, what in ((in_dt, f"value has dtype {in_dt.name}"), (dt, f"dtype={dt.name}")):
        if d.kind not in "iufc":
            raise TypeError(f"{op}: {what}, which has no numeric range to saturate to; use gt.cast")
    if in_dt.kind == "c":
        if dt.kind == "c":
            r_in, r_out = _real_dtype(in_dt), _real_dtype(dt)
            if r_in.itemsize > r_out.itemsize:  # complex128 to complex64
                x = _complex(_clamp(real(x), r_in, r_out), _clamp(imag(x), r_in, r_out))
            return cast(x, dt)
        x = real(x)  # complex to real discards the imaginary part
        in_dt = x.dtype
    return cast(_clamp(x, in_dt, _real_dtype(dt)), dt)


__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "saturate_cast"]

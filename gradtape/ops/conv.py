"""Convolutions and pooling, as ``tf.nn``: strides, ``"SAME"``/``"VALID"``/explicit padding,
dilations, channels-last (``NHWC``, ``NWC``) and channels-first (``NCHW``, ``NCW``) layouts.

Every op runs on one 2-D channels-last core (1-D ops add a height of 1, channels-first inputs
are transposed). A convolution gathers strided windows of the padded input into a matrix
(``im2col``, in batch chunks of about 2 MB so that each is consumed while it is in cache) and
contracts it with the kernel in one matrix product per chunk. Its input gradient
(``conv2d_backprop_input``, which is also ``conv2d_transpose``) is one product per window
offset, added straight into the result; its filter gradient (``conv2d_backprop_filter``) is
``windows^T @ g``. Those two are primitives whose own rules call each other and ``conv2d``,
so derivatives of any order work.

Pooling loops over the ``kh * kw`` window offsets with whole-array operations. Max pooling
sends a window's gradient to its first maximum in row-major order when there are ties, as
TensorFlow does: the forward also returns each window's argmax offset (a pairwise tournament),
and the gradient is a primitive (``max_pool_grad``) whose own rule gathers at those offsets.
Average pooling with ``"SAME"`` padding divides by the number of real (non-padding) elements.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import _native
from .._engine import parallel as _parallel
from .._engine.indexed_slices import DeferredGrad
from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, to_array
from .array import reshape, transpose


# -- geometry ------------------------------------------------------------------------------
def _pad(x, padding, value=0):
    """``x`` (N, H, W, C) with ``padding`` ((top, bottom), (left, right)) of ``value`` around."""
    (pt, pb), (pl, pr) = padding
    if not (pt or pb or pl or pr):
        return x
    n, h, w, c = x.shape
    out = np.empty((n, h + pt + pb, w + pl + pr, c), dtype=x.dtype)
    out[:, :pt], out[:, pt + h:] = value, value
    out[:, pt:pt + h, :pl], out[:, pt:pt + h, pl + w:] = value, value
    out[:, pt:pt + h, pl:pl + w] = x
    return out


def _windows(xp, ksize, out, strides, dilations):
    """``(N, Ho, Wo, kh, kw, C)`` view of windows of the padded ``(N, Hp, Wp, C)`` input."""
    xp = np.asarray(xp)
    s0, s1, s2, s3 = xp.strides
    shape = (xp.shape[0], out[0], out[1], ksize[0], ksize[1], xp.shape[3])
    st = (s0, s1 * strides[0], s2 * strides[1], s1 * dilations[0], s2 * dilations[1], s3)
    return as_strided(xp, shape, st, writeable=False)


def _offsets(ksize, out, strides, dilations=(1, 1)):
    """``((i, j), index)`` for each window offset: ``xp[index]`` is that offset in every window."""
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            a, b = i * dilations[0], j * dilations[1]
            yield (i, j), (slice(None), slice(a, a + strides[0] * (out[0] - 1) + 1, strides[0]),
                           slice(b, b + strides[1] * (out[1] - 1) + 1, strides[1]), slice(None))


def _out_size(n, k, s, d, pads):
    return (n + pads[0] + pads[1] - (k - 1) * d - 1) // s + 1


def _crop(xp, padding, shape):
    (pt, _), (pl, _) = padding
    if xp.shape[1:3] == tuple(shape[1:3]):
        return xp
    return np.ascontiguousarray(xp[:, pt:pt + shape[1], pl:pl + shape[2], :])


# -- convolution primitives (NHWC input, HWIO filter, explicit padding) ------------------------
def _im2col(x, padding, ksize, out, strides, dilations, buf=None):
    """The windows of the padded input as a ``(N * Ho * Wo, kh * kw * C)`` matrix (one copy;
    into ``buf`` when given and the compiled kernel runs, which reads the unpadded input).

    With one input channel and unit width stride, the transposed matrix is gathered instead
    (contiguous runs, several times faster) and returned as its Fortran-ordered transpose.
    """
    c = x.shape[3]
    rows, k = x.shape[0] * out[0] * out[1], ksize[0] * ksize[1] * c
    if _native_im2col(x):
        cols = np.empty((rows, k), x.dtype) if buf is None else buf[:rows * k].reshape(rows, k)
        geometry = _geometry(x.shape[0], x.shape[1:3], c, out, ksize, strides, padding)
        _native.kernels().im2col(np.ascontiguousarray(x), cols, geometry, dilations[0], dilations[1])
        return cols
    view = _windows(_pad(x, padding), ksize, out, strides, dilations)
    if c == 1 and strides[1] == 1:
        return np.ascontiguousarray(view.transpose(3, 4, 5, 0, 1, 2)).reshape(k, rows).T
    return view.reshape(rows, k)


def _native_im2col(x) -> bool:
    """Whether the compiled im2col takes ``x`` (with one channel NumPy's transposed gather, which
    feeds a faster product, is kept)."""
    return (type(x) is np.ndarray and x.shape[3] > 1 and x.dtype in _native.FLOATS
            and _native.kernels() is not None)


def _cols_buffer(x, chunks, per, k):
    """One buffer for the largest chunk's window matrix, when the compiled im2col fills it."""
    return np.empty(max(b1 - b0 for b0, b1 in chunks) * per * k, x.dtype) if _native_im2col(x) else None


def _conv_out(x_shape, w_shape, strides, dilations, padding):
    return tuple(_out_size(x_shape[1 + d], w_shape[d], strides[d], dilations[d], padding[d])
                 for d in range(2))


def _chunks(x, k, out, lo=0, hi=None):
    """Ranges of the batch rows ``[lo, hi)`` whose window matrices take about 2 MB (4 MB with
    the compiled kernels, which write into one reused buffer): each is built and consumed while
    it is in cache, and the temporaries stay small enough to be reused by the allocator."""
    hi = x.shape[0] if hi is None else hi
    per = max(1, out[0] * out[1] * k * x.dtype.itemsize)
    step = max(1, ((4 << 20) if _native.kernels() is not None else (2 << 20)) // per)
    return [(b, min(b + step, hi)) for b in range(lo, hi, step)] or [(lo, lo)]


def _conv_fwd(x, w, strides, dilations, padding, depthwise):
    n, c = x.shape[0], x.shape[3]
    out = _conv_out(x.shape, w.shape, strides, dilations, padding)
    if depthwise:
        cols = _windows(_pad(x, padding), w.shape[:2], out, strides, dilations)
        y = np.einsum("nhwijc,ijcm->nhwcm", cols, w, optimize=True)
        return y.reshape(n, out[0], out[1], c * w.shape[3])
    k = w.shape[0] * w.shape[1] * c
    w2 = w.reshape(k, w.shape[3])
    per = out[0] * out[1]
    y = np.empty((n * per, w.shape[3]), dtype=np.result_type(x, w))

    def part(lo, hi):
        chunks = _chunks(x, k, out, lo, hi)
        buf = _cols_buffer(x, chunks, per, k)
        for b0, b1 in chunks:
            cols = _im2col(x[b0:b1], padding, w.shape[:2], out, strides, dilations, buf)
            np.matmul(cols, w2, out=y[b0 * per:b1 * per])
    _parallel.split(n, x.nbytes + y.nbytes, part)
    return y.reshape(n, out[0], out[1], w.shape[3])


def _overlap(i, d, s, pad, n_in, n_out):
    """Window offset ``i`` along one axis: the output range ``[lo, hi)`` whose taps land inside
    the unpadded input, and the input index of the first one (None: none do)."""
    first = i * d - pad  # input index tapped by output 0
    lo = max(0, -(first // s)) if first < 0 else 0
    hi = min(n_out, (n_in - 1 - first) // s + 1) if n_in - 1 - first >= 0 else 0
    if hi <= lo:
        return None
    return lo, hi, first + lo * s


def _geometry(n, in_hw, c, out, ksize, strides, padding):
    """The compiled kernels' geometry tuple."""
    return (n, in_hw[0], in_hw[1], c, out[0], out[1], ksize[0], ksize[1], strides[0], strides[1],
            padding[0][0], padding[1][0])


def _rows_of(geometry, lo, hi):
    """The kernels' geometry for the batch rows ``[lo, hi)`` alone."""
    return (hi - lo,) + geometry[1:]


def _conv_bpi_native(g, w, input_shape, strides, dilations, padding):
    """With the compiled kernels: per batch chunk, the window matrix's gradient ``g @ w^T`` (one
    product) added back into the windows by ``col2im``."""
    n, h, wd, c = input_shape
    kh, kw, _, o = w.shape
    out = g.shape[1:3]
    per, k = out[0] * out[1], kh * kw * c
    wt = np.ascontiguousarray(w.reshape(k, o).T)
    g2 = np.ascontiguousarray(g).reshape(n * per, o)
    dx = np.empty(input_shape, g.dtype)
    kernels = _native.kernels()

    def part(lo, hi):
        chunks = _chunks(dx, k, out, lo, hi)
        buf = _cols_buffer(dx, chunks, per, k)
        for b0, b1 in chunks:
            cols = buf[:(b1 - b0) * per * k].reshape(-1, k)
            np.matmul(g2[b0 * per:b1 * per], wt, out=cols)
            kernels.col2im(cols, dx[b0:b1], _geometry(b1 - b0, (h, wd), c, out, (kh, kw), strides, padding),
                           dilations[0], dilations[1])
    _parallel.split(n, g2.nbytes + dx.nbytes, part)
    return dx


def _conv_bpi_fwd(g, w, input_shape, strides, dilations, padding, depthwise):
    """Scatter-add each window offset's contribution straight into the unpadded gradient."""
    if (not depthwise and input_shape[3] > 1 and type(g) is np.ndarray and type(w) is np.ndarray
            and g.dtype in _native.FLOATS and w.dtype == g.dtype and _native.kernels() is not None):
        return _conv_bpi_native(g, w, input_shape, strides, dilations, padding)
    n, h, wd, c = input_shape
    kh, kw = w.shape[:2]
    out = g.shape[1:3]
    sh, sw = strides
    dt = np.result_type(g, w)
    parts = []
    for i in range(kh):
        r = _overlap(i, dilations[0], sh, padding[0][0], h, out[0])
        for j in range(kw):
            q = _overlap(j, dilations[1], sw, padding[1][0], wd, out[1])
            if r is not None and q is not None:
                full = (sh == 1 and r[1] - r[0] == h) and (sw == 1 and q[1] - q[0] == wd)
                parts.append((not full, i, j, r, q))
    parts.sort()  # an offset that covers the whole input (if any) first: assigned, not added
    dx = None if parts and not parts[0][0] else np.zeros(input_shape, dtype=dt)
    if depthwise:
        dcols = np.einsum("nhwcm,ijcm->nhwijc", g.reshape(n, out[0], out[1], c, w.shape[3]), w,
                          optimize=True)
    else:
        g2 = g.reshape(n * out[0] * out[1], g.shape[3])
        wt = np.ascontiguousarray(np.swapaxes(w, 2, 3))
    for _, i, j, (a0, a1, r0), (b0, b1, q0) in parts:
        # one product per offset, written contiguously, beats one big product + strided adds
        part = dcols[:, :, :, i, j, :] if depthwise else (g2 @ wt[i, j]).reshape(n, out[0], out[1], c)
        src = part[:, a0:a1, b0:b1, :]
        if dx is None:
            dx = np.ascontiguousarray(src, dtype=dt)
            continue
        dx[:, r0:r0 + sh * (a1 - a0 - 1) + 1:sh, q0:q0 + sw * (b1 - b0 - 1) + 1:sw, :] += src
    return dx


def _conv_bpf_fwd(x, g, filter_shape, strides, dilations, padding, depthwise):
    kh, kw, c, o = filter_shape
    out = g.shape[1:3]
    if depthwise:
        cols = _windows(_pad(x, padding), (kh, kw), out, strides, dilations)
        return np.einsum("nhwijc,nhwcm->ijcm", cols, g.reshape(x.shape[0], out[0], out[1], c, o),
                         optimize=True)
    k = kh * kw * c
    g2 = g.reshape(x.shape[0] * out[0] * out[1], o)
    per = out[0] * out[1]

    def part(lo, hi):
        dw = None
        chunks = _chunks(x, k, out, lo, hi)
        buf = _cols_buffer(x, chunks, per, k)
        for b0, b1 in chunks:
            cols = _im2col(x[b0:b1], padding, (kh, kw), out, strides, dilations, buf)
            gc = g2[b0 * per:b1 * per]
            # the contiguous operand first: BLAS is much slower with a long transposed one
            term = cols.T @ gc if not cols.flags.c_contiguous else (gc.T @ cols).T
            dw = term if dw is None else dw.__iadd__(term)
        return dw
    parts = _parallel.split(x.shape[0], x.nbytes + g2.nbytes, part)
    dw = parts[0]
    for p in parts[1:]:
        dw = dw.__iadd__(p)
    return np.ascontiguousarray(dw).reshape(filter_shape)


def _conv_dx(m, g, ans, x, w, **a):
    return m.conv2d_backprop_input(g, w, input_shape=tuple(x.shape), **a)


def _conv_dw(m, g, ans, x, w, **a):
    return m.conv2d_backprop_filter(x, g, filter_shape=tuple(w.shape), **a)


_conv2d = primitive(
    "conv2d", _conv_fwd, vjp=(_conv_dx, _conv_dw),
    jvp=(lambda m, t, ans, x, w, **a: m.conv2d(t, w, **a),
         lambda m, t, ans, x, w, **a: m.conv2d(x, t, **a)),
    save_out=False, batched=False)

# y = conv2d_backprop_input(g, w) is linear in g and in w: <h, y> = <conv2d(h, w), g>
# = <conv2d_backprop_filter(h, g), w>.
_conv2d_bpi = primitive(
    "conv2d_backprop_input", _conv_bpi_fwd,
    vjp=(lambda m, h, ans, g, w, input_shape, **a: m.conv2d(h, w, **a),
         lambda m, h, ans, g, w, input_shape, **a: m.conv2d_backprop_filter(
             h, g, filter_shape=tuple(w.shape), **a)),
    jvp=(lambda m, t, ans, g, w, **a: m.conv2d_backprop_input(t, w, **a),
         lambda m, t, ans, g, w, **a: m.conv2d_backprop_input(g, t, **a)),
    save_out=False, batched=False)

# k = conv2d_backprop_filter(x, g): <u, k> = <conv2d(x, u), g> = <x, conv2d_backprop_input(g, u)>.
_conv2d_bpf = primitive(
    "conv2d_backprop_filter", _conv_bpf_fwd,
    vjp=(lambda m, u, ans, x, g, filter_shape, **a: m.conv2d_backprop_input(
             g, u, input_shape=tuple(x.shape), **a),
         lambda m, u, ans, x, g, filter_shape, **a: m.conv2d(x, u, **a)),
    jvp=(lambda m, t, ans, x, g, **a: m.conv2d_backprop_filter(t, g, **a),
         lambda m, t, ans, x, g, **a: m.conv2d_backprop_filter(x, t, **a)),
    save_out=False, batched=False)


# -- pooling primitives ------------------------------------------------------------------------
def _pool_out(shape, ksize, strides, padding):
    return tuple(_out_size(shape[1 + d], ksize[d], strides[d], 1, padding[d]) for d in range(2))


def _low(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_pool_fwd(x, ksize, strides, padding):
    """The maxima and, per window, the row-major offset of its first maximum (TensorFlow's
    choice with ties); the second output only feeds the gradient.

    A pairwise tournament over the window offsets: the later half of a pair wins only when
    strictly greater, so ties keep the earlier offset. The compiled kernel, when built, gives
    the same maxima and offsets in one pass.
    """
    native = _native_pool_geometry(x, ksize, strides, padding)
    if native is not None:
        shape, k_dtype, geometry = native
        m, k = np.empty(shape, x.dtype), np.empty(shape, k_dtype)
        x, kernels = np.ascontiguousarray(x), _native.kernels()
        _parallel.split(x.shape[0], x.nbytes + m.nbytes,
                     lambda lo, hi: kernels.max_pool(x[lo:hi], m[lo:hi], k[lo:hi], _rows_of(geometry, lo, hi)))
        return m, k
    xp = _pad(x, padding, _low(x.dtype))
    slices = [xp[idx] for _, idx in _offsets(ksize, _pool_out(x.shape, ksize, strides, padding), strides)]
    dt = np.uint8 if len(slices) <= 256 else np.int32
    items = [(sl, k, False) for k, sl in enumerate(slices)]  # (max, offset, max is ours to reuse)
    while len(items) > 1:
        nxt = []
        for a in range(0, len(items) - 1, 2):
            (ma, ka, own), (mb, kb, _) = items[a], items[a + 1]
            win = mb > ma
            m = np.maximum(ma, mb, out=ma if own else None)
            if isinstance(ka, int):  # two single offsets, kb == ka + 1
                k = win.view(np.uint8) if dt is np.uint8 else win.astype(dt)
                if ka:
                    k += dt(ka)
            else:  # k = where(win, kb, ka), as arithmetic (much faster than np.where)
                d = np.subtract(kb if not isinstance(kb, int) else dt(kb), ka)
                np.multiply(d, win, out=d)
                k = np.add(ka, d, out=ka)
            nxt.append((m, k, True))
        if len(items) % 2:
            nxt.append(items[-1])
        items = nxt
    m, k, own = items[0]
    if not own:
        m, k = m.copy(), np.zeros(m.shape, dt)
    return m, k


def _native_pool_geometry(x, ksize, strides, padding):
    """``(output shape, offsets dtype, geometry)`` for the compiled max pool kernels, or None
    when they are off or do not apply (not a float32/float64 array)."""
    if _native.kernels() is None or type(x) is not np.ndarray or x.dtype not in _native.FLOATS:
        return None
    n, h, w, c = x.shape
    out = _pool_out(x.shape, ksize, strides, padding)
    geometry = _geometry(n, (h, w), c, out, ksize, strides, padding)
    return (n,) + out + (c,), (np.uint8 if ksize[0] * ksize[1] <= 256 else np.int32), geometry


def _max_pool_grad_native(arg, g, input_shape, ksize, strides, padding, relu=None):
    """The compiled scatter (masked by ``relu > 0`` when given), or None when it does not apply."""
    if type(g) is not np.ndarray or _native.kernels() is None or g.dtype not in _native.FLOATS:
        return None
    if (arg.dtype != (np.uint8 if ksize[0] * ksize[1] <= 256 else np.int32) or arg.shape != g.shape
            or (relu is not None and (relu.dtype != g.dtype or relu.shape != g.shape))):
        return None
    n, h, w, c = input_shape
    dx = np.empty(input_shape, g.dtype)
    geometry = _geometry(n, (h, w), c, g.shape[1:3], ksize, strides, padding)
    arg, g, kernels = np.ascontiguousarray(arg), np.ascontiguousarray(g), _native.kernels()
    relu = None if relu is None else np.ascontiguousarray(relu)
    _parallel.split(n, dx.nbytes + g.nbytes, lambda lo, hi: kernels.max_pool_grad(
        arg[lo:hi], g[lo:hi], dx[lo:hi], _rows_of(geometry, lo, hi), None if relu is None else relu[lo:hi]))
    return dx


def _max_pool_grad_fwd(arg, g, input_shape, ksize, strides, padding):
    native = _max_pool_grad_native(arg, g, input_shape, ksize, strides, padding)
    if native is not None:
        return native
    (pt, pb), (pl, pr) = padding
    n, h, w, c = input_shape
    size = (n, h + pt + pb, w + pl + pr, c)
    overlap = any(k > s for k, s in zip(ksize, strides))
    tiles = ksize == strides and all(o * k == p for o, k, p in zip(arg.shape[1:3], ksize, size[1:3]))
    pick = _picker(g)
    dt = np.result_type(g)
    if tiles:
        # Windows that tile the padded input write every element once. Each offset's picks
        # are written contiguously, then interleaved in one copy: faster than strided writes.
        (kh, kw), (ho, wo) = ksize, arg.shape[1:3]
        parts = np.empty((kh, kw) + g.shape, dtype=dt)
        for k in range(kh * kw):
            pick(arg == k, g, out=parts[k // kw, k % kw])
        dxp = np.empty(size, dtype=dt)
        np.copyto(dxp.reshape(n, ho, kh, wo, kw, c), parts.transpose(2, 3, 0, 4, 1, 5))
        return _crop(dxp, padding, input_shape)
    dxp = np.zeros(size, dtype=dt)
    for k, (_, idx) in enumerate(_offsets(ksize, arg.shape[1:3], strides)):
        if overlap:
            dxp[idx] += pick(arg == k, g)
        else:
            pick(arg == k, g, out=dxp[idx])
    return _crop(dxp, padding, input_shape)


def _picker(v):
    """``pick(mask, v)``: ``v`` where ``mask``, else 0. A product is ~9x faster than np.where, but
    turns inf/nan at unpicked places into nan, so it is used only for finite values."""
    if np.isfinite(v).all():
        return np.multiply

    def where(mask, v, out=None):
        r = np.where(mask, v, 0)
        if out is None:
            return r
        out[...] = r
        return out
    return where


def _max_pool_gg_fwd(arg, h, input_shape, ksize, strides, padding):
    hp = _pad(h, padding)
    out = np.zeros(arg.shape, dtype=np.result_type(h))
    pick = _picker(h)
    for k, (_, idx) in enumerate(_offsets(ksize, arg.shape[1:3], strides)):
        out += pick(arg == k, hp[idx])
    return out


class PooledGrad(DeferredGrad):
    """A max pool's input gradient before it is scattered: ``g`` per window, bound for the
    window's maximum (offset ``arg``; ``m`` is the pool's output, the maximum's value).

    Most pools follow a relu. The relu's rule then masks ``g`` with ``m > 0`` at the pooled
    size (at a maximum, the relu's output is ``m``) instead of reading and writing the
    full-size gradient: one pass over a quarter of the data in place of two full passes. With
    the compiled kernels the mask is applied by the scatter itself (``relu``), no pass at all.
    """

    __slots__ = ("arg", "g", "m", "shape", "dtype", "attrs", "relu")

    def __init__(self, arg, g, m, shape, attrs, relu=False):
        self.arg, self.g, self.m, self.shape, self.dtype, self.attrs = arg, g, m, shape, g.dtype, attrs
        self.relu = relu

    def dense(self) -> np.ndarray:
        if self.relu:
            native = _max_pool_grad_native(self.arg, self.g, self.shape, relu=self.m, **self.attrs)
            if native is not None:
                return native
            return _max_pool_grad_fwd(self.arg, self.g * (self.m > 0), self.shape, **self.attrs)
        return _max_pool_grad_fwd(self.arg, self.g, self.shape, **self.attrs)

    def masked_by_relu(self) -> PooledGrad | None:
        """The gradient of a relu's input when the relu's output was this pool's input (None
        where a NaN maximum could stand for a window whose chosen element is not NaN)."""
        if self.m.dtype.kind != "f" or np.isnan(self.m).any():
            return None
        return PooledGrad(self.arg, self.g, self.m, self.shape, self.attrs, relu=True)


def _max_pool_vjp(m, g, ans, x, **a):
    if m.is_raw and type(g[0]) is np.ndarray and g[0].dtype == ans[0].dtype:
        return PooledGrad(ans[1], g[0], ans[0], tuple(x.shape), a)
    return m.max_pool_grad(ans[1], g[0], input_shape=tuple(x.shape), **a)


def _max_pool_jvp(m, ts, ans, x, **a):
    return m.max_pool_grad_grad(ans[1], ts[0], input_shape=tuple(x.shape), **a), None


_max_pool = primitive("max_pool", _max_pool_fwd, vjp=(_max_pool_vjp,), jvp_all=_max_pool_jvp,
                      n_out=2, save_args=(), save_out=True, batched=False)

# Linear in its second argument: ``arg`` (the argmax offsets) only chooses the positions.
_max_pool_grad = primitive(
    "max_pool_grad", _max_pool_grad_fwd,
    vjp=(None, lambda m, h, dx, arg, g, input_shape, **a: m.max_pool_grad_grad(
        arg, h, input_shape=input_shape, **a)),
    jvp="linear", save_args=(0,), save_out=False, batched=False)

_max_pool_grad_grad = primitive(
    "max_pool_grad_grad", _max_pool_gg_fwd,
    vjp=(None, lambda m, k, out, arg, h, input_shape, **a: m.max_pool_grad(
        arg, k, input_shape=input_shape, **a)),
    jvp="linear", save_args=(0,), save_out=False, batched=False)


def _avg_counts(shape, ksize, strides, padding, dtype):
    out = _pool_out(shape, ksize, strides, padding)
    if not any(a or b for a, b in padding):
        return np.asarray(ksize[0] * ksize[1], dtype=dtype)
    ones = _pad(np.ones((1, shape[1], shape[2], 1), dtype), padding)
    cnt = np.zeros((1,) + out + (1,), dtype)
    for _, idx in _offsets(ksize, out, strides):
        cnt += ones[idx]
    return cnt


def _avg_pool_fwd(x, ksize, strides, padding):
    xp = _pad(x, padding)
    out = None
    for _, idx in _offsets(ksize, _pool_out(x.shape, ksize, strides, padding), strides):
        out = xp[idx].copy() if out is None else np.add(out, xp[idx], out=out)
    return out / _avg_counts(x.shape, ksize, strides, padding, out.dtype)


def _avg_pool_grad_fwd(g, input_shape, ksize, strides, padding):
    (pt, pb), (pl, pr) = padding
    n, h, w, c = input_shape
    gs = g / _avg_counts(input_shape, ksize, strides, padding, g.dtype)
    dxp = np.zeros((n, h + pt + pb, w + pl + pr, c), dtype=gs.dtype)
    for _, idx in _offsets(ksize, g.shape[1:3], strides):
        dxp[idx] += gs
    return _crop(dxp, padding, input_shape)


_avg_pool = primitive(
    "avg_pool", _avg_pool_fwd,
    vjp=(lambda m, g, ans, x, **a: m.avg_pool_grad(g, input_shape=tuple(x.shape), **a),),
    jvp="linear", save_args=(), save_out=False, batched=False)

_avg_pool_grad = primitive(
    "avg_pool_grad", _avg_pool_grad_fwd,
    vjp=(lambda m, h, ans, g, input_shape, **a: m.avg_pool(h, **a),),
    jvp="linear", save_args=(), save_out=False, batched=False)


# -- argument handling -------------------------------------------------------------------------
_LAYOUTS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW")}


def _channels_last(data_format, nsp, op) -> bool:
    last, first = _LAYOUTS[nsp]
    if data_format is None or data_format == last:
        return True
    if data_format == first:
        return False
    raise ValueError(f"{op}: data_format must be {last!r} or {first!r}, got {data_format!r}")


def _spatial(v, nsp, channels_last, op, arg):
    """An int or a list of 1, ``nsp`` or ``nsp + 2`` ints -> ``nsp`` spatial ints."""
    if v is None:
        return (1,) * nsp
    if isinstance(v, Tensor):
        v = v._value
    v = [int(a) for a in np.asarray(v).reshape(-1).tolist()]
    if len(v) == 1:
        v = v * nsp
    elif len(v) == nsp + 2:
        other = (v[0], v[-1]) if channels_last else (v[0], v[1])
        if other != (1, 1):
            raise ValueError(f"{op}: {arg} must be 1 in the batch and channel dimensions, got {v}")
        v = v[1:-1] if channels_last else v[2:]
    elif len(v) != nsp:
        raise ValueError(f"{op}: {arg} must be an int or a list of 1, {nsp} or {nsp + 2} ints, got {v}")
    if any(a < 1 for a in v):
        raise ValueError(f"{op}: {arg} must be positive, got {v}")
    return tuple(v)


def _padding(padding, sizes, ksize, strides, dilations, channels_last, op, explicit=True):
    """``"SAME"``, ``"VALID"`` or an explicit list -> ``((before, after), ...)`` per spatial axis."""
    nsp = len(sizes)
    if isinstance(padding, str):
        p = padding.upper()
        if p == "VALID":
            pads = ((0, 0),) * nsp
        elif p == "SAME":
            pads = []
            for n, k, s, d in zip(sizes, ksize, strides, dilations):
                total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
                pads.append((total // 2, total - total // 2))
            pads = tuple(pads)
        else:
            raise ValueError(f"{op}: padding must be 'SAME', 'VALID' or a list of pairs, got {padding!r}")
    else:
        if not explicit:
            raise TypeError(f"{op}: padding must be 'SAME' or 'VALID', got {padding!r}")
        p = np.asarray(padding._value if isinstance(padding, Tensor) else padding)
        if p.shape != (nsp + 2, 2) or p.dtype.kind not in "iu":
            raise ValueError(f"{op}: explicit padding must be {nsp + 2} pairs of ints (one per "
                             f"dimension of the input), got {padding!r}")
        p = [tuple(int(a) for a in row) for row in p.tolist()]
        other = (p[0], p[-1]) if channels_last else (p[0], p[1])
        if other != ((0, 0), (0, 0)) or any(a < 0 for row in p for a in row):
            raise ValueError(f"{op}: explicit padding must be [0, 0] in the batch and channel "
                             f"dimensions and non-negative, got {padding!r}")
        pads = tuple(p[1:-1] if channels_last else p[2:])
    for n, k, d, pd in zip(sizes, ksize, dilations, pads):
        if n + pd[0] + pd[1] < (k - 1) * d + 1 and not (isinstance(padding, str) and p == "SAME"):
            raise ValueError(f"{op}: the window ({k}, dilated to {(k - 1) * d + 1}) is larger than "
                             f"the padded input ({n + pd[0] + pd[1]}): the output size would be "
                             "negative")
    return pads


def _as_float(x, op, arg):
    if isinstance(x, Tensor):
        t = x
    else:
        a = to_array(x)
        t = Tensor(a.astype(np.float32) if a.dtype.kind in "iub" else a)
    if t.dtype.kind != "f":
        raise TypeError(f"{op}: {arg} must be a floating point tensor, got dtype {t.dtype.name}; "
                        "cast it, e.g. with gt.cast(x, gt.float32)")
    return t


def _to_last(x, channels_last):
    if channels_last:
        return x
    return transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))


def _to_first(x, channels_last):
    if channels_last:
        return x
    return transpose(x, (0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))


def _check_rank(x, rank, op, what):
    if x.ndim != rank:
        raise ValueError(f"{op}: {what} must have rank {rank}, got shape {tuple(x.shape)}")


def _conv(x, w, strides, padding, data_format, dilations, nsp, op, depthwise=False):
    """Shared body of conv1d/conv2d/depthwise_conv2d: layouts, 1-D lift, batch dims."""
    x, w = _as_float(x, op, "input"), _as_float(w, op, "filters")
    if x.dtype != w.dtype:
        raise TypeError(f"{op}: input ({x.dtype.name}) and filters ({w.dtype.name}) must have the "
                        "same dtype")
    cl = _channels_last(data_format, nsp, op)
    _check_rank(w, nsp + 2, op, "filters")
    if x.ndim < nsp + 2:
        raise ValueError(f"{op}: input must have rank >= {nsp + 2}, got shape {tuple(x.shape)}")
    batch = tuple(x.shape[:x.ndim - nsp - 1])
    if len(batch) != 1:
        if not cl:
            raise ValueError(f"{op}: extra batch dimensions need a channels-last data_format")
        x = reshape(x, (-1,) + tuple(x.shape[len(batch):]))
    x = _to_last(x, cl)
    c = x.shape[-1]
    if w.shape[nsp] != c:
        raise ValueError(f"{op}: input has {c} channels but filters expect {w.shape[nsp]} "
                         f"(filters shape {tuple(w.shape)})")
    st = _spatial(strides, nsp, cl, op, "strides")
    dl = _spatial(dilations, nsp, cl, op, "dilations")
    pads = _padding(padding, x.shape[1:1 + nsp], w.shape[:nsp], st, dl, cl, op)
    if nsp == 1:
        x = reshape(x, (x.shape[0], 1) + tuple(x.shape[1:]))
        w = reshape(w, (1,) + tuple(w.shape))
        st, dl, pads = (1,) + st, (1,) + dl, ((0, 0),) + pads
    y = bind(_conv2d, x, w, strides=st, dilations=dl, padding=pads, depthwise=depthwise)
    if nsp == 1:
        y = reshape(y, (y.shape[0],) + tuple(y.shape[2:]))
    y = _to_first(y, cl)
    if len(batch) != 1:
        y = reshape(y, batch + tuple(y.shape[1:]))
    return y


# -- public convolutions -----------------------------------------------------------------------
def conv2d(input, filters, strides, padding, data_format: str = "NHWC", dilations=None, name=None):  # noqa: A002
    """2-D convolution (cross-correlation, as TensorFlow) of ``input`` ``[N, H, W, C]``
    (``data_format="NCHW"``: ``[N, C, H, W]``) with ``filters`` ``[kh, kw, C, out_channels]``.

    ``strides`` and ``dilations`` are an int or a list of 1, 2 or 4 ints; ``padding`` is
    ``"SAME"``, ``"VALID"`` or explicit ``[[0, 0], [top, bottom], [left, right], [0, 0]]``
    (in ``data_format`` order). Output size per spatial axis: ``ceil(n / s)`` for SAME,
    ``ceil((n - (k - 1) * d) / s)`` for VALID.

    >>> import gradtape as gt
    >>> y = gt.nn.conv2d(gt.ones((1, 5, 5, 1)), gt.ones((3, 3, 1, 2)), strides=2, padding="SAME")
    >>> y.shape
    (1, 3, 3, 2)
    >>> y.numpy()[0, :, :, 0]
    array([[4., 6., 4.],
           [6., 9., 6.],
           [4., 6., 4.]], dtype=float32)
    """
    return _conv(input, filters, strides, padding, data_format, dilations, 2, "conv2d")


def conv1d(input, filters, stride, padding, data_format: str = "NWC", dilations=None, name=None):  # noqa: A002
    """1-D convolution of ``input`` ``[N, W, C]`` (``"NCW"``: ``[N, C, W]``) with ``filters``
    ``[k, C, out_channels]``; ``stride``, ``padding`` and ``dilations`` as in :func:`conv2d`.

    >>> import gradtape as gt
    >>> gt.nn.conv1d(gt.ones((1, 4, 1)), gt.ones((2, 1, 1)), 1, "VALID").numpy().ravel()
    array([2., 2., 2.], dtype=float32)
    """
    return _conv(input, filters, stride, padding, data_format, dilations, 1, "conv1d")


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):  # noqa: A002
    """Depthwise 2-D convolution: ``filter`` ``[kh, kw, C, multiplier]`` convolves each input
    channel separately; output channel ``c * multiplier + q`` comes from input channel ``c``.

    >>> import gradtape as gt
    >>> y = gt.nn.depthwise_conv2d(gt.ones((1, 3, 3, 2)), gt.ones((2, 2, 2, 3)), [1, 1, 1, 1], "VALID")
    >>> y.shape
    (1, 2, 2, 6)
    """
    return _conv(input, filter, strides, padding, data_format or "NHWC", dilations, 2,
                 "depthwise_conv2d", depthwise=True)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC",  # noqa: A002
                     dilations=None, name=None):
    """The transpose (gradient) of :func:`conv2d`: maps ``input`` ``[N, h, w, in_channels]`` to
    ``output_shape`` ``[N, H, W, out_channels]`` with ``filters`` ``[kh, kw, out_channels,
    in_channels]``, such that ``conv2d`` of the output with the same arguments has ``input``'s
    spatial shape.

    >>> import gradtape as gt
    >>> gt.nn.conv2d_transpose(gt.ones((1, 3, 3, 2)), gt.ones((3, 3, 5, 2)), [1, 6, 6, 5], 2).shape
    (1, 6, 6, 5)
    """
    op = "conv2d_transpose"
    x, w = _as_float(input, op, "input"), _as_float(filters, op, "filters")
    cl = _channels_last(data_format, 2, op)
    _check_rank(x, 4, op, "input")
    _check_rank(w, 4, op, "filters")
    shape = [int(s) for s in np.asarray(
        output_shape._value if isinstance(output_shape, Tensor) else output_shape).reshape(-1)]
    if len(shape) != 4:
        raise ValueError(f"{op}: output_shape must have 4 entries, got {shape}")
    if not cl:
        shape = [shape[0], shape[2], shape[3], shape[1]]
    x = _to_last(x, cl)
    if shape[0] != x.shape[0] or shape[3] != w.shape[2] or x.shape[3] != w.shape[3]:
        raise ValueError(f"{op}: shapes do not fit: input {tuple(x.shape)} (channels last), "
                         f"filters {tuple(w.shape)}, output_shape {shape}; filters must be "
                         "[kh, kw, out_channels, in_channels]")
    st = _spatial(strides, 2, cl, op, "strides")
    dl = _spatial(dilations, 2, cl, op, "dilations")
    pads = _padding(padding, shape[1:3], w.shape[:2], st, dl, cl, op)
    out = tuple(_out_size(n, k, s, d, p) for n, k, s, d, p in zip(shape[1:3], w.shape[:2], st, dl, pads))
    if out != tuple(x.shape[1:3]):
        raise ValueError(f"{op}: a conv2d of output_shape {shape} with these strides and padding "
                         f"gives spatial shape {out}, not the input's {tuple(x.shape[1:3])}")
    y = bind(_conv2d_bpi, x, w, input_shape=tuple(shape), strides=st, dilations=dl, padding=pads,
             depthwise=False)
    return _to_first(y, cl)


# -- public pooling ----------------------------------------------------------------------------
def _pool(prim, x, ksize, strides, padding, data_format, nsp, op, explicit):
    x = _as_float(x, op, "input")
    cl = _channels_last(data_format, nsp, op)
    _check_rank(x, nsp + 2, op, "input")
    x = _to_last(x, cl)
    ks = _spatial(ksize, nsp, cl, op, "ksize")
    st = _spatial(strides, nsp, cl, op, "strides")
    pads = _padding(padding, x.shape[1:1 + nsp], ks, st, (1,) * nsp, cl, op, explicit)
    if nsp == 1:
        x = reshape(x, (x.shape[0], 1) + tuple(x.shape[1:]))
        ks, st, pads = (1,) + ks, (1,) + st, ((0, 0),) + pads
    y = bind(prim, x, ksize=ks, strides=st, padding=pads)
    if prim is _max_pool:
        y = y[0]
    if nsp == 1:
        y = reshape(y, (y.shape[0],) + tuple(y.shape[2:]))
    return _to_first(y, cl)


def max_pool2d(input, ksize, strides, padding, data_format: str = "NHWC", name=None):  # noqa: A002
    """Maximum over ``ksize`` windows of ``[N, H, W, C]`` (or ``"NCHW"``) input. ``padding`` is
    ``"SAME"``, ``"VALID"`` or explicit pairs (padding never wins). With ties the gradient goes
    to the first maximum of the window in row-major order, as in TensorFlow.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(16.0), (1, 4, 4, 1))
    >>> gt.nn.max_pool2d(x, 2, 2, "VALID").numpy()[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    """
    return _pool(_max_pool, input, ksize, strides, padding, data_format, 2, "max_pool2d", True)


def max_pool1d(input, ksize, strides, padding, data_format: str = "NWC", name=None):  # noqa: A002
    """Maximum over windows of ``[N, W, C]`` (or ``"NCW"``) input; see :func:`max_pool2d`.

    >>> import gradtape as gt
    >>> gt.nn.max_pool1d(gt.constant([[[1.0], [3.0], [2.0]]]), 2, 1, "VALID").numpy().ravel()
    array([3., 3.], dtype=float32)
    """
    return _pool(_max_pool, input, ksize, strides, padding, data_format, 1, "max_pool1d", True)


def avg_pool2d(input, ksize, strides, padding, data_format: str = "NHWC", name=None):  # noqa: A002
    """Mean over ``ksize`` windows of ``[N, H, W, C]`` (or ``"NCHW"``) input. With ``"SAME"``
    padding each window is divided by its number of real elements, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.nn.avg_pool2d(gt.ones((1, 3, 3, 1)), 2, 2, "SAME").numpy()[0, :, :, 0]
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    return _pool(_avg_pool, input, ksize, strides, padding, data_format, 2, "avg_pool2d", False)


def avg_pool1d(input, ksize, strides, padding, data_format: str = "NWC", name=None):  # noqa: A002
    """Mean over windows of ``[N, W, C]`` (or ``"NCW"``) input; see :func:`avg_pool2d`.

    >>> import gradtape as gt
    >>> gt.nn.avg_pool1d(gt.constant([[[1.0], [3.0], [2.0]]]), 2, 1, "VALID").numpy().ravel()
    array([2. , 2.5], dtype=float32)
    """
    return _pool(_avg_pool, input, ksize, strides, padding, data_format, 1, "avg_pool1d", False)


def _by_rank(f1, f2, input, ksize, strides, padding, data_format, op):  # noqa: A002
    nd = input.ndim if hasattr(input, "ndim") else np.ndim(input)
    if nd not in (3, 4):
        raise ValueError(f"{op}: input must have rank 3 (1-D pooling) or 4 (2-D), got rank {nd}")
    if data_format is None:
        data_format = "NWC" if nd == 3 else "NHWC"
    return (f1 if nd == 3 else f2)(input, ksize, strides, padding, data_format)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """:func:`max_pool1d` or :func:`max_pool2d`, chosen by the rank of ``input`` (3 or 4).

    >>> import gradtape as gt
    >>> gt.nn.max_pool(gt.ones((1, 4, 4, 1)), 2, 2, "VALID").shape
    (1, 2, 2, 1)
    """
    return _by_rank(max_pool1d, max_pool2d, input, ksize, strides, padding, data_format, "max_pool")


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """:func:`avg_pool1d` or :func:`avg_pool2d`, chosen by the rank of ``input`` (3 or 4).

    >>> import gradtape as gt
    >>> gt.nn.avg_pool(gt.ones((1, 4, 1)), 2, 2, "VALID").shape
    (1, 2, 1)
    """
    return _by_rank(avg_pool1d, avg_pool2d, input, ksize, strides, padding, data_format, "avg_pool")


__all__ = ["conv1d", "conv2d", "conv2d_transpose", "depthwise_conv2d", "max_pool", "max_pool1d",
           "max_pool2d", "avg_pool", "avg_pool1d", "avg_pool2d"]

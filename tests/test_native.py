"""The compiled kernels (gradtape/_native) against the NumPy path they replace.

Max pooling must give the same maxima and the same offsets (first maximum on ties, NaN windows
as the NumPy tournament), and its gradient the same sums in the same order; relu's gradient and
Adam's step the same arithmetic. Those compare exactly. Convolutions (im2col, col2im), layer
normalization and softmax sum in another order, so they compare to rounding. Gradients through
the public ops are also checked against float64 central differences with the kernels on (the
op table checks every op to second order with them on, too).
"""

import os

import numpy as np
import pytest

import gradtape as gt
from gradtape import _native
from gradtape.ops import conv, norm
from gradtape.ops import nn as nn_ops


# The kernels are compiled for the baseline instruction set and, with GCC on x86-64, for AVX2
# as well; every test here runs once with each variant this CPU can run.
VARIANTS = ("avx2", "baseline") if _native.available() and _native._compiled.has_avx2() else ("baseline",)


@pytest.fixture(autouse=True, params=VARIANTS)
def variant(request):
    if _native.available():
        _native._compiled.set_baseline(request.param == "baseline")
        assert _native._compiled.variant() == request.param
    yield request.param
    if _native.available():
        _native._compiled.set_baseline(False)


def both(fn):
    """``fn()`` with the compiled kernels on, then off (the NumPy path)."""
    was = _native._enabled
    try:
        _native.set_enabled(True)
        on = fn()
        _native.set_enabled(False)
        off = fn()
    finally:
        _native.set_enabled(was)
    return on, off


def test_kernels_are_built_unless_turned_off():
    if os.environ.get("GRADTAPE_NATIVE", "1") == "0":
        assert not gt.config.native_kernels()
        return
    assert _native.available(), (
        "gradtape's compiled kernels were not built for this installation: install a C compiler "
        "and reinstall gradtape, or set GRADTAPE_NATIVE=0 to test the NumPy path alone")
    assert gt.config.native_kernels()


def test_config_switch():
    was = gt.config.native_kernels()
    try:
        gt.config.set_native_kernels(False)
        assert not gt.config.native_kernels() and _native.kernels() is None
        gt.config.set_native_kernels(True)
        assert gt.config.native_kernels() == _native.available()
    finally:
        _native.set_enabled(was or not _native.available())
    with pytest.raises(TypeError, match="set_native_kernels: expected a bool"):
        gt.config.set_native_kernels("yes")


# (input shape, ksize, strides, padding): tiling, overlapping, padded, odd channel counts,
# windows larger than the stride, windows of more than 256 elements (int32 offsets)
POOLS = [
    ((2, 8, 8, 16), (2, 2), (2, 2), ((0, 0), (0, 0))),
    ((3, 7, 9, 5), (2, 2), (2, 2), ((0, 1), (0, 1))),
    ((2, 9, 9, 3), (3, 3), (2, 2), ((1, 1), (1, 1))),
    ((2, 6, 5, 17), (3, 2), (1, 1), ((1, 1), (0, 1))),
    ((1, 5, 5, 2), (2, 3), (3, 1), ((0, 0), (2, 0))),
    ((1, 18, 18, 3), (17, 17), (1, 1), ((0, 0), (0, 0))),
    ((2, 4, 4, 1), (4, 4), (4, 4), ((0, 0), (0, 0))),
    ((1, 3, 3, 2), (2, 2), (2, 2), ((2, 2), (2, 2))),  # windows of padding alone
]


def _inputs(shape, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    flat[rng.random(flat.size) < 0.3] = 0.0                     # ties
    flat[rng.random(flat.size) < 0.05] = np.nan
    flat[rng.random(flat.size) < 0.03] = np.inf
    flat[rng.random(flat.size) < 0.03] = -np.inf
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, ksize, strides, padding", POOLS)
def test_max_pool_same_maxima_and_offsets(shape, ksize, strides, padding, dtype):
    rng = np.random.default_rng(sum(shape) + ksize[0])
    for x in (rng.standard_normal(shape).astype(dtype), _inputs(shape, dtype, rng),
              np.round(rng.standard_normal(shape)).astype(dtype)):
        (m1, k1), (m0, k0) = both(lambda x=x: conv._max_pool_fwd(x, ksize, strides, padding))
        assert m1.dtype == m0.dtype and k1.dtype == k0.dtype
        np.testing.assert_array_equal(m1, m0)
        np.testing.assert_array_equal(k1, k0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, ksize, strides, padding", POOLS)
def test_max_pool_grad_same_sums(shape, ksize, strides, padding, dtype):
    rng = np.random.default_rng(len(shape) + sum(shape))
    x = np.round(rng.standard_normal(shape) * 2).astype(dtype)  # many ties
    _, k = conv._max_pool_fwd(x, ksize, strides, padding)
    for g in (rng.standard_normal(k.shape).astype(dtype), _inputs(k.shape, dtype, rng)):
        d1, d0 = both(lambda g=g: conv._max_pool_grad_fwd(k, g, shape, ksize, strides, padding))
        assert d1.dtype == d0.dtype == dtype and d1.shape == d0.shape == shape
        np.testing.assert_array_equal(d1, d0)


@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("shape, n", [((16, 32, 64), 1), ((5, 7), 1), ((3, 4, 6), 2), ((2, 1), 1)])
def test_layer_norm_matches_numpy(shape, n, dtype, tol):
    rng = np.random.default_rng(shape[-1])
    pshape = shape[len(shape) - n:]
    x = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
    s, o = rng.standard_normal(pshape).astype(dtype), rng.standard_normal(pshape).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    y1, y0 = both(lambda: norm._forward(x, s, o, n, 1e-5))
    np.testing.assert_allclose(y1, y0, rtol=tol, atol=tol)
    v1, v0 = both(lambda: norm._vjp_raw(g, x, s, o, n, 1e-5))
    for a, b in zip(v1, v0):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=tol * 10, atol=tol * 10)


def _numeric_grad(f, x, eps=1e-6):
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        out[i] = (f(xp) - f(xm)) / (2 * eps)
    return out


def test_gradients_through_the_ops_with_kernels_on():
    assert _native._enabled or os.environ.get("GRADTAPE_NATIVE") == "0"
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal((2, 5, 5, 3))
    w = rng.standard_normal((2, 3, 3, 3))

    def pool_loss(a):
        return float(gt.reduce_sum(gt.nn.max_pool2d(gt.constant(a), 3, 2, "SAME") ** 2 * w))
    x = gt.constant(x0)
    with gt.GradientTape() as t:
        t.watch(x)
        y = gt.reduce_sum(gt.nn.max_pool2d(x, 3, 2, "SAME") ** 2 * w)
    np.testing.assert_allclose(t.gradient(y, x).numpy(), _numeric_grad(pool_loss, x0), rtol=1e-6, atol=1e-8)

    s0, o0 = rng.standard_normal(3), rng.standard_normal(3)
    c = rng.standard_normal((2, 5, 5, 3))

    def ln_loss(a):
        return float(gt.reduce_sum(gt.nn.layer_normalization(gt.constant(a), s0, o0) ** 3 * c))
    with gt.GradientTape() as t:
        t.watch(x)
        y = gt.reduce_sum(gt.nn.layer_normalization(x, s0, o0) ** 3 * c)
    np.testing.assert_allclose(t.gradient(y, x).numpy(), _numeric_grad(ln_loss, x0), rtol=1e-5, atol=1e-7)


def test_relu_into_max_pool_same_gradients_both_ways():
    rng = np.random.default_rng(5)
    x = gt.Variable(rng.standard_normal((4, 8, 8, 6)).astype(np.float32))

    def grads():
        with gt.GradientTape() as t:
            y = gt.reduce_sum(gt.nn.max_pool2d(gt.nn.relu(x), 2, 2, "VALID") * 1.5)
        return t.gradient(y, x).numpy()
    on, off = both(grads)
    np.testing.assert_array_equal(on, off)
    assert np.count_nonzero(on) > 0


@pytest.mark.skipif(not _native.available(), reason="needs the compiled kernels (checked above)")
def test_kernels_refuse_wrong_sizes_instead_of_writing_past_the_end():
    k = _native._kernels
    x = np.zeros((1, 4, 4, 2), np.float32)
    geometry = (1, 4, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0)
    with pytest.raises(ValueError, match="out has"):
        k.max_pool(x, np.empty((1, 2, 2, 1), np.float32), np.empty((1, 2, 2, 2), np.uint8), geometry)
    with pytest.raises(TypeError, match="arg has item format 'i', expected one of 'B'"):
        k.max_pool(x, np.empty((1, 2, 2, 2), np.float32), np.empty((1, 2, 2, 2), np.int32), geometry)
    with pytest.raises(ValueError, match="arg has"):
        k.max_pool(x, np.empty((1, 2, 2, 2), np.float32), np.empty((1, 2, 2, 3), np.uint8), geometry)
    with pytest.raises(TypeError, match="x has item format 'i'"):
        k.max_pool(x.astype(np.int32), np.empty((1, 2, 2, 2), np.int32), np.empty((1, 2, 2, 2), np.uint8),
                   geometry)
    with pytest.raises(ValueError, match="dx has"):
        k.max_pool_grad(np.zeros((1, 2, 2, 2), np.uint8), np.zeros((1, 2, 2, 2), np.float32),
                        np.empty((1, 4, 4, 1), np.float32), geometry)
    with pytest.raises(ValueError, match="y has"):
        k.layer_norm(np.zeros((3, 4), np.float32), np.ones(4, np.float32), np.zeros(4, np.float32),
                     np.empty((3, 3), np.float32), 3, 4, 1e-5)
    with pytest.raises(ValueError, match="bad geometry"):
        k.max_pool(x, x, x, (1, 4, 4, 2, 2, 2, 0, 2, 2, 2, 0, 0))
    with pytest.raises(ValueError, match="bad geometry"):  # sizes that overflow an index
        k.max_pool(x, x, x, (1 << 40, 1 << 20, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0))
    with pytest.raises(ValueError, match="bad rows"):
        k.softmax_grad(np.zeros(4, np.float32), np.zeros(4, np.float32), 1 << 62, 4)
    with pytest.raises((BufferError, ValueError), match="contiguous"):
        k.layer_norm(np.zeros((3, 2), np.float32), np.ones(2, np.float32), np.zeros(2, np.float32),
                     np.zeros((3, 4), np.float32)[:, ::2], 3, 2, 1e-5)


# (input shape, filter shape, strides, dilations, padding): SAME and VALID, strides, dilations,
# windows reaching past every edge, one and many channels
CONVS = [
    ((3, 14, 14, 32), (3, 3, 32, 8), (1, 1), (1, 1), ((1, 1), (1, 1))),
    ((2, 9, 7, 3), (3, 2, 3, 4), (2, 2), (1, 1), ((1, 1), (0, 1))),
    ((2, 8, 9, 5), (3, 3, 5, 2), (1, 2), (2, 1), ((2, 2), (1, 1))),
    ((1, 5, 6, 2), (5, 5, 2, 3), (1, 1), (1, 1), ((4, 4), (4, 4))),
    ((2, 7, 7, 4), (2, 2, 4, 3), (3, 3), (2, 2), ((0, 0), (0, 0))),
    ((2, 6, 6, 1), (3, 3, 1, 4), (1, 1), (1, 1), ((1, 1), (1, 1))),
    ((1, 3, 3, 2), (1, 1, 2, 2), (2, 2), (1, 1), ((3, 0), (0, 3))),
]


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-4), (np.float64, 1e-11)])
@pytest.mark.parametrize("xs, ws, strides, dilations, padding", CONVS)
def test_convolutions_match_numpy(xs, ws, strides, dilations, padding, dtype, tol):
    rng = np.random.default_rng(sum(xs) + sum(ws))
    x, w = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype)
    a = dict(strides=strides, dilations=dilations, padding=padding, depthwise=False)
    y1, y0 = both(lambda: conv._conv_fwd(x, w, **a))
    np.testing.assert_allclose(y1, y0, rtol=tol, atol=tol)
    g = rng.standard_normal(y0.shape).astype(dtype)
    for f in (lambda: conv._conv_bpi_fwd(g, w, xs, **a), lambda: conv._conv_bpf_fwd(x, g, ws, **a)):
        r1, r0 = both(f)
        assert r1.shape == r0.shape and r1.dtype == r0.dtype == dtype
        np.testing.assert_allclose(r1, r0, rtol=tol, atol=tol * 10)


def test_conv_gradients_with_kernels_on():
    rng = np.random.default_rng(11)
    x0, w0 = rng.standard_normal((2, 6, 5, 3)), rng.standard_normal((3, 3, 3, 2))
    c = rng.standard_normal((2, 3, 3, 2))

    def loss(a, b):
        return gt.reduce_sum(gt.nn.conv2d(a, b, 2, "SAME", dilations=1) ** 2 * c)
    x, w = gt.constant(x0), gt.constant(w0)
    with gt.GradientTape() as t:
        t.watch([x, w])
        y = loss(x, w)
    dx, dw = t.gradient(y, [x, w])
    np.testing.assert_allclose(dx.numpy(), _numeric_grad(lambda a: float(loss(gt.constant(a), w)), x0),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dw.numpy(), _numeric_grad(lambda b: float(loss(x, gt.constant(b))), w0),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("schedule", [False, True])
@pytest.mark.parametrize("decay", [None, 0.01])
def test_adam_bit_for_bit_the_numpy_path(dtype, schedule, decay, monkeypatch):
    calls = []
    if _native.available():
        kernel = _native._compiled.adam
        monkeypatch.setattr(_native._compiled, "adam", lambda *a: calls.append(len(a)) or kernel(*a))
    rng = np.random.default_rng(7)
    w0 = rng.standard_normal((40, 30)).astype(dtype)
    gs = [rng.standard_normal((40, 30)).astype(dtype) for _ in range(4)]

    def run():
        lr = gt.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9) if schedule else 0.01
        opt = (gt.optimizers.Adam(lr, epsilon=1e-3) if decay is None
               else gt.optimizers.AdamW(lr, weight_decay=decay, epsilon=1e-3))
        w = gt.Variable(w0.copy())
        for g in gs:
            opt.apply_gradients([(gt.constant(g), w)])
        return w.numpy(), [v.numpy() for v in opt.variables() if v.shape == w.shape]
    (w1, s1), (w0_, s0) = both(run)
    assert w1.dtype == dtype and len(s1) == len(s0) == 2
    np.testing.assert_array_equal(w1, w0_)
    for a, b in zip(s1, s0):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(w1, w0)
    # the kernel ran on each step: with the weights (the new value in one pass) for Adam, without
    # them (the step only, then the decay) for AdamW
    assert calls == ([] if not _native.available() else [9 if decay is None else 8] * 4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_gradient_matches_numpy(dtype):
    rng = np.random.default_rng(9)
    x = _inputs((5, 40, 33), dtype, rng)
    x.reshape(-1)[:7] = [-0.0, 0.0, np.nan, -np.inf, np.inf, -1.0, 1.0]
    y0 = nn_ops._relu_fwd(x)
    g = _inputs(x.shape, dtype, rng)
    d1, d0 = both(lambda: nn_ops._relu_vjp_inplace(g.copy(), y0))
    np.testing.assert_array_equal(d1, d0)


@pytest.mark.parametrize("shape, ksize, strides, padding", POOLS[:5])
def test_pool_gradient_masked_by_relu_in_the_scatter(shape, ksize, strides, padding):
    rng = np.random.default_rng(2)
    x = np.round(rng.standard_normal(shape) * 2).astype(np.float32)
    m, k = conv._max_pool_fwd(x, ksize, strides, padding)
    g = _inputs(m.shape, np.float32, rng)
    attrs = dict(ksize=ksize, strides=strides, padding=padding)
    masked = conv.PooledGrad(k, g, m, shape, attrs, relu=True)
    d1, d0 = both(masked.dense)
    np.testing.assert_array_equal(d1, d0)
    np.testing.assert_array_equal(d0, conv._max_pool_grad_fwd(k, g * (m > 0), shape, **attrs))


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-6), (np.float64, 1e-15)])
@pytest.mark.parametrize("shape", [(16, 4, 32, 32), (3, 700), (2000, 1)])
def test_softmax_matches_numpy(shape, dtype, tol):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal(shape) * 20).astype(dtype)
    x[0, ..., 0] = -1e30  # exp underflows in that row
    y1, y0 = both(lambda: nn_ops._softmax_fwd(x, -1))
    assert y1.dtype == dtype
    np.testing.assert_allclose(y1, y0, rtol=tol * 10, atol=tol)
    np.testing.assert_allclose(y1.sum(-1), 1.0, rtol=tol * 10)
    for bad in (np.nan, np.inf):  # a row with NaN or +inf is NaN, as on the NumPy path
        x[1, ..., 0] = bad
        y1, y0 = both(lambda: nn_ops._softmax_fwd(x, x.ndim - 1))
        np.testing.assert_array_equal(np.isnan(y1), np.isnan(y0))
        assert np.isnan(y1[1, ..., 0]).all()


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-6), (np.float64, 1e-15)])
@pytest.mark.parametrize("shape", [(16, 4, 32, 32), (3, 700), (2000, 1)])
def test_softmax_gradient_matches_numpy(shape, dtype, tol):
    rng = np.random.default_rng(4)
    y = nn_ops._softmax_fwd(rng.standard_normal(shape).astype(dtype), -1)
    g = rng.standard_normal(shape).astype(dtype)
    d1, d0 = both(lambda: nn_ops._softmax_vjp_inplace(g.copy(), y, None, -1))
    assert d1.dtype == dtype
    np.testing.assert_allclose(d1, d0, rtol=tol * 10, atol=tol)
    g[0, 0] = np.inf
    d1, d0 = both(lambda: nn_ops._softmax_vjp_inplace(g.copy(), y, None, y.ndim - 1))
    np.testing.assert_array_equal(np.isnan(d1), np.isnan(d0))

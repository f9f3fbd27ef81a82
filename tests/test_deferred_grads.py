"""A relu feeding a max pool: the reverse sweep masks the pooled gradient instead of the
full-size one (gradtape.ops.conv.PooledGrad). Every case here is compared, bit for bit, with the
same function written so that the two ops are not adjacent (``relu(x) * 1.0``), which takes the
ordinary path: max_pool's gradient scattered to full size, then relu's rule on it.
"""

import numpy as np
import pytest

import gradtape as gt
from gradtape.ops import conv

GEOMETRIES = [
    (2, 2, "VALID"),
    (3, 1, "SAME"),
    (3, 2, "SAME"),
    (2, 2, [[0, 0], [1, 0], [0, 1], [0, 0]]),
]


def _data(dtype, shape=(2, 6, 7, 3), seed=0):
    """Small integers: exact zeros and ties inside windows are common."""
    rng = np.random.default_rng(seed)
    return rng.integers(-2, 3, shape).astype(dtype)


def _grads(fn, x, *extra, persistent=False):
    xv = gt.Variable(x)
    with gt.GradientTape(persistent=persistent) as tape:
        loss = fn(xv, *extra)
    return tape.gradient(loss, xv).numpy()


def _pool(r, k, s, p):
    return gt.nn.max_pool2d(r, k, s, p)


@pytest.fixture
def counted(monkeypatch):
    """How many times the sweep took the pooled path."""
    calls = []
    original = conv.PooledGrad.masked_by_relu

    def spy(self):
        calls.append(1)
        return original(self)
    monkeypatch.setattr(conv.PooledGrad, "masked_by_relu", spy)
    return calls


def _weights(shape, seed=1):
    return gt.constant(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k,s,p", GEOMETRIES)
def test_pooled_relu_gradient_equals_the_full_size_path(dtype, k, s, p, counted):
    x = _data(dtype)
    out_shape = _pool(gt.nn.relu(gt.constant(x)), k, s, p).shape
    w = gt.constant(np.random.default_rng(1).standard_normal(out_shape).astype(dtype))
    fast = _grads(lambda v: gt.reduce_sum(_pool(gt.nn.relu(v), k, s, p) * w), x)
    assert counted, "the pooled path was not taken"
    slow = _grads(lambda v: gt.reduce_sum(_pool(gt.nn.relu(v) * 1.0, k, s, p) * w), x)
    assert fast.dtype == x.dtype
    np.testing.assert_array_equal(fast, slow)


def test_a_nan_maximum_falls_back_to_the_full_size_path():
    x = _data(np.float32)
    x[0, 0, 1, 0] = np.nan  # window (0, 0): the maximum is NaN, the chosen offset may not be
    w = _weights((2, 3, 3, 3))
    fast = _grads(lambda v: gt.reduce_sum(_pool(gt.nn.relu(v), 2, 2, "VALID") * w), x)
    slow = _grads(lambda v: gt.reduce_sum(_pool(gt.nn.relu(v) * 1.0, 2, 2, "VALID") * w), x)
    np.testing.assert_array_equal(fast, slow)


@pytest.mark.parametrize("pool_first", [True, False])
def test_relu_output_used_twice_adds_both_terms(pool_first):
    # recorded in either order, so that the pooled term arrives first or second in the sweep
    x = _data(np.float32)
    w = _weights((2, 3, 3, 3))

    def f(v, slow=False):
        r = gt.nn.relu(v) * 1.0 if slow else gt.nn.relu(v)
        if pool_first:
            a = gt.reduce_sum(_pool(r, 2, 2, "VALID") * w)
            b = gt.reduce_sum(r * r)
        else:
            b = gt.reduce_sum(r * r)
            a = gt.reduce_sum(_pool(r, 2, 2, "VALID") * w)
        return a + b
    np.testing.assert_array_equal(_grads(f, x), _grads(lambda v: f(v, slow=True), x))


def test_the_pooled_tensor_as_a_source_gets_a_dense_gradient():
    x = gt.Variable(_data(np.float32))
    w = _weights((2, 3, 3, 3))
    with gt.GradientTape() as tape:
        r = gt.nn.relu(x)
        loss = gt.reduce_sum(_pool(r, 2, 2, "VALID") * w)
    dr, dx = tape.gradient(loss, [r, x])
    assert type(dr.numpy()) is np.ndarray and dr.shape == r.shape
    expected = np.zeros(r.shape, np.float32)
    rv = r.numpy()
    for n in range(2):
        for i in range(3):
            for j in range(3):
                for c in range(3):
                    win = rv[n, 2 * i:2 * i + 2, 2 * j:2 * j + 2, c]
                    a, b = np.unravel_index(np.argmax(win), win.shape)  # first maximum
                    expected[n, 2 * i + a, 2 * j + b, c] = w.numpy()[n, i, j, c]
    np.testing.assert_array_equal(dr.numpy(), expected)
    np.testing.assert_array_equal(dx.numpy(), expected * (x.numpy() > 0))


def test_a_pool_of_a_pool_and_a_persistent_tape():
    x = _data(np.float32, (1, 8, 8, 2))
    w = _weights((1, 2, 2, 2))

    def f(v):
        return gt.reduce_sum(_pool(_pool(gt.nn.relu(v), 2, 2, "VALID"), 2, 2, "VALID") * w)

    def slow(v):
        return gt.reduce_sum(_pool(_pool(gt.nn.relu(v) * 1.0, 2, 2, "VALID"), 2, 2, "VALID") * w)
    np.testing.assert_array_equal(_grads(f, x), _grads(slow, x))
    xv = gt.Variable(x)
    with gt.GradientTape(persistent=True) as tape:
        loss = f(xv)
    first, second = tape.gradient(loss, xv), tape.gradient(loss, xv)
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    np.testing.assert_array_equal(first.numpy(), _grads(slow, x))


def test_jacobians_and_second_order_through_a_pooled_relu():
    x = gt.constant(np.random.default_rng(2).standard_normal((2, 4, 4, 2)))

    def f(v):
        return gt.reshape(_pool(gt.nn.relu(v), 2, 2, "VALID"), (2, -1))

    def slow(v):
        return gt.reshape(_pool(gt.nn.relu(v) * 1.0, 2, 2, "VALID"), (2, -1))
    for fn in (gt.GradientTape.jacobian, gt.GradientTape.batch_jacobian):
        js = []
        for g in (f, slow):
            with gt.GradientTape() as tape:
                tape.watch(x)
                y = g(x)
            js.append(fn(tape, y, x).numpy())
        np.testing.assert_array_equal(js[0], js[1])
    hv = []
    for g in (f, slow):
        with gt.GradientTape() as outer:
            outer.watch(x)
            with gt.GradientTape() as inner:
                inner.watch(x)
                loss = gt.reduce_sum(g(x) ** 2)
            dx = inner.gradient(loss, x)
        hv.append(outer.gradient(dx, x, output_gradients=gt.ones_like(x)).numpy())
    np.testing.assert_array_equal(hv[0], hv[1])
    assert np.any(hv[0] != 0)


def test_check_numerics_sees_the_dense_gradient():
    x = _data(np.float32)
    w = _weights((2, 3, 3, 3))
    gt.debugging.enable_check_numerics()
    try:
        fast = _grads(lambda v: gt.reduce_sum(_pool(gt.nn.relu(v), 2, 2, "VALID") * w), x)
    finally:
        gt.debugging.disable_check_numerics()
    slow = _grads(lambda v: gt.reduce_sum(_pool(gt.nn.relu(v) * 1.0, 2, 2, "VALID") * w), x)
    np.testing.assert_array_equal(fast, slow)


def test_a_channels_first_pool_keeps_the_ordinary_path(counted):
    x = _data(np.float32).transpose(0, 3, 1, 2).copy()
    fast = _grads(lambda v: gt.reduce_sum(gt.nn.max_pool2d(gt.nn.relu(v), 2, 2, "VALID",
                                                           data_format="NCHW") ** 2), x)
    slow = _grads(lambda v: gt.reduce_sum(gt.nn.max_pool2d(gt.nn.relu(v) * 1.0, 2, 2, "VALID",
                                                           data_format="NCHW") ** 2), x)
    np.testing.assert_array_equal(fast, slow)
    assert not counted  # a transpose sits between the two ops

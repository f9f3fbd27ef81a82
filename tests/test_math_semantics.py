"""TensorFlow semantics of the elementwise math, reduction and scan ops beyond the op table:
stability, the special zeros, exclusive/reverse scans, ties, top_k, segment ids, integer
results without gradients, batched cotangents, the SciPy-free special functions, and property
tests of reduction gradients over random shapes and axes."""

import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gradtape as gt
from gradtape.ops import math as gmath


def grads(f, *xs, dtype=gt.float64):
    """``f(*xs)`` and the gradient of its sum with respect to each input."""
    ts = [gt.constant(np.asarray(x, dtype=dtype)) for x in xs]
    with gt.GradientTape() as tape:
        tape.watch(ts)
        y = f(*ts)
    return y, tape.gradient(y, ts)


def assert_finite(*ts):
    for t in ts:
        assert np.all(np.isfinite(np.asarray(t))), t


# -- stability at +-1000 --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [gt.float32, gt.float64])
def test_softplus_and_log_sigmoid_are_finite_at_1000(dtype):
    x = [-1000.0, -30.0, 0.0, 30.0, 1000.0]
    y, (g,) = grads(gt.math.softplus, x, dtype=dtype)
    assert_finite(y, g)
    np.testing.assert_allclose(y.numpy(), np.logaddexp(0, np.array(x)), rtol=1e-6)
    np.testing.assert_allclose(g.numpy(), sp.expit(x), rtol=1e-6, atol=1e-30)
    y, (g,) = grads(gt.math.log_sigmoid, x, dtype=dtype)
    assert_finite(y, g)
    np.testing.assert_allclose(y.numpy(), sp.log_expit(x), rtol=1e-6)
    np.testing.assert_allclose(g.numpy(), sp.expit(np.negative(x)), rtol=1e-6, atol=1e-30)
    assert y.dtype == dtype and g.dtype == dtype


@pytest.mark.parametrize("dtype", [gt.float32, gt.float64])
def test_reduce_logsumexp_is_finite_at_1000(dtype):
    x = [[1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, -1000.0]]
    y, (g,) = grads(lambda t: gt.reduce_logsumexp(t, axis=1), x, dtype=dtype)
    assert_finite(y, g)
    np.testing.assert_allclose(y.numpy(), sp.logsumexp(x, axis=1), rtol=1e-6)
    np.testing.assert_allclose(g.numpy(), [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-6)


def test_second_order_is_finite_at_1000():
    x = gt.constant([-1000.0, 1000.0], gt.float64)
    for f in (gt.math.softplus, gt.math.log_sigmoid, lambda t: gt.reduce_logsumexp(t * 1.0)):
        with gt.GradientTape() as outer:
            outer.watch(x)
            with gt.GradientTape() as inner:
                inner.watch(x)
                y = f(x)
            g = inner.gradient(y, x)
        assert_finite(g, outer.gradient(g, x))


def test_reduce_logsumexp_infinities_and_empty():
    assert gt.reduce_logsumexp(gt.constant(np.zeros((0,)))).numpy() == -np.inf
    assert gt.reduce_logsumexp(gt.constant([-np.inf, -np.inf])).numpy() == -np.inf
    assert gt.reduce_logsumexp(gt.constant([np.inf, 1.0])).numpy() == np.inf
    np.testing.assert_array_equal(gt.reduce_logsumexp(gt.zeros((2, 0)), axis=1).numpy(), [-np.inf] * 2)


# -- the special zeros of divide_no_nan, xdivy and xlogy -----------------------------------------
def test_divide_no_nan_is_zero_with_zero_gradients_where_y_is_zero():
    y, (gx, gy) = grads(gt.math.divide_no_nan, [1.0, 0.0, 3.0], [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(y.numpy(), [0.0, 0.0, 1.5])
    np.testing.assert_array_equal(gx.numpy(), [0.0, 0.0, 0.5])
    np.testing.assert_array_equal(gy.numpy(), [0.0, 0.0, -0.75])


def test_xlogy_and_xdivy_are_zero_with_finite_gradients_where_x_is_zero():
    y, (gx, gy) = grads(gt.math.xlogy, [0.0, 0.0, 2.0], [0.0, -1.0, np.e])
    np.testing.assert_array_equal(y.numpy(), [0.0, 0.0, 2.0])
    np.testing.assert_allclose(gx.numpy(), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(gy.numpy(), [0.0, 0.0, 2 / np.e])
    y, (gx, gy) = grads(gt.math.xdivy, [0.0, 2.0], [0.0, 4.0])
    np.testing.assert_array_equal(y.numpy(), [0.0, 0.5])
    np.testing.assert_allclose(gx.numpy(), [0.0, 0.25])
    np.testing.assert_allclose(gy.numpy(), [0.0, -0.125])


def test_special_zeros_have_finite_second_derivatives():
    x, y = gt.constant([0.0, 1.5], gt.float64), gt.constant([0.0, 0.5], gt.float64)
    for f in (gt.math.xlogy, gt.math.xdivy, lambda a, b: gt.math.divide_no_nan(b, a)):
        with gt.GradientTape(persistent=True) as outer:
            outer.watch([x, y])
            with gt.GradientTape() as inner:
                inner.watch([x, y])
                z = f(x, y)
            gx, gy = inner.gradient(z, [x, y])
        second = [outer.gradient(gi, [x, y], unconnected_gradients="zero") for gi in (gx, gy)]
        assert_finite(gx, gy, *second[0], *second[1])


def test_xlogy_and_divide_no_nan_broadcast_and_keep_float32():
    out = gt.math.xlogy(gt.constant([[0.0], [1.0]]), gt.constant([0.0, 1.0, 2.0]))
    assert out.shape == (2, 3) and out.dtype == gt.float32
    np.testing.assert_allclose(out.numpy(), [[0, 0, 0], [-np.inf, 0, np.log(2)]])
    assert gt.math.divide_no_nan(gt.constant([1.0, 2.0]), 0.0).numpy().tolist() == [0.0, 0.0]


@pytest.mark.parametrize("f", [gt.math.xlogy, gt.math.xdivy, gt.math.divide_no_nan,
                               gt.math.squared_difference, gt.math.atan2, gt.math.polygamma])
def test_binary_ops_with_python_scalars_keep_float32(f):
    x = gt.constant([0.5, 1.5])
    assert f(x, 2.0).dtype == gt.float32 and f(2.0, x).dtype == gt.float32
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = f(2.0, x)
    assert tape.gradient(y, x).dtype == gt.float32


# -- scans ------------------------------------------------------------------------------------
CUM = [
    (False, False, [1, 3, 6, 10], [1, 2, 6, 24]),
    (True, False, [0, 1, 3, 6], [1, 1, 2, 6]),
    (False, True, [10, 9, 7, 4], [24, 24, 12, 4]),
    (True, True, [9, 7, 4, 0], [24, 12, 4, 1]),
]


@pytest.mark.parametrize("exclusive,reverse,want_sum,want_prod", CUM)
def test_cumsum_cumprod_exclusive_reverse(exclusive, reverse, want_sum, want_prod):
    x = gt.constant([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(gt.cumsum(x, exclusive=exclusive, reverse=reverse).numpy(), want_sum)
    np.testing.assert_array_equal(gt.math.cumprod(x, exclusive=exclusive, reverse=reverse).numpy(), want_prod)
    m = gt.reshape(gt.concat([x, x], 0), (2, 4))
    np.testing.assert_array_equal(gt.cumsum(m, axis=1, exclusive=exclusive, reverse=reverse).numpy(),
                                  [want_sum] * 2)
    np.testing.assert_array_equal(gt.math.cumprod(m, axis=-1, exclusive=exclusive, reverse=reverse).numpy(),
                                  [want_prod] * 2)


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (False, True), (True, True)])
def test_cumsum_gradient_is_the_opposite_scan(exclusive, reverse):
    u = np.array([1.0, 10.0, 100.0, 1000.0])
    x = gt.constant([1.0, 2.0, 3.0, 4.0], gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.cumsum(x, exclusive=exclusive, reverse=reverse)
    g = tape.gradient(y, x, output_gradients=gt.constant(u))
    want = {(False, False): [1111, 1110, 1100, 1000], (True, False): [1110, 1100, 1000, 0],
            (False, True): [1, 11, 111, 1111], (True, True): [0, 1, 11, 111]}[(exclusive, reverse)]
    np.testing.assert_array_equal(g.numpy(), want)


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (False, True), (True, True)])
def test_cumprod_gradient_is_exact_at_zeros(exclusive, reverse):
    x = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    _, (g,) = grads(lambda t: gt.math.cumprod(t, exclusive=exclusive, reverse=reverse), x)
    theo, num = gt.test.compute_gradient(lambda t: gt.math.cumprod(t, exclusive=exclusive, reverse=reverse),
                                         [x])
    assert_finite(g)
    np.testing.assert_allclose(g.numpy(), num[0].sum(axis=0), atol=1e-8)
    np.testing.assert_allclose(theo[0], num[0], atol=1e-8)


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("x", [[0.0, 1.5, -2.0, 0.7], [1.5, 0.0, 0.0, 2.0, 0.5],
                               [0.0, 0.9, 0.0, 1.1, 0.0, 1.3], [[1.2, 0.0], [0.0, 0.0], [0.8, 2.0]]])
def test_cumprod_second_order_at_zeros(exclusive, reverse, x):
    gt.test.check_gradients(lambda t: gt.math.cumprod(t, axis=0, exclusive=exclusive, reverse=reverse), [x])


def test_cumsum_keeps_integer_dtype_and_rejects_bad_axes():
    assert gt.cumsum(gt.constant([1, 2, 3])).dtype == gt.int32
    with pytest.raises(ValueError, match="axis"):
        gt.cumsum(gt.constant([1.0, 2.0]), axis=1)
    with pytest.raises(ValueError, match="axis"):
        gt.cumsum(gt.constant(1.0))


# -- reductions with zeros and at zero ------------------------------------------------------------
def test_reduce_prod_gradient_with_zeros():
    _, (g,) = grads(lambda t: gt.reduce_prod(t, axis=1), [[2.0, 0.0, 3.0], [0.0, 4.0, 0.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(g.numpy(), [[0, 6, 0], [0, 0, 0], [6, 3, 2]])


def test_reduce_euclidean_norm_gradient_at_zero_is_zero():
    y, (g,) = grads(lambda t: gt.math.reduce_euclidean_norm(t, axis=1), [[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_array_equal(y.numpy(), [5.0, 0.0])
    np.testing.assert_allclose(g.numpy(), [[0.6, 0.8], [0.0, 0.0]])


def test_reduce_variance_and_std_match_numpy():
    x = np.arange(12.0).reshape(3, 4) ** 1.5
    np.testing.assert_allclose(gt.math.reduce_variance(gt.constant(x), axis=0).numpy(), np.var(x, axis=0))
    np.testing.assert_allclose(gt.math.reduce_std(gt.constant(x), axis=[0, 1], keepdims=True).numpy(),
                               np.std(x, keepdims=True))


def test_integer_reductions_keep_their_dtype():
    x = gt.constant([[1, 2], [-3, -4]])
    assert gt.reduce_sum(x).dtype == gt.int32 and gt.reduce_prod(x).dtype == gt.int32
    np.testing.assert_array_equal(gt.reduce_mean(x, axis=1).numpy(), [1, -3])  # truncated toward 0
    assert gt.reduce_mean(x).dtype == gt.int32
    with pytest.raises(TypeError, match="floating"):
        gt.math.reduce_variance(x)


# -- ties: argmax, argmin, sort, argsort, top_k ---------------------------------------------------
def test_argmax_argmin_ties_give_the_lowest_index():
    x = gt.constant([[1.0, 5.0, 5.0, 0.0], [2.0, 2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(gt.argmax(x, axis=1).numpy(), [1, 0])
    np.testing.assert_array_equal(gt.argmin(x, axis=1).numpy(), [3, 0])
    np.testing.assert_array_equal(gt.argmax(x).numpy(), [1, 0, 0, 1])  # axis None means 0
    assert gt.argmax(x, axis=1).dtype == gt.int64
    assert gt.argmin(x, axis=-1, output_type=gt.int32).dtype == gt.int32
    with pytest.raises(ValueError):
        gt.argmax(gt.constant(1.0))


def test_sort_and_argsort_are_stable_in_both_directions():
    x = gt.constant([2.0, 1.0, 2.0, 0.0, 1.0])
    np.testing.assert_array_equal(gt.argsort(x).numpy(), [3, 1, 4, 0, 2])
    np.testing.assert_array_equal(gt.argsort(x, direction="DESCENDING").numpy(), [0, 2, 1, 4, 3])
    np.testing.assert_array_equal(gt.sort(x, direction="DESCENDING").numpy(), [2, 2, 1, 1, 0])
    assert gt.argsort(x).dtype == gt.int32
    with pytest.raises(ValueError, match="direction"):
        gt.sort(x, direction="UP")


def test_sort_gradient_goes_back_to_each_position():
    u = gt.constant([1.0, 10.0, 100.0], gt.float64)
    x = gt.constant([[3.0, 1.0, 2.0], [1.0, 1.0, 0.0]], gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.sort(x, direction="DESCENDING") * u
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[1, 100, 10], [1, 10, 100]])


def test_top_k_values_indices_and_gradient():
    x = gt.constant([[1.0, 4.0, 4.0, 2.0], [9.0, 8.0, 7.0, 6.0]], gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(x)
        out = gt.math.top_k(x, k=3)
        loss = gt.reduce_sum(out.values * gt.constant([1.0, 10.0, 100.0], gt.float64))
    np.testing.assert_array_equal(out.values.numpy(), [[4, 4, 2], [9, 8, 7]])
    np.testing.assert_array_equal(out.indices.numpy(), [[1, 2, 3], [0, 1, 2]])
    assert out.indices.dtype == gt.int32
    values, indices = out  # a namedtuple, as TensorFlow's TopKV2
    assert values is out.values and indices is out.indices
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), [[0, 1, 10, 100], [1, 10, 100, 0]])
    assert gt.math.top_k(x, k=0).values.shape == (2, 0)
    with pytest.raises(ValueError, match="k=5"):
        gt.math.top_k(x, k=5)


# -- segment sums ------------------------------------------------------------------------------
def test_unsorted_segment_sum_with_unsorted_and_negative_ids():
    data = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
    ids = [3, 0, 3, -1]
    y, (g,) = grads(lambda t: gt.math.unsorted_segment_sum(t, ids, num_segments=5), data)
    np.testing.assert_array_equal(y.numpy(), [[3, 4], [0, 0], [0, 0], [6, 8], [0, 0]])
    np.testing.assert_array_equal(g.numpy(), [[1, 1], [1, 1], [1, 1], [0, 0]])  # dropped row: 0
    with pytest.raises(ValueError, match="out of range"):
        gt.math.unsorted_segment_sum(gt.constant(data), ids, num_segments=3)
    with pytest.raises(ValueError, match="prefix"):
        gt.math.unsorted_segment_sum(gt.constant(data), [0, 1], num_segments=3)
    with pytest.raises(TypeError, match="integers"):
        gt.math.unsorted_segment_sum(gt.constant(data), [0.0, 1.0, 1.0, 0.0], num_segments=3)


def test_segment_sum_needs_sorted_ids_and_sizes_by_the_last():
    y = gt.math.segment_sum(gt.constant([1.0, 2.0, 3.0, 4.0]), gt.constant([0, 0, 2, 2]))
    np.testing.assert_array_equal(y.numpy(), [3.0, 0.0, 7.0])
    assert gt.math.segment_sum(gt.zeros((0, 2)), np.zeros((0,), np.int32)).shape == (0, 2)
    with pytest.raises(ValueError, match="sorted"):
        gt.math.segment_sum(gt.constant([1.0, 2.0]), [1, 0])


def test_segment_sum_gradient_with_output_gradients():
    x = gt.constant([1.0, 2.0, 3.0], gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.math.unsorted_segment_sum(x, [1, 0, 1], num_segments=2)
    g = tape.gradient(y, x, output_gradients=gt.constant([10.0, 20.0], gt.float64))
    np.testing.assert_array_equal(g.numpy(), [20, 10, 20])


# -- integer and bool results have no gradient ----------------------------------------------------
@pytest.mark.parametrize("f", [
    lambda x: gt.argmax(x, axis=0), lambda x: gt.argmin(x), lambda x: gt.reduce_any(x > 0),
    lambda x: gt.reduce_all(x > 0, axis=0), lambda x: gt.argsort(x), lambda x: gt.math.top_k(x, 2).indices,
    lambda x: gt.cast(gt.argmax(x, axis=0), gt.float32), lambda x: gt.math.angle(x),
], ids=["argmax", "argmin", "reduce_any", "reduce_all", "argsort", "top_k_indices", "cast_argmax",
        "angle_of_real"])
def test_integer_outputs_have_no_gradient(f):
    x = gt.constant([0.5, -1.0, 2.0])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert tape.gradient(y, x) is None
    with gt.autodiff.ForwardAccumulator(x, gt.constant([1.0, 1.0, 1.0])) as acc:
        y = f(x)
    assert acc.jvp(y) is None


def test_reduce_any_all_need_bool():
    with pytest.raises(TypeError, match="bool"):
        gt.reduce_any(gt.constant([1.0]))
    np.testing.assert_array_equal(gt.reduce_all(gt.constant([[True, False]]), axis=0, keepdims=True).numpy(),
                                  [[True, False]])


# -- batched cotangents (jacobian) and Hessians ----------------------------------------------------
JACOBIAN_OPS = {
    "xlogy": (lambda x: gt.math.xlogy(x, x + 1.0), [[0.5, 1.5], [2.0, 0.7]]),
    "divide_no_nan": (lambda x: gt.math.divide_no_nan(x, x[::-1] - 0.5), [1.0, 0.25, 2.0]),
    "atan2": (lambda x: gt.math.atan2(x, x[::-1]), [1.0, 0.5, -2.0]),
    "lgamma_digamma": (lambda x: gt.math.lgamma(x) * gt.math.digamma(x), [0.5, 1.5, 3.0]),
    "erf_erfc": (lambda x: gt.math.erf(x) + gt.math.erfc(x * 2.0) ** 2, [0.1, -0.4, 0.9]),
    "reduce_prod": (lambda x: gt.reduce_prod(x, axis=0), [[1.0, 2.0, 0.0], [3.0, 0.0, 0.0]]),
    "reduce_logsumexp": (lambda x: gt.reduce_logsumexp(x, axis=-1, keepdims=True), [[1.0, 2.0], [3.0, 0.0]]),
    "reduce_euclidean_norm": (lambda x: gt.math.reduce_euclidean_norm(x, axis=0), [[1.0, 2.0], [3.0, 0.0]]),
    "reduce_std": (lambda x: gt.math.reduce_std(x, axis=1), [[1.0, 2.0, 4.0], [3.0, 0.0, 1.0]]),
    "cumsum": (lambda x: gt.cumsum(x, axis=1, exclusive=True, reverse=True),
               [[1.0, 2.0, 4.0], [3.0, 0.0, 1.0]]),
    "cumprod": (lambda x: gt.math.cumprod(x, axis=0, reverse=True), [[1.0, 2.0, 4.0], [3.0, 0.5, 1.0]]),
    "cumprod_zeros": (lambda x: gt.math.cumprod(x, axis=1), [[1.0, 0.0, 4.0], [3.0, 0.5, 0.0]]),
    "sort": (lambda x: gt.sort(x, axis=0, direction="DESCENDING"), [[1.0, 2.0, 4.0], [3.0, 0.5, 1.5]]),
    "top_k": (lambda x: gt.math.top_k(x, 2).values, [[1.0, 2.0, 4.0], [3.0, 0.5, 1.5]]),
    "unsorted_segment_sum": (lambda x: gt.math.unsorted_segment_sum(x, [1, -1, 1], 3), [[1.0, 2.0],
                                                                                    [3.0, 0.5], [0.1, 4.0]]),
    "add_n_squared_difference": (lambda x: gt.add_n([x, gt.math.squared_difference(x, 1.0), x * x]),
                                 [1.0, 2.0]),
    "softplus_log_sigmoid_softsign": (lambda x: gt.math.softplus(x) * gt.math.log_sigmoid(x)
                                      + gt.math.softsign(x), [0.5, -1.5]),
}


@pytest.mark.parametrize("name", sorted(JACOBIAN_OPS))
def test_jacobian_with_batched_cotangents(name):
    f, x = JACOBIAN_OPS[name]
    theo, num = gt.test.compute_gradient(f, [np.asarray(x, np.float64)])
    np.testing.assert_allclose(theo[0], num[0], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(JACOBIAN_OPS))
def test_hessian_with_batched_cotangents(name):
    f, x0 = JACOBIAN_OPS[name]
    x0 = np.asarray(x0, np.float64)

    shape = f(gt.constant(x0)).shape
    weights = gt.constant(np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape))

    def grad_of_sum(x):
        with gt.GradientTape() as tape:
            tape.watch(x)
            y = gt.reduce_sum(f(x) * weights)
        return tape.gradient(y, x)

    theo, num = gt.test.compute_gradient(grad_of_sum, [x0])
    np.testing.assert_allclose(theo[0], num[0], rtol=1e-5, atol=1e-5)


def test_polygamma_third_order_and_no_gradient_for_the_order():
    gt.test.check_gradients(gt.math.digamma, [[0.7, 2.5]], order=3)
    gt.test.check_gradients(gt.math.lgamma, [[0.7, 2.5]], order=3)
    gt.test.check_gradients(gt.math.erf, [[0.3, -1.1]], order=3)
    a, x = gt.constant([1.0, 2.0], gt.float64), gt.constant([0.5, 3.0], gt.float64)
    with gt.GradientTape() as tape:
        tape.watch([a, x])
        y = gt.math.polygamma(a, x)
    ga, gx = tape.gradient(y, [a, x])
    assert ga is None
    np.testing.assert_allclose(gx.numpy(), sp.polygamma([2, 3], [0.5, 3.0]))
    assert np.isnan(gt.math.polygamma(gt.constant([0.5, -1.0]), gt.constant([1.0, 1.0])).numpy()).all()


# -- special functions without SciPy ------------------------------------------------------------
def test_numpy_fallbacks_match_scipy():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-30, 30, 500), rng.uniform(0, 3, 500), np.logspace(-6, 4, 50)])
    x = x[np.abs(x - np.round(x)) > 1e-3]  # away from the poles (and the digamma roots' cancellation)
    np.testing.assert_allclose(gmath._erf_np(x), sp.erf(x), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(gmath._erfc_np(x), sp.erfc(x), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(gmath._lgamma_np(x), sp.gammaln(x), rtol=1e-12, atol=1e-12)
    for n in range(5):
        np.testing.assert_allclose(gmath._polygamma_np(n, x), sp.polygamma(n, x), rtol=1e-9, atol=1e-11)
    poles = np.array([0.0, -1.0, -3.0])
    for n in range(4):
        np.testing.assert_array_equal(gmath._polygamma_np(n, poles), sp.polygamma(n, poles))
    np.testing.assert_array_equal(gmath._lgamma_np(poles), [np.inf] * 3)


def test_special_functions_work_without_scipy(monkeypatch):
    monkeypatch.setattr(gmath, "_SCIPY", [None])
    x = gt.constant([0.3, 1.7, -0.4])
    for f, ref in [(gt.math.erf, sp.erf), (gt.math.erfc, sp.erfc), (gt.math.lgamma, sp.gammaln),
                   (gt.math.digamma, sp.digamma)]:
        y = f(x)
        assert y.dtype == gt.float32
        np.testing.assert_allclose(y.numpy(), ref(x.numpy()), rtol=1e-6)
    gt.test.check_gradients(gt.math.digamma, [[0.7, 2.5]], order=2)
    np.testing.assert_allclose(gt.math.polygamma(2, gt.constant([1.5], gt.float64)).numpy(),
                               sp.polygamma(2, [1.5]), rtol=1e-12)


# -- misc -----------------------------------------------------------------------------------------
def test_add_n_checks_its_inputs():
    assert gt.add_n([gt.constant([1.0])]).numpy().tolist() == [1.0]
    with pytest.raises(ValueError, match="same shape"):
        gt.add_n([gt.constant([1.0]), gt.constant([1.0, 2.0])])
    with pytest.raises(ValueError, match="non-empty"):
        gt.add_n([])
    _, (g,) = grads(lambda x: gt.add_n([x, x, x * 2.0]), [1.0, 2.0])
    np.testing.assert_array_equal(g.numpy(), [4.0, 4.0])


def test_angle_of_real_and_complex_input():
    np.testing.assert_allclose(gt.math.angle(gt.constant([-2.0, 0.0, 3.0])).numpy(), [np.pi, 0, 0])
    z = gt.constant(np.array([1 + 1j, -1 - 1j], np.complex64))
    assert gt.math.angle(z).dtype == gt.float32


def test_top_level_and_math_names():
    for name in ["add_n", "argmax", "argmin", "sort", "argsort", "cumsum", "reduce_prod", "reduce_any",
                 "reduce_all", "reduce_logsumexp"]:
        assert callable(getattr(gt, name)), name
    for name in ["cumprod", "top_k", "segment_sum", "unsorted_segment_sum", "reduce_std", "reduce_variance",
                 "reduce_euclidean_norm", "erf", "erfc", "lgamma", "digamma", "polygamma", "xlogy", "xdivy",
                 "divide_no_nan", "log_sigmoid", "softplus", "softsign", "angle", "atan2",
                 "squared_difference"]:
        assert callable(getattr(gt.math, name)), name


# -- property tests: reduction gradients over random shapes and axes ------------------------------
@st.composite
def reduction_cases(draw, ties=False):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4))
    nd = len(shape)
    if draw(st.booleans()) or nd == 0:
        axis = None
    else:
        axes = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
        axis = [a - nd if draw(st.booleans()) else a for a in axes]
        axis = axis[0] if len(axis) == 1 and draw(st.booleans()) else axis
    keepdims = draw(st.booleans())
    seed = draw(st.integers(0, 2 ** 31))
    rng = np.random.default_rng(seed)
    x = np.asarray(rng.integers(0, 3, shape).astype(float) if ties else rng.standard_normal(shape))
    return x, axis, keepdims, rng


def _upstream_and_expanded(x, axis, keepdims, np_fn, rng):
    np_axis = None if axis is None else tuple(np.atleast_1d(axis))
    out_shape = np.shape(np_fn(x, axis=np_axis, keepdims=keepdims))
    u = rng.standard_normal(out_shape)
    axes = tuple(range(x.ndim)) if axis is None else tuple(np.atleast_1d(axis) % max(x.ndim, 1))
    u_keep = u if keepdims else np.expand_dims(u, axes) if x.ndim else u
    return u, u_keep, axes


def _tape_gradient(f, x, u):
    t = gt.constant(x)
    with gt.GradientTape() as tape:
        tape.watch(t)
        y = f(t)
    assert y.shape == u.shape
    return tape.gradient(y, t, output_gradients=gt.constant(u)).numpy()


@settings(max_examples=60, deadline=None)
@given(reduction_cases())
def test_reduce_sum_and_mean_gradients(case):
    x, axis, keepdims, rng = case
    u, u_keep, axes = _upstream_and_expanded(x, axis, keepdims, np.sum, rng)
    want = np.broadcast_to(u_keep, x.shape)
    got = _tape_gradient(lambda t: gt.reduce_sum(t, axis=axis, keepdims=keepdims), x, u)
    np.testing.assert_allclose(got, want)
    count = int(np.prod([x.shape[a] for a in axes]))
    got = _tape_gradient(lambda t: gt.reduce_mean(t, axis=axis, keepdims=keepdims), x, u)
    np.testing.assert_allclose(got, want / count)


@settings(max_examples=60, deadline=None)
@given(reduction_cases(ties=True))
def test_reduce_max_gradient_splits_ties_equally(case):
    x, axis, keepdims, rng = case
    u, u_keep, axes = _upstream_and_expanded(x, axis, keepdims, np.max, rng)
    top = np.max(x, axis=axes, keepdims=True)
    mask = (x == top).astype(float)
    want = np.broadcast_to(u_keep, x.shape) * mask / np.sum(mask, axis=axes, keepdims=True)
    got = _tape_gradient(lambda t: gt.reduce_max(t, axis=axis, keepdims=keepdims), x, u)
    np.testing.assert_allclose(got, want, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(reduction_cases())
def test_reduce_prod_and_logsumexp_gradients(case):
    x, axis, keepdims, rng = case
    x = np.where(rng.uniform(size=x.shape) < 0.2, 0.0, x)  # some exact zeros
    u, u_keep, axes = _upstream_and_expanded(x, axis, keepdims, np.prod, rng)
    others = np.empty_like(x)  # the product of the other elements of each one's slice
    for idx in np.ndindex(x.shape):
        y = x.copy()
        y[idx] = 1.0
        others[idx] = np.broadcast_to(np.prod(y, axis=axes, keepdims=True), x.shape)[idx]
    got = _tape_gradient(lambda t: gt.reduce_prod(t, axis=axis, keepdims=keepdims), x, u)
    np.testing.assert_allclose(got, np.broadcast_to(u_keep, x.shape) * others, atol=1e-12)
    lse = sp.logsumexp(x, axis=axes, keepdims=True)
    got = _tape_gradient(lambda t: gt.reduce_logsumexp(t, axis=axis, keepdims=keepdims), x, u)
    want = np.broadcast_to(u_keep, x.shape) * np.exp(x - lse)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("exponent", [2, 2.0])
def test_square_by_a_python_two_has_exact_values_and_gradients(exponent):
    # x ** 2 with a Python 2 runs as np.square with a two-pass VJP: same values as np.power,
    # gradients against float64 central differences to second order
    x = np.random.default_rng(7).standard_normal((3, 4))
    np.testing.assert_array_equal((gt.constant(x) ** exponent).numpy(), np.power(x, exponent))
    gt.test.check_gradients(lambda t: t ** exponent, [x], order=2)
    gt.test.check_gradients(lambda t: t ** exponent, [x.astype(np.float32)[0, 0]], order=2)

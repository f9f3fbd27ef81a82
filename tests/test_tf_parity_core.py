"""Core ops against TensorFlow: values, dtypes and gradients at the points where gradtape once
differed. Every expected number is TensorFlow 2's result for the same input, written out so
that the tests run without TensorFlow."""

import numpy as np
import pytest

import gradtape as gt


def _grad(fn, *xs, output_gradients=None):
    xs = [gt.constant(x) for x in xs]
    with gt.GradientTape(persistent=True) as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    gs = [tape.gradient(y, x, output_gradients=output_gradients) for x in xs]
    return y, gs


# -- elementwise math --------------------------------------------------------------------------
def test_sigmoid_of_complex_is_the_complex_logistic_function():
    x = np.array([0.5 + 1j, -1 - 0.5j])
    y, (g,) = _grad(lambda v: gt.reduce_sum(gt.math.real(gt.sigmoid(v))), x)
    np.testing.assert_allclose(gt.sigmoid(gt.constant(x)).numpy(),
                               [0.65621035 + 0.25225035j, 0.25725636 - 0.09902772j], atol=1e-7)  # TF
    np.testing.assert_allclose(g.numpy(), [0.28922857 + 0.07880823j, 0.20088202 + 0.0480767j],
                               atol=1e-7)  # TF


def test_sign_gradient_is_zero_even_at_nan_and_complex_sign_is_x_over_abs():
    _, (g,) = _grad(lambda v: gt.reduce_sum(gt.sign(v)), np.array([np.nan, -1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0, 0.0, 0.0])  # TF
    x = np.array([0.5 + 1j, -1 - 0.5j])
    y, (g,) = _grad(lambda v: gt.reduce_sum(gt.math.real(gt.sign(v)) + 2 * gt.math.imag(gt.sign(v))), x)
    np.testing.assert_allclose(gt.sign(gt.constant(x)).numpy(),
                               [0.4472136 + 0.89442719j, -0.89442719 - 0.4472136j], atol=1e-7)  # TF
    np.testing.assert_allclose(g.numpy(), [0j, -0.536656315 + 1.07331263j], atol=1e-7)  # TF
    assert gt.sign(gt.constant([0j])).numpy()[0] == 0


def test_squared_difference_of_complex_is_the_squared_modulus():
    out = gt.math.squared_difference(gt.constant([1 + 2j]), gt.constant([0.5 - 1j]))
    np.testing.assert_allclose(out.numpy(), [9.25 + 0j])  # TF
    assert out.dtype == np.complex128


@pytest.mark.parametrize("fn,expected", [(gt.sqrt, [0.0, np.inf, 0.25]),
                                         (gt.math.rsqrt, [0.0, -np.inf, -0.0625]),
                                         (gt.math.reciprocal, [0.0, -np.inf, -0.0625])])
def test_singular_derivative_times_zero_cotangent_is_zero(fn, expected):
    with np.errstate(divide="ignore"):  # the forward of rsqrt and reciprocal at 0 is inf
        _, (g,) = _grad(fn, np.array([0.0, 0.0, 4.0], np.float32),
                        output_gradients=gt.constant([0.0, 1.0, 1.0]))
    np.testing.assert_array_equal(g.numpy(), np.array(expected, np.float32))  # TF


def test_where_masking_sqrt_at_zero_gives_a_finite_gradient():
    def f(v):
        return gt.reduce_sum(gt.where(v > 0, gt.sqrt(gt.maximum(v, 0.0)), v))
    _, (g,) = _grad(f, np.array([-1.0, 0.0, 4.0], np.float32))
    np.testing.assert_array_equal(g.numpy(), np.array([1.0, 1.0, 0.25], np.float32))  # TF


def test_sqrt_guard_keeps_second_order_and_forward_mode():
    x = gt.constant([0.0, 4.0])
    with gt.GradientTape() as outer:
        outer.watch(x)
        with gt.GradientTape() as inner:
            inner.watch(x)
            y = gt.sqrt(x)
        g = inner.gradient(y, x, output_gradients=gt.constant([0.0, 1.0]))
    np.testing.assert_allclose(g.numpy(), [0.0, 0.25])
    with np.errstate(divide="ignore", invalid="ignore"):  # the second derivative at 0 is not finite
        np.testing.assert_allclose(outer.gradient(g, x).numpy()[1], -1 / 32)
    with gt.autodiff.ForwardAccumulator(x, gt.constant([0.0, 1.0])) as acc:
        y = gt.sqrt(x)
    np.testing.assert_allclose(acc.jvp(y).numpy(), [0.0, 0.25])


def test_digamma_is_nan_at_zero_as_lgamma_gradient():
    np.testing.assert_array_equal(
        gt.math.digamma(gt.constant([0.0, -2.0])).numpy(), [np.nan, np.nan])  # TF
    _, (g,) = _grad(lambda v: gt.reduce_sum(gt.math.lgamma(v)), np.array([0.0, 1.0]))
    np.testing.assert_allclose(g.numpy(), [np.nan, -0.57721566], atol=1e-8)  # TF


def test_imag_of_a_real_tensor_is_not_connected():
    _, (g,) = _grad(lambda v: gt.reduce_sum(gt.math.imag(v)) + gt.reduce_sum(v),
                    np.array([1.0, 2.0], np.float32))
    np.testing.assert_array_equal(g.numpy(), [1.0, 1.0])  # TF
    x = gt.constant([1.0, 2.0])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.reduce_sum(gt.math.imag(x))
    assert tape.gradient(y, x) is None  # TF
    assert gt.math.imag(x).dtype == np.float32


# -- Python operators ------------------------------------------------------------------------------
def test_bitwise_operators_on_integer_tensors():
    a, b = gt.constant([12, 5, -1]), gt.constant([10, 3, 6])
    np.testing.assert_array_equal((a & b).numpy(), [8, 1, 6])  # TF
    np.testing.assert_array_equal((gt.constant([12, 5]) | 3).numpy(), [15, 7])  # TF
    np.testing.assert_array_equal((gt.constant([12, 5]) ^ gt.constant([10, 3])).numpy(), [6, 6])  # TF
    np.testing.assert_array_equal((~gt.constant([0, 5, -1])).numpy(), [-1, -6, 0])  # TF
    np.testing.assert_array_equal((3 & gt.constant([12, 5])).numpy(), [0, 1])  # TF
    assert (a & b).dtype == np.int32
    t, f = gt.constant([True, False]), gt.constant([True, True])
    np.testing.assert_array_equal((t & f).numpy(), [True, False])
    np.testing.assert_array_equal((~t).numpy(), [False, True])
    with pytest.raises(TypeError):
        ~gt.constant([1.0])


# -- reductions ------------------------------------------------------------------------------------
def test_empty_reduce_max_and_min_give_the_dtype_extremes():
    assert gt.reduce_max(gt.zeros([0])).numpy() == -np.inf  # TF
    assert gt.reduce_min(gt.zeros([0])).numpy() == np.inf  # TF
    np.testing.assert_array_equal(gt.reduce_max(gt.zeros([2, 0], gt.int32), axis=1).numpy(),
                                  [-2147483648, -2147483648])  # TF
    assert gt.reduce_min(gt.zeros([0], gt.int32)).numpy() == 2147483647  # TF
    x = gt.zeros([2, 0])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.reduce_max(x, axis=1)
    assert tape.gradient(y, x).shape == (2, 0)


def test_empty_reduce_mean_is_nan():
    np.testing.assert_array_equal(gt.reduce_mean(gt.zeros([2, 0]), axis=1).numpy(),
                                  [np.nan, np.nan])  # TF
    np.testing.assert_array_equal(gt.reduce_mean(gt.zeros([2, 0, 3]), axis=[0, 1]).numpy(),
                                  [np.nan] * 3)  # TF


def test_reduce_euclidean_norm_of_integers_and_complex():
    out = gt.math.reduce_euclidean_norm(gt.constant([[1, 2, 3], [3, 4, 0]]), axis=1)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out.numpy(), [3, 5])  # TF
    z = np.array([[1 + 1j, 2 - 1j], [0.5j, 3 + 0j]])

    def f(v):
        n = gt.math.reduce_euclidean_norm(v, axis=1)
        return gt.reduce_sum(gt.math.real(n) + 2 * gt.math.imag(n))
    _, (g,) = _grad(f, z)
    np.testing.assert_allclose(gt.math.reduce_euclidean_norm(gt.constant(z), axis=1).numpy(),
                               [2.64575131 + 0j, 3.04138127 + 0j], atol=1e-7)  # TF
    np.testing.assert_allclose(g.numpy(), [[-0.37796447 + 1.13389342j, 1.51185789 + 1.13389342j],
                                           [-0.32879797 + 0.16439899j, 0.98639392 + 1.97278785j]],
                               atol=1e-7)  # TF


# -- clipping, arrays, creation ----------------------------------------------------------------------
def test_clip_by_value_with_crossed_bounds_gives_the_lower_bound():
    out = gt.clip_by_value(gt.constant([-2.0, 0.0, 2.0]), 1.0, -1.0)
    np.testing.assert_array_equal(out.numpy(), [1.0, 1.0, 1.0])  # TF


def test_stack_python_numbers_take_the_tensor_dtype():
    assert gt.stack([gt.constant(1.0), 2.0]).dtype == np.float32  # TF
    assert gt.stack([gt.constant([1, 2]), [3, 4]]).dtype == np.int32  # TF


def test_convert_to_tensor_hint_is_only_a_preference():
    assert gt.convert_to_tensor(1.5, dtype_hint=gt.int32).dtype == np.float32  # TF
    assert float(gt.convert_to_tensor(1.5, dtype_hint=gt.int32)) == 1.5
    assert gt.convert_to_tensor(1, dtype_hint=gt.float32).dtype == np.float32  # TF
    assert gt.convert_to_tensor([1, 2], dtype_hint=gt.float64).dtype == np.float64  # TF
    assert gt.convert_to_tensor(True, dtype_hint=gt.float32).dtype == np.float32  # TF


def test_zeros_like_and_ones_like_of_lists():
    assert gt.zeros_like([1.0, 2.0]).dtype == np.float32  # TF
    assert gt.ones_like([1, 2]).dtype == np.int32  # TF
    np.testing.assert_array_equal(gt.ones_like([1, 2]).numpy(), [1, 1])


def test_range_dtype_is_the_widest_argument_dtype():
    assert gt.range(np.int64(3)).dtype == np.int64  # TF
    assert gt.range(np.float64(2.5)).dtype == np.float64  # TF
    assert gt.range(1, 4.0).dtype == np.float32  # TF
    assert gt.range(gt.constant(3, gt.int64)).dtype == np.int64  # TF


def test_linspace_of_integers_is_float64():
    out = gt.linspace(0, 1, 5)
    assert out.dtype == np.float64  # TF
    np.testing.assert_allclose(out.numpy(), [0.0, 0.25, 0.5, 0.75, 1.0])  # TF


def test_linspace_between_tensors_is_differentiable():
    w = gt.constant([[1.0, 2.0, 3.0, 4.0], [0.5, -1.0, 2.0, 1.0]])
    a, b = gt.constant(1.0), gt.constant([2.0, 4.0])
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        r = gt.linspace(a, b, 4, axis=-1)
        y = gt.reduce_sum(r * w)
    np.testing.assert_allclose(r.numpy(), [[1.0, 1.3333334, 1.6666667, 2.0],
                                           [1.0, 2.0, 3.0, 4.0]], rtol=1e-6)  # TF
    np.testing.assert_allclose(tape.gradient(y, a).numpy(), 3.8333333, rtol=1e-6)  # TF
    np.testing.assert_allclose(tape.gradient(y, b).numpy(), [6.666667, 2.0], rtol=1e-6)  # TF
    r0 = gt.linspace(gt.constant([0.0, 1.0]), gt.constant([1.0, 3.0]), 3, axis=0)
    np.testing.assert_allclose(r0.numpy(), [[0.0, 1.0], [0.5, 2.0], [1.0, 3.0]])  # TF
    assert gt.linspace(gt.constant(0.0), gt.constant(1.0), 1).numpy().tolist() == [0.0]
    assert gt.linspace(gt.constant(0.0), gt.constant(1.0), 0).shape == (0,)

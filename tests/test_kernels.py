"""The fast last-axis reductions give NumPy's answers on both sides of their thresholds."""

import numpy as np
import pytest

from gradtape.ops import _kernels


@pytest.mark.parametrize("shape", [(3, 5), (200, 32), (16, 4, 32, 32), (8, 2000), (64, 64), (70, 65), (4096, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_and_max_match_numpy(shape, dtype, keepdims):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(_kernels.sum_(x, -1, keepdims), np.sum(x, -1, keepdims=keepdims), rtol=tol, atol=tol)
    np.testing.assert_array_equal(_kernels.max_(x, (-1,), keepdims), np.max(x, -1, keepdims=keepdims))
    np.testing.assert_array_equal(_kernels.max_(x, 0, keepdims), np.max(x, 0, keepdims=keepdims))


def test_fast_path_is_taken_only_where_it_helps():
    assert _kernels._fast(np.zeros((256, 32), np.float32), -1)
    assert _kernels._fast(np.zeros((4, 32), np.float32), -1)              # small too: still faster
    assert not _kernels._fast(np.zeros((256, 32), np.int32), -1)          # integers keep NumPy's sum
    assert not _kernels._fast(np.zeros((256, 32), np.float32), 0)         # not the last axis


@pytest.mark.parametrize("shape", [(128, 10), (1000, 3), (8, 16, 10), (4, 4), (32, 32), (0, 10), (5, 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_last_axis_sums_and_maxima_match_numpy(shape, dtype):
    x = np.random.default_rng(2).standard_normal(shape).astype(dtype)
    for keepdims in (False, True):
        got, want = _kernels.sum_(x, -1, keepdims), np.sum(x, axis=-1, keepdims=keepdims)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        if x.size:
            got, want = _kernels.max_(x, -1, keepdims), np.max(x, axis=-1, keepdims=keepdims)
            assert got.shape == want.shape and got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("shape,axis", [((128, 512), (0,)), ((128, 512), -2), ((16, 32, 64), (0, 1)),
                                        ((16, 32, 64), (-3, -2)), ((16, 32, 64), (0,)), ((4096, 3), 0),
                                        ((0, 5000), (0,))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_over_leading_axes_matches_numpy(shape, axis, dtype, keepdims):
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    got, want = _kernels.sum_(x, axis, keepdims), np.sum(x, axis=axis, keepdims=keepdims)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_leading_axes_path_is_taken_only_for_leading_axes():
    x = np.zeros((128, 512), np.float32)
    assert _kernels._leading(x, (0,)) == 1 and _kernels._leading(x, -2) == 1
    assert _kernels._leading(np.zeros((16, 32, 64)), (0, 1)) == 2
    assert not _kernels._leading(np.zeros((16, 32, 64)), (0, 2))              # not a leading run
    assert not _kernels._leading(x, (0, 1)) and not _kernels._leading(x, None)  # everything
    assert not _kernels._leading(np.zeros((128, 512), np.float16), (0,))     # no float16 BLAS
    assert not _kernels._leading(np.zeros((512, 128), np.float32).T, (0,))   # not contiguous


def test_exp_is_safe_only_when_exp_and_its_sums_stay_finite():
    x = np.random.default_rng(2).standard_normal((64, 128)).astype(np.float32)
    assert _kernels.exp_is_safe(x, -1)
    assert not _kernels.exp_is_safe(x * 100, -1)                     # exp(300) overflows float32
    assert _kernels.exp_is_safe((x * 100).astype(np.float64), -1)     # but not float64
    assert not _kernels.exp_is_safe(x - 200, -1)                      # exp(-200) underflows
    assert not _kernels.exp_is_safe(x + 86, -1)                       # sums of exp(88) overflow
    for bad in (np.nan, np.inf, -np.inf):
        y = x.copy()
        y[3, 4] = bad
        assert not _kernels.exp_is_safe(y, -1)
    assert not _kernels.exp_is_safe(x[:4, :4], -1)                    # small: the usual path
    assert not _kernels.exp_is_safe(x.astype(np.float16), -1)


@pytest.mark.parametrize("scale,shift", [(1.0, 0.0), (1.0, 86.0), (30.0, 0.0), (1000.0, 0.0)])
@pytest.mark.parametrize("axis", [-1, 1])
def test_large_softmax_and_log_softmax_match_float64_on_both_paths(scale, shift, axis):
    import gradtape as gt
    x = (np.random.default_rng(3).standard_normal((8, 64, 32)) * scale + shift).astype(np.float32)
    x64 = x.astype(np.float64)
    z = x64 - x64.max(axis=axis, keepdims=True)
    ref_log = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
    got = gt.nn.softmax(gt.constant(x), axis=axis).numpy()
    got_log = gt.nn.log_softmax(gt.constant(x), axis=axis).numpy()
    assert np.isfinite(got).all() and np.isfinite(got_log).all()
    np.testing.assert_allclose(got, np.exp(ref_log), rtol=1e-5, atol=1e-30)  # float32 rounding of x - max
    np.testing.assert_allclose(got_log, ref_log, rtol=2e-6, atol=2e-5 * max(1.0, scale / 30))


def test_large_relu_matches_maximum_with_nan_and_infinities():
    import gradtape as gt
    x = np.random.default_rng(4).standard_normal((64, 100)).astype(np.float32)
    x[0, :4] = [np.nan, np.inf, -np.inf, -0.0]
    got = gt.nn.relu(gt.constant(x)).numpy()
    np.testing.assert_array_equal(got, np.maximum(x, 0))
    assert got.dtype == np.float32 and np.isnan(got[0, 0]) and got[0, 1] == np.inf and got[0, 2] == 0

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
    assert not _kernels._fast(np.zeros((4, 32), np.float32), -1)          # small: NumPy is as fast
    assert not _kernels._fast(np.zeros((256, 32), np.int32), -1)          # integers keep NumPy's sum
    assert not _kernels._fast(np.zeros((256, 32), np.float32), 0)         # not the last axis

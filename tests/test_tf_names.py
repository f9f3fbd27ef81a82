"""TensorFlow names computed with existing ops (gradtape/ops/equivalents.py), gt.dtypes and the
top-level initializer names."""

import numpy as np
import pytest

import gradtape as gt

RNG = np.random.default_rng(3)


def test_accumulate_n_checks_shape_and_dtype():
    xs = [gt.constant([1.0, 2.0]), gt.constant([3.0, 4.0])]
    np.testing.assert_array_equal(gt.math.accumulate_n(xs, shape=[2], tensor_dtype=gt.float32).numpy(), [4.0, 6.0])
    with pytest.raises(ValueError, match=r"shape \(2,\) but shape=\(3,\)"):
        gt.math.accumulate_n(xs, shape=[3])
    with pytest.raises(TypeError, match="tensor_dtype=float64"):
        gt.math.accumulate_n(xs, tensor_dtype=gt.float64)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_approx_max_min_k_are_exact_along_any_axis(axis):
    x = RNG.permutation(24).reshape(4, 6).astype(np.float64)  # distinct values: no ties
    v, i = gt.math.approx_max_k(x, 2, reduction_dimension=axis)
    moved = np.moveaxis(x, axis, -1)
    want = np.moveaxis(-np.sort(-moved, axis=-1)[..., :2], -1, axis)
    np.testing.assert_array_equal(v.numpy(), want)
    np.testing.assert_array_equal(np.take_along_axis(x, i.numpy(), axis=axis % 2), want)
    vmin, _ = gt.nn.approx_min_k(x, 3, reduction_dimension=axis)
    np.testing.assert_array_equal(vmin.numpy(), np.moveaxis(np.sort(moved, axis=-1)[..., :3], -1, axis))
    gt.test.check_gradients(lambda t: gt.math.approx_max_k(t, 2, reduction_dimension=axis)[0], [x])
    with pytest.raises(ValueError, match="reduction_dimension=5 is out of range"):
        gt.math.approx_max_k(x, 1, reduction_dimension=5)


def test_identity_n_shape_n_parallel_stack():
    a, b = gt.Variable(2.0), gt.Variable([1.0, 3.0])
    with gt.GradientTape() as tape:
        ia, ib = gt.identity_n([a, b])
        y = ia * gt.reduce_sum(ib)
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 4.0 and gb.numpy().tolist() == [2.0, 2.0]
    assert [s.numpy().tolist() for s in gt.shape_n([gt.zeros((2, 3)), gt.zeros(())], out_type=gt.int64)] == [[2, 3], []]
    np.testing.assert_array_equal(gt.parallel_stack([[1, 2], [3, 4]]).numpy(), [[1, 2], [3, 4]])


def test_broadcast_shapes():
    assert gt.broadcast_static_shape(gt.TensorShape([5, 1, 3]), gt.TensorShape([4, 1])) == [5, 4, 3]
    assert gt.broadcast_static_shape(gt.TensorShape([None, 3]), gt.TensorShape([2, 1])).as_list() == [2, 3]
    assert gt.broadcast_static_shape(gt.TensorShape([None]), gt.TensorShape([1])).as_list() == [None]
    with pytest.raises(ValueError, match="incompatible shapes"):
        gt.broadcast_static_shape(gt.TensorShape([2]), gt.TensorShape([3]))
    out = gt.broadcast_dynamic_shape(gt.constant([5, 1, 3], dtype=gt.int64), [4, 1])
    assert out.dtype == gt.int64 and out.numpy().tolist() == [5, 4, 3]
    with pytest.raises(ValueError, match="incompatible shapes"):
        gt.broadcast_dynamic_shape([2], [3])


def test_no_op_group_dtypes_and_initializer_names():
    assert gt.no_op() is None and gt.group(gt.constant(1.0), gt.constant(2.0)) is None
    assert gt.as_dtype("float64") == gt.float64 == gt.dtypes.double and gt.half == gt.float16
    assert isinstance(gt.float32, gt.DType) and gt.dtypes.uint64 == np.uint64
    assert gt.dtypes.cast(gt.constant(1.7), gt.int32).numpy() == 1
    np.testing.assert_array_equal(gt.constant_initializer(3.0)((2,)).numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(gt.zeros_initializer()((2,)).numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(gt.ones_initializer()((1,)).numpy(), [1.0])
    w = gt.random_normal_initializer(stddev=1.0, seed=1)((500,)).numpy()
    assert abs(w.mean()) < 0.2 and 0.8 < w.std() < 1.2
    u = gt.random_uniform_initializer(seed=1)((500,)).numpy()
    assert u.min() >= -0.05 and u.max() < 0.05

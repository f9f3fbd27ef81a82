"""Array and indexing semantics against NumPy and TensorFlow's documented examples.

Covers gather/gather_nd/scatter (repeated indices accumulate), strided_slice masks, pad modes,
one_hot, boolean_mask, clip_by_global_norm, error messages, batched cotangents (jacobian) for
every array/indexing table row, and Hypothesis properties for indexing and broadcasting.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import gradtape as gt
from tests.ops import rows_array, rows_indexing


def _grad(f, *xs):
    xs = [gt.constant(np.asarray(x, np.float64)) for x in xs]
    with gt.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    g = tape.gradient(y, xs)
    return [None if v is None else np.asarray(gt.convert_to_tensor(v)) for v in g]


# -- gather, gather_nd, scatter ------------------------------------------------------------------
def test_gather_matches_take_and_gradient_accumulates():
    x = np.arange(12.0).reshape(4, 3)
    idx = [[3, 0], [3, 3]]
    np.testing.assert_array_equal(gt.gather(x, idx).numpy(), np.take(x, idx, axis=0))
    np.testing.assert_array_equal(gt.gather(x, [2, 2, 0], axis=1).numpy(), x[:, [2, 2, 0]])
    (g,) = _grad(lambda t: gt.gather(t, idx), x)
    want = np.zeros_like(x)
    np.add.at(want, np.asarray(idx).reshape(-1), 1.0)
    np.testing.assert_array_equal(g, want)


def test_gather_nd_matches_numpy():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(gt.gather_nd(x, [[1, 2, 3], [0, 0, 0]]).numpy(), [23.0, 0.0])
    np.testing.assert_array_equal(gt.gather_nd(x, [[1, 2]]).numpy(), x[[1], [2]])
    np.testing.assert_array_equal(gt.gather_nd(x, [[[1], [0]]]).numpy(), x[[[1, 0]]])
    # batch_dims=1: params[b][indices[b]]
    got = gt.gather_nd(x, [[[2], [0]], [[1], [1]]], batch_dims=1).numpy()
    np.testing.assert_array_equal(got, np.stack([x[0, [2, 0]], x[1, [1, 1]]]))
    got = gt.gather_nd(x, [[2, 3], [0, 1]], batch_dims=1).numpy()
    np.testing.assert_array_equal(got, [x[0, 2, 3], x[1, 0, 1]])


def test_gather_nd_tf_doc_examples():
    # From tf.gather_nd's documentation.
    np.testing.assert_array_equal(gt.gather_nd([[1, 2], [3, 4]], [[0, 0], [1, 1]]).numpy(), [1, 4])
    np.testing.assert_array_equal(gt.gather_nd([[1, 2], [3, 4]], [[1], [0]]).numpy(), [[3, 4], [1, 2]])
    p = np.array([[[0, 1], [2, 3]], [[4, 5], [6, 7]]])
    np.testing.assert_array_equal(gt.gather_nd(p, [[0, 1], [1, 0]]).numpy(), [[2, 3], [4, 5]])
    np.testing.assert_array_equal(gt.gather_nd(p, [[1], [0]], batch_dims=1).numpy(), [[2, 3], [4, 5]])


def test_gather_nd_gradient_accumulates_repeats():
    x = np.arange(6.0).reshape(2, 3)
    idx = [[1, 2], [0, 0], [1, 2], [1, 2]]
    (g,) = _grad(lambda t: gt.gather_nd(t, idx), x)
    want = np.zeros_like(x)
    np.add.at(want, tuple(np.asarray(idx).T), 1.0)
    np.testing.assert_array_equal(g, want)
    assert g[1, 2] == 3.0


def test_scatter_nd_accumulates_and_matches_tf_doc():
    # tf.scatter_nd documentation example.
    got = gt.scatter_nd([[4], [3], [1], [7]], gt.constant([9, 10, 11, 12]), [8]).numpy()
    np.testing.assert_array_equal(got, [0, 11, 0, 10, 9, 0, 0, 12])
    upd = np.array([[[5, 5, 5, 5], [6, 6, 6, 6], [7, 7, 7, 7], [8, 8, 8, 8]]] * 2)
    got = gt.scatter_nd([[0], [2]], upd, [4, 4, 4]).numpy()
    want = np.zeros((4, 4, 4), int)
    want[0], want[2] = upd[0], upd[1]
    np.testing.assert_array_equal(got, want)
    # repeats accumulate
    got = gt.scatter_nd([[1, 1], [0, 2], [1, 1]], gt.constant([1.0, 2.0, 3.0]), [2, 3]).numpy()
    np.testing.assert_array_equal(got, [[0, 0, 2], [0, 4, 0]])


def test_scatter_nd_gradient_is_gather_nd():
    idx = [[1, 1], [0, 2], [1, 1]]
    u = np.array([1.0, 2.0, 3.0])
    w = np.arange(6.0).reshape(2, 3) + 1
    (g,) = _grad(lambda t: gt.reduce_sum(gt.scatter_nd(idx, t, [2, 3]) * w), u)
    np.testing.assert_array_equal(g, w[tuple(np.asarray(idx).T)])


def test_tensor_scatter_nd_update_and_add():
    t = np.arange(8.0)
    # tf.tensor_scatter_nd_update documentation example
    got = gt.tensor_scatter_nd_update(t * 0 + 1, [[4], [3], [1], [7]], [9.0, 10.0, 11.0, 12.0]).numpy()
    np.testing.assert_array_equal(got, [1, 11, 1, 10, 9, 1, 1, 12])
    got = gt.tensor_scatter_nd_add(t * 0 + 1, [[4], [3], [1], [7], [4]], [9.0, 10.0, 11.0, 12.0, 1.0]).numpy()
    np.testing.assert_array_equal(got, [1, 12, 1, 11, 11, 1, 1, 13])
    # repeated coordinates: the last update wins and gets the gradient
    got = gt.tensor_scatter_nd_update(t, [[2], [5], [2]], [10.0, 20.0, 30.0]).numpy()
    assert got[2] == 30.0 and got[5] == 20.0
    gt_, gu = _grad(lambda a, b: gt.tensor_scatter_nd_update(a, [[2], [5], [2]], b), t, [10.0, 20.0, 30.0])
    np.testing.assert_array_equal(gt_, [1, 1, 0, 1, 1, 0, 1, 1])
    np.testing.assert_array_equal(gu, [0, 1, 1])
    gt_, gu = _grad(lambda a, b: gt.tensor_scatter_nd_add(a, [[2], [5], [2]], b), t, [10.0, 20.0, 30.0])
    np.testing.assert_array_equal(gt_, np.ones(8))
    np.testing.assert_array_equal(gu, [1, 1, 1])


def test_scatter_errors_name_the_op_and_argument():
    with pytest.raises(IndexError, match=r"scatter_nd: indices\[1\] = \[5\] does not index"):
        gt.scatter_nd([[1], [5]], [1.0, 2.0], [4])
    with pytest.raises(IndexError, match="negative indices are not allowed"):
        gt.gather_nd([1.0, 2.0], [[-1]])
    with pytest.raises(ValueError, match=r"scatter_nd: updates has shape \(3,\) but must have shape"):
        gt.scatter_nd([[1], [2]], [1.0, 2.0, 3.0], [4])
    with pytest.raises(ValueError, match="tensor_scatter_nd_update: updates has shape"):
        gt.tensor_scatter_nd_update(gt.zeros((4, 2)), [[1]], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="tensor_scatter_nd_add: updates has dtype int32"):
        gt.tensor_scatter_nd_add(gt.zeros((4,)), [[1]], gt.constant([1]))
    with pytest.raises(TypeError, match="gather_nd: indices must be integers"):
        gt.gather_nd([1.0, 2.0], [[0.5]])
    with pytest.raises(ValueError, match="gather_nd: indices.shape\\[-1\\] = 3 is larger"):
        gt.gather_nd(gt.zeros((2, 2)), [[0, 0, 0]])
    with pytest.raises(ValueError, match="gather_nd: the first batch_dims=1 dimensions"):
        gt.gather_nd(gt.zeros((2, 3)), [[0], [1], [2]], batch_dims=1)
    with pytest.raises(IndexError, match=r"gather: indices must be in \[0, 3\)"):
        gt.gather(gt.zeros((3,)), [3])


def test_integer_indices_get_no_gradient():
    x = gt.constant([1.0, 2.0, 3.0])
    i = gt.constant([[2], [0]])
    with gt.GradientTape(persistent=True) as tape, pytest.warns(UserWarning, match="dtype int32"):
        tape.watch([x, i])
        y = gt.gather_nd(x, i)
        z = gt.scatter_nd(i, y, [3])
    assert tape.gradient(y, i) is None and tape.gradient(z, i) is None
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [1, 0, 1])


# -- slicing -------------------------------------------------------------------------------------
_T = np.array([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]], [[5, 5, 5], [6, 6, 6]]])


def test_strided_slice_tf_doc_examples():
    np.testing.assert_array_equal(gt.strided_slice(_T, [1, 0, 0], [2, 1, 3], [1, 1, 1]).numpy(),
                                  [[[3, 3, 3]]])
    np.testing.assert_array_equal(gt.strided_slice(_T, [1, 0, 0], [2, 2, 3], [1, 1, 1]).numpy(),
                                  [[[3, 3, 3], [4, 4, 4]]])
    np.testing.assert_array_equal(gt.strided_slice(_T, [1, -1, 0], [2, -3, 3], [1, -1, 1]).numpy(),
                                  [[[4, 4, 4], [3, 3, 3]]])


def test_slice_tf_doc_examples():
    np.testing.assert_array_equal(gt.slice(_T, [1, 0, 0], [1, 1, 3]).numpy(), [[[3, 3, 3]]])
    np.testing.assert_array_equal(gt.slice(_T, [1, 0, 0], [1, 2, 3]).numpy(), [[[3, 3, 3], [4, 4, 4]]])
    np.testing.assert_array_equal(gt.slice(_T, [1, 0, 0], [2, 1, 3]).numpy(), [[[3, 3, 3]], [[5, 5, 5]]])
    with pytest.raises(ValueError, match=r"slice: begin\[1\]=1 with size\[1\]=2 is out of range"):
        gt.slice(_T, [0, 1, 0], [1, 2, 1])


X5 = np.arange(2 * 5 * 2 * 4 * 3).reshape(2, 5, 2, 4, 3)


@pytest.mark.parametrize("args, kwargs, index", [
    # The mask walkthrough of tf.strided_slice's documentation: foo[1, 2:4, None, ..., :-3:-1, :]
    (([1, 2, 0, 0, 0, 0], [2, 4, 0, 0, -3, 0], [1, 1, 1, 1, -1, 1]),
     dict(begin_mask=48, end_mask=32, ellipsis_mask=8, new_axis_mask=4, shrink_axis_mask=1),
     (1, slice(2, 4), None, Ellipsis, slice(None, -3, -1), slice(None))),
    (([0, 0], [0, 0], [1, 1]), dict(begin_mask=3, end_mask=3), (slice(None), slice(None))),
    (([0], [0], [1]), dict(ellipsis_mask=1), (Ellipsis,)),
    (([0, 1], [0, 0], [1, 1]), dict(ellipsis_mask=1, shrink_axis_mask=2), (Ellipsis, 1)),
    (([0, 0, -1], [0, 0, 0], [1, 1, 1]), dict(new_axis_mask=1, ellipsis_mask=2, shrink_axis_mask=4),
     (None, Ellipsis, -1)),
    (([3, 0], [0, 0], [-1, 1]), dict(end_mask=1, new_axis_mask=2), (slice(3, None, -1), None)),
    (([-100, 1], [100, -1], [2, 1]), {}, (slice(-100, 100, 2), slice(1, -1))),  # clamping
    (([1, 1, 1], [0, 0, 0], [1, 1, 1]), dict(shrink_axis_mask=7), (1, 1, 1)),
    (([0, 0], [0, 0], [1, 1]), dict(ellipsis_mask=1, new_axis_mask=3), (Ellipsis, None)),
])
def test_strided_slice_masks_match_python_indexing(args, kwargs, index):
    got = gt.strided_slice(X5, *args, **kwargs).numpy()
    np.testing.assert_array_equal(got, X5[index])


def test_strided_slice_errors():
    with pytest.raises(ValueError, match="strided_slice: ellipsis_mask=3 has more than one bit"):
        gt.strided_slice(X5, [0, 0], [0, 0], ellipsis_mask=3)
    with pytest.raises(IndexError, match=r"strided_slice: begin\[0\]=5 .* out of range for dimension 0"):
        gt.strided_slice(X5, [5], [6], shrink_axis_mask=1)
    with pytest.raises(ValueError, match=r"strided_slice: strides\[0\] must be non-zero"):
        gt.strided_slice(X5, [0], [1], [0])
    with pytest.raises(ValueError, match="begin, end and strides must have the same length"):
        gt.strided_slice(X5, [0], [1, 2])
    with pytest.raises(ValueError, match="6 entries of begin index dimensions"):
        gt.strided_slice(X5, [0] * 6, [1] * 6)


# -- pad, one_hot, boolean_mask ------------------------------------------------------------------
def test_pad_tf_doc_examples():
    t = gt.constant([[1, 2, 3], [4, 5, 6]])
    p = gt.constant([[1, 1], [2, 2]])
    np.testing.assert_array_equal(gt.pad(t, p, "CONSTANT").numpy(), [
        [0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 2, 3, 0, 0], [0, 0, 4, 5, 6, 0, 0], [0, 0, 0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(gt.pad(t, p, "REFLECT").numpy(), [
        [6, 5, 4, 5, 6, 5, 4], [3, 2, 1, 2, 3, 2, 1], [6, 5, 4, 5, 6, 5, 4], [3, 2, 1, 2, 3, 2, 1]])
    np.testing.assert_array_equal(gt.pad(t, p, "SYMMETRIC").numpy(), [
        [2, 1, 1, 2, 3, 3, 2], [2, 1, 1, 2, 3, 3, 2], [5, 4, 4, 5, 6, 6, 5], [5, 4, 4, 5, 6, 6, 5]])
    assert gt.pad(t, p).dtype == gt.int32
    np.testing.assert_array_equal(gt.pad(t, [[0, 0], [1, 0]], constant_values=9).numpy(),
                                  [[9, 1, 2, 3], [9, 4, 5, 6]])


@pytest.mark.parametrize("mode", ["constant", "reflect", "symmetric"])
def test_pad_matches_numpy_and_gradient_folds_back(mode):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    pads = [[2, 1], [3, 3]]
    np.testing.assert_allclose(gt.pad(x, pads, mode.upper()).numpy(), np.pad(x, pads, mode=mode))
    w = rng.standard_normal((6, 10))
    (g,) = _grad(lambda t: gt.reduce_sum(gt.pad(t, pads, mode) * w), x)
    # numeric: the pad is linear, so the gradient is the transpose applied to w
    want = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = 1
        want.flat[k] = np.sum(np.pad(e.reshape(x.shape), pads, mode=mode) * w)
    np.testing.assert_allclose(g, want, atol=1e-12)


def test_pad_errors():
    with pytest.raises(ValueError, match=r"pad: paddings\[1\] = \[0, 3\] is too large for REFLECT"):
        gt.pad(gt.zeros((2, 3)), [[0, 0], [0, 3]], "REFLECT")
    gt.pad(gt.zeros((2, 3)), [[0, 0], [0, 3]], "SYMMETRIC")  # allowed: <= dim
    with pytest.raises(ValueError, match=r"pad: paddings must have shape \[rank, 2\] = \[2, 2\]"):
        gt.pad(gt.zeros((2, 3)), [[1, 1]])
    with pytest.raises(ValueError, match="pad: mode must be"):
        gt.pad(gt.zeros((2,)), [[1, 1]], "WRAP")
    with pytest.raises(ValueError, match="pad: paddings must be non-negative"):
        gt.pad(gt.zeros((2,)), [[-1, 1]])


def test_one_hot_tf_doc_examples():
    np.testing.assert_array_equal(gt.one_hot([0, 1, 2], 3).numpy(), np.eye(3))
    got = gt.one_hot([0, 2, -1, 1], 3, on_value=5.0, off_value=0.0, axis=-1)
    np.testing.assert_array_equal(got.numpy(), [[5, 0, 0], [0, 0, 5], [0, 0, 0], [0, 5, 0]])
    assert got.dtype == gt.float32
    got = gt.one_hot([[0, 2], [1, -1]], 3, on_value=1.0, off_value=0.0, axis=-1)
    np.testing.assert_array_equal(got.numpy(), [[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [0, 0, 0]]])


def test_one_hot_axis_and_dtype():
    idx = np.array([[0, 3], [1, 2]])
    ref = np.eye(4)[idx]  # axis -1
    np.testing.assert_array_equal(gt.one_hot(idx, 4, axis=0).numpy(), np.moveaxis(ref, -1, 0))
    np.testing.assert_array_equal(gt.one_hot(idx, 4, axis=1).numpy(), np.moveaxis(ref, -1, 1))
    np.testing.assert_array_equal(gt.one_hot(idx, 4, axis=2).numpy(), ref)
    assert gt.one_hot(idx, 4, on_value=3, off_value=-1).dtype == gt.int32
    assert gt.one_hot(idx, 4, dtype=gt.float64).dtype == gt.float64
    assert gt.one_hot(idx, 4, on_value=2.0, dtype=gt.float64).dtype == gt.float64
    assert gt.one_hot(5, 3).shape == (3,)
    assert gt.one_hot(np.zeros((0,), int), 3).shape == (0, 3)
    with pytest.raises(TypeError, match="one_hot: on_value and off_value must have the same dtype"):
        gt.one_hot(idx, 4, on_value=1, off_value=0.0)
    with pytest.raises(ValueError, match="one_hot: axis=3 must be -1 or in"):
        gt.one_hot(idx, 4, axis=3)
    with pytest.raises(TypeError, match="one_hot: indices must be integers"):
        gt.one_hot([0.5], 4)


def test_one_hot_has_no_gradient():
    on = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(on)
        y = gt.one_hot([0, 1], 2, on_value=on)
    assert tape.gradient(y, on) is None


def test_boolean_mask_tf_doc_examples_and_axis():
    got = gt.boolean_mask([0, 1, 2, 3], np.array([True, False, True, False]))
    np.testing.assert_array_equal(got.numpy(), [0, 2])
    got = gt.boolean_mask([[1, 2], [3, 4], [5, 6]], np.array([True, False, True]))
    np.testing.assert_array_equal(got.numpy(), [[1, 2], [5, 6]])
    x = np.arange(24.0).reshape(2, 3, 4)
    m = np.array([[True, False, True, True], [False, False, True, False], [True, True, True, True]])
    np.testing.assert_array_equal(gt.boolean_mask(x, m, axis=1).numpy(), x[:, m])
    np.testing.assert_array_equal(gt.boolean_mask(x, m, axis=-2).numpy(), x[:, m])
    np.testing.assert_array_equal(gt.boolean_mask(x, m[0], axis=2).numpy(), x[:, :, m[0]])
    (g,) = _grad(lambda t: gt.boolean_mask(t, m, axis=1), x)
    np.testing.assert_array_equal(g, np.broadcast_to(m, x.shape).astype(float))
    with pytest.raises(ValueError, match=r"boolean_mask: mask shape \(3,\) must match"):
        gt.boolean_mask(x, m[0, :3], axis=2)
    with pytest.raises(ValueError, match="mask cannot be a scalar"):
        gt.boolean_mask(x, True)
    with pytest.raises(TypeError, match="boolean_mask: mask must be bool"):
        gt.boolean_mask(x, [1, 0])


# -- layout ops --------------------------------------------------------------------------------------
def test_unstack_split_tile_repeat_roll_reverse():
    x = np.arange(12.0).reshape(3, 4)
    assert [t.shape for t in gt.unstack(x, axis=1)] == [(3,)] * 4
    assert gt.unstack(np.zeros((0, 2))) == []
    with pytest.raises(ValueError, match="unstack: num=2 does not match"):
        gt.unstack(x, num=2)
    with pytest.raises(ValueError, match="split: num_or_size_splits=3 must be a positive divisor"):
        gt.split(x, 3, axis=1)
    with pytest.raises(ValueError, match=r"split: size_splits \[1, 2\] add up to 3"):
        gt.split(x, [1, 2], axis=1)
    np.testing.assert_array_equal(gt.tile(x, [2, 1]).numpy(), np.tile(x, [2, 1]))
    with pytest.raises(ValueError, match="tile: multiples must have one entry per dimension"):
        gt.tile(x, [2])
    np.testing.assert_array_equal(gt.repeat(x, [1, 2, 0], axis=0).numpy(), np.repeat(x, [1, 2, 0], axis=0))
    with pytest.raises(ValueError, match="repeat: repeats must be an int or have one count per slice"):
        gt.repeat(x, [1, 2], axis=1)
    np.testing.assert_array_equal(gt.roll(x, [1, 2], [0, 1]).numpy(), np.roll(x, [1, 2], [0, 1]))
    np.testing.assert_array_equal(gt.reverse(x, [0, 1]).numpy(), x[::-1, ::-1])
    with pytest.raises(ValueError, match="reverse: axis=2 is out of range"):
        gt.reverse(x, [2])
    # the repeat/tile gradients sum the copies
    (g,) = _grad(lambda t: gt.repeat(t, [1, 2, 0], axis=0), x)
    np.testing.assert_array_equal(g, np.repeat([[1.0], [2.0], [0.0]], 4, axis=1))
    (g,) = _grad(lambda t: gt.tile(t, [2, 3]), x)
    np.testing.assert_array_equal(g, np.full_like(x, 6.0))


def test_meshgrid_matches_numpy():
    a, b, c = np.arange(2.0), np.arange(3.0), np.arange(4.0)
    for indexing in ("xy", "ij"):
        wants = np.meshgrid(a, b, c, indexing=indexing)
        for got, want in zip(gt.meshgrid(a, b, c, indexing=indexing), wants):
            np.testing.assert_array_equal(got.numpy(), want)
    assert gt.meshgrid() == []
    with pytest.raises(ValueError, match="meshgrid: indexing must be"):
        gt.meshgrid(a, indexing="xz")


def test_einsum_and_tensordot_match_numpy_and_errors():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))
    for eq in ["ijk,kl->ijl", "ijk,kl", "...k,kl->...l", "ijk->", "ijk,kl->lji", "i...,k...", "ijk"]:
        ops = (a, b) if "," in eq else (a,)
        if eq == "i...,k...":
            ops = (a, rng.standard_normal((5, 3, 4)))
        np.testing.assert_allclose(gt.einsum(eq, *ops).numpy(), np.einsum(eq, *ops), rtol=1e-12)
    np.testing.assert_allclose(gt.tensordot(a, b, [[2], [0]]).numpy(), np.tensordot(a, b, [[2], [0]]))
    with pytest.raises(ValueError, match="einsum: equation 'ij,jk' has 2 input subscripts but 1 operands"):
        gt.einsum("ij,jk", a)
    with pytest.raises(ValueError, match="einsum: subscript 'k' has size 4 in one place and 5"):
        gt.einsum("ijk,lk", a, b)
    with pytest.raises(ValueError, match="einsum: output subscript 'z' does not appear"):
        gt.einsum("ijk->z", a)
    with pytest.raises(ValueError, match="einsum: subscripts 'ij' do not match an operand of rank 3"):
        gt.einsum("ij->", a)
    with pytest.raises(ValueError, match="tensordot: dimension 1 of a"):
        gt.tensordot(a, b, [[1], [0]])


def test_einsum_vjp_handles_diagonals():
    x = np.arange(9.0).reshape(3, 3)
    (g,) = _grad(lambda t: gt.einsum("ii->i", t), x)
    np.testing.assert_array_equal(g, np.eye(3))
    (g,) = _grad(lambda t: gt.einsum("ii", t), x)
    np.testing.assert_array_equal(g, np.eye(3))
    (g,) = _grad(lambda t: gt.einsum("ij->i", t), x)
    np.testing.assert_array_equal(g, np.ones((3, 3)))


def test_shape_size_rank():
    x = gt.zeros((2, 0, 3))
    np.testing.assert_array_equal(gt.shape(x).numpy(), [2, 0, 3])
    assert gt.shape(x).dtype == gt.int32 and gt.shape(x, out_type=gt.int64).dtype == gt.int64
    assert int(gt.size(x)) == 0 and int(gt.rank(x)) == 3
    assert int(gt.size(gt.constant(1.0))) == 1 and int(gt.rank(gt.constant(1.0))) == 0
    assert gt.shape(gt.constant(1.0)).shape == (0,)
    assert int(gt.size([[1, 2, 3]])) == 3


# -- clip_by_global_norm ------------------------------------------------------------------------------
def test_clip_by_global_norm_with_none_entries():
    a, b = gt.constant([3.0, 0.0]), gt.constant([[4.0]])
    clipped, norm = gt.clip_by_global_norm([a, None, b], 2.5)
    assert float(norm) == 5.0
    assert clipped[1] is None
    np.testing.assert_allclose(clipped[0].numpy(), [1.5, 0.0])
    np.testing.assert_allclose(clipped[2].numpy(), [[2.0]])
    # not clipped when the norm is small
    clipped, norm = gt.clip_by_global_norm((a, b), 10.0)
    np.testing.assert_array_equal(clipped[0].numpy(), a.numpy())
    # use_norm replaces the computed norm
    clipped, norm = gt.clip_by_global_norm([a], 1.0, use_norm=2.0)
    assert float(norm) == 2.0
    np.testing.assert_allclose(clipped[0].numpy(), [1.5, 0.0])
    # all None
    clipped, norm = gt.clip_by_global_norm([None, None], 1.0)
    assert clipped == [None, None] and float(norm) == 0.0


def test_clip_by_global_norm_inf_gives_nan_and_indexed_slices():
    clipped, norm = gt.clip_by_global_norm([gt.constant([np.inf, 1.0])], 1.0)
    assert np.isinf(float(norm)) and np.isnan(clipped[0].numpy()).all()
    s = gt.IndexedSlices(gt.constant([[3.0, 4.0]]), gt.constant([1]), (3, 2))
    clipped, norm = gt.clip_by_global_norm([s], 1.0)
    assert isinstance(clipped[0], gt.IndexedSlices)
    np.testing.assert_allclose(np.asarray(clipped[0]), [[0, 0], [0.6, 0.8], [0, 0]], rtol=1e-6)
    with pytest.raises(TypeError, match="clip_by_global_norm: t_list must be a sequence"):
        gt.clip_by_global_norm(gt.constant([1.0]), 1.0)


def test_clip_by_global_norm_gradient_at_zero_is_finite():
    x = gt.constant([0.0, 0.0])
    with gt.GradientTape() as tape:
        tape.watch(x)
        (c,), norm = gt.clip_by_global_norm([x], 1.0)
        y = gt.reduce_sum(c) + norm
    assert np.isfinite(tape.gradient(y, x).numpy()).all()


# -- batched cotangents: jacobian through every array/indexing table row ----------------------------
_NEW_ROWS = [r for r in rows_array.ROWS + rows_indexing.ROWS
             if not r.name.startswith(("reshape", "transpose", "broadcast", "expand", "squeeze", "concat",
                                       "stack", "where", "clip_by_value", "clip_by_norm"))]
_JAC_CASES = [(r, s) for r in _NEW_ROWS for s in r.shapes if not r.complex]


def _flat_fn(fn):
    def f(*xs):
        outs = fn(*xs)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        return gt.concat([gt.reshape(o, (-1,)) for o in outs] + [gt.zeros((0,), gt.float64)], axis=0)
    return f


@pytest.mark.parametrize("case", _JAC_CASES, ids=[f"{r.name}-{s}".replace(" ", "") for r, s in _JAC_CASES])
def test_jacobian_matches_rowwise_gradients(case):
    row, shapes = case
    xs = [gt.constant(x) for x in row.inputs(np.random.default_rng(3), shapes)]
    f = _flat_fn(row.fn)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(xs)
        y = f(*xs)
    jac = tape.jacobian(y, xs, unconnected_gradients="zero")  # batched cotangents
    for k in range(y.shape[0]):
        e = np.zeros(y.shape)
        e[k] = 1
        rows = tape.gradient(y, xs, output_gradients=e, unconnected_gradients="zero")
        for j, r in zip(jac, rows):
            np.testing.assert_allclose(j.numpy()[k], np.asarray(gt.convert_to_tensor(r)), atol=1e-12)
    # the same jacobian computed under an outer tape (rules run on recorded tensors)
    with gt.GradientTape() as outer:
        outer.watch(xs)
        with gt.GradientTape() as inner:
            inner.watch(xs)
            y2 = f(*xs)
        jac2 = inner.jacobian(y2, xs, unconnected_gradients="zero")
        total = gt.reduce_sum(gt.stack([gt.reduce_sum(j * j) for j in jac2]))
    for j, j2 in zip(jac, jac2):
        np.testing.assert_allclose(j2.numpy(), j.numpy(), atol=1e-12)
    outer.gradient(total, xs)


# -- Hypothesis: indexing gradients are scatter-adds -----------------------------------------------
@st.composite
def _index_cases(draw):
    kind = draw(st.sampled_from(["basic", "int_arrays", "bool", "separated"]))
    index = []
    if kind == "separated":
        shape = tuple(draw(st.lists(st.integers(1, 4), min_size=3, max_size=4)))
        # advanced entries split by a slice: NumPy moves their dimensions to the front
        length = draw(st.integers(0, 3))
        first = draw(st.sampled_from(["int", "array"]))
        index = [draw(st.integers(-shape[0], shape[0] - 1)) if first == "int" else
                 np.asarray(draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=length,
                                          max_size=length)), dtype=np.int64)]
        index.append(slice(draw(st.integers(-4, 4)), None, draw(st.sampled_from([1, -1, 2]))))
        index.append(np.asarray(draw(st.lists(st.integers(-shape[2], shape[2] - 1), min_size=length,
                                              max_size=length)), dtype=np.int64))
        return shape, tuple(index)
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=4)))
    if kind == "bool":
        start = draw(st.integers(0, len(shape) - 1))
        stop = draw(st.integers(start + 1, len(shape)))
        mask = np.asarray(draw(st.lists(st.booleans(), min_size=int(np.prod(shape[start:stop], dtype=int)),
                                        max_size=int(np.prod(shape[start:stop], dtype=int)))), bool)
        index = [slice(None)] * start + [mask.reshape(shape[start:stop])]
        return shape, tuple(index)
    n_arr = draw(st.integers(0, 3)) if kind == "int_arrays" else 0
    length = draw(st.integers(0, 3))
    used_ellipsis = False
    for n in shape:
        choice = draw(st.sampled_from(["slice", "int", "array", "none", "ellipsis", "skip"]))
        if choice == "int" and n:
            index.append(draw(st.integers(-n, n - 1)))
        elif choice == "array" and n and n_arr:
            n_arr -= 1
            index.append(np.asarray(draw(st.lists(st.integers(-n, n - 1), min_size=length, max_size=length)),
                                    dtype=np.int64))
        elif choice == "none":
            index.append(None)
            index.append(slice(None))
        elif choice == "ellipsis" and not used_ellipsis:
            used_ellipsis = True
            index.append(Ellipsis)
            break
        elif choice == "skip":
            break
        else:
            start = draw(st.none() | st.integers(-n - 2, n + 2))
            stop = draw(st.none() | st.integers(-n - 2, n + 2))
            step = draw(st.none() | st.integers(-3, 3).filter(bool))
            index.append(slice(start, stop, step))
    return shape, tuple(index)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_index_cases(), st.integers(0, 2**31 - 1))
def test_indexing_gradient_is_scatter_add(case, seed):
    shape, index = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    want_y = x[index]
    w = rng.standard_normal(want_y.shape)
    xt = gt.constant(x)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(xt)
        y = xt[index]
        loss = gt.reduce_sum(y * w)
    np.testing.assert_array_equal(y.numpy(), want_y)
    want = np.zeros(shape)
    np.add.at(want, index, w)
    np.testing.assert_allclose(tape.gradient(loss, xt).numpy(), want, atol=1e-12)
    # batched cotangents (jacobian): each row is a scatter-add of a one-hot
    if 0 < y.size <= 64:
        jac = tape.jacobian(y, xt).numpy().reshape(y.size, x.size)
        pos = np.arange(x.size).reshape(shape)[index].reshape(-1)
        want_j = np.zeros((y.size, x.size))
        want_j[np.arange(y.size), pos] = 1
        np.testing.assert_array_equal(jac, want_j)


@settings(max_examples=100, deadline=None)
@given(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3),
       st.integers(0, 2**31 - 1))
def test_broadcast_gradients_reduce_to_input_shapes(shapes, seed):
    (sx, sy), out = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(sx), rng.standard_normal(sy)

    def reduce_to(a, shape):
        a = np.broadcast_to(a, out)
        lead = a.ndim - len(shape)
        a = a.sum(axis=tuple(range(lead)))
        return a.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1), keepdims=True).reshape(shape)

    gx, gy = _grad(lambda a, b: gt.reduce_sum(a * b), x, y)
    np.testing.assert_allclose(gx, reduce_to(y, sx), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gy, reduce_to(x, sy), rtol=1e-12, atol=1e-12)
    gx, gy = _grad(lambda a, b: gt.reduce_sum(a - b), x, y)
    np.testing.assert_allclose(gx, reduce_to(np.ones(()), sx))
    np.testing.assert_allclose(gy, -reduce_to(np.ones(()), sy))
    assert gx.shape == sx and gy.shape == sy

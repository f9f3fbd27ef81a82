"""Counting and checking ops (gradtape/ops/counting.py) against NumPy, on several shapes and
dtypes, with their errors and their lack of gradients; then the special points of the
differentiable ops of special.py and segment.py that the op table's central differences cannot
reach (infinities, ties), checked against TensorFlow's values."""

import numpy as np
import pytest

import gradtape as gt

RNG = np.random.default_rng(0)
SHAPES = [(), (0,), (5,), (3, 4), (2, 0, 3), (2, 3, 4)]
DTYPES = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_]


def sample(shape, dtype):
    """Values with many zeros (and ties) in ``dtype``."""
    a = RNG.integers(-2, 3, shape) * (RNG.uniform(size=shape) < 0.6)
    return np.asarray(a).astype(dtype) if np.dtype(dtype).kind != "u" else np.abs(a).astype(dtype)


def no_gradient(fn, *xs):
    """``fn`` of float tensors: a tape gives None for every input."""
    ts = [gt.constant(x) for x in xs]
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(ts)
        out = fn(*ts)
    if out.dtype.kind in "fc":
        return all(g is None for g in tape.gradient(out, ts))
    return all(g is None for g in tape.gradient(gt.reduce_sum(gt.cast(out, gt.float32)), ts))


# -- count_nonzero and zero_fraction -------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_count_nonzero_matches_numpy(shape, dtype):
    a = sample(shape, dtype)
    got = gt.math.count_nonzero(gt.constant(a))
    assert got.dtype == gt.int64 and got.shape == ()
    assert int(got) == np.count_nonzero(a)
    for axis in range(-len(shape), len(shape)):
        got = gt.math.count_nonzero(a, axis=axis, keepdims=True, dtype=gt.int32)
        assert got.dtype == gt.int32
        np.testing.assert_array_equal(got.numpy(), np.count_nonzero(a, axis=axis, keepdims=True))
    if len(shape) >= 2:
        np.testing.assert_array_equal(gt.math.count_nonzero(a, axis=[0, -1]).numpy(),
                                      np.count_nonzero(a, axis=(0, len(shape) - 1)))


def test_count_nonzero_strings_and_float_dtype():
    assert int(gt.math.count_nonzero(gt.constant(["", "a", "bc", ""]))) == 2
    got = gt.math.count_nonzero(gt.constant([[0.0, 1.0], [2.0, 3.0]]), axis=0, dtype=gt.float32)
    assert got.dtype == gt.float32
    np.testing.assert_array_equal(got.numpy(), [1.0, 2.0])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_zero_fraction_matches_numpy(shape, dtype):
    a = sample(shape, dtype)
    got = gt.math.zero_fraction(a)
    assert got.dtype == gt.float32 and got.shape == ()
    if a.size == 0:
        assert np.isnan(float(got))
    else:
        assert float(got) == np.float32(a.size - np.count_nonzero(a)) / np.float32(a.size)


def test_count_nonzero_errors():
    with pytest.raises(ValueError, match="count_nonzero: axis=2 is out of range for a tensor of rank 2"):
        gt.math.count_nonzero(np.zeros((2, 3)), axis=2)


# -- bincount ------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(0,), (7,), (3, 4), (2, 2, 3)])
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8])
def test_bincount_matches_numpy(shape, dtype):
    a = RNG.integers(0, 6, shape).astype(dtype)
    got = gt.math.bincount(a)
    assert got.dtype == gt.int32
    np.testing.assert_array_equal(got.numpy(), np.bincount(a.reshape(-1)))
    for lo, hi in [(9, None), (None, 3), (2, 4), (0, 0)]:
        want = np.bincount(a.reshape(-1), minlength=lo or 0)
        if hi is not None:
            want = want[:hi]
        np.testing.assert_array_equal(gt.math.bincount(a, minlength=lo, maxlength=hi).numpy(), want)
    w = RNG.uniform(size=shape)
    got = gt.math.bincount(a, weights=w)
    assert got.dtype == gt.float64
    np.testing.assert_allclose(got.numpy(), np.bincount(a.reshape(-1), weights=w.reshape(-1)))
    got = gt.math.bincount(a, binary_output=True, dtype=gt.int64)
    assert got.dtype == gt.int64
    np.testing.assert_array_equal(got.numpy(), np.minimum(np.bincount(a.reshape(-1)), 1))


@pytest.mark.parametrize("rows", [0, 1, 3])
def test_bincount_axis_minus_one_counts_each_row(rows):
    a = RNG.integers(0, 5, (rows, 6))
    n = int(a.max()) + 1 if a.size else 0
    want = np.array([np.bincount(r, minlength=n) for r in a]).reshape(rows, n)
    got = gt.math.bincount(a.astype(np.int32), axis=-1)
    assert got.shape == (rows, n) and got.dtype == gt.int32
    np.testing.assert_array_equal(got.numpy(), want)
    np.testing.assert_array_equal(gt.math.bincount(a, axis=-1, binary_output=True).numpy(), np.minimum(want, 1))
    w = RNG.uniform(size=a.shape).astype(np.float32)
    got = gt.math.bincount(a, weights=w, axis=-1, minlength=n + 2)
    assert got.dtype == gt.float32 and got.shape == (rows, n + 2)
    want = np.array([np.bincount(r, weights=wr, minlength=n + 2) for r, wr in zip(a, w)]).reshape(rows, n + 2)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    # maxlength skips the larger values; a float arr is cast to integers, as in TensorFlow
    m = min(n, 2)
    want = np.array([np.bincount(r[r < m], minlength=m) for r in a]).reshape(rows, m)
    np.testing.assert_array_equal(gt.math.bincount(a.astype(np.float32), axis=-1, maxlength=2).numpy(), want)


def test_bincount_tensorflow_examples():
    values = gt.constant([1, 1, 2, 3, 2, 4, 4, 5])
    np.testing.assert_array_equal(gt.math.bincount(values).numpy(), [0, 2, 2, 1, 2, 1])
    weights = gt.constant([1, 5, 0, 1, 0, 5, 4, 5])
    np.testing.assert_array_equal(gt.math.bincount(values, weights=weights).numpy(), [0, 6, 0, 1, 9, 5])
    data = np.array([[1, 2, 3, 0], [0, 0, 1, 2]], dtype=np.int32)
    np.testing.assert_array_equal(gt.math.bincount(data, axis=-1, binary_output=True).numpy(),
                                  [[1, 1, 1, 1], [1, 1, 1, 0]])


def test_bincount_gradients():
    # the weights of a plain bincount get unsorted_segment_sum's gradient; arr never has one
    w = gt.constant([1.0, 2.0, 3.0])
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(w)
        y = gt.math.bincount([0, 4, 1], weights=w, maxlength=3)
        z = gt.math.bincount([[0, 4, 1]], weights=gt.reshape(w, (1, 3)), axis=-1)
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [1.0, 0.0, 1.0])
    assert tape.gradient(z, w) is None
    assert no_gradient(lambda a: gt.math.bincount(gt.cast(a, gt.int32)), [1.0, 2.0])


def test_bincount_errors():
    with pytest.raises(ValueError, match="bincount: arr must be non-negative, got the value -1"):
        gt.math.bincount([1, -1])
    with pytest.raises(TypeError, match=r"bincount: arr must hold integers, got dtype float32; cast"):
        gt.math.bincount(gt.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="bincount: axis=1 is not supported; use axis=None"):
        gt.math.bincount([[1]], axis=1)
    with pytest.raises(ValueError, match="bincount: weights and binary_output=True are mutually exclusive"):
        gt.math.bincount([1], weights=[1.0], binary_output=True)
    with pytest.raises(ValueError, match=r"bincount: weights must have arr's shape \(2,\), got \(3,\)"):
        gt.math.bincount([1, 2], weights=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="bincount: with axis=-1, arr must be 1-D or 2-D"):
        gt.math.bincount(np.zeros((2, 2, 2), np.int32), axis=-1)
    with pytest.raises(ValueError, match="bincount: maxlength must be non-negative, got -1"):
        gt.math.bincount([1], maxlength=-1)
    with pytest.raises(TypeError, match="bincount: minlength must be an integer scalar"):
        gt.math.bincount([1], minlength=2.5)


# -- confusion_matrix ----------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 9, 40])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_confusion_matrix_matches_numpy(n, dtype):
    labels = RNG.integers(0, 4, n).astype(dtype)
    preds = RNG.integers(0, 4, n).astype(dtype)
    k = int(max(labels.max(), preds.max())) + 1 if n else 0
    want = np.zeros((k, k), np.int64)
    np.add.at(want, (labels, preds), 1)
    got = gt.math.confusion_matrix(labels, preds)
    assert got.dtype == gt.int32
    np.testing.assert_array_equal(got.numpy(), want)
    got = gt.math.confusion_matrix(gt.constant(labels), gt.constant(preds)[:, None], num_classes=6,
                                   dtype=gt.int64)
    assert got.dtype == gt.int64 and got.shape == (6, 6)
    np.testing.assert_array_equal(got.numpy()[:k, :k], want)
    w = RNG.uniform(size=n)
    got = gt.math.confusion_matrix(labels, preds, num_classes=4, weights=w, dtype=gt.float64)
    want_w = np.zeros((4, 4))
    np.add.at(want_w, (labels, preds), w)
    np.testing.assert_allclose(got.numpy(), want_w)


def test_confusion_matrix_tensorflow_example_and_gradients():
    np.testing.assert_array_equal(gt.math.confusion_matrix([1, 2, 4], [2, 2, 4]).numpy(),
                                  [[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0],
                                   [0, 0, 0, 0, 1]])
    w = gt.constant([0.5, 1.5, 2.5])
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(w)
        cm = gt.math.confusion_matrix([0, 1, 1], [0, 1, 1], weights=w, dtype=gt.float32)
        cm_int = gt.math.confusion_matrix([0, 1, 1], [0, 1, 1], weights=w)
    np.testing.assert_array_equal(cm.numpy(), [[0.5, 0.0], [0.0, 4.0]])
    np.testing.assert_array_equal(tape.gradient(cm, w).numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(cm_int.numpy(), [[0, 0], [0, 3]])  # weights cast to int32 first
    assert tape.gradient(cm_int, w) is None
    assert no_gradient(lambda l, p: gt.math.confusion_matrix(gt.cast(l, gt.int32), gt.cast(p, gt.int32)),
                       [0.0, 1.0], [1.0, 1.0])


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match=r"confusion_matrix: labels contains negative values \(-1\)"):
        gt.math.confusion_matrix([-1, 0], [0, 0])
    with pytest.raises(ValueError, match="confusion_matrix: predictions out of bound: the value 3 is not below "
                                         "num_classes=3"):
        gt.math.confusion_matrix([0, 1], [3, 0], num_classes=3)
    with pytest.raises(ValueError, match=r"confusion_matrix: labels and predictions must be 1-D of one length, got "
                                         r"shapes \(2,\) and \(3,\)"):
        gt.math.confusion_matrix([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match=r"confusion_matrix: weights must have the shape of predictions \(2,\)"):
        gt.math.confusion_matrix([0, 1], [0, 1], weights=[1.0])
    with pytest.raises(TypeError, match="confusion_matrix: labels must hold class indices"):
        gt.math.confusion_matrix(["a"], [0])


# -- in_top_k ------------------------------------------------------------------------------------
def np_in_top_k(targets, predictions, k):
    out = []
    for t, row in zip(targets, predictions):
        if not (0 <= t < len(row)) or not np.all(np.isfinite(row)):
            out.append(False)
        else:
            out.append(int(np.sum(row > row[t])) < k)
    return np.array(out, bool)


@pytest.mark.parametrize("shape", [(0, 3), (4, 1), (5, 4), (6, 10)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_in_top_k_matches_numpy(shape, dtype):
    p = RNG.integers(0, 4, shape).astype(dtype)  # many ties
    t = RNG.integers(-1, shape[1] + 1, shape[0]).astype(np.int32)  # some targets out of range
    for k in (0, 1, 2, shape[1]):
        got = gt.math.in_top_k(t, p, k)
        assert got.dtype == gt.bool and got.shape == (shape[0],)
        np.testing.assert_array_equal(got.numpy(), np_in_top_k(t, p, k))


def test_in_top_k_ties_and_non_finite():
    p = gt.constant([[0.3, 0.3, 0.4], [0.5, np.nan, 0.1], [np.inf, 0.0, 0.0]])
    # row 0: both 0.3 are in the top 2 (one prediction is strictly greater); rows 1-2 are not finite
    np.testing.assert_array_equal(gt.math.in_top_k([0, 0, 0], p, 2).numpy(), [True, False, False])
    np.testing.assert_array_equal(gt.math.in_top_k(gt.constant([1, 0, 0], gt.int64), p, gt.constant(1)).numpy(),
                                  [False, False, False])
    assert no_gradient(lambda q: gt.math.in_top_k([0, 1], q, 1), [[1.0, 2.0], [3.0, 4.0]])


def test_in_top_k_errors():
    with pytest.raises(ValueError, match=r"in_top_k: predictions must be 2-D \(batch, classes\), got shape \(3,\)"):
        gt.math.in_top_k([0], [1.0, 2.0, 3.0], 1)
    with pytest.raises(ValueError, match=r"in_top_k: targets must be 1-D with one entry per row of predictions \(1\)"):
        gt.math.in_top_k([0, 1], [[1.0, 2.0]], 1)
    with pytest.raises(TypeError, match="in_top_k: targets must be int32 or int64 class indices, got dtype float32"):
        gt.math.in_top_k([0.0], [[1.0, 2.0]], 1)
    with pytest.raises(TypeError, match="in_top_k: k must be an integer scalar"):
        gt.math.in_top_k([0], [[1.0, 2.0]], 1.5)


# -- invert_permutation --------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 7, 100])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_invert_permutation_matches_numpy(n, dtype):
    p = RNG.permutation(n).astype(dtype)
    got = gt.math.invert_permutation(gt.constant(p))
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.argsort(p))


def test_invert_permutation_errors():
    with pytest.raises(ValueError, match=r"invert_permutation: x is not a permutation of 0..2: x\[1\] = 3 is out of "
                                         r"range \[0, 3\)"):
        gt.math.invert_permutation([0, 3, 1])
    with pytest.raises(ValueError, match="invert_permutation: x is not a permutation of 0..2: 2 is missing"):
        gt.math.invert_permutation([0, 1, 1])
    with pytest.raises(TypeError, match="invert_permutation: x must be int32 or int64, got dtype float32"):
        gt.math.invert_permutation([0.0])
    with pytest.raises(ValueError, match=r"invert_permutation: x must be 1-D, got shape \(1, 1\)"):
        gt.math.invert_permutation([[0]])


# -- is_non_decreasing and is_strictly_increasing ------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint8])
def test_monotonicity_matches_numpy(shape, dtype):
    for a in (sample(shape, dtype), np.sort(sample(shape, dtype), axis=None).reshape(shape),
              np.arange(int(np.prod(shape))).astype(dtype).reshape(shape)):
        flat = a.reshape(-1)
        got = gt.math.is_non_decreasing(a)
        assert got.dtype == gt.bool and got.shape == ()
        assert bool(got) == bool(np.all(flat[1:] >= flat[:-1]))
        assert bool(gt.math.is_strictly_increasing(gt.constant(a))) == bool(np.all(flat[1:] > flat[:-1]))


def test_monotonicity_special_values_and_errors():
    assert not bool(gt.math.is_non_decreasing([1.0, np.nan, 2.0]))
    assert bool(gt.math.is_non_decreasing(np.array([1, 200], np.uint8)))
    assert not bool(gt.math.is_non_decreasing(np.array([200, 1], np.uint8)))  # TensorFlow's difference wraps here
    assert bool(gt.math.is_strictly_increasing([[1, 2], [3, 4]]))
    assert no_gradient(gt.math.is_non_decreasing, [1.0, 2.0])
    with pytest.raises(TypeError, match="is_non_decreasing: x must be a real numeric tensor, got dtype bool"):
        gt.math.is_non_decreasing([True, False])
    with pytest.raises(TypeError, match="is_strictly_increasing: x must be a real numeric tensor, got dtype complex128"):
        gt.math.is_strictly_increasing(np.array([1j]))


# -- rint ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_rint_matches_numpy(shape, dtype):
    a = (RNG.integers(-8, 9, shape) / 2 + RNG.choice([0.0, 0.2], shape)).astype(dtype)  # many halves
    got = gt.math.rint(gt.constant(a))
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.rint(a))


def test_rint_no_gradient_and_errors():
    assert no_gradient(gt.math.rint, [0.5, 1.5, 2.6])
    np.testing.assert_array_equal(gt.math.rint([-2.5, 2.5, 3.5]).numpy(), [-2.0, 2.0, 4.0])
    with pytest.raises(TypeError, match="rint: x must be a floating-point tensor, got dtype int32"):
        gt.math.rint([1, 2])


def test_counting_ops_have_no_gradient():
    x = [[0.0, 1.0], [2.0, 0.0]]
    assert no_gradient(gt.math.count_nonzero, x)
    assert no_gradient(gt.math.zero_fraction, x)
    assert no_gradient(lambda p: gt.math.invert_permutation(gt.cast(p, gt.int32)), [1.0, 0.0])
    assert no_gradient(gt.math.is_strictly_increasing, [1.0, 2.0])


# -- special points of special.py and segment.py -------------------------------------------------
def grads(fn, *xs):
    ts = [gt.constant(np.asarray(x, np.float64)) for x in xs]
    with gt.GradientTape() as tape:
        tape.watch(ts)
        y = fn(*ts)
    return y.numpy(), [g.numpy() for g in tape.gradient(y, ts)]


def test_multiply_no_nan_at_zero_y_with_infinite_x():
    y, (dx, dy) = grads(gt.math.multiply_no_nan, [np.inf, np.nan, 2.0], [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(y, [0.0, 0.0, 6.0])
    np.testing.assert_array_equal(dx, [0.0, 0.0, 3.0])  # multiply_no_nan(g, y)
    np.testing.assert_array_equal(dy, [np.inf, np.nan, 2.0])  # multiply_no_nan(x, g)
    with pytest.raises(TypeError, match="multiply_no_nan: x and y must have the same dtype, got float32 and float64"):
        gt.math.multiply_no_nan(gt.constant([1.0]), gt.constant([1.0], gt.float64))
    with pytest.raises(TypeError, match="multiply_no_nan: x must be a floating-point or complex tensor, got dtype int32"):
        gt.math.multiply_no_nan(gt.constant([1]), gt.constant([1]))


def test_reciprocal_no_nan_and_xlog1py_at_their_guards():
    y, (dx,) = grads(gt.math.reciprocal_no_nan, [0.0, 2.0])
    np.testing.assert_array_equal(y, [0.0, 0.5])
    np.testing.assert_array_equal(dx, [0.0, -0.25])
    y, (dx, dy) = grads(gt.math.xlog1py, [0.0, 0.0, 0.0, 2.0], [-1.0, -3.0, np.nan, 0.0])
    np.testing.assert_array_equal(y, [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(dx, [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(dy, [0.0, 0.0, 0.0, 2.0])
    with pytest.raises(TypeError, match="xlog1py: x must be a floating-point or complex tensor, got dtype int32"):
        gt.math.xlog1py(gt.constant([1]), gt.constant([1]))


def test_lbeta_and_polyval_edges():
    np.testing.assert_array_equal(gt.math.lbeta(gt.zeros((2, 0))).numpy(), [-np.inf, -np.inf])
    assert gt.math.polyval([], gt.constant([1.0, 2.0])).numpy().tolist() == [0.0, 0.0]
    assert float(gt.math.polyval([gt.constant(3.0)], gt.constant([1.0, 2.0]))) == 3.0
    with pytest.raises(ValueError, match="lbeta: x must have rank >= 1"):
        gt.math.lbeta(gt.constant(1.0))
    with pytest.raises(ValueError, match="polyval: coeffs must be a list of tensors, got tuple"):
        gt.math.polyval((1.0, 2.0), 1.0)


def test_cumulative_logsumexp_edges():
    x = gt.constant([-200.0, 0.0, -np.inf, 5.0])  # float32: exp(-200) underflows, the pairwise scan does not
    want = np.logaddexp.accumulate(np.array([-200.0, 0.0, -np.inf, 5.0]))
    np.testing.assert_allclose(gt.math.cumulative_logsumexp(x).numpy(), want, rtol=1e-6, atol=1e-30)
    np.testing.assert_array_equal(gt.math.cumulative_logsumexp(gt.constant([1.0, 2.0]), exclusive=True).numpy()[0],
                                  -np.inf)
    y, (dx,) = grads(lambda t: gt.math.cumulative_logsumexp(t, exclusive=True, reverse=True)[:2], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(y, [np.log(2.0), 0.0])
    np.testing.assert_allclose(dx, [0.0, 0.5, 1.5])
    with pytest.raises(TypeError, match="cumulative_logsumexp: x must be a floating-point tensor"):
        gt.math.cumulative_logsumexp(gt.constant([1, 2]))
    with pytest.raises(ValueError, match="cumulative_logsumexp: axis=1 is out of range for a tensor of rank 1"):
        gt.math.cumulative_logsumexp(gt.constant([1.0]), axis=1)


def test_segment_extrema_split_ties_equally():
    # TensorFlow's _UnsortedSegmentMinOrMaxGrad: the elements equal to the result share it
    data = [3.0, 1.0, 3.0, 3.0, 2.0, 2.0, 7.0]
    y, (dx,) = grads(lambda d: gt.math.unsorted_segment_max(d, [0, 0, 0, 0, 1, 1, -1], 3), data)
    np.testing.assert_array_equal(y, [3.0, 2.0, np.finfo(np.float64).min])
    np.testing.assert_allclose(dx, [1 / 3, 0.0, 1 / 3, 1 / 3, 0.5, 0.5, 0.0])
    y, (dx,) = grads(lambda d: gt.math.segment_min(d, [0, 0, 0, 1, 1, 3, 3]), data)
    np.testing.assert_array_equal(y, [1.0, 2.0, 0.0, 2.0])
    np.testing.assert_allclose(dx, [0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    y, (dx,) = grads(lambda d: gt.math.unsorted_segment_min(d, [[1, 1], [0, 0]], 2), [[4.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(y, [5.0, 4.0])
    np.testing.assert_allclose(dx, [[0.5, 0.5], [1.0, 0.0]])


def test_segment_reductions_empty_segments_and_dtypes():
    x = gt.constant([4, -7, 2], gt.int32)
    np.testing.assert_array_equal(gt.math.segment_mean(x, [0, 0, 2]).numpy(), [-1, 0, 2])  # truncated
    assert gt.math.segment_mean(x, [0, 0, 2]).dtype == gt.int32
    np.testing.assert_array_equal(gt.math.unsorted_segment_max(x, [1, 1, 1], 3).numpy(),
                                  [np.iinfo(np.int32).min, 4, np.iinfo(np.int32).min])
    np.testing.assert_array_equal(gt.math.segment_max(gt.constant([-np.inf, 1.0]), [0, 2]).numpy(), [-np.inf, 0.0, 1.0])
    np.testing.assert_array_equal(gt.math.unsorted_segment_prod(x, [1, -1, 1], 3).numpy(), [1, 8, 1])
    np.testing.assert_array_equal(gt.math.unsorted_segment_mean(x, [1, 1, 0], 3).numpy(), [2.0, -1.5, 0.0])
    y, (dx,) = grads(lambda d: gt.math.unsorted_segment_prod(d, [0, 0, 0, 1, 1], 2), [2.0, 0.0, 3.0, 0.0, 0.0])
    np.testing.assert_array_equal(y, [0.0, 0.0])
    np.testing.assert_array_equal(dx, [0.0, 6.0, 0.0, 0.0, 0.0])


def test_segment_errors():
    with pytest.raises(ValueError, match="segment_max: segment_ids must be a 1-D, sorted, non-negative vector; use "
                                         "unsorted_segment_max"):
        gt.math.segment_max(gt.constant([1.0, 2.0]), [1, 0])
    with pytest.raises(ValueError, match=r"unsorted_segment_mean: segment id 3 is out of range \[0, 2\)"):
        gt.math.unsorted_segment_mean(gt.constant([1.0, 2.0]), [3, 0], 2)
    with pytest.raises(ValueError, match="unsorted_segment_min: num_segments must be a non-negative integer scalar"):
        gt.math.unsorted_segment_min(gt.constant([1.0]), [0], -1)
    with pytest.raises(TypeError, match="unsorted_segment_max: data must be a real numeric tensor"):
        gt.math.unsorted_segment_max(gt.constant([1j]), [0], 1)
    with pytest.raises(TypeError, match="unsorted_segment_sqrt_n: data must be a floating-point or complex tensor"):
        gt.math.unsorted_segment_sqrt_n(gt.constant([1]), [0], 1)
    with pytest.raises(ValueError, match=r"segment_prod: segment_ids shape \(3,\) must be a prefix of data shape \(2,\)"):
        gt.math.segment_prod(gt.constant([1.0, 2.0]), [0, 0, 1])

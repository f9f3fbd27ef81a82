"""The ops without gradients added with the sets, sequence and arithmetic families: unique,
unique_with_counts, searchsorted, histogram_fixed_width, unravel_index, sequence_mask,
truncatediv and truncatemod. Each is checked against NumPy on several shapes, against
TensorFlow's documented examples, for its error messages, and for giving tapes no gradient.
The argument errors of the differentiable ops of those modules (reverse_sequence, realdiv,
scalar_mul, tensor_scatter_nd_sub, saturate_cast) are here too: their rows in
tests/ops/rows_sequence.py check values and derivatives."""

import numpy as np
import pytest

import gradtape as gt

RNG = np.random.default_rng(0)


def _unique_ref(x):
    """First-occurrence order, by a dict (the definition, not NumPy's sorted unique)."""
    pos: dict = {}
    idx = [pos.setdefault(v, len(pos)) for v in x.tolist()]
    y = list(pos)
    return np.array(y, x.dtype), np.array(idx), np.bincount(idx, minlength=len(y))


# -- unique and unique_with_counts ---------------------------------------------------------------
def test_unique_tensorflow_examples():
    y, idx = gt.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
    np.testing.assert_array_equal(y.numpy(), [1, 2, 4, 7, 8])
    np.testing.assert_array_equal(idx.numpy(), [0, 0, 1, 2, 2, 2, 3, 4, 4])
    y, idx = gt.unique([4, 5, 1, 2, 3, 3, 4, 5])
    np.testing.assert_array_equal(y.numpy(), [4, 5, 1, 2, 3])
    np.testing.assert_array_equal(idx.numpy(), [0, 1, 2, 3, 4, 4, 0, 1])
    y, idx, count = gt.unique_with_counts([1, 1, 2, 4, 4, 4, 7, 8, 8])
    np.testing.assert_array_equal(count.numpy(), [2, 1, 3, 1, 2])
    assert y.dtype == gt.int32 and idx.dtype == gt.int32 and count.dtype == gt.int32


@pytest.mark.parametrize("n", [0, 1, 7, 50])
@pytest.mark.parametrize("kind", ["int", "float", "bool"])
def test_unique_matches_reference(n, kind):
    if kind == "int":
        x = RNG.integers(-5, 5, n).astype(np.int64)
    elif kind == "float":
        x = RNG.choice([-1.5, 0.25, 3.0, 7.0], n).astype(np.float32)
    else:
        x = RNG.integers(0, 2, n).astype(bool)
    y, idx, count = gt.unique_with_counts(x, out_idx=gt.int64)
    ry, ridx, rcount = _unique_ref(x)
    np.testing.assert_array_equal(y.numpy(), ry)
    np.testing.assert_array_equal(idx.numpy(), ridx)
    np.testing.assert_array_equal(count.numpy(), rcount)
    assert y.dtype == x.dtype and idx.dtype == gt.int64 and count.dtype == gt.int64
    np.testing.assert_array_equal(y.numpy()[idx.numpy()], x)  # y[idx[i]] == x[i]
    np.testing.assert_array_equal(np.sort(y.numpy()), np.unique(x))
    y2, idx2 = gt.unique(x)
    np.testing.assert_array_equal(y2.numpy(), ry)
    np.testing.assert_array_equal(idx2.numpy(), ridx)


def test_unique_is_a_namedtuple():
    u = gt.unique([3, 1, 3])
    assert type(u).__name__ == "Unique" and u._fields == ("y", "idx")
    u = gt.unique_with_counts([3, 1, 3])
    assert type(u).__name__ == "UniqueWithCounts" and u._fields == ("y", "idx", "count")
    np.testing.assert_array_equal(u.count.numpy(), [2, 1])


def test_unique_nan_and_signed_zero():
    # NaN != NaN: every NaN is its own value (TensorFlow's hash table); 0.0 == -0.0.
    y, idx = gt.unique(np.array([0.0, np.nan, -0.0, np.nan, 1.0]))
    assert y.shape == (4,) and np.isnan(y.numpy()[[1, 2]]).all()
    np.testing.assert_array_equal(idx.numpy(), [0, 1, 0, 2, 3])


def test_unique_errors():
    with pytest.raises(ValueError, match=r"unique: x must be 1-D, got shape \(2, 2\).*reshape"):
        gt.unique([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="unique_with_counts: x must be 1-D"):
        gt.unique_with_counts(3)
    with pytest.raises(TypeError, match="unique: out_idx must be gt.int32 or gt.int64, got float32"):
        gt.unique([1, 2], out_idx=gt.float32)


# -- searchsorted -------------------------------------------------------------------------------
def test_searchsorted_tensorflow_examples():
    edges = [-1, 3.3, 9.1, 10.0]
    np.testing.assert_array_equal(gt.searchsorted(edges, [0.0, 4.1, 12.0]).numpy(), [1, 2, 4])
    seq, vals = [0, 3, 9, 10, 10], [0, 4, 10]
    np.testing.assert_array_equal(gt.searchsorted(seq, vals).numpy(), [0, 2, 3])
    np.testing.assert_array_equal(gt.searchsorted(seq, vals, side="right").numpy(), [1, 2, 5])
    got = gt.searchsorted([[0., 3., 8., 9., 10.], [1., 2., 3., 4., 5.]], [[9.8, 2.1, 4.3], [0.1, 6.6, 4.5]])
    np.testing.assert_array_equal(got.numpy(), [[4, 1, 2], [0, 5, 4]])
    s, v = [[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]], [[2, 4, 9], [0, 2, 6]]
    np.testing.assert_array_equal(gt.searchsorted(s, v, side="left").numpy(), [[1, 2, 2], [0, 1, 5]])
    np.testing.assert_array_equal(gt.searchsorted(s, v, side="right").numpy(), [[1, 2, 4], [0, 2, 5]])
    assert gt.searchsorted(s, v).dtype == gt.int32
    assert gt.searchsorted(s, v, out_type=gt.int64).dtype == gt.int64


@pytest.mark.parametrize("s_shape,v_shape", [((5,), (3,)), ((5,), (0,)), ((2, 5), (2, 3)), ((2, 3, 6), (2, 3, 4)),
                                             ((6, 5), (2, 3, 4)), ((0,), (4,)), ((3, 0), (3, 2))])
@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_matches_numpy_row_by_row(s_shape, v_shape, side):
    s = np.sort(RNG.integers(0, 6, s_shape).astype(np.float64), axis=-1)
    v = RNG.integers(-1, 7, v_shape).astype(np.float64)  # ties with the sequence included
    got = gt.searchsorted(s, v, side=side).numpy()
    rows = int(np.prod(s_shape[:-1]))
    s2, v2 = s.reshape(rows, s_shape[-1]), v.reshape(rows, v_shape[-1])
    want = np.stack([np.searchsorted(a, b, side=side) for a, b in zip(s2, v2)]).reshape(v_shape)
    np.testing.assert_array_equal(got, want)
    assert got.shape == v_shape


def test_searchsorted_errors():
    with pytest.raises(ValueError, match="searchsorted: side must be 'left' or 'right', got 'middle'"):
        gt.searchsorted([1, 2], [1], side="middle")
    with pytest.raises(ValueError, match=r"searchsorted: sorted_sequence \(shape \(2, 3\)\) has 2 rows but "
                                         r"values \(shape \(3, 1\)\) has 3.*leading dimensions"):
        gt.searchsorted(np.zeros((2, 3)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="searchsorted: sorted_sequence and values must have rank >= 1"):
        gt.searchsorted([1, 2, 3], 2)
    with pytest.raises(TypeError, match="searchsorted: out_type must be gt.int32 or gt.int64"):
        gt.searchsorted([1, 2], [1], out_type=gt.float32)


# -- histogram_fixed_width ----------------------------------------------------------------------------
def test_histogram_fixed_width_tensorflow_example():
    hist = gt.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], nbins=5)
    np.testing.assert_array_equal(hist.numpy(), [2, 1, 1, 0, 2])
    assert hist.dtype == gt.int32
    assert gt.histogram_fixed_width([1.0], [0.0, 1.0], dtype=gt.int64).dtype == gt.int64
    assert gt.histogram_fixed_width([1.0], [0.0, 1.0]).shape == (100,)  # nbins defaults to 100


@pytest.mark.parametrize("shape", [(0,), (7,), (3, 4), (2, 3, 5)])
@pytest.mark.parametrize("nbins", [1, 3, 10])
def test_histogram_fixed_width_matches_numpy(shape, nbins):
    v = RNG.uniform(-3.0, 4.0, shape)  # some values outside [-1, 2.5]: counted in the edge bins
    got = gt.histogram_fixed_width(v, [-1.0, 2.5], nbins=nbins).numpy()
    want, _ = np.histogram(np.clip(v, -1.0, 2.5), bins=nbins, range=(-1.0, 2.5))
    np.testing.assert_array_equal(got, want)
    assert got.sum() == v.size


def test_histogram_fixed_width_integers_and_infinities():
    got = gt.histogram_fixed_width(gt.constant([0, 1, 2, 3, 4, 9, -9]), [0, 5], nbins=5).numpy()
    np.testing.assert_array_equal(got, [2, 1, 1, 1, 2])
    got = gt.histogram_fixed_width([-np.inf, np.inf, 0.5], [0.0, 1.0], nbins=2).numpy()
    np.testing.assert_array_equal(got, [1, 2])


def test_histogram_fixed_width_errors():
    with pytest.raises(ValueError, match=r"histogram_fixed_width: value_range must satisfy value_range\[0\] < "
                                         r"value_range\[1\], got \[1.0, 1.0\]"):
        gt.histogram_fixed_width([1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="histogram_fixed_width: nbins must be positive, got 0"):
        gt.histogram_fixed_width([1.0], [0.0, 1.0], nbins=0)
    with pytest.raises(ValueError, match=r"histogram_fixed_width: value_range must be a vector \[lo, hi\] of 2"):
        gt.histogram_fixed_width([1.0], [0.0, 1.0, 2.0])
    with pytest.raises(TypeError, match="histogram_fixed_width: nbins must be a scalar integer"):
        gt.histogram_fixed_width([1.0], [0.0, 1.0], nbins=2.5)
    with pytest.raises(TypeError, match="histogram_fixed_width: dtype must be gt.int32 or gt.int64"):
        gt.histogram_fixed_width([1.0], [0.0, 1.0], dtype=gt.float32)
    with pytest.raises(TypeError, match="histogram_fixed_width: value_range has dtype float32 but values are "
                                        "integers"):
        gt.histogram_fixed_width([1, 2], [0.5, 1.5])
    with pytest.raises(ValueError, match="histogram_fixed_width: values contain NaN"):
        gt.histogram_fixed_width([1.0, np.nan], [0.0, 1.0])


# -- unravel_index ------------------------------------------------------------------------------------
def test_unravel_index_tensorflow_example():
    got = gt.unravel_index([2, 5, 7], [3, 3])
    np.testing.assert_array_equal(got.numpy(), [[0, 1, 2], [2, 2, 1]])
    assert got.dtype == gt.int32
    np.testing.assert_array_equal(gt.unravel_index(1621, [6, 7, 8, 9]).numpy(), [3, 1, 4, 1])


@pytest.mark.parametrize("idx_shape", [(), (0,), (5,), (2, 3)])
@pytest.mark.parametrize("dims", [(7,), (3, 4), (2, 1, 5)])
def test_unravel_index_matches_numpy(idx_shape, dims):
    idx = RNG.integers(0, int(np.prod(dims)), idx_shape).astype(np.int64)
    got = gt.unravel_index(idx, list(dims))
    want = np.stack(np.unravel_index(idx, dims))
    assert got.shape == (len(dims),) + idx_shape and got.dtype == gt.int64
    np.testing.assert_array_equal(got.numpy(), want)


def test_unravel_index_errors():
    with pytest.raises(ValueError, match=r"unravel_index: indices must be in \[0, 9\) for dims \[3, 3\]; got "
                                         "values from 2 to 9"):
        gt.unravel_index([2, 9], [3, 3])
    with pytest.raises(ValueError, match="unravel_index: indices must be in"):
        gt.unravel_index(-1, [3])
    with pytest.raises(ValueError, match=r"unravel_index: dims\[1\] = 0; every dimension must be positive"):
        gt.unravel_index(0, [3, 0])
    with pytest.raises(ValueError, match=r"unravel_index: dims must be 1-D"):
        gt.unravel_index(0, [[3, 3]])
    with pytest.raises(TypeError, match="unravel_index: indices must be integers, got dtype float32"):
        gt.unravel_index([1.0], [3])


# -- sequence_mask ------------------------------------------------------------------------------------
def test_sequence_mask_tensorflow_examples():
    np.testing.assert_array_equal(gt.sequence_mask([1, 3, 2], 5).numpy(),
                                  [[True, False, False, False, False],
                                   [True, True, True, False, False],
                                   [True, True, False, False, False]])
    np.testing.assert_array_equal(gt.sequence_mask([[1, 3], [2, 0]]).numpy(),
                                  [[[True, False, False], [True, True, True]],
                                   [[True, True, False], [False, False, False]]])
    assert gt.sequence_mask([1]).dtype == gt.bool


@pytest.mark.parametrize("shape", [(0,), (4,), (2, 3), (2, 1, 3)])
@pytest.mark.parametrize("maxlen", [None, 0, 3, 6])
def test_sequence_mask_matches_numpy(shape, maxlen):
    n = RNG.integers(0, 6, shape).astype(np.int64)
    m = (int(n.max()) if n.size else 0) if maxlen is None else maxlen
    want = np.arange(m) < n[..., None]
    got = gt.sequence_mask(n, maxlen)
    assert got.shape == shape + (m,) and got.dtype == gt.bool
    np.testing.assert_array_equal(got.numpy(), want)
    f = gt.sequence_mask(n, maxlen, dtype=gt.float32)
    assert f.dtype == gt.float32
    np.testing.assert_array_equal(f.numpy(), want.astype(np.float32))


def test_sequence_mask_casts_lengths_to_maxlen_dtype():
    # TensorFlow casts the lengths to maxlen's dtype: 1.5 becomes 1 for an integer maxlen.
    np.testing.assert_array_equal(gt.sequence_mask([1.5], 3).numpy(), [[True, False, False]])
    np.testing.assert_array_equal(gt.sequence_mask(gt.constant([3, 1], gt.int64), gt.constant(2, gt.int64)).numpy(),
                                  [[True, True], [True, False]])


def test_sequence_mask_errors():
    with pytest.raises(ValueError, match=r"sequence_mask: maxlen must be a scalar, got shape \(2,\)"):
        gt.sequence_mask([1, 2], [3, 3])
    with pytest.raises(ValueError, match="sequence_mask: maxlen must be non-negative, got -1"):
        gt.sequence_mask([1, 2], -1)
    with pytest.raises(TypeError, match="sequence_mask: lengths must be integers, got dtype bool"):
        gt.sequence_mask([True, False])


# -- truncatediv and truncatemod ----------------------------------------------------------------------
def test_truncatediv_and_truncatemod_tensorflow_semantics():
    x, y = gt.constant([7, -7, 7, -7]), gt.constant([5, 5, -5, -5])
    np.testing.assert_array_equal(gt.math.truncatediv(x, y).numpy(), [1, -1, -1, 1])  # -7 / 5 = -1
    np.testing.assert_array_equal(gt.math.truncatemod(x, y).numpy(), [2, -2, 2, -2])  # sign of x
    np.testing.assert_array_equal(gt.truncatediv(x, y).numpy() * y.numpy() + gt.truncatemod(x, y).numpy(),
                                  x.numpy())
    np.testing.assert_allclose(gt.math.truncatemod(gt.constant([-7.5, 7.5]), 2.0).numpy(), [-1.5, 1.5])
    assert gt.math.truncatediv(x, 2).dtype == gt.int32
    assert gt.math.truncatemod(-7.0, 3).dtype == gt.float32  # Python scalars: float32 when one is a float


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8])
@pytest.mark.parametrize("xs,ys", [((), ()), ((6,), ()), ((2, 3), (3,)), ((2, 1), (1, 3)), ((0, 3), (3,))])
def test_truncatediv_and_truncatemod_match_numpy(dtype, xs, ys):
    lo = 0 if np.dtype(dtype).kind == "u" else -50
    x = RNG.integers(lo, 50, xs).astype(dtype)
    y = RNG.choice([v for v in range(lo // 10 - 1, 8) if v != 0], ys).astype(dtype)
    q = gt.math.truncatediv(x, y)
    r = gt.math.truncatemod(x, y)
    want_q = np.trunc(x.astype(np.float64) / y.astype(np.float64)).astype(dtype)
    np.testing.assert_array_equal(q.numpy(), want_q)
    np.testing.assert_array_equal(r.numpy(), np.fmod(x, y))
    assert q.dtype == dtype and r.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_truncatemod_floats_match_fmod(dtype):
    x = RNG.uniform(-10, 10, (3, 4)).astype(dtype)
    y = RNG.choice([-3.5, -1.25, 0.75, 2.0], (4,)).astype(dtype)
    got = gt.math.truncatemod(x, y)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.fmod(x, y))
    assert np.isnan(gt.math.truncatemod(gt.constant([1.0]), 0.0).numpy()).all()  # fmod by 0.0 is NaN


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_truncatediv_floats_round_toward_zero(dtype):
    # TensorFlow's values: tf.truncatediv([7.5, -7.5, 3, 1, -1, 0, inf], [2, 2, -2, 0, 0, 0, 2])
    x = gt.constant(np.array([7.5, -7.5, 3.0, 1.0, -1.0, 0.0, np.inf], dtype))
    y = gt.constant(np.array([2.0, 2.0, -2.0, 0.0, 0.0, 0.0, 2.0], dtype))
    got = gt.math.truncatediv(x, y)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), [3.0, -3.0, -1.0, np.inf, -np.inf, np.nan, np.inf])
    v = gt.Variable(np.array([7.5, -7.5], dtype))
    with gt.GradientTape() as tape:
        q = gt.truncatediv(v, 2.0)
    assert tape.gradient(q, v) is None  # no gradient, as in TensorFlow


def test_truncatediv_and_truncatemod_errors():
    with pytest.raises(TypeError, match="truncatediv: x and y must be integers or floats .*got dtype bool"):
        gt.math.truncatediv(gt.constant([True]), gt.constant([True]))
    with pytest.raises(ValueError, match="truncatediv: integer division by zero"):
        gt.math.truncatediv(gt.constant([1, 2]), gt.constant([1, 0]))
    with pytest.raises(ValueError, match="truncatemod: integer division by zero"):
        gt.math.truncatemod(gt.constant([1, 2]), 0)
    with pytest.raises(TypeError, match="truncatemod: x has dtype int32 but y has dtype int64; they must match"):
        gt.math.truncatemod(gt.constant([1]), gt.constant([2], gt.int64))
    with pytest.raises(TypeError, match="truncatemod: x and y must be integers or floats .*got dtype bool"):
        gt.math.truncatemod(gt.constant([True]), gt.constant([True]))
    with pytest.raises(TypeError, match="truncatediv: 2.5 cannot be converted to dtype int32"):
        gt.math.truncatediv(gt.constant([5]), 2.5)


# -- no gradients -------------------------------------------------------------------------------------
_NO_GRAD = {
    "unique": lambda x: gt.unique(x).idx,
    "unique_values": lambda x: gt.unique(x).y,
    "unique_with_counts": lambda x: gt.unique_with_counts(x).count,
    "searchsorted_sequence": lambda x: gt.searchsorted(x, [0.5, 1.5]),
    "searchsorted_values": lambda x: gt.searchsorted([0.0, 1.0, 2.0], x),
    "histogram_fixed_width": lambda x: gt.histogram_fixed_width(x, [0.0, 2.0], nbins=4),
    "sequence_mask": lambda x: gt.sequence_mask(x, 3, dtype=gt.float32),
    "truncatemod": lambda x: gt.math.truncatemod(x, 0.75),
    "truncatemod_y": lambda x: gt.math.truncatemod(2.5, x),
}


@pytest.mark.parametrize("name", sorted(_NO_GRAD))
def test_tape_and_accumulator_give_no_gradient(name):
    x = gt.constant([0.25, 1.0, 1.75], gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = _NO_GRAD[name](x)
    assert tape.gradient(y, x) is None
    with gt.autodiff.ForwardAccumulator(x, gt.ones_like(x)) as acc:
        y = _NO_GRAD[name](x)
    assert acc.jvp(y) is None


def test_integer_ops_are_not_recorded():
    a, b = gt.constant([7, 8]), gt.constant([2, 3])
    with gt.GradientTape(persistent=True) as tape:
        with pytest.warns(UserWarning, match="only floating and complex dtypes"):
            tape.watch([a, b])
        outs = [gt.math.truncatediv(a, b), gt.math.truncatemod(a, b), gt.unravel_index(a, [4, 4])]
    for out in outs:
        assert tape.gradient(gt.cast(out, gt.float32), [a, b]) == [None, None]


def test_saturate_cast_gradient_mask_and_integer_target():
    # float64 -> float32: the gradient passes inside float32's range (ends included) and is zero
    # where the value was clamped; to an integer dtype there is no gradient, as cast.
    big = float(np.finfo(np.float32).max)
    x = gt.constant([-2.0, big, 4e38, -1e39, 0.5], gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.saturate_cast(x, gt.float32)
    np.testing.assert_array_equal(y.numpy(), np.array([-2.0, big, big, -big, 0.5], np.float32))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 1.0, 0.0, 0.0, 1.0])
    x = gt.constant([-1.0, 3.7, 300.0])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.saturate_cast(x, gt.uint8)
    np.testing.assert_array_equal(y.numpy(), [0, 3, 255])
    assert tape.gradient(y, x) is None


def test_saturate_cast_values():
    f32 = gt.constant([3e9, -3e9, 1.5])
    # int32's max is not a float32: the bound is nudged to the float32 below it, as TensorFlow.
    np.testing.assert_array_equal(gt.saturate_cast(f32, gt.int32).numpy(), [2147483520, -2147483648, 1])
    f64 = gt.constant([3e9, -3e9], gt.float64)
    np.testing.assert_array_equal(gt.saturate_cast(f64, gt.int32).numpy(), [2147483647, -2147483648])
    np.testing.assert_array_equal(gt.saturate_cast(gt.constant([300, -5]), gt.uint8).numpy(), [255, 0])
    np.testing.assert_array_equal(gt.saturate_cast(gt.constant([-5, 5], gt.int8), gt.uint8).numpy(), [0, 5])
    np.testing.assert_array_equal(gt.saturate_cast(gt.constant([70000]), gt.float16).numpy(), [65504])
    z = gt.saturate_cast(gt.constant([1e300 - 1e300j]), gt.complex64).numpy()
    big = np.finfo(np.float32).max
    assert z.dtype == np.complex64 and z[0] == np.complex64(complex(big, -big))
    np.testing.assert_array_equal(gt.saturate_cast(gt.constant([1 + 2j]), gt.float32).numpy(), [1.0])
    x = gt.constant([1.0, 2.0])
    assert gt.saturate_cast(x, gt.float32) is x  # nothing to clamp or cast


# -- argument errors of the differentiable ops of these modules ---------------------------------------
def test_reverse_sequence_errors():
    x = gt.zeros((3, 4))
    with pytest.raises(TypeError, match="reverse_sequence: seq_axis is required"):
        gt.reverse_sequence(x, [1, 2, 3])
    with pytest.raises(ValueError, match=r"reverse_sequence: seq_lengths\[1\] = 5 is out of range; every "
                                         r"length must be in \[0, 4\]"):
        gt.reverse_sequence(x, [1, 5, 3], seq_axis=1)
    with pytest.raises(ValueError, match=r"reverse_sequence: seq_lengths\[0\] = -1 is out of range"):
        gt.reverse_sequence(x, [-1, 0, 0], seq_axis=1)
    with pytest.raises(ValueError, match=r"reverse_sequence: seq_lengths has 2 entries but "
                                         r"input.shape\[batch_axis=0\] is 3"):
        gt.reverse_sequence(x, [1, 2], seq_axis=1)
    with pytest.raises(ValueError, match="reverse_sequence: seq_axis and batch_axis must differ, both are 0"):
        gt.reverse_sequence(x, [1, 2, 3, 4], seq_axis=0)
    with pytest.raises(ValueError, match=r"reverse_sequence: seq_axis=2 is out of range for an input of rank 2"):
        gt.reverse_sequence(x, [1, 2, 3], seq_axis=2)
    with pytest.raises(ValueError, match=r"reverse_sequence: batch_axis=-1 is out of range.*negative axes"):
        gt.reverse_sequence(x, [1, 2, 3, 4], seq_axis=0, batch_axis=-1)
    with pytest.raises(ValueError, match=r"reverse_sequence: seq_lengths must be 1-D, got shape \(3, 1\)"):
        gt.reverse_sequence(x, [[1], [2], [3]], seq_axis=1)
    with pytest.raises(TypeError, match="reverse_sequence: seq_lengths must be integers, got dtype float32"):
        gt.reverse_sequence(x, [1.0, 2.0, 3.0], seq_axis=1)


def test_reverse_sequence_tensorflow_example():
    x = gt.constant([[1, 2, 3, 4, 5, 0, 0, 0], [1, 2, 0, 0, 0, 0, 0, 0],
                     [1, 2, 3, 4, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7, 8]])
    got = gt.reverse_sequence(x, [7, 2, 3, 5], seq_axis=1, batch_axis=0)
    np.testing.assert_array_equal(got.numpy(), [[0, 0, 5, 4, 3, 2, 1, 0], [2, 1, 0, 0, 0, 0, 0, 0],
                                                [3, 2, 1, 4, 0, 0, 0, 0], [5, 4, 3, 2, 1, 6, 7, 8]])
    assert got.dtype == gt.int32


def test_realdiv_scalar_mul_and_scatter_sub_errors():
    with pytest.raises(TypeError, match="realdiv: x and y must be floating or complex, got dtype int32; for "
                                        "integers use gt.math.floordiv .* or gt.math.truncatediv"):
        gt.realdiv(gt.constant([1, 2]), gt.constant([2, 2]))
    with pytest.raises(TypeError, match="realdiv: .*got dtype int32"):
        gt.realdiv(1, 2)
    np.testing.assert_array_equal(gt.realdiv(gt.constant([1.0]), 2).numpy(), [0.5])  # a weak Python int
    with pytest.raises(ValueError, match=r"scalar_mul: scalar must be a 0-D value, got shape \(2,\); use "
                                         "gt.multiply"):
        gt.scalar_mul([1.0, 2.0], gt.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="scalar_mul: scalar has dtype float64 but x has dtype float32"):
        gt.scalar_mul(gt.constant(2.0, gt.float64), gt.constant([1.0]))
    with pytest.raises(TypeError, match="scalar_mul: scalar 2.5 cannot be converted to x's dtype int32"):
        gt.scalar_mul(2.5, gt.constant([1, 2]))
    np.testing.assert_array_equal(gt.scalar_mul(3, gt.constant([1, 2])).numpy(), [3, 6])
    with pytest.raises(ValueError, match=r"tensor_scatter_nd_sub: updates has shape \(3,\) but must have shape"):
        gt.tensor_scatter_nd_sub(gt.zeros((4,)), [[0], [1]], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="saturate_cast: dtype=bool, which has no numeric range"):
        gt.saturate_cast([1.0], gt.bool)
    with pytest.raises(TypeError, match="saturate_cast: value has dtype bool, which has no numeric range"):
        gt.saturate_cast([True], gt.int32)


def test_saturate_cast_sends_infinities_of_a_narrow_float_to_the_ends():
    # float16's range lies inside uint16's and int32's: only inf and -inf need clamping
    x = gt.constant([1.0, np.inf, -5.0, -np.inf], dtype=gt.float16)
    assert gt.saturate_cast(x, gt.uint16).numpy().tolist() == [1, 65504, 0, 0]
    assert gt.saturate_cast(x, gt.int32).numpy().tolist() == [1, 65504, -5, -65504]

"""TensorFlow's documented examples for dynamic_partition/dynamic_stitch, space_to_batch and
batch_to_space, the bitwise ops, bitcast, histogram_fixed_width_bins and the min/max scatters;
the functions without gradients (required_space_to_batch_paddings, compute_accidental_hits,
the bitwise ops, bitcast, histogram_fixed_width_bins); the seeding of the sampled losses; tie
handling in the gradients; and error messages. Values and derivatives of the differentiable
ops are checked by their rows in tests/ops/rows_partition.py."""

import numpy as np
import pytest

import gradtape as gt
from gradtape.ops.bits import bitcast


def _grads(f, *xs):
    xs = [gt.constant(x) for x in xs]
    with gt.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return tape.gradient(y, xs)


# -- dynamic_partition and dynamic_stitch ------------------------------------------------------------
def test_dynamic_partition_tensorflow_examples():
    out = gt.dynamic_partition(gt.constant([10, 20, 30, 40, 50]), [0, 0, 1, 1, 0], 2)
    assert [o.numpy().tolist() for o in out] == [[10, 20, 50], [30, 40]]
    out = gt.dynamic_partition(gt.constant([10, 20]), 1, 2)  # scalar partitions
    assert out[0].shape == (0, 2) and out[1].numpy().tolist() == [[10, 20]]


def test_dynamic_stitch_tensorflow_examples():
    merged = gt.dynamic_stitch([6, [4, 1], [[5, 2], [0, 3]]],
                               [[61, 62], [[41, 42], [11, 12]], [[[51, 52], [21, 22]], [[1, 2], [31, 32]]]])
    assert merged.numpy().tolist() == [[1, 2], [11, 12], [21, 22], [31, 32], [41, 42], [51, 52], [61, 62]]
    # Partition, transform one part, stitch back.
    x = gt.constant([0.1, -1., 5.2, 4.3, -1., 7.4])
    mask = gt.cast(gt.not_equal(x, -1.0), gt.int32)
    parts = gt.dynamic_partition(x, mask, 2)
    parts[1] = parts[1] + 1.0
    idx = gt.dynamic_partition(gt.range(6), mask, 2)
    np.testing.assert_allclose(gt.dynamic_stitch(idx, parts).numpy(), [1.1, -1., 6.2, 5.3, -1., 8.4], rtol=1e-6)


def test_dynamic_stitch_last_wins_and_every_value_gets_gradient():
    merged = gt.dynamic_stitch([[0, 1], [1]], [gt.constant([1.0, 2.0]), gt.constant([3.0])])
    assert merged.numpy().tolist() == [1.0, 3.0]
    ga, gb = _grads(lambda a, b: gt.dynamic_stitch([[0, 1], [1]], [a, b]) * [5.0, 7.0], [1.0, 2.0], [3.0])
    # TensorFlow's values: the gradient is a gather of the cotangent, so the overwritten a[1]
    # gets 7 as well
    assert ga.numpy().tolist() == [5.0, 7.0] and gb.numpy().tolist() == [7.0]


def test_dynamic_partition_stitch_errors():
    with pytest.raises(ValueError, match=r"dynamic_partition: partitions must be in \[0, num_partitions\)"):
        gt.dynamic_partition(gt.constant([1.0, 2.0]), [0, 2], 2)
    with pytest.raises(ValueError, match="dynamic_partition: partitions has shape .* prefix"):
        gt.dynamic_partition(gt.constant([1.0, 2.0]), [0, 1, 0], 2)
    with pytest.raises(TypeError, match="dynamic_partition: partitions must be integers"):
        gt.dynamic_partition(gt.constant([1.0, 2.0]), [0.0, 1.0], 2)
    with pytest.raises(ValueError, match="dynamic_partition: num_partitions must be an int >= 1"):
        gt.dynamic_partition(gt.constant([1.0]), [0], 0)
    with pytest.raises(ValueError, match="dynamic_stitch: data.1. has shape"):
        gt.dynamic_stitch([[0], [1, 2]], [[1.0], [2.0]])
    with pytest.raises(ValueError, match="dynamic_stitch: indices must be non-negative"):
        gt.dynamic_stitch([[0, -1]], [[1.0, 2.0]])
    with pytest.raises(TypeError, match="dynamic_stitch: indices and data must be lists"):
        gt.dynamic_stitch(gt.constant([0]), gt.constant([1.0]))


# -- space_to_batch and batch_to_space -----------------------------------------------------------------
def test_space_to_batch_tensorflow_examples():
    x = gt.constant([[[[1], [2]], [[3], [4]]]], gt.float32)
    y = gt.space_to_batch(x, [2, 2], [[0, 0], [0, 0]])
    assert y.shape == (4, 1, 1, 1) and y.numpy().ravel().tolist() == [1, 2, 3, 4]
    x3 = gt.reshape(gt.range(1.0, 13.0), (1, 2, 2, 3))
    assert gt.space_to_batch_nd(x3, [2, 2], [[0, 0], [0, 0]]).numpy().reshape(4, 3).tolist() == \
        [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
    x4 = gt.reshape(gt.range(1.0, 17.0), (2, 2, 4, 1))
    y4 = gt.space_to_batch_nd(x4, [2, 2], [[0, 0], [2, 0]])
    assert y4.shape == (8, 1, 3, 1)
    assert y4.numpy().reshape(8, 3).tolist() == [[0, 1, 3], [0, 9, 11], [0, 2, 4], [0, 10, 12],
                                                 [0, 5, 7], [0, 13, 15], [0, 6, 8], [0, 14, 16]]
    assert np.array_equal(gt.batch_to_space(y4, [2, 2], [[0, 0], [2, 0]]).numpy(), x4.numpy())
    assert np.array_equal(gt.batch_to_space(y, 2, [[0, 0], [0, 0]]).numpy(), x.numpy())


def test_space_to_batch_names_under_nn():
    # tf.nn.space_to_batch and tf.nn.batch_to_space are the top-level functions
    assert gt.nn.space_to_batch is gt.space_to_batch and gt.nn.batch_to_space is gt.batch_to_space
    x = gt.reshape(gt.range(4.0), (1, 2, 2, 1))
    y = gt.nn.space_to_batch(x, [2, 2], [[0, 0], [0, 0]])
    assert y.numpy().ravel().tolist() == [0.0, 1.0, 2.0, 3.0] and y.shape == (4, 1, 1, 1)
    assert gt.nn.batch_to_space(y, [2, 2], [[0, 0], [0, 0]]).numpy().tolist() == x.numpy().tolist()


def test_required_space_to_batch_paddings():
    p, c = gt.required_space_to_batch_paddings([5, 7], [2, 3], [[1, 0], [0, 0]])
    assert p.dtype == gt.int32 and c.dtype == gt.int32
    assert p.numpy().tolist() == [[1, 0], [0, 2]] and c.numpy().tolist() == [[0, 0], [0, 2]]
    p, c = gt.required_space_to_batch_paddings([4, 6], [2, 3])
    assert p.numpy().tolist() == [[0, 0], [0, 0]] and c.numpy().tolist() == [[0, 0], [0, 0]]
    x = gt.ones((1, 5, 7, 1))
    p, c = gt.required_space_to_batch_paddings(x.shape[1:3], [2, 3])
    y = gt.space_to_batch_nd(x, [2, 3], p)
    assert gt.batch_to_space(y, [2, 3], c).shape == x.shape


def test_space_batch_errors():
    x = gt.ones((1, 3, 3, 1))
    with pytest.raises(ValueError, match="space_to_batch_nd: padded spatial dimension 1 has size 3.*not divisible"):
        gt.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match=r"space_to_batch_nd: paddings must have shape \[M, 2\]"):
        gt.space_to_batch_nd(x, [3, 3], [0, 0])
    with pytest.raises(ValueError, match="batch_to_space: the batch dimension .* divisible"):
        gt.batch_to_space(x, [2, 2], [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match=r"batch_to_space: crops\[0\] = \[3, 3\] removes more"):
        gt.batch_to_space(gt.ones((4, 1, 1, 1)), 2, [[3, 3], [0, 0]])
    with pytest.raises(ValueError, match="required_space_to_batch_paddings: block_shape must be positive"):
        gt.required_space_to_batch_paddings([4], [0])


# -- sampled losses --------------------------------------------------------------------------------------
def test_candidate_samplers_under_nn():
    for name in ("uniform_candidate_sampler", "log_uniform_candidate_sampler", "fixed_unigram_candidate_sampler",
                 "learned_unigram_candidate_sampler", "all_candidate_sampler"):
        assert getattr(gt.nn, name) is getattr(gt.random, name)


def test_compute_accidental_hits():
    indices, ids, weights = gt.nn.compute_accidental_hits([[1, 3], [3, 9]], [3, 4, 1, 3], 2)
    assert indices.dtype == gt.int32 and ids.dtype == gt.int64 and weights.dtype == gt.float32
    # duplicates in sampled_candidates: the last position is reported, as TensorFlow's kernel
    assert indices.numpy().tolist() == [0, 0, 1] and ids.numpy().tolist() == [2, 3, 3]
    assert (weights.numpy() == -np.finfo(np.float32).max).all()
    with pytest.raises(ValueError, match=r"compute_accidental_hits: true_classes must have shape \[batch_size, num_true\]"):
        gt.nn.compute_accidental_hits([1, 3], [3], 1)


def _setup():
    rng = np.random.default_rng(0)
    return (gt.constant(rng.normal(size=(50, 3)), gt.float32), gt.constant(rng.normal(size=50), gt.float32),
            [[1], [7], [20]], gt.constant(rng.normal(size=(3, 3)), gt.float32))


def test_sampled_softmax_loss_seed():
    w, b, labels, x = _setup()
    a = gt.nn.sampled_softmax_loss(w, b, labels, x, 5, 50, seed=3).numpy()
    gt.random.set_seed(4)
    d = gt.nn.sampled_softmax_loss(w, b, labels, x, 5, 50, seed=3).numpy()
    gt.random.set_seed(4)
    e = gt.nn.sampled_softmax_loss(w, b, labels, x, 5, 50, seed=3).numpy()
    assert a.shape == (3,) and np.isfinite(a).all()
    assert np.array_equal(d, e)
    # the seeded op draws the same candidates as the sampler with that seed
    gt.random.set_seed(4)
    sv = gt.random.log_uniform_candidate_sampler(labels, 1, 5, True, 50, seed=3)
    f = gt.nn.sampled_softmax_loss(w, b, labels, x, 5, 50, sampled_values=sv).numpy()
    assert np.array_equal(d, f)


def test_nce_loss_global_seed_and_gradients():
    w, b, labels, x = _setup()
    gt.random.set_seed(7)
    a = gt.nn.nce_loss(w, b, labels, x, 5, 50).numpy()
    gt.random.set_seed(7)
    with gt.GradientTape() as tape:
        tape.watch([w, b, x])
        loss = gt.reduce_sum(gt.nn.nce_loss(w, b, labels, x, 5, 50))
    assert np.array_equal(loss.numpy(), a.sum())
    gw, gb, gx = tape.gradient(loss, [w, b, x])
    assert gw is not None and gb is not None and gx.shape == (3, 3)
    assert np.count_nonzero(gt.convert_to_tensor(gb).numpy()) <= 8  # only looked-up classes


def test_sampled_losses_take_log_of_float64_counts_in_float64():
    w = np.arange(12, dtype=np.float64).reshape(4, 3) / 10
    b = np.array([0.1, -0.2, 0.3, 0.0])
    x = np.array([[1.0, -1.0, 0.5], [0.2, 0.3, -0.4]])
    labels = [[0], [2]]
    sv = (np.array([1, 3]), np.array([[0.3], [0.7]]), np.array([0.45, 0.9]))  # float64 counts
    # TensorFlow's values for these inputs
    np.testing.assert_allclose(gt.nn.sampled_softmax_loss(w, b, labels, x, 2, 4, sampled_values=sv).numpy(),
                               [0.7162911965540407, 0.9200226943581169], rtol=1e-13)
    np.testing.assert_allclose(gt.nn.nce_loss(w, b, labels, x, 2, 4, sampled_values=sv).numpy(),
                               [2.384911760114091, 2.206497863551463], rtol=1e-13)


def test_sampled_loss_errors():
    w, b, labels, x = _setup()
    with pytest.raises(ValueError, match=r"nce_loss: labels must be in \[0, num_classes\)"):
        gt.nn.nce_loss(w, b, [[1], [70], [2]], x, 5, 50)
    with pytest.raises(ValueError, match="sampled_softmax_loss: labels has 2 rows but inputs has 3"):
        gt.nn.sampled_softmax_loss(w, b, [[1], [2]], x, 5, 50)
    with pytest.raises(ValueError, match="nce_loss: sampled_values must be the tuple"):
        gt.nn.nce_loss(w, b, labels, x, 5, 50, sampled_values=[1, 2])
    with pytest.raises(ValueError, match="nce_loss: sampled_values holds 2 sampled candidates but num_sampled is 5"):
        gt.nn.nce_loss(w, b, labels, x, 5, 50, sampled_values=([1, 2], [[1.0]] * 3, [1.0, 1.0]))
    with pytest.raises(TypeError, match="nce_loss: inputs must be a float tensor"):
        gt.nn.nce_loss(w, b, labels, [[1, 2, 3]] * 3, 5, 50)


def test_batch_norm_with_global_normalization_names():
    t = gt.constant([1.0, 3.0])
    a = gt.nn.batch_norm_with_global_normalization(t, 2.0, 1.0, 0.5, 2.0, 0.0, True)
    b = gt.nn.batch_norm_with_global_normalization(input=t, mean=2.0, variance=1.0, beta=0.5, gamma=2.0,
                                                   variance_epsilon=0.0, scale_after_normalization=True)
    assert a.numpy().tolist() == b.numpy().tolist() == [-1.5, 2.5]
    with pytest.raises(ValueError, match="batch_norm_with_global_normalization: give only one of input and t"):
        gt.nn.batch_norm_with_global_normalization(t, 2.0, 1.0, 0.5, 2.0, 0.0, True, input=t)


# -- morphology ------------------------------------------------------------------------------------------
def test_dilation_ties_share_the_gradient():
    x = np.array([3.0, 3.0, 1.0, 2.0], np.float32).reshape(1, 2, 2, 1)
    gx, gf = _grads(lambda x, f: gt.nn.dilation2d(x, f, [1, 1, 1, 1], "VALID"), x, np.zeros((2, 2, 1), np.float32))
    assert gx.numpy().ravel().tolist() == [0.5, 0.5, 0.0, 0.0]
    assert gf.numpy().ravel().tolist() == [0.5, 0.5, 0.0, 0.0]
    (gx,) = _grads(lambda x: gt.nn.erosion2d(x, gt.zeros((2, 2, 1)), [1, 1, 1, 1], "VALID"), x)
    assert gx.numpy().ravel().tolist() == [0.0, 0.0, 1.0, 0.0]


def test_morphology_errors():
    x, f = gt.ones((1, 3, 3, 1)), gt.zeros((2, 2, 1))
    with pytest.raises(ValueError, match="dilation2d: data_format must be 'NHWC'"):
        gt.nn.dilation2d(x, f, [1, 1, 1, 1], "SAME", "NCHW")
    with pytest.raises(ValueError, match=r"dilation2d: strides must be \[1, rows, cols, 1\]"):
        gt.nn.dilation2d(x, f, [2, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="erosion2d: padding must be 'SAME' or 'VALID'"):
        gt.nn.erosion2d(x, f, [1, 1, 1, 1], "FULL")
    with pytest.raises(ValueError, match=r"dilation2d: filters must have shape \[filter_height"):
        gt.nn.dilation2d(x, gt.zeros((2, 2, 3)), [1, 1, 1, 1], "SAME")


# -- bitwise and bitcast ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [gt.int8, gt.int16, gt.int32, gt.int64, gt.uint8, gt.uint16, gt.uint32,
                                   gt.uint64])
def test_bitwise_tensorflow_examples(dtype):
    lhs, rhs = gt.constant([0, 5, 3, 14], dtype), gt.constant([5, 0, 7, 11], dtype)
    assert gt.bitwise.bitwise_and(lhs, rhs).numpy().tolist() == [0, 0, 3, 10]
    assert gt.bitwise.bitwise_or(lhs, rhs).numpy().tolist() == [5, 5, 7, 15]
    assert gt.bitwise.bitwise_xor(lhs, rhs).numpy().tolist() == [5, 5, 4, 5]
    assert gt.bitwise.bitwise_and(lhs, rhs).dtype == dtype


def test_invert_and_shifts_tensorflow_examples():
    assert gt.bitwise.invert(gt.constant([0, 5, 3, 14])).numpy().tolist() == [-1, -6, -4, -15]
    assert gt.bitwise.invert(gt.constant([0, 5, 3, 14], gt.uint8)).numpy().tolist() == [255, 250, 252, 241]
    lhs, rhs = gt.constant([-1, -5, -3, -14], gt.int8), gt.constant([5, 0, 7, 11], gt.int8)
    assert gt.bitwise.left_shift(lhs, rhs).numpy().tolist() == [-32, -5, -128, 0]
    assert gt.bitwise.right_shift(lhs, rhs).numpy().tolist() == [-1, -5, -1, -1]
    # out-of-range shifts are clamped to [0, bits - 1]; a Python int takes the tensor's dtype
    assert gt.bitwise.left_shift(gt.constant([1, 1], gt.int64), [-2, 100]).numpy().tolist() == [1, -2 ** 63]
    assert gt.bitwise.right_shift(gt.constant([100, 100], gt.int8), [-1, 8]).numpy().tolist() == [100, 0]
    assert gt.bitwise.right_shift(gt.constant([200], gt.uint8), [8]).numpy().tolist() == [1]
    assert gt.bitwise.right_shift(5, gt.constant([1], gt.int16)).dtype == gt.int16


def test_bitwise_errors_and_no_gradient():
    with pytest.raises(TypeError, match="bitwise_and: x must be an integer tensor"):
        gt.bitwise.bitwise_and(gt.constant([1.0]), gt.constant([1.0]))
    with pytest.raises(TypeError, match="left_shift: x and y must have the same dtype, got int8 and int32"):
        gt.bitwise.left_shift(gt.constant([1], gt.int8), gt.constant([1]))
    with pytest.raises(ValueError, match="bitwise_or: y=300 does not fit in int8"):
        gt.bitwise.bitwise_or(gt.constant([1], gt.int8), 300)
    assert "bitcast" not in gt.bitwise.__dict__ or gt.bitwise.bitcast is bitcast
    from gradtape.ops import bits
    assert "bitcast" not in bits.__all__


def test_bitcast_tensorflow_examples():
    assert bitcast(gt.constant(0xffffffff, dtype=gt.uint32), gt.uint8).numpy().tolist() == [255] * 4
    y = bitcast(gt.constant([[1.0, 2.0]], gt.float32), gt.int16)
    assert y.shape == (1, 2, 2) and y.dtype == gt.int16
    assert np.array_equal(bitcast(y, gt.float32).numpy(), [[1.0, 2.0]])
    assert bitcast(gt.constant([1.5]), gt.int32).numpy().tolist() == [np.float32(1.5).view(np.int32)]
    with pytest.raises(ValueError, match=r"bitcast: cannot bitcast float32 \(shape \(3,\)\) to complex128"):
        bitcast(gt.constant([1.0, 2.0, 3.0]), gt.complex128)
    with pytest.raises(TypeError, match="bitcast: input has dtype bool"):
        bitcast(gt.constant([True]), gt.uint8)


# -- histogram_fixed_width_bins ----------------------------------------------------------------------------
def test_histogram_fixed_width_bins():
    v = [-1.0, 0.0, 1.5, 2.0, 5.0, 15.0]
    assert gt.histogram_fixed_width_bins(v, [0.0, 5.0], nbins=5).numpy().tolist() == [0, 0, 1, 2, 4, 4]
    rng = np.random.default_rng(3)
    vals = rng.uniform(-3, 13, (4, 25)).astype(np.float32)
    bins = gt.histogram_fixed_width_bins(vals, [0.0, 10.0], nbins=7, dtype=gt.int64)
    assert bins.shape == (4, 25) and bins.dtype == gt.int32  # dtype is ignored, as in TensorFlow
    want = np.clip(np.floor(np.float32(7) * ((vals - np.float32(0)) / np.float32(10))), 0, 6).astype(np.int32)
    assert np.array_equal(bins.numpy(), want)
    counts = np.bincount(bins.numpy().ravel(), minlength=7)
    assert np.array_equal(counts, gt.histogram_fixed_width(vals, [0.0, 10.0], nbins=7).numpy())
    assert gt.histogram_fixed_width_bins([0, 3, 9, 10, 12], [0, 10], nbins=5).numpy().tolist() == [0, 1, 4, 4, 4]
    x = gt.constant([0.5, 2.5])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.cast(gt.histogram_fixed_width_bins(x, [0.0, 5.0], nbins=5), gt.float32) * x
    assert tape.gradient(y, x).numpy().tolist() == [0.0, 2.0]
    with pytest.raises(ValueError, match=r"histogram_fixed_width_bins: value_range must satisfy"):
        gt.histogram_fixed_width_bins([1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="histogram_fixed_width_bins: values contain NaN"):
        gt.histogram_fixed_width_bins([np.nan], [0.0, 1.0])


# -- tensor_scatter_nd_max / min ---------------------------------------------------------------------------
def test_tensor_scatter_nd_max_min_tensorflow_examples():
    t = gt.constant([0, 0, 0, 0, 0, 0, 0, 0])
    assert gt.tensor_scatter_nd_max(t, [[4], [3], [1], [7]], [9, 10, 11, 12]).numpy().tolist() == \
        [0, 11, 0, 10, 9, 0, 0, 12]
    assert gt.tensor_scatter_nd_min(t, [[4], [3], [1], [7]], [-9, -10, -11, -12]).numpy().tolist() == \
        [0, -11, 0, -10, -9, 0, 0, -12]
    t2 = gt.constant([[1, 1], [1, 1]])
    assert gt.tensor_scatter_nd_max(t2, [[0], [0]], [[5, -3], [2, 4]]).numpy().tolist() == [[5, 4], [1, 1]]


def test_tensor_scatter_nd_max_gradient_ties_as_tensorflow():
    # position 0: tensor 2 and both updates 2 tie (a third each); position 1: tensor wins;
    # position 2: the update wins.
    gt_, gu = _grads(lambda t, u: gt.tensor_scatter_nd_max(t, [[0], [0], [2], [1]], u),
                     [2.0, 5.0, 0.0], [2.0, 2.0, 1.0, 4.0])
    np.testing.assert_allclose(gt_.numpy(), [1 / 3, 1.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(gu.numpy(), [1 / 3, 1 / 3, 1.0, 0.0], rtol=1e-6)
    gt_, gu = _grads(lambda t, u: gt.tensor_scatter_nd_min(t, [[1]], u), [1.0, 3.0], [3.0])
    assert gt_.numpy().tolist() == [1.0, 0.5] and gu.numpy().tolist() == [0.5]


def test_tensor_scatter_nd_max_errors():
    with pytest.raises(ValueError, match="tensor_scatter_nd_max: updates has shape"):
        gt.tensor_scatter_nd_max(gt.zeros((3,)), [[0], [1]], [1.0])
    with pytest.raises(IndexError, match="tensor_scatter_nd_min: indices"):
        gt.tensor_scatter_nd_min(gt.zeros((3,)), [[3]], [1.0])
    with pytest.raises(TypeError, match="tensor_scatter_nd_max: tensor must be a real"):
        gt.tensor_scatter_nd_max(gt.constant([1j]), [[0]], gt.constant([1j]))

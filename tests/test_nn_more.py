"""TensorFlow semantics of the newer gt.nn functions beyond the op table: defaults, dtypes,
layouts, aliases, stability, and the wording of errors."""

import numpy as np
import pytest

import gradtape as gt


def grad(f, *xs):
    xs = [gt.constant(x) for x in xs]
    with gt.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return y, tape.gradient(y, xs)


NEW = ["weighted_cross_entropy_with_logits", "log_poisson_loss", "compute_average_loss",
       "scale_regularization_loss", "sufficient_statistics", "normalize_moments", "weighted_moments",
       "depth_to_space", "space_to_depth", "convolution", "separable_conv2d", "pool",
       "local_response_normalization", "lrn", "crelu"]


@pytest.mark.parametrize("name", NEW)
def test_in_gt_nn(name):
    assert callable(getattr(gt.nn, name))


# -- losses ------------------------------------------------------------------------------------
def test_weighted_cross_entropy_is_stable_and_smooth_at_zero():
    x = np.array([-1000.0, 0.0, 1000.0])
    z = np.array([1.0, 0.5, 0.0])
    loss, (dx,) = grad(lambda x: gt.nn.weighted_cross_entropy_with_logits(z, x, 3.0), x)
    np.testing.assert_allclose(loss.numpy(), [3000.0, 2 * np.log(2), 1000.0])
    # d/dx = (1 - z) - l * sigmoid(-x), l = 1 + (q - 1) z: at 0 that is 0.5 - 2 * 0.5
    np.testing.assert_allclose(dx.numpy(), [-3.0, -0.5, 1.0])


def test_weighted_cross_entropy_pos_weight_one_is_sigmoid_cross_entropy():
    z, x = gt.constant([0.0, 0.3, 1.0]), gt.constant([-2.0, 0.5, 3.0])
    np.testing.assert_allclose(gt.nn.weighted_cross_entropy_with_logits(z, x, 1.0).numpy(),
                               gt.nn.sigmoid_cross_entropy_with_logits(z, x).numpy(), rtol=1e-6)


def test_weighted_cross_entropy_shape_error():
    with pytest.raises(ValueError, match="weighted_cross_entropy_with_logits: labels shape"):
        gt.nn.weighted_cross_entropy_with_logits([1.0, 0.0], [[0.0, 1.0]], 2.0)


def test_log_poisson_loss_full_term_only_outside_unit_interval():
    z = np.array([0.0, 0.5, 1.0, 2.0])
    c = np.zeros(4)
    base = gt.nn.log_poisson_loss(z, c).numpy()
    full = gt.nn.log_poisson_loss(z, c, compute_full_loss=True).numpy()
    np.testing.assert_allclose((full - base)[:3], 0.0)
    np.testing.assert_allclose(full[3] - base[3], 2 * np.log(2) - 2 + 0.5 * np.log(4 * np.pi))


def test_log_poisson_loss_targets_gradient_finite_at_zero():
    _, (dz, dc) = grad(lambda z, c: gt.nn.log_poisson_loss(z, c, compute_full_loss=True),
                       np.array([0.0, 3.0]), np.array([0.5, 0.5]))
    assert np.isfinite(dz.numpy()).all()
    np.testing.assert_allclose(dz.numpy(), [-0.5, -0.5 + np.log(3) + 0.5 / 3])


def test_log_poisson_loss_shape_error():
    with pytest.raises(ValueError, match="log_poisson_loss: targets shape"):
        gt.nn.log_poisson_loss([1.0, 2.0, 3.0], [0.0, 0.0])


def test_compute_average_loss_defaults_to_first_dimension():
    loss = gt.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert float(gt.nn.compute_average_loss(loss)) == pytest.approx(21.0 / 3)
    assert float(gt.nn.compute_average_loss(loss, global_batch_size=7)) == pytest.approx(3.0)
    assert float(gt.nn.compute_average_loss(loss, global_batch_size=np.int64(7))) == pytest.approx(3.0)


def test_compute_average_loss_zero_batch_is_zero():
    assert float(gt.nn.compute_average_loss(gt.constant([1.0, 2.0]), global_batch_size=0)) == 0.0
    assert float(gt.nn.compute_average_loss(gt.zeros((0,)))) == 0.0


def test_compute_average_loss_weights_adjusted_as_tensorflow():
    loss = gt.constant([[1.0, 2.0], [3.0, 4.0]])
    # rank one less: a trailing dimension is added, so each row has its own weight
    out = gt.nn.compute_average_loss(loss, sample_weight=[1.0, 0.0])
    assert float(out) == pytest.approx(1.5)
    # rank one more with a trailing 1: squeezed
    out = gt.nn.compute_average_loss(loss, sample_weight=[[[1.0], [0.0]], [[0.0], [1.0]]])
    assert float(out) == pytest.approx(2.5)
    assert float(gt.nn.compute_average_loss(loss, sample_weight=2.0)) == pytest.approx(10.0)


def test_compute_average_loss_keeps_dtype():
    for dtype in (np.float16, np.float32, np.float64):
        out = gt.nn.compute_average_loss(gt.constant([1.0, 2.0], dtype), sample_weight=[1.0, 3.0])
        assert out.dtype == dtype and float(out) == pytest.approx(3.5)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(per_example_loss=3.0), ValueError, "per_example_loss must have rank >= 1"),
    (dict(per_example_loss=[1.0], global_batch_size=2.0), TypeError, "global_batch_size must be an integer"),
    (dict(per_example_loss=[1.0], global_batch_size=[2]), ValueError, "global_batch_size must be scalar"),
    (dict(per_example_loss=[1.0], global_batch_size=-1), ValueError, "must be non-negative"),
    (dict(per_example_loss=[1.0, 2.0], sample_weight=[[1.0, 2.0], [3.0, 4.0]]), ValueError,
     "its last dimension must be 1"),
    (dict(per_example_loss=[1.0, 2.0], sample_weight=[1.0, 2.0, 3.0]), ValueError, "does not broadcast"),
])
def test_compute_average_loss_errors(kwargs, exc, match):
    with pytest.raises(exc, match="compute_average_loss: .*" + match):
        gt.nn.compute_average_loss(**kwargs)


def test_scale_regularization_loss_sums():
    assert float(gt.nn.scale_regularization_loss(gt.constant([[1.0, 2.0], [3.0, 4.0]]))) == 10.0
    assert float(gt.nn.scale_regularization_loss(gt.constant(2.5))) == 2.5


# -- statistics --------------------------------------------------------------------------------
def test_sufficient_statistics_returns_count_and_shift_as_tensorflow():
    x = gt.constant([[1.0, 2.0], [3.0, 5.0]], gt.float64)
    count, m_ss, v_ss, shift = gt.nn.sufficient_statistics(x, [0, 1], shift=1.0, keepdims=True)
    assert count.dtype == np.float64 and float(count) == 4.0
    assert isinstance(shift, gt.Tensor) and float(shift) == 1.0
    np.testing.assert_allclose(m_ss.numpy(), [[7.0]])
    np.testing.assert_allclose(v_ss.numpy(), [[0.0 + 1 + 4 + 16]])
    assert gt.nn.sufficient_statistics(x, [1])[3] is None


def test_moments_from_sufficient_statistics_match_moments():
    x = np.random.default_rng(0).normal(3.0, 2.0, (5, 4))
    mean, var = gt.nn.normalize_moments(*gt.nn.sufficient_statistics(x, [0], shift=3.0))
    ref_mean, ref_var = gt.nn.moments(gt.constant(x), axes=[0])
    np.testing.assert_allclose(mean.numpy(), ref_mean.numpy())
    np.testing.assert_allclose(var.numpy(), ref_var.numpy())


def test_sufficient_statistics_needs_axes():
    with pytest.raises(ValueError, match="sufficient_statistics: axes must be a list of ints"):
        gt.nn.sufficient_statistics([1.0, 2.0], None)
    with pytest.raises(ValueError, match="sufficient_statistics: axes=2 is out of range"):
        gt.nn.sufficient_statistics([1.0, 2.0], [2])


def test_weighted_moments_equal_weights_are_moments_and_float16_kept():
    x = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float16)
    mean, var = gt.nn.weighted_moments(x, [1], 2.0)
    assert mean.dtype == np.float16 and var.dtype == np.float16
    np.testing.assert_allclose(mean.numpy(), x.astype(np.float64).mean(1), rtol=2e-3, atol=1e-3)
    np.testing.assert_allclose(var.numpy(), x.astype(np.float64).var(1), rtol=2e-3, atol=1e-3)


def test_weighted_moments_bad_weights():
    with pytest.raises(ValueError, match="weighted_moments: frequency_weights of shape"):
        gt.nn.weighted_moments(gt.ones((2, 3)), [0], gt.ones((4,)))


# -- depth_to_space / space_to_depth -----------------------------------------------------------
def test_depth_to_space_nchw_is_transposed_nhwc():
    x = np.arange(2 * 2 * 3 * 12, dtype=np.float32).reshape(2, 2, 3, 12)
    nhwc = gt.nn.depth_to_space(x, 2).numpy()
    nchw = gt.nn.depth_to_space(x.transpose(0, 3, 1, 2), 2, data_format="NCHW").numpy()
    np.testing.assert_array_equal(nchw.transpose(0, 2, 3, 1), nhwc)
    back = gt.nn.space_to_depth(nchw, 2, data_format="NCHW").numpy()
    np.testing.assert_array_equal(back, x.transpose(0, 3, 1, 2))


def test_depth_to_space_tensorflow_example():
    # tf.nn.depth_to_space's documented example: [1, 1, 1, 4] -> [1, 2, 2, 1]
    x = gt.constant([[[[1, 2, 3, 4]]]])
    y = gt.nn.depth_to_space(x, 2)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y.numpy(), [[[[1], [2]], [[3], [4]]]])
    np.testing.assert_array_equal(gt.nn.space_to_depth(y, 2).numpy(), x.numpy())


@pytest.mark.parametrize("call, match", [
    (lambda: gt.nn.depth_to_space(gt.ones((1, 2, 2, 4)), 1), "depth_to_space: block_size must be an int of at least 2"),
    (lambda: gt.nn.depth_to_space(gt.ones((1, 2, 2, 6)), 2), "depth_to_space: the depth \\(6\\) must be divisible"),
    (lambda: gt.nn.depth_to_space(gt.ones((2, 2, 4)), 2), "depth_to_space: input must have rank 4"),
    (lambda: gt.nn.depth_to_space(gt.ones((1, 2, 2, 4)), 2, "NCHW_VECT_C"), "'NCHW_VECT_C' .* not supported"),
    (lambda: gt.nn.space_to_depth(gt.ones((1, 3, 4, 1)), 2), "space_to_depth: height \\(3\\) and width"),
    (lambda: gt.nn.space_to_depth(gt.ones((1, 4, 4, 1)), 2, "NWHC"), "data_format must be 'NHWC' or 'NCHW'"),
])
def test_space_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- convolution, separable_conv2d, pool -------------------------------------------------------
def test_convolution_dispatches_by_filter_rank():
    rng = np.random.default_rng(2)
    x1, w1 = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(gt.nn.convolution(x1, w1).numpy(), gt.nn.conv1d(x1, w1, 1, "VALID").numpy())
    x2, w2 = rng.normal(size=(2, 5, 5, 3)), rng.normal(size=(3, 2, 3, 4))
    np.testing.assert_allclose(gt.nn.convolution(x2, w2, padding="SAME", dilations=[1, 2]).numpy(),
                               gt.nn.conv2d(x2, w2, 1, "SAME", dilations=[1, 2]).numpy())


def test_convolution_errors():
    with pytest.raises(ValueError, match="convolution: filters must have rank 3 .* or 5"):
        gt.nn.convolution(gt.ones((1, 4, 4, 4, 4, 1)), gt.ones((2, 2, 2, 2, 1, 1)))
    with pytest.raises(ValueError, match="convolution: filters must have rank 3 .* or 5"):
        gt.nn.convolution(gt.ones((1, 4, 1)), gt.ones((2, 1)))
    with pytest.raises(ValueError, match="convolution: strides > 1 are not supported together with dilations"):
        gt.nn.convolution(gt.ones((1, 6, 6, 1)), gt.ones((2, 2, 1, 1)), strides=2, dilations=2)
    with pytest.raises(ValueError, match="convolution: input has 2 channels but filters expect 1"):
        gt.nn.convolution(gt.ones((1, 6, 6, 2)), gt.ones((2, 2, 1, 1)))


def test_separable_conv2d_is_depthwise_then_pointwise():
    rng = np.random.default_rng(3)
    x, dw, pw = rng.normal(size=(1, 5, 5, 2)), rng.normal(size=(3, 3, 2, 2)), rng.normal(size=(1, 1, 4, 3))
    want = gt.nn.conv2d(gt.nn.depthwise_conv2d(x, dw, [1, 2, 2, 1], "SAME"), pw, 1, "VALID")
    got = gt.nn.separable_conv2d(x, dw, pw, [1, 2, 2, 1], "SAME")
    np.testing.assert_allclose(got.numpy(), want.numpy())


def test_separable_conv2d_errors():
    with pytest.raises(ValueError, match="separable_conv2d: pointwise_filter must have shape \\[1, 1"):
        gt.nn.separable_conv2d(gt.ones((1, 4, 4, 2)), gt.ones((2, 2, 2, 1)), gt.ones((2, 1, 2, 3)), 1, "SAME")
    with pytest.raises(ValueError, match="separable_conv2d: pointwise_filter takes 3 channels"):
        gt.nn.separable_conv2d(gt.ones((1, 4, 4, 2)), gt.ones((2, 2, 2, 1)), gt.ones((1, 1, 3, 3)), 1, "SAME")


def test_pool_matches_max_pool_and_avg_pool():
    x = np.random.default_rng(4).normal(size=(2, 6, 5, 3))
    np.testing.assert_allclose(gt.nn.pool(x, [3, 2], "MAX", [2, 1], "SAME").numpy(),
                               gt.nn.max_pool2d(x, [3, 2], [2, 1], "SAME").numpy())
    np.testing.assert_allclose(gt.nn.pool(x[:, 0], [3], "AVG", [3], "SAME").numpy(),
                               gt.nn.avg_pool1d(x[:, 0], 3, 3, "SAME").numpy())


def test_pool_dilated_gradient_goes_to_the_maxima():
    x = np.array([[[0.0], [5.0], [1.0], [2.0], [3.0]]])
    y, (dx,) = grad(lambda x: gt.reduce_sum(gt.nn.pool(x, [2], "MAX", dilations=[2])), x)
    np.testing.assert_array_equal(y.numpy(), 1.0 + 5.0 + 3.0)  # max(0, 1), max(5, 2), max(1, 3)
    np.testing.assert_array_equal(dx.numpy().ravel(), [0.0, 1.0, 1.0, 0.0, 1.0])


@pytest.mark.parametrize("kwargs, match", [
    (dict(window_shape=[2, 2, 2, 2], input=gt.ones((1, 4, 4, 4, 4, 1))), "window_shape must have 1, 2 or 3"),
    (dict(pooling_type="max"), "pooling_type must be 'MAX' or 'AVG'"),
    (dict(dilations=[2, 2], padding="SAME"), "'SAME' padding is not supported with dilations"),
    (dict(strides=[3, 3]), "strides \\[3, 3\\] must not exceed window_shape"),
    (dict(strides=[2]), "strides must have one entry per spatial dimension"),
    (dict(strides=[2, 2], dilations=[2, 1]), "strides > 1 are not supported together with dilations"),
    (dict(input=gt.ones((4, 4, 1))), "input must have rank 4"),
    (dict(padding=[[0, 0], [1, 1], [1, 1], [0, 0]]), "padding must be 'SAME' or 'VALID'"),
    (dict(dilations=[5, 5]), "dilated window .* larger than the input"),
])
def test_pool_errors(kwargs, match):
    args = dict(input=gt.ones((1, 5, 5, 1)), window_shape=[2, 2], pooling_type="MAX")
    args.update(kwargs)
    with pytest.raises(ValueError, match="pool: .*" + match):
        gt.nn.pool(**args)


# -- local_response_normalization, crelu -------------------------------------------------------
def test_lrn_is_an_alias():
    assert gt.nn.lrn is gt.nn.local_response_normalization


def test_lrn_wide_radius_sums_every_channel():
    x = np.random.default_rng(5).normal(size=(1, 2, 2, 3)).astype(np.float32)
    y = gt.nn.local_response_normalization(x, depth_radius=100, bias=0.5, alpha=0.1, beta=0.75)
    want = x / (0.5 + 0.1 * (x * x).sum(-1, keepdims=True)) ** 0.75
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-6)


def test_lrn_errors():
    with pytest.raises(ValueError, match="local_response_normalization: input must have rank 4"):
        gt.nn.local_response_normalization(gt.ones((2, 3)))
    with pytest.raises(ValueError, match="local_response_normalization: depth_radius must be a non-negative int"):
        gt.nn.lrn(gt.ones((1, 1, 1, 3)), depth_radius=-1)
    with pytest.raises(TypeError, match="local_response_normalization: input must be a floating point"):
        gt.nn.lrn(gt.ones((1, 1, 1, 3), gt.int32))


def test_crelu_doubles_the_axis_and_has_zero_gradient_at_zero():
    y, (dx,) = grad(lambda x: gt.reduce_sum(gt.nn.crelu(x, axis=0)), np.array([[0.0, -1.0], [2.0, 0.0]]))
    np.testing.assert_array_equal(dx.numpy(), [[0.0, -1.0], [1.0, 0.0]])
    assert gt.nn.crelu(gt.ones((2, 3))).shape == (2, 6)


def test_convolution_and_pool_dispatch_to_3d():
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(1, 4, 5, 5, 2)), rng.normal(size=(2, 2, 3, 2, 3))
    np.testing.assert_allclose(gt.nn.convolution(x, w, padding="SAME").numpy(),
                               gt.nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME").numpy())
    np.testing.assert_allclose(gt.nn.pool(x, [2, 2, 2], "MAX", strides=[2, 2, 2]).numpy(),
                               gt.nn.max_pool3d(x, [2, 2, 2], [2, 2, 2], "VALID").numpy())
    np.testing.assert_allclose(gt.nn.pool(x, [2, 1, 2], "AVG", padding="SAME").numpy(),
                               gt.nn.avg_pool3d(x, [2, 1, 2], [1, 1, 1], "SAME").numpy())
    with pytest.raises(ValueError, match="dilated 3-D pooling is not provided"):
        gt.nn.pool(x, [2, 2, 2], "MAX", dilations=[2, 1, 1])

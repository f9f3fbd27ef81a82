"""Behaviour of gt.nn beyond the op table: stability, kinks, dropout, normalization, layouts,
output shapes and ties, checked against TensorFlow's documented (and observed) results."""

import math

import numpy as np
import pytest

import gradtape as gt


def grad(f, *xs):
    xs = [gt.constant(x) for x in xs]
    with gt.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return y, tape.gradient(y, xs)


# -- stability ---------------------------------------------------------------------------------
BIG = [-1000.0, -30.0, 0.0, 30.0, 1000.0]
STABLE = {
    "softmax": lambda x: gt.nn.softmax(x),
    "log_softmax": lambda x: gt.nn.log_softmax(x),
    "softplus": lambda x: gt.nn.softplus(x),
    "log_sigmoid": lambda x: gt.math.log_sigmoid(x),
    "sigmoid": lambda x: gt.nn.sigmoid(x),
    "elu": gt.nn.elu, "selu": gt.nn.selu, "gelu": gt.nn.gelu, "silu": gt.nn.silu,
    "gelu_tanh": lambda x: gt.nn.gelu(x, approximate=True),
    "sigmoid_xent": lambda x: gt.nn.sigmoid_cross_entropy_with_logits(
        labels=gt.constant([0.0, 1.0, 0.3, 1.0, 0.0], x.dtype), logits=x),
    "softmax_xent": lambda x: gt.nn.softmax_cross_entropy_with_logits(
        labels=gt.constant([0.1, 0.2, 0.3, 0.2, 0.2], x.dtype), logits=x),
    "sparse_xent": lambda x: gt.nn.sparse_softmax_cross_entropy_with_logits(
        labels=np.array([0]), logits=gt.reshape(x, (1, 5))),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(STABLE))
def test_values_and_gradients_finite_at_plus_minus_1000(name, dtype):
    y, (g,) = grad(lambda x: gt.reduce_sum(STABLE[name](x)), np.array(BIG, dtype))
    assert np.isfinite(y.numpy()).all()
    assert np.isfinite(g.numpy()).all()


def test_cross_entropies_at_1000_match_tensorflow():
    z, x = np.array([[0.2, 0.8]], np.float32), np.array([[1000.0, -1000.0]], np.float32)
    zt, xt = gt.constant(z), gt.constant(x)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([zt, xt])
        y = gt.nn.softmax_cross_entropy_with_logits(zt, xt)
    np.testing.assert_allclose(y.numpy(), [1600.0])
    np.testing.assert_allclose(tape.gradient(y, zt).numpy(), [[0.0, 2000.0]])
    np.testing.assert_allclose(tape.gradient(y, xt).numpy(), [[0.8, -0.8]])
    x = np.array([-1000.0, 0.0, 1000.0], np.float32)
    y, (gz, gx) = grad(lambda z, x: gt.nn.sigmoid_cross_entropy_with_logits(z, x),
                       np.full(3, 0.3, np.float32), x)
    np.testing.assert_allclose(y.numpy(), [300.0, math.log(2), 700.0], rtol=1e-6)
    np.testing.assert_allclose(gx.numpy(), [-0.3, 0.2, 0.7], rtol=1e-6)  # sigmoid(x) - z, at 0 too
    np.testing.assert_allclose(gz.numpy(), -x)


def test_softmax_cross_entropy_gradient_with_unnormalized_labels_is_exact():
    # TensorFlow's fused kernel returns softmax - labels; the derivative is softmax * sum - labels.
    z, x = np.array([[1.0, 1.0]]), np.array([[0.0, 1.0]])
    _, (gz, gx) = grad(gt.nn.softmax_cross_entropy_with_logits, z, x)
    e = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(gx.numpy(), 2 * e - z)
    np.testing.assert_allclose(gz.numpy(), -np.log(e))


# -- kinks -------------------------------------------------------------------------------------
@pytest.mark.parametrize("f, x, want", [
    (gt.nn.relu, [-1.0, 0.0, 2.0], [0.0, 0.0, 1.0]),
    (gt.nn.relu6, [-1.0, 0.0, 3.0, 6.0, 7.0], [0.0, 0.0, 1.0, 0.0, 0.0]),
    (gt.nn.leaky_relu, [-1.0, 0.0, 2.0], [0.2, 0.2, 1.0]),
    (lambda x: gt.nn.leaky_relu(x, alpha=0.1), [0.0], [0.1]),
    (gt.nn.elu, [-1.0, 0.0, 6.0], [math.exp(-1), 1.0, 1.0]),
    (gt.nn.selu, [0.0, 1.0], [1.0507009873554805, 1.0507009873554805]),
    (gt.nn.gelu, [0.0], [0.5]),
    (gt.nn.silu, [0.0], [0.5]),
])
def test_subgradients_at_kinks_follow_tensorflow(f, x, want):
    _, (g,) = grad(f, np.array(x, np.float32))
    np.testing.assert_allclose(g.numpy(), want, rtol=1e-6)


def test_activation_values_match_tensorflow():
    x = gt.constant([-1.0, 0.0, 6.0, 7.0])
    np.testing.assert_allclose(gt.nn.selu(x).numpy(), [-1.1113307, 0.0, 6.304206, 7.354907], rtol=1e-6)
    np.testing.assert_allclose(gt.nn.gelu(x).numpy(), [-0.15865526, 0.0, 6.0, 7.0], rtol=1e-6)
    np.testing.assert_allclose(gt.nn.silu(x).numpy(), [-0.26894143, 0.0, 5.985164, 6.993623], rtol=1e-6)
    np.testing.assert_allclose(gt.nn.swish(x).numpy(), gt.nn.silu(x).numpy())
    _, (g,) = grad(gt.nn.gelu, np.array([-1.0], np.float32))
    np.testing.assert_allclose(g.numpy(), [-0.08331549], rtol=1e-5)


def test_integer_features():
    assert gt.nn.relu6(gt.constant([1, 7])).numpy().tolist() == [1, 6]  # kept integer, as TF
    y = gt.nn.leaky_relu(gt.constant([-1, 2]))  # cast to float32, as TF
    assert y.dtype == gt.float32 and y.numpy().tolist() == pytest.approx([-0.2, 2.0])


# -- dropout -----------------------------------------------------------------------------------
def test_dropout_scales_kept_values_and_drops_about_rate():
    gt.random.set_seed(0)
    x = gt.ones((200, 100), gt.float64)
    y = gt.nn.dropout(x, rate=0.3, seed=1).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.7)
    assert abs(kept.mean() - 0.7) < 0.02
    _, (g,) = grad(lambda v: gt.nn.dropout(v, 0.3, seed=1), np.ones((3, 4)))
    assert set(np.unique(g.numpy())) <= {0.0, 1 / 0.7}


def test_dropout_rate_zero_is_identity_and_bad_rates_raise():
    x = gt.constant([1.0, 2.0])
    assert gt.nn.dropout(x, rate=0.0) is x
    for bad in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match="rate"):
            gt.nn.dropout(x, rate=bad)
    with pytest.raises(ValueError, match="floating"):
        gt.nn.dropout(gt.constant([1, 2]), rate=0.5)


def test_dropout_noise_shape_shares_decisions_and_is_reproducible():
    gt.random.set_seed(3)
    x = gt.ones((4, 50))
    y = gt.nn.dropout(x, 0.5, noise_shape=[4, 1], seed=2).numpy()
    for row in y:
        assert len(set(row.tolist())) == 1  # the whole row kept or dropped
    y2 = gt.nn.dropout(x, 0.5, noise_shape=[None, 1], seed=2).numpy()
    assert y2.shape == (4, 50)
    gt.random.set_seed(3)
    np.testing.assert_array_equal(gt.nn.dropout(x, 0.5, noise_shape=[4, 1], seed=2).numpy(), y)
    with pytest.raises(ValueError, match="noise_shape"):
        gt.nn.dropout(x, 0.5, noise_shape=[3, 1])


# -- moments, batch_normalization, l2 ---------------------------------------------------------
def test_moments_match_numpy_and_keepdims():
    x = np.random.default_rng(0).standard_normal((4, 3, 2))
    mean, var = gt.nn.moments(gt.constant(x), axes=[0, 2])
    np.testing.assert_allclose(mean.numpy(), x.mean(axis=(0, 2)))
    np.testing.assert_allclose(var.numpy(), x.var(axis=(0, 2)))
    mean, var = gt.nn.moments(gt.constant(x), axes=[1], keepdims=True)
    assert mean.shape == var.shape == (4, 1, 2)
    m16, v16 = gt.nn.moments(gt.constant(x.astype(np.float16)), axes=[0])
    assert m16.dtype == v16.dtype == gt.float16


def test_batch_normalization_with_moments_standardizes():
    x = gt.constant(np.random.default_rng(1).standard_normal((64, 3)) * 3 + 2)
    mean, var = gt.nn.moments(x, axes=[0])
    y = gt.nn.batch_normalization(x, mean, var, offset=gt.constant([0.0, 1.0, 2.0], gt.float64),
                                  scale=gt.constant([1.0, 2.0, 3.0], gt.float64), variance_epsilon=0.0)
    np.testing.assert_allclose(y.numpy().mean(axis=0), [0.0, 1.0, 2.0], atol=1e-12)
    np.testing.assert_allclose(y.numpy().std(axis=0), [1.0, 2.0, 3.0])


def test_l2_loss_and_l2_normalize_match_tensorflow():
    assert float(gt.nn.l2_loss(gt.constant([[1.0, 2.0], [3.0, 4.0]]))) == 15.0
    np.testing.assert_allclose(gt.nn.l2_normalize(gt.constant([3.0, 4.0])).numpy(), [0.6, 0.8])
    _, (g,) = grad(gt.nn.l2_normalize, np.zeros(3))
    assert np.isfinite(g.numpy()).all()  # epsilon keeps the zero vector finite


# -- bias_add, embedding_lookup ----------------------------------------------------------------
def test_bias_add_nchw_adds_along_axis_1_and_sums_the_gradient():
    v = np.zeros((2, 3, 4, 5))
    b = np.array([1.0, 2.0, 3.0])
    y, (gv, gb) = grad(lambda v, b: gt.nn.bias_add(v, b, data_format="NCHW"), v, b)
    np.testing.assert_array_equal(y.numpy()[:, :, 1, 2], [[1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(gb.numpy(), [40.0, 40.0, 40.0])
    y = gt.nn.bias_add(gt.constant(np.zeros((2, 4, 5, 3))), b)  # NHWC: the last axis
    np.testing.assert_array_equal(y.numpy()[0, 0, 0], b)
    with pytest.raises(ValueError, match="channel"):
        gt.nn.bias_add(gt.constant(v), gt.constant([1.0, 2.0]))


def test_embedding_lookup_sharded_and_max_norm_match_tensorflow():
    shards = [gt.constant([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), gt.constant([[3.0, 3.0], [4.0, 4.0]])]
    assert gt.nn.embedding_lookup(shards, [0, 2, 3, 4]).numpy().tolist() == [[0, 0], [2, 2], [3, 3], [4, 4]]
    e = gt.nn.embedding_lookup(gt.constant([[3.0, 4.0], [0.3, 0.4]]), [0, 1], max_norm=1.0)
    np.testing.assert_allclose(e.numpy(), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)


# -- convolution shapes ------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 5, 6, 7])
@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("d", [1, 2])
def test_conv_output_sizes_follow_tensorflow_formulas(n, k, s, d):
    x = gt.ones((1, n, n + 1, 1))
    w = gt.ones((k, k, 1, 1))
    same = gt.nn.conv2d(x, w, s, "SAME", dilations=d)
    assert same.shape[1:3] == (math.ceil(n / s), math.ceil((n + 1) / s))
    eff = (k - 1) * d + 1
    if eff <= n:
        valid = gt.nn.conv2d(x, w, s, "VALID", dilations=d)
        assert valid.shape[1:3] == (math.ceil((n - eff + 1) / s), math.ceil((n + 1 - eff + 1) / s))
    else:
        with pytest.raises(ValueError, match="negative"):
            gt.nn.conv2d(x, w, s, "VALID", dilations=d)
    pool = gt.nn.max_pool2d(x, k, s, "SAME")
    assert pool.shape[1:3] == same.shape[1:3]


def test_conv2d_same_stride2_pads_after_as_tensorflow():
    y = gt.nn.conv2d(gt.ones((1, 6, 6, 1)), gt.ones((3, 3, 1, 1)), 2, "SAME")
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], [[9, 9, 6], [9, 9, 6], [6, 6, 4]])


def test_layouts_agree():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 7, 6, 3)), rng.standard_normal((3, 2, 3, 4))
    nhwc = gt.nn.conv2d(gt.constant(x), gt.constant(w), [1, 2], "SAME", dilations=[2, 1]).numpy()
    nchw = gt.nn.conv2d(gt.constant(x.transpose(0, 3, 1, 2)), gt.constant(w), [1, 1, 1, 2], "SAME",
                        data_format="NCHW", dilations=[1, 1, 2, 1]).numpy()
    np.testing.assert_allclose(nchw.transpose(0, 2, 3, 1), nhwc, rtol=1e-12)
    p1 = gt.nn.max_pool2d(gt.constant(x), 2, 1, "VALID").numpy()
    p2 = gt.nn.max_pool2d(gt.constant(x.transpose(0, 3, 1, 2)), 2, 1, "VALID", data_format="NCHW").numpy()
    np.testing.assert_array_equal(p2.transpose(0, 2, 3, 1), p1)


def test_conv2d_transpose_is_the_input_gradient_of_conv2d():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 7, 7, 3)), rng.standard_normal((3, 3, 3, 4))
    g = rng.standard_normal((2, 4, 4, 4))
    xt = gt.constant(x)
    with gt.GradientTape() as tape:
        tape.watch(xt)
        y = gt.nn.conv2d(xt, gt.constant(w), 2, "SAME")
    dx = tape.gradient(y, xt, output_gradients=gt.constant(g))
    t = gt.nn.conv2d_transpose(gt.constant(g), gt.constant(w), [2, 7, 7, 3], 2, "SAME")
    np.testing.assert_allclose(t.numpy(), dx.numpy(), rtol=1e-12)


def test_jacobian_through_conv_and_max_pool():
    rng = np.random.default_rng(1)
    x, w = gt.constant(rng.standard_normal((1, 4, 4, 1))), gt.constant(rng.standard_normal((2, 2, 1, 2)))
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        y = gt.nn.max_pool2d(gt.nn.conv2d(x, w, 1, "SAME"), 2, 2, "VALID")
    jx, jw = tape.jacobian(y, [x, w])
    assert jx.shape == (1, 2, 2, 2, 1, 4, 4, 1) and jw.shape == (1, 2, 2, 2, 2, 2, 1, 2)
    eps = 1e-6
    for k in range(16):
        e = np.zeros(16)
        e[k] = eps
        xp, xm = x.numpy() + e.reshape(x.shape), x.numpy() - e.reshape(x.shape)
        def f(v):
            return gt.nn.max_pool2d(gt.nn.conv2d(gt.constant(v), w, 1, "SAME"), 2, 2, "VALID").numpy()
        fd = (f(xp) - f(xm)) / (2 * eps)
        np.testing.assert_allclose(jx.numpy()[..., 0, k // 4, k % 4, 0], fd, atol=1e-6)


def test_argument_errors_are_clear():
    x, w = gt.ones((1, 4, 4, 2)), gt.ones((3, 3, 2, 1))
    with pytest.raises(ValueError, match="padding"):
        gt.nn.conv2d(x, w, 1, "FULL")
    with pytest.raises(ValueError, match="data_format"):
        gt.nn.conv2d(x, w, 1, "SAME", data_format="HWCN")
    with pytest.raises(ValueError, match="channels"):
        gt.nn.conv2d(x, gt.ones((3, 3, 3, 1)), 1, "SAME")
    with pytest.raises(ValueError, match="batch and channel"):
        gt.nn.conv2d(x, w, [2, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="explicit padding"):
        gt.nn.conv2d(x, w, 1, [[1, 1], [1, 1], [1, 1], [0, 0]])
    with pytest.raises(TypeError, match="SAME"):
        gt.nn.avg_pool2d(x, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])
    with pytest.raises(TypeError, match="dtype"):
        gt.nn.conv2d(x, gt.ones((3, 3, 2, 1), gt.float64), 1, "SAME")


# -- pooling -----------------------------------------------------------------------------------
TIES = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [2, 2, 3, 3], [2, 2, 3, 3]], np.float32).reshape(1, 4, 4, 1)


def test_max_pool_ties_send_the_gradient_to_the_first_maximum():
    _, (g,) = grad(lambda x: gt.nn.max_pool2d(x, 2, 2, "VALID"), TIES)
    np.testing.assert_array_equal(g.numpy()[0, :, :, 0],
                                  [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])
    # overlapping windows with SAME padding: values observed from TensorFlow 2
    _, (g,) = grad(lambda x: gt.nn.max_pool2d(x, 3, 1, "SAME"), TIES)
    np.testing.assert_array_equal(g.numpy()[0, :, :, 0],
                                  [[2, 1, 1, 0], [0, 0, 0, 0], [3, 0, 9, 0], [0, 0, 0, 0]])


def test_max_pool_second_order_gathers_at_the_argmax():
    x = gt.constant(TIES)
    u = gt.constant(np.arange(16.0, dtype=np.float32).reshape(1, 4, 4, 1))
    with gt.GradientTape() as outer:
        outer.watch(u)
        with gt.GradientTape() as inner:
            inner.watch(x)
            y = gt.reduce_sum(gt.nn.max_pool2d(x, 2, 2, "VALID") * 1.0)
        g = inner.gradient(y, x)
        z = gt.reduce_sum(g * u)
    np.testing.assert_array_equal(outer.gradient(z, u).numpy(), g.numpy())
    with gt.autodiff.ForwardAccumulator(x, u) as acc:
        p = gt.nn.max_pool2d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(acc.jvp(p).numpy()[0, :, :, 0], [[0, 2], [8, 10]])


def test_avg_pool_same_counts_only_real_elements():
    y, (g,) = grad(lambda x: gt.nn.avg_pool2d(x, 3, 2, "SAME"), TIES)
    np.testing.assert_allclose(y.numpy()[0, :, :, 0], [[1.2222222, 1.0], [2.3333333, 3.0]], rtol=1e-6)
    np.testing.assert_allclose(g.numpy()[0, :, :, 0], [
        [0.11111111, 0.11111111, 0.2777778, 0.16666667], [0.11111111, 0.11111111, 0.2777778, 0.16666667],
        [0.2777778, 0.2777778, 0.6944445, 0.4166667], [0.16666667, 0.16666667, 0.4166667, 0.25]], rtol=1e-6)


def test_generic_pools_dispatch_on_rank():
    x4, x3 = gt.ones((1, 4, 4, 2)), gt.ones((1, 4, 2))
    assert gt.nn.max_pool(x4, 2, 2, "VALID").shape == (1, 2, 2, 2)
    assert gt.nn.avg_pool(x3, 2, 1, "SAME").shape == (1, 4, 2)
    assert gt.nn.max_pool(gt.ones((1, 2, 4, 4)), 2, 2, "VALID", data_format="NCHW").shape == (1, 2, 2, 2)
    with pytest.raises(ValueError, match="rank"):
        gt.nn.max_pool(gt.ones((4, 4)), 2, 2, "VALID")


def test_small_cnn_second_order_against_finite_differences():
    rng = np.random.default_rng(3)
    labels = np.array([1, 0])

    def loss(x, k1, k2, w):
        h = gt.nn.max_pool2d(gt.nn.elu(gt.nn.conv2d(x, k1, 1, "SAME")), 2, 2, "VALID")
        h = gt.nn.avg_pool2d(gt.nn.softplus(gt.nn.conv2d(h, k2, [1, 2], "SAME", dilations=1)), 2, 1, "SAME")
        logits = gt.reshape(h, (2, -1)) @ w
        return gt.reduce_mean(gt.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))

    args = [rng.standard_normal((2, 6, 6, 2)), rng.standard_normal((3, 3, 2, 3)) * 0.5,
            rng.standard_normal((2, 2, 3, 2)) * 0.5, rng.standard_normal((12, 3)) * 0.5]
    gt.test.check_gradients(loss, args, order=2)


def test_max_pool_gradient_routes_non_finite_cotangents_only_to_the_argmax():
    x = gt.constant(np.arange(16.0).reshape(1, 4, 4, 1))
    for k, s in ((2, 2), (3, 1)):
        with gt.GradientTape() as tape:
            tape.watch(x)
            y = gt.nn.max_pool2d(x, k, s, "SAME")
        u = np.ones(y.shape)
        u.flat[0] = np.inf
        g = tape.gradient(y, x, output_gradients=gt.constant(u)).numpy()
        assert np.isinf(g).sum() == 1 and not np.isnan(g).any()


def test_hessian_by_jacobian_of_gradient_through_conv_and_pooling():
    rng = np.random.default_rng(0)
    x = gt.constant(rng.standard_normal((2, 5, 5, 2)))
    w0 = rng.standard_normal((3, 3, 2, 2))

    def loss(w):
        h = gt.nn.avg_pool2d(gt.nn.elu(gt.nn.conv2d(x, w, 2, "SAME")), 2, 1, "SAME")
        return gt.reduce_sum(gt.nn.max_pool2d(h, 2, 1, "VALID") ** 2)

    def grad_at(v):
        w = gt.constant(v)
        with gt.GradientTape() as t:
            t.watch(w)
            y = loss(w)
        return t.gradient(y, w).numpy().ravel()

    w = gt.constant(w0)
    with gt.GradientTape() as outer:
        outer.watch(w)
        with gt.GradientTape() as inner:
            inner.watch(w)
            y = loss(w)
        g = inner.gradient(y, w)
    h = outer.jacobian(g, w).numpy().reshape(36, 36)  # batched cotangents through every rule
    np.testing.assert_allclose(h, h.T, atol=1e-10)
    for k in (0, 17, 35):
        e = np.zeros(36)
        e[k] = 1e-6
        fd = (grad_at(w0 + e.reshape(w0.shape)) - grad_at(w0 - e.reshape(w0.shape))) / 2e-6
        np.testing.assert_allclose(h[:, k], fd, atol=1e-6)


@pytest.mark.parametrize("dtype", ["<i8", ">i8", "<i4", ">i2", "u1"])
def test_sparse_xent_checks_label_range_in_any_integer_layout(dtype):
    logits = gt.constant(np.zeros((3, 4), np.float32))
    ok = np.array([0, 3, 1]).astype(dtype)
    np.testing.assert_allclose(gt.nn.sparse_softmax_cross_entropy_with_logits(ok, logits).numpy(),
                               np.full(3, np.log(4.0), np.float32), rtol=1e-6)
    bad = [np.array([0, 4, 1]).astype(dtype)]
    if dtype != "u1":
        bad.append(np.array([0, -1, 1]).astype(dtype))  # negative: huge as an unsigned view
    for labels in bad:
        with pytest.raises(ValueError, match=r"labels must be in \[0, 4\)"):
            gt.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)


@pytest.mark.parametrize("shape", [(3, 0), (0, 4), (0,)])
def test_softmax_of_empty_tensors_is_empty_as_in_tensorflow(shape):
    x = gt.constant(np.zeros(shape, np.float32))
    with gt.GradientTape() as t:
        t.watch(x)
        y = gt.reduce_sum(gt.nn.softmax(x)) + gt.reduce_sum(gt.nn.log_softmax(x))
    assert gt.nn.softmax(x).shape == shape and gt.nn.log_softmax(x).shape == shape
    assert t.gradient(y, x).shape == shape

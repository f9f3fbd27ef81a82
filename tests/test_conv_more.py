"""3-D convolution and pooling, the transposed and atrous convolutions and max_pool_with_argmax:
TensorFlow's conventions (argmax indices, ties, adjoints, dispatch) and the error messages.
Values and derivatives are checked by the op table (tests/ops/rows_conv_more.py)."""

import itertools

import numpy as np
import pytest

import gradtape as gt


def _grad(f, x):
    x = gt.constant(x)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x).numpy()


def _inner(a, b) -> float:
    return float(np.sum(np.asarray(a) * np.asarray(b)))


# -- max_pool_with_argmax ----------------------------------------------------------------------
def _ref_argmax(x, ksize, strides, padding, include_batch):
    """First maximum of every window in row-major order, TensorFlow's flattened index."""
    n, h, w, c = x.shape
    pads = []
    for size, k, s in zip((h, w), ksize, strides):
        total = 0 if padding == "VALID" else max((-(-size // s) - 1) * s + k - size, 0)
        pads.append(total // 2)
    ho = (h - ksize[0]) // strides[0] + 1 if padding == "VALID" else -(-h // strides[0])
    wo = (w - ksize[1]) // strides[1] + 1 if padding == "VALID" else -(-w // strides[1])
    out = np.zeros((n, ho, wo, c), np.int64)
    for b, a, e, ch in itertools.product(range(n), range(ho), range(wo), range(c)):
        best = None
        for i, j in itertools.product(range(ksize[0]), range(ksize[1])):
            r, q = a * strides[0] + i - pads[0], e * strides[1] + j - pads[1]
            if 0 <= r < h and 0 <= q < w and (best is None or x[b, r, q, ch] > x[b, best[0], best[1], ch]):
                best = (r, q)
        out[b, a, e, ch] = ((best[0] * w + best[1]) * c + ch) + (b * h * w * c if include_batch else 0)
    return out


@pytest.mark.parametrize("ksize, strides, padding", [((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"),
                                                     ((3, 2), (1, 2), "SAME")])
@pytest.mark.parametrize("include_batch", [False, True])
def test_max_pool_with_argmax_indices(ksize, strides, padding, include_batch):
    x = np.round(np.random.default_rng(0).normal(size=(2, 5, 6, 3)), 1)  # rounded: many ties
    out, argmax = gt.nn.max_pool_with_argmax(x, ksize, strides, padding, include_batch_in_index=include_batch)
    np.testing.assert_array_equal(argmax.numpy(), _ref_argmax(x, ksize, strides, padding, include_batch))
    assert argmax.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), gt.nn.max_pool2d(x, ksize, strides, padding).numpy())
    a = argmax.numpy()
    picked = x.reshape(-1)[a] if include_batch else np.take_along_axis(x.reshape(2, -1), a.reshape(2, -1), 1)
    np.testing.assert_array_equal(picked.reshape(a.shape), out.numpy())


def test_max_pool_with_argmax_output_and_fields():
    x = gt.constant(np.arange(16.0).reshape(1, 4, 4, 1))
    r = gt.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID", output_dtype=gt.int32)
    assert r.output is r[0] and r.argmax is r[1]
    assert r.argmax.dtype == np.int32
    np.testing.assert_array_equal(r.argmax.numpy().ravel(), [5, 7, 13, 15])


def test_max_pool_with_argmax_gradient_goes_to_the_argmax():
    x = np.round(np.random.default_rng(1).normal(size=(2, 5, 5, 2)), 1)
    g_out = np.random.default_rng(2).normal(size=(2, 3, 3, 2))
    got = _grad(lambda t: gt.nn.max_pool_with_argmax(t, 3, 2, "SAME").output * g_out, x)
    argmax = gt.nn.max_pool_with_argmax(x, 3, 2, "SAME", include_batch_in_index=True).argmax.numpy()
    want = np.zeros(x.size)
    np.add.at(want, argmax.ravel(), g_out.ravel())
    np.testing.assert_allclose(got, want.reshape(x.shape))
    np.testing.assert_allclose(got, _grad(lambda t: gt.nn.max_pool2d(t, 3, 2, "SAME") * g_out, x))


def test_max_pool_with_argmax_argmax_has_no_gradient():
    x = gt.constant(np.random.default_rng(3).normal(size=(1, 4, 4, 1)))
    with gt.GradientTape() as tape:
        tape.watch(x)
        _, argmax = gt.nn.max_pool_with_argmax(x, 2, 2, "VALID")
    assert tape.gradient(argmax, x) is None


# -- 3-D pooling -------------------------------------------------------------------------------
def test_max_pool3d_ties_send_the_gradient_to_the_first_maximum():
    # the maximum 5 appears at (d, h, w) = (0, 1, 1) and (1, 0, 0): row-major order picks (0, 1, 1)
    x = np.zeros((1, 2, 2, 2, 1))
    x[0, 0, 1, 1, 0] = x[0, 1, 0, 0, 0] = 5.0
    g = _grad(lambda t: gt.nn.max_pool3d(t, 2, 2, "VALID"), x)
    want = np.zeros_like(x)
    want[0, 0, 1, 1, 0] = 1.0
    np.testing.assert_array_equal(g, want)
    g = _grad(lambda t: gt.nn.max_pool3d(t, 2, 2, "VALID"), np.ones((1, 2, 2, 2, 1)))
    assert g[0, 0, 0, 0, 0] == 1.0 and g.sum() == 1.0


def test_max_pool3d_padding_never_wins():
    x = -np.arange(1.0, 9.0).reshape(1, 2, 2, 2, 1)
    y = gt.nn.max_pool3d(x, 3, 1, "SAME").numpy()
    assert y.max() == -1.0 and y.min() == -1.0


def test_avg_pool3d_same_divides_by_the_real_elements():
    y = gt.nn.avg_pool3d(np.ones((1, 3, 3, 5, 1)), [2, 3, 2], [2, 2, 2], "SAME").numpy()
    np.testing.assert_allclose(y, np.ones((1, 2, 2, 3, 1)))


def test_pool3d_layouts_agree():
    x = np.random.default_rng(4).normal(size=(2, 3, 4, 5, 2))
    xf = x.transpose(0, 4, 1, 2, 3)
    for f in (gt.nn.max_pool3d, gt.nn.avg_pool3d):
        last = f(x, [2, 3, 2], [1, 2, 2], "SAME").numpy()
        first = f(xf, [1, 1, 2, 3, 2], [1, 1, 1, 2, 2], "SAME", data_format="NCDHW").numpy()
        np.testing.assert_allclose(first.transpose(0, 2, 3, 4, 1), last)


# -- 3-D convolution and the transposes --------------------------------------------------------
@pytest.mark.parametrize("strides, padding, dilations", [(1, "SAME", 1), ([2, 1, 2], "SAME", 1),
                                                         ([1, 2, 1], "VALID", [2, 1, 1]), (2, "VALID", 1)])
@pytest.mark.parametrize("kd", [1, 2])
def test_conv3d_transpose_is_the_adjoint_of_conv3d(strides, padding, dilations, kd):
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(2, 5, 4, 5, 2)), rng.normal(size=(kd, 3, 2, 2, 3))
    y = gt.nn.conv3d(x, w, strides, padding, dilations=dilations).numpy()
    u = rng.normal(size=y.shape)
    xt = gt.nn.conv3d_transpose(u, w, x.shape, strides, padding, dilations=dilations).numpy()
    assert xt.shape == x.shape
    np.testing.assert_allclose(_inner(y, u), _inner(x, xt))


def test_conv3d_ncdhw_matches_ndhwc():
    rng = np.random.default_rng(6)
    x, w = rng.normal(size=(1, 4, 3, 5, 2)), rng.normal(size=(2, 2, 3, 2, 3))
    last = gt.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME").numpy()
    first = gt.nn.conv3d(x.transpose(0, 4, 1, 2, 3), w, [1, 1, 2, 1, 2], "SAME", data_format="NCDHW").numpy()
    np.testing.assert_allclose(first.transpose(0, 2, 3, 4, 1), last)


def test_conv3d_transpose_output_shape_as_tensor_and_ncdhw():
    rng = np.random.default_rng(7)
    y, w = rng.normal(size=(1, 2, 2, 2, 2)), rng.normal(size=(2, 2, 2, 3, 2))
    last = gt.nn.conv3d_transpose(y, w, gt.constant([1, 4, 4, 3, 3]), [2, 2, 2], "SAME").numpy()
    first = gt.nn.conv3d_transpose(y.transpose(0, 4, 1, 2, 3), w, [1, 3, 4, 4, 3], 2, "SAME",
                                   data_format="NCDHW").numpy()
    np.testing.assert_allclose(first.transpose(0, 2, 3, 4, 1), last)


def test_conv1d_transpose_is_the_adjoint_of_conv1d():
    rng = np.random.default_rng(8)
    x, w = rng.normal(size=(2, 7, 2)), rng.normal(size=(3, 2, 3))
    y = gt.nn.conv1d(x, w, 2, "SAME", dilations=1).numpy()
    u = rng.normal(size=y.shape)
    xt = gt.nn.conv1d_transpose(u, w, [2, 7, 2], 2, "SAME").numpy()
    np.testing.assert_allclose(_inner(y, u), _inner(x, xt))


def test_conv_transpose_dispatches_by_the_length_of_output_shape():
    rng = np.random.default_rng(9)
    y1, w1 = rng.normal(size=(1, 3, 2)), rng.normal(size=(2, 3, 2))
    np.testing.assert_allclose(gt.nn.conv_transpose(y1, w1, [1, 6, 3], 2).numpy(),
                               gt.nn.conv1d_transpose(y1, w1, [1, 6, 3], 2).numpy())
    y2, w2 = rng.normal(size=(1, 2, 3, 2)), rng.normal(size=(2, 2, 3, 2))
    np.testing.assert_allclose(gt.nn.conv_transpose(y2, w2, [1, 4, 6, 3], 2, "VALID").numpy(),
                               gt.nn.conv2d_transpose(y2, w2, [1, 4, 6, 3], 2, "VALID").numpy())
    y3, w3 = rng.normal(size=(1, 2, 2, 2, 2)), rng.normal(size=(2, 2, 2, 3, 2))
    np.testing.assert_allclose(gt.nn.conv_transpose(y3, w3, gt.constant([1, 4, 4, 4, 3]), 2).numpy(),
                               gt.nn.conv3d_transpose(y3, w3, [1, 4, 4, 4, 3], 2).numpy())
    np.testing.assert_allclose(
        gt.nn.conv_transpose(y1.transpose(0, 2, 1), w1, [1, 3, 6], 2, data_format="NCW").numpy(),
        gt.nn.conv1d_transpose(y1, w1, [1, 6, 3], 2).numpy().transpose(0, 2, 1))


# -- atrous convolutions -----------------------------------------------------------------------
def test_atrous_conv2d_is_a_dilated_conv2d():
    rng = np.random.default_rng(10)
    x, w = rng.normal(size=(2, 7, 6, 2)), rng.normal(size=(3, 2, 2, 3))
    for padding in ("SAME", "VALID"):
        np.testing.assert_allclose(gt.nn.atrous_conv2d(x, w, 2, padding).numpy(),
                                   gt.nn.conv2d(x, w, 1, padding, dilations=2).numpy())


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_atrous_conv2d_transpose_is_the_adjoint_of_atrous_conv2d(padding):
    rng = np.random.default_rng(11)
    x, w = rng.normal(size=(2, 7, 8, 2)), rng.normal(size=(3, 2, 2, 3))
    y = gt.nn.atrous_conv2d(x, w, 3, padding).numpy()
    u = rng.normal(size=y.shape)
    xt = gt.nn.atrous_conv2d_transpose(u, w, list(x.shape), 3, padding).numpy()
    np.testing.assert_allclose(_inner(y, u), _inner(x, xt))


def test_atrous_conv2d_transpose_rate_1_is_conv2d_transpose():
    rng = np.random.default_rng(12)
    y, w = rng.normal(size=(1, 4, 4, 2)), rng.normal(size=(3, 3, 3, 2))
    np.testing.assert_allclose(gt.nn.atrous_conv2d_transpose(y, w, [1, 4, 4, 3], 1, "SAME").numpy(),
                               gt.nn.conv2d_transpose(y, w, [1, 4, 4, 3], 1, "SAME").numpy())


# -- errors ------------------------------------------------------------------------------------
X5, W5 = gt.ones((1, 4, 4, 4, 1)), gt.ones((2, 2, 2, 1, 1))


@pytest.mark.parametrize("call, match", [
    (lambda: gt.nn.conv3d(X5, W5, 1, "SAME", data_format="NHWC"), "conv3d: data_format must be 'NDHWC' or 'NCDHW'"),
    (lambda: gt.nn.conv3d(gt.ones((1, 4, 4, 1)), W5, 1, "SAME"), "conv3d: input must have rank 5"),
    (lambda: gt.nn.conv3d(gt.ones((1, 4, 4, 4, 2)), W5, 1, "SAME"), "conv3d: input has 2 channels but filters expect 1"),
    (lambda: gt.nn.conv3d(X5, W5, 1, [[0, 0]] * 5), "conv3d: padding must be 'SAME' or 'VALID'"),
    (lambda: gt.nn.conv3d(X5, W5, [1, 2], "SAME"), "conv3d: strides must be an int or a list of 1, 3 or 5 ints"),
    (lambda: gt.nn.conv3d(X5, W5, [2, 1, 1, 1, 1], "SAME"), "conv3d: strides must be 1 in the batch and channel"),
    (lambda: gt.nn.conv3d_transpose(gt.ones((1, 2, 2, 2, 1)), W5, [1, 5, 4, 4, 1], 2),
     r"conv3d_transpose: a conv3d of output_shape \[1, 5, 4, 4, 1\] .* gives spatial shape \(3, 2, 2\)"),
    (lambda: gt.nn.conv3d_transpose(gt.ones((1, 2, 2, 2, 1)), W5, [1, 4, 4, 4], 2),
     "conv3d_transpose: output_shape must be a list of 5 ints"),
    (lambda: gt.nn.conv3d_transpose(gt.ones((1, 2, 2, 2, 1)), gt.ones((2, 2, 2, 3, 2)), [1, 4, 4, 4, 3], 2),
     r"conv3d_transpose: shapes do not fit.*\[kd, kh, kw, out_channels, in_channels\]"),
    (lambda: gt.nn.max_pool3d(X5, [2, 2], 1, "SAME"), "max_pool3d: ksize must be an int or a list of 1, 3 or 5"),
    (lambda: gt.nn.avg_pool3d(X5, 2, 1, "FULL"), "avg_pool3d: padding must be 'SAME' or 'VALID'"),
    (lambda: gt.nn.avg_pool3d(gt.ones((1, 4, 4, 1)), 2, 1, "SAME"), "avg_pool3d: input must have rank 5"),
    (lambda: gt.nn.conv1d_transpose(gt.ones((1, 3, 2)), gt.ones((2, 2, 3)), [1, 6, 2], 2),
     r"conv1d_transpose: shapes do not fit.*\[k, out_channels, in_channels\]"),
    (lambda: gt.nn.conv1d_transpose(gt.ones((1, 3, 2)), gt.ones((2, 2, 2)), [1, 9, 2], 2),
     r"conv1d_transpose: a convolution of output_shape \[1, 9, 2\]"),
    (lambda: gt.nn.conv1d_transpose(gt.ones((1, 3, 2)), gt.ones((2, 2, 2)), [1, 6, 2], 2, data_format="NHWC"),
     "conv1d_transpose: data_format must be 'NWC' or 'NCW'"),
    (lambda: gt.nn.conv_transpose(gt.ones((1, 3, 2)), gt.ones((2, 2, 2)), [1, 6], 2),
     "conv_transpose: output_shape must have 3, 4 or 5 entries"),
    (lambda: gt.nn.atrous_conv2d(gt.ones((1, 5, 5, 1)), gt.ones((2, 2, 1, 1)), 0, "SAME"),
     "atrous_conv2d: rate cannot be less than one"),
    (lambda: gt.nn.atrous_conv2d(gt.ones((1, 5, 5, 1)), gt.ones((2, 2, 1, 1)), 2, "valid_or_not"),
     "atrous_conv2d: padding must be 'SAME' or 'VALID'"),
    (lambda: gt.nn.atrous_conv2d(gt.ones((1, 5, 5, 2)), gt.ones((2, 2, 1, 1)), 2, "SAME"),
     "atrous_conv2d: value has 2 channels but filters expect 1"),
    (lambda: gt.nn.atrous_conv2d_transpose(gt.ones((1, 5, 5, 2)), gt.ones((2, 2, 1, 1)), [1, 5, 5, 1], 2, "SAME"),
     "atrous_conv2d_transpose: value has 2 channels but filters take 1"),
    (lambda: gt.nn.atrous_conv2d_transpose(gt.ones((1, 5, 5, 1)), gt.ones((2, 2, 1, 1)), [1, 5, 5, 3], 2, "SAME"),
     "atrous_conv2d_transpose: output_shape has 3 channels but filters give 1"),
    (lambda: gt.nn.atrous_conv2d_transpose(gt.ones((1, 5, 5, 1)), gt.ones((2, 2, 1, 1)), [1, 5, 5, 1], -1, "SAME"),
     "atrous_conv2d_transpose: rate cannot be less than one"),
    (lambda: gt.nn.atrous_conv2d_transpose(gt.ones((1, 4, 5, 1)), gt.ones((2, 2, 1, 1)), [1, 5, 5, 1], 2, "SAME"),
     r"atrous_conv2d_transpose: a convolution of output_shape \[1, 5, 5, 1\].*not the input's \(4, 5\)"),
    (lambda: gt.nn.max_pool_with_argmax(gt.ones((1, 4, 4, 1)), 2, 2, "SAME", data_format="NCHW"),
     "max_pool_with_argmax: data_format must be 'NHWC'"),
    (lambda: gt.nn.max_pool_with_argmax(gt.ones((1, 4, 4, 1)), 2, 2, [[0, 0]] * 4),
     "max_pool_with_argmax: padding must be 'SAME' or 'VALID'"),
    (lambda: gt.nn.max_pool_with_argmax(gt.ones((4, 4, 1)), 2, 2, "SAME"), "max_pool_with_argmax: input must have rank 4"),
])
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors():
    with pytest.raises(TypeError, match=r"conv3d: input \(float32\) and filters \(float64\) must have the same dtype"):
        gt.nn.conv3d(X5, gt.ones((2, 2, 2, 1, 1), gt.float64), 1, "SAME")
    with pytest.raises(TypeError, match="max_pool_with_argmax: output_dtype must be gt.int64 or gt.int32, got float32"):
        gt.nn.max_pool_with_argmax(gt.ones((1, 4, 4, 1)), 2, 2, "SAME", output_dtype=gt.float32)

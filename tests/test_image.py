"""gt.image: TensorFlow's documented examples, the random ops' seeding, dtype conversions,
non-max suppression and the error messages. Gradients are checked in tests/ops/rows_image.py."""

import numpy as np
import pytest

import gradtape as gt

X = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]]


# -- TensorFlow's documented examples -------------------------------------------------------------
def test_resize_documented_example():
    image = gt.eye(5, dtype=gt.int32)[gt.newaxis, ..., gt.newaxis]
    out = gt.image.resize(image, [3, 5])
    assert out.dtype == np.float32
    want = np.array([[0.6666667, 0.3333333, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0.3333335, 0.6666665]],
                    np.float32)
    np.testing.assert_array_equal(out[0, ..., 0].numpy(), want)
    assert gt.image.resize(image[0], [3, 5]).shape == (3, 5, 1)
    a, b = gt.image.resize(image, [5, 10]), gt.image.resize(image, [5, 10], antialias=True)
    assert float(gt.reduce_max(abs(a - b))) == 0.0
    nn = gt.image.resize(image, [5, 7], method="nearest")
    assert nn.dtype == np.int32
    np.testing.assert_array_equal(nn[0, ..., 0].numpy(), [
        [1, 0, 0, 0, 0, 0, 0], [0, 1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 1]])
    assert gt.image.resize(image, [10, 20], preserve_aspect_ratio=True).shape == (1, 10, 10, 1)


def test_resize_dtypes():
    f64 = gt.zeros((2, 3, 1), gt.float64)
    assert gt.image.resize(f64, [4, 4]).dtype == np.float64  # kept in float64 (TF: float32)
    assert gt.image.resize(gt.zeros((2, 3, 1), gt.float16), [4, 4]).dtype == np.float32
    assert gt.image.resize(gt.zeros((2, 3, 1), gt.uint8), [4, 4], method="area").dtype == np.float32
    assert gt.image.resize(gt.zeros((2, 3, 1), gt.uint8), [4, 4], method="nearest").dtype == np.uint8
    # the same size resamples to the image itself
    x = np.random.default_rng(0).random((1, 3, 4, 2)).astype(np.float32)
    for m in ("bilinear", "nearest", "area"):
        np.testing.assert_allclose(gt.image.resize(x, [3, 4], method=m).numpy(), x, rtol=1e-6)


def test_area_downsample_by_two_is_block_mean():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    got = gt.image.resize(gt.constant(x), [2, 2], method="area").numpy()
    np.testing.assert_allclose(got[0, ..., 0], [[2.5, 4.5], [10.5, 12.5]])


def test_flips_transpose_rot90_documented():
    np.testing.assert_array_equal(gt.image.flip_left_right(X).numpy(),
                                  [[[4, 5, 6], [1, 2, 3]], [[10, 11, 12], [7, 8, 9]]])
    np.testing.assert_array_equal(gt.image.flip_up_down(X).numpy(),
                                  [[[7, 8, 9], [10, 11, 12]], [[1, 2, 3], [4, 5, 6]]])
    np.testing.assert_array_equal(gt.image.transpose(X).numpy(),
                                  [[[1, 2, 3], [7, 8, 9]], [[4, 5, 6], [10, 11, 12]]])
    image = gt.constant([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]])
    t = gt.image.transpose(image)
    assert t.dtype == np.int32 and t.shape == (2, 3, 2)
    a = gt.constant([[[1], [2]], [[3], [4]]])
    np.testing.assert_array_equal(gt.image.rot90(a)[..., 0].numpy(), [[2, 4], [1, 3]])
    np.testing.assert_array_equal(gt.image.rot90(a, k=3)[..., 0].numpy(), [[3, 1], [4, 2]])
    np.testing.assert_array_equal(gt.image.rot90(a, k=4).numpy(), a.numpy())


def test_crops_and_pads_documented():
    x = np.arange(1.0, 49.0).reshape(4, 4, 3)
    np.testing.assert_array_equal(gt.image.central_crop(x, 0.5).numpy(),
                                  [[[16, 17, 18], [19, 20, 21]], [[28, 29, 30], [31, 32, 33]]])
    assert gt.image.central_crop(x, 1.0).shape == (4, 4, 3)
    p = gt.image.pad_to_bounding_box(X, 1, 1, 4, 4).numpy()
    assert p.shape == (4, 4, 3)
    np.testing.assert_array_equal(p[1:3, 1:3], X)
    assert p.sum() == np.sum(X)
    assert gt.image.resize_with_crop_or_pad(gt.zeros((2, 5, 4, 3)), 3, 6).shape == (2, 3, 6, 3)
    assert gt.image.resize_with_pad(gt.zeros((2, 5, 4, 3)), 3, 6).shape == (2, 3, 6, 3)


def test_extract_patches_matches_documented_layout():
    # tf.image.extract_patches' example: 10x10 image of 1..100, 3x3 patches, stride 5
    n = 10
    images = gt.reshape(gt.range(1, n * n + 1, dtype=gt.int32), (1, n, n, 1))
    p = gt.image.extract_patches(images, [1, 3, 3, 1], [1, 5, 5, 1], [1, 1, 1, 1], "VALID")
    np.testing.assert_array_equal(p[0, 0, 0].numpy(), [1, 2, 3, 11, 12, 13, 21, 22, 23])
    np.testing.assert_array_equal(p[0, 1, 1].numpy(), [56, 57, 58, 66, 67, 68, 76, 77, 78])
    q = gt.image.extract_patches(images, [1, 3, 3, 1], [1, 5, 5, 1], [1, 2, 2, 1], "VALID")
    np.testing.assert_array_equal(q[0, 0, 0].numpy(), [1, 3, 5, 21, 23, 25, 41, 43, 45])
    assert gt.image.extract_patches(images, [1, 3, 3, 1], [1, 3, 3, 1], [1, 1, 1, 1], "SAME").shape == (1, 4, 4, 9)


def test_colour_documented_examples():
    np.testing.assert_allclose(gt.image.adjust_brightness(X, delta=0.1).numpy(), np.add(X, 0.1), rtol=1e-6)
    np.testing.assert_allclose(gt.image.adjust_contrast(X, 2).numpy(),
                               [[[-3.5, -2.5, -1.5], [2.5, 3.5, 4.5]], [[8.5, 9.5, 10.5], [14.5, 15.5, 16.5]]])
    np.testing.assert_allclose(gt.image.adjust_gamma(X, 0.2).numpy(), [
        [[1.0, 1.1486983, 1.2457309], [1.319508, 1.3797297, 1.4309691]],
        [[1.4757731, 1.5157166, 1.5518456], [1.5848932, 1.6153942, 1.6437519]]], rtol=1e-6)
    np.testing.assert_allclose(gt.image.adjust_hue(X, 0.2).numpy(), [
        [[2.4, 1, 3], [5.4, 4, 6]], [[8.4, 7, 9], [11.4, 10, 12]]], rtol=1e-6)
    np.testing.assert_allclose(gt.image.adjust_saturation(X, 0.5).numpy(), [
        [[2, 2.5, 3], [5, 5.5, 6]], [[8, 8.5, 9], [11, 11.5, 12]]], rtol=1e-6)
    gray = gt.image.rgb_to_grayscale(gt.constant([[[1.0, 2.0, 3.0]]]))
    assert gray.shape == (1, 1, 1) and abs(float(gray[0, 0, 0]) - 1.8149) < 1e-5
    np.testing.assert_array_equal(gt.image.grayscale_to_rgb(gt.constant([[[1.0], [2.0], [3.0]]])).numpy(),
                                  [[[1, 1, 1], [2, 2, 2], [3, 3, 3]]])


def test_adjust_hue_integer_documented_example():
    image = gt.constant([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]], [[13, 14, 15], [16, 17, 18]]])
    out = gt.image.adjust_hue(image, 0.2)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out.numpy(), [[[2, 1, 3], [5, 4, 6]], [[8, 7, 9], [11, 10, 12]],
                                                [[14, 13, 15], [17, 16, 18]]])


def test_hsv_round_trip_and_greys():
    rgb = np.random.default_rng(3).random((4, 5, 3))
    back = gt.image.hsv_to_rgb(gt.image.rgb_to_hsv(rgb)).numpy()
    np.testing.assert_allclose(back, rgb, atol=1e-12)
    hsv = gt.image.rgb_to_hsv(gt.constant([[[0.5, 0.5, 0.5], [0.0, 0.0, 0.0]]])).numpy()
    np.testing.assert_array_equal(hsv, [[[0, 0, 0.5], [0, 0, 0]]])
    yuv = gt.image.yuv_to_rgb(gt.image.rgb_to_yuv(rgb)).numpy()
    np.testing.assert_allclose(yuv, rgb, atol=1e-6)


def test_per_image_standardization():
    x = np.random.default_rng(0).random((2, 3, 4, 3)).astype(np.float32)
    y = gt.image.per_image_standardization(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2, 3)), 0, atol=1e-6)
    np.testing.assert_allclose(y.std(axis=(1, 2, 3)), 1, rtol=1e-5)
    flat = gt.image.per_image_standardization(gt.ones((2, 2, 1))).numpy()
    np.testing.assert_array_equal(flat, np.zeros((2, 2, 1)))  # a uniform image: no division by 0
    u8 = gt.image.per_image_standardization(gt.constant(np.full((2, 2, 1), 7, np.uint8)))
    assert u8.dtype == np.float32  # TensorFlow returns float32 for every non-float64 dtype


# -- dtype conversions -----------------------------------------------------------------------------
@pytest.mark.parametrize("src,dst,values,want", [
    (np.uint8, np.float32, [0, 255], [0.0, 1.0]),
    (np.float32, np.uint8, [0.0, 0.5, 1.0], [0, 127, 255]),
    (np.uint8, np.int32, [1, 255], [1 << 23, 255 << 23]),
    (np.int32, np.uint8, [1 << 24, 2 ** 31 - 1], [2, 255]),
    (np.uint16, np.uint8, [257, 65535], [1, 255]),
    (np.float64, np.float32, [0.25], [0.25]),
    (np.int16, np.float64, [32767], [1.0]),
])
def test_convert_image_dtype(src, dst, values, want):
    out = gt.image.convert_image_dtype(gt.constant(np.array(values, src)), dst)
    assert out.dtype == np.dtype(dst)
    np.testing.assert_allclose(out.numpy(), want)


def test_convert_image_dtype_saturate():
    x = gt.constant([-0.5, 1.5])
    np.testing.assert_array_equal(gt.image.convert_image_dtype(x, gt.uint8, saturate=True).numpy(), [0, 255])
    np.testing.assert_array_equal(gt.image.convert_image_dtype(gt.constant([-5], gt.int8), gt.uint8,
                                                               saturate=True).numpy(), [0])
    same = gt.constant([0.3])
    assert gt.image.convert_image_dtype(same, gt.float32).dtype == np.float32
    with pytest.raises(AttributeError, match="convert_image_dtype: dtype must be a floating point or integer"):
        gt.image.convert_image_dtype(same, gt.bool)


def test_integer_images_round_trip_through_float():
    img = gt.constant(np.array([[[10, 20, 30]]], np.uint8))
    assert gt.image.adjust_brightness(img, 0.0).numpy().tolist() == [[[10, 20, 30]]]
    assert gt.image.adjust_brightness(img, 1.0).numpy().tolist() == [[[255, 255, 255]]]  # saturates
    assert gt.image.rgb_to_grayscale(img).dtype == np.uint8


# -- measures --------------------------------------------------------------------------------------
def test_image_gradients_documented():
    image = gt.reshape(gt.range(25, dtype=gt.float32), (1, 5, 5, 1))
    dy, dx = gt.image.image_gradients(image)
    np.testing.assert_array_equal(dy[0, ..., 0].numpy(), np.vstack([np.full((4, 5), 5.0), np.zeros((1, 5))]))
    np.testing.assert_array_equal(dx[0, ..., 0].numpy(), np.hstack([np.ones((5, 4)), np.zeros((5, 1))]))


def test_sobel_total_variation_psnr_ssim():
    x = np.random.default_rng(1).random((2, 12, 13, 3)).astype(np.float32)
    assert gt.image.sobel_edges(x).shape == (2, 12, 13, 3, 2)
    assert gt.image.total_variation(x).shape == (2,)
    assert gt.image.total_variation(x[0]).shape == ()
    with np.errstate(divide="ignore"):  # identical images: log(0), an infinite PSNR as in TensorFlow
        assert np.isinf(gt.image.psnr(x, x, 1.0).numpy()).all()
    s = gt.image.ssim(x, x * 0.9 + 0.05, max_val=1.0)
    assert s.shape == (2,) and s.dtype == np.float32 and (s.numpy() < 1).all()
    np.testing.assert_allclose(gt.image.ssim(x, x, 1.0).numpy(), 1.0, rtol=1e-6)
    assert gt.image.ssim(x, x, 1.0, return_index_map=True).shape == (2, 2, 3)
    # uint8 images: max_val and the images are converted together, as TensorFlow does
    u8 = (x * 255).astype(np.uint8)
    v8 = np.clip(u8.astype(int) + 3, 0, 255).astype(np.uint8)
    a = gt.image.psnr(u8, v8, 255).numpy()
    b = gt.image.psnr(u8.astype(np.float32) / 255, v8.astype(np.float32) / 255, 1.0).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-5)
    assert gt.image.ssim(u8, v8, 255).dtype == np.float32


def test_ssim_broadcasts_batch_dimensions():
    x = np.random.default_rng(2).random((3, 11, 11, 1))
    s = gt.image.ssim(x, x[0], 1.0)
    assert s.shape == (3,)
    assert abs(float(s[0]) - 1.0) < 1e-12


# -- non-max suppression ----------------------------------------------------------------------------
def test_non_max_suppression():
    boxes = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11],
                      [0, 10.1, 1, 11.1], [0, 100, 1, 101]], np.float32)
    scores = gt.constant([0.9, 0.75, 0.6, 0.95, 0.5, 0.3])
    out = gt.image.non_max_suppression(boxes, scores, 3, iou_threshold=0.5)
    assert out.dtype == np.int32
    assert out.numpy().tolist() == [3, 0, 5]  # the expected selection of TensorFlow's own NMS tests
    assert gt.image.non_max_suppression(boxes, scores, 10, score_threshold=0.4).numpy().tolist() == [3, 0]
    assert gt.image.non_max_suppression(boxes, scores, 0).numpy().tolist() == []
    # flipped corners give the same boxes; ties go to the lower index
    flipped = boxes[:, [2, 3, 0, 1]]
    assert gt.image.non_max_suppression(flipped, scores, 3).numpy().tolist() == [3, 0, 5]
    assert gt.image.non_max_suppression(boxes[:2], [0.5, 0.5], 2, iou_threshold=1.0).numpy().tolist() == [0, 1]


def test_non_max_suppression_has_no_gradient():
    boxes = gt.Variable(np.array([[0, 0, 1, 1.0]], np.float32))
    with gt.GradientTape() as tape:
        idx = gt.image.non_max_suppression(boxes, [1.0], 1)
    assert tape.gradient(idx, boxes) is None


# -- random ops --------------------------------------------------------------------------------------
def test_random_ops_are_seeded():
    x = np.random.default_rng(0).random((4, 5, 6, 3)).astype(np.float32)
    ops = [lambda s: gt.image.random_flip_left_right(x, seed=s),
           lambda s: gt.image.random_flip_up_down(x, seed=s),
           lambda s: gt.image.random_crop(x, [2, 3, 4, 3], seed=s),
           lambda s: gt.image.random_brightness(x, 0.3, seed=s),
           lambda s: gt.image.random_contrast(x, 0.2, 1.8, seed=s),
           lambda s: gt.image.random_hue(x, 0.3, seed=s),
           lambda s: gt.image.random_saturation(x, 0.2, 1.8, seed=s)]
    for op in ops:
        gt.random.set_seed(11)
        a = [op(7).numpy() for _ in range(3)]
        gt.random.set_seed(11)
        b = [op(7).numpy() for _ in range(3)]
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
        assert a[0].shape == (op(1).shape)


def test_random_flip_batch_flips_images_independently():
    gt.random.set_seed(1)
    x = np.arange(64 * 2, dtype=np.float32).reshape(64, 1, 2, 1)
    y = gt.image.random_flip_left_right(x, seed=3).numpy()
    flipped = (y[:, 0, 0, 0] > y[:, 0, 1, 0])
    assert 10 < flipped.sum() < 54
    np.testing.assert_array_equal(np.sort(y, axis=2), x)


def test_random_crop_covers_offsets():
    gt.random.set_seed(2)
    x = gt.reshape(gt.range(5), (5,))
    seen = {int(gt.image.random_crop(x, [2], seed=4).numpy()[0]) for _ in range(60)}
    assert seen == {0, 1, 2, 3}


def test_stateless_ops_are_pure_functions_of_the_seed():
    x = np.random.default_rng(0).random((8, 5, 6, 3)).astype(np.float32)
    gt.random.set_seed(1)
    a = gt.image.stateless_random_flip_left_right(x, (1, 2)).numpy()
    gt.random.set_seed(99)
    b = gt.image.stateless_random_flip_left_right(x, (1, 2)).numpy()
    np.testing.assert_array_equal(a, b)
    c1 = gt.image.stateless_random_crop(x, [2, 2, 2, 3], seed=(3, 4)).numpy()
    c2 = gt.image.stateless_random_crop(x, [2, 2, 2, 3], seed=gt.constant([3, 4])).numpy()
    np.testing.assert_array_equal(c1, c2)
    outs = {gt.image.stateless_random_crop(x, [1, 1, 1, 1], seed=(s, 0)).numpy().item() for s in range(20)}
    assert len(outs) > 1
    for op in (lambda s: gt.image.stateless_random_flip_up_down(x, s),
               lambda s: gt.image.stateless_random_brightness(x, 0.2, s),
               lambda s: gt.image.stateless_random_contrast(x, 0.2, 0.5, s)):
        np.testing.assert_array_equal(op((5, 6)).numpy(), op((5, 6)).numpy())
    doc = np.array([[[1], [2]], [[3], [4]]])
    assert gt.image.stateless_random_flip_left_right(doc, (2, 3)).shape == (2, 2, 1)


def test_random_brightness_range():
    x = gt.zeros((3, 3, 1))
    for s in range(10):
        v = gt.image.random_brightness(x, 0.25, seed=s).numpy()
        assert (np.abs(v) <= 0.25).all() and len(np.unique(v)) == 1


# -- errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,exc,msg", [
    (lambda: gt.image.flip_left_right(gt.zeros((2, 3))), ValueError, r"flip_left_right: image must be 3-D"),
    (lambda: gt.image.resize(gt.zeros((2, 2, 1)), [3, 3], method="bicubic"), ValueError,
     r"resize: method 'bicubic' is not implemented; gradtape supports 'bilinear', 'nearest', 'area'"),
    (lambda: gt.image.resize(gt.zeros((2, 2, 1)), [3]), ValueError, r"resize: size must be a 1-D list of 2"),
    (lambda: gt.image.resize(gt.zeros((2, 2, 1)), [0, 3]), ValueError, r"resize: the new size must be positive"),
    (lambda: gt.image.central_crop(gt.zeros((2, 2, 1)), 0.0), ValueError, r"central_fraction must be within"),
    (lambda: gt.image.crop_to_bounding_box(gt.zeros((4, 4, 1)), 2, 0, 3, 1), ValueError,
     r"crop_to_bounding_box: the box \[2:5, 0:1\] does not fit"),
    (lambda: gt.image.crop_to_bounding_box(gt.zeros((4, 4, 1)), -1, 0, 1, 1), ValueError, r"must be >= 0"),
    (lambda: gt.image.pad_to_bounding_box(gt.zeros((4, 4, 1)), 1, 0, 4, 4), ValueError,
     r"pad_to_bounding_box: an image of height 4"),
    (lambda: gt.image.resize_with_crop_or_pad(gt.zeros((4, 4, 1)), 0, 2), ValueError, r"must be > 0"),
    (lambda: gt.image.extract_patches(gt.zeros((4, 4, 1)), [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"),
     ValueError, r"extract_patches: images must be 4-D"),
    (lambda: gt.image.extract_patches(gt.zeros((1, 4, 4, 1)), [2, 2], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"),
     ValueError, r"extract_patches: sizes must be \[1, rows, cols, 1\]"),
    (lambda: gt.image.extract_patches(gt.zeros((1, 4, 4, 1)), [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "FULL"),
     ValueError, r"padding must be 'VALID' or 'SAME'"),
    (lambda: gt.image.rgb_to_hsv(gt.zeros((2, 2, 4))), ValueError, r"rgb_to_hsv: images must have 3 channels"),
    (lambda: gt.image.rgb_to_hsv(gt.zeros((2, 2, 3), gt.int32)), TypeError, r"convert_image_dtype"),
    (lambda: gt.image.grayscale_to_rgb(gt.zeros((2, 2, 3))), ValueError, r"last dimension of size 1"),
    (lambda: gt.image.adjust_hue(gt.zeros((2, 2, 3)), 1.5), ValueError, r"delta must be in the interval \[-1, 1\]"),
    (lambda: gt.image.adjust_gamma(gt.ones((2, 2, 3)), -1.0), ValueError, r"gamma must be a non-negative"),
    (lambda: gt.image.random_brightness(gt.ones((2, 2, 3)), -0.1), ValueError, r"max_delta must be non-negative"),
    (lambda: gt.image.random_hue(gt.ones((2, 2, 3)), 0.6), ValueError, r"max_delta must be <= 0.5"),
    (lambda: gt.image.random_contrast(gt.ones((2, 2, 3)), 0.5, 0.5), ValueError, r"upper must be > lower"),
    (lambda: gt.image.random_contrast(gt.ones((2, 2, 3)), -0.5, 0.5), ValueError, r"lower must be non-negative"),
    (lambda: gt.image.random_crop(gt.ones((2, 2, 3)), [3, 2, 3]), ValueError, r"random_crop: need 0 <= size"),
    (lambda: gt.image.random_crop(gt.ones((2, 2, 3)), [2, 2]), ValueError, r"random_crop: size must be a list of 3"),
    (lambda: gt.image.stateless_random_crop(gt.ones((2, 2)), [1, 1], seed=3), ValueError, r"seed must be a shape \[2\]"),
    (lambda: gt.image.image_gradients(gt.ones((2, 2, 3))), ValueError, r"image_gradients: image must be 4-D"),
    (lambda: gt.image.sobel_edges(gt.ones((1, 1, 2, 3))), ValueError, r"at least 2x2"),
    (lambda: gt.image.psnr(gt.ones((2, 2, 3)), gt.ones((2, 3, 3)), 1.0), ValueError, r"psnr: the images' last three"),
    (lambda: gt.image.ssim(gt.ones((4, 4, 1)), gt.ones((4, 4, 1)), 1.0), ValueError,
     r"ssim: the images' height and width \(4, 4\) must be at least filter_size=11"),
    (lambda: gt.image.non_max_suppression(gt.ones((2, 3)), [1.0, 1.0], 1), ValueError, r"boxes must have shape"),
    (lambda: gt.image.non_max_suppression(gt.ones((2, 4)), [1.0], 1), ValueError, r"scores must have shape"),
    (lambda: gt.image.non_max_suppression(gt.ones((2, 4)), [1.0, 1.0], 1, iou_threshold=2.0), ValueError,
     r"iou_threshold must be in \[0, 1\]"),
    (lambda: gt.image.rot90(gt.ones((2, 2, 1)), k=1.5), TypeError, r"rot90: k must be an integer"),
])
def test_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# -- regressions against TensorFlow's values --------------------------------------------------------
def test_per_image_standardization_returns_float32_without_rescaling():
    # TensorFlow's values: integers are cast (not scaled to [0, 1]) and the result is float32
    y = gt.image.per_image_standardization(gt.constant([[[0], [51]], [[102], [255]]], gt.uint8))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy().ravel(), [-1.0690449, -0.5345225, 0.0, 1.6035675], atol=1e-6)
    h = gt.image.per_image_standardization(gt.constant([[[1.0, 2.0]], [[3.0, 4.0]]], gt.float16))
    assert h.dtype == np.float32
    np.testing.assert_allclose(h.numpy().ravel(), [-1.3416407, -0.4472136, 0.4472136, 1.3416407],
                               atol=1e-6)


def test_per_image_standardization_gradient_of_a_constant_image():
    c = gt.fill((1, 2, 2, 1), 3.0)
    with gt.GradientTape() as tape:
        tape.watch(c)
        y = gt.image.per_image_standardization(c)
        loss = gt.reduce_sum(y * gt.reshape(gt.constant([1.0, 2.0, 3.0, 5.0]), (1, 2, 2, 1)))
    # TensorFlow's values (finite: the zero stddev gets no gradient)
    np.testing.assert_array_equal(y.numpy().ravel(), [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(tape.gradient(loss, c).numpy().ravel(), [-3.5, -1.5, 0.5, 4.5], atol=1e-5)


def test_convert_image_dtype_saturates_like_tensorflow():
    # TensorFlow's values: float16's scale for uint16 is inf, clipped to float16's max 65504;
    # float32 rounds 2**31 - 1 up, so the int32 limit is the float32 just below it
    h = gt.constant([0.5, 1.0], gt.float16)
    np.testing.assert_array_equal(gt.image.convert_image_dtype(h, gt.uint16, saturate=True).numpy(),
                                  [65504, 65504])
    np.testing.assert_array_equal(
        gt.image.convert_image_dtype(gt.constant([0.5, 1.0, 1.5]), gt.int32, saturate=True).numpy(),
        [1073741824, 2147483520, 2147483520])
    np.testing.assert_array_equal(
        gt.image.convert_image_dtype(gt.constant([0.0, 0.5, 1.0], gt.float16), gt.int16,
                                     saturate=True).numpy(), [0, 16384, 32752])


def test_psnr_accepts_images_of_different_dtypes():
    a = np.linspace(0, 1, 12, dtype=np.float32).reshape(2, 2, 3)
    out = gt.image.psnr(gt.constant(a), gt.constant(a.astype(np.float64) * 0.9), 1.0)
    # TensorFlow's value (both images are converted to float32)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), 24.578161, rtol=1e-5)

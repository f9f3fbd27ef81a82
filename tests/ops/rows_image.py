"""Table rows: ``gt.image`` (gradtape/ops/image.py): resizing, flips, crops and pads, patches,
colour adjustments and spaces, image measures, and the random ops at fixed seeds.

The references are written from TensorFlow's kernels (loops over output pixels, float32
sampling positions as TensorFlow computes them) and from ``colorsys`` for the colour spaces.
Colour inputs stay in (0.1, 0.9) and away from hue sextant edges, where the HSV formulas have
kinks.
"""

import colorsys

import numpy as np

import gradtape as gt

from .table import Row, away_from

IMG = [((1, 4, 5, 2),)]
IMG3 = [((4, 5, 2),)]
RGB = [((1, 3, 4, 3),), ((3, 2, 3),)]
SIXTHS = [k / 6 for k in range(7)]
COLOUR = away_from(SIXTHS, 0.1, 0.9, gap=0.02)


# -- references --------------------------------------------------------------------------------
def _batch(f):
    """Apply a reference written for NHWC arrays to a 3-D image as well."""
    def g(x, *args):
        if x.ndim == 3:
            return f(x[None], *args)[0]
        return f(x, *args)
    return g


def _lerp_taps(n_in, n_out):
    scale = np.float32(n_in) / np.float32(n_out)
    taps = []
    for o in range(n_out):
        src = (np.float32(o) + np.float32(0.5)) * scale - np.float32(0.5)
        lo = max(int(np.floor(src)), 0)
        hi = min(int(np.ceil(src)), n_in - 1)
        taps.append((lo, hi, float(src - np.floor(src))))
    return taps


@_batch
def ref_bilinear(x, nh, nw):
    out = np.zeros((x.shape[0], nh, nw, x.shape[3]))
    for i, (y0, y1, ly) in enumerate(_lerp_taps(x.shape[1], nh)):
        for j, (x0, x1, lx) in enumerate(_lerp_taps(x.shape[2], nw)):
            top = x[:, y0, x0] + (x[:, y0, x1] - x[:, y0, x0]) * lx
            bottom = x[:, y1, x0] + (x[:, y1, x1] - x[:, y1, x0]) * lx
            out[:, i, j] = top + (bottom - top) * ly
    return out


@_batch
def ref_nearest(x, nh, nw):
    def idx(n_in, n_out):
        scale = np.float32(n_in) / np.float32(n_out)
        return [min(int(np.floor((np.float32(o) + np.float32(0.5)) * scale)), n_in - 1)
                for o in range(n_out)]
    return x[:, idx(x.shape[1], nh)][:, :, idx(x.shape[2], nw)]


def _area_cells(n_in, n_out):
    scale = np.float32(n_in) / np.float32(n_out)
    cells = []
    for o in range(n_out):
        a, b = float(np.float32(o) * scale), float(np.float32(o + 1) * scale)
        # the overlap of input cell i with [a, b); TensorFlow takes the float32 scale itself
        # (not b - a) when [a, b) lies inside one input cell
        cells.append([(min(i, n_in - 1), float(scale) if i < a and i + 1 > b else min(i + 1, b) - max(i, a))
                      for i in range(int(np.floor(a)), int(np.ceil(b)))])
    return cells, float(scale)


@_batch
def ref_area(x, nh, nw):
    ys, sy = _area_cells(x.shape[1], nh)
    xs, sx = _area_cells(x.shape[2], nw)
    out = np.zeros((x.shape[0], nh, nw, x.shape[3]))
    for i, ycell in enumerate(ys):
        for j, xcell in enumerate(xs):
            out[:, i, j] = sum(wy * wx * x[:, yi, xi] for yi, wy in ycell for xi, wx in xcell)
    return out / (sy * sx)


def _tent_weights(n_in, n_out):
    inv = 1.0 / float(np.float32(n_out) / np.float32(n_in))
    ks = max(inv, 1.0)
    rows = []
    for o in range(n_out):
        sample = (o + 0.5) * inv
        w = [max(0.0, 1.0 - abs((i + 0.5 - sample) / ks)) for i in range(n_in)]
        rows.append([v / sum(w) for v in w])
    return np.array(rows)


@_batch
def ref_antialias(x, nh, nw):
    return np.einsum("bhwc,oh,pw->bopc", x, _tent_weights(x.shape[1], nh), _tent_weights(x.shape[2], nw))


@_batch
def ref_patches(x, k, s, r, padding):
    b, h, w, c = x.shape
    eff = [(k[i] - 1) * r[i] + 1 for i in range(2)]
    if padding == "VALID":
        n = [(h - eff[0]) // s[0] + 1, (w - eff[1]) // s[1] + 1]
        before = [0, 0]
    else:
        n = [-(-h // s[0]), -(-w // s[1])]
        before = [max((n[0] - 1) * s[0] + eff[0] - h, 0) // 2, max((n[1] - 1) * s[1] + eff[1] - w, 0) // 2]
    out = np.zeros((b, n[0], n[1], k[0] * k[1] * c))
    for i in range(n[0]):
        for j in range(n[1]):
            vals = []
            for a in range(k[0]):
                for d in range(k[1]):
                    y = i * s[0] + a * r[0] - before[0]
                    z = j * s[1] + d * r[1] - before[1]
                    inside = 0 <= y < h and 0 <= z < w
                    vals.append(x[:, y, z] if inside else np.zeros((b, c)))
            out[:, i, j] = np.concatenate(vals, axis=-1)
    return out


def _pixels(f):
    """Apply a per-pixel RGB -> RGB function of three floats over the last axis."""
    def g(x, *args):
        flat = x.reshape(-1, 3)
        return np.array([f(*p, *args) for p in flat]).reshape(x.shape)
    return g


def _hue(r, g, b, delta):
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    return colorsys.hsv_to_rgb((h + delta) % 1.0, s, v)


def _saturation(r, g, b, factor):
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    return colorsys.hsv_to_rgb(h, min(max(s * factor, 0.0), 1.0), v)


def ref_standardize(x):
    axes = (-3, -2, -1)
    n = np.prod(x.shape[-3:])
    return (x - x.mean(axis=axes, keepdims=True)) / np.maximum(x.std(axis=axes, keepdims=True), 1 / np.sqrt(n))


def ref_image_gradients(x):
    dy, dx = np.zeros_like(x), np.zeros_like(x)
    dy[:, :-1] = x[:, 1:] - x[:, :-1]
    dx[:, :, :-1] = x[:, :, 1:] - x[:, :, :-1]
    return [dy, dx]


def ref_sobel(x):
    ky = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float)
    p = np.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="reflect")
    h, w = x.shape[1:3]
    outs = []
    for k in (ky, ky.T):
        outs.append(sum(k[i, j] * p[:, i:i + h, j:j + w] for i in range(3) for j in range(3)))
    return np.stack(outs, axis=-1)


@_batch
def ref_tv(x):
    return np.abs(np.diff(x, axis=1)).sum(axis=(1, 2, 3)) + np.abs(np.diff(x, axis=2)).sum(axis=(1, 2, 3))


def ref_psnr(a, b, max_val):
    mse = ((a - b) ** 2).mean(axis=(-3, -2, -1))
    return 20 * np.log10(max_val) - 10 * np.log10(mse)


def ref_ssim(x, y, max_val, size, sigma, index_map=False):
    coords = np.arange(size) - (size - 1) / 2
    g = -0.5 * coords ** 2 / sigma ** 2
    g2 = g[None, :] + g[:, None]
    kern = np.exp(g2) / np.exp(g2).sum()  # TensorFlow's softmax of the 2-D exponent

    def filt(t):
        h, w = t.shape[-3] - size + 1, t.shape[-2] - size + 1
        return sum(kern[i, j] * t[..., i:i + h, j:j + w, :] for i in range(size) for j in range(size))

    c1, c2 = (0.01 * max_val) ** 2, (0.03 * max_val) ** 2
    mx, my = filt(x), filt(y)
    lum = (2 * mx * my + c1) / (mx ** 2 + my ** 2 + c1)
    cs = (2 * filt(x * y) - 2 * mx * my + c2) / (filt(x * x + y * y) - mx ** 2 - my ** 2 + c2)
    m = lum * cs
    return m.mean(axis=-1) if index_map else m.mean(axis=(-3, -2, -1))


_YUV = np.array([[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
                 [0.114, 0.43601035, -0.10001026]])
_RGB = np.array([[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]])


def _seeded(f, seed=5):
    """A stateful random op made a function of its input alone (the same draw on every call)."""
    def g(*xs):
        gt.random.set_seed(seed)
        return f(*xs)
    return g


# -- rows --------------------------------------------------------------------------------------
R = gt.image
ROWS = [
    Row("resize_bilinear_up", lambda x: R.resize(x, [7, 8]), lambda x: ref_bilinear(x, 7, 8), IMG + IMG3),
    Row("resize_bilinear_down", lambda x: R.resize(x, [3, 2]), lambda x: ref_bilinear(x, 3, 2), IMG),
    Row("resize_bilinear_mixed", lambda x: R.resize(x, [2, 9]), lambda x: ref_bilinear(x, 2, 9), IMG),
    Row("resize_bilinear_antialias", lambda x: R.resize(x, [3, 2], antialias=True),
        lambda x: ref_antialias(x, 3, 2), IMG + IMG3),
    Row("resize_bilinear_antialias_up", lambda x: R.resize(x, [6, 7], antialias=True),
        lambda x: ref_bilinear(x, 6, 7), IMG),
    Row("resize_bilinear_aspect", lambda x: R.resize(x, [8, 20], preserve_aspect_ratio=True),
        lambda x: ref_bilinear(x, 8, 10), IMG),
    Row("resize_nearest", lambda x: R.resize(x, [7, 3], method="nearest"),
        lambda x: ref_nearest(x, 7, 3), IMG + IMG3),
    Row("resize_area_down", lambda x: R.resize(x, [3, 2], method="area"), lambda x: ref_area(x, 3, 2),
        IMG + IMG3),
    Row("resize_area_up", lambda x: R.resize(x, [6, 7], method="area"), lambda x: ref_area(x, 6, 7), IMG),
    Row("resize_with_pad", lambda x: R.resize_with_pad(x, 6, 6),
        lambda x: np.pad(ref_bilinear(x, 4, 6), [[0, 0], [0, 2], [0, 0], [0, 0]]), IMG),
    Row("resize_with_crop_or_pad", lambda x: R.resize_with_crop_or_pad(x, 6, 3),
        lambda x: np.pad(x[..., 1:4, :], [[0, 0]] * (x.ndim - 3) + [[1, 1], [0, 0], [0, 0]]), IMG + IMG3),
    Row("flip_left_right", R.flip_left_right, lambda x: np.flip(x, -2), IMG + IMG3),
    Row("flip_up_down", R.flip_up_down, lambda x: np.flip(x, -3), IMG + IMG3),
    Row("rot90", R.rot90, lambda x: np.rot90(x, 1, axes=(-3, -2)), IMG + IMG3),
    Row("rot90_k2", lambda x: R.rot90(x, 2), lambda x: np.rot90(x, 2, axes=(-3, -2)), IMG),
    Row("rot90_k3", lambda x: R.rot90(x, k=-1), lambda x: np.rot90(x, 3, axes=(-3, -2)), IMG + IMG3),
    Row("transpose_image", R.transpose, lambda x: np.swapaxes(x, -3, -2), IMG + IMG3),
    Row("central_crop", lambda x: R.central_crop(x, 0.5), lambda x: x[..., 1:3, 1:4, :], IMG + IMG3),
    Row("crop_to_bounding_box", lambda x: R.crop_to_bounding_box(x, 1, 2, 2, 3),
        lambda x: x[..., 1:3, 2:5, :], IMG + IMG3),
    Row("pad_to_bounding_box", lambda x: R.pad_to_bounding_box(x, 1, 2, 6, 8),
        lambda x: np.pad(x, [[0, 0]] * (x.ndim - 3) + [[1, 1], [2, 1], [0, 0]]), IMG + IMG3),
    Row("extract_patches_valid", lambda x: R.extract_patches(x, [1, 2, 3, 1], [1, 1, 2, 1], [1, 1, 1, 1], "VALID"),
        lambda x: ref_patches(x, (2, 3), (1, 2), (1, 1), "VALID"), IMG),
    Row("extract_patches_same_rates", lambda x: R.extract_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 2, 1, 1],
                                                                  "SAME"),
        lambda x: ref_patches(x, (2, 2), (2, 2), (2, 1), "SAME"), IMG),
    Row("adjust_brightness", lambda x, d: R.adjust_brightness(x, d), lambda x, d: x + d, [((1, 4, 5, 2), ())]),
    Row("adjust_contrast", lambda x, f: R.adjust_contrast(x, f),
        lambda x, f: (x - x.mean(axis=(-3, -2), keepdims=True)) * f + x.mean(axis=(-3, -2), keepdims=True),
        [((1, 4, 5, 2), ()), ((4, 5, 2), ())]),
    Row("adjust_gamma", lambda x, g: R.adjust_gamma(x, g, 1.5), lambda x, g: 1.5 * x ** g,
        [((1, 4, 5, 2), ())], domain=(0.3, 1.5)),
    Row("adjust_saturation", lambda x: R.adjust_saturation(x, 0.6), _pixels(lambda r, g, b: _saturation(r, g, b, 0.6)),
        RGB, domain=COLOUR),
    Row("adjust_saturation_factor", lambda x, f: R.adjust_saturation(x, f),
        lambda x, f: _pixels(lambda r, g, b: _saturation(r, g, b, float(f)))(x), [((2, 2, 3), ())],
        domain=away_from(SIXTHS, 0.1, 0.9, gap=0.03)),
    Row("adjust_hue", lambda x: R.adjust_hue(x, 0.3), _pixels(lambda r, g, b: _hue(r, g, b, 0.3)), RGB,
        domain=COLOUR),
    Row("adjust_hue_negative", lambda x: R.adjust_hue(x, -0.45), _pixels(lambda r, g, b: _hue(r, g, b, -0.45)),
        [((2, 3, 3),)], domain=COLOUR),
    Row("per_image_standardization", R.per_image_standardization, ref_standardize, IMG + IMG3),
    Row("rgb_to_grayscale", R.rgb_to_grayscale, lambda x: x @ np.array([[0.2989], [0.5870], [0.1140]]), RGB),
    Row("grayscale_to_rgb", R.grayscale_to_rgb, lambda x: np.repeat(x, 3, axis=-1), [((1, 3, 4, 1),), ((2, 1),)]),
    Row("rgb_to_hsv", R.rgb_to_hsv, _pixels(colorsys.rgb_to_hsv), RGB, domain=COLOUR),
    Row("hsv_to_rgb", R.hsv_to_rgb, _pixels(colorsys.hsv_to_rgb), RGB,
        domain=away_from(SIXTHS, 0.02, 0.98, gap=0.02)),
    Row("rgb_to_yuv", R.rgb_to_yuv, lambda x: x @ _YUV, RGB),
    Row("yuv_to_rgb", R.yuv_to_rgb, lambda x: x @ _RGB, RGB),
    Row("convert_image_dtype_float64", lambda x: R.convert_image_dtype(x, gt.float64), lambda x: x, IMG),
    Row("image_gradients", R.image_gradients, ref_image_gradients, IMG + [((2, 3, 2, 1),)]),
    Row("sobel_edges", R.sobel_edges, ref_sobel, IMG),
    Row("total_variation", R.total_variation, ref_tv, IMG + IMG3 + [((2, 3, 2, 1),)]),
    Row("psnr", lambda a, b: R.psnr(a, b, 2.0), lambda a, b: ref_psnr(a, b, 2.0),
        [((1, 4, 5, 2), (1, 4, 5, 2)), ((2, 3, 2, 1), (3, 2, 1))]),
    Row("ssim", lambda a, b: R.ssim(a, b, 2.0, filter_size=3), lambda a, b: ref_ssim(a, b, 2.0, 3, 1.5),
        [((1, 4, 5, 2), (1, 4, 5, 2)), ((4, 5, 2), (4, 5, 2))], domain=(0.0, 2.0)),
    Row("ssim_index_map", lambda a, b: R.ssim(a, b, 1.0, filter_size=2, filter_sigma=0.8, return_index_map=True),
        lambda a, b: ref_ssim(a, b, 1.0, 2, 0.8, index_map=True), [((1, 3, 4, 2), (1, 3, 4, 2))], domain=(0.0, 1.0)),
    # the random ops at fixed seeds: functions of the image alone
    Row("stateless_random_flip_left_right", lambda x: R.stateless_random_flip_left_right(x, (2, 3)),
        None, [((3, 4, 5, 2),), ((4, 5, 2),)]),
    Row("stateless_random_flip_up_down", lambda x: R.stateless_random_flip_up_down(x, (1, 2)), None,
        [((3, 4, 5, 2),)]),
    Row("stateless_random_crop", lambda x: R.stateless_random_crop(x, [1, 2, 3, 2], (4, 5)), None, IMG),
    Row("stateless_random_brightness", lambda x: R.stateless_random_brightness(x, 0.3, (1, 2)), None, IMG),
    Row("stateless_random_contrast", lambda x: R.stateless_random_contrast(x, 0.2, 0.8, (1, 2)), None, IMG),
    Row("random_flip_left_right", _seeded(lambda x: R.random_flip_left_right(x, seed=3)), None, [((3, 4, 5, 2),)]),
    Row("random_flip_up_down", _seeded(lambda x: R.random_flip_up_down(x)), None, IMG3),
    Row("random_crop", _seeded(lambda x: R.random_crop(x, [2, 3, 1], seed=2)), None, IMG3),
    Row("random_brightness", _seeded(lambda x: R.random_brightness(x, 0.5, seed=1)), None, IMG),
    Row("random_contrast", _seeded(lambda x: R.random_contrast(x, 0.5, 1.5)), None, IMG),
    Row("random_hue", _seeded(lambda x: R.random_hue(x, 0.2, seed=4)), None, [((2, 2, 3),)], domain=COLOUR),
    Row("random_saturation", _seeded(lambda x: R.random_saturation(x, 0.2, 0.9, seed=4)), None, [((2, 2, 3),)],
        domain=COLOUR),
]

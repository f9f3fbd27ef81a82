"""Signal processing: Fourier transforms, windows, framing, spectrograms and DCTs (``tf.signal``).

Names, arguments, defaults and semantics are TensorFlow's:

* ``fft``/``ifft`` (and the 2-D and 3-D versions) transform the innermost 1, 2 or 3 axes of a
  complex64/complex128 tensor; ``ifft`` divides by the number of points, ``fft`` does not.
* ``rfft``/``irfft`` (and 2-D, 3-D) take ``fft_length``: ``rfft`` crops or zero-pads each
  transformed axis of its real input to ``fft_length`` and returns the ``fft_length[-1] // 2 + 1``
  non-negative frequencies of the last axis; ``irfft`` crops or zero-pads its input to
  ``fft_length[:-1] + [fft_length[-1] // 2 + 1]`` and returns a real signal of shape
  ``fft_length`` (by default ``2 * (n - 1)`` samples for an input of ``n`` bins). float32 goes
  with complex64, float64 with complex128.
* ``frame``/``overlap_and_add``/``stft``/``inverse_stft``, ``dct``/``idct`` (types 1 to 4),
  ``mfccs_from_log_mel_spectrograms`` are differentiable composites of the transforms and of
  array ops (gather, pad, reshape, slices).
* ``hann_window``, ``hamming_window`` and ``linear_to_mel_weight_matrix`` return constants.

Three primitives carry the derivatives, each rule written with primitives so that it
differentiates again. With ``N`` the number of transformed points:

* ``fft_nd`` (complex to complex): the VJP of ``fft`` is ``N * ifft(g)`` and that of ``ifft``
  is ``fft(g) / N`` (the adjoints, TensorFlow's ``_FFTGrad``);
* ``rfft_nd`` (real to half spectrum): the VJP is ``Re(F^H g)`` restricted to the half spectrum,
  computed as ``N * irfft(c * g)`` with ``c = [1, 1/2, ..., 1/2, 1]`` (the last 1 only for
  an even length). ``irfft`` counts the interior bins twice and ignores the imaginary parts of
  the DC and Nyquist bins, which is exactly what the Hermitian-symmetric bins need; this equals
  TensorFlow's ``_RFFTGradHelper`` (``irfft`` plus its "extra terms");
* ``irfft_nd`` (half spectrum to real): the VJP is ``rfft(g) * w / N`` with
  ``w = [1, 2, ..., 2, 1]``, TensorFlow's ``_IRFFTGradHelper`` mask.

Both real transforms are linear, so their JVPs are the transforms of the tangents. The
cropping and padding to ``fft_length`` are separate (differentiable) slices and pads, so
gradients come back in the input's shape for any ``fft_length``. For complex inputs the
gradient of a real loss with respect to ``z`` is ``conj(dL/dz)``, TensorFlow's convention.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, as_dtype, to_array, wrap
from ._rules import normalize_axis
from .array import concat, pad, reshape, reverse, roll, transpose
from .indexing import gather
from .math import cast, real
from .reduce import reduce_sum

TensorLike = Any


# -- the primitives -----------------------------------------------------------------------------
def _axes(rank: int) -> tuple:
    return tuple(range(-rank, 0))


def _complex_of(dtype) -> np.dtype:
    return np.dtype(np.complex64) if np.dtype(dtype) == np.float32 else np.dtype(np.complex128)


def _real_of(dtype) -> np.dtype:
    return np.dtype(np.float32) if np.dtype(dtype) == np.complex64 else np.dtype(np.float64)


def _half_weights(n: int, dtype) -> np.ndarray:
    """``[1, 2, ..., 2, 1]`` over the ``n // 2 + 1`` bins of a real length-``n`` signal: how many
    times each bin counts in the full spectrum (the last 1 only when ``n`` is even)."""
    w = np.full(n // 2 + 1, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return w.astype(dtype)


def _fft_fwd(x, rank, inverse):
    if x.size == 0:
        return np.zeros(x.shape, x.dtype)
    f = np.fft.ifftn if inverse else np.fft.fftn
    return f(x, axes=_axes(rank)).astype(x.dtype, copy=False)


def _fft_vjp(m, g, ans, x, rank, inverse):
    size = math.prod(x.shape[-rank:])
    y = m.fft_nd(g, rank=rank, inverse=not inverse)
    return y * (1.0 / size) if inverse else y * float(size)


def _rfft_fwd(x, rank):
    if x.size == 0:
        return np.zeros(x.shape[:-1] + (x.shape[-1] // 2 + 1,), _complex_of(x.dtype))
    return np.fft.rfftn(x, axes=_axes(rank)).astype(_complex_of(x.dtype), copy=False)


def _rfft_vjp(m, g, ans, x, rank):
    n = x.shape[-1]
    size = math.prod(x.shape[-rank:])
    c = 1.0 / _half_weights(n, np.float64)
    return m.irfft_nd(g * c.astype(_real_of(g.dtype)), rank=rank, n=n) * float(size)


def _irfft_fwd(u, rank, n):
    rdt = _real_of(u.dtype)
    if u.size == 0 or n == 0:
        return np.zeros(u.shape[:-1] + (n,), rdt)
    s = tuple(u.shape[-rank:-1]) + (n,)
    return np.fft.irfftn(u, s=s, axes=_axes(rank)).astype(rdt, copy=False)


def _irfft_vjp(m, g, ans, u, rank, n):
    size = math.prod(u.shape[-rank:-1]) * n
    w = _half_weights(n, np.float64) / size if size else np.zeros(n // 2 + 1)
    return m.rfft_nd(g, rank=rank) * w.astype(g.dtype)


_fft_p = primitive("fft_nd", _fft_fwd, vjp=(_fft_vjp,), jvp="linear", save_args=(), save_out=False)
_rfft_p = primitive("rfft_nd", _rfft_fwd, vjp=(_rfft_vjp,), jvp="linear", save_args=(),
                    save_out=False)
_irfft_p = primitive("irfft_nd", _irfft_fwd, vjp=(_irfft_vjp,), jvp="linear", save_args=(),
                     save_out=False)


# -- argument checks ----------------------------------------------------------------------------
_DIM = {1: "", 2: "2d", 3: "3d"}


def _complex_input(x: TensorLike, op: str, rank: int) -> Tensor:
    if isinstance(x, Tensor):
        t = x
    else:
        arr = to_array(x)
        # TensorFlow converts real Python and NumPy values to complex64 (not real tensors)
        t = wrap(arr.astype(np.complex64) if arr.dtype.kind in "biuf" else arr)
    if t.dtype.name not in ("complex64", "complex128"):
        hint = (f"; for a real signal use gt.signal.rfft{_DIM[rank]}, or convert it with "
                "gt.cast(x, gt.complex64)") if not op.startswith("irfft") else \
               "; convert it with gt.cast(x, gt.complex64)"
        raise TypeError(f"{op}: input must be a complex64 or complex128 tensor, got dtype "
                        f"{t.dtype.name}{hint}")
    if t.ndim < rank:
        raise ValueError(f"{op}: input must have rank >= {rank} (the transform runs over the "
                         f"innermost {rank} axes), got shape {t.shape}")
    return t


def _real_input(x: TensorLike, op: str, rank: int) -> Tensor:
    if isinstance(x, Tensor):
        t = x
    else:
        arr = to_array(x)
        t = wrap(arr.astype(np.float32) if arr.dtype.kind in "iub" else arr)
    if t.dtype.name not in ("float32", "float64"):
        raise TypeError(f"{op}: input must be a float32 or float64 tensor, got dtype "
                        f"{t.dtype.name}; convert it with gt.cast(x, gt.float32)"
                        + (" or take gt.math.real of a complex signal" if t.dtype.kind == "c" else ""))
    if t.ndim < rank:
        raise ValueError(f"{op}: input must have rank >= {rank} (the transform runs over the "
                         f"innermost {rank} axes), got shape {t.shape}")
    return t


def _fft_lengths(fft_length, rank: int, op: str) -> tuple | None:
    if fft_length is None:
        return None
    v = fft_length.numpy() if isinstance(fft_length, Tensor) else fft_length
    a = np.asarray(v)
    if a.shape != (rank,) or (a.size and a.dtype.kind not in "iu"):
        raise ValueError(f"{op}: fft_length must be a list of {rank} integer(s), one per "
                         f"transformed axis, e.g. {[8] * rank}; got {v!r}")
    if (a < 0).any():
        raise ValueError(f"{op}: fft_length must not be negative, got {v!r}")
    return tuple(int(i) for i in a)


def _int_arg(v, op: str, arg: str, low: int | None = None) -> int:
    if isinstance(v, Tensor):
        v = v.numpy()
    if isinstance(v, (bool, np.bool_)) or np.ndim(v) != 0 or np.asarray(v).dtype.kind not in "iu":
        raise TypeError(f"{op}: {arg} must be an integer, got {v!r}")
    v = int(v)
    if low is not None and v < low:
        raise ValueError(f"{op}: {arg} must be >= {low}, got {v}")
    return v


def _fit(x: Tensor, sizes: Sequence[int]) -> Tensor:
    """Crop or zero-pad the last ``len(sizes)`` axes of ``x`` to ``sizes``."""
    k = len(sizes)
    have = tuple(x.shape[-k:])
    if any(h > s for h, s in zip(have, sizes)):
        x = x[(Ellipsis,) + tuple(slice(0, s) for s in sizes)]
    extra = [max(0, s - h) for h, s in zip(have, sizes)]
    if any(extra):
        x = pad(x, [[0, 0]] * (x.ndim - k) + [[0, e] for e in extra])
    return x


# -- complex FFTs -------------------------------------------------------------------------------
def _fft(x, rank: int, inverse: bool, op: str) -> Tensor:
    t = _complex_input(x, op, rank)
    return bind(_fft_p, t, rank=rank, inverse=inverse)


def fft(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The discrete Fourier transform over the innermost axis of a complex tensor.

    >>> import gradtape as gt
    >>> x = gt.constant([1.0, 2.0, 3.0, 4.0], gt.complex64)
    >>> gt.signal.fft(x).numpy()
    array([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j], dtype=complex64)
    """
    return _fft(input, 1, False, "fft")


def ifft(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """The inverse discrete Fourier transform (divided by ``n``) over the innermost axis.

    >>> import gradtape as gt
    >>> gt.signal.ifft(gt.constant([4.0, 0.0, 0.0, 0.0], gt.complex64)).numpy()
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j], dtype=complex64)
    """
    return _fft(input, 1, True, "ifft")


def fft2d(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """The 2-D discrete Fourier transform over the innermost two axes of a complex tensor.

    >>> import gradtape as gt
    >>> gt.signal.fft2d(gt.ones((2, 2), gt.complex64)).numpy()
    array([[4.+0.j, 0.+0.j],
           [0.+0.j, 0.+0.j]], dtype=complex64)
    """
    return _fft(input, 2, False, "fft2d")


def ifft2d(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """The 2-D inverse discrete Fourier transform over the innermost two axes.

    >>> import gradtape as gt
    >>> gt.signal.ifft2d(gt.constant([[4.0, 0.0], [0.0, 0.0]], gt.complex64)).numpy()
    array([[1.+0.j, 1.+0.j],
           [1.+0.j, 1.+0.j]], dtype=complex64)
    """
    return _fft(input, 2, True, "ifft2d")


def fft3d(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """The 3-D discrete Fourier transform over the innermost three axes of a complex tensor.

    >>> import gradtape as gt
    >>> y = gt.signal.fft3d(gt.ones((2, 2, 2), gt.complex64))
    >>> y.shape, complex(y.numpy()[0, 0, 0])
    ((2, 2, 2), (8+0j))
    """
    return _fft(input, 3, False, "fft3d")


def ifft3d(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002
    """The 3-D inverse discrete Fourier transform over the innermost three axes.

    >>> import gradtape as gt
    >>> y = gt.signal.ifft3d(gt.ones((2, 2, 2), gt.complex64))
    >>> y.shape, complex(y.numpy()[0, 0, 0])
    ((2, 2, 2), (1+0j))
    """
    return _fft(input, 3, True, "ifft3d")


# -- real FFTs ----------------------------------------------------------------------------------
def _rfft(x, fft_length, rank: int, op: str) -> Tensor:
    t = _real_input(x, op, rank)
    lengths = _fft_lengths(fft_length, rank, op) or tuple(t.shape[-rank:])
    return bind(_rfft_p, _fit(t, lengths), rank=rank)


def _irfft(x, fft_length, rank: int, op: str) -> Tensor:
    t = _complex_input(x, op, rank)
    lengths = _fft_lengths(fft_length, rank, op)
    if lengths is None:
        lengths = tuple(t.shape[-rank:-1]) + (max(0, 2 * (t.shape[-1] - 1)),)
    u = _fit(t, lengths[:-1] + (lengths[-1] // 2 + 1,))
    return bind(_irfft_p, u, rank=rank, n=lengths[-1])


def rfft(input_tensor: TensorLike, fft_length: Sequence[int] | None = None,
         name: str | None = None) -> Tensor:
    """The Fourier transform of a real signal over its innermost axis (non-negative frequencies).

    The input is cropped or zero-padded to ``fft_length`` (default: its length) first; the
    result has ``fft_length // 2 + 1`` frequencies, complex64 for float32 and complex128 for
    float64.

    >>> import gradtape as gt
    >>> gt.signal.rfft(gt.constant([1.0, 2.0, 3.0, 4.0])).numpy()
    array([10.+0.j, -2.+2.j, -2.+0.j], dtype=complex64)
    >>> gt.signal.rfft(gt.constant([1.0, 2.0, 3.0, 4.0]), fft_length=[8]).shape
    (5,)
    """
    return _rfft(input_tensor, fft_length, 1, "rfft")


def irfft(input_tensor: TensorLike, fft_length: Sequence[int] | None = None,
          name: str | None = None) -> Tensor:
    """The inverse of :func:`rfft`: a real signal from the non-negative frequencies of the last axis.

    The result has ``fft_length`` samples (default ``2 * (n - 1)`` for ``n`` bins); the input
    is cropped or zero-padded to ``fft_length // 2 + 1`` bins first. The imaginary parts of the
    DC (and, for an even length, Nyquist) bins are ignored.

    >>> import gradtape as gt
    >>> gt.signal.irfft(gt.constant([10.0, -2 + 2j, -2.0], gt.complex64)).numpy()
    array([1., 2., 3., 4.], dtype=float32)
    """
    return _irfft(input_tensor, fft_length, 1, "irfft")


def rfft2d(input_tensor: TensorLike, fft_length: Sequence[int] | None = None,
           name: str | None = None) -> Tensor:
    """The 2-D Fourier transform of a real signal over its innermost two axes.

    Each axis is cropped or zero-padded to ``fft_length`` first; the last axis keeps its
    ``fft_length[-1] // 2 + 1`` non-negative frequencies.

    >>> import gradtape as gt
    >>> gt.signal.rfft2d(gt.ones((3, 4)), fft_length=[2, 6]).shape
    (2, 4)
    """
    return _rfft(input_tensor, fft_length, 2, "rfft2d")


def irfft2d(input_tensor: TensorLike, fft_length: Sequence[int] | None = None,
            name: str | None = None) -> Tensor:
    """The inverse of :func:`rfft2d`: a real signal of shape ``fft_length`` on the innermost two axes.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(12.0), (3, 4))
    >>> y = gt.signal.irfft2d(gt.signal.rfft2d(x), fft_length=[3, 4])
    >>> y.numpy().round(4)[0]
    array([0., 1., 2., 3.], dtype=float32)
    """
    return _irfft(input_tensor, fft_length, 2, "irfft2d")


def rfft3d(input_tensor: TensorLike, fft_length: Sequence[int] | None = None,
           name: str | None = None) -> Tensor:
    """The 3-D Fourier transform of a real signal over its innermost three axes.

    >>> import gradtape as gt
    >>> gt.signal.rfft3d(gt.ones((2, 3, 4))).shape
    (2, 3, 3)
    """
    return _rfft(input_tensor, fft_length, 3, "rfft3d")


def irfft3d(input_tensor: TensorLike, fft_length: Sequence[int] | None = None,
            name: str | None = None) -> Tensor:
    """The inverse of :func:`rfft3d`: a real signal of shape ``fft_length`` on the innermost three axes.

    >>> import gradtape as gt
    >>> gt.signal.irfft3d(gt.ones((2, 3, 3), gt.complex64)).shape
    (2, 3, 4)
    """
    return _irfft(input_tensor, fft_length, 3, "irfft3d")


# -- shifts -------------------------------------------------------------------------------------
def _shift(x, axes, sign: int) -> Tensor:
    t = x if isinstance(x, Tensor) else wrap(to_array(x))
    if axes is None:
        ax = list(range(t.ndim))
    elif isinstance(axes, (int, np.integer)):
        ax = [int(axes)]
    else:
        ax = [int(a) for a in (axes.numpy() if isinstance(axes, Tensor) else axes)]
    ax = [normalize_axis(a, t.ndim, "fftshift" if sign > 0 else "ifftshift", "axes") for a in ax]
    if not ax:
        return t
    return roll(t, [sign * (t.shape[a] // 2) for a in ax], ax)


def fftshift(x: TensorLike, axes: int | Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """Move the zero-frequency term to the centre, as ``numpy.fft.fftshift``.

    Each of ``axes`` (default: all) is rolled by half its length.

    >>> import gradtape as gt
    >>> gt.signal.fftshift(gt.constant([0.0, 1.0, 2.0, -2.0, -1.0])).numpy()
    array([-2., -1.,  0.,  1.,  2.], dtype=float32)
    """
    return _shift(x, axes, 1)


def ifftshift(x: TensorLike, axes: int | Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """The inverse of :func:`fftshift` (they differ by one sample for odd lengths).

    >>> import gradtape as gt
    >>> gt.signal.ifftshift(gt.constant([-2.0, -1.0, 0.0, 1.0, 2.0])).numpy()
    array([ 0.,  1.,  2., -2., -1.], dtype=float32)
    """
    return _shift(x, axes, -1)


# -- windows ------------------------------------------------------------------------------------
def _raised_cosine(op: str, window_length, periodic, dtype, a: float, b: float) -> Tensor:
    dt = as_dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"{op}: dtype must be a floating point type (e.g. gt.float32), got {dt.name}")
    n = _int_arg(window_length, op, "window_length", 0)
    if isinstance(periodic, Tensor):
        periodic = periodic.numpy()
    periodic = bool(periodic)
    if n == 1:
        return wrap(np.ones(1, dt))
    even = 1 - n % 2
    denom = dt.type(n + int(periodic) * even - 1)
    count = np.arange(n).astype(dt)
    cos_arg = dt.type(2 * np.pi) * count / denom
    return wrap((dt.type(a) - dt.type(b) * np.cos(cos_arg)).astype(dt))


def hann_window(window_length: int, periodic: bool = True, dtype: Any = np.float32,
                name: str | None = None) -> Tensor:
    """A Hann window ``0.5 - 0.5 cos(2 pi k / N)`` of ``window_length`` samples (a constant).

    As in TensorFlow, ``N`` is ``window_length`` for a periodic window of even length and
    ``window_length - 1`` otherwise.

    >>> import gradtape as gt
    >>> gt.signal.hann_window(4).numpy()
    array([0. , 0.5, 1. , 0.5], dtype=float32)
    """
    return _raised_cosine("hann_window", window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length: int, periodic: bool = True, dtype: Any = np.float32,
                   name: str | None = None) -> Tensor:
    """A Hamming window ``0.54 - 0.46 cos(2 pi k / N)`` of ``window_length`` samples (a constant).

    >>> import gradtape as gt
    >>> gt.signal.hamming_window(4).numpy().round(4)
    array([0.08, 0.54, 1.  , 0.54], dtype=float32)
    """
    return _raised_cosine("hamming_window", window_length, periodic, dtype, 0.54, 0.46)


# -- framing ------------------------------------------------------------------------------------
def _as_tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else wrap(to_array(x))


def frame(signal: TensorLike, frame_length: int, frame_step: int, pad_end: bool = False,
          pad_value: Any = 0, axis: int = -1, name: str | None = None) -> Tensor:
    """Frames of ``frame_length`` samples taken every ``frame_step`` samples along ``axis``.

    The result has shape ``outer + [num_frames, frame_length] + inner``.

    Without ``pad_end`` only whole frames are kept; with it the signal is padded at the end with
    ``pad_value`` so that every sample starts a frame's worth of samples
    (``num_frames = ceil(length / frame_step)``).

    >>> import gradtape as gt
    >>> gt.signal.frame(gt.range(5.0), 3, 2).numpy()
    array([[0., 1., 2.],
           [2., 3., 4.]], dtype=float32)
    >>> gt.signal.frame(gt.range(5.0), 3, 2, pad_end=True).shape
    (3, 3)
    """
    x = _as_tensor(signal)
    if x.ndim < 1:
        raise ValueError(f"frame: signal must have rank >= 1, got shape {x.shape}")
    frame_length = _int_arg(frame_length, "frame", "frame_length", 1)
    frame_step = _int_arg(frame_step, "frame", "frame_step", 1)
    ax = normalize_axis(axis, x.ndim, "frame")
    length = x.shape[ax]
    if pad_end:
        num_frames = -(-length // frame_step)
        extra = max(0, frame_length + frame_step * (num_frames - 1) - length)
        if extra:
            paddings = [[0, 0] for _ in range(x.ndim)]
            paddings[ax] = [0, extra]
            pv = pad_value.numpy() if isinstance(pad_value, Tensor) else pad_value
            if np.ndim(pv) != 0:
                raise ValueError(f"frame: pad_value must be a scalar, got shape {np.shape(pv)}")
            x = pad(x, paddings, constant_values=pv)
    else:
        num_frames = max(0, 1 + (length - frame_length) // frame_step)
    index = (frame_step * np.arange(num_frames)[:, None] + np.arange(frame_length)[None, :])
    return gather(x, index.astype(np.int64), axis=ax)


def overlap_and_add(signal: TensorLike, frame_step: int, name: str | None = None) -> Tensor:
    """The sum of frames ``[..., frames, frame_length]`` placed every ``frame_step`` samples.

    The result has ``(frames - 1) * frame_step + frame_length`` samples; it undoes :func:`frame`
    up to the number of frames that overlap at each sample. A ``frame_step`` larger than
    ``frame_length`` leaves zeros between the frames.

    >>> import gradtape as gt
    >>> gt.signal.overlap_and_add(gt.ones((3, 4)), 2).numpy()
    array([1., 1., 2., 2., 2., 2., 1., 1.], dtype=float32)
    """
    x = _as_tensor(signal)
    if x.ndim < 2:
        raise ValueError(f"overlap_and_add: signal must have rank >= 2 ([..., frames, "
                         f"frame_length]), got shape {x.shape}")
    frame_step = _int_arg(frame_step, "overlap_and_add", "frame_step", 1)
    outer = tuple(x.shape[:-2])
    frames, frame_length = x.shape[-2], x.shape[-1]
    output_size = (frames - 1) * frame_step + frame_length
    segments = -(-frame_length // frame_step)
    r = len(outer)
    x = pad(x, [[0, 0]] * r + [[0, segments], [0, segments * frame_step - frame_length]])
    x = reshape(x, outer + (frames + segments, segments, frame_step))
    x = transpose(x, tuple(range(r)) + (r + 1, r, r + 2))
    x = reshape(x, outer + ((frames + segments) * segments, frame_step))
    x = x[..., :(frames + segments - 1) * segments, :]
    x = reshape(x, outer + (segments, frames + segments - 1, frame_step))
    x = reduce_sum(x, -3)
    x = reshape(x, outer + ((frames + segments - 1) * frame_step,))
    return x[..., :max(output_size, 0)]


# -- short-time Fourier transforms --------------------------------------------------------------
def _enclosing_power_of_two(n: int) -> int:
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


def stft(signals: TensorLike, frame_length: int, frame_step: int, fft_length: int | None = None,
         window_fn: Callable | None = hann_window, pad_end: bool = False,
         name: str | None = None) -> Tensor:
    """The short-time Fourier transform of real ``[..., samples]`` signals.

    The result has shape ``[..., frames, fft_length // 2 + 1]``; ``fft_length`` defaults to the
    smallest power of two that holds ``frame_length``.

    Each frame is multiplied by ``window_fn(frame_length, dtype=...)`` (None: no window) and
    cropped or zero-padded to ``fft_length`` before its :func:`rfft`.

    >>> import gradtape as gt
    >>> gt.signal.stft(gt.zeros((2, 100)), frame_length=20, frame_step=10).shape
    (2, 9, 17)
    """
    x = _real_input(signals, "stft", 1)
    frame_length = _int_arg(frame_length, "stft", "frame_length", 1)
    frame_step = _int_arg(frame_step, "stft", "frame_step", 1)
    if fft_length is None:
        fft_length = _enclosing_power_of_two(frame_length)
    else:
        fft_length = _int_arg(fft_length, "stft", "fft_length", 1)
    framed = frame(x, frame_length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        window = window_fn(frame_length, dtype=framed.dtype)
        framed = framed * window
    return rfft(framed, [fft_length])


def inverse_stft_window_fn(frame_step: int, forward_window_fn: Callable = hann_window,
                           name: str | None = None) -> Callable:
    """A window function for :func:`inverse_stft` that undoes the weighting of ``forward_window_fn``.

    The window is the forward window divided by the overlap-added squares of the forward window
    (0 where both are 0, as TensorFlow).

    >>> import gradtape as gt
    >>> fn = gt.signal.inverse_stft_window_fn(2)
    >>> fn(4, dtype=gt.float32).numpy()
    array([0., 1., 1., 1.], dtype=float32)
    """
    frame_step = _int_arg(frame_step, "inverse_stft_window_fn", "frame_step", 1)

    def inverse_stft_window_fn_inner(frame_length: int, dtype: Any) -> Tensor:
        frame_length = _int_arg(frame_length, "inverse_stft_window_fn", "frame_length", 1)
        forward = _as_tensor(forward_window_fn(frame_length, dtype=dtype))
        denom = forward * forward
        overlaps = -(-frame_length // frame_step)
        denom = pad(denom, [[0, overlaps * frame_step - frame_length]])
        denom = reshape(denom, (overlaps, frame_step))
        denom = reduce_sum(denom, 0, keepdims=True)
        denom = reshape(denom * np.ones((overlaps, 1), denom.dtype), (overlaps * frame_step,))
        denom = denom[:frame_length]
        # 0 where the window and the overlap-added squares both vanish (TensorFlow's 0 / 0)
        safe = wrap(np.where(np.asarray(denom._value) == 0, 1, 0).astype(denom.dtype))
        return forward / (denom + safe)

    return inverse_stft_window_fn_inner


def inverse_stft(stfts: TensorLike, frame_length: int, frame_step: int,
                 fft_length: int | None = None, window_fn: Callable | None = hann_window,
                 name: str | None = None) -> Tensor:
    """The inverse short-time Fourier transform of complex ``[..., frames, bins]`` ``stfts``.

    Each frame's :func:`irfft` (of ``fft_length`` samples) is cropped or zero-padded to
    ``frame_length``, windowed, and overlap-added every ``frame_step`` samples.

    For a perfect reconstruction pass ``window_fn=gt.signal.inverse_stft_window_fn(frame_step)``.

    >>> import gradtape as gt
    >>> x = gt.sin(gt.range(64.0) / 3.0)
    >>> s = gt.signal.stft(x, 16, 4)
    >>> y = gt.signal.inverse_stft(s, 16, 4, window_fn=gt.signal.inverse_stft_window_fn(4))
    >>> float(gt.reduce_max(gt.abs(y[12:-12] - x[12:-12]))) < 1e-5
    True
    """
    s = _complex_input(stfts, "inverse_stft", 2)
    frame_length = _int_arg(frame_length, "inverse_stft", "frame_length", 1)
    frame_step = _int_arg(frame_step, "inverse_stft", "frame_step", 1)
    if fft_length is None:
        fft_length = _enclosing_power_of_two(frame_length)
    else:
        fft_length = _int_arg(fft_length, "inverse_stft", "fft_length", 1)
    frames = irfft(s, [fft_length])
    frames = _fit(frames, [frame_length])
    if window_fn is not None:
        window = window_fn(frame_length, dtype=frames.dtype)
        frames = frames * window
    return overlap_and_add(frames, frame_step)


# -- discrete cosine transforms -----------------------------------------------------------------
def _check_dct(x: Tensor, type: int, n, axis, norm, op: str) -> int | None:  # noqa: A002
    if axis != -1:
        raise NotImplementedError(f"{op}: axis must be -1 (as in TensorFlow), got {axis}; move the "
                                  "axis last with gt.transpose")
    if n is not None:
        n = _int_arg(n, op, "n")
        if n < 1:
            raise ValueError(f"{op}: n must be a positive integer or None, got {n}")
    if type not in (1, 2, 3, 4):
        raise ValueError(f"{op}: type must be 1, 2, 3 or 4, got {type!r}")
    if norm not in (None, "ortho"):
        raise ValueError(f"{op}: norm must be None or 'ortho', got {norm!r}")
    if type == 1:
        if norm == "ortho":
            raise ValueError(f"{op}: norm='ortho' is not supported for the type-I DCT; use "
                             "norm=None")
        if x.shape[-1] < 2:
            raise ValueError(f"{op}: the type-I DCT needs at least 2 samples on the last axis, got "
                             f"shape {x.shape}")
    return n


def _dct(x: Tensor, type: int, n: int | None, norm: str | None) -> Tensor:  # noqa: A002
    if n is not None:
        x = _fit(x, [n])
    size = x.shape[-1]
    rdt = x.dtype
    cdt = _complex_of(rdt)
    k = np.arange(size, dtype=np.float64)
    if type == 1:
        ext = concat([x, reverse(x[..., 1:-1], [-1])], axis=-1)
        return real(rfft(ext))
    if type == 2:
        scale = (2.0 * np.exp(-0.5j * np.pi * k / size)).astype(cdt)
        y = real(rfft(x, [2 * size])[..., :size] * scale)
        if norm == "ortho":
            w = np.full(size, math.sqrt(0.5 / size))
            w[:1] = 0.5 / math.sqrt(size)
            y = y * w.astype(rdt)
        return y
    if type == 3:
        if norm == "ortho":
            w = np.full(size, math.sqrt(0.5 * size))
            w[:1] = math.sqrt(size)
            x = x * w.astype(rdt)
        else:
            x = x * float(size)
        scale = (2.0 * np.exp(0.5j * np.pi * k / size)).astype(cdt)
        return irfft(cast(x, cdt) * scale, [2 * size])[..., :size]
    y = _dct(x, 2, 2 * size, None)[..., 1::2]
    return y * math.sqrt(0.5 / size) if norm == "ortho" else y


def dct(input: TensorLike, type: int = 2, n: int | None = None, axis: int = -1,  # noqa: A002
        norm: str | None = None, name: str | None = None) -> Tensor:
    """The discrete cosine transform (types 1 to 4) of real ``[..., samples]`` signals.

    The scaling is ``scipy.fftpack.dct``'s (``norm="ortho"``: orthonormal, types 2 to 4);
    type 2 is ``y[k] = 2 sum_n x[n] cos(pi k (2n + 1) / (2N))``. ``n`` crops or zero-pads the
    input to ``n`` samples first; ``axis`` must be -1, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.signal.dct(gt.constant([1.0, 1.0, 1.0, 1.0])).numpy().round(4) + 0.0
    array([8., 0., 0., 0.], dtype=float32)
    """
    x = _real_input(input, "dct", 1)
    n = _check_dct(x, type, n, axis, norm, "dct")
    return _dct(x, type, n, norm)


def idct(input: TensorLike, type: int = 2, n: int | None = None, axis: int = -1,  # noqa: A002
         norm: str | None = None, name: str | None = None) -> Tensor:
    """The inverse DCT: the DCT of the inverse type (type 2 and 3 swap, 1 and 4 are their own).

    Without ``norm`` it is an inverse up to ``1 / (2N)`` (``x == idct(dct(x)) / (2N)``; for
    type 1, ``1 / (2(N - 1))``); with ``norm="ortho"`` it is exact.

    >>> import gradtape as gt
    >>> x = gt.constant([1.0, 2.0, 3.0])
    >>> (gt.signal.idct(gt.signal.dct(x)) / 6.0).numpy().round(4)
    array([1., 2., 3.], dtype=float32)
    """
    x = _real_input(input, "idct", 1)
    n = _check_dct(x, type, n, axis, norm, "idct")
    return _dct(x, {1: 1, 2: 3, 3: 2, 4: 4}[type], n, norm)


# -- mel spectrograms ---------------------------------------------------------------------------
def _float_arg(v, op: str, arg: str) -> float:
    if isinstance(v, Tensor):
        v = v.numpy()
    try:
        return float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: {arg} must be a number, got {v!r}") from None


def linear_to_mel_weight_matrix(num_mel_bins: int = 20, num_spectrogram_bins: int = 129,
                                sample_rate: float = 8000, lower_edge_hertz: float = 125.0,
                                upper_edge_hertz: float = 3800.0, dtype: Any = np.float32,
                                name: str | None = None) -> Tensor:
    """A ``[num_spectrogram_bins, num_mel_bins]`` matrix of triangular mel filters (a constant).

    Multiply linear spectrograms by it to get mel spectrograms. The filters are triangles on
    HTK's mel scale ``1127 ln(1 + f / 700)``; the DC bin gets no weight.

    >>> import gradtape as gt
    >>> w = gt.signal.linear_to_mel_weight_matrix(4, 9, 8000, 100.0, 4000.0)
    >>> w.shape, w.dtype
    ((9, 4), dtype('float32'))
    >>> float(gt.reduce_max(w)) <= 1.0
    True
    """
    op = "linear_to_mel_weight_matrix"
    dt = as_dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"{op}: dtype must be a floating point type (e.g. gt.float32), got {dt.name}")
    num_mel_bins = _int_arg(num_mel_bins, op, "num_mel_bins")
    num_spectrogram_bins = _int_arg(num_spectrogram_bins, op, "num_spectrogram_bins")
    sample_rate = _float_arg(sample_rate, op, "sample_rate")
    lower = _float_arg(lower_edge_hertz, op, "lower_edge_hertz")
    upper = _float_arg(upper_edge_hertz, op, "upper_edge_hertz")
    if num_mel_bins <= 0:
        raise ValueError(f"{op}: num_mel_bins must be positive, got {num_mel_bins}")
    if num_spectrogram_bins <= 0:
        raise ValueError(f"{op}: num_spectrogram_bins must be positive, got {num_spectrogram_bins}")
    if lower < 0.0:
        raise ValueError(f"{op}: lower_edge_hertz must be non-negative, got {lower}")
    if lower >= upper:
        raise ValueError(f"{op}: lower_edge_hertz ({lower}) must be smaller than upper_edge_hertz "
                         f"({upper})")
    if sample_rate <= 0.0:
        raise ValueError(f"{op}: sample_rate must be positive, got {sample_rate}")
    if upper > sample_rate / 2:
        raise ValueError(f"{op}: upper_edge_hertz ({upper}) must not be larger than the Nyquist "
                         f"frequency sample_rate / 2 ({sample_rate / 2}); lower it or raise "
                         "sample_rate")
    t = dt.type

    def hertz_to_mel(f):
        return t(1127.0) * np.log(t(1.0) + f / t(700.0))

    nyquist = t(sample_rate) / t(2.0)
    linear = np.linspace(t(0.0), nyquist, num_spectrogram_bins, dtype=dt)[1:]
    bins_mel = hertz_to_mel(linear)[:, None]
    edges = np.linspace(hertz_to_mel(t(lower)), hertz_to_mel(t(upper)), num_mel_bins + 2, dtype=dt)
    lower_mel, center_mel, upper_mel = edges[None, :-2], edges[None, 1:-1], edges[None, 2:]
    lower_slopes = (bins_mel - lower_mel) / (center_mel - lower_mel)
    upper_slopes = (upper_mel - bins_mel) / (upper_mel - center_mel)
    weights = np.maximum(t(0.0), np.minimum(lower_slopes, upper_slopes))
    return wrap(np.pad(weights, [[1, 0], [0, 0]]).astype(dt))


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms: TensorLike,
                                    name: str | None = None) -> Tensor:
    """Mel-frequency cepstral coefficients of ``[..., num_mel_bins]`` log-mel spectrograms.

    They are the type-2 DCT scaled by ``1 / sqrt(2 * num_mel_bins)`` (HTK's scaling); keep the
    first 13 or so.

    >>> import gradtape as gt
    >>> gt.signal.mfccs_from_log_mel_spectrograms(gt.ones((2, 8))).numpy().round(4)[0, :3] + 0.0
    array([4., 0., 0.], dtype=float32)
    """
    x = _real_input(log_mel_spectrograms, "mfccs_from_log_mel_spectrograms", 1)
    num_mel_bins = x.shape[-1]
    if num_mel_bins < 1:
        raise ValueError("mfccs_from_log_mel_spectrograms: the last axis (the mel bins) must not be "
                         f"empty, got shape {x.shape}")
    return dct(x, type=2) * (1.0 / math.sqrt(2.0 * num_mel_bins))


__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d",
           "rfft", "irfft", "rfft2d", "irfft2d", "rfft3d", "irfft3d",
           "fftshift", "ifftshift", "hann_window", "hamming_window",
           "frame", "overlap_and_add", "stft", "inverse_stft", "inverse_stft_window_fn",
           "dct", "idct", "linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms"]

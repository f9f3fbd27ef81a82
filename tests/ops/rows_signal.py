"""Table rows: signal processing (gradtape/ops/signal.py).

References are NumPy's FFTs (``np.fft``), framing by index arithmetic, and the DCTs by their
defining cosine sums (``scipy.fftpack``'s scaling, which TensorFlow follows). Rows on complex
inputs (``fft``, ``irfft``, ``inverse_stft``) use ``complex=True``; the Hermitian-symmetric
bins of ``irfft`` (imaginary parts of the DC and Nyquist bins, which it ignores) are part of
the perturbed inputs.
"""

import numpy as np

import gradtape as gt

from .table import Row

sig = gt.signal


# -- references -----------------------------------------------------------------------------
def _frame_ref(x, frame_length, frame_step, pad_end=False, pad_value=0.0, axis=-1):
    x = np.moveaxis(x, axis, -1)
    n = x.shape[-1]
    if pad_end:
        frames = -(-n // frame_step)
        extra = max(0, frame_length + frame_step * (frames - 1) - n)
        x = np.concatenate([x, np.full(x.shape[:-1] + (extra,), pad_value)], -1)
    else:
        frames = max(0, 1 + (n - frame_length) // frame_step)
    out = np.stack([x[..., i * frame_step:i * frame_step + frame_length] for i in range(frames)], -2)
    # out: moved + [frames, frame_length]; put the two new axes where ``axis`` was
    ax = axis % (x.ndim)
    return np.moveaxis(np.moveaxis(out, -2, ax), -1, ax + 1)


def _ola_ref(x, step):
    frames, length = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + ((frames - 1) * step + length,), x.dtype)
    for i in range(frames):
        out[..., i * step:i * step + length] += x[..., i, :]
    return out


def _hann(n):
    if n == 1:
        return np.ones(1)
    d = n if n % 2 == 0 else n - 1
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / d)


def _stft_ref(x, frame_length, frame_step, fft_length, pad_end=False):
    frames = _frame_ref(x, frame_length, frame_step, pad_end=pad_end) * _hann(frame_length)
    return np.fft.rfft(frames, fft_length)


def _istft_ref(s, frame_length, frame_step, fft_length):
    frames = np.fft.irfft(s, fft_length)
    if fft_length >= frame_length:
        frames = frames[..., :frame_length]
    else:
        frames = np.concatenate([frames, np.zeros(frames.shape[:-1] + (frame_length - fft_length,))], -1)
    return _ola_ref(frames * _hann(frame_length), frame_step)


def _dct_ref(x, type=2, n=None, norm=None):  # noqa: A002
    if n is not None:
        x = x[..., :n] if n <= x.shape[-1] else np.concatenate(
            [x, np.zeros(x.shape[:-1] + (n - x.shape[-1],))], -1)
    size = x.shape[-1]
    j = np.arange(size)[:, None]  # input index
    k = np.arange(size)[None, :]  # output index
    if type == 1:
        c = 2 * np.cos(np.pi * j * k / (size - 1))
        c[0, :] = 1.0
        c[-1, :] = (-1.0) ** np.arange(size)
        return x @ c
    if type == 2:
        y = x @ (2 * np.cos(np.pi * k * (2 * j + 1) / (2 * size)))
        if norm == "ortho":
            y = y * np.sqrt(1 / (2 * size))
            y[..., 0] *= np.sqrt(0.5)
        return y
    if type == 3:
        c = 2 * np.cos(np.pi * j * (2 * k + 1) / (2 * size))
        c[0, :] = 1.0
        if norm == "ortho":
            c[0, :] = 1 / np.sqrt(size)
            c[1:, :] *= np.sqrt(1 / (2 * size))
        return x @ c
    y = x @ (2 * np.cos(np.pi * (2 * j + 1) * (2 * k + 1) / (4 * size)))
    return y * np.sqrt(1 / (2 * size)) if norm == "ortho" else y


_INVERSE = {1: 1, 2: 3, 3: 2, 4: 4}


def _dct_rows():
    rows = []
    for t in (1, 2, 3, 4):
        shapes = [((5,),), ((2, 4),)] if t == 1 else [((1,),), ((5,),), ((2, 4),), ((0, 3),)]
        for norm in ((None,) if t == 1 else (None, "ortho")):
            tag = f"type{t}" + ("_ortho" if norm else "")
            rows.append(Row(f"dct_{tag}", lambda x, t=t, norm=norm: sig.dct(x, type=t, norm=norm),
                            lambda x, t=t, norm=norm: _dct_ref(x, t, None, norm), shapes))
            rows.append(Row(f"idct_{tag}", lambda x, t=t, norm=norm: sig.idct(x, type=t, norm=norm),
                            lambda x, t=t, norm=norm: _dct_ref(x, _INVERSE[t], None, norm),
                            [((4,),)]))
    rows.append(Row("dct_n_crop", lambda x: sig.dct(x, n=3), lambda x: _dct_ref(x, 2, 3), [((2, 5),)]))
    rows.append(Row("dct_n_pad_type4", lambda x: sig.dct(x, type=4, n=6, norm="ortho"),
                    lambda x: _dct_ref(x, 4, 6, "ortho"), [((4,),)]))
    rows.append(Row("idct_n_pad", lambda x: sig.idct(x, n=6), lambda x: _dct_ref(x, 3, 6), [((4,),)]))
    return rows


ROWS = [
    # -- complex FFTs ---------------------------------------------------------------------------
    Row("fft", sig.fft, lambda x: np.fft.fft(x) if x.size else x.copy(), [((4,),), ((2, 3),), ((0,),), ((1,),)],
        complex=True),
    Row("ifft", sig.ifft, np.fft.ifft, [((5,),), ((2, 4),)], complex=True),
    Row("fft2d", sig.fft2d, np.fft.fft2, [((3, 4),), ((2, 2, 3),)], complex=True),
    Row("ifft2d", sig.ifft2d, np.fft.ifft2, [((3, 4),)], complex=True),
    Row("fft3d", sig.fft3d, lambda x: np.fft.fftn(x, axes=(-3, -2, -1)), [((2, 3, 2),)], complex=True),
    Row("ifft3d", sig.ifft3d, lambda x: np.fft.ifftn(x, axes=(-3, -2, -1)), [((2, 2, 3),)],
        complex=True),

    # -- real FFTs ------------------------------------------------------------------------------
    Row("rfft", sig.rfft, np.fft.rfft, [((4,),), ((5,),), ((2, 6),), ((0, 4),), ((1,),)]),
    Row("rfft_fft_length_pad", lambda x: sig.rfft(x, [8]), lambda x: np.fft.rfft(x, 8), [((5,),)]),
    Row("rfft_fft_length_crop", lambda x: sig.rfft(x, [3]), lambda x: np.fft.rfft(x, 3), [((2, 5),)]),
    Row("irfft", sig.irfft, np.fft.irfft, [((3,),), ((2, 4),)], complex=True),
    Row("irfft_fft_length_odd", lambda u: sig.irfft(u, [5]), lambda u: np.fft.irfft(u, 5), [((3,),)],
        complex=True),
    Row("irfft_fft_length_crop", lambda u: sig.irfft(u, [4]), lambda u: np.fft.irfft(u, 4),
        [((5,),)], complex=True),
    Row("irfft_fft_length_pad", lambda u: sig.irfft(u, [10]), lambda u: np.fft.irfft(u, 10),
        [((2, 3),)], complex=True),
    Row("rfft2d", sig.rfft2d, np.fft.rfft2, [((3, 4),), ((2, 3, 5),)]),
    Row("rfft2d_fft_length", lambda x: sig.rfft2d(x, [4, 3]), lambda x: np.fft.rfft2(x, (4, 3)),
        [((3, 5),)]),
    Row("irfft2d", sig.irfft2d, np.fft.irfft2, [((3, 3),), ((2, 2, 4),)], complex=True),
    Row("irfft2d_fft_length", lambda u: sig.irfft2d(u, [2, 5]), lambda u: np.fft.irfft2(u, (2, 5)),
        [((3, 4),)], complex=True),
    Row("rfft3d", sig.rfft3d, lambda x: np.fft.rfftn(x, axes=(-3, -2, -1)), [((2, 3, 4),)]),
    Row("rfft3d_fft_length", lambda x: sig.rfft3d(x, [3, 2, 5]),
        lambda x: np.fft.rfftn(x, (3, 2, 5), axes=(-3, -2, -1)), [((2, 3, 4),)]),
    Row("irfft3d", sig.irfft3d, lambda u: np.fft.irfftn(u, axes=(-3, -2, -1)), [((2, 2, 3),)],
        complex=True),
    Row("irfft3d_fft_length", lambda u: sig.irfft3d(u, [2, 3, 5]),
        lambda u: np.fft.irfftn(u, (2, 3, 5), axes=(-3, -2, -1)), [((2, 2, 3),)], complex=True),

    # -- shifts ---------------------------------------------------------------------------------
    Row("fftshift", sig.fftshift, lambda x: np.fft.fftshift(x) if x.ndim else x.copy(),
        [((5,),), ((2, 3),), ((),)]),
    Row("fftshift_axes", lambda x: sig.fftshift(x, axes=-1), lambda x: np.fft.fftshift(x, axes=-1),
        [((3, 4),)], complex=True),
    Row("ifftshift", sig.ifftshift, np.fft.ifftshift, [((5,),), ((3, 3),)]),
    Row("ifftshift_axes", lambda x: sig.ifftshift(x, axes=[0]), lambda x: np.fft.ifftshift(x, axes=[0]),
        [((3, 2),)]),

    # -- framing --------------------------------------------------------------------------------
    Row("frame", lambda x: sig.frame(x, 3, 2), lambda x: _frame_ref(x, 3, 2), [((7,),), ((2, 8),)]),
    Row("frame_pad_end", lambda x: sig.frame(x, 4, 3, pad_end=True, pad_value=0.5),
        lambda x: _frame_ref(x, 4, 3, True, 0.5), [((7,),), ((2, 6),)]),
    Row("frame_axis", lambda x: sig.frame(x, 2, 1, axis=0), lambda x: _frame_ref(x, 2, 1, axis=0),
        [((4, 3),)]),
    Row("overlap_and_add", lambda x: sig.overlap_and_add(x, 2), lambda x: _ola_ref(x, 2),
        [((3, 4),), ((2, 3, 5),), ((1, 2),)]),
    Row("overlap_and_add_step_eq_length", lambda x: sig.overlap_and_add(x, 3), lambda x: _ola_ref(x, 3),
        [((4, 3),)]),

    # -- short-time Fourier transforms ----------------------------------------------------------
    Row("stft", lambda x: sig.stft(x, 8, 4), lambda x: _stft_ref(x, 8, 4, 8), [((20,),), ((2, 16),)]),
    Row("stft_fft_length_pad_end", lambda x: sig.stft(x, 6, 4, fft_length=8, pad_end=True),
        lambda x: _stft_ref(x, 6, 4, 8, pad_end=True), [((13,),)]),
    Row("inverse_stft", lambda s: sig.inverse_stft(s, 8, 4), lambda s: _istft_ref(s, 8, 4, 8),
        [((4, 5),), ((2, 3, 5),)], complex=True),
    Row("inverse_stft_crop", lambda s: sig.inverse_stft(s, 6, 3, fft_length=8),
        lambda s: _istft_ref(s, 6, 3, 8), [((3, 5),)], complex=True),
    Row("inverse_stft_pad", lambda s: sig.inverse_stft(s, 10, 5, fft_length=8),
        lambda s: _istft_ref(s, 10, 5, 8), [((3, 5),)], complex=True),

    # -- cepstra --------------------------------------------------------------------------------
    Row("mfccs_from_log_mel_spectrograms", sig.mfccs_from_log_mel_spectrograms,
        lambda x: _dct_ref(x, 2) / np.sqrt(2 * x.shape[-1]), [((3, 8),), ((5,),)]),
] + _dct_rows()

"""gt.signal: windows, mel matrices, shapes and dtypes, TensorFlow's fft_length and pad_end
semantics, TensorFlow's gradient formulas, the inverse STFT round trip and the error messages.
(Values and derivatives of every differentiable function are in tests/ops/rows_signal.py.)"""

import numpy as np
import pytest

import gradtape as gt

sig = gt.signal
RNG = np.random.default_rng(0)


# -- windows --------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn,a", [(sig.hann_window, 0.5), (sig.hamming_window, 0.54)])
@pytest.mark.parametrize("n", [2, 5, 8])
@pytest.mark.parametrize("periodic", [True, False])
def test_raised_cosine_windows(fn, a, n, periodic):
    w = fn(n, periodic=periodic)
    assert w.dtype == np.float32 and w.shape == (n,)
    # TensorFlow: the period is n for a periodic window of even length, n - 1 otherwise
    denom = n if (periodic and n % 2 == 0) else n - 1
    want = a - (1 - a) * np.cos(2 * np.pi * np.arange(n) / denom)
    np.testing.assert_allclose(w.numpy(), want, atol=1e-6)


def test_window_edge_cases_and_dtype():
    np.testing.assert_array_equal(sig.hann_window(1).numpy(), [1.0])
    assert sig.hann_window(0).shape == (0,)
    assert sig.hamming_window(4, dtype=gt.float64).dtype == np.float64
    np.testing.assert_allclose(sig.hann_window(9, periodic=False).numpy(), np.hanning(9), atol=1e-7)
    np.testing.assert_allclose(sig.hann_window(8).numpy(), np.hanning(9)[:-1], atol=1e-7)


# -- mel matrices ---------------------------------------------------------------------------------
def _mel_ref(num_mel_bins, num_spectrogram_bins, sample_rate, lower, upper):
    def mel(f):
        return 1127.0 * np.log(1.0 + f / 700.0)
    freqs = np.linspace(0.0, sample_rate / 2, num_spectrogram_bins)[1:]
    edges = np.linspace(mel(lower), mel(upper), num_mel_bins + 2)
    m = mel(freqs)[:, None]
    lo, c, hi = edges[:-2], edges[1:-1], edges[2:]
    w = np.maximum(0.0, np.minimum((m - lo) / (c - lo), (hi - m) / (hi - c)))
    return np.concatenate([np.zeros((1, num_mel_bins)), w], 0)


def test_linear_to_mel_weight_matrix_defaults():
    w = sig.linear_to_mel_weight_matrix()
    assert w.shape == (129, 20) and w.dtype == np.float32
    np.testing.assert_allclose(w.numpy(), _mel_ref(20, 129, 8000, 125.0, 3800.0), atol=2e-5)
    assert not w.numpy()[0].any()  # the DC bin gets no weight
    assert w.numpy().max() <= 1.0


def test_linear_to_mel_weight_matrix_float64():
    w = sig.linear_to_mel_weight_matrix(10, 65, 16000, 20.0, 8000.0, dtype=gt.float64)
    assert w.dtype == np.float64
    np.testing.assert_allclose(w.numpy(), _mel_ref(10, 65, 16000, 20.0, 8000.0), atol=1e-12)


def test_mel_spectrogram_pipeline():
    x = gt.constant(RNG.standard_normal((2, 400)).astype(np.float32))
    spec = gt.abs(sig.stft(x, 64, 32))
    mel = gt.tensordot(spec, sig.linear_to_mel_weight_matrix(16, spec.shape[-1], 8000), 1)
    mfcc = sig.mfccs_from_log_mel_spectrograms(gt.math.log(mel + 1e-6))[..., :13]
    assert mfcc.shape == (2, 11, 13) and mfcc.dtype == np.float32


# -- dtypes and shapes ----------------------------------------------------------------------------
@pytest.mark.parametrize("real,cplx", [(np.float32, np.complex64), (np.float64, np.complex128)])
def test_dtypes(real, cplx):
    x = gt.constant(RNG.standard_normal((2, 3, 4)).astype(real))
    z = gt.cast(x, cplx)
    for f in (sig.fft, sig.ifft, sig.fft2d, sig.ifft2d, sig.fft3d, sig.ifft3d):
        assert f(z).dtype == cplx and f(z).shape == (2, 3, 4)
    for f, g in ((sig.rfft, sig.irfft), (sig.rfft2d, sig.irfft2d), (sig.rfft3d, sig.irfft3d)):
        y = f(x)
        assert y.dtype == cplx and y.shape == (2, 3, 3)
        back = g(y)
        assert back.dtype == real and back.shape == (2, 3, 4)
        np.testing.assert_allclose(back.numpy(), x.numpy(), atol=1e-5)
    assert sig.dct(x).dtype == real and sig.stft(gt.reshape(x, (24,)), 8, 4).dtype == cplx


def test_python_inputs_take_tensorflow_dtypes():
    assert sig.rfft([1, 2, 3, 4]).dtype == np.complex64  # ints become float32
    assert sig.irfft([1.0, 2.0]).dtype == np.float32  # floats become complex64
    assert sig.fft([1j, 2]).dtype == np.complex128


def test_rfft_fft_length_crops_and_pads():
    x = RNG.standard_normal((2, 6))
    np.testing.assert_allclose(sig.rfft(x, [4]).numpy(), np.fft.rfft(x[:, :4]), atol=1e-12)
    np.testing.assert_allclose(sig.rfft(x, [9]).numpy(), np.fft.rfft(x, 9), atol=1e-12)
    assert sig.rfft(x, [9]).shape == (2, 5)
    assert sig.rfft2d(x, [3, 8]).shape == (3, 5)
    np.testing.assert_allclose(sig.rfft2d(x, [3, 4]).numpy(), np.fft.rfft2(np.pad(x, [(0, 1), (0, 0)])[:, :4]),
                               atol=1e-12)


def test_irfft_fft_length_default_and_explicit():
    u = RNG.standard_normal((5,)) + 1j * RNG.standard_normal((5,))
    assert sig.irfft(u).shape == (8,)  # 2 * (n - 1)
    assert sig.irfft(u, [7]).shape == (7,)
    np.testing.assert_allclose(sig.irfft(u, [7]).numpy(), np.fft.irfft(u, 7), atol=1e-12)
    np.testing.assert_allclose(sig.irfft(u, [3]).numpy(), np.fft.irfft(u[:2], 3), atol=1e-12)
    np.testing.assert_allclose(sig.irfft(u, [12]).numpy(), np.fft.irfft(np.pad(u, (0, 2)), 12), atol=1e-12)
    assert sig.irfft2d(np.ones((3, 5), np.complex64), [4, 6]).shape == (4, 6)


def test_gradient_has_input_shape_when_fft_length_crops():
    x = gt.constant(RNG.standard_normal((7,)))
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.reduce_sum(gt.abs(sig.rfft(x, [4])) ** 2)
    g = tape.gradient(y, x).numpy()
    assert g.shape == (7,) and not g[4:].any()


# -- TensorFlow's gradient formulas ---------------------------------------------------------------
def _grad(f, x, g):
    x = gt.constant(x)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x, output_gradients=gt.constant(g)).numpy()


@pytest.mark.parametrize("n", [6, 7])
def test_rfft_gradient_matches_tensorflow_formula(n):
    x = RNG.standard_normal((2, n))
    g = RNG.standard_normal((2, n // 2 + 1)) + 1j * RNG.standard_normal((2, n // 2 + 1))
    # TensorFlow's _RFFTGradHelper (rank 1): 0.5 * (irfft(g) * n + real(extra terms))
    ymask = 1 - 2 * (np.arange(n) % 2)
    extra = g[..., :1] + (1 - n % 2) * g[..., -1:] * ymask
    want = 0.5 * (np.fft.irfft(g, n) * n + np.real(extra))
    np.testing.assert_allclose(_grad(sig.rfft, x, g), want, atol=1e-12)


def test_rfft2d_gradient_matches_tensorflow_formula():
    x = RNG.standard_normal((3, 4))
    g = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    rows, cols = 3, 4
    k = np.arange(rows)
    mask = np.exp(-2j * np.pi * np.outer(k, k) / rows)
    extra = mask @ np.conj(g[:, :1]) + (mask @ np.conj(g[:, -1:])) * (1 - 2 * (np.arange(cols) % 2))
    want = 0.5 * (np.fft.irfft2(g, (rows, cols)) * rows * cols + np.real(extra))
    np.testing.assert_allclose(_grad(sig.rfft2d, x, g), want, atol=1e-12)


@pytest.mark.parametrize("n", [6, 7])
def test_irfft_gradient_matches_tensorflow_formula(n):
    u = RNG.standard_normal((n // 2 + 1,)) + 1j * RNG.standard_normal((n // 2 + 1,))
    g = RNG.standard_normal((n,))
    mask = np.concatenate([[1.0], 2.0 * np.ones(n // 2 - 1 + n % 2), np.ones(1 - n % 2)])
    want = np.fft.rfft(g) * mask / n
    np.testing.assert_allclose(_grad(lambda z: sig.irfft(z, [n]), u, g), want, atol=1e-12)


def test_fft_gradients_are_scaled_adjoints():
    z = RNG.standard_normal((2, 4)) + 1j * RNG.standard_normal((2, 4))
    g = RNG.standard_normal((2, 4)) + 1j * RNG.standard_normal((2, 4))
    np.testing.assert_allclose(_grad(sig.fft, z, g), np.fft.ifft(g) * 4, atol=1e-12)
    np.testing.assert_allclose(_grad(sig.ifft2d, z, g), np.fft.fft2(g) / 8, atol=1e-12)


def test_jacobian_batches_cotangents():
    x = gt.constant(RNG.standard_normal((2, 5)))
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = sig.irfft(sig.rfft(x) * gt.constant(np.arange(3.0) + 0j), [5])
    jac = tape.jacobian(y, x).numpy()
    f = np.fft.irfft(np.fft.rfft(np.eye(5)) * np.arange(3.0), 5)  # row i: response to e_i
    np.testing.assert_allclose(jac[0, :, 0, :], f.T, atol=1e-12)
    assert not jac[0, :, 1, :].any()


# -- framing and STFTs ----------------------------------------------------------------------------
def test_frame_shapes_and_pad_end():
    x = gt.range(10.0)
    assert sig.frame(x, 4, 3).shape == (3, 4)
    y = sig.frame(x, 4, 3, pad_end=True, pad_value=-1.0)
    assert y.shape == (4, 4)
    np.testing.assert_array_equal(y.numpy()[-1], [9.0, -1.0, -1.0, -1.0])
    assert sig.frame(x, 12, 2).shape == (0, 12)
    assert sig.frame(gt.zeros((3, 10, 2)), 4, 2, axis=1).shape == (3, 4, 4, 2)
    assert sig.frame(gt.zeros((3, 10, 2)), 4, 2, axis=-2, pad_end=True).shape == (3, 5, 4, 2)


def test_overlap_and_add_inverts_frame_counts():
    x = gt.constant(RNG.standard_normal((2, 12)))
    frames = sig.frame(x, 4, 2)
    counts = sig.overlap_and_add(sig.frame(gt.ones((12,), gt.float64), 4, 2), 2)
    np.testing.assert_allclose((sig.overlap_and_add(frames, 2) / counts).numpy(), x.numpy(), atol=1e-12)


def test_stft_shapes():
    x = gt.zeros((3, 1000))
    assert sig.stft(x, 256, 128).shape == (3, 6, 129)
    assert sig.stft(x, 200, 100).shape == (3, 9, 129)  # fft_length: the enclosing power of two
    assert sig.stft(x, 256, 128, fft_length=512, pad_end=True).shape == (3, 8, 257)
    assert sig.stft(x, 256, 128, window_fn=None).shape == (3, 6, 129)


@pytest.mark.parametrize("frame_length,frame_step,fft_length", [(16, 4, None), (12, 3, 16), (8, 2, 8)])
def test_inverse_stft_round_trip(frame_length, frame_step, fft_length):
    x = RNG.standard_normal((2, 200))
    s = sig.stft(x, frame_length, frame_step, fft_length=fft_length)
    y = sig.inverse_stft(s, frame_length, frame_step, fft_length=fft_length,
                         window_fn=sig.inverse_stft_window_fn(frame_step))
    inner = slice(frame_length, y.shape[-1] - frame_length)
    np.testing.assert_allclose(y.numpy()[:, inner], x[:, :y.shape[-1]][:, inner], atol=1e-10)


def test_inverse_stft_window_fn_uses_forward_window():
    fn = sig.inverse_stft_window_fn(2, forward_window_fn=sig.hamming_window)
    w = sig.hamming_window(4).numpy()
    denom = np.tile((w ** 2).reshape(2, 2).sum(0), 2)
    np.testing.assert_allclose(fn(4, gt.float32).numpy(), w / denom, atol=1e-6)


# -- DCTs -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("t", [2, 3, 4])
def test_idct_inverts_ortho_dct(t):
    x = RNG.standard_normal((3, 7))
    np.testing.assert_allclose(sig.idct(sig.dct(x, type=t, norm="ortho"), type=t, norm="ortho").numpy(),
                               x, atol=1e-12)


def test_idct_scaling_without_norm():
    x = RNG.standard_normal((6,))
    np.testing.assert_allclose(sig.idct(sig.dct(x)).numpy() * 0.5 / 6, x, atol=1e-12)
    np.testing.assert_allclose(sig.idct(sig.dct(x, type=1), type=1).numpy() / (2 * 5), x, atol=1e-12)


def test_dct_n_crops_and_pads():
    x = RNG.standard_normal((5,))
    assert sig.dct(x, n=3).shape == (3,) and sig.dct(x, n=8).shape == (8,)
    np.testing.assert_allclose(sig.dct(x, n=3).numpy(), sig.dct(x[:3]).numpy(), atol=1e-12)
    np.testing.assert_allclose(sig.dct(x, n=8).numpy(), sig.dct(np.pad(x, (0, 3))).numpy(), atol=1e-12)


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,kind,words", [
    (lambda: sig.fft(gt.ones((4,))), TypeError, ["fft", "complex64", "gt.cast"]),
    (lambda: sig.ifft2d(gt.ones((2, 2))), TypeError, ["ifft2d", "gt.cast"]),
    (lambda: sig.rfft(gt.constant([1j, 2j])), TypeError, ["rfft", "float32", "gt.cast"]),
    (lambda: sig.irfft(gt.ones((3,))), TypeError, ["irfft", "complex64", "gt.cast"]),
    (lambda: sig.fft3d(gt.ones((2, 2), gt.complex64)), ValueError, ["fft3d", "rank >= 3"]),
    (lambda: sig.rfft(gt.ones((4,)), 4), ValueError, ["rfft", "fft_length", "[8]"]),
    (lambda: sig.rfft2d(gt.ones((4, 4)), [4]), ValueError, ["rfft2d", "fft_length", "2 integer"]),
    (lambda: sig.irfft(gt.ones((3,), gt.complex64), [-1]), ValueError, ["irfft", "negative"]),
    (lambda: sig.fftshift(gt.ones((3,)), axes=2), ValueError, ["fftshift", "axes"]),
    (lambda: sig.hann_window(4, dtype=gt.int32), ValueError, ["hann_window", "floating"]),
    (lambda: sig.hamming_window(2.5), TypeError, ["hamming_window", "window_length"]),
    (lambda: sig.frame(gt.constant(1.0), 2, 1), ValueError, ["frame", "rank >= 1"]),
    (lambda: sig.frame(gt.ones((4,)), 2, 0), ValueError, ["frame", "frame_step"]),
    (lambda: sig.overlap_and_add(gt.ones((4,)), 2), ValueError, ["overlap_and_add", "rank >= 2"]),
    (lambda: sig.stft(gt.ones((8,), gt.int32), 4, 2), TypeError, ["stft", "float32"]),
    (lambda: sig.inverse_stft(gt.ones((3, 5)), 8, 4), TypeError, ["inverse_stft", "complex64"]),
    (lambda: sig.dct(gt.ones((4,)), axis=0), NotImplementedError, ["dct", "axis"]),
    (lambda: sig.dct(gt.ones((4,)), type=5), ValueError, ["dct", "type"]),
    (lambda: sig.dct(gt.ones((4,)), type=1, norm="ortho"), ValueError, ["dct", "ortho", "type-I"]),
    (lambda: sig.dct(gt.ones((1,)), type=1), ValueError, ["dct", "at least 2"]),
    (lambda: sig.idct(gt.ones((4,)), norm="forward"), ValueError, ["idct", "norm"]),
    (lambda: sig.dct(gt.ones((4,)), n=0), ValueError, ["dct", "n must be"]),
    (lambda: sig.linear_to_mel_weight_matrix(upper_edge_hertz=4500.0), ValueError,
     ["linear_to_mel_weight_matrix", "Nyquist"]),
    (lambda: sig.linear_to_mel_weight_matrix(lower_edge_hertz=-1.0), ValueError, ["lower_edge_hertz"]),
    (lambda: sig.linear_to_mel_weight_matrix(lower_edge_hertz=400.0, upper_edge_hertz=300.0), ValueError,
     ["lower_edge_hertz", "upper_edge_hertz"]),
    (lambda: sig.linear_to_mel_weight_matrix(num_mel_bins=0), ValueError, ["num_mel_bins"]),
    (lambda: sig.linear_to_mel_weight_matrix(dtype=gt.int32), ValueError, ["dtype", "floating"]),
])
def test_errors(call, kind, words):
    with pytest.raises(kind) as info:
        call()
    for w in words:
        assert w in str(info.value), (w, str(info.value))


# -- regressions against TensorFlow's values --------------------------------------------------------
def test_overlap_and_add_frame_step_longer_than_frames():
    x = gt.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = sig.overlap_and_add(x, 3)
        loss = gt.reduce_sum(y * gt.range(1.0, 9.0))
    # TensorFlow's values: zeros fill the gaps between frames
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0, 0.0, 3.0, 4.0, 0.0, 5.0, 6.0])
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), [[1.0, 2.0], [4.0, 5.0], [7.0, 8.0]])
    assert sig.overlap_and_add(gt.ones((3, 0)), 1).numpy().tolist() == [0.0, 0.0]


def test_inverse_stft_window_fn_zero_over_zero_is_zero():
    # TensorFlow's values: the Hann window's zeros, where the overlap-added squares vanish too
    np.testing.assert_allclose(sig.inverse_stft_window_fn(5)(5, dtype=gt.float32).numpy(),
                               [0.0, 2.0, 1.0, 2.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(sig.inverse_stft_window_fn(4)(8, dtype=gt.float32).numpy(),
                               [0.0, 0.19526219, 1.0, 1.1380712, 1.0, 1.1380712, 1.0, 0.19526197],
                               atol=1e-6)


def test_complex_transforms_accept_real_python_values():
    # TensorFlow converts real (non-tensor) values to complex64; these are its results
    y = sig.fft([1, 2, 3])
    assert y.dtype == np.complex64
    np.testing.assert_allclose(y.numpy(), [6.0, -1.5 + 0.8660254j, -1.5 - 0.8660254j], atol=1e-6)
    np.testing.assert_allclose(sig.ifft(np.array([1.0, 2.0, 3.0, 4.0])).numpy(),
                               [2.5, -0.5 - 0.5j, -0.5, -0.5 + 0.5j], atol=1e-6)

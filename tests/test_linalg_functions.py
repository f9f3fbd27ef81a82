"""gt.linalg.sqrtm, logm and eigh_tridiagonal: SciPy and NumPy-fallback agreement, TensorFlow's
selections and dtype rules, and error messages (the gradients are in tests/ops/rows_linalg_functions.py)."""

import numpy as np
import pytest
import scipy.linalg

import gradtape as gt
from gradtape.ops import linalg_functions as lf


@pytest.fixture
def no_scipy(monkeypatch):
    monkeypatch.setattr(lf, "_scipy_linalg", lambda: None)


def _rng():
    return np.random.default_rng(7)


def _per_matrix(fn, a):
    flat = a.reshape((-1,) + a.shape[-2:])
    return np.stack([fn(x) for x in flat]).reshape(a.shape)


def _cases():
    rng = _rng()
    x = rng.uniform(-1, 1, (2, 3, 3))
    spd = x @ np.swapaxes(x, -1, -2) + 3 * np.eye(3)
    nonsym = rng.uniform(-1, 1, (2, 4, 4)) + 4 * np.eye(4)
    rotation = np.array([[1.0, -2.0], [2.0, 1.0]])  # complex conjugate eigenvalues, real root
    defective = np.array([[4.0, 1.0], [0.0, 4.0]])  # a Jordan block: needs the iterative fallback
    return [spd, nonsym, rotation, defective]


# -- sqrtm ------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", range(4))
def test_sqrtm_scipy_and_fallback_agree(k, monkeypatch):
    a = _cases()[k]
    want = _per_matrix(scipy.linalg.sqrtm, a)
    got = gt.linalg.sqrtm(gt.constant(a)).numpy()
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    monkeypatch.setattr(lf, "_scipy_linalg", lambda: None)
    fallback = gt.linalg.sqrtm(gt.constant(a)).numpy()
    np.testing.assert_allclose(fallback, want, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(fallback @ fallback, a, rtol=1e-9, atol=1e-11)


def test_sqrtm_complex_negative_eigenvalue(no_scipy):
    a = np.array([[-4.0, 1.0], [0.0, 9.0]], dtype=np.complex128)
    got = gt.linalg.sqrtm(gt.constant(a)).numpy()
    np.testing.assert_allclose(got, scipy.linalg.sqrtm(a), atol=1e-12)
    np.testing.assert_allclose(got @ got, a, atol=1e-12)


def test_sqrtm_keeps_dtype_and_real_output():
    a = gt.constant([[2.0, -1.0], [1.0, 2.0]])
    r = gt.linalg.sqrtm(a)
    assert r.dtype == gt.float32
    np.testing.assert_allclose((r @ r).numpy(), a.numpy(), atol=1e-5)
    c = gt.linalg.sqrtm(gt.cast(a, gt.complex64))
    assert c.dtype == gt.complex64
    assert gt.linalg.sqrtm(gt.zeros((2, 0, 0))).shape == (2, 0, 0)


def test_sqrtm_real_negative_eigenvalue_is_an_error():
    with pytest.raises(np.linalg.LinAlgError, match="sqrtm: .*real negative eigenvalue.*cast the input to complex"):
        gt.linalg.sqrtm(gt.constant([[-1.0, 0.0], [0.0, 4.0]]))


def test_sqrtm_bad_input():
    with pytest.raises(ValueError, match="sqrtm: input must be square"):
        gt.linalg.sqrtm(gt.ones((2, 3)))
    with pytest.raises(ValueError, match="sqrtm: input must have rank >= 2"):
        gt.linalg.sqrtm(gt.ones((3,)))
    with pytest.raises(TypeError, match="sqrtm: input must be a float32"):
        gt.linalg.sqrtm(gt.constant([[1, 0], [0, 1]]))


def test_sqrtm_gradient_without_scipy(no_scipy):
    a = _cases()[1][0]
    gt.test.check_gradients(gt.linalg.sqrtm, [a], order=2)


def test_sqrtm_gradient_matches_tensorflow_formula():
    # TensorFlow solves (I kron R^T + R kron I) vec(G_A^T) = vec(G^T) (row-major vec)
    a = _cases()[1][1]
    g = _rng().standard_normal((4, 4))
    x = gt.constant(a)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.linalg.sqrtm(x)
    got = tape.gradient(y, x, output_gradients=gt.constant(g)).numpy()
    r = scipy.linalg.sqrtm(a)
    eye = np.eye(4)
    k = np.kron(eye, r.T) + np.kron(r, eye)
    want = np.linalg.solve(k, g.T.reshape(-1)).reshape(4, 4).T
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


# -- logm -------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", range(4))
def test_logm_scipy_and_fallback_agree(k, monkeypatch):
    a = _cases()[k].astype(np.complex128)
    if k == 1:
        a = a + 0.5j * _rng().uniform(-1, 1, a.shape)
    want = _per_matrix(scipy.linalg.logm, a)
    got = gt.linalg.logm(gt.constant(a)).numpy()
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    monkeypatch.setattr(lf, "_scipy_linalg", lambda: None)
    fallback = gt.linalg.logm(gt.constant(a)).numpy()
    np.testing.assert_allclose(fallback, want, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(_per_matrix(scipy.linalg.expm, fallback), a, rtol=1e-9, atol=1e-11)


def test_logm_fallback_far_from_identity(no_scipy):
    # nearly defective and with a large norm: repeated square roots before the series
    a = np.array([[1.0, 50.0], [0.0, 1.0 + 1e-9]], dtype=np.complex128)
    np.testing.assert_allclose(gt.linalg.logm(gt.constant(a)).numpy(), scipy.linalg.logm(a),
                               rtol=1e-7, atol=1e-9)


def test_logm_complex_only():
    with pytest.raises(TypeError, match="logm: input must be a complex64 or complex128 tensor.*gt.cast"):
        gt.linalg.logm(gt.constant([[1.0, 0.0], [0.0, 2.0]]))
    c = gt.linalg.logm(gt.cast(gt.constant([[1.0, 0.0], [0.0, 2.0]]), gt.complex64))
    assert c.dtype == gt.complex64
    with pytest.raises(ValueError, match="logm: input must be square"):
        gt.linalg.logm(gt.cast(gt.ones((2, 3)), gt.complex64))


def test_logm_has_no_gradient():
    x = gt.constant(np.eye(2, dtype=np.complex128) * 2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.linalg.logm(x)
    with pytest.raises(LookupError, match="logm: no gradient"):
        tape.gradient(y, x)
    with pytest.raises(LookupError, match="logm: no gradient"):
        with gt.autodiff.ForwardAccumulator(x, gt.ones_like(x)):
            gt.linalg.logm(x)


# -- eigh_tridiagonal -------------------------------------------------------------------------
ALPHA = np.array([1.0, -2.0, 0.5, 3.0, 0.0])
BETA = np.array([0.7, -1.1, 0.4, 2.0])


def test_eigh_tridiagonal_tensorflow_example():
    e = gt.linalg.eigh_tridiagonal([0.0, 0.0, 0.0], [1.0, 1.0])
    assert e.dtype == gt.float32
    np.testing.assert_allclose(e.numpy(), [-np.sqrt(2.0), 0.0, np.sqrt(2.0)], atol=1e-6)


@pytest.mark.parametrize("select,select_range", [("a", None), ("i", (1, 3)), ("i", [2, 2]),
                                                 ("v", (-1.0, 2.0)), ("v", [-10.0, 10.0])])
def test_eigh_tridiagonal_selections_match_scipy(select, select_range):
    want = scipy.linalg.eigh_tridiagonal(ALPHA, BETA, eigvals_only=True, select=select,
                                         select_range=select_range)
    e = gt.linalg.eigh_tridiagonal(ALPHA, BETA, select=select, select_range=select_range)
    np.testing.assert_allclose(e.numpy(), want, atol=1e-12)
    e2, v = gt.linalg.eigh_tridiagonal(ALPHA, BETA, eigvals_only=False, select=select,
                                       select_range=select_range)
    np.testing.assert_allclose(e2.numpy(), want, atol=1e-12)
    t = np.diag(ALPHA) + np.diag(BETA, 1) + np.diag(BETA, -1)
    v = v.numpy()
    assert v.shape == (5, len(want))
    np.testing.assert_allclose(t @ v, v * want, atol=1e-12)
    np.testing.assert_allclose(v.T @ v, np.eye(len(want)), atol=1e-12)


def test_eigh_tridiagonal_value_interval_is_half_open():
    e = gt.linalg.eigh_tridiagonal([1.0, 2.0, 3.0], [0.0, 0.0], select="v", select_range=(1.0, 2.0))
    np.testing.assert_array_equal(e.numpy(), [2.0])
    e = gt.linalg.eigh_tridiagonal([1.0, 2.0, 3.0], [0.0, 0.0], select="v", select_range=(3.5, 4.0))
    assert e.shape == (0,)


def test_eigh_tridiagonal_complex():
    beta = BETA * np.exp(1j * np.arange(4))
    alpha = ALPHA + 5j  # the imaginary part is ignored
    e, v = gt.linalg.eigh_tridiagonal(alpha, beta, eigvals_only=False)
    assert e.dtype == gt.float64 and v.dtype == gt.complex128
    t = np.diag(ALPHA) + np.diag(beta, 1) + np.diag(np.conj(beta), -1)
    np.testing.assert_allclose(e.numpy(), np.linalg.eigvalsh(t), atol=1e-12)
    np.testing.assert_allclose(t @ v.numpy(), v.numpy() * e.numpy(), atol=1e-12)


def test_eigh_tridiagonal_gradient():
    # d e_k / d alpha_j = |v_jk|^2 (Hellmann-Feynman)
    a, b = gt.constant(ALPHA), gt.constant(BETA)
    with gt.GradientTape() as tape:
        tape.watch(a)
        e, v = gt.linalg.eigh_tridiagonal(a, b, eigvals_only=False)
        top = e[-1]
    np.testing.assert_allclose(tape.gradient(top, a).numpy(), v.numpy()[:, -1] ** 2, atol=1e-12)


@pytest.mark.parametrize("kwargs,exc,msg", [
    (dict(select="x"), ValueError, "eigh_tridiagonal: select must be 'a'"),
    (dict(select="i"), ValueError, "select='i' needs select_range"),
    (dict(select="i", select_range=(3, 1)), ValueError, "empty index range"),
    (dict(select="i", select_range=(0, 5)), ValueError, r"indices must lie in \[0, 4\]"),
    (dict(select="i", select_range=(0.5, 2)), ValueError, "integer indices"),
    (dict(select="v", select_range=(1.0, 1.0)), ValueError, "empty interval"),
    (dict(select="v", select_range=(1.0, 2.0, 3.0)), ValueError, "exactly two values"),
    (dict(tol=-1.0), ValueError, "tol must be a non-negative scalar"),
])
def test_eigh_tridiagonal_bad_arguments(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        gt.linalg.eigh_tridiagonal(ALPHA, BETA, **kwargs)


def test_eigh_tridiagonal_bad_inputs():
    with pytest.raises(ValueError, match=r"eigh_tridiagonal: beta must have shape \(4,\)"):
        gt.linalg.eigh_tridiagonal(ALPHA, BETA[:2])
    with pytest.raises(ValueError, match="alpha must be a vector"):
        gt.linalg.eigh_tridiagonal(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="alpha and beta must have the same dtype"):
        gt.linalg.eigh_tridiagonal(gt.constant(ALPHA), gt.constant(BETA, gt.float32))
    with pytest.raises(TypeError, match="alpha must be a float32"):
        gt.linalg.eigh_tridiagonal(gt.constant([1, 2]), gt.constant([1]))


def test_eigh_tridiagonal_small_sizes():
    e, v = gt.linalg.eigh_tridiagonal([2.0], np.zeros(0, np.float32), eigvals_only=False)
    np.testing.assert_array_equal(e.numpy(), [2.0])
    np.testing.assert_array_equal(v.numpy(), [[1.0]])
    assert gt.linalg.eigh_tridiagonal(np.zeros(0, np.float32), np.zeros(0, np.float32)).shape == (0,)


def test_l2_normalize_is_the_nn_function():
    assert gt.linalg.l2_normalize is gt.nn.l2_normalize
    assert "l2_normalize" in lf.__all__

"""TensorFlow semantics of ``gt.linalg``: output order and conventions, errors, dtypes, and
derivative rules beyond the op table (batched cotangents, complex convention, known values)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

import gradtape as gt

RNG = np.random.default_rng(0)


def _H(a):
    return np.conj(np.swapaxes(a, -1, -2))


def _randn(*shape, complex=False):
    a = RNG.standard_normal(shape)
    if complex:
        a = a + 1j * RNG.standard_normal(shape)
    return a


def _well_conditioned(n, batch=(), complex=False):
    return _randn(*batch, n, n, complex=complex) + 3 * n * np.eye(n)


def _spd(n, batch=(), complex=False):
    x = _randn(*batch, n, n, complex=complex)
    return x @ _H(x) + n * np.eye(n)


# -- decompositions: output order and conventions ----------------------------------------------
def test_svd_returns_s_u_v_with_v_not_adjointed():
    a = _randn(4, 3)
    s, u, v = gt.linalg.svd(gt.constant(a))
    assert (s.shape, u.shape, v.shape) == ((3,), (4, 3), (3, 3))
    assert np.all(np.diff(s.numpy()) <= 0), "singular values are in descending order"
    np.testing.assert_allclose((u.numpy() * s.numpy()) @ _H(v.numpy()), a, atol=1e-12)
    _, s_np, vh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(s.numpy(), s_np)
    # v (not v^H): its columns are the right singular vectors, up to sign
    np.testing.assert_allclose(np.abs(np.sum(v.numpy() * _H(vh), axis=0)), np.ones(3), atol=1e-12)


def test_svd_compute_uv_false_and_full_matrices():
    a = gt.constant(_randn(2, 5, 3))
    s = gt.linalg.svd(a, compute_uv=False)
    assert isinstance(s, gt.Tensor) and s.shape == (2, 3)
    s, u, v = gt.linalg.svd(a, full_matrices=True)
    assert (s.shape, u.shape, v.shape) == ((2, 3), (2, 5, 5), (2, 3, 3))
    np.testing.assert_allclose(np.abs(np.linalg.det(u.numpy())), 1.0)


def test_svd_complex_reconstructs_and_s_is_real():
    a = _randn(3, 4, complex=True)
    s, u, v = gt.linalg.svd(gt.constant(a))
    assert s.dtype == gt.float64 and u.dtype == gt.complex128
    np.testing.assert_allclose((u.numpy() * s.numpy()) @ _H(v.numpy()), a, atol=1e-12)


def test_eigh_returns_ascending_e_then_v_and_reads_lower_triangle():
    a = _spd(4)
    garbage = a + np.triu(_randn(4, 4), 1)  # the upper triangle is ignored
    e, v = gt.linalg.eigh(gt.constant(garbage))
    np.testing.assert_allclose(e.numpy(), np.linalg.eigvalsh(a))
    assert np.all(np.diff(e.numpy()) > 0)
    np.testing.assert_allclose((v.numpy() * e.numpy()) @ v.numpy().T, a, atol=1e-10)
    np.testing.assert_allclose(gt.linalg.eigvalsh(gt.constant(a)).numpy(), e.numpy())


def test_eigh_gradient_is_lower_triangular_cholesky_gradient_symmetric():
    a = gt.constant(_spd(3))
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(a)
        e, _ = gt.linalg.eigh(a)
        top = e[-1]
        c = gt.reduce_sum(gt.linalg.cholesky(a))
    ge = tape.gradient(top, a).numpy()
    gc = tape.gradient(c, a).numpy()
    np.testing.assert_allclose(np.triu(ge, 1), 0)
    # an entry below the diagonal stands for both (i, j) and (j, i): (G + G^T) / 2 is the
    # symmetric gradient v v^T of the largest eigenvalue
    _, v = np.linalg.eigh(a.numpy())
    sym = np.outer(v[:, -1], v[:, -1])
    np.testing.assert_allclose((ge + ge.T) / 2, sym, atol=1e-12)
    np.testing.assert_allclose(gc, gc.T, atol=1e-12)


def test_qr_factors():
    a = _randn(5, 3)
    q, r = gt.linalg.qr(gt.constant(a))
    assert (q.shape, r.shape) == ((5, 3), (3, 3))
    np.testing.assert_allclose(q.numpy() @ r.numpy(), a, atol=1e-12)
    np.testing.assert_allclose(q.numpy().T @ q.numpy(), np.eye(3), atol=1e-12)
    np.testing.assert_allclose(np.tril(r.numpy(), -1), 0)
    q, r = gt.linalg.qr(gt.constant(a), full_matrices=True)
    assert (q.shape, r.shape) == ((5, 5), (5, 3))


def test_slogdet_sign_conventions():
    sign, logabs = gt.linalg.slogdet(gt.constant([[0.0, 1.0], [1.0, 0.0]], gt.float64))
    assert float(sign) == -1.0 and float(logabs) == 0.0
    sign, logabs = gt.linalg.slogdet(gt.constant([[1.0, 2.0], [2.0, 4.0]], gt.float64))
    assert float(sign) == 0.0 and float(logabs) == -np.inf
    a = _well_conditioned(3, complex=True)
    sign, logabs = gt.linalg.slogdet(gt.constant(a))
    assert sign.dtype == gt.complex128 and logabs.dtype == gt.float64
    np.testing.assert_allclose(sign.numpy() * np.exp(logabs.numpy()), np.linalg.det(a))
    np.testing.assert_allclose(abs(sign.numpy()), 1.0)
    # batched
    sign, logabs = gt.linalg.slogdet(gt.constant(_well_conditioned(3, (2,))))
    assert sign.shape == (2,) and logabs.shape == (2,)


def test_slogdet_gradient_is_inverse_transpose():
    a = _well_conditioned(3) - 4 * np.eye(3) * 3  # negative determinant sign is fine too
    x = gt.constant(a)
    with gt.GradientTape() as tape:
        tape.watch(x)
        _, logabs = gt.linalg.slogdet(x)
    np.testing.assert_allclose(tape.gradient(logabs, x).numpy(), np.linalg.inv(a).T, atol=1e-12)


def test_logdet_matches_slogdet_and_rejects_non_pd():
    a = _spd(4, (2,))
    np.testing.assert_allclose(gt.linalg.logdet(gt.constant(a)).numpy(), np.linalg.slogdet(a)[1])
    with pytest.raises(np.linalg.LinAlgError, match="cholesky.*positive definite"):
        gt.linalg.logdet(gt.constant(-np.eye(2)))


# -- band_part, diagonals, transposes ----------------------------------------------------------
def test_band_part_matches_tensorflow_examples():
    x = np.array([[0, 1, 2, 3], [-1, 0, 1, 2], [-2, -1, 0, 1], [-3, -2, -1, 0]], np.float32)
    got = gt.linalg.band_part(gt.constant(x), 1, -1).numpy()
    np.testing.assert_array_equal(got, [[0, 1, 2, 3], [-1, 0, 1, 2], [0, -1, 0, 1], [0, 0, -1, 0]])
    got = gt.linalg.band_part(gt.constant(x), 2, 1).numpy()
    np.testing.assert_array_equal(got, [[0, 1, 0, 0], [-1, 0, 1, 0], [-2, -1, 0, 1], [0, -2, -1, 0]])
    np.testing.assert_array_equal(gt.linalg.band_part(gt.constant(x), 0, 0).numpy(), np.diag(np.diag(x)))
    np.testing.assert_array_equal(gt.linalg.band_part(gt.constant(x), -1, -1).numpy(), x)
    batch = gt.linalg.band_part(gt.ones((2, 3, 3)), 0, -1)
    np.testing.assert_array_equal(batch.numpy(), np.triu(np.ones((2, 3, 3))))


def test_diag_and_diag_part():
    d = gt.linalg.diag(gt.constant([1.0, 2.0]), k=1)
    np.testing.assert_array_equal(d.numpy(), np.diag([1.0, 2.0], 1))
    d = gt.linalg.diag(gt.constant([1.0, 2.0]), num_rows=3, num_cols=2)
    np.testing.assert_array_equal(d.numpy(), [[1, 0], [0, 2], [0, 0]])
    d = gt.linalg.diag(gt.constant([1.0, 2.0]), padding_value=9)
    np.testing.assert_array_equal(d.numpy(), [[1, 9], [9, 2]])
    assert gt.linalg.diag(gt.ones((4, 3))).shape == (4, 3, 3)
    x = gt.constant(np.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_array_equal(gt.linalg.diag_part(x).numpy(), np.diagonal(x.numpy(), 0, -2, -1))
    np.testing.assert_array_equal(gt.linalg.diag_part(x, k=-1).numpy(), np.diagonal(x.numpy(), -1, -2, -1))
    np.testing.assert_array_equal(gt.linalg.trace(x).numpy(), np.trace(x.numpy(), axis1=-2, axis2=-1))
    with pytest.raises(ValueError, match="diag: a diagonal of length 2"):
        gt.linalg.diag(gt.constant([1.0, 2.0]), num_rows=5, num_cols=5)


def test_transposes_and_eye():
    z = gt.constant(_randn(2, 3, 4, complex=True))
    assert gt.linalg.matrix_transpose(z).shape == (2, 4, 3)
    np.testing.assert_array_equal(gt.linalg.adjoint(z).numpy(), _H(z.numpy()))
    np.testing.assert_array_equal(gt.linalg.matrix_transpose(z, conjugate=True).numpy(), _H(z.numpy()))
    np.testing.assert_array_equal(gt.linalg.eye(2).numpy(), np.eye(2))


# -- solvers -----------------------------------------------------------------------------------
def test_lstsq_matches_numpy():
    a, b = _randn(6, 3), _randn(6, 2)
    want = np.linalg.lstsq(a, b, rcond=None)[0]
    np.testing.assert_allclose(gt.linalg.lstsq(gt.constant(a), gt.constant(b)).numpy(), want, atol=1e-10)
    np.testing.assert_allclose(gt.linalg.lstsq(gt.constant(a), gt.constant(b), fast=False).numpy(), want,
                               atol=1e-10)
    # underdetermined: the minimum-norm solution
    a, b = _randn(2, 4), _randn(2, 3)
    want = np.linalg.lstsq(a, b, rcond=None)[0]
    np.testing.assert_allclose(gt.linalg.lstsq(gt.constant(a), gt.constant(b)).numpy(), want, atol=1e-10)
    # rank deficient: fast=False still gives the minimum-norm solution
    a = np.outer(_randn(5), _randn(3))
    b = _randn(5, 1)
    want = np.linalg.lstsq(a, b, rcond=None)[0]
    np.testing.assert_allclose(gt.linalg.lstsq(gt.constant(a), gt.constant(b), fast=False).numpy(), want,
                               atol=1e-10)
    # ridge
    a, b = _randn(6, 3), _randn(6, 2)
    want = np.linalg.solve(a.T @ a + 0.3 * np.eye(3), a.T @ b)
    got = gt.linalg.lstsq(gt.constant(a), gt.constant(b), l2_regularizer=0.3).numpy()
    np.testing.assert_allclose(got, want, atol=1e-10)
    # batched
    a, b = _randn(2, 5, 3), _randn(2, 5, 1)
    got = gt.linalg.lstsq(gt.constant(a), gt.constant(b)).numpy()
    np.testing.assert_allclose(got, np.linalg.solve(_H(a) @ a, _H(a) @ b), atol=1e-10)


def test_lstsq_gradient_wrt_l2_regularizer():
    a, b = gt.constant(_randn(5, 3)), gt.constant(_randn(5, 2))
    gt.test.check_gradients(lambda lam: gt.linalg.lstsq(a, b, l2_regularizer=lam), [0.5])
    with pytest.raises(ValueError, match="lstsq: l2_regularizer must be 0 with fast=False"):
        gt.linalg.lstsq(a, b, l2_regularizer=0.1, fast=False)


def test_triangular_solve_ignores_other_triangle():
    a = _well_conditioned(3)
    b = _randn(3, 2)
    lower = gt.linalg.triangular_solve(gt.constant(a), gt.constant(b)).numpy()
    np.testing.assert_allclose(lower, scipy.linalg.solve_triangular(np.tril(a), b, lower=True))
    upper = gt.linalg.triangular_solve(gt.constant(a), gt.constant(b), lower=False, adjoint=True).numpy()
    np.testing.assert_allclose(upper, np.linalg.solve(np.triu(a).T, b))


def test_solve_and_cholesky_solve():
    a, b = _spd(3, (2,)), _randn(2, 3, 4)
    np.testing.assert_allclose(gt.linalg.solve(gt.constant(a), gt.constant(b)).numpy(), np.linalg.solve(a, b))
    c = gt.linalg.cholesky(gt.constant(a))
    np.testing.assert_allclose(gt.linalg.cholesky_solve(c, gt.constant(b)).numpy(), np.linalg.solve(a, b))
    np.testing.assert_allclose(gt.linalg.solve(gt.constant(a), gt.constant(b), adjoint=True).numpy(),
                               np.linalg.solve(_H(a), b))
    # Python lists take the matrix's dtype
    x = gt.linalg.solve(gt.constant(np.eye(2)), [[1.0], [2.0]])
    assert x.dtype == gt.float64


def test_pinv_matches_numpy_including_rank_deficient():
    for a in (_randn(4, 3), _randn(3, 5), np.outer(_randn(4), _randn(3)), _randn(2, 3, 4, complex=True)):
        np.testing.assert_allclose(gt.linalg.pinv(gt.constant(a)).numpy(), np.linalg.pinv(a), atol=1e-10)
    a = np.diag([1.0, 1e-3])
    np.testing.assert_allclose(gt.linalg.pinv(gt.constant(a), rcond=1e-2).numpy(), np.diag([1.0, 0.0]))


def test_expm_matches_scipy_and_frechet_derivative():
    for a in (_randn(4, 4), 4 * _randn(3, 3), _randn(3, 3, complex=True), _randn(2, 3, 3)):
        want = np.stack([scipy.linalg.expm(m) for m in a.reshape(-1, *a.shape[-2:])]).reshape(a.shape)
        np.testing.assert_allclose(gt.linalg.expm(gt.constant(a)).numpy(), want, rtol=1e-12, atol=1e-12)
    a, e = _randn(3, 3), _randn(3, 3)
    x = gt.constant(a)
    with gt.autodiff.ForwardAccumulator(x, gt.constant(e)) as acc:
        y = gt.linalg.expm(x)
    _, frechet = scipy.linalg.expm_frechet(a, e)
    np.testing.assert_allclose(acc.jvp(y).numpy(), frechet, rtol=1e-10, atol=1e-12)
    assert gt.linalg.expm(gt.zeros((2, 2))).dtype == gt.float32


# -- norms -------------------------------------------------------------------------------------
def test_norm_semantics():
    x = _randn(2, 3, 4)
    t = gt.constant(x)
    np.testing.assert_allclose(float(gt.linalg.norm(t)), np.linalg.norm(x.ravel()))
    assert gt.linalg.norm(t, keepdims=True).shape == (1, 1, 1)
    assert gt.linalg.norm(t, axis=1).shape == (2, 4)
    assert gt.linalg.norm(t, axis=1, keepdims=True).shape == (2, 1, 4)
    for ord in ("fro", "euclidean", 1, 2, np.inf):
        got = gt.linalg.norm(t, ord=ord, axis=(-2, -1)).numpy()
        np.testing.assert_allclose(got, np.linalg.norm(x, ord="fro" if ord == "euclidean" else ord,
                                                       axis=(-2, -1)))
        got = gt.linalg.norm(t, ord=ord, axis=(0, 2), keepdims=True).numpy()
        np.testing.assert_allclose(got, np.linalg.norm(x, ord="fro" if ord == "euclidean" else ord,
                                                       axis=(0, 2), keepdims=True))
    for ord in (1, 2, np.inf, 3, 0.5):
        np.testing.assert_allclose(gt.linalg.norm(t, ord=ord, axis=-1).numpy(),
                                   np.linalg.norm(x, ord=ord, axis=-1))
    z = gt.constant(_randn(3, complex=True))
    assert gt.linalg.norm(z).dtype == gt.float64


def test_norm_rejects_bad_arguments():
    t = gt.ones((2, 3))
    with pytest.raises(ValueError, match="norm: ord='fro' is only supported for matrix norms"):
        gt.linalg.norm(t, ord="fro")
    with pytest.raises(ValueError, match="norm: ord=3 is not a supported matrix norm"):
        gt.linalg.norm(t, ord=3, axis=(0, 1))
    with pytest.raises(ValueError, match="norm: ord=-1"):
        gt.linalg.norm(t, ord=-1)
    with pytest.raises(ValueError, match="norm: the two axes"):
        gt.linalg.norm(t, axis=(1, -1))
    with pytest.raises(ValueError, match="norm: axis"):
        gt.linalg.norm(t, axis=(0, 1, 2))


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [gt.linalg.inv, gt.linalg.det, gt.linalg.slogdet, gt.linalg.cholesky,
                                gt.linalg.eigh, gt.linalg.expm, gt.linalg.logdet])
def test_square_ops_reject_non_square_and_vectors(fn):
    name = fn.__name__
    with pytest.raises(ValueError, match=f"{name}: .* must be square"):
        fn(gt.ones((2, 3)))
    with pytest.raises(ValueError, match=f"{name}: .* rank >= 2"):
        fn(gt.ones((3,)))
    with pytest.raises(TypeError, match=f"{name}: .* int32"):
        fn(gt.constant([[1, 0], [0, 1]]))


def test_singular_and_not_positive_definite_errors():
    sing = gt.constant([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError, match="inv: the matrix is singular"):
        gt.linalg.inv(sing)
    with pytest.raises(ValueError, match="solve: the matrix is singular"):
        gt.linalg.solve(sing, gt.ones((2, 1)))
    with pytest.raises(ValueError, match="triangular_solve: the matrix is singular"):
        gt.linalg.triangular_solve(gt.constant([[1.0, 0.0], [1.0, 0.0]]), gt.ones((2, 1)))
    with pytest.raises(ValueError, match="cholesky: the matrix is not positive definite"):
        gt.linalg.cholesky(gt.constant([[1.0, 2.0], [2.0, 1.0]]))
    assert float(gt.linalg.det(sing)) == 0.0


def test_solver_argument_errors():
    a = gt.constant(np.eye(3))
    with pytest.raises(ValueError, match="solve: rhs must have rank >= 2"):
        gt.linalg.solve(a, gt.constant(np.ones(3)))
    with pytest.raises(ValueError, match=r"solve: rhs must have as many rows as the matrix"):
        gt.linalg.solve(a, gt.constant(np.ones((2, 1))))
    with pytest.raises(TypeError, match="solve: rhs has dtype float32 but the matrix has dtype float64"):
        gt.linalg.solve(a, gt.ones((3, 1)))
    with pytest.raises(ValueError, match="solve: the batch dimensions"):
        gt.linalg.solve(gt.constant(np.ones((2, 3, 3))), gt.constant(np.ones((4, 3, 1))))
    with pytest.raises(ValueError, match="lstsq: rhs must have as many rows"):
        gt.linalg.lstsq(gt.constant(np.ones((4, 2))), gt.constant(np.ones((3, 1))))
    with pytest.raises(ValueError, match="matmul: inner dimensions"):
        gt.linalg.matmul(gt.ones((2, 3)), gt.ones((2, 3)))


def test_unsupported_gradients_raise_clearly():
    x = gt.constant(_randn(4, 2))
    with gt.GradientTape() as tape:
        tape.watch(x)
        q, r = gt.linalg.qr(x, full_matrices=True)
    with pytest.raises(NotImplementedError, match="qr: no gradient for full_matrices=True"):
        tape.gradient(q, x)
    with gt.GradientTape() as tape:
        tape.watch(x)
        s, u, v = gt.linalg.svd(x, full_matrices=True)
    with pytest.raises(NotImplementedError, match="svd: no gradient for full_matrices=True"):
        tape.gradient(u, x)


# -- derivatives: batched cotangents, complex convention, known values ------------------------
def _loop_jacobian(f, x):
    """Row by row with tape.gradient (unbatched rules)."""
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
    rows = []
    for k in range(y.numpy().size):
        seed = np.zeros(y.shape, y.dtype)
        seed.flat[k] = 1
        rows.append(tape.gradient(y, x, output_gradients=gt.constant(seed)).numpy())
    return np.stack(rows).reshape(y.shape + x.shape)


def _herm(a):
    return (a + gt.linalg.adjoint(a)) * 0.5


_B1, _B2 = gt.constant(_randn(2, 3, 2)), gt.constant(_randn(3, 2))
BATCHED = {
    "inv": (lambda a: gt.linalg.inv(a), _well_conditioned(3)),
    "det": (lambda a: gt.linalg.det(a), _well_conditioned(3, (2,))),
    "slogdet": (lambda a: gt.linalg.slogdet(a)[1], _well_conditioned(3)),
    "solve": (lambda a: gt.linalg.solve(a, _B1), _well_conditioned(3)),
    "triangular_solve": (lambda a: gt.linalg.triangular_solve(a, _B2, adjoint=True),
                         _well_conditioned(3)),
    "cholesky": (lambda a: gt.linalg.cholesky(_herm(a)), _spd(3)),
    "qr_tall": (lambda a: gt.linalg.qr(a)[0] + gt.reduce_sum(gt.linalg.qr(a)[1]), _randn(4, 3)),
    "qr_wide": (lambda a: gt.reduce_sum(gt.linalg.qr(a)[1], axis=0), _randn(2, 4)),
    "svd": (lambda a: gt.linalg.svd(a)[0] + gt.reduce_sum(gt.linalg.svd(a)[1] ** 2, axis=0), _randn(4, 3)),
    "svd_wide": (lambda a: gt.reduce_sum(gt.linalg.svd(a)[2] ** 2, axis=-1), _randn(2, 4)),
    "eigh": (lambda a: gt.linalg.eigh(_herm(a))[0] + gt.linalg.eigh(_herm(a))[1][0] ** 2, _spd(3)),
    "expm": (lambda a: gt.linalg.expm(a), _randn(3, 3) * 0.5),
    "pinv": (lambda a: gt.linalg.pinv(a), _randn(4, 3)),
    "diag_part": (lambda a: gt.linalg.diag_part(a, k=1), _randn(3, 4)),
    "diag": (lambda v: gt.linalg.diag(v, k=1), _randn(2, 3)),
}


@pytest.mark.parametrize("name", sorted(BATCHED))
def test_jacobian_batched_cotangents_match_row_by_row(name):
    f, a = BATCHED[name]
    x = gt.constant(a)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    jac = tape.jacobian(y, x).numpy()
    np.testing.assert_allclose(jac, _loop_jacobian(f, x), rtol=1e-9, atol=1e-9)


def test_batch_jacobian_of_inv():
    a = gt.constant(_well_conditioned(3, (4,)))
    with gt.GradientTape() as tape:
        tape.watch(a)
        y = gt.linalg.inv(a)
    bj = tape.batch_jacobian(y, a).numpy()
    inv = np.linalg.inv(a.numpy())
    want = -np.einsum("bik,blj->bijkl", inv, inv)
    np.testing.assert_allclose(bj, want, atol=1e-12)


def test_complex_convention_is_conjugate_of_wirtinger_derivative():
    # L = |det(A)|^2: dL = 2 Re(conj(det) det tr(A^-1 dA)), so TF's gradient is 2 |det|^2 A^-H.
    a = _well_conditioned(3, complex=True)
    x = gt.constant(a)
    with gt.GradientTape() as tape:
        tape.watch(x)
        d = gt.linalg.det(x)
        loss = gt.math.real(d * gt.math.conj(d))
    want = 2 * abs(np.linalg.det(a)) ** 2 * np.linalg.inv(a).conj().T
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), want, rtol=1e-10)
    # L = Re sum(conj(C) * inv(A)): gradient -A^-H C A^-H
    c = _randn(3, 3, complex=True)
    with gt.GradientTape() as tape:
        tape.watch(x)
        loss = gt.math.real(gt.reduce_sum(gt.constant(c.conj()) * gt.linalg.inv(x)))
    ih = np.linalg.inv(a).conj().T
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), -ih @ c @ ih, rtol=1e-10)
    # matmul and solve
    b = _randn(3, 2, complex=True)
    y = gt.constant(b)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        s = gt.linalg.solve(x, y)
        loss = gt.math.real(gt.reduce_sum(gt.math.conj(s) * s))
        mm = gt.math.real(gt.reduce_sum(gt.linalg.matmul(x, y)))
    sol = np.linalg.solve(a, b)
    gb = np.linalg.solve(a.conj().T, 2 * sol)
    np.testing.assert_allclose(tape.gradient(loss, y).numpy(), gb, rtol=1e-10)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), -gb @ sol.conj().T, rtol=1e-10)
    np.testing.assert_allclose(tape.gradient(mm, x).numpy(), np.ones((3, 2)) @ b.conj().T, rtol=1e-12)


def test_float32_is_preserved():
    a = gt.constant(_spd(3).astype(np.float32))
    b = gt.constant(_randn(3, 2).astype(np.float32))
    outs = [gt.linalg.inv(a), gt.linalg.det(a), gt.linalg.solve(a, b), gt.linalg.cholesky(a),
            gt.linalg.triangular_solve(a, b), gt.linalg.expm(a * 0.1), gt.linalg.pinv(a), gt.linalg.logdet(a),
            gt.linalg.lstsq(a, b), gt.linalg.norm(a, ord=2, axis=(0, 1)), gt.linalg.trace(a),
            *gt.linalg.slogdet(a), *gt.linalg.qr(a), *gt.linalg.svd(a), *gt.linalg.eigh(a)]
    assert all(o.dtype == gt.float32 for o in outs), [o.dtype for o in outs]
    with gt.GradientTape() as tape:
        tape.watch(a)
        loss = gt.reduce_sum(gt.linalg.inv(a)) + gt.linalg.svd(a, compute_uv=False)[0]
    assert tape.gradient(loss, a).dtype == gt.float32


def test_svd_values_gradient_with_repeated_singular_values_is_finite():
    x = gt.constant(np.eye(3))
    with gt.GradientTape() as tape:
        tape.watch(x)
        n = gt.linalg.norm(x, ord=2, axis=(0, 1))
    g = tape.gradient(n, x).numpy()
    assert np.all(np.isfinite(g))
    with gt.GradientTape() as tape:
        tape.watch(x)
        s = gt.reduce_sum(gt.linalg.svd(x, compute_uv=False))
    np.testing.assert_allclose(tape.gradient(s, x).numpy(), np.eye(3), atol=1e-12)


def test_hessian_of_logdet_forward_over_reverse():
    # d^2/dA^2 logdet(A)[E, E'] = -tr(A^-1 E A^-1 E')
    a = _spd(3)
    e = _randn(3, 3)
    e = e + e.T
    x = gt.constant(a)
    with gt.autodiff.ForwardAccumulator(x, gt.constant(e)) as acc:
        with gt.GradientTape() as tape:
            tape.watch(x)
            y = gt.linalg.logdet(x)
        g = tape.gradient(y, x)
    ai = np.linalg.inv(a)
    np.testing.assert_allclose(acc.jvp(g).numpy(), -ai @ e @ ai, atol=1e-12)

"""TensorFlow semantics of ``gt.linalg``'s LU, general eigendecomposition and structured ops
beyond the op table: conventions, the SciPy and NumPy paths of ``lu``, the functions without
gradient, batched cotangents, TensorFlow's documented examples and the error messages."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

import gradtape as gt
from gradtape.ops import linalg_factor

RNG = np.random.default_rng(0)


def _dominant_shuffled(n, batch=(), complex=False, dtype=np.float64):
    a = RNG.uniform(-1, 1, batch + (n, n))
    if complex:
        a = a + 1j * RNG.uniform(-1, 1, batch + (n, n))
    a = a + 2 * n * np.eye(n)
    flat = a.reshape((-1, n, n))
    return np.stack([m[RNG.permutation(n)] for m in flat]).reshape(a.shape).astype(dtype)


def _unpack(lu):
    n = lu.shape[-1]
    return np.tril(lu, -1) + np.eye(n), np.triu(lu)


# -- lu ------------------------------------------------------------------------------------------
def test_lu_permutation_convention_is_tensorflows():
    x = RNG.standard_normal((4, 4))
    lu, p = gt.linalg.lu(gt.constant(x))
    assert lu.dtype == gt.float64 and p.dtype == gt.int32 and p.shape == (4,)
    l, u = _unpack(lu.numpy())
    p_mat = np.eye(4)[p.numpy()]  # row i of P is e_{p[i]}
    np.testing.assert_allclose(p_mat @ x, l @ u, atol=1e-12)  # TensorFlow's P_mat * input = L * U
    np.testing.assert_allclose(x[p.numpy()], l @ u, atol=1e-12)
    assert np.all(np.abs(l) <= 1 + 1e-12), "partial pivoting: |L| <= 1"


def test_lu_output_idx_type_and_batches():
    x = RNG.standard_normal((2, 3, 4, 4)).astype(np.float32)
    lu, p = gt.linalg.lu(x, output_idx_type=gt.int64)
    assert lu.dtype == gt.float32 and lu.shape == (2, 3, 4, 4)
    assert p.dtype == gt.int64 and p.shape == (2, 3, 4)
    np.testing.assert_allclose(gt.linalg.lu_reconstruct(lu, p).numpy(), x, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_lu_scipy_and_numpy_paths_agree(monkeypatch, dtype):
    x = RNG.standard_normal((3, 5, 5)) + (1j * RNG.standard_normal((3, 5, 5)) if dtype in (np.complex64, np.complex128)
                                          else 0)
    x = x.astype(dtype)
    lu1, p1 = gt.linalg.lu(x)
    monkeypatch.setattr(linalg_factor, "_scipy_linalg", lambda: None)
    lu2, p2 = gt.linalg.lu(x)
    np.testing.assert_array_equal(p1.numpy(), p2.numpy())
    tol = 1e-5 if dtype in (np.float32, np.complex64) else 1e-12
    np.testing.assert_allclose(lu1.numpy(), lu2.numpy(), rtol=tol, atol=tol)
    assert lu2.dtype == dtype
    if np.dtype(dtype).kind == "f":  # the SciPy path is LAPACK getrf's
        ref_lu, piv = scipy.linalg.lu_factor(x[0])
        np.testing.assert_allclose(lu1.numpy()[0], ref_lu, rtol=tol, atol=tol)


def test_lu_without_scipy_gives_the_same_gradients(monkeypatch):
    x = _dominant_shuffled(3)
    with_scipy = gt.test.compute_gradient(lambda a: gt.linalg.lu(a)[0], [x])[0]
    monkeypatch.setattr(linalg_factor, "_scipy_linalg", lambda: None)
    without = gt.test.compute_gradient(lambda a: gt.linalg.lu(a)[0], [x])[0]
    np.testing.assert_allclose(with_scipy[0], without[0], atol=1e-12)


def test_lu_complex_pivots_on_the_modulus_as_eigen():
    # |1+1j| = 1.41 < 1.9, but LAPACK's |re| + |im| = 2 > 1.9: TensorFlow (Eigen) takes row 1
    x = np.array([[1 + 1j, 1.0], [1.9, 3.0]])
    lu, p = gt.linalg.lu(x)
    assert p.numpy().tolist() == [1, 0]
    np.testing.assert_allclose(gt.linalg.lu_reconstruct(lu, p).numpy(), x, atol=1e-12)


def test_lu_of_empty_matrices():
    lu, p = gt.linalg.lu(np.zeros((2, 0, 0)))
    assert lu.shape == (2, 0, 0) and p.shape == (2, 0) and p.dtype == gt.int32
    lu, p = gt.linalg.lu(np.zeros((0, 3, 3)))
    assert lu.shape == (0, 3, 3) and p.shape == (0, 3)


def test_lu_jacobian_with_batched_cotangents():
    x = gt.constant(_dominant_shuffled(3, batch=(2,)))
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.linalg.lu(x)[0]
    jac = tape.jacobian(y, x).numpy()
    theo, num = gt.test.compute_gradient(lambda a: gt.linalg.lu(a)[0], [x])
    np.testing.assert_allclose(jac.reshape(18, 18), num[0], atol=1e-6)


def test_lu_solve_inverse_and_reconstruct_tensorflow_examples():
    x = np.array([[[1.0, 2], [3, 4]], [[7, 8], [3, 4]]])
    lu, p = gt.linalg.lu(x)
    np.testing.assert_allclose(gt.linalg.lu_solve(lu, p, rhs=np.eye(2)).numpy(), np.linalg.inv(x), atol=1e-12)
    x = np.array([[[3.0, 4], [1, 2]], [[7.0, 8], [3, 4]]])
    lu, p = gt.linalg.lu(x)
    np.testing.assert_allclose(gt.linalg.lu_matrix_inverse(lu, p).numpy(), np.linalg.inv(x), atol=1e-12)
    np.testing.assert_allclose(gt.linalg.lu_reconstruct(lu, p).numpy(), x, atol=1e-12)


def test_lu_solve_broadcasts_rhs_against_perm():
    a = _dominant_shuffled(3, batch=(2,))
    b = RNG.standard_normal((4, 1, 3, 2))
    x = gt.linalg.lu_solve(*gt.linalg.lu(a), b)
    assert x.shape == (4, 2, 3, 2)
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(a, b), atol=1e-12)


def test_lu_errors_name_the_op_and_argument():
    with pytest.raises(np.linalg.LinAlgError, match="lu: the input is not invertible"):
        gt.linalg.lu(np.array([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(ValueError, match="lu: input must be square"):
        gt.linalg.lu(np.ones((2, 3)))
    with pytest.raises(TypeError, match="lu: input must be a float32"):
        gt.linalg.lu(np.ones((2, 2), np.int32))
    with pytest.raises(TypeError, match="lu: output_idx_type must be gt.int32 or gt.int64"):
        gt.linalg.lu(np.eye(2), output_idx_type=gt.float32)


def test_lu_composites_errors():
    lu, p = gt.linalg.lu(_dominant_shuffled(3))
    with pytest.raises(ValueError, match=r"lu_reconstruct: rank\(lower_upper\) must equal rank\(perm\) \+ 1"):
        gt.linalg.lu_reconstruct(lu, p[None])
    with pytest.raises(ValueError, match="lu_solve: perm must have 3 entries"):
        gt.linalg.lu_solve(lu, [0, 1], np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"lu_solve: rhs must have rank >= 2 .* rhs\[\.\.\., None\]"):
        gt.linalg.lu_solve(lu, p, np.ones(3))
    with pytest.raises(ValueError, match="lu_solve: rhs must have 3 rows"):
        gt.linalg.lu_solve(lu, p, np.ones((2, 1)))
    with pytest.raises(TypeError, match="lu_solve: rhs has dtype float32 but lower_upper has dtype float64"):
        gt.linalg.lu_solve(lu, p, np.ones((3, 1), np.float32))
    with pytest.raises(TypeError, match="lu_matrix_inverse: perm must be an integer tensor"):
        gt.linalg.lu_matrix_inverse(lu, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"lu_reconstruct: perm must hold row indices in \[0, 3\)"):
        gt.linalg.lu_reconstruct(lu, [0, 1, 3])
    with pytest.raises(ValueError, match="lu_reconstruct: lower_upper must be square"):
        gt.linalg.lu_reconstruct(np.ones((3, 2)), [0, 1, 2])
    # validate_args checks that perm is a permutation; without it, as TensorFlow, it is not
    gt.linalg.lu_reconstruct(lu, [0, 0, 1])
    with pytest.raises(ValueError, match="lu_reconstruct: perm must be a permutation"):
        gt.linalg.lu_reconstruct(lu, [0, 0, 1], validate_args=True)


# -- eig -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, out", [(np.float32, np.complex64), (np.float64, np.complex128),
                                        (np.complex64, np.complex64), (np.complex128, np.complex128)])
def test_eig_outputs_are_complex_eigenpairs(dtype, out):
    a = RNG.standard_normal((2, 4, 4)).astype(dtype)
    e, v = gt.linalg.eig(a)
    assert e.dtype == out and v.dtype == out and e.shape == (2, 4) and v.shape == (2, 4, 4)
    tol = 1e-4 if out == np.complex64 else 1e-10
    np.testing.assert_allclose(a @ v.numpy(), v.numpy() * e.numpy()[..., None, :], atol=tol)
    np.testing.assert_allclose(np.linalg.norm(v.numpy(), axis=-2), 1.0, atol=tol)
    np.testing.assert_array_equal(gt.linalg.eigvals(a).numpy(), e.numpy())


def test_eig_orders_eigenpairs_as_tensorflows_kernel():
    # Eigen's selection sort by modulus: diag(2, -2, 1) -> (1, -2, 2), not a stable sort's (1, 2, -2)
    e, v = gt.linalg.eig(np.diag([2.0, -2.0, 1.0]))
    np.testing.assert_array_equal(e.numpy(), [1.0, -2.0, 2.0])
    np.testing.assert_array_equal(np.abs(v.numpy()), np.eye(3)[:, [2, 1, 0]])
    a = np.array([[0.0, -3.0, 0.0], [3.0, 0.0, 0.0], [0.0, 0.0, -1.0]])
    e = gt.linalg.eigvals(a).numpy()
    np.testing.assert_allclose(e[0], -1.0, atol=1e-12)
    np.testing.assert_allclose(np.sort_complex(e[1:]), [-3j, 3j], atol=1e-12)


def test_eig_gradient_of_eigenvalues_is_tensorflows_and_real_for_real_input():
    # d e_k / dA = conj(left_k right_k^T) / (left_k^H right_k): for real A with real spectrum the
    # gradient of sum(e) is the identity (the trace), and the input's dtype is kept
    a = gt.constant(np.array([[2.0, 1.0], [0.5, -1.0]]))
    with gt.GradientTape() as tape:
        tape.watch(a)
        s = gt.math.real(gt.reduce_sum(gt.linalg.eigvals(a)))
    g = tape.gradient(s, a)
    assert g.dtype == gt.float64
    np.testing.assert_allclose(g.numpy(), np.eye(2), atol=1e-12)


def test_eig_jacobian_with_batched_cotangents():
    a = gt.constant(np.array([[4.0, 1.0, 0.2], [0.3, 8.0, -0.1], [0.0, 0.4, 12.0]]))
    with gt.GradientTape() as tape:
        tape.watch(a)
        e = gt.math.real(gt.linalg.eigvals(a))
    jac = tape.jacobian(e, a).numpy()
    _, num = gt.test.compute_gradient(lambda x: gt.math.real(gt.linalg.eigvals(x)), [a])
    np.testing.assert_allclose(jac.reshape(3, 9), num[0], atol=1e-6)


def test_eig_errors():
    with pytest.raises(ValueError, match="eig: tensor must be square"):
        gt.linalg.eig(np.ones((2, 3)))
    with pytest.raises(ValueError, match="eigvals: tensor must have rank >= 2"):
        gt.linalg.eigvals(np.ones(3))


# -- matrix_rank (no gradient) ---------------------------------------------------------------------
def test_matrix_rank():
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])
    r = gt.linalg.matrix_rank(a)
    assert r.dtype == gt.int32 and int(r) == 2
    batch = np.stack([np.eye(3), a, np.zeros((3, 3))])
    np.testing.assert_array_equal(gt.linalg.matrix_rank(batch).numpy(), [3, 2, 0])
    assert int(gt.linalg.matrix_rank([[1, 0], [0, 1]])) == 2  # integer lists become float32, as in TF
    assert int(gt.linalg.matrix_rank(np.diag([1.0, 1e-3]), tol=1e-2)) == 1
    assert gt.linalg.matrix_rank(np.zeros((2, 0, 3))).numpy().tolist() == [0, 0]
    x = gt.constant(a)
    with gt.GradientTape() as tape:
        tape.watch(x)
        r = gt.linalg.matrix_rank(x)
    assert tape.gradient(r, x) is None
    with pytest.raises(TypeError, match="matrix_rank: a must be a float tensor"):
        gt.linalg.matrix_rank(np.eye(2) + 0j)
    with pytest.raises(ValueError, match="matrix_rank: a must have rank >= 2"):
        gt.linalg.matrix_rank(np.ones(3))


# -- tridiagonal -------------------------------------------------------------------------------------
def test_tridiagonal_formats_agree_and_match_dense():
    n = 5
    sup, main, sub = RNG.standard_normal(n - 1), RNG.standard_normal(n) + 4, RNG.standard_normal(n - 1)
    dense = np.diag(main) + np.diag(sup, 1) + np.diag(sub, -1)
    rhs = RNG.standard_normal((n, 2))
    compact = np.stack([np.append(sup, 9.0), main, np.insert(sub, 0, 9.0)])  # the 9s are ignored
    want = np.linalg.solve(dense, rhs)
    for x in (gt.linalg.tridiagonal_solve(compact, rhs),
              gt.linalg.tridiagonal_solve([sup, main, sub], rhs, diagonals_format="sequence"),
              gt.linalg.tridiagonal_solve([compact[0], main, compact[2]], rhs, diagonals_format="sequence"),
              gt.linalg.tridiagonal_solve(dense + np.triu(np.ones((n, n)), 2), rhs, diagonals_format="matrix"),
              gt.linalg.tridiagonal_solve(compact, rhs, partial_pivoting=False),
              gt.linalg.tridiagonal_solve(compact, rhs, perturb_singular=True),
              gt.linalg.tridiagonal_solve(compact, rhs.T, transpose_rhs=True)):
        np.testing.assert_allclose(x.numpy(), want, atol=1e-12)
    np.testing.assert_allclose(gt.linalg.tridiagonal_matmul(compact, want).numpy(), rhs, atol=1e-12)
    np.testing.assert_allclose(gt.linalg.tridiagonal_matmul(dense, want, diagonals_format="matrix").numpy(), rhs,
                               atol=1e-12)


def test_tridiagonal_matmul_tensorflow_example():
    superdiag = gt.constant([-1, -1, 0], dtype=gt.float64)
    maindiag = gt.constant([2, 2, 2], dtype=gt.float64)
    subdiag = gt.constant([0, -1, -1], dtype=gt.float64)
    rhs = gt.constant([[1, 1], [1, 1], [1, 1]], dtype=gt.float64)
    x = gt.linalg.tridiagonal_matmul([superdiag, maindiag, subdiag], rhs, diagonals_format="sequence")
    np.testing.assert_array_equal(x.numpy(), [[1, 1], [0, 0], [1, 1]])


def test_tridiagonal_solve_pivots_where_thomas_fails():
    # zero diagonal: the Thomas algorithm fails (NaN, as TensorFlow), partial pivoting solves it
    diags = np.array([[1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0]])
    rhs = np.array([[1.0], [2.0], [3.0], [4.0]])
    x = gt.linalg.tridiagonal_solve(diags, rhs)
    dense = np.diag(np.ones(3), 1) + np.diag(np.ones(3), -1)
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(dense, rhs), atol=1e-12)
    assert np.all(np.isnan(gt.linalg.tridiagonal_solve(diags, rhs, partial_pivoting=False).numpy()))


def test_tridiagonal_solve_singular_gives_nan_or_a_perturbed_answer():
    # [[1, 1, 0], [1, 1, 0], [0, 0, 1]] is singular: NaN without perturb_singular (TensorFlow's)
    diags = np.array([[[1.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]],
                      [[0.0, 0.0, 0.0], [2.0, 2.0, 2.0], [0.0, 0.0, 0.0]]])
    rhs = np.ones((2, 3, 1))
    x = gt.linalg.tridiagonal_solve(diags, rhs).numpy()
    assert np.all(np.isnan(x[0])) and np.allclose(x[1], 0.5), "only the singular system is NaN"
    # inverse iteration: a singular (T - lambda I) gives a finite, huge multiple of the eigenvector
    t = np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 1.0], [0.0, 1.0, 2.0]])
    lam, vec = np.linalg.eigh(t)
    shifted = np.stack([np.append(np.diag(t, 1), 0), np.diag(t) - lam[0], np.insert(np.diag(t, -1), 0, 0)])
    y = gt.linalg.tridiagonal_solve(shifted, np.ones(3), perturb_singular=True).numpy()
    assert np.all(np.isfinite(y)) and np.linalg.norm(y) > 1e6
    np.testing.assert_allclose(np.abs(y / np.linalg.norm(y)), np.abs(vec[:, 0]), atol=1e-6)


def test_tridiagonal_solve_gradient_with_broadcast_cotangents():
    d = gt.constant(RNG.standard_normal((2, 3, 4)) + np.array([[0.0], [4.0], [0.0]]))
    b = gt.constant(RNG.standard_normal((2, 4, 2)))
    with gt.GradientTape() as tape:
        tape.watch([d, b])
        x = gt.linalg.tridiagonal_solve(d, b)
    jd, jb = tape.jacobian(x, [d, b])
    _, num = gt.test.compute_gradient(lambda dd, bb: gt.linalg.tridiagonal_solve(dd, bb), [d, b])
    np.testing.assert_allclose(jd.numpy().reshape(16, 24), num[0], atol=1e-6)
    np.testing.assert_allclose(jb.numpy().reshape(16, 16), num[1], atol=1e-6)
    # the ignored corner entries get zero gradients
    assert np.all(jd.numpy()[..., 0, 3] == 0) and np.all(jd.numpy()[..., 2, 0] == 0)


def test_tridiagonal_errors():
    d, b = np.ones((3, 4)), np.ones((4, 1))
    with pytest.raises(ValueError, match="tridiagonal_solve: perturb_singular=True needs partial_pivoting=True"):
        gt.linalg.tridiagonal_solve(d, b, partial_pivoting=False, perturb_singular=True)
    with pytest.raises(ValueError, match=r"tridiagonal_solve: diagonals in 'compact' format must have shape \[\.\.\., 3"):
        gt.linalg.tridiagonal_solve(np.ones((2, 4)), b)
    with pytest.raises(ValueError, match="tridiagonal_solve: diagonals_format must be 'compact', 'sequence' or 'matrix'"):
        gt.linalg.tridiagonal_solve(d, b, diagonals_format="banded")
    with pytest.raises(ValueError, match="tridiagonal_solve: diagonals in 'sequence' format must be a list"):
        gt.linalg.tridiagonal_solve(d, b, diagonals_format="sequence")
    with pytest.raises(ValueError, match="tridiagonal_solve: superdiag must have length 4 or 3"):
        gt.linalg.tridiagonal_solve([np.ones(2), np.ones(4), np.ones(3)], b, diagonals_format="sequence")
    with pytest.raises(ValueError, match="tridiagonal_solve: diagonals in 'matrix' format must be square"):
        gt.linalg.tridiagonal_solve(np.ones((3, 4)), b, diagonals_format="matrix")
    with pytest.raises(ValueError, match="tridiagonal_solve: rhs must have rank 1"):
        gt.linalg.tridiagonal_solve(d, np.ones((1, 4, 1)))
    with pytest.raises(ValueError, match="tridiagonal_solve: the batch shapes of diagonals"):
        gt.linalg.tridiagonal_solve(np.ones((2, 3, 4)), np.ones((3, 4, 1)))
    with pytest.raises(ValueError, match="tridiagonal_solve: rhs must have 4 rows"):
        gt.linalg.tridiagonal_solve(d, np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"tridiagonal_solve: rhs must have 4 columns \(transpose_rhs=True\)"):
        gt.linalg.tridiagonal_solve(d, np.ones((4, 3)), transpose_rhs=True)
    with pytest.raises(TypeError, match="tridiagonal_solve: rhs has dtype float32 but diagonals has dtype float64"):
        gt.linalg.tridiagonal_solve(d, np.ones((4, 1), np.float32))
    with pytest.raises(TypeError, match="tridiagonal_solve: diagonals must be a float32"):
        gt.linalg.tridiagonal_solve(np.ones((3, 4), np.int32), b)
    with pytest.raises(ValueError, match=r"tridiagonal_matmul: rhs must have shape \[\.\.\., 4, N\]"):
        gt.linalg.tridiagonal_matmul(d, np.ones(4))


# -- banded triangular solve -------------------------------------------------------------------------
def test_banded_triangular_solve_tensorflow_examples():
    x = [[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]]
    x2 = [[2.0, 3.0, 4.0], [10000.0, 2.0, 3.0]]  # the first entry of the subdiagonal row is ignored
    soln = gt.linalg.banded_triangular_solve(x, gt.ones([3, 1]))
    np.testing.assert_allclose(soln.numpy(), [[0.5], [0.0], [0.25]])
    np.testing.assert_array_equal(gt.linalg.banded_triangular_solve(x2, gt.ones([3, 1])).numpy(), soln.numpy())
    z = np.array([[2.0, 0, 0], [2, 3, 0], [0, 3, 4]])
    np.testing.assert_allclose(soln.numpy(), scipy.linalg.solve_triangular(z, np.ones((3, 1)), lower=True))
    x = [[2.0, 3.0, 4.0, 5.0], [-1.0, -2.0, -3.0, -4.0]]  # the last entry of the superdiagonal is ignored
    soln = gt.linalg.banded_triangular_solve(x, gt.ones([4, 1]), lower=False)
    np.testing.assert_allclose(soln.numpy(), [[-4.0], [-1.5], [-2 / 3], [-0.25]], rtol=1e-6)


def test_banded_triangular_solve_adjoint_and_extra_bands():
    bands = RNG.standard_normal((4, 3)) + np.array([[4.0], [0.0], [0.0], [0.0]])  # K = 4 > M = 3
    rhs = RNG.standard_normal((3, 2))
    dense = np.tril(np.zeros((3, 3)))
    for j in range(3):
        dense += np.diag(bands[j, j:], -j)
    got = gt.linalg.banded_triangular_solve(bands, rhs, adjoint=True).numpy()
    np.testing.assert_allclose(got, np.linalg.solve(dense.T, rhs), atol=1e-12)


def test_banded_triangular_solve_errors():
    with pytest.raises(ValueError, match="banded_triangular_solve: bands must have rank >= 2"):
        gt.linalg.banded_triangular_solve(np.ones(3), np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"banded_triangular_solve: rhs must have shape \[\.\.\., 3, N\]"):
        gt.linalg.banded_triangular_solve(np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="banded_triangular_solve: bands must not be empty"):
        gt.linalg.banded_triangular_solve(np.ones((0, 3)), np.ones((3, 1)))


# -- small dense helpers -----------------------------------------------------------------------------
def test_cross():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    b = np.array([[1, 0, 0], [0, 1, 0]], np.int32)
    c = gt.linalg.cross(a, b)
    assert c.dtype == gt.int32
    np.testing.assert_array_equal(c.numpy(), np.cross(a, b))
    with pytest.raises(ValueError, match="cross: a and b must have the same shape, with 3 in the last dimension"):
        gt.linalg.cross(np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="cross: a and b must have the same shape"):
        gt.linalg.cross(np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match="cross: a must be a real"):
        gt.linalg.cross(np.ones(3) + 0j, np.ones(3) + 0j)


def test_normalize_is_tensorflows():
    x = np.array([[3.0, 4.0], [0.0, 2.0]])
    normalized, n = gt.linalg.normalize(x, axis=1)
    np.testing.assert_allclose(normalized.numpy(), [[0.6, 0.8], [0.0, 1.0]])
    np.testing.assert_allclose(n.numpy(), [[5.0], [2.0]])
    normalized, n = gt.linalg.normalize(x, ord=np.inf, axis=(0, 1))
    np.testing.assert_allclose(n.numpy(), [[7.0]])
    _, n = gt.linalg.normalize(np.array([3j, 4.0]))
    assert n.dtype == gt.complex128 and n.numpy().tolist() == [5.0 + 0j]
    with pytest.raises(TypeError, match="normalize: tensor must be a float or complex tensor"):
        gt.linalg.normalize(np.array([1, 2]))


def test_tensor_diag_and_diag_part():
    d = np.arange(6, dtype=np.int64).reshape(2, 3)
    t = gt.linalg.tensor_diag(d)
    assert t.shape == (2, 3, 2, 3) and t.dtype == gt.int64
    for i, j in np.ndindex(2, 3):
        assert t.numpy()[i, j, i, j] == d[i, j]
    assert int(np.count_nonzero(t.numpy())) == 5
    np.testing.assert_array_equal(gt.linalg.tensor_diag_part(t).numpy(), d)
    np.testing.assert_array_equal(gt.linalg.tensor_diag([[1.0, 2.0]]).numpy().reshape(2, 2), np.diag([1.0, 2.0]))
    with pytest.raises(ValueError, match="tensor_diag: diagonal must have rank >= 1"):
        gt.linalg.tensor_diag(3.0)
    with pytest.raises(ValueError, match="tensor_diag_part: input must have an even, nonzero rank"):
        gt.linalg.tensor_diag_part(np.ones((2, 3)))
    with pytest.raises(ValueError, match="tensor_diag_part: input must have an even, nonzero rank"):
        gt.linalg.tensor_diag_part(np.ones((2, 2, 2)))


def test_names_are_exported_by_gt_linalg():
    for name in ["lu", "lu_solve", "lu_reconstruct", "lu_matrix_inverse", "eig", "eigvals", "cross", "matrix_rank",
                 "normalize", "tridiagonal_solve", "tridiagonal_matmul", "tensor_diag", "tensor_diag_part",
                 "banded_triangular_solve"]:
        assert callable(getattr(gt.linalg, name)), name


@pytest.mark.parametrize("shape", [(3, 2, 5, 4), (2, 40, 30)])
def test_stacked_products_with_a_transposed_right_operand(shape):
    """Small transposed right operands are copied before the product (faster in BLAS), larger
    ones are not; both give NumPy's values and exact gradients."""
    rng = np.random.default_rng(3)
    a0 = rng.standard_normal(shape)
    k0 = rng.standard_normal(shape)
    kt = np.swapaxes(k0, -1, -2)
    assert kt.strides[-2] == kt.itemsize
    a, k = gt.constant(a0), gt.constant(k0)
    with gt.GradientTape() as t:
        t.watch([a, k])
        y = a @ gt.linalg.matrix_transpose(k)
        loss = gt.reduce_sum(y * y)
    np.testing.assert_allclose(y.numpy(), np.matmul(a0, kt), rtol=1e-12, atol=1e-12)
    da, dk = t.gradient(loss, [a, k])
    yy = np.matmul(a0, kt)
    np.testing.assert_allclose(da.numpy(), 2 * yy @ k0, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dk.numpy(), 2 * np.swapaxes(yy, -1, -2) @ a0, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("rows, copied", [(96, True), (8, False)])
def test_a_transposed_right_operand_with_few_rows_is_copied(monkeypatch, rows, copied):
    """``g @ w^T`` for a classifier's last layer (w with few columns) multiplies a contiguous copy
    of ``w^T`` when ``g`` has 64 rows or more; the values and derivatives are unchanged."""
    from gradtape.ops import linalg
    seen = []
    product = linalg._parallel.product
    monkeypatch.setattr(linalg._parallel, "product",
                        lambda a, b: seen.append(b.flags.c_contiguous) or product(a, b))
    rng = np.random.default_rng(5)
    g0, w0 = rng.standard_normal((rows, 10)), rng.standard_normal((20, 10))
    y = gt.matmul(gt.constant(g0), gt.linalg.matrix_transpose(gt.constant(w0)))
    assert seen == [copied]
    np.testing.assert_allclose(y.numpy(), g0 @ w0.T, rtol=1e-12, atol=1e-12)
    gt.test.check_gradients(lambda g, w: gt.matmul(g, gt.linalg.matrix_transpose(w)), [g0, w0])

"""Table rows: linear algebra (gradtape/ops/linalg.py)."""

import numpy as np

import gradtape as gt

from .table import Row

MATMUL_SHAPES = [((2, 3), (3, 4)), ((3,), (3, 4)), ((2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (3, 4)),
                 ((2, 3), (2, 3, 4)), ((0, 3), (3, 2))]

ROWS = [
    Row("matmul", gt.matmul, np.matmul, MATMUL_SHAPES),
    Row("matmul_operator", lambda a, b: a @ b, np.matmul, [((2, 3), (3, 4))]),
    Row("matmul_transpose_a_b", lambda a, b: gt.matmul(a, b, transpose_a=True, transpose_b=True),
        lambda a, b: a.T @ b.T, [((3, 2), (4, 3))]),
    Row("matmul_complex", lambda a, b: gt.matmul(a, b, adjoint_b=True), lambda a, b: a @ np.conj(b.T),
        [((2, 3), (4, 3))], complex=True),
    Row("matvec", gt.linalg.matvec, lambda a, b: a @ b, [((2, 3), (3,))]),
    Row("matvec_batched", gt.linalg.matvec, lambda a, b: np.einsum("bij,bj->bi", a, b), [((2, 4, 3), (2, 3))]),
]

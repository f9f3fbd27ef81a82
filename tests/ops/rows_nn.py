"""Table rows: neural-network ops (gradtape/ops/nn.py)."""

import numpy as np

import gradtape as gt

from .table import Row, away_from


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


LABELS = np.array([0, 2, 1, 2])

ROWS = [
    Row("relu", gt.nn.relu, lambda x: np.maximum(x, 0), domain=away_from([0], -2, 2)),
    Row("softmax", gt.nn.softmax, _softmax, [((4,),), ((2, 3),)]),
    Row("softmax_axis0", lambda x: gt.nn.softmax(x, axis=0), lambda x: _softmax(x, 0), [((2, 3),)]),
    Row("log_softmax", gt.nn.log_softmax, lambda x: np.log(_softmax(x)), [((4,),), ((2, 3),)]),
    Row("sparse_softmax_cross_entropy_with_logits",
        lambda x: gt.nn.sparse_softmax_cross_entropy_with_logits(LABELS, x),
        lambda x: -np.log(_softmax(x))[np.arange(4), LABELS], [((4, 3),)]),
]

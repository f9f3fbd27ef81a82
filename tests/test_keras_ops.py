"""gt.keras.ops and gt.keras.random against Keras 3.15's values for the same inputs, and
gradients through ops on a tape."""

import numpy as np
import pytest

import gradtape as gt
from gradtape.keras import ops, random

X = np.array([[1.0, -2.0, 0.5], [3.0, 4.0, -1.0]], np.float32)
T = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], np.float32)
P = np.array([[0.9, 0.2, 0.6], [0.3, 0.7, 0.1]], np.float32)

KERAS = {  # keras.ops on the same arrays (tools: printed in the peers' environment)
    "leaky_relu": [[1.0, -0.4, 0.5], [3.0, 4.0, -0.2]],
    "logsumexp": [1.5045969486236572, 4.318175792694092],
    "norm": [2.291287899017334, 5.099020004272461],
    "bce": [[0.105361, 0.223144, 0.510826], [0.356675, 0.356675, 0.105361]],
    "bce_logits": [[0.313262, 0.126928, 0.474077], [3.048587, 0.01815, 0.313262]],
    "cce": [0.754597008228302, 0.31817498803138733],
    "scce": [1.0045969486236572, 1.318174958229065],
    "softmax": [[0.119203, 0.002473, 0.817574], [0.880797, 0.997527, 0.182426]],
    "mean": [[-0.166667], [2.0]],
    "var": 4.368055820465088,
    "take": [1.0, 4.0],
    "cumsum": [[1.0, -1.0, -0.5], [3.0, 7.0, 6.0]],
    "gelu": [[0.841192, -0.045402, 0.345714], [2.996363, 3.99993, -0.158808]],
    "topk": [[1.0, 0.5], [4.0, 3.0]],
    "clip": [[1.0, -1.0, 0.5], [1.0, 1.0, -1.0]],
    "where": [[1.0, 0.0, 0.5], [3.0, 4.0, 0.0]],
}

OURS = {
    "leaky_relu": lambda: ops.leaky_relu(X),
    "logsumexp": lambda: ops.logsumexp(X, axis=1),
    "norm": lambda: ops.norm(X, axis=1),
    "bce": lambda: ops.binary_crossentropy(T, P),
    "bce_logits": lambda: ops.binary_crossentropy(T, X, from_logits=True),
    "cce": lambda: ops.categorical_crossentropy(T / T.sum(1, keepdims=True), X, from_logits=True),
    "scce": lambda: ops.sparse_categorical_crossentropy(np.array([2, 0]), X, from_logits=True),
    "softmax": lambda: ops.softmax(X, axis=0),
    "mean": lambda: ops.mean(X, axis=1, keepdims=True),
    "var": lambda: ops.var(X),
    "take": lambda: ops.take(X, np.array([0, 4])),
    "cumsum": lambda: ops.cumsum(X, axis=1),
    "gelu": lambda: ops.gelu(X),
    "topk": lambda: ops.top_k(X, 2)[0],
    "clip": lambda: ops.clip(X, -1, 1),
    "where": lambda: ops.where(X > 0, X, 0.0),
}


@pytest.mark.parametrize("name", sorted(KERAS))
def test_ops_match_keras(name):
    got = OURS[name]()
    np.testing.assert_allclose(np.asarray(got.numpy() if hasattr(got, "numpy") else got), KERAS[name],
                               rtol=2e-5, atol=2e-6)


def test_ops_are_differentiable_on_a_tape():
    x = gt.constant(X)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.square(ops.relu(x))) + ops.mean(ops.logsumexp(x, axis=1))
    g = tape.gradient(y, x).numpy()
    softmax_rows = np.exp(X) / np.exp(X).sum(1, keepdims=True)
    np.testing.assert_allclose(g, 2 * np.maximum(X, 0) + softmax_rows / 2, rtol=1e-5)


def test_shape_is_a_tuple_and_core_ops_work():
    assert ops.shape(X) == (2, 3)
    assert ops.convert_to_numpy(ops.cast(ops.convert_to_tensor([1.5]), "int32")).tolist() == [1]
    assert ops.fori_loop(0, 3, lambda i, v: v + i, 10) == 13


def test_random_int_seeds_repeat_and_seed_generators_advance():
    a, b = random.normal((3,), seed=7), random.normal((3,), seed=7)
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # an int seed repeats, as in Keras
    gen = random.SeedGenerator(1)
    c, d = random.uniform((3,), seed=gen), random.uniform((3,), seed=gen)
    assert not np.array_equal(c.numpy(), d.numpy())
    np.testing.assert_array_equal(random.uniform((3,), seed=random.SeedGenerator(1)).numpy(), c.numpy())
    assert ((c.numpy() >= 0) & (c.numpy() < 1)).all()
    kept = random.dropout(gt.ones((1000,)), 0.5, seed=3).numpy()
    assert set(np.unique(kept)) <= {0.0, 2.0} and 400 < (kept > 0).sum() < 600
    perm = random.shuffle(gt.constant([[1, 2, 3], [4, 5, 6]]), axis=1, seed=2).numpy()
    assert sorted(perm[0]) == [1, 2, 3] and (perm[1] - perm[0] == 3).all()
    with pytest.raises(TypeError, match="SeedGenerator"):
        random.normal((2,), seed="x")

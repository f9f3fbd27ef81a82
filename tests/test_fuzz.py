"""Fuzzing: random expression graphs, random shapes with broadcasting, random nesting of tapes
and accumulators, each checked in reverse mode, forward mode and to second order against
float64 central differences.

CI runs a bounded number of examples; run many more with

    GRADTAPE_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py
"""

import os
from contextlib import ExitStack

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradtape as gt

EXAMPLES = int(os.environ.get("GRADTAPE_FUZZ_EXAMPLES", "30"))

UNARY = {
    "sin": gt.sin, "cos": gt.cos, "tanh": gt.tanh, "sigmoid": gt.sigmoid,
    "atan": gt.math.atan, "softplus": gt.math.softplus,
    "square": lambda x: gt.square(x) * 0.25, "neg": lambda x: -x,
    "exp_tanh": lambda x: gt.exp(gt.tanh(x)), "log1p_sq": lambda x: gt.math.log1p(x * x),
    "sqrt_1p_sq": lambda x: gt.sqrt(1.0 + x * x), "scale": lambda x: x * 0.7 + 0.1,
}
BINARY = {
    "add": gt.add, "sub": gt.subtract, "mul": gt.multiply,
    "div": lambda x, y: x / (1.5 + y * y), "hypot": lambda x, y: gt.sqrt(1.0 + x * x + y * y),
    "matmul_like": lambda x, y: gt.reduce_sum(x * y, axis=-1, keepdims=True),
}
REDUCE = {
    "sum": lambda x, ax: gt.reduce_sum(x, axis=ax, keepdims=True),
    "mean": lambda x, ax: gt.reduce_mean(x, axis=ax, keepdims=True),
    "logsumexp": lambda x, ax: gt.reduce_logsumexp(x, axis=ax, keepdims=True),
    "softmax": lambda x, ax: gt.nn.softmax(x, axis=ax),
}


@st.composite
def programs(draw):
    nd = draw(st.integers(1, 3))
    full = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    # each input takes the full shape with some axes set to 1 or dropped: broadcasting pairs
    def sub_shape():
        s = [1 if draw(st.booleans()) else d for d in full]
        lead = draw(st.integers(0, nd))
        return tuple(s[lead:]) if draw(st.booleans()) else tuple(s)
    n_inputs = draw(st.integers(1, 3))
    shapes = [full] + [sub_shape() for _ in range(n_inputs - 1)]
    steps = []
    n_values = n_inputs
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["unary", "binary", "binary", "reduce"]))
        a = draw(st.integers(0, n_values - 1))
        if kind == "unary":
            steps.append(("unary", draw(st.sampled_from(sorted(UNARY))), a))
        elif kind == "binary":
            steps.append(("binary", draw(st.sampled_from(sorted(BINARY))), a, draw(st.integers(0, n_values - 1))))
        else:
            steps.append(("reduce", draw(st.sampled_from(sorted(REDUCE))), a, -1))
        n_values += 1
    nesting = draw(st.lists(st.sampled_from(["tape", "accumulator"]), max_size=2))
    seed = draw(st.integers(0, 2 ** 16))
    return shapes, steps, nesting, seed


def build(steps):
    def f(*xs):
        vals = list(xs)
        for step in steps:
            if step[0] == "unary":
                vals.append(UNARY[step[1]](vals[step[2]]))
            elif step[0] == "binary":
                x, y = vals[step[2]], vals[step[3]]
                op = BINARY[step[1]] if (x.ndim and y.ndim) or step[1] != "matmul_like" else gt.multiply
                vals.append(op(x, y))
            else:
                x = vals[step[2]]
                vals.append(REDUCE[step[1]](x, -1) if x.ndim else UNARY["tanh"](x))
        return vals[-1]
    return f


def nested(f, nesting, xs_like):
    """Run ``f`` inside unrelated outer recorders: the results must not change."""
    def g(*xs):
        with ExitStack() as stack:
            for kind in nesting:
                if kind == "tape":
                    t = stack.enter_context(gt.GradientTape())
                    t.watch(list(xs))
                else:
                    stack.enter_context(gt.autodiff.ForwardAccumulator(
                        list(xs), [gt.ones_like(x) for x in xs]))
            return f(*xs)
    return g


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_graphs_have_correct_derivatives(program):
    shapes, steps, nesting, seed = program
    rng = np.random.default_rng(seed)
    xs = [rng.uniform(-1.5, 1.5, s) for s in shapes]
    f = build(steps)
    gt.test.check_gradients(f, xs, order=2, seed=seed, rtol=1e-4, atol=1e-5)
    if nesting:
        g = nested(f, nesting, xs)
        gt.test.check_gradients(g, xs, order=2, seed=seed, rtol=1e-4, atol=1e-5)
        plain = f(*[gt.constant(x) for x in xs]).numpy()
        np.testing.assert_allclose(g(*[gt.constant(x) for x in xs]).numpy(), plain, rtol=1e-12)

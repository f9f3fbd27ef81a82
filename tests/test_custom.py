"""custom_gradient, recompute_grad, stop_gradient, identity and IndexedSlices."""

import numpy as np
import pytest

import gradtape as gt


@pytest.mark.filterwarnings("ignore:overflow")
def test_custom_gradient_replaces_the_gradient():
    @gt.custom_gradient
    def log1pexp(x):
        e = gt.exp(x)

        def grad(dy):
            return dy * (1 - 1 / (1 + e))
        return gt.log(1 + e), grad

    x = gt.constant(100.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert float(tape.gradient(y, x)) == 1.0  # the naive gradient would be nan


def test_custom_gradient_with_several_inputs_and_outputs():
    @gt.custom_gradient
    def f(a, b):
        def grad(da, db):
            return da * 10.0, db * 100.0
        return (a * 1.0, b * 1.0), grad

    a, b = gt.constant(1.0), gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch([a, b])
        ya, yb = f(a, b)
        z = ya + 2.0 * yb
    ga, gb = tape.gradient(z, [a, b])
    assert (float(ga), float(gb)) == (10.0, 200.0)


def test_custom_gradient_wrong_count_raises_at_gradient_time():
    @gt.custom_gradient
    def f(a, b):
        return a * b, lambda dy: dy  # one gradient for two inputs

    a, b = gt.constant(1.0), gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch([a, b])
        y = f(a, b)
    with pytest.raises(ValueError, match="returned 1 gradients for 2 inputs"):
        tape.gradient(y, [a, b])


def test_custom_gradient_with_variables():
    w = gt.Variable(3.0)

    @gt.custom_gradient
    def scale(x):
        def grad(dy, variables=None):
            return dy * w, [dy * x * 0.5]
        return x * w, grad

    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = scale(x)
    gx, gw = tape.gradient(y, [x, w])
    assert float(gx) == 3.0 and float(gw) == 1.0


def test_custom_gradient_variables_require_the_keyword():
    w = gt.Variable(3.0)

    @gt.custom_gradient
    def scale(x):
        return x * w, lambda dy: dy * w

    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = scale(x)
    with pytest.raises(TypeError, match="variables"):
        tape.gradient(y, x)


def test_custom_gradient_second_order():
    @gt.custom_gradient
    def cube(x):
        def grad(dy):
            return dy * 3.0 * x * x
        return x * x * x, grad

    x = gt.constant(2.0, gt.float64)
    with gt.GradientTape() as t2:
        t2.watch(x)
        with gt.GradientTape() as t1:
            t1.watch(x)
            y = cube(x)
        g = t1.gradient(y, x)
    assert float(g) == 12.0
    assert float(t2.gradient(g, x)) == 12.0


def test_custom_gradient_in_jacobian_and_forward_mode():
    @gt.custom_gradient
    def double(x):
        return x * 2.0, lambda dy: dy * 2.0

    x = gt.constant([1.0, 2.0])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = double(x)
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), 2 * np.eye(2))
    with gt.autodiff.ForwardAccumulator(x, gt.constant([1.0, 0.0])) as acc:
        y = double(x)
    np.testing.assert_allclose(acc.jvp(y).numpy(), [2, 0])


def test_custom_gradient_outside_a_tape_just_runs_f():
    @gt.custom_gradient
    def f(x):
        return x + 1.0, lambda dy: dy
    assert float(f(gt.constant(1.0))) == 2.0


def mlp_block(x, w):
    for _ in range(3):
        x = gt.tanh(x @ w)
    return x


def test_recompute_grad_gives_the_same_gradients():
    rng = np.random.default_rng(0)
    w = gt.Variable(rng.standard_normal((4, 4)) * 0.5)
    x = gt.constant(rng.standard_normal((2, 4)))
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.reduce_sum(mlp_block(x, w) ** 2)
    ref = tape.gradient(y, [x, w])
    block = gt.recompute_grad(lambda x: mlp_block(x, w))
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.reduce_sum(block(x) ** 2)
        n_records = len(tape._records)
    got = tape.gradient(y, [x, w])
    for a, b in zip(ref, got):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    assert n_records == 3  # the block, the square and the sum: no intermediates of the block


def test_recompute_grad_second_order_and_forward_mode():
    f = gt.recompute_grad(lambda x: gt.sin(x) * x)
    x = gt.constant(0.4, gt.float64)
    with gt.GradientTape() as t2:
        t2.watch(x)
        with gt.GradientTape() as t1:
            t1.watch(x)
            y = f(x)
        g = t1.gradient(y, x)
    np.testing.assert_allclose(float(g), np.cos(0.4) * 0.4 + np.sin(0.4))
    np.testing.assert_allclose(float(t2.gradient(g, x)), -np.sin(0.4) * 0.4 + 2 * np.cos(0.4))
    with gt.autodiff.ForwardAccumulator(x, gt.constant(1.0, gt.float64)) as acc:
        y = f(x)
    np.testing.assert_allclose(float(acc.jvp(y)), np.cos(0.4) * 0.4 + np.sin(0.4))


def test_stop_gradient_and_identity():
    x = gt.constant(3.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = gt.stop_gradient(x) * x
        b = gt.identity(x) * x
    assert float(tape.gradient(a, x)) == 3.0
    assert float(tape.gradient(b, x)) == 6.0
    with gt.autodiff.ForwardAccumulator(x, gt.constant(1.0)) as acc:
        c = gt.stop_gradient(x) * x
    assert float(acc.jvp(c)) == 3.0


def test_gather_gradient_is_indexed_slices():
    params = gt.Variable(np.arange(6.0).reshape(3, 2))
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(gt.gather(params, [0, 2, 0]) * 2.0)
    g = tape.gradient(y, params)
    assert isinstance(g, gt.IndexedSlices)
    dense = np.array([[4.0, 4.0], [0.0, 0.0], [2.0, 2.0]])
    np.testing.assert_allclose(gt.convert_to_tensor(g).numpy(), dense)
    np.testing.assert_allclose(np.asarray(g), dense)
    np.testing.assert_allclose((g + gt.ones((3, 2), gt.float64)).numpy(), dense + 1)


def test_indexed_slices_accumulate_with_dense_gradients():
    params = gt.Variable(np.ones((3, 2)))
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(gt.gather(params, [1])) + gt.reduce_sum(params * 3.0)
    g = tape.gradient(y, params)
    np.testing.assert_allclose(np.asarray(g), [[3, 3], [4, 4], [3, 3]])


def test_multi_output_primitive_with_one_output_and_per_input_forward_rules():
    from gradtape.extend import bind, primitive
    one_out = primitive("test_one_of_many", lambda x: (x * 2.0,), n_out=1,
                        vjp=(lambda m, g, ans, x: g[0] * 2.0,), jvp_all=lambda m, ts, ans, x: (ts[0] * 2.0,))
    two_out = primitive("test_two_outputs", lambda x, y: (x + y, x * y), n_out=2,
                        vjp=(lambda m, g, a, x, y: g[0] + g[1] * y, lambda m, g, a, x, y: g[0] + g[1] * x),
                        jvp=(lambda m, t, a, x, y: (t, t * y), lambda m, t, a, x, y: (t, t * x)))
    x, y = gt.constant(2.0, gt.float64), gt.constant(3.0, gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(x)
        (z,) = bind(one_out, x)
    assert float(tape.gradient(z, x)) == 2.0
    one = gt.constant(1.0, gt.float64)
    with gt.autodiff.ForwardAccumulator([x, y], [one, one]) as acc:
        s, p = bind(two_out, x, y)
    assert (float(acc.jvp(s)), float(acc.jvp(p))) == (2.0, 5.0)
    gt.test.check_gradients(lambda a, b: bind(two_out, a, b), [2.0, 3.0])


def _activation_peak(L, seg, recompute):
    """tracemalloc peak (in activations) of one gradient of a deep ReLU MLP's input."""
    import gc
    import tracemalloc
    rng = np.random.default_rng(0)
    width, batch = 256, 64
    ws = [gt.constant(rng.standard_normal((width, width)) / 16) for _ in range(L)]
    x = gt.constant(rng.standard_normal((batch, width)))

    def layers(h, lo, hi):
        for i in range(lo, hi):
            h = gt.nn.relu(h @ ws[i])
        return h
    blocks = [gt.recompute_grad(lambda h, a=a: layers(h, a, a + seg)) for a in range(0, L, seg)]

    def step():
        with gt.GradientTape() as tape:
            tape.watch(x)
            h = x
            if recompute:
                for blk in blocks:
                    h = blk(h)
            else:
                h = layers(h, 0, L)
            y = gt.reduce_sum(h * h)
            del h
        return tape.gradient(y, x)
    step()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    step()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / (batch * width * 8)


def test_recompute_grad_keeps_only_checkpoints_and_one_segment():
    # 16 layers in 4 segments: the plain tape holds all 16 activations; with recompute_grad
    # the peak is the 4 checkpoints, one recomputed segment (4) and a few cotangents.
    plain = _activation_peak(16, 4, recompute=False)
    rc = _activation_peak(16, 4, recompute=True)
    assert plain >= 16
    assert rc <= 10.5, rc

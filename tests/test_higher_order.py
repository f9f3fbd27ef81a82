"""Nested tapes, jacobian, batch_jacobian and forward mode."""

import numpy as np
import pytest

import gradtape as gt


def test_second_and_third_derivatives_with_nested_tapes():
    x = gt.constant(2.0)
    with gt.GradientTape() as t3:
        t3.watch(x)
        with gt.GradientTape() as t2:
            t2.watch(x)
            with gt.GradientTape() as t1:
                t1.watch(x)
                y = x ** 4
            dy = t1.gradient(y, x)      # 4x^3 = 32
        d2y = t2.gradient(dy, x)        # 12x^2 = 48
    d3y = t3.gradient(d2y, x)           # 24x = 48
    assert [float(dy), float(d2y), float(d3y)] == [32.0, 48.0, 48.0]


def test_fourth_order_of_sin():
    x = gt.constant(0.7, gt.float64)
    tapes = [gt.GradientTape() for _ in range(4)]
    for t in tapes:
        t.__enter__()
        t.watch(x)
    y = gt.sin(x)
    for t in reversed(tapes):
        t.__exit__(None, None, None)
        y = t.gradient(y, x)
    np.testing.assert_allclose(float(y), np.sin(0.7))


def test_hessian_of_matrix_function_with_jacobian_of_gradient():
    w = gt.constant(np.random.default_rng(0).standard_normal((3, 3)))
    x = gt.constant(np.array([0.1, -0.2, 0.3]))
    with gt.GradientTape() as t2:
        t2.watch(x)
        with gt.GradientTape() as t1:
            t1.watch(x)
            y = gt.reduce_sum(gt.tanh(gt.linalg.matvec(w, x)) ** 2)
        g = t1.gradient(y, x)
    h = t2.jacobian(g, x)
    # Reference by central differences of the gradient.
    def grad_at(v):
        xv = gt.constant(v)
        with gt.GradientTape() as t:
            t.watch(xv)
            yv = gt.reduce_sum(gt.tanh(gt.linalg.matvec(w, xv)) ** 2)
        return t.gradient(yv, xv).numpy()
    eps = 1e-6
    ref = np.stack([(grad_at(x.numpy() + eps * e) - grad_at(x.numpy() - eps * e)) / (2 * eps)
                    for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(h.numpy(), ref, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(h.numpy(), h.numpy().T, atol=1e-10)


def test_jacobian_shapes_and_values():
    x = gt.constant(np.arange(6.0).reshape(2, 3))
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.reduce_sum(x * x, axis=1)
    j = tape.jacobian(y, x)
    assert j.shape == (2, 2, 3)
    expect = np.zeros((2, 2, 3))
    expect[0, 0] = 2 * x.numpy()[0]
    expect[1, 1] = 2 * x.numpy()[1]
    np.testing.assert_allclose(j.numpy(), expect)


@pytest.mark.parametrize("use_pfor", [True, False])
def test_jacobian_matches_elementwise_loop(use_pfor):
    rng = np.random.default_rng(1)
    w = gt.constant(rng.standard_normal((4, 3)))
    x = gt.constant(rng.standard_normal(3))
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = gt.nn.softmax(gt.tanh(gt.linalg.matvec(w, x)))
    j = tape.jacobian(y, x, experimental_use_pfor=use_pfor)
    rows = [tape.gradient(y, x, output_gradients=gt.constant(e)).numpy() for e in np.eye(4)]
    np.testing.assert_allclose(j.numpy(), np.stack(rows), atol=1e-12)


def test_jacobian_parallel_iterations_chunks_give_the_same_result():
    x = gt.constant(np.linspace(0.1, 1.0, 7))
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = gt.sin(x) * gt.reduce_sum(x)
    a = tape.jacobian(y, x)
    b = tape.jacobian(y, x, parallel_iterations=3)
    np.testing.assert_allclose(a.numpy(), b.numpy())


def test_jacobian_without_pfor_needs_a_persistent_tape():
    x = gt.constant([1.0])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match="persistent"):
        tape.jacobian(y, x, experimental_use_pfor=False)


def test_jacobian_unconnected_and_nested_sources():
    x, z = gt.constant([1.0, 2.0]), gt.constant([3.0])
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = x * 2.0
    jx, jz = tape.jacobian(y, [x, z])
    assert jz is None
    np.testing.assert_allclose(jx.numpy(), 2 * np.eye(2))
    jz = tape.jacobian(y, z, unconnected_gradients="zero")
    assert jz.shape == (2, 1) and not jz.numpy().any()


def test_jacobian_through_gather_and_broadcasting():
    p = gt.constant(np.arange(4.0))
    with gt.GradientTape() as tape:
        tape.watch(p)
        y = gt.gather(p, [1, 1, 3]) * gt.constant([[1.0], [2.0]])
    j = tape.jacobian(y, p)
    assert j.shape == (2, 3, 4)
    assert j.numpy()[1, 1, 1] == 2.0 and j.numpy()[0, 2, 3] == 1.0 and j.numpy().sum() == 9.0


def test_batch_jacobian():
    rng = np.random.default_rng(2)
    w = gt.constant(rng.standard_normal((3, 2)))
    x = gt.constant(rng.standard_normal((5, 3)))
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = gt.tanh(x @ w)
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (5, 2, 3)
    full = tape.jacobian(y, x).numpy()  # (5, 2, 5, 3)
    np.testing.assert_allclose(bj.numpy(), np.stack([full[i, :, i] for i in range(5)]), atol=1e-12)


def test_batch_jacobian_checks_shapes_and_gives_zeros_when_unconnected():
    x = gt.constant(np.ones((2, 3)))
    u = gt.constant(np.ones((2, 4)))
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([x, u])
        y = x * 2.0
    with pytest.raises(ValueError, match="first dimension"):
        tape.batch_jacobian(y, gt.constant(np.ones((3, 3))))
    with pytest.raises(ValueError, match="rank"):
        tape.batch_jacobian(gt.reduce_sum(y, axis=1), x)
    z = tape.batch_jacobian(y, u)
    assert z.shape == (2, 3, 4) and not z.numpy().any()


def test_forward_accumulator_jvp():
    x = gt.constant([1.0, 2.0, 3.0], gt.float64)
    v = gt.constant([1.0, 0.5, -1.0], gt.float64)
    with gt.autodiff.ForwardAccumulator(x, v) as acc:
        y = gt.reduce_sum(gt.sin(x) * x)
    expect = np.sum((np.cos(x.numpy()) * x.numpy() + np.sin(x.numpy())) * v.numpy())
    np.testing.assert_allclose(float(acc.jvp(y)), expect)
    assert acc.jvp(gt.constant(1.0)) is None
    assert float(acc.jvp(gt.constant(1.0), unconnected_gradients="zero")) == 0.0


def test_forward_accumulator_with_variables_and_structures():
    v = gt.Variable([1.0, 2.0])
    with gt.autodiff.ForwardAccumulator([v], [gt.constant([1.0, 1.0])]) as acc:
        y = {"a": v * v, "b": [gt.reduce_sum(v)]}
    t = acc.jvp(y)
    np.testing.assert_allclose(t["a"].numpy(), [2, 4])
    assert float(t["b"][0]) == 2.0


def test_forward_accumulator_checks_arguments():
    with pytest.raises(ValueError, match="tangent"):
        gt.autodiff.ForwardAccumulator(gt.constant([1.0]), gt.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="one tangent per primal"):
        gt.autodiff.ForwardAccumulator([gt.constant(1.0)], [])


def test_nested_accumulators_give_second_derivatives():
    x = gt.constant(0.3, gt.float64)
    with gt.autodiff.ForwardAccumulator(x, gt.constant(1.0, gt.float64)) as outer:
        with gt.autodiff.ForwardAccumulator(x, gt.constant(1.0, gt.float64)) as inner:
            y = gt.exp(x) * gt.sin(x)
        dy = inner.jvp(y)
    d2y = outer.jvp(dy)
    x0 = 0.3
    np.testing.assert_allclose(float(dy), np.exp(x0) * (np.sin(x0) + np.cos(x0)))
    np.testing.assert_allclose(float(d2y), 2 * np.exp(x0) * np.cos(x0))


def test_inner_accumulator_does_not_see_outer_tangent_computation():
    x = gt.constant(1.0, gt.float64)
    with gt.autodiff.ForwardAccumulator(x, gt.constant(1.0, gt.float64)) as outer:
        with gt.autodiff.ForwardAccumulator(x, gt.constant(2.0, gt.float64)) as inner:
            y = x * x
        assert float(inner.jvp(y)) == 4.0
    assert float(outer.jvp(y)) == 2.0


def test_forward_over_reverse_hessian_vector_product():
    rng = np.random.default_rng(3)
    w = gt.constant(rng.standard_normal((4, 4)))
    x = gt.constant(rng.standard_normal(4))
    v = gt.constant(rng.standard_normal(4))
    with gt.autodiff.ForwardAccumulator(x, v) as acc:
        with gt.GradientTape() as tape:
            tape.watch(x)
            y = gt.reduce_sum(gt.tanh(gt.linalg.matvec(w, x)) ** 2)
        g = tape.gradient(y, x)
    hvp = acc.jvp(g)
    with gt.GradientTape() as t2:
        t2.watch(x)
        with gt.GradientTape() as t1:
            t1.watch(x)
            y = gt.reduce_sum(gt.tanh(gt.linalg.matvec(w, x)) ** 2)
        g = t1.gradient(y, x)
    ref = t2.gradient(g, x, output_gradients=v)  # H v by reverse-over-reverse (H symmetric)
    np.testing.assert_allclose(hvp.numpy(), ref.numpy(), rtol=1e-10)


def test_reverse_over_forward():
    x = gt.constant(0.5, gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(x)
        with gt.autodiff.ForwardAccumulator(x, gt.constant(1.0, gt.float64)) as acc:
            y = x ** 3
        dy = acc.jvp(y)  # 3x^2
    np.testing.assert_allclose(float(tape.gradient(dy, x)), 6 * 0.5)

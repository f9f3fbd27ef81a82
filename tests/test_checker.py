"""The gradient checker itself: it accepts right rules and rejects wrong ones."""

import numpy as np
import pytest

import gradtape as gt
from gradtape.extend import bind, primitive

_wrong_first = primitive("test_wrong_first_order", np.sin,
                         vjp=(lambda m, g, ans, x: g * m.cos(x) * 1.01,),
                         jvp=(lambda m, t, ans, x: t * m.cos(x),))
_wrong_jvp = primitive("test_wrong_jvp", np.sin,
                       vjp=(lambda m, g, ans, x: g * m.cos(x),),
                       jvp=(lambda m, t, ans, x: t * m.sin(x),))
# First order right, but the rule is not differentiable as written: its second derivative is wrong.
_frozen_rule = primitive("test_wrong_second_order", np.sin,
                         vjp=(lambda m, g, ans, x: g * np.cos(np.asarray(x)),),
                         jvp=(lambda m, t, ans, x: t * np.cos(np.asarray(x)),))


def test_checker_accepts_correct_rules():
    gt.test.check_gradients(lambda x, y: gt.sin(x) * y + x ** 2, [[0.3, 0.7], [1.5, -0.5]], order=3)


def test_checker_rejects_a_wrong_reverse_rule():
    with pytest.raises(gt.test.GradientCheckError, match="reverse"):
        gt.test.check_gradients(lambda x: bind(_wrong_first, x), [[0.3, 0.7]], order=1)


def test_checker_rejects_a_wrong_forward_rule():
    with pytest.raises(gt.test.GradientCheckError, match="forward"):
        gt.test.check_gradients(lambda x: bind(_wrong_jvp, x), [[0.3, 0.7]], order=1)


def test_checker_rejects_a_wrong_second_order():
    gt.test.check_gradients(lambda x: bind(_frozen_rule, x), [[0.3, 0.7]], order=1)
    with pytest.raises(gt.test.GradientCheckError, match="order 2"):
        gt.test.check_gradients(lambda x: bind(_frozen_rule, x), [[0.3, 0.7]], order=2)


def test_compute_gradient_returns_theoretical_and_numerical_jacobians():
    theo, num = gt.test.compute_gradient(lambda x, y: x * y, [np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    assert len(theo) == len(num) == 2
    np.testing.assert_allclose(theo[0], np.diag([3.0, 4.0]))
    np.testing.assert_allclose(theo[1], np.diag([1.0, 2.0]))
    for t, n in zip(theo, num):
        np.testing.assert_allclose(t, n, rtol=1e-6)


def test_rule_returning_wrong_shape_is_reported_with_the_op_name():
    bad = primitive("test_bad_shape", lambda x: x * 2,
                    vjp=(lambda m, g, ans, x: m.reduce_sum(g, axis=None, keepdims=False) * np.ones(5),),
                    jvp=(lambda m, t, ans, x: t * 2,))
    x = gt.constant(np.ones(3))
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = bind(bad, x)
    with pytest.raises(ValueError, match="test_bad_shape"):
        tape.gradient(y, x)

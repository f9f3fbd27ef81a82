"""tf.debugging's assertions, tf.Assert, check_numerics, gt.errors, case and the eager context
managers."""

import logging

import numpy as np
import pytest

import gradtape as gt


def test_comparisons_pass_silently_and_fail_with_the_values():
    x = gt.constant([1, 2, 3])
    assert gt.assert_equal(x, [1, 2, 3]) is None
    gt.debugging.assert_less(x, 4)
    gt.debugging.assert_greater_equal(x, 1)
    gt.debugging.assert_none_equal(x, [0, 0, 0])
    with pytest.raises(gt.errors.InvalidArgumentError, match=r"shapes must match: assert_equal: condition x == y"):
        gt.debugging.assert_equal(x, [1, 2, 4], message="shapes must match")
    with pytest.raises(ValueError, match="x > y did not hold.*values 1 2 3"):
        gt.assert_greater(x, 2)
    with pytest.raises(gt.errors.OpError, match="x <= y"):
        gt.debugging.assert_less_equal(x, 2)
    with pytest.raises(ValueError, match="do not broadcast"):
        gt.assert_less(x, [1, 2])


def test_sign_near_finite_and_check_numerics():
    gt.debugging.assert_positive([1.0, 2.0])
    gt.debugging.assert_non_positive([0.0, -1.0])
    with pytest.raises(gt.errors.InvalidArgumentError, match="x >= 0 did not hold"):
        gt.debugging.assert_non_negative([0.0, -1.0])
    gt.debugging.assert_near(gt.constant([1.0]), gt.constant([1.0 + 1e-7]))
    with pytest.raises(gt.errors.InvalidArgumentError, match="not equal to tolerance"):
        gt.debugging.assert_near(gt.constant([1.0]), gt.constant([1.001]))
    gt.debugging.assert_near([1.0], [1.001], atol=1e-2)
    with pytest.raises(gt.errors.InvalidArgumentError, match="weights: assert_all_finite: .*1 NaN and 1 inf"):
        gt.debugging.assert_all_finite(gt.constant([np.nan, np.inf, 1.0]), "weights")
    w = gt.Variable(3.0)
    with gt.GradientTape() as tape:
        y = gt.debugging.check_numerics(w * w, "loss")
    assert float(tape.gradient(y, w)) == 6.0
    with pytest.raises(gt.errors.InvalidArgumentError, match="loss"):
        gt.debugging.check_numerics(gt.constant(np.inf), "loss")


def test_rank_type_and_shape_assertions():
    x = gt.zeros((2, 3))
    gt.assert_rank(x, 2)
    gt.debugging.assert_rank_at_least(x, 1)
    gt.debugging.assert_rank_in(x, [1, 2])
    gt.debugging.assert_scalar(gt.constant(1.0))
    gt.debugging.assert_type(x, gt.float32)
    gt.debugging.assert_integer(gt.constant(1))
    with pytest.raises(ValueError, match="must have rank 3, got rank 2"):
        gt.assert_rank(x, 3)
    with pytest.raises(ValueError, match="one of the ranks"):
        gt.debugging.assert_rank_in(x, [0, 1])
    with pytest.raises(TypeError, match="dtype float32, expected int32"):
        gt.debugging.assert_type(x, gt.int32)
    with pytest.raises(TypeError, match="expected an integer"):
        gt.debugging.assert_integer(x)
    gt.debugging.assert_shapes([(x, ("N", "D")), (gt.zeros(3), ("D",)), (gt.zeros((5, 2, 3)), ("*", "N", "D"))])
    gt.debugging.assert_shapes([(x, (2, ".")), (x, (None, 3))])
    with pytest.raises(ValueError, match="dimension 'D' is 3 in one tensor and 4"):
        gt.debugging.assert_shapes([(x, ("N", "D")), (gt.zeros(4), ("D",))])
    with pytest.raises(ValueError, match="does not fit the spec"):
        gt.debugging.assert_shapes([(x, (2, 4))])
    assert gt.debugging.is_numeric_tensor(x) and not gt.debugging.is_numeric_tensor(np.ones(2))


def test_tf_assert():
    assert gt.Assert(gt.constant(True), ["fine"]) is None
    with pytest.raises(gt.errors.InvalidArgumentError, match=r"assertion failed: \[x is\] \[shape \(2,\), values 1 2\]"):
        gt.Assert(gt.constant(False), ["x is", gt.constant([1, 2])])
    with pytest.raises(ValueError, match="condition must be a scalar"):
        gt.Assert(gt.constant([True, False]), [])


def test_case_picks_the_first_true_pair():
    x = gt.Variable(5.0)
    with gt.GradientTape() as tape:
        y = gt.case([(x < 0, lambda: -x), (x > 3, lambda: x * x), (x > 1, lambda: x)], default=lambda: x * 0.0)
    assert float(y) == 25.0 and float(tape.gradient(y, x)) == 10.0
    assert float(gt.case([(x < 0, lambda: gt.constant(1.0))], default=lambda: gt.constant(2.0))) == 2.0
    assert float(gt.case([(x < 0, lambda: gt.constant(1.0)), (x < 1, lambda: gt.constant(3.0))])) == 3.0
    with pytest.raises(ValueError, match="exclusive=True but the predicates of pairs \\[1, 2\\]"):
        gt.case([(x < 0, lambda: x), (x > 3, lambda: x), (x > 1, lambda: x)], exclusive=True)
    with pytest.raises(TypeError, match="\\(pred, fn\\) pair"):
        gt.case([x > 0])


def test_eager_contexts_and_logger():
    with gt.control_dependencies([gt.constant(1.0)]), gt.init_scope():
        v = gt.Variable(2.0)
    assert float(v) == 2.0
    with pytest.raises(TypeError, match="list of tensors or None"):
        with gt.control_dependencies(gt.constant(1.0)):
            pass
    assert gt.get_logger() is logging.getLogger("gradtape")

"""gt.debugging: explanations of None gradients and NaN/Inf detection."""

import numpy as np
import pytest

import gradtape as gt
from gradtape.debugging import explain_gradient


def explain_none(tape, target, source):
    text = explain_gradient(tape, target, source)
    assert "is None" in text
    return text


def test_never_watched_constant():
    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    assert "never watched" in explain_none(tape, y, x)


def test_integer_source():
    x = gt.constant(3)
    with gt.GradientTape() as tape:
        with pytest.warns(UserWarning):
            tape.watch(x)
        y = gt.cast(x, gt.float32) * 2.0
    assert "integer" in explain_none(tape, y, x)


def test_integer_target():
    x = gt.constant(3.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.cast(x, gt.int32)
    assert "dtype int32" in explain_none(tape, y, x)


def test_path_through_stop_gradient():
    x = gt.constant(3.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.stop_gradient(x * x) * 2.0
    assert tape.gradient(y, x) is None
    assert "'stop_gradient'" in explain_none(tape, y, x)


def test_path_through_a_cast_to_integer():
    x = gt.constant(3.5)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = gt.cast(gt.cast(x, gt.int32), gt.float32) * 2.0
    assert tape.gradient(y, x) is None
    assert "cast (to int32)" in explain_none(tape, y, x)


def test_path_through_a_comparison():
    x = gt.constant(3.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = gt.cast(x > 1.0, gt.float32)
    assert "'greater'" in explain_none(tape, y, x)


def test_assign_carries_no_gradient():
    x0, x1 = gt.Variable(3.0), gt.Variable(0.0)
    with gt.GradientTape() as tape:
        x1.assign_add(x0 * 1.0)
        y = x1 ** 2
    assert tape.gradient(y, x0) is None
    # x0 * 1.0 was recorded, then only used as the value of assign_add
    assert "assign" in explain_none(tape, y, x0)
    x0, x1 = gt.Variable(3.0), gt.Variable(0.0)
    with gt.GradientTape() as tape:
        x1.assign_add(x0)   # x0 itself is never read by a recorded op
        y = x1 ** 2
    assert "only used as the value of" in explain_none(tape, y, x0)


def test_variable_replaced_by_a_tensor():
    x = gt.Variable(2.0)
    x = x + 1.0
    with gt.GradientTape() as tape:
        y = x * x
    assert "x.assign_add(1)" in explain_none(tape, y, x)


def test_non_trainable_and_unwatched_variables():
    v = gt.Variable(1.0, trainable=False)
    with gt.GradientTape() as tape:
        y = v * 2.0
    assert "non-trainable" in explain_none(tape, y, v)
    w = gt.Variable(1.0)
    with gt.GradientTape(watch_accessed_variables=False) as tape:
        y = w * 2.0
    assert "watch_accessed_variables=False" in explain_none(tape, y, w)


def test_computed_outside_the_tape():
    x = gt.constant(2.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    z = y * 3.0
    assert "outside the `with` block" in explain_none(tape, z, x)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = gt.constant(np.asarray(x * x)) * 2.0  # left gradtape through NumPy
    assert "np.asarray" in explain_none(tape, y, x)


def test_unconnected_source():
    x, u = gt.constant(2.0), gt.constant(1.0)
    with gt.GradientTape() as tape:
        tape.watch([x, u])
        y = x * x
        w = u * 2.0
    assert "does not depend" in explain_none(tape, y, u)
    del w


def test_connected_gradient_is_explained_as_not_none_even_after_the_tape_is_spent():
    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.sin(x) * x
    assert tape.gradient(y, x) is not None
    assert explain_gradient(tape, y, x).startswith("The gradient is not None")


def test_check_numerics_names_the_op_shapes_and_user_line():
    gt.debugging.enable_check_numerics()
    try:
        with pytest.raises(gt.debugging.NumericsError) as e:
            with np.errstate(all="ignore"):
                gt.log(gt.constant([[-1.0, 1.0]]))
        msg = str(e.value)
        assert "'log'" in msg and "float32(1, 2)" in msg and "test_debugging.py" in msg
    finally:
        gt.debugging.disable_check_numerics()
    with np.errstate(all="ignore"):
        y = gt.log(gt.constant([-1.0]))  # off again: no error
    assert np.isnan(y.numpy()).all()


def test_detect_anomaly_catches_a_nan_gradient_and_names_where_the_op_was_created():
    x = gt.constant([0.0, 1.0])
    with gt.debugging.detect_anomaly():
        with gt.GradientTape() as tape:
            tape.watch(x)
            y = gt.reduce_sum(gt.sqrt(x))  # finite forward, infinite gradient at 0
        with pytest.raises(gt.debugging.NumericsError) as e:
            with np.errstate(all="ignore"):
                tape.gradient(y, x)
    msg = str(e.value)
    assert "'sqrt'" in msg and "Inf" in msg and "test_debugging.py" in msg
    from gradtape._engine import numerics
    assert not numerics.enabled


def test_check_numerics_is_free_when_off():
    from gradtape._engine import numerics
    from gradtape._engine.primitive import PRIMITIVES
    forwards = {name: p.forward for name, p in PRIMITIVES.items()}
    gt.debugging.enable_check_numerics()
    assert PRIMITIVES["sin"].forward is not forwards["sin"]
    gt.debugging.disable_check_numerics()
    assert all(PRIMITIVES[n].forward is f for n, f in forwards.items())
    assert not numerics.enabled

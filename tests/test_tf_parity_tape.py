"""GradientTape, ForwardAccumulator and recompute_grad details where gradtape follows
TensorFlow. Every expected value, dtype, warning and error type here is TensorFlow's
behaviour (TensorFlow itself is not needed to run these tests)."""

import warnings

import numpy as np
import pytest

import gradtape as gt


def test_watched_variables_are_ordered_by_creation():
    a, b = gt.Variable(2.0, name="a"), gt.Variable(3.0, name="b")
    with gt.GradientTape() as tape:
        tape.watch(b)
        _ = b * b + a * a
    assert [v.name for v in tape.watched_variables()] == ["a:0", "b:0"]


@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_assigning_a_trainable_variable_watches_it(method):
    v = gt.Variable(2.0)
    frozen = gt.Variable(1.0, trainable=False)
    u = gt.Variable(1.0)
    with gt.GradientTape() as tape:
        getattr(v, method)(4.0)
        getattr(frozen, method)(4.0)
    with gt.GradientTape(watch_accessed_variables=False) as tape2:
        getattr(u, method)(4.0)
    assert tape.watched_variables() == (v,)
    assert tape2.watched_variables() == ()


def test_assign_in_stop_recording_does_not_watch():
    v = gt.Variable(2.0)
    with gt.GradientTape() as tape:
        with tape.stop_recording():
            v.assign(3.0)
    assert tape.watched_variables() == ()


def test_gradient_inside_a_persistent_tape_warns():
    x = gt.constant(2.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        with pytest.warns(UserWarning, match="persistent tape inside its context"):
            g = tape.gradient(y, x)
        with pytest.warns(UserWarning, match="persistent tape inside its context"):
            tape.jacobian(y, x)
        z = g * x  # the gradient was recorded: second order works
    assert float(tape.gradient(z, x)) == 8.0


def test_gradient_inside_a_non_persistent_tape_does_not_warn():
    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert float(tape.gradient(y, x)) == 4.0


def test_stop_recording_errors():
    x = gt.constant(2.0)
    with pytest.raises(RuntimeError):  # never entered
        with gt.GradientTape().stop_recording():
            pass
    with gt.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            with pytest.raises(ValueError):  # already stopped
                with tape.stop_recording():
                    pass
    with pytest.raises(ValueError):  # exited
        with tape.stop_recording():
            pass
    tape.gradient(x * x, x)
    with pytest.raises(RuntimeError):  # spent
        with tape.stop_recording():
            pass


def test_output_gradients_tensor_dtype_must_match_the_target():
    x = gt.constant([1.0, 2.0])
    for og in (gt.constant([1, 2]), gt.constant([1.0, 2.0], dtype=gt.float64)):
        with gt.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        with pytest.raises(gt.errors.InvalidArgumentError):
            tape.gradient(y, x, output_gradients=og)


def test_jacobian_of_an_empty_target():
    x = gt.constant(np.zeros((0,), np.float32))
    w = gt.constant([1.0, 2.0])
    with gt.GradientTape() as tape:
        tape.watch([x, w])
        y = x * 2.0
    jx, jw = tape.jacobian(y, [x, w])
    assert jx.shape == (0, 0) and jx.dtype == gt.float32
    assert jw is None
    with gt.GradientTape() as tape:
        tape.watch([x, w])
        y = x * 2.0
    jw = tape.jacobian(y, w, unconnected_gradients="zero")
    assert jw.shape == (0, 2)


def test_batch_jacobian_unconnected_gives_zeros_of_the_target_dtype():
    x = gt.constant(np.ones((2, 3)), dtype=gt.float64)
    z = gt.constant(np.ones((2, 4)), dtype=gt.float32)
    with gt.GradientTape() as tape:
        tape.watch([x, z])
        y = z * 2.0
    j = tape.batch_jacobian(y, x)
    assert j.shape == (2, 4, 3) and j.dtype == gt.float32
    assert not np.any(j.numpy())


def test_batch_jacobian_of_integers_gives_integer_zeros():
    x = gt.constant(np.ones((2, 3), np.int32))
    with gt.GradientTape() as tape:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tape.watch(x)
        y = x * x
    j = tape.batch_jacobian(y, x)
    assert j.shape == (2, 3, 3) and j.dtype == gt.int32
    assert not np.any(j.numpy())


def test_recompute_grad_gives_zeros_for_unused_inputs():
    block = gt.recompute_grad(lambda x, z: x * 2.0)
    x, z = gt.constant([1.0, 2.0]), gt.constant(1.0)
    with gt.GradientTape() as tape:
        tape.watch([x, z])
        y = block(x, z)
    gx, gz = tape.gradient(y, [x, z])
    np.testing.assert_allclose(gx.numpy(), [2.0, 2.0])
    assert gz is not None and float(gz) == 0.0 and gz.dtype == gt.float32


def test_forward_accumulator_duplicate_primal_raises():
    x = gt.constant(3.0)
    with pytest.raises(ValueError):
        gt.autodiff.ForwardAccumulator([x, x], [gt.constant(1.0), gt.constant(2.0)])


def test_forward_accumulator_tangent_dtype_must_match():
    x = gt.constant([1.0, 2.0])
    for t in (gt.constant([1, 2]), gt.constant([1.0, 2.0], dtype=gt.float64)):
        with pytest.raises(ValueError):
            gt.autodiff.ForwardAccumulator(x, t)
    # Python and NumPy values are converted to the primal's dtype.
    with gt.autodiff.ForwardAccumulator(x, np.array([1.0, 2.0])) as acc:
        y = x * 2.0
    assert acc.jvp(y).dtype == gt.float32


def test_forward_accumulator_integer_primal_warns():
    with pytest.warns(UserWarning, match="int32"):
        gt.autodiff.ForwardAccumulator(gt.constant(1), gt.constant(1))


def test_jvp_zero_for_integer_tensors():
    x = gt.constant(1.0)
    with gt.autodiff.ForwardAccumulator(x, gt.constant(1.0)) as acc:
        k = gt.cast(x, gt.int32)
    assert acc.jvp(k) is None
    z = acc.jvp(k, unconnected_gradients="zero")
    assert z.dtype == gt.int32 and int(z) == 0

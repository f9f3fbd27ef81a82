"""Bad input across the public API: each raises the documented exception with a message that
names the argument and the fix, and leaves every Variable and tape exactly as it was."""

import threading

import numpy as np
import pytest

import gradtape as gt


@pytest.fixture
def world():
    """A variable, a persistent tape with a recorded computation, and the state to compare."""
    v = gt.Variable([1.0, 2.0])
    x = gt.constant([3.0, 4.0])
    tape = gt.GradientTape(persistent=True)
    with tape:
        tape.watch(x)
        y = gt.reduce_sum(x * v)
    state = (v.numpy().copy(), len(tape._records), set(tape._ids))
    return dict(v=v, x=x, y=y, tape=tape, state=state)


def _unchanged(w):
    v_before, n_records, ids = w["state"]
    np.testing.assert_array_equal(w["v"].numpy(), v_before)
    assert len(w["tape"]._records) == n_records and w["tape"]._ids == ids
    g = w["tape"].gradient(w["y"], [w["x"], w["v"]])  # the tape still works
    np.testing.assert_allclose(g[0].numpy(), v_before)


def _acc_bad_jvp():
    acc = gt.autodiff.ForwardAccumulator(gt.constant(1.0), gt.constant(1.0))
    return acc.jvp(2.0)


def _custom_wrong_count(w):
    @gt.custom_gradient
    def f(a, b):
        return a * b, lambda dy: dy
    with gt.GradientTape() as t:
        t.watch(w["x"])
        y = f(w["x"], w["x"])
    return t.gradient(y, w["x"])


def _custom_wrong_shape(w):
    @gt.custom_gradient
    def f(a):
        return a * 2.0, lambda dy: gt.ones((5,))
    with gt.GradientTape() as t:
        t.watch(w["x"])
        y = f(w["x"])
    return t.gradient(y, w["x"])


def _other_thread_stop_recording(w):
    errors = []
    tape = gt.GradientTape()
    with tape:
        def run():
            try:
                with tape.stop_recording():
                    pass
            except RuntimeError as e:
                errors.append(e)
        th = threading.Thread(target=run)
        th.start()
        th.join()
    raise errors[0]


def _other_thread_reenter(w):
    errors = []
    tape = gt.GradientTape()
    with tape:
        def run():
            try:
                with tape:
                    pass
            except ValueError as e:
                errors.append(e)
        th = threading.Thread(target=run)
        th.start()
        th.join()
    raise errors[0]


def _second_gradient(w):
    x = gt.constant(1.0)
    with gt.GradientTape() as t:
        t.watch(x)
        y = x * x
    t.gradient(y, x)
    return t.gradient(y, x)


def _reenter(w):
    t = gt.GradientTape()
    with t:
        with t:
            pass


CASES = {
    # tape.watch
    "watch ndarray": (ValueError, "ndarray.*gt.constant", lambda w: w["tape"].watch(np.ones(2))),
    "watch list of floats": (ValueError, "float.*gt.constant", lambda w: w["tape"].watch([1.0, 2.0])),
    "watch string": (ValueError, "str", lambda w: w["tape"].watch("x")),
    "watch dict with ndarray": (ValueError, "ndarray", lambda w: w["tape"].watch({"a": np.ones(2)})),
    # tape.gradient
    "gradient target float": (ValueError, "target.*float", lambda w: w["tape"].gradient(3.0, w["x"])),
    "gradient source ndarray": (ValueError, "source.*ndarray.*watch", lambda w: w["tape"].gradient(w["y"], np.ones(2))),
    "gradient source in list": (ValueError, "source.*str", lambda w: w["tape"].gradient(w["y"], [w["x"], "v"])),
    "output_gradients count": (ValueError, "output_gradients has 2 entries.*1 targets",
                               lambda w: w["tape"].gradient(w["y"], w["x"], output_gradients=[1.0, 2.0])),
    "output_gradients shape": (ValueError, r"output_gradients.*shape \(3,\).*shape \(\)",
                               lambda w: w["tape"].gradient(w["y"], w["x"], output_gradients=gt.constant([1.0, 2.0, 3.0]))),
    "unconnected_gradients value": (ValueError, "unconnected_gradients.*'maybe'.*ZERO",
                                    lambda w: w["tape"].gradient(w["y"], w["x"], unconnected_gradients="maybe")),
    "second gradient non-persistent": (RuntimeError, "non-persistent GradientTape can only be used", _second_gradient),
    "re-enter active tape": (ValueError, "already-active", _reenter),
    "stop_recording not recording": (ValueError, "not recording.*inside", lambda w: w["tape"].stop_recording().__enter__()),
    "reset not recording": (ValueError, "not recording", lambda w: gt.GradientTape().reset()),
    "tape from another thread": (RuntimeError, "another thread", _other_thread_stop_recording),
    "re-enter from another thread": (ValueError, "already-active", _other_thread_reenter),
    # jacobian and batch_jacobian
    "jacobian target list": (ValueError, "target must be a gt.Tensor", lambda w: w["tape"].jacobian([w["y"]], w["x"])),
    "jacobian source ndarray": (ValueError, "source", lambda w: w["tape"].jacobian(w["y"], np.ones(2))),
    "jacobian parallel_iterations": (ValueError, "parallel_iterations",
                                     lambda w: w["tape"].jacobian(w["y"], w["x"], parallel_iterations=0)),
    "jacobian no pfor non-persistent": (RuntimeError, "persistent=True",
                                        lambda w: gt.GradientTape().jacobian(w["y"], w["x"], experimental_use_pfor=False)),
    "batch_jacobian rank": (ValueError, "rank >= 2", lambda w: w["tape"].batch_jacobian(w["x"], w["x"])),
    "batch_jacobian batch size": (ValueError, "first dimension",
                                  lambda w: w["tape"].batch_jacobian(gt.zeros((2, 2)), gt.zeros((3, 2)))),
    "batch_jacobian non-tensor": (ValueError, "gt.Tensor", lambda w: w["tape"].batch_jacobian(np.ones((2, 2)), w["x"])),
    # forward mode
    "accumulator counts": (ValueError, "one tangent per primal",
                           lambda w: gt.autodiff.ForwardAccumulator([w["x"]], [])),
    "accumulator tangent shape": (ValueError, r"tangent shape \(3,\).*\(2,\)",
                                  lambda w: gt.autodiff.ForwardAccumulator(w["x"], gt.constant([1.0, 2.0, 3.0]))),
    "accumulator primal ndarray": (ValueError, "primals must be gt.Tensor.*gt.constant",
                                   lambda w: gt.autodiff.ForwardAccumulator(np.ones(2), np.ones(2))),
    "accumulator jvp non-tensor": (ValueError, "expected gt.Tensor", lambda w: _acc_bad_jvp()),
    # custom gradients
    "custom gradient count": (ValueError, "returned 1 gradients for 2 inputs", _custom_wrong_count),
    "custom gradient shape": (ValueError, r"shape \(5,\).*input 0 of shape \(2,\)", _custom_wrong_shape),
    # variables
    "assign shape": (ValueError, r"shape \(3,\).*shape \(2,\)", lambda w: w["v"].assign([1.0, 2.0, 3.0])),
    "assign tensor dtype": (TypeError, "float64.*gt.cast", lambda w: w["v"].assign(gt.constant([1.0, 2.0], gt.float64))),
    "assign_add shape": (ValueError, "shape", lambda w: w["v"].assign_add([[1.0, 2.0]])),
    "assign_sub string": (TypeError, "dtype", lambda w: w["v"].assign_sub(["a", "b"])),
    "assign float to int variable": (TypeError, "dtype float.*int32", lambda w: gt.Variable([1, 2]).assign([0.5, 1.5])),
    "variable without value": (ValueError, "initial_value", lambda w: gt.Variable(None)),
    "variable shape": (ValueError, "shape", lambda w: gt.Variable([1.0], shape=(2,))),
    # creation and conversion
    "constant shape": (TypeError, r"shape \(3,\).*2 elements", lambda w: gt.constant([1.0, 2.0], shape=(3,))),
    "constant object": (TypeError, "cannot convert", lambda w: gt.constant({"a": 1})),
    "convert dtype": (ValueError, "gt.cast", lambda w: gt.convert_to_tensor(w["x"], dtype=gt.int32)),
    "cast bad dtype": (TypeError, "dtype.*gt.float32", lambda w: gt.cast(w["x"], "floaty")),
    # shapes and axes
    "reduce axis": (ValueError, "reduce_sum: axis=2 is out of range", lambda w: gt.reduce_sum(w["x"], axis=2)),
    "reduce_mean axis": (ValueError, "reduce_mean: axis=-3", lambda w: gt.reduce_mean(w["x"], axis=-3)),
    "reshape size": (ValueError, r"reshape: cannot reshape.*\(3,\)", lambda w: gt.reshape(w["x"], (3,))),
    "reshape two -1": (ValueError, "more than one -1", lambda w: gt.reshape(w["x"], (-1, -1))),
    "transpose perm": (ValueError, "perm", lambda w: gt.transpose(w["x"], (1, 0))),
    "expand_dims axis": (ValueError, "expand_dims: axis=3", lambda w: gt.expand_dims(w["x"], 3)),
    "squeeze non-one": (ValueError, "size is not 1", lambda w: gt.squeeze(w["x"], 0)),
    "broadcast_to": (ValueError, r"broadcast_to: cannot broadcast shape \(2,\)", lambda w: gt.broadcast_to(w["x"], (3,))),
    "add incompatible": (ValueError, r"add: .*\(2,\).*\(3,\).*shapes", lambda w: w["x"] + gt.ones((3,))),
    "matmul inner": (ValueError, "inner dimensions", lambda w: gt.ones((2, 3)) @ gt.ones((2, 3))),
    "matmul scalar": (ValueError, "rank >= 1", lambda w: gt.matmul(gt.constant(1.0), gt.ones((2, 2)))),
    "concat empty": (ValueError, "non-empty", lambda w: gt.concat([], axis=0)),
    "concat scalars": (ValueError, "gt.stack", lambda w: gt.concat([gt.constant(1.0)], axis=0)),
    "stack shapes": (ValueError, "same shape", lambda w: gt.stack([gt.ones(2), gt.ones(3)])),
    # indexing
    "gather out of range": (IndexError, r"gather: indices must be in \[0, 2\)", lambda w: gt.gather(w["x"], [5])),
    "gather float indices": (TypeError, "gather: indices must be integers", lambda w: gt.gather(w["x"], [0.5])),
    "gather axis": (ValueError, "gather: axis", lambda w: gt.gather(w["x"], [0], axis=3)),
    "getitem out of range": (IndexError, r"shape \(2,\)", lambda w: w["x"][5]),
    "getitem float": (TypeError, "indexing", lambda w: w["x"][gt.constant(0.5)]),
    "where condition dtype": (TypeError, "where: condition must be a bool", lambda w: gt.where(w["x"], 1.0, 2.0)),
    "where one of x y": (ValueError, "where: give both x and y", lambda w: gt.where(w["x"] > 0, 1.0)),
    # nn
    "xent labels range": (ValueError, r"labels must be in \[0, 2\)",
                          lambda w: gt.nn.sparse_softmax_cross_entropy_with_logits([3], gt.ones((1, 2)))),
    "xent float labels": (TypeError, "labels must be integers",
                          lambda w: gt.nn.sparse_softmax_cross_entropy_with_logits([0.5], gt.ones((1, 2)))),
    "xent shapes": (ValueError, "labels shape",
                    lambda w: gt.nn.sparse_softmax_cross_entropy_with_logits([0, 1], gt.ones((1, 2)))),
    "softmax axis": (ValueError, "softmax: axis=2", lambda w: gt.nn.softmax(w["x"], axis=2)),
    "layer_normalization leading axis": (ValueError, "layer_normalization: axis=0 must name the trailing axes",
                                         lambda w: gt.nn.layer_normalization(gt.ones((2, 3)), axis=0)),
    "layer_normalization scale shape": (ValueError, r"layer_normalization: scale has shape \(2,\)",
                                        lambda w: gt.nn.layer_normalization(gt.ones((2, 3)), gt.ones(2))),
    "layer_normalization integers": (TypeError, "layer_normalization: x must be a floating tensor.*gt.cast",
                                     lambda w: gt.nn.layer_normalization(gt.constant([1, 2]))),
    # conversions
    "bool of vector": (ValueError, "ambiguous", lambda w: bool(w["x"])),
    "len of scalar": (TypeError, "scalar", lambda w: len(w["y"])),
    "index with float": (TypeError, "integer", lambda w: [1, 2][w["y"]]),
}


def test_there_are_at_least_fifty_kinds_of_bad_input():
    assert len(CASES) >= 50


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_raises_a_clear_error_and_changes_nothing(name, world):
    exc, pattern, fn = CASES[name]
    with pytest.raises(exc, match=pattern):
        fn(world)
    _unchanged(world)


def test_a_failing_op_inside_a_tape_leaves_the_tape_usable():
    v = gt.Variable(2.0)
    with gt.GradientTape() as tape:
        y = v * v
        with pytest.raises(ValueError):
            _ = gt.ones((2, 3)) @ gt.ones((2, 3))
        z = y * 3.0
    assert float(tape.gradient(z, v)) == 12.0


def test_a_rejected_gradient_call_does_not_spend_a_non_persistent_tape():
    x = gt.constant([1.0, 2.0])
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(ValueError):
        tape.gradient(y, x, output_gradients=[1.0])
    with pytest.raises(ValueError):
        tape.gradient(y, x, unconnected_gradients="nope")
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2, 4])


def _trained_optimizer():
    v = gt.Variable([1.0, 2.0])
    opt = gt.optimizers.Adam(0.1)
    opt.apply_gradients([(gt.constant([1.0, 1.0]), v)])
    return v, opt


def _optimizer_state(v, opt):
    return (v.numpy().copy(), int(opt.iterations), [np.array(s.numpy()) for s in opt.variables()])


def _assert_same_state(before, after):
    np.testing.assert_array_equal(before[0], after[0])
    assert before[1] == after[1]
    assert len(before[2]) == len(after[2])
    for a, b in zip(before[2], after[2]):
        np.testing.assert_array_equal(a, b)


TRAINING_CASES = {
    "optimizer gradient shape": (ValueError, r"gradient of shape \(3,\) for variable",
                                 lambda v, o: o.apply_gradients([(gt.constant([1.0, 1.0, 3.0]), v)])),
    "optimizer all None": (ValueError, "No gradients provided", lambda v, o: o.apply_gradients([(None, v)])),
    "optimizer non-variable": (TypeError, "expected \\(gradient, gt.Variable\\) pairs",
                               lambda v, o: o.apply_gradients([(gt.constant([1.0, 1.0]), "v")])),
    "minimize non-tensor loss": (ValueError, "target must be a gt.Tensor",
                                 lambda v, o: o.minimize(lambda: 1.0, [v])),
}


@pytest.mark.parametrize("name", list(TRAINING_CASES))
def test_bad_training_input_leaves_optimizer_and_variables_unchanged(name):
    exc, pattern, fn = TRAINING_CASES[name]
    v, opt = _trained_optimizer()
    before = _optimizer_state(v, opt)
    with pytest.raises(exc, match=pattern):
        fn(v, opt)
    _assert_same_state(before, _optimizer_state(v, opt))


def test_checkpoint_from_another_model_fails_and_changes_nothing(tmp_path):
    a = gt.layers.Dense(3)
    a(gt.ones((1, 2)))
    gt.train.Checkpoint(model=a).save(str(tmp_path / "a.npz"))
    b = gt.layers.Dense(4)
    b(gt.ones((1, 2)))
    before = [w.numpy().copy() for w in b.variables]
    with pytest.raises(ValueError, match=r"'model/kernel' has shape \(2, 3\) in the checkpoint but shape \(2, 4\)"):
        gt.train.Checkpoint(model=b).restore(str(tmp_path / "a.npz"))
    for w, x in zip(b.variables, before):
        np.testing.assert_array_equal(w.numpy(), x)

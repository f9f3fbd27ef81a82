"""GradientTape: recording, watching, gradient(), structures, errors."""

import threading
import warnings
import weakref

import numpy as np
import pytest

import gradtape as gt


def test_gradient_of_watched_constant():
    x = gt.constant(3.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0


def test_unwatched_constant_gives_none():
    x = gt.constant(3.0)
    with gt.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_trainable_variables_are_watched_automatically():
    v = gt.Variable(2.0)
    frozen = gt.Variable(3.0, trainable=False)
    with gt.GradientTape() as tape:
        y = v * frozen
    gv, gf = tape.gradient(y, [v, frozen])
    assert float(gv) == 3.0 and gf is None
    assert tape.watched_variables() == (v,)


def test_watch_accessed_variables_false():
    a, b = gt.Variable(2.0), gt.Variable(5.0)
    with gt.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * a + b * b
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 4.0 and gb is None
    assert tape.watched_variables() == (a,)


def test_watched_variables_in_order_of_creation():
    # TensorFlow orders watched_variables() by variable creation, not by first watch.
    a, b, c = gt.Variable(1.0), gt.Variable(2.0), gt.Variable(3.0)
    with gt.GradientTape() as tape:
        _ = c * b
        tape.watch(a)
        _ = a + c
    assert tape.watched_variables() == (a, b, c)


def test_only_ops_inside_the_context_are_recorded():
    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    z = y * x  # outside: not recorded
    assert tape.gradient(z, x) is None


def test_reentering_an_active_tape_raises():
    tape = gt.GradientTape()
    with tape:
        with pytest.raises(ValueError, match="already-active"):
            with tape:
                pass


def test_exit_and_reenter_keeps_recording_on_the_same_record():
    x = gt.constant(2.0)
    tape = gt.GradientTape()
    with tape:
        tape.watch(x)
        y = x * x
    w = y + 1.0  # not recorded
    with tape:
        z = y * x
    assert float(tape.gradient(z, x)) == 12.0
    del w


def test_watch_rejects_non_tensors_and_warns_on_integers():
    with gt.GradientTape() as tape:
        with pytest.raises(ValueError, match="ndarray"):
            tape.watch(np.ones(3))
        with pytest.raises(ValueError, match="list|float"):
            tape.watch([1.0, 2.0])
        with pytest.warns(UserWarning, match="floating"):
            tape.watch(gt.constant([1, 2]))


def test_watch_nested_structures():
    a, b, c = gt.constant(1.0), gt.constant(2.0), gt.constant(3.0)
    with gt.GradientTape() as tape:
        tape.watch({"a": a, "rest": [b, (c,)]})
        y = a * b * c
    g = tape.gradient(y, {"x": a, "y": [b, c]})
    assert set(g) == {"x", "y"}
    assert [float(g["x"]), float(g["y"][0]), float(g["y"][1])] == [6.0, 3.0, 2.0]


def test_watching_is_local_to_each_tape():
    x = gt.constant(2.0)
    with gt.GradientTape() as t1:
        with gt.GradientTape() as t2:
            t1.watch(x)
            y = x * x
    assert float(t1.gradient(y, x)) == 4.0
    assert t2.gradient(y, x) is None


def test_nonscalar_and_multiple_targets_sum():
    x = gt.constant([1.0, 2.0])
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = x * 3.0
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2, 4])
    np.testing.assert_allclose(tape.gradient([y, z], x).numpy(), [5, 7])
    np.testing.assert_allclose(tape.gradient({"a": y, "b": [z]}, x).numpy(), [5, 7])


def test_output_gradients_weight_each_target():
    x = gt.constant([1.0, 2.0])
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = x * 3.0
    g = tape.gradient(y, x, output_gradients=gt.constant([10.0, 100.0]))
    np.testing.assert_allclose(g.numpy(), [20, 400])
    g = tape.gradient([y, z], x, output_gradients=[gt.constant([1.0, 0.0]), gt.constant([0.0, 2.0])])
    np.testing.assert_allclose(g.numpy(), [2, 6])
    with pytest.raises(ValueError, match="output_gradients"):
        tape.gradient([y, z], x, output_gradients=[gt.constant([1.0, 0.0])])
    with pytest.raises(ValueError, match="shape"):
        tape.gradient(y, x, output_gradients=gt.constant([1.0, 2.0, 3.0]))


def test_unconnected_gradients():
    x, y = gt.constant(1.0), gt.constant([2.0, 3.0])
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        z = x * 2.0
    assert tape.gradient(z, y) is None
    zero = tape.gradient(z, y, unconnected_gradients=gt.UnconnectedGradients.ZERO)
    assert zero.shape == (2,) and zero.numpy().tolist() == [0.0, 0.0]
    assert tape.gradient(z, y, unconnected_gradients="zero").numpy().tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="unconnected_gradients.*'nothing'"):
        tape.gradient(z, y, unconnected_gradients="nothing")


def test_integer_targets_and_sources_give_none():
    x = gt.constant(2.0)
    i = gt.constant(3)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tape.watch(i)
        y = gt.cast(x, gt.int32) * i
        z = x * gt.cast(i, gt.float32)
    assert tape.gradient(y, x) is None
    assert tape.gradient(z, i) is None
    assert float(tape.gradient(z, x)) == 3.0


def test_non_persistent_tape_can_be_used_once():
    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="A non-persistent GradientTape can only be used to compute "
                       "one set of gradients"):
        tape.gradient(y, x)


def test_non_persistent_tape_frees_its_arrays_after_gradient():
    x = gt.constant(np.ones(1000))
    with gt.GradientTape() as tape:
        tape.watch(x)
        h = gt.sin(x)
        saved = weakref.ref(h._value)
        y = gt.reduce_sum(h * x)
        del h
    assert saved() is not None  # the tape keeps sin(x) for the product's gradient
    tape.gradient(y, x)
    assert saved() is None      # freed by the sweep, without the cycle collector
    assert tape._records is None


def test_deleting_a_persistent_tape_frees_its_arrays_at_once():
    import gc
    x = gt.constant(np.ones(1000))
    gc.disable()
    try:
        with gt.GradientTape(persistent=True) as tape:
            tape.watch(x)
            h = gt.sin(x)
            saved = weakref.ref(h._value)
            y = gt.reduce_sum(h * x)
            del h
        tape.gradient(y, x)
        assert saved() is not None
        del tape
        assert saved() is None
    finally:
        gc.enable()


def test_persistent_tape_gives_several_gradients():
    x = gt.constant(3.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(z, x)) == 108.0
    assert float(tape.gradient(y, x)) == 6.0
    assert float(tape.gradient(z, y)) == 18.0
    del tape


def test_gradient_inside_the_context():
    x = gt.constant(3.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        g = tape.gradient(y, x)
    assert float(g) == 6.0


def test_persistent_gradient_inside_context_is_recorded():
    x = gt.constant(3.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x * x
        g = tape.gradient(y, x)      # 3x^2, recorded on the same tape
    assert float(g) == 27.0
    assert float(tape.gradient(g, x)) == 18.0  # 6x


def test_stop_recording():
    x = gt.constant(2.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x * x
        z = x * 3.0
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(z, x)) == 3.0
    # TensorFlow: ValueError once the tape has exited, RuntimeError before it was entered.
    with pytest.raises(ValueError, match="not recording"):
        with tape.stop_recording():
            pass
    with pytest.raises(RuntimeError, match="not recording"):
        with gt.GradientTape().stop_recording():
            pass


def test_reset():
    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        y2 = x * x  # x no longer watched after reset
        tape.watch(x)
        z = x * x * x
    assert float(tape.gradient(z, x)) == 12.0
    del y, y2
    tape2 = gt.GradientTape()
    with pytest.raises(ValueError, match="not recording"):
        tape2.reset()


def test_sources_may_be_intermediates():
    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * 3.0
    gy, gx = tape.gradient(z, [y, x])
    assert float(gy) == 3.0 and float(gx) == 12.0


def test_target_equal_to_source():
    x = gt.constant([1.0, 2.0])
    with gt.GradientTape() as tape:
        tape.watch(x)
    np.testing.assert_allclose(tape.gradient(x, x).numpy(), [1, 1])


def test_same_source_twice_and_tuple_structure():
    x = gt.constant(2.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, (x, x))
    assert isinstance(g, tuple) and float(g[0]) == float(g[1]) == 4.0


def test_broadcast_gradients_are_reduced():
    w = gt.Variable(np.ones((1, 3)))
    b = gt.Variable(np.float64(0.5))
    x = gt.constant(np.arange(6.0).reshape(2, 3))
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(x * w + b)
    gw, gb = tape.gradient(y, [w, b])
    np.testing.assert_allclose(gw.numpy(), [[3, 5, 7]])
    assert gb.shape == () and float(gb) == 6.0


def test_gradient_dtype_matches_source_dtype():
    x = gt.constant([1.0, 2.0])  # float32
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.reduce_sum(gt.cast(x, gt.float64) ** 2)
    g = tape.gradient(y, x)
    assert g.dtype == gt.float32
    np.testing.assert_allclose(g.numpy(), [2, 4])


def test_variable_assign_is_not_recorded():
    v = gt.Variable(2.0)
    with gt.GradientTape() as tape:
        y = v * v
        v.assign(10.0)
        z = y * v  # uses the new value; assign itself carries no gradient
    assert float(tape.gradient(z, v)) == 2 * 2.0 * 10.0 + 4.0


def test_persistent_tape_keeps_values_read_before_an_assign():
    v = gt.Variable(3.0)
    with gt.GradientTape(persistent=True) as tape:
        y = v * v
    v.assign(100.0)
    assert float(tape.gradient(y, v)) == 6.0


def test_replacing_a_variable_by_a_tensor_loses_the_gradient():
    x = gt.Variable(2.0)
    with gt.GradientTape() as tape:
        x2 = x + 1.0   # a Tensor, not a Variable
        y = x2 * x2
    assert tape.gradient(y, x2) is not None
    v = gt.Variable(2.0)
    v_tensor = v + 1.0
    with gt.GradientTape() as tape:
        y = v_tensor * v_tensor  # computed from a tensor made before the tape
    assert tape.gradient(y, v) is None


def test_tapes_are_thread_local():
    x = gt.constant(2.0)
    results = {}
    barrier = threading.Barrier(2)

    def other_thread():
        barrier.wait()
        results["other"] = x * x  # must not be recorded on the main thread's tape
        barrier.wait()

    th = threading.Thread(target=other_thread)
    th.start()
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        barrier.wait()
        barrier.wait()
        y = x * 3.0
    th.join()
    assert tape.gradient(results["other"], x) is None
    assert float(tape.gradient(y, x)) == 3.0


def test_gradient_checks_its_arguments():
    x = gt.constant(2.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(ValueError, match="source"):
        tape.gradient(y, 2.0)
    with pytest.raises(ValueError, match="target"):
        tape.gradient(3.0, x)


def test_deep_chain_of_100k_ops_has_no_recursion_limit():
    x = gt.constant(1.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = x
        for _ in range(100_000):
            y = y * 1.0
    assert float(tape.gradient(y, x)) == 1.0


def test_gradient_of_complex_loss_follows_tensorflow_convention():
    # L = |z|^2 = z conj(z); TensorFlow returns conj(dL/dz) * 2 = 2 z
    z = gt.constant([1.0 + 2.0j])
    with gt.GradientTape() as tape:
        tape.watch(z)
        loss = gt.math.real(z * gt.math.conj(z))
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(), [2.0 + 4.0j])


def test_gradients_of_several_overlapping_slices_accumulate():
    rng = np.random.default_rng(0)
    z = gt.constant(rng.standard_normal((3, 8)))
    with gt.GradientTape() as tape:
        tape.watch(z)
        y = (gt.reduce_sum(gt.sin(z[:, :4])) + gt.reduce_sum(z[:, 2:6] * 3.0) + gt.reduce_sum(z[1:, ::2])
             + gt.reduce_sum(z * 0.5) + gt.reduce_sum(z[:, -1]))
    g = tape.gradient(y, z).numpy()
    expect = np.full((3, 8), 0.5)
    expect[:, :4] += np.cos(z.numpy()[:, :4])
    expect[:, 2:6] += 3.0
    expect[1:, ::2] += 1.0
    expect[:, -1] += 1.0
    np.testing.assert_allclose(g, expect)
    gt.test.check_gradients(lambda a: a[:, :3] * a[:, 1:4] + a[:, 5:], [rng.standard_normal((2, 8))])


def _recurrent_grads(steps, wx, wh, xs, via=lambda w: w):
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([wx, wh])
        ux, uh = via(wx), via(wh)
        h = gt.zeros((xs.shape[1], wh.shape[0]), dtype=wx.dtype)
        for i in range(steps):
            h = gt.tanh(xs[i] @ ux + h @ uh)
        loss = gt.reduce_sum(h * h) + gt.reduce_sum(ux) * 0.5
    return [g.numpy() for g in tape.gradient(loss, [wx, wh, ux])]


@pytest.mark.parametrize("steps", [1, 3, 150])
def test_weight_gradients_of_many_small_products_are_gathered_exactly(monkeypatch, steps):
    from gradtape._engine import backprop
    monkeypatch.setattr(backprop, "_GATHER_BYTES", 20 * 4 * 9 * 8)  # a flush every 20 terms
    # The sweep stacks the many small a.T @ g terms of a shared weight into one product
    # (flushed when they hold more than _GATHER_BYTES); the result must equal the term-by-term sum.
    from gradtape.ops import linalg
    rng = np.random.default_rng(1)
    xs = gt.constant(rng.standard_normal((steps, 4, 3)))
    wx = gt.constant(rng.standard_normal((3, 5)) * 0.3)
    wh = gt.constant(rng.standard_normal((5, 5)) * 0.3)
    for via in (lambda w: w, lambda w: w * 2.0):  # weights as sources, and computed from them
        got = _recurrent_grads(steps, wx, wh, xs, via)
        with monkeypatch.context() as mp:
            mp.setattr(linalg, "_GATHER_ROWS", 0)  # never gather: one product per term
            expect = _recurrent_grads(steps, wx, wh, xs, via)
        for g, e in zip(got, expect):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12)


def test_recurrent_weight_gradients_match_central_differences():
    rng = np.random.default_rng(2)
    xs = rng.standard_normal((6, 2, 3))

    def rnn(wx, wh):
        h = gt.zeros((2, 4), dtype=gt.float64)
        for i in range(6):
            h = gt.tanh(gt.constant(xs[i]) @ wx + h @ wh)
        return gt.reduce_sum(h * h)
    gt.test.check_gradients(rnn, [rng.standard_normal((3, 4)) * 0.5, rng.standard_normal((4, 4)) * 0.5])


def test_gathered_weight_gradient_adds_to_an_embedding_gradient():
    rng = np.random.default_rng(3)
    w = gt.Variable(rng.standard_normal((6, 6)))
    x = gt.constant(rng.standard_normal((2, 6)))
    with gt.GradientTape() as tape:
        h = gt.gather(w, [0, 2])          # IndexedSlices gradient for w
        for _ in range(3):
            h = gt.tanh(h @ w + x)        # three gathered product terms for w
        loss = gt.reduce_sum(h)
    g = tape.gradient(loss, w)
    g = g.to_dense_array() if isinstance(g, gt.IndexedSlices) else g.numpy()

    def f(wv):
        h = gt.gather(wv, [0, 2])
        for _ in range(3):
            h = gt.tanh(h @ wv + x)
        return gt.reduce_sum(h)
    num = gt.test.compute_gradient(f, [w.numpy()])[1][0]
    np.testing.assert_allclose(g.reshape(-1), num.reshape(-1), rtol=1e-6, atol=1e-7)


def _count_inplace_relu(monkeypatch) -> list:
    """A list that gets an entry each time relu's in-place VJP runs."""
    calls = []
    relu = gt.nn.relu.__globals__["_relu"]
    inner = relu.vjp_inplace
    monkeypatch.setattr(relu, "vjp_inplace", lambda *a, **k: calls.append(1) or inner(*a, **k))
    return calls


def test_in_place_vjps_write_sole_views_and_spare_shared_bases(monkeypatch):
    # A stacked product's input cotangent is a reshaped view of a fresh array: relu may write
    # into it. A view of an array the user still holds (output_gradients) is never written.
    calls = _count_inplace_relu(monkeypatch)
    rng = np.random.default_rng(5)
    x, w = gt.constant(rng.standard_normal((2, 3, 4))), gt.Variable(rng.standard_normal((4, 4)))
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        r = gt.nn.relu(x)
        y = r @ w                      # da = g @ w^T comes back as a reshaped view
        loss = gt.reduce_sum(y * y)
    gx = tape.gradient(loss, x)
    from gradtape._engine import backprop
    assert calls or not backprop._INPLACE_OK, "the in-place relu rule was never used"
    want = (2 * y.numpy() @ w.numpy().T) * (x.numpy() > 0)
    np.testing.assert_allclose(gx.numpy(), want, rtol=1e-12)
    base = rng.standard_normal((24,))
    dy = base.reshape(2, 3, 4)          # the user's view; `base` is still held here
    before = base.copy()
    gr = tape.gradient(r, x, output_gradients=dy)
    np.testing.assert_array_equal(base, before)
    np.testing.assert_allclose(gr.numpy(), before.reshape(2, 3, 4) * (x.numpy() > 0))


def test_in_place_vjps_never_touch_shared_or_user_arrays(monkeypatch):
    # relu/tanh/softmax may write their VJP into the cotangent when only the sweep holds it.
    # add passes one array to both inputs: the first in-place rule must not corrupt the other.
    calls = _count_inplace_relu(monkeypatch)
    rng = np.random.default_rng(4)
    v, q = gt.constant(rng.standard_normal((3, 4))), gt.constant(rng.standard_normal((3, 4)))
    dy = rng.standard_normal((3, 4))
    dy_copy = dy.copy()
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([v, q])
        u, w = gt.nn.relu(v), gt.tanh(q)
        s = u + w                      # one cotangent array for u and w
        y = gt.nn.relu(s * 3.0)        # s * 3.0's cotangent is fresh: relu writes into it
        z = gt.nn.softmax(gt.nn.relu(v) * 1.0)
    gv, gq = tape.gradient(y, [v, q], output_gradients=dy)
    np.testing.assert_array_equal(dy, dy_copy)   # the user's array is untouched
    mask = (s.numpy() * 3.0 > 0) * dy * 3.0
    np.testing.assert_allclose(gv.numpy(), mask * (v.numpy() > 0))
    np.testing.assert_allclose(gq.numpy(), mask * (1 - np.tanh(q.numpy()) ** 2))
    from gradtape._engine import backprop
    assert calls or not backprop._INPLACE_OK, "the in-place relu rule was never used"
    # softmax through an in-place relu, against central differences
    gt.test.check_gradients(lambda a: gt.nn.softmax(gt.nn.relu(a) * 1.0) * gt.constant(dy),
                            [rng.standard_normal((3, 4))])
    del z


def _record_shape(rec):
    """A tape record with its arrays replaced by what they are (array / shape record)."""
    ref, in_ids, saved_in, out_ids, saved_out, attrs = rec
    def kind(v):
        if isinstance(v, np.ndarray):
            return "array", v.shape
        return type(v).__name__, tuple(getattr(v, "shape", ()))
    return (ref, len(in_ids), tuple(i is None for i in in_ids), tuple(kind(v) for v in saved_in),
            tuple(kind(v) for v in saved_out), attrs)


def test_short_record_paths_record_as_the_general_one():
    # bind1/bind2 (and bind for one or two arguments without attributes) call a tape's
    # record1/record2, which repeat record's one-output case. The same op must leave the same
    # record (values kept or reduced to shapes, blocked integer outputs, watched variables).
    from gradtape._engine import primitive as P
    rng = np.random.default_rng(6)
    big, small = rng.standard_normal((64, 64)), rng.standard_normal((3,))
    cases = [("add", (big, big)), ("multiply", (big, 2.0)), ("matmul", (big, big)),
             ("multiply", (small, small)), ("greater", (big, big)), ("tanh", (big,)),
             ("exp", (small,)), ("relu", (big,)), ("stop_gradient", (big,)), ("sin", (big,)),
             ("negative", (big,)), ("sin", (np.asarray(big[0, 0]),))]
    for name, vals in cases:
        prim = P.PRIMITIVES[name]
        got = []
        for short in (False, True):
            args = [gt.Variable(v) if isinstance(v, np.ndarray) else v for v in vals]
            raw = [a.numpy() if isinstance(a, gt.Tensor) else a for a in args]
            out = gt.constant(prim.forward(*raw))
            with gt.GradientTape() as tape:  # variables are watched when first read
                if not short:
                    tape.record(prim, tuple(args), tuple(raw), (out,), {})
                elif len(args) == 1:
                    tape.record1(prim, args[0], raw[0], out)
                else:
                    tape.record2(prim, args[0], args[1], raw[0], raw[1], out)
            got.append(([_record_shape(r) for r in tape._records], len(tape._blocked),
                        len(tape.watched_variables())))
        assert got[0] == got[1], name
        assert got[0][2] == sum(isinstance(a, np.ndarray) for a in vals)  # every variable watched


def test_shape_records_are_shared_and_bounded():
    # Large unread values are kept as shape/dtype records; one record object serves every value
    # of that shape (a long tape of slices would otherwise make one object per op for the
    # cycle collector), and the cache of them stays bounded.
    from gradtape._engine import primitive as P
    a, b = np.zeros((64, 64)), np.ones((64, 64))
    assert P.meta(a) is P.meta(b)
    assert P.meta(a) is not P.meta(a.astype(np.float32)) and P.meta(a) is not P.meta(a[:32])
    m = P.meta(a)
    assert (m.shape, m.dtype, m.ndim, m.size) == ((64, 64), np.dtype(np.float64), 2, 4096)
    z = gt.Variable(np.ones((64, 64)))
    with gt.GradientTape() as tape:
        parts = [z[:, k:k + 8] for k in range(0, 64, 8)]  # getitem keeps only z's shape
        total = gt.add_n([gt.reduce_sum(p) for p in parts])
    metas = [v for r in tape._records for v in r[2] if isinstance(v, P.Meta)]
    assert len(metas) == 8 and all(v is metas[0] for v in metas)
    np.testing.assert_array_equal(tape.gradient(total, z).numpy(), np.ones((64, 64)))
    for k in range(5000):  # many shapes: the cache starts again instead of growing
        P.meta(np.empty((k % 4500 + 1,)))
    assert len(P._METAS) <= 4096


def test_an_index_array_subclass_is_an_advanced_index():
    # A masked integer array indexes like any int array: repeated picks add up in the gradient.
    x = gt.Variable(np.arange(6.0))
    idx = np.ma.masked_array([0, 0, 2], mask=[0, 0, 0])
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(x[idx])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 0, 1, 0, 0, 0])

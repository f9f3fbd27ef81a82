"""gt.optimizers: updates against hand-written Keras formulas, sparse rows, clipping, schedules, state."""

import math
import warnings

import numpy as np
import pytest

import gradtape as gt

O = gt.optimizers
S = gt.optimizers.schedules

GRADS = [np.array([0.5, -1.0, 2.0]), np.array([-0.3, 0.2, 1.0]), np.array([1.5, 0.0, -0.7]),
         np.array([0.1, -0.4, 0.3])]
W0 = np.array([1.0, -2.0, 0.5])


def run(opt, grads=GRADS, w0=W0):
    w = gt.Variable(w0.copy())
    for g in grads:
        opt.apply_gradients([(gt.constant(g), w)])
    return w.numpy()


# -- reference implementations (Keras's formulas, written out) ----------------------------------
def sgd_ref(lr, momentum=0.0, nesterov=False, grads=GRADS, w0=W0):
    w, m = w0.copy(), np.zeros_like(w0)
    for g in grads:
        if momentum:
            m = momentum * m - lr * g
            w = w + (momentum * m - lr * g if nesterov else m)
        else:
            w = w - lr * g
    return w


def adam_ref(lr, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, wd=0.0, grads=GRADS, w0=W0):
    w, m, v, vhat = w0.copy(), np.zeros_like(w0), np.zeros_like(w0), np.zeros_like(w0)
    for t, g in enumerate(grads, start=1):
        w = w - w * wd * lr
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        if amsgrad:
            vhat = np.maximum(vhat, v)
            w = w - m * alpha / (np.sqrt(vhat) + eps)
        else:
            w = w - m * alpha / (np.sqrt(v) + eps)
    return w


def rmsprop_ref(lr, rho=0.9, momentum=0.0, eps=1e-7, centered=False, grads=GRADS, w0=W0):
    w, vel, mom, avg = w0.copy(), np.zeros_like(w0), np.zeros_like(w0), np.zeros_like(w0)
    for g in grads:
        vel = rho * vel + (1 - rho) * g * g
        if centered:
            avg = rho * avg + (1 - rho) * g
            denom = vel - avg * avg + eps
        else:
            denom = vel + eps
        inc = lr * g / np.sqrt(denom)
        if momentum:
            mom = momentum * mom + inc
            w = w - mom
        else:
            w = w - inc
    return w


def adagrad_ref(lr, init=0.1, eps=1e-7, grads=GRADS, w0=W0):
    w, acc = w0.copy(), np.full_like(w0, init)
    for g in grads:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
    return w


CASES = [
    (lambda: O.SGD(0.1), lambda: sgd_ref(0.1)),
    (lambda: O.SGD(0.1, momentum=0.9), lambda: sgd_ref(0.1, 0.9)),
    (lambda: O.SGD(0.1, momentum=0.9, nesterov=True), lambda: sgd_ref(0.1, 0.9, True)),
    (lambda: O.Adam(0.01), lambda: adam_ref(0.01)),
    (lambda: O.Adam(0.05, beta_1=0.8, beta_2=0.9, epsilon=1e-3), lambda: adam_ref(0.05, 0.8, 0.9, 1e-3)),
    (lambda: O.Adam(0.01, amsgrad=True), lambda: adam_ref(0.01, amsgrad=True)),
    (lambda: O.AdamW(0.01, weight_decay=0.1), lambda: adam_ref(0.01, wd=0.1)),
    (lambda: O.RMSprop(0.01), lambda: rmsprop_ref(0.01)),
    (lambda: O.RMSprop(0.01, momentum=0.5, centered=True),
     lambda: rmsprop_ref(0.01, 0.9, 0.5, centered=True)),
    (lambda: O.Adagrad(0.1), lambda: adagrad_ref(0.1)),
]


@pytest.mark.parametrize("make,ref", CASES)
def test_dense_updates_match_keras_formulas(make, ref):
    np.testing.assert_allclose(run(make()), ref(), rtol=1e-12, atol=1e-14)


def test_adam_first_step_by_hand():
    # t=1: m = 0.1 g, v = 0.001 g^2, alpha = lr sqrt(0.001) / 0.1  ->  step = lr * g / |g| (up to eps)
    w = run(O.Adam(0.1), grads=[np.array([2.0, -3.0, 0.5])])
    np.testing.assert_allclose(w, W0 - 0.1 * np.sign([2.0, -3.0, 0.5]), rtol=1e-5)


def test_float32_variables_stay_float32():
    w = gt.Variable(np.ones(3, np.float32))
    opt = O.Adam(0.1)
    opt.apply_gradients([(gt.constant(np.ones(3)), w)])  # float64 gradient
    assert w.dtype == np.float32 and opt.get_slot(w, "m").dtype == np.float32


# -- sparse gradients ---------------------------------------------------------------------------
def make_sparse(values, indices, shape):
    return gt.IndexedSlices(gt.constant(np.asarray(values, np.float64)), gt.constant(np.asarray(indices)),
                            shape)


@pytest.mark.parametrize("make,_", CASES)
def test_sparse_gradients_give_the_dense_result_with_zero_rows(make, _):
    # TensorFlow's semantics: a row without a gradient still has its moments decayed (and,
    # with momentum, keeps moving); duplicates are summed. Rows touched change from step to step.
    w0 = np.arange(12.0).reshape(4, 3) / 10
    g_rows = np.random.default_rng(0).standard_normal((3, 3))
    w, w_ref = gt.Variable(w0.copy()), gt.Variable(w0.copy())
    opt, ref_opt = make(), make()
    for rows in ([2, 0, 2], [1, 1, 3], [0, 3, 0]):
        opt.apply_gradients([(make_sparse(g_rows, rows, (4, 3)), w)])
        dense = np.zeros((4, 3))
        np.add.at(dense, rows, g_rows)
        ref_opt.apply_gradients([(gt.constant(dense), w_ref)])
    np.testing.assert_allclose(w.numpy(), w_ref.numpy(), rtol=1e-12, atol=1e-15)
    for name in opt.get_slot_names():
        np.testing.assert_allclose(opt.get_slot(w, name).numpy(), ref_opt.get_slot(w_ref, name).numpy(),
                                   rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("make", [lambda: O.SGD(0.1), lambda: O.Adagrad(0.1)])
def test_sparse_gradients_of_rowwise_optimizers_touch_only_their_rows(make):
    w0 = np.arange(12.0).reshape(4, 3) / 10
    w = gt.Variable(w0.copy())
    opt = make()
    assert opt._sparse_rows_suffice()
    opt.apply_gradients([(make_sparse(np.ones((2, 3)), [2, 0], (4, 3)), w)])
    np.testing.assert_array_equal(w.numpy()[[1, 3]], w0[[1, 3]])


def test_sparse_updates_match_keras_when_rows_stop_getting_gradients():
    # Keras 3.15 (TensorFlow backend): rows of a (3, 2) variable of ones, gathered rows [0],
    # then [1], then [1], loss sum(rows ** 2); row 0 keeps moving under momentum and Adam.
    keras = {"adam": [0.7812, 0.7812, 0.83998, 0.83998, 1.0, 1.0],
             "sgdm": [0.458, 0.458, 0.46, 0.46, 1.0, 1.0],
             "rms": [0.68377, 0.68377, 0.49887, 0.49887, 1.0, 1.0],
             "adagrad": [0.90123, 0.90123, 0.83474, 0.83474, 1.0, 1.0]}
    makers = {"adam": lambda: O.Adam(0.1), "sgdm": lambda: O.SGD(0.1, momentum=0.9),
              "rms": lambda: O.RMSprop(0.1), "adagrad": lambda: O.Adagrad(0.1)}
    for name, make in makers.items():
        v, opt = gt.Variable(np.ones((3, 2), np.float32)), make()
        for idx in ([0], [1], [1]):
            with gt.GradientTape() as t:
                loss = gt.reduce_sum(gt.gather(v, idx) ** 2)
            (g,) = t.gradient(loss, [v])
            assert isinstance(g, gt.IndexedSlices)
            opt.apply_gradients([(g, v)])
        np.testing.assert_allclose(v.numpy().ravel(), keras[name], atol=1e-5, err_msg=name)


@pytest.mark.parametrize("make,_", CASES)
def test_sparse_gradient_covering_every_row_equals_dense(make, _):
    g = np.random.default_rng(1).standard_normal((3, 2))
    w1, w2 = gt.Variable(np.ones((3, 2))), gt.Variable(np.ones((3, 2)))
    o1, o2 = make(), make()
    for _ in range(2):
        o1.apply_gradients([(make_sparse(g[[2, 0, 1]], [2, 0, 1], (3, 2)), w1)])
        o2.apply_gradients([(gt.constant(g), w2)])
    np.testing.assert_allclose(w1.numpy(), w2.numpy(), rtol=1e-12)


def test_embedding_training_step_uses_sparse_rows():
    emb = gt.layers.Embedding(6, 2)
    ids = np.array([1, 4])
    emb(ids)
    before = emb.embeddings.numpy().copy()
    opt = O.Adam(0.1)
    with gt.GradientTape() as tape:
        loss = gt.reduce_sum(emb(ids) ** 2)
    opt.apply_gradients(zip(tape.gradient(loss, emb.trainable_variables), emb.trainable_variables))
    after = emb.embeddings.numpy()
    changed = np.any(after != before, axis=1)
    np.testing.assert_array_equal(changed, [False, True, False, False, True, False])


# -- None gradients, errors ---------------------------------------------------------------------
def test_none_gradients_are_skipped_with_a_warning_naming_them():
    a, b = gt.Variable([1.0], name="a"), gt.Variable([2.0], name="unused_b")
    opt = O.SGD(0.5)
    with pytest.warns(UserWarning, match="unused_b"):
        opt.apply_gradients([(gt.constant([1.0]), a), (None, b)])
    assert a.numpy()[0] == 0.5 and b.numpy()[0] == 2.0
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, a), (None, b)])
    assert int(opt.iterations) == 1


def test_apply_gradients_argument_errors():
    w = gt.Variable([1.0, 2.0])
    opt = O.SGD()
    with pytest.raises(TypeError, match="gt.Variable"):
        opt.apply_gradients([(gt.constant([1.0, 1.0]), gt.constant([1.0, 2.0]))])
    with pytest.raises(ValueError, match="shape"):
        opt.apply_gradients([(gt.constant([1.0]), w)])
    with pytest.raises(ValueError, match="twice"):
        opt.apply_gradients([(gt.constant([1.0, 1.0]), w), (gt.constant([1.0, 1.0]), w)])
    with pytest.raises(ValueError):
        O.SGD(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(TypeError):
        O.Adam(bogus=1)


# -- clipping -----------------------------------------------------------------------------------
def test_clipnorm_clips_each_gradient():
    a, b = gt.Variable([0.0, 0.0]), gt.Variable([0.0])
    O.SGD(1.0, clipnorm=1.0).apply_gradients([(gt.constant([3.0, 4.0]), a), (gt.constant([0.5]), b)])
    np.testing.assert_allclose(a.numpy(), [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [-0.5])


def test_global_clipnorm_scales_all_gradients_together():
    a, b = gt.Variable([0.0, 0.0]), gt.Variable([0.0])
    # global norm = sqrt(9 + 16 + 144) = 13
    O.SGD(1.0, global_clipnorm=2.6).apply_gradients([(gt.constant([3.0, 4.0]), a), (gt.constant([12.0]), b)])
    np.testing.assert_allclose(a.numpy(), [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [-2.4], rtol=1e-6)
    c = gt.Variable([0.0])
    O.SGD(1.0, global_clipnorm=10.0).apply_gradients([(gt.constant([3.0]), c)])  # below the limit
    np.testing.assert_allclose(c.numpy(), [-3.0])


def test_clipvalue_and_sparse_clipnorm():
    a = gt.Variable([0.0, 0.0])
    O.SGD(1.0, clipvalue=0.5).apply_gradients([(gt.constant([3.0, -0.25]), a)])
    np.testing.assert_allclose(a.numpy(), [-0.5, 0.25])
    e = gt.Variable(np.zeros((3, 2)))
    # the duplicate rows are summed first: row 1 gets (4, 4), clipped to norm 1
    O.SGD(1.0, clipnorm=1.0).apply_gradients([(make_sparse([[3.0, 0.0], [1.0, 4.0]], [1, 1], (3, 2)), e)])
    r = -np.sqrt(0.5)
    np.testing.assert_allclose(e.numpy(), [[0, 0], [r, r], [0, 0]], rtol=1e-6)


# -- learning-rate schedules --------------------------------------------------------------------
def test_schedule_formulas():
    e = S.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert e(0) == 0.1 and math.isclose(e(10), 0.05) and math.isclose(e(15), 0.1 * 0.5 ** 1.5)
    assert math.isclose(S.ExponentialDecay(0.1, 10, 0.5, staircase=True)(15), 0.05)
    c = S.CosineDecay(2.0, decay_steps=10, alpha=0.1)
    for k in (0, 3, 10, 20):
        expect = 2.0 * ((1 - 0.1) * 0.5 * (1 + math.cos(math.pi * min(k, 10) / 10)) + 0.1)
        assert math.isclose(c(k), expect)
    w = S.CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=5)
    assert math.isclose(w(0), 0.0) and math.isclose(w(2), 0.4) and math.isclose(w(5), 1.0)
    assert math.isclose(w(10), 0.5)
    p = S.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1])
    assert [p(k) for k in (0, 5, 6, 10, 11, 100)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    with pytest.raises(ValueError):
        S.PiecewiseConstantDecay([5], [1.0])
    assert math.isclose(S.deserialize(S.serialize(e))(10), 0.05)


def test_schedule_used_as_learning_rate_follows_iterations():
    sched = S.PiecewiseConstantDecay([0, 1], [1.0, 0.5, 0.25])  # steps 0, 1, 2+
    w = gt.Variable([0.0])
    opt = O.SGD(learning_rate=sched)
    for _ in range(4):
        opt.apply_gradients([(gt.constant([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [-(1.0 + 0.5 + 0.25 + 0.25)])
    assert opt.learning_rate is sched
    opt2 = O.Adam.from_config(O.Adam(sched).get_config())
    assert isinstance(opt2.learning_rate, S.PiecewiseConstantDecay)


# -- iterations, variables, state ---------------------------------------------------------------
def test_iterations_variables_and_weights_roundtrip():
    w1, w2 = gt.Variable([1.0, 2.0], name="w1"), gt.Variable([[3.0]], name="w2")
    opt = O.Adam(0.1)
    assert [v.name for v in opt.variables()] == ["Adam/iterations:0"]  # slots are lazy
    it = opt.apply_gradients([(gt.constant([1.0, 1.0]), w1), (gt.constant([[1.0]]), w2)])
    assert it is opt.iterations and int(it) == 1
    names = [v.name for v in opt.variables()]
    assert names == ["Adam/iterations:0", "Adam/m/w1:0", "Adam/v/w1:0", "Adam/m/w2:0", "Adam/v/w2:0"]
    state = opt.get_weights()
    opt.apply_gradients([(gt.constant([5.0, 5.0]), w1), (gt.constant([[5.0]]), w2)])
    opt.set_weights(state)
    assert int(opt.iterations) == 1
    np.testing.assert_allclose(opt.get_slot(w1, "m").numpy(), [0.1, 0.1])
    with pytest.raises(ValueError):
        opt.set_weights(state[:2])


def test_get_state_set_state_into_fresh_optimizer_continues_identically():
    w = gt.Variable(W0.copy())
    a = O.RMSprop(0.01, momentum=0.5, centered=True)
    for g in GRADS[:2]:
        a.apply_gradients([(gt.constant(g), w)])
    state = a.get_state([w])
    w_b = gt.Variable(w.numpy())
    b = O.RMSprop(0.01, momentum=0.5, centered=True)
    b.set_state(state, [w_b])
    for g in GRADS[2:]:
        a.apply_gradients([(gt.constant(g), w)])
        b.apply_gradients([(gt.constant(g), w_b)])
    np.testing.assert_array_equal(w.numpy(), w_b.numpy())
    np.testing.assert_allclose(w.numpy(), rmsprop_ref(0.01, 0.9, 0.5, centered=True), rtol=1e-12)
    with pytest.raises(ValueError, match="slots"):
        O.Adam().set_state(state, [w_b])


def test_minimize_forms():
    w = gt.Variable(3.0)
    opt = O.SGD(0.25)
    opt.minimize(lambda: w * w, [w])
    assert float(w) == 1.5
    layer = gt.layers.Dense(1)
    x = np.ones((2, 3), np.float32)
    opt.minimize(lambda: gt.reduce_sum(layer(x)), lambda: layer.trainable_variables)  # lazily built
    assert layer.built and int(opt.iterations) == 2
    with gt.GradientTape() as tape:
        loss = w * w
    opt.minimize(loss, [w], tape=tape)
    assert float(w) == 0.75
    with pytest.raises(ValueError, match="tape"):
        opt.minimize(w * w, [w])


def test_adam_fits_linear_regression():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    model = gt.layers.Dense(1)
    opt = O.Adam(0.1)
    loss_fn = gt.losses.MeanSquaredError()
    for _ in range(200):
        opt.minimize(lambda: loss_fn(y, model(x)), lambda: model.trainable_variables)
    assert float(loss_fn(y, model(x))) < 1e-4


def test_exclude_from_weight_decay():
    a, b = gt.Variable([1.0], name="layer/kernel"), gt.Variable([1.0], name="layer/bias")
    opt = O.AdamW(0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply_gradients([(gt.constant([0.0]), a), (gt.constant([0.0]), b)])
    np.testing.assert_allclose(a.numpy(), [0.95])
    np.testing.assert_allclose(b.numpy(), [1.0])


def test_get_by_name():
    assert isinstance(O.get("rmsprop"), O.RMSprop)
    with pytest.raises(ValueError):
        O.get("lbfgs")


def test_update_is_not_recorded_on_an_active_tape():
    w = gt.Variable([1.0])
    opt = O.Adam(0.1)
    with gt.GradientTape() as tape:
        y = w * 2.0
        opt.apply_gradients([(gt.constant([1.0]), w)])
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), [2.0])


def test_warnings_only_for_missing_gradients():
    w = gt.Variable([1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        O.SGD().apply_gradients([(gt.constant([1.0]), w)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("make", [lambda: O.Adam(0.01), lambda: O.AdamW(0.01, weight_decay=0.01),
                                  lambda: O.SGD(0.1, momentum=0.9), lambda: O.SGD(0.1, momentum=0.5, nesterov=True),
                                  lambda: O.SGD(0.1)])
def test_in_place_updates_give_the_pure_update_bit_for_bit(make, dtype):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((20, 7)).astype(dtype)
    grads = [rng.standard_normal((20, 7)).astype(dtype) for _ in range(5)]
    results = []
    for in_place in (True, False):
        w, opt = gt.Variable(w0.copy()), make()
        calls = []
        if in_place:  # the in-place step, or the new value in one pass (Adam's compiled kernel)
            fast, fused = opt._update_in_place, opt._new_value_in_place
            opt._update_in_place = lambda *a, c=calls, f=fast: c.append(1) or f(*a)
            if fused is not None:
                def counted(*a, c=calls, f=fused):
                    r = f(*a)
                    if r is not None:
                        c.append(1)
                    return r
                opt._new_value_in_place = counted
        else:
            opt._update_in_place = opt._new_value_in_place = None
        for g in grads:
            opt.apply_gradients([(gt.constant(g), w)])
        assert len(calls) == (len(grads) if in_place else 0)  # the path under test ran
        results.append([w.numpy()] + [opt.get_slot(w, n).numpy() for n in opt.get_slot_names()])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_in_place_updates_leave_arrays_others_hold_unchanged():
    w, opt = gt.Variable(np.ones(3)), O.Adam(0.1)
    opt.apply_gradients([(gt.constant(np.ones(3)), w)])
    held_m, held_w = opt.get_slot(w, "m").numpy(), w.numpy()
    m_before, w_before = held_m.copy(), held_w.copy()
    opt.apply_gradients([(gt.constant(np.ones(3)), w)])
    np.testing.assert_array_equal(held_m, m_before)  # a view taken with numpy() is a snapshot
    np.testing.assert_array_equal(held_w, w_before)
    assert not np.array_equal(opt.get_slot(w, "m").numpy(), m_before)
    assert not np.array_equal(w.numpy(), w_before)

"""Regularizers, constraints and layer losses against Keras 3.15 (TensorFlow backend).

The expected numbers were computed with ``keras.regularizers``, ``keras.constraints`` and
``keras.layers`` on the same fixed weights and inputs, and are hard-coded here.
"""

import copy
import pickle

import numpy as np
import pytest

import gradtape as gt

R, C, L = gt.regularizers, gt.constraints, gt.layers

K = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]], dtype=np.float32)
B = np.array([0.1, -0.2, 0.3], dtype=np.float32)
X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.2, 0.3], [2.0, -1.0]], dtype=np.float32)
Y = np.array([[1.0, 0.0, -1.0]] * 4, dtype=np.float32)


def _floats(losses):
    return [float(x) for x in losses]


def _dense(**kw):
    d = L.Dense(3, **kw)
    d(X)
    d.set_weights([K, B])
    return d


# -- regularizers -----------------------------------------------------------------------------
def test_penalty_values_match_keras():
    w = gt.constant(K)
    assert float(R.L1(0.1)(w)) == pytest.approx(0.56, rel=1e-6)
    assert float(R.L2(0.1)(w)) == pytest.approx(0.704, rel=1e-6)
    assert float(R.L1L2(0.1, 0.2)(w)) == pytest.approx(1.968, rel=1e-6)
    assert float(R.OrthogonalRegularizer(0.1)(w)) == pytest.approx(0.053824227303266525, rel=1e-5)
    assert float(R.OrthogonalRegularizer(0.1, mode="columns")(w)) == pytest.approx(0.0545065812766552, rel=1e-5)
    with_zero_row = gt.constant(np.vstack([K, np.zeros((1, 3), np.float32)]))
    assert float(R.OrthogonalRegularizer(0.1)(with_zero_row)) == pytest.approx(0.017941409721970558, rel=1e-5)
    assert R.L2(0.1)(w).dtype == gt.float32
    assert R.L2(0.1)(gt.constant(K, gt.float64)).dtype == gt.float64


def test_keras_defaults_and_configs():
    assert R.L1().get_config() == {"l1": 0.01}
    assert R.L2().get_config() == {"l2": 0.01}
    assert R.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert R.OrthogonalRegularizer().get_config() == {"factor": 0.01, "mode": "rows"}
    for reg in (R.L1(0.3), R.L2(0.2), R.L1L2(0.1, 0.4), R.OrthogonalRegularizer(0.5, "columns")):
        again = type(reg).from_config(reg.get_config())
        assert again.get_config() == reg.get_config()
        assert R.deserialize(R.serialize(reg)).get_config() == reg.get_config()
    assert float(R.L1L2()(gt.constant(K))) == 0.0


def test_penalty_gradients_match_keras_and_central_differences():
    w = gt.Variable(K)
    with gt.GradientTape() as tape:
        y = R.OrthogonalRegularizer(0.1)(w)
    expect = [[-0.020038455724716187, -0.002330055460333824, 0.030756698921322823],
              [-0.041641563177108765, 0.044192902743816376, 0.016765974462032318]]
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), expect, rtol=1e-4, atol=1e-7)
    with gt.GradientTape() as tape:
        y = R.L1L2(0.1, 0.2)(w)
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), [[0.5, -0.9, 0.3], [0.22, 0.38, -0.54]], rtol=1e-6)
    for reg in (R.L1(0.3), R.L2(0.2), R.L1L2(0.1, 0.4), R.OrthogonalRegularizer(0.5),
                R.OrthogonalRegularizer(0.5, mode="columns")):
        gt.test.check_gradients(reg, [K.astype(np.float64)], order=1, modes=("rev",))
    theo, num = gt.test.compute_gradient(R.L2(0.5), [gt.constant(K, gt.float64)])
    np.testing.assert_allclose(theo[0], num[0], rtol=1e-6)


def test_get_accepts_keras_identifiers():
    assert R.get(None) is None
    assert type(R.get("l1")) is R.L1 and R.get("l1").l1 == 0.01
    assert type(R.get("l2")) is R.L2 and R.get("L2").l2 == 0.01
    assert R.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert R.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}
    assert type(R.get("orthogonal_regularizer")) is R.OrthogonalRegularizer
    assert R.get({"class_name": "L2", "config": {"l2": 0.5}}).l2 == 0.5
    inst = R.L1(0.2)
    assert R.get(inst) is inst
    assert type(R.get(R.L2)) is R.L2

    def fn(w):
        return gt.reduce_sum(w)

    assert R.get(fn) is fn
    assert gt.keras.regularizers is R and gt.keras.constraints is C
    assert R.l1_l2 is R.L1L2 and C.max_norm is C.MaxNorm


@pytest.mark.parametrize("make, name", [
    (lambda: R.L1(-0.1), "l1"), (lambda: R.L2(float("nan")), "l2"), (lambda: R.L1L2(l2=-1), "l2"),
    (lambda: R.L1L2(l1="0.1"), "l1"), (lambda: R.OrthogonalRegularizer(-1.0), "factor"),
    (lambda: R.OrthogonalRegularizer(mode="diagonal"), "mode"),
])
def test_bad_factors_raise_naming_the_argument(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_bad_regularizer_inputs():
    with pytest.raises(ValueError, match="regularizer identifier 'l3'"):
        R.get("l3")
    with pytest.raises(ValueError, match="regularizer identifier 3"):
        R.get(3)
    with pytest.raises(ValueError, match="rank 2"):
        R.OrthogonalRegularizer()(gt.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="Unknown regularizer class 'L3'"):
        R.get({"class_name": "L3", "config": {}})
    with pytest.raises(ValueError, match="Dense: units"):
        L.Dense(0, kernel_regularizer="l2")


# -- constraints -----------------------------------------------------------------------------
def test_constraint_values_match_keras():
    w = gt.constant(K)
    col_unit = [[0.9578261375427246, -0.9438583254814148, 0.4138028919696808],
                [0.28734785318374634, 0.330350399017334, -0.9103663563728333]]
    row_unit = [[0.4364357590675354, -0.8728715181350708, 0.2182178795337677],
                [0.2242305427789688, 0.5232045650482178, -0.8221786022186279]]
    cases = [
        (C.MaxNorm(1.0), col_unit), (C.MaxNorm(1.0, axis=1), row_unit), (C.MinMaxNorm(0.5, 1.0), col_unit),
        (C.MinMaxNorm(0.5, 1.0, rate=0.5, axis=1),
         [[0.7182179093360901, -1.4364358186721802, 0.35910895466804504],
          [0.2621152698993683, 0.611602246761322, -0.9610892534255981]]),
        (C.NonNeg(), [[1.0, 0.0, 0.5], [0.3, 0.7, 0.0]]), (C.UnitNorm(), col_unit),
        (C.UnitNorm(axis=[0, 1]), [[0.376889169216156, -0.753778338432312, 0.188444584608078],
                                   [0.11306676268577576, 0.26382243633270264, -0.4145781099796295]]),
    ]
    for c, expect in cases:
        out = c(w)
        assert out.dtype == gt.float32
        np.testing.assert_allclose(out.numpy(), expect, rtol=1e-6, atol=1e-7, err_msg=repr(c))
    assert C.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert C.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    assert C.UnitNorm().get_config() == {"axis": 0} and C.NonNeg().get_config() == {}
    assert type(C.get("non_neg")) is C.NonNeg and type(C.get("MinMaxNorm")) is C.MinMaxNorm
    assert C.get({"class_name": "MaxNorm", "config": {"max_value": 3}}).max_value == 3
    assert C.get(None) is None


def test_bad_constraint_inputs():
    with pytest.raises(ValueError, match="max_value"):
        C.MaxNorm(-1)
    with pytest.raises(ValueError, match="min_value must not exceed max_value"):
        C.MinMaxNorm(2.0, 1.0)
    with pytest.raises(ValueError, match="rate"):
        C.MinMaxNorm(rate=1.5)
    with pytest.raises(ValueError, match="axis"):
        C.UnitNorm(axis="rows")
    with pytest.raises(ValueError, match="constraint identifier 'nonneg'"):
        C.get("nonneg")
    with pytest.raises(ValueError, match="constraint must be a callable"):
        gt.Variable([1.0], constraint="non_neg")


def test_constraints_applied_after_apply_gradients_match_keras():
    expected = {
        "SGD": [[[0.8751871585845947, -0.8458335399627686, 0.26737040281295776],
                 [0.3136771619319916, 0.29568734765052795, -0.8859038352966309]],
                [0.1298825591802597, 0.024619732052087784, 0.16116322576999664]],
        "Adam": [[[0.8004677891731262, -0.861626148223877, 0.27229031920433044],
                  [0.4152540862560272, 0.20863568782806396, -0.8297779560089111]],
                 [0.29533034563064575, 0.08966004103422165, 0.10034052282571793]],
    }
    for opt in (gt.optimizers.SGD(0.1), gt.optimizers.Adam(0.1)):
        d = _dense(kernel_constraint=C.MaxNorm(1.0), bias_constraint="non_neg")
        for _ in range(2):
            with gt.GradientTape() as tape:
                loss = gt.reduce_mean((d(X) - Y) ** 2)
            opt.apply_gradients(zip(tape.gradient(loss, d.trainable_weights), d.trainable_weights))
        kernel, bias = expected[type(opt).__name__]
        np.testing.assert_allclose(d.kernel.numpy(), kernel, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(d.bias.numpy(), bias, rtol=1e-5, atol=1e-6)


def test_conv_and_embedding_constraints_match_keras():
    conv = L.Conv2D(2, 2, kernel_constraint=C.MaxNorm(0.5, axis=[0, 1, 2]))
    xi = np.arange(18, dtype=np.float32).reshape(2, 3, 3, 1) / 10
    conv(xi)
    conv.set_weights([np.arange(8, dtype=np.float32).reshape(2, 2, 1, 2) / 10 - 0.3, np.array([0.1, -0.1], np.float32)])
    with gt.GradientTape() as tape:
        loss = gt.reduce_sum(conv(xi))
    gt.optimizers.SGD(0.1).apply_gradients(zip(tape.gradient(loss, conv.trainable_weights), conv.trainable_weights))
    np.testing.assert_allclose(conv.kernel.numpy().reshape(4, 2),
                               [[-0.2982626259326935, -0.3058324158191681], [-0.2546144723892212, -0.2548603415489197],
                                [-0.24006503820419312, -0.23786965012550354], [-0.19641685485839844, -0.18689757585525513]],
                               rtol=1e-5)
    np.testing.assert_allclose(conv.bias.numpy(), [-0.7, -0.9], rtol=1e-6)
    emb = L.Embedding(4, 2, embeddings_constraint=C.UnitNorm(axis=1))
    emb(np.array([[0, 1]]))
    emb.set_weights([np.arange(8, dtype=np.float32).reshape(4, 2) / 10 + 0.1])
    with gt.GradientTape() as tape:
        loss = gt.reduce_sum(emb(np.array([[1, 1]])))
    gt.optimizers.SGD(0.5).apply_gradients(zip(tape.gradient(loss, emb.trainable_weights), emb.trainable_weights))
    np.testing.assert_allclose(emb.embeddings.numpy(),
                               [[0.44721338152885437, 0.8944267630577087], [-0.7592564821243286, -0.6507912874221802],
                                [0.6401842832565308, 0.7682211399078369], [0.6585045456886292, 0.7525765895843506]],
                               rtol=1e-6)


def test_constraint_only_on_updated_variables_and_checked():
    a = gt.Variable([-1.0, 2.0], constraint=C.NonNeg())
    b = gt.Variable([-1.0, 2.0], constraint=C.NonNeg())
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        gt.optimizers.SGD(0.0).apply_gradients([(gt.constant([0.0, 0.0]), a), (None, b)])
    assert a.numpy().tolist() == [0.0, 2.0] and b.numpy().tolist() == [-1.0, 2.0]
    bad = gt.Variable([1.0, 2.0], constraint=lambda w: gt.reduce_sum(w))
    with pytest.raises(ValueError, match="must return the variable's shape"):
        gt.optimizers.SGD(0.1).apply_gradients([(gt.constant([1.0, 1.0]), bad)])
    pruned = copy.deepcopy(gt.Variable([1.0], constraint=C.MaxNorm(3)))
    assert pruned.constraint.get_config() == {"max_value": 3, "axis": 0}
    assert pickle.loads(pickle.dumps(a)).constraint.get_config() == {}


# -- layer losses ----------------------------------------------------------------------------
def test_dense_losses_match_keras():
    d = _dense(kernel_regularizer=R.L2(0.1), bias_regularizer=R.L1(0.2), activity_regularizer=R.L1L2(0.01, 0.02))
    d(X)
    np.testing.assert_allclose(_floats(d.losses), [0.2665329575538635, 0.704, 0.12], rtol=1e-6)
    assert float(sum(d.losses)) == pytest.approx(1.0905330181121826, rel=1e-6)
    d(X[:2])  # the activity penalty is divided by the new batch size; the first call's is gone
    np.testing.assert_allclose(_floats(d.losses), [0.15012499690055847, 0.704, 0.12], rtol=1e-6)
    with gt.GradientTape() as tape:
        d(X)
        total = gt.add_n(d.losses)
    gk, gb = tape.gradient(total, [d.kernel, d.bias])
    np.testing.assert_allclose(gk.numpy(), [[0.27178001403808594, -0.5387799739837646, 0.1471399962902069],
                                            [0.07542000710964203, 0.1805799901485443, -0.2835400104522705]], rtol=1e-5)
    np.testing.assert_allclose(gb.numpy(), [0.23640000820159912, -0.2443999946117401, 0.20319999754428864], rtol=1e-5)
    assert isinstance(d.kernel_regularizer, R.L2) and d.activity_regularizer.get_config() == {"l1": 0.01, "l2": 0.02}


def test_keras_docstring_example():
    layer = L.Dense(5, kernel_initializer="ones", kernel_regularizer=R.L1(0.01), activity_regularizer=R.L2(0.01))
    layer(gt.ones((5, 5)) * 2.0)
    assert float(gt.add_n(layer.losses)) == pytest.approx(5.25, rel=1e-6)
    assert float(R.L2(2.0)(gt.ones((5, 5)))) == 50.0


def test_conv_embedding_rnn_losses_match_keras():
    conv = L.Conv2D(2, 2, kernel_regularizer=R.L2(0.5), activity_regularizer=R.L2(0.1))
    xi = np.arange(18, dtype=np.float32).reshape(2, 3, 3, 1) / 10
    conv(xi)
    conv.set_weights([np.arange(8, dtype=np.float32).reshape(2, 2, 1, 2) / 10 - 0.3, np.array([0.1, -0.1], np.float32)])
    conv(xi)
    np.testing.assert_allclose(_floats(conv.losses), [0.09535998106002808, 0.22], rtol=1e-5)
    c1 = L.Conv1D(2, 2, kernel_regularizer=R.L1(0.5), activity_regularizer=R.L1(0.1))
    x1 = np.arange(8, dtype=np.float32).reshape(2, 4, 1) / 10
    c1(x1)
    c1.set_weights([np.arange(4, dtype=np.float32).reshape(2, 1, 2) / 10 - 0.2, np.array([0.1, -0.1], np.float32)])
    c1(x1)
    np.testing.assert_allclose(_floats(c1.losses), [0.041, 0.2], rtol=1e-5)
    emb = L.Embedding(5, 2, embeddings_regularizer=R.L2(0.1), activity_regularizer=R.L1(0.1))
    emb(np.array([[1, 2]]))
    emb.set_weights([np.arange(10, dtype=np.float32).reshape(5, 2) / 10])
    emb(np.array([[1, 2], [3, 3]]))
    np.testing.assert_allclose(_floats(emb.losses), [0.2, 0.285], rtol=1e-6)
    rnn = L.SimpleRNN(2, kernel_regularizer=R.L2(0.1), recurrent_regularizer=R.L1(0.1), bias_regularizer=R.L2(1.0))
    xs = np.full((2, 3, 1), 0.5, np.float32)
    rnn(xs)
    rnn.set_weights([np.array([[0.5, -0.5]], np.float32), np.array([[0.1, 0.2], [0.3, -0.4]], np.float32),
                     np.array([0.1, 0.2], np.float32)])
    np.testing.assert_allclose(_floats(rnn.losses), [0.05, 0.1, 0.05], rtol=1e-6)
    lstm = L.LSTM(2, return_state=True, return_sequences=True, activity_regularizer=R.L2(0.1),
                  kernel_initializer="ones", recurrent_initializer="ones")
    lstm(xs)  # one penalty per output: the sequence, h and c
    np.testing.assert_allclose(_floats(lstm.losses), [0.1427231878042221, 0.0984334647655487, 0.3762612044811249],
                               rtol=1e-5)


class Outer(L.Layer):
    def __init__(self):
        super().__init__()
        self.a = L.Dense(3, kernel_initializer="ones", kernel_regularizer=R.L2(0.1), activity_regularizer=R.L1(0.01))
        self.b = L.Dense(1, kernel_initializer="ones", kernel_regularizer=R.L1(0.1))

    def call(self, x):
        self.add_loss(gt.reduce_sum(x))
        return self.b(self.a(x)) + self.a(x)[:, :1]


def test_nested_layers_gather_and_clear_losses_as_keras():
    o = Outer()
    o(X)  # the inner layer runs twice in one call: both of its penalties are kept
    np.testing.assert_allclose(_floats(o.losses), [4.0, 0.0375, 0.0375, 0.6, 0.3], rtol=1e-6)
    o(X[:2])
    np.testing.assert_allclose(_floats(o.losses), [2.5, 0.0525, 0.0525, 0.6, 0.3], rtol=1e-6)
    np.testing.assert_allclose(_floats(o.a.losses), [0.0525, 0.0525, 0.6], rtol=1e-6)
    o.a(X)  # called directly, the sublayer starts again from no losses
    np.testing.assert_allclose(_floats(o.losses), [2.5, 0.0375, 0.6, 0.3], rtol=1e-6)
    o.trainable = False  # frozen weights add no penalty (Keras reads trainable_weights)
    np.testing.assert_allclose(_floats(o.losses), [2.5, 0.0375], rtol=1e-6)


def test_sequential_losses_do_not_accumulate_over_calls():
    model = L.Sequential([L.Dense(2, kernel_initializer="ones", activity_regularizer="l1"), L.Dense(1)])
    for _ in range(3):
        model(gt.ones((4, 3)))
    assert _floats(model.losses) == pytest.approx([0.06])
    with gt.GradientTape() as tape:
        out = model(gt.ones((4, 3)))
        loss = gt.reduce_sum(out) + gt.add_n(model.losses)
    assert all(g is not None for g in tape.gradient(loss, model.trainable_variables))


def test_losses_cleared_after_a_failed_call_and_empty_batch():
    class Fails(L.Layer):
        def call(self, x):
            self.add_loss(gt.reduce_sum(x))
            if x.shape[0] == 1:
                raise RuntimeError("boom")
            return x

    layer = Fails()
    with pytest.raises(RuntimeError):
        layer(gt.ones((1, 2)))
    layer(gt.ones((2, 2)))
    assert _floats(layer.losses) == [4.0]
    act = L.Activation("linear", activity_regularizer="l2")
    act(gt.zeros((0, 3)))
    assert _floats(act.losses) == [0.0]


def test_add_loss_and_add_weight_options():
    layer = L.Layer()
    w = layer.w = layer.add_weight("w", (2,), initializer="ones", regularizer="l2", constraint="non_neg")
    assert isinstance(w.constraint, C.NonNeg) and isinstance(w.regularizer, R.L2)
    layer.add_loss([gt.constant(1.0), 2.0])
    assert _floats(layer.losses) == pytest.approx([1.0, 2.0, 0.02])
    with pytest.raises(TypeError, match="call it and pass its result"):
        layer.add_loss(lambda: gt.constant(1.0))
    with pytest.raises(TypeError, match="got str"):
        layer.add_loss("loss")
    assert w in layer.trainable_variables and len(layer.variables) == 1
    layer.activity_regularizer = "l1"
    assert isinstance(layer.activity_regularizer, R.L1)
    with pytest.raises(ValueError, match="regularizer identifier 'l5'"):
        L.Dense(2, kernel_regularizer="l5")
    with pytest.raises(ValueError, match="constraint identifier 'positive'"):
        L.Conv2D(2, 2, bias_constraint="positive")

"""Keras 3's masks in gradtape: how they travel with tensors through layers, Sequential and
Functional models, and what the compiled loss and metrics do with them.

MODEL_REF holds Keras 3.15's numbers for the models of tests/_keras_masking_cases.py (outputs,
``evaluate``, two epochs of ``fit`` with SGD, final weights), printed by
tools/keras_masking_reference.py; the other expectations were checked against Keras too.
"""
# ruff: noqa: E501

import warnings

import numpy as np
import pytest

import gradtape as gt
from tests._keras_masking_cases import MODELS, run_model

L = gt.keras.layers

MODEL_REF = {
    'lstm': {'shapes': [(20, 8), (8, 24), (6, 24), (24,), (6, 20), (5, 20), (20,), (5, 3), (3,)], 'outputs':
        [-0.3508575, -0.04988867, 0.2745435, -0.3609591, -0.05982555, 0.2694449, -0.3482247, -0.04506616,
        0.2792877, -0.348171, -0.04645127, 0.2771152, -0.3547994, -0.05228677, 0.2748171, -0.3551929,
        -0.05524193, 0.2706901, -0.7810663, 1.215529], 'evaluate': [1.1315568685531616, 0.3333333432674408],
        'history': {'accuracy': [0.3333333432674408, 0.3333333432674408], 'loss': [1.138146996498108,
        1.1293736696243286]}, 'weights': [0.2792838924797252, 97.19815395585286]},
    'bigru': {'shapes': [(20, 8), (8, 12), (4, 12), (2, 12), (8, 12), (4, 12), (2, 12), (8, 9), (3, 9), (2,
        9), (8, 9), (3, 9), (2, 9), (3, 3), (3,)], 'outputs': [-0.2654361, -0.06083558, 0.1723768, -0.2352096,
        -0.02571851, 0.1958684, -0.3433858, -0.09045669, 0.2050156, -0.2510997, -0.03005815, 0.2051203,
        -0.2407844, -0.03476162, 0.1876101, -0.2851284, -0.04591349, 0.2148953, -0.7279017, 0.6963462],
        'evaluate': [1.1001900434494019, 0.3333333432674408], 'history': {'accuracy': [0.3333333432674408,
        0.3333333432674408], 'loss': [1.108322024345398, 1.096352458000183]}, 'weights': [-0.5961747658438981,
        92.71759335284042]},
    'tagger': {'shapes': [(20, 6), (6, 16), (4, 16), (16,), (6, 16), (4, 16), (16,), (8, 3), (3,)], 'outputs':
        [-0.2932831, -0.07018445, 0.185923, -0.3586832, -0.08269791, 0.2321815, -0.3481386, -0.06658831,
        0.2462795, -0.3066358, -0.07425737, 0.1930455, -0.3767226, -0.09726383, 0.2279397, -0.354731,
        -0.07872253, 0.2343103, -0.2989322, -0.0606002, 0.206233, -0.3131084, -0.06515209, 0.2134462,
        -6.611561, 6.793295], 'evaluate': [1.170759677886963, 0.2380952537059784], 'history': {'accuracy':
        [0.2380952537059784, 0.2380952537059784], 'loss': [1.1714566946029663, 1.1477872133255005]},
        'weights': [-1.48777531622909, 62.753306815349376]},
    'attention': {'shapes': [(20, 8), (8, 2, 4), (2, 4), (8, 2, 4), (2, 4), (8, 2, 4), (2, 4), (2, 4, 8),
        (8,), (8,), (8,), (8, 3), (3,)], 'outputs': [-0.02639803, -0.5187325, -0.767099, -0.02549483,
        -0.5138847, -0.7605866, -0.02100432, -0.4718717, -0.7008106, -0.03048637, -0.5561903, -0.8203093,
        -0.02891728, -0.5411823, -0.7989209, -0.02051394, -0.4755565, -0.7069374, -7.784896, 5.057189],
        'evaluate': [1.1361135244369507, 0.3333333432674408], 'history': {'accuracy': [0.3333333432674408,
        0.3333333432674408], 'loss': [1.1588865518569946, 1.1305941343307495]}, 'weights':
        [-1.9928565598092973, 61.67544040004363]},
    'masking': {'shapes': [(2, 4), (4, 4), (4,), (4, 1), (1,)], 'outputs': [0.7713216, 0.895596, 0.8761219,
        0.8267257, 0.9015847, 0.6665069, 4.937857, 4.105181], 'evaluate': [0.7483370304107666,
        0.7346593737602234], 'history': {'loss': [0.7275025248527527, 0.5235323905944824], 'mae':
        [0.7488327026367188, 0.654041588306427]}, 'weights': [4.246453955769539, 4.916515987877612]},
}


@pytest.mark.parametrize("name", list(MODELS))
def test_masked_model_matches_keras(name):
    ref = MODEL_REF[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of these models drops a mask
        got = run_model(gt.keras, name, lambda t: t.numpy())
    assert got["shapes"] == [tuple(s) for s in ref["shapes"]]  # Keras's weight order
    np.testing.assert_allclose(got["outputs"], ref["outputs"], rtol=1e-5, atol=2e-6)
    np.testing.assert_allclose(got["evaluate"], ref["evaluate"], rtol=1e-5)
    assert sorted(got["history"]) == sorted(ref["history"])
    for key, values in ref["history"].items():
        np.testing.assert_allclose(got["history"][key], values, rtol=1e-5)
    np.testing.assert_allclose(got["weights"], ref["weights"], rtol=1e-5)


def masked(values, mask, dtype="float32"):
    t = gt.constant(np.asarray(values, dtype=dtype))
    t._keras_mask = gt.constant(np.asarray(mask, dtype=bool))
    return t


# -- tensors and layers ---------------------------------------------------------------------
def test_tensors_have_no_mask_and_ops_do_not_pass_one_on():
    x = masked([[1.0, 2.0]], [[True, False]])
    assert gt.constant([1.0])._keras_mask is None and gt.Variable([1.0])._keras_mask is None
    assert gt.add(x, 1.0)._keras_mask is None and (x * 2.0)._keras_mask is None
    assert gt.ones((2,))._keras_mask is None


def test_supports_masking_matches_keras():
    keras_values = {  # keras.layers.X(...).supports_masking in Keras 3.15
        L.Dense(2): True, L.Activation("relu"): True, L.Dropout(0.5): True, L.Flatten(): False,
        L.Reshape((2,)): False, L.Conv1D(2, 3): False, L.Embedding(5, 2): False,
        L.Embedding(5, 2, mask_zero=True): True, L.LSTM(2): True, L.Bidirectional(L.GRU(2)): True,
        L.TimeDistributed(L.Dense(2)): True, L.MultiHeadAttention(2, 2): True,
        L.GlobalAveragePooling1D(): True, L.GlobalMaxPooling1D(): False, L.GlobalAveragePooling2D(): False,
        L.MaxPooling1D(): False, L.Add(): True, L.Concatenate(): True, L.Dot(1): True, L.Softmax(): True,
        L.ReLU(): True, L.LayerNormalization(): True, L.BatchNormalization(): True,
        L.GroupNormalization(1): True, L.UnitNormalization(): True, L.GaussianNoise(0.1): True,
        L.SpatialDropout1D(0.1): True, L.Rescaling(2.0): True, L.Masking(): True,
        L.Lambda(lambda x: x): False, L.Lambda(lambda x: x, mask=lambda x, m: m): True,
        L.RepeatVector(2): False, L.ZeroPadding1D(): False, L.Permute((2, 1)): False,
        gt.keras.Sequential([L.Dense(2)]): False,
    }
    assert {layer.name: layer.supports_masking for layer in keras_values} == {
        layer.name: value for layer, value in keras_values.items()}
    layer = L.Flatten()
    layer.supports_masking = True
    assert layer.supports_masking


def test_embedding_mask_zero_and_propagation():
    emb = L.Embedding(10, 3, mask_zero=True)
    y = emb(gt.constant([[4, 2, 0], [0, 1, 0]]))
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, True, False], [False, True, False]])
    assert L.Embedding(10, 3)(gt.constant([[4, 0]]))._keras_mask is None
    z = L.Dropout(0.5)(L.Dense(2)(y), training=True)
    assert z._keras_mask is y._keras_mask  # layers that support masking pass the same mask on


def test_a_layer_without_masking_warns_and_drops_the_mask():
    x = masked(np.ones((2, 3, 4)), [[True, False, True]] * 2)
    with pytest.warns(UserWarning, match="Layer 'flat' \\(of type Flatten\\) was passed an input with a mask "
                                         "attached to it. However, this layer does not support masking"):
        y = L.Flatten(name="flat")(x)
    assert y._keras_mask is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.Flatten()(gt.ones((2, 3, 4)))  # no mask, no warning


def test_masking_layer():
    x = gt.constant([[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]], [[0.0, 0.0], [5.0, 0.0], [0.0, 0.0]]])
    y = L.Masking(mask_value=0.0)(x)
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, False, True], [False, True, False]])
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    y = L.Masking(mask_value=3.0)(gt.constant([[[3.0], [1.0]]]))
    np.testing.assert_array_equal(y.numpy().ravel(), [0.0, 1.0])  # masked steps become zeros
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[False, True]])


def test_a_cast_input_keeps_its_mask():
    x = masked(np.ones((1, 3, 2)), [[True, True, False]], dtype="float64")
    y = L.Dense(2, dtype="float32")(x)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, True, False]])


def test_explicit_mask_argument_and_initial_state_as_keras():
    x = gt.constant(np.sin(np.arange(24.0)).reshape(2, 4, 3).astype(np.float32))
    lstm = L.LSTM(2, return_sequences=True)
    mask = gt.constant([[True, True, False, False], [True] * 4])
    auto = lstm(masked(x.numpy(), mask.numpy()))
    np.testing.assert_allclose(lstm(x, mask=mask).numpy(), auto.numpy())
    np.testing.assert_array_equal(auto.numpy()[0, 2], auto.numpy()[0, 1])
    # Keras: with initial_state there are two tensor arguments, so the input's mask is not
    # passed to call (the steps all run) but the output still carries it.
    zeros = [gt.zeros((2, 2)), gt.zeros((2, 2))]
    y = lstm(masked(x.numpy(), mask.numpy()), initial_state=zeros)
    np.testing.assert_allclose(y.numpy(), lstm(x).numpy(), rtol=1e-6)
    np.testing.assert_array_equal(y._keras_mask.numpy(), mask.numpy())


def test_attention_takes_the_masks_off_its_inputs():
    q = masked(np.ones((1, 3, 4)), [[True, True, False]])
    v = masked(np.ones((1, 2, 4)), [[True, False]])
    y = L.MultiHeadAttention(2, 2)(q, v)
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, True, False]])
    assert q._keras_mask is None and v._keras_mask is None


def test_global_max_pooling_ignores_masks_and_average_uses_them():
    x = masked([[[1.0], [5.0], [3.0]]], [[True, False, True]])
    with pytest.warns(UserWarning, match="does not support masking"):
        assert float(L.GlobalMaxPooling1D()(x)[0, 0]) == 5.0
    x = masked([[[1.0], [5.0], [3.0]]], [[True, False, True]])
    y = L.GlobalAveragePooling1D()(x)
    assert float(y[0, 0]) == 2.0 and y._keras_mask is None


# -- Sequential and Functional models -------------------------------------------------------
IDS = gt.constant([[3, 1, 0, 0], [2, 5, 7, 0]])
IDS_MASK = [[True, True, False, False], [True, True, True, False]]


@pytest.mark.filterwarnings("ignore:Layer .* was passed an input with a mask attached:UserWarning")  # as Keras warns
def test_sequential_passes_masks_and_takes_a_mask_argument():
    model = gt.keras.Sequential([L.Embedding(10, 4, mask_zero=True), L.LSTM(3, return_sequences=True),
                                 L.Dense(2)])
    y = model(IDS)
    np.testing.assert_array_equal(y._keras_mask.numpy(), IDS_MASK)
    np.testing.assert_array_equal(y.numpy()[0, 2:], y.numpy()[0, [1, 1]])  # masked steps repeat
    rnn = gt.keras.Sequential([gt.keras.Input((4, 2)), L.LSTM(2, return_sequences=True)])
    y = rnn(np.ones((1, 4, 2), np.float32), mask=np.array([[True, True, False, False]]))
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, True, False, False]])
    np.testing.assert_array_equal(y.numpy()[0, 3], y.numpy()[0, 1])


def test_functional_keras_tensors_carry_symbolic_masks():
    ids = gt.keras.Input((4,), dtype="int32")
    assert ids._keras_mask is None
    e = L.Embedding(10, 4, mask_zero=True)(ids)
    assert tuple(e._keras_mask.shape) == (None, 4) and e._keras_mask.dtype == np.bool_
    h = L.LSTM(3, return_sequences=True)(e)
    last = L.LSTM(3)(h)
    assert h._keras_mask is not None and last._keras_mask is None
    model = gt.keras.Model(ids, [h, last])
    seq, _ = model(IDS)
    np.testing.assert_array_equal(seq._keras_mask.numpy(), IDS_MASK)
    lines = []
    model.summary(print_fn=lines.append)
    assert sum("lstm" in line for line in lines) == 2


@pytest.mark.filterwarnings("ignore:Layer .* was passed an input with a mask attached:UserWarning")  # as Keras warns
def test_functional_model_mask_argument():
    x = gt.keras.Input((3, 2))
    model = gt.keras.Model(x, L.LSTM(2, return_sequences=True)(x))
    data = np.sin(np.arange(12.0)).reshape(2, 3, 2).astype(np.float32)
    mask = np.array([[True, False, True], [True, True, True]])
    y = model(data, mask=mask)
    np.testing.assert_array_equal(y._keras_mask.numpy(), mask)
    np.testing.assert_array_equal(y.numpy()[0, 1], y.numpy()[0, 0])
    np.testing.assert_allclose(model(masked(data, mask)).numpy(), y.numpy())


def test_functional_replay_uses_the_recorded_masks_after_attention():
    # Keras 3: MultiHeadAttention takes the mask off `e`, so Add's output has none in the
    # eager run, but GlobalAveragePooling1D was recorded with Add's symbolic mask and averages
    # the unmasked steps only.
    ids = gt.keras.Input((4,), dtype="int32")
    e = L.Embedding(10, 4, mask_zero=True)(ids)
    s = L.Add()([e, L.MultiHeadAttention(2, 2)(e, e)])
    assert s._keras_mask is not None
    model = gt.keras.Model(ids, [s, L.GlobalAveragePooling1D()(s)])
    seq, pooled = model(IDS)
    assert seq._keras_mask is None
    np.testing.assert_allclose(pooled.numpy()[0], seq.numpy()[0, :2].mean(0), rtol=1e-6)
    np.testing.assert_allclose(pooled.numpy()[1], seq.numpy()[1, :3].mean(0), rtol=1e-6)


# -- losses and metrics ---------------------------------------------------------------------
def test_loss_of_masked_predictions_averages_the_unmasked_entries():
    y_true = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], np.float32)[..., None]
    y_pred = masked(np.zeros((2, 3, 1)), [[True, True, False], [True, False, False]])
    mse = gt.losses.MeanSquaredError()
    assert float(mse(y_true, y_pred)) == pytest.approx((1 + 4 + 0) / 3)
    assert float(gt.losses.MeanSquaredError(reduction="sum")(y_true, y_pred)) == pytest.approx(5.0)
    np.testing.assert_allclose(gt.losses.MeanSquaredError(reduction="none")(y_true, y_pred).numpy(),
                               [[1.0, 4.0, 0.0], [0.0, 0.0, 0.0]])  # the mask as weights
    sw = np.array([[1.0, 0.5, 1.0], [2.0, 1.0, 1.0]], np.float32)
    assert float(mse(y_true, y_pred, sample_weight=sw)) == pytest.approx((1 + 2 + 0) / 3)
    metric = gt.metrics.MeanSquaredError()
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == pytest.approx(5 / 3)


def test_masked_loss_gradient_matches_central_differences():
    y_true = gt.constant([[1, 2, 0], [0, 1, 1]])
    mask = gt.constant([[True, True, False], [True, False, False]])
    loss = gt.losses.SparseCategoricalCrossentropy(from_logits=True)

    def f(logits):
        logits._keras_mask = mask
        return loss(y_true, logits)
    logits = np.sin(np.arange(18.0)).reshape(2, 3, 3)
    gt.test.check_gradients(f, [logits], order=2)
    x = gt.constant(logits)
    with gt.GradientTape() as tape:
        tape.watch(x)
        value = f(x)
    g = tape.gradient(value, x).numpy()
    np.testing.assert_array_equal(g[0, 2], 0.0)
    np.testing.assert_array_equal(g[1, 1:], 0.0)


@pytest.mark.filterwarnings("ignore:Layer .* was passed an input with a mask attached:UserWarning")  # as Keras warns
def test_masked_model_gradient_matches_central_differences():
    model = gt.keras.Sequential([L.LSTM(3, return_sequences=True), L.Bidirectional(L.GRU(2)), L.Dense(2)])
    mask = gt.constant(IDS_MASK)

    def f(x):
        x._keras_mask = mask
        return model(x)
    x = np.sin(np.arange(24.0)).reshape(2, 4, 3)
    gt.test.check_gradients(f, [x], order=1)

"""Numbers that Keras 3 (TensorFlow 2.21) gives for the same inputs, hard-coded so the checks
need only NumPy: weight orders, loss edge cases, optimizer arguments and metric reductions."""

import numpy as np
import pytest

import gradtape as gt


# -- layers ------------------------------------------------------------------------------------
def test_multi_head_attention_weights_follow_keras_order():
    mha = gt.layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4)
    mha(gt.ones((2, 5, 6)), gt.ones((2, 7, 4)), key=gt.ones((2, 7, 5)))
    # Keras's get_weights(): query kernel, query bias, key ..., value ..., output kernel, bias.
    assert [w.shape for w in mha.get_weights()] == [
        (6, 2, 3), (2, 3), (5, 2, 3), (2, 3), (4, 2, 4), (2, 4), (2, 4, 6), (6,)]
    assert [v.name.split("/", 1)[1] for v in mha.weights] == [
        "query/kernel:0", "query/bias:0", "key/kernel:0", "key/bias:0", "value/kernel:0",
        "value/bias:0", "attention_output/kernel:0", "attention_output/bias:0"]
    nobias = gt.layers.MultiHeadAttention(num_heads=2, key_dim=3, use_bias=False)
    nobias(gt.ones((1, 2, 6)), gt.ones((1, 3, 6)))
    assert [w.shape for w in nobias.get_weights()] == [(6, 2, 3), (6, 2, 3), (6, 2, 3), (2, 3, 6)]


def test_multi_head_attention_masked_scores_get_no_gradient():
    rng = np.random.default_rng(0)
    mha = gt.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    q = gt.constant(rng.standard_normal((1, 3, 4)).astype(np.float32))
    v = gt.constant(rng.standard_normal((1, 2, 4)).astype(np.float32))
    mask = np.array([[[True, False], [False, False], [True, True]]])  # query 1 sees no key
    with gt.GradientTape() as tape:
        tape.watch(q)
        y = gt.reduce_sum(mha(q, v, attention_mask=mask) ** 2)
    g = tape.gradient(y, q).numpy()
    # Keras replaces masked scores, so the fully masked query's gradient is exactly zero.
    np.testing.assert_array_equal(g[0, 1], np.zeros(4, np.float32))
    assert np.abs(g[0, 2]).sum() > 0  # query 2 sees both keys


# -- losses ------------------------------------------------------------------------------------
def test_binary_crossentropy_of_saturated_probabilities_matches_keras():
    y_true = [[1.0, 0.0, 1.0, 0.0]]
    y_pred = [[0.0, 1.0, 0.5, 0.25]]
    # keras.losses.binary_crossentropy gives [8.260326] (log of the clipped value, no extra epsilon).
    np.testing.assert_allclose(gt.losses.binary_crossentropy(y_true, y_pred).numpy(), [8.260326],
                               rtol=1e-5)
    bce = gt.losses.BinaryCrossentropy()
    value = bce([[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.3], [1.0, 1.0]], sample_weight=[0.5, 2.0])
    np.testing.assert_allclose(float(value), 10.030539, rtol=1e-5)  # Keras's value


# -- optimizers --------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [dict(clipnorm=1.0, clipvalue=0.5),
                                    dict(global_clipnorm=1.0, clipvalue=0.5),
                                    dict(clipnorm=1.0, global_clipnorm=1.0)])
def test_only_one_clipping_argument(kwargs):
    with pytest.raises(ValueError, match="only one of clipnorm, clipvalue and global_clipnorm"):
        gt.optimizers.Adam(**kwargs)


# -- metrics -----------------------------------------------------------------------------------
def test_mean_counts_samples_not_elements():
    m = gt.metrics.Mean()
    m.update_state([[1.0, 1.0, 1.0]])
    m.update_state([[0.0] * 5])
    assert float(m.result()) == pytest.approx(0.5)  # Keras: 0.5 (two samples)


def test_mean_and_sum_with_sample_weights_match_keras():
    m = gt.metrics.Mean()
    m.update_state([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], sample_weight=[[1.0, 0.0, 1.0], [0.5, 0.5, 0.0]])
    assert float(m.result()) == pytest.approx(2.8333335, rel=1e-6)  # Keras's value
    m.update_state([[[1.0, 3.0], [2.0, 2.0]]], sample_weight=[2.0])
    assert float(m.result()) == pytest.approx(2.2777779, rel=1e-6)  # Keras's value
    s = gt.metrics.Sum()
    s.update_state([[1.0, 2.0], [3.0, 4.0]], sample_weight=[[2.0], [0.5]])
    s.update_state([[[1.0, 2.0], [3.0, 4.0]]], sample_weight=[[1.0, 0.0]])
    assert float(s.result()) == pytest.approx(12.5)  # Keras's value


def test_accuracy_metrics_match_keras():
    b = gt.metrics.BinaryAccuracy()
    b.update_state([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], [[0.9, 0.2, 0.4], [0.6, 0.1, 0.8]],
                   sample_weight=[[1.0, 1.0, 0.0], [1.0, 0.5, 0.5]])
    assert float(b.result()) == pytest.approx(0.75)  # Keras's value
    b.update_state([[1.0, 1.0]], [[0.7, 0.3]])
    assert float(b.result()) == pytest.approx(0.64285707, rel=1e-6)  # Keras's value
    a = gt.metrics.Accuracy()
    a.update_state([[1, 2], [3, 4], [5, 6]], [[1, 0], [3, 4], [0, 0]], sample_weight=[1.0, 0.5, 2.0])
    assert float(a.result()) == pytest.approx(0.2857143, rel=1e-6)  # Keras's value
    # Keras 3's functions are elementwise, and a (batch, 1) label lines up with (batch,) values.
    np.testing.assert_array_equal(gt.metrics.binary_accuracy([[1.0, 0.0]], [[0.7, 0.6]]).numpy(),
                                  [[1.0, 0.0]])
    np.testing.assert_array_equal(gt.metrics.accuracy([[1], [2], [3]], [1, 0, 3]).numpy(),
                                  [[1.0], [0.0], [1.0]])


def test_losses_line_up_labels_of_rank_one_with_predictions_of_width_one():
    # Keras 3.15: labels (4,) against predictions (4, 1) are compared row by row
    y = np.array([0.0, 1.0, 0.0, 1.0])
    p = gt.constant([[0.1], [0.9], [0.2], [0.8]])
    assert float(gt.keras.losses.BinaryCrossentropy()(y, p)) == pytest.approx(0.16425204277038574, rel=1e-6)
    assert float(gt.keras.losses.MeanSquaredError()(y, p)) == pytest.approx(0.025, rel=1e-6)
    assert float(gt.keras.losses.MeanSquaredError()(p, y)) == pytest.approx(0.025, rel=1e-6)
    assert gt.keras.losses.mean_squared_error(y, p).shape == (4,)

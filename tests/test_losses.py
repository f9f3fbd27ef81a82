"""gt.losses against NumPy (Keras's formulas), their gradients, and gt.metrics."""

import numpy as np
import pytest

import gradtape as gt

Ls = gt.losses
EPS = 1e-7
RNG = np.random.default_rng(7)


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def sig(x):
    return 1 / (1 + np.exp(-x))


Y = RNG.standard_normal((4, 3))
P = RNG.standard_normal((4, 3))
LOGITS = RNG.standard_normal((5, 4)) * 3
LABELS = np.array([0, 3, 1, 1, 2])
ONEHOT = np.eye(4)[LABELS]
PROBS = softmax(LOGITS)
BIN_T = (RNG.random((5, 3)) > 0.5).astype(np.float64)


def bce_ref(t, p):  # Keras 3: logarithms of the clipped probabilities, no epsilon added inside
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), axis=-1)


def test_regression_losses_match_numpy():
    np.testing.assert_allclose(Ls.mean_squared_error(Y, P).numpy(), np.mean((P - Y) ** 2, -1), rtol=1e-12)
    np.testing.assert_allclose(Ls.mean_absolute_error(Y, P).numpy(), np.mean(np.abs(P - Y), -1), rtol=1e-12)
    for d in (0.5, 1.0, 2.0):
        e = P - Y
        ref = np.mean(np.where(np.abs(e) <= d, 0.5 * e ** 2, d * np.abs(e) - 0.5 * d * d), -1)
        np.testing.assert_allclose(Ls.huber(Y, P, delta=d).numpy(), ref, rtol=1e-12)
    assert Ls.mse is Ls.mean_squared_error and Ls.mae is Ls.mean_absolute_error


def test_binary_crossentropy_probabilities_and_logits():
    np.testing.assert_allclose(Ls.binary_crossentropy(BIN_T, sig(LOGITS[:, :3])).numpy(),
                               bce_ref(BIN_T, sig(LOGITS[:, :3])), rtol=1e-10)
    x = LOGITS[:, :3]
    ref = np.mean(np.maximum(x, 0) - x * BIN_T + np.log1p(np.exp(-np.abs(x))), -1)
    np.testing.assert_allclose(Ls.binary_crossentropy(BIN_T, x, from_logits=True).numpy(), ref, rtol=1e-10)
    # extreme probabilities are clipped, so the loss stays finite
    assert np.isfinite(Ls.binary_crossentropy([[1.0, 0.0]], [[0.0, 1.0]]).numpy()).all()
    ls = 0.2
    np.testing.assert_allclose(Ls.binary_crossentropy(BIN_T, x, from_logits=True, label_smoothing=ls).numpy(),
                               np.mean(np.maximum(x, 0) - x * (BIN_T * 0.8 + 0.1)
                                       + np.log1p(np.exp(-np.abs(x))), -1), rtol=1e-10)


def test_categorical_crossentropies_match_numpy():
    ref = -np.sum(ONEHOT * np.log(np.clip(PROBS, EPS, 1 - EPS)), -1)
    np.testing.assert_allclose(Ls.categorical_crossentropy(ONEHOT, PROBS).numpy(), ref, rtol=1e-10)
    logit_ref = -np.sum(ONEHOT * np.log(softmax(LOGITS)), -1)
    np.testing.assert_allclose(Ls.categorical_crossentropy(ONEHOT, LOGITS, from_logits=True).numpy(),
                               logit_ref, rtol=1e-10)
    # unnormalized probabilities are renormalized, as Keras
    np.testing.assert_allclose(Ls.categorical_crossentropy(ONEHOT, 3 * PROBS).numpy(), ref, rtol=1e-10)
    smooth = ONEHOT * 0.9 + 0.1 / 4
    np.testing.assert_allclose(
        Ls.categorical_crossentropy(ONEHOT, LOGITS, from_logits=True, label_smoothing=0.1).numpy(),
        -np.sum(smooth * np.log(softmax(LOGITS)), -1), rtol=1e-10)
    np.testing.assert_allclose(Ls.sparse_categorical_crossentropy(LABELS, LOGITS, from_logits=True).numpy(),
                               logit_ref, rtol=1e-10)
    np.testing.assert_allclose(Ls.sparse_categorical_crossentropy(LABELS, PROBS).numpy(), ref, rtol=1e-8)
    np.testing.assert_allclose(Ls.sparse_categorical_crossentropy(LABELS[:, None], PROBS).numpy(), ref,
                               rtol=1e-8)  # (batch, 1) labels
    with pytest.raises(ValueError, match="labels"):
        Ls.sparse_categorical_crossentropy([0, 9, 1, 1, 2], LOGITS, from_logits=True)


def test_kl_divergence_matches_numpy():
    q = softmax(RNG.standard_normal((3, 4)))
    t = np.clip(PROBS[:3], EPS, 1)
    ref = np.sum(t * np.log(t / np.clip(q, EPS, 1)), -1)
    np.testing.assert_allclose(Ls.kl_divergence(PROBS[:3], q).numpy(), ref, rtol=1e-10)
    np.testing.assert_allclose(Ls.kl_divergence(q, q).numpy(), 0.0, atol=1e-12)


@pytest.mark.parametrize("cls,fn,kw,y,p", [
    (Ls.MeanSquaredError, Ls.mean_squared_error, {}, Y, P),
    (Ls.MeanAbsoluteError, Ls.mean_absolute_error, {}, Y, P),
    (Ls.Huber, Ls.huber, {"delta": 0.7}, Y, P),
    (Ls.BinaryCrossentropy, Ls.binary_crossentropy, {"from_logits": True}, BIN_T, LOGITS[:, :3]),
    (Ls.CategoricalCrossentropy, Ls.categorical_crossentropy, {"from_logits": True}, ONEHOT, LOGITS),
    (Ls.SparseCategoricalCrossentropy, Ls.sparse_categorical_crossentropy, {"from_logits": True},
     LABELS, LOGITS),
    (Ls.KLDivergence, Ls.kl_divergence, {}, PROBS, softmax(LOGITS[::-1])),
])
def test_classes_reduce_to_the_mean_and_weight_samples(cls, fn, kw, y, p):
    per = fn(y, p, **kw).numpy()
    loss = cls(**kw)
    out = loss(y, p)
    assert out.shape == ()
    np.testing.assert_allclose(float(out), per.mean(), rtol=1e-10)
    w = np.arange(1.0, len(per) + 1)
    np.testing.assert_allclose(float(loss(y, p, sample_weight=w)), (per * w).sum() / per.size, rtol=1e-10)
    np.testing.assert_allclose(cls(reduction="none", **kw)(y, p).numpy(), per, rtol=1e-12)
    np.testing.assert_allclose(float(cls(reduction="sum", **kw)(y, p)), per.sum(), rtol=1e-10)


def test_loss_gradients_first_and_second_order():
    check = gt.test.check_gradients
    check(lambda p: Ls.mean_squared_error(Y, p), [P], order=2)
    check(lambda p: Ls.huber(Y, p, delta=0.8), [P], order=1)
    check(lambda x: Ls.binary_crossentropy(BIN_T, x, from_logits=True), [LOGITS[:, :3]], order=2)
    check(lambda x: Ls.binary_crossentropy(BIN_T, x), [sig(LOGITS[:, :3])], order=2)
    check(lambda x: Ls.categorical_crossentropy(ONEHOT, x, from_logits=True), [LOGITS], order=2)
    check(lambda x: Ls.categorical_crossentropy(ONEHOT, x), [PROBS], order=2)
    check(lambda x: Ls.sparse_categorical_crossentropy(LABELS, x, from_logits=True), [LOGITS], order=2)
    check(lambda x: Ls.SparseCategoricalCrossentropy(from_logits=True)(LABELS, x), [LOGITS], order=2)
    check(lambda x: Ls.kl_divergence(PROBS, x), [softmax(LOGITS[::-1])], order=2)


def test_cross_entropy_gradient_is_softmax_minus_onehot():
    x = gt.constant(LOGITS)
    with gt.GradientTape() as tape:
        tape.watch(x)
        loss = Ls.SparseCategoricalCrossentropy(from_logits=True)(LABELS, x)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), (softmax(LOGITS) - ONEHOT) / 5, rtol=1e-10)


def test_labels_take_the_predictions_dtype():
    p = gt.constant(np.float32([[0.2, 0.8]]))
    assert Ls.mean_squared_error([[0, 1]], p).dtype == np.float32
    assert Ls.CategoricalCrossentropy()([[0, 1]], p).dtype == np.float32
    with pytest.raises(ValueError, match="incompatible"):
        Ls.mean_squared_error(np.zeros((2, 3)), np.zeros((2, 4)))


def test_get():
    assert Ls.get("mse") is Ls.mean_squared_error
    assert isinstance(Ls.get("Huber"), Ls.Huber)
    with pytest.raises(ValueError):
        Ls.get("nope")


# -- metrics --------------------------------------------------------------------------------------
def test_mean_metric_running_mean_weights_and_reset():
    m = gt.metrics.Mean()
    m.update_state([1.0, 2.0, 3.0])
    m.update_state(gt.constant(10.0))
    assert float(m.result()) == 4.0
    m.update_state([0.0, 8.0], sample_weight=[3.0, 1.0])
    assert float(m.result()) == pytest.approx(24.0 / 8.0)  # unweighted it would be 24 / 6
    m.reset_state()
    assert float(m.result()) == 0.0 and m.result().dtype == np.float32
    assert len(m.variables) == 2 and m.trainable_variables == ()


def test_accuracy_metrics():
    acc = gt.metrics.SparseCategoricalAccuracy()
    acc.update_state(LABELS, LOGITS)
    ref = np.mean(LOGITS.argmax(-1) == LABELS)
    assert float(acc.result()) == pytest.approx(ref)
    acc.update_state(LABELS[:, None], PROBS)  # (batch, 1) labels and probabilities
    assert float(acc.result()) == pytest.approx(ref)
    acc.reset_state()
    assert float(acc([1, 1], [[0.0, 1.0], [1.0, 0.0]])) == 0.5
    a = gt.metrics.Accuracy()
    assert float(a([1, 2, 3, 4], [1, 2, 0, 0])) == 0.5
    c = gt.metrics.CategoricalAccuracy()
    assert float(c(ONEHOT, LOGITS)) == pytest.approx(ref)
    b = gt.metrics.BinaryAccuracy(threshold=0.5)
    assert float(b(BIN_T, sig(LOGITS[:, :3]))) == pytest.approx(np.mean((sig(LOGITS[:, :3]) > 0.5) == BIN_T))


def test_metric_update_is_not_recorded():
    m = gt.metrics.Mean()
    x = gt.Variable([1.0, 2.0])
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(x * x)
        m.update_state(y)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0])
    assert float(m.result()) == 5.0

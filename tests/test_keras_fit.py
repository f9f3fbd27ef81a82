"""Model.compile/fit/evaluate/predict and the callbacks, against numbers from real Keras 3
(tests/data/keras_fit_reference.json, written by tools/keras_fit_reference.py): the same
model, weights, data and settings give the same history, evaluation and final weights."""

import json
import pathlib

import numpy as np
import pytest

import gradtape as gt

K = gt.keras
REF = json.loads((pathlib.Path(__file__).parent / "data" / "keras_fit_reference.json").read_text())

rng = np.random.default_rng(0)
X = rng.standard_normal((50, 4)).astype(np.float32)
Y = rng.integers(0, 3, 50)
W = [(rng.standard_normal((4, 8)) * 0.5).astype(np.float32), np.zeros(8, np.float32),
     (rng.standard_normal((8, 3)) * 0.5).astype(np.float32), np.zeros(3, np.float32)]
YR = X @ rng.standard_normal((4, 3)).astype(np.float32)


def build(opt, **kw):
    m = K.Sequential([K.layers.Dense(8, activation="relu"), K.layers.Dense(3)])
    m(X[:1])
    m.set_weights(W)
    m.compile(optimizer=opt, **kw)
    return m


def sce():
    return K.losses.SparseCategoricalCrossentropy(from_logits=True)


def check(name, m, h, **extra):
    ref = REF[name]
    assert list(h.history) == list(ref["history"])  # same keys, in Keras's (sorted) order
    for key, values in ref["history"].items():
        np.testing.assert_allclose(h.history[key], values, rtol=2e-5, atol=1e-6, err_msg=key)
    assert h.epoch == ref["epochs"]
    got = [[float(np.sum(w)), float(np.sum(w * w))] for w in m.get_weights()]
    np.testing.assert_allclose(got, ref["weights"], rtol=2e-5, atol=2e-6)
    for key, value in extra.items():
        if isinstance(value, dict):
            assert list(value) == list(ref[key])
            value, want = list(value.values()), list(ref[key].values())
        else:
            want = ref[key]
        np.testing.assert_allclose(value, want, rtol=2e-5, atol=1e-6, err_msg=key)


def test_sgd_with_validation_split_matches_keras():
    m = build(K.optimizers.SGD(0.1), loss=sce(), metrics=["accuracy"])
    h = m.fit(X, Y, batch_size=16, epochs=3, validation_split=0.2, shuffle=False, verbose=0)
    check("sgd_val", m, h, evaluate=m.evaluate(X, Y, verbose=0),
          train_on_batch=m.train_on_batch(X[:7], Y[:7]))


def test_class_weight_and_weighted_metrics_match_keras():
    m = build(K.optimizers.Adam(0.01), loss=sce(), metrics=["accuracy"], weighted_metrics=["accuracy"])
    h = m.fit(X, Y, batch_size=20, epochs=2, shuffle=False, verbose=0, class_weight={0: 1.0, 1: 2.0, 2: 0.5})
    check("adam_class_weight", m, h, evaluate=m.evaluate(X, Y, verbose=0))


def test_sample_weight_and_weighted_validation_data_match_keras():
    m = build(K.optimizers.SGD(0.05, momentum=0.9), loss=sce(), metrics=["sparse_categorical_accuracy"],
              weighted_metrics=["sparse_categorical_accuracy"])
    h = m.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0,
              sample_weight=np.linspace(0.1, 2, 50).astype(np.float32),
              validation_data=(X[:10], Y[:10], np.linspace(1, 2, 10).astype(np.float32)))
    check("sample_weight", m, h, evaluate=m.evaluate(
        X, Y, sample_weight=np.linspace(0.1, 2, 50).astype(np.float32), verbose=0))


def test_early_stopping_restores_best_weights_as_keras():
    m = build(K.optimizers.SGD(1.5), loss=sce(), metrics=["accuracy"])
    es = K.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    h = m.fit(X, Y, batch_size=10, epochs=20, validation_split=0.3, shuffle=False, verbose=0, callbacks=[es])
    check("early_stopping", m, h, stopped_epoch=es.stopped_epoch, best_epoch=es.best_epoch)


def test_reduce_lr_on_plateau_matches_keras():
    m = build(K.optimizers.SGD(0.3), loss=sce())
    cb = K.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=0.06)
    h = m.fit(X, Y, batch_size=25, epochs=6, shuffle=False, verbose=0, callbacks=[cb])
    check("reduce_lr", m, h)
    assert h.history["learning_rate"][-1] == pytest.approx(0.15)


def test_learning_rate_scheduler_matches_keras():
    m = build(K.optimizers.SGD(0.2), loss=sce())
    cb = K.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.5 if e > 0 else lr)
    h = m.fit(X, Y, batch_size=25, epochs=3, shuffle=False, verbose=0, callbacks=[cb])
    check("lr_scheduler", m, h)


def test_datasets_for_training_and_validation_match_keras():
    m = build(K.optimizers.RMSprop(0.01), loss=sce(), metrics=["accuracy"])
    ds = gt.data.Dataset.from_tensor_slices((X, Y)).batch(16)
    h = m.fit(ds, epochs=2, verbose=0,
              validation_data=gt.data.Dataset.from_tensor_slices((X[:10], Y[:10])).batch(4))
    check("dataset", m, h, evaluate=m.evaluate(ds, verbose=0, return_dict=True))


def test_regression_metrics_and_evaluate_order_match_keras():
    m = build(K.optimizers.SGD(0.05), loss="mse", metrics=["mae", "mse"])
    h = m.fit(X, YR, batch_size=16, epochs=2, shuffle=False, verbose=0)
    check("regression", m, h, evaluate=m.evaluate(X, YR, verbose=0))
    assert m.metrics_names == REF["regression"]["metrics_names"]

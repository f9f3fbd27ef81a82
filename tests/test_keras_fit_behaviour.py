"""Model.fit/evaluate/predict and callbacks: behaviour that needs no reference numbers (order of
hooks, stopping, files written, custom steps, errors, printing)."""

import csv
import os

import numpy as np
import pytest

import gradtape as gt

K = gt.keras
rng = np.random.default_rng(1)
X = rng.standard_normal((40, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)


def linear(lr=0.1, **compile_kw):
    m = K.Sequential([K.layers.Dense(1, kernel_initializer="zeros")])
    m.compile(optimizer=K.optimizers.SGD(lr), loss="mse", **compile_kw)
    return m


class Recorder(K.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_") and name not in ("on_batch_begin", "on_batch_end"):
            calls = object.__getattribute__(self, "calls")
            return lambda *a, logs=None: calls.append((name,) + a)
        return object.__getattribute__(self, name)


def test_fit_learns_a_linear_map_and_reports_decreasing_loss():
    m = linear()
    h = m.fit(X, Y, epochs=30, batch_size=8, verbose=0)
    assert h.history["loss"][-1] < 1e-3 < h.history["loss"][0]
    np.testing.assert_allclose(m.get_weights()[0].ravel(), [1.0, -2.0, 0.5], atol=0.02)
    assert m.history is h


def test_callback_hooks_run_in_keras_order_with_params():
    rec = Recorder()
    m = linear()
    m.fit(X, Y, epochs=2, batch_size=20, validation_data=(X[:5], Y[:5]), verbose=0, callbacks=[rec])
    names = [c[0] for c in rec.calls]
    assert names == ["on_train_begin",
                     "on_epoch_begin", "on_train_batch_begin", "on_train_batch_end",
                     "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
                     "on_test_batch_begin", "on_test_batch_end", "on_test_end", "on_epoch_end",
                     "on_epoch_begin", "on_train_batch_begin", "on_train_batch_end",
                     "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
                     "on_test_batch_begin", "on_test_batch_end", "on_test_end", "on_epoch_end",
                     "on_train_end"]
    assert rec.params == {"verbose": 0, "epochs": 2, "steps": 2}
    assert rec.model is m


def test_stop_training_from_a_callback_ends_after_the_batch():
    m = linear()
    stop = K.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: setattr(m, "stop_training", b == 1))
    h = m.fit(X, Y, epochs=5, batch_size=10, verbose=0, callbacks=[stop])
    assert h.epoch == [0]


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_terminate_on_nan_stops_a_diverging_run(capsys):
    m = linear(lr=1e6)
    h = m.fit(X * 1e3, Y, epochs=50, batch_size=4, verbose=0, callbacks=[K.callbacks.TerminateOnNaN()])
    assert len(h.epoch) < 50 and not np.isfinite(h.history["loss"][-1])
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_model_checkpoint_save_best_only_and_load_weights(tmp_path):
    m = linear(lr=0.05)
    path = str(tmp_path / "best.npz")
    ck = K.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True)
    m.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[ck])
    best = m.get_weights()  # loss decreases every epoch here, so the last epoch is the best
    fresh = linear()
    fresh(X[:1])
    fresh.load_weights(path)
    for a, b in zip(fresh.get_weights(), best):
        np.testing.assert_array_equal(a, b)


def test_load_weights_checks_shapes_before_assigning(tmp_path):
    m = linear()
    m(X[:1])
    m.save_weights(tmp_path / "w.npz")
    other = K.Sequential([K.layers.Dense(2)])
    other(X[:1])
    before = other.get_weights()
    with pytest.raises(ValueError, match="shape"):
        other.load_weights(tmp_path / "w.npz")
    for a, b in zip(other.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    m = linear(metrics=["mae"])
    h = m.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[K.callbacks.CSVLogger(path)])
    rows = list(csv.DictReader(open(path)))
    assert [r["epoch"] for r in rows] == ["0", "1", "2"]
    np.testing.assert_allclose([float(r["loss"]) for r in rows], h.history["loss"], rtol=1e-6)


def test_custom_train_step_with_metrics_as_attributes():
    class Custom(K.Model):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(1)
            self.loss_tracker = K.metrics.Mean(name="loss")

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with gt.GradientTape() as tape:
                loss = gt.reduce_mean((self(x, training=True) - y) ** 2)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

    m = Custom()
    m.compile(optimizer=K.optimizers.SGD(0.1))
    h = m.fit(X, Y, epochs=20, batch_size=8, verbose=0)
    assert h.history["loss"][-1] < 0.05 * h.history["loss"][0]
    # the tracker is a metric of the model, reset each epoch, and not one of its weights
    assert m.loss_tracker in m.metrics
    assert len(m.variables) == 2 and len(m.weights) == 2


def test_metric_state_is_not_part_of_the_weights():
    m = linear(metrics=["mae"])
    m.fit(X, Y, epochs=1, verbose=0)
    assert [v.shape for v in m.weights] == [(3, 1), (1,)]


def test_predict_batches_and_returns_numpy():
    m = linear()
    m(X[:1])
    out = m.predict(X, batch_size=7, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (40, 1)
    np.testing.assert_allclose(out, m(X).numpy(), rtol=1e-6)
    np.testing.assert_allclose(m.predict_on_batch(X[:3]), out[:3], rtol=1e-6)
    ds = gt.data.Dataset.from_tensor_slices((X, Y)).batch(16)  # (x, y) elements: y is ignored
    np.testing.assert_allclose(m.predict(ds, verbose=0), out, rtol=1e-6)


def test_shuffle_is_reproducible_under_the_global_seed():
    runs = []
    for _ in range(2):
        gt.random.set_seed(3)
        m = linear()
        runs.append(m.fit(X, Y, epochs=2, batch_size=8, verbose=0).history["loss"])
    assert runs[0] == runs[1]
    gt.random.set_seed(4)
    assert linear().fit(X, Y, epochs=2, batch_size=8, verbose=0).history["loss"] != runs[0]


def test_steps_per_epoch_with_a_repeated_dataset():
    ds = gt.data.Dataset.from_tensor_slices((X, Y)).batch(8).repeat()
    m = linear()
    rec = Recorder()
    m.fit(ds, epochs=2, steps_per_epoch=3, verbose=0, callbacks=[rec])
    assert sum(c[0] == "on_train_batch_end" for c in rec.calls) == 6


def test_verbose_prints_keras_style_lines(capsys):
    m = linear(metrics=["mae"])
    m.fit(X, Y, epochs=2, batch_size=20, verbose=2)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/2" and out[2] == "Epoch 2/2"
    assert out[1].startswith("2/2 - ") and " - loss: " in out[1] and " - mae: " in out[1]
    m.evaluate(X, Y, verbose=2)
    assert capsys.readouterr().out.startswith("2/2 - ")
    m.fit(X, Y, epochs=1, batch_size=20, verbose=0)
    assert capsys.readouterr().out == ""


def test_regularization_losses_are_added_to_the_loss():
    if not hasattr(K, "regularizers"):
        pytest.fail("gt.keras.regularizers is missing")
    m = K.Sequential([K.layers.Dense(1, kernel_initializer="ones",
                                     kernel_regularizer=K.regularizers.L2(0.5))])
    m.compile(optimizer=K.optimizers.SGD(0.0), loss="mse")
    plain = linear()
    plain(X[:1])
    plain.set_weights([np.ones((3, 1), np.float32), np.zeros(1, np.float32)])
    got = m.evaluate(X, Y, verbose=0)
    want = plain.evaluate(X, Y, verbose=0) + 0.5 * 3.0
    assert got == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda m: m.fit(X, Y, validation_split=1.5, verbose=0), "validation_split"),
    (lambda m: m.fit(X, Y, batch_size=0, verbose=0), "batch_size"),
    (lambda m: m.fit(gt.data.Dataset.from_tensor_slices((X, Y)).batch(4), batch_size=4, verbose=0),
     "batch_size"),
    (lambda m: m.fit(X, Y[:10], verbose=0), "cardinality"),
    (lambda m: m.fit(X[:1], Y[:1], validation_split=0.1, verbose=0), "not sufficient"),
    (lambda m: m.fit(X, Y, class_weight={0: 1.0}, sample_weight=np.ones(40), verbose=0),
     "class_weight and sample_weight"),
    (lambda m: m.fit(X, Y, callbacks=[print], verbose=0), "Callback"),
])
def test_bad_fit_arguments_are_named(call, message):
    m = linear()
    before = [w.copy() for w in (m.get_weights() if m.built else [])]
    with pytest.raises((ValueError, TypeError), match=message):
        call(m)
    assert [w.copy() for w in (m.get_weights() if m.built else [])] == before


def test_fit_before_compile_says_to_compile():
    m = K.Sequential([K.layers.Dense(1)])
    with pytest.raises(RuntimeError, match="compile"):
        m.fit(X, Y, verbose=0)


def test_early_stopping_with_unknown_direction_asks_for_mode():
    m = linear()
    cb = K.callbacks.EarlyStopping(monitor="something_else")
    with pytest.raises(ValueError, match="mode='max'"):
        m.fit(X, Y, epochs=2, verbose=0, callbacks=[cb])


def test_multi_output_subclassed_model_with_loss_per_output():
    class Two(K.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = K.layers.Dense(1), K.layers.Dense(2)

        def call(self, x):
            return [self.a(x), self.b(x)]

    m = Two()
    m.compile(optimizer=K.optimizers.SGD(0.05), loss=["mse", "mae"], loss_weights=[1.0, 0.5])
    y2 = np.concatenate([Y, -Y], axis=1)
    h = m.fit(X, [Y, y2], epochs=10, batch_size=8, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    pa, pb = m.predict(X, verbose=0)
    want = np.mean((pa - Y) ** 2) + 0.5 * np.mean(np.abs(pb - y2))
    assert m.evaluate(X, [Y, y2], verbose=0) == pytest.approx(want, rel=1e-5)


def test_os_paths_accepted(tmp_path):
    m = linear()
    m(X[:1])
    m.save_weights(os.fspath(tmp_path / "a.npz"))
    m.load_weights(tmp_path / "a.npz")

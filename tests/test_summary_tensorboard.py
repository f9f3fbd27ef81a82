"""gt.keras's TensorBoard callback: the directories, tags, steps and values that Keras 3.15's
callback writes for the same training (recorded from Keras with the TensorFlow backend)."""

import os

import numpy as np
import pytest

import gradtape as gt
from gradtape.keras.callbacks_tensorboard import TensorBoard

L = gt.keras.layers
X = (np.arange(60, dtype=np.float32).reshape(20, 3) % 7) / 7.0
Y = X.sum(1, keepdims=True)
HIST = ["sequential/dense/kernel/histogram", "sequential/dense/bias/histogram",
        "sequential/dense_1/kernel/histogram", "sequential/dense_1/bias/histogram"]


def _model():
    model = gt.keras.Sequential([L.Dense(4, kernel_initializer="ones", name="dense"),
                                 L.Dense(1, kernel_initializer="ones", name="dense_1")], name="sequential")
    model.compile(optimizer=gt.keras.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
    return model


def _fit(logdir, model=None, **kwargs):
    model = model or _model()
    cb = TensorBoard(logdir, **{"histogram_freq": 1, **kwargs})
    history = model.fit(X, Y, batch_size=8, epochs=2, validation_split=0.25, verbose=0, shuffle=False,
                        callbacks=[cb])
    return model, history, cb


def _logs(logdir, sub):
    """``[(step, tag, value)]`` of every event file in ``logdir/sub``, in the order written."""
    out = []
    for name in sorted(os.listdir(os.path.join(logdir, sub))):
        for e in gt.summary.read_events(os.path.join(logdir, sub, name)):
            out.extend((e.step, v.tag, v.tensor) for v in (e.summary.value if e.summary else []))
    return out


def _keys(logs):
    return [(s, t) for s, t, _ in logs if not t.endswith("/image")]


def test_update_freq_batch_writes_what_keras_writes(tmp_path):
    model, history, _ = _fit(tmp_path, update_freq="batch", write_images=True)
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    train = _logs(tmp_path, "train")
    want = []
    for e, batches in ((0, (1, 2)), (1, (3, 4))):
        want += [(b, t) for b in batches for t in ("batch_loss", "batch_mae")]
        want += [(e, "epoch_loss"), (e, "epoch_mae"), (e, "epoch_learning_rate")] + [(e, h) for h in HIST]
    assert _keys(train) == want
    val = _logs(tmp_path, "validation")
    assert _keys(val) == [(2, "evaluation_loss_vs_iterations"), (2, "evaluation_mae_vs_iterations"),
                          (0, "epoch_loss"), (0, "epoch_mae"), (4, "evaluation_loss_vs_iterations"),
                          (4, "evaluation_mae_vs_iterations"), (1, "epoch_loss"), (1, "epoch_mae")]
    values = {(s, t): v for s, t, v in train}
    for e in (0, 1):
        assert values[(e, "epoch_loss")] == np.float32(history.history["loss"][e])
        assert values[(e, "epoch_learning_rate")] == np.float32(0.01)
        assert {(s, t): v for s, t, v in val}[(e, "epoch_mae")] == np.float32(history.history["val_mae"][e])
    kernel = model.layers[0].kernel.numpy()
    h = values[(1, HIST[0])]
    assert h.shape == (30, 3) and h[:, 2].sum() == kernel.size and h[-1, 1] == kernel.max()
    # weight images as Keras makes them: a (3, 4) kernel is one 4 x 3 gray image, a bias a column
    images = {t: v for s, t, v in train if s == 0 and t.endswith("/image")}
    assert sorted(images) == ["sequential/dense/bias/image", "sequential/dense/kernel/image",
                              "sequential/dense_1/kernel/image"]
    assert images["sequential/dense/kernel/image"][:2].tolist() == [b"4", b"3"]
    assert images["sequential/dense/bias/image"][:2].tolist() == [b"1", b"4"]


def test_integer_update_freq_records_as_keras(tmp_path):
    _fit(tmp_path, update_freq=2)
    epoch = [(0, "epoch_loss"), (0, "epoch_mae"), (0, "epoch_learning_rate")]
    want = [(2, "batch_loss"), (2, "batch_mae")] + epoch + [(0, h) for h in HIST]
    want += [(4, "batch_loss"), (4, "batch_mae")] + [(1, t) for _, t in epoch] + [(1, h) for h in HIST]
    assert _keys(_logs(tmp_path, "train")) == want
    # validation batches are counted apart: the first (batch 1) is not a multiple of 2
    assert _keys(_logs(tmp_path, "validation")) == [
        (0, "epoch_loss"), (0, "epoch_mae"), (4, "evaluation_loss_vs_iterations"),
        (4, "evaluation_mae_vs_iterations"), (1, "epoch_loss"), (1, "epoch_mae")]


def test_epoch_updates_and_evaluate(tmp_path):
    model, _, cb = _fit(tmp_path)
    assert [t for _, t in _keys(_logs(tmp_path, "train"))][:3] == ["epoch_loss", "epoch_mae", "epoch_learning_rate"]
    model.evaluate(X, Y, verbose=0, callbacks=[cb])  # a new validation file
    assert len(os.listdir(tmp_path / "validation")) == 2
    last = _logs(tmp_path, "validation")[-2:]
    assert [(s, t) for s, t, _ in last] == [(4, "evaluation_loss_vs_iterations"), (4, "evaluation_mae_vs_iterations")]


def test_weight_paths_of_functional_and_subclassed_models(tmp_path):
    inp = gt.keras.Input((3,))
    functional = gt.keras.Model(inp, L.Dense(1, name="out")(L.Dense(4, name="hid")(inp)))

    class Sub(gt.keras.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.a = L.Dense(4, name="a")
            self.inner = gt.keras.Sequential([L.Dense(1, name="d")], name="inner")

        def call(self, x, training=False):
            return self.inner(self.a(x))

    for model, prefix in ((functional, ["hid", "out"]), (Sub(), ["sub/a", "sub/inner/d"])):
        model.compile(optimizer="sgd", loss="mse")
        logdir = tmp_path / prefix[0].replace("/", "_")
        _fit(logdir, model=model)
        tags = {t for s, t in _keys(_logs(logdir, "train")) if s == 1 and t.endswith("/histogram")}
        assert tags == {f"{p}/{w}/histogram" for p in prefix for w in ("kernel", "bias")}


def test_learning_rate_schedule_and_steps_per_second(tmp_path):
    model = _model()
    model.compile(optimizer=gt.keras.optimizers.SGD(gt.keras.optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)),
                  loss="mse")
    _fit(tmp_path, model=model, histogram_freq=0, write_steps_per_second=True, update_freq="batch")
    logs = {(s, t): v for s, t, v in _logs(tmp_path, "train")}
    assert logs[(0, "epoch_learning_rate")] == np.float32(0.1 * 0.5**2)  # after 2 of 4 updates
    assert logs[(1, "epoch_learning_rate")] == np.float32(0.1 * 0.5**4)
    assert logs[(0, "epoch_steps_per_second")] > 0 and (4, "batch_steps_per_second") in logs


def test_arguments_checked_as_keras():
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(update_freq="sometimes")
    for bad in (-1, "2,1", (3, 1), "x"):
        with pytest.raises(ValueError, match="profile_batch must be"):
            TensorBoard(profile_batch=bad)
    cb = TensorBoard("logs", profile_batch="2,4", write_graph=True, embeddings_freq=1)
    assert (cb._start_batch, cb._stop_batch, cb.update_freq) == (2, 4, "epoch")

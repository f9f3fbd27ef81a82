"""Cross-framework check of ``.keras`` files: gradtape -> Keras 3 and Keras 3 -> gradtape.

Run from the repository root with the Python that has TensorFlow, Keras 3 and h5py and can
import gradtape (``PYTHONPATH=. <peers venv>/bin/python tools/keras_saving_crosscheck.py``).
For each model builder below (a function of a ``keras``-like module: ``keras`` or
``gradtape.keras``) it

1. builds the model in gradtape, trains it a few steps, saves it (HDF5 weights), loads the
   file with ``keras.models.load_model`` and compares the predictions, the weights, the
   optimizer's iteration count, then one more training step in both frameworks (which must
   agree far better than a step taken with a fresh optimizer, proving the optimizer's state
   was carried over);
2. does the same the other way round (Keras saves, gradtape loads).

It prints one line per model and direction and exits with status 1 on any mismatch.
"""
# ruff: noqa: E402
import os
import sys
import tempfile
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import keras
import numpy as np

import gradtape as gt

RNG = np.random.default_rng(0)


def functional(k):
    x = k.Input((6, 4), name="x")
    h = k.layers.Dense(8, activation="relu")(x)
    h = k.layers.LayerNormalization()(h)
    a = k.layers.MultiHeadAttention(2, 3)(h, h)
    h = k.layers.Add()([h, a])
    r = k.layers.Bidirectional(k.layers.GRU(3, return_sequences=True))(h)
    r = k.layers.LSTM(4)(r)
    t = k.layers.TimeDistributed(k.layers.Dense(2))(h)
    t = k.layers.Flatten()(t)
    c = k.layers.Concatenate()([r, t])
    c = k.layers.BatchNormalization()(c)
    out = k.layers.Dense(1, name="out")(c)
    return k.Model(x, out), (RNG.standard_normal((8, 6, 4)).astype("float32"),)


def conv(k):
    return k.Sequential([k.Input((8, 8, 2)), k.layers.Conv2D(4, 3, activation="relu"),
                         k.layers.DepthwiseConv2D(3), k.layers.MaxPooling2D(), k.layers.Flatten(),
                         k.layers.Dense(1)]), (RNG.standard_normal((8, 8, 8, 2)).astype("float32"),)


def multi_io(k):
    a, b = k.Input((3,), name="a"), k.Input((3,), name="b")
    shared = k.layers.Dense(4, activation="tanh", name="shared")
    s = k.layers.Subtract()([shared(a), shared(b)])
    emb_in = k.Input((5,), dtype="int32", name="ids")
    e = k.layers.Dense(2)(emb_in)  # (an Embedding would get sparse gradients, which Keras's and
    # gradtape's Adam treat differently: untouched rows keep their moments in gradtape)
    out = k.layers.Dense(1)(k.layers.Concatenate()([s, e]))
    data = (RNG.standard_normal((8, 3)).astype("float32"), RNG.standard_normal((8, 3)).astype("float32"),
            RNG.integers(0, 10, (8, 5)).astype("int32"))
    return k.Model([a, b, emb_in], out), data


def check(builder, src, dst, optimizer, path) -> bool:
    model, x = builder(src)
    x = list(x) if len(x) > 1 else x[0]
    y = RNG.standard_normal((8, 1)).astype("float32")
    model.compile(optimizer=optimizer(src), loss="mse", metrics=["mae"])
    model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False)
    model.save(path)
    loaded = dst.models.load_model(path)
    p1, p2 = np.asarray(model.predict(x, verbose=0)), np.asarray(loaded.predict(x, verbose=0))
    w1, w2 = model.get_weights(), loaded.get_weights()
    same = {"predictions": bool(np.allclose(p1, p2, atol=1e-5)),
            "weights": len(w1) == len(w2) and all(np.array_equal(a, b) for a, b in zip(w1, w2)),
            "iterations": int(np.asarray(model.optimizer.iterations)) == int(np.asarray(loaded.optimizer.iterations))}
    ok = all(same.values())
    if not ok:
        print("  differs:", [k for k, v in same.items() if not v])
    # control: the same file loaded without its optimizer state (a fresh optimizer)
    fresh = dst.models.load_model(path, compile=False)
    fresh.compile(optimizer=optimizer(dst), loss="mse", metrics=["mae"])
    for m in (model, loaded, fresh):
        m.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)

    def gap(other):
        return max(float(np.max(np.abs(a - b))) for a, b in zip(model.get_weights(), other.get_weights()))
    after, control = gap(loaded), gap(fresh)
    ok &= after < 1e-3 and after < control / 10
    print(f"{builder.__name__:>10} {src.__name__:>14} -> {dst.__name__:<14} "
          f"{type(model.optimizer).__name__:<8} equal: {ok}; max weight difference after one more "
          f"step: {after:.1e} (with a fresh optimizer instead: {control:.1e})")
    return ok


def main() -> int:
    optimizers = [lambda k: k.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
                  lambda k: k.optimizers.SGD(0.01, momentum=0.9), lambda k: k.optimizers.Adam(0.01, amsgrad=True)]
    ok = True
    folder = tempfile.mkdtemp()
    for i, builder in enumerate((functional, conv, multi_io)):
        for j, (src, dst) in enumerate(((gt.keras, keras), (keras, gt.keras))):
            path = os.path.join(folder, f"{builder.__name__}_{j}.keras")
            ok &= check(builder, src, dst, optimizers[i], path)
    print("all equal" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Whole-model saving: ``model.save("x.keras")`` / ``gt.keras.models.load_model`` round trips
(Sequential, Functional, subclassed), optimizer state, the file's layout and the errors.
gradtape's own environment has no h5py, so these files hold ``model.weights.npz``; the HDF5
path (readable by Keras 3) is checked against real Keras by tools/keras_saving_crosscheck.py."""

import io
import json
import os
import zipfile

import numpy as np
import pytest

import gradtape as gt

K = gt.keras
RNG = np.random.default_rng(0)


def roundtrip(model, tmp_path, **load_kwargs):
    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    return K.models.load_model(path, **load_kwargs), path


def assert_same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


def assert_same_optimizer(a, b):
    assert type(a.optimizer) is type(b.optimizer)
    assert int(a.optimizer.iterations) == int(b.optimizer.iterations)
    assert a.optimizer.get_config() == b.optimizer.get_config()
    for x, y in zip(a.optimizer.get_state(a.trainable_variables)["slots"],
                    b.optimizer.get_state(b.trainable_variables)["slots"]):
        assert sorted(x) == sorted(y)
        for k in x:
            np.testing.assert_array_equal(x[k], y[k])


def continue_identically(a, b, x, y):
    ha = a.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False).history
    hb = b.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False).history
    assert ha == hb
    assert_same_weights(a, b)


def test_sequential_round_trip(tmp_path):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(8, activation="relu", kernel_regularizer="l2"),
                          K.layers.BatchNormalization(), K.layers.Dropout(0.2, seed=1), K.layers.Dense(1)],
                         name="seq")
    model.compile(optimizer=K.optimizers.Adam(0.01, amsgrad=True), loss="mse", metrics=["mae"])
    x = RNG.standard_normal((32, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    loaded, _ = roundtrip(model, tmp_path)
    assert type(loaded) is K.Sequential and loaded.name == "seq" and loaded.compiled
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert_same_weights(model, loaded)
    assert_same_optimizer(model, loaded)
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)
    model.layers[2]._rng = np.random.default_rng(5)  # the same dropout draws in both
    loaded.layers[2]._rng = np.random.default_rng(5)
    continue_identically(model, loaded, x, y)


def test_functional_multi_io_shared_layers(tmp_path):
    a, b = K.Input((3,), name="a"), K.Input((3,), name="b")
    ids = K.Input((5,), dtype="int32", name="ids")
    shared = K.layers.Dense(4, activation="tanh", name="shared")
    diff = K.layers.Subtract()([shared(a), shared(b)])
    emb = K.layers.GlobalAveragePooling1D()(K.layers.Embedding(10, 4, name="emb")(ids))
    joined = K.layers.Concatenate()([diff, emb])
    out1 = K.layers.Dense(1, name="out1")(joined)
    out2 = K.layers.Dense(2, activation="softmax", name="out2")(joined) * 2.0
    model = K.Model({"a": a, "b": b, "ids": ids}, [out1, out2])
    model.compile(optimizer=K.optimizers.SGD(0.05, momentum=0.9), loss=["mse", "mse"])
    x = {"a": RNG.standard_normal((16, 3)).astype("float32"), "b": RNG.standard_normal((16, 3)).astype("float32"),
         "ids": RNG.integers(0, 10, (16, 5)).astype("int32")}
    y = [RNG.standard_normal((16, 1)).astype("float32"), RNG.random((16, 2)).astype("float32")]
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    loaded, _ = roundtrip(model, tmp_path)
    assert [t.name for t in loaded.inputs] == ["a", "b", "ids"] and loaded.inputs[2].dtype == np.int32
    assert len(loaded.get_layer("shared").__dict__["_inbound_nodes"]) == 2  # still one shared layer
    for p, q in zip(model.predict(x, verbose=0), loaded.predict(x, verbose=0)):
        np.testing.assert_array_equal(p, q)
    assert_same_weights(model, loaded)
    assert_same_optimizer(model, loaded)
    continue_identically(model, loaded, x, y)


def test_functional_with_recurrent_attention_and_nested_model(tmp_path):
    inner = K.Sequential([K.Input((6, 8)), K.layers.LayerNormalization(), K.layers.Dense(8)], name="inner")
    x = K.Input((6, 4))
    h = K.layers.Dense(8)(x)
    h = inner(h)
    h = K.layers.Add()([h, K.layers.MultiHeadAttention(2, 3)(h, h)])
    r = K.layers.Bidirectional(K.layers.GRU(3, return_sequences=True))(h)
    r = K.layers.LSTM(4)(r)
    t = K.layers.Flatten()(K.layers.TimeDistributed(K.layers.Dense(2))(h))
    out = K.layers.Dense(1)(K.layers.Concatenate()([r, t]))
    model = K.Model(x, out)
    model.compile(optimizer=K.optimizers.RMSprop(0.01, momentum=0.5, centered=True), loss="mse")
    data = RNG.standard_normal((8, 6, 4)).astype("float32")
    target = RNG.standard_normal((8, 1)).astype("float32")
    model.fit(data, target, batch_size=4, epochs=1, verbose=0)
    loaded, path = roundtrip(model, tmp_path)
    np.testing.assert_allclose(model.predict(data, verbose=0), loaded.predict(data, verbose=0), rtol=1e-6)
    assert_same_weights(model, loaded)
    assert_same_optimizer(model, loaded)
    with zipfile.ZipFile(path) as zf, np.load(io.BytesIO(zf.read("model.weights.npz"))) as npz:
        keys = set(npz.files)
    # Keras's layout: layers by class name, recurrent weights in the cell, and so on
    for key in ("layers/dense/vars/0", "layers/sequential/layers/dense/vars/0",
                "layers/multi_head_attention/query_dense/vars/0",
                "layers/bidirectional/forward_layer/cell/vars/2", "layers/lstm/cell/vars/1",
                "layers/time_distributed/layer/vars/0", "optimizer/vars/0", "optimizer/vars/1"):
        assert key in keys, key


@K.saving.register_keras_serializable(package="Tests")
class TwoLayer(K.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = K.layers.Dense(units, activation="relu")
        self.out = K.layers.Dense(1)

    def call(self, x, training=False):
        return self.out(self.hidden(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_with_get_config(tmp_path):
    model = TwoLayer(units=5, name="two")
    model.compile(optimizer="adam", loss="mse")
    x = RNG.standard_normal((16, 3)).astype("float32")
    y = x[:, :1] * 2
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    config = model.get_config()
    assert config["units"] == 5 and config["name"] == "two"
    loaded, path = roundtrip(model, tmp_path)
    assert type(loaded) is TwoLayer and loaded.units == 5 and loaded.name == "two"
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert_same_optimizer(model, loaded)
    continue_identically(model, loaded, x, y)
    with zipfile.ZipFile(path) as zf:
        saved = json.loads(zf.read("config.json"))
        with np.load(io.BytesIO(zf.read("model.weights.npz"))) as npz:
            keys = set(npz.files)
    assert saved["registered_name"] == "Tests>TwoLayer" and saved["build_config"] == {"input_shape": [8, 3]}
    assert {"hidden/vars/0", "out/vars/1"} <= keys  # attributes by name, as Keras walks them


def test_subclassed_model_errors(tmp_path):
    class Holder(K.Model):
        def __init__(self, layer):
            super().__init__()
            self.layer = layer

        def call(self, x):
            return self.layer(x)

    model = Holder(K.layers.Dense(1))
    model(np.ones((1, 2), "float32"))
    with pytest.raises(NotImplementedError, match="must override `get_config"):
        model.save(os.path.join(tmp_path, "h.keras"))

    class Plain(K.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = K.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    plain = Plain()
    plain(np.ones((1, 2), "float32"))
    path = os.path.join(tmp_path, "p.keras")
    plain.save(path)
    with pytest.raises(TypeError, match="Could not locate class 'Plain'"):
        K.models.load_model(path)
    again = K.models.load_model(path, custom_objects={"Plain": Plain})
    assert_same_weights(plain, again)


def test_file_contents_and_compile_config(tmp_path):
    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse", metrics=["mae", K.metrics.AUC()])
    path = os.path.join(tmp_path, "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["config.json", "metadata.json", "model.weights.npz"]
        metadata = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
    assert metadata["keras_version"].startswith("3.") and "date_saved" in metadata
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    compile_config = config["compile_config"]
    assert compile_config["optimizer"]["class_name"] == "SGD" and compile_config["loss"] == "mse"
    assert compile_config["metrics"][0] == "mae" and compile_config["metrics"][1]["class_name"] == "AUC"
    plain = K.models.load_model(path, compile=False)
    assert not plain.compiled
    assert_same_weights(model, plain)


def test_h5_weights_need_h5py(tmp_path):
    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    path = os.path.join(tmp_path, "m.keras")
    try:
        import h5py  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="h5py"):
            K.saving.save_model(model, path, weights_format="h5")
    else:
        K.saving.save_model(model, path, weights_format="h5")
        assert_same_weights(model, K.models.load_model(path))


def test_unbuilt_and_unsupported_paths(tmp_path):
    model = K.Sequential([K.layers.Dense(2)])
    loaded, _ = roundtrip(model, tmp_path)  # no weights yet, as Keras allows
    assert loaded.weights == () and len(loaded.layers) == 1
    with pytest.raises(ValueError, match="legacy HDF5"):
        model.save(os.path.join(tmp_path, "m.h5"))
    with pytest.raises(ValueError, match="legacy HDF5"):
        K.models.load_model(os.path.join(tmp_path, "m.h5"))
    with pytest.raises(ValueError, match="`.keras` extension"):
        model.save(os.path.join(tmp_path, "m.zip"))
    open(os.path.join(tmp_path, "x.keras"), "w").close()
    with pytest.raises(ValueError, match="File format not supported"):
        K.models.load_model(os.path.join(tmp_path, "x.keras"))
    with pytest.raises(FileExistsError):
        model.save(os.path.join(tmp_path, "model.keras"), overwrite=False)


def test_to_json_and_model_from_json():
    inputs = K.Input((3,), name="x")
    model = K.Model(inputs, K.layers.Dense(2, name="d")(inputs), name="tiny")
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Functional"
    again = K.models.model_from_json(text)
    assert again.name == "tiny" and again.get_layer("d").units == 2
    assert again.get_config() == model.get_config()


def test_unzipped_saves_are_directories_as_keras(tmp_path):
    # Keras 3.15 writes assets/, config.json, metadata.json and the weights; a Keras-saved
    # directory loads in gradtape and the reverse (checked with h5py in the peers' environment)
    inputs = gt.keras.Input((3,), name="x")
    model = gt.keras.Model(inputs, gt.keras.layers.Dense(2, name="d")(inputs))
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"), epochs=1, verbose=0)
    path = tmp_path / "saved"
    model.save(str(path), zipped=False, weights_format="npz")
    assert sorted(p.name for p in path.iterdir()) == ["assets", "config.json", "metadata.json", "model.weights.npz"]
    again = gt.keras.models.load_model(str(path))
    np.testing.assert_array_equal(again.get_weights()[0], model.get_weights()[0])
    assert again.compiled and again.optimizer.iterations.numpy() == model.optimizer.iterations.numpy()
    with pytest.raises(ValueError, match="should not end in `.keras`"):
        model.save(str(tmp_path / "m.keras"), zipped=False)
    with pytest.raises(FileExistsError):
        model.save(str(path), zipped=False, overwrite=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no saved model"):
        gt.keras.models.load_model(str(tmp_path / "empty"))


def test_adapted_vocabularies_are_saved_as_keras_assets(tmp_path):
    # Keras 3.15 writes the same asset files and bytes; models saved by either load in the
    # other with their adapted vocabularies (checked with h5py in the peers' environment)
    tv = gt.keras.layers.TextVectorization(max_tokens=10)
    tv.adapt(["a b c", "a b", "a"])
    inputs = gt.keras.Input((1,), dtype="string")
    model = gt.keras.Model(inputs, tv(inputs))
    path = str(tmp_path / "text.keras")
    model.save(path, weights_format="npz")
    with zipfile.ZipFile(path) as zf:
        assets = {n: zf.read(n) for n in zf.namelist() if n.startswith("assets/")}
    assert assets == {"assets/layers/text_vectorization/vocabulary.txt": b"\n[UNK]\na\nb\nc",
                      "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt": b"\n[UNK]\na\nb\nc"}
    again = gt.keras.models.load_model(path)
    x = np.array([["a c b d"]])
    np.testing.assert_array_equal(again(x).numpy(), model(x).numpy())
    assert again.layers[-1].get_vocabulary() == ["", "[UNK]", "a", "b", "c"]
    folder = tmp_path / "text_dir"
    model.save(str(folder), zipped=False, weights_format="npz")
    assert (folder / "assets/layers/text_vectorization/vocabulary.txt").read_bytes() == b"\n[UNK]\na\nb\nc"
    np.testing.assert_array_equal(gt.keras.models.load_model(str(folder))(x).numpy(), model(x).numpy())
    lookup = gt.keras.layers.IntegerLookup()
    lookup.adapt([10, 20, 20, 30])
    ids = gt.keras.Input((1,), dtype="int64")
    int_model = gt.keras.Model(ids, lookup(ids))
    int_path = str(tmp_path / "ints.keras")
    int_model.save(int_path, weights_format="npz")
    restored = gt.keras.models.load_model(int_path)
    np.testing.assert_array_equal(restored(np.array([[20], [7], [10]])).numpy(), [[1], [0], [3]])


def test_a_vocabulary_in_the_config_writes_no_asset(tmp_path):
    inputs = gt.keras.Input((1,), dtype="string")
    model = gt.keras.Model(inputs, gt.keras.layers.StringLookup(vocabulary=["x", "y"])(inputs))
    path = str(tmp_path / "lookup.keras")
    model.save(path, weights_format="npz")
    with zipfile.ZipFile(path) as zf:
        assert not [n for n in zf.namelist() if n.startswith("assets/")]  # as Keras: it is in the config
    again = gt.keras.models.load_model(path)
    np.testing.assert_array_equal(again(np.array([["y"], ["z"]])).numpy(), [[2], [0]])


@pytest.mark.parametrize("kind", ["TextVectorization", "StringLookup", "IntegerLookup"])
def test_adapted_tf_idf_layers_round_trip(tmp_path, kind):
    # the vocabulary and IDF weights go in the config (and vars/idf_weights, which Keras 3.15
    # reads: a gradtape-saved tf_idf model loads in Keras with the same outputs, checked with h5py)
    layers = gt.keras.layers
    layer, data, x, dtype, width = {
        "TextVectorization": (layers.TextVectorization(output_mode="tf_idf"), ["a b", "a"], [["a b c"]], "string", 1),
        "StringLookup": (layers.StringLookup(output_mode="tf_idf"), ["a", "b", "a"], [["a", "b"]], "string", 2),
        "IntegerLookup": (layers.IntegerLookup(output_mode="tf_idf"), [3, 4, 3], [[3, 9]], "int64", 2)}[kind]
    layer.adapt(data)
    inputs = gt.keras.Input((width,), dtype=dtype)
    model = gt.keras.Model(inputs, gt.keras.layers.Dense(1)(layer(inputs)))
    path = str(tmp_path / "tfidf.keras")
    model.save(path, weights_format="npz")
    with zipfile.ZipFile(path) as zf:
        weights = np.load(io.BytesIO(zf.read("model.weights.npz")))
        key = next(k for k in weights.files if k.endswith("vars/idf_weights"))
        np.testing.assert_array_equal(weights[key], layer.idf_weights.numpy())
    again = gt.keras.models.load_model(path)
    np.testing.assert_array_equal(again(np.array(x)).numpy(), model(np.array(x)).numpy())


def test_a_keras_tf_idf_file_names_what_cannot_be_restored(tmp_path):
    config = {"class_name": "Functional", "config": {"name": "m", "layers": [
        {"class_name": "TextVectorization", "config": {"name": "tv", "output_mode": "tf_idf", "vocabulary": None}}]}}
    path = str(tmp_path / "keras_tfidf.keras")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("metadata.json", "{}")
        zf.writestr("assets/layers/text_vectorization/vocabulary.txt", "[UNK]\na")
    with pytest.raises(NotImplementedError, match=r"layer\(s\) \['tv'\] keep their vocabulary in the file's assets"):
        gt.keras.models.load_model(path)


def test_a_keras_tf_idf_directory_is_refused_too(tmp_path):
    folder = tmp_path / "keras_dir"
    (folder / "assets/layers/string_lookup").mkdir(parents=True)
    config = {"class_name": "Functional", "config": {"name": "m", "layers": [
        {"class_name": "StringLookup", "config": {"name": "sl", "output_mode": "tf_idf", "vocabulary": None}}]}}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "assets/layers/string_lookup/vocabulary.txt").write_text("[UNK]\na")
    with pytest.raises(NotImplementedError, match=r"\['sl'\] keep their vocabulary"):
        gt.keras.models.load_model(str(folder))

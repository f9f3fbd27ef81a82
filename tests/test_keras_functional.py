"""Keras's Functional API (gt.keras.Input, gt.keras.Model(inputs, outputs)) and the building of
gt.keras.Sequential, checked against numbers and summaries printed by Keras 3.15."""

import numpy as np
import pytest

import gradtape as gt

L = gt.keras.layers


class Concatenate(L.Layer):
    """A minimal concatenation layer (the test's own, so that only the Functional API is tested)."""

    def call(self, inputs):
        return gt.concat(list(inputs), axis=-1)


def two_heads():
    a, b = gt.keras.Input(shape=(4,), name="a"), gt.keras.Input(shape=(4,), name="b")
    shared = L.Dense(3, activation="tanh", name="shared")
    sa, sb = shared(a), shared(b)
    c = Concatenate(name="concat")([sa, sb])
    o1 = L.Dense(1, name="o1")(L.Dense(2, name="head")(c))
    o2 = L.Dense(2, activation="softmax", name="o2")(c)
    return gt.keras.Model({"a": a, "b": b}, {"o1": o1, "o2": o2}, name="two_heads")


XA = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)
XB = np.cos(np.arange(12, dtype="float32")).reshape(3, 4)


def test_brief_example_runs_and_is_differentiable():
    inputs = gt.keras.Input(shape=(784,), name="digits")
    hidden = L.Dense(64, activation="relu")
    x = hidden(inputs)
    dense = L.Dense(10)
    model = gt.keras.Model(inputs=inputs, outputs=dense(x))
    assert isinstance(model, gt.keras.Model) and type(model).__name__ == "Functional"
    assert inputs.shape == (None, 784) and x.shape == (None, 64) and x.dtype == gt.float32
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    assert model.inputs == [inputs] and model.count_params() == 50890
    batch = np.random.RandomState(0).rand(5, 784)  # float64: cast to the Input's float32
    assert model(batch).shape == (5, 10) and model(batch).dtype == gt.float32
    xb = gt.constant(batch, dtype=gt.float32)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(xb)
        loss = gt.reduce_sum(model(xb) ** 2)
        eager = gt.reduce_sum(dense(hidden(xb)) ** 2)
    for got, want in zip(tape.gradient(loss, [xb, *model.trainable_variables]),
                         tape.gradient(eager, [xb, *model.trainable_variables])):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    assert len(model.trainable_variables) == 4


def test_weights_from_keras_give_keras_outputs():
    model = two_heads()
    # Keras 3.15: the same architecture lists its layers and weights in this order.
    assert [layer.name for layer in model.layers] == ["a", "b", "shared", "concat", "head", "o1", "o2"]
    assert [w.shape for w in model.get_weights()] == [(4, 3), (3,), (6, 2), (2,), (2, 1), (1,),
                                                       (6, 2), (2,)]
    rng = np.random.RandomState(0)
    model.set_weights([rng.uniform(-1, 1, w.shape).astype("float32") for w in model.get_weights()])
    out = model({"a": XA, "b": XB})
    assert sorted(out) == ["o1", "o2"]
    # keras.Model(...).set_weights(same arrays); model({"a": XA, "b": XB}) with Keras 3.15:
    np.testing.assert_allclose(out["o1"].numpy(), [[0.9284015893936157], [0.7723798751831055],
                                                   [-0.3976016044616699]], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out["o2"].numpy(), [[0.3805128037929535, 0.6194872260093689],
                                                   [0.24517905712127686, 0.7548209428787231],
                                                   [0.08753707259893417, 0.9124630093574524]],
                               rtol=1e-5, atol=1e-6)


def test_dict_and_list_inputs_and_outputs():
    dict_model = two_heads()
    a, b = dict_model.input["a"], dict_model.input["b"]
    o1, o2 = dict_model.output["o1"], dict_model.output["o2"]
    list_model = gt.keras.Model([a, b], [o1, o2])
    assert list_model.inputs == [a, b] and list_model.outputs == [o1, o2]
    assert dict_model.output_names == ["o1", "o2"]
    want = dict_model({"a": XA, "b": XB})
    for got in (list_model([XA, XB]), list_model((gt.constant(XA), XB)),
                list_model({"b": XB, "a": XA}), dict_model([XA, XB])):
        got = [got["o1"], got["o2"]] if isinstance(got, dict) else got
        assert isinstance(got, list)
        np.testing.assert_array_equal(got[0].numpy(), want["o1"].numpy())
        np.testing.assert_array_equal(got[1].numpy(), want["o2"].numpy())
    single = gt.keras.Model([a, b], [o2])
    assert single([XA, XB]).shape == (3, 2)  # one output in a list: returned alone, as Keras 3
    solo = gt.keras.Model([a], a * 2.0)
    np.testing.assert_array_equal(solo(XA).numpy(), XA * 2)  # a lone input may come unlisted


def test_shared_layer_shares_weights_and_gradients():
    a, b = gt.keras.Input(shape=(3,)), gt.keras.Input(shape=(3,))
    shared = L.Dense(2, kernel_initializer="ones")
    model = gt.keras.Model([a, b], shared(a) - shared(b))
    assert len(model.trainable_variables) == 2 and model.count_params() == 8
    assert len([layer for layer in model.layers if layer is shared]) == 1
    x, y = gt.constant(np.arange(6.0).reshape(2, 3)), gt.constant(np.ones((2, 3)))
    shared.kernel.assign(np.arange(6.0).reshape(3, 2))
    with gt.GradientTape(persistent=True) as tape:
        out = gt.reduce_sum(model([x, y]) ** 2)
        eager = gt.reduce_sum((shared(x) - shared(y)) ** 2)
    np.testing.assert_allclose(float(out), float(eager))
    for got, want in zip(tape.gradient(out, model.trainable_variables),
                         tape.gradient(eager, model.trainable_variables)):
        np.testing.assert_allclose(got.numpy(), want.numpy())


def test_nested_models_share_their_variables():
    inner_in = gt.keras.Input(shape=(2,))
    inner = gt.keras.Model(inner_in, L.Dense(4, name="nested_dense")(inner_in))
    seq = gt.keras.Sequential([gt.keras.Input(shape=(4,)), L.Dense(2)])
    x = gt.keras.Input(shape=(4,))
    h = seq(x)
    outer = gt.keras.Model(x, [inner(h), inner(h * 2.0)])  # the inner model is used twice
    assert [layer for layer in outer.layers][1:] == [seq, inner]
    assert len(outer.trainable_variables) == 4 and outer.count_params() == 10 + 12
    data = np.random.RandomState(1).randn(3, 4).astype("float32")
    first, second = outer(data)
    mid = seq(data)
    np.testing.assert_allclose(first.numpy(), inner(mid).numpy(), rtol=1e-6)
    np.testing.assert_allclose(second.numpy(), inner(mid * 2.0).numpy(), rtol=1e-6)
    outer.trainable = False
    assert outer.trainable_variables == () and not inner.trainable


def test_operators_on_keras_tensors():
    x = gt.keras.Input(shape=(3,))
    w = np.arange(6, dtype="float32").reshape(3, 2)
    outs = [x + 1.0, 2.0 - x, x * x, x / 2.0, 1.0 / (x + 4.0), x @ w, -x, abs(x), x[:, 1:],
            x ** 2, np.ones(3, "float32") + x, (x > 0.0), x // 2.0, x % 2.0]
    assert [o.shape for o in outs][:9] == [(None, 3)] * 5 + [(None, 2), (None, 3), (None, 3),
                                                               (None, 2)]
    model = gt.keras.Model(x, outs)
    v = np.array([[-1.5, 0.5, 2.0], [3.0, -2.0, 0.25]], "float32")
    want = [v + 1, 2 - v, v * v, v / 2, 1 / (v + 4), v @ w, -v, abs(v), v[:, 1:], v ** 2, 1 + v,
            v > 0, v // 2, v % 2]
    for got, expected in zip(model(v), want):
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)
    assert all(type(layer).__name__ == "InputLayer" for layer in model.layers)  # ops are not layers
    lines = []
    model.summary(print_fn=lines.append, line_length=88)
    assert any("(GetItem)" in line and "(None, 2)" in line for line in lines)


def test_gt_functions_on_keras_tensors_say_to_use_a_layer():
    x = gt.keras.Input(shape=(3,))
    for fn in (lambda: gt.reduce_sum(x, axis=1), lambda: gt.exp(x), lambda: gt.concat([x, x], 1),
               lambda: gt.nn.relu(x), lambda: np.asarray(x), lambda: gt.ones((3,)) + x):
        with pytest.raises(TypeError, match="Lambda"):
            fn()
    with pytest.raises(TypeError, match="boolean"):
        bool(x)
    with pytest.raises(TypeError, match="Iterating"):
        list(x)


class Scale(L.Layer):
    """Multiplies by a weight; records the training flag it gets."""

    def build(self, input_shape):
        self.w = self.add_weight("w", (input_shape[-1],), initializer="ones")

    def call(self, x, training=None):
        self.seen = training
        return x * self.w * (2.0 if training else 1.0)


class Counting(L.Layer):
    """Counts its calls in training mode in a non-trainable weight."""

    def build(self, input_shape):
        self.count = self.add_weight("count", (), initializer="zeros", trainable=False)

    def call(self, x, training=None):
        if training:
            self.count.assign_add(1.0)
        return x


def test_training_reaches_layers_and_the_build_leaves_state_alone():
    x = gt.keras.Input(shape=(2,))
    scale, bn, counting = Scale(), L.BatchNormalization(), Counting()
    fixed = L.Dropout(0.999, seed=3)
    model = gt.keras.Model(x, [scale(bn(x)), fixed(counting(x, training=True), training=True)])
    assert all(float(v) == 0.0 for v in bn.moving_mean.numpy())  # not updated by the build
    assert float(counting.count) == 0.0  # the build runs layers with training=False
    data = np.array([[1.0, 2.0], [3.0, 5.0]], "float32")
    plain, dropped = model(data)
    assert scale.seen is None and float(gt.reduce_sum(dropped)) == 0.0  # training=True kept
    assert float(counting.count) == 1.0
    _, kept = model(data, training=False)
    np.testing.assert_array_equal(kept.numpy(), data)
    model(data, training=True)
    assert scale.seen is True and float(bn.moving_mean.numpy()[0]) != 0.0


def test_unknown_sizes_and_integer_inputs():
    seq = gt.keras.Input(shape=(None, 8))
    h = L.LSTM(5, return_sequences=True)(seq)
    last, state = L.GRU(4, return_state=True)(h)
    assert h.shape == (None, None, 5) and last.shape == (None, 4) and state.shape == (None, 4)
    model = gt.keras.Model(seq, last)
    assert model(np.ones((2, 7, 8))).shape == (2, 4) and model(np.ones((3, 2, 8))).shape == (3, 4)
    img = gt.keras.Input(shape=(None, None, 3))
    conv = L.Conv2D(4, 3, strides=2, padding="same")(img)
    assert conv.shape == (None, None, None, 4)
    ids = gt.keras.Input(shape=(6,), dtype="int32")
    emb = L.Embedding(10, 3)(ids)
    assert ids.dtype == gt.int32 and emb.shape == (None, 6, 3) and emb.dtype == gt.float32
    out = gt.keras.Model(ids, L.Flatten()(emb))(np.array([[1, 2, 3, 4, 5, 9]]))
    assert out.shape == (1, 18)
    fixed = gt.keras.Input(shape=(4,), batch_size=5)
    assert L.Dense(2)(fixed).shape == (5, 2)


def test_input_and_input_layer():
    x = gt.keras.Input(batch_shape=(None, 2, 3), name="x", dtype="float64")
    assert x.shape == (None, 2, 3) and x.dtype == gt.float64 and x.name == "x"
    assert repr(x) == "<KerasTensor shape=(None, 2, 3), dtype=float64, sparse=False, ragged=False, name=x>"
    layer = gt.keras.InputLayer(shape=(4,))
    assert layer.output.shape == (None, 4) and layer.batch_shape == (None, 4)
    assert gt.keras.Input(tensor=layer.output) is layer.output
    assert isinstance(x, gt.keras.KerasTensor)
    with pytest.raises(ValueError, match="both `shape` and `batch_shape`"):
        gt.keras.Input(shape=(2,), batch_shape=(None, 2))
    with pytest.raises(ValueError, match="must pass a `shape`"):
        gt.keras.InputLayer()
    with pytest.raises(NotImplementedError, match="sparse"):
        gt.keras.Input(shape=(2,), sparse=True)


def test_errors_as_keras():
    a, b = gt.keras.Input(shape=(3,), name="in_a"), gt.keras.Input(shape=(3,), name="in_b")
    with pytest.raises(ValueError, match=r"Graph disconnected.*in_b.*not one of the inputs"):
        gt.keras.Model(a, L.Dense(1)(a) + L.Dense(1)(b))
    with pytest.raises(ValueError, match="must be KerasTensors"):
        gt.keras.Model(a, gt.ones((1, 3)))
    model = gt.keras.Model([a, b], a * b)
    with pytest.raises(ValueError, match=r"expects 2 input\(s\), but it received 1 input tensors"):
        model([np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"expects 2 input\(s\), but it received 3"):
        model([np.ones((2, 3))] * 3)
    with pytest.raises(ValueError, match=r"missing: \['in_b'\]"):
        model({"in_a": np.ones((2, 3))})
    with pytest.raises(ValueError, match=r"Input 1 with name 'in_b'.*expected shape=\(None, 3\), "
                                         r"found shape=\(2, 5\)"):
        model([np.ones((2, 3)), np.ones((2, 5))])
    with pytest.raises(TypeError, match="one argument"):
        model(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only has 2 layers"):
        model.get_layer(index=5)
    assert model.get_layer("in_b") is b._keras_history.operation
    assert model.get_layer(index=-1).name == "in_b"


MNIST_88 = """\
Model: "mnist"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ digits (InputLayer)                  │ (None, 784)                 │               0 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ hidden (Dense)                       │ (None, 64)                  │          50,240 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ logits (Dense)                       │ (None, 10)                  │             650 │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 50,890 (198.79 KB)
 Trainable params: 50,890 (198.79 KB)
 Non-trainable params: 0 (0.00 B)"""

TWO_HEADS_60 = """\
Model: "two_heads"
┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)    ┃ Output Shape ┃ Param # ┃ Connected to  ┃
┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ a (InputLayer)  │ (None, 4)    │       0 │ -             │
├─────────────────┼──────────────┼─────────┼───────────────┤
│ b (InputLayer)  │ (None, 4)    │       0 │ -             │
├─────────────────┼──────────────┼─────────┼───────────────┤
│ shared (Dense)  │ (None, 3)    │      15 │ a[0][0],      │
│                 │              │         │ b[0][0]       │
├─────────────────┼──────────────┼─────────┼───────────────┤
│ concat          │ (None, 6)    │       0 │ shared[0][0], │
│ (Concatenate)   │              │         │ shared[1][0]  │
├─────────────────┼──────────────┼─────────┼───────────────┤
│ head (Dense)    │ (None, 2)    │      14 │ concat[0][0]  │
├─────────────────┼──────────────┼─────────┼───────────────┤
│ o1 (Dense)      │ (None, 1)    │       3 │ head[0][0]    │
├─────────────────┼──────────────┼─────────┼───────────────┤
│ o2 (Dense)      │ (None, 2)    │      14 │ concat[0][0]  │
└─────────────────┴──────────────┴─────────┴───────────────┘
 Total params: 46 (184.00 B)
 Trainable params: 46 (184.00 B)
 Non-trainable params: 0 (0.00 B)"""

NESTED_88_ROWS = ["│ x (InputLayer)                       │ (None, 4)                   │               0 │",
                  "│ seq (Sequential)                     │ (None, 2)                   │              23 │",
                  "│ inner (Functional)                   │ (None, 4)                   │              12 │"]

SEQ_70 = """\
Model: "{name}"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┓
┃ Layer (type)                 ┃ Output Shape          ┃     Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━┩
│ {l1:<28} │ {s1:<21} │ {p1:>11} │
├──────────────────────────────┼───────────────────────┼─────────────┤
│ {l2:<28} │ {s2:<21} │ {p2:>11} │
└──────────────────────────────┴───────────────────────┴─────────────┘
 Total params: {total} ({size})
 Trainable params: {total} ({size})
 Non-trainable params: 0 (0.00 B)"""


def summary_text(model, line_length):
    lines = []
    model.summary(print_fn=lines.append, line_length=line_length)
    return "\n".join(lines)


def test_summaries_match_keras():
    inputs = gt.keras.Input(shape=(784,), name="digits")
    hidden = L.Dense(64, activation="relu", name="hidden")(inputs)
    mnist = gt.keras.Model(inputs, L.Dense(10, name="logits")(hidden), name="mnist")
    assert summary_text(mnist, 88) == MNIST_88
    assert summary_text(two_heads(), 60) == TWO_HEADS_60
    seq = gt.keras.Sequential([gt.keras.Input(shape=(4,)), L.Dense(3, name="s1"),
                               L.Dense(2, name="s2")], name="seq")
    assert summary_text(seq, 70) == SEQ_70.format(
        name="seq", l1="s1 (Dense)", s1="(None, 3)", p1="15", l2="s2 (Dense)", s2="(None, 2)",
        p2="8", total=23, size="92.00 B")
    unbuilt = gt.keras.Sequential([L.Dense(3, name="u1"), L.Dense(2, name="u2")], name="unbuilt")
    assert summary_text(unbuilt, 70) == SEQ_70.format(
        name="unbuilt", l1="u1 (Dense)", s1="?", p1="0 (unbuilt)", l2="u2 (Dense)", s2="?",
        p2="0 (unbuilt)", total=0, size="0.00 B")
    # Keras builds weightless layers such as Dropout at creation: "0", not "0 (unbuilt)"
    lazy = gt.keras.Sequential([L.Dropout(0.5, name="d1"), L.Dense(2, name="u2")], name="lazy")
    assert summary_text(lazy, 70) == SEQ_70.format(
        name="lazy", l1="d1 (Dropout)", s1="?", p1="0", l2="u2 (Dense)", s2="?",
        p2="0 (unbuilt)", total=0, size="0.00 B")
    # a model first in a Sequential gives it its input, as in Keras
    first = gt.keras.Sequential([L.Dense(3, input_shape=(4,), name="f1")], name="first")
    stacked = gt.keras.Sequential([first, L.Dense(2, name="s2")], name="stacked")
    assert summary_text(stacked, 70) == SEQ_70.format(
        name="stacked", l1="first (Sequential)", s1="(None, 3)", p1="15", l2="s2 (Dense)",
        s2="(None, 2)", p2="8", total=23, size="92.00 B")
    ii = gt.keras.Input(shape=(2,), name="ii")
    inner = gt.keras.Model(ii, L.Dense(4, name="inner_dense")(ii), name="inner")
    x = gt.keras.Input(shape=(4,), name="x")
    h = seq(x)
    rows = summary_text(gt.keras.Model(x, [inner(h), h], name="outer"), 88).splitlines()
    assert [row for row in rows if row.startswith("│ ")] == NESTED_88_ROWS


def test_sequential_is_built_from_its_input():
    model = gt.keras.Sequential([L.Dense(3, input_shape=(4,)), L.Dense(2)])
    assert model.count_params() == 23 and model.outputs[0].shape == (None, 2)
    assert model.input_shape == (None, 4) and model.output_shape == (None, 2)
    assert L.Dense(1, input_dim=7)._batch_input_shape == (None, 7)
    model.add(L.Dense(5))
    assert model.output_shape == (None, 5) and model.pop().units == 5
    assert model.output_shape == (None, 2)
    data = np.ones((3, 4), "float32")
    functional = gt.keras.Model(model.inputs, model.outputs)
    np.testing.assert_array_equal(functional(data).numpy(), model(data).numpy())
    lazy = gt.keras.Sequential([L.Dense(2)])
    with pytest.raises(AttributeError, match="no defined inputs yet"):
        _ = lazy.inputs
    lazy(np.ones((2, 3), "float32"))
    assert "(None, 2)" in summary_text(lazy, 88)
    lazy.build((None, 3))
    assert lazy.outputs[0].shape == (None, 2)
    with pytest.raises(ValueError, match="must be the first layer"):
        model.add(gt.keras.Input(shape=(4,)))


def test_functional_model_trains_with_fit():
    x = gt.keras.Input(shape=(3,))
    model = gt.keras.Model(x, L.Dense(1)(L.Dense(8, activation="relu")(x)))
    model.compile(optimizer="adam", loss="mse")
    data = np.random.RandomState(0).randn(64, 3).astype("float32")
    history = model.fit(data, data.sum(1, keepdims=True), epochs=4, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_subclass_calling_super_init_with_inputs_and_outputs_is_functional():
    class Head(gt.keras.Model):
        def __init__(self, units):
            inputs = gt.keras.Input((4,))
            outputs = gt.keras.layers.Dense(units, name="out")(inputs)
            super().__init__(inputs, outputs, name="head")
            self.units = units

    m = Head(3)
    assert isinstance(m, gt.keras.Model) and m.name == "head" and m.units == 3
    assert [layer.name for layer in m.layers][-1] == "out"
    x = np.ones((2, 4), np.float32)
    dense = m.get_layer("out")
    np.testing.assert_allclose(m(x).numpy(), x @ dense.kernel.numpy() + dense.bias.numpy(), rtol=1e-6)
    m.compile(optimizer="sgd", loss="mse")
    assert len(m.fit(x, np.zeros((2, 3)), epochs=2, verbose=0).history["loss"]) == 2


def test_string_input_feeds_text_vectorization_in_a_functional_model():
    K = gt.keras
    assert gt.as_dtype("string") == gt.string if hasattr(gt, "as_dtype") else True
    texts = np.array(["the cat sat", "the dog ran fast", "a cat ran", "dogs sat down"], dtype=object)
    y = np.array([0, 1, 0, 1])
    vec = K.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vec.adapt(texts)
    inp = K.Input(shape=(1,), dtype="string")
    assert inp.dtype == np.dtype(object)
    x = K.layers.GlobalAveragePooling1D()(K.layers.Embedding(20, 4)(vec(inp)))
    model = K.Model(inp, K.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=K.optimizers.Adam(0.1), loss="binary_crossentropy")
    history = model.fit(texts[:, None], y, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.predict(texts[:, None], verbose=0).shape == (4, 1)

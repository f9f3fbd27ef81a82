"""gt.layers: shapes and values against NumPy references, training flags, gradients (1st and 2nd order)."""

import numpy as np
import pytest

import gradtape as gt

L = gt.layers
RNG = np.random.default_rng(1234)


def rand(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def sig(x):
    return 1 / (1 + np.exp(-x))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def with_weights(layer, names):
    """A function ``f(x, *weights)`` that runs ``layer`` with the given tensors as its weights."""
    originals = {n: getattr(layer, n) for n in names}

    def f(x, *ws):
        for n, w in zip(names, ws):
            setattr(layer, n, w)
        try:
            out = layer(x)
        finally:
            for n in names:
                setattr(layer, n, originals[n])
        return out

    return f, [x for x in (getattr(layer, n).numpy() for n in names)]


# -- NumPy references -----------------------------------------------------------------------------
def conv2d_ref(x, w, strides=(1, 1), padding="valid", dilation=(1, 1)):
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    ekh, ekw = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    if padding == "same":
        oh, ow = -(-h // strides[0]), -(-wd // strides[1])
        ph = max((oh - 1) * strides[0] + ekh - h, 0)
        pw = max((ow - 1) * strides[1] + ekw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - ekh) // strides[0] + 1, (wd - ekw) // strides[1] + 1
    out = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    xi = x[:, i * strides[0] + a * dilation[0], j * strides[1] + b * dilation[1], :]
                    out[:, i, j, :] += xi @ w[a, b]
    return out


def lstm_ref(x, k, r, b, u, h=None, c=None):
    bsz, t, _ = x.shape
    h = np.zeros((bsz, u)) if h is None else h
    c = np.zeros((bsz, u)) if c is None else c
    hs = []
    for s in range(t):
        z = x[:, s] @ k + h @ r + b
        i, f, g, o = sig(z[:, :u]), sig(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sig(z[:, 3 * u:])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
    return np.stack(hs, 1), h, c


def gru_ref(x, k, r, b, u, reset_after=True):
    bsz, t, _ = x.shape
    h = np.zeros((bsz, u))
    hs = []
    for s in range(t):
        if reset_after:
            xz = x[:, s] @ k + b[0]
            inner = h @ r + b[1]
            z = sig(xz[:, :u] + inner[:, :u])
            rr = sig(xz[:, u:2 * u] + inner[:, u:2 * u])
            hh = np.tanh(xz[:, 2 * u:] + rr * inner[:, 2 * u:])
        else:
            xz = x[:, s] @ k + b
            z = sig(xz[:, :u] + h @ r[:, :u])
            rr = sig(xz[:, u:2 * u] + h @ r[:, u:2 * u])
            hh = np.tanh(xz[:, 2 * u:] + (rr * h) @ r[:, 2 * u:])
        h = z * h + (1 - z) * hh
        hs.append(h)
    return np.stack(hs, 1), h


def mha_ref(layer, q, v, k=None, mask=None):
    k = v if k is None else k
    W = {n: getattr(layer, n).numpy() for n in ("query_kernel", "key_kernel", "value_kernel", "output_kernel",
                                                 "query_bias", "key_bias", "value_bias", "output_bias")}
    qh = np.einsum("btd,dhk->bhtk", q, W["query_kernel"]) + W["query_bias"][None, :, None, :]
    kh = np.einsum("btd,dhk->bhtk", k, W["key_kernel"]) + W["key_bias"][None, :, None, :]
    vh = np.einsum("btd,dhk->bhtk", v, W["value_kernel"]) + W["value_bias"][None, :, None, :]
    s = qh @ np.swapaxes(kh, -1, -2) / np.sqrt(layer.key_dim)
    if mask is not None:
        s = s + np.where(mask[:, None], 0.0, -1e9)
    p = softmax(s)
    o = np.einsum("bhtv,hvo->bto", p @ vh, W["output_kernel"]) + W["output_bias"]
    return o, p


# -- Dense, Activation, Flatten, Reshape, Sequential ------------------------------------------------
def test_dense_matches_numpy_and_is_built_lazily():
    d = L.Dense(4, activation="tanh")
    assert not d.built and d.variables == ()
    x = rand(3, 5)
    y = d(x)
    assert d.built and y.dtype == np.float64 and d.kernel.dtype == np.float64
    np.testing.assert_allclose(y.numpy(), np.tanh(x @ d.kernel.numpy() + d.bias.numpy()), rtol=1e-12)
    assert [v.name for v in d.trainable_variables] == [f"{d.name}/kernel:0", f"{d.name}/bias:0"]


def test_dense_on_rank3_inputs_and_no_bias():
    d = L.Dense(2, use_bias=False, dtype="float32")
    x = rand(2, 3, 4, dtype=np.float32)
    y = d(x)
    assert y.shape == (2, 3, 2) and y.dtype == np.float32 and len(d.variables) == 1
    np.testing.assert_allclose(y.numpy(), x @ d.kernel.numpy(), rtol=1e-5)
    with pytest.raises(ValueError, match="last dimension"):
        d(rand(2, 5, dtype=np.float32))


def test_layer_autocasts_floating_inputs_to_its_dtype():
    d = L.Dense(2, dtype="float32")
    assert d(rand(1, 3)).dtype == np.float32  # float64 input, float32 layer
    assert d([[1.0, 2.0, 3.0]]).shape == (1, 2)


def test_dense_gradients_first_and_second_order():
    d = L.Dense(3, activation="tanh")
    d(rand(2, 4))
    f, ws = with_weights(d, ["kernel", "bias"])
    gt.test.check_gradients(f, [rand(2, 4)] + ws, order=2)


def test_automatic_names_are_unique():
    a, b = L.Dense(1), L.Dense(1)
    assert a.name != b.name and a.name.startswith("dense") and b.name.startswith("dense")
    assert L.Conv2D(1, 1).name.startswith("conv2d")


def test_activation_flatten_reshape():
    x = rand(2, 3, 4)
    np.testing.assert_allclose(L.Activation("relu")(x).numpy(), np.maximum(x, 0))
    assert L.Flatten()(x).shape == (2, 12)
    np.testing.assert_allclose(L.Reshape((4, 3))(x).numpy(), x.reshape(2, 4, 3))
    with pytest.raises(ValueError, match="Unknown activation"):
        L.Activation("nope")


@pytest.mark.parametrize("name,ref", [
    ("relu", lambda x: np.maximum(x, 0)),
    ("sigmoid", sig),
    ("tanh", np.tanh),
    ("softmax", softmax),
    ("linear", lambda x: x),
    ("elu", lambda x: np.where(x > 0, x, np.expm1(x))),
    ("selu", lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))),
    ("softplus", lambda x: np.log1p(np.exp(x))),
    ("softsign", lambda x: x / (1 + np.abs(x))),
    ("swish", lambda x: x * sig(x)),
    ("relu6", lambda x: np.clip(x, 0, 6)),
    ("leaky_relu", lambda x: np.where(x > 0, x, 0.2 * x)),
    ("exponential", np.exp),
    ("hard_sigmoid", lambda x: np.clip(x + 3.0, 0, 6) / 6),  # Keras 3
    ("gelu", lambda x: x * 0.5 * (1 + np.vectorize(__import__("math").erf)(x / np.sqrt(2)))),
])
def test_activations_match_numpy(name, ref):
    x = rand(3, 4) * 3
    np.testing.assert_allclose(L.activations.get(name)(gt.constant(x)).numpy(), ref(x), rtol=1e-6, atol=1e-7)


def test_sequential_passes_training_and_collects_variables():
    model = L.Sequential([L.Dense(8, activation="relu"), L.Dropout(0.5, seed=0), L.Dense(2)])
    x = rand(16, 4)
    a, b = model(x), model(x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # inference: deterministic
    c = model(x, training=True)
    assert not np.allclose(a.numpy(), c.numpy())
    assert [v.shape for v in model.trainable_variables] == [(4, 8), (8,), (8, 2), (2,)]
    assert len(model.submodules) == 3
    model.add(L.Dense(1))
    assert model(x).shape == (16, 1)
    assert model.pop().units == 1


def test_sequential_summary_and_weights_roundtrip():
    model = L.Sequential([L.Dense(3), L.Dense(1)], name="m")
    model(rand(2, 2))
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[-1] == "Total parameters: 13"
    w = model.get_weights()
    model.set_weights([np.zeros_like(a) for a in w])
    assert all((v.numpy() == 0).all() for v in model.variables)
    with pytest.raises(ValueError, match="shape"):
        model.set_weights([np.zeros((9, 9))] + w[1:])
    with pytest.raises(ValueError):
        model.set_weights(w[:1])


def test_freezing_a_layer_stops_tapes_watching_it():
    model = L.Sequential([L.Dense(2), L.BatchNormalization(), L.Dense(1)])
    model(rand(4, 3))
    assert len(model.trainable_variables) == 6
    model.layers[0].trainable = False
    assert len(model.trainable_variables) == 4
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(model(rand(4, 3)))
    assert tape.gradient(y, model.layers[0].kernel) is None
    model.trainable = False
    assert model.trainable_variables == ()
    model.trainable = True
    assert len(model.trainable_variables) == 6  # moving statistics stay non-trainable
    assert len(model.non_trainable_variables) == 2


# -- convolution and pooling ------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [
    dict(kernel_size=3, padding="valid"),
    dict(kernel_size=3, padding="same"),
    dict(kernel_size=(2, 3), strides=2, padding="same"),
    dict(kernel_size=2, dilation_rate=2, padding="valid"),
])
def test_conv2d_matches_numpy(kw):
    conv = L.Conv2D(3, **kw)
    x = rand(2, 7, 6, 2)
    y = conv(x)
    ref = conv2d_ref(x, conv.kernel.numpy(), strides=conv.strides, padding=conv.padding,
                     dilation=conv.dilation_rate) + conv.bias.numpy()
    assert y.shape == ref.shape
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-10, atol=1e-12)


def test_conv2d_gradients_first_and_second_order():
    conv = L.Conv2D(2, 2, padding="same", activation="tanh")
    conv(rand(1, 4, 4, 2))
    f, ws = with_weights(conv, ["kernel", "bias"])
    gt.test.check_gradients(f, [rand(1, 4, 4, 2)] + ws, order=2)


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
def test_conv1d_matches_numpy(padding):
    conv = L.Conv1D(3, 3, padding=padding, dilation_rate=2 if padding == "causal" else 1)
    x = rand(2, 9, 2)
    y = conv(x)
    k = conv.kernel.numpy()
    if padding == "causal":
        xp = np.pad(x, ((0, 0), (4, 0), (0, 0)))
        ref = conv2d_ref(xp[:, None], k[None], dilation=(1, 2))[:, 0]
    else:
        ref = conv2d_ref(x[:, None], k[None], padding=padding)[:, 0]
    np.testing.assert_allclose(y.numpy(), ref + conv.bias.numpy(), rtol=1e-10, atol=1e-12)
    if padding == "causal":  # output t must not depend on inputs after t
        x2 = x.copy()
        x2[:, 5:] += 1.0
        np.testing.assert_allclose(conv(x2).numpy()[:, :5], y.numpy()[:, :5])


def test_pooling_layers_match_numpy():
    x = rand(2, 6, 4, 3)
    blocks = x.reshape(2, 3, 2, 2, 2, 3)
    np.testing.assert_allclose(L.MaxPool2D()(x).numpy(), blocks.max(axis=(2, 4)))
    np.testing.assert_allclose(L.AvgPool2D()(x).numpy(), blocks.mean(axis=(2, 4)), rtol=1e-12)
    assert L.MaxPool2D(pool_size=3, strides=1, padding="same")(x).shape == (2, 6, 4, 3)
    np.testing.assert_allclose(L.GlobalAveragePooling2D()(x).numpy(), x.mean(axis=(1, 2)), rtol=1e-12)
    assert L.GlobalAveragePooling2D(keepdims=True)(x).shape == (2, 1, 1, 3)
    np.testing.assert_allclose(L.GlobalMaxPooling2D()(x).numpy(), x.max(axis=(1, 2)))
    # AvgPool2D with "same" padding averages only real inputs, as Keras
    y = L.AvgPool2D(pool_size=2, strides=2, padding="same")(np.ones((1, 3, 3, 1)))
    np.testing.assert_allclose(y.numpy(), np.ones((1, 2, 2, 1)))


def test_small_cnn_gradients_flow_to_every_variable():
    model = L.Sequential([L.Conv2D(4, 3, padding="same", activation="relu"), L.MaxPool2D(),
                          L.Flatten(), L.Dense(3)])
    x = rand(2, 4, 4, 1, dtype=np.float32)
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(model(x) ** 2)
    grads = tape.gradient(y, model.trainable_variables)
    assert all(g is not None and g.shape == v.shape for g, v in zip(grads, model.trainable_variables))


# -- dropout and normalization ----------------------------------------------------------------------
def test_dropout_training_flag_rate_scale_and_seed():
    x = np.ones((200, 50))
    d = L.Dropout(0.3, seed=5)
    np.testing.assert_array_equal(d(x).numpy(), x)
    np.testing.assert_array_equal(d(x, training=False).numpy(), x)
    y = d(x, training=True).numpy()
    assert set(np.unique(y)) == {0.0, 1 / 0.7}
    assert abs((y == 0).mean() - 0.3) < 0.02
    y2 = d(x, training=True).numpy()
    assert not np.array_equal(y, y2)  # a new mask each call
    np.testing.assert_array_equal(L.Dropout(0.3, seed=5)(x, training=True).numpy(), y)  # reproducible
    shared = L.Dropout(0.5, noise_shape=(200, 1), seed=0)(x, training=True).numpy()
    assert all(len(np.unique(row)) == 1 for row in shared)
    with pytest.raises(ValueError):
        L.Dropout(1.0)


def test_dropout_gradient_is_the_mask():
    d = L.Dropout(0.5, seed=1)
    x = gt.constant(np.ones((4, 4)))
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = d(x, training=True)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), y.numpy())


def test_batchnorm_training_inference_and_moving_statistics():
    bn = L.BatchNormalization(momentum=0.9, epsilon=1e-3)
    x = rand(16, 3) * 2 + 5
    y = bn(x, training=True)
    m, v = x.mean(0), x.var(0)
    np.testing.assert_allclose(y.numpy(), (x - m) / np.sqrt(v + 1e-3), rtol=1e-10)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * m, rtol=1e-12)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 + 0.1 * v, rtol=1e-12)
    # inference uses the moving statistics and does not update them
    mm = bn.moving_mean.numpy().copy()
    yi = bn(x)
    np.testing.assert_allclose(yi.numpy(), (x - mm) / np.sqrt(bn.moving_variance.numpy() + 1e-3), rtol=1e-10)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), mm)
    assert [v.name.split("/")[-1] for v in bn.trainable_variables] == ["gamma:0", "beta:0"]
    assert len(bn.non_trainable_variables) == 2
    # a frozen layer runs in inference mode even with training=True
    bn.trainable = False
    bn(x, training=True)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), mm)


def test_batchnorm_update_is_not_recorded_and_gradients_match_numpy():
    bn = L.BatchNormalization(axis=1)  # channels-first style axis
    x = rand(5, 2, 3)
    bn(x)
    with gt.GradientTape(persistent=True) as tape:
        y = gt.reduce_sum(bn(x, training=True) ** 2)
    assert tape.gradient(y, bn.moving_mean) is None
    assert tape.gradient(y, bn.gamma) is not None
    params = (bn.gamma, bn.beta)

    def f(x, gamma, beta):  # training mode, with the moving statistics put back after each call
        saved = bn.moving_mean.numpy(), bn.moving_variance.numpy()
        bn.gamma, bn.beta = gamma, beta
        try:
            return bn(x, training=True)
        finally:
            bn.gamma, bn.beta = params
            bn.moving_mean.assign(saved[0])
            bn.moving_variance.assign(saved[1])

    gt.test.check_gradients(f, [x, bn.gamma.numpy(), bn.beta.numpy()], order=2)


def test_layernorm_matches_numpy():
    ln = L.LayerNormalization()
    x = rand(3, 4, 5)
    y = ln(x)
    ref = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-10)
    ln2 = L.LayerNormalization(axis=(1, 2), epsilon=0.0)
    y2 = ln2(x)
    ref2 = (x - x.mean((1, 2), keepdims=True)) / x.std((1, 2), keepdims=True)
    np.testing.assert_allclose(y2.numpy(), ref2, rtol=1e-10)
    assert ln2.gamma.shape == (4, 5)
    f, ws = with_weights(ln, ["gamma", "beta"])
    gt.test.check_gradients(f, [x] + ws, order=2)


# -- embedding --------------------------------------------------------------------------------------
def test_embedding_lookup_and_sparse_gradient():
    emb = L.Embedding(10, 4)
    ids = np.array([[1, 2, 1], [9, 0, 1]])
    y = emb(ids)
    np.testing.assert_array_equal(y.numpy(), emb.embeddings.numpy()[ids])
    assert y.dtype == np.float32
    with gt.GradientTape() as tape:
        loss = gt.reduce_sum(emb(ids))
    g = tape.gradient(loss, emb.embeddings)
    assert isinstance(g, gt.IndexedSlices)
    dense = np.zeros((10, 4))
    np.add.at(dense, ids.ravel(), 1.0)
    np.testing.assert_allclose(np.asarray(g), dense)
    with pytest.raises(IndexError):
        emb(np.array([10]))
    with pytest.raises(TypeError):
        emb(np.array([0.5]))


# -- recurrent --------------------------------------------------------------------------------------
def test_simple_rnn_matches_numpy_with_sequences_and_state():
    rnn = L.SimpleRNN(3, return_sequences=True, return_state=True)
    x = rand(2, 4, 5)
    seq, h = rnn(x)
    k, r, b = rnn.kernel.numpy(), rnn.recurrent_kernel.numpy(), rnn.bias.numpy()
    hh, hs = np.zeros((2, 3)), []
    for t in range(4):
        hh = np.tanh(x[:, t] @ k + hh @ r + b)
        hs.append(hh)
    np.testing.assert_allclose(seq.numpy(), np.stack(hs, 1), rtol=1e-10)
    np.testing.assert_allclose(h.numpy(), hh, rtol=1e-10)
    q = rnn.recurrent_kernel.numpy()
    np.testing.assert_allclose(q.T @ q, np.eye(3), atol=1e-12)  # orthogonal initializer


def test_lstm_matches_numpy_keras_equations():
    lstm = L.LSTM(3, return_sequences=True, return_state=True)
    x = rand(2, 5, 4)
    seq, h, c = lstm(x)
    assert seq.shape == (2, 5, 3) and h.shape == (2, 3) and c.shape == (2, 3)
    ref_seq, ref_h, ref_c = lstm_ref(x, lstm.kernel.numpy(), lstm.recurrent_kernel.numpy(),
                                     lstm.bias.numpy(), 3)
    np.testing.assert_allclose(seq.numpy(), ref_seq, rtol=1e-10)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-10)
    np.testing.assert_allclose(c.numpy(), ref_c, rtol=1e-10)
    np.testing.assert_array_equal(lstm.bias.numpy(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])  # unit_forget_bias
    # initial state and the last-output-only default
    h0, c0 = rand(2, 3), rand(2, 3)
    out = L.LSTM(3)
    y = out(x, initial_state=[h0, c0])
    ref = lstm_ref(x, out.kernel.numpy(), out.recurrent_kernel.numpy(), out.bias.numpy(), 3, h0, c0)[1]
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-10)
    with pytest.raises(ValueError, match="initial_state"):
        out(x, initial_state=[h0])


def test_lstm_go_backwards():
    lstm = L.LSTM(2, go_backwards=True)
    x = rand(1, 4, 3)
    y = lstm(x)
    ref = lstm_ref(x[:, ::-1], lstm.kernel.numpy(), lstm.recurrent_kernel.numpy(), lstm.bias.numpy(), 2)[1]
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-10)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_numpy_keras_equations(reset_after):
    gru = L.GRU(3, return_sequences=True, return_state=True, reset_after=reset_after,
                bias_initializer="random_normal")
    x = rand(2, 4, 5)
    seq, h = gru(x)
    ref_seq, ref_h = gru_ref(x, gru.kernel.numpy(), gru.recurrent_kernel.numpy(), gru.bias.numpy(), 3,
                             reset_after)
    assert gru.bias.shape == ((2, 9) if reset_after else (9,))
    np.testing.assert_allclose(seq.numpy(), ref_seq, rtol=1e-10)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-10)


def test_lstm_gradients_first_and_second_order():
    lstm = L.LSTM(2, return_sequences=True)
    lstm(rand(2, 3, 2))
    f, ws = with_weights(lstm, ["kernel", "recurrent_kernel", "bias"])
    gt.test.check_gradients(f, [rand(2, 3, 2)] + ws, order=2)


@pytest.mark.parametrize("cls", [L.GRU, L.SimpleRNN])
def test_gru_and_simple_rnn_gradients(cls):
    layer = cls(2, return_sequences=True, bias_initializer="random_normal")
    layer(rand(2, 3, 2))
    f, ws = with_weights(layer, ["kernel", "recurrent_kernel", "bias"])
    gt.test.check_gradients(f, [rand(2, 3, 2)] + ws, order=2 if cls is L.GRU else 1)


def test_rnn_rejects_wrong_rank():
    with pytest.raises(ValueError, match="batch, time"):
        L.LSTM(2)(rand(2, 3))


# -- attention --------------------------------------------------------------------------------------
def test_multi_head_attention_matches_numpy():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, bias_initializer="random_normal")
    q, v, k = rand(2, 5, 6), rand(2, 7, 4), rand(2, 7, 3)
    out, scores = mha(q, v, key=k, return_attention_scores=True)
    ref, ref_p = mha_ref(mha, q, v, k)
    assert out.shape == (2, 5, 6) and scores.shape == (2, 2, 5, 7)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(scores.numpy(), ref_p, rtol=1e-9, atol=1e-12)
    assert mha.query_kernel.shape == (6, 2, 3) and mha.output_kernel.shape == (2, 4, 6)


def test_multi_head_attention_masks():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=2)
    x = rand(2, 4, 3)
    mask = RNG.random((2, 4, 4)) > 0.3
    mask[..., 0] = True
    out, p = mha(x, x, attention_mask=mask, return_attention_scores=True)
    ref, ref_p = mha_ref(mha, x, x, mask=mask)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-9, atol=1e-12)
    assert np.all(p.numpy()[np.broadcast_to(~mask[:, None], p.shape)] < 1e-12)
    _, pc = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(np.ones((4, 4)), 1)[None, None] * pc.numpy() < 1e-12)
    np.testing.assert_allclose(pc.numpy().sum(-1), 1.0)


def test_multi_head_attention_gradients_first_and_second_order():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=2, bias_initializer="random_normal")
    q, v = rand(1, 3, 2), rand(1, 2, 2)
    mha(q, v)

    def f(q, v, wq, wo):
        saved = mha.query_kernel, mha.output_kernel
        mha.query_kernel, mha.output_kernel = wq, wo
        try:
            return mha(q, v)
        finally:
            mha.query_kernel, mha.output_kernel = saved

    gt.test.check_gradients(f, [q, v, mha.query_kernel.numpy(), mha.output_kernel.numpy()], order=2)


def test_multi_head_attention_dropout_only_in_training():
    mha = L.MultiHeadAttention(num_heads=1, key_dim=2, dropout=0.5, seed=0)
    x = rand(1, 6, 2)
    a, b = mha(x, x), mha(x, x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.allclose(mha(x, x, training=True).numpy(), a.numpy())


# -- initializers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
                                  "orthogonal", "random_normal", "zeros", "ones"])
def test_initializers_are_reproducible_from_a_seed(name):
    cls = getattr(gt.initializers, name)
    kw = {} if name in ("zeros", "ones") else {"seed": 7}
    a, b = cls(**kw)((30, 20)), cls(**kw)((30, 20))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == np.float32 and a.shape == (30, 20)
    if kw:
        assert not np.array_equal(a.numpy(), cls(seed=8)((30, 20)).numpy())


def test_initializer_distributions():
    I = gt.initializers
    shape = (200, 300)
    gu = I.GlorotUniform(seed=0)(shape, dtype="float64").numpy()
    limit = np.sqrt(6 / 500)
    assert np.abs(gu).max() <= limit and np.abs(gu).max() > 0.99 * limit
    assert abs(gu.std() - np.sqrt(2 / 500)) < 0.01 * np.sqrt(2 / 500) * 5
    hn = I.HeNormal(seed=0)(shape).numpy()
    assert abs(hn.std() - np.sqrt(2 / 200)) / np.sqrt(2 / 200) < 0.03
    assert np.abs(hn).max() <= 2 * np.sqrt(2 / 200) / 0.87962566103423978 + 1e-6  # truncated
    hu = I.HeUniform(seed=0)(shape).numpy()
    assert np.abs(hu).max() <= np.sqrt(6 / 200)
    gn = I.GlorotNormal(seed=0)(shape).numpy()
    assert abs(gn.std() - np.sqrt(2 / 500)) / np.sqrt(2 / 500) < 0.03
    rn = I.RandomNormal(mean=1.0, stddev=0.5, seed=0)(shape).numpy()
    assert abs(rn.mean() - 1.0) < 0.01 and abs(rn.std() - 0.5) < 0.01
    o = I.Orthogonal(gain=2.0, seed=0)((5, 3), dtype="float64").numpy()
    np.testing.assert_allclose(o.T @ o, 4 * np.eye(3), atol=1e-12)
    np.testing.assert_array_equal(I.Zeros()((2,)).numpy(), [0, 0])
    np.testing.assert_array_equal(I.Ones()((2,), dtype="float64").numpy(), [1, 1])
    assert I.compute_fans((3, 3, 4, 8)) == (36.0, 72.0)


def test_unseeded_initializers_follow_gt_random_set_seed():
    gt.random.set_seed(11)
    a = L.Dense(3)
    a(np.ones((1, 2), np.float32))
    gt.random.set_seed(11)
    b = L.Dense(3)
    b(np.ones((1, 2), np.float32))
    np.testing.assert_array_equal(a.kernel.numpy(), b.kernel.numpy())


def test_initializer_lookup():
    I = gt.initializers
    assert isinstance(I.get("glorot_uniform"), I.GlorotUniform)
    assert isinstance(I.get("HeNormal"), I.HeNormal)
    assert I.get({"class_name": "RandomNormal", "config": {"stddev": 2.0}}).stddev == 2.0
    with pytest.raises(ValueError):
        I.get("nope")


def test_integer_inputs_are_cast_except_embedding_ids():
    d = L.Dense(2)
    y = d(np.array([[1, 2, 3]]))
    assert y.dtype == np.float32 and d.kernel.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), np.array([[1.0, 2.0, 3.0]]) @ d.kernel.numpy(), rtol=1e-6)
    assert L.Embedding(5, 2)([[1, 4]]).shape == (1, 2, 2)


def test_multi_head_attention_accepts_keywords():
    mha = L.MultiHeadAttention(num_heads=1, key_dim=2)
    x = rand(1, 3, 2)
    np.testing.assert_allclose(mha(query=x, value=x).numpy(), mha(x, x).numpy())
    with pytest.raises(TypeError):
        mha(x)


def test_build_called_directly_marks_the_layer_built_as_keras():
    layer = gt.layers.Dense(2)
    layer.build((None, 4))
    assert layer.built
    kernel = layer.kernel
    layer(gt.ones((1, 4)))
    assert layer.kernel is kernel  # the call does not build again with new weights
    with gt.autodiff.ForwardAccumulator(layer.kernel, gt.ones_like(layer.kernel)) as acc:
        out = layer(gt.constant([[1.0, 2.0, 3.0, 4.0]]))
    np.testing.assert_allclose(acc.jvp(out).numpy(), [[10.0, 10.0]])  # TensorFlow's doc example

"""Models and layer calls with masks, shared by tests/test_keras_masking*.py and
tools/keras_masking_reference.py (which runs them in Keras 3 and prints the reference numbers).

Every builder takes a namespace (``gt.keras`` or ``keras``) so that the same code builds both;
inputs, labels and weights are deterministic (``_keras_layer_cases.inp``).
"""

from __future__ import annotations

import numpy as np

from tests._keras_layer_cases import inp, weights_for

B, T = 6, 6
# Right-padded id sequences (0 is padding), of lengths 6, 4, 1, 3, 5, 2.
IDS = np.array([[3, 7, 1, 9, 4, 2], [5, 2, 8, 6, 0, 0], [11, 0, 0, 0, 0, 0],
                [4, 4, 13, 0, 0, 0], [19, 1, 2, 3, 5, 0], [6, 17, 0, 0, 0, 0]], dtype=np.int32)
MASK = IDS != 0
LABELS = np.array([0, 1, 2, 1, 0, 2])
STEP_LABELS = (np.arange(B * T) * 7 % 3).reshape(B, T)


def features() -> np.ndarray:
    """``(B, T, 2)`` floats whose padded steps are all zeros (for ``Masking``)."""
    return np.where(MASK[..., None], inp((B, T, 2), 3), 0.0).astype(np.float32)


def lstm_model(lib):
    L = lib.layers
    return lib.Sequential([lib.Input((T,), dtype="int32"), L.Embedding(20, 8, mask_zero=True),
                           L.LSTM(6, return_sequences=True), L.LSTM(5), L.Dense(3)])


def bigru_model(lib):
    L = lib.layers
    ids = lib.Input((T,), dtype="int32")
    h = L.Embedding(20, 8, mask_zero=True)(ids)
    h = L.Bidirectional(L.GRU(4, return_sequences=True))(h)
    h = L.Bidirectional(L.GRU(3), merge_mode="sum")(h)
    return lib.Model(ids, L.Dense(3)(h))


def tagger_model(lib):
    L = lib.layers
    return lib.Sequential([lib.Input((T,), dtype="int32"), L.Embedding(20, 6, mask_zero=True),
                           L.Bidirectional(L.LSTM(4, return_sequences=True)), L.Dense(3)])


def attention_model(lib):
    L = lib.layers
    ids = lib.Input((T,), dtype="int32")
    x = L.Embedding(20, 8, mask_zero=True)(ids)
    a = L.MultiHeadAttention(2, 4)(x, x)
    h = L.LayerNormalization()(L.Add()([x, a]))
    return lib.Model(ids, L.Dense(3)(L.GlobalAveragePooling1D()(h)))


def masking_model(lib):
    L = lib.layers
    return lib.Sequential([lib.Input((T, 2)), L.Masking(0.0), L.SimpleRNN(4, return_sequences=True),
                           L.GlobalAveragePooling1D(), L.Dense(1)])


# name: (builder, x, y, loss, metric)
MODELS = {
    "lstm": (lstm_model, IDS, LABELS, "scce", "accuracy"),
    "bigru": (bigru_model, IDS, LABELS, "scce", "accuracy"),
    "tagger": (tagger_model, IDS, STEP_LABELS, "scce", "accuracy"),
    "attention": (attention_model, IDS, LABELS, "scce", "accuracy"),
    "masking": (masking_model, None, LABELS.astype(np.float32)[:, None], "mse", "mae"),
}


def model_data(name: str):
    _, x, y, _, _ = MODELS[name]
    return (features() if x is None else x), y


def build_model(lib, name: str):
    """The model ``name`` with the deterministic weights, compiled (SGD, as Keras and gradtape
    update an embedding's rows alike with plain SGD)."""
    make, _, _, loss, metric = MODELS[name]
    model = make(lib)
    model.set_weights(weights_for([w.shape for w in model.get_weights()]))
    loss_fn = lib.losses.SparseCategoricalCrossentropy(from_logits=True) if loss == "scce" else loss
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss=loss_fn, metrics=[metric])
    return model


def summary_numbers(out) -> list:
    """What the reference keeps of an output: its first 24 values, sum and sum of squares."""
    a = np.asarray(out, dtype=np.float64).ravel()
    return [float(v) for v in a[:24]] + [float(a.sum()), float((a * a).sum())]


def run_model(lib, name: str, to_numpy) -> dict:
    """Build, predict, evaluate, fit two epochs (batches of 2, no shuffling), evaluate again."""
    model = build_model(lib, name)
    x, y = model_data(name)
    out = to_numpy(model(x))
    first = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0).history
    weights = np.concatenate([np.ravel(w) for w in model.get_weights()]).astype(np.float64)
    return {"shapes": [tuple(w.shape) for w in model.get_weights()], "outputs": summary_numbers(out),
            "evaluate": [float(v) for v in first],
            "history": {k: [float(v) for v in vs] for k, vs in sorted(history.items())},
            "weights": [float(weights.sum()), float((weights * weights).sum())]}


# -- single layers on masked inputs -----------------------------------------------------------
# A masked step first, a masked middle step, and an example with every step masked.
M35 = np.array([[1, 1, 1, 0, 0], [0, 1, 0, 1, 1], [0, 0, 0, 0, 0]], dtype=bool)
M24 = np.array([[1, 1, 0, 0], [1, 0, 1, 1]], dtype=bool)
M24B = np.array([[1, 0, 1, 0], [0, 0, 1, 1]], dtype=bool)


def _rnn(make):
    return make, [((3, 5, 3), 0)], [M35], {}


# name: (make(layers), input specs [(shape, seed)], the inputs' masks, call kwargs)
LAYER_CASES = {
    "lstm_sequences": _rnn(lambda L: L.LSTM(3, return_sequences=True)),
    "lstm_state": _rnn(lambda L: L.LSTM(3, return_state=True)),
    "gru_backwards": _rnn(lambda L: L.GRU(3, return_sequences=True, go_backwards=True)),
    "gru_reset_before": _rnn(lambda L: L.GRU(3, reset_after=False)),
    "simple_rnn_zeros": _rnn(lambda L: L.SimpleRNN(3, return_sequences=True, zero_output_for_mask=True)),
    "bidirectional_concat": _rnn(lambda L: L.Bidirectional(L.LSTM(2, return_sequences=True))),
    "bidirectional_pair": _rnn(lambda L: L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode=None)),
    "bidirectional_state": _rnn(lambda L: L.Bidirectional(L.LSTM(2, return_state=True), merge_mode="ave")),
    "time_distributed": _rnn(lambda L: L.TimeDistributed(L.Dense(2))),
    "dense_relu": _rnn(lambda L: L.Dense(2, activation="relu")),
    "global_average": ((lambda L: L.GlobalAveragePooling1D()), [((2, 4, 3), 1)], [M24], {}),
    "global_average_first": ((lambda L: L.GlobalAveragePooling1D(data_format="channels_first")),
                             [((2, 3, 4), 1)], [M24], {}),
    "softmax": ((lambda L: L.Softmax()), [((2, 4), 2)], [M24], {}),
    "batch_norm_training": ((lambda L: L.BatchNormalization(momentum=0.5)), [((2, 4, 3), 4)], [M24],
                            {"training": True}),
    "layer_norm": ((lambda L: L.LayerNormalization()), [((2, 4, 3), 4)], [M24], {}),
    "attention_self": ((lambda L: L.MultiHeadAttention(2, 2)), [((2, 4, 3), 5)] * 2, [M24, M24], {}),
    "attention_cross_causal": ((lambda L: L.MultiHeadAttention(2, 2)), [((2, 4, 3), 5), ((2, 4, 3), 6)],
                               [M24, M24B], {"use_causal_mask": True}),
    "attention_scores": ((lambda L: L.MultiHeadAttention(1, 2)), [((2, 4, 3), 5), ((2, 4, 3), 6)],
                         [M24, M24B], {"return_attention_scores": True}),
    "add": ((lambda L: L.Add()), [((2, 4, 3), 7), ((2, 4, 3), 8)], [M24, M24B], {}),
    "add_one_mask": ((lambda L: L.Add()), [((2, 4, 3), 7), ((2, 4, 3), 8)], [M24, None], {}),
    "multiply": ((lambda L: L.Multiply()), [((2, 4, 3), 7), ((2, 4, 3), 8)], [M24, M24B], {}),
    "multiply_one_mask": ((lambda L: L.Multiply()), [((2, 4, 3), 7), ((2, 4, 3), 8)], [None, M24B], {}),
    "maximum": ((lambda L: L.Maximum()), [((2, 4, 3), 7), ((2, 4, 3), 8)], [M24, M24B], {}),
    "minimum": ((lambda L: L.Minimum()), [((2, 4, 3), 7), ((2, 4, 3), 8)], [M24, M24B], {}),
    "concatenate_time": ((lambda L: L.Concatenate(axis=1)), [((2, 4, 3), 7), ((2, 4, 3), 8)], [M24, None], {}),
    "concatenate_features": ((lambda L: L.Concatenate()), [((2, 4, 3), 7), ((2, 4, 2), 8)], [M24, M24B], {}),
}


def masked_inputs(specs, masks, attach, dtype=np.float32) -> list:
    """The inputs of a case, each given its mask with ``attach(array, mask)``."""
    return [attach(inp(shape, seed, dtype=dtype), m) for (shape, seed), m in zip(specs, masks)]


def call_case(layer, xs: list, kwargs: dict):
    """Call a case's layer: two inputs are a list for merges, ``(query, value)`` for attention."""
    if len(xs) == 1:
        return layer(xs[0], **kwargs)
    if hasattr(layer, "num_heads"):
        return layer(xs[0], xs[1], **kwargs)
    return layer(xs, **kwargs)

"""The differences between gradtape's constructor arguments and the keys of Keras 3's layer
configs, per Keras class name (used by ``_config.py``; checked against real Keras by
tools/keras_config_reference.py).

``extra``: keys Keras writes that gradtape's constructor lacks, with the value gradtape
implements (the layer's attribute of that name wins when it has one); reading a config drops
them when they hold that value (or one listed in ``also``). ``drop``: gradtape-only arguments left out. ``fix``: a function
that adjusts the finished dict (``fix(layer, config)``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["KERAS_KEYS"]


def _weights(*names: str) -> dict:
    return {f"{n}_{kind}": None for n in names for kind in ("regularizer", "constraint")}


def _tuples(*keys: str, n: int = 1):
    def fix(layer: Any, config: dict) -> None:
        for key in keys:
            value = config.get(key)
            if isinstance(value, int):
                config[key] = (value,) * n
            elif isinstance(value, (list, tuple)) and len(value) == n:
                config[key] = tuple(value)
    return fix


def _single_pair(key: str):
    def fix(layer: Any, config: dict) -> None:
        value = config.get(key)
        if isinstance(value, (list, tuple)) and len(value) == 1 and isinstance(value[0], (list, tuple)):
            config[key] = tuple(value[0])
    return fix


def _plain_dtype(layer: Any, config: dict) -> None:
    # Keras writes these layers' dtype as a plain name, without `trainable`
    config["dtype"] = config["dtype"]["config"]["name"]
    config.pop("trainable", None)


def _vocabulary_size(layer: Any, config: dict) -> None:
    config["vocabulary_size"] = int(layer.vocabulary_size())
    _adapted_tf_idf(layer, config)


def _adapted_tf_idf(layer: Any, config: dict) -> None:
    """An adapted "tf_idf" layer keeps its vocabulary and IDF weights in its config, so that a
    saved model rebuilds with them (a valid Keras config too; Keras itself writes them as an
    asset and a variable, which a model's graph cannot wait for here)."""
    lookup = getattr(layer, "_lookup_layer", layer)
    if lookup.output_mode != "tf_idf" or lookup._has_input_vocabulary or lookup.idf_weights is None:
        return
    tokens = layer.get_vocabulary(include_special_tokens=False)
    if not tokens:
        return
    special = len(layer.get_vocabulary()) - len(tokens)
    config["vocabulary"] = [t.item() if hasattr(t, "item") else t for t in tokens]
    config["idf_weights"] = [float(w) for w in lookup.idf_weights.numpy()[special:]]


def _string_lookup(layer: Any, config: dict) -> None:
    _vocabulary_size(layer, config)
    config["oov_method"] = "floormod"  # Keras's StringLookup reports its base class's default


def _bidirectional(layer: Any, config: dict) -> None:
    from ..keras.saving.serialization import serialize_keras_object
    config["layer"] = serialize_keras_object(layer.forward_layer)
    config["backward_layer"] = serialize_keras_object(layer.backward_layer)


_CONV = {"activity_regularizer": None, **_weights("kernel", "bias")}
_RNN = {"activity_regularizer": None, "dropout": 0.0, "recurrent_dropout": 0.0, "stateful": False,
        "unroll": False, "seed": None}
_NORM = _weights("beta", "gamma")

KERAS_KEYS: dict[str, dict] = {
    "Dense": {"extra": {"quantization_config": None}},
    "Embedding": {"extra": {"activity_regularizer": None, "quantization_config": None}},
    "Flatten": {"extra": {"data_format": "channels_last"}},
    "Conv1D": {"extra": {"activity_regularizer": None, "data_format": "channels_last", "groups": 1},
               "fix": _tuples("kernel_size", "strides", "dilation_rate")},
    "Conv2D": {"extra": {"activity_regularizer": None, "groups": 1}},
    "Conv3D": {"extra": _CONV},
    "Conv1DTranspose": {"extra": _CONV},
    "Conv2DTranspose": {"extra": _CONV},
    "Conv3DTranspose": {"extra": _CONV},
    "DepthwiseConv1D": {"extra": {"activity_regularizer": None, **_weights("depthwise", "bias")},
                        "drop": ("filters",)},
    "DepthwiseConv2D": {"extra": {"activity_regularizer": None, **_weights("depthwise", "bias")},
                        "drop": ("filters",)},
    "SeparableConv1D": {"extra": {"activity_regularizer": None, **_weights("depthwise", "pointwise", "bias")}},
    "SeparableConv2D": {"extra": {"activity_regularizer": None, **_weights("depthwise", "pointwise", "bias")}},
    "BatchNormalization": {"extra": {**_NORM, "synchronized": False, "renorm": False,
                                     "renorm_clipping": None, "renorm_momentum": 0.99}},
    "LayerNormalization": {"extra": {"rms_scaling": False, **_NORM}},
    "SimpleRNN": {"extra": {k: v for k, v in _RNN.items() if k != "seed"}},
    "LSTM": {"extra": _RNN},
    "GRU": {"extra": _RNN},
    "MultiHeadAttention": {"extra": {"activity_regularizer": None, "attention_axes": None, "use_gate": False,
                                     "sliding_window": None, **_weights("kernel", "bias")},
                           "also": {"attention_axes": ([1],)}},  # Keras's value once built on 3-D inputs
    "ZeroPadding1D": {"fix": _single_pair("padding")},
    "Cropping1D": {"fix": _single_pair("cropping"), "drop": ("data_format",)},
    "SpatialDropout1D": {"fix": _plain_dtype, "drop": ("data_format", "noise_shape")},
    "SpatialDropout2D": {"fix": _plain_dtype, "drop": ("noise_shape",)},
    "SpatialDropout3D": {"fix": _plain_dtype, "drop": ("noise_shape",)},
    "HashedCrossing": {"fix": _plain_dtype},
    "Discretization": {"fix": _plain_dtype},
    "Bidirectional": {"drop": ("weights",), "fix": _bidirectional},
    "TextVectorization": {"extra": {"vocabulary_size": None}, "fix": _vocabulary_size},
    "StringLookup": {"extra": {"vocabulary_size": None, "oov_method": "floormod"},
                     "drop": ("oov_method",), "fix": _string_lookup},
    "IntegerLookup": {"extra": {"vocabulary_size": None}, "drop": ("encoding",), "fix": _vocabulary_size},
    "CategoryEncoding": {"drop": ("sparse",)},
    "Resizing": {"drop": ("seed",)},
    "CenterCrop": {"drop": ("seed",)},
}

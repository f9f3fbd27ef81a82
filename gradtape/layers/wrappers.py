"""Layer wrappers: TimeDistributed and Bidirectional, as Keras 3's."""

from __future__ import annotations

import copy
from typing import Any

import gradtape as gt
from .._engine.tensor import Variable
from ._masking import as_bool_mask
from .base import InputSpecError, Layer, call_layer
from .normalization import BatchNormalization

__all__ = ["TimeDistributed", "Bidirectional"]


class TimeDistributed(Layer):
    """Apply ``layer`` to every time step of ``(batch, time, ...)`` inputs, with the same weights.

    The wrapped layer is built for one step's shape ``(batch, ...)`` and its weights are this
    layer's weights, as ``keras.layers.TimeDistributed``. The steps run as one call on
    ``(batch * time, ...)``; a layer containing BatchNormalization runs step by step in
    training, as Keras does, so each step uses its own batch statistics.

    >>> import gradtape as gt
    >>> td = gt.layers.TimeDistributed(gt.layers.Dense(8))
    >>> td(gt.ones((32, 10, 16))).shape
    (32, 10, 8)
    >>> [w.shape for w in td.get_weights()]
    [(16, 8), (8,)]
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, layer: Layer, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed: `layer` must be a gt.layers.Layer instance, got {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape) -> None:
        if not isinstance(input_shape, tuple) or len(input_shape) < 3:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, time, ...) with at least 3 "
                                 f"dimensions, got {input_shape}")
        if not self.layer.built:
            if self.layer._layer_dtype is None:
                self.layer._layer_dtype = self._layer_dtype
            self.layer.build((input_shape[0],) + tuple(input_shape[2:]))
            self.layer.built = True

    def _stepwise(self, training) -> bool:
        return bool(training) and any(isinstance(m, BatchNormalization) and m.trainable
                                      for m in (self.layer,) + tuple(self.layer.submodules))

    def _inner(self, x, training, mask):
        if mask is None or not self.layer._call_mask_arg:
            return call_layer(self.layer, x, training)
        if self.layer._accepts_training():
            return self.layer(x, mask=mask, training=training)
        return self.layer(x, mask=mask)

    def call(self, inputs, training=None, mask=None):
        if inputs.ndim < 3:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, time, ...), got "
                                 f"{tuple(inputs.shape)}")
        b, t = inputs.shape[0], inputs.shape[1]
        if mask is not None:  # the wrapped layer gets each step's mask, as in Keras
            mask = gt.Tensor(as_bool_mask(mask))
            if mask.ndim < 2 or tuple(mask.shape[:2]) != (b, t):
                raise ValueError(f"{self.name}: the mask of shape {tuple(mask.shape)} does not match "
                                 f"the inputs' (batch, time) = {(b, t)}")
        if self._stepwise(training):
            steps = gt.unstack(inputs, axis=1)
            return gt.stack([self._inner(x, training, None if mask is None else mask[:, i])
                             for i, x in enumerate(steps)], axis=1)
        flat_mask = None if mask is None else gt.reshape(mask, (b * t,) + tuple(mask.shape[2:]))
        y = self._inner(gt.reshape(inputs, (b * t,) + tuple(inputs.shape[2:])), training, flat_mask)
        return gt.reshape(y, (b, t) + tuple(y.shape[1:]))


def _fresh_copy(layer: Layer, name: str, **attrs: Any) -> Layer:
    """An unbuilt copy of ``layer`` (the same configuration, new weights at its first call)."""
    clone = copy.deepcopy(layer)
    for m in (clone,) + tuple(s for s in clone.submodules if isinstance(s, Layer)):
        for k, v in list(vars(m).items()):
            if isinstance(v, Variable):
                setattr(m, k, None)
        m._trainable_flags = {}
        m.__dict__.pop("_losses", None)
        m.built = False
    clone._module_name = name
    for k, v in attrs.items():
        setattr(clone, k, v)
    return clone


_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Bidirectional(Layer):
    """Run a recurrent layer forwards and a copy of it backwards over the time axis, then merge.

    As ``keras.layers.Bidirectional``: ``forward_layer`` is a copy of ``layer`` named
    ``forward_<name>`` and ``backward_layer`` one with ``go_backwards=True`` named
    ``backward_<name>`` (unless given); ``layer`` itself is only a template. With
    ``return_sequences`` the backward outputs are flipped back to input order before the merge
    (``merge_mode`` ``"concat"``, ``"sum"``, ``"ave"``, ``"mul"`` or None for the pair).
    ``return_state`` adds the forward states then the backward ones; ``initial_state`` is
    split the same way. The weights are the forward layer's then the backward layer's.

    >>> import gradtape as gt
    >>> bi = gt.layers.Bidirectional(gt.layers.LSTM(4, return_sequences=True))
    >>> bi(gt.ones((2, 5, 3))).shape
    (2, 5, 8)
    >>> [w.shape for w in bi.get_weights()]
    [(3, 16), (4, 16), (16,), (3, 16), (4, 16), (16,)]
    """

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", weights: list | None = None,
                 backward_layer: Layer | None = None, **kwargs: Any):
        if not isinstance(layer, Layer) or not hasattr(layer, "go_backwards"):
            raise ValueError(f"Bidirectional: `layer` must be a recurrent gt.layers.Layer (SimpleRNN, LSTM, GRU), "
                             f"got {layer!r}")
        if backward_layer is not None and (not isinstance(backward_layer, Layer)
                                           or not hasattr(backward_layer, "go_backwards")):
            raise ValueError(f"Bidirectional: `backward_layer` must be a recurrent gt.layers.Layer, got "
                             f"{backward_layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: `merge_mode` must be one of {_MERGE_MODES}, got "
                             f"merge_mode={merge_mode!r}")
        super().__init__(**kwargs)
        base = layer.name[len("forward_"):] if layer.name.startswith("forward_") else layer.name
        self.forward_layer = _fresh_copy(layer, f"forward_{base}")
        if backward_layer is None:
            back = layer.name[len("backward_"):] if layer.name.startswith("backward_") else layer.name
            backward_layer = _fresh_copy(layer, f"backward_{back}", go_backwards=True)
        self.backward_layer = backward_layer
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(f"Bidirectional: the forward and backward layers must have different `go_backwards` "
                             f"values, got {fwd.go_backwards} for both")
        for a in ("return_sequences", "return_state"):
            if getattr(fwd, a) != getattr(bwd, a):
                raise ValueError(f"Bidirectional: the forward and backward layers must have the same `{a}`, got "
                                 f"{getattr(fwd, a)} and {getattr(bwd, a)}")
        for sub in (fwd, bwd):  # Keras: masked steps output zeros when returning sequences
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = fwd.return_sequences, fwd.return_state
        self._initial_weights = list(weights) if weights else None

    def _build_shape(self, inputs, args, kwargs):
        return tuple(inputs.shape) if hasattr(inputs, "shape") else super()._build_shape(inputs, args, kwargs)

    def build(self, input_shape) -> None:
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                if sub._layer_dtype is None:
                    sub._layer_dtype = self._layer_dtype
                sub.build(tuple(input_shape))
                sub.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_mask(self, inputs, mask=None):
        """The input's mask with ``return_sequences`` (for both outputs when ``merge_mode`` is
        None), else None, as Keras.

        >>> import gradtape as gt
        >>> m = gt.constant([[True, False]])
        >>> bi = gt.layers.Bidirectional(gt.layers.GRU(2, return_sequences=True), merge_mode=None)
        >>> [x is m for x in bi.compute_mask(None, m)]
        [True, True]
        """
        if isinstance(mask, list):
            mask = mask[0] if mask else None
        if not self.return_sequences:
            mask = None
        return (mask, mask) if not self.merge_mode else mask

    def call(self, sequences, initial_state=None, mask=None, training=None):
        fwd_state = bwd_state = None
        if initial_state is not None:
            states = list(initial_state)
            half = len(states) // 2
            fwd_state, bwd_state = states[:half], states[half:]
        kwargs: dict = {"training": training}
        if mask is not None:
            kwargs["mask"] = mask
        y = self.forward_layer(sequences, initial_state=fwd_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=bwd_state, **kwargs)
        states_out: tuple = ()
        if self.return_state:
            states_out = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = gt.reverse(y_rev, axis=[1])
        if self.merge_mode == "concat":
            out: Any = gt.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            out = y + y_rev
        elif self.merge_mode == "ave":
            out = (y + y_rev) / 2.0
        elif self.merge_mode == "mul":
            out = y * y_rev
        else:
            out = (y, y_rev)
        if self.return_state:
            return (out if self.merge_mode is None else (out,)) + states_out
        return out

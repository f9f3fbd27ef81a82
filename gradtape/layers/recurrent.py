"""Recurrent layers: SimpleRNN, LSTM and GRU, with Keras's weight layout and gate order.

Inputs are ``(batch, time, features)``. The input projection of every time step is one
matrix product before the loop; each step then does one product of the previous state with
the recurrent kernel for all gates at once (two for GRU with ``reset_after=False``), so a step
costs a handful of ops whatever the number of gates. Everything is composed of gradtape ops,
so gradients of any order flow through time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import gradtape as gt
from . import activations
from ._regularization import set_weight_options, weight_options
from ._masking import as_bool_mask
from .base import InputSpecError, Layer

__all__ = ["SimpleRNN", "LSTM", "GRU"]


class _RNN(Layer):
    _gates = 1
    _n_states = 1

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False,
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 zero_output_for_mask: bool = False, **kwargs: Any):
        for k in ("unroll", "stateful", "time_major", "dropout", "recurrent_dropout"):
            if kwargs.pop(k, False):
                raise NotImplementedError(f"{type(self).__name__}: {k} is not supported")
        super().__init__(**kwargs)
        if int(units) <= 0:
            raise ValueError(f"{type(self).__name__}: units must be a positive integer, got {units}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        set_weight_options(self, kernel_regularizer=kernel_regularizer,
                           recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                           kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                           bias_constraint=bias_constraint)

    def _build_shape(self, inputs, args, kwargs):
        return tuple(inputs.shape) if hasattr(inputs, "shape") else tuple(np.shape(inputs))

    def build(self, input_shape) -> None:
        if len(input_shape) != 3:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, time, features), "
                                 f"got shape {tuple(input_shape)}")
        g = self._gates * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], g), self.kernel_initializer,
                                      **weight_options(self, "kernel"))
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, g), self.recurrent_initializer,
                                                **weight_options(self, "recurrent"))
        self.bias = (self.add_weight("bias", self._bias_shape(), self._bias_init(), **weight_options(self, "bias"))
                     if self.use_bias else None)

    def _bias_shape(self) -> tuple:
        return (self._gates * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def _input_bias(self):
        return self.bias

    def _initial_states(self, batch: int, initial_state) -> list:
        if initial_state is None:
            z = gt.zeros((batch, self.units), dtype=self.dtype)
            return [z] * self._n_states
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != self._n_states:
            raise ValueError(f"{self.name}: initial_state needs {self._n_states} tensor(s), "
                             f"got {len(states)}")
        out = []
        for s in states:
            s = s if isinstance(s, gt.Tensor) else gt.constant(np.asarray(s), dtype=self.dtype)
            if s.dtype != self.dtype:
                s = gt.cast(s, self.dtype)
            if tuple(s.shape) != (batch, self.units):
                raise ValueError(f"{self.name}: each initial state must have shape {(batch, self.units)}, "
                                 f"got {tuple(s.shape)}")
            out.append(s)
        return out

    def compute_mask(self, inputs, mask=None):
        """The input's mask with ``return_sequences`` (else None), and None for each state with
        ``return_state``, as Keras.

        >>> import gradtape as gt
        >>> m = gt.constant([[True, False]])
        >>> gt.layers.GRU(2, return_sequences=True).compute_mask(None, m) is m
        True
        >>> gt.layers.LSTM(2, return_state=True).compute_mask(None, m)
        [None, None, None]
        """
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        out = mask if self.return_sequences else None
        return [out] + [None] * self._n_states if self.return_state else out

    def _step_masks(self, mask, b: int, t: int) -> np.ndarray | None:
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        if mask is None:
            return None
        m = as_bool_mask(mask)
        if m.ndim > 2 and m.size == b * t:
            m = m.reshape(b, t)
        if m.shape != (b, t):
            raise InputSpecError(f"{self.name}: the mask must have shape (batch, time) = {(b, t)}, "
                                 f"got {m.shape}")
        return m

    def call(self, inputs, initial_state=None, mask=None, training=None):
        if inputs.ndim != 3 or inputs.shape[-1] != self.kernel.shape[0]:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, time, "
                                 f"{self.kernel.shape[0]}), got {tuple(inputs.shape)}")
        b, t, d = inputs.shape
        states = self._initial_states(b, initial_state)
        # All input projections in one product, time-major so each step reads a leading slice.
        xt = gt.transpose(inputs, (1, 0, 2))
        xz = gt.matmul(gt.reshape(xt, (t * b, d)), self.kernel)
        bias = self._input_bias()
        if bias is not None:
            xz = xz + bias
        xz = gt.reshape(xz, (t, b, self.kernel.shape[1]))
        # One unstack (its gradient is one stack), not a slice per step (each slice's gradient
        # would be a zero array of the whole sequence).
        xs = gt.unstack(xz, axis=0) if t else []
        steps = range(t - 1, -1, -1) if self.go_backwards else range(t)
        masks = self._step_masks(mask, b, t)
        outputs = []
        if masks is None:
            for k in steps:
                out, states = self._step(xs[k], states)
                if self.return_sequences:
                    outputs.append(out)
        else:
            out, states = self._masked_loop(xs, steps, masks, states, outputs)
        if t == 0:
            out = states[0]
        if self.return_sequences:
            result = gt.stack(outputs, axis=1) if outputs else gt.zeros((b, 0, self.units), dtype=self.dtype)
        else:
            result = out
        if self.return_state:
            return [result] + list(states)
        return result

    def _masked_loop(self, xs: list, steps: range, masks: np.ndarray, states: list, outputs: list):
        """Keras's masked recurrence: a masked step keeps the previous states and outputs the
        previous output (zeros before the first one, or always with ``zero_output_for_mask``).
        Steps where no example is masked run as usual; steps where all are, not at all."""
        b = masks.shape[0]
        zeros = gt.zeros((b, self.units), dtype=self.dtype)
        out = zeros
        for k in steps:
            keep = masks[:, k]
            if keep.all():
                out, states = self._step(xs[k], states)
            elif not keep.any():
                out = zeros if self.zero_output_for_mask else out
            else:
                new, new_states = self._step(xs[k], states)
                keep = np.broadcast_to(keep[:, None], (b, self.units))
                states = [gt.where(keep, n, s) for n, s in zip(new_states, states)]
                out = gt.where(keep, new, zeros if self.zero_output_for_mask else out)
            if self.return_sequences:
                outputs.append(out)
        return out, states

    def _step(self, xz_t, states):  # pragma: no cover - abstract
        raise NotImplementedError


class SimpleRNN(_RNN):
    """Fully connected recurrence ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

    ``return_sequences=True`` gives every step's output ``(batch, time, units)``, else the last
    one; ``return_state=True`` also returns the final state: ``[output, h]``. An
    ``initial_state`` may be passed to the call. Every recurrent layer takes
    ``kernel_regularizer``, ``recurrent_regularizer``, ``bias_regularizer`` (penalties in
    ``losses``), ``activity_regularizer`` and the matching ``*_constraint`` arguments.

    >>> import gradtape as gt
    >>> rnn = gt.layers.SimpleRNN(4, return_sequences=True, return_state=True)
    >>> seq, h = rnn(gt.ones((2, 5, 3)))
    >>> seq.shape, h.shape
    ((2, 5, 4), (2, 4))
    """

    def _step(self, xz_t, states):
        h = self.activation(xz_t + gt.matmul(states[0], self.recurrent_kernel))
        return h, [h]


class LSTM(_RNN):
    """Long short-term memory, as ``tf.keras.layers.LSTM`` (gates ``i, f, c, o`` in that order).

    ``kernel`` is ``(features, 4 * units)``, ``recurrent_kernel`` ``(units, 4 * units)`` and
    ``bias`` ``(4 * units,)``, initialized with ones for the forget gate when
    ``unit_forget_bias`` (the default). Per step: ``z = x_t @ kernel + h @ recurrent_kernel +
    bias``, ``c = f * c + i * activation(z_c)``, ``h = o * activation(c)`` with ``i, f, o`` the
    ``recurrent_activation`` (sigmoid) of their parts of ``z``. ``return_state=True`` returns
    ``[output, h, c]``.

    >>> import gradtape as gt
    >>> lstm = gt.layers.LSTM(8)
    >>> lstm(gt.ones((2, 5, 3))).shape
    (2, 8)
    >>> lstm.kernel.shape, lstm.recurrent_kernel.shape, lstm.bias.shape
    ((3, 32), (8, 32), (32,))
    """

    _gates = 4
    _n_states = 2

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 unit_forget_bias: bool = True, **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        from .. import initializers
        base = initializers.get(self.bias_initializer)
        u = self.units

        def init(shape, dtype=None):
            v = np.array(base((u,), dtype=dtype).numpy(), copy=True)
            v4 = np.concatenate([v, np.ones(u, v.dtype), np.tile(v, 2)])
            return gt.constant(v4, dtype=v.dtype)

        return init

    def _step(self, xz_t, states):
        h, c = states
        z = xz_t + gt.matmul(h, self.recurrent_kernel)
        zi, zf, zc, zo = gt.split(z, 4, axis=-1)  # one op; its gradient is one concat
        i = self.recurrent_activation(zi)
        f = self.recurrent_activation(zf)
        o = self.recurrent_activation(zo)
        c = f * c + i * self.activation(zc)
        h = o * self.activation(c)
        return h, [h, c]


class GRU(_RNN):
    """Gated recurrent unit, as ``tf.keras.layers.GRU`` (gates ``z, r, h``; ``reset_after=True``).

    ``kernel`` is ``(features, 3 * units)``, ``recurrent_kernel`` ``(units, 3 * units)``; with
    ``reset_after`` the bias is ``(2, 3 * units)`` (input and recurrent biases) and the reset
    gate multiplies the recurrent product: ``hh = activation(x_h + r * (h @ R_h + b_h))``,
    ``h = z * h + (1 - z) * hh``. ``return_state=True`` returns ``[output, h]``.

    >>> import gradtape as gt
    >>> gru = gt.layers.GRU(4, return_sequences=True)
    >>> gru(gt.ones((2, 5, 3))).shape
    (2, 5, 4)
    >>> gru.bias.shape
    (2, 12)
    """

    _gates = 3

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 reset_after: bool = True, **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self) -> tuple:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None:
            return None
        return self.bias[0] if self.reset_after else self.bias

    def _step(self, xz_t, states):
        (h,) = states
        u = self.units
        x_zr, x_h = gt.split(xz_t, [2 * u, u], axis=-1)
        if self.reset_after:
            inner = gt.matmul(h, self.recurrent_kernel)
            if self.use_bias:
                inner = inner + self.bias[1]
            in_zr, in_h = gt.split(inner, [2 * u, u], axis=-1)
            z, r = gt.split(self.recurrent_activation(x_zr + in_zr), 2, axis=-1)
            hh = self.activation(x_h + r * in_h)
        else:
            rk_zr, rk_h = gt.split(self.recurrent_kernel, [2 * u, u], axis=-1)
            z, r = gt.split(self.recurrent_activation(x_zr + gt.matmul(h, rk_zr)), 2, axis=-1)
            hh = self.activation(x_h + gt.matmul(r * h, rk_h))
        h = z * h + (1.0 - z) * hh
        return h, [h]

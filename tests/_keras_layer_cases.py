"""Helpers of tests/test_layers_keras_more*.py (and tools/keras_layers_reference.py).

A case is ``(make, specs, kwargs)``: ``make(layers)`` builds the layer from a layers namespace
(``gt.layers`` or ``keras.layers``), ``specs`` lists the inputs as ``(shape, seed)`` (a list
input when there are several) and ``kwargs`` are call arguments (``mask`` arrays,
``initial_state`` specs). Inputs and weights are deterministic: :func:`inp`.
"""

from __future__ import annotations

import numpy as np

import gradtape as gt


def inp(shape, seed=0, scale=1.5, dtype=np.float32):
    """A scaled sine of the flat index: the same numbers in every environment."""
    n = int(np.prod(shape))
    return (np.sin(np.arange(n) * 0.7 + seed) * scale).reshape(shape).astype(dtype)


def weights_for(shapes, dtype=np.float32) -> list:
    """The weights every case loads (into Keras and gradtape alike)."""
    return [inp(s, 10 + i, 0.5, dtype) for i, s in enumerate(shapes)]


def inputs(specs, dtype=np.float32, shift: float = 0.0):
    xs = [inp(s, seed + shift, dtype=dtype) for s, seed in specs]
    return xs[0] if len(xs) == 1 else xs


def arguments(kwargs: dict, dtype=np.float32) -> dict:
    out = {}
    for k, v in kwargs.items():
        out[k] = [inp(s, seed, dtype=dtype) for s, seed in v] if k == "initial_state" else np.asarray(v)
    return out


def check_against_keras(case, ref) -> None:
    """Build, check weight shapes and names, load the weights, compare the outputs with ``ref``."""
    make, specs, kwargs = case
    shapes, names, outs = ref
    layer = make(gt.layers)
    x = inputs(specs)
    layer(x, **arguments(kwargs))
    assert [tuple(w.shape) for w in layer.get_weights()] == [tuple(s) for s in shapes]
    assert [v.name.split("/")[-1].split(":")[0] for v in layer.weights] == names
    if shapes:
        layer.set_weights(weights_for(shapes))
    y = layer(x, **arguments(kwargs))
    ys = list(y) if isinstance(y, (list, tuple)) else [y]
    assert len(ys) == len(outs)
    for t, (shape, values) in zip(ys, outs):
        assert tuple(t.shape) == tuple(shape)
        np.testing.assert_allclose(t.numpy().ravel(), values, rtol=2e-5, atol=2e-5)


def layer_function(layer, n_inputs: int, kwargs: dict):
    """``f(*inputs, *weights)``: the layer's output with the given tensors in place of its trainable
    weights (swapped in as attributes for the call), and the weights' current values."""
    paths = [p for p, v in layer._walk() if isinstance(v, gt.Variable) and v.trainable]

    def owner(path):
        obj = layer
        for k in path[:-1]:
            obj = getattr(obj, k)
        return obj

    def f(*args):
        xs, ws = args[:n_inputs], args[n_inputs:]
        saved = []
        for path, w in zip(paths, ws):
            o = owner(path)
            saved.append((o, path[-1], getattr(o, path[-1])))
            setattr(o, path[-1], w)
        try:
            return layer(list(xs) if n_inputs > 1 else xs[0], **kwargs)
        finally:
            for o, k, v in reversed(saved):
                setattr(o, k, v)

    return f, [owner(p).__dict__[p[-1]].numpy() for p in paths]


def check_layer_gradients(case, order: int = 1, shift: float = 0.0) -> None:
    """First (or higher) derivatives w.r.t. the inputs and weights against float64 differences
    (``shift`` moves the inputs' phase, to keep piecewise layers away from their kinks)."""
    make, specs, kwargs = case
    layer = make(gt.layers)
    x = inputs(specs, np.float64, shift)
    args = arguments(kwargs, np.float64)
    layer(x, **args)
    if layer.weights:
        layer.set_weights(weights_for([w.shape for w in layer.get_weights()], np.float64))
    xs = x if isinstance(x, list) else [x]
    f, ws = layer_function(layer, len(xs), args)
    gt.test.check_gradients(f, xs + ws, order=order)

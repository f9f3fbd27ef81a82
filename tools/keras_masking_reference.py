"""Reference numbers for tests/test_keras_masking*.py from real Keras 3 (TensorFlow backend).

Run from the repository root with a Python that has TensorFlow and Keras 3 and can import
gradtape (for example ``PYTHONPATH=. <peers venv>/bin/python tools/keras_masking_reference.py``).
It runs the layer calls and models of tests/_keras_masking_cases.py in Keras, on the same
masked inputs with the same weights, and prints the ``LAYER_REF = {...}`` literal (weight
shapes, each output's shape, values and mask) for tests/test_keras_masking_layers.py and the
``MODEL_REF = {...}`` literal (outputs, evaluate, two epochs of fit, final weights) for
tests/test_keras_masking.py.
"""
# ruff: noqa: E402
import os
import sys
import textwrap
import warnings
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import keras
import numpy as np

from tests._keras_layer_cases import weights_for
from tests._keras_masking_cases import LAYER_CASES, MODELS, call_case, masked_inputs, run_model


def number(v: float) -> str:
    s = f"{v:.7g}"
    return "0" if s in ("0", "-0") else s


def attach(x: np.ndarray, mask):
    t = keras.ops.convert_to_tensor(x)
    if mask is not None:
        t._keras_mask = keras.ops.convert_to_tensor(mask)
    return t


def layer_reference(name: str) -> tuple:
    make, specs, masks, kwargs = LAYER_CASES[name]
    layer = make(keras.layers)
    call_case(layer, masked_inputs(specs, masks, attach), kwargs)
    shapes = [tuple(w.shape) for w in layer.get_weights()]
    if shapes:
        layer.set_weights(weights_for(shapes))
    y = call_case(layer, masked_inputs(specs, masks, attach), kwargs)
    ys = list(y) if isinstance(y, (list, tuple)) else [y]
    outs = []
    for t in ys:
        m = getattr(t, "_keras_mask", None)
        outs.append((tuple(t.shape), [float(v) for v in np.asarray(t).ravel()],
                     None if m is None else np.asarray(m).astype(int).ravel().tolist()))
    return shapes, outs


def main() -> None:
    warnings.simplefilter("ignore")
    print("LAYER_REF = {")
    for name in LAYER_CASES:
        shapes, outs = layer_reference(name)
        body = ", ".join(f"({s}, [{', '.join(number(v) for v in vals)}], {m})" for s, vals, m in outs)
        text = f"{name!r}: ({shapes}, [{body}]),"
        print(textwrap.fill(text, 110, initial_indent="    ", subsequent_indent="        "))
    print("}\n\nMODEL_REF = {")
    for name in MODELS:
        ref = run_model(keras, name, np.asarray)
        ref["outputs"] = [float(number(v)) for v in ref["outputs"]]
        text = f"{name!r}: {ref!r},"
        print(textwrap.fill(text, 110, initial_indent="    ", subsequent_indent="        "))
    print("}")


if __name__ == "__main__":
    main()

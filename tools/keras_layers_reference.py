"""Reference outputs for tests/test_layers_keras_more*.py from real Keras 3 (TensorFlow backend).

Run from the repository root with a Python that has TensorFlow and Keras 3 and can import
gradtape (for example ``PYTHONPATH=. <peers venv>/bin/python tools/keras_layers_reference.py``).
For every entry of the CASES dict of each test file it builds the Keras layer with the same
``make`` function, calls it on the same deterministic inputs, loads the deterministic weights
with ``set_weights``, calls it again and prints a ``REF = {...}`` literal (weight shapes,
weight names, then each output's shape and values) to paste into the test file.
"""
# ruff: noqa: E402
import importlib
import os
import sys
import textwrap
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import keras
import numpy as np

from tests._keras_layer_cases import arguments, inputs, weights_for

MODULES = ("tests.test_layers_keras_more", "tests.test_layers_keras_more_conv")


def number(v: float) -> str:
    s = f"{v:.7g}"
    return "0" if s in ("0", "-0") else s


def main() -> None:
    for name in MODULES:
        cases = importlib.import_module(name).CASES
        print(f"# {name}\nREF = {{")
        for key, (make, specs, kwargs) in cases.items():
            layer = make(keras.layers)
            x = inputs(specs)
            y = layer(x, **arguments(kwargs))
            weights = layer.get_weights()
            if weights:
                layer.set_weights(weights_for([w.shape for w in weights]))
                y = layer(x, **arguments(kwargs))
            outs = [np.asarray(t) for t in (y if isinstance(y, (list, tuple)) else [y])]
            shapes = [tuple(w.shape) for w in weights]
            names = [w.path.split("/")[-1] for w in layer.weights]
            body = ", ".join(f"({tuple(o.shape)}, [{', '.join(number(v) for v in o.ravel())}])" for o in outs)
            text = f"{key!r}: ({shapes}, {names}, [{body}]),"
            print(textwrap.fill(text, width=118, initial_indent="    ", subsequent_indent="        ",
                                break_on_hyphens=False))
        print("}\n")


if __name__ == "__main__":
    main()

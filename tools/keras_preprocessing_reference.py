"""Reference outputs for tests/test_preprocessing_layers.py and tests/test_preprocessing_image_layers.py
from real Keras 3 (TensorFlow backend).

Run from the repository root with a Python that has TensorFlow and Keras 3 and can import
gradtape (for example ``PYTHONPATH=. <peers venv>/bin/python tools/keras_preprocessing_reference.py``).
Every entry of the CASES dict of each test file is a function of a layers namespace; it is run
with ``keras.layers`` and its result (outputs, vocabularies, boundaries) summarized by the test
file's ``summarize`` as ``(shape, dtype, values)``; the script prints a ``REF = {...}`` literal
per file to paste into it.
"""
# ruff: noqa: E402
import importlib
import os
import sys
import pprint
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import keras

MODULES = ("tests.test_preprocessing_layers", "tests.test_preprocessing_image_layers")


def rounded(x):
    """Floats to 8 significant digits (float32 results carry no more), inside tuples and lists."""
    if isinstance(x, tuple):
        return tuple(rounded(v) for v in x)
    if isinstance(x, list):
        return [rounded(v) for v in x]
    if isinstance(x, float):
        return float(f"{x:.8g}") + 0.0
    return x


def main() -> None:
    for name in MODULES:
        module = importlib.import_module(name)
        print(f"# {name}\nREF = {{")
        for key, run in module.CASES.items():
            entry = pprint.pformat({key: rounded(module.summarize(run(keras.layers)))}, width=116, compact=True)
            print("    " + entry[1:-1].replace("\n ", "\n    ") + ",")
        print("}\n")


if __name__ == "__main__":
    main()

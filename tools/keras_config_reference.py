"""Keras 3's ``get_config()`` of every layer of tests/_keras_config_cases.py, next to gradtape's.

Run from the repository root with a Python that has TensorFlow and Keras 3 and can import
gradtape (``PYTHONPATH=. <peers venv>/bin/python tools/keras_config_reference.py``). Without
arguments it prints, for each layer, the keys whose values differ between the two frameworks
(after a JSON round trip, ignoring ``shared_object_id``); with ``--emit [names...]`` it prints
the ``KERAS_CONFIGS = {...}`` literal of tests/_keras_saving_reference.py, and with
``--model-json`` the ``KERAS_MODEL_JSON`` string there.
"""
# ruff: noqa: E402
import json
import os
import pprint
import sys
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import keras

import gradtape as gt
from tests._keras_config_cases import CASES


def normalized(config: dict) -> dict:
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != "shared_object_id"}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(json.loads(json.dumps(config)))


def keras_model_json() -> str:
    """``to_json()`` of a small Keras functional model: two inputs, a shared layer, an
    operator node and two outputs (for the model_from_json test)."""
    a, b = keras.Input((2,), name="a"), keras.Input((2,), name="b")
    shared = keras.layers.Dense(2, activation="relu", name="shared")
    total = keras.layers.Add(name="total")([shared(a), shared(b)])
    model = keras.Model({"a": a, "b": b}, [total, shared(b) * 2.0], name="two_heads")
    return model.to_json()


def main() -> None:
    if "--model-json" in sys.argv:
        print(f"KERAS_MODEL_JSON = {keras_model_json()!r}")
        return
    emit = "--emit" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = {}
    for name, make in CASES.items():
        if make is None or (only and name not in only):
            continue
        ref = normalized(make(keras.layers).get_config())
        out[name] = ref
        if emit:
            continue
        try:
            mine = normalized(make(gt.layers).get_config())
        except Exception as e:  # report and go on
            print(f"{name}: gradtape failed: {type(e).__name__}: {e}")
            continue
        diff = {k: (ref.get(k, "<missing>"), mine.get(k, "<missing>"))
                for k in sorted(set(ref) | set(mine)) if ref.get(k, "<missing>") != mine.get(k, "<missing>")}
        if diff:
            print(f"{name}: {diff}")
    if emit:
        print("KERAS_CONFIGS = " + pprint.pformat(out, width=110, sort_dicts=False))


if __name__ == "__main__":
    main()

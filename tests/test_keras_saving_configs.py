"""Layer and object configs in Keras 3's layout: every layer's get_config/from_config round
trip, configs equal to Keras's (tests/_keras_saving_reference.py, from
tools/keras_config_reference.py), serialize/deserialize and the custom object registry."""

import inspect
import json

import numpy as np
import pytest

import gradtape as gt
from tests._keras_config_cases import CASES
from tests._keras_saving_reference import KERAS_CONFIGS, KERAS_MODEL_JSON

S = gt.keras.saving


def normalized(config):
    return json.loads(json.dumps(config))


def layer_classes():
    found = {}
    for name in gt.layers.__all__:
        obj = getattr(gt.layers, name)
        if inspect.isclass(obj) and issubclass(obj, gt.layers.Layer) and obj is not gt.layers.Layer:
            found.setdefault(obj, name)
    return found


def test_every_layer_class_has_a_case():
    from gradtape.layers._config import keras_name
    covered = {keras_name(cls) for cls in layer_classes()} - {"Sequential"}
    assert covered <= set(CASES), sorted(covered - set(CASES))


@pytest.mark.parametrize("name", [n for n, make in CASES.items() if make is not None])
def test_layer_config_round_trip(name):
    layer = CASES[name](gt.layers)
    config = layer.get_config()
    assert config["name"] == "a" and config.get("trainable", True) is True
    assert isinstance(config["dtype"], str) or config["dtype"]["class_name"] == "DTypePolicy"
    text = json.dumps(config)  # JSON-compatible
    again = type(layer).from_config(json.loads(text))
    assert type(again) is type(layer)
    assert normalized(again.get_config()) == normalized(config)
    wrapped = S.deserialize_keras_object(S.serialize_keras_object(layer))
    assert normalized(wrapped.get_config()) == normalized(config)


@pytest.mark.parametrize("name", sorted(KERAS_CONFIGS))
def test_layer_config_equals_keras(name):
    assert normalized(CASES[name](gt.layers).get_config()) == KERAS_CONFIGS[name]
    # and Keras's config rebuilds the same layer in gradtape
    layer = type(CASES[name](gt.layers)).from_config(KERAS_CONFIGS[name])
    assert normalized(layer.get_config()) == KERAS_CONFIGS[name]


def test_serialized_layer_uses_keras_module_names():
    out = S.serialize_keras_object(gt.layers.MaxPool2D(name="p"))
    assert (out["module"], out["class_name"], out["registered_name"]) == ("keras.layers", "MaxPooling2D", None)
    built = gt.layers.Dense(2)
    built(gt.ones((1, 3)))
    assert S.serialize_keras_object(built)["build_config"] == {"input_shape": [1, 3]}


def test_unsupported_keras_value_is_refused():
    config = dict(KERAS_CONFIGS["BatchNormalization"], renorm=True)
    with pytest.raises(ValueError, match="renorm=True is not supported"):
        gt.layers.BatchNormalization.from_config(config)


def test_lambda_layer_config_and_safe_mode():
    layer = gt.layers.Lambda(lambda x: x * 3.0, name="triple")
    config = S.serialize_keras_object(layer)
    assert config["config"]["function"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="safe_mode=False"):
        S.deserialize_keras_object(json.loads(json.dumps(config)))
    again = S.deserialize_keras_object(json.loads(json.dumps(config)), safe_mode=False)
    np.testing.assert_allclose(again(gt.constant([1.0, 2.0])).numpy(), [3.0, 6.0])


def test_objects_round_trip():
    objects = [gt.initializers.RandomNormal(0.0, 0.5, seed=3), gt.initializers.GlorotUniform(),
               gt.regularizers.L1L2(0.1, 0.2), gt.constraints.MaxNorm(3.0),
               gt.optimizers.Adam(0.01, amsgrad=True), gt.optimizers.SGD(0.1, momentum=0.9),
               gt.losses.Huber(delta=2.0), gt.metrics.AUC(num_thresholds=50),
               gt.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)]
    for obj in objects:
        config = normalized(S.serialize_keras_object(obj))
        assert config["module"].startswith("keras.") and config["registered_name"] is None
        again = S.deserialize_keras_object(config)
        assert type(again) is type(obj)
        assert normalized(S.serialize_keras_object(again)) == config
    adam = normalized(S.serialize_keras_object(gt.optimizers.Adam()))["config"]
    assert adam["use_ema"] is False and adam["ema_momentum"] == 0.99  # Keras's keys
    fn = S.serialize_keras_object(gt.layers.activations.relu)
    assert fn == {"module": "builtins", "class_name": "function", "config": "relu", "registered_name": "function"}
    assert S.deserialize_keras_object(fn) is gt.layers.activations.relu


def test_plain_values_and_arrays():
    value = {"a": (1, 2.5), "b": np.arange(3, dtype="int32"), "c": None, "d": slice(1, None)}
    out = S.serialize_keras_object(value)
    assert out["a"] == [1, 2.5] and out["b"]["class_name"] == "__numpy__"
    back = S.deserialize_keras_object(json.loads(json.dumps(out)))
    assert back["b"].dtype == np.int32 and back["b"].tolist() == [0, 1, 2] and back["d"] == slice(1, None)


def test_custom_objects_registry_and_scope():
    @S.register_keras_serializable(package="Tests")
    class Scale(gt.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    assert S.get_registered_name(Scale) == "Tests>Scale"
    assert S.get_custom_objects()["Tests>Scale"] is Scale
    config = S.serialize_keras_object(Scale(3.0, name="s"))
    assert config["registered_name"] == "Tests>Scale" and config["config"]["factor"] == 3.0
    assert S.deserialize_keras_object(config).factor == 3.0

    class Unregistered(gt.layers.Layer):
        def __init__(self, k=1, **kwargs):
            super().__init__(**kwargs)
            self.k = k

    config = S.serialize_keras_object(Unregistered(k=5))
    assert config["config"]["k"] == 5  # Keras's automatic config of plain arguments
    with pytest.raises(TypeError, match="Could not locate class 'Unregistered'"):
        S.deserialize_keras_object(config)
    with S.custom_object_scope({"Unregistered": Unregistered}):
        assert S.deserialize_keras_object(config).k == 5
    assert S.deserialize_keras_object(config, custom_objects={"Unregistered": Unregistered}).k == 5


def test_non_plain_arguments_need_get_config():
    class Holder(gt.layers.Layer):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

    with pytest.raises(NotImplementedError, match="must override `get_config\\(\\)`"):
        Holder(gt.layers.Dense(1)).get_config()


def test_model_from_keras_json():
    model = gt.keras.models.model_from_json(KERAS_MODEL_JSON)
    assert model.name == "two_heads" and [x.name for x in model.inputs] == ["a", "b"]
    shared = model.get_layer("shared")
    assert len(model.trainable_variables) == 2  # one shared Dense
    x = {"a": np.ones((2, 2), "float32"), "b": np.full((2, 2), -1.0, "float32")}
    total, twice = model(x)
    relu = lambda v: np.maximum(v @ shared.kernel.numpy() + shared.bias.numpy(), 0)  # noqa: E731
    np.testing.assert_allclose(total.numpy(), relu(x["a"]) + relu(x["b"]), rtol=1e-6)
    np.testing.assert_allclose(twice.numpy(), 2 * relu(x["b"]), rtol=1e-6)
    # gradtape writes the same structure back
    again = json.loads(model.to_json())["config"]
    keras = json.loads(KERAS_MODEL_JSON)["config"]
    assert [entry["name"] for entry in again["layers"]] == [entry["name"] for entry in keras["layers"]]
    assert again["input_layers"] == keras["input_layers"] and again["output_layers"] == keras["output_layers"]
    assert [e["inbound_nodes"] for e in again["layers"]] == [e["inbound_nodes"] for e in keras["layers"]]

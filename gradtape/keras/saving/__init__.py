"""``gt.keras.saving``: Keras 3's whole-model saving and object (de)serialization.

``model.save("model.keras")`` writes a zip with ``config.json``, ``metadata.json`` and the
weights; ``load_model`` reads it back (or a ``.keras`` file written by Keras 3, when h5py is
installed). ``serialize_keras_object``/``deserialize_keras_object`` convert layers, models,
initializers, optimizers, losses and metrics to and from Keras's config dicts; custom classes
are found through ``register_keras_serializable``, ``custom_object_scope`` or
``custom_objects``.

>>> import os, tempfile, numpy as np, gradtape as gt
>>> model = gt.keras.Sequential([gt.keras.Input((3,)), gt.keras.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> gt.keras.saving.save_model(model, path)
>>> loaded = gt.keras.saving.load_model(path)
>>> bool(np.allclose(loaded.get_weights()[0], model.get_weights()[0]))
True
"""

from .object_registration import (
    CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name, get_registered_object,
    register_keras_serializable,
)
from .saving_lib import load_model, model_from_json, save_model
from .serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
           "get_registered_name", "get_registered_object", "load_model", "model_from_json",
           "register_keras_serializable", "save_model", "serialize_keras_object"]

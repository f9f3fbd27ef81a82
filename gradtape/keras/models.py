"""``gt.keras.models``: ``Model``, ``Sequential``, ``load_model`` and ``model_from_json`` under
``tf.keras.models``' names.

>>> import gradtape as gt
>>> gt.keras.models.Sequential is gt.keras.Sequential
True
"""

from .model import Model
from .saving.saving_lib import load_model, model_from_json
from .sequential import Sequential

__all__ = ["Model", "Sequential", "load_model", "model_from_json"]

"""``gt.keras.models``: ``Model`` and ``Sequential`` under ``tf.keras.models``' names.

>>> import gradtape as gt
>>> gt.keras.models.Sequential is gt.keras.Sequential
True
"""

from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]

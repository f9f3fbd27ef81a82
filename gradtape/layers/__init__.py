"""``gt.layers``: Keras-style layers, each a :class:`gradtape.Module` built on its first call.

>>> import gradtape as gt
>>> model = gt.layers.Sequential([
...     gt.layers.Dense(16, activation="relu"),
...     gt.layers.Dropout(0.1, seed=0),
...     gt.layers.Dense(3, activation="softmax"),
... ])
>>> model(gt.ones((4, 8)), training=True).shape
(4, 3)
"""

from . import activations  # noqa: F401
from .attention import MultiHeadAttention
from .base import InputSpecError, Layer
from .conv import (
    AveragePooling2D, AvgPool2D, Conv1D, Conv2D, GlobalAveragePooling2D, GlobalAvgPool2D,
    GlobalMaxPool2D, GlobalMaxPooling2D, MaxPool2D, MaxPooling2D,
)
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .embedding import Embedding
from .normalization import BatchNormalization, LayerNormalization
from .recurrent import GRU, LSTM, SimpleRNN
from .sequential import Sequential

__all__ = [
    "Layer", "InputSpecError", "Dense", "Activation", "Flatten", "Reshape", "Dropout", "Conv1D",
    "Conv2D", "MaxPool2D", "AvgPool2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
    "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D", "BatchNormalization",
    "LayerNormalization", "Embedding", "SimpleRNN", "LSTM", "GRU", "MultiHeadAttention",
    "Sequential", "activations",
]

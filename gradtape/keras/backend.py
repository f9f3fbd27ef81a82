"""``gt.keras.backend``: the few backend functions Keras scripts call (``clear_session``,
``floatx``, ``epsilon``, ``image_data_format``).

>>> import gradtape as gt
>>> gt.keras.backend.floatx(), gt.keras.backend.image_data_format()
('float32', 'channels_last')
"""

from __future__ import annotations

from ..layers import base as _layer_base

__all__ = ["clear_session", "floatx", "epsilon", "set_epsilon", "image_data_format"]

_EPSILON = [1e-7]


def clear_session() -> None:
    """Restart automatic layer names (``dense``, ``dense_1``, ...), as Keras's ``clear_session``.
    gradtape keeps no global graph, so there is nothing else to free.

    >>> import gradtape as gt
    >>> gt.keras.backend.clear_session()
    >>> gt.keras.layers.Dense(1).name
    'dense'
    """
    _layer_base._name_counters.clear()


def floatx() -> str:
    """The default float type of layers' weights: ``"float32"``."""
    return "float32"


def epsilon() -> float:
    """The fuzz factor Keras adds in numeric expressions (``1e-7`` unless set).

    >>> import gradtape as gt
    >>> gt.keras.backend.epsilon()
    1e-07
    """
    return _EPSILON[0]


def set_epsilon(value: float) -> None:
    """Set the value :func:`epsilon` returns."""
    _EPSILON[0] = float(value)


def image_data_format() -> str:
    """gradtape's images are NHWC: ``"channels_last"``."""
    return "channels_last"

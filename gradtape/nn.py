"""``gt.nn``: activations, losses, normalization, convolutions and pooling, as ``tf.nn``."""

from .ops.math import sigmoid, tanh  # noqa: F401
from .ops.nn import *  # noqa: F401,F403

"""``gt.nn``: activations, losses, normalization, convolutions and pooling, as ``tf.nn``."""

from .ops.math import log_sigmoid, sigmoid, softplus, softsign, tanh  # noqa: F401
from .ops.nn import *  # noqa: F401,F403
from .ops.norm import *  # noqa: F401,F403
from .ops.conv import *  # noqa: F401,F403

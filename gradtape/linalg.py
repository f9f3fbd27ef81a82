"""``gt.linalg``: matrix products, decompositions and solvers, as ``tf.linalg``."""

from .ops.linalg import *  # noqa: F401,F403

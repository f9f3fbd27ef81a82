"""``gt.linalg``: matrix products, decompositions and solvers, as ``tf.linalg``."""

from .ops.creation import eye  # noqa: F401  (tf.linalg.eye)
from .ops.linalg import *  # noqa: F401,F403
from .ops.linalg_decomp import *  # noqa: F401,F403

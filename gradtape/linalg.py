"""``gt.linalg``: matrix products, decompositions and solvers, as ``tf.linalg``."""

from .ops.creation import eye  # noqa: F401  (tf.linalg.eye)
from .ops.linalg import *  # noqa: F401,F403
from .ops.linalg_decomp import *  # noqa: F401,F403
from .ops.linalg_factor import *  # noqa: F401,F403
from .ops.linalg_structured import *  # noqa: F401,F403
from .ops.linalg_functions import *  # noqa: F401,F403
from .ops.array import einsum, tensordot  # noqa: F401,E402  (tf.linalg.einsum, tf.linalg.tensordot)
from .ops.clip import global_norm  # noqa: F401,E402  (tf.linalg.global_norm)

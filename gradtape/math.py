"""``gt.math``: elementwise math, reductions and scans, as ``tf.math``."""

from .ops.clip import *  # noqa: F401,F403
from .ops.math import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.scan import *  # noqa: F401,F403
from .ops.nn import softmax, log_softmax  # noqa: F401

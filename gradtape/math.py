"""``gt.math``: elementwise math, reductions and scans, as ``tf.math``."""

from .ops.clip import *  # noqa: F401,F403
from .ops.math import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.scan import *  # noqa: F401,F403
from .ops.arithmetic import *  # noqa: F401,F403
from .ops.counting import *  # noqa: F401,F403
from .ops.equivalents import accumulate_n, approx_max_k, approx_min_k  # noqa: F401
from .ops.segment import *  # noqa: F401,F403
from .ops.special import *  # noqa: F401,F403
from .ops.special_functions import *  # noqa: F401,F403
from .ops.nn import l2_normalize, log_softmax, softmax  # noqa: F401
from . import math_special as special  # noqa: E402,F401  (tf.math.special)

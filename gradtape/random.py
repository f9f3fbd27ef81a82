"""``gt.random``: seeded random tensors, stateless variants and ``Generator``, as ``tf.random``."""

from .ops.random import *  # noqa: F401,F403
from .ops.random_distributions import *  # noqa: F401,F403
from .ops.random_gamma import *  # noqa: F401,F403
from .ops.candidate_sampling import *  # noqa: F401,F403

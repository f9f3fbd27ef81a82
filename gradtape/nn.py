"""``gt.nn``: activations, losses, normalization, convolutions and pooling, as ``tf.nn``."""

from .ops.math import log_sigmoid, sigmoid, softplus, softsign, tanh  # noqa: F401
from .ops.nn import *  # noqa: F401,F403
from .ops.norm import *  # noqa: F401,F403
from .ops.conv import *  # noqa: F401,F403
from .ops.conv_dispatch import *  # noqa: F401,F403
from .ops.conv3d import *  # noqa: F401,F403
from .ops.conv_variants import *  # noqa: F401,F403
from .ops.ctc import *  # noqa: F401,F403
from .ops.morphology import *  # noqa: F401,F403
from .ops.sampled import *  # noqa: F401,F403
from .ops.sparse_segments import embedding_lookup_sparse, safe_embedding_lookup_sparse  # noqa: F401
from .ops.nn_losses import *  # noqa: F401,F403
from .ops.space import *  # noqa: F401,F403
from .ops.statistics import *  # noqa: F401,F403
from .ops.counting import in_top_k, zero_fraction  # noqa: F401  (tf.nn has them too)
from .ops.scan import top_k  # noqa: F401
from .ops.equivalents import approx_max_k, approx_min_k  # noqa: F401

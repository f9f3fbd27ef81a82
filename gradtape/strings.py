"""``gt.strings``: string operations, as ``tf.strings`` (no gradients).

String results are object arrays of Python ``str`` (TensorFlow gives ``bytes``); see
:mod:`gradtape.ops.strings` for the representation and the differences from TensorFlow.
"""

from .ops.strings import *  # noqa: F401,F403

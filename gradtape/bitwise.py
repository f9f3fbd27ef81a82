"""``gt.bitwise``: bitwise operations on integers, as ``tf.bitwise`` (no gradients)."""

from .ops.bits import *  # noqa: F401,F403

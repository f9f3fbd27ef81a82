"""``gt.signal``: Fourier transforms, windows, framing and spectrograms, as ``tf.signal``."""

from .ops.signal import *  # noqa: F401,F403

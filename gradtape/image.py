"""``gt.image``: resizing, flips, crops, color and quality measures, as ``tf.image``."""

from .ops.image import *  # noqa: F401,F403
from .ops.image_color import *  # noqa: F401,F403
from .ops.image_measures import *  # noqa: F401,F403

"""``gt.image``: resizing, flips, crops, color and quality measures, and the image codecs, as
``tf.image``."""

from .ops.image import *  # noqa: F401,F403
from .ops.image_color import *  # noqa: F401,F403
from .ops.image_measures import *  # noqa: F401,F403
from .image_codecs import *  # noqa: F401,F403

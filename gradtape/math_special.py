"""``gt.math.special``: the special functions TensorFlow also lists under ``tf.math.special``.

>>> import gradtape as gt
>>> round(float(gt.math.special.bessel_i0(gt.constant(1.0))), 4)
1.2661
"""

from .ops.special_functions import bessel_i0, bessel_i0e, bessel_i1, bessel_i1e  # noqa: F401

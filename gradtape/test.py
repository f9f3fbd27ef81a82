"""``gt.test``: gradient checking, as ``tf.test.compute_gradient`` and more."""

from .testing import GradientCheckError, check_gradients, compute_gradient  # noqa: F401

"""``gt.autodiff``: forward mode, as ``tf.autodiff``."""

from ._engine.forward import ForwardAccumulator
from ._engine.tape import GradientTape

__all__ = ["ForwardAccumulator", "GradientTape"]

"""The extension API, for people who add their own primitives.

A primitive is declared once with its forward and its derivative rules; see
:func:`primitive`. Rules receive the rule namespace ``m`` (:data:`raw` on first-order passes,
:data:`diff` when they must be differentiable themselves).
"""

from ._engine.primitive import PRIMITIVES, Primitive, bind, diff, helper, primitive, raw  # noqa: F401
from ._engine.backprop import GradientRuleError, unbroadcast  # noqa: F401

"""``gt.errors``: the exception types TensorFlow code catches. gradtape raises Python's own
exceptions (``ValueError``, ``TypeError``, ...) for bad arguments; ``InvalidArgumentError`` is
what a failed assertion raises, a ``ValueError`` too, so either ``except`` clause catches it.

>>> import gradtape as gt
>>> issubclass(gt.errors.InvalidArgumentError, ValueError)
True
"""


class OpError(Exception):
    """The base of the errors an op raises while it runs, as ``tf.errors.OpError``."""


class InvalidArgumentError(OpError, ValueError):
    """An op got an argument it cannot accept (a failed assertion, for example)."""


__all__ = ["InvalidArgumentError", "OpError"]

"""``gt.errors``: the exception types TensorFlow code catches. gradtape raises Python's own
exceptions (``ValueError``, ``TypeError``, ...) for bad arguments; ``InvalidArgumentError`` is
what a failed assertion raises, a ``ValueError`` too, so either ``except`` clause catches it.
The file errors of :mod:`gradtape.io` are also Python's own: ``NotFoundError`` is a
``FileNotFoundError``, ``AlreadyExistsError`` a ``FileExistsError`` and ``DataLossError`` (a
corrupted record) a ``ValueError``.

>>> import gradtape as gt
>>> issubclass(gt.errors.InvalidArgumentError, ValueError)
True
>>> issubclass(gt.errors.NotFoundError, FileNotFoundError)
True
"""


class OpError(Exception):
    """The base of the errors an op raises while it runs, as ``tf.errors.OpError``."""


class InvalidArgumentError(OpError, ValueError):
    """An op got an argument it cannot accept (a failed assertion, for example)."""


class NotFoundError(OpError, FileNotFoundError):
    """A file or directory does not exist, as ``tf.errors.NotFoundError``."""


class AlreadyExistsError(OpError, FileExistsError):
    """A file or directory exists that should not, as ``tf.errors.AlreadyExistsError``."""


class DataLossError(OpError, ValueError):
    """A record is corrupted or truncated (a checksum does not match), as
    ``tf.errors.DataLossError``."""


__all__ = ["AlreadyExistsError", "DataLossError", "InvalidArgumentError", "NotFoundError", "OpError"]

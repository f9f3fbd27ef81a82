"""gradtape's workloads: ``build()`` returns ``{name: zero-argument callable}``.

A workload whose ops gradtape lacks (say ``gt.nn.conv2d``) is left out, and reported 'n/a'.
"""
from .data import ALL, EXTRA, SIX  # noqa: F401


def build():
    from . import core, extra, training
    return {**core.build(), **extra.build(), **training.build()}

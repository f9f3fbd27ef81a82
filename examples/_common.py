"""Helpers shared by the examples (not part of the library)."""

from __future__ import annotations

import contextlib


def blas_threads(n: int | None):
    """Limit BLAS to ``n`` threads while an example runs (``None`` or ``n <= 0``: no limit).

    The matrices in the examples are small: one BLAS thread is as fast on an idle machine and
    many times faster on a busy one, where OpenBLAS's threads wait on each other. Needs
    threadpoolctl (installed with scikit-learn); without it this does nothing.

    >>> with blas_threads(1):
    ...     pass
    """
    if n is not None and n > 0:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            return contextlib.nullcontext()
        return threadpool_limits(limits=n, user_api="blas")
    return contextlib.nullcontext()


def add_run_options(p, out_help: str = "directory for result.json and a plot") -> None:
    """The options every example shares: --seed, --out, --threads, --quiet.

    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> add_run_options(p)
    >>> p.parse_args(["--quiet"]).threads
    1
    """
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help=out_help)
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (0: the library's default)")
    p.add_argument("--quiet", action="store_true")


def run_with_threads(run, args):
    """``run(args)`` with BLAS limited to ``args.threads`` threads; returns its result dict."""
    with blas_threads(args.threads):
        return run(args)

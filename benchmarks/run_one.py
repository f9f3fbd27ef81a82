# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""Time one framework's workloads in this process: ``python -m benchmarks.run_one FW [--quick] NAME ...``

Prints ``RESULT fw name value`` (milliseconds; microseconds per op for the ``*_us`` rows),
``RESULT fw name n/a`` or ``RESULT fw name error ...``, and ``VERSION fw version``. With
``--serve`` it then reads workload names from stdin, one per line (optionally followed by the
seconds to time it for: a short timing), and answers each with its ``RESULT`` line: the suite
keeps one such process per framework and alternates between them workload by workload.
"""
import statistics
import sys
import time


def timeit(fn, quick=False, least=None):
    """Median of repeated calls after warmups, in milliseconds: at least ``repeat`` calls and
    ``least`` seconds of them (short workloads repeat more), at most ``budget`` seconds.
    ``least`` given: a short timing (the suite's duels), at least 5 calls."""
    warm, repeat, usual, budget = (1, 3, 0.05, 0.5) if quick else (2, 11, 0.3, 2.5)
    if least is None:
        least = usual
    else:
        repeat, budget = 5, max(budget, 4 * least)
    t_warm = time.perf_counter() + least / 3
    for k in range(1000):
        fn()
        if k + 1 >= warm and time.perf_counter() > t_warm:
            break
    ts, start = [], time.perf_counter()
    while True:
        t0 = time.perf_counter(); fn(); t1 = time.perf_counter(); ts.append(t1 - t0)
        if len(ts) >= 3 and t1 - start > budget:
            break
        if len(ts) >= repeat and t1 - start > least:
            break
    return statistics.median(ts) * 1e3


def load(fw):
    """(workloads dict, version string) for a framework name."""
    if fw == "gradtape":
        import numpy as np
        import gradtape
        from .workloads import build
        from gradtape import _native
        kernels = (f"compiled kernels: {_native.kernels().variant()}" if _native.kernels() is not None
                   else "compiled kernels: off")
        return build(), f"{getattr(gradtape, '__version__', '?')} (NumPy {np.__version__}; {kernels})"
    from .peers import load as load_peer
    return load_peer(fw)


def result_line(fw, work, n, quick, least=None):
    """``RESULT fw n value`` for one workload (``n/a`` when the framework lacks it)."""
    from .workloads.data import N_OPS
    if n not in work:
        return f"RESULT {fw} {n} n/a"
    try:
        ms = timeit(work[n], quick, least)
        val = ms * 1e3 / N_OPS if n.endswith("_us") else ms
        return f"RESULT {fw} {n} {val:.4g}"
    except Exception as e:
        msg = " ".join(str(e).split())[:150]
        return f"RESULT {fw} {n} error {type(e).__name__}: {msg}"


def main(argv):
    quick = "--quick" in argv
    serve = "--serve" in argv
    fw, *names = [a for a in argv if a not in ("--quick", "--serve")]
    try:
        work, version = load(fw)
    except Exception as e:  # an import failure reports every workload as an error
        for n in names:
            print(f"RESULT {fw} {n} error {type(e).__name__}: {str(e)[:150]}", flush=True)
        if serve:
            print(f"LOADERROR {type(e).__name__}: {str(e)[:150]}", flush=True)
        return
    print(f"VERSION {fw} {version}", flush=True)
    for n in names:
        print(result_line(fw, work, n, quick), flush=True)
    if serve:  # then lines "NAME [SECONDS]" on stdin, one RESULT line back each
        for line in sys.stdin:
            parts = line.split()
            if not parts or parts[0] == "quit":
                break
            least = float(parts[1]) if len(parts) > 1 else None
            print(result_line(fw, work, parts[0], quick, least), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

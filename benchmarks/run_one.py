# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""Time one framework's workloads in this process: ``python -m benchmarks.run_one FW [--quick] NAME ...``

Prints ``RESULT fw name value`` (milliseconds; microseconds per op for the ``*_us`` rows),
``RESULT fw name n/a`` or ``RESULT fw name error ...``, and ``VERSION fw version``.
"""
import statistics
import sys
import time


def timeit(fn, quick=False):
    """Median of repeated calls after warmups, in milliseconds."""
    warm, repeat, budget = (1, 3, 0.5) if quick else (2, 11, 2.5)
    for _ in range(warm):
        fn()
    ts, end = [], time.perf_counter() + budget
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
        if time.perf_counter() > end and len(ts) >= 3:
            break
    return statistics.median(ts) * 1e3


def load(fw):
    """(workloads dict, version string) for a framework name."""
    if fw == "gradtape":
        import numpy as np
        import gradtape
        from .workloads import build
        return build(), f"{getattr(gradtape, '__version__', '?')} (NumPy {np.__version__})"
    from .peers import load as load_peer
    return load_peer(fw)


def main(argv):
    quick = "--quick" in argv
    fw, *names = [a for a in argv if a != "--quick"]
    try:
        work, version = load(fw)
    except Exception as e:  # an import failure reports every workload as an error
        for n in names:
            print(f"RESULT {fw} {n} error {type(e).__name__}: {str(e)[:150]}", flush=True)
        return
    print(f"VERSION {fw} {version}", flush=True)
    from .workloads.data import N_OPS
    for n in names:
        if n not in work:
            print(f"RESULT {fw} {n} n/a", flush=True); continue
        try:
            ms = timeit(work[n], quick)
            val = ms * 1e3 / N_OPS if n.endswith("_us") else ms
            print(f"RESULT {fw} {n} {val:.4g}", flush=True)
        except Exception as e:
            msg = " ".join(str(e).split())[:150]
            print(f"RESULT {fw} {n} error {type(e).__name__}: {msg}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

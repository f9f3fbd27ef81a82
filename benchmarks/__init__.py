"""gradtape's benchmark suite: ``python -m benchmarks`` (see ``python -m benchmarks --help``).

Every framework, gradtape included, is timed in a subprocess of its own with two threads.
"""
import os

THREAD_ENV = {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}
for _k, _v in THREAD_ENV.items():
    os.environ.setdefault(_k, _v)

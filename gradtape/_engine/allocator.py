"""Keep freed memory in the process between steps (glibc only; opt out with an env variable).

A training step allocates and frees the same large arrays again and again. By default glibc
returns every large block to the operating system when it is freed (``mmap``/``munmap`` above a
threshold, and trimming the heap top), so each step faults its memory in anew: thousands of
page faults per step, a third of a small CNN's time. PyTorch and TensorFlow avoid this with
caching allocators of their own; gradtape asks glibc to keep blocks of up to 32 MB on its heap
and to trim it only past 512 MB of free memory. Peak memory is unchanged; memory freed by
gradtape stays with the process for reuse.

Set ``GRADTAPE_MALLOC_TUNING=0`` before importing gradtape to leave glibc's defaults alone.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 512 << 20

applied = False


def tune() -> bool:
    """Apply the settings once; return whether they are in effect."""
    global applied
    if applied:
        return True
    if os.environ.get("GRADTAPE_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
        ok = libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to do
        return False
    applied = ok
    return ok

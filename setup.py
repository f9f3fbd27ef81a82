"""Builds gradtape's optional compiled kernels (gradtape/_native/kernels.c). Everything else is
in pyproject.toml. Without a C compiler the build goes on and gradtape uses NumPy for them."""
from glob import glob

from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "gradtape._native._kernels", ["gradtape/_native/kernels.c"], optional=True,
    depends=sorted(glob("gradtape/_native/*.h")),
    # -ffp-contract=off: no fused multiply-adds, so results match the NumPy path's rounding
    extra_compile_args=["-O3", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off",
                        "-std=c99"])])

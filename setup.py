"""Builds gradtape's optional compiled kernels (gradtape/_native/kernels.c). Everything else is
in pyproject.toml. Without a C compiler the build goes on and gradtape uses NumPy for them."""
from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "gradtape._native._kernels", ["gradtape/_native/kernels.c"], optional=True,
    depends=["gradtape/_native/im2col.h", "gradtape/_native/norm.h", "gradtape/_native/optim.h",
             "gradtape/_native/pooling.h"],
    extra_compile_args=["-O3", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-std=c99"])])

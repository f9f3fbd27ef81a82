"""``gt.config`` and ``gt.device``: the device queries TensorFlow scripts start with.

gradtape computes on the CPU with NumPy: there is one device, ``/physical_device:CPU:0``, and
no GPU, so ``gt.config.list_physical_devices("GPU")`` is empty and scripts that check for a GPU
take their CPU path. Functions always run eagerly (see :func:`gradtape.function`).
"""

from __future__ import annotations

import contextlib
from typing import NamedTuple

from . import config_threading as threading

__all__ = ["LogicalDevice", "PhysicalDevice", "device", "functions_run_eagerly",
           "list_logical_devices", "list_physical_devices", "native_kernels", "run_functions_eagerly",
           "set_native_kernels", "threading"]


class PhysicalDevice(NamedTuple):
    """A device of the machine, as ``tf.config.PhysicalDevice``."""

    name: str
    device_type: str


class LogicalDevice(NamedTuple):
    """A device ops run on, as ``tf.config.LogicalDevice``."""

    name: str
    device_type: str


_TYPES = ("CPU", "GPU", "TPU")


def _check_type(device_type, op: str) -> str | None:
    if device_type is None:
        return None
    t = str(device_type).upper()
    if t not in _TYPES:
        raise ValueError(f"config.{op}: device_type {device_type!r} is not one of {', '.join(_TYPES)}")
    return t


def list_physical_devices(device_type: str | None = None) -> list:
    """The machine's devices of ``device_type`` (all when None): the one CPU.

    >>> import gradtape as gt
    >>> gt.config.list_physical_devices("GPU")
    []
    >>> gt.config.list_physical_devices("CPU")[0].name
    '/physical_device:CPU:0'
    """
    t = _check_type(device_type, "list_physical_devices")
    return [PhysicalDevice("/physical_device:CPU:0", "CPU")] if t in (None, "CPU") else []


def list_logical_devices(device_type: str | None = None) -> list:
    """The devices ops run on, of ``device_type`` (all when None): the one CPU.

    >>> import gradtape as gt
    >>> [d.name for d in gt.config.list_logical_devices()]
    ['/device:CPU:0']
    """
    t = _check_type(device_type, "list_logical_devices")
    return [LogicalDevice("/device:CPU:0", "CPU")] if t in (None, "CPU") else []


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Accepted for porting: gradtape functions always run eagerly, whatever the setting.

    >>> import gradtape as gt
    >>> gt.config.run_functions_eagerly(True)
    """
    if not isinstance(run_eagerly, bool):
        raise TypeError(f"config.run_functions_eagerly: expected a bool, got {type(run_eagerly).__name__}")


def functions_run_eagerly() -> bool:
    """Always True: gradtape has no graphs, so functions run eagerly.

    >>> import gradtape as gt
    >>> gt.config.functions_run_eagerly()
    True
    """
    return True


def set_native_kernels(enabled: bool) -> None:
    """Use gradtape's compiled kernels (max pooling, convolution windows, layer normalization,
    the gradients of relu and softmax, Adam's step) when they are built, or NumPy alone. A
    gradtape extension; the environment variable ``GRADTAPE_NATIVE=0`` turns them off from the
    start. Results agree exactly or to rounding (docs/performance.md says which).

    >>> import gradtape as gt
    >>> gt.config.set_native_kernels(False)
    >>> gt.config.native_kernels()
    False
    >>> gt.config.set_native_kernels(True)
    """
    if not isinstance(enabled, bool):
        raise TypeError(f"config.set_native_kernels: expected a bool, got {type(enabled).__name__}")
    from . import _native
    _native.set_enabled(enabled)


def native_kernels() -> bool:
    """Whether ops run gradtape's compiled kernels: they were built at install time (a C
    compiler was present) and are not turned off (see :func:`set_native_kernels`).

    >>> import gradtape as gt
    >>> isinstance(gt.config.native_kernels(), bool)
    True
    """
    from . import _native
    return _native.enabled()


@contextlib.contextmanager
def device(device_name: str | None):
    """``tf.device``: a context for placing ops. Everything runs on the CPU, so any device
    string (``"/CPU:0"``, ``"/GPU:0"``) is accepted and ops inside run as outside, as TensorFlow
    does with soft placement when the device is missing.

    >>> import gradtape as gt
    >>> with gt.device("/CPU:0"):
    ...     y = gt.constant(2.0) * 3.0
    >>> float(y)
    6.0
    """
    if device_name is not None and not isinstance(device_name, str):
        raise TypeError(f"device: device_name must be a string such as '/CPU:0', got "
                        f"{type(device_name).__name__}")
    yield

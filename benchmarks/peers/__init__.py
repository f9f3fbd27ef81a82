"""Peer frameworks' versions of the workloads, run only in the peers' own Python.

Each ``fw_*.py`` has ``build() -> {name: callable}`` and ``version()``; a workload a framework
lacks is simply absent (reported 'n/a').
"""
import importlib

MODULES = {"tf": "tensorflow", "torch": "torch", "jax": "jax", "autograd": "autograd", "mygrad": "mygrad"}
FRAMEWORKS = list(MODULES)


def load(fw):
    mod = importlib.import_module(f".fw_{fw}", __name__)
    return mod.build(), mod.version()

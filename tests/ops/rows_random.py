"""Table rows: the random ops with gradients (gamma's implicit reparameterization with respect
to alpha, and beta's scaling), at fixed seeds so that the samples are functions of the
parameters. TensorFlow has no second derivative with respect to alpha: first order only."""

import gradtape as gt

from .table import Row


def _gamma_seeded(alpha, beta):
    gt.random.set_seed(5)  # every call draws the same uniforms: one function for finite differences
    return gt.random.gamma((3,), alpha, beta, dtype=gt.float64, seed=3)


ROWS = [
    Row("gamma", _gamma_seeded, None, [((2,), (2,)), ((), ())], domain=(0.5, 3.0), order=1),
    Row("stateless_gamma", lambda a, b: gt.random.stateless_gamma((4, 2), [1, 2], a, b, dtype=gt.float64),
        None, [((2,), (2,))], domain=(0.3, 4.0), order=1),
    Row("stateless_gamma_small_alpha", lambda a: gt.random.stateless_gamma((5,), [7, 8], a, dtype=gt.float64),
        None, [((5,),)], domain=(0.05, 0.3), order=1),
]

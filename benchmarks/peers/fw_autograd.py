# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""HIPS autograd versions (no convolutions in autograd.numpy: cnn is n/a)."""
import autograd
import autograd.numpy as anp
import numpy as np

from ..workloads import data as d


def version():
    from importlib.metadata import version as v
    return v("autograd")


def build():
    def chain():
        def f(x):
            y = x
            for _ in range(d.N_CHAIN):
                y = anp.sin(y) * 1.01 + 0.1
            return y
        return autograd.grad(f)(0.5)

    def mlp_loss(p):
        h = anp.maximum(d.X784 @ p[0] + p[1], 0); h = anp.maximum(h @ p[2] + p[3], 0); lo = h @ p[4] + p[5]
        lo = lo - anp.max(lo, axis=1, keepdims=True)
        lsm = lo - anp.log(anp.sum(anp.exp(lo), axis=1, keepdims=True))
        return -anp.mean(lsm[np.arange(128), d.Y10])

    def mlp():
        return autograd.grad(mlp_loss)(list(d.MLP))

    def rnn_loss(r):
        h = anp.zeros((d.B, d.H))
        for i in range(d.T):
            h = anp.tanh(d.XS[i] @ r[0] + h @ r[1])
        return anp.sum(h * h)

    def rnn():
        return autograd.grad(rnn_loss)([d.WX, d.WH])

    def jacobian():
        return autograd.jacobian(lambda x: anp.tanh(d.WJ @ x))(d.XJ)

    def hvp():
        return autograd.hessian_tensor_product(lambda z: anp.sum(anp.tanh(d.WJ @ z) ** 2))(d.XJ, d.VJ)
    return dict(chain=chain, mlp=mlp, rnn=rnn, jacobian=jacobian, hvp=hvp)

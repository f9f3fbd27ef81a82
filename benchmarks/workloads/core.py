# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""The six workloads of the shared side-by-side suite, in gradtape (same shapes and math)."""
import gradtape as gt

from .data import (B, H, IMG, K1, K2, MLP, N_CHAIN, T, VJ, WD, WH, WJ, WX, X784, XJ, XS, Y10, YI)


def build():
    def chain():
        x = gt.constant(0.5)
        with gt.GradientTape() as t:
            t.watch(x); y = x
            for _ in range(N_CHAIN):
                y = gt.sin(y) * 1.01 + 0.1
        return t.gradient(y, x)
    vs = [gt.Variable(a) for a in MLP]
    x784, y10 = gt.constant(X784), gt.constant(Y10)

    def mlp():
        with gt.GradientTape() as t:
            h = gt.nn.relu(x784 @ vs[0] + vs[1]); h = gt.nn.relu(h @ vs[2] + vs[3]); lo = h @ vs[4] + vs[5]
            loss = gt.reduce_mean(gt.nn.sparse_softmax_cross_entropy_with_logits(y10, lo))
        return t.gradient(loss, vs)
    ks = [gt.Variable(K1), gt.Variable(K2), gt.Variable(WD)]; img, yi = gt.constant(IMG), gt.constant(YI)

    def cnn():
        with gt.GradientTape() as t:
            h = gt.nn.max_pool2d(gt.nn.relu(gt.nn.conv2d(img, ks[0], 1, "SAME")), 2, 2, "VALID")
            h = gt.nn.max_pool2d(gt.nn.relu(gt.nn.conv2d(h, ks[1], 1, "SAME")), 2, 2, "VALID")
            lo = gt.reshape(h, (64, -1)) @ ks[2]
            loss = gt.reduce_mean(gt.nn.sparse_softmax_cross_entropy_with_logits(yi, lo))
        return t.gradient(loss, ks)
    rv = [gt.Variable(WX), gt.Variable(WH)]; xs = gt.constant(XS)

    def rnn():
        with gt.GradientTape() as t:
            h = gt.zeros((B, H))
            for i in range(T):
                h = gt.tanh(xs[i] @ rv[0] + h @ rv[1])
            loss = gt.reduce_sum(h * h)
        return t.gradient(loss, rv)
    wj, xj, vj = gt.constant(WJ), gt.constant(XJ), gt.constant(VJ)

    def jacobian():
        with gt.GradientTape() as t:
            t.watch(xj); y = gt.tanh(gt.linalg.matvec(wj, xj))
        return t.jacobian(y, xj)

    def hvp():
        with gt.GradientTape() as t2:
            t2.watch(xj)
            with gt.GradientTape() as t1:
                t1.watch(xj); y = gt.reduce_sum(gt.tanh(gt.linalg.matvec(wj, xj)) ** 2)
            g = t1.gradient(y, xj)
        return t2.gradient(g, xj, output_gradients=vj)
    out = dict(chain=chain, mlp=mlp, cnn=cnn, rnn=rnn, jacobian=jacobian, hvp=hvp)
    if not (hasattr(gt.nn, "conv2d") and hasattr(gt.nn, "max_pool2d")):
        del out["cnn"]
    return out

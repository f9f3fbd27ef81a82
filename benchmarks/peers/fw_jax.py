# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""JAX versions (eager, no jit, as in the shared suite)."""
import jax
import jax.numpy as jnp

from ..workloads import data as d

A = jnp.asarray
ready = jax.block_until_ready


def version():
    return jax.__version__


def xent(lo, y):
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(lo), y[:, None], 1))


def build():
    def chain():
        def f(x):
            y = x
            for _ in range(d.N_CHAIN):
                y = jnp.sin(y) * 1.01 + 0.1
            return y
        return jax.grad(f)(0.5)

    def mlp_loss(p, x, y):
        h = jax.nn.relu(x @ p[0] + p[1]); h = jax.nn.relu(h @ p[2] + p[3])
        return xent(h @ p[4] + p[5], y)
    ps = [A(a) for a in d.MLP]; x784, y10 = A(d.X784), A(d.Y10)

    def mlp():
        return ready(jax.grad(mlp_loss)(ps, x784, y10))

    def cnn_loss(k, img, y):
        dn = ("NHWC", "HWIO", "NHWC")
        pool = lambda h: jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = pool(jax.nn.relu(jax.lax.conv_general_dilated(img, k[0], (1, 1), "SAME", dimension_numbers=dn)))
        h = pool(jax.nn.relu(jax.lax.conv_general_dilated(h, k[1], (1, 1), "SAME", dimension_numbers=dn)))
        return xent(h.reshape(64, -1) @ k[2], y)
    ks = [A(a) for a in (d.K1, d.K2, d.WD)]; img, yi = A(d.IMG), A(d.YI)

    def cnn():
        return ready(jax.grad(cnn_loss)(ks, img, yi))
    xs = A(d.XS)

    def rnn_loss(r):
        h = jnp.zeros((d.B, d.H))
        for i in range(d.T):
            h = jnp.tanh(xs[i] @ r[0] + h @ r[1])
        return jnp.sum(h * h)
    rv = [A(d.WX), A(d.WH)]

    def rnn():
        return ready(jax.grad(rnn_loss)(rv))
    wj, xj, vj = A(d.WJ), A(d.XJ), A(d.VJ)

    def jacobian():
        return ready(jax.jacrev(lambda x: jnp.tanh(wj @ x))(xj))

    def hvp():
        g = jax.grad(lambda z: jnp.sum(jnp.tanh(wj @ z) ** 2))
        return ready(jax.jvp(g, (xj,), (vj,))[1])
    ha, hx = A(d.HA), A(d.HXV)

    def hessian():
        return ready(jax.hessian(lambda x: jax.nn.logsumexp(ha @ x) + jnp.sum(x ** 4) / 4)(hx))
    px, py, pw = A(d.PX), A(d.PY), (A(d.PW1), A(d.PW2))

    def one_loss(w, x, y):
        return xent((jax.nn.relu(x @ w[0]) @ w[1])[None], y[None])

    def persample():
        return ready(jax.vmap(jax.grad(one_loss), in_axes=(None, 0, 0))(pw, px, py))
    oa, ob = A(d.OA), A(d.OB)

    def op_notape_us():
        for _ in range(d.N_OPS):
            jnp.add(oa, ob)
    return dict(chain=chain, mlp=mlp, cnn=cnn, rnn=rnn, jacobian=jacobian, hvp=hvp, hessian=hessian,
                persample=persample, op_notape_us=op_notape_us)

# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""MyGrad versions (backward() style; chain, mlp and rnn only)."""
import mygrad as mg

from ..workloads import data as d


def version():
    return mg.__version__


def build():
    def chain():
        x = mg.tensor(0.5); y = x
        for _ in range(d.N_CHAIN):
            y = mg.sin(y) * 1.01 + 0.1
        y.backward(); return x.grad

    def mlp():
        p = [mg.tensor(a) for a in d.MLP]
        h = mg.nnet.relu(mg.matmul(d.X784, p[0]) + p[1]); h = mg.nnet.relu(mg.matmul(h, p[2]) + p[3])
        loss = mg.nnet.softmax_crossentropy(mg.matmul(h, p[4]) + p[5], d.Y10)
        loss.backward(); return [q.grad for q in p]

    def rnn():
        r = [mg.tensor(d.WX), mg.tensor(d.WH)]; h = mg.zeros((d.B, d.H))
        for i in range(d.T):
            h = mg.tanh(mg.matmul(d.XS[i], r[0]) + mg.matmul(h, r[1]))
        (h * h).sum().backward(); return [q.grad for q in r]
    return dict(chain=chain, mlp=mlp, rnn=rnn)

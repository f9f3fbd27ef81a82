# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""PyTorch versions (torch.func where it is the idiomatic fastest path)."""
import numpy as np
import torch

from ..workloads import data as d

torch.set_num_threads(2)
F = torch.nn.functional
T_ = lambda a, grad=False: torch.tensor(a, requires_grad=grad)


def version():
    return torch.__version__


def block(x, p):
    bs, s, dm = x.shape
    heads = lambda t: t.reshape(bs, s, d.NH, dm // d.NH).transpose(1, 2)
    h = F.layer_norm(x, (dm,), p[0], p[1], 1e-5)
    q, k, v = heads(h @ p[2]), heads(h @ p[3]), heads(h @ p[4])
    a = torch.softmax(q @ k.transpose(-1, -2) / np.sqrt(dm // d.NH), -1)
    x = x + (a @ v).transpose(1, 2).reshape(bs, s, dm) @ p[5]
    h = F.layer_norm(x, (dm,), p[6], p[7], 1e-5)
    return x + F.relu(h @ p[8] + p[9]) @ p[10] + p[11]


def build():
    def chain():
        x = torch.tensor(0.5, requires_grad=True); y = x
        for _ in range(d.N_CHAIN):
            y = torch.sin(y) * 1.01 + 0.1
        return torch.autograd.grad(y, x)
    ps = [T_(a, True) for a in d.MLP]; x784, y10 = T_(d.X784), T_(d.Y10)

    def mlp():
        h = F.relu(x784 @ ps[0] + ps[1]); h = F.relu(h @ ps[2] + ps[3]); lo = h @ ps[4] + ps[5]
        return torch.autograd.grad(F.cross_entropy(lo, y10), ps)
    oihw = lambda k: T_(k.transpose(3, 2, 0, 1).copy(), True)
    ks = [oihw(d.K1), oihw(d.K2), T_(d.WD, True)]
    img, yi = T_(d.IMG.transpose(0, 3, 1, 2).copy()), T_(d.YI)

    def cnn():
        h = F.max_pool2d(F.relu(F.conv2d(img, ks[0], padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, ks[1], padding=1)), 2)
        # NCHW flattening order differs from NHWC; same FLOPs and shapes
        return torch.autograd.grad(F.cross_entropy(h.reshape(64, -1) @ ks[2], yi), ks)
    rv = [T_(d.WX, True), T_(d.WH, True)]; xs = T_(d.XS)

    def rnn():
        h = torch.zeros(d.B, d.H)
        for i in range(d.T):
            h = torch.tanh(xs[i] @ rv[0] + h @ rv[1])
        return torch.autograd.grad((h * h).sum(), rv)
    wj, xj, vj = T_(d.WJ), T_(d.XJ), T_(d.VJ)

    def jacobian():
        return torch.func.jacrev(lambda x: torch.tanh(wj @ x))(xj)

    def hvp():
        g = lambda x: torch.func.grad(lambda z: (torch.tanh(wj @ z) ** 2).sum())(x)
        return torch.func.jvp(g, (xj,), (vj,))[1]
    tx, tp = T_(d.TX), [T_(a, True) for a in d.TP]

    def transformer():
        return torch.autograd.grad((block(tx, tp) ** 2).mean(), tp)
    lv = [T_(a, True) for a in (d.LX, d.LH, d.LB)]

    def lstm():
        H = d.H; h = c = torch.zeros(d.B, H)
        for i in range(d.T):
            z = xs[i] @ lv[0] + h @ lv[1] + lv[2]
            c = torch.sigmoid(z[:, H:2 * H]) * c + torch.sigmoid(z[:, :H]) * torch.tanh(z[:, 2 * H:3 * H])
            h = torch.sigmoid(z[:, 3 * H:]) * torch.tanh(c)
        return torch.autograd.grad((h * h).sum(), lv)
    ha, hx = T_(d.HA), T_(d.HXV)

    def hessian():
        return torch.func.hessian(lambda x: torch.logsumexp(ha @ x, 0) + (x ** 4).sum() / 4)(hx)
    px, py, pw = T_(d.PX), T_(d.PY), (T_(d.PW1), T_(d.PW2))

    def one_loss(w, x, y):
        return F.cross_entropy((F.relu(x @ w[0]) @ w[1])[None], y[None])

    def persample():
        return torch.func.vmap(torch.func.grad(one_loss), in_dims=(None, 0, 0))(pw, px, py)
    oa, ob, og = T_(d.OA), T_(d.OB), T_(d.OA, True)

    def op_notape_us():
        for _ in range(d.N_OPS):
            torch.add(oa, ob)

    def op_tape_us():
        for _ in range(d.N_OPS):
            torch.add(og, ob)
    fm = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                             torch.nn.ReLU(), torch.nn.Linear(512, 10))
    fopt = torch.optim.Adam(fm.parameters(), lr=1e-3)
    fx, fy = T_(d.FX), T_(d.FY)

    def keras_fit():  # the same epoch as a plain PyTorch loop, with the running accuracy
        fm.train(); correct = 0
        for i in range(0, len(fx), d.FB):
            xb, yb = fx[i:i + d.FB], fy[i:i + d.FB]
            out = fm(xb); loss = F.cross_entropy(out, yb)
            fopt.zero_grad(); loss.backward(); fopt.step()
            correct += (out.argmax(1) == yb).sum().item()
        return correct
    return dict(chain=chain, mlp=mlp, cnn=cnn, rnn=rnn, jacobian=jacobian, hvp=hvp,
                transformer=transformer, lstm=lstm, hessian=hessian, persample=persample,
                op_notape_us=op_notape_us, op_tape_us=op_tape_us, keras_fit=keras_fit)

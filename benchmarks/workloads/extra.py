"""gradtape's own workloads: transformer block, LSTM, Hessian, per-sample gradients, op overhead."""
import numpy as np

import gradtape as gt

from . import data as d


def layer_norm(x, g, b):
    return gt.nn.layer_normalization(x, g, b, epsilon=1e-5)  # fused, as PyTorch's F.layer_norm


def transformer_block(x, p):
    bs, s, dm = x.shape
    dh = dm // d.NH
    heads = lambda t: gt.transpose(gt.reshape(t, (bs, s, d.NH, dh)), (0, 2, 1, 3))
    h = layer_norm(x, p[0], p[1])
    q, k, v = heads(h @ p[2]), heads(h @ p[3]), heads(h @ p[4])
    a = gt.nn.softmax((q @ gt.transpose(k, (0, 1, 3, 2))) * (1.0 / np.sqrt(dh)), axis=-1)
    o = gt.reshape(gt.transpose(a @ v, (0, 2, 1, 3)), (bs, s, dm))
    x = x + o @ p[5]
    h = layer_norm(x, p[6], p[7])
    return x + gt.nn.relu(h @ p[8] + p[9]) @ p[10] + p[11]


def build():
    tx, tp = gt.constant(d.TX), [gt.Variable(a) for a in d.TP]

    def transformer():
        with gt.GradientTape() as t:
            loss = gt.reduce_mean(transformer_block(tx, tp) ** 2)
        return t.gradient(loss, tp)
    xs, lv = gt.constant(d.XS), [gt.Variable(a) for a in (d.LX, d.LH, d.LB)]

    def lstm():
        H = d.H
        with gt.GradientTape() as t:
            h = c = gt.zeros((d.B, H))
            for i in range(d.T):
                z = xs[i] @ lv[0] + h @ lv[1] + lv[2]
                c = gt.sigmoid(z[:, H:2 * H]) * c + gt.sigmoid(z[:, :H]) * gt.tanh(z[:, 2 * H:3 * H])
                h = gt.sigmoid(z[:, 3 * H:]) * gt.tanh(c)
            loss = gt.reduce_sum(h * h)
        return t.gradient(loss, lv)
    ha, hx = gt.constant(d.HA), gt.constant(d.HXV)

    def hessian():
        with gt.GradientTape() as t2:
            t2.watch(hx)
            with gt.GradientTape() as t1:
                t1.watch(hx)
                y = gt.math.log(gt.reduce_sum(gt.exp(gt.linalg.matvec(ha, hx)))) + gt.reduce_sum(hx ** 4) / 4
            g = t1.gradient(y, hx)
        return t2.jacobian(g, hx)
    px, py = gt.constant(d.PX[:, None, :]), gt.constant(d.PY)
    pw = [gt.constant(np.broadcast_to(w, (d.PB,) + w.shape).copy()) for w in (d.PW1, d.PW2)]

    def persample():
        with gt.GradientTape(persistent=True) as t:
            t.watch(pw)
            lo = gt.reshape(gt.nn.relu(px @ pw[0]) @ pw[1], (d.PB, 10))
            loss = gt.reshape(gt.nn.sparse_softmax_cross_entropy_with_logits(py, lo), (d.PB, 1))
        return [t.batch_jacobian(loss, w) for w in pw]
    oa, ob = gt.constant(d.OA), gt.constant(d.OB)

    def op_notape_us():
        for _ in range(d.N_OPS):
            gt.add(oa, ob)

    def op_tape_us():
        with gt.GradientTape() as t:
            t.watch(oa)
            for _ in range(d.N_OPS):
                gt.add(oa, ob)
    return dict(transformer=transformer, lstm=lstm, hessian=hessian, persample=persample,
                op_notape_us=op_notape_us, op_tape_us=op_tape_us)

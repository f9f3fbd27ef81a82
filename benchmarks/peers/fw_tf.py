# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""TensorFlow (eager) versions: the same GradientTape code as gradtape's."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from ..workloads import data as d  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(2)
tf.config.threading.set_inter_op_parallelism_threads(2)
nn, C, V = tf.nn, tf.constant, tf.Variable


def version():
    return tf.__version__


def layer_norm(x, g, b):
    m, v = nn.moments(x, axes=[-1], keepdims=True)
    return (x - m) * tf.math.rsqrt(v + 1e-5) * g + b


def block(x, p):
    bs, s, dm = x.shape
    heads = lambda t: tf.transpose(tf.reshape(t, (bs, s, d.NH, dm // d.NH)), (0, 2, 1, 3))
    h = layer_norm(x, p[0], p[1])
    q, k, v = heads(h @ p[2]), heads(h @ p[3]), heads(h @ p[4])
    a = nn.softmax(tf.matmul(q, k, transpose_b=True) / np.sqrt(dm // d.NH), axis=-1)
    x = x + tf.reshape(tf.transpose(a @ v, (0, 2, 1, 3)), (bs, s, dm)) @ p[5]
    h = layer_norm(x, p[6], p[7])
    return x + nn.relu(h @ p[8] + p[9]) @ p[10] + p[11]


def xent_mean(y, lo):
    return tf.reduce_mean(nn.sparse_softmax_cross_entropy_with_logits(y, lo))


def build():
    def chain():
        x = C(0.5)
        with tf.GradientTape() as t:
            t.watch(x); y = x
            for _ in range(d.N_CHAIN):
                y = tf.sin(y) * 1.01 + 0.1
        return t.gradient(y, x)
    vs = [V(a) for a in d.MLP]; x784, y10 = C(d.X784), C(d.Y10)

    def mlp():
        with tf.GradientTape() as t:
            h = nn.relu(x784 @ vs[0] + vs[1]); h = nn.relu(h @ vs[2] + vs[3])
            loss = xent_mean(y10, h @ vs[4] + vs[5])
        return t.gradient(loss, vs)
    ks = [V(d.K1), V(d.K2), V(d.WD)]; img, yi = C(d.IMG), C(d.YI)

    def cnn():
        with tf.GradientTape() as t:
            h = nn.max_pool2d(nn.relu(nn.conv2d(img, ks[0], 1, "SAME")), 2, 2, "VALID")
            h = nn.max_pool2d(nn.relu(nn.conv2d(h, ks[1], 1, "SAME")), 2, 2, "VALID")
            loss = xent_mean(yi, tf.reshape(h, (64, -1)) @ ks[2])
        return t.gradient(loss, ks)
    rv = [V(d.WX), V(d.WH)]; xs = C(d.XS)

    def rnn():
        with tf.GradientTape() as t:
            h = tf.zeros((d.B, d.H))
            for i in range(d.T):
                h = tf.tanh(xs[i] @ rv[0] + h @ rv[1])
            loss = tf.reduce_sum(h * h)
        return t.gradient(loss, rv)
    wj, xj, vj = C(d.WJ), C(d.XJ), C(d.VJ)

    def jacobian():
        with tf.GradientTape() as t:
            t.watch(xj); y = tf.tanh(tf.linalg.matvec(wj, xj))
        return t.jacobian(y, xj)

    def hvp():
        with tf.GradientTape() as t2:
            t2.watch(xj)
            with tf.GradientTape() as t1:
                t1.watch(xj); y = tf.reduce_sum(tf.tanh(tf.linalg.matvec(wj, xj)) ** 2)
            g = t1.gradient(y, xj)
        return t2.gradient(g, xj, output_gradients=vj)
    tx, tp = C(d.TX), [V(a) for a in d.TP]

    def transformer():
        with tf.GradientTape() as t:
            loss = tf.reduce_mean(block(tx, tp) ** 2)
        return t.gradient(loss, tp)
    lv = [V(a) for a in (d.LX, d.LH, d.LB)]

    def lstm():
        H = d.H
        with tf.GradientTape() as t:
            h = c = tf.zeros((d.B, H))
            for i in range(d.T):
                z = xs[i] @ lv[0] + h @ lv[1] + lv[2]
                c = tf.sigmoid(z[:, H:2 * H]) * c + tf.sigmoid(z[:, :H]) * tf.tanh(z[:, 2 * H:3 * H])
                h = tf.sigmoid(z[:, 3 * H:]) * tf.tanh(c)
            loss = tf.reduce_sum(h * h)
        return t.gradient(loss, lv)
    ha, hx = C(d.HA), C(d.HXV)

    def hessian():
        with tf.GradientTape() as t2:
            t2.watch(hx)
            with tf.GradientTape() as t1:
                t1.watch(hx)
                y = tf.reduce_logsumexp(tf.linalg.matvec(ha, hx)) + tf.reduce_sum(hx ** 4) / 4
            g = t1.gradient(y, hx)
        return t2.jacobian(g, hx)
    px, py = C(d.PX[:, None, :]), C(d.PY)
    pw = [C(np.broadcast_to(w, (d.PB,) + w.shape).copy()) for w in (d.PW1, d.PW2)]

    def persample():
        with tf.GradientTape(persistent=True) as t:
            t.watch(pw)
            lo = tf.reshape(nn.relu(px @ pw[0]) @ pw[1], (d.PB, 10))
            loss = tf.reshape(nn.sparse_softmax_cross_entropy_with_logits(py, lo), (d.PB, 1))
        return [t.batch_jacobian(loss, w) for w in pw]
    oa, ob = C(d.OA), C(d.OB)

    def op_notape_us():
        for _ in range(d.N_OPS):
            tf.add(oa, ob)

    def op_tape_us():
        with tf.GradientTape() as t:
            t.watch(oa)
            for _ in range(d.N_OPS):
                tf.add(oa, ob)
    K = tf.keras  # Keras 3's fit compiles its step with tf.function by default
    fm = K.Sequential([K.Input((784,)), K.layers.Dense(512, activation="relu"),
                       K.layers.Dense(512, activation="relu"), K.layers.Dense(10)])
    fm.compile(optimizer=K.optimizers.Adam(1e-3),
               loss=K.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])

    def keras_fit():
        fm.fit(d.FX, d.FY, batch_size=d.FB, epochs=1, shuffle=False, verbose=0)
    return dict(chain=chain, mlp=mlp, cnn=cnn, rnn=rnn, jacobian=jacobian, hvp=hvp,
                transformer=transformer, lstm=lstm, hessian=hessian, persample=persample,
                op_notape_us=op_notape_us, op_tape_us=op_tape_us, keras_fit=keras_fit)

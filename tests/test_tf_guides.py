"""The examples of TensorFlow's "Introduction to gradients and automatic differentiation" and
"Advanced automatic differentiation" guides, ported by changing the import."""

import warnings

import numpy as np
import pytest

import gradtape as tf  # the point of these tests: TensorFlow code runs with this one change


def dense(x, w, b, act=None):
    y = x @ w + b
    return act(y) if act else y


def test_computing_gradients():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    assert float(tape.gradient(y, x)) == 6.0


def test_gradients_with_respect_to_a_model():
    w = tf.Variable(np.random.default_rng(0).standard_normal((3, 2)).astype(np.float32), name="w")
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
    x = [[1.0, 2.0, 3.0]]
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y ** 2)
    dl_dw, dl_db = tape.gradient(loss, [w, b])
    assert dl_dw.shape == w.shape and dl_db.shape == b.shape
    yv = np.array(x, np.float32) @ w.numpy()
    np.testing.assert_allclose(dl_db.numpy(), yv[0], rtol=1e-6)
    grad = tape.gradient(loss, {"w": w, "b": b})
    np.testing.assert_allclose(grad["b"].numpy(), dl_db.numpy())


def test_controlling_what_the_tape_watches():
    x0 = tf.Variable(3.0, name="x0")
    x1 = tf.Variable(3.0, name="x1", trainable=False)
    x2 = tf.Variable(2.0, name="x2") + 1.0
    x3 = tf.constant(3.0, name="x3")
    with tf.GradientTape() as tape:
        y = (x0 ** 2) + (x1 ** 2) + (x2 ** 2)
    grad = tape.gradient(y, [x0, x1, x2, x3])
    assert float(grad[0]) == 6.0 and grad[1:] == [None, None, None]
    assert [var.name for var in tape.watched_variables()] == ["x0:0"]


def test_watch_accessed_variables_false():
    x0 = tf.Variable(0.0)
    x1 = tf.Variable(10.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x1)
        y0 = tf.math.sin(x0)
        y1 = tf.math.exp(x1) * 0.0 + x1 * 0.5
        ys = tf.reduce_sum(y0 + y1)
    grad = tape.gradient(ys, {"x0": x0, "x1": x1})
    assert grad["x0"] is None and float(grad["x1"]) == 0.5


def test_intermediate_results_and_persistent_tapes():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(z, y)) == 18.0
    x = tf.constant([1, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(z, x).numpy().tolist() == [4.0, 108.0]
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 6.0]
    del tape


def test_gradients_of_non_scalar_targets():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y0 = x ** 2
        y1 = 1 / x
    assert float(tape.gradient(y0, x)) == 4.0 and float(tape.gradient(y1, x)) == -0.25
    assert float(tape.gradient({"y0": y0, "y1": y1}, x)) == 3.75
    with tf.GradientTape() as tape:
        y = x * [3.0, 4.0]
    assert float(tape.gradient(y, x)) == 7.0


def test_elementwise_gradient_of_sigmoid():
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.sigmoid(x)
    dy_dx = tape.gradient(y, x)
    s = 1 / (1 + np.exp(-x.numpy().astype(np.float64)))
    np.testing.assert_allclose(dy_dx.numpy(), s * (1 - s), atol=1e-6)


def test_control_flow():
    x = tf.constant(1.0)
    v0, v1 = tf.Variable(2.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        if x > 0.0:
            result = v0
        else:
            result = v1 ** 2
    dv0, dv1 = tape.gradient(result, [v0, v1])
    assert float(dv0) == 1.0 and dv1 is None
    assert tape.gradient(result, x) is None


def test_cases_where_gradient_returns_none():
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y * y
    assert tape.gradient(z, x) is None
    # replaced a variable with a tensor
    x = tf.Variable(2.0)
    results = []
    for _ in range(2):
        with tf.GradientTape() as tape:
            y = x + 1
        results.append(tape.gradient(y, x))
        x = x + 1
    assert float(results[0]) == 1.0 and results[1] is None
    # integers
    x = tf.constant(10)
    with tf.GradientTape() as g:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g.watch(x)
        y = x * x
    assert g.gradient(y, x) is None
    # stateful objects stop gradients
    x0, x1 = tf.Variable(3.0), tf.Variable(0.0)
    with tf.GradientTape() as tape:
        x1.assign_add(x0)
        y = x1 ** 2
    assert tape.gradient(y, x0) is None


def test_zeros_instead_of_none():
    x = tf.Variable([2.0, 2.0])
    y = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y ** 2
    g = tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert g.numpy().tolist() == [0.0, 0.0]


@pytest.mark.parametrize("use_reset", [False, True])
def test_stop_recording_and_reset(use_reset):
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        x_sq = x * x
        if use_reset:
            y_sq = y * y
            t.reset()
        else:
            with t.stop_recording():
                y_sq = y * y
        z = x_sq + y_sq
    grad = t.gradient(z, {"x": x, "y": y})
    if use_reset:  # the reset also dropped x_sq
        assert grad["x"] is None and grad["y"] is None
    else:
        assert float(grad["x"]) == 4.0 and grad["y"] is None


def test_stop_gradient():
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        y_sq = y ** 2
        z = x ** 2 + tf.stop_gradient(y_sq)
    grad = t.gradient(z, {"x": x, "y": y})
    assert float(grad["x"]) == 4.0 and grad["y"] is None


def test_custom_gradient_clips_the_gradient():
    @tf.custom_gradient
    def clip_gradients(y):
        def backward(dy):
            return tf.clip_by_norm(dy, 0.5)
        return y, backward

    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    assert float(t.gradient(output, v)) == 2.0


def test_multiple_tapes():
    x0, x1 = tf.constant(0.0), tf.constant(0.0)
    with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
        tape0.watch(x0)
        tape1.watch(x1)
        y0 = tf.math.sin(x0)
        y1 = tf.nn.sigmoid(x1)
        y = y0 + y1
        ys = tf.reduce_sum(y)
    assert float(tape0.gradient(ys, x0)) == 1.0
    assert float(tape1.gradient(ys, x1)) == 0.25


def test_higher_order_gradients():
    x = tf.Variable(1.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy_dx = t1.gradient(y, x)
    d2y_dx2 = t2.gradient(dy_dx, x)
    assert float(dy_dx) == 3.0 and float(d2y_dx2) == 6.0


def test_input_gradient_regularization():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((7, 5)).astype(np.float32))
    w = tf.Variable((rng.standard_normal((5, 10)) * 0.3).astype(np.float32))
    b = tf.Variable(np.zeros(10, np.float32))
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = dense(x, w, b, tf.tanh)
            out = tf.reduce_sum(y ** 2)
        g1 = t1.gradient(out, x)
        g1_mag = tf.sqrt(tf.reduce_sum(g1 ** 2))
    dg1_mag = t2.gradient(g1_mag, [w, b])
    assert [d.shape for d in dg1_mag] == [(5, 10), (10,)]
    assert all(np.isfinite(d.numpy()).all() and np.abs(d.numpy()).sum() > 0 for d in dg1_mag)


def test_jacobians():
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)
    assert dy_dx.shape == (201,)
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((7, 5)).astype(np.float32))
    kernel = tf.Variable(rng.standard_normal((5, 10)).astype(np.float32))
    bias = tf.Variable(np.zeros(10, np.float32))
    with tf.GradientTape(persistent=True) as tape:
        y = dense(x, kernel, bias, tf.nn.relu)
    j = tape.jacobian(y, kernel)
    assert j.shape == (7, 10, 5, 10)
    g = tape.gradient(y, kernel)
    j_sum = tf.reduce_sum(j, axis=[0, 1])
    assert float(tf.reduce_max(abs(g - j_sum))) < 1e-4


def test_hessian_and_batch_jacobian():
    rng = np.random.default_rng(2)
    x = tf.constant(rng.standard_normal((7, 5)).astype(np.float32))
    k1 = tf.Variable((rng.standard_normal((5, 8)) * 0.3).astype(np.float32))
    k2 = tf.Variable((rng.standard_normal((8, 6)) * 0.3).astype(np.float32))
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = dense(dense(x, k1, 0.0, tf.tanh), k2, 0.0, tf.tanh)
            loss = tf.reduce_mean(y ** 2)
        g = t1.gradient(loss, k1)
    h = t2.jacobian(g, k1)
    assert h.shape == (5, 8, 5, 8)
    hm = h.numpy().reshape(40, 40)
    np.testing.assert_allclose(hm, hm.T, atol=1e-5)
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = dense(dense(x, k1, 0.0, tf.tanh), k2, 0.0, tf.tanh)
    j = tape.jacobian(y, x)
    assert j.shape == (7, 6, 7, 5)
    jb = tape.batch_jacobian(y, x)
    assert jb.shape == (7, 6, 5)
    j_sum = tf.reduce_sum(j, axis=2)
    assert float(tf.reduce_max(abs(j_sum - jb))) < 1e-6

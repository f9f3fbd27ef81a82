"""gt.nn against numbers produced by TensorFlow 2.21 for the same inputs (hard-coded here, so
TensorFlow is not needed to run these tests)."""

import numpy as np
import pytest

import gradtape as gt


def value_and_grad(f, x, w=None):
    x = gt.constant(x)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
        loss = gt.reduce_sum(gt.math.real(y * gt.cast(w, y.dtype))) if w is not None else y
    return y.numpy(), gt.convert_to_tensor(tape.gradient(loss, x)).numpy()


def test_leaky_relu_alpha_is_a_float32_attribute():
    # TensorFlow's values for tf.nn.leaky_relu(float64 [-1, 2], 0.1): alpha is rounded to float32
    y, g = value_and_grad(lambda x: gt.nn.leaky_relu(x, 0.1), np.array([-1.0, 2.0]))
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [-0.10000000149011612, 2.0])
    np.testing.assert_array_equal(g, [0.10000000149011612, 1.0])


def test_silu_python_beta_is_converted_to_float32():
    # TensorFlow's values for tf.nn.silu(float64 [-1, 2], beta=1.7) and its gradient
    y, g = value_and_grad(lambda x: gt.nn.silu(x, beta=1.7), np.array([-1.0, 2.0]))
    np.testing.assert_allclose(y, [-0.15446525885576745, 1.935409076564034], rtol=1e-14)
    np.testing.assert_allclose(g, [-0.06756450989805962, 1.0739629218218623], rtol=1e-14)
    # a tensor beta keeps its value
    y = gt.nn.silu(gt.constant([2.0], gt.float64), beta=gt.constant(1.7, gt.float64)).numpy()
    np.testing.assert_allclose(y, 2.0 / (1.0 + np.exp(-3.4)), rtol=1e-15)


def test_relu6_keeps_integer_dtype():
    # TensorFlow: tf.nn.relu6([-3, 4, 9]) is int32 [0, 4, 6]
    y = gt.nn.relu6([-3, 4, 9])
    assert y.dtype == gt.int32
    np.testing.assert_array_equal(y.numpy(), [0, 4, 6])


def test_l2_normalize_complex_divides_by_the_modulus():
    # TensorFlow's values for tf.nn.l2_normalize(z, axis=-1) and the gradient of
    # sum(real(y * w)) with respect to z
    z = np.array([[3 + 4j, 1 - 2j], [0j, 0.5j]])
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    y, g = value_and_grad(lambda x: gt.nn.l2_normalize(x, axis=-1), z, w)
    assert y.dtype == np.complex128
    np.testing.assert_allclose(y, [[0.5477225575051661 + 0.7302967433402214j,
                                    0.18257418583505536 - 0.3651483716701107j], [0j, 1j]], rtol=1e-13)
    np.testing.assert_allclose(g, [[0.1643167672515498 - 0.024343224778007377j,
                                    -0.37123417786461255 + 0.012171612389003689j], [1 + 0j, 6 + 0j]],
                               rtol=1e-12, atol=1e-15)


def test_embedding_lookup_max_norm_on_a_1d_table_clips_each_element():
    # TensorFlow: ids of the rank of the gathered result leave no axes to take the norm over,
    # so each element is clipped to max_norm on its own; gradient of sum(y * [1, 2, 3])
    p = np.array([0.3, -2.0, 0.9, 1.5])
    y, g = value_and_grad(lambda t: gt.reduce_sum(
        gt.nn.embedding_lookup(t, [1, 3, 0], max_norm=1.0) * np.array([1.0, 2.0, 3.0])), p)
    np.testing.assert_allclose(gt.nn.embedding_lookup(p, [1, 3, 0], max_norm=1.0).numpy(), [-1.0, 1.0, 0.3])
    np.testing.assert_allclose(g, [3.0, 0.0, 0.0, 0.0])


@pytest.mark.parametrize("fmt", ["XYZ", "CHWN", "HWC"])
def test_bias_add_rejects_unknown_data_format(fmt):
    # TensorFlow raises ValueError: data_format must be of the form N...C or NC...
    with pytest.raises(ValueError, match="data_format"):
        gt.nn.bias_add(gt.zeros((2, 3)), gt.zeros((3,)), data_format=fmt)


@pytest.mark.parametrize("fmt,axis", [("NHWC", -1), ("N...C", -1), ("NCHW", 1), ("NC...", 1), ("NWC", -1)])
def test_bias_add_accepted_data_formats(fmt, axis):
    x = gt.zeros((2, 3, 3, 3))
    b = gt.constant([1.0, 2.0, 3.0])
    y = gt.nn.bias_add(x, b, data_format=fmt).numpy()
    np.testing.assert_array_equal(np.moveaxis(y, axis, -1)[0, 0, 0], [1.0, 2.0, 3.0])

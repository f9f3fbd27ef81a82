"""Merge, reshaping, activation, normalization, preprocessing and noise layers against Keras 3.

REF holds what Keras 3.15 (TensorFlow 2.21) gives for each case of CASES with the same inputs
and weights (tools/keras_layers_reference.py prints it); gradients are checked against float64
central differences, and bad arguments must raise errors naming them.
"""

import numpy as np
import pytest

import gradtape as gt
from tests._keras_layer_cases import check_against_keras, check_layer_gradients, inp

L = gt.layers
X3 = [((2, 3), 0), ((2, 3), 1), ((2, 3), 2)]
MASK = [[True, False, True], [False, True, True]]

CASES = {
    "add": (lambda L: L.Add(), X3, {}),
    "subtract": (lambda L: L.Subtract(), X3[:2], {}),
    "multiply": (lambda L: L.Multiply(), X3, {}),
    "average": (lambda L: L.Average(), X3, {}),
    "maximum": (lambda L: L.Maximum(), X3, {}),
    "minimum": (lambda L: L.Minimum(), X3, {}),
    "add_ranks": (lambda L: L.Add(), [((2, 2, 3), 0), ((2, 3), 1)], {}),
    "concatenate": (lambda L: L.Concatenate(axis=1), [((2, 2, 3), 0), ((2, 1, 3), 1)], {}),
    "dot": (lambda L: L.Dot(axes=(1, 2)), [((2, 3, 2), 0), ((2, 2, 3), 1)], {}),
    "dot_normalize": (lambda L: L.Dot(axes=1, normalize=True), X3[:2], {}),
    "dot_rank3_rank2": (lambda L: L.Dot(axes=(2, 1)), [((2, 2, 3), 0), ((2, 3), 1)], {}),
    "repeat_vector": (lambda L: L.RepeatVector(2), [((2, 3), 0)], {}),
    "permute": (lambda L: L.Permute((2, 1)), [((1, 2, 3), 0)], {}),
    "upsampling1d": (lambda L: L.UpSampling1D(2), [((1, 2, 2), 0)], {}),
    "upsampling2d": (lambda L: L.UpSampling2D((1, 2)), [((1, 2, 2, 1), 0)], {}),
    "upsampling2d_bilinear": (lambda L: L.UpSampling2D(2, interpolation="bilinear"), [((1, 2, 3, 1), 0)], {}),
    "upsampling3d": (lambda L: L.UpSampling3D((2, 1, 1)), [((1, 1, 2, 2, 1), 0)], {}),
    "zero_padding1d": (lambda L: L.ZeroPadding1D((1, 2)), [((1, 2, 1), 0)], {}),
    "zero_padding2d": (lambda L: L.ZeroPadding2D(((1, 0), (0, 2))), [((1, 2, 2, 1), 0)], {}),
    "zero_padding2d_cf": (lambda L: L.ZeroPadding2D(1, data_format="channels_first"), [((1, 1, 1, 2), 0)], {}),
    "zero_padding3d": (lambda L: L.ZeroPadding3D(((0, 1), (1, 0), (0, 0))), [((1, 1, 1, 2, 1), 0)], {}),
    "cropping1d": (lambda L: L.Cropping1D((1, 2)), [((1, 5, 2), 0)], {}),
    "cropping2d": (lambda L: L.Cropping2D(((1, 0), (1, 1))), [((1, 3, 4, 1), 0)], {}),
    "cropping3d": (lambda L: L.Cropping3D(1), [((1, 3, 3, 3, 1), 0)], {}),
    "lambda": (lambda L: L.Lambda(lambda t: t * t + 1.0), [((2, 2), 0)], {}),
    "relu": (lambda L: L.ReLU(), [((2, 4), 0)], {}),
    "relu_slope": (lambda L: L.ReLU(negative_slope=0.1), [((2, 4), 0)], {}),
    "relu_max_threshold": (lambda L: L.ReLU(max_value=1.2, threshold=0.3), [((2, 4), 0)], {}),
    "relu_all": (lambda L: L.ReLU(max_value=1.0, negative_slope=0.2, threshold=0.5), [((2, 4), 0)], {}),
    "leaky_relu": (lambda L: L.LeakyReLU(), [((2, 4), 0)], {}),
    "prelu": (lambda L: L.PReLU(shared_axes=[1]), [((2, 2, 3), 0)], {}),
    "elu": (lambda L: L.ELU(alpha=0.5), [((2, 4), 0)], {}),
    "softmax": (lambda L: L.Softmax(axis=1), [((2, 3, 2), 0)], {}),
    "softmax_axes": (lambda L: L.Softmax(axis=(1, 2)), [((2, 2, 2), 0)], {}),
    "softmax_mask": (lambda L: L.Softmax(), [((2, 3), 0)], {"mask": MASK}),
    "group_norm": (lambda L: L.GroupNormalization(groups=2), [((2, 2, 4), 0)], {}),
    "group_norm_instance": (lambda L: L.GroupNormalization(groups=-1, axis=1), [((2, 2, 3), 0)], {}),
    "unit_norm": (lambda L: L.UnitNormalization(axis=[1, 2]), [((2, 2, 2), 0)], {}),
    "rescaling": (lambda L: L.Rescaling([0.5, 2.0, -1.0], offset=0.25), [((2, 3), 0)], {}),
}

REF = {
    'add': ([], [], [((2, 3), [2.626153, 3.094894, 2.108057, 0.1297693, -1.909552, -3.050781])]),
    'subtract': ([], [], [((2, 3), [-1.262206, -0.5211707, 0.4649798, 1.232443, 1.420269, 0.9401203])]),
    'multiply': ([], [], [((2, 3), [0, 0.9214789, -0.5740777, -0.09912466, 0.6891042, -0.8165157])]),
    'average': ([], [], [((2, 3), [0.8753842, 1.031631, 0.7026858, 0.04325644, -0.6365172, -1.016927])]),
    'maximum': ([], [], [((2, 3), [1.363946, 1.487497, 1.478175, 1.294814, 0.5024822, -0.5261748])]),
    'minimum': ([], [], [((2, 3), [0, 0.6410698, -0.3833117, -1.227416, -1.494247, -1.466295])]),
    'add_ranks': ([], [], [((2, 2, 3), [1.262206, 2.453824, 2.491369, 2.55702, 1.98998, 0.48702, -1.244993, -2.391466,
        -2.413195, 0.08759184, 0.06769305, 0.01595724])]),
    'concatenate': ([], [], [((2, 3, 3), [0, 0.9663265, 1.478175, 1.294814, 0.5024822, -0.5261748, 1.262206, 1.487497,
        1.013195, -1.307364, -1.473679, -0.9469, 0.02522085, 0.9854799, 1.482252, 0.06237099, -0.9177868,
        -1.466295])]),
    'dot': ([], [], [((2, 2, 2), [2.707893, -2.093436, 2.612618, -0.3565649, 2.724057, -2.092966, 2.631423,
        -0.3684455])]),
    'dot_normalize': ([], [], [((2, 1), [0.756045, 0.152133])]),
    'dot_rank3_rank2': ([], [], [((2, 2), [2.935087, 1.848646, 2.659416, -3.076307])]),
    'repeat_vector': ([], [], [((2, 2, 3), [0, 0.9663265, 1.478175, 0, 0.9663265, 1.478175, 1.294814, 0.5024822,
        -0.5261748, 1.294814, 0.5024822, -0.5261748])]),
    'permute': ([], [], [((1, 3, 2), [0, 1.294814, 0.9663265, 0.5024822, 1.478175, -0.5261748])]),
    'upsampling1d': ([], [], [((1, 4, 2), [0, 0.9663265, 0, 0.9663265, 1.478175, 1.294814, 1.478175, 1.294814])]),
    'upsampling2d': ([], [], [((1, 2, 4, 1), [0, 0, 0.9663265, 0.9663265, 1.478175, 1.478175, 1.294814, 1.294814])]),
    'upsampling2d_bilinear': ([], [], [((1, 4, 6, 1), [0, 0.2415816, 0.7247449, 1.094289, 1.350213, 1.478175,
        0.3237035, 0.455369, 0.7187, 0.8820459, 0.9454068, 0.9770872, 0.9711105, 0.8829437, 0.7066101, 0.4575606,
        0.1357952, -0.02508748, 1.294814, 1.096731, 0.7005652, 0.245318, -0.2690106, -0.5261748])]),
    'upsampling3d': ([], [], [((1, 2, 2, 2, 1), [0, 0.9663265, 1.478175, 1.294814, 0, 0.9663265, 1.478175,
        1.294814])]),
    'zero_padding1d': ([], [], [((1, 5, 1), [0, 0, 0.9663265, 0, 0])]),
    'zero_padding2d': ([], [], [((1, 3, 4, 1), [0, 0, 0, 0, 0, 0.9663265, 0, 0, 1.478175, 1.294814, 0, 0])]),
    'zero_padding2d_cf': ([], [], [((1, 1, 3, 4), [0, 0, 0, 0, 0, 0, 0.9663265, 0, 0, 0, 0, 0])]),
    'zero_padding3d': ([], [], [((1, 2, 2, 2, 1), [0, 0, 0, 0.9663265, 0, 0, 0, 0])]),
    'cropping1d': ([], [], [((1, 2, 2), [1.478175, 1.294814, 0.5024822, -0.5261748])]),
    'cropping2d': ([], [], [((1, 2, 2, 1), [-0.5261748, -1.307364, 0.02522085, 0.9854799])]),
    'cropping3d': ([], [], [((1, 1, 1, 1, 1), [0.4786475])]),
    'lambda': ([], [], [((2, 2), [1, 1.933787, 3.185, 2.676543])]),
    'relu': ([], [], [((2, 4), [0, 0.9663265, 1.478175, 1.294814, 0.5024822, 0, 0, 0])]),
    'relu_slope': ([], [], [((2, 4), [0, 0.9663265, 1.478175, 1.294814, 0.5024822, -0.05261749, -0.1307364,
        -0.1473679])]),
    'relu_max_threshold': ([], [], [((2, 4), [0, 0.9663265, 1.2, 1.2, 0.5024822, 0, 0, 0])]),
    'relu_all': ([], [], [((2, 4), [-0.1, 0.9663265, 1, 1, 0.5024822, -0.205235, -0.3614727, -0.3947358])]),
    'leaky_relu': ([], [], [((2, 4), [0, 0.9663265, 1.478175, 1.294814, 0.5024822, -0.1578525, -0.3922091,
        -0.4421037])]),
    'prelu': ([(1, 3)], ['alpha'], [((2, 2, 3), [0, 0.9663265, 1.478175, 1.294814, 0.5024822, 0.2418638, 0.3556167,
        0.7048864, 0.4352561, 0.02522085, 0.9854799, 1.482252])]),
    'elu': ([], [], [((2, 4), [0, 0.9663265, 1.478175, 1.294814, 0.5024822, -0.2045696, -0.3647338, -0.3854594])]),
    'softmax': ([], [], [((2, 3, 2), [0.1420908, 0.382603, 0.6230588, 0.5313842, 0.2348504, 0.08601284, 0.08105664,
        0.04049177, 0.1162347, 0.181272, 0.8027086, 0.7782362])]),
    'softmax_axes': ([], [], [((2, 2, 2), [0.08573739, 0.2253412, 0.3759528, 0.3129687, 0.6024944, 0.2153838,
        0.09861591, 0.08350588])]),
    'softmax_mask': ([], [], [((2, 3), [0.1857033, 0, 0.8142967, 0, 0.7366555, 0.2633446])]),
    'group_norm': ([(4,), (4,)], ['gamma', 'beta'], [((2, 2, 4), [-0.3850965, -1.007436, -0.5717201, 0.04482166,
        -0.6300888, 0.2721723, 0.3483656, 0.4920858, -0.1095941, -0.2714856, -0.4222026, -0.0103305, -0.8618962,
        -0.5406137, 0.2011622, 0.546106])]),
    'group_norm_instance': ([(2,), (2,)], ['gamma', 'beta'], [((2, 2, 3), [-0.1388427, -0.5671401, -0.7940025,
        -0.9393977, -0.431489, 0.2279114, -0.420748, -0.2170892, -0.8621483, 0.2554139, -0.503015, -0.8953744])]),
    'unit_norm': ([], [], [((2, 2, 2), [0, 0.4412804, 0.6750197, 0.5912868, 0.2392697, -0.2505516, -0.6225346,
        -0.7017298])]),
    'rescaling': ([], [], [((2, 3), [0.25, 2.182653, -1.228175, 0.897407, 1.254964, 0.7761748])]),
}


@pytest.mark.parametrize("key", list(CASES))
def test_outputs_and_weights_match_keras(key):
    check_against_keras(CASES[key], REF[key])


PIECEWISE = ["relu", "relu_slope", "relu_max_threshold", "relu_all", "leaky_relu", "prelu", "elu", "maximum", "minimum"]
SMOOTH = [k for k in CASES if k not in PIECEWISE]


@pytest.mark.parametrize("key", SMOOTH)
def test_gradients(key):
    check_layer_gradients(CASES[key], order=2 if key in ("dot_normalize", "group_norm", "softmax_mask") else 1)


@pytest.mark.parametrize("key", PIECEWISE)
def test_gradients_of_piecewise_layers_away_from_kinks(key):
    # With the phase shifted by 0.25 the inputs stay > 0.02 away from every kink (0, 0.3, 0.5, 1
    # and 1.2, and ties between the merged inputs).
    check_layer_gradients(CASES[key], shift=0.25)


# -- Normalization.adapt and the other preprocessing numbers (from Keras 3) ---------------------------
DATA = inp((5, 3), 4) * 2 + 1
X = inp((2, 3), 0)


def test_normalization_adapt_matches_keras():
    norm = L.Normalization()
    norm.adapt(DATA)
    means, variances, count = norm.get_weights()
    np.testing.assert_allclose(means, [0.4410853, 0.7023293, 1.103572], rtol=1e-5)
    np.testing.assert_allclose(variances, [3.481427, 4.868113, 5.350715], rtol=1e-5)
    assert count == 0 and count.dtype == np.int64  # Keras keeps its int count weight at 0
    np.testing.assert_allclose(norm(X).numpy().ravel(), [-0.2363981, 0.1196517, 0.1619438, 0.4575528,
                                                         -0.09057692, -0.7045541], rtol=1e-5, atol=1e-6)
    inverted = L.Normalization(invert=True)
    inverted.adapt(gt.constant(DATA))
    np.testing.assert_allclose(inverted(X).numpy().ravel(), [0.4410853, 2.834413, 4.522829, 2.857025, 1.810996,
                                                             -0.1135548], rtol=1e-5, atol=1e-6)
    scalar = L.Normalization(axis=None)
    scalar.adapt(DATA)
    np.testing.assert_allclose([w.item() for w in scalar.get_weights()[:2]], [0.7489957, 4.640988], rtol=1e-5)
    np.testing.assert_allclose(scalar(X).numpy().ravel(), [-0.3476755, 0.1008825, 0.3384767, 0.2533628,
                                                           -0.1144288, -0.59192], rtol=1e-5, atol=1e-6)


def test_normalization_adapt_on_axes_batches_and_datasets_matches_keras():
    norm = L.Normalization(axis=(1, 2))
    norm.adapt(inp((4, 2, 3), 5))
    assert [w.shape for w in norm.get_weights()] == [(2, 3), (2, 3), ()]
    np.testing.assert_allclose(norm(inp((1, 2, 3), 1)).numpy().ravel(), [1.454799, 1.718065, 1.047589, -0.2047604,
                                                                         -1.142278, -1.670367], rtol=1e-5)
    batches = L.Normalization()
    batches.adapt([inp((4, 3), 7), inp((3, 3), 8) * 2])  # merged exactly, as one array would be
    np.testing.assert_allclose(batches.get_weights()[0], [0.1454129, 0.2171088, 0.186695], rtol=1e-5)
    np.testing.assert_allclose(batches.get_weights()[1], [2.528444, 2.688283, 2.61416], rtol=1e-5)
    ds = L.Normalization()
    ds.adapt(gt.data.Dataset.from_tensor_slices(DATA))  # single examples: batched by 128 first
    np.testing.assert_allclose(ds.get_weights()[1], [3.481427, 4.868113, 5.350715], rtol=1e-5)
    pairs = L.Normalization()
    pairs.adapt(gt.data.Dataset.from_tensor_slices((DATA, np.arange(5))).batch(2))  # (x, y): x is used
    np.testing.assert_allclose(pairs.get_weights()[0], [0.4410853, 0.7023293, 1.103572], rtol=1e-5)


def test_normalization_with_given_statistics_and_loaded_weights():
    given = L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.0])
    # Keras divides by max(sqrt(variance), 1e-7): a zero variance gives a huge, finite value.
    np.testing.assert_allclose(given(X).numpy().ravel(), [-0.5, -1.033674, -15218250.0, 0.147407, -1.497518,
                                                          -35261750.0], rtol=1e-5)
    assert given.get_weights() == []
    np.testing.assert_allclose(L.Normalization(mean=2.0, variance=9.0)(X).numpy().ravel(),
                               [-0.6666667, -0.3445579, -0.1739418, -0.235062, -0.4991726, -0.8420582], rtol=1e-5)
    loaded = L.Normalization()
    loaded.build((None, 3))
    loaded.set_weights([np.float32([1, 2, 3]), np.float32([4, 1, 0.25]), np.int64(7)])
    np.testing.assert_allclose(loaded(gt.constant([[3.0, 3.0, 3.0]])).numpy(), [[1.0, 1.0, 0.0]])


def test_normalization_errors_name_the_arguments():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        L.Normalization(mean=[1.0])
    with pytest.raises(ValueError, match="same shape"):
        L.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(TypeError, match="`axis`"):
        L.Normalization(axis="last")
    with pytest.raises(ValueError, match="no data"):
        L.Normalization().adapt([])
    norm = L.Normalization()
    norm.adapt(DATA)
    with pytest.raises(gt.layers.InputSpecError, match="built for inputs"):
        norm.adapt(np.ones((4, 5)))
    with pytest.raises(ValueError, match="cannot change"):
        L.Normalization(mean=0.0, variance=1.0).adapt(DATA)


def test_rescaling_casts_integers_and_keeps_float64():
    out = L.Rescaling(1 / 255)(gt.constant([[0, 255]], dtype=gt.uint8))
    assert out.dtype == gt.float32
    np.testing.assert_allclose(out.numpy(), [[0.0, 1.0]])
    assert L.Rescaling(2.0)(np.ones((1, 2))).dtype == gt.float64
    with pytest.raises(TypeError, match="`scale`"):
        L.Rescaling("big")


# -- behaviour without Keras numbers ------------------------------------------------------------------
def test_merge_layers_reject_bad_inputs():
    a, b = gt.ones((2, 3)), gt.ones((2, 4))
    with pytest.raises(ValueError, match="list"):
        L.Add()(a)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        L.Subtract()([a, a, a])
    with pytest.raises(ValueError, match="incompatible shapes"):
        L.Multiply()([a, b])
    with pytest.raises(gt.layers.InputSpecError, match="batch sizes"):
        L.Add()([a, gt.ones((3, 3))])
    with pytest.raises(ValueError, match="concatenation axis"):
        L.Concatenate(axis=0)([a, b])
    with pytest.raises(ValueError, match="axis 0"):
        L.Dot(axes=(0, 0))([a, a])
    with pytest.raises(ValueError, match="incompatible input shapes"):
        L.Dot(axes=1)([a, b])
    with pytest.raises(ValueError, match="list of 2 inputs"):
        L.Dot(axes=1)([a, a, a])


def test_functional_merge_forms_equal_the_layers():
    a, b = gt.constant(inp((2, 3), 0)), gt.constant(inp((2, 3), 1))
    for fn, cls in [(L.add, L.Add), (L.subtract, L.Subtract), (L.multiply, L.Multiply), (L.average, L.Average),
                    (L.maximum, L.Maximum), (L.minimum, L.Minimum), (L.concatenate, L.Concatenate)]:
        np.testing.assert_array_equal(fn([a, b]).numpy(), cls()([a, b]).numpy())
    np.testing.assert_allclose(L.dot([a, b], axes=1, normalize=True).numpy(),
                               L.Dot(1, normalize=True)([a, b]).numpy())
    assert gt.keras.layers.Concatenate is L.Concatenate


def test_lambda_passes_arguments_training_and_mask():
    seen = {}

    def fn(x, scale, training=None, mask=None):
        seen.update(training=training, mask=mask)
        return x * scale

    layer = L.Lambda(fn, arguments={"scale": 3.0})
    np.testing.assert_allclose(layer(gt.constant([[1.0, 2.0]]), training=True).numpy(), [[3.0, 6.0]])
    assert seen == {"training": True, "mask": None}
    assert layer.weights == () and L.Lambda(gt.nn.relu)(gt.constant([-1.0, 2.0])).numpy().tolist() == [0.0, 2.0]
    with pytest.raises(TypeError, match="`function`"):
        L.Lambda(3)


@pytest.mark.parametrize("make, error, match", [
    (lambda: L.Dot(axes="last"), TypeError, "`axes`"),
    (lambda: L.Dot(axes=(1, 2, 3)), ValueError, "`axes`"),
    (lambda: L.Concatenate(axis=1.5), TypeError, "`axis`"),
    (lambda: L.RepeatVector(0), ValueError, "`n`"),
    (lambda: L.RepeatVector(2.0), TypeError, "`n`"),
    (lambda: L.Permute((1, 3)), ValueError, "`dims`"),
    (lambda: L.UpSampling1D(-1), ValueError, "`size`"),
    (lambda: L.UpSampling2D((2, 0)), ValueError, "`size`"),
    (lambda: L.UpSampling2D(interpolation="cubic"), ValueError, "`interpolation`"),
    (lambda: L.UpSampling2D(interpolation="bicubic"), NotImplementedError, "interpolation"),
    (lambda: L.UpSampling2D(data_format="nhwc"), ValueError, "`data_format`"),
    (lambda: L.ZeroPadding1D(-1), ValueError, "`padding`"),
    (lambda: L.ZeroPadding2D((1, 2, 3)), ValueError, "`padding`"),
    (lambda: L.Cropping2D(((1, -1), (0, 0))), ValueError, "`cropping"),
    (lambda: L.Cropping3D("all"), ValueError, "`cropping`"),
    (lambda: L.ReLU(max_value=-1.0), ValueError, "`max_value`"),
    (lambda: L.ReLU(negative_slope=None), TypeError, "`negative_slope`"),
    (lambda: L.ReLU(threshold=-0.5), ValueError, "`threshold`"),
    (lambda: L.LeakyReLU(-0.1), ValueError, "`negative_slope`"),
    (lambda: L.PReLU(shared_axes=[0]), ValueError, "`shared_axes`"),
    (lambda: L.ELU(alpha="one"), TypeError, "`alpha`"),
    (lambda: L.Softmax(axis="last"), TypeError, "`axis`"),
    (lambda: L.GroupNormalization(groups=0), ValueError, "`groups`"),
    (lambda: L.GroupNormalization(axis=(1, 2)), TypeError, "`axis`"),
    (lambda: L.UnitNormalization(axis=1.0), TypeError, "`axis`"),
    (lambda: L.GaussianNoise(1.5), ValueError, "`stddev`"),
    (lambda: L.GaussianDropout(1.0), ValueError, "`rate`"),
    (lambda: L.AlphaDropout(-0.1), ValueError, "`rate`"),
    (lambda: L.SpatialDropout2D(0.5, data_format="nchw"), ValueError, "`data_format`"),
    (lambda: L.SpatialDropout1D(1.0), ValueError, "`rate`"),
    (lambda: L.GaussianNoise(0.1, seed="x"), TypeError, "`seed`"),
    (lambda: L.Add(units=3), TypeError, "units"),
])
def test_bad_constructor_arguments_raise_errors_naming_them(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_shape_errors_name_the_layer():
    with pytest.raises(gt.layers.InputSpecError, match="repeat_vector"):
        L.RepeatVector(2, name="repeat_vector")(gt.ones((2, 3, 4)))
    with pytest.raises(gt.layers.InputSpecError, match="removes every element"):
        L.Cropping1D((2, 2))(gt.ones((1, 4, 1)))
    with pytest.raises(ValueError, match="multiple of the number of groups"):
        L.GroupNormalization(groups=4)(gt.ones((1, 6)))
    with pytest.raises(ValueError, match="cannot be more than the number of channels"):
        L.GroupNormalization(groups=8)(gt.ones((1, 6)))


def test_layers_follow_the_float64_inputs_and_regularizers_reach_losses():
    x = np.linspace(-1, 1, 18).reshape(2, 3, 3)
    for layer in (L.PReLU(), L.GroupNormalization(groups=3), L.UnitNormalization(), L.Softmax(),
                  L.UpSampling1D(), L.Cropping1D(), L.Permute((2, 1)), L.Add()):
        if isinstance(layer, L.Add):
            x = [x, x]
        assert layer(x).dtype == gt.float64, layer
    prelu = L.PReLU(alpha_initializer="ones", alpha_regularizer=gt.regularizers.L1(0.5), activity_regularizer="l2")
    prelu(gt.ones((2, 3)))
    assert len(prelu.losses) == 2 and float(prelu.losses[-1]) == pytest.approx(1.5)
    gn = L.GroupNormalization(groups=1, gamma_constraint="non_neg")
    gn(gt.ones((1, 2)))
    assert gn.gamma.constraint is not None and gn.beta.constraint is None


def test_leaky_relu_accepts_keras2_alpha_with_a_warning():
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        layer = L.LeakyReLU(alpha=0.5)
    np.testing.assert_allclose(layer(gt.constant([-2.0, 2.0])).numpy(), [-1.0, 2.0])

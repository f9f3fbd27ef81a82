"""Convolution, pooling and wrapper layers against Keras 3, and the noise layers.

REF holds what Keras 3.15 (TensorFlow 2.21) gives for each case of CASES with the same inputs
and weights (tools/keras_layers_reference.py prints it); gradients are checked against float64
central differences, and bad arguments must raise errors naming them.
"""

import numpy as np
import pytest

import gradtape as gt
from tests._keras_layer_cases import check_against_keras, check_layer_gradients

L = gt.layers
MASK = [[True, False, True], [False, True, True]]
SEQ = [((2, 3, 2), 0)]

CASES = {
    "conv2d_transpose_same": (lambda L: L.Conv2DTranspose(2, 3, strides=2, padding="same"), [((1, 2, 2, 2), 0)], {}),
    "conv2d_transpose_output_padding": (
        lambda L: L.Conv2DTranspose(1, (2, 3), strides=(2, 1), output_padding=(1, 0), activation="tanh"),
        [((1, 2, 2, 2), 0)], {}),
    "conv2d_transpose_channels_first": (
        lambda L: L.Conv2DTranspose(2, 2, strides=2, use_bias=False, data_format="channels_first"),
        [((1, 2, 2, 2), 0)], {}),
    "conv1d_transpose": (lambda L: L.Conv1DTranspose(2, 3, strides=2), SEQ, {}),
    "conv1d_transpose_dilated": (lambda L: L.Conv1DTranspose(1, 2, dilation_rate=2, padding="same"),
                                 [((1, 4, 2), 0)], {}),
    "conv3d_transpose": (lambda L: L.Conv3DTranspose(1, 2, strides=2), [((1, 1, 2, 1, 2), 0)], {}),
    "conv3d": (lambda L: L.Conv3D(2, 2, padding="same", strides=(1, 2, 1)), [((1, 2, 3, 2, 2), 0)], {}),
    "conv3d_valid": (lambda L: L.Conv3D(1, (2, 1, 2), activation="sigmoid"), [((1, 3, 2, 3, 1), 0)], {}),
    "depthwise2d": (lambda L: L.DepthwiseConv2D(2, depth_multiplier=2), [((1, 3, 3, 2), 0)], {}),
    "depthwise2d_channels_first": (
        lambda L: L.DepthwiseConv2D(3, strides=2, padding="same", data_format="channels_first"),
        [((1, 2, 5, 5), 0)], {}),
    "depthwise1d": (lambda L: L.DepthwiseConv1D(3, dilation_rate=2, padding="same"), [((1, 5, 2), 0)], {}),
    "separable2d": (lambda L: L.SeparableConv2D(3, 2, depth_multiplier=2), [((1, 3, 3, 2), 0)], {}),
    "separable1d": (lambda L: L.SeparableConv1D(2, 3, strides=2, padding="same"), [((1, 5, 2), 0)], {}),
    "max_pool1d": (lambda L: L.MaxPooling1D(3, strides=2, padding="same"), [((1, 5, 2), 0)], {}),
    "avg_pool1d": (lambda L: L.AveragePooling1D(3, strides=2, padding="same"), [((1, 5, 2), 0)], {}),
    "avg_pool1d_channels_first": (lambda L: L.AveragePooling1D(2, data_format="channels_first"),
                                  [((1, 2, 5), 0)], {}),
    "max_pool3d": (lambda L: L.MaxPooling3D((1, 2, 2)), [((1, 2, 4, 4, 1), 0)], {}),
    "avg_pool3d": (lambda L: L.AveragePooling3D(2, strides=1, padding="same"), [((1, 2, 2, 3, 1), 0)], {}),
    "global_avg_pool1d": (lambda L: L.GlobalAveragePooling1D(), SEQ, {}),
    "global_avg_pool1d_mask": (lambda L: L.GlobalAveragePooling1D(keepdims=True), SEQ, {"mask": MASK}),
    "global_max_pool1d": (lambda L: L.GlobalMaxPooling1D(data_format="channels_first"), SEQ, {}),
    "global_avg_pool3d": (lambda L: L.GlobalAveragePooling3D(), [((1, 2, 2, 2, 2), 0)], {}),
    "global_max_pool3d": (lambda L: L.GlobalMaxPooling3D(keepdims=True), [((1, 2, 2, 2, 2), 0)], {}),
    "time_distributed_dense": (lambda L: L.TimeDistributed(L.Dense(2, activation="tanh")), SEQ, {}),
    "time_distributed_conv": (lambda L: L.TimeDistributed(L.Conv1D(1, 2)), [((1, 2, 3, 2), 0)], {}),
    "bidirectional_lstm": (lambda L: L.Bidirectional(L.LSTM(2, return_sequences=True)), SEQ, {}),
    "bidirectional_gru_state": (lambda L: L.Bidirectional(L.GRU(2, return_state=True), merge_mode="sum"), SEQ, {}),
    "bidirectional_rnn_pair": (lambda L: L.Bidirectional(L.SimpleRNN(2, return_sequences=True), merge_mode=None),
                               SEQ, {}),
    "bidirectional_lstm_initial_state": (
        lambda L: L.Bidirectional(L.LSTM(2, return_state=True), merge_mode="ave"), SEQ,
        {"initial_state": [((2, 2), 20), ((2, 2), 21), ((2, 2), 22), ((2, 2), 23)]}),
    "bidirectional_backward_layer": (
        lambda L: L.Bidirectional(L.LSTM(2, return_sequences=True),
                                  backward_layer=L.GRU(3, go_backwards=True, return_sequences=True)), SEQ, {}),
}

REF = {
    'conv2d_transpose_same': ([(3, 3, 2, 2), (2,)], ['kernel', 'bias'], [((1, 4, 4, 2), [-0.962206, -0.5982449,
        -0.111636, -0.03172207, -1.791037, -1.792487, 0.1914865, 0.8246355, -0.3802507, 0.1006398, -0.4560164,
        -0.8476734, -0.8633472, 1.263543, 0.08454365, -1.429018, -0.04714987, -0.7766268, -1.08733, -0.1850122,
        2.402808, 0.2533398, -2.542159, -1.683203, -0.6743779, -0.4388169, -0.345269, -0.27057, -0.5157315, -1.797638,
        -1.031937, 0.7045701])]),
    'conv2d_transpose_output_padding': ([(2, 3, 1, 2), (1,)], ['kernel', 'bias'], [((1, 5, 4, 1), [-0.7452593,
        -0.940071, -0.7940153, 0.1891799, -0.1495943, 0.410325, -0.8404103, -0.9469472, -0.3670392, 0.4201149,
        0.2719519, -0.8464761, -0.4131725, -0.9071422, -0.1593215, 0.6645283, -0.4621133, -0.4621133, -0.4621133,
        -0.4621133])]),
    'conv2d_transpose_channels_first': ([(2, 2, 2, 2)], ['kernel'], [((1, 2, 4, 4), [-0.240346, 0.2019437,
        -0.01117239, -0.09960853, -0.1402057, 0.06226614, 0.1988791, -0.2751682, 0.2232558, -0.3543133, 0.3526834,
        -0.442379, 0.444428, -0.4831866, 0.4809554, -0.4639549, -0.1129699, 0.1816175, -0.3258892, 0.2920288,
        -0.2292782, 0.2504446, -0.224423, 0.1308839, -0.3855376, 0.2650944, -0.2638617, 0.1134819, -0.1140181,
        -0.05023358, 0.05001135, -0.2077255])]),
    'conv1d_transpose': ([(3, 2, 2), (2,)], ['kernel', 'bias'], [((2, 7, 2), [-0.962206, -0.5982449, -0.111636,
        -0.03172207, -1.791037, -1.792487, 0.1914865, 0.8246355, -0.6666445, -1.795037, -0.6532959, -0.3204274,
        -0.3261064, -0.3824454, 0.560508, 0.5512745, -1.243589, -1.566031, 0.0862664, 1.349469, -0.5994674,
        -0.8443916, -1.535097, -0.7235616, 0.2097847, 0.6465222, -0.8604877, -1.531049])]),
    'conv1d_transpose_dilated': ([(2, 1, 2), (1,)], ['kernel', 'bias'], [((1, 4, 1), [-1.521406, -0.6022501,
        -0.4100608, -0.6126716])]),
    'conv3d_transpose': ([(2, 2, 2, 1, 2), (1,)], ['kernel', 'bias'], [((1, 2, 4, 2, 1), [-0.962206, -0.7172483,
        -0.111636, -0.1507254, -1.521406, -1.470564, 0.1914865, 0.7056322, -0.7696254, -0.9409214, -0.3802507,
        -0.01836357, -0.7816427, -1.801364, -0.6607274, 0.7467355])]),
    'conv3d': ([(2, 2, 2, 2, 2), (2,)], ['kernel', 'bias'], [((1, 2, 2, 2, 2), [-0.7615705, -1.057486, -0.6150295,
        -0.00613147, 0.4837508, 0.1217468, -1.123833, -0.8881379, -1.026581, -0.4598868, -0.2239935, -0.2937378,
        -1.720675, -1.401358, -0.3602353, -0.4696239])]),
    'conv3d_valid': ([(2, 1, 2, 1, 1), (1,)], ['kernel', 'bias'], [((1, 2, 2, 2, 1), [0.4925156, 0.3590247, 0.2098721,
        0.2366323, 0.4659661, 0.5639853, 0.4896347, 0.3558446])]),
    'depthwise2d': ([(2, 2, 2, 2), (4,)], ['kernel', 'bias'], [((1, 2, 2, 4), [-0.1935807, 0.4605266, 0.837798,
        1.190073, -1.109053, -0.4997572, -0.3496388, 0.5003135, -0.06547767, -0.5620112, -0.1597432, -0.2813183,
        0.1611664, 0.4393643, 0.9023499, 0.9243698])]),
    'depthwise2d_channels_first': ([(3, 3, 2, 1), (2,)], ['kernel', 'bias'], [((1, 2, 3, 3), [-1.643448, -1.21274,
        0.3892123, -2.127991, 0.9619038, 0.3528629, -0.593233, 1.264613, -1.333097, 1.086414, -1.50175, -1.319701,
        -0.1142429, -2.744982, 0.1702137, -1.239754, -0.957535, 0.8448997])]),
    'depthwise1d': ([(3, 2, 1), (2,)], ['kernel', 'bias'], [((1, 5, 2), [-0.4418303, -0.8097105, -1.330793, -1.264357,
        -0.8405765, -0.71477, -0.3011259, -0.669006, -0.2014195, -0.1349834])]),
    'separable2d': ([(2, 2, 2, 2), (1, 1, 4, 3), (3,)], ['depthwise_kernel', 'pointwise_kernel', 'bias'], [((1, 2, 2,
        3), [-0.4513446, -0.09227432, 0.310194, -0.1818242, 0.1757221, 0.4506235, -0.2825298, 0.02413, 0.3194411,
        -0.4855779, -0.1438056, 0.2656007])]),
    'separable1d': ([(3, 2, 1), (1, 2, 2), (2,)], ['depthwise_kernel', 'pointwise_kernel', 'bias'], [((1, 3, 2),
        [-0.3789378, 0.07851943, 0.2144299, 0.08740194, -0.7216156, -0.05686785])]),
    'max_pool1d': ([], [], [((1, 3, 2), [1.478175, 1.294814, 1.478175, 1.294814, -0.9469, 0.02522085])]),
    'avg_pool1d': ([], [], [((1, 3, 2), [0.7390873, 1.13057, 0.2244311, -0.2350133, -1.127132, -0.724229])]),
    'avg_pool1d_channels_first': ([], [], [((1, 2, 2), [0.4831633, 1.386494, -0.9167693, -1.210289])]),
    'max_pool3d': ([], [], [((1, 2, 2, 2, 1), [0.9663265, 1.478175, 1.281898, 1.482252, 1.485911, 1.004355, 1.48915,
        1.254983])]),
    'avg_pool3d': ([], [], [((1, 2, 2, 3, 1), [0.1241601, 0.3084952, 0.371838, 0.7019992, 0.6110099, 0.4780388,
        -0.4425855, 0.01178831, 0.2676762, 0.5053504, 1.233866, 1.482252])]),
    'global_avg_pool1d': ([], [], [((2, 2), [0.660219, 0.5783219, -0.4229279, 0.01126476])]),
    'global_avg_pool1d_mask': ([], [], [((2, 1, 2), [0.2512411, 0.2200758, 0.01928997, 0.7537366])]),
    'global_max_pool1d': ([], [], [((2, 3), [0.9663265, 1.478175, 0.5024822, -1.307364, 0.02522085, 1.482252])]),
    'global_avg_pool3d': ([], [], [((1, 2), [0.1805066, 0.115983])]),
    'global_max_pool3d': ([], [], [((1, 1, 1, 1, 2), [1.478175, 1.482252])]),
    'time_distributed_dense': ([(2, 2), (2,)], ['kernel', 'bias'], [((2, 3, 2), [-0.7371373, -0.5357996, -0.9046508,
        -0.880757, -0.375501, -0.4645056, 0.4876856, 0.5195048, -0.2486952, 0.06616001, -0.8955731, -0.8292123])]),
    'time_distributed_conv': ([(2, 2, 1), (1,)], ['kernel', 'bias'], [((1, 2, 2, 1), [-1.932775, -1.634083, 0.9900938,
        -1.040727])]),
    'bidirectional_lstm': ([(2, 8), (2, 8), (8,), (2, 8), (2, 8), (8,)], ['kernel', 'recurrent_kernel', 'bias',
        'kernel', 'recurrent_kernel', 'bias'], [((2, 3, 4), [0.04370839, 0.04955146, -0.09021822, -0.1495429,
        0.09498852, 0.149616, -0.07336232, -0.1440973, 0.1315558, 0.1110058, -0.1705997, -0.1011859, 0.04617042,
        -0.06089565, -0.280974, 0.09166347, 0.1002965, -0.128382, -0.1244198, -0.02348876, 0.1219653, -0.0003043295,
        -0.01149311, -0.1165523])]),
    'bidirectional_gru_state': ([(2, 6), (2, 6), (2, 6), (2, 6), (2, 6), (2, 6)], ['kernel', 'recurrent_kernel',
        'bias', 'kernel', 'recurrent_kernel', 'bias'], [((2, 2), [0.3829084, 0.4423768, -0.1675779, -0.07732978]),
        ((2, 2), [0.4230556, 0.4797779, 0.1274102, 0.09802067]), ((2, 2), [-0.04014717, -0.03740107, -0.294988,
        -0.1753505])]),
    'bidirectional_rnn_pair': ([(2, 2), (2, 2), (2,), (2, 2), (2, 2), (2,)], ['kernel', 'recurrent_kernel', 'bias',
        'kernel', 'recurrent_kernel', 'bias'], [((2, 3, 2), [-0.6122248, -0.149508, -0.7384475, -0.626903, 0.2524481,
        0.06637058, 0.6438533, 0.7711946, -0.3868521, 0.4339073, -0.7857367, -0.4464505]), ((2, 3, 2), [0.8733877,
        0.4601452, 0.876336, 0.8011419, 0.1748398, 0.08114118, -0.3816378, -0.6210049, 0.5815734, -0.191241, 0.84768,
        0.7032545])]),
    'bidirectional_lstm_initial_state': ([(2, 8), (2, 8), (8,), (2, 8), (2, 8), (8,)], ['kernel', 'recurrent_kernel',
        'bias', 'kernel', 'recurrent_kernel', 'bias'], [((2, 2), [0.03172758, -0.004172385, -0.1320732, -0.03024594]),
        ((2, 2), [0.1776553, 0.149431, 0.02679331, -0.1743217]), ((2, 2), [0.37987, 0.4220393, 0.03956642,
        -0.2796539]), ((2, 2), [-0.1142002, -0.1577758, -0.2909396, 0.1138298]), ((2, 2), [-0.2402808, -0.3271221,
        -0.3834357, 0.1361507])]),
    'bidirectional_backward_layer': ([(2, 8), (2, 8), (8,), (2, 9), (3, 9), (2, 9)], ['kernel', 'recurrent_kernel',
        'bias', 'kernel', 'recurrent_kernel', 'bias'], [((2, 3, 5), [0.04370839, 0.04955146, -0.1289879, 0.1356714,
        0.4396765, 0.09498852, 0.149616, -0.07533499, 0.12341, 0.3569987, 0.1315558, 0.1110058, 0.07910688, 0.2598363,
        0.3962673, 0.04617042, -0.06089565, 0.4135278, 0.773371, 0.8147802, 0.1002965, -0.128382, 0.1380082,
        0.4195141, 0.5402542, 0.1219653, -0.0003043295, -0.1781363, -0.1022588, 0.1106884])]),
}


@pytest.mark.parametrize("key", list(CASES))
def test_outputs_and_weights_match_keras(key):
    check_against_keras(CASES[key], REF[key])


@pytest.mark.parametrize("key", list(CASES))
def test_gradients(key):
    second = key in ("conv2d_transpose_same", "separable2d", "bidirectional_gru_state", "time_distributed_dense")
    # Max pools are shifted off ties between window entries (none within 0.05 after the shift).
    check_layer_gradients(CASES[key], order=2 if second else 1, shift=0.25 if "max" in key else 0.0)


# -- behaviour without Keras numbers ------------------------------------------------------------------
@pytest.mark.parametrize("make, error, match", [
    (lambda: L.Conv2DTranspose(0, 3), ValueError, "`filters`"),
    (lambda: L.Conv2DTranspose(2, (3, 3, 3)), ValueError, "`kernel_size`"),
    (lambda: L.Conv2DTranspose(2, 3, strides=2, output_padding=2), ValueError, "`output_padding`"),
    (lambda: L.Conv1DTranspose(2, 3, padding="causal"), ValueError, "`padding`"),
    (lambda: L.Conv3D(2, 3, strides=0), ValueError, "`strides`"),
    (lambda: L.Conv3D(2, 3, groups=2), NotImplementedError, "groups"),
    (lambda: L.Conv3D(2, 3, strides=2, dilation_rate=2), ValueError, "`dilation_rate`"),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=0), ValueError, "`depth_multiplier`"),
    (lambda: L.SeparableConv2D(4, 3, data_format="NHWC"), ValueError, "`data_format`"),
    (lambda: L.SeparableConv1D(4, 3, pointwise_regularizr="l2"), TypeError, "pointwise_regularizr"),
    (lambda: L.MaxPooling1D(0), ValueError, "`pool_size`"),
    (lambda: L.AveragePooling3D((2, 2)), ValueError, "`pool_size`"),
    (lambda: L.MaxPooling3D(strides=(1, 1, 0)), ValueError, "`strides`"),
    (lambda: L.AveragePooling1D(2, padding="full"), ValueError, "`padding`"),
    (lambda: L.GlobalMaxPooling1D(data_format="ncw"), ValueError, "`data_format`"),
    (lambda: L.TimeDistributed(lambda x: x), ValueError, "`layer`"),
    (lambda: L.Bidirectional(L.Dense(2)), ValueError, "`layer`"),
    (lambda: L.Bidirectional(L.LSTM(2), merge_mode="max"), ValueError, "`merge_mode`"),
    (lambda: L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2)), ValueError, "`go_backwards`"),
    (lambda: L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2, go_backwards=True, return_sequences=True)),
     ValueError, "`return_sequences`"),
])
def test_bad_constructor_arguments_raise_errors_naming_them(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_conv_input_checks_name_the_layer():
    conv = L.Conv3D(2, 2, name="c3")
    conv(gt.ones((1, 3, 3, 3, 2)))
    with pytest.raises(gt.layers.InputSpecError, match=r"c3: expected inputs of shape \(batch, dim1, dim2, dim3, 2\)"):
        conv(gt.ones((1, 3, 3, 3, 4)))
    with pytest.raises(gt.layers.InputSpecError, match="rank 3"):
        L.MaxPooling1D()(gt.ones((2, 4)))


def test_weight_regularizers_constraints_and_initializers_are_keras_arguments():
    conv = L.SeparableConv2D(2, 1, depthwise_regularizer=gt.regularizers.L2(0.5), pointwise_constraint="non_neg",
                             depthwise_initializer="ones", pointwise_initializer="ones", bias_initializer="ones")
    y = conv(gt.ones((1, 2, 2, 3)))
    np.testing.assert_allclose(y.numpy(), np.full((1, 2, 2, 2), 4.0))
    assert len(conv.losses) == 1 and float(conv.losses[0]) == pytest.approx(1.5)
    assert conv.pointwise_kernel.constraint is not None and conv.depthwise_kernel.constraint is None
    dw = L.DepthwiseConv2D(1, depthwise_constraint="non_neg")
    dw(gt.ones((1, 2, 2, 3)))
    assert dw.kernel.constraint is not None


def test_time_distributed_runs_batch_normalization_step_by_step_in_training():
    x = np.stack([np.arange(4.0), 10 * np.arange(4.0)], axis=1)[..., None]  # (4, 2 steps, 1)
    td = L.TimeDistributed(L.BatchNormalization(epsilon=0.0))
    y = td(x, training=True).numpy()
    np.testing.assert_allclose(y[:, 0], y[:, 1], rtol=1e-12)  # each step normalized by its own statistics
    # The moving mean is updated once per step, as Keras 3 does: 0.99 * (0.01 * 1.5) + 0.01 * 15.
    np.testing.assert_allclose(td.layer.moving_mean.numpy(), [0.16485], rtol=1e-12)
    np.testing.assert_allclose(L.TimeDistributed(L.Dense(1))(x).shape, (4, 2, 1))


def test_bidirectional_copies_the_template_and_accepts_initial_weights():
    template = L.GRU(3, return_sequences=True, name="gru_t")
    bi = L.Bidirectional(template, name="bi")
    y = bi(gt.ones((2, 4, 2)))
    assert not template.built and bi.forward_layer is not template
    assert bi.forward_layer.name == "forward_gru_t" and bi.backward_layer.name == "backward_gru_t"
    assert bi.backward_layer.go_backwards and not bi.forward_layer.go_backwards
    assert y.shape == (2, 4, 6) and len(bi.trainable_weights) == 6
    built = L.LSTM(2)
    built(gt.ones((1, 2, 3)))
    fresh = L.Bidirectional(built)
    assert fresh.forward_layer.kernel is None and not fresh.forward_layer.built  # new weights at the first call
    weights = [np.full(w.shape, 0.1 * i, np.float32) for i, w in enumerate(bi.get_weights())]
    again = L.Bidirectional(L.GRU(3, return_sequences=True), weights=weights)
    again(gt.ones((2, 4, 2)))
    for a, b in zip(again.get_weights(), weights):
        np.testing.assert_array_equal(a, b)


# -- noise layers: identity in inference, the right distribution in training --------------------------
def test_noise_layers_pass_inputs_unchanged_without_training():
    x = gt.constant(np.linspace(-1, 1, 24).reshape(2, 3, 4))
    for layer in (L.GaussianNoise(0.5), L.GaussianDropout(0.5), L.AlphaDropout(0.5), L.SpatialDropout1D(0.5)):
        np.testing.assert_array_equal(layer(x).numpy(), x.numpy())
        np.testing.assert_array_equal(layer(x, training=False).numpy(), x.numpy())


def test_gaussian_noise_and_dropout_statistics_seeds_and_gradients():
    x = np.ones((400, 50))
    noise = L.GaussianNoise(0.2, seed=3)
    y = noise(x, training=True).numpy()
    assert abs((y - 1).mean()) < 0.01 and abs((y - 1).std() - 0.2) < 0.01
    np.testing.assert_array_equal(L.GaussianNoise(0.2, seed=3)(x, training=True).numpy(), y)
    assert not np.array_equal(noise(x, training=True).numpy(), y)
    drop = L.GaussianDropout(0.3, seed=1)
    y = drop(x, training=True).numpy()
    assert abs(y.mean() - 1) < 0.01 and abs(y.std() - np.sqrt(0.3 / 0.7)) < 0.01
    xt = gt.constant(np.full((3, 4), 2.0))
    with gt.GradientTape() as tape:
        tape.watch(xt)
        out = L.GaussianDropout(0.5, seed=0)(xt, training=True)
    np.testing.assert_allclose(tape.gradient(out, xt).numpy(), out.numpy() / 2.0)


def test_alpha_dropout_keeps_mean_and_variance_and_uses_the_selu_saturation():
    x = np.random.default_rng(0).standard_normal((400, 100))
    y = L.AlphaDropout(0.2, seed=0)(x, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    rate, alpha_p = 0.2, -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    dropped = np.isclose(y, a * alpha_p - a * alpha_p * rate)  # every dropped entry takes this value
    assert abs(dropped.mean() - rate) < 0.01
    shared = L.AlphaDropout(0.5, noise_shape=(400, 1), seed=0)(x, training=True).numpy()
    assert all(np.isclose(row, row[0]).all() or not np.isclose(row, row[0]).any() for row in shared[:, :1])


@pytest.mark.parametrize("cls, shape, fmt", [(L.SpatialDropout1D, (8, 5, 6), None),
                                             (L.SpatialDropout2D, (8, 3, 3, 6), None),
                                             (L.SpatialDropout2D, (8, 6, 3, 3), "channels_first"),
                                             (L.SpatialDropout3D, (8, 2, 2, 2, 6), None)])
def test_spatial_dropout_drops_whole_channels(cls, shape, fmt):
    layer = cls(0.5, seed=2) if fmt is None else cls(0.5, data_format=fmt, seed=2)
    y = layer(np.ones(shape), training=True).numpy()
    assert set(np.unique(y)) == {0.0, 2.0}
    maps = np.moveaxis(y, 1, -1) if fmt else y
    flat = maps.reshape(shape[0], -1, shape[-1] if not fmt else shape[1])
    assert (flat == flat[:, :1]).all()  # one value per example and channel

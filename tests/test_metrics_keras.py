"""gt.metrics against Keras 3.

Every expected number below was computed by Keras 3.15 (TensorFlow 2.21 backend) on the same
inputs: the metric results after each step (an update, or a reset), the per-example values of
the metric functions, and what ``keras.metrics.get`` returns for every name it knows.
"""

import re

import numpy as np
import pytest

import gradtape as gt

M = gt.metrics
nan = float("nan")

# -- inputs ------------------------------------------------------------------------------------
YT = [[0.5, 1.0, 2.0], [1.5, 0.0, 3.0], [2.0, 2.5, 0.1], [0.0, 1.0, 1.0]]
YP = [[0.7, 0.8, 2.5], [1.0, 0.3, 2.0], [2.2, 2.0, 0.0], [0.4, 1.1, 0.6]]
YT2 = [[1.0, 2.0, 0.0], [3.0, 0.5, 0.2]]
YP2 = [[0.5, 2.5, 0.3], [2.0, 1.0, 0.0]]
SW = [1.0, 0.5, 2.0, 0.0]
SW2 = [0.3, 1.2]
SW_2D = [[1.0, 0.0, 0.5], [0.5, 0.5, 0.5], [2.0, 1.0, 0.0], [0.0, 1.0, 1.0]]
SW_COL = [[1.0], [0.5], [2.0], [0.0]]

# probabilities (rows sum to 1), one-hot labels, sparse labels
P = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25], [0.4, 0.4, 0.2], [0.05, 0.15, 0.8]]
Y1H = [[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]
L = [0, 1, 1, 2, 2]
P2 = [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]
Y1H2 = [[0, 1, 0], [1, 0, 0]]
L2 = [1, 0]
SW5 = [1.0, 0.5, 2.0, 0.0, 1.5]
LOGITS = [[2.0, -1.0, 0.5], [0.1, 0.2, 3.0], [-1.0, 1.5, 0.3], [0.0, 0.0, 0.0], [1.0, -2.0, 2.5]]

# binary
YB = [[1.0], [0.0], [1.0], [1.0], [0.0], [0.0]]
PB = [[0.9], [0.2], [0.4], [0.6], [0.7], [0.1]]
LB = [[2.0], [-1.0], [0.3], [-0.2], [1.5], [-3.0]]
YB2 = [[0.0], [1.0]]
PB2 = [[0.3], [0.8]]
SW6 = [1.0, 2.0, 0.5, 0.0, 1.0, 3.0]
YPM = [[1, -1, 1], [-1, -1, 1], [1, 1, -1], [-1, 1, 1]]  # hinge labels in {-1, 1}
SPM = [[0.3, -0.8, 1.2], [0.5, -0.1, 0.9], [2.0, -0.4, -1.5], [0.0, 0.2, 0.7]]

# confusion / AUC data
CY = [0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0]
CP = [0.1, 0.8, 0.35, 0.5, 0.5, 0.65, 0.9, 0.2, 0.05, 0.7, 0.6, 0.3]
CSW = [1.0, 0.5, 2.0, 1.0, 0.0, 1.5, 1.0, 3.0, 0.25, 1.0, 2.0, 0.5]
CY2 = [1, 0, 1, 0]
CP2 = [0.45, 0.55, 1.0, 0.0]
CSW2 = [2.0, 1.0, 0.5, 1.0]
CL = [-2.0, 1.5, -0.3, 0.0, 0.2, 0.8, 2.5, -1.2, -3.0, 1.0, 0.4, -0.5]  # logits
ML_Y = [[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]
ML_P = [[0.8, 0.3, 0.6], [0.2, 0.7, 0.4], [0.6, 0.55, 0.3], [0.1, 0.2, 0.9], [0.35, 0.5, 0.45], [0.4, 0.85, 0.2]]
ML_SW = [1.0, 2.0, 0.5, 1.0, 0.0, 1.5]

# IoU data
IY = [0, 1, 2, 2, 1, 0, 3, 2]
IP = [0, 1, 1, 2, 2, 0, 3, 3]
ISW = [1, 2, 1, 0, 3, 1, 2, 1]
IY2 = [[0, 1], [2, 2]]
IP2 = [[1, 1], [2, 0]]


def U(y_true, y_pred, sample_weight=None):
    """An ``update_state`` step."""
    return ("update", y_true, y_pred, sample_weight)


R = ("reset",)


def _arr(x):
    a = np.asarray(x)
    return a.astype(np.float32) if a.dtype.kind == "f" else a


def _run(metric, steps):
    results = []
    for step in steps:
        if step[0] == "reset":
            metric.reset_state()
        else:
            _, yt, yp, sw = step
            kwargs = {} if sw is None else {"sample_weight": np.asarray(sw, dtype=np.float32)}
            metric.update_state(_arr(yt), _arr(yp), **kwargs)
        r = metric.result()
        assert isinstance(r, gt.Tensor) and r.dtype == np.float32
        results.append(r.numpy())
    return results


# -- metric classes: (id, constructor, steps, Keras's result after each step) ----------------
CASES = [
    ("MeanSquaredError-plain", lambda: M.MeanSquaredError(), [U(YT, YP)], [0.19166668]),
    (
        "MeanSquaredError-weighted-accumulate-reset",
        lambda: M.MeanSquaredError(),
        [U(YT, YP, SW), U(YT2, YP2, SW2), R, U(YT2, YP2)],
        [0.15238096, 0.22166666, 0.0, 0.31333333],
    ),
    ("MeanAbsoluteError-plain", lambda: M.MeanAbsoluteError(), [U(YT, YP)], [0.36666664]),
    (
        "MeanAbsoluteError-weighted-accumulate-reset",
        lambda: M.MeanAbsoluteError(),
        [U(YT, YP, SW), U(YT2, YP2, SW2), R, U(YT2, YP2)],
        [0.32380953, 0.3886667, 0.0, 0.5],
    ),
    ("MeanAbsolutePercentageError-plain", lambda: M.MeanAbsolutePercentageError(), [U(YT, YP)], [5.833336e07]),
    (
        "MeanAbsolutePercentageError-weighted-accumulate-reset",
        lambda: M.MeanAbsolutePercentageError(),
        [U(YT, YP, SW), U(YT2, YP2, SW2), R, U(YT2, YP2)],
        [1.428575e07, 1.6000045e07, 0.0, 5.0000052e07],
    ),
    ("MeanSquaredLogarithmicError-plain", lambda: M.MeanSquaredLogarithmicError(), [U(YT, YP)], [0.037859727]),
    (
        "MeanSquaredLogarithmicError-weighted-accumulate-reset",
        lambda: M.MeanSquaredLogarithmicError(),
        [U(YT, YP, SW), U(YT2, YP2, SW2), R, U(YT2, YP2)],
        [0.02145209, 0.034424674, 0.0, 0.062353566],
    ),
    ("RootMeanSquaredError-plain", lambda: M.RootMeanSquaredError(), [U(YT, YP)], [0.43779752]),
    (
        "RootMeanSquaredError-weighted-accumulate-reset",
        lambda: M.RootMeanSquaredError(),
        [U(YT, YP, SW), U(YT2, YP2, SW2), R, U(YT2, YP2)],
        [0.39036003, 0.47081488, 0.0, 0.5597619],
    ),
    (
        "RootMeanSquaredError-sw2d-col",
        lambda: M.RootMeanSquaredError(),
        [U(YT, YP, SW_2D), U(YT, YP, SW_COL)],
        [0.40850338, 0.3983072],
    ),
    ("LogCoshError-plain", lambda: M.LogCoshError(), [U(YT, YP)], [0.08866331]),
    (
        "LogCoshError-weighted-accumulate-reset",
        lambda: M.LogCoshError(),
        [U(YT, YP, SW), U(YT2, YP2, SW2), R, U(YT2, YP2)],
        [0.071325436, 0.10152028, 0.0, 0.14305553],
    ),
    ("Poisson-plain", lambda: M.Poisson(), [U(YT, YP)], [0.73391664]),
    (
        "Poisson-weighted-accumulate-reset",
        lambda: M.Poisson(),
        [U(YT, YP, SW), U(YT2, YP2, SW2), R, U(YT2, YP2)],
        [0.77935547, 0.9202944, 0.0, 1.0507904],
    ),
    ("CosineSimilarity-plain", lambda: M.CosineSimilarity(), [U(YT, YP)], [0.9700234]),
    (
        "CosineSimilarity-weighted-accumulate-reset",
        lambda: M.CosineSimilarity(),
        [U(YT, YP, SW), U(YT2, YP2, SW2), R, U(YT2, YP2)],
        [0.9878951, 0.9779083, 0.0, 0.9559362],
    ),
    (
        "CosineSimilarity-axis0",
        lambda: M.CosineSimilarity(axis=0),
        [U(YT, YP), U(YT2, YP2, [1.0, 0.5, 2.0])],
        [0.9664609, 0.6756696],
    ),
    (
        "R2Score",
        lambda: M.R2Score(),
        [U(YT, YP), U(YT, YP, SW), R, U(YT2, YP2, SW2)],
        [0.7933336, 0.82398313, nan, -2.278357],
    ),
    ("R2Score-none", lambda: M.R2Score(class_aggregation=None), [U(YT, YP, SW)], [[0.83666664, 0.818, 0.8329201]]),
    (
        "R2Score-varw",
        lambda: M.R2Score(class_aggregation="variance_weighted_average", num_regressors=1),
        [U(YT, YP), U(YT2, YP2)],
        [0.75661373, 0.7476802],
    ),
    (
        "KLDivergence",
        lambda: M.KLDivergence(),
        [
            U(Y1H, P),
            U(Y1H2, P2, [0.3, 1.2]),
            R,
            U(P, [[0.05, 0.15, 0.8], [0.4, 0.4, 0.2], [0.25, 0.5, 0.25], [0.1, 0.3, 0.6], [0.7, 0.2, 0.1]], SW5),
        ],
        [0.81727237, 0.77854466, 0.0, 0.82934415],
    ),
    (
        "BinaryCrossentropy",
        lambda: M.BinaryCrossentropy(),
        [U(YB, PB), U(YB2, PB2, [0.3, 1.2]), R, U(YB, PB, SW6)],
        [0.51082563, 0.45863047, 0.0, 0.33731297],
    ),
    (
        "BinaryCrossentropy-logits-ls",
        lambda: M.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        [U(YB, LB), U(YB, LB, SW6)],
        [0.6287808, 0.535777],
    ),
    ("BinaryCrossentropy-multi", lambda: M.BinaryCrossentropy(), [U(ML_Y, ML_P, ML_SW)], [0.36634043]),
    (
        "CategoricalCrossentropy",
        lambda: M.CategoricalCrossentropy(),
        [U(Y1H, P), U(Y1H2, P2, [0.3, 1.2]), R, U(Y1H, P, SW5)],
        [0.8172752, 0.7785475, 0.0, 0.5359342],
    ),
    (
        "CategoricalCrossentropy-logits-ls",
        lambda: M.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2),
        [U(Y1H, LOGITS), U(Y1H, LOGITS, SW5)],
        [1.1102207, 0.95151454],
    ),
    (
        "CategoricalCrossentropy-unnormalised",
        lambda: M.CategoricalCrossentropy(),
        [U(Y1H, [[2.0, 1.0, 1.0], [0.0, 1.0, 3.0], [0.5, 0.5, 0.0], [1.0, 1.0, 1.0], [0.2, 0.2, 0.1]])],
        [1.0961277],
    ),
    (
        "SparseCategoricalCrossentropy",
        lambda: M.SparseCategoricalCrossentropy(),
        [U(L, P), U(L2, P2, [0.3, 1.2]), R, U([[0], [1], [1], [2], [2]], P, SW5)],
        [0.8172752, 0.7785475, 0.0, 0.5359342],
    ),
    (
        "SparseCategoricalCrossentropy-logits",
        lambda: M.SparseCategoricalCrossentropy(from_logits=True),
        [U(L, LOGITS), U(L, LOGITS, SW5)],
        [0.95688736, 0.74451447],
    ),
    (
        "SparseCategoricalCrossentropy-unnormalised",
        lambda: M.SparseCategoricalCrossentropy(),
        [U(L, [[2.0, 1.0, 1.0], [0.0, 1.0, 3.0], [0.5, 0.5, 0.0], [1.0, 1.0, 1.0], [0.2, 0.2, 0.1]])],
        [1.0385914],
    ),
    (
        "SparseCategoricalCrossentropy-ignore",
        lambda: M.SparseCategoricalCrossentropy(ignore_class=1),
        [U(L, P), R, U(L, P, SW5)],
        [0.43785128, 0.0, 0.2765561],
    ),
    ("Poisson-probs", lambda: M.Poisson(), [U(Y1H, P, SW5)], [0.51197803]),
    (
        "Hinge",
        lambda: M.Hinge(),
        [
            U(YPM, SPM),
            U(YPM, SPM, SW),
            R,
            U(
                ML_Y,
                [[0.3, -0.8, 1.2], [0.5, -0.1, 0.9], [2.0, -0.4, -1.5], [0.0, 0.2, 0.7], [0.1, 0.2, 0.3], [1.0, -1.0, 0.0]],
            ),
        ],
        [0.575, 0.52666664, 0.0, 0.88333327],
    ),
    (
        "SquaredHinge",
        lambda: M.SquaredHinge(),
        [
            U(YPM, SPM),
            U(YPM, SPM, SW),
            R,
            U(
                ML_Y,
                [[0.3, -0.8, 1.2], [0.5, -0.1, 0.9], [2.0, -0.4, -1.5], [0.0, 0.2, 0.7], [0.1, 0.2, 0.3], [1.0, -1.0, 0.0]],
            ),
        ],
        [0.60749996, 0.59, 0.0, 1.1905556],
    ),
    (
        "CategoricalHinge",
        lambda: M.CategoricalHinge(),
        [U(Y1H, LOGITS), U(Y1H, LOGITS, SW5), R, U(Y1H2, P2)],
        [0.96000004, 0.67, 0.0, 0.95000005],
    ),
    ("TopKCategoricalAccuracy", lambda: M.TopKCategoricalAccuracy(), [U(Y1H, P)], [1.0]),
    (
        "TopKCategoricalAccuracy-k2",
        lambda: M.TopKCategoricalAccuracy(k=2),
        [U(Y1H, P), U(Y1H2, P2, [0.3, 1.2]), R, U(Y1H, P, SW5)],
        [0.8, 0.84615386, 0.0, 1.0],
    ),
    ("TopKCategoricalAccuracy-k1-ties", lambda: M.TopKCategoricalAccuracy(k=1), [U(Y1H, P)], [0.6]),
    (
        "SparseTopKCategoricalAccuracy-k2",
        lambda: M.SparseTopKCategoricalAccuracy(k=2),
        [U(L, P), U(L2, P2, [0.3, 1.2]), R, U([[0], [1], [1], [2], [2]], P, SW5)],
        [0.8, 0.84615386, 0.0, 1.0],
    ),
    ("SparseTopKCategoricalAccuracy-k1-ties", lambda: M.SparseTopKCategoricalAccuracy(k=1), [U(L, P)], [0.6]),
    (
        "SparseTopKCategoricalAccuracy-sorted",
        lambda: M.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True),
        [U(L, [[0, 2, 1], [2, 1, 0], [1, 0, 2], [0, 1, 2], [2, 0, 1]], SW5)],
        [1.0],
    ),
    ("BinaryAccuracy", lambda: M.BinaryAccuracy(), [U(YB, PB), U(YB, PB, SW6)], [0.6666667, 0.7407407]),
    ("CategoricalAccuracy", lambda: M.CategoricalAccuracy(), [U(Y1H, P), U(Y1H, P, SW5)], [0.6, 0.75]),
    ("SparseCategoricalAccuracy", lambda: M.SparseCategoricalAccuracy(), [U(L, P), U(L, P, SW5)], [0.6, 0.75]),
    ("TruePositives", lambda: M.TruePositives(), [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)], [3.0, 3.5, 0.0, 3.5]),
    (
        "TruePositives-thresholds",
        lambda: M.TruePositives(thresholds=[0.3, 0.5, 0.65]),
        [U(CY, CP), U(CY, CP, CSW)],
        [[5.0, 3.0, 2.0], [10.5, 6.5, 3.5]],
    ),
    (
        "TruePositives-even-thresholds",
        lambda: M.TruePositives(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        [U(CY, CP), U(CY2, CP2, CSW2)],
        [[6.0, 5.0, 3.0, 2.0, 0.0], [8.5, 7.5, 3.5, 2.5, 0.0]],
    ),
    ("TruePositives-2d", lambda: M.TruePositives(thresholds=0.4), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [7.0, 14.5]),
    ("FalsePositives", lambda: M.FalsePositives(), [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)], [2.0, 3.0, 0.0, 2.5]),
    (
        "FalsePositives-thresholds",
        lambda: M.FalsePositives(thresholds=[0.3, 0.5, 0.65]),
        [U(CY, CP), U(CY, CP, CSW)],
        [[3.0, 2.0, 1.0], [6.5, 4.5, 2.0]],
    ),
    (
        "FalsePositives-even-thresholds",
        lambda: M.FalsePositives(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        [U(CY, CP), U(CY2, CP2, CSW2)],
        [[6.0, 4.0, 2.0, 0.0, 0.0], [7.0, 5.0, 3.0, 0.0, 0.0]],
    ),
    ("FalsePositives-2d", lambda: M.FalsePositives(thresholds=0.4), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [2.0, 2.0]),
    ("TrueNegatives", lambda: M.TrueNegatives(), [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)], [4.0, 5.0, 0.0, 2.75]),
    (
        "TrueNegatives-thresholds",
        lambda: M.TrueNegatives(thresholds=[0.3, 0.5, 0.65]),
        [U(CY, CP), U(CY, CP, CSW)],
        [[3.0, 4.0, 5.0], [4.75, 6.75, 9.25]],
    ),
    (
        "TrueNegatives-even-thresholds",
        lambda: M.TrueNegatives(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        [U(CY, CP), U(CY2, CP2, CSW2)],
        [[0.0, 2.0, 4.0, 6.0, 6.0], [1.0, 3.0, 5.0, 8.0, 8.0]],
    ),
    ("TrueNegatives-2d", lambda: M.TrueNegatives(thresholds=0.4), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [7.0, 15.5]),
    ("FalseNegatives", lambda: M.FalseNegatives(), [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)], [3.0, 5.0, 0.0, 5.0]),
    (
        "FalseNegatives-thresholds",
        lambda: M.FalseNegatives(thresholds=[0.3, 0.5, 0.65]),
        [U(CY, CP), U(CY, CP, CSW)],
        [[1.0, 3.0, 4.0], [4.0, 8.0, 11.0]],
    ),
    (
        "FalseNegatives-even-thresholds",
        lambda: M.FalseNegatives(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        [U(CY, CP), U(CY2, CP2, CSW2)],
        [[0.0, 1.0, 3.0, 4.0, 6.0], [0.0, 1.0, 5.0, 6.0, 8.5]],
    ),
    ("FalseNegatives-2d", lambda: M.FalseNegatives(thresholds=0.4), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [2.0, 4.0]),
    (
        "Precision",
        lambda: M.Precision(),
        [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)],
        [0.6, 0.53846157, 0.0, 0.5833333],
    ),
    (
        "Precision-thresholds",
        lambda: M.Precision(thresholds=[0.3, 0.5, 0.65]),
        [U(CY, CP), U(CY, CP, CSW)],
        [[0.625, 0.6, 0.6666667], [0.61764705, 0.59090906, 0.6363636]],
    ),
    (
        "Precision-even-thresholds",
        lambda: M.Precision(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        [U(CY, CP), U(CY2, CP2, CSW2)],
        [[0.5, 0.5555556, 0.6, 1.0, 0.0], [0.5483871, 0.6, 0.53846157, 1.0, 0.0]],
    ),
    ("Precision-2d", lambda: M.Precision(thresholds=0.4), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [0.7777778, 0.8787879]),
    ("Recall", lambda: M.Recall(), [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)], [0.5, 0.4117647, 0.0, 0.4117647]),
    (
        "Recall-thresholds",
        lambda: M.Recall(thresholds=[0.3, 0.5, 0.65]),
        [U(CY, CP), U(CY, CP, CSW)],
        [[0.8333333, 0.5, 0.33333334], [0.7241379, 0.44827586, 0.2413793]],
    ),
    (
        "Recall-even-thresholds",
        lambda: M.Recall(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        [U(CY, CP), U(CY2, CP2, CSW2)],
        [[1.0, 0.8333333, 0.5, 0.33333334, 0.0], [1.0, 0.88235295, 0.4117647, 0.29411766, 0.0]],
    ),
    ("Recall-2d", lambda: M.Recall(thresholds=0.4), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [0.7777778, 0.7837838]),
    ("Precision-topk", lambda: M.Precision(top_k=2), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [0.6666667, 0.7291667]),
    ("Precision-classid", lambda: M.Precision(class_id=1), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [1.0, 1.0]),
    ("Precision-topk-classid", lambda: M.Precision(top_k=1, class_id=2), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [1.0, 1.0]),
    ("Precision-topk-thr", lambda: M.Precision(top_k=2, thresholds=[0.3, 0.5]), [U(ML_Y, ML_P, ML_SW)], [[0.8636364, 1.0]]),
    (
        "Precision-sw2d",
        lambda: M.Precision(),
        [
            U(
                ML_Y,
                ML_P,
                [[1.0, 0.5, 2.0], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0]],
            )
        ],
        [1.0],
    ),
    ("Recall-topk", lambda: M.Recall(top_k=2), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [0.8888889, 0.9459459]),
    ("Recall-classid", lambda: M.Recall(class_id=1), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [1.0, 1.0]),
    (
        "Recall-topk-classid",
        lambda: M.Recall(top_k=1, class_id=2),
        [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)],
        [0.33333334, 0.2857143],
    ),
    ("Recall-topk-thr", lambda: M.Recall(top_k=2, thresholds=[0.3, 0.5]), [U(ML_Y, ML_P, ML_SW)], [[1.0, 0.7894737]]),
    (
        "Recall-sw2d",
        lambda: M.Recall(),
        [
            U(
                ML_Y,
                ML_P,
                [[1.0, 0.5, 2.0], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0], [1.0, 0.5, 2.0]],
            )
        ],
        [0.71428573],
    ),
    ("AUC", lambda: M.AUC(), [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)], [0.6805556, 0.6691177, 0.0, 0.46218485]),
    (
        "AUC-col",
        lambda: M.AUC(),
        [
            U(
                [[0], [1], [1], [0], [1], [0], [1], [1], [0], [0], [1], [0]],
                [[0.1], [0.8], [0.35], [0.5], [0.5], [0.65], [0.9], [0.2], [0.05], [0.7], [0.6], [0.3]],
                CSW,
            )
        ],
        [0.46218485],
    ),
    (
        "AUC-PR",
        lambda: M.AUC(curve="PR"),
        [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)],
        [0.7192991, 0.71038383, 0.0, 0.6481164],
    ),
    ("AUC-ROC-minoring", lambda: M.AUC(summation_method="minoring"), [U(CY, CP, CSW)], [0.46218485]),
    ("AUC-ROC-majoring", lambda: M.AUC(summation_method="majoring", num_thresholds=10), [U(CY, CP, CSW)], [0.52941173]),
    ("AUC-PR-majoring", lambda: M.AUC(curve="PR", summation_method="majoring"), [U(CY, CP, CSW)], [0.6975163]),
    (
        "AUC-PR-minoring",
        lambda: M.AUC(curve="PR", summation_method="minoring", num_thresholds=7),
        [U(CY, CP, CSW)],
        [0.52549016],
    ),
    ("AUC-PRGAIN", lambda: M.AUC(curve="PRGAIN", num_thresholds=50), [U(CY, CP, CSW)], [-0.011187993]),
    ("AUC-logits", lambda: M.AUC(from_logits=True), [U(CY, CL), U(CY, CL, CSW)], [0.6944444, 0.57394636]),
    (
        "AUC-thresholds",
        lambda: M.AUC(thresholds=[0.3, 0.5, 0.6, 0.85]),
        [U(CY, CP), U(CY, CP, CSW)],
        [0.65277773, 0.5440613],
    ),
    ("AUC-thresholds-even", lambda: M.AUC(thresholds=[0.25, 0.5, 0.75]), [U(CY, CP, CSW)], [0.487395]),
    ("AUC-PR-thresholds", lambda: M.AUC(curve="PR", thresholds=[0.3, 0.5, 0.6, 0.85]), [U(CY, CP, CSW)], [0.624214]),
    ("AUC-multilabel", lambda: M.AUC(multi_label=True), [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)], [0.9259259, 0.94673723]),
    (
        "AUC-multilabel-PR-lw",
        lambda: M.AUC(multi_label=True, curve="PR", label_weights=[1.0, 0.5, 2.0], num_labels=3),
        [U(ML_Y, ML_P, ML_SW)],
        [1.0],
    ),
    (
        "AUC-multilabel-thresholds",
        lambda: M.AUC(multi_label=True, thresholds=[0.3, 0.5, 0.6]),
        [U(ML_Y, ML_P, ML_SW)],
        [1.0],
    ),
    (
        "AUC-flat-lw",
        lambda: M.AUC(label_weights=[1.0, 0.5, 2.0]),
        [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)],
        [0.9138322, 0.9375],
    ),
    ("AUC-flat-2d", lambda: M.AUC(curve="PR"), [U(ML_Y, ML_P, ML_SW)], [0.98382235]),
    ("AUC-n3", lambda: M.AUC(num_thresholds=3), [U([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])], [0.75]),
    ("AUC-PR-n3", lambda: M.AUC(curve="PR", num_thresholds=3), [U([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])], [0.8206994]),
    (
        "MeanIoU",
        lambda: M.MeanIoU(num_classes=4),
        [U(IY, IP), U(IY2, IP2), R, U(IY, IP, ISW)],
        [0.5208334, 0.43333334, 0.0, 0.5],
    ),
    (
        "MeanIoU-float-weights",
        lambda: M.MeanIoU(num_classes=4),
        [U(IY, IP, [0.5, 1.7, 2.2, 1.0, 1.0, 0.9, 3.5, 1.0])],
        [0.4],
    ),
    (
        "MeanIoU-float-dtype",
        lambda: M.MeanIoU(num_classes=4, dtype="float32"),
        [U(IY, IP, [0.5, 1.7, 2.2, 1.0, 1.0, 0.9, 3.5, 1.0])],
        [0.57925606],
    ),
    ("MeanIoU-ignore", lambda: M.MeanIoU(num_classes=4, ignore_class=2), [U(IY, IP)], [0.625]),
    ("MeanIoU-out-of-range", lambda: M.MeanIoU(num_classes=3), [U(IY, IP)], [0.5555556]),
    ("IoU", lambda: M.IoU(num_classes=4, target_class_ids=[0, 2]), [U(IY, IP), U(IY, IP, ISW)], [0.625, 0.5555556]),
    ("BinaryIoU", lambda: M.BinaryIoU(), [U(CY, CP), U(CY, CP, CSW)], [0.4097222, 0.29264706]),
    ("BinaryIoU-1", lambda: M.BinaryIoU(target_class_ids=[1], threshold=0.6), [U(CY, CP)], [0.37499997]),
    (
        "OneHotIoU",
        lambda: M.OneHotIoU(num_classes=3, target_class_ids=[0, 2]),
        [U(Y1H, P), U(Y1H, P, [1, 2, 0, 1, 3])],
        [0.4166667, 0.4722222],
    ),
    (
        "OneHotMeanIoU",
        lambda: M.OneHotMeanIoU(num_classes=3),
        [U(Y1H, P), U(Y1H, P, [1, 2, 0, 1, 3])],
        [0.44444445, 0.39814815],
    ),
    (
        "F1Score",
        lambda: M.F1Score(),
        [U(Y1H, P), U(Y1H2, P2, [0.3, 1.2]), R, U(Y1H, P, SW5)],
        [
            [0.66666657, 0.49999994, 0.49999994],
            [0.81481475, 0.46511623, 0.46511623],
            [0.0, 0.0, 0.0],
            [0.9999998, 0.8888889, 0.85714275],
        ],
    ),
    (
        "F1Score-micro",
        lambda: M.F1Score(average="micro", threshold=0.3),
        [U(ML_Y, ML_P), U(ML_Y, ML_P, ML_SW)],
        [0.8571428, 0.8915662],
    ),
    ("F1Score-macro", lambda: M.F1Score(average="macro"), [U(Y1H, P, SW5)], [0.9153438]),
    ("F1Score-weighted", lambda: M.F1Score(average="weighted", threshold=0.4), [U(ML_Y, ML_P, ML_SW)], [0.85964906]),
    (
        "FBetaScore",
        lambda: M.FBetaScore(beta=2.0),
        [U(Y1H, P), U(Y1H, P, SW5)],
        [[0.8333332, 0.5, 0.5], [0.90909094, 0.6818182, 0.6944445]],
    ),
    (
        "FBetaScore-macro",
        lambda: M.FBetaScore(average="macro", beta=0.5, threshold=0.5),
        [U(ML_Y, ML_P, ML_SW)],
        [0.94444436],
    ),
    (
        "PearsonCorrelation",
        lambda: M.PearsonCorrelation(),
        [U(YT, YP), U(YT2, YP2, SW2), R, U(YT, YP, SW)],
        [0.9090326, 0.909128, 0.0, 0.9653993],
    ),
    ("PearsonCorrelation-axis0", lambda: M.PearsonCorrelation(axis=0), [U(YT, YP)], [0.9188841]),
    (
        "ConcordanceCorrelation",
        lambda: M.ConcordanceCorrelation(),
        [U(YT, YP), U(YT2, YP2, SW2), R, U(YT, YP, SW)],
        [0.8221885, 0.8233835, 0.0, 0.9141139],
    ),
    ("CCC-doc", lambda: M.ConcordanceCorrelation(), [U([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])], [0.99999994]),
    (
        "Pearson-doc",
        lambda: M.PearsonCorrelation(),
        [U([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [[3.0, 2.0, 1.0], [2.0, 4.0, 7.0]])],
        [-0.003300339],
    ),
    (
        "SensitivityAtSpecificity",
        lambda: M.SensitivityAtSpecificity(0.5),
        [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)],
        [0.8333333, 0.88235295, 0.0, 0.4117647],
    ),
    (
        "SensitivityAtSpecificity-n1",
        lambda: M.SensitivityAtSpecificity(0.5, num_thresholds=1),
        [U(CY, CP, CSW)],
        [0.4117647],
    ),
    (
        "SensitivityAtSpecificity-n5-classid",
        lambda: M.SensitivityAtSpecificity(0.5, num_thresholds=5, class_id=2),
        [U(ML_Y, ML_P, ML_SW)],
        [1.0],
    ),
    (
        "SensitivityAtSpecificity-doc-0.5",
        lambda: M.SensitivityAtSpecificity(0.5),
        [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])],
        [1.0],
    ),
    (
        "SensitivityAtSpecificity-doc-0.8",
        lambda: M.SensitivityAtSpecificity(0.8),
        [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])],
        [0.5],
    ),
    (
        "SensitivityAtSpecificity-doc-1.0",
        lambda: M.SensitivityAtSpecificity(1.0),
        [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])],
        [0.5],
    ),
    (
        "SpecificityAtSensitivity",
        lambda: M.SpecificityAtSensitivity(0.7),
        [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)],
        [0.5, 0.5, 0.0, 0.23809524],
    ),
    ("SpecificityAtSensitivity-n1", lambda: M.SpecificityAtSensitivity(0.7, num_thresholds=1), [U(CY, CP, CSW)], [0.0]),
    (
        "SpecificityAtSensitivity-n5-classid",
        lambda: M.SpecificityAtSensitivity(0.7, num_thresholds=5, class_id=2),
        [U(ML_Y, ML_P, ML_SW)],
        [0.75],
    ),
    (
        "SpecificityAtSensitivity-doc-0.5",
        lambda: M.SpecificityAtSensitivity(0.5),
        [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])],
        [1.0],
    ),
    (
        "SpecificityAtSensitivity-doc-0.8",
        lambda: M.SpecificityAtSensitivity(0.8),
        [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])],
        [0.5],
    ),
    (
        "SpecificityAtSensitivity-doc-1.0",
        lambda: M.SpecificityAtSensitivity(1.0),
        [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])],
        [0.5],
    ),
    (
        "PrecisionAtRecall",
        lambda: M.PrecisionAtRecall(0.6),
        [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)],
        [0.625, 0.65217394, 0.0, 0.68],
    ),
    ("PrecisionAtRecall-n1", lambda: M.PrecisionAtRecall(0.6, num_thresholds=1), [U(CY, CP, CSW)], [0.0]),
    (
        "PrecisionAtRecall-n5-classid",
        lambda: M.PrecisionAtRecall(0.6, num_thresholds=5, class_id=2),
        [U(ML_Y, ML_P, ML_SW)],
        [0.8888889],
    ),
    ("PrecisionAtRecall-doc-0.5", lambda: M.PrecisionAtRecall(0.5), [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])], [1.0]),
    ("PrecisionAtRecall-doc-0.8", lambda: M.PrecisionAtRecall(0.8), [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])], [0.6666667]),
    ("PrecisionAtRecall-doc-1.0", lambda: M.PrecisionAtRecall(1.0), [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])], [0.6666667]),
    (
        "RecallAtPrecision",
        lambda: M.RecallAtPrecision(0.75),
        [U(CY, CP), U(CY2, CP2, CSW2), R, U(CY, CP, CSW)],
        [0.33333334, 0.29411766, 0.0, 0.1764706],
    ),
    ("RecallAtPrecision-n1", lambda: M.RecallAtPrecision(0.75, num_thresholds=1), [U(CY, CP, CSW)], [0.0]),
    (
        "RecallAtPrecision-n5-classid",
        lambda: M.RecallAtPrecision(0.75, num_thresholds=5, class_id=2),
        [U(ML_Y, ML_P, ML_SW)],
        [1.0],
    ),
    ("RecallAtPrecision-doc-0.5", lambda: M.RecallAtPrecision(0.5), [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])], [1.0]),
    ("RecallAtPrecision-doc-0.8", lambda: M.RecallAtPrecision(0.8), [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])], [0.5]),
    ("RecallAtPrecision-doc-1.0", lambda: M.RecallAtPrecision(1.0), [U([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])], [0.5]),
]

# Where Keras's numerics cancel badly (precision-recall gain near 0), float32 rounding differs.
LOOSE = {"AUC-PRGAIN": 1e-5}


@pytest.mark.parametrize("cid, make, steps, expected", CASES, ids=[c[0] for c in CASES])
def test_metric_matches_keras(cid, make, steps, expected):
    got = _run(make(), steps)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(
            g, np.asarray(e, dtype=np.float64), rtol=LOOSE.get(cid, 1e-6), atol=1e-7, equal_nan=True, err_msg=cid
        )


@pytest.mark.parametrize(
    "cls",
    [
        "MeanSquaredError",
        "MeanAbsoluteError",
        "MeanAbsolutePercentageError",
        "MeanSquaredLogarithmicError",
        "LogCoshError",
        "Poisson",
    ],
)
def test_per_element_sample_weight_is_refused_for_per_example_values(cls):
    # Keras fails too: the values are one per example, (4,), and a (4, 3) weight does not broadcast.
    with pytest.raises(ValueError, match="sample_weight"):
        getattr(M, cls)().update_state(_arr(YT), _arr(YP), sample_weight=np.asarray(SW_2D, np.float32))
    m = getattr(M, cls)()
    m.update_state(_arr(YT), _arr(YP), sample_weight=np.asarray(SW_COL, np.float32))
    ref = getattr(M, cls)()
    ref.update_state(_arr(YT), _arr(YP), sample_weight=np.asarray(SW, np.float32))
    assert float(m.result()) == pytest.approx(float(ref.result()), rel=1e-6)


RESET_CASES = [
    (lambda: M.AUC(curve="PR"), (CY, CP), (CY2, CP2)),
    (lambda: M.Precision(thresholds=[0.3, 0.6]), (CY, CP), (CY2, CP2)),
    (lambda: M.SensitivityAtSpecificity(0.5), (CY, CP), (CY2, CP2)),
    (lambda: M.MeanIoU(4), (IY, IP), (IY2, IP2)),
    (lambda: M.F1Score(), (Y1H, P), (Y1H2, P2)),
    (lambda: M.RootMeanSquaredError(), (YT, YP), (YT2, YP2)),
    (lambda: M.R2Score(), (YT, YP), (YT2, YP2)),
]


@pytest.mark.parametrize("make, first, second", RESET_CASES)
def test_reset_state_gives_a_fresh_metric(make, first, second):
    used, fresh = make(), make()
    used.update_state(*first)
    before = used.result().numpy()
    used.reset_state()
    assert used.variables and all(not np.any(v.numpy()) for v in used.variables)
    used.update_state(*second)
    fresh.update_state(*second)
    np.testing.assert_array_equal(used.result().numpy(), fresh.result().numpy())
    assert not np.array_equal(before, fresh.result().numpy())


def test_tensors_lists_and_calls():
    m = M.AUC()
    value = m(gt.constant(CY), gt.constant(CP, dtype=gt.float32), sample_weight=gt.constant(CSW))
    assert float(value) == pytest.approx(0.4621848, rel=1e-6)  # Keras's value (case "AUC", last step)
    p = M.Precision()
    p.update_state(CY, CP)  # plain Python lists
    assert float(p.result()) == pytest.approx(0.6, rel=1e-6)  # Keras: 3 of 5 predicted positives (case "Precision")
    assert float(M.MeanSquaredError()(YT, YP)) == pytest.approx(0.19166668, rel=1e-6)


def test_updates_never_record_on_a_tape():
    x = gt.Variable([0.2, 0.9, 0.4])
    m = M.AUC()
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(x * x)
        m.update_state([0, 1, 1], x)
        M.BinaryCrossentropy().update_state([0.0, 1.0, 1.0], x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.4, 1.8, 0.8], rtol=1e-6)
    assert all(not v.trainable for v in m.variables) and len(m.variables) == 4


# -- functions: (name, kwargs, y_true, y_pred, Keras's per-example values) -------------------
FUNCTIONS = [
    ("mean_squared_error", {}, YT, YP, [0.10999999, 0.4466667, 0.1, 0.10999999]),
    ("mean_absolute_error", {}, YT, YP, [0.29999998, 0.59999996, 0.26666668, 0.29999998]),
    ("mean_absolute_percentage_error", {}, YT, YP, [28.333334, 1.0000002e08, 43.333332, 1.3333335e08]),
    ("mean_squared_logarithmic_error", {}, YT, YP, [0.016843038, 0.06712965, 0.0123372255, 0.055128995]),
    ("log_cosh", {}, YT, YP, [0.053283572, 0.19941203, 0.048324723, 0.053632874]),
    ("huber", {}, YT, YP, [0.054999996, 0.22333334, 0.05, 0.054999996]),
    ("huber", {"delta": 0.3}, YT, YP, [0.048333332, 0.135, 0.043333337, 0.051666666]),
    ("poisson", {}, YT, YP, [0.8562997, 0.40685275, 0.834009, 0.838505]),
    ("kl_divergence", {}, Y1H, P, [0.35667217, 1.2039698, 0.6931442, 1.6094348, 0.22314082]),
    ("hinge", {}, YPM, SPM, [0.29999998, 0.8333333, 0.46666667, 0.7]),
    ("hinge", {}, ML_Y, ML_P, [0.6333333, 0.7, 0.71666664, 0.8, 1.2, 0.9166667]),
    ("squared_hinge", {}, YPM, SPM, [0.17666666, 1.0233333, 0.6533333, 0.5766667]),
    ("categorical_hinge", {}, Y1H, LOGITS, [0.0, 3.8, 0.0, 1.0, 0.0]),
    ("binary_crossentropy", {}, YB, PB, [0.105360545, 0.22314353, 0.9162907, 0.5108256, 1.2039728, 0.105360545]),
    (
        "binary_crossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        YB,
        LB,
        [0.32692793, 0.41326168, 0.58435524, 0.7781389, 1.5514133, 0.34858736],
    ),
    ("binary_crossentropy", {}, ML_Y, ML_P, [0.36354804, 0.4987031, 0.48844585, 0.14462154, 0.7802687, 0.29882935]),
    ("categorical_crossentropy", {}, Y1H, P, [0.35667497, 1.2039728, 0.6931472, 1.609438, 0.22314353]),
    (
        "categorical_crossentropy",
        {"from_logits": True},
        Y1H,
        LOGITS,
        [0.24131133, 2.9096014, 0.32445693, 1.0986123, 0.21045467],
    ),
    ("categorical_crossentropy", {"label_smoothing": 0.1}, Y1H, P, [0.46329743, 1.2174884, 0.739357, 1.5632281, 0.3713624]),
    ("sparse_categorical_crossentropy", {}, L, P, [0.35667497, 1.2039728, 0.6931472, 1.609438, 0.22314355]),
    (
        "sparse_categorical_crossentropy",
        {"from_logits": True},
        L,
        LOGITS,
        [0.24131133, 2.9096014, 0.32445693, 1.0986123, 0.21045467],
    ),
    ("sparse_categorical_crossentropy", {"ignore_class": 2}, L, P, [0.35667497, 1.2039728, 0.6931472, 0.0, 0.0]),
    ("binary_focal_crossentropy", {}, YB, PB, [0.0010536059, 0.008925741, 0.32986465, 0.08173208, 0.5899466, 0.0010536059]),
    (
        "binary_focal_crossentropy",
        {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1},
        YB,
        LB,
        [0.004529592, 0.038985968, 0.051911984, 0.101430565, 0.77041006, 0.0038103282],
    ),
    ("categorical_focal_crossentropy", {}, Y1H, P, [0.008025188, 0.14748666, 0.0433217, 0.2575101, 0.0022314352]),
    (
        "categorical_focal_crossentropy",
        {"alpha": 0.5, "gamma": 1.0, "from_logits": True, "label_smoothing": 0.1},
        Y1H,
        LOGITS,
        [0.09998785, 1.3316928, 0.10610981, 0.3662041, 0.11979396],
    ),
    ("binary_accuracy", {}, YB, PB, [[1.0], [1.0], [0.0], [1.0], [0.0], [1.0]]),
    ("binary_accuracy", {"threshold": 0.65}, YB, PB, [[1.0], [1.0], [0.0], [0.0], [0.0], [1.0]]),
    ("categorical_accuracy", {}, Y1H, P, [1.0, 0.0, 1.0, 0.0, 1.0]),
    ("sparse_categorical_accuracy", {}, L, P, [1.0, 0.0, 1.0, 0.0, 1.0]),
    ("sparse_categorical_accuracy", {}, [[0], [1], [1], [2], [2]], P, [1.0, 0.0, 1.0, 0.0, 1.0]),
    ("top_k_categorical_accuracy", {"k": 1}, Y1H, P, [1.0, 0.0, 1.0, 0.0, 1.0]),
    ("top_k_categorical_accuracy", {"k": 2}, Y1H, P, [1.0, 1.0, 1.0, 0.0, 1.0]),
    ("sparse_top_k_categorical_accuracy", {"k": 1}, L, P, [1.0, 0.0, 1.0, 0.0, 1.0]),
    ("sparse_top_k_categorical_accuracy", {"k": 2}, [[0], [1], [1], [2], [2]], P, [[1.0], [1.0], [1.0], [0.0], [1.0]]),
    ("pearson_correlation", {}, YT, YP, [0.9599349, 0.9948497, 0.9607689, 0.7205767]),
    ("concordance_correlation", {}, YT, YP, [0.8998988, 0.79192543, 0.9517686, 0.64516115]),
    ("concordance_correlation", {"axis": 0}, YT, YP, [0.88838255, 0.91772145, 0.8433535]),
]


@pytest.mark.parametrize(
    "name, kwargs, y_true, y_pred, expected", FUNCTIONS, ids=[f"{c[0]}-{i}" for i, c in enumerate(FUNCTIONS)]
)
def test_function_matches_keras(name, kwargs, y_true, y_pred, expected):
    got = getattr(M, name)(_arr(y_true), np.asarray(y_pred, dtype=np.float32), **kwargs)
    assert isinstance(got, gt.Tensor) and got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), np.asarray(expected), rtol=1e-6, atol=1e-7)


def test_tf_keras_short_names_are_the_functions():
    assert M.mse is M.MSE is M.mean_squared_error and M.mae is M.mean_absolute_error
    assert M.mape is M.mean_absolute_percentage_error and M.msle is M.mean_squared_logarithmic_error
    assert M.kld is M.kl_divergence and M.logcosh is M.log_cosh
    assert gt.keras.metrics is gt.metrics


# -- get: every name of Keras's table -> (class, default name, default config without name) ---
# ``None``: Keras's class needs constructor arguments, so ``get`` raises TypeError.
KERAS_GET = {
    "AUC": (
        "AUC",
        "auc",
        {
            "dtype": "float32",
            "num_thresholds": 200,
            "curve": "ROC",
            "summation_method": "interpolation",
            "multi_label": False,
            "num_labels": None,
            "label_weights": None,
            "from_logits": False,
        },
    ),
    "Accuracy": ("Accuracy", "accuracy", {"dtype": "float32"}),
    "BCE": ("BinaryCrossentropy", "binary_crossentropy", {"dtype": "float32", "from_logits": False, "label_smoothing": 0}),
    "BinaryAccuracy": ("BinaryAccuracy", "binary_accuracy", {"dtype": "float32", "threshold": 0.5}),
    "BinaryCrossentropy": (
        "BinaryCrossentropy",
        "binary_crossentropy",
        {"dtype": "float32", "from_logits": False, "label_smoothing": 0},
    ),
    "BinaryIoU": ("BinaryIoU", "binary_io_u", {"target_class_ids": [0, 1], "threshold": 0.5, "dtype": "int64"}),
    "CategoricalAccuracy": ("CategoricalAccuracy", "categorical_accuracy", {"dtype": "float32"}),
    "CategoricalCrossentropy": (
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        {"dtype": "float32", "from_logits": False, "label_smoothing": 0, "axis": -1},
    ),
    "CategoricalHinge": ("CategoricalHinge", "categorical_hinge", {"dtype": "float32"}),
    "ConcordanceCorrelation": ("ConcordanceCorrelation", "concordance_correlation", {"dtype": "float32", "axis": -1}),
    "CosineSimilarity": ("CosineSimilarity", "cosine_similarity", {"dtype": "float32"}),
    "F1Score": ("F1Score", "f1_score", {"dtype": "float32", "average": None, "threshold": None}),
    "FBetaScore": ("FBetaScore", "fbeta_score", {"dtype": "float32", "average": None, "beta": 1.0, "threshold": None}),
    "FalseNegatives": ("FalseNegatives", "false_negatives", {"dtype": "float32", "thresholds": None}),
    "FalsePositives": ("FalsePositives", "false_positives", {"dtype": "float32", "thresholds": None}),
    "Hinge": ("Hinge", "hinge", {"dtype": "float32"}),
    "IoU": None,
    "KLDivergence": ("KLDivergence", "kl_divergence", {"dtype": "float32"}),
    "LogCoshError": ("LogCoshError", "logcosh", {"dtype": "float32"}),
    "MAE": ("MeanAbsoluteError", "mean_absolute_error", {"dtype": "float32"}),
    "MAPE": ("MeanAbsolutePercentageError", "mean_absolute_percentage_error", {"dtype": "float32"}),
    "MSE": ("MeanSquaredError", "mean_squared_error", {"dtype": "float32"}),
    "MSLE": ("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", {"dtype": "float32"}),
    "Mean": ("Mean", "mean", {"dtype": "float32"}),
    "MeanAbsoluteError": ("MeanAbsoluteError", "mean_absolute_error", {"dtype": "float32"}),
    "MeanAbsolutePercentageError": ("MeanAbsolutePercentageError", "mean_absolute_percentage_error", {"dtype": "float32"}),
    "MeanIoU": None,
    "MeanMetricWrapper": None,
    "MeanSquaredError": ("MeanSquaredError", "mean_squared_error", {"dtype": "float32"}),
    "MeanSquaredLogarithmicError": ("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", {"dtype": "float32"}),
    "Metric": ("Metric", "metric", {"dtype": "float32"}),
    "OneHotIoU": None,
    "OneHotMeanIoU": None,
    "PearsonCorrelation": ("PearsonCorrelation", "pearson_correlation", {"dtype": "float32", "axis": -1}),
    "Poisson": ("Poisson", "poisson", {"dtype": "float32"}),
    "Precision": ("Precision", "precision", {"dtype": "float32", "thresholds": None, "top_k": None, "class_id": None}),
    "PrecisionAtRecall": None,
    "R2Score": ("R2Score", "r2_score", {"dtype": "float32", "class_aggregation": "uniform_average", "num_regressors": 0}),
    "Recall": ("Recall", "recall", {"dtype": "float32", "thresholds": None, "top_k": None, "class_id": None}),
    "RecallAtPrecision": None,
    "RootMeanSquaredError": ("RootMeanSquaredError", "root_mean_squared_error", {"dtype": "float32"}),
    "SensitivityAtSpecificity": None,
    "SparseCategoricalAccuracy": ("SparseCategoricalAccuracy", "sparse_categorical_accuracy", {"dtype": "float32"}),
    "SparseCategoricalCrossentropy": (
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"dtype": "float32", "from_logits": False, "ignore_class": None, "axis": -1},
    ),
    "SparseTopKCategoricalAccuracy": (
        "SparseTopKCategoricalAccuracy",
        "sparse_top_k_categorical_accuracy",
        {"dtype": "float32", "k": 5},
    ),
    "SpecificityAtSensitivity": None,
    "SquaredHinge": ("SquaredHinge", "squared_hinge", {"dtype": "float32"}),
    "Sum": ("Sum", "sum", {"dtype": "float32"}),
    "TopKCategoricalAccuracy": ("TopKCategoricalAccuracy", "top_k_categorical_accuracy", {"dtype": "float32", "k": 5}),
    "TrueNegatives": ("TrueNegatives", "true_negatives", {"dtype": "float32", "thresholds": None}),
    "TruePositives": ("TruePositives", "true_positives", {"dtype": "float32", "thresholds": None}),
    "accuracy": ("Accuracy", "accuracy", {"dtype": "float32"}),
    "auc": (
        "AUC",
        "auc",
        {
            "dtype": "float32",
            "num_thresholds": 200,
            "curve": "ROC",
            "summation_method": "interpolation",
            "multi_label": False,
            "num_labels": None,
            "label_weights": None,
            "from_logits": False,
        },
    ),
    "bce": ("BinaryCrossentropy", "binary_crossentropy", {"dtype": "float32", "from_logits": False, "label_smoothing": 0}),
    "binary_accuracy": ("BinaryAccuracy", "binary_accuracy", {"dtype": "float32", "threshold": 0.5}),
    "binary_crossentropy": (
        "BinaryCrossentropy",
        "binary_crossentropy",
        {"dtype": "float32", "from_logits": False, "label_smoothing": 0},
    ),
    "binary_io_u": ("BinaryIoU", "binary_io_u", {"target_class_ids": [0, 1], "threshold": 0.5, "dtype": "int64"}),
    "categorical_accuracy": ("CategoricalAccuracy", "categorical_accuracy", {"dtype": "float32"}),
    "categorical_crossentropy": (
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        {"dtype": "float32", "from_logits": False, "label_smoothing": 0, "axis": -1},
    ),
    "categorical_hinge": ("CategoricalHinge", "categorical_hinge", {"dtype": "float32"}),
    "concordance_correlation": ("ConcordanceCorrelation", "concordance_correlation", {"dtype": "float32", "axis": -1}),
    "cosine_similarity": ("CosineSimilarity", "cosine_similarity", {"dtype": "float32"}),
    "f1_score": ("F1Score", "f1_score", {"dtype": "float32", "average": None, "threshold": None}),
    "f_beta_score": ("FBetaScore", "fbeta_score", {"dtype": "float32", "average": None, "beta": 1.0, "threshold": None}),
    "false_negatives": ("FalseNegatives", "false_negatives", {"dtype": "float32", "thresholds": None}),
    "false_positives": ("FalsePositives", "false_positives", {"dtype": "float32", "thresholds": None}),
    "hinge": ("Hinge", "hinge", {"dtype": "float32"}),
    "io_u": None,
    "kl_divergence": ("KLDivergence", "kl_divergence", {"dtype": "float32"}),
    "log_cosh_error": ("LogCoshError", "logcosh", {"dtype": "float32"}),
    "mae": ("MeanAbsoluteError", "mean_absolute_error", {"dtype": "float32"}),
    "mape": ("MeanAbsolutePercentageError", "mean_absolute_percentage_error", {"dtype": "float32"}),
    "mean": ("Mean", "mean", {"dtype": "float32"}),
    "mean_absolute_error": ("MeanAbsoluteError", "mean_absolute_error", {"dtype": "float32"}),
    "mean_absolute_percentage_error": (
        "MeanAbsolutePercentageError",
        "mean_absolute_percentage_error",
        {"dtype": "float32"},
    ),
    "mean_io_u": None,
    "mean_metric_wrapper": None,
    "mean_squared_error": ("MeanSquaredError", "mean_squared_error", {"dtype": "float32"}),
    "mean_squared_logarithmic_error": (
        "MeanSquaredLogarithmicError",
        "mean_squared_logarithmic_error",
        {"dtype": "float32"},
    ),
    "metric": ("Metric", "metric", {"dtype": "float32"}),
    "mse": ("MeanSquaredError", "mean_squared_error", {"dtype": "float32"}),
    "msle": ("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", {"dtype": "float32"}),
    "one_hot_io_u": None,
    "one_hot_mean_io_u": None,
    "pearson_correlation": ("PearsonCorrelation", "pearson_correlation", {"dtype": "float32", "axis": -1}),
    "poisson": ("Poisson", "poisson", {"dtype": "float32"}),
    "precision": ("Precision", "precision", {"dtype": "float32", "thresholds": None, "top_k": None, "class_id": None}),
    "precision_at_recall": None,
    "r2_score": ("R2Score", "r2_score", {"dtype": "float32", "class_aggregation": "uniform_average", "num_regressors": 0}),
    "recall": ("Recall", "recall", {"dtype": "float32", "thresholds": None, "top_k": None, "class_id": None}),
    "recall_at_precision": None,
    "root_mean_squared_error": ("RootMeanSquaredError", "root_mean_squared_error", {"dtype": "float32"}),
    "sensitivity_at_specificity": None,
    "sparse_categorical_accuracy": ("SparseCategoricalAccuracy", "sparse_categorical_accuracy", {"dtype": "float32"}),
    "sparse_categorical_crossentropy": (
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"dtype": "float32", "from_logits": False, "ignore_class": None, "axis": -1},
    ),
    "sparse_top_k_categorical_accuracy": (
        "SparseTopKCategoricalAccuracy",
        "sparse_top_k_categorical_accuracy",
        {"dtype": "float32", "k": 5},
    ),
    "specificity_at_sensitivity": None,
    "squared_hinge": ("SquaredHinge", "squared_hinge", {"dtype": "float32"}),
    "sum": ("Sum", "sum", {"dtype": "float32"}),
    "top_k_categorical_accuracy": ("TopKCategoricalAccuracy", "top_k_categorical_accuracy", {"dtype": "float32", "k": 5}),
    "true_negatives": ("TrueNegatives", "true_negatives", {"dtype": "float32", "thresholds": None}),
    "true_positives": ("TruePositives", "true_positives", {"dtype": "float32", "thresholds": None}),
}


@pytest.mark.parametrize("key", sorted(KERAS_GET))
def test_get_matches_keras(key):
    want = KERAS_GET[key]
    if want is None:
        with pytest.raises(TypeError):
            M.get(key)
        return
    cls, name, config = want
    m = M.get(key)
    assert type(m).__name__ == cls and isinstance(m, M.Metric)
    assert re.fullmatch(re.escape(name) + r"(_\d+)?", m.name), m.name
    got = m.get_config()
    assert got.pop("name") == m.name
    if cls == "CosineSimilarity":  # Keras leaves ``axis`` out of the config; it is kept here
        config = {**config, "axis": -1}
    assert got == config
    assert type(m).from_config(m.get_config()).get_config() == m.get_config()
    assert M.get(key) is not m  # a new instance each time, as in Keras


def test_get_other_identifiers():
    m = M.AUC(curve="PR")
    assert M.get(m) is m
    assert M.get(M.hinge) is M.hinge
    assert M.get(None) is None
    cce = M.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(cce, M.CategoricalCrossentropy) and cce.from_logits
    keras_style = {
        "module": "keras.metrics",
        "class_name": "AUC",
        "registered_name": None,
        "config": {
            "name": "auc",
            "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
            "curve": "PR",
        },
    }
    assert M.get(keras_style).curve == "PR"
    assert M.deserialize(M.serialize(M.Precision(thresholds=[0.2, 0.7]))).thresholds == [0.2, 0.7]
    assert M.deserialize(M.serialize(M.poisson)) is M.poisson
    with pytest.raises(ValueError, match="Could not interpret metric identifier.*'nope'.*valid names.*AUC"):
        M.get("nope")
    with pytest.raises(ValueError, match="Could not interpret"):
        M.get(42)


def test_automatic_names_are_unique_and_explicit_names_kept():
    a, b = M.AUC(), M.AUC()
    assert re.fullmatch(r"auc(_\d+)?", a.name) and re.fullmatch(r"auc_\d+", b.name) and a.name != b.name
    assert M.Precision(name="p").name == "p"
    assert M.MeanSquaredError().name == M.MeanSquaredError().name == "mean_squared_error"
    assert M.LogCoshError().name == "logcosh" and M.FBetaScore().name == "fbeta_score"
    assert M.MeanIoU(3).get_config()["dtype"] == "int64"  # integer state, as Keras's


@pytest.mark.parametrize("cls", [gt.metrics.Mean, gt.metrics.Sum])
@pytest.mark.parametrize("weight", [None, 128, 3.5, 0])
def test_a_scalar_tensor_accumulates_as_a_one_row_batch(cls, weight):
    """fit's loss tracker gets a scalar Tensor and the batch size at every step: that shortcut
    gives exactly what a one-row batch of the same value and weight gives."""
    values = [np.float32(0.1), np.float32(-2.7), np.float32(1e-8)]
    fast, general = cls(), cls()
    for v in values:
        fast.update_state(gt.constant(v), sample_weight=weight)
        general.update_state(np.array([v]), sample_weight=None if weight is None else np.array([weight]))
    assert float(fast.total.numpy()) == float(general.total.numpy())
    assert float(fast.count.numpy()) == float(general.count.numpy())
    assert float(fast.result()) == float(general.result())


def test_first_rows_of_a_batch():
    from gradtape.keras._step_logs import _first_rows
    assert _first_rows(gt.ones((5, 2))) == 5
    assert _first_rows(np.ones((4, 3))) == 4
    assert _first_rows({"a": None, "b": [np.ones((3,))]}) == 3
    assert _first_rows((gt.constant(2.0), None)) == 1

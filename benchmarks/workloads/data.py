# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""The workloads' data: NumPy only, so the peers' processes import it too.

The first block draws exactly what /work/shared/bench/peers.py draws, in the same order.
"""
import numpy as np

rng = np.random.default_rng(0)
N_CHAIN = 300                       # iterations of 3 ops each on a scalar
X784 = rng.standard_normal((128, 784)).astype(np.float32)
Y10 = rng.integers(0, 10, 128)
W1 = (rng.standard_normal((784, 512)) * 0.05).astype(np.float32); b1 = np.zeros(512, np.float32)
W2 = (rng.standard_normal((512, 512)) * 0.05).astype(np.float32); b2 = np.zeros(512, np.float32)
W3 = (rng.standard_normal((512, 10)) * 0.05).astype(np.float32); b3 = np.zeros(10, np.float32)
MLP = (W1, b1, W2, b2, W3, b3)
IMG = rng.standard_normal((64, 28, 28, 1)).astype(np.float32)   # NHWC
YI = rng.integers(0, 10, 64)
K1 = (rng.standard_normal((3, 3, 1, 32)) * 0.1).astype(np.float32)
K2 = (rng.standard_normal((3, 3, 32, 64)) * 0.05).astype(np.float32)
WD = (rng.standard_normal((7 * 7 * 64, 10)) * 0.01).astype(np.float32)
T, B, H, D = 50, 32, 128, 64
XS = rng.standard_normal((T, B, D)).astype(np.float32)
WX = (rng.standard_normal((D, H)) * 0.1).astype(np.float32)
WH = (rng.standard_normal((H, H)) * 0.1).astype(np.float32)
WJ = (rng.standard_normal((256, 256)) / 16).astype(np.float32)
XJ = rng.standard_normal(256).astype(np.float32)
VJ = rng.standard_normal(256).astype(np.float32)

# gradtape's own workloads
r2 = np.random.default_rng(1)
f32 = lambda *s, scale=1.0: (r2.standard_normal(s) * scale).astype(np.float32)
# transformer block: batch 16, seq 32, d 64, 4 heads, MLP 64-256-64, pre-layer-norm
TB, TS, TD, NH = 16, 32, 64, 4
TX = f32(TB, TS, TD)
TP = [np.ones(TD, np.float32), np.zeros(TD, np.float32),             # ln1 gain, bias
      f32(TD, TD, scale=0.125), f32(TD, TD, scale=0.125), f32(TD, TD, scale=0.125),  # q k v
      f32(TD, TD, scale=0.125),                                       # output projection
      np.ones(TD, np.float32), np.zeros(TD, np.float32),             # ln2 gain, bias
      f32(TD, 4 * TD, scale=0.125), np.zeros(4 * TD, np.float32),    # mlp in
      f32(4 * TD, TD, scale=0.0625), np.zeros(TD, np.float32)]       # mlp out
# LSTM: 50 steps over XS (batch 32, input 64), hidden 128; gates i, f, g, o
LX = f32(D, 4 * H, scale=0.1); LH = f32(H, 4 * H, scale=0.1); LB = np.zeros(4 * H, np.float32)
# Hessian of f(x) = log(sum(exp(A x))) + sum(x^4) / 4 with 100 inputs
HA = f32(100, 100, scale=0.1); HXV = f32(100)
# per-sample gradients: 2-layer MLP 32-64-10, batch 64, one gradient per example
PB = 64
PX = f32(PB, 32); PY = r2.integers(0, 10, PB)
PW1 = f32(32, 64, scale=0.2); PW2 = f32(64, 10, scale=0.2)
# one small op (4-element float32 add), N_OPS per timed call
N_OPS = 1000
OA = f32(4); OB = f32(4)

# Keras training: one epoch of model.fit (Adam, batch 128) of a 784-512-512-10 MLP on 4096 rows
FX = f32(4096, 784); FY = r2.integers(0, 10, 4096); FB = 128

SIX = ["chain", "mlp", "cnn", "rnn", "jacobian", "hvp"]
EXTRA = ["transformer", "lstm", "hessian", "persample", "op_notape_us", "op_tape_us", "keras_fit"]
ALL = SIX + EXTRA

"""``gt.optimizers``: Keras's optimizers (SGD, Adam, AdamW, RMSprop, Adagrad) and schedules.

>>> import gradtape as gt
>>> w = gt.Variable([1.0, -1.0])
>>> opt = gt.optimizers.Adam(learning_rate=gt.optimizers.schedules.ExponentialDecay(0.1, 100, 0.9))
>>> for _ in range(3):
...     _ = opt.minimize(lambda: gt.reduce_sum(w * w), [w])
>>> int(opt.iterations)
3
"""

from . import schedules
from .optimizer import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop, get

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "get", "schedules"]

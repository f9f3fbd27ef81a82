"""``gt.keras.datasets``: the small datasets of ``keras.datasets``, read from the same cache
(``~/.keras/datasets``, or ``$KERAS_HOME/datasets``) and downloaded from the same URLs with the same
hash checks, so ``(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()`` ports
by changing the import and reuses the files Keras has already downloaded.

>>> import gradtape as gt
>>> sorted(gt.keras.datasets.__all__)[:4]
['boston_housing', 'california_housing', 'cifar10', 'cifar100']
"""

from __future__ import annotations

from . import boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters

__all__ = ["boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
           "reuters"]

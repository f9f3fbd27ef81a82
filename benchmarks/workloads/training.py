"""gradtape's training-stack workload: an epoch of ``gt.keras`` ``Model.fit``.

The model, optimizer, loss and metric are Keras's names; the peers run the same epoch with
their own idiomatic training loop (``tf.keras`` ``fit``, compiled by default; a PyTorch loop
with ``torch.optim.Adam``). The weights keep training from call to call, as epochs do.
"""
import gradtape as gt

from . import data as d


def build():
    K = gt.keras
    model = K.Sequential([K.Input((784,)), K.layers.Dense(512, activation="relu"),
                          K.layers.Dense(512, activation="relu"), K.layers.Dense(10)])
    model.compile(optimizer=K.optimizers.Adam(1e-3),
                  loss=K.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])

    def keras_fit():
        model.fit(d.FX, d.FY, batch_size=d.FB, epochs=1, shuffle=False, verbose=0)
    return dict(keras_fit=keras_fit)

"""Reference numbers for tests/test_keras_fit.py from real Keras 3 (TensorFlow backend).

Run with a Python that has TensorFlow and Keras 3 (for example the benchmarks' peers
environment): ``python tools/keras_fit_reference.py``. It writes
tests/data/keras_fit_reference.json; the test replays every case in gradtape.
"""
# ruff: noqa: E501,E701,E702,E731
import json
import os
import pathlib

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

rng=np.random.default_rng(0)
x=rng.standard_normal((50,4)).astype(np.float32); y=rng.integers(0,3,50)
W=[(rng.standard_normal((4,8))*0.5).astype(np.float32), np.zeros(8,np.float32),
   (rng.standard_normal((8,3))*0.5).astype(np.float32), np.zeros(3,np.float32)]
def build(opt, **kw):
    m=keras.Sequential([keras.layers.Dense(8,activation="relu"),keras.layers.Dense(3)])
    m(x[:1]); m.set_weights(W); m.compile(optimizer=opt, **kw); return m
sce=lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True)
def summ(m): return [[float(np.sum(w)), float(np.sum(w*w))] for w in m.get_weights()]
out={}
def rec(name, m, h, **extra):
    out[name]=dict(history={k:[float(v) for v in vs] for k,vs in h.history.items()}, epochs=h.epoch, weights=summ(m), **extra)
m=build(keras.optimizers.SGD(0.1), loss=sce(), metrics=["accuracy"])
h=m.fit(x,y,batch_size=16,epochs=3,validation_split=0.2,shuffle=False,verbose=0)
rec("sgd_val", m, h, evaluate=m.evaluate(x,y,verbose=0), train_on_batch=m.train_on_batch(x[:7],y[:7]))
m=build(keras.optimizers.Adam(0.01), loss=sce(), metrics=["accuracy"], weighted_metrics=["accuracy"])
h=m.fit(x,y,batch_size=20,epochs=2,shuffle=False,verbose=0,class_weight={0:1.0,1:2.0,2:0.5})
rec("adam_class_weight", m, h, evaluate=m.evaluate(x,y,verbose=0))
m=build(keras.optimizers.SGD(0.05,momentum=0.9), loss=sce(), metrics=["sparse_categorical_accuracy"], weighted_metrics=["sparse_categorical_accuracy"])
h=m.fit(x,y,batch_size=16,epochs=2,shuffle=False,verbose=0,sample_weight=np.linspace(0.1,2,50).astype(np.float32),validation_data=(x[:10],y[:10],np.linspace(1,2,10).astype(np.float32)))
rec("sample_weight", m, h, evaluate=m.evaluate(x,y,sample_weight=np.linspace(0.1,2,50).astype(np.float32),verbose=0))
m=build(keras.optimizers.SGD(1.5), loss=sce(), metrics=["accuracy"])
es=keras.callbacks.EarlyStopping(monitor="val_loss",patience=1,restore_best_weights=True)
h=m.fit(x,y,batch_size=10,epochs=20,validation_split=0.3,shuffle=False,verbose=0,callbacks=[es])
rec("early_stopping", m, h, stopped_epoch=es.stopped_epoch, best_epoch=es.best_epoch)
m=build(keras.optimizers.SGD(0.3), loss=sce())
cb=keras.callbacks.ReduceLROnPlateau(monitor="loss",factor=0.5,patience=1,min_delta=0.06)
h=m.fit(x,y,batch_size=25,epochs=6,shuffle=False,verbose=0,callbacks=[cb])
rec("reduce_lr", m, h)
m=build(keras.optimizers.SGD(0.2), loss=sce())
cb=keras.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.5 if e > 0 else lr)
h=m.fit(x,y,batch_size=25,epochs=3,shuffle=False,verbose=0,callbacks=[cb])
rec("lr_scheduler", m, h)
m=build(keras.optimizers.RMSprop(0.01), loss=sce(), metrics=["accuracy"])
ds=tf.data.Dataset.from_tensor_slices((x,y)).batch(16)
h=m.fit(ds,epochs=2,verbose=0,validation_data=tf.data.Dataset.from_tensor_slices((x[:10],y[:10])).batch(4))
rec("dataset", m, h, evaluate=m.evaluate(ds,verbose=0,return_dict=True))
yr=(x@rng.standard_normal((4,3)).astype(np.float32))
m=build(keras.optimizers.SGD(0.05), loss="mse", metrics=["mae","mse"])
h=m.fit(x,yr,batch_size=16,epochs=2,shuffle=False,verbose=0)
rec("regression", m, h, evaluate=m.evaluate(x,yr,verbose=0), metrics_names=m.metrics_names)
path = pathlib.Path(__file__).resolve().parents[1] / "tests" / "data" / "keras_fit_reference.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)

"""Keras guides ported by changing the import, part two: "Making new layers and models via
subclassing" and "Transfer learning & fine-tuning" (synthetic data). Where the run is
deterministic, the numbers were computed with TensorFlow 2.21 + Keras 3.15 on the same data and
weights (``set_weights``)."""

import numpy as np
import pytest

import gradtape as tf  # the point: the guides' code runs with this one change
from gradtape.keras import layers

keras = tf.keras


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class LazyLinear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def test_layers_with_keras3_add_weight():
    # regression: add_weight required a name (tf.keras 2's first positional argument)
    layer = Linear(4, 2)
    assert layer(tf.ones((2, 2))).shape == (2, 4)
    assert len(layer.weights) == 2 and layer.w.name != layer.b.name
    total = keras.layers.Layer()
    total.total = total.add_weight(initializer="zeros", shape=(2,), trainable=False)
    assert len(total.non_trainable_weights) == 1 and not total.trainable_weights
    assert total.add_weight((3,), "ones").numpy().tolist() == [1.0, 1.0, 1.0]  # Keras 3's order
    assert total.add_weight(shape=(2, 2), autocast=False).shape == (2, 2)  # glorot_uniform
    with pytest.raises(TypeError, match="unexpected keyword"):
        total.add_weight(shape=(2,), bogus=1)
    lazy = LazyLinear(32)
    assert lazy(tf.ones((2, 2))).shape == (2, 32) and lazy.built
    config = lazy.get_config()
    assert {"name", "trainable", "dtype", "units"} <= set(config)
    assert LazyLinear.from_config(config).units == 32


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1, self.linear_2, self.linear_3 = LazyLinear(32), LazyLinear(32), LazyLinear(1)
        self.activity_reg_rate = 1e-2

    def call(self, inputs):
        x = keras.activations.relu(self.linear_1(inputs))
        x = keras.activations.relu(self.linear_2(x))
        self.add_loss(self.activity_reg_rate * tf.reduce_mean(x))
        return self.linear_3(x)


def test_sublayers_and_add_loss():
    mlp = MLPBlock()
    assert not mlp.losses
    mlp(tf.ones((3, 64)))
    mlp(tf.ones((3, 64)))
    assert len(mlp.weights) == 6 and len(mlp.trainable_weights) == 6 and len(mlp.losses) == 1


class Inverting(layers.Layer):
    """Zeroes its inputs in training mode (a deterministic stand-in for the guide's dropout)."""

    def call(self, inputs, training=None):
        return inputs * 0.0 if training else inputs


class NotPassingTraining(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(2, kernel_initializer="ones")
        self.drop = Inverting()

    def call(self, x):
        return self.drop(self.d(x))


def test_training_reaches_sublayers_not_given_it():
    # regression: model(x, training=True) did not reach self.drop(...) called without training
    model = NotPassingTraining()
    assert model(tf.ones((1, 2)), training=True).numpy().tolist() == [[0.0, 0.0]]
    assert model(tf.ones((1, 2))).numpy().tolist() == [[2.0, 2.0]]
    assert model.predict(np.ones((1, 2)), verbose=0).tolist() == [[2.0, 2.0]]
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    assert model.train_on_batch(np.ones((2, 2)), np.full((2, 2), 3.0)) == 9.0  # zeros vs 3
    assert model.evaluate(np.ones((2, 2)), np.full((2, 2), 3.0), verbose=0) == 1.0  # 2 vs 3


class Sampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = tf.random.normal(shape=(tf.shape(z_mean)[0], tf.shape(z_mean)[1]))
        epsilon = EPSILON[: tf.shape(z_mean)[0]]  # fixed noise, to compare with Keras
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


EPSILON = tf.constant(np.random.default_rng(0).standard_normal((32, 2)).astype("float32"))


class VariationalAutoEncoder(keras.Model):
    def __init__(self, original_dim, intermediate_dim=8, latent_dim=2, name="autoencoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean, self.dense_log_var = layers.Dense(latent_dim), layers.Dense(latent_dim)
        self.sampling = Sampling()
        self.decoder = keras.Sequential([layers.Dense(intermediate_dim, activation="relu"),
                                         layers.Dense(original_dim, activation="sigmoid")])

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean, z_log_var = self.dense_mean(x), self.dense_log_var(x)
        reconstructed = self.decoder(self.sampling((z_mean, z_log_var)))
        self.add_loss(-0.5 * tf.reduce_mean(z_log_var - tf.square(z_mean) - tf.exp(z_log_var) + 1))
        return reconstructed


def test_vae_loop_and_fit():
    rng = np.random.default_rng(0)
    rng.standard_normal((32, 2))  # EPSILON's draws
    x_train = rng.random((64, 16)).astype("float32")
    vae = VariationalAutoEncoder(16, 8, 2)
    vae(x_train[:2])
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.3 for w in vae.get_weights()]
    vae.set_weights(weights)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    mse_loss_fn, loss_metric = keras.losses.MeanSquaredError(), keras.metrics.Mean()
    for _epoch in range(2):
        for x_batch in tf.data.Dataset.from_tensor_slices(x_train).batch(32):
            with tf.GradientTape() as tape:
                loss = mse_loss_fn(x_batch, vae(x_batch)) + sum(vae.losses)
            grads = tape.gradient(loss, vae.trainable_weights)
            optimizer.apply_gradients(zip(grads, vae.trainable_weights))
            loss_metric(loss)
    np.testing.assert_allclose(float(loss_metric.result()), 0.17881691455841064, rtol=1e-5)
    vae = VariationalAutoEncoder(16, 8, 2)
    vae(x_train[:2])
    vae.set_weights(weights)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=keras.losses.MeanSquaredError())
    h = vae.fit(x_train, x_train, epochs=2, batch_size=32, verbose=0, shuffle=False)
    np.testing.assert_allclose(h.history["loss"], [0.18307507038116455, 0.17455875873565674], rtol=1e-5)


def test_transfer_learning_freezing_and_fine_tuning():
    rng = np.random.default_rng(0)
    for shape in ((3, 3), (3,), (3, 3), (3,)):  # the draws of the guide's first part: the
        rng.standard_normal(shape)  # weights of a small model and one batch, as in the run
    rng.random((2, 3))  # that computed the reference numbers
    rng.random((2, 3))
    inner = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(3), layers.Dense(3)])
    outer = keras.Sequential([keras.Input(shape=(3,)), inner, layers.Dense(3)])
    outer.trainable = False
    inner.trainable = True
    # regression: a frozen model listed the weights of a sublayer set trainable again
    assert len(outer.trainable_weights) == 0 and len(outer.non_trainable_weights) == 6
    assert len(inner.trainable_weights) == 4
    outer.trainable = True
    assert len(outer.trainable_weights) == 6

    inp = keras.Input(shape=(6,))
    x = layers.Activation("relu")(layers.BatchNormalization()(layers.Dense(8)(inp)))
    base_model = keras.Model(inp, x, name="base")
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.5 for w in base_model.get_weights()]
    weights[5] = np.abs(weights[5]) + 0.5  # the moving variance
    base_model.set_weights(weights)
    base_model.trainable = False
    assert (len(base_model.trainable_weights), len(base_model.non_trainable_weights)) == (0, 6)
    inputs = keras.Input(shape=(6,))
    model = keras.Model(inputs, keras.layers.Dense(1)(base_model(inputs, training=False)))
    model.layers[-1].set_weights([rng.standard_normal(w.shape).astype("float32") * 0.5
                                  for w in model.layers[-1].get_weights()])
    x_tr, y_tr = rng.random((32, 6)).astype("float32"), rng.random((32, 1)).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy()])
    h = model.fit(x_tr, y_tr, epochs=2, batch_size=16, verbose=0, shuffle=False)
    np.testing.assert_allclose(h.history["loss"], [0.6997365951538086, 0.6995522975921631], rtol=1e-5)
    np.testing.assert_array_equal(base_model.get_weights()[4], weights[4])  # frozen BN: inference
    base_model.trainable = True
    assert (len(model.trainable_weights), len(model.non_trainable_weights)) == (6, 2)
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy()])
    h = model.fit(x_tr, y_tr, epochs=2, batch_size=16, verbose=0, shuffle=False)
    np.testing.assert_allclose(h.history["loss"], [0.6987730264663696, 0.698767900466919], rtol=1e-5)
    np.testing.assert_allclose(base_model.get_weights()[4][:3], [-1.1158264875411987, 0.17630229890346527,
                                                                 -0.24052108824253082], rtol=1e-4)
    bn = layers.BatchNormalization()
    bn.build((None, 4))
    bn.set_weights([np.full(4, 2.0), np.ones(4), np.full(4, 0.5), np.full(4, 4.0)])
    bn.trainable = False
    out = bn(rng.random((5, 4)).astype("float32"), training=True)  # inference mode when frozen
    np.testing.assert_array_equal(bn.get_weights()[2], np.full(4, 0.5, "float32"))
    assert out.shape == (5, 4)

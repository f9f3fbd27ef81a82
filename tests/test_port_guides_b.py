"""Keras guides ported by changing the import: "Customizing what happens in fit()", "Writing a
training loop from scratch", "Making new layers and models via subclassing" and "Transfer
learning & fine-tuning" (synthetic data). Where the run is deterministic, the numbers were
computed with TensorFlow 2.21 + Keras 3.15 on the same data and weights (``set_weights``)."""

import numpy as np
import pytest

import gradtape as tf  # the point: the guides' code runs with this one change
from gradtape.keras import layers

keras = tf.keras


def _regression_model(model_cls, rng):
    inputs = keras.Input(shape=(32,))
    model = model_cls(inputs, keras.layers.Dense(1)(inputs))
    model.set_weights([rng.standard_normal(a.shape).astype("float32") * 0.1 for a in model.get_weights()])
    return model


def _regression_data():
    rng = np.random.default_rng(0)
    return rng, rng.random((64, 32)).astype("float32"), rng.random((64, 1)).astype("float32")


class MetricsLoopModel(keras.Model):
    """The guide's first train_step: Keras 3's ``compute_loss`` and ``optimizer.apply``."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class CompiledShimsModel(keras.Model):
    """The tf.keras 2 version: ``compiled_loss`` and ``compiled_metrics.update_state``."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


KERAS_FIT_LOSS = [0.1584683060646057, 0.13856863975524902, 0.12732219696044922]
KERAS_FIT_MAE = [0.32224977016448975, 0.299411416053772, 0.2837613821029663]


@pytest.mark.parametrize("model_cls", [MetricsLoopModel, CompiledShimsModel])
def test_custom_train_step_over_self_metrics(model_cls):
    # regression: optimizer.apply was missing, the compiled metrics had no `name`, their dict
    # result was not flattened into the logs, and compiled_loss/compiled_metrics were missing
    rng, x, y = _regression_data()
    model = _regression_model(model_cls, rng)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    h = model.fit(x, y, epochs=3, batch_size=16, verbose=0, shuffle=False)
    np.testing.assert_allclose(h.history["loss"], KERAS_FIT_LOSS, rtol=1e-5)
    np.testing.assert_allclose(h.history["mae"], KERAS_FIT_MAE, rtol=1e-5)
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    if model_cls is MetricsLoopModel:
        logs = model.evaluate(x, y, verbose=0, return_dict=True)
        np.testing.assert_allclose([logs["loss"], logs["mae"]], [0.12444457411766052, 0.28025951981544495], rtol=1e-5)


class OwnTrackersModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_own_trackers_sample_weights_and_test_step():
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 32)).astype("float32"), rng.random((64, 1)).astype("float32")
    weights = [rng.standard_normal((32, 1)).astype("float32") * 0.1, np.zeros(1, "float32")]
    inputs = keras.Input(shape=(32,))
    model = OwnTrackersModel(inputs, keras.layers.Dense(1)(inputs))
    model.set_weights(weights)
    model.compile(optimizer="adam", loss="mse")
    sw = rng.random((64, 1)).astype("float32")
    h = model.fit(x, y, sample_weight=sw, epochs=3, batch_size=16, verbose=0, shuffle=False)
    np.testing.assert_allclose(h.history["loss"], [0.05931151658296585, 0.05092543363571167, 0.04670402780175209], rtol=1e-5)
    np.testing.assert_allclose(h.history["mae"], [0.27251145243644714, 0.24931515753269196, 0.240928053855896], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), [0.1217176616191864, 0.2790405750274658], rtol=1e-5)


class OldComputeLoss(keras.Sequential):
    """``compute_loss`` overridden with the signature before Keras 3.3 (no ``training``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")

    def compute_loss(self, x, y, y_pred, sample_weight):
        loss = tf.reduce_mean((y_pred - y) ** 2) + tf.add_n(self.losses)
        self.loss_tracker.update_state(loss)
        return loss

    @property
    def metrics(self):
        return [self.loss_tracker]


def test_compute_loss_override_without_training_argument():
    # regression: evaluate passed training=False to every compute_loss override
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 8)).astype("float32"), rng.random((64, 1)).astype("float32")
    model = OldComputeLoss([keras.Input((8,)), keras.layers.Dense(1, kernel_regularizer=keras.regularizers.l2(0.01))])
    model.set_weights([rng.standard_normal(a.shape).astype("float32") * 0.1 for a in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    h = model.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False)
    np.testing.assert_allclose(h.history["loss"], [0.1064290925860405, 0.0858921930193901], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0, batch_size=16), 0.08142068237066269, rtol=1e-5)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, noise):
        super().__init__()
        self.discriminator, self.generator, self.noise = discriminator, generator, noise
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        generated_images = self.generator(tf.constant(self.noise[:16]))
        combined_images = tf.concat([generated_images, real_images], axis=0)
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(combined_images))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        misleading_labels = tf.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(tf.constant(self.noise[16:])))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def test_gan_with_custom_compile_and_two_optimizers():
    rng = np.random.default_rng(0)
    discriminator = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16),
                                      layers.LeakyReLU(negative_slope=0.2), layers.Dense(1)])
    generator = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(16),
                                  layers.LeakyReLU(negative_slope=0.2), layers.Dense(8, activation="sigmoid")])
    for m in (discriminator, generator):
        m.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.3 for w in m.get_weights()])
    noise = rng.standard_normal((4, 32, 4)).astype("float32")[0]
    real = rng.random((64, 8)).astype("float32")
    gan = GAN(discriminator, generator, noise)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
                g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    h = gan.fit(tf.data.Dataset.from_tensor_slices(real).batch(16), epochs=2, verbose=0)
    np.testing.assert_allclose(h.history["d_loss"], [0.7161858081817627, 0.7134005427360535], rtol=1e-5)
    np.testing.assert_allclose(h.history["g_loss"], [0.46046212315559387, 0.4684602618217468], rtol=1e-5)
    assert len(gan.trainable_weights) == 8
    np.testing.assert_allclose(np.sum(generator.get_weights()[0]), -0.24991679191589355, rtol=1e-4)


def test_optimizer_apply_keras3_forms():
    w = tf.Variable([1.0, 1.0])
    opt = keras.optimizers.SGD(learning_rate=0.5)
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply([tf.constant([1.0, 1.0])])
    opt.build([w])
    opt.apply([tf.constant([1.0, -1.0])])
    np.testing.assert_array_equal(w.numpy(), [0.5, 1.5])
    with pytest.raises(ValueError, match="one-to-one"):
        opt.apply([tf.constant([1.0, 1.0])] * 2)
    opt.apply([])  # nothing to do, as Keras
    assert int(opt.iterations) == 1 and opt.built


def test_training_loop_from_scratch():
    rng = np.random.default_rng(0)
    x_train, y_train = rng.random((256, 20)).astype("float32"), rng.integers(0, 10, 256)
    x_val, y_val = rng.random((64, 20)).astype("float32"), rng.integers(0, 10, 64)

    def get_model(with_regularization=False):
        inputs = keras.Input(shape=(20,), name="digits")
        x = layers.Dense(16, activation="relu")(inputs)
        if with_regularization:
            x = ActivityRegularizationLayer()(x)
        x = layers.Dense(16, activation="relu")(x)
        return keras.Model(inputs=inputs, outputs=layers.Dense(10, name="predictions")(x))

    class ActivityRegularizationLayer(layers.Layer):
        def call(self, inputs):
            self.add_loss(1e-2 * tf.reduce_sum(inputs))
            return inputs

    model = get_model()
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.3 for w in model.get_weights()]
    model.set_weights(weights)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(64)
    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(64)
    shuffled = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(buffer_size=1024).batch(64)
    assert sorted(int(v) for _, yb in shuffled for v in yb.numpy()) == sorted(y_train.tolist())
    seen = []
    for _epoch in range(2):
        for step, (x_batch, y_batch) in enumerate(train_dataset):
            with tf.GradientTape() as tape:
                logits = model(x_batch, training=True)
                loss_value = loss_fn(y_batch, logits)
            grads = tape.gradient(loss_value, model.trainable_weights)
            if step % 2:
                optimizer.apply(grads, model.trainable_weights)
            else:
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
            train_acc_metric.update_state(y_batch, logits)
        seen.append((float(loss_value), float(train_acc_metric.result())))
        train_acc_metric.reset_state()
        for x_batch, y_batch in val_dataset:
            val_acc_metric.update_state(y_batch, model(x_batch, training=False))
        seen.append(float(val_acc_metric.result()))
        val_acc_metric.reset_state()
    np.testing.assert_allclose(seen[0], (2.5052614212036133, 0.08984375), rtol=1e-5)
    np.testing.assert_allclose(seen[2], (2.477656602859497, 0.08984375), rtol=1e-5)
    assert seen[1] == seen[3] == 0.109375

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
            loss_value += sum(model.losses)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        train_acc_metric.update_state(y, logits)
        return loss_value

    for x_batch, y_batch in train_dataset:
        loss_value = train_step(x_batch, y_batch)
    np.testing.assert_allclose(float(loss_value), 2.453648805618286, rtol=1e-5)
    assert int(optimizer.iterations) == 12
    model = get_model(with_regularization=True)
    model.set_weights(weights)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    losses = [float(train_step(xb, yb)) for _ in range(2) for xb, yb in train_dataset]
    assert len(model.losses) == 1
    np.testing.assert_allclose(losses, [5.687971115112305, 5.886712074279785, 5.577781677246094,
                                        5.637667655944824, 5.444535255432129, 5.647054672241211,
                                        5.354195594787598, 5.4097580909729], rtol=1e-5)

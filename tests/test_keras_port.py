"""TensorFlow's "TensorFlow 2 quickstart for experts", ported by changing the import (synthetic
images instead of the MNIST download), and the gt.keras names."""

import io

import numpy as np
import pytest

import gradtape as tf  # the point: TensorFlow code runs with this one change


def _data(n, seed):
    # two classes of 12x12 images: a bright square in the top-left or the bottom-right corner
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.uniform(0, 0.3, (n, 12, 12)).astype(np.float32)
    for i, c in enumerate(y):
        r = slice(1, 5) if c == 0 else slice(7, 11)
        x[i, r, r] += 0.7
    return x[..., tf.newaxis].astype("float32"), y


def test_quickstart_for_experts_trains():
    x_train, y_train = _data(256, 0)
    x_test, y_test = _data(64, 1)
    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(256, seed=0).batch(32)
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)

    class MyModel(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.conv1 = tf.keras.layers.Conv2D(8, 3, activation="relu")
            self.flatten = tf.keras.layers.Flatten()
            self.d1 = tf.keras.layers.Dense(32, activation="relu")
            self.d2 = tf.keras.layers.Dense(10)

        def call(self, x):
            x = self.conv1(x)
            x = self.flatten(x)
            x = self.d1(x)
            return self.d2(x)

    tf.random.set_seed(0)
    model = MyModel()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()
    train_loss = tf.keras.metrics.Mean(name="train_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    test_loss = tf.keras.metrics.Mean(name="test_loss")
    test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    @tf.function
    def test_step(images, labels):
        predictions = model(images, training=False)
        t_loss = loss_object(labels, predictions)
        test_loss(t_loss)
        test_accuracy(labels, predictions)

    history = []
    for _epoch in range(3):
        for m in (train_loss, train_accuracy, test_loss, test_accuracy):
            m.reset_state()
        for images, labels in train_ds:
            train_step(images, labels)
        for test_images, test_labels in test_ds:
            test_step(test_images, test_labels)
        history.append((float(train_loss.result()), float(test_accuracy.result())))
    assert history[-1][0] < history[0][0]
    assert history[-1][1] >= 0.95
    probs = model.predict(x_test, batch_size=16)
    assert probs.shape == (64, 10) and (probs.argmax(1) == y_test).mean() >= 0.95
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == 'Model: "my_model"' and any(line.startswith("conv2d") for line in lines)
    total = sum(v.numpy().size for v in model.trainable_variables)
    assert f"Trainable params: {total:,}" in lines


def test_keras_names_are_gradtapes_own():
    assert tf.keras.layers.Dense is tf.layers.Dense
    assert tf.keras.optimizers.Adam is tf.optimizers.Adam
    assert tf.keras.losses.MeanSquaredError is tf.losses.MeanSquaredError
    assert issubclass(tf.keras.Sequential, tf.layers.Sequential)
    assert issubclass(tf.keras.Sequential, tf.keras.Model)
    assert tf.keras.initializers.GlorotUniform is tf.initializers.GlorotUniform
    assert issubclass(tf.keras.Model, tf.layers.Layer)


def test_model_predict_batches_and_errors():
    class Twice(tf.keras.Model):
        def call(self, x, training=False):
            return x * (3.0 if training else 2.0)
    m = Twice()
    out = m.predict(np.arange(5, dtype=np.float32).reshape(5, 1), batch_size=2)
    np.testing.assert_array_equal(out, np.arange(5).reshape(5, 1) * 2.0)  # training=False
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        m.predict(np.ones((2, 1), np.float32), batch_size=-1)
    buf = io.StringIO()
    m.summary(print_fn=lambda s: buf.write(s + "\n"))
    assert "Total params: 0" in buf.getvalue()


def test_quickstart_for_beginners_trains_with_compile_and_fit():
    # TensorFlow's "TensorFlow 2 quickstart for beginners", with synthetic images for MNIST
    x_train, y_train = _data(512, 2)
    x_test, y_test = _data(128, 3)
    x_train, x_test = x_train[..., 0] / 1.0, x_test[..., 0] / 1.0  # (n, 12, 12), float64 as in the guide
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(12, 12)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10)
    ])
    predictions = model(x_train[:1]).numpy()
    assert tf.nn.softmax(predictions).numpy().shape == (1, 10)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    assert abs(loss_fn(y_train[:1], predictions).numpy() - np.log(10)) < 1.0  # near chance
    model.compile(optimizer='adam', loss=loss_fn, metrics=['accuracy'])
    history = model.fit(x_train, y_train, epochs=5, verbose=0)
    assert history.history["accuracy"][-1] > 0.95
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.95 and loss < 0.3
    probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
    p = probability_model(x_test[:5]).numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    assert (p.argmax(axis=1) == y_test[:5]).all()

"""TensorFlow's "Basic text classification", "Image classification" and "Save and load models"
tutorials, ported by changing the import (small synthetic files in tmp_path instead of the
downloads). Where the run is deterministic (fixed weights, no shuffling or augmentation) the
numbers are Keras 3.15's on TensorFlow 2.21, hard-coded."""

import os
import re
import string

import numpy as np
import pytest

import gradtape as tf  # the point: TensorFlow code runs with this one change

layers = tf.keras.layers
losses = tf.keras.losses

POS = ["great", "good", "wonderful", "fun", "loved"]
NEG = ["bad", "awful", "boring", "terrible", "hated"]
FILLER = ["the", "movie", "was", "a", "film", "plot", "actor", "<br />", "and", "it"]


def _reviews(n, seed):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        y = int(rng.integers(0, 2))
        words = list(rng.choice(FILLER, 6)) + list(rng.choice(POS if y else NEG, 2))
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + "!")
        labels.append(y)
    return texts, np.array(labels)


def _write_reviews(root, n, seed):
    texts, labels = _reviews(n, seed)
    for c in ("neg", "pos"):
        os.makedirs(os.path.join(root, c))
    for i, (t, y) in enumerate(zip(texts, labels)):
        tf.io.write_file(os.path.join(root, ("neg", "pos")[y], f"{i}_{y}.txt"), t)


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, "[%s]" % re.escape(string.punctuation), "")


def test_basic_text_classification_learns(tmp_path):
    _write_reviews(tmp_path / "train", 160, 0)
    _write_reviews(tmp_path / "test", 60, 1)
    batch_size, seed = 16, 42
    raw_train_ds = tf.keras.utils.text_dataset_from_directory(
        tmp_path / "train", batch_size=batch_size, validation_split=0.2, subset="training", seed=seed)
    raw_val_ds = tf.keras.utils.text_dataset_from_directory(
        tmp_path / "train", batch_size=batch_size, validation_split=0.2, subset="validation", seed=seed)
    raw_test_ds = tf.keras.utils.text_dataset_from_directory(tmp_path / "test", batch_size=batch_size)
    assert raw_train_ds.class_names == ["neg", "pos"]
    text_batch, label_batch = next(iter(raw_train_ds))
    assert isinstance(text_batch.numpy()[0], bytes) and label_batch.dtype == tf.int32

    max_features, sequence_length = 40, 12
    vectorize_layer = layers.TextVectorization(standardize=custom_standardization, max_tokens=max_features,
                                               output_mode="int", output_sequence_length=sequence_length)
    train_text = raw_train_ds.map(lambda x, y: x)
    vectorize_layer.adapt(train_text)

    def vectorize_text(text, label):
        text = tf.expand_dims(text, -1)
        return vectorize_layer(text), label

    first = vectorize_text(text_batch[0], label_batch[0])[0]
    assert first.shape == (1, sequence_length) and first.dtype == tf.int64
    assert "great" in vectorize_layer.get_vocabulary() and "<br" not in vectorize_layer.get_vocabulary()

    AUTOTUNE = tf.data.AUTOTUNE
    train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(buffer_size=AUTOTUNE)
    val_ds = raw_val_ds.map(vectorize_text).cache().prefetch(buffer_size=AUTOTUNE)
    test_ds = raw_test_ds.map(vectorize_text).cache().prefetch(buffer_size=AUTOTUNE)
    assert train_ds.element_spec[0].shape == (None, sequence_length)

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        layers.Embedding(max_features, 16),
        layers.Dropout(0.2),
        layers.GlobalAveragePooling1D(),
        layers.Dropout(0.2),
        layers.Dense(1)])
    model.compile(loss=losses.BinaryCrossentropy(from_logits=True), optimizer="adam",
                  metrics=[tf.metrics.BinaryAccuracy(threshold=0.0)])
    history = model.fit(train_ds, validation_data=val_ds, epochs=40, verbose=0)
    assert sorted(history.history) == ["binary_accuracy", "loss", "val_binary_accuracy", "val_loss"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(test_ds, verbose=0)
    assert accuracy > 0.9

    export_model = tf.keras.Sequential([vectorize_layer, model, layers.Activation("sigmoid")])
    export_model.compile(loss=losses.BinaryCrossentropy(from_logits=False), optimizer="adam", metrics=["accuracy"])
    metrics = export_model.evaluate(raw_test_ds, return_dict=True, verbose=0)
    assert metrics["accuracy"] == pytest.approx(accuracy) and metrics["loss"] == pytest.approx(loss, rel=1e-5)
    examples = tf.constant(["The movie was great!", "The movie was okay.", "The movie was terrible..."])
    p = export_model.predict(examples, verbose=0)
    assert p.shape == (3, 1) and p.dtype == np.float32
    assert p[0, 0] > 0.5 > p[2, 0]


def test_text_classification_matches_keras():
    texts, labels = _reviews(40, 3)
    raw = tf.data.Dataset.from_tensor_slices((texts, labels)).batch(8)
    vectorize_layer = layers.TextVectorization(standardize=custom_standardization, max_tokens=30,
                                               output_mode="int", output_sequence_length=10)
    vectorize_layer.adapt(raw.map(lambda x, y: x))
    assert vectorize_layer.get_vocabulary()[:8] == ["", "[UNK]", "movie", "actor", "a", "was", "film", "and"]

    def vectorize_text(text, label):
        return vectorize_layer(tf.expand_dims(text, -1)), label

    ds = raw.map(vectorize_text).cache().prefetch(buffer_size=tf.data.AUTOTUNE)
    assert next(iter(ds))[0].numpy()[:2].tolist() == [[11, 14, 7, 2, 7, 5, 2, 8, 0, 0],
                                                      [7, 10, 4, 8, 11, 6, 2, 11, 0, 0]]
    model = tf.keras.Sequential([layers.Embedding(30, 4), layers.Dropout(0.0), layers.GlobalAveragePooling1D(),
                                 layers.Dropout(0.0), layers.Dense(1)])
    model.build((None, 10))
    rng = np.random.default_rng(7)
    model.set_weights([rng.normal(0, 0.5, (30, 4)).astype("float32"), rng.normal(0, 0.5, (4, 1)).astype("float32"),
                       np.zeros(1, "float32")])
    # SGD: Keras's Adam on TensorFlow squares the sparse embedding gradient per occurrence
    model.compile(loss=losses.BinaryCrossentropy(from_logits=True), optimizer=tf.keras.optimizers.SGD(0.1),
                  metrics=[tf.metrics.BinaryAccuracy(threshold=0.0)])
    np.testing.assert_allclose(model.evaluate(ds, verbose=0), [0.6698311567306519, 0.525], rtol=1e-6)
    history = model.fit(ds, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [0.671636700630188], rtol=1e-6)
    np.testing.assert_allclose(model.get_weights()[0].ravel()[:4],
                               [0.0006017786217853427, 0.14961999654769897, -0.13707029819488525, -0.4447213113307953],
                               rtol=1e-5, atol=1e-7)
    export_model = tf.keras.Sequential([vectorize_layer, model, layers.Activation("sigmoid")])
    export_model.compile(loss=losses.BinaryCrossentropy(from_logits=False), optimizer="adam", metrics=["accuracy"])
    result = export_model.evaluate(raw, return_dict=True, verbose=0)
    assert result == pytest.approx({"accuracy": 0.525, "loss": 0.667707622051239}, rel=1e-6)
    p = export_model.predict(tf.constant(["The movie was great!", "The movie was okay.", "The movie was terrible..."]),
                             verbose=0)
    np.testing.assert_allclose(p, [[0.568783164024353], [0.5505641102790833], [0.5897678136825562]], rtol=1e-6)


def _write_flowers(root, per_class, shape, seed):
    rng = np.random.default_rng(seed)
    for c, name in enumerate(["daisy", "roses", "tulips"]):
        os.makedirs(os.path.join(root, name))
        for i in range(per_class):
            img = rng.integers(0, 60, shape + (3,)).astype(np.uint8)
            img[..., c] += 150
            tf.io.write_file(os.path.join(root, name, f"img{i:02d}.png"), tf.io.encode_png(img))


def test_image_classification_learns(tmp_path, capsys):
    data_dir = tmp_path / "flower_photos"
    _write_flowers(data_dir, 16, (20, 24), 0)
    batch_size, img_height, img_width = 8, 16, 16
    train_ds = tf.keras.utils.image_dataset_from_directory(
        data_dir, validation_split=0.2, subset="training", seed=123,
        image_size=(img_height, img_width), batch_size=batch_size)
    val_ds = tf.keras.utils.image_dataset_from_directory(
        data_dir, validation_split=0.2, subset="validation", seed=123,
        image_size=(img_height, img_width), batch_size=batch_size)
    out = capsys.readouterr().out
    assert "Found 48 files belonging to 3 classes." in out and "Using 39 files for training." in out
    assert "Using 9 files for validation." in out
    class_names = train_ds.class_names
    assert class_names == ["daisy", "roses", "tulips"]
    assert not set(train_ds.file_paths) & set(val_ds.file_paths)
    for image_batch, labels_batch in train_ds:
        assert image_batch.shape == (8, 16, 16, 3) and image_batch.dtype == tf.float32
        assert labels_batch.shape == (8,) and labels_batch.dtype == tf.int32
        break

    AUTOTUNE = tf.data.AUTOTUNE
    train_ds = train_ds.cache().shuffle(1000).prefetch(buffer_size=AUTOTUNE)
    val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)
    normalization_layer = layers.Rescaling(1. / 255)
    normalized_ds = train_ds.map(lambda x, y: (normalization_layer(x), y))
    image_batch, labels_batch = next(iter(normalized_ds))
    assert 0 <= float(np.min(image_batch[0])) < float(np.max(image_batch[0])) <= 1

    num_classes = len(class_names)
    tf.keras.utils.set_random_seed(1)
    data_augmentation = tf.keras.Sequential([
        layers.RandomFlip("horizontal", input_shape=(img_height, img_width, 3)),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.1)])
    augmented = data_augmentation(image_batch)
    assert augmented.shape == image_batch.shape and augmented.dtype == tf.float32
    model = tf.keras.Sequential([
        data_augmentation,
        layers.Rescaling(1. / 255),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Dropout(0.2),
        layers.Flatten(),
        layers.Dense(32, activation="relu"),
        layers.Dense(num_classes, name="outputs")])
    model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(train_ds, validation_data=val_ds, epochs=10, verbose=0)
    assert history.history["val_accuracy"][-1] == 1.0

    path = str(data_dir / "roses" / "img03.png")
    img = tf.image.resize(tf.io.decode_png(tf.io.read_file(path), channels=3), (img_height, img_width))
    predictions = model.predict(tf.expand_dims(img, 0), verbose=0)
    score = tf.nn.softmax(predictions[0])
    assert predictions.shape == (1, 3) and predictions.dtype == np.float32 and score.shape == (3,)
    assert class_names[np.argmax(score)] == "roses" and float(np.max(score)) > 0.5


def test_image_dataset_and_training_match_keras(tmp_path):
    root = str(tmp_path)
    _write_flowers(root, 6, (10, 14), 5)
    kwargs = dict(validation_split=0.25, seed=123, image_size=(8, 8), batch_size=4, verbose=False)
    train_ds = tf.keras.utils.image_dataset_from_directory(root, subset="training", **kwargs)
    val_ds = tf.keras.utils.image_dataset_from_directory(root, subset="validation", **kwargs)
    assert [os.path.relpath(p, root) for p in train_ds.file_paths] == [
        "daisy/img04.png", "roses/img05.png", "tulips/img02.png", "roses/img02.png", "daisy/img05.png",
        "roses/img01.png", "daisy/img00.png", "tulips/img03.png", "tulips/img05.png", "roses/img03.png",
        "roses/img04.png", "daisy/img03.png", "daisy/img01.png", "roses/img00.png"]
    assert [os.path.relpath(p, root) for p in val_ds.file_paths] == [
        "tulips/img04.png", "tulips/img00.png", "daisy/img02.png", "tulips/img01.png"]
    all_ds = tf.keras.utils.image_dataset_from_directory(root, shuffle=False, image_size=(8, 8), batch_size=4,
                                                         verbose=False)
    x, y = next(iter(all_ds))
    np.testing.assert_allclose(x.numpy()[1, :2, :3, 0], [[172.703125, 195.328125, 187.78125],
                                                         [170.25, 184.109375, 187.828125]], rtol=1e-6)
    assert y.numpy().tolist() == [0, 0, 0, 0] and x.dtype == tf.float32 and y.dtype == tf.int32
    crop = tf.keras.utils.image_dataset_from_directory(root, shuffle=False, image_size=(5, 3), batch_size=1,
                                                       verbose=False, crop_to_aspect_ratio=True, label_mode=None)
    np.testing.assert_allclose(next(iter(crop)).numpy()[0, :, :, 1], [
        [23.75, 37.0, 23.25], [18.0, 34.0, 33.0], [30.25, 25.5, 29.5], [22.0, 13.0, 37.5], [20.75, 23.75, 26.75]])

    val_ds = val_ds.cache().prefetch(buffer_size=tf.data.AUTOTUNE)
    model = tf.keras.Sequential([
        layers.Rescaling(1. / 255, input_shape=(8, 8, 3)),
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(8, activation="relu"),
        layers.Dense(3)])
    rng = np.random.default_rng(11)
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    h = model.fit(all_ds, validation_data=val_ds, epochs=3, verbose=0).history
    np.testing.assert_allclose(h["loss"], [1.3627849817276, 1.3156312704086304, 1.2827966213226318], rtol=1e-5)
    np.testing.assert_allclose(h["val_loss"], [1.114309549331665, 1.1004116535186768, 1.0865371227264404], rtol=1e-5)
    assert h["accuracy"] == pytest.approx([1 / 3] * 3) and h["val_accuracy"] == pytest.approx([0.75] * 3)
    pred = model.predict(val_ds, verbose=0)
    np.testing.assert_allclose(pred[:2], [[-2.0371804237365723, -0.6680519580841064, -0.48316189646720886],
                                          [-1.9603196382522583, -0.619979977607727, -0.40454885363578796]],
                               rtol=1e-5)
    np.testing.assert_allclose(tf.nn.softmax(pred[0]).numpy(),
                               [0.10349434614181519, 0.40693172812461853, 0.48957395553588867], rtol=1e-5)


def test_image_dataset_label_modes_and_subsets(tmp_path):
    _write_flowers(str(tmp_path), 2, (4, 4), 0)
    ds = tf.keras.utils.image_dataset_from_directory(tmp_path, label_mode="categorical", class_names=["tulips", "daisy"],
                                                     image_size=4, batch_size=None, shuffle=False, verbose=False)
    x, y = next(iter(ds))
    assert x.shape == (4, 4, 3) and y.dtype == tf.float32 and y.numpy().tolist() == [1.0, 0.0]
    assert len(ds.file_paths) == 4 and ds.class_names == ["tulips", "daisy"]
    train, val = tf.keras.utils.image_dataset_from_directory(tmp_path, validation_split=0.5, subset="both", seed=1,
                                                             image_size=(2, 2), color_mode="grayscale",
                                                             verbose=False)
    assert next(iter(train))[0].shape == (3, 2, 2, 1) and len(val.file_paths) == 3
    with pytest.raises(ValueError, match="exactly 2"):
        tf.keras.utils.image_dataset_from_directory(tmp_path, label_mode="binary")
    with pytest.raises(ValueError, match="seed"):
        tf.keras.utils.image_dataset_from_directory(tmp_path, validation_split=0.5, subset="training")


def test_text_dataset_binary_labels_and_max_length(tmp_path):
    _write_reviews(tmp_path, 6, 0)
    ds = tf.keras.utils.text_dataset_from_directory(tmp_path, label_mode="binary", max_length=5, shuffle=False,
                                                    verbose=False)
    texts, labels = next(iter(ds))
    assert labels.shape == (6, 1) and labels.dtype == tf.float32
    assert all(len(t) <= 5 for t in texts.numpy()) and sorted(set(labels.numpy().ravel())) == [0.0, 1.0]


def test_map_keeps_an_unknown_batch_axis_unknown():
    ds = tf.data.Dataset.from_tensor_slices((np.arange(70.0), np.arange(70))).batch(32)
    spec = ds.map(lambda x, y: (tf.expand_dims(x, -1), y)).cache().prefetch(2).element_spec
    assert [s.shape for s in spec] == [(None, 1), (None,)]
    fixed = tf.data.Dataset.from_tensor_slices(np.arange(70.0)).batch(32, drop_remainder=True).map(lambda x: x)
    assert fixed.element_spec.shape == (32,)
    assert ds.map(lambda x, y: tf.reduce_sum(x)).element_spec.shape == ()


def _mnist_like(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    x = rng.uniform(0, 0.2, (n, 784)).astype("float32")
    for i, c in enumerate(y):
        x[i, c * 70:c * 70 + 30] += 0.8
    return x, y


@pytest.mark.parametrize("ext", [".weights.h5", ".weights.npz"])
def test_save_and_load_models(tmp_path, monkeypatch, ext):
    monkeypatch.chdir(tmp_path)
    train_images, train_labels = _mnist_like(200, 0)
    test_images, test_labels = _mnist_like(100, 1)

    def create_model():
        model = tf.keras.Sequential([
            tf.keras.layers.Dense(64, activation="relu", input_shape=(784,)),
            tf.keras.layers.Dropout(0.2),
            tf.keras.layers.Dense(10)])
        model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=[tf.keras.metrics.SparseCategoricalAccuracy()])
        return model

    tf.keras.utils.set_random_seed(0)
    model = create_model()
    checkpoint_path = "training_1/cp" + ext
    cp_callback = tf.keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, save_weights_only=True, verbose=1)
    model.fit(train_images, train_labels, epochs=10, validation_data=(test_images, test_labels),
              callbacks=[cp_callback], verbose=0)
    assert os.listdir("training_1") == ["cp" + ext]
    trained = model.predict(test_images, verbose=0)
    model = create_model()
    _, untrained_acc = model.evaluate(test_images, test_labels, verbose=0)
    model.load_weights(checkpoint_path)
    loss, acc = model.evaluate(test_images, test_labels, verbose=0)
    assert acc > 0.9 > untrained_acc
    np.testing.assert_array_equal(model.predict(test_images, verbose=0), trained)

    checkpoint_path = "training_2/cp-{epoch:04d}" + ext
    batch_size = 32
    n_batches = int(np.ceil(len(train_images) / batch_size))
    cp_callback = tf.keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, verbose=1, save_weights_only=True,
                                                     save_freq=5 * n_batches)
    model = create_model()
    model.save_weights(checkpoint_path.format(epoch=0))
    model.fit(train_images, train_labels, epochs=10, batch_size=batch_size, callbacks=[cp_callback],
              validation_data=(test_images, test_labels), verbose=0)
    assert sorted(os.listdir("training_2")) == [f"cp-{e:04d}{ext}" for e in (0, 5, 10)]
    final = model.predict(test_images, verbose=0)
    model = create_model()
    model.load_weights(os.path.join("training_2", "cp-0010" + ext))
    np.testing.assert_array_equal(model.predict(test_images, verbose=0), final)

    model.save("my_model.keras")
    new_model = tf.keras.models.load_model("my_model.keras")
    loss2, acc2 = new_model.evaluate(test_images, test_labels, verbose=0)
    assert acc2 > 0.9
    p = new_model.predict(test_images, verbose=0)
    assert p.shape == (100, 10) and p.dtype == np.float32
    np.testing.assert_array_equal(p, final)

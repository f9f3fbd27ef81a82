"""Smoke tests for examples/deep_cnn.py, examples/char_lm.py and examples/vae.py at reduced size.

Each test runs its example's ``main`` with small settings and checks that the model learns
(accuracy far above chance, loss far below its baseline), not only that it runs.
"""

import importlib.util
import math
import os
import sys

import numpy as np
import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


def load_example(name):
    if EXAMPLES not in sys.path:
        sys.path.insert(0, EXAMPLES)  # the examples import their shared helpers from examples/
    """Import ``examples/<name>.py`` as a module (``examples`` is not a package)."""
    path = os.path.join(EXAMPLES, f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"gradtape_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def deep_cnn():
    import sklearn  # noqa: F401  (in the test extra)
    return load_example("deep_cnn")


@pytest.fixture(scope="module")
def char_lm():
    return load_example("char_lm")


@pytest.fixture(scope="module")
def vae():
    import sklearn  # noqa: F401  (in the test extra)
    return load_example("vae")


# -- deep_cnn ----------------------------------------------------------------------------------
def test_deep_cnn_learns(deep_cnn, capsys):
    r = deep_cnn.main(["--epochs", "3", "--width", "8", "--dense", "32", "--dropout", "0.1", "--shift", "0",
                       "--batch-size", "32", "--quiet", "--seed", "0"])
    assert "test accuracy" in capsys.readouterr().out
    assert r["test_examples"] == 450 and r["train_examples"] == 1347
    assert r["initial_test_accuracy"] < 0.3          # chance level before training
    assert r["test_accuracy"] > 0.8                  # chance is 0.1
    assert r["test_loss"] < 0.5 * r["initial_test_loss"]
    assert r["history"]["train_loss"][-1] < r["history"]["train_loss"][0]


def test_deep_cnn_training_flag_switches_batchnorm_and_dropout(deep_cnn):
    import gradtape as gt
    model = deep_cnn.DeepCNN(width=4, dense=8, dropout=0.5, seed=0)
    x = np.random.default_rng(0).random((16, 8, 8, 1)).astype(np.float32)
    a, b = model(x, training=False).numpy(), model(x, training=False).numpy()
    np.testing.assert_array_equal(a, b)               # inference is deterministic
    bn = model.block1[1]
    before = bn.moving_mean.numpy().copy()
    t1, t2 = model(x, training=True).numpy(), model(x, training=True).numpy()
    assert not np.allclose(t1, t2)                    # dropout is on in training
    assert not np.allclose(bn.moving_mean.numpy(), before)  # batch statistics update the averages
    assert len(model.non_trainable_variables) == 10   # moving mean and variance of 5 BN layers
    assert all(isinstance(v, gt.Variable) for v in model.trainable_variables)


def test_random_shift_keeps_shape_and_mass(deep_cnn):
    x = np.zeros((3, 8, 8, 1), np.float32)
    x[:, 3:5, 3:5] = 1.0
    y = deep_cnn.random_shift(x, np.random.default_rng(0), 1)
    assert y.shape == x.shape
    np.testing.assert_allclose(y.sum(axis=(1, 2, 3)), 4.0)  # a centred blob never leaves the image


# -- char_lm -----------------------------------------------------------------------------------
def test_char_lm_corpus_is_deterministic_text(char_lm):
    docs = char_lm.load_corpus(("json", "textwrap", "string"))
    assert docs == char_lm.load_corpus(("json", "textwrap", "string"))
    text = "\n\n".join(docs)
    assert len(text) > 5000 and text.isascii() and ">>>" not in text
    vocab = char_lm.Vocab(text)
    assert vocab.decode(vocab.encode(text[:200])) == text[:200]


def test_char_lm_transformer_beats_unigram(char_lm, capsys):
    r = char_lm.main(["--steps", "80", "--dim", "32", "--heads", "2", "--layers", "1", "--context", "32",
                      "--batch-size", "32", "--lr", "1e-2", "--warmup", "10", "--max-chars", "40000",
                      "--eval-every", "40", "--eval-windows", "48", "--sample-len", "40", "--quiet"])
    out = capsys.readouterr().out
    assert "Sample" in out and "unigram baseline" in out
    assert r["bigram_loss"] < r["unigram_loss"] < math.log(r["vocab_size"])
    assert r["heldout_loss"] < r["initial_heldout_loss"] - 1.5
    assert r["heldout_loss"] < r["unigram_loss"] - 0.35   # it uses the context
    assert r["sample"].startswith("Return the ") and len(r["sample"]) == len("Return the ") + 40


def test_char_lm_lstm_beats_unigram(char_lm):
    r = char_lm.main(["--arch", "lstm", "--steps", "100", "--dim", "64", "--context", "16",
                      "--batch-size", "32", "--lr", "2e-2", "--warmup", "5", "--max-chars", "30000",
                      "--eval-every", "100", "--eval-windows", "32", "--sample-len", "20", "--quiet"])
    assert r["heldout_loss"] < r["unigram_loss"] - 0.3
    assert len(r["sample"]) == len("Return the ") + 20


# -- vae ---------------------------------------------------------------------------------------
def test_vae_elbo_improves_and_writes_png(vae, tmp_path, capsys):
    out = tmp_path / "vae"
    r = vae.main(["--epochs", "12", "--hidden", "128", "--latent", "4", "--out", str(out), "--quiet"])
    assert "test ELBO" in capsys.readouterr().out
    h = r["history"]
    assert r["test_elbo"] > r["initial_test_elbo"] + 25     # nats per image
    assert h["test_elbo"][-1] > h["test_elbo"][0]
    assert h["train_elbo"][-1] > h["train_elbo"][0]
    assert r["test_kl"] > 1.0                               # the latent code is used
    assert r["test_reconstruction"] < r["reconstruction_ceiling"] < 0
    png = out / "vae_digits.png"
    assert r["files"] == [str(png)] and png.stat().st_size > 10_000
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_vae_without_matplotlib_skips_the_figure(vae, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)   # import matplotlib now fails
    r = vae.main(["--epochs", "1", "--hidden", "32", "--train-size", "200", "--out", str(tmp_path),
                  "--quiet"])
    assert r["files"] == [] and "matplotlib is not installed" in capsys.readouterr().out
    assert not os.listdir(tmp_path) or not any(f.endswith(".png") for f in os.listdir(tmp_path))


def test_vae_reparameterization_gives_gradients_to_the_encoder(vae):
    import gradtape as gt
    model = vae.VAE(latent=2, hidden=16)
    x = np.random.default_rng(0).random((5, 64)).astype(np.float32)
    eps = np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32)
    with gt.GradientTape() as tape:
        rec, kl = model.elbo_terms(x, eps)
        loss = gt.reduce_mean(kl - rec)
    grads = tape.gradient(loss, model.encoder.trainable_variables)
    assert all(g is not None and np.any(np.asarray(g) != 0) for g in grads)
    assert rec.shape == (5,) and bool(np.all(kl.numpy() >= 0))

"""Language: a character-level language model trained on the Python standard library's docstrings.

The text is on every machine without a download: the docstrings of a fixed list of standard
library modules, their public functions and classes and the classes' methods, in sorted order
(doctest examples are left out, so it is mostly English prose). Every tenth docstring is held
out. The default model is a small decoder-only Transformer: token and learned position
embeddings, pre-norm blocks of causal ``MultiHeadAttention`` (``use_causal_mask=True``) and a
ReLU feed-forward layer, each with a residual connection, then ``LayerNormalization`` and a
``Dense`` layer to the next character's logits. ``--arch lstm`` trains an ``Embedding - LSTM -
Dense`` network instead. Training reads fixed-length windows at random offsets of the
training text (the target is the window shifted by one character), with AdamW, a warm-up and
cosine learning-rate schedule and gradient clipping.

The held-out cross entropy (nats per character) is compared with two baselines estimated on
the training text: the unigram model (character frequencies) and the bigram model (the
previous character). At the end a sample is drawn from a seed string with temperature
sampling.

    python examples/char_lm.py                      # full size: a few minutes on 2 cores
    python examples/char_lm.py --steps 60 --dim 32 --layers 1   # a quick look

The corpus depends on the Python version (docstrings change between releases); on a given
interpreter it is always the same. ``main(argv)`` returns a dict with the baselines, the loss
history, the final held-out loss, the sample and the time taken.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import math
import os
import sys
import time
import warnings
from typing import Sequence

import numpy as np

try:
    import gradtape as gt
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import gradtape as gt

from _common import blas_threads  # noqa: E402  (examples/ is the script's directory)

MODULES = ("json", "collections", "itertools", "functools", "os.path", "string", "textwrap", "re",
           "random", "statistics", "argparse", "inspect", "pathlib", "dataclasses", "contextlib",
           "enum", "heapq", "fractions", "decimal", "shutil", "subprocess", "threading", "logging",
           "difflib", "calendar", "tempfile", "csv", "abc", "queue", "weakref", "zipfile", "tarfile",
           "math", "datetime", "doctest", "base64", "io", "os", "codecs", "urllib.parse",
           "http.client", "email.message", "socket", "ipaddress", "array")


def _docstrings(module) -> list[str]:
    """The module's docstring, then its public functions' and classes' (and their methods'), sorted."""
    out = [module.__doc__]
    for name in sorted(vars(module)):
        obj = vars(module)[name]
        if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)
                                        or inspect.isbuiltin(obj)):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue  # imported from elsewhere
        out.append(obj.__doc__)
        if inspect.isclass(obj):
            for mname in sorted(vars(obj)):
                meth = vars(obj)[mname]
                if not mname.startswith("_") and (inspect.isfunction(meth) or inspect.ismethoddescriptor(meth)
                                                  or isinstance(meth, (classmethod, staticmethod, property))):
                    out.append(getattr(meth, "__doc__", None))
    return [d for d in out if isinstance(d, str)]


def load_corpus(modules: Sequence[str] = MODULES) -> list[str]:
    """Cleaned, deduplicated docstrings of ``modules``, in a fixed order.

    Paragraphs holding doctest examples (``>>>``) are dropped and non-ASCII characters become
    ``?``, so the text is mostly English prose with a character set of about 95.
    """
    docs, seen = [], set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in modules:
            for d in _docstrings(importlib.import_module(name)):
                paras = [p for p in inspect.cleandoc(d).split("\n\n") if p.strip() and ">>>" not in p]
                text = "\n\n".join(paras).encode("ascii", "replace").decode("ascii")
                if text and text not in seen:
                    seen.add(text)
                    docs.append(text)
    return docs


class Vocab:
    """Characters <-> integer ids (sorted characters; unknown characters map to ``?``)."""

    def __init__(self, text: str):
        self.chars = sorted(set(text) | {"?"})
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        unk = self.index["?"]
        return np.array([self.index.get(c, unk) for c in text], dtype=np.int64)

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def ngram_baselines(train: np.ndarray, val: np.ndarray, vocab_size: int) -> dict:
    """Held-out cross entropy (nats/char) of add-one smoothed unigram and bigram models of ``train``."""
    uni = np.bincount(train, minlength=vocab_size) + 1.0
    uni /= uni.sum()
    big = np.ones((vocab_size, vocab_size))
    np.add.at(big, (train[:-1], train[1:]), 1.0)
    big /= big.sum(axis=1, keepdims=True)
    return {"unigram": float(-np.log(uni[val]).mean()),
            "bigram": float(-np.log(big[val[:-1], val[1:]]).mean())}


# -- the models --------------------------------------------------------------------------------
class Block(gt.Module):
    """Pre-norm Transformer block: ``x + attn(ln(x))`` then ``x + mlp(ln(x))``, causal attention."""

    def __init__(self, dim: int, heads: int, dropout: float, seed: int):
        super().__init__()
        L = gt.layers
        self.ln1, self.ln2 = L.LayerNormalization(epsilon=1e-5), L.LayerNormalization(epsilon=1e-5)
        self.attn = L.MultiHeadAttention(heads, dim // heads, dropout=dropout, seed=seed)
        self.fc1 = L.Dense(4 * dim, activation="relu", kernel_initializer="he_uniform")
        self.fc2 = L.Dense(dim)
        self.drop = L.Dropout(dropout, seed=seed + 1)

    def __call__(self, x, training: bool = False):
        h = self.ln1(x)
        x = x + self.drop(self.attn(h, h, use_causal_mask=True, training=training), training=training)
        return x + self.drop(self.fc2(self.fc1(self.ln2(x))), training=training)


class TransformerLM(gt.Module):
    """A small GPT: ``(batch, time)`` character ids -> ``(batch, time, vocab)`` next-character logits."""

    def __init__(self, vocab_size: int, context: int, dim: int = 128, heads: int = 4, layers: int = 2,
                 dropout: float = 0.0, seed: int = 0):
        super().__init__()
        L = gt.layers
        self.context = context
        self.tok = L.Embedding(vocab_size, dim, embeddings_initializer="random_normal")
        rng = np.random.default_rng(seed)
        self.pos = gt.Variable((0.02 * rng.standard_normal((context, dim))).astype(np.float32), name="pos")
        self.blocks = [Block(dim, heads, dropout, seed + 10 * i) for i in range(layers)]
        self.ln = L.LayerNormalization(epsilon=1e-5)
        self.head = L.Dense(vocab_size)

    def __call__(self, ids, training: bool = False):
        t = ids.shape[1]
        x = self.tok(ids) + self.pos[:t]
        for block in self.blocks:
            x = block(x, training=training)
        return self.head(self.ln(x))


class LSTMLM(gt.Module):
    """``Embedding - LSTM - Dense``: ``(batch, time)`` ids -> ``(batch, time, vocab)`` logits."""

    def __init__(self, vocab_size: int, context: int, dim: int = 256, embed: int = 64, seed: int = 0):
        super().__init__()
        L = gt.layers
        self.context = context
        self.tok = L.Embedding(vocab_size, embed)
        self.lstm = L.LSTM(dim, return_sequences=True, return_state=True)
        self.head = L.Dense(vocab_size)

    def __call__(self, ids, training: bool = False, state=None):
        seq, h, c = self.lstm(self.tok(ids), initial_state=state)
        self._last_state = [h, c]
        return self.head(seq)


def build_model(arch: str, vocab_size: int, context: int, dim: int, heads: int, layers: int,
                dropout: float, seed: int):
    if arch == "transformer":
        return TransformerLM(vocab_size, context, dim, heads, layers, dropout, seed)
    if arch == "lstm":
        return LSTMLM(vocab_size, context, dim, seed=seed)
    raise ValueError(f"unknown --arch {arch!r} (transformer or lstm)")


def cross_entropy(model, x: np.ndarray, y: np.ndarray, training: bool = False):
    logits = model(x, training=training)
    return gt.reduce_mean(gt.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


def heldout_loss(model, windows: np.ndarray, batch_size: int = 64) -> float:
    """Mean cross entropy (nats/char) over fixed held-out windows ``(n, context + 1)``."""
    total = 0.0
    for s in range(0, len(windows), batch_size):
        w = windows[s:s + batch_size]
        total += float(cross_entropy(model, w[:, :-1], w[:, 1:])) * len(w)
    return total / len(windows)


def sample(model, vocab: Vocab, seed_text: str, length: int, temperature: float, rng) -> str:
    """Continue ``seed_text`` by ``length`` characters drawn from ``softmax(logits / temperature)``."""
    ids = list(vocab.encode(seed_text))
    lstm = isinstance(model, LSTMLM)
    state = None
    feed = ids
    for _ in range(length):
        if lstm:  # carry the recurrent state, feed only the new characters
            logits = model(np.array([feed]), state=state)
            state = model._last_state
        else:
            logits = model(np.array([ids[-model.context:]]))
        z = logits.numpy()[0, -1].astype(np.float64) / max(temperature, 1e-6)
        p = np.exp(z - z.max())
        nxt = int(rng.choice(len(p), p=p / p.sum()))
        ids.append(nxt)
        feed = [nxt]
    return vocab.decode(ids)


# -- training ----------------------------------------------------------------------------------
def train(steps: int = 1500, batch_size: int = 32, context: int = 64, arch: str = "transformer",
          dim: int = 128, heads: int = 4, layers: int = 2, dropout: float = 0.0, lr: float = 3e-3,
          warmup: int = 100, modules: Sequence[str] = MODULES, max_chars: int | None = None,
          eval_every: int = 100, eval_windows: int = 128, sample_len: int = 400,
          temperature: float = 0.7, seed_text: str = "Return the ", seed: int = 0,
          verbose: bool = True, threads: int | None = 1) -> dict:
    """Train a character language model and return a summary dict (see :func:`main`)."""
    with blas_threads(threads):
        t0, c0 = time.perf_counter(), time.process_time()
        gt.random.set_seed(seed)
        rng = np.random.default_rng(seed)
        docs = load_corpus(modules)
        train_text = "\n\n".join(d for i, d in enumerate(docs) if i % 10 != 9)
        val_text = "\n\n".join(d for i, d in enumerate(docs) if i % 10 == 9)
        if max_chars is not None:
            train_text, val_text = train_text[:max_chars], val_text[:max(max_chars // 9, context + 2)]
        vocab = Vocab(train_text)
        tr, va = vocab.encode(train_text), vocab.encode(val_text)
        base = ngram_baselines(tr, va, len(vocab))
        # Fixed held-out windows, evenly spaced over the held-out text.
        n_val = max(1, min(eval_windows, len(va) - context - 1))
        starts = np.linspace(0, len(va) - context - 1, n_val).astype(np.int64)
        val_windows = np.stack([va[s:s + context + 1] for s in starts])
        if verbose:
            print(f"corpus: {len(docs)} docstrings from {len(modules)} modules; {len(tr):,} training and "
                  f"{len(va):,} held-out characters; vocabulary {len(vocab)}")
            print(f"baselines on the held-out text: unigram {base['unigram']:.3f} nats/char, "
                  f"bigram {base['bigram']:.3f} nats/char", flush=True)

        model = build_model(arch, len(vocab), context, dim, heads, layers, dropout, seed)
        schedule = gt.optimizers.schedules.CosineDecay(
            lr / 10, decay_steps=max(1, steps - warmup), alpha=0.05, warmup_target=lr,
            warmup_steps=min(warmup, steps // 2))
        optimizer = gt.optimizers.AdamW(learning_rate=schedule, weight_decay=0.01, global_clipnorm=1.0)
        history: dict[str, list] = {"step": [], "train_loss": [], "heldout_loss": []}
        initial = heldout_loss(model, val_windows)
        history["step"].append(0)
        history["train_loss"].append(float("nan"))
        history["heldout_loss"].append(initial)
        if verbose:
            print(f"step     0  held-out {initial:.3f} (log vocab = {math.log(len(vocab)):.3f})", flush=True)
        running, count = 0.0, 0
        offsets = np.arange(context + 1)
        for step in range(1, steps + 1):
            idx = rng.integers(0, len(tr) - context - 1, size=batch_size)
            win = tr[idx[:, None] + offsets]
            with gt.GradientTape() as tape:
                loss = cross_entropy(model, win[:, :-1], win[:, 1:], training=True)
            variables = model.trainable_variables
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            running += float(loss)
            count += 1
            if step % eval_every == 0 or step == steps:
                h = heldout_loss(model, val_windows)
                history["step"].append(step)
                history["train_loss"].append(running / count)
                history["heldout_loss"].append(h)
                if verbose:
                    print(f"step {step:5d}  train {running / count:.3f}  held-out {h:.3f}  "
                          f"({time.perf_counter() - t0:.0f} s)", flush=True)
                running, count = 0.0, 0
        train_seconds = time.perf_counter() - t0
        text = sample(model, vocab, seed_text, sample_len, temperature, np.random.default_rng(seed))
    n_params = int(sum(v.size for v in model.trainable_variables))
    return {"arch": arch, "parameters": n_params, "vocab_size": len(vocab),
            "train_chars": int(len(tr)), "heldout_chars": int(len(va)),
            "unigram_loss": base["unigram"], "bigram_loss": base["bigram"],
            "initial_heldout_loss": initial, "heldout_loss": history["heldout_loss"][-1],
            "steps": steps, "history": history, "sample": text,
            "train_seconds": train_seconds, "seconds": time.perf_counter() - t0,
            "cpu_seconds": time.process_time() - c0}


def main(argv: Sequence[str] | None = None) -> dict:
    """Parse the command line, train, print a summary and a sample, and return the results dict."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", choices=("transformer", "lstm"), default="transformer")
    ap.add_argument("--steps", type=int, default=1500, help="training steps")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--context", type=int, default=64, help="window length in characters")
    ap.add_argument("--dim", type=int, default=128, help="model width (LSTM units with --arch lstm)")
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--layers", type=int, default=2, help="Transformer blocks")
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate")
    ap.add_argument("--warmup", type=int, default=100, help="warm-up steps")
    ap.add_argument("--max-chars", type=int, default=None, help="use only this many training characters")
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--eval-windows", type=int, default=128, help="held-out windows for the evaluation")
    ap.add_argument("--sample-len", type=int, default=400)
    ap.add_argument("--temperature", type=float, default=0.7)
    ap.add_argument("--seed-text", default="Return the ")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (0: the library's default)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.dim % a.heads:
        ap.error("--dim must be a multiple of --heads")
    r = train(steps=a.steps, batch_size=a.batch_size, context=a.context, arch=a.arch, dim=a.dim,
              heads=a.heads, layers=a.layers, dropout=a.dropout, lr=a.lr, warmup=a.warmup,
              max_chars=a.max_chars, eval_every=a.eval_every, eval_windows=a.eval_windows,
              sample_len=a.sample_len, temperature=a.temperature, seed_text=a.seed_text, seed=a.seed,
              verbose=not a.quiet, threads=a.threads)
    print(f"\nSample (temperature {a.temperature}):\n{'-' * 60}\n{r['sample']}\n{'-' * 60}")
    print(f"{r['arch']} ({r['parameters']:,} parameters), {r['steps']} steps in {r['train_seconds']:.0f} s: "
          f"held-out loss {r['initial_heldout_loss']:.3f} -> {r['heldout_loss']:.3f} nats/char "
          f"(unigram baseline {r['unigram_loss']:.3f}, bigram {r['bigram_loss']:.3f}).")
    return r


if __name__ == "__main__":
    main()

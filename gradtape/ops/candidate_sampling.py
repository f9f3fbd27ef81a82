"""The candidate samplers of ``tf.random`` (and ``tf.nn``): ``uniform_candidate_sampler``,
``log_uniform_candidate_sampler``, ``fixed_unigram_candidate_sampler``,
``learned_unigram_candidate_sampler`` and ``all_candidate_sampler``, each giving
``(sampled_candidates, true_expected_count, sampled_expected_count)`` as in TensorFlow.

Seeding is :mod:`gradtape.ops.random`'s: each sampler takes its generator from the global seed
and its op seed exactly as ``normal`` or ``uniform`` do (so :func:`~gradtape.random.set_seed`
replays these ops with the others, and two calls with one op seed continue one stream). Values
are drawn with NumPy's Philox generator: reproducible across runs and machines, but not
TensorFlow's numbers.
"""

from __future__ import annotations

import os

import numpy as np

from .._engine.tensor import Tensor, to_array, wrap
from .random import _DEFAULT_GLOBAL_SEED, _scalar, _state, _stateful_rng


# -- candidate samplers ----------------------------------------------------------------------------
def _count(v, op: str, arg: str, low: int = 1) -> int:
    v = _scalar(v)
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v.item()
    if not isinstance(v, (int, np.integer)) or isinstance(v, (bool, np.bool_)) or int(v) < low:
        raise ValueError(f"{op}: {arg} must be an int >= {low}, got {v!r}")
    return int(v)


def _true_classes(true_classes, num_true, op: str) -> np.ndarray:
    num_true = _count(num_true, op, "num_true")
    t = np.asarray(to_array(true_classes))
    if t.dtype.kind not in "iu":
        raise TypeError(f"{op}: true_classes must be an integer tensor (int64 in TensorFlow), got dtype "
                        f"{t.dtype.name}")
    if t.ndim != 2 or t.shape[1] != num_true:
        raise ValueError(f"{op}: true_classes must have shape [batch_size, num_true] = [*, {num_true}], "
                         f"got {list(t.shape)}; reshape it, e.g. gt.reshape(labels, [-1, {num_true}])")
    return t.astype(np.int64)


def _check_range(op: str, true: np.ndarray, range_max: int) -> None:
    bad = (true < 0) | (true >= range_max)
    if bad.any():
        raise ValueError(f"{op}: true_classes must lie in [0, {range_max}), got {true[bad][0]}")


def _draw_unique(draw, n: int, op: str, max_tries: int = 10 ** 8) -> tuple:
    """The first ``n`` distinct values of a stream of draws and how many draws that took."""
    picked, seen, tries = [], np.empty(0, np.int64), 0
    chunk = max(2 * n, 16)
    while True:
        v = draw(chunk)
        uniq, first = np.unique(v, return_index=True)
        pos = np.sort(first[~np.isin(uniq, seen)])  # where new values first appear, in draw order
        need = n - seen.size
        if pos.size >= need:
            pos = pos[:need]
            picked.append(v[pos])
            return np.concatenate(picked), tries + int(pos[-1]) + 1
        picked.append(v[pos])
        seen = np.union1d(seen, v[pos])
        tries += chunk
        if tries > max_tries:
            raise RuntimeError(f"{op}: found only {seen.size} of num_sampled={n} distinct classes in "
                               f"{tries} draws; some classes are too unlikely: lower num_sampled or pass "
                               "unique=False")
        chunk = min(2 * chunk, 1 << 20)


def _expected(p, num_sampled: int, tries: int) -> np.ndarray:
    """TensorFlow's expected count of a class of probability ``p`` in the sampled set."""
    p = np.asarray(p, np.float32).astype(np.float64)
    if tries == num_sampled:  # always so when unique=False
        return (p * num_sampled).astype(np.float32)
    with np.errstate(divide="ignore"):
        return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)  # 1 - (1 - p)**tries


def _candidates(op, gen, true, num_sampled, unique, range_max, draw, prob, n_possible) -> tuple:
    if unique and num_sampled > n_possible:
        raise ValueError(f"{op}: with unique=True num_sampled ({num_sampled}) must be at most the number "
                         f"of classes that can be sampled ({n_possible}); lower num_sampled or pass "
                         "unique=False")
    if unique:
        sampled, tries = _draw_unique(lambda k: draw(gen, k), num_sampled, op)
    else:
        sampled, tries = draw(gen, num_sampled), num_sampled
    sampled = np.asarray(sampled, np.int64)
    return (wrap(sampled), wrap(_expected(prob(true), num_sampled, tries)),
            wrap(_expected(prob(sampled), num_sampled, tries)))


def _sampler_args(op, true_classes, num_true, num_sampled, unique, range_max) -> tuple:
    true = _true_classes(true_classes, num_true, op)
    num_sampled = _count(num_sampled, op, "num_sampled")
    range_max = _count(range_max, op, "range_max")
    _check_range(op, true, range_max)
    return true, num_sampled, bool(_scalar(unique)), range_max


def _weighted(weights: np.ndarray):
    """A draw function sampling index ``i`` with probability ``weights[i] / sum(weights)``."""
    cdf = np.cumsum(weights, dtype=np.float64)
    cdf /= cdf[-1]
    last = int(np.nonzero(weights > 0)[0][-1])

    def draw(gen, k):
        return np.minimum(np.searchsorted(cdf, gen.random(k), side="right"), last).astype(np.int64)
    return draw


def uniform_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, range_max: int,
                              seed: int | None = None, name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Sample ``num_sampled`` classes uniformly from ``[0, range_max)`` (distinct if ``unique``):
    ``(sampled_candidates, true_expected_count, sampled_expected_count)`` as in TensorFlow.

    The expected counts are ``p * num_sampled`` (``p = 1 / range_max``), or, when ``unique``
    needed ``num_tries > num_sampled`` draws, ``1 - (1 - p)**num_tries``.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.uniform_candidate_sampler([[1], [7]], 1, 4, False, 10, seed=1)
    >>> s.shape, s.dtype, t.numpy().ravel().tolist()
    ((4,), dtype('int64'), [0.4000000059604645, 0.4000000059604645])
    """
    op = "uniform_candidate_sampler"
    true, num_sampled, unique, range_max = _sampler_args(op, true_classes, num_true, num_sampled, unique,
                                                         range_max)
    return _candidates(op, _stateful_rng(seed), true, num_sampled, unique, range_max,
                       lambda gen, k: gen.integers(0, range_max, k, dtype=np.int64),
                       lambda v: np.full(np.shape(v), 1.0 / range_max), range_max)


def log_uniform_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, range_max: int,
                                  seed: int | None = None, name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Sample classes from the log-uniform (Zipfian) distribution
    ``P(c) = log((c + 2) / (c + 1)) / log(range_max + 1)`` on ``[0, range_max)``:
    ``(sampled_candidates, true_expected_count, sampled_expected_count)`` as in TensorFlow.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.log_uniform_candidate_sampler([[0]], 1, 5, True, 100, seed=1)
    >>> s.shape, len(set(s.numpy().tolist())), t.shape
    ((5,), 5, (1, 1))
    """
    op = "log_uniform_candidate_sampler"
    true, num_sampled, unique, range_max = _sampler_args(op, true_classes, num_true, num_sampled, unique,
                                                         range_max)
    log_range = np.log1p(float(range_max))

    def draw(gen, k):
        return (np.exp(gen.random(k) * log_range).astype(np.int64) - 1) % range_max

    return _candidates(op, _stateful_rng(seed), true, num_sampled, unique, range_max, draw,
                       lambda v: np.log((np.asarray(v) + 2.0) / (np.asarray(v) + 1.0)) / log_range, range_max)


def _read_vocab(vocab_file: str, op: str) -> list:
    if not os.path.isfile(vocab_file):
        raise ValueError(f"{op}: vocab_file {vocab_file!r} does not exist; give the path of a CSV-like "
                         "file whose lines end with a weight, or pass unigrams=[...] instead")
    weights = []
    with open(vocab_file, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            try:
                weights.append(float(line.split(",")[-1]))
            except ValueError:
                raise ValueError(f"{op}: wrong vocabulary format at line {line!r} of {vocab_file!r}: the "
                                 "last comma-separated field must be a number") from None
    return weights


def fixed_unigram_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, range_max: int,
                                    vocab_file: str = "", distortion: float = 1.0, num_reserved_ids: int = 0,
                                    num_shards: int = 1, shard: int = 0, unigrams=(), seed: int | None = None,
                                    name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Sample classes from the fixed distribution ``unigrams`` (or the last field of each line of
    ``vocab_file``), each weight raised to ``distortion``: ``(sampled_candidates,
    true_expected_count, sampled_expected_count)`` as in TensorFlow.

    Ids ``[0, num_reserved_ids)`` come first with weight 0; with ``num_shards > 1`` only the ids
    ``i`` with ``i % num_shards == shard`` are kept. ``range_max`` must equal the number of
    weights kept.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.fixed_unigram_candidate_sampler(
    ...     [[0], [2]], 1, 3, False, 4, unigrams=[1.0, 0.0, 2.0, 1.0], seed=1)
    >>> t.numpy().ravel().tolist(), 1 in s.numpy().tolist()
    ([0.75, 1.5], False)
    """
    op = "fixed_unigram_candidate_sampler"
    true, num_sampled, unique, range_max = _sampler_args(op, true_classes, num_true, num_sampled, unique,
                                                         range_max)
    num_shards = _count(num_shards, op, "num_shards")
    shard = _count(shard, op, "shard", 0)
    num_reserved_ids = _count(num_reserved_ids, op, "num_reserved_ids", 0)
    if shard >= num_shards:
        raise ValueError(f"{op}: shard must be in [0, num_shards) = [0, {num_shards}), got {shard}")
    uni = np.asarray(_scalar(unigrams), np.float64).ravel()
    has_file, has_list = bool(vocab_file), uni.size > 0
    if has_file == has_list:
        raise ValueError(f"{op}: pass exactly one of vocab_file and unigrams (got "
                         f"{'both' if has_file else 'neither'})")
    raw = np.asarray(_read_vocab(vocab_file, op) if has_file else uni, np.float32)
    if not np.isfinite(raw).all() or (raw < 0).any():
        raise ValueError(f"{op}: the unigram weights must be finite and non-negative")
    w = [0.0] * sum(1 for i in range(num_reserved_ids) if i % num_shards == shard)
    start = len(w)  # TensorFlow numbers the unigrams from the count of reserved ids kept
    with np.errstate(divide="ignore"):
        w += [float(np.power(v, np.float32(distortion))) for i, v in enumerate(raw, start)
              if i % num_shards == shard]
    weights = np.asarray(w, np.float64)
    if weights.size != range_max:
        raise ValueError(f"{op}: range_max is {range_max} but there are {weights.size} weights (reserved "
                         "ids plus unigrams of this shard); they must be equal")
    total = weights.sum()
    if not total > 0:
        raise ValueError(f"{op}: the unigram weights must have a positive sum")
    probs = (weights / total).astype(np.float32)

    def prob(v):
        v = np.asarray(v)
        return np.where((v >= 0) & (v < range_max), probs[np.clip(v, 0, range_max - 1)], 0.0)

    return _candidates(op, _stateful_rng(seed), true, num_sampled, unique, range_max, _weighted(weights),
                       prob, int((weights > 0).sum()))


def learned_unigram_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, range_max: int,
                                      seed: int | None = None, name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Sample classes from a unigram distribution learned from the true classes seen so far:
    ``(sampled_candidates, true_expected_count, sampled_expected_count)`` as in TensorFlow.

    Every class starts with weight 1 and gains 1 each time it appears in ``true_classes`` (after
    the call has sampled). The weights live with the op's random stream, as a TensorFlow op's
    kernel does in eager mode: calls with the same ``seed`` (and the same ``num_true``,
    ``num_sampled``, ``unique`` and ``range_max``) keep learning one distribution, as do calls
    with no seed at all while no global seed is set; a call without ``seed`` under a global seed
    starts from the uniform weights. :func:`~gradtape.random.set_seed` resets them all.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.learned_unigram_candidate_sampler([[3]], 1, 2, False, 4, seed=5)
    >>> t.numpy().tolist()  # the first call samples from the uniform weights
    [[0.5]]
    >>> s, t, e = gt.random.learned_unigram_candidate_sampler([[3]], 1, 2, False, 4, seed=5)
    >>> t.numpy().tolist()  # class 3 now has weight 2 of 5
    [[0.800000011920929]]
    """
    op = "learned_unigram_candidate_sampler"
    true, num_sampled, unique, range_max = _sampler_args(op, true_classes, num_true, num_sampled, unique,
                                                         range_max)
    if range_max >= 2 ** 31 - 1:
        raise ValueError(f"{op}: range_max must be less than 2**31 - 1, got {range_max}")
    g = _state.global_seed
    gen = _stateful_rng(seed)
    weights = None
    if seed is not None or g is None:
        key = ("learned_unigram", _DEFAULT_GLOBAL_SEED if g is None and seed is not None else g,
               None if seed is None else int(_scalar(seed)), int(true.shape[1]), num_sampled, unique, range_max)
        weights = _state.streams.get(key)
        if weights is None:
            weights = _state.streams[key] = np.ones(range_max, np.float64)
    if weights is None:
        weights = np.ones(range_max, np.float64)
    total = weights.sum()
    out = _candidates(op, gen, true, num_sampled, unique, range_max, _weighted(weights),
                      lambda v: (weights[np.asarray(v)] / total).astype(np.float32), range_max)
    np.add.at(weights, true.ravel(), 1.0)
    return out


def all_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, seed: int | None = None,
                          name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """All classes ``[0, num_sampled)`` with expected counts 1, as TensorFlow's
    ``all_candidate_sampler`` (for testing: the full softmax). ``unique`` is ignored.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.all_candidate_sampler([[0, 2]], 2, 3, True)
    >>> s.numpy().tolist(), t.numpy().tolist(), e.numpy().tolist()
    ([0, 1, 2], [[1.0, 1.0]], [1.0, 1.0, 1.0])
    """
    op = "all_candidate_sampler"
    true = _true_classes(true_classes, num_true, op)
    num_sampled = _count(num_sampled, op, "num_sampled")
    _check_range(op, true, num_sampled)
    _stateful_rng(seed)  # takes an op seed like any random op, so the ops after it keep their seeds
    return (wrap(np.arange(num_sampled, dtype=np.int64)), wrap(np.ones(true.shape, np.float32)),
            wrap(np.ones(num_sampled, np.float32)))


__all__ = ["uniform_candidate_sampler", "log_uniform_candidate_sampler", "fixed_unigram_candidate_sampler",
           "learned_unigram_candidate_sampler", "all_candidate_sampler"]

"""A character n-gram language model with interpolated Kneser-Ney smoothing: the counting baseline.

Dimension letters: V vocabulary size, N length of a text (of ids), n order (the model predicts a
character from the n - 1 characters before it).

The probability of character ``w`` after a context ``h`` of k - 1 characters mixes a discounted
count with the estimate from the context one character shorter, ``h'`` (Chen & Goodman 1998)::

    P_k(w | h) = max(c(h w) - D_k, 0) / c(h .)  +  D_k * N1+(h .) / c(h .) * P_{k-1}(w | h')

where ``c(h .)`` is the sum of the counts after ``h`` and ``N1+(h .)`` the number of distinct
characters seen after it. The highest order uses raw counts; every lower order uses continuation
counts (``c(h w)`` = the number of distinct characters seen just before ``h w``). A context never
seen passes the lower estimate through unchanged, and below order 1 sits the uniform distribution
``1 / V``, so every character of the vocabulary always has a probability above zero.

Counts live in sorted int64 arrays of base-V codes: the k-gram ``x_1 ... x_k`` is the integer
``x_1 V^(k-1) + ... + x_k``, looked up with ``np.searchsorted``. This needs ``V ** order < 2 ** 63``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["NGramModel"]

DEFAULT_DISCOUNT = 0.75  # used when the counts cannot estimate one (no k-gram seen exactly once)


@dataclass(frozen=True)
class _Level:
    """Counts of one order k: k-gram codes, their counts, and per-context totals."""

    grams: np.ndarray  # (G,) sorted codes of the k-grams with a nonzero count
    counts: np.ndarray  # (G,) raw counts (highest order) or continuation counts (lower orders)
    contexts: np.ndarray  # (C,) sorted codes of the (k-1)-character contexts
    totals: np.ndarray  # (C,) c(h .), the sum of counts after each context
    types: np.ndarray  # (C,) N1+(h .), the number of distinct characters after each context
    discount: float


def _check_ids(ids, vocab_size: int, what: str) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be a 1-D sequence of character ids, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{what} must contain integer ids (use CharVocab.encode), got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= vocab_size):
        bad = int(arr[(arr < 0) | (arr >= vocab_size)][0])
        raise ValueError(
            f"{what} contains the id {bad}, outside the vocabulary (valid ids are "
            f"0..{vocab_size - 1}); encode the text with the vocabulary of the model"
        )
    return arr


def _lookup(sorted_keys: np.ndarray, keys: np.ndarray):
    """Index of each key in ``sorted_keys`` and whether it is there: two arrays shaped like ``keys``."""
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, np.int64), np.zeros(keys.shape, bool)
    j = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return j, sorted_keys[j] == keys


def _unique_counts(codes: np.ndarray):
    """Sorted distinct values of ``codes`` (M,) and how often each occurs (a sort; faster than np.unique)."""
    s = np.sort(codes)
    first = np.flatnonzero(np.r_[True, s[1:] != s[:-1]]) if s.size else np.zeros(0, np.int64)
    return s[first], np.diff(np.r_[first, s.size]).astype(np.int64)


def _estimate_discount(counts: np.ndarray) -> float:
    """D = n1 / (n1 + 2 n2), with n1 and n2 the numbers of k-grams counted once and twice."""
    n1, n2 = int(np.sum(counts == 1)), int(np.sum(counts == 2))
    return n1 / (n1 + 2 * n2) if n1 > 0 else DEFAULT_DISCOUNT


def _make_level(grams: np.ndarray, counts: np.ndarray, V: int, discount) -> _Level:
    ctx = grams // V  # grams are sorted, so equal contexts sit next to each other
    starts = np.flatnonzero(np.r_[True, ctx[1:] != ctx[:-1]]) if ctx.size else np.zeros(0, np.int64)
    totals = np.add.reduceat(counts, starts) if ctx.size else np.zeros(0, np.int64)
    types = np.diff(np.r_[starts, ctx.size])
    D = _estimate_discount(counts) if discount is None else discount
    return _Level(grams, counts, ctx[starts], totals, types, float(D))


class NGramModel:
    """Interpolated Kneser-Ney character n-gram model; build it with :meth:`fit`.

    Attributes
    ----------
    order : int
        n: each character is predicted from up to n - 1 preceding characters.
    vocab_size : int
        V.
    discounts : tuple of float, length n
        ``discounts[k - 1]`` is the absolute discount D_k of order k.
    """

    def __init__(self, levels: list, order: int, vocab_size: int):
        self._levels = levels  # levels[k - 1] holds order k
        self.order = order
        self.vocab_size = vocab_size
        self.discounts = tuple(level.discount for level in levels)

    # ------------------------------------------------------------------ fitting
    @classmethod
    def fit(cls, ids, order: int, vocab_size: int, discount=None) -> NGramModel:
        """Count the k-grams (k = 1 .. order) of a training text.

        Parameters
        ----------
        ids : int array, shape (N,)
            The training text as ids in ``0 .. vocab_size - 1`` (``CharVocab.encode``).
        order : int >= 1
        vocab_size : int >= 1
            V, including characters that never occur in ``ids``: they get a small probability.
        discount : None, float in (0, 1], or sequence of ``order`` such floats
            None estimates D_k = n1 / (n1 + 2 n2) per order from the counts (0.75 when no k-gram
            is counted exactly once); a float is used at every order; a sequence gives D_1 .. D_n.

        Returns
        -------
        NGramModel
        """
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
            raise ValueError(f"order must be an integer >= 1 (1 = unigram, 2 = bigram, ...), got {order!r}")
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, (int, np.integer)) or vocab_size < 1:
            raise ValueError(f"vocab_size must be a positive integer (len(vocab)), got {vocab_size!r}")
        order, V = int(order), int(vocab_size)
        if V**order >= 2**63:
            raise ValueError(
                f"order {order} with a {V}-character vocabulary does not fit the int64 codes "
                f"(V ** order must be below 2 ** 63): use order <= {int(62 / math.log2(max(V, 2)))}"
            )
        ids = _check_ids(ids, V, "ids")
        if ids.size == 0:
            raise ValueError("cannot fit an n-gram model to an empty text: give at least one character id")
        discounts = cls._check_discount(discount, order)

        levels = [None] * order
        codes = ids  # codes of the k-grams at every position, k = 1 first
        for k in range(1, order + 1):
            if k > 1:
                codes = codes[:-1] * V + ids[k - 1 :]
            grams, counts = _unique_counts(codes)
            if k == order:  # raw counts at the highest order
                levels[k - 1] = _make_level(grams, counts, V, discounts[k - 1])
            if k > 1:  # continuation counts of order k - 1: distinct left neighbours of each (k-1)-gram
                suffixes, cont = _unique_counts(grams % V ** (k - 1))
                levels[k - 2] = _make_level(suffixes, cont, V, discounts[k - 2])
        return cls(levels, order, V)

    def with_discount(self, discount) -> NGramModel:
        """The same counts with other discounts, without counting again (the arrays are shared).

        Parameters
        ----------
        discount : None, float in (0, 1], or sequence of ``order`` such floats
            As in :meth:`fit`; None estimates them from the counts.
        """
        discounts = self._check_discount(discount, self.order)
        levels = [
            _Level(
                lv.grams, lv.counts, lv.contexts, lv.totals, lv.types, _estimate_discount(lv.counts) if D is None else D
            )
            for lv, D in zip(self._levels, discounts)
        ]
        return NGramModel(levels, self.order, self.vocab_size)

    @staticmethod
    def _check_discount(discount, order: int) -> list:
        if discount is None:
            return [None] * order
        values = [discount] * order if np.ndim(discount) == 0 else list(discount)
        if len(values) != order:
            raise ValueError(f"give one discount per order (D_1 .. D_{order}), got {len(values)} values")
        for d in values:
            if isinstance(d, bool) or not isinstance(d, (int, float, np.number)) or not 0 < d <= 1:
                raise ValueError(f"a discount must be a number in (0, 1] (None estimates it), got {d!r}")
        return [float(d) for d in values]

    # ------------------------------------------------------------------ probabilities
    def _interpolate(self, k: int, ctx: np.ndarray, nxt: np.ndarray, p_lower: np.ndarray) -> np.ndarray:
        """P_k(next | context) from P_{k-1}; ctx (M,) codes of k-1 characters, nxt and p_lower (M,)."""
        level, V = self._levels[k - 1], self.vocab_size
        j, found = _lookup(level.grams, ctx * V + nxt)
        c = np.where(found, level.counts[j] if level.counts.size else 0, 0)
        i, seen = _lookup(level.contexts, ctx)
        if not seen.any():
            return p_lower
        total, types = level.totals[i], level.types[i]
        D = level.discount
        p = (np.maximum(c - D, 0.0) + D * types * p_lower) / np.where(seen, total, 1)
        return np.where(seen, p, p_lower)  # an unseen context: the shorter context decides

    def log_probs(self, ids) -> np.ndarray:
        """Natural log of the probability of each character given up to n - 1 characters before it.

        Parameters
        ----------
        ids : int array, shape (N,)
            A text (typically held out). Character ``i`` is predicted from ``ids[max(0, i-n+1):i]``,
            so the first n - 1 characters use shorter contexts (the first one: none); a shorter
            context starts the recursion at its own order, with that order's continuation counts.

        Returns
        -------
        float64 array, shape (N,), every entry finite (never log 0)
        """
        ids = _check_ids(ids, self.vocab_size, "ids")
        return np.log(self._probs_along(ids, ids))

    def probs_of(self, ids, next_id) -> np.ndarray:
        """Probability of one fixed character at every position of a text, given the characters before.

        ``log_probs`` scores the character that actually comes next; this asks, at each position,
        how likely ``next_id`` would have been there (for example a newline at every column).

        Parameters
        ----------
        ids : int array, shape (N,)
            The text that supplies the contexts: position ``i`` uses ``ids[max(0, i-n+1):i]``.
        next_id : int
            The character id to score, in ``0 .. V - 1``.

        Returns
        -------
        float64 array, shape (N,)
            Entry ``i`` is P(next_id | the up to n - 1 characters before position i).
        """
        ids = _check_ids(ids, self.vocab_size, "ids")
        next_id = _check_ids([next_id], self.vocab_size, "next_id")[0]
        return self._probs_along(ids, np.full(ids.size, next_id, np.int64))

    def _probs_along(self, ids: np.ndarray, nxt: np.ndarray) -> np.ndarray:
        """P(nxt[i] | up to n - 1 ids before position i) for ids and nxt of shape (N,)."""
        V, N = self.vocab_size, ids.size
        p = np.full(N, 1.0 / V)
        ctx = np.zeros(N, np.int64)  # ctx[i]: code of the k-1 characters before position i
        for k in range(1, min(self.order, N) + 1):
            if k > 1:  # prepend the character k - 1 places back (the most significant digit)
                ctx[k - 1 :] += ids[: N - k + 1] * V ** (k - 2)
            p[k - 1 :] = self._interpolate(k, ctx[k - 1 :], nxt[k - 1 :], p[k - 1 :])
        return p

    def context_counts(self, ids) -> np.ndarray:
        """How often the full context of each character of a text occurred in the training text.

        Parameters
        ----------
        ids : int array, shape (N,)

        Returns
        -------
        int64 array, shape (N,)
            Entry ``i`` is c(h .) for the n - 1 characters ``h = ids[i-n+1:i]``: the number of times
            ``h`` was followed by a character in training, 0 if never (then the shorter contexts
            decide). The first n - 1 positions have fewer than n - 1 characters before them: -1.
            For n = 1 the context is empty and every entry is the length of the training text.
        """
        ids = _check_ids(ids, self.vocab_size, "ids")
        n, V, N = self.order, self.vocab_size, ids.size
        out = np.full(N, -1, np.int64)
        if N < n:
            return out
        ctx = np.zeros(N - n + 1, np.int64)  # code of ids[i-n+1:i] for i = n-1 .. N-1
        for j in range(n - 1):
            ctx = ctx * V + ids[j : N - n + 1 + j]
        level = self._levels[-1]
        i, seen = _lookup(level.contexts, ctx)
        out[n - 1 :] = np.where(seen, level.totals[i] if level.totals.size else 0, 0)
        return out

    def log_loss(self, ids) -> float:
        """Mean cross-entropy of a text under the model, in nats per character.

        Parameters
        ----------
        ids : int array, shape (N,), N >= 1
        """
        ids = _check_ids(ids, self.vocab_size, "ids")
        if ids.size == 0:
            raise ValueError("cannot compute the loss of an empty text: give at least one character id")
        return float(-np.mean(self.log_probs(ids)))

    def distribution(self, context=()) -> np.ndarray:
        """Probabilities of every next character after ``context``.

        Parameters
        ----------
        context : int array, shape (L,)
            Preceding ids; only the last n - 1 are used. May be empty.

        Returns
        -------
        float64 array, shape (V,), summing to 1, every entry > 0
        """
        context = _check_ids(context, self.vocab_size, "context")
        V = self.vocab_size
        h = context[max(0, context.size - (self.order - 1)) :] if self.order > 1 else context[:0]
        nxt = np.arange(V)
        p = np.full(V, 1.0 / V)
        code = 0
        for k in range(1, h.size + 2):
            if k > 1:
                code += int(h[h.size - k + 1]) * V ** (k - 2)
            p = self._interpolate(k, np.full(V, code, np.int64), nxt, p)
        return p

    def prob(self, context, next_id) -> float:
        """Probability of the character ``next_id`` after the ids ``context`` (shape (L,))."""
        next_id = _check_ids([next_id], self.vocab_size, "next_id")[0]
        return float(self.distribution(context)[next_id])

    # ------------------------------------------------------------------ generating
    def sample(self, length: int, rng: np.random.Generator, prime_ids=()) -> np.ndarray:
        """Ids of ``length`` characters drawn one at a time after ``prime_ids`` (not included).

        Each draw uses one ``rng.random()`` and the inverse CDF, as :func:`rnn_lib.sample_ids`
        does, so the same seed feeds both models the same uniform numbers.

        Parameters
        ----------
        length : int >= 0
        rng : numpy.random.Generator
        prime_ids : int array, shape (L,)

        Returns
        -------
        int64 array, shape (length,)
        """
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
            raise ValueError(f"length must be a non-negative integer, got {length!r}")
        history = list(_check_ids(prime_ids, self.vocab_size, "prime_ids").tolist())
        out = np.empty(length, np.int64)
        keep = self.order - 1
        for t in range(length):
            c = np.cumsum(self.distribution(history[-keep:] if keep else []))
            out[t] = min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), self.vocab_size - 1)
            history.append(int(out[t]))
        return out

    # ------------------------------------------------------------------ size
    @property
    def n_contexts(self) -> int:
        """Distinct contexts of n - 1 characters seen in training (the highest order)."""
        return int(self._levels[-1].contexts.size)

    @property
    def n_counts(self) -> int:
        """Stored numbers: one count per distinct k-gram plus a total and a type count per context,
        over all orders. The count model's analogue of a parameter count."""
        return int(sum(lv.grams.size + 2 * lv.contexts.size for lv in self._levels))

    def __repr__(self) -> str:
        return (
            f"NGramModel(order={self.order}, vocab_size={self.vocab_size}, "
            f"{self.n_contexts:,} contexts, {self.n_counts:,} stored counts)"
        )

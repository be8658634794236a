"""Generating text: feed the model one character, draw the next from its distribution, repeat.

Dimension letters: V vocabulary size, H hidden size.
"""

from __future__ import annotations

import numpy as np

from .cells import cell_of
from .vocab import CharVocab

__all__ = ["next_char_distribution", "next_char_probs", "sample_ids", "iter_sample_ids", "sample", "iter_sample"]


def next_char_distribution(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """softmax(logits / temperature), computed stably; ``temperature=0`` puts all mass on the argmax.

    Parameters
    ----------
    logits : array, shape (V,)
    temperature : float >= 0
        Below 1 sharpens the distribution (safer, more repetitive text), above 1 flattens it. Any
        value is defined: as it goes to 0 the distribution becomes the argmax (shared by ties).

    Raises ``ValueError`` if a logit is NaN (a model whose parameters are not finite).
    """
    logits = np.asarray(logits, dtype=np.float64)
    if np.isnan(logits).any():
        raise ValueError(
            "the model's output is NaN: its parameters are not finite numbers "
            "(a diverged or damaged model); sample from a model that trained normally"
        )
    top = logits.max()
    if temperature == 0 or top == np.inf:  # an infinite logit wins as at temperature 0
        p = np.zeros_like(logits)
        p[np.argmax(logits)] = 1.0
        return p
    with np.errstate(over="ignore"):  # overflows give inf or -inf, handled below
        z = logits / temperature
        if np.isfinite(z).all():
            z -= z.max()  # may overflow to -inf only: p = 0, as it should be
    if not np.isfinite(z).all():
        # a tiny temperature overflowed the division: shift first, so the differences (<= 0) divided
        # give -inf (p = 0) or 0 (the maximum, p = 1), never inf - inf = NaN
        with np.errstate(over="ignore", invalid="ignore"):
            z = (logits - top) / temperature
        z[np.isnan(z)] = -np.inf  # -inf logits minus a finite top stay -inf
    p = np.exp(z)
    return p / p.sum()


def next_char_probs(params: dict, vocab: CharVocab, prefix: str, temperature: float = 1.0, hprev=None):
    """The model's distribution over the character that follows ``prefix``, shape (V,).

    Parameters
    ----------
    params : dict
    vocab : CharVocab
    prefix : str
        Fed through the network first (may be empty: then the distribution comes from ``hprev``).
    temperature : float
    hprev : array, shape (S, 1), optional
        Starting state (zeros if omitted).
    """
    _check_temperature(temperature)
    model, _ = cell_of(params)
    h = model.initial_state(params, 1) if hprev is None else np.asarray(hprev)
    if prefix:
        try:
            ids = vocab.encode(prefix)
        except ValueError as exc:
            raise ValueError(f"cannot use the prefix {prefix!r}: {exc}") from None
        h = model.forward(params, ids, h)["h_last"]
    return next_char_distribution(model.output_logits(params, h)[:, 0], temperature)


def _check_temperature(temperature):
    if not (isinstance(temperature, (int, float, np.floating)) and np.isfinite(temperature) and temperature >= 0):
        raise ValueError(f"temperature must be a finite number >= 0 (0 means greedy), got {temperature!r}")


def sample_ids(
    params: dict, seed_ids, length: int, rng: np.random.Generator, temperature: float = 1.0, hprev=None, model=None
):
    """Ids of ``length`` characters generated after feeding ``seed_ids`` (all at once; see
    :func:`iter_sample_ids` for one at a time).

    Parameters
    ----------
    params : dict
    seed_ids : int array, shape (N,)
        Fed through the network first (may be empty).
    length : int
    rng : numpy.random.Generator
    temperature : float
    hprev : array, shape (H, 1), optional
        Starting hidden state (zeros if omitted); (S, 1) for cells with a larger state.
    model : cell module, optional
        Which cell the parameters belong to (found from their names if omitted).

    Returns
    -------
    ids : int array, shape (length,)
    h : array, shape (H, 1)
        The hidden state after the last generated character has been fed in.
    """
    if not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(f"length must be a non-negative integer, got {length!r}")
    out = np.empty(length, dtype=np.int64)
    state = {}
    for i, ix in enumerate(iter_sample_ids(params, seed_ids, length, rng, temperature, hprev, model, state)):
        out[i] = ix
    return out, state["h"]


def iter_sample_ids(
    params: dict,
    seed_ids,
    length: int,
    rng: np.random.Generator,
    temperature: float = 1.0,
    hprev=None,
    model=None,
    state: dict | None = None,
):
    """Yield the ids of :func:`sample_ids` one by one, as they are generated (the same ids for a seed).

    ``state``, if given, holds the hidden state after the last id yielded under key ``"h"``.
    """
    if model is None:
        model, _ = cell_of(params)
    _check_temperature(temperature)
    if not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(f"length must be a non-negative integer, got {length!r}")
    state = {} if state is None else state
    h = model.initial_state(params, 1) if hprev is None else np.asarray(hprev)
    seed_ids = np.asarray(seed_ids, dtype=np.int64)
    if seed_ids.size:
        h = model.forward(params, seed_ids, h)["h_last"]
    state["h"] = h
    one = np.empty(1, dtype=np.int64)
    for _ in range(length):
        # the distribution of the next character comes from the current state: y = Why h + by
        p = next_char_distribution(model.output_logits(params, h)[:, 0], temperature)
        # inverse-CDF draw: one uniform number per character, so a seed gives the same text
        one[0] = min(int(np.searchsorted(np.cumsum(p), rng.random() * p.sum(), side="right")), len(p) - 1)
        h = model.forward(params, one, h)["h_last"]
        state["h"] = h
        yield int(one[0])


def sample(
    params: dict,
    vocab: CharVocab,
    length: int,
    rng: np.random.Generator,
    prime: str = "",
    temperature: float = 1.0,
    hprev=None,
    model=None,
) -> str:
    """Generate ``length`` characters of text (the continuation only, without ``prime``).

    Parameters
    ----------
    params : dict
        A trained (or untrained) model.
    vocab : CharVocab
        The vocabulary the model was trained with.
    length : int
    rng : numpy.random.Generator
        The same seed gives the same text.
    prime : str
        Text fed in first, to set the hidden state ("ROMEO:"). Every character must be in the
        vocabulary. Empty: the first character is drawn from the starting state alone.
    temperature : float
        1 samples the model's distribution; below 1 is more conservative; 0 is greedy (argmax).
    hprev : array, shape (H, 1), optional
    model : cell module, optional
        Which cell the parameters belong to (found from their names if omitted).
    """
    return "".join(iter_sample(params, vocab, length, rng, prime, temperature, hprev, model))


def iter_sample(
    params: dict,
    vocab: CharVocab,
    length: int,
    rng: np.random.Generator,
    prime: str = "",
    temperature: float = 1.0,
    hprev=None,
    model=None,
):
    """Yield the characters of :func:`sample` one by one, as they are generated (for streaming)."""
    if model is None:
        model, _ = cell_of(params)
    n_out = model.output_logits(params, model.initial_state(params, 1)).shape[0]
    if len(vocab) != n_out:
        raise ValueError(
            f"the vocabulary has {len(vocab)} characters but the model outputs "
            f"{n_out}: use the vocabulary the model was trained with"
        )
    try:
        seed_ids = vocab.encode(prime)
    except ValueError as exc:
        raise ValueError(f"cannot prime with {prime!r}: {exc}") from None
    for ix in iter_sample_ids(params, seed_ids, length, rng, temperature=temperature, hprev=hprev, model=model):
        yield vocab.chars[ix]

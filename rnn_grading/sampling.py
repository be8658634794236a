"""Hidden-test checkers for notebook 07: sampling with a temperature, and the generation loop.

Each exercise's test cell has two parts, checked with ``part=``:

- :func:`check_sample_with_temperature`: ``"temperature 0 and the seed"`` (the argmax at 0, the
  logits left alone, ``rng`` the only randomness) and ``"frequencies"`` (many draws against
  softmax(y / T));
- :func:`check_sample_text`: ``"the loop"`` (from the zero state: the state carried from step to
  step, each drawn character fed back, the temperature and ``rng`` handed on) and ``"the prime"``
  (the prime read first, the first id predicted after its last character).

``sample_text`` draws with the student's ``sample_with_temperature``, called by name from the
notebook's globals. While :func:`check_sample_text` runs it, that name is bound to a correct sampler
(:func:`_right_sampler`), so only ``sample_text``'s own mistakes cost its points.
"""

from __future__ import annotations

import warnings

import numpy as np

from .common import (
    _call,
    _softmax,
    libraries_off,
    next_char_distribution,
    plumbing,
)

#: The parts of each exercise's test cell, in order.
TEMPERATURE_PARTS = ("temperature 0 and the seed", "frequencies")
SAMPLE_TEXT_PARTS = ("the loop", "the prime")

#: Mistakes :func:`check_sample_with_temperature` recognises: each maps (logits, temperature) to the
#: distribution the wrong sampler draws from, with its message.
TEMPERATURE_MISTAKES = {
    "no_temperature": (
        lambda y, T: _softmax(y),
        "the temperature has no effect on your draws: divide the logits by the temperature "
        "before the softmax, softmax(y / temperature). (Dividing the probabilities by it and "
        "normalising again changes nothing.)",
    ),
    "on_probabilities": (
        lambda y, T: _softmax(_softmax(y) / T),
        "you applied the temperature to the probabilities, softmax(p / temperature): apply "
        "it to the logits, softmax(y / temperature).",
    ),
    "multiplied": (
        lambda y, T: _softmax(y * T),
        "you multiplied the logits by the temperature: divide them, softmax(y / temperature). "
        "A low temperature must make the most likely character more likely.",
    ),
    "greedy": (
        lambda y, T: np.eye(len(y))[np.argmax(y)],
        "you always return the most likely character: above temperature 0, draw at random from "
        "p = softmax(y / temperature) with rng.",
    ),
    "uniform": (
        lambda y, T: np.full(len(y), 1 / len(y)),
        "every character comes out about equally often: draw from p, e.g. the first k with "
        "cumsum(p)[k] > rng.random().",
    ),
    "off_by_one": (
        lambda y, T: np.roll(_softmax(y / T), -1),
        "your draws are shifted by one character: the id drawn is the first k with "
        "cumsum(p)[k] > u, np.searchsorted(np.cumsum(p), u, side='right').",
    ),
}


def _draw_many(fn, y, temperature, rng, n):
    """Ids from ``n`` calls of ``fn``, each checked to be an int in range."""
    out = np.empty(n, dtype=np.int64)
    V = len(y)
    with libraries_off():  # once for all n calls
        _fill_draws(fn, y, temperature, rng, out, V)
    return out


@plumbing
def _fill_draws(fn, y, temperature, rng, out, V):
    for i in range(len(out)):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            ix = _call(
                fn,
                y.copy(),
                temperature,
                rng,
                hint="fn(y, temperature, rng) gets the logits y, shape (V,), a float and a Generator.",
            )
        if isinstance(ix, np.ndarray) and ix.ndim == 0:
            ix = ix.item()
        if not isinstance(ix, (int, np.integer)) or isinstance(ix, bool) or not 0 <= ix < V:
            raise AssertionError(
                f"return one character id, an int from 0 to V - 1 = {V - 1}; got {ix!r} (at temperature {temperature})"
            )
        out[i] = ix
    return out


def check_sample_with_temperature(
    fn,
    seed: int = 0,
    V: int = 6,
    temperatures=(0.5, 2.0),
    scale: float = 2.0,
    draws: int = 4000,
    part: str | None = None,
) -> None:
    """Check ``fn(y, temperature, rng)``: one character id drawn from softmax(y / temperature).

    Parameters
    ----------
    fn : callable
        ``fn(y, temperature, rng) -> int`` with ``y`` the logits, shape (V,), ``temperature >= 0``
        (0: greedy, the argmax) and ``rng`` a ``numpy.random.Generator``, the only source of randomness.
    seed : int
        Seeds the logits and the generators handed to ``fn``.
    V : int
    temperatures : sequence of float > 0
        Each is checked with ``draws`` calls: the frequencies of the ids must match
        ``rnn_lib.next_char_distribution(y, temperature)`` in total variation distance, to within
        0.03 plus 1.5 times the sum of the frequencies' standard deviations (a correct sampler's
        distance is about 0.4 times that sum).
    scale : float
        The logits are a shuffled even spread over [-scale, scale] plus a little noise: a large
        scale (e.g. 1000) checks that the softmax cannot overflow.
    draws : int
    part : str, optional
        ``"temperature 0 and the seed"``: the logits are left unchanged, temperature 0 gives the
        argmax, the same seed gives the same ids and ``rng`` is the only randomness.
        ``"frequencies"``: the frequencies at each temperature. None: both.

    Raises
    ------
    AssertionError
        With feedback, when ``fn`` ignores ``rng``, changes ``y``, returns something other than an
        id, or draws from the wrong distribution; also when temperature 0 is not the argmax.
    """
    if part not in (None, *TEMPERATURE_PARTS):
        raise ValueError(f"part must be one of {TEMPERATURE_PARTS}, got {part!r}")
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.linspace(-scale, scale, V)) + rng.normal(0, 0.05 * scale / V, V)
    if part != "frequencies":
        _check_greedy_and_seed(fn, y, seed, temperatures)
    if part != "temperature 0 and the seed":
        _check_frequencies(fn, y, seed, temperatures, draws)


def _check_greedy_and_seed(fn, y, seed, temperatures):
    for temperature in (0, 1.0, *temperatures):
        y_given = y.copy()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            _call(fn, y_given, temperature, np.random.default_rng(0))
        if not np.array_equal(y_given, y):
            raise AssertionError(
                f"your function changed the logits y it was given (at temperature {temperature}): "
                "write y / temperature (a new array), not y /= temperature."
            )
    greedy = _draw_many(fn, y, 0, np.random.default_rng(seed), 5)
    if np.any(greedy != np.argmax(y)):
        raise AssertionError(
            f"at temperature 0 return the most likely character, np.argmax(y) = "
            f"{np.argmax(y)} (greedy decoding); got {greedy.tolist()}. Handle it before "
            f"dividing by the temperature."
        )
    for temperature in temperatures:
        gen = np.random.default_rng(seed + 1)
        state = gen.bit_generator.state
        first = _draw_many(fn, y, temperature, gen, 40)
        if gen.bit_generator.state == state and len(set(first.tolist())) > 1:
            raise AssertionError(
                "your function does not use rng, yet returns different ids: take every "
                "random number from the rng argument (rng.random()), not from np.random, "
                "so that the same seed gives the same text."
            )
        if not np.array_equal(first, _draw_many(fn, y, temperature, np.random.default_rng(seed + 1), 40)):
            raise AssertionError(
                "the same seed gave different ids: take every random number from the rng "
                "argument (rng.random()), never from np.random, so a seed gives the same text."
            )


def _check_frequencies(fn, y, seed, temperatures, draws):
    V = len(y)
    for temperature in temperatures:
        gen = np.random.default_rng(seed + 1)
        counts = np.bincount(_draw_many(fn, y, temperature, gen, draws), minlength=V)
        freq = counts / draws
        expected = next_char_distribution(y, temperature)
        # a correct sampler's distance is about 0.4 * sum of the standard deviations of the frequencies
        tolerance = 0.03 + 1.5 * np.sqrt(expected * (1 - expected) / draws).sum()
        if 0.5 * np.abs(freq - expected).sum() < tolerance:
            continue
        closest, message = None, None
        for dist, msg in TEMPERATURE_MISTAKES.values():
            d = 0.5 * np.abs(freq - dist(y, temperature)).sum()
            if d < tolerance and (closest is None or d < closest):
                closest, message = d, msg
        if message is None and np.abs(y / temperature).max() > 700:
            message = (
                "np.exp overflows above about 709, and these logits / temperature reach "
                f"{np.abs(y / temperature).max():.0f}: subtract the maximum before np.exp "
                "(softmax(z) = softmax(z - z.max()))."
            )
        raise AssertionError(
            f"at temperature {temperature} the ids you draw do not follow softmax(y / temperature).\n"
            + (message + "\n" if message else "")
            + f"logits y                         {np.round(y, 2)}\n"
            f"softmax(y / temperature)         {np.round(expected, 3)}\n"
            f"frequencies in {draws} of your draws {np.round(freq, 3)}"
        )


# ---------------------------------------------------------------------------------------------
# the generation loop


def _draw(p: np.ndarray, rng: np.random.Generator) -> int:
    """Notebook 07's (and rnn_lib's) draw: the first k with cumsum(p)[k] > u, one uniform u."""
    c = np.cumsum(p)
    return min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), len(p) - 1)


def _sample_text(params: dict, prime_ids, n: int, temperature: float, rng, mistake: str | None = None) -> list[int]:
    """The generation loop (read the prime from h = 0, then predict, draw, read the drawn character),
    or the loop with one named mistake of :data:`SAMPLE_TEXT_MISTAKES`."""
    Wxh, Whh, Why, bh, by = (params[k] for k in ("Wxh", "Whh", "Why", "bh", "by"))
    h = np.zeros((Whh.shape[0], 1))
    T = 1.0 if mistake == "no_temperature" and temperature else temperature
    prime = list(prime_ids)
    prime = [] if mistake == "no_prime" else prime[:-1] if mistake == "prime_last_unread" else prime

    def read(h, ix):
        recurrent = 0 if mistake == "no_Whh" else Whh @ h
        return np.tanh(Wxh[:, [ix]] + recurrent + (0 if mistake == "no_bh" else bh))

    for ix in prime:
        h = read(h, ix)
    ids = []
    for _ in range(n):
        y = (Why @ h + (0 if mistake == "no_by" else by))[:, 0]
        p = next_char_distribution(y, T)
        ix = int(np.argmax(p)) if T == 0 or mistake == "greedy" else _draw(p, rng)
        ids.append(ix)
        if mistake != "no_feedback":
            h = read(h, ix)
    return ids


#: Mistakes :func:`check_sample_text` recognises, and what it tells the student.
SAMPLE_TEXT_MISTAKES = {
    "no_prime": "the prime has no effect on your ids: read each id of the prime first, from the zero "
    "state, with the update of the hidden state, and predict the first id from the state after it.",
    "prime_last_unread": "your first id is predicted before the last character of the prime is read: "
    "read every id of the prime, the last one included, then predict.",
    "no_feedback": "the state never changes: after drawing a character, read it with the update of "
    "the hidden state, and predict the next one from the new state.",
    "no_Whh": "the new state must depend on the old one: the update of the hidden state adds W_hh "
    "times the current state. Without it the model only remembers the last character.",
    "no_bh": "the update of the hidden state needs its bias b_h.",
    "no_by": "the logits need the output bias: y = W_hy h + b_y.",
    "no_temperature": "the temperature has no effect: hand it on to sample_with_temperature.",
    "greedy": "you always take the most likely character: above temperature 0 draw at random, "
    "with sample_with_temperature(y, temperature, rng).",
}

#: Which mistakes each part looks for.
_LOOP_MISTAKES = ("greedy", "no_temperature", "no_feedback", "no_Whh", "no_bh", "no_by")
_PART_MISTAKES = {"the loop": _LOOP_MISTAKES, "the prime": ("no_prime", "prime_last_unread", *_LOOP_MISTAKES)}


@plumbing
def _right_sampler(y, temperature, rng):
    """A correct sample_with_temperature (notebook 07's draw: one rng.random() per id), numpy only;
    it stands in for the student's while their sample_text is checked."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if temperature == 0:
        return int(np.argmax(y))
    z = y / temperature
    e = np.exp(z - z.max())
    c = np.cumsum(e / e.sum())
    return min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), len(c) - 1)


def _random_model(rng: np.random.Generator, V: int, H: int) -> tuple[dict, np.ndarray]:
    """A small float64 RNN with weights large enough that every term of the step matters, and a state."""
    params = {
        "Wxh": rng.normal(0, 1.0, (H, V)),
        "Whh": rng.normal(0, 1.2 / np.sqrt(H), (H, H)),
        "Why": rng.normal(0, 1.5, (V, H)),
        "bh": rng.normal(0, 0.5, (H, 1)),
        "by": rng.normal(0, 0.5, (V, 1)),
    }
    return params, np.tanh(rng.normal(0, 1.0, (H, 1)))


@plumbing
def _run(fn, params, prime, n, temperature, rng, what):
    """The student's ids as a list of ints, checked, with a correct sample_with_temperature in place
    of theirs; inputs must stay unchanged."""
    given = {k: v.copy() for k, v in params.items()}
    prime_given = list(prime)
    namespace = getattr(fn, "__globals__", {})
    theirs = namespace.get("sample_with_temperature", _MISSING)
    namespace["sample_with_temperature"] = _right_sampler
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = _call(
                fn,
                given,
                prime_given,
                n,
                temperature,
                rng,
                hint="fn(params, prime_ids, n, temperature, rng): params holds Wxh (H, V), Whh (H, H), "
                "Why (V, H), bh (H, 1), by (V, 1); prime_ids is a list of ids.",
            )
    finally:
        if theirs is _MISSING:
            del namespace["sample_with_temperature"]
        else:
            namespace["sample_with_temperature"] = theirs
    if prime_given != list(prime):
        raise AssertionError(f"{what}: your function changed the prime it was given: only read it.")
    changed = [k for k in params if not np.array_equal(given[k], params[k])]
    if changed:
        raise AssertionError(f"{what}: your function changed params[{changed[0]!r}]: only read the weights.")
    if out is None:
        raise AssertionError(f"{what}: your function returned None: return the list of the n ids drawn.")
    if isinstance(out, tuple):
        raise AssertionError(f"{what}: return only the list of ids (one list of n ints), not a tuple.")
    try:
        ids = np.asarray(out)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: return a list of n ints, got {type(out).__name__}") from None
    V = params["Why"].shape[0]
    if prime and ids.ndim == 1 and len(ids) == n + len(prime):
        raise AssertionError(f"{what}: return the n = {n} generated ids only, without the prime.")
    if ids.shape != (n,) or (n and not np.issubdtype(ids.dtype, np.integer)):
        found = f"shape {ids.shape}" if ids.ndim != 1 else f"{len(ids)} values of type {ids.dtype}"
        raise AssertionError(f"{what}: return a list of n = {n} ints (ids from 0 to V - 1 = {V - 1}); got {found}")
    if ids.min(initial=0) < 0 or ids.max(initial=0) >= V:
        raise AssertionError(f"{what}: every id must be from 0 to V - 1 = {V - 1}; got {ids.tolist()[:12]}")
    return [int(i) for i in ids]


_MISSING = object()


def _explain(got, params, prime, n, temperature, seed, names) -> str | None:
    for name in names:
        if _sample_text(params, prime, n, temperature, np.random.default_rng(seed), name) == got:
            return SAMPLE_TEXT_MISTAKES[name]
    return None


def _replay_z(params, prime, ids, temperature) -> float:
    """How many standard deviations the mean of p_t[ids[t]], along the student's own ids, lies from
    its expectation under softmax(y_t / temperature): near 0 for a right sampler."""
    Wxh, Whh, Why, bh, by = (params[k] for k in ("Wxh", "Whh", "Why", "bh", "by"))
    h = np.zeros((Whh.shape[0], 1))
    for ix in prime:
        h = np.tanh(Wxh[:, [ix]] + Whh @ h + bh)
    picked, mean, var = [], [], []
    for ix in ids:
        p = next_char_distribution((Why @ h + by)[:, 0], temperature)
        picked.append(p[ix])
        mean.append((p**2).sum())
        var.append((p**3).sum() - (p**2).sum() ** 2)
        h = np.tanh(Wxh[:, [ix]] + Whh @ h + bh)
    return float((np.sum(picked) - np.sum(mean)) / np.sqrt(max(np.sum(var), 1e-12)))


def check_sample_text(
    fn, seed: int = 0, V: int = 5, H: int = 4, n: int = 40, temperatures=(0.7, 1.5), part: str | None = None
) -> None:
    """Check ``fn(params, prime_ids, n, temperature, rng)``: n character ids generated after a prime.

    From ``h = 0``, each id of the prime is read, ``h = tanh(Wxh[:, [ix]] + Whh @ h + bh)``; then
    ``n`` times: the logits ``y = Why @ h + by``, one id drawn from softmax(y / T) (the argmax at
    T = 0) with ``sample_with_temperature(y, T, rng)``, then that character read. While ``fn`` runs,
    the name ``sample_with_temperature`` in its globals is a correct sampler (:func:`_right_sampler`,
    one ``rng.random()`` per id), so a mistake of the first exercise costs no points here. Another
    correct way of drawing (without that name) passes too, checked by a statistical test along the
    student's own ids.

    Parameters
    ----------
    fn : callable
        ``fn(params, prime_ids, n, temperature, rng) -> ids``, a list of ``n`` ints; ``params`` holds
        ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1); ``prime_ids``
        a list of ids.
    seed : int
        Seeds the model, the prime and the generators handed to ``fn``.
    V, H, n : int
    temperatures : sequence of float > 0
        Checked after temperature 0, in each part.
    part : str, optional
        ``"the loop"``: an empty prime. ``"the prime"``: primes of 3, 6 and 1 distinct ids
        (fewer if V is smaller). Each: temperature 0
        against the reference loop, id for id; then at each of ``temperatures`` the same seed gives
        the same ids, and the ids follow the model. None: both.

    Raises
    ------
    AssertionError
        With feedback: which mistake the ids match, or the first position where they differ.
    """
    if part not in (None, *SAMPLE_TEXT_PARTS):
        raise ValueError(f"part must be one of {SAMPLE_TEXT_PARTS}, got {part!r}")
    rng = np.random.default_rng(seed)
    params, _ = _random_model(rng, V, H)
    for name in SAMPLE_TEXT_PARTS:
        if part in (None, name):
            primes = [[]] if name == "the loop" else [rng.permutation(V)[:k].tolist() for k in (3, 6, 1)]
            for prime in primes:
                _check_one(fn, params, prime, seed, V, H, n, temperatures, _PART_MISTAKES[name])


def _check_one(fn, params, prime, seed, V, H, n, temperatures, names):
    after = f", after the prime {prime}" if prime else ", with an empty prime"
    what = f"at temperature 0 (V = {V}, H = {H}, n = {n}{after})"
    got = _run(fn, params, prime, n, 0, np.random.default_rng(seed), what)
    expected = _sample_text(params, prime, n, 0, None)
    if got != expected:
        first = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
        message = _explain(got, params, prime, n, 0, seed, [m for m in names if m not in ("greedy", "no_temperature")])
        raise AssertionError(
            f"{what}: your ids differ from the greedy ones from position {first} on.\n"
            + (message + "\n" if message else "")
            + f"expected {expected[:15]}\ngot      {got[:15]}"
        )
    for temperature in temperatures:
        what = f"at temperature {temperature} (V = {V}, H = {H}, n = {n}{after})"
        got = _run(fn, params, prime, n, temperature, np.random.default_rng(seed), what)
        again = _run(fn, params, prime, n, temperature, np.random.default_rng(seed), what)
        if got != again:
            raise AssertionError(
                f"{what}: the same seed gave different ids: take every random number from the rng "
                "argument (through sample_with_temperature), never from np.random."
            )
        if got == _sample_text(params, prime, n, temperature, np.random.default_rng(seed)):
            continue
        message = _explain(got, params, prime, n, temperature, seed, names)
        if message is None:  # another way of drawing? test the ids of a long run against the model
            long_ids = _run(fn, params, prime, 3000, temperature, np.random.default_rng(seed), what)
            z = _replay_z(params, prime, long_ids, temperature)
            if abs(z) < 5:
                continue
            message = (
                "the ids do not follow softmax(y / temperature) along the text: check that each "
                f"step draws from the logits of the current state (statistic {z:+.1f}, a right "
                "sampler gives between -5 and 5)."
            )
        raise AssertionError(f"{what}: your ids are not those of the model.\n{message}\ngot {got[:15]}")

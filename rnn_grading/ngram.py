"""Hidden-test checker for notebook 11: the interpolated Kneser-Ney bigram model, all contexts at once."""

from __future__ import annotations

import numpy as np

from .common import _array, _call, _first_mistake, _is_close, _lib

__all__ = ["check_kn_bigram", "KN_BIGRAM_MISTAKES", "KN_BIGRAM_PARTS"]

#: Mistakes :func:`check_kn_bigram` recognises (a variant of the model each), and what it tells the
#: student. Each belongs to the part of the model ("p1", "seen" or "unseen") it gets wrong.
KN_BIGRAM_MISTAKES = {
    # the unigram level p1
    "raw_unigram": (
        "p1",
        "p1 counts how often each character occurs: the unigram level of Kneser-Ney uses continuation "
        "counts, N1+(. w) = the number of DISTINCT characters seen just before w (nonzero entries of "
        "column w of the bigram counts), and estimates D1 from them.",
    ),
    "p1_without_discount": (
        "p1",
        "p1 is the plain share of the continuation counts, N1+(. w) / sum: it must be discounted and "
        "interpolated with the uniform 1/V, (max(N1+(. w) - D1, 0) + D1 * (number of nonzero N1+) / V) "
        "/ sum, so that characters never seen get a probability above 0.",
    ),
    "p1_D1_from_bigrams": (
        "p1",
        "D1 was estimated from the bigram counts: each level's discount comes from its own counts, so "
        "D1 = n1 / (n1 + 2 n2) over the continuation counts N1+(. w).",
    ),
    "p1_types_V": (
        "p1",
        "the uniform share of p1 uses V where it needs the number of characters with a nonzero "
        "continuation count: the mass freed is D1 times the number of counts that were discounted.",
    ),
    # the rows of contexts followed by something
    "seen_lower_uniform": (
        "seen",
        "the freed mass of each row is shared out uniformly (1/V): interpolated Kneser-Ney shares it "
        "by the lower level, D2 * N1+(h .) / c(h .) * p1[w].",
    ),
    "seen_no_types": (
        "seen",
        "the freed mass is D2 / c(h .) * p1[w]: it must be multiplied by N1+(h .), the number of "
        "distinct characters seen after h, since each of them gave up D2 (the rows do not sum to 1).",
    ),
    "seen_no_max": (
        "seen",
        "characters never seen after h get max(0 - D2, 0) = 0 of their own, not -D2: clip the "
        "discounted counts at 0 (np.maximum(counts - D2, 0)).",
    ),
    "seen_transposed": (
        "seen",
        "P is transposed: row h must hold P(. | h), the distribution of the character that FOLLOWS h, "
        "so count c(h w) at [ids[:-1], ids[1:]] (context first).",
    ),
    "seen_D2_from_continuation": (
        "seen",
        "D2 was estimated from the continuation counts: the bigram level's discount comes from the "
        "bigram counts c(h w) themselves.",
    ),
    "seen_no_discount": (
        "seen",
        "the rows of seen contexts are the maximum likelihood estimate c(h w) / c(h .): subtract D2 "
        "from each nonzero count and hand the freed mass to p1.",
    ),
    # the rows of contexts never followed by a character
    "unseen_uniform": (
        "unseen",
        "a context never followed by a character gets the uniform 1/V: in interpolated Kneser-Ney it "
        "passes the lower level through unchanged, so its row is p1.",
    ),
    "unseen_last_counted": (
        "unseen",
        "the last character of the text was counted as a context, but nothing follows it: c(h .) "
        "counts the positions ids[:-1] only, so a character found only at the end is an unseen "
        "context whose row is p1.",
    ),
}

KN_BIGRAM_PARTS = ("p1", "seen", "unseen")


def _discount(c: np.ndarray) -> float:
    n1, n2 = np.sum(c == 1), np.sum(c == 2)
    return float(n1 / (n1 + 2 * n2))


def _kn_bigram(ids: np.ndarray, V: int, mistake: str | None = None, lower=None):
    """(p1, P) of the interpolated Kneser-Ney bigram model, or the variant with one named mistake.

    ``lower`` replaces p1 as the level P is interpolated with (and the row of an unseen context):
    the parts "seen" and "unseen" are checked against the student's own p1.
    """
    counts = np.zeros((V, V))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)
    if mistake == "seen_transposed":
        counts = counts.T
    cont = (counts > 0).sum(axis=0).astype(float)
    D1, D2 = _discount(cont), _discount(counts)
    if mistake == "raw_unigram":
        cont = np.bincount(ids, minlength=V).astype(float)
        D1 = _discount(cont)
    if mistake == "p1_D1_from_bigrams":
        D1 = D2
    if mistake == "seen_D2_from_continuation":
        D2 = _discount(cont)
    types1 = V if mistake == "p1_types_V" else np.sum(cont > 0)
    p1 = (np.maximum(cont - D1, 0) + D1 * types1 / V) / cont.sum()
    if mistake == "p1_without_discount":
        p1 = cont / cont.sum()
    lower = p1 if lower is None else lower
    total = counts.sum(axis=1, keepdims=True)
    types = (counts > 0).sum(axis=1, keepdims=True)
    share = np.full(V, 1 / V) if mistake == "seen_lower_uniform" else lower
    kept = counts - D2 if mistake == "seen_no_max" else np.maximum(counts - D2, 0)
    P = (kept + D2 * (1 if mistake == "seen_no_types" else types) * share) / np.maximum(total, 1)
    if mistake == "seen_no_discount":
        P = counts / np.maximum(total, 1)
    if mistake == "unseen_last_counted":  # the last id counted as a context, followed by nothing
        total = total + (np.arange(V) == ids[-1])[:, None]
    P = np.where(total > 0, P, np.full(V, 1 / V) if mistake == "unseen_uniform" else lower)
    return p1, P


def _text(rng: np.random.Generator, V: int, N: int) -> np.ndarray:
    """A random text of N ids: ids 0 .. V-4 skewed (a few frequent characters, so that counts of 1
    and 2 both occur), then V-3 once at the end; V-2 and V-1 never occur."""
    used = V - 3
    ids = rng.choice(used, size=N, p=rng.dirichlet(np.full(used, 0.5)))
    ids[-1] = used
    return ids.astype(np.int64)


def _draw(rng: np.random.Generator):
    """(ids, V) of a random text whose continuation and bigram counts both have counts of 1 (so both
    discounts are n1 / (n1 + 2 n2)); its last id occurs nowhere else and some ids never occur, so
    two kinds of contexts are never followed by a character."""
    for _ in range(1000):
        V = int(rng.integers(5, 13))
        ids = _text(rng, V, int(rng.integers(15, 120)))
        counts = np.zeros((V, V))
        np.add.at(counts, (ids[:-1], ids[1:]), 1)
        cont = (counts > 0).sum(axis=0)
        if np.sum(cont == 1) and np.sum(counts == 1) and np.any(counts.sum(axis=1) == 0):
            return ids, V
    raise RuntimeError("no suitable random text drawn")  # pragma: no cover


def check_kn_bigram(fn, seed: int = 0, part: str | None = None) -> None:
    """Check ``fn(ids, V) -> (p1, P)``: the interpolated Kneser-Ney bigram model of notebook 11.

    With ``C[h, w] = c(h w)`` the bigram counts of the text and ``N[w]`` the continuation counts (the
    number of nonzero entries of column w)::

        p1[w]   = (max(N[w] - D1, 0) + D1 * #(N > 0) / V) / sum(N)
        P[h, w] = (max(C[h, w] - D2, 0) + D2 * #(C[h] > 0) * p1[w]) / sum(C[h])   if sum(C[h]) > 0
        P[h]    = p1                                                               otherwise

    with each discount ``D = n1 / (n1 + 2 n2)`` over its level's counts.

    Parameters
    ----------
    fn : callable
        The student's ``kn_bigram(ids, V)``.
    seed : int
        Seeds the random text (its vocabulary size, length and skew).
    part : {"p1", "seen", "unseen"} or None
        Check only ``p1``; only the rows of contexts that are followed by a character (against the
        formula with the student's own p1, so that a wrong p1 does not cost this part); only the rows
        of contexts never followed by one (they must equal the student's p1). None checks all three.

    Raises
    ------
    AssertionError
        With feedback naming the part, the mistake when it is a known one, and where the result differs.
    """
    if part is not None and part not in KN_BIGRAM_PARTS:
        raise ValueError(f"part must be one of {KN_BIGRAM_PARTS} or None, got {part!r}")
    rng = np.random.default_rng(seed)
    ids, V = _draw(rng)
    given = ids.copy()
    out = _call(fn, given, V, hint="kn_bigram(ids, V) gets an int array of shape (N,) and the vocabulary size V.")
    if not np.array_equal(given, ids) and part in (None, "p1"):  # the part "p1" answers for the input
        raise AssertionError("your function changed ids, which it was given: work on new arrays.")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise AssertionError("return two arrays, p1 (V,) and P (V, V): return p1, P")
    p1 = _array(out[0], (V,), "p1")
    P = _array(out[1], (V, V), "P")
    where = f"(a random text of {len(ids)} ids, V = {V}, seed={seed})"
    for name in (part,) if part else KN_BIGRAM_PARTS:
        _check_part(name, p1, P, ids, V, where)


def _check_part(part: str, p1, P, ids, V: int, where: str) -> None:
    ref_p1, _ = _kn_bigram(ids, V)
    seen = np.zeros(V, bool)
    seen[ids[:-1]] = True  # contexts followed by a character
    rows = seen if part == "seen" else ~seen

    def result(p1_, P_):
        return {"p1": p1_} if part == "p1" else {"P": P_[rows]}

    got = result(p1, P)
    # the rows against the formula with the student's own p1: a wrong p1 costs the part "p1" only
    expected = result(*_kn_bigram(ids, V, lower=p1))
    if all(_is_close(got[k], expected[k]) for k in got):
        model = _lib.NGramModel.fit(ids, 2, V)
        if part == "p1" and not _is_close(p1, model.distribution([])):  # pragma: no cover
            raise AssertionError(f"p1 differs from rnn_lib.NGramModel of order 2 {where}")
        if part == "seen" and _is_close(p1, ref_p1):
            lib_P = np.array([model.distribution([h]) for h in range(V)])
            if not _is_close(P[seen], lib_P[seen]):  # pragma: no cover - the formula is the library's
                raise AssertionError(f"P differs from rnn_lib.NGramModel of order 2 {where}")
        return
    variants = {
        name: result(*_kn_bigram(ids, V, mistake=name, lower=None if part == "p1" else p1))
        for name, (mistake_part, _) in KN_BIGRAM_MISTAKES.items()
        if mistake_part == part
    }
    message = _first_mistake(got, variants, {k: m for k, (_, m) in KN_BIGRAM_MISTAKES.items()})
    key = next(iter(got))
    diff = np.abs(got[key] - expected[key])
    worst = np.unravel_index(np.argmax(diff), diff.shape)
    if part == "p1":
        label, at = "p1", f"p1[{worst[0]}] is {got[key][worst]:.6g}, it should be {expected[key][worst]:.6g}"
    else:
        row = int(np.flatnonzero(rows)[worst[0]])
        label = f"the rows of {'seen' if part == 'seen' else 'unseen'} contexts"
        at = f"P[{row}, {worst[1]}] is {got[key][worst]:.6g}, it should be {expected[key][worst]:.6g}"
    if message is None:
        message = {
            "p1": "p1[w] = (max(N1+(. w) - D1, 0) + D1 * (number of w with N1+(. w) > 0) / V) / sum of "
            "N1+, with N1+(. w) the number of distinct characters before w and D1 = n1 / (n1 + 2 n2) "
            "over those counts.",
            "seen": "row h = (max(c(h w) - D2, 0) + D2 * N1+(h .) * p1[w]) / c(h .), with D2 = n1 / (n1 + 2 n2) "
            "over the bigram counts; check which counts each quantity is taken from.",
            "unseen": "a context h with c(h .) = 0 (never followed by a character: absent from the text, or "
            "only its last id) gets p1 as its row.",
        }[part]
    raise AssertionError(f"{label} wrong {where}: {at}.\n{message}")

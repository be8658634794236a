"""Hidden-test checker for notebook 02: the gradient of softmax + cross-entropy.

The exercise's test cell has two parts, and :func:`check_softmax_grad` checks either with
``part=``: ``"uniform logits"`` (all logits equal, where p is uniform and the answer can be
worked out by hand) and ``"random logits"`` (random logits, small and confident models).
"""

from __future__ import annotations

import numpy as np

from .common import (
    _array,
    _call,
    _first_mistake,
    _is_close,
    _numerical_gradient,
    next_char_distribution,
    rel_error,
)

#: The parts of the exercise's test cell, in order.
SOFTMAX_PARTS = ("uniform logits", "random logits")

#: Mistakes :func:`check_softmax_grad` recognises, and what it tells the student.
SOFTMAX_MISTAKES = {
    "no_minus_one": "you returned p = softmax(y) itself: subtract 1 at the target index "
    "(dy[target] -= 1), the gradient is p - onehot(target).",
    "sign": "the sign is flipped: the gradient is p - onehot(target), not onehot(target) - p.",
    "minus_one_everywhere": "you subtracted 1 from every entry: only the target's entry gets the -1 (dy[target] -= 1).",
    "unnormalised": "the probabilities are not normalised: divide np.exp(y) by its sum (softmax) "
    "before subtracting the one-hot vector.",
    "wrong_index": "you subtracted 1 at the most likely character (the argmax): subtract it at the target.",
    "fixed_index": "you subtracted 1 at the same index whatever the target: subtract it at index `target`.",
    "grad_of_p": "that is the gradient of p[target], not of the loss L = -log p[target]: the chain rule "
    "through -log multiplies by -1/p[target], and the result simplifies to p - onehot(target).",
    "log_p": "you returned log p - onehot(target): the gradient uses p itself, p - onehot(target).",
    "over_V": "you divided by V (an average): the gradient of one step's loss is p - onehot(target).",
}


def _inputs(rng: np.random.Generator, part: str | None, V: int, scale: float) -> tuple[np.ndarray, int]:
    """The logits and target of ``part``: equal logits (any offset) or random ones of ``scale``."""
    if part == "uniform logits":
        return np.full(V, float(rng.normal(0.0, 3.0))), int(rng.integers(V))
    if part not in (None, "random logits"):
        raise ValueError(f"part must be one of {SOFTMAX_PARTS}, got {part!r}")
    return rng.normal(0.0, scale, V), int(rng.integers(V))


def check_softmax_grad(fn, seed: int = 0, V: int = 5, scale: float = 2.0, part: str | None = None) -> None:
    """Check ``fn(y, target)``: dL/dy for L = -log softmax(y)[target], the gist's ``dy``.

    Parameters
    ----------
    fn : callable
        ``fn(y, target) -> dy`` with ``y`` the logits, shape (V,), ``target`` an int in 0..V-1 and
        ``dy`` shape (V,).
    seed : int
        Seeds the logits and the target.
    V : int
        Vocabulary size (2 or more).
    scale : float
        Standard deviation of random logits: large values make a confident model.
    part : str, optional
        ``"uniform logits"``: all V logits equal (a random offset), so p = 1/V and dy is
        1/V everywhere but 1/V - 1 at the target. ``"random logits"`` or None: random logits.

    Raises
    ------
    AssertionError
        With feedback, when ``dy`` differs from ``p - onehot(target)`` (``rnn_lib`` and finite
        differences), when ``fn`` changes ``y``, or returns the wrong shape.
    """
    rng = np.random.default_rng(seed)
    y, target = _inputs(rng, part, V, scale)
    y_given = y.copy()
    dy = _call(fn, y_given, target, hint="fn(y, target) gets the logits y, shape (V,), and an int target.")
    if not np.array_equal(y_given, y):
        raise AssertionError(
            "your function changed the logits y it was given: compute p = softmax(y) "
            "(a new array) and change p, never y."
        )
    dy = _array(dy, (V,), "the gradient dy")
    onehot = np.eye(V)[target]
    p = next_char_distribution(y)  # rnn_lib's softmax
    expected = p - onehot
    if _is_close(dy, expected):
        return
    numeric = _numerical_gradient(lambda v: np.log(np.exp(v - v.max()).sum()) + v.max() - v[target], y)
    with np.errstate(over="ignore", divide="ignore"):
        e = np.exp(y)
        variants = {
            "no_minus_one": p,
            "sign": onehot - p,
            "minus_one_everywhere": p - 1,
            "unnormalised": e - onehot,
            "wrong_index": p - np.eye(V)[np.argmax(y)] if np.argmax(y) != target else None,
            "fixed_index": None,
            "grad_of_p": p[target] * (onehot - p),
            "log_p": np.log(p) - onehot,
            "over_V": (p - onehot) / V,
        }
    # a constant index: wrong for this target, but the student's -1 sits at one index only
    minus_one = np.flatnonzero(np.isclose(dy - p, -1.0))
    if len(minus_one) == 1 and minus_one[0] != target and np.allclose(np.delete(dy - p, minus_one), 0):
        variants["fixed_index"] = dy
    got = {"dy": dy}
    message = _first_mistake(got, {k: {"dy": v} for k, v in variants.items() if v is not None}, SOFTMAX_MISTAKES)
    where = "equal logits" if part == "uniform logits" else "logits"
    raise AssertionError(
        f"wrong gradient for {where} {np.round(y, 3)} and target {target} (V = {V}).\n"
        + (message + "\n" if message else "")
        + f"expected p - onehot(target) = {np.round(expected, 4)}\n"
        f"got                          {np.round(dy, 4)}\n"
        f"largest relative error against finite differences: {rel_error(dy, numeric).max():.2e}"
    )

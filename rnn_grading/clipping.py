"""Hidden-test checker for notebook 04: clipping the gradients by their global norm.

``fn(grads, max_norm)`` measures the length of all the gradients together, as one long vector,
``norm = sqrt(sum of every squared entry of every array)``; if it is above ``max_norm`` it
multiplies every array, in place, by ``max_norm / norm`` (the direction is kept, the length
becomes ``max_norm``), otherwise it leaves them as they are; it returns ``norm``, the length
before clipping. The exercise's test cell has two parts, checked with ``part=``: ``"one array"``
and ``"all arrays together"``.
"""

from __future__ import annotations

import numpy as np

from .common import _call, _is_close

#: The parts of the exercise's test cell, in order.
CLIP_PARTS = ("one array", "all arrays together")

_SHAPES = {"Wxh": (4, 5), "Whh": (4, 4), "Why": (5, 4), "bh": (4, 1), "by": (5, 1)}


def _global_norm(grads: dict) -> float:
    return float(np.sqrt(sum(float((g * g).sum()) for g in grads.values())))


def _clipped(grads: dict, max_norm: float, mistake: str | None = None) -> tuple[dict, float]:
    """(the clipped arrays as new arrays, the returned number): right, or with one named mistake."""
    norm = _global_norm(grads)
    if mistake == "per_array":
        out = {k: g * min(1.0, max_norm / max(np.linalg.norm(g), 1e-300)) for k, g in grads.items()}
        return out, norm
    if mistake == "elementwise":
        return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}, norm
    if mistake == "no_sqrt":
        norm = norm**2
    scale = max_norm / norm if norm > max_norm else 1.0
    if mistake == "always_rescaled":
        scale = max_norm / norm
    if mistake == "inverted":
        scale = norm / max_norm if norm > max_norm else 1.0
    out = {k: g * scale for k, g in grads.items()}
    if mistake == "first_array_only":
        first = next(iter(grads))
        out = {k: (out[k] if k == first else g.copy()) for k, g in grads.items()}
    if mistake == "returns_after":
        norm = min(norm, max_norm)
    return out, norm


#: Mistakes :func:`check_clip_by_norm` recognises, and what it tells the student.
CLIP_MISTAKES = {
    "per_array": "you clipped each array by its own norm: the norm to compare with max_norm is the "
    "length of all the arrays together, sqrt of the sum of every squared entry of every array, "
    "and every array is multiplied by the same max_norm / norm.",
    "elementwise": "you clipped each entry to [-max_norm, max_norm] (np.clip), the gist's elementwise "
    "clipping: norm clipping multiplies every array by max_norm / norm instead, which keeps the "
    "direction.",
    "no_sqrt": "the norm is the square root of the sum of the squared entries: you forgot np.sqrt.",
    "always_rescaled": "you rescaled gradients that were already short enough: when norm <= max_norm "
    "leave them unchanged (multiplying by max_norm / norm would make them longer).",
    "inverted": "the factor is upside down: multiply by max_norm / norm (below 1), not norm / max_norm.",
    "first_array_only": "only the first array was clipped: did you `return` inside the loop? Scale every "
    "array of the dict, then return the norm.",
    "returns_after": "return the norm before clipping (the length the gradients had), not after: "
    "the caller logs it to see how often, and how much, clipping happens.",
}


def _case(rng: np.random.Generator, part: str, small: bool, max_norm: float) -> dict:
    """A dict of gradient arrays whose global norm is above max_norm (or below it, if ``small``)."""
    if part == "one array":
        grads = {"W": rng.normal(0.0, 1.0, (3, 4))}
    else:
        grads = {k: rng.normal(0.0, 1.0, s) for k, s in _SHAPES.items()}
    norm = _global_norm(grads)
    if small:
        target = max_norm * rng.uniform(0.3, 0.9)
    elif part == "one array":
        target = max_norm * rng.uniform(3.0, 50.0)
    else:  # above max_norm together, every array below it on its own
        target = max_norm * rng.uniform(1.3, 1.8)
    for g in grads.values():
        g *= target / norm
    return grads


def check_clip_by_norm(fn, seed: int = 0, max_norm: float = 5.0, part: str | None = None) -> None:
    """Check ``fn(grads, max_norm) -> norm``: clip every array of ``grads`` in place by the global norm.

    Parameters
    ----------
    fn : callable
        ``fn(grads, max_norm)`` with ``grads`` a dict of float arrays (any shapes); changes the
        arrays in place and returns the global norm before clipping, a float.
    seed : int
        Seeds the gradients.
    max_norm : float
    part : str, optional
        ``"one array"``: a dict holding one (3, 4) array. ``"all arrays together"`` or None: the
        five arrays of the RNN's gradients, whose norm together is above ``max_norm`` while each
        array's own norm is below it. Each part checks one case above and one below ``max_norm``.

    Raises
    ------
    AssertionError
        With feedback, when the values or the returned norm are wrong, when an array is replaced
        by a new one instead of being changed in place, or when small gradients are changed.
    """
    if part not in (None, *CLIP_PARTS):
        raise ValueError(f"part must be one of {CLIP_PARTS}, got {part!r}")
    part = part or "all arrays together"
    rng = np.random.default_rng(seed)
    for small in (False, True):
        grads = _case(rng, part, small, max_norm)
        original = {k: g.copy() for k, g in grads.items()}
        given = {k: g.copy() for k, g in grads.items()}
        objects = dict(given)  # the arrays the caller holds (the gist's dWxh, ...)
        with np.errstate(all="ignore"):
            returned = _call(
                fn, given, max_norm, hint="fn(grads, max_norm) gets a dict of arrays and a float; it returns the norm."
            )
        norm = _global_norm(original)
        case = (
            f"gradients of norm {norm:.4g}, {'below' if small else 'above'} max_norm = {max_norm:g}"
            f" ({len(original)} array{'s' if len(original) > 1 else ''})"
        )
        if set(given) != set(original):
            raise AssertionError(f"{case}: the dict's keys changed; only change the arrays' values.")
        for k in original:
            if given[k] is not objects[k]:
                raise AssertionError(
                    f"{case}: grads[{k!r}] is a new array: you replaced it (grads[name] = ...) instead of "
                    "changing it in place. Code that holds the old array would not see the change: "
                    "use `*=`, e.g. `g *= max_norm / norm` for each array g of the dict."
                )
        expected, _ = _clipped(original, max_norm)
        got = {k: given[k] for k in original}
        if small:
            changed = [k for k in original if not np.array_equal(got[k], original[k])]
            if changed:
                message = _message(got, returned, original, max_norm, ("always_rescaled", "inverted", "no_sqrt"))
                raise AssertionError(
                    f"{case}: you changed {', '.join(changed)}, but gradients shorter than max_norm must stay "
                    "exactly as they are.\n" + (message or "Multiply only when norm > max_norm.")
                )
        elif all(np.array_equal(got[k], original[k]) for k in original):
            message = _message(got, returned, original, max_norm, ("per_array", "elementwise"))
            raise AssertionError(
                f"{case}: the arrays did not change. "
                + (
                    message
                    or "Did you write `g = g * factor`? That only points the name g at a new array and leaves "
                    "the array in the dict as it was: change it in place with `g *= factor`."
                )
            )
        wrong = [k for k in original if not _is_close(got[k], expected[k])]
        if wrong:
            message = _message(got, returned, original, max_norm, tuple(CLIP_MISTAKES))
            k = wrong[0]
            raise AssertionError(
                f"{case}: wrong values in {', '.join(wrong)}.\n"
                + (message + "\n" if message else "")
                + f"{k}, first entries: expected {np.round(expected[k].ravel()[:4], 5)}, "
                f"got {np.round(got[k].ravel()[:4], 5)}"
            )
        if returned is None:
            raise AssertionError(f"{case}: your function returned None: return the norm before clipping.")
        try:
            value = float(np.asarray(returned, dtype=np.float64))
        except (TypeError, ValueError):
            raise AssertionError(
                f"{case}: return one number, the norm before clipping; got {type(returned).__name__}"
            ) from None
        if not np.isclose(value, norm, rtol=1e-7, atol=0):
            message = _message(got, returned, original, max_norm, ("returns_after", "no_sqrt"))
            raise AssertionError(
                f"{case}: the returned norm is {value:.6g}, it should be {norm:.6g}, the length of all the "
                "gradients together before clipping." + (f"\n{message}" if message else "")
            )


def _message(got: dict, returned, original: dict, max_norm: float, names) -> str | None:
    """The message of the first mistake in ``names`` whose arrays equal ``got`` (the returned norm is
    compared too when the arrays cannot tell the mistakes apart)."""
    for name in names:
        wrong, wrong_norm = _clipped(original, max_norm, name)
        if all(_is_close(got[k], wrong[k]) for k in original):
            same_arrays, _ = _clipped(original, max_norm)
            if all(_is_close(wrong[k], same_arrays[k]) for k in original):  # only the number differs
                try:
                    if not np.isclose(float(returned), wrong_norm, rtol=1e-7, atol=0):
                        continue
                except (TypeError, ValueError):
                    continue
            return CLIP_MISTAKES[name]
    return None

"""Hidden-test checker for notebook 04: the Adam update.

``fn(params, grads, state, learning_rate, beta1, beta2, eps)`` takes one Adam step for every
parameter, in place. ``state`` is ``{"m": {name: array}, "v": {name: array}, "t": int}``: the
running means of the gradient and of its square, shaped like the parameters, and the number of
steps taken so far. For every name, with g the gradient::

    t      <- t + 1                                   (once per call)
    m      <- beta1 * m + (1 - beta1) * g
    v      <- beta2 * v + (1 - beta2) * g**2
    param  <- param - learning_rate * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)

The exercise's test cells have three parts, and :func:`check_adam_update` checks each with
``part=``: ``"first step"`` (one step from a state of zeros), ``"several steps"`` (consecutive
steps from a state that already holds earlier ones) and ``"in place and state"`` (the arrays are
changed, not replaced; ``grads`` is left alone; ``t`` counts the calls). The values are compared
with the instructor's ``rnn_lib.Adam``.
"""

from __future__ import annotations

import numpy as np

from .common import _call, _lib

#: The parts of the exercise's test cells, in order.
ADAM_PARTS = ("first step", "several steps", "in place and state")

_SHAPES = {"Wxh": (3, 4), "Whh": (3, 3), "Why": (4, 3), "bh": (3, 1), "by": (4, 1)}

#: Mistakes :func:`check_adam_update` recognises by their values, and what it tells the student.
ADAM_MISTAKES = {
    "no_bias_correction": "m and v start at 0, so in the first steps they are too small by the factors "
    "(1 - beta1**t) and (1 - beta2**t): divide by them (the bias correction) before the step. Without it "
    "the first step is (1 - beta1) / sqrt(1 - beta2), about 3.16 times too large.",
    "t_from_zero": "the bias correction used the step count before it was incremented: in the first step "
    "1 - beta**0 = 0, a division by zero. Add 1 to state['t'] first, then correct with the new t "
    "(the first step uses t = 1).",
    "t_not_incremented": "state['t'] must go up by one in every call: your bias correction used the same t "
    "in every step (did you compute t + 1 without storing it back into state['t']?).",
    "eps_inside_sqrt": "eps goes outside the square root, sqrt(v_hat) + eps (Adam's formula), not "
    "sqrt(v_hat + eps) as in Adagrad: inside, it damps every entry whose gradient is below about "
    "sqrt(eps) = 1e-4.",
    "abs_not_squared": "v is the running mean of the squared gradient, (1 - beta2) * g**2, not of |g|.",
    "betas_swapped": "beta1 and beta2 are swapped: m, the mean of the gradient, decays with beta1 (0.9: "
    "a short memory), v, the mean of its square, with beta2 (0.999: a long one); each is corrected by "
    "its own 1 - beta**t.",
    "corrected_in_place": "the bias-corrected m_hat and v_hat are only for this step's update: keep them in "
    "new arrays. You wrote them back into state['m'] / state['v'], so the next steps start from "
    "corrected averages.",
    "m_not_corrected": "correct both averages: m_hat = m / (1 - beta1**t), and v_hat = v / (1 - beta2**t).",
    "v_not_corrected": "correct both averages: v_hat = v / (1 - beta2**t), and m_hat = m / (1 - beta1**t).",
    "no_sqrt": "divide by the square root of v_hat (plus eps): v has the units of a squared gradient.",
    "wrong_sign": "step against the gradient: params[name] -= learning_rate * m_hat / (...).",
}


def _step(p, g, m, v, t, lr, b1, b2, eps, mistake=None):
    """One Adam step (right, or with one named mistake) on new arrays: (param, m, v, t)."""
    if mistake == "betas_swapped":
        b1, b2 = b2, b1
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * (np.abs(g) if mistake == "abs_not_squared" else g * g)
    t_used = {"t_from_zero": t, "t_not_incremented": t + 1}.get(mistake, t + 1)
    t_after = t if mistake == "t_not_incremented" else t + 1
    c1, c2 = 1 - b1**t_used, 1 - b2**t_used
    if mistake == "no_bias_correction":
        c1 = c2 = 1.0
    m_hat = m if mistake == "m_not_corrected" else m / c1
    v_hat = v if mistake == "v_not_corrected" else v / c2
    if mistake == "eps_inside_sqrt":
        step = lr * m_hat / np.sqrt(v_hat + eps)
    elif mistake == "no_sqrt":
        step = lr * m_hat / (v_hat + eps)
    else:
        step = lr * m_hat / (np.sqrt(v_hat) + eps)
    p = p + step if mistake == "wrong_sign" else p - step
    if mistake == "corrected_in_place":
        m, v = m_hat, v_hat
    return p, m, v, t_after


def _same(a, b) -> bool:
    """Equal up to rounding, every kind of nan or inf counting as the same 'not finite'."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    fa, fb = np.isfinite(a), np.isfinite(b)
    return bool(np.array_equal(fa, fb) and np.allclose(a[fa], b[fb], rtol=1e-7, atol=1e-12))


def _values(params: dict, state: dict) -> dict:
    """The arrays a step produces, keyed "param Wxh", "m Wxh", "v Wxh", ... (float copies)."""
    out = {}
    for k in _SHAPES:
        out[f"param {k}"] = np.array(params[k], dtype=np.float64)
        out[f"m {k}"] = np.array(state["m"][k], dtype=np.float64)
        out[f"v {k}"] = np.array(state["v"][k], dtype=np.float64)
    return out


def _draw(rng: np.random.Generator, part: str) -> tuple[dict, dict]:
    """Parameters and a state: zeros (``t = 0``), or, for ``"several steps"``, one that holds earlier steps."""
    params = {k: rng.normal(0.0, 0.1, s) for k, s in _SHAPES.items()}
    state = {"m": {k: np.zeros(s) for k, s in _SHAPES.items()}, "v": {k: np.zeros(s) for k, s in _SHAPES.items()}}
    state["t"] = 0
    if part == "several steps":
        state["t"] = int(rng.integers(2, 40))
        for k, s in _SHAPES.items():
            scale = rng.choice([1e-4, 1.0, 30.0], size=s)
            state["m"][k][...] = rng.normal(0.0, 1.0, s) * scale * 0.3
            state["v"][k][...] = rng.normal(0.0, 1.0, s) ** 2 * scale**2 * 0.01
        state["m"]["Wxh"][:, 0] = state["v"]["Wxh"][:, 0] = 0.0  # a character never read so far
    return params, state


def _grads(rng: np.random.Generator) -> dict:
    """Gradients of very different sizes; Wxh's first column 0 (its character was not read)."""
    grads = {k: rng.normal(0.0, 1.0, s) * rng.choice([0.0, 1e-4, 1.0, 30.0], size=s) for k, s in _SHAPES.items()}
    grads["Wxh"][:, 0] = 0.0
    return grads


def _reference(params: dict, state: dict, lr, b1, b2, eps):
    """``rnn_lib.Adam`` on copies of ``params``, its memory set to ``state``."""
    copies = {k: v.copy() for k, v in params.items()}
    opt = _lib.optim.Adam(copies, lr, b1, b2, eps)
    for k in _SHAPES:
        opt.memory[f"m/{k}"][...] = state["m"][k]
        opt.memory[f"v/{k}"][...] = state["v"][k]
    opt.memory["t"][...] = state["t"]
    return copies, opt


def _count(state, what: str) -> int:
    if not isinstance(state, dict) or "t" not in state:
        raise AssertionError(f"{what}: state has no 't' any more: keep the step count in state['t'].")
    try:
        return int(np.asarray(state["t"]).reshape(()))
    except (TypeError, ValueError):
        raise AssertionError(
            f"{what}: state['t'] should be a whole number (the steps taken), got {state['t']!r}"
        ) from None


def check_adam_update(
    fn,
    seed: int = 0,
    steps: int = 4,
    learning_rate: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    part: str | None = None,
) -> None:
    """Check ``fn(params, grads, state, learning_rate, beta1, beta2, eps)``: one Adam step, in place.

    Parameters
    ----------
    fn : callable
        ``fn(params, grads, state, learning_rate, beta1, beta2, eps)``; ``params`` and ``grads`` dicts
        of arrays keyed alike (``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1),
        ``by`` (V, 1)); ``state = {"m": {...}, "v": {...}, "t": int}``; returns nothing.
    seed : int
        Seeds the parameters, state and gradients; gradient entries range from exactly 0 and about
        1e-4 (where the place of eps matters) to about 30.
    steps : int
        Consecutive calls for ``"several steps"`` (at least 2) and for ``part=None``.
    learning_rate, beta1, beta2, eps : float
    part : str, optional
        ``"first step"``: one call from a state of zeros with ``t = 0``; the new parameters, m and v
        are compared with ``rnn_lib.Adam``. ``"several steps"``: ``steps`` calls from a state that
        holds earlier steps (``t`` > 0), compared after each. ``"in place and state"``: whatever the
        values, the arrays of ``params``, ``state["m"]`` and ``state["v"]`` must change in place,
        ``grads`` must stay as it was and ``state["t"]`` must go up by one per call. None: all three.

    Raises
    ------
    AssertionError
        With feedback naming the mistake when it is one of :data:`ADAM_MISTAKES`.
    """
    if part not in (None, *ADAM_PARTS):
        raise ValueError(f"part must be one of {ADAM_PARTS}, got {part!r}")
    if part is None:
        for name in ADAM_PARTS:
            check_adam_update(fn, seed, steps, learning_rate, beta1, beta2, eps, part=name)
        return
    if part == "several steps" and steps < 2:
        raise ValueError("part 'several steps' needs steps >= 2")
    rng = np.random.default_rng(seed)
    if part == "in place and state":
        _check_in_place(fn, rng, learning_rate, beta1, beta2, eps)
        return
    params, state = _draw(rng, part)
    n = 1 if part == "first step" else steps
    args = (learning_rate, beta1, beta2, eps)
    reference, opt = _reference(params, state, *args)
    # each named mistake followed from the same start, with the same gradients
    trails = {
        name: ({k: params[k].copy() for k in _SHAPES}, {k: state["m"][k].copy() for k in _SHAPES},
               {k: state["v"][k].copy() for k in _SHAPES}, state["t"])
        for name in ADAM_MISTAKES
    }  # fmt: skip
    start = f"from a state with t = {state['t']}" if state["t"] else "from a state of zeros (t = 0)"
    for step in range(n):
        grads = _grads(rng)
        given = {k: g.copy() for k, g in grads.items()}
        params_before = {k: params[k].copy() for k in _SHAPES}
        with np.errstate(all="ignore"):
            _call(
                fn,
                params,
                given,
                state,
                *args,
                hint="fn(params, grads, state, learning_rate, beta1, beta2, eps) gets dicts of arrays; "
                "state['m'] and state['v'] are dicts of arrays like params, state['t'] a whole number.",
            )
        opt.step(grads)
        with np.errstate(all="ignore"):
            for name, (p, m, v, t) in trails.items():
                new = {k: _step(p[k], grads[k], m[k], v[k], t, *args, mistake=name) for k in _SHAPES}
                p, m, v = ({k: new[k][i] for k in _SHAPES} for i in range(3))
                trails[name] = (p, m, v, new["Wxh"][3])
        when = f"after step {step + 1} of {n}, {start}" if n > 1 else f"after one step {start}"
        try:
            got = _values(params, state)
        except (KeyError, TypeError):
            raise AssertionError(
                f"{when}: state must keep its layout, state['m'][name] and state['v'][name] arrays "
                "shaped like params[name]."
            ) from None
        expected = {}
        for k in _SHAPES:
            expected[f"param {k}"] = reference[k]
            expected[f"m {k}"] = opt.memory[f"m/{k}"]
            expected[f"v {k}"] = opt.memory[f"v/{k}"]
        wrong = [k for k in got if not _same(got[k], expected[k])]
        if not wrong:
            continue
        message = None
        if all(np.array_equal(got[f"param {k}"], params_before[k]) for k in _SHAPES):
            message = (
                "the parameters did not change: did you write `param = param - ...` with a loop variable, "
                "or put the new array into a dict of your own? Change params[name] in place, with -=."
            )
        for name, (p, m, v, _) in trails.items() if message is None else ():
            variant = {**{f"param {k}": p[k] for k in _SHAPES}, **{f"m {k}": m[k] for k in _SHAPES}}
            variant.update({f"v {k}": v[k] for k in _SHAPES})
            if all(_same(got[k], variant[k]) for k in got):
                message = ADAM_MISTAKES[name]
                break
        if message is None and not all(np.all(np.isfinite(a)) for a in got.values()):
            message = (
                "there are nan or inf values. Where a gradient has always been 0, m and v are 0 too: "
                "eps keeps 0 / (sqrt(0) + eps) at 0. And 1 - beta**t is 0 when t = 0: increment t first."
            )
        k = wrong[0]
        raise AssertionError(
            f"wrong values for {', '.join(wrong[:6])}{' ...' if len(wrong) > 6 else ''} {when}.\n"
            + (message + "\n" if message else "")
            + f"{k}: expected\n{np.round(expected[k], 6)}\ngot\n{np.round(got[k], 6)}"
        )


def _check_in_place(fn, rng, learning_rate, beta1, beta2, eps) -> None:
    """The arrays change in place, grads stays, t counts the calls: first from t = 0, then from t > 0."""
    for start_t, calls in ((0, 3), (int(rng.integers(5, 50)), 1)):
        params, state = _draw(rng, "first step")
        state["t"] = start_t
        objects = {
            "params": dict(params),
            "state['m']": dict(state["m"]),
            "state['v']": dict(state["v"]),
        }
        before = {what: {k: a.copy() for k, a in d.items()} for what, d in objects.items()}
        where = f"from t = {start_t}"
        for call in range(calls):
            grads = _grads(rng)
            grads["Wxh"][:, 1] = 1.0  # at least one sizeable entry in every array
            for g in grads.values():
                g.flat[-1] = 1.0
            given = {k: g.copy() for k, g in grads.items()}
            with np.errstate(all="ignore"):
                _call(fn, params, given, state, learning_rate, beta1, beta2, eps)
            for k in _SHAPES:
                if not np.array_equal(given[k], grads[k]):
                    raise AssertionError(
                        f"your function changed grads[{k!r}]: only params and state change "
                        "(compute g**2 into a new array, e.g. g * g, not g **= 2 or g *= g)."
                    )
            count = _count(state, f"after {call + 1} call(s) {where}")
            if count != start_t + call + 1:
                raise AssertionError(
                    f"after {call + 1} call(s) {where}, state['t'] is {count}; it should be {start_t + call + 1}: "
                    "add 1 to state['t'] once per call (not once per parameter), and keep the count you "
                    "were given."
                )
        current = {"params": params, "state['m']": state.get("m", {}), "state['v']": state.get("v", {})}
        for what, originals in objects.items():
            held = current[what] if isinstance(current[what], dict) else {}
            for k, array in originals.items():
                if held.get(k) is not array:
                    raise AssertionError(
                        f"{what}[{k!r}] is a new array ({where}): you replaced it ({what}[name] = ...) "
                        "instead of changing it. Code that holds the old array (the training loop's "
                        "parameters, a checkpoint of the state) would never see the change: update the "
                        "array itself, with -=, *=, += or [...] =."
                    )
            if all(np.array_equal(originals[k], before[what][k]) for k in originals):
                op = "-=" if what == "params" else "*= then +=, or [...] ="
                raise AssertionError(
                    f"the arrays of {what} did not change ({where}): did you write `name = name - ...` "
                    f"with a loop variable? That only points the name at a new array and leaves the array "
                    f"in the dict as it was. Change the array in place ({op})."
                )

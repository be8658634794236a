"""Hidden-test checker for notebook 03: backpropagation through time."""

from __future__ import annotations

import numpy as np

from .common import (
    PARAM_NAMES,
    _array,
    _call,
    _first_mistake,
    _gist_forward,
    _is_close,
    _numerical_gradient,
    backward,
    forward,
    init_params,
    rel_error,
)

#: The parts of the exercise :func:`check_rnn_backward` can check on their own (one test cell
#: each), and the gradients each one holds.
BPTT_PARTS = {"output": ("Why", "by"), "hidden": ("Wxh", "Whh", "bh"), "dhprev": ("dhprev",)}

#: Mistakes :func:`check_rnn_backward` recognises (a variant of the backward loop each).
BPTT_MISTAKES = {
    "no_minus_one": "dy must be p - onehot(target): after dy = ps[t].copy(), subtract 1 at the "
    "target, dy[targets[t]] -= 1.",
    "no_dhnext": "the gradients are right at the last time step but wrong at the steps before it: did you "
    "add dhnext? h_t also feeds step t+1, so dh = Why.T @ dy + dhnext.",
    "dhnext_not_updated": "the gradients are right at the last time step but wrong at the steps before "
    "it: dhnext is never updated. End each step with dhnext = Whh.T @ dhraw, the "
    "gradient that flows on to h_{t-1}.",
    "no_tanh": "did you multiply by (1 - h**2)? dhraw = (1 - hs[t] * hs[t]) * dh takes the gradient "
    "back through tanh, whose derivative is 1 - tanh(a)**2 = 1 - h**2.",
    "tanh_prev": "the tanh derivative uses the state of the same step: (1 - hs[t] * hs[t]), not hs[t - 1].",
    "tanh_no_square": "the tanh derivative is 1 - h**2: did you write (1 - hs[t]) without the square?",
    "Whh_not_transposed": "dhnext must be Whh.T @ dhraw, not Whh @ dhraw: the chain rule sums over the "
    "rows of Whh. Whh is square, so the shapes cannot tell you; only the numbers can.",
    "dhnext_from_dh": "dhnext = Whh.T @ dhraw takes the gradient after tanh (dhraw), not dh.",
    "dWhh_transposed": "grads['Whh'] is the transpose of the right answer: the outer product is "
    "dhraw @ hs[t - 1].T, gradient first (like dy @ hs[t].T for Why).",
    "dWhh_h_t": "dWhh += dhraw @ hs[t - 1].T: Whh multiplies the previous state h_{t-1}, not hs[t].",
    "forward_loop": "the loop must run backwards in time, for t in reversed(range(len(targets))): "
    "dhnext carries the gradient from step t+1 back to step t.",
}


def _bptt(params: dict, targets, xs, hs, ps, mistake: str | None = None):
    """The gist's backward loop, or the variant with one named mistake of :data:`BPTT_MISTAKES`.

    Returns the gradients (with ``"dhprev"`` for dL/dhprev) and each step's contribution to them.
    """
    Whh, Why = params["Whh"], params["Why"]
    grads = {k: np.zeros_like(params[k]) for k in PARAM_NAMES}
    dhnext, steps = np.zeros_like(hs[0]), {}
    T = len(targets)
    for t in range(T) if mistake == "forward_loop" else reversed(range(T)):
        dy = ps[t].copy()
        if mistake != "no_minus_one":
            dy[targets[t]] -= 1
        dh = Why.T @ dy + (0 if mistake == "no_dhnext" else dhnext)
        h = hs[t - 1] if mistake == "tanh_prev" else hs[t]
        dtanh = {"no_tanh": 1.0, "tanh_no_square": 1 - h}.get(mistake, 1 - h * h)
        dhraw = dtanh * dh
        dWhh = {"dWhh_transposed": hs[t - 1] @ dhraw.T, "dWhh_h_t": dhraw @ hs[t].T}.get(mistake, dhraw @ hs[t - 1].T)
        steps[t] = {"Why": dy @ hs[t].T, "by": dy, "bh": dhraw, "Wxh": dhraw @ xs[t].T, "Whh": dWhh}
        for k, g in steps[t].items():
            grads[k] += g
        if mistake != "dhnext_not_updated":
            dhnext = (Whh if mistake == "Whh_not_transposed" else Whh.T) @ (
                dh if mistake == "dhnext_from_dh" else dhraw
            )
    grads["dhprev"] = dhnext
    return grads, steps


def check_rnn_backward(fn, seed: int = 0, V: int = 5, H: int = 4, T: int = 4, part: str | None = None) -> None:
    """Check ``fn(params, targets, xs, hs, ps)``: the gist's backward pass (truncated BPTT).

    Parameters
    ----------
    fn : callable
        ``fn(params, targets, xs, hs, ps) -> (grads, dhprev, ...)``: ``params`` holds ``Wxh`` (H, V),
        ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1); ``xs[t]`` (V, 1), ``hs[t]``
        (H, 1) with ``hs[-1]`` = hprev, and ``ps[t]`` (V, 1) come from the gist's forward pass.
        ``grads`` is keyed like ``params``; ``dhprev`` (H, 1) is dL/dhprev (``dhnext`` after the loop).
        Further return values are ignored.
    seed : int
        Seeds the weights (standard deviation 0.5), hprev, inputs and targets.
    V, H, T : int
        Vocabulary size, hidden size, number of time steps.
    part : {"output", "hidden", "dhprev"} or None
        Check only one part (one test cell each, see :data:`BPTT_PARTS`): the output layer
        (``Why``, ``by``; and that ``fn`` leaves its inputs unchanged), the hidden layer (``Wxh``,
        ``Whh``, ``bh``) or dL/dhprev. ``None``: everything.

    Raises
    ------
    AssertionError
        With feedback, when a gradient differs from ``rnn_lib.backward`` (checked against finite
        differences) or ``fn`` changes its inputs.
    """
    if part is not None and part not in BPTT_PARTS:
        raise ValueError(f"part must be one of {tuple(BPTT_PARTS)} or None, got {part!r}")
    keys = [k for names in BPTT_PARTS.values() for k in names] if part is None else list(BPTT_PARTS[part])
    rng = np.random.default_rng(seed)
    params = init_params(V, H, rng, scale=0.5)
    params["bh"][...] = rng.normal(0, 0.1, (H, 1))
    params["by"][...] = rng.normal(0, 0.1, (V, 1))
    hprev = rng.normal(0, 0.5, (H, 1))
    inputs, targets = rng.integers(V, size=T), rng.integers(V, size=T)
    _, xs, hs, ps = _gist_forward(params, inputs, targets, hprev)
    given = [{k: v.copy() for k, v in a.items()} for a in (params, xs, hs, ps)]
    out = _call(
        fn,
        given[0],
        targets.copy(),
        given[1],
        given[2],
        given[3],
        hint="check every array's shape: Why.T @ dy is (H, V) @ (V, 1); outer products such "
        "as dy @ hs[t].T are (V, 1) @ (1, H).",
    )
    for name, before, after in zip(("params", "xs", "hs", "ps"), (params, xs, hs, ps), given):
        if part not in (None, "output"):
            break  # the output layer's part checks it (dy = ps[t] without .copy() is a slip of L1)
        changed = [k for k in before if not np.array_equal(before[k], after[k])]
        if changed:
            tip = (
                " `dy = ps[t]` makes dy a second name for ps[t], so dy[targets[t]] -= 1 changes ps "
                "as well: copy it, dy = ps[t].copy()."
                if name == "ps"
                else ""
            )
            raise AssertionError(f"your function changed {name}[{changed[0]!r}], one of its inputs.{tip}")
    if not isinstance(out, (tuple, list)) or len(out) < 2 or not isinstance(out[0], dict):
        raise AssertionError(
            "return the gradients (a dict keyed like params) and dhprev, the dhnext after "
            "the loop: return grads, dhnext, ..."
        )
    missing = [k for k in keys if k != "dhprev" and k not in out[0]]
    if missing:
        raise AssertionError(f"the gradients lack {missing}: give every parameter a gradient")
    got = {k: _array(out[0][k], params[k].shape, f"grads[{k!r}]") for k in keys if k != "dhprev"}
    if "dhprev" in keys:
        got["dhprev"] = _array(out[1], (H, 1), "dhprev (dhnext after the loop)")

    lib_grads, lib_dhprev = backward(params, forward(params, inputs, hprev), targets)
    expected = {**lib_grads, "dhprev": lib_dhprev}
    wrong = [k for k in got if not _is_close(got[k], expected[k])]
    if not wrong:
        return

    def loss_of(name):
        if name == "dhprev":
            return lambda h: _gist_forward(params, inputs, targets, h)[0]
        return lambda w: _gist_forward({**params, name: w}, inputs, targets, hprev)[0]

    numeric = {k: _numerical_gradient(loss_of(k), hprev if k == "dhprev" else params[k]) for k in wrong}
    errors = ", ".join(f"{k} {rel_error(got[k], numeric[k]).max():.1e}" for k in wrong)
    right = [k for k in got if k not in wrong]
    header = (
        f"wrong gradients for {', '.join(wrong)}"
        + (f" (right: {', '.join(right)})" if right else "")
        + f" with V={V}, H={H}, T={T}, seed={seed}.\n"
    )
    footer = f"\n(largest relative error against finite differences: {errors})"

    variants = {m: _bptt(params, targets, xs, hs, ps, m)[0] for m in BPTT_MISTAKES}
    # Several mistakes can give the same wrong arrays of one part (dhprev alone cannot tell a missing
    # tanh' from dhnext = Whh.T @ dh): name the mistake from every gradient returned, when it can.
    message = _first_mistake(_all_gradients(out, params, H) or got, variants, BPTT_MISTAKES)
    if message is None:
        message = _first_mistake(got, variants, BPTT_MISTAKES)
    if message is None:  # `=` instead of `+=` leaves only the contribution of t = 0, the last one visited
        steps = _bptt(params, targets, xs, hs, ps)[1]
        assigned = [k for k in wrong if k != "dhprev" and T > 1 and _is_close(got[k], steps[0][k])]
        if assigned:
            message = (
                f"grads[{assigned[0]!r}] holds only the contribution of time step 0, the last one the "
                f"loop visits: did you write `=` instead of `+=`? {assigned[0]} is used at every step, "
                f"so its gradient is the sum of the steps' contributions."
            )
    if message is None and T > 1:
        try:
            single_step_right = _single_step_ok(fn, params, hprev, inputs[-1:], targets[-1:], keys)
        except Exception:
            single_step_right = False
        if single_step_right:
            message = (
                "with a single time step your gradients are right, so the mistake is in what "
                "connects the steps: dh = Why.T @ dy + dhnext, dhnext = Whh.T @ dhraw at the end "
                "of each step, `+=` for every parameter gradient, and hs[t - 1] for the previous state."
            )
    if message is None:
        if "Why" in wrong or "by" in wrong:
            message = "start with the output layer: dy = p - onehot, grads['Why'] += dy @ hs[t].T, grads['by'] += dy."
        else:
            where = "the lines from dh = Why.T @ dy + dhnext onwards against their derivation, L4 to L9 of section 4."
            message = f"the output layer (Why, by) is right; check {where}" if part is None else f"Check {where}"
    raise AssertionError(header + message + footer)


def _all_gradients(out, params: dict, H: int) -> dict | None:
    """Every gradient ``fn`` returned (and dhprev) as float arrays, or None if one is missing or malformed."""
    try:
        arrays = {k: np.asarray(out[0][k], dtype=np.float64) for k in PARAM_NAMES}
        arrays["dhprev"] = np.asarray(out[1], dtype=np.float64)
    except (KeyError, TypeError, ValueError):
        return None
    shapes = {**{k: params[k].shape for k in PARAM_NAMES}, "dhprev": (H, 1)}
    return arrays if all(arrays[k].shape == shapes[k] for k in arrays) else None


def _single_step_ok(fn, params, hprev, inputs, targets, keys) -> bool:
    """Whether ``fn`` gets the gradients ``keys`` right on a chunk of one time step."""
    _, xs, hs, ps = _gist_forward(params, inputs, targets, hprev)
    out = _call(fn, {k: v.copy() for k, v in params.items()}, targets, xs, hs, ps)
    grads, dhprev = backward(params, forward(params, inputs, hprev), targets)
    expected = {**grads, "dhprev": dhprev}
    return all(_is_close(out[1] if k == "dhprev" else out[0][k], expected[k]) for k in keys)

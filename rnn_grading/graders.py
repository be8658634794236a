"""Checks for the homework exercises of the notebooks: the autograder's test cells call them.

Each ``check_<exercise>(fn, seed, ...)`` calls a student's function on fresh random inputs drawn
from ``np.random.default_rng(seed)``, compares the result with ``rnn_lib`` (and, for gradients,
with centred finite differences) and raises an ``AssertionError`` whose message says what is wrong
and what to try. Known mistakes are recognised by computing deliberately wrong versions of the
answer (the ``*_MISTAKES`` tables): when the student's result equals one of them, the message names
that mistake. A ``NotImplementedError`` (the student version's placeholder) is passed on unchanged.

========================================  ===========  =========================================
checker                                   notebook     the student's function
========================================  ===========  =========================================
:func:`check_softmax_grad`                02           ``fn(y, target) -> dy``
:func:`check_rnn_backward`                03           ``fn(params, targets, xs, hs, ps) -> (grads, dhprev, ...)``
:func:`check_adagrad_update`              04           ``fn(params, grads, memory, learning_rate, eps)``
:func:`check_sample_with_temperature`     07           ``fn(y, temperature, rng) -> id``
:func:`check_lstm_gate_backward`          12           ``fn(dh, dcnext, c_prev, i, f, o, g, tanh_c) -> (dz, dc_prev)``
========================================  ===========  =========================================

Adding an exercise is one more function of the same shape: draw the inputs from ``seed``, call
the student's function with :func:`_call`, compare with :func:`_is_close`, and on a mismatch raise
with :func:`_first_mistake` over a table of wrong variants, falling back to the finite-difference
errors from :func:`_numerical_gradient`.

Dimension letters: V vocabulary size, H hidden size, T time steps.
"""

from __future__ import annotations

import warnings

import numpy as np

from rnn_lib.gradient_check import numerical_gradient, rel_error
from rnn_lib.optim import Adagrad
from rnn_lib.references import rnn_forward_reference as _gist_forward
from rnn_lib.rnn import PARAM_NAMES, backward, forward, init_params
from rnn_lib.sampling import next_char_distribution

__all__ = [
    "check_softmax_grad",
    "check_rnn_backward",
    "check_adagrad_update",
    "check_sample_with_temperature",
    "SOFTMAX_MISTAKES",
    "BPTT_MISTAKES",
    "ADAGRAD_MISTAKES",
    "TEMPERATURE_MISTAKES",
]


# ---------------------------------------------------------------------------------------------
# shared helpers


def _call(fn, *args, hint: str = ""):
    """``fn(*args)``; an exception other than NotImplementedError becomes feedback with ``hint``."""
    try:
        return fn(*args)
    except (NotImplementedError, AssertionError):
        raise
    except Exception as exc:
        name = getattr(fn, "__name__", "your function")
        raise AssertionError(
            f"{name} raised {type(exc).__name__}: {exc}" + (f"\nHint: {hint}" if hint else "")
        ) from exc


def _is_close(a, b) -> bool:
    """Equal up to rounding: what two correct implementations of the same formula agree to."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-7, atol=1e-10, equal_nan=True))


def _array(value, shape: tuple, what: str) -> np.ndarray:
    """``value`` as a float array of ``shape``, or feedback naming ``what`` was returned wrong."""
    if value is None:
        raise AssertionError(f"{what} is None: did you forget a return statement?")
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} should be an array of shape {shape}, got {type(value).__name__}") from None
    if a.shape != shape:
        flipped = " (transposed?)" if a.shape == shape[::-1] and len(shape) == 2 else ""
        raise AssertionError(f"{what} should have shape {shape}, got {a.shape}{flipped}")
    if not np.all(np.isfinite(a)):
        raise AssertionError(f"{what} contains nan or inf: look for a division by zero or an overflowing np.exp")
    return a


def _numerical_gradient(f, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Centred differences of a scalar ``f`` at a float64 copy of ``x`` (see rnn_lib.gradcheck.numerical_gradient)."""
    return numerical_gradient(f, np.array(x, dtype=np.float64), eps)


def _first_mistake(got: dict, variants: dict, mistakes: dict) -> str | None:
    """The message of the first mistake whose wrong result ``variants[name]`` equals ``got``.

    ``got`` and each ``variants[name]`` map array names to arrays; a variant matches when every
    array of ``got`` is close to it.
    """
    for name, message in mistakes.items():
        wrong = variants.get(name)
        if wrong is not None and all(_is_close(got[k], wrong[k]) for k in got):
            return message
    return None


# ---------------------------------------------------------------------------------------------
# 02: the gradient of softmax + cross-entropy

#: Mistakes :func:`check_softmax_grad` recognises, and what it tells the student.
SOFTMAX_MISTAKES = {
    "no_minus_one": "you returned p = softmax(y) itself: subtract 1 at the target index "
    "(dy[target] -= 1), the gradient is p - onehot(target).",
    "sign": "the sign is flipped: the gradient is p - onehot(target), not onehot(target) - p.",
    "minus_one_everywhere": "you subtracted 1 from every entry: only the target's entry gets the -1 (dy[target] -= 1).",
    "unnormalised": "the probabilities are not normalised: divide np.exp(y) by its sum (softmax) "
    "before subtracting the one-hot vector.",
    "wrong_index": "you subtracted 1 at the most likely character (the argmax): subtract it at the target.",
    "grad_of_p": "that is the gradient of p[target], not of the loss L = -log p[target]: the chain rule "
    "through -log multiplies by -1/p[target], and the result simplifies to p - onehot(target).",
}


def _softmax(y: np.ndarray) -> np.ndarray:
    e = np.exp(y - y.max())
    return e / e.sum()


def check_softmax_grad(fn, seed: int = 0, V: int = 5, scale: float = 2.0) -> None:
    """Check ``fn(y, target)``: dL/dy for L = -log softmax(y)[target], the gist's ``dy``.

    Parameters
    ----------
    fn : callable
        ``fn(y, target) -> dy`` with ``y`` the logits, shape (V,), ``target`` an int in 0..V-1 and
        ``dy`` shape (V,).
    seed : int
        Seeds the random logits and target.
    V : int
        Vocabulary size (2 or more).
    scale : float
        Standard deviation of the logits: large values make a confident model.

    Raises
    ------
    AssertionError
        With feedback, when ``dy`` differs from ``p - onehot(target)`` (``rnn_lib`` and finite
        differences), when ``fn`` changes ``y``, or returns the wrong shape.
    """
    rng = np.random.default_rng(seed)
    y = rng.normal(0.0, scale, V)
    target = int(rng.integers(V))
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
    e = np.exp(y)
    variants = {
        "no_minus_one": p,
        "sign": onehot - p,
        "minus_one_everywhere": p - 1,
        "unnormalised": e - onehot,
        "wrong_index": p - np.eye(V)[np.argmax(y)],
        "grad_of_p": p[target] * (onehot - p),
    }
    got = {"dy": dy}
    message = _first_mistake(got, {k: {"dy": v} for k, v in variants.items()}, SOFTMAX_MISTAKES)
    raise AssertionError(
        f"wrong gradient for logits {np.round(y, 3)} and target {target}.\n"
        + (message + "\n" if message else "")
        + f"expected p - onehot(target) = {np.round(expected, 4)}\n"
        f"got                          {np.round(dy, 4)}\n"
        f"largest relative error against finite differences: {rel_error(dy, numeric).max():.2e}"
    )


# ---------------------------------------------------------------------------------------------
# 03: backpropagation through time

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


def check_rnn_backward(fn, seed: int = 0, V: int = 5, H: int = 4, T: int = 4) -> None:
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

    Raises
    ------
    AssertionError
        With feedback, when a gradient differs from ``rnn_lib.backward`` (checked against finite
        differences) or ``fn`` changes its inputs.
    """
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
    missing = [k for k in PARAM_NAMES if k not in out[0]]
    if missing:
        raise AssertionError(f"the gradients lack {missing}: give every parameter a gradient")
    got = {k: _array(out[0][k], params[k].shape, f"grads[{k!r}]") for k in PARAM_NAMES}
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
            single_step_right = _single_step_ok(fn, params, hprev, inputs[-1:], targets[-1:])
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
            message = (
                "the output layer (Why, by) is right; check the lines from dh = Why.T @ dy + dhnext "
                "onwards against the table of section 4."
            )
    raise AssertionError(header + message + footer)


def _single_step_ok(fn, params, hprev, inputs, targets) -> bool:
    """Whether ``fn`` gets every gradient right on a chunk of one time step."""
    _, xs, hs, ps = _gist_forward(params, inputs, targets, hprev)
    out = fn({k: v.copy() for k, v in params.items()}, targets, xs, hs, ps)
    grads, dhprev = backward(params, forward(params, inputs, hprev), targets)
    return all(_is_close(out[0][k], grads[k]) for k in PARAM_NAMES) and _is_close(out[1], dhprev)


# ---------------------------------------------------------------------------------------------
# 04: the Adagrad update

#: Mistakes :func:`check_adagrad_update` recognises: each maps (param, dparam, mem, lr, eps) to the
#: wrong new (param, mem), with its message.
ADAGRAD_MISTAKES = {
    "eps_outside_sqrt": (
        lambda p, g, m, lr, eps: (p - lr * g / (np.sqrt(m + g * g) + eps), m + g * g),
        "put eps inside the square root, np.sqrt(mem + eps), as the gist does: "
        "np.sqrt(mem) + eps gives different steps for small gradients.",
    ),
    "step_before_memory": (
        lambda p, g, m, lr, eps: (p - lr * g / np.sqrt(m + eps), m + g * g),
        "update the memory first (mem += dparam * dparam), then take the step with "
        "the new memory: the step divides by a memory that includes this gradient.",
    ),
    "memory_not_squared": (
        lambda p, g, m, lr, eps: (p - lr * g / np.sqrt(m + g + eps), m + g),
        "the memory adds the squared gradient: mem += dparam * dparam.",
    ),
    "memory_not_accumulated": (
        lambda p, g, m, lr, eps: (p - lr * g / np.sqrt(g * g + eps), g * g),
        "the memory must keep the sum of all squared gradients so far "
        "(mem += dparam * dparam), not only the latest one.",
    ),
    "no_sqrt": (
        lambda p, g, m, lr, eps: (p - lr * g / (m + g * g + eps), m + g * g),
        "divide by the square root of the memory: np.sqrt(mem + eps).",
    ),
    "wrong_sign": (
        lambda p, g, m, lr, eps: (p + lr * g / np.sqrt(m + g * g + eps), m + g * g),
        "step against the gradient: param -= learning_rate * dparam / np.sqrt(mem + eps) "
        "(or the gist's param += -learning_rate * ...).",
    ),
    "no_learning_rate": (
        lambda p, g, m, lr, eps: (p - g / np.sqrt(m + g * g + eps), m + g * g),
        "multiply the step by learning_rate.",
    ),
    "plain_sgd": (
        lambda p, g, m, lr, eps: (p - lr * g, m + g * g),
        "that is plain gradient descent: Adagrad divides the step by np.sqrt(mem + eps).",
    ),
}


def check_adagrad_update(fn, seed: int = 0, steps: int = 3, learning_rate: float = 0.1, eps: float = 1e-8) -> None:
    """Check ``fn(params, grads, memory, learning_rate, eps)``: one Adagrad step, in place.

    For every name, ``memory[name] += grads[name]**2`` and then
    ``params[name] -= learning_rate * grads[name] / sqrt(memory[name] + eps)``, both changing the
    arrays already in the dicts (the gist's loop). ``fn`` is called ``steps`` times in a row.

    Parameters
    ----------
    fn : callable
        ``fn(params, grads, memory, learning_rate, eps)``; dicts of arrays keyed alike (``Wxh`` (H, V),
        ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1)); returns nothing.
    seed : int
        Seeds the parameters and gradients; some gradient entries are exactly 0 and some about
        1e-4, where the placement of eps matters.
    steps : int
        Consecutive updates (the memory must accumulate).
    learning_rate, eps : float

    Raises
    ------
    AssertionError
        With feedback, when the arrays are replaced instead of updated in place, or the values
        differ from ``rnn_lib.Adagrad``.
    """
    rng = np.random.default_rng(seed)
    H, V = 3, 4
    shapes = {"Wxh": (H, V), "Whh": (H, H), "Why": (V, H), "bh": (H, 1), "by": (V, 1)}
    params = {k: rng.normal(0, 0.1, s) for k, s in shapes.items()}
    memory = {k: np.zeros(s) for k, s in shapes.items()}
    reference = {k: v.copy() for k, v in params.items()}
    opt = Adagrad(reference, learning_rate, eps)
    arrays, memories = dict(params), dict(memory)  # the objects the caller holds, like the gist's Wxh
    for step in range(steps):
        grads = {k: rng.normal(0, 1, s) * rng.choice([0.0, 1e-4, 1.0, 30.0], size=s) for k, s in shapes.items()}
        grads["Wxh"][:, 0] = 0.0  # a character that never occurred: its column's memory stays 0
        before, mem_before = {k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in memory.items()}
        grads_given = {k: v.copy() for k, v in grads.items()}
        with np.errstate(divide="ignore", invalid="ignore"):
            _call(fn, params, grads_given, memory, learning_rate, eps)
        opt.step(grads)
        when = f" (in step {step + 1} of {steps})" if step else ""
        for k in shapes:
            if not np.array_equal(grads_given[k], grads[k]):
                raise AssertionError(f"your function changed grads[{k!r}]: only params and memory change.")
            for d, objects, what in ((params, arrays, "params"), (memory, memories, "memory")):
                if d[k] is not objects[k]:
                    raise AssertionError(
                        f"{what}[{k!r}] is a new array: you replaced it ({what}[name] = ...) instead of "
                        f"updating it. Code that holds the old array (the gist's {'m' if what == 'memory' else ''}"
                        f"{k}) would never see the change: update the array in place with `-=` / `+=`."
                    )
        for d, old, what in ((memory, mem_before, "memory"), (params, before, "parameters")):
            if all(np.array_equal(d[k], old[k]) for k in shapes):
                op, name = (
                    ("+=", "mem = mem + dparam * dparam")
                    if what == "memory"
                    else ("-=", "param = param - learning_rate * ...")
                )
                raise AssertionError(
                    f"the {what} did not change{when}: did you write `{name}`? That only points the name "
                    f"at a new array and leaves the array in the dict as it was. Update the array in place "
                    f"with `{op}`."
                )
        got = {**{f"param {k}": params[k] for k in shapes}, **{f"memory {k}": memory[k] for k in shapes}}
        expected = {**{f"param {k}": reference[k] for k in shapes}, **{f"memory {k}": opt.memory[k] for k in shapes}}
        wrong = [k for k in got if not _is_close(got[k], expected[k])]
        if not wrong:
            continue
        variants = {}
        with np.errstate(divide="ignore", invalid="ignore"):
            for name, (update, _) in ADAGRAD_MISTAKES.items():
                new = {k: update(before[k], grads[k], mem_before[k], learning_rate, eps) for k in shapes}
                variants[name] = {
                    **{f"param {k}": new[k][0] for k in shapes},
                    **{f"memory {k}": new[k][1] for k in shapes},
                }
        message = _first_mistake(got, variants, {k: m for k, (_, m) in ADAGRAD_MISTAKES.items()})
        if message is None and not all(np.all(np.isfinite(v)) for v in got.values()):
            message = (
                "there are nan or inf values: where a gradient has always been 0 the memory is 0 too, "
                "and 0 / sqrt(0) is nan. That is what eps is for: np.sqrt(mem + eps)."
            )
        k = wrong[0]
        raise AssertionError(
            f"wrong values for {', '.join(wrong)}{when}.\n"
            + (message + "\n" if message else "")
            + f"{k}: expected\n{np.round(expected[k], 6)}\ngot\n{np.round(got[k], 6)}"
        )


# ---------------------------------------------------------------------------------------------
# 06: sampling with a temperature

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
    for i in range(n):
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
    fn, seed: int = 0, V: int = 6, temperatures=(0.5, 2.0), scale: float = 2.0, draws: int = 4000
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

    Raises
    ------
    AssertionError
        With feedback, when ``fn`` ignores ``rng``, changes ``y``, returns something other than an
        id, or draws from the wrong distribution; also when temperature 0 is not the argmax.
    """
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.linspace(-scale, scale, V)) + rng.normal(0, 0.05 * scale / V, V)
    y_given = y.copy()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        _call(fn, y_given, temperatures[0], np.random.default_rng(0))
    if not np.array_equal(y_given, y):
        raise AssertionError(
            "your function changed the logits y it was given: write y / temperature "
            "(a new array), not y /= temperature."
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
# 11: one step of the LSTM's backward pass, through the cell and its four gates

__all__ += ["check_lstm_gate_backward", "LSTM_GATE_MISTAKES"]

#: Mistakes :func:`check_lstm_gate_backward` recognises (a variant of the step each), and what it
#: tells the student. ``gate_order`` is recognised for any order of the four blocks.
LSTM_GATE_MISTAKES = {
    "no_sigmoid_grad": "dz_i, dz_f and dz_o lack the derivative of the sigmoid: z is the pre-activation and "
    "each of i, f, o is sigmoid(z), so multiply by s * (1 - s) of that gate, e.g. "
    "dz_f = df * f * (1 - f).",
    "tanh_grad_on_sigmoid": "you used tanh's derivative 1 - s**2 on a sigmoid gate: the sigmoid's derivative is "
    "s * (1 - s) (for i, f and o); only g = tanh(z_g) takes 1 - g**2.",
    "sigmoid_grad_on_g": "g is a tanh, not a sigmoid: dz_g = dg * (1 - g**2), not dg * g * (1 - g).",
    "no_tanh_grad_g": "dz_g lacks tanh's derivative: g = tanh(z_g), so dz_g = dg * (1 - g**2).",
    "no_dcnext": "dc must include dcnext, the gradient that reaches c_t from step t+1 (c_{t+1} = f * c_t + ...): "
    "dc = dh * o * (1 - tanh_c**2) + dcnext. Without it the memory path is cut at every step.",
    "dc_prev_without_f": "dc_prev must be dc * f: c_{t-1} enters c_t multiplied by the forget gate, so the "
    "gradient going back along the cell is multiplied by f too (the path that lets "
    "gradients survive many steps when f is near 1).",
    "no_tanh_c_grad": "from h_t = o * tanh(c_t) back into c_t the gradient passes the tanh: "
    "dc = dh * o * (1 - tanh_c**2) + dcnext.",
    "df_with_c_t": "df = dc * c_prev: the forget gate multiplies the previous cell c_{t-1}, not the new c_t.",
    "do_from_dc": "do = dh * tanh_c: the output gate acts after the cell, in h_t = o * tanh(c_t), so its "
    "gradient comes from dh, not from dc.",
    "gate_order": "each block of dz is right, but the blocks are stacked in the wrong order: rnn_lib's z has "
    "rows i (0:H), f (H:2H), o (2H:3H), g (3H:4H), the order the forward pass split it in "
    "(PyTorch uses i, f, g, o: easy to mix up).",
}

_GATES = "ifog"


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _lstm_gate_backward(dh, dcnext, c_prev, i, f, o, g, tanh_c, mistake: str | None = None):
    """(dz, dc_prev) of one LSTM step, or the variant with one named mistake of :data:`LSTM_GATE_MISTAKES`."""
    slope_c = 1.0 if mistake == "no_tanh_c_grad" else 1 - tanh_c**2
    dc = dh * o * slope_c + (0.0 if mistake == "no_dcnext" else dcnext)
    c = f * c_prev + i * g
    gate_grads = {
        "i": dc * g,
        "f": dc * (c if mistake == "df_with_c_t" else c_prev),
        "o": (dc if mistake == "do_from_dc" else dh) * tanh_c,
        "g": dc * i,
    }

    def sigmoid_slope(s):
        return {"no_sigmoid_grad": 1.0, "tanh_grad_on_sigmoid": 1 - s * s}.get(mistake, s * (1 - s))

    slopes = {
        "i": sigmoid_slope(i),
        "f": sigmoid_slope(f),
        "o": sigmoid_slope(o),
        "g": {"no_tanh_grad_g": 1.0, "sigmoid_grad_on_g": g * (1 - g)}.get(mistake, 1 - g * g),
    }
    order = "ifgo" if mistake == "gate_order" else _GATES
    dz = np.vstack([gate_grads[k] * slopes[k] for k in order])
    return dz, (dc if mistake == "dc_prev_without_f" else dc * f)


def _lstm_step_loss(z, c_prev, dh, dcnext):
    """sum(dh * h_t) + sum(dcnext * c_t): a loss whose gradients at h_t and c_t are dh and dcnext."""
    H = c_prev.shape[0]
    i, f, o, g = _sigmoid(z[:H]), _sigmoid(z[H : 2 * H]), _sigmoid(z[2 * H : 3 * H]), np.tanh(z[3 * H :])
    c = f * c_prev + i * g
    return float(np.sum(dh * o * np.tanh(c)) + np.sum(dcnext * c))


def _block_order(got: np.ndarray, expected: np.ndarray, H: int) -> str | None:
    """The gate order of ``got`` when its four (H, B) blocks are those of ``expected`` rearranged."""
    blocks = [expected[k * H : (k + 1) * H] for k in range(4)]
    order = ""
    for k in range(4):
        match = [j for j in range(4) if _is_close(got[k * H : (k + 1) * H], blocks[j])]
        if not match:
            return None
        order += _GATES[match[0]]
    return order if sorted(order) == sorted(_GATES) and order != _GATES else None


def check_lstm_gate_backward(fn, seed: int = 0, H: int = 4, B: int = 1, scale: float = 1.5) -> None:
    """Check ``fn(dh, dcnext, c_prev, i, f, o, g, tanh_c)``: one LSTM step backward, through the cell and gates.

    With ``c_t = f * c_prev + i * g`` and ``h_t = o * tanh(c_t)``, the step receives ``dh`` = dL/dh_t
    (from the output and from step t+1, already added) and ``dcnext``, the gradient reaching c_t from
    step t+1, and returns the gradients of the gates' pre-activations and of the previous cell::

        dc      = dh * o * (1 - tanh_c**2) + dcnext
        dz      = [dc * g * i(1-i);  dc * c_prev * f(1-f);  dh * tanh_c * o(1-o);  dc * i * (1-g**2)]
        dc_prev = dc * f

    Parameters
    ----------
    fn : callable
        ``fn(dh, dcnext, c_prev, i, f, o, g, tanh_c) -> (dz, dc_prev)``; every argument has shape
        (H, B) (``i, f, o`` sigmoid gates, ``g`` the tanh candidate, ``tanh_c`` = tanh(c_t)); ``dz``
        has shape (4H, B), blocks i, f, o, g as in :mod:`rnn_lib.lstm`, and ``dc_prev`` (H, B).
    seed : int
        Seeds the pre-activations z (standard deviation ``scale``), c_prev, dh and dcnext.
    H, B : int
        Hidden size and number of columns (streams).
    scale : float

    Raises
    ------
    AssertionError
        With feedback, when a result differs from the formulas above (checked against finite
        differences) or from ``rnn_lib.lstm.backward`` on a one-step LSTM, or ``fn`` changes its inputs.
    """
    from rnn_lib import lstm

    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, scale, (4 * H, B))
    c_prev, dh, dcnext = rng.normal(0.0, 1.0, (H, B)), rng.normal(0.0, 1.0, (H, B)), rng.normal(0.0, 1.0, (H, B))
    i, f, o, g = _sigmoid(z[:H]), _sigmoid(z[H : 2 * H]), _sigmoid(z[2 * H : 3 * H]), np.tanh(z[3 * H :])
    tanh_c = np.tanh(f * c_prev + i * g)
    names = ("dh", "dcnext", "c_prev", "i", "f", "o", "g", "tanh_c")
    arrays = dict(zip(names, (dh, dcnext, c_prev, i, f, o, g, tanh_c)))
    given = {k: v.copy() for k, v in arrays.items()}
    out = _call(
        fn,
        *given.values(),
        hint=f"fn(dh, dcnext, c_prev, i, f, o, g, tanh_c) gets eight ({H}, {B}) "
        f"arrays; products such as dc * g are elementwise (*), not @.",
    )
    changed = [k for k in names if not np.array_equal(given[k], arrays[k])]
    if changed:
        tip = (
            " `dc = dcnext` makes dc a second name for dcnext, so `dc += ...` changes dcnext as well: "
            "write dc = dh * o * (1 - tanh_c**2) + dcnext, a new array."
            if changed[0] == "dcnext"
            else ""
        )
        raise AssertionError(f"your function changed {changed[0]}, one of its inputs.{tip}")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise AssertionError(
            "return two arrays: dz (the four pre-activation gradients stacked, i, f, o, g) "
            "and dc_prev: return dz, dc_prev"
        )
    got = {
        "dz": _array(out[0], (4 * H, B), "dz (np.vstack of dz_i, dz_f, dz_o, dz_g)"),
        "dc_prev": _array(out[1], (H, B), "dc_prev"),
    }
    dz, dc_prev = _lstm_gate_backward(*arrays.values())
    expected = {"dz": dz, "dc_prev": dc_prev}
    if all(_is_close(got[k], expected[k]) for k in got):
        _check_against_library(fn, lstm, rng, H)
        return

    parts = {f"dz_{k}": slice(j * H, (j + 1) * H) for j, k in enumerate(_GATES)}
    wrong = [k for k, s in parts.items() if not _is_close(got["dz"][s], expected["dz"][s])]
    wrong += ["dc_prev"] if not _is_close(got["dc_prev"], dc_prev) else []
    right = [k for k in (*parts, "dc_prev") if k not in wrong]
    numeric_dz = _numerical_gradient(lambda v: _lstm_step_loss(v, c_prev, dh, dcnext), z)
    numeric_dc = _numerical_gradient(lambda v: _lstm_step_loss(z, v, dh, dcnext), c_prev)
    errors = (
        f"dz {rel_error(got['dz'], numeric_dz).max():.1e}, dc_prev {rel_error(got['dc_prev'], numeric_dc).max():.1e}"
    )
    variants = {
        m: dict(zip(("dz", "dc_prev"), _lstm_gate_backward(*arrays.values(), mistake=m)))
        for m in LSTM_GATE_MISTAKES
        if m != "gate_order"
    }
    message = _first_mistake(got, variants, LSTM_GATE_MISTAKES)
    order = _block_order(got["dz"], dz, H) if _is_close(got["dc_prev"], dc_prev) else None
    if message is None and order is not None:
        message = LSTM_GATE_MISTAKES["gate_order"] + f" Yours are in the order {', '.join(order)}."
    if message is None and {"dz_i", "dz_f", "dz_g", "dc_prev"} <= set(wrong):
        message = (
            "dz_i, dz_f, dz_g and dc_prev are all wrong, and all four are computed from dc: check "
            "dc = dh * o * (1 - tanh_c**2) + dcnext first."
        )
    if message is None:
        message = (
            "compare each wrong part with its line: di = dc * g, df = dc * c_prev, do = dh * tanh_c, "
            "dg = dc * i; then dz_i = di * i * (1 - i) (likewise f, o) and dz_g = dg * (1 - g**2); "
            "dc_prev = dc * f."
        )
    raise AssertionError(
        f"wrong {', '.join(wrong)}"
        + (f" (right: {', '.join(right)})" if right else "")
        + f" with H={H}, B={B}, seed={seed}.\n"
        + message
        + f"\n(largest relative error against finite differences: {errors})"
    )


def _check_against_library(fn, lstm, rng, H: int) -> None:
    """``fn`` on the cache of a one-step ``rnn_lib.lstm`` forward pass must give the library's dz and dc_prev.

    With one step, grads['b0'] is that step's dz and the c part of dL/dhprev is dc_prev (dcnext = 0).
    """
    V = 5
    params = lstm.init_params(V, H, rng)
    params["b0"][...] = rng.normal(0.0, 0.5, (4 * H, 1))
    hprev = rng.normal(0.0, 0.5, (2 * H, 1))
    inputs, targets = rng.integers(V, size=1), rng.integers(V, size=1)
    cache = lstm.forward(params, inputs, hprev)
    grads, dhprev = lstm.backward(params, cache, targets)
    i, f, o, g = (cache["gates"][0, 0, 0, k * H : (k + 1) * H, None] for k in range(4))
    dy = cache["probs"][0].copy()
    dy[targets[0]] -= 1
    dh = params["Why"].T @ dy[:, None]
    out = _call(
        fn,
        dh,
        np.zeros((H, 1)),
        hprev[H:].copy(),
        i.copy(),
        f.copy(),
        o.copy(),
        g.copy(),
        cache["tanh_c"][0, 0, 0, :, None].copy(),
    )
    if not (_is_close(out[0], grads["b0"]) and _is_close(out[1], dhprev[H:])):
        raise AssertionError(
            "your function is right on random inputs but not on a step of rnn_lib.lstm "
            "(a one-step chunk, dcnext = 0): does it use anything other than its arguments?"
        )

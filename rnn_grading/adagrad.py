"""Hidden-test checker for notebook 04: the Adagrad update.

The exercise's test cell has two parts, and :func:`check_adagrad_update` checks either with
``part=``: ``"one step"`` (a single update from an empty memory, as in the notebook's worked
example) and ``"several steps"`` (consecutive updates, where the memory must accumulate, from a
memory that already holds earlier steps).
"""

from __future__ import annotations

import numpy as np

from .common import (
    Adagrad,
    _call,
    _first_mistake,
    _is_close,
)

#: The parts of the exercise's test cell, in order.
ADAGRAD_PARTS = ("one step", "several steps")

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


def check_adagrad_update(
    fn, seed: int = 0, steps: int = 3, learning_rate: float = 0.1, eps: float = 1e-8, part: str | None = None
) -> None:
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
    part : str, optional
        ``"one step"``: one update (``steps`` is ignored) from a memory of zeros.
        ``"several steps"``: ``steps`` (at least 2) updates from a memory that already holds the
        squared gradients of earlier steps. None: ``steps`` updates from zeros.

    Raises
    ------
    AssertionError
        With feedback, when the arrays are replaced instead of updated in place, or the values
        differ from ``rnn_lib.Adagrad``.
    """
    if part not in (None, *ADAGRAD_PARTS):
        raise ValueError(f"part must be one of {ADAGRAD_PARTS}, got {part!r}")
    if part == "one step":
        steps = 1
    elif part == "several steps" and steps < 2:
        raise ValueError("part 'several steps' needs steps >= 2")
    rng = np.random.default_rng(seed)
    H, V = 3, 4
    shapes = {"Wxh": (H, V), "Whh": (H, H), "Why": (V, H), "bh": (H, 1), "by": (V, 1)}
    params = {k: rng.normal(0, 0.1, s) for k, s in shapes.items()}
    memory = {k: np.zeros(s) for k, s in shapes.items()}
    reference = {k: v.copy() for k, v in params.items()}
    opt = Adagrad(reference, learning_rate, eps)
    if part == "several steps":  # earlier steps' squared gradients, except in Wxh's unused column
        for k, s in shapes.items():
            memory[k][...] = rng.normal(0, 1, s) ** 2 * rng.choice([1e-8, 1.0, 100.0], size=s)
        memory["Wxh"][:, 0] = 0.0
        for k in shapes:
            opt.memory[k][...] = memory[k]
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

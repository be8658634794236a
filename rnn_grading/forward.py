"""Hidden-test checker for notebook 01: the forward pass and the loss of a vanilla RNN."""

from __future__ import annotations

import numpy as np

from .common import PARAM_NAMES, _array, _call, _first_mistake, _gist_forward, _is_close, _softmax, init_params

#: The parts of the exercise :func:`check_rnn_forward` can check on their own (one test cell each).
FORWARD_PARTS = ("cache", "loss", "random")

#: Mistakes :func:`check_rnn_forward` recognises in the loss (part "loss"), each a wrong loss
#: computed from the student's own ``ps``.
FORWARD_LOSS_MISTAKES = {
    "log10": "the loss is the right one divided by ln 10: use the natural log, np.log, not np.log10.",
    "log2": "the loss is the right one divided by ln 2 (bits, not nats): use the natural log, np.log.",
    "mean": "the loss is the mean over the steps; it should be their sum, as in the gist "
    "(L = sum over t of -ln p_t[target_t]).",
    "sign": "the loss has the wrong sign: it is -ln p_t[target_t] summed over t, a positive number.",
    "inputs": "the loss reads the probability of the input character, ps[t][inputs[t]]: it should "
    "be the probability of the next character, ps[t][targets[t]].",
    "last_only": "the loss holds only the last step's term: did you write `loss = ...` instead of "
    "`loss += ...`? Every step adds its -ln p_t[target_t].",
    "first_only": "the loss holds only the first step's term: add every step's -ln p_t[target_t].",
}

#: Mistakes :func:`check_rnn_forward` recognises in the hidden states and probabilities (part
#: "random"), each a variant of the forward pass (see :func:`_forward`).
FORWARD_STATE_MISTAKES = {
    "no_hprev": "the states are those of a chunk that starts from zero: step 0 must read hprev "
    "(hs[-1] = hprev, then h_0 = tanh(Wxh x_0 + Whh hs[-1] + bh)).",
    "logits_prev": "p_t is computed from the previous state: the logits of step t are y_t = Why @ hs[t] "
    "+ by, from the state of the same step.",
    "Whh_transposed": "Whh is transposed: the recurrence is Whh @ hs[t - 1]. Whh is square, so the "
    "shapes cannot tell you; only the numbers can.",
    "no_bh": "the hidden bias bh is missing: h_t = tanh(Wxh x_t + Whh h_{t-1} + bh).",
    "no_by": "the output bias by is missing: y_t = Why h_t + by.",
    "no_tanh": "the hidden state must go through tanh: h_t = tanh(Wxh x_t + Whh h_{t-1} + bh).",
    "unnormalised": "the probabilities are not normalised: divide np.exp(y - y.max()) by its sum.",
    "onehot_target": "xs[t] is the one-hot vector of the target: the input of step t is inputs[t].",
}

#: Hints for the exceptions a student's forward pass typically raises, by type.
_HINTS = {
    KeyError: "at t = 0 the recurrence reads hs[-1]: store hs[-1] = hprev (a copy) before the loop, in "
    "a dict, and read hs[t - 1], never hs[t], before step t has computed it.",
    ValueError: "check the shapes: Wxh (H, V) @ x_t (V, 1), Whh (H, H) @ h_{t-1} (H, 1), Why (V, H) @ h_t "
    "(H, 1); x_t = onehot(inputs[t]) is a (V, 1) column.",
    IndexError: "x_t is a (V, 1) column of zeros with a 1 in row inputs[t]; ps[t][targets[t], 0] is the "
    "probability of the target.",
}


def _onehot(i: int, n: int) -> np.ndarray:
    x = np.zeros((n, 1))
    x[i] = 1
    return x


def _forward(params: dict, inputs, hprev, mistake: str | None = None):
    """xs, hs, ps of the gist's forward pass, or of the variant with one of :data:`FORWARD_STATE_MISTAKES`."""
    Wxh, Whh, Why, bh, by = (params[k] for k in PARAM_NAMES)
    V = Wxh.shape[1]
    xs, hs, ps = {}, {-1: np.zeros_like(hprev) if mistake == "no_hprev" else hprev.copy()}, {}
    for t in range(len(inputs)):
        xs[t] = _onehot(inputs[t], V)
        a = Wxh @ xs[t] + (Whh.T if mistake == "Whh_transposed" else Whh) @ hs[t - 1]
        a = a if mistake == "no_bh" else a + bh
        hs[t] = a if mistake == "no_tanh" else np.tanh(a)
        y = Why @ (hs[t - 1] if mistake == "logits_prev" else hs[t]) + (0 if mistake == "no_by" else by)
        ps[t] = np.exp(y - y.max()) if mistake == "unnormalised" else _softmax(y)
    return xs, hs, ps


def _model(rng, V: int, H: int, scale: float = 0.5) -> dict:
    """Random weights (standard deviation ``scale``) and biases (0.3), so that a missing bias shows."""
    params = init_params(V, H, rng, scale=scale)
    params["bh"][...] = rng.normal(0, 0.3, (H, 1))
    params["by"][...] = rng.normal(0, 0.3, (V, 1))
    return params


def _run(fn, params: dict, inputs, targets, hprev, check_inputs: bool = True):
    """Call ``fn`` on copies; check it changed none of its inputs (only in the part "cache", so one
    part answers for it); unpack ``(loss, xs, hs, ps)`` into a float and three dicts of float
    arrays (``hs`` with its key -1)."""
    given = ({k: v.copy() for k, v in params.items()}, list(inputs), list(targets), hprev.copy())
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a missing shift overflows
            out = _call(fn, *given)
    except AssertionError as exc:
        hint = _HINTS.get(type(exc.__cause__))
        if hint is None:
            raise
        raise AssertionError(f"{exc}\nHint: {hint}") from exc.__cause__
    for name, before, after in zip(("params", "inputs", "targets", "hprev"), (params, inputs, targets, hprev), given):
        if not check_inputs:
            break
        same = (
            all(np.array_equal(before[k], after[k]) for k in before)
            if isinstance(before, dict)
            else np.array_equal(np.asarray(before), np.asarray(after))
        )
        if not same:
            tip = (
                " `h = hprev` makes h a second name for hprev, so `h += ...` changes hprev as well: "
                "copy it (np.copy(hprev)) or compute a new array."
                if name == "hprev"
                else ""
            )
            raise AssertionError(f"your function changed {name}, one of its inputs.{tip}")
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        raise AssertionError("return four things, as the gist's forward pass keeps them: return loss, xs, hs, ps")
    loss, xs, hs, ps = out
    if loss is None or np.size(loss) != 1:
        raise AssertionError(f"the loss should be one number (the sum over the steps), got {loss!r:.80}")
    V, H, T = params["Wxh"].shape[1], params["Whh"].shape[0], len(inputs)
    arrays = {}
    for name, store, shape, steps in (
        ("xs", xs, (V, 1), range(T)),
        ("hs", hs, (H, 1), range(-1, T)),
        ("ps", ps, (V, 1), range(T)),
    ):
        arrays[name] = {}
        for t in steps:
            try:
                value = store[t]
            except (KeyError, IndexError, TypeError):
                raise AssertionError(
                    f"{name}[{t}] is missing: {name} must hold one entry per step t = 0, ..., T-1"
                    + (" and hs[-1] = hprev" if name == "hs" else "")
                    + f" (T = {T}); a dict keyed by t, as in the gist, does it."
                ) from None
            a = np.asarray(value, dtype=np.float64) if value is not None else None
            if a is not None and a.shape == shape and not np.all(np.isfinite(a)):
                arrays[name][t] = a  # nan / inf are judged by the caller, which knows why they happen
            else:
                arrays[name][t] = _array(value, shape, f"{name}[{t}]")
    return float(np.asarray(loss, dtype=np.float64).ravel()[0]), arrays["xs"], arrays["hs"], arrays["ps"]


def _check_cache(fn, rng, V: int, H: int, T: int) -> None:
    """Part "cache": the one-hot inputs, hs[-1] = hprev, and distributions of the right shapes."""
    params = _model(rng, V, H)
    hprev = rng.normal(0, 0.5, (H, 1))
    inputs, targets = [int(i) for i in rng.integers(V, size=T)], [int(i) for i in rng.integers(V, size=T)]
    where = f" (V={V}, H={H}, T={T})"
    _, xs, hs, ps = _run(fn, params, inputs, targets, hprev)
    for t in range(T):
        if not _is_close(xs[t], _onehot(inputs[t], V)):
            if _is_close(xs[t], _onehot(targets[t], V)):
                raise AssertionError(FORWARD_STATE_MISTAKES["onehot_target"] + where)
            raise AssertionError(
                f"xs[{t}] should be the one-hot vector of inputs[{t}] = {inputs[t]}: zeros of shape "
                f"(V, 1) with a single 1 in row inputs[{t}]{where}."
            )
    if not _is_close(hs[-1], hprev):
        if _is_close(hs[-1], hs[T - 1]) and T > 1:
            raise AssertionError(
                "hs[-1] is the last state h_{T-1}: hs must be a dict keyed by t with hs[-1] = hprev "
                "(in a list, index -1 means the last element)" + where + "."
            )
        raise AssertionError(f"hs[-1] should be hprev, the state before step 0: store a copy before the loop{where}.")
    for t in range(T):
        if not np.all(np.abs(hs[t]) <= 1):
            raise AssertionError(f"hs[{t}] has entries outside [-1, 1]: h_t = tanh(...), whose values lie in [-1, 1].")
        if not np.all(np.isfinite(ps[t])) or np.any(ps[t] < 0) or abs(ps[t].sum() - 1) > 1e-9:
            raise AssertionError(
                f"ps[{t}] is not a probability distribution (entries >= 0 that sum to 1; its sum is "
                f"{ps[t].sum():.6g}){where}: p_t = softmax(y_t) = exp(y_t - max y_t) / sum(exp(y_t - max y_t))."
            )


def _loss_variants(ps: dict, inputs, targets) -> dict:
    terms = np.array([-np.log(ps[t][targets[t], 0]) for t in range(len(targets))])
    total = terms.sum()
    return {
        "log10": total / np.log(10),
        "log2": total / np.log(2),
        "mean": total / len(terms),
        "sign": -total,
        "inputs": sum(-np.log(ps[t][inputs[t], 0]) for t in range(len(inputs))),
        "last_only": terms[-1],
        "first_only": terms[0],
    }


def _check_loss(fn, rng, V: int, H: int, T: int) -> None:
    """Part "loss": the loss adds -ln p_t[target_t] of the function's own ps; on models whose
    probabilities are known (all weights zero; outputs from the biases alone, at large logits too)."""
    hprev = rng.normal(0, 0.5, (H, 1))
    inputs, targets = [int(i) for i in rng.integers(V, size=T)], [int(i) for i in rng.integers(V, size=T)]
    where = f" (V={V}, H={H}, T={T})"

    def judge(loss, ps, expected, model, note=""):
        if not np.isfinite(loss):
            raise AssertionError(f"the loss is {loss} on {model}{where}.")
        if _is_close(loss, expected):
            return
        variants = _loss_variants(ps, inputs, targets)
        message = _first_mistake({"loss": loss}, {k: {"loss": v} for k, v in variants.items()}, FORWARD_LOSS_MISTAKES)
        raise AssertionError(
            f"on {model}{where} the loss is {loss:.6g}, it should be {expected:.6g}{note}.\n"
            + (message or "L = sum over t of -ln ps[t][targets[t]], with the natural log (np.log).")
        )

    # 1. the loss of the function's own probabilities, on a random model
    params = _model(rng, V, H)
    loss, _, _, ps = _run(fn, params, inputs, targets, hprev, check_inputs=False)
    if all(np.all(np.isfinite(ps[t])) and np.all(ps[t] > 0) for t in range(T)):
        own = float(sum(-np.log(ps[t][targets[t], 0]) for t in range(T)))
        judge(loss, ps, own, "a random model", " (the sum of -ln ps[t][targets[t]] over your own ps)")

    # 2. all weights and biases zero: every p_t is uniform, L = T ln V exactly
    zero = {k: np.zeros_like(v) for k, v in params.items()}
    loss, _, hs, ps = _run(fn, zero, inputs, targets, hprev, check_inputs=False)
    uniform = {t: np.full((V, 1), 1 / V) for t in range(T)}
    if not all(_is_close(ps[t], uniform[t]) for t in range(T)):
        raise AssertionError(
            f"with every weight and bias zero the logits are all 0, so every p_t should be uniform, "
            f"1/V = {1 / V:.4g}{where}."
        )
    judge(loss, uniform, T * np.log(V), "the all-zero model (T ln V)")

    # 3. outputs from the output bias alone, at ordinary and at very large logits
    p = rng.dirichlet(np.ones(V)).reshape(V, 1) * 0.9 + 0.1 / V  # no probability near 0
    for offset, model in ((0.0, "a model whose outputs come from by alone"), (1000.0, "logits near 1000")):
        biased = {**zero, "by": np.log(p) + offset}
        with np.errstate(over="ignore", invalid="ignore"):
            loss, _, _, ps = _run(fn, biased, inputs, targets, hprev, check_inputs=False)
        finite = np.isfinite(loss) and all(np.all(np.isfinite(ps[t])) for t in range(T))
        if offset and not finite:
            raise AssertionError(
                f"with logits near 1000 your ps or loss hold nan or inf{where}: np.exp(1000) overflows. "
                "Subtract the largest logit first, np.exp(y - y.max()): the softmax is unchanged by the "
                "shift, and no exponent is then above 0."
            )
        if not all(_is_close(ps[t], p) for t in range(T)):
            raise AssertionError(
                f"on {model}{where}, ps[t] should be softmax(by) at every step: p_t = softmax(Why h_t + by) "
                "with Why = 0."
            )
        judge(loss, {t: p for t in range(T)}, float(sum(-np.log(p[k, 0]) for k in targets)), model)


def _check_random(fn, rng, V: int, H: int, T: int) -> None:
    """Part "random": hs and ps equal those of rnn_lib's reference forward pass on a random model."""
    params = _model(rng, V, H)
    hprev = rng.normal(0, 0.5, (H, 1))
    inputs, targets = [int(i) for i in rng.integers(V, size=T)], [int(i) for i in rng.integers(V, size=T)]
    _, xs_ref, hs_ref, ps_ref = _gist_forward(params, np.array(inputs), np.array(targets), hprev)
    _, xs, hs, ps = _run(fn, params, inputs, targets, hprev, check_inputs=False)
    got = {**{("h", t): hs[t] for t in range(T)}, **{("p", t): ps[t] for t in range(T)}}
    expected = {**{("h", t): hs_ref[t] for t in range(T)}, **{("p", t): ps_ref[t] for t in range(T)}}
    wrong = [k for k in got if not _is_close(got[k], expected[k])]
    if not wrong:
        return
    header = f"with V={V}, H={H}, T={T}, seed-drawn weights and hprev: "
    variants = {}
    for m in FORWARD_STATE_MISTAKES:
        xs_m, hs_m, ps_m = _forward(params, inputs, hprev, m)
        if m == "onehot_target":
            xs_m, hs_m, ps_m = _forward(params, targets, hprev)
        variants[m] = {**{("h", t): hs_m[t] for t in range(T)}, **{("p", t): ps_m[t] for t in range(T)}}
    message = _first_mistake(got, variants, FORWARD_STATE_MISTAKES)
    if message is None:
        if any(not np.all(np.isfinite(v)) for v in got.values()):
            message = "your hs or ps hold nan or inf: subtract the largest logit before np.exp (np.exp(y - y.max()))."
        elif all(_is_close(got["h", t], expected["h", t]) for t in range(T)):
            message = (
                "every hs[t] is right, so the mistake is in the output: y_t = Why @ hs[t] + by, "
                "p_t = exp(y_t - max y_t) / sum(exp(y_t - max y_t))."
            )
        elif _is_close(got["h", 0], expected["h", 0]):
            first = min(t for t in range(T) if not _is_close(got["h", t], expected["h", t]))
            message = (
                f"h_0 is right but hs[{first}] is not, so the mistake is in what links the steps: "
                "h_t = tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh), with the state of the step before."
            )
        else:
            message = "h_0 is already wrong: h_0 = tanh(Wxh @ x_0 + Whh @ hprev + bh), with x_0 = onehot(inputs[0])."
    first = wrong[0]
    raise AssertionError(
        header
        + f"{'hs' if first[0] == 'h' else 'ps'}[{first[1]}] is wrong"
        + (f" ({len(wrong)} of the {2 * T} arrays are)" if len(wrong) > 1 else "")
        + ".\n"
        + message
    )


def check_rnn_forward(fn, seed: int = 0, part: str | None = None, V: int = 5, H: int = 4, T: int = 6) -> None:
    """Check ``fn(params, inputs, targets, hprev)``: the forward half of the gist's ``lossFun``.

    Parameters
    ----------
    fn : callable
        ``fn(params, inputs, targets, hprev) -> (loss, xs, hs, ps)``: ``params`` holds ``Wxh``
        (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1); ``inputs`` and
        ``targets`` are lists of T ids; ``hprev`` is (H, 1). ``xs[t]`` is the one-hot input (V, 1),
        ``hs[t]`` the state (H, 1) with ``hs[-1]`` equal to ``hprev``, ``ps[t]`` the probabilities
        (V, 1), for t = 0, ..., T-1; ``loss`` is the sum over t of -ln ``ps[t][targets[t]]``.
    seed : int
        Seeds the weights (standard deviation 0.5), the biases (0.3), hprev, inputs and targets.
    part : {"cache", "loss", "random"} or None
        Check only one part (one test cell each): the shapes and what is kept for the backward pass
        (one-hot inputs, ``hs[-1]``, distributions); the loss (from the function's own ``ps``, on the
        all-zero model, on a model whose probabilities are known, at logits near 1000); the states
        and probabilities of a random model against ``rnn_lib``'s reference. ``None``: all three.
    V, H, T : int
        Vocabulary size, hidden size, number of time steps.

    Raises
    ------
    AssertionError
        With feedback naming the mistake when it is a known one (:data:`FORWARD_LOSS_MISTAKES`,
        :data:`FORWARD_STATE_MISTAKES`).
    """
    if part is not None and part not in FORWARD_PARTS:
        raise ValueError(f"part must be one of {FORWARD_PARTS} or None, got {part!r}")
    checks = {"cache": _check_cache, "loss": _check_loss, "random": _check_random}
    for name in FORWARD_PARTS if part is None else (part,):
        checks[name](fn, np.random.default_rng([seed, FORWARD_PARTS.index(name)]), V, H, T)

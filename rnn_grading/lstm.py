"""Hidden-test checker for notebook 12: one step of the LSTM backward pass."""

from __future__ import annotations

import numpy as np

from .common import (
    _array,
    _call,
    _first_mistake,
    _is_close,
    _lib,
    _numerical_gradient,
    rel_error,
)

__all__ = ["check_lstm_gate_backward", "LSTM_GATE_MISTAKES", "LSTM_GATE_PARTS"]

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


#: The parts a test cell can check alone (``part=``), and the blocks of the result each covers.
LSTM_GATE_PARTS = {
    "dz_o": ("dz_o",),
    "dz_i_g": ("dz_i", "dz_g"),
    "dz_f": ("dz_f",),
    "dc_prev": ("dc_prev",),
}
_PIECES = ("dz_i", "dz_f", "dz_o", "dz_g", "dc_prev")

#: What to look at when a part is wrong in no way the table knows.
_PART_HINTS = {
    "dz_o": "the output gate acts after the cell, in h_t = o * tanh(c_t): do = dh * tanh_c, then "
    "dz_o = do * o * (1 - o).",
    "dz_i_g": "both come from dc = dh * o * (1 - tanh_c**2) + dcnext: di = dc * g, dg = dc * i, then "
    "dz_i = di * i * (1 - i) and dz_g = dg * (1 - g**2). If dz_f and dc_prev are wrong too, check dc first.",
    "dz_f": "df = dc * c_prev, with dc = dh * o * (1 - tanh_c**2) + dcnext; then dz_f = df * f * (1 - f). "
    "If dz_i, dz_g and dc_prev are wrong too, check dc first.",
    "dc_prev": "dc_prev = dc * f, with dc = dh * o * (1 - tanh_c**2) + dcnext: the gradient going on to "
    "c_{t-1} along the cell.",
}


def _pieces(dz: np.ndarray, dc_prev: np.ndarray, H: int) -> dict:
    """The four (H, B) blocks of dz, by gate, and dc_prev."""
    return {**{f"dz_{k}": dz[j * H : (j + 1) * H] for j, k in enumerate(_GATES)}, "dc_prev": dc_prev}


def check_lstm_gate_backward(
    fn, seed: int = 0, H: int = 4, B: int = 1, scale: float = 1.5, part: str | None = None
) -> None:
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
    part : one of :data:`LSTM_GATE_PARTS` or None
        Check only that part of the result (``"dz_o"``; ``"dz_i_g"``, the input gate and the
        candidate; ``"dz_f"``; ``"dc_prev"``), so that a test cell per part gives partial credit;
        None checks all of it.

    Raises
    ------
    AssertionError
        With feedback, when a result differs from the formulas above (checked against finite
        differences) or from ``rnn_lib.lstm.backward`` on a one-step LSTM, or ``fn`` changes its inputs.
    """
    if part is not None and part not in LSTM_GATE_PARTS:
        raise ValueError(f"part must be one of {tuple(LSTM_GATE_PARTS)} or None, got {part!r}")
    checked = LSTM_GATE_PARTS[part] if part else _PIECES
    lstm = _lib.lstm

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
    if changed and part in (None, "dc_prev"):  # one part answers for the inputs, not all four
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
    got_dz = _array(out[0], (4 * H, B), "dz (np.vstack of dz_i, dz_f, dz_o, dz_g)") if part != "dc_prev" else None
    got_dc = _array(out[1], (H, B), "dc_prev") if part in (None, "dc_prev") else None
    dz, dc_prev = _lstm_gate_backward(*arrays.values())
    expected = _pieces(dz, dc_prev, H)
    got = _pieces(got_dz if got_dz is not None else dz, got_dc if got_dc is not None else dc_prev, H)
    got = {k: got[k] for k in checked}
    wrong = [k for k in checked if not _is_close(got[k], expected[k])]
    if not wrong:
        _check_against_library(fn, lstm, rng, H, checked)
        return

    right = [k for k in checked if k not in wrong]
    numeric_dz = _numerical_gradient(lambda v: _lstm_step_loss(v, c_prev, dh, dcnext), z)
    numeric_dc = _numerical_gradient(lambda v: _lstm_step_loss(z, v, dh, dcnext), c_prev)
    numeric = _pieces(numeric_dz, numeric_dc, H)
    errors = ", ".join(f"{k} {rel_error(got[k], numeric[k]).max():.1e}" for k in wrong)
    variants = {
        m: _pieces(*_lstm_gate_backward(*arrays.values(), mistake=m), H)
        for m in LSTM_GATE_MISTAKES
        if m != "gate_order"
    }
    message = _first_mistake(got, variants, LSTM_GATE_MISTAKES)
    order = None
    if got_dz is not None and (part or _is_close(got["dc_prev"], dc_prev)):
        order = _block_order(got_dz, dz, H)
    if message is None and order is not None:
        message = LSTM_GATE_MISTAKES["gate_order"] + f" Yours are in the order {', '.join(order)}."
    if message is None and part is None and {"dz_i", "dz_f", "dz_g", "dc_prev"} <= set(wrong):
        message = (
            "dz_i, dz_f, dz_g and dc_prev are all wrong, and all four are computed from dc: check "
            "dc = dh * o * (1 - tanh_c**2) + dcnext first."
        )
    if message is None and part:
        message = _PART_HINTS[part]
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


def _check_against_library(fn, lstm, rng, H: int, checked=_PIECES) -> None:
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
    got, expected = _pieces(np.asarray(out[0]), np.asarray(out[1]), H), _pieces(grads["b0"], dhprev[H:], H)
    if not all(_is_close(got[k], expected[k]) for k in checked):
        raise AssertionError(
            "your function is right on random inputs but not on a step of rnn_lib.lstm "
            "(a one-step chunk, dcnext = 0): does it use anything other than its arguments?"
        )

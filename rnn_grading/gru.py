"""Hidden-test checker for notebook 13: one step of the GRU's backward pass."""

from __future__ import annotations

import numpy as np

from .common import _array, _call, _first_mistake, _is_close, _lib, _numerical_gradient, rel_error

__all__ = ["check_gru_step_backward", "GRU_STEP_MISTAKES", "GRU_STEP_PARTS"]

#: Mistakes :func:`check_gru_step_backward` recognises (a variant of the step each), and what it
#: tells the student.
GRU_STEP_MISTAKES = {
    "dz_sign": "the update gate's gradient has the wrong sign: h_t = n + z * (h_prev - n), so dh_t/dz = "
    "h_prev - n, not n - h_prev. (If you took h_t = z * n + (1 - z) * h_prev: in rnn_lib's GRU z is the "
    "share KEPT of the old state.)",
    "z_swapped": "(1 - z) and z are swapped: in rnn_lib's GRU h_t = (1 - z) * n + z * h_prev, so z is the "
    "share KEPT of the old state. Then dn's pre-activation gets dh * (1 - z) * (1 - n**2), the update gate "
    "dh * (h_prev - n) * z * (1 - z), and the direct road z * dh (some texts swap the roles; this one "
    "does not).",
    "z_tanh_slope": "the update gate is a sigmoid: its slope is z * (1 - z), not 1 - z**2.",
    "z_no_slope": "the update gate's gradient lacks the sigmoid's slope z * (1 - z): the block is the "
    "gradient of z's pre-activation a_z + m_z, not of z.",
    "n_no_slope": "the candidate's gradient lacks tanh's slope: n = tanh(...), so multiply by 1 - n**2 to "
    "reach its pre-activation (and r's gradient, which goes through it, is wrong with it).",
    "r_no_hn": "the reset gate multiplies hn = m_n + bhn inside tanh: dr = dn * hn * r * (1 - r), with dn "
    "the gradient of n's pre-activation; hn is missing from yours.",
    "r_no_slope": "the reset gate's gradient lacks the sigmoid's slope r * (1 - r).",
    "r_on_a_n": "r multiplies m_n (the recurrent part), not a_n: the n block of dL/da is dn itself and the "
    "n block of dL/dm is r * dn. Yours has them the other way round.",
    "dm_n_without_r": "the n block of dL/dm misses r: n's pre-activation is a_n + r * (m_n + bhn), so "
    "dL/dm_n = r * dn.",
    "reset_before_product": "you applied the reset gate to h_prev BEFORE the product with the weights (the "
    "GRU of Cho et al., n = tanh(a_n + W_n (r * h_prev))); rnn_lib's GRU, like PyTorch's and cuDNN's, "
    "applies it AFTER: n = tanh(a_n + r * (W_n h_prev + bhn)). So dr = dn * hn * r * (1 - r), "
    "dL/dm_n = r * dn, and h_prev gets W_h.T @ dm.",
    "no_direct": "dh_prev misses the direct road: h_t = (1 - z) * n + z * h_prev contains h_prev itself, so "
    "besides the three roads through W_h (W_h.T @ dm) it gets z * dh.",
    "Wh_not_transposed_blocks": "dh_prev must be W_h.T @ dm, all three blocks of dm through the whole "
    "(3H, H) matrix at once; yours uses only part of W_h or of dm.",
    "gate_order": "each block is right, but the blocks are stacked in the wrong order: rnn_lib's GRU has "
    "rows r (0:H), z (H:2H), n (2H:3H), the order the forward pass split a and m in.",
}

#: The parts a test cell can check alone (``part=``), and the blocks each covers.
GRU_STEP_PARTS = {
    "update": ("da_z", "dm_z"),
    "reset_candidate": ("da_r", "da_n", "dm_r", "dm_n"),
    "dh_prev": ("dh_prev",),
}
_PIECES = ("da_r", "da_z", "da_n", "dm_r", "dm_z", "dm_n", "dh_prev")
_BLOCKS = "rzn"

_PART_HINTS = {
    "update": "write h_t = n + z * (h_prev - n): dh_t/dz = h_prev - n; then the sigmoid's slope z * (1 - z). "
    "Its pre-activation is a_z + m_z, so the z blocks of dL/da and dL/dm are the same.",
    "reset_candidate": "first dn = dh * (1 - z) * (1 - n**2), the gradient of n's pre-activation "
    "a_n + r * hn; then dr = dn * hn * r * (1 - r); da = [dr; dz; dn], dm = [dr; dz; r * dn].",
    "dh_prev": "h_prev reaches h_t by four roads: the three blocks of m = W_h h_prev (W_h.T @ dm, with YOUR "
    "dm) and directly, z * dh.",
}


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _gru_step(a, h_prev, Wh, bhn):
    """h_t and (r, z, n, hn) of one GRU step, column-wise (rnn_lib's GRU: reset after the product)."""
    H = h_prev.shape[0]
    m = Wh @ h_prev
    r, z = _sigmoid(a[:H] + m[:H]), _sigmoid(a[H : 2 * H] + m[H : 2 * H])
    hn = m[2 * H :] + bhn
    n = np.tanh(a[2 * H :] + r * hn)
    return (1 - z) * n + z * h_prev, (r, z, n, hn)


def _gru_step_backward(dh, h_prev, Wh, step, mistake: str | None = None, dm_given=None):
    """(da, dm, dh_prev) of one GRU step, or the variant with one named mistake of :data:`GRU_STEP_MISTAKES`.

    ``dm_given`` replaces dm in dh_prev = W_h.T @ dm + z * dh (the part "dh_prev" is checked with the
    student's own dm).
    """
    r, z, n, hn = step
    H = h_prev.shape[0]
    keep = 1 - z if mistake == "z_swapped" else z  # the share of h_prev kept
    n_slope = 1.0 if mistake == "n_no_slope" else 1 - n**2
    dn = dh * (1 - keep) * n_slope
    z_slope = {"z_tanh_slope": 1 - z**2, "z_no_slope": 1.0}.get(mistake, z * (1 - z))
    dz = dh * ((n - h_prev) if mistake in ("dz_sign", "z_swapped") else (h_prev - n)) * z_slope
    r_slope = 1.0 if mistake == "r_no_slope" else r * (1 - r)
    Wn = Wh[2 * H :]
    if mistake == "reset_before_product":
        dr = (Wn.T @ dn) * h_prev * r_slope
    else:
        dr = dn * (1.0 if mistake == "r_no_hn" else hn) * r_slope
    da_n, dm_n = dn, r * dn
    if mistake == "r_on_a_n":
        da_n, dm_n = r * dn, dn
    if mistake in ("dm_n_without_r", "reset_before_product"):
        dm_n = dn
    blocks_a, blocks_m = {"r": dr, "z": dz, "n": da_n}, {"r": dr, "z": dz, "n": dm_n}
    order = "zrn" if mistake == "gate_order" else _BLOCKS
    da = np.vstack([blocks_a[k] for k in order])
    dm = np.vstack([blocks_m[k] for k in order])
    dm_road = dm if dm_given is None else dm_given
    if mistake == "reset_before_product":  # W_n's road into h_prev passes the reset gate too
        through_W = Wh[: 2 * H].T @ dm_road[: 2 * H] + r * (Wn.T @ dn)
    elif mistake == "Wh_not_transposed_blocks":
        through_W = Wh[: 2 * H].T @ dm_road[: 2 * H]
    else:
        through_W = Wh.T @ dm_road
    dh_prev = through_W + (0.0 if mistake == "no_direct" else keep * dh)
    return da, dm, dh_prev


def _pieces(da, dm, dh_prev, H: int) -> dict:
    out = {f"da_{k}": da[j * H : (j + 1) * H] for j, k in enumerate(_BLOCKS)}
    out.update({f"dm_{k}": dm[j * H : (j + 1) * H] for j, k in enumerate(_BLOCKS)})
    out["dh_prev"] = dh_prev
    return out


def _step_loss(a, m, h_prev, bhn, dh) -> float:
    """sum(dh * h_t) for one step whose input part a and recurrent part m = W_h h_prev are given: its
    gradients in a and m are da and dm, and in h_prev the direct road only."""
    H = h_prev.shape[0]
    r, z = _sigmoid(a[:H] + m[:H]), _sigmoid(a[H : 2 * H] + m[H : 2 * H])
    n = np.tanh(a[2 * H :] + r * (m[2 * H :] + bhn))
    return float(np.sum(dh * ((1 - z) * n + z * h_prev)))


def check_gru_step_backward(
    fn, seed: int = 0, H: int = 4, B: int = 1, scale: float = 1.5, part: str | None = None
) -> None:
    """Check ``fn(dh, h_prev, Wh, step) -> (da, dm, dh_prev)``: one step of rnn_lib's GRU backward.

    With ``r, z, n, hn = step`` from the forward step (``hn = m_n + bhn``)::

        dn      = dh * (1 - z) * (1 - n**2)         # n's pre-activation
        dz      = dh * (h_prev - n) * z * (1 - z)   # z's
        dr      = dn * hn * r * (1 - r)             # r's, through n
        da      = [dr; dz; dn]                      # dL/d(Wx x + b)
        dm      = [dr; dz; r * dn]                  # dL/d(Wh h_prev)
        dh_prev = Wh.T @ dm + z * dh

    Parameters
    ----------
    fn : callable
        ``fn(dh, h_prev, Wh, step)``: ``dh`` and ``h_prev`` (H, B), ``Wh`` (3H, H), ``step`` the tuple
        ``(r, z, n, hn)`` of (H, B) arrays; returns ``da`` and ``dm`` (3H, B), blocks r, z, n, and
        ``dh_prev`` (H, B).
    seed : int
        Seeds the step's input part a (standard deviation ``scale``), h_prev, Wh, bhn and dh.
    H, B : int
    scale : float
    part : one of :data:`GRU_STEP_PARTS` or None
        ``"update"`` (the z blocks of da and dm), ``"reset_candidate"`` (the r and n blocks),
        ``"dh_prev"`` (checked as W_h.T @ (the student's own dm) + the direct road, so that a wrong dm
        costs only its own parts; only this part checks that ``fn`` leaves its inputs unchanged, so
        that an in-place change costs one part, not three); None checks everything.

    Raises
    ------
    AssertionError
        With feedback naming the wrong blocks and the mistake when it is a known one, and the errors
        against finite differences of the step's loss; also when ``fn`` changes its inputs (parts
        ``"dh_prev"`` and None) or gives other results than ``rnn_lib.gru.step_backward``.
    """
    if part is not None and part not in GRU_STEP_PARTS:
        raise ValueError(f"part must be one of {tuple(GRU_STEP_PARTS)} or None, got {part!r}")
    checked = GRU_STEP_PARTS[part] if part else _PIECES
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, scale, (3 * H, B))
    h_prev = np.tanh(rng.normal(0.0, 1.0, (H, B)))
    Wh = rng.normal(0.0, 1.0 / np.sqrt(H), (3 * H, H))
    bhn = rng.normal(0.0, 0.5, (H, 1))
    dh = rng.normal(0.0, 1.0, (H, B))
    _, step = _gru_step(a, h_prev, Wh, bhn)
    arrays = {"dh": dh, "h_prev": h_prev, "Wh": Wh, **dict(zip(("r", "z", "n", "hn"), step))}
    given = {k: v.copy() for k, v in arrays.items()}
    out = _call(
        fn,
        given["dh"],
        given["h_prev"],
        given["Wh"],
        tuple(given[k] for k in ("r", "z", "n", "hn")),
        hint=f"fn(dh, h_prev, Wh, step) gets dh and h_prev ({H}, {B}), Wh ({3 * H}, {H}) and step = "
        f"(r, z, n, hn), four ({H}, {B}) arrays; gate products are elementwise (*), only Wh.T @ dm is @.",
    )
    # inputs changed in place cost one part only, "dh_prev" (the exercise's text says so)
    changed = [k for k in arrays if not np.array_equal(given[k], arrays[k])] if part in (None, "dh_prev") else []
    if changed:
        raise AssertionError(f"your function changed {changed[0]}, one of its inputs: compute new arrays instead.")
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise AssertionError("return three arrays: return da, dm, dh_prev")
    da = _array(out[0], (3 * H, B), "da (np.vstack of the r, z, n blocks)") if part != "dh_prev" else None
    try:
        dm = _array(out[1], (3 * H, B), "dm (np.vstack of the r, z, n blocks)")
    except AssertionError:
        if part != "dh_prev":
            raise
        dm = None  # then dh_prev is checked against the right dm
    got_dh_prev = _array(out[2], (H, B), "dh_prev") if part in (None, "dh_prev") else None

    exp_da, exp_dm, _ = _gru_step_backward(dh, h_prev, Wh, step)
    # dh_prev with the student's own dm: a wrong dm costs the parts "update" and "reset_candidate" only
    _, _, exp_dh_prev = _gru_step_backward(dh, h_prev, Wh, step, dm_given=dm if part == "dh_prev" else None)
    expected = _pieces(exp_da, exp_dm, exp_dh_prev, H)
    got = _pieces(
        da if da is not None else exp_da,
        dm if dm is not None else exp_dm,
        got_dh_prev if got_dh_prev is not None else exp_dh_prev,
        H,
    )
    got = {k: got[k] for k in checked}
    wrong = [k for k in checked if not _is_close(got[k], expected[k])]
    if not wrong:
        _check_against_library(fn, rng, H, checked)
        return

    right = [k for k in checked if k not in wrong]
    variants = {
        m: _pieces(*_gru_step_backward(dh, h_prev, Wh, step, m, dm_given=dm if part == "dh_prev" else None), H)
        for m in GRU_STEP_MISTAKES
    }
    message = _first_mistake(got, variants, GRU_STEP_MISTAKES)
    if message is None:
        message = _PART_HINTS[part] if part else " ".join(_PART_HINTS.values())
    m = Wh @ h_prev
    numeric = _pieces(
        _numerical_gradient(lambda v: _step_loss(v, m, h_prev, bhn, dh), a),
        _numerical_gradient(lambda v: _step_loss(a, v, h_prev, bhn, dh), m),
        _numerical_gradient(lambda v: _step_loss(a, Wh @ v, v, bhn, dh), h_prev),
        H,
    )
    errors = ", ".join(f"{k} {rel_error(got[k], numeric[k]).max():.1e}" for k in wrong)
    raise AssertionError(
        f"wrong {', '.join(wrong)}"
        + (f" (right: {', '.join(right)})" if right else "")
        + f" with H={H}, B={B}, seed={seed}.\n"
        + message
        + f"\n(largest relative error against finite differences: {errors})"
    )


def _check_against_library(fn, rng, H: int, checked) -> None:
    """``fn`` on a step of ``rnn_lib.gru.forward`` must give ``rnn_lib.gru.step_backward``'s results."""
    gru = _lib.gru
    V, B = 5, 2
    params = gru.init_params(V, H, rng)
    for name in ("b0", "bhn0"):
        params[name] += rng.normal(0.0, 0.5, params[name].shape)
    h_prev = np.tanh(rng.normal(0.0, 1.0, (H, B)))
    cache = gru.forward(params, rng.integers(V, size=(1, B)), h_prev)
    r, z = cache["rz"][0, 0, :, :H].T.copy(), cache["rz"][0, 0, :, H:].T.copy()
    n, hn = cache["n"][0, 0].T.copy(), cache["hn"][0, 0].T.copy()
    dh = rng.normal(0.0, 1.0, (H, B))
    dh_prev, da_n, dm = np.zeros((H, B)), np.empty((H, B)), np.empty((3 * H, B))
    Wh = params["Wh0"]
    gru.step_backward(
        dh.copy(), dh_prev, r, z, n, hn, h_prev, Wh.T.copy(), da_n, dm, tuple(np.empty((H, B)) for _ in range(4))
    )
    lib_da = np.vstack([dm[: 2 * H], da_n])
    lib = _pieces(lib_da, dm, dh_prev, H)
    out = _call(fn, dh, h_prev.copy(), Wh.copy(), (r, z, n, hn))

    def theirs(value, like):  # an output the checked part does not use may have any shape
        a = None if value is None else np.asarray(value, dtype=np.float64)
        return a if a is not None and a.shape == like.shape else like

    got_dm = theirs(out[1], dm)
    got = _pieces(theirs(out[0], lib_da), got_dm, theirs(out[2], dh_prev), H)
    if checked == GRU_STEP_PARTS["dh_prev"]:  # the direct road: the part is checked with the student's own dm
        got["dh_prev"] = got["dh_prev"] - Wh.T @ got_dm
        lib["dh_prev"] = lib["dh_prev"] - Wh.T @ dm
    if not all(_is_close(got[k], lib[k]) for k in checked):
        raise AssertionError(
            "your function is right on random inputs but not on a step of rnn_lib.gru: does it use "
            "anything other than its arguments?"
        )

"""The plain, per-step versions of the three cells, written the way the derivation notebooks write them.

One stream, one column vector per time step, a one-hot input vector multiplied by the input
weights, one layer after the other at each step, a softmax per step, and the backward pass step by
step: slow, but each line is one line of the maths. The fast cells (:mod:`rnn_lib.rnn`,
:mod:`rnn_lib.lstm`, :mod:`rnn_lib.gru`) are tested against them (they agree to 1e-12 in float64),
the homework graders build on :func:`rnn_forward_reference`, and the benchmark measures the
speed-up over :func:`loss_and_grads_reference`.

Dimension letters: V vocabulary size, H hidden size, T time steps, L layers, S the size of the
whole recurrent state (LSTM 2*H*L, GRU H*L).
"""

from __future__ import annotations

import numpy as np

__all__ = ["rnn_forward_reference", "loss_and_grads_reference", "lstm_reference", "gru_reference", "REFERENCES"]


def _onehot(i: int, n: int) -> np.ndarray:
    x = np.zeros((n, 1))
    x[i] = 1
    return x


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _n_layers(params: dict) -> int:
    return sum(1 for k in params if k.startswith("Wh") and k[2:].isdigit())


def rnn_forward_reference(params: dict, inputs, targets, hprev):
    """The gist's forward pass for one stream: the loss and every step's x_t, h_t and p_t.

    Parameters
    ----------
    params : dict
        ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1).
    inputs, targets : sequences of int, length T
    hprev : array, shape (H, 1)

    Returns
    -------
    loss : float
        Summed over the T steps (nats).
    xs, hs, ps : dicts by step t
        One-hot x_t (V, 1), h_t (H, 1) and p_t (V, 1); ``hs[-1]`` is a copy of ``hprev``.
    """
    Wxh, Whh, Why, bh, by = (params[k] for k in ("Wxh", "Whh", "Why", "bh", "by"))
    V = Wxh.shape[1]
    xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = _onehot(inputs[t], V)
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        y = Why @ hs[t] + by
        e = np.exp(y - y.max())
        ps[t] = e / e.sum()
        loss += -np.log(ps[t][targets[t], 0])
    return float(loss), xs, hs, ps


def loss_and_grads_reference(params: dict, inputs, targets, hprev, clip: float | None = 5.0):
    """Loss, gradients and last hidden state for one stream, step by step.

    Parameters
    ----------
    params : dict
        ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1).
    inputs, targets : sequences of int, length T
    hprev : array, shape (H, 1)
    clip : float or None

    Returns
    -------
    loss : float
    grads : dict keyed like ``params``
    h_last : array, shape (H, 1)
    """
    Wxh, Whh, Why, bh, by = (params[k] for k in ("Wxh", "Whh", "Why", "bh", "by"))
    loss, xs, hs, ps = rnn_forward_reference(params, inputs, targets, hprev)
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1
        dWhy += dy @ hs[t].T
        dby += dy
        dh = Why.T @ dy + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        dbh += dhraw
        dWxh += dhraw @ xs[t].T
        dWhh += dhraw @ hs[t - 1].T
        dhnext = Whh.T @ dhraw
    grads = {"Wxh": dWxh, "Whh": dWhh, "Why": dWhy, "bh": dbh, "by": dby}
    if clip is not None:
        for g in grads.values():
            np.clip(g, -clip, clip, out=g)
    return loss, grads, hs[len(inputs) - 1]


def lstm_reference(params, inputs, targets, hprev, clip=None):
    """Loss, gradients and last state of an LSTM (:mod:`rnn_lib.lstm`) for one stream, step by step.

    Parameters
    ----------
    params : dict
        Keyed as :func:`rnn_lib.lstm.param_shapes`, any number of layers.
    inputs, targets : sequences of int, length T
    hprev : array, shape (S, 1)
        h then c of layer 0, then of layer 1, ...
    clip : float or None

    Returns
    -------
    loss : float
    grads : dict keyed like ``params``
    h_last : array, shape (S, 1)
    """
    Vn, Hn = params["Why"].shape
    L = _n_layers(params)
    Wx = [params[f"Wx{l}"] for l in range(L)]
    Wh = [params[f"Wh{l}"] for l in range(L)]
    b = [params[f"b{l}"] for l in range(L)]
    Why, by = params["Why"], params["by"]
    h = {(l, -1): hprev[2 * l * Hn : 2 * l * Hn + Hn] for l in range(L)}
    c = {(l, -1): hprev[2 * l * Hn + Hn : 2 * (l + 1) * Hn] for l in range(L)}
    inp, gates, ps = {}, {}, {}
    loss = 0.0
    for t in range(len(inputs)):
        x = _onehot(inputs[t], Vn)
        for l in range(L):
            inp[l, t] = x
            z = Wx[l] @ x + Wh[l] @ h[l, t - 1] + b[l]
            i, f, o, g = (
                _sigmoid(z[:Hn]),
                _sigmoid(z[Hn : 2 * Hn]),
                _sigmoid(z[2 * Hn : 3 * Hn]),
                np.tanh(z[3 * Hn :]),
            )
            gates[l, t] = i, f, o, g
            c[l, t] = f * c[l, t - 1] + i * g
            h[l, t] = o * np.tanh(c[l, t])
            x = h[l, t]
        y = Why @ h[L - 1, t] + by
        e = np.exp(y - y.max())
        ps[t] = e / e.sum()
        loss += -np.log(ps[t][targets[t], 0])

    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext = {l: np.zeros((Hn, 1)) for l in range(L)}
    dcnext = {l: np.zeros((Hn, 1)) for l in range(L)}
    for t in reversed(range(len(inputs))):
        dy = ps[t].copy()
        dy[targets[t]] -= 1
        grads["Why"] += dy @ h[L - 1, t].T
        grads["by"] += dy
        dx = Why.T @ dy  # dL/dh_t of the top layer, from y_t
        for l in reversed(range(L)):
            i, f, o, g = gates[l, t]
            dh = dx + dhnext[l]
            tc = np.tanh(c[l, t])
            do = dh * tc
            dc = dh * o * (1 - tc**2) + dcnext[l]
            di, df, dg = dc * g, dc * c[l, t - 1], dc * i
            dz = np.vstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g**2)])
            grads[f"Wx{l}"] += dz @ inp[l, t].T
            grads[f"Wh{l}"] += dz @ h[l, t - 1].T
            grads[f"b{l}"] += dz
            dhnext[l] = Wh[l].T @ dz
            dcnext[l] = dc * f
            dx = Wx[l].T @ dz  # dL/dh_t of the layer below
    if clip is not None:
        grads = {k: np.clip(g, -clip, clip) for k, g in grads.items()}
    T_ = len(inputs) - 1
    h_last = np.vstack([a for l in range(L) for a in (h[l, T_], c[l, T_])])
    return loss, grads, h_last


def gru_reference(params, inputs, targets, hprev, clip=None):
    """Loss, gradients and last state of a GRU (:mod:`rnn_lib.gru`) for one stream, step by step.

    Parameters
    ----------
    params : dict
        Keyed as :func:`rnn_lib.gru.param_shapes`, any number of layers.
    inputs, targets : sequences of int, length T
    hprev : array, shape (S, 1)
        h of layer 0, then of layer 1, ...
    clip : float or None

    Returns
    -------
    loss : float
    grads : dict keyed like ``params``
    h_last : array, shape (S, 1)
    """
    Vn, Hn = params["Why"].shape
    L = _n_layers(params)
    Wx = [params[f"Wx{l}"] for l in range(L)]
    Wh = [params[f"Wh{l}"] for l in range(L)]
    b = [params[f"b{l}"] for l in range(L)]
    bhn = [params[f"bhn{l}"] for l in range(L)]
    Why, by = params["Why"], params["by"]
    h = {(l, -1): hprev[l * Hn : (l + 1) * Hn] for l in range(L)}
    inp, saved, ps = {}, {}, {}
    loss = 0.0
    for t in range(len(inputs)):
        x = _onehot(inputs[t], Vn)
        for l in range(L):
            inp[l, t] = x
            a = Wx[l] @ x + b[l]
            m = Wh[l] @ h[l, t - 1]
            r = _sigmoid(a[:Hn] + m[:Hn])
            z = _sigmoid(a[Hn : 2 * Hn] + m[Hn : 2 * Hn])
            hn = m[2 * Hn :] + bhn[l]
            n = np.tanh(a[2 * Hn :] + r * hn)
            h[l, t] = (1 - z) * n + z * h[l, t - 1]
            saved[l, t] = r, z, n, hn
            x = h[l, t]
        y = Why @ h[L - 1, t] + by
        e = np.exp(y - y.max())
        ps[t] = e / e.sum()
        loss += -np.log(ps[t][targets[t], 0])

    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext = {l: np.zeros((Hn, 1)) for l in range(L)}
    for t in reversed(range(len(inputs))):
        dy = ps[t].copy()
        dy[targets[t]] -= 1
        grads["Why"] += dy @ h[L - 1, t].T
        grads["by"] += dy
        dx = Why.T @ dy
        for l in reversed(range(L)):
            r, z, n, hn = saved[l, t]
            dh = dx + dhnext[l]
            dn_pre = dh * (1 - z) * (1 - n**2)
            dz_pre = dh * (h[l, t - 1] - n) * z * (1 - z)
            dr_pre = dn_pre * hn * r * (1 - r)
            da = np.vstack([dr_pre, dz_pre, dn_pre])  # input part a = Wx x + b
            dm = np.vstack([dr_pre, dz_pre, dn_pre * r])  # recurrent part m = Wh h
            grads[f"Wx{l}"] += da @ inp[l, t].T
            grads[f"b{l}"] += da
            grads[f"Wh{l}"] += dm @ h[l, t - 1].T
            grads[f"bhn{l}"] += dn_pre * r
            dhnext[l] = Wh[l].T @ dm + dh * z
            dx = Wx[l].T @ da
    if clip is not None:
        grads = {k: np.clip(g, -clip, clip) for k, g in grads.items()}
    T_ = len(inputs) - 1
    return loss, grads, np.vstack([h[l, T_] for l in range(L)])


#: The plain reference of each cell, by the names of :mod:`rnn_lib.cells`.
REFERENCES = {"rnn": loss_and_grads_reference, "lstm": lstm_reference, "gru": gru_reference}

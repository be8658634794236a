"""The plain, per-step version of the RNN, written the way the derivation notebooks write it.

One column vector per time step, a one-hot input vector multiplied by ``Wxh``, and a softmax per
step: slow, but each line is one line of the maths. The library's :mod:`rnn_lib.model` is tested
against it (they agree to 1e-12) and the benchmark measures the speed-up over it.

Dimension letters: V vocabulary size, H hidden size, T time steps.
"""
from __future__ import annotations

import numpy as np

__all__ = ["loss_and_grads_reference"]


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
    V = Wxh.shape[1]
    xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = np.zeros((V, 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        y = Why @ hs[t] + by
        e = np.exp(y - y.max())
        ps[t] = e / e.sum()
        loss += -np.log(ps[t][targets[t], 0])

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
    return float(loss), grads, hs[len(inputs) - 1]

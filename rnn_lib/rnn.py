"""The vanilla RNN: parameters, forward pass, loss and backward pass (truncated BPTT).

Dimension letters: V vocabulary size, H hidden size, T time steps, B batch (parallel streams).

The maths, for one stream (column vectors, as in the gist)::

    h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)      x_t one-hot, so Wxh x_t is column x_t of Wxh
    y_t = Why h_t + by                          unnormalised log-probabilities (logits)
    p_t = softmax(y_t)
    L   = sum_t -log p_t[target_t]              averaged over the B streams

Internally a batch of hidden states is stored row-wise, ``(B, H)``, so that the states of all T
steps form one contiguous ``(T*B, H)`` matrix: the output layer, the softmax and most of the backward
pass then run as a few large matrix products after the time loop, instead of T small ones. The public
functions take and return hidden states column-wise, ``(H, B)``, like the gist.
"""
from __future__ import annotations

import numpy as np

from .flat import packed_buffer, packed_zeros

__all__ = ["PARAM_NAMES", "init_params", "param_shapes", "initial_state", "output_logits", "forward",
           "cross_entropy", "backward", "loss_and_grads", "clip_grads"]

PARAM_NAMES = ("Wxh", "Whh", "Why", "bh", "by")


def init_params(vocab_size: int, hidden_size: int, rng: np.random.Generator,
                scale: float | None = 0.01, dtype=np.float64, layers: int = 1) -> dict:
    """Random small weights and zero biases, as in the gist.

    Parameters
    ----------
    vocab_size : int
        V.
    hidden_size : int
        H.
    rng : numpy.random.Generator
        Source of randomness, e.g. ``np.random.default_rng(0)``.
    scale : float
        Standard deviation of the weights (``None``: the gist's 0.01). Small weights make the first
        predictions nearly uniform and keep ``tanh`` away from its flat ends; random values break
        the symmetry between hidden units. (The gradient through time still vanishes at the start,
        since ``Whh`` is tiny; Adagrad's first steps enlarge it quickly.)
    dtype : numpy dtype
        ``np.float64`` (gradient checks) or ``np.float32`` (faster training).
    layers : int
        Must be 1: the vanilla RNN of the gist has a single layer.

    Returns
    -------
    dict
        ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1).
    """
    for name, value in (("vocab_size", vocab_size), ("hidden_size", hidden_size)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    V, H = int(vocab_size), int(hidden_size)
    scale = 0.01 if scale is None else scale
    params = packed_zeros(param_shapes(V, H, layers), np.dtype(dtype))
    for name in ("Wxh", "Whh", "Why"):  # the gist's order of random draws; biases start at 0
        params[name][...] = rng.standard_normal(params[name].shape) * scale
    return params


def param_shapes(vocab_size: int, hidden_size: int, layers: int = 1) -> dict:
    """Shapes of the parameters: ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1)."""
    if layers != 1:
        raise ValueError(f"the vanilla RNN has one layer (got layers={layers}); use the lstm or gru cell "
                         f"for a deeper model")
    V, H = vocab_size, hidden_size
    return {"Wxh": (H, V), "Whh": (H, H), "Why": (V, H), "bh": (H, 1), "by": (V, 1)}


def initial_state(params: dict, batch_size: int = 1) -> np.ndarray:
    """The all-zero hidden state, shape (H, B)."""
    return np.zeros((params["Whh"].shape[0], batch_size), params["Whh"].dtype)


def output_logits(params: dict, state) -> np.ndarray:
    """Logits of the next character in hidden state ``state`` (H, B): ``Why @ h + by``, shape (V, B)."""
    return params["Why"] @ state + params["by"]


def _as_steps(ids, name: str, V: int) -> np.ndarray:
    """Validate an id array of shape (T,) or (T, B); return it as (T, B)."""
    ids = np.asarray(ids)
    if ids.ndim == 1:
        ids = ids[:, None]
    if ids.ndim != 2 or ids.shape[0] == 0 or ids.shape[1] == 0:
        raise ValueError(f"{name} must have shape (T,) or (T, B) with T, B >= 1, got shape {ids.shape}")
    if not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"{name} must hold integer character ids (use vocab.encode), got dtype {ids.dtype}")
    lo, hi = ids.min(), ids.max()
    if lo < 0 or hi >= V:
        raise ValueError(f"{name} holds id {lo if lo < 0 else hi}, outside 0..{V - 1} "
                         f"(the vocabulary has V={V} characters)")
    return ids


def forward(params: dict, inputs, hprev) -> dict:
    """Run the RNN over T steps and compute the output distributions.

    Parameters
    ----------
    params : dict
        As returned by :func:`init_params`.
    inputs : int array, shape (T,) or (T, B)
        Character ids fed in at each step.
    hprev : array, shape (H, 1) or (H, B)
        Hidden state before the first step.

    Returns
    -------
    dict (the cache for :func:`backward`)
        ``hs`` (T+1, B, H): ``hs[0]`` is ``hprev`` and ``hs[t+1]`` is h_t, stored row-wise;
        ``logits`` (T*B, V): y_t shifted by its maximum (softmax is unchanged by the shift, and
        ``exp`` can no longer overflow); ``probs`` (T*B, V); ``log_norm`` (T*B,): log of the
        softmax denominator; ``inputs`` (T, B); ``h_last`` (H, B).
    """
    Wxh, Whh, Why, bh, by = (params[k] for k in PARAM_NAMES)
    H, V = Wxh.shape
    x = _as_steps(inputs, "inputs", V)
    T, B = x.shape
    hprev = np.asarray(hprev)
    if hprev.shape != (H, B):
        raise ValueError(f"hprev must have shape (H, B) = ({H}, {B}) for these inputs, got {hprev.shape}")
    dtype = Whh.dtype

    hs = np.empty((T + 1, B, H), dtype)
    hs[0] = hprev.T
    # Wxh @ onehot(x_t) is just column x_t of Wxh: a lookup, not a product. Do all T*B at once.
    hs[1:] = Wxh.T[x] + bh.T
    WhhT = np.ascontiguousarray(Whh.T)  # a contiguous copy makes the small products faster
    recurrent = np.empty((B, H), dtype)
    for t in range(T):
        h = hs[t + 1]
        np.dot(hs[t], WhhT, out=recurrent)  # row form of Whh @ h_{t-1}
        h += recurrent
        np.tanh(h, out=h)

    # The output layer does not feed the recurrence, so all T steps share one product.
    states = hs[1:].reshape(T * B, H)
    logits = states @ Why.T
    logits += by.T
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    total = probs.sum(axis=1, keepdims=True)
    probs /= total
    return {"hs": hs, "logits": logits, "probs": probs, "log_norm": np.log(total[:, 0]),
            "inputs": x, "h_last": hs[T].T.copy()}


def cross_entropy(cache: dict, targets) -> float:
    """Cross-entropy of the targets under the cached distributions, in nats.

    Summed over the T steps and averaged over the B streams: at B=1 this is the gist's ``loss``.

    Parameters
    ----------
    cache : dict
        From :func:`forward`.
    targets : int array, shape (T,) or (T, B)
    """
    x = cache["inputs"]
    T, B = x.shape
    y = _as_steps(targets, "targets", cache["probs"].shape[1])
    if y.shape != x.shape:
        raise ValueError(f"targets must have the same shape as inputs {x.shape}, got {y.shape}")
    rows = np.arange(T * B)
    # -log p[target] = log(sum exp(y)) - y[target], computed from the shifted logits
    nll = cache["log_norm"] - cache["logits"][rows, y.ravel()]
    return float(nll.sum(dtype=np.float64)) / B


def backward(params: dict, cache: dict, targets) -> tuple[dict, np.ndarray]:
    """Gradients of :func:`cross_entropy` by backpropagation through time.

    Parameters
    ----------
    params : dict
    cache : dict
        From :func:`forward` on the same parameters.
    targets : int array, shape (T,) or (T, B)

    Returns
    -------
    grads : dict
        ``dWxh`` ... under the parameter names: ``{"Wxh": dL/dWxh, ...}``, shapes as the parameters.
    dhprev : array, shape (H, B)
        dL/dhprev: what flows out of the first step into the previous sequence (truncated BPTT
        drops it; the gradient check uses it).
    """
    Wxh, Whh, Why = params["Wxh"], params["Whh"], params["Why"]
    H, V = Wxh.shape
    hs, probs, x = cache["hs"], cache["probs"], cache["inputs"]
    T, B = x.shape
    y = _as_steps(targets, "targets", V)
    if y.shape != x.shape:
        raise ValueError(f"targets must have the same shape as inputs {x.shape}, got {y.shape}")
    y = y.reshape(T * B)

    grads = packed_zeros(param_shapes(V, H), Whh.dtype)
    # dL/dy_t = p_t - onehot(target_t): the gist's `dy[targets[t]] -= 1`, for all steps at once
    dy = probs.copy()
    dy[np.arange(T * B), y] -= 1
    dy /= B  # the loss is a mean over the B streams
    states = hs[1:].reshape(T * B, H)
    np.dot(dy.T, states, out=grads["Why"])  # sum_t dy_t h_t^T
    dy.sum(axis=0, out=grads["by"][:, 0])

    # The part of dL/dh_t that comes from y_t (Why^T dy_t), for every t in one product. The loop
    # below adds dhnext, the part that comes back from step t+1, and turns dh into dhraw in place.
    dh = (dy @ Why).reshape(T, B, H)
    dtanh = 1 - hs[1:] * hs[1:]  # tanh'(a) = 1 - tanh(a)^2 = 1 - h_t^2
    dhnext = np.zeros((B, H), Whh.dtype)
    for t in reversed(range(T)):
        dhraw = dh[t]
        dhraw += dhnext
        dhraw *= dtanh[t]
        np.dot(dhraw, Whh, out=dhnext)  # row form of Whh^T @ dhraw
    dhraw = dh.reshape(T * B, H)
    np.dot(dhraw.T, hs[:-1].reshape(T * B, H), out=grads["Whh"])  # sum_t dhraw_t h_{t-1}^T
    dhraw.sum(axis=0, out=grads["bh"][:, 0])
    # dWxh = sum_t dhraw_t x_t^T with x_t one-hot: one product with the (T*B, V) one-hot matrix
    onehot = np.zeros((T * B, V), Whh.dtype)
    onehot[np.arange(T * B), x.reshape(T * B)] = 1
    np.dot(dhraw.T, onehot, out=grads["Wxh"])
    return grads, dhnext.T.copy()


def clip_grads(grads: dict, clip: float) -> dict:
    """Clip every gradient entry to [-clip, clip] in place (the gist's guard against explosions)."""
    flat = packed_buffer(grads)
    for g in ([flat] if flat is not None else grads.values()):
        np.clip(g, -clip, clip, out=g)
    return grads


def loss_and_grads(params: dict, inputs, targets, hprev, clip: float | None = 5.0):
    """Loss, gradients and last hidden state for one chunk of T steps: the gist's ``lossFun``.

    Parameters
    ----------
    params : dict
        ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1).
    inputs, targets : int arrays, shape (T,) or (T, B)
        ``targets[t]`` is the character that follows ``inputs[t]``.
    hprev : array, shape (H, 1) or (H, B)
        Hidden state carried over from the previous chunk.
    clip : float or None
        Clip each gradient entry to [-clip, clip]; ``None`` returns the raw gradients.

    Returns
    -------
    loss : float
        Cross-entropy summed over the T steps, averaged over the B streams (nats).
    grads : dict
        Keyed like ``params``, same shapes.
    h_last : array, shape (H, B)
        Hidden state after the last step, to pass as the next chunk's ``hprev``.
    """
    cache = forward(params, inputs, hprev)
    loss = cross_entropy(cache, targets)
    grads, _ = backward(params, cache, targets)
    if clip is not None:
        clip_grads(grads, clip)
    return loss, grads, cache["h_last"]

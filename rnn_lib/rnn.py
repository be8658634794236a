"""The vanilla RNN of the gist: parameters, the recurrence forward and backward (truncated BPTT).

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

What every cell shares (input checks, the output layer and softmax, the loss, clipping) lives in
:mod:`rnn_lib.layers`; this module holds the recurrence: :func:`step_forward` and
:func:`step_backward` for one time step, :func:`forward` and :func:`backward` over T steps.

Where each line of the gist's ``lossFun`` is (min-char-rnn.py; its lines in order):

=============================================  ==================================================
the gist                                       here
=============================================  ==================================================
state dicts; ``hs[-1]`` copies hprev; loss 0   :func:`forward`: ``hs`` (T+1, B, H), ``hs[0] = hprev``
one-hot ``xs[t]`` (two lines)                  :func:`forward`: the lookup ``Wxh.T[x]`` (no vector)
``hs[t]``: tanh of the three terms             input part ``Wxh.T[x] + bh.T`` in :func:`forward`,
                                               the rest in :func:`step_forward`
``ys[t]``: the logits                          :func:`rnn_lib.layers.output_forward`, all T at once
``ps[t]``: the softmax                         the same function (exp of the shifted logits)
``loss``: minus the log-probability            :func:`rnn_lib.layers.cross_entropy`
zeroed gradients, ``dhnext``                   :func:`backward`: ``grads``, ``dhnext``
the backward loop over reversed t              :func:`backward`'s loop over ``reversed(range(T))``
``dy``: copy of ``ps[t]``, minus 1 at target   :func:`rnn_lib.layers.output_backward` (``dy``)
``dWhy``, ``dby`` (accumulated)                the same function: one product, one sum over T*B
``dh``: ``Why.T`` times dy, plus ``dhnext``    ``output_backward`` returns ``Why^T dy``;
                                               :func:`step_backward` adds ``dhnext``
``dhraw``: through the tanh                    :func:`step_backward` (``dtanh`` = 1 - h^2)
``dbh``, ``dWxh``, ``dWhh`` (accumulated)      :func:`backward`, after the loop: sums and products
``dhnext`` for step t-1                        :func:`step_backward` (``Whh^T dhraw``)
clipping to [-5, 5]                            :func:`rnn_lib.layers.clip_grads`
return loss, gradients, last h                 :func:`loss_and_grads` (``cache["h_last"]``)
=============================================  ==================================================
"""

from __future__ import annotations

import numpy as np

from .layers import (
    Buffers,
    as_steps,
    check_rng,
    check_sizes,
    check_state,
    clip_grads,
    cross_entropy,
    init_weights,
    logits_of,
    loss_and_grads_with,
    onehot,
    output_backward,
    output_forward,
    zeros,
)

__all__ = [
    "PARAM_NAMES",
    "init_params",
    "param_shapes",
    "initial_state",
    "output_logits",
    "step_forward",
    "step_backward",
    "forward",
    "cross_entropy",
    "backward",
    "loss_and_grads",
    "clip_grads",
]

PARAM_NAMES = ("Wxh", "Whh", "Why", "bh", "by")


def init_params(
    vocab_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    scale: float | None = 0.01,
    dtype=np.float64,
    layers: int = 1,
) -> dict:
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
    V, H, _ = check_sizes(vocab_size, hidden_size)
    check_rng(rng)
    scale = 0.01 if scale is None else scale
    # the gist's order of random draws; biases start at 0
    return init_weights(param_shapes(V, H, layers), ("Wxh", "Whh", "Why"), rng, scale, np.dtype(dtype))


def param_shapes(vocab_size: int, hidden_size: int, layers: int = 1) -> dict:
    """Shapes of the parameters: ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1)."""
    if layers != 1:
        raise ValueError(
            f"the vanilla RNN has one layer (got layers={layers}); use the lstm or gru cell for a deeper model"
        )
    V, H = vocab_size, hidden_size
    return {"Wxh": (H, V), "Whh": (H, H), "Why": (V, H), "bh": (H, 1), "by": (V, 1)}


def initial_state(params: dict, batch_size: int = 1) -> np.ndarray:
    """The all-zero hidden state, shape (H, B)."""
    return np.zeros((params["Whh"].shape[0], batch_size), params["Whh"].dtype)


def output_logits(params: dict, state) -> np.ndarray:
    """Logits of the next character in hidden state ``state`` (H, B): ``Why @ h + by``, shape (V, B)."""
    return logits_of(params, state)


def step_forward(h_prev: np.ndarray, WhhT: np.ndarray, h: np.ndarray, recurrent: np.ndarray) -> np.ndarray:
    """One step of the recurrence, h_t = tanh(Wxh x_t + bh + Whh h_{t-1}), row-wise and in place.

    Parameters
    ----------
    h_prev : array, shape (B, H)
        h_{t-1}.
    WhhT : array, shape (H, H)
        ``Whh.T`` (contiguous): ``h_prev @ WhhT`` is the row form of ``Whh @ h_{t-1}``.
    h : array, shape (B, H)
        In: the input part ``Wxh x_t + bh`` (computed for all steps before the loop). Out: h_t.
    recurrent : array, shape (B, H)
        Scratch space.

    Returns
    -------
    h : array, shape (B, H)
    """
    np.dot(h_prev, WhhT, out=recurrent)
    h += recurrent
    return np.tanh(h, out=h)


def step_backward(dh: np.ndarray, dhnext: np.ndarray, dtanh: np.ndarray, Whh: np.ndarray) -> np.ndarray:
    """One step of backpropagation through time, row-wise and in place.

    Parameters
    ----------
    dh : array, shape (B, H)
        In: the part of dL/dh_t that comes from y_t (``Why^T dy_t``). Out: ``dhraw``, dL/d(the
        argument of tanh) = (dh + dhnext) * (1 - h_t^2).
    dhnext : array, shape (B, H)
        In: dL/dh_t from step t+1. Out: ``Whh^T dhraw``, what flows on to step t-1.
    dtanh : array, shape (B, H)
        tanh'(a) = 1 - tanh(a)^2 = 1 - h_t^2.
    Whh : array, shape (H, H)

    Returns
    -------
    dhraw : array, shape (B, H)
    """
    dh += dhnext
    dh *= dtanh
    np.dot(dh, Whh, out=dhnext)  # row form of Whh^T @ dhraw
    return dh


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
    return _forward(params, inputs, hprev, Buffers())


def _forward(params: dict, inputs, hprev, buf: Buffers) -> dict:
    Wxh, Whh, bh = params["Wxh"], params["Whh"], params["bh"]
    H, V = Wxh.shape
    x = as_steps(inputs, "inputs", V)
    T, B = x.shape
    hprev = check_state(hprev, H, B, "hprev", letter="H")
    dtype = Whh.dtype

    hs = buf("hs", (T + 1, B, H), dtype)
    hs[0] = hprev.T
    # Wxh @ onehot(x_t) is just column x_t of Wxh: a lookup, not a product. Do all T*B at once.
    hs[1:] = Wxh.T[x] + bh.T
    WhhT = np.ascontiguousarray(Whh.T)  # a contiguous copy makes the small products faster
    recurrent = buf("recurrent", (B, H), dtype)
    for t in range(T):
        step_forward(hs[t], WhhT, hs[t + 1], recurrent)

    cache = output_forward(params, hs[1:].reshape(T * B, H), buf)
    cache.update(hs=hs, inputs=x, h_last=hs[T].T.copy())  # a new h_last: hs may be reused by the next call
    return cache


def backward(params: dict, cache: dict, targets) -> tuple[dict, np.ndarray]:
    """Gradients of :func:`cross_entropy` by backpropagation through time.

    Parameters
    ----------
    params : dict
        ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1).
    cache : dict
        What :func:`forward` returned for these parameters: ``hs`` (T+1, B, H), ``probs`` (T*B, V), ``inputs``.
    targets : int array, shape (T,) or (T, B)
        The character ids each step should have predicted.

    Returns
    -------
    grads : dict
        ``dWxh`` ... under the parameter names: ``{"Wxh": dL/dWxh, ...}``, shapes as the parameters.
    dhprev : array, shape (H, B)
        dL/dhprev: what flows out of the first step into the previous sequence (truncated BPTT
        drops it; the gradient check uses it).
    """
    return _backward(params, cache, targets, Buffers())


def _backward(params: dict, cache: dict, targets, buf: Buffers) -> tuple[dict, np.ndarray]:
    Wxh, Whh = params["Wxh"], params["Whh"]
    H, V = Wxh.shape
    hs, x = cache["hs"], cache["inputs"]
    T, B = x.shape
    grads = zeros(param_shapes(V, H), Whh.dtype)
    # dWhy, dby, and the part of dL/dh_t that comes from y_t (Why^T dy_t), for every t in one product.
    # The loop adds dhnext, the part that comes back from step t+1, and turns dh into dhraw in place.
    dh = output_backward(params, cache, targets, hs[1:].reshape(T * B, H), grads, buf).reshape(T, B, H)
    dtanh = 1 - hs[1:] * hs[1:]  # tanh'(a) = 1 - tanh(a)^2 = 1 - h_t^2
    dhnext = np.zeros((B, H), Whh.dtype)
    for t in reversed(range(T)):
        step_backward(dh[t], dhnext, dtanh[t], Whh)
    dhraw = dh.reshape(T * B, H)
    np.dot(dhraw.T, hs[:-1].reshape(T * B, H), out=grads["Whh"])  # sum_t dhraw_t h_{t-1}^T
    dhraw.sum(axis=0, out=grads["bh"][:, 0])
    # dWxh = sum_t dhraw_t x_t^T with x_t one-hot: one product with the (T*B, V) one-hot matrix
    np.dot(dhraw.T, onehot(x, V, Whh.dtype, buf), out=grads["Wxh"])
    return grads, dhnext.T.copy()


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
        The gist's ``loss`` (nats, summed over the T steps) at B=1; the mean over the streams at B > 1.
    grads : dict
        ``dWxh``, ``dWhh``, ``dWhy``, ``dbh``, ``dby`` under the names ``Wxh`` ... of ``params``.
    h_last : array, shape (H, B)
        h_T, the next chunk's ``hprev``.
    """
    return loss_and_grads_with(_forward, _backward, params, inputs, targets, hprev, clip)

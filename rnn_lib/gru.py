"""The GRU cell: parameters, forward pass, loss and backward pass (truncated BPTT), any number of layers.

Dimension letters: V vocabulary size, H hidden size, T time steps, B batch (parallel streams),
L layers, S = H*L the size of the whole recurrent state (h of every layer).

The maths, for one stream and one layer (column vectors; the input x_t of layer 0 is the one-hot
character, the input of layer l > 0 is h_t of layer l-1). This is the GRU of PyTorch and cuDNN,
where the reset gate multiplies the recurrent product instead of h_{t-1}, so that one matrix
product per step serves all three blocks::

    a_t = Wx x_t + b                        (3H,), blocks r, z, n: the input part
    m_t = Wh h_{t-1}                        (3H,), blocks r, z, n: the recurrent part
    r = sigmoid(a_r + m_r)                  reset gate
    z = sigmoid(a_z + m_z)                  update gate
    n = tanh(a_n + r * (m_n + bhn))         candidate state
    h_t = (1 - z) * n + z * h_{t-1}         keep a fraction z of the old state
    y_t = Why h_t + by                      from the top layer's h_t
    p_t = softmax(y_t)
    L   = sum_t -log p_t[target_t]          averaged over the B streams

Parameters (see :func:`param_shapes`): for every layer l, ``Wx{l}`` (3H, V for l = 0 else H),
``Wh{l}`` (3H, H), ``b{l}`` (3H, 1), ``bhn{l}`` (H, 1) (the recurrent bias of n, which sits inside
the reset product); and the shared output layer ``Why`` (V, H), ``by`` (V, 1).

State: the public functions take and return the whole state as one (S, B) array, column-wise like
the gist's ``hprev``; rows ``lH : (l+1)H`` hold h of layer l. Internally the states are row-wise,
``(T+1, B, H)`` per layer, as in :mod:`rnn_lib.model` and :mod:`rnn_lib.lstm`.
"""
from __future__ import annotations

import numpy as np

from .flat import packed_zeros
from .lstm import (_Buffers, _check_dropout, _check_sizes, _check_state, _draw_weights, _dropout_masks, _onehot,
                   _output_backward, _output_layer, _reused_buffers, _sizes)
from .model import _as_steps, clip_grads, cross_entropy

__all__ = ["PARAM_NAMES", "param_names", "param_shapes", "init_params", "initial_state", "forward",
           "backward", "loss_and_grads", "output_logits", "cross_entropy"]

PARAM_NAMES = ("Wx0", "Wh0", "b0", "bhn0", "Why", "by")  # one layer; param_shapes(V, H, layers) for more
GATES = 3


def param_names(layers: int = 1) -> tuple:
    """``Wx0, Wh0, b0, bhn0, Wx1, ..., Why, by``: the parameter names of a GRU with ``layers`` layers."""
    return tuple(name for l in range(layers)
                 for name in (f"Wx{l}", f"Wh{l}", f"b{l}", f"bhn{l}")) + ("Why", "by")


def param_shapes(vocab_size: int, hidden_size: int, layers: int = 1) -> dict:
    """Shapes of the parameters, in storage order.

    ``Wx{l}`` (3H, V if l == 0 else H), ``Wh{l}`` (3H, H), ``b{l}`` (3H, 1), ``bhn{l}`` (H, 1) for
    l = 0 ... L-1, then ``Why`` (V, H), ``by`` (V, 1). Rows of the 3H blocks: r, z, n.
    """
    V, H, L = _check_sizes(vocab_size, hidden_size, layers)
    shapes = {}
    for l in range(L):
        shapes[f"Wx{l}"] = (GATES * H, V if l == 0 else H)
        shapes[f"Wh{l}"] = (GATES * H, H)
        shapes[f"b{l}"] = (GATES * H, 1)
        shapes[f"bhn{l}"] = (H, 1)
    shapes["Why"], shapes["by"] = (V, H), (V, 1)
    return shapes


def init_params(vocab_size: int, hidden_size: int, rng: np.random.Generator, scale: float | None = None,
                dtype=np.float64, layers: int = 1) -> dict:
    """Random weights and zero biases, all views into one flat buffer.

    Parameters
    ----------
    vocab_size : int
        V.
    hidden_size : int
        H.
    rng : numpy.random.Generator
        The only source of randomness. Draws, in order: ``Wx0, Wh0, Wx1, Wh1, ..., Why``.
    scale : float or None
        ``None`` (recommended): weights uniform in [-1/sqrt(H), 1/sqrt(H)], PyTorch's default for
        its GRU. A number: normal weights with that standard deviation (as ``init_scale`` for the
        vanilla RNN).
    dtype : numpy dtype
        ``np.float64`` (gradient checks) or ``np.float32`` (faster training).
    layers : int
        L, stacked GRU layers.

    Returns
    -------
    dict
        Keyed as :func:`param_shapes`; the biases are 0.
    """
    V, H, L = _check_sizes(vocab_size, hidden_size, layers)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    params = packed_zeros(param_shapes(V, H, L), np.dtype(dtype))
    _draw_weights(params, H, L, rng, scale)
    return params


def initial_state(params: dict, batch_size: int = 1) -> np.ndarray:
    """The all-zero state, shape (S, B) with S = H*L (h of every layer)."""
    _, H, L = _sizes(params)
    return np.zeros((H * L, batch_size), params["Why"].dtype)


def output_logits(params: dict, state) -> np.ndarray:
    """Logits of the next character in ``state`` (S, B): ``Why @ h + by`` with h the top layer's, shape (V, B)."""
    _, H, L = _sizes(params)
    state = np.asarray(state)
    if state.ndim != 2 or state.shape[0] != H * L:
        raise ValueError(f"state must have shape (S, B) with S = H*layers = {H * L}, got {state.shape}")
    return params["Why"] @ state[H * (L - 1):] + params["by"]


def forward(params: dict, inputs, hprev, dropout: float = 0.0, rng: np.random.Generator | None = None) -> dict:
    """Run the GRU over T steps and compute the output distributions.

    Parameters
    ----------
    params : dict
        As returned by :func:`init_params`.
    inputs : int array, shape (T,) or (T, B)
        Character ids fed in at each step.
    hprev : array, shape (S, B)
        State before the first step (h of every layer, see the module docstring).
    dropout : float
        Training only: the probability of zeroing each unit of a layer's output h_t on its way to
        the layer above or to the output layer (never on the recurrent path); 0 (the default): none.
    rng : numpy.random.Generator
        Draws the dropout masks; needed when ``dropout > 0``.

    Returns
    -------
    dict (the cache for :func:`backward`)
        ``hs`` (L, T+1, B, H): ``hs[l, 0]`` is layer l's h from ``hprev``, ``hs[l, t+1]`` its h_t
        (row-wise); ``rz`` (L, T, B, 2H): the gates r, z; ``n`` (L, T, B, H); ``hn`` (L, T, B, H):
        m_n + bhn; ``logits`` (T*B, V) shifted by their maximum; ``probs`` (T*B, V); ``log_norm``
        (T*B,); ``inputs`` (T, B); ``h_last`` (S, B), the state after the last step; ``masks``
        (L, T, B, H) or None; ``outputs``, each layer's (T*B, H) outputs after dropout.
    """
    return _forward(params, inputs, hprev, _Buffers(), dropout, rng)


def _forward(params: dict, inputs, hprev, buf: _Buffers, dropout: float = 0.0, rng=None) -> dict:
    V, H, L = _sizes(params)
    x = _as_steps(inputs, "inputs", V)
    T, B = x.shape
    hprev = _check_state(hprev, H * L, B, "hprev")
    dropout = _check_dropout(dropout, rng)
    dtype = params["Why"].dtype
    masks = _dropout_masks(dropout, rng, (L, T, B, H), dtype, buf)  # see rnn_lib.lstm
    dropped = buf("dropped", (L, T, B, H), dtype) if masks is not None else None
    G = GATES * H
    # Pre-scaled as in rnn_lib.lstm: -1 for r and z, -2 for n, so that sigmoid(v) = 1 / (1 + exp(-v))
    # and tanh(v) = 2 / (1 + exp(-2v)) - 1 each take one exp on a contiguous block. Exact in floating point.
    scale = np.full(G, -1, dtype)
    scale[2 * H:] = -2

    hs = buf("hs", (L, T + 1, B, H), dtype)
    hs[:, 0] = hprev.reshape(L, H, B).transpose(0, 2, 1)
    rz = buf("rz", (L, T, B, 2 * H), dtype)
    n = buf("n", (L, T, B, H), dtype)
    hn = buf("hn", (L, T, B, H), dtype)
    a = buf("a", (T, B, G), dtype)  # the input parts a_t of one layer (pre-scaled)
    WhT = buf("WhT", (H, G), dtype)
    recurrent = buf("recurrent", (B, G), dtype)
    tmp = buf("tmp", (B, H), dtype)
    with np.errstate(over="ignore"):  # exp(-v) = inf for very negative v gives sigmoid 0, as it should
        for l in range(L):
            Wx, Wh, b = params[f"Wx{l}"], params[f"Wh{l}"], params[f"b{l}"]
            if l == 0:
                table = Wx.T + b.T  # (V, 3H): Wx0 @ onehot(x_t) is column x_t of Wx0
                table *= scale
                np.take(table, x, axis=0, out=a, mode="clip")  # ids already checked; 'clip' is unbuffered
            else:
                below = hs[l - 1, 1:]
                if masks is not None:
                    below = np.multiply(below, masks[l - 1], out=dropped[l - 1])
                np.dot(below.reshape(T * B, H), Wx.T * scale, out=a.reshape(T * B, G))
                a += b.T * scale
            np.multiply(Wh.T, scale, out=WhT)  # (H, 3H), contiguous: the row form of Wh @ h, pre-scaled
            bhn = params[f"bhn{l}"].T * -2
            h, g, nl, hnl = hs[l], rz[l], n[l], hn[l]
            for t in range(T):
                np.dot(h[t], WhT, out=recurrent)
                gt = g[t]
                np.add(a[t, :, :2 * H], recurrent[:, :2 * H], out=gt)
                np.exp(gt, out=gt)
                gt += 1
                np.reciprocal(gt, out=gt)  # r, z
                np.add(recurrent[:, 2 * H:], bhn, out=hnl[t])  # -2 (m_n + bhn)
                nt = nl[t]
                np.multiply(gt[:, :H], hnl[t], out=nt)
                nt += a[t, :, 2 * H:]
                np.exp(nt, out=nt)
                nt += 1
                np.reciprocal(nt, out=nt)
                nt *= 2
                nt -= 1  # n = tanh(a_n + r * (m_n + bhn))
                np.subtract(h[t], nt, out=tmp)
                tmp *= gt[:, H:]
                np.add(nt, tmp, out=h[t + 1])  # n + z (h_{t-1} - n)
            hnl *= -0.5  # undo the pre-scaling (exactly): the backward pass needs m_n + bhn

    if masks is not None:
        np.multiply(hs[L - 1, 1:], masks[L - 1], out=dropped[L - 1])
    outputs = [(hs[l, 1:] if masks is None else dropped[l]).reshape(T * B, H) for l in range(L)]
    cache = _output_layer(params, outputs[L - 1], buf)
    h_last = np.empty((L, H, B), dtype)  # a new array: hs may be reused by the next call
    h_last[...] = hs[:, T].transpose(0, 2, 1)
    cache.update(hs=hs, rz=rz, n=n, hn=hn, inputs=x, h_last=h_last.reshape(H * L, B), masks=masks, outputs=outputs)
    return cache


def backward(params: dict, cache: dict, targets) -> tuple[dict, np.ndarray]:
    """Gradients of :func:`cross_entropy` by backpropagation through time, through every layer.

    Parameters
    ----------
    params : dict
    cache : dict
        From :func:`forward` on the same parameters.
    targets : int array, shape (T,) or (T, B)

    Returns
    -------
    grads : dict
        Keyed like ``params``, same shapes, packed in one flat buffer.
    dhprev : array, shape (S, B)
        dL/dhprev, laid out like ``hprev``.
    """
    return _backward(params, cache, targets, _Buffers())


def _backward(params: dict, cache: dict, targets, buf: _Buffers) -> tuple[dict, np.ndarray]:
    V, H, L = _sizes(params)
    hs, rz, n, hn, x = cache["hs"], cache["rz"], cache["n"], cache["hn"], cache["inputs"]
    T, B = x.shape
    dtype = params["Why"].dtype
    G = GATES * H
    grads = packed_zeros(param_shapes(V, H, L), dtype)
    masks, outputs = cache["masks"], cache["outputs"]
    dh = _output_backward(params, cache, targets, outputs[L - 1], grads, buf).reshape(T, B, H)
    if masks is not None:
        dh *= masks[L - 1]  # a dropped unit passed nothing on, so it gets no gradient
    dhprev = np.empty((L, H, B), dtype)
    dm = buf("dm", (T, B, G), dtype)  # dL/d(m_t): the recurrent parts (r, z, n blocks)
    da = buf("da", (T, B, G), dtype)  # dL/d(a_t): the input parts; equal to dm except in the n block
    # the local derivatives of one step, computed inside the loop while its arrays are in the cache
    Pn, Pz, Pr = (buf(name, (B, H), dtype) for name in ("Pn", "Pz", "Pr"))
    dhnext, dhz = buf("dhnext", (B, H), dtype), buf("dhz", (B, H), dtype)
    for l in reversed(range(L)):
        Wx, Wh = params[f"Wx{l}"], params[f"Wh{l}"]
        r, z, nl, hnl, h_before = rz[l, ..., :H], rz[l, ..., H:], n[l], hn[l], hs[l, :-1]
        dn_pre = da[..., 2 * H:]
        dhnext[...] = 0
        for t in reversed(range(T)):
            #   dn_pre = dh (1-z)(1-n^2)   dz_pre = dh (h_{t-1} - n) z(1-z)   dr_pre = dn_pre hn r(1-r)
            np.multiply(nl[t], nl[t], out=Pn)
            np.subtract(1, Pn, out=Pn)
            np.subtract(1, z[t], out=Pz)
            Pn *= Pz
            Pz *= z[t]
            np.subtract(h_before[t], nl[t], out=Pr)  # Pr as scratch space
            Pz *= Pr
            np.subtract(1, r[t], out=Pr)
            Pr *= r[t]
            Pr *= hnl[t]
            dht = dh[t]
            dht += dhnext
            np.multiply(dht, Pn, out=dn_pre[t])
            np.multiply(dht, Pz, out=dm[t, :, H:2 * H])
            np.multiply(dn_pre[t], Pr, out=dm[t, :, :H])
            np.multiply(dn_pre[t], r[t], out=dm[t, :, 2 * H:])  # through n = tanh(a_n + r * m_n)
            np.multiply(dht, z[t], out=dhz)
            np.dot(dm[t], Wh, out=dhnext)  # row form of Wh^T dm_t
            dhnext += dhz
        dhprev[l] = dhnext.T
        da[..., :2 * H] = dm[..., :2 * H]
        dm2, da2 = dm.reshape(T * B, G), da.reshape(T * B, G)
        np.dot(dm2.T, h_before.reshape(T * B, H), out=grads[f"Wh{l}"])
        dm2[:, 2 * H:].sum(axis=0, out=grads[f"bhn{l}"][:, 0])
        da2.sum(axis=0, out=grads[f"b{l}"][:, 0])
        if l == 0:
            np.dot(da2.T, _onehot(x, V, dtype, buf), out=grads["Wx0"])
        else:
            np.dot(da2.T, outputs[l - 1], out=grads[f"Wx{l}"])
            # dL/dh_t of the layer below, through its output (dh of this layer is no longer needed)
            dh = np.dot(da2, Wx, out=dh.reshape(T * B, H)).reshape(T, B, H)
            if masks is not None:
                dh *= masks[l - 1]
    return grads, dhprev.reshape(H * L, B)


def loss_and_grads(params: dict, inputs, targets, hprev, clip: float | None = 5.0, dropout: float = 0.0,
                   rng: np.random.Generator | None = None):
    """Loss, gradients and last state for one chunk of T steps (the gist's ``lossFun``, for a GRU).

    Parameters
    ----------
    params : dict
        Keyed as :func:`param_shapes`.
    inputs, targets : int arrays, shape (T,) or (T, B)
        ``targets[t]`` is the character that follows ``inputs[t]``.
    hprev : array, shape (S, B)
        State carried over from the previous chunk.
    clip : float or None
        Clip each gradient entry to [-clip, clip]; ``None`` returns the raw gradients.
    dropout : float
        Probability of dropping each unit of the layers' outputs (see :func:`forward`); 0: none.
    rng : numpy.random.Generator
        Draws the dropout masks; needed when ``dropout > 0``.

    Returns
    -------
    loss : float
        Cross-entropy summed over the T steps, averaged over the B streams (nats).
    grads : dict
        Keyed like ``params``, same shapes.
    h_last : array, shape (S, B)
        State after the last step, to pass as the next chunk's ``hprev``.
    """
    buf = _reused_buffers()  # the cache is used up inside this call, so its arrays can be reused
    cache = _forward(params, inputs, hprev, buf, dropout, rng)
    loss = cross_entropy(cache, targets)
    grads, _ = _backward(params, cache, targets, buf)
    if clip is not None:
        clip_grads(grads, clip)
    return loss, grads, cache["h_last"]

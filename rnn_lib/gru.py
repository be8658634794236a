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
the gist's ``hprev``; rows ``lH : (l+1)H`` hold h of layer l. Internally each step is
column-wise too, one contiguous block per step (states ``(T+1, H, B)``, gate blocks ``(T, 3H, B)``),
as in :mod:`rnn_lib.lstm`; the cache shows them row-wise, ``(T+1, B, H)``, as views.

Only the GRU's own recurrence is here: one step of one layer forward (:func:`step_forward`) and
backward (:func:`step_backward`), and the loops over T steps and L layers (:func:`forward`,
:func:`backward`). Checks, the input and output layers, dropout, buffers and the loss are shared
with the other cells in :mod:`rnn_lib.layers`.
"""

from __future__ import annotations

import numpy as np

from .layers import (
    Buffers,
    begin_backward,
    begin_forward,
    check_rng,
    check_scale,
    check_sizes,
    cross_entropy,
    gate_scale,
    init_weights,
    input_backward,
    input_forward,
    layer_outputs,
    layered_sizes,
    logits_of,
    loss_and_grads_with,
    output_forward,
    output_rows,
    rows_of,
    sigmoid_from_tanh,
    steps_side_by_side,
)

__all__ = [
    "PARAM_NAMES",
    "param_names",
    "param_shapes",
    "init_params",
    "initial_state",
    "step_forward",
    "step_backward",
    "forward",
    "backward",
    "loss_and_grads",
    "output_logits",
    "cross_entropy",
]

PARAM_NAMES = ("Wx0", "Wh0", "b0", "bhn0", "Why", "by")  # one layer; param_shapes(V, H, layers) for more
GATES = 3


def param_names(layers: int = 1) -> tuple:
    """``Wx0, Wh0, b0, bhn0, Wx1, ..., Why, by``: the parameter names of a GRU with ``layers`` layers."""
    return tuple(name for l in range(layers) for name in (f"Wx{l}", f"Wh{l}", f"b{l}", f"bhn{l}")) + ("Why", "by")


def param_shapes(vocab_size: int, hidden_size: int, layers: int = 1) -> dict:
    """Shapes of the parameters, in storage order.

    ``Wx{l}`` (3H, V if l == 0 else H), ``Wh{l}`` (3H, H), ``b{l}`` (3H, 1), ``bhn{l}`` (H, 1) for
    l = 0 ... L-1, then ``Why`` (V, H), ``by`` (V, 1). Rows of the 3H blocks: r, z, n.
    """
    V, H, L = check_sizes(vocab_size, hidden_size, layers)
    shapes = {}
    for l in range(L):
        shapes[f"Wx{l}"] = (GATES * H, V if l == 0 else H)
        shapes[f"Wh{l}"] = (GATES * H, H)
        shapes[f"b{l}"] = (GATES * H, 1)
        shapes[f"bhn{l}"] = (H, 1)
    shapes["Why"], shapes["by"] = (V, H), (V, 1)
    return shapes


def init_params(
    vocab_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    scale: float | None = None,
    dtype=np.float64,
    layers: int = 1,
) -> dict:
    """Random weights and zero biases.

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
    V, H, L = check_sizes(vocab_size, hidden_size, layers)
    check_rng(rng)
    check_scale(scale)
    weights = [n for l in range(L) for n in (f"Wx{l}", f"Wh{l}")] + ["Why"]  # the order of the draws
    return init_weights(param_shapes(V, H, L), weights, rng, scale, np.dtype(dtype))


def initial_state(params: dict, batch_size: int = 1) -> np.ndarray:
    """The all-zero state, shape (S, B) with S = H*L (h of every layer)."""
    _, H, L = layered_sizes(params)
    return np.zeros((H * L, batch_size), params["Why"].dtype)


def output_logits(params: dict, state) -> np.ndarray:
    """Logits of the next character in ``state`` (S, B): ``Why @ h + by`` with h the top layer's, shape (V, B)."""
    _, H, L = layered_sizes(params)
    state = np.asarray(state)
    if state.ndim != 2 or state.shape[0] != H * L:
        raise ValueError(f"state must have shape (S, B) with S = H*layers = {H * L}, got {state.shape}")
    return logits_of(params, state[H * (L - 1) :])


def step_forward(
    a: np.ndarray,
    h_prev: np.ndarray,
    Wh: np.ndarray,
    bhn: np.ndarray,
    rz: np.ndarray,
    n: np.ndarray,
    hn: np.ndarray,
    h: np.ndarray,
    recurrent: np.ndarray,
    tmp: np.ndarray,
) -> None:
    """One step of one GRU layer, column-wise, in place.

    Parameters
    ----------
    a : array, shape (3H, B)
        The input part ``Wx x_t + b``, pre-scaled (see :func:`rnn_lib.layers.gate_scale`).
    h_prev : array, shape (H, B)
        h_{t-1}.
    Wh : array, shape (3H, H)
        ``Wh``, pre-scaled like ``a``.
    bhn : array, shape (H, 1)
    rz : array, shape (2H, B)
        Out: the gates r, z.
    n : array, shape (H, B)
        Out: the candidate state.
    hn : array, shape (H, B)
        Out: m_n + bhn.
    h : array, shape (H, B)
        Out: h_t.
    recurrent : array, shape (3H, B)
    tmp : array, shape (H, B)
        Scratch space.
    """
    H = h.shape[0]
    np.matmul(Wh, h_prev, out=recurrent)  # m_t = Wh h_{t-1}, pre-scaled
    np.add(a[: 2 * H], recurrent[: 2 * H], out=rz)
    np.tanh(rz, out=rz)
    sigmoid_from_tanh(rz)  # r, z
    np.add(recurrent[2 * H :], bhn, out=hn)  # m_n + bhn
    np.multiply(rz[:H], hn, out=n)
    n += a[2 * H :]
    np.tanh(n, out=n)  # n = tanh(a_n + r * (m_n + bhn))
    np.subtract(h_prev, n, out=tmp)
    tmp *= rz[H:]
    np.add(n, tmp, out=h)  # h_t = n + z (h_{t-1} - n)


def step_backward(
    dh: np.ndarray,
    dhnext: np.ndarray,
    r: np.ndarray,
    z: np.ndarray,
    n: np.ndarray,
    hn: np.ndarray,
    h_prev: np.ndarray,
    WhT: np.ndarray,
    da_n: np.ndarray,
    dm: np.ndarray,
    scratch: tuple,
) -> None:
    """One step of backpropagation through time in one GRU layer, column-wise, in place.

    Parameters
    ----------
    dh : array, shape (H, B)
        In: the part of dL/dh_t from above (the output layer or the layer above). Overwritten.
    dhnext : array, shape (H, B)
        In: dL/dh_t from step t+1. Out: dL/dh_{t-1} from this step.
    r, z, n, hn : arrays, shape (H, B)
        The step's gates, candidate state and m_n + bhn.
    h_prev : array, shape (H, B)
        h_{t-1}.
    WhT : array, shape (H, 3H), contiguous
        ``Wh.T``.
    da_n : array, shape (H, B)
        Out: dL/d(a_n), the n block of the input part's gradient (its r and z blocks equal dm's).
    dm : array, shape (3H, B)
        Out: dL/d(m_t), the recurrent part's gradient, blocks r, z, n.
    scratch : tuple
        ``Pn``, ``Pz``, ``Pr``, ``dhz``, each (H, B).
    """
    Pn, Pz, Pr, dhz = scratch
    H = dh.shape[0]
    #   dn_pre = dh (1-z)(1-n^2)   dz_pre = dh (h_{t-1} - n) z(1-z)   dr_pre = dn_pre hn r(1-r)
    np.multiply(n, n, out=Pn)
    np.subtract(1, Pn, out=Pn)
    np.subtract(1, z, out=Pz)
    Pn *= Pz
    Pz *= z
    np.subtract(h_prev, n, out=Pr)  # Pr as scratch space
    Pz *= Pr
    np.subtract(1, r, out=Pr)
    Pr *= r
    Pr *= hn
    dh += dhnext
    np.multiply(dh, Pn, out=da_n)
    np.multiply(dh, Pz, out=dm[H : 2 * H])
    np.multiply(da_n, Pr, out=dm[:H])
    np.multiply(da_n, r, out=dm[2 * H :])  # through n = tanh(a_n + r * m_n)
    np.multiply(dh, z, out=dhz)
    np.matmul(WhT, dm, out=dhnext)  # Wh^T dm_t
    dhnext += dhz


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
        (row-wise views of the column-wise arrays the cell computes in); ``rz`` (L, T, B, 2H): the
        gates r, z; ``n`` (L, T, B, H); ``hn`` (L, T, B, H): m_n + bhn; ``logits`` (T*B, V) shifted
        by their maximum; ``probs`` (T*B, V); ``log_norm`` (T*B,); ``inputs`` (T, B); ``h_last``
        (S, B), the state after the last step; ``masks`` (L, T, B, H) or None, and the same
        column-wise, ``colmasks`` (L, T, H, B); ``outputs``, each layer's (T*B, H) outputs after
        dropout (row t*B + b), the same column-wise, ``col_outputs`` (T, H, B) each, and ``rows``,
        the top layer's (T*B, H) outputs, which the output layer read.
    """
    return _forward(params, inputs, hprev, Buffers(), dropout, rng)


def _forward(params: dict, inputs, hprev, buf: Buffers, dropout: float = 0.0, rng=None) -> dict:
    V, H, L = layered_sizes(params)
    x, hprev, masks, colmasks, dropped = begin_forward(params, inputs, hprev, H * L, dropout, rng, buf)
    T, B = x.shape
    dtype = params["Why"].dtype
    G = GATES * H
    scale = gate_scale(GATES - 1, H, dtype)  # 1/2 for r and z, 1 for n (see rnn_lib.layers.gate_scale)

    hs = buf("hs", (L, T + 1, H, B), dtype)
    hs[:, 0] = hprev.reshape(L, H, B)
    rz = buf("rz", (L, T, 2 * H, B), dtype)
    n = buf("n", (L, T, H, B), dtype)
    hn = buf("hn", (L, T, H, B), dtype)
    a = buf("a", (T, G, B), dtype)  # the input parts a_t of one layer (pre-scaled)
    Wh = buf("Wh", (G, H), dtype)
    recurrent = buf("recurrent", (G, B), dtype)
    tmp = buf("tmp", (H, B), dtype)
    outputs = []  # each layer's (T, H, B) outputs after dropout, column-wise
    for l in range(L):
        input_forward(params, l, x, outputs, scale, a, buf)
        np.multiply(params[f"Wh{l}"], scale, out=Wh)  # pre-scaled like the input part
        bhn, h = params[f"bhn{l}"], hs[l]
        for t in range(T):
            step_forward(a[t], h[t], Wh, bhn, rz[l, t], n[l, t], hn[l, t], h[t + 1], recurrent, tmp)
        outputs.append(layer_outputs(hs, colmasks, dropped, l))

    rows = output_rows(outputs[L - 1], buf)
    cache = output_forward(params, rows, buf)
    h_last = hs[:, T].copy()  # a new array: hs may be reused by the next call
    rows_view = {k: v.transpose(0, 1, 3, 2) for k, v in (("hs", hs), ("rz", rz), ("n", n), ("hn", hn))}
    cache.update(
        rows_view,
        inputs=x,
        h_last=h_last.reshape(H * L, B),
        masks=masks,
        colmasks=colmasks,
        rows=rows,
        outputs=[rows_of(o) for o in outputs[:-1]] + [rows],
        col_outputs=outputs,
    )
    return cache


def backward(params: dict, cache: dict, targets) -> tuple[dict, np.ndarray]:
    """The GRU's backpropagation through time: gradients of :func:`cross_entropy`, layer by layer from the top.

    ``params`` and ``cache``, the result of :func:`forward` on them; ``targets`` (T,) or (T, B), the
    ids the loss was measured against. Returns ``grads`` (``Wx{l}``, ``Wh{l}``, ``b{l}``, ``bhn{l}``,
    ``Why``, ``by``, shaped like the parameters) and ``dhprev`` (S, B), dL/dhprev laid out like
    ``hprev``: the h of every layer.
    """
    return _backward(params, cache, targets, Buffers())


def _backward(params: dict, cache: dict, targets, buf: Buffers) -> tuple[dict, np.ndarray]:
    V, H, L = layered_sizes(params)
    grads, dh = begin_backward(params, cache, targets, param_shapes(V, H, L), buf)
    # back to the column-wise arrays the forward pass computed in (the cache shows them row-wise)
    hs, rz, n, hn = (cache[k].transpose(0, 1, 3, 2) for k in ("hs", "rz", "n", "hn"))
    x = cache["inputs"]
    T, B = x.shape
    dtype, G = params["Why"].dtype, GATES * H
    dhprev = np.empty((L, H, B), dtype)
    dm = buf("dm", (T, G, B), dtype)  # dL/d(m_t): the recurrent parts (r, z, n blocks)
    da_n = buf("da_n", (T, H, B), dtype)  # dL/d(a_n); the r and z blocks of dL/d(a_t) equal dm's
    scratch = tuple(buf(name, (H, B), dtype) for name in ("Pn", "Pz", "Pr", "dhz"))
    dhnext = buf("dhnext", (H, B), dtype)
    WhT = buf("WhT", (H, G), dtype)
    for l in reversed(range(L)):
        r, z, h_before = rz[l, :, :H], rz[l, :, H:], hs[l, :-1]
        np.copyto(WhT, params[f"Wh{l}"].T)
        dhnext[...] = 0
        for t in reversed(range(T)):
            step_backward(dh[t], dhnext, r[t], z[t], n[l, t], hn[l, t], h_before[t], WhT, da_n[t], dm[t], scratch)
        dhprev[l] = dhnext
        # the weight gradients of all T steps, each one product: sum_t dm_t h_{t-1}^T, ...
        dms = steps_side_by_side(dm, buf, "dm_steps")  # (G, T*B)
        np.dot(dms, steps_side_by_side(h_before, buf, "h_steps").T, out=grads[f"Wh{l}"])
        dms[2 * H :].sum(axis=1, out=grads[f"bhn{l}"][:, 0])
        # dL/d(a_t), side by side: dm with the n block replaced by da_n
        np.copyto(dms[2 * H :].reshape(H, T, B), da_n.transpose(1, 0, 2))
        dh = input_backward(params, l, x, dms, cache["col_outputs"], cache["colmasks"], grads, dh, buf)
    return grads, dhprev.reshape(H * L, B)


def loss_and_grads(
    params: dict,
    inputs,
    targets,
    hprev,
    clip: float | None = 5.0,
    dropout: float = 0.0,
    rng: np.random.Generator | None = None,
):
    """The gist's ``lossFun`` for a GRU: ``(loss, grads, h_last)`` for one chunk of T steps.

    ``hprev`` and ``h_last`` are (S, B) states; gradients are clipped to [-clip, clip] unless ``clip``
    is None; ``dropout`` and ``rng`` as in :func:`forward`. See :func:`rnn_lib.layers.loss_and_grads_with`.
    """
    return loss_and_grads_with(_forward, _backward, params, inputs, targets, hprev, clip, dropout=dropout, rng=rng)

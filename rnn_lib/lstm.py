"""The LSTM cell: parameters, forward pass, loss and backward pass (truncated BPTT), any number of layers.

Dimension letters: V vocabulary size, H hidden size, T time steps, B batch (parallel streams),
L layers, S = 2*H*L the size of the whole recurrent state (h and c of every layer).

The maths, for one stream and one layer (column vectors; the input x_t of layer 0 is the one-hot
character, the input of layer l > 0 is h_t of layer l-1)::

    z_t = Wx x_t + Wh h_{t-1} + b               (4H,), four blocks of H rows: i, f, o, g
    i = sigmoid(z_i)   f = sigmoid(z_f)   o = sigmoid(z_o)   g = tanh(z_g)
    c_t = f * c_{t-1} + i * g                   the cell, an additive memory: dc_{t-1} = f * dc_t
    h_t = o * tanh(c_t)
    y_t = Why h_t + by                          from the top layer's h_t
    p_t = softmax(y_t)
    L   = sum_t -log p_t[target_t]              averaged over the B streams

i, f, o are the input, forget and output gates and g the candidate cell values: Karpathy's char-rnn
order. The four blocks share one weight matrix, so each step needs a single matrix product.

Parameters (see :func:`param_shapes`): for every layer l, ``Wx{l}`` (4H, V for l = 0 else H),
``Wh{l}`` (4H, H), ``b{l}`` (4H, 1); and the shared output layer ``Why`` (V, H), ``by`` (V, 1).

State: the public functions take and return the whole state as one (S, B) array, column-wise like
the gist's ``hprev``; rows ``2lH : 2lH+H`` hold h of layer l and rows ``2lH+H : 2(l+1)H`` its c.
Internally each step is column-wise too, one contiguous block per step: states ``(T+1, H, B)`` and
gates ``(T, 4H, B)`` per layer, so a step's product is ``Wh @ h_{t-1}`` as in the maths (and the
fastest orientation for BLAS, see :mod:`rnn_lib.layers`). The input part of z for all T steps is a
lookup (layer 0) or T products (above) before the loop; the output layer, the softmax and the weight
gradients are single products over all T steps after it. The cache shows the states row-wise,
``(T+1, B, H)``, as :mod:`rnn_lib.rnn` stores them (views, no copies).

What the cells share (checks, the input and output layers, dropout, buffers, the loss) lives in
:mod:`rnn_lib.layers`; this module holds the LSTM's recurrence: :func:`step_forward` and
:func:`step_backward` for one time step of one layer, :func:`forward` and :func:`backward` over T
steps and L layers.
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

PARAM_NAMES = ("Wx0", "Wh0", "b0", "Why", "by")  # one layer; param_shapes(V, H, layers) for more
GATES = 4


def param_names(layers: int = 1) -> tuple:
    """``Wx0, Wh0, b0, Wx1, Wh1, b1, ..., Why, by``: the parameter names of an LSTM with ``layers`` layers."""
    return tuple(name for l in range(layers) for name in (f"Wx{l}", f"Wh{l}", f"b{l}")) + ("Why", "by")


def param_shapes(vocab_size: int, hidden_size: int, layers: int = 1) -> dict:
    """Shapes of the parameters, in storage order.

    ``Wx{l}`` (4H, V if l == 0 else H), ``Wh{l}`` (4H, H), ``b{l}`` (4H, 1) for l = 0 ... L-1,
    then ``Why`` (V, H), ``by`` (V, 1). Rows of the 4H blocks: i, f, o, g.
    """
    V, H, L = check_sizes(vocab_size, hidden_size, layers)
    shapes = {}
    for l in range(L):
        shapes[f"Wx{l}"] = (GATES * H, V if l == 0 else H)
        shapes[f"Wh{l}"] = (GATES * H, H)
        shapes[f"b{l}"] = (GATES * H, 1)
    shapes["Why"], shapes["by"] = (V, H), (V, 1)
    return shapes


def init_params(
    vocab_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    scale: float | None = None,
    dtype=np.float64,
    layers: int = 1,
    forget_bias: float = 1.0,
) -> dict:
    """Random weights and constant biases.

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
        its LSTM, which keeps z of order 1 whatever H. A number: normal weights with that standard
        deviation, the meaning ``init_scale`` has for the vanilla RNN.
    dtype : numpy dtype
        ``np.float64`` (gradient checks) or ``np.float32`` (faster training).
    layers : int
        L, stacked LSTM layers.
    forget_bias : float
        The initial forget-gate biases (rows H:2H of every ``b{l}``); every other bias starts at 0.
        The default, 1, follows Jozefowicz et al. (2015): f starts near sigmoid(1) = 0.73, so the
        cell keeps its contents from the first step. 0 starts f at 0.5, as PyTorch does; on tiny
        Shakespeare with Adam, a 2-layer LSTM learns faster from 0 (``python
        benchmarks/bench_lstm.py --forget-bias-probe``), which is why the shipped LSTM uses it.

    Returns
    -------
    dict
        Keyed as :func:`param_shapes`.
    """
    V, H, L = check_sizes(vocab_size, hidden_size, layers)
    check_rng(rng)
    check_scale(scale)
    params = init_weights(param_shapes(V, H, L), _weight_names(L), rng, scale, np.dtype(dtype))
    if not (isinstance(forget_bias, (int, float, np.floating)) and np.isfinite(forget_bias)):
        raise ValueError(f"forget_bias must be a finite number, got {forget_bias!r}")
    for l in range(L):
        params[f"b{l}"][H : 2 * H] = forget_bias
    return params


def _weight_names(L: int) -> list:
    """The weights drawn from rng, in order: ``Wx0, Wh0, Wx1, Wh1, ..., Why``; biases are constants."""
    return [n for l in range(L) for n in (f"Wx{l}", f"Wh{l}")] + ["Why"]


def initial_state(params: dict, batch_size: int = 1) -> np.ndarray:
    """The all-zero state, shape (S, B) with S = 2*H*L (h and c of every layer)."""
    _, H, L = layered_sizes(params)
    return np.zeros((2 * H * L, batch_size), params["Why"].dtype)


def output_logits(params: dict, state) -> np.ndarray:
    """Logits of the next character in ``state`` (S, B): ``Why @ h + by`` with h the top layer's, shape (V, B)."""
    _, H, L = layered_sizes(params)
    state = np.asarray(state)
    if state.ndim != 2 or state.shape[0] != 2 * H * L:
        raise ValueError(f"state must have shape (S, B) with S = 2*H*layers = {2 * H * L}, got {state.shape}")
    return logits_of(params, state[2 * H * (L - 1) : 2 * H * (L - 1) + H])


def step_forward(
    z: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    Wh: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    tanh_c: np.ndarray,
    recurrent: np.ndarray,
    ig: np.ndarray,
) -> None:
    """One step of one LSTM layer, column-wise, in place.

    Parameters
    ----------
    z : array, shape (4H, B), contiguous
        In: the input part ``Wx x_t + b``, pre-scaled (see :func:`rnn_lib.layers.gate_scale`).
        Out: the gates i, f, o, g (blocks of H rows) after their nonlinearities.
    h_prev, c_prev : arrays, shape (H, B)
        h_{t-1}, c_{t-1}.
    Wh : array, shape (4H, H)
        ``Wh``, pre-scaled like z.
    h, c, tanh_c : arrays, shape (H, B)
        Out: h_t, c_t, tanh(c_t).
    recurrent : array, shape (4H, B)
    ig : array, shape (H, B)
        Scratch space.
    """
    H = h.shape[0]
    np.matmul(Wh, h_prev, out=recurrent)  # z_t = Wx x_t + b + Wh h_{t-1}
    z += recurrent
    np.tanh(z, out=z)  # tanh(z_i/2), tanh(z_f/2), tanh(z_o/2) and g = tanh(z_g)
    sigmoid_from_tanh(z[: 3 * H])  # i, f, o
    i, f, o, g = z[:H], z[H : 2 * H], z[2 * H : 3 * H], z[3 * H :]
    np.multiply(f, c_prev, out=c)  # c_t = f * c_{t-1} + i * g
    np.multiply(i, g, out=ig)
    c += ig
    np.tanh(c, out=tanh_c)
    np.multiply(o, tanh_c, out=h)  # h_t = o * tanh(c_t)


def step_backward(
    dh: np.ndarray,
    dhnext: np.ndarray,
    dcnext: np.ndarray,
    act: np.ndarray,
    c_prev: np.ndarray,
    tanh_c: np.ndarray,
    WhT: np.ndarray,
    dz: np.ndarray,
    scratch: tuple,
) -> None:
    """One step of backpropagation through time in one LSTM layer, column-wise, in place.

    Parameters
    ----------
    dh : array, shape (H, B)
        In: the part of dL/dh_t from above (the output layer or the layer above). Overwritten.
    dhnext, dcnext : arrays, shape (H, B)
        In: dL/dh_t and dL/dc_t from step t+1. Out: the same for step t-1.
    act : array, shape (4, H, B)
        The gates i, f, o, g of step t.
    c_prev, tanh_c : arrays, shape (H, B)
        c_{t-1} and tanh(c_t).
    WhT : array, shape (H, 4H), contiguous
        ``Wh.T``.
    dz : array, shape (4, H, B)
        Out: dL/dz_t, blocks i, f, o, g.
    scratch : tuple
        ``P`` (4, H, B), ``A`` (H, B), ``dc`` (H, B).
    """
    P, A, dc = scratch
    i, f, o, g = act
    #   dz_i = dc * g i(1-i)       dz_f = dc * c_{t-1} f(1-f)      dz_g = dc * i (1-g^2)
    #   dz_o = dh * tanh(c) o(1-o)  dc   = dh * o (1 - tanh(c)^2) + dc_next
    np.subtract(1, act[:3], out=P[:3])
    P[:3] *= act[:3]  # sigmoid' = s (1 - s), for i, f and o at once
    P[0] *= g
    P[1] *= c_prev
    P[2] *= tanh_c
    np.multiply(g, g, out=P[3])
    np.subtract(1, P[3], out=P[3])
    P[3] *= i
    np.multiply(tanh_c, tanh_c, out=A)
    np.subtract(1, A, out=A)
    A *= o
    dh += dhnext
    np.multiply(dh, A, out=dc)
    dc += dcnext
    np.multiply(dc, P[:2], out=dz[:2])
    np.multiply(dh, P[2], out=dz[2])
    np.multiply(dc, P[3], out=dz[3])
    np.multiply(dc, f, out=dcnext)  # the additive memory: dc_{t-1} = f * dc_t
    np.matmul(WhT, dz.reshape(-1, dz.shape[-1]), out=dhnext)  # Wh^T dz_t


def forward(params: dict, inputs, hprev, dropout: float = 0.0, rng: np.random.Generator | None = None) -> dict:
    """Run the LSTM over T steps and compute the output distributions.

    Parameters
    ----------
    params : dict
        As returned by :func:`init_params`.
    inputs : int array, shape (T,) or (T, B)
        Character ids fed in at each step.
    hprev : array, shape (S, B)
        State before the first step (h and c of every layer, see the module docstring).
    dropout : float
        Training only: the probability of zeroing each unit of a layer's output h_t on its way to
        the layer above or to the output layer (new masks at every step; the recurrent connections
        are never dropped). 0, the default, is the plain network used to evaluate and sample.
    rng : numpy.random.Generator
        Draws the dropout masks; needed when ``dropout > 0``.

    Returns
    -------
    dict (the cache for :func:`backward`)
        ``hs``, ``cs`` (L, T+1, B, H): ``hs[l, 0]`` is layer l's h from ``hprev``, ``hs[l, t+1]`` its
        h_t (row-wise views of the column-wise arrays the cell computes in); ``gates`` (L, T, B, 4H):
        i, f, o, g after their nonlinearities; ``tanh_c`` (L, T, B, H); ``logits`` (T*B, V) shifted by
        their maximum; ``probs`` (T*B, V); ``log_norm`` (T*B,); ``inputs`` (T, B); ``h_last`` (S, B),
        the state after the last step; ``masks`` (L, T, B, H) or None, and the same column-wise,
        ``colmasks`` (L, T, H, B); ``outputs``, each layer's (T*B, H) outputs after dropout (row
        t*B + b), the same column-wise, ``col_outputs`` (T, H, B) each, and ``rows``, the top
        layer's (T*B, H) outputs, which the output layer read.
    """
    return _forward(params, inputs, hprev, Buffers(), dropout, rng)


def _forward(params: dict, inputs, hprev, buf: Buffers, dropout: float = 0.0, rng=None) -> dict:
    V, H, L = layered_sizes(params)
    x, hprev, masks, colmasks, dropped = begin_forward(params, inputs, hprev, 2 * H * L, dropout, rng, buf)
    T, B = x.shape
    dtype = params["Why"].dtype
    G = GATES * H
    scale = gate_scale(GATES - 1, H, dtype)

    hs = buf("hs", (L, T + 1, H, B), dtype)
    cs = buf("cs", (L, T + 1, H, B), dtype)
    state = hprev.reshape(L, 2, H, B)
    hs[:, 0] = state[:, 0]
    cs[:, 0] = state[:, 1]
    gates = buf("gates", (L, T, G, B), dtype)
    tanh_c = buf("tanh_c", (L, T, H, B), dtype)
    Wh = buf("Wh", (G, H), dtype)
    recurrent = buf("recurrent", (G, B), dtype)
    ig = buf("ig", (H, B), dtype)
    outputs = []  # each layer's (T, H, B) outputs after dropout, column-wise
    for l in range(L):
        input_forward(params, l, x, outputs, scale, gates[l], buf)
        np.multiply(params[f"Wh{l}"], scale, out=Wh)  # pre-scaled like the input part
        h, c, th, z = hs[l], cs[l], tanh_c[l], gates[l]
        for t in range(T):
            step_forward(z[t], h[t], c[t], Wh, h[t + 1], c[t + 1], th[t], recurrent, ig)
        outputs.append(layer_outputs(hs, colmasks, dropped, l))

    rows = output_rows(outputs[L - 1], buf)
    cache = output_forward(params, rows, buf)
    h_last = np.empty((L, 2, H, B), dtype)  # a new array: hs may be reused by the next call
    h_last[:, 0] = hs[:, T]
    h_last[:, 1] = cs[:, T]
    cache.update(
        hs=hs.transpose(0, 1, 3, 2),
        cs=cs.transpose(0, 1, 3, 2),
        gates=gates.transpose(0, 1, 3, 2),
        tanh_c=tanh_c.transpose(0, 1, 3, 2),
        inputs=x,
        h_last=h_last.reshape(2 * H * L, B),
        masks=masks,
        colmasks=colmasks,
        rows=rows,
        outputs=[rows_of(o) for o in outputs[:-1]] + [rows],
        col_outputs=outputs,
    )
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
        Keyed like ``params``, same shapes.
    dhprev : array, shape (S, B)
        dL/dhprev (h and c of every layer, laid out like ``hprev``): what flows out of the first
        step into the previous chunk (truncated BPTT drops it; the gradient check uses it).
    """
    return _backward(params, cache, targets, Buffers())


def _backward(params: dict, cache: dict, targets, buf: Buffers) -> tuple[dict, np.ndarray]:
    V, H, L = layered_sizes(params)
    grads, dh = begin_backward(params, cache, targets, param_shapes(V, H, L), buf)
    # back to the column-wise arrays the forward pass computed in (the cache shows them row-wise)
    hs, cs, gates, tanh_c = (cache[k].transpose(0, 1, 3, 2) for k in ("hs", "cs", "gates", "tanh_c"))
    x, outputs, colmasks = cache["inputs"], cache["col_outputs"], cache["colmasks"]
    T, B, G, dtype = *x.shape, GATES * H, params["Why"].dtype
    dhprev = np.empty((L, 2, H, B), dtype)
    dZ = buf("dZ", (T, G, B), dtype)  # dL/dz_t, reused layer after layer
    dZ4 = dZ.reshape(T, GATES, H, B)
    scratch = buf("P", (GATES, H, B), dtype), buf("A", (H, B), dtype), buf("dc", (H, B), dtype)
    dcnext, dhnext = buf("dcnext", (H, B), dtype), buf("dhnext", (H, B), dtype)
    WhT = buf("WhT", (H, G), dtype)
    for l in reversed(range(L)):
        act, c, tc = gates[l].reshape(T, GATES, H, B), cs[l], tanh_c[l]
        np.copyto(WhT, params[f"Wh{l}"].T)
        dhnext[...] = 0
        dcnext[...] = 0
        for t in reversed(range(T)):
            step_backward(dh[t], dhnext, dcnext, act[t], c[t], tc[t], WhT, dZ4[t], scratch)
        dhprev[l, 0] = dhnext
        dhprev[l, 1] = dcnext
        # the weight gradients of all T steps, each one product: sum_t dz_t h_{t-1}^T, ...
        dz = steps_side_by_side(dZ, buf, "dz_steps")  # (G, T*B)
        np.dot(dz, steps_side_by_side(hs[l, :-1], buf, "h_steps").T, out=grads[f"Wh{l}"])
        # dWx, db (sum_t dz_t x_t^T, sum_t dz_t) and dL/dh_t of the layer below
        dh = input_backward(params, l, x, dz, outputs, colmasks, grads, dh, buf)
    return grads, dhprev.reshape(2 * H * L, B)


def loss_and_grads(
    params: dict,
    inputs,
    targets,
    hprev,
    clip: float | None = 5.0,
    dropout: float = 0.0,
    rng: np.random.Generator | None = None,
):
    """The gist's ``lossFun`` for an LSTM: loss, gradients (clipped to [-clip, clip] unless ``clip`` is
    None) and the last state (S, B) for one chunk of T steps from state ``hprev`` (S, B); ``dropout``
    and ``rng`` as in :func:`forward`. See :func:`rnn_lib.layers.loss_and_grads_with`.
    """
    return loss_and_grads_with(_forward, _backward, params, inputs, targets, hprev, clip, dropout=dropout, rng=rng)

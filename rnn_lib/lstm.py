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
Internally the states are row-wise, ``(T+1, B, H)`` per layer, as in :mod:`rnn_lib.model`: the input
part of z for all T steps is one lookup (layer 0) or one product (above), and the output layer,
the softmax and the weight gradients are single products after the time loop.
"""
from __future__ import annotations

import threading

import numpy as np

from .flat import packed_zeros
from .model import _as_steps, clip_grads, cross_entropy

__all__ = ["PARAM_NAMES", "param_names", "param_shapes", "init_params", "initial_state", "forward",
           "backward", "loss_and_grads", "output_logits", "cross_entropy"]

PARAM_NAMES = ("Wx0", "Wh0", "b0", "Why", "by")  # one layer; param_shapes(V, H, layers) for more
GATES = 4


def param_names(layers: int = 1) -> tuple:
    """``Wx0, Wh0, b0, Wx1, Wh1, b1, ..., Why, by``: the parameter names of an LSTM with ``layers`` layers."""
    return tuple(name for l in range(layers) for name in (f"Wx{l}", f"Wh{l}", f"b{l}")) + ("Why", "by")


def _check_sizes(vocab_size, hidden_size, layers) -> tuple:
    for name, value in (("vocab_size", vocab_size), ("hidden_size", hidden_size), ("layers", layers)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(vocab_size), int(hidden_size), int(layers)


def param_shapes(vocab_size: int, hidden_size: int, layers: int = 1) -> dict:
    """Shapes of the parameters, in storage order.

    ``Wx{l}`` (4H, V if l == 0 else H), ``Wh{l}`` (4H, H), ``b{l}`` (4H, 1) for l = 0 ... L-1,
    then ``Why`` (V, H), ``by`` (V, 1). Rows of the 4H blocks: i, f, o, g.
    """
    V, H, L = _check_sizes(vocab_size, hidden_size, layers)
    shapes = {}
    for l in range(L):
        shapes[f"Wx{l}"] = (GATES * H, V if l == 0 else H)
        shapes[f"Wh{l}"] = (GATES * H, H)
        shapes[f"b{l}"] = (GATES * H, 1)
    shapes["Why"], shapes["by"] = (V, H), (V, 1)
    return shapes


def init_params(vocab_size: int, hidden_size: int, rng: np.random.Generator, scale: float | None = None,
                dtype=np.float64, layers: int = 1, forget_bias: float = 1.0) -> dict:
    """Random weights and constant biases, all views into one flat buffer.

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
    V, H, L = _check_sizes(vocab_size, hidden_size, layers)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    params = packed_zeros(param_shapes(V, H, L), np.dtype(dtype))
    _draw_weights(params, H, L, rng, scale)
    if not (isinstance(forget_bias, (int, float, np.floating)) and np.isfinite(forget_bias)):
        raise ValueError(f"forget_bias must be a finite number, got {forget_bias!r}")
    for l in range(L):
        params[f"b{l}"][H:2 * H] = forget_bias
    return params


def _draw_weights(params: dict, H: int, L: int, rng, scale) -> None:
    """Fill ``Wx{l}``, ``Wh{l}`` and ``Why`` (in that order) from ``rng``; shared with :mod:`rnn_lib.gru`."""
    if scale is not None and not (isinstance(scale, (int, float, np.floating)) and np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number or None (the cell's default), got {scale!r}")
    for name in [n for l in range(L) for n in (f"Wx{l}", f"Wh{l}")] + ["Why"]:
        shape = params[name].shape
        if scale is None:
            k = 1 / np.sqrt(H)
            params[name][...] = rng.uniform(-k, k, shape)
        else:
            params[name][...] = rng.standard_normal(shape) * scale


def _sizes(params: dict) -> tuple:
    """V, H, L of a parameter dict."""
    if "Why" not in params or "Wh0" not in params:
        raise ValueError(f"these are not parameters of a layered cell (keys {sorted(params)}); "
                         f"make them with init_params")
    V, H = params["Why"].shape
    L = 1
    while f"Wh{L}" in params:
        L += 1
    return V, H, L


def initial_state(params: dict, batch_size: int = 1) -> np.ndarray:
    """The all-zero state, shape (S, B) with S = 2*H*L (h and c of every layer)."""
    _, H, L = _sizes(params)
    return np.zeros((2 * H * L, batch_size), params["Why"].dtype)


def _check_state(state, S: int, B: int, what: str) -> np.ndarray:
    state = np.asarray(state)
    if state.shape != (S, B):
        raise ValueError(f"{what} must have shape (S, B) = ({S}, {B}) for these inputs and parameters, "
                         f"got {state.shape} (use initial_state(params, batch_size) for a fresh one)")
    return state


def output_logits(params: dict, state) -> np.ndarray:
    """Logits of the next character in ``state`` (S, B): ``Why @ h + by`` with h the top layer's, shape (V, B)."""
    _, H, L = _sizes(params)
    state = np.asarray(state)
    if state.ndim != 2 or state.shape[0] != 2 * H * L:
        raise ValueError(f"state must have shape (S, B) with S = 2*H*layers = {2 * H * L}, got {state.shape}")
    h_top = state[2 * H * (L - 1):2 * H * (L - 1) + H]
    return params["Why"] @ h_top + params["by"]


class _Buffers:
    """The arrays of one forward and backward pass, by name.

    Fresh arrays by default. ``reuse=True`` keeps them from one call to the next, as
    :func:`loss_and_grads` does: a training step of a 256-unit LSTM needs some 20 MB of
    intermediate arrays, and allocating them anew makes the OS zero-fill them page by page at every
    step, which costs a good fraction of the step. Shared with :mod:`rnn_lib.gru`.
    """

    def __init__(self, reuse: bool = False):
        self.reuse = reuse
        self.arrays = {}

    def __call__(self, name: str, shape: tuple, dtype) -> np.ndarray:
        if not self.reuse:
            return np.empty(shape, dtype)
        a = self.arrays.get(name)
        if a is None or a.shape != shape or a.dtype != dtype:
            a = self.arrays[name] = np.empty(shape, dtype)
        return a


def _check_dropout(dropout, rng) -> float:
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float, np.floating)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a probability in [0, 1), got {dropout!r}")
    if dropout and not isinstance(rng, np.random.Generator):
        raise TypeError(f"dropout needs rng, a numpy Generator (np.random.default_rng(seed)) to draw its masks, "
                        f"got {type(rng).__name__}")
    return float(dropout)


def _dropout_masks(dropout: float, rng, shape: tuple, dtype, buf: _Buffers):
    """Inverted-dropout masks, 0 with probability ``dropout`` and 1/(1 - dropout) otherwise; None for no dropout.

    Scaling the kept units up while training keeps the expected input of the next layer unchanged,
    so evaluation and sampling run the plain network. Shared with :mod:`rnn_lib.gru`.
    """
    if not dropout:
        return None
    masks = buf("masks", shape, dtype)
    rng.random(shape, dtype=np.dtype(dtype).type, out=masks)
    keep = np.greater_equal(masks, dropout, out=buf("keep", shape, np.bool_))
    return np.multiply(keep, 1 / (1 - dropout), out=masks, dtype=dtype)


_thread = threading.local()


def _reused_buffers() -> _Buffers:
    """This thread's buffers for :func:`loss_and_grads` (whose cache never leaves the call)."""
    if not hasattr(_thread, "buffers"):
        _thread.buffers = _Buffers(reuse=True)
    return _thread.buffers


def _output_layer(params: dict, states: np.ndarray, buf: _Buffers) -> dict:
    """Shifted logits, probabilities and log-normalisers for all (T*B, H) top-layer states at once.

    The output layer does not feed the recurrence, so all T steps share one product (as in
    :func:`rnn_lib.model.forward`). Shared with :mod:`rnn_lib.gru`.
    """
    Why, by = params["Why"], params["by"]
    logits = buf("logits", (states.shape[0], Why.shape[0]), Why.dtype)
    np.dot(states, Why.T, out=logits)
    logits += by.T
    logits -= logits.max(axis=1, keepdims=True)  # softmax is unchanged by the shift; exp cannot overflow
    probs = np.exp(logits, out=buf("probs", logits.shape, logits.dtype))
    total = probs.sum(axis=1, keepdims=True)
    probs /= total
    return {"logits": logits, "probs": probs, "log_norm": np.log(total[:, 0])}


def _output_backward(params: dict, cache: dict, targets, states: np.ndarray, grads: dict,
                     buf: _Buffers) -> np.ndarray:
    """dWhy, dby into ``grads``; returns dL/dh of the top layer from the outputs, (T*B, H)."""
    x = cache["inputs"]
    T, B = x.shape
    Why = params["Why"]
    y = _as_steps(targets, "targets", Why.shape[0])
    if y.shape != x.shape:
        raise ValueError(f"targets must have the same shape as inputs {x.shape}, got {y.shape}")
    # dL/dy_t = p_t - onehot(target_t), divided by B as the loss is a mean over the streams
    dy = buf("dy", cache["probs"].shape, Why.dtype)
    dy[...] = cache["probs"]
    dy[np.arange(T * B), y.reshape(T * B)] -= 1
    dy /= B
    np.dot(dy.T, states, out=grads["Why"])
    dy.sum(axis=0, out=grads["by"][:, 0])
    return np.dot(dy, Why, out=buf("dh", states.shape, Why.dtype))


def _onehot(x: np.ndarray, V: int, dtype, buf: _Buffers) -> np.ndarray:
    """The (T*B, V) one-hot matrix of ids (T, B): dWx0 = dZ^T onehot is one product."""
    onehot = buf("onehot", (x.size, V), dtype)
    onehot[...] = 0
    onehot[np.arange(x.size), x.reshape(-1)] = 1
    return onehot


# z is computed pre-scaled by these factors: -z for the sigmoid blocks (i, f, o) and -2z for g, so
# that ONE exp over the whole contiguous (B, 4H) block gives every gate, sigmoid(z) = 1 / (1 + exp(-z))
# and tanh(z) = 2 sigmoid(2z) - 1. Scaling by -1 and -2 is exact in floating point, and folding it
# into copies of the weights makes it free; numpy's exp on one contiguous block is several times
# faster than a sigmoid and a tanh on strided column slices.
def _gate_scale(H: int, dtype) -> np.ndarray:
    scale = np.full(GATES * H, -1, dtype)
    scale[3 * H:] = -2
    return scale


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
        h_t (row-wise); ``gates`` (L, T, B, 4H): i, f, o, g after their nonlinearities;
        ``tanh_c`` (L, T, B, H); ``logits`` (T*B, V) shifted by their maximum; ``probs`` (T*B, V);
        ``log_norm`` (T*B,); ``inputs`` (T, B); ``h_last`` (S, B), the state after the last step;
        ``masks`` (L, T, B, H) or None; ``outputs``, each layer's (T*B, H) outputs after dropout.
    """
    return _forward(params, inputs, hprev, _Buffers(), dropout, rng)


def _forward(params: dict, inputs, hprev, buf: _Buffers, dropout: float = 0.0, rng=None) -> dict:
    V, H, L = _sizes(params)
    x = _as_steps(inputs, "inputs", V)
    T, B = x.shape
    hprev = _check_state(hprev, 2 * H * L, B, "hprev")
    dropout = _check_dropout(dropout, rng)
    dtype = params["Why"].dtype
    masks = _dropout_masks(dropout, rng, (L, T, B, H), dtype, buf)
    dropped = buf("dropped", (L, T, B, H), dtype) if masks is not None else None
    G = GATES * H
    scale = _gate_scale(H, dtype)

    hs = buf("hs", (L, T + 1, B, H), dtype)
    cs = buf("cs", (L, T + 1, B, H), dtype)
    state = hprev.reshape(L, 2, H, B)
    hs[:, 0] = state[:, 0].transpose(0, 2, 1)
    cs[:, 0] = state[:, 1].transpose(0, 2, 1)
    gates = buf("gates", (L, T, B, G), dtype)
    tanh_c = buf("tanh_c", (L, T, B, H), dtype)
    WhT = buf("WhT", (H, G), dtype)
    recurrent = buf("recurrent", (B, G), dtype)
    ig = buf("ig", (B, H), dtype)
    with np.errstate(over="ignore"):  # exp(-z) = inf for very negative z gives sigmoid 0, as it should
        for l in range(L):
            Wx, Wh, b = params[f"Wx{l}"], params[f"Wh{l}"], params[f"b{l}"]
            z = gates[l]
            if l == 0:
                # Wx0 @ onehot(x_t) is column x_t of Wx0: one row lookup gives all T*B input parts
                table = Wx.T + b.T  # (V, 4H)
                table *= scale
                np.take(table, x, axis=0, out=z, mode="clip")  # ids already checked; 'clip' is unbuffered
            else:
                below = hs[l - 1, 1:]
                if masks is not None:
                    below = np.multiply(below, masks[l - 1], out=dropped[l - 1])
                np.dot(below.reshape(T * B, H), Wx.T * scale, out=z.reshape(T * B, G))
                z += b.T * scale
            np.multiply(Wh.T, scale, out=WhT)  # (H, 4H), contiguous: the row form of Wh @ h, pre-scaled
            h, c, th, z4 = hs[l], cs[l], tanh_c[l], z.reshape(T, B, GATES, H)
            for t in range(T):
                zt = z[t]
                np.dot(h[t], WhT, out=recurrent)
                zt += recurrent
                np.exp(zt, out=zt)
                zt += 1
                np.reciprocal(zt, out=zt)  # sigmoid(z_i, z_f, z_o) and sigmoid(2 z_g)
                i, f, o, g = z4[t, :, 0], z4[t, :, 1], z4[t, :, 2], z4[t, :, 3]
                g *= 2
                g -= 1  # tanh(z_g)
                np.multiply(f, c[t], out=c[t + 1])
                np.multiply(i, g, out=ig)
                c[t + 1] += ig
                np.tanh(c[t + 1], out=th[t])
                np.multiply(o, th[t], out=h[t + 1])

    if masks is not None:
        np.multiply(hs[L - 1, 1:], masks[L - 1], out=dropped[L - 1])
    outputs = [(hs[l, 1:] if masks is None else dropped[l]).reshape(T * B, H) for l in range(L)]
    cache = _output_layer(params, outputs[L - 1], buf)
    h_last = np.empty((L, 2, H, B), dtype)
    h_last[:, 0] = hs[:, T].transpose(0, 2, 1)
    h_last[:, 1] = cs[:, T].transpose(0, 2, 1)
    cache.update(hs=hs, cs=cs, gates=gates, tanh_c=tanh_c, inputs=x, h_last=h_last.reshape(2 * H * L, B),
                 masks=masks, outputs=outputs)
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
        dL/dhprev (h and c of every layer, laid out like ``hprev``): what flows out of the first
        step into the previous chunk (truncated BPTT drops it; the gradient check uses it).
    """
    return _backward(params, cache, targets, _Buffers())


def _backward(params: dict, cache: dict, targets, buf: _Buffers) -> tuple[dict, np.ndarray]:
    V, H, L = _sizes(params)
    hs, cs, gates, tanh_c, x = cache["hs"], cache["cs"], cache["gates"], cache["tanh_c"], cache["inputs"]
    T, B = x.shape
    dtype = params["Why"].dtype
    G = GATES * H
    grads = packed_zeros(param_shapes(V, H, L), dtype)
    masks, outputs = cache["masks"], cache["outputs"]
    dh = _output_backward(params, cache, targets, outputs[L - 1], grads, buf).reshape(T, B, H)
    if masks is not None:
        dh *= masks[L - 1]  # a dropped unit passed nothing on, so it gets no gradient
    dhprev = np.empty((L, 2, H, B), dtype)
    dZ = buf("dZ", (T, B, G), dtype)  # dL/dz_t, reused layer after layer
    dZ4 = dZ.reshape(T, B, GATES, H)
    # the local derivatives of one step; computing them inside the loop, where the step's arrays
    # are still in the CPU cache, is faster than one pass over all T steps before it
    P = buf("P", (B, GATES, H), dtype)
    A = buf("A", (B, H), dtype)
    dc, dcnext, dhnext = (buf(name, (B, H), dtype) for name in ("dc", "dcnext", "dhnext"))
    for l in reversed(range(L)):
        Wx, Wh = params[f"Wx{l}"], params[f"Wh{l}"]
        act, c, tc = gates[l].reshape(T, B, GATES, H), cs[l], tanh_c[l]
        dhnext[...] = 0
        dcnext[...] = 0
        for t in reversed(range(T)):
            i, f, o, g = act[t, :, 0], act[t, :, 1], act[t, :, 2], act[t, :, 3]
            #   dz_i = dc * g i(1-i)       dz_f = dc * c_{t-1} f(1-f)      dz_g = dc * i (1-g^2)
            #   dz_o = dh * tanh(c) o(1-o)  dc   = dh * o (1 - tanh(c)^2) + dc_next
            np.subtract(1, act[t, :, :3], out=P[:, :3])
            P[:, :3] *= act[t, :, :3]  # sigmoid' = s (1 - s), for i, f and o at once
            P[:, 0] *= g
            P[:, 1] *= c[t]
            P[:, 2] *= tc[t]
            np.multiply(g, g, out=P[:, 3])
            np.subtract(1, P[:, 3], out=P[:, 3])
            P[:, 3] *= i
            np.multiply(tc[t], tc[t], out=A)
            np.subtract(1, A, out=A)
            A *= o
            dht = dh[t]
            dht += dhnext
            np.multiply(dht, A, out=dc)
            dc += dcnext
            np.multiply(dc[:, None], P[:, :2], out=dZ4[t, :, :2])
            np.multiply(dht, P[:, 2], out=dZ4[t, :, 2])
            np.multiply(dc, P[:, 3], out=dZ4[t, :, 3])
            np.multiply(dc, f, out=dcnext)
            np.dot(dZ[t], Wh, out=dhnext)  # row form of Wh^T dz_t
        dhprev[l, 0] = dhnext.T
        dhprev[l, 1] = dcnext.T
        dZ2 = dZ.reshape(T * B, G)
        np.dot(dZ2.T, hs[l, :-1].reshape(T * B, H), out=grads[f"Wh{l}"])  # sum_t dz_t h_{t-1}^T
        dZ2.sum(axis=0, out=grads[f"b{l}"][:, 0])
        if l == 0:
            np.dot(dZ2.T, _onehot(x, V, dtype, buf), out=grads["Wx0"])  # sum_t dz_t x_t^T
        else:
            np.dot(dZ2.T, outputs[l - 1], out=grads[f"Wx{l}"])
            # dL/dh_t of the layer below, through its output (dh of this layer is no longer needed)
            dh = np.dot(dZ2, Wx, out=dh.reshape(T * B, H)).reshape(T, B, H)
            if masks is not None:
                dh *= masks[l - 1]
    return grads, dhprev.reshape(2 * H * L, B)


def loss_and_grads(params: dict, inputs, targets, hprev, clip: float | None = 5.0, dropout: float = 0.0,
                   rng: np.random.Generator | None = None):
    """Loss, gradients and last state for one chunk of T steps (the gist's ``lossFun``, for an LSTM).

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

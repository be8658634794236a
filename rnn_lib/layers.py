"""What the three cells share: input checks, weights, the output layer, dropout, buffers, the loss.

Each cell module (:mod:`rnn_lib.rnn`, :mod:`rnn_lib.lstm`, :mod:`rnn_lib.gru`) holds only its own
recurrence; everything around it lives here, once:

- checks: :func:`check_sizes`, :func:`check_rng`, :func:`as_steps` (character ids),
  :func:`check_targets`, :func:`check_state`, :func:`layered_sizes` (V, H, L of a layered cell);
- weights: :func:`check_scale`, :func:`zeros`, :func:`init_weights` (zero arrays, then the random
  draws in a fixed order);
- the output layer ``y_t = Why h_t + by``, ``p_t = softmax(y_t)``: :func:`output_forward` for all T*B
  states at once, :func:`output_backward`, :func:`cross_entropy`, :func:`logits_of` (one state);
- one-hot inputs: :func:`onehot`; for the layered cells (LSTM, GRU): :func:`begin_forward`, the
  input part of the gate pre-activations and its backward, :func:`input_forward`,
  :func:`input_backward`, :func:`begin_backward`, their pre-scaling, :func:`gate_scale` and
  :func:`sigmoid_from_tanh`, and the layout changes :func:`steps_side_by_side`, :func:`output_rows`,
  :func:`rows_of`;
- dropout: :func:`check_dropout`, :func:`dropout_masks`, :func:`layer_outputs`;
- :class:`Buffers`, :func:`reused_buffers`; :func:`clip_grads`; :func:`loss_and_grads_with`, the
  gist's ``lossFun`` given a cell's forward and backward.

Dimension letters: V vocabulary size, H hidden size, T time steps, B batch (parallel streams),
L layers, G the rows of a layered cell's stacked gate blocks (4H for the LSTM, 3H for the GRU).
The output layer reads hidden states row-wise, ``(T*B, H)``, all T steps as one matrix; the layered
cells compute their time steps column-wise, ``(H, B)`` per step (see "layered cells" below).
"""

from __future__ import annotations

import threading

import numpy as np

__all__ = [
    "check_sizes",
    "check_rng",
    "check_scale",
    "zeros",
    "as_steps",
    "check_targets",
    "check_state",
    "layered_sizes",
    "init_weights",
    "output_forward",
    "output_backward",
    "cross_entropy",
    "logits_of",
    "onehot",
    "gate_scale",
    "begin_forward",
    "begin_backward",
    "input_forward",
    "input_backward",
    "check_dropout",
    "dropout_masks",
    "layer_outputs",
    "output_rows",
    "rows_of",
    "sigmoid_from_tanh",
    "steps_side_by_side",
    "Buffers",
    "reused_buffers",
    "clip_grads",
    "loss_and_grads_with",
]


# ---------------------------------------------------------------------------------------------- checks


def check_sizes(vocab_size, hidden_size, layers=1) -> tuple:
    """``(V, H, L)`` as ints; ``ValueError`` naming the argument unless each is a positive integer."""
    for name, value in (("vocab_size", vocab_size), ("hidden_size", hidden_size), ("layers", layers)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(vocab_size), int(hidden_size), int(layers)


def check_rng(rng) -> None:
    """``TypeError`` unless ``rng`` is a numpy Generator: the library never uses global random state."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")


def check_scale(scale) -> None:
    """``ValueError`` unless ``scale`` is a positive number or None (the cell's default)."""
    if scale is not None and not (isinstance(scale, (int, float, np.floating)) and np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number or None (the cell's default), got {scale!r}")


def as_steps(ids, name: str, V: int) -> np.ndarray:
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
        raise ValueError(
            f"{name} holds id {lo if lo < 0 else hi}, outside 0..{V - 1} (the vocabulary has V={V} characters)"
        )
    return ids


def check_targets(targets, inputs: np.ndarray, V: int) -> np.ndarray:
    """``targets`` (T,) or (T, B) as (T, B), checked against the (T, B) ``inputs`` they follow."""
    y = as_steps(targets, "targets", V)
    if y.shape != inputs.shape:
        raise ValueError(f"targets must have the same shape as inputs {inputs.shape}, got {y.shape}")
    return y


def check_state(state, S: int, B: int, what: str, letter: str = "S") -> np.ndarray:
    """``state`` as an array of shape (S, B); ``letter`` names S in the message (H for the vanilla RNN)."""
    state = np.asarray(state)
    if state.shape != (S, B):
        raise ValueError(
            f"{what} must have shape ({letter}, B) = ({S}, {B}) for these inputs and parameters, "
            f"got {state.shape} (use initial_state(params, batch_size) for a fresh one)"
        )
    return state


def layered_sizes(params: dict) -> tuple:
    """V, H, L of a layered cell's parameters (``Wh0``, ``Wh1``, ... and ``Why``)."""
    if "Why" not in params or "Wh0" not in params:
        raise ValueError(
            f"these are not parameters of a layered cell (keys {sorted(params)}); make them with init_params"
        )
    V, H = params["Why"].shape
    L = 1
    while f"Wh{L}" in params:
        L += 1
    return V, H, L


# ---------------------------------------------------------------------------------------------- weights


def zeros(shapes: dict, dtype) -> dict:
    """Zero arrays of ``shapes`` (name -> shape), keyed alike: fresh parameters, gradients, memories."""
    return {name: np.zeros(shape, dtype) for name, shape in shapes.items()}


def init_weights(shapes: dict, names, rng: np.random.Generator, scale: float | None, dtype) -> dict:
    """Zero arrays of ``shapes`` (name -> shape), then random weights for ``names``, drawn in that order.

    Parameters
    ----------
    shapes : dict
        Every parameter's shape, in storage order.
    names : sequence of str
        The weights to draw (the biases keep their zeros), in the order the draws come from ``rng``.
    rng : numpy.random.Generator
    scale : float or None
        A number: normal weights with that standard deviation. ``None``: uniform in
        [-1/sqrt(H), 1/sqrt(H)] with H the number of columns of ``Why`` (PyTorch's default for its
        LSTM and GRU), which keeps the pre-activations of order 1 whatever H.
    dtype : numpy dtype
    """
    params = zeros(shapes, dtype)
    for name in names:
        shape = params[name].shape
        if scale is None:
            k = 1 / np.sqrt(params["Why"].shape[1])
            params[name][...] = rng.uniform(-k, k, shape)
        else:
            params[name][...] = rng.standard_normal(shape) * scale
    return params


# ---------------------------------------------------------------------------------------------- buffers


class Buffers:
    """The arrays of one forward and backward pass, by name.

    Fresh arrays by default. ``reuse=True`` keeps them from one call to the next, as
    :func:`loss_and_grads_with` does: a training step of a 256-unit LSTM needs some 20 MB of
    intermediate arrays, and allocating them anew makes the OS zero-fill them page by page at every
    step, which costs a good fraction of the step.
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


_thread = threading.local()


def reused_buffers() -> Buffers:
    """This thread's buffers for :func:`loss_and_grads_with` (whose cache never leaves the call)."""
    if not hasattr(_thread, "buffers"):
        _thread.buffers = Buffers(reuse=True)
    return _thread.buffers


# ---------------------------------------------------------------------------------------------- output layer


def output_forward(params: dict, states: np.ndarray, buf: Buffers) -> dict:
    """Shifted logits, probabilities and log-normalisers for all top-layer states at once.

    The output layer does not feed the recurrence, so all T steps share one product.

    Parameters
    ----------
    params : dict
        ``Why`` (V, H), ``by`` (V, 1).
    states : array, shape (T*B, H)
        The hidden states h_t (after dropout, if any) of the top layer, row-wise.
    buf : Buffers

    Returns
    -------
    dict
        ``logits`` (T*B, V): y_t shifted by its maximum (softmax is unchanged by the shift, and
        ``exp`` can no longer overflow); ``probs`` (T*B, V); ``log_norm`` (T*B,): log of the
        softmax denominator.
    """
    Why, by = params["Why"], params["by"]
    logits = buf("logits", (states.shape[0], Why.shape[0]), Why.dtype)
    np.dot(states, Why.T, out=logits)
    logits += by.T
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits, out=buf("probs", logits.shape, logits.dtype))
    total = probs.sum(axis=1, keepdims=True)
    probs /= total
    return {"logits": logits, "probs": probs, "log_norm": np.log(total[:, 0])}


def cross_entropy(cache: dict, targets) -> float:
    """Cross-entropy of the targets under the cached distributions, in nats.

    Summed over the T steps and averaged over the B streams: at B=1 this is the gist's ``loss``.

    Parameters
    ----------
    cache : dict
        From a cell's ``forward``: ``inputs`` (T, B), ``logits`` and ``log_norm`` of :func:`output_forward`.
    targets : int array, shape (T,) or (T, B)
    """
    x = cache["inputs"]
    T, B = x.shape
    y = check_targets(targets, x, cache["probs"].shape[1])
    rows = np.arange(T * B)
    # -log p[target] = log(sum exp(y)) - y[target], computed from the shifted logits
    nll = cache["log_norm"] - cache["logits"][rows, y.ravel()]
    return float(nll.sum(dtype=np.float64)) / B


def output_backward(
    params: dict, cache: dict, targets, states: np.ndarray, grads: dict, buf: Buffers, mask=None
) -> np.ndarray:
    """dWhy, dby into ``grads``; returns dL/dh_t of the top layer from the outputs, shape (T*B, H).

    Parameters
    ----------
    params : dict
        ``Why`` (V, H).
    cache : dict
        From the cell's forward: ``inputs`` (T, B), ``probs`` (T*B, V).
    targets : int array, shape (T,) or (T, B)
    states : array, shape (T*B, H)
        The states the output layer read (as given to :func:`output_forward`).
    grads : dict
        ``Why`` (V, H) and ``by`` (V, 1), overwritten.
    buf : Buffers
    mask : array, shape (T, B, H), or None
        The dropout mask ``states`` were multiplied by: a dropped unit passed nothing on, so it gets
        no gradient.
    """
    x = cache["inputs"]
    T, B = x.shape
    Why = params["Why"]
    y = check_targets(targets, x, Why.shape[0])
    # dL/dy_t = p_t - onehot(target_t): the gist's `dy[targets[t]] -= 1`, for all steps at once,
    # divided by B as the loss is a mean over the streams
    dy = buf("dy", cache["probs"].shape, Why.dtype)
    dy[...] = cache["probs"]
    dy[np.arange(T * B), y.reshape(T * B)] -= 1
    dy /= B
    np.dot(dy.T, states, out=grads["Why"])  # sum_t dy_t h_t^T
    dy.sum(axis=0, out=grads["by"][:, 0])
    dh = np.dot(dy, Why, out=buf("dh", states.shape, Why.dtype))  # Why^T dy_t, row form
    if mask is not None:
        dh *= mask.reshape(dh.shape)
    return dh


def logits_of(params: dict, h: np.ndarray) -> np.ndarray:
    """``Why @ h + by``, shape (V, B): the logits of the next character from top-layer states h (H, B)."""
    return params["Why"] @ h + params["by"]


def onehot(x: np.ndarray, V: int, dtype, buf: Buffers) -> np.ndarray:
    """The (T*B, V) one-hot matrix of ids ``x`` (T, B): sum_t dz_t x_t^T is then one product."""
    out = buf("onehot", (x.size, V), dtype)
    out[...] = 0
    out[np.arange(x.size), x.reshape(-1)] = 1
    return out


# ---------------------------------------------------------------------------------------------- layered cells


# A layered cell (LSTM, GRU) keeps its per-step arrays column-wise, one contiguous block per step:
# states (T+1, H, B), gate pre-activations (T, G, B), as the gist keeps h (H, 1). Then a step's
# recurrent product is ``Wh @ h_{t-1}``, weights on the left: for B = 32 and H = 256 OpenBLAS runs
# this skinny product up to 1.8 times faster than its row form ``h @ Wh.T`` (the B columns of the
# result are the long side of its kernel); each gate is a contiguous block of H rows for the
# element-wise maths; and the state is already in the public (S, B) layout. The products over all
# T steps at once (the weight gradients) need the steps side by side, (rows, T*B):
# :func:`steps_side_by_side` copies them there, a fraction of a millisecond against T products.
#
# The gates' pre-activations are computed pre-scaled, z/2 for the sigmoid blocks, z for the last
# (tanh) block, so that ONE tanh over the whole contiguous (G, B) block gives every gate:
# sigmoid(z) = (tanh(z/2) + 1) / 2, two cheap passes over the sigmoid rows after the tanh. Halving
# is exact in floating point and folded into copies of the weights it costs nothing; numpy's tanh
# is faster than its exp, and one call over a contiguous block beats one per gate.
def gate_scale(sigmoid_blocks: int, H: int, dtype) -> np.ndarray:
    """1/2 for the first ``sigmoid_blocks`` blocks of H rows, 1 for the last block: shape (G, 1)."""
    scale = np.full(((sigmoid_blocks + 1) * H, 1), 0.5, dtype)
    scale[sigmoid_blocks * H :] = 1
    return scale


def sigmoid_from_tanh(block: np.ndarray) -> None:
    """In place: tanh(z/2) -> sigmoid(z) = (tanh(z/2) + 1) / 2."""
    block *= 0.5
    block += 0.5


def steps_side_by_side(steps: np.ndarray, buf: Buffers, name: str) -> np.ndarray:
    """(T, R, B) per-step blocks as one (R, T*B) matrix, column t*B + b = step t, stream b (a copy)."""
    T, R, B = steps.shape
    out = buf(name, (R, T, B), steps.dtype)
    np.copyto(out, steps.transpose(1, 0, 2))
    return out.reshape(R, T * B)


def begin_forward(params: dict, inputs, hprev, S: int, dropout, rng, buf: Buffers) -> tuple:
    """The checks and dropout masks that open a layered cell's forward pass.

    Parameters
    ----------
    params : dict
        A layered cell's (``Why`` (V, H), ``Wh0``, ...; L layers).
    inputs : int array, shape (T,) or (T, B)
    hprev : array, shape (S, B)
    S : int
        The size of the cell's whole state.
    dropout : float
    rng : numpy.random.Generator or None
    buf : Buffers

    Returns
    -------
    x : int array, shape (T, B)
    hprev : array, shape (S, B)
    masks : array, shape (L, T, B, H), or None (no dropout)
        As drawn from ``rng`` (stream-major, as they are documented and stored in the cache).
    colmasks : array, shape (L, T, H, B), or None
        The same masks column-wise, as the cell's states are stored.
    dropped : array, shape (L, T, H, B), or None
        Space for each layer's outputs after dropout, column-wise.
    """
    V, H, L = layered_sizes(params)
    x = as_steps(inputs, "inputs", V)
    T, B = x.shape
    hprev = check_state(hprev, S, B, "hprev")
    dropout = check_dropout(dropout, rng)
    dtype = params["Why"].dtype
    masks = dropout_masks(dropout, rng, (L, T, B, H), dtype, buf)
    if masks is None:
        return x, hprev, None, None, None
    colmasks = buf("colmasks", (L, T, H, B), dtype)
    np.copyto(colmasks, masks.transpose(0, 1, 3, 2))
    return x, hprev, masks, colmasks, buf("dropped", (L, T, H, B), dtype)


def input_forward(
    params: dict, l: int, x: np.ndarray, outputs: list, scale: np.ndarray, out: np.ndarray, buf: Buffers
) -> None:
    """The input part ``Wx{l} x_t + b{l}`` of layer l for all T steps, pre-scaled, into ``out``.

    Parameters
    ----------
    params : dict
        ``Wx{l}`` (G, V or H), ``b{l}`` (G, 1).
    l : int
        The layer. Layer 0 reads the characters: Wx0 @ onehot(x_t) is column x_t of Wx0, so a
        lookup of B columns per step gives the input parts. Layer l > 0 reads the layer below.
    x : int array, shape (T, B)
    outputs : list of arrays, shape (T, H, B)
        The outputs of the layers below (after dropout, if any); layer l reads ``outputs[l-1]``.
    scale : array, shape (G, 1)
        From :func:`gate_scale`.
    out : array, shape (T, G, B)
    buf : Buffers
    """
    Wx, b = params[f"Wx{l}"], params[f"b{l}"]
    if l == 0:
        table = Wx + b  # (G, V): column v is the input part of character v
        table *= scale
        for t in range(x.shape[0]):
            np.take(table, x[t], axis=1, out=out[t], mode="clip")  # ids already checked; 'clip' is unbuffered
    else:
        # all T steps in one product, then one block per step (the bias added on the way)
        T, G, B = out.shape
        below = steps_side_by_side(outputs[l - 1], buf, "below")  # (H, T*B)
        a = np.dot(Wx * scale, below, out=buf("a_steps", (G, T * B), out.dtype))
        np.add(a.reshape(G, T, B).transpose(1, 0, 2), b * scale, out=out)


def layer_outputs(hs: np.ndarray, colmasks, dropped, l: int) -> np.ndarray:
    """Layer l's outputs h_1 ... h_T (T, H, B) of ``hs`` (L, T+1, H, B), times its dropout masks if any
    (into ``dropped`` (L, T, H, B)): what the layer above or the output layer reads."""
    if colmasks is None:
        return hs[l, 1:]
    return np.multiply(hs[l, 1:], colmasks[l], out=dropped[l])


def output_rows(top: np.ndarray, buf: Buffers) -> np.ndarray:
    """The top layer's outputs (T, H, B) row-wise, (T*B, H), row t*B + b: what the output layer reads."""
    T, H, B = top.shape
    rows = buf("rows", (T, B, H), top.dtype)
    np.copyto(rows, top.transpose(0, 2, 1))
    return rows.reshape(T * B, H)


def rows_of(steps: np.ndarray) -> np.ndarray:
    """A new (T*B, H) array of the (T, H, B) column-wise ``steps``, row t*B + b."""
    T, H, B = steps.shape
    return steps.transpose(0, 2, 1).reshape(T * B, H)


def begin_backward(params: dict, cache: dict, targets, shapes: dict, buf: Buffers) -> tuple:
    """What opens a layered cell's backward pass: zero gradients, then the output layer's backward.

    Parameters
    ----------
    params : dict
    cache : dict
        From the cell's forward: ``inputs`` (T, B), ``rows`` (the top layer's (T*B, H) outputs after
        dropout), ``masks`` (L, T, B, H) or None, and the output layer's.
    targets : int array, shape (T,) or (T, B)
    shapes : dict
        The parameters' shapes (the cell's ``param_shapes``).
    buf : Buffers

    Returns
    -------
    grads : dict
        ``Why``, ``by`` filled in, the rest zero.
    dh : array, shape (T, H, B)
        dL/dh_t of the top layer from the outputs, column-wise.
    """
    _, H, L = layered_sizes(params)
    T, B = cache["inputs"].shape
    grads = zeros(shapes, params["Why"].dtype)
    masks = cache["masks"]
    dh_rows = output_backward(
        params, cache, targets, cache["rows"], grads, buf, None if masks is None else masks[L - 1]
    )
    dh = buf("dH", (T, H, B), params["Why"].dtype)
    np.copyto(dh, dh_rows.reshape(T, B, H).transpose(0, 2, 1))
    return grads, dh


def input_backward(
    params: dict,
    l: int,
    x: np.ndarray,
    da: np.ndarray,
    outputs: list,
    colmasks,
    grads: dict,
    dh: np.ndarray,
    buf: Buffers,
) -> np.ndarray:
    """dWx{l}, db{l} into ``grads`` from dL/d(input part); for l > 0, dL/dh_t of the layer below.

    Parameters
    ----------
    params : dict
        ``Wx{l}`` (G, V or H).
    l : int
    x : int array, shape (T, B)
    da : array, shape (G, T*B)
        dL/d(Wx{l} x_t + b{l}) for every step, steps side by side (:func:`steps_side_by_side`).
    outputs : list of arrays, shape (T, H, B)
        Each layer's outputs after dropout (layer l-1's were layer l's inputs).
    colmasks : array, shape (L, T, H, B), or None
    grads : dict
    dh : array, shape (T, H, B)
        Overwritten (for l > 0) with dL/dh_t of layer l-1, which is returned.
    buf : Buffers
    """
    Wx = params[f"Wx{l}"]
    if l == 0:
        np.dot(da, onehot(x, Wx.shape[1], Wx.dtype, buf), out=grads["Wx0"])  # sum_t da_t x_t^T
        # every x_t is one-hot, so the columns of dWx0 add up to db0 = sum_t da_t (fewer additions)
        grads["Wx0"].sum(axis=1, out=grads["b0"][:, 0])
        return dh
    da.sum(axis=1, out=grads[f"b{l}"][:, 0])
    below = steps_side_by_side(outputs[l - 1], buf, "below")  # (H, T*B)
    np.dot(da, below.T, out=grads[f"Wx{l}"])
    # dL/dh_t of the layer below, through its output (dh of this layer is no longer needed): all T
    # steps in one product, then back to one block per step
    T, H, B = dh.shape
    dh_steps = np.dot(Wx.T, da, out=buf("dh_steps", (H, T * B), da.dtype))
    np.copyto(dh, dh_steps.reshape(H, T, B).transpose(1, 0, 2))
    if colmasks is not None:
        dh *= colmasks[l - 1]  # a dropped unit passed nothing on, so it gets no gradient
    return dh


# ---------------------------------------------------------------------------------------------- dropout


def check_dropout(dropout, rng) -> float:
    """``dropout`` as a float in [0, 1); ``rng`` must be a Generator when it is not 0."""
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float, np.floating)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a probability in [0, 1), got {dropout!r}")
    if dropout and not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"dropout needs rng, a numpy Generator (np.random.default_rng(seed)) to draw its masks, "
            f"got {type(rng).__name__}"
        )
    return float(dropout)


def dropout_masks(dropout: float, rng, shape: tuple, dtype, buf: Buffers):
    """Inverted-dropout masks, 0 with probability ``dropout`` and 1/(1 - dropout) otherwise; None for no dropout.

    Scaling the kept units up while training keeps the expected input of the next layer unchanged,
    so evaluation and sampling run the plain network. ``shape`` is (L, T, B, H).
    """
    if not dropout:
        return None
    masks = buf("masks", shape, dtype)
    rng.random(shape, dtype=np.dtype(dtype).type, out=masks)
    keep = np.greater_equal(masks, dropout, out=buf("keep", shape, np.bool_))
    return np.multiply(keep, 1 / (1 - dropout), out=masks, dtype=dtype)


# ---------------------------------------------------------------------------------------------- loss and gradients


def clip_grads(grads: dict, clip: float) -> dict:
    """Clip every gradient entry to [-clip, clip] in place (the gist's guard against explosions)."""
    for g in grads.values():
        np.clip(g, -clip, clip, out=g)
    return grads


def loss_and_grads_with(forward, backward, params: dict, inputs, targets, hprev, clip: float | None = 5.0, **options):
    """Loss, gradients and last state for one chunk of T steps: the gist's ``lossFun`` for any cell.

    Parameters
    ----------
    forward, backward : callables
        The cell's ``forward(params, inputs, hprev, buf, **options) -> cache`` and
        ``backward(params, cache, targets, buf) -> (grads, dhprev)``, given this thread's reused
        buffers: the cache is used up inside this call, so its arrays can serve the next call.
    params : dict
    inputs, targets : int arrays, shape (T,) or (T, B)
        ``targets[t]`` is the character that follows ``inputs[t]``.
    hprev : array, shape (S, B)
        State carried over from the previous chunk.
    clip : float or None
        Clip each gradient entry to [-clip, clip]; ``None`` returns the raw gradients.
    **options
        Passed to ``forward`` (the layered cells' ``dropout`` and ``rng``).

    Returns
    -------
    loss : float
        Cross-entropy summed over the T steps, averaged over the B streams (nats).
    grads : dict
        Keyed like ``params``, same shapes.
    h_last : array, shape (S, B)
        State after the last step, to pass as the next chunk's ``hprev``.
    """
    buf = reused_buffers()
    cache = forward(params, inputs, hprev, buf, **options)
    loss = cross_entropy(cache, targets)
    grads, _ = backward(params, cache, targets, buf)
    if clip is not None:
        clip_grads(grads, clip)
    return loss, grads, cache["h_last"]

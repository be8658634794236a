"""The gist's training loop, written with rnn_lib's pieces, as notebook 04 derives it (section 4).

Notebook 04 writes this loop out in a cell of its own; notebook 05 imports it from here, and
tests/test_loops.py checks that the two give the same losses.

Dimension letters: V vocabulary size, H hidden size, T time steps (``seq_length``).
"""

from __future__ import annotations

import numpy as np

import rnn_lib


def train_on_text(
    params,
    ids,
    steps,
    seq_length=25,
    learning_rate=0.1,
    optimizer=rnn_lib.Adagrad,
    after_step=None,
    **optimizer_options,
):
    """The gist's loop: chunks of ``seq_length`` characters, the hidden state carried from chunk to chunk.

    Parameters
    ----------
    params : dict
        The vanilla RNN's ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1);
        updated in place.
    ids : int array, shape (N,)
        The text as character ids.
    steps : int
        Updates to make; at the end of the text the loop starts again from the first character and a
        zero hidden state (the gist's test ``p + seq_length + 1 >= len(data)``).
    seq_length, learning_rate : int, float
    optimizer : class
        ``rnn_lib.Adagrad`` (the gist's) or another of rnn_lib.optim, made with ``optimizer_options``.
    after_step : callable or None
        Called with the optimiser after every update (to look at its memory).

    Returns
    -------
    array, shape (steps,)
        The loss per character of every step (nats).
    """
    opt = optimizer(params, learning_rate, **optimizer_options)
    hprev, p, losses = rnn_lib.initial_state(params), 0, []
    for _ in range(steps):
        if p + seq_length + 1 >= len(ids):  # the gist's test: back to the start, from a zero hidden state
            hprev, p = rnn_lib.initial_state(params), 0
        loss, grads, hprev = rnn_lib.loss_and_grads(
            params, ids[p : p + seq_length], ids[p + 1 : p + seq_length + 1], hprev
        )
        opt.step(grads)
        losses.append(loss / seq_length)
        p += seq_length
        if after_step is not None:
            after_step(opt)
    return np.array(losses)

"""The recurrent cells rnn_lib can train, by name: ``"rnn"`` (the gist's vanilla RNN), ``"lstm"``, ``"gru"``.

Every cell is a module with the same functions, so training, sampling, checkpoints and the CLI
work with any of them:

- ``PARAM_NAMES``; ``param_shapes(vocab_size, hidden_size, layers=1)``;
  ``init_params(vocab_size, hidden_size, rng, scale=None, dtype=np.float64, layers=1)``;
- ``initial_state(params, batch_size)``: the whole recurrent state as one (S, B) array;
- ``forward(params, inputs, hprev)``, ``backward(params, cache, targets)``,
  ``loss_and_grads(params, inputs, targets, hprev, clip=5.0)``;
- ``output_logits(params, state)``: the (V, B) logits of the next character in a state.
"""

from __future__ import annotations

import re

from . import gru, lstm, rnn

__all__ = ["CELLS", "CELL_NAMES", "get_cell", "cell_of"]

CELLS = {"rnn": rnn, "lstm": lstm, "gru": gru}
CELL_NAMES = tuple(CELLS)


def get_cell(name: str):
    """The module implementing cell ``name``."""
    if name not in CELLS:
        raise ValueError(f"unknown cell {name!r}; choose one of {', '.join(CELL_NAMES)}")
    return CELLS[name]


def cell_of(params: dict):
    """The cell module and number of layers whose parameter names are the keys of ``params``.

    The layered cells name each layer's weights ``Wh0``, ``Wh1``, ...: the highest index gives the
    depth, and the names must then be exactly the cell's names for that depth.
    """
    keys = set(params)
    layers = 1 + max((int(m.group(1)) for k in keys if (m := re.fullmatch(r"Wh(\d+)", k))), default=0)
    for module in CELLS.values():
        if module is rnn:
            if keys == set(rnn.PARAM_NAMES):
                return module, 1
        elif layers <= len(keys) and keys == set(module.param_shapes(1, 1, layers)):
            return module, layers
    shown = sorted(keys)
    shown = shown if len(shown) <= 8 else shown[:8] + [f"... ({len(shown)} names)"]
    raise ValueError(f"parameters {shown} do not belong to any known cell ({', '.join(CELL_NAMES)})")

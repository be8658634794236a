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

import importlib

__all__ = ["CELL_NAMES", "get_cell", "cell_of"]

CELL_NAMES = ("rnn", "lstm", "gru")
_MODULES = {"rnn": ".model", "lstm": ".lstm", "gru": ".gru"}


def get_cell(name: str):
    """The module implementing cell ``name``."""
    if name not in _MODULES:
        raise ValueError(f"unknown cell {name!r}; choose one of {', '.join(CELL_NAMES)}")
    return importlib.import_module(_MODULES[name], __package__)


def cell_of(params: dict):
    """The cell module (and number of layers) whose parameter names are the keys of ``params``.

    Any number of layers: a cell's names grow by the same set per layer, so the count of names
    gives the only candidate depth, which is then checked name for name.
    """
    keys = set(params)
    for name in CELL_NAMES:
        try:
            module = get_cell(name)
        except ImportError:  # a cell not available in this version
            continue
        one = len(module.param_shapes(1, 1, 1))
        try:
            per_layer = len(module.param_shapes(1, 1, 2)) - one
        except ValueError:  # a cell with one layer only (the vanilla RNN)
            per_layer = 0
        extra = len(keys) - one
        if per_layer == 0:
            layers = 1 if extra == 0 else None
        else:
            layers = 1 + extra // per_layer if extra >= 0 and extra % per_layer == 0 else None
        if layers is not None and keys == set(module.param_shapes(1, 1, layers)):
            return module, layers
    shown = sorted(keys)
    shown = shown if len(shown) <= 8 else shown[:8] + [f"... ({len(shown)} names)"]
    raise ValueError(f"parameters {shown} do not belong to any known cell ({', '.join(CELL_NAMES)})")

"""Adagrad, the optimiser of the gist: a separate, shrinking step size for every parameter entry."""
from __future__ import annotations

import numpy as np

from .flat import packed_buffer, packed_zeros

__all__ = ["Adagrad", "SGD"]


class Adagrad:
    """Adagrad with the gist's update rule, applied to the parameter arrays in place::

        mem   += dparam * dparam
        param -= learning_rate * dparam / sqrt(mem + eps)

    Entries whose gradients have been large get small steps, rarely-updated ones keep big steps.
    The memory is readable as ``opt.memory["Wxh"]`` or, with the gist's names, ``opt.mWxh``.

    Parameters
    ----------
    params : dict of arrays
        Updated in place by :meth:`step`: code holding a reference to ``params["Whh"]`` sees the
        new values (the arrays are modified, never replaced).
    learning_rate : float
    eps : float
        Keeps the first division finite when a gradient entry has always been 0.
    """

    def __init__(self, params: dict, learning_rate: float = 0.1, eps: float = 1e-8):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        self.params = params
        self.learning_rate = float(learning_rate)
        self.eps = float(eps)
        self.memory = packed_zeros({k: v.shape for k, v in params.items()},
                                   next(iter(params.values())).dtype)
        # the flat buffer behind the parameters, valid while the dict holds the same array objects
        self._flat_params = (packed_buffer(params), tuple(params.values()))
        self._flat_memory = packed_buffer(self.memory)

    def __getattr__(self, name):
        # opt.mWxh -> opt.memory["Wxh"], mirroring the gist's variable names
        memory = self.__dict__.get("memory", {})
        if name.startswith("m") and name[1:] in memory:
            return memory[name[1:]]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def step(self, grads: dict) -> None:
        """Apply one update from ``grads`` (keyed like the parameters)."""
        missing = set(self.params) - set(grads)
        if missing:
            raise KeyError(f"grads is missing {sorted(missing)}; it must be keyed like the parameters")
        flat_params, arrays = self._flat_params
        if flat_params is not None and any(a is not b for a, b in zip(arrays, self.params.values())):
            flat_params = None  # entries of the dict were replaced by other arrays
        flat_grads = packed_buffer(grads) if flat_params is not None else None
        same_layout = list(grads) == list(self.params) and all(
            grads[k].shape == p.shape for k, p in self.params.items())
        if same_layout and flat_grads is not None:
            # parameters, gradients and memory are each one block: update them all at once
            self._update(flat_params, flat_grads, self._flat_memory)
        else:
            for name in self.params:
                self._update(self.params[name], grads[name], self.memory[name])

    def _update(self, param, dparam, mem):
        mem += dparam * dparam
        param += -self.learning_rate * dparam / np.sqrt(mem + self.eps)

    def state_dict(self) -> dict:
        """The memory arrays, keyed like the parameters (for checkpoints)."""
        return dict(self.memory)

    def load_state_dict(self, memory: dict) -> None:
        for name, mem in self.memory.items():
            if name not in memory:
                raise ValueError(f"the saved optimiser memory has no {name!r}: it belongs to another optimiser")
            if memory[name].shape != mem.shape:
                raise ValueError(f"Adagrad memory for {name} has shape {memory[name].shape}, "
                                 f"the parameter has {mem.shape}")
            mem[...] = memory[name]


class SGD:
    """Plain gradient descent, ``param -= learning_rate * dparam``: the baseline Adagrad is compared with."""

    def __init__(self, params: dict, learning_rate: float = 0.1):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        self.params = params
        self.learning_rate = float(learning_rate)

    def step(self, grads: dict) -> None:
        for name, param in self.params.items():
            param -= self.learning_rate * grads[name]

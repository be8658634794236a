"""Several named arrays stored back to back in one flat buffer.

At the gist's sizes (one stream, H=100) a training step is dominated by the fixed cost of each
numpy call, not by arithmetic. Keeping the five parameters (and their gradients, and Adagrad's
memory) as views into one contiguous block lets clipping, the finiteness check and the Adagrad
update each run as one numpy call on the whole block instead of one per array. Each array is still
an ordinary ``(H, V)``-style array that reads and writes the shared block.
"""
from __future__ import annotations

import numpy as np

__all__ = ["packed_zeros", "packed_buffer"]


def packed_zeros(shapes: dict, dtype) -> dict:
    """Zero arrays with the given shapes (a dict name -> shape), all views into one flat buffer."""
    sizes = [int(np.prod(s)) for s in shapes.values()]
    buffer = np.zeros(sum(sizes), dtype)
    out, start = {}, 0
    for (name, shape), size in zip(shapes.items(), sizes):
        out[name] = buffer[start:start + size].reshape(shape)
        start += size
    return out


def packed_buffer(arrays: dict):
    """The flat buffer behind ``arrays`` if they are consecutive views covering all of it, else None."""
    first = next(iter(arrays.values()))
    base = first.base
    if base is None or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    address = base.__array_interface__["data"][0]
    for a in arrays.values():
        if a.base is not base or not a.flags.c_contiguous or a.__array_interface__["data"][0] != address:
            return None
        address += a.nbytes
    return base if address == base.__array_interface__["data"][0] + base.nbytes else None

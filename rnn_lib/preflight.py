"""Checks made before a training run starts: paths, file sizes and memory.

A run that fails after hours of training because of something knowable at the start (a
checkpoint path under a file, a model that cannot fit in memory) loses the hours; so every such
problem is found here first, with a message that names it and its size.

Dimension letters: V vocabulary size, H hidden size, T time steps, B streams, L layers.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .cells import get_cell
from .config import TrainConfig

__all__ = [
    "MAX_TEXT_BYTES",
    "check_checkpoint_path",
    "check_data_file",
    "training_memory",
    "available_memory",
    "check_memory",
    "human_bytes",
]

# the largest training text accepted: its ids (8 bytes a character), the text itself and the
# training grid take about 20 times its size in memory
MAX_TEXT_BYTES = 1 << 30


def human_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 kB'``: sizes in the decimal units a file manager shows."""
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB", "EB"):
        if abs(n) < 1000 or unit == "EB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:.1f} EB"  # pragma: no cover


def check_checkpoint_path(checkpoint, data=None) -> None:
    """Raise ``ValueError`` if a checkpoint could not be written at ``checkpoint``.

    Parameters
    ----------
    checkpoint : Path
    data : Path, optional
        The training text: saving over it would destroy it.
    """
    checkpoint = Path(checkpoint)
    if checkpoint.is_dir():
        raise ValueError(f"--checkpoint {checkpoint} is a folder; give a file name such as {checkpoint / 'model.npz'}")
    if checkpoint.exists() and not checkpoint.is_file():
        raise ValueError(f"--checkpoint {checkpoint} exists and is not a regular file (a device, pipe or socket)")
    for parent in (checkpoint.parent, *checkpoint.parent.parents):
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise ValueError(f"cannot save the checkpoint {checkpoint}: {parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise ValueError(f"cannot write the checkpoint {checkpoint}: {parent} is not writable")
            break
    if data is not None and Path(data).exists() and checkpoint.exists() and os.path.samefile(data, checkpoint):
        raise ValueError(
            f"--checkpoint {checkpoint} is the training text --data {data}: saving would destroy "
            f"it; give another --checkpoint"
        )
    if data is not None and Path(data).resolve() == checkpoint.resolve():
        raise ValueError(
            f"--checkpoint {checkpoint} is the training text --data {data}: saving would destroy "
            f"it; give another --checkpoint"
        )


def check_data_file(path, max_bytes: int = MAX_TEXT_BYTES) -> int:
    """Raise if ``path`` is not a regular file of at most ``max_bytes`` bytes; return its size.

    Devices (``/dev/zero``), pipes and sockets never end or cannot be sized: reading one would
    fill memory, so they are refused before anything is read.
    """
    path = Path(path)
    if path.is_dir():
        raise FileNotFoundError(f"{path} is a folder; give the path of a text file inside it")
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path} (current folder: {Path.cwd()})")
    if not path.is_file():
        raise ValueError(f"{path} is not a regular file (a device, pipe or socket): give a text file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(
            f"{path} is {human_bytes(size)}, more than the {human_bytes(max_bytes)} a training text "
            f"may have (it is held in memory about 20 times over): train on a part of it, "
            f"e.g. `head -c 500M {path} > part.txt`"
        )
    return size


def training_memory(config: TrainConfig, vocab_size: int) -> int:
    """Bytes a run of ``config`` needs besides its text, roughly (within a factor of about 2).

    Counted: parameters, gradients, optimiser memory (1x Adagrad, 2x Adam), the copy the trainer
    keeps to undo a diverging update, one gradient buffer per thread, and the activations of one
    truncated-BPTT chunk (about 12 numbers per unit, step and stream for the gated cells).
    """
    c = config
    itemsize = np.dtype(c.dtype).itemsize
    # counted from the shapes, never allocated: a hidden size of 10**9 must not be tried
    n_params = sum(
        int(np.prod(s, dtype=object))
        for s in get_cell(c.cell).param_shapes(vocab_size, c.hidden_size, c.layers).values()
    )
    memory_copies = 2 if c.optimizer == "adam" else 1
    per_param = 1 + c.threads + memory_copies + (1 + memory_copies)
    activations = c.seq_length * c.batch_size * (12 * c.hidden_size * c.layers + 3 * vocab_size)
    return int((n_params * per_param + activations) * itemsize)


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux: MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def check_memory(config: TrainConfig, vocab_size: int, text_bytes: int = 0, available: int | None = None) -> int:
    """Raise ``ValueError`` if a run of ``config`` cannot fit in memory; return the estimate in bytes."""
    need = training_memory(config, vocab_size) + 20 * text_bytes
    available = available_memory() if available is None else available
    if available is not None and need > available:
        raise ValueError(
            f"this model needs about {human_bytes(need)} of memory (hidden_size {config.hidden_size:,}, "
            f"{config.layers} layer{'s' * (config.layers > 1)}, {config.dtype}) but {human_bytes(available)} is "
            f"available: use a smaller --hidden-size, --layers, --batch-size or --seq-length"
        )
    return need

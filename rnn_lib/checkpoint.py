"""Checkpoints: one ``.npz`` file with arrays and a JSON metadata record; never pickle.

Layout of the file::

    param/<name>                the model (names and shapes as in its cell's module, e.g. rnn_lib.model)
    memory/<name>               optimiser memory (optional; Adagrad: one array per parameter)
    hprev                       the carried hidden state, (H, B) (optional)
    history/<field>             float64 arrays (see rnn_lib.train.History)
    meta                        uint8 bytes of a UTF-8 JSON object: format, version, config,
                                vocabulary, trainer state

It is written to a temporary file in the same folder and renamed over the target, so a crash
or Ctrl-C while saving never leaves a half-written checkpoint behind.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cells import get_cell
from .config import TrainConfig
from .vocab import DATA_DIR, CharVocab

__all__ = ["Checkpoint", "CheckpointError", "save_checkpoint", "load_checkpoint", "shipped_checkpoint",
           "CHECKPOINT_DIR"]

# the checkpoints trained by the CLI and shipped with the repository (see checkpoints/README.md)
CHECKPOINT_DIR = DATA_DIR.parent / "checkpoints"
FORMAT = "rnn_lib-checkpoint"
RESUME_KEYS = {"step", "position", "seconds", "smooth_loss", "interval_losses", "sample_rng", "samples"}
VERSION = 1


def shipped_checkpoint(name: str = "shakespeare_rnn.npz") -> Path:
    """Path of a checkpoint shipped in the repository's ``checkpoints/`` folder."""
    path = CHECKPOINT_DIR / name
    if not path.is_file():
        shipped = sorted(p.name for p in CHECKPOINT_DIR.glob("*.npz")) if CHECKPOINT_DIR.is_dir() else []
        raise FileNotFoundError(f"no shipped checkpoint {name!r} in {CHECKPOINT_DIR}"
                                + (f"; shipped: {', '.join(shipped)}" if shipped else
                                   "; checkpoints/README.md gives the command that makes it"))
    return path


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used, with the reason and what to do."""


@dataclass
class Checkpoint:
    params: dict
    vocab: CharVocab
    config: TrainConfig
    memory: dict | None
    hprev: np.ndarray | None
    history: "History"
    state: dict

    @property
    def step(self) -> int:
        return int(self.state.get("step", 0))

    @property
    def resumable(self) -> bool:
        """Whether it holds the optimiser memory and trainer state that resuming needs."""
        return self.memory is not None and self.hprev is not None and RESUME_KEYS <= set(self.state)


def save_checkpoint(path, params: dict, vocab: CharVocab, config: TrainConfig, memory: dict | None = None,
                    hprev=None, history=None, state: dict | None = None) -> Path:
    """Save a model (and, for resuming, its optimiser memory, state and history) to ``path``.

    Parameters
    ----------
    path : str or Path
        Should end in ``.npz``.
    params : dict
        For the vanilla RNN ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1),
        ``by`` (V, 1); for other cells, their ``param_shapes``.
    vocab : CharVocab
    config : TrainConfig
        Its ``cell``, ``layers`` and ``hidden_size`` must match the arrays.
    memory : dict, optional
        The optimiser's memory arrays (``optimizer.memory``).
    hprev : array, shape (H, B), optional
    history : History, optional
    state : dict, optional
        JSON-serialisable trainer state (``step``, data ``position``, sampling RNG, ...).
    """
    from .train import History
    path = Path(path)
    _check_params(params, vocab, config, str(path))
    arrays = {f"param/{k}": np.asarray(v) for k, v in params.items()}
    if memory is not None:
        arrays.update({f"memory/{k}": np.asarray(v) for k, v in memory.items()})
    if hprev is not None:
        arrays["hprev"] = np.asarray(hprev)
    arrays.update({f"history/{k}": v for k, v in (history or History()).to_arrays().items()})
    meta = {"format": FORMAT, "version": VERSION, "config": config.to_dict(),
            "vocab": "".join(vocab.chars), "state": state or {"step": 0}}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a checkpoint is an ordinary file
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def load_checkpoint(path) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`, with ``allow_pickle=False``.

    Raises
    ------
    FileNotFoundError
        No such file.
    CheckpointError
        The file is truncated, is not an ``.npz``, contains pickled objects, was not written by
        rnn_lib, or its arrays do not match its configuration and vocabulary.
    """
    from .train import History
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: train one with "
                                f"`python -m rnn_lib train --checkpoint {path}`")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:1] == b"\x80":  # the first byte of every pickle since protocol 2
        raise CheckpointError(f"{path} contains pickled Python objects; rnn_lib never loads pickles "
                              f"(they can run arbitrary code). Re-save it with rnn_lib.save_checkpoint.")
    if not magic.startswith(b"PK"):  # an .npz is a zip archive
        raise CheckpointError(f"{path} is truncated or not an .npz checkpoint (it does not start like a "
                              f"zip archive); re-create it, e.g. by training again with --checkpoint")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise CheckpointError(f"{path} contains pickled Python objects; rnn_lib never loads pickles "
                                  f"(they can run arbitrary code). Re-save it with rnn_lib.save_checkpoint.") from None
        raise CheckpointError(f"{path} is not a readable .npz checkpoint ({exc})") from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise CheckpointError(f"{path} is truncated or not an .npz checkpoint ({exc}); "
                              f"re-create it, e.g. by training again with --checkpoint") from None
    if not isinstance(arrays, dict) or "meta" not in arrays:
        raise CheckpointError(f"{path} is an .npz file but not an rnn_lib checkpoint (no 'meta' record)")
    try:
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: the metadata record is damaged ({exc})") from None
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not an rnn_lib checkpoint (format {meta.get('format')!r})")
    if meta.get("version") != VERSION:
        raise CheckpointError(f"{path} has checkpoint version {meta.get('version')}; this rnn_lib reads version {VERSION}")
    try:
        config = TrainConfig.from_dict(meta["config"])
        vocab = CharVocab(tuple(meta["vocab"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{path}: invalid configuration or vocabulary in metadata ({exc})") from None
    names = get_cell(config.cell).param_shapes(1, 1, config.layers)
    missing = [f"param/{k}" for k in names if f"param/{k}" not in arrays]
    if missing:
        raise CheckpointError(f"{path} is missing {missing}")
    params = {k: arrays[f"param/{k}"] for k in names}
    _check_params(params, vocab, config, str(path), exc_type=CheckpointError)
    memory = {k[len("memory/"):]: v for k, v in arrays.items() if k.startswith("memory/")} or None
    if memory is not None and config.optimizer == "adagrad":
        _check_params(memory, vocab, config, str(path) + " (Adagrad memory)", exc_type=CheckpointError)
    history_arrays = {k[len("history/"):]: v for k, v in arrays.items() if k.startswith("history/")}
    try:
        history = History.from_arrays(history_arrays) if history_arrays else History()
    except KeyError as exc:
        raise CheckpointError(f"{path}: history is missing the field {exc}") from None
    return Checkpoint(params=params, vocab=vocab, config=config, memory=memory,
                      hprev=arrays.get("hprev"), history=history, state=meta.get("state", {}))


def _check_params(params, vocab, config, where, exc_type=ValueError):
    V, H = len(vocab), config.hidden_size
    expected = get_cell(config.cell).param_shapes(V, H, config.layers)
    for name, shape in expected.items():
        if name not in params:
            raise exc_type(f"{where}: no array {name!r}")
        got = np.shape(params[name])
        if got != tuple(shape):
            raise exc_type(
                f"{where}: {name} has shape {got} but hidden_size={H}"
                f"{f', {config.layers} layers' if config.layers > 1 else ''} and a {V}-character vocabulary "
                f"need {tuple(shape)} ({config.cell} cell). The arrays and the configuration/vocabulary do "
                f"not belong together.")

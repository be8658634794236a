"""Checkpoints: one ``.npz`` file with arrays and a JSON metadata record; never pickle.

Layout of the file::

    param/<name>                the model (names and shapes as in its cell's module, e.g. rnn_lib.rnn)
    memory/<name>               optimiser memory (optional; Adagrad: one array per parameter)
    hprev                       the carried hidden state, (H, B) (optional)
    history/<field>             float64 arrays (see rnn_lib.history.History)
    meta                        uint8 bytes of a UTF-8 JSON object: format, version, config,
                                vocabulary, trainer state

It is written to a temporary file in the same folder and renamed over the target, so a crash
or Ctrl-C while saving never leaves a half-written checkpoint behind (a process killed with
SIGKILL mid-save leaves its temporary file, which :func:`remove_orphan_temporaries` deletes).

Loading trusts nothing in the file: every failure, whatever the damage, is a
:class:`CheckpointError` with a one-line message. Parameters that are not finite numbers are
refused on save and on load, so a diverged model cannot turn into silent garbage.
"""

from __future__ import annotations

import glob
import json
import math
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cells import get_cell
from .config import TrainConfig
from .history import History
from .vocab import DATA_DIR, CharVocab

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "save_checkpoint",
    "load_checkpoint",
    "shipped_checkpoint",
    "remove_orphan_temporaries",
    "CHECKPOINT_DIR",
]

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
        raise FileNotFoundError(
            f"no shipped checkpoint {name!r} in {CHECKPOINT_DIR}"
            + (
                f"; shipped: {', '.join(shipped)}"
                if shipped
                else "; checkpoints/README.md gives the command that makes it"
            )
        )
    return path


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used, with the reason and what to do (always one line)."""

    def __init__(self, message):
        super().__init__(" ".join(str(message).split()))


def _brief(exc: BaseException, limit: int = 160) -> str:
    """An exception's message on one short line, to quote inside a CheckpointError."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit] + "..."


@dataclass
class Checkpoint:
    params: dict
    vocab: CharVocab
    config: TrainConfig
    memory: dict | None
    hprev: np.ndarray | None
    history: History
    state: dict

    @property
    def step(self) -> int:
        return int(self.state.get("step", 0))

    @property
    def model(self):
        """The cell module the parameters belong to (from ``config.cell``, never guessed)."""
        return get_cell(self.config.cell)

    @property
    def resumable(self) -> bool:
        """Whether it holds the optimiser memory and trainer state that resuming needs."""
        return self.memory is not None and self.hprev is not None and RESUME_KEYS <= set(self.state)


def save_checkpoint(
    path,
    params: dict,
    vocab: CharVocab,
    config: TrainConfig,
    memory: dict | None = None,
    hprev=None,
    history=None,
    state: dict | None = None,
) -> Path:
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
    path = Path(path)
    _check_params(params, vocab, config, str(path))
    for what, group in (
        ("parameter", params),
        ("optimiser memory", memory or {}),
        ("hidden state", {"hprev": hprev} if hprev is not None else {}),
    ):
        bad = _non_finite(group)
        if bad:
            raise ValueError(
                f"refusing to save {path}: the {what} {bad}; such a model only produces "
                f"NaN (its training diverged): lower the learning rate and train again"
            )
    arrays = {f"param/{k}": np.asarray(v) for k, v in params.items()}
    if memory is not None:
        arrays.update({f"memory/{k}": np.asarray(v) for k, v in memory.items()})
    if hprev is not None:
        arrays["hprev"] = np.asarray(hprev)
    arrays.update({f"history/{k}": v for k, v in (history or History()).to_arrays().items()})
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "config": config.to_dict(),
        "vocab": "".join(vocab.chars),
        "state": state or {"step": 0},
    }
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
        Anything else: the file is truncated, is not an ``.npz``, contains pickled objects, was
        not written by rnn_lib, its arrays do not match its configuration and vocabulary, hold
        values that are not finite numbers, or its metadata has a wrong type or value anywhere.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"no checkpoint at {path}: train one with `python -m rnn_lib train --checkpoint {path}`"
        )
    if not path.is_file():
        raise CheckpointError(f"{path} is not a regular file; give the path of a .npz checkpoint")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:1] == b"\x80":  # the first byte of every pickle since protocol 2
        raise CheckpointError(
            f"{path} contains pickled Python objects; rnn_lib never loads pickles "
            f"(they can run arbitrary code). Re-save it with rnn_lib.save_checkpoint."
        )
    if not magic.startswith(b"PK"):  # an .npz is a zip archive
        raise CheckpointError(
            f"{path} is truncated or not an .npz checkpoint (it does not start like a "
            f"zip archive); re-create it, e.g. by training again with --checkpoint"
        )
    arrays = _read_arrays(path)
    where = str(path)
    meta = _read_meta(arrays, where)
    try:
        config = TrainConfig.from_dict(meta["config"])
        vocab = CharVocab(tuple(meta["vocab"]))
    except Exception as exc:  # any shape of damage: a list for a dict, a number for a string, ...
        raise CheckpointError(f"{path}: invalid configuration or vocabulary in metadata ({_brief(exc)})") from None
    # each layer has at least three arrays: a larger count cannot be right, and would only cost time
    if config.layers > len(arrays):
        raise CheckpointError(
            f"{path}: its configuration says {config.layers} layers but the file holds only {len(arrays)} arrays"
        )
    model = get_cell(config.cell)
    names = model.param_shapes(1, 1, config.layers)
    missing = [f"param/{k}" for k in names if f"param/{k}" not in arrays]
    if missing:
        raise CheckpointError(f"{path} is missing {missing[:6]}{' ...' if len(missing) > 6 else ''}")
    params = {k: arrays[f"param/{k}"] for k in names}
    _check_real(params, where, "parameter")
    _check_params(params, vocab, config, where, exc_type=CheckpointError)
    bad = _non_finite(params)
    if bad:
        raise CheckpointError(
            f"{path}: the parameter {bad}; the model it holds would only produce NaN "
            f"(a diverged or damaged run): train again or use an earlier checkpoint"
        )
    memory = {k[len("memory/") :]: v for k, v in arrays.items() if k.startswith("memory/")} or None
    if memory is not None:
        _check_memory(memory, params, vocab, config, where)
    hprev = arrays.get("hprev")
    if hprev is not None:
        _check_real({"hprev": hprev}, where, "hidden state")
        S = model.initial_state(params, 1).shape[0]
        if hprev.shape != (S, config.batch_size):
            raise CheckpointError(
                f"{path}: the hidden state hprev has shape {hprev.shape}, but the model and "
                f"batch_size={config.batch_size} need {(S, config.batch_size)}"
            )
        bad = _non_finite({"hprev": hprev})
        if bad:
            raise CheckpointError(f"{path}: the hidden state {bad}")
    history = _read_history(arrays, where)
    state = meta.get("state", {})
    _check_state(state, where)
    return Checkpoint(
        params=params, vocab=vocab, config=config, memory=memory, hprev=hprev, history=history, state=state
    )


def _read_arrays(path) -> dict:
    """Every array of the .npz, read with allow_pickle=False; any failure is a CheckpointError."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            if not hasattr(npz, "files"):  # np.load read a single .npy, not an archive
                raise CheckpointError(f"{path} is an .npy array, not an .npz checkpoint")
            arrays = {}
            for k in npz.files:
                try:
                    arrays[k] = npz[k]
                except ValueError as exc:
                    if "pickle" in str(exc).lower():
                        raise CheckpointError(
                            f"{path} contains pickled Python objects; rnn_lib never loads pickles (they can run "
                            f"arbitrary code). Re-save it with rnn_lib.save_checkpoint."
                        ) from None
                    raise CheckpointError(
                        f"{path}: the array {k!r} is not a readable .npy record ({_brief(exc)})"
                    ) from None
                except (MemoryError, OverflowError):
                    raise CheckpointError(
                        f"{path}: the array {k!r} claims a size that cannot be right "
                        f"(too large for memory); the file is damaged"
                    ) from None
                except Exception as exc:  # zip errors, bad CRC, a header numpy cannot parse, ...
                    raise CheckpointError(
                        f"{path} is truncated or damaged: its array {k!r} cannot be read "
                        f"({_brief(exc)}); re-create it, e.g. by training again"
                    ) from None
                if not isinstance(arrays[k], np.ndarray):  # numpy hands back members that are not .npy as bytes
                    raise CheckpointError(
                        f"{path}: its record {k!r} is not a .npy array; the file is damaged "
                        f"or was not written by rnn_lib"
                    )
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise CheckpointError(
            f"{path} is truncated or not an .npz checkpoint ({_brief(exc)}); "
            f"re-create it, e.g. by training again with --checkpoint"
        ) from None
    except Exception as exc:
        raise CheckpointError(f"{path} is not a readable .npz checkpoint ({_brief(exc)})") from None
    if "meta" not in arrays:
        raise CheckpointError(f"{path} is an .npz file but not an rnn_lib checkpoint (no 'meta' record)")
    return arrays


def _read_meta(arrays, where) -> dict:
    raw = arrays["meta"]
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise CheckpointError(
            f"{where}: the metadata record is damaged (an array of {raw.dtype} with shape {raw.shape}, not UTF-8 bytes)"
        )
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CheckpointError(f"{where}: the metadata record is damaged ({_brief(exc)})") from None
    if not isinstance(meta, dict):
        raise CheckpointError(f"{where}: the metadata record is damaged (a JSON {type(meta).__name__}, not an object)")
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{where} is not an rnn_lib checkpoint (format {_brief(repr(meta.get('format')), 60)})")
    if meta.get("version") != VERSION:
        raise CheckpointError(
            f"{where} has checkpoint version {_brief(repr(meta.get('version')), 60)}; "
            f"this rnn_lib reads version {VERSION}"
        )
    return meta


def _check_real(arrays: dict, where: str, what: str) -> None:
    """Each array holds real floating-point numbers (not strings, booleans, integers or objects)."""
    for name, a in arrays.items():
        if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
            raise CheckpointError(
                f"{where}: the {what} {name} holds {getattr(a, 'dtype', type(a).__name__)}, "
                f"not floating-point numbers; the file is damaged or was not written by rnn_lib"
            )


def _non_finite(arrays: dict) -> str:
    """'<name> has N NaN or infinite values' for the first array with any, else ''."""
    for name, a in arrays.items():
        a = np.asarray(a)
        if a.dtype.kind in "fc" and not np.isfinite(a).all():
            return f"{name} has {int(a.size - np.isfinite(a).sum()):,} NaN or infinite values"
    return ""


def _check_memory(memory, params, vocab, config, where) -> None:
    """The optimiser memory has the arrays, shapes and values the configured optimiser needs."""
    _check_real(memory, where, "optimiser memory")
    if config.optimizer == "adagrad":
        _check_params(memory, vocab, config, where + " (Adagrad memory)", exc_type=CheckpointError)
    else:
        expected = {f"{part}/{k}": v.shape for part in ("m", "v") for k, v in params.items()}
        for name, shape in expected.items():
            if name not in memory:
                raise CheckpointError(
                    f"{where}: the Adam memory has no {name!r} (was it saved with another optimiser?)"
                )
            if memory[name].shape != shape:
                raise CheckpointError(
                    f"{where}: the Adam memory {name} has shape {memory[name].shape}, its parameter has {shape}"
                )
        t = memory.get("t")
        if t is None or t.size != 1 or not (np.isfinite(t).all() and float(t.reshape(())) >= 0):
            raise CheckpointError(f"{where}: the Adam memory needs 't', one step count >= 0")
    bad = _non_finite(memory)
    if bad:
        raise CheckpointError(f"{where}: the optimiser memory {bad}; resuming it would train on NaN")


def _read_history(arrays, where):
    history_arrays = {k[len("history/") :]: v for k, v in arrays.items() if k.startswith("history/")}
    if not history_arrays:
        return History()
    for k, v in history_arrays.items():
        if v.ndim != 1 or v.dtype.kind not in "fiu":
            raise CheckpointError(
                f"{where}: history/{k} is an array of {v.dtype} with shape {v.shape}, not a list of numbers"
            )
        if k in ("step", "val_step") and not (
            np.isfinite(v).all() and (v == np.round(v)).all() and (v.size == 0 or (v.min() >= 0 and v.max() < 2**62))
        ):
            raise CheckpointError(f"{where}: history/{k} holds values that are not step numbers")
    try:
        history = History.from_arrays(history_arrays)
    except KeyError as exc:
        raise CheckpointError(f"{where}: history is missing the field {exc}") from None
    if not (
        len(history.step) == len(history.seconds) == len(history.train_nats) == len(history.smooth_loss)
        and len(history.val_step) == len(history.val_seconds) == len(history.val_nats)
    ):
        raise CheckpointError(f"{where}: the history's fields have different lengths; the file is damaged")
    return history


def _is_number(v, lo=-math.inf, integer=False) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    if integer and not isinstance(v, int):
        return False
    return math.isfinite(v) and v >= lo


def _check_state(state, where) -> None:
    """The trainer state of the metadata has the types and ranges :meth:`Trainer.resume` relies on."""
    if not isinstance(state, dict):
        raise CheckpointError(f"{where}: the trainer state is a JSON {type(state).__name__}, not an object")

    def bad(key, what):
        raise CheckpointError(f"{where}: the trainer state's {key!r} is {_brief(repr(state[key]), 60)}, not {what}")

    for key, lo, integer, what in (
        ("step", 0, True, "a step count"),
        ("position", 0, True, "a text position"),
        ("seconds", 0, False, "a number of seconds"),
        ("smooth_loss", -math.inf, False, "a finite number"),
    ):
        if key in state and not _is_number(state[key], lo, integer):
            bad(key, what)
    if "interval_losses" in state and not (
        isinstance(state["interval_losses"], list) and all(_is_number(v) for v in state["interval_losses"])
    ):
        bad("interval_losses", "a list of finite numbers")
    if "samples" in state and not (
        isinstance(state["samples"], list)
        and all(
            isinstance(s, list) and len(s) == 2 and _is_number(s[0], 0, True) and isinstance(s[1], str)
            for s in state["samples"]
        )
    ):
        bad("samples", "a list of [step, text] pairs")
    rngs = ([state["sample_rng"]] if "sample_rng" in state else []) + (
        state["dropout_rngs"] if isinstance(state.get("dropout_rngs"), list) else []
    )
    if "dropout_rngs" in state and not isinstance(state["dropout_rngs"], list):
        bad("dropout_rngs", "a list of generator states")
    for rng_state in rngs:
        try:  # the generator itself is the authority on what a valid state is
            np.random.default_rng().bit_generator.state = rng_state
        except Exception as exc:
            raise CheckpointError(
                f"{where}: a random generator state in the trainer state is invalid ({_brief(exc)})"
            ) from None


def remove_orphan_temporaries(path) -> list:
    """Delete the temporary files that saves of ``path`` left behind when killed (SIGKILL, power loss).

    Only call it while no other process may be saving to ``path`` (see :mod:`rnn_lib.lock`).

    Returns
    -------
    list of (Path, int)
        The files removed and their sizes in bytes.
    """
    path = Path(path)
    removed = []
    # the names save_checkpoint gives them: <name>.<random>.tmp
    for tmp in glob.glob(os.path.join(glob.escape(str(path.parent)), glob.escape(path.name) + ".*.tmp")):
        try:
            size = os.stat(tmp).st_size
            os.unlink(tmp)
        except FileNotFoundError:
            continue
        removed.append((Path(tmp), size))
    return removed


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
                f"not belong together."
            )

"""Command line: ``python -m rnn_lib train`` and ``python -m rnn_lib sample``.

Every error a user can cause (bad option, missing or unusable file, unknown priming character)
ends with a one-line message and exit status 2, never a traceback, and every one that can be
known before training (paths, file sizes, memory, a checkpoint in use by another run) is found
before training starts. A run stopped by Ctrl-C (status 130), SIGTERM (143), SIGHUP (129) or a
diverging loss (status 1) still writes its checkpoint, also when the signal comes during the final
validation or the save; a run also saves every ``--save-every`` steps or minutes. Output that
cannot be written (stdout closed: ``| head``, a closed terminal) is dropped; training goes on.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from .blas import DEFAULT_BLAS_THREADS, blas_threads
from .checkpoint import CheckpointError, load_checkpoint, remove_orphan_temporaries
from .config import RULES, TrainConfig, check_value
from .history import LN2
from .lock import CheckpointLock, LockBusy
from .preflight import check_checkpoint_path, check_data_file, check_memory, human_bytes
from .sampling import iter_sample
from .signals import StopRequests
from .signals import active as _active_stop_requests
from .training import Trainer, TrainingDiverged, evaluate, held_out
from .vocab import DATA_DIR, CharVocab, load_text

DEFAULT_DATA = DATA_DIR / "tinyshakespeare.txt"
DEFAULT_SAVE_EVERY = "5m"  # a run longer than this never loses more than its last five minutes


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line."""


def _number(rule: str):
    """An argparse type: text -> a number that obeys ``rule`` (a key of :data:`rnn_lib.config.RULES`)."""
    kind = RULES[rule][0]

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {'a whole number' if kind is int else 'a number'}, got {text!r}"
            ) from None
        try:
            return check_value(value, rule)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = rule  # argparse names the type in some messages
    return parse


def _save_every(text):
    """``1000`` (steps), ``90s``, ``5m``, ``2h`` or ``0`` (never) -> (steps, seconds)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([smh]?)\s*", text)
    if not match or (not match.group(2) and "." in match.group(1)):
        raise argparse.ArgumentTypeError(f"expected a number of steps (1000) or a time (90s, 5m, 2h), got {text!r}")
    value, unit = float(match.group(1)), match.group(2)
    if not unit:
        return int(value), 0.0
    return 0, value * {"s": 1, "m": 60, "h": 3600}[unit]


# what the train options of TrainConfig fields do beyond the field's own help
_NOTES = {
    "learning_rate": "; with --resume, a new rate for the rest of the run",
    "threads": ", each with --blas-threads threads",
    "eval_chars": "; the final pass always reads all",
}
# the decay spans the run by default, whatever its bound: these options default to the run's bound
_RUN_BOUNDS = {"lr_decay_steps": "--steps", "lr_decay_seconds": "--seconds"}
# the only settings a resumed run takes from its options; the others come from its checkpoint
_RESUME_OPTIONS = ("learning_rate", "lr_decay_steps", "lr_decay_seconds")
_CONFIG_OPTIONS = tuple(f.name for f in fields(TrainConfig) if f.metadata["cli"])


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _add_config_options(parser) -> None:
    """One option per TrainConfig field (those with ``cli`` metadata): name, rule, help and default from the field."""
    group = parser.add_argument_group(
        f"training settings (a resumed run keeps its checkpoint's, except {', '.join(map(_flag, _RESUME_OPTIONS))})"
    )
    for f in fields(TrainConfig):
        if not f.metadata["cli"]:
            continue
        rule, bound = f.metadata["rule"], _RUN_BOUNDS.get(f.name)
        shown = (
            f"{bound}, so the rate settles by the end of the run"
            if bound
            else (f.metadata["default_text"] or f.default)
        )
        text = f"{f.metadata['help']}{_NOTES.get(f.name, '')} (default: {shown})".replace("%", "%%")
        kind = {"choices": rule} if isinstance(rule, tuple) else {"type": _number(rule)}
        group.add_argument(_flag(f.name), default=None if bound else f.default, help=text, **kind)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rnn_lib", description="Train a character-level RNN language model and sample text from it."
    )
    sub = parser.add_subparsers(dest="command", metavar="{train,sample,evaluate}")
    sub.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--blas-threads",
        type=_number("positive_int"),
        default=DEFAULT_BLAS_THREADS,
        help="threads for each matrix product (default %(default)s: fastest for these small "
        "products; more can help models with thousands of units; results do not change)",
    )

    t = sub.add_parser(
        "train",
        help="train a model (or resume one) and save a checkpoint",
        parents=[common],
        description="Train on a UTF-8 text file; the last 10% is held out for validation.",
    )
    t.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="UTF-8 text file to train on (default: the bundled tiny Shakespeare)",
    )
    t.add_argument(
        "--checkpoint", type=Path, default=None, help="where to save the model (default: runs/<data name>.npz)"
    )
    t.add_argument(
        "--resume", action="store_true", help="continue training the model in --checkpoint (same data and settings)"
    )
    t.add_argument("--overwrite", action="store_true", help="replace an existing --checkpoint")
    t.add_argument(
        "--save-every",
        type=_save_every,
        default=_save_every(DEFAULT_SAVE_EVERY),
        metavar="N|TIME",
        help=f"also save the checkpoint during training, every N steps or every TIME (90s, 5m, 2h); "
        f"0: only at the end (default: {DEFAULT_SAVE_EVERY})",
    )
    t.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_config_options(t)
    bound = t.add_argument_group("when to stop (the first bound reached; Ctrl-C also stops and saves)")
    bound.add_argument("--steps", type=_number("positive_int"), help="number of updates to run")
    bound.add_argument("--seconds", type=_number("positive"), help="wall-clock seconds to train")

    s = sub.add_parser("sample", help="generate text from a checkpoint", parents=[common])
    s.add_argument("--checkpoint", type=Path, required=True)
    s.add_argument(
        "--length", type=_number("positive_int"), default=500, help="characters to generate (default %(default)s)"
    )
    s.add_argument(
        "--temperature",
        type=_number("non_negative"),
        default=1.0,
        help="1: the model's distribution; <1 safer; 0 greedy (default %(default)s)",
    )
    s.add_argument("--prime", default="", help="text to feed in first, e.g. 'ROMEO:'")
    s.add_argument(
        "--seed", type=_number("non_negative_int"), default=0, help="seed of the random draws (default %(default)s)"
    )

    e = sub.add_parser("evaluate", help="validation loss of a checkpoint on its held-out split", parents=[common])
    e.add_argument("--checkpoint", type=Path, required=True)
    e.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="the text it was trained on (default: the bundled tiny Shakespeare)",
    )
    return parser


class _TolerantOutput:
    """A stream (stdout, stderr) whose write errors end its output, not the program.

    A reader that goes away (``| head -n 2``, a terminal closed with the run in it) makes every
    later write fail; a training run must go on and save all the same. After the first failure
    the stream's file descriptor is pointed at the null device, so that Python's own flush at
    exit does not fail either.
    """

    def __init__(self, stream):
        self._stream = stream
        self.broken = False

    def write(self, text):
        if not self.broken:
            try:
                self._stream.write(text)
            except (OSError, ValueError):  # ValueError: the stream was closed
                self._break()
        return len(text)

    def flush(self):
        if not self.broken:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._break()

    def _break(self):
        self.broken = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _say(message: str) -> None:
    """Print without breaking a progress bar."""
    try:
        from tqdm.auto import tqdm

        tqdm.write(message)
    except ImportError:  # pragma: no cover
        print(message)


def _report(trainer: Trainer, event: str) -> None:
    if event == "eval":
        nats = trainer.history.val_nats[-1]
        _say(
            f"step {trainer.step}: validation {nats:.3f} nats/char ({nats / LN2:.3f} bits/char), "
            f"smooth loss {trainer.smooth_loss:.2f} per {trainer.config.seq_length} chars"
        )
    elif event == "sample":
        _say(f"---- sample at step {trainer.step} ----\n{trainer.samples[-1][1]}\n----")
    elif event == "save":
        _say(f"step {trainer.step}: checkpoint saved")
    elif event == "save_failed":
        _say(f"step {trainer.step}: warning: the periodic save failed ({trainer.save_error}); training goes on")


def train_config(args) -> TrainConfig:
    """The configuration a new ``train`` run uses for parsed arguments ``args`` (raises ValueError if invalid)."""
    values = {name: getattr(args, name) for name in _CONFIG_OPTIONS}
    # by default the rate settles along a cosine over a run of known length: the end of the run then
    # averages out the noise of single steps, so the result depends far less on the seed and the CPU
    if values["lr_decay_steps"] is None:
        values["lr_decay_steps"] = args.steps or 0
    if values["lr_decay_seconds"] is None:
        values["lr_decay_seconds"] = args.seconds or 0.0
    return TrainConfig(**values)


def _decay_span(c: TrainConfig) -> str:
    return " or ".join(
        [f"{c.lr_decay_steps} steps"] * bool(c.lr_decay_steps)
        + [f"{c.lr_decay_seconds:g} s"] * bool(c.lr_decay_seconds)
    )


def _resume_schedule(trainer, args) -> None:
    """The learning-rate schedule of a resumed run: --lr-decay-steps/--lr-decay-seconds if given (where
    the decay now ends); else a decay that has ended is stretched over the new run (--steps and
    --seconds more), as if the run had been planned that long from the start."""
    c = trainer.config
    if args.lr_decay_steps is not None or args.lr_decay_seconds is not None:
        trainer.config = replace(
            c,
            lr_decay_steps=c.lr_decay_steps if args.lr_decay_steps is None else args.lr_decay_steps,
            lr_decay_seconds=c.lr_decay_seconds if args.lr_decay_seconds is None else args.lr_decay_seconds,
        )
    elif c.decay_progress(trainer.step, trainer.seconds) == 1 and args.learning_rate is None:
        trainer.config = replace(
            c,
            lr_decay_steps=trainer.step + args.steps if args.steps else 0,
            lr_decay_seconds=trainer.seconds + args.seconds if args.seconds else 0.0,
        )
    else:
        return
    c = trainer.config
    if c.decay_progress(0) is None:
        print("learning rate: constant from here on")
    else:
        print(f"learning-rate decay now ends after {_decay_span(c)} of training in all")


def _ignored_on_resume(args, config: TrainConfig) -> list:
    """'--hidden-size 16 (the checkpoint has 8)' for each option given that the checkpoint overrides."""
    defaults = build_parser().parse_args(["train"])
    out = []
    for name in _CONFIG_OPTIONS:
        given = getattr(args, name)
        if name not in _RESUME_OPTIONS and given != getattr(defaults, name) and given != getattr(config, name):
            out.append(f"{_flag(name)} {given} (the checkpoint has {getattr(config, name)})")
    return out


def cmd_train(args) -> int:
    if args.steps is None and args.seconds is None:
        raise UsageError("give --steps N or --seconds S: training needs an end")
    checkpoint = args.checkpoint or Path("runs") / f"{args.data.stem}.npz"
    if args.resume and args.overwrite:
        raise UsageError("--resume continues the checkpoint and --overwrite replaces it: choose one")
    # everything knowable is checked before the model is built and trained
    try:
        check_checkpoint_path(checkpoint, args.data)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    text_bytes = check_data_file(args.data)
    config = None if args.resume else train_config(args)
    new_folders = [p for p in (checkpoint.parent, *checkpoint.parent.parents) if not p.exists()]
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    try:
        # the lock first: a busy checkpoint is the news, whatever else is wrong
        with CheckpointLock(checkpoint) as lock:
            if lock.took_over:
                print(
                    f"note: took over the lock of an earlier run that ended without releasing it "
                    f"(process {lock.took_over.get('pid', '?')})"
                )
            if args.resume and not checkpoint.exists():
                raise UsageError(f"--resume: no checkpoint at {checkpoint}")
            if checkpoint.exists() and not (args.resume or args.overwrite):
                raise UsageError(
                    f"{checkpoint} exists: pass --resume to continue it, --overwrite to replace it, "
                    f"or another --checkpoint"
                )
            config = config or load_checkpoint(checkpoint).config
            text = load_text(args.data, min_length=config.seq_length + 1)
            check_memory(config, len(CharVocab.from_text(text)), text_bytes)
            removed = remove_orphan_temporaries(checkpoint)
            if removed:
                print(
                    f"removed {len(removed)} unfinished temporary file{'s' * (len(removed) > 1)} of an earlier "
                    f"save that was killed ({human_bytes(sum(size for _, size in removed))})"
                )
            return _train(args, checkpoint, text)
    finally:
        for folder in new_folders:  # made for nothing if the run failed before saving
            try:
                folder.rmdir()
            except OSError:  # not empty: the run saved into it
                break


def _train(args, checkpoint, text) -> int:
    callbacks = [_report]
    if args.resume:
        trainer = Trainer.resume(checkpoint, text, callbacks=callbacks, progress=not args.no_progress)
        trainer.blas_threads = args.blas_threads
        print(f"resuming {checkpoint} at step {trainer.step} (its saved settings are used)")
        ignored = _ignored_on_resume(args, trainer.config)
        if ignored:
            print(f"note: ignored with --resume: {', '.join(ignored)}")
        _resume_schedule(trainer, args)
        if args.learning_rate is not None and args.learning_rate != trainer.config.learning_rate:
            # a step schedule by hand: train, then resume with a smaller rate to settle in a minimum
            print(f"learning rate changed from {trainer.config.learning_rate} to {args.learning_rate}")
            trainer.set_learning_rate(args.learning_rate)
    else:
        trainer = Trainer(
            text, train_config(args), callbacks=callbacks, progress=not args.no_progress, blas_threads=args.blas_threads
        )
    c = trainer.config
    n_params = sum(p.size for p in trainer.params.values())
    print(
        f"data: {args.data} ({len(text):,} characters, {len(trainer.vocab)} distinct); "
        f"training on {len(trainer.train_ids):,}, validating on {len(trainer.val_ids):,}"
    )
    kind = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}[c.cell]
    layers = f"{c.layers} layers of " if c.layers > 1 else ""
    print(
        f"model: {kind}, {layers}hidden_size {c.hidden_size}, {n_params:,} parameters ({c.dtype}); "
        f"{c.batch_size} streams x {c.seq_length} steps, {c.optimizer} learning rate {c.learning_rate}"
        + (f" decaying to {c.min_learning_rate:g} over {_decay_span(c)}" if c.decay_progress(0) is not None else "")
        + (f", dropout {c.dropout}" if c.dropout else "")
        + (f"; {c.threads} threads" if c.threads > 1 else "")
    )
    save_steps, save_seconds = args.save_every
    status = 0
    # from here to the end a stop signal (Ctrl-C, SIGTERM, SIGHUP) never loses the trained model
    stops = _active_stop_requests() or StopRequests()  # an inert one when called outside main()
    with stops.deferred():
        try:
            trainer.run(
                steps=args.steps,
                seconds=args.seconds,
                checkpoint=checkpoint,
                save_every_steps=save_steps,
                save_every_seconds=save_seconds,
            )
        except TrainingDiverged as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
        if stops.requested:
            status = stops.exit_status
        if status == 0 and len(trainer.val_ids):
            print(f"final validation on all {len(trainer.val_ids):,} held-out characters (Ctrl-C skips it)", flush=True)
            try:
                # all of it (periodic passes use a part); the first stop signal cuts it short: it only reports
                with stops.abortable(after=1):
                    nats = evaluate(
                        trainer.params, trainer.val_ids, model=trainer.model, blas_threads=args.blas_threads
                    )
                print(
                    f"validation loss: {nats:.4f} nats/char ({nats / LN2:.4f} bits/char) on all "
                    f"{len(trainer.val_ids):,} held-out characters, after {trainer.step} steps "
                    f"({trainer.seconds:.1f} s of training)"
                )
            except KeyboardInterrupt:
                status = stops.exit_status
                trainer.stop_reason = f"{stops.reason} during the final validation"
        trainer.save(checkpoint)
        print(f"stopped: {trainer.stop_reason}; checkpoint saved to {checkpoint}")
        if status == 0:
            print(f"sample from it: python -m rnn_lib sample --checkpoint {checkpoint}")
    return status


def cmd_sample(args) -> int:
    ckpt = load_checkpoint(args.checkpoint)
    rng = np.random.default_rng(args.seed)
    missing = sorted({ch for ch in args.prime if ch not in ckpt.vocab})
    if missing:
        raise UsageError(
            f"--prime contains {''.join(missing)!r}, not in the model's vocabulary of "
            f"{len(ckpt.vocab)} characters: {''.join(ckpt.vocab.chars)!r}"
        )
    out = sys.stdout
    out.write(args.prime)
    chunk = []
    # streamed: a long sample shows as it is made, and stops being made when its reader goes away
    for ch in iter_sample(
        ckpt.params, ckpt.vocab, args.length, rng, prime=args.prime, temperature=args.temperature, model=ckpt.model
    ):
        chunk.append(ch)
        if ch == "\n" or len(chunk) >= 64:
            out.write("".join(chunk))
            out.flush()
            chunk = []
            if getattr(out, "broken", False):
                return 0
    out.write("".join(chunk) + "\n")
    return 0


def cmd_evaluate(args) -> int:
    ckpt = load_checkpoint(args.checkpoint)
    c = ckpt.config
    text = load_text(args.data, min_length=2)
    val_ids = held_out(ckpt.vocab.encode(text), c.val_fraction)
    if len(val_ids) < 2:
        raise ValueError(
            f"{args.data} has {len(text):,} characters; its held-out part (the last "
            f"{c.val_fraction:.0%}, as in training) has {len(val_ids)}, and evaluating needs at least "
            f"2: use a longer text"
        )
    # in the training dtype, so the loss agrees with the training run's to the last digit
    params = {k: np.zeros(v.shape, np.dtype(c.dtype)) for k, v in ckpt.params.items()}
    for name, value in ckpt.params.items():
        params[name][...] = value
    nats = evaluate(params, val_ids, model=ckpt.model, blas_threads=args.blas_threads)
    print(
        f"validation loss: {nats:.4f} nats/char ({nats / LN2:.4f} bits/char) on "
        f"{len(val_ids):,} held-out characters of {args.data}"
    )
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"train": cmd_train, "sample": cmd_sample, "evaluate": cmd_evaluate}
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _TolerantOutput(sys.stdout), _TolerantOutput(sys.stderr)
    # a stop signal ends loading or sampling at once (nothing to save); training defers it. Run as a
    # program (no argv given), a signal after the last save is ignored instead of killing the exit.
    stops = StopRequests(restore=argv is not None)
    try:
        with stops, stops.abortable(after=1), blas_threads(args.blas_threads):  # also for loading and sampling
            return commands[args.command](args)
    except UsageError as exc:
        parser.error(str(exc))
    except (OSError, CheckpointError, LockBusy, ValueError) as exc:  # FileNotFoundError is an OSError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:  # preflight estimates are rough; this is the backstop
        print(
            "error: out of memory: use a smaller model (--hidden-size, --layers, --batch-size) or a shorter text",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:  # a stop signal outside training (loading, sampling): nothing to save
        print("interrupted", file=sys.stderr)
        return stops.exit_status
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = streams

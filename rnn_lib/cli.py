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
from dataclasses import replace
from pathlib import Path

import numpy as np

from .blas import DEFAULT_BLAS_THREADS, blas_threads
from .cells import CELL_NAMES
from .checkpoint import CheckpointError, load_checkpoint, remove_orphan_temporaries
from .config import DEFAULT_LEARNING_RATES, TrainConfig
from .flat import packed_zeros
from .lock import CheckpointLock, LockBusy
from .preflight import check_checkpoint_path, check_data_file, check_memory, human_bytes
from .sampling import iter_sample
from .signals import StopRequests
from .signals import active as _active_stop_requests
from .history import LN2
from .training import Trainer, TrainingDiverged, evaluate
from .vocab import DATA_DIR, CharVocab, load_text

DEFAULT_DATA = DATA_DIR / "tinyshakespeare.txt"
DEFAULTS = TrainConfig()
DEFAULT_SAVE_EVERY = "5m"  # a run longer than this never loses more than its last five minutes


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line."""


def _positive_int(text):
    v = _parse(int, text)
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
    return v


def _non_negative_int(text):
    v = _parse(int, text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {v}")
    return v


def _positive_float(text):
    v = _parse(float, text)
    if not 0 < v < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text}")
    return v


def _non_negative_float(text):
    v = _parse(float, text)
    if not 0 <= v < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number, 0 or more, got {text}")
    return v


def _number(text):
    v = _parse(float, text)
    if v != v or v in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return v


def _probability(text):
    v = _parse(float, text)
    if not 0 <= v < 1:
        raise argparse.ArgumentTypeError(f"must be a probability, at least 0 and below 1, got {text}")
    return v


def _save_every(text):
    """``1000`` (steps), ``90s``, ``5m``, ``2h`` or ``0`` (never) -> (steps, seconds)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([smh]?)\s*", text)
    if not match or (not match.group(2) and "." in match.group(1)):
        raise argparse.ArgumentTypeError(f"expected a number of steps (1000) or a time (90s, 5m, 2h), got {text!r}")
    value, unit = float(match.group(1)), match.group(2)
    if not unit:
        return int(value), 0.0
    return 0, value * {"s": 1, "m": 60, "h": 3600}[unit]


def _parse(kind, text):
    try:
        return kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rnn_lib",
        description="Train a character-level RNN language model and sample text from it.")
    sub = parser.add_subparsers(dest="command", metavar="{train,sample,evaluate}")
    sub.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--blas-threads", type=_positive_int, default=DEFAULT_BLAS_THREADS,
                        help="threads for each matrix product (default %(default)s: fastest for these small "
                             "products; more can help models with thousands of units; results do not change)")

    t = sub.add_parser("train", help="train a model (or resume one) and save a checkpoint", parents=[common],
                       description="Train on a UTF-8 text file; the last 10% is held out for validation.")
    t.add_argument("--data", type=Path, default=DEFAULT_DATA,
                   help="UTF-8 text file to train on (default: the bundled tiny Shakespeare)")
    t.add_argument("--cell", choices=CELL_NAMES, default=DEFAULTS.cell,
                   help="rnn: the gist's vanilla RNN (default); lstm; gru")
    t.add_argument("--layers", type=_positive_int, default=DEFAULTS.layers, help="stacked layers (lstm, gru)")
    t.add_argument("--hidden-size", type=_positive_int, default=DEFAULTS.hidden_size)
    t.add_argument("--seq-length", type=_positive_int, default=DEFAULTS.seq_length,
                   help="time steps per truncated-BPTT chunk (default %(default)s)")
    t.add_argument("--batch-size", type=_positive_int, default=DEFAULTS.batch_size,
                   help="parallel streams through the text (default %(default)s)")
    t.add_argument("--optimizer", choices=("adagrad", "adam"), default=DEFAULTS.optimizer)
    t.add_argument("--learning-rate", type=_positive_float, default=None,
                   help=f"default {DEFAULT_LEARNING_RATES['adam']} for adam, {DEFAULT_LEARNING_RATES['adagrad']} for adagrad; "
                        f"with --resume, a new rate for the rest of the run")
    t.add_argument("--lr-decay-steps", type=_non_negative_int, default=None,
                   help="decay the learning rate along a cosine to --min-learning-rate over this many "
                        "steps, then keep it there (0: constant; default: --steps, so the rate settles "
                        "by the end of the run)")
    t.add_argument("--lr-decay-seconds", type=_non_negative_float, default=None,
                   help="the same over this many seconds of training (default: --seconds); with both, the "
                        "decay ends at whichever comes first")
    t.add_argument("--min-learning-rate", type=_non_negative_float, default=DEFAULTS.min_learning_rate,
                   help="where the decay ends (default %(default)s)")
    t.add_argument("--clip", type=_positive_float, default=DEFAULTS.clip,
                   help="clip every gradient entry to [-clip, clip] (default %(default)s, the gist's); the "
                        "loss sums seq_length steps, so its gradients grow with seq_length")
    t.add_argument("--forget-bias", type=_number, default=None,
                   help="lstm: initial forget-gate biases (default 1; 0 learned faster on tiny Shakespeare)")
    t.add_argument("--dropout", type=_probability, default=DEFAULTS.dropout,
                   help="lstm, gru: probability of dropping each unit of a layer's output on its way up "
                        "while training (default %(default)s)")
    t.add_argument("--dtype", choices=("float32", "float64"), default=DEFAULTS.dtype)
    t.add_argument("--threads", type=_positive_int, default=DEFAULTS.threads,
                   help="cores to use: the streams are split into this many groups computed at the same time, "
                        "each with --blas-threads threads (default %(default)s)")
    bound = t.add_argument_group("when to stop (the first bound reached; Ctrl-C also stops and saves)")
    bound.add_argument("--steps", type=_positive_int, help="number of updates to run")
    bound.add_argument("--seconds", type=_positive_float, help="wall-clock seconds to train")
    t.add_argument("--seed", type=_non_negative_int, default=DEFAULTS.seed)
    t.add_argument("--checkpoint", type=Path, default=None,
                   help="where to save the model (default: runs/<data name>.npz)")
    t.add_argument("--resume", action="store_true",
                   help="continue training the model in --checkpoint (same data and settings)")
    t.add_argument("--overwrite", action="store_true", help="replace an existing --checkpoint")
    t.add_argument("--save-every", type=_save_every, default=_save_every(DEFAULT_SAVE_EVERY), metavar="N|TIME",
                   help=f"also save the checkpoint during training, every N steps or every TIME (90s, 5m, 2h); "
                        f"0: only at the end (default {DEFAULT_SAVE_EVERY})")
    t.add_argument("--eval-every", type=_non_negative_int, default=DEFAULTS.eval_every,
                   help="steps between validation passes (default %(default)s; 0: at the end only)")
    t.add_argument("--eval-chars", type=_non_negative_int, default=DEFAULTS.eval_chars,
                   help="held-out characters each periodic validation pass reads (default %(default)s; "
                        "0: all); the final pass always reads all")
    t.add_argument("--sample-every", type=_non_negative_int, default=DEFAULTS.sample_every,
                   help="steps between printed samples (default %(default)s; 0: never)")
    t.add_argument("--sample-length", type=_positive_int, default=DEFAULTS.sample_length)
    t.add_argument("--no-progress", action="store_true", help="no progress bar")

    s = sub.add_parser("sample", help="generate text from a checkpoint", parents=[common])
    s.add_argument("--checkpoint", type=Path, required=True)
    s.add_argument("--length", type=_positive_int, default=500)
    s.add_argument("--temperature", type=_non_negative_float, default=1.0,
                   help="1: the model's distribution; <1 safer; 0 greedy (default %(default)s)")
    s.add_argument("--prime", default="", help="text to feed in first, e.g. 'ROMEO:'")
    s.add_argument("--seed", type=_non_negative_int, default=0)

    e = sub.add_parser("evaluate", help="validation loss of a checkpoint on its held-out split",
                       parents=[common])
    e.add_argument("--checkpoint", type=Path, required=True)
    e.add_argument("--data", type=Path, default=DEFAULT_DATA)
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
        _say(f"step {trainer.step}: validation {nats:.3f} nats/char ({nats / LN2:.3f} bits/char), "
             f"smooth loss {trainer.smooth_loss:.2f} per {trainer.config.seq_length} chars")
    elif event == "sample":
        _say(f"---- sample at step {trainer.step} ----\n{trainer.samples[-1][1]}\n----")
    elif event == "save":
        _say(f"step {trainer.step}: checkpoint saved")
    elif event == "save_failed":
        _say(f"step {trainer.step}: warning: the periodic save failed ({trainer.save_error}); training goes on")


def train_config(args) -> TrainConfig:
    """The configuration a new ``train`` run uses for parsed arguments ``args`` (raises ValueError if invalid)."""
    learning_rate = args.learning_rate or DEFAULT_LEARNING_RATES[args.optimizer]
    # by default the rate settles along a cosine over a run of known length: the end of the run then
    # averages out the noise of single steps, so the result depends far less on the seed and the CPU
    lr_decay_steps = args.lr_decay_steps if args.lr_decay_steps is not None else (args.steps or 0)
    lr_decay_seconds = args.lr_decay_seconds if args.lr_decay_seconds is not None else (args.seconds or 0.0)
    return TrainConfig(cell=args.cell, layers=args.layers, hidden_size=args.hidden_size,
                       seq_length=args.seq_length, batch_size=args.batch_size,
                       optimizer=args.optimizer, learning_rate=learning_rate,
                       lr_decay_steps=lr_decay_steps, lr_decay_seconds=lr_decay_seconds,
                       min_learning_rate=args.min_learning_rate,
                       dropout=args.dropout, eval_chars=args.eval_chars, threads=args.threads,
                       clip=args.clip, forget_bias=args.forget_bias,
                       dtype=args.dtype, seed=args.seed, eval_every=args.eval_every,
                       sample_every=args.sample_every, sample_length=args.sample_length)


def _decay_span(c: TrainConfig) -> str:
    return " or ".join([f"{c.lr_decay_steps} steps"] * bool(c.lr_decay_steps)
                       + [f"{c.lr_decay_seconds:g} s"] * bool(c.lr_decay_seconds))


def _resume_schedule(trainer, args) -> None:
    """The learning-rate schedule of a resumed run: --lr-decay-steps/--lr-decay-seconds if given (where
    the decay now ends); else a decay that has ended is stretched over the new run (--steps and
    --seconds more), as if the run had been planned that long from the start."""
    c = trainer.config
    if args.lr_decay_steps is not None or args.lr_decay_seconds is not None:
        trainer.config = replace(c, lr_decay_steps=c.lr_decay_steps if args.lr_decay_steps is None
                                 else args.lr_decay_steps,
                                 lr_decay_seconds=c.lr_decay_seconds if args.lr_decay_seconds is None
                                 else args.lr_decay_seconds)
    elif c.decay_progress(trainer.step, trainer.seconds) == 1 and args.learning_rate is None:
        trainer.config = replace(c, lr_decay_steps=trainer.step + args.steps if args.steps else 0,
                                 lr_decay_seconds=trainer.seconds + args.seconds if args.seconds else 0.0)
    else:
        return
    c = trainer.config
    if c.decay_progress(0) is None:
        print("learning rate: constant from here on")
    else:
        print(f"learning-rate decay now ends after {_decay_span(c)} of training in all")


# the settings of a resumed run come from its checkpoint; these options are then ignored
_RESUME_IGNORED = ("cell", "layers", "hidden_size", "seq_length", "batch_size", "optimizer", "min_learning_rate",
                   "clip", "forget_bias", "dropout", "dtype", "threads", "seed", "eval_every", "eval_chars",
                   "sample_every", "sample_length")


def _ignored_on_resume(args, config: TrainConfig) -> list:
    """'--hidden-size 16 (the checkpoint has 8)' for each option given that the checkpoint overrides."""
    defaults = build_parser().parse_args(["train"])
    out = []
    for name in _RESUME_IGNORED:
        given = getattr(args, name)
        if given != getattr(defaults, name) and given != getattr(config, name):
            out.append(f"--{name.replace('_', '-')} {given} (the checkpoint has {getattr(config, name)})")
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
                print(f"note: took over the lock of an earlier run that ended without releasing it "
                      f"(process {lock.took_over.get('pid', '?')})")
            if args.resume and not checkpoint.exists():
                raise UsageError(f"--resume: no checkpoint at {checkpoint}")
            if checkpoint.exists() and not (args.resume or args.overwrite):
                raise UsageError(f"{checkpoint} exists: pass --resume to continue it, --overwrite to replace it, "
                                 f"or another --checkpoint")
            config = config or load_checkpoint(checkpoint).config
            text = load_text(args.data, min_length=config.seq_length + 1)
            check_memory(config, len(CharVocab.from_text(text)), text_bytes)
            removed = remove_orphan_temporaries(checkpoint)
            if removed:
                print(f"removed {len(removed)} unfinished temporary file{'s' * (len(removed) > 1)} of an earlier "
                      f"save that was killed ({human_bytes(sum(size for _, size in removed))})")
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
        trainer = Trainer(text, train_config(args), callbacks=callbacks, progress=not args.no_progress,
                          blas_threads=args.blas_threads)
    c = trainer.config
    n_params = sum(p.size for p in trainer.params.values())
    print(f"data: {args.data} ({len(text):,} characters, {len(trainer.vocab)} distinct); "
          f"training on {len(trainer.train_ids):,}, validating on {len(trainer.val_ids):,}")
    kind = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}[c.cell]
    layers = f"{c.layers} layers of " if c.layers > 1 else ""
    print(f"model: {kind}, {layers}hidden_size {c.hidden_size}, {n_params:,} parameters ({c.dtype}); "
          f"{c.batch_size} streams x {c.seq_length} steps, {c.optimizer} learning rate {c.learning_rate}"
          + (f" decaying to {c.min_learning_rate:g} over {_decay_span(c)}" if c.decay_progress(0) is not None else "")
          + (f", dropout {c.dropout}" if c.dropout else "")
          + (f"; {c.threads} threads" if c.threads > 1 else ""))
    save_steps, save_seconds = args.save_every
    status = 0
    # from here to the end a stop signal (Ctrl-C, SIGTERM, SIGHUP) never loses the trained model
    stops = _active_stop_requests() or StopRequests()  # an inert one when called outside main()
    with stops.deferred():
        try:
            trainer.run(steps=args.steps, seconds=args.seconds, checkpoint=checkpoint,
                        save_every_steps=save_steps, save_every_seconds=save_seconds)
        except TrainingDiverged as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
        if stops.requested:
            status = stops.exit_status
        if status == 0 and len(trainer.val_ids):
            print(f"final validation on all {len(trainer.val_ids):,} held-out characters (Ctrl-C skips it)",
                  flush=True)
            try:
                # all of it (periodic passes use a part); the first stop signal cuts it short: it only reports
                with stops.abortable(after=1):
                    nats = evaluate(trainer.params, trainer.val_ids, model=trainer.model,
                                    blas_threads=args.blas_threads)
                print(f"validation loss: {nats:.4f} nats/char ({nats / LN2:.4f} bits/char) on all "
                      f"{len(trainer.val_ids):,} held-out characters, after {trainer.step} steps "
                      f"({trainer.seconds:.1f} s of training)")
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
        raise UsageError(f"--prime contains {''.join(missing)!r}, not in the model's vocabulary of "
                         f"{len(ckpt.vocab)} characters: {''.join(ckpt.vocab.chars)!r}")
    out = sys.stdout
    out.write(args.prime)
    chunk = []
    # streamed: a long sample shows as it is made, and stops being made when its reader goes away
    for ch in iter_sample(ckpt.params, ckpt.vocab, args.length, rng, prime=args.prime, temperature=args.temperature,
                          model=ckpt.model):
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
    ids = ckpt.vocab.encode(text)
    n_val = int(len(ids) * c.val_fraction)
    if n_val < 2:
        raise ValueError(f"{args.data} has {len(text):,} characters; its held-out part (the last "
                         f"{c.val_fraction:.0%}, as in training) has {n_val}, and evaluating needs at least 2: "
                         f"use a longer text")
    # the same packed layout as in training, so the loss agrees with the training run's to the last digit
    params = packed_zeros({k: v.shape for k, v in ckpt.params.items()}, np.dtype(c.dtype))
    for name, value in ckpt.params.items():
        params[name][...] = value
    nats = evaluate(params, ids[len(ids) - n_val:], model=ckpt.model, blas_threads=args.blas_threads)
    print(f"validation loss: {nats:.4f} nats/char ({nats / LN2:.4f} bits/char) on "
          f"{n_val:,} held-out characters of {args.data}")
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
        print("error: out of memory: use a smaller model (--hidden-size, --layers, --batch-size) or a "
              "shorter text", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # a stop signal outside training (loading, sampling): nothing to save
        print("interrupted", file=sys.stderr)
        return stops.exit_status
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = streams

"""Training: B parallel streams over the training split, truncated BPTT, Adagrad or Adam, validation.

Options beyond the gist's loop, all in :class:`~rnn_lib.config.TrainConfig`: a cosine decay of the
learning rate, dropout (gated cells), and ``threads`` to spread the streams over several cores.

Any cell of :mod:`rnn_lib.cells` trains the same way; the gist's vanilla RNN is the default.

Dimension letters: V vocabulary size, H hidden size, T time steps (``seq_length``), B streams
(``batch_size``), N characters of text, L characters per stream.

Losses are reported three ways so they can be compared with each other and with the gist:
``nats/char`` (mean cross-entropy per predicted character), ``bits/char`` (the same divided by
ln 2) and the gist's ``smooth_loss`` (an exponential moving average of the loss summed over one
``seq_length`` sequence, so it is about ``seq_length`` times the nats/char).
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as _wait_for
from contextlib import contextmanager, nullcontext
from dataclasses import replace

import numpy as np

from .blas import DEFAULT_BLAS_THREADS
from .blas import blas_threads as _blas_threads
from .cells import cell_of, get_cell
from .checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from .config import TrainConfig
from .history import History
from .layers import clip_grads, cross_entropy
from .optim import Adagrad, Adam, _max_abs
from .sampling import sample
from .signals import StopRequests
from .signals import active as _active_stop_requests
from .vocab import CharVocab

__all__ = ["Trainer", "TrainingDiverged", "evaluate", "held_out", "make_optimizer", "split_ids", "train"]


class TrainingDiverged(RuntimeError):
    """The loss or a gradient became NaN or infinite; the trainer keeps its last good state."""


def held_out(ids: np.ndarray, val_fraction: float) -> np.ndarray:
    """The validation tail of ids (N,): the last ``int(N * val_fraction)`` of them, as :func:`split_ids` holds out."""
    return ids[len(ids) - int(len(ids) * val_fraction) :]


def split_ids(ids: np.ndarray, val_fraction: float, seq_length: int):
    """Split ids (N,) into a training head and a held-out validation tail.

    Raises ``ValueError`` if either part is too short to train on or evaluate.
    """
    val_ids = held_out(ids, val_fraction)
    train_ids = ids[: len(ids) - len(val_ids)]
    if len(train_ids) < seq_length + 1:
        raise ValueError(
            f"the training split has {len(train_ids)} characters but one training sequence needs "
            f"seq_length + 1 = {seq_length + 1}: use a longer text, a smaller seq_length or a "
            f"smaller val_fraction (now {val_fraction})"
        )
    if val_fraction > 0 and len(val_ids) < 2:
        raise ValueError(
            f"the validation split has {len(val_ids)} characters (needs 2): use a longer text or val_fraction=0"
        )
    return train_ids, val_ids


def make_optimizer(config: TrainConfig, params: dict):
    """The optimiser named by ``config.optimizer``, updating ``params`` in place."""
    if config.optimizer == "adam":
        return Adam(params, config.learning_rate)
    return Adagrad(params, config.learning_rate)


_EVAL_STREAMS, _EVAL_CHUNK = 64, 100  # evaluate's defaults, which the trainer's periodic passes use


def evaluate(
    params: dict,
    ids: np.ndarray,
    n_streams: int = _EVAL_STREAMS,
    chunk: int = _EVAL_CHUNK,
    model=None,
    blas_threads: int | None = DEFAULT_BLAS_THREADS,
) -> float:
    """Mean cross-entropy in nats per character of a text under the model (no gradients).

    The text is cut into ``n_streams`` contiguous pieces evaluated side by side; each piece starts
    from a zero state and predicts each of its characters from the ones before it.

    Parameters
    ----------
    params : dict
    ids : int array, shape (N,)
    n_streams : int
        More streams are faster; the first character of each piece is not predicted.
    chunk : int
        Time steps per forward call (memory only; the state carries across chunks).
    model : cell module, optional
        Found from the parameter names if omitted.
    blas_threads : int or None
        Threads for the matrix products (see :mod:`rnn_lib.blas`); None leaves BLAS as it is.
    """
    if model is None:
        model, _ = cell_of(params)
    with _blas_threads(blas_threads):
        return _evaluate(params, np.asarray(ids), n_streams, chunk, model)


def _evaluate(params, ids, n_streams, chunk, model, pool=None, parts: int = 1) -> float:
    """:func:`evaluate`'s computation; with a thread ``pool``, its streams split into ``parts`` groups
    computed at the same time (the same number up to rounding: the groups' sums are added at the end)."""
    n_streams = max(1, min(n_streams, len(ids) // 2))
    L = len(ids) // n_streams
    if L < 2:
        raise ValueError(f"need at least 2 characters to evaluate, got {len(ids)}")
    grid = ids[: n_streams * L].reshape(n_streams, L).T  # (L, streams): column b is stream b

    def total_of(cols: slice) -> float:  # summed cross-entropy of streams cols
        width = cols.stop - cols.start
        h = model.initial_state(params, width)
        total = 0.0
        for start in range(0, L - 1, chunk):
            stop = min(start + chunk, L - 1)
            cache = model.forward(params, grid[start:stop, cols], h)
            total += cross_entropy(cache, grid[start + 1 : stop + 1, cols]) * width
            h = cache["h_last"]
        return total

    if pool is None or parts < 2 or n_streams < parts:
        return total_of(slice(0, n_streams)) / (n_streams * (L - 1))
    bounds = np.linspace(0, n_streams, parts + 1).round().astype(int)
    with _critical():
        futures = [pool.submit(total_of, slice(int(a), int(b))) for a, b in zip(bounds[:-1], bounds[1:])]
    try:
        return sum(f.result() for f in futures) / (n_streams * (L - 1))
    except KeyboardInterrupt:
        _wait_for(futures)  # cut short: no pass outlives the call
        raise


# the parameters and optimiser memory (bytes) from which proving a step finite costs less than copying
# them before it (about 2 MB, measured: for the 2-layer GRU of 256, 8 MB, the copy took 3 ms, the proof 0.2)
_PROVE_ABOVE_BYTES = 2 << 20


def _all_finite(arrays: dict) -> bool:
    return all(np.isfinite(a).all() for a in arrays.values())


@contextmanager
def _stop_requests():
    """The caller's :class:`~rnn_lib.signals.StopRequests` (the CLI's spans training and saving), or
    one for the duration of the block."""
    current = _active_stop_requests()
    if current is not None:
        yield current
        return
    with StopRequests() as stops:
        yield stops


def _abortable(after: int = 2):
    """Where a signal may cut the work short (see :mod:`rnn_lib.signals`); anywhere outside a run, as before."""
    stops = _active_stop_requests()
    return stops.abortable(after) if stops is not None else nullcontext()


def _critical():
    stops = _active_stop_requests()
    return stops.critical() if stops is not None else nullcontext()


class Trainer:
    """Trains a character-level RNN on a text, the gist's loop with a beginning and an end.

    Parameters
    ----------
    text : str
        The whole corpus; the last ``config.val_fraction`` of it is held out for validation.
    config : TrainConfig
    vocab : CharVocab, optional
        Defaults to ``CharVocab.from_text(text)``.
    callbacks : list of callables
        Each is called as ``callback(trainer, event)`` with event ``"log"`` (a history point was
        added), ``"eval"`` (a validation loss), ``"sample"`` (``trainer.samples[-1]``), ``"save"``
        (a periodic checkpoint was written), ``"save_failed"`` (``trainer.save_error`` says why) or
        ``"end"``.
    progress : bool
        Show a tqdm progress bar.
    blas_threads : int or None
        Threads for the matrix products while training and validating (see :mod:`rnn_lib.blas`;
        default 1, fastest for these sizes); None leaves BLAS as it is. Results do not depend on it.

    Attributes
    ----------
    params, optimizer, history, samples, step, stop_reason
    """

    def __init__(
        self,
        text: str,
        config: TrainConfig | None = None,
        vocab: CharVocab | None = None,
        callbacks=(),
        progress: bool = True,
        blas_threads: int | None = DEFAULT_BLAS_THREADS,
    ):
        self.config = config = config or TrainConfig()
        self.vocab = vocab or CharVocab.from_text(text)
        ids = self.vocab.encode(text)
        self.train_ids, self.val_ids = split_ids(ids, config.val_fraction, config.seq_length)
        B, T = config.batch_size, config.seq_length
        L = len(self.train_ids) // B
        if L < T + 1:
            raise ValueError(
                f"batch_size={B} streams of a {len(self.train_ids)}-character training split give "
                f"{L} characters per stream, fewer than seq_length + 1 = {T + 1}: use a smaller "
                f"batch_size or seq_length, or a longer text"
            )
        # stream b reads characters b*L ... (b+1)*L - 1; column b of the grid
        self._grid = np.ascontiguousarray(self.train_ids[: B * L].reshape(B, L).T)
        self.model = get_cell(config.cell)
        rng = np.random.default_rng(config.seed)
        extra = {} if config.forget_bias is None else {"forget_bias": config.forget_bias}
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, once
            self.params = self.model.init_params(
                len(self.vocab),
                config.hidden_size,
                rng,
                scale=config.init_scale,
                dtype=np.dtype(config.dtype),
                layers=config.layers,
                **extra,
            )
        if not _all_finite(self.params):  # found now, not after a training run that cannot save
            raise ValueError(
                f"the initial weights are not finite in {config.dtype} (init_scale="
                f"{config.init_scale}, forget_bias={config.forget_bias}; {config.dtype} reaches "
                f"{float(np.finfo(config.dtype).max):.3g}): use smaller values"
            )
        self.sample_rng = np.random.default_rng([config.seed, 1])
        # dropout masks, one stream per thread so that they do not depend on which thread runs first;
        # separate from the others, so turning dropout on changes neither the initial weights nor the samples
        self.dropout_rngs = [np.random.default_rng([config.seed, 2, k]) for k in range(config.threads)]
        bounds = np.linspace(0, B, config.threads + 1).round().astype(int)
        self._groups = [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]  # streams per thread
        self._pool = None
        self.optimizer = make_optimizer(config, self.params)
        self._state_bytes = sum(a.nbytes for a in (*self.params.values(), *self.optimizer.memory.values()))
        self.callbacks = list(callbacks)
        self.progress = progress
        self.blas_threads = blas_threads
        self.history = History()
        self.samples: list[tuple[int, str]] = []
        self.step = 0
        self.position = 0
        self.hprev = self.model.initial_state(self.params, B)
        # the gist starts its moving average at the loss of a uniform guess over V characters
        self.smooth_loss = math.log(len(self.vocab)) * T
        self.seconds = 0.0
        self.stop_reason = None
        self._interval_losses: list[float] = []
        self._futures = []  # the thread pool's pending work of the current step
        self.save_error = None  # why the last periodic save failed

    # ----------------------------------------------------------------- one step
    def train_step(self) -> float:
        """One update on the next ``seq_length`` characters of every stream; returns nats/char."""
        T = self.config.seq_length
        p, hprev = self.position, self.hprev
        if p + T + 1 > self._grid.shape[0]:
            # end of the streams: start again from the beginning with a fresh memory, as the gist does
            p, hprev = 0, self.model.initial_state(self.params, self.config.batch_size)
        inputs, targets = self._grid[p : p + T], self._grid[p + 1 : p + T + 1]
        # a second stop signal may cut the forward and backward passes short: they change nothing
        # but the dropout generators, which are put back, so the trainer stays at the end of a step
        rng_states = [g.bit_generator.state for g in self.dropout_rngs] if self.config.dropout else None
        try:
            with _abortable(), np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
                loss, grads, h_last = self._loss_and_grads(inputs, targets, hprev)
        except KeyboardInterrupt:
            _wait_for(self._futures)  # no worker may draw from a generator after it is put back
            if rng_states is not None:
                for g, state in zip(self.dropout_rngs, rng_states):
                    g.bit_generator.state = state
            raise
        finally:
            self._futures = []
        if not (math.isfinite(loss) and _all_finite(grads)):
            self.stop_reason = f"non-finite loss at step {self.step + 1}"
            raise TrainingDiverged(
                f"the loss became {loss} at step {self.step + 1} (learning rate "
                f"{self.config.learning_rate}). The update was not applied: the parameters are the "
                f"finite ones after step {self.step}, and the history is kept. Try a smaller "
                f"learning_rate or clip, or a smaller init_scale.{self._initial_weights_hint()}"
            )
        # from here to the end nothing is abortable: the update and the counters change together
        self._step_keeping_finite(grads)
        self.hprev = h_last
        self.position = p + T
        self.step += 1
        self.smooth_loss = self.smooth_loss * 0.999 + loss * 0.001
        return loss / T

    def _loss_and_grads(self, inputs, targets, hprev=None):
        """Loss, clipped gradients and last state of one step, computed by ``config.threads`` threads.

        With more than one thread the B streams are split into groups that run at the same time on
        different cores (numpy lets go of Python's lock inside its loops and matrix products), and
        the groups' gradients are averaged, weighted by their number of streams: the loss is a mean
        over streams, so this is the same update as one group computes, up to rounding (and other
        dropout masks). Clipping comes after the average, as it would for one group.
        """
        c = self.config
        hprev = self.hprev if hprev is None else hprev

        def group(k):
            cols = self._groups[k]
            extra = {"dropout": c.dropout, "rng": self.dropout_rngs[k]} if c.dropout else {}
            return self.model.loss_and_grads(
                self.params,
                inputs[:, cols],
                targets[:, cols],
                hprev[:, cols],
                clip=None if c.threads > 1 else c.clip,
                **extra,
            )

        if c.threads == 1:
            return group(0)
        k_all = range(c.threads)
        if self._pool is not None:
            with _critical():  # every future submitted is recorded, so that an abort can wait for them all
                self._futures = [self._pool.submit(group, k) for k in k_all]
            results = [f.result() for f in self._futures]
        else:
            results = [group(k) for k in k_all]
        weights = [(g.stop - g.start) / c.batch_size for g in self._groups]
        grads = results[0][1]  # a fresh buffer from this call: the sum is built in it
        blocks = [list(r[1].values()) for r in results]
        for i, total in enumerate(blocks[0]):
            total *= weights[0]
            for w, b in zip(weights[1:], blocks[1:]):
                total += w * b[i]
        clip_grads(grads, c.clip)
        loss = sum(w * r[0] for w, r in zip(weights, results))
        return loss, grads, np.concatenate([r[2] for r in results], axis=1)

    def _step_keeping_finite(self, grads: dict) -> None:
        """Apply the update (``grads`` finite); if it made a parameter inf or NaN, undo it and raise
        TrainingDiverged.

        A step runs on a copy of the parameters and the optimiser memory, put back if the step
        overflowed, unless it provably keeps every parameter finite: the optimiser bounds how far any
        entry can move (:meth:`~rnn_lib.optim.Adam.max_change`), and the largest parameter plus that
        bound is far below the dtype's range. The proof costs a few reductions, the copy grows with the model:
        large models (the 2-layer LSTM and GRU) skip the copy whenever the proof holds, that is on
        every step short of a huge learning rate or weights set by hand.
        """
        self.optimizer.learning_rate = self.config.learning_rate_at(self.step, self.seconds)
        if self._state_bytes >= _PROVE_ABOVE_BYTES:
            dtype = next(iter(self.params.values())).dtype
            reach = _max_abs(self.params.values()) + self.optimizer.max_change(_max_abs(grads.values()))
            if reach < float(np.finfo(dtype).max) / 4:  # False for inf and NaN
                with np.errstate(over="ignore", invalid="ignore"):
                    self.optimizer.step(grads)
                return
        arrays = list(self.params.values()) + list(self.optimizer.memory.values())
        before = [a.copy() for a in arrays]
        with np.errstate(over="ignore", invalid="ignore"):
            self.optimizer.step(grads)
        if _all_finite(self.params):
            return
        for a, b in zip(arrays, before):
            a[...] = b
        self.stop_reason = f"non-finite parameters at step {self.step + 1}"
        raise TrainingDiverged(
            f"the update at step {self.step + 1} made parameters infinite (learning rate "
            f"{self.config.learning_rate} is far too large). It was undone: the parameters are the finite "
            f"ones after step {self.step}, and the history is kept. Use a smaller learning_rate."
            f"{self._initial_weights_hint()}"
        )

    def _initial_weights_hint(self) -> str:
        """The initial weights chosen by hand can diverge at any learning rate: say so when they were."""
        c = self.config
        chosen = [
            f"{k}={v:g}" for k, v in (("init_scale", c.init_scale), ("forget_bias", c.forget_bias)) if v is not None
        ]
        return (
            f" The initial weights were set by hand ({', '.join(chosen)}): extreme values diverge at any learning rate."
            if chosen
            else ""
        )

    # ----------------------------------------------------------------- the loop
    def run(
        self,
        steps: int | None = None,
        seconds: float | None = None,
        checkpoint=None,
        save_every_steps: int = 0,
        save_every_seconds: float = 0.0,
    ) -> Trainer:
        """Train for ``steps`` more steps or ``seconds`` more seconds, whichever comes first.

        Stops cleanly on Ctrl-C, SIGTERM or SIGHUP (after the current step, so the model is one
        consistent step and can be saved; a second signal cuts short only work that changes
        nothing, see :mod:`rnn_lib.signals`) and raises :class:`TrainingDiverged` if the loss stops
        being finite; in both cases the trainer keeps its parameters, optimiser memory and history.

        Parameters
        ----------
        steps, seconds : int, float, optional
        checkpoint : str or Path, optional
            Where to save periodically (the caller saves at the end).
        save_every_steps : int
            Save to ``checkpoint`` every this many steps (0: never).
        save_every_seconds : float
            Save to ``checkpoint`` when this much wall time has passed since the last save (0: never).
        """
        if steps is None and seconds is None:
            raise ValueError("give steps or seconds (or both): training needs an end")
        for name, v in (
            ("steps", steps),
            ("seconds", seconds),
            ("save_every_steps", save_every_steps),
            ("save_every_seconds", save_every_seconds),
        ):
            if v is not None and not (isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0):
                raise ValueError(f"{name} must be a non-negative number, got {v!r}")
        if (save_every_steps or save_every_seconds) and checkpoint is None:
            raise ValueError("periodic saving needs a checkpoint path")
        c = self.config
        end_step = self.step + steps if steps is not None else None
        self.stop_reason = None
        bar = self._progress_bar(steps, seconds)
        start = last_save = time.perf_counter()
        base_seconds = self.seconds
        pool = ThreadPoolExecutor(c.threads, thread_name_prefix="rnn_lib-train") if c.threads > 1 else None
        self._pool = pool
        with _stop_requests() as stops:
            try:
                with _blas_threads(self.blas_threads):
                    while not self._should_stop(end_step, seconds, time.perf_counter() - start, stops):
                        loss = self.train_step()
                        self._interval_losses.append(loss)
                        self.seconds = base_seconds + time.perf_counter() - start
                        if self.step % c.log_every == 0:
                            self._log()
                            if bar is not None:
                                bar.set_postfix_str(f"train {self.history.train_nats[-1]:.3f} nats/char", refresh=False)
                        if c.eval_every and self.step % c.eval_every == 0 and len(self.val_ids):
                            self.validate()
                        if c.sample_every and self.step % c.sample_every == 0:
                            self._sample()
                        if (save_every_steps and self.step % save_every_steps == 0) or (
                            save_every_seconds and time.perf_counter() - last_save >= save_every_seconds
                        ):
                            try:
                                self.save(checkpoint)
                                self._emit("save")
                            except OSError as exc:  # a full disk must not end the run: the next save may work
                                self.save_error = exc
                                self._emit("save_failed")
                            last_save = time.perf_counter()
                        if bar is not None:
                            bar.update(1 if steps is not None else min(seconds, time.perf_counter() - start) - bar.n)
            except KeyboardInterrupt:  # a second signal in abortable work, or raised by a callback
                if not stops.requested:
                    stops.request()
                self.stop_reason = stops.reason
            finally:
                if pool is not None:
                    pool.shutdown()
                    self._pool = None
                if bar is not None:
                    bar.close()
                self.seconds = base_seconds + time.perf_counter() - start
            # a partial log interval stays pending (and is saved with the state), so a run resumed from
            # a checkpoint records exactly the history of an uninterrupted one
            try:
                self._emit("end")
            except KeyboardInterrupt:  # a second stop signal skips the callbacks, not the caller's save
                pass
        return self

    def _should_stop(self, end_step, seconds, elapsed, stops) -> bool:
        """True when a bound is reached or a stop signal came; records why in ``stop_reason``."""
        if end_step is not None and self.step >= end_step:
            self.stop_reason = f"reached step {end_step}"
        elif seconds is not None and elapsed >= seconds:
            self.stop_reason = f"reached {seconds:g} seconds"
        elif stops.requested:
            self.stop_reason = stops.reason
        return self.stop_reason is not None

    def set_learning_rate(self, learning_rate: float) -> None:
        """Change the learning rate from the next step on (recorded in ``config``, so checkpoints keep it).

        With a decay schedule, this is the new peak: the rest of the schedule is scaled to it (and
        ``min_learning_rate`` lowered to it if it was above). After the schedule has ended, the rate
        is constant from now on (``lr_decay_steps`` and ``lr_decay_seconds`` become 0).
        """
        c = self.config
        if c.decay_progress(self.step, self.seconds) == 1:
            self.config = replace(
                c, learning_rate=learning_rate, lr_decay_steps=0, lr_decay_seconds=0.0, min_learning_rate=0.0
            )
        else:
            self.config = replace(
                c, learning_rate=learning_rate, min_learning_rate=min(c.min_learning_rate, learning_rate)
            )  # validates
        self.optimizer.learning_rate = self.config.learning_rate_at(self.step, self.seconds)

    def validate(self, max_chars: int | None = None) -> float:
        """Validation nats/char; recorded in the history.

        ``max_chars``: characters of the validation split to use (default ``config.eval_chars``;
        0 or ``None`` with ``eval_chars=0`` means all of it). The periodic passes of :meth:`run` with
        ``config.threads`` > 1 spread the validation streams over the threads: the number
        :func:`evaluate` gives, up to rounding.
        """
        if not len(self.val_ids):
            raise ValueError("there is no validation split (val_fraction=0)")
        n = self.config.eval_chars if max_chars is None else max_chars
        ids = self.val_ids[:n] if n else self.val_ids
        with _abortable():  # nothing is recorded until it is complete
            if self._pool is None:
                nats = evaluate(self.params, ids, model=self.model, blas_threads=self.blas_threads)
            else:  # during run() with threads > 1: the streams split over the threads, as in training
                args = (self.params, np.asarray(ids), _EVAL_STREAMS, _EVAL_CHUNK, self.model)
                nats = _evaluate(*args, pool=self._pool, parts=self.config.threads)
        h = self.history
        h.val_step.append(self.step)
        h.val_seconds.append(self.seconds)
        h.val_nats.append(nats)
        self._emit("eval")
        return nats

    def sample(self, length: int | None = None, prime: str = "", temperature: float = 1.0) -> str:
        """Text generated by the current model, from ``self.sample_rng``."""
        length = self.config.sample_length if length is None else length
        return sample(
            self.params, self.vocab, length, self.sample_rng, prime=prime, temperature=temperature, model=self.model
        )

    # ----------------------------------------------------------------- helpers
    def _log(self):
        h = self.history
        h.step.append(self.step)
        h.seconds.append(self.seconds)
        h.train_nats.append(float(np.mean(self._interval_losses)))
        h.smooth_loss.append(self.smooth_loss)
        self._interval_losses = []
        self._emit("log")

    def _sample(self):
        rng_state = self.sample_rng.bit_generator.state
        try:
            with _abortable():
                text = self.sample()
        except KeyboardInterrupt:  # cut short: the generator goes back to where a resumed run expects it
            self.sample_rng.bit_generator.state = rng_state
            raise
        self.samples.append((self.step, text))
        self._emit("sample")

    def _emit(self, event: str):
        # callbacks see a complete state and change none of it that must stay consistent
        with _abortable():
            for cb in self.callbacks:
                cb(self, event)

    def _progress_bar(self, steps, seconds):
        if not self.progress:
            return None
        from tqdm.auto import tqdm

        if steps is not None:
            return tqdm(total=steps, unit="step", desc="training", leave=True, mininterval=1.0)
        return tqdm(
            total=seconds,
            unit="s",
            desc="training",
            leave=True,
            mininterval=1.0,
            bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s {postfix}",
        )

    # ----------------------------------------------------------------- checkpoints
    def state(self) -> dict:
        """Everything besides parameters, optimiser memory and history needed to resume exactly."""
        return {
            "step": self.step,
            "position": self.position,
            "seconds": self.seconds,
            "smooth_loss": self.smooth_loss,
            "interval_losses": list(self._interval_losses),
            "sample_rng": self.sample_rng.bit_generator.state,
            "dropout_rngs": [g.bit_generator.state for g in self.dropout_rngs],
            "samples": [list(s) for s in self.samples],
        }

    def save(self, path) -> None:
        """Write a checkpoint (atomically) that :meth:`resume` continues bit for bit."""
        with _critical():  # a stop signal waits until the file is complete
            save_checkpoint(
                path,
                self.params,
                self.vocab,
                self.config,
                memory=self.optimizer.memory,
                hprev=self.hprev,
                history=self.history,
                state=self.state(),
            )

    @classmethod
    def resume(cls, path, text: str, callbacks=(), progress: bool = True) -> Trainer:
        """A trainer that continues the run saved at ``path`` on the same ``text``."""
        ckpt = load_checkpoint(path)
        if not ckpt.resumable:
            raise CheckpointError(
                f"{path} holds a model without its optimiser memory and training state: "
                f"it can be sampled or evaluated, not resumed; start a new run instead"
            )
        text_vocab = CharVocab.from_text(text)
        if text_vocab != ckpt.vocab:
            extra = sorted(set(text_vocab.chars) - set(ckpt.vocab.chars))
            raise ValueError(
                f"checkpoint {path} was trained on a text with a {len(ckpt.vocab)}-character vocabulary, "
                f"this text has {len(text_vocab)} characters"
                + (f" (new: {''.join(extra)!r})" if extra else "")
                + ": resume with the text it was trained on, or start a new run"
            )
        trainer = cls(text, ckpt.config, vocab=ckpt.vocab, callbacks=callbacks, progress=progress)
        for name, value in ckpt.params.items():
            trainer.params[name][...] = value
        trainer.optimizer.load_state_dict(ckpt.memory)
        if ckpt.hprev is not None:
            if ckpt.hprev.shape != trainer.hprev.shape:
                raise ValueError(
                    f"checkpoint hidden state has shape {ckpt.hprev.shape}, expected {trainer.hprev.shape}"
                )
            trainer.hprev = ckpt.hprev.astype(np.dtype(trainer.config.dtype))
        trainer.history = ckpt.history
        s = ckpt.state
        trainer.step, trainer.position, trainer.seconds = s["step"], s["position"], s["seconds"]
        trainer.smooth_loss = s["smooth_loss"]
        trainer._interval_losses = list(s["interval_losses"])
        trainer.sample_rng.bit_generator.state = s["sample_rng"]
        for g, state in zip(trainer.dropout_rngs, s.get("dropout_rngs", [])):  # absent: saved before dropout existed
            g.bit_generator.state = state
        trainer.samples = [(int(a), str(b)) for a, b in s["samples"]]
        return trainer


def train(
    text: str, config: TrainConfig | None = None, steps: int | None = None, seconds: float | None = None, **kwargs
) -> Trainer:
    """Build a :class:`Trainer` on ``text`` and run it; returns the trainer (``.params``, ``.history``)."""
    return Trainer(text, config, **kwargs).run(steps=steps, seconds=seconds)

"""Training configuration: every hyperparameter of a run, in one dataclass that checkpoints store.

Each field carries its own rule (a key of :data:`RULES`, or a tuple of choices) and help text in its
``metadata``: :class:`TrainConfig` checks every value by them, and the CLI builds its ``train`` options
from them (``rnn_lib.cli``), so a setting is described and validated in one place.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

from .cells import CELL_NAMES

__all__ = ["DEFAULT_LEARNING_RATES", "RULES", "TrainConfig", "check_value"]

# Adam at 0.002, decaying over the run as the CLI does by default, gave 1.724-1.731 nats/char after
# 10,000 steps for 3 seeds x 2 numpy SIMD configurations (benchmarks/bench_recipe.py); Adagrad at
# its old default of 0.05 gave 1.87-2.05 over 3 seeds (it keeps the largest early gradients in its
# memory for good, so a run's early accidents slow it down to the end).
DEFAULT_LEARNING_RATES = {"adam": 0.002, "adagrad": 0.05}

# rule name: (the Python type of a valid value, the test it passes, what the test asks for)
RULES = {
    "positive_int": (int, lambda v: v >= 1, "must be at least 1"),
    "non_negative_int": (int, lambda v: v >= 0, "must be 0 or more"),
    "positive": (float, lambda v: 0 < v < math.inf, "must be a positive finite number"),
    "non_negative": (float, lambda v: 0 <= v < math.inf, "must be a finite number, 0 or more"),
    "finite": (float, math.isfinite, "must be a finite number"),
    "probability": (float, lambda v: 0 <= v < 1, "must be a probability, at least 0 and below 1"),
    "fraction": (float, lambda v: 0 <= v < 1, "must be a fraction, at least 0 and below 1"),
}


def check_value(value, rule):
    """``value`` if it obeys ``rule`` (a key of :data:`RULES`, or a tuple of the allowed values).

    Raises ``ValueError`` saying what a valid value is (without a name: the caller adds it).
    """
    if isinstance(rule, tuple):
        if value not in rule:
            raise ValueError(f"must be one of {', '.join(map(repr, rule))}, got {value!r}")
        return value
    kind, test, wanted = RULES[rule]
    # bool is an int to Python, never a count or a rate here
    if isinstance(value, bool) or not isinstance(value, int if kind is int else (int, float)):
        raise ValueError(f"must be {'an integer' if kind is int else 'a number'}, got {value!r}")
    if not test(value):
        raise ValueError(f"{wanted}, got {value!r}")
    return value


def _setting(default, rule, help_text, default_text=None, cli=True):
    """A field of :class:`TrainConfig`: ``rule`` as in :func:`check_value`; ``default_text`` says what a
    default of None means; ``cli=False`` keeps it out of the command line's options."""
    return field(default=default, metadata={"rule": rule, "help": help_text, "default_text": default_text, "cli": cli})


@dataclass
class TrainConfig:
    """Hyperparameters of a training run.

    The defaults are the CLI's, except that the CLI also decays the learning rate over each run
    (``lr_decay_steps``/``lr_decay_seconds`` set to its ``--steps``/``--seconds``); see the README for
    how they were chosen. ``TrainConfig.gist()`` gives the original gist's settings (Adagrad).
    Every field's help text is in its metadata (``dataclasses.fields(TrainConfig)``).
    """

    cell: str = _setting("rnn", tuple(CELL_NAMES), "the recurrent cell: rnn (the gist's vanilla RNN), lstm or gru")
    layers: int = _setting(1, "positive_int", "stacked layers, lstm and gru only")
    hidden_size: int = _setting(160, "positive_int", "units in the hidden state of each layer")
    seq_length: int = _setting(25, "positive_int", "time steps per truncated-BPTT chunk")
    batch_size: int = _setting(32, "positive_int", "parallel streams through the text")
    learning_rate: float | None = _setting(
        None,
        "positive",
        "the optimizer's step size (the peak of a decay)",
        default_text=", ".join(f"{v} for {k}" for k, v in DEFAULT_LEARNING_RATES.items()),
    )
    optimizer: str = _setting("adam", tuple(DEFAULT_LEARNING_RATES), "adam, or adagrad as in the gist")
    clip: float = _setting(
        5.0,
        "positive",
        "clip every gradient entry to [-clip, clip], as the gist does; the "
        "loss sums seq_length steps, so its gradients grow with seq_length",
    )
    lr_decay_steps: int = _setting(
        0,
        "non_negative_int",
        "decay the learning rate along half a cosine to "
        "min_learning_rate over this many steps, then keep it there; 0: constant",
    )
    lr_decay_seconds: float = _setting(
        0.0,
        "non_negative",
        "the same over this many seconds of training (for runs "
        "bounded by time); with both, the decay ends at whichever comes first",
    )
    min_learning_rate: float = _setting(0.0, "non_negative", "where the decay ends, at most the learning rate")
    dropout: float = _setting(
        0.0,
        "probability",
        "lstm, gru: probability of dropping each unit of a layer's output "
        "on its way up while training, not the recurrent state",
    )
    threads: int = _setting(
        1,
        "positive_int",
        "cores to use, at most batch_size: the streams are split into this many groups computed at the same time",
    )
    init_scale: float | None = _setting(
        None, "positive", "scale of the initial weights", default_text="the cell's (RNN: 0.01)", cli=False
    )
    forget_bias: float | None = _setting(
        None,
        "finite",
        "lstm: initial forget-gate biases; 0 learned faster on tiny Shakespeare",
        default_text="the LSTM's, 1",
    )
    dtype: str = _setting("float32", ("float32", "float64"), "float64 for bit-for-bit comparisons with the plain loop")
    seed: int = _setting(0, "non_negative_int", "seed of the initial weights, the samples and the dropout masks")
    val_fraction: float = _setting(0.1, "fraction", "the last part of the text held out for validation", cli=False)
    eval_every: int = _setting(500, "non_negative_int", "steps between validation passes; 0: at the end only")
    eval_chars: int = _setting(
        20_000, "non_negative_int", "held-out characters each periodic validation pass reads; 0: all"
    )
    sample_every: int = _setting(1000, "non_negative_int", "steps between samples; 0: never")
    sample_length: int = _setting(200, "non_negative_int", "characters per sample")
    log_every: int = _setting(10, "positive_int", "steps averaged into one history point", cli=False)

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.metadata["default_text"] is not None:
                continue  # None: the default that default_text describes
            try:
                check_value(value, f.metadata["rule"])
            except ValueError as exc:
                raise ValueError(f"{f.name} {exc}") from None
        if self.learning_rate is None:
            self.learning_rate = DEFAULT_LEARNING_RATES[self.optimizer]
        if self.layers != 1 and self.cell == "rnn":
            raise ValueError(f"the vanilla RNN has one layer (layers={self.layers}); use cell='lstm' or 'gru'")
        if self.threads > self.batch_size:
            raise ValueError(
                f"threads ({self.threads}) must not exceed batch_size ({self.batch_size}): each "
                f"thread computes a group of the streams"
            )
        if self.min_learning_rate > self.learning_rate:
            raise ValueError(
                f"min_learning_rate must be between 0 and learning_rate ({self.learning_rate}), "
                f"got {self.min_learning_rate!r}"
            )
        if self.dropout and self.cell == "rnn":
            raise ValueError(
                "dropout is implemented for cell='lstm' and 'gru' (between layers and before the "
                "output layer); the gist's one-layer vanilla RNN trains without it"
            )
        if self.forget_bias is not None and self.cell != "lstm":
            raise ValueError(f"forget_bias is a setting of cell='lstm', not {self.cell!r}")

    @classmethod
    def gist(cls, **overrides) -> TrainConfig:
        """The original min-char-rnn settings: 100 hidden units, one stream, float64."""
        return cls(
            **{
                "hidden_size": 100,
                "seq_length": 25,
                "batch_size": 1,
                "optimizer": "adagrad",
                "learning_rate": 0.1,
                "dtype": "float64",
                **overrides,
            }
        )

    def decay_progress(self, step: int, seconds: float = 0.0) -> float | None:
        """How far the learning-rate decay has gone, from 0 to 1, after ``step`` updates and ``seconds``
        of training (the further of the two, when both are set); None without a decay."""
        parts = [step / self.lr_decay_steps] if self.lr_decay_steps else []
        parts += [seconds / self.lr_decay_seconds] if self.lr_decay_seconds else []
        return min(1.0, max(parts)) if parts else None

    def learning_rate_at(self, step: int, seconds: float = 0.0) -> float:
        """The rate of update number ``step + 1`` (``step`` updates and ``seconds`` of training done).

        With ``lr_decay_steps = N`` it falls from ``learning_rate`` to ``min_learning_rate`` along
        half a cosine over the first N updates, then stays there: large steps while the loss falls
        fast, small ones at the end to settle into a minimum instead of rattling around it. With
        ``lr_decay_seconds = S`` it does the same over S seconds of training (not reproducible step
        for step: how many steps fit in S seconds depends on the machine).
        """
        progress = self.decay_progress(step, seconds)
        if progress is None:
            return float(self.learning_rate)
        if progress == 1:
            return float(self.min_learning_rate)
        lo, hi = self.min_learning_rate, self.learning_rate
        return float(hi - (hi - lo) * 0.5 * (1 - math.cos(math.pi * progress)))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown configuration fields {sorted(unknown)}")
        return cls(**d)

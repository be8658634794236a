"""Training configuration: every hyperparameter of a run, in one dataclass that checkpoints store."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

__all__ = ["DEFAULT_LEARNING_RATES", "TrainConfig"]

# Adam at 0.002, decaying over the run as the CLI does by default, gave 1.724-1.731 nats/char after
# 10,000 steps for 3 seeds x 2 numpy SIMD configurations (benchmarks/bench_recipe.py); Adagrad at
# its old default of 0.05 gave 1.87-2.05 over 3 seeds (it keeps the largest early gradients in its
# memory for good, so a run's early accidents slow it down to the end).
DEFAULT_LEARNING_RATES = {"adam": 0.002, "adagrad": 0.05}


@dataclass
class TrainConfig:
    """Hyperparameters of a training run.

    The defaults are the CLI's, except that the CLI also decays the learning rate over each run
    (``lr_decay_steps``/``lr_decay_seconds`` set to its ``--steps``/``--seconds``); see the README for
    how they were chosen. ``TrainConfig.gist()`` gives the original gist's settings (Adagrad).
    """

    cell: str = "rnn"            # "rnn" (the gist's), "lstm" or "gru"
    layers: int = 1              # stacked layers (lstm and gru only)
    hidden_size: int = 160
    seq_length: int = 25
    batch_size: int = 32
    learning_rate: float | None = None  # None: the optimizer's default, DEFAULT_LEARNING_RATES
    optimizer: str = "adam"      # "adam" or "adagrad" (the gist's)
    clip: float = 5.0            # elementwise gradient clipping, as in the gist
    lr_decay_steps: int = 0      # 0: constant rate; N: cosine decay to min_learning_rate over N steps
    lr_decay_seconds: float = 0.0  # the same over S seconds of training (for runs bounded by time)
    min_learning_rate: float = 0.0
    dropout: float = 0.0         # lstm and gru: drop layer outputs (not the recurrence) while training
    threads: int = 1             # split the streams over this many cores (set OPENBLAS_NUM_THREADS=1)
    init_scale: float | None = None  # scale of the initial weights; None: the cell's default (RNN: 0.01)
    forget_bias: float | None = None  # lstm: initial forget-gate biases; None: the cell's default (1)
    dtype: str = "float32"       # "float64" for bit-for-bit comparisons with the plain loop
    seed: int = 0
    val_fraction: float = 0.1    # the last 10% of the text is held out for validation
    eval_every: int = 500        # steps between validation passes (0: only at the end)
    eval_chars: int = 20_000     # validation characters used by the periodic passes (0: all)
    sample_every: int = 1000     # steps between samples (0: never)
    sample_length: int = 200
    log_every: int = 10          # steps averaged into one history point

    def __post_init__(self):
        from .cells import CELL_NAMES
        if self.cell not in CELL_NAMES:
            raise ValueError(f"cell must be one of {', '.join(CELL_NAMES)}, got {self.cell!r}")
        if self.optimizer not in DEFAULT_LEARNING_RATES:
            raise ValueError(f"optimizer must be 'adam' or 'adagrad', got {self.optimizer!r}")
        if self.learning_rate is None:
            self.learning_rate = DEFAULT_LEARNING_RATES[self.optimizer]
        positive_ints = ("hidden_size", "seq_length", "batch_size", "layers", "threads")
        non_negative_ints = ("seed", "eval_every", "eval_chars", "sample_every", "sample_length", "lr_decay_steps")
        for f in positive_ints + non_negative_ints + ("log_every",):
            v = getattr(self, f)
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"{f} must be an integer, got {v!r}")
        for f in positive_ints + ("log_every",):
            if getattr(self, f) < 1:
                raise ValueError(f"{f} must be at least 1, got {getattr(self, f)}")
        for f in non_negative_ints:
            if getattr(self, f) < 0:
                raise ValueError(f"{f} must be 0 or more, got {getattr(self, f)}")
        if self.layers != 1 and self.cell == "rnn":
            raise ValueError(f"the vanilla RNN has one layer (layers={self.layers}); use cell='lstm' or 'gru'")
        for f in ("learning_rate", "clip") + (("init_scale",) if self.init_scale is not None else ()):
            v = getattr(self, f)
            if not isinstance(v, (int, float)) or not v > 0 or v != v or v == float("inf"):
                raise ValueError(f"{f} must be a positive finite number, got {v!r}")
        if self.threads > self.batch_size:
            raise ValueError(f"threads ({self.threads}) must not exceed batch_size ({self.batch_size}): each "
                             f"thread computes a group of the streams")
        v = self.lr_decay_seconds
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < float("inf"):
            raise ValueError(f"lr_decay_seconds must be a finite number, 0 or more, got {v!r}")
        v = self.min_learning_rate
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= self.learning_rate:
            raise ValueError(f"min_learning_rate must be between 0 and learning_rate ({self.learning_rate}), got {v!r}")
        v = self.dropout
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 1:
            raise ValueError(f"dropout must be a probability in [0, 1), got {v!r}")
        if v and self.cell == "rnn":
            raise ValueError("dropout is implemented for cell='lstm' and 'gru' (between layers and before the "
                             "output layer); the gist's one-layer vanilla RNN trains without it")
        if self.forget_bias is not None:
            v = self.forget_bias
            if self.cell != "lstm":
                raise ValueError(f"forget_bias is a setting of cell='lstm', not {self.cell!r}")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"forget_bias must be a finite number, got {v!r}")
        if not 0 <= self.val_fraction < 1:
            raise ValueError(f"val_fraction must be in [0, 1), got {self.val_fraction!r}")
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")

    @classmethod
    def gist(cls, **overrides) -> "TrainConfig":
        """The original min-char-rnn settings: 100 hidden units, one stream, float64."""
        return cls(**{"hidden_size": 100, "seq_length": 25, "batch_size": 1, "optimizer": "adagrad",
                      "learning_rate": 0.1, "dtype": "float64", **overrides})

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
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown configuration fields {sorted(unknown)}")
        return cls(**d)

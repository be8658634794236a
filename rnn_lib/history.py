"""The loss history of a training run: what a loss plot needs, stored in checkpoints as float64 arrays."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["LN2", "History"]

LN2 = math.log(2)  # nats per bit: a loss in nats/char over LN2 is in bits/char


@dataclass
class History:
    """Everything a loss plot needs. Training points average ``log_every`` steps."""

    step: list = field(default_factory=list)  # step number at the end of each interval
    seconds: list = field(default_factory=list)  # training wall time so far
    train_nats: list = field(default_factory=list)  # mean training nats/char over the interval
    smooth_loss: list = field(default_factory=list)  # the gist's smoothed per-sequence loss
    val_step: list = field(default_factory=list)
    val_seconds: list = field(default_factory=list)
    val_nats: list = field(default_factory=list)

    @property
    def train_bits(self) -> list:
        return [x / LN2 for x in self.train_nats]

    @property
    def val_bits(self) -> list:
        return [x / LN2 for x in self.val_nats]

    def to_arrays(self) -> dict:
        return {k: np.asarray(v, dtype=np.float64) for k, v in asdict(self).items()}

    @classmethod
    def from_arrays(cls, arrays: dict) -> History:
        out = cls()
        for k in asdict(out):
            values = np.asarray(arrays[k]).tolist()
            getattr(out, k).extend(int(v) for v in values) if k in ("step", "val_step") else getattr(out, k).extend(
                values
            )
        return out

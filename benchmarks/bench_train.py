"""Training speed of rnn_lib against the plain per-step loop, and the loss 60 s of training reach.

Run from the repository root, with one BLAS thread (the script sets it if you did not)::

    python benchmarks/bench_train.py            # about 2.5 minutes
    python benchmarks/bench_train.py --quick    # speed only, about 30 s

All figures are measured in this run, on the bundled tiny Shakespeare, with H=100 and T=25:

1. the baseline: the gist's loop (one-hot vectors, one softmax per step, Adagrad per array),
   via rnn_lib.references, at B=1 in float64;
2. rnn_lib's Trainer at B=1 in float64 from the same initial parameters on the same characters,
   and a check that it computes the same numbers as the plain loop (largest differences printed);
3. rnn_lib at B=32 in float32;
4. (unless --quick) the CLI's default recipe (TrainConfig(), the learning rate decaying over the
   run) trained for 60 s, then evaluated on the whole validation split.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after pinning the BLAS threads)

import rnn_lib  # noqa: E402
from rnn_lib import TrainConfig, Trainer, loss_and_grads_reference  # noqa: E402

H, T = 100, 25


def plain_loop(params: dict, data: np.ndarray, seconds: float) -> float:
    """The gist's training loop on ``data`` (ids, shape (N,)) for ``seconds``; returns chars/s."""
    params = {k: v.copy() for k, v in params.items()}  # separate arrays, as in the gist
    mem = {k: np.zeros_like(v) for k, v in params.items()}
    hprev = np.zeros((H, 1))
    p = steps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if p + T + 1 > len(data):
            p, hprev = 0, np.zeros((H, 1))
        loss, grads, hprev = loss_and_grads_reference(params, data[p : p + T], data[p + 1 : p + T + 1], hprev)
        for k in params:
            mem[k] += grads[k] * grads[k]
            params[k] += -0.1 * grads[k] / np.sqrt(mem[k] + 1e-8)
        p += T
        steps += 1
    return steps * T / (time.perf_counter() - start)


def library_speed(text: str, config: TrainConfig, seconds: float) -> float:
    """chars/s of rnn_lib's Trainer (no validation, no samples) over ``seconds``."""
    trainer = Trainer(text, config, progress=False)
    start = time.perf_counter()
    trainer.run(seconds=seconds)
    return trainer.step * config.seq_length * config.batch_size / (time.perf_counter() - start)


def same_numbers(text: str, config: TrainConfig, steps: int):
    """Largest relative differences between rnn_lib's and the plain loop's loss and gradients.

    Both are evaluated on the same parameters, hidden state and characters at every step of an
    rnn_lib training run. (Comparing two whole training runs instead would not work: in the first
    steps at learning rate 0.1, Adagrad's sign-like updates amplify rounding-level differences
    about 30-fold per step, so two mathematically identical loops drift apart after ~10 steps.)
    """
    trainer = Trainer(text, config, progress=False)
    worst_loss = worst_grad = 0.0
    T = config.seq_length
    for _ in range(steps):
        if trainer.position + T + 1 > trainer._grid.shape[0]:
            break
        p = trainer.position
        inputs, targets = trainer._grid[p : p + T, 0], trainer._grid[p + 1 : p + T + 1, 0]
        loss, grads, _ = rnn_lib.loss_and_grads(trainer.params, inputs, targets, trainer.hprev)
        ref_loss, ref_grads, _ = loss_and_grads_reference(trainer.params, inputs, targets, trainer.hprev)
        worst_loss = max(worst_loss, abs(loss - ref_loss) / abs(ref_loss))
        worst_grad = max(worst_grad, max(float(np.abs(grads[k] - ref_grads[k]).max()) for k in grads))
        trainer.train_step()
    return worst_loss, worst_grad, trainer.step


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 60-second training run")
    ap.add_argument("--seconds", type=float, default=8.0, help="seconds per speed measurement")
    args = ap.parse_args()
    text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
    print(
        f"numpy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
        f"{os.cpu_count()} CPUs; H={H}, T={T}, {args.seconds:g} s per measurement"
    )

    quiet = dict(eval_every=0, sample_every=0)
    gist_cfg = TrainConfig.gist(hidden_size=H, seq_length=T, **quiet)
    # the same initial parameters and training characters for both B=1 runs
    probe = Trainer(text, gist_cfg, progress=False)
    init = {k: v.copy() for k, v in probe.params.items()}
    data = probe.train_ids

    base_speed = plain_loop(init, data, args.seconds)
    lib1_speed = library_speed(text, gist_cfg, args.seconds)
    loss_diff, grad_diff, n_checked = same_numbers(text, gist_cfg, steps=200)

    fast_cfg = TrainConfig(hidden_size=H, seq_length=T, batch_size=32, dtype="float32", **quiet)
    lib32_speed = library_speed(text, fast_cfg, args.seconds)

    print()
    print(f"{'run':<44}{'chars/s':>10}{'vs plain':>10}")
    print(f"{'plain per-step loop (gist), B=1 float64':<44}{base_speed:>10,.0f}{1:>9.2f}x")
    print(
        f"{'rnn_lib, B=1 float64 (same numbers)':<44}{lib1_speed:>10,.0f}{lib1_speed / base_speed:>9.2f}x"
        f"   target >= 3x"
    )
    print(f"{'rnn_lib, B=32 float32':<44}{lib32_speed:>10,.0f}{lib32_speed / base_speed:>9.2f}x   target >= 25x")
    print(
        f"same numbers at B=1: over {n_checked} training steps, rnn_lib and the plain loop computed from "
        f"the same state differ by at most {loss_diff:.1e} (relative) in the loss and {grad_diff:.1e} "
        f"(absolute) in any gradient entry"
    )

    if not args.quick:
        # what `python -m rnn_lib train --seconds 60` does: the defaults, the rate decaying over the 60 s
        cfg = TrainConfig(lr_decay_seconds=60.0, **quiet)
        trainer = Trainer(text, cfg, progress=False)
        trainer.run(seconds=60)
        nats = trainer.validate(max_chars=0)
        print(
            f"\nCLI defaults (hidden_size {cfg.hidden_size}, batch {cfg.batch_size}, {cfg.optimizer} at "
            f"{cfg.learning_rate} decaying over the run, {cfg.dtype}) after 60 s = {trainer.step} steps: "
            f"validation {nats:.3f} nats/char ({nats / np.log(2):.3f} bits/char) on {len(trainer.val_ids):,} "
            f"held-out characters   goal <= 1.90\n(one seed; its spread over seeds and CPU kernels: "
            f"python benchmarks/bench_recipe.py --seconds 60)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

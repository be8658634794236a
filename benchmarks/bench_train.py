"""Training speed of rnn_lib against the plain per-step loop, and the loss 60 s of training reach.

Run from the repository root, with one BLAS thread (the script sets it if you did not)::

    python benchmarks/bench_train.py            # about 2.5 minutes
    python benchmarks/bench_train.py --quick    # speed only, about 30 s

All figures are measured in this run, on the bundled tiny Shakespeare, with H=100 and T=25:

1. the baseline: the gist's loop (one-hot vectors, one softmax per step, Adagrad per array),
   via rnn_lib.reference, at B=1 in float64;
2. rnn_lib's Trainer at B=1 in float64 from the same initial parameters on the same characters:
   it must produce the same numbers (the largest loss and parameter differences are printed);
3. rnn_lib at B=32 in float32;
4. (unless --quick) the CLI defaults (TrainConfig()) trained for 60 s, then evaluated on the whole
   validation split.
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


def plain_loop(params: dict, data: np.ndarray, seconds: float, max_steps: int | None = None):
    """The gist's training loop on ``data`` (ids, shape (N,)); returns (losses, params, chars/s)."""
    params = {k: v.copy() for k, v in params.items()}  # separate arrays, as in the gist
    mem = {k: np.zeros_like(v) for k, v in params.items()}
    hprev = np.zeros((H, 1))
    p, losses = 0, []
    start = time.perf_counter()
    while (time.perf_counter() - start < seconds) and (max_steps is None or len(losses) < max_steps):
        if p + T + 1 > len(data):
            p, hprev = 0, np.zeros((H, 1))
        loss, grads, hprev = loss_and_grads_reference(params, data[p:p + T], data[p + 1:p + T + 1], hprev)
        for k in params:
            mem[k] += grads[k] * grads[k]
            params[k] += -0.1 * grads[k] / np.sqrt(mem[k] + 1e-8)
        losses.append(loss)
        p += T
    elapsed = time.perf_counter() - start
    return np.array(losses), params, len(losses) * T / elapsed


def library_run(text: str, config: TrainConfig, seconds: float | None = None, steps: int | None = None):
    trainer = Trainer(text, config, progress=False)
    losses = []
    run_step = trainer.train_step
    trainer.train_step = lambda: losses.append(run_step()) or losses[-1]  # record every step's loss
    start = time.perf_counter()
    trainer.run(steps=steps, seconds=seconds)
    elapsed = time.perf_counter() - start
    chars = trainer.step * config.seq_length * config.batch_size
    return trainer, np.array(losses) * config.seq_length, chars / elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 60-second training run")
    ap.add_argument("--seconds", type=float, default=8.0, help="seconds per speed measurement")
    args = ap.parse_args()
    text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
    print(f"numpy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"{os.cpu_count()} CPUs; H={H}, T={T}, {args.seconds:g} s per measurement")

    quiet = dict(eval_every=0, sample_every=0)
    gist_cfg = TrainConfig.gist(hidden_size=H, seq_length=T, **quiet)
    # the same initial parameters and training characters for both B=1 runs
    probe = Trainer(text, gist_cfg, progress=False)
    init = {k: v.copy() for k, v in probe.params.items()}
    data = probe.train_ids

    base_losses, base_params, base_speed = plain_loop(init, data, args.seconds)
    lib1, lib1_losses, lib1_speed = library_run(text, gist_cfg, seconds=args.seconds)
    # identical numbers: replay the baseline for exactly as many steps as the library made, or v.v.
    n = min(len(base_losses), len(lib1_losses))
    if len(base_losses) != n:
        base_losses, base_params, _ = plain_loop(init, data, float("inf"), max_steps=n)
    if len(lib1_losses) != n:
        lib1, lib1_losses, _ = library_run(text, gist_cfg, steps=n)
    loss_diff = np.abs(base_losses - lib1_losses[:n]).max()
    param_diff = max(np.abs(base_params[k] - lib1.params[k]).max() for k in init)

    fast_cfg = TrainConfig(hidden_size=H, seq_length=T, batch_size=32, dtype="float32", **quiet)
    _, _, lib32_speed = library_run(text, fast_cfg, seconds=args.seconds)

    print()
    print(f"{'run':<44}{'chars/s':>10}{'vs plain':>10}")
    print(f"{'plain per-step loop (gist), B=1 float64':<44}{base_speed:>10,.0f}{1:>9.2f}x")
    print(f"{'rnn_lib, B=1 float64 (same numbers)':<44}{lib1_speed:>10,.0f}{lib1_speed / base_speed:>9.2f}x"
          f"   target >= 3x")
    print(f"{'rnn_lib, B=32 float32':<44}{lib32_speed:>10,.0f}{lib32_speed / base_speed:>9.2f}x"
          f"   target >= 25x")
    print(f"same numbers at B=1 over {n} steps: max |loss difference| {loss_diff:.1e}, "
          f"max |parameter difference| {param_diff:.1e}")

    if not args.quick:
        cfg = TrainConfig(**quiet)
        trainer = Trainer(text, cfg, progress=False)
        trainer.run(seconds=60)
        nats = trainer.validate(max_chars=0)
        print(f"\nCLI defaults (hidden_size {cfg.hidden_size}, batch {cfg.batch_size}, learning rate "
              f"{cfg.learning_rate}, {cfg.dtype}) after 60 s = {trainer.step} steps: validation "
              f"{nats:.3f} nats/char ({nats / np.log(2):.3f} bits/char) on {len(trainer.val_ids):,} "
              f"held-out characters   goal <= 1.90")
    return 0


if __name__ == "__main__":
    sys.exit(main())

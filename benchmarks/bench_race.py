"""The race of checkpoints/README.md: a GRU trained for 3 minutes against the tuned 7-gram, over seeds.

Run from the repository root (one BLAS thread per training thread; the script sets it)::

    python benchmarks/bench_race.py                   # seeds 0 1 2, 180 s each: about 10 minutes
    python benchmarks/bench_race.py --seeds 0 1 2 3 4 --learning-rate 0.005

Each run is what ``python -m rnn_lib train --cell gru --layers 2 --hidden-size 256 --batch-size 64
--seq-length 50 --optimizer adam --learning-rate 0.006 --min-learning-rate 0.00001 --threads 2
--seconds 180 --eval-every 100 --eval-chars 0 --sample-every 0 --seed S`` does (the learning rate
decays over the run's seconds, as the CLI's ``--lr-decay-seconds`` defaults to ``--seconds``), through
:class:`rnn_lib.Trainer`, as a notebook cell would. The clock of ``run(seconds=...)`` counts
everything inside the run, the periodic validation passes included; the final pass on the whole
held-out split, after the run, does not count.

For each seed it prints the steps done, the first periodic validation below the 7-gram's 1.5221
nats/char (step and seconds of training when it was measured) and the final validation, then the
CPU and the load average, as other jobs on the machine slow the run down.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from rnn_lib import TrainConfig, Trainer, data_path, evaluate, load_text  # noqa: E402  (after pinning BLAS)

NGRAM_NATS = 1.5221  # the tuned 7-gram of notebook 11 on the trainer's held-out last 10% (order 7, D = 0.95)


def race_config(args, seed: int) -> TrainConfig:
    """The recipe, as a notebook cell builds it (``lr_decay_seconds`` is what the CLI sets from ``--seconds``)."""
    return TrainConfig(
        cell=args.cell,
        layers=args.layers,
        hidden_size=args.hidden_size,
        batch_size=args.batch_size,
        seq_length=args.seq_length,
        optimizer="adam",
        learning_rate=args.learning_rate,
        min_learning_rate=args.min_learning_rate,
        lr_decay_seconds=args.lr_decay_seconds or args.seconds,
        threads=args.threads,
        eval_every=args.eval_every,
        eval_chars=0,
        sample_every=0,
        seed=seed,
    )


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        return f"{names[0]} x {len(names)}"
    except (OSError, IndexError):
        return "unknown CPU"


def race(text: str, args, seed: int) -> dict:
    crossing = []

    def on_event(trainer, event):
        if event == "eval" and not crossing and trainer.history.val_nats[-1] < NGRAM_NATS:
            crossing.append((trainer.step, trainer.history.val_seconds[-1], trainer.history.val_nats[-1]))

    load_before = load()
    trainer = Trainer(text, race_config(args, seed), callbacks=[on_event], progress=False)
    trainer.run(seconds=args.seconds)
    final = evaluate(trainer.params, trainer.val_ids, model=trainer.model)
    h = trainer.history
    return {
        "seed": seed,
        "steps": trainer.step,
        "seconds": trainer.seconds,
        "crossing": crossing[0] if crossing else None,
        "last_periodic": (h.val_step[-1], h.val_seconds[-1], h.val_nats[-1]) if h.val_nats else None,
        "final": final,
        "load": f"{load_before} -> {load()}",
        "curve": list(zip(h.val_step, h.val_seconds, h.val_nats)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--cell", default="gru", choices=["gru", "lstm"])
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden-size", type=int, default=256)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--seq-length", type=int, default=50)
    ap.add_argument("--learning-rate", type=float, default=0.006)
    ap.add_argument("--min-learning-rate", type=float, default=0.00001)
    ap.add_argument("--lr-decay-seconds", type=float, default=0.0, help="default: --seconds")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--curve", action="store_true", help="also print every periodic validation")
    args = ap.parse_args()
    text = load_text(data_path("tinyshakespeare.txt"))
    print(
        f"{args.cell} {args.layers}x{args.hidden_size}, batch {args.batch_size}, seq_length {args.seq_length}, "
        f"Adam {args.learning_rate} -> {args.min_learning_rate} over {args.lr_decay_seconds or args.seconds:g} of "
        f"{args.seconds:g} s, {args.threads} threads, "
        f"validation on the whole held-out split every {args.eval_every} steps; goal {NGRAM_NATS} nats/char",
        flush=True,
    )
    print(f"CPU: {cpu_name()}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}", flush=True)
    results = []
    for seed in args.seeds:
        start = time.perf_counter()
        r = race(text, args, seed)
        results.append(r)
        cross = (
            f"step {r['crossing'][0]:,}, {r['crossing'][1]:.0f} s ({r['crossing'][2]:.4f})"
            if r["crossing"]
            else f"not reached (last {r['last_periodic'][2]:.4f} at {r['last_periodic'][1]:.0f} s)"
        )
        print(
            f"seed {seed}: {r['steps']:,} steps in {r['seconds']:.0f} s; first validation below {NGRAM_NATS}: "
            f"{cross}; final validation {r['final']:.4f}; load average {r['load']} "
            f"({time.perf_counter() - start:.0f} s with the final pass)",
            flush=True,
        )
        if args.curve:
            print("    " + "  ".join(f"{step}:{sec:.0f}s:{nats:.4f}" for step, sec, nats in r["curve"]), flush=True)
    times = [r["crossing"][1] for r in results if r["crossing"]]
    print(
        f"crossed in {len(times)} of {len(results)} runs"
        + (f"; latest crossing {max(times):.0f} s, earliest {min(times):.0f} s" if times else "")
    )


if __name__ == "__main__":
    main()

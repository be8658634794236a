"""Speed of the Kneser-Ney n-gram model on tiny Shakespeare: counting, scoring, sampling.

Run from the repository root, with one BLAS thread (the script sets it if you did not)::

    python benchmarks/bench_ngram.py              # orders 1-8, about 10 s
    python benchmarks/bench_ngram.py --orders 10  # orders 1-10

For each order it prints the time to fit on the training split (first 90%), to score the
validation split (last 10%, 111,539 characters), the validation loss, and the size of the tables;
then the time to sample 1,000 characters from the highest order. Each time is the best of
``--repeat`` runs, so a busy machine disturbs it less.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after pinning the BLAS threads)

import rnn_lib  # noqa: E402
from rnn_lib.ngram import NGramModel  # noqa: E402


def best_time(fn, repeat: int):
    """(smallest wall time in seconds over ``repeat`` calls, result of the last call)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orders", type=int, default=8, help="highest order to time (default 8)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    args = ap.parse_args(argv)

    text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
    vocab = rnn_lib.CharVocab.from_text(text)
    train_ids, val_ids = rnn_lib.split_ids(vocab.encode(text), 0.1, 25)
    print(f"tiny Shakespeare: V = {len(vocab)}, {len(train_ids):,} training and {len(val_ids):,} validation characters")
    print(f"{'order':>5} {'fit s':>7} {'score s':>8} {'val nats':>9} {'contexts':>9} {'stored':>10}")
    model = None
    for order in range(1, args.orders + 1):
        t_fit, model = best_time(lambda order=order: NGramModel.fit(train_ids, order, len(vocab)), args.repeat)
        t_val, loss = best_time(lambda model=model: model.log_loss(val_ids), args.repeat)
        print(f"{order:5d} {t_fit:7.3f} {t_val:8.3f} {loss:9.4f} {model.n_contexts:9,} {model.n_counts:10,}")
    t_sample, _ = best_time(lambda: model.sample(1000, np.random.default_rng(0)), args.repeat)
    print(f"sampling 1,000 characters from order {args.orders}: {t_sample:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

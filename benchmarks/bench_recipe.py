"""How much the README's main command varies: seeds x numerical configurations (CPU kernels).

A training run amplifies the last-bit differences between CPUs (numpy's SIMD paths, BLAS kernels)
into different losses, and a different seed starts it elsewhere. A number the README promises must
hold across both. This script runs the CLI's default recipe several times and prints every result
and their spread:

    python benchmarks/bench_recipe.py                      # 10,000 steps, 3 seeds x 2 configurations
    python benchmarks/bench_recipe.py --seconds 60         # the 60-second budget instead
    python benchmarks/bench_recipe.py --jobs 2             # two runs at a time (on 2 idle cores)

The two configurations are this machine's default and numpy without its optional SIMD paths
(``NPY_DISABLE_CPU_FEATURES``, as in tests/test_portability.py). To add another BLAS kernel, pass
``--extra-env OPENBLAS_CORETYPE=Sandybridge`` (OpenBLAS only; ``OPENBLAS_CORETYPE`` set to an empty
string means "detect the CPU").

Each run is ``python -m rnn_lib train --steps 10000 --seed S`` (or ``--seconds``) with nothing else
changed, from a fresh process; only the checkpoint goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_portability import second_configuration  # noqa: E402  (one definition of the configuration)

RESULT = re.compile(r"validation loss: (?P<nats>[\d.]+) nats/char .* after (?P<steps>\d+) steps \((?P<sec>[\d.]+) s")


def run(args, seed: int, name: str, env: dict, folder: Path) -> dict:
    budget = ["--seconds", str(args.seconds)] if args.seconds else ["--steps", str(args.steps)]
    cmd = [
        sys.executable,
        "-m",
        "rnn_lib",
        "train",
        *budget,
        "--seed",
        str(seed),
        "--no-progress",
        "--sample-every",
        "0",
        "--checkpoint",
        str(folder / f"{name}-{seed}.npz"),
    ]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    m = RESULT.search(out.stdout)
    if out.returncode != 0 or not m:
        raise SystemExit(f"run failed ({' '.join(cmd)}):\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return {
        "config": name,
        "seed": seed,
        "nats": float(m["nats"]),
        "steps": int(m["steps"]),
        "seconds": float(m["sec"]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=10_000)
    ap.add_argument("--seconds", type=float, default=None, help="a time budget instead of --steps")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--jobs", type=int, default=1, help="runs at a time (timed budgets want 1)")
    ap.add_argument(
        "--extra-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a third configuration: the default environment plus these variables",
    )
    args = ap.parse_args()

    configs = {"default": dict(os.environ), "numpy-baseline": second_configuration()}
    if args.extra_env:
        extra = dict(os.environ)
        for item in args.extra_env:
            k, _, v = item.partition("=")
            if v:
                extra[k] = v
            else:
                extra.pop(k, None)
        configs[" ".join(args.extra_env)] = extra
    from rnn_lib.blas import blas_info  # noqa: E402

    print(f"BLAS: {blas_info()}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    budget = f"{args.seconds:g} s" if args.seconds else f"{args.steps:,} steps"
    print(f"python -m rnn_lib train ({budget}), seeds {args.seeds}, configurations: {', '.join(configs)}\n")
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        jobs = [pool.submit(run, args, s, name, env, Path(tmp)) for name, env in configs.items() for s in args.seeds]
        results = [j.result() for j in jobs]
    print(f"{'configuration':<24}{'seed':>5}{'steps':>8}{'seconds':>9}{'validation nats/char':>22}")
    for r in results:
        print(f"{r['config']:<24}{r['seed']:>5}{r['steps']:>8}{r['seconds']:>9.1f}{r['nats']:>22.4f}")
    values = [r["nats"] for r in results]
    mean = sum(values) / len(values)
    print(
        f"\n{len(values)} runs: mean {mean:.4f}, min {min(values):.4f}, max {max(values):.4f}, "
        f"spread (max - min) {max(values) - min(values):.4f} nats/char   goal: spread <= 0.03, max <= 1.90"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

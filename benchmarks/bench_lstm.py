"""Training speed of the numpy LSTM and GRU beside PyTorch and the vanilla RNN; learning curves.

Run from the repository root, with one BLAS thread (the script sets it if you did not)::

    python benchmarks/bench_lstm.py --torch-python /path/to/venv/bin/python
                                                    # speed table against PyTorch, about 6 minutes
    python benchmarks/bench_lstm.py --profile       # milliseconds per stage of a training step
    python benchmarks/bench_lstm.py --curve checkpoints/shakespeare_lstm_2x256.npz
                                                    # the learning curve a CLI run saved
    python benchmarks/bench_lstm.py --threads-table  # the 2x256 recipe on 1 and 2 threads
    python benchmarks/bench_lstm.py --forget-bias-probe
                                                    # 500 steps from forget-gate biases 1 and 0 (~10 min)
    python benchmarks/bench_lstm.py --probe 90 --optimizer adam --learning-rate 2e-3
                                                    # 90 s of LSTM training, then validation nats/char

Speed table: the LSTM (one and two layers of 256), the GRU (256) and the vanilla RNN (256 and 100) train on
tiny Shakespeare with a plain loop of their own (no Trainer): ``loss_and_grads`` on B=32 streams of
T=50 characters in float32, then an optimiser step (Adam for the LSTM and GRU, Adagrad for the
RNN), the state carried from chunk to chunk; chars/s counts the characters that went through
forward, backward and update per second of wall-clock time. Beside each, PyTorch's CPU
``nn.LSTM``/``nn.GRU``/``nn.RNN`` trained the same way (one-hot input, a linear output layer, the
same optimiser, element-wise clipping and carried state), when a Python that can import torch is
given (``--torch-python``; PyTorch is not a dependency of the project: install it in another
environment with ``pip install torch numpy threadpoolctl tqdm`` and ``pip install -e . --no-deps``).
Each library runs in a worker process of its own, on one thread, and the two take turns model by
model for ``--rounds`` rounds of ``--seconds`` each, so that a burst of load on a shared machine hits
both; the table shows the medians and the ratio of every round. It is measured once per CPU-feature
setting (``--isa``): ``avx512``, everything the CPU has (OpenBLAS's own choice of kernel, numpy's
and PyTorch's AVX-512 loops), and ``avx2``, a CPU without AVX-512 (OpenBLAS's Haswell kernels,
``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"``, ``ONEDNN_MAX_CPU_ISA=AVX2`` and
``ATEN_CPU_CAPABILITY=avx2`` for PyTorch); ``as-is`` keeps this shell's environment.

Profile: the time of each stage of one training step of the LSTM and GRU (B=32, T=50, float32,
one thread): the recurrent products forward and backward, the input parts, the element-wise gate
maths, the output layer, the weight gradients, clipping, Adam (see :func:`stage_profile`).

Curve: validation nats/char against the wall time of training, read from a checkpoint's history
(the CLI records a validation pass every ``--eval-every`` steps; with ``--eval-chars 0`` each pass
reads the whole held-out split), and the first point below the tuned 7-gram's 1.5221 (notebook 11's
Kneser-Ney 7-gram, its discount chosen on a development split, scored on the same held-out split).

Probe: trains the LSTM for ``--probe`` seconds, then reports the cross-entropy in nats/char on the
whole held-out split (the last 10% of the text), evaluated by forward passes of this script's own.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after pinning the BLAS threads)

from rnn_lib import gru, lstm, rnn  # noqa: E402
from rnn_lib.layers import cross_entropy  # noqa: E402
from rnn_lib.optim import Adagrad, Adam  # noqa: E402
from rnn_lib.vocab import CharVocab, data_path, load_text  # noqa: E402

NGRAM_NATS = 1.5221  # the tuned 7-gram of notebook 11 on the held-out last 10% (order 7, D = 0.95)
VAL_FRACTION = 0.1


def load_ids():
    """Training and validation ids of tiny Shakespeare (the last 10% held out) and V."""
    text = load_text(data_path("tinyshakespeare.txt"))
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    n_val = int(len(ids) * VAL_FRACTION)
    return ids[:-n_val], ids[-n_val:], len(vocab)


class Streams:
    """B contiguous streams over the training ids, read T characters at a time (as the Trainer does)."""

    def __init__(self, ids, batch_size: int, seq_length: int):
        L = len(ids) // batch_size
        self.grid = np.ascontiguousarray(ids[: batch_size * L].reshape(batch_size, L).T)  # column b: stream b
        self.T, self.p = seq_length, 0

    def next(self):
        """(inputs, targets, restarted): restarted means the streams began again (reset the state)."""
        restarted = self.p + self.T + 1 > self.grid.shape[0]
        if restarted:
            self.p = 0
        p = self.p
        self.p += self.T
        return self.grid[p : p + self.T], self.grid[p + 1 : p + self.T + 1], restarted


def train(cell, params, optimizer, streams: Streams, seconds: float, clip: float = 5.0, on_step=None):
    """Train for ``seconds``; returns (steps, chars/s, chars per CPU second, mean training nats/char
    of the last 100 steps). ``on_step(step, seconds)`` is called after every step; its own time is
    not counted."""
    B = streams.grid.shape[1]
    h = cell.initial_state(params, B)
    losses, steps, paused = [], 0, 0.0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start - paused < seconds:
        inputs, targets, restarted = streams.next()
        if restarted:
            h = cell.initial_state(params, B)
        loss, grads, h = cell.loss_and_grads(params, inputs, targets, h, clip=clip)
        optimizer.step(grads)
        losses.append(loss / streams.T)
        steps += 1
        if on_step is not None:
            t = time.perf_counter()
            on_step(steps, t - start - paused, float(np.mean(losses[-50:])))
            paused += time.perf_counter() - t
    elapsed = time.perf_counter() - start - paused
    cpu = time.process_time() - cpu_start - paused
    chars = steps * streams.T * B
    return steps, chars / elapsed, chars / cpu, float(np.mean(losses[-100:]))


def evaluate(cell, params, ids, n_streams: int = 64, chunk: int = 100) -> float:
    """Mean nats/char of ``ids``: ``n_streams`` contiguous pieces side by side, each from a zero state."""
    L = len(ids) // n_streams
    grid = ids[: n_streams * L].reshape(n_streams, L).T
    h = cell.initial_state(params, n_streams)
    total = 0.0
    for start in range(0, L - 1, chunk):
        stop = min(start + chunk, L - 1)
        cache = cell.forward(params, grid[start:stop], h)
        total += cross_entropy(cache, grid[start + 1 : stop + 1]) * n_streams
        h = cache["h_last"]
    return total / (n_streams * (L - 1))


MODELS = {  # name: (cell, layers, hidden size, optimiser, learning rate, PyTorch module)
    "LSTM 1x256": ("lstm", 1, 256, "adam", 2e-3, "LSTM"),
    "LSTM 2x256": ("lstm", 2, 256, "adam", 2e-3, "LSTM"),
    "GRU 1x256": ("gru", 1, 256, "adam", 2e-3, "GRU"),
    "vanilla RNN 1x256": ("rnn", 1, 256, "adagrad", 0.05, "RNN"),
    "vanilla RNN 1x100": ("rnn", 1, 100, "adagrad", 0.05, "RNN"),
}

# What "a CPU with / without AVX-512" means for each library. numpy: OpenBLAS picks its kernels for
# the CPU unless OPENBLAS_CORETYPE names others (Haswell: AVX2), and numpy's own loops use AVX-512
# unless NPY_DISABLE_CPU_FEATURES switches it off. PyTorch: oneDNN and ATen's kernels, limited by
# ONEDNN_MAX_CPU_ISA and ATEN_CPU_CAPABILITY.
ISA_ENVS = {
    "avx512": (
        {"OPENBLAS_CORETYPE": None, "NPY_DISABLE_CPU_FEATURES": None},
        {"ONEDNN_MAX_CPU_ISA": None, "ATEN_CPU_CAPABILITY": None},
    ),
    "avx2": (
        {"OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"},
        {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"},
    ),
    "as-is": ({}, {}),  # this shell's environment, whatever it sets
}


def cpu_description() -> str:
    """The CPU's model name and whether it has AVX-512, from /proc/cpuinfo (Linux)."""
    try:
        info = open("/proc/cpuinfo").read()
    except OSError:
        return "CPU unknown (no /proc/cpuinfo)"
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), "?")
    flags = next((line.split(":", 1)[1].split() for line in info.splitlines() if line.startswith("flags")), [])
    avx512 = "with AVX-512" if "avx512f" in flags else "without AVX-512"
    return f"{model}, {avx512}, {os.cpu_count()} CPUs"


class NumpyRunner:
    """Trains the numpy models for a given time (one model each, kept from call to call)."""

    def __init__(self, B: int, T: int):
        self.train_ids, _, self.V = load_ids()
        self.B, self.T, self.models = B, T, {}

    def run(self, name: str, seconds: float) -> float:
        if name not in self.models:
            cell_name, layers, H, opt, lr, _ = MODELS[name]
            cell = {"lstm": lstm, "gru": gru, "rnn": rnn}[cell_name]
            rng = np.random.default_rng(0)
            if cell is rnn:
                params = rnn.init_params(self.V, H, rng, dtype=np.float32)
            else:
                params = cell.init_params(self.V, H, rng, dtype=np.float32, layers=layers)
            optimizer = (Adam if opt == "adam" else Adagrad)(params, lr)
            self.models[name] = (cell, params, optimizer, Streams(self.train_ids, self.B, self.T))
            train(*self.models[name], 0.5)  # warm up
        _, speed, cpu_speed, _ = train(*self.models[name], seconds)
        return speed, cpu_speed


class TorchRunner:
    """The same models in PyTorch (one-hot input, a linear output layer, the same optimiser, the same
    element-wise clipping and carried state), on one thread."""

    def __init__(self, B: int, T: int):
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.train_ids, _, self.V = load_ids()
        self.B, self.T, self.models = B, T, {}

    def _make(self, name):
        torch = self.torch
        _, layers, H, opt, lr, module = MODELS[name]
        torch.manual_seed(0)
        net = getattr(torch.nn, module)(self.V, H, num_layers=layers)
        head = torch.nn.Linear(H, self.V)
        parameters = list(net.parameters()) + list(head.parameters())
        optimizer = (torch.optim.Adam if opt == "adam" else torch.optim.Adagrad)(parameters, lr=lr)
        return [net, head, parameters, optimizer, Streams(self.train_ids, self.B, self.T), None]

    def _step(self, model):
        torch, (B, T, V) = self.torch, (self.B, self.T, self.V)
        net, head, parameters, optimizer, streams, state = model
        inputs, targets, restarted = streams.next()
        x = torch.nn.functional.one_hot(torch.from_numpy(inputs.astype(np.int64)), V).float()
        out, state = net(x, None if restarted else state)
        # truncated BPTT: no gradient into the last chunk
        model[5] = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        loss = torch.nn.functional.cross_entropy(
            head(out).reshape(T * B, V), torch.from_numpy(targets.astype(np.int64)).reshape(-1)
        )
        optimizer.zero_grad()
        loss.backward()
        for p in parameters:
            p.grad.clamp_(-5, 5)
        optimizer.step()

    def run(self, name: str, seconds: float) -> float:
        if name not in self.models:
            self.models[name] = self._make(name)
            start = time.perf_counter()
            while time.perf_counter() - start < 0.5:  # warm up
                self._step(self.models[name])
        steps, start, cpu_start = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - start < seconds:
            self._step(self.models[name])
            steps += 1
        chars = steps * self.B * self.T
        return chars / (time.perf_counter() - start), chars / (time.process_time() - cpu_start)


def worker(kind: str, B: int, T: int) -> None:
    """Serve speed measurements on stdin/stdout: each line '<model name>\\t<seconds>' -> chars/s, chars/CPU-s."""
    runner = NumpyRunner(B, T) if kind == "numpy" else TorchRunner(B, T)
    print(f"ready\t{np.__version__}\t{getattr(runner, 'torch', None) and runner.torch.__version__}", flush=True)
    for line in sys.stdin:
        name, seconds = line.rstrip("\n").split("\t")
        speed, cpu_speed = runner.run(name, float(seconds))
        print(f"{speed:.1f}\t{cpu_speed:.1f}", flush=True)


class Worker:
    """A benchmark worker process with its own environment (CPU features, BLAS kernel, one thread)."""

    def __init__(self, python: str, kind: str, env: dict, B: int, T: int):
        import subprocess

        environ = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        for key, value in env.items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        args = [python, os.path.abspath(__file__), "--worker", kind, "--batch-size", str(B), "--seq-length", str(T)]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environ)
        self.versions = self.proc.stdout.readline().rstrip("\n").split("\t")[1:]
        if not self.versions:
            raise RuntimeError(f"the {kind} worker ({python}) did not start")

    def run(self, name: str, seconds: float) -> tuple:
        """(chars/s, chars per CPU second of the worker) of ``name`` trained for ``seconds``."""
        self.proc.stdin.write(f"{name}\t{seconds}\n")
        self.proc.stdin.flush()
        return tuple(float(v) for v in self.proc.stdout.readline().split("\t"))

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def torch_python(requested: str | None) -> str | None:
    """A Python that can import torch: ``requested``, else this one if it can, else None."""
    if requested:
        return requested
    try:
        import torch  # noqa: F401
    except ImportError:
        return None
    return sys.executable


def speed_table(args) -> None:
    """numpy against PyTorch, model by model, in alternating rounds, for each CPU-feature setting."""
    B, T = args.batch_size, args.seq_length
    tpython = torch_python(args.torch_python)
    print(f"{cpu_description()}; batch {B}, seq_length {T}, float32, one thread each")
    print(
        f"{args.rounds} alternating rounds of {args.seconds:g} s per model and library; medians of chars per "
        f"CPU-second, and of chars per second of wall-clock time"
    )
    if tpython is None:
        print("PyTorch is not importable here (--torch-python names a Python that has it): numpy only")
    for isa in args.isa.split(","):
        np_env, torch_env = ISA_ENVS[isa]
        workers = {"numpy": Worker(sys.executable, "numpy", np_env, B, T)}
        if tpython:
            workers["PyTorch"] = Worker(tpython, "torch", torch_env, B, T)
        shown = {k: v for k, v in {**np_env, **torch_env}.items()} or "this shell's environment"
        print(f"\n[{isa}] {shown}")
        print(
            f"numpy {workers['numpy'].versions[0]}" + (f", torch {workers['PyTorch'].versions[1]}" if tpython else "")
        )
        speeds = {(name, lib): [] for name in MODELS for lib in workers}
        for _ in range(args.rounds):
            for name in MODELS:
                for lib, w in workers.items():
                    speeds[name, lib].append(w.run(name, args.seconds))
        for w in workers.values():
            w.close()
        print(
            f"{'model':<20}{'numpy':>10}{'PyTorch':>10}{'ratio':>8}   per round  |  wall clock:"
            f"{'numpy':>9}{'PyTorch':>10}{'ratio':>8}"
        )
        for name in MODELS:
            ours = np.array(speeds[name, "numpy"])  # (rounds, 2): chars/s, chars/CPU-s
            line = f"{name:<20}{np.median(ours[:, 1]):>10,.0f}"
            if tpython:
                theirs = np.array(speeds[name, "PyTorch"])
                per_round = " ".join(f"{r:.2f}" for r in ours[:, 1] / theirs[:, 1])
                cpu_ratio = np.median(ours[:, 1]) / np.median(theirs[:, 1])
                wall_ratio = np.median(ours[:, 0]) / np.median(theirs[:, 0])
                line += (
                    f"{np.median(theirs[:, 1]):>10,.0f}{cpu_ratio:>7.2f}x   {per_round}  |  "
                    f"{np.median(ours[:, 0]):>18,.0f}{np.median(theirs[:, 0]):>10,.0f}{wall_ratio:>7.2f}x"
                )
            print(line, flush=True)
        print("(chars per CPU-second of each worker: what an idle core gives; wall clock also counts the time")
        print("other programs held the cores)")


def print_profile(args) -> None:
    """The stage profile of one training step of each model (milliseconds, best of several rounds)."""
    from threadpoolctl import threadpool_info

    blas = [
        f"{i['internal_api']} {i['version']} ({i['architecture']})"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    print(
        f"{cpu_description()}; numpy {np.__version__}, {', '.join(blas)}; NPY_DISABLE_CPU_FEATURES="
        f"{os.environ.get('NPY_DISABLE_CPU_FEATURES', '')!r}"
    )
    print(f"milliseconds per training step of {args.batch_size} x {args.seq_length} characters, float32, one thread\n")
    runs = [("LSTM 1x256", lstm, 1), ("LSTM 2x256", lstm, 2), ("GRU 1x256", gru, 1)]
    profiles = {name: stage_profile(cell, layers, B=args.batch_size, T=args.seq_length) for name, cell, layers in runs}
    print(f"{'stage':<40}" + "".join(f"{name:>12}" for name, _, _ in runs))
    for stage in profiles[runs[0][0]]:
        print(f"{stage:<40}" + "".join(f"{profiles[name][stage]:>12.2f}" for name, _, _ in runs))
    print(f"{'sum':<40}" + "".join(f"{sum(profiles[name].values()):>12.2f}" for name, _, _ in runs))


def stage_profile(cell, layers: int, H: int = 256, B: int = 32, T: int = 50, repeats: int = 20) -> dict:
    """Milliseconds per training step (B streams x T characters, float32, Adam) in each stage.

    Each stage is timed on its own, on the arrays of a real step: the products of the recurrence
    (forward ``Wh @ h_{t-1}`` and backward ``Wh^T @ dz_t``, T per layer) by themselves, the
    element-wise gate maths as the time of the whole time loop minus its products, and so on. The
    best of ``repeats`` rounds of each, so that another program's burst does not count.
    """
    from rnn_lib.layers import (
        Buffers,
        begin_backward,
        clip_grads,
        cross_entropy,
        input_backward,
        input_forward,
        output_forward,
        output_rows,
        steps_side_by_side,
    )

    V = 65
    rng = np.random.default_rng(0)
    params = cell.init_params(V, H, rng, dtype=np.float32, layers=layers)
    optimizer = Adam(params, 2e-3)
    ids = rng.integers(0, V, (T + 1, B))
    inputs, targets = ids[:-1], ids[1:]
    hprev = cell.initial_state(params, B)
    buf = Buffers(reuse=True)
    G = cell.GATES * H
    f32 = np.float32
    hs = rng.standard_normal((T + 1, H, B)).astype(f32)
    dz = rng.standard_normal((T, G, B)).astype(f32)
    rec, dhnext = np.empty((G, B), f32), np.empty((H, B), f32)
    Wh, WhT = params["Wh0"].copy(), np.ascontiguousarray(params["Wh0"].T)
    scale = np.ones((G, 1), f32)
    state = {}

    def best(fn):
        fn()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times) * 1e3

    def forward_products():
        for _ in range(layers):
            for t in range(T):
                np.matmul(Wh, hs[t], out=rec)

    def backward_products():
        for _ in range(layers):
            for t in range(T):
                np.matmul(WhT, dz[t], out=dhnext)

    def input_parts():
        outputs = [hs[1:]] * layers
        for l in range(layers):
            input_forward(params, l, inputs, outputs, scale, dz, buf)

    def output_layer():
        rows = output_rows(hs[1:], buf)
        cross_entropy(output_forward(params, rows, buf) | {"inputs": inputs}, targets)

    def forward():
        state["cache"] = cell._forward(params, inputs, hprev, buf)

    def backward():
        state["grads"] = cell._backward(params, state["cache"], targets, buf)[0]

    def output_backward():
        begin_backward(params, state["cache"], targets, cell.param_shapes(V, H, layers), buf)

    def weight_gradients():
        grads, dh = state["grads"], np.empty((T, H, B), f32)
        outputs = [hs[1:]] * layers
        for l in range(layers):
            steps = steps_side_by_side(dz, buf, "p_dz")
            np.dot(steps, steps_side_by_side(hs[:-1], buf, "p_h").T, out=grads[f"Wh{l}"])
            input_backward(params, l, inputs, steps, outputs, None, grads, dh, buf)

    def clip():
        clip_grads(state["grads"], 5.0)

    def optimise():
        optimizer.step(state["grads"])

    t = {
        name: best(fn)
        for name, fn in [
            ("forward", forward),
            ("fwd products", forward_products),
            ("fwd input parts", input_parts),
            ("fwd output layer", output_layer),
            ("backward", backward),
            ("bwd products", backward_products),
            ("bwd output layer", output_backward),
            ("bwd weight gradients", weight_gradients),
            ("clip", clip),
            ("optimiser", optimise),
        ]
    }
    return {
        "recurrent gate products (forward)": t["fwd products"],
        "input parts (lookup / layer below)": t["fwd input parts"],
        "element-wise gate maths (forward)": t["forward"]
        - t["fwd products"]
        - t["fwd input parts"]
        - t["fwd output layer"],
        "output layer + softmax + loss": t["fwd output layer"],
        "backward output layer": t["bwd output layer"],
        "recurrent products (backward)": t["bwd products"],
        "element-wise recurrence (backward)": t["backward"]
        - t["bwd products"]
        - t["bwd output layer"]
        - t["bwd weight gradients"],
        "weight gradients (all T at once)": t["bwd weight gradients"],
        "clipping": t["clip"],
        "optimiser (Adam)": t["optimiser"],
    }


def probe(args) -> None:
    train_ids, val_ids, V = load_ids()
    cell = {"lstm": lstm, "gru": gru}[args.cell]
    params = cell.init_params(
        V, args.hidden_size, np.random.default_rng(args.seed), dtype=np.float32, layers=args.layers
    )
    if args.optimizer == "adam":
        optimizer = Adam(params, args.learning_rate)
    else:
        optimizer = Adagrad(params, args.learning_rate)
    streams = Streams(train_ids, args.batch_size, args.seq_length)
    marks = []

    def on_step(step, elapsed, train_nats):
        if elapsed >= (len(marks) + 1) * args.report_every:
            marks.append(step)
            val = evaluate(cell, params, val_ids[:20_000])
            print(
                f"  {elapsed:5.0f} s  step {step:6d}  training {train_nats:.3f}  validation {val:.3f} "
                f"nats/char (first 20,000 held-out characters)",
                flush=True,
            )

    print(
        f"{args.cell} {args.layers}x{args.hidden_size}, batch {args.batch_size}, seq_length "
        f"{args.seq_length}, {args.optimizer} lr {args.learning_rate}, clip {args.clip}, {args.probe:g} s"
    )
    steps, speed, _, train_nats = train(cell, params, optimizer, streams, args.probe, args.clip, on_step)
    start = time.perf_counter()
    val = evaluate(cell, params, val_ids)
    print(
        f"{steps} steps at {speed:,.0f} chars/s ({steps * args.batch_size * args.seq_length / len(train_ids):.2f} "
        f"epochs); training {train_nats:.3f} nats/char (last 100 steps); validation {val:.4f} nats/char "
        f"on {len(val_ids):,} characters ({time.perf_counter() - start:.1f} s to evaluate)"
    )


def curve(path, goal: float = NGRAM_NATS) -> None:
    """The learning curve a CLI run recorded in its checkpoint: validation nats/char against wall time."""
    from rnn_lib.checkpoint import load_checkpoint

    ckpt = load_checkpoint(path)
    c, h = ckpt.config, ckpt.history
    print(
        f"{path}: {c.cell} {c.layers}x{c.hidden_size}, batch {c.batch_size}, seq_length {c.seq_length}, "
        f"{c.optimizer} learning rate {c.learning_rate}"
        + (f" -> {c.min_learning_rate} over {c.lr_decay_steps} steps" if c.lr_decay_steps else "")
        + f", dropout {c.dropout}; periodic validation on "
        + (f"the first {c.eval_chars:,}" if c.eval_chars else "all")
        + " held-out characters"
    )
    print(f"{'step':>7}{'seconds':>10}{'minutes':>9}{'validation':>12}")
    first = None
    for step, sec, nats in zip(h.val_step, h.val_seconds, h.val_nats):
        mark = ""
        if nats < goal and first is None:
            first, mark = sec, f"   first below the n-gram's {goal}"
        print(f"{step:>7}{sec:>10.0f}{sec / 60:>9.1f}{nats:>12.4f}{mark}")
    if first is None:
        print(f"never below {goal} in this run")


def threads_table(seconds: float) -> None:
    """Training speed of the shipped 2x256 recipe through the Trainer with 1 and 2 threads (one BLAS thread each)."""
    from rnn_lib.config import TrainConfig
    from rnn_lib.training import Trainer

    text = load_text(data_path("tinyshakespeare.txt"))
    print(
        f"LSTM 2x256, batch 64, seq_length 50, Adam, dropout 0.15, float32; Trainer, {seconds:g} s per run, "
        f"{os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
    )
    speeds = {}
    for threads in (1, 2):
        config = TrainConfig(
            cell="lstm",
            layers=2,
            hidden_size=256,
            batch_size=64,
            seq_length=50,
            optimizer="adam",
            learning_rate=4e-3,
            dropout=0.15,
            forget_bias=0.0,
            threads=threads,
            eval_every=0,
            sample_every=0,
        )
        trainer = Trainer(text, config, progress=False).run(steps=2)  # warm up
        steps, start = trainer.step, trainer.seconds
        trainer.run(seconds=seconds)
        speeds[threads] = (trainer.step - steps) * 64 * 50 / (trainer.seconds - start)
        print(f"  threads={threads}: {speeds[threads]:8,.0f} chars/s  ({speeds[threads] / speeds[1]:.2f}x)", flush=True)


def forget_bias_probe(steps: int = 500) -> None:
    """The same 2x256 LSTM (same weights, same data order) trained from forget-gate biases 1 and 0."""
    from rnn_lib.config import TrainConfig
    from rnn_lib.training import Trainer
    from rnn_lib.training import evaluate as evaluate_split

    text = load_text(data_path("tinyshakespeare.txt"))
    print(f"LSTM 2x256, batch 32, seq_length 50, Adam 2e-3, {steps} steps, seed 0; validation on the whole split")
    for forget_bias in (1.0, 0.0):
        config = TrainConfig(
            cell="lstm",
            layers=2,
            hidden_size=256,
            batch_size=32,
            seq_length=50,
            optimizer="adam",
            learning_rate=2e-3,
            forget_bias=forget_bias,
            eval_every=0,
            sample_every=0,
        )
        trainer = Trainer(text, config, progress=False).run(steps=steps)
        print(
            f"  forget bias {forget_bias:g}: {evaluate_split(trainer.params, trainer.val_ids):.4f} nats/char "
            f"({trainer.seconds:.0f} s)",
            flush=True,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--seconds", type=float, help="seconds per speed measurement (default: 3 per round of the table, 12 otherwise)"
    )
    ap.add_argument("--rounds", type=int, default=4, help="speed table: alternating rounds per model and library")
    ap.add_argument(
        "--isa",
        default="avx512,avx2",
        help="speed table: CPU-feature settings to compare under, of avx512 (all the CPU has), avx2 (no "
        "AVX-512: OpenBLAS's Haswell kernels, numpy's and PyTorch's SIMD limited) and as-is (this "
        "shell's environment); comma-separated",
    )
    ap.add_argument("--torch-python", help="speed table: a Python that can import torch (default: this one)")
    ap.add_argument("--profile", action="store_true", help="instead: time each stage of a training step")
    ap.add_argument("--worker", choices=("numpy", "torch"), help=argparse.SUPPRESS)
    ap.add_argument(
        "--threads-table", action="store_true", help="instead: the 2x256 recipe's training speed with 1 and 2 threads"
    )
    ap.add_argument(
        "--forget-bias-probe",
        action="store_true",
        help="instead: 500 steps of a 2x256 LSTM from forget-gate biases 1 and 0",
    )
    ap.add_argument("--curve", metavar="CHECKPOINT", help="instead: print the learning curve saved in a checkpoint")
    ap.add_argument("--probe", type=float, default=0, help="instead of the speed table: train this many seconds")
    ap.add_argument("--cell", choices=("lstm", "gru"), default="lstm")
    ap.add_argument("--hidden-size", type=int, default=256)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--seq-length", type=int, default=50)
    ap.add_argument("--optimizer", choices=("adam", "adagrad"), default="adam")
    ap.add_argument("--learning-rate", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--report-every", type=float, default=30.0, help="probe: seconds between validation reports")
    args = ap.parse_args()
    if args.seconds is None:
        args.seconds = 12.0 if args.threads_table else 3.0
    if args.worker:
        worker(args.worker, args.batch_size, args.seq_length)
    elif args.profile:
        print_profile(args)
    elif args.threads_table:
        threads_table(args.seconds)
    elif args.forget_bias_probe:
        forget_bias_probe()
    elif args.curve:
        curve(args.curve)
    elif args.probe:
        probe(args)
    else:
        speed_table(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The command line, run as a user runs it: ``python -m rnn_lib train|sample|evaluate`` in a subprocess.

User errors must end with exit status 2 and a message naming the problem, never a traceback;
Ctrl-C exits 130 and divergence exits 1, both after saving the checkpoint.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from rnn_lib.checkpoint import load_checkpoint, save_checkpoint
from rnn_lib.vocab import DATA_DIR

# PYTHONUNBUFFERED: the Ctrl-C test reads the progress lines while the process runs; through a
# pipe, print() would otherwise hold them in its buffer until the process ends.
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
# Adagrad: in 20 steps it learns enough of the tiny text for the sampling tests to see a difference
SMALL = ["--hidden-size", "8", "--seq-length", "8", "--batch-size", "4", "--no-progress", "--optimizer", "adagrad"]
QUIET = ["--eval-every", "0", "--sample-every", "0"]


def run_cli(args, cwd, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "rnn_lib", *map(str, args)],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def small_text(n_words=450, seed=0):
    words = "the cat sat on a mat and then it ran to the dog who was not there".split()
    rng = np.random.default_rng(seed)
    return " ".join(rng.choice(words, n_words)) + "\n"


def assert_user_error(result, *fragments):
    """Exit status 2, no traceback, and a message that names the problem."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert "error:" in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A folder holding small.txt and model.npz trained on it for 20 steps, and the train output."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "small.txt").write_text(small_text(), encoding="utf-8")
    result = run_cli(
        [
            "train",
            "--data",
            "small.txt",
            *SMALL,
            "--steps",
            "20",
            "--eval-every",
            "10",
            "--sample-every",
            "10",
            "--sample-length",
            "20",
            "--checkpoint",
            "model.npz",
        ],
        cwd=folder,
    )
    return folder, result


@pytest.fixture
def work(tmp_path, trained):
    """A fresh folder with a copy of small.txt and model.npz, plus a few unusable data files."""
    folder, _ = trained
    shutil.copy(folder / "small.txt", tmp_path)
    shutil.copy(folder / "model.npz", tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 ".encode("latin-1") * 300)
    (tmp_path / "short.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return tmp_path


# ------------------------------------------------------------------ train, sample, evaluate
def test_train_saves_and_reports(trained):
    folder, result = trained
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "model: vanilla RNN, hidden_size 8" in out
    assert "validation loss:" in out and "after 20 steps" in out
    assert "---- sample at step 10 ----" in out and "---- sample at step 20 ----" in out
    assert "step 10: validation" in out
    assert "stopped: reached step 20; checkpoint saved to model.npz" in out
    ckpt = load_checkpoint(folder / "model.npz")
    assert ckpt.step == 20
    assert ckpt.config.hidden_size == 8 and ckpt.config.seq_length == 8 and ckpt.config.batch_size == 4
    assert set(ckpt.vocab.chars) == set(small_text())
    assert not list(folder.glob("*.tmp"))


def test_sample_is_reproducible_with_a_seed(trained):
    folder, _ = trained
    args = ["sample", "--checkpoint", "model.npz", "--length", "80", "--seed"]
    a, b, c = (run_cli(args + [seed], cwd=folder) for seed in (3, 3, 4))
    assert a.returncode == b.returncode == c.returncode == 0
    assert a.stdout == b.stdout
    assert a.stdout != c.stdout
    text = a.stdout[:-1]  # print adds a newline
    assert len(text) == 80 and a.stdout.endswith("\n")
    assert set(text) <= set(small_text())


def test_sample_with_prime(trained):
    folder, _ = trained
    result = run_cli(
        ["sample", "--checkpoint", "model.npz", "--length", "30", "--prime", "the cat ", "--seed", "1"], cwd=folder
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("the cat ")
    assert len(result.stdout) == len("the cat ") + 30 + 1
    unprimed = run_cli(["sample", "--checkpoint", "model.npz", "--length", "30", "--seed", "1"], cwd=folder)
    assert unprimed.stdout != result.stdout[len("the cat ") :]


def test_sample_temperature_zero_is_greedy(trained):
    folder, _ = trained
    args = ["sample", "--checkpoint", "model.npz", "--length", "40", "--temperature", "0", "--seed"]
    a, b = run_cli(args + ["1"], cwd=folder), run_cli(args + ["2"], cwd=folder)
    assert a.returncode == 0 and a.stdout == b.stdout


def test_evaluate_matches_the_end_of_training(trained):
    folder, train_result = trained
    result = run_cli(["evaluate", "--checkpoint", "model.npz", "--data", "small.txt"], cwd=folder)
    assert result.returncode == 0, result.stderr
    trained_value = re.search(r"validation loss: ([0-9.]+) nats/char", train_result.stdout).group(1)
    evaluated = re.search(r"validation loss: ([0-9.]+) nats/char", result.stdout)
    assert evaluated and evaluated.group(1) == trained_value
    n_val = int(len(small_text()) * 0.1)
    assert f"on {n_val:,} held-out characters of small.txt" in result.stdout


def test_evaluate_errors(work):
    assert_user_error(
        run_cli(["evaluate", "--checkpoint", "model.npz", "--data", "latin1.txt"], cwd=work), "latin1.txt", "UTF-8"
    )
    (work / "other.txt").write_text("ZZZ " * 300, encoding="utf-8")
    assert_user_error(
        run_cli(["evaluate", "--checkpoint", "model.npz", "--data", "other.txt"], cwd=work), "'Z'", "vocabulary"
    )
    assert_user_error(
        run_cli(["evaluate", "--checkpoint", "nope.npz", "--data", "small.txt"], cwd=work), "no checkpoint at nope.npz"
    )


# ------------------------------------------------------------------ resume, overwrite
def test_resume_continues(work):
    result = run_cli(
        ["train", "--data", "small.txt", "--checkpoint", "model.npz", "--resume", "--steps", "5", "--no-progress"],
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    assert "resuming model.npz at step 20" in result.stdout
    assert "after 25 steps" in result.stdout
    ckpt = load_checkpoint(work / "model.npz")
    assert ckpt.step == 25
    # history points come every log_every=10 steps; the 5 steps since step 20 are pending in the state
    assert ckpt.history.step[-1] == 20
    assert len(ckpt.state["interval_losses"]) == 5


def test_existing_checkpoint_is_not_replaced_silently(work):
    before = (work / "model.npz").read_bytes()
    result = run_cli(["train", "--data", "small.txt", *SMALL, "--steps", "2", "--checkpoint", "model.npz"], cwd=work)
    assert_user_error(result, "model.npz exists", "--resume", "--overwrite")
    assert (work / "model.npz").read_bytes() == before


def test_overwrite(work):
    result = run_cli(
        ["train", "--data", "small.txt", *SMALL, *QUIET, "--steps", "3", "--checkpoint", "model.npz", "--overwrite"],
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    assert load_checkpoint(work / "model.npz").step == 3


def test_resume_errors(work):
    assert_user_error(
        run_cli(
            ["train", "--data", "small.txt", "--checkpoint", "model.npz", "--resume", "--overwrite", "--steps", "2"],
            cwd=work,
        ),
        "choose one",
    )
    assert_user_error(
        run_cli(["train", "--data", "small.txt", "--checkpoint", "none.npz", "--resume", "--steps", "2"], cwd=work),
        "no checkpoint at none.npz",
    )
    (work / "other.txt").write_text("XYZ " * 300 + small_text(), encoding="utf-8")
    assert_user_error(
        run_cli(["train", "--data", "other.txt", "--checkpoint", "model.npz", "--resume", "--steps", "2"], cwd=work),
        "vocabulary",
        "XYZ",
    )
    assert load_checkpoint(work / "model.npz").step == 20  # untouched


# ------------------------------------------------------------------ bad arguments
@pytest.mark.parametrize(
    "args,fragments",
    [
        (["--hidden-size", "-3", "--steps", "2"], ["--hidden-size", "at least 1", "-3"]),
        (["--hidden-size", "abc", "--steps", "2"], ["--hidden-size", "'abc'"]),
        (["--learning-rate", "0", "--steps", "2"], ["--learning-rate", "positive"]),
        (["--learning-rate", "nan", "--steps", "2"], ["--learning-rate", "positive"]),
        (["--seconds", "-1"], ["--seconds"]),
        (["--steps", "2", "--bogus"], ["unrecognized arguments: --bogus"]),
        (["--dtype", "float16", "--steps", "2"], ["--dtype", "invalid choice"]),
        ([], ["--steps", "--seconds"]),
        (["--steps", "2", "--data", "missing.txt"], ["missing.txt", "no such file"]),
        (["--steps", "2", "--data", "empty.txt"], ["empty.txt is empty"]),
        (["--steps", "2", "--data", "latin1.txt"], ["latin1.txt is not valid UTF-8", "byte offset 3"]),
        (["--steps", "2", "--data", "short.txt"], ["short.txt has 5 characters", "at least 9"]),
        (["--steps", "2", "--data", "folder"], ["folder is a folder"]),
        (["--steps", "2", "--batch-size", "500"], ["batch_size=500", "characters per stream"]),
    ],
)
def test_bad_train_arguments(work, args, fragments):
    args = list(args)
    for flag, value in (("--data", "small.txt"), ("--hidden-size", "8"), ("--seq-length", "8"), ("--batch-size", "4")):
        if flag not in args:
            args += [flag, value]
    result = run_cli(["train", *args, "--no-progress", "--checkpoint", "new.npz"], cwd=work)
    assert_user_error(result, *fragments)
    assert not (work / "new.npz").exists()
    assert not (work / "runs").exists()


def test_no_command(work):
    result = run_cli([], cwd=work)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "train" in result.stderr and "sample" in result.stderr


@pytest.mark.parametrize(
    "args,fragments",
    [
        (["--checkpoint", "model.npz", "--prime", "the Qat"], ["--prime", "'Q'", "vocabulary"]),
        (["--checkpoint", "model.npz", "--temperature", "-1"], ["--temperature"]),
        (["--checkpoint", "model.npz", "--length", "0"], ["--length"]),
        (["--checkpoint", "missing.npz"], ["no checkpoint at missing.npz"]),
        (["--checkpoint", "cut.npz"], ["cut.npz is truncated"]),
        (["--checkpoint", "pickled.npz"], ["pickled.npz contains pickled Python objects"]),
        (["--checkpoint", "plain.npz"], ["plain.npz", "not an rnn_lib checkpoint"]),
        ([], ["--checkpoint"]),
    ],
)
def test_bad_sample_arguments(work, args, fragments):
    data = (work / "model.npz").read_bytes()
    (work / "cut.npz").write_bytes(data[: len(data) // 2])
    (work / "pickled.npz").write_bytes(b"\x80\x04\x95" + b"\x00" * 40)
    np.savez(work / "plain.npz", x=np.zeros(3))
    assert_user_error(run_cli(["sample", *args], cwd=work), *fragments)


# ------------------------------------------------------------------ Ctrl-C and divergence
def test_ctrl_c_saves_and_exits_130(work):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rnn_lib",
            "train",
            "--data",
            "small.txt",
            *SMALL,
            *QUIET,
            "--seconds",
            "60",
            "--checkpoint",
            "interrupted.npz",
        ],
        cwd=work,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in proc.stdout:  # wait until training starts
            lines.append(line)
            if line.startswith("model:"):
                break
        assert lines and lines[-1].startswith("model:"), (lines, proc.stderr.read())
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, (rest, err)
    assert "Traceback" not in err
    assert "stopped: interrupted (Ctrl-C); checkpoint saved to interrupted.npz" in rest
    ckpt = load_checkpoint(work / "interrupted.npz")
    assert ckpt.step > 0
    assert all(np.isfinite(v).all() for v in ckpt.params.values())
    assert ckpt.memory is not None
    assert not list(work.glob("*.tmp"))


def test_divergence_exits_1_and_saves(work):
    result = run_cli(
        [
            "train",
            "--data",
            "small.txt",
            *SMALL,
            *QUIET,
            "--steps",
            "20",
            "--learning-rate",
            "1e38",
            "--checkpoint",
            "diverged.npz",
        ],
        cwd=work,
    )
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "error: the loss became nan at step" in result.stderr
    assert "stopped: non-finite loss at step" in result.stdout
    ckpt = load_checkpoint(work / "diverged.npz")
    assert ckpt.step >= 1
    assert all(np.isfinite(v).all() for v in ckpt.params.values())


# ------------------------------------------------------------------ the bundled data
def test_smoke_default_data(tmp_path):
    assert (DATA_DIR / "tinyshakespeare.txt").is_file()
    result = run_cli(
        ["train", "--hidden-size", "16", "--steps", "3", "--eval-every", "0", "--sample-every", "0", "--no-progress"],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "tinyshakespeare.txt" in result.stdout
    assert "validation loss:" in result.stdout and "after 3 steps" in result.stdout
    ckpt = load_checkpoint(tmp_path / "runs" / "tinyshakespeare.npz")
    assert ckpt.step == 3
    assert ckpt.config.batch_size == 32 and ckpt.config.seq_length == 25  # the CLI defaults
    assert len(ckpt.vocab) == 65  # tiny Shakespeare's character set
    nats = float(re.search(r"validation loss: ([0-9.]+) nats/char", result.stdout).group(1))
    assert 3.0 < nats < 4.5  # about log(65) = 4.17 after 3 steps


# ------------------------------------------------------------------ bugs (see the reasons)
def test_temperature_zero_written_differently(trained):
    folder, _ = trained
    result = run_cli(["sample", "--checkpoint", "model.npz", "--length", "10", "--temperature", "0.00"], cwd=folder)
    assert result.returncode == 0, result.stderr


def test_unwritable_checkpoint_is_a_user_error(work):
    result = run_cli(
        ["train", "--data", "small.txt", *SMALL, *QUIET, "--steps", "2", "--checkpoint", "folder", "--overwrite"],
        cwd=work,
    )
    assert_user_error(result, "folder")


def test_resume_model_only_checkpoint_is_a_user_error(work):
    ckpt = load_checkpoint(work / "model.npz")
    save_checkpoint(work / "bare.npz", ckpt.params, ckpt.vocab, ckpt.config)
    result = run_cli(["train", "--data", "small.txt", "--checkpoint", "bare.npz", "--resume", "--steps", "2"], cwd=work)
    assert_user_error(result, "bare.npz")


def test_resume_with_a_new_learning_rate(work):
    result = run_cli(
        [
            "train",
            "--data",
            "small.txt",
            "--checkpoint",
            "model.npz",
            "--resume",
            "--steps",
            "3",
            "--learning-rate",
            "0.01",
            "--no-progress",
        ],
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    assert "learning rate changed from" in result.stdout and "to 0.01" in result.stdout
    assert load_checkpoint(work / "model.npz").config.learning_rate == 0.01


def test_train_with_dropout_and_a_decaying_learning_rate(work):
    result = run_cli(
        [
            "train",
            "--data",
            "small.txt",
            "--cell",
            "lstm",
            "--layers",
            "2",
            *SMALL,
            *QUIET,
            "--steps",
            "6",
            "--optimizer",
            "adam",
            "--learning-rate",
            "0.01",
            "--lr-decay-steps",
            "4",
            "--min-learning-rate",
            "0.001",
            "--dropout",
            "0.3",
            "--eval-chars",
            "0",
            "--threads",
            "2",
            "--clip",
            "50",
            "--forget-bias",
            "0",
            "--checkpoint",
            "drop.npz",
        ],
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    assert "decaying to 0.001 over 4 steps, dropout 0.3; 2 threads" in result.stdout
    assert "OPENBLAS_NUM_THREADS" not in result.stdout  # the tests set it to 1
    cfg = load_checkpoint(work / "drop.npz").config
    assert (cfg.dropout, cfg.lr_decay_steps, cfg.min_learning_rate, cfg.eval_chars) == (0.3, 4, 0.001, 0)
    assert (cfg.threads, cfg.clip, cfg.forget_bias) == (2, 50, 0)
    resumed = run_cli(
        ["train", "--data", "small.txt", "--checkpoint", "drop.npz", "--resume", "--steps", "2", "--no-progress"],
        cwd=work,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert load_checkpoint(work / "drop.npz").step == 8


@pytest.mark.parametrize(
    "args,fragments",
    [
        (["--dropout", "1"], ["--dropout", "probability"]),
        (["--dropout", "0.2"], ["dropout is implemented for cell='lstm'"]),
        (["--cell", "lstm", "--min-learning-rate", "0.5", "--learning-rate", "0.1"], ["min_learning_rate"]),
        (["--lr-decay-steps", "-3"], ["--lr-decay-steps", "0 or more"]),
        (["--threads", "0"], ["--threads", "at least 1"]),
        (["--threads", "5"], ["threads (5) must not exceed batch_size (4)"]),
        (["--clip", "0"], ["--clip", "positive"]),
    ],
)
def test_bad_schedule_and_dropout_arguments(work, args, fragments):
    result = run_cli(
        ["train", "--data", "small.txt", *SMALL, *args, "--steps", "2", "--checkpoint", "new.npz"], cwd=work
    )
    assert_user_error(result, *fragments)
    assert not (work / "new.npz").exists()


# ------------------------------------------------------------------ the default learning-rate schedule
def test_a_run_decays_over_its_steps_or_its_seconds(work):
    result = run_cli(
        ["train", "--data", "small.txt", *SMALL, *QUIET, "--steps", "12", "--checkpoint", "d.npz"], cwd=work
    )
    assert result.returncode == 0, result.stderr
    assert "over 12 steps" in result.stdout
    cfg = load_checkpoint(work / "d.npz").config
    assert (cfg.lr_decay_steps, cfg.min_learning_rate) == (12, 0)
    timed = run_cli(
        ["train", "--data", "small.txt", *SMALL, *QUIET, "--seconds", "0.5", "--checkpoint", "t.npz"], cwd=work
    )
    assert timed.returncode == 0, timed.stderr
    timed_cfg = load_checkpoint(work / "t.npz").config
    assert (timed_cfg.lr_decay_steps, timed_cfg.lr_decay_seconds) == (0, 0.5)  # decays over its time instead
    constant = run_cli(
        [
            "train",
            "--data",
            "small.txt",
            *SMALL,
            *QUIET,
            "--steps",
            "5",
            "--lr-decay-steps",
            "0",
            "--checkpoint",
            "c.npz",
        ],
        cwd=work,
    )
    assert constant.returncode == 0 and load_checkpoint(work / "c.npz").config.lr_decay_steps == 0


def train_then_resume(work, name, steps, *resume_args):
    """Train a small model for ``steps`` (its rate decaying over them), then resume it with ``resume_args``."""
    assert (
        run_cli(
            ["train", "--data", "small.txt", *SMALL, *QUIET, "--steps", steps, "--checkpoint", name], cwd=work
        ).returncode
        == 0
    )
    result = run_cli(
        ["train", "--data", "small.txt", "--checkpoint", name, "--resume", *resume_args, "--no-progress"], cwd=work
    )
    assert result.returncode == 0, result.stderr
    return result


def test_resuming_a_decayed_run_stretches_its_decay(work):
    result = train_then_resume(work, "s.npz", "10", "--steps", "5")
    assert "decay now ends after 15 steps of training in all" in result.stdout
    ckpt = load_checkpoint(work / "s.npz")
    assert (ckpt.step, ckpt.config.lr_decay_steps) == (15, 15)
    # the rate at the resumed step is on the stretched cosine: above 0, below the peak
    assert 0 < ckpt.config.learning_rate_at(10) < ckpt.config.learning_rate


def test_resuming_a_decayed_run_for_a_time_stretches_it_over_that_time(work):
    result = train_then_resume(work, "e.npz", "4", "--seconds", "1")
    ckpt = load_checkpoint(work / "e.npz")
    assert ckpt.config.lr_decay_steps == 0 and ckpt.config.lr_decay_seconds > 1
    assert "learning-rate decay now ends after" in result.stdout
    again = run_cli(
        [
            "train",
            "--data",
            "small.txt",
            "--checkpoint",
            "e.npz",
            "--resume",
            "--seconds",
            "0.5",
            "--learning-rate",
            "0.001",
            "--no-progress",
        ],
        cwd=work,
    )
    assert again.returncode == 0, again.stderr
    cfg = load_checkpoint(work / "e.npz").config
    assert (cfg.learning_rate, cfg.lr_decay_steps, cfg.lr_decay_seconds) == (0.001, 0, 0)  # constant from then on


def test_a_time_bounded_run_decays_over_its_time():
    from math import isclose

    from rnn_lib.config import TrainConfig

    cfg = TrainConfig(learning_rate=0.01, lr_decay_seconds=10.0)
    assert cfg.learning_rate_at(10**6, 0.0) == 0.01 and isclose(cfg.learning_rate_at(0, 5.0), 0.005)
    assert cfg.learning_rate_at(0, 10.0) == 0 == cfg.learning_rate_at(0, 99.0)
    both = TrainConfig(learning_rate=0.01, lr_decay_steps=100, lr_decay_seconds=10.0)
    assert both.learning_rate_at(50, 1.0) == both.learning_rate_at(50, 0.0)  # the further of the two counts
    assert isclose(both.learning_rate_at(10, 5.0), 0.005) and isclose(both.learning_rate_at(50, 1.0), 0.005)

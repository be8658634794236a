"""rnn_lib limits BLAS to one thread for its own work, without any environment variable."""

import os
import subprocess
import sys

import numpy as np
import pytest

import rnn_lib
from rnn_lib.blas import blas_info, blas_threads

pytestmark = pytest.mark.skipif(not blas_info(), reason="numpy here uses no BLAS library threadpoolctl knows")

TEXT = "hello world, this is a tiny text to train on. " * 40


def current_threads() -> int:
    return blas_info()[0]["num_threads"]


@pytest.fixture
def two_threads():
    """BLAS at two threads around the test, as on a machine where nothing limits it."""
    with blas_threads(2):
        if current_threads() != 2:
            pytest.skip("this BLAS cannot be set to two threads")
        yield


def test_blas_threads_applies_and_restores(two_threads):
    with blas_threads(1):
        assert current_threads() == 1
    assert current_threads() == 2
    with blas_threads(None):  # None leaves it alone
        assert current_threads() == 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_thread_counts_are_refused(bad):
    with pytest.raises(ValueError, match="whole number of at least 1"):
        blas_threads(bad)


def test_training_and_evaluation_use_one_thread_and_restore(two_threads):
    seen = []
    config = rnn_lib.TrainConfig(
        hidden_size=8, batch_size=2, seq_length=5, eval_every=5, sample_every=0, eval_chars=200
    )
    trainer = rnn_lib.Trainer(
        TEXT, config, progress=False, callbacks=[lambda t, event: seen.append((event, current_threads()))]
    )
    trainer.run(steps=10)
    assert {n for _, n in seen if _ != "end"} == {1} and ("eval", 1) in seen
    assert current_threads() == 2  # the caller's setting is back after the run

    # evaluate() on its own, with the thread count it was given
    calls = []
    model = rnn_lib.get_cell("rnn")
    original = model.forward

    def spy(*args, **kwargs):
        calls.append(current_threads())
        return original(*args, **kwargs)

    ids = trainer.val_ids
    try:
        model.forward = spy
        rnn_lib.evaluate(trainer.params, ids, model=model)
        rnn_lib.evaluate(trainer.params, ids, model=model, blas_threads=None)
    finally:
        model.forward = original
    n = len(calls) // 2
    assert calls[:n] == [1] * n and calls[n:] == [2] * n


def test_a_trainer_can_be_given_more_threads(two_threads):
    seen = []
    config = rnn_lib.TrainConfig(hidden_size=8, batch_size=2, seq_length=5, eval_every=0, sample_every=0)
    trainer = rnn_lib.Trainer(
        TEXT, config, progress=False, blas_threads=None, callbacks=[lambda t, event: seen.append(current_threads())]
    )
    trainer.run(steps=10)
    assert set(seen) == {2}


def test_results_do_not_depend_on_the_number_of_blas_threads():
    config = rnn_lib.TrainConfig(
        hidden_size=64, batch_size=16, seq_length=10, eval_every=0, sample_every=0, dtype="float64"
    )
    runs = []
    for n in (1, 2):
        trainer = rnn_lib.Trainer(TEXT, config, progress=False, blas_threads=n)
        trainer.run(steps=20)
        runs.append(trainer.params)
    for name in runs[0]:
        np.testing.assert_allclose(runs[0][name], runs[1][name], rtol=1e-10, atol=1e-12)


def test_the_cli_uses_one_thread_unless_told(tmp_path):
    """--blas-threads sets it; the default is one, with no OPENBLAS_NUM_THREADS in the environment."""
    data = tmp_path / "t.txt"
    data.write_text(TEXT)
    probe = (
        "import sys, rnn_lib.cli as cli\n"
        "import rnn_lib.training as train\n"
        "from rnn_lib.blas import blas_info\n"
        "original = train.Trainer.train_step\n"
        "def step(self):\n"
        "    print('threads', blas_info()[0]['num_threads'], flush=True)\n"
        "    return original(self)\n"
        "train.Trainer.train_step = step\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    for extra, want in (([], "threads 1"), (["--blas-threads", "2"], "threads 2")):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                probe,
                "train",
                "--data",
                str(data),
                "--hidden-size",
                "8",
                "--batch-size",
                "2",
                "--steps",
                "2",
                "--no-progress",
                "--checkpoint",
                str(tmp_path / f"m{len(extra)}.npz"),
                *extra,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert want in result.stdout.splitlines(), result.stdout


def test_the_cli_refuses_a_bad_thread_count(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "rnn_lib", "sample", "--checkpoint", "x.npz", "--blas-threads", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "--blas-threads" in result.stderr and "Traceback" not in result.stderr

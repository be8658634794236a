"""The training loop: determinism, learning, Ctrl-C, divergence, the loss bookkeeping, data splits.

Dimension letters: V vocabulary size, H hidden size, T time steps (seq_length), B streams.
"""

import math
import os
import signal

import numpy as np
import pytest

import rnn_lib.rnn
from rnn_lib import rnn
from rnn_lib.config import TrainConfig
from rnn_lib.history import History
from rnn_lib.training import Trainer, TrainingDiverged, evaluate, split_ids, train
from rnn_lib.vocab import CharVocab

TEXT = "".join(np.random.default_rng(0).choice(list("abcdefgh \n"), 400))
REPETITIVE = "hello world! " * 30

# history fields that are wall-clock times, and so differ between two identical runs
TIMES = ("seconds", "val_seconds")


def config(**overrides):
    base = dict(
        hidden_size=8,
        seq_length=5,
        batch_size=2,
        dtype="float64",
        eval_every=0,
        sample_every=0,
        log_every=1,
        learning_rate=0.1,
        sample_length=12,
        optimizer="adagrad",
    )
    base.update(overrides)
    return TrainConfig(**base)


def history_without_times(h: History) -> dict:
    return {k: v for k, v in h.__dict__.items() if k not in TIMES}


def assert_same_params(a, b):
    for k in rnn.PARAM_NAMES:
        assert np.array_equal(a[k], b[k]), k


# ------------------------------------------------------------------ determinism and learning
def test_same_seed_gives_identical_runs():
    cfg = config(eval_every=4, sample_every=5, log_every=2)
    a = Trainer(TEXT, cfg, progress=False).run(steps=12)
    b = Trainer(TEXT, cfg, progress=False).run(steps=12)
    assert_same_params(a.params, b.params)
    for k in rnn.PARAM_NAMES:
        assert np.array_equal(a.optimizer.memory[k], b.optimizer.memory[k])
    assert history_without_times(a.history) == history_without_times(b.history)
    assert a.history.step == [2, 4, 6, 8, 10, 12]
    assert a.history.val_step == [4, 8, 12]
    assert [s for s, _ in a.samples] == [5, 10]
    assert a.samples == b.samples
    assert all(len(text) == 12 for _, text in a.samples)
    c = Trainer(TEXT, config(eval_every=4, sample_every=5, log_every=2, seed=1), progress=False).run(steps=12)
    assert not np.array_equal(a.params["Whh"], c.params["Whh"])


def test_loss_decreases_on_a_repetitive_text():
    cfg = config(hidden_size=16, seq_length=8, batch_size=2, log_every=1, val_fraction=0.1)
    trainer = Trainer(REPETITIVE, cfg, progress=False)
    before = trainer.validate()
    trainer.run(steps=150)
    nats = trainer.history.train_nats
    assert len(nats) == 150
    assert nats[0] == pytest.approx(math.log(9), rel=0.02)  # uniform over V = 9 characters at first
    assert np.mean(nats[-10:]) < 0.3 * nats[0]
    assert trainer.validate() < 0.5 * before
    assert trainer.stop_reason == "reached step 150"


def test_steps_are_truncated_bptt_with_carried_state_and_adagrad():
    """Three steps of the trainer, written out: consecutive chunks of every stream, the hidden
    state carried from one chunk to the next, clipped gradients, the gist's Adagrad update."""
    cfg = config(batch_size=3, seq_length=4, clip=0.5)
    trainer = Trainer(TEXT, cfg, progress=False)
    params = {k: v.copy() for k, v in trainer.params.items()}
    mem = {k: np.zeros_like(v) for k, v in params.items()}
    L = len(trainer.train_ids) // 3
    grid = trainer.train_ids[: 3 * L].reshape(3, L).T
    h = np.zeros((8, 3))
    losses = []
    for step in range(3):
        p = step * 4
        loss, grads, h = rnn.loss_and_grads(params, grid[p : p + 4], grid[p + 1 : p + 5], h, clip=0.5)
        for k in params:
            mem[k] += grads[k] * grads[k]
            params[k] += -0.1 * grads[k] / np.sqrt(mem[k] + 1e-8)
        losses.append(loss / 4)
    trainer.run(steps=3)
    for k in rnn.PARAM_NAMES:
        np.testing.assert_allclose(trainer.params[k], params[k], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(trainer.hprev, h, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(trainer.history.train_nats, losses, rtol=1e-13)
    assert trainer.position == 12


def test_data_wraps_round_with_a_fresh_state():
    cfg = config(batch_size=2, seq_length=5, val_fraction=0.0)
    text = TEXT[:40]  # 20 characters per stream: steps at positions 0, 5, 10, then back to 0
    trainer = Trainer(text, cfg, progress=False).run(steps=3)
    assert trainer.position == 15
    params = {k: v.copy() for k, v in trainer.params.items()}
    grid = trainer._grid
    loss, _, h = rnn.loss_and_grads(params, grid[0:5], grid[1:6], np.zeros((8, 2)), clip=cfg.clip)
    trainer.run(steps=1)
    assert trainer.position == 5
    assert trainer.history.train_nats[-1] == pytest.approx(loss / 5, rel=1e-13)
    np.testing.assert_allclose(trainer.hprev, h, rtol=1e-13, atol=1e-15)


def test_train_function():
    trainer = train(TEXT, config(), steps=3, progress=False)
    assert isinstance(trainer, Trainer) and trainer.step == 3


def test_run_needs_a_bound():
    trainer = Trainer(TEXT, config(), progress=False)
    with pytest.raises(ValueError, match="steps or seconds"):
        trainer.run()
    with pytest.raises(ValueError, match="steps"):
        trainer.run(steps=-1)
    with pytest.raises(ValueError, match="seconds"):
        trainer.run(seconds=-1.0)
    assert trainer.step == 0


def test_run_stops_at_the_first_bound_and_continues():
    trainer = Trainer(TEXT, config(), progress=False)
    trainer.run(steps=3, seconds=1e6)
    assert trainer.step == 3 and trainer.stop_reason == "reached step 3"
    trainer.run(steps=2)
    assert trainer.step == 5 and trainer.history.step == [1, 2, 3, 4, 5]
    trainer.run(steps=0)
    assert trainer.step == 5


# ------------------------------------------------------------------ Ctrl-C
def _reference_params(cfg, steps):
    return Trainer(TEXT, cfg, progress=False).run(steps=steps).params


def test_sigint_stops_after_the_current_step():
    cfg = config()
    previous_handler = signal.getsignal(signal.SIGINT)

    def press_ctrl_c(trainer, event):
        if event == "log" and trainer.step == 3:
            os.kill(os.getpid(), signal.SIGINT)

    trainer = Trainer(TEXT, cfg, callbacks=[press_ctrl_c], progress=False)
    trainer.run(steps=50)
    assert trainer.stop_reason == "interrupted (Ctrl-C)"
    assert trainer.step == 3
    assert trainer.history.step == [1, 2, 3]
    assert all(np.isfinite(v).all() for v in trainer.params.values())
    assert_same_params(trainer.params, _reference_params(cfg, 3))  # the step was completed, no more
    assert signal.getsignal(signal.SIGINT) is previous_handler  # the handler was put back
    trainer.run(steps=2)  # and training can go on
    assert trainer.step == 5 and trainer.stop_reason == "reached step 5"


def test_keyboard_interrupt_from_a_callback_stops_cleanly():
    cfg = config()

    def interrupt(trainer, event):
        if event == "log" and trainer.step == 4:
            raise KeyboardInterrupt

    trainer = Trainer(TEXT, cfg, callbacks=[interrupt], progress=False)
    trainer.run(steps=50)
    assert trainer.stop_reason == "interrupted (Ctrl-C)"
    assert trainer.step == 4
    assert trainer.history.step == [1, 2, 3, 4]
    assert all(np.isfinite(v).all() for v in trainer.params.values())
    assert_same_params(trainer.params, _reference_params(cfg, 4))


# ------------------------------------------------------------------ divergence
def _nan_at_call(monkeypatch, bad_call, poison):
    """Make rnn_lib.rnn.loss_and_grads return a NaN loss or gradient on its ``bad_call``-th call."""
    real = rnn_lib.rnn.loss_and_grads
    calls = []

    def fake(*args, **kwargs):
        loss, grads, h = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == bad_call:
            if poison == "loss":
                loss = float("nan")
            else:
                grads["Whh"][0, 0] = np.inf
        return loss, grads, h

    monkeypatch.setattr(rnn_lib.rnn, "loss_and_grads", fake)


@pytest.mark.parametrize("poison", ["loss", "grads"])
def test_divergence_keeps_the_last_good_state(monkeypatch, poison):
    cfg = config()
    good = Trainer(TEXT, cfg, progress=False).run(steps=3)
    _nan_at_call(monkeypatch, 4, poison)
    trainer = Trainer(TEXT, cfg, progress=False)
    with pytest.raises(TrainingDiverged) as info:
        trainer.run(steps=10)
    msg = str(info.value)
    assert "step 4" in msg and "learning_rate" in msg
    if poison == "loss":
        assert "nan" in msg
    assert trainer.step == 3
    assert trainer.stop_reason == "non-finite loss at step 4"
    assert all(np.isfinite(v).all() for v in trainer.params.values())
    assert_same_params(trainer.params, good.params)
    for k in rnn.PARAM_NAMES:
        assert np.array_equal(trainer.optimizer.memory[k], good.optimizer.memory[k])
    assert history_without_times(trainer.history) == history_without_times(good.history)
    assert np.array_equal(trainer.hprev, good.hprev)


def test_huge_learning_rate_diverges_with_finite_parameters():
    cfg = config(learning_rate=1e38, dtype="float32", hidden_size=8)
    trainer = Trainer(TEXT, cfg, progress=False)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="learning rate 1e\\+38"):
        trainer.run(steps=20)
    assert trainer.step >= 1
    assert all(np.isfinite(v).all() for v in trainer.params.values())
    assert TrainingDiverged.__mro__[1] is RuntimeError


def test_learning_rate_beyond_float32_range_keeps_parameters_finite():
    cfg = config(learning_rate=1e39, dtype="float32")
    trainer = Trainer(TEXT, cfg, progress=False)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged):
        trainer.run(steps=20)
    assert all(np.isfinite(v).all() for v in trainer.params.values())


# ------------------------------------------------------------------ loss bookkeeping
def test_smooth_loss_is_the_gists_moving_average_of_seq_length_times_nats():
    cfg = config(seq_length=6)
    trainer = Trainer(TEXT, cfg, progress=False)
    V, T = len(trainer.vocab), cfg.seq_length
    assert trainer.smooth_loss == pytest.approx(math.log(V) * T)  # the gist's starting value
    trainer.run(steps=30)
    h = trainer.history
    # at the start (small weights) the per-sequence loss is seq_length * nats/char ~ T log V
    assert h.smooth_loss[0] == pytest.approx(T * h.train_nats[0], rel=1e-3)
    assert h.train_nats[0] == pytest.approx(math.log(V), rel=1e-2)
    expected = math.log(V) * T
    for nats, smooth in zip(h.train_nats, h.smooth_loss):
        expected = 0.999 * expected + 0.001 * (T * nats)
        assert smooth == pytest.approx(expected, rel=1e-12)


def test_history_interval_means_and_bits():
    cfg = config(log_every=1)
    per_step = Trainer(TEXT, cfg, progress=False).run(steps=9).history.train_nats
    trainer = Trainer(TEXT, config(log_every=3, eval_every=3), progress=False).run(steps=9)
    h = trainer.history
    assert h.step == [3, 6, 9]
    np.testing.assert_allclose(h.train_nats, np.reshape(per_step, (3, 3)).mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(h.train_bits, np.array(h.train_nats) / math.log(2), rtol=1e-15)
    np.testing.assert_allclose(h.val_bits, np.array(h.val_nats) / math.log(2), rtol=1e-15)
    assert len(h.val_nats) == 3 and h.val_step == [3, 6, 9]
    assert len(h.seconds) == 3 and all(s >= 0 for s in h.seconds)
    arrays = h.to_arrays()
    assert all(a.dtype == np.float64 for a in arrays.values())
    assert History.from_arrays(arrays) == h


def test_a_partial_interval_stays_pending_until_complete():
    # so that a run resumed after step 6 records exactly the history of an uninterrupted one
    trainer = Trainer(TEXT, config(log_every=4), progress=False).run(steps=6)
    assert trainer.history.step == [4]
    assert len(trainer.state()["interval_losses"]) == 2
    trainer.run(steps=2)
    assert trainer.history.step == [4, 8]
    uninterrupted = Trainer(TEXT, config(log_every=4), progress=False).run(steps=8)
    assert uninterrupted.history == trainer.history.__class__(
        **{
            **vars(trainer.history),
            "seconds": uninterrupted.history.seconds,
            "val_seconds": uninterrupted.history.val_seconds,
        }
    )


# ------------------------------------------------------------------ data split and sizes
def test_validation_split_is_the_last_fraction_of_the_text():
    text = TEXT[:200]
    trainer = Trainer(text, config(val_fraction=0.25), progress=False)
    vocab = trainer.vocab
    assert vocab == CharVocab.from_text(text)
    assert np.array_equal(trainer.train_ids, vocab.encode(text[:150]))
    assert np.array_equal(trainer.val_ids, vocab.encode(text[150:]))
    trainer0 = Trainer(text, config(val_fraction=0.0), progress=False)
    assert len(trainer0.val_ids) == 0 and len(trainer0.train_ids) == 200
    with pytest.raises(ValueError, match="no validation split"):
        trainer0.validate()


def test_streams_cover_consecutive_pieces_of_the_training_split():
    trainer = Trainer(TEXT, config(batch_size=3), progress=False)
    L = len(trainer.train_ids) // 3
    grid = trainer._grid
    for b in range(3):
        assert np.array_equal(grid[:, b], trainer.train_ids[b * L : (b + 1) * L])


def test_validate_equals_evaluate_and_a_plain_computation():
    trainer = Trainer(TEXT, config(val_fraction=0.2, eval_chars=0), progress=False).run(steps=5)
    nats = trainer.validate()
    assert nats == evaluate(trainer.params, trainer.val_ids)
    # one stream, computed in one forward pass, equals evaluate's chunked computation
    ids = trainer.val_ids
    cache = rnn.forward(trainer.params, ids[:-1], np.zeros((8, 1)))
    plain = rnn.cross_entropy(cache, ids[1:]) / (len(ids) - 1)
    assert evaluate(trainer.params, ids, n_streams=1, chunk=7) == pytest.approx(plain, rel=1e-12)
    assert trainer.history.val_nats[-1] == nats


@pytest.mark.parametrize(
    "kwargs,text,match",
    [
        (dict(batch_size=80, seq_length=5), TEXT, r"batch_size=80 .* 4 characters per stream, .* seq_length \+ 1 = 6"),
        (dict(seq_length=500), TEXT, r"seq_length \+ 1 = 501"),
        (dict(val_fraction=0.5), TEXT[:3] * 2, r"training split"),
        (dict(val_fraction=0.01), TEXT[:100], r"validation split has 1 characters"),
    ],
)
def test_text_too_short_for_the_batch(kwargs, text, match):
    with pytest.raises(ValueError, match=match):
        Trainer(text, config(**kwargs), progress=False)


def test_split_ids():
    ids = np.arange(100)
    train_ids, val_ids = split_ids(ids, 0.1, 5)
    assert np.array_equal(train_ids, ids[:90]) and np.array_equal(val_ids, ids[90:])
    with pytest.raises(ValueError, match="seq_length"):
        split_ids(ids, 0.5, 60)


@pytest.mark.parametrize(
    "field,value",
    [
        ("hidden_size", 0),
        ("seq_length", 2.5),
        ("learning_rate", 0),
        ("learning_rate", float("nan")),
        ("clip", -1),
        ("val_fraction", 1.0),
        ("dtype", "float16"),
        ("batch_size", True),
        ("eval_every", -1),
    ],
)
def test_config_rejects_bad_values(field, value):
    with pytest.raises(ValueError, match=field):
        TrainConfig(**{field: value})


def test_config_round_trip_and_gist():
    cfg = config(seed=3)
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown"):
        TrainConfig.from_dict({**cfg.to_dict(), "nonsense": 1})
    gist = TrainConfig.gist()
    assert (gist.hidden_size, gist.seq_length, gist.batch_size, gist.learning_rate) == (100, 25, 1, 0.1)


def test_training_leaves_global_random_state_alone():
    np.random.seed(9)
    before = np.random.get_state()
    Trainer(TEXT, config(sample_every=2), progress=False).run(steps=4)
    after = np.random.get_state()
    assert np.array_equal(before[1], after[1]) and before[2:] == after[2:]


# ------------------------------------------------------------------ learning-rate schedule and dropout
def test_cosine_schedule_values():
    cfg = config(learning_rate=0.01, lr_decay_steps=100, min_learning_rate=0.001)
    assert cfg.learning_rate_at(0) == 0.01
    assert math.isclose(cfg.learning_rate_at(50), 0.0055)  # halfway: the mean of the two ends
    assert math.isclose(cfg.learning_rate_at(100), 0.001) and cfg.learning_rate_at(1000) == cfg.learning_rate_at(100)
    rates = [cfg.learning_rate_at(s) for s in range(101)]
    assert all(a >= b for a, b in zip(rates, rates[1:]))
    assert config(learning_rate=0.01).learning_rate_at(10**6) == 0.01  # no decay by default


def test_trainer_applies_the_schedule_step_by_step():
    seen = []
    cfg = config(learning_rate=0.1, lr_decay_steps=4, min_learning_rate=0.01)
    trainer = Trainer(TEXT, cfg, progress=False)
    original = trainer.optimizer.step

    def spy(grads):
        seen.append(trainer.optimizer.learning_rate)
        original(grads)

    trainer.optimizer.step = spy
    trainer.run(steps=6)
    assert seen == [cfg.learning_rate_at(s) for s in range(6)]
    assert seen[0] == 0.1 and seen[4] == seen[5] == 0.01


def test_set_learning_rate_rescales_the_schedule():
    trainer = Trainer(TEXT, config(learning_rate=0.1, lr_decay_steps=10, min_learning_rate=0.05), progress=False)
    trainer.run(steps=5)
    trainer.set_learning_rate(0.02)  # below the old floor: the floor comes down with it
    assert trainer.config.learning_rate == 0.02 and trainer.config.min_learning_rate == 0.02
    assert trainer.optimizer.learning_rate == 0.02


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_dropout_in_training_is_seeded_and_changes_the_run(cell):
    cfg = config(cell=cell, layers=2, dropout=0.3)
    a = Trainer(TEXT, cfg, progress=False).run(steps=5)
    b = Trainer(TEXT, cfg, progress=False).run(steps=5)
    plain = Trainer(TEXT, config(cell=cell, layers=2), progress=False)
    for k in a.params:
        assert np.array_equal(a.params[k], b.params[k]), k
    # the initial weights do not depend on dropout (the masks have their own random stream)
    fresh = Trainer(TEXT, cfg, progress=False)
    for k in fresh.params:
        assert np.array_equal(fresh.params[k], plain.params[k]), k
    plain.run(steps=5)
    assert not np.array_equal(a.params["Why"], plain.params["Why"])


@pytest.mark.parametrize(
    "overrides,match",
    [
        ({"dropout": 0.2}, "dropout is implemented for cell='lstm'"),
        ({"cell": "lstm", "dropout": 1.0}, "dropout must be a probability"),
        ({"cell": "lstm", "dropout": -0.5}, "dropout must be a probability"),
        ({"min_learning_rate": 0.5}, "min_learning_rate must be between 0 and learning_rate"),
        ({"lr_decay_steps": -1}, "lr_decay_steps"),
        ({"lr_decay_steps": 2.5}, "lr_decay_steps"),
    ],
)
def test_config_rejects_bad_schedule_and_dropout(overrides, match):
    with pytest.raises(ValueError, match=match):
        config(**overrides)


@pytest.mark.parametrize("cell,layers", [("rnn", 1), ("lstm", 2), ("gru", 1)])
def test_threads_compute_the_same_update_as_one_thread(cell, layers):
    one = Trainer(TEXT, config(cell=cell, layers=layers, batch_size=5), progress=False).run(steps=6)
    three = Trainer(TEXT, config(cell=cell, layers=layers, batch_size=5, threads=3), progress=False).run(steps=6)
    for k in one.params:
        np.testing.assert_allclose(three.params[k], one.params[k], rtol=1e-10, atol=1e-12, err_msg=k)
    np.testing.assert_allclose(three.hprev, one.hprev, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(three.history.train_nats, one.history.train_nats, rtol=1e-12)
    # the same result whether the groups run in the pool (run) or one after the other (train_step)
    stepwise = Trainer(TEXT, config(cell=cell, layers=layers, batch_size=5, threads=3), progress=False)
    for _ in range(6):
        stepwise.train_step()
    for k in one.params:
        assert np.array_equal(stepwise.params[k], three.params[k]), k


def test_threads_with_dropout_are_reproducible_and_clip_after_averaging():
    cfg = config(cell="lstm", batch_size=4, threads=2, dropout=0.3, clip=0.01)
    a = Trainer(TEXT, cfg, progress=False).run(steps=4)
    b = Trainer(TEXT, cfg, progress=False).run(steps=4)
    for k in a.params:
        assert np.array_equal(a.params[k], b.params[k]), k
    trainer = Trainer(TEXT, cfg, progress=False)
    _, grads, _ = trainer._loss_and_grads(trainer._grid[:5], trainer._grid[1:6])
    assert max(np.abs(g).max() for g in grads.values()) <= 0.01


def test_threads_config_errors():
    with pytest.raises(ValueError, match="threads"):
        config(threads=0)
    with pytest.raises(ValueError, match=r"threads \(3\) must not exceed batch_size \(2\)"):
        config(threads=3)


def test_forget_bias_reaches_the_lstm_and_only_the_lstm():
    trainer = Trainer(TEXT, config(cell="lstm", hidden_size=6, forget_bias=0.0), progress=False)
    assert not trainer.params["b0"].any()
    default = Trainer(TEXT, config(cell="lstm", hidden_size=6), progress=False)
    assert np.all(default.params["b0"][6:12] == 1)
    for cell in ("rnn", "gru"):
        with pytest.raises(ValueError, match="forget_bias is a setting of cell='lstm'"):
            config(cell=cell, forget_bias=0.0)
    with pytest.raises(ValueError, match="forget_bias must be a finite number"):
        config(cell="lstm", forget_bias=float("inf"))


# ------------------------------------------------------------------ the update without a copy
def _state_of(trainer):
    return {**{f"param {k}": v.copy() for k, v in trainer.params.items()}, **trainer.optimizer.state_dict()}


def _same_state(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


@pytest.fixture(params=["copy", "proof"])
def update_path(request, monkeypatch):
    """Run the trainer's update on a copy always (as small models do) or proven finite when it can be."""
    monkeypatch.setattr(rnn_lib.training, "_PROVE_ABOVE_BYTES", 0 if request.param == "proof" else math.inf)
    return request.param


@pytest.mark.parametrize("overrides", [{}, {"cell": "gru", "layers": 2, "optimizer": "adam", "dtype": "float32"}])
def test_proven_updates_are_the_copied_ones_bit_for_bit(monkeypatch, overrides):
    real, checks, states = rnn_lib.training._all_finite, [], {}
    monkeypatch.setattr(rnn_lib.training, "_all_finite", lambda arrays: checks.append(1) or real(arrays))
    for path, threshold in (("copy", math.inf), ("proof", 0)):
        monkeypatch.setattr(rnn_lib.training, "_PROVE_ABOVE_BYTES", threshold)
        checks.clear()
        states[path] = _state_of(Trainer(TEXT, config(**overrides), progress=False).run(steps=15))
        # one check of the initial weights, then per step: the gradients and, after a copied update, the
        # parameters; a proven one needs no check after it
        assert len(checks) == 1 + (30 if path == "copy" else 15)
    assert _same_state(states["copy"], states["proof"])


@pytest.mark.parametrize("optimizer", ["adagrad", "adam"])
def test_an_overflowing_update_is_undone_exactly(update_path, optimizer):
    cfg = config(optimizer=optimizer, dtype="float32")
    trainer = Trainer(TEXT, cfg, progress=False).run(steps=4)
    good = _state_of(trainer)
    trainer.set_learning_rate(1e39)  # beyond float32: the update makes parameters infinite or NaN
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="made parameters infinite"):
        trainer.run(steps=1)
    assert trainer.step == 4 and trainer.stop_reason == "non-finite parameters at step 5"
    assert _same_state(_state_of(trainer), good)  # parameters and optimiser memory, bit for bit
    trainer.set_learning_rate(cfg.learning_rate)
    trainer.run(steps=3)
    resumed = Trainer(TEXT, cfg, progress=False).run(steps=7)
    assert _same_state(_state_of(trainer), _state_of(resumed))  # as if the failed step never happened


@pytest.mark.parametrize("optimizer", ["adagrad", "adam"])
def test_a_memory_poisoned_by_hand_cannot_poison_the_parameters(update_path, optimizer):
    trainer = Trainer(TEXT, config(optimizer=optimizer), progress=False).run(steps=3)
    name = "v/Whh" if optimizer == "adam" else "Whh"
    trainer.optimizer.memory[name][0, 0] = np.nan
    before = _state_of(trainer)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged):
        trainer.run(steps=1)
    assert trainer.step == 3 and _same_state(_state_of(trainer), before)


@pytest.mark.parametrize("optimizer", ["adagrad", "adam"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_change_bounds_every_step(optimizer, dtype):
    from rnn_lib.optim import Adagrad, Adam

    rng = np.random.default_rng(0)
    params = {"a": rng.normal(size=(30, 20)).astype(dtype), "b": np.zeros((7, 1), dtype)}
    opt = (Adam if optimizer == "adam" else Adagrad)(params, learning_rate=0.05)
    for step in range(40):
        scale = 10.0 ** rng.integers(-12, 3)  # tiny gradients make the largest steps relative to them
        grads = {k: (scale * rng.normal(size=v.shape)).astype(dtype) for k, v in params.items()}
        bound = opt.max_change(max(float(np.abs(g).max()) for g in grads.values()))
        before = {k: v.copy() for k, v in params.items()}
        opt.step(grads)
        moved = max(float(np.abs(params[k].astype(np.float64) - before[k]).max()) for k in params)
        assert moved <= bound, (step, moved, bound)
    opt.memory["v/a" if optimizer == "adam" else "a"][0, 0] = -1.0  # impossible after any step
    assert opt.max_change(1.0) == math.inf


@pytest.mark.parametrize("threads", [2, 3])
def test_periodic_validation_with_threads_is_evaluate_up_to_rounding(threads):
    cfg = config(cell="gru", batch_size=6, threads=threads, eval_every=3, val_fraction=0.3, eval_chars=0)
    seen = []

    def on_eval(trainer, event):
        if event == "eval":
            seen.append(evaluate(trainer.params, trainer.val_ids))

    trainer = Trainer(TEXT, cfg, progress=False, callbacks=[on_eval])
    trainer.run(steps=6)
    assert trainer.history.val_step == [3, 6]
    assert trainer.history.val_nats == pytest.approx(seen, rel=1e-12, abs=0)
    assert trainer.validate() == evaluate(trainer.params, trainer.val_ids)  # outside run: one thread, as before

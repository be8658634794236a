"""Checkpoints: round trip, bit-identical resume, no pickle, atomic writes, clear errors.

Dimension letters: V vocabulary size, H hidden size, B streams.
"""

import json
import pickle
import zipfile
from dataclasses import replace

import numpy as np
import pytest

from rnn_lib import rnn
from rnn_lib.checkpoint import CHECKPOINT_DIR, Checkpoint, CheckpointError, load_checkpoint, save_checkpoint
from rnn_lib.config import TrainConfig
from rnn_lib.history import History
from rnn_lib.training import Trainer

TEXT = "".join(np.random.default_rng(1).choice(list("abcdefg ✓\n"), 130))
TIMES = ("seconds", "val_seconds")


def config(**overrides):
    base = dict(
        hidden_size=8,
        seq_length=5,
        batch_size=2,
        dtype="float32",
        eval_every=3,
        sample_every=4,
        sample_length=15,
        log_every=2,
        learning_rate=0.1,
        optimizer="adagrad",
    )
    base.update(overrides)
    return TrainConfig(**base)


def history_without_times(h):
    return {k: v for k, v in h.__dict__.items() if k not in TIMES}


def read_npz(path):
    with np.load(path, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def rewrite(src, dst, change):
    """Copy checkpoint ``src`` to ``dst`` after ``change(arrays, meta)`` edits it."""
    arrays = read_npz(src)
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    change(arrays, meta)
    if meta is not None:
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    with open(dst, "wb") as f:
        np.savez(f, **arrays)
    return dst


@pytest.fixture
def saved(tmp_path):
    trainer = Trainer(TEXT, config(), progress=False).run(steps=8)
    path = tmp_path / "model.npz"
    trainer.save(path)
    return trainer, path


# ------------------------------------------------------------------ round trip
def test_round_trip(saved):
    trainer, path = saved
    ckpt = load_checkpoint(path)
    assert isinstance(ckpt, Checkpoint)
    for k in rnn.PARAM_NAMES:
        assert ckpt.params[k].dtype == np.float32
        assert np.array_equal(ckpt.params[k], trainer.params[k])
        assert np.array_equal(ckpt.memory[k], trainer.optimizer.memory[k])
    assert np.array_equal(ckpt.hprev, trainer.hprev) and ckpt.hprev.shape == (8, 2)
    assert ckpt.config == trainer.config
    assert ckpt.vocab == trainer.vocab and "✓" in ckpt.vocab
    assert ckpt.history == trainer.history  # times included: float64 stores them exactly
    assert ckpt.history.val_step == [3, 6] and ckpt.history.step == [2, 4, 6, 8]
    assert ckpt.state == trainer.state()
    assert ckpt.step == 8
    assert [tuple(s) for s in ckpt.state["samples"]] == trainer.samples


def test_model_only_checkpoint(tmp_path):
    cfg = config(hidden_size=4)
    params = rnn.init_params(3, 4, np.random.default_rng(0), dtype=np.float64)
    from rnn_lib.vocab import CharVocab

    path = save_checkpoint(tmp_path / "sub" / "m.npz", params, CharVocab(("a", "b", "c")), cfg)
    assert path.is_file()
    ckpt = load_checkpoint(path)
    assert ckpt.memory is None and ckpt.hprev is None
    assert ckpt.history == History() and ckpt.step == 0
    assert all(np.array_equal(ckpt.params[k], params[k]) for k in params)


def test_save_refuses_arrays_that_do_not_match_the_config(tmp_path):
    trainer = Trainer(TEXT, config(), progress=False)
    with pytest.raises(ValueError, match="Whh"):
        save_checkpoint(tmp_path / "x.npz", {**trainer.params, "Whh": np.zeros((3, 3))}, trainer.vocab, trainer.config)
    assert not list(tmp_path.iterdir())  # nothing written


# ------------------------------------------------------------------ resume
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_resume_is_bit_identical(tmp_path, dtype):
    # 130 characters: 117 for training, 58 per stream, so the data wraps round at step 12,
    # after the resume point; evaluation every 3 steps and samples every 4 cross it too.
    cfg = config(dtype=dtype)
    n = 6
    straight = Trainer(TEXT, cfg, progress=False).run(steps=2 * n)

    first = Trainer(TEXT, cfg, progress=False).run(steps=n)
    path = tmp_path / "half.npz"
    first.save(path)
    resumed = Trainer.resume(path, TEXT, progress=False)
    assert resumed.step == n
    resumed.run(steps=n)

    assert resumed.step == straight.step == 2 * n
    assert resumed.position == straight.position
    assert straight.position < n * cfg.seq_length  # the wrap-round happened
    for k in rnn.PARAM_NAMES:
        assert resumed.params[k].dtype == np.dtype(dtype)
        assert np.array_equal(resumed.params[k], straight.params[k]), k
        assert np.array_equal(resumed.optimizer.memory[k], straight.optimizer.memory[k]), k
    assert np.array_equal(resumed.hprev, straight.hprev)
    assert history_without_times(resumed.history) == history_without_times(straight.history)
    assert resumed.history.val_step == [3, 6, 9, 12]
    assert resumed.samples == straight.samples and [s for s, _ in straight.samples] == [4, 8, 12]
    assert resumed.smooth_loss == straight.smooth_loss
    # the sampling RNG continues where it was too
    assert resumed.sample(20) == straight.sample(20)


def test_resume_keeps_the_model_trainable(saved):
    trainer, path = saved
    resumed = Trainer.resume(str(path), TEXT, progress=False)
    resumed.run(steps=2)
    assert resumed.step == 10


def test_resume_with_another_vocabulary(saved):
    _, path = saved
    with pytest.raises(ValueError) as info:
        Trainer.resume(path, TEXT + "XYZ", progress=False)
    msg = str(info.value)
    assert "vocabulary" in msg and "'XYZ'" in msg and "resume with the text" in msg
    with pytest.raises(ValueError, match="vocabulary"):
        Trainer.resume(path, TEXT.replace("a", ""), progress=False)


def test_resume_a_model_only_checkpoint_gives_a_clear_error(tmp_path):
    trainer = Trainer(TEXT, config(), progress=False)
    path = save_checkpoint(tmp_path / "m.npz", trainer.params, trainer.vocab, trainer.config)
    with pytest.raises(ValueError, match="resume"):
        Trainer.resume(path, TEXT, progress=False)


# ------------------------------------------------------------------ the file format
def test_file_is_a_pickle_free_npz(saved):
    _, path = saved
    arrays = read_npz(path)  # allow_pickle=False
    assert all(a.dtype != object for a in arrays.values())
    assert {f"param/{k}" for k in rnn.PARAM_NAMES} <= set(arrays)
    assert {f"memory/{k}" for k in rnn.PARAM_NAMES} <= set(arrays)
    assert {"meta", "hprev", "history/step", "history/val_nats"} <= set(arrays)
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    assert meta["format"] == "rnn_lib-checkpoint" and meta["version"] == 1
    assert meta["config"]["hidden_size"] == 8
    with zipfile.ZipFile(path) as z:  # an ordinary zip of .npy files
        assert "meta.npy" in z.namelist()


# ------------------------------------------------------------------ atomic writes
def test_no_temporary_files_left(saved, tmp_path):
    trainer, path = saved
    trainer.save(path)  # overwrite an existing checkpoint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]


@pytest.mark.parametrize("exc", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_save_leaves_the_old_file_intact(saved, tmp_path, monkeypatch, exc):
    trainer, path = saved
    old_bytes = path.read_bytes()
    trainer.run(steps=2)  # something new to save

    def broken_savez(file, *args, **kwargs):
        file.write(b"PK\x03\x04 half a zip file")
        raise exc

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(type(exc)):
        trainer.save(path)
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]
    monkeypatch.undo()
    assert load_checkpoint(path).step == 8


# ------------------------------------------------------------------ unusable files
def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        load_checkpoint(tmp_path / "nope.npz")


@pytest.mark.parametrize("cut", [0, 10, 0.5, -20])
def test_truncated_file(saved, tmp_path, cut):
    _, path = saved
    data = path.read_bytes()
    n = int(len(data) * cut) if isinstance(cut, float) else (cut if cut >= 0 else len(data) + cut)
    bad = tmp_path / "cut.npz"
    bad.write_bytes(data[:n])
    with pytest.raises(CheckpointError, match="truncated or not an .npz"):
        load_checkpoint(bad)


def test_random_bytes(tmp_path):
    bad = tmp_path / "random.npz"
    bad.write_bytes(b"\x00" + np.random.default_rng(0).bytes(2000))
    with pytest.raises(CheckpointError):
        load_checkpoint(bad)


def test_random_bytes_are_not_called_a_pickle(tmp_path):
    bad = tmp_path / "random.npz"
    bad.write_bytes(b"this is a text file, not a checkpoint\n" * 20)
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(bad)
    assert "pickle" not in str(info.value).lower()
    assert "not" in str(info.value)


def test_pickle_file(tmp_path):
    bad = tmp_path / "evil.npz"
    with open(bad, "wb") as f:
        pickle.dump({"param/Wxh": [1, 2, 3]}, f)
    with pytest.raises(CheckpointError, match="pickled Python objects"):
        load_checkpoint(bad)


def test_object_array(saved, tmp_path):
    _, path = saved
    arrays = read_npz(path)
    arrays["param/Wxh"] = np.array([{"a": 1}, None], dtype=object)
    bad = tmp_path / "object.npz"
    np.savez(bad, **arrays)
    with pytest.raises(CheckpointError, match="pickle"):
        load_checkpoint(bad)


def test_npy_file(tmp_path):
    bad = tmp_path / "array.npz"
    with open(bad, "wb") as f:
        np.save(f, np.zeros(3))
    with pytest.raises(CheckpointError, match="not"):
        load_checkpoint(bad)


def test_npz_without_meta(tmp_path):
    bad = tmp_path / "plain.npz"
    np.savez(bad, Wxh=np.zeros((2, 2)))
    with pytest.raises(CheckpointError, match="not an rnn_lib checkpoint .*'meta'"):
        load_checkpoint(bad)


def _drop(key):
    return lambda arrays, meta: arrays.pop(key)


@pytest.mark.parametrize(
    "change,match",
    [
        (
            lambda a, m: a.__setitem__("param/Whh", np.zeros((9, 9), np.float32)),
            r"Whh has shape \(9, 9\) but hidden_size=8 .* need \(8, 8\)",
        ),
        (lambda a, m: a.__setitem__("param/Why", np.zeros((3, 8), np.float32)), r"Why has shape \(3, 8\)"),
        (lambda a, m: m["config"].__setitem__("hidden_size", 16), r"Wxh has shape \(8, 10\) but hidden_size=16"),
        (lambda a, m: m.__setitem__("vocab", "abc"), r"3-character vocabulary"),
        (lambda a, m: a.__setitem__("memory/bh", np.zeros((5, 1), np.float32)), r"Adagrad memory.*bh has shape"),
        (_drop("param/by"), r"missing \['param/by'\]"),
        (
            lambda a, m: m.__setitem__("format", "something-else"),
            r"not an rnn_lib checkpoint \(format 'something-else'\)",
        ),
        (lambda a, m: m.__setitem__("version", 99), r"checkpoint version 99; this rnn_lib reads version 1"),
        (lambda a, m: m["config"].__setitem__("hidden_size", -1), r"invalid configuration .*hidden_size"),
        (
            lambda a, m: m["config"].__setitem__("colour", "red"),
            r"invalid configuration .*unknown configuration fields",
        ),
        (lambda a, m: m.__setitem__("vocab", "aab"), r"invalid configuration or vocabulary"),
        (_drop("history/val_nats"), r"history is missing the field 'val_nats'"),
    ],
)
def test_inconsistent_checkpoints(saved, tmp_path, change, match):
    _, path = saved
    bad = rewrite(path, tmp_path / "bad.npz", change)
    with pytest.raises(CheckpointError, match=match):
        load_checkpoint(bad)


def test_damaged_metadata(saved, tmp_path):
    _, path = saved
    arrays = read_npz(path)
    arrays["meta"] = np.frombuffer(b'{"format": \xff', dtype=np.uint8)
    bad = tmp_path / "meta.npz"
    np.savez(bad, **arrays)
    with pytest.raises(CheckpointError, match="metadata record is damaged"):
        load_checkpoint(bad)


def test_checkpoint_error_is_a_value_error():
    assert issubclass(CheckpointError, ValueError)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_resume_with_dropout_and_a_schedule_is_bit_identical(tmp_path, cell):
    cfg = config(cell=cell, layers=2, dropout=0.25, lr_decay_steps=8, min_learning_rate=0.01)
    straight = Trainer(TEXT, cfg, progress=False).run(steps=10)
    first = Trainer(TEXT, cfg, progress=False).run(steps=5)
    first.save(tmp_path / "half.npz")
    resumed = Trainer.resume(tmp_path / "half.npz", TEXT, progress=False).run(steps=5)
    assert resumed.config == cfg
    for k in straight.params:
        assert np.array_equal(resumed.params[k], straight.params[k]), k
    assert history_without_times(resumed.history) == history_without_times(straight.history)


# ------------------------------------------------------------------ the shipped checkpoints
def _documented_commands():
    """{checkpoint file: [argument lists of `python -m rnn_lib train`]} from checkpoints/README.md."""
    import re
    import shlex

    readme = (CHECKPOINT_DIR / "README.md").read_text()
    commands = {}
    for line in readme.splitlines():
        if not line.startswith("| `"):
            continue
        file = line.split("`")[1]
        for cmd in re.findall(r"`(python -m rnn_lib train [^`]+)`", line):
            commands.setdefault(file, []).append(shlex.split(cmd)[4:])
    return commands


def test_every_shipped_checkpoint_is_what_its_documented_commands_make():
    from rnn_lib.cli import build_parser, train_config

    commands = _documented_commands()
    shipped = sorted(p.name for p in CHECKPOINT_DIR.glob("*.npz"))
    assert set(shipped) == set(commands), "checkpoints/README.md gives the commands of every shipped checkpoint"
    checked = 0
    for file, runs in commands.items():
        ckpt = load_checkpoint(CHECKPOINT_DIR / file)
        args = [build_parser().parse_args(["train", *run]) for run in runs]
        assert all(a.checkpoint.name == file for a in args), file
        assert ckpt.step == sum(a.steps for a in args), file
        expected = train_config(args[0])
        for later in args[1:]:  # --resume runs keep the settings, except a new learning rate
            assert later.resume
            if later.learning_rate is not None:
                expected = replace(expected, learning_rate=later.learning_rate)
        assert ckpt.config == expected, file
        checked += 1
    assert checked == len(shipped) == 4

"""Adagrad (both its one-buffer fast path and its per-array path), SGD, and sampling text.

Dimension letters: V vocabulary size, H hidden size, T time steps.
"""

import numpy as np
import pytest

from rnn_lib import rnn
from rnn_lib.optim import SGD, Adagrad
from rnn_lib.references import loss_and_grads_reference
from rnn_lib.sampling import next_char_distribution, sample, sample_ids
from rnn_lib.vocab import CharVocab

TEXT = "hello world, hold the door."
VOCAB = CharVocab.from_text(TEXT)
V, H, T = len(VOCAB), 10, 6
LR = 0.1


def make_params(seed=0, scale=0.5, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(V, H, rng, scale=scale, dtype=dtype)
    params["bh"][...] = 0.3 * rng.standard_normal((H, 1))
    params["by"][...] = 0.3 * rng.standard_normal((V, 1))
    return params


def batches(seed, n):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        ids = rng.integers(0, V, T + 1)
        yield ids[:-1], ids[1:]


def gist_adagrad(params, grads_list, lr=LR):
    """The gist's update, written out on copies: mem += g*g; param += -lr*g/sqrt(mem+1e-8)."""
    p = {k: v.copy() for k, v in params.items()}
    mem = {k: np.zeros_like(v) for k, v in params.items()}
    for grads in grads_list:
        for k in p:
            mem[k] += grads[k] * grads[k]
            p[k] += -lr * grads[k] / np.sqrt(mem[k] + 1e-8)
    return p, mem


# ------------------------------------------------------------------ Adagrad
def test_adagrad_on_the_library_gradients_matches_the_gist_formula():
    params = make_params()
    start = {k: v.copy() for k, v in params.items()}
    opt = Adagrad(params, LR)
    objects = {k: id(v) for k, v in params.items()}
    grads_list = []
    for inputs, targets in batches(1, 3):
        _, grads, _ = rnn.loss_and_grads(params, inputs, targets, np.zeros((H, 1)))
        grads_list.append({k: g.copy() for k, g in grads.items()})
        opt.step(grads)
    expected, mem = gist_adagrad(start, grads_list)
    for k in rnn.PARAM_NAMES:
        assert id(params[k]) == objects[k]  # updated in place, never replaced
        assert not np.array_equal(params[k], start[k]), k
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(opt.memory[k], mem[k], rtol=1e-14, atol=0)
    # the gist's names for the memory
    assert opt.mWxh is opt.memory["Wxh"]
    np.testing.assert_allclose(opt.mWhh, mem["Whh"], rtol=1e-14)
    np.testing.assert_allclose(opt.mby, mem["by"], rtol=1e-14)
    with pytest.raises(AttributeError):
        _ = opt.mFoo
    assert set(opt.state_dict()) == set(rnn.PARAM_NAMES)


def test_adagrad_on_the_reference_gradients_matches_the_gist_formula():
    params = make_params()
    start = {k: v.copy() for k, v in params.items()}
    opt = Adagrad(params, LR)
    objects = {k: id(v) for k, v in params.items()}
    grads_list = []
    for inputs, targets in batches(2, 3):
        _, grads, _ = loss_and_grads_reference(params, inputs, targets, np.zeros((H, 1)))
        grads_list.append({k: g.copy() for k, g in grads.items()})
        opt.step(grads)
    expected, mem = gist_adagrad(start, grads_list)
    for k in rnn.PARAM_NAMES:
        assert id(params[k]) == objects[k]
        assert not np.array_equal(params[k], start[k]), k
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(getattr(opt, "m" + k), mem[k], rtol=1e-14)


def test_adagrad_flat_params_with_separate_grads():
    params = make_params()
    start = {k: v.copy() for k, v in params.items()}
    opt = Adagrad(params, LR)
    inputs, targets = next(batches(3, 1))
    _, grads, _ = rnn.loss_and_grads(params, inputs, targets, np.zeros((H, 1)))
    loose = {k: grads[k].copy() for k in reversed(rnn.PARAM_NAMES)}  # other order, separate arrays
    opt.step(loose)
    expected, _ = gist_adagrad(start, [grads])
    for k in rnn.PARAM_NAMES:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-14, atol=1e-15)


def test_adagrad_follows_a_replaced_dict_entry():
    """If a parameter array is replaced in the dict, the update goes to the new array."""
    params = make_params()
    start = {k: v.copy() for k, v in params.items()}
    opt = Adagrad(params, LR)
    old_whh = params["Whh"]
    params["Whh"] = old_whh.copy()
    inputs, targets = next(batches(4, 1))
    _, grads, _ = rnn.loss_and_grads(params, inputs, targets, np.zeros((H, 1)))
    opt.step(grads)
    expected, _ = gist_adagrad(start, [grads])
    for k in rnn.PARAM_NAMES:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-14, atol=1e-15)
    assert np.array_equal(old_whh, start["Whh"])  # the detached array was not written


def test_adagrad_float32():
    params = make_params(dtype=np.float32)
    start = {k: v.astype(np.float64) for k, v in params.items()}
    opt = Adagrad(params, LR)
    inputs, targets = next(batches(5, 1))
    _, grads, _ = rnn.loss_and_grads(params, inputs, targets, np.zeros((H, 1), np.float32))
    opt.step(grads)
    expected, _ = gist_adagrad(start, [{k: g.astype(np.float64) for k, g in grads.items()}])
    for k in rnn.PARAM_NAMES:
        assert params[k].dtype == np.float32 and opt.memory[k].dtype == np.float32
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-5, atol=1e-6)


def test_adagrad_errors():
    params = make_params()
    with pytest.raises(ValueError, match="learning_rate"):
        Adagrad(params, 0)
    with pytest.raises(ValueError, match="learning_rate"):
        Adagrad(params, -0.1)
    opt = Adagrad(params, LR)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    del grads["by"]
    with pytest.raises(KeyError, match="by"):
        opt.step(grads)


def test_adagrad_load_state_dict():
    params = make_params()
    opt = Adagrad(params, LR)
    memory = {k: np.full(v.shape, 2.0) for k, v in params.items()}
    opt.load_state_dict(memory)
    assert all((opt.memory[k] == 2).all() for k in params)
    memory["Whh"] = np.zeros((H + 1, H))
    with pytest.raises(ValueError, match="Whh"):
        opt.load_state_dict(memory)


def test_sgd():
    params = make_params()
    start = {k: v.copy() for k, v in params.items()}
    grads = {k: np.ones_like(v) * 0.5 for k, v in params.items()}
    SGD(params, 0.2).step(grads)
    for k in params:
        np.testing.assert_allclose(params[k], start[k] - 0.1, rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(params, 0)


# ------------------------------------------------------------------ sampling
def test_same_seed_same_text_different_seed_different_text():
    params = make_params(scale=1.0)
    a = sample(params, VOCAB, 60, np.random.default_rng(7))
    b = sample(params, VOCAB, 60, np.random.default_rng(7))
    c = sample(params, VOCAB, 60, np.random.default_rng(8))
    assert a == b
    assert a != c


@pytest.mark.parametrize("length", [0, 1, 37])
def test_length_and_alphabet(length):
    params = make_params(scale=1.0)
    text = sample(params, VOCAB, length, np.random.default_rng(0), prime="hel")
    assert isinstance(text, str) and len(text) == length  # the continuation only, not the prime
    assert set(text) <= set(VOCAB.chars)


def test_temperature_zero_is_greedy_and_deterministic():
    params = make_params(scale=1.0)
    a = sample(params, VOCAB, 30, np.random.default_rng(1), temperature=0)
    b = sample(params, VOCAB, 30, np.random.default_rng(2), temperature=0)
    assert a == b
    # the argmax chain written out
    h = np.zeros((H, 1))
    expected = []
    for _ in range(30):
        ix = int(np.argmax(params["Why"] @ h + params["by"]))
        expected.append(VOCAB.chars[ix])
        h = np.tanh(params["Wxh"][:, [ix]] + params["Whh"] @ h + params["bh"])
    assert a == "".join(expected)


def test_prime_is_the_same_as_its_hidden_state():
    params = make_params(scale=1.0)
    h = rnn.forward(params, VOCAB.encode("hello"), np.zeros((H, 1)))["h_last"]
    with_prime = sample(params, VOCAB, 40, np.random.default_rng(3), prime="hello")
    with_state = sample(params, VOCAB, 40, np.random.default_rng(3), hprev=h)
    assert with_prime == with_state
    assert with_prime != sample(params, VOCAB, 40, np.random.default_rng(3), prime="door")


def test_draws_follow_the_model_distribution():
    """The inverse-CDF draw picks character i with probability p_i (5-sigma bounds on the counts).

    With Wxh, Whh and bh zero the state stays 0, so every draw comes from softmax(by).
    """
    params = make_params(scale=1.0)
    for k in ("Wxh", "Whh", "bh"):
        params[k][...] = 0
    params["by"][:, 0] = np.linspace(-2.0, 1.5, V)
    p = next_char_distribution(params["by"][:, 0], 1.0)
    n = 2000
    ids, h = sample_ids(params, [], n, np.random.default_rng(11))
    assert not h.any()
    counts = np.bincount(ids, minlength=V)
    sigma = np.sqrt(n * p * (1 - p)) + 1
    assert np.all(np.abs(counts - n * p) < 5 * sigma), (counts, n * p)
    # and at temperature 0.5 the distribution is softmax(2 by)
    ids, _ = sample_ids(params, [], n, np.random.default_rng(12), temperature=0.5)
    p = next_char_distribution(2 * params["by"][:, 0], 1.0)
    counts = np.bincount(ids, minlength=V)
    assert np.all(np.abs(counts - n * p) < 5 * (np.sqrt(n * p * (1 - p)) + 1)), (counts, n * p)


def test_next_char_distribution():
    logits = np.array([1.0, 3.0, 2.0, 3.0 - 1e-9])
    p1 = next_char_distribution(logits, 1.0)
    e = np.exp(logits - logits.max())
    np.testing.assert_allclose(p1, e / e.sum(), rtol=1e-12)
    p_half = next_char_distribution(logits, 0.5)
    np.testing.assert_allclose(p_half, np.exp(2 * logits - 6) / np.exp(2 * logits - 6).sum(), rtol=1e-12)
    assert p_half[1] > p1[1]  # lower temperature sharpens
    assert next_char_distribution(logits, 0).tolist() == [0, 1, 0, 0]
    big = next_char_distribution(np.array([1000.0, 0.0]), 1.0)  # no overflow
    assert np.isfinite(big).all() and big[0] == 1.0


def test_unknown_prime_character_is_named():
    params = make_params()
    with pytest.raises(ValueError) as info:
        sample(params, VOCAB, 10, np.random.default_rng(0), prime="helXo")
    assert "'X'" in str(info.value)
    assert "helXo" in str(info.value)


@pytest.mark.parametrize("temperature", [-0.5, float("nan"), float("inf"), "1"])
def test_bad_temperature(temperature):
    with pytest.raises(ValueError, match="temperature"):
        sample(make_params(), VOCAB, 10, np.random.default_rng(0), temperature=temperature)


def test_bad_length_and_vocabulary():
    params = make_params()
    with pytest.raises(ValueError, match="length"):
        sample(params, VOCAB, -1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="vocabulary"):
        sample(params, CharVocab.from_text("abc"), 10, np.random.default_rng(0))


def test_float32_model_samples():
    params = make_params(scale=1.0, dtype=np.float32)
    text = sample(params, VOCAB, 20, np.random.default_rng(0), prime="he", temperature=0.7)
    assert len(text) == 20 and set(text) <= set(VOCAB.chars)


def test_sampling_leaves_global_random_state_alone():
    np.random.seed(5)
    before = np.random.get_state()
    sample(make_params(), VOCAB, 20, np.random.default_rng(0))
    after = np.random.get_state()
    assert np.array_equal(before[1], after[1]) and before[2:] == after[2:]

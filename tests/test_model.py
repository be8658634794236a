"""The vectorised model against the plain per-step reference, batching, dtypes, init and input checks.

Dimension letters: V vocabulary size, H hidden size, T time steps, B batch (streams).
"""

import numpy as np
import pytest

from rnn_lib import rnn
from rnn_lib.references import loss_and_grads_reference

V, H, T = 7, 9, 6


def make_params(seed, dtype=np.float64, scale=0.3):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(V, H, rng, scale=scale, dtype=dtype)
    params["bh"][...] = 0.2 * rng.standard_normal((H, 1))
    params["by"][...] = 0.2 * rng.standard_normal((V, 1))
    return params, rng


def assert_close(a, b, tol=1e-12):
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# ------------------------------------------------------------------ equivalence with the reference
@pytest.mark.parametrize("clip", [None, 5.0, 0.05])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_reference_one_stream(seed, clip):
    params, rng = make_params(seed)
    inputs = rng.integers(0, V, T)
    targets = rng.integers(0, V, T)
    hprev = 0.5 * rng.standard_normal((H, 1))
    loss, grads, h_last = rnn.loss_and_grads(params, inputs, targets, hprev, clip=clip)
    ref_loss, ref_grads, ref_h = loss_and_grads_reference(params, inputs, targets, hprev, clip=clip)
    assert isinstance(loss, float)
    assert_close(loss, ref_loss)
    assert set(grads) == set(ref_grads) == set(rnn.PARAM_NAMES)
    for k in rnn.PARAM_NAMES:
        assert grads[k].shape == params[k].shape
        assert_close(grads[k], ref_grads[k])
    assert h_last.shape == (H, 1)
    assert_close(h_last, ref_h)
    if clip == 0.05:  # the clipped case really clipped something
        _, raw, _ = rnn.loss_and_grads(params, inputs, targets, hprev, clip=None)
        assert any(np.abs(g).max() > clip for g in raw.values())


def test_loss_is_the_sum_of_minus_log_probabilities():
    params, rng = make_params(3)
    inputs, targets = rng.integers(0, V, T), rng.integers(0, V, T)
    hprev = np.zeros((H, 1))
    cache = rnn.forward(params, inputs, hprev)
    probs = cache["probs"]
    assert probs.shape == (T, V)
    assert_close(probs.sum(axis=1), np.ones(T))
    expected = -np.log(probs[np.arange(T), targets]).sum()
    assert_close(rnn.cross_entropy(cache, targets), expected)
    # and the hidden states follow h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)
    h = hprev
    for t in range(T):
        h = np.tanh(params["Wxh"][:, [inputs[t]]] + params["Whh"] @ h + params["bh"])
        assert_close(cache["hs"][t + 1, 0], h[:, 0])


def test_chunks_chained_through_h_last_equal_one_long_sequence():
    params, rng = make_params(4)
    ids = rng.integers(0, V, 2 * T + 1)
    inputs, targets = ids[:-1], ids[1:]
    h0 = np.zeros((H, 1))
    long_loss, _, long_h = rnn.loss_and_grads(params, inputs, targets, h0)
    l1, _, h1 = rnn.loss_and_grads(params, inputs[:T], targets[:T], h0)
    l2, _, h2 = rnn.loss_and_grads(params, inputs[T:], targets[T:], h1)
    assert_close(l1 + l2, long_loss)
    assert_close(h2, long_h)


# ------------------------------------------------------------------ batches of streams
@pytest.mark.parametrize("B", [2, 4])
def test_batch_equals_average_of_single_streams(B):
    params, rng = make_params(5)
    inputs = rng.integers(0, V, (T, B))
    targets = rng.integers(0, V, (T, B))
    hprev = 0.5 * rng.standard_normal((H, B))
    loss, grads, h_last = rnn.loss_and_grads(params, inputs, targets, hprev, clip=None)
    refs = [loss_and_grads_reference(params, inputs[:, b], targets[:, b], hprev[:, [b]], clip=None) for b in range(B)]
    assert_close(loss, np.mean([r[0] for r in refs]))
    for k in rnn.PARAM_NAMES:
        assert_close(grads[k], np.mean([r[1][k] for r in refs], axis=0))
    assert h_last.shape == (H, B)
    for b in range(B):
        assert_close(h_last[:, [b]], refs[b][2])


def test_batch_clipping_clips_the_averaged_gradient():
    params, rng = make_params(6)
    B = 3
    inputs, targets = rng.integers(0, V, (T, B)), rng.integers(0, V, (T, B))
    hprev = np.zeros((H, B))
    _, raw, _ = rnn.loss_and_grads(params, inputs, targets, hprev, clip=None)
    _, clipped, _ = rnn.loss_and_grads(params, inputs, targets, hprev, clip=0.02)
    for k in rnn.PARAM_NAMES:
        assert np.array_equal(clipped[k], np.clip(raw[k], -0.02, 0.02))


def test_one_column_batch_equals_1d_inputs():
    params, rng = make_params(7)
    inputs, targets = rng.integers(0, V, T), rng.integers(0, V, T)
    hprev = np.zeros((H, 1))
    a = rnn.loss_and_grads(params, inputs, targets, hprev)
    b = rnn.loss_and_grads(params, inputs[:, None], targets[:, None], hprev)
    assert a[0] == b[0]
    for k in rnn.PARAM_NAMES:
        assert np.array_equal(a[1][k], b[1][k])
    assert np.array_equal(a[2], b[2])


# ------------------------------------------------------------------ dtypes
def test_float32_params_give_float32_results_close_to_float64():
    p32, rng = make_params(8, dtype=np.float32)
    p64 = {k: v.astype(np.float64) for k, v in p32.items()}
    B = 3
    inputs, targets = rng.integers(0, V, (T, B)), rng.integers(0, V, (T, B))
    hprev = 0.3 * rng.standard_normal((H, B))
    for v in p32.values():
        assert v.dtype == np.float32
    loss32, g32, h32 = rnn.loss_and_grads(p32, inputs, targets, hprev.astype(np.float32), clip=None)
    loss64, g64, h64 = rnn.loss_and_grads(p64, inputs, targets, hprev, clip=None)
    assert h32.dtype == np.float32
    assert np.isfinite(loss32)
    assert abs(loss32 - loss64) <= 1e-5 * abs(loss64)
    for k in rnn.PARAM_NAMES:
        assert g32[k].dtype == np.float32, k
        np.testing.assert_allclose(g32[k], g64[k], rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(h32, h64, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ init_params
@pytest.mark.parametrize("vocab_size,hidden_size", [(1, 1), (4, 3), (8, 10)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_init_params_shapes_dtype_and_packing(vocab_size, hidden_size, dtype):
    params = rnn.init_params(vocab_size, hidden_size, np.random.default_rng(0), dtype=dtype)
    assert tuple(params) == rnn.PARAM_NAMES
    expected = {
        "Wxh": (hidden_size, vocab_size),
        "Whh": (hidden_size, hidden_size),
        "Why": (vocab_size, hidden_size),
        "bh": (hidden_size, 1),
        "by": (vocab_size, 1),
    }
    assert {k: v.shape for k, v in params.items()} == expected
    assert rnn.param_shapes(vocab_size, hidden_size) == expected
    assert all(v.dtype == dtype for v in params.values())
    assert not params["bh"].any() and not params["by"].any()  # biases start at zero, as in the gist


def test_init_params_scale():
    params = rnn.init_params(50, 40, np.random.default_rng(1), scale=0.25)
    for k in ("Wxh", "Whh", "Why"):
        assert 0.22 < params[k].std() < 0.28, k
        assert abs(params[k].mean()) < 0.03


def test_init_params_uses_the_rng_and_only_the_rng():
    np.random.seed(123)
    before = np.random.get_state()
    a = rnn.init_params(V, H, np.random.default_rng(42))
    b = rnn.init_params(V, H, np.random.default_rng(42))
    c = rnn.init_params(V, H, np.random.default_rng(43))
    after = np.random.get_state()
    for k in rnn.PARAM_NAMES:
        assert np.array_equal(a[k], b[k])
    for k in ("Wxh", "Whh", "Why"):
        assert not np.array_equal(a[k], c[k])
    # the global (legacy) random state was not consumed
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]
    # and the Generator was advanced: a second draw differs
    rng = np.random.default_rng(42)
    first = rnn.init_params(V, H, rng)
    second = rnn.init_params(V, H, rng)
    assert not np.array_equal(first["Whh"], second["Whh"])


def test_init_params_rejects_bad_arguments():
    with pytest.raises(TypeError, match="default_rng"):
        rnn.init_params(V, H, np.random.RandomState(0))
    with pytest.raises(TypeError, match="default_rng"):
        rnn.init_params(V, H, 0)
    with pytest.raises(ValueError, match="vocab_size"):
        rnn.init_params(0, H, np.random.default_rng(0))
    with pytest.raises(ValueError, match="hidden_size"):
        rnn.init_params(V, -2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="hidden_size"):
        rnn.init_params(V, 2.5, np.random.default_rng(0))


def test_initial_state():
    params, _ = make_params(0)
    h = rnn.initial_state(params, 3)
    assert h.shape == (H, 3) and not h.any() and h.dtype == params["Whh"].dtype


# ------------------------------------------------------------------ bad inputs
def _good():
    params, rng = make_params(9)
    return params, rng.integers(0, V, T), rng.integers(0, V, T), np.zeros((H, 1))


@pytest.mark.parametrize(
    "change,match",
    [
        (lambda x, y, h: (np.r_[x[:-1], V], y, h), rf"inputs holds id {V}, outside 0\.\.{V - 1}"),
        (lambda x, y, h: (np.r_[x[:-1], -1], y, h), r"inputs holds id -1, outside 0\.\."),
        (lambda x, y, h: (x.astype(float), y, h), r"inputs must hold integer character ids"),
        (lambda x, y, h: (x, np.r_[y[:-1], V + 3], h), rf"targets holds id {V + 3}"),
        (lambda x, y, h: (x, y.astype(np.float32), h), r"targets must hold integer"),
        (lambda x, y, h: (x, y[:-1], h), r"targets must have the same shape as inputs"),
        (lambda x, y, h: (x, np.stack([y, y], 1), h), r"targets must have the same shape as inputs"),
        (lambda x, y, h: (x, y, h[:, 0]), rf"hprev must have shape \(H, B\) = \({H}, 1\)"),
        (lambda x, y, h: (x, y, np.zeros((H, 2))), r"hprev must have shape .* got \(9, 2\)"),
        (lambda x, y, h: (x, y, np.zeros((H + 1, 1))), r"hprev must have shape"),
        (lambda x, y, h: (x[:0], y[:0], h), r"inputs must have shape \(T,\) or \(T, B\) with T, B >= 1"),
        (lambda x, y, h: (x[:, None, None], y, h), r"inputs must have shape"),
    ],
)
def test_bad_inputs_raise_value_error(change, match):
    params, x, y, h = _good()
    x, y, h = change(x, y, h)
    with pytest.raises(ValueError, match=match):
        rnn.loss_and_grads(params, x, y, h)


def test_bad_inputs_to_forward_and_backward_directly():
    params, x, y, h = _good()
    with pytest.raises(ValueError, match="inputs holds id"):
        rnn.forward(params, np.r_[x, 99], h)
    cache = rnn.forward(params, x, h)
    with pytest.raises(ValueError, match="same shape"):
        rnn.backward(params, cache, y[:2])
    with pytest.raises(ValueError, match="same shape"):
        rnn.cross_entropy(cache, y[:2])

"""Backpropagation through time is checked against centred finite differences.

Dimension letters: V vocabulary size, H hidden size, T time steps, B batch (streams).

The check is only worth something if it can fail, so a correct loop-based backward pass written
here must pass it and two classic mistakes (forgetting the carried gradient ``dhnext``, forgetting
tanh' = 1 - h^2) must fail it.
"""

import numpy as np
import pytest

from rnn_lib import rnn
from rnn_lib.gradient_check import gradcheck, gradcheck_rnn, rel_error

V, H, T = 5, 6, 5
TOL = 1e-6  # a correct backward pass gives ~1e-8 here; a wrong one gives ~1e-1 or more
# The seeds used with TOL give no gradient entry that happens to be nearly 0 (e.g. 2e-5): there the
# finite difference's absolute error (~1e-10) becomes a relative error above 1e-6 although the
# backward pass is right.
ALL_ARRAYS = {"Wxh", "Whh", "Why", "bh", "by", "hprev"}


def make_problem(seed, B):
    """float64 parameters with scale 0.5 (so gradients are not tiny), random biases and state."""
    rng = np.random.default_rng(seed)
    params = rnn.init_params(V, H, rng, scale=0.5, dtype=np.float64)
    params["bh"][...] = 0.5 * rng.standard_normal((H, 1))
    params["by"][...] = 0.5 * rng.standard_normal((V, 1))
    shape = (T,) if B == 1 else (T, B)
    inputs = rng.integers(0, V, shape)
    targets = rng.integers(0, V, shape)
    hprev = 0.5 * rng.standard_normal((H, B))
    return params, inputs, targets, hprev


# ------------------------------------------------------------------ a loop version of backward
def loop_backward(params, cache, targets, carry_dhnext=True, tanh_derivative=True):
    """dL/dparams and dL/dhprev from a ``rnn.forward`` cache, one stream and one step at a time.

    ``carry_dhnext=False`` and ``tanh_derivative=False`` are the two classic mistakes.
    """
    Whh, Why = params["Whh"], params["Why"]
    hs, probs, x = cache["hs"], cache["probs"], cache["inputs"]
    Tn, B = x.shape
    y = np.asarray(targets).reshape(Tn, B)
    P = probs.reshape(Tn, B, -1)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dhprev = np.zeros((Whh.shape[0], B))
    for b in range(B):
        dhnext = np.zeros((Whh.shape[0], 1))
        for t in reversed(range(Tn)):
            h = hs[t + 1, b][:, None]
            h_before = hs[t, b][:, None]
            dy = P[t, b][:, None].copy()
            dy[y[t, b]] -= 1
            dy /= B
            grads["Why"] += dy @ h.T
            grads["by"] += dy
            dh = Why.T @ dy + (dhnext if carry_dhnext else 0)
            dhraw = (1 - h * h) * dh if tanh_derivative else dh
            grads["bh"] += dhraw
            grads["Wxh"][:, x[t, b]] += dhraw[:, 0]
            grads["Whh"] += dhraw @ h_before.T
            dhnext = Whh.T @ dhraw
        dhprev[:, b] = dhnext[:, 0]
    return grads, dhprev


# ------------------------------------------------------------------ the library's backward pass
@pytest.mark.parametrize("B", [1, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradcheck_every_parameter_and_hprev(seed, B):
    params, inputs, targets, hprev = make_problem(seed, B)
    result = gradcheck_rnn(params, inputs, targets, hprev)
    assert set(result) == ALL_ARRAYS
    for name, report in result.items():
        assert report.analytic.shape == report.numeric.shape
        assert report.max_rel_error < TOL, f"{name}: {report}"
        # the gradients are not vanishingly small, so the relative errors mean something
        assert np.abs(report.analytic).max() > 1e-3, name
    assert result.max_rel_error < TOL
    # the arrays were restored after each perturbation: the check leaves the parameters alone
    params2, *_ = make_problem(seed, B)
    for k in params:
        assert np.array_equal(params[k], params2[k])


@pytest.mark.parametrize("B", [1, 3])
def test_gradcheck_of_loss_and_grads_unclipped(B):
    """The public ``loss_and_grads(clip=None)`` itself against finite differences of its loss."""
    params, inputs, targets, hprev = make_problem(0, B)
    arrays = {k: v.copy() for k, v in params.items()}

    def f(a):
        loss, grads, _ = rnn.loss_and_grads(a, inputs, targets, hprev, clip=None)
        return loss, grads

    result = gradcheck(f, arrays)
    assert set(result) == set(rnn.PARAM_NAMES)
    assert result.max_rel_error < TOL, str(result)


@pytest.mark.parametrize("B", [1, 3])
def test_loop_backward_agrees_with_library_and_passes(B):
    """Sanity check of the test's own loop version before using it to break things."""
    params, inputs, targets, hprev = make_problem(2, B)
    cache = rnn.forward(params, inputs, hprev)
    lib_grads, lib_dhprev = rnn.backward(params, cache, targets)
    grads, dhprev = loop_backward(params, cache, targets)
    for k in rnn.PARAM_NAMES:
        np.testing.assert_allclose(grads[k], lib_grads[k], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dhprev, lib_dhprev, rtol=1e-10, atol=1e-12)
    result = gradcheck_rnn(params, inputs, targets, hprev, backward=loop_backward)
    assert result.max_rel_error < TOL


@pytest.mark.parametrize("B", [1, 3])
def test_dropping_dhnext_fails_the_check(B):
    params, inputs, targets, hprev = make_problem(3, B)

    def broken(p, cache, y):
        return loop_backward(p, cache, y, carry_dhnext=False)

    result = gradcheck_rnn(params, inputs, targets, hprev, backward=broken)
    # the output layer does not depend on dhnext, everything before it does
    assert result["Why"].max_rel_error < TOL
    assert result["by"].max_rel_error < TOL
    for name in ("Wxh", "Whh", "bh", "hprev"):
        assert result[name].max_rel_error > 1e-2, f"{name} should fail: {result[name]}"
    assert result.max_rel_error > 1e-2


@pytest.mark.parametrize("B", [1, 3])
def test_forgetting_tanh_derivative_fails_the_check(B):
    params, inputs, targets, hprev = make_problem(4, B)

    def broken(p, cache, y):
        return loop_backward(p, cache, y, tanh_derivative=False)

    result = gradcheck_rnn(params, inputs, targets, hprev, backward=broken)
    assert result["Why"].max_rel_error < TOL
    for name in ("Wxh", "Whh", "bh", "hprev"):
        assert result[name].max_rel_error > 1e-2, f"{name} should fail: {result[name]}"


def test_gradcheck_on_a_known_function_passes_and_fails():
    x = np.array([[0.3, -1.2], [2.0, 0.7]])
    good = gradcheck(lambda a: (float((a["x"] ** 3).sum()), {"x": 3 * a["x"] ** 2}), {"x": x.copy()})
    assert good.max_rel_error < 1e-8
    bad = gradcheck(lambda a: (float((a["x"] ** 3).sum()), {"x": 2 * a["x"] ** 2}), {"x": x.copy()})
    assert bad.max_rel_error > 0.1
    np.testing.assert_allclose(bad["x"].numeric, 3 * x**2, rtol=1e-8)
    assert bad["x"].worst_index in {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_gradcheck_refuses_float32():
    params, inputs, targets, hprev = make_problem(0, 1)
    arrays = {"Whh": params["Whh"].astype(np.float32)}
    with pytest.raises(ValueError, match="float64"):
        gradcheck(lambda a: (0.0, {"Whh": np.zeros_like(a["Whh"])}), arrays)


def test_rel_error():
    assert rel_error(1.0, 1.0) == 0
    assert rel_error(1.0, -1.0) == 1
    np.testing.assert_allclose(rel_error(1.0, 1.1), 0.1 / 2.1)
    assert rel_error(0.0, 0.0) == 0  # the 1e-8 floor avoids 0/0


# ------------------------------------------------------------------ clipping
@pytest.mark.parametrize("B", [1, 3])
def test_clipping_bounds_entries_and_keeps_small_ones(B):
    params, inputs, targets, hprev = make_problem(6, B)
    loss_raw, raw, h_raw = rnn.loss_and_grads(params, inputs, targets, hprev, clip=None)
    all_raw = np.concatenate([g.ravel() for g in raw.values()])
    c = float(np.median(np.abs(all_raw)))  # about half the entries get clipped
    loss_c, clipped, h_c = rnn.loss_and_grads(params, inputs, targets, hprev, clip=c)
    assert loss_c == loss_raw
    assert np.array_equal(h_c, h_raw)
    n_clipped = 0
    for k in rnn.PARAM_NAMES:
        g, r = clipped[k], raw[k]
        assert g.shape == r.shape
        assert np.all(np.abs(g) <= c)
        small = np.abs(r) < c
        assert np.array_equal(g[small], r[small])  # untouched, bit for bit
        assert np.all(g[r > c] == c) and np.all(g[r < -c] == -c)
        n_clipped += int((~small).sum())
    assert n_clipped > 10  # the test really exercised clipping


def test_clip_grads_on_separate_arrays():
    """The per-array path (grads not packed in one buffer) clips the same way, in place."""
    rng = np.random.default_rng(0)
    grads = {"a": rng.standard_normal((3, 4)) * 5, "b": rng.standard_normal((4, 1)) * 5}
    expected = {k: np.clip(v, -2.0, 2.0) for k, v in grads.items()}
    arrays = dict(grads)
    out = rnn.clip_grads(grads, 2.0)
    for k in grads:
        assert out[k] is arrays[k]
        assert np.array_equal(arrays[k], expected[k])


def test_default_clip_is_five():
    params, inputs, targets, hprev = make_problem(7, 1)
    for k in ("Why", "Whh"):
        params[k] *= 20  # large weights -> large gradients
    _, raw, _ = rnn.loss_and_grads(params, inputs, targets, hprev, clip=None)
    assert max(np.abs(g).max() for g in raw.values()) > 5
    _, default, _ = rnn.loss_and_grads(params, inputs, targets, hprev)
    assert max(np.abs(g).max() for g in default.values()) == 5.0

"""rnn_grading.forward: check_rnn_forward passes right answers, names each common mistake, and
refuses an answer that calls rnn_lib."""

from __future__ import annotations

import numpy as np
import pytest

import rnn_lib
from rnn_grading.forward import FORWARD_LOSS_MISTAKES, FORWARD_PARTS, FORWARD_STATE_MISTAKES, check_rnn_forward


def student_forward(params, inputs, targets, hprev, mistake=None):
    """The exercise written the way a student would, with one deliberate ``mistake`` (or none)."""
    Wxh, Whh, Why, bh, by = params["Wxh"], params["Whh"], params["Why"], params["bh"], params["by"]
    V = Wxh.shape[1]
    xs, hs, ps = {}, {}, {}
    hs[-1] = np.zeros_like(hprev) if mistake == "no_hprev" else np.copy(hprev)
    loss = 0
    for t in range(len(inputs)):
        xs[t] = np.zeros((V, 1))
        xs[t][targets[t] if mistake == "onehot_target" else inputs[t]] = 1
        if mistake == "Whh_transposed":
            a = Wxh @ xs[t] + Whh.T @ hs[t - 1] + bh
        elif mistake == "no_bh":
            a = Wxh @ xs[t] + Whh @ hs[t - 1]
        else:
            a = Wxh @ xs[t] + Whh @ hs[t - 1] + bh
        hs[t] = a if mistake == "no_tanh" else np.tanh(a)
        y = Why @ (hs[t - 1] if mistake == "logits_prev" else hs[t]) + (0 if mistake == "no_by" else by)
        e = np.exp(y) if mistake == "no_shift" else np.exp(y - np.max(y))
        ps[t] = e if mistake == "unnormalised" else e / np.sum(e)
        p = ps[t][inputs[t] if mistake == "inputs" else targets[t], 0]
        log = {"log10": np.log10, "log2": np.log2}.get(mistake, np.log)
        term = log(p) if mistake == "sign" else -log(p)
        if mistake == "last_only" or (mistake == "first_only" and t == 0):
            loss = term
        elif mistake != "first_only":
            loss += term
    if mistake == "mean":
        loss /= len(inputs)
    return loss, xs, hs, ps


def with_mistake(mistake):
    return lambda *args: student_forward(*args, mistake=mistake)


@pytest.mark.parametrize("seed", range(4))
def test_right_answer_passes_every_part(seed):
    check_rnn_forward(student_forward, seed=seed)
    check_rnn_forward(student_forward, seed=seed, V=3, H=7, T=1)
    for part in FORWARD_PARTS:
        check_rnn_forward(student_forward, seed=seed, part=part, V=6, H=2, T=9)


def test_a_loss_of_shape_1_passes():
    def as_arrays(params, inputs, targets, hprev):
        loss, xs, hs, ps = student_forward(params, inputs, targets, hprev)
        return np.array([loss]), xs, hs, ps  # a (1,) loss, like the gist's

    check_rnn_forward(as_arrays, seed=3)


@pytest.mark.parametrize("mistake", list(FORWARD_LOSS_MISTAKES))
def test_loss_mistakes_are_named_in_the_loss_part(mistake):
    with pytest.raises(AssertionError) as err:
        check_rnn_forward(with_mistake(mistake), seed=1, part="loss")
    assert FORWARD_LOSS_MISTAKES[mistake] in str(err.value)
    # ... and cost no other part
    check_rnn_forward(with_mistake(mistake), seed=1, part="random")
    if mistake != "sign":
        check_rnn_forward(with_mistake(mistake), seed=1, part="cache")


@pytest.mark.parametrize("mistake", [m for m in FORWARD_STATE_MISTAKES if m not in ("onehot_target", "unnormalised")])
def test_state_mistakes_are_named_in_the_random_part(mistake):
    with pytest.raises(AssertionError) as err:
        check_rnn_forward(with_mistake(mistake), seed=2, part="random")
    assert FORWARD_STATE_MISTAKES[mistake] in str(err.value)


def test_onehot_of_the_target_is_named_in_the_cache_part():
    with pytest.raises(AssertionError, match="one-hot vector of the target"):
        check_rnn_forward(with_mistake("onehot_target"), seed=0, part="cache")


def test_unnormalised_probabilities():
    for part in ("cache", "random"):
        with pytest.raises(AssertionError, match="not (a probability distribution|normalised)"):
            check_rnn_forward(with_mistake("unnormalised"), seed=0, part=part)


def test_softmax_without_the_shift_fails_only_at_large_logits():
    check_rnn_forward(with_mistake("no_shift"), seed=0, part="random")
    check_rnn_forward(with_mistake("no_shift"), seed=0, part="cache")
    with pytest.raises(AssertionError, match="Subtract the largest logit"):
        check_rnn_forward(with_mistake("no_shift"), seed=0, part="loss")


def test_hs_as_a_list_and_hprev_changed_in_place():
    def as_list(params, inputs, targets, hprev):
        loss, xs, hs, ps = student_forward(params, inputs, targets, hprev)
        return loss, [xs[t] for t in range(len(inputs))], [hs[t] for t in range(len(inputs))], ps

    with pytest.raises(AssertionError, match="hs must be a dict"):
        check_rnn_forward(as_list, part="cache")

    def changes_hprev(params, inputs, targets, hprev):
        out = student_forward(params, inputs, targets, hprev)
        hprev += 1
        return out

    with pytest.raises(AssertionError, match="changed hprev"):
        check_rnn_forward(changes_hprev, part="cache")
    for part in ("loss", "random"):  # the part "cache" alone answers for the inputs
        check_rnn_forward(changes_hprev, part=part)


def test_reading_hs_t_before_it_exists_gets_a_hint():
    def reads_hs_t(params, inputs, targets, hprev):
        hs = {-1: hprev.copy()}
        for t in range(len(inputs)):
            hs[t] = np.tanh(params["Whh"] @ hs[t])
        return 0.0, {}, hs, {}

    with pytest.raises(AssertionError, match=r"read hs\[t - 1\], never hs\[t\]"):
        check_rnn_forward(reads_hs_t, part="random")


def test_wrong_returns():
    with pytest.raises(AssertionError, match="return four things"):
        check_rnn_forward(lambda *args: student_forward(*args)[1:], part="cache")
    with pytest.raises(AssertionError, match="one number"):
        check_rnn_forward(lambda *args: (None, *student_forward(*args)[1:]), part="cache")
    with pytest.raises(NotImplementedError):
        check_rnn_forward(lambda *args: (_ for _ in ()).throw(NotImplementedError()), part="loss")


def test_an_answer_that_calls_rnn_lib_fails():
    def via_library(params, inputs, targets, hprev):
        return rnn_lib.references.rnn_forward_reference(params, inputs, targets, hprev)

    for part in FORWARD_PARTS:
        with pytest.raises(AssertionError, match="own numpy code"):
            check_rnn_forward(via_library, part=part)


def test_unknown_part():
    with pytest.raises(ValueError, match="part must be"):
        check_rnn_forward(student_forward, part="everything")

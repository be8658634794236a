"""rnn_grading.bptt: check_rnn_backward, whole and by part, passes right answers, names each common
mistake in the part it belongs to (and costs no other part), and refuses an answer that calls rnn_lib."""

from __future__ import annotations

import numpy as np
import pytest

import rnn_lib
from rnn_grading.bptt import BPTT_MISTAKES, BPTT_PARTS, check_rnn_backward


def student_backward(params, targets, xs, hs, ps, mistake=None):
    """The exercise written the way a student would, with one deliberate ``mistake`` (or none)."""
    Whh, Why = params["Whh"], params["Why"]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext = np.zeros_like(hs[0])
    steps = range(len(targets)) if mistake == "forward_loop" else reversed(range(len(targets)))
    for t in steps:
        dy = ps[t] if mistake == "no_copy" else ps[t].copy()
        if mistake != "no_minus_one":
            dy[targets[t]] -= 1
        grads["Why"] += dy @ hs[t].T
        grads["by"] += dy
        dh = Why.T @ dy if mistake == "no_dhnext" else Why.T @ dy + dhnext
        if mistake == "no_tanh":
            dhraw = dh
        elif mistake == "tanh_prev":
            dhraw = (1 - hs[t - 1] * hs[t - 1]) * dh
        elif mistake == "tanh_no_square":
            dhraw = (1 - hs[t]) * dh
        else:
            dhraw = (1 - hs[t] * hs[t]) * dh
        grads["bh"] += dhraw
        grads["Wxh"] += dhraw @ xs[t].T
        if mistake == "dWhh_transposed":
            grads["Whh"] += hs[t - 1] @ dhraw.T
        elif mistake == "dWhh_h_t":
            grads["Whh"] += dhraw @ hs[t].T
        elif mistake == "assign":
            grads["Whh"] = dhraw @ hs[t - 1].T
        else:
            grads["Whh"] += dhraw @ hs[t - 1].T
        if mistake == "Whh_not_transposed":
            dhnext = Whh @ dhraw
        elif mistake == "dhnext_from_dh":
            dhnext = Whh.T @ dh
        elif mistake != "dhnext_not_updated":
            dhnext = Whh.T @ dhraw
    return grads, dhnext


def with_mistake(mistake):
    return lambda *args: student_backward(*args, mistake=mistake)


@pytest.mark.parametrize("seed", range(3))
def test_right_answer_passes_whole_and_by_part(seed):
    check_rnn_backward(student_backward, seed=seed)
    check_rnn_backward(student_backward, seed=seed, T=1)
    for part in BPTT_PARTS:
        check_rnn_backward(student_backward, seed=seed, part=part, V=3, H=7, T=9)


@pytest.mark.parametrize("mistake", [m for m in BPTT_MISTAKES if m != "no_minus_one"])
def test_hidden_layer_mistakes_are_named_and_cost_not_the_output_layer(mistake):
    check_rnn_backward(with_mistake(mistake), seed=1, part="output")
    failed = []
    for part in ("hidden", "dhprev"):
        try:
            check_rnn_backward(with_mistake(mistake), seed=1, part=part)
        except AssertionError as err:
            failed.append(part)
            assert BPTT_MISTAKES[mistake] in str(err), (part, str(err))
    assert failed, f"{mistake} passed every part"


def test_dy_mistake_is_named_in_every_part():
    for part in BPTT_PARTS:
        with pytest.raises(AssertionError) as err:
            check_rnn_backward(with_mistake("no_minus_one"), seed=2, part=part)
        assert BPTT_MISTAKES["no_minus_one"] in str(err.value)


def test_mistakes_that_spare_dhprev_pass_its_part():
    # dL/dhprev needs the whole chain; a wrong dWhh does not touch it
    for mistake in ("dWhh_transposed", "dWhh_h_t"):
        check_rnn_backward(with_mistake(mistake), seed=3, part="dhprev")


def test_equals_instead_of_plus_equals():
    with pytest.raises(AssertionError, match="instead of `\\+=`"):
        check_rnn_backward(with_mistake("assign"), seed=0, part="hidden")
    check_rnn_backward(with_mistake("assign"), seed=0, part="dhprev")


def test_changing_ps_costs_only_the_output_part():
    with pytest.raises(AssertionError, match=r"dy = ps\[t\]\.copy\(\)"):
        check_rnn_backward(with_mistake("no_copy"), seed=0, part="output")
    for part in ("hidden", "dhprev"):
        check_rnn_backward(with_mistake("no_copy"), seed=0, part=part)


def test_an_answer_that_calls_rnn_lib_fails():
    def via_library(params, targets, xs, hs, ps):
        inputs = [int(np.argmax(xs[t])) for t in range(len(targets))]
        return rnn_lib.backward(params, rnn_lib.forward(params, inputs, hs[-1]), targets)

    for part in BPTT_PARTS:
        with pytest.raises(AssertionError, match="own numpy code"):
            check_rnn_backward(via_library, part=part)


def test_placeholder_and_unknown_part():
    def placeholder(*args):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check_rnn_backward(placeholder, part="output")
    with pytest.raises(ValueError, match="part must be"):
        check_rnn_backward(student_backward, part="everything")

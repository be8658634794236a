"""rnn_grading.bptt: check_rnn_backward, whole and by part, passes right answers, names each common
mistake in the part it belongs to (and costs no other part), gives the whole check's feedback the
notebook promises (which gradients are wrong, the mistake's name, the distance from finite
differences) also for slips outside the table of mistakes, and refuses an answer that calls rnn_lib."""

from __future__ import annotations

import inspect
import textwrap

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


def mutated(old: str, new: str):
    """student_backward (without a mistake) with every ``old`` of its source written ``new``: slips
    outside the table of mistakes, e.g. ``=`` where ``+=`` belongs."""
    code = textwrap.dedent(inspect.getsource(student_backward))
    assert old in code, f"{old!r} is not in student_backward"
    exec(code.replace(old, new), ns := {"np": np})
    return ns["student_backward"]


@pytest.mark.parametrize("seed", range(3))
def test_right_answer_passes_whole_and_by_part(seed):
    check_rnn_backward(student_backward, seed=seed)
    check_rnn_backward(student_backward, seed=seed, T=1)
    check_rnn_backward(student_backward, seed=seed, V=3, H=7, T=9)
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


@pytest.mark.parametrize("mistake", BPTT_MISTAKES)
def test_whole_check_names_each_mistake_and_the_distance_from_finite_differences(mistake):
    with pytest.raises(AssertionError) as err:
        check_rnn_backward(with_mistake(mistake), seed=0)
    assert BPTT_MISTAKES[mistake] in str(err.value)
    assert "finite differences" in str(err.value)


def test_whole_check_messages_the_notebook_promises():
    with pytest.raises(AssertionError, match=r"wrong gradients for Wxh, Whh, bh, dhprev \(right: Why, by\)") as err:
        check_rnn_backward(with_mistake("no_dhnext"), seed=1)
    assert "right at the last time step but wrong at the steps before it: did you add dhnext?" in str(err.value)
    with pytest.raises(AssertionError, match=r"did you multiply by \(1 - h\*\*2\)\?"):
        check_rnn_backward(with_mistake("no_tanh"), seed=2)


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
        check_rnn_backward(mutated('grads["Whh"] +=', 'grads["Whh"] ='), seed=0, part="hidden")
    check_rnn_backward(mutated('grads["Whh"] +=', 'grads["Whh"] ='), seed=0, part="dhprev")


@pytest.mark.parametrize("key", ["Wxh", "Whh", "bh", "Why", "by"])
def test_equals_instead_of_plus_equals_is_named_for_every_gradient(key):
    with pytest.raises(
        AssertionError,
        match=rf"grads\['{key}'\] holds only the contribution of time step 0.*did you write `=` instead of `\+=`\?",
    ):
        check_rnn_backward(mutated(f'grads["{key}"] +=', f'grads["{key}"] ='), seed=0)


def test_changing_ps_costs_only_the_output_part():
    for part in ("output", None):
        with pytest.raises(AssertionError, match=r"changed ps\[.*dy = ps\[t\]\.copy\(\)"):
            check_rnn_backward(with_mistake("no_copy"), seed=0, part=part)
    for part in ("hidden", "dhprev"):
        check_rnn_backward(with_mistake("no_copy"), seed=0, part=part)


def test_other_failures_have_feedback():
    with pytest.raises(AssertionError, match=r"ValueError.*\n.*Hint: check every array's shape"):
        check_rnn_backward(mutated("Why.T @ dy", "Why @ dy"), seed=0)
    with pytest.raises(AssertionError, match=r"broadcast.*\n.*outer products such as dy @ hs\[t\].T"):
        check_rnn_backward(mutated("dy @ hs[t].T", "hs[t] @ dy.T"), seed=0)

    def returns_transposed(*args):
        grads, dhnext = student_backward(*args)
        return {**grads, "Why": grads["Why"].T}, dhnext

    with pytest.raises(
        AssertionError, match=r"grads\['Why'\] should have shape \(5, 4\), got \(4, 5\) \(transposed\?\)"
    ):
        check_rnn_backward(returns_transposed, seed=0)
    # a slip outside the table, in the link between steps: the single-step diagnosis
    with pytest.raises(AssertionError, match="with a single time step your gradients are right"):
        check_rnn_backward(mutated("Why.T @ dy + dhnext", "Why.T @ dy + 0.5 * dhnext"), seed=0)


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

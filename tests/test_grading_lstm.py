"""rnn_grading.check_lstm_gate_backward part by part (notebook 12's four test cells): a right answer
passes every part, each named mistake, written the way a student would write it, is named in the
parts it gets wrong and costs no other part, and an answer that calls rnn_lib fails.

Dimension letters: H hidden size, B columns (streams).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import rnn_grading.lstm as lstm_grading
from rnn_grading import LSTM_GATE_MISTAKES, check_lstm_gate_backward, common

RIGHT = """
def lstm_gate_backward(dh, dcnext, c_prev, i, f, o, g, tanh_c):
    dc = dh * o * (1 - tanh_c**2) + dcnext
    di = dc * g
    df = dc * c_prev
    do = dh * tanh_c
    dg = dc * i
    dz = np.vstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g**2)])
    dc_prev = dc * f
    return dz, dc_prev
"""
SIGMOID_SLOPES = "di * i * (1 - i), df * f * (1 - f), do * o * (1 - o)"
BUGS = {
    "no_sigmoid_grad": (SIGMOID_SLOPES, "di, df, do"),
    "tanh_grad_on_sigmoid": (SIGMOID_SLOPES, "di * (1 - i**2), df * (1 - f**2), do * (1 - o**2)"),
    "sigmoid_grad_on_g": ("dg * (1 - g**2)", "dg * g * (1 - g)"),
    "no_tanh_grad_g": ("dg * (1 - g**2)", "dg"),
    "no_dcnext": ("dc = dh * o * (1 - tanh_c**2) + dcnext", "dc = dh * o * (1 - tanh_c**2)"),
    "dc_prev_without_f": ("dc_prev = dc * f", "dc_prev = dc"),
    "no_tanh_c_grad": ("dc = dh * o * (1 - tanh_c**2) + dcnext", "dc = dh * o + dcnext"),
    "df_with_c_t": ("df = dc * c_prev", "df = dc * (f * c_prev + i * g)"),
    "do_from_dc": ("do = dh * tanh_c", "do = dc * tanh_c"),
    "gate_order": ("do * o * (1 - o), dg * (1 - g**2)", "dg * (1 - g**2), do * o * (1 - o)"),
}
#: the parts each mistake gets wrong (the others stay right)
WRONG_PARTS = {
    "no_sigmoid_grad": {"dz_o", "dz_i_g", "dz_f"},
    "tanh_grad_on_sigmoid": {"dz_o", "dz_i_g", "dz_f"},
    "sigmoid_grad_on_g": {"dz_i_g"},
    "no_tanh_grad_g": {"dz_i_g"},
    "no_dcnext": {"dz_i_g", "dz_f", "dc_prev"},
    "dc_prev_without_f": {"dc_prev"},
    "no_tanh_c_grad": {"dz_i_g", "dz_f", "dc_prev"},
    "df_with_c_t": {"dz_f"},
    "do_from_dc": {"dz_o"},
    "gate_order": {"dz_o", "dz_i_g"},
}


def student_function(code: str):
    exec(textwrap.dedent(code), ns := {"np": np})
    return ns["lstm_gate_backward"]


def buggy(name: str):
    old, new = BUGS[name]
    assert old in RIGHT
    return student_function(RIGHT.replace(old, new))


def test_tables_agree():
    assert set(BUGS) == set(WRONG_PARTS) == set(LSTM_GATE_MISTAKES)
    assert set().union(*WRONG_PARTS.values()) == set(lstm_grading.LSTM_GATE_PARTS)


def test_a_right_answer_passes_every_part():
    right = student_function(RIGHT)
    for seed, kwargs in ((0, {}), (1, {"H": 1}), (2, {"H": 6, "B": 3}), (3, {"scale": 5.0})):
        for part in lstm_grading.LSTM_GATE_PARTS:
            check_lstm_gate_backward(right, seed=seed, part=part, **kwargs)


def test_an_input_changed_in_place_costs_the_part_dc_prev_only():
    right = student_function(RIGHT)

    def changes_dcnext(dh, dcnext, c_prev, i, f, o, g, tanh_c):
        out = right(dh, dcnext, c_prev, i, f, o, g, tanh_c)
        dcnext += 1.0
        return out

    with pytest.raises(AssertionError, match="changed dcnext"):
        check_lstm_gate_backward(changes_dcnext, seed=0, part="dc_prev")
    for part in set(lstm_grading.LSTM_GATE_PARTS) - {"dc_prev"}:
        check_lstm_gate_backward(changes_dcnext, seed=0, part=part)


@pytest.mark.parametrize("bug", BUGS)
def test_each_mistake_is_named_in_the_parts_it_gets_wrong_and_costs_no_other(bug):
    fn = buggy(bug)
    for part in lstm_grading.LSTM_GATE_PARTS:
        for seed in (0, 1):
            if part not in WRONG_PARTS[bug]:
                check_lstm_gate_backward(fn, seed=seed, part=part)
                continue
            with pytest.raises(AssertionError) as info:
                check_lstm_gate_backward(fn, seed=seed, part=part)
            text = str(info.value)
            assert LSTM_GATE_MISTAKES[bug] in text, (part, text)
            assert "finite differences" in text
            assert text.startswith("wrong ")


def test_a_wrong_part_outside_the_table_gets_that_parts_formula():
    half = student_function(RIGHT.replace("+ dcnext", "+ 0.5 * dcnext"))
    with pytest.raises(AssertionError, match=r"wrong dz_i, dz_g with H=4.*\n.*both come from dc"):
        check_lstm_gate_backward(half, seed=0, part="dz_i_g")
    with pytest.raises(AssertionError, match=r"wrong dc_prev .*\ndc_prev = dc \* f"):
        check_lstm_gate_backward(half, seed=0, part="dc_prev")
    check_lstm_gate_backward(half, seed=0, part="dz_o")
    # one block of a part wrong, the other right
    scaled_g = student_function(RIGHT.replace("dg = dc * i", "dg = 1.1 * dc * i"))
    with pytest.raises(AssertionError, match=r"wrong dz_g \(right: dz_i\)"):
        check_lstm_gate_backward(scaled_g, seed=0, part="dz_i_g")


def test_a_part_ignores_the_shape_of_the_other_output():
    right = student_function(RIGHT)

    def flat_dz(*args):
        dz, dc_prev = right(*args)
        return dz.ravel(), dc_prev

    check_lstm_gate_backward(flat_dz, seed=0, part="dc_prev")
    with pytest.raises(AssertionError, match=r"dz .* should have shape \(16, 1\), got \(16,\)"):
        check_lstm_gate_backward(flat_dz, seed=0, part="dz_f")
    with pytest.raises(ValueError, match="part must be one of"):
        check_lstm_gate_backward(right, part="dz")


def test_each_part_is_compared_with_the_library():
    right = student_function(RIGHT)
    calls = []

    def cheats_after_first_call(*args):  # right on the random inputs, wrong on rnn_lib's one-step LSTM
        calls.append(1)
        dz, dc_prev = right(*args)
        return (dz, dc_prev) if len(calls) % 2 else (dz, 2 * dc_prev)

    with pytest.raises(AssertionError, match="not on a step of rnn_lib.lstm"):
        check_lstm_gate_backward(cheats_after_first_call, seed=0, part="dc_prev")
    calls.clear()
    check_lstm_gate_backward(cheats_after_first_call, seed=0, part="dz_f")  # its dz is right


def test_an_answer_that_calls_rnn_lib_fails():
    import rnn_lib

    def from_the_library(dh, dcnext, c_prev, i, f, o, g, tanh_c):
        H, B = dh.shape
        dz, scratch = np.zeros((4, H, B)), (np.zeros((4, H, B)), np.zeros((H, B)), np.zeros((H, B)))
        dcn = dcnext.copy()
        act = np.stack([i, f, o, g])
        rnn_lib.lstm.step_backward(
            dh.copy(), np.zeros((H, B)), dcn, act, c_prev, tanh_c, np.zeros((H, 4 * H)), dz, scratch
        )
        return dz.reshape(4 * H, B), dcn

    for part in lstm_grading.LSTM_GATE_PARTS:
        with pytest.raises(AssertionError, match="your function called rnn_lib.lstm.step_backward"):
            check_lstm_gate_backward(from_the_library, seed=0, part=part)


# The checkers' feedback on whole functions (part=None), kept from tests/test_homework.py


def changed(old: str, new: str) -> str:
    assert old in RIGHT, f"{old!r} is not in the right answer"
    return RIGHT.replace(old, new)


@pytest.mark.parametrize("bug", BUGS)
def test_check_lstm_gate_backward_names_the_mistake(bug):
    fn = buggy(bug)
    for seed in (0, 1):
        with pytest.raises(AssertionError) as info:
            check_lstm_gate_backward(fn, seed=seed)
        assert LSTM_GATE_MISTAKES[bug] in str(info.value)
        assert "finite differences" in str(info.value)


def test_check_lstm_gate_backward_passes_right_answers_and_agrees_with_finite_differences():
    right = student_function(RIGHT)
    for seed, kwargs in ((0, {}), (1, {"H": 1}), (2, {"H": 6, "B": 3}), (3, {"scale": 4.0})):
        check_lstm_gate_backward(right, seed, **kwargs)
    # the checker's own formulas, against centred differences of the step's loss
    rng = np.random.default_rng(9)
    H = 3
    z, c_prev, dh, dcnext = rng.normal(0, 1.5, (4 * H, 2)), *(rng.normal(0, 1, (H, 2)) for _ in range(3))
    i, f, o = (lstm_grading._sigmoid(z[k * H : (k + 1) * H]) for k in range(3))
    g = np.tanh(z[3 * H :])
    dz, dc_prev = lstm_grading._lstm_gate_backward(dh, dcnext, c_prev, i, f, o, g, np.tanh(f * c_prev + i * g))
    numeric_dz = common._numerical_gradient(lambda v: lstm_grading._lstm_step_loss(v, c_prev, dh, dcnext), z)
    numeric_dc = common._numerical_gradient(lambda v: lstm_grading._lstm_step_loss(z, v, dh, dcnext), c_prev)
    rel_error = common.rel_error
    assert rel_error(dz, numeric_dz).max() < 1e-6 and rel_error(dc_prev, numeric_dc).max() < 1e-6


def test_check_lstm_gate_backward_other_failures():
    right = student_function(RIGHT)
    aliased = student_function(
        changed("dc = dh * o * (1 - tanh_c**2) + dcnext", "dc = dcnext\n    dc += dh * o * (1 - tanh_c**2)")
    )
    with pytest.raises(AssertionError, match=r"changed dcnext.*`dc = dcnext` makes dc a second name"):
        check_lstm_gate_backward(aliased, seed=0)
    with pytest.raises(AssertionError, match="return two arrays"):
        check_lstm_gate_backward(lambda *a: right(*a)[0], seed=0)
    with pytest.raises(AssertionError, match=r"dz .* should have shape \(16, 1\), got \(16,\)"):
        check_lstm_gate_backward(lambda *a: (right(*a)[0].ravel(), right(*a)[1]), seed=0)
    matmul = student_function(changed("dc = dh * o", "dc = dh @ o"))
    with pytest.raises(AssertionError, match=r"ValueError.*\n.*Hint: .*elementwise \(\*\), not @"):
        check_lstm_gate_backward(matmul, seed=0)
    with pytest.raises(NotImplementedError):
        check_lstm_gate_backward(student_function("def lstm_gate_backward(*a):\n    raise NotImplementedError()"))
    # orders other than PyTorch's are recognised too, and named
    shuffled = student_function(
        changed(
            SIGMOID_SLOPES + ", dg * (1 - g**2)",
            "do * o * (1 - o), df * f * (1 - f), di * i * (1 - i), dg * (1 - g**2)",
        )
    )
    with pytest.raises(AssertionError, match="stacked in the wrong order.*Yours are in the order o, f, i, g"):
        check_lstm_gate_backward(shuffled, seed=0)
    # mistakes outside the table: the parts that are wrong, and where to look
    half_dcnext = student_function(changed("+ dcnext", "+ 0.5 * dcnext"))
    with pytest.raises(
        AssertionError,
        match=r"wrong dz_i, dz_f, dz_g, dc_prev \(right: dz_o\).*\n.*computed "
        r"from dc: check dc = dh \* o",
    ):
        check_lstm_gate_backward(half_dcnext, seed=0)
    scaled_f = student_function(changed("df = dc * c_prev", "df = 1.1 * dc * c_prev"))
    with pytest.raises(
        AssertionError,
        match=r"wrong dz_f \(right: dz_i, dz_o, dz_g, dc_prev\).*\n"
        r"compare each wrong part with its line",
    ):
        check_lstm_gate_backward(scaled_f, seed=0)


def test_check_lstm_gate_backward_compares_with_the_library():
    right = student_function(RIGHT)
    calls = []

    def cheats_after_first_call(*args):  # right on the random inputs, wrong on rnn_lib's one-step LSTM
        calls.append(1)
        dz, dc_prev = right(*args)
        return (dz, dc_prev) if len(calls) == 1 else (dz, 2 * dc_prev)

    with pytest.raises(AssertionError, match="not on a step of rnn_lib.lstm"):
        check_lstm_gate_backward(cheats_after_first_call, seed=0)

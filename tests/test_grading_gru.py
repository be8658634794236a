"""rnn_grading.check_gru_step_backward (notebook 13) part by part: a right answer passes every part,
each named mistake, written the way a student would write it, is named in the parts it gets wrong
and costs no other part, and an answer that calls rnn_lib fails.

Dimension letters: H hidden size, B columns (streams).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import rnn_grading.gru as gru_grading
from rnn_grading import GRU_STEP_MISTAKES, GRU_STEP_PARTS, check_gru_step_backward

RIGHT = """
def gru_step_backward(dh, h_prev, Wh, step):
    r, z, n, hn = step
    dn = dh * (1 - z) * (1 - n**2)
    dz = dh * (h_prev - n) * z * (1 - z)
    dr = dn * hn * r * (1 - r)
    da = np.vstack([dr, dz, dn])
    dm = np.vstack([dr, dz, r * dn])
    dh_prev = Wh.T @ dm + z * dh
    return da, dm, dh_prev
"""
# each mistake as a student would make it: (old, new) replacements of the right code
BUGS = {
    "z_swapped": [
        ("dn = dh * (1 - z)", "dn = dh * z"),
        ("(h_prev - n) * z", "(n - h_prev) * z"),
        ("+ z * dh", "+ (1 - z) * dh"),
    ],
    "dz_sign": [("(h_prev - n) * z", "(n - h_prev) * z")],
    "z_tanh_slope": [("z * (1 - z)", "(1 - z**2)")],
    "z_no_slope": [("dz = dh * (h_prev - n) * z * (1 - z)", "dz = dh * (h_prev - n)")],
    "n_no_slope": [("dn = dh * (1 - z) * (1 - n**2)", "dn = dh * (1 - z)")],
    "r_no_hn": [("dr = dn * hn * r * (1 - r)", "dr = dn * r * (1 - r)")],
    "r_no_slope": [("dr = dn * hn * r * (1 - r)", "dr = dn * hn")],
    "r_on_a_n": [
        ("da = np.vstack([dr, dz, dn])", "da = np.vstack([dr, dz, r * dn])"),
        ("dm = np.vstack([dr, dz, r * dn])", "dm = np.vstack([dr, dz, dn])"),
    ],
    "dm_n_without_r": [("dm = np.vstack([dr, dz, r * dn])", "dm = np.vstack([dr, dz, dn])")],
    "reset_before_product": [
        ("    dr = dn * hn * r * (1 - r)\n",
         "    H = h_prev.shape[0]\n    dr = (Wh[2 * H:].T @ dn) * h_prev * r * (1 - r)\n"),
        ("dm = np.vstack([dr, dz, r * dn])", "dm = np.vstack([dr, dz, dn])"),
        ("dh_prev = Wh.T @ dm + z * dh", "dh_prev = Wh[:2 * H].T @ dm[:2 * H] + r * (Wh[2 * H:].T @ dn) + z * dh"),
    ],
    "no_direct": [("dh_prev = Wh.T @ dm + z * dh", "dh_prev = Wh.T @ dm")],
    "Wh_not_transposed_blocks": [
        ("dh_prev = Wh.T @ dm + z * dh", "H = h_prev.shape[0]\n    dh_prev = Wh[:2 * H].T @ dm[:2 * H] + z * dh")
    ],
    "gate_order": [("[dr, dz, dn]", "[dz, dr, dn]"), ("[dr, dz, r * dn]", "[dz, dr, r * dn]")],
}  # fmt: skip
#: the parts each mistake gets wrong (the others stay right)
WRONG_PARTS = {
    "z_swapped": {"update", "reset_candidate", "dh_prev"},
    "dz_sign": {"update"},
    "z_tanh_slope": {"update"},
    "z_no_slope": {"update"},
    "n_no_slope": {"reset_candidate"},
    "r_no_hn": {"reset_candidate"},
    "r_no_slope": {"reset_candidate"},
    "r_on_a_n": {"reset_candidate"},
    "dm_n_without_r": {"reset_candidate"},
    "reset_before_product": {"reset_candidate", "dh_prev"},
    "no_direct": {"dh_prev"},
    "Wh_not_transposed_blocks": {"dh_prev"},
    "gate_order": {"update", "reset_candidate"},
}


def student_function(code: str):
    exec(textwrap.dedent(code), ns := {"np": np})
    return ns["gru_step_backward"]


def buggy(name: str):
    code = RIGHT
    for old, new in BUGS[name]:
        assert old in code, (name, old)
        code = code.replace(old, new, 1)
    return student_function(code)


def test_tables_agree():
    assert set(BUGS) == set(WRONG_PARTS) == set(GRU_STEP_MISTAKES)
    assert set().union(*WRONG_PARTS.values()) == set(GRU_STEP_PARTS)


def test_a_right_answer_passes_every_part():
    right = student_function(RIGHT)
    for seed, kwargs in ((0, {}), (1, {"H": 1}), (2, {"H": 6, "B": 3}), (3, {"scale": 5.0})):
        check_gru_step_backward(right, seed=seed, **kwargs)
        for part in GRU_STEP_PARTS:
            check_gru_step_backward(right, seed=seed, part=part, **kwargs)


def test_the_checkers_formulas_agree_with_finite_differences():
    rng = np.random.default_rng(5)
    H, B = 3, 2
    a, h_prev = rng.normal(0, 1.5, (3 * H, B)), np.tanh(rng.normal(0, 1, (H, B)))
    Wh, bhn, dh = rng.normal(0, 0.6, (3 * H, H)), rng.normal(0, 0.5, (H, 1)), rng.normal(0, 1, (H, B))
    _, step = gru_grading._gru_step(a, h_prev, Wh, bhn)
    da, dm, dh_prev = gru_grading._gru_step_backward(dh, h_prev, Wh, step)
    m = Wh @ h_prev
    numeric = gru_grading._numerical_gradient
    rel = gru_grading.rel_error
    assert rel(da, numeric(lambda v: gru_grading._step_loss(v, m, h_prev, bhn, dh), a)).max() < 1e-7
    assert rel(dm, numeric(lambda v: gru_grading._step_loss(a, v, h_prev, bhn, dh), m)).max() < 1e-7
    whole = numeric(lambda v: float(np.sum(dh * gru_grading._gru_step(a, v, Wh, bhn)[0])), h_prev)
    assert rel(dh_prev, whole).max() < 1e-7


@pytest.mark.parametrize("bug", BUGS)
def test_each_mistake_is_named_in_the_parts_it_gets_wrong_and_costs_no_other(bug):
    fn = buggy(bug)
    for part in GRU_STEP_PARTS:
        for seed in (0, 1):
            if part not in WRONG_PARTS[bug]:
                check_gru_step_backward(fn, seed=seed, part=part)
                continue
            with pytest.raises(AssertionError) as info:
                check_gru_step_backward(fn, seed=seed, part=part)
            text = str(info.value)
            named = "dz_sign" if (bug, part) == ("z_swapped", "update") else bug  # the same dz: its sign
            assert GRU_STEP_MISTAKES[named] in text, (part, text)
            assert text.startswith("wrong ") and "finite differences" in text


def test_dh_prev_is_checked_with_the_students_own_dm():
    # a wrong dm (no r in its n block) makes dh_prev wrong too, but dh_prev = Wh.T @ dm + z * dh is right
    check_gru_step_backward(buggy("dm_n_without_r"), seed=0, part="dh_prev")
    with pytest.raises(AssertionError, match="wrong dm_n"):
        check_gru_step_backward(buggy("dm_n_without_r"), seed=0)
    # a dm of the wrong shape: dh_prev against the right dm
    right = student_function(RIGHT)
    check_gru_step_backward(lambda *args: (right(*args)[0], None, right(*args)[2]), seed=0, part="dh_prev")


def test_other_failures_give_feedback():
    right = student_function(RIGHT)
    with pytest.raises(AssertionError, match="return three arrays"):
        check_gru_step_backward(lambda *args: right(*args)[:2], seed=0)
    with pytest.raises(AssertionError, match=r"da .* should have shape \(12, 1\), got \(12,\)"):
        check_gru_step_backward(lambda *args: (right(*args)[0].ravel(), *right(*args)[1:]), seed=0, part="update")
    in_place = student_function(
        RIGHT.replace("dn = dh * (1 - z)", "dh *= 1\n    dn = dh * (1 - z)").replace("dh *= 1", "h_prev -= 0.5")
    )
    with pytest.raises(AssertionError, match="changed h_prev"):
        check_gru_step_backward(in_place, seed=0)
    matmul = student_function(RIGHT.replace("dz = dh * (h_prev - n)", "dz = dh @ (h_prev - n)"))
    with pytest.raises(AssertionError, match=r"raised ValueError.*\n.*Hint: .*elementwise"):
        check_gru_step_backward(matmul, seed=0, H=3)
    with pytest.raises(NotImplementedError):
        check_gru_step_backward(student_function("def gru_step_backward(*a):\n    raise NotImplementedError()"))
    with pytest.raises(ValueError, match="part must be one of"):
        check_gru_step_backward(right, part="dz")
    # outside the table: the blocks that are wrong, and the part's lines
    scaled = student_function(RIGHT.replace("dr = dn * hn", "dr = 1.1 * dn * hn"))
    with pytest.raises(AssertionError, match=r"wrong da_r, dm_r \(right: da_n, dm_n\).*\nfirst dn ="):
        check_gru_step_backward(scaled, seed=0, part="reset_candidate")


def test_an_input_changed_in_place_costs_the_part_dh_prev_only():
    # every gradient right, but dh changed in place after its last use: one part lost, not all three
    in_place = student_function(
        RIGHT.replace("    dh_prev = Wh.T @ dm + z * dh\n", "    dh *= z\n    dh_prev = Wh.T @ dm + dh\n")
    )
    check_gru_step_backward(in_place, seed=0, part="update")
    check_gru_step_backward(in_place, seed=0, part="reset_candidate")
    for part in ("dh_prev", None):
        with pytest.raises(AssertionError, match="changed dh, one of its inputs"):
            check_gru_step_backward(in_place, seed=0, part=part)


def test_each_part_is_compared_with_the_library():
    right = student_function(RIGHT)
    calls = []

    def cheats_after_first_call(*args):  # right on the random inputs, wrong on rnn_lib's GRU step
        calls.append(1)
        da, dm, dh_prev = right(*args)
        return (da, dm, dh_prev) if len(calls) % 2 else (da, dm, 2 * dh_prev)

    with pytest.raises(AssertionError, match="not on a step of rnn_lib.gru"):
        check_gru_step_backward(cheats_after_first_call, seed=0, part="dh_prev")
    calls.clear()
    check_gru_step_backward(cheats_after_first_call, seed=0, part="update")


def test_an_answer_that_calls_rnn_lib_fails():
    import rnn_lib

    def from_the_library(dh, h_prev, Wh, step):
        r, z, n, hn = step
        H, B = dh.shape
        dh_prev, da_n, dm = np.zeros((H, B)), np.empty((H, B)), np.empty((3 * H, B))
        scratch = tuple(np.empty((H, B)) for _ in range(4))
        rnn_lib.gru.step_backward(dh.copy(), dh_prev, r, z, n, hn, h_prev, Wh.T.copy(), da_n, dm, scratch)
        return np.vstack([dm[: 2 * H], da_n]), dm, dh_prev

    for part in GRU_STEP_PARTS:
        with pytest.raises(AssertionError, match="your function called rnn_lib.gru.step_backward"):
            check_gru_step_backward(from_the_library, seed=0, part=part)

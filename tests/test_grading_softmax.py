"""The hidden checker of notebook 02's exercise softmax_ce_grad: right answers pass, each named
mistake (a student's slip, written as a student would write it) is recognised, every other failure
gets feedback (an answer wrong in no known way is measured against finite differences), an answer
that leans on rnn_lib fails, and each part checks its own inputs."""

import textwrap

import numpy as np
import pytest

import rnn_grading
from rnn_grading.softmax import SOFTMAX_MISTAKES, SOFTMAX_PARTS, check_softmax_grad

RIGHT = """
def softmax_ce_grad(y, target):
    p = np.exp(y - y.max())
    p = p / p.sum()
    grad = p.copy()
    grad[target] -= 1
    return grad
"""


def student(code: str, name: str = "softmax_ce_grad"):
    exec(textwrap.dedent(code), ns := {"np": np})
    return ns[name]


def mutate(old: str, new: str) -> str:
    assert old in RIGHT
    return RIGHT.replace(old, new)


@pytest.mark.parametrize("part", [*SOFTMAX_PARTS, None])
@pytest.mark.parametrize("seed", range(4))
def test_right_answers_pass(part, seed):
    check_softmax_grad(student(RIGHT), seed=seed, part=part)
    check_softmax_grad(student(RIGHT), seed=seed, V=2, part=part)
    check_softmax_grad(student(RIGHT), seed=seed, V=2, scale=20.0, part=part)  # confident: p near one-hot
    one_hot_way = "def softmax_ce_grad(y, t):\n    e = np.exp(y - y.max())\n    return e / e.sum() - np.eye(len(y))[t]"
    check_softmax_grad(student(one_hot_way), seed=seed, V=65, scale=20.0, part=part)


MISTAKES = {
    "no_minus_one": mutate("    grad[target] -= 1\n", ""),
    "sign": mutate("return grad", "return -grad"),
    "minus_one_everywhere": mutate("grad[target] -= 1", "grad -= 1"),
    "unnormalised": mutate("p = np.exp(y - y.max())\n    p = p / p.sum()", "p = np.exp(y)"),
    "wrong_index": mutate("grad[target] -= 1", "grad[np.argmax(y)] -= 1"),
    "fixed_index": mutate("grad[target] -= 1", "grad[1 if target != 1 else 0] -= 1"),
    "grad_of_p": mutate(
        "grad = p.copy()\n    grad[target] -= 1\n    return grad", "return p[target] * (np.eye(len(y))[target] - p)"
    ),
    "log_p": mutate("grad = p.copy()", "grad = np.log(p)"),
    "over_V": mutate("return grad", "return grad / len(y)"),
}


def test_every_named_mistake_has_a_student_version():
    assert set(MISTAKES) == set(SOFTMAX_MISTAKES)


@pytest.mark.parametrize("name", MISTAKES)
def test_named_mistakes_are_recognised(name):
    wrong = student(MISTAKES[name])
    # the uniform part cannot tell every mistake apart (argmax and target may coincide there, p = 1/V)
    with pytest.raises(AssertionError, match="wrong gradient") as info:
        check_softmax_grad(wrong, seed=0, part="random logits")
    assert SOFTMAX_MISTAKES[name] in str(info.value)


def test_uniform_part_catches_the_usual_slips():
    for name in ("no_minus_one", "sign", "minus_one_everywhere", "fixed_index", "over_V"):
        with pytest.raises(AssertionError, match="equal logits"):
            for seed in range(4):
                check_softmax_grad(student(MISTAKES[name]), seed=seed, V=4, part="uniform logits")


def test_other_failures_have_feedback():
    with pytest.raises(AssertionError, match="changed the logits y it was given"):
        check_softmax_grad(student(mutate("p = np.exp(y - y.max())", "y -= y.max()\n    p = np.exp(y)")), seed=0)
    with pytest.raises(AssertionError, match=r"shape \(5,\), got \(5, 1\)"):
        check_softmax_grad(lambda y, t: student(RIGHT)(y, t)[:, None], seed=0)
    with pytest.raises(AssertionError, match="did you forget a return statement"):
        check_softmax_grad(lambda y, t: None, seed=0)
    # wrong in no known way: no named mistake, the distance from finite differences instead
    with pytest.raises(AssertionError, match="largest relative error against finite differences") as info:
        check_softmax_grad(lambda y, t: student(RIGHT)(y, t) * 1.1, seed=0)
    assert not [m for m in SOFTMAX_MISTAKES.values() if m in str(info.value)]
    with pytest.raises(NotImplementedError):
        check_softmax_grad(student("def f(y, t):\n    raise NotImplementedError()", "f"))
    with pytest.raises(ValueError, match="part must be"):
        check_softmax_grad(student(RIGHT), part="no such part")


def test_an_answer_that_calls_rnn_lib_fails():
    import rnn_lib

    def leans_on_the_library(y, target):
        p = rnn_lib.next_char_distribution(y)
        p[target] -= 1
        return p

    with pytest.raises(AssertionError, match="your function called"):
        check_softmax_grad(leans_on_the_library, seed=0, part="random logits")
    assert rnn_grading.check_softmax_grad is check_softmax_grad

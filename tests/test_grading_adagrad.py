"""The hidden checker of notebook 04's exercise adagrad_update: right answers pass, each named
mistake (a student's slip, written as a student would write it) is recognised, in-place updates are
required and a missing eps explained, with the words the student needs, an answer that leans on
rnn_lib fails, and the parts split as the notebook's test cells do."""

import textwrap

import numpy as np
import pytest

import rnn_grading
from rnn_grading.adagrad import ADAGRAD_MISTAKES, ADAGRAD_PARTS, check_adagrad_update

RIGHT = """
def adagrad_update(params, grads, memory, learning_rate, eps=1e-8):
    for name in params:
        param, dparam, mem = params[name], grads[name], memory[name]
        mem += dparam * dparam
        param -= learning_rate * dparam / np.sqrt(mem + eps)
"""


def student(code: str, name: str = "adagrad_update"):
    exec(textwrap.dedent(code), ns := {"np": np})
    return ns[name]


def mutate(old: str, new: str) -> str:
    assert old in RIGHT
    return RIGHT.replace(old, new)


@pytest.mark.parametrize("part", [*ADAGRAD_PARTS, None])
def test_right_answers_pass(part):
    gist = mutate("param -= learning_rate *", "param += -learning_rate *")
    for seed in range(3):
        check_adagrad_update(student(RIGHT), seed=seed, part=part)
        check_adagrad_update(student(gist), seed=seed, steps=6, learning_rate=1.0, part=part)
        check_adagrad_update(student(RIGHT), seed=seed, eps=1e-4, part=part)


MISTAKES = {
    "eps_outside_sqrt": mutate("np.sqrt(mem + eps)", "(np.sqrt(mem) + eps)"),
    "step_before_memory": mutate(
        "        mem += dparam * dparam\n        param -= learning_rate * dparam / np.sqrt(mem + eps)",
        "        param -= learning_rate * dparam / np.sqrt(mem + eps)\n        mem += dparam * dparam",
    ),
    "memory_not_squared": mutate("mem += dparam * dparam", "mem += dparam"),
    "memory_not_accumulated": mutate("mem += dparam * dparam", "mem[...] = dparam * dparam"),
    "no_sqrt": mutate("np.sqrt(mem + eps)", "(mem + eps)"),
    "wrong_sign": mutate("param -= learning_rate", "param += learning_rate"),
    "no_learning_rate": mutate("learning_rate * dparam", "dparam"),
    "plain_sgd": mutate("dparam / np.sqrt(mem + eps)", "dparam"),
}


def test_every_named_mistake_has_a_student_version():
    assert set(MISTAKES) == set(ADAGRAD_MISTAKES)


@pytest.mark.parametrize("name", MISTAKES)
def test_named_mistakes_are_recognised(name):
    # the whole check names each; a memory that keeps only the latest gradient also fails its own part
    for part in (None, "several steps") if name == "memory_not_accumulated" else (None,):
        with pytest.raises(AssertionError, match="wrong values") as info:
            check_adagrad_update(student(MISTAKES[name]), seed=0, part=part)
        assert ADAGRAD_MISTAKES[name][1] in str(info.value)


def test_one_step_part_does_not_need_an_accumulating_memory():
    """A memory that only keeps the latest gradient is right in a first step from zeros: that part's
    point stays, the 'several steps' part fails."""
    wrong = student(MISTAKES["memory_not_accumulated"])
    check_adagrad_update(wrong, seed=0, part="one step")
    with pytest.raises(AssertionError, match="sum of all squared gradients"):
        check_adagrad_update(wrong, seed=0, part="several steps")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "param -= learning_rate",
            "params[name] = param - learning_rate",
            r"params\['Wxh'\] is a new array: you replaced it .*in place",
        ),
        (
            "mem += dparam * dparam",
            "memory[name] = mem + dparam * dparam\n        mem = memory[name]",
            r"memory\['Wxh'\] is a new array: you replaced it .*in place",
        ),
        (
            "param -= learning_rate",
            "param = param - learning_rate",
            r"the parameters did not change: did you write `param = param - learning_rate \* ...`\?"
            r".*in place with `-=`",
        ),
        (
            "mem += dparam * dparam",
            "mem = mem + dparam * dparam",
            r"the memory did not change: did you write `mem = mem \+ dparam \* dparam`\?.*in place with `\+=`",
        ),
        (
            "np.sqrt(mem + eps)",
            "np.sqrt(mem)",
            r"wrong values for param Wxh.*\nthere are nan or inf.*0 / sqrt\(0\).*np.sqrt\(mem \+ eps\)",
        ),
        (
            "mem += dparam * dparam",
            "mem += dparam * dparam\n        dparam *= 1.0001",
            r"changed grads\['Wxh'\]: only params and memory change",
        ),
    ],
)
def test_in_place_and_eps_feedback(old, new, message):
    with pytest.raises(AssertionError, match=message):
        check_adagrad_update(student(mutate(old, new)), seed=0)


def test_other_failures():
    with pytest.raises(NotImplementedError):
        check_adagrad_update(student("def f(*a):\n    raise NotImplementedError()", "f"))
    with pytest.raises(ValueError, match="part must be"):
        check_adagrad_update(student(RIGHT), part="no such part")


def test_an_answer_that_calls_rnn_lib_fails():
    import rnn_lib

    def leans_on_the_library(params, grads, memory, learning_rate, eps=1e-8):
        opt = rnn_lib.Adagrad(params, learning_rate, eps)
        opt.memory = memory
        opt.step(grads)

    with pytest.raises(AssertionError, match="your function called"):
        check_adagrad_update(leans_on_the_library, seed=0, part="one step")
    assert rnn_grading.check_adagrad_update is check_adagrad_update

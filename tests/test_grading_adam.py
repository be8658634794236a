"""The hidden checker of notebook 04's exercise adam_update: right answers pass, each named mistake
is recognised, in-place updates and the step count are required, an answer that leans on rnn_lib
fails, and the parts split as the notebook's test cells do."""

import textwrap

import numpy as np
import pytest

import rnn_grading
from rnn_grading.adam import ADAM_MISTAKES, ADAM_PARTS, check_adam_update

RIGHT = """
def adam_update(params, grads, state, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for name, param in params.items():
        g, m, v = grads[name], state["m"][name], state["v"][name]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        param -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)
"""

# the same arithmetic, written with [...] = and a step count read once into a local variable
RIGHT_OTHER = """
def adam_update(params, grads, state, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    state["t"] = t
    for name in params:
        g = grads[name]
        state["m"][name][...] = beta1 * state["m"][name] + (1 - beta1) * g
        state["v"][name][...] = beta2 * state["v"][name] + (1 - beta2) * g**2
        step = learning_rate * state["m"][name] / (1 - beta1**t)
        step /= np.sqrt(state["v"][name] / (1 - beta2**t)) + eps
        params[name][...] = params[name] - step
"""


def student(code: str, name: str = "adam_update"):
    exec(textwrap.dedent(code), ns := {"np": np})
    return ns[name]


def mutate(old: str, new: str) -> str:
    assert old in RIGHT, old
    return RIGHT.replace(old, new)


@pytest.mark.parametrize("part", [*ADAM_PARTS, None])
def test_right_answers_pass(part):
    for seed in range(3):
        check_adam_update(student(RIGHT), seed=seed, part=part)
        check_adam_update(student(RIGHT_OTHER), seed=seed, part=part)
        check_adam_update(student(RIGHT), seed=seed, steps=8, learning_rate=0.1, beta1=0.5, beta2=0.9, part=part)
        check_adam_update(student(RIGHT), seed=seed, eps=1e-3, part=part)


MISTAKES = {
    "no_bias_correction": mutate("m / (1 - beta1 ** t)", "m").replace("v / (1 - beta2 ** t)", "v"),
    "t_from_zero": mutate('    state["t"] += 1\n    t = state["t"]', '    t = state["t"]\n    state["t"] += 1'),
    "t_not_incremented": mutate('    state["t"] += 1\n    t = state["t"]', '    t = state["t"] + 1'),
    "eps_inside_sqrt": mutate("(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)"),
    "abs_not_squared": mutate("(1 - beta2) * g * g", "(1 - beta2) * np.abs(g)"),
    # every beta1 of the body read as beta2 and the other way round (the signature kept)
    "betas_swapped": "def"
    + RIGHT.split("def", 1)[1].split("\n", 1)[0]
    + "\n"
    + RIGHT.split("\n", 2)[2].replace("beta1", "B").replace("beta2", "beta1").replace("B", "beta2"),
    "corrected_in_place": mutate(
        "        m_hat = m / (1 - beta1 ** t)\n        v_hat = v / (1 - beta2 ** t)",
        "        m /= 1 - beta1 ** t\n        v /= 1 - beta2 ** t\n        m_hat, v_hat = m, v",
    ),
    "m_not_corrected": mutate("m / (1 - beta1 ** t)", "m"),
    "v_not_corrected": mutate("v / (1 - beta2 ** t)", "v"),
    "no_sqrt": mutate("(np.sqrt(v_hat) + eps)", "(v_hat + eps)"),
    "wrong_sign": mutate("param -= learning_rate", "param += learning_rate"),
}


def test_every_named_mistake_has_a_student_version():
    assert set(MISTAKES) == set(ADAM_MISTAKES)


@pytest.mark.parametrize("name", MISTAKES)
def test_named_mistakes_are_recognised(name):
    part = "first step" if name == "t_from_zero" else "several steps"
    with pytest.raises(AssertionError, match="wrong values") as info:
        check_adam_update(student(MISTAKES[name]), seed=0, part=part)
    assert ADAM_MISTAKES[name] in str(info.value)


@pytest.mark.parametrize("name", ["no_bias_correction", "eps_inside_sqrt", "wrong_sign", "t_from_zero"])
def test_named_mistakes_are_recognised_in_a_first_step(name):
    with pytest.raises(AssertionError, match="after one step") as info:
        check_adam_update(student(MISTAKES[name]), seed=1, part="first step")
    assert ADAM_MISTAKES[name] in str(info.value)


def test_parts_are_independent():
    """A step count that is never stored is right in a first step and in-place; the several-steps part
    fails. Replaced arrays give right values: only the in-place part fails."""
    stale = student(MISTAKES["t_not_incremented"])
    check_adam_update(stale, seed=0, part="first step")
    with pytest.raises(AssertionError, match="same t"):
        check_adam_update(stale, seed=0, part="several steps")
    with pytest.raises(AssertionError, match="state\\['t'\\] is 0"):
        check_adam_update(stale, seed=0, part="in place and state")
    replaced = student(mutate("param -= learning_rate", "params[name] = param - learning_rate"))
    check_adam_update(replaced, seed=0, part="first step")
    check_adam_update(replaced, seed=0, part="several steps")
    with pytest.raises(AssertionError, match="is a new array"):
        check_adam_update(replaced, seed=0, part="in place and state")
    wrong_maths = student(MISTAKES["no_bias_correction"])
    check_adam_update(wrong_maths, seed=0, part="in place and state")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("param -= learning_rate", "params[name] = param - learning_rate", "params\\['Wxh'\\] is a new array"),
        ("        m *= beta1\n        m += (1 - beta1) * g",
         '        m = state["m"][name] = beta1 * m + (1 - beta1) * g', "state\\['m'\\]\\['Wxh'\\] is a new array"),
        ("        v *= beta2\n        v += (1 - beta2) * g * g",
         '        v = state["v"][name] = beta2 * v + (1 - beta2) * g * g', "state\\['v'\\]\\['Wxh'\\] is a new"),
        ("param -= learning_rate", "param = param - learning_rate", "did not change"),
        ("        m *= beta1\n        m += (1 - beta1) * g", "        m = beta1 * m + (1 - beta1) * g",
         "did not change"),
        ('    state["t"] += 1\n    t = state["t"]\n    for name, param in params.items():',
         '    for name, param in params.items():\n        state["t"] += 1\n        t = state["t"]',
         "once per call"),
        ("(1 - beta2) * g * g", "(1 - beta2) * (g.__imul__(g))", "changed grads"),
    ],
)  # fmt: skip
def test_in_place_and_state_feedback(old, new, message):
    with pytest.raises(AssertionError, match=message):
        check_adam_update(student(mutate(old, new)), seed=0, part="in place and state")


def test_parameters_that_do_not_move_are_named_in_the_value_parts():
    frozen = student(mutate("param -= learning_rate", "param = param - learning_rate"))
    with pytest.raises(AssertionError, match="parameters did not change"):
        check_adam_update(frozen, seed=0, part="first step")


def test_other_failures():
    with pytest.raises(NotImplementedError):
        check_adam_update(student("def f(*a):\n    raise NotImplementedError()", "f"))
    with pytest.raises(ValueError, match="part must be"):
        check_adam_update(student(RIGHT), part="no such part")
    with pytest.raises(ValueError, match="steps >= 2"):
        check_adam_update(student(RIGHT), steps=1, part="several steps")
    with pytest.raises(AssertionError, match="adam_update raised KeyError"):
        check_adam_update(student(RIGHT.replace('state["m"]', 'state["mean"]')), part="first step")


def test_an_answer_that_calls_rnn_lib_fails():
    import rnn_lib

    def leans_on_the_library(params, grads, state, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        opt = rnn_lib.Adam(params, learning_rate, beta1, beta2, eps)
        for k in params:
            opt.memory[f"m/{k}"], opt.memory[f"v/{k}"] = state["m"][k], state["v"][k]
        opt.memory["t"][...] = state["t"]
        opt.step(grads)
        state["t"] += 1

    with pytest.raises(AssertionError, match="your function called"):
        check_adam_update(leans_on_the_library, seed=0, part="first step")
    assert rnn_grading.check_adam_update is check_adam_update

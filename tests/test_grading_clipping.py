"""The hidden checker of notebook 04's exercise clip_by_norm: right answers pass, each named mistake
is recognised, in-place changes are required, small gradients must stay exactly as they are, and an
answer that leans on rnn_lib fails."""

import textwrap

import numpy as np
import pytest

import rnn_grading
from rnn_grading.clipping import CLIP_MISTAKES, CLIP_PARTS, check_clip_by_norm

RIGHT = """
def clip_by_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
"""


def student(code: str, name: str = "clip_by_norm"):
    exec(textwrap.dedent(code), ns := {"np": np})
    return ns[name]


def mutate(old: str, new: str) -> str:
    assert old in RIGHT
    return RIGHT.replace(old, new)


@pytest.mark.parametrize("part", [*CLIP_PARTS, None])
def test_right_answers_pass(part):
    concatenated = """
def clip_by_norm(grads, max_norm):
    norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()])))
    for name in grads:
        grads[name][...] = grads[name] * min(1.0, max_norm / norm)
    return norm
"""
    for seed in range(4):
        check_clip_by_norm(student(RIGHT), seed=seed, part=part)
        check_clip_by_norm(student(concatenated), seed=seed, max_norm=0.5, part=part)


MISTAKES = {
    "per_array": """
def clip_by_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    for g in grads.values():
        n = np.linalg.norm(g)
        if n > max_norm:
            g *= max_norm / n
    return total
""",
    "elementwise": """
def clip_by_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    for g in grads.values():
        np.clip(g, -max_norm, max_norm, out=g)
    return norm
""",
    "no_sqrt": mutate(
        "norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))",
        "norm = sum(np.sum(g ** 2) for g in grads.values())",
    ),
    "always_rescaled": mutate("    if norm > max_norm:\n        for g", "    if True:\n        for g"),
    "inverted": mutate("g *= max_norm / norm", "g *= norm / max_norm"),
    "first_array_only": mutate(
        "            g *= max_norm / norm\n", "            g *= max_norm / norm\n            return norm\n"
    ),
    "returns_after": mutate("    return norm", "    return min(norm, max_norm)"),
}


def test_every_named_mistake_has_a_student_version():
    assert set(MISTAKES) == set(CLIP_MISTAKES)


@pytest.mark.parametrize("name", MISTAKES)
def test_named_mistakes_are_recognised(name):
    with pytest.raises(AssertionError) as info:
        check_clip_by_norm(student(MISTAKES[name]), seed=0, part="all arrays together")
    assert CLIP_MISTAKES[name] in str(info.value)


def test_one_array_part_cannot_fail_on_the_global_norm():
    """With one array a per-array norm is the global norm: that part's point stays."""
    check_clip_by_norm(student(MISTAKES["per_array"]), seed=0, part="one array")
    check_clip_by_norm(student(MISTAKES["first_array_only"]), seed=0, part="one array")


def test_in_place_feedback():
    replaced = mutate(
        "        for g in grads.values():\n            g *= max_norm / norm",
        "        for k in grads:\n            grads[k] = grads[k] * (max_norm / norm)",
    )
    with pytest.raises(AssertionError, match="is a new array"):
        check_clip_by_norm(student(replaced), seed=0)
    rebound = mutate("g *= max_norm / norm", "g = g * (max_norm / norm)")
    with pytest.raises(AssertionError, match="did not change"):
        check_clip_by_norm(student(rebound), seed=0)


def test_other_failures():
    with pytest.raises(AssertionError, match="returned None"):
        check_clip_by_norm(student(mutate("    return norm", "    pass")), seed=0)
    with pytest.raises(NotImplementedError):
        check_clip_by_norm(student("def f(g, m):\n    raise NotImplementedError()", "f"))
    with pytest.raises(ValueError, match="part must be"):
        check_clip_by_norm(student(RIGHT), part="no such part")


def test_an_answer_that_calls_rnn_lib_fails():
    import rnn_lib

    def leans_on_the_library(grads, max_norm):
        rnn_lib.clip_grads(grads, max_norm)
        return 0.0

    with pytest.raises(AssertionError, match="your function called"):
        check_clip_by_norm(leans_on_the_library, seed=0)
    assert rnn_grading.check_clip_by_norm is check_clip_by_norm

"""The hidden checkers of notebook 07's exercises sample_with_temperature and sample_text: right
answers pass (any correct way of drawing), each named mistake (a student's slip, written as a student
would write it) is recognised, by its part and by the whole check, the parts check what they say,
other failures get feedback, and an answer that leans on rnn_lib fails."""

import textwrap

import numpy as np
import pytest

import rnn_grading
from rnn_grading import common
from rnn_grading.sampling import (
    SAMPLE_TEXT_MISTAKES,
    SAMPLE_TEXT_PARTS,
    TEMPERATURE_MISTAKES,
    TEMPERATURE_PARTS,
    _random_model,
    _sample_text,
    check_sample_text,
    check_sample_with_temperature,
)

SAMPLE = """
def sample_with_temperature(y, temperature, rng):
    if temperature == 0:
        return int(np.argmax(y))
    z = y / temperature
    p = np.exp(z - z.max())
    p = p / p.sum()
    c = np.cumsum(p)
    return min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), len(p) - 1)
"""

TEXT = """
def sample_text(params, prime_ids, n, temperature, rng):
    h = np.zeros((params["Whh"].shape[0], 1))
    for ix in prime_ids:
        h = np.tanh(params["Wxh"][:, [ix]] + params["Whh"] @ h + params["bh"])
    ids = []
    for _ in range(n):
        y = (params["Why"] @ h + params["by"])[:, 0]
        ix = sample_with_temperature(y, temperature, rng)
        ids.append(ix)
        h = np.tanh(params["Wxh"][:, [ix]] + params["Whh"] @ h + params["bh"])
    return ids
"""


def student(code: str, name: str, sampler: str = SAMPLE):
    exec(textwrap.dedent(sampler), ns := {"np": np})
    exec(textwrap.dedent(code), ns)
    return ns[name]


def mutate(code: str, old: str, new: str) -> str:
    assert old in code
    return code.replace(old, new)


# ------------------------------------------------------------------------ sample_with_temperature


@pytest.mark.parametrize("part", [*TEMPERATURE_PARTS, None])
def test_temperature_right_answers_pass(part):
    right = student(SAMPLE, "sample_with_temperature")
    # another way of drawing, and numpy integers for ids
    with_choice = """
def f(y, T, rng):
    if T == 0:
        return np.argmax(y)
    p = np.exp(y / T - (y / T).max())
    return rng.choice(len(y), p=p / p.sum())
"""
    for seed in range(3):
        check_sample_with_temperature(right, seed=seed, part=part)
        check_sample_with_temperature(student(with_choice, "f"), seed=seed, part=part)
    check_sample_with_temperature(right, seed=4, V=2, temperatures=(0.3, 5.0), part=part)
    check_sample_with_temperature(right, seed=1, scale=1000.0, part=part)


TEMPERATURE_VERSIONS = {
    "no_temperature": mutate(SAMPLE, "z = y / temperature", "z = y"),
    "on_probabilities": mutate(
        SAMPLE, "p = p / p.sum()\n", "p = p / p.sum()\n    p = np.exp(p / temperature)\n    p = p / p.sum()\n"
    ).replace("z = y / temperature", "z = y"),
    "multiplied": mutate(SAMPLE, "z = y / temperature", "z = y * temperature"),
    "greedy": mutate(SAMPLE, "if temperature == 0:", "if True:"),
    "uniform": mutate(
        SAMPLE,
        '    return min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), len(p) - 1)',
        "    return int(rng.integers(len(p)))",
    ),
    "off_by_one": mutate(SAMPLE, 'side="right")', 'side="right") - 1'),
}


def test_every_temperature_mistake_has_a_student_version():
    assert set(TEMPERATURE_VERSIONS) == set(TEMPERATURE_MISTAKES)


@pytest.mark.parametrize("name", TEMPERATURE_VERSIONS)
def test_temperature_mistakes_are_recognised(name):
    wrong = student(TEMPERATURE_VERSIONS[name], "sample_with_temperature")
    if name == "off_by_one":  # the shifted id leaves the vocabulary below the first character
        wrong_ = wrong
        wrong = lambda y, T, rng: wrong_(y, T, rng) % len(y)  # noqa: E731
    for part in ("frequencies", None):  # the whole check's first part must not hide the name
        with pytest.raises(AssertionError) as info:
            check_sample_with_temperature(wrong, seed=0, part=part)
        assert TEMPERATURE_MISTAKES[name][1] in str(info.value)


def test_temperature_parts_check_their_own_things():
    no_greedy = student(mutate(SAMPLE, "if temperature == 0:", "if False:"), "sample_with_temperature")
    with pytest.raises(AssertionError, match="at temperature 0 return the most likely character"):
        check_sample_with_temperature(no_greedy, seed=0, part="temperature 0 and the seed")
    in_place = student(mutate(SAMPLE, "z = y / temperature", "y /= temperature\n    z = y"), "sample_with_temperature")
    with pytest.raises(AssertionError, match=r"changed the logits y it was given.*not y /= temperature"):
        check_sample_with_temperature(in_place, seed=0, part="temperature 0 and the seed")
    global_random = student(mutate(SAMPLE, "rng.random()", "np.random.random()"), "sample_with_temperature")
    with pytest.raises(AssertionError, match="does not use rng"):
        check_sample_with_temperature(global_random, seed=0, part="temperature 0 and the seed")
    check_sample_with_temperature(global_random, seed=0, part="frequencies")  # right frequencies: that point stays
    wrong_freq = student(TEMPERATURE_VERSIONS["multiplied"], "sample_with_temperature")
    check_sample_with_temperature(wrong_freq, seed=0, part="temperature 0 and the seed")
    with pytest.raises(ValueError, match="part must be"):
        check_sample_with_temperature(wrong_freq, part="no such part")


def test_temperature_other_failures():
    unshifted = student(mutate(SAMPLE, "np.exp(z - z.max())", "np.exp(z)"), "sample_with_temperature")
    with pytest.raises(AssertionError, match="np.exp overflows"):
        check_sample_with_temperature(unshifted, seed=1, scale=1000.0)
    with pytest.raises(AssertionError, match="return one character id"):
        check_sample_with_temperature(lambda y, T, rng: np.eye(len(y))[0], seed=0)
    with pytest.raises(NotImplementedError):
        check_sample_with_temperature(student("def f(y, T, rng):\n    raise NotImplementedError()", "f"))


# ------------------------------------------------------------------------------------ sample_text


def test_reference_loop_is_rnn_libs_sampler():
    for seed in range(3):
        params, _ = _random_model(np.random.default_rng(seed), 6, 5)
        for prime in ([], [2], [0, 5, 3]):
            for temperature in (0.0, 0.7, 1.5):
                lib, _ = common._lib.sampling.sample_ids(params, prime, 50, np.random.default_rng(seed), temperature)
                assert _sample_text(params, prime, 50, temperature, np.random.default_rng(seed)) == lib.tolist()


@pytest.mark.parametrize("part", [*SAMPLE_TEXT_PARTS, None])
def test_sample_text_right_answers_pass(part):
    right = student(TEXT, "sample_text")
    array_out = student(mutate(TEXT, "return ids", "return np.array(ids)"), "sample_text")
    inline_draw = mutate(
        TEXT,
        "ix = sample_with_temperature(y, temperature, rng)",
        "ix = int(np.argmax(y)) if temperature == 0 else int(np.argmax(rng.multinomial(1, np.exp(y / temperature) "
        "/ np.exp(y / temperature).sum())))",
    )
    other_draw = student(inline_draw, "sample_text")  # another correct way of drawing, without the name
    for seed in range(3):
        check_sample_text(right, seed=seed, part=part)
        check_sample_text(array_out, seed=seed, part=part)
        check_sample_text(other_draw, seed=seed, part=part)
    check_sample_text(right, seed=4, V=65, H=16, n=60, temperatures=(0.3, 1.0, 3.0), part=part)


@pytest.mark.parametrize("sampler", ["on_probabilities", "multiplied", "uniform", "not written"])
def test_sample_text_does_not_pay_for_the_first_exercise(sampler):
    """sample_text is checked with a correct sample_with_temperature in place of the student's."""
    code = "def sample_with_temperature(y, T, rng):\n    raise NotImplementedError()\n"
    right = student(TEXT, "sample_text", sampler=TEMPERATURE_VERSIONS.get(sampler, code))
    theirs = right.__globals__["sample_with_temperature"]
    for part in SAMPLE_TEXT_PARTS:
        check_sample_text(right, seed=0, part=part)
    assert right.__globals__["sample_with_temperature"] is theirs  # put back afterwards


TEXT_VERSIONS = {
    "no_prime": mutate(TEXT, "for ix in prime_ids:", "for ix in []:"),
    "prime_last_unread": mutate(TEXT, "for ix in prime_ids:", "for ix in list(prime_ids)[:-1]:"),
    "no_feedback": mutate(
        TEXT, "        ids.append(ix)\n        h = np.tanh(", "        ids.append(ix)\n        _ = np.tanh("
    ),
    "no_Whh": mutate(TEXT, ' + params["Whh"] @ h', ""),
    "no_bh": mutate(TEXT, ' + params["bh"])', ")"),
    "no_by": mutate(TEXT, ' + params["by"])', ")"),
    "no_temperature": mutate(
        TEXT,
        "sample_with_temperature(y, temperature, rng)",
        "sample_with_temperature(y, 1.0 if temperature else 0, rng)",
    ),
    "greedy": mutate(TEXT, "sample_with_temperature(y, temperature, rng)", "sample_with_temperature(y, 0, rng)"),
}


def test_every_sample_text_mistake_has_a_student_version():
    assert set(TEXT_VERSIONS) == set(SAMPLE_TEXT_MISTAKES)


@pytest.mark.parametrize("name", TEXT_VERSIONS)
def test_sample_text_mistakes_are_recognised(name):
    wrong = student(TEXT_VERSIONS[name], "sample_text")
    part = "the prime" if name.startswith("prime") or name == "no_prime" else "the loop"
    with pytest.raises(AssertionError) as info:
        check_sample_text(wrong, seed=0, part=part)
    assert SAMPLE_TEXT_MISTAKES[name] in str(info.value)
    if part == "the prime":
        check_sample_text(wrong, seed=0, part="the loop")  # an empty prime is right: that part's points stay


def test_sample_text_other_failures():
    changes_prime = student(
        mutate(TEXT, "    ids = []\n", "    ids = []\n    prime_ids[:] = prime_ids[::-1]\n"), "sample_text"
    )
    with pytest.raises(AssertionError, match="changed the prime"):
        check_sample_text(changes_prime, seed=0, part="the prime")
    returns_pair = student(mutate(TEXT, "return ids", "return ids, h"), "sample_text")
    with pytest.raises(AssertionError, match="not a tuple"):
        check_sample_text(returns_pair, seed=0, part="the loop")
    one_short = student(mutate(TEXT, "range(n)", "range(n - 1)"), "sample_text")
    with pytest.raises(AssertionError, match="n = 40"):
        check_sample_text(one_short, seed=0, part="the loop")
    with_prime = student(mutate(TEXT, "return ids", "return list(prime_ids) + ids"), "sample_text")
    with pytest.raises(AssertionError, match="without the prime"):
        check_sample_text(with_prime, seed=0, part="the prime")
    new_generator = student(
        mutate(
            TEXT,
            "sample_with_temperature(y, temperature, rng)",
            "sample_with_temperature(y, temperature, np.random.default_rng())",
        ),
        "sample_text",
    )
    with pytest.raises(AssertionError, match="same seed gave different ids"):
        check_sample_text(new_generator, seed=0, part="the loop")
    with pytest.raises(NotImplementedError):
        check_sample_text(student("def f(*a):\n    raise NotImplementedError()", "f"))
    with pytest.raises(ValueError, match="part must be"):
        check_sample_text(student(TEXT, "sample_text"), part="no such part")


def test_answers_that_call_rnn_lib_fail():
    import rnn_lib

    def leans_on_the_library(y, temperature, rng):
        p = rnn_lib.next_char_distribution(y, temperature)
        return int(np.searchsorted(np.cumsum(p), rng.random()))

    with pytest.raises(AssertionError, match="your function called"):
        check_sample_with_temperature(leans_on_the_library, seed=0)

    def sampler_from_the_library(params, prime_ids, n, temperature, rng):
        return rnn_lib.sample_ids(params, prime_ids, n, rng, temperature)[0].tolist()

    with pytest.raises(AssertionError, match="your function called"):
        check_sample_text(sampler_from_the_library, seed=0)
    assert rnn_grading.check_sample_text is check_sample_text

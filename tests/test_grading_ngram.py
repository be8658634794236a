"""rnn_grading.check_kn_bigram (notebook 11): right answers pass, each named mistake, written the way a
student would write it, gets its message, part by part, and an answer that calls rnn_lib fails.

Dimension letters: V vocabulary size.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import rnn_grading.ngram as ngram
from rnn_grading import KN_BIGRAM_MISTAKES, check_kn_bigram


def student_function(code: str, name: str = "kn_bigram"):
    exec(textwrap.dedent(code), ns := {"np": np})
    return ns[name]


def mutate(code: str, old: str, new: str) -> str:
    assert old in code, f"{old!r} is not in the correct implementation"
    return code.replace(old, new)


KN = """
def kn_bigram(ids, V):
    counts = np.zeros((V, V))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)
    cont = (counts > 0).sum(axis=0)

    def discount(c):
        n1, n2 = np.sum(c == 1), np.sum(c == 2)
        return n1 / (n1 + 2 * n2)

    D1 = discount(cont)
    D2 = discount(counts)
    p1 = (np.maximum(cont - D1, 0) + D1 * np.sum(cont > 0) / V) / cont.sum()
    total = counts.sum(axis=1, keepdims=True)
    types = (counts > 0).sum(axis=1, keepdims=True)
    P = (np.maximum(counts - D2, 0) + D2 * types * p1) / np.maximum(total, 1)
    P = np.where(total > 0, P, p1)
    return p1, P
"""
# each mistake as a student would make it: (old, new) replacements of the right code
KN_BUGS = {
    "raw_unigram": [("cont = (counts > 0).sum(axis=0)", "cont = np.bincount(ids, minlength=V)")],
    "p1_without_discount": [("p1 = (np.maximum(cont - D1, 0) + D1 * np.sum(cont > 0) / V) / cont.sum()",
                             "p1 = cont / cont.sum()")],
    "p1_D1_from_bigrams": [("D1 = discount(cont)", "D1 = discount(counts)")],
    "p1_types_V": [("D1 * np.sum(cont > 0) / V", "D1 * V / V")],
    "seen_lower_uniform": [("D2 * types * p1", "D2 * types / V")],
    "seen_no_types": [("D2 * types * p1", "D2 * p1")],
    "seen_no_max": [("np.maximum(counts - D2, 0)", "(counts - D2)")],
    "seen_transposed": [("(ids[:-1], ids[1:])", "(ids[1:], ids[:-1])")],
    "seen_D2_from_continuation": [("D2 = discount(counts)", "D2 = discount(cont)")],
    "seen_no_discount": [("P = (np.maximum(counts - D2, 0) + D2 * types * p1) / np.maximum(total, 1)",
                          "P = counts / np.maximum(total, 1)")],
    "unseen_uniform": [("P = np.where(total > 0, P, p1)", "P = np.where(total > 0, P, 1 / V)")],
    "unseen_last_counted": [("total = counts.sum(axis=1, keepdims=True)",
                             "total = np.bincount(ids, minlength=V)[:, None]")],
}  # fmt: skip


def buggy(name: str):
    code = KN
    for old, new in KN_BUGS[name]:
        code = mutate(code, old, new)
    return student_function(code)


def test_right_answers_pass_every_part():
    right = student_function(KN)
    for seed in range(12):
        check_kn_bigram(right, seed=seed)
        for part in ngram.KN_BIGRAM_PARTS:
            check_kn_bigram(right, seed=seed, part=part)


def test_the_checkers_formula_is_the_library():
    lib = ngram._lib
    for seed in range(6):
        ids, V = ngram._draw(np.random.default_rng(seed))
        p1, P = ngram._kn_bigram(ids, V)
        model = lib.NGramModel.fit(ids, 2, V)
        assert np.allclose(p1, model.distribution([]), rtol=0, atol=1e-13)
        assert np.allclose(P, [model.distribution([h]) for h in range(V)], rtol=0, atol=1e-13)
        assert np.allclose(P.sum(axis=1), 1) and np.all(P > 0)


def test_every_mistake_has_a_student_version():
    assert set(KN_BUGS) == set(KN_BIGRAM_MISTAKES)


@pytest.mark.parametrize("bug", KN_BUGS)
def test_each_mistake_is_named_in_its_part_and_costs_no_other_part(bug):
    fn = buggy(bug)
    part, message = KN_BIGRAM_MISTAKES[bug]
    for seed in (1, 2, 3):
        with pytest.raises(AssertionError) as info:
            check_kn_bigram(fn, seed=seed, part=part)
        assert message in str(info.value)
    # a wrong p1 does not cost the rows (they are checked against the student's own p1), and the
    # rows' mistakes leave p1 right
    for other in ngram.KN_BIGRAM_PARTS:
        if other != part and not (bug == "seen_transposed" and other != "seen"):
            for seed in (1, 2, 3):
                check_kn_bigram(fn, seed=seed, part=other)


def test_other_failures_give_feedback():
    right = student_function(KN)
    with pytest.raises(AssertionError, match=r"return two arrays, p1 \(V,\) and P \(V, V\)"):
        check_kn_bigram(lambda ids, V: right(ids, V)[1], seed=0)
    with pytest.raises(AssertionError, match=r"P should have shape \(\d+, \d+\), got"):
        check_kn_bigram(lambda ids, V: (right(ids, V)[0], right(ids, V)[1][:-1]), seed=0)

    def sorts_ids(ids, V):
        ids.sort()
        return right(ids, V)

    with pytest.raises(AssertionError, match="changed ids"):
        check_kn_bigram(sorts_ids, seed=0)

    def doubles_ids_after(ids, V):  # right, but changes its input afterwards
        out = right(ids, V)
        ids *= 2
        return out

    with pytest.raises(AssertionError, match="changed ids"):
        check_kn_bigram(doubles_ids_after, seed=0, part="p1")
    for part in ("seen", "unseen"):  # the part "p1" alone answers for the input
        check_kn_bigram(doubles_ids_after, seed=0, part=part)
    with pytest.raises(NotImplementedError):
        check_kn_bigram(student_function("def kn_bigram(ids, V):\n    raise NotImplementedError()"))
    # outside the table: where it differs, and the formula of the part
    scaled = student_function(mutate(KN, "P = np.where(total > 0, P, p1)", "P = np.where(total > 0, 0.9 * P, p1)"))
    with pytest.raises(AssertionError, match=r"the rows of seen contexts wrong .*P\[\d+, \d+\] is .*\n"):
        check_kn_bigram(scaled, seed=0, part="seen")
    check_kn_bigram(scaled, seed=0, part="unseen")
    with pytest.raises(ValueError, match="part must be one of"):
        check_kn_bigram(right, part="rows")


def test_an_answer_that_calls_rnn_lib_fails():
    import rnn_lib

    def from_the_library(ids, V):
        model = rnn_lib.NGramModel.fit(ids, 2, V)
        return model.distribution([]), np.array([model.distribution([h]) for h in range(V)])

    with pytest.raises(AssertionError, match="your function called rnn_lib.ngram.NGramModel.fit"):
        check_kn_bigram(from_the_library, seed=0)

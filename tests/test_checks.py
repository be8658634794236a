"""rnn_notebook.checks, the visible checks shipped with the handouts, and rnn_grading.library, the
switch that keeps a graded function from using the course's libraries."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_notebook import checks


@pytest.fixture(autouse=True)
def fresh_results():
    checks._results.clear()
    yield
    checks._results.clear()


def test_a_passing_part_is_remembered_and_printed(capsys):
    with checks.test("f", "first"):
        checks.expect_close(np.array([1.0, 2.0]), [1.0, 2.0], "x")
    assert checks.ready("f")
    assert capsys.readouterr().out == "passed: f (first)\n"


def test_a_failing_part_makes_the_exercise_not_ready_and_says_so(capsys):
    with checks.test("f", "first"):
        pass
    with pytest.raises(AssertionError, match=r"f \(second\):\nx is wrong: at index \(1,\) it is 3, it should be 2"):
        with checks.test("f", "second"):
            checks.expect_close(np.array([1.0, 3.0]), [1.0, 2.0], "x", hint="look at y")
    capsys.readouterr()
    assert not checks.ready("f")
    note = capsys.readouterr().out
    assert note.startswith("Skipped: this cell uses `f`")
    assert all(len(line) <= checks.WIDTH for line in note.splitlines())
    assert not checks.ready("never tested")


def test_the_placeholder_and_other_errors_become_feedback():
    with pytest.raises(AssertionError, match="not written yet"):
        with checks.test("f", "p"):
            raise NotImplementedError()
    with pytest.raises(AssertionError, match="your function raised IndexError: out of range"):
        with checks.test("f", "p"):
            raise IndexError("out of range")


def test_long_feedback_is_wrapped_with_its_line_breaks_kept():
    message = "first line\n" + "word " * 40 + "\nHint: " + "more " * 30
    with pytest.raises(AssertionError) as info:
        with checks.test("f", "p"):
            raise AssertionError(message)
    lines = str(info.value).split("\n")
    assert lines[1] == "first line" and all(len(line) <= checks.WIDTH for line in lines)
    assert any(line.startswith("Hint: ") for line in lines)


def test_expect_close_names_shape_and_transpose_and_nan():
    with pytest.raises(AssertionError, match=r"shape \(2, 3\), got \(3, 2\) \(transposed\?\)"):
        checks.expect_close(np.zeros((3, 2)), np.zeros((2, 3)), "dW")
    with pytest.raises(AssertionError, match="nan or inf"):
        checks.expect_close(np.array([np.nan]), [0.0], "p")
    with pytest.raises(AssertionError, match="forget a return"):
        checks.expect_close(None, [0.0], "p")
    with pytest.raises(AssertionError, match="it is 2, it should be 1.$"):
        checks.expect_close(2.0, 1.0, "loss")  # a scalar: no index


def test_expect_gradient_against_finite_differences():
    x = np.array([0.3, -1.2, 2.0])

    def f(v):
        return float(np.sum(v**3))

    checks.expect_gradient(3 * x**2, f, x, "dx")
    with pytest.raises(AssertionError, match="disagrees with finite differences"):
        checks.expect_gradient(2 * x, f, x, "dx")
    assert np.array_equal(x, [0.3, -1.2, 2.0])  # nudged and put back


def test_expect_unchanged():
    checks.expect_unchanged(np.arange(3), np.arange(3), "y")
    with pytest.raises(AssertionError, match="changed y"):
        checks.expect_unchanged(np.arange(3), np.arange(3) + 1, "y")


def test_libraries_off_switches_every_course_function_off_and_back_on():
    import rnn_lib
    from rnn_grading.library import LibraryUsed, libraries_off, reference_library

    from_lib = rnn_lib.next_char_distribution  # a name imported before grading is switched off too
    ref = reference_library()
    with libraries_off():
        for call in (lambda: from_lib(np.zeros(3)), lambda: ref.rnn.init_params(3, 4, rng=None), checks.ready):
            with pytest.raises(LibraryUsed, match="your own numpy code"):
                call()
        assert np.allclose(np.exp(np.zeros(2)), 1.0)  # numpy itself is untouched
    assert np.allclose(from_lib(np.zeros(4)), 0.25)  # and everything works again afterwards
    assert ref.__name__ == "rnn_grading._rnn_lib" and ref is not rnn_lib

"""The visible checks of the homework's test cells, shipped with every handout.

They hold no answer: a gradient is checked against centred finite differences of a loss the
notebook already has, anything else against a small worked example whose numbers the cell states,
or against properties (shapes, sums, inputs left unchanged). The instructor's hidden tests
(package ``rnn_grading``, never in a handout) check more inputs and name common mistakes.

Each test cell runs its checks inside ``with test(exercise, part):``. The outcome is remembered,
so that a later cell which needs the exercise's function can ask :func:`ready` first and, when the
exercise is still wrong, print a note and skip its work instead of failing: a stuck student can go
on with the rest of the notebook. Messages keep their line breaks and stay under 78 characters a
line, so ``nbgrader validate`` shows them whole.
"""

from __future__ import annotations

import contextlib
import textwrap

import numpy as np

__all__ = ["expect_close", "expect_gradient", "expect_unchanged", "numerical_gradient", "ready", "test"]

WIDTH = 76  # nbgrader validate cuts longer lines (its width is 90, with an indent)

# exercise -> {part: passed?}, filled by the test cells of this kernel
_results: dict[str, dict[str, bool]] = {}


def _wrap(message: str) -> str:
    """Each line of ``message`` wrapped at :data:`WIDTH`, line breaks kept."""
    out = []
    for line in str(message).split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        out += textwrap.wrap(line, WIDTH, subsequent_indent=indent + "  ", break_long_words=False) or [""]
    return "\n".join(out)


@contextlib.contextmanager
def test(exercise: str, part: str):
    """Run one part's checks; remember whether they passed; make any failure readable feedback.

    ``NotImplementedError`` (the handout's placeholder) and ``AssertionError`` (a failed check) come
    out as an ``AssertionError`` naming the exercise and the part; any other exception raised by
    the student's code is reported with its type and message.
    """
    _results.setdefault(exercise, {})[part] = False
    try:
        yield
    except NotImplementedError:
        raise AssertionError(
            _wrap(f"{exercise} ({part}): not written yet. Replace `raise NotImplementedError()` by your code.")
        ) from None
    except AssertionError as exc:
        raise AssertionError(_wrap(f"{exercise} ({part}):\n{exc}")) from None
    except Exception as exc:
        raise AssertionError(_wrap(f"{exercise} ({part}): your function raised {type(exc).__name__}: {exc}")) from exc
    _results[exercise][part] = True
    print(f"passed: {exercise} ({part})")


def ready(*exercises: str) -> bool:
    """Whether every part tested so far of each exercise passed; if not, print which are missing.

    A cell that uses an exercise's function starts with ``if checks.ready("name"):`` in the
    homework, so that it skips its work, with this note, while the exercise is wrong.
    """
    missing = [e for e in exercises if not _results.get(e) or not all(_results[e].values())]
    if missing:
        names = ", ".join(f"`{e}`" for e in missing)
        print(
            _wrap(
                f"Skipped: this cell uses {names}, whose test cells have not all passed yet. "
                "Fix the exercise, run its test cells, then run this cell again."
            )
        )
    return not missing


def _as_array(value, what: str) -> np.ndarray:
    if value is None:
        raise AssertionError(f"{what} is None: did you forget a return statement?")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} should be an array, got {type(value).__name__}") from None


def expect_close(got, expected, what: str, hint: str = "", rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Raise feedback unless ``got`` has the shape of ``expected`` and agrees with it to ``rtol``/``atol``."""
    got_a, expected_a = _as_array(got, what), np.asarray(expected, dtype=np.float64)
    if got_a.shape != expected_a.shape:
        flipped = " (transposed?)" if got_a.ndim == 2 and got_a.shape == expected_a.shape[::-1] else ""
        raise AssertionError(f"{what} should have shape {expected_a.shape}, got {got_a.shape}{flipped}")
    if not np.all(np.isfinite(got_a)):
        raise AssertionError(f"{what} contains nan or inf: look for an overflowing np.exp or a division by 0")
    if not np.allclose(got_a, expected_a, rtol=rtol, atol=atol):
        worst = np.unravel_index(np.argmax(np.abs(got_a - expected_a)), got_a.shape) if got_a.ndim else ()
        where = f" at index {tuple(int(i) for i in worst)}" if got_a.ndim else ""
        raise AssertionError(
            f"{what} is wrong:{where} it is {got_a[worst]:.6g}, it should be {expected_a[worst]:.6g}."
            + (f"\nHint: {hint}" if hint else "")
        )


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Centred differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) of a scalar ``f`` at ``x``.

    ``x`` (any shape, float64) is nudged in place and restored; the result has its shape.
    """
    x = np.asarray(x)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def expect_gradient(got, f, x: np.ndarray, what: str, hint: str = "", tol: float = 1e-6) -> None:
    """Raise feedback unless ``got`` matches the centred finite differences of ``f`` at ``x``.

    The comparison is the relative error |a - n| / max(|a| + |n|, 1e-8) per entry, below ``tol``.
    """
    numeric = numerical_gradient(f, x)
    got_a = _as_array(got, what)
    if got_a.shape != numeric.shape:
        flipped = " (transposed?)" if got_a.ndim == 2 and got_a.shape == numeric.shape[::-1] else ""
        raise AssertionError(f"{what} should have shape {numeric.shape}, got {got_a.shape}{flipped}")
    err = np.abs(got_a - numeric) / np.maximum(np.abs(got_a) + np.abs(numeric), 1e-8)
    if not np.all(err < tol):
        raise AssertionError(
            f"{what} disagrees with finite differences: largest relative error {np.nanmax(err):.1e} "
            f"(a right gradient is below {tol:.0e})." + (f"\nHint: {hint}" if hint else "")
        )


def expect_unchanged(before, after, what: str) -> None:
    """Raise feedback if an input the function was given was changed in place."""
    if not np.array_equal(np.asarray(before), np.asarray(after)):
        raise AssertionError(
            f"your function changed {what}, which it was given: work on a copy (.copy()) or a new array."
        )

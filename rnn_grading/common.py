"""What every checker shares: the instructor's rnn_lib (under a private name, see
:mod:`rnn_grading.library`), calling the student's function with the libraries switched off, and
comparisons that turn into feedback.

Dimension letters: V vocabulary size, H hidden size, T time steps.
"""

from __future__ import annotations

import numpy as np

from .library import libraries_off, plumbing, reference_library

# The instructor's rnn_lib under a private name: a handout's stubbed copy on sys.path cannot shadow it.
_lib = reference_library()
numerical_gradient, rel_error = _lib.gradient_check.numerical_gradient, _lib.gradient_check.rel_error
Adagrad = _lib.optim.Adagrad
_gist_forward = _lib.references.rnn_forward_reference
PARAM_NAMES, backward, forward, init_params = (
    _lib.rnn.PARAM_NAMES,
    _lib.rnn.backward,
    _lib.rnn.forward,
    _lib.rnn.init_params,
)
next_char_distribution = _lib.sampling.next_char_distribution


# ---------------------------------------------------------------------------------------------
# shared helpers


@plumbing
def _call(fn, *args, hint: str = ""):
    """``fn(*args)`` with the course's libraries switched off (:func:`libraries_off`); an
    exception other than NotImplementedError becomes feedback with ``hint``."""
    try:
        with libraries_off():
            return fn(*args)
    except (NotImplementedError, AssertionError):
        raise
    except Exception as exc:
        name = getattr(fn, "__name__", "your function")
        raise AssertionError(
            f"{name} raised {type(exc).__name__}: {exc}" + (f"\nHint: {hint}" if hint else "")
        ) from exc


def _is_close(a, b) -> bool:
    """Equal up to rounding: what two correct implementations of the same formula agree to."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-7, atol=1e-10, equal_nan=True))


def _array(value, shape: tuple, what: str) -> np.ndarray:
    """``value`` as a float array of ``shape``, or feedback naming ``what`` was returned wrong."""
    if value is None:
        raise AssertionError(f"{what} is None: did you forget a return statement?")
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} should be an array of shape {shape}, got {type(value).__name__}") from None
    if a.shape != shape:
        flipped = " (transposed?)" if a.shape == shape[::-1] and len(shape) == 2 else ""
        raise AssertionError(f"{what} should have shape {shape}, got {a.shape}{flipped}")
    if not np.all(np.isfinite(a)):
        raise AssertionError(f"{what} contains nan or inf: look for a division by zero or an overflowing np.exp")
    return a


def _numerical_gradient(f, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Centred differences of a scalar ``f`` at a float64 copy of ``x`` (see rnn_lib.gradcheck.numerical_gradient)."""
    return numerical_gradient(f, np.array(x, dtype=np.float64), eps)


def _first_mistake(got: dict, variants: dict, mistakes: dict) -> str | None:
    """The message of the first mistake whose wrong result ``variants[name]`` equals ``got``.

    ``got`` and each ``variants[name]`` map array names to arrays; a variant matches when every
    array of ``got`` is close to it.
    """
    for name, message in mistakes.items():
        wrong = variants.get(name)
        if wrong is not None and all(_is_close(got[k], wrong[k]) for k in got):
            return message
    return None


def _softmax(y: np.ndarray) -> np.ndarray:
    e = np.exp(y - y.max())
    return e / e.sum()

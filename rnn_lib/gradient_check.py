"""Numerical gradient checking: compare backpropagation with centred finite differences.

For every entry w of every array, the numerical derivative is
``(f(w + eps) - f(w - eps)) / (2 eps)``, whose error shrinks like eps^2. It is compared with the
analytic gradient by the relative error ``|a - n| / max(1e-8, |a| + |n|)``: in float64 a correct
backward pass gives errors around 1e-9 or below; a wrong one gives errors near 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import rnn
from .layers import cross_entropy

__all__ = ["rel_error", "GradcheckReport", "gradcheck", "gradcheck_rnn", "numerical_gradient"]


def rel_error(a, b) -> np.ndarray:
    """Elementwise relative error ``|a - b| / max(1e-8, |a| + |b|)``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))


@dataclass
class GradcheckReport:
    """The comparison for one array: ``analytic`` and ``numeric`` gradients and their ``errors``."""

    name: str
    analytic: np.ndarray
    numeric: np.ndarray
    errors: np.ndarray

    @property
    def max_rel_error(self) -> float:
        return float(self.errors.max())

    @property
    def worst_index(self) -> tuple:
        return np.unravel_index(int(np.argmax(self.errors)), self.errors.shape)

    def __str__(self) -> str:
        return (
            f"{self.name:>6} {str(self.errors.shape):>10}  max rel error {self.max_rel_error:.2e}"
            f"  (worst at {tuple(int(i) for i in self.worst_index)})"
        )


class GradcheckResult(dict):
    """Reports keyed by array name; ``print(result)`` shows one line per array."""

    @property
    def max_rel_error(self) -> float:
        return max(r.max_rel_error for r in self.values())

    def __str__(self) -> str:
        return "\n".join(str(r) for r in self.values())


def gradcheck(f, arrays: dict, eps: float = 1e-5) -> GradcheckResult:
    """Check ``f``'s analytic gradients against centred differences on every entry.

    Parameters
    ----------
    f : callable
        ``f(arrays) -> (loss, grads)`` where ``grads`` has an entry for every key of ``arrays``
        (same shapes). ``f`` must read the arrays each call: they are perturbed in place.
    arrays : dict of float64 arrays
        Everything to differentiate with respect to (parameters, and the initial state if wanted).
        Each entry is restored exactly after it is perturbed.
    eps : float

    Returns
    -------
    GradcheckResult
        One :class:`GradcheckReport` per array.
    """
    for name, a in arrays.items():
        if a.dtype != np.float64:
            raise ValueError(
                f"gradient checks need float64 arrays; {name} is {a.dtype}: "
                "finite differences in float32 lose most of their digits"
            )
    _, grads = f(arrays)
    result = GradcheckResult()
    for name, a in arrays.items():
        analytic = np.array(grads[name], dtype=np.float64)
        if analytic.shape != a.shape:
            raise ValueError(f"gradient of {name} has shape {analytic.shape}, the array has {a.shape}")
        numeric = numerical_gradient(lambda _: f(arrays)[0], a, eps)
        result[name] = GradcheckReport(name, analytic, numeric, rel_error(analytic, numeric))
    return result


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Centred differences ``(f(x + eps e_i) - f(x - eps e_i)) / 2 eps`` of a scalar ``f``, entry by entry.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; it must read ``x`` at each call.
    x : float64 array, contiguous
        Perturbed in place, one entry at a time, and each entry restored exactly afterwards.
    eps : float

    Returns
    -------
    float64 array, shaped like ``x``
    """
    numeric = np.empty(x.shape, np.float64)
    flat = x.reshape(-1)  # a view: writing to it perturbs the array f reads
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f(x)
        flat[i] = old - eps
        minus = f(x)
        flat[i] = old
        numeric.reshape(-1)[i] = (plus - minus) / (2 * eps)
    return numeric


def gradcheck_rnn(
    params: dict, inputs, targets, hprev, eps: float = 1e-5, forward=rnn.forward, backward=rnn.backward
) -> GradcheckResult:
    """Gradient check of :func:`rnn_lib.rnn.forward`/``backward`` (unclipped) for every parameter and ``hprev``.

    Parameters
    ----------
    params : dict of float64 arrays
    inputs, targets : int arrays, shape (T,) or (T, B)
    hprev : float64 array, shape (H, 1) or (H, B)
    forward, backward : callables
        The pair to check; pass your own to check a from-scratch implementation with the same
        signatures.
    """
    arrays = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    arrays["hprev"] = np.array(hprev, dtype=np.float64)

    def f(a):
        p = {k: a[k] for k in params}
        cache = forward(p, inputs, a["hprev"])
        loss = cross_entropy(cache, targets)
        grads, dhprev = backward(p, cache, targets)
        return loss, {**grads, "hprev": dhprev}

    return gradcheck(f, arrays, eps=eps)

"""Adagrad, the optimiser of the gist: a separate, shrinking step size for every parameter entry."""

from __future__ import annotations

import math

import numpy as np

from .layers import zeros

__all__ = ["Adagrad", "SGD"]


class _Optimizer:
    """What Adagrad and Adam share: a step is a check of the gradients' names, then one update per array."""

    params: dict

    def step(self, grads: dict) -> None:
        """Apply one update from ``grads`` (keyed like the parameters)."""
        missing = set(self.params) - set(grads)
        if missing:
            raise KeyError(f"grads is missing {sorted(missing)}; it must be keyed like the parameters")
        self._begin_step()
        for name, param in self.params.items():
            self._update(name, param, grads[name])

    def _begin_step(self) -> None:
        """Anything computed once per step, before the updates."""

    def _update(self, name: str, param: np.ndarray, dparam: np.ndarray) -> None:
        raise NotImplementedError

    def max_change(self, grad_max: float) -> float:
        """An upper bound on how far the next :meth:`step` can move any parameter entry, given that
        every gradient entry is finite and at most ``grad_max`` in size; ``math.inf`` when it cannot
        tell (then the step may make parameters infinite or NaN: the trainer keeps a copy to undo it).

        Rounding included, so that ``max|param| + max_change(...)`` well below the dtype's largest
        number means the step leaves every parameter finite.
        """
        return math.inf

    def _scratch(self, name: str, like: np.ndarray, count: int) -> tuple:
        """``count`` buffers shaped like parameter ``name``, kept for its next steps: no allocation per step."""
        buffers = self._buffers.get(name)
        if buffers is None:
            buffers = self._buffers[name] = tuple(np.empty_like(like) for _ in range(count))
        return buffers


def _min_of(arrays) -> float:
    """The smallest entry of the arrays as a Python float: NaN if one is NaN, +inf if there are none."""
    low = math.inf
    for a in arrays:
        if a.size:
            x = float(a.min())  # NaN propagates through min
            if x != x:
                return x
            low = min(low, x)
    return low


def _max_abs(arrays) -> float:
    """The largest absolute entry of the arrays, as a Python float: inf if one is inf or NaN, 0 if empty."""
    top = 0.0
    for a in arrays:
        if a.size:
            hi, lo = float(a.max()), float(a.min())  # NaN propagates through max and min
            if not (math.isfinite(hi) and math.isfinite(lo)):
                return math.inf
            top = max(top, hi, -lo)
    return top


_ROUNDING = 2.0  # the bounds below are exact up to a few roundings of relative size 2**-24: doubled to be safe


class Adagrad(_Optimizer):
    """Adagrad with the gist's update rule, applied to the parameter arrays in place::

        mem   += dparam * dparam
        param -= learning_rate * dparam / sqrt(mem + eps)

    Entries whose gradients have been large get small steps, rarely-updated ones keep big steps.
    The memory is readable as ``opt.memory["Wxh"]`` or, with the gist's names, ``opt.mWxh``.

    Parameters
    ----------
    params : dict of arrays
        Updated in place by :meth:`step`: code holding a reference to ``params["Whh"]`` sees the
        new values (the arrays are modified, never replaced).
    learning_rate : float
    eps : float
        Keeps the first division finite when a gradient entry has always been 0.
    """

    def __init__(self, params: dict, learning_rate: float = 0.1, eps: float = 1e-8):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        self.params = params
        self.learning_rate = float(learning_rate)
        self.eps = float(eps)
        self.memory = zeros({k: v.shape for k, v in params.items()}, next(iter(params.values())).dtype)
        self._buffers = {}

    def __getattr__(self, name):
        # opt.mWxh -> opt.memory["Wxh"], mirroring the gist's variable names
        memory = self.__dict__.get("memory", {})
        if name.startswith("m") and name[1:] in memory:
            return memory[name[1:]]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def _update(self, name, param, dparam):
        # mem += dparam * dparam;  param += -learning_rate * dparam / sqrt(mem + eps),
        # operation by operation into reused buffers: the same numbers, no allocation
        mem, (s, u) = self.memory[name], self._scratch(name, param, 2)
        np.multiply(dparam, dparam, out=s)
        mem += s
        np.add(mem, self.eps, out=s)
        np.sqrt(s, out=s)
        np.multiply(-self.learning_rate, dparam, out=u)
        np.divide(u, s, out=u)
        param += u

    def max_change(self, grad_max: float) -> float:
        """``learning_rate * grad_max / sqrt(eps)`` (the memory is 0 or more, so the denominator is at
        least sqrt(eps)), or inf if a memory entry is negative or NaN (set by hand: never by a step)."""
        if not _min_of(self.memory.values()) >= 0:
            return math.inf
        eps = float(np.asarray(self.eps, self._dtype))  # the eps the update adds, rounded to the dtype
        return _ROUNDING * self.learning_rate * grad_max / math.sqrt(eps) if eps > 0 else math.inf

    @property
    def _dtype(self):
        return next(iter(self.params.values())).dtype

    def state_dict(self) -> dict:
        """The memory arrays, keyed like the parameters (for checkpoints)."""
        return dict(self.memory)

    def load_state_dict(self, memory: dict) -> None:
        for name, mem in self.memory.items():
            if name not in memory:
                raise ValueError(f"the saved optimiser memory has no {name!r}: it belongs to another optimiser")
            if memory[name].shape != mem.shape:
                raise ValueError(
                    f"Adagrad memory for {name} has shape {memory[name].shape}, the parameter has {mem.shape}"
                )
            mem[...] = memory[name]


class SGD:
    """Plain gradient descent, ``param -= learning_rate * dparam``: the baseline Adagrad is compared with."""

    def __init__(self, params: dict, learning_rate: float = 0.1):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        self.params = params
        self.learning_rate = float(learning_rate)

    def step(self, grads: dict) -> None:
        for name, param in self.params.items():
            param -= self.learning_rate * grads[name]


class Adam(_Optimizer):
    """Adam (Kingma and Ba, 2015), applied to the parameter arrays in place::

        t      += 1
        m       = beta1 * m + (1 - beta1) * dparam        running mean of the gradient
        v       = beta2 * v + (1 - beta2) * dparam**2     running mean of its square
        m_hat   = m / (1 - beta1**t)                      m and v start at 0: undo that bias
        v_hat   = v / (1 - beta2**t)
        param  -= learning_rate * m_hat / (sqrt(v_hat) + eps)

    Each entry moves by about ``learning_rate`` per step whatever the scale of its gradient, and
    unlike Adagrad's ever-growing memory, v forgets old gradients (over ~1/(1 - beta2) = 1000 steps),
    so the step size does not shrink for ever: the usual choice for LSTMs and GRUs.

    The memory has three parts, readable by name:
    ``opt.memory["m/Wxh"]``, ``opt.memory["v/Wxh"]``, ... (each shaped like its parameter) and
    ``opt.memory["t"]``, a 0-d array holding the step count. Every part is an array, so a checkpoint
    stores ``state_dict()`` as it stores Adagrad's memory, and :meth:`load_state_dict` resumes the
    exact sequence of updates. The count is kept in the parameters' dtype: exact up to 2**24 steps
    in float32, beyond which the bias corrections are 1 to float32 precision anyway.

    Parameters
    ----------
    params : dict of arrays
        Updated in place by :meth:`step` (the arrays are modified, never replaced).
    learning_rate : float
        The largest step per entry, roughly; 1e-3 to 3e-3 suit character models.
    beta1, beta2 : float in [0, 1)
        Decay rates of the running means of the gradient and of its square.
    eps : float
        Keeps the division finite when an entry's gradient has always been 0.
    """

    def __init__(
        self, params: dict, learning_rate: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ):
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps!r}")
        self.params = params
        self.learning_rate, self.beta1, self.beta2, self.eps = (float(v) for v in (learning_rate, beta1, beta2, eps))
        dtype = next(iter(params.values())).dtype
        shapes = {f"m/{k}": v.shape for k, v in params.items()}
        shapes.update({f"v/{k}": v.shape for k, v in params.items()})
        shapes["t"] = ()
        self.memory = zeros(shapes, dtype)
        self._buffers = {}

    @property
    def t(self) -> int:
        """Updates applied so far."""
        return int(self.memory["t"])

    def _begin_step(self) -> None:
        t = self.memory["t"]
        t += 1
        # folded into two scalars: m_hat / (sqrt(v_hat) + eps) = m / c1 / (sqrt(v) / sqrt(c2) + eps)
        self._c1 = 1 - self.beta1 ** float(t)
        self._c2 = 1 - self.beta2 ** float(t)

    def max_change(self, grad_max: float) -> float:
        """``learning_rate / c1 * max(|m|, grad_max) / eps``: the new m is a weighted mean of the old m and
        the gradient, and the denominator ``sqrt(v_hat) + eps`` is at least eps as v is 0 or more.
        inf if a v entry is negative or NaN (set by hand: never by a step) or the bias corrections fail."""
        t = float(self.memory["t"]) + 1
        c1, c2 = 1 - self.beta1**t, 1 - self.beta2**t
        dtype = self.memory["t"].dtype
        eps = float(np.asarray(self.eps, dtype))
        if not (c1 > 0 and c2 > 0 and eps > 0):
            return math.inf
        if not _min_of(self.memory[f"v/{k}"] for k in self.params) >= 0:
            return math.inf
        m_max = max(grad_max, _max_abs(self.memory[f"m/{k}"] for k in self.params))
        return _ROUNDING * self.learning_rate / c1 * m_max / eps

    def _update(self, name, param, dparam):
        m, v, c1, c2 = self.memory[f"m/{name}"], self.memory[f"v/{name}"], self._c1, self._c2
        s = self._scratch(name, param, 1)[0]
        m *= self.beta1
        np.multiply(dparam, 1 - self.beta1, out=s)
        m += s
        v *= self.beta2
        np.multiply(dparam, dparam, out=s)
        s *= 1 - self.beta2
        v += s
        np.sqrt(v, out=s)
        s *= 1 / np.sqrt(c2)
        s += self.eps  # sqrt(v_hat) + eps
        np.divide(m, s, out=s)
        s *= self.learning_rate / c1
        param -= s

    def state_dict(self) -> dict:
        """``m/<name>``, ``v/<name>`` (shaped like the parameters) and ``t`` (0-d): arrays, for checkpoints."""
        return dict(self.memory)

    def load_state_dict(self, memory: dict) -> None:
        """Restore :meth:`state_dict` (e.g. from a checkpoint): later steps continue the same sequence."""
        missing = sorted(set(self.memory) - set(memory))
        if missing:
            raise ValueError(
                f"the Adam memory lacks {missing[:4]}{' ...' if len(missing) > 4 else ''}: it needs "
                f"'m/<name>', 'v/<name>' for every parameter and 't' (was it saved by another "
                f"optimiser, e.g. Adagrad?)"
            )
        for name, mem in self.memory.items():
            value = np.asarray(memory[name])
            if name == "t":
                if value.size != 1:
                    raise ValueError(f"Adam memory 't' must hold one number (the step count), got shape {value.shape}")
                value = value.reshape(())
            elif value.shape != mem.shape:
                raise ValueError(f"Adam memory {name} has shape {value.shape}, the parameter has {mem.shape}")
            mem[...] = value


__all__ += ["Adam"]

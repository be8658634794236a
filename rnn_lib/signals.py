"""Stop requests: Ctrl-C, SIGTERM and SIGHUP turned into "stop at the next safe point".

A training step changes several things that must change together (parameters, optimiser memory,
step counter, data position, history). A signal that cut such a change in half would leave a
state that saves, loads and resumes as if it were valid, but is not one step of any run. So while
a :class:`StopRequests` is active, signals never interrupt code: they are counted, and

- the first one asks the training loop to stop after the current step;
- code that is safe to cut short (computing gradients, a validation pass, a sample) declares it
  with :meth:`StopRequests.abortable`, and only there does a signal raise ``KeyboardInterrupt``
  (after the second signal, or the first for work whose result is only reported).

Everything else (an update, the bookkeeping after it, saving a checkpoint) always runs to its end.
Signal handlers can only be installed in the main thread; elsewhere a ``StopRequests`` is inert.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

__all__ = ["StopRequests", "active"]

_NAMES = {signal.SIGINT: "Ctrl-C"}
_SIGNALS = [signal.SIGINT]
for _name in ("SIGTERM", "SIGHUP"):  # SIGHUP does not exist on Windows
    if hasattr(signal, _name):
        _SIGNALS.append(getattr(signal, _name))
        _NAMES[getattr(signal, _name)] = _name

_active: list = []  # the StopRequests installed in this process, innermost last


def active() -> StopRequests | None:
    """The innermost active :class:`StopRequests`, if any."""
    return _active[-1] if _active else None


class StopRequests:
    """Context manager that counts stop signals instead of letting them interrupt.

    Parameters
    ----------
    restore : bool
        Put the previous handlers back on exit (False: ignore the signals from then on, for a
        program that ends right after, so that a late signal cannot kill it on its way out).

    Attributes
    ----------
    count : int
        Signals received so far.
    signum : int or None
        The first signal received.
    """

    def __init__(self, restore: bool = True):
        self.restore = restore  # False: a process about to exit keeps counting signals to its end
        self.count = 0
        self.signum = None
        self._abort_after = None  # inside abortable(): the count at which to raise
        self._previous = {}
        self._installed = False

    @property
    def requested(self) -> bool:
        """Whether a stop was asked for."""
        return self.count > 0

    @property
    def reason(self) -> str:
        """``"interrupted (Ctrl-C)"``, ``"interrupted (SIGTERM)"``, ..."""
        return f"interrupted ({_NAMES.get(self.signum, 'Ctrl-C')})"

    @property
    def exit_status(self) -> int:
        """The shell's convention for a process ended by the signal: 128 + its number (Ctrl-C: 130)."""
        return 128 + int(self.signum if self.signum is not None else signal.SIGINT)

    def request(self, signum=signal.SIGINT) -> None:
        """Record a stop request as a signal would (also used for ``KeyboardInterrupt`` raised by code)."""
        self.count += 1
        if self.signum is None:
            self.signum = signum

    def _handler(self, signum, frame):
        self.request(signum)
        if self._abort_after is not None and self.count >= self._abort_after:
            self._abort_after = None  # raise once; the code unwinding must not be cut again
            raise KeyboardInterrupt

    @contextmanager
    def abortable(self, after: int = 2):
        """Let a signal cut the block short (``KeyboardInterrupt``) once ``after`` signals have come.

        The block must leave nothing half changed when cut: compute into local variables, or
        restore what it changed. Raises at once if that many signals came before the block.
        """
        if not self._installed:
            yield
            return
        if self.count >= after:
            raise KeyboardInterrupt
        outer, self._abort_after = self._abort_after, after
        try:
            yield
        finally:
            self._abort_after = outer

    @contextmanager
    def deferred(self):
        """Run the block to its end whatever signals come, even inside an abortable block."""
        outer, self._abort_after = self._abort_after, None
        try:
            yield
        finally:
            self._abort_after = outer

    @contextmanager
    def critical(self):
        """Run the block to its end whatever signals come (inside an abortable block too).

        A signal that would have cut the enclosing abortable block raises when this one ends.
        """
        outer, self._abort_after = self._abort_after, None
        try:
            yield
        finally:
            self._abort_after = outer
        if outer is not None and self.count >= outer:
            self._abort_after = None
            raise KeyboardInterrupt

    def __enter__(self) -> StopRequests:
        if threading.current_thread() is threading.main_thread():
            for s in _SIGNALS:
                self._previous[s] = signal.signal(s, self._handler)
            self._installed = True
        _active.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _active.remove(self)
        self._abort_after = None
        if self._installed:
            for s, previous in self._previous.items():
                # ignored, not counted: Python puts a handler written in Python back to the default
                # (end the process) while it shuts down, which takes long enough to be hit
                signal.signal(s, previous if self.restore else signal.SIG_IGN)
            self._installed = False

"""How many threads the BLAS library (OpenBLAS, MKL, Accelerate) may use for numpy's matrix products.

This library's products are small (a 160 x 160 recurrence times 32 streams): splitting each one over
several threads costs more in hand-overs than it saves, and on a laptop whose other core is busy it
can make training several times slower. So rnn_lib's own work (``Trainer.run``, ``evaluate``, the
CLI) runs with one BLAS thread unless told otherwise, whatever the environment says; the number of
threads does not change any result, only the speed. Spreading training over cores is done one level
up, by ``TrainConfig.threads`` (each thread a group of streams, each with its own one-thread products).

>>> import rnn_lib
>>> with rnn_lib.blas_threads(1):       # inside the block only
...     pass
>>> _ = rnn_lib.blas_threads(1)         # from now on (what the notebooks' setup cell does)

``threadpoolctl`` finds the BLAS library that numpy loaded; asking it again on every call would cost
about a millisecond, so one controller is made on first use and kept.
"""

from __future__ import annotations

from threadpoolctl import ThreadpoolController

__all__ = ["DEFAULT_BLAS_THREADS", "blas_threads", "blas_info"]

DEFAULT_BLAS_THREADS = 1
_controller: ThreadpoolController | None = None


def _get_controller() -> ThreadpoolController:
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller


def blas_threads(n: int | None = DEFAULT_BLAS_THREADS):
    """Limit BLAS to ``n`` threads: at once, and until the ``with`` block ends if used as one.

    Parameters
    ----------
    n : int or None
        Threads for BLAS; ``None`` leaves the current setting alone.

    Returns
    -------
    A threadpoolctl limiter: use it in a ``with`` statement to restore the previous setting on exit.
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"the number of BLAS threads must be a whole number of at least 1, got {n!r}")
    return _get_controller().limit(limits=n, user_api="blas")


def blas_info() -> list[dict]:
    """The BLAS libraries numpy uses: name, version, kernel ('architecture') and current threads."""
    return [
        {k: lib.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
        for lib in _get_controller().info()
        if lib.get("user_api") == "blas"
    ]

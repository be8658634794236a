"""Figures shared by the notebooks: one lecture-readable style, and the loss-curve plot.

Dimension letters: V vocabulary size, H hidden size, T time steps.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["use_lecture_style", "plot_history"]


def use_lecture_style() -> None:
    """Large fonts and thick lines, readable on a projector; PNG output in notebooks."""
    import matplotlib as mpl
    mpl.rcParams.update({
        "figure.figsize": (8, 4.5),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 14,
        "axes.titlesize": 15,
        "axes.labelsize": 14,
        "legend.fontsize": 12,
        "lines.linewidth": 2.2,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "image.cmap": "RdBu_r",
    })
    try:  # in a notebook: PNG figures (small, stable files; nbval does not compare images)
        from IPython import get_ipython
        ip = get_ipython()
        if ip is not None:
            ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
    except ImportError:  # pragma: no cover
        pass


def plot_history(history, ax=None, x: str = "step", units: str = "nats", baselines: dict | None = None,
                 smooth: int = 1):
    """Training and validation loss of a :class:`rnn_lib.History` against steps or seconds.

    Parameters
    ----------
    history : rnn_lib.History
    ax : matplotlib Axes, optional
    x : "step" or "seconds"
    units : "nats" or "bits" (per character)
    baselines : dict name -> nats/char, optional
        Drawn as horizontal reference lines (e.g. ``{"uniform, ln V": math.log(65)}``).
    smooth : int
        Moving-average window over the training points.
    """
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots()
    scale = 1.0 if units == "nats" else 1 / math.log(2)
    xs = np.asarray(history.step if x == "step" else history.seconds, dtype=float)
    ys = np.asarray(history.train_nats, dtype=float) * scale
    if smooth > 1 and len(ys) >= smooth:
        ys = np.convolve(ys, np.ones(smooth) / smooth, mode="valid")
        xs = xs[smooth - 1:]
    ax.plot(xs, ys, label="training", color="tab:blue", alpha=0.8)
    if history.val_nats:
        vx = history.val_step if x == "step" else history.val_seconds
        ax.plot(vx, np.asarray(history.val_nats) * scale, "o-", label="validation", color="tab:orange")
    for i, (name, nats) in enumerate((baselines or {}).items()):
        ax.axhline(nats * scale, ls="--", lw=1.5, color=f"C{i + 2}", label=name)
    ax.set_xlabel("training step" if x == "step" else "seconds of training")
    ax.set_ylabel(f"loss ({units}/char)")
    ax.legend()
    return ax

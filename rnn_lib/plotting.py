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


# ---------------------------------------------------------------------------------------------
# Section of notebook 03_backprop_through_time: the unrolled computation graph.
# ---------------------------------------------------------------------------------------------

__all__ += ["plot_unrolled_rnn"]


def plot_unrolled_rnn(T: int = 4, ax=None, backward: bool = True, labels: bool = True):
    """The RNN unrolled over T steps: boxes for x_t, h_t, y_t, L_t, forward arrows, and the gradient.

    Forward arrows are dark grey. With ``backward=True`` the gradient is drawn in red: down from
    each loss L_t to y_t and h_t (``Why.T @ dy``), and back along the chain of hidden states
    (``dhnext``), which is zero after the last step and is dropped before the first (truncated BPTT).

    Parameters
    ----------
    T : int
        Number of time steps drawn (2 to 6 stay readable), indexed t = 0 .. T-1 as in the code.
    ax : matplotlib Axes, optional
    backward : bool
        Draw the gradient flow as well as the forward pass.
    labels : bool
        Label the gradient arrows (``dy``, ``Why.T @ dy``, ``dhnext``).

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt
    if not isinstance(T, (int, np.integer)) or not 1 <= T <= 8:
        raise ValueError(f"T must be an integer from 1 to 8 (more steps do not fit), got {T!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.0 * T + 4.5, 7.0))
    fwd, bwd = "0.25", "tab:red"
    dx, rows = 3.0, {"x": 0.0, "h": 2.2, "y": 4.4, "L": 6.4}
    colours = {"x": "#d9f0d3", "h": "#fee8c8", "y": "#deebf7", "L": "#fcdcdc"}
    names = {"x": "x_{%d}", "h": "h_{%d}", "y": "y_{%d}", "L": "L_{%d}"}

    def box(x, y, text, colour, style="-"):
        ax.text(x, y, text, ha="center", va="center", fontsize=18, zorder=3,
                bbox=dict(boxstyle="round,pad=0.45", fc=colour, ec="0.3", lw=1.5, ls=style))

    def arrow(x0, y0, x1, y1, colour, rad=0.0, lw=2.2, ls="-", shrink_end=22):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color=colour, lw=lw, ls=ls, mutation_scale=20,
                                    shrinkA=22, shrinkB=shrink_end, connectionstyle=f"arc3,rad={rad}"))

    box(0.0, rows["h"], r"$h_{-1}$" + "\n(hprev)", "0.92")
    for t in range(T):
        x = dx * (t + 1)
        for row, y in rows.items():
            box(x, y, "$" + names[row] % t + "$", colours[row])
        arrow(x, rows["x"], x, rows["h"], fwd)
        arrow(x, rows["h"], x, rows["y"], fwd)
        arrow(x, rows["y"], x, rows["L"], fwd)
        arrow(x - dx, rows["h"], x, rows["h"], fwd)
        if backward:
            o = 0.42  # gradient arrows run beside the forward ones
            arrow(x + o, rows["L"], x + o, rows["y"], bwd)
            arrow(x + o, rows["y"], x + o, rows["h"], bwd)
            arrow(x, rows["h"] - 0.1, x - dx, rows["h"] - 0.1, bwd, rad=-0.45, shrink_end=40 if t == 0 else 22)
            if labels:
                ax.text(x + o + 0.12, (rows["L"] + rows["y"]) / 2, "dy", color=bwd, fontsize=14, va="center")
                ax.text(x + o + 0.12, (rows["y"] + rows["h"]) / 2, "Why.T @ dy", color=bwd, fontsize=13,
                        va="center")
                ax.text(x - dx / 2, rows["h"] - 1.05, "dhnext", color=bwd, fontsize=14, ha="center")
    xe = dx * (T + 1)
    arrow(xe - dx, rows["h"], xe - 0.6, rows["h"], fwd, ls="--")
    ax.text(xe - 0.3, rows["h"] + 0.45, "next chunk\n(hprev)", fontsize=13, ha="left", color=fwd)
    if backward:
        ax.text(xe - 0.3, rows["h"] - 0.75, "dhnext = 0:\nnothing comes back", fontsize=13, ha="left",
                color=bwd)
        ax.text(-0.1, rows["x"] - 0.1, "dL/dhprev: computed,\nthen dropped\n(truncated BPTT)", fontsize=13,
                ha="center", va="center", color=bwd)
    ax.set_xlim(-1.6, xe + 2.6)
    ax.set_ylim(-0.8, 7.1)
    ax.set_axis_off()
    ax.set_title(f"The RNN unrolled over T = {T} steps: forward (grey) and gradient (red)")
    return ax


# ---------------------------------------------------------------------------------------------------
# Notebook 01 (hello vocabulary): the hidden states and output distributions of a few time steps.
# ---------------------------------------------------------------------------------------------------
__all__ += ["plot_rnn_steps", "plot_rnn_step"]


def _quoted_char(ch: str) -> str:
    """A character in quotes for a tick label; spaces and newlines spelled out (' ', '\\n')."""
    return f"'{ch}'" if ch.isprintable() else repr(ch)


def plot_rnn_steps(hs, ps, chars, inputs=None, targets=None, axes=None):
    """Heat maps of h_t and p_t over T steps; the target of each step is outlined.

    Parameters
    ----------
    hs : array, shape (T, H)
        Hidden state h_t of every step (one row per step), values in [-1, 1].
    ps : array, shape (T, V)
        Output distribution p_t of every step.
    chars : sequence of V str
        ``chars[i]`` is the character with id ``i`` (``CharVocab.chars``).
    inputs, targets : int arrays, shape (T,), optional
        Input ids label the time axis; target ids are outlined in the p_t map.
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    (ax_h, ax_p) : the two Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    hs, ps = np.asarray(hs, dtype=float), np.asarray(ps, dtype=float)
    (T, H), V = hs.shape, ps.shape[1]
    if ps.shape[0] != T or len(chars) != V:
        raise ValueError(f"need hs (T, H), ps (T, V) and V chars; got hs {hs.shape}, ps {ps.shape}, "
                         f"{len(chars)} chars")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4.8), gridspec_kw={"width_ratios": [1, 1]})
    ax_h, ax_p = axes
    xlabels = [f"t={t}" + (f"\nin {_quoted_char(chars[inputs[t]])}" if inputs is not None else "")
               for t in range(T)]
    p_max = max(0.5, float(ps.max()))
    for ax, values, rows, title, cmap, (lo, hi), fmt in (
            (ax_h, hs.T, [f"h[{i}]" for i in range(H)], "hidden state $h_t$", "RdBu_r", (-1, 1), "{:+.2f}"),
            (ax_p, ps.T, [_quoted_char(c) for c in chars], "next-char probabilities $p_t$",
             "Blues", (0, p_max), "{:.2f}")):
        ax.imshow(values, cmap=cmap, vmin=lo, vmax=hi, aspect="auto")
        ax.grid(False)
        ax.set_xticks(range(T), xlabels)
        ax.set_yticks(range(len(rows)), rows)
        ax.set_title(title)
        for (r, t), v in np.ndenumerate(values):
            dark = abs(v - (lo + hi) / 2) > 0.35 * (hi - lo)  # white text on a dark cell
            ax.text(t, r, fmt.format(v), ha="center", va="center", fontsize=12,
                    color="white" if dark else "black")
    if targets is not None:
        for t, k in enumerate(np.asarray(targets).ravel()):
            ax_p.add_patch(Rectangle((t - 0.5, k - 0.5), 1, 1, fill=False, ec="tab:orange", lw=4))
        ax_p.set_title("$p_t$ (orange box: the target)")
    ax_h.figure.tight_layout()
    return ax_h, ax_p


def plot_rnn_step(h, p, chars, target=None, title=None, axes=None):
    """Bar charts of one step: the hidden state h_t and the distribution p_t, target highlighted.

    Parameters
    ----------
    h : array, shape (H,) or (H, 1)
    p : array, shape (V,) or (V, 1)
    chars : sequence of V str
    target : int, optional
        Id of the character that really comes next: its bar is drawn in orange.
    title : str, optional
        Title over both panels.
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    (ax_h, ax_p) : the two Axes
    """
    import matplotlib.pyplot as plt
    h, p = np.asarray(h, dtype=float).ravel(), np.asarray(p, dtype=float).ravel()
    if len(chars) != p.size:
        raise ValueError(f"p has {p.size} entries but chars has {len(chars)}; they must match (V)")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [max(h.size, 2), p.size]})
    ax_h, ax_p = axes
    ax_h.bar(range(h.size), h, color=np.where(h >= 0, "tab:red", "tab:blue"))
    ax_h.axhline(0, color="black", lw=1)
    ax_h.set(ylim=(-1.05, 1.05), title="hidden state $h_t$")
    ax_h.set_xticks(range(h.size), [f"h[{i}]" for i in range(h.size)])
    colors = ["tab:gray"] * p.size
    if target is not None:
        colors[int(target)] = "tab:orange"
    bars = ax_p.bar(range(p.size), p, color=colors)
    ax_p.bar_label(bars, fmt="%.3f", label_type="center", color="white", fontsize=12)
    ax_p.axhline(1 / p.size, color="black", ls="--", lw=1.5, label=f"uniform 1/{p.size}")
    ax_p.set(ylim=(0, 1), title="$p_t$" + (" (orange: the target)" if target is not None else ""))
    ax_p.set_xticks(range(p.size), [_quoted_char(c) for c in chars])
    ax_p.legend(loc="upper right")
    if title:
        ax_h.figure.suptitle(title)
    ax_h.figure.tight_layout()
    return ax_h, ax_p

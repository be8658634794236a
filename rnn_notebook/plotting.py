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

    mpl.rcParams.update(
        {
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
        }
    )
    try:  # in a notebook: PNG figures (small, stable files; nbval does not compare images)
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
    except ImportError:  # pragma: no cover
        pass


def plot_history(
    history,
    ax=None,
    x: str = "step",
    units: str = "nats",
    baselines: dict | None = None,
    smooth: int = 1,
    bits_axis: bool = False,
):
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
    bits_axis : bool
        With ``units="nats"``, add a right-hand axis in bits/char (the same curves, relabelled).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    scale = 1.0 if units == "nats" else 1 / math.log(2)
    xs = np.asarray(history.step if x == "step" else history.seconds, dtype=float)
    ys = np.asarray(history.train_nats, dtype=float) * scale
    if smooth > 1 and len(ys) >= smooth:
        ys = np.convolve(ys, np.ones(smooth) / smooth, mode="valid")
        xs = xs[smooth - 1 :]
    ax.plot(xs, ys, label="training", color="tab:blue", alpha=0.8)
    if history.val_nats:
        vx = history.val_step if x == "step" else history.val_seconds
        ax.plot(vx, np.asarray(history.val_nats) * scale, "o-", label="validation", color="tab:orange")
    for i, (name, nats) in enumerate((baselines or {}).items()):
        ax.axhline(nats * scale, ls="--", lw=1.5, color=f"C{i + 2}", label=name)
    ax.set_xlabel("training step" if x == "step" else "seconds of training")
    ax.set_ylabel(f"loss ({units}/char)")
    ax.legend()
    if bits_axis and units == "nats":
        ax.secondary_yaxis("right", functions=(lambda n: n / math.log(2), lambda b: b * math.log(2))).set_ylabel(
            "bits/char"
        )
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
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=18,
            zorder=3,
            bbox=dict(boxstyle="round,pad=0.45", fc=colour, ec="0.3", lw=1.5, ls=style),
        )

    def arrow(x0, y0, x1, y1, colour, rad=0.0, lw=2.2, ls="-", shrink_end=22):
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            zorder=2,
            arrowprops=dict(
                arrowstyle="-|>",
                color=colour,
                lw=lw,
                ls=ls,
                mutation_scale=20,
                shrinkA=22,
                shrinkB=shrink_end,
                connectionstyle=f"arc3,rad={rad}",
            ),
        )

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
                ax.text(x + o + 0.12, (rows["y"] + rows["h"]) / 2, "Why.T @ dy", color=bwd, fontsize=13, va="center")
                ax.text(x - dx / 2, rows["h"] - 1.05, "dhnext", color=bwd, fontsize=14, ha="center")
    xe = dx * (T + 1)
    arrow(xe - dx, rows["h"], xe - 0.6, rows["h"], fwd, ls="--")
    ax.text(xe - 0.3, rows["h"] + 0.45, "next chunk\n(hprev)", fontsize=13, ha="left", color=fwd)
    if backward:
        ax.text(xe - 0.3, rows["h"] - 0.75, "dhnext = 0:\nnothing comes back", fontsize=13, ha="left", color=bwd)
        ax.text(
            -0.1,
            rows["x"] - 0.1,
            "dL/dhprev: computed,\nthen dropped\n(truncated BPTT)",
            fontsize=13,
            ha="center",
            va="center",
            color=bwd,
        )
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
    """Heat maps of h_t and p_t over T steps, each with a colour bar; the target of each step is outlined.

    The p_t map uses the whole probability range 0 to 1, so a near-uniform distribution looks
    near-uniform (pale) and only a confident prediction stands out.

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
        raise ValueError(f"need hs (T, H), ps (T, V) and V chars; got hs {hs.shape}, ps {ps.shape}, {len(chars)} chars")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4.8), gridspec_kw={"width_ratios": [1, 1]})
    ax_h, ax_p = axes
    xlabels = [f"t={t}" + (f"\ninput {_quoted_char(chars[inputs[t]])}" if inputs is not None else "") for t in range(T)]
    for ax, values, rows, title, cmap, (lo, hi), fmt in (
        (ax_h, hs.T, [f"h[{i}]" for i in range(H)], "hidden state $h_t$", "RdBu_r", (-1, 1), "{:+.2f}"),
        (ax_p, ps.T, [_quoted_char(c) for c in chars], "next-char probabilities $p_t$", "Blues", (0, 1), "{:.2f}"),
    ):
        image = ax.imshow(values, cmap=cmap, vmin=lo, vmax=hi, aspect="auto")
        ax.figure.colorbar(image, ax=ax, fraction=0.08, pad=0.03)
        ax.grid(False)
        ax.set_xticks(range(T), xlabels)
        ax.set_yticks(range(len(rows)), rows)
        ax.set_title(title)
        for (r, t), v in np.ndenumerate(values):
            # white text on a dark cell: both ends of the diverging map, the top of the sequential one
            dark = abs(v) > 0.7 if lo < 0 else v > lo + 0.6 * (hi - lo)
            ax.text(t, r, fmt.format(v), ha="center", va="center", fontsize=12, color="white" if dark else "black")
    if targets is not None:
        for t, k in enumerate(np.asarray(targets).ravel()):
            ax_p.add_patch(
                Rectangle((t - 0.5, k - 0.5), 1, 1, fill=False, ec="tab:orange", lw=4, clip_on=False)
            )  # a box on the edge is not cut in half
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


# ---------------------------------------------------------------------------------------------------
# Notebook 00 (overview): the five input/output patterns of recurrent networks.
# ---------------------------------------------------------------------------------------------------
__all__ += ["plot_rnn_patterns"]

# (title, example, what maps to what, time steps, steps with an input, steps with an output)
_RNN_PATTERNS = (
    ("one to one", "image\nclassification", "image → label", 1, (0,), (0,)),
    ("one to many", "image\ncaptioning", "image → words", 3, (0,), (0, 1, 2)),
    ("many to one", "sentiment\nanalysis", "words → label", 3, (0, 1, 2), (2,)),
    ("many to many", "machine\ntranslation", "words → words", 5, (0, 1, 2), (3, 4)),
    (
        "many to many, synced",
        "video frame labelling;\nour character-level LM",
        "characters → next characters",
        4,
        (0, 1, 2, 3),
        (0, 1, 2, 3),
    ),
)


def plot_rnn_patterns(highlight: int | None = 4, text: str = "hello", axes=None):
    """The five shapes of input and output a recurrent network can have, side by side.

    Each panel is one network unrolled in time from left to right: input vectors at the bottom
    (red), hidden states in the middle (green), outputs at the top (blue). A horizontal arrow
    carries the hidden state to the next step; that arrow is what makes the network recurrent.

    Parameters
    ----------
    highlight : int or None
        Index (0-4) of the panel framed in orange and marked as the model of this series: by
        default the synchronised many-to-many panel, a character-level language model.
    text : str
        For the highlighted synchronised panel: its inputs are the first 4 characters of ``text``
        and its outputs (targets) the next ones, as in the "hello" example. Needs 5 characters.
    axes : sequence of 5 matplotlib Axes, optional

    Returns
    -------
    list of 5 matplotlib Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    if highlight is not None and highlight not in range(len(_RNN_PATTERNS)):
        raise ValueError(f"highlight must be a panel index 0-4 or None, got {highlight!r}")
    if highlight == 4 and (not isinstance(text, str) or len(text) < 5):
        raise ValueError(f"text must have at least 5 characters (4 inputs and their next characters), got {text!r}")
    dx = 1.35  # distance between time steps, in box units

    def panel_width(n):  # wide enough for the drawing and for its caption
        return max((n - 1) * dx + 2.0, 3.6)

    if axes is None:
        widths = [panel_width(p[3]) for p in _RNN_PATTERNS]
        fig, axes = plt.subplots(1, 5, figsize=(17, 6.0), gridspec_kw={"width_ratios": widths, "wspace": 0.05})
        fig.subplots_adjust(left=0.005, right=0.99, top=0.86, bottom=0.0)
    axes = list(axes)
    if len(axes) != len(_RNN_PATTERNS):
        raise ValueError(f"need 5 Axes, one per pattern, got {len(axes)}")
    colours = {"x": "#f4a6a6", "h": "#a8dca8", "y": "#a9c8ef"}
    rows = {"x": 0.0, "h": 1.6, "y": 3.2}
    w, ht = 0.7, 0.7

    def box(ax, col, row, label, mono=False):
        x, y = col * dx, rows[row]
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - ht / 2), w, ht, boxstyle="round,pad=0.04", fc=colours[row], ec="0.25", lw=1.6, zorder=3
            )
        )
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=20 if mono else 17,
            zorder=4,
            family="monospace" if mono else None,
            fontweight="bold" if mono else "normal",
        )

    def arrow(ax, x0, y0, x1, y1):
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            zorder=2,
            arrowprops=dict(arrowstyle="-|>", color="0.2", lw=2.0, mutation_scale=16),
        )

    for i, (ax, (title, example, mapping, n, ins, outs)) in enumerate(zip(axes, _RNN_PATTERNS)):
        chars = i == highlight == 4
        for c in range(n):
            x, gap = c * dx, 0.06
            box(ax, c, "h", "h")
            if c in ins:
                box(ax, c, "x", text[c] if chars else "x", mono=chars)
                arrow(ax, x, rows["x"] + ht / 2 + gap, x, rows["h"] - ht / 2 - gap)
            if c in outs:
                box(ax, c, "y", text[c + 1] if chars else "y", mono=chars)
                arrow(ax, x, rows["h"] + ht / 2 + gap, x, rows["y"] - ht / 2 - gap)
            if c + 1 < n:  # the recurrence: h_t is computed from h_{t-1}
                arrow(ax, x + w / 2 + gap, rows["h"], x + dx - w / 2 - gap, rows["h"])
        centre = (n - 1) * dx / 2
        ax.set_xlim(centre - panel_width(n) / 2, centre + panel_width(n) / 2)
        ax.set_ylim(-2.9, 3.8)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(
            title,
            fontsize=18,
            fontweight="bold" if i == highlight else "normal",
            color="tab:orange" if i == highlight else "black",
        )
        ax.text(centre, -0.62, example, ha="center", va="top", fontsize=15)
        ax.text(centre, -2.0, mapping, ha="center", va="top", fontsize=13, color="0.35", style="italic")
        if i == highlight:
            ax.add_patch(
                FancyBboxPatch(
                    (-0.85, -2.75),
                    (n - 1) * dx + 1.7,
                    6.4,
                    boxstyle="round,pad=0.02",
                    fc="none",
                    ec="tab:orange",
                    lw=4,
                    zorder=1,
                )
            )
    axes[0].figure.text(
        0.5,
        0.97,
        "inputs x (red)  →  hidden states h (green, carried from step to step)"
        "  →  outputs y (blue);  time runs left to right",
        ha="center",
        va="top",
        fontsize=15,
    )
    return axes


# ---------------------------------------------------------------------------------------------------
# Notebook 09 (vanishing and exploding gradients): eigenvalues of a square matrix in the complex plane.
# ---------------------------------------------------------------------------------------------------
__all__ += ["plot_spectrum"]


def plot_spectrum(
    matrix,
    ax=None,
    radius: float = 1.0,
    label: str | None = None,
    color: str = "tab:blue",
    circle_label: str | None = None,
):
    """The eigenvalues of a square matrix as points in the complex plane, with a reference circle.

    The largest modulus (the spectral radius) is marked with a ring. For a recurrent matrix ``Whh``
    the unit circle (``radius=1``) separates directions that a linear recurrence shrinks (inside)
    from those it stretches (outside).

    Parameters
    ----------
    matrix : array, shape (H, H)
        A square real matrix, e.g. ``Whh``.
    ax : matplotlib Axes, optional
    radius : float
        Radius of the dashed reference circle (1: the unit circle).
    label : str, optional
        Legend entry of the eigenvalue points.
    color : str
        Colour of the points.
    circle_label : str, optional
        Legend entry of the circle (default ``"|λ| = radius"``).

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"need a square matrix (H, H), got shape {matrix.shape}")
    if not radius > 0:
        raise ValueError(f"radius must be positive, got {radius!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6))
    eig = np.linalg.eigvals(matrix)
    top = eig[np.argmax(np.abs(eig))]
    angle = np.linspace(0, 2 * np.pi, 400)
    ax.plot(radius * np.cos(angle), radius * np.sin(angle), "k--", lw=1.5, label=circle_label or f"|λ| = {radius:g}")
    ax.scatter(eig.real, eig.imag, s=22, color=color, alpha=0.8, label=label, zorder=3)
    ax.scatter(
        [top.real],
        [top.imag],
        s=160,
        facecolors="none",
        edgecolors="tab:red",
        lw=2,
        zorder=4,
        label=f"spectral radius {abs(top):.2f}",
    )
    ax.axhline(0, color="0.6", lw=1)
    ax.axvline(0, color="0.6", lw=1)
    lim = 1.12 * max(radius, float(np.abs(eig).max()))
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="real part", ylabel="imaginary part")
    ax.set_aspect("equal")
    return ax


# ---------------------------------------------------------------------------------------------------
# Notebook 11 (n-gram baseline): held-out loss against the order of an n-gram model.
# ---------------------------------------------------------------------------------------------------
__all__ += ["plot_loss_by_order"]


def plot_loss_by_order(orders, curves: dict, baselines: dict | None = None, ax=None, colors: dict | None = None):
    """Loss per character against the n-gram order: nats on the left axis, bits on the right.

    Parameters
    ----------
    orders : int array, shape (K,)
        The orders n on the x axis.
    curves : dict name -> float array, shape (K,)
        Losses in nats/char, one line with markers each (e.g. training and validation).
    baselines : dict name -> float, optional
        Horizontal dashed lines in nats/char (e.g. the RNN's validation loss).
    ax : matplotlib Axes, optional
    colors : dict name -> matplotlib colour, optional
        Fixed colours for some curves or baselines, so that one quantity keeps its colour across
        several figures; the others take C0, C1, ... in the order given.

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    orders = np.asarray(orders)
    colors = colors or {}
    for i, (name, nats) in enumerate(curves.items()):
        nats = np.asarray(nats, dtype=float)
        if nats.shape != orders.shape:
            raise ValueError(f"curve {name!r} has {nats.size} values for {orders.size} orders")
        ax.plot(orders, nats, "o-", color=colors.get(name, f"C{i}"), label=name)
    for i, (name, nats) in enumerate((baselines or {}).items()):
        ax.axhline(nats, ls="--", lw=1.8, color=colors.get(name, f"C{len(curves) + i}"), label=name)
    ax.set_xticks(orders)
    ax.set_xlabel("order n (the model reads n - 1 characters)")
    ax.set_ylabel("loss (nats/char)")
    bits = ax.secondary_yaxis("right", functions=(lambda x: x / math.log(2), lambda x: x * math.log(2)))
    bits.set_ylabel("loss (bits/char)")
    ax.legend()
    return ax


# ---------------------------------------------------------------------------------------------------
# Notebook 12 (the LSTM): the gradient's reach back through time (the cell diagrams: diagrams.py).
# ---------------------------------------------------------------------------------------------------
__all__ += ["plot_gradient_reach"]


def plot_gradient_reach(
    curves: dict,
    ax=None,
    colors: dict | None = None,
    styles: dict | None = None,
    level: float | None = 1e-3,
    chunk: int | None = None,
):
    """Gradient norms against the distance back in time, on a log scale, one line per curve.

    Parameters
    ----------
    curves : dict name -> float array, shape (K + 1,)
        ``curve[k]`` is the norm k steps back (relative to ``curve[0]`` if it should start at 1).
    ax : matplotlib Axes, optional
    colors, styles : dict name -> matplotlib colour / line style, optional
    level : float or None
        A dashed horizontal reference level (e.g. 1e-3 of the last step).
    chunk : int or None
        A vertical line at the training chunk length (``seq_length``).

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5))
    colors, styles = colors or {}, styles or {}
    for i, (name, curve) in enumerate(curves.items()):
        curve = np.asarray(curve, dtype=float)
        if curve.ndim != 1:
            raise ValueError(f"curve {name!r} must be one-dimensional, got shape {curve.shape}")
        ax.semilogy(
            np.arange(curve.size), curve, styles.get(name, "-"), color=colors.get(name, f"C{i}"), lw=3, label=name
        )
    if level is not None:
        ax.axhline(level, color="k", ls="--", lw=1.5, label=f"{level:g} of the last step")
    if chunk is not None:
        ax.axvline(chunk, color="0.4", ls=":", lw=2, label=f"training chunk ({chunk} steps)")
    ax.set_xlabel("characters back from the last step, T - t")
    ax.set_ylabel("gradient norm (relative)")
    ax.legend(loc="lower left", fontsize=12)
    return ax

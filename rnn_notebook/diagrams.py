"""Diagrams of one LSTM step and one GRU step, with one gate's path highlighted at a time.

:func:`lstm_diagram` draws the cell of notebook 12 (:mod:`rnn_lib.lstm`), :func:`gru_diagram` the GRU of
notebook 13 (:mod:`rnn_lib.gru`, the cuDNN/PyTorch variant: the reset gate multiplies the recurrent
product). With ``highlight`` set to a gate, the arrows, boxes and nodes that carry that gate from
the inputs to the state are drawn in :data:`HIGHLIGHT_COLOUR`, everything else in light grey, and
the gate's equation is written under the drawing, in the notation of the notebooks.

Every part of a drawing is a matplotlib artist whose ``gid`` names it (``"box_f"``, ``"mul_f"``,
...); :data:`LSTM_PATHS` and :data:`GRU_PATHS` list the parts each highlight colours, so a test can
check a drawing without looking at its pixels.

Dimension letters: H hidden size.
"""

from __future__ import annotations

__all__ = [
    "HIGHLIGHT_COLOUR",
    "LSTM_HIGHLIGHTS",
    "LSTM_PATHS",
    "GRU_HIGHLIGHTS",
    "GRU_PATHS",
    "lstm_diagram",
    "gru_diagram",
    "gate_grid",
]

HIGHLIGHT_COLOUR = "#c51b7d"  # magenta: not the gradient's red, nor the cell state's orange
_DARK, _FADED, _FADED_TEXT = "0.25", "0.78", "0.62"
_STATE = "tab:orange"  # the state that runs along the top (LSTM: c; GRU: h), as in notebook 12's figures
_GRADIENT = "tab:red"  # gradients are red in every figure of the series

_LSTM_GATES = {"i": "input", "f": "forget", "g": "candidate", "o": "output"}
_LSTM_BUS = ("f", "i", "g", "o")  # left to right along the input bus
_LSTM_INPUTS = ("in_h", "in_x", "x_arrow")


def _lstm_gate_path(k: str) -> frozenset:
    bus = [f"bus_{b}" for b in _LSTM_BUS[: _LSTM_BUS.index(k) + 1]]
    return frozenset([*_LSTM_INPUTS, *bus, f"up_{k}", f"box_{k}", f"name_{k}"])


LSTM_PATHS = {
    "forget": _lstm_gate_path("f") | {"f_to_mul", "mul_f"},
    "input": _lstm_gate_path("i") | {"i_to_mul", "mul_ig", "ig_to_add", "add"},
    "candidate": _lstm_gate_path("g") | {"g_to_mul", "mul_ig", "ig_to_add", "add"},
    "output": _lstm_gate_path("o") | {"o_to_mul", "c_to_tanh", "tanh_c", "tanh_to_mul", "mul_h", "h_out", "out_h"},
    "cell": frozenset({"in_c", "cell_in", "mul_f", "cell_mid", "add", "cell_out", "out_c", "cell_label"}),
}
LSTM_HIGHLIGHTS = tuple(LSTM_PATHS)

_LSTM_TEXT = {  # (equation, what the path does), in notebook 12's notation
    "forget": (
        r"$f_t = \sigma(z^f_t)$,   then   $f_t \odot c_{t-1}$",
        "forget gate: how much of each entry of the old cell is kept (near 1 keep, near 0 wipe)",
    ),
    "input": (
        r"$i_t = \sigma(z^i_t)$,   then   $c_t = \dots + i_t \odot g_t$",
        "input gate: how much of each candidate value is written into the cell",
    ),
    "candidate": (
        r"$g_t = \tanh(z^g_t)$,   then   $c_t = \dots + i_t \odot g_t$",
        "candidate: the values, in (-1, 1), that may be added to the cell",
    ),
    "output": (
        r"$o_t = \sigma(z^o_t)$,   $h_t = o_t \odot \tanh(c_t)$",
        "output gate: how much of each squashed cell entry the rest of the network sees",
    ),
    "cell": (
        r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t$",
        "the cell state: multiplied by fₜ and added to, never through a weight matrix or a squashing function",
    ),
}
_LSTM_Z = r"$z_t = W_x\,x_t + W_h\,h_{t-1} + b$: four blocks of $H$ rows, $z^i, z^f, z^o, z^g$"
# gate_grid's panel titles: the path named in words (the superscripts alone would tell update from
# reset, input from candidate), its equation, and what it acts on, short enough for a larger font
_LSTM_TITLE = {
    "forget": r"forget gate:  $f_t = \sigma(z^f_t)$,  scales $c_{t-1}$",
    "input": r"input gate:  $i_t = \sigma(z^i_t)$,  scales $g_t$",
    "candidate": r"candidate:  $g_t = \tanh(z^g_t)$,  added as $i_t \odot g_t$",
    "output": r"output gate:  $o_t = \sigma(z^o_t)$,  $h_t = o_t \odot \tanh(c_t)$",
    "cell": r"cell state:  $c_t = f_t \odot c_{t-1} + i_t \odot g_t$",
}

_GRU_INPUTS = ("in_h", "h_down", "in_x", "x_arrow")
GRU_PATHS = {
    "update": frozenset(
        {*_GRU_INPUTS, "hbus_z", "xbus_z", "up_z", "box_z", "name_z", "z_to_mul", "mul_z", "z_to_one", "one_minus"}
        | {"one_to_mul", "mul_n", "n_to_add", "add"}  # (1 - z) * n written into the state, as the LSTM's input
    ),
    "reset": frozenset(
        {*_GRU_INPUTS, "hbus_z", "xbus_z", "hbus_r", "xbus_r", "up_r", "box_r", "name_r"} | {"r_to_mul", "mul_r"}
    ),
    "candidate": frozenset(
        {*_GRU_INPUTS, "hbus_z", "xbus_z", "hbus_r", "xbus_r", "hbus_m", "xbus_m", "xbus_a"}
        | {"up_m", "box_m", "name_m", "up_a", "box_a", "name_a", "m_to_mul", "mul_r", "r_to_add", "add_a"}
        | {"a_to_add", "add_to_tanh", "tanh_n", "n_to_mul", "mul_n", "n_to_add", "add"}
    ),
}
GRU_HIGHLIGHTS = tuple(GRU_PATHS)

_GRU_TEXT = {  # in notebook 13's notation (there z is the update gate)
    "update": (
        r"$z_t = \sigma(a^z_t + m^z_t)$,   $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$",
        "update gate: keeps a fraction zₜ of the old state and writes 1 − zₜ of the candidate",
    ),
    "reset": (
        r"$r_t = \sigma(a^r_t + m^r_t)$,   then   $r_t \odot (m^n_t + b^n_h)$",
        "reset gate: scales the recurrent part of the candidate (near 0: the candidate ignores hₜ₋₁)",
    ),
    "candidate": (
        r"$n_t = \tanh(a^n_t + r_t \odot (m^n_t + b^n_h))$",
        "candidate state, in (-1, 1): the input part plus the reset-scaled recurrent part",
    ),
}
_GRU_AM = r"$a_t = W_x\,x_t + b$,  $m_t = W_h\,h_{t-1}$: three blocks of $H$ rows, $r, z, n$"
_GRU_TITLE = {  # as _LSTM_TITLE; the plain panel's title holds the state's update
    None: r"One GRU step:  $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$",
    "update": r"update gate:  $z_t = \sigma(a^z_t + m^z_t)$,  mixes $h_{t-1}$ and $n_t$",
    "reset": r"reset gate:  $r_t = \sigma(a^r_t + m^r_t)$,  scales $m^n_t + b^n_h$",
    "candidate": r"candidate:  $n_t = \tanh(a^n_t + r_t \odot (m^n_t + b^n_h))$",
}


def _check_highlight(highlight, options: tuple, cell: str) -> None:
    if highlight is not None and highlight not in options:
        raise ValueError(
            f"unknown highlight {highlight!r} for the {cell} diagram: "
            f"use None or one of {', '.join(map(repr, options))}"
        )


class _Drawing:
    """Draws named parts on one Axes: the parts of ``path`` in the highlight colour, the others faded
    (or, with ``path`` None, everything in its normal colours)."""

    def __init__(self, ax, path):
        self.ax, self.path = ax, path

    def _state(self, name):
        """'normal', 'highlight' or 'faded'."""
        if self.path is None:
            return "normal"
        return "highlight" if name in self.path else "faded"

    def colour(self, name, normal=_DARK, text=False):
        return {"normal": normal, "highlight": HIGHLIGHT_COLOUR, "faded": _FADED_TEXT if text else _FADED}[
            self._state(name)
        ]

    def width(self, name, lw):
        return lw * 1.6 if self._state(name) == "highlight" else lw

    def z(self, name, z):
        return z + 5 if self._state(name) == "highlight" else z

    def line(self, name, xs, ys, colour=_DARK, lw=2.2):
        (artist,) = self.ax.plot(
            xs, ys, color=self.colour(name, colour), lw=self.width(name, lw), zorder=self.z(name, 1),
            solid_capstyle="butt",
        )  # fmt: skip
        artist.set_gid(name)

    def arrow(self, name, x0, y0, x1, y1, colour=_DARK, lw=2.2, a=0.0, b=0.0, rad=0.0):
        from matplotlib.patches import FancyArrowPatch

        patch = FancyArrowPatch(
            (x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=20, shrinkA=a, shrinkB=b,
            connectionstyle=f"arc3,rad={rad}", color=self.colour(name, colour), lw=self.width(name, lw),
            zorder=self.z(name, 2),
        )  # fmt: skip
        patch.set_gid(name)
        self.ax.add_patch(patch)

    def text(self, name, x, y, s, colour="0.15", **kw):
        artist = self.ax.text(x, y, s, color=self.colour(name, colour, text=True), zorder=self.z(name, 4), **kw)
        artist.set_gid(name)

    def node(self, name, x, y, symbol, r=0.3, fontsize=19):
        from matplotlib.patches import Circle

        patch = Circle((x, y), r, fc="white", ec=self.colour(name), lw=self.width(name, 2.0), zorder=self.z(name, 3))
        patch.set_gid(name)
        self.ax.add_patch(patch)
        self.text(name, x, y, symbol, colour="0.1", ha="center", va="center", fontsize=fontsize)

    def box(self, name, x, y, w, h, symbol, fill, fontsize=18):
        from matplotlib.colors import to_rgba
        from matplotlib.patches import FancyBboxPatch

        faded = self._state(name) == "faded"
        patch = FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05", fc=to_rgba(fill, 0.35 if faded else 1.0),
            ec=self.colour(name), lw=self.width(name, 1.8), zorder=self.z(name, 3),
        )  # fmt: skip
        patch.set_gid(name)
        self.ax.add_patch(patch)
        self.text(name, x, y, symbol, colour="0.1", ha="center", va="center", fontsize=fontsize)

    def caption(self, highlight, texts, common, y, x=5.2):
        """The highlighted path's equation and what it does, under the drawing."""
        if highlight is None:
            return
        equation, meaning = texts[highlight]
        self.ax.text(x, y, equation, ha="center", va="top", fontsize=19, color=HIGHLIGHT_COLOUR, gid="equation")
        self.ax.text(x, y - 0.75, meaning, ha="center", va="top", fontsize=13, color="0.15", gid="meaning")
        self.ax.text(x, y - 1.3, common, ha="center", va="top", fontsize=12, color="0.4", gid="blocks")


def _new_axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def lstm_diagram(highlight: str | None = None, gradient: bool = False, ax=None, compact: bool = False):
    """One LSTM step as a diagram, optionally with one gate's path highlighted.

    The cell state runs along the top, ``c_{t-1} -> (x f) -> (+ i*g) -> c_t``; ``h_{t-1}`` and ``x_t``
    enter at the bottom and feed the four gate boxes (sigmoid i, f, o; tanh g; rnn_lib computes them
    with one matrix product, blocks i, f, o, g); ``h_t = o * tanh(c_t)`` leaves on the right.

    Parameters
    ----------
    highlight : None or str
        One of :data:`LSTM_HIGHLIGHTS`: ``"forget"``, ``"input"``, ``"candidate"``, ``"output"`` (the
        gate's path from the inputs to where it acts) or ``"cell"`` (the cell-state line). That path is
        drawn in :data:`HIGHLIGHT_COLOUR`, the rest faded, and its equation written under the drawing.
    gradient : bool
        Also draw, in red, the gradient back along the cell state (one step back: a product with f).
    ax : matplotlib Axes, optional
    compact : bool
        Draw ``x_t`` closer to the bus and leave out the equation under the drawing (and the title):
        a panel of :func:`gate_grid`, which writes the equation above it.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        For a ``highlight`` that is not None or one of :data:`LSTM_HIGHLIGHTS`.
    """
    _check_highlight(highlight, LSTM_HIGHLIGHTS, "LSTM")
    ax = _new_axes(ax, (12, 6.6 if highlight else 5.6))
    d = _Drawing(ax, None if highlight is None else LSTM_PATHS[highlight])
    y_c, y_gate, y_bus, y_h = 5.0, 2.3, 0.9, 2.3
    xs = {"f": 2.6, "i": 4.3, "g": 5.9, "o": 7.6}
    fills = {"f": "#fdd0a2", "i": "#c6dbef", "g": "#c7e9c0", "o": "#dadaeb"}

    # the inputs: h_{t-1} and x_t on one bus that reaches every gate
    d.text("in_h", -0.35, y_bus, "hₜ₋₁", ha="right", va="center", style="italic", fontsize=18)
    d.arrow("x_arrow", 1.2, 0.0 if compact else -0.4, 1.2, y_bus)
    if compact:  # beside the arrow's foot, under h_{t-1}: the panel is a row shorter
        d.text("in_x", 1.0, 0.05, "xₜ", ha="right", va="center", style="italic", fontsize=18)
    else:
        d.text("in_x", 1.2, -0.6, "xₜ", ha="center", va="top", style="italic", fontsize=18)
    left = -0.2
    for k in _LSTM_BUS:
        d.line(f"bus_{k}", [left, xs[k]], [y_bus, y_bus])
        left = xs[k]
    for k, x in xs.items():
        d.arrow(f"up_{k}", x, y_bus, x, y_gate - 0.42)
        d.box(f"box_{k}", x, y_gate, 0.9, 0.8, "tanh" if k == "g" else "σ", fills[k], 15 if k == "g" else 18)
        d.text(f"box_{k}", x - 0.55, y_gate + 0.55, f"{k}ₜ", ha="right", va="bottom", style="italic", fontsize=17)
        d.text(f"name_{k}", x, y_bus - 0.25, _LSTM_GATES[k], colour="0.35", ha="center", va="top", fontsize=13)

    # the cell state: multiplied by f, then i * g added
    x_f, x_add, x_tanh, x_end = xs["f"], 5.1, 8.9, 10.3
    d.text("in_c", -0.35, y_c, "cₜ₋₁", ha="right", va="center", style="italic", fontsize=18)
    d.text("out_c", x_end + 0.15, y_c, "cₜ", ha="left", va="center", style="italic", fontsize=18)
    d.line("cell_in", [-0.2, x_f], [y_c, y_c], _STATE, lw=5)
    d.line("cell_mid", [x_f, x_add], [y_c, y_c], _STATE, lw=5)
    d.arrow("cell_out", x_add, y_c, x_end, y_c, _STATE, lw=5)
    d.node("mul_f", x_f, y_c, "×")
    d.node("add", x_add, y_c, "+")
    d.arrow("f_to_mul", x_f, y_gate + 0.45, x_f, y_c - 0.3)
    y_ig = 3.65
    d.node("mul_ig", x_add, y_ig, "×")
    d.arrow("i_to_mul", xs["i"], y_gate + 0.45, x_add - 0.25, y_ig - 0.18)
    d.arrow("g_to_mul", xs["g"], y_gate + 0.45, x_add + 0.25, y_ig - 0.18)
    d.arrow("ig_to_add", x_add, y_ig + 0.3, x_add, y_c - 0.3)
    d.text("cell_label", 5.6, y_c + 0.22, "cell state", colour=_STATE, ha="left", va="bottom", fontsize=15)

    # the output: h_t = o * tanh(c_t)
    d.line("c_to_tanh", [x_tanh, x_tanh], [y_c, 4.2])
    d.box("tanh_c", x_tanh, 3.85, 0.84, 0.6, "tanh", "#fee0d2", 15)
    d.node("mul_h", x_tanh, y_h, "×")
    d.arrow("tanh_to_mul", x_tanh, 3.5, x_tanh, y_h + 0.3)
    d.arrow("o_to_mul", xs["o"] + 0.5, y_h, x_tanh - 0.3, y_h)
    d.arrow("h_out", x_tanh + 0.3, y_h, x_end, y_h)
    d.text("out_h", x_end + 0.15, y_h, "hₜ", ha="left", va="center", style="italic", fontsize=18)
    d.text("out_h", x_end + 0.15, y_h - 0.5, "to yₜ and\nto step t+1", colour="0.35", ha="left", va="top", fontsize=12)

    if gradient:
        d.arrow("gradient", 9.6, 6.05, 0.0, 6.05, _GRADIENT, lw=2.5)
        d.text(
            "gradient", 4.8, 6.25,
            r"gradient back along the cell:  $\partial L/\partial c_{t-1} = f_t \odot \partial L/\partial c_t + \dots$"
            "   (no weight matrix, no tanh slope)",
            colour=_GRADIENT, ha="center", va="bottom", fontsize=13,
        )  # fmt: skip
    ax.set_xlim(-1.4, 11.9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if compact:
        ax.set_ylim(-0.3, 7.0 if gradient else 5.8)
        return ax.figure
    d.caption(highlight, _LSTM_TEXT, _LSTM_Z, y=-1.2)
    ax.set_ylim(-3.0 if highlight else -1.1, 7.0 if gradient else 6.0)
    if highlight is None:
        ax.set_title("One LSTM step")
    else:
        ax.set_title(f"The LSTM's {highlight} {'state' if highlight == 'cell' else 'path'}")
    return ax.figure


def gru_diagram(highlight: str | None = None, ax=None, compact: bool = False):
    """One GRU step as :mod:`rnn_lib.gru` computes it, optionally with one gate's path highlighted.

    The state ``h`` runs along the top, ``h_{t-1} -> (x z) -> (+ (1-z)*n) -> h_t``. Below, ``h_{t-1}``
    (carried down on the left) and ``x_t`` feed the reset gate r and the update gate z, and the two
    parts of the candidate: the recurrent part ``m^n + b^n_h`` (from ``h_{t-1}`` only), which r
    multiplies, and the input part ``a^n`` (from ``x_t`` only), which is added after the product.

    Parameters
    ----------
    highlight : None or str
        One of :data:`GRU_HIGHLIGHTS`: ``"update"``, ``"reset"`` or ``"candidate"``. That path is drawn
        in :data:`HIGHLIGHT_COLOUR`, the rest faded, and its equation written under the drawing.
    ax : matplotlib Axes, optional
    compact : bool
        As for :func:`lstm_diagram`: ``x_t`` closer to its bus, no equation and no title.

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        For a ``highlight`` that is not None or one of :data:`GRU_HIGHLIGHTS`.
    """
    _check_highlight(highlight, GRU_HIGHLIGHTS, "GRU")
    ax = _new_axes(ax, (12, 6.9 if highlight else 5.9))
    d = _Drawing(ax, None if highlight is None else GRU_PATHS[highlight])
    y_top, y_hbus, y_xbus, y_box, y_mid, y_mix = 5.4, 0.95, 0.35, 1.9, 3.1, 4.25
    x_down, x_xin, x_end = 0.2, 0.8, 10.3
    xs = {"z": 2.2, "r": 3.8, "m": 5.4, "a": 7.3}
    fills = {"z": "#fdd0a2", "r": "#dadaeb", "m": "#f0f0f0", "a": "#f0f0f0"}

    # the state along the top: z * h_{t-1}, then + (1 - z) * n
    x_mul, x_add = xs["z"], 8.6
    d.text("in_h", -0.35, y_top, "hₜ₋₁", ha="right", va="center", style="italic", fontsize=18)
    d.text("out_h", x_end + 0.15, y_top, "hₜ", ha="left", va="center", style="italic", fontsize=18)
    d.line("state_in", [-0.2, x_mul], [y_top, y_top], _STATE, lw=5)
    d.line("state_mid", [x_mul, x_add], [y_top, y_top], _STATE, lw=5)
    d.arrow("state_out", x_add, y_top, x_end, y_top, _STATE, lw=5)
    d.node("mul_z", x_mul, y_top, "×")
    d.node("add", x_add, y_top, "+")
    d.text("state_label", 3.0, y_top + 0.22, "state", colour=_STATE, ha="left", va="bottom", fontsize=15)

    # the inputs: h_{t-1} carried down to its bus, x_t on its own bus
    d.line("h_down", [x_down, x_down], [y_top, y_hbus])
    d.arrow("x_arrow", x_xin, -0.3 if compact else -0.6, x_xin, y_xbus)
    if compact:  # beside the arrow's foot: the panel is a row shorter
        d.text("in_x", x_xin - 0.2, -0.25, "xₜ", ha="right", va="center", style="italic", fontsize=18)
    else:
        d.text("in_x", x_xin, -0.75, "xₜ", ha="center", va="top", style="italic", fontsize=18)
    d.text("in_h", x_down - 0.15, 2.6, "hₜ₋₁", ha="right", va="center", style="italic", fontsize=16)
    left_h, left_x = x_down, x_xin
    for k in ("z", "r", "m", "a"):
        if k != "a":  # the recurrent bus ends at m: a^n reads x_t only
            d.line(f"hbus_{k}", [left_h, xs[k]], [y_hbus, y_hbus])
            left_h = xs[k]
        d.line(f"xbus_{k}", [left_x, xs[k]], [y_xbus, y_xbus])
        left_x = xs[k]
    for k in ("z", "r"):  # the gates read both: a + m
        d.arrow(f"up_{k}", xs[k], y_xbus, xs[k], y_box - 0.42)
        for y in (y_hbus, y_xbus):
            dot = ax.plot(xs[k], y, "o", ms=7, color=d.colour(f"up_{k}"), zorder=d.z(f"up_{k}", 3))[0]
            dot.set_gid(f"up_{k}")
        d.box(f"box_{k}", xs[k], y_box, 0.9, 0.8, "σ", fills[k])
        d.text(f"box_{k}", xs[k] - 0.55, y_box + 0.55, f"{k}ₜ", ha="right", va="bottom", style="italic", fontsize=17)
    d.text("name_z", xs["z"], y_xbus - 0.2, "update", colour="0.35", ha="center", va="top", fontsize=13)
    d.text("name_r", xs["r"], y_xbus - 0.2, "reset", colour="0.35", ha="center", va="top", fontsize=13)
    d.arrow("up_m", xs["m"], y_hbus, xs["m"], y_box - 0.42)
    d.box("box_m", xs["m"], y_box, 1.5, 0.8, r"$m^n_t + b^n_h$", fills["m"], 15)
    d.text("name_m", xs["m"], y_xbus - 0.2, "from hₜ₋₁", colour="0.35", ha="center", va="top", fontsize=13)
    d.arrow("up_a", xs["a"], y_xbus, xs["a"], y_box - 0.42)
    d.box("box_a", xs["a"], y_box, 0.9, 0.8, r"$a^n_t$", fills["a"], 16)
    d.text("name_a", xs["a"], y_xbus - 0.2, "from xₜ", colour="0.35", ha="center", va="top", fontsize=13)

    # the candidate: n = tanh(a^n + r * (m^n + b^n_h))
    x_tanh = x_add
    d.node("mul_r", xs["m"], y_mid, "×")
    d.arrow("r_to_mul", xs["r"], y_box + 0.45, xs["m"] - 0.28, y_mid - 0.12)
    d.arrow("m_to_mul", xs["m"], y_box + 0.45, xs["m"], y_mid - 0.3)
    d.node("add_a", xs["a"], y_mid, "+")
    d.arrow("r_to_add", xs["m"] + 0.3, y_mid, xs["a"] - 0.3, y_mid)
    d.arrow("a_to_add", xs["a"], y_box + 0.45, xs["a"], y_mid - 0.3)
    d.arrow("add_to_tanh", xs["a"] + 0.3, y_mid, x_tanh - 0.5, y_mid)
    d.box("tanh_n", x_tanh, y_mid, 0.84, 0.6, "tanh", "#c7e9c0", 15)
    d.text("tanh_n", x_tanh + 0.55, y_mid - 0.1, "nₜ", ha="left", va="top", style="italic", fontsize=17)

    # the mix: (1 - z) * n on the way up to the + on the state line
    d.node("mul_n", x_tanh, y_mix, "×")
    d.arrow("n_to_mul", x_tanh, y_mid + 0.35, x_tanh, y_mix - 0.3)
    d.arrow("n_to_add", x_tanh, y_mix + 0.3, x_tanh, y_top - 0.3)
    d.arrow("z_to_mul", xs["z"], y_box + 0.45, xs["z"], y_top - 0.3)
    x_one = 6.3
    d.line("z_to_one", [xs["z"], x_one - 0.32], [y_mix, y_mix])
    dot = ax.plot(xs["z"], y_mix, "o", ms=7, color=d.colour("z_to_one"), zorder=d.z("z_to_one", 3))[0]
    dot.set_gid("z_to_one")
    d.node("one_minus", x_one, y_mix, "1−", r=0.32, fontsize=14)
    d.arrow("one_to_mul", x_one + 0.32, y_mix, x_tanh - 0.3, y_mix)
    d.text("out_h", x_end + 0.15, y_top - 0.5, "to yₜ and\nto step t+1", colour="0.35", ha="left", va="top",
           fontsize=12)  # fmt: skip

    ax.set_xlim(-1.4, 11.9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if compact:
        ax.set_ylim(-0.55, 6.15)
        return ax.figure
    d.caption(highlight, _GRU_TEXT, _GRU_AM, y=-1.5)
    ax.set_ylim(-3.3 if highlight else -1.3, 6.1)
    ax.set_title("One GRU step (rnn_lib.gru)" if highlight is None else f"The GRU's {highlight} path")
    return ax.figure


GRID_MIN_FONT = 15.0  # points: gate_grid's smallest text (the figure is 17 inches wide, see gate_grid)
GRID_TITLE_FONT = 22.0  # points: the panels' titles, whose sub- and superscripts tell the blocks apart
GRID_ROW_HEIGHT = 4.05  # inches: one row of gate_grid, a title and a compact drawing 8.5 inches wide


def gate_grid(cell: str, highlights=None):
    """Up to four diagrams of one cell side by side, two to a row, one highlight each.

    Made for a slide: the figure of two rows is about twice as wide as it is tall, so that a slide
    can show it about 1,200 px wide, and no text is smaller than :data:`GRID_MIN_FONT` points (a
    single diagram's smaller labels are enlarged): at least 14 px when the 1,700 px wide PNG is
    drawn 1,200 px wide. Each panel is drawn compact (``compact=True``) under a title in
    :data:`GRID_TITLE_FONT` points: the path named in words, its equation and what it acts on (the
    plain GRU panel: the state's update); the rest of what a path does is for the text beside the
    figure. The line that names the blocks
    of the pre-activations, the same in every panel, is written once, under the panels. Two
    highlights give one row, a figure as wide and half as tall.

    Parameters
    ----------
    cell : {"lstm", "gru"}
    highlights : sequence of up to 4 highlights (None for the plain diagram), optional
        By default the LSTM's four gates (forget, input, candidate, output), or the plain GRU and its
        three paths (update, reset, candidate).

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    draws = {
        "lstm": (lstm_diagram, ("forget", "input", "candidate", "output"), _LSTM_TITLE, _LSTM_Z),
        "gru": (gru_diagram, (None, *GRU_HIGHLIGHTS), _GRU_TITLE, _GRU_AM),
    }
    if cell not in draws:
        raise ValueError(f"unknown cell {cell!r}: use 'lstm' or 'gru'")
    draw, default, titles, blocks = draws[cell]
    highlights = default if highlights is None else tuple(highlights)
    if not 1 <= len(highlights) <= 4:
        raise ValueError(f"gate_grid draws 1 to 4 diagrams, got {len(highlights)} highlights")
    rows = (len(highlights) + 1) // 2
    fig, axes = plt.subplots(rows, 2, figsize=(17, GRID_ROW_HEIGHT * rows + 0.35), squeeze=False)
    for ax, highlight in zip(axes.flat, highlights):
        draw(highlight, ax=ax, compact=True)
        if highlight is None:
            ax.set_title(titles.get(None, "One LSTM step"), fontsize=GRID_TITLE_FONT)
        else:  # the path's name and its equation, in the path's colour
            title = ax.set_title(titles[highlight], fontsize=GRID_TITLE_FONT, color=HIGHLIGHT_COLOUR)
            title.set_gid("equation")
        for text in [ax.title, *ax.texts]:
            text.set_fontsize(max(text.get_fontsize(), GRID_MIN_FONT))
    for ax in axes.flat[len(highlights) :]:
        ax.set_axis_off()
    fig.text(0.5, 0.005, blocks, ha="center", va="bottom", fontsize=GRID_MIN_FONT, color="0.4", gid="blocks")
    fig.tight_layout(rect=(0, 0.3 / fig.get_figheight(), 1, 1), h_pad=0.4, w_pad=0.5)
    return fig

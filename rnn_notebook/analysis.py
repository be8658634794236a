"""Looking inside trained models over a long text (notebook 14): states, gates, surprisal.

- :func:`run_passage` feeds a text through any shipped model (vanilla RNN, LSTM, GRU, any number
  of layers) in one stream from the zero state, chunk by chunk, and keeps what the analysis needs:
  the next-character distributions, every layer's hidden state (and the LSTM's cell state), and
  how often each LSTM gate is saturated. Only public functions of :mod:`rnn_lib` are used: the
  cell's ``forward`` and its cache (``hs``, ``cs``, ``gates``, ``probs``, ``h_last``).
- :func:`surprisal_html` colours a text by the surprisal of each character under several models,
  one row per model under each line of text; :class:`RichText` shows it with a plain-text form for
  viewers that cannot draw HTML.

Dimension letters: V vocabulary size, H hidden size, T time steps, L layers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

__all__ = [
    "GATE_NAMES",
    "PassageRun",
    "run_passage",
    "surprisal_colour",
    "surprisal_html",
    "RichText",
]

GATE_NAMES = ("input", "forget", "output")  # the sigmoid gates of rnn_lib.lstm, in its row order i, f, o


@dataclass
class PassageRun:
    """What :func:`run_passage` keeps of one model's pass over a text of T characters.

    Attributes
    ----------
    cell : str
        ``"rnn"``, ``"lstm"`` or ``"gru"``.
    probs : array (T, V)
        Row t: the distribution of the next character after reading characters 0..t.
    h : array (L, T, H)
        Every layer's hidden state after reading character t (the vanilla RNN has L = 1).
    c : array (L, T, H) or None
        The LSTM's cell state c_t of every layer; None for the other cells.
    saturation : array (L, 3, 2, H) or None
        LSTM only: for the input, forget and output gate of every unit, the fraction of the T steps
        on which the gate was below ``low`` (index 0, left-saturated) and above ``high`` (index 1,
        right-saturated).
    """

    cell: str
    probs: np.ndarray
    h: np.ndarray
    c: np.ndarray | None
    saturation: np.ndarray | None


def run_passage(params: dict, ids, chunk: int = 1000, low: float = 0.1, high: float = 0.9) -> PassageRun:
    """Run a model over ``ids`` (T,) in one stream from the zero state, ``chunk`` steps per forward call.

    The state is carried from chunk to chunk, so the result is that of one forward call over the
    whole text, without holding a cache of T steps (an LSTM's gates for 30,000 steps of 256 units
    in float64 would take 250 MB per layer).
    """
    import rnn_lib

    module, L = rnn_lib.cell_of(params)
    cell = next(name for name in rnn_lib.CELL_NAMES if rnn_lib.get_cell(name) is module)
    ids = np.asarray(ids)
    if ids.ndim != 1 or len(ids) < 1:
        raise ValueError(f"ids must be a non-empty 1-d array of character ids, got shape {ids.shape}")
    T, V, H = len(ids), params["Why"].shape[0], params["Why"].shape[1]
    dtype = params["Why"].dtype
    probs = np.empty((T, V), dtype)
    h = np.empty((L, T, H), dtype)
    c = np.empty((L, T, H), dtype) if cell == "lstm" else None
    counts = np.zeros((L, 3, 2, H)) if cell == "lstm" else None
    state = module.initial_state(params, 1)
    for start in range(0, T, chunk):
        stop = min(start + chunk, T)
        cache = module.forward(params, ids[start:stop, None], state)  # one stream: inputs (T, 1)
        probs[start:stop] = cache["probs"]
        hs = cache["hs"]
        if cell == "rnn":
            h[0, start:stop] = hs[1:, 0]  # hs (T+1, B, H), row 0 the starting state
        else:
            h[:, start:stop] = hs[:, 1:, 0]  # hs (L, T+1, B, H)
        if cell == "lstm":
            c[:, start:stop] = cache["cs"][:, 1:, 0]  # cs[l, t+1] is c_t
            gates = cache["gates"][:, :, 0, : 3 * H].reshape(L, stop - start, 3, H)  # i, f, o
            counts[:, :, 0] += (gates < low).sum(axis=1)
            counts[:, :, 1] += (gates > high).sum(axis=1)
        state = cache["h_last"]
    return PassageRun(cell, probs, h, c, None if counts is None else counts / T)


# ------------------------------------------------------------------------------------------------
# Text coloured by surprisal
# ------------------------------------------------------------------------------------------------
_SURPRISE_RGB = (214, 47, 39)  # the red of rnn_notebook.widgets.activation_colour


def surprisal_colour(bits: float, vmax: float = 8.0) -> str:
    """Background ``'#rrggbb'`` for a surprisal in bits: white at 0, full red at ``vmax`` and above.

    Each channel is rounded to an integer, so equal inputs always give equal strings.
    """
    if not vmax > 0:
        raise ValueError(f"vmax must be positive, got {vmax!r}")
    s = min(max(float(bits) / vmax, 0.0), 1.0)
    return "#{:02x}{:02x}{:02x}".format(*(round(255 + s * (c - 255)) for c in _SURPRISE_RGB))


def _span(ch: str, bits: float, vmax: float, tip: str = "") -> str:
    glyph = "\u21b5" if ch == "\n" else ("\u00a0" if ch == " " else html.escape(ch))
    ink = "color:#fff;" if bits > 0.65 * vmax else ""
    title = f' title="{html.escape(tip)}"' if tip else ""
    return f'<span style="{ink}background:{surprisal_colour(bits, vmax)}"{title}>{glyph}</span>'


def surprisal_html(text: str, bits: dict, vmax: float = 8.0, title: str | None = None, tips: dict | None = None) -> str:
    """HTML of ``text`` coloured by surprisal, one row per model under each line of the text.

    Parameters
    ----------
    text : str, length T
    bits : dict of model name -> array (T,)
        The surprisal -log2 p of each character of ``text`` under that model.
    vmax : float
        The surprisal drawn full red (and everything above it).
    title : str, optional
        A line of plain text above the legend.
    tips : dict of model name -> list of T str, optional
        A tooltip for each character (e.g. the model's top predictions), shown on hover.
    """
    names = list(bits)
    width = max(len(n) for n in names)
    for name, b in bits.items():
        if len(b) != len(text):
            raise ValueError(f"{name}: need one surprisal per character ({len(text)}), got {len(b)}")
    legend = " ".join(
        f'<span style="{"color:#fff;" if v > 0.65 * vmax else ""}background:{surprisal_colour(v, vmax)}">'
        f"&nbsp;{v:g}{'+' if v == vmax else ''}&nbsp;</span>"
        for v in np.linspace(0, vmax, 5)
    )
    rows, start = [], 0
    for line in text.split("\n"):
        stop = min(start + len(line) + 1, len(text))  # the line and its newline
        for name in names:
            label = html.escape(name.ljust(width)).replace(" ", "&nbsp;")
            spans = "".join(
                _span(text[t], bits[name][t], vmax, tips[name][t] if tips else "") for t in range(start, stop)
            )
            rows.append(f'<div><span style="color:#666">{label}&nbsp;</span>{spans}</div>')
        rows.append('<div style="height:6px"></div>')
        start = stop
        if start >= len(text):
            break
    head = f"<b>{html.escape(title)}</b> &nbsp; " if title else ""
    return (
        '<div style="font-family:monospace;font-size:14px;line-height:1.45">'
        f'<div style="margin-bottom:6px">{head}surprisal in bits: {legend}</div>{"".join(rows)}</div>'
    )


class RichText:
    """An output shown as HTML where HTML is drawn, and as plain text everywhere else.

    ``display(RichText(html, text))`` stores both forms in the notebook (``text/html`` and
    ``text/plain``); keep both the same on every run.
    """

    def __init__(self, html_str: str, text: str):
        self.html, self.text = html_str, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

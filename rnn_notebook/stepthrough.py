"""One stage of a backward pass as HTML: the step-through of notebook 03.

The notebook computes the stages itself (the lines of the backward loop, run one at a time); this
module only shows one of them, so it holds no backward pass. A stage is a dict:

- ``"t"`` (int) the time step, ``"line"`` (int) the index of the current line in ``code``;
- ``"input"``, ``"target"`` (str) the step's input and target characters; ``"note"`` (str) a
  sentence on what the line does;
- ``"vectors"``: ``{label: (kind, values)}``, the vectors the line reads or writes, ``kind`` "V"
  (one entry per character) or "H" (one per hidden unit), ``values`` of shape (V,) / (H,) or (V, 1) / (H, 1);
- ``"grads"``: ``{name: array}``, the gradients accumulated so far, keyed like the parameters
  (``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1));
- ``"changed"``: the name of the gradient the line adds to, or None; ``"contribution"``: what it
  adds (same shape), or None.

:func:`stage_html` draws it; :func:`highlighted_line`, :func:`values_shown` and :func:`colours_shown`
read back what a drawing shows, so that a notebook can assert on it (nbval cannot move a slider).

Colours: the vectors of one kind ("V" or "H") share one scale within a stage, so that equal values
have equal colours in every column of the stage and a column that shrinks looks paler; each gradient
has its own scale (its rows and columns are of other sizes than the vectors').

Dimension letters: V vocabulary size, H hidden size.
"""

from __future__ import annotations

import html as _html
import re

import numpy as np

from rnn_notebook.widgets import activation_colour

__all__ = ["GRAD_AXES", "stage_html", "highlighted_line", "values_shown", "colours_shown", "vector_scales"]

# the kind of each gradient's rows and columns ("V" characters, "H" hidden units; None: a column)
GRAD_AXES = {"Wxh": ("H", "V"), "Whh": ("H", "H"), "Why": ("V", "H"), "bh": ("H", None), "by": ("V", None)}
_CURRENT = "#ffe08a"  # background of the current line
_CHANGED = "#f0a500"  # outline of the gradient the line adds to
_GREY = "color:#888"


def _number(v: float) -> str:
    """Three decimals with a sign; a value that rounds to zero is written 0.000 (no sign)."""
    return " 0.000" if round(float(v), 3) == 0 else f"{float(v):+.3f}"


def _cell(v: float, vmax: float, bold: bool = False) -> str:
    ink = "color:#fff;" if abs(v) > 0.65 * vmax else ""
    weight = "font-weight:bold;outline:2px solid #222;" if bold else ""
    return (
        f'<td style="{ink}{weight}background:{activation_colour(v, vmax)};padding:1px 4px;'
        f'text-align:right;white-space:pre">{_number(v)}</td>'
    )


def _scale(values, given=None) -> float:
    if given is not None and given > 0:
        return float(given)
    largest = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return largest if largest > 0 else 1.0


def vector_scales(stages) -> dict:
    """``{"V": vmax, "H": vmax}``: the largest size of any vector of each kind over all ``stages``
    (1 for a kind that is absent or all zero), for :func:`stage_html`'s ``scales``, so that the
    colours of the vectors also compare from one stage to the next."""
    largest = {"V": 0.0, "H": 0.0}
    for stage in stages:
        for kind, values in stage["vectors"].values():
            if np.size(values):
                largest[kind] = max(largest[kind], float(np.max(np.abs(values))))
    return {kind: v if v > 0 else 1.0 for kind, v in largest.items()}


def _table(name: str, title: str, values, rows, cols=None, vmax=None, bold=None, outline=False) -> str:
    """A table of coloured cells with their values; ``rows``/``cols`` label the axes."""
    values = np.asarray(values, dtype=float)
    matrix = values.reshape(len(rows), -1)
    vmax = _scale(matrix, vmax)
    bold = np.zeros(matrix.shape, bool) if bold is None else np.asarray(bold, bool).reshape(matrix.shape)
    frame = f"outline:3px solid {_CHANGED};" if outline else ""
    head = ""
    if cols is not None:
        head = (
            "<tr><td></td>"
            + "".join(f'<td style="{_GREY};text-align:center">{_html.escape(c)}</td>' for c in cols)
            + "</tr>"
        )
    body = "".join(
        f'<tr><td style="{_GREY};padding-right:4px">{_html.escape(r)}</td>'
        + "".join(_cell(v, vmax, b) for v, b in zip(matrix[i], bold[i]))
        + "</tr>"
        for i, r in enumerate(rows)
    )
    caption = f'<caption style="text-align:left;font-weight:bold;white-space:nowrap">{_html.escape(title)}</caption>'
    return (
        f'<table data-array="{_html.escape(name)}" style="border-collapse:collapse;{frame}">'
        f"{caption}{head}{body}</table>"
    )


def stage_html(stage: dict, code: list[str], names: dict, scales: dict | None = None) -> str:
    """HTML of one stage: the loop's lines with the current one highlighted, the vectors it
    involves, and the gradients accumulated so far (the one it adds to outlined, its changed
    entries in bold). Colours: red positive, blue negative, white 0; the vectors of one kind share a
    scale (see ``scales``).

    Parameters
    ----------
    stage : dict
        One stage (see the module's docstring).
    code : list of str
        The lines of the backward loop; ``stage["line"]`` indexes it.
    names : dict
        ``{"V": the V characters, "H": the H labels of the hidden units}``, to label the axes.
    scales : dict, optional
        ``{name: vmax}``, the value drawn fully saturated for each gradient (e.g. its largest size
        over all stages, so that colours deepen as the sums grow), by default each gradient's own largest
        size; and ``{"V": vmax, "H": vmax}`` for the vectors of each kind (e.g. :func:`vector_scales`
        of all stages), by default the largest size among this stage's vectors of that kind. Either
        way, all vectors of one kind in a stage share one scale.

    Returns
    -------
    str
        A ``<div>``; each table carries ``data-array="<label>"`` (:func:`values_shown` reads it).
    """
    scales = scales or {}
    line = int(stage["line"])
    if not 0 <= line < len(code):
        raise ValueError(f"stage['line'] = {line} is not a line of the {len(code)} lines given")
    labels = {kind: [str(n) for n in names[kind]] for kind in ("V", "H")}
    listing = "".join(
        (
            f'<div data-current="1" style="background:{_CURRENT};font-weight:bold">'
            if i == line
            else '<div style="color:#555">'
        )
        + f'<span style="{_GREY}">L{i + 1} </span><span data-code="1">{_html.escape(text)}</span></div>'
        for i, text in enumerate(code)
    )
    shared = {
        kind: _scale(
            np.concatenate([np.ravel(v) for k, v in stage["vectors"].values() if k == kind] or [np.zeros(0)]),
            scales.get(kind),
        )
        for kind in ("V", "H")
    }
    vectors = "".join(
        _table(label, label, values, labels[kind], vmax=shared[kind])
        for label, (kind, values) in stage["vectors"].items()
    )
    changed, contribution = stage.get("changed"), stage.get("contribution")
    grads = []
    for name, grad in stage["grads"].items():
        rows, cols = GRAD_AXES[name]
        title = f"d{name}" + ("  += (this line)" if name == changed else "")
        bold = (np.asarray(contribution) != 0) if name == changed and contribution is not None else None
        grads.append(
            _table(
                f"d{name}",
                title,
                grad,
                labels[rows],
                labels[cols] if cols else None,
                scales.get(name),
                bold,
                outline=name == changed,
            )
        )
    head = (
        f'<div style="margin-bottom:6px"><b>t = {int(stage["t"])}</b> (input {_html.escape(repr(stage["input"]))}, '
        f"target {_html.escape(repr(stage['target']))}) &middot; line L{line + 1} of {len(code)}: "
        f"{_html.escape(stage['note'])}</div>"
    )
    flex = "display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start"
    return (
        '<div style="font-family:monospace;font-size:12px;line-height:1.35">'
        f'{head}<div style="{flex}"><div style="white-space:pre;border:1px solid #ccc;padding:4px">{listing}</div>'
        f'{vectors}</div><div style="margin:8px 0 2px 0"><b>Gradients accumulated so far</b> (after this line)</div>'
        f'<div style="{flex}">{"".join(grads)}</div></div>'
    )


def highlighted_line(page: str) -> str:
    """The code of the highlighted line of a :func:`stage_html` drawing."""
    found = re.search(r'data-current="1"[^>]*>.*?<span data-code="1">(.*?)</span>', page, re.S)
    if found is None:
        raise ValueError("no highlighted line in this HTML: was it made by stage_html?")
    return _html.unescape(found.group(1))


def values_shown(page: str, label: str) -> np.ndarray:
    """The numbers a :func:`stage_html` drawing shows in the table ``label`` (e.g. "dh", "dWxh"),
    row by row, as a flat array (three decimals, as shown)."""
    found = re.search(rf'<table data-array="{re.escape(_html.escape(label))}".*?</table>', page, re.S)
    if found is None:
        raise ValueError(f"no table {label!r} in this HTML")
    cells = re.findall(r'<td style="[^"]*background:[^"]*">([^<]*)</td>', found.group(0))
    return np.array([float(c) for c in cells])


def colours_shown(page: str, label: str) -> list[str]:
    """The background colours (``'#rrggbb'``) of the cells of the table ``label`` of a :func:`stage_html`
    drawing, row by row, in the order of :func:`values_shown`."""
    found = re.search(rf'<table data-array="{re.escape(_html.escape(label))}".*?</table>', page, re.S)
    if found is None:
        raise ValueError(f"no table {label!r} in this HTML")
    return re.findall(r'<td style="[^"]*background:(#[0-9a-f]{6});[^"]*">[^<]*</td>', found.group(0))

"""Interactive widgets (ipywidgets) used by the notebooks.

Every widget here is built around a plain function that computes what it shows, so a notebook
can call that function for fixed values and assert on the result: the widget is then tested by
nbval even though nbval cannot move a slider. ipywidgets is imported lazily, so the rest of
rnn_lib works without it.

Dimension letters: V vocabulary size, H hidden size, T time steps.
"""

from __future__ import annotations

__all__: list[str] = []

# Each notebook's widgets go in their own section below (append; keep sections independent).


# ------------------------------------------------------------------------------------------------
# Every widget: a still view for where no kernel runs
# ------------------------------------------------------------------------------------------------
# A widget is drawn by JupyterLab from a running kernel (or from the widget state saved in the
# notebook). Everywhere else (GitHub, nbviewer, a markdown or HTML export, slides) a viewer shows
# the next best representation of the same output, which for a plain ipywidgets box is its repr,
# "VBox(children=(HBox(children=(IntSlider(...". The boxes made here carry a still view instead: a
# sentence as text/plain and, when given, the figure (image/png) or HTML it shows at the moment it
# is displayed. JupyterLab prefers the widget view to any of them, so a live notebook is unchanged.

__all__ += ["box_with_fallback"]


def _fallback_box_class():
    import ipywidgets as widgets

    class FallbackBox(widgets.VBox):
        """A VBox whose display data also holds a still view (see :func:`box_with_fallback`)."""

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            bundle.update(self._still_view())
            return bundle

    return FallbackBox


def box_with_fallback(children, text: str, png=None, html=None):
    """A vertical box of widgets that a static view of the notebook shows as a sentence and a still.

    Parameters
    ----------
    children : list of widgets
        What the box holds, as for ``ipywidgets.VBox``.
    text : str
        The plain-text form of the output, e.g. "Interactive figure: move the slider t to redraw it
        (needs a running kernel)". It must be the same on every run: nbval compares it.
    png : callable, optional
        Returns the PNG bytes of the figure to show instead of the widget (called when displayed).
    html : callable, optional
        Returns an HTML string to show instead of the widget (called when displayed; nbval compares it).

    Returns
    -------
    ipywidgets.VBox
        Display it with ``display(...)``.
    """
    import base64

    if not text.strip():
        raise ValueError("box_with_fallback needs a sentence for static views, e.g. 'Interactive figure: ...'")
    box = _fallback_box_class()(list(children))

    def still_view():
        view = {"text/plain": text}
        if png is not None:
            view["image/png"] = base64.b64encode(png()).decode("ascii")
        if html is not None:
            view["text/html"] = html()
        return view

    box._still_view = still_view
    return box


# ------------------------------------------------------------------------------------------------
# Notebook 02 (softmax and cross-entropy): controls that redraw a matplotlib figure
# ------------------------------------------------------------------------------------------------
# Why an Image widget and not ipywidgets.interactive_output: a figure drawn inside an Output widget
# is captured into the widget when tools/nbbuild.py executes the notebook (nbclient), but lands in
# the cell's outputs when nbval re-runs it, so the stored and recomputed outputs differ. PNG bytes
# held by an Image widget make no cell output in either case.

__all__ += ["figure_png", "figure_widget"]


def figure_png(fig, close: bool = True) -> bytes:
    """PNG bytes of a matplotlib figure; ``close`` it so that it is not also shown inline."""
    import io

    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    if close:
        plt.close(fig)
    return buffer.getvalue()


def figure_widget(draw, controls: dict, caption: str | None = None):
    """A row of controls above an image of ``draw(**values)``, redrawn whenever a control changes.

    Parameters
    ----------
    draw : callable
        ``draw(**{name: control.value})`` returns a matplotlib Figure. Test it (or the plain
        function it wraps) on fixed values in the notebook: nbval cannot move a slider.
    controls : dict of name -> ipywidgets value widget
        E.g. ``{"value": FloatSlider(...), "target": Dropdown(...)}``; the names are ``draw``'s
        keyword arguments.
    caption : str, optional
        The sentence a static view of the notebook shows with the figure (its plain-text form);
        by default one that names the controls.

    Returns
    -------
    ipywidgets.VBox
        Display it with ``display(...)``. Where no kernel runs, the output shows the figure for the
        controls' values at that moment, as a PNG, and ``caption`` (see :func:`box_with_fallback`).
    """
    import ipywidgets as widgets

    if not controls:
        raise ValueError("figure_widget needs at least one control, e.g. {'value': FloatSlider()}")
    caption = caption or _default_caption(controls, "redraws the figure")
    image = widgets.Image(format="png")

    def redraw(_change=None):
        image.value = figure_png(draw(**{name: c.value for name, c in controls.items()}))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return box_with_fallback([widgets.HBox(list(controls.values())), image], caption, png=lambda: image.value)


def _default_caption(controls: dict, effect: str) -> str:
    names = ", ".join(getattr(c, "description", "") or name for name, c in controls.items())
    return f"Interactive: changing {names} {effect} (needs a running kernel); shown here for the starting values."


# ------------------------------------------------------------------------------------------------
# Notebook 10 (what the neurons learn): text coloured by the activation of one hidden unit
# ------------------------------------------------------------------------------------------------
# The renderer returns a plain HTML string, so a notebook can show it with IPython.display.HTML
# for fixed values (nbval compares the text/html output: colours are rounded to integers so the
# string is the same on every run) and put the same string into an ipywidgets.HTML widget.

__all__ += ["activation_colour", "activation_html", "html_widget"]

_POSITIVE_RGB = (214, 47, 39)  # +vmax: red
_NEGATIVE_RGB = (33, 102, 172)  # -vmax: blue


def activation_colour(value: float, vmax: float = 1.0) -> str:
    """Background colour ``'#rrggbb'`` of one activation: white at 0, red at +vmax, blue at -vmax.

    The value is clipped to [-vmax, vmax] and mixed linearly with white; each channel is rounded
    to an integer, so equal inputs always give equal strings.
    """
    if not vmax > 0:
        raise ValueError(f"vmax must be positive, got {vmax!r}")
    s = min(max(float(value) / vmax, -1.0), 1.0)
    end = _POSITIVE_RGB if s >= 0 else _NEGATIVE_RGB
    rgb = [round(255 + abs(s) * (c - 255)) for c in end]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def activation_html(text: str, values, vmax: float = 1.0, title: str | None = None, *, signed: bool = True) -> str:
    """HTML of ``text`` in a fixed-width font, each character on a background coloured by its value.

    Parameters
    ----------
    text : str, length T
    values : array, shape (T,)
        One number per character, e.g. the activation of one hidden unit after reading it.
    vmax : float
        The value shown fully saturated (tanh units: 1).
    title : str, optional
        A line of plain text above the coloured text (HTML-escaped).
    signed : bool
        True (default): values run from -vmax (blue) through 0 (white) to +vmax (red), and so does the
        legend. False, for values in [0, vmax] such as gates: the legend runs from 0 through vmax/2 to
        vmax (white to red), and a negative value raises ValueError.

    Returns
    -------
    str
        A ``<div>``; a newline is drawn as a coloured ``↵`` followed by a line break, a strongly
        coloured character is written in white so that it stays readable.
    """
    import html

    import numpy as np

    values = np.asarray(values, dtype=float).ravel()
    if values.size != len(text):
        raise ValueError(f"need one value per character: text has {len(text)} characters, values has {values.size}")
    if not np.all(np.isfinite(values)):
        raise ValueError("values contains NaN or infinity; colour only finite activations")
    if not signed and values.size and values.min() < 0:
        raise ValueError(f"signed=False needs values in [0, vmax], got {values.min():g}; use signed=True")
    spans = []
    for ch, v in zip(text, values):
        glyph = "\u21b5" if ch == "\n" else html.escape(ch)
        ink = "color:#fff;" if abs(v) > 0.65 * vmax else ""
        spans.append(
            f'<span style="{ink}background:{activation_colour(v, vmax)}">{glyph}</span>'
            + ("<br>" if ch == "\n" else "")
        )
    stops = (
        ((-vmax, f"{-vmax:+g}", "color:#fff;"), (0.0, "0", ""), (vmax, f"{vmax:+g}", "color:#fff;"))
        if signed
        else ((0.0, "0", ""), (vmax / 2, f"{vmax / 2:g}", ""), (vmax, f"{vmax:g}", "color:#fff;"))
    )
    legend = "".join(
        f'<span style="{ink}background:{activation_colour(v, vmax)}">&nbsp;{label}&nbsp;</span>'
        for v, label, ink in stops
    )
    head = f"<b>{html.escape(title)}</b> &nbsp; " if title else ""
    return (
        f'<div style="font-family:monospace;font-size:15px;line-height:1.5">'
        f'<div style="margin-bottom:4px">{head}{legend}</div>'
        f'<div style="white-space:pre-wrap">{"".join(spans)}</div></div>'
    )


def html_widget(render, controls: dict, caption: str | None = None, above=()):
    """A row of controls above an HTML view of ``render(**values)``, updated whenever a control changes.

    Parameters
    ----------
    render : callable
        ``render(**{name: control.value})`` returns an HTML string (e.g. from :func:`activation_html`).
        Call it for fixed values in the notebook and assert on the result: nbval cannot move a slider.
    controls : dict of name -> ipywidgets value widget
        The names are ``render``'s keyword arguments.
    caption : str, optional
        The sentence a static view shows (its plain-text form, and a line above the HTML); by
        default one that names the controls.
    above : list of widgets, optional
        Shown above the controls, e.g. a menu that sets one of them.

    Returns
    -------
    ipywidgets.VBox
        Display it with ``display(...)``. Where no kernel runs, the output shows ``caption`` and the
        HTML for the controls' values at that moment (see :func:`box_with_fallback`).
    """
    import html

    import ipywidgets as widgets

    if not controls:
        raise ValueError("html_widget needs at least one control, e.g. {'unit': IntSlider()}")
    caption = caption or _default_caption(controls, "updates the view")
    view = widgets.HTML()

    def update(_change=None):
        view.value = render(**{name: c.value for name, c in controls.items()})

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return box_with_fallback(
        [*above, widgets.HBox(list(controls.values())), view],
        caption,
        html=lambda: f"<p><i>{html.escape(caption)}</i></p>{view.value}",
    )

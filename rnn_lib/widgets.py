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


def figure_widget(draw, controls: dict):
    """A row of controls above an image of ``draw(**values)``, redrawn whenever a control changes.

    Parameters
    ----------
    draw : callable
        ``draw(**{name: control.value})`` returns a matplotlib Figure. Test it (or the plain
        function it wraps) on fixed values in the notebook: nbval cannot move a slider.
    controls : dict of name -> ipywidgets value widget
        E.g. ``{"value": FloatSlider(...), "target": Dropdown(...)}``; the names are ``draw``'s
        keyword arguments.

    Returns
    -------
    ipywidgets.VBox
        Display it with ``display(...)``. Its plain-text form starts with the controls, so it is
        the same on every run.
    """
    import ipywidgets as widgets
    if not controls:
        raise ValueError("figure_widget needs at least one control, e.g. {'value': FloatSlider()}")
    image = widgets.Image(format="png")

    def redraw(_change=None):
        image.value = figure_png(draw(**{name: c.value for name, c in controls.items()}))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(controls.values())), image])

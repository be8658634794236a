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

"""The step-through of notebook 03 (rnn_notebook/stepthrough.py): what a drawn stage shows.

Dimension letters: V vocabulary size, H hidden size.
"""

import numpy as np
import pytest

from rnn_notebook.stepthrough import colours_shown, highlighted_line, stage_html, values_shown, vector_scales
from rnn_notebook.widgets import activation_colour

CODE = ["dh = Why.T @ dy + dhnext", "dhraw = (1 - hs[t] * hs[t]) * dh", "dhnext = Whh.T @ dhraw"]
NAMES = {"V": ["a", "b", "c"], "H": ["0", "1"]}  # V = 3, H = 2


def stage(vectors, line=1, t=2, grads=None, changed=None, contribution=None):
    grads = grads if grads is not None else {"Why": np.zeros((3, 2)), "bh": np.zeros((2, 1))}
    return {
        "t": t,
        "line": line,
        "input": "a",
        "target": "b",
        "note": "a note",
        "vectors": vectors,
        "grads": grads,
        "changed": changed,
        "contribution": contribution,
    }


def test_vectors_of_one_kind_share_a_scale_within_a_stage():
    dh, dhraw = np.array([[2.0], [-0.5]]), np.array([[1.0], [-0.5]])
    page = stage_html(stage({"dh": ("H", dh), "dhraw": ("H", dhraw)}), CODE, NAMES)
    # the largest size among the stage's H-vectors, 2, is the scale of both columns
    assert colours_shown(page, "dh") == [activation_colour(2, 2), activation_colour(-0.5, 2)]
    assert colours_shown(page, "dhraw") == [activation_colour(1, 2), activation_colour(-0.5, 2)]
    assert colours_shown(page, "dh")[1] == colours_shown(page, "dhraw")[1]  # equal values, equal colours
    assert colours_shown(page, "dhraw")[0] != activation_colour(1, 1)  # not saturated on a scale of its own


def test_the_kinds_have_separate_scales():
    ps, dy = np.array([0.2, 0.3, 0.5]), np.array([0.2, -0.7, 0.5])
    h = np.array([4.0, 1.0])
    page = stage_html(stage({"ps[t]": ("V", ps), "dy": ("V", dy), "hs[t]": ("H", h)}), CODE, NAMES)
    assert colours_shown(page, "ps[t]") == [activation_colour(v, 0.7) for v in ps]
    assert colours_shown(page, "dy") == [activation_colour(v, 0.7) for v in dy]
    assert colours_shown(page, "hs[t]") == [activation_colour(v, 4.0) for v in h]
    # ps[t] and dy differ only at the target: the other entries look the same in both columns
    assert [colours_shown(page, "ps[t]")[i] == colours_shown(page, "dy")[i] for i in range(3)] == [True, False, True]


def test_scales_given_for_the_kinds_hold_across_stages():
    stages = [stage({"dh": ("H", np.array([0.5, 0.0]))}), stage({"dh": ("H", np.array([3.0, -1.0]))})]
    stages[0]["vectors"]["x"] = ("V", np.array([0.0, 1.0, 0.0]))
    scales = vector_scales(stages)
    assert scales == {"V": 1.0, "H": 3.0}
    page = stage_html(stages[0], CODE, NAMES, scales)
    assert colours_shown(page, "dh") == [activation_colour(0.5, 3.0), activation_colour(0.0, 3.0)]
    assert vector_scales([stage({"dh": ("H", np.zeros(2))})]) == {"V": 1.0, "H": 1.0}  # never a zero scale


def test_a_gradient_has_its_own_scale_and_the_changed_one_is_marked():
    grads = {"Why": np.arange(6.0).reshape(3, 2), "bh": np.array([[0.1], [-0.2]])}
    contribution = np.array([[0.1], [0.0]])
    page = stage_html(
        stage({"dh": ("H", np.array([10.0, 0.0]))}, grads=grads, changed="bh", contribution=contribution),
        CODE,
        NAMES,
        {"Why": 10.0},
    )
    assert colours_shown(page, "dWhy") == [activation_colour(v, 10.0) for v in range(6)]
    assert colours_shown(page, "dbh") == [activation_colour(0.1, 0.2), activation_colour(-0.2, 0.2)]
    assert np.array_equal(values_shown(page, "dWhy"), np.arange(6.0))
    assert 'data-array="dbh" style="border-collapse:collapse;outline' in page and "+= (this line)" in page
    assert page.count("font-weight:bold;outline:2px") == 1  # the one entry the line changes


def test_the_highlighted_line_and_the_values_read_back():
    dh = np.array([[0.12345], [-0.00001]])
    page = stage_html(stage({"dh": ("H", dh)}, line=2), CODE, NAMES)
    assert highlighted_line(page) == CODE[2]
    assert np.array_equal(values_shown(page, "dh"), [0.123, 0.0])
    assert len(colours_shown(page, "dh")) == 2


def test_errors():
    with pytest.raises(ValueError, match="is not a line"):
        stage_html(stage({}, line=3), CODE, NAMES)
    page = stage_html(stage({}), CODE, NAMES)
    with pytest.raises(ValueError, match="no table"):
        values_shown(page, "dh")
    with pytest.raises(ValueError, match="no table"):
        colours_shown(page, "dh")
    with pytest.raises(ValueError, match="no highlighted line"):
        highlighted_line("<div></div>")

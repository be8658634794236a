"""rnn_notebook.widgets.activation_html: the signed legend (tanh units) and the 0..vmax legend (gates)."""

import re

import numpy as np
import pytest

from rnn_notebook.widgets import activation_colour, activation_html

LABEL = re.compile(r">&nbsp;([^<&]*)&nbsp;</span>")
BACKGROUND = re.compile(r"background:(#[0-9a-f]{6})")


def legend_and_text(page):
    """(labels of the legend, colours of the legend, colours of the text) of one page."""
    legend, text = page.split("pre-wrap")
    return LABEL.findall(legend), BACKGROUND.findall(legend), BACKGROUND.findall(text)


def test_default_legend_is_signed_and_unchanged():
    values = [-0.5, 0.0, 0.9]
    page = activation_html("abc", values)
    labels, legend_colours, text_colours = legend_and_text(page)
    assert labels == ["-1", "0", "+1"]
    assert legend_colours == [activation_colour(v) for v in (-1, 0, 1)]
    assert text_colours == [activation_colour(v) for v in values]
    assert page == activation_html("abc", values, vmax=1.0, title=None, signed=True)


def test_signed_legend_follows_vmax():
    labels, legend_colours, _ = legend_and_text(activation_html("ab", [-3.0, 1.0], vmax=2.5))
    assert labels == ["-2.5", "0", "+2.5"]
    assert legend_colours == [activation_colour(v, 2.5) for v in (-2.5, 0, 2.5)]


def test_gate_legend_runs_from_0_to_1_white_to_red():
    values = np.array([0.0, 0.25, 0.5, 1.0])
    labels, legend_colours, text_colours = legend_and_text(activation_html("abcd", values, signed=False))
    assert labels == ["0", "0.5", "1"]
    assert legend_colours == [activation_colour(v) for v in (0.0, 0.5, 1.0)]
    assert legend_colours[0] == "#ffffff" and legend_colours[1] != legend_colours[2]
    # the text uses the same 0..1 scale: white at 0, full colour at 1, no blue anywhere
    assert text_colours == [activation_colour(v) for v in values]
    assert text_colours[0] == "#ffffff" and text_colours[-1] == activation_colour(1.0)
    assert activation_colour(-1.0) not in legend_colours + text_colours


def test_gate_legend_follows_vmax():
    labels, legend_colours, _ = legend_and_text(activation_html("ab", [0.0, 3.0], vmax=4.0, signed=False))
    assert labels == ["0", "2", "4"]
    assert legend_colours == [activation_colour(v, 4.0) for v in (0.0, 2.0, 4.0)]


def test_legend_labels_are_read_past_a_title():
    labels, _, _ = legend_and_text(activation_html("ab", [0.2, 0.9], title="forget gate f, unit 3", signed=False))
    assert labels == ["0", "0.5", "1"]


def test_gate_scale_rejects_negative_values():
    with pytest.raises(ValueError, match="signed=False"):
        activation_html("ab", [0.5, -0.1], signed=False)


def test_signed_is_keyword_only():
    with pytest.raises(TypeError):
        activation_html("a", [0.5], 1.0, None, False)

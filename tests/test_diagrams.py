"""rnn_notebook.diagrams: the LSTM and GRU cell diagrams of notebooks 12 and 13, one gate highlighted at a time."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import same_color  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from rnn_notebook import diagrams  # noqa: E402

CELLS = {
    "lstm": (diagrams.lstm_diagram, diagrams.LSTM_PATHS),
    "gru": (diagrams.gru_diagram, diagrams.GRU_PATHS),
}
CASES = [(cell, h) for cell, (_, paths) in CELLS.items() for h in (None, *paths)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def colour_of(artist):
    """The colour a highlight changes: a patch's edge, a line's or a text's colour."""
    if isinstance(artist, Patch):
        return artist.get_edgecolor()
    if isinstance(artist, (Line2D, Text)):
        return artist.get_color()
    return None


def named_parts(fig):
    """(gid, artist) for every named part of the drawing."""
    ax = fig.axes[0]
    artists = [*ax.patches, *ax.lines, *ax.texts]
    return [(a.get_gid(), a) for a in artists if a.get_gid() is not None]


def test_highlight_options_are_the_documented_ones():
    assert diagrams.LSTM_HIGHLIGHTS == ("forget", "input", "candidate", "output", "cell")
    assert diagrams.GRU_HIGHLIGHTS == ("update", "reset", "candidate")


@pytest.mark.parametrize("cell, highlight", CASES)
def test_every_highlight_draws_a_figure(cell, highlight):
    draw, _ = CELLS[cell]
    fig = draw(highlight)
    assert isinstance(fig, matplotlib.figure.Figure)
    fig.canvas.draw()  # mathtext and all: a broken label raises here
    texts = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "equation"]
    assert len(texts) == (0 if highlight is None else 1)


@pytest.mark.parametrize("cell, highlight", [c for c in CASES if c[1] is not None])
def test_highlighted_parts_have_the_highlight_colour_and_no_others(cell, highlight):
    draw, paths = CELLS[cell]
    parts = named_parts(draw(highlight))
    drawn = {gid for gid, _ in parts}
    assert paths[highlight] <= drawn, f"parts of the path not drawn: {sorted(paths[highlight] - drawn)}"
    for gid, artist in parts:
        colour = colour_of(artist)
        if gid in paths[highlight] or gid == "equation":
            assert same_color(colour, diagrams.HIGHLIGHT_COLOUR), f"{gid} should be highlighted"
        elif colour is not None:
            assert not same_color(colour, diagrams.HIGHLIGHT_COLOUR), f"{gid} is not on the {highlight} path"


@pytest.mark.parametrize("cell", CELLS)
def test_no_highlight_colour_without_a_highlight(cell):
    draw, _ = CELLS[cell]
    for gid, artist in named_parts(draw(None)):
        assert not same_color(colour_of(artist), diagrams.HIGHLIGHT_COLOUR), gid


def test_each_gate_colours_its_own_box():
    lstm = {"forget": "box_f", "input": "box_i", "candidate": "box_g", "output": "box_o", "cell": "cell_mid"}
    gru = {"update": "box_z", "reset": "box_r", "candidate": "tanh_n"}
    for paths, own in ((diagrams.LSTM_PATHS, lstm), (diagrams.GRU_PATHS, gru)):
        for highlight, part in own.items():
            others = {h for h in paths if h != highlight}
            assert part in paths[highlight] and not any(part in paths[h] for h in others), (highlight, part)


def test_gates_that_write_into_the_state_reach_its_plus_node():
    # LSTM input gate: i * g goes to the + on the cell line; GRU update gate: (1 - z) * n goes to the + on
    # the state line. Both panels follow their product up to that +; gates that only scale stop earlier.
    assert {"mul_ig", "ig_to_add", "add"} <= diagrams.LSTM_PATHS["input"]
    assert {"mul_n", "n_to_add", "add"} <= diagrams.GRU_PATHS["update"]
    assert {"mul_z", "mul_n"} <= diagrams.GRU_PATHS["update"]  # it keeps z of the old state and scales n
    assert "add" not in diagrams.LSTM_PATHS["forget"] and "add" not in diagrams.GRU_PATHS["reset"]


def test_gru_reset_acts_on_the_recurrent_product_only():
    # rnn_lib.gru: n = tanh(a_n + r * (m_n + bhn)); the input part a_n is added after the product with r
    reset, candidate = diagrams.GRU_PATHS["reset"], diagrams.GRU_PATHS["candidate"]
    assert {"r_to_mul", "mul_r"} <= reset and "m_to_mul" in candidate and "a_to_add" in candidate
    assert "box_a" not in reset and "r_to_add" not in reset


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bad", ["forgett", "update_gate", "", 3])
def test_unknown_highlight_raises_naming_the_options(cell, bad):
    draw, paths = CELLS[cell]
    if bad in paths:
        pytest.skip("a real option of this cell")
    with pytest.raises(ValueError) as err:
        draw(bad)
    for option in paths:
        assert repr(option) in str(err.value)


def test_lstm_gradient_arrow_is_optional():
    def gids(fig):
        return {gid for gid, _ in named_parts(fig)}

    assert "gradient" in gids(diagrams.lstm_diagram(gradient=True))
    assert "gradient" not in gids(diagrams.lstm_diagram())


def test_draws_into_a_given_axes():
    fig, ax = plt.subplots()
    assert diagrams.gru_diagram("reset", ax=ax) is fig
    assert diagrams.lstm_diagram("cell", ax=ax) is fig


@pytest.mark.parametrize("cell, n", [("lstm", 4), ("gru", 4)])
def test_gate_grid_draws_one_panel_per_highlight(cell, n):
    fig = diagrams.gate_grid(cell)
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert len(titled) == n
    equations = [ax.title for ax in fig.axes if ax.title.get_gid() == "equation"]  # each path's equation: its title
    assert len(equations) == (4 if cell == "lstm" else 3)  # the GRU's first panel is the plain diagram
    assert all(same_color(t.get_color(), diagrams.HIGHLIGHT_COLOUR) for t in equations)
    assert not [t for ax in fig.axes for t in ax.texts if t.get_gid() in ("equation", "meaning")]


def test_gate_grid_rejects_bad_arguments():
    with pytest.raises(ValueError, match="'lstm' or 'gru'"):
        diagrams.gate_grid("rnn")
    with pytest.raises(ValueError, match="1 to 4"):
        diagrams.gate_grid("lstm", ["forget"] * 5)
    with pytest.raises(ValueError, match="'update'"):
        diagrams.gate_grid("gru", ["forget"])


@pytest.mark.parametrize("cell, highlights", [("lstm", ("forget", "input")), ("gru", (None, "update"))])
def test_gate_grid_text_is_readable_at_slide_size(cell, highlights):
    """Every label at least 14 px when the PNG is drawn 1,200 px wide, which a 1280x720 slide can do
    since four panels make a figure about twice as wide as tall; two panels make one row, half as
    tall; the blocks line is written once, under the panels."""
    fig = diagrams.gate_grid(cell, highlights)
    width_px = fig.get_figwidth() * fig.dpi
    texts = [t for ax in fig.axes for t in (ax.title, *ax.texts) if t.get_text()] + list(fig.texts)
    assert texts and all(t.get_fontsize() * fig.dpi / 72 * 1200 / width_px >= 14 for t in texts)
    assert len([t for t in fig.texts if t.get_gid() == "blocks"]) == 1
    assert not [t for ax in fig.axes for t in ax.texts if t.get_gid() == "blocks"]
    four = diagrams.gate_grid(cell)
    assert four.get_figwidth() / four.get_figheight() >= 1.9
    assert fig.get_figheight() < four.get_figheight() / 1.5


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_grid_titles_name_each_path_in_words_large_enough_for_a_notebook(cell):
    """Each panel's title names its path in words (the superscripts alone were all that told the GRU's
    update from its reset title, and the LSTM's input and candidate titles ended alike), no two
    titles are alike, and a title's sub- and superscripts (mathtext draws them at 70 %) are at least
    10 px when the figure is shown 830 px wide, a classic notebook's width."""
    fig = diagrams.gate_grid(cell)
    titles = [ax.title for ax in fig.axes if ax.title.get_gid() == "equation"]
    names = {"lstm": ("forget gate", "input gate", "candidate", "output gate"),
             "gru": ("update gate", "reset gate", "candidate")}[cell]  # fmt: skip
    assert [t.get_text().split(":")[0] for t in titles] == list(names)
    texts = [ax.title.get_text() for ax in fig.axes if ax.get_title()]
    assert len(set(texts)) == len(texts)
    width_px = fig.get_figwidth() * fig.dpi
    assert all(0.7 * t.get_fontsize() * fig.dpi / 72 * 830 / width_px >= 10 for t in titles)

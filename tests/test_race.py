"""rnn_notebook.race: the live race of notebook 13, run here on a tiny model, without a notebook."""

import os
import shlex
import signal
from pathlib import Path

import numpy as np
import pytest

import rnn_lib
from rnn_lib import cli
from rnn_notebook.race import RACE_COMMAND, RECIPE, Crossing, Race, race_button, race_config, race_figure

ROOT = Path(__file__).resolve().parent.parent
TEXT = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))[:30_000]
PNG = b"\x89PNG\r\n\x1a\n"


def tiny(**changes):
    """The race's recipe on a model small enough for a test: 5 steps between validation passes."""
    settings = {"layers": 1, "hidden_size": 16, "batch_size": 8, "seq_length": 20, "threads": 1}
    settings.update(lr_decay_seconds=0, eval_every=5, eval_chars=1000)
    return race_config(**{**settings, **changes})


def test_the_recipe_is_the_one_of_the_readme():
    config = race_config()
    assert {k: getattr(config, k) for k in RECIPE} == RECIPE
    assert (config.cell, config.layers, config.hidden_size, config.threads) == ("gru", 2, 256, 2)
    # the command line gives the same configuration, and the README shows that command
    words = shlex.split(RACE_COMMAND.replace("\\\n", " "))
    args = cli.build_parser().parse_args(words[3:])
    assert cli.train_config(args) == config and args.seconds == 180
    assert RACE_COMMAND in (ROOT / "checkpoints" / "README.md").read_text(encoding="utf-8")


def test_the_figure_is_redrawn_at_every_validation_pass():
    shown, said = [], []
    race = Race(TEXT, goal=0.5, config=tiny(), show=shown.append, say=said.append).run(steps=20)
    assert race.trainer.step == 20 and race.trainer.history.val_step == [5, 10, 15, 20]
    assert len(shown) == 4 + 1  # one per pass, and the last picture
    assert all(png.startswith(PNG) for png in shown)
    assert race.crossing is None and said == [race.message]
    assert race.message.startswith("Race over") and "not below the 7-gram (0.5000" in race.message


def test_a_crossing_is_recorded_at_the_first_pass_below_the_goal():
    said = []
    race = Race(TEXT, goal=100.0, config=tiny(), say=said.append).run(steps=10)
    h = race.trainer.history
    assert race.crossing == Crossing(5, h.val_seconds[0], h.val_nats[0])
    assert len(said) == 2 and said[0].startswith("Below the 7-gram after") and "(step 5)" in said[0]
    assert "below the 7-gram (100.0000 nats/char) from" in race.message


def test_a_goal_between_two_passes_is_crossed_at_the_later_one():
    first = Race(TEXT, goal=0.0, config=tiny(), say=lambda m: None).run(steps=20).trainer.history.val_nats
    assert first[-1] < first[0]  # the tiny model learns: a goal between them is crossed, not at the first pass
    goal = (first[0] + first[-1]) / 2
    race = Race(TEXT, goal=goal, config=tiny(), say=lambda m: None).run(steps=20)
    k = next(k for k, v in enumerate(first) if v < goal)
    assert k > 0 and race.crossing is not None and race.crossing.step == 5 * (k + 1)


@pytest.mark.parametrize("threads", [1, 2])
def test_a_keyboard_interrupt_ends_the_race_with_a_message_and_keeps_the_trainer(threads):
    kept = {}

    def show(png):
        if race.trainer.step == 10 and not kept:
            kept.update({k: v.copy() for k, v in race.trainer.params.items()})
            raise KeyboardInterrupt  # as the kernel's stop button would, in the middle of a redraw

    said = []
    race = Race(TEXT, goal=0.5, config=tiny(threads=threads), show=show, say=said.append)
    race.run(steps=40)  # no exception
    t = race.trainer
    assert t.step == 10 and t.history.val_step == [5, 10] and t.stop_reason.startswith("interrupted")
    assert all(np.array_equal(t.params[k], v) for k, v in kept.items()) and kept
    assert race.message.startswith("Race stopped (interrupted") and "keeps what it learned" in race.message
    assert said == [race.message]
    t.run(steps=5)  # what it learned is still there, and it trains on
    assert t.step == 15 and t.history.val_step == [5, 10, 15]


def test_a_stop_signal_ends_the_race_after_the_current_step():
    def show(png):
        if race.trainer.step == 5:
            os.kill(os.getpid(), signal.SIGINT)  # the kernel's stop button sends this

    race = Race(TEXT, goal=0.5, config=tiny(), show=show, say=lambda m: None)
    race.run(steps=40)
    assert race.trainer.step == 5 and race.trainer.stop_reason == "interrupted (Ctrl-C)"
    assert "Race stopped" in race.message


def test_the_figure_shows_the_goal_the_curve_and_the_crossing():
    race = Race(TEXT, goal=100.0, config=tiny(), say=lambda m: None).run(steps=10)
    fig = race.figure()
    ax = fig.axes[0]
    curve = [line for line in ax.lines if line.get_label().startswith("GRU")]
    assert [list(line.get_ydata()) for line in curve] == [race.trainer.history.val_nats]
    goal_lines = [line for line in ax.lines if list(line.get_ydata()) == [100.0, 100.0]]
    crossing_lines = [line for line in ax.lines if list(line.get_xdata()) == [race.crossing.seconds] * 2]
    assert goal_lines and crossing_lines and ax.get_xlim()[1] >= race.seconds
    assert race.png().startswith(PNG)
    empty = race_figure(rnn_lib.History(), goal=1.5, seconds=180)
    assert len(empty.axes[0].lines) == 1  # the goal alone


def test_a_race_needs_validation_passes():
    with pytest.raises(ValueError, match="eval_every"):
        Race(TEXT, goal=1.5, config=tiny(eval_every=0))


def test_the_button_runs_a_race_and_a_static_view_says_how_to_run_it():
    widgets = pytest.importorskip("ipywidgets")
    box = race_button(TEXT, 1.5, config=tiny(), seconds=1.0)
    button, status, image = box.children
    assert isinstance(button, widgets.Button) and button.description == "Start the 3-minute race"
    bundle = box._repr_mimebundle_()
    for mime in ("text/plain", "text/html"):
        assert "run_race(text, ngram_val" in bundle[mime] and "--cell gru --layers 2" in bundle[mime]
    assert bundle["text/plain"] == box._repr_mimebundle_()["text/plain"]  # the same on every run
    empty = image.value
    button.click()
    race = box.races[-1]
    assert race.trainer.step > 0 and race.trainer.stop_reason == "reached 1 seconds"
    assert bytes(image.value) != bytes(empty) and bytes(image.value).startswith(PNG) and not button.disabled
    assert "Race over" in status.value

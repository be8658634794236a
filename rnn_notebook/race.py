"""The race of notebook 13: a recurrent network trained from scratch, live, against the 7-gram.

A :class:`Race` trains a :class:`rnn_lib.Trainer` and, at every validation pass of the run (the
trainer's ``"eval"`` event), redraws one figure: validation loss (nats/char) against seconds of
training, with the goal (the 7-gram's validation loss on the same held-out split) as a horizontal
line. The first pass below the goal is marked on the figure and announced. Three ways to run it:

- :func:`race_button`: an ipywidgets button, "Start the 3-minute race", above a status line and the
  live figure. Where no widget front end runs (a static view of the notebook, ipywidgets missing),
  the output says how to run the race instead (:func:`run_race` in a cell, or the command line).
- :func:`run_race`: the same in a notebook cell without widgets; the figure under the cell is
  updated in place (an IPython display handle), the messages are printed.
- :data:`RACE_COMMAND`: the command line of ``checkpoints/README.md``, for a terminal.

The recipe is :func:`race_config`: a GRU of 2 layers of 256 units, batches of 64 streams of 50
characters on 2 threads, Adam from 0.008 down a cosine to 0.00001 over the first 150 s of
training, a validation pass over the whole held-out split every 100 steps. How long it takes to
cross depends on the machine: ``benchmarks/bench_race.py`` measures it, ``checkpoints/README.md``
records the measurements.

Stopping: the kernel's stop button (or Ctrl-C, SIGTERM) ends the race after the current step with
a message, not a traceback; ``race.trainer`` keeps what it learned (parameters, Adam memory,
history), so it can be sampled, evaluated, saved or run on.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from rnn_lib import History, TrainConfig, Trainer, TrainingDiverged

__all__ = [
    "RACE_COMMAND",
    "RACE_SECONDS",
    "RECIPE",
    "Crossing",
    "Race",
    "race_button",
    "race_config",
    "race_figure",
    "run_race",
]

RACE_SECONDS = 180.0  # the race's length: 3 minutes of training, validation passes included

# the recipe of checkpoints/README.md, section "The race", as TrainConfig fields
RECIPE = {
    "cell": "gru",
    "layers": 2,
    "hidden_size": 256,
    "batch_size": 64,
    "seq_length": 50,
    "optimizer": "adam",
    "learning_rate": 0.008,
    "min_learning_rate": 0.00001,
    "lr_decay_seconds": 150.0,
    "threads": 2,
    "eval_every": 100,
    "eval_chars": 0,
    "sample_every": 0,
    "seed": 0,
}

# the same run from a terminal (the repository root); tests/test_race.py checks that it parses to race_config()
RACE_COMMAND = r"""python -m rnn_lib train --cell gru --layers 2 --hidden-size 256 --batch-size 64 --seq-length 50 \
    --optimizer adam --learning-rate 0.008 --min-learning-rate 0.00001 --lr-decay-seconds 150 \
    --threads 2 --seconds 180 --eval-every 100 --eval-chars 0 --sample-every 0 --seed 0 \
    --checkpoint runs/race_gru.npz --overwrite"""

_GRU_COLOUR = "tab:green"  # the GRU's colour in notebook 13's figures; the 7-gram is black and dashed


def race_config(**changes) -> TrainConfig:
    """The race's :class:`~rnn_lib.TrainConfig` (:data:`RECIPE`), with ``changes`` to any of its fields.

    E.g. ``race_config(seed=1)`` for another initialisation, or a run bounded by steps instead of
    seconds: ``race_config(lr_decay_seconds=0, lr_decay_steps=60, eval_every=20)``.
    """
    return TrainConfig(**{**RECIPE, **changes})


@dataclass(frozen=True)
class Crossing:
    """The first validation pass below the goal: after ``step`` updates and ``seconds`` of training."""

    step: int
    seconds: float
    nats: float


def race_figure(history, goal: float, crossing: Crossing | None = None, seconds: float | None = None, title=None):
    """The race's figure: validation nats/char against seconds of training, and the goal line.

    Parameters
    ----------
    history : rnn_lib.History
        Its ``val_seconds`` and ``val_nats`` are drawn (none yet: an empty race).
    goal : float
        The 7-gram's validation loss, drawn as a horizontal dashed line.
    crossing : Crossing, optional
        Marked with a vertical dotted line and a label.
    seconds : float, optional
        The race's length: the x axis runs to it (else to the last point).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot (nothing is shown inline): pass it to :func:`figure_png`.
    """
    from matplotlib.figure import Figure

    xs, ys = list(history.val_seconds), list(history.val_nats)
    fig = Figure(figsize=(9, 4.5))
    ax = fig.subplots()
    if xs:
        ax.plot(xs, ys, "o-", color=_GRU_COLOUR, label="GRU 2x256: validation loss")
    ax.axhline(goal, color="k", ls="--", lw=1.5, label=f"7-gram: {goal:.4f}")
    if crossing is not None:
        ax.axvline(crossing.seconds, color="tab:gray", ls=":", lw=1.5)
        ax.plot([crossing.seconds], [crossing.nats], "*", color="k", markersize=16, zorder=5)
        ax.annotate(
            f"below the 7-gram\nafter {crossing.seconds:.0f} s",
            (crossing.seconds, crossing.nats),
            xytext=(8, 24),
            textcoords="offset points",
        )
    right = max([seconds or 0.0, *xs, 1.0])
    top = max([goal + 0.5, *(y + 0.05 for y in ys)])
    ax.set(
        xlim=(0, right * 1.02),
        ylim=(min(1.4, goal - 0.1), top),
        xlabel="seconds of training (validation passes included)",
        ylabel="validation loss (nats/char)",
        title=title or "A GRU trained from scratch against the 7-gram",
    )
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def _png(fig) -> bytes:
    from .widgets import figure_png

    return figure_png(fig, close=False)  # a pyplot-free Figure: nothing to close


class Race:
    """One race: a :class:`rnn_lib.Trainer` on ``text`` with the race's figure redrawn at each validation.

    Parameters
    ----------
    text : str
        The corpus (tiny Shakespeare); the trainer holds out its last 10% for validation, the split
        the goal must have been measured on.
    goal : float
        The validation loss to beat, in nats/char: the 7-gram's on the same held-out split.
    config : rnn_lib.TrainConfig, optional
        Default :func:`race_config`; needs ``eval_every`` > 0 (the race is watched at validation passes).
    seconds : float
        The race's length, for the figure's x axis and :meth:`run`'s default.
    show : callable, optional
        ``show(png_bytes)`` at every validation pass and at the end (e.g. set an Image widget's value);
        None: no figure while training.
    say : callable
        ``say(message)`` for the crossing and the final message (default ``print``).

    Attributes
    ----------
    trainer : rnn_lib.Trainer
        Keeps what it learned whether the race ends, is stopped or diverges.
    crossing : Crossing or None
        The first validation pass below ``goal``.
    message : str or None
        How the race ended, once :meth:`run` returned.
    """

    def __init__(
        self,
        text: str,
        goal: float,
        config: TrainConfig | None = None,
        seconds: float = RACE_SECONDS,
        show=None,
        say=print,
    ):
        config = config or race_config()
        if not config.eval_every:
            raise ValueError("a race is watched at validation passes: give the config an eval_every above 0")
        self.goal = float(goal)
        self.seconds = float(seconds)
        self.show = show
        self.say = say
        self.crossing: Crossing | None = None
        self.message: str | None = None
        self.trainer = Trainer(text, config, callbacks=[self.on_event], progress=False)

    def on_event(self, trainer, event: str) -> None:
        """The trainer's callback: at each ``"eval"``, record a crossing and redraw."""
        if event != "eval":
            return
        h = trainer.history
        if self.crossing is None and h.val_nats[-1] < self.goal:
            self.crossing = Crossing(trainer.step, h.val_seconds[-1], h.val_nats[-1])
            self.say(
                f"Below the 7-gram after {self.crossing.seconds:.0f} s of training (step {self.crossing.step:,}): "
                f"{self.crossing.nats:.4f} < {self.goal:.4f} nats/char"
            )
        if self.show is not None:
            self.show(self.png())

    def figure(self):
        """The race's figure now (:func:`race_figure`)."""
        t = self.trainer
        title = f"GRU {t.config.layers}x{t.config.hidden_size} against the 7-gram: step {t.step:,}, {t.seconds:.0f} s"
        return race_figure(t.history, self.goal, self.crossing, self.seconds, title=title)

    def png(self) -> bytes:
        """The race's figure now, as PNG bytes."""
        return _png(self.figure())

    def run(self, seconds: float | None = None, steps: int | None = None) -> Race:
        """Train until ``seconds`` (default: the race's length) or ``steps``, or a stop; returns the race.

        A stop (the kernel's stop button, Ctrl-C, SIGTERM, or ``KeyboardInterrupt`` from a callback)
        ends the race after the current step with a message; a diverging run ends it with the error's
        message. In every case ``self.trainer`` keeps its parameters, optimiser memory and history.
        """
        if seconds is None and steps is None:
            seconds = self.seconds
        t = self.trainer
        try:
            try:
                t.run(steps=steps, seconds=seconds)
            except TrainingDiverged as exc:
                t.stop_reason = f"diverged: {exc}"
            self.message = self.summary()
            self.say(self.message)
            if self.show is not None:
                self.show(self.png())
        except KeyboardInterrupt:  # a stop outside the trainer's run (while drawing the last figure)
            t.stop_reason = t.stop_reason or "interrupted"
            self.message = self.summary()
            self.say(self.message)
        return self

    def summary(self) -> str:
        """One paragraph on how the race went: the crossing, or why there was none, and how it ended."""
        t, h = self.trainer, self.trainer.history
        reason = t.stop_reason or "not run"
        stopped = reason.startswith(("interrupted", "diverged"))
        head = f"Race stopped ({reason})" if stopped else "Race over"
        where = f"after {t.seconds:.0f} s of training, {t.step:,} steps"
        if self.crossing is not None:
            c = self.crossing
            result = f"below the 7-gram ({self.goal:.4f} nats/char) from {c.seconds:.0f} s on (step {c.step:,})"
        elif h.val_nats:
            result = (
                f"not below the 7-gram ({self.goal:.4f} nats/char): last validation {h.val_nats[-1]:.4f} "
                f"at {h.val_seconds[-1]:.0f} s"
            )
        else:
            result = "no validation pass yet"
        last = f"; last validation {h.val_nats[-1]:.4f} nats/char" if self.crossing is not None else ""
        keep = "; the race's trainer keeps what it learned" if stopped else ""
        return f"{head} {where}: {result}{last}{keep}."


def _live_display():
    """``show(png)`` drawing under the current notebook cell and updating it in place; None outside IPython."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    handle = None

    def show(png: bytes) -> None:
        nonlocal handle
        if handle is None:
            handle = display(Image(data=png, format="png"), display_id=True)
        else:
            handle.update(Image(data=png, format="png"))

    return show


def run_race(
    text: str,
    goal: float,
    config: TrainConfig | None = None,
    seconds: float | None = RACE_SECONDS,
    steps: int | None = None,
    live: bool = True,
) -> Race:
    """Run the race in a notebook cell, no widgets needed; returns the :class:`Race`.

    ``live``: redraw the figure under the cell at each validation pass (in IPython; elsewhere only the
    messages are printed). ``steps``: end after that many steps instead (with ``seconds=None``), or
    whichever comes first. The kernel's stop button ends the race with a message.
    """
    race = Race(text, goal, config, seconds=seconds or RACE_SECONDS, show=_live_display() if live else None)
    return race.run(seconds=seconds, steps=steps)


def race_button(
    text: str,
    goal: float,
    config: TrainConfig | None = None,
    seconds: float = RACE_SECONDS,
    description: str = "Start the 3-minute race",
):
    """A button that starts a :class:`Race`, a status line and the live figure, in one box to display.

    Each click runs a new race with ``config`` (default :func:`race_config`); the last one is
    ``box.races[-1]`` (its ``trainer`` keeps what it learned). Where no widget front end runs, the
    output shows how to run the race without widgets instead, and the empty race's figure; without
    ipywidgets, this returns an object that shows just that.
    """
    help_text = _how_to_run(seconds)
    empty = _png(race_figure(History(), goal, seconds=seconds, title="The race: press the button to start"))
    try:
        import ipywidgets as widgets
    except ImportError:
        return _Instructions(help_text)
    from .widgets import box_with_fallback

    button = widgets.Button(description=description, button_style="success", layout=widgets.Layout(width="auto"))
    status = widgets.HTML(value=_pre(["Ready: the race takes about 3 minutes and keeps the kernel busy."]))
    image = widgets.Image(value=empty, format="png")
    races: list[Race] = []

    def on_click(_button):
        button.disabled = True
        lines = [f"Training a GRU from scratch for {seconds:.0f} s (the kernel's stop button ends it) ..."]
        status.value = _pre(lines)

        def say(message):
            lines.append(message)
            status.value = _pre(lines)

        try:
            race = Race(text, goal, config, seconds=seconds, show=lambda png: setattr(image, "value", png), say=say)
            races.append(race)
            race.run(seconds=seconds)
        except KeyboardInterrupt:  # a stop before the race began (while the trainer was being set up)
            say("Stopped before the race began.")
        except Exception as exc:  # shown in the box: a button's errors would otherwise go to a hidden log
            say(f"{type(exc).__name__}: {exc}")
        finally:
            button.disabled = False

    button.on_click(on_click)
    box = box_with_fallback(
        [button, status, image],
        help_text,
        png=lambda: empty,
        html=lambda: _pre(help_text.split("\n")),
    )
    box.races = races
    return box


def _pre(lines) -> str:
    return f"<pre>{html.escape(chr(10).join(lines))}</pre>"


def _how_to_run(seconds: float) -> str:
    return (
        f'The live race: a button, "Start the 3-minute race", and a figure redrawn at each validation pass '
        f"(needs a running kernel with ipywidgets).\n"
        f"Without widgets, run it in a cell, with the figure updated under it:\n\n"
        f"    from rnn_notebook.race import run_race\n"
        f"    race = run_race(text, ngram_val, seconds={seconds:.0f})\n\n"
        f"The kernel's stop button ends it; race.trainer keeps what it learned. Or from a terminal, "
        f"in the repository root:\n\n" + "\n".join("    " + line for line in RACE_COMMAND.split("\n"))
    )


class _Instructions:
    """What :func:`race_button` returns without ipywidgets: shows how to run the race."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return _pre(self.text.split("\n"))

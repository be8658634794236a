"""A "Train 30 s more" button for a trainer that a notebook has already run (notebook 06).

Pressing the button continues training the same :class:`rnn_lib.Trainer` (its parameters, Adagrad
memory, history and step counter carry on) for a number of seconds, redrawing the loss curves and a
sample of the model while it trains. nbval cannot press a button, so the work is done by plain
callables a notebook can run for a few steps and check: :func:`train_more` (the training) and
:meth:`TrainMorePanel.train` (the training plus the redrawing, what the button calls).

ipywidgets and matplotlib are imported lazily, when a panel is made.

Dimension letters: V vocabulary size, H hidden size, T time steps.
"""

from __future__ import annotations

import html
import time

__all__ = ["train_more", "status_line", "TrainMorePanel"]


def train_more(trainer, seconds: float | None = None, steps: int | None = None, on_update=None, every_seconds=2.0):
    """Continue training ``trainer`` for ``seconds`` more seconds or ``steps`` more steps, whichever comes first.

    Parameters
    ----------
    trainer : rnn_lib.Trainer
        Trained on from where it stands: ``trainer.run`` continues its step counter and history.
    seconds, steps : float, int, optional
        At least one of them (as for ``Trainer.run``).
    on_update : callable, optional
        ``on_update(trainer)``, called when a history point is added and at least ``every_seconds`` of
        wall time have passed since the start or the last call, and once more at the end.
    every_seconds : float
        The shortest time between two calls of ``on_update`` during the run.

    Returns
    -------
    dict
        ``steps`` and ``points``: (before, after) pairs of ``trainer.step`` and of the number of
        history points; ``stop_reason``: ``trainer.stop_reason``.

    The trainer's own callbacks and progress bar are set aside during the call and restored after it,
    so that a callback of an earlier cell (a live plot, printed samples) does not draw into this one.
    """
    if seconds is None and steps is None:
        raise ValueError("give seconds or steps (or both): training needs an end")
    step_before, points_before = trainer.step, len(trainer.history.step)
    last_update = [time.perf_counter()]

    def callback(tr, event):
        if on_update is None:
            return
        now = time.perf_counter()
        if event == "end" or (event == "log" and now - last_update[0] >= every_seconds):
            on_update(tr)
            last_update[0] = now

    kept = trainer.callbacks, trainer.progress
    trainer.callbacks, trainer.progress = [callback], False
    try:
        trainer.run(steps=steps, seconds=seconds)
    finally:
        trainer.callbacks, trainer.progress = kept
    return {
        "steps": (step_before, trainer.step),
        "points": (points_before, len(trainer.history.step)),
        "stop_reason": trainer.stop_reason,
    }


def status_line(trainer) -> str:
    """Where training stands: the step, the seconds, and the last training and validation points of the
    history (nats/char), or that there is none yet."""
    h = trainer.history
    points = [
        f"last {what} point {values[-1]:.3f} nats/char" if values else f"no {what} point yet"
        for what, values in (("training", h.train_nats), ("validation", h.val_nats))
    ]
    return f"step {trainer.step:,}, {trainer.seconds:.0f} s of training; " + ", ".join(points)


class TrainMorePanel:
    """A button that trains ``trainer`` for ``seconds`` more, above its loss curves and a sample.

    Parameters
    ----------
    trainer : rnn_lib.Trainer
    draw : callable
        ``draw(ax, history)`` draws the loss curves of a ``rnn_lib.History`` into a matplotlib Axes
        (notebook 06's ``draw_losses``); the panel adds a title with the step and the seconds.
    seconds : float
        How long one press trains.
    sample_length : int
        Characters of the sample shown under the curves, drawn with ``trainer.sample``.
    every_seconds : float
        The shortest time between two redraws while training.
    figsize : (float, float)

    Attributes
    ----------
    button, status, image, sample_view : ipywidgets
        The button, a line saying where training stands, the PNG of the curves, the sample (HTML).
    sample_text : str
        The sample shown.
    redraws : int
        How often the view has been redrawn.
    """

    def __init__(
        self, trainer, draw, seconds: float = 30.0, sample_length: int = 200, every_seconds=2.0, figsize=(10, 5)
    ):
        import ipywidgets as widgets

        if not seconds > 0:
            raise ValueError(f"seconds must be positive, got {seconds!r}")
        self.trainer, self.draw, self.seconds = trainer, draw, seconds
        self.sample_length, self.every_seconds, self.figsize = sample_length, every_seconds, figsize
        self.button = widgets.Button(
            description=f"Train {seconds:g} s more",
            icon="play",
            button_style="primary",
            layout=widgets.Layout(width="auto"),
        )
        self.status = widgets.Label()
        self.image = widgets.Image(format="png")
        self.sample_view = widgets.HTML()
        self.sample_text = ""
        self.redraws = 0
        self.button.on_click(lambda _button: self.train(seconds=self.seconds))
        # drawn by the first train() or widget(), whichever comes first: a notebook that checks train()
        # before showing the button draws once, not twice

    def figure(self):
        """A new matplotlib Figure of the trainer's loss curves (not managed by pyplot: nothing shows inline)."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=self.figsize)
        ax = fig.add_subplot()
        self.draw(ax, self.trainer.history)
        ax.set_title(f"step {self.trainer.step:,}: {self.trainer.seconds:.0f} s of training")
        fig.tight_layout()
        return fig

    def refresh(self, _trainer=None) -> None:
        """Redraw the curves, draw a new sample and update the status line."""
        from rnn_notebook.widgets import figure_png

        t = self.trainer
        self.image.value = figure_png(self.figure(), close=False)
        self.sample_text = t.sample(self.sample_length)
        self.sample_view.value = (
            f"<b>sample at step {t.step:,}</b>"
            f"<pre style='white-space:pre-wrap; font-size:14px'>{html.escape(self.sample_text)}</pre>"
        )
        self.status.value = status_line(t)
        self.redraws += 1

    def train(self, seconds: float | None = None, steps: int | None = None) -> dict:
        """Train more (what the button does, with ``seconds=self.seconds``), redrawing as it goes.

        Returns :func:`train_more`'s summary. The button is disabled while training, so that a second
        press cannot queue another run; Ctrl-C (the interrupt button) stops after the current step.
        """
        self.button.disabled = True
        self.status.value = f"training from step {self.trainer.step:,} ..."
        try:
            return train_more(
                self.trainer, seconds=seconds, steps=steps, on_update=self.refresh, every_seconds=self.every_seconds
            )
        finally:
            self.button.disabled = False

    def widget(self):
        """The button, status line, curves and sample in one box, with a still view for static copies.

        Where no kernel runs (GitHub, nbviewer, an export), the output shows the curves as they were
        when the box was displayed, and a sentence saying what the button does.
        """
        import ipywidgets as widgets

        from rnn_notebook.widgets import box_with_fallback

        text = (
            f"Interactive: the button 'Train {self.seconds:g} s more' continues training this model for "
            f"{self.seconds:g} seconds, redrawing its loss curves and a sample (needs a running kernel). "
            f"Shown here: the curves when the notebook was run."
        )
        if not self.redraws:
            self.refresh()
        return box_with_fallback(
            [widgets.HBox([self.button, self.status]), self.image, self.sample_view], text, png=lambda: self.image.value
        )

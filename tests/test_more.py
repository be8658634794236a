"""The "Train 30 s more" button of notebook 06 (rnn_notebook/more.py), without a browser.

Dimension letters: V vocabulary size, H hidden size, T time steps (seq_length), B streams.
"""

import numpy as np
import pytest
from test_train import TEXT, config  # the same tiny corpus and run settings

from rnn_lib.training import Trainer
from rnn_notebook.more import TrainMorePanel, status_line, train_more

PNG = b"\x89PNG\r\n\x1a\n"


def small_trainer(**overrides):
    """The tiny float64 Adagrad run of tests/test_train.py, logging every second step."""
    return Trainer(TEXT, config(**{"log_every": 2, **overrides}), progress=False)


def draw(ax, history):
    ax.plot(history.step, history.train_nats)


def test_train_more_continues_the_step_counter_and_the_history():
    trainer = small_trainer().run(steps=7)  # 3 history points, one step of a 4th pending
    result = train_more(trainer, steps=5)
    assert result == {"steps": (7, 12), "points": (3, 6), "stop_reason": "reached step 12"}
    assert trainer.history.step == [2, 4, 6, 8, 10, 12]


def test_train_more_is_the_same_as_one_longer_run():
    a = small_trainer().run(steps=6)
    train_more(a, steps=6)
    b = small_trainer().run(steps=12)
    assert a.history.train_nats == b.history.train_nats
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


def test_train_more_sets_the_trainers_callbacks_aside_and_restores_them():
    seen, updates = [], []
    trainer = small_trainer()
    trainer.callbacks, trainer.progress = [lambda tr, event: seen.append(event)], True
    train_more(trainer, steps=4, on_update=lambda tr: updates.append(tr.step), every_seconds=0)
    assert seen == [] and trainer.progress is True and len(trainer.callbacks) == 1
    assert updates == [2, 4, 4]  # every history point (every_seconds=0), then once at the end


def test_train_more_by_seconds_and_its_errors():
    trainer = small_trainer()
    result = train_more(trainer, seconds=0.05)
    assert result["stop_reason"] == "reached 0.05 seconds" and result["steps"][1] > 0
    with pytest.raises(ValueError, match="seconds or steps"):
        train_more(trainer)


def test_an_update_that_fails_leaves_the_trainer_as_it_was():
    trainer = small_trainer()
    kept = trainer.callbacks

    def broken(tr):
        raise RuntimeError("drawing failed")

    with pytest.raises(RuntimeError, match="drawing failed"):
        train_more(trainer, steps=4, on_update=broken, every_seconds=0)
    assert trainer.callbacks is kept and trainer.progress is False


def test_the_panel_trains_redraws_and_shows_a_still_view():
    pytest.importorskip("ipywidgets")
    trainer = small_trainer().run(steps=4)
    panel = TrainMorePanel(trainer, draw, seconds=0.05, sample_length=30, every_seconds=0)
    assert panel.redraws == 0  # nothing drawn until it trains or is shown
    result = panel.train(steps=6)
    assert result["steps"] == (4, 10) and not panel.button.disabled
    assert panel.redraws == 3 + 1  # 3 new history points (every_seconds=0), then the end
    assert bytes(panel.image.value).startswith(PNG)
    assert len(panel.sample_text) == 30 and "sample at step 10" in panel.sample_view.value
    assert "step 10," in panel.status.value
    bundle = panel.widget()._repr_mimebundle_()
    assert panel.redraws == 4  # already drawn: shown as it is
    assert "needs a running kernel" in bundle["text/plain"] and "Train 0.05 s more" in bundle["text/plain"]
    assert "image/png" in bundle


def test_a_panel_shown_before_training_draws_the_curves_so_far():
    pytest.importorskip("ipywidgets")
    trainer = small_trainer().run(steps=4)
    panel = TrainMorePanel(trainer, draw, seconds=0.05)
    bundle = panel.widget()._repr_mimebundle_()
    assert panel.redraws == 1 and "step 4," in panel.status.value and "image/png" in bundle


def test_pressing_the_button_trains_for_its_seconds():
    pytest.importorskip("ipywidgets")
    trainer = small_trainer()
    panel = TrainMorePanel(trainer, draw, seconds=0.05, every_seconds=10)
    panel.button.click()
    assert trainer.stop_reason == "reached 0.05 seconds" and trainer.step > 0
    assert panel.redraws == 1 and f"step {trainer.step:,}," in panel.status.value  # at the end


def test_the_panel_needs_a_positive_time():
    pytest.importorskip("ipywidgets")
    with pytest.raises(ValueError, match="positive"):
        TrainMorePanel(small_trainer(), draw, seconds=0)


def test_the_status_line_before_and_after_the_first_points():
    trainer = small_trainer()
    assert status_line(trainer) == "step 0, 0 s of training; no training point yet, no validation point yet"
    trainer.run(steps=2)
    line = status_line(trainer)
    assert f"last training point {trainer.history.train_nats[-1]:.3f} nats/char" in line
    assert "no validation point yet" in line and "nan" not in line
    evaluated = small_trainer(eval_every=2, eval_chars=20).run(steps=4)
    assert f"last validation point {evaluated.history.val_nats[-1]:.3f} nats/char" in status_line(evaluated)


def test_a_panel_on_an_untrained_model_says_so():
    pytest.importorskip("ipywidgets")
    panel = TrainMorePanel(small_trainer(), draw, seconds=0.05)
    panel.widget()
    assert "no training point yet" in panel.status.value and "nan" not in panel.status.value

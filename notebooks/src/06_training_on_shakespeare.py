# %% [markdown] slideshow={"slide_type": "slide"}
# # 06 · Training on Shakespeare
#
# **What you will learn**
#
# - how to load a real corpus (tiny Shakespeare, about a million characters) and hold out part of it
#   to measure how well the model *generalises*;
# - two reference lines every loss curve should be compared with: guessing uniformly, and a table of
#   character-pair counts (a bigram model);
# - how to train the RNN with `rnn_lib` while watching the loss curve and the generated text change;
# - what the gist's printed `loss` means, how to read a learner's "loss 42.9 after 630k iterations",
#   and what a training loss cannot tell you;
# - where the gist's `while True` loop stops (never), and how a training run here stops: after a
#   number of steps, after a number of seconds, or on Ctrl-C, without losing anything;
# - what a longer run reaches, measured on held-out text, and what its samples look like.
#
# **Prerequisites:** notebooks 01–05 (the forward pass, softmax and cross-entropy, backpropagation
# through time, Adagrad and clipping, initialisation), which built what `rnn_lib` does in one training step.
#
# **Time:** about 60 minutes; the notebook runs in under a minute, 25 seconds of which are training.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Setup
#
# The series' standard first cell, then the standard-library modules this notebook uses: `time` paces
# the live plot, `os` and `signal` press Ctrl-C from code, `re` finds speaker lines in a sample,
# `tempfile` gives a scratch folder for a checkpoint, `subprocess` runs the command line tool, and
# `display`/`HTML` show figures and tables.

# %% slideshow={"slide_type": "fragment"}
import matplotlib.pyplot as plt
import numpy as np

import rnn_lib
from rnn_notebook.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()
_ = rnn_lib.blas_threads(1)  # numpy's matrix-product library (BLAS) on one thread: fastest for these small matrices

# %% slideshow={"slide_type": "fragment"}
import html
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from IPython.display import HTML, display

LN2 = rnn_lib.LN2  # ln 2: nats / LN2 = bits

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The corpus: tiny Shakespeare
#
# `data/tinyshakespeare.txt` is a single file of about a million characters taken from Shakespeare's
# plays: speaker names in capitals, each followed by a colon and a speech. It comes from Karpathy's
# char-rnn project, where it showed what character-level models can learn. The vocabulary is built as
# in notebook 01: every distinct character, in sorted order.
#
# **Expected:** a little over 1.1 million characters and a vocabulary of 65 characters (newline,
# space, punctuation, `3`, and the upper- and lower-case letters).

# %% slideshow={"slide_type": "fragment"}
text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
vocab = rnn_lib.CharVocab.from_text(text)
V = len(vocab)
print(f"{len(text):,} characters, {len(text.split()):,} words, {text.count(chr(10)):,} lines")
print(f"vocabulary: {V} characters: {''.join(vocab.chars)!r}")
assert V == 65

# %% [markdown] slideshow={"slide_type": "fragment"}
# The opening of the file:

# %% slideshow={"slide_type": "fragment"}
print(text[:300])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Holding out a validation split
#
# The training loss says how well the model predicts text it is trained on. A big enough model could
# drive that loss down by memorising the text, and it would then be useless on anything new. To
# measure what we actually care about, predicting *unseen* Shakespeare, we keep part of the text
# away from training and only ever evaluate on it: the **validation split**.
#
# - We hold out the **last 10%** as one contiguous block. Picking random characters instead would not
#   work: a held-out character's neighbours would all be in the training data.
# - Training never touches the validation split; it only tells us where we stand. If the training
#   loss keeps falling while the validation loss rises, the model has started to memorise
#   (*overfitting*).
#
# `rnn_lib.split_ids` does the split (the `Trainer` calls it too). **Expected:** 90% / 10% of the
# characters, and the two parts together are the whole text.

# %% slideshow={"slide_type": "fragment"}
ids = vocab.encode(text)
train_ids, val_ids = rnn_lib.split_ids(ids, val_fraction=0.1, seq_length=25)
print(f"training:   {len(train_ids):>9,} characters ({len(train_ids) / len(ids):.1%})")
print(f"validation: {len(val_ids):>9,} characters ({len(val_ids) / len(ids):.1%}), starting with:")
print(vocab.decode(val_ids[:120]))
assert np.array_equal(np.concatenate([train_ids, val_ids]), ids)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Two reference lines
#
# A loss value means little on its own. Two cheap models tell us what "bad" and "easy" look like.
#
# **Uniform guess.** A model that knows nothing gives each of the $V$ characters probability $1/V$,
# so its cross-entropy is $-\ln(1/V) = \ln V$ nats per character, whatever the text. This is also
# where our RNN starts: its small initial weights give almost uniform predictions (notebook 05).
#
# **Bigram counts.** Predict the next character from the current one only, with probabilities read
# off a table of counts: $P(b \mid a) = \dfrac{n(a\,b) + 1}{n(a) + V}$, where $n(a\,b)$ counts how
# often $b$ follows $a$ in the training split. The $+1$ (add-one smoothing) keeps pairs that never
# occur in training from getting probability 0, which would make the loss infinite on validation.
#
# **Expected:** uniform $\ln 65 \approx 4.17$ nats/char; the bigram table far lower, around 2.5, and a
# little worse on the validation split than on the training split it was counted on. (Section 7
# counts a second table the same way, so the counting is a function.)

# %% slideshow={"slide_type": "fragment"}
uniform_nats = math.log(V)


def bigram_table(ids):
    """P[a, b] = P(next char b | current char a): add-one smoothed pair counts of ids, shape (V, V)."""
    counts = np.zeros((V, V))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)   # row: current char, column: next char
    return (counts + 1) / (counts + 1).sum(axis=1, keepdims=True)


def bigram_nats(P, ids):
    """Mean -ln P(next | current) over a text under the table P, in nats per character."""
    return -np.log(P[ids[:-1], ids[1:]]).mean()


P_next = bigram_table(train_ids)
bigram_train, bigram_val = bigram_nats(P_next, train_ids), bigram_nats(P_next, val_ids)
for name, nats in [("uniform", uniform_nats), ("bigram, training split", bigram_train),
                   ("bigram, validation split", bigram_val)]:
    print(f"{name:<26} {nats:.3f} nats/char = {nats / LN2:.3f} bits/char")
BASELINES = {f"uniform, ln {V}": uniform_nats, "bigram counts (validation)": bigram_val}
assert np.allclose(P_next.sum(axis=1), 1)
assert bigram_train < bigram_val < uniform_nats and abs(bigram_val - 2.5) < 0.1

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Nats or bits?** Same quantity, different logarithm: nats use $\ln$, bits use $\log_2$, and
# $1 \text{ nat} = 1/\ln 2 \approx 1.443$ bits. A bits/char number reads as "how many yes/no
# questions, on average, to pin down the next character". Uniform guessing needs $\log_2 65$ bits,
# a little more than 6 because $2^6 = 64$; the bigram table saves a few of those questions (the
# cell above prints both units). The plots below show both, nats on the left axis, bits on the right.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Training live
#
# `rnn_lib.Trainer` is the gist's training loop with a beginning and an end; each of its steps is the
# forward pass, backpropagation through time and Adagrad update of notebooks 01–04. We train with
# the recipe of the shipped model that section 7 loads, which differs from the gist in four ways,
# chosen to learn more per second on a laptop:
#
# - 160 hidden units instead of 100;
# - 32 **streams**: the training split is cut into 32 pieces read side by side, so each step
#   learns from 32 × 25 characters at once instead of 25;
# - a learning rate of 0.05 instead of 0.1;
# - `float32` arithmetic instead of `float64` (half the memory traffic, and precise enough here).
#
# (The command line tool's defaults, `TrainConfig()`, go one step further: the Adam optimiser, which
# notebooks 12 and 13 use, with a learning rate that decays over the run. Here we stay with the gist's
# Adagrad.)
#
# Only the reporting is changed here: a validation loss every 250 steps (on the first 20,000
# held-out characters, to keep it quick), and 150-character samples, which we print ourselves.

# %% slideshow={"slide_type": "fragment"}
config = rnn_lib.TrainConfig(optimizer="adagrad", learning_rate=0.05, eval_every=250, sample_every=0,
                             sample_length=150)
gist = rnn_lib.TrainConfig.gist()
for name in ("hidden_size", "seq_length", "batch_size", "optimizer", "learning_rate", "dtype"):
    print(f"{name:<14} this run: {getattr(config, name)!s:<8} gist: {getattr(gist, name)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Watching the run: callbacks
#
# The trainer calls every function in its `callbacks` list as `callback(trainer, event)`, where
# `event` is `"log"` (a new point of the training curve: the mean of the last 10 steps), `"eval"`
# (a new validation loss), `"sample"` (a new sample in `trainer.samples`) or `"end"`.
#
# We write two callbacks, one for the loss curves and one for samples, in three small pieces. The
# drawing is a plain function of its own, so that section 7 can reuse it for the longer run.
#
# **The drawing.** `rnn_notebook.plotting.plot_history` draws a `History` in nats/char; `bits_axis=True`
# adds a second axis on the right in bits/char, the same curves relabelled. We add fixed limits, so
# the axes do not jump while the curve is redrawn, and the baselines of section 3.

# %% slideshow={"slide_type": "fragment"}
from rnn_notebook.plotting import plot_history


def draw_losses(ax, history, baselines=BASELINES, top=5.5, smooth=1):
    """Training and validation curves of a History, nats/char on the left and bits/char on the right."""
    plot_history(history, ax=ax, baselines=baselines, smooth=smooth, bits_axis=True)
    ax.set_ylim(1.0, top)
    ax.legend(loc="upper right")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The live plot.** A figure shown through a *display handle* can be replaced in place: we clear it,
# draw again and call `handle.update(fig)`. Drawing takes time away from training, so the callback
# redraws at most every two seconds, and once more at the end.

# %% slideshow={"slide_type": "fragment"}
def live_loss_plot(every_seconds=2.0):
    """Show an empty figure now; return a callback that redraws it as training goes on."""
    fig = plt.figure(figsize=(10, 5))
    handle = display(fig, display_id=True)
    plt.close(fig)                      # shown through the handle only, not again at the cell's end
    last_draw = [-math.inf]

    def callback(trainer, event):
        now = time.perf_counter()
        if event == "end" or (event == "log" and now - last_draw[0] >= every_seconds):
            fig.clear()
            ax = fig.add_subplot()
            draw_losses(ax, trainer.history)
            ax.set_title(f"step {trainer.step:,}: {trainer.seconds:.0f} s of training")
            fig.tight_layout()
            handle.update(fig)
            last_draw[0] = now
    return callback

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The samples.** Every five seconds of training the second callback prints a sample of the current
# model. It counts seconds rather than steps, so that a fast and a slow computer both show a handful.

# %% slideshow={"slide_type": "fragment"}
def print_samples(every_seconds=5.0):
    """Return a callback that prints a sample of the current model every `every_seconds` of training."""
    next_time = [every_seconds]

    def callback(trainer, event):
        if event == "log" and trainer.seconds >= next_time[0]:
            print(f"---- sample at step {trainer.step:,} ({trainer.seconds:.0f} s) ----\n{trainer.sample()}\n")
            next_time[0] += every_seconds
    return callback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Run it
#
# `run(seconds=25)` trains for 25 seconds of wall-clock time and returns. Watch the curve fall from
# the uniform line, cross the bigram line (often within a few hundred steps, always within the first
# 1,500), and keep falling (the very first point lies *above* the uniform line: Adagrad's first
# update moves every weight with a non-negligible gradient by about the whole learning rate, notebook
# 04, an overshoot that the next steps correct); and watch the samples go from random characters to
# word-like groups with spaces, capitals and line breaks, and then to lines that look like a play's,
# with speaker names followed by a colon.
#
# A slow or busy computer may manage only a few hundred steps in 25 seconds. So that the checks below
# hold everywhere, the cell then continues, if needed, until at least `MIN_STEPS = 4000` steps are
# done; when the timed run already did that many, nothing more happens. At the end we measure the
# validation loss once more on the *whole* held-out split.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: how far 25 seconds of training gets depends on the machine and its load, and the last digits of
# every step on its CPU; the next cell checks what holds on every machine)
TRAIN_SECONDS, MIN_STEPS = 25, 4000
# the live plot's title counts steps and seconds, so tqdm's progress bar (a widget) is not needed
trainer = rnn_lib.Trainer(text, config, callbacks=[live_loss_plot(), print_samples()], progress=False)
print(f"---- sample at step 0 (untrained) ----\n{trainer.sample()}\n")
trainer.run(seconds=TRAIN_SECONDS)
timed_stop = trainer.stop_reason
if trainer.step < MIN_STEPS:            # a slow machine: top up so that the checks below hold anywhere
    trainer.run(steps=MIN_STEPS - trainer.step)
final_val = trainer.validate(max_chars=0)
print(f"{trainer.step:,} steps in {trainer.seconds:.1f} s ({trainer.step / trainer.seconds:.0f} steps/s)")
print(f"validation loss on all {len(val_ids):,} held-out characters: "
      f"{final_val:.3f} nats/char = {final_val / LN2:.3f} bits/char")
assert timed_stop == f"reached {TRAIN_SECONDS} seconds" and trainer.step >= MIN_STEPS
assert len(trainer.history.step) > 0 and final_val < bigram_val

# %% [markdown] slideshow={"slide_type": "fragment"}
# The numbers above depend on how fast this machine is, so they differ from run to run. Even the
# first steps, which every machine runs, do not give the same numbers everywhere: the run is seeded,
# but another CPU rounds the last bits of its sums differently, and training amplifies that. What
# must hold on every machine is checked here. **Expected:** the timed run stopped because its time was
# up; at least `MIN_STEPS` steps were done; the run used the same validation split as section 2; its
# validation loss is below the bigram table's; its training curve went below the bigram line within
# the first 1,500 steps; its first point (steps 1 to 10) lies above the uniform line; and a
# 5,000-character sample of the trained model has speaker lines: a name starting with a capital
# and a colon, alone on a line.

# %% slideshow={"slide_type": "fragment"}
h = trainer.history
first_point = h.train_nats[0]
below_bigram = [step for step, nats in zip(h.step, h.train_nats) if nats < bigram_val]
speaker_lines = re.findall(r"(?m)^[A-Z][A-Za-z' ]*:$", trainer.sample(5000))  # e.g. "KING RICHARD III:"
print(f"stop reason of the timed run: {timed_stop!r}")
print(f"at least {MIN_STEPS} steps: {trainer.step >= MIN_STEPS}")
print(f"same validation split as section 2: {np.array_equal(trainer.val_ids, val_ids)}")
print(f"validation loss below the bigram baseline ({bigram_val:.3f} nats/char): {final_val < bigram_val}")
print(f"training curve below the bigram line within the first 1,500 steps: {below_bigram[0] <= 1500}")
print(f"first training point (steps 1-{config.log_every}) above the uniform {uniform_nats:.3f}: "
      f"{first_point > uniform_nats}")
print(f"speaker lines in a 5,000-character sample: {len(speaker_lines) > 0}")
assert np.array_equal(trainer.val_ids, val_ids) and final_val < bigram_val
assert below_bigram[0] <= 1500 and first_point > uniform_nats and speaker_lines

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: train 30 s more
#
# 25 seconds is a start. Below is a button that trains the same model for 30 more seconds each time it
# is pressed. `rnn_notebook.more.TrainMorePanel(trainer, draw_losses)` builds it, with the drawing
# function of the live plot. What a press does is the panel's `train` method: it calls `trainer.run`
# again, which continues from where the trainer stands (the same parameters and Adagrad memory; the
# step counter and the history carry on; section 6 says more about stopping and continuing). While it
# trains it redraws the loss curves every two seconds, and replaces the sample under them with a new
# one. Pressing it changes `trainer`, which the sections below go on using, however long it has trained.

# %% [markdown] slideshow={"slide_type": "subslide"}
# First the same method for 20 steps instead of 30 seconds. **Expected:** the step counter went on from
# where the run stopped, by exactly 20; the history has 2 new points (one per 10 steps), after the old
# ones; and the panel shows a sample of the model at the new step.

# %% slideshow={"slide_type": "fragment"}
from rnn_notebook.more import TrainMorePanel

more = TrainMorePanel(trainer, draw_losses, seconds=30)
step_before, points_before = trainer.step, len(trainer.history.step)
result = more.train(steps=20)
new_points = trainer.history.step[points_before:]
print(f"step counter went on from where the run stopped, by exactly 20: "
      f"{result['steps'] == (step_before, step_before + 20)}")
print(f"history points added: {len(new_points)}, all after the old ones: "
      f"{min(new_points) > trainer.history.step[points_before - 1]}")
print(f"the sample shown is from the new step: {f'sample at step {trainer.step:,}' in more.sample_view.value}")
assert result["steps"] == (step_before, step_before + 20) and trainer.stop_reason == f"reached step {step_before + 20}"
assert len(new_points) == 20 // config.log_every and min(new_points) > trainer.history.step[points_before - 1]
assert f"sample at step {trainer.step:,}" in more.sample_view.value

# %% [markdown] slideshow={"slide_type": "subslide"}
# The button (it needs a running notebook; a copy viewed without one shows the curves as they were
# when it was run). Each press trains 30 seconds; the curves continue where the live plot above
# stopped, and the line next to the button gives the last training and validation points. The
# interrupt button (■) stops a press early, after the current step.
#
# What to look at: the validation points (the curve of text the model never trains on). How much does
# a press lower them, compared with what the first 25 seconds did? And a second press, compared with
# the first? Read the samples too: which mistakes go away first, spelling, words, or the layout of a
# play? Section 7's model, trained for 60,000 steps, is where this road ends: its validation loss is
# printed there.

# %% slideshow={"slide_type": "fragment"}
display(more.widget())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · What the gist's numbers mean
#
# Every 100 iterations the gist prints a line `iter n, loss: ...`. That `loss` is not per character:
#
# 1. it is the cross-entropy **summed** over the 25 characters of one training sequence, so it is
#    about 25 times the nats/char we plot;
# 2. it is **smoothed**: `smooth_loss = 0.999 * smooth_loss + 0.001 * loss` after every step, an
#    exponential moving average that remembers roughly the last 1,000 steps;
# 3. it starts at $25 \ln V$, the uniform guess over the $V$ characters of the text ($25 \ln 65$ for
#    tiny Shakespeare), so the curve starts in the right place.
#
# A learner reported under the gist that after more than 630k iterations on Shakespeare's poems the
# printed loss was 42.9, and asked whether they were doing something wrong. Their text is not ours:
# the poems are a different corpus, and we do not know its vocabulary size $V$. So we convert the
# number, and print the uniform start $25 \ln V$ for a range of vocabularies such a text could
# plausibly have (lower-case letters with a little punctuation at the low end; both cases, digits
# and many symbols at the high end). **Expected:** for every $V$ in that range, 42.9 is less than
# half of the uniform start.

# %% slideshow={"slide_type": "fragment"}
T = config.seq_length
gist_loss, gist_iterations = 42.9, 630_000
per_char = gist_loss / T
print(f"{gist_loss} per {T} characters = {per_char:.3f} nats/char = {per_char / LN2:.3f} bits/char; "
      f"perplexity e^{per_char:.3f} = {math.exp(per_char):.1f}")

# %% slideshow={"slide_type": "fragment"}
possible_V = (40, 50, 65, 80, 100)
print("the uniform start, 25 ln V:")
for v in possible_V:
    print(f"  V = {v:>3}: {T * math.log(v):6.1f} per sequence" + ("   (tiny Shakespeare)" if v == V else ""))
print(f"bigram table, tiny Shakespeare only: {T} x {bigram_val:.3f} = {T * bigram_val:.1f} per sequence")
chars_read = gist_iterations * T
print(f"{gist_iterations:,} iterations x {T} characters = {chars_read / 1e6:.2f} million characters read:")
print(f"{chars_read / len(train_ids):.1f} passes over a text as long as our training split")
assert abs(T * uniform_nats - 104.4) < 0.05 and per_char < bigram_val
assert all(gist_loss < 0.5 * T * math.log(v) for v in possible_V)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **What the number says.** Whatever $V$ the poems have, 42.9 is far below where the gist starts: the
# network has learned a great deal about its text, and nothing in the number suggests a bug. The
# perplexity printed above reads as "as unsure as a fair choice among that many characters".
#
# **What it does not say.** Our reference lines do not transfer: $25 \ln 65$ and the bigram line above
# hold for tiny Shakespeare only; the same table counted on the poems would give a different number.
# And three cautions:
#
# - it is a *training* loss. After 630k iterations the model has read its text many times over,
#   unless the poems run to millions of characters (the last line above counts the passes for a text
#   as long as ours; a shorter text means proportionally more), so part of a low training loss can
#   be memorisation. Section 7 measures that part for our
#   own checkpoint, by scoring it on a block of training text and on the validation split. Only a
#   validation loss says how well the model predicts poems it has not read;
# - whether 42.9 is a good resting point for a 100-unit network on that text cannot be read off the
#   number. Section 7 shows our own, somewhat larger model on tiny Shakespeare levelling off;
# - a smoothed number lags behind the model it describes, as the next cell shows.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### `smooth_loss` in our run
#
# The `Trainer` keeps the gist's `smooth_loss` too: `history.smooth_loss` records it at every
# history point, next to `train_nats`, the plain mean over the last 10 steps. Multiplying `train_nats`
# by 25 puts both on the gist's scale.
#
# We can rebuild the smoothed value from `train_nats` alone: over $n$ steps the old value keeps a weight
# of $0.999^n$ and the new losses share the rest. **Expected:** the rebuilt curve agrees with
# `smooth_loss` to better than 0.5%, and both lie above the unsmoothed curve while the loss is falling
# fast, because the average still remembers the bad start: from step 20 to step 1,000, a stretch
# every run has, at 95% of the points or more (a single noisy batch can poke above it).

# %% slideshow={"slide_type": "fragment"}
h = trainer.history
steps = np.array(h.step)
per_sequence = T * np.array(h.train_nats)
smooth = np.array(h.smooth_loss)

rebuilt, s = np.empty_like(smooth), T * uniform_nats
for k, (n_steps, loss) in enumerate(zip(np.diff(steps, prepend=0), per_sequence)):
    keep = 0.999 ** n_steps
    s = keep * s + (1 - keep) * loss
    rebuilt[k] = s

fig, ax = plt.subplots(figsize=(10, 5))
_ = ax.plot(steps, per_sequence, color="tab:blue", alpha=0.6, label="25 × train_nats (mean of 10 steps)")
_ = ax.plot(steps, smooth, color="tab:red", label="smooth_loss (what the gist prints)")
_ = ax.axhline(T * uniform_nats, ls="--", color="C2", label=f"uniform: 25 ln {V} = {T * uniform_nats:.1f}")
_ = ax.axhline(gist_loss, ls=":", color="black", label="the learner's 42.9")
ax.set(xlabel="training step", ylabel="loss per 25-character sequence (nats)", ylim=(30, 140),
       title="What the gist prints (smooth_loss) and the loss it smooths")
_ = ax.legend(loc="upper right")
plt.show()

largest_gap = np.max(np.abs(rebuilt - smooth) / smooth)
falling = (steps >= 20) & (steps <= 1000)
print(f"rebuilt from train_nats agrees with smooth_loss to better than 0.5%: {largest_gap < 0.005}")
above = np.mean(smooth[falling] > per_sequence[falling])
print(f"smooth_loss above 25 x train_nats at 95% or more of the points from step 20 to step 1,000: {above >= 0.95}")
assert largest_gap < 0.005 and above >= 0.95

# %% [markdown] slideshow={"slide_type": "fragment"}
# How long is the memory? After $n$ steps the starting value still carries weight $0.999^n$.
# **Expected:** about 37% after 1,000 steps and under 1% after 5,000, so in the first few thousand
# steps the gist's printed loss looks worse than the model is.

# %% slideshow={"slide_type": "fragment"}
for n in (100, 1000, 2000, 5000):
    print(f"after {n:>5,} steps the start still weighs {0.999 ** n:6.1%}")
assert abs(0.999 ** 1000 - math.exp(-1)) < 0.001

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · When does training stop?
#
# Another learner asked where, or when, the gist's `while True` loop is supposed to stop. Nowhere:
# stripped to its shape, the gist's training loop is
#
# ```python
# n = 0
# while True:                    # no condition: this loop never ends by itself
#     ...                        # take the next 25 characters, compute loss and gradients
#     ...                        # Adagrad update of Wxh, Whh, Why, bh, by
#     if n % 100 == 0:
#         ...                    # print the smoothed loss and a sample
#     n += 1
# ```
#
# The only way out is Ctrl-C, which raises `KeyboardInterrupt` wherever Python happens to be. Run as
# a script, the program then ends, and since it never saves anything, the trained weights are gone.
# Run in a notebook, the variables survive, but the interrupt may have landed halfway through the
# Adagrad update, with some arrays changed and others not.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How a run stops here
#
# `Trainer.run` needs to be told when to stop, and it stops at whichever comes first:
#
# - `run(steps=N)`: after N more updates;
# - `run(seconds=S)`: after S more seconds of training (what we did above);
# - **Ctrl-C** (in Jupyter: the ■ "interrupt" button): the trainer finishes the current step, then
#   returns normally with `stop_reason == "interrupted (Ctrl-C)"`. Parameters, Adagrad memory,
#   history and samples are all kept, and `run` can be called again to continue. A second Ctrl-C
#   does not wait for the step to end (shown below).
#
# Training more is just calling `run` again. *When* to stop is a judgement made from the validation
# curve: when it has flattened out (or starts to rise) more training no longer helps.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Pressing Ctrl-C from code
#
# Pressing Ctrl-C sends the signal `SIGINT` to the Python process. A callback can send the same signal
# to its own process with `os.kill(os.getpid(), signal.SIGINT)`. We continue training the model from
# section 4, asking for 100,000 more steps (minutes of training), and "press Ctrl-C" at the third history
# point of this call. The live-plot callbacks are replaced so that nothing is drawn.
#
# **Expected:** `run` returns at once with `stop_reason` `'interrupted (Ctrl-C)'`, right after the
# step in which the signal arrived; the history has the same points as before plus three new ones,
# and the parameters have moved on from where section 4 left them.

# %% slideshow={"slide_type": "fragment"}
logs_seen, pressed_at = [], []


def press_ctrl_c(trainer, event):
    if event == "log":
        logs_seen.append(trainer.step)
        if len(logs_seen) == 3:
            pressed_at.append(trainer.step)
            os.kill(os.getpid(), signal.SIGINT)       # what the Ctrl-C key does


points_before, Wxh_before = len(trainer.history.step), trainer.params["Wxh"].copy()
trainer.callbacks, trainer.progress = [press_ctrl_c], False
trainer.run(steps=100_000)
print(f"stop reason: {trainer.stop_reason!r}")
print(f"returned right after the step in which Ctrl-C arrived: {trainer.step == pressed_at[0]}")
print(f"history points: the earlier ones plus 3 new: {len(trainer.history.step) == points_before + 3}")
print(f"parameters kept training from where they were: {not np.array_equal(trainer.params['Wxh'], Wxh_before)}")
assert trainer.stop_reason == "interrupted (Ctrl-C)" and trainer.step == pressed_at[0]
assert len(trainer.history.step) == points_before + 3
assert not np.array_equal(trainer.params["Wxh"], Wxh_before)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A second Ctrl-C
#
# While the trainer is waiting for the current step to end, a second Ctrl-C does not wait: it raises
# `KeyboardInterrupt` at once, wherever Python is, as in the gist. `run` catches it and returns
# normally with the same `stop_reason`. A callback can press twice in a row; the line after the second
# press should never run.
#
# **Expected:** `run` returns without an exception; the line after the second press did not run; the
# trainer stopped at the step in which we pressed, with one new history point (the one whose `"log"`
# event called the callback). Here the interrupt lands inside the callback, after that step's update
# was complete, so the parameters are whole: they are finite, and 10 more steps train normally. A real
# second press can land anywhere, also halfway through an Adagrad update, which is why the first
# press, which waits for the step to end, is the one to use.

# %% slideshow={"slide_type": "fragment"}
pressed_twice_at, after_second_press = [], []


def press_ctrl_c_twice(trainer, event):
    if event == "log":
        pressed_twice_at.append(trainer.step)
        os.kill(os.getpid(), signal.SIGINT)           # first press: stop when this step is done
        os.kill(os.getpid(), signal.SIGINT)           # second press: KeyboardInterrupt, here and now
        after_second_press.append(trainer.step)       # never reached


points_before = len(trainer.history.step)
trainer.callbacks = [press_ctrl_c_twice]
trainer.run(steps=100_000)
stop_twice, stopped_at = trainer.stop_reason, trainer.step
new_points = len(trainer.history.step) - points_before
all_finite = all(np.isfinite(trainer.params[k]).all() for k in rnn_lib.PARAM_NAMES)
print(f"stop reason: {stop_twice!r}")
print(f"the line after the second press ran: {bool(after_second_press)}")
print(f"stopped in the step of the presses: {stopped_at == pressed_twice_at[0]}; new history points: {new_points}")
trainer.callbacks = []
trainer.run(steps=10)
print(f"parameters finite: {all_finite}; then 10 more steps: {trainer.stop_reason == f'reached step {stopped_at + 10}'}")
assert stop_twice == "interrupted (Ctrl-C)" and not after_second_press
assert len(pressed_twice_at) == 1 and stopped_at == pressed_twice_at[0] and new_points == 1
assert all_finite and trainer.stop_reason == f"reached step {stopped_at + 10}"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Nothing was lost: save and load
#
# `trainer.save(path)` writes one `.npz` file with the parameters, the Adagrad memory, the carried
# hidden state, the history, the samples and everything else needed to continue exactly
# (`rnn_lib.Trainer.resume(path, text)` does that). The command line tool saves one even when you
# press Ctrl-C. Here we save to a temporary folder and read the file back with
# `rnn_lib.load_checkpoint`.
#
# **Expected:** every array (parameters, Adagrad memory, carried hidden state), the history and the rest
# of the trainer's state (step count, smoothed loss, position in the text, seconds, the sampling
# generator, the list of saved samples) come back identical.

# %% slideshow={"slide_type": "fragment"}
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "interrupted.npz"
    trainer.save(path)
    back = rnn_lib.load_checkpoint(path)

same_params = all(np.array_equal(back.params[k], trainer.params[k]) for k in rnn_lib.PARAM_NAMES)
same_memory = all(np.array_equal(back.memory[k], trainer.optimizer.memory[k]) for k in rnn_lib.PARAM_NAMES)
same_hidden = np.array_equal(back.hprev, trainer.hprev)
same_history = all(np.array_equal(a, b) for a, b in zip(back.history.to_arrays().values(),
                                                        trainer.history.to_arrays().values()))
same_state = back.state == trainer.state()      # step, position, seconds, smooth_loss, sample generator, samples
print(f"parameters identical: {same_params};  Adagrad memory identical: {same_memory};  "
      f"hidden state identical: {same_hidden}")
print(f"history identical: {same_history};  step identical: {back.step == trainer.step};  "
      f"smooth_loss identical: {back.state['smooth_loss'] == trainer.smooth_loss}")
print(f"the rest of the trainer's state identical (position, seconds, sample generator, samples): {same_state}")
assert same_params and same_memory and same_hidden and same_history and same_state
assert back.step == trainer.step and back.state["smooth_loss"] == trainer.smooth_loss

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · A longer run: the shipped checkpoint
#
# 25 seconds is a start. The repository ships a model trained by the command line tool for 60,000
# steps with the settings of section 4 (the command is in section 9). Every step of it read
# 32 × 25 = 800 characters, so it read 48 million characters, many passes over the training split.
#
# `load_checkpoint` returns the parameters, the vocabulary, the configuration, the history and the
# trainer's state. **Expected:** section 4's configuration; 60,000 steps; the 65-character
# vocabulary of section 1.

# %% slideshow={"slide_type": "fragment"}
CKPT_PATH = rnn_lib.shipped_checkpoint()        # checkpoints/shakespeare_rnn.npz in the repository
ckpt = rnn_lib.load_checkpoint(CKPT_PATH)
c = ckpt.config
n_params = sum(p.size for p in ckpt.params.values())
steps_per_pass = (len(train_ids) // c.batch_size) // c.seq_length   # each stream's share, 25 at a time
print(f"{CKPT_PATH.relative_to(rnn_lib.DATA_DIR.parent)}: {ckpt.step:,} steps, "
      f"{ckpt.step * c.batch_size * c.seq_length / 1e6:.0f} million characters read:")
print(f"{ckpt.step / steps_per_pass:.1f} passes of {steps_per_pass:,} steps over the training split")
print(f"hidden_size {c.hidden_size}, batch_size {c.batch_size}, seq_length {c.seq_length},")
print(f"learning_rate {c.learning_rate}, {c.dtype}: {n_params:,} parameters")
assert ckpt.vocab == vocab and ckpt.step == 60_000
assert (c.hidden_size, c.batch_size, c.seq_length, c.learning_rate, c.dtype) == (160, 32, 25, 0.05, "float32")
assert all(getattr(c, name) == getattr(config, name)
           for name in ("hidden_size", "batch_size", "seq_length", "optimizer", "learning_rate", "dtype"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Its loss curve
#
# The same plot as the live one, over the whole run. Left: against steps; right: the same data on a
# logarithmic step axis, which spreads out the fast start. The training curve is smoothed over 20
# history points (200 steps) to make it readable.
#
# - The training curve has a ripple; the next cell shows that it repeats once per pass over the
#   training split.
# - The validation points were measured during training, every 500 steps, on the first 20,000
#   held-out characters only (`eval_chars`), to be quick. The history holds nothing else: the
#   command line tool never stores a pass over the whole split in it.

# %% slideshow={"slide_type": "fragment"}
fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
for ax, scale in zip(axes, ("linear", "log")):
    draw_losses(ax, ckpt.history, top=4.5, smooth=20)
    ax.set_xscale(scale)
    ax.set_title(f"{ckpt.step:,} steps, {scale} step axis")
axes[1].get_legend().remove()
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The ripple: one pass over the training split
#
# Once per pass, every `steps_per_pass` steps (printed above), the 32 streams come to the end of their pieces of the text and
# start again from the beginning, so the model reads the same stretches of the plays in the same order
# on every pass. If some stretches are easier to predict than others, the training loss should go up
# and down with the same pattern on every pass.
#
# To test that, we remove the slow downward trend: the trend is a moving average over one pass,
# rounded to whole history points (`steps_per_pass / 10` of them, since each point covers 10 steps), a
# window that holds every stretch of the text about once, so it keeps the trend and drops the ripple;
# the ripple is what is left. Then we compute its **autocorrelation** at a lag of $k$ points, the
# correlation of the ripple with itself $k$ points later (1 for an exact repeat, about 0 for no
# relation). A pass is not a whole number of points, so the lag of $n$ passes is rounded:
# `round(n * steps_per_pass / 10)` points. The peaks are narrow, so the rounding matters.
# **Expected:** above 0.5 at the lags of about one and about two passes, each the highest value within
# 5 points of its pass; and below 0.2 in size at a lag of 150 points, which is not near a whole number
# of passes.

# %% slideshow={"slide_type": "fragment"}
def autocorrelation(x, lag):
    """Correlation of the series x with itself `lag` points later."""
    x = x - x.mean()
    return np.dot(x[:-lag], x[lag:]) / np.dot(x, x)


per_pass = round(steps_per_pass / c.log_every)           # history points per pass, rounded
train_curve = np.array(ckpt.history.train_nats)
trend = np.convolve(train_curve, np.ones(per_pass) / per_pass, mode="valid")
centre = slice(per_pass // 2, per_pass // 2 + len(trend))  # the point in the middle of each window
ripple = train_curve[centre] - trend
ripple_steps = np.array(ckpt.history.step)[centre]
print(f"size of the ripple: standard deviation {ripple.std():.3f} nats/char")

# %% slideshow={"slide_type": "fragment"}
lags = np.arange(1, 3 * per_pass + 20)
acf = np.array([autocorrelation(ripple, k) for k in lags])
pass_lags = [round(n * steps_per_pass / c.log_every) for n in (1, 2)]   # about one pass, about two
for k, what in [(1, ""), (pass_lags[0], "  (about one pass)"), (150, ""), (pass_lags[1], "  (about two passes)")]:
    print(f"lag {k:>3} points = {k * c.log_every:>5,} steps: autocorrelation {acf[k - 1]:+.2f}{what}")
peaks = [int(lags[k - 6 + np.argmax(acf[k - 6:k + 5])]) for k in pass_lags]  # highest within 5 points
print(f"the highest autocorrelation within 5 points of each pass is at these lags: {peaks == pass_lags}")
assert all(acf[k - 1] > 0.5 for k in pass_lags) and abs(acf[150 - 1]) < 0.2
assert peaks == pass_lags

# %% [markdown] slideshow={"slide_type": "fragment"}
# Left: the ripple of three consecutive passes, each drawn against the position in its pass; the
# three curves lie almost on top of each other. Right: the autocorrelation against the lag, with a
# dashed line at every whole number of passes: the peaks sit on the lines.

# %% slideshow={"slide_type": "fragment"}
fig, (ax_pass, ax_acf) = plt.subplots(1, 2, figsize=(14, 5))
last_full = int(ripple_steps[-1] // steps_per_pass)       # passes that end inside the ripple's range
for n in range(last_full - 3, last_full):
    inside = (ripple_steps > n * steps_per_pass) & (ripple_steps <= (n + 1) * steps_per_pass)
    _ = ax_pass.plot(ripple_steps[inside] - n * steps_per_pass, ripple[inside], lw=1.5, label=f"pass {n + 1}")
_ = ax_pass.set(xlabel="step within the pass", ylabel="ripple (nats/char)", title="The same ups and downs each pass")
_ = ax_pass.legend(loc="lower right")
_ = ax_acf.plot(lags * c.log_every, acf, color="tab:purple")
for n in (1, 2, 3):
    _ = ax_acf.axvline(n * steps_per_pass, ls="--", lw=1.5, color="0.5")
_ = ax_acf.set(xlabel="lag (steps)", ylabel="autocorrelation", title="Peaks at whole passes (dashed)")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Its validation loss, computed here
#
# `rnn_lib.evaluate(params, ids)` runs the model over a text without training and returns the mean
# cross-entropy in nats/char. Held-out text, a fixed model: the result is the same on every run, up
# to the last bits of float32 arithmetic, which another CPU may round differently. We evaluate the
# whole validation split, and also its first 20,000 characters, which must give back the last point
# of the history, computed the same way when the model was trained. For comparison we evaluate the
# same way on a block of *training* text of the same length as the validation split (the block just
# before it).
#
# **Expected:** the whole split well below the bigram table of section 3, and above the last point of
# the curve; the first 20,000 characters equal to that point (to 6 decimals); and the training block
# lower than the validation split, since the model has read it dozens of times.

# %% slideshow={"slide_type": "fragment"}
ckpt_val = rnn_lib.evaluate(ckpt.params, val_ids)
ckpt_val_first = rnn_lib.evaluate(ckpt.params, val_ids[:c.eval_chars])
ckpt_val_rest = rnn_lib.evaluate(ckpt.params, val_ids[c.eval_chars:])
train_block = train_ids[-len(val_ids):]
ckpt_train_block = rnn_lib.evaluate(ckpt.params, train_block)
print(f"validation split, all {len(val_ids):,} characters: {ckpt_val:.3f} nats/char = {ckpt_val / LN2:.3f} bits/char")
print(f"  its first {c.eval_chars:,}: {ckpt_val_first:.3f} (last point of the history: "
      f"{ckpt.history.val_nats[-1]:.3f}); the other {len(val_ids) - c.eval_chars:,}: {ckpt_val_rest:.3f}")
print(f"a training block, same size:  {ckpt_train_block:.3f} nats/char = {ckpt_train_block / LN2:.3f} bits/char")
print(f"the gist's units: smooth_loss {ckpt.history.smooth_loss[-1]:.1f} at the end (training); "
      f"validation {T * ckpt_val:.1f} per 25 characters")
assert abs(ckpt_val - ckpt.history.val_nats[-1]) < 0.05 and ckpt_val > ckpt.history.val_nats[-1]
assert abs(ckpt_val_first - ckpt.history.val_nats[-1]) < 1e-6
assert ckpt_val < bigram_val and ckpt_train_block < ckpt_val
assert ckpt.history.smooth_loss[-1] < T * ckpt_val

# %% [markdown] slideshow={"slide_type": "fragment"}
# The history's last point and the whole split differ because they are measured on different
# characters: for this model, the first 20,000 held-out characters happen to be easier than the rest.
# The number to quote for the model is the whole split's.
#
# The training block scores lower than the validation split. Is that what the model memorised, or is
# the training block simply easier text? A control: a model that has seen *neither* block. We count a
# bigram table on the training split without its last block and score it on both. **Expected:** the
# two blocks within 0.02 nats/char of each other for that table, while the RNN's gap is several times
# larger.

# %% slideshow={"slide_type": "fragment"}
P_neither = bigram_table(train_ids[:-len(val_ids)])     # counted on neither of the two blocks
control_train_block, control_val = bigram_nats(P_neither, train_block), bigram_nats(P_neither, val_ids)
control_gap, rnn_gap = control_val - control_train_block, ckpt_val - ckpt_train_block
print("loss in nats/char; difference = validation - training block")
print(f"{'model':33s}  {'training block':>14s}  {'validation':>10s}  {'difference':>10s}")
print(f"{'bigram counted on neither block':33s}  {control_train_block:14.3f}  {control_val:10.3f}  {control_gap:+10.3f}")
print(f"{'RNN trained on the training block':33s}  {ckpt_train_block:14.3f}  {ckpt_val:10.3f}  {rnn_gap:+10.3f}")
assert abs(control_gap) < 0.02 and rnn_gap > 5 * abs(control_gap)

# %% [markdown] slideshow={"slide_type": "fragment"}
# To a model that saw neither, the two blocks are about equally hard (at least as far as a bigram
# table can tell), so block difficulty does not explain the RNN's difference. That difference, printed
# above, is the part of what the RNN learned that holds for the training text but not for new text:
# memorisation. It is also the warning of section 5: the smoothed training loss the gist would print
# for this model (above, in the gist's units) is lower than its validation loss, and it lies in the
# same range as the learner's 42.9, on a different text.
#
# **When to stop, read from the curve.** How much did the validation loss improve over the run's
# later stretches? The stretches have different lengths, so we compare the gain per 1,000 steps.
# These are the history's points, so they are on the first 20,000 held-out characters. **Expected:**
# big gains early, smaller ones in every later stretch: the model is levelling off.

# %% slideshow={"slide_type": "fragment"}
val_at = dict(zip(ckpt.history.val_step, ckpt.history.val_nats))   # step -> loss, first 20,000 held-out chars
marks = [1000, 5000, 10_000, 20_000, 40_000, 60_000]
gains = []
for a, b in zip(marks[:-1], marks[1:]):
    gains.append((val_at[a] - val_at[b]) / ((b - a) / 1000))
    print(f"steps {a:>6,} -> {b:>6,}: validation {val_at[a]:.3f} -> {val_at[b]:.3f} nats/char, "
          f"gain {gains[-1]:.4f} per 1,000 steps")
assert len(val_at) == len(ckpt.history.val_step)                   # one entry per step, none repeated
assert all(g > 0 for g in gains) and all(later < earlier for earlier, later in zip(gains, gains[1:]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · Samples from the trained model
#
# Sampling (notebook 07 builds it from scratch): feed in a prime text, then draw each next character
# from the model's distribution and feed it back in. A temperature below 1 sharpens the distribution,
# so the text takes fewer risks. With a fixed seed the text is the same on every run. This is exactly what
# `python -m rnn_lib sample --checkpoint checkpoints/shakespeare_rnn.npz --prime "ROMEO:" --temperature 0.8`
# prints; the cell runs that command too and checks the two texts are identical.

# %% slideshow={"slide_type": "fragment"}
romeo = "ROMEO:" + rnn_lib.sample(ckpt.params, ckpt.vocab, 500, np.random.default_rng(0),
                                  prime="ROMEO:", temperature=0.8)
print(romeo)

# %% slideshow={"slide_type": "fragment"}
command = [sys.executable, "-m", "rnn_lib", "sample", "--checkpoint", "checkpoints/shakespeare_rnn.npz",
           "--prime", "ROMEO:", "--temperature", "0.8"]
cli = subprocess.run(command, cwd=rnn_lib.DATA_DIR.parent, capture_output=True, text=True, check=True)
same_text = cli.stdout == romeo + "\n"                # the command ends its text with a newline
print(f"the command printed the same text: {same_text}")
assert same_text

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### "Train more"
#
# The CLI saved a 200-character sample every 10,000 steps (in `ckpt.state["samples"]`, as
# (step, text) pairs). Side by side, after a sample of the untrained model (the run's initial
# weights, made here with the checkpoint's configuration and seed): by step 10,000 the model already
# has the *format*, names in capitals followed by a colon, short lines, punctuation, many real short
# words. After that, single 200-character samples look much alike: between steps 10,000 and 60,000
# the validation loss fell by much less than in the first 10,000 steps (the cell prints both), a
# difference that shows over thousands of characters rather than in one sample. No sample makes
# sense: the model has no plan beyond the next few characters. Notebook 09 (section 4) measures how
# far back the gradient of this very model reaches: about 20 characters before it falls below a
# thousandth of its size, half a typical line of verse (notebook 10 measures the lines).

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"]
def side_by_side(samples, per_row=3):
    """An HTML table of (step, text) samples, `per_row` to a row, each under its step number."""
    rows, width = [], f"{100 / per_row:.0f}%"
    for i in range(0, len(samples), per_row):
        cells = "".join(f"<td style='vertical-align:top; text-align:left; width:{width}'>"
                        f"<b style='font-size:19px'>step {step:,}</b>"
                        f"<pre style='font-size:19px; white-space:pre-wrap; overflow-wrap:anywhere'>"
                        f"{html.escape(sample_text)}</pre></td>"
                        for step, sample_text in samples[i:i + per_row])
        rows.append(f"<tr>{cells}</tr>")
    # fixed layout: equal columns, even when a sample has a long line without spaces
    return HTML(f"<table style='table-layout:fixed; width:100%'>{''.join(rows)}</table>")


untrained = rnn_lib.Trainer(text, ckpt.config, progress=False)      # step 0 of the same run
saved = [(int(step), sample_text) for step, sample_text in ckpt.state["samples"]]
print(f"{len(saved)} saved samples, at steps {', '.join(f'{step:,}' for step, _ in saved)}")
print(f"validation loss (first {c.eval_chars:,} held-out characters), nats/char:")
print(f"uniform guess {uniform_nats:.3f}, step 10,000 {val_at[10_000]:.3f}, step 60,000 {val_at[60_000]:.3f}")
display(side_by_side([(0, untrained.sample())] + saved, per_row=4))
assert [step for step, _ in saved] == list(range(10_000, 60_001, 10_000))
assert val_at[10_000] - val_at[60_000] < uniform_nats - val_at[10_000]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 · Reproduce it from the command line
#
# From the repository's root folder (add `--overwrite` to replace the shipped checkpoint):
#
# ```bash
# python -m rnn_lib train --optimizer adagrad --learning-rate 0.05 \
#        --lr-decay-steps 0 --steps 60000 --sample-every 10000 \
#        --checkpoint checkpoints/shakespeare_rnn.npz
# python -m rnn_lib evaluate --checkpoint checkpoints/shakespeare_rnn.npz
# python -m rnn_lib sample --checkpoint checkpoints/shakespeare_rnn.npz \
#        --prime "ROMEO:" --temperature 0.8
# ```
#
# The first command trains with the checkpoint's settings (those of section 4: Adagrad at a constant
# learning rate 0.05, where the tool's defaults would use Adam and a decaying rate). It prints the
# validation loss every 500 steps and a sample every 10,000; Ctrl-C stops it and still saves the
# checkpoint, and `--seconds 600` instead of `--steps` bounds a run by time. On another CPU the last
# bits of every step differ and 60,000 steps amplify them: expect a model like the shipped one, with
# other numbers. The second command prints the validation loss of section 7, the third the text of
# section 8. To train the checkpoint further ("train more"), resume it (a resumed run keeps the
# checkpoint's settings, learning rate included):
#
# ```bash
# python -m rnn_lib train --checkpoint checkpoints/shakespeare_rnn.npz \
#        --resume --steps 10000
# ```

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Tiny Shakespeare: 1.1 million characters, 65 distinct ones. The last 10% is held out, as one
#   block, and only used to measure the model: that validation loss is the number to trust.
# - Two reference lines put any loss in context: guessing uniformly costs $\ln V$ nats/char
#   ($\log_2 V$ bits), $\ln 65$ here; a table of character-pair counts does much better on held-out
#   text (section 3), and any model worth training must beat it.
# - `rnn_lib.Trainer` is the gist's loop with an end: `run(steps=...)`, `run(seconds=...)`, and Ctrl-C
#   finishes the current step and returns with everything kept (a second Ctrl-C stops at once);
#   `trainer.save` writes it all to disk.
#   Callbacks (`"log"`, `"eval"`, `"sample"`, `"end"`) let you watch a run as it goes.
# - The gist prints a *smoothed* loss *summed over 25 characters*: divide by 25 for nats/char and by
#   a further $\ln 2$ for bits/char. The learner's 42.9 is far below the uniform start for any
#   plausible vocabulary, but it is a training loss on another text: only a validation loss says how
#   well the model predicts text it has not read.
# - 25 seconds of training (and at least 4,000 steps) beats the bigram table; the shipped
#   60,000-step checkpoint gets to the validation loss printed in section 7, and its curve shows it
#   levelling off, which is when more training stops paying. Its loss on a block of training text is
#   lower, by more than block difficulty explains: that difference is memorisation.
# - A training run's numbers and samples differ from CPU to CPU in their last digits, and more after
#   many steps; check what holds for any run, as section 4 does.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. The gist prints `loss: 62.0`. How many nats and bits per character is that, and how does it
#    compare with the bigram table?
# 2. Why is the validation split one block at the end of the text, rather than 10% of the characters
#    picked at random?
# 3. During a long run the training loss keeps falling but the validation loss starts to rise. What
#    is happening, and what should you do?
# 4. Without the $+1$ in the bigram table, what would its validation loss be, and why?
# 5. Early in training, why is the gist's printed loss higher than the model's actual loss?
# 6. You press Ctrl-C while the gist is running, and while `Trainer.run` is running. What is left in
#    each case?
# 7. A second run of the live training cell on a faster computer reaches a lower loss. Is anything
#    wrong, and what does the notebook check instead of the exact numbers?
#
# <details>
# <summary>Answers</summary>
#
# 1. 62.0 / 25 = 2.48 nats/char, and 2.48 / ln 2 ≈ 3.58 bits/char: about what the bigram table
#    reaches on held-out text, so the RNN has learned roughly "which letter tends to follow which"
#    so far.
# 2. Neighbouring characters are strongly related; with a random choice, almost every held-out
#    character would have its neighbours in the training data, and the "held-out" loss would be
#    optimistic. A separate block is genuinely unseen text.
# 3. The model is starting to memorise the training text (overfitting). Stop, and keep the model from
#    the point where the validation loss was lowest; for later runs use a smaller model or more data.
#    Once the validation loss has chosen the stopping point, though, it is no longer an unbiased
#    estimate of the loss on new text: keep a development split for such choices (notebook 11).
# 4. Infinite: some character pair in the validation split never occurs in the training split, so the
#    table gives it probability 0 and $-\ln 0 = \infty$. One such pair is enough for the mean.
# 5. It is an exponential moving average that starts at the uniform $25 \ln 65 = 104.4$ and keeps a
#    weight $0.999^n$ on that start after $n$ steps (37% after 1,000 steps), so it trails behind a
#    falling loss.
# 6. The gist: a `KeyboardInterrupt` raised wherever the program was, maybe halfway through an update,
#    and nothing on disk, so the weights are gone when Python exits. `Trainer.run`: it finishes the
#    current step and returns with `stop_reason == "interrupted (Ctrl-C)"`; parameters, optimiser
#    memory, history and samples are kept, and can be saved or trained further.
# 7. Nothing is wrong: how many steps fit into 25 seconds depends on the machine (and even the same
#    steps give other last digits on another CPU), so its printed numbers are not expected to match
#    from one computer to the next. The notebook asserts what must hold anywhere: the timed run stopped because its time was up, at
#    least `MIN_STEPS` steps were done (a slow machine continues until then), and the validation
#    loss is below the bigram table's.
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - A. Karpathy, *min-char-rnn* (2015): <https://gist.github.com/karpathy/d4dee566867f8291f086>. The
#   two learner questions answered here (the 42.9 loss after 630k iterations, and where the
#   `while True` loop stops) are from the comments under it.
# - A. Karpathy, *The Unreasonable Effectiveness of Recurrent Neural Networks* (2015),
#   <https://karpathy.github.io/2015/05/21/rnn-effectiveness/>: the tiny Shakespeare data set, and
#   samples from much larger (LSTM) models after more and more training.
# - E. Bendersky, *Understanding how to implement a character-based RNN language model* (2018):
#   a walk-through of the gist, with what it produces after 60,000 iterations and a simple
#   Markov-chain comparison.
# - C. E. Shannon, *Prediction and Entropy of Printed English*, Bell System Technical Journal 30 (1951):
#   measuring text in bits per character, with people as the predictors.

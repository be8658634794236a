# %% [markdown] slideshow={"slide_type": "slide"}
# # 00 · Overview: a character-level RNN, from "hello" to Shakespeare
#
# **What this series builds.** Karpathy's *min-char-rnn*, about a hundred lines of numpy that learn
# to write text one character at a time, rebuilt piece by piece: a vanilla recurrent neural network
# (RNN), trained with truncated backpropagation through time and the Adagrad optimiser. We start
# from a four-letter vocabulary and the word "hello", and end with a model that writes fake
# Shakespeare. Every formula is derived, plotted and checked against numbers computed in the cell.
#
# **Who it is for.** Students who know Python and numpy and have seen a neural network before;
# instructors who want slides and homework for a lecture on recurrent networks.
#
# **What this notebook gives you**, in about 25 minutes:
#
# - how to use the series as a student, a lecturer or a homework setter;
# - the map of the notebooks, and where an RNN language model sits among other recurrent networks;
# - the three equations of the model and its loss;
# - the end result: a trained model loaded from disk, its loss on held-out text, and its Shakespeare;
# - a check that your machine has everything the series needs.
#
# **Prerequisites:** none for this notebook. **Time for the whole series:** about seven and a half
# hours on your own for notebooks 00 to 08, which rebuild the gist, about three more for 09 to 11,
# which look further, and three for 12 to 14, which go beyond the vanilla RNN; no notebook takes
# more than an hour, and sections marked *optional* can be skipped on a first reading.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## How to use this series
#
# **Students.** Open the notebooks in order (00, 01, 02, ...) in JupyterLab (`jupyter lab notebooks/`)
# and run the cells from top to bottom with **Shift-Enter**, which runs a cell and moves to the next.
# Read each explanation before you run the code under it: most cells say what result to expect, so
# you can predict it first. Each notebook opens with its goal, prerequisites and time, and ends
# with **check yourself** questions and their answers (hidden until you click). If a cell fails
# after you experimented, use *Kernel → Restart Kernel and Run All Cells*.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Lecturers.** Each notebook is also a slide deck. One command, run from the project's folder,
# builds all of them as reveal.js decks that need no network: open `slides/index.html` from disk
# (the folder can go on a USB stick).
#
# ```bash
# python tools/build_slides.py
# ```
#
# A slide shows a heading, the key sentence, the equations, one short piece of code and its stored
# output; the full explanations and the answers to the check-yourself questions are in the speaker
# notes (press `S`). The right arrow or the space bar steps through every slide in order. The
# sliders and other widgets are live only in a running kernel, so present the widget cells from
# JupyterLab itself (see `docs/classroom.md`).
#
# **Homework.** The exercises in the notebooks are marked, so that instructors can generate student
# versions with the solutions removed; the check-yourself questions at the end of each notebook
# make short written assignments.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
#
# The same first cell opens every notebook: numpy, matplotlib, the series' own small library
# `rnn_lib`, arrays printed with 4 decimals, and fonts large enough for a projector.
#
# If it stops with `ModuleNotFoundError: No module named 'rnn_lib'`, run `pip install -e .` in the
# repository folder, then restart the kernel (*Kernel → Restart Kernel*).

# %%
import matplotlib.pyplot as plt
import numpy as np

import rnn_lib
from rnn_notebook.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()
_ = rnn_lib.blas_threads(1)  # numpy's matrix-product library (BLAS) on one thread: fastest for these small matrices

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your machine
#
# The series needs Python 3.10 or newer, numpy 1.24, matplotlib 3.7 and ipywidgets 8 (or newer).
# **Expected:** four lines ending in `ok`. The version numbers themselves differ between machines.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: the installed versions differ from machine to machine; the assert checks what matters)
import platform
import re
from importlib import metadata

FIX = "run `pip install -e .` in the repository folder (with conda: `conda env update -f environment.yml`)"
minimum = {"Python": (3, 10), "numpy": (1, 24), "matplotlib": (3, 7), "ipywidgets": (8, 0)}
found = {"Python": platform.python_version()}
for package in ("numpy", "matplotlib", "ipywidgets"):
    try:
        found[package] = metadata.version(package)
    except metadata.PackageNotFoundError:
        found[package] = "missing"
unmet = []
for name, version in found.items():
    ok = tuple(int(n) for n in re.findall(r"\d+", version)[:2]) >= minimum[name]
    print(f"{name:10s} {version:10s} needs >= {'.'.join(map(str, minimum[name])):5s} {'ok' if ok else 'PROBLEM'}")
    if not ok:
        unmet.append(name)
if unmet:
    print(f"Fix: {'create the environment with Python 3.10 or newer' if 'Python' in unmet else FIX}")
assert not unmet, f"missing or too old: {', '.join(unmet)}; see the fix printed above"

# %% [markdown] slideshow={"slide_type": "fragment"}
# Next, the library and the data. **Expected:** `rnn_lib` imports, the `data/` folder next to it holds
# tiny Shakespeare with exactly 1,115,394 characters, and the trained model that this notebook and
# several later ones load is in `checkpoints/` (`rnn_lib.shipped_checkpoint()` finds it).

# %%

problems = []
try:
    import rnn_lib
except ImportError:
    problems.append(f"rnn_lib does not import. Fix: {FIX}, then restart the kernel.")
else:
    shakespeare = rnn_lib.DATA_DIR / "tinyshakespeare.txt"
    print(f"rnn_lib {rnn_lib.__version__} imports")
    if not shakespeare.is_file():
        problems.append(f"no {shakespeare}. Fix: use a full clone of the repository, installed with {FIX}.")
    else:
        n_chars = len(rnn_lib.load_text(shakespeare))
        print(f"data/{shakespeare.name}: {n_chars:,} characters")
        if n_chars != 1_115_394:
            problems.append("tinyshakespeare.txt should have 1,115,394 characters: it was edited or "
                            "damaged. Fix: restore the file from the repository.")
    try:
        checkpoint = rnn_lib.shipped_checkpoint()
    except FileNotFoundError as exc:
        problems.append(f"{exc}. Fix: make it with the command in the 'final result' section below.")
    else:
        print(f"checkpoints/{checkpoint.name}: present")
for p in problems:
    print("PROBLEM:", p)
assert not problems, "see the PROBLEM lines above"

# %% [markdown] slideshow={"slide_type": "fragment"}
# Finally, speed. One training step of the original gist (65 characters, 100 hidden units,
# 25 time steps) is a forward and a backward pass; we time one with `timeit`. **Expected:** about a
# millisecond on a laptop. Anything under 10 ms is plenty for this series.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: timings depend on the machine and on what else it is running; the asserts check it ran)
import timeit

V, H, T = 65, 100, 25
gist_params = rnn_lib.init_params(V, H, np.random.default_rng(0))
inputs = np.random.default_rng(1).integers(0, V, size=T + 1)


def step():
    return rnn_lib.loss_and_grads(gist_params, inputs[:-1], inputs[1:], np.zeros((H, 1)))


seconds = timeit.timeit(step, number=200) / 200
loss, grads, _ = step()
print(f"forward + backward at the gist's size: {seconds * 1e3:.2f} ms per step, "
      f"so 10,000 steps take about {seconds * 1e4:.0f} s")
assert seconds > 0 and np.isfinite(loss) and grads["Wxh"].shape == (H, V)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The map of the series
#
# | # | notebook | what you learn |
# | --- | --- | --- |
# | 00 | overview (this notebook) | the map, the model in three equations, the end result, a machine check |
# | 01 | [hello vocabulary](01_hello_vocabulary.ipynb) | characters as ids and one-hot vectors; one forward pass over "hello" with every number shown |
# | 02 | [softmax and cross-entropy](02_softmax_cross_entropy.ipynb) | turning scores into probabilities, scoring them, and why the gradient is `p - onehot(target)` |
# | 03 | [backpropagation through time](03_backprop_through_time.ipynb) | every line of the backward pass, `dhnext`, and a full gradient check |
# | 04 | [Adagrad and clipping](04_adagrad_and_clipping.ipynb) | per-weight step sizes, why the gist's in-place update works, SGD against Adagrad, clipping exploding gradients |
# | 05 | [initialisation](05_initialisation.ipynb) | why weights start at `randn * 0.01`: five scales compared, and the symmetry of an all-zero start |
# | 06 | [training on tiny Shakespeare](06_training_on_shakespeare.ipynb) | a real corpus, held-out loss against baselines, what the gist's `loss` means, how training stops |
# | 07 | [sampling](07_sampling.ipynb) | generating text one character at a time: temperature, greedy loops, priming |
# | 08 | [your own text](08_your_own_text.ipynb) | training on any file, Unicode, and the errors learners hit, explained |
# | 09 | [vanishing and exploding gradients](09_vanishing_and_exploding_gradients.ipynb) | why a vanilla RNN forgets: the spectral radius of `Whh`, how far back the trained model's gradient reaches, what clipping fixes and what it cannot |
# | 10 | [what the neurons learn](10_what_the_neurons_learn.ipynb) | the hidden state as coloured text, an automatic search for units that track something nameable, with controls, and linear probes |
# | 11 | [n-gram baseline](11_ngram_baseline.ipynb) | counting character n-grams with Kneser-Ney smoothing, and an honest comparison with the RNN on the same held-out text |
# | 12 | [the LSTM](12_lstm.ipynb) | a gated cell whose additive path lets gradients reach further back, the remedy notebook 09 points to: derived, gradient-checked, and measured on a trained model |
# | 13 | [the GRU, and beating the n-gram](13_gru_and_beating_the_ngram.ipynb) | the GRU, a race between the three cells, the real comparison, and an LSTM that beats the n-gram baseline |
# | 14 | [what the LSTM learned](14_what_the_lstm_learned.ipynb) | the line-position cell of Karpathy, Johnson & Fei-Fei found in our LSTMs, the newline predicted column by column, held-out text coloured by surprisal, and where the LSTM beats the n-gram |
#
# Notebooks 01 to 08 rebuild the gist; 09 to 11 look at what it learned and where it falls short;
# 12 and 13 replace its cell with gated ones, and 14 looks at what the gated cells learned.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where a character-level language model fits
#
# A recurrent network applies the same small network at every time step and hands a hidden state
# from one step to the next. That lets it read a sequence, write one, or both. The figure shows the
# five usual arrangements, each unrolled in time from left to right.

# %%
from rnn_notebook.plotting import plot_rnn_patterns

axes = plot_rnn_patterns(highlight=4, text="hello")
assert len(axes) == 5
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Our model is the last one, **many to many, synchronised**: at every step it reads one character
# (the input) and predicts the next character (the output), so there is one output per input and
# no waiting. Reading `h`, `e`, `l`, `l` it should predict `e`, `l`, `l`, `o`. Notice that the two
# `l` inputs need different outputs; only the hidden state, which has seen different histories,
# can tell them apart.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What we build, in one cell of maths
#
# At step $t$ the input $x_t$ is the one-hot vector of a character ($V$ entries), and $h_t$ is a
# hidden state of $H$ numbers:
#
# $$
# \begin{aligned}
# h_t &= \tanh\left(W_{xh}\, x_t + W_{hh}\, h_{t-1} + b_h\right) && \text{new state from the input and the old state}\\
# y_t &= W_{hy}\, h_t + b_y && \text{a score (logit) for every character}\\
# p_t &= \operatorname{softmax}(y_t), \quad p_{t,k} = \frac{e^{y_{t,k}}}{\sum_j e^{y_{t,j}}} && \text{probabilities of the next character}
# \end{aligned}
# $$
#
# The same five arrays $W_{xh}$ $(H \times V)$, $W_{hh}$ $(H \times H)$, $W_{hy}$ $(V \times H)$,
# $b_h$, $b_y$ are used at every step (in the code: `Wxh`, `Whh`, `Why`, `bh`, `by`).

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The loss** over a chunk of $T$ steps is the cross-entropy of the character that really came next:
#
# $$ L = -\sum_{t=0}^{T-1} \ln p_{t,\,\text{target}_t}. $$
#
# As in the code, the steps are numbered $t = 0, \dots, T-1$, and $\ln$ is the natural logarithm
# (`np.log`), as everywhere in the series. We report the loss per character: $L/T$ in *nats*, or divided by $\ln 2$ in *bits*. A model that
# guesses uniformly among $V$ characters scores $\ln V$ nats per character. Training lowers $L$ by
# gradient descent, with the gradients computed backwards through the $T$ steps.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Those equations are the whole model. Here they are in plain numpy on "hello", with a tiny untrained
# network ($H = 3$), next to `rnn_lib`'s version. **Expected:** the same loss, about
# $4 \ln 4 \approx 5.545$, because small random weights give almost uniform predictions over 4 characters.

# %%
vocab = rnn_lib.CharVocab.from_text("hello")  # sorted: e, h, l, o
inputs, targets = vocab.encode("hell"), vocab.encode("ello")
params = rnn_lib.init_params(len(vocab), 3, np.random.default_rng(0))
Wxh, Whh, Why, bh, by = (params[k] for k in rnn_lib.PARAM_NAMES)

h, loss = np.zeros((3, 1)), 0.0
for t in range(len(inputs)):
    x = np.eye(len(vocab))[:, [inputs[t]]]  # one-hot column
    h = np.tanh(Wxh @ x + Whh @ h + bh)
    y = Why @ h + by
    p = np.exp(y) / np.exp(y).sum()
    loss -= np.log(p[targets[t], 0])

lib_loss, _, _ = rnn_lib.loss_and_grads(params, inputs, targets, np.zeros((3, 1)))
print(f"numpy: {loss:.6f}   rnn_lib: {lib_loss:.6f}   4 ln 4 = {4 * np.log(4):.6f}")
assert np.isclose(loss, lib_loss, rtol=1e-12) and abs(loss - 4 * np.log(4)) < 0.01

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The final result
#
# Scaled up, the same model trains on *tiny Shakespeare*: 1,115,394 characters of the plays, 65
# distinct characters. The last 10% is held out, never trained on, to measure how well the model
# predicts text it has not seen. The repository ships a model trained by the series' command-line
# tool; we load it. **Expected:** 160 hidden units, 60,000 training steps.

# %%
ckpt = rnn_lib.load_checkpoint(rnn_lib.shipped_checkpoint())   # checkpoints/shakespeare_rnn.npz
config, history = ckpt.config, ckpt.history
n_params = sum(p.size for p in ckpt.params.values())
print(f"hidden size {config.hidden_size}, vocabulary {len(ckpt.vocab)} characters, "
      f"{n_params:,} parameters ({config.dtype})")
print(f"{ckpt.step:,} steps of {config.batch_size} streams x {config.seq_length} characters, "
      f"Adagrad with learning rate {config.learning_rate}")
print(f"last validation in its history: {history.val_nats[-1]:.3f} nats/char at step {history.val_step[-1]:,}")
assert ckpt.step == 60_000 and config.hidden_size == 160

# %% [markdown] slideshow={"slide_type": "fragment"}
# The history holds the validation losses measured while training: every 500 steps, on the first
# 20,000 held-out characters only, to be quick. It holds no pass over the whole held-out tail. We
# measure that ourselves now, with `rnn_lib.split_ids`, the same split the training used.
# **Expected:** far below the $\ln 65 \approx 4.174$ nats/char of a uniform guess, and higher than the
# last entry of the history.

# %%
text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
ids = ckpt.vocab.encode(text)
_, val_ids = rnn_lib.split_ids(ids, config.val_fraction, config.seq_length)  # the last 10%, never trained on
val_nats = rnn_lib.evaluate(ckpt.params, val_ids)
print(f"validation loss on all {len(val_ids):,} held-out characters:")
print(f"  {val_nats:.3f} nats/char = {val_nats / rnn_lib.LN2:.3f} bits/char "
      f"(uniform guess: {np.log(len(ckpt.vocab)):.3f} nats/char)")
print(f"history's last entry, first {config.eval_chars:,} held-out chars: {history.val_nats[-1]:.3f} nats/char")
assert val_nats > history.val_nats[-1] and val_nats < 0.5 * np.log(len(ckpt.vocab))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The two numbers differ because they score different characters: for this model, the first 20,000
# held-out characters happen to be easier to predict than the rest. The cell below checks that.
# **Expected:** the first 20,000 give back the history's last entry (to 6 decimals: another CPU may
# round the last bits of the float32 arithmetic differently); the other characters score higher.
# The whole tail is the number to quote.

# %%
first_part, other_part = val_ids[:config.eval_chars], val_ids[config.eval_chars:]
first_nats, other_nats = rnn_lib.evaluate(ckpt.params, first_part), rnn_lib.evaluate(ckpt.params, other_part)
print(f"first {len(first_part):,} held-out characters: {first_nats:.3f} nats/char")
print(f"the other {len(other_part):,}: {other_nats:.3f} nats/char")
assert abs(first_nats - history.val_nats[-1]) < 1e-6 and first_nats < other_nats

# %% [markdown] slideshow={"slide_type": "subslide"}
# The loss over the whole run: training loss (blue) and validation loss (orange), against the
# uniform guess; the right-hand axis gives the same loss in bits/char. Most of the progress happens
# in the first few thousand steps.

# %%
from rnn_notebook.plotting import plot_history

ax = plot_history(history, smooth=20, baselines={"uniform guess, ln 65": np.log(len(ckpt.vocab))},
                  bits_axis=True)
_ = ax.set_title(f"Training the shipped model: {ckpt.step:,} steps")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# And what it writes: 400 characters after the prompt `ROMEO:`, drawn from the model's predictions
# with a fixed random seed, so the text is the same on every run. **Expected:** names in capitals
# before speeches, line breaks, mostly real English words, and little sense.

# %%
sample = rnn_lib.sample(ckpt.params, ckpt.vocab, 400, np.random.default_rng(0), prime="ROMEO:")
print("ROMEO:" + sample)
assert len(sample) == 400

# %% [markdown] slideshow={"slide_type": "fragment"}
# The model was trained, from the repository folder, with one command: 160 hidden units, 32 parallel
# streams of 25 characters, float32, and the gist's Adagrad at a constant learning rate of 0.05 (the
# command-line tool's defaults would use the Adam optimiser and a decaying rate instead):
#
# ```bash
# python -m rnn_lib train --optimizer adagrad --learning-rate 0.05 \
#        --lr-decay-steps 0 --steps 60000 --sample-every 10000 \
#        --checkpoint checkpoints/shakespeare_rnn.npz
# ```
#
# and this one prints the same sample as above (notebook 06 shows how training gets there):
#
# ```bash
# python -m rnn_lib sample --checkpoint checkpoints/shakespeare_rnn.npz \
#        --prime "ROMEO:" --length 400 --seed 0
# ```

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The series rebuilds min-char-rnn piece by piece: data and forward pass (01), loss and its
#   gradient (02), backpropagation through time (03), the optimiser (04), initialisation (05),
#   training (06), sampling (07) and your own data (08). Then it looks further: why gradients
#   vanish (09), what the hidden units learn (10), a counting baseline to compare with (11), the
#   LSTM (12), the GRU with the race against the baseline (13), and what the LSTM learned (14).
# - A character-level language model is a *synchronised many-to-many* recurrent network: one
#   prediction of the next character for every character read.
# - The model is three equations (a $\tanh$ recurrence, a linear output, a softmax) and the loss is
#   the cross-entropy of the true next character, in nats (or bits) per character.
# - Trained for 60,000 steps, it scores well below the uniform $\ln 65$ on held-out Shakespeare and
#   writes text that looks like a play.
#
# **Where to go next:** [01 · hello vocabulary](01_hello_vocabulary.ipynb).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. Which of the five arrangements fits these tasks: predicting tomorrow's temperature from a month
#    of readings; labelling every word of a sentence as noun, verb or other; writing a caption for a photo?
# 2. With $V = 65$ and $H = 160$, what are the shapes of `Wxh`, `Whh` and `Why`? How many numbers do
#    the five arrays hold together?
# 3. A model scores 1.5 nats per character. How many bits per character is that?
# 4. Why does the loss of the "hello" network above come out close to $4 \ln 4$?
#
# <details>
# <summary>Answers (click to open)</summary>
#
# 1. Many to one; synchronised many to many; one to many.
# 2. `Wxh` (160, 65), `Whh` (160, 160), `Why` (65, 160); with `bh` (160, 1) and `by` (65, 1):
#    10,400 + 25,600 + 10,400 + 160 + 65 = 46,625 numbers, the count printed above.
# 3. $1.5 / \ln 2 \approx 2.164$ bits per character.
# 4. With weights of size 0.01 every score $y$ is close to 0, so each of the 4 characters gets
#    probability close to 1/4, and each of the 4 steps costs about $-\ln(1/4) = \ln 4$.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - Andrej Karpathy, [min-char-rnn.py](https://gist.github.com/karpathy/d4dee566867f8291f086): the
#   original code this series rebuilds, and the questions learners asked under it.
# - Andrej Karpathy, ["The Unreasonable Effectiveness of Recurrent Neural Networks"](http://karpathy.github.io/2015/05/21/rnn-effectiveness/)
#   (2015): character-level models trained on Shakespeare, Wikipedia, LaTeX and Linux source code.
# - Stanford CS231n, lecture 10, *Recurrent Neural Networks*: the one-to-many ... many-to-many picture,
#   the "hello" example, image captioning, and LSTM.

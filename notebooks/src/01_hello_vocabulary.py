# %% [markdown] slide
# # 01 · Hello, vocabulary
# ### From the word "hello" to four probability distributions and one loss
#
# **What you will learn**
#
# - how a character-level language model turns text into numbers: a *vocabulary*, integer *ids*
#   and *one-hot* vectors;
# - why the vocabulary is built with `sorted(set(text))` and not `list(set(text))`;
# - how training pairs are made: at every step the target is the next character;
# - the vanilla RNN recurrence with the shape of every matrix, computed by hand for a tiny network;
# - the loss as a sum of cross-entropies, and why an untrained network scores about $4 \ln 4$ on "hello".
#
# **Prerequisites**: Python, numpy arrays and the `@` operator, matrix-vector products. Having
# met the softmax and the natural logarithm helps.
#
# **Time**: about 30 minutes stepping through the cells on your own, 20 minutes in lecture.
#
# This is the first notebook of a series that rebuilds Karpathy's *min-char-rnn* from scratch.
# Nothing is trained here: we run one small network forward once, with random weights, and read
# every number it produces.

# %% [markdown] skip
# ## Setup
#
# The same first cell opens every notebook of the series: numpy, matplotlib, the series library
# `rnn_lib`, arrays printed with 4 decimals, and figure fonts large enough for a projector.

# %% skip
import numpy as np
import matplotlib.pyplot as plt
import rnn_lib
from rnn_lib.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()

# %% [markdown] slide
# ## 1. The training text
#
# A character-level language model reads a text one character at a time. After each character it
# outputs a probability for every character that could come next. On "hello" a perfect model
# would say: after `h` comes `e`, then `l`, then `l`, then `o`.
#
# The lecture's example text is that single word, shipped as `data/hello.txt`.
# `rnn_lib.load_text` reads a UTF-8 text file (and checks that it is long enough to train on).

# %%
text = rnn_lib.load_text(rnn_lib.data_path("hello.txt"))
print(f"text = {text!r}: {len(text)} characters")
assert text == "hello"

# %% [markdown] slide
# ## 2. The vocabulary
#
# A network computes with numbers, not letters, so every distinct character gets an integer **id**.
# The list of distinct characters in id order is the **vocabulary**; its length is called $V$.
#
# The lecture slides write the vocabulary of "hello" as `[h, e, l, o]`, the letters in order of
# first appearance. Any order will do, provided it is the **same on every run**: a network trained
# while `h` had id 1 produces nonsense if the next run gives `h` the id 3.

# %% [markdown] subslide
# ### Why not `list(set(text))`?
#
# The gist builds its vocabulary with `list(set(data))`. A Python `set` has no order of its own:
# it is iterated in an order set by the hash values of its elements, and Python randomises the hash
# of strings each time an interpreter starts (unless the environment variable `PYTHONHASHSEED`
# fixes it). Let us start a fresh Python six times, with six different hash seeds, and print the
# order in which the set hands back the characters: the order `list(set(text))` would give them ids in.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: the orders depend on this kernel's random hash seed and on the Python version's string hash)
import os
import subprocess
import sys


def set_order_in_new_python(hash_seed):
    """The order of set(text) in a new Python interpreter started with PYTHONHASHSEED=hash_seed."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    code = f"print(''.join(set({text!r})))"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return list(run.stdout.strip())


orders = [set_order_in_new_python(seed) for seed in range(6)]
for seed, order in enumerate(orders):
    print(f"PYTHONHASHSEED={seed}:  order of set(text) = {order}")
print(f"this kernel:       order of set(text) = {[ch for ch in set(text)]}")
assert len({"".join(order) for order in orders}) > 1, "six hash seeds gave one order: try more seeds"

# %% [markdown] fragment
# The order changes from run to run, but every order is a *permutation* of the same four
# characters. Sorting removes the arbitrary part: `sorted(set(text))` depends only on the characters
# themselves (their Unicode code points), so it is identical on every run and every machine.
# The lecture's `[h, e, l, o]` is one more permutation of it.

# %%
chars = sorted(set(text))
V = len(chars)
assert all(sorted(order) == chars for order in orders)  # same characters, different order
lecture_order = ["h", "e", "l", "o"]
assert sorted(lecture_order) == chars
print(f"chars = sorted(set(text)) = {chars},  V = {V}")
print(f"sorted(lecture order {lecture_order}) = {sorted(lecture_order)}")

# %% [markdown] subslide
# ### Character ↔ id, from scratch
#
# Two dictionaries, with the gist's names, translate in each direction. **Encoding** a string
# maps each character to its id; **decoding** maps ids back to characters. Because we sorted, our
# ids differ from the lecture's picture (here `e` = 0, `h` = 1, `l` = 2, `o` = 3): only the labels
# of the rows change, nothing about the model.

# %%
char_to_ix = {ch: i for i, ch in enumerate(chars)}
ix_to_char = {i: ch for i, ch in enumerate(chars)}


def encode(s):
    return np.array([char_to_ix[ch] for ch in s])


def decode(ids):
    return "".join(ix_to_char[int(i)] for i in ids)


for i in range(V):
    print(f"id {i} <-> {ix_to_char[i]!r}")
print(f"encode({text!r}) = {encode(text)};  decode of that = {decode(encode(text))!r}")

# %% [markdown] fragment
# `rnn_lib.CharVocab.from_text` is the library's version. We expect the same characters, the same
# two dictionaries, the same ids and the same round trip.

# %%
vocab = rnn_lib.CharVocab.from_text(text)
assert list(vocab.chars) == chars
assert vocab.char_to_ix == char_to_ix and vocab.ix_to_char == ix_to_char
assert np.array_equal(vocab.encode(text), encode(text))
assert vocab.decode(vocab.encode(text)) == decode(encode(text)) == text
print(f"{vocab}: agrees with our tables, encode and decode")

# %% [markdown] slide
# ## 3. One-hot vectors
#
# An id is a name, not a quantity: `o` (id 3) is not "three times" `h` (id 1). To hand a character
# to the network without inventing such an order, we write it as a **one-hot** column vector of
# shape $(V, 1)$: zeros everywhere except a 1 in the row of its id. Stacking the one-hot vectors of
# the five characters of "hello" side by side gives a $(V, 5)$ matrix.

# %%
def one_hot(ix, V):
    """Column vector of shape (V, 1): 1 in row ix, 0 elsewhere."""
    x = np.zeros((V, 1))
    x[ix] = 1.0
    return x


X = np.hstack([one_hot(ix, V) for ix in encode(text)])  # (V, 5): column j encodes text[j]
assert np.array_equal(X.sum(axis=0), np.ones(len(text)))  # exactly one 1 per column
print(f"X: shape {X.shape}; rows = vocabulary, columns = the characters of {text!r}")
print("     " + "".join(f"{ch!r:>5}" for ch in text))
for i, row in enumerate(X):
    print(f"{chars[i]!r:>4} " + "".join(f"{v:5.0f}" for v in row))

# %% [markdown] fragment
# The same matrix as a picture: each column has a single dark cell, in the row of its character.

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
_ = ax.imshow(X, cmap="Greys", vmin=0, vmax=1)
ax.grid(False)
ax.set_xticks(range(len(text)), [f"'{ch}'" for ch in text])
ax.set_yticks(range(V), [f"{i}: '{ch}'" for i, ch in enumerate(chars)])
ax.set(xlabel="character of the text", ylabel="vocabulary row (id)", title="one-hot columns of 'hello'")
for (i, j), v in np.ndenumerate(X):
    _ = ax.text(j, i, f"{v:.0f}", ha="center", va="center", color="white" if v else "black")

# %% [markdown] slide
# ## 4. Inputs and targets: predict the next character
#
# At every time step the network reads one character and is asked for the one that follows it.
# The five characters of "hello" give $T = 4$ steps: the **inputs** are `hell` and the **targets**
# are `ello`, the same text shifted by one place.
#
# This is the **many-to-many** case in the lecture's picture of RNN shapes: a sequence goes in and
# there is one output for every input step.

# %%
inputs = encode(text[:-1])   # 'hell'
targets = encode(text[1:])   # 'ello'
T = len(inputs)
print(" t   input      target")
for t in range(T):
    print(f" {t}   {ix_to_char[inputs[t]]!r} (id {inputs[t]}) -> {ix_to_char[targets[t]]!r} (id {targets[t]})")
print(f"inputs = {inputs}, targets = {targets}")
assert np.array_equal(targets[:-1], inputs[1:])  # each target is the next step's input

# %% [markdown] fragment
# $T$ steps need $T + 1$ characters: the last input needs a character after it. The gist stops
# with an `IndexError` on a text shorter than `seq_length + 1` characters; `load_text` checks that
# up front when told how many characters are needed (the gist's `seq_length` is 25, so 26):

# %%
try:
    rnn_lib.load_text(rnn_lib.data_path("hello.txt"), min_length=26)
    raise AssertionError("expected a ValueError: 'hello' is shorter than 26 characters")
except ValueError as err:
    print(str(err).replace(str(rnn_lib.DATA_DIR), "data"))  # a path that is the same on every machine

# %% [markdown] slide
# ## 5. The vanilla RNN
#
# Step $t$ takes the one-hot input $x_t$ and the previous hidden state $h_{t-1}$ (with
# $h_{-1} = 0$) and computes
#
# $$h_t = \tanh\left(W_{xh}\, x_t + W_{hh}\, h_{t-1} + b_h\right)$$
#
# $$y_t = W_{hy}\, h_t + b_y, \qquad p_t = \operatorname{softmax}(y_t), \quad
#   p_{t,k} = \frac{e^{y_{t,k}}}{\sum_{j} e^{y_{t,j}}}$$
#
# | code | maths | shape | role |
# | --- | --- | --- | --- |
# | `Wxh` | $W_{xh}$ | $(H, V)$ | input → hidden |
# | `Whh` | $W_{hh}$ | $(H, H)$ | previous hidden state → hidden: the memory |
# | `Why` | $W_{hy}$ | $(V, H)$ | hidden → one score per character |
# | `bh` | $b_h$ | $(H, 1)$ | hidden bias |
# | `by` | $b_y$ | $(V, 1)$ | output bias |
#
# $x_t$ is $(V, 1)$, $h_t$ is $(H, 1)$, the scores (logits) $y_t$ and the probabilities $p_t$ are
# $(V, 1)$. The **same** five parameters are used at every step; only $h$ carries information
# from one step to the next. (The lecture slide leaves the biases out; the gist keeps them.)

# %% [markdown] subslide
# ### A tiny network: H = 3
#
# Like the lecture's picture we use 3 hidden units. `rnn_lib.init_params` draws the three weight
# matrices from a normal distribution times `scale` and sets both biases to zero. The gist uses
# `scale=0.01`; we take 0.5 so that the numbers below visibly differ from one another (section 9
# comes back to 0.01).

# %%
H = 3
params = rnn_lib.init_params(V, H, np.random.default_rng(2), scale=0.5)
Wxh, Whh, Why, bh, by = (params[name] for name in rnn_lib.PARAM_NAMES)
for name in rnn_lib.PARAM_NAMES:
    print(f"{name:>3}: shape {params[name].shape}")
assert {name: p.shape for name, p in params.items()} == rnn_lib.param_shapes(V, H)

# %% [markdown] subslide
# ### A one-hot input picks a column
#
# $W_{xh}\,x_t$ adds up the columns of $W_{xh}$ weighted by the entries of $x_t$: all 0 but one 1.
# The product is therefore just **column `ix` of $W_{xh}$**, a table look-up: each character owns
# one column. `rnn_lib` uses this shortcut instead of the product; we expect the two to be
# exactly equal for all four characters.

# %%
def vec(a, fmt="+.4f"):
    """An array on one line at fixed precision: vec([0.1, -0.5]) is '[+0.1000, -0.5000]'."""
    return "[" + ", ".join(f"{v:{fmt}}" for v in np.ravel(a)) + "]"


print(f"Wxh =\n{Wxh}")
for ix in range(V):
    assert np.array_equal(Wxh @ one_hot(ix, V), Wxh[:, [ix]])
ix = char_to_ix["h"]
print(f"Wxh @ one_hot('h') = {vec(Wxh @ one_hot(ix, V))} = column {ix} of Wxh")

# %% [markdown] slide
# ## 6. The forward pass, step by step
#
# Start from $h_{-1} = 0$ and apply the recurrence to the inputs `h`, `e`, `l`, `l`. Every step
# prints $h_t$, the scores $y_t$ and the probabilities $p_t$ (entries in id order `e h l o`), and the
# network's best guess. The softmax subtracts $\max y_t$ first: the result is the same (the factor
# $e^{-\max y_t}$ cancels) and `exp` cannot overflow.

# %%
def softmax(y):
    e = np.exp(y - y.max())
    return e / e.sum()


h = np.zeros((H, 1))  # h_{-1}
hs, ys, ps = [], [], []
for t in range(T):
    x = one_hot(inputs[t], V)
    h = np.tanh(Wxh @ x + Whh @ h + bh)  # (H, 1)
    y = Why @ h + by                     # (V, 1)
    p = softmax(y)                       # (V, 1)
    hs.append(h)
    ys.append(y)
    ps.append(p)
    print(f"t={t}: input {ix_to_char[inputs[t]]!r}, target {ix_to_char[targets[t]]!r}, "
          f"best guess {ix_to_char[int(p.argmax())]!r}")
    print(f"   h_t = {vec(h)}\n   y_t = {vec(y)}\n   p_t = {vec(p, '.4f')}")
assert all(abs(p.sum() - 1) < 1e-12 for p in ps)

# %% [markdown] fragment
# The hidden state at step 3 differs from the one at step 2 although both inputs are `l`: $h_t$
# depends on everything read so far, through $W_{hh}$. The probabilities, on the other hand, all
# stay near $1/4$: this network has learned nothing yet, and its guesses show it.

# %% [markdown] slide
# ## 7. The loss: four cross-entropies
#
# Step $t$ is scored by the probability the network gave to the right next character: its
# cross-entropy $-\ln p_t[\mathrm{target}_t]$ is 0 for a certain, correct guess and grows without
# bound as that probability goes to 0. The loss of the sequence adds the four steps:
#
# $$L = \sum_{t=0}^{3} -\ln p_t[\mathrm{target}_t]$$
#
# A network that knows nothing and guesses uniformly, $p_t = (\tfrac14, \tfrac14, \tfrac14, \tfrac14)$,
# pays $\ln 4$ at every step, $4 \ln 4$ in all.

# %%
terms = [-np.log(ps[t][targets[t], 0]) for t in range(T)]
for t in range(T):
    print(f"t={t}: -ln p_t[{ix_to_char[targets[t]]!r}] = -ln {ps[t][targets[t], 0]:.4f} = {terms[t]:.4f}")
loss = sum(terms)
uniform_loss = T * np.log(V)
print(f"L = {' + '.join(f'{term:.4f}' for term in terms)} = {loss:.4f} nats")
print(f"uniform guess: 4 ln 4 = 4 x {np.log(V):.4f} = {uniform_loss:.4f} nats")

# %% [markdown] subslide
# ### Checking against `rnn_lib`
#
# `rnn_lib.forward` runs the same recurrence (with the column look-up, and one matrix product for
# the outputs of all steps) and `rnn_lib.cross_entropy` adds up the terms;
# `rnn_lib.loss_and_grads_reference` is the plain per-step version the library is tested against.
# Same parameters and inputs, so we expect hidden states, probabilities and loss to agree with ours
# to within 1e-12.

# %%
hprev = np.zeros((H, 1))
cache = rnn_lib.forward(params, inputs, hprev)
lib_loss = rnn_lib.cross_entropy(cache, targets)
ref_loss, _, ref_h_last = rnn_lib.loss_and_grads_reference(params, inputs, targets, hprev)
assert np.allclose(cache["hs"][1:, 0, :], np.hstack(hs).T, rtol=0, atol=1e-12)  # hs[0] is h_{-1}
assert np.allclose(cache["probs"], np.hstack(ps).T, rtol=0, atol=1e-12)
assert np.allclose(ref_h_last, hs[-1], rtol=0, atol=1e-12)
assert abs(lib_loss - loss) < 1e-12 and abs(ref_loss - loss) < 1e-12
print(f"ours {loss:.10f} | forward + cross_entropy {lib_loss:.10f} | reference {ref_loss:.10f}")

# %% [markdown] slide
# ## 8. The four steps at a glance
#
# Left: the hidden state, one column per step (red positive, blue negative; tanh keeps every entry
# between -1 and 1). Right: the distributions $p_t$, with each step's target outlined in orange.
# Training will push probability into the orange boxes; for now it is spread almost evenly.

# %%
from rnn_lib.plotting import plot_rnn_step, plot_rnn_steps

_ = plot_rnn_steps(np.hstack(hs).T, np.hstack(ps).T, chars, inputs=inputs, targets=targets)

# %% [markdown] subslide
# ### One step at a time
#
# `show_step(t)` draws step $t$: the bars of $h_t$, and the bars of $p_t$ with the target's bar in
# orange and the uniform $1/4$ as a dashed line. It returns the $p_t$ it drew and the highlighted
# id, so we can check it before putting it behind a slider. At $t = 2$ the input is the first `l`,
# so the highlighted target must be `l` (id 2).

# %%
def show_step(t):
    """Draw step t of the forward pass; return the p_t drawn, shape (V,), and the target id highlighted."""
    p, target = ps[t].ravel(), int(targets[t])
    title = f"t={t}: input {ix_to_char[inputs[t]]!r}, target {ix_to_char[target]!r}"
    plot_rnn_step(hs[t], p, chars, target=target, title=title)
    return p, target


p_drawn, highlighted = show_step(2)
print(f"drew p_t = {vec(p_drawn, '.4f')}, highlighted id {highlighted} = {ix_to_char[highlighted]!r}")
assert highlighted == char_to_ix["l"]
assert np.allclose(p_drawn, cache["probs"][2], rtol=0, atol=1e-12)

# %% [markdown] fragment
# The slider below calls the same function each time it moves (it needs a running kernel; a static
# copy of the notebook shows no slider). `rnn_lib.widgets.figure_widget` shows the figure as an
# image under the controls. Move $t$ from 0 to 3: the hidden state changes with every input, while
# the orange bar stays close to the dashed line.

# %%
import ipywidgets as widgets
from rnn_lib.widgets import figure_widget


def draw_step(t):
    show_step(t)
    return plt.gcf()  # the figure show_step has just drawn


slider = widgets.IntSlider(value=0, min=0, max=T - 1, description="t")
display(figure_widget(draw_step, {"t": slider}))

# %% [markdown] slide
# ## 9. Why an untrained network scores about $4 \ln 4$
#
# With small weights, $h_t$ is small, so the scores $y_t = W_{hy} h_t + b_y$ are all close to
# $b_y = 0$, and the softmax of four equal scores is exactly uniform. Each step then costs about
# $\ln 4$ and the whole sequence about $4 \ln 4$. The gist's `* 0.01` puts a new network right
# there: it starts out claiming no knowledge it does not have. (This is also where the gist's first
# `smooth_loss`, `-log(1/vocab_size) * seq_length`, comes from.)
#
# Same seed, four scales: we expect $\max |p_t - 1/4|$ to shrink with the scale, and at the gist's
# 0.01 the loss to lie within 0.01 of $4 \ln 4$.

# %%
print(" scale   max |p_t - 1/4|   loss L   L - 4 ln 4")
deviations = []
for scale in (1.0, 0.5, 0.1, 0.01):
    trial = rnn_lib.init_params(V, H, np.random.default_rng(2), scale=scale)
    trial_cache = rnn_lib.forward(trial, inputs, np.zeros((H, 1)))
    trial_loss = rnn_lib.cross_entropy(trial_cache, targets)
    deviations.append(np.abs(trial_cache["probs"] - 1 / V).max())
    print(f"{scale:6.2f}   {deviations[-1]:15.4f}   {trial_loss:6.4f}   {trial_loss - uniform_loss:+10.4f}")
assert deviations == sorted(deviations, reverse=True)
assert abs(trial_loss - uniform_loss) < 0.01

# %% [markdown] fragment
# At scale 1 the random network is confident, and whether that helps or hurts on "hello" is luck.
# At 0.01 every $p_t$ is $1/4$ to four decimals. Small starting weights also keep $\tanh$ in its
# nearly linear range, where gradients pass through well: more on that when we train.

# %% [markdown] slide
# ## Summary
#
# - The **vocabulary** is `sorted(set(text))`: for "hello", `['e', 'h', 'l', 'o']`, $V = 4$.
#   Sorting makes the ids the same on every run; `list(set(text))` follows the randomised hash order.
# - A character enters the network as a **one-hot** column $(V, 1)$, and $W_{xh} x_t$ is simply
#   column `id` of $W_{xh}$.
# - **Inputs** are the text without its last character, **targets** the text without its first:
#   `hell` → `ello`, $T = 4$ predictions from 5 characters (many-to-many).
# - One step: $h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)$, $y_t = W_{hy} h_t + b_y$,
#   $p_t = \operatorname{softmax}(y_t)$, with the same parameters at every step.
# - The **loss** adds $-\ln p_t[\mathrm{target}_t]$ over the steps; an untrained network guesses
#   nearly uniformly, so it starts near $T \ln V$ ($4 \ln 4 \approx 5.545$ here).
# - Our hand computation agrees with `rnn_lib.forward`, `cross_entropy` and the reference
#   implementation to 1e-12.
#
# Next, in notebook 02: softmax and cross-entropy up close, and the gradient of the loss with
# respect to the scores $y_t$, the first step towards changing the weights so that the orange
# boxes fill up.

# %% [markdown] subslide
# ## Check yourself
#
# 1. A text has 65 distinct characters and the network has $H = 100$ hidden units. What are the
#    shapes of `Wxh`, `Whh`, `Why`, `bh` and `by`?
# 2. You train with the gist, save the weights, and a week later load them in a new Python process
#    that rebuilds `char_to_ix` with `list(set(data))`. Why may the generated text be garbage?
# 3. Write the inputs and targets, as characters and as ids, for the text `"abcab"`.
# 4. Without computing a product: what is `Wxh @ x` when `x` is the one-hot vector of `l` here?
# 5. What loss does an untrained network (`* 0.01` weights) have on a 25-character chunk of a text
#    with 65 distinct characters?
# 6. At step 2 and step 3 the input is `l` both times. Why are $h_2$ and $h_3$ different?
#
# <details>
# <summary>Answers (click to open)</summary>
#
# 1. `Wxh` (100, 65), `Whh` (100, 100), `Why` (65, 100), `bh` (100, 1), `by` (65, 1).
# 2. The ids follow the set's hash order, which changes between interpreter runs: row 3 of the
#    output may now be called a different character than the one it was trained for. Sorting fixes
#    the order (or save the vocabulary with the weights).
# 3. Vocabulary `['a', 'b', 'c']`; inputs `abca` = `[0, 1, 2, 0]`, targets `bcab` = `[1, 2, 0, 1]`.
# 4. Column 2 of `Wxh` (`l` has id 2), as a $(3, 1)$ column.
# 5. About $25 \ln 65 \approx 104.36$ nats: every step costs about $\ln 65$.
# 6. $h_t$ also depends on $h_{t-1}$ through $W_{hh}$: $h_3$ has seen `hell`, $h_2$ only `hel`.
#
# </details>

# %% [markdown] subslide
# ## Further reading
#
# - Andrej Karpathy, *min-char-rnn.py*, the gist this series rebuilds:
#   <https://gist.github.com/karpathy/d4dee566867f8291f086>
# - Andrej Karpathy, *The Unreasonable Effectiveness of Recurrent Neural Networks* (blog post, 2015),
#   where the "hello" example comes from: <http://karpathy.github.io/2015/05/21/rnn-effectiveness/>
# - Stanford CS231n, *Lecture 10: Recurrent Neural Networks*: the slides with the RNN shapes
#   (one-to-many, many-to-many, ...) and the `[h, e, l, o]` character-model picture;
#   course site <https://cs231n.stanford.edu/>

# %% [markdown] slideshow={"slide_type": "slide"}
# # 01 · Hello, vocabulary
# ### From the word "hello" to four probability distributions and one loss
#
# **What you will learn**
#
# - how a character-level language model turns text into numbers: a *vocabulary*, integer *ids*
#   and *one-hot* vectors;
# - why the vocabulary is built with `sorted(set(text))` and not `list(set(text))`;
# - how training pairs are made: at every step the target is the next character;
# - the vanilla RNN recurrence with the shape of every matrix, step by step for a tiny network;
# - the loss as a sum of cross-entropies, and why an untrained network scores about $4 \ln 4$ on "hello";
# - to write the whole forward pass and its loss as one function (the exercise of section 8).
#
# **Prerequisites**: Python, numpy arrays and the `@` operator, matrix-vector products. Having
# met the softmax and the natural logarithm helps.
#
# **Time**: about 50 minutes stepping through the cells on your own, plus about 20 minutes for the
# exercise.
#
# This is the first notebook of a series that rebuilds Karpathy's *min-char-rnn* from scratch.
# Nothing is trained here: we run one small network forward once, with random weights, and read
# every number it produces.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
#
# The same first cell opens every notebook of the series: numpy, matplotlib, the series library
# `rnn_lib`, arrays printed with 4 decimals, and figure fonts large enough for a projector.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnn_lib
from rnn_notebook.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()
_ = rnn_lib.blas_threads(1)  # numpy's matrix-product library (BLAS) on one thread: fastest for these small matrices

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The training text
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The vocabulary
#
# A network computes with numbers, not letters, so every distinct character gets an integer **id**.
# The list of distinct characters in id order is the **vocabulary**; its length is called $V$.
#
# The lecture slides write the vocabulary of "hello" as `[h, e, l, o]`, the letters in order of
# first appearance. Any order will do, provided it is the **same on every run**: a network trained
# while `h` had id 1 produces nonsense if the next run gives `h` the id 3.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why not `list(set(text))`?
#
# The gist builds its vocabulary with `list(set(data))`. A Python `set` has no order of its own:
# it is iterated in an order set by the hash values of its elements, and Python randomises the hash
# of strings each time an interpreter starts (unless the environment variable `PYTHONHASHSEED`
# fixes it). Let us start a fresh Python six times, with six different hash seeds, and print the
# order in which the set hands back the characters: the order `list(set(text))` would give them ids in.
#
# **Expected:** at least two of the six orders differ. (Which orders appear depends on the Python
# version, so the printed lines may differ from run to run; the check does not.)

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

# %% [markdown] slideshow={"slide_type": "fragment"}
# The order changes from run to run, but every order is a *permutation* of the same four
# characters. Sorting removes the arbitrary part: `sorted(set(text))` depends only on the characters
# themselves (their Unicode code points), so it is identical on every run and every machine.
# The lecture's `[h, e, l, o]` is one more permutation of it. **Expected:** every order above, and
# the lecture's, sorts to the same list.

# %%
chars = sorted(set(text))
V = len(chars)
assert all(sorted(order) == chars for order in orders)  # same characters, different order
lecture_order = ["h", "e", "l", "o"]
assert sorted(lecture_order) == chars
print(f"chars = sorted(set(text)) = {chars},  V = {V}")
print(f"sorted(lecture order {lecture_order}) = {sorted(lecture_order)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
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

# %% [markdown] slideshow={"slide_type": "fragment"}
# `rnn_lib.CharVocab.from_text` is the library's version. We expect the same characters, the same
# two dictionaries, the same ids and the same round trip.

# %%
vocab = rnn_lib.CharVocab.from_text(text)
assert list(vocab.chars) == chars
assert vocab.char_to_ix == char_to_ix and vocab.ix_to_char == ix_to_char
assert np.array_equal(vocab.encode(text), encode(text))
assert vocab.decode(vocab.encode(text)) == decode(encode(text)) == text
print(f"{vocab}: agrees with our tables, encode and decode")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · One-hot vectors
#
# An id is a name, not a quantity: `o` (id 3) is not "three times" `h` (id 1). To hand a character
# to the network without inventing such an order, we write it as a **one-hot** column vector of
# shape $(V, 1)$: zeros everywhere except a 1 in the row of its id. Stacking the one-hot vectors of
# the five characters of "hello" side by side gives a $(V, 5)$ matrix.
#
# **Expected:** a $(4, 5)$ matrix with exactly one 1 in each column, in the row of that column's id
# (`encode("hello")` = `[1, 0, 2, 2, 3]`).

# %%
def one_hot(ix, V):
    """Column vector of shape (V, 1): 1 in row ix, 0 elsewhere."""
    x = np.zeros((V, 1))
    x[ix] = 1.0
    return x


X = np.hstack([one_hot(ix, V) for ix in encode(text)])  # (V, 5): column j encodes text[j]
assert X.shape == (V, len(text))
assert np.array_equal(X.sum(axis=0), np.ones(len(text)))  # exactly one 1 per column
assert np.array_equal(X.argmax(axis=0), encode(text))     # ... in the row of the character's id
print(f"X: shape {X.shape}; rows = vocabulary, columns = the characters of {text!r}")
print("     " + "".join(f"{ch!r:>5}" for ch in text))
for i, row in enumerate(X):
    print(f"{chars[i]!r:>4} " + "".join(f"{v:5.0f}" for v in row))

# %% [markdown] slideshow={"slide_type": "fragment"}
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Inputs and targets: predict the next character
#
# At every time step the network reads one character and is asked for the one that follows it.
# The five characters of "hello" give $T = 4$ steps: the **inputs** are `hell` and the **targets**
# are `ello`, the same text shifted by one place.
#
# This is the **many-to-many** case in the lecture's picture of RNN shapes: a sequence goes in and
# there is one output for every input step.
#
# **Expected:** $T = 4$ inputs and 4 targets, and each target (except the last) is the input of
# the step after it.

# %%
inputs = encode(text[:-1])   # 'hell'
targets = encode(text[1:])   # 'ello'
T = len(inputs)
assert T == len(targets) == len(text) - 1
print(" t   input      target")
for t in range(T):
    print(f" {t}   {ix_to_char[inputs[t]]!r} (id {inputs[t]}) -> {ix_to_char[targets[t]]!r} (id {targets[t]})")
print(f"inputs = {inputs}, targets = {targets}")
assert np.array_equal(targets[:-1], inputs[1:])  # each target is the next step's input

# %% [markdown] slideshow={"slide_type": "fragment"}
# $T$ steps need $T + 1$ characters: the last input needs a character after it. The gist stops
# with an `IndexError` on a text shorter than `seq_length + 1` characters; `load_text` checks that
# up front when told how many characters are needed (the gist's `seq_length` is 25, so 26):

# %%
try:
    rnn_lib.load_text(rnn_lib.data_path("hello.txt"), min_length=26)
    raise AssertionError("expected a ValueError: 'hello' is shorter than 26 characters")
except ValueError as err:
    print(str(err).replace(str(rnn_lib.DATA_DIR), "data"))  # a path that is the same on every machine

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · The vanilla RNN
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Notation used in this series
#
# | symbol | meaning | in this notebook |
# | --- | --- | --- |
# | $V$ | vocabulary size: number of distinct characters | 4 |
# | $H$ | hidden size: number of hidden units | 3 (next cell) |
# | $T$ | time steps in one chunk of text | 4 |
# | $B$ | number of parallel streams (the batch) | 1 |
#
# - Steps are numbered $t = 0, \dots, T-1$, as in the code. $h_{-1}$ is `hprev`, the state before
#   the first step: zero here; during training, the last state of the previous chunk.
# - $\operatorname{onehot}(k)$ is the $(V, 1)$ column with a 1 in row $k$ (the `one_hot(k, V)` of
#   section 3), so $x_t = \operatorname{onehot}(\mathtt{inputs}[t])$.
# - $\ln$ is the natural logarithm (`np.log`).
# - Our hand computation follows one stream in column vectors, like the gist. The library's arrays
#   carry $B$ as an extra axis: `rnn_lib.forward` returns `cache["hs"]` of shape $(T+1, B, H)$,
#   where index 0 is `hprev` and index $t+1$ is $h_t$, and `cache["probs"]` of shape $(T B, V)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A tiny network: H = 3
#
# Like the lecture's picture we use 3 hidden units. `rnn_lib.init_params` draws the three weight
# matrices from a normal distribution times `scale` and sets both biases to zero. The gist uses
# `scale=0.01`; we take 0.5 so that the numbers below visibly differ from one another (section 9
# comes back to 0.01). The seed is arbitrary: any other from 0 to 99 gives other numbers and passes
# every check below. **Expected:** the five shapes of the table above with $V = 4$, $H = 3$.

# %%
H, SEED = 3, 2
params = rnn_lib.init_params(V, H, np.random.default_rng(SEED), scale=0.5)
Wxh, Whh, Why, bh, by = (params[name] for name in rnn_lib.PARAM_NAMES)
for name in rnn_lib.PARAM_NAMES:
    print(f"{name:>3}: shape {params[name].shape}")
assert {name: p.shape for name, p in params.items()} == rnn_lib.param_shapes(V, H)

# %% [markdown] slideshow={"slide_type": "subslide"}
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · The forward pass, step by step
#
# Start from $h_{-1}$ (zero for "hello") and apply the recurrence to the inputs `h`, `e`, `l`, `l`,
# one step after the other. At step $t = 0, 1, \dots, T-1$:
#
# 1. the input character becomes its one-hot column $x_t = \operatorname{onehot}(\mathtt{inputs}[t])$, $(V, 1)$;
# 2. the new hidden state mixes it with the previous one: $h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)$, $(H, 1)$;
# 3. the state gives one score per character, the **logits** $y_t = W_{hy} h_t + b_y$, $(V, 1)$;
# 4. the softmax turns the scores into probabilities, $p_t = \operatorname{softmax}(y_t)$, $(V, 1)$,
#    computed as $e^{\,y_t - \max y_t}$ divided by its sum (next subsection);
# 5. $h_t$ is handed to step $t + 1$, and nothing else is: the same five parameters serve every step.
#
# The network's best guess at step $t$ is the character with the largest $p_t$. Section 8 turns these
# steps into code (your exercise) and prints every number of the four steps of "hello".

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why subtracting $\max y_t$ is safe
#
# Notebook 02 (section 6) works this out; here is the one-line version. Subtracting the same number $c$
# from every score multiplies every $e^{y_k}$ by $e^{-c}$, and that factor cancels between the numerator
# and the sum: the softmax does not change. With $c = \max y_t$ the largest exponent is $0$, so `exp`
# cannot overflow. **Expected:** on the logits $(1.5, -0.3, 0.8, 2.1)$ the softmax with and without
# the shift agree (`np.allclose`). Adding 1000 to every logit changes no probability, yet $e^{1000}$
# overflows a float64: the unshifted formula returns `nan` (`inf / inf`) while `softmax` returns the
# same four probabilities again.

# %%
def softmax(y):
    e = np.exp(y - y.max())
    return e / e.sum()


def softmax_unshifted(y):
    e = np.exp(y)
    return e / e.sum()


y_example = np.array([[1.5], [-0.3], [0.8], [2.1]])
y_huge = y_example + 1000.0
with np.errstate(over="ignore", invalid="ignore"):  # the overflow is what we want to show
    p_unshifted_huge = softmax_unshifted(y_huge)
print(f"logits:        unshifted {vec(softmax_unshifted(y_example), '.4f')} | shifted {vec(softmax(y_example), '.4f')}")
print(f"logits + 1000: unshifted {vec(p_unshifted_huge, '.4f')} | shifted {vec(softmax(y_huge), '.4f')}")
assert np.allclose(softmax_unshifted(y_example), softmax(y_example), rtol=0, atol=1e-15)
assert np.all(np.isnan(p_unshifted_huge)) and np.allclose(softmax(y_huge), softmax(y_example), rtol=0, atol=1e-12)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · The loss: four cross-entropies
#
# The **cross-entropy** of a predicted distribution $p$ against a target distribution $q$ over the
# same $V$ characters is
#
# $$\mathrm{CE}(q, p) = -\sum_{k} q_k \ln p_k$$
#
# (often written $H(q, p)$; here the letter $H$ is taken by the hidden size). Our target is a single
# known character, $q = \operatorname{onehot}(\mathrm{target}_t)$: every term with $q_k = 0$ drops out,
# and what is left is $-\ln$ of the probability the network gave to the right next character,
#
# $$\mathrm{CE}\big(\operatorname{onehot}(\mathrm{target}_t),\, p_t\big) = -\ln p_t[\mathrm{target}_t].$$
#
# It is 0 for a certain, correct guess and grows without bound as that probability goes to 0.
# The loss of the sequence adds the four steps:
#
# $$L = \sum_{t=0}^{3} -\ln p_t[\mathrm{target}_t]$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Nats, and the uniform guess
#
# A loss computed with the natural log $\ln$ is measured in **nats**; computed with $\log_2$ it would
# be in **bits**. Because $\log_2 x = \ln x / \ln 2$, one nat is $1/\ln 2$ bits.
#
# A network that knows nothing and guesses uniformly, $p_t = (\tfrac14, \tfrac14, \tfrac14, \tfrac14)$,
# pays $\ln 4$ at every step, $4 \ln 4$ in all: in bits, $4 \log_2 4 = 8$.
#
# **Expected:** $4 \ln 4$ nats converts to 8 bits.

# %%
uniform_loss = T * np.log(V)
nats_to_bits = 1 / np.log(2)
print(f"uniform guess: 4 ln 4 = 4 x {np.log(V):.4f} = {uniform_loss:.4f} nats")
print(f"1 nat = 1/ln 2 = {nats_to_bits:.4f} bits;  4 ln 4 nats = {uniform_loss * nats_to_bits:.4f} bits")
assert abs(uniform_loss * nats_to_bits - 8) < 1e-12

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · The forward pass in code
#
# ### Exercise · `rnn_forward` (6 points)
#
# Write the forward pass of sections 6 and 7 as one function: the first half of the gist's `lossFun`,
# which the backward pass of notebook 03 builds on. `rnn_forward(params, inputs, targets, hprev)`
# receives
#
# - `params`, a dict of the five parameters `Wxh` $(H, V)$, `Whh` $(H, H)$, `Why` $(V, H)$,
#   `bh` $(H, 1)$, `by` $(V, 1)$ (read $V$ and $H$ from their shapes, and the weights from `params`,
#   not from the notebook's variables: the tests use networks of other sizes);
# - `inputs` and `targets`, two lists of $T$ ids;
# - `hprev` $(H, 1)$, the state $h_{-1}$ before the first step,
#
# runs the five steps of section 6 for $t = 0, \dots, T-1$ and returns `loss, xs, hs, ps`:
#
# - `xs[t]` the one-hot input $x_t$ $(V, 1)$, `hs[t]` the state $h_t$ $(H, 1)$, `ps[t]` the
#   probabilities $p_t$ $(V, 1)$: three **dicts** keyed by the step $t$, as in the gist, because the
#   backward pass needs all of them;
# - `hs[-1]`, a copy of `hprev`, so that step 0 reads $h_{t-1}$ like every other step. (In a dict, the
#   key $-1$ is just a key. In a list or an array, index $-1$ means the last element, so `hs` must be
#   a dict.)
# - `loss`, the number $L = \sum_t -\ln p_t[\mathrm{target}_t]$ of section 7: natural log, summed
#   (not averaged) over the steps.
#
# Use numpy (`one_hot` of section 3 and `softmax` of section 6 are yours to call), not `rnn_lib`: the
# grader switches the library off while your function runs. Leave `hprev` unchanged.

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": false, "grade_id": "rnn_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rnn_forward(params, inputs, targets, hprev):
    """The loss of one chunk, and what the backward pass needs: every step's x_t, h_t and p_t.

    Parameters
    ----------
    params : dict
        ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1).
    inputs, targets : lists of T ints
        The ids fed in at each step, and the ids each step should predict.
    hprev : array, shape (H, 1)
        The hidden state before step 0.

    Returns
    -------
    loss : float
        Sum over t of -ln ps[t][targets[t]] (nats).
    xs, hs, ps : dicts keyed by t = 0, ..., T-1
        One-hot inputs (V, 1), hidden states (H, 1), probabilities (V, 1); ``hs[-1]`` is a copy of hprev.
    """
    ### BEGIN SOLUTION
    Wxh, Whh, Why, bh, by = params["Wxh"], params["Whh"], params["Why"], params["bh"], params["by"]
    vocab_size = Wxh.shape[1]
    xs, hs, ps = {}, {}, {}
    hs[-1] = np.copy(hprev)  # the state before step 0 (a copy: hprev itself is never changed)
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = np.zeros((vocab_size, 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        logits = Why @ hs[t] + by
        scores = np.exp(logits - np.max(logits))  # shifted: exp cannot overflow, the softmax is unchanged
        ps[t] = scores / np.sum(scores)
        loss += -np.log(ps[t][targets[t], 0])
    return float(loss), xs, hs, ps
    ### END SOLUTION

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Testing `rnn_forward`
#
# Three test cells, one per part of the exercise; each says what to look at when it fails.
#
# 1. **Shapes and the cache** (2 points), on a random network with $V = 5$, $H = 3$, $T = 6$ and a
#    non-zero `hprev`: four things are returned, the loss is one number, every `xs[t]` is the one-hot
#    column of `inputs[t]`, `hs[-1]` equals `hprev` (left unchanged), every `hs[t]` is $(H, 1)$ and
#    every `ps[t]` a $(V, 1)$ distribution (entries $\ge 0$ that sum to 1).
# 2. **The loss** (2 points), on networks whose outputs we know without running them. With every
#    weight and bias zero, every logit is 0, so every $h_t$ is 0 (whatever `hprev`), every $p_t$ is
#    uniform and $L = 4 \ln 4$ exactly. With only $b_y = \ln(0.1, 0.2, 0.3, 0.4)$ non-zero, every
#    $p_t$ is $(0.1, 0.2, 0.3, 0.4)$, so for the targets `ello` (ids 0, 2, 2, 3)
#    $L = -(\ln 0.1 + 2 \ln 0.3 + \ln 0.4)$; adding 1000 to $b_y$ changes nothing, as long as the
#    softmax is shifted. And on a random network your loss must equal $\sum_t -\ln$ `ps[t][targets[t]]`
#    of your own `ps`.
# 3. **A random network** (2 points): the states and probabilities of the network
#    `random_model(4, 3, seed=1)` below, with $h_{-1} = (0.5, -0.25, 0.75)$, on "hell", against numbers
#    computed beforehand (to 6 significant digits).
#
# The grader runs the same three parts again on other random networks and sizes.

# %% slideshow={"slide_type": "fragment"}
def random_model(V, H, seed):
    """Parameters for the tests: weights and biases drawn from N(0, 0.5^2) by default_rng(seed)."""
    rng = np.random.default_rng(seed)
    return {name: rng.normal(0, 0.5, shape) for name, shape in rnn_lib.param_shapes(V, H).items()}

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_rnn_forward_cache", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_rnn_forward

for seed in (1, 2, 3):
    check_rnn_forward(rnn_forward, seed=seed, part="cache")
check_rnn_forward(rnn_forward, seed=4, part="cache", V=3, H=7, T=1)
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("rnn_forward", "shapes and the cache"):
    test_params, test_hprev = random_model(5, 3, seed=0), np.array([[0.3], [-0.6], [0.9]])
    test_inputs, test_targets = [0, 4, 4, 1, 3, 2], [4, 4, 1, 3, 2, 0]
    given_hprev = test_hprev.copy()
    result = rnn_forward(test_params, test_inputs, test_targets, given_hprev)
    assert isinstance(result, tuple) and len(result) == 4, "return four things: return loss, xs, hs, ps"
    test_loss, test_xs, test_hs, test_ps = result
    assert np.size(test_loss) == 1, "the loss should be one number, the sum over the steps"
    checks.expect_unchanged(test_hprev, given_hprev, "hprev")
    checks.expect_close(test_hs[-1], test_hprev, "hs[-1]",
                        hint="store a copy of hprev as hs[-1] before the loop (hs is a dict)")
    assert len(test_xs) == len(test_ps) == 6 and len(test_hs) == 7, (
        "with T = 6 steps, xs and ps should hold 6 entries (t = 0, ..., 5) and hs 7 (hs[-1] = hprev too)")
    for t in range(6):
        for name, array, shape in (("xs", test_xs[t], (5, 1)), ("hs", test_hs[t], (3, 1)), ("ps", test_ps[t], (5, 1))):
            assert np.shape(array) == shape, f"{name}[{t}] should have shape {shape}, got {np.shape(array)}"
        assert test_xs[t].sum() == 1 and test_xs[t][test_inputs[t], 0] == 1, (
            f"xs[{t}] should be zeros with a single 1 in row inputs[{t}] = {test_inputs[t]}")
        assert np.all(test_ps[t] >= 0), f"ps[{t}] has a negative entry"
        checks.expect_close(test_ps[t].sum(), 1.0, f"the sum of ps[{t}]",
                            hint="p_t = exp(y_t - max y_t) divided by its sum")

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_rnn_forward_loss", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_rnn_forward

for seed in (1, 2, 3):
    check_rnn_forward(rnn_forward, seed=seed, part="loss")
check_rnn_forward(rnn_forward, seed=4, part="loss", V=7, H=2, T=1)
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("rnn_forward", "the loss"):
    test_hprev = np.array([[0.5], [-0.25], [0.75]])
    test_inputs, test_targets = [1, 0, 2, 2], [0, 2, 2, 3]  # 'hell' -> 'ello'
    zero_model = {name: np.zeros(shape) for name, shape in rnn_lib.param_shapes(4, 3).items()}
    test_loss, _, test_hs, test_ps = rnn_forward(zero_model, test_inputs, test_targets, test_hprev)
    for t in range(4):
        checks.expect_close(test_hs[t], np.zeros((3, 1)), f"hs[{t}] of the all-zero network",
                            hint="with every weight and bias zero, h_t = tanh(0) = 0")
        checks.expect_close(test_ps[t], np.full((4, 1), 0.25), f"ps[{t}] of the all-zero network")
    checks.expect_close(test_loss, 4 * np.log(4), "the loss of the all-zero network", rtol=1e-12,
                        hint="L = sum over t of -ln p_t[target_t]: natural log (np.log), summed, not averaged")
    p_known = np.array([[0.1], [0.2], [0.3], [0.4]])
    for shift in (0.0, 1000.0):
        bias_model = {**zero_model, "by": np.log(p_known) + shift}
        with np.errstate(over="ignore", invalid="ignore"):
            test_loss, _, _, test_ps = rnn_forward(bias_model, test_inputs, test_targets, test_hprev)
        what = "with by = ln(0.1, 0.2, 0.3, 0.4)" + (" + 1000" if shift else "")
        hint = "subtract the largest logit before np.exp: exp(1000) overflows" if shift else ""
        for t in range(4):
            checks.expect_close(test_ps[t], p_known, f"ps[{t}] {what}", hint=hint)
        checks.expect_close(test_loss, -(np.log(0.1) + 2 * np.log(0.3) + np.log(0.4)), f"the loss {what}",
                            hint=hint or "the targets are 0, 2, 2, 3: L = -(ln 0.1 + 2 ln 0.3 + ln 0.4)")
    test_loss, _, _, test_ps = rnn_forward(random_model(4, 3, seed=2), test_inputs, test_targets, test_hprev)
    own_loss = sum(-np.log(test_ps[t][test_targets[t], 0]) for t in range(4))
    checks.expect_close(test_loss, own_loss, "the loss of a random network", rtol=1e-10,
                        hint="it should be the sum over t of -ln ps[t][targets[t]] of your own ps")

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_rnn_forward_random", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_rnn_forward

for seed in (1, 2, 3):
    check_rnn_forward(rnn_forward, seed=seed, part="random")
check_rnn_forward(rnn_forward, seed=4, part="random", V=6, H=8, T=12)
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("rnn_forward", "a random network"):
    test_hprev = np.array([[0.5], [-0.25], [0.75]])
    _, _, test_hs, test_ps = rnn_forward(random_model(4, 3, seed=1), [1, 0, 2, 2], [0, 2, 2, 3], test_hprev)
    hint = ("h_t = tanh(Wxh x_t + Whh h_{t-1} + bh) with h_{-1} = hprev, y_t = Why h_t + by, "
            "p_t = softmax(y_t); read the weights from params")
    checks.expect_close(test_hs[0], [[0.796018951341], [0.523837378119], [0.307989933494]], "hs[0]",
                        hint=hint, rtol=1e-6)
    checks.expect_close(test_hs[3], [[0.722960959571], [0.261549748962], [0.044206251359]], "hs[3]",
                        hint=hint, rtol=1e-6)
    checks.expect_close(test_ps[3], [[0.218082611804], [0.032951969607], [0.248112140466], [0.500853278123]],
                        "ps[3]", hint=hint, rtol=1e-6)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The four steps of "hello"
#
# Now the network of section 5, from $h_{-1} = 0$, on the inputs `h`, `e`, `l`, `l`. Every step prints
# $h_t$, the scores $y_t$ and the probabilities $p_t$ (entries in id order `e h l o`), and the
# network's best guess.
#
# **Expected:** every $p_t$ sums to 1 (to within 1e-12), and $h_2 \neq h_3$ although both inputs are `l`.

# %% needs=["rnn_forward"]
hprev = np.zeros((H, 1))  # h_{-1}
loss, xs, hs, ps = rnn_forward(params, inputs, targets, hprev)
for t in range(T):
    p = ps[t]
    print(f"t={t}: input {ix_to_char[inputs[t]]!r}, target {ix_to_char[targets[t]]!r}, "
          f"best guess {ix_to_char[int(p.argmax())]!r}")
    print(f"   h_t = {vec(hs[t])}\n   y_t = {vec(Why @ hs[t] + by)}\n   p_t = {vec(p, '.4f')}")
assert all(abs(ps[t].sum() - 1) < 1e-12 for t in range(T))

# %% needs=["rnn_forward"]
h_gap = np.abs(hs[3] - hs[2]).max()
print(f"largest |h_3 - h_2| = {h_gap:.4f}")
assert h_gap > 0.02  # same input 'l', visibly different states

# %% [markdown] slideshow={"slide_type": "fragment"}
# The hidden state at step 3 differs from the one at step 2 although both inputs are `l`: $h_t$
# depends on everything read so far, through $W_{hh}$. The probabilities, on the other hand, rule no
# character out and take none for certain (section 9 checks their range): this network has learned
# nothing yet, and its guesses show it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss of "hello", term by term
#
# **Expected:** the four terms add up to the loss `rnn_forward` returned, and at step 0 the full sum
# $-\sum_k q_k \ln p_{0,k}$ of the cross-entropy's definition equals the single term
# $-\ln p_0[\mathrm{target}_0]$ (to 1e-15).

# %% needs=["rnn_forward"]
terms = [-np.log(ps[t][targets[t], 0]) for t in range(T)]
for t in range(T):
    print(f"t={t}: -ln p_t[{ix_to_char[targets[t]]!r}] = -ln {ps[t][targets[t], 0]:.4f} = {terms[t]:.4f}")
print(f"L = {' + '.join(f'{term:.4f}' for term in terms)} = {loss:.4f} nats")
print(f"uniform guess: 4 ln 4 = {uniform_loss:.4f} nats")
q = one_hot(targets[0], V)          # the target distribution of step 0
ce_full = -np.sum(q * np.log(ps[0]))  # all V terms of the definition
print(f"step 0: -sum_k q_k ln p_k = {ce_full:.4f} = -ln p_0[target] = {terms[0]:.4f}")
assert abs(sum(terms) - loss) < 1e-12
assert abs(ce_full - terms[0]) < 1e-15

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# ### Checking against `rnn_lib`
#
# `rnn_lib.forward` runs the same recurrence (with the column look-up, and one matrix product for
# the outputs of all steps) and `rnn_lib.cross_entropy` adds up the terms;
# `rnn_lib.loss_and_grads_reference` is a plain per-step version that follows the gist line by line.
# Same parameters and inputs, so we expect hidden states, probabilities and loss to agree with ours
# to within 1e-12.

# %% tags=["reading-only"]
cache = rnn_lib.forward(params, inputs, hprev)
lib_loss = rnn_lib.cross_entropy(cache, targets)
ref_loss, _, ref_h_last = rnn_lib.loss_and_grads_reference(params, inputs, targets, hprev)
assert np.allclose(cache["hs"][1:, 0, :], np.hstack([hs[t] for t in range(T)]).T, rtol=0, atol=1e-12)
assert np.allclose(cache["probs"], np.hstack([ps[t] for t in range(T)]).T, rtol=0, atol=1e-12)
assert np.allclose(ref_h_last, hs[T - 1], rtol=0, atol=1e-12)
assert abs(lib_loss - loss) < 1e-12 and abs(ref_loss - loss) < 1e-12
print(f"ours {loss:.10f} | forward + cross_entropy {lib_loss:.10f} | reference {ref_loss:.10f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 · The four steps at a glance
#
# Left: the hidden state, one column per step (red positive, blue negative; tanh keeps every entry
# between -1 and 1, the range of its colour bar). Right: the distributions $p_t$, with each step's
# target outlined in orange, on a colour scale that spans all probabilities from 0 to 1. Training
# will push probability into the orange boxes and darken them. For now no character is taken for
# certain, and the map shows it: no cell comes close to the darkest blue.
#
# **Expected:** the right panel draws exactly our $p_t$ (one column per step) with colour limits 0
# and 1, and every entry lies between 0.02 and 0.8.

# %% needs=["rnn_forward"]
from rnn_notebook.plotting import plot_rnn_step, plot_rnn_steps

P = np.hstack([ps[t] for t in range(T)])  # (V, T): column t is p_t
ax_h, ax_p = plot_rnn_steps(np.hstack([hs[t] for t in range(T)]).T, P.T, chars, inputs=inputs, targets=targets)
p_image = ax_p.images[0]
print(f"p_t entries range from {P.min():.4f} to {P.max():.4f}; colour limits {p_image.get_clim()}")
assert np.allclose(p_image.get_array(), P, rtol=0, atol=1e-12)
assert p_image.get_clim() == (0, 1) and 0.02 < P.min() and P.max() < 0.8

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One step at a time
#
# `show_step(t)` draws step $t$: the bars of $h_t$, and the bars of $p_t$ with the target's bar in
# orange and the uniform $1/4$ as a dashed line. It returns the two panels it drew, so we can read
# the bars back from the figure and check them before putting the function behind a slider.
#
# **Expected:** at $t = 2$ (input: the first `l`) the bar heights of the $p$ panel equal $p_2$ (`ps[2]`
# of section 8), those of the $h$ panel equal $h_2$ (`hs[2]`), and exactly one bar is orange: the
# target `l`, id 2.

# %% needs=["rnn_forward"]
from matplotlib.colors import to_hex


def show_step(t):
    """Draw step t of the forward pass; return the two Axes (h_t bars, p_t bars)."""
    target = int(targets[t])
    title = f"t={t}: input {ix_to_char[inputs[t]]!r}, target {ix_to_char[target]!r}"
    return plot_rnn_step(hs[t], ps[t], chars, target=target, title=title)


step_h_ax, step_p_ax = show_step(2)
p_heights = np.array([bar.get_height() for bar in step_p_ax.patches])
h_heights = np.array([bar.get_height() for bar in step_h_ax.patches])
orange = [k for k, bar in enumerate(step_p_ax.patches) if to_hex(bar.get_facecolor()) == to_hex("tab:orange")]
print(f"p bars drawn: {vec(p_heights, '.4f')};  orange bar(s): {[ix_to_char[k] for k in orange]}")
print(f"h bars drawn: {vec(h_heights)}")
assert np.allclose(p_heights, ps[2].ravel(), rtol=0, atol=1e-12)
assert np.allclose(h_heights, hs[2].ravel(), rtol=0, atol=1e-12)
assert orange == [char_to_ix["l"]]

# %% [markdown] slideshow={"slide_type": "fragment"}
# The slider below calls the same function each time it moves. It needs a running kernel: a copy of
# the notebook viewed without one (on GitHub, say) shows the figure for $t = 0$ instead.
# `rnn_notebook.widgets.figure_widget` shows the figure as an image under the controls. Move $t$ from
# 0 to 3: the hidden state changes with every input, while every bar of $p_t$ stays below 0.8 (the
# range checked above).

# %% needs=["rnn_forward"]
import ipywidgets as widgets

from rnn_notebook.widgets import figure_widget


def draw_step(t):
    step_h_ax, _ = show_step(t)
    return step_h_ax.figure


slider = widgets.IntSlider(value=0, min=0, max=T - 1, description="t")
caption = ("Interactive figure: move the slider t from 0 to 3 to see each step "
           "(needs a running kernel); here t = 0.")
display(figure_widget(draw_step, {"t": slider}, caption=caption))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10 · Why an untrained network scores about $4 \ln 4$
#
# With small weights, $h_t$ is small, so the scores $y_t = W_{hy} h_t + b_y$ are all close to
# $b_y = 0$, and the softmax of four equal scores is exactly uniform. Each step then costs about
# $\ln 4$ and the whole sequence about $4 \ln 4$. The gist's `* 0.01` puts a new network right
# there: it starts out claiming no knowledge it does not have. (This is also where the gist's first
# `smooth_loss`, `-log(1/vocab_size) * seq_length`, comes from.)
#
# One random network is not enough to compare scales: whether a single draw lands above or below
# $4 \ln 4$ is luck. Section 5's draw scored $L = 5.7455$ at scale 0.5 (section 8), against
# $4 \ln 4 = 5.5452$; another draw at the same scale may land on the other side. So for each of four
# scales we draw 100 networks, each from its own generator `np.random.default_rng(seed)` with
# seed $= 0, \dots, 99$ (section 5's network is one of them), and average over them.
#
# **Expected:** the mean loss grows with the scale from 0.1 to 0.5 to 1; at every scale some draws land
# below $4 \ln 4$ and some above, at scale 1 fewer than half below; the spread of $L$ across draws and
# the largest $|p_t - 1/4|$ both shrink with the scale; at 0.1 and 0.01 the mean lies within 0.01 of
# $4 \ln 4$, and at 0.01 every single draw lies within 0.002 of it, with no probability further than
# $4 \times 10^{-4}$ from $1/4$.

# %% needs=["rnn_forward"]
scales = (1.0, 0.5, 0.1, 0.01)
n_draws = 100
draw_loss = np.empty((len(scales), n_draws))       # L of every draw
draw_deviation = np.empty((len(scales), n_draws))  # max over t and k of |p_t[k] - 1/4|, per draw
for i, scale in enumerate(scales):
    for seed in range(n_draws):
        trial = rnn_lib.init_params(V, H, np.random.default_rng(seed), scale=scale)
        draw_loss[i, seed], _, _, trial_ps = rnn_forward(trial, inputs, targets, np.zeros((H, 1)))
        draw_deviation[i, seed] = max(np.abs(trial_ps[t] - 1 / V).max() for t in range(T))

# %% needs=["rnn_forward"]
mean_loss, spread = draw_loss.mean(axis=1), draw_loss.std(axis=1)
std_error = spread / np.sqrt(n_draws)  # the noise left in a mean of n_draws draws
share_below = (draw_loss < uniform_loss).mean(axis=1)
largest_deviation = draw_deviation.max(axis=1)
worst_at_001 = np.abs(draw_loss[3] - uniform_loss).max()
print(f"4 ln 4 = {uniform_loss:.4f};  {n_draws} draws per scale")
print(" scale   mean L   s.e. of mean   mean L - 4 ln 4   std of L   L < 4 ln 4   largest |p_t - 1/4|")
for i, scale in enumerate(scales):
    print(f"{scale:6.2f}   {mean_loss[i]:6.4f}   {std_error[i]:12.2g}   {mean_loss[i] - uniform_loss:+15.2g}"
          f"   {spread[i]:8.4f}   {share_below[i]:10.0%}   {largest_deviation[i]:19.1e}")
assert mean_loss[0] > mean_loss[1] > mean_loss[2] and share_below[0] < 0.5
assert np.all((share_below > 0) & (share_below < 1))  # at every scale, some draws below 4 ln 4, some above
assert np.all(np.diff(spread) < 0) and np.all(np.diff(largest_deviation) < 0)
assert np.all(np.abs(mean_loss[2:] - uniform_loss) < 0.01)
assert abs(mean_loss[2] - mean_loss[3]) < 3 * std_error[2]  # 0.1 vs 0.01: a difference within the noise
assert 5e-5 < largest_deviation[3] < 4e-4

# %% needs=["rnn_forward"]
print(f"section 5's draw (seed {SEED}, scale 0.5): L = {draw_loss[1, SEED]:.4f}, as in section 8")
print(f"scale 0.01: the draw furthest from 4 ln 4 is off by {worst_at_001:.1e}")
assert worst_at_001 < 2e-3
assert abs(draw_loss[1, SEED] - loss) < 1e-12  # the draw of section 5, as in section 8
assert loss > uniform_loss  # ... which scored worse than the uniform guess

# %% [markdown] slideshow={"slide_type": "fragment"}
# Large random weights make a **confident** network, and on average confidence without knowledge
# costs: at scale 1 only a minority of draws beat the uniform guess, and the mean loss is well above
# $4 \ln 4$. A lucky guess can save at most $\ln 4$ per step (the loss cannot go below 0), while an
# unlucky one can cost any amount.
#
# Below scale 0.1 the mean stops moving: the means at 0.1 and 0.01 differ by less than three standard
# errors of the mean at 0.1, a difference within the noise, so which of the two comes out lower is
# chance (another 100 seeds could swap them). What keeps shrinking is the spread: at 0.01 every draw
# scores $4 \ln 4$ to within two thousandths. The probabilities are not exactly $1/4$ either: the
# last column shows them off by up to about $2 \times 10^{-4}$ at 0.01, so they equal $1/4$ to three
# decimals, not to four.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What small starting weights buy, and what they cost
#
# Small *random* weights give a network that
#
# - predicts nearly uniformly, so it starts at the honest loss $T \ln V$;
# - keeps its hidden units far from the flat ends of $\tanh$: $|h_t| \ll 1$, where the slope
#   $\tanh' = 1 - h_t^2$ is almost 1;
# - is still random, which breaks the symmetry: if every weight started at the same value, all
#   hidden units would compute the same thing, receive the same gradient and stay copies of one
#   another for ever.
#
# The price is that $W_{hh}$ is tiny as well. Sending a gradient one step back in time multiplies it
# by $W_{hh}^\top$ (and by slopes $\tanh' \le 1$), so $k$ steps back it is at most $\sigma^k$ of its
# size, where $\sigma$ is the **largest singular value** of $W_{hh}$: the most the matrix can stretch a
# vector, $\lVert W_{hh} v \rVert \le \sigma \lVert v \rVert$ for every $v$ (numpy: `np.linalg.norm(W, 2)`).
# Notebook 03 (section 8) derives the bound.
#
# **Expected:** for section 5's seed at scale 0.01, every $|h_t|$ is below 0.05, and $\sigma$ is far
# below 1, both here ($H = 3$) and at the gist's size ($H = 100$, $V = 65$); no random vector is
# stretched by more than $\sigma$.

# %% needs=["rnn_forward"]
small = rnn_lib.init_params(V, H, np.random.default_rng(SEED), scale=0.01)
small_hs = rnn_forward(small, inputs, targets, np.zeros((H, 1)))[2]
small_h_max = max(np.abs(small_hs[t]).max() for t in range(T))
print(f"scale 0.01: largest |h_t| = {small_h_max:.4f}, so every tanh' = 1 - h_t^2 >= {1 - small_h_max**2:.4f}")
assert small_h_max < 0.05

# %% needs=["rnn_forward"]
gist_size = rnn_lib.init_params(65, 100, np.random.default_rng(SEED), scale=0.01)
sigma = {"H = 3": np.linalg.norm(small["Whh"], 2), "H = 100": np.linalg.norm(gist_size["Whh"], 2)}
for name, sig in sigma.items():
    print(f"{name:>7}: largest singular value of Whh = {sig:.4f};  10 steps back: at most {sig**10:.1e} of the gradient")
directions = np.random.default_rng(0).normal(size=(H, 1000))  # 1000 random vectors v, one per column
stretch = np.linalg.norm(small["Whh"] @ directions, axis=0) / np.linalg.norm(directions, axis=0)
print(f"H = 3: largest |Whh v| / |v| over 1000 random v = {stretch.max():.4f}, at most sigma: "
      f"{stretch.max() <= sigma['H = 3'] * (1 + 1e-12)}")
assert stretch.max() <= sigma["H = 3"] * (1 + 1e-12)
assert all(sig < 0.25 for sig in sigma.values())

# %% [markdown] slideshow={"slide_type": "fragment"}
# At the start, then, almost nothing of a loss reaches back more than a step or two. Training gets
# going anyway: the gist's optimiser, Adagrad, moves each weight by about the learning rate on its
# first step, whatever the size of its gradient (only gradients of about $10^{-4}$ or smaller step
# noticeably less), so $W_{hh}$ soon grows out of its tiny start. Notebooks 03, 04, 05 and 09 follow this
# up: how the gradient flows back in time, why Adagrad's first steps behave like this, and when the
# signal through time vanishes or explodes.

# %% [markdown] slideshow={"slide_type": "slide"}
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
# - The **loss** adds $-\ln p_t[\mathrm{target}_t]$ over the steps: the cross-entropy against the
#   one-hot target, measured in nats because the log is natural (1 nat = $1/\ln 2$ bits).
# - With small random weights (the gist's 0.01) a new network guesses nearly uniformly, so it starts
#   near $T \ln V$ ($4 \ln 4 \approx 5.545$ here). Averaged over 100 draws, larger starting weights
#   score worse: confident random guesses cost more than they save.
# - `rnn_forward` puts the steps and the loss into one function, the first half of the gist's
#   `lossFun`, keeping every $x_t$, $h_t$ and $p_t$ (with `hs[-1]` = `hprev`) for the backward pass
#   of notebook 03.
#
# Next, in notebook 02: softmax and cross-entropy up close, and the gradient of the loss with
# respect to the scores $y_t$, the first step towards changing the weights so that the orange
# boxes fill up.

# %% [markdown] slideshow={"slide_type": "subslide"}
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
# 7. A model's loss is 1.2 nats per character. How many bits per character is that?
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
# 7. $1.2 / \ln 2 \approx 1.73$ bits per character.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - Andrej Karpathy, *min-char-rnn.py*, the gist this series rebuilds:
#   <https://gist.github.com/karpathy/d4dee566867f8291f086>
# - Andrej Karpathy, *The Unreasonable Effectiveness of Recurrent Neural Networks* (blog post, 2015),
#   where the "hello" example comes from: <http://karpathy.github.io/2015/05/21/rnn-effectiveness/>
# - Stanford CS231n, *Lecture 10: Recurrent Neural Networks*: the slides with the RNN shapes
#   (one-to-many, many-to-many, ...) and the `[h, e, l, o]` character-model picture;
#   course site <https://cs231n.stanford.edu/>

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# # 07 · Sampling: making a trained RNN write
# ### One character at a time, each drawn from the model's own prediction
#
# **What you will learn**
#
# - how a trained character-level RNN generates text: run one step, turn the output into a
#   probability distribution, draw a character, feed it back in; written from scratch in numpy and
#   checked character for character against `rnn_lib.sample`;
# - what the distribution over the next character looks like after a given prefix;
# - what the **temperature** does ($\mathrm{softmax}(y/T)$), and the trade-off between safe and varied text;
# - why greedy decoding (always the most likely character) ends up repeating itself, and how to
#   detect the loop in code;
# - why a **priming** text such as `ROMEO:` changes what comes next;
# - the answer to a question asked under the gist: *"how do I generate text with this?"*, with three
#   lines of library code and with the command line.
#
# **Prerequisites:** notebooks 01–06 (the forward step, softmax, backpropagation through time,
# Adagrad, and training on Shakespeare). Nothing is trained here: we load a trained model.
#
# **Time:** about 55 minutes on your own without the part marked *optional*; its two exercises take
# about 40 minutes more, best done in a second sitting.

# %% [markdown] tags=["homework-only"]
# # 07 · Sampling: making a trained RNN write
# ### One character at a time, each drawn from the model's own prediction
#
# **What you will learn**
#
# - how a trained character-level RNN generates text: run one step, turn the output into a
#   probability distribution, draw a character, feed it back in; written by you in numpy, in two
#   exercises, and then used for every sample of the notebook;
# - what the distribution over the next character looks like after a given prefix;
# - what the **temperature** does ($\mathrm{softmax}(y/T)$), and the trade-off between safe and varied text;
# - why greedy decoding (always the most likely character) ends up repeating itself, and how to
#   detect the loop in code;
# - why a **priming** text such as `ROMEO:` changes what comes next;
# - the answer to a question asked under the gist: *"how do I generate text with this?"*, with three
#   lines of library code (running your sampler) and with the command line.
#
# **Prerequisites:** notebooks 01–06 (the forward step, softmax, backpropagation through time,
# Adagrad, and training on Shakespeare). Nothing is trained here: we load a trained model.
#
# **Time:** about 55 minutes on your own without the part marked *optional*; its two exercises take
# about 40 minutes more, best done in a second sitting.

# %% [markdown] slideshow={"slide_type": "skip"}
# Setup: the same first cell in every notebook of the series.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnn_lib
from rnn_notebook.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()
_ = rnn_lib.blas_threads(1)  # numpy's matrix-product library (BLAS) on one thread: fastest for these small matrices

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · "It is running though": where is the text?
#
# A learner under the gist wrote: *"Could someone explain how to use this? I can't generate text.
# It is running though."* The gist is a single `while True` loop: it trains forever and, every 100
# iterations, prints 200 characters drawn from the current model between two lines of dashes. Those
# printed samples **are** the generated text. But the weights live only in memory, so when you stop the
# script the model is gone, and there is no way to ask it for more text later.
#
# Generating on demand needs two things: (1) the trained weights, saved to a file, and (2) a sampling
# loop that reads them. `python -m rnn_lib train` saves a checkpoint; this notebook is about (2).

# %% [markdown] slideshow={"slide_type": "subslide"}
# We load a model that `python -m rnn_lib train` (notebook 06) trained on tiny Shakespeare and saved
# to `checkpoints/shakespeare_rnn.npz` (`rnn_lib.shipped_checkpoint()` gives its path). We also score it
# on the held-out last 10% of the text, which it never trained on, with `rnn_lib.evaluate`.
# **Expected:** a 65-character vocabulary; the five matrices with the shapes of notebook 01: `Wxh`
# (H, V), `Whh` (H, H), `Why` (V, H), `bh` (H, 1), `by` (V, 1); and a validation loss below half the
# $\ln V$ of a uniform guess.

# %%
CHECKPOINT = rnn_lib.shipped_checkpoint()  # checkpoints/shakespeare_rnn.npz
ROOT = CHECKPOINT.parent.parent  # the repository folder
ckpt = rnn_lib.load_checkpoint(CHECKPOINT)
params, vocab, config = ckpt.params, ckpt.vocab, ckpt.config
V, H = len(vocab), config.hidden_size
n_params = sum(p.size for p in params.values())
shakespeare = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
_, val_ids = rnn_lib.split_ids(vocab.encode(shakespeare), config.val_fraction, config.seq_length)
val_nats = rnn_lib.evaluate(params, val_ids)

print(f"checkpoint {CHECKPOINT.relative_to(ROOT)}")
print(f"vocabulary V = {V} characters, hidden size H = {H}, {n_params:,} parameters ({config.dtype})")
print(f"trained for {ckpt.step:,} steps of {config.batch_size} streams x {config.seq_length} characters")
print(f"validation loss on all {len(val_ids):,} held-out characters: {val_nats:.3f} nats/char")
print(f"= {val_nats / rnn_lib.LN2:.3f} bits/char (a uniform guess scores ln {V} = {np.log(V):.3f} nats)")
for name, p in params.items():
    print(f"  {name:3s} {str(p.shape):11s} {p.dtype}")
assert params["Wxh"].shape == (H, V) and params["Why"].shape == (V, H) and params["Whh"].shape == (H, H)
assert val_nats < 0.5 * np.log(V)

# %% [markdown] slideshow={"slide_type": "fragment"}
# (The checkpoint's own history also records validation losses, but those are quick periodic passes
# over the first 20,000 held-out characters only; notebook 06, section 7, compares them with the whole
# split.)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The trainer, like the gist, printed samples while it ran, and the checkpoint keeps them. Here are the
# first 150 characters of the first and of the last one: this is the text the learner was looking for.

# %%
for step, text in (ckpt.state["samples"][0], ckpt.state["samples"][-1]):
    print(f"---- sample printed at step {step:,} ----\n{text[:150]}\n")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Sampling from scratch
#
# Generation repeats the forward step of notebook 01, with one change: the next input is not read
# from a text, it is **drawn from the model's own prediction**. With column vectors, starting from
# $h = 0$:
#
# 1. read a character with id $i$: $\;h \leftarrow \tanh(W_{xh}[:, i] + W_{hh} h + b_h)$
#    (column $i$ of $W_{xh}$ is $W_{xh}$ times the one-hot vector of $i$);
# 2. predict: $\;y = W_{hy} h + b_y$, $\;p = \mathrm{softmax}(y)$;
# 3. draw the next id $i \sim p$, print its character, and go back to step 1 with it.
#
# A priming text is fed through step 1 first, one character at a time, without drawing anything.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Drawing from $p$ with one random number
#
# Lay the probabilities end to end on $[0, 1)$ and throw one uniform number $u$: it lands in the
# segment of character $k$ with probability $p_k$. The segment ends are the cumulative sums
# $c_k = p_0 + \dots + p_k$, so the draw is the first $k$ with $c_k > u$. This is called the *inverse
# CDF* method: $c$ is the cumulative distribution function (CDF), and we read it backwards, from a
# probability $u$ to the character whose segment holds it.
# `np.searchsorted(c, u, side="right")` finds it. **Expected:** $u = 0.65$ lands in the second segment.

# %%
p_toy = np.array([0.1, 0.6, 0.3])
c_toy = np.cumsum(p_toy)
k_toy = int(np.searchsorted(c_toy, 0.65, side="right"))
print(f"p = {p_toy}, cumulative c = {c_toy}; u = 0.65 gives k = {k_toy}")
assert k_toy == 1

# %% [markdown] slideshow={"slide_type": "fragment"}
# The gist draws with `np.random.choice` and numpy's global random state. We pass a seeded generator
# `rng` instead, and use exactly one `rng.random()` per character: the same seed then gives the same
# text, which makes samples reproducible and comparable.

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# Here are the three pieces of the sampler. Two details copy `rnn_lib` so that we can compare
# character for character: the states are computed in the checkpoint's float32, and $u$ is scaled by
# $c_{V-1}$ (which is 1 up to rounding) so it can never fall past the last segment.

# %% [markdown] tags=["homework-only"]
# Here are three pieces of a sampler, for the trained model: `softmax`, `rnn_step` (step 1 with the
# checkpoint's weights) and `draw`. `draw` scales $u$ by $c_{V-1}$ (which is 1 up to rounding) so it can
# never fall past the last segment. Your exercises use `softmax` and `draw`; the second one writes its own
# step, for any weights it is given.

# %%
Wxh, Whh, Why, bh, by = (params[k] for k in rnn_lib.PARAM_NAMES)


def softmax(y):
    e = np.exp(y - y.max())  # the max shift of notebook 02: no overflow
    return e / e.sum()


def rnn_step(h, ix):
    """Read character id ix: the new hidden state, shape (H, 1)."""
    return np.tanh(Wxh[:, [ix]] + Whh @ h + bh)


def draw(p, rng):
    """One id drawn from p, shape (V,), with a single uniform number."""
    c = np.cumsum(p)
    return min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), len(p) - 1)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["homework-only"]
# The loop itself (read the prime, then predict, draw and feed the drawn character back in, `length`
# times) is yours to write: it is the second exercise, in section 4, once temperatures are defined.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# The loop itself: read the prime, then predict, draw and feed back, `length` times.

# %% tags=["reading-only"]
def sample_from_scratch(prime, length, rng):
    h = np.zeros((H, 1), Whh.dtype)
    for ch in prime:                 # priming: read, do not draw
        h = rnn_step(h, vocab.char_to_ix[ch])
    out = []
    for _ in range(length):
        p = softmax((Why @ h + by)[:, 0].astype(np.float64))
        ix = draw(p, rng)
        out.append(vocab.chars[ix])
        h = rnn_step(h, ix)          # feed the drawn character back in
    return "".join(out)

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# 300 characters after an empty prime, from seed 0. With nothing read yet, the first character is
# drawn from the distribution of the all-zero state (section 6 looks at that distribution).

# %% tags=["reading-only"]
ours = sample_from_scratch("", 300, np.random.default_rng(0))
print(ours)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# **Expected:** `rnn_lib.sample` with the same seed returns exactly the same characters, with and
# without a prime, for several seeds. (It returns only the continuation, not the prime.)

# %% tags=["reading-only"]
disagree = [(seed, prime) for seed in range(3) for prime in ("", "ROMEO:")
            if sample_from_scratch(prime, 300, np.random.default_rng(seed))
            != rnn_lib.sample(params, vocab, 300, np.random.default_rng(seed), prime=prime)]
print("rnn_lib.sample and sample_from_scratch agree on all 300 characters,")
print(f"for seeds 0-2, with and without the prime 'ROMEO:': {not disagree}")
assert not disagree, disagree

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · What the model predicts after a prefix
#
# Every character of a sample is one draw from a distribution over all 65 characters. Let us read one
# such distribution: the model has read `ROMEO:`, a new line and `What is th`.
# `next_logits` runs the prefix through `rnn_lib.forward`, which returns the state after its last
# character, and applies the output layer; `softmax` turns the logits into the distribution.

# %%
def char_label(ch):
    """A character as a readable tick label: newline and space spelled out."""
    return {"\n": r"\n", " ": "space"}.get(ch, ch)


def next_logits(prefix):
    """Logits y of the next character after reading prefix (from h = 0), shape (V,), float64."""
    h0 = rnn_lib.initial_state(params)
    h = rnn_lib.forward(params, vocab.encode(prefix), h0)["h_last"] if prefix else h0
    return (Why @ h + by)[:, 0].astype(np.float64)


prefix = "ROMEO:\nWhat is th"
p_next = softmax(next_logits(prefix))
top5 = np.argsort(p_next)[::-1][:5]
print(f"after {prefix!r}, the five most likely next characters:")
for k in top5:
    print(f"  {char_label(vocab.chars[k]):6s} {p_next[k]:.3f}")
print(f"together {p_next[top5].sum():.3f}; the other {V - 5} characters share {1 - p_next[top5].sum():.3f}")
assert np.isclose(p_next.sum(), 1.0)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# `rnn_lib.next_char_probs(params, vocab, prefix)` does the whole job, softmax included, in one call.
# **Expected:** it agrees with ours.

# %% tags=["reading-only"]
print(f"rnn_lib.next_char_probs agrees: {np.allclose(rnn_lib.next_char_probs(params, vocab, prefix), p_next)}")
assert np.allclose(rnn_lib.next_char_probs(params, vocab, prefix), p_next)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same distribution as a bar chart: the 15 most likely characters, highest first.

# %%
def plot_top(p, k=15, ax=None, title=None, color="tab:blue"):
    """Bar chart of the k most likely characters of p, shape (V,), each bar labelled."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.5))
    order = np.argsort(p)[::-1][:k]
    bars = ax.bar(range(k), p[order], color=color)
    _ = ax.bar_label(bars, fmt="%.2f", fontsize=11, padding=2)
    ax.set_xticks(range(k), [char_label(vocab.chars[i]) for i in order], fontsize=13)
    ax.set(ylim=(0, 1.08), ylabel="probability", title=title)
    return ax


_ = plot_top(p_next, title=f"next character after {prefix!r}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Sampling draws from all of this distribution, not only from its top. Most draws give the likely
# characters, but now and then a less likely one is picked, and every later step is conditioned on it.
# That is what makes samples varied, and also what makes them drift into nonsense words.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Temperature
#
# Before the softmax, divide the logits by a **temperature** $T > 0$:
#
# $$p_k(T) = \frac{e^{y_k / T}}{\sum_j e^{y_j / T}} = \mathrm{softmax}(y / T)_k$$
#
# - $T = 1$: the model's own distribution;
# - $T < 1$: the gaps between logits grow, the largest one dominates: safer, more repetitive text;
#   as $T \to 0$ all the probability goes to the argmax (**greedy** decoding);
# - $T > 1$: the gaps shrink, the distribution flattens towards uniform: more surprising text, more typos.
#
# The order of the characters never changes, only how strongly the likely ones are preferred.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The spread of a distribution is measured by its **entropy** $\mathcal{H}(p) = -\sum_k p_k \ln p_k$, in
# nats: 0 for a certain outcome, $\ln V$ for the uniform one. We compute the distribution after our
# prefix at three temperatures, `softmax(y / T)`. **Expected:** the entropy grows with $T$.

# %%
def entropy(p):
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum())


y_next = next_logits(prefix)
temperatures = (0.5, 1.0, 2.0)
dists = {T: softmax(y_next / T) for T in temperatures}
for T, p in dists.items():
    print(f"T = {T:.1f}: entropy {entropy(p):.3f} nats; most likely {char_label(vocab.chars[p.argmax()])} "
          f"with p = {p.max():.3f}")
print(f"(uniform over V = {V}: ln V = {np.log(V):.3f} nats)")
ents = [entropy(dists[T]) for T in temperatures]
assert ents[0] < ents[1] < ents[2] < np.log(V)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# `rnn_lib.next_char_distribution(y, T)` is the library's version. **Expected:** the same distributions.

# %% tags=["reading-only"]
same = all(np.allclose(rnn_lib.next_char_distribution(y_next, T), dists[T]) for T in temperatures)
print(f"rnn_lib.next_char_distribution agrees at T = 0.5, 1 and 2: {same}")
assert same

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same 10 characters (ordered by their $T = 1$ probability) at the three temperatures (␣ is the
# space, \n the newline).

# %%
order = np.argsort(dists[1.0])[::-1][:10]
short_labels = [{" ": "␣", "\n": r"\n"}.get(vocab.chars[i], vocab.chars[i]) for i in order]
fig, axes = plt.subplots(1, 3, figsize=(16, 5), sharey=True)
for ax, (T, p), color in zip(axes, dists.items(), ("tab:green", "tab:blue", "tab:red")):
    _ = ax.bar(range(len(order)), p[order], color=color)
    ax.set_xticks(range(len(order)), short_labels, fontsize=18)
    ax.set_title(f"T = {T:.1f}: entropy {entropy(p):.2f} nats", fontsize=17)
axes[0].set(ylim=(0, 1.05))
axes[0].set_ylabel("probability", fontsize=16)
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise · Sampling with a temperature (2 points)
#
# Write `sample_with_temperature(y, temperature, rng)`: one character id drawn from
# $\mathrm{softmax}(y / T)$.
#
# - `y`: the logits, shape `(V,)`. Leave it unchanged: `y / temperature` is a new array, `y /= temperature`
#   would overwrite the caller's logits.
# - `temperature` $\ge 0$: the temperature divides the **logits**, before the softmax. At exactly 0, return
#   the most likely character (greedy decoding), without dividing by zero.
# - `rng`: a `np.random.Generator`, the only source of randomness (no `np.random.choice`), so that the same
#   seed gives the same text: one `rng.random()` per character, as in section 2.
# - Return one id, an `int` from 0 to $V-1$.
#
# Numpy only (`softmax` and `draw(p, rng)` from section 2 are there to use). Two test cells follow, one
# point each; when something is wrong, the error message says what to look at.
#
# 1. **Temperature 0 and the seed:** for the logits $(0.5, 3, -1, 2.9)$ temperature 0 gives id 1 whatever
#    the seed; two generators with the same seed give the same 50 ids at $T = 1$, and not all equal;
#    the logits are left unchanged (at $T$ = 0, 0.5 and 1).
# 2. **Frequencies:** for the logits $y = (2, 1, 0)$ of "Check yourself" question 2, 10,000 draws must come
#    out with about the frequencies $\mathrm{softmax}(y / T)$ of the table below. "About" is measured by
#    the chi-square statistic $\sum_k (n_k - N p_k)^2 / (N p_k)$ over the $N$ draws, whose value for a
#    right sampler is about 2, and above 30 less than once in a million runs.
#
# | $T$ | $p_0$ | $p_1$ | $p_2$ |
# | --- | --- | --- | --- |
# | 0.5 | 0.8668 | 0.1173 | 0.0159 |
# | 1 | 0.6652 | 0.2447 | 0.0900 |
# | 2 | 0.5065 | 0.3072 | 0.1863 |

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": false, "grade_id": "sample_with_temperature", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sample_with_temperature(y, temperature, rng):
    """One character id drawn from softmax(y / temperature).

    Parameters
    ----------
    y : array, shape (V,)
        The logits; left unchanged.
    temperature : float >= 0
        0: greedy, the id of the largest logit.
    rng : numpy.random.Generator
        The only source of randomness: one rng.random() per draw.

    Returns
    -------
    int
        An id from 0 to V - 1.
    """
    ### BEGIN SOLUTION
    if temperature == 0:
        return int(np.argmax(y))  # greedy: no division by zero
    scaled = y / temperature  # a new array: the caller's logits stay as they are
    return draw(softmax(scaled), rng)
    ### END SOLUTION

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_sample_with_temperature_greedy_seed", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_sample_with_temperature

for seed in (1, 2, 3):
    check_sample_with_temperature(sample_with_temperature, seed=seed, part="temperature 0 and the seed")
check_sample_with_temperature(sample_with_temperature, seed=4, V=2, part="temperature 0 and the seed")
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("sample_with_temperature", "temperature 0 and the seed"):
    y_test = np.array([0.5, 3.0, -1.0, 2.9])
    greedy_ids = [sample_with_temperature(y_test, 0, np.random.default_rng(seed)) for seed in range(5)]
    assert greedy_ids == [1] * 5, (
        f"at temperature 0 return the id of the largest logit, 1, whatever the seed; got {greedy_ids}")
    rng_a, rng_b = np.random.default_rng(7), np.random.default_rng(7)
    ids_a = [sample_with_temperature(y_test, 1.0, rng_a) for _ in range(50)]
    ids_b = [sample_with_temperature(y_test, 1.0, rng_b) for _ in range(50)]
    _ = sample_with_temperature(y_test, 0.5, np.random.default_rng(0))
    checks.expect_unchanged([0.5, 3.0, -1.0, 2.9], y_test, "the logits y")
    assert all(isinstance(i, (int, np.integer)) and 0 <= i < 4 for i in ids_a), (
        f"return one id, an int from 0 to V - 1 = 3; got {ids_a[:5]} ...")
    assert ids_a == ids_b, ("the same seed gave different ids: take every random number from the rng "
                            "argument (rng.random()), never from np.random.")
    assert len(set(ids_a)) > 1, "50 draws at temperature 1 all gave the same id: draw at random, with rng."

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_sample_with_temperature_frequencies", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_sample_with_temperature

for seed in (1, 2, 3):
    check_sample_with_temperature(sample_with_temperature, seed=seed, part="frequencies")
check_sample_with_temperature(sample_with_temperature, seed=4, V=2, temperatures=(0.3, 5.0), part="frequencies")
check_sample_with_temperature(sample_with_temperature, seed=1, scale=1000.0, part="frequencies")  # no overflow
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("sample_with_temperature", "frequencies"):
    y_321 = np.array([2.0, 1.0, 0.0])
    table = {0.5: [0.8668, 0.1173, 0.0159], 1.0: [0.6652, 0.2447, 0.0900], 2.0: [0.5065, 0.3072, 0.1863]}
    rng_f = np.random.default_rng(0)
    for T, expected in table.items():
        counts = np.bincount([sample_with_temperature(y_321, T, rng_f) for _ in range(10_000)], minlength=3)
        chi2 = float(np.sum((counts - 10_000 * np.array(expected)) ** 2 / (10_000 * np.array(expected))))
        assert counts.size == 3 and chi2 < 30, (
            f"at T = {T} the frequencies of 10,000 draws are {np.round(counts / 10_000, 4)}, "
            f"softmax(y / T) is {expected} (chi-square {chi2:.0f}, a right sampler gives about 2).\n"
            "Hint: divide the logits, not the probabilities, by the temperature, then draw from the softmax.")
        print(f"T = {T}: frequencies {np.round(counts / 10_000, 3)}, chi-square below 30")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Your function on the distribution after our prefix: 2,000 draws at $T = 0.5$. **Expected:** the most
# likely character comes out with a share within 3 percentage points of its probability.

# %% slideshow={"slide_type": "fragment"} needs=["sample_with_temperature"]
rng_demo = np.random.default_rng(0)
ids = np.array([sample_with_temperature(y_next, 0.5, rng_demo) for _ in range(2000)])
top_share = np.mean(ids == dists[0.5].argmax())
print(f"2000 draws at T = 0.5: {char_label(vocab.chars[dists[0.5].argmax()])} came out {top_share:.1%} of the "
      f"time, and its probability is {dists[0.5].max():.1%}")
assert abs(top_share - dists[0.5].max()) < 0.03

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise · The generation loop (4 points)
#
# Now the whole sampler of section 2, with a prime and a temperature. Write
# `sample_text(params, prime_ids, n, temperature, rng)`, which starts from the zero state, reads the
# prime, then generates `n` character ids, one at a time:
#
# 1. start from $h = 0$, shape $(H, 1)$, and read each id $i$ of the prime in turn,
#    $h \leftarrow \tanh(W_{xh}[:, i] + W_{hh} h + b_h)$, without drawing anything;
# 2. the logits of the next character from the current state, $y = W_{hy} h + b_y$, as a vector of
#    shape $(V,)$;
# 3. draw its id with your `sample_with_temperature(y, temperature, rng)`;
# 4. read the drawn character with the update of step 1, and go back to step 2.
#
# - `params`: a dict with `Wxh` $(H, V)$, `Whh` $(H, H)$, `Why` $(V, H)$, `bh` $(H, 1)$, `by` $(V, 1)$; use
#   these, not the checkpoint's arrays that `rnn_step` of section 2 reads (the tests use other models);
#   $H$ and $V$ are in their shapes;
# - `prime_ids`: a list or array of ids, possibly empty (then the first character is predicted from
#   $h = 0$); leave it unchanged;
# - return the list of the `n` generated ids (Python `int`s), without the prime; `rng` is only handed on
#   to `sample_with_temperature`.
#
# Numpy only. Think about where the first prediction comes from: the state after the *last* character
# of the prime, and the drawn characters are read only after they are drawn.
#
# **How the two exercises depend on each other.** `sample_text` draws every id with your
# `sample_with_temperature`, so the samples in the rest of this notebook need both exercises right. Its
# test cells do not: while they run they put a stand-in, `most_likely` (defined in the next cell), in
# place of your `sample_with_temperature`. It returns the id of the largest logit and records what it
# was given, so the tests check `sample_text` alone, and a mistake in the first exercise costs no points
# here. Two test cells follow, two points each; when something is wrong, the error message says what to
# look at.
#
# 1. **The loop:** for the small model `tiny` ($V = 4$, $H = 3$), an empty prime and the stand-in, the 11
#    ids must be `[3, 2, 0, 1, 3, 1, 3, 1, 3, 1, 3]`. They depend on every term of the step: start from
#    zeros, feed each drawn character back in, and keep $W_{hh} h$ and both biases. Every draw must be
#    given the logits as a vector of shape $(V,)$, and the temperature and `rng` you were given.
# 2. **The prime:** for the same model, the first id after the primes $(2, 0)$, $(3, 3, 1, 0)$ and
#    $(0, 3)$ must be 2, 0 and 2; the primes must be left unchanged.

# %% slideshow={"slide_type": "fragment"}
tiny = {"Wxh": np.array([[-0.6, 1.5, 0.6, -0.9], [1.0, -2.2, 0.9, -0.8], [0.9, 0.7, -1.2, 0.8]]),
        "Whh": np.array([[0.4, -0.8, 2.4], [1.0, -1.4, -1.2], [0.4, 0.4, -0.9]]),
        "Why": np.array([[2.4, 0.2, -1.7], [-0.7, -0.4, -3.1], [-1.7, -3.6, -0.6], [1.2, -2.6, 0.6]]),
        "bh": np.array([[-0.6], [-0.1], [-0.3]]), "by": np.array([[-0.6], [-0.3], [-0.6], [0.1]])}
stand_in_calls = []


def most_likely(y, temperature, rng):
    """The test cells' stand-in for sample_with_temperature: the largest logit's id; records its arguments."""
    stand_in_calls.append((np.shape(y), temperature, rng))
    return int(np.argmax(y))


print("tiny model: " + ", ".join(f"{k} {v.shape}" for k, v in tiny.items()))

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": false, "grade_id": "sample_text", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sample_text(params, prime_ids, n, temperature, rng):
    """Read the prime from the zero state, then generate n character ids, feeding each one back in.

    Parameters
    ----------
    params : dict
        "Wxh" (H, V), "Whh" (H, H), "Why" (V, H), "bh" (H, 1), "by" (V, 1).
    prime_ids : sequence of int
        Read first, from h = 0, without drawing; may be empty; left unchanged.
    n : int
        How many ids to generate.
    temperature : float >= 0
        Handed to sample_with_temperature (0: greedy).
    rng : numpy.random.Generator
        The only source of randomness, handed to sample_with_temperature.

    Returns
    -------
    list of int
        The n generated ids, in order (the prime not included).
    """
    ### BEGIN SOLUTION
    W_in, W_rec, W_out = params["Wxh"], params["Whh"], params["Why"]
    b_rec, b_out = params["bh"], params["by"]
    state = np.zeros((W_rec.shape[0], 1), dtype=W_rec.dtype)  # h = 0, in the weights' dtype

    def read(state, ix):
        return np.tanh(W_in[:, [ix]] + W_rec @ state + b_rec)

    for ix in prime_ids:  # priming: read, do not draw
        state = read(state, int(ix))
    out = []
    for _ in range(n):
        logits = (W_out @ state + b_out)[:, 0].astype(np.float64)  # predict from the current state
        ix = int(sample_with_temperature(logits, temperature, rng))
        out.append(ix)
        state = read(state, ix)  # then read the drawn character
    return out
    ### END SOLUTION

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_sample_text_loop", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_sample_text

for seed in (1, 2, 3):
    check_sample_text(sample_text, seed=seed, part="the loop")
check_sample_text(sample_text, seed=4, V=65, H=16, n=60, temperatures=(0.3, 1.0, 3.0), part="the loop")
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("sample_text", "the loop"):
    tiny_before = {k: v.copy() for k, v in tiny.items()}
    rng_given = np.random.default_rng(0)
    stand_in_calls.clear()
    yours, sample_with_temperature = sample_with_temperature, most_likely  # the stand-in, for this cell only
    try:
        got = sample_text(tiny, [], 11, 0.8, rng_given)
    finally:
        sample_with_temperature = yours
    for k in tiny:
        checks.expect_unchanged(tiny_before[k], tiny[k], f"params[{k!r}]")
    assert got is not None and len(got) == 11, f"return a list of the n = 11 generated ids; got {got!r}"
    assert len(stand_in_calls) == 11, (
        f"draw each of the 11 ids with sample_with_temperature(y, temperature, rng): it was called "
        f"{len(stand_in_calls)} times.")
    shapes = {shape for shape, _, _ in stand_in_calls}
    assert shapes == {(4,)}, (
        f"hand sample_with_temperature the logits as a vector of shape (V,) = (4,), got shapes {shapes}: "
        "the logits W_hy h + b_y are a column (V, 1), take its one column.")
    assert all(T == 0.8 for _, T, _ in stand_in_calls), (
        "hand the temperature you were given on to sample_with_temperature, unchanged.")
    assert all(r is rng_given for _, _, r in stand_in_calls), (
        "hand the rng you were given on to sample_with_temperature (do not make a new generator).")
    expected = [3, 2, 0, 1, 3, 1, 3, 1, 3, 1, 3]
    assert [int(i) for i in got] == expected, (
        f"with an empty prime and the stand-in, your ids are {[int(i) for i in got]}, expected {expected}.\n"
        "Hint: predict the first id from the zero state. After each draw read the drawn character with all "
        "three terms of the update (its column of W_xh, W_hh times the current state, and b_h), then "
        "predict the next id from the new state, with W_hy and b_y.")
print(f"with the stand-in, the ids are {expected}")

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_sample_text_prime", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_sample_text

for seed in (1, 2, 3):
    check_sample_text(sample_text, seed=seed, part="the prime")
check_sample_text(sample_text, seed=4, V=65, H=16, n=60, temperatures=(0.3, 1.0, 3.0), part="the prime")
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("sample_text", "the prime"):
    primes = ([2, 0], [3, 3, 1, 0], [0, 3])
    yours, sample_with_temperature = sample_with_temperature, most_likely  # the stand-in, for this cell only
    try:
        firsts = [sample_text(tiny, prime, 1, 1.0, np.random.default_rng(0)) for prime in primes]
    finally:
        sample_with_temperature = yours
    for prime, given in zip(primes, ([2, 0], [3, 3, 1, 0], [0, 3])):
        checks.expect_unchanged(given, prime, f"the prime {given}")
    assert all(f is not None and len(f) == 1 for f in firsts), (
        f"with n = 1 return a list of one id, the prime not included; got {firsts}")
    got_first = [int(f[0]) for f in firsts]
    assert got_first == [2, 0, 2], (
        f"the first ids after the primes (2, 0), (3, 3, 1, 0) and (0, 3) are {got_first}, expected [2, 0, 2].\n"
        "Hint: start from the zero state and read every id of the prime, the last one included, with the "
        "update of step 1, drawing nothing; then predict the first id from the state after the prime.")
print("the first ids after the three primes are 2, 0 and 2")

# %% [markdown] slideshow={"slide_type": "skip"} tags=["homework-only"]
# Your copy of `rnn_lib` leaves its sampler out: it is what you have just written. The next cell plugs
# your `sample_text` into `rnn_lib.sample` (the prime, a string, is turned into ids with `vocab.encode`
# first, which refuses characters outside the vocabulary), so every sample from here on is written by
# your code, drawn with your `sample_with_temperature`.

# %% slideshow={"slide_type": "skip"} tags=["homework-only"] needs=["sample_with_temperature", "sample_text"]
def _sample_with_yours(params, vocab, length, rng, prime="", temperature=1.0):
    ids = sample_text(params, vocab.encode(prime), length, temperature, rng)
    return "".join(vocab.chars[ix] for ix in ids)


rnn_lib.sample = _sample_with_yours
print("rnn_lib.sample now runs your sample_text")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Your sampler on the trained model: 300 characters after `ROMEO:`, at $T = 1$ and seed 0.

# %% slideshow={"slide_type": "fragment"} needs=["sample_with_temperature", "sample_text"]
print("ROMEO:" + "".join(vocab.chars[i] for i in sample_text(params, vocab.encode("ROMEO:"), 300, 1.0,
                                                                np.random.default_rng(0))))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The same prefix and seed, five temperatures
#
# Each sample below starts from `ROMEO:` and uses seed 1, so the random numbers $u$ are the same every
# time; only the temperature changes. Read them from top to bottom.

# %% needs=["sample_with_temperature", "sample_text"]
sample_temperatures = (0.2, 0.5, 0.8, 1.0, 1.5)
for T in sample_temperatures:
    text = rnn_lib.sample(params, vocab, 160, np.random.default_rng(1), prime="ROMEO:", temperature=T)
    print(f"==== T = {T:.1f} ====\nROMEO:{text}\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measuring the trade-off
#
# Three numbers for samples of 1,500 characters after `ROMEO:`, averaged over the seeds 0 to 3 at each
# temperature (one sample is enough at $T = 0$, where every seed gives the same text):
#
# - **real words:** the share of its words (runs of letters) that occur somewhere in the training text;
# - **variety:** the share of its 4-character substrings that are distinct; text that keeps repeating
#   itself scores low. (With much longer substrings nearly all are distinct across the usual range of
#   temperatures, and the measure stops telling them apart.)
# - **compressed size:** the length `zlib` compresses the sample to, as a share of its own length.
#   Repetitive, predictable text compresses well; random text does not.
#
# For comparison, the compressed size of the real text, averaged over 20 pieces of 1,500 characters.
#
# **Expected:** from each temperature of the sweep to the next, real words fall (more typos), while
# variety and compressed size rise (fewer repeats); the real text's compressed size lies between
# those of the samples at $T = 0.6$ and $T = 0.8$.

# %% needs=["sample_with_temperature", "sample_text"]
import re
import zlib

corpus_words = set(re.findall(r"[A-Za-z]+", shakespeare))


def real_word_share(text):
    words = re.findall(r"[A-Za-z]+", text)
    return sum(w in corpus_words for w in words) / len(words)


def variety(text, n=4):
    grams = [text[i:i + n] for i in range(len(text) - n + 1)]
    return len(set(grams)) / len(grams)


def compressed_share(text):
    data = text.encode()
    return len(zlib.compress(data, 9)) / len(data)


def measures(text):
    """The three numbers of a sample: real words, variety, compressed size."""
    return real_word_share(text), variety(text), compressed_share(text)

# %% needs=["sample_with_temperature", "sample_text"]
sweep = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0)
scores = np.zeros((len(sweep), 3))
for i, T in enumerate(sweep):
    texts = [rnn_lib.sample(params, vocab, 1500, np.random.default_rng(seed), prime="ROMEO:", temperature=T)
             for seed in ((0,) if T == 0 else (0, 1, 2, 3))]
    scores[i] = np.mean([measures(t) for t in texts], axis=0)
    print(f"T = {T:.1f}: real words {scores[i, 0]:6.1%}, distinct 4-grams {scores[i, 1]:6.1%}, "
          f"compressed size {scores[i, 2]:6.1%}")

# %% needs=["sample_with_temperature", "sample_text"]
real, distinct, compressed = scores.T
starts = np.linspace(0, len(shakespeare) - 1500, 20).astype(int)
compressed_real = np.mean([compressed_share(shakespeare[s:s + 1500]) for s in starts])
print(f"the real text, 20 pieces of 1,500 characters: compressed size {compressed_real:.1%}")
assert np.all(np.diff(real) < 0) and np.all(np.diff(distinct) > 0) and np.all(np.diff(compressed) > 0)
assert compressed[sweep.index(0.6)] < compressed_real < compressed[sweep.index(0.8)]

# %% [markdown] slideshow={"slide_type": "subslide"}
# The three measures against the temperature; the dashed line is the compressed size of the real text.
# There is no temperature that is best at both spelling and variety: in the middle of the range most
# words are spelled right and the text still moves on, and the samples are about as compressible as
# Shakespeare himself.

# %% needs=["sample_with_temperature", "sample_text"]
fig, ax = plt.subplots(figsize=(10, 5))
_ = ax.plot(sweep, real * 100, "o-", label="real words (spelling)")
_ = ax.plot(sweep, distinct * 100, "s-", label="distinct 4-grams (variety)")
_ = ax.plot(sweep, compressed * 100, "^-", label="compressed size")
_ = ax.axhline(compressed_real * 100, color="tab:green", ls="--", lw=1.5, label="compressed size, real text")
ax.set(xlabel="temperature T", ylabel="percent", ylim=(0, 105),
       title="Low T: correct but repetitive; high T: varied but misspelt")
_ = ax.legend(loc="lower right")

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## 5 · Greedy decoding, and why it loops
#
# At $T = 0$ `rnn_lib` does not divide by zero: it puts all the probability on the largest logit, so
# every step takes the single most likely character (**greedy** decoding). No random number matters any
# more: any seed gives the same text.

# %% [markdown] tags=["homework-only"]
# ## 5 · Greedy decoding, and why it loops
#
# At $T = 0$ your `sample_with_temperature` does not divide by zero: it returns the id of the largest
# logit, so every step takes the single most likely character (**greedy** decoding). No random number
# matters any more: any seed gives the same text.

# %% needs=["sample_with_temperature", "sample_text"]
greedy = rnn_lib.sample(params, vocab, 600, np.random.default_rng(0), prime="ROMEO:", temperature=0)
other_seed = rnn_lib.sample(params, vocab, 600, np.random.default_rng(99), prime="ROMEO:",
                            temperature=0)
print("ROMEO:" + greedy[:300])
print(f"\nseed 99 gives the same 600 characters: {greedy == other_seed}")
assert greedy == other_seed

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Finding the loop in code
#
# A text ends in a cycle of length $L$ if, from some position $s$ on, every character equals the one
# $L$ places later. `find_cycle` tries $L = 1, 2, \dots$ and, for each, walks back from the end while
# that holds. It reports the shortest $L$ whose repeating stretch is at least 100 characters and two
# full periods long (so that an accidental `ll` or `...` does not count).

# %%
def find_cycle(text, min_span=100):
    """(start, period) of the cycle the text ends in, or None if it does not end in one."""
    for period in range(1, len(text) // 2 + 1):
        start = len(text) - period
        while start > 0 and text[start - 1] == text[start - 1 + period]:
            start -= 1
        if len(text) - start >= max(min_span, 2 * period):
            return start, period
    return None

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Expected:** the greedy text ends in a cycle; the sample at $T = 1$ from the same prime does not.

# %% needs=["sample_with_temperature", "sample_text"]
cycle = find_cycle(greedy)
start, period = cycle if cycle is not None else (len(greedy), 0)  # (len, 0): no cycle found
print(f"greedy: from character {start} on, the text repeats every {period} characters:")
print(f"  repeating unit {greedy[start:start + period]!r}")
sampled = rnn_lib.sample(params, vocab, 600, np.random.default_rng(0), prime="ROMEO:", temperature=1.0)
print(f"T = 1 sample: find_cycle gives {find_cycle(sampled)}")
assert cycle is not None and find_cycle(sampled) is None

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why greedy decoding ends in a loop
#
# With $T = 0$ the next character is $\arg\max_k (W_{hy} h + b_y)_k$: a **deterministic function of the
# hidden state**, and the next state is a deterministic function of the state and that character. So the
# whole future is fixed by the current $h$: if the state ever came back *exactly* to where it was $L$
# steps ago, the same $L$ characters would follow, bring it back again, and so on forever.
#
# That alone does not force a loop: a deterministic map on a continuous state can wander for ever
# without repeating itself. What makes it happen here is **contraction**: when two nearby states are
# fed the same characters, their difference shrinks from step to step (the plot below shows it). The
# reason is saturation: a saturated unit hardly responds to a small change of its input
# ($\tanh' \approx 0$), and along the loop most activations are saturated (the optional part of this
# section measures it). Once the text starts repeating, the state is pulled onto an exact loop, a
# *limit cycle*, and stays.
#
# Sampling escapes because each draw uses a fresh random number: a less likely character now and then
# sends the state somewhere new, before the pull has finished.
# Low temperatures sit in between: they rarely pick anything but the top character, so they fall into
# loops of phrases (the $T = 0.2$ sample of section 4, and its low share of distinct 4-grams).

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# We can watch the state settle. We re-run the greedy loop, keep every hidden state $h_t$, and measure how
# far each is from the state one period later, $\lVert h_{t+L} - h_t \rVert$. **Expected:** at the end
# of the text it is at the level of float32 rounding (below $10^{-5}$), while $\lVert h_t \rVert$ is about 10.

# %% tags=["reading-only"]
h = rnn_lib.initial_state(params)
for ch in "ROMEO:":
    h = rnn_step(h, vocab.char_to_ix[ch])
states, greedy_ours = [], []
for _ in range(len(greedy)):
    states.append(h[:, 0].copy())  # the state from which character t is predicted
    ix = int(np.argmax(Why @ h + by))
    greedy_ours.append(vocab.chars[ix])
    h = rnn_step(h, ix)
states = np.array(states)  # (len(greedy), H)
gap = np.linalg.norm(states[period:] - states[:-period], axis=1)
settled = gap[-100:].max() < 1e-5
print(f"our loop spells the greedy text above: {''.join(greedy_ours) == greedy}")
print(f"|h(t)| is {np.linalg.norm(states, axis=1).mean():.1f} on average; |h(t+L) - h(t)| averages "
      f"{gap[:10].mean():.1f} over the first 10 characters")
print(f"over the last 100 characters |h(t+L) - h(t)| < 1e-5: {settled}")
assert "".join(greedy_ours) == greedy and settled

# %% [markdown] tags=["homework-only"]
# We can watch the state settle. We run your `sample_text` greedily once more, then read the prime and
# the greedy text again with `rnn_lib.forward` (notebook 01's forward pass) to get every hidden state
# $h_t$, and measure how far each is from the state one period later, $\lVert h_{t+L} - h_t \rVert$.
# **Expected:** your ids spell the greedy text above; at the end of the text the distance is at the
# level of float32 rounding (below $10^{-5}$), while $\lVert h_t \rVert$ is about 10.

# %% tags=["homework-only"] needs=["sample_with_temperature", "sample_text"]
romeo_ids = vocab.encode("ROMEO:")
greedy_ids = sample_text(params, romeo_ids, len(greedy), 0, np.random.default_rng(0))
read_back = rnn_lib.forward(params, np.concatenate([romeo_ids, greedy_ids]), rnn_lib.initial_state(params))
# (len(greedy), H): row t is the state h_t from which character t is predicted
states = read_back["hs"][len(romeo_ids):len(romeo_ids) + len(greedy), 0, :]
gap = np.linalg.norm(states[period:] - states[:-period], axis=1)
settled = gap[-100:].max() < 1e-5
yours_spell_it = "".join(vocab.chars[i] for i in greedy_ids) == greedy
print(f"your ids spell the greedy text above: {yours_spell_it}")
print(f"|h(t)| is {np.linalg.norm(states, axis=1).mean():.1f} on average; |h(t+L) - h(t)| averages "
      f"{gap[:10].mean():.1f} over the first 10 characters")
print(f"over the last 100 characters |h(t+L) - h(t)| < 1e-5: {settled}")
assert yours_spell_it and settled

# %% [markdown] slideshow={"slide_type": "subslide"}
# On a log scale. The characters start repeating first (dashed line), while the states still differ;
# then, within a few dozen characters, the state falls onto an exact loop, down to float32 rounding
# (about $10^{-6}$). The straight fall on the log scale is the contraction: the gap shrinks by about the
# same factor at every step. From there on nothing can change the text: it is a *limit cycle* of the
# greedy map.

# %% needs=["sample_with_temperature", "sample_text"]
fig, ax = plt.subplots(figsize=(10, 4.5))
_ = ax.semilogy(np.arange(len(gap)), np.maximum(gap, 1e-8), color="tab:purple")
_ = ax.axvline(start, color="black", ls="--", lw=1.5, label=f"cycle detected from character {start}")
ax.set(xlabel="character t of the greedy text", ylabel=r"$\|h_{t+L} - h_t\|$",
       title=f"Greedy decoding: the hidden state repeats with period L = {period}")
_ = ax.legend(loc="upper right")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: how strong is the pull?
#
# *This part borrows two tools that notebook 09 introduces properly: the **Jacobian**, the matrix that
# turns a small change of one state into the change it causes in the next, and the **spectral radius**,
# the factor by which applying the same matrix over and over eventually stretches or shrinks a vector.
# Skip to section 6 on a first reading; the plot above already shows the pull.*
#
# Along the cycle each step reads the same character $c_t$ again, so a small change $\delta$ of the state
# becomes $J_t\,\delta$ one step later, with $J_t = \operatorname{diag}(1 - h_{t+1}^2)\,W_{hh}$: the tanh
# slopes times $W_{hh}$, the product that, transposed, carries gradients back in time (notebooks 03 and
# 09). A single step can stretch; what decides is the product over one whole period,
# $M = J_{L-1} \cdots J_1 J_0$, and its spectral radius (largest $|$eigenvalue$|$).
#
# **Expected:** $\|J_t\|_2$ is above 1 at every step of the cycle, yet the spectral radius of $M$ is
# below 1; taken per step (its $L$-th root) it is within 0.05 of the rate at which
# $\|h_{t+L} - h_t\|$ fell in the plot, from the start of the cycle to its first value below $10^{-5}$.
# What makes $M$ small? Along the cycle more than half of the activations are saturated, $|h| > 0.95$
# (there $\tanh' < 0.1$). With every tanh slope set to 1, the same product is $W_{hh}^L$, and its
# spectral radius is above 1 per step: without the small slopes the loop would push nearby states apart.

# %% needs=["sample_with_temperature", "sample_text"]
last_period = states[-period - 1:].astype(np.float64)  # states h_t, ..., h_{t+L} of the last full period
step_norms, M = [], np.eye(H)
for i in range(period):
    J = (1 - last_period[i + 1] ** 2)[:, None] * Whh.astype(np.float64)  # d h_{t+1} / d h_t
    step_norms.append(np.linalg.norm(J, 2))
    M = J @ M
rho_M = np.abs(np.linalg.eigvals(M)).max()
pull = rho_M ** (1 / period)
settled_at = int(np.argmax(gap < 1e-5))
measured = (gap[settled_at] / gap[start]) ** (1 / (settled_at - start))
print(f"one step along the cycle: |J_t|_2 from {min(step_norms):.2f} to {max(step_norms):.2f}")
saturated_share = np.mean(np.abs(last_period[1:]) > 0.95)  # the h_{t+1} whose slopes M uses
Whh_L = np.linalg.matrix_power(Whh.astype(np.float64), period)  # M with every slope set to 1
rho_Whh_L = np.abs(np.linalg.eigvals(Whh_L)).max()
print(f"one period: spectral radius of M = {rho_M:.1e}, that is {pull:.2f} per step;  "
      f"|h(t+L) - h(t)| fell by {measured:.2f} per step between characters {start} and {settled_at}")
print(f"along the cycle {saturated_share:.0%} of the activations are saturated (|h| > 0.95)")
print(f"every slope set to 1, W_hh^L: spectral radius {rho_Whh_L:.1e}, "
      f"that is {rho_Whh_L ** (1 / period):.2f} per step")
assert min(step_norms) > 1 and pull < 1 and abs(pull - measured) < 0.05
assert saturated_share > 0.5 and rho_Whh_L ** (1 / period) > 1

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each step alone could stretch a difference up to $\|J_t\|_2$ times, but over a period every
# difference shrinks, by about the factor printed per step (notebook 09 finds a similar factor for the
# gradient through time of this model): nearby states are pulled together, and the loop is exact.
# $W_{hh}$ alone would do the opposite: per step it stretches by its spectral radius, the factor
# printed last (notebook 09 measures it too). What turns the stretch into a pull are the tanh slopes,
# close to 0 for the saturated units, which are most of the activations along the cycle.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Priming: why `ROMEO:` matters
#
# The model only knows what it has read, and all of that is summed up in $h$. With an empty prime it
# starts from $h = 0$, a state it never predicted from during training (more on that below), and has no
# idea whether it is inside a word, a name or a speech. Feeding `ROMEO:` first puts it in the state it had
# whenever a speaker's name ended, in the training text. (The gist's samples are primed too: with the
# hidden state of the training run and the first character of the current chunk.)
# `softmax(next_logits(prime))` gives the distribution of the first character in both cases.

# %%
h_zero = rnn_lib.initial_state(params)
h_romeo = rnn_lib.forward(params, vocab.encode("ROMEO:"), h_zero)["h_last"]
p_zero, p_romeo = softmax(next_logits("")), softmax(next_logits("ROMEO:"))
print(f"|h| after nothing: {np.linalg.norm(h_zero):.2f}; after 'ROMEO:': {np.linalg.norm(h_romeo):.2f} "
      f"({np.mean(np.abs(h_romeo) > 0.9):.0%} of its {H} units beyond +-0.9)")
for name, p in (("nothing", p_zero), ("'ROMEO:'", p_romeo)):
    best = np.argsort(p)[::-1][:3]
    shown = ", ".join(f"{char_label(vocab.chars[k])} ({p[k]:.2f})" for k in best)
    print(f"after {name:9s} entropy {entropy(p):.2f} nats; most likely {shown}")
assert vocab.chars[p_romeo.argmax()] == "\n" and entropy(p_romeo) < entropy(p_zero)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Left: from the zero state the model spreads its bets. Right: after a name and a colon, the training text
# almost always starts a new line, and the model knows it.

# %%
fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(14, 4.5), sharey=True)
_ = plot_top(p_zero, k=10, ax=ax_a, title="first character, empty prime", color="tab:gray")
_ = plot_top(p_romeo, k=10, ax=ax_b, title="first character after 'ROMEO:'", color="tab:orange")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the zero state predicts
#
# With $h = 0$ the logits are $W_{hy} \cdot 0 + b_y = b_y$: the first character of an unprimed sample is
# drawn from $\mathrm{softmax}(b_y)$ alone. One might expect $b_y$ to hold the character frequencies of
# the text. It does not, because training never asked it to: every prediction in training is made
# after reading a character, so from a state $h_t$ far from 0, and $b_y$ only ever acts together with
# $W_{hy} h_t$. Nothing makes $\mathrm{softmax}(b_y)$ meaningful on its own, and it stays close to uniform.
#
# **Expected:** the empty-prime distribution is $\mathrm{softmax}(b_y)$; its entropy is within 0.1 nats
# of $\ln V$ and more than 0.5 nats above the entropy of the character frequencies of the text; the
# space, by far the most frequent character, is not among its five favourites; reading the first 20,000
# characters of the text from $h = 0$, $\|h_t\|$ is never below 5. So an unprimed sample starts with a
# near-random character: seeds 0 to 11 give at least 9 different first characters.

# %% needs=["sample_with_temperature", "sample_text"]
frequencies = np.bincount(vocab.encode(shakespeare), minlength=V) / len(shakespeare)
favourites = np.argsort(p_zero)[::-1][:5]
print(f"softmax(b_y): entropy {entropy(p_zero):.3f} nats (ln V = {np.log(V):.3f})")
print("five favourites: " + ", ".join(f"{char_label(vocab.chars[k])} ({p_zero[k]:.3f})" for k in favourites))
print(f"character frequencies of the text: entropy {entropy(frequencies):.3f} nats")
most_frequent = vocab.chars[frequencies.argmax()]
print(f"most frequent: {char_label(most_frequent)} ({frequencies.max():.3f})")
assert np.allclose(p_zero, softmax(params["by"][:, 0].astype(np.float64)))
assert abs(entropy(p_zero) - np.log(V)) < 0.1 and entropy(p_zero) > entropy(frequencies) + 0.5
assert most_frequent == " " and vocab.char_to_ix[" "] not in favourites

# %% needs=["sample_with_temperature", "sample_text"]
# (20,000, H): the states after reading each of the first 20,000 characters
states_read = rnn_lib.forward(params, vocab.encode(shakespeare[:20_000]), h_zero)["hs"][1:, 0, :]
smallest_h = np.linalg.norm(states_read, axis=1).min()
firsts = [rnn_lib.sample(params, vocab, 1, np.random.default_rng(seed)) for seed in range(12)]
print(f"reading the first 20,000 characters: smallest |h_t| {smallest_h:.2f}")
print(f"(|0| = 0, largest possible sqrt(H) = {np.sqrt(H):.2f})")
print("first character of unprimed samples, seeds 0-11:")
print(firsts)
assert smallest_h > 5 and len(set(firsts)) >= 9

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two samples with the same seed, without and with the prime. The prime must use characters of the
# vocabulary; anything else is refused with a message that says which character is wrong.

# %% needs=["sample_with_temperature", "sample_text"]
for prime in ("", "ROMEO:"):
    text = rnn_lib.sample(params, vocab, 120, np.random.default_rng(3), prime=prime, temperature=0.8)
    print(f"==== prime {prime!r} ====\n{prime}{text}\n")
try:
    rnn_lib.sample(params, vocab, 10, np.random.default_rng(3), prime="Roméo")
except ValueError as exc:
    print(f"ValueError: {exc}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · Try it
#
# `generate` is what the panel below calls: the prime plus its continuation, or the error message if the
# prime cannot be used. We call it once with fixed values. **Expected:** it equals the prime followed by
# `rnn_lib.sample`'s text for the same seed, and a bad prime gives a message, not an exception.

# %% needs=["sample_with_temperature", "sample_text"]
def generate(prime, temperature, length, seed):
    """The prime followed by `length` sampled characters (or the reason the prime is refused)."""
    try:
        rng = np.random.default_rng(seed)
        return prime + rnn_lib.sample(params, vocab, length, rng, prime=prime, temperature=temperature)
    except ValueError as exc:
        return f"cannot sample: {exc}"


shown = generate("JULIET:", 0.7, 200, 5)
print(shown)
assert shown == "JULIET:" + rnn_lib.sample(params, vocab, 200, np.random.default_rng(5), prime="JULIET:",
                                            temperature=0.7)
assert generate("{", 1.0, 10, 0).startswith("cannot sample")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Change the temperature, the prime, the length or the seed; the text below is regenerated (this needs a
# running kernel; a copy viewed without one shows the text for the starting values, printed above).
# Things to try: $T = 0$ and a long length, to see a loop; $T = 2$; the same seed with two different
# primes; an empty prime.

# %% needs=["sample_with_temperature", "sample_text"]
import ipywidgets as widgets

from rnn_notebook.widgets import box_with_fallback

controls = {
    "temperature": widgets.FloatSlider(value=0.7, min=0.0, max=2.0, step=0.05, description="temperature",
                                       continuous_update=False, style={"description_width": "initial"}),
    "prime": widgets.Text(value="JULIET:", description="prime"),
    "length": widgets.IntSlider(value=200, min=20, max=800, step=20, description="length",
                                continuous_update=False),
    "seed": widgets.IntText(value=5, description="seed", layout=widgets.Layout(width="160px")),
}
output = widgets.Textarea(layout=widgets.Layout(width="100%", height="260px"))


def regenerate(_change=None):
    output.value = generate(**{name: c.value for name, c in controls.items()})


for c in controls.values():
    c.observe(regenerate, names="value")
regenerate()
caption = ("Interactive: change the temperature, prime, length or seed to sample again "
           "(needs a running kernel). Temperature 0.7, prime 'JULIET:', length 200, seed 5 give:")
rows = [widgets.HBox(list(controls.values())[:2]), widgets.HBox(list(controls.values())[2:]), output]
display(box_with_fallback(rows, f"{caption}\n\n{output.value}"))
assert output.value == shown

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · "How do I generate text with this?"
#
# **In Python**, three lines: load the checkpoint, make a seeded generator, sample.

# %% needs=["sample_with_temperature", "sample_text"]
ckpt = rnn_lib.load_checkpoint(CHECKPOINT)
rng = np.random.default_rng(1)
text = rnn_lib.sample(ckpt.params, ckpt.vocab, 200, rng, prime="ROMEO:", temperature=0.8)
print("ROMEO:" + text)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **From a terminal**, in the repository folder:
#
# ```bash
# python -m rnn_lib sample --checkpoint checkpoints/shakespeare_rnn.npz \
#        --prime "ROMEO:" --temperature 0.8 --seed 1 --length 200
# ```
#
# It prints the prime followed by the continuation.

# %% [markdown] tags=["homework-only"]
# *In this handout folder that command stops with a `NotImplementedError`: it starts a new Python
# process, which loads this folder's copy of `rnn_lib`, whose sampler is left out (your functions live in
# this notebook's kernel only). With the course's full `rnn_lib` installed it prints the same text as the
# three lines above.*

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# We run exactly that command here. **Expected:** the same text as the three lines above, because the
# command calls the same function with the same seed.

# %% tags=["reading-only"]
import os
import subprocess
import sys

command = [sys.executable, "-m", "rnn_lib", "sample", "--checkpoint", "checkpoints/shakespeare_rnn.npz",
           "--prime", "ROMEO:", "--temperature", "0.8", "--seed", "1", "--length", "200"]
result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True,
                        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
print(result.stdout)
assert result.stdout == "ROMEO:" + text + "\n"

# %% [markdown] slideshow={"slide_type": "fragment"}
# Other options: `--temperature 0` for greedy text, no `--prime` to start from nothing, a different
# `--seed` for another sample. `python -m rnn_lib sample --help` lists them. And to get a checkpoint in
# the first place: `python -m rnn_lib train --seconds 60 --checkpoint my_model.npz` (notebook 06).

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## Summary
#
# - Sampling runs the forward step one character at a time and feeds each drawn character back in:
#   $h \leftarrow \tanh(W_{xh}[:, i] + W_{hh} h + b_h)$, $p = \mathrm{softmax}(W_{hy} h + b_y)$, $i \sim p$.
# - One uniform number per character, compared with the cumulative distribution, makes the draw; a seeded
#   `rng` makes the text reproducible. Our from-scratch sampler and `rnn_lib.sample` agree character for character.
# - Temperature $T$ samples from $\mathrm{softmax}(y/T)$: low $T$ is correct but repetitive, high $T$ varied
#   but misspelt; entropy rises with $T$.
# - Greedy decoding ($T = 0$) is a deterministic map of the state, and a contracting one: saturated units
#   pull nearby states together, so the state settles onto an exact limit cycle and the text loops for ever.
#   We found the period in code, saw the state repeat and (in the optional part) measured the pull per step
#   and found its cause: along the loop most activations are saturated, and $W_{hh}$ alone would stretch.
# - A prime sets the hidden state before generation: after `ROMEO:` the model expects a new line and a speech.
# - To generate text: `rnn_lib.sample(ckpt.params, ckpt.vocab, n, rng, prime=..., temperature=...)`, or
#   `python -m rnn_lib sample --checkpoint FILE`.

# %% [markdown] tags=["homework-only"]
# ## Summary
#
# - Sampling runs the forward step one character at a time and feeds each drawn character back in:
#   $h \leftarrow \tanh(W_{xh}[:, i] + W_{hh} h + b_h)$, $p = \mathrm{softmax}(W_{hy} h + b_y)$, $i \sim p$.
# - One uniform number per character, compared with the cumulative distribution, makes the draw; a seeded
#   `rng` makes the text reproducible. Your `sample_text` reads the prime first, then predicts, draws and
#   feeds back; plugged into `rnn_lib.sample`, it wrote every sample of this notebook.
# - Temperature $T$ samples from $\mathrm{softmax}(y/T)$: low $T$ is correct but repetitive, high $T$ varied
#   but misspelt; entropy rises with $T$.
# - Greedy decoding ($T = 0$) is a deterministic map of the state, and a contracting one: saturated units
#   pull nearby states together, so the state settles onto an exact limit cycle and the text loops for ever.
#   We found the period in code, saw the state repeat and (in the optional part) measured the pull per step
#   and found its cause: along the loop most activations are saturated, and $W_{hh}$ alone would stretch.
# - A prime sets the hidden state before generation: after `ROMEO:` the model expects a new line and a speech.
# - To generate text: `rnn_lib.sample(ckpt.params, ckpt.vocab, n, rng, prime=..., temperature=...)`, or
#   `python -m rnn_lib sample --checkpoint FILE`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. Why does the sampler need the hidden state $h$ carried from step to step, and not just the last character?
# 2. The logits of three characters are $(2, 1, 0)$. What are the probabilities at $T = 1$ and at $T = 0.5$?
#    Which temperature makes the first character more likely?
# 3. With $u = 0.95$ and $p = (0.5, 0.3, 0.2)$, which character does the inverse-CDF draw pick?
# 4. Two runs of `rnn_lib.sample` with the same seed, prime and temperature give the same text. Why? What
#    changes if you use $T = 0$ and different seeds?
# 5. Why does greedy decoding loop, while sampling at $T = 1$ does not?
# 6. What does the prime `ROMEO:` do that a random seed cannot?
# 7. The gist "is running" but you see no text. Where is it, and what do you need to generate text later?
#
# <details>
# <summary>Answers</summary>
#
# 1. $h$ summarises everything read so far (the prime and all generated characters); the last character
#    alone cannot tell whether we are inside a name, a word or a line. $p$ depends on $h$, not only on the input.
# 2. $T = 1$: $\mathrm{softmax}(2, 1, 0) \approx (0.665, 0.245, 0.090)$. $T = 0.5$: $\mathrm{softmax}(4, 2, 0)
#    \approx (0.867, 0.117, 0.016)$. The lower temperature favours the first character more.
# 3. The cumulative sums are $(0.5, 0.8, 1.0)$; the first one above 0.95 is the third, so the third character.
# 4. The only randomness is the sequence of uniform numbers, one per character, and a seeded `rng` repeats
#    it exactly. At $T = 0$ no random number affects the choice (all mass is on the argmax), so every seed
#    gives the same text.
# 5. At $T = 0$ the next character, and so the next state, is a fixed function of the current state. That
#    alone would allow a path that never repeats; but the greedy map contracts (saturated units shrink small
#    differences between states), so once the characters start repeating the state is pulled onto an exact
#    loop and the text repeats for ever. At $T = 1$ each draw uses a new random number: less likely
#    characters keep pushing the state to new places before the pull can finish.
# 6. It sets the hidden state, i.e. the context: after `ROMEO:` the model expects a newline and then a
#    speech. The seed only chooses among the outcomes the state makes likely.
# 7. The gist prints a 200-character sample every 100 iterations between lines of dashes; that is the
#    generated text. To generate more later you need the weights saved (the gist never saves them) and a
#    sampling loop: `python -m rnn_lib train --checkpoint F`, then `python -m rnn_lib sample --checkpoint F`.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - A. Karpathy, *min-char-rnn.py*, its `sample` function and the comment thread with the question this
#   notebook answers: <https://gist.github.com/karpathy/d4dee566867f8291f086>
# - A. Karpathy, *The Unreasonable Effectiveness of Recurrent Neural Networks* (2015), samples from
#   character-level models and the effect of temperature: <https://karpathy.github.io/2015/05/21/rnn-effectiveness/>
# - CS231n lecture 10, *Recurrent Neural Networks*: sampling at test time, one character at a time, feeding
#   each back in: <https://cs231n.stanford.edu/>
# - A. Holtzman et al., *The Curious Case of Neural Text Degeneration* (ICLR 2020), why greedy and low-temperature
#   decoding repeat themselves, and top-p sampling: <https://arxiv.org/abs/1904.09751>

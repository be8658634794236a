# %% [markdown] slideshow={"slide_type": "slide"}
# # 10 · What the neurons learn
# ### Looking inside the hidden state of the trained Shakespeare RNN
#
# **What you will learn**
#
# - how to read out the hidden state $h_t$ after every character of a text and show one hidden
#   unit as **coloured text** (blue for $-1$, white for $0$, red for $+1$);
# - how to **search automatically** for units that track something you can name (the start of a
#   line, a speaker's name, a space, ...) by correlating every unit with simple text features;
# - why such a search needs **controls**: features shifted in time tell you what chance gives, an
#   untrained network tells you what the input alone gives, and made-up texts tell you which of two
#   look-alike explanations a unit follows;
# - why most of what a small vanilla RNN knows is **distributed** over many units, and how a linear
#   **probe** reads it out (and what a probe does *not* prove).
#
# **Prerequisites:** notebooks 01–06 (the forward step, and the model trained on tiny Shakespeare
# in notebook 06) and 09 (spectral radius, saturation, vanishing gradients). Nothing is trained here.
#
# **Time:** about 55 minutes on your own.

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
# ## 1 · Searching for interpretable cells
#
# Karpathy, Johnson & Fei-Fei (2015) found single cells of a character-level LSTM that do one
# recognisable job: a cell that switches on inside quotation marks, one that counts along a line and
# resets at the line break, one that lights up inside the condition of an `if` statement, one for
# comments, one for the nesting depth of code. Nobody asked for them: the network found them useful
# for predicting the next character.
#
# Our model is much smaller: a **vanilla** RNN with 160 hidden units, trained for a few minutes on
# one megabyte of Shakespeare. Does it have cells like that? We will look, and we will be careful
# about what counts as an answer.

# %% [markdown] slideshow={"slide_type": "subslide"}
# We load the model of notebook 06, shipped with the repository. Its weights are stored in float32;
# we cast them to **float64** so that every number below comes out the same on every machine. Training
# held out the last 10% of the text; `rnn_lib.split_ids` cuts it off exactly as the trainer did, and we
# measure the model's loss on **all** of it (the training history only holds quicker passes over its
# first 20,000 characters).
# **Expected:** a 65-character vocabulary, $H = 160$ hidden units, a loss well below a uniform guess.

# %%
ckpt = rnn_lib.load_checkpoint(rnn_lib.shipped_checkpoint())
vocab, config = ckpt.vocab, ckpt.config
params = {name: p.astype(np.float64) for name, p in ckpt.params.items()}
V, H = len(vocab), config.hidden_size
Wxh, Whh, Why, bh, by = (params[k] for k in rnn_lib.PARAM_NAMES)
text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
_, val_ids = rnn_lib.split_ids(vocab.encode(text), config.val_fraction, config.seq_length)
val_nats = rnn_lib.evaluate(ckpt.params, val_ids)

print(f"vocabulary V = {V} characters, hidden size H = {H}")
print(f"trained for {ckpt.step:,} steps")
print(f"validation loss on all {len(val_ids):,} held-out characters: {val_nats:.3f} nats/char")
print(f"= {val_nats / rnn_lib.LN2:.3f} bits/char (a uniform guess: ln {V} = {np.log(V):.3f})")
assert (V, H) == (65, 160) and Whh.dtype == np.float64 and val_nats < 0.5 * np.log(V)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A passage the model has never seen
#
# Every statistic in this notebook comes from the first 50,000 characters of the held-out text,
# starting at its first line of text: enough lines, names and sentences that a pattern found once
# is not luck. The coloured-text displays show short stretches of it.

# %%
held_out = vocab.decode(val_ids)
first_line = len(held_out) - len(held_out.lstrip("\n"))  # skip the blank lines it starts with
passage = held_out[first_line:first_line + 50_000]
ids = vocab.encode(passage)
T = len(passage)

print(f"{T:,} characters, {passage.count(chr(10)):,} lines; it begins:\n")
print(passage[:250])
assert T == 50_000 and held_out == text[len(text) - len(val_ids):]

# %% [markdown] slideshow={"slide_type": "fragment"}
# Before we search for a quote cell, one check. **Expected:** no double quotes and no brackets at
# all: they are not even in the vocabulary.

# %%
for ch in "\"()[]":
    print(f"{ch!r}: in the vocabulary? {ch in vocab}; occurrences in the whole file: {text.count(ch)}")
assert not any(ch in vocab for ch in "\"()[]")

# %% [markdown] slideshow={"slide_type": "fragment"}
# So this model **cannot** have a quote cell or a bracket cell: a unit can only learn a pattern
# that occurs in its training text. Tiny Shakespeare has other structure instead: speakers' names
# on their own line (`GREMIO:`), lines of verse, sentences, words. How long are the lines?
# **Expected:** a median length between 30 and 45 characters, with a wide spread around it (speaker
# names make short lines, prose makes long ones).

# %%
line_lengths = np.array([len(line) for line in passage.split("\n") if line])
q1, median, q3 = np.percentile(line_lengths, [25, 50, 75])
in_range = np.mean((line_lengths >= 30) & (line_lengths <= 45))
print(f"{len(line_lengths):,} non-empty lines: median {median:.0f} characters, middle half {q1:.0f} to {q3:.0f}")
print(f"{in_range:.0%} of them are 30 to 45 characters long")
assert 30 <= median <= 45

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Collecting the hidden states
#
# We feed the passage through the RNN one character at a time, starting from $h = 0$, and keep
# every state: row $t$ of the matrix `acts` is
#
# $$h_t = \tanh(W_{xh}[:, x_t] + W_{hh} h_{t-1} + b_h),$$
#
# the state **after reading character $t$**. Column $j$ is the life of hidden unit $j$ over the
# passage. First the plain loop, over the first 5,000 characters (a Python loop is slow; the library
# does the whole passage below):

# %%
n_loop = 5000
acts_loop = np.empty((n_loop, H))
h = np.zeros(H)
for t, i in enumerate(ids[:n_loop]):
    h = np.tanh(Wxh[:, i] + Whh @ h + bh[:, 0])
    acts_loop[t] = h
print(f"acts_loop: shape {acts_loop.shape}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# `rnn_lib.forward` returns the same states in `cache["hs"]`, shape (T+1, B, H), with the
# starting state in row 0. **Expected:** it agrees with the loop to within $10^{-12}$. And, as in
# notebook 09, more than half of all activations are **saturated**, $|h| > 0.95$ (there
# $\tanh' < 0.1$).

# %%
cache = rnn_lib.forward(params, ids, np.zeros((H, 1)))
acts = cache["hs"][1:, 0, :]  # drop h_{-1} = 0; one stream (B = 1)
max_diff = np.abs(acts[:n_loop] - acts_loop).max()
saturated = np.mean(np.abs(acts) > 0.95)
print(f"acts: shape {acts.shape}; largest difference to the loop below 1e-12: {max_diff < 1e-12}")
print(f"saturated activations (|h| > 0.95): {saturated:.1%}")
assert acts.shape == (T, H) and max_diff < 1e-12 and saturated > 0.5

# %% [markdown] slideshow={"slide_type": "fragment"}
# More than half of all activations (the share printed above) sit within 0.05 of $\pm 1$: almost fully
# on or fully off.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · One unit as coloured text
#
# Give each character a background colour from the activation of one unit just after reading it:
# mix white with red in proportion to $h \in [0, 1]$ and with blue in proportion to $-h$. For a
# colour channel $c$ of the end colour, the mixed channel is $255 + |h|\,(c - 255)$, **rounded to
# an integer** so that the HTML text is identical on every run and every machine.
# `rnn_notebook.widgets.activation_colour` does this; we check it against the formula.

# %%
from rnn_notebook.widgets import activation_colour, activation_html

red, blue = np.array([214, 47, 39]), np.array([33, 102, 172])  # the colours at +1 and -1
agree = []
for v in (-1.0, -0.5, 0.0, 0.5, 1.0):
    mixed = np.rint(255 + abs(v) * ((red if v >= 0 else blue) - 255)).astype(int)
    ours = "#" + "".join(f"{c:02x}" for c in mixed)
    print(f"h = {v:+.1f}: {ours}  library {activation_colour(v)}")
    agree.append(ours == activation_colour(v))
print(f"formula and library agree at all {len(agree)} values: {all(agree)}")
assert all(agree)

# %% [markdown] slideshow={"slide_type": "subslide"}
# `render_unit` colours a stretch of the passage by one unit. It returns a plain HTML string:
# we can test it, show it with `IPython.display.HTML`, and reuse it in a widget later.

# %%
from IPython.display import HTML, display


def render_unit(unit, start=0, length=300, note=""):
    """HTML of passage[start:start+length], each character coloured by acts[:, unit]."""
    stop = min(start + length, T)
    return activation_html(passage[start:stop], acts[start:stop, unit],
                           title=f"{note}unit {unit}, characters {start}-{stop - 1}")


page = render_unit(0)
display(HTML(page))
assert page.count("<span") == 300 + 3  # one span per character, three in the colour legend
assert page == render_unit(0)  # a deterministic string

# %% [markdown] slideshow={"slide_type": "fragment"}
# Unit 0 alternates red, blue, red, blue at almost every character, whatever the text says. How
# many units do that? Count, for every unit, how often its sign changes from one step to the next.

# %%
flips = np.mean(np.sign(acts[1:]) != np.sign(acts[:-1]), axis=0)  # (H,): fraction of sign changes
clock = flips > 0.9  # units that change sign at more than 90% of steps
print(f"unit 0 changes sign at {flips[0]:.3f} of all steps; "
      f"{clock.sum()} of {H} units ({clock.mean():.0%}) change sign at more than 90% of steps")
assert flips[0] > 0.9 and clock.sum() > 30

# %% [markdown] slideshow={"slide_type": "fragment"}
# The count printed above is a large share of the units: they tick like a clock with a period of two
# characters. Where could such a rhythm come from? If $W_{hh} v = \lambda v$ with $\lambda$ real and
# negative, then a state along $v$ is sent to $\lambda$ times itself, **the other sign**, at every step,
# and $\tanh$ keeps it near $\pm 1$. So we look for a large negative eigenvalue, and check that its
# eigenvector lives on the clock units.
#
# **Expected:** the most negative eigenvalue of $W_{hh}$ is also its largest in modulus (the spectral
# radius that notebook 09 measures); and the clock units carry more than three quarters of its unit
# eigenvector's weight $\sum_j v_j^2$, far more than their share of the units.

# %%
eigenvalues, eigenvectors = np.linalg.eig(Whh)
j_neg = np.argmin(eigenvalues.real)
lam, v = eigenvalues[j_neg], eigenvectors[:, j_neg]
v = v.real / np.linalg.norm(v.real)  # a real eigenvalue has a real eigenvector
clock_weight = np.sum(v[clock] ** 2)
print(f"most negative eigenvalue {lam.real:+.2f} (imaginary part {lam.imag:g}); "
      f"spectral radius {np.abs(eigenvalues).max():.2f}")
print(f"the {clock.sum()} clock units ({clock.mean():.0%} of all units) carry {clock_weight:.0%} of its eigenvector's weight")
assert lam.imag == 0 and lam.real < -1 and np.isclose(abs(lam), np.abs(eigenvalues).max())
assert clock_weight > 0.75 and clock_weight > 2 * clock.mean()

# %% [markdown] slideshow={"slide_type": "fragment"}
# So the clock is $W_{hh}$'s own rhythm, not a property of the text: one real negative eigenvalue, the
# largest of all, whose eigenvector sits on the units that flip. (In notebook 09 the same eigenvalue
# sets the spectral radius, which would make a linear recurrence explode; saturation keeps it in
# check.) Whether training put the clock there for a reason, this notebook cannot tell; it does tell us
# that looking at units one by one, by eye, is slow and easy to fool. Let the computer search.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Text features to compare against
#
# For each character we compute simple, nameable facts about the text **up to and including** it
# (what the state could know after reading it; one feature looks at the whole line):
#
# | feature | value |
# | --- | --- |
# | position in line | characters read since the last newline (0 right after it) |
# | after newline | 1 if the character is a newline |
# | vowel, uppercase, whitespace | 1 if the character is one |
# | speaker-name line | 1 on a line like `GREMIO:` (ends with `:`, follows a blank line) |
# | end of sentence | 1 if the last non-space character was `.`, `!` or `?` |
# | position in word | letters read since the word began (0 outside words) |

# %%
FEATURES = ["position in line", "after newline", "vowel", "uppercase", "whitespace",
            "speaker-name line", "end of sentence", "position in word"]


def text_features(s):
    """Array (len(s), K): one row per character, one column per entry of FEATURES."""
    rows, column, word, last = [], 0, 0, ""
    for ch in s:
        column = 0 if ch == "\n" else column + 1
        word = word + 1 if ch.isalpha() else 0
        last = last if ch.isspace() else ch
        rows.append([column, ch == "\n", ch in "aeiouAEIOU", ch.isupper(), ch.isspace(),
                     0, last in (".", "!", "?"), word])
    F = np.array(rows, dtype=float)
    lines, start = s.split("\n"), 0
    for k, line in enumerate(lines):
        if line.endswith(":") and (k == 0 or lines[k - 1] == ""):
            F[start:start + len(line), FEATURES.index("speaker-name line")] = 1
        start += len(line) + 1
    return F

# %% [markdown] slideshow={"slide_type": "subslide"}
# A test on a made-up text whose answers we can write down by hand. **Expected** (one value per
# character of `BOB:⏎Go. Hi`): positions in line 1 2 3 4 0 1 2 3 4 5 6, speaker-name line on the
# first four characters, end of sentence on `.` and the space after it.

# %%
tiny = "BOB:\nGo. Hi"
F_tiny = text_features(tiny)
print("character   " + " ".join(f"{c!r:>4}" for c in tiny))
for k, name in enumerate(FEATURES):
    print(f"{name:18s}  " + " ".join(f"{v:4.0f}" for v in F_tiny[:, k]))
column = {name: F_tiny[:, k].tolist() for k, name in enumerate(FEATURES)}
assert column["position in line"] == [1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6]
assert column["speaker-name line"] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
assert column["end of sentence"] == [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0]
assert column["position in word"] == [1, 2, 3, 0, 0, 1, 2, 0, 0, 1, 2]

# %% [markdown] slideshow={"slide_type": "fragment"}
# Now the features of the whole passage: a (T, K) matrix next to the (T, H) matrix of activations.

# %%
F = text_features(passage)
K = len(FEATURES)
for k, name in enumerate(FEATURES):
    print(f"{name:18s} mean {F[:, k].mean():6.3f}   max {F[:, k].max():4.0f}")
assert F.shape == (T, K) and np.all(F.std(axis=0) > 0)  # no constant feature: r is defined

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Correlate every unit with every feature
#
# The Pearson correlation of unit $j$ with feature $k$ over the passage is the mean product of
# the two after standardising each (subtract the mean, divide by the standard deviation):
#
# $$r_{jk} = \frac{1}{T}\sum_t z(h_{t,j})\, z(f_{t,k}).$$
#
# Standardise the columns of both matrices once, and **one** matrix product gives all
# $H \times K$ correlations. **Expected:** the same number as `np.corrcoef` for any one pair.

# %%
def standardise(X):
    """Columns of X shifted to mean 0 and scaled to standard deviation 1."""
    return (X - X.mean(axis=0)) / X.std(axis=0)


R = standardise(acts).T @ standardise(F) / T  # (H, K)
check = np.corrcoef(acts[:, 7], F[:, 0])[0, 1]
print(f"R shape {R.shape}; r(unit 7, position in line) = {R[7, 0]:+.3f}, np.corrcoef: {check:+.3f}")
assert np.isclose(R[7, 0], check, atol=1e-12) and np.all(np.abs(R) <= 1 + 1e-12)

# %% [markdown] slideshow={"slide_type": "subslide"}
# One row per feature, one column per unit. The circle marks the unit with the largest $|r|$ in each row.

# %%
best = np.abs(R).argmax(axis=0)  # best unit for each feature, shape (K,)
fig, ax = plt.subplots(figsize=(15, 4.8))
image = ax.imshow(R.T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
_ = ax.scatter(best, range(K), s=160, facecolors="none", edgecolors="black", linewidths=2.5)
ax.grid(False)
ax.set_yticks(range(K), FEATURES)
ax.set_xlabel("hidden unit")
ax.set_title("Correlation r of each hidden unit with each text feature")
_ = fig.colorbar(image, ax=ax, label="r", pad=0.01)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Some rows have strongly coloured columns, some are pale everywhere. A sign is not a meaning: a
# unit that is $-1$ on names does the same job as one that is $+1$, because the next layer can
# weight it either way.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Better than chance? A shifted-feature control
#
# With 160 units to choose from, the *best* of them will correlate with anything a little. To see
# how much, we break the link between each feature and the text and take the largest $|r|$ over all
# units. The obvious way, a random permutation in time, also destroys the **runs** in a feature (a name
# line is several characters in a row, the position in a line climbs step by step), and units have
# runs too; two sequences with runs correlate by chance more strongly than two run-free ones. A
# **circular shift** (`np.roll` by a random offset) keeps every run and only slides the feature along
# the text. We try 20 shifts per feature; the largest $|r|$ over all of them is the chance level we use
# below: what chance reaches with 20 tries. For comparison, the same with 20 random permutations, and
# for both the mean over the 20 tries of the largest $|r|$ (an average is steadier than a maximum).
#
# **Expected:** for the position in line, whose runs are the longest (it climbs along the whole line),
# the shifts give the higher mean; for the single-character features (after newline, vowel,
# whitespace) the two means agree to within 25 %.

# %%
rng = np.random.default_rng(9)
n_controls = 20
Z_acts = standardise(acts)


def chance_levels(controls):
    """Largest |r| between any unit and each column of controls (T, n): one value per try."""
    return np.abs(Z_acts.T @ standardise(controls) / T).max(axis=0)


tries_perm, tries_shift = np.empty((K, n_controls)), np.empty((K, n_controls))
for k in range(K):
    permuted = np.stack([rng.permutation(F[:, k]) for _ in range(n_controls)], axis=1)
    tries_perm[k] = chance_levels(permuted)
    offsets = rng.integers(T // 10, T - T // 10, size=n_controls)  # far from 0 and from T
    shifted = np.stack([np.roll(F[:, k], s) for s in offsets], axis=1)
    tries_shift[k] = chance_levels(shifted)
chance = tries_shift.max(axis=1)  # the chance level: the largest |r| over the 20 shifts
ratio = tries_shift.mean(axis=1) / tries_perm.mean(axis=1)
print(f"largest |r| over all units, {n_controls} tries per feature:")
print(f"{'feature':18s} {'mean, permuted':>15s} {'mean, shifted':>14s} {'ratio':>6s} {'max, shifted':>13s}")
for k, name in enumerate(FEATURES):
    print(f"{name:18s} {tries_perm[k].mean():15.4f} {tries_shift[k].mean():14.4f} {ratio[k]:6.2f} "
          f"{chance[k]:13.3f}")
name_k = FEATURES.index("speaker-name line")
single_char = [FEATURES.index(name) for name in ("after newline", "vowel", "whitespace")]
assert ratio[FEATURES.index("position in line")] > 1 and np.all(np.abs(ratio[single_char] - 1) < 0.25)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The table: the best unit of each feature, its $r$, the chance level from the shifts, and how many
# units reach $|r| > 0.5$ (one strong unit is a *detector*; many middling ones is a *distributed* code).
# **Expected:** every best $|r|$ beats its chance level by at least **0.15**.

# %%
r_best = R[best, range(K)]
margin = 0.15
print(f"{'feature':18s} {'unit':>4s} {'r':>7s} {'chance':>7s} {'units |r|>0.5':>14s}")
for k, name in enumerate(FEATURES):
    n_strong = int(np.sum(np.abs(R[:, k]) > 0.5))
    print(f"{name:18s} {best[k]:4d} {r_best[k]:+7.3f} {chance[k]:7.3f} {n_strong:14d}")
assert np.all(np.abs(r_best) > chance + margin)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every feature is tracked far above chance, but only the **speaker-name line** has a unit that comes
# near $|r| = 1$: a candidate detector (section 8 tests what exactly it detects). The other features'
# best units stay well below it. The speaker-name unit also comes close to winning the uppercase row,
# and a look at the text explains why. **Expected:** more than half of the capitals in the passage stand
# in speaker-name lines, and the speaker-name unit's $|r|$ with uppercase is within 0.05 of the best.

# %%
upper_k = FEATURES.index("uppercase")
capitals = F[:, upper_k] == 1
in_names = np.mean(F[capitals, name_k] == 1)
r_name_unit_upper = R[best[name_k], upper_k]
print(f"{capitals.sum():,} capitals, {in_names:.0%} of them in speaker-name lines")
print(f"uppercase: best unit {best[upper_k]} has r = {r_best[upper_k]:+.3f}; "
      f"the speaker-name unit {best[name_k]} has r = {r_name_unit_upper:+.3f}")
assert in_names > 0.5 and abs(r_name_unit_upper) > abs(r_best[upper_k]) - 0.05
assert abs(r_best[name_k]) > np.delete(np.abs(r_best), name_k).max() + 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · A harder control: the untrained network
#
# Beating chance is a low bar. Three features (newline, vowel, whitespace) are facts about the
# **current** input character, and every state is $\tanh(W_{xh}[:, x_t] + \dots)$: even random
# input weights make some unit react to, say, a space. Which correlations did **training** create?
# We repeat the search on the same network before its first update (the same seed and scale as
# the trainer's initialisation).

# %%
untrained = rnn_lib.init_params(V, H, np.random.default_rng(config.seed), scale=config.init_scale)
acts_untrained = rnn_lib.forward(untrained, ids, np.zeros((H, 1)))["hs"][1:, 0, :]
R_untrained = standardise(acts_untrained).T @ standardise(F) / T
r_untrained = np.abs(R_untrained).max(axis=0)
print(f"{'feature':18s} {'best |r| trained':>17s} {'untrained':>10s} {'gain':>7s}")
for k, name in enumerate(FEATURES):
    print(f"{name:18s} {abs(r_best[k]):17.3f} {r_untrained[k]:10.3f} {abs(r_best[k]) - r_untrained[k]:+7.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Expected, and asserted:** the speaker-name unit is a product of training (its $|r|$ rises by
# more than 0.5), while for the current-character features the untrained network does about as
# well or better: those correlations come from the input wiring, not from anything learned.

# %%
gain = np.abs(r_best) - r_untrained
print(f"speaker-name line: |r| {abs(r_best[name_k]):.3f} trained vs {r_untrained[name_k]:.3f} untrained")
print(f"largest gain on after newline, vowel, whitespace: {gain[single_char].max():+.3f}")
assert gain[name_k] > 0.5 and abs(r_best[name_k]) > 0.85 and np.all(gain[single_char] < 0.1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · Looking at the best units
#
# Numbers first, then eyes. The speaker-name unit over the first 300 characters: the names should
# stand out in one colour, the speeches in the other.

# %%
display(HTML(render_unit(best[name_k], start=0, length=300)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The names turn blue from their first or second letter on. Is this a *name* detector? In this text
# three explanations mark almost the same characters: a speaker's name, a run of capitals, and a run of
# capitals that opens a speech block (after a blank line). **Expected:** nearly all capitals that follow
# a capital are in speaker-name lines, and nearly every speech block opens with one.

# %%
caps_after_caps = capitals[1:] & capitals[:-1]
caps_run_in_names = np.mean(F[1:, name_k][caps_after_caps] == 1)
blocks = [b.strip("\n") for b in passage.split("\n\n") if b.strip("\n")]
opens_with_name = np.mean([b.split("\n")[0].endswith(":") for b in blocks])
print(f"capitals after a capital in speaker-name lines: {caps_run_in_names:.2%} of {caps_after_caps.sum():,}")
print(f"speech blocks whose first line is a speaker name: {opens_with_name:.1%} of {len(blocks)}")
assert caps_run_in_names > 0.95 and opens_with_name > 0.95

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two features that mark the same characters have the same correlation with every unit, so no
# correlation can tell these explanations apart. Made-up texts can, if they separate them:
#
# - a speech under `ROMEO:` with capitals inside it, among them a line `GO HOME.`: capitals, but
#   not opening a block;
# - the same `GO HOME.` right after a blank line: capitals opening a block, but no name.
#
# We measure the unit on the four characters after the first letter (`OMEO` of ROMEO, `O HO` of
# GO HOME). **If it detects names**, only ROMEO turns blue. **If it detects capitals opening a
# block**, the opening `GO HOME` turns blue as well, and the one inside the speech stays red.
# **Expected (and asserted): the second.**

# %%
name_unit = best[name_k]


def unit_on(s):
    """Activation of the speaker-name unit after each character of s, from a zero state."""
    return rnn_lib.forward(params, vocab.encode(s), np.zeros((H, 1)))["hs"][1:, 0, name_unit]


made_up = "\n\nROMEO:\nI say NO, NEVER, and I mean it.\nGO HOME.\n"
opening = "\n\nGO HOME.\n"
h_made_up, h_opening = unit_on(made_up), unit_on(opening)
display(HTML(activation_html(made_up, h_made_up, title=f"unit {name_unit}: a name, then capitals in a speech")))
display(HTML(activation_html(opening, h_opening, title=f"unit {name_unit}: capitals opening a block, no name")))
after_first = slice(3, 7)  # the four characters after the block's first letter
inside = made_up.index("GO HOME") + 1
name_caps = np.zeros(len(made_up), bool)
name_caps[2:7] = True  # R O M E O
other_caps = np.array([c.isupper() for c in made_up]) & ~name_caps
print(f"mean activation on OMEO of ROMEO: {h_made_up[after_first].mean():+.3f}")
print(f"on O HO of GO HOME, opening a block: {h_opening[after_first].mean():+.3f}; "
      f"inside the speech: {h_made_up[inside:inside + 4].mean():+.3f}")
print(f"on all {other_caps.sum()} capitals inside the speech: {h_made_up[other_caps].mean():+.3f}")
assert h_made_up[after_first].mean() < -0.8 and h_opening[after_first].mean() < -0.8
assert h_made_up[inside:inside + 4].mean() > 0.3 and h_made_up[other_caps].mean() > 0.3

# %% [markdown] slideshow={"slide_type": "fragment"}
# Capitals inside a speech leave the unit red; the same capitals opening a block turn it blue, just as a
# name does (and then, at `ME`, it turns red again). So the honest description of this unit is not "name
# detector" but **"a run of capitals opening a speech block"**: in Shakespeare's text that is always a
# speaker's name, which is why its correlation with our name feature is so high. It uses **context**
# (what came before the capitals), which is why the untrained network has nothing like it.
#
# Does the network as a whole know that `GO HOME` is no name? `rnn_lib.next_char_probs` gives its
# prediction for the next character. **Expected:** after a blank line and `ROMEO` it predicts the colon
# that ends a speaker's name with probability above one half; after `GO HOME`, below 0.05.

# %%
colon = vocab.encode(":")[0]
p_colon = {prefix: rnn_lib.next_char_probs(params, vocab, prefix)[colon] for prefix in ("\n\nROMEO", "\n\nGO HOME")}
for prefix, p in p_colon.items():
    print(f"P(':' | {prefix!r}) = {p:.3f}")
assert p_colon["\n\nROMEO"] > 0.5 and p_colon["\n\nGO HOME"] < 0.05

# %% [markdown] slideshow={"slide_type": "fragment"}
# The network does tell the two apart, but not with this one unit's sign: what it knows about names is spread
# over other units (section 10 comes back to such distributed codes).

# %% [markdown] slideshow={"slide_type": "subslide"}
# The best **position in word** unit, with its $r$ in the title, much weaker than the speaker-name
# unit's. It tends to be blue between words and to turn red a couple of letters into a word, but with
# many exceptions: this is what a *partial* detector looks like, a tendency rather than a rule.

# %%
word_k = FEATURES.index("position in word")
display(HTML(render_unit(best[word_k], start=600, length=300, note=f"r = {r_best[word_k]:+.3f}: ")))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The best **position in line** unit, weaker still: watch the first character of each line, then the
# rest of the line.

# %%
line_k = FEATURES.index("position in line")
display(HTML(render_unit(best[line_k], start=600, length=300, note=f"r = {r_best[line_k]:+.3f}: ")))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### All eight at a glance
#
# The best unit of every feature over the same 200 characters, with its correlation in the title.

# %%
gallery_start = passage.index("\n\n", 1200) + 2  # the first speech that starts after character 1200
for k, name in enumerate(FEATURES):
    display(HTML(render_unit(best[k], gallery_start, 200, note=f"{name} (r = {r_best[k]:+.3f}): ")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Compare what you see with the numbers: the sharper the $|r|$, the cleaner the pattern. Newline,
# whitespace and vowel units react to the character itself, as the untrained-network control
# predicted.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore for yourself
#
# Pick a unit with the slider, or jump to the best unit of a feature with the menu, and move
# along the passage: each view is a page of `render_unit`, the function of section 3. The controls
# need a running kernel; a copy viewed without one shows the view they start on.

# %%
import ipywidgets as widgets

from rnn_notebook.widgets import html_widget

unit_slider = widgets.IntSlider(value=int(best[name_k]), min=0, max=H - 1, description="unit")
start_slider = widgets.IntSlider(value=0, min=0, max=T - 300, step=50, description="start",
                                 continuous_update=False)
menu = widgets.Dropdown(options=[(f"best for {n}: unit {u}", int(u)) for n, u in zip(FEATURES, best)],
                        index=name_k, description="jump to", layout={"width": "420px"})
menu.observe(lambda change: setattr(unit_slider, "value", change["new"]), names="value")
caption = (f"Interactive: choose a unit with the slider or the menu and move along the passage (needs a "
           f"running kernel); here unit {unit_slider.value} from the start of the passage.")
display(html_widget(render_unit, {"unit": unit_slider, "start": start_slider}, caption=caption, above=[menu]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 · The line-position unit, up close
#
# In the LSTM of Karpathy, Johnson & Fei-Fei a cell ramped smoothly along each line, like a counter.
# Does the best position-in-line unit? Its **mean** over all lines, position by position, can mislead: a unit that is
# $+1$ on a third of the lines and $-1$ on the rest has a mean of $-1/3$, a "middle level" it never
# takes. So we look at the whole distribution at each position (left: each column is a histogram of
# the unit's values at that position, darker = more lines, on a stretched scale) and at the share of lines on which the unit
# is **on**, $h > 0$ (right), together with the share of values in the middle, $|h| < 0.5$.

# %%
from matplotlib.colors import PowerNorm

line_unit = best[line_k]
position = F[:, line_k].astype(int)
cols = np.arange(0, 46)
at = [acts[position == c, line_unit] for c in cols]      # the unit's values at each position
on = np.array([np.mean(a > 0) for a in at])              # share of lines on which it is on
middle = np.array([np.mean(np.abs(a) < 0.5) for a in at])
bins = np.linspace(-1, 1, 21)
histogram = np.stack([np.histogram(a, bins)[0] / len(a) for a in at], axis=1)  # (20 bins, positions)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 5))
image = ax1.imshow(histogram, origin="lower", aspect="auto", cmap="Greys", interpolation="nearest",
                   norm=PowerNorm(gamma=0.4, vmin=0, vmax=1),  # stretch the small shares so they show
                   extent=(cols[0] - 0.5, cols[-1] + 0.5, -1, 1))
ax1.grid(False)
_ = ax1.set(xlabel="position in line", ylabel="activation", title=f"Unit {line_unit}: values at each position")
_ = fig.colorbar(image, ax=ax1, label="share of lines", pad=0.01)
_ = ax2.bar(cols, on, color="tab:red", alpha=0.8, label="on: h > 0")
_ = ax2.plot(cols, middle, "o-", color="0.3", ms=4, label="middle: |h| < 0.5")
_ = ax2.set(xlabel="position in line (characters since the newline)", ylabel="share of lines", ylim=(0, 1),
            title=f"Unit {line_unit}: an on/off unit")
_ = ax2.legend(loc="upper right")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Expected, and asserted:** not a counter, and not a unit with a middle level either, but an **on/off
# unit whose chance of being on falls along the line**. At position 1, the first character of a line, it
# is on for more than 80 % of lines. At positions 2 to 10 it is on for between 10 % and 50 % of lines,
# and at each of them fewer than a quarter of its values are in the middle. At positions 15 to 45 it is on
# for fewer than 15 % of lines at every position, on average less than half as often as at positions
# 2 to 10. It says "just started", and then, less and less often, "still early"; never "character 37".

# %%
print(f"on at position 1: {on[1]:.0%}; positions 2-10: {on[2:11].min():.0%} to {on[2:11].max():.0%}")
print(f"  (in the middle: at most {middle[2:11].max():.0%})")
print(f"positions 15-45: {on[15:46].min():.0%} to {on[15:46].max():.0%}")
print(f"mean share on: positions 2-10 {on[2:11].mean():.0%}, positions 15-45 {on[15:46].mean():.0%}")
assert on[1] > 0.8 and np.all((on[2:11] > 0.1) & (on[2:11] < 0.5)) and np.all(middle[2:11] < 0.25)
assert np.all(on[15:46] < 0.15) and on[2:11].mean() > 2 * on[15:46].mean()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Why no counter? A vanilla RNN forgets quickly (notebook 09: the gradient through many $\tanh$ steps
# vanishes), and it was trained with truncated backpropagation over **25** characters, fewer than the
# median line has (section 1). The LSTMs in the paper had gated memory and longer training sequences.
# Notebook 14 runs this same unit search on our own LSTMs and finds such a cell.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10 · Distributed codes: a linear probe
#
# Perhaps no *single* unit counts, but the **population** does. A *linear probe* predicts the
# feature from all 160 units at once: $\hat f_t = \bar f + w^\top z(h_t)$, with $w$ found by
# ridge-regularised least squares (least squares plus a penalty $\lambda \lVert w\rVert^2$, here
# $\lambda = 1$, that keeps the weights small) on the **first half** of the passage and judged on the
# **second half**, which it has not seen. The score is $R^2$ on the second half: 1 is perfect,
# 0 is what the baseline gets (always guessing the mean $\bar f$ of the first half).

# %%
half = T // 2


def probe(X, Y, lam=1.0):
    """Fit on rows [:half], predict rows [half:]; return held-out R^2 (K,) and predictions."""
    Z = (X - X[:half].mean(axis=0)) / X[:half].std(axis=0)  # first-half statistics only
    Y = Y.reshape(len(Y), -1)
    y_mean = Y[:half].mean(axis=0)
    w = np.linalg.solve(Z[:half].T @ Z[:half] + lam * np.eye(Z.shape[1]), Z[:half].T @ (Y[:half] - y_mean))
    prediction = y_mean + Z[half:] @ w
    r2 = 1 - ((Y[half:] - prediction) ** 2).sum(axis=0) / ((Y[half:] - y_mean) ** 2).sum(axis=0)
    return r2, prediction

# %% [markdown] slideshow={"slide_type": "subslide"}
# Position in line, predicted by three readers: the best single unit (a probe on one column), all
# 160 units, and all 160 units of the untrained network. **Expected:** the full probe beats the
# single unit by more than 0.1 of $R^2$, and the untrained network's full probe comes within 0.05 of
# the trained one.

# %%
r2_single, _ = probe(acts[:, [line_unit]], F[:, line_k])
r2_all, pos_predicted = probe(acts, F[:, line_k])
r2_untrained, _ = probe(acts_untrained, F[:, line_k])
print("held-out R^2 for position in line:")
print(f"baseline 0.000, best single unit {r2_single[0]:.3f},")
print(f"all units {r2_all[0]:.3f}, all untrained units {r2_untrained[0]:.3f}")
assert r2_all[0] > r2_single[0] + 0.1 and abs(r2_untrained[0] - r2_all[0]) < 0.05

# %% [markdown] slideshow={"slide_type": "subslide"}
# What the probe predicts for each true position of the held-out half. A perfect probe would
# follow the dashed diagonal.

# %%
true_pos = position[half:]
mean_pred = np.array([pos_predicted[true_pos == c, 0].mean() for c in cols])
fig, ax = plt.subplots(figsize=(10, 4.8))
_ = ax.plot(cols, cols, "--", color="0.4", label="perfect")
_ = ax.plot(cols, mean_pred, "o-", color="tab:green", label="probe on all 160 units (mean)")
_ = ax.set(xlabel="true position in line", ylabel="predicted position", title="Linear probe, held-out half")
_ = ax.legend(loc="upper left")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Expected, and asserted:** the probe climbs over the first few characters and then flattens
# near the average position: for every true position from 30 to 45 it guesses less than 26.
# The population, like the single unit, knows *"early in the line"* far better than *"how far along"*.

# %%
print(f"mean prediction at true position 2: {mean_pred[2]:.1f}; at 30-45: "
      f"{mean_pred[30:46].min():.1f} to {mean_pred[30:46].max():.1f}")
assert mean_pred[2] < 10 and np.all(mean_pred[30:46] < 26)

# %% [markdown] slideshow={"slide_type": "fragment"}
# And the untrained network's probe does about as well (printed above): even a random recurrent
# network keeps a trace of its last few inputs, and the first characters of a line look different
# (capitals, names).

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Every feature: one unit versus all units
#
# The same comparison for all eight features, as held-out $R^2$. **Expected:** all 160 units
# together beat the best single unit on every feature; the untrained network's probe wins on the
# current-character features, the trained one on the speaker-name line (by more than 0.1) and on the
# position in word.

# %%
import textwrap

single = np.array([probe(acts[:, [best[k]]], F[:, k])[0][0] for k in range(K)])
r2_probe, _ = probe(acts, F)
r2_probe_untrained, _ = probe(acts_untrained, F)
print(f"{'feature':18s} {'one unit':>9s} {'all units':>10s} {'untrained':>10s}")
for k, name in enumerate(FEATURES):
    print(f"{name:18s} {single[k]:9.3f} {r2_probe[k]:10.3f} {r2_probe_untrained[k]:10.3f}")
trained_wins = [name for k, name in enumerate(FEATURES) if r2_probe[k] > r2_probe_untrained[k]]
untrained_wins = [name for k, name in enumerate(FEATURES) if r2_probe[k] <= r2_probe_untrained[k]]
print(f"\nthe trained network's probe wins on {len(trained_wins)}: {', '.join(trained_wins)}")
print(f"the untrained network's probe wins on {len(untrained_wins)}:")
print(textwrap.fill(", ".join(untrained_wins), 70, initial_indent="  ", subsequent_indent="  "))
assert np.all(r2_probe > single) and np.all(r2_probe_untrained[single_char] > r2_probe[single_char])
assert r2_probe[name_k] > r2_probe_untrained[name_k] + 0.1 and r2_probe[word_k] > r2_probe_untrained[word_k]

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two lessons. **Information is spread out:** for end of sentence or position in word, no unit
# comes close to what the population holds. And **a probe shows what can be read out, not what the
# network learned to use:** the untrained network's states, small and nearly linear, are a faithful
# echo of the last few characters, and probe *better* on every feature in its list above, the
# current-character features among them. The trained network, mostly saturated, keeps what helps it
# predict: its list holds the speaker-name line and the position in word, facts that need context.
# Position in line, on whichever list it lands, is a near tie (within 0.05, asserted earlier): which
# side wins it is not a finding.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - `rnn_lib.forward` gives every hidden state of a passage: a (T, H) matrix, one column per unit.
#   Colouring the text by one column shows what a unit does.
# - Correlating all units with all features is one matrix product of standardised columns.
# - Claims need **controls**: circularly shifted features (what chance reaches while keeping the runs;
#   for a feature that comes in long runs, such as the position in a line, random permutations are
#   more lenient; for single-character features the two agree), the untrained network (what the input
#   wiring alone gives), and made-up texts that separate explanations the real text confounds.
# - This 160-unit vanilla RNN has **one strong unit**: it correlates with speaker-name lines far more
#   than any unit does with any other feature, but made-up text shows what it really marks, **a run of
#   capitals opening a speech block**, name or not. It also has many partial detectors, a period-2
#   clock that is an eigenvector of $W_{hh}$, and no character counter: its line-position unit is an
#   on/off unit, on at the start of a line and less and less often after it.
# - Most of what it knows is **distributed**; a linear probe reads it out, but a good probe score
#   does not prove the network uses that information.
# - No quote cell: tiny Shakespeare has no quotation marks. A unit can only learn what the data contains.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. Why does the correlation search use the state *after* reading character $t$, and what would
#    change if the features described character $t+1$ instead?
# 2. A unit has $r = -0.89$ with "speaker-name line". Is it a worse detector than one with $r = +0.89$?
# 3. The shifted control stays clearly above 0. Why does the *best of 160* units beat zero even for a
#    feature that means nothing?
# 4. Why did we shift the features circularly instead of permuting them at random?
# 5. Why can an untrained network have a unit that correlates well with "is whitespace"?
# 6. The probe for position in line flattens after a few characters. Give two reasons connected
#    with how this model was built and trained.
# 7. In this text "a speaker's name" and "a run of capitals opening a speech block" mark the same
#    characters. How did we tell them apart, and why could the correlation alone not do it?
#
# <details>
# <summary>Answers</summary>
#
# 1. $h_t$ is computed from characters $0..t$, so it can only hold facts about them; features of
#    $t+1$ would measure what the model *predicts*, which mixes in its uncertainty about the future.
# 2. No. The sign is arbitrary: the next layer multiplies by $W_{hy}$, whose weights can be negative.
#    Only $|r|$ measures how well a unit tracks the feature.
# 3. Between two unrelated sequences of $T$ values, $r$ is not exactly 0: it scatters around 0 with
#    a spread of about $1/\sqrt{T}$ (more when both come in runs). Taking the largest $|r|$ over 160
#    units and 20 tries picks the far tail of that scatter, a few spreads out.
# 4. Many features come in runs (the position in a line climbs along the whole line), and so do unit
#    activations; that makes chance correlations between them larger than between run-free
#    sequences. A permutation destroys the runs, so for such a feature it underestimates chance. A
#    circular shift keeps the runs and only breaks the alignment with the text: an honest chance level
#    for every feature (for the position in line the table of section 6 shows the difference; for
#    single-character features, which rarely come in runs, the two agree).
# 5. Every state is $\tanh(W_{xh}[:, x_t] + \dots)$: if a unit's random input weight for the space
#    is unusually large, the unit jumps whenever a space is read, with no learning at all.
# 6. A vanilla RNN's memory fades quickly (gradients through many $\tanh$ steps vanish), and
#    truncated BPTT over 25 characters never rewards remembering further back than that.
# 7. With made-up texts in which the two disagree: `GO HOME.` right after a blank line opens a block
#    with capitals but is no name, and the unit turned blue on it as on `ROMEO`. Two features that are
#    equal on the data give the same correlation with every unit, so only new inputs that separate
#    them can show which one a unit follows.
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - A. Karpathy, J. Johnson, L. Fei-Fei, *Visualizing and Understanding Recurrent Networks*
#   (2015), arXiv:1506.02078: the interpretable LSTM cells of section 1, and an error analysis
#   of character models.
# - A. Karpathy, *The Unreasonable Effectiveness of Recurrent Neural Networks* (blog post, 2015):
#   the min-char-rnn story, samples, and the first pictures of single-cell activations.
# - A. Radford, R. Jozefowicz, I. Sutskever, *Learning to Generate Reviews and Discovering
#   Sentiment* (2017), arXiv:1704.01444: a single "sentiment neuron" in a large character LSTM
#   trained on Amazon reviews.
# - A. Karpathy, *min-char-rnn.py* (gist, 2015): the 112-line program this series rebuilds.

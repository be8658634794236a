# %% [markdown] slide
# # 09 · What the neurons learn
# ### Looking inside the hidden state of the trained Shakespeare RNN
#
# **What you will learn**
#
# - how to read out the hidden state $h_t$ after every character of a text and show one hidden
#   unit as **coloured text** (blue for $-1$, white for $0$, red for $+1$);
# - how to **search automatically** for units that track something you can name (the start of a
#   line, a speaker's name, a space, ...) by correlating every unit with simple text features;
# - why such a search needs **controls**: shuffled features tell you what chance gives, an untrained
#   network tells you what the input alone gives;
# - why most of what a small vanilla RNN knows is **distributed** over many units, and how a linear
#   **probe** reads it out (and what a probe does *not* prove).
#
# **Prerequisites:** notebooks 01–05 (the forward step, and the model trained on tiny Shakespeare
# in notebook 05). Nothing is trained here.
#
# **Time:** about 35 minutes on your own, 25 minutes in lecture.

# %% [markdown] skip
# Setup: the same first cell in every notebook of the series.

# %% skip
import numpy as np
import matplotlib.pyplot as plt
import rnn_lib
from rnn_lib.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()

# %% [markdown] slide
# ## 1. Searching for interpretable cells
#
# In the lecture we saw single cells of a character-level LSTM that do one recognisable job: a cell
# that switches on inside quotation marks, one that counts along a line and resets at the line
# break, one that lights up inside the condition of an `if` statement, one for comments, one for
# the nesting depth of code (Karpathy, Johnson & Fei-Fei 2015). Nobody asked for them: the network
# found them useful for predicting the next character.
#
# Our model is much smaller: a **vanilla** RNN with 160 hidden units, trained for a few minutes on
# one megabyte of Shakespeare. Does it have cells like that? We will look, and we will be careful
# about what counts as an answer.

# %% [markdown] subslide
# We load the model of notebook 05. Its weights are stored in float32; we cast them to **float64**
# so that every number below comes out the same on every machine.
# **Expected:** a 65-character vocabulary and $H = 160$ hidden units.

# %%
ROOT = rnn_lib.DATA_DIR.parent  # the repository folder
ckpt = rnn_lib.load_checkpoint(ROOT / "checkpoints" / "shakespeare_rnn.npz")
vocab, config = ckpt.vocab, ckpt.config
params = {name: p.astype(np.float64) for name, p in ckpt.params.items()}
V, H = len(vocab), config.hidden_size
Wxh, Whh, Why, bh, by = (params[k] for k in rnn_lib.PARAM_NAMES)

print(f"vocabulary V = {V} characters, hidden size H = {H}")
print(f"trained for {ckpt.step:,} steps; validation loss {ckpt.history.val_nats[-1]:.3f} nats/char on 20,000 held-out characters "
      f"(a uniform guess: ln {V} = {np.log(V):.3f})")
assert (V, H) == (65, 160) and Whh.dtype == np.float64

# %% [markdown] subslide
# ### A passage the model has never seen
#
# Training held out the last 10% of the file for validation. We take the first 5,000 characters
# of that held-out part, starting at its first line of text.

# %%
text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
held_out = text[len(text) - int(len(text) * config.val_fraction):]
first_line = len(held_out) - len(held_out.lstrip("\n"))  # skip the blank lines it starts with
passage = held_out[first_line:first_line + 5000]
ids = vocab.encode(passage)
T = len(passage)

print(f"{T:,} characters, {passage.count(chr(10))} lines; it begins:\n")
print(passage[:250])

# %% [markdown] fragment
# Before we search for a quote cell, one check. **Expected:** no double quotes and no brackets at
# all: they are not even in the vocabulary.

# %%
for ch in "\"()[]":
    print(f"{ch!r}: in the vocabulary? {ch in vocab}; occurrences in the whole file: {text.count(ch)}")
assert not any(ch in vocab for ch in "\"()[]")

# %% [markdown] fragment
# So this model **cannot** have a quote cell or a bracket cell: a unit can only learn a pattern
# that occurs in its training text. Tiny Shakespeare has other structure instead: speakers' names
# on their own line (`GREMIO:`), verse lines of 30–45 characters, sentences, words.

# %% [markdown] slide
# ## 2. Collecting the hidden states
#
# We feed the passage through the RNN one character at a time, starting from $h = 0$, and keep
# every state: row $t$ of the matrix `acts` is
#
# $$h_t = \tanh(W_{xh}[:, x_t] + W_{hh} h_{t-1} + b_h),$$
#
# the state **after reading character $t$**. Column $j$ is the life of hidden unit $j$ over the
# passage. First the plain loop:

# %%
acts_loop = np.empty((T, H))
h = np.zeros(H)
for t, i in enumerate(ids):
    h = np.tanh(Wxh[:, i] + Whh @ h + bh[:, 0])
    acts_loop[t] = h
print(f"acts: shape {acts_loop.shape}")

# %% [markdown] fragment
# `rnn_lib.forward` returns the same states in `cache["hs"]`, shape (T+1, B, H), with the
# starting state in row 0. **Expected:** it agrees with the loop to within $10^{-12}$.

# %%
cache = rnn_lib.forward(params, ids, np.zeros((H, 1)))
acts = cache["hs"][1:, 0, :]  # drop h_{-1} = 0; one stream (B = 1)
max_diff = np.abs(acts - acts_loop).max()
print(f"largest difference to the loop below 1e-12: {max_diff < 1e-12}")
print(f"fraction of activations with |h| > 0.9 (saturated tanh): {np.mean(np.abs(acts) > 0.9):.3f}")
assert acts.shape == (T, H) and max_diff < 1e-12

# %% [markdown] fragment
# Two thirds of all activations sit near $\pm 1$: most units behave almost like on/off switches.

# %% [markdown] slide
# ## 3. One unit as coloured text
#
# Give each character a background colour from the activation of one unit just after reading it:
# mix white with red in proportion to $h \in [0, 1]$ and with blue in proportion to $-h$. For a
# colour channel $c$ of the end colour, the mixed channel is $255 + |h|\,(c - 255)$, **rounded to
# an integer** so that the HTML text is identical on every run (nbval compares it).
# `rnn_lib.widgets.activation_colour` does this; we check it against the formula.

# %%
from rnn_lib.widgets import activation_colour, activation_html

red, blue = np.array([214, 47, 39]), np.array([33, 102, 172])  # the colours at +1 and -1
for v in (-1.0, -0.5, 0.0, 0.5, 1.0):
    mixed = np.rint(255 + abs(v) * ((red if v >= 0 else blue) - 255)).astype(int)
    ours = "#" + "".join(f"{c:02x}" for c in mixed)
    print(f"h = {v:+.1f}: {ours}  library {activation_colour(v)}")
    assert ours == activation_colour(v)

# %% [markdown] subslide
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
assert page.count("<span") == 300 + 3  # one span per character, three in the colour legend
assert page == render_unit(0)  # a deterministic string
display(HTML(page))

# %% [markdown] fragment
# Unit 0 alternates red, blue, red, blue at almost every character, whatever the text says. How
# many units do that? Count, for every unit, how often its sign changes from one step to the next.

# %%
flips = np.mean(np.sign(acts[1:]) != np.sign(acts[:-1]), axis=0)  # (H,): fraction of sign changes
most_negative = np.linalg.eigvals(Whh).real.min()
print(f"unit 0 changes sign at {flips[0]:.3f} of all steps; "
      f"{np.sum(flips > 0.9)} of {H} units change sign at more than 90% of steps\n"
      f"most negative eigenvalue of Whh: {most_negative:+.2f}")
assert flips[0] > 0.9 and np.sum(flips > 0.9) > 30 and most_negative < -1

# %% [markdown] fragment
# A third of the units tick like a clock with a period of two characters. $W_{hh}$ has a large
# negative eigenvalue: along its eigenvector, $W_{hh} h \approx \lambda h$ flips the sign of the
# state at every step, and $\tanh$ keeps it at $\pm 1$. That is the network's own rhythm, not a
# property of the text. Whether training put it there for a reason, this notebook cannot tell;
# it does tell us that looking at units one by one, by eye, is slow and easy to fool. Let the
# computer search.

# %% [markdown] slide
# ## 4. Text features to compare against
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

# %% [markdown] subslide
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

# %% [markdown] fragment
# Now the features of the whole passage: a (T, K) matrix next to the (T, H) matrix of activations.

# %%
F = text_features(passage)
K = len(FEATURES)
for k, name in enumerate(FEATURES):
    print(f"{name:18s} mean {F[:, k].mean():6.3f}   max {F[:, k].max():4.0f}")
assert F.shape == (T, K) and np.all(F.std(axis=0) > 0)  # no constant feature: r is defined

# %% [markdown] slide
# ## 5. Correlate every unit with every feature
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

# %% [markdown] subslide
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

# %% [markdown] fragment
# Some rows have strongly coloured columns, some are pale everywhere. A sign is not a meaning: a
# unit that is $-1$ on names does the same job as one that is $+1$, because the next layer can
# weight it either way.

# %% [markdown] slide
# ## 6. Better than chance? A shuffled-feature control
#
# With 160 units to choose from, the *best* of them will correlate with anything a little. To see
# how much, we **shuffle** each feature in time (a seeded random permutation), so that it has
# the same values but no relation to the text, and take the largest $|r|$ over all units. We do this
# 20 times per feature and keep the largest: what pure chance reaches when it gets 20 tries.

# %%
rng = np.random.default_rng(9)
n_shuffles = 20
shuffled = np.stack([rng.permutation(F[:, k]) for k in range(K) for _ in range(n_shuffles)], axis=1)
R_shuffled = standardise(acts).T @ standardise(shuffled) / T  # (H, K * n_shuffles)
chance = np.abs(R_shuffled).max(axis=0).reshape(K, n_shuffles).max(axis=1)  # (K,)
print(f"largest |r| of a shuffled feature, per feature: {chance.round(3)}")

# %% [markdown] subslide
# The table: the best unit of each feature, its $r$, the chance level, and how many units reach
# $|r| > 0.5$ (one strong unit is a *detector*; many middling ones is a *distributed* code).
# **Expected:** every best $|r|$ beats its chance level by at least **0.15**.

# %%
r_best = R[best, range(K)]
margin = 0.15
print(f"{'feature':18s} {'unit':>4s} {'r':>7s} {'chance':>7s} {'units |r|>0.5':>14s}")
for k, name in enumerate(FEATURES):
    n_strong = int(np.sum(np.abs(R[:, k]) > 0.5))
    print(f"{name:18s} {best[k]:4d} {r_best[k]:+7.3f} {chance[k]:7.3f} {n_strong:14d}")
assert np.all(np.abs(r_best) > chance + margin)

# %% [markdown] fragment
# Every feature is tracked far above chance, but only the **speaker-name line** has a unit with
# $|r|$ near 0.9: a real detector. The rest top out between 0.3 and 0.76. The same unit wins the
# uppercase row too, because most capitals in this text are in names.

# %%
assert best[FEATURES.index("uppercase")] == best[FEATURES.index("speaker-name line")]

# %% [markdown] slide
# ## 7. A harder control: the untrained network
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

# %% [markdown] fragment
# **Expected, and asserted:** the speaker-name unit is a product of training (its $|r|$ rises by
# more than 0.5), while for the current-character features the untrained network does about as
# well or better: those correlations come from the input wiring, not from anything learned.

# %%
gain = np.abs(r_best) - r_untrained
name_k = FEATURES.index("speaker-name line")
assert gain[name_k] > 0.5 and abs(r_best[name_k]) > 0.85
for name in ("after newline", "vowel", "whitespace"):
    assert gain[FEATURES.index(name)] < 0.1, name
print(f"speaker-name line: |r| {abs(r_best[name_k]):.3f} trained vs {r_untrained[name_k]:.3f} untrained")

# %% [markdown] slide
# ## 8. Looking at the best units
#
# Numbers first, then eyes. The speaker-name unit over the first 300 characters: the names should
# stand out in one colour, the speeches in the other.

# %%
display(HTML(render_unit(best[name_k], start=0, length=300)))

# %% [markdown] fragment
# The names turn blue from their second letter on. In this passage every run of capitals is a
# name, so maybe the unit only detects *a capital after a capital*? An experiment settles it: a
# made-up text with capitals inside a speech and at the start of a line (`GO HOME.`).
# **Expected, if the unit tracks speaker names:** blue on `ROMEO`, not on the other capitals.

# %%
name_unit = best[name_k]
made_up = "\n\nROMEO:\nI say NO, NEVER, and I mean it.\nGO HOME.\n"
h_made_up = rnn_lib.forward(params, vocab.encode(made_up), np.zeros((H, 1)))["hs"][1:, 0, name_unit]
display(HTML(activation_html(made_up, h_made_up, title=f"unit {name_unit} on a made-up text")))
in_name = np.array([c.isupper() for c in made_up[:7]] + [False] * (len(made_up) - 7))
other_caps = np.array([c.isupper() for c in made_up]) & ~in_name
print(f"mean activation on ROMEO: {h_made_up[in_name].mean():+.3f}, "
      f"on the {other_caps.sum()} other capitals: {h_made_up[other_caps].mean():+.3f}")
assert h_made_up[in_name].mean() < -0.8 and h_made_up[other_caps].mean() > 0.3

# %% [markdown] fragment
# Capitals in a speech leave it red: the unit uses the **context** (a name comes after a blank
# line), which is why the untrained network has nothing like it.

# %% [markdown] subslide
# The best **position in word** unit, with $|r| \approx 0.5$. On average it is blue between
# words and turns red over the first three letters of a word, but with many exceptions: this is
# what a *partial* detector looks like, a tendency rather than a rule.

# %%
display(HTML(render_unit(best[FEATURES.index("position in word")], start=600, length=300)))

# %% [markdown] subslide
# The best **position in line** unit ($|r| \approx 0.3$): watch the first character of each line,
# then the rest of the line.

# %%
display(HTML(render_unit(best[FEATURES.index("position in line")], start=600, length=300)))

# %% [markdown] subslide
# ### All eight at a glance
#
# The best unit of every feature over the same 200 characters, with its correlation in the title.

# %%
gallery_start = passage.index("\n\n", 1200) + 2  # the first speech that starts after character 1200
for k, name in enumerate(FEATURES):
    display(HTML(render_unit(best[k], gallery_start, 200, note=f"{name} (r = {r_best[k]:+.3f}): ")))

# %% [markdown] fragment
# Compare what you see with the numbers: the sharper the $|r|$, the cleaner the pattern. Newline,
# whitespace and vowel units react to the character itself, as the untrained-network control
# predicted.

# %% [markdown] subslide
# ### Explore for yourself
#
# Pick a unit with the slider, or jump to the best unit of a feature with the menu, and move
# along the passage. The HTML below the controls is produced by the same `render_unit` we tested
# above (`rnn_lib.widgets.html_widget` connects them).

# %%
import ipywidgets as widgets
from rnn_lib.widgets import html_widget

unit_slider = widgets.IntSlider(value=int(best[name_k]), min=0, max=H - 1, description="unit")
start_slider = widgets.IntSlider(value=0, min=0, max=T - 300, step=50, description="start",
                                 continuous_update=False)
menu = widgets.Dropdown(options=[(f"best for {n}: unit {u}", int(u)) for n, u in zip(FEATURES, best)],
                        index=name_k, description="jump to", layout={"width": "420px"})
menu.observe(lambda change: setattr(unit_slider, "value", change["new"]), names="value")
display(widgets.VBox([menu, html_widget(render_unit, {"unit": unit_slider, "start": start_slider})]))

# %% [markdown] slide
# ## 9. The line-position unit, up close
#
# In the lecture's LSTM a cell ramped smoothly along each line, like a counter. Here is the best
# position-in-line unit against the position, averaged over every line of the passage (the band is
# $\pm$ one standard deviation).

# %%
line_unit = best[FEATURES.index("position in line")]
position = F[:, FEATURES.index("position in line")].astype(int)
cols = np.arange(0, 46)
mean = np.array([acts[position == c, line_unit].mean() for c in cols])
std = np.array([acts[position == c, line_unit].std() for c in cols])
fig, ax = plt.subplots(figsize=(10, 4.8))
_ = ax.fill_between(cols, mean - std, mean + std, alpha=0.25, color="tab:purple")
_ = ax.plot(cols, mean, "o-", color="tab:purple", label=f"unit {line_unit}: mean")
_ = ax.set(xlabel="position in line (characters since the newline)", ylabel="activation",
           ylim=(-1.05, 1.05), title=f"Unit {line_unit} against position in line")
_ = ax.legend(loc="upper right")

# %% [markdown] fragment
# **Expected, and asserted:** not a counter, but three levels. The unit is strongly positive on
# the first character of a line, sits at a middle level for the next ten or so, and then stays
# saturated for the rest of the line, however long. It says "just started", "early" or "late",
# never "character 37".

# %%
first, early, late = mean[1], mean[2:11], mean[12:46]
print(f"position 1: {first:+.3f}; positions 2-10: {early.min():+.3f} to {early.max():+.3f}; "
      f"positions 12-45: {late.min():+.3f} to {late.max():+.3f}")
assert first > 0.5 and np.all((early > -0.7) & (early < -0.3)) and np.all(late < -0.7)

# %% [markdown] fragment
# Why? A vanilla RNN forgets quickly (notebook 08: the gradient through many $\tanh$ steps
# vanishes), and it was trained with truncated backpropagation over **25** characters, shorter
# than most lines. The LSTMs in the paper had gated memory and longer training sequences.

# %% [markdown] slide
# ## 10. Distributed codes: a linear probe
#
# Perhaps no *single* unit counts, but the **population** does. A *linear probe* predicts the
# feature from all 160 units at once: $\hat f_t = \bar f + w^\top z(h_t)$, with $w$ found by
# ridge-regularised least squares on the **first half** of the passage and judged on the
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

# %% [markdown] subslide
# Position in line, predicted by three readers: the best single unit (a probe on one column), all
# 160 units, and all 160 units of the untrained network. **Expected:** the full probe beats the
# single unit by more than 0.1 of $R^2$.

# %%
pos_k = FEATURES.index("position in line")
r2_single, _ = probe(acts[:, [line_unit]], F[:, pos_k])
r2_all, pos_predicted = probe(acts, F[:, pos_k])
r2_untrained, _ = probe(acts_untrained, F[:, pos_k])
print(f"held-out R^2 for position in line: baseline 0.000, best single unit {r2_single[0]:.3f}, "
      f"all units {r2_all[0]:.3f}, all untrained units {r2_untrained[0]:.3f}")
assert r2_all[0] > r2_single[0] + 0.1

# %% [markdown] subslide
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

# %% [markdown] fragment
# **Expected, and asserted:** the probe climbs over the first few characters and then flattens
# near the average position: for every true position from 30 to 45 it guesses less than 26.
# The population, like the single unit, knows *"early in the line"* far better than *"how far along"*.

# %%
print(f"mean prediction at true position 2: {mean_pred[2]:.1f}; at 30-45: "
      f"{mean_pred[30:46].min():.1f} to {mean_pred[30:46].max():.1f}")
assert mean_pred[2] < 10 and np.all(mean_pred[30:46] < 26)

# %% [markdown] fragment
# And the untrained network's probe is not far behind: even a random recurrent network keeps a
# trace of its last few inputs, and the first characters of a line look different (capitals, names).

# %% [markdown] slide
# ### Every feature: one unit versus all units
#
# The same comparison for all eight features, as held-out $R^2$. **Expected:** all 160 units
# together beat the best single unit on every feature; the untrained network's probe wins on the
# current-character features, the trained one on the speaker-name line.

# %%
single = np.array([probe(acts[:, [best[k]]], F[:, k])[0][0] for k in range(K)])
r2_probe, _ = probe(acts, F)
r2_probe_untrained, _ = probe(acts_untrained, F)
print(f"{'feature':18s} {'one unit':>9s} {'all units':>10s} {'untrained':>10s}")
for k, name in enumerate(FEATURES):
    print(f"{name:18s} {single[k]:9.3f} {r2_probe[k]:10.3f} {r2_probe_untrained[k]:10.3f}")
assert np.all(r2_probe > single)
for name in ("after newline", "vowel", "whitespace"):
    assert r2_probe_untrained[FEATURES.index(name)] > r2_probe[FEATURES.index(name)], name
assert r2_probe[name_k] > r2_probe_untrained[name_k] + 0.1
assert np.sum(r2_probe_untrained > r2_probe) == 5

# %% [markdown] fragment
# Two lessons. **Information is spread out:** for end of sentence or position in word, no unit
# comes close to what the population holds. And **a probe shows what can be read out, not what the
# network learned to use:** the untrained network's states, small and nearly linear, are a faithful
# echo of the last few characters and probe *better* for five of the eight features. The trained
# network, mostly saturated, keeps what helps it predict: it wins on the speaker-name line and
# the position in word, facts that need context.

# %% [markdown] slide
# ## Summary
#
# - `rnn_lib.forward` gives every hidden state of a passage: a (T, H) matrix, one column per unit.
#   Colouring the text by one column shows what a unit does.
# - Correlating all units with all features is one matrix product of standardised columns.
# - Claims need **controls**: shuffled features (chance: $|r| \approx 0.05$ here) and the untrained
#   network (what the input wiring alone gives).
# - This 160-unit vanilla RNN has **one clean detector** (speaker-name lines, $|r| \approx 0.9$;
#   a made-up text showed it uses context, not just capitals), many partial ones, and no
#   character counter: its line-position unit only knows "just started", "early" or "late".
# - Most of what it knows is **distributed**; a linear probe reads it out, but a good probe score
#   does not prove the network uses that information.
# - No quote cell: tiny Shakespeare has no quotation marks. A unit can only learn what the data contains.

# %% [markdown] subslide
# ## Check yourself
#
# 1. Why does the correlation search use the state *after* reading character $t$, and what would
#    change if the features described character $t+1$ instead?
# 2. A unit has $r = -0.89$ with "speaker-name line". Is it a worse detector than one with $r = +0.89$?
# 3. The shuffled control reached $|r| \approx 0.05$. Why does the *best of 160* units beat
#    zero even for a feature that means nothing?
# 4. A random permutation destroys the runs in a feature (a name line is 5–15 characters in a row).
#    Why does that make it a lenient control, and what would a circular shift keep?
# 5. Why can an untrained network have a unit that correlates well with "is whitespace"?
# 6. The probe for position in line flattens after a few characters. Give two reasons connected
#    with how this model was built and trained.
# 7. In this passage "inside a speaker name" and "a capital after a capital" mark the same
#    characters. How did we tell them apart, and why could the correlation alone not do it?
#
# <details>
# <summary>Answers</summary>
#
# 1. $h_t$ is computed from characters $0..t$, so it can only hold facts about them; features of
#    $t+1$ would measure what the model *predicts*, which mixes in its uncertainty about the future.
# 2. No. The sign is arbitrary: the next layer multiplies by $W_{hy}$, whose weights can be negative.
#    Only $|r|$ measures how well a unit tracks the feature.
# 3. With $T$ = 5,000 characters a chance correlation has a spread of about $1/\sqrt{T} \approx 0.014$;
#    the largest of 3,200 of them (160 units, 20 shuffles) lies about 3.5 spreads out: 0.05.
# 4. Real features come in runs, and so do unit activations, which makes chance correlations
#    between them larger than between shuffled, run-free sequences. A circular shift keeps the runs
#    and only breaks the alignment with the text, so its chance level is higher and more honest.
# 5. Every state is $\tanh(W_{xh}[:, x_t] + \dots)$: if a unit's random input weight for the space
#    is unusually large, the unit jumps whenever a space is read, with no learning at all.
# 6. A vanilla RNN's memory fades quickly (gradients through many $\tanh$ steps vanish), and
#    truncated BPTT over 25 characters never rewards remembering further back than that.
# 7. With a made-up text in which the two disagree (capitals inside a speech). Two features that
#    are equal on the data give the same correlation with every unit, so only new inputs that
#    separate them can show which one a unit follows.
# </details>

# %% [markdown] subslide
# ## Further reading
#
# - A. Karpathy, J. Johnson, L. Fei-Fei, *Visualizing and Understanding Recurrent Networks*
#   (2015), arXiv:1506.02078: the interpretable LSTM cells of the lecture, and an error analysis
#   of character models.
# - A. Karpathy, *The Unreasonable Effectiveness of Recurrent Neural Networks* (blog post, 2015):
#   the min-char-rnn story, samples, and the first pictures of single-cell activations.
# - A. Radford, R. Jozefowicz, I. Sutskever, *Learning to Generate Reviews and Discovering
#   Sentiment* (2017), arXiv:1704.01444: a single "sentiment neuron" in a large character LSTM
#   trained on Amazon reviews.
# - A. Karpathy, *min-char-rnn.py* (gist, 2015): the 112-line program this series rebuilds.

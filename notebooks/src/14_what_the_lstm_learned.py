# %% [markdown] slideshow={"slide_type": "slide"}
# # 14 · What the LSTM learned
# ### A line-position cell, the end of the line, and where the LSTM beats the n-gram
#
# **What you will learn**
#
# - how to find the **line-position cell** of Karpathy, Johnson & Fei-Fei (2015) in our own trained LSTMs
#   with notebook 10's unit search, and how it differs from the best the vanilla RNN has;
# - what knowing the column buys: how well each model's probability of a **newline** matches the real
#   rate, column by column, for the LSTMs, the vanilla RNN and the 7-gram of notebook 11;
# - how to read held-out text **coloured by surprisal** ($-\log_2 p$, in bits) under three models at
#   once, with each model's five best guesses;
# - where, character by character, the LSTM gains on the n-gram and where it loses: an **error
#   breakdown** by kind of character and by position in the line;
# - (optional) how often each LSTM gate is shut or wide open.
#
# **Prerequisites:** notebooks 10 (the unit search and its controls), 11 (the n-gram baseline), 12
# (the LSTM cell) and 13 (the GRU, and the shipped gated models). Nothing is trained here: every
# number comes from the shipped checkpoints and a counted 7-gram.
#
# **Time:** about 50 minutes on your own.

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
# ## The models and the text
#
# Four trained networks, all shipped with the repository (notebooks 06, 12 and 13 made them), and the
# n-gram of notebook 11. As in notebook 10 we cast the weights to **float64**, so that every number
# below comes out the same on every machine. Every model held out the last 10% of tiny Shakespeare;
# `rnn_lib.split_ids` cuts it off exactly as the trainer did. The n-gram is notebook 11's: order 7 and
# discount $D = 0.95$, both chosen there on a development split, counted here on the whole training split.
# **Expected:** the same vocabulary and split for all four networks, and the 7-gram's validation loss of
# notebooks 11 and 13, 1.522 nats/char.

# %% tags=["deck-code-to-notes"]
FILES = {"vanilla RNN": "shakespeare_rnn.npz", "GRU": "shakespeare_gru.npz",
         "LSTM 1x256": "shakespeare_lstm.npz", "LSTM 2x256": "shakespeare_lstm_2x256.npz"}
ckpts = {name: rnn_lib.load_checkpoint(rnn_lib.shipped_checkpoint(f)) for name, f in FILES.items()}
params = {name: {k: p.astype(np.float64) for k, p in ck.params.items()} for name, ck in ckpts.items()}
for name, ck in ckpts.items():
    c = ck.config
    print(f"{name:12} {c.cell:>4} cell, {c.layers} layer(s) of {c.hidden_size} units, "
          f"{sum(p.size for p in ck.params.values()):7,} parameters, trained {ck.step:,} steps")
vocab, config = ckpts["vanilla RNN"].vocab, ckpts["vanilla RNN"].config
V = len(vocab)
text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
train_ids, val_ids = rnn_lib.split_ids(vocab.encode(text), config.val_fraction, config.seq_length)
ngram = rnn_lib.NGramModel.fit(train_ids, 7, V, discount=0.95)
ngram_val = ngram.log_loss(val_ids)
print(f"{len(train_ids):,} training and {len(val_ids):,} held-out characters; V = {V}")
print(f"7-gram, D = 0.95: {ngram.n_counts:,} stored counts, {ngram_val:.3f} nats/char on the whole held-out split")
assert all(ck.vocab == vocab and ck.config.val_fraction == config.val_fraction for ck in ckpts.values())
assert abs(ngram_val - 1.522) < 5e-4

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One long pass over held-out text
#
# Every statistic below comes from the **first 30,000 characters of the held-out text**, from its first
# line on: over a thousand lines, enough that a pattern found once is not luck, and short enough to run
# four networks over it in seconds. Each network reads it in one stream from the zero state, through
# `rnn_notebook.analysis.run_passage`: it calls the cell's `forward` 1,000 characters at a time, hands the
# last state (`cache["h_last"]`) on to the next call, and keeps for every character the next-character
# distribution, every layer's $h_t$ and, for the LSTM, every layer's cell state $c_t$ (from the cache's
# `hs` and `cs`). Handing the state on should change nothing. Then the loss of each model on these
# characters: row $t$ of `probs` predicts character $t + 1$, and the n-gram's `log_probs` scores every
# held-out character from the six before it.
#
# **Expected:** for the first 2,000 characters, the same distributions and cell states as one
# `lstm.forward` call over all of them, to $10^{-12}$; and the same ranking as on the whole held-out split
# in notebook 13: the 2-layer LSTM, then the 7-gram, the one-layer LSTM, the GRU and the vanilla RNN.

# %%
from rnn_lib import lstm
from rnn_notebook.analysis import run_passage

held_out = vocab.decode(val_ids)
first_line = len(held_out) - len(held_out.lstrip("\n"))  # skip the blank lines it starts with
N = 30_000
ids = val_ids[first_line:first_line + N]
passage = vocab.decode(ids)
runs = {name: run_passage(p, ids) for name, p in params.items()}

one_call = lstm.forward(params["LSTM 1x256"], ids[:2000, None], lstm.initial_state(params["LSTM 1x256"], 1))
differences = (np.abs(one_call["probs"] - runs["LSTM 1x256"].probs[:2000]).max(),
               np.abs(one_call["cs"][0, 1:, 0] - runs["LSTM 1x256"].c[0, :2000]).max())
print(f"{N:,} characters, {passage.count(chr(10)):,} newlines; in chunks = one call, to 1e-12: "
      f"{max(differences) < 1e-12}")
targets = ids[1:]
logp = {name: np.log(r.probs[np.arange(N - 1), targets]) for name, r in runs.items()}
logp["7-gram"] = ngram.log_probs(val_ids)[first_line + 1:first_line + N]
loss = {name: -lp.mean() for name, lp in logp.items()}
ranking = sorted(loss, key=loss.get)
print("loss on the passage (nats/char):")
print(", ".join(f"{name} {loss[name]:.3f}" for name in ranking))
assert max(differences) < 1e-12
assert ranking == ["LSTM 2x256", "7-gram", "LSTM 1x256", "GRU", "vanilla RNN"]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The line-position unit, found again
#
# Notebook 10 searched the vanilla RNN for a unit that tracks the **position in the line** (characters
# read since the last newline, 0 at the newline) and found only an on/off unit that says "early in the
# line". We repeat its search on every state we have: the vanilla RNN's and the GRU's $h$, and the
# LSTMs' cell state $c$ and hidden state $h$, layer by layer. As there, the correlation of unit $j$ with
# the feature is the mean product of the two after standardising each, and **chance** is the best $|r|$
# against the feature shifted circularly by 20 random offsets.

# %%
NL = vocab.char_to_ix["\n"]
column = np.empty(N, dtype=int)  # position in line after reading character t
count = 0
for t, i in enumerate(ids):
    count = 0 if i == NL else count + 1
    column[t] = count


def standardise(X):
    """Columns of X shifted to mean 0 and scaled to standard deviation 1."""
    return (X - X.mean(axis=0)) / X.std(axis=0)


z_column = standardise(column.astype(float))
rng = np.random.default_rng(0)
shifted = np.stack([np.roll(z_column, s) for s in rng.integers(N // 10, N - N // 10, size=20)], axis=1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The states to search, each a (T, H) matrix. Layers are numbered as in the parameter names: in the
# 2-layer LSTM, layer 0 reads the characters and layer 1 feeds the output layer. **Expected:** every best
# $|r|$ beats its chance level by more than 0.15, and the best cell state of each LSTM beats the vanilla
# RNN's best unit, the 2-layer model's layer 1 most of all.

# %%
states = {"vanilla RNN h": runs["vanilla RNN"].h[0], "GRU h": runs["GRU"].h[0],
          "LSTM 1x256 c": runs["LSTM 1x256"].c[0], "LSTM 1x256 h": runs["LSTM 1x256"].h[0],
          "LSTM 2x256 layer 0 c": runs["LSTM 2x256"].c[0], "LSTM 2x256 layer 0 h": runs["LSTM 2x256"].h[0],
          "LSTM 2x256 layer 1 c": runs["LSTM 2x256"].c[1], "LSTM 2x256 layer 1 h": runs["LSTM 2x256"].h[1]}
best, r_best, chance = {}, {}, {}
print(f"{'state':22} {'best unit':>9} {'r':>7} {'chance':>7}")
for name, S in states.items():
    Z = standardise(S)
    r = Z.T @ z_column / N
    best[name] = int(np.abs(r).argmax())
    r_best[name] = r[best[name]]
    chance[name] = np.abs(Z.T @ shifted / N).max()
    print(f"{name:22} {best[name]:9d} {r_best[name]:+7.3f} {chance[name]:7.3f}")
size = {name: abs(r) for name, r in r_best.items()}
assert all(size[s] > chance[s] + 0.15 for s in states)
assert size["vanilla RNN h"] < size["LSTM 1x256 c"] < size["LSTM 2x256 layer 1 c"]
assert size["LSTM 2x256 layer 1 c"] == max(size.values())

# %% slideshow={"slide_type": "subslide"}
COLOURS = {"vanilla RNN": "tab:blue", "GRU": "tab:green", "LSTM 1x256": "tab:orange", "LSTM 2x256": "tab:red",
           "7-gram": "tab:gray"}
fig, ax = plt.subplots(figsize=(10, 5))
names = list(states)[::-1]
colours = [COLOURS[next(m for m in ("LSTM 2x256", "LSTM 1x256", "GRU", "vanilla RNN") if n.startswith(m))] for n in names]
_ = ax.barh(names, [size[n] for n in names], color=colours, alpha=0.85)
_ = ax.scatter([chance[n] for n in names], names, marker="|", s=300, color="k", label="chance (20 shifts)")
_ = ax.set(xlabel="best |r| with position in line", xlim=(0, 1), title="The best line-position unit of each state")
_ = ax.legend(loc="lower right")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The vanilla RNN's best unit is the weakest of all: in notebook 10 its best line-position unit was an
# on/off unit. Each LSTM has a cell whose value tracks the column far more closely, and in the 2-layer
# model it sits in layer 1, the layer that feeds the prediction, where the same unit is also the best
# of the hidden state $h$. The GRU's best unit (its state is both its memory and its output) is about as
# strong as the one-layer LSTM's best cell.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The cells as coloured text
#
# Notebook 10's `activation_html` colours each character by a value. A cell state is not bounded by
# $\pm 1$, so we show each cell **standardised** over the passage (minus its mean, divided by its standard
# deviation; $\pm 2$ drawn fully red or blue), with its sign set so that the value rises along the line
# (a sign is not a meaning: the next layer can weight a unit either way). The same 420 characters for both
# LSTMs; where HTML cannot be shown, the output names what it colours.

# %%
from rnn_notebook.analysis import RichText
from rnn_notebook.widgets import activation_html

show = slice(passage.index("\n\n", 2000) + 2, passage.index("\n\n", 2000) + 2 + 420)
standardised = {}
for name in ("LSTM 1x256 c", "LSTM 2x256 layer 1 c"):
    unit = best[name]
    standardised[name] = np.sign(r_best[name]) * standardise(states[name][:, unit])
    title = f"{name}, unit {unit} (r = {r_best[name]:+.3f}), standardised"
    display(RichText(activation_html(passage[show], standardised[name][show], vmax=2, title=title),
                     f"{title}: characters {show.start:,} to {show.stop - 1:,} of the passage, coloured"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Blue at the start of a line, turning white and then red as the line goes on: the cell of the paper's
# figure, in our own models. Speaker names, which are short lines, never get far. Look at the line after
# `stranger:`. **Expected:** over its first ten characters the one-layer model's cell is on the red side
# (mean above 0: it has not started again), the 2-layer model's well on the blue side (below $-0.5$).

# %%
after = passage.index("stranger:\n", show.start) + len("stranger:\n")
start_of_line = {name: v[after:after + 10].mean() for name, v in standardised.items()}
print(f"first ten characters of {passage[after:after + 10]!r}...: " + ", ".join(
    f"{name} {m:+.2f}" for name, m in start_of_line.items()))
assert start_of_line["LSTM 1x256 c"] > 0 and start_of_line["LSTM 2x256 layer 1 c"] < -0.5

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Against the column
#
# The mean standardised value of each model's best unit at every column, over all lines of the passage
# that reach it, up to column 50 (fewer lines reach the columns beyond it). **Expected:** the one-layer
# LSTM's cell rises at **every** column from 1 to 45, a counter; the vanilla RNN's best unit does not, and
# from column 12 to 45 its mean moves by less than half a standard deviation, while each gated model's
# moves by more than one.

# %%
cols = np.arange(0, 51)
profiles = {}
for name in ("vanilla RNN h", "GRU h", "LSTM 1x256 c", "LSTM 2x256 layer 1 c"):
    value = np.sign(r_best[name]) * standardise(states[name][:, best[name]])
    profiles[name] = np.array([value[column == c].mean() for c in cols])

fig, ax = plt.subplots(figsize=(10, 5))
for name, profile in profiles.items():
    model = name.rsplit(" ", 1)[0].replace(" layer 1", "")
    _ = ax.plot(cols, profile, "o-", ms=3, color=COLOURS[model], label=f"{name}, unit {best[name]}")
_ = ax.set(xlabel="position in line (characters since the newline)", ylabel="mean standardised value",
           title="Each model's best line-position unit, line by line")
_ = ax.legend(loc="upper left")

rises = {name: np.mean(np.diff(p[1:46]) > 0) for name, p in profiles.items()}
span = {name: np.ptp(p[12:46]) for name, p in profiles.items()}
print(f"lines reaching column {cols[-1]}: {np.sum(column == cols[-1])}")
print(f"{'':22} {'rises at (of 44 steps)':>23} {'span, columns 12-45':>20}")
for name in profiles:
    print(f"{name:22} {rises[name]:23.2f} {span[name]:20.2f}")
assert rises["LSTM 1x256 c"] == 1 and rises["vanilla RNN h"] < 0.75
assert span["vanilla RNN h"] < 0.5 and min(span[n] for n in profiles if n != "vanilla RNN h") > 1

# %% [markdown] slideshow={"slide_type": "fragment"}
# The vanilla RNN's unit changes over the first dozen characters and then hardly moves: "early in the
# line" or "not", as notebook 10 found. The one-layer LSTM's cell climbs at every column, and the 2-layer
# model's and the GRU's best units climb steadily after the first few.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How the counters work, and who can read them
#
# How can an LSTM count? Its cell update is $c_t = f \odot c_{t-1} + i \odot g$: with the forget gate near
# 1, each character adds its $i \odot g$, and to start again at a new line the forget gate must close. We
# read the gates of both counting cells from one `lstm.forward` call over the first 2,000 characters
# (`gates` holds i, f, o, g in blocks of $H$; layer 1 for the 2-layer model). A line start here is the
# newline or the character after it: the gate may close on either.
#
# **Expected:** inside lines, both forget gates above 0.95 on average, and the one-layer cell adds nearly the
# same $i \odot g$ at every character (its mean more than three times its spread); the 2-layer cell's forget
# gate closes (below 0.5) at every line start of these characters, the one-layer cell's only at some.

# %% tags=["deck-code-to-notes"]
H = ckpts["LSTM 1x256"].config.hidden_size  # 256 units in every layer of both LSTMs
counters = {"LSTM 1x256 c": (one_call, 0),
            "LSTM 2x256 layer 1 c": (lstm.forward(params["LSTM 2x256"], ids[:2000, None],
                                                  lstm.initial_state(params["LSTM 2x256"], 1)), 1)}
newline = np.flatnonzero(ids[:1999] == NL)
inside = column[:2000] > 1
gate_stats = {}
for name, (cache, layer) in counters.items():
    u = best[name]
    gates = cache["gates"][layer, :, 0]                 # (T, 4H): i, f, o, g
    i_gate, f_gate, g_cand = gates[:, u], gates[:, H + u], gates[:, 3 * H + u]
    added = (i_gate * g_cand)[inside]
    resets = np.mean(np.minimum(f_gate[newline], f_gate[newline + 1]) < 0.5)
    gate_stats[name] = (f_gate[inside].mean(), abs(added.mean()) / added.std(), resets)
    print(f"{name}, unit {u}:")
    print(f"  inside lines: forget gate {f_gate[inside].mean():.3f}; i*g "
          f"{added.mean():+.3f} (spread {added.std():.3f})")
    print(f"  closes at {resets:.0%} of {len(newline)} line starts")
(f1, steady1, reset1), (f2, _, reset2) = gate_stats.values()
assert ckpts["LSTM 2x256"].config.hidden_size == H
assert f1 > 0.95 and f2 > 0.95 and steady1 > 3 and reset2 == 1 and reset1 < 0.9

# %% [markdown] slideshow={"slide_type": "subslide"}
# The one-layer cell is a counter in the plainest sense: a nearly constant step per character. But the
# rest of the network never sees $c_t$, only $h_t = o \odot \tanh(c_t)$, and $\tanh$ flattens every
# $|c| > 3$ to within 0.005 of $\pm 1$. **Expected:** the one-layer counting cell beyond $|c| = 3$ on more
# than 80% of the characters, where its count is invisible; the 2-layer cell there on fewer than 20%, and
# the same unit is the best line-position unit of its $h$ (the table above).

# %%
beyond = {name: np.mean(np.abs(states[name][:, best[name]]) > 3) for name in counters}
for name, share in beyond.items():
    print(f"{name}, unit {best[name]}: |c| > 3 on {share:.0%} of the {N:,} characters")
print(f"best unit of the 2-layer model's layer 1: c {best['LSTM 2x256 layer 1 c']}, h {best['LSTM 2x256 layer 1 h']}")
assert beyond["LSTM 1x256 c"] > 0.8 and beyond["LSTM 2x256 layer 1 c"] < 0.2
assert best["LSTM 2x256 layer 1 h"] == best["LSTM 2x256 layer 1 c"]

# %% [markdown] slideshow={"slide_type": "fragment"}
# The one-layer LSTM's clearest counter counts in a range its own output cannot see: what its predictions
# know about the column must reach them through other units (its best $h$ unit in the table is a different
# one). The 2-layer model keeps its counting cell mostly within $|c| \le 3$, where $\tanh$ still passes
# differences on, and its best $h$ unit is the same unit: the count reaches the layer that predicts. A
# correlation with $c$ shows what a cell stores; what the network *uses* must pass through $h$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Does it pay? The newline, column by column
#
# Notebook 11 asked the vanilla RNN and the 7-gram for $P(\text{newline})$ at every position and
# found both far too cautious at long columns. Now with the gated models. The **column** of a prediction
# is the number of characters already on the line. For the 7-gram, `probs_of` gives $P(\text{newline})$
# at every held-out position. **Expected:** at columns 45 to 49, where a real line often ends, both LSTMs
# within 0.02 of the real newline rate, the vanilla RNN and the 7-gram each more than 0.08 below it; and
# all three gated networks within 0.025 of the real rate in every band from column 20 to 49, and closer to
# it than the vanilla RNN and the 7-gram at columns 50 to 54.

# %%
p_newline = {name: r.probs[:-1, NL] for name, r in runs.items()}
p_newline["7-gram"] = ngram.probs_of(val_ids, NL)[first_line + 1:first_line + N]
is_newline, at_column = targets == NL, column[:-1]
bands = ((20, 29), (30, 39), (40, 44), (45, 49), (50, 54), (40, 54))
order = ["vanilla RNN", "7-gram", "GRU", "LSTM 1x256", "LSTM 2x256"]
print(f"{'columns':>8} {'positions':>10} {'real':>7} " + " ".join(f"{name:>11}" for name in order))
rate = {}
for lo, hi in bands:
    sel = (at_column >= lo) & (at_column <= hi)
    rate[lo, hi] = {"real": is_newline[sel].mean(), **{name: p_newline[name][sel].mean() for name in order}}
    print(f"{f'{lo}-{hi}':>8} {sel.sum():10,} {rate[lo, hi]['real']:7.3f} "
          + " ".join(f"{rate[lo, hi][name]:11.3f}" for name in order))
r45 = rate[45, 49]
assert abs(r45["LSTM 1x256"] - r45["real"]) < 0.02 and abs(r45["LSTM 2x256"] - r45["real"]) < 0.02
assert r45["vanilla RNN"] < r45["real"] - 0.08 and r45["7-gram"] < r45["real"] - 0.08
for band in ((20, 29), (30, 39), (40, 44), (45, 49)):
    assert all(abs(rate[band][name] - rate[band]["real"]) < 0.025 for name in ("GRU", "LSTM 1x256", "LSTM 2x256"))
error50 = {name: abs(rate[50, 54][name] - rate[50, 54]["real"]) for name in order}
assert min(error50["vanilla RNN"], error50["7-gram"]) > max(error50[n] for n in ("GRU", "LSTM 1x256", "LSTM 2x256"))

# %% slideshow={"slide_type": "subslide"}
step, n_groups = 5, 12
group = at_column // step
fig, ax = plt.subplots(figsize=(10, 5.5))
keep = np.bincount(group, minlength=n_groups)[:n_groups] >= 100
x = step * np.arange(n_groups)[keep] + step / 2
for name, values in (("real newline rate", is_newline), *((n, p_newline[n]) for n in order)):
    mean = np.array([values[group == g].mean() for g in range(n_groups)])[keep]
    style = dict(color="k", ls="--", marker="^") if name.startswith("real") else dict(color=COLOURS[name], marker="o")
    _ = ax.plot(x, mean, label=name, **style)
_ = ax.set(xlabel="column (characters already on the line)", ylabel="P(newline), mean over positions",
           title="Newline: predicted probability against the real rate")
_ = ax.legend(loc="upper left")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The gated networks follow the real rate up to column 49 and stay closer to it than the others beyond;
# the vanilla RNN and the 7-gram, which see only local cues (notebook 11, section 7), rise too late and too
# little. Notebook 11 left open whether a recurrent network could use the column: **the gated ones do**,
# and section 1 shows where they keep it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Held-out text coloured by surprisal
#
# The **surprisal** of a character is $-\log_2 p$, in bits: 0 for a sure prediction, 1 for a coin flip, 6
# for a 1-in-64 guess. Karpathy's 2015 blog post shows text coloured by it, with the model's top guesses
# under each character. Here is one speech from the passage under three models: for each line of text, a
# row for the vanilla RNN, one for the 7-gram and one for the 2-layer LSTM (white: expected, red: a
# surprise, 8 bits and more fully red). In a live notebook or a browser, hovering over a character shows
# that model's five best guesses for it. Where HTML cannot be shown, the output gives each model's mean.

# %%
from rnn_notebook.analysis import surprisal_html

SHOW = ["vanilla RNN", "7-gram", "LSTM 2x256"]


def next_char_dist(name, k):
    """The model's distribution of passage[k] after reading passage[:k] (k >= 6)."""
    return ngram.distribution(ids[k - 6:k]) if name == "7-gram" else runs[name].probs[k - 1]


def top5(p):
    """The five most likely characters with their probabilities, as text."""
    return ", ".join(f"{vocab.decode([i])!r} {p[i]:.2f}" for i in np.argsort(-p, kind="stable")[:5])


start = passage.index("PETRUCHIO:\nSignior Baptista")
stop = passage.index("\n\n", start) + 1
bits = {name: -logp[name][start - 1:stop - 1] / np.log(2) for name in SHOW}
tips = {name: [top5(next_char_dist(name, k)) for k in range(start, stop)] for name in SHOW}
plain = f"One speech, {stop - start} characters; mean surprisal " + ", ".join(
    f"{name} {b.mean():.2f}" for name, b in bits.items()) + " bits/char."
display(RichText(surprisal_html(passage[start:stop], bits, tips=tips), plain))
assert np.allclose(np.log(next_char_dist("7-gram", start)[ids[start]]), logp["7-gram"][start - 1], rtol=0, atol=1e-12)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Top five guesses at four characters
#
# Four characters of this speech: the newline that ends its first line of verse, the first letter of the
# next line, the question mark at the end, and, among the letters inside words, the one at which the
# 7-gram is furthest ahead of the 2-layer LSTM (`kind_of` below sorts characters into such kinds).

# %%
def kind_of(previous, ch):
    """The kind of character ch, given the character before it."""
    if ch == "\n":
        return "line end"
    if ch in ".!?":
        return "sentence end"
    if ch == " ":
        return "space"
    if ch.isalpha():
        return {"\n": "first letter of a line", " ": "first letter of a word"}.get(previous, "letter inside a word")
    return "other punctuation"


in_words = [k for k in range(start, stop) if kind_of(passage[k - 1], passage[k]) == "letter inside a word"]
line_end = passage.index("haste,\n", start) + 6
chosen = {"line end": line_end, "first letter of a line": line_end + 1, "sentence end": passage.index("?", start),
          "letter inside a word": max(in_words, key=lambda k: logp["7-gram"][k - 1] - logp["LSTM 2x256"][k - 1])}
p_actual = {}
for kind, k in chosen.items():
    print(f"{kind}: after {passage[k - 24:k]!r} (column {column[k - 1]}) comes {passage[k]!r}")
    for name in SHOW:
        p = next_char_dist(name, k)
        p_actual[kind, name] = p[ids[k]]
        print(f"   {name:11} p = {p[ids[k]]:.3f}   top 5: {top5(p)}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Expected, and asserted:** the 2-layer LSTM gives the line end and the capital after it more probability
# than the 7-gram does; the question mark surprises all three models (each gives it less than 0.1), although
# the question began with *What* 40 characters earlier; and at the chosen letter the 7-gram is ahead (that
# is how it was chosen). One character is an anecdote: section 4 counts all 30,000.

# %%
for kind in ("line end", "first letter of a line"):
    assert p_actual[kind, "LSTM 2x256"] > p_actual[kind, "7-gram"], kind
assert max(p_actual["sentence end", name] for name in SHOW) < 0.1
assert p_actual["letter inside a word", "7-gram"] > p_actual["letter inside a word", "LSTM 2x256"]
print("LSTM above the 7-gram at the line end and the first letter; all three below 0.1 at the question mark")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Where the LSTM beats the n-gram
#
# Karpathy, Johnson & Fei-Fei compared their LSTMs with n-gram models character by character and found
# the gains concentrated on characters that need long-range context. We do the same for our models. For
# each character, the **gain** of a network over the 7-gram is the difference of their losses,
#
# $$\text{gain}_t = \big(-\ln p_{\text{7-gram}}(x_t)\big) - \big(-\ln p_{\text{network}}(x_t)\big),$$
#
# positive where the network predicts the character better. Its mean over all characters is the
# difference of the two losses. We sort every character of the passage into the seven kinds of `kind_of`
# (section 3).

# %%
KINDS = ["sentence end", "line end", "first letter of a line", "other punctuation", "space",
         "first letter of a word", "letter inside a word"]
kind = np.array([kind_of(passage[t - 1], passage[t]) for t in range(1, N)])  # the kind of each target
for k in KINDS:  # one kind a line: the seven on one line would be too wide to read
    print(f"{k + ':':24s}{np.sum(kind == k):>7,}")
assert kind_of("\n", "A") == "first letter of a line" and kind_of("e", "s") == "letter inside a word"

# %% [markdown] slideshow={"slide_type": "subslide"}
# The mean gain per character of each kind, for every network. **Expected,** for both LSTMs and the GRU:
# the largest gains at sentence ends, then line ends, then first letters of lines, and the largest loss
# inside words; for the 2-layer LSTM, the only loss.

# %%
NETWORKS = ["LSTM 2x256", "LSTM 1x256", "GRU", "vanilla RNN"]
gain = {name: logp[name] - logp["7-gram"] for name in NETWORKS}
table = {name: np.array([gain[name][kind == k].mean() for k in KINDS]) for name in NETWORKS}
print(f"{'kind':23} {'count':>6} {'7-gram loss':>12} " + " ".join(f"{n:>11}" for n in NETWORKS))
for j, k in enumerate(KINDS):
    print(f"{k:23} {np.sum(kind == k):6,} {-logp['7-gram'][kind == k].mean():12.3f} "
          + " ".join(f"{table[n][j]:+11.3f}" for n in NETWORKS))
print(f"{'all characters':23} {N - 1:6,} {loss['7-gram']:12.3f} " + " ".join(f"{gain[n].mean():+11.3f}" for n in NETWORKS))
for name in ("LSTM 2x256", "LSTM 1x256", "GRU"):
    assert [KINDS[j] for j in np.argsort(-table[name])[:3]] == KINDS[:3], name
    assert table[name][-1] == table[name].min() < 0, name  # letters inside words: the largest loss
assert table["LSTM 2x256"][:-1].min() > 0  # and for the 2-layer model the only one
assert [KINDS[j] for j in np.flatnonzero(table["vanilla RNN"] > 0.01)] == ["first letter of a line"]

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(11, 5.5))
height = 0.2
for n, name in enumerate(NETWORKS):
    _ = ax.barh(np.arange(len(KINDS)) + (n - 1.5) * height, table[name], height, color=COLOURS[name], label=name)
_ = ax.axvline(0, color="k", lw=1)
ax.set_yticks(np.arange(len(KINDS)), KINDS)
ax.invert_yaxis()
_ = ax.set(xlabel="mean gain over the 7-gram (nats per character)", title="Where each network beats the 7-gram")
_ = ax.legend(loc="lower right")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The gated networks gain where the last six characters say little and the longer past says much: **where
# a sentence ends** (whether it is over, and whether it was a question, depends on words further back),
# **where a line ends** (section 2), and what comes after it (a new speaker, or the capital of the next
# line of verse). The n-gram keeps the upper hand **inside words**: there six characters of context usually
# pin down the next letter, and the 7-gram has counted what followed each of them in the training text,
# in more stored counts than any of the networks has parameters (both printed at the top). The one-layer
# LSTM and the GRU lose there by more than they gain elsewhere, which is why their overall loss stays above the 7-gram's; the 2-layer model
# loses little inside words and comes out ahead. The vanilla RNN gains more than 0.01 nats per character
# only at the first letter of a line.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Line ends by column
#
# Split the line ends by the column at which they come. **Expected:** both LSTMs gain more the longer the
# line, in every band from column 30 on, and *lose* at line ends in columns 10 to 29: short lines surprise
# a model that knows lines are usually longer, while the n-gram, which knows no column, is not surprised.

# %%
col_bands = ((0, 9), (10, 29), (30, 34), (35, 39), (40, 44), (45, 49), (50, 99))
ends = kind == "line end"
by_band = {}
print(f"{'columns':>8} {'line ends':>10} " + " ".join(f"{n:>11}" for n in NETWORKS))
for lo, hi in col_bands:
    sel = ends & (at_column >= lo) & (at_column <= hi)
    by_band[lo, hi] = {name: gain[name][sel].mean() for name in NETWORKS}
    print(f"{f'{lo}-{hi}':>8} {sel.sum():10,} " + " ".join(f"{by_band[lo, hi][n]:+11.3f}" for n in NETWORKS))
for name in ("LSTM 2x256", "LSTM 1x256"):
    assert np.all(np.diff([by_band[b][name] for b in col_bands[2:]]) > 0) and by_band[10, 29][name] < 0

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(10, 5))
labels = [f"{lo}-{hi}" if hi < 99 else f"{lo}+" for lo, hi in col_bands]
for name in NETWORKS:
    _ = ax.plot(labels, [by_band[b][name] for b in col_bands], "o-", color=COLOURS[name], label=name)
_ = ax.axhline(0, color="k", lw=1)
_ = ax.set(xlabel="column of the line end", ylabel="mean gain over the 7-gram (nats)",
           title="Line ends: the longer the line, the larger the gated networks' gain")
_ = ax.legend(loc="upper left")

# %% [markdown] slideshow={"slide_type": "fragment"}
# This is the paper's finding in miniature: the LSTM's advantage is long-range structure, here the length
# of a line of verse, which no fixed window of six characters can hold. Tiny Shakespeare has no quotation
# marks or brackets (notebook 10), so the paper's other long-range examples, closing quotes and braces,
# have no counterpart here; the end of a sentence plays a similar role.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Gate saturation (optional)
#
# The paper also counted how often each gate is **left-saturated** (below 0.1: nearly shut) or
# **right-saturated** (above 0.9: nearly wide open). `run_passage` counted it for every unit and gate
# over the passage. One dot per unit: a forget gate in the top-left corner is almost always open, a cell
# that keeps its contents like an integrator.

# %%
from rnn_notebook.analysis import GATE_NAMES

layers = {"LSTM 1x256": runs["LSTM 1x256"].saturation[0], "LSTM 2x256 layer 0": runs["LSTM 2x256"].saturation[0],
          "LSTM 2x256 layer 1": runs["LSTM 2x256"].saturation[1]}  # (3 gates, left/right, H)
LAYER_COLOURS = {"LSTM 1x256": "tab:orange", "LSTM 2x256 layer 0": "salmon", "LSTM 2x256 layer 1": "tab:red"}
fig, axes = plt.subplots(1, 3, figsize=(15, 5), sharex=True, sharey=True)
for g, (ax, gate) in enumerate(zip(axes, GATE_NAMES)):
    for name, sat in layers.items():
        _ = ax.scatter(sat[g, 0], sat[g, 1], s=10, alpha=0.6, color=LAYER_COLOURS[name], label=name)
    _ = ax.plot([0, 1], [1, 0], color="0.6", lw=1)  # left + right = 1: saturated all the time
    _ = ax.set(title=f"{gate} gate", xlabel="fraction left-saturated (< 0.1)", xlim=(0, 1), ylim=(0, 1))
_ = axes[0].set_ylabel("fraction right-saturated (> 0.9)")
_ = axes[0].legend(loc="upper right", markerscale=2)
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Expected, and asserted:** in the one-layer LSTM, more than a third of the forget gates are open more
# than 90% of the time (integrators, like the counting cell of section 1); in the 2-layer model, every
# gate of layer 0 is saturated on average less often than the same gate of layer 1, and none of its units
# has a forget gate open 90% of the time.

# %%
print(f"{'':20} " + " ".join(f"{g + ' gate':>14}" for g in GATE_NAMES))
print(f"{'':20} " + " ".join(f"{'left  right':>14}" for _ in GATE_NAMES))
for name, sat in layers.items():
    print(f"{name:20} " + " ".join(f"{sat[g, 0].mean():7.3f}{sat[g, 1].mean():7.3f}" for g in range(3)))
integrators = {name: int(np.sum(sat[1, 1] > 0.9)) for name, sat in layers.items()}
print("units whose forget gate is open (> 0.9) on more than 90% of the characters: "
      + ", ".join(f"{name} {n}" for name, n in integrators.items()))
assert integrators["LSTM 1x256"] > 256 / 3 and integrators["LSTM 2x256 layer 0"] == 0
low, high = layers["LSTM 2x256 layer 0"], layers["LSTM 2x256 layer 1"]
assert np.all(low.sum(axis=1).mean(axis=1) < high.sum(axis=1).mean(axis=1))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The first layer of the 2-layer model keeps its gates in their graded middle range, its forget gates above
# 0.9 only a few percent of the time (the table); the long-term bookkeeping happens in layer 1, where the counting cell
# lives. Karpathy, Johnson & Fei-Fei describe a similar contrast between the first layer of their deeper
# LSTMs and the layers above it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Notebook 10's unit search, run on the shipped LSTMs, finds what it could not find in the vanilla RNN:
#   a **line-position cell** whose value climbs character by character along the line and starts again at
#   a new line (in the 2-layer model at every line start checked, in the one-layer model at most), the cell
#   of Karpathy, Johnson & Fei-Fei (2015). Its correlation with the column beats the
#   vanilla RNN's best unit and a shifted-feature chance level by a wide margin.
# - The one-layer LSTM's counter keeps its forget gate near 1 and adds a nearly constant $i \odot g$ at
#   every character. What the network can use is
#   $h = o \odot \tanh(c)$: a count beyond $|c| \approx 3$ is stored but not seen. The 2-layer LSTM keeps its
#   counting cell in range, and its best $h$ unit is the same unit.
# - The gated networks' $P(\text{newline})$ follows the real rate column by column; the vanilla RNN's
#   and the 7-gram's rise too late and too little.
# - Coloured by surprisal, held-out text shows where each model is surprised; the top five guesses show why.
# - Character by character, the gated networks gain on the 7-gram at **sentence ends, line ends and the
#   first letter of a line**, and lose **inside words**, where six characters of context and millions of
#   counts are hard to beat. The gain at a line end grows with the length of the line.
# - (Optional) One-layer LSTM: many forget gates open nearly all the time; 2-layer LSTM: a first layer with
#   rarely saturated gates below a second layer with more saturated ones.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. Why is the correlation search of section 1 run on the cell state $c$ as well as on $h$, and why
#    does a high $|r|$ with $c$ not prove that the network uses the count?
# 2. A cell has forget gate $f = 1$ and adds $i \odot g = 0.9$ at every character of a line. What is its
#    value after 40 characters, starting from 0? What must happen at the newline for it to count the next
#    line from 0?
# 3. The 7-gram cannot see the column. How can its $P(\text{newline})$ still rise with the column at all?
# 4. The one-layer LSTM gains on the 7-gram at line ends, sentence ends and first letters, yet its overall
#    loss on the passage is higher. How can both be true?
# 5. Why do both LSTMs do *worse* than the 7-gram at line ends in columns 10 to 29?
# 6. A forget gate that is right-saturated on 99% of the characters: what does its cell do, and over
#    roughly how many characters does it keep half of what it holds if $f = 0.99$?
#
# <details>
# <summary>Answers</summary>
#
# 1. In an LSTM the cell state is the memory that the forget gate keeps from step to step, so a counter
#    is most likely to live there. But the rest of the network (the gates at the next step, the layer
#    above, the output layer) only reads $h = o \odot \tanh(c)$. If $|c|$ is large, $\tanh(c) \approx \pm 1$
#    whatever the count, and the count cannot influence any prediction.
# 2. $c_{40} = 40 \times 0.9 = 36$. The forget gate must close ($f \approx 0$) on the newline, so that
#    $c$ starts the next line from (close to) the new $i \odot g$ alone.
# 3. Through local cues: the end of a line of verse often comes after a comma, a full stop or a typical
#    line-final word, and those are in its six-character window. It has no way to tell a short line from a
#    long one with the same last six characters.
# 4. The mean gain is a weighted mean over kinds: letters inside words are more than half of all
#    characters, and there it loses; the losses there outweigh the gains on the rarer kinds.
# 5. They have learned that lines are usually long, so early in a line they give a newline less
#    probability than local cues alone would; the n-gram, blind to the column, is less surprised by a
#    short line.
# 6. It keeps almost everything it holds from one character to the next, so it integrates its inputs
#    over a long stretch: a memory or a counter. $0.99^k = 1/2$ at $k = \ln 2 / -\ln 0.99 \approx 69$ characters.
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - A. Karpathy, J. Johnson, L. Fei-Fei, *Visualizing and Understanding Recurrent Networks* (2015),
#   arXiv:1506.02078: the interpretable LSTM cells (line position, quotes, brackets), the gate-saturation
#   statistics and the error breakdown against n-gram models that this notebook repeats on a small scale.
# - A. Karpathy, *The Unreasonable Effectiveness of Recurrent Neural Networks* (blog post, 2015),
#   <https://karpathy.github.io/2015/05/21/rnn-effectiveness/>: text coloured by a model's confidence and
#   its top guesses under each character, and single cells shown as coloured text.
# - A. Karpathy, *min-char-rnn.py* (gist, 2015): the 112-line program this series rebuilds.

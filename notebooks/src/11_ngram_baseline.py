# %% [markdown] slideshow={"slide_type": "slide"}
# # 11 · A counting baseline: character n-grams with Kneser-Ney smoothing
# ### How well can you predict Shakespeare by looking up the last few characters in a table?
#
# **What you will learn**
#
# - the simplest language model there is: predict the next character from the previous $n-1$
#   characters by **counting** how often each character followed them in the training text;
# - why the plain counting estimate (maximum likelihood) gives held-out text probability 0 and an
#   **infinite** loss, and how **interpolated Kneser-Ney smoothing** repairs it, with a worked
#   example by hand that `rnn_lib.NGramModel` must reproduce;
# - how the validation loss of n-grams of order 1 to 8 compares with the RNN of notebook 06 on the
#   **same** held-out 10% of tiny Shakespeare, and why the highest orders get worse with the textbook
#   discount but hardly at all with a better one;
# - an honest comparison: what the smoothed 7-gram's lead over our small RNN rests on (tuning,
#   millions of stored counts), how much of the training text each model's samples copy compared
#   with real unseen Shakespeare, and what neither model does with the position in the line.
#
# **Prerequisites:** notebook 06 (training on Shakespeare, the validation split, nats and bits per
# character). Notebook 07 (sampling) helps for the samples at the end.
#
# **Time:** about 55 minutes on your own without the parts marked *optional* (side roads: they add
# about 25 minutes), plus about 20 minutes for the exercise of section 3
# (`kn_bigram`, the whole smoothed bigram model in a few lines of numpy). Nothing is trained by
# gradient descent here; counting the whole text takes a fraction of a second.

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

# %% [markdown] slideshow={"slide_type": "skip"}
# Two more imports: `Counter` and `re` for the counts we do by hand, and the plotting helper of this
# notebook. The n-gram model itself is `rnn_lib.NGramModel`.

# %% slideshow={"slide_type": "skip"}
import re
from collections import Counter

from rnn_notebook.plotting import plot_loss_by_order

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The idea: look up the last few characters
#
# An **n-gram model** predicts character $x_t$ from the $n-1$ characters before it, the
# **context** $h = x_{t-n+1} \dots x_{t-1}$, and from nothing else. Its table of probabilities is
# filled by counting in the training text:
#
# $$P_{\mathrm{ML}}(w \mid h) = \frac{c(h\,w)}{c(h\,\cdot)}, \qquad c(h\,\cdot) = \sum_{w'} c(h\,w'),$$
#
# where $c(h\,w)$ is the number of times the characters of $h$ followed by $w$ occur in the text.
# This is the **maximum likelihood** estimate: of all tables, it gives the training text the highest
# probability. "Order $n$" counts the predicted character too: a bigram ($n = 2$) reads one character.

# %% [markdown] slideshow={"slide_type": "subslide"}
# We use exactly the data of notebook 06: the vocabulary of the whole text, the first 90% of the
# ids for training and the last 10% held out, cut by `rnn_lib.split_ids`. **Expected:** 65
# characters, 1,003,855 training and 111,539 validation characters.

# %%
text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
vocab = rnn_lib.CharVocab.from_text(text)
V = len(vocab)
ids = vocab.encode(text)
train_ids, val_ids = rnn_lib.split_ids(ids, val_fraction=0.1, seq_length=25)
train_text = text[:len(train_ids)]
print(f"V = {V} characters; {len(train_ids):,} training and {len(val_ids):,} validation characters")
assert (V, len(train_ids), len(val_ids)) == (65, 1_003_855, 111_539)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Counting by hand: which characters follow the context `"ROME"` in the training text, and which
# follow `"the k"`? (The regular expression `(?=...)` finds overlapping matches too.)

# %%
def next_char_counts(context):
    """How often each character follows `context` in the training text (a Counter)."""
    return Counter(m.group(1) for m in re.finditer("(?=" + re.escape(context) + "(.))", train_text, re.S))


for context in ("ROME", "the k"):
    counts = next_char_counts(context)
    total = sum(counts.values())
    top = ", ".join(f"{ch!r} {c} ({c / total:.3f})" for ch, c in counts.most_common(4))
    print(f"after {context!r:8} ({total:4d} times): {top}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# After `"ROME"` comes `O` every time (ROMEO), and `"the k"` continues mostly with `i` (*king*,
# *kind*, ...), sometimes with `e` or `n`. A 5-gram (for `"ROME"`) or a 6-gram (for `"the k"`)
# stores exactly these fractions. Longer contexts give sharper predictions, but each one is seen
# fewer times. That trade-off is the whole story of this notebook.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Maximum likelihood gives held-out text probability 0
#
# Take $n = 7$ (contexts of 6 characters) and count every 7-gram of the training text. We encode a
# $k$-gram $x_1 \dots x_k$ as one integer in base $V$, $x_1 V^{k-1} + \dots + x_k$, so that numpy can
# sort and look them up; `rnn_lib.NGramModel` stores its tables the same way.

# %%
def kgram_codes(ids, k):
    """Base-V code of every window of k ids: int64 array of shape (N - k + 1,)."""
    codes = np.zeros(len(ids) - k + 1, dtype=np.int64)
    for j in range(k):
        codes = codes * V + ids[j:len(ids) - k + 1 + j]
    return codes



# %% [markdown] slideshow={"slide_type": "subslide"}
# The maximum likelihood table needs two sets of counts: $c(h\,w)$ for the 7-grams and
# $c(h\,\cdot)$ for their 6-character contexts (every 6-gram that has a next character).
# `count_of` looks counts up and returns 0 for anything never seen.

# %%
n = 7
gram_keys, gram_counts = np.unique(kgram_codes(train_ids, n), return_counts=True)
context_keys, context_counts = np.unique(kgram_codes(train_ids[:-1], n - 1), return_counts=True)


def count_of(sorted_keys, counts, keys):
    """Count of each key (0 if it is not among the sorted keys)."""
    j = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return np.where(sorted_keys[j] == keys, counts[j], 0)


print(f"{len(gram_keys):,} distinct 7-grams and {len(context_keys):,} distinct 6-character contexts")

# %% [markdown] slideshow={"slide_type": "subslide"}
# For every validation position from the 7th character on, two things can go wrong: its context
# was **never seen** in training (the estimate is $0/0$, undefined), or the context was seen but
# **never followed by this character** ($c(h\,w) = 0$: probability 0).

# %%
val_grams = kgram_codes(val_ids, n)
c_hw = count_of(gram_keys, gram_counts, val_grams)
c_h = count_of(context_keys, context_counts, val_grams // V)
unseen_context = c_h == 0
zero_count = (c_h > 0) & (c_hw == 0)
print(f"{len(val_grams):,} validation positions with a 6-character context:")
print(f"  context never seen in training (0/0):   {unseen_context.sum():6,} ({unseen_context.mean():.1%})")
print(f"  context seen, next character never (0): {zero_count.sum():6,} ({zero_count.mean():.1%})")
assert unseen_context.any() and zero_count.any()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The first example of each kind, as text:

# %%
for label, mask in (("unseen context", unseen_context), ("zero count", zero_count)):
    i = int(np.flatnonzero(mask)[0])
    window = vocab.decode(val_ids[i:i + n])
    print(f"{label:15}: context {window[:-1]!r} then {window[-1]!r}")
    if label == "zero count":
        followers = [f"{ch!r}: {count}" for ch, count in next_char_counts(window[:-1]).items()]
        print(f"{'':15}  in training, {window[:-1]!r} was followed by")
        for start in range(0, len(followers), 6):  # six (character: count) pairs a line
            print(f"{'':15}  " + ", ".join(followers[start:start + 6]))

# %% [markdown] slideshow={"slide_type": "fragment"}
# One zero is enough. The loss is the mean of $-\ln P$ and $-\ln 0 = +\infty$: even scored only where
# its context was seen, the maximum likelihood 7-gram is **infinitely bad** on text it has not seen,
# however good its other predictions are. (numpy warns about $\ln 0$; we silence the warning.)

# %%
seen_context = c_h > 0
p_mle = c_hw[seen_context] / c_h[seen_context]
with np.errstate(divide="ignore"):
    mle_loss = -np.mean(np.log(p_mle))
print(f"maximum likelihood 7-gram on the {seen_context.sum():,} positions it can score:")
print(f"{mle_loss} nats/char; {np.mean(p_mle == 0):.1%} of them get probability 0")
assert mle_loss == np.inf

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Smoothing: interpolated Kneser-Ney
#
# Three ideas (Kneser & Ney 1995; Chen & Goodman 1998) turn counts into a model that never says 0.
#
# 1. **Absolute discounting.** Take a fixed amount $D \in (0, 1]$ off every count that is not zero.
#    That frees probability mass $D\,N_{1+}(h\,\cdot)/c(h\,\cdot)$, where $N_{1+}(h\,\cdot)$ is the
#    number of *distinct* characters seen after $h$.
# 2. **Interpolation.** Share the freed mass out according to the prediction from the shorter context
#    $h'$ (drop the oldest character of $h$), and do so recursively down to the uniform $1/V$.
# 3. **Continuation counts** for the shorter contexts (below).
#
# $$P_k(w \mid h) = \frac{\max\big(c(h\,w) - D_k,\ 0\big)}{c(h\,\cdot)}
#   + \frac{D_k\, N_{1+}(h\,\cdot)}{c(h\,\cdot)}\; P_{k-1}(w \mid h'), \qquad P_0(w) = \frac{1}{V}.$$
#
# If $h$ was never seen ($c(h\,\cdot) = 0$), $P_k(w \mid h) = P_{k-1}(w \mid h')$. Every level adds a
# positive share of the level below, and the bottom is uniform, so **no character ever gets 0**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why the result sums to 1
#
# Every seen count is at least 1 and $D_k \le 1$, so the discounted counts add up to
# $c(h\,\cdot) - D_k N_{1+}(h\,\cdot)$. The first term therefore sums to
# $1 - D_k N_{1+}(h\,\cdot)/c(h\,\cdot)$ over $w$, and the second adds exactly the missing
# $D_k N_{1+}(h\,\cdot)/c(h\,\cdot)$ times a distribution that sums to 1.
#
# ### Continuation counts
#
# The continuation count $N_{1+}(\cdot\, h\,w)$ is the number of **distinct characters seen just
# before** $h\,w$: how many different contexts $w$ completes, not how often it occurs. The shorter
# context only matters when the long one is rare or unseen, so in the lower orders the continuation count
# replaces $c(h\,w)$. A character that is frequent but follows only a few different characters should not
# get much of the mass reserved for *new* contexts. The denominator changes with it: $c(h\,\cdot)$ becomes
# $\sum_{w} N_{1+}(\cdot\, h\,w)$, the sum of the continuation counts after $h$, so that the lower
# order is again a distribution; $N_{1+}(h\,\cdot)$ stays the number of distinct characters seen
# after $h$. The highest order keeps the raw counts.

# %% [markdown] slideshow={"slide_type": "fragment"}
# Raw counts against continuation counts for a few characters of the training text. The
# continuation count of $w$ is the number of distinct bigrams ending in $w$. **Expected:** `h` is
# more frequent than `u` but follows fewer different characters, so in a new context the unigram
# level ranks `u` above `h`.

# %%
raw = np.bincount(train_ids, minlength=V)
left_neighbours = np.bincount(np.unique(kgram_codes(train_ids, 2)) % V, minlength=V)
for ch in "ehuk:":
    i = vocab.char_to_ix[ch]
    print(f"{ch!r}: occurs {raw[i]:6,} times, after {left_neighbours[i]:2d} different characters")
h_, u_ = vocab.char_to_ix["h"], vocab.char_to_ix["u"]
assert raw[h_] > raw[u_] and left_neighbours[h_] < left_neighbours[u_]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The discount
#
# With $n_1$ and $n_2$ the numbers of $k$-grams whose count is exactly 1 and exactly 2,
# Chen & Goodman's estimate is $D_k = n_1 / (n_1 + 2 n_2)$, one value per order. At the highest order
# these are raw counts; at the lower orders they are the continuation counts, the numbers the
# formula of that order uses.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# The proof needs $D_k \le 1$. With a larger discount, a count of 1 is clipped at 0 and loses less
# than $D_k$, but the second term still hands down $D_k$ for it, so the probabilities add up to
# **more** than 1. A context seen 4 times, followed once by `a` and three times by `b`, with
# $D = 1.5$ and any lower-order distribution. **Expected:** $(0 + 1.5)/4 + 1.5 \cdot 2/4 = 1.125$.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["homework-only"]
# The proof needs $D_k \le 1$. With a larger discount, a count of 1 is clipped at 0 and loses less
# than $D_k$, but the second term still hands down $D_k$ for it, so the probabilities add up to
# **more** than 1. A context seen 4 times, followed once by `a` and three times by `b`, with
# $D = 1.5$ and any lower-order distribution: the probabilities sum to $(0 + 1.5)/4 + 1.5 \cdot 2/4 = 1.125$.

# %% tags=["reading-only"]
def interpolated_sum(counts, D, lower):
    """Sum over w of max(c(w) - D, 0)/c + D * N1+/c * lower(w), for one context's counts (a dict)."""
    total, types = sum(counts.values()), sum(c > 0 for c in counts.values())
    return sum(max(counts.get(w, 0) - D, 0) / total + D * types / total * lower[w] for w in lower)


lower_uniform = {w: 1 / 3 for w in "abc"}                  # any distribution that sums to 1
for D in (0.5, 1.0, 1.5):
    print(f"counts {{a: 1, b: 3}}, D = {D:.1f}: the probabilities sum to {interpolated_sum({'a': 1, 'b': 3}, D, lower_uniform):.4f}")
assert abs(interpolated_sum({"a": 1, "b": 3}, 1.5, lower_uniform) - 1.125) < 1e-12
assert all(abs(interpolated_sum({"a": 1, "b": 3}, D, lower_uniform) - 1) < 1e-12 for D in (0.5, 1.0))

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ### A worked example: bigrams of "abracadabra"
#
# We compute $P_2(w \mid \texttt{a})$ for every $w$ by hand, from the definitions above. First the
# bigram counts and $D_2$. **Expected:** seven distinct bigrams, four of them seen once and three
# twice, so $D_2 = 4 / (4 + 2 \cdot 3) = 0.4$.

# %% [markdown] slideshow={"slide_type": "slide"} tags=["homework-only"]
# ### A worked example: bigrams of "abracadabra"
#
# We compute $P_2(w \mid \texttt{a})$ for every $w$ by hand, from the definitions above. First the
# bigram counts and $D_2$: seven distinct bigrams, four of them seen once and three
# twice, so $D_2 = 4 / (4 + 2 \cdot 3) = 0.4$.

# %% tags=["reading-only"]
toy_text = "abracadabra"
toy_vocab = rnn_lib.CharVocab.from_text(toy_text)          # a b c d r
bigrams = Counter(toy_text[i:i + 2] for i in range(len(toy_text) - 1))
n1 = sum(c == 1 for c in bigrams.values())
n2 = sum(c == 2 for c in bigrams.values())
D2 = n1 / (n1 + 2 * n2)
print(f"bigram counts: {dict(bigrams)}")
print(f"n1 = {n1}, n2 = {n2}, D2 = {D2:.4f}")
assert (n1, n2) == (4, 3) and abs(D2 - 0.4) < 1e-15

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# The unigram level uses continuation counts: for each character, the number of distinct bigrams
# that end in it. `a` ends three (`ra`, `ca`, `da`), every other character one, so the denominator
# is $3 + 1 + 1 + 1 + 1 = 7$. Counted over these continuation counts, $n_1 = 4$ and $n_2 = 0$, so
# $D_1 = n_1 / n_1 = 1$. A discount of 1 takes all of a count of 1: `b`, `c`, `d` and `r` keep
# nothing of their own and get only their share of the uniform distribution, while `a` keeps
# $(3 - 1)/7$ on top of it. **Expected:** $P_1(\texttt{a}) = 2/7 + (5/7)/5 = 3/7 \approx 0.4286$,
# and $1/7 \approx 0.1429$ for each of the others.

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["homework-only"]
# The unigram level uses continuation counts: for each character, the number of distinct bigrams
# that end in it. `a` ends three (`ra`, `ca`, `da`), every other character one, so the denominator
# is $3 + 1 + 1 + 1 + 1 = 7$. Counted over these continuation counts, $n_1 = 4$ and $n_2 = 0$, so
# $D_1 = n_1 / n_1 = 1$. A discount of 1 takes all of a count of 1: `b`, `c`, `d` and `r` keep
# nothing of their own and get only their share of the uniform distribution, while `a` keeps
# $(3 - 1)/7$ on top of it. So $P_1(\texttt{a}) = 2/7 + (5/7)/5 = 3/7 \approx 0.4286$,
# and $1/7 \approx 0.1429$ for each of the others.

# %% tags=["reading-only"]
continuation = Counter(bigram[1] for bigram in bigrams)    # distinct left neighbours of each char
c1_total = sum(continuation.values())
m1 = sum(c == 1 for c in continuation.values())
m2 = sum(c == 2 for c in continuation.values())
D1 = m1 / (m1 + 2 * m2)
P1 = {w: max(continuation[w] - D1, 0) / c1_total + D1 * len(continuation) / c1_total / len(toy_vocab)
      for w in toy_vocab.chars}
print(f"continuation counts {dict(continuation)} (sum {c1_total}), n1 = {m1}, n2 = {m2}, D1 = {D1:.4f}")
print("P1:", {w: round(p, 4) for w, p in P1.items()})
assert (c1_total, m1, m2, D1) == (7, 4, 0, 1.0)
assert abs(P1["a"] - 3 / 7) < 1e-12 and all(abs(P1[w] - 1 / 7) < 1e-12 for w in "bcdr")

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# After `a` we saw `ab` twice, `ac` and `ad` once: $c(\texttt{a}\,\cdot) = 4$, $N_{1+}(\texttt{a}\,\cdot) = 3$.
# `ar` never occurred, yet it gets $0.4 \cdot 3/4 \cdot P_1(\texttt{r}) > 0$. The discounted counts
# give $\texttt{b}$ $(2 - 0.4)/4 = 0.4$ and $\texttt{c}$, $\texttt{d}$ $(1 - 0.4)/4 = 0.15$ each; the
# freed mass $0.4 \cdot 3/4 = 0.3$ is shared out by $P_1$. **Expected:** $P_2(\cdot \mid \texttt{a})$
# is $0.128571$ for `a` ($0.3 \cdot 3/7$), $0.442857$ for `b`, $0.192857$ for `c` and `d`, and
# $0.042857$ for `r` ($0.3 \cdot 1/7$); they sum to 1.

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["homework-only"]
# After `a` we saw `ab` twice, `ac` and `ad` once: $c(\texttt{a}\,\cdot) = 4$, $N_{1+}(\texttt{a}\,\cdot) = 3$.
# `ar` never occurred, yet it gets $0.4 \cdot 3/4 \cdot P_1(\texttt{r}) > 0$. The discounted counts
# give $\texttt{b}$ $(2 - 0.4)/4 = 0.4$ and $\texttt{c}$, $\texttt{d}$ $(1 - 0.4)/4 = 0.15$ each; the
# freed mass $0.4 \cdot 3/4 = 0.3$ is shared out by $P_1$. So $P_2(\cdot \mid \texttt{a})$
# is $0.128571$ for `a` ($0.3 \cdot 3/7$), $0.442857$ for `b`, $0.192857$ for `c` and `d`, and
# $0.042857$ for `r` ($0.3 \cdot 1/7$); they sum to 1.

# %% tags=["reading-only"]
after_a = {w: bigrams["a" + w] for w in toy_vocab.chars}
c_a, types_a = sum(after_a.values()), sum(c > 0 for c in after_a.values())
by_hand = np.array([max(after_a[w] - D2, 0) / c_a + D2 * types_a / c_a * P1[w] for w in toy_vocab.chars])
for w, p in zip(toy_vocab.chars, by_hand):
    print(f"P(next = {w!r} | 'a') = {p:.6f}   (count {after_a[w]})")
print(f"sum = {by_hand.sum():.12f}")

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# The library must give the same numbers. **Expected:** discounts $(1, 0.4)$ and the same
# distribution to 1e-12.

# %% tags=["reading-only"]
toy_model = rnn_lib.NGramModel.fit(toy_vocab.encode(toy_text), order=2, vocab_size=len(toy_vocab))
from_lib = toy_model.distribution(toy_vocab.encode("a"))
print(f"rnn_lib.NGramModel: discounts {toy_model.discounts}, P(. | 'a') = {from_lib}")
assert np.allclose(toy_model.discounts, (D1, D2), rtol=0, atol=1e-12)
assert np.allclose(from_lib, by_hand, rtol=0, atol=1e-12)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise · `kn_bigram`: the whole bigram model at once (5 points)
#
# The worked example computed one row by hand. Now all of them, for any text: write
# `kn_bigram(ids, V)`, the interpolated Kneser-Ney **bigram** model of a training text `ids` (an int
# array of shape $(N,)$ with ids in $0 \dots V-1$), with numpy only. It returns two arrays:
#
# - `p1` $(V,)$: the unigram level $P_1(w)$. Its counts are the continuation counts
#   $N_{1+}(\cdot\,w)$, the number of distinct characters seen just before $w$; its discount $D_1$ is
#   estimated from them; below it sits the uniform $1/V$.
# - `P` $(V, V)$: row $h$ is $P_2(\cdot \mid h)$, from the raw bigram counts $c(h\,w)$ with the
#   discount $D_2$ estimated from them, interpolated with `p1`. A context that is never followed by a
#   character in the text, $c(h\,\cdot) = 0$ (a character that never occurs, or occurs only at the very
#   end), gets `p1` itself.
#
# Each discount is $D = n_1 / (n_1 + 2 n_2)$ over the counts of its own level (the texts your function
# is tested on always have counts equal to 1 at both levels). Then every row of `P` sums to 1 and no
# entry is 0, as section 3 showed. Some numpy that helps:
#
# - `C = np.zeros((V, V))` then `np.add.at(C, (rows, cols), 1)` adds 1 at every pair `(rows[k], cols[k])`,
#   repeated pairs included;
# - `C > 0` is a boolean array; `.sum(axis=0)` counts the `True` entries of each column;
# - `np.maximum(a, 0)` clips elementwise; `np.where(condition, a, b)` picks entry by entry, and
#   broadcasts a $(V, 1)$ condition over the columns.
#
# Do not change `ids`. About 8 to 12 lines.

# %% nbgrader={"grade": false, "grade_id": "kn_bigram", "locked": false, "schema_version": 3, "solution": true, "task": false}
def kn_bigram(ids, V):
    """Interpolated Kneser-Ney bigram model of a text, with discounts estimated from its counts.

    Parameters
    ----------
    ids : int array, shape (N,)
        The training text as ids in 0 .. V - 1.
    V : int
        Vocabulary size, including ids that never occur in `ids`.

    Returns
    -------
    p1 : float array, shape (V,)
        The unigram level P_1(w), from continuation counts.
    P : float array, shape (V, V)
        P[h, w] = P_2(w | h); rows of contexts never followed by a character equal p1.
    """
    ### BEGIN SOLUTION
    counts = np.zeros((V, V))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)                  # c(h w): row h, column w
    continuation = (counts > 0).sum(axis=0)                    # N1+(. w): distinct characters before w

    def discount(c):
        n1, n2 = np.sum(c == 1), np.sum(c == 2)
        return n1 / (n1 + 2 * n2)

    D1, D2 = discount(continuation), discount(counts)
    p1 = (np.maximum(continuation - D1, 0) + D1 * np.sum(continuation > 0) / V) / continuation.sum()
    total = counts.sum(axis=1, keepdims=True)                  # c(h .), (V, 1)
    types = (counts > 0).sum(axis=1, keepdims=True)            # N1+(h .), (V, 1)
    P = (np.maximum(counts - D2, 0) + D2 * types * p1) / np.maximum(total, 1)
    P = np.where(total > 0, P, p1)                             # an unseen context: the lower level
    ### END SOLUTION
    return p1, P

# %% [markdown] slideshow={"slide_type": "subslide"}
# Three test cells, one per part. They use "abracadabra" with `a b c d r` numbered 0 to 4, whose numbers
# you know from the worked example:
#
# 1. **the unigram level** (2 points): `p1` is $(3/7, 1/7, 1/7, 1/7, 1/7)$, and on a longer text whose vocabulary
#    has characters that never occur, `p1` sums to 1 with every entry above 0; this part also checks
#    that your function leaves `ids` unchanged;
# 2. **seen contexts** (2 points): every row of `P` is its discounted counts plus its freed mass times *your*
#    `p1`: for `a`, $(0, 0.4, 0.15, 0.15, 0) + 0.3\,$`p1`; for `b`, which was followed by `r` twice,
#    $(0, 0, 0, 0, 0.8) + 0.2\,$`p1`; and so on (so this part can pass even while part 1 does not);
# 3. **unseen contexts** (1 point): with $V = 7$ and "abracadabra" followed by one more character, id 5, the rows
#    of id 5 (only at the end) and id 6 (never in the text) equal your `p1`.
#
# Errors below $10^{-6}$ pass. Your function is also run on random texts, compared with the formulas.

# %% nbgrader={"grade": true, "grade_id": "test_kn_bigram_p1", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_kn_bigram

for seed in (1, 2, 3):
    check_kn_bigram(kn_bigram, seed=seed, part="p1")
### END HIDDEN TESTS
from rnn_notebook import checks

abra = np.array([0, 1, 4, 0, 2, 0, 3, 0, 1, 4, 0])          # "abracadabra", a b c d r = 0 1 2 3 4
with checks.test("kn_bigram", "unigram level p1"):
    given = abra.copy()
    p1_abra, _ = kn_bigram(given, 5)
    checks.expect_unchanged(abra, given, "ids")
    checks.expect_close(p1_abra, [3 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7], "p1 of 'abracadabra'",
                        hint="continuation counts: a 3 (after r, c, d), b c d r 1 each, sum 7;\n"
                             "D1 = n1 / (n1 + 2 n2) over those counts = 1; then (max(N - D1, 0)\n"
                             "+ D1 * 5 / V) / 7, where 5 is the number of nonzero counts")
    shells = rnn_lib.CharVocab.from_text("she sells sea shells by the sea shore")
    p1_shells, _ = kn_bigram(shells.encode("she sells sea shells by the sea shore"), len(shells) + 3)
    checks.expect_close(np.sum(p1_shells), 1.0, "the sum of p1 (11 characters seen, V = 14)",
                        hint="the uniform part is D1 * N1+ / (sum of the counts) / V, for every one\n"
                             "of the V characters, including those never seen")
    assert np.all(p1_shells > 0), "p1 has zeros: every character must keep a share of 1/V"

# %% nbgrader={"grade": true, "grade_id": "test_kn_bigram_seen", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_kn_bigram

for seed in (1, 2, 3):
    check_kn_bigram(kn_bigram, seed=seed, part="seen")
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("kn_bigram", "seen contexts"):
    p1_abra, P_abra = kn_bigram(abra.copy(), 5)
    discounted = np.array([[0, 0.4, 0.15, 0.15, 0],                # after a: (c(a w) - D2) / 4
                           [0, 0, 0, 0, 0.8],                       # after b: r twice
                           [0.6, 0, 0, 0, 0],                       # after c: a once
                           [0.6, 0, 0, 0, 0],                       # after d: a once
                           [0.8, 0, 0, 0, 0]])                      # after r: a twice
    freed = np.array([[0.3], [0.2], [0.4], [0.4], [0.2]])           # D2 * N1+(h .) / c(h .)
    checks.expect_close(P_abra, discounted + freed * np.asarray(p1_abra).reshape(1, -1), "P of 'abracadabra'",
                        hint="row h: max(c(h w) - D2, 0) / c(h .) + D2 * N1+(h .) / c(h .) * p1[w],\n"
                             "with D2 = 0.4 estimated from the bigram counts (not from p1's)")

# %% nbgrader={"grade": true, "grade_id": "test_kn_bigram_unseen", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_kn_bigram

for seed in (1, 2, 3):
    check_kn_bigram(kn_bigram, seed=seed, part="unseen")
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("kn_bigram", "unseen contexts"):
    p1_e, P_e = kn_bigram(np.append(abra, 5), 7)            # id 5 only at the end, id 6 never
    for h, where in ((5, "only at the end of the text"), (6, "never in the text")):
        checks.expect_close(P_e[h], p1_e, f"row {h} of P (id {h} is {where})",
                            hint="c(h .) counts the positions that have a next character: a context\n"
                                 "with c(h .) = 0 passes the lower level p1 through unchanged")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Your function on tiny Shakespeare: the bigram table of the training split, against
# `rnn_lib.NGramModel` of order 2, and its validation loss, each character predicted from the one
# before it. **Expected:** the same 65 distributions to 1e-12, and the same loss.

# %% needs=["kn_bigram"]
p1_shakespeare, P_shakespeare = kn_bigram(train_ids, V)
bigram_model = rnn_lib.NGramModel.fit(train_ids, 2, V)
table_gap = max(np.max(np.abs(P_shakespeare[h] - bigram_model.distribution([h]))) for h in range(V))
bigram_val = -np.mean(np.log(P_shakespeare[val_ids[:-1], val_ids[1:]]))
print(f"kn_bigram and rnn_lib.NGramModel agree to 1e-12 on all {V} contexts: {table_gap < 1e-12}")
print(f"bigram validation loss: {bigram_val:.4f} nats/char (rnn_lib: "
      f"{-np.mean(bigram_model.log_probs(val_ids)[1:]):.4f})")
assert table_gap < 1e-12 and abs(bigram_val + np.mean(bigram_model.log_probs(val_ids)[1:])) < 1e-12

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Orders 1 to 8 on tiny Shakespeare
#
# We fit one model per order on the training split and score the held-out split, **predicting every
# one of its 111,539 characters** (the first few from shorter contexts). The training loss is
# scored on the first 111,539 training characters, which the model has counted: that keeps the cell
# fast and the two numbers comparable. `context_counts` says, for every validation character, how
# often its full $(n-1)$-character context $h$ was followed by a character in training,
# $c(h\,\cdot)$; the column "unseen" is the share of characters with $c(h\,\cdot) = 0$, "rare" the
# share with a context seen only 1 to 4 times.

# %%
orders = np.arange(1, 9)
models, val_logp, val_ctx, train_nats = {}, {}, {}, []
for order in orders:
    model = rnn_lib.NGramModel.fit(train_ids, int(order), V)
    models[order] = model
    val_logp[order] = model.log_probs(val_ids)
    val_ctx[order] = model.context_counts(val_ids)[order - 1:]    # the first n - 1 have no full context
    train_nats.append(model.log_loss(train_ids[:len(val_ids)]))
val_nats = np.array([-val_logp[o].mean() for o in orders])
train_nats = np.array(train_nats)
unseen = np.array([np.mean(val_ctx[o] == 0) for o in orders])
rare = np.array([np.mean((val_ctx[o] >= 1) & (val_ctx[o] <= 4)) for o in orders])

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Expected:** the training loss falls at every order; the validation loss falls fast up to about
# order 6 and then turns back up, while the number of contexts keeps growing and, from order 2 on,
# so does the share of validation characters whose context was never seen.

# %%
print(f"{'n':>2} {'contexts':>9} {'stored':>10} {'D_n':>6} {'unseen':>7} {'rare':>6} "
      f"{'train':>7} {'val':>7} {'val':>7}")
print(f"{'':>2} {'':>9} {'counts':>10} {'':>6} {'ctx':>7} {'ctx':>6} {'nats':>7} {'nats':>7} {'bits':>7}")
for i, order in enumerate(orders):
    m = models[order]
    print(f"{order:2d} {m.n_contexts:9,} {m.n_counts:10,} {m.discounts[-1]:6.3f} {unseen[i]:7.1%} {rare[i]:6.1%} "
          f"{train_nats[i]:7.4f} {val_nats[i]:7.4f} {val_nats[i] / rnn_lib.LN2:7.4f}")
best_order = int(orders[np.argmin(val_nats)])
print(f"lowest validation loss: order {best_order}, {val_nats.min():.4f} nats/char")
assert np.all(np.diff(train_nats) < 0) and np.all(np.diff(unseen[1:]) > 0)
assert 5 <= best_order <= 7 and val_nats[-1] > val_nats.min()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The RNN on the same characters
#
# The shipped checkpoint of notebook 06 uses the same vocabulary and the same 10% split, so its
# validation loss is directly comparable. `rnn_lib.evaluate` cuts the split into 64 pieces scored
# side by side, each starting from a zero state, so the first character of each piece is not
# predicted and the first few are predicted with little memory. **Expected:** cutting it into 8
# pieces instead changes the loss by less than 0.01 nats/char.

# %%
ckpt = rnn_lib.load_checkpoint(rnn_lib.shipped_checkpoint())
assert ckpt.vocab == vocab and ckpt.config.val_fraction == 0.1
rnn_val = rnn_lib.evaluate(ckpt.params, val_ids)                  # 64 pieces, the default
rnn_val_8 = rnn_lib.evaluate(ckpt.params, val_ids, n_streams=8)
rnn_params = sum(p.size for p in ckpt.params.values())
chars_read = ckpt.step * ckpt.config.batch_size * ckpt.config.seq_length
print(f"RNN: H = {ckpt.config.hidden_size}, {rnn_params:,} parameters, {ckpt.step:,} steps in "
      f"{ckpt.state['seconds'] / 60:.1f} minutes, {chars_read / 1e6:.1f} million characters read "
      f"({chars_read / len(train_ids):.0f} passes)")
print(f"RNN validation loss: {rnn_val:.4f} nats/char = {rnn_val / rnn_lib.LN2:.4f} bits/char in 64 pieces, "
      f"{rnn_val_8:.4f} in 8 pieces ({rnn_val - rnn_val_8:+.4f})")
print(f"n-gram orders that beat it: {[int(o) for o in orders[val_nats < rnn_val]]}")
assert abs(rnn_val - rnn_val_8) < 0.01

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Expected:** from order 4 on, the counting model is below the RNN's line. Each quantity keeps its
# colour in every loss-by-order figure of this notebook.

# %%
ORDER_COLOURS = {"n-gram, training": "C0", "n-gram, validation, estimated D": "C1",
                 f"RNN H = {ckpt.config.hidden_size}, validation": "C2"}
assert np.all(val_nats[3:] < rnn_val)
ax = plot_loss_by_order(orders, {"n-gram, training": train_nats, "n-gram, validation, estimated D": val_nats},
                        {f"RNN H = {ckpt.config.hidden_size}, validation": rnn_val}, colors=ORDER_COLOURS)
_ = ax.set_title("Interpolated Kneser-Ney n-grams, estimated discounts")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two things happen as the order grows. The gap between training and validation loss widens: the
# table holds more and more contexts, the model recognises the text it has counted, and that
# knowledge does not carry over to new text. And the validation curve turns up after its best
# order. That looks like classic overfitting, but the table shows where the validation characters
# end up: at high orders a large share of their contexts were never seen or seen only a few times.
# Such characters are predicted mostly by how the model shares its probability between a handful of
# counts and the shorter contexts, which is exactly what the discount $D$ controls. Section 5 shows
# that the upturn is largely a discount problem.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · The discount matters: choosing $D$ without touching the validation split
#
# With the estimated discounts, the 7-gram of the table above scores about 1.56 nats/char on this
# split. A smoothed 7-gram can do better, **about 1.52 nats/char** (checked below): the estimate
# $n_1/(n_1 + 2n_2)$ was derived with word models in mind, and for characters, larger discounts
# work better. Choosing $D$ on the validation split would make the validation number
# optimistic, so we carve a **development split** off the end of the training text, pick one $D$
# (and the order) there, and only then score the validation split once. `with_discount` reuses the
# counts of a fitted model with other discounts, so each order is counted only once.

# %%
fit_ids, dev_ids = rnn_lib.split_ids(train_ids, val_fraction=0.1, seq_length=25)
grid_D, grid_orders = (0.7, 0.8, 0.9, 0.95, 1.0), (6, 7, 8)
dev_nats, dev_models = {}, {}
for o in grid_orders:
    dev_models[o] = rnn_lib.NGramModel.fit(fit_ids, o, V)
    for D in grid_D:
        dev_nats[o, D] = dev_models[o].with_discount(D).log_loss(dev_ids)
print(f"development loss (nats/char), {len(fit_ids):,} characters counted, {len(dev_ids):,} scored, "
      f"{len(dev_nats)} settings")
print("order " + "".join(f"  D={D:<5}" for D in grid_D))
for o in grid_orders:
    print(f"{o:5d} " + "".join(f"{dev_nats[o, D]:9.4f}" for D in grid_D))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Refit the chosen model on the whole training split and score the validation split once.
# **Expected:** the development split picks order 7 (the "7-gram" of the rest of this notebook), and
# its validation loss is better than with the estimated discounts of section 4.

# %%
tuned_order, tuned_D = min(dev_nats, key=dev_nats.get)
tuned = rnn_lib.NGramModel.fit(train_ids, tuned_order, V, discount=tuned_D)
tuned_val = tuned.log_loss(val_ids)
print(f"chosen on the development split: order {tuned_order}, D = {tuned_D}")
print(f"validation loss: {tuned_val:.4f} nats/char = {tuned_val / rnn_lib.LN2:.4f} bits/char "
      f"(estimated discounts: {val_nats[tuned_order - 1]:.4f}; RNN: {rnn_val:.4f})")
assert tuned_order == 7 and tuned_val < val_nats[tuned_order - 1]

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same discount at every order, against the estimated ones: **expected** to help the high orders
# most, where the estimate was furthest from the best value. With the chosen $D$, going past the
# best order should cost almost nothing: less than a fifth of what it costs with the estimated
# discounts.

# %%
tuned_logp = {o: models[o].with_discount(tuned_D).log_probs(val_ids) for o in orders}
tuned_curve = np.array([-tuned_logp[o].mean() for o in orders])
print("order:     " + " ".join(f"{o:7d}" for o in orders))
print("estimated: " + " ".join(f"{x:7.4f}" for x in val_nats))
print(f"D = {tuned_D}:  " + " ".join(f"{x:7.4f}" for x in tuned_curve))
rise_estimated, rise_tuned = val_nats[-1] - val_nats.min(), tuned_curve[-1] - tuned_curve.min()
print(f"order 8 above the best order: {rise_estimated:.4f} nats/char with estimated D, "
      f"{rise_tuned:.4f} with D = {tuned_D}")
assert tuned_curve[-1] < val_nats[-1] and rise_tuned < rise_estimated / 5

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same two curves for orders 4 to 8, where they differ (colours as before):

# %%
tuned_label = f"n-gram, validation, D = {tuned_D} (chosen on dev)"
ORDER_COLOURS[tuned_label] = "C3"
ax = plot_loss_by_order(orders[3:],
                        {"n-gram, validation, estimated D": val_nats[3:], tuned_label: tuned_curve[3:]},
                        {f"RNN H = {ckpt.config.hidden_size}, validation": rnn_val}, colors=ORDER_COLOURS)
_ = ax.set_title(f"Orders 4 to 8: estimated discounts against D = {tuned_D}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where the estimated discount loses
#
# Split the validation characters by how often their context was seen in training, and compare the
# two discounts group by group. **Expected:** the loss gap (estimated $D$ minus chosen $D$) grows with
# the order, and per character it is larger where the context was seen rarely (1 to 4 times) than
# where it was seen often (5 times or more); from order 5 on, the estimated discounts also lose
# where the context was never seen.

# %%
groups = {"unseen": (0, 0), "rare 1-4": (1, 4), "often 5+": (5, np.inf)}
print(f"{'':6} {'share of validation characters':^33}  {'gap per character (nats)':^33}  {'gap':>7}")
print(f"{'order':>6} " + "".join(f"{g:>11}" for g in groups) + "  " + "".join(f"{g:>11}" for g in groups)
      + f"  {'overall':>7}")
gap_overall, gap_by_group = [], {}
for o in orders[3:]:
    gap = tuned_logp[o][o - 1:] - val_logp[o][o - 1:]           # > 0 where the chosen D does better
    shares, gaps = [], []
    for lo, hi in groups.values():
        sel = (val_ctx[o] >= lo) & (val_ctx[o] <= hi)
        shares.append(sel.mean())
        gaps.append(gap[sel].mean())
    gap_by_group[o] = dict(zip(groups, gaps))
    gap_overall.append(val_nats[o - 1] - tuned_curve[o - 1])
    print(f"{o:6d} " + "".join(f"{s:11.1%}" for s in shares) + "  " + "".join(f"{g:11.4f}" for g in gaps)
          + f"  {gap_overall[-1]:7.4f}")
assert np.all(np.diff(gap_overall) > 0)
assert all(gap_by_group[o]["rare 1-4"] > gap_by_group[o]["often 5+"] for o in orders[3:])
assert all(gap_by_group[o]["unseen"] > 0 for o in orders[4:])

# %% [markdown] slideshow={"slide_type": "fragment"}
# A context seen once, followed by one character, gives that character $1 - D$ of the probability
# outright and shares only $D$ among the shorter contexts. With the estimated $D$ at the top orders,
# the model trusts such single observations too much, and on new text they are often wrong. From
# order 5 on, the characters whose context was never seen lose too: they are predicted by the orders
# below, whose estimated discounts are also well below the chosen one. The higher the order, the
# more validation characters fall into these sparse groups, so the penalty grows with the order
# until it outweighs what the longer context gains. That is **under-discounting**, not an
# unavoidable cost of long contexts: with a discount chosen on the development split, Kneser-Ney
# degrades gracefully past its best order, because an unreliable long context then hands most of its
# say to the shorter ones.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: explore order, discount and context
#
# Now move the two knobs yourself. The explorer below takes an order $n$ (1 to 8), one discount
# $D$ used at every order (0 to 1, or "estimated": the per-order estimates of section 4) and a
# context that you type or pick, and shows three things:
#
# - **left:** the development loss (nats/char; the title also gives the perplexity $e^{\text{loss}}$)
#   at every order for your $D$, your order circled. The models are counted on the first part of the
#   training split and scored on the development split, exactly as in the table above (its grey
#   crosses). Watching the validation loss while you turn $D$ would be tuning on it.
# - **right:** the ten most likely next characters after the last $n - 1$ characters of your context
#   (all of it, if it is shorter).
#   Grey bars are characters **never seen** after that context in the counted text: whatever
#   probability they get comes from smoothing. A context shorter than $n - 1$ characters starts the
#   model at a lower order, whose counts are the continuation counts of section 3, not the raw counts
#   the title gives: then the bars differ from those of the model whose order fits the context (the
#   title says so).
# - **below:** 100 characters drawn from the model after your context (seed 0).
#
# $D = 0$ means nothing is taken off the counts: it is section 2's maximum likelihood table, whose
# loss is scored as there (over the characters whose context was seen, infinite as soon as one of
# them gets probability 0), and which has no prediction at all for a context never seen (0/0).
# First the plain functions behind it. Each order is counted once, when first needed, and each curve
# is computed once per discount.

# %% slideshow={"slide_type": "skip"}
from functools import cache

D_CHOICES = [0.0] + [round(0.05 * k, 2) for k in range(1, 21)] + ["estimated"]


def dev_model(order):
    """The order-n model counted on fit_ids, the first part of the training split (kept)."""
    if order not in dev_models:                                    # orders 6 to 8: counted above
        dev_models[order] = rnn_lib.NGramModel.fit(fit_ids, order, V)
    return dev_models[order]


def with_D(order, D):
    """dev_model(order) with the discount D at every order (D > 0), or "estimated"."""
    return dev_model(order).with_discount(None if D == "estimated" else D)


def counts_after(context_ids):
    """c(h w) for every w: how often each id follows the ids h in fit_ids, shape (V,)."""
    L, N = len(context_ids), len(fit_ids)
    found = np.ones(N - L, dtype=bool)
    for j, c in enumerate(context_ids):
        found &= fit_ids[j:N - L + j] == c
    return np.bincount(fit_ids[L:][found], minlength=V)


def ml_dev_loss(order):
    """Section 2's maximum likelihood loss on dev_ids: inf if a seen context gets probability 0."""
    grams, gram_c = np.unique(kgram_codes(fit_ids, order), return_counts=True)
    ctxs, ctx_c = np.unique(kgram_codes(fit_ids[:-1], order - 1), return_counts=True)
    dev_grams = kgram_codes(dev_ids, order)
    c_hw, c_h = count_of(grams, gram_c, dev_grams), count_of(ctxs, ctx_c, dev_grams // V)
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(c_hw[c_h > 0] / c_h[c_h > 0])))


@cache
def dev_curve(D):
    """Development loss in nats/char at the orders 1 to 8 with the discount D, shape (8,)."""
    if D == 0:
        return np.array([ml_dev_loss(int(o)) for o in orders])
    return np.array([with_D(int(o), D).log_loss(dev_ids) for o in orders])


def next_char_probs(order, D, context):
    """The context h used (last n - 1 characters, or all), c(h w) (V,) and P(w | h) (V,), None for 0/0."""
    h = context[max(0, len(context) - (order - 1)):] if order > 1 else ""
    counts = counts_after(vocab.encode(h))
    if D == 0:
        return h, counts, (counts / counts.sum() if counts.sum() > 0 else None)
    return h, counts, with_D(order, D).distribution(vocab.encode(h))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Before moving anything, call the explorer's functions at fixed settings. **Expected:** with $D = 0$
# and a context seen in the counted text, the probabilities are the counts divided by their sum,
# characters never seen after it get exactly 0, and the Kneser-Ney formula with a tiny
# $D = 10^{-9}$ gives the same numbers to within $10^{-8}$; with every $D > 0$ on the slider, for a
# seen and a never-seen context, the probabilities sum to 1 and none is 0; the explorer's starting
# point (the order and $D$ chosen above) has the loss of the table above; and with $D = 0$, the
# bigram model's development loss is already infinite.

# %%
seen_h, seen_counts, p_ml = next_char_probs(7, 0.0, "I pray th")
p_tiny = next_char_probs(7, 1e-9, "I pray th")[2]
print(f"order 7, D = 0, after {seen_h!r} (seen {seen_counts.sum()} times): the counts / "
      f"{seen_counts.sum()}, {np.sum(p_ml == 0)} of {V} characters get 0")
print(f"   Kneser-Ney with D = 1e-9 differs by at most {np.max(np.abs(p_tiny - p_ml)):.1e}")
never_h, never_counts, _ = next_char_probs(7, 0.95, "computer")
print(f"order 7: {never_h!r} is seen {never_counts.sum()} times in the counted text")
for context in ("I pray th", "computer"):
    dists = np.array([next_char_probs(7, D, context)[2] for D in D_CHOICES[1:]])
    print(f"order 7, {len(dists)} discounts D > 0, after {context[-6:]!r}: sums within 1e-12 of 1: "
          f"{np.allclose(dists.sum(axis=1), 1, rtol=0, atol=1e-12)}, smallest {dists.min():.1e}")
    assert np.allclose(dists.sum(axis=1), 1, rtol=0, atol=1e-12) and dists.min() > 0
start_curve = dev_curve(tuned_D)
print(f"development loss at order {tuned_order}, D = {tuned_D}: {start_curve[tuned_order - 1]:.4f} "
      f"nats/char, perplexity {np.exp(start_curve[tuned_order - 1]):.2f} "
      f"(table: {dev_nats[tuned_order, tuned_D]:.4f})")
ml_bigram = ml_dev_loss(2)
print(f"development loss at order 2, D = 0: {ml_bigram}")
assert np.array_equal(p_ml, seen_counts / seen_counts.sum()) and np.all(p_ml[seen_counts == 0] == 0)
assert np.sum(seen_counts > 0) == 3
assert np.allclose(p_tiny, p_ml, rtol=0, atol=1e-8) and never_counts.sum() == 0
assert tuned_D in D_CHOICES and all(abs(start_curve[o - 1] - dev_nats[o, tuned_D]) < 1e-12 for o in grid_orders)
assert ml_bigram == np.inf

# %% [markdown] slideshow={"slide_type": "subslide"}
# A context shorter than $n - 1$ characters: **expected:** the explorer uses all of it (`ab` at order
# 4, `First` at order 8), and the probabilities then differ from those of the model whose order fits
# the context, because the lower orders count continuations. The first character of a text is the
# extreme case: no context at all, order 7 against order 1, the same $D$.

# %%
short = {(4, "ab"): "ab", (8, "First"): "First", (3, "ab"): "ab", (3, "xab"): "ab", (1, "ab"): ""}
for (o, context), expected in short.items():
    print(f"order {o}, context {context!r}: uses {next_char_probs(o, 0.95, context)[0]!r}")
    assert next_char_probs(o, 0.95, context)[0] == expected
space = vocab.char_to_ix[" "]
p_empty = {o: next_char_probs(o, 0.95, "")[2] for o in (1, 7)}
for o, p in p_empty.items():
    print(f"order {o}, D = 0.95, no context: P(space) = {p[space]:.4f}, largest {p.max():.4f}")
assert p_empty[1][space] > 0.1 > p_empty[7][space] and np.argmax(p_empty[1]) == space != np.argmax(p_empty[7])

# %% [markdown] slideshow={"slide_type": "skip"}
# `draw_explorer` draws the figure for one setting; the explorer below shows it for its starting
# point. **Expected:** the heights of the bars are the ten largest probabilities that
# `next_char_probs` returns; the grey crosses are the table's losses for the $D$ shown, one per order
# of the table. (At the starting point, the circled point lies on a grey cross of the table: the
# check above showed that the two losses are equal.) The right panel alone, at $D = 0$ after
# `I pray th` with a character outside the vocabulary typed after it: one bar for each of the three
# characters seen after `ray th` (no bars of height 0), and the title names the character ignored; a
# context shorter than $n - 1$ gets the title line about continuation counts, a full one does not.

# %% slideshow={"slide_type": "skip"}
GLYPH = {" ": "␣", "\n": "↵"}                                    # characters you could not see otherwise
SHORT_NOTE = "shorter than n − 1: this model's lower orders use\ncontinuation counts (section 3), not the counts above"


def draw_loss_panel(ax, order, D):
    """Development loss by order for D, the table's losses for D as grey crosses, the order circled."""
    curve = dev_curve(D)
    top_loss = 2.05                                                 # higher losses: a label at the top
    finite = np.isfinite(curve)
    _ = ax.plot(orders[finite], curve[finite], "o-", color="C4", label=f"development, D = {D}")
    table = [(o, x) for (o, d), x in dev_nats.items() if d == D]   # the table's column for this D
    if table:
        _ = ax.plot(*zip(*table), "x", color="0.5", ms=8, label="table above")
    for o, x in zip(orders, curve):
        if x > top_loss:
            _ = ax.text(o, top_loss - 0.02, "∞" if np.isinf(x) else f"{x:.2f}↑", ha="center", va="top",
                        color="C4", fontsize=16 if np.isinf(x) else 11)
    loss = curve[order - 1]
    _ = ax.plot(order, min(loss, top_loss - 0.035), "o", ms=16, mfc="none", mec="black", mew=2)
    ax.set(xticks=orders, xlim=(0.4, 8.6), ylim=(1.45, top_loss), xlabel="order n",
           ylabel="development loss (nats/char)",
           title=f"order {order}: " + (f"{loss:.4f} nats/char, perplexity {np.exp(loss):.2f}"
                                        if np.isfinite(loss) else "infinite loss"))
    _ = ax.legend(loc="lower left")


def draw_next_panel(ax, order, D, context):
    """The likeliest next characters (at most 10, none of probability 0); returns the sample line."""
    context = context.replace("\\n", "\n")                        # type \n for a line break
    ignored = "".join(sorted(set(context) - set(vocab.chars)))     # not in the vocabulary: dropped
    context = "".join(ch for ch in context if ch in vocab.char_to_ix)
    h, counts, p = next_char_probs(order, D, context)
    if p is None:
        _ = ax.text(0.5, 0.5, f"{h!r} never seen: 0/0, no prediction", ha="center", transform=ax.transAxes)
        sample = "(none at D = 0)"
    else:
        top = np.argsort(-p, kind="stable")[:10]
        top = top[p[top] > 0]                                       # D = 0: unseen characters get 0
        colours = ["C0" if counts[k] > 0 else "0.6" for k in top]
        _ = ax.bar([GLYPH.get(vocab.chars[k], vocab.chars[k]) for k in top], p[top], color=colours)
        _ = ax.text(0.98, 0.95, f"never seen after it: {np.sum(counts == 0)} characters,\n"
                    f"together P = {p[counts == 0].sum():.3f} (grey bars)", ha="right", va="top",
                    transform=ax.transAxes)
        sample = ("(none at D = 0)" if D == 0 else
                  vocab.decode(with_D(order, D).sample(100, np.random.default_rng(0), vocab.encode(context))))
    title = (f"after {h!r}" if h else "no context") + f" (seen {counts.sum():,} times in the counted text)"
    if D != 0 and len(h) < order - 1:
        title += "\n" + SHORT_NOTE
    if ignored:
        title += f"\nignored, not in the vocabulary: {ignored!r}"
    ax.set(ylim=(0, 1), ylabel="P(next character | context)", title=title)
    return f"sample after {context[-12:]!r}, seed 0: " + sample.replace("\n", "↵")


def draw_explorer(order, D, context):
    """Development loss by order for D (left), the 10 likeliest next characters (right), a sample."""
    fig, (ax_loss, ax_p) = plt.subplots(1, 2, figsize=(13, 5.4), gridspec_kw={"width_ratios": [1, 1.2]})
    draw_loss_panel(ax_loss, order, D)
    sample_line = draw_next_panel(ax_p, order, D, context)
    _ = fig.text(0.01, 0.01, sample_line, family="monospace", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


explorer_fig = draw_explorer(tuned_order, tuned_D, "I pray th")
heights = np.array([bar.get_height() for bar in explorer_fig.axes[1].patches])
crosses = [line.get_xdata() for line in explorer_fig.axes[0].lines if line.get_label() == "table above"]
plt.close(explorer_fig)                                            # the explorer below shows it
shown_p = next_char_probs(tuned_order, tuned_D, "I pray th")[2]
print(f"bar heights: {np.round(heights, 4)}")
print(f"grey crosses at the orders {[int(o) for o in crosses[0]]} (D = {tuned_D})")
panel_fig, panel_ax = plt.subplots()
draw_next_panel(panel_ax, 7, 0.0, "I pray th#")
ml_heights = np.array([bar.get_height() for bar in panel_ax.patches])
ml_title = panel_ax.get_title()
print(f"D = 0, after 'I pray th#': {len(ml_heights)} bars, {np.round(ml_heights, 4)}")
print("title:", ml_title.replace("\n", " / "))
short_titles = {}
for context in ("ab", "I pray th"):
    draw_next_panel(panel_ax, 7, tuned_D, context)
    short_titles[context] = panel_ax.get_title()
plt.close(panel_fig)
print(f"order 7: note on continuation counts after 'ab': {SHORT_NOTE in short_titles['ab']}, "
      f"after 'I pray th': {SHORT_NOTE in short_titles['I pray th']}")
assert np.array_equal(heights, np.sort(shown_p)[::-1][:10])
assert len(crosses) == 1 and sorted(crosses[0]) == sorted(grid_orders)
assert np.array_equal(ml_heights, np.sort(p_ml[p_ml > 0])[::-1]) and len(ml_heights) == 3
assert ml_title.endswith("ignored, not in the vocabulary: '#'")
assert SHORT_NOTE in short_titles["ab"] and SHORT_NOTE not in short_titles["I pray th"]

# %% [markdown] slideshow={"slide_type": "subslide"}
# Things to try (the controls need a running kernel; a copy viewed without one shows the figure
# above):
#
# - Keep the context `I pray th` at order 7 and move $D$ from 0 up to 1. At 0, only the three
#   characters seen after `ray th` have bars; from the first step on, every character gets some
#   probability. Watch the number in the corner (the probability of all characters never seen after
#   the context) and the loss: which $D$ gives the lowest loss at order 7, and at order 3?
# - Set $D$ to 0 and type a context that never occurs, such as `computer`: there is no prediction at
#   all. Then set $D$ to 0.05: now the shorter contexts decide. Lower the order until the context
#   is seen.
# - Raise the order with a long context such as `First Citizen`: each step reads one more
#   character. Watch how often the context was seen fall, and how the bars change.
# - Compare the samples of order 2, 4 and 7 at the same $D$ (the seed is the same each time).
# - Empty the context box at order 7, then set the order to 1. Both predict a first character, but
#   order 7 gets there through its lowest level, which counts continuations (section 3), and order 1
#   counts characters: compare the bar of `␣`.
#
# Type `\n` for a line break, e.g. `ROMEO:\n`.

# %%
import ipywidgets as widgets

from rnn_notebook.widgets import figure_widget

wide = {"description_width": "initial"}                               # labels in full
order_slider = widgets.IntSlider(value=tuned_order, min=1, max=8, description="order n",
                                 continuous_update=False, style=wide)
D_slider = widgets.SelectionSlider(options=[(str(D), D) for D in D_CHOICES], value=tuned_D,
                                   description="discount D", continuous_update=False, style=wide)
context_box = widgets.Combobox(value="I pray th", description="context", style=wide,
                               options=["I pray th", "my lord", "First Citizen", "computer", "ROMEO:\\n"])
caption = (f"Interactive figure: move the order and the discount or type a context (needs a running "
           f"kernel); here order {tuned_order}, D = {tuned_D} and the context 'I pray th'.")
display(figure_widget(draw_explorer, {"order": order_slider, "D": D_slider, "context": context_box},
                      caption=caption))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Samples side by side
#
# Both models draw each character with one uniform number from a generator and the inverse CDF
# (notebook 07), so with the same seed they receive **the same random numbers**: the differences
# below come from the models alone. Prime: `"ROMEO:"`, seed 0, 300 characters.

# %%
PRIME, LENGTH = "ROMEO:", 300
ngram_sample = vocab.decode(tuned.sample(LENGTH, np.random.default_rng(0), prime_ids=vocab.encode(PRIME)))
rnn_sample = rnn_lib.sample(ckpt.params, vocab, LENGTH, np.random.default_rng(0), prime=PRIME)
print(f"---- {tuned_order}-gram, D = {tuned_D} ----\n{PRIME}{ngram_sample}\n")
print(f"---- RNN, H = {ckpt.config.hidden_size} ----\n{PRIME}{rnn_sample}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: how much is copied?
#
# *A side road: skip to section 7 on a first reading. The answer in one line: the 7-gram copies its
# training text a little more than unseen Shakespeare repeats it, the 10-gram far more, the RNN less.*
#
# For each character $i$ of a text, let $m_i$ be the length of the longest piece starting at $i$
# that appears **verbatim** in the training text. One window $[i, j)$ slides along the text: any
# part of a copied piece is copied too, so when $i$ moves right, $j$ never has to move back.

# %%
def match_lengths(sample, corpus):
    """m[i]: length of the longest piece of `sample` starting at i found in `corpus`; shape (len(sample),)."""
    m, j = np.zeros(len(sample), dtype=np.int64), 0
    for i in range(len(sample)):
        j = max(j, i)
        while j < len(sample) and sample[i:j + 1] in corpus:
            j += 1
        m[i] = j - i
    return m


toy = match_lengths("xabcdy", "zzabcdzz").tolist()
print(f"match_lengths('xabcdy', 'zzabcdzz') = {toy}")
assert toy == [0, 4, 3, 2, 1, 0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# One sample is not enough to compare models: how much a 600-character sample copies varies from
# seed to seed. But the loop is slow, because every failed `in` scans the whole million-character
# training text. So we grow all pieces of many texts together, one character at a time, as in
# section 2: each piece of length $L$ gets a number, and a piece of length $L + 1$ is numbered by
# the pair (number of its first $L$ characters, its last character). `np.unique` renumbers them
# $0, 1, 2, \dots$ after every step so the numbers stay small, and the pieces that no longer occur
# in the training text are dropped. **Expected:** the same $m$ as the loop, exactly.

# %%
def match_lengths_many(pieces, corpus_ids):
    """m for each id array in `pieces` (as match_lengths), all at once; a list of int arrays."""
    end = V                                                  # marks the end of a piece; not in the corpus
    s = np.concatenate([np.append(p, end) for p in pieces])
    m = np.zeros(s.size, np.int64)
    pos_s, pos_c = np.arange(s.size), np.arange(corpus_ids.size)   # where the pieces still alive start
    num_s, num_c = s.astype(np.int64), corpus_ids.astype(np.int64)  # equal numbers <=> equal pieces
    length = 1
    while pos_s.size:
        found = np.isin(num_s, num_c)
        pos_s, num_s = pos_s[found], num_s[found]
        m[pos_s] = length
        useful = np.isin(num_c, num_s)                        # corpus pieces some sample piece matches
        pos_c, num_c = pos_c[useful], num_c[useful]
        grow_s, grow_c = pos_s + length < s.size, pos_c + length < corpus_ids.size
        pos_s, pos_c = pos_s[grow_s], pos_c[grow_c]
        longer = np.r_[num_s[grow_s] * (V + 1) + s[pos_s + length],
                       num_c[grow_c] * (V + 1) + corpus_ids[pos_c + length]]
        _, renumbered = np.unique(longer, return_inverse=True)
        num_s, num_c = renumbered[:pos_s.size], renumbered[pos_s.size:]
        length += 1
    starts = np.cumsum([0] + [len(p) + 1 for p in pieces])
    return [m[a:a + len(p)] for a, p in zip(starts, pieces)]


fast = match_lengths_many([vocab.encode("xabcdy")], vocab.encode("zzabcdzz"))[0].tolist()
print(f"the same with match_lengths_many: {fast}")
assert fast == [0, 4, 3, 2, 1, 0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now 600 characters from each model for seeds 1 to 8: the tuned n-gram, a 10-gram with estimated
# discounts, and the RNN. As a yardstick, 16 windows of 600 characters of **real** held-out
# Shakespeare, evenly spaced through the validation split: text the model never saw, which repeats
# the training part only through common words, phrases and names. We check the fast version against
# the loop on the first 200 characters of the first sample, then report the mean of $m$ per text:
# its average and spread (standard deviation, smallest and largest) over the texts of each kind.
#
# **Expected** from the window sizes: the 10-gram copies most and the RNN least, less than real text.
# The question is where the tuned 7-gram sits against real text: we check that its average lies
# above the average of the real windows but inside their range, while the 10-gram's average is
# above every window of real text.

# %%
LONG, SEEDS, WINDOWS = 600, range(1, 9), 16
order10 = rnn_lib.NGramModel.fit(train_ids, 10, V)
prime_ids = vocab.encode(PRIME)
window_starts = np.linspace(0, len(val_ids) - LONG, WINDOWS).astype(int)
texts = {
    f"{tuned_order}-gram, D = {tuned_D}":
        [tuned.sample(LONG, np.random.default_rng(s), prime_ids) for s in SEEDS],
    "10-gram, estimated D":
        [order10.sample(LONG, np.random.default_rng(s), prime_ids) for s in SEEDS],
    f"RNN, H = {ckpt.config.hidden_size}":
        [vocab.encode(rnn_lib.sample(ckpt.params, vocab, LONG, np.random.default_rng(s), prime=PRIME))
         for s in SEEDS],
    "held-out Shakespeare": [val_ids[a:a + LONG] for a in window_starts],
}
check = next(iter(texts.values()))[0][:200]
*all_m, check_m = match_lengths_many([t for kind in texts.values() for t in kind] + [check], train_ids)
agrees = np.array_equal(check_m, match_lengths(vocab.decode(check), train_text))
print(f"on the first 200 sampled characters, match_lengths_many agrees with match_lengths: {agrees}")
assert agrees

# %%
print(f"{'':21} {'texts':>5} {'mean m':>7} {'sd':>5} {'min':>6} {'max':>6}   longest copied piece")
mean_m, k = {}, 0
for name, kind in texts.items():
    ms, k = all_m[k:k + len(kind)], k + len(kind)
    mean_m[name] = np.array([m.mean() for m in ms])
    t, m = max(zip(kind, ms), key=lambda tm: tm[1].max())
    i = int(m.argmax())
    a = mean_m[name]
    print(f"{name:21} {len(kind):5d} {a.mean():7.2f} {a.std(ddof=1):5.2f} {a.min():6.2f} {a.max():6.2f}   "
          f"{m[i]:2d}: {vocab.decode(t[i:i + m[i]])!r}")
tuned_m, order10_m, rnn_m, real_m = mean_m.values()
assert order10_m.mean() > tuned_m.mean() > real_m.mean() > rnn_m.mean()
assert real_m.min() < tuned_m.mean() < real_m.max() and order10_m.mean() > real_m.max()
print(f"7-gram minus real text: {tuned_m.mean() - real_m.mean():+.2f} characters; "
      f"10-gram minus real text: {order10_m.mean() - real_m.mean():+.2f}; RNN minus real text: "
      f"{rnn_m.mean() - real_m.mean():+.2f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Real unseen Shakespeare also "copies": words, stock phrases and speaker names give it matches of
# several characters on average. The smoothed 7-gram copies a little more than that on average, but
# within the spread of real text: on this measure it does not replay its training text much more
# than unseen Shakespeare repeats the plays we counted.
# Copying becomes marked at order 10, whose samples sit above every real window: the longer the
# window, the more of the training text comes back verbatim, which is why unsmoothed high-order
# samples (Goldberg's notebook, further reading) read so convincingly. The RNN copies less than real
# text: it invents more, including words that do not exist.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · What the window cannot see
#
# A 7-gram only knows the last 6 characters. Lines of verse have a typical length, so *where we are
# in the line* helps predict a newline, but it lies outside that window. The data first: how long
# are the lines, and how often is `" you"` followed by a newline, by the column where it ends?

# %%
line_lengths = np.array([len(line) for line in train_text.split("\n") if line])
print(f"non-empty lines: median {np.median(line_lengths):.0f} characters, 90% at most "
      f"{np.percentile(line_lengths, 90):.0f}")
columns, newline = [], []
for m in re.finditer(" you", train_text):
    columns.append(m.end() - (train_text.rfind("\n", 0, m.end()) + 1))
    newline.append(train_text[m.end():m.end() + 1] == "\n")
columns, newline = np.array(columns), np.array(newline)
for lo, hi in ((0, 20), (20, 35), (35, 50), (50, 100)):
    sel = (columns >= lo) & (columns < hi)
    print(f"' you' ending in columns {lo:2d}-{hi - 1:2d}: {sel.sum():5,} times, newline next {newline[sel].mean():6.1%}")
ratio = newline[columns >= 35].mean() / newline[columns < 35].mean()
print(f"a newline is {ratio:.0f} times more likely after column 35 than before it")
assert ratio > 5

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Do the models know the column?
#
# Ask both models for $P(\text{newline})$ at **every** position of the validation split and compare
# with how often a newline really comes, column by column. The column of a position is the number
# of characters already on its line. For the RNN we run the split in the same 64 pieces as
# `rnn_lib.evaluate` and keep the whole output distribution; the n-gram's `probs_of` gives the
# probability of one fixed character at every position. **Expected:** our pass reproduces the RNN's
# validation loss from `evaluate` (to 1e-6).

# %%
NL = vocab.char_to_ix["\n"]
line_start = np.maximum.accumulate(np.where(np.r_[True, ids[:-1] == NL], np.arange(len(ids)), 0))
column = (np.arange(len(ids)) - line_start)[len(train_ids):]      # for every validation position

B, CHUNK = 64, 200
L = len(val_ids) // B
pieces = val_ids[:B * L].reshape(B, L).T                 # (L, B): column b is piece b, as in evaluate
positions = np.arange(B) * L + np.arange(1, L)[:, None]  # (L - 1, B): the validation index predicted
rnn_p_newline, rnn_logp = np.empty((L - 1, B)), np.empty((L - 1, B))
state = rnn_lib.initial_state(ckpt.params, B)
for start in range(0, L - 1, CHUNK):
    stop = min(start + CHUNK, L - 1)
    cache = rnn_lib.forward(ckpt.params, pieces[start:stop], state)
    probs = cache["probs"].reshape(stop - start, B, V)
    rnn_p_newline[start:stop] = probs[:, :, NL]
    targets = pieces[start + 1:stop + 1, :, None]                 # (T, B, 1): the next characters
    rnn_logp[start:stop] = np.log(np.take_along_axis(probs, targets, axis=2)[:, :, 0])
    state = cache["h_last"]
ngram_p_newline = tuned.probs_of(val_ids, NL)[positions]
is_newline, at_column = val_ids[positions] == NL, column[positions]
print(f"RNN loss from this pass {-rnn_logp.mean():.5f}, from evaluate {rnn_val:.5f}; the same to 1e-6: "
      f"{abs(-rnn_logp.mean() - rnn_val) < 1e-6}")
assert abs(-rnn_logp.mean() - rnn_val) < 1e-6

# %% [markdown] slideshow={"slide_type": "subslide"}
# Mean predicted $P(\text{newline})$ per group of columns against the real rate. **Expected:** both
# models raise the probability as the line gets longer (from columns 20-34 to 35-49 to 50 and
# more), both stay below the real rate beyond column 50 and above it at columns 20-34, and they
# agree with each other to within 0.01 in every group.

# %%
bins = ((0, 19), (20, 34), (35, 49), (50, 10_000))
print(f"{'columns':>9} {'positions':>10} {'RNN':>7} {f'{tuned_order}-gram':>7} {'real':>7}")
calibration = []
for lo, hi in bins:
    sel = (at_column >= lo) & (at_column <= hi)
    row = (rnn_p_newline[sel].mean(), ngram_p_newline[sel].mean(), is_newline[sel].mean())
    calibration.append(row)
    print(f"{f'{lo}-{hi}' if hi < 10_000 else f'{lo}+':>9} {sel.sum():10,} " + " ".join(f"{x:7.3f}" for x in row))
calibration = np.array(calibration)                       # (bins, 3): RNN, n-gram, real
rnn_cal, ngram_cal, real_cal = calibration.T
assert np.all(np.diff(rnn_cal[1:]) > 0) and np.all(np.diff(ngram_cal[1:]) > 0)
assert rnn_cal[-1] < real_cal[-1] and ngram_cal[-1] < real_cal[-1]
assert rnn_cal[1] > real_cal[1] and ngram_cal[1] > real_cal[1]
assert np.all(np.abs(rnn_cal - ngram_cal) < 0.01)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same in steps of 5 columns (groups with fewer than 100 positions left out):

# %%
step, n_groups = 5, 13
group = np.minimum(at_column.ravel() // step, n_groups - 1)   # the last group collects column 60 and beyond
size = np.bincount(group, minlength=n_groups)
keep = size >= 100
fig, ax = plt.subplots()
curves = ((f"RNN H = {ckpt.config.hidden_size}", rnn_p_newline, dict(color="C2", marker="o", lw=5, ms=10)),
          (f"{tuned_order}-gram, D = {tuned_D}", ngram_p_newline, dict(color="C3", marker="s")),
          ("real newline rate", is_newline, dict(color="k", marker="^", ls="--")))
for label, values, style in curves:
    mean = np.bincount(group, weights=values.ravel().astype(float), minlength=n_groups) / np.maximum(size, 1)
    _ = ax.plot(step * np.arange(n_groups)[keep] + step / 2, mean[keep], label=label, **style)
_ = ax.set(xlabel="column (characters already on the line)", ylabel="P(newline), mean over positions",
           title="Newline: predicted probability against the real rate")
_ = ax.legend()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both models pick up the end of a line: their probability of a newline rises with the column. A
# 7-gram can only do that through local cues in its last 6 characters, and the RNN's curve lies on
# top of the 7-gram's at every column, so this small RNN shows no sign of a column counter that adds
# to those cues. Both are too cautious at long columns by the same margin, and both give a newline
# too much probability in the middle of the line. Karpathy, Johnson & Fei-Fei (2015) found cells
# that track the position in the line in larger LSTMs trained on more text: for a recurrent network,
# using the column is a matter of size and training; for the n-gram it is out of reach by
# construction.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · The honest comparison
#
# Why does a table of counts beat a neural network here? Count what each model keeps, what each
# was given, and how far each one's loss on text it trained on lies below its loss on new text (both
# scored on the same training block as in section 4).
#
# **Expected:** the tuned n-gram within 0.01 of 1.52 nats/char and the RNN below 1.95. The RNN was
# trained once, with one fixed recipe that the cell reads from the checkpoint: a vanilla RNN of 160
# units, 32 streams of 25 characters per step, Adagrad at a constant learning rate of 0.05, float32,
# 60,000 steps. And the n-gram's gap between training and validation loss is **more than twice** the
# RNN's.

# %%
tuned_train = tuned.log_loss(train_ids[:len(val_ids)])
rnn_train = rnn_lib.evaluate(ckpt.params, train_ids[:len(val_ids)])
print(f"{tuned_order}-gram: {tuned.n_contexts:,} distinct contexts, {tuned.n_counts:,} stored numbers;")
print(f"        order and D chosen among {len(dev_nats)} settings on the development split")
rc = ckpt.config
print(f"RNN:    {rnn_params:,} parameters, no tuning; {chars_read / 1e6:.1f} million characters of BPTT")
print(f"        in {ckpt.state['seconds'] / 60:.1f} minutes: {ckpt.step:,} steps of {rc.batch_size} streams "
      f"x {rc.seq_length} characters;")
print(f"        {rc.cell} cell, H = {rc.hidden_size}, {rc.optimizer} at {rc.learning_rate} (constant), {rc.dtype}")
print(f"ratio:  {tuned.n_counts / rnn_params:.0f} stored numbers per RNN parameter")
print(f"{'':8}{'training block':>15}{'validation':>12}{'gap':>8}   (nats/char)")
print(f"{'n-gram':8}{tuned_train:15.4f}{tuned_val:12.4f}{tuned_val - tuned_train:8.4f}")
print(f"{'RNN':8}{rnn_train:15.4f}{rnn_val:12.4f}{rnn_val - rnn_train:8.4f}")
print(f"validation: {tuned_val:.4f} vs {rnn_val:.4f} nats/char "
      f"({(rnn_val - tuned_val) / rnn_lib.LN2:.3f} bits/char apart)")
assert abs(tuned_val - 1.52) < 0.01 and rnn_val < 1.95
assert (rc.cell, rc.hidden_size, rc.batch_size, rc.seq_length, rc.optimizer, rc.learning_rate, rc.dtype,
        ckpt.step) == ("rnn", 160, 32, 25, "adagrad", 0.05, "float32", 60_000)
assert rc.lr_decay_steps == 0 and rc.lr_decay_seconds == 0   # the learning rate stayed at 0.05
assert tuned_val - tuned_train > 2 * (rnn_val - rnn_train)

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **What each was given.** The n-gram's order and discount were chosen on a development split; the
#   RNN ran once, with the settings printed above and no search over its size, learning rate or
#   sequence length, for a few minutes. The loss difference printed above compares a tuned baseline
#   with an untuned network.
# - **Memory versus compression.** The n-gram remembers, exactly, every context of 6 characters it
#   has seen and what followed it: on a million characters, that is most of what predicting
#   Shakespeare's next letter needs, and its loss on the text it counted shows how much it simply
#   memorises. The RNN has to squeeze everything into a few tens of thousands of numbers and one
#   hidden state vector, and it loses much less when it moves to new text.
# - **Training.** The RNN learned with truncated BPTT over 25 steps, a vanilla cell and Adagrad; it is
#   far from what its size could do. Counting is exact and takes a second.
# - **What counting cannot do.** The n-gram cannot use anything outside its window: who is speaking
#   (the name that opened the speech lines ago), how far into a speech or a line it is, and it treats
#   `" King"` and `" king"` as unrelated contexts. Its samples copy pieces of the training text about
#   as long as real unseen Shakespeare shares with it at order 7, and longer ones at order 10
#   (section 6, optional part).
# - **Where it ends.** More text helps both, but the n-gram's table grows with every new context,
#   while a recurrent network's size is fixed. Karpathy, Johnson & Fei-Fei (2015) compared LSTM
#   character models with n-grams on *War and Peace* and the Linux kernel source, several times more
#   text than ours, and found the LSTMs ahead, with the gains traced to long-range structure that no
#   fixed window can hold. Notebooks 12 and 13 (LSTM and GRU) take up those gated cells. A small vanilla
#   RNN trained for minutes does not overtake a tuned n-gram.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - An n-gram model predicts the next character from the previous $n - 1$ by counting. The raw
#   counting estimate gives unseen contexts and unseen continuations probability 0, so its loss on
#   held-out text is **infinite**.
# - **Interpolated Kneser-Ney** subtracts a discount $D$ from each seen count and hands the freed mass
#   to the shorter context, which uses continuation counts, down to $1/V$. Every character keeps a
#   positive probability and every distribution sums to 1; `rnn_lib.NGramModel` reproduces the
#   hand computation to 1e-12.
# - On the same held-out 10% of tiny Shakespeare, the training loss keeps falling with the order
#   while the validation loss levels off: the higher orders memorise. With the estimated discounts
#   the validation loss even rises past its best order, because a growing share of contexts is seen
#   rarely or never and those discounts trust a few counts too much. With one $D$ chosen on a
#   development split, the curve flattens instead, and the best model reaches about 1.52 nats/char.
# - The smoothed n-gram beats our RNN with a tuned order and discount and millions of stored
#   numbers, against an untuned network trained for minutes; it memorises far more of its training
#   text. Its samples copy about as much as real unseen text shares with the training text at
#   order 7 (clearly more at order 10), and neither it nor our small RNN uses the position in the
#   line beyond local cues.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. A validation character whose 6-character context never occurred in training: what does the
#    maximum likelihood 7-gram assign to it, and what does the Kneser-Ney 7-gram do instead?
# 2. Show that $\sum_w P_k(w \mid h) = 1$ when $c(h\,\cdot) > 0$. Where does the proof use $D_k \le 1$?
# 3. Why do the lower orders use continuation counts rather than raw counts? Give a character-level
#    example from this notebook where the two rank characters differently.
# 4. The training loss of the 8-gram is far below its validation loss. What would you expect to
#    happen to the best order if the training text were ten times longer?
# 5. Why would choosing $D$ by its validation loss give a number you should not report as the
#    validation loss?
# 6. The 7-gram stores dozens of numbers per RNN parameter. Name two things in tiny Shakespeare that
#    the RNN could in principle learn to use and no n-gram of order 7 can.
# 7. With the estimated discounts the 8-gram is worse than the best lower order; with $D$ chosen on
#    the development split, going to order 8 costs almost nothing. Explain the difference with the
#    table of section 5.
#
# <details>
# <summary>Answers</summary>
#
# 1. Maximum likelihood: $0/0$, no prediction at all (and a zero for any unseen continuation, so an
#    infinite loss). Kneser-Ney skips the unseen level and uses the 6-gram estimate from the last 5
#    characters, and so on down; the uniform floor guarantees a positive probability.
# 2. Each seen count is at least 1, so $\max(c - D_k, 0) = c - D_k$ for all $N_{1+}(h\,\cdot)$ seen
#    characters when $D_k \le 1$: the first term sums to $1 - D_k N_{1+}(h\,\cdot)/c(h\,\cdot)$, and the
#    second adds $D_k N_{1+}(h\,\cdot)/c(h\,\cdot) \sum_w P_{k-1}(w \mid h') = D_k N_{1+}(h\,\cdot)/c(h\,\cdot)$.
#    With $D_k > 1$, counts of 1 are clipped at 0 and lose less than $D_k$, while the second term
#    still hands down $D_k$ for each of them: the sum exceeds 1 (section 3's example: 1.125).
# 3. The lower order only decides when the longer context is rare or new, so it should reflect how many
#    different contexts a character continues. In section 3, `h` occurs more often than `u` but
#    after fewer different characters; raw counts would favour `h` in a new context, continuation
#    counts favour `u`, which is seen after many more characters.
# 4. More contexts of each length would be seen often enough to be useful, so the validation curve
#    would keep falling to a higher order before levelling off (and the table would grow).
# 5. Because $D$ would then be fitted to the validation characters: the number would be optimistic, like
#    a training loss. Select on a development split, report on the held-out split once.
# 6. For example: the position in the line (a column counter), who is speaking (the name at the head
#    of the speech, many lines back), how far into the speech we are, and the similarity between
#    contexts such as `King` and `king`. (Tiny Shakespeare has no quotation marks or brackets,
#    notebook 10, so "is a quote open?" is not among them.)
# 7. At order 8 many validation contexts were seen only once or a few times, or never. The estimated
#    discounts are small at the top orders, so a context seen once keeps $1 - D$ for the one
#    character that followed it, more than that single observation deserves; section 5's table
#    shows the loss gap is largest per character in those rare groups (and positive where the
#    context was never seen), and those groups grow with the order. A larger $D$ hands an unreliable
#    long context's probability to the shorter ones, so the extra order costs almost nothing.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - S. F. Chen and J. Goodman, *An Empirical Study of Smoothing Techniques for Language Modeling*,
#   Technical Report TR-10-98, Harvard University, 1998: the comparison of smoothing methods, with
#   interpolated and modified Kneser-Ney and the discount estimate used here.
# - R. Kneser and H. Ney, *Improved backing-off for M-gram language modeling*, ICASSP 1995: where
#   continuation counts come from.
# - Y. Goldberg, *The unreasonable effectiveness of Character-level Language Models (and why RNNs are
#   still cool)*, 2015, <https://nbviewer.jupyter.org/gist/yoavg/d76121dfde2618422139>: written in
#   reply to Karpathy's RNN post, it showed that unsmoothed character n-grams already produce
#   convincing Shakespeare, and explained what the RNN does that they cannot (the historical origin of
#   the comparison in this notebook).
# - A. Karpathy, J. Johnson and L. Fei-Fei, *Visualizing and Understanding Recurrent Networks*, 2015,
#   <https://arxiv.org/abs/1506.02078>: character-level LSTMs against n-gram models on larger texts,
#   and interpretable cells that track the position in the line, quotes and brackets.

# %% [markdown] slideshow={"slide_type": "slide"}
# # 03 · Backpropagation through time
#
# **Goal.** Derive every line of min-char-rnn's backward pass, write it from scratch, and check
# each line with numbers that would come out wrong if the maths were wrong. By the end you can:
#
# - explain each of the nine lines of the backward loop, with the shape of every array;
# - say why `Why.T` and `Whh.T` appear, and why the two gradients that reach $h_t$ are *added*;
# - say what `dhnext` is, why it starts at zero, and what truncated BPTT throws away;
# - run a full gradient check, and watch it fail when `dhnext` is left out;
# - point at the two lines where gradients vanish.
#
# **Prerequisites.** Notebook 01 (the forward pass, one-hot inputs) and notebook 02 (softmax,
# cross-entropy and its gradient $p - \text{onehot}(r)$, with $r$ the target's index).
#
# **Time.** About 60 minutes to work through, without the sections marked *optional* (side roads: they
# add about 30 minutes), plus about 15 minutes for the exercise and 10 for the written question; the
# notebook runs in under 30 seconds.

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
# ## 1 · Recap: the forward pass
#
# A chunk of $T$ characters, a vocabulary of $V$ characters, $H$ hidden units. For
# $t = 0, 1, \dots, T-1$, starting from $h_{-1}$ = `hprev` (carried over from the previous chunk):
#
# $$
# \begin{aligned}
# a_t &= W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h && (H,1)\quad\text{pre-activation}\\
# h_t &= \tanh(a_t) && (H,1)\quad\text{hidden state}\\
# y_t &= W_{hy}\,h_t + b_y && (V,1)\quad\text{logits}\\
# p_t &= \operatorname{softmax}(y_t) && (V,1)\quad\text{next-character probabilities}\\
# L &= \textstyle\sum_{t=0}^{T-1} L_t, && L_t = -\ln p_t[r_t],\quad r_t = \texttt{targets[t]}
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "fragment"}
# | array | shape | | parameter | shape |
# |---|---|---|---|---|
# | $x_t$ (one-hot) | $(V,1)$ | | `Wxh` $=W_{xh}$ | $(H,V)$ |
# | $a_t$, $h_t$, `bh` | $(H,1)$ | | `Whh` $=W_{hh}$ | $(H,H)$ |
# | $y_t$, $p_t$, `by` | $(V,1)$ | | `Why` $=W_{hy}$ | $(V,H)$ |
#
# In the code every gradient `dX` means $\partial L/\partial X$ and has **the shape of `X`**.
# The gist calls $\partial L/\partial a_t$ `dhraw`: the gradient of the "raw" state before `tanh`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · A small model, and the forward pass from scratch
#
# The text `"hello world"` has $V = 8$ distinct characters. We use $H = 6$ hidden units and a
# chunk of $T = 6$ steps: inputs `"hello "`, targets (the next characters) `"ello w"`.
#
# - Weights have standard deviation 0.5, not the gist's 0.01. At 0.01 many gradient entries are so
#   small that the rounding error of the finite differences we check them with is no longer
#   negligible next to them: even the correct backward pass then fails this notebook's
#   $10^{-7}$ threshold (section 7 shows it).
# - `hprev` is random, not zero, so that its gradient is worth checking too.
# - Everything is float64: finite differences need the digits.

# %% slideshow={"slide_type": "fragment"}
SEED = 27
rng = np.random.default_rng(SEED)
text = "hello world"
vocab = rnn_lib.CharVocab.from_text(text)
V, H, T = len(vocab), 6, 6
ids = vocab.encode(text)
inputs, targets = ids[:T], ids[1:T + 1]
params = rnn_lib.init_params(V, H, rng, scale=0.5)  # Wxh, Whh, Why ~ N(0, 0.5^2); bh, by = 0
hprev = 0.5 * rng.standard_normal((H, 1))
print(f"V = {V}, H = {H}, T = {T}: inputs {vocab.decode(inputs)!r} -> targets {vocab.decode(targets)!r}")
for name, value in params.items():
    print(f"  {name:>3}  shape {str(value.shape):>7}  {value.dtype}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The forward pass, `chunk_forward` below (the `rnn_forward` of notebook 01's exercise), keeps what
# the backward pass will need, in dictionaries keyed by the step `t`, as the gist does: the one-hot
# inputs `xs`, the hidden states `hs` (with `hs[-1]` = `hprev`, so that step 0 can read $h_{t-1}$
# like every other step) and the probabilities `ps`.
#
# **Careful:** `hs[-1]` is `hprev` only because `hs` is a *dictionary* with a key $-1$. In an array,
# index $-1$ means the last element. `rnn_lib.forward` stores the states in an array,
# `cache["hs"]` of shape `(T+1, B, H)` ($B$ is the number of text streams run side by side, 1 here):
# there `cache["hs"][0]` is `hprev` and `cache["hs"][-1]` is the *last* state $h_{T-1}$.

# %% slideshow={"slide_type": "fragment"}
def chunk_forward(params, inputs, targets, hprev):
    """Loss and the per-step xs (V,1), hs (H,1), ps (V,1) of one chunk; hs[-1] is hprev."""
    Wxh, Whh, Why, bh, by = (params[k] for k in ("Wxh", "Whh", "Why", "bh", "by"))
    xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = np.zeros((Wxh.shape[1], 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        y = Why @ hs[t] + by
        e = np.exp(y - y.max())  # softmax is unchanged by the shift; exp cannot overflow
        ps[t] = e / e.sum()
        loss += -np.log(ps[t][targets[t], 0])
    return float(loss), xs, hs, ps


loss, xs, hs, ps = chunk_forward(params, inputs, targets, hprev)
assert all(abs(ps[t].sum() - 1) < 1e-12 for t in range(T)) and hs[T - 1].shape == (H, 1)
print(f"loss L = {loss:.4f} nats over {T} steps "
      f"(a uniform guess would score T ln V = {T * np.log(V):.4f})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The unrolled graph: where the gradient flows
#
# Unrolled over the chunk, the RNN is an ordinary feed-forward graph that reuses **the same
# weights** at every step. In red, the gradient: each loss $L_t$ sends it down to $y_t$ and on
# to $h_t$; from $h_t$ it continues left along the chain of hidden states. That leftward arrow
# is `dhnext`.

# %% slideshow={"slide_type": "fragment"}
from rnn_notebook.plotting import plot_unrolled_rnn

_ = plot_unrolled_rnn(4)

# %% [markdown] slideshow={"slide_type": "notes"}
# Look at the two ends of the red chain. On the right, nothing comes back into $h_{T-1}$:
# the next chunk is not part of this loss, so `dhnext` starts at zero. On the left, the
# gradient reaching `hprev` is computed but thrown away: the previous chunk's backward pass has
# already finished. That cut is what *truncated* BPTT means (section 5 measures what it throws away).

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## 4 · The backward pass, line by line
#
# One loop over the steps in reverse, $t = T-1, \dots, 0$. The gist's loop has nine lines, which we call
# L1 to L9:
#
# | line | computes | shape |
# |---|---|---|
# | L1 | `dy` $= \partial L_t/\partial y_t$, the gradient into the logits | $(V,1)$ |
# | L2, L3 | step $t$'s share of `dWhy` and `dby` | $(V,H)$, $(V,1)$ |
# | L4 | `dh` $= \partial L/\partial h_t$, from $y_t$ and from step $t+1$ | $(H,1)$ |
# | L5 | `dhraw` $= \partial L/\partial a_t$, through tanh | $(H,1)$ |
# | L6, L7, L8 | step $t$'s share of `dbh`, `dWxh` and `dWhh` | $(H,1)$, $(H,V)$, $(H,H)$ |
# | L9 | `dhnext`, the gradient for $h_{t-1}$, used by the next iteration | $(H,1)$ |
#
# We derive them one at a time and check each against **centred differences**.

# %% [markdown] slideshow={"slide_type": "slide"} tags=["homework-only"]
# ## 4 · The backward pass, line by line
#
# One loop over the steps in reverse, $t = T-1, \dots, 0$. The gist's loop has nine lines, which we call
# L1 to L9:
#
# | line | computes | shape |
# |---|---|---|
# | L1 | `dy` $= \partial L_t/\partial y_t$, the gradient into the logits | $(V,1)$ |
# | L2, L3 | step $t$'s share of `dWhy` and `dby` | $(V,H)$, $(V,1)$ |
# | L4 | `dh` $= \partial L/\partial h_t$, from $y_t$ and from step $t+1$ | $(H,1)$ |
# | L5 | `dhraw` $= \partial L/\partial a_t$, through tanh | $(H,1)$ |
# | L6, L7, L8 | step $t$'s share of `dbh`, `dWxh` and `dWhh` | $(H,1)$, $(H,V)$, $(H,H)$ |
# | L9 | `dhnext`, the gradient for $h_{t-1}$, used by the next iteration | $(H,1)$ |
#
# We derive them one at a time; section 5 asks you to put them together in code. Two tools,
# centred differences and `loss_nudged` (under L4), let you check each line as you write it.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# Written with `@`, the gist's lines are:
#
# ```python
# dy = ps[t].copy(); dy[targets[t]] -= 1      # L1  into the logits y_t
# dWhy += dy @ hs[t].T                        # L2
# dby += dy                                   # L3
# dh = Why.T @ dy + dhnext                    # L4  into h_t, from y_t and from step t+1
# dhraw = (1 - hs[t] * hs[t]) * dh            # L5  through tanh, into a_t
# dbh += dhraw                                # L6
# dWxh += dhraw @ xs[t].T                     # L7
# dWhh += dhraw @ hs[t - 1].T                 # L8
# dhnext = Whh.T @ dhraw                      # L9  into h_{t-1}, for the next iteration
# ```

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The checking tool: centred differences
#
# For a scalar function $f$ and each entry $w$ of an array,
# $\partial f/\partial w \approx \big(f(w+\varepsilon) - f(w-\varepsilon)\big)/2\varepsilon$,
# with an error of order $\varepsilon^2$ from the formula, plus the rounding error of the two values
# of $f$ divided by $2\varepsilon$. With $\varepsilon = 10^{-5}$ in float64 both are about
# $10^{-10}$ here, so in this section **an analytic gradient is right when it agrees with the
# numerical one to better than $10^{-8}$** (largest absolute difference), and wrong if it misses by more.

# %% slideshow={"slide_type": "fragment"}
def numerical_gradient(f, x, eps=1e-5):
    """Centred differences of the scalar function f at the array x, one entry at a time."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def loss_as_function_of(name):
    """The chunk's loss L as a function of one parameter array, the others fixed."""
    return lambda value: chunk_forward({**params, name: value}, inputs, targets, hprev)[0]


def max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ### L1 · Into the logits: `dy`
#
# From notebook 02: for $L_t = -\ln \operatorname{softmax}(y_t)[r]$ with $r$ = `targets[t]`,
#
# $$\frac{\partial L_t}{\partial y_t} = p_t - \text{onehot}(r) \qquad (V,1)$$
#
# so `dy` is $p_t$ with 1 subtracted at the target. $y_t$ feeds only $L_t$, so no other loss term
# contributes. The checks below use the softmax of notebook 02:

# %% [markdown] slideshow={"slide_type": "slide"} tags=["homework-only"]
# ### L1 · Into the logits: `dy`
#
# From notebook 02: for $L_t = -\ln \operatorname{softmax}(y_t)[r]$ with $r$ = `targets[t]`,
#
# $$\frac{\partial L_t}{\partial y_t} = p_t - \text{onehot}(r) \qquad (V,1)$$
#
# so `dy` is $p_t$ with 1 subtracted at the target. $y_t$ feeds only $L_t$, so no other loss term
# contributes. `loss_nudged` (under L4) computes the loss
# with the softmax of notebook 02:

# %% slideshow={"slide_type": "fragment"}
def softmax(y):
    """Softmax of a logit column (V,1), shifted by its maximum as in notebook 02."""
    e = np.exp(y - y.max())
    return e / e.sum()

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# **Expected:** the same vector as centred differences of $L_t = -\ln \operatorname{softmax}(y_t)[r]$
# with respect to $y_t$ (at $t = 2$), to $10^{-8}$.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
t = 2
y_t = params["Why"] @ hs[t] + params["by"]
dy = ps[t].copy()
dy[targets[t]] -= 1
dy_num = numerical_gradient(lambda y: -np.log(softmax(y)[targets[t], 0]), y_t)
print("p_t - onehot(r):", dy.ravel())
print("numerical:      ", dy_num.ravel())
assert max_diff(dy, dy_num) < 1e-8

# %% [markdown] slideshow={"slide_type": "slide"}
# ### L2, L3 · The output layer: `dWhy` and `dby`
#
# Entry by entry, for every row $k$ (one per character), $y_t[k] = \sum_j W_{hy}[k,j]\,h_t[j] + b_y[k]$, so
#
# $$\frac{\partial L_t}{\partial W_{hy}[k,j]} = \texttt{dy}[k]\;h_t[j]
# \quad\Longrightarrow\quad \frac{\partial L_t}{\partial W_{hy}} = \texttt{dy}\;h_t^\top
# \quad (V,1)(1,H) = (V,H), \qquad \frac{\partial L_t}{\partial b_y} = \texttt{dy}.$$
#
# An outer product, with the shape of `Why`. The **same** `Why` is used at every step, and $L$
# is the sum of the $L_t$, so its gradient is the sum over steps: hence `+=`.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# **Expected:** the sum over all $T$ steps matches centred differences of the whole loss $L$ to
# $10^{-8}$; keeping only one step (writing `=` instead of `+=`) misses by far more.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
dWhy, dby = np.zeros_like(params["Why"]), np.zeros_like(params["by"])
for t in reversed(range(T)):
    dy = ps[t].copy()
    dy[targets[t]] -= 1
    dWhy += dy @ hs[t].T
    dby += dy
only_step_0 = dy @ hs[0].T  # what `dWhy = ...` would leave after the loop
dWhy_num = numerical_gradient(loss_as_function_of("Why"), params["Why"])
dby_num = numerical_gradient(loss_as_function_of("by"), params["by"])
print(f"dWhy: sum over steps within 1e-8 of numerical: {max_diff(dWhy, dWhy_num) < 1e-8}")
print(f"dby:  sum over steps within 1e-8 of numerical: {max_diff(dby, dby_num) < 1e-8}")
print(f"dWhy from step 0 only misses by up to {max_diff(only_step_0, dWhy_num):.4f}")
assert max_diff(dWhy, dWhy_num) < 1e-8 and max_diff(dby, dby_num) < 1e-8
assert max_diff(only_step_0, dWhy_num) > 1e-2

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# How far inside $10^{-8}$? The differences themselves are rounding-level numbers: their digits vary
# from machine to machine, while the bound holds on every one.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
# NBVAL_IGNORE_OUTPUT
# (why: differences of ~1e-10 come from rounding; their digits vary between CPUs and numpy builds)
print(f"largest |analytic - numerical|: dWhy {max_diff(dWhy, dWhy_num):.0e}, dby {max_diff(dby, dby_num):.0e}")
assert max(max_diff(dWhy, dWhy_num), max_diff(dby, dby_num)) < 1e-8

# %% [markdown] slideshow={"slide_type": "slide"}
# ### L4 · Into the hidden state: why the transpose $W_{hy}^\top$?
#
# $h_t[j]$ influences **every** logit $y_t[k]$, through the weight $W_{hy}[k,j]$. The chain rule
# sums over all of them:
#
# $$\frac{\partial L_t}{\partial h_t[j]} = \sum_{k=0}^{V-1} \frac{\partial L_t}{\partial y_t[k]}\,
# \frac{\partial y_t[k]}{\partial h_t[j]} = \sum_{k} \texttt{dy}[k]\,W_{hy}[k,j]
# = \big(W_{hy}^\top\,\texttt{dy}\big)[j].$$
#
# The sum runs down **column** $j$ of $W_{hy}$: that is row $j$ of $W_{hy}^\top$. The shapes
# agree: `Why` is $(V,H)$ and `dy` is $(V,1)$; only $(H,V)\,(V,1)$ gives the $(H,1)$ that `dh`
# must be.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# **Expected:** the double loop over $j$ and $k$ equals `Why.T @ dy` (to $10^{-12}$); `Why @ dy` does
# not even run.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
t = T - 1
dy = ps[t].copy()
dy[targets[t]] -= 1
Why = params["Why"]
dh_loop = np.zeros((H, 1))
for j in range(H):
    for k in range(V):
        dh_loop[j] += dy[k] * Why[k, j]
print("double loop :", dh_loop.ravel())
print("Why.T @ dy  :", (Why.T @ dy).ravel())
assert max_diff(dh_loop, Why.T @ dy) < 1e-12
try:
    Why @ dy
except ValueError:
    print(f"Why @ dy fails: shapes {Why.shape} and {dy.shape} do not chain")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### L4 continued: why `+ dhnext`? The two branches of $h_t$ add
#
# $h_t$ is used **twice**: by $y_t$ (the output) and by $a_{t+1}$ (the next step). The
# multivariable chain rule sums over every path from $h_t$ to $L$:
#
# $$\frac{\partial L}{\partial h_t} =
# \underbrace{W_{hy}^\top\,\frac{\partial L}{\partial y_t}}_{\text{via } y_t:\ \texttt{Why.T @ dy}}
# \;+\; \underbrace{\Big(\frac{\partial a_{t+1}}{\partial h_t}\Big)^{\!\top}
# \frac{\partial L}{\partial a_{t+1}}}_{\text{via } h_{t+1}:\ \texttt{dhnext}}$$
#
# To *see* the two paths, give $h_t$ two separate copies in a forward pass, one feeding $y_t$ and
# one feeding step $t+1$, and nudge each on its own. The function below can also nudge $a_t$, and
# (for L7 and L8) give step $s$ its own copies of `Wxh` and `Whh` to nudge.

# %% slideshow={"slide_type": "fragment"}
def loss_nudged(s, pre=0.0, out=0.0, nxt=0.0, wxh=0.0, whh=0.0):
    """L with step s nudged: `pre` added to a_s, `out` to the copy of h_s feeding y_s,
    `nxt` to the copy of h_s feeding step s+1 (each an (H,1) array, or 0); `wxh` (H,V) and
    `whh` (H,H) added to the copies of Wxh and Whh that step s uses (the other steps keep theirs)."""
    Wxh, Whh, Why, bh, by = (params[k] for k in ("Wxh", "Whh", "Why", "bh", "by"))
    h, total = hprev, 0.0
    for t in range(T):
        if t == s:
            h = np.tanh((Wxh + wxh) @ xs[t] + (Whh + whh) @ h + bh + pre)
            y = Why @ (h + out) + by
        else:
            h = np.tanh(Wxh @ xs[t] + Whh @ h + bh)
            y = Why @ h + by
        total += -np.log(softmax(y)[targets[t], 0])
        h = h + nxt if t == s else h
    return float(total)


zero = np.zeros((H, 1))  # "no nudge" for an (H,1) argument of loss_nudged


print(f"no nudge gives the loss of chunk_forward to 1e-12: {abs(loss_nudged(0) - loss) < 1e-12}")
assert abs(loss_nudged(0) - loss) < 1e-12  # with no nudge it is the same loss as chunk_forward

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["homework-only"]
# **Check your lines with it.** For a step `t` of the exercise (section 5), each of these numerical
# gradients is what one of your arrays must equal, to $10^{-8}$ (`max_diff`); print yours from inside
# the loop, or from the `trace` your function returns:
#
# - `numerical_gradient(lambda d: loss_nudged(t, out=d, nxt=d), zero)`: nudging both copies nudges
#   $h_t$ itself, so this is the whole `dh` of step `t` (L4); with `out=d` alone, the path through
#   $y_t$; with `nxt=d` alone, the `dhnext` that arrives at step `t` from step `t + 1`;
# - `numerical_gradient(lambda d: loss_nudged(t, pre=d), zero)`: `dhraw` of step `t` (L5);
# - `numerical_gradient(lambda d: loss_nudged(t, wxh=d), np.zeros_like(params["Wxh"]))`, and the same
#   with `whh=d` and `params["Whh"]`: step `t`'s shares of `dWxh` and `dWhh` (L7, L8);
# - `numerical_gradient(lambda d: loss_nudged(t - 1, nxt=d), zero)`: the `dhnext` that step `t` must
#   hand on to step `t - 1` (L9; for `t = 0` it is $\partial L/\partial$`hprev`, checked differently:
#   nudge `hprev` in `chunk_forward`).
#
# Start at the last step, `t = T - 1`, where nothing comes from the future.

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# At step $t = 2$ we measure three numerical gradients with respect to $h_2$: through $y_2$ only,
# through $h_3$ only, and through both (nudging both copies together, which is nudging $h_2$
# itself). **Expected:** the first equals `Why.T @ dy` (to $10^{-8}$), the path through $h_3$ is
# not small, and *both* equals the **sum** of the two paths (to $10^{-8}$).

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
t = 2
dy = ps[t].copy()
dy[targets[t]] -= 1
via_y = numerical_gradient(lambda d: loss_nudged(t, out=d), zero)
via_next = numerical_gradient(lambda d: loss_nudged(t, nxt=d), zero)
via_both = numerical_gradient(lambda d: loss_nudged(t, out=d, nxt=d), zero)
print("via y_2 only    :", via_y.ravel())
print("Why.T @ dy      :", (Why.T @ dy).ravel())
print("via h_3 only    :", via_next.ravel())
print("both (nudge h_2):", via_both.ravel())
print("sum of the paths:", (via_y + via_next).ravel())
assert max_diff(via_y, Why.T @ dy) < 1e-8 and max_diff(via_both, via_y + via_next) < 1e-8
assert np.linalg.norm(via_next) > 0.1 * np.linalg.norm(via_y)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### L5 · Through tanh: $\tanh'(a) = 1 - \tanh^2(a)$
#
# With $\tanh = \sinh/\cosh$ and the quotient rule,
# $\tanh'(a) = \dfrac{\cosh^2 a - \sinh^2 a}{\cosh^2 a} = 1 - \tanh^2 a.$
# Since $h_t = \tanh(a_t)$ is already stored, the derivative costs nothing: `1 - hs[t]**2`.
#
# Where $|a|$ is large, $h$ is close to $\pm 1$ and the derivative is close to 0: the unit is
# **saturated**, and almost no gradient gets through it. **Expected:** `1 - tanh(a)**2` matches
# centred differences of `tanh` on a grid to $10^{-8}$. The figure shades $|a| > 2$, where the
# slope is below $1 - \tanh^2(2)$ (its value is in the label).

# %% slideshow={"slide_type": "fragment"}
a = np.linspace(-4, 4, 401)
slope_num = (np.tanh(a + 1e-5) - np.tanh(a - 1e-5)) / 2e-5
assert max_diff(1 - np.tanh(a) ** 2, slope_num) < 1e-8
fig, ax = plt.subplots(figsize=(9, 4.5))
_ = ax.plot(a, np.tanh(a), label=r"$\tanh(a)$")
_ = ax.plot(a, 1 - np.tanh(a) ** 2, label=r"$\tanh'(a) = 1 - \tanh^2(a)$")
slope_at_2 = 1 - np.tanh(2.0) ** 2  # the largest slope in the shaded region |a| > 2
for side in (-1, 1):
    _ = ax.axvspan(2 * side, 4 * side, color="0.85", zorder=0)
    _ = ax.text(3 * side, 0.45, f"saturated:\n$\\tanh' < {slope_at_2:.3f}$", ha="center", fontsize=13)
_ = ax.set(xlabel="pre-activation $a$", ylabel="value", xlim=(-4, 4), title="tanh and its derivative")
_ = ax.legend(loc="lower right")

# %% [markdown] slideshow={"slide_type": "subslide"}
# How much of the gradient passes a unit, for a few values of $h$? **Expected:**
# $1 - h^2$ = 0.99, 0.19 and about 0.002. And in our chunk, with weights 0.5, most units are far from
# saturation: the median slope over all units and steps is above 0.3 (on some draws a unit or two is
# saturated, $|a| > 2$; the cell counts them).

# %% slideshow={"slide_type": "fragment"}
for h in (0.1, 0.9, 0.999):
    print(f"h = {h:<5}  tanh' = 1 - h^2 = {1 - h * h:.6f}  ({100 * (1 - h * h):5.1f} % of the gradient passes)")
slopes = np.concatenate([1 - hs[t] ** 2 for t in range(T)]).ravel()  # tanh' of every unit at every step
saturated = int(np.sum(slopes < slope_at_2))  # |a| > 2: the shaded region of the figure
print(f"our chunk: tanh' from {slopes.min():.3f} to {slopes.max():.3f} over its {slopes.size} units x steps,")
print(f"median {np.median(slopes):.3f}; saturated (|a| > 2): {saturated}")
assert np.median(slopes) > 0.3

# %% [markdown] slideshow={"slide_type": "slide"}
# ### L5, L6 · Through tanh: `dhraw`, and `dbh`
#
# `tanh` acts on each unit separately: $h_t[i]$ depends on $a_t[i]$ only. The **Jacobian**
# $\partial h_t/\partial a_t$, the $(H, H)$ matrix of all the partial derivatives
# $\partial h_t[i]/\partial a_t[j]$, is therefore diagonal, $\operatorname{diag}(1 - h_t^2)$, and
# multiplying by a diagonal matrix is an **elementwise** product:
#
# $$\texttt{dhraw} = \frac{\partial L}{\partial a_t} = (1 - h_t^2) \odot \frac{\partial L}{\partial h_t} \qquad (H,1).$$
#
# The bias enters $a_t$ with derivative 1, and is shared by all steps:
# $\partial L/\partial b_h = \sum_t \partial L/\partial a_t$.

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# A check by nudging $a_t$ directly. **Expected:** at the last step, $t = T-1$, where nothing
# comes from the future, `(1 - h**2) * (Why.T @ dy)` matches the numerical $\partial L/\partial a_t$
# to $10^{-8}$. One step earlier the same formula **misses**: something is missing (`dhnext`).

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
for t in (T - 1, T - 2):
    dy = ps[t].copy()
    dy[targets[t]] -= 1
    dhraw_local = (1 - hs[t] ** 2) * (Why.T @ dy)
    dhraw_num = numerical_gradient(lambda d: loss_nudged(t, pre=d), zero)
    miss = max_diff(dhraw_local, dhraw_num)
    verdict = "agrees to 1e-8" if miss < 1e-8 else f"misses by {miss:.4f}"
    print(f"t = {t}: (1 - h^2) * (Why.T @ dy) vs the numerical dL/da_t: {verdict}")
    if t == T - 1:
        assert max_diff(dhraw_local, dhraw_num) < 1e-8
    else:
        assert max_diff(dhraw_local, dhraw_num) > 1e-3

# %% [markdown] slideshow={"slide_type": "slide"}
# ### L7 · `dWxh`: only one column changes
#
# $a_t[i] = \sum_v W_{xh}[i,v]\,x_t[v] + \dots$, so $\partial L/\partial W_{xh}[i,v]$ gets
# $\texttt{dhraw}[i]\,x_t[v]$: the outer product $\texttt{dhraw}\,x_t^\top$, $(H,1)(1,V) = (H,V)$.
# Because $x_t$ is one-hot, with its 1 at $c$ = `inputs[t]`, this matrix is zero except in
# **column $c$**, which equals `dhraw`: only the input character's column of `Wxh` was used,
# so only it gets a gradient.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# **Expected:** at the last step, exactly one non-zero column, equal to `dhraw`.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
t = T - 1
dy = ps[t].copy()
dy[targets[t]] -= 1
dhraw = (1 - hs[t] ** 2) * (Why.T @ dy)
contribution = dhraw @ xs[t].T
nonzero = [vocab.chars[v] for v in range(V) if np.any(contribution[:, v] != 0)]
print(f"step {t}, input {vocab.chars[inputs[t]]!r}: non-zero columns of dhraw @ xs[t].T: {nonzero}")
print(contribution + 0.0)  # + 0.0 prints a -0.0 (a negative number times 0) as 0.
assert nonzero == [vocab.chars[inputs[t]]] and np.array_equal(contribution[:, [inputs[t]]], dhraw)

# %% [markdown] slideshow={"slide_type": "notes"}
# A consequence worth saying aloud: characters that do not occur among the chunk's inputs
# (here `d`, `r` and `w`) get an all-zero column in `dWxh`. Libraries exploit this by storing
# `Wxh` as an embedding table and updating only the rows they looked up.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### L8 · `dWhh`
#
# The same pattern as `Why`: $a_t[i] = \sum_j W_{hh}[i,j]\,h_{t-1}[j] + \dots$, so the step's
# contribution is the outer product $\texttt{dhraw}\;h_{t-1}^\top$, $(H,1)(1,H) = (H,H)$, and
# `Whh` is shared by all steps, so contributions add up. At $t = 0$ the previous state is
# `hprev`: that is why the forward pass stores it as `hs[-1]`.

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# ### L7 and L8, checked one step at a time
#
# `Wxh` and `Whh` are used at every step, so nudging them changes all $T$ steps at once. To check
# one step's contribution on its own, `loss_nudged` gives step $t$ private copies of the two
# matrices and nudges only those. **Expected:** at $t = T-1$, where `dhraw` is exact, the numerical
# gradient through that step's copy of `Wxh` equals `dhraw @ xs[t].T`, and through its copy of
# `Whh` equals `dhraw @ hs[t - 1].T` (both to $10^{-8}$); with the state of the wrong step,
# `dhraw @ hs[t].T`, it misses by more than $10^{-3}$.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
# NBVAL_IGNORE_OUTPUT
# (why: differences of ~1e-10 come from rounding; their digits vary between CPUs and numpy builds)
t = T - 1
dy = ps[t].copy()
dy[targets[t]] -= 1
dhraw = (1 - hs[t] ** 2) * (Why.T @ dy)  # exact at the last step (checked under L5)
dWxh_step = numerical_gradient(lambda d: loss_nudged(t, wxh=d), np.zeros_like(params["Wxh"]))
dWhh_step = numerical_gradient(lambda d: loss_nudged(t, whh=d), np.zeros_like(params["Whh"]))
print(f"L7 at t = {t}: largest |dhraw @ xs[t].T - numerical|     = {max_diff(dhraw @ xs[t].T, dWxh_step):.0e}")
print(f"L8 at t = {t}: largest |dhraw @ hs[t-1].T - numerical|   = {max_diff(dhraw @ hs[t - 1].T, dWhh_step):.0e}")
print(f"with hs[t] instead of hs[t-1]: largest difference     = {max_diff(dhraw @ hs[t].T, dWhh_step):.2f}")
assert max_diff(dhraw @ xs[t].T, dWxh_step) < 1e-8 and max_diff(dhraw @ hs[t - 1].T, dWhh_step) < 1e-8
assert max_diff(dhraw @ hs[t].T, dWhh_step) > 1e-3

# %% [markdown] slideshow={"slide_type": "slide"}
# ### L9 · `dhnext`: why the transpose $W_{hh}^\top$?
#
# $a_t$ depends on $h_{t-1}$ through $W_{hh}$; each $h_{t-1}[j]$ reaches **every** $a_t[i]$:
#
# $$\frac{\partial L}{\partial h_{t-1}[j]}\Big|_{\text{via } a_t} = \sum_{i=0}^{H-1}
# \texttt{dhraw}[i]\;W_{hh}[i,j] = \big(W_{hh}^\top\,\texttt{dhraw}\big)[j].$$
#
# The same reasoning as `Why.T @ dy`, with one trap: `Whh` is **square**, so `Whh @ dhraw` runs
# too and returns an array of the right shape. The shapes cannot catch the mistake; only the
# numbers can.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# **Expected:** at $t = T-1$, `Whh.T @ dhraw` equals the numerical gradient through the copy of
# $h_{T-2}$ that feeds step $T-1$ (to $10^{-8}$); `Whh @ dhraw` does not.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
Whh, t = params["Whh"], T - 1
dy = ps[t].copy()
dy[targets[t]] -= 1
dhraw = (1 - hs[t] ** 2) * (Why.T @ dy)  # exact at the last step (checked above)
via_next = numerical_gradient(lambda d: loss_nudged(t - 1, nxt=d), zero)
print("numerical   :", via_next.ravel())
print("Whh.T @ dhraw:", (Whh.T @ dhraw).ravel())
print("Whh @ dhraw  :", (Whh @ dhraw).ravel())
assert max_diff(Whh.T @ dhraw, via_next) < 1e-8 and max_diff(Whh @ dhraw, via_next) > 1e-3

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · The whole backward pass, from scratch
#
# ### Exercise · `rnn_backward` (4 points)
#
# Put the nine lines L1–L9 of section 4 together, in one loop over the steps in reverse,
# $t = T-1, \dots, 0$. `rnn_backward(params, targets, xs, hs, ps)` receives the parameters and what
# the forward pass kept: `xs[t]` $(V,1)$, `hs[t]` $(H,1)$ with `hs[-1]` = `hprev`, and `ps[t]` $(V,1)$.
# The code around the gap is written for you. Inside the loop, your lines must:
#
# - add the step's contribution to `grads["Wxh"]`, `grads["Whh"]`, `grads["Why"]`, `grads["bh"]` and
#   `grads["by"]` (they start at zero and have the shapes of the parameters);
# - compute `dh` $= \partial L/\partial h_t$ and end with the new `dhnext`, the gradient for
#   $h_{t-1}$: after the last iteration it is $\partial L/\partial h_{-1}$, the gradient for `hprev`;
# - keep these four names, `dy`, `dh`, `dhraw`, `dhnext`: the lines after yours record `dh` and the
#   arriving `dhnext` in a `trace` for the checks and plots that follow (and `keep_dhnext=False` is
#   the broken version of section 7);
# - leave the inputs unchanged: `dy = ps[t]` without `.copy()` would change `ps[t]`.
#
# Use numpy only, not `rnn_lib`: the grader switches the library off while your function runs.

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": false, "grade_id": "rnn_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rnn_backward(params, targets, xs, hs, ps, keep_dhnext=True):
    """Backpropagation through time over one chunk: the gist's backward loop.

    Parameters
    ----------
    params : dict
        ``Wxh`` (H, V), ``Whh`` (H, H), ``Why`` (V, H), ``bh`` (H, 1), ``by`` (V, 1).
    targets : sequence of T ints
    xs, hs, ps : dicts keyed by t
        What ``chunk_forward`` kept: one-hot inputs (V, 1), states (H, 1) with ``hs[-1]`` = hprev,
        probabilities (V, 1).
    keep_dhnext : bool
        False sets dhnext to zero at every step (the broken version of section 7).

    Returns
    -------
    grads : dict keyed like params, each gradient with its parameter's shape
    dhnext : array (H, 1), after the loop dL/dhprev
    trace : dict with "dh" and "dhnext", each a dict keyed by t of (H, 1) arrays
    """
    Whh, Why = params["Whh"], params["Why"]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext = np.zeros_like(hs[0])  # nothing comes back from beyond the chunk
    trace = {"dh": {}, "dhnext": {}}
    for t in reversed(range(len(targets))):
        if not keep_dhnext:
            dhnext = np.zeros_like(dhnext)
        trace["dhnext"][t] = dhnext  # the gradient arriving at h_t from step t+1
        ### BEGIN SOLUTION
        dy = ps[t].copy()
        dy[targets[t]] -= 1
        grads["Why"] += dy @ hs[t].T
        grads["by"] += dy
        dh = Why.T @ dy + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        grads["bh"] += dhraw
        grads["Wxh"] += dhraw @ xs[t].T
        grads["Whh"] += dhraw @ hs[t - 1].T
        dhnext = Whh.T @ dhraw
        ### END SOLUTION
        trace["dh"][t] = dh
    return grads, dhnext, trace

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Testing `rnn_backward`
#
# Three test cells, one per part. Each runs your function on the model of section 2 and compares its
# gradients with centred differences of `chunk_forward`'s loss (`checks.expect_gradient`: every entry's
# relative error $|a - n| / (|a| + |n|)$ must be below $10^{-6}$; a right gradient is near $10^{-9}$,
# a wrong line near 1). If a part fails, its message names the array and what to look at.
#
# 1. **The output layer** (1 point): `grads["Why"]` and `grads["by"]` (L1 to L3), and `ps` unchanged.
# 2. **The hidden layer** (2 points): `grads["Wxh"]`, `grads["Whh"]` and `grads["bh"]` (L4 to L8).
# 3. **$\partial L/\partial$`hprev`** (1 point): the `dhnext` returned after the loop (L9, every step).
#
# The grader runs the same three parts again on other random models, sizes and chunk lengths.

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_rnn_backward_output", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_rnn_backward

for seed in (1, 2, 3):
    check_rnn_backward(rnn_backward, seed=seed, part="output")
check_rnn_backward(rnn_backward, seed=4, T=1, part="output")  # a single step
check_rnn_backward(rnn_backward, seed=5, V=3, H=7, T=9, part="output")  # inputs repeat
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("rnn_backward", "the output layer"):
    _, test_xs, test_hs, test_ps = chunk_forward(params, inputs, targets, hprev)
    given_ps = {t: p.copy() for t, p in test_ps.items()}
    test_grads = rnn_backward(params, targets, test_xs, test_hs, given_ps)[0]
    for t in range(T):
        checks.expect_unchanged(test_ps[t], given_ps[t], f"ps[{t}]")
    for name in ("Why", "by"):
        checks.expect_gradient(test_grads[name], loss_as_function_of(name), params[name].copy(),
                               f"grads[{name!r}]", hint="dy = p_t - onehot(target) (L1); Why and by serve every "
                               "step, so their gradients add up the steps' contributions (+=)")

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_rnn_backward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_rnn_backward

for seed in (1, 2, 3):
    check_rnn_backward(rnn_backward, seed=seed, part="hidden")
check_rnn_backward(rnn_backward, seed=4, T=1, part="hidden")  # a single step: dhnext stays zero
check_rnn_backward(rnn_backward, seed=5, V=3, H=7, T=9, part="hidden")
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("rnn_backward", "the hidden layer"):
    _, test_xs, test_hs, test_ps = chunk_forward(params, inputs, targets, hprev)
    test_grads = rnn_backward(params, targets, test_xs, test_hs, test_ps)[0]
    through = ("if dL/dhprev (the next test cell) fails too, look first at L9: dhnext = (the transpose "
               "of Whh) @ dhraw; Whh is square, so a missing .T runs but is wrong. Otherwise: h_t also "
               "feeds step t+1, so dh = (the part from y_t) + dhnext (L4); then dhraw = (1 - h_t^2) * dh, "
               "with the state of the same step (L5); += over the steps")
    hints = {"bh": through, "Wxh": through,
             "Whh": "bh is right, so look at L8: Whh multiplies the previous state, so its share is "
             "dhraw times h_{t-1} transposed"}
    for name in ("bh", "Wxh", "Whh"):
        checks.expect_gradient(test_grads[name], loss_as_function_of(name), params[name].copy(),
                               f"grads[{name!r}]", hint=hints[name])

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_rnn_backward_dhprev", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_rnn_backward

for seed in (1, 2, 3):
    check_rnn_backward(rnn_backward, seed=seed, part="dhprev")
check_rnn_backward(rnn_backward, seed=4, T=1, part="dhprev")
check_rnn_backward(rnn_backward, seed=5, V=3, H=7, T=9, part="dhprev")
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("rnn_backward", "dL/dhprev"):
    _, test_xs, test_hs, test_ps = chunk_forward(params, inputs, targets, hprev)
    test_dhprev = rnn_backward(params, targets, test_xs, test_hs, test_ps)[1]
    checks.expect_gradient(test_dhprev, lambda h: chunk_forward(params, inputs, targets, h)[0], hprev.copy(),
                           "dhprev (the dhnext after the loop)",
                           hint="each step ends with dhnext = (the transpose of Whh) @ dhraw (L9): the "
                           "gradient for h_{t-1}, which the next iteration adds to its dh")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The gradients of our chunk, and the trace of `dh` and `dhnext` that the next sections read:

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
grads, dhprev, trace = rnn_backward(params, targets, xs, hs, ps)
print({k: g.shape for k, g in grads.items()}, "dhprev:", dhprev.shape)
assert all(grads[k].shape == params[k].shape for k in params)

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# ### Optional: watch the loop run, one line at a time
#
# *A side road: skip to "What does `dhnext` mean?" on a first reading.*
#
# On our chunk the loop runs its nine lines $T = 6$ times: 54 lines in all. `backward_stages` below
# runs the same loop as `rnn_backward`, but stops after every line and keeps a snapshot, a **stage**:
# the step $t$, the line, the vectors that line reads or writes, and a copy of the five gradients
# accumulated so far. A slider further down shows the stages one by one.
#
# **Expected:** 54 stages; at every L7, the step's share of `dWxh` is zero except in the input
# character's column; after the last stage the accumulated gradients are exactly those of
# `rnn_backward`, they agree with `rnn_lib.loss_and_grads` to $10^{-12}$, and the last `dhnext` is
# $\partial L/\partial$`hprev`.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
GIST_LINES = [
    "dy = ps[t].copy(); dy[targets[t]] -= 1",
    "dWhy += dy @ hs[t].T",
    "dby += dy",
    "dh = Why.T @ dy + dhnext",
    "dhraw = (1 - hs[t] * hs[t]) * dh",
    "dbh += dhraw",
    "dWxh += dhraw @ xs[t].T",
    "dWhh += dhraw @ hs[t - 1].T",
    "dhnext = Whh.T @ dhraw",
]
LINE_NOTES = [
    "the gradient into the logits: p_t with 1 subtracted at the target",
    "step t's share of dWhy, the outer product of dy and h_t, joins the sum",
    "step t's share of dby is dy itself",
    "the two branches of h_t add: from y_t, and dhnext from step t+1",
    "through tanh: each entry of dh times its slope 1 - h_t^2",
    "step t's share of dbh is dhraw itself",
    "step t's share of dWxh: only the input character's column",
    "step t's share of dWhh: dhraw times the previous state (hprev at t = 0)",
    "the gradient handed back to h_{t-1}, for the next iteration",
]


def backward_stages(params, targets, xs, hs, ps):
    """rnn_backward's loop, one line at a time: a list of 9 T stages (dicts), one after each line,
    with the vectors the line involves ({label: ("V" or "H", array)}) and the gradients so far."""
    Whh, Why = params["Whh"], params["Why"]
    acc = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext = np.zeros_like(hs[0])
    stages = []

    def keep(t, line, vectors, changed=None, contribution=None):
        if changed is not None:
            acc[changed] += contribution
        stages.append({"t": t, "line": line, "input": vocab.chars[inputs_of[t]],
                       "target": vocab.chars[targets[t]], "note": LINE_NOTES[line], "vectors": vectors,
                       "grads": {k: g.copy() for k, g in acc.items()}, "changed": changed,
                       "contribution": contribution})

    inputs_of = {t: int(np.argmax(xs[t])) for t in xs}
    for t in reversed(range(len(targets))):
        dy = ps[t].copy()
        dy[targets[t]] -= 1
        onehot = np.eye(len(dy))[:, [targets[t]]]
        keep(t, 0, {"ps[t]": ("V", ps[t]), "onehot": ("V", onehot), "dy": ("V", dy)})
        keep(t, 1, {"dy": ("V", dy), "hs[t]": ("H", hs[t])}, "Why", dy @ hs[t].T)
        keep(t, 2, {"dy": ("V", dy)}, "by", dy)
        dh = Why.T @ dy + dhnext
        keep(t, 3, {"Why.T @ dy": ("H", Why.T @ dy), "dhnext": ("H", dhnext), "dh": ("H", dh)})
        dhraw = (1 - hs[t] * hs[t]) * dh
        keep(t, 4, {"dh": ("H", dh), "1 - hs[t]**2": ("H", 1 - hs[t] * hs[t]), "dhraw": ("H", dhraw)})
        keep(t, 5, {"dhraw": ("H", dhraw)}, "bh", dhraw)
        keep(t, 6, {"dhraw": ("H", dhraw), "xs[t]": ("V", xs[t])}, "Wxh", dhraw @ xs[t].T)
        keep(t, 7, {"dhraw": ("H", dhraw), "hs[t-1]": ("H", hs[t - 1])}, "Whh", dhraw @ hs[t - 1].T)
        dhnext = Whh.T @ dhraw
        keep(t, 8, {"dhraw": ("H", dhraw), "new dhnext": ("H", dhnext)})
    return stages


stages = backward_stages(params, targets, xs, hs, ps)
last = stages[-1]
l7_columns = ["".join(vocab.chars[c] for c in np.flatnonzero(np.any(s["contribution"] != 0, axis=0)))
              for s in stages if s["line"] == 6]
print(f"{len(stages)} stages, from t = {stages[0]['t']} line L1 to t = {last['t']} line L9")
print(f"columns of dWxh changed at L7, t = {T - 1} .. 0: {l7_columns}; inputs {vocab.decode(inputs)[::-1]!r}")
_, lib_grads, _ = rnn_lib.loss_and_grads(params, inputs, targets, hprev, clip=None)
exact = all(np.array_equal(last["grads"][k], grads[k]) for k in params)
lib_gap = max(max_diff(last["grads"][k], lib_grads[k]) for k in params)
print(f"after the last stage: equal to rnn_backward's gradients: {exact}; within 1e-12 of rnn_lib's: "
      f"{lib_gap < 1e-12}; last dhnext equal to dL/dhprev: {np.array_equal(last['vectors']['new dhnext'][1], dhprev)}")
assert len(stages) == 9 * T and l7_columns == list(vocab.decode(inputs)[::-1])
assert exact and lib_gap < 1e-12 and np.array_equal(last["vectors"]["new dhnext"][1], dhprev)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# `rnn_notebook.stepthrough.stage_html` draws one stage: the nine lines with the current one
# highlighted, each vector of the line as a column of coloured cells with its values (red positive,
# blue negative), and the five accumulated gradients, the one the line adds to outlined and the
# entries it changes in bold.
#
# How the colours are scaled: all vectors with one entry per hidden unit share one scale, the largest
# $|$value$|$ of any of them in any of the 54 stages, and so do all vectors with one entry per character.
# So equal numbers have equal colours, in every column and at every stage, and a column that is paler
# than another holds smaller numbers. Each gradient table has a scale of its own, its largest
# $|$entry$|$ over all stages, so its colours deepen as the sum grows.
#
# **Expected:** drawn at $t = 4$, line L4, the highlighted line is L4's code; the columns `dhnext` and
# `dh` show the values of `trace["dhnext"][4]` and `trace["dh"][4]` (to the 3 decimals shown),
# `dhnext` is not all zero, and the `dWhy` table shows the sum so far, `dy @ hs[t].T` of $t = 5$ and
# $t = 4$ computed here from `ps` and `hs`. At $t = 5$, line L1, `ps[t]` and `dy` differ only at the
# target, and every other entry has the same colour in both columns.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
from rnn_notebook.stepthrough import colours_shown, highlighted_line, stage_html, values_shown, vector_scales

stage_axes = {"V": ["␣" if c == " " else c for c in vocab.chars], "H": [str(i) for i in range(H)]}
stage_scales = {k: max(np.abs(s["grads"][k]).max() for s in stages) for k in params}  # colours deepen as sums grow
stage_scales.update(vector_scales(stages))  # one scale for all H-vectors, one for all V-vectors
at = next(i for i, s in enumerate(stages) if s["t"] == 4 and s["line"] == 3)
page = stage_html(stages[at], GIST_LINES, stage_axes, stage_scales)
shown = {label: values_shown(page, label) for label in ("dhnext", "dh", "dWhy")}
dWhy_so_far = sum((ps[t] - np.eye(V)[:, [targets[t]]]) @ hs[t].T for t in (5, 4))  # L2 of t = 5 and t = 4
print(f"stage {at + 1} of {len(stages)}: highlighted {highlighted_line(page)!r}")
print("dhnext shown:", shown["dhnext"], "\ndh shown:    ", shown["dh"])
gap = max(max_diff(shown["dhnext"], trace["dhnext"][4].ravel()), max_diff(shown["dh"], trace["dh"][4].ravel()),
          max_diff(shown["dWhy"], dWhy_so_far.ravel()))
print(f"largest gap between what is shown and the arrays: {gap:.4f} (rounding to 3 decimals: at most 0.0005)")
first = stage_html(stages[0], GIST_LINES, stage_axes, stage_scales)  # t = 5, line L1
others = [i for i in range(V) if i != targets[5]]
same_colour = all(colours_shown(first, "ps[t]")[i] == colours_shown(first, "dy")[i] for i in others)
print(f"t = 5, L1: ps[t] and dy have the same colour at every entry but the target: {same_colour}")
assert highlighted_line(page) == GIST_LINES[3] and gap <= 5e-4 + 1e-12 and np.abs(shown["dhnext"]).max() > 0
assert same_colour and np.abs(values_shown(first, "dy")[others] - values_shown(first, "ps[t]")[others]).max() == 0

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# Now all 54 stages behind a slider (with a ▶ button that steps through them on its own). It needs a
# running kernel; a copy viewed without one shows the stage drawn above. Things to try:
#
# - go to the start, $t = 5$: at L4, `dhnext` is all zeros, so `dh` is `Why.T @ dy` alone; at the
#   next iteration of the loop, $t = 4$ (one step earlier in the text), the future arrives: `dhnext`
#   is no longer zero;
# - at L5, compare `dh` with `dhraw`: each entry shrinks by its slope `1 - hs[t]**2`, so its cell
#   is never darker, and paler where the slope is well below 1;
# - at L7, watch which column of `dWxh` turns bold: the input character's, and only that one;
# - at L2 and L8, watch `dWhy` and `dWhh` fill in step after step (`+=`), while `dh` and `dhraw`
#   are computed afresh (`=`).

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
import ipywidgets as widgets

from rnn_notebook.widgets import html_widget

stage_slider = widgets.SelectionSlider(options=[(f"t={s['t']} L{s['line'] + 1}", i) for i, s in enumerate(stages)],
                                       value=at, description="stage", layout={"width": "520px"})
play = widgets.Play(min=0, max=len(stages) - 1, value=at, interval=1200, description="step through")
_ = widgets.jslink((play, "value"), (stage_slider, "index"))
caption = ("Interactive: press play or move the slider to step backwards through the loop, one line at a "
           "time (needs a running kernel); here t = 4, line L4.")
display(html_widget(lambda index: stage_html(stages[index], GIST_LINES, stage_axes, stage_scales),
                    {"index": stage_slider}, caption=caption, above=[play]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### What does `dhnext` mean?
#
# When the loop reaches step $t$, `dhnext` holds the gradient that arrives at $h_t$ **from the
# future**: through $h_{t+1}$, from the losses $L_{t+1}, \dots, L_{T-1}$ (which $h_t$ influences
# only through $h_{t+1}$). It starts at **zero**, because nothing after $h_{T-1}$ is part of this
# chunk's loss. After the loop it is $\partial L/\partial h_{-1}$, which truncated BPTT drops.
#
# It answers a common question: why not compute `dWhh` from `Why.T @ dy` alone, as if each
# step stood by itself? Because $h_t$ also changes every later loss, and that is `dhnext`.
#
# **Expected:** at every step, `dhnext` equals the numerical gradient through the copy of
# $h_t$ that feeds step $t+1$ (to $10^{-8}$), it is exactly 0 at $t = T-1$, and the
# returned `dhprev` equals the numerical $\partial L/\partial$`hprev`.

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
print(" t   |dhnext| (backward)   |numerical, via h_t+1|")
for t in reversed(range(T)):
    via_next = numerical_gradient(lambda d: loss_nudged(t, nxt=d), zero)
    print(f"{t:2d}   {np.linalg.norm(trace['dhnext'][t]):18.6f}   {np.linalg.norm(via_next):22.6f}")
    assert max_diff(trace["dhnext"][t], via_next) < 1e-8
dhprev_num = numerical_gradient(lambda h0: chunk_forward(params, inputs, targets, h0)[0], hprev)
print(f"dL/dhprev: |backward| = {np.linalg.norm(dhprev):.6f}, |numerical| = {np.linalg.norm(dhprev_num):.6f}")
assert np.all(trace["dhnext"][T - 1] == 0) and max_diff(dhprev, dhprev_num) < 1e-8

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What truncated BPTT throws away
#
# The gist trains on a long text in chunks of 25 characters. Its forward pass carries the hidden state
# from chunk to chunk (`hprev`), so the losses are those of one long pass over the text. Its backward
# pass does not: in every chunk `dhnext` starts at zero, and the final `dhnext`, $\partial L/\partial$`hprev`,
# is dropped. So a loss in one chunk sends no gradient back to how the weights were used in earlier
# chunks. That is **truncated** backpropagation through time.
#
# Take 48 steps of `"hello world "` repeated and compute
# $\partial L/\partial W_{hh}$ of the loss over all 48 steps twice, with the weights held fixed: in one
# chunk of 48 steps (full BPTT), and chunk by chunk, adding up the chunks' gradients.
#
# **Expected:** the chunked forward passes give the same loss (to $10^{-10}$); the one-chunk gradient
# agrees with centred differences of the 48-step loss (to $10^{-8}$); chunks of 24, 12 and 6 steps give a
# `dWhh` that differs from it by more than 0.1 %, and chunks of 6 by more than chunks of 24: shorter
# chunks cut more of the links between a loss and the earlier steps.

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
ids_48 = vocab.encode("hello world " * 5)          # 60 characters, the vocabulary of section 2
x_48, y_48 = ids_48[:48], ids_48[1:49]


def chunked_bptt(params, x, y, hprev, chunk):
    """Loss over all of x -> y, and its gradients computed chunk by chunk: the hidden state goes on
    from chunk to chunk, dhnext starts at zero in each, and each chunk's dL/dhprev is dropped."""
    loss, grads, h = 0.0, {k: np.zeros_like(v) for k, v in params.items()}, hprev
    for start in range(0, len(x), chunk):
        x_c, y_c = x[start:start + chunk], y[start:start + chunk]
        loss_c, xs_c, hs_c, ps_c = chunk_forward(params, x_c, y_c, h)
        grads_c, _, _ = rnn_backward(params, y_c, xs_c, hs_c, ps_c)  # dL/dhprev of the chunk: dropped
        for k in grads:
            grads[k] += grads_c[k]
        loss, h = loss + loss_c, hs_c[len(x_c) - 1]
    return loss, grads

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
loss_full, full = chunked_bptt(params, x_48, y_48, hprev, chunk=48)  # one chunk: full BPTT
dWhh_num = numerical_gradient(lambda W: chunk_forward({**params, "Whh": W}, x_48, y_48, hprev)[0],
                              params["Whh"])
print(f"one chunk of 48 steps: dWhh within 1e-8 of centred differences: {max_diff(full['Whh'], dWhh_num) < 1e-8}")
assert max_diff(full["Whh"], dWhh_num) < 1e-8

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
cut, loss_gap = {}, {}
for chunk in (24, 12, 6):
    loss_chunked, truncated = chunked_bptt(params, x_48, y_48, hprev, chunk)
    loss_gap[chunk] = abs(loss_chunked - loss_full)  # the forward pass is not truncated
    cut[chunk] = np.linalg.norm(truncated["Whh"] - full["Whh"]) / np.linalg.norm(full["Whh"])
    print(f"chunks of {chunk:2d}: same loss to 1e-10: {loss_gap[chunk] < 1e-10}; "
          f"dWhh off by {cut[chunk]:.1%} of |full dWhh|")
assert max(loss_gap.values()) < 1e-10
assert min(cut.values()) > 1e-3 and cut[6] > cut[24]

# %% [markdown] slideshow={"slide_type": "fragment"}
# So the truncated gradient is not the gradient of the loss it is computed on: it leaves out every path
# from a loss back across a chunk boundary. What it keeps is cheap (one chunk's states in memory), and
# with long enough chunks it is most of the gradient, because a gradient that travels far back has
# shrunk on the way (section 8). A model trained this way can still use what it read more than a chunk ago, through the state it
# carries forward, but no gradient ever tells it to.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Written question · Truncation in your own words (3 points)
#
# Answer in the cell below, in a few sentences each; no code is needed. The gist trains on chunks of
# 25 characters and carries `hprev` from chunk to chunk.
#
# **(a)** In a text, a `(` opened 40 characters earlier must be closed by `)`. Can the gist's gradient
# ever directly reward the weights for having stored the `(` for that long? Explain with the chunk
# boundary. Then say why a model trained this way can nevertheless end up closing parentheses opened
# more than 25 characters back.
#
# **(b)** A classmate proposes to start each chunk's backward pass with `dhnext` set to the
# previous chunk's final `dhnext` (its $\partial L/\partial$`hprev`) instead of zeros, "so that
# nothing is thrown away". Explain why this is not the gradient that truncation leaves out.

# %% [markdown] slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "truncation_written", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# **(a)** No. The loss at the `)` is computed in a later chunk than the one that read the `(`. Its
# gradient flows back through that chunk's steps to the chunk's first state and stops there: the
# final `dhnext` of the chunk, $\partial L/\partial$`hprev`, is dropped, and the earlier chunk's
# backward pass has already run. So no gradient links that loss to how the weights acted when the `(`
# was read; nothing pushes the network to store it across the boundary. The forward pass, though, is
# not cut: the state is carried from chunk to chunk. Whatever the network learns inside chunks, where
# `(` and `)` are often fewer than 25 characters apart (a direction in the state that says "a
# parenthesis is open", cleared on `)`), it keeps doing across boundaries, so it can still close a parenthesis
# opened 40 characters back, as a side effect that no gradient asked for (and less reliably the
# longer the state has to hold it).
#
# **(b)** The previous chunk's final `dhnext` is the gradient of *that* chunk's losses with respect
# to the state *before* it: it points further back in time, into the chunk before the previous one.
# What truncation leaves out at the end of the current chunk is the gradient of the *later* losses
# (the next chunk's) with respect to its last state $h_{T-1}$, which cannot be known yet: the next
# chunk has not been run. Feeding in the old `dhnext` adds the gradient of other losses with
# respect to another state, which is not a term of any chain rule of this chunk: a wrong gradient, not
# a more complete one.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Full gradient check
#
# Now every entry of every parameter, and `hprev`, with `rnn_lib.gradcheck(f, arrays)`: it
# perturbs each entry in place by $\pm 10^{-5}$ and compares with our analytic gradient by the
# relative error $|a - n| / \max(10^{-8}, |a| + |n|)$.
#
# **Expected: every relative error below $10^{-7}$.** (A wrong line gives errors near 1.) One proviso:
# the relative error of an entry whose gradient is itself close to 0 measures the rounding of the finite
# differences, not our backward pass (section 7 shows why), and on some random draws such an entry
# exceeds $10^{-7}$ in a correct pass. So the verdict `passes` applies the $10^{-7}$ bound to the
# entries with $|a| + |n| > 10^{-2}$, and asks the others for an absolute difference below $10^{-8}$,
# the test of section 4. The exact values differ from machine to machine, so the table states the
# verdict, and the cell after it prints the errors' size.

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"]
def passes(r, floor=1e-2):
    """Relative error below 1e-7 where |a| + |n| > floor; absolute difference below 1e-8 elsewhere."""
    big = np.abs(r.analytic) + np.abs(r.numeric) > floor
    return bool(np.all(r.errors[big] < 1e-7) and np.all(np.abs(r.analytic - r.numeric)[~big] < 1e-8))


def loss_and_grads_from_scratch(arrays, keep_dhnext=True):
    p = {k: arrays[k] for k in params}
    loss, xs, hs, ps = chunk_forward(p, inputs, targets, arrays["hprev"])
    grads, dhprev, _ = rnn_backward(p, targets, xs, hs, ps, keep_dhnext)
    return loss, {**grads, "hprev": dhprev}


arrays = {**{k: v.copy() for k, v in params.items()}, "hprev": hprev.copy()}

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
check = rnn_lib.gradcheck(loss_and_grads_from_scratch, arrays)
print(f"{'array':>6} {'shape':>8} {'max |grad|':>11}   passes")
for name, r in check.items():
    print(f"{name:>6} {str(r.analytic.shape):>8} {np.abs(r.analytic).max():11.4f}   {passes(r)}")
assert all(passes(r) for r in check.values())

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
# NBVAL_IGNORE_OUTPUT
# (why: relative errors of ~1e-9 come from rounding; their digits vary between CPUs and numpy builds)
print("max relative error: " + ", ".join(f"{name} {r.max_rel_error:.0e}" for name, r in check.items()))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · Leave out `dhnext`, and the check fails
#
# Set `dhnext` to zero at every step: each step then sees only its own loss $L_t$. This is the
# derivation that forgets the second branch of $h_t$.
#
# **Expected:** `Why` and `by` still pass (L2 and L3 come before `dhnext` is used); every
# array upstream of $h$ (`Wxh`, `Whh`, `bh`, `hprev`) fails with relative errors far above
# $10^{-7}$. (A relative error of exactly 1 means that the two numbers have opposite signs, or
# that one of them is exactly 0 while the other is not.)

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
broken = rnn_lib.gradcheck(lambda a: loss_and_grads_from_scratch(a, keep_dhnext=False), arrays)
print(f"{'array':>6}  max rel error  entries with the wrong sign  passes")
for name, r in broken.items():
    wrong_sign = np.sum(np.sign(r.analytic) != np.sign(r.numeric))
    print(f"{name:>6}  {r.max_rel_error:13.4f}  {wrong_sign:>14d} of {r.errors.size:<3d}  {passes(r)}")
assert passes(broken["Why"]) and passes(broken["by"])
upstream = ("Wxh", "Whh", "bh", "hprev")
assert min(broken[k].max_rel_error for k in upstream) > 1e-2 and not any(passes(broken[k]) for k in upstream)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The two checks side by side, on a log scale (the dashed line is the $10^{-7}$ target):

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
names = list(check)
pos = np.arange(len(names))
fig, ax = plt.subplots(figsize=(9, 4.5))
_ = ax.bar(pos - 0.2, [check[k].max_rel_error for k in names], 0.4, label="with dhnext")
_ = ax.bar(pos + 0.2, [broken[k].max_rel_error for k in names], 0.4, label="without dhnext")
_ = ax.axhline(1e-7, color="k", ls="--", lw=1.5, label="target 1e-7")
_ = ax.set(yscale="log", xticks=pos, xticklabels=names, ylabel="max relative error",
           title="Gradient check: the analytic gradient against centred differences")
_ = ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Optional: step by step, where does the missing gradient hurt?
#
# *A side road: skip to section 8 on a first reading.*
#
# Compare $\partial L/\partial h_t$ from the correct loop with the one the broken loop uses at
# each step, by the relative error $\|dh^{\text{broken}}_t - dh_t\| / \|dh_t\|$.
#
# **Expected:** exactly 0 at the last step (its `dhnext` is zero anyway), and large (above 0.1)
# at every earlier step, where the gradient from the future losses is missing. `dhnext` is not a
# small correction: it is as large as the step's own gradient. Going further back, more future
# losses are missing, but the far ones arrive weakened (section 8), so the error need not grow
# steadily.

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
_, _, trace_broken = rnn_backward(params, targets, xs, hs, ps, keep_dhnext=False)
step_error = np.array([np.linalg.norm(trace_broken["dh"][t] - trace["dh"][t]) / np.linalg.norm(trace["dh"][t])
                       for t in range(T)])
for t in range(T):
    print(f"t = {t}: {T - 1 - t} later losses missing, relative error of dh_t = {step_error[t]:.3f}")
assert step_error[T - 1] == 0 and np.all(step_error[:T - 1] > 0.1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why: the error at step $t$ is the size of the missing `dhnext` compared with the whole of
# $\partial L/\partial h_t$. On the right, the two parts of `dh` side by side. An error above 1 is
# possible: the two parts are vectors, and where they point in roughly opposite directions they partly
# cancel, so the whole `dh` is shorter than the missing part alone.

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
steps = np.arange(T)
local = [np.linalg.norm(trace["dh"][t] - trace["dhnext"][t]) for t in steps]  # |Why.T @ dy|
future = [np.linalg.norm(trace["dhnext"][t]) for t in steps]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.5))
_ = ax1.bar(steps, step_error, color="tab:orange")
_ = ax1.set(xlabel="time step t", ylabel=r"relative error of $\partial L/\partial h_t$",
            title="Without dhnext: exact only at the last step")
_ = ax2.bar(steps - 0.2, local, 0.4, label="|Why.T @ dy|  (from $y_t$)")
_ = ax2.bar(steps + 0.2, future, 0.4, label="|dhnext|  (from the future)")
_ = ax2.set(xlabel="time step t", ylabel="norm", title="The two parts of dh",
            ylim=(0, 1.45 * max(local + future)))
_ = ax2.legend(loc="upper left")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Optional: why section 2 used weights 0.5, not the gist's 0.01
#
# *A side road: skip it on a first reading.*
#
# The same two checks again, on the same random draws scaled down to the gist's 0.01 (and the same
# `hprev`). The finite differences carry an absolute error of about the same size at both scales:
# the rounding of the loss, divided by $2\varepsilon$. What changes is the size of the gradient
# entries that error is compared with.
#
# **Expected:** at 0.01 the median $|$gradient$|$ of `Wxh`, `Whh` and `Why` is more than 10 times
# smaller than at 0.5, while every absolute difference stays below $10^{-8}$; so the correct backward
# pass now has relative errors above $10^{-8}$ for these three, and above this notebook's $10^{-7}$
# threshold for at least one of them. Leaving out `dhnext` still gives errors above $10^{-3}$.

# %% slideshow={"slide_type": "fragment"}
gist_params = rnn_lib.init_params(V, H, np.random.default_rng(SEED), scale=0.01)  # same draws, scaled
gist_arrays = {**{k: v.copy() for k, v in gist_params.items()}, "hprev": hprev.copy()}

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
# NBVAL_IGNORE_OUTPUT
# (why: rounding-level differences and relative errors; their digits vary between CPUs and numpy builds)
check_gist = rnn_lib.gradcheck(loss_and_grads_from_scratch, gist_arrays)
broken_gist = rnn_lib.gradcheck(lambda a: loss_and_grads_from_scratch(a, keep_dhnext=False), gist_arrays)
print("        median |gradient|   largest |analytic - numerical|   max rel error    without dhnext")
print(" array     0.5     0.01          0.5     0.01                 0.5     0.01        0.01")
for name in check:
    a, g, b = check[name], check_gist[name], broken_gist[name]
    print(f"{name:>6}  {np.median(np.abs(a.analytic)):7.0e}  {np.median(np.abs(g.analytic)):7.0e}"
          f"      {np.abs(a.analytic - a.numeric).max():7.0e}  {np.abs(g.analytic - g.numeric).max():7.0e}"
          f"             {a.max_rel_error:7.0e}  {g.max_rel_error:7.0e}     {b.max_rel_error:7.0e}")
small = ("Wxh", "Whh", "Why")
assert all(np.median(np.abs(check_gist[k].analytic)) < 0.1 * np.median(np.abs(check[k].analytic)) for k in small)
assert all(np.abs(r.analytic - r.numeric).max() < 1e-8 for r in check_gist.values())
assert min(check_gist[k].max_rel_error for k in small) > 1e-8
assert max(check_gist[k].max_rel_error for k in small) > 1e-7
assert min(broken_gist[k].max_rel_error for k in ("Wxh", "Whh", "bh", "hprev")) > 1e-3
tiny = np.concatenate([np.abs(check_gist[k].analytic).ravel() + np.abs(check_gist[k].numeric).ravel() <= 1e-2
                       for k in ("Wxh", "Whh", "Why", "hprev")])
print(f"at 0.01, entries of Wxh, Whh, Why, hprev below the 1e-2 floor of `passes`: {tiny.mean():.0%}")
assert tiny.mean() > 0.5

# %% [markdown] slideshow={"slide_type": "fragment"}
# At 0.01 the gradients are still right to the last digit that the check can see, yet the correct pass
# fails the $10^{-7}$ test: with gradients this small, finite differences can only tell "right or
# slightly wrong" from "badly wrong". The proviso of section 6 is no way out: most entries of these
# arrays fall below its $10^{-2}$ floor (last line above), so `passes` would judge them by the
# absolute difference alone, which cannot tell "slightly wrong" either. At 0.5 the correct pass lies
# far below the threshold and a wrong line far above it, so the threshold means something.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · Where do gradients vanish?
#
# A learner asks: *in which lines does the vanishing gradient problem show itself?* In two, applied
# once per step as the loop walks back: L5, the tanh slopes $1 - h_t^2$ (every factor at most 1, near
# 0 when saturated), and L9, the multiplication by $W_{hh}^\top$ (the same matrix, again and again).

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# ```python
# dhraw = (1 - hs[t] * hs[t]) * dh      # L5: every factor is at most 1, near 0 when saturated
# dhnext = Whh.T @ dhraw                # L9: the same matrix, again and again
# ```

# %% [markdown] slideshow={"slide_type": "fragment"}
# A gradient that starts at step $t$ and travels $k$ steps back is multiplied by $k$ factors
# $W_{hh}^\top \operatorname{diag}(1 - h^2)$. One step multiplies its length by at most
# $\|W_{hh}\|_2 \cdot \max_i (1 - h_t[i]^2)$: the largest singular value of $W_{hh}$ times the
# largest tanh slope. Whenever that stays below 1, the gradient **must** shrink geometrically.

# %% [markdown] slideshow={"slide_type": "subslide"}
# To watch one signal travel, take a longer chunk ($T = 40$, `"hello world "` repeated), send back
# only the gradient of the **last** loss term, and record $\|\partial L_{T-1}/\partial h_t\|$ as it
# passes each step. Besides $\|W_{hh}\|_2$ we need the **spectral radius** $\rho$ of $W_{hh}$, its
# largest eigenvalue in absolute value (the optional "One step against the long run" below says why). For a
# random $6 \times 6$ matrix with standard deviation 0.5, $\rho$ lands above or below 1 depending on
# the draw (the cell counts how often, over 100 draws). To study the case where it is below 1 on any
# draw, we scale a copy of our $W_{hh}$ so that $\rho = 0.9$ exactly (multiplying a matrix by $c$
# multiplies every eigenvalue by $c$); the other weights stay as they are. Next to it, the copy at the
# gist's scale 0.01 from section 7.
#
# **Expected:** on a log scale, roughly straight lines going down; each step's shrink factor
# within its bound (asserted at every step, for both models).

# %% slideshow={"slide_type": "fragment"}
def step_bounds(params, inputs, targets, hprev):
    """The bound |Whh|_2 * max_i (1 - h_t[i]^2) on each step's growth factor, for t = T-1, ..., 0."""
    _, _, hs, _ = chunk_forward(params, inputs, targets, hprev)
    sigma = np.linalg.norm(params["Whh"], 2)  # largest singular value
    return np.array([sigma * np.max(1 - hs[t] ** 2) for t in reversed(range(len(inputs)))])


def spectral_radius(W):
    return float(np.abs(np.linalg.eigvals(W)).max())


draws = [rnn_lib.init_params(V, H, np.random.default_rng(s), scale=0.5)["Whh"] for s in range(100)]
above_1 = sum(spectral_radius(W) > 1 for W in draws)
print(f"weights 0.5:  rho = {spectral_radius(params['Whh']):.2f} for our Whh; "
      f"rho > 1 for {above_1} of 100 random draws")
assert 0 < above_1 < 100  # above or below 1, depending on the draw

# %% slideshow={"slide_type": "fragment"}
rho_params = {**params, "Whh": params["Whh"] * (0.9 / spectral_radius(params["Whh"]))}  # rho = 0.9
long_ids = vocab.encode("hello world " * 4)
T_long = 40
long_in, long_tgt = long_ids[:T_long], long_ids[1:T_long + 1]
bounds = step_bounds(rho_params, long_in, long_tgt, hprev)
bounds_gist = step_bounds(gist_params, long_in, long_tgt, hprev)
sigma, rho = np.linalg.norm(rho_params["Whh"], 2), spectral_radius(rho_params["Whh"])
sigma_gist = np.linalg.norm(gist_params["Whh"], 2)
print(f"scaled copy:  |Whh|_2 = {sigma:.2f}, rho = {rho:.2f}; per-step bounds from {bounds.min():.2f} "
      f"to {bounds.max():.2f}, median {np.median(bounds):.2f}")
print(f"weights 0.01: |Whh|_2 = {sigma_gist:.3f}; per-step bounds from {bounds_gist.min():.3f} "
      f"to {bounds_gist.max():.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# Now the signal itself: the last loss's `dy`, sent back through L5 and L9 alone (every earlier
# loss left out).

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
def gradient_norms_from_last_loss(params, inputs, targets, hprev):
    """||dL_{T-1}/dh_t|| for t = T-1, T-2, ..., -1."""
    _, _, hs, ps = chunk_forward(params, inputs, targets, hprev)
    n = len(inputs)
    dy = ps[n - 1].copy()
    dy[targets[n - 1]] -= 1
    dh, norms = params["Why"].T @ dy, []
    for t in reversed(range(n)):
        norms.append(np.linalg.norm(dh))
        dh = params["Whh"].T @ ((1 - hs[t] ** 2) * dh)  # L5 and L9: dhnext
    norms.append(np.linalg.norm(dh))
    return np.array(norms)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["homework-only"]
# Now the signal itself, measured with your `rnn_backward`: give every step but the last the
# probabilities of a perfect prediction, $p_t = \text{onehot}(r_t)$, so that its `dy` is zero and
# only the last loss sends a gradient back. Then `trace["dh"][t]` is $\partial L_{T-1}/\partial h_t$.

# %% slideshow={"slide_type": "fragment"} tags=["homework-only"]
def gradient_norms_from_last_loss(params, inputs, targets, hprev):  # noqa: F811
    """||dL_{T-1}/dh_t|| for t = T-1, T-2, ..., -1, read from rnn_backward's trace."""
    _, xs_c, hs_c, ps_c = chunk_forward(params, inputs, targets, hprev)
    n = len(inputs)
    perfect = {t: np.eye(len(ps_c[t]))[:, [targets[t]]] for t in range(n - 1)}  # dy = 0 at these steps
    _, dh_first, trace_c = rnn_backward(params, targets, xs_c, hs_c, {**perfect, n - 1: ps_c[n - 1]})
    return np.array([np.linalg.norm(trace_c["dh"][t]) for t in reversed(range(n))] + [np.linalg.norm(dh_first)])

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
norms = gradient_norms_from_last_loss(rho_params, long_in, long_tgt, hprev)
norms_gist = gradient_norms_from_last_loss(gist_params, long_in, long_tgt, hprev)
for k in (0, 10, 20, 30, 40):
    print(f"{k:2d} steps back: |dL/dh| = {norms[k]:.1e} (rho 0.9)   {norms_gist[k]:.1e} (weights 0.01)")
assert np.all(norms[1:] <= bounds * norms[:-1] * (1 + 1e-12))  # the per-step bound holds
assert np.all(norms_gist[1:] <= bounds_gist * norms_gist[:-1] * (1 + 1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Left: the copy with $\rho = 0.9$, and dashed the product of its per-step bounds, the largest size the
# bound allows after $k$ steps. Right: the gist-scale model with its own bound, on its own axis. Neither
# model has a saturated unit (no $|h|$ reaches 0.99; the first optional subsection below measures it,
# and how much each of the two lines takes).

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
steps_back = np.arange(T_long + 1)
bound_path = np.concatenate([[1.0], np.cumprod(bounds)])  # relative size allowed after k steps
bound_path_gist = np.concatenate([[1.0], np.cumprod(bounds_gist)])
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8))
_ = ax1.semilogy(steps_back, norms / norms[0], "o-", ms=4, label="measured")
_ = ax1.semilogy(steps_back, bound_path, "--", color="tab:blue", lw=2, label="product of the per-step bounds")
_ = ax1.set(title=r"Our model, $W_{hh}$ scaled to $\rho = 0.9$")
_ = ax2.semilogy(steps_back, norms_gist / norms_gist[0], "s-", ms=4, color="tab:red", label="measured")
_ = ax2.semilogy(steps_back, bound_path_gist, "--", color="tab:red", lw=2, label="product of the per-step bounds")
_ = ax2.set(title="Same draws, gist's scale 0.01")
for ax in (ax1, ax2):
    _ = ax.set(xlabel="steps back from the last step")
    _ = ax.legend(loc="lower left")
for ax in (ax1, ax2):
    _ = ax.set_ylabel(r"$\|\partial L_{T-1}/\partial h_t\|$ (relative)")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# ### Optional: which of the two lines takes how much?
#
# *A side road: skip to section 9 on a first reading.*
#
# Each step back is two multiplications, and we can measure each one's share: L5 shrinks the gradient's
# length by $\|(1 - h_t^2) \odot \partial L/\partial h_t\| \,/\, \|\partial L/\partial h_t\|$, L9 by
# $\|W_{hh}^\top \texttt{dhraw}\| \,/\, \|\texttt{dhraw}\|$. Their product is the step's whole shrink factor.
# Below, the average of each share over the 40 steps (a geometric mean, so that the two multiply to the
# average shrink per step), and the largest $|h|$ the forward pass reached.
#
# **Expected:** in the $\rho = 0.9$ copy both lines take a share (each keeps between 0.6 and 0.95 per step),
# and no hidden value is saturated ($|h| < 0.99$ everywhere); at the gist's scale the tanh line takes
# almost nothing (it keeps more than 0.999: $h$ is tiny, so every slope is close to 1) and $W_{hh}^\top$
# alone keeps less than 0.05 per step.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
def line_shares(params, inputs, targets, hprev):
    """Geometric means over the steps of the shrink factor of L5 (tanh) and of L9 (Whh.T), for the last
    loss's gradient, and the largest |h| of the forward pass."""
    _, _, hs, ps = chunk_forward(params, inputs, targets, hprev)
    n = len(inputs)
    dy = ps[n - 1].copy()
    dy[targets[n - 1]] -= 1
    dh, tanh_share, whh_share = params["Why"].T @ dy, [], []
    for t in reversed(range(n)):
        dhraw = (1 - hs[t] ** 2) * dh                                    # L5
        dhnext = params["Whh"].T @ dhraw                                 # L9
        tanh_share.append(np.linalg.norm(dhraw) / np.linalg.norm(dh))
        whh_share.append(np.linalg.norm(dhnext) / np.linalg.norm(dhraw))
        dh = dhnext
    largest_h = max(np.abs(hs[t]).max() for t in range(n))
    return np.exp(np.mean(np.log(tanh_share))), np.exp(np.mean(np.log(whh_share))), largest_h


shares = {"rho 0.9": line_shares(rho_params, long_in, long_tgt, hprev),
          "weights 0.01": line_shares(gist_params, long_in, long_tgt, hprev)}
for name, (tanh_keep, whh_keep, largest_h) in shares.items():
    print(f"{name:>12}: per step, L5 (tanh) keeps {tanh_keep:.4f}, L9 (Whh.T) keeps {whh_keep:.4f}; "
          f"together {tanh_keep * whh_keep:.4f};  largest |h| {largest_h:.3f}")
tanh_rho, whh_rho, h_rho = shares["rho 0.9"]
tanh_gist, whh_gist, _ = shares["weights 0.01"]
assert abs(tanh_rho * whh_rho - (norms[-1] / norms[0]) ** (1 / T_long)) < 1e-12
assert 0.6 < tanh_rho < 0.95 and 0.6 < whh_rho < 0.95 and h_rho < 0.99
assert tanh_gist > 0.999 and whh_gist < 0.05

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["homework-only"]
# ### Optional: which of the two lines takes how much?
#
# *A side road: skip to section 9 on a first reading.*
#
# Each step back is two multiplications, and each takes its share: L5 shrinks the gradient's length by
# $\|(1 - h_t^2) \odot \partial L/\partial h_t\| \,/\, \|\partial L/\partial h_t\|$, L9 by
# $\|W_{hh}^\top \texttt{dhraw}\| \,/\, \|\texttt{dhraw}\|$, and their product is the step's whole shrink
# factor. Averaged over the 40 steps (geometric means), in the $\rho = 0.9$ copy both lines take a share:
# each keeps between 0.6 and 0.95 of the length per step, and no hidden value is saturated
# ($|h| < 0.99$ everywhere). At the gist's scale the tanh line takes almost nothing (it keeps more
# than 0.999: $h$ is tiny, so every slope is close to 1) and $W_{hh}^\top$ alone keeps less than 0.05
# per step. (To measure it yourself, split each step of your loop into its two factors.)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Neither model here is saturated, so L5 takes at most a modest share. In a saturated network it takes
# nearly everything: a unit at $|h| = 0.999$ passes 0.2 % of its gradient (Check yourself, question 5).
# Notebook 05 (section 1) shows a start at scale 1 with most hidden values saturated, and the optional
# part of notebook 04's section 5 a training run that drove its units into saturation, after which
# almost no gradient reached `Wxh`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Optional: one step against the long run
#
# *A side road: skip it on a first reading.*
#
# With $\rho = 0.9$ the bound allows growth while the gradient shrinks. $\|W_{hh}\|_2$ is how much
# $W_{hh}^\top$ can stretch the *most favourable* vector in one multiplication, so it bounds every single
# step. But a vector stretched that much is not stretched that much again at the next step. Multiplying
# by the same matrix over and over, a vector grows or shrinks in the long run like $\rho^k$, where the
# spectral radius $\rho$ is never larger than $\|W_{hh}\|_2$: the average stretch per step over $k$
# steps, $\|(W_{hh}^\top)^k\|_2^{1/k}$, starts at $\|W_{hh}\|_2$ for $k = 1$ and approaches $\rho$ as $k$
# grows. The largest singular value bounds one step; the spectral radius sets the long-run rate. (The
# tanh slopes change from step to step, so for the RNN, $\rho$ times the mean slope is only a rough guide.)
#
# **Expected:** $\|W_{hh}\|_2 > 1$ and most per-step bounds are above 1, so the bound allows growth; yet
# the matrix's average stretch per step comes within 0.1 of $\rho = 0.9$ by $k = 40$, and the gradient
# shrinks faster still: its measured average shrink per step is below $\rho$ (the tanh slopes take
# away more), within 0.2 of $\rho$ times the mean slope. At the gist's scale the gradient loses more
# than a factor of 10 per step.

# %% slideshow={"slide_type": "fragment"} needs=["rnn_backward"]
hs_long = chunk_forward(rho_params, long_in, long_tgt, hprev)[2]
mean_slope = np.mean([1 - hs_long[t] ** 2 for t in range(T_long)])
shrink = (norms[-1] / norms[0]) ** (1 / T_long)
shrink_gist = (norms_gist[-1] / norms_gist[0]) ** (1 / T_long)
stretch = {k: np.linalg.norm(np.linalg.matrix_power(rho_params["Whh"].T, k), 2) ** (1 / k)
           for k in (1, 5, 10, 40)}  # average stretch per step over k steps
print("average stretch per step over k steps, |(Whh^T)^k|_2^(1/k):  "
      + ",  ".join(f"k = {k}: {s:.2f}" for k, s in stretch.items()))
print(f"rho = 0.9:    mean tanh' = {mean_slope:.2f};  rho x mean tanh' = {rho * mean_slope:.2f};  "
      f"measured average shrink per step = {shrink:.2f}")
print(f"weights 0.01: |Whh|_2 = {sigma_gist:.3f}, measured average shrink per step = {shrink_gist:.3f}")
gist_size = rnn_lib.init_params(65, 100, np.random.default_rng(SEED), scale=0.01)  # the gist's V and H
print(f"the gist's own size (V = 65, H = 100) at scale 0.01: |Whh|_2 = {np.linalg.norm(gist_size['Whh'], 2):.2f}")
assert norms[-1] < 1e-3 * norms[0]
assert sigma > 1 > rho and np.median(bounds) > 1
assert min(stretch.values()) > rho - 1e-9 and stretch[40] < rho + 0.1
assert shrink < rho and abs(rho * mean_slope - shrink) < 0.2
assert shrink_gist < 0.1 and np.linalg.norm(gist_size["Whh"], 2) < 0.25

# %% [markdown] slideshow={"slide_type": "fragment"}
# With the gist's scale the picture is the other way round: $\|W_{hh}\|_2$ itself is tiny, so the bound
# alone forces the gradient off a cliff. Every run of the gist starts like this: at its
# size ($H = 100$) $\|W_{hh}\|_2$ is still far below 1 (printed above), so at first almost nothing of a
# loss reaches more than a step or two back. Training works anyway, because Adagrad's first steps move
# every weight by about the learning rate whatever the size of its gradient, so $W_{hh}$ soon grows out
# of its tiny start (notebook 05 measures it in section 1). A larger $W_{hh}$ can also make the same
# product *explode* (singular values above 1 with unsaturated units), which is why the gist clips
# gradients at ±5. Eigenvalues, saturation, clipping and the fix that LSTMs bring are the subject of
# notebook 09; here it is enough to know which lines do it.

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## 9 · The library agrees
#
# `rnn_lib.rnn` computes the same thing with the hidden states stored row-wise and most of the
# work done in a few large matrix products after the loop. **Expected:** the loss, all five
# gradients (`clip=None`, so nothing is clipped), the last state and `dL/dhprev` agree with our
# from-scratch versions to $10^{-12}$.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
loss_lib, grads_lib, h_last = rnn_lib.loss_and_grads(params, inputs, targets, hprev, clip=None)
_, dhprev_lib = rnn_lib.backward(params, rnn_lib.forward(params, inputs, hprev), targets)
pairs = {**{k: (grads[k], grads_lib[k]) for k in params}, "hprev": (dhprev, dhprev_lib),
         "h_last": (hs[T - 1], h_last), "loss": (loss, loss_lib)}
for name, (ours, lib) in pairs.items():
    assert max_diff(ours, lib) < 1e-12, name
print(f"from scratch == rnn_lib to 1e-12 for: {', '.join(pairs)}")

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# And the library's own check, `rnn_lib.gradcheck_rnn`, on the library's forward and backward, judged
# by the same verdict `passes`:

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
# NBVAL_IGNORE_OUTPUT
# (why: relative errors of ~1e-9 come from rounding; their digits vary between CPUs and numpy builds)
report = rnn_lib.gradcheck_rnn(params, inputs, targets, hprev)
entries = sum(r.errors.size for r in report.values())
print(f"gradcheck_rnn: {entries} entries in {len(report)} arrays")
print(f"largest relative error {report.max_rel_error:.0e} (the bound is 1e-7)")
print(f"every array passes: {all(passes(r) for r in report.values())}")
assert all(passes(r) for r in report.values())

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## 10 · Checking a network of your own (optional)
#
# *A side road: skip it on a first reading.*
#
# Two requests under the gist: one learner stacked two recurrent layers and could not tell why
# it would not learn; another asked for the code of a plain network with 2 inputs, hidden layers
# of 20 and 10 units and 5 outputs. The tool that settles both is the one used above:
# `rnn_lib.gradcheck(f, arrays)` accepts **any** function returning a loss and its gradients.
#
# Here is that 2-20-10-5 network (tanh hidden layers, softmax cross-entropy on 5 classes), with
# its backward pass written the same way as the RNN's. First a small batch of $N = 7$ random
# examples and the weights (standard deviation 0.5, zero biases).

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
rng_mlp = np.random.default_rng(5)
X, labels = rng_mlp.standard_normal((2, 7)), rng_mlp.integers(0, 5, 7)  # inputs (2, N), classes (N,)
sizes = [(20, 2), (10, 20), (5, 10)]
weights = {}
for i, (rows, cols) in enumerate(sizes, start=1):
    weights[f"W{i}"] = rng_mlp.standard_normal((rows, cols)) * 0.5
    weights[f"b{i}"] = np.zeros((rows, 1))
print({name: w.shape for name, w in weights.items()}, "X:", X.shape, "labels:", labels)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# The loss and its gradients. The data are arguments, so the function reads nothing from outside;
# `bug=True` plants a mistake: the pre-activation $z_1$ used instead of the activation $h_1$ in the
# gradient of `W2`.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
def mlp_loss_and_grads(a, X, labels, bug=False):
    """Loss and gradients of a 2-20-10-5 tanh network: a holds W1 (20,2), b1 (20,1), W2 (10,20),
    b2 (10,1), W3 (5,10), b3 (5,1); X is (2, N), labels (N,) class ids in 0..4."""
    n = X.shape[1]
    z1 = a["W1"] @ X + a["b1"]                              # (20, N)
    h1 = np.tanh(z1)
    z2 = a["W2"] @ h1 + a["b2"]                             # (10, N)
    h2 = np.tanh(z2)
    y = a["W3"] @ h2 + a["b3"]                              # (5, N) logits
    p = np.exp(y - y.max(axis=0))
    p /= p.sum(axis=0)
    loss = -np.log(p[labels, np.arange(n)]).sum()
    dy = p.copy()
    dy[labels, np.arange(n)] -= 1                           # the same `dy[target] -= 1`
    dz2 = (1 - h2 ** 2) * (a["W3"].T @ dy)                  # the same transpose and tanh'
    dz1 = (1 - h1 ** 2) * (a["W2"].T @ dz2)
    grads = {"W3": dy @ h2.T, "b3": dy.sum(axis=1, keepdims=True),
             "W2": dz2 @ (z1 if bug else h1).T, "b2": dz2.sum(axis=1, keepdims=True),
             "W1": dz1 @ X.T, "b1": dz1.sum(axis=1, keepdims=True)}
    return loss, grads

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# The correct version first, judged by the verdict `passes` of section 6. This network has many more
# weights than our RNN (`W2` alone has 200), so its proviso matters more: on most random draws a few
# entries have a gradient close to 0. **Expected:** every array passes, the median relative error is far
# below $10^{-7}$, and the largest may be above it, on an entry with a tiny gradient (the digits of these
# errors vary from machine to machine).

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
# NBVAL_IGNORE_OUTPUT
# (why: relative errors of ~1e-9 come from rounding; their digits vary between CPUs and numpy builds)
good = rnn_lib.gradcheck(lambda a: mlp_loss_and_grads(a, X, labels), weights)
print("correct backward pass, max relative error: "
      + ", ".join(f"{name} {r.max_rel_error:.0e}" for name, r in good.items()))
median_error = np.median(np.concatenate([r.errors.ravel() for r in good.values()]))
print(f"median relative error over all entries: {median_error:.0e}; "
      f"every array passes: {all(passes(r) for r in good.values())}")
assert all(passes(r) for r in good.values()) and median_error < 1e-8

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# Now with the bug. **Expected:** `W2` fails with a relative error above $10^{-2}$; every other array
# still passes.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
bad = rnn_lib.gradcheck(lambda a: mlp_loss_and_grads(a, X, labels, bug=True), weights)
for name, r in bad.items():
    verdict = "passes" if passes(r) else f"fails: max relative error {r.max_rel_error:.2f}"
    print(f"{name}: {verdict}")
assert not passes(bad["W2"]) and bad["W2"].max_rel_error > 1e-2
assert all(passes(bad[k]) for k in weights if k != "W2")

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# The check names the one array whose gradient is wrong. For a two-layer RNN, write its
# `loss_and_grads` in the same shape (a dict of arrays in, loss and a dict of gradients out,
# `hprev` included) and run the same check on a tiny size: a missing `dhnext` for either layer,
# or a gradient that does not flow from layer 2 back into layer 1, shows up as the arrays that
# fail. (The same check works for the library's stacked LSTM and GRU; notebook 12 runs it on a
# one-layer LSTM.)

# %% [markdown] slideshow={"slide_type": "slide"} tags=["homework-only"]
# ## 9 · Checking a network of your own (optional)
#
# *A side road: skip it on a first reading.*
#
# Two requests under the gist: one learner stacked two recurrent layers and could not tell why
# it would not learn; another wanted a plain network with 2 inputs, hidden layers of 20 and 10 units
# and 5 outputs. The tool that settles both is the one of sections 6 and 7:
# `rnn_lib.gradcheck(f, arrays)` accepts **any** function `f` that takes a dict of arrays and returns
# a loss and a dict of their gradients. Write the network's loss and backward pass in that shape
# (with `hprev` among the arrays, for an RNN) and run the check on a tiny size, with weights of
# standard deviation 0.5 as in section 2. As section 7 showed with `dhnext`, a wrong line shows up as
# the arrays that fail, while the arrays it does not reach still pass: the check names where to look.
# A missing `dhnext` for either layer of a two-layer RNN, or a gradient that does not flow from
# layer 2 back into layer 1, shows up that way. (The same check works for the library's stacked
# LSTM and GRU; notebook 12 runs it on a one-layer LSTM.)

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## Summary
#
# | | line | maths | shape | why |
# |---|---|---|---|---|
# | L1 | `dy = ps[t].copy(); dy[targets[t]] -= 1` | $\partial L_t/\partial y_t = p_t - \text{onehot}(r_t)$ | $(V,1)$ | softmax + cross-entropy (02) |
# | L2 | `dWhy += dy @ hs[t].T` | $\sum_t \frac{\partial L}{\partial y_t} h_t^\top$ | $(V,H)$ | outer product; `Why` shared by all steps |
# | L3 | `dby += dy` | $\sum_t \frac{\partial L}{\partial y_t}$ | $(V,1)$ | bias enters with derivative 1 |
# | L4 | `dh = Why.T @ dy + dhnext` | $\frac{\partial L}{\partial h_t} = W_{hy}^\top \frac{\partial L}{\partial y_t} + \big(\frac{\partial L}{\partial h_t}\big)_{\text{future}}$ | $(H,1)$ | sum over outputs $k$; two branches add |
# | L5 | `dhraw = (1 - hs[t]**2) * dh` | $\frac{\partial L}{\partial a_t} = (1 - h_t^2) \odot \frac{\partial L}{\partial h_t}$ | $(H,1)$ | diagonal Jacobian of tanh |
# | L6 | `dbh += dhraw` | $\sum_t \frac{\partial L}{\partial a_t}$ | $(H,1)$ | shared bias |
# | L7 | `dWxh += dhraw @ xs[t].T` | $\sum_t \frac{\partial L}{\partial a_t} x_t^\top$ | $(H,V)$ | one-hot: only column `inputs[t]` |
# | L8 | `dWhh += dhraw @ hs[t-1].T` | $\sum_t \frac{\partial L}{\partial a_t} h_{t-1}^\top$ | $(H,H)$ | `hs[-1]` is `hprev` |
# | L9 | `dhnext = Whh.T @ dhraw` | $\big(\frac{\partial L}{\partial h_{t-1}}\big)_{\text{future}} = W_{hh}^\top \frac{\partial L}{\partial a_t}$ | $(H,1)$ | sum over $i$; square, so only a numerical check catches `Whh @ dhraw` without `.T` |
#
# `dhnext` starts at zero and its final value ($\partial L/\partial$`hprev`) is dropped: truncated
# BPTT, whose gradient leaves out every path from a loss back across a chunk boundary (section 5). L5 and L9, repeated, are where gradients vanish (or explode): one step is bounded by
# $\|W_{hh}\|_2$ times the largest slope, the long run is set by the spectral radius of $W_{hh}$.

# %% [markdown] slideshow={"slide_type": "slide"} tags=["homework-only"]
# ## Summary
#
# | | computes | maths | shape | why |
# |---|---|---|---|---|
# | L1 | `dy` | $\partial L_t/\partial y_t = p_t - \text{onehot}(r_t)$ | $(V,1)$ | softmax + cross-entropy (02) |
# | L2 | `dWhy` | $\sum_t \frac{\partial L}{\partial y_t} h_t^\top$ | $(V,H)$ | outer product; `Why` shared by all steps |
# | L3 | `dby` | $\sum_t \frac{\partial L}{\partial y_t}$ | $(V,1)$ | bias enters with derivative 1 |
# | L4 | `dh` | $\frac{\partial L}{\partial h_t} = W_{hy}^\top \frac{\partial L}{\partial y_t} + \big(\frac{\partial L}{\partial h_t}\big)_{\text{future}}$ | $(H,1)$ | sum over outputs $k$; two branches add |
# | L5 | `dhraw` | $\frac{\partial L}{\partial a_t} = (1 - h_t^2) \odot \frac{\partial L}{\partial h_t}$ | $(H,1)$ | diagonal Jacobian of tanh |
# | L6 | `dbh` | $\sum_t \frac{\partial L}{\partial a_t}$ | $(H,1)$ | shared bias |
# | L7 | `dWxh` | $\sum_t \frac{\partial L}{\partial a_t} x_t^\top$ | $(H,V)$ | one-hot: only column `inputs[t]` |
# | L8 | `dWhh` | $\sum_t \frac{\partial L}{\partial a_t} h_{t-1}^\top$ | $(H,H)$ | `hs[-1]` is `hprev` |
# | L9 | `dhnext` | $\big(\frac{\partial L}{\partial h_{t-1}}\big)_{\text{future}} = W_{hh}^\top \frac{\partial L}{\partial a_t}$ | $(H,1)$ | sum over $i$; square, so only a numerical check catches a missing transpose |
#
# `dhnext` starts at zero and its final value ($\partial L/\partial$`hprev`) is dropped: truncated
# BPTT, whose gradient leaves out every path from a loss back across a chunk boundary (section 5). L5 and L9, repeated, are where gradients vanish (or explode): one step is bounded by
# $\|W_{hh}\|_2$ times the largest slope, the long run is set by the spectral radius of $W_{hh}$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. Why is `dhnext` zero when the loop starts, and why does that make the last step's gradient
#    exact even in the broken version of section 7?
# 2. `Whh @ dhraw` runs without an error. Why is it wrong, and what would reveal it?
# 3. A character never occurs among the chunk's inputs. What is its column of `dWxh`?
# 4. Why is it `dWhh += ...` but `dh = ...`?
# 5. A unit has $h_t = -0.999$. Roughly what fraction of the gradient reaching $h_t$ gets through
#    to $a_t$?
# 6. Why does the gradient check pass for `Why` and `by` even without `dhnext`?
# 7. After the loop, `dhnext` holds $\partial L/\partial$`hprev`. What would it take to use it
#    instead of dropping it?
#
# <details>
# <summary>Answers</summary>
#
# 1. $h_{T-1}$ feeds only $y_{T-1}$ inside this chunk; the next chunk's losses are not part of
#    $L$. So the last step's `dh` is `Why.T @ dy` either way.
# 2. The chain rule sums $\texttt{dhraw}[i]\,W_{hh}[i,j]$ over the row index $i$, which is row $j$
#    of $W_{hh}^\top$. `Whh @ dhraw` sums over the column index instead; since `Whh` is square the
#    shapes still match, so only a numerical gradient check (the one of L9 in section 4) catches it.
# 3. All zeros: $x_t^\top$ has its single 1 at the input character, so no step touches that column.
# 4. `Whh` is shared by all steps, so its gradient is a sum of contributions; `dh` is the gradient
#    for one particular $h_t$, computed afresh at each step.
# 5. $1 - 0.999^2 \approx 0.002$: about 0.2 %.
# 6. `dWhy` and `dby` only need `dy` and `hs[t]`, which come from the forward pass; `dhnext`
#    only changes `dh` and what is computed from it.
# 7. Carrying on into the previous chunk's backward pass, which needs that chunk's stored states
#    and has already updated the weights: in effect, BPTT over the whole text, with memory and time
#    growing with its length. Truncation caps the cost, and (section 8) a gradient from that far
#    back would be small anyway.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - A. Karpathy, *min-char-rnn.py*, the gist these notebooks rebuild:
#   https://gist.github.com/karpathy/d4dee566867f8291f086
# - Stanford CS231n, Lecture 10, *Recurrent Neural Networks* (min-char-rnn walk-through, and
#   gradient flow in RNNs): http://cs231n.stanford.edu/slides/2016/winter1516_lecture10.pdf
# - E. Bendersky, *Understanding how to implement a character-based RNN language model*, a
#   derivation of every gradient in the gist:
#   https://eli.thegreenplace.net/2018/understanding-how-to-implement-a-character-based-rnn-language-model/

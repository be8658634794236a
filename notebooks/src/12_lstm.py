# %% [markdown] slideshow={"slide_type": "slide"}
# # 12 · The LSTM
# ### Gates and an additive memory: what fixes the vanilla RNN's short reach
#
# Notebook 11 ended with a counting model, the n-gram, that predicts the held-out text better than the
# vanilla RNN of notebook 06. This notebook and the next take up the cells built to remember longer:
# the LSTM here, the GRU in notebook 13.
#
# **What you will learn**
#
# - why a vanilla RNN forgets (notebook 09, in one formula) and what a **gated, additive** state
#   changes about it;
# - the LSTM's equations with the shape of every array, one gate at a time in a diagram, and a one-layer
#   LSTM forward pass written from scratch that agrees with `rnn_lib.lstm` to $10^{-12}$;
# - its backward pass derived line by line, each line checked with centred differences, then
#   assembled and checked on every parameter (and you write the heart of it: the exercise);
# - how far back the gradient of one loss reaches in the **trained** LSTM compared with the trained
#   vanilla RNN, and what its forget gates do (two optional sections add a viewer that colours held-out
#   text by any gate of any unit, and the coupled forget and input gate, a bridge to the GRU).
#
# Notebook 13 continues with the GRU, a race between the three cells, and the comparison with the
# n-gram baseline of notebook 11.
#
# **Prerequisites:** notebook 03 (backpropagation through time: this notebook derives the LSTM's
# backward pass the same way) and notebook 09 (vanishing gradients: section 7 of this notebook repeats
# 09's section-4 measurement on the LSTM).
#
# **Time:** about 60 minutes without the parts marked *optional* (they add about 15), plus about 20
# minutes for the exercise, which writes lines (4) to (8) of the backward pass from the maths of section
# 4, and its written question in section 7.

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
# The library's LSTM, `rnn_lib.lstm`, has the same functions as the vanilla `rnn_lib.rnn`:
# `init_params`, `forward`, `backward`, `loss_and_grads`. The text and the split are those of every
# notebook since 06: the last 10 % of tiny Shakespeare is held out.

# %% slideshow={"slide_type": "skip"}
from pathlib import Path

from rnn_lib import lstm
from rnn_notebook.diagrams import gate_grid, lstm_diagram
from rnn_notebook.plotting import plot_gradient_reach

text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))
vocab = rnn_lib.CharVocab.from_text(text)
ids = vocab.encode(text)
train_ids, val_ids = rnn_lib.split_ids(ids, val_fraction=0.1, seq_length=25)
print(f"{len(text):,} characters, V = {len(vocab)}; training split {len(train_ids):,}, "
      f"validation split {len(val_ids):,}")
assert len(vocab) == 65

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Why gates: one matrix, multiplied again and again
#
# Notebook 09 found where a vanilla RNN loses its memory. Going one step back, the backward loop does
#
# $$\frac{\partial L}{\partial h_{t-1}} = W_{hh}^\top\Big((1 - h_t^2) \odot \frac{\partial L}{\partial h_t}\Big),$$
#
# so a gradient that travels $k$ steps back has been multiplied by $k$ matrices
# $W_{hh}^\top \operatorname{diag}(1 - h^2)$. In the trained Shakespeare RNN most units are saturated,
# the tanh slopes are small, and the product shrinks by a roughly constant factor per character: the
# loss of one character hardly reaches a line of verse back.
#
# The cure is to give the state a path on which going back one step is a multiplication by numbers
# the network **chooses**, elementwise, and that it can hold near 1. A factor per step compounds:

# %% slideshow={"slide_type": "fragment"}
for factor in (0.7, 0.9, 0.99):
    print(f"per-step factor {factor:4}: after 10 steps {factor ** 10:.1e}, after 50 {factor ** 50:.1e}, "
          f"after 200 {factor ** 200:.1e}")
assert 0.99 ** 200 > 0.1 > 1e-7 > 0.7 ** 50

# %% [markdown] slideshow={"slide_type": "fragment"}
# A factor of 0.7 per character (roughly what notebook 09 measured) leaves $10^{-8}$ after 50
# characters; 0.99 still leaves more than a tenth after 200. The LSTM's **forget gate** is that factor.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The LSTM
#
# Hochreiter and Schmidhuber (1997) added a second state vector, the **cell** $c_t$, next to $h_t$;
# the forget gate is the later addition of Gers, Schmidhuber and Cummins (2000). One step, with
# $\sigma(a) = 1/(1 + e^{-a})$ and $\odot$ the elementwise product:
#
# $$
# \begin{aligned}
# z_t &= W_x\,x_t + W_h\,h_{t-1} + b && (4H,1)\quad\text{four blocks of } H \text{ rows: } z^i, z^f, z^o, z^g\\
# i_t &= \sigma(z^i_t),\quad f_t = \sigma(z^f_t),\quad o_t = \sigma(z^o_t) && (H,1)\quad\text{input, forget, output gates, in } (0,1)\\
# g_t &= \tanh(z^g_t) && (H,1)\quad\text{candidate values, in } (-1,1)\\
# c_t &= f_t \odot c_{t-1} + i_t \odot g_t && (H,1)\quad\text{the cell: keep a part, add a part}\\
# h_t &= o_t \odot \tanh(c_t) && (H,1)\quad\text{what the rest of the network sees}\\
# y_t &= W_{hy}\,h_t + b_y,\quad p_t = \operatorname{softmax}(y_t) && (V,1)\quad\text{as in the vanilla RNN}
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# | symbol | `rnn_lib.lstm` name | shape | | state | shape |
# |---|---|---|---|---|---|
# | $W_x$ | `Wx0` | $(4H, V)$ | | $h_t$, $c_t$ | $(H,1)$ each |
# | $W_h$ | `Wh0` | $(4H, H)$ | | `hprev` $= [h_{-1}; c_{-1}]$ | $(2H,1)$ |
# | $b$ | `b0` | $(4H, 1)$ | | $z_t$ | $(4H,1)$ |
# | $W_{hy}$, $b_y$ | `Why`, `by` | $(V,H)$, $(V,1)$ | | $i_t, f_t, o_t, g_t$ | $(H,1)$ each |
#
# - $z_t$ here is the vector of the four **pre-activations**, the LSTM's counterpart of the vanilla
#   RNN's $a_t$ (notebook 03). Careful in notebook 13: there the GRU's $z_t$ is a gate, its update gate,
#   in $(0, 1)$.
# - The four blocks share **one** matrix product per step: rows $0{:}H$ are $i$, $H{:}2H$ are $f$,
#   $2H{:}3H$ are $o$, $3H{:}4H$ are $g$ (Karpathy's char-rnn order; PyTorch stores $i, f, g, o$).
# - The `0` in `Wx0` is the layer: `rnn_lib` stacks layers as `Wx1, Wh1, b1, ...`. We use one.
# - The library passes the two state vectors as one stacked array, `hprev` $= [h; c]$, so that an
#   LSTM fits the same training loop as the vanilla RNN.
# - `init_params` sets the forget-gate biases to 1 by default, so that $f \approx \sigma(1) = 0.73$ at the
#   start and the cell remembers from the first step (Jozefowicz, Zaremba and Sutskever, 2015). It is a
#   default (`init_params(..., forget_bias=...)`, CLI `--forget-bias`), not a law, and worth measuring on
#   your own problem: the one-layer models of section 7 and of notebook 13 use the default 1, the 2-layer
#   model of notebook 13 (section 4) starts from 0.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The cell as a diagram. Along the top runs the cell state: it is **multiplied by $f$ and added to**,
# and never passes through a weight matrix or a squashing function on its way from $c_{t-1}$ to $c_t$.

# %% slideshow={"slide_type": "fragment"}
_ = lstm_diagram(gradient=True)

# %% [markdown] slideshow={"slide_type": "notes"}
# Follow the orange line first: everything the cell remembers travels there, touched only by one product
# (forget) and one sum (write); the red arrow is the gradient, which one step back is only multiplied by
# $f$. The vanilla RNN, by contrast, recomputes its whole state through $\tanh(W_{hh} h + \dots)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One path at a time
#
# Each panel colours one path, from the inputs to where it acts, under its equation.

# %% slideshow={"slide_type": "fragment"}
_ = gate_grid("lstm", ["forget", "input", "candidate", "output"])

# %% [markdown] slideshow={"slide_type": "notes"}
# All four blocks read $h_{t-1}$ and $x_t$; where their outputs go tells them apart.
#
# - **Forget** $f_t$: how much of each entry of the old cell is kept (near 1 keep, near 0 wipe), the only
#   factor on the cell line (the per-step factor of section 1).
# - **Input** $i_t$: how much of each candidate value is written into the cell (never the old cell).
# - **Candidate** $g_t$: the values, in $(-1, 1)$, that may be added to the cell.
# - **Output** $o_t$: how much of each squashed cell entry the rest of the network sees; it can hide an
#   entry that stays in the cell.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The forward pass from scratch
#
# A tiny model in float64, as in notebook 03: the text `"hello world"` ($V = 8$), $H = 4$ units, a chunk
# of $T = 6$ steps. `lstm.init_params` draws the weights uniformly in $\pm 1/\sqrt{H}$; we make the
# biases and the starting state random too, so that their gradients are worth checking.

# %% slideshow={"slide_type": "fragment"}
SEED = 11
rng = np.random.default_rng(SEED)
small_vocab = rnn_lib.CharVocab.from_text("hello world")
V, H, T = len(small_vocab), 4, 6
small_ids = small_vocab.encode("hello world")
inputs, targets = small_ids[:T], small_ids[1:T + 1]
params = lstm.init_params(V, H, rng)                   # Wx0, Wh0, b0, Why, by in float64
params["b0"] += rng.normal(0, 0.5, (4 * H, 1))          # the forget block keeps its +1 on average
params["by"] += rng.normal(0, 0.5, (V, 1))
hprev = np.vstack([rng.normal(0, 0.5, (H, 1)), rng.normal(0, 1.0, (H, 1))])  # [h_{-1}; c_{-1}]
print(f"V = {V}, H = {H}, T = {T}: inputs {small_vocab.decode(inputs)!r} -> targets {small_vocab.decode(targets)!r}")
for name, value in params.items():
    print(f"  {name:>3}  shape {str(value.shape):>7}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The forward pass keeps, per step, what the backward pass will need: one-hot inputs `xs`, states
# `hs` and `cs` (with `hs[-1]`, `cs[-1]` from `hprev`), the four gates, logits `ys` and probabilities
# `ps`. Multiplying `Wx0` by a one-hot vector picks one of its columns.

# %% slideshow={"slide_type": "fragment"}
def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def lstm_forward(params, inputs, targets, hprev):
    """Loss and per-step caches of a one-layer LSTM over one chunk; hprev (2H,1) is [h; c]."""
    Wx, Wh, b, Why, by = (params[k] for k in ("Wx0", "Wh0", "b0", "Why", "by"))
    H = Wh.shape[1]
    xs, hs, cs, gates, ys, ps = {}, {-1: hprev[:H].copy()}, {-1: hprev[H:].copy()}, {}, {}, {}
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = np.zeros((Wx.shape[1], 1))
        xs[t][inputs[t]] = 1
        z = Wx @ xs[t] + Wh @ hs[t - 1] + b                           # (4H, 1)
        i, f, o = sigmoid(z[:H]), sigmoid(z[H:2 * H]), sigmoid(z[2 * H:3 * H])
        g = np.tanh(z[3 * H:])
        cs[t] = f * cs[t - 1] + i * g
        hs[t] = o * np.tanh(cs[t])
        gates[t] = (i, f, o, g)
        ys[t] = Why @ hs[t] + by
        e = np.exp(ys[t] - ys[t].max())
        ps[t] = e / e.sum()
        loss += -np.log(ps[t][targets[t], 0])
    return float(loss), {"xs": xs, "hs": hs, "cs": cs, "gates": gates, "ys": ys, "ps": ps}


loss, cache = lstm_forward(params, inputs, targets, hprev)
print(f"loss L = {loss:.4f} nats over {T} steps (uniform guessing: T ln V = {T * np.log(V):.4f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# `rnn_lib.lstm.forward` computes the same with row-wise states and a single exponential per step
# for all four gates. It stores the logits shifted by their maximum (softmax does not change).
# **Expected:** the state after the last step, $[h_{T-1}; c_{T-1}]$, every shifted logit and the loss
# agree to $10^{-12}$.

# %% slideshow={"slide_type": "fragment"}
def max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


lib = lstm.forward(params, inputs, hprev)
ours_last = np.vstack([cache["hs"][T - 1], cache["cs"][T - 1]])
ours_logits = np.hstack([cache["ys"][t] - cache["ys"][t].max() for t in range(T)]).T   # (T, V)
checks = {"h_last = [h; c]": max_diff(ours_last, lib["h_last"]),
          "logits": max_diff(ours_logits, lib["logits"]),
          "loss": abs(loss - lstm.cross_entropy(lib, targets))}
for name, diff in checks.items():
    print(f"{name:>16}: from scratch == rnn_lib.lstm to 1e-12: {diff < 1e-12}")
assert all(diff < 1e-12 for diff in checks.values())

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## 4 · The backward pass, line by line
#
# One loop over the steps in reverse, as in notebook 03. Two gradients now arrive from step $t+1$:
# `dhnext` into $h_t$ and `dcnext` into $c_t$. Both start at zero after the last step.
#
# ```python
# dy = ps[t].copy(); dy[targets[t]] -= 1                  # (1) into the logits, as before
# dWhy += dy @ hs[t].T; dby += dy                         # (2) the output layer, as before
# dh = Why.T @ dy + dhnext                                # (3) into h_t: from y_t and from step t+1
# do = dh * tanh_c                                        # (4) h_t = o * tanh(c_t)
# dc = dh * o * (1 - tanh_c**2) + dcnext                  # (5) into c_t: through h_t, and from c_{t+1}
# di, df, dg = dc * g, dc * cs[t - 1], dc * i             # (6) c_t = f * c_{t-1} + i * g
# dcnext = dc * f                                         # (7) along the cell, into c_{t-1}
# dz = [di * i*(1-i); df * f*(1-f); do * o*(1-o); dg * (1-g**2)]   # (8) through sigma and tanh
# dWx += dz @ xs[t].T; dWh += dz @ hs[t - 1].T; db += dz  # (9) the gates' weights
# dhnext = Wh.T @ dz                                      # (10) into h_{t-1}
# ```
#
# (`tanh_c` is $\tanh(c_t)$.) Lines (1), (2), (9) and (10) have the vanilla RNN's pattern, with $z_t$ in
# the place of $a_t$. The new lines are (4) to (8): we derive each and check it numerically.

# %% [markdown] slideshow={"slide_type": "slide"} tags=["homework-only"]
# ## 4 · The backward pass, line by line
#
# One loop over the steps in reverse, as in notebook 03. Two gradients now arrive from step $t+1$:
# `dhnext` into $h_t$ and `dcnext` into $c_t$. Both start at zero after the last step.
#
# ```python
# dy = ps[t].copy(); dy[targets[t]] -= 1                  # (1) into the logits, as before
# dWhy += dy @ hs[t].T; dby += dy                         # (2) the output layer, as before
# dh = Why.T @ dy + dhnext                                # (3) into h_t: from y_t and from step t+1
# ...                                                     # (4) to (8): through the cell and the gates,
# ...                                                     #     from dh and dcnext to dz = dL/dz_t and
# ...                                                     #     to the dcnext of step t-1 (the exercise)
# dWx += dz @ xs[t].T; dWh += dz @ hs[t - 1].T; db += dz  # (9) the gates' weights
# dhnext = Wh.T @ dz                                      # (10) into h_{t-1}
# ```
#
# Lines (1), (2), (9) and (10) have the vanilla RNN's pattern, with $z_t$ in the place of $a_t$. The
# new lines are (4) to (8): the maths of each is derived below, and you write them in the exercise.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The checking tool: nudge one quantity of one step
#
# As in notebook 03, centred differences with $\varepsilon = 10^{-5}$ in float64 are accurate to about
# $10^{-10}$: **a derived gradient is right when it agrees with the numerical one to $10^{-8}$**. To get
# $\partial L/\partial q$ for any quantity $q$ of step $s$ (a gate, $z$, $c_s$ or $h_s$), the function
# below reruns the chunk with a small vector added to $q$ right after it is computed.

# %% slideshow={"slide_type": "fragment"}
def loss_nudged(s, **nudge):
    """The chunk's loss with step s nudged: z (4H,1) added to the pre-activations, i, f, o, g to
    the gates, c to c_s and h to h_s (each an (H,1) array), right after they are computed."""
    Wx, Wh, b, Why, by = (params[k] for k in ("Wx0", "Wh0", "b0", "Why", "by"))
    h, c, total = hprev[:H], hprev[H:], 0.0
    for t in range(T):
        d = nudge if t == s else {}
        z = Wx[:, [inputs[t]]] + Wh @ h + b + d.get("z", 0)    # Wx @ onehot = one column of Wx
        i = sigmoid(z[:H]) + d.get("i", 0)
        f = sigmoid(z[H:2 * H]) + d.get("f", 0)
        o = sigmoid(z[2 * H:3 * H]) + d.get("o", 0)
        g = np.tanh(z[3 * H:]) + d.get("g", 0)
        c = f * c + i * g + d.get("c", 0)
        h = o * np.tanh(c) + d.get("h", 0)
        y = Why @ h + by
        total += np.log(np.exp(y).sum()) - y[targets[t], 0]   # -log softmax(y)[target]
    return float(total)


def numerical_gradient(f, x, eps=1e-5):
    """Centred differences of the scalar function f at the array x, one entry at a time."""
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[k] = eps
        grad[k] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def grad_of(name, s):
    """dL/d(name at step s), numerically: name is 'z', 'i', 'f', 'o', 'g', 'c' or 'h'."""
    size = 4 * H if name == "z" else H
    return numerical_gradient(lambda d: loss_nudged(s, **{name: d}), np.zeros((size, 1)))


print(f"no nudge gives the loss of lstm_forward to 1e-12: {abs(loss_nudged(0) - loss) < 1e-12}")
assert abs(loss_nudged(0) - loss) < 1e-12   # no nudge: the loss of lstm_forward

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["reading-only"]
# We check at step $s = 2$, in the middle of the chunk, where gradients arrive both from the step's own
# loss and from the future. The numerical gradients with respect to every quantity of steps 1, 2 and 3:

# %% [markdown] slideshow={"slide_type": "subslide"} tags=["homework-only"]
# We check at step $s = 2$, in the middle of the chunk, where gradients arrive both from the step's own
# loss and from the future. The cell below computes the numerical gradients with respect to every
# quantity of steps 1, 2 and 3, `num[name, t]`.
#
# Use them to check your lines of the exercise (section 5) as you write them. Call your function on
# step $s$ with `dh = num["h", s]` (the whole gradient reaching $h_s$) and, for `dcnext`, the road
# along the cell of section (5) built from `num["c", s + 1]` and the forget gate of step $s + 1$,
# `cache["gates"][s + 1][1]`; the cell below also takes `i, f, o, g`, `c_prev` and `tanh_c` of step
# $s$ from the forward pass. Your `dz` must then equal `num["z", s]` to $10^{-8}$, and the gradients of
# your intermediate lines `num["o", s]` (4), `num["c", s]` (5) and `num["i", s]`, `num["f", s]`,
# `num["g", s]` (6).

# %% slideshow={"slide_type": "fragment"}
s = 2
num = {(name, t): grad_of(name, t) for name in ("z", "i", "f", "o", "g", "c", "h") for t in (s - 1, s, s + 1)}
i, f, o, g = cache["gates"][s]
c, c_prev, tanh_c = cache["cs"][s], cache["cs"][s - 1], np.tanh(cache["cs"][s])
print(f"{len(num)} numerical gradients; e.g. dL/dc_{s} = {num['c', s].ravel()}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### (4) The output gate
#
# $h_t = o_t \odot \tanh(c_t)$ entry by entry: $h_t[j]$ depends on $o_t[j]$ only, with slope
# $\tanh(c_t[j])$. The Jacobian is diagonal, so the chain rule is an elementwise product:
#
# $$\frac{\partial L}{\partial o_t} = \frac{\partial L}{\partial h_t} \odot \tanh(c_t).$$
#
# `dh` here is the **whole** gradient reaching $h_t$ (line 3: from $y_t$ and from step $t+1$).

# %% [markdown] tags=["reading-only"]
# **Expected:** the numerical $\partial L/\partial h_s$ times $\tanh(c_s)$ equals the numerical
# $\partial L/\partial o_s$ to $10^{-8}$.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
do = num["h", s] * tanh_c
print("dh * tanh(c):", do.ravel())
print("numerical:   ", num["o", s].ravel())
assert max_diff(do, num["o", s]) < 1e-8

# %% [markdown] slideshow={"slide_type": "slide"}
# ### (5) Into the cell: two roads
#
# $c_t$ is used twice, like $h_t$ in notebook 03: by $h_t = o_t \odot \tanh(c_t)$ now, and by
# $c_{t+1} = f_{t+1} \odot c_t + \dots$ at the next step. The two contributions add:
#
# $$\frac{\partial L}{\partial c_t} = \underbrace{\frac{\partial L}{\partial h_t} \odot o_t \odot
# \big(1 - \tanh^2(c_t)\big)}_{\text{through } h_t} + \underbrace{f_{t+1} \odot
# \frac{\partial L}{\partial c_{t+1}}}_{\texttt{dcnext}:\ \text{along the cell}}$$

# %% [markdown] tags=["reading-only"]
# **Expected:** built from the numerical $\partial L/\partial h_s$ and $\partial L/\partial c_{s+1}$,
# this equals the numerical $\partial L/\partial c_s$ to $10^{-8}$; without `dcnext` it misses.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
f_next = cache["gates"][s + 1][1]
dcnext = f_next * num["c", s + 1]                      # line (7) of step s+1
dc = num["h", s] * o * (1 - tanh_c ** 2) + dcnext
dc_without = num["h", s] * o * (1 - tanh_c ** 2)
print("derived:     ", dc.ravel())
print("numerical:   ", num["c", s].ravel())
print(f"without dcnext it misses by {max_diff(dc_without, num['c', s]):.3f}")
assert max_diff(dc, num["c", s]) < 1e-8 and max_diff(dc_without, num["c", s]) > 1e-2

# %% [markdown] slideshow={"slide_type": "fragment"}
# The second road is the additive path: going back along the cell is **only** a multiplication by
# the forget gate, $\partial c_{t+1}/\partial c_t = \operatorname{diag}(f_{t+1})$ (with the gates held
# fixed). No $W_h$, no tanh slope.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### (6) The gates that write and keep: $i_t$, $f_t$, $g_t$
#
# $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ is a sum of two elementwise products. Each factor's
# gradient is `dc` times the **other** factor:
#
# $$\frac{\partial L}{\partial i_t} = \frac{\partial L}{\partial c_t} \odot g_t, \qquad
# \frac{\partial L}{\partial g_t} = \frac{\partial L}{\partial c_t} \odot i_t, \qquad
# \frac{\partial L}{\partial f_t} = \frac{\partial L}{\partial c_t} \odot c_{t-1}.$$
#
# The forget gate multiplies the **previous** cell, $c_{t-1}$ (`cs[t - 1]`), not $c_t$.

# %% [markdown] tags=["reading-only"]
# **Expected:** all three match the numerical gradients to $10^{-8}$; $c_t$ in place of $c_{t-1}$ misses.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
di, df, dg = dc * g, dc * c_prev, dc * i
for name, derived in (("i", di), ("f", df), ("g", dg)):
    print(f"d{name}: within 1e-8 of numerical: {max_diff(derived, num[name, s]) < 1e-8}")
    assert max_diff(derived, num[name, s]) < 1e-8
print(f"df with c_t instead of c_(t-1) misses by {max_diff(dc * c, num['f', s]):.3f}")
assert max_diff(dc * c, num["f", s]) > 1e-2

# %% [markdown] slideshow={"slide_type": "slide"}
# ### (8) Through the nonlinearities: $\sigma'$ and $\tanh'$
#
# The sigmoid's derivative, like tanh's, is written with its own output:
#
# $$\sigma'(a) = \frac{e^{-a}}{(1 + e^{-a})^2} = \sigma(a)\,\big(1 - \sigma(a)\big), \qquad
# \tanh'(a) = 1 - \tanh^2(a).$$
#
# So $\partial L/\partial z^i = \partial L/\partial i \odot i(1 - i)$, the same for $f$ and $o$, and
# $\partial L/\partial z^g = \partial L/\partial g \odot (1 - g^2)$; stacked in the order $i, f, o, g$ they
# form `dz` $(4H,1)$. Note that $\sigma' \le 1/4$: a sigmoid gate passes at most a quarter of its
# gradient to its pre-activation.

# %% [markdown] tags=["reading-only"]
# **Expected:** $\sigma(1-\sigma)$ matches centred differences of $\sigma$ on a grid, with maximum $1/4$;
# the stacked `dz` matches the numerical $\partial L/\partial z_s$ to $10^{-8}$; using $1 - \sigma^2$ on
# the sigmoid gates misses.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
a = np.linspace(-6, 6, 241)
slope_num = (sigmoid(a + 1e-5) - sigmoid(a - 1e-5)) / 2e-5
assert max_diff(sigmoid(a) * (1 - sigmoid(a)), slope_num) < 1e-8
print(f"sigma(1 - sigma) matches centred differences; largest value {np.max(slope_num):.4f} at a = 0")
dz = np.vstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)])
dz_wrong = np.vstack([di * (1 - i ** 2), df * (1 - f ** 2), do * (1 - o ** 2), dg * (1 - g ** 2)])
print(f"dz: within 1e-8 of numerical: {max_diff(dz, num['z', s]) < 1e-8}; "
      f"with tanh' on the sigmoid gates it misses by {max_diff(dz_wrong, num['z', s]):.3f}")
assert max_diff(dz, num["z", s]) < 1e-8 and max_diff(dz_wrong, num["z", s]) > 1e-2

# %% [markdown] slideshow={"slide_type": "slide"}
# ### (3), (10) Back into $h_{t-1}$, and the weights
#
# All four blocks of $z_t$ read $h_{t-1}$ through $W_h$, so, exactly as `Whh.T @ dhraw` in notebook 03,
# the gradient into $h_{t-1}$ through step $t$ is $W_h^\top\,\partial L/\partial z_t$: one product for
# all four gates, $(H,4H)(4H,1) = (H,1)$. Add the output's `Why.T @ dy` and you have line (3) of the
# step before. The weight gradients are outer products, summed over the steps:
# $\partial L/\partial W_x \mathrel{+}= \texttt{dz}\,x_t^\top$, $\partial L/\partial W_h \mathrel{+}= \texttt{dz}\,h_{t-1}^\top$,
# $\partial L/\partial b \mathrel{+}= \texttt{dz}$ (the full check of section 6 covers them).
#
# **Expected:** `Why.T @ dy` at step $s-1$ plus $W_h^\top$ times the numerical $\partial L/\partial z_s$
# equals the numerical $\partial L/\partial h_{s-1}$ to $10^{-8}$.

# %% slideshow={"slide_type": "fragment"}
dy = cache["ps"][s - 1].copy()
dy[targets[s - 1]] -= 1
dh_prev = params["Why"].T @ dy + params["Wh0"].T @ num["z", s]
print("derived:  ", dh_prev.ravel())
print("numerical:", num["h", s - 1].ravel())
assert max_diff(dh_prev, num["h", s - 1]) < 1e-8

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · One step through the cell and the gates
#
# ### Exercise · `lstm_gate_backward` (4 points)
#
# Write lines (4) to (8): one step's backward pass through the cell and the four gates.
# `lstm_gate_backward(dh, dcnext, c_prev, i, f, o, g, tanh_c)` receives
#
# - `dh` $= \partial L/\partial h_t$, already the sum of line (3), and `dcnext`, the gradient that reaches
#   $c_t$ from step $t+1$ (zero at the last step of a chunk);
# - `c_prev` $= c_{t-1}$, the gate activations `i, f, o, g` and `tanh_c` $= \tanh(c_t)$ from the forward pass;
#
# all of the same shape $(H, B)$, one column per stream ($B = 1$ in section 6; the tests also use
# several columns), and returns
#
# - `dz` $(4H, B)$: the gradients of the four pre-activations, stacked **in the order i, f, o, g**
#   (`np.vstack`);
# - `dc_prev` $(H, B)$: the gradient that goes on to $c_{t-1}$ along the cell (the next iteration's
#   `dcnext`).
#
# Use numpy only: every product is elementwise (`*`). Do not change the arrays you are given. Section 6
# builds the whole backward pass on your function, and section 7 measures the trained LSTM with it.

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": false, "grade_id": "lstm_gate_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lstm_gate_backward(dh, dcnext, c_prev, i, f, o, g, tanh_c):
    """One LSTM step backward through the cell and the gates (lines 4 to 8).

    Parameters
    ----------
    dh : array, shape (H, B)
        dL/dh_t, from the output and from step t+1 (line 3).
    dcnext : array, shape (H, B)
        The gradient reaching c_t from step t+1 (zeros at the last step of a chunk).
    c_prev : array, shape (H, B)
        c_{t-1}.
    i, f, o, g : arrays, shape (H, B)
        The gates of step t after their nonlinearities (sigmoid for i, f, o; tanh for g).
    tanh_c : array, shape (H, B)
        tanh(c_t).

    Returns
    -------
    dz : array, shape (4H, B)
        dL/dz_t, blocks i, f, o, g.
    dc_prev : array, shape (H, B)
        dL/dc_{t-1} along the cell.
    """
    ### BEGIN SOLUTION
    dc = dh * o * (1 - tanh_c ** 2) + dcnext
    di, df, do, dg = dc * g, dc * c_prev, dh * tanh_c, dc * i
    dz = np.vstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)])
    dc_prev = dc * f
    ### END SOLUTION
    return dz, dc_prev

# %% [markdown] slideshow={"slide_type": "subslide"}
# **The test cells.** One step alone has a loss whose gradients are exactly what your function returns:
# run the forward step of section 3 from a pre-activation $z$ and a previous cell $c_{t-1}$, and score
#
# $$L_{\text{step}} = \sum \texttt{dh} \odot h_t + \sum \texttt{dcnext} \odot c_t .$$
#
# Its gradient with respect to $h_t$ is `dh`, and the part that reaches $c_t$ directly is `dcnext`, so
# $\partial L_{\text{step}}/\partial z$ is your `dz` and $\partial L_{\text{step}}/\partial c_{t-1}$ your
# `dc_prev`. The class below builds such a step from random numbers ($H = 3$, $B = 2$) and feeds your
# function the values of its forward pass. Four test cells, one per part, compare with centred
# differences of $L_{\text{step}}$: **the output gate** (rows $2H{:}3H$ of `dz`), **the input gate and
# the candidate** (rows $0{:}H$ and $3H{:}4H$), **the forget gate** (rows $H{:}2H$) and **`dc_prev`**,
# 1 point each; the last part also checks that your function leaves its inputs unchanged.
# A right answer has relative errors below $10^{-6}$. Your function is also checked with other sizes,
# with saturated gates and on a step of `rnn_lib.lstm`.

# %% slideshow={"slide_type": "skip"}
from rnn_notebook import checks


class GateStep:
    """Random inputs of one LSTM step, and the step's loss sum(dh * h_t) + sum(dcnext * c_t)."""

    def __init__(self, seed, H=3, B=2):
        rng = np.random.default_rng(seed)
        self.H = H
        self.z = rng.normal(0, 1.5, (4 * H, B))                  # pre-activations, blocks i, f, o, g
        self.c_prev, self.dh, self.dcnext = (rng.normal(0, 1, (H, B)) for _ in range(3))

    def forward(self, z, c_prev):
        """The forward step of lstm_forward (section 3): the gates, c_t and h_t."""
        H = self.H
        i, f, o = sigmoid(z[:H]), sigmoid(z[H:2 * H]), sigmoid(z[2 * H:3 * H])
        g = np.tanh(z[3 * H:])
        c = f * c_prev + i * g
        return (i, f, o, g), c, o * np.tanh(c)

    def loss(self, z, c_prev):
        _, c, h = self.forward(z, c_prev)
        return float(np.sum(self.dh * h) + np.sum(self.dcnext * c))

    def backward_with(self, fn, check_inputs=False):
        """fn's (dz, dc_prev) for this step, given copies of its inputs, checking that it returns two arrays,
        and with check_inputs that it changes none of its inputs."""
        (i, f, o, g), c, _ = self.forward(self.z, self.c_prev)
        names = ("dh", "dcnext", "c_prev", "i", "f", "o", "g", "tanh_c")
        inputs = (self.dh, self.dcnext, self.c_prev, i, f, o, g, np.tanh(c))
        copies = [a.copy() for a in inputs]
        out = fn(*copies)
        for name, before, after in zip(names, inputs, copies) if check_inputs else ():
            checks.expect_unchanged(before, after, name)
        assert isinstance(out, tuple) and len(out) == 2, "return two arrays: return dz, dc_prev"
        return out

    def expect_dz_block(self, dz, gate, hint):
        """The block of dz for gate ('i', 'f', 'o' or 'g') against centred differences of the loss in z."""
        rows = slice("ifog".index(gate) * self.H, ("ifog".index(gate) + 1) * self.H)
        dz = np.asarray(dz)
        assert dz.shape == self.z.shape, (
            f"dz should have shape {self.z.shape}, the four ({self.H}, {self.z.shape[1]}) blocks stacked "
            f"with np.vstack; got {dz.shape}")
        checks.expect_gradient(dz[rows], lambda _: self.loss(self.z, self.c_prev), self.z[rows],
                               f"dz_{gate} (rows {rows.start}:{rows.stop} of dz)", hint)

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_lstm_gate_backward_dz_o", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_lstm_gate_backward

for seed, kwargs in ((1, {}), (2, {"H": 1}), (3, {"H": 6, "B": 3}), (4, {"scale": 5.0})):
    check_lstm_gate_backward(lstm_gate_backward, seed=seed, part="dz_o", **kwargs)
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("lstm_gate_backward", "output gate dz_o"):
    step = GateStep(seed=0)
    dz_step, _ = step.backward_with(lstm_gate_backward)
    step.expect_dz_block(dz_step, "o", hint="the output gate acts after the cell, in h_t = o * tanh(c_t):\n"
                                           "which gradient reaches o, dh or dc? Then sigma' of o.")

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_lstm_gate_backward_dz_i_g", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_lstm_gate_backward

for seed, kwargs in ((1, {}), (2, {"H": 1}), (3, {"H": 6, "B": 3}), (4, {"scale": 5.0})):
    check_lstm_gate_backward(lstm_gate_backward, seed=seed, part="dz_i_g", **kwargs)
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("lstm_gate_backward", "input gate and candidate dz_i, dz_g"):
    step = GateStep(seed=1)
    dz_step, _ = step.backward_with(lstm_gate_backward)
    step.expect_dz_block(dz_step, "i", hint="i multiplies g in c_t: start from dc (both roads into c_t),\n"
                                           "then sigma' of i. If dz_g, dz_f and dc_prev fail too, check dc.")
    step.expect_dz_block(dz_step, "g", hint="g = tanh(z_g) is not a sigmoid: its slope is 1 - g**2.")

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_lstm_gate_backward_dz_f", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_lstm_gate_backward

for seed, kwargs in ((1, {}), (2, {"H": 1}), (3, {"H": 6, "B": 3}), (4, {"scale": 5.0})):
    check_lstm_gate_backward(lstm_gate_backward, seed=seed, part="dz_f", **kwargs)
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("lstm_gate_backward", "forget gate dz_f"):
    step = GateStep(seed=2)
    dz_step, _ = step.backward_with(lstm_gate_backward)
    step.expect_dz_block(dz_step, "f", hint="f multiplies the PREVIOUS cell c_{t-1} in c_t; then sigma' of f.")

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_lstm_gate_backward_dc_prev", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_lstm_gate_backward

for seed, kwargs in ((1, {}), (2, {"H": 1}), (3, {"H": 6, "B": 3}), (4, {"scale": 5.0})):
    check_lstm_gate_backward(lstm_gate_backward, seed=seed, part="dc_prev", **kwargs)
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("lstm_gate_backward", "along the cell dc_prev"):
    step = GateStep(seed=3)
    _, dc_prev_step = step.backward_with(lstm_gate_backward, check_inputs=True)
    checks.expect_gradient(dc_prev_step, lambda c_prev: step.loss(step.z, c_prev), step.c_prev.copy(),
                           "dc_prev", hint="c_{t-1} enters c_t once, multiplied by f; and dc has two roads:\n"
                                           "through h_t, and dcnext.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · The whole backward pass, and the full check
#
# The loop of section 4 with your function in the middle. After the loop, `dhnext` and `dcnext` are
# the gradients for the starting state, returned stacked like `hprev`.

# %% slideshow={"slide_type": "fragment"} needs=["lstm_gate_backward"]
def lstm_backward(params, targets, cache, gate_backward=lstm_gate_backward):
    """Gradients (keyed like params) and dL/dhprev (2H,1) = [dL/dh_{-1}; dL/dc_{-1}]."""
    Wh, Why = params["Wh0"], params["Why"]
    xs, hs, cs, gates, ps = (cache[k] for k in ("xs", "hs", "cs", "gates", "ps"))
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext, dcnext = np.zeros_like(hs[0]), np.zeros_like(cs[0])   # nothing comes back from beyond the chunk
    for t in reversed(range(len(targets))):
        dy = ps[t].copy()
        dy[targets[t]] -= 1
        grads["Why"] += dy @ hs[t].T
        grads["by"] += dy
        dh = Why.T @ dy + dhnext
        i, f, o, g = gates[t]
        dz, dcnext = gate_backward(dh, dcnext, cs[t - 1], i, f, o, g, np.tanh(cs[t]))
        grads["Wx0"] += dz @ xs[t].T
        grads["Wh0"] += dz @ hs[t - 1].T
        grads["b0"] += dz
        dhnext = Wh.T @ dz
    return grads, np.vstack([dhnext, dcnext])


grads, dhprev = lstm_backward(params, targets, cache)
print({k: v.shape for k, v in grads.items()}, "dhprev:", dhprev.shape)

# %% [markdown] slideshow={"slide_type": "subslide"}
# `rnn_lib.gradcheck(f, arrays)` nudges every entry of every array by $\pm 10^{-5}$ and compares with
# the gradients `f` returns, by the relative error $|a - n| / (|a| + |n|)$. We give it all five
# parameters **and** `hprev`. **Expected:** every relative error below $10^{-6}$. (The largest errors
# of a correct float64 pass come from tiny entries whose finite differences lose digits; a wrong line
# gives errors near 1.)

# %% slideshow={"slide_type": "fragment"} needs=["lstm_gate_backward"]
def loss_and_grads_from_scratch(arrays, gate_backward=lstm_gate_backward):
    p = {k: arrays[k] for k in params}
    loss, cache = lstm_forward(p, inputs, targets, arrays["hprev"])
    grads, dhprev = lstm_backward(p, targets, cache, gate_backward)
    return loss, {**grads, "hprev": dhprev}


arrays = {**{k: v.copy() for k, v in params.items()}, "hprev": hprev.copy()}
report = rnn_lib.gradcheck(loss_and_grads_from_scratch, arrays)
print("every relative error below 1e-6, array by array:")
for name, r in report.items():
    print(f"  {name:>5} {str(r.errors.shape):>8}  {r.max_rel_error < 1e-6}")
assert report.max_rel_error < 1e-6

# %% [markdown] slideshow={"slide_type": "fragment"}
# Would the check notice a mistake? Cut the cell path: hand `lstm_gate_backward` zeros instead of
# `dcnext`. **Expected:** `Why` and `by` still pass (their gradients need only the forward pass); every
# array whose gradient flows through the cell fails, `hprev` included.

# %% slideshow={"slide_type": "fragment"} needs=["lstm_gate_backward"]
def cut_cell_path(dh, dcnext, *rest):
    return lstm_gate_backward(dh, np.zeros_like(dcnext), *rest)


broken = rnn_lib.gradcheck(lambda a: loss_and_grads_from_scratch(a, cut_cell_path), arrays)
failing = [name for name, r in broken.items() if r.max_rel_error > 1e-2]
print(f"with the cell path cut, the check fails for: {', '.join(failing)}")
assert failing == ["Wx0", "Wh0", "b0", "hprev"]

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# And the library's vectorised backward pass. **Expected:** the same gradients and the same
# $\partial L/\partial$`hprev`, to $10^{-10}$.

# %% slideshow={"slide_type": "fragment"} tags=["reading-only"]
lib_grads, lib_dhprev = lstm.backward(params, lstm.forward(params, inputs, hprev), targets)
pairs = {**{k: (grads[k], lib_grads[k]) for k in params}, "hprev": (dhprev, lib_dhprev)}
assert all(max_diff(ours, theirs) < 1e-10 for ours, theirs in pairs.values())
print(f"from scratch == rnn_lib.lstm.backward to 1e-10 for: {', '.join(pairs)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · The additive path carries the gradient: trained models
#
# Now the real thing. Two models trained on tiny Shakespeare by the command-line tool are shipped with
# the repository. The vanilla RNN is notebook 06's: H = 160, Adagrad at learning rate 0.05, 60,000
# steps of 32 streams of 25 characters. The LSTM has H = 256 and read 32 streams of 50 characters; it
# was trained with **Adam**, Adagrad's successor whose running averages forget old gradients (the
# optional part of notebook 04, section 4, defines it), in two stages: 16,000 steps at learning rate
# 0.005, then 4,000 more at 0.0005 (`--resume` continues a checkpoint; a smaller rate lets it settle).
# The commands, run from the repository root (`--lr-decay-steps 0` holds the learning rate constant
# within a command):
#
# ```
# python -m rnn_lib train --optimizer adagrad --learning-rate 0.05 \
#     --lr-decay-steps 0 --steps 60000 --sample-every 10000 \
#     --checkpoint checkpoints/shakespeare_rnn.npz
# python -m rnn_lib train --cell lstm --hidden-size 256 --batch-size 32 \
#     --seq-length 50 --optimizer adam --learning-rate 0.005 \
#     --lr-decay-steps 0 --steps 16000 --sample-every 4000 \
#     --checkpoint checkpoints/shakespeare_lstm.npz
# python -m rnn_lib train --checkpoint checkpoints/shakespeare_lstm.npz \
#     --resume --learning-rate 0.0005 --steps 4000
# ```
#
# Notebook 13 adds a GRU trained like the LSTM, and compares the three.

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"]
SHIPPED = {"vanilla RNN": "checkpoints/shakespeare_rnn.npz", "LSTM": "checkpoints/shakespeare_lstm.npz"}
ckpts = {name: rnn_lib.load_checkpoint(rnn_lib.shipped_checkpoint(Path(path).name))
         for name, path in SHIPPED.items()}
for name, ck in ckpts.items():
    c = ck.config
    print(f"{name:>11}: {c.cell}, H = {c.hidden_size}, {ck.step:,} steps of {c.batch_size} x {c.seq_length} "
          f"characters, {c.optimizer} at a final learning rate of {c.learning_rate:g}")
# each checkpoint is what the commands above make: its steps, and every option its configuration records
assert all(ck.vocab.chars == vocab.chars for ck in ckpts.values())
assert ckpts["vanilla RNN"].step == 60_000 and ckpts["LSTM"].step == 16_000 + 4_000
assert all(getattr(ckpts["vanilla RNN"].config, field) == value for field, value in dict(
    cell="rnn", optimizer="adagrad", learning_rate=0.05, lr_decay_steps=0, sample_every=10_000).items())
assert all(getattr(ckpts["LSTM"].config, field) == value for field, value in dict(
    cell="lstm", hidden_size=256, batch_size=32, seq_length=50, optimizer="adam", learning_rate=0.0005,
    lr_decay_steps=0, sample_every=4000).items())

# %% [markdown] slideshow={"slide_type": "subslide"}
# The measurement of notebook 09, section 4, for both models on the **same** 64 passages of the
# validation text: 50 characters of warm-up, then 150 more; then the gradient of the **last**
# character's loss is sent back, and its norm recorded at every distance. The analysis is in float64.
# First the forward passes (64 passages side by side as 64 streams).

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"]
rnn_p = {k: v.astype(np.float64) for k, v in ckpts["vanilla RNN"].params.items()}
lstm_p = {k: v.astype(np.float64) for k, v in ckpts["LSTM"].params.items()}
Hl = lstm_p["Wh0"].shape[1]                                   # the LSTM's hidden size, 256
B, WARM, STEPS = 64, 50, 150
starts = np.random.default_rng(3).choice(len(val_ids) - WARM - STEPS - 1, size=B, replace=False)
passages = np.stack([val_ids[p:p + WARM + STEPS] for p in starts], axis=1)   # (WARM + STEPS, B)
last_targets = val_ids[starts + WARM + STEPS]
rnn_cache = rnn_lib.forward(rnn_p, passages, rnn_lib.initial_state(rnn_p, B))
lstm_cache = lstm.forward(lstm_p, passages, lstm.initial_state(lstm_p, B))
print(f"{B} passages of {WARM} + {STEPS} characters; the first begins "
      f"{vocab.decode(passages[WARM:WARM + 40, 0])!r}")


def last_loss_dy(cache):
    """dL_T/dy_T (B, V) at the last step of every passage: p - onehot(target)."""
    dy = cache["probs"][-B:].copy()
    dy[np.arange(B), last_targets] -= 1
    return dy

# %% [markdown] slideshow={"slide_type": "subslide"}
# Two backward loops that only carry the last loss back. The RNN's is notebook 09's, in row form (one
# row per passage): lines (5) and (9) of the gist. The LSTM's is section 6's loop without the weight
# gradients, on your `lstm_gate_backward` (one column per passage, as your function expects). It
# records $\|\partial L_T/\partial h_t\|$ and the total $\|\partial L_T/\partial c_t\|$ (through $h_t$
# and along the cell) at each step, and returns the gradient with respect to the state before the
# first step it walks through. Your function does not return $\partial L_T/\partial c_t$ itself, only
# what goes on along the cell; called a second time with the forget gate set to 1, that is
# $\partial L_T/\partial c_t$.
#
# Careful with one index, as in notebook 03. In the from-scratch `lstm_forward` of section 3 the
# dictionary entry `cs[t]` is $c_t$ (and `cs[-1]` the starting cell). The library's cache is an array
# with one more row than steps, the starting cell first: `cache["cs"][0][t]` is $c_{t-1}$ and
# `cache["cs"][0][t + 1]` is $c_t$, like `cache["hs"]`. The gates and `cache["tanh_c"][0][t]` belong to
# step $t$ in both.

# %% slideshow={"slide_type": "fragment"}
def rnn_reach(params, hs, dh):
    """||dL_T/dh_t|| at 0 .. len(hs) steps back, (len(hs)+1, B); hs (n, B, H) row-wise, dh (B, H)."""
    norms = [np.linalg.norm(dh, axis=1)]
    for h in hs[::-1]:
        dh = ((1 - h * h) * dh) @ params["Whh"]          # Whh.T @ dhraw, in row form
        norms.append(np.linalg.norm(dh, axis=1))
    return np.array(norms)


def lstm_reach(params, cache, dh, n, gate_backward=lstm_gate_backward):
    """Norms of dL_T/dh_t and dL_T/dc_t over the last n steps (each (n, B)), and the gradient
    (dh, dc) (B, H) each with respect to the state before them."""
    Hs = params["Wh0"].shape[1]
    gates, cs, tanh_c = cache["gates"][0], cache["cs"][0], cache["tanh_c"][0]
    dh, norms_h, norms_c = dh.T, [], []                                  # columns (H, B) from here on
    dcnext = np.zeros_like(dh)
    for t in range(gates.shape[0] - 1, gates.shape[0] - 1 - n, -1):
        i, f, o, g = (gates[t, :, k * Hs:(k + 1) * Hs].T for k in range(4))
        step = (dh, dcnext, cs[t].T, i, f, o, g, tanh_c[t].T)            # cs[t] is c_{t-1}: cs[0] = hprev's c
        dz, dc_prev = gate_backward(*step)
        _, dc = gate_backward(*step[:4], np.ones_like(f), *step[5:])     # with f = 1: dL_T/dc_t itself
        norms_h.append(np.linalg.norm(dh, axis=0))
        norms_c.append(np.linalg.norm(dc, axis=0))
        dh, dcnext = params["Wh0"].T @ dz, dc_prev                       # line (10), and along the cell
    return np.array(norms_h), np.array(norms_c), (dh.T, dcnext.T)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Is the LSTM loop right for this model? The check of notebook 09, through `lstm.forward` alone: for
# each passage, take the state $(h, c)$ ten characters before the end, move it by $\pm\varepsilon$ along
# the gradient $g$ our loop returns there, rerun the last ten characters and measure the change of the
# last loss. A centred difference along $u = g/\|g\|$ should give $\|g\|$.
# **Expected:** for all 64 passages, agreement to a relative error below $10^{-6}$.

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"] needs=["lstm_gate_backward"]
K, eps = 10, 1e-5
_, _, (gh, gc) = lstm_reach(lstm_p, lstm_cache, last_loss_dy(lstm_cache) @ lstm_p["Why"], K)
grad_state = np.hstack([gh, gc])                                        # (B, 2H): [h; c] per row
u = grad_state / np.linalg.norm(grad_state, axis=1, keepdims=True)
state = np.hstack([lstm_cache["hs"][0, -K - 1], lstm_cache["cs"][0, -K - 1]])   # (B, 2H)


def last_loss_from(state_rows):
    probs = lstm.forward(lstm_p, passages[-K:], state_rows.T)["probs"][-B:]
    return -np.log(probs[np.arange(B), last_targets])


slope = (last_loss_from(state + eps * u) - last_loss_from(state - eps * u)) / (2 * eps)
worst = np.max(rnn_lib.rel_error(slope, np.linalg.norm(grad_state, axis=1)))
print(f"centred differences along the gradient, {K} characters back, {B} passages: within 1e-6: {worst < 1e-6}")
assert worst < 1e-6

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now the whole 150 characters back, for both models. Each passage's curve is divided by its value at
# the last step, and the 64 curves are averaged in log space (a geometric mean), as in notebook 09.
#
# **Expected:** the RNN as in notebook 09: below $10^{-3}$ of its last-step value within 10 to 40
# characters, below $10^{-10}$ by 100. The LSTM's gradients, through the cell and through $h$, still
# above $10^{-3}$ at 50 characters back (the length of its training chunks), with a per-step factor
# above 0.9 where the RNN's is below 0.8.

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"] needs=["lstm_gate_backward"]
def geometric_mean(norms):
    return 10 ** np.mean(np.log10(norms / norms[:1]), axis=1)


def first_below(curve, level=1e-3):
    """The first distance at which the curve is below level (its length if never)."""
    return int(np.argmax(curve < level)) if np.any(curve < level) else len(curve)


def per_step_factor(curve, start=25):
    """exp(slope) of the least-squares line through log(curve[k]) for k >= start."""
    k = np.arange(start, len(curve))
    return float(np.exp(np.polyfit(k, np.log(curve[start:]), 1)[0]))


reach = {
    "vanilla RNN: dL/dh": geometric_mean(rnn_reach(rnn_p, rnn_cache["hs"][WARM + 1:],
                                                   last_loss_dy(rnn_cache) @ rnn_p["Why"])[:STEPS]),
}
norms_h, norms_c, _ = lstm_reach(lstm_p, lstm_cache, last_loss_dy(lstm_cache) @ lstm_p["Why"], STEPS)
reach["LSTM: dL/dc"] = geometric_mean(norms_c)
reach["LSTM: dL/dh"] = geometric_mean(norms_h)
print(f"{'back':>4}" + "".join(f"{name:>20}" for name in reach))  # characters back
for k in (1, 10, 25, 50, 100, 149):
    print(f"{k:4d}" + "".join(f"{curve[k]:20.1e}" for curve in reach.values()))
for name, curve in reach.items():
    factor = per_step_factor(curve)
    print(f"{name}: below 1e-3 from {first_below(curve)} characters back")
    print(f"  per-step factor {factor:.2f}, which halves the gradient every "
          f"{np.log(0.5) / np.log(factor):.0f} characters")
rnn_curve, c_curve, h_curve = reach.values()
assert 10 <= first_below(rnn_curve) <= 40 and rnn_curve[100] < 1e-10
assert first_below(c_curve) > 50 and first_below(h_curve) > 50
assert min(per_step_factor(c_curve), per_step_factor(h_curve)) > 0.9 > 0.8 > per_step_factor(rnn_curve)

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"] needs=["lstm_gate_backward"]
_ = plot_gradient_reach(reach, colors={"vanilla RNN: dL/dh": "tab:blue", "LSTM: dL/dc": "tab:orange",
                                       "LSTM: dL/dh": "tab:orange"},
                        styles={"LSTM: dL/dh": "--"}, chunk=ckpts["LSTM"].config.seq_length)
_ = plt.title("The gradient of the last character's loss, back through real text")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Same text, same last character, two trained models: a hundred characters back, the RNN's gradient is
# gone (below $10^{-10}$ of its last-step value), the LSTM's is still a signal above $10^{-3}$ at 50
# characters back. One step back makes the difference: the RNN multiplies its gradient by
# $W_{hh}^\top \operatorname{diag}(1 - h^2)$, the LSTM's cell by $\operatorname{diag}(f)$.
#
# Truncated BPTT still cuts every gradient at 50 characters during training (the dotted line). The plot
# says how strongly the trained network's state *could* pass a gradient back, not what training used,
# and a gradient is not yet a memory: whether the LSTM actually uses what it read more than 50
# characters earlier is a different measurement. What the plot does show is that its forget gates keep
# a path open that long, which the next subsection looks at.

# %% [markdown] slideshow={"slide_type": "notes"}
# The dashed line (through $h$) runs parallel to the solid orange one (through $c$):
# $\partial L/\partial h_t$ is $W_h^\top \partial L/\partial z_{t+1}$, and most of
# $\partial L/\partial z_{t+1}$ is made from the cell's gradient, so the $h$ gradient follows the cell's.
# The per-step factors printed above say the same in another unit: the distance over which the gradient
# halves, a couple of characters in the vanilla RNN against about a dozen in the LSTM.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The forget gates
#
# Along the cell, one step back multiplies the gradient by $f_t$. What values do the trained forget
# gates take on real text? All of them, for all 256 units, at the 150 steps of the 64 passages:

#
# **Expected:** two crowds. Many values near 1 (the cell keeps its content: more than a third above
# 0.99) and many near 0 (the cell is wiped: forgetting is a decision too), with about half of the units
# keeping their forget gate above 0.9 on average.

# %% slideshow={"slide_type": "fragment"}
f_values = lstm_cache["gates"][0, WARM:, :, Hl:2 * Hl]          # (STEPS, B, H)
for level in (0.5, 0.9, 0.99):
    print(f"forget gate above {level}: {np.mean(f_values > level):6.1%} of the values")
print(f"forget gate below 0.05: {np.mean(f_values < 0.05):6.1%} of the values")
unit_mean = np.sort(f_values.mean(axis=(0, 1)))[::-1]
print(f"units whose forget gate averages above 0.9: {np.sum(unit_mean > 0.9)} of {Hl}; "
      f"median over all values {np.median(f_values):.3f}")
assert np.mean(f_values > 0.99) > 1 / 3 and np.mean(f_values < 0.05) > 0.05
assert 0.3 * Hl < np.sum(unit_mean > 0.9) < 0.7 * Hl

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8))
_ = ax1.hist(f_values.ravel(), bins=50, range=(0, 1), color="tab:orange")
_ = ax1.set(xlabel="forget gate value f", ylabel="count", title="All forget-gate values", yscale="log")
_ = ax2.plot(np.arange(1, Hl + 1), unit_mean, color="tab:orange")
_ = ax2.axhline(0.9, color="k", ls="--", lw=1.5, label="f = 0.9: memory of about 10 steps")
_ = ax2.set(xlabel="unit (sorted)", ylabel="mean f", title="Mean forget gate of each unit", ylim=(0, 1))
_ = ax2.legend(loc="lower left")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "fragment"}
# A unit with $f = 0.99$ keeps about $0.99^{100} \approx 37\,\%$ of its content (and passes back that
# share of the gradient) over 100 characters; at $f = 0.9$, 10 characters already cost two thirds. The
# units on the right of the second panel, with small mean $f$, are short-term: they are rewritten at
# almost every character.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Optional: the gate viewer, one unit character by character
#
# The histogram pools all units and all passages. To see what one unit does, we run 400 characters of
# the held-out text through the trained LSTM (`rnn_lib.lstm.forward`, from the zero state, starting at
# the first speech of the validation split) and colour each character by the value one unit takes
# **after reading it**: one of its four gates, its cell $c_t$ or its output $h_t$. The view opens on the
# forget gate that clears its cell most selectively at word boundaries: the unit with the largest
# difference between the share of spaces and newlines after which $f < 0.1$ and the share of the other
# characters after which $f < 0.1$.

# %% slideshow={"slide_type": "fragment"}
from rnn_notebook.widgets import activation_colour, activation_html

val_text = vocab.decode(val_ids[:2000])
start = val_text.index("\n\n") + 2                               # the first speech: after a blank line
view_ids = val_ids[start:start + 400]
view_text = vocab.decode(view_ids)
view_cache = lstm.forward(lstm_p, view_ids, lstm.initial_state(lstm_p, 1))
VIEWS = {"input gate i": 0, "forget gate f": 1, "output gate o": 2, "candidate g": 3,
         "cell c": "cs", "hidden h": "hs"}                          # gates: block of rows in i, f, o, g order


def unit_values(view, unit):
    """The value of one unit after each character of view_text, shape (400,)."""
    if not 0 <= unit < Hl:                                        # -1 would silently pick unit Hl - 1
        raise ValueError(f"unit must be between 0 and {Hl - 1}, got {unit}")
    where = VIEWS[view]
    if isinstance(where, int):
        return view_cache["gates"][0, :, 0, where * Hl + unit]
    return view_cache[where][0, 1:, 0, unit]                      # row 0 is the starting state


def render(view, unit):
    """view_text coloured by unit_values(view, unit); a cell is not bounded by 1, so its scale adapts."""
    values = unit_values(view, unit)
    vmax = float(np.ceil(2 * np.abs(values).max()) / 2) if view == "cell c" else 1.0
    gate = view in ("input gate i", "forget gate f", "output gate o")    # sigmoids: 0 to 1
    return activation_html(view_text, values, vmax=vmax, title=f"{view}, unit {unit}", signed=not gate)


forget_gates = view_cache["gates"][0, :, 0, Hl:2 * Hl]               # (400, H)
boundary = np.array([ch in " \n" for ch in view_text])             # after a space or a newline
cleared = {"at boundaries": (forget_gates[boundary] < 0.1).mean(axis=0),
           "elsewhere": (forget_gates[~boundary] < 0.1).mean(axis=0)}
selectivity = cleared["at boundaries"] - cleared["elsewhere"]
default_unit, runner_up = (int(k) for k in np.argsort(-selectivity, kind="stable")[:2])
u = default_unit
print(f"{len(view_text)} characters from {view_text[:30]!r}, {boundary.sum()} of them spaces or newlines")
print(f"unit {u}: f < 0.1 after {cleared['at boundaries'][u]:.0%} of the spaces and newlines, after "
      f"{cleared['elsewhere'][u]:.0%} of the other characters (mean f there {forget_gates[~boundary, u].mean():.2f})")
print(f"   next best: unit {runner_up}, {cleared['at boundaries'][runner_up]:.0%} against "
      f"{cleared['elsewhere'][runner_up]:.0%}")
counter = view_cache["cs"][0, 1:, 0, 0]                             # the cell of unit 0
print(f"cell of unit 0: from {counter[0]:.2f} after the first character to {counter.max():.1f}, "
      f"rising at {np.mean(np.diff(counter) > 0):.0%} of the steps")
assert cleared["at boundaries"][u] == 1 and forget_gates[~boundary, u].mean() > 0.5
assert selectivity[u] > selectivity[runner_up] + 0.1
assert counter.max() > 50 and np.mean(np.diff(counter) > 0) > 0.75

# %% [markdown] slideshow={"slide_type": "subslide"}
# Is the viewer showing the right numbers? We recompute the same 400 steps with `lstm_forward`, the
# from-scratch loop of section 3, and compare. **Expected:** every gate, cell and output of the default
# unit agree with `rnn_lib.lstm.forward` to $10^{-12}$; the colours in the viewer's HTML are those of the
# from-scratch values; every value of every unit's gates $i$, $f$, $o$ lies in $(0, 1)$, and of $g$ in
# $[-1, 1]$ (the tanh of a large pre-activation rounds to exactly $\pm 1$ in float64). The legend of a
# gate runs from 0 to 1, that of $g$ from $-1$ to $+1$, and a unit outside 0 to $H - 1$ is refused with a
# message (rather than $-1$ quietly showing the last unit).

# %% slideshow={"slide_type": "fragment"}
import re

targets_view = val_ids[start + 1:start + 401]
_, scratch = lstm_forward(lstm_p, view_ids, targets_view, np.zeros((2 * Hl, 1)))
scratch_values = {"input gate i": [scratch["gates"][t][0] for t in range(400)],
                  "forget gate f": [scratch["gates"][t][1] for t in range(400)],
                  "output gate o": [scratch["gates"][t][2] for t in range(400)],
                  "candidate g": [scratch["gates"][t][3] for t in range(400)],
                  "cell c": [scratch["cs"][t] for t in range(400)],
                  "hidden h": [scratch["hs"][t] for t in range(400)]}
u = default_unit
for view, per_step in scratch_values.items():
    ours = np.array([column[u, 0] for column in per_step])
    page = render(view, u)
    shown = re.findall(r"background:(#[0-9a-f]{6})", page.split("pre-wrap")[1])   # the text, not the legend
    vmax = float(np.ceil(2 * np.abs(ours).max()) / 2) if view == "cell c" else 1.0
    same_colours = shown == [activation_colour(v, vmax) for v in ours]
    print(f"{view:>13}, unit {u}, first 6: {' '.join(f'{v:+.4f}' for v in ours[:6])}; "
          f"== rnn_lib to 1e-12: {max_diff(ours, unit_values(view, u)) < 1e-12}; colours shown: {same_colours}")
    assert max_diff(ours, unit_values(view, u)) < 1e-12 and same_colours
legends = {view: re.findall(r">&nbsp;([^<&]*)&nbsp;</span>", render(view, u).split("pre-wrap")[0])
           for view in ("forget gate f", "candidate g", "cell c")}
print("legends:", "; ".join(f"{view} {' '.join(labels)}" for view, labels in legends.items()))
refused = {}
for bad in (-1, Hl):
    try:
        unit_values("forget gate f", bad)
    except ValueError as err:
        refused[bad] = str(err)
print(f"unit -1: {refused.get(-1, 'accepted')}; unit {Hl}: {refused.get(Hl, 'accepted')}")
assert legends["forget gate f"] == ["0", "0.5", "1"] and legends["candidate g"] == ["-1", "0", "+1"]
assert legends["cell c"][0].startswith("-") and legends["cell c"][1] == "0"
assert set(refused) == {-1, Hl} and all(f"0 and {Hl - 1}" in message for message in refused.values())
gate_block = view_cache["gates"][0, :, 0]                          # (400, 4H): i, f, o, g
assert 0 < gate_block[:, :3 * Hl].min() and gate_block[:, :3 * Hl].max() < 1
assert np.abs(gate_block[:, 3 * Hl:]).max() <= 1

# %% [markdown] slideshow={"slide_type": "subslide"}
# Pick what to show with the menu and a unit with the slider. Gates run from white (0, closed) to red
# (1, open), as their legend shows; the candidate and $h$ from blue ($-1$) through white to red ($+1$); a
# cell's colour scale is its largest $|c|$ over the passage, rounded up to a half, printed in the legend.
# Things to look for: the forget gate it opens on drops below 0.1 at every space and newline (the unit
# clears itself there) and averages above one half elsewhere: switch to its cell and its $h$ to see
# what the clearing does. Then the cell of unit 0, which climbs almost steadily over the whole passage, a
# counter of some kind. Elsewhere: cells that build up over a word or a line, output gates that open
# only at certain characters. Notebook 14 searches the cells for such counters systematically. The controls need a running kernel; a copy viewed without one
# shows the view they start on.

# %% slideshow={"slide_type": "fragment"}
import ipywidgets as widgets

from rnn_notebook.widgets import html_widget

view_menu = widgets.Dropdown(options=list(VIEWS), value="forget gate f", description="show")
unit_slider = widgets.IntSlider(value=default_unit, min=0, max=Hl - 1, description="unit")
caption = (f"Interactive: choose a gate, the cell or h with the menu and a unit with the slider (needs a "
           f"running kernel); here the forget gate of unit {default_unit}.")
display(html_widget(render, {"view": view_menu, "unit": unit_slider}, caption=caption))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Written question · Why the cell lets gradients survive (2 points)
#
# Going one step back, the vanilla RNN multiplies its gradient by $W_{hh}^\top \operatorname{diag}(1 - h_t^2)$,
# and the LSTM multiplies the gradient along its cell by $\operatorname{diag}(f_t)$. In 4 to 6 sentences of
# your own, in the cell below:
#
# 1. explain why, in the trained models above, the gradient of the last character's loss can still be
#    measured 50 characters back along the LSTM's cell, while through the RNN's hidden state it is gone
#    after a few dozen characters;
# 2. say what a forget gate near 1 does to the content of a cell **and** to the gradient that flows back
#    along it, and what a forget gate near 0 does.

# %% [markdown] nbgrader={"grade": true, "grade_id": "lstm_cell_path_written", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# In the RNN every step back multiplies by the same matrix $W_{hh}^\top$ and by tanh slopes $1 - h^2$,
# which are small wherever a unit is saturated; the product of many such factors shrinks by a roughly
# constant factor per step (below 0.8 per character in the trained RNN), so after 50 steps almost
# nothing is left. Along the LSTM's cell, $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ gives
# $\partial c_t/\partial c_{t-1} = \operatorname{diag}(f_t)$ (gates held fixed): no weight matrix and no
# squashing slope, only numbers between 0 and 1 that the network chooses, unit by unit and step by step.
# A forget gate near 1 keeps the cell's content almost unchanged from step to step (new content is added
# on top) and passes the gradient back almost unchanged: over $k$ steps it is multiplied by the product of
# the $f$'s, for example $0.99^{50} \approx 0.6$. A forget gate near 0 wipes the content and cuts the
# gradient at that step: the trained LSTM uses both, keeping in some units and erasing in others.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Optional: one gate that forgets and writes, a bridge to the GRU
#
# The input and forget gates are computed independently: an entry can keep all of its old content and
# write on top of it ($f \approx 1$, $i \approx 1$), or do neither. A common variant couples them,
# $i_t = 1 - f_t$, so that one gate decides both: the fraction of the old cell that is forgotten is
# replaced by the same fraction of the candidate,
#
# $$c_t = f_t \odot c_{t-1} + (1 - f_t) \odot g_t .$$
#
# Entry by entry, $c_t$ is then a weighted average of $c_{t-1}$ and $g_t$ with weights $f_t$ and
# $1 - f_t$ (a **convex mix**): it lies between the two. As $g_t$ is in $(-1, 1)$, a cell that starts in
# $[-1, 1]$ stays there. With independent gates, $|c_t|$ can grow by up to 1 per step.
#
# **Expected:** over 100 steps of random gates and candidates for 256 units, the coupled cell lies between
# $c_{t-1}$ and $g_t$ at every step (to rounding, $10^{-12}$) and never leaves $[-1, 1]$; the cell with an
# independent input gate, on the same $f$ and $g$, goes beyond 1.

# %% slideshow={"slide_type": "fragment"}
mix_rng = np.random.default_rng(12)
c_coupled = c_free = mix_rng.uniform(-1, 1, Hl)                  # the same start, in [-1, 1]
between, largest = True, {"coupled": 0.0, "independent": 0.0}
for _ in range(100):
    f_t, i_t = sigmoid(mix_rng.normal(0, 3, Hl)), sigmoid(mix_rng.normal(0, 3, Hl))
    g_t = np.tanh(mix_rng.normal(0, 3, Hl))
    c_new = f_t * c_coupled + (1 - f_t) * g_t                     # i = 1 - f
    lo, hi = np.minimum(c_coupled, g_t), np.maximum(c_coupled, g_t)
    between = between and bool(np.all((lo - 1e-12 <= c_new) & (c_new <= hi + 1e-12)))
    c_coupled, c_free = c_new, f_t * c_free + i_t * g_t           # the LSTM's cell: i independent of f
    largest = {"coupled": max(largest["coupled"], np.abs(c_coupled).max()),
               "independent": max(largest["independent"], np.abs(c_free).max())}
print(f"coupled (i = 1 - f): c_t between c_(t-1) and g_t at every step: {between}; "
      f"largest |c| {largest['coupled']:.6f}")
print(f"independent i:       largest |c| {largest['independent']:.2f}")
assert between and largest["coupled"] <= 1 + 1e-12 and largest["independent"] > 1

# %% [markdown] slideshow={"slide_type": "fragment"}
# This is the GRU's **update gate** (notebook 13): $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$, with
# $z_t$ in the place of $f_t$, $1 - z_t$ in the place of $i_t$, and no separate cell: the state itself is the
# convex mix. Greff et al. (2017, in the further reading) compare this coupled variant with the full LSTM.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A vanilla RNN multiplies the gradient by $W_{hh}^\top \operatorname{diag}(1 - h^2)$ at every step back,
#   and it shrinks fast. The LSTM adds a cell state changed only by $c_t = f \odot c_{t-1} + i \odot g$: one
#   step back along it is an elementwise multiplication by the forget gate.
# - The LSTM's backward pass is the RNN's plus lines (4) to (8), through the cell and the gates (exercise
#   5): the gradient into $c_t$ comes by two roads (through $h_t$, and along the cell from $c_{t+1}$), each
#   factor of a product gets the other factor, and $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$
#   take it into `dz`; `dhnext = Wh.T @ dz` as before.
# - Checked three ways: each line against centred differences, the whole pass with `rnn_lib.gradcheck`
#   (parameters and starting state), and against `rnn_lib.lstm.backward` to $10^{-10}$.
# - In the trained models, on the same passages, the last character's gradient falls below $10^{-3}$ within
#   10 to 40 characters in the vanilla RNN and only beyond 50 in the LSTM (per-step factors below 0.8
#   against above 0.9). More than a third of the LSTM's forget-gate values are above 0.99, many others
#   near 0: keeping and erasing are both learned.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. Which line of the LSTM's backward loop is the additive path, and what is the factor per step?
# 2. Why is the forget gate's gradient $\partial L/\partial c_t \odot c_{t-1}$ and not $\partial L/\partial c_t \odot c_t$?
# 3. A student writes `dz_f = df * (1 - f**2)`. What is wrong, and would the gradient check catch it?
# 4. Why does `dc` have two terms, and which one is missing at the last step of a chunk?
# 5. The output gate's gradient comes from `dh`, the others from `dc`. Why?
# 6. Why does `rnn_lib.lstm.init_params` set the forget-gate biases to 1 by default?
# 7. A unit's forget gate stays at 0.9. How much of its content (and of the gradient along its cell) is
#    left after 10 characters? After 100?
#
# <details>
# <summary>Answers</summary>
#
# 1. `dcnext = dc * f` (line 7): the gradient along the cell is multiplied elementwise by the forget gate,
#    $\partial c_t / \partial c_{t-1} = \operatorname{diag}(f_t)$ with the gates held fixed. No weight
#    matrix and no tanh slope.
# 2. In $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ the forget gate multiplies $c_{t-1}$; the derivative of a
#    product with respect to one factor is the other factor.
# 3. $f = \sigma(z^f)$, so its derivative is $f(1 - f)$; $1 - f^2$ is tanh's. Yes: the check of section 6
#    fails for `Wx0`, `Wh0`, `b0` and `hprev`, and the exercise's checker names the mistake.
# 4. $c_t$ feeds $h_t$ (now) and $c_{t+1}$ (next step); the second term, `dcnext`, is zero at the last step
#    because the next chunk's losses are not part of this chunk's loss.
# 5. $o_t$ enters only $h_t = o_t \odot \tanh(c_t)$, after the cell; $i$, $f$, $g$ enter $c_t$.
# 6. So that $f \approx \sigma(1) \approx 0.73$ from the start: the cell keeps most of its content and
#    gradients can flow along it before training has learned to open the forget gates. With bias 0,
#    $f \approx 0.5$ halves the memory at every step. But it is a default, not a law (the 2-layer model
#    of notebook 13 starts from 0): such defaults are worth measuring on a development split of your own
#    problem.
# 7. $0.9^{10} \approx 0.35$ after 10 characters, $0.9^{100} \approx 3 \cdot 10^{-5}$ after 100: a forget
#    gate of 0.9 is a memory of about 10 characters, one of 0.99 of about 100.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - S. Hochreiter, J. Schmidhuber, *Long short-term memory*, Neural Computation 9(8), 1997: the cell
#   state and its constant error carousel.
# - C. Olah, *Understanding LSTM Networks*, 2015 (colah.github.io/posts/2015-08-Understanding-LSTMs):
#   the LSTM walked through one gate at a time, in diagrams like those of section 2, with its variants.
# - F. A. Gers, J. Schmidhuber, F. Cummins, *Learning to forget: continual prediction with LSTM*,
#   Neural Computation 12(10), 2000: the forget gate.
# - R. Jozefowicz, W. Zaremba, I. Sutskever, *An empirical exploration of recurrent network
#   architectures*, ICML 2015: thousands of variants searched; a forget-gate bias of 1 closes most of the
#   gap between LSTM and GRU.
# - A. Karpathy, J. Johnson, L. Fei-Fei, *Visualizing and understanding recurrent networks*, 2015
#   (arXiv:1506.02078): character-level LSTMs on text and their interpretable cells.
# - K. Greff, R. K. Srivastava, J. Koutník, B. R. Steunebrink, J. Schmidhuber, *LSTM: A search space
#   odyssey*, IEEE Transactions on Neural Networks and Learning Systems 28(10), 2017: which parts of the
#   LSTM matter (the forget gate and the output activation most); one of the variants compared is the
#   coupled input and forget gate.

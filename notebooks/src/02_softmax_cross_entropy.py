# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# # 02 · Softmax and cross-entropy: where `dy[targets[t]] -= 1` comes from
#
# **What you will learn**
#
# - how softmax turns the RNN's output scores (logits) into a probability for every character, and
#   how cross-entropy scores that distribution against the character that really came next;
# - how to derive the gradient $\partial L / \partial y = p - \text{onehot}(r)$ by hand ($r$ is the
#   index of the target character),
#   and why it is exactly the gist's two lines `dy = np.copy(ps[t])` and `dy[targets[t]] -= 1`;
# - how to check a gradient three ways (formula, code, finite differences), and against `rnn_lib`;
# - what the gradient does to each logit, and why we subtract $\max(y)$ before exponentiating.
#
# **Prerequisites:** notebook 01 (the character vocabulary, one-hot inputs and the forward step
# that ends in $y = W_{hy} h + b_y$); the derivatives of $e^x$ and $\ln x$, and the chain rule.
# Throughout the series $\ln$ is the natural logarithm (`np.log`), so losses are in nats.
#
# **Time:** about 50 minutes on your own, plus about 15 minutes for the exercise.

# %% [markdown] tags=["homework-only"]
# # 02 · Softmax and cross-entropy: where the gist's "subtract 1 at the target" comes from
#
# **What you will learn**
#
# - how softmax turns the RNN's output scores (logits) into a probability for every character, and
#   how cross-entropy scores that distribution against the character that really came next;
# - how to derive the gradient $\partial L / \partial y = p - \text{onehot}(r)$ by hand ($r$ is the
#   index of the target character),
#   and why it is exactly what the gist's backward pass computes for the logits; you write it in code;
# - how to check a gradient against centred finite differences, one logit at a time and with
#   `rnn_lib.gradcheck`;
# - what the gradient does to each logit, and why we subtract $\max(y)$ before exponentiating.
#
# **Prerequisites:** notebook 01 (the character vocabulary, one-hot inputs and the forward step
# that ends in $y = W_{hy} h + b_y$); the derivatives of $e^x$ and $\ln x$, and the chain rule.
# Throughout the series $\ln$ is the natural logarithm (`np.log`), so losses are in nats.
#
# **Time:** about 50 minutes on your own, plus about 15 minutes for the exercise.

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
# ## 1 · From logits to probabilities
#
# At every time step the RNN ends with $y = W_{hy} h + b_y$: one real number per character of the
# vocabulary. These scores are called **logits** (the gist calls them unnormalised log-probabilities).
# They can be any size and any sign, so **softmax** turns them into a probability distribution:
#
# $$p_k = \frac{e^{y_k}}{\sum_j e^{y_j}}$$
#
# The exponential makes every entry positive and keeps the order of the logits; dividing by the sum
# makes the entries add up to 1.

# %% [markdown] slideshow={"slide_type": "fragment"}
# We use the four-character vocabulary of `"hello"`. Suppose the network has just read `h` and
# produced the logits below. The right next character is `e`, but the model prefers `l`.

# %%
vocab = rnn_lib.CharVocab.from_text("hello")
V = len(vocab)
y = np.array([1.0, 0.5, 2.0, -1.0])  # logits for e, h, l, o
target = int(vocab.encode("e")[0])
print(f"vocabulary {vocab.chars}, V = {V}; the target '{vocab.chars[target]}' has id {target}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Softmax, written straight from the definition (we will see in section 6 why this "naive"
# version needs one more line before it is safe to use).

# %%
def softmax_naive(y):
    """p_k = exp(y_k) / sum_j exp(y_j) for a logit vector y of shape (V,)."""
    e = np.exp(y)
    return e / e.sum()


p = softmax_naive(y)
for ch, y_k, p_k in zip(vocab.chars, y, p):
    print(f"  '{ch}'   y = {y_k:+.2f}   p = {p_k:.4f}")
print(f"sum of p = {p.sum():.4f}")
assert np.isclose(p.sum(), 1.0) and np.all(p > 0)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss at one time step
#
# Cross-entropy only looks at the probability given to the character that really came next. Write
# $r$ for the index of that target character (here $r$ = `target`, the id of `e`):
#
# $$L = -\ln p_r$$
#
# A model that is sure and right ($p_r = 1$) pays 0. Guessing uniformly over $V$
# characters pays $\ln V$. A model that is sure and wrong pays a lot, without limit.

# %%
loss = -np.log(p[target])
print(f"p['e'] = {p[target]:.4f}   ->   L = -ln p['e'] = {loss:.4f} nats")
print(f"a uniform guess over {V} characters: L = ln {V} = {np.log(V):.4f} nats")
assert loss > np.log(V)  # favouring the wrong character is worse than guessing

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Deriving $\partial L / \partial y$ by hand
#
# As in section 1, $r$ is the target index; write $S = \sum_j e^{y_j}$. The log of a quotient is a
# difference, and $\ln e^{y_r} = y_r$, so the loss is a simple function of the logits:
#
# $$L = -\ln \frac{e^{y_r}}{S} = -\Big(y_r - \ln \sum_j e^{y_j}\Big) = -y_r + \ln \sum_j e^{y_j}$$
#
# Differentiate with respect to one logit $y_k$, one term at a time:
#
# - $\dfrac{\partial(-y_r)}{\partial y_k} = -\mathbb{1}[k = r]$: it is $-1$ for the target and $0$ for every other $k$;
# - $\dfrac{\partial}{\partial y_k} \ln S = \dfrac{1}{S}\dfrac{\partial S}{\partial y_k} = \dfrac{e^{y_k}}{S} = p_k$
#   (chain rule; only the $j = k$ term of the sum depends on $y_k$).

# %% [markdown] slideshow={"slide_type": "fragment"}
# Adding the two terms:
#
# $$\boxed{\;\frac{\partial L}{\partial y_k} = p_k - \mathbb{1}[k = r]\;}
# \qquad\text{or, for the whole vector,}\qquad
# \frac{\partial L}{\partial y} = p - \text{onehot}(r)$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same result with the quotient rule
#
# Going through the softmax first gives the same answer. With $p_r = e^{y_r}/S$:
#
# $$\frac{\partial p_r}{\partial y_k} = \frac{\mathbb{1}[k=r]\, e^{y_r} S - e^{y_r} e^{y_k}}{S^2}
# = p_r\big(\mathbb{1}[k=r] - p_k\big)$$
#
# and then the chain rule through $L = -\ln p_r$:
#
# $$\frac{\partial L}{\partial y_k} = -\frac{1}{p_r}\,\frac{\partial p_r}{\partial y_k} = p_k - \mathbb{1}[k=r]$$
#
# The $p_r$ cancels. This is why softmax and cross-entropy are differentiated as one unit: the combined
# gradient is simpler than either piece on its own.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise · The gradient in code (2 points)
#
# Write `softmax_ce_grad(y, target)`, the gradient $\partial L / \partial y$ of the loss
# $L = -\ln \operatorname{softmax}(y)_r$ with respect to the logits, where $r$ = `target`:
#
# - `y`: the logits, a float array of shape `(V,)`; `target`: the index $r$ of the right character, an `int`;
# - return `dy`, shape `(V,)`: the boxed formula, $p - \text{onehot}(r)$ with $p = \operatorname{softmax}(y)$;
# - leave `y` unchanged: compute $p$ as a new array and change that one.
#
# Write it with numpy only (`softmax_naive` from section 1 is fine for $p$); no `rnn_lib` function.
#
# Two test cells follow, one point each; when something is wrong, the error message says what to look at.
#
# 1. **Uniform logits:** with all four logits equal, $p = (\tfrac14, \tfrac14, \tfrac14, \tfrac14)$, so the
#    answer for target 1 is $(0.25, -0.75, 0.25, 0.25)$ (work it out from the boxed formula); adding 3 to
#    every logit changes nothing. Your `y` must be left unchanged.
# 2. **Random logits:** on random logits for $V$ = 2, 5 and 8, your gradient must agree with centred
#    finite differences of the loss (section 3 explains them) to a relative error below $10^{-6}$, and its
#    entries must add up to 0.

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": false, "grade_id": "softmax_ce_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_ce_grad(y, target):
    """The gradient dL/dy of L = -ln softmax(y)[target] with respect to the logits.

    Parameters
    ----------
    y : array, shape (V,)
        The logits; left unchanged.
    target : int
        The index r of the right character, 0 <= r < V.

    Returns
    -------
    array, shape (V,)
        p - onehot(r), with p = softmax(y).
    """
    ### BEGIN SOLUTION
    grad = softmax_naive(y)  # p, a new array: y stays unchanged
    grad[target] -= 1.0  # p - onehot(target), without building the one-hot vector
    return grad
    ### END SOLUTION

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_softmax_ce_grad_uniform", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_softmax_grad

for seed, V_hidden in ((1, 2), (2, 3), (3, 4), (4, 7)):
    check_softmax_grad(softmax_ce_grad, seed=seed, V=V_hidden, part="uniform logits")
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("softmax_ce_grad", "uniform logits"):
    y_equal = np.zeros(4)
    checks.expect_close(softmax_ce_grad(y_equal, 1), [0.25, -0.75, 0.25, 0.25],
                        "dL/dy for the logits (0, 0, 0, 0) and target 1",
                        hint="p is 1/4 everywhere; the one-hot vector has its 1 at the target only.")
    checks.expect_unchanged(np.zeros(4), y_equal, "the logits y")
    checks.expect_close(softmax_ce_grad(np.full(4, 3.0), 3), [0.25, 0.25, 0.25, -0.75],
                        "dL/dy for the logits (3, 3, 3, 3) and target 3",
                        hint="adding 3 to every logit leaves p uniform; subtract 1 at index `target`.")

# %% slideshow={"slide_type": "fragment"} nbgrader={"grade": true, "grade_id": "test_softmax_ce_grad_random", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
from rnn_grading import check_softmax_grad

for seed in (1, 2, 3):
    check_softmax_grad(softmax_ce_grad, seed=seed, part="random logits")
check_softmax_grad(softmax_ce_grad, seed=4, V=2, part="random logits")  # the smallest vocabulary
check_softmax_grad(softmax_ce_grad, seed=5, V=65, scale=20.0, part="random logits")  # a confident model
### END HIDDEN TESTS
from rnn_notebook import checks

with checks.test("softmax_ce_grad", "random logits"):
    rng_test = np.random.default_rng(0)
    for V_test in (2, 5, 8):
        y_test = rng_test.normal(0.0, 2.0, V_test)
        r_test = int(rng_test.integers(V_test))
        y_before = y_test.copy()
        dy_test = softmax_ce_grad(y_test, r_test)
        checks.expect_unchanged(y_before, y_test, "the logits y")
        checks.expect_gradient(dy_test, lambda v: -np.log(softmax_naive(v)[r_test]), y_test.copy(),
                               f"dL/dy for {V_test} random logits, target {r_test}",
                               hint="compare with the boxed formula entry by entry: p_k, minus 1 at the target.")
        assert abs(np.sum(dy_test)) < 1e-12, (
            f"the entries of dL/dy add up to {np.sum(dy_test):.3g}, not 0: the 1 subtracted at the target "
            "balances the probabilities, which add up to 1.")
print("largest relative error against finite differences below 1e-6 for V = 2, 5 and 8")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Your function on the logits of section 1. **Expected:** a negative entry for the target `e` only, and
# entries that add up to 0 (to rounding error).

# %% slideshow={"slide_type": "fragment"} needs=["softmax_ce_grad"]
dy_yours = softmax_ce_grad(y, target)
print(f"your dL/dy for the logits of section 1 (target 'e'): {dy_yours}")
print(f"|sum of its entries| below 1e-12: {abs(dy_yours.sum()) < 1e-12}")
assert dy_yours[target] < 0 and np.all(np.delete(dy_yours, target) > 0) and abs(dy_yours.sum()) < 1e-12

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## 3 · "Why `dy[targets[t]] -= 1`?"
#
# One of the questions asked most often under the gist is about this step of the backward pass: what
# is the line that subtracts 1 at the target doing, and why is it there? Here are the two lines:
#
# ```python
# dy = np.copy(ps[t])      # start from the probabilities p
# dy[targets[t]] -= 1      # subtract 1 at the target index r: p - onehot(r)
# ```
#
# They compute the boxed formula of section 2, without ever building the one-hot vector. They are the
# gradient of softmax **and** cross-entropy together, so there is no separate step "through the softmax".

# %% [markdown] tags=["homework-only"]
# ## 3 · "Why subtract 1 at the target?"
#
# One of the questions asked most often under the gist is about a step of its backward pass: the
# gradient of the logits starts from the probabilities and subtracts 1 at the target's index. What is
# that doing, and why is it there? It is the boxed formula of section 2, computed without ever building
# the one-hot vector: the gradient of softmax **and** cross-entropy together, so there is no separate
# step "through the softmax". Your `softmax_ce_grad` computes the same.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# Let us compute the gradient three ways. The formula and the gist's lines do the same arithmetic
# ($p_k - 0$ everywhere except $p_r - 1$ at the target), so they agree exactly: comparing them cannot
# fail, and tells us nothing about whether the maths is right. The real check is the third way,
# centred finite differences of the loss itself, which know nothing of the formula.
# **Expected:** with $\varepsilon = 10^{-5}$ their error is of order $\varepsilon^2$, so they agree
# with the formula to a relative error (defined just below) under $10^{-9}$.

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["homework-only"]
# Your `softmax_ce_grad` computes them. Let us check it on the logits of section 1 against centred
# finite differences of the loss itself, which know nothing of the formula: nudge one logit up and
# down by $\varepsilon$ and divide the change of the loss by $2\varepsilon$. **Expected:** with
# $\varepsilon = 10^{-5}$ their error is of order $\varepsilon^2$, so they agree with your gradient to
# a relative error (defined just below) under $10^{-9}$.

# %%
def loss_of(y, target):
    """L = -ln softmax(y)[target] for logits y of shape (V,)."""
    return -np.log(softmax_naive(y)[target])


eps = 1e-5  # centred differences: nudge one logit up and down
grad_numeric = np.zeros(V)
for k in range(V):
    nudge = np.zeros(V)
    nudge[k] = eps
    grad_numeric[k] = (loss_of(y + nudge, target) - loss_of(y - nudge, target)) / (2 * eps)

# %% tags=["reading-only"]
grad_formula = p - np.eye(V)[target]  # 1. p - onehot(target); row r of the identity is onehot(r)

dy = np.copy(p)  # 2. the gist's two lines
dy[target] -= 1

# %% tags=["homework-only"] needs=["softmax_ce_grad"]
grad_formula = softmax_ce_grad(y, target)  # your function: p - onehot(target)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# The three side by side (the finite differences are the third way):

# %% tags=["reading-only"]
print("char    formula    gist's lines    finite differences")
for ch, a, b, c in zip(vocab.chars, grad_formula, dy, grad_numeric):
    print(f" '{ch}'   {a:+.6f}     {b:+.6f}        {c:+.6f}")

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["homework-only"]
# The two side by side:

# %% tags=["homework-only"] needs=["softmax_ce_grad"]
print("char    your softmax_ce_grad    finite differences")
for ch, a, c in zip(vocab.chars, grad_formula, grad_numeric):
    print(f" '{ch}'   {a:+.6f}               {c:+.6f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How close is close enough: the relative error
#
# Two gradients $a$ (analytic) and $n$ (numerical) are compared entry by entry by their **relative
# error**, the difference measured against the size of the numbers:
#
# $$\operatorname{rel\_error}(a, n) = \frac{|a - n|}{\max\big(10^{-8},\ |a| + |n|\big)}$$
#
# It does not depend on the scale of the loss, and the floor $10^{-8}$ keeps it finite where both
# entries are 0. The rule of thumb of Stanford's CS231n course: **below $10^{-7}$ means the two
# agree**; around $10^{-2}$ or above, one of them is wrong; two entries of opposite sign give exactly 1.
# `rnn_lib.rel_error` is the same function (notebook 03 uses it for the whole
# network). **Expected:** ours equals the library's on a few pairs.

# %%
def rel_error(a, b):
    """Entrywise |a - b| / max(1e-8, |a| + |b|)."""
    return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))


pairs = [(1.0, 1.0 + 1e-9), (0.5, -0.5), (0.0, 0.0), (2.0, 1.0)]
for a, b in pairs:
    print(f"a = {a:+.9f}, n = {b:+.9f}:  relative error {rel_error(a, b):.1e}")
assert all(rel_error(a, b) == rnn_lib.rel_error(a, b) for a, b in pairs)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# Now the largest relative errors of our three gradients. The first is 0 by construction. Here we
# expect much better than the rule of thumb: the loss is a short formula, so the finite differences
# agree with it to below $10^{-9}$. The last digits of a finite-difference error depend on how the
# CPU rounds `exp`, so they vary from machine to machine; the bound holds on all of them. To show that
# the finite differences can catch a mistake, the last line compares them with $p$ alone, the gradient
# you would get without `dy[targets[t]] -= 1`. **Expected:** that one misses by a relative error above 0.5.

# %% tags=["reading-only"]
# NBVAL_IGNORE_OUTPUT
# (why: the digits of a ~1e-10 rounding-level error vary between CPUs and numpy builds)
err_gist = rel_error(grad_formula, dy).max()
err_numeric = rel_error(grad_formula, grad_numeric).max()
err_without_minus_one = rel_error(p, grad_numeric).max()
print(f"formula vs gist: {err_gist:.1e}    formula vs finite differences: {err_numeric:.1e}")
print(f"p alone (no -1) vs finite differences: {err_without_minus_one:.2f}")
assert err_numeric < 1e-9 and err_without_minus_one > 0.5

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["homework-only"]
# Now the largest relative error between your gradient and the finite differences. The loss is a
# short formula, so we expect much better than the rule of thumb: below $10^{-9}$. The last digits of
# a finite-difference error depend on how the CPU rounds `exp`, so they vary from machine to machine;
# the bound holds on all of them. To show that the finite differences can catch a mistake, the last
# line compares them with $p$ alone, the gradient you would get without subtracting 1 at the target.
# **Expected:** that one misses by a relative error above 0.5.

# %% tags=["homework-only"] needs=["softmax_ce_grad"]
# NBVAL_IGNORE_OUTPUT
# (why: the digits of a ~1e-10 rounding-level error vary between CPUs and numpy builds)
err_numeric = rel_error(grad_formula, grad_numeric).max()
err_without_minus_one = rel_error(p, grad_numeric).max()
print(f"your softmax_ce_grad vs finite differences: {err_numeric:.1e}")
print(f"p alone (no -1) vs finite differences: {err_without_minus_one:.2f}")
assert err_numeric < 1e-9 and err_without_minus_one > 0.5

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · What the gradient does to each logit
#
# Gradient descent moves every logit against its gradient, $y \leftarrow y - \eta\, \partial L / \partial y$:
#
# - the **target** has gradient $p_r - 1 \le 0$, so its logit goes **up** by $\eta\,(1 - p_r)$;
# - every **other** character has gradient $p_k \ge 0$, so its logit goes **down** by $\eta\, p_k$:
#   the characters that took the most probability are pushed down the most;
# - the components add up to $\sum_k p_k - 1 = 0$: the push up equals the total push down.
#
# **Expected:** a negative entry for `e` only, and a sum of 0 (to rounding error, below $10^{-12}$).

# %% needs=["softmax_ce_grad"]
for ch, g in zip(vocab.chars, grad_formula):
    direction = "up" if g < 0 else "down"
    print(f"  '{ch}'   dL/dy = {g:+.4f}   ->  gradient descent moves its logit {direction}")
print(f"|sum of the components| below 1e-12: {abs(grad_formula.sum()) < 1e-12}")
assert abs(grad_formula.sum()) < 1e-12
assert grad_formula[target] < 0 and np.all(np.delete(grad_formula, target) > 0)

# %% [markdown] slideshow={"slide_type": "subslide"}
# One step of gradient descent with learning rate $\eta = 1$ on the logits themselves.
# **Expected:** $p(\texttt{e})$ goes up and the loss goes down.

# %% needs=["softmax_ce_grad"]
y_step = y - 1.0 * grad_formula
p_step = softmax_naive(y_step)
print(f"before: p['e'] = {p[target]:.4f}, L = {loss:.4f}")
print(f"after:  p['e'] = {p_step[target]:.4f}, L = {loss_of(y_step, target):.4f}")
assert p_step[target] > p[target] and loss_of(y_step, target) < loss

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Confident and right means a small gradient
#
# The size of the gradient tracks how wrong the model is. Three models with the same target `e`.
# **Expected:** the gradient norm $\lVert p - \text{onehot}\rVert$ grows from "confident and right" to
# "confident and wrong", with the loss (the gradient from your `softmax_ce_grad`).

# %% needs=["softmax_ce_grad"]
def ce_loss_grad(y, target):
    """Cross-entropy loss at one step and its gradient p - onehot(target) with respect to the logits y."""
    return -np.log(softmax_naive(y)[target]), softmax_ce_grad(y, target)


cases = {"confident and right": [6.0, 0.0, 0.0, 0.0],
         "undecided": [0.0, 0.0, 0.0, 0.0],
         "confident and wrong": [0.0, 0.0, 6.0, 0.0]}
norms = []
for name, logits in cases.items():
    L, g = ce_loss_grad(np.array(logits), target)
    norms.append(np.linalg.norm(g))
    print(f"{name:>20}:  L = {L:.4f}   dL/dy = {g}   norm = {norms[-1]:.4f}")
assert norms[0] < norms[1] < norms[2]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Sweeping one logit
#
# Keep `h`, `l` and `o` fixed and move the target's logit $y_e$ from $-6$ to $8$, recording the loss
# and its gradient at every value.
#
# For very negative $y_e$ the term $e^{y_e}$ no longer matters in the sum, so
# $L = -y_e + \ln \sum_j e^{y_j}$ approaches the straight line $-y_e + \ln \sum_{j \ne e} e^{y_j}$,
# of slope $-1$. **Expected:** the analytic $\partial L / \partial y_e$ matches the slope of the loss
# curve (`np.gradient` on the grid, spacing 0.01) to within $10^{-4}$, and at $y_e = -6$ the loss lies
# within $10^{-3}$ nats of that line.

# %% needs=["softmax_ce_grad"]
sweep = np.linspace(-6.0, 8.0, 1401)
l_id = int(vocab.encode("l")[0])
sweep_loss, sweep_grad = [], []
for value in sweep:
    logits = y.copy()
    logits[target] = value
    L, g = ce_loss_grad(logits, target)
    sweep_loss.append(L)
    sweep_grad.append(g)
sweep_loss, sweep_grad = np.array(sweep_loss), np.array(sweep_grad)  # (1401,), (1401, V)

# %% needs=["softmax_ce_grad"]
slope_error = np.abs(np.gradient(sweep_loss, sweep) - sweep_grad[:, target])[1:-1].max()
others = np.log(np.exp(np.delete(y, target)).sum())  # ln of the sum over the other characters
asymptote = others - sweep  # the line of slope -1 that L approaches on the left
print(f"largest gap between dL/dy_e and the slope of the loss curve: {slope_error:.1e}")
print(f"at y_e = {sweep[0]:.0f}: L = {sweep_loss[0]:.4f}, the line gives {asymptote[0]:.4f}")
assert slope_error < 1e-4
assert 0 < sweep_loss[0] - asymptote[0] < 1e-3 and np.all(sweep_loss > asymptote)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Left: the loss, and dashed the straight line of slope $-1$ it approaches on the left. Right: the
# gradient on the target, $p_e - 1$ (orange, the target's colour throughout the series), and on one
# other character, $p_l$; the dashed line marks $-1$.

# %% needs=["softmax_ce_grad"]
fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(13, 5))
_ = ax_loss.plot(sweep, sweep_loss, color="tab:blue", label="loss L")
_ = ax_loss.plot(sweep, asymptote, color="black", lw=1.5, ls="--",
                 label=r"$-y_e + \ln \sum_{j \neq e} e^{y_j}$ (slope $-1$)")
_ = ax_loss.plot(y[target], loss, "o", color="black", ms=9, label=f"our logits (L = {loss:.2f})")
ax_loss.set(xlabel=r"logit of the target, $y_e$", ylabel="loss L (nats)", ylim=(-0.5, 8.5),
            title="loss falls as $y_e$ rises")
_ = ax_loss.legend(loc="upper right")
_ = ax_grad.plot(sweep, sweep_grad[:, target], color="tab:orange",
                 label=r"target: $\partial L/\partial y_e = p_e - 1$")
_ = ax_grad.plot(sweep, sweep_grad[:, l_id], color="tab:red", label=r"other: $\partial L/\partial y_l = p_l$")
_ = ax_grad.axhline(0, color="black", lw=1)
_ = ax_grad.axhline(-1, color="tab:orange", lw=1, ls="--")
ax_grad.set(xlabel=r"logit of the target, $y_e$", ylabel="gradient", ylim=(-1.1, 1.1),
            title="both shrink to 0 once the model is right")
_ = ax_grad.legend(loc="upper right")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Far to the left the model is confidently wrong: the loss follows the dashed line of slope $-1$
# and the target's gradient is close to $-1$, its largest possible size. Far to the
# right the model is confidently right: the loss and both gradients fade to 0, so a well-predicted
# character hardly changes the weights.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Numerical stability: subtract the maximum first
#
# Adding the same constant $c$ to every logit does not change softmax, because $e^{c}$ cancels:
#
# $$\frac{e^{y_k + c}}{\sum_j e^{y_j + c}} = \frac{e^{c}\, e^{y_k}}{e^{c} \sum_j e^{y_j}} = \frac{e^{y_k}}{\sum_j e^{y_j}}$$
#
# Choosing $c = -\max_j y_j$ makes the largest exponent $e^0 = 1$: nothing can overflow, and the
# denominator is at least 1. This is the version we use from here on (`rnn_lib` does the same).
# It works on a single vector and on a `(T, V)` matrix with one row per time step.

# %%
def softmax(y):
    """Stable softmax over the last axis: y of shape (V,) or (T, V)."""
    z = y - y.max(axis=-1, keepdims=True)  # shift: softmax is unchanged, the largest exponent is e^0
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


print(f"shifted softmax equals the naive one: {np.allclose(softmax(y), softmax_naive(y))};  "
      f"adding 100 to every logit changes nothing: {np.allclose(softmax(y + 100.0), softmax(y))}")
assert np.allclose(softmax(y), softmax_naive(y))  # the shift changes nothing...
assert np.allclose(softmax(y + 100.0), softmax(y))  # ...and neither does any other constant

# %% [markdown] slideshow={"slide_type": "fragment"}
# With large logits the naive version breaks. A float64 cannot hold a number above
# `np.finfo(float).max`, so $e^{y}$ becomes `inf` as soon as $y$ passes the natural log of that
# number (both printed below), and `inf / inf` is `nan`. **Expected:** $e^{709}$ is finite and
# $e^{710}$ is not; `nan` from the naive version; the stable one returns the same $p$ as in
# section 1, since we only added 1000.

# %%
largest = np.finfo(float).max
print(f"largest float64: {largest:.4e};  its natural log: {np.log(largest):.2f}")
y_big = y + 1000.0
with np.errstate(over="ignore", invalid="ignore"):  # silence the overflow warnings we are showing
    print(f"np.exp(1000.0) = {np.exp(1000.0)}")
    p_naive_big = softmax_naive(y_big)
    assert np.isfinite(np.exp(709.0)) and np.isinf(np.exp(710.0))
print(f"naive:  {p_naive_big}")
print(f"stable: {softmax(y_big)}")
assert np.all(np.isnan(p_naive_big)) and np.allclose(softmax(y_big), p)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss: log-sum-exp
#
# The loss has the opposite problem. When the target's logit lies far below the largest one, its
# probability $e^{y_r - m}/\sum_j e^{y_j - m}$ (with $m = \max_j y_j$) underflows to exactly 0, and
# $-\ln 0 = \infty$, although the true loss is an ordinary number. Writing the loss with the
# logits instead of $p$,
#
# $$L = -\ln p_r = \ln \sum_j e^{y_j - m} + m - y_r \qquad\text{(the log-sum-exp form)},$$
#
# never takes the log of a probability: the sum contains $e^0 = 1$, so its log is finite and at most
# $\ln V$. **Expected:** with the target's logit 800 below the maximum, `-np.log(softmax(y)[r])` is
# `inf`, while the log-sum-exp form gives a loss between 800 and $800 + \ln V$.

# %%
y_far = y.copy()
y_far[target] = y.max() - 800.0  # the model is extremely sure the next character is not 'e'
with np.errstate(divide="ignore"):  # silence the log(0) warning we are showing
    loss_via_p = -np.log(softmax(y_far)[target])
m = y_far.max()
loss_lse = np.log(np.exp(y_far - m).sum()) + m - y_far[target]
print(f"softmax(y)[r] = {softmax(y_far)[target]}  ->  -ln p_r = {loss_via_p}")
print(f"log-sum-exp form: L = {loss_lse:.4f} nats")
assert np.isinf(loss_via_p) and 800 < loss_lse < 800 + np.log(V)

# %% [markdown] slideshow={"slide_type": "fragment"}
# `rnn_lib.cross_entropy` uses the log-sum-exp form: `forward` keeps the shifted logits and the log
# of the softmax denominator, and the loss is their difference, so a confidently wrong prediction
# costs a large, finite number of nats. Notebook 08 comes back to overflow, in float32, where it
# happens much sooner.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · Many time steps: the loss is a sum
#
# Over a chunk of $T$ characters the RNN makes one prediction per step, and the loss adds them up:
#
# $$L = \sum_{t} L_t = -\sum_{t} \ln p_t[r_t], \qquad r_t \text{ the target index at step } t.$$
#
# Each $y_t$ feeds only its own softmax $p_t$ (the recurrence carries $h_t$ forward, never $y_t$), so
# only $L_t$ depends on it:
#
# $$\frac{\partial L}{\partial y_t} = \frac{\partial L_t}{\partial y_t} = p_t - \text{onehot}(r_t)
# \quad\text{at every step, independently.}$$
#
# The gist does this inside its backward loop, one $t$ at a time; with a `(T, V)` array it is one line.
#
# **A change of layout.** Until now a step's logits were one vector; notebook 01 wrote them as a column
# $(V, 1)$, like the gist. From here on we stack the $T$ steps as the **rows** of one array: row $t$ of
# $Y$, shape $(T, V)$, holds $y_t$, and likewise for $P$ and $\partial L/\partial Y$. Rows suit numpy:
# `softmax` works along the last axis, and `P[rows, targets]` picks each step's target in one go. The
# maths is unchanged; only the arrays are transposed.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The four predictions of `"hello"` (read `h e l l`, predict `e l l o`), with random logits standing in
# for the network. We check all $T \times V$ entries of the gradient with `rnn_lib.gradcheck`.
# **Expected:** every row sums to 0 (to rounding error, below $10^{-12}$), and the largest relative
# error is below $10^{-8}$. That is looser than the $10^{-9}$ of section 3: with 16 random logits, some
# draws have a gradient entry close to 0, and the rounding error of the finite differences, about the
# same size for every entry, is a larger fraction of a small one.

# %%
inputs, targets = vocab.encode("hell"), vocab.encode("ello")
T = len(targets)
Y = np.random.default_rng(0).normal(size=(T, V))  # row t: the logits y_t
rows = np.arange(T)

# %% tags=["reading-only"]
def sequence_loss_and_grad(arrays):
    P = softmax(arrays["Y"])
    dY = P.copy()
    dY[rows, targets] -= 1  # the gist's line, for all T steps at once
    return -np.log(P[rows, targets]).sum(), {"Y": dY}


L_seq, grads_seq = sequence_loss_and_grad({"Y": Y})
row_sums = grads_seq["Y"].sum(axis=1)
print(f"L = {L_seq:.4f} nats over {T} steps;  every |row sum| of dL/dY below 1e-12: "
      f"{np.abs(row_sums).max() < 1e-12}")
print(f"dL/dY (row t is p_t - onehot(r_t)):\n{grads_seq['Y']}")
assert np.abs(row_sums).max() < 1e-12

# %% tags=["homework-only"] needs=["softmax_ce_grad"]
def sequence_loss_and_grad(arrays):
    P = softmax(arrays["Y"])
    dY = np.array([softmax_ce_grad(y_t, r_t) for y_t, r_t in zip(arrays["Y"], targets)])  # step by step
    return -np.log(P[rows, targets]).sum(), {"Y": dY}


L_seq, grads_seq = sequence_loss_and_grad({"Y": Y})
row_sums = grads_seq["Y"].sum(axis=1)
print(f"L = {L_seq:.4f} nats over {T} steps;  every |row sum| of dL/dY below 1e-12: "
      f"{np.abs(row_sums).max() < 1e-12}")
print(f"dL/dY (row t is p_t - onehot(r_t)):\n{grads_seq['Y']}")
assert np.abs(row_sums).max() < 1e-12

# %% needs=["softmax_ce_grad"]
# NBVAL_IGNORE_OUTPUT
# (why: the digits of a ~1e-10 rounding-level error vary between CPUs and numpy builds)
report = rnn_lib.gradcheck(sequence_loss_and_grad, {"Y": Y})
print(report)
assert report.max_rel_error < 1e-8

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## 8 · The same gradient inside `rnn_lib`
#
# `rnn_lib.loss_and_grads(params, inputs, targets, hprev, clip)` is the gist's `lossFun`. Two of its
# conventions show up here:
#
# - it can run $B$ independent streams of text side by side ($B$ = the number of parallel streams).
#   The gist has one stream, and so do we: $B = 1$, and `hprev` has shape $(H, B) = (H, 1)$;
# - by default it clips every gradient entry to $[-5, 5]$, as the gist does (notebook 04 explains
#   why); `clip=None` switches that off, so that we compare the exact gradient.

# %% [markdown] tags=["homework-only"]
# ## 8 · The same gradient in the output layer
#
# `rnn_lib.loss_and_grads(params, inputs, targets, hprev, clip)` is the gist's `lossFun`. Your copy of
# `rnn_lib` leaves it out: its output layer computes the answer of the exercise. Instead, this section
# builds the output layer's gradients from your `softmax_ce_grad`, checks them against finite
# differences, and sums your gradient over the steps of a sequence.

# %% [markdown] slideshow={"slide_type": "fragment"}
# The output layer is $y = W_{hy} h + b_y$; entry by entry, $y_k = \sum_j W_{hy}[k,j]\,h_j + b_y[k]$.
# The weight $W_{hy}[k,j]$ appears in the logit $y_k$ only, multiplied by $h_j$, and the bias
# $b_y[k]$ appears in $y_k$ only, with derivative 1. So the chain rule has one term each:
#
# $$\frac{\partial L}{\partial W_{hy}[k,j]} = \frac{\partial L}{\partial y_k}\, h_j,
# \qquad \frac{\partial L}{\partial b_y[k]} = \frac{\partial L}{\partial y_k}.$$
#
# The first is entry $(k, j)$ of the outer product $\frac{\partial L}{\partial y}\,h^\top$, a
# $(V,1)(1,H) = (V,H)$ matrix with the shape of $W_{hy}$; the second says that the bias gradient
# **is** $\partial L / \partial y$. (Notebook 03 derives the other lines of the backward pass the
# same way.) One step ($T = 1$) of a small random model: it reads `h`, and its target is `e`.

# %%
params = rnn_lib.init_params(V, hidden_size=8, rng=np.random.default_rng(1), scale=0.5)
hprev = rnn_lib.initial_state(params)  # (H, 1) zeros
ix = int(vocab.encode("h")[0])
# our forward step: x is one-hot, so Wxh @ x is column ix of Wxh
h = np.tanh(params["Wxh"][:, [ix]] + params["Whh"] @ hprev + params["bh"])  # (H, 1)
y1 = (params["Why"] @ h + params["by"])[:, 0]  # (V,)
p1 = softmax(y1)

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# We give `rnn_lib.loss_and_grads` the same single step. **Expected:** our loss, $p - \text{onehot}(r)$
# and $(p - \text{onehot}(r))\,h^\top$ match the library's (`np.allclose`).

# %% tags=["reading-only"]
dy1 = p1 - np.eye(V)[target]
lib_loss, lib_grads, _ = rnn_lib.loss_and_grads(params, [ix], [target], hprev, clip=None)
print(f"loss: ours {-np.log(p1[target]):.6f}   rnn_lib {lib_loss:.6f}")
print(f"p - onehot(r):  {dy1}\nrnn_lib dL/dby: {lib_grads['by'][:, 0]}")
assert np.isclose(lib_loss, -np.log(p1[target]))
assert np.allclose(lib_grads["by"][:, 0], dy1) and np.allclose(lib_grads["Why"], np.outer(dy1, h))

# %% [markdown] tags=["homework-only"]
# With your `softmax_ce_grad` for $\partial L / \partial y$, the two formulas give $\partial L / \partial W_{hy}$
# and $\partial L / \partial b_y$. `rnn_lib.gradcheck` (section 7) compares them with finite differences
# of the loss of this step, as a function of $W_{hy}$ and $b_y$. **Expected:** a largest relative error
# below $10^{-6}$.

# %% tags=["homework-only"] needs=["softmax_ce_grad"]
def output_layer_loss_and_grads(arrays):
    y_out = (arrays["Why"] @ h + arrays["by"])[:, 0]  # (V,)
    dy_out = softmax_ce_grad(y_out, target)  # your dL/dy
    return -np.log(softmax(y_out)[target]), {"Why": np.outer(dy_out, h), "by": dy_out[:, None]}


report_out = rnn_lib.gradcheck(output_layer_loss_and_grads, {"Why": params["Why"].copy(), "by": params["by"].copy()})
print(report_out)
print(f"largest relative error below 1e-6: {report_out.max_rel_error < 1e-6}")
assert report_out.max_rel_error < 1e-6

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# And the library's softmax, `rnn_lib.next_char_distribution` (which sampling uses), is ours.
# **Expected:** `np.allclose`, on these logits and on the huge ones of section 6.

# %% tags=["reading-only"]
assert np.allclose(rnn_lib.next_char_distribution(y1), softmax(y1))
assert np.allclose(rnn_lib.next_char_distribution(y_big), softmax(y_big))
print(f"next_char_distribution(y1) = {rnn_lib.next_char_distribution(y1)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Over $T = 4$ steps the bias is shared by every step, so its gradient is the **sum** of the per-step
# $p_t - \text{onehot}(r_t)$. We recompute the logits from the library's hidden states: `forward`
# stores them in `cache["hs"]`, of shape `(T+1, B, H)`, one row of $H$ values per step and stream, where
# `hs[0]` is `hprev` $= h_{-1}$ and `hs[t+1]` is $h_t$ (hence $T+1$ rows). In the row layout of
# section 7 the output layer $y_t = W_{hy} h_t + b_y$, transposed and stacked over $t$, reads
# $Y = S\, W_{hy}^\top + b_y^\top$, where row $t$ of the $(T, H)$ array $S$ is $h_t$: that is the code below.

# %%
cache = rnn_lib.forward(params, inputs, hprev)
hs = cache["hs"][1:, 0, :]  # (T, H): h_0 ... h_{T-1} of the single stream (row 0 of cache["hs"] is hprev)
Y_hello = hs @ params["Why"].T + params["by"].T  # (T, V): row t is y_t
P = softmax(Y_hello)  # (T, V): row t is p_t

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["reading-only"]
# **Expected:** our sum matches the library's `dby` (`np.allclose`).

# %% tags=["reading-only"]
dby_ours = (P - np.eye(V)[targets]).sum(axis=0)
_, lib_grads4, _ = rnn_lib.loss_and_grads(params, inputs, targets, hprev, clip=None)
print(f"sum_t (p_t - onehot(r_t)): {dby_ours}\nrnn_lib dL/dby:           {lib_grads4['by'][:, 0]}")
assert np.allclose(dby_ours, lib_grads4["by"][:, 0])

# %% [markdown] slideshow={"slide_type": "fragment"} tags=["homework-only"]
# The sum of your per-step gradients, $\sum_t (p_t - \text{onehot}(r_t))$, is the bias gradient `dby`. **Expected:**
# its entries add up to 0 (to rounding error, below $10^{-12}$), like each term's.

# %% tags=["homework-only"] needs=["softmax_ce_grad"]
dby_yours = sum(softmax_ce_grad(y_t, r_t) for y_t, r_t in zip(Y_hello, targets))
print(f"your sum over the {T} steps, dL/dby: {dby_yours};  |sum of its entries| below 1e-12: "
      f"{abs(dby_yours.sum()) < 1e-12}")
assert abs(dby_yours.sum()) < 1e-12

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 · Try it: move one logit
#
# `show_logit(value, target)` sets the logit of `l` to `value` (the others stay as in section 1), then
# draws $p$ and $\partial L / \partial y$ (from your `softmax_ce_grad`) as bar charts (the target in orange, as in notebook 01; the moved logit outlined in
# black), and returns `(p, grad)`.

# %% tags=["deck-code-to-notes"]
def show_logit(value, target="e", moved="l"):
    """Draw p and dL/dy after setting the logit of `moved` to `value`; return (p, grad), each (V,)."""
    logits = y.copy()
    logits[vocab.encode(moved)[0]] = value
    r = int(vocab.encode(target)[0])
    p_now = softmax(logits)
    grad = softmax_ce_grad(logits, r)
    colours = ["tab:orange" if k == r else "tab:gray" for k in range(V)]
    edges = ["black" if ch == moved else "none" for ch in vocab.chars]
    fig, (ax_p, ax_g) = plt.subplots(1, 2, figsize=(12, 4.5))
    _ = ax_p.bar(vocab.chars, p_now, color=colours, edgecolor=edges, linewidth=3)
    ax_p.set(ylim=(0, 1.05), ylabel="probability", title=f"p   (loss {-np.log(p_now[r]):.2f} nats)")
    _ = ax_g.bar(vocab.chars, grad, color=colours, edgecolor=edges, linewidth=3)
    _ = ax_g.axhline(0, color="black", lw=1)
    ax_g.set(ylim=(-1.05, 1.05), ylabel="gradient", title=r"$\partial L/\partial y = p - \mathrm{onehot}$")
    fig.suptitle(f"logit of '{moved}' = {value:+.2f}, target '{target}'")
    fig.tight_layout()
    return p_now, grad

# %% [markdown] slideshow={"slide_type": "subslide"}
# Called with `value = 2.0`, the logits are those of section 1. **Expected:** the same $p$ as there, and
# the gradient that the finite differences of section 3 gave (to $10^{-8}$).

# %% needs=["softmax_ce_grad"]
p_shown, grad_shown = show_logit(2.0, "e")
print(f"p = {p_shown}\ndL/dy = {grad_shown}")
assert np.allclose(p_shown, p) and np.allclose(grad_shown, grad_numeric, rtol=0, atol=1e-8)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now with a slider and a menu. `rnn_notebook.widgets.figure_widget` redraws the figure of `draw` whenever a
# control changes (in a running kernel; a copy viewed without one shows the figure above's values, logit 2.0
# and target `e`). Things to try: slide the logit of `l` up with target `e` (the loss rises, the orange
# bar's gradient approaches $-1$); then pick target `l` and slide again.

# %% needs=["softmax_ce_grad"]
import ipywidgets as widgets

from rnn_notebook.widgets import figure_widget


def draw(value, target):
    show_logit(value, target)
    return plt.gcf()  # the figure show_logit has just drawn


slider = widgets.FloatSlider(value=2.0, min=-4.0, max=6.0, step=0.25, description="logit of 'l'",
                             continuous_update=False, style={"description_width": "initial"})
menu = widgets.Dropdown(options=list(vocab.chars), value="e", description="target")
caption = ("Interactive figure: move the slider for the logit of 'l' or pick another target "
           "(needs a running kernel); here the logit is 2.0 and the target 'e'.")
display(figure_widget(draw, {"value": slider, "target": menu}, caption=caption))

# %% [markdown] slideshow={"slide_type": "slide"} tags=["reading-only"]
# ## Summary
#
# - Softmax $p = e^{y} / \sum_j e^{y_j}$ turns logits into probabilities; cross-entropy
#   $L = -\ln p_r$ ($r$ the target's index) scores them.
# - Together they have the gradient $\partial L/\partial y = p - \text{onehot}(r)$: the gist's
#   `dy = np.copy(ps[t]); dy[targets[t]] -= 1`.
# - The target's logit is pushed up by $1 - p_r$, every other logit down by its $p_k$; the
#   components sum to 0, and they are all small when the model is confident and right.
# - Subtract $\max(y)$ before `exp`: softmax does not change, and nothing overflows. Compute the loss
#   in the log-sum-exp form, which never takes the log of an underflowed 0 (as `rnn_lib.cross_entropy` does).
# - Over a sequence the losses add, and each step's $\partial L/\partial y_t$ is $p_t - \text{onehot}(r_t)$ on its own;
#   `rnn_lib.loss_and_grads` agrees (its `dby` is their sum).

# %% [markdown] tags=["homework-only"]
# ## Summary
#
# - Softmax $p = e^{y} / \sum_j e^{y_j}$ turns logits into probabilities; cross-entropy
#   $L = -\ln p_r$ ($r$ the target's index) scores them.
# - Together they have the gradient $\partial L/\partial y = p - \text{onehot}(r)$: the gist's
#   copy of the probabilities with 1 subtracted at the target.
# - The target's logit is pushed up by $1 - p_r$, every other logit down by its $p_k$; the
#   components sum to 0, and they are all small when the model is confident and right.
# - Subtract $\max(y)$ before `exp`: softmax does not change, and nothing overflows. Compute the loss
#   in the log-sum-exp form, which never takes the log of an underflowed 0 (as `rnn_lib.cross_entropy` does).
# - Over a sequence the losses add, and each step's $\partial L/\partial y_t$ is $p_t - \text{onehot}(r_t)$ on its own;
#   the output layer's `dby` is their sum, and its `dWhy` their outer products with the hidden states.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. The model outputs $p = (0.1, 0.2, 0.6, 0.1)$ over `e h l o` and the target is `o`. What is $\partial L/\partial y$?
# 2. Why do the components of $\partial L/\partial y$ always add up to 0? What does that say about adding the
#    same number to every logit?
# 3. The model gives the target probability 0.999. About how large are the loss and the target's gradient?
# 4. If someone forgot to subtract 1 at the target, what would gradient descent do to the logits?
# 5. Why can `softmax_naive` return `nan` while `softmax` cannot?
# 6. In a sequence, why does $\partial L/\partial y_t$ not depend on the targets of the other steps?
#
# <details>
# <summary>Answers</summary>
#
# 1. $p - \text{onehot}(\texttt{o}) = (0.1, 0.2, 0.6, -0.9)$.
# 2. They are $\sum_k p_k - 1 = 1 - 1 = 0$. Adding a constant to all logits leaves softmax and the loss
#    unchanged, so the loss is flat in that direction, and the gradient has no component along it.
# 3. $L = -\ln 0.999 \approx 0.001$ nats and $\partial L/\partial y_r = 0.999 - 1 = -0.001$:
#    almost nothing to learn from this character.
# 4. The gradient would be $p$ itself, all positive: every logit would be pushed down in proportion to its
#    probability, the target included. The model would drift towards a uniform distribution and never
#    learn which character comes next.
# 5. $e^{y}$ overflows to `inf` once $y$ exceeds the natural log of the largest float64 (printed in
#    section 6: $e^{709}$ is finite, $e^{710}$ is not), and `inf / inf` is `nan`. After subtracting
#    the maximum, every exponent is $\le 0$, so every $e^{z}$ is in $(0, 1]$ and the sum is at least 1.
# 6. $y_t$ only feeds $p_t$, and only $L_t$ uses $p_t$; the other $L_s$ do not depend on $y_t$
#    (they depend on $h_t$, which is handled when the gradient flows back into $h$, in notebook 03).
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - A. Karpathy, *min-char-rnn.py* (the gist this series rebuilds), especially its backward pass:
#   <https://gist.github.com/karpathy/d4dee566867f8291f086>
# - CS231n, *Neural networks case study*, section on computing the analytic gradient of the softmax
#   loss (the gist's comment points there): <https://cs231n.github.io/neural-networks-case-study/#grad>
# - E. Bendersky, *The Softmax function and its derivative*, the softmax Jacobian in detail:
#   <https://eli.thegreenplace.net/2016/the-softmax-function-and-its-derivative/>
# - E. Bendersky, *Understanding how to implement a character-based RNN language model*, a companion
#   walk-through of the whole gist: <https://eli.thegreenplace.net/2018/understanding-how-to-implement-a-character-based-rnn-language-model/>

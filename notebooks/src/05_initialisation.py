# %% [markdown] slideshow={"slide_type": "slide"}
# # 05 · Initialisation: why `randn * 0.01`
#
# **What you will learn**
#
# - why min-char-rnn starts its weights as `randn * 0.01`, and not as zeros, as plain `randn`, or
#   smaller still (a question learners keep asking under the gist), from an experiment with five scales
#   trained from ten starts each;
# - why a fresh model's loss first jumps *above* the uniform guess before it falls;
# - how small initial weights make the gradient through time vanish at the start, and how quickly
#   Adagrad's first steps repair that;
# - why an all-zero (or any identical) start can never learn more than the character frequencies: the
#   symmetry problem.
#
# **Prerequisites:** notebooks 01–04, in particular Adagrad's first step (notebook 04, section 4) and
# where the gradient through time vanishes (notebook 03, section 8). **Time:** about 40 minutes.
# Sections marked *optional* are side roads: skip them on a first reading.

# %% [markdown] slideshow={"slide_type": "skip"}
# Setup: the same first cell in every notebook of the series. Here we use `rnn_lib`'s model
# (`init_params`, `forward`, `loss_and_grads`), its Adagrad optimiser and its vocabulary.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnn_lib
from rnn_notebook.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()
_ = rnn_lib.blas_threads(1)  # numpy's matrix-product library (BLAS) on one thread: fastest for these small matrices


# %% [markdown] slideshow={"slide_type": "slide"}
# ## The training loop of notebook 04
#
# Every experiment below trains on a small text, the first 3000 characters of Tiny Shakespeare, the
# gist's way: chunks of `seq_length = 25` characters, carrying the hidden state, restarting at the end of
# the text. The helper is notebook 04's (section 4), imported from `rnn_notebook.loops`: `after_step`
# lets us look at the optimiser after every update, and any further option (Adagrad's `eps`) goes to
# the optimiser.

# %% slideshow={"slide_type": "fragment"}
from rnn_notebook.loops import train_on_text  # notebook 04's loop, as written there

text = rnn_lib.load_text(rnn_lib.data_path("tinyshakespeare.txt"))[:3000]
text_vocab = rnn_lib.CharVocab.from_text(text)
text_ids = text_vocab.encode(text)
print(f"{len(text)} characters, V = {len(text_vocab)}")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Why `randn * 0.01`?
#
# The learner question: *"Why multiply by 0.01? Isn't `np.random.randn` already a normal
# distribution?"* It is: a standard normal, with standard deviation 1. Multiplying by 0.01 keeps the
# shape (still normal, still centred, every entry different) and sets the size: standard deviation
# 0.01. The real question is which size.
#
# **Expected:** standard deviations 1.00 and 0.0100 (to 2 and 4 decimals).

# %% slideshow={"slide_type": "fragment"}
z = np.random.default_rng(0).standard_normal(100_000)
print(f"randn: mean {z.mean():+.3f}, std {z.std():.3f};   randn * 0.01: std {(z * 0.01).std():.4f}")
assert abs(z.std() - 1) < 0.01 and abs((z * 0.01).std() - 0.01) < 1e-4

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### An experiment with five scales
#
# For each scale we build the model (H = 64, the same seed) and measure, on the first chunk of 25
# characters of our text: the initial loss per character (a model that knows nothing should say
# "uniform", $\ln V$ nats per character, which is where the gist's `smooth_loss` starts: $T \ln V$),
# the fraction of hidden values that are saturated (|h| > 0.99), the length of the whole unclipped
# gradient and of its `dWxh` part alone, and the largest entry of `dWhh`.
#
# **Expected:** for scales up to 0.01 the initial loss is $\ln V$ to 2 decimals and nothing is
# saturated; at scale 1 the initial loss is more than twice $\ln V$ (confidently wrong), most hidden
# values are saturated and the gradient is over 10⁴ times longer; at 0.001 the `dWxh` part is 10
# times shorter than at 0.01, and every entry of `dWhh` is below $\sqrt{\epsilon} = 10^{-4}$.

# %% slideshow={"slide_type": "fragment"}
scales = [0.0, 0.001, 0.01, 0.1, 1.0]
T = 25
first_x, first_y = text_ids[:T], text_ids[1:T + 1]
ln_V = np.log(len(text_vocab))
print(f"ln V = {ln_V:.3f} nats/char (V = {len(text_vocab)}), i.e. T ln V = {T * ln_V:.2f} for a chunk of T = {T}")

# %% slideshow={"slide_type": "fragment"}
table = {}
for scale in scales:
    params = rnn_lib.init_params(len(text_vocab), 64, np.random.default_rng(0), scale=scale)
    h_start = rnn_lib.initial_state(params)
    cache = rnn_lib.forward(params, first_x, h_start)
    _, grads, _ = rnn_lib.loss_and_grads(params, first_x, first_y, h_start, clip=None)
    table[scale] = dict(loss0=rnn_lib.cross_entropy(cache, first_y) / T,
                        saturated=np.mean(np.abs(cache["hs"][1:]) > 0.99),
                        grad_norm=np.sqrt(sum(np.sum(g * g) for g in grads.values())),
                        dWxh_norm=np.linalg.norm(grads["Wxh"]),
                        dWhh_max=np.abs(grads["Whh"]).max())

# %% slideshow={"slide_type": "fragment"}
print(f"{'scale':>6} {'initial loss':>13} {'saturated':>10} {'|grad|':>10} {'|dWxh|':>10} {'max |dWhh|':>11}")
for s, r in table.items():
    print(f"{s:6.3f} {r['loss0']:13.3f} {r['saturated']:10.1%} {r['grad_norm']:10.2e} "
          f"{r['dWxh_norm']:10.2e} {r['dWhh_max']:11.1e}")
assert all(abs(table[s]["loss0"] - ln_V) < 0.01 and table[s]["saturated"] == 0 for s in (0.0, 0.001, 0.01))
assert table[1.0]["loss0"] > 2 * ln_V and table[1.0]["saturated"] > 0.5
assert table[1.0]["grad_norm"] > 1e4 * table[0.01]["grad_norm"]
assert 0 < table[0.001]["dWxh_norm"] < 0.11 * table[0.01]["dWxh_norm"]
assert 0 < table[0.001]["dWhh_max"] < 1e-4 < table[0.01]["dWhh_max"]

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now we train each model for 600 Adagrad steps with `train_on_text` and average the loss of the last
# 50. One run says little: from another random start the same scale can end a few tenths of a nat
# higher or lower. So every scale trains from 10 starts, seeds 0–9 (scale 0 once: its weights are all 0
# whatever the seed), and we compare means. Two runs from the same seed start from the same random
# numbers (scaled differently) and read the same text, so we compare them start by start: with $d_k$ the
# difference of their final losses from seed $k$, the *standard error* of the mean difference is
# $s_d/\sqrt{n}$ ($s_d$ the standard deviation of the $n = 10$ differences). A mean difference of more
# than about 2 standard errors is unlikely to be luck. A callback keeps copies of the parameters after
# steps 1, 50 and 200, for a closer look below.
#
# **Expected:** every run at 0.01 and at 0.1 ends below the run at 0 and below every run at 1; 0.01 and
# 0.1 both end lower on average than 0.001, by more than 2 standard errors. Between 0.01 and 0.1 this
# measurement cannot decide: their means differ by less than 3 standard errors, and each of the two
# ends lower from some of the starts.

# %% [markdown] slideshow={"slide_type": "notes"}
# The same start can also end elsewhere on another computer: CPUs differ in the last digits of their
# arithmetic, and training amplifies such differences. So the printed means vary a little from machine
# to machine; the comparisons above do not.

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"]
def keep_parameters(store, at_steps):
    """An `after_step` callback that stores copies of the parameters after the given steps."""
    done = []

    def after_step(opt):
        done.append(len(done) + 1)
        if done[-1] in at_steps:
            store[done[-1]] = {k: v.copy() for k, v in opt.params.items()}
    return after_step


def std_error(a, b):
    """The standard error of mean(a - b), for runs paired by their start: a[k] and b[k] from seed k."""
    d = np.asarray(a) - np.asarray(b)
    return d.std(ddof=1) / np.sqrt(len(d))

# %% slideshow={"slide_type": "fragment"}
seeds = range(10)
curves, trained, saved = {}, {}, {}  # keyed by (scale, seed)
for scale in scales:
    for seed in seeds if scale > 0 else [0]:
        params = rnn_lib.init_params(len(text_vocab), 64, np.random.default_rng(seed), scale=scale)
        saved[scale, seed] = {0: {k: v.copy() for k, v in params.items()}}
        curves[scale, seed] = train_on_text(params, text_ids, 600,
                                            after_step=keep_parameters(saved[scale, seed], (1, 50, 200)))
        trained[scale, seed] = params

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: training runs; their last digits differ between CPUs; the asserts check what holds on every CPU)
final = {s: np.array([curves[s, seed][-50:].mean() for seed in seeds if (s, seed) in curves]) for s in scales}
print("mean loss of the last 50 of 600 steps, over seeds 0-9:")
for s in scales:
    r = final[s]
    if r.size > 1:
        print(f"  scale {s:<5g} mean {r.mean():.3f}, standard deviation {r.std(ddof=1):.3f}, "
              f"from {r.min():.3f} to {r.max():.3f}")
    else:
        print(f"  scale {s:<5g} {r[0]:.3f} (one run)")
difference = final[0.1].mean() - final[0.01].mean()
print(f"0.1 minus 0.01: {difference:+.3f}, standard error {std_error(final[0.1], final[0.01]):.3f};  "
      f"0.01 ends lower from {np.sum(final[0.01] < final[0.1])} of {len(seeds)} starts")
assert np.concatenate([final[0.01], final[0.1]]).max() < min(final[0.0].min(), final[1.0].min())
assert all(final[0.001].mean() - final[s].mean() > 2 * std_error(final[0.001], final[s]) for s in (0.01, 0.1))
assert abs(difference) < 3 * std_error(final[0.1], final[0.01])
assert 0 < np.sum(final[0.01] < final[0.1]) < len(seeds)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Left: the loss of every single step for the first 50 steps of the runs from seed 0, as measured.
# Right: all 600 steps, averaged over the 10 seeds and over 25 steps to show the trend; the moving
# average starts at step 25 and hides the start, which is why the left panel is there.

# %% slideshow={"slide_type": "fragment"}
fig, (ax_start, ax_trend) = plt.subplots(1, 2, figsize=(14, 5), sharey=True)
window = np.ones(25) / 25  # moving average over 25 steps
for scale in scales:
    seed_mean = np.mean([curves[scale, seed] for seed in seeds if (scale, seed) in curves], axis=0)
    _ = ax_start.plot(np.arange(1, 51), curves[scale, 0][:50], marker=".", label=f"randn * {scale:g}")
    _ = ax_trend.plot(np.arange(25, 601), np.convolve(seed_mean, window, mode="valid"))
for ax in (ax_start, ax_trend):
    _ = ax.axhline(ln_V, ls="--", lw=1.5, color="gray", label="uniform, ln V" if ax is ax_trend else None)
_ = ax_start.set(xlabel="training step", ylabel="loss (nats/char)",
                 title="The first 50 steps of seed 0, every step",
                 ylim=(0, 1.05 * max(curves[s, 0].max() for s in scales)))
_ = ax_trend.set(xlabel="training step", title="600 steps, mean of 10 seeds, 25-step moving average")
_ = ax_trend.legend(ax_start.get_legend_handles_labels()[0] + ax_trend.get_legend_handles_labels()[0],
                    ax_start.get_legend_handles_labels()[1] + ax_trend.get_legend_handles_labels()[1],
                    loc="upper right", ncol=2, fontsize=12)
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Inside the hidden layer: histograms of $h$
#
# A look that Karpathy's *makemore* lectures recommend for any `tanh` layer: the histogram of its
# outputs over a batch of real data. We feed the first 250 characters of the text (from a zero hidden
# state) to the model of each scale, seed 0, and collect all $250 \times 64$ hidden values $h$. Two
# things to read off:
#
# - how many are **saturated**, $|h| > 0.97$ (the lectures' threshold; the table above used the
#   stricter 0.99): there `tanh` is flat;
# - the factor $1 - h^2$, `tanh`'s derivative. The backward pass multiplies the gradient by it at every
#   hidden unit and every step (`dhraw = (1 - h * h) * dh`, notebook 03). Near $|h| = 1$ it is close to 0:
#   a saturated unit lets almost no gradient through, to its weights or further back in time. That is
#   the **dead zone**.
#
# Scale 0 is left out: there every $h$ is exactly 0 (section 2 says why).
#
# **Expected:** at initialisation the spread of $h$ (its standard deviation) grows with the scale, and
# so does the saturated share: it is 0 up to scale 0.1 and more than half at scale 1. At 0.001 every
# $|h|$ is below 0.01, and up to scale 0.1 the mean of $1 - h^2$ is above 0.95 (nearly all of the gradient
# passes); at scale 1 it is below 0.2.

# %% slideshow={"slide_type": "fragment"}
batch = text_ids[:250]
shown_scales = [0.001, 0.01, 0.1, 1.0]


def hidden_values(params):
    """All hidden values h over the batch, from a zero hidden state: a flat array of 250 * H numbers."""
    return rnn_lib.forward(params, batch, rnn_lib.initial_state(params))["hs"][1:].ravel()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: at scale 1 the hidden state is chaotic: CPUs that round the last bits differently end with other
# values after 250 characters; the asserts check what holds on every CPU)
at_start = {s: hidden_values(saved[s, 0][0]) for s in shown_scales}  # seed 0, before any step
spread_h = [at_start[s].std() for s in shown_scales]
saturated_h = [np.mean(np.abs(at_start[s]) > 0.97) for s in shown_scales]
passes = [np.mean(1 - at_start[s] ** 2) for s in shown_scales]
print(f"{'scale':>6} {'std of h':>9} {'largest |h|':>12} {'saturated':>10} {'mean of 1 - h^2':>16}")
for s, sd, sat, gate in zip(shown_scales, spread_h, saturated_h, passes):
    print(f"{s:6.3f} {sd:9.4f} {np.abs(at_start[s]).max():12.4f} {sat:10.1%} {gate:16.3f}")
assert np.all(np.diff(spread_h) > 0) and np.all(np.diff(saturated_h) >= 0)
assert max(saturated_h[:3]) == 0 and saturated_h[3] > 0.5
assert np.abs(at_start[0.001]).max() < 0.01 and min(passes[:3]) > 0.95 and passes[3] < 0.2

# %% [markdown] slideshow={"slide_type": "subslide"}
# The start is not where training stays. Section 1's runs kept copies of their parameters after 200
# steps, from all 10 starts; we look at the same batch through them.
#
# **Expected:** after 200 steps of Adagrad, at every one of the four scales, the median over the 10
# starts of the saturated share is above 50%, and the median of the mean of $1 - h^2$ is below 0.25:
# whatever the start, most hidden values have moved into the dead zone. Yet the median over the 10
# starts of the number of units saturated on every one of the 250 characters is 0 at every scale, and
# no start has more than 3 of the 64.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: the parameters after 200 steps come from training runs, whose last digits differ between CPUs)
after_200 = {s: [hidden_values(saved[s, seed][200]) for seed in seeds] for s in shown_scales}
late_saturated = {s: np.median([np.mean(np.abs(h) > 0.97) for h in after_200[s]]) for s in shown_scales}
late_passes = {s: np.median([np.mean(1 - h ** 2) for h in after_200[s]]) for s in shown_scales}
print(f"after 200 steps, medians over {len(seeds)} starts:")
for s in shown_scales:
    print(f"scale {s:<5g}: saturated {late_saturated[s]:4.0%}, mean of 1 - h^2 {late_passes[s]:.2f}")
assert all(late_saturated[s] > 0.5 and late_passes[s] < 0.25 for s in shown_scales)

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: the parameters after 200 steps come from training runs, whose last digits differ between CPUs)
# units saturated on every one of the 250 characters, in each of the 10 starts
always = {s: [int(np.all(np.abs(h.reshape(batch.size, -1)) > 0.97, axis=0).sum()) for h in after_200[s]]
          for s in shown_scales}
print("units (of 64) saturated on every one of the 250 characters, at scales "
      + ", ".join(f"{s:g}" for s in shown_scales) + ":")
print(f"  median over the {len(seeds)} starts: " + ", ".join(f"{np.median(always[s]):g}" for s in shown_scales))
print("  most in any start: " + ", ".join(f"{max(always[s])}" for s in shown_scales))
assert all(np.median(always[s]) == 0 and max(always[s]) <= 3 for s in shown_scales)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The histograms, seed 0: top row $h$, bottom row $1 - h^2$; filled before training, outlined after
# 200 steps; the dead zone shaded grey. The height of a bar is the share of the $250 \times 64$ values
# that fall into it.

# %% slideshow={"slide_type": "fragment"}
fig, axes = plt.subplots(2, len(shown_scales), figsize=(16, 6.4), sharey=True)  # wide: four panels side by side
share = np.full(batch.size * 64, 1 / (batch.size * 64))  # each value counts as its share of the total
for col, s in enumerate(shown_scales):
    for row, (transform, bins) in enumerate([(lambda h: h, np.linspace(-1, 1, 42)),
                                             (lambda h: 1 - h ** 2, np.linspace(0, 1, 21))]):
        ax = axes[row, col]
        _ = ax.hist(transform(at_start[s]), bins=bins, weights=share, color="tab:blue", alpha=0.6,
                    label="at the start")
        _ = ax.hist(transform(after_200[s][0]), bins=bins, weights=share, histtype="step", lw=2,
                    color="tab:red", label="after 200 steps")
    for edge in (-1, 0.97):  # the dead zone: |h| > 0.97, where 1 - h**2 < 0.06
        _ = axes[0, col].axvspan(edge, edge + 0.03, color="0.6", alpha=0.5,
                                 label="saturated, |h| > 0.97" if edge > 0 else None)
    _ = axes[1, col].axvspan(0, 1 - 0.97 ** 2, color="0.6", alpha=0.5)
    _ = axes[0, col].set(title=f"randn * {s:g}\n{saturated_h[col]:.0%} saturated at the start", xlabel="h")
    _ = axes[1, col].set(xlabel="1 - h**2 (what passes back)")
for ax in axes[:, 0]:
    _ = ax.set(ylabel="share of the values", ylim=(0, 1))
_ = fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="upper center", ncol=3, fontsize=14, frameon=False)
fig.tight_layout(rect=(0, 0, 1, 0.94))  # the legend above the panels, clear of the bars

# %% [markdown] slideshow={"slide_type": "fragment"}
# At scale 1 the network starts in the dead zone: most values sit at $\pm 1$, and $1 - h^2$ piles up at
# 0. At the small scales the values crowd around 0, where `tanh` is linear: up to scale 0.1 the factor
# $1 - h^2$ is above 0.95 on average, so nearly all of the gradient passes. That is the reason for small
# initial weights. Adagrad's first steps of about ±lr (next subsection) change the picture within 200
# steps at every scale: most hidden values end up saturated. A small start buys a healthy first step,
# not a healthy layer for the rest of training.
#
# Saturated values are not dead units. The *makemore* lectures call a unit dead when it is saturated
# on every input: then no gradient ever reaches its weights, and it cannot learn its way out. Here,
# after 200 steps, the median over the 10 starts of the units saturated on all 250 characters is 0 at
# every scale (the line `median over the 10 starts` printed above): each unit is in `tanh`'s sloped range on some characters,
# and learns from them. What the saturated values cost is the gradient through time: at every step
# back, the gradient is multiplied by $1 - h^2$, and where that is near 0 little of it passes to earlier
# steps. Notebook 09 follows what this does.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why the curves first jump above $\ln V$
#
# Every model with small random weights (0.001 to 0.1) starts near $\ln V$ and then, within a few
# steps, does *worse* than uniform.
# That is Adagrad's first steps (notebook 04, section 4): every weight with a non-zero gradient moves by
# about the full learning rate, 0.1, whatever the size of its gradient, and all of them in the direction
# that suits the chunk at hand. Thousands of such steps add up in the logits $W_{hy} h + b_y$: the model
# becomes confident, and the next chunks, with other characters, are confidently mispredicted. Later
# steps are smaller (the memories have grown) and the losses come down.
#
# To see "confident" we need a measure of it. The **entropy** of a predicted distribution $p$ over the
# $V$ characters, $H(p) = -\sum_j p_j \ln p_j$ (in nats), is largest, $\ln V$, for the uniform
# distribution and 0 when all the probability sits on one character: the lower it is, the more
# confident the prediction.
#
# **Expected:** we replay the first 4 steps of the scale-0.01 run from seed 0 (the same losses as
# above) and print, after each update, the mean entropy of the model's predictions over the first 200
# characters. After the first update it is still within 0.05 of $\ln V$: that update was computed
# from the fresh model, whose hidden values are tiny. After a later one it is more than 1 nat below
# $\ln V$ (a confident model), and the loss of a later step among the 4 is above $\ln V$. The jump
# above $\ln V$ within the first 4 steps is in every run of section 1 at scales 0.001, 0.01 and 0.1,
# from all 10 starts.

# %% slideshow={"slide_type": "fragment"}
def mean_entropy(params, ids):
    """Mean entropy (nats) of the next-character distributions along ids, from a zero state."""
    probs = rnn_lib.forward(params, ids, rnn_lib.initial_state(params))["probs"]
    return float(-(probs * np.log(probs)).sum(axis=1).mean())


replayed = rnn_lib.init_params(len(text_vocab), 64, np.random.default_rng(0), scale=0.01)
entropies = [mean_entropy(replayed, text_ids[:200])]
first_steps = train_on_text(replayed, text_ids, 4,
                            after_step=lambda opt: entropies.append(mean_entropy(opt.params, text_ids[:200])))
for step, (loss_of_step, entropy_after) in enumerate(zip(first_steps, entropies[1:]), start=1):
    print(f"step {step}: loss of its chunk {loss_of_step:.2f} nats/char;  mean entropy after the update "
          f"{entropy_after:.2f} (ln V = {ln_V:.2f})")
assert np.allclose(first_steps, curves[0.01, 0][:4])
assert entropies[0] > ln_V - 0.01 and entropies[1] > ln_V - 0.05
assert min(entropies[2:]) < ln_V - 1 and first_steps[1:].max() > ln_V

# %% slideshow={"slide_type": "fragment"}
jumps = [curves[s, seed][1:4].max() > ln_V for s in (0.001, 0.01, 0.1) for seed in seeds]
print(f"runs at scales 0.001-0.1 with a loss above ln V among steps 2-4: {sum(jumps)} of {len(jumps)}")
assert all(jumps)

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **Scale 1** (plain `randn`): each hidden unit adds up 64 recurrent inputs with weights of size 1,
#   so `tanh` saturates; the outputs are large and confidently wrong, the gradients explode, and
#   training starts from a far worse place.
# - **Scale 0.001**: everything is nearly linear and every gradient of the hidden layer is tiny. A small
#   gradient alone would not slow Adagrad down (its first step is ±lr whatever the size, notebook 04, section 4), but
#   the $\epsilon$ does: every entry of `dWhh` is below $\sqrt{\epsilon}$ (table above), so `Whh`'s
#   first steps are damped. The optional check below takes the $\epsilon$ away.
# - **0.01 and 0.1** both work here, and after 600 steps we cannot tell them apart; at 0.01 the start
#   is uniform and no unit is saturated. But its `Whh` is tiny too, so at the start the gradient
#   through time vanishes (notebook 03, section 8); further below we measure how quickly training
#   repairs that.
# - **Scale 0**: the initial loss is exactly $\ln V$, yet training stalls early, far above the
#   scales 0.001 to 0.1. Why? Section 2.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: the check, take $\epsilon$ out of the way
#
# *A side road: skip to the next subsection on a first reading.*
#
#
# We train the models of scales 0.001 and 0.01 again from the same 10 starts, now with
# $\epsilon = 10^{-20}$, which damps only gradients below about $10^{-10}$, and compare them with the
# runs above, which used the gist's $\epsilon = 10^{-8}$.
#
# **Expected:** at 0.001, taking $\epsilon$ away lowers the mean final loss by more than 2 standard
# errors, and lowers it from most of the starts; at 0.01 the change is within the noise (less than 3
# standard errors). Without $\epsilon$, the gap between the two scales is less than half of what it
# was, and within the noise too.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: training runs; their last digits differ between CPUs; the asserts check what holds on every CPU)
no_eps_final = {}
for scale in (0.001, 0.01):
    no_eps_final[scale] = np.array([
        train_on_text(rnn_lib.init_params(len(text_vocab), 64, np.random.default_rng(seed), scale=scale),
                      text_ids, 600, eps=1e-20)[-50:].mean() for seed in seeds])
gain, gain_error = {}, {}
for scale in (0.001, 0.01):
    gain[scale] = final[scale].mean() - no_eps_final[scale].mean()
    gain_error[scale] = std_error(final[scale], no_eps_final[scale])
    lower = np.sum(no_eps_final[scale] < final[scale])
    print(f"scale {scale:<5g}: mean of the last 50 losses {final[scale].mean():.2f} with eps 1e-8, "
          f"{no_eps_final[scale].mean():.2f} with eps 1e-20: gain {gain[scale]:+.2f}, standard error "
          f"{gain_error[scale]:.2f}; lower without eps from {lower} of {len(seeds)} starts")
gap = {"1e-8": final[0.001].mean() - final[0.01].mean(),
       "1e-20": no_eps_final[0.001].mean() - no_eps_final[0.01].mean()}
gap_error = std_error(no_eps_final[0.001], no_eps_final[0.01])
print(f"gap between the scales (0.001 minus 0.01): {gap['1e-8']:+.2f} with eps 1e-8, {gap['1e-20']:+.2f} "
      f"with eps 1e-20 (standard error {gap_error:.2f})")
assert gain[0.001] > 2 * gain_error[0.001] and np.sum(no_eps_final[0.001] < final[0.001]) > len(seeds) / 2
assert abs(gain[0.01]) < 3 * gain_error[0.01]
assert abs(gap["1e-20"]) < gap["1e-8"] / 2 and abs(gap["1e-20"]) < 3 * gap_error

# %% [markdown] slideshow={"slide_type": "fragment"}
# So the slow start at 0.001 is the $\epsilon$'s doing, not the size of the gradients: without it the
# two scales end level, within the noise. At 0.01, taking the gist's $\epsilon$ away makes no
# difference we can measure with 10 runs of 600 steps.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Small weights make the gradient through time vanish: for how long?
#
# At 0.01 `Whh` starts tiny, so the gradient of a loss hardly reaches back in time (notebook 03,
# section 8). Notebook 04 (section 4) suggests why training still works: Adagrad moves every weight by about the
# learning rate in its first steps, whatever the size of its gradient, so `Whh` cannot stay small. We
# measure it on the copies kept during training: $\|W_{hh}\|_2$, the share of saturated hidden values
# on the first chunk, and how much of the last step's gradient survives 10 steps back on that chunk,
# $\|\partial L_{T-1}/\partial h_{T-11}\| \,/\, \|\partial L_{T-1}/\partial h_{T-1}\|$ (L5 and L9 of
# notebook 03, applied 10 times).
#
# We print the medians over the 10 starts above; the checks are on every run.
#
# **Expected:** at 0.01, from every start, the first step moves more than half of the entries of `Whh`
# by more than 0.09; $\|W_{hh}\|_2$ is below 0.25 at the start and above 1 after the first step; the
# 10-step ratio starts below $10^{-9}$ and is more than $10^4$ times larger after the first step, and
# still after 200. At 0.001, where the $\epsilon$ damps the first step of `Whh`, $\|W_{hh}\|_2$ is still
# below 1 after it, and above 1 after 50 steps, from every start; yet after 200 steps the 10-step ratio
# is still below a millionth in most runs at 0.001, and above $10^{-7}$ in every run at 0.01.

# %% slideshow={"slide_type": "fragment"} tags=["deck-code-to-notes"]
def signal_ratio(params, x, y, back=10):
    """||dL_{T-1}/dh_{T-1-back}|| / ||dL_{T-1}/dh_{T-1}|| for the last step's loss on the chunk x -> y."""
    cache = rnn_lib.forward(params, x, rnn_lib.initial_state(params))
    hs = cache["hs"][1:, 0, :]  # (T, H): row t is h_t (row 0 of cache["hs"] is hprev)
    dy = cache["probs"][-1].copy()
    dy[y[-1]] -= 1
    dh = params["Why"].T @ dy
    start = np.linalg.norm(dh)
    for t in range(len(x) - 1, len(x) - 1 - back, -1):
        dh = params["Whh"].T @ ((1 - hs[t] ** 2) * dh)  # now dL/dh_{t-1}
    return np.linalg.norm(dh) / start

# %% slideshow={"slide_type": "fragment"}
growth = {}  # (scale, step) -> array (seeds, 3): |Whh|_2, saturated share, 10-step ratio
for scale in (0.01, 0.001):
    for step in (0, 1, 50, 200):
        rows = []
        for seed in seeds:
            model = saved[scale, seed][step]
            hs_first = rnn_lib.forward(model, first_x, rnn_lib.initial_state(model))["hs"][1:]
            rows.append((np.linalg.norm(model["Whh"], 2), np.mean(np.abs(hs_first) > 0.99),
                         signal_ratio(model, first_x, first_y)))
        growth[scale, step] = np.array(rows)

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: the parameters after 50 and 200 steps come from training runs, whose last digits differ between CPUs)
for (scale, step), rows in growth.items():
    norm, saturated, ratio = np.median(rows, axis=0)
    print(f"scale {scale:<5g} after {step:3d} steps, medians: |Whh|_2 = {norm:5.2f}, "
          f"saturated {saturated:4.0%}, 10 steps back {ratio:.0e}")
norms = {key: rows[:, 0] for key, rows in growth.items()}   # one entry per seed
ratios = {key: rows[:, 2] for key, rows in growth.items()}
assert np.all(norms[0.01, 0] < 0.25) and np.all(norms[0.01, 1] > 1)
assert np.all(ratios[0.01, 0] < 1e-9)
assert np.all(ratios[0.01, 1] > 1e4 * ratios[0.01, 0]) and np.all(ratios[0.01, 200] > 1e4 * ratios[0.01, 0])
assert np.all(norms[0.001, 1] < 1) and np.all(norms[0.001, 50] > 1)
assert np.sum(ratios[0.001, 200] < 1e-6) > len(seeds) / 2 and np.all(ratios[0.01, 200] > 1e-7)

# %% slideshow={"slide_type": "fragment"}
# NBVAL_IGNORE_OUTPUT
# (why: the parameters after one step come from training runs, whose last digits differ between CPUs)
moved = [np.mean(np.abs(saved[0.01, seed][1]["Whh"] - saved[0.01, seed][0]["Whh"]) > 0.09) for seed in seeds]
print(f"scale 0.01, first step: share of the entries of Whh that moved by more than 0.09, "
      f"from {min(moved):.0%} to {max(moved):.0%}")
assert min(moved) > 0.5

# %% [markdown] slideshow={"slide_type": "fragment"}
# At 0.01 one Adagrad step is enough to make `Whh` large: most of its entries moved by nearly the full
# 0.1. From then on the gradient through time is not held back by a small `Whh` any more; saturation
# and the directions the gradient takes decide how much gets through (notebook 09 follows this through
# training). At 0.001 training takes another path: `Whh` grows large a little later, yet in most runs
# its gradient through time stays vanished for hundreds of steps. Large recurrent weights are needed
# for the gradient to travel back; they are not enough.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Zero initialisation: the symmetry problem
#
# With all weights 0 every hidden value is `tanh(0) = 0`, so `dWhy = dy h^T = 0`; and with `Why = 0`
# no gradient reaches the hidden layer (`dh = Why^T dy = 0`). Only the output bias `by` learns: the
# model only learns how frequent each character is, and ignores its input. It has become a **unigram
# model**: it predicts every character from the output bias alone, $p = \operatorname{softmax}(b_y)$,
# the same distribution whatever came before (the n-gram models of notebook 11 with $n = 1$).
#
# **Expected:** after 600 steps `Wxh`, `Whh`, `Why` are still exactly 0, and the predicted
# distribution is the same at every position of the text.

# %% slideshow={"slide_type": "fragment"}
zero = trained[0.0, 0]
cache = rnn_lib.forward(zero, text_ids[:200], rnn_lib.initial_state(zero))
all_zero = all(not np.any(zero[k]) for k in ("Wxh", "Whh", "Why"))
same_everywhere = np.ptp(cache["probs"], axis=0).max()
print(f"Wxh, Whh, Why all zero after 600 steps: {all_zero}")
print(f"largest spread of p over 200 positions: {same_everywhere:.1e}")
print(f"by moved up to {np.abs(zero['by']).max():.2f}")
assert all_zero and same_everywhere == 0

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Any identical start stays identical
#
# Zeros are the extreme case. Start every weight at the same non-zero value, 0.01: now the network
# does learn, but all 64 hidden units receive the same inputs through the same weights, compute the
# same value, get the same gradient, and take the same step. They stay copies of one unit for ever.
# Random initial weights break this symmetry; that is what `randn` is for.
#
# **Expected:** after 200 steps the weights have moved, yet all 64 rows of `Wxh` and of `Whh` are still
# exactly equal (the spread across rows is 0), and so are the 64 columns of `Why`.

# %% slideshow={"slide_type": "fragment"}
same = rnn_lib.init_params(len(text_vocab), 64, np.random.default_rng(0))
for k in ("Wxh", "Whh", "Why"):
    same[k][...] = 0.01
_ = train_on_text(same, text_ids, 200)
row_spread = {k: np.ptp(same[k], axis=0).max() for k in ("Wxh", "Whh")}
print(f"largest |Wxh| now {np.abs(same['Wxh']).max():.4f}")
print(f"spread across rows: Wxh {row_spread['Wxh']:.1e}, Whh {row_spread['Whh']:.1e}")
print(f"spread across columns of Why: {np.ptp(same['Why'], axis=1).max():.1e}")
assert np.abs(same["Wxh"] - 0.01).max() > 0.05
assert row_spread["Wxh"] == 0 and row_spread["Whh"] == 0 and np.ptp(same["Why"], axis=1).max() == 0

# %% [markdown] slideshow={"slide_type": "fragment"}
# **So, why `randn * 0.01`?** *Random*, so the hidden units start different and can learn different
# things. *Small*, so that `tanh` starts in its linear range (derivative close to 1, no unit saturated)
# and the first predictions are close to uniform. Small has a price: `Whh` is tiny too, so at the start
# the gradient through time vanishes (notebook 03, section 8). Training gets past it because Adagrad's
# first steps are about ±lr whatever the size of the gradient, which makes `Whh` large within a step
# (section 1); with plain SGD, small gradients would mean small steps. Why 0.01 rather than 0.1 is a
# matter of taste: in section 1 the two ended level within the noise of 10 runs, while 0, 0.001 and 1
# were clearly worse. The library exposes the scale as `TrainConfig.init_scale` (`TrainConfig`, the
# training configuration, comes in notebook 06).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - `randn * 0.01` draws every weight from a normal distribution with standard deviation 0.01: the same
#   shape as `randn`, a hundred times smaller.
# - Weights start small and random: random to break the symmetry between hidden units (an all-zero or
#   any identical start keeps every hidden unit a copy of one unit for ever; with zeros only `by` learns,
#   and the model is a unigram model),
#   small to keep `tanh` unsaturated and the first predictions uniform.
# - At scale 1 the start is saturated and confidently wrong; at 0.001 Adagrad's $\epsilon$ damps the
#   first steps of `Whh`, whose gradients are all below $\sqrt{\epsilon}$, and training is slow. Between
#   0.01 and 0.1, 600 steps of training cannot tell a difference; 0, 0.001 and 1 are clearly worse.
# - The price of a small start, a gradient through time that vanishes, is paid back by Adagrad's first
#   ±lr steps, which make `Whh` large at once. Large recurrent weights are needed for the gradient to
#   travel back; they are not enough.
# - Adagrad's first steps also make a fresh model confidently wrong: within its first few steps the
#   loss rises above $\ln V$, before it falls.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. `np.random.randn` already draws from a normal distribution. What does the `* 0.01` change, and
#    what does it leave as it is?
# 2. At scale 1, why is the initial loss far above $\ln V$, although the model knows nothing?
# 3. Why does a network with all weights 0 end up predicting the same distribution at every position?
# 4. All weights start at the same value 0.01 instead of 0. Why do the 64 hidden units still stay
#    copies of each other?
# 5. At scale 0.001 every entry of `dWhh` is below $10^{-4}$ at the start. Why does that slow Adagrad
#    down, although Adagrad's first step does not depend on the size of the gradient?
# 6. A fresh model at scale 0.01 starts with a loss of $\ln V$ per character, and a few steps later its
#    loss is above $\ln V$. What happened, and what does the entropy of its predictions show?
# 7. At scale 0.01, $\|W_{hh}\|_2$ starts near 0.15. How many Adagrad steps does it take to pass 1,
#    and why so few?
#
# <details>
# <summary>Answers</summary>
#
# 1. It scales the standard deviation from 1 to 0.01; the distribution stays normal and centred, and
#    every entry stays different from the others.
# 2. Each hidden unit adds up 64 recurrent inputs with weights of size 1, so `tanh` saturates and the
#    outputs are large: the model is confident, and since it knows nothing, confidently wrong.
# 3. With zero weights h = tanh(0) = 0 at every step, `dWhy` = dy hᵀ = 0 and `dh` = Whyᵀ dy = 0, so only
#    `by` ever receives a gradient; the output is softmax(`by`), the same whatever the input.
# 4. Every hidden unit receives the same inputs through the same weights, so it computes the same value,
#    gets the same gradient and takes the same step; nothing ever makes two units differ. Random
#    initial weights break this symmetry.
# 5. Adagrad's first step is $\eta\, g/\sqrt{g^2 + \epsilon}$, close to $\eta$ only when
#    $g^2 \gg \epsilon = 10^{-8}$; with $|g| < 10^{-4}$ the $\epsilon$ dominates and the step is smaller
#    (notebook 04, section 4). The optional check of section 1 takes the $\epsilon$ away and the slow
#    start goes.
# 6. Adagrad's first steps move every weight by about the learning rate, in the direction that suits the
#    chunks seen so far. Together they make the logits large: the mean entropy of the predictions falls
#    more than a nat below $\ln V$ (a confident model), and the next chunks, with other characters, are
#    confidently mispredicted. Later steps are smaller and the loss comes down.
# 7. One: after the first step $\|W_{hh}\|_2$ is above 1 from every start (section 1 prints the
#    medians). Adagrad's first step moves most entries of `Whh` by nearly the full 0.1 although their
#    gradients are tiny; a $64 \times 64$ matrix with most entries of size about 0.1 stretches some
#    vectors by more than 1.
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - A. Karpathy, *min-char-rnn* (2015), the gist this series rebuilds:
#   <https://gist.github.com/karpathy/d4dee566867f8291f086>; the comments under it are where the
#   learner question of this notebook comes from.
# - X. Glorot, Y. Bengio, *Understanding the difficulty of training deep feedforward neural networks*,
#   AISTATS 2010: how the initial scale sets the size of activations and gradients, layer by layer.
# - R. Pascanu, T. Mikolov, Y. Bengio, *On the difficulty of training recurrent neural networks*,
#   ICML 2013: vanishing and exploding gradients through time.

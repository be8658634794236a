"""The interpolated Kneser-Ney n-gram model: normalisation, no zeros, hand-computed values, and a
plain-loop reference implementation it must agree with.

Dimension letters: V vocabulary size, N text length, n order.
"""

import math
from collections import defaultdict

import numpy as np
import pytest

from rnn_lib.ngram import NGramModel
from rnn_lib.vocab import CharVocab

TEXT = "the cat sat on the mat. the hat is flat; that cat is fat."
VOCAB = CharVocab(tuple(sorted(set(TEXT) | set("xyz!"))))  # x, y, z, ! never occur in TEXT
V = len(VOCAB)
IDS = VOCAB.encode(TEXT)


# ------------------------------------------------------------------ a plain-loop reference
class ReferenceKN:
    """Interpolated Kneser-Ney with dicts keyed by tuples, one probability at a time."""

    def __init__(self, ids, order, V, discount=None):
        ids = [int(i) for i in ids]
        self.order, self.V = order, V
        grams = [defaultdict(int) for _ in range(order + 1)]  # grams[k]: k-gram tuple -> count
        for k in range(1, order + 1):
            for i in range(len(ids) - k + 1):
                grams[k][tuple(ids[i : i + k])] += 1
        self.counts = [None] * (order + 1)
        self.counts[order] = dict(grams[order])
        for k in range(1, order):  # continuation count: distinct characters seen just before
            cont = defaultdict(int)
            for g in grams[k + 1]:
                cont[g[1:]] += 1
            self.counts[k] = dict(cont)
        self.total, self.types, self.D = [None], [None], [None]
        for k in range(1, order + 1):
            total, types = defaultdict(int), defaultdict(int)
            for g, c in self.counts[k].items():
                total[g[:-1]] += c
                types[g[:-1]] += 1
            self.total.append(total)
            self.types.append(types)
            if discount is None:
                n1 = sum(1 for c in self.counts[k].values() if c == 1)
                n2 = sum(1 for c in self.counts[k].values() if c == 2)
                self.D.append(n1 / (n1 + 2 * n2) if n1 else 0.75)
            else:
                self.D.append(discount)

    def prob(self, context, w):
        context = tuple(context)[max(0, len(context) - self.order + 1) :] if self.order > 1 else ()
        return self._p(len(context) + 1, context, w)

    def _p(self, k, h, w):
        if k == 0:
            return 1 / self.V
        lower = self._p(k - 1, h[1:], w)
        total = self.total[k].get(h, 0)
        if total == 0:
            return lower
        c, D = self.counts[k].get(h + (w,), 0), self.D[k]
        return max(c - D, 0) / total + D * self.types[k][h] / total * lower

    def log_loss(self, ids):
        ids = [int(i) for i in ids]
        logs = [math.log(self.prob(ids[max(0, i - self.order + 1) : i], ids[i])) for i in range(len(ids))]
        return -sum(logs) / len(logs)


# ------------------------------------------------------------------ normalisation, no zeros
@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_distributions_sum_to_one_for_seen_and_unseen_contexts(order):
    model = NGramModel.fit(IDS, order, V)
    seen = [IDS[:0], IDS[:1], IDS[3 : 3 + order - 1], IDS[-(order - 1) :] if order > 1 else IDS[:0]]
    unseen = [VOCAB.encode("xyz!"), VOCAB.encode("zzz"), VOCAB.encode("x"), VOCAB.encode("tac")]
    for context in seen + unseen:
        p = model.distribution(context)
        assert p.shape == (V,)
        assert abs(p.sum() - 1) < 1e-12, (order, context)
        assert (p > 0).all(), (order, context)


def test_held_out_text_with_unseen_characters_and_contexts_never_gets_probability_zero():
    held_out = VOCAB.encode("xyz! the zany fox; a cat!")
    for order in range(1, 7):
        model = NGramModel.fit(IDS, order, V)
        logp = model.log_probs(held_out)
        assert logp.shape == (len(held_out),)
        assert np.isfinite(logp).all() and (logp < 0).all()
        assert math.isfinite(model.log_loss(held_out))


def test_text_shorter_than_the_order_backs_off_to_what_it_has():
    model = NGramModel.fit(VOCAB.encode("at"), 5, V)
    p = model.distribution(VOCAB.encode("atat"))
    assert abs(p.sum() - 1) < 1e-12 and (p > 0).all()
    assert model.n_contexts == 0


# ------------------------------------------------------------------ known values
def test_order_one_is_a_discounted_unigram_mixed_with_uniform():
    D = 0.5
    model = NGramModel.fit(IDS, 1, V, discount=D)
    counts = np.bincount(IDS, minlength=V)
    N, seen = len(IDS), np.count_nonzero(counts)
    expected = np.maximum(counts - D, 0) / N + D * seen / N / V
    np.testing.assert_allclose(model.distribution([]), expected, rtol=1e-14)
    np.testing.assert_allclose(model.distribution(IDS[:7]), expected, rtol=1e-14)  # context ignored
    assert model.prob([], VOCAB.char_to_ix["x"]) == pytest.approx(D * seen / N / V, rel=1e-14)


def test_hand_computed_bigram_probability():
    # "abacab" over the vocabulary a, b, c, d (d never occurs)
    vocab = CharVocab(tuple("abcd"))
    model = NGramModel.fit(vocab.encode("abacab"), 2, 4)
    # bigram counts ab 2, ba 1, ac 1, ca 1: n1 = 3, n2 = 1, so D2 = 3 / (3 + 2) = 0.6
    # continuation counts (distinct left neighbours) a 2 (b_, c_), b 1, c 1: n1 = 2, n2 = 1, D1 = 0.5
    assert model.discounts == pytest.approx((0.5, 0.6), abs=1e-15)
    # P1(b) = (1 - 0.5) / 4 + 0.5 * 3 / 4 * 1/4 = 0.21875
    p1_b = (1 - 0.5) / 4 + 0.5 * 3 / 4 / 4
    # after 'a': ab 2, ac 1 -> c(a.) = 3, N1+(a.) = 2; P2(b|a) = (2 - 0.6) / 3 + 0.6 * 2 / 3 * P1(b)
    expected = (2 - 0.6) / 3 + 0.6 * 2 / 3 * p1_b
    assert expected == pytest.approx(133 / 240, abs=1e-15)
    assert model.prob(vocab.encode("a"), 1) == pytest.approx(expected, abs=1e-15)
    # 'd' was never seen anywhere: only the uniform share reaches it
    assert model.prob(vocab.encode("a"), 3) == pytest.approx(0.6 * 2 / 3 * (0.5 * 3 / 4 / 4), abs=1e-15)
    # an unseen context 'd' passes the unigram estimate through
    assert model.prob(vocab.encode("d"), 1) == pytest.approx(p1_b, abs=1e-15)


# ------------------------------------------------------------------ vectorised == plain loops
@pytest.mark.parametrize("order,discount", [(1, None), (2, None), (3, None), (4, 0.75), (5, None)])
def test_vectorised_model_agrees_with_the_plain_loop_reference(order, discount):
    rng = np.random.default_rng(order)
    train = rng.choice(5, size=400, p=[0.4, 0.3, 0.15, 0.1, 0.05])  # ids 5, 6 never occur
    held_out = rng.integers(0, 7, size=120)
    model = NGramModel.fit(train, order, 7, discount=discount)
    ref = ReferenceKN(train, order, 7, discount=discount)
    assert model.discounts == pytest.approx(tuple(ref.D[1:]), abs=1e-15)
    expected = [math.log(ref.prob(held_out[max(0, i - order + 1) : i], held_out[i])) for i in range(len(held_out))]
    np.testing.assert_allclose(model.log_probs(held_out), expected, rtol=0, atol=1e-12)
    assert abs(model.log_loss(held_out) - ref.log_loss(held_out)) < 1e-12
    for context in ([], held_out[:1], held_out[10 : 10 + order], [6, 6, 6, 6]):
        want = [ref.prob(list(context), w) for w in range(7)]
        np.testing.assert_allclose(model.distribution(context), want, rtol=0, atol=1e-12)


def test_with_discount_equals_refitting_and_shares_the_counts():
    model = NGramModel.fit(IDS, 4, V)
    other = model.with_discount(0.9)
    refit = NGramModel.fit(IDS, 4, V, discount=0.9)
    assert other.discounts == refit.discounts == (0.9,) * 4
    held_out = VOCAB.encode("the fat cat is flat!")
    np.testing.assert_array_equal(other.log_probs(held_out), refit.log_probs(held_out))
    assert other.with_discount(None).discounts == model.discounts
    assert other._levels[-1].grams is model._levels[-1].grams  # no recounting
    with pytest.raises(ValueError, match="one discount per order"):
        model.with_discount([0.5])


def test_probs_of_scores_a_fixed_character_everywhere_and_sums_to_one_over_characters():
    held_out = VOCAB.encode("the zany cat; a fat hat!")
    for order in (1, 2, 4):
        model = NGramModel.fit(IDS, order, V)
        table = np.stack([model.probs_of(held_out, w) for w in range(V)])  # (V, N)
        assert table.shape == (V, len(held_out))
        np.testing.assert_allclose(table.sum(axis=0), 1, rtol=0, atol=1e-12)
        for i in range(len(held_out)):
            context = held_out[max(0, i - order + 1) : i]
            np.testing.assert_allclose(table[:, i], model.distribution(context), rtol=0, atol=1e-15)
        # the actual next characters give back log_probs
        actual = table[held_out, np.arange(len(held_out))]
        np.testing.assert_allclose(np.log(actual), model.log_probs(held_out), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="next_id contains the id"):
        model.probs_of(held_out, V)


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_context_counts_count_how_often_each_full_context_was_followed_by_a_character(order):
    held_out = VOCAB.encode("the cat is flat; the zany ox")
    model = NGramModel.fit(IDS, order, V)
    counts = model.context_counts(held_out)
    assert counts.shape == (len(held_out),) and counts.dtype == np.int64
    assert (counts[: order - 1] == -1).all()
    train = TEXT
    for i in range(order - 1, len(held_out)):
        h = VOCAB.decode(held_out[i - order + 1 : i])
        # occurrences of h with a character after it (overlapping ones count)
        expected = sum(train.startswith(h, j) for j in range(len(train) - len(h)))
        assert counts[i] == expected, (order, i, h)
    assert (counts[order - 1 :] == 0).any() or order == 1  # some contexts were never seen


def test_context_counts_of_a_model_with_no_full_context():
    model = NGramModel.fit(VOCAB.encode("at"), 5, V)
    assert model.context_counts(VOCAB.encode("atata")).tolist() == [-1, -1, -1, -1, 0]
    assert model.context_counts(VOCAB.encode("at")).tolist() == [-1, -1]


def test_sizes():
    model = NGramModel.fit(VOCAB.encode("atat"), 2, V)
    # contexts a and t at order 2; counts: at, ta (order 2) + a, t (order 1); totals and types
    assert model.n_contexts == 2
    assert model.n_counts == (2 + 2 * 2) + (2 + 2 * 1)
    assert "order=2" in repr(model)


# ------------------------------------------------------------------ sampling
def test_sampling_is_deterministic_with_a_seed_and_respects_the_prime():
    model = NGramModel.fit(IDS, 4, V)
    a = model.sample(80, np.random.default_rng(7), prime_ids=VOCAB.encode("the "))
    b = model.sample(80, np.random.default_rng(7), prime_ids=VOCAB.encode("the "))
    c = model.sample(80, np.random.default_rng(8), prime_ids=VOCAB.encode("the "))
    assert a.shape == (80,) and a.dtype == np.int64 and ((a >= 0) & (a < V)).all()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert model.sample(0, np.random.default_rng(0)).shape == (0,)


def test_sampling_draws_from_the_distribution_with_one_uniform_number_per_character():
    model = NGramModel.fit(IDS, 3, V)
    prime = VOCAB.encode("the c")
    ids = model.sample(5, np.random.default_rng(3), prime_ids=prime)
    rng, history = np.random.default_rng(3), list(prime)
    for i in ids:
        c = np.cumsum(model.distribution(history[-2:]))
        assert i == min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), V - 1)
        history.append(int(i))


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(order=0), "order must be an integer >= 1"),
        (dict(order=2.0), "order must be an integer >= 1"),
        (dict(vocab_size=0), "vocab_size must be a positive integer"),
        (dict(ids=np.array([], dtype=np.int64)), "empty text"),
        (dict(ids=np.array([0, 1, V])), f"id {V}, outside the vocabulary"),
        (dict(ids=np.array([0, -1])), "id -1, outside the vocabulary"),
        (dict(ids=np.array([0.0, 1.0])), "integer ids"),
        (dict(ids=np.zeros((2, 3), np.int64)), "1-D sequence"),
        (dict(discount=0.0), r"discount must be a number in \(0, 1\]"),
        (dict(discount=1.5), r"discount must be a number in \(0, 1\]"),
        (dict(discount=[0.5, 0.5]), "one discount per order"),
        (dict(order=20), "does not fit the int64 codes"),
    ],
)
def test_bad_input_is_explained(kwargs, message):
    args = dict(ids=IDS, order=3, vocab_size=V) | kwargs
    with pytest.raises(ValueError, match=message):
        NGramModel.fit(**args)


def test_bad_queries_are_explained():
    model = NGramModel.fit(IDS, 3, V)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        model.log_loss([0, V + 3])
    with pytest.raises(ValueError, match="empty text"):
        model.log_loss([])
    with pytest.raises(ValueError, match="next_id contains the id"):
        model.prob([0], V)
    with pytest.raises(ValueError, match="context contains the id -2"):
        model.distribution([-2])
    with pytest.raises(ValueError, match="length must be a non-negative integer"):
        model.sample(-1, np.random.default_rng(0))


# ------------------------------------------------------------------ the notebook's figure
def test_plot_loss_by_order_keeps_fixed_colours_per_name():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from rnn_notebook.plotting import plot_loss_by_order

    orders = np.arange(1, 4)
    ax = plot_loss_by_order(
        orders, {"train": [3.0, 2.0, 1.5], "val": [3.1, 2.4, 2.2]}, {"RNN": 2.3}, colors={"val": "C1", "RNN": "C2"}
    )
    colours = {line.get_label(): to_rgba(line.get_color()) for line in ax.get_lines()}
    assert colours["train"] == to_rgba("C0")
    assert colours["val"] == to_rgba("C1") and colours["RNN"] == to_rgba("C2")
    ax2 = plot_loss_by_order(orders, {"val": [3.1, 2.4, 2.2]}, colors={"val": "C1"})
    assert to_rgba(ax2.get_lines()[0].get_color()) == to_rgba("C1")  # first curve, yet not C0
    plt.close("all")

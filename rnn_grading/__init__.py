"""rnn_grading: the homework's hidden-test checkers, on the instructor's side only (never in a handout).

Each ``check_<exercise>(fn, seed, ...)`` calls a student's function on fresh random inputs drawn
from ``np.random.default_rng(seed)``, compares the result with ``rnn_lib`` (and, for gradients,
with centred finite differences) and raises an ``AssertionError`` whose message says what is wrong
and what to try. Known mistakes are recognised by computing deliberately wrong versions of the
answer (the ``*_MISTAKES`` tables): when the student's result equals one of them, the message names
that mistake. A ``NotImplementedError`` (the student version's placeholder) is passed on unchanged.

========================================  ===========  =========================================
checker                                   notebook     the student's function
========================================  ===========  =========================================
:func:`check_rnn_forward`                 01           ``fn(params, inputs, targets, hprev) -> (loss, xs, hs, ps)``
:func:`check_softmax_grad`                02           ``fn(y, target) -> dy``
:func:`check_rnn_backward`                03           ``fn(params, targets, xs, hs, ps) -> (grads, dhprev, ...)``
:func:`check_adagrad_update`              04           ``fn(params, grads, memory, learning_rate, eps)``
:func:`check_adam_update`                 04           ``fn(params, grads, state, learning_rate, beta1, beta2, eps)``
:func:`check_clip_by_norm`                04           ``fn(grads, max_norm) -> norm``
:func:`check_sample_with_temperature`     07           ``fn(y, temperature, rng) -> id``
:func:`check_sample_text`                 07           ``fn(params, prime_ids, n, temperature, rng) -> ids``
:func:`check_kn_bigram`                   11           ``fn(ids, V) -> (p1, P)``
:func:`check_lstm_gate_backward`          12           ``fn(dh, dcnext, c_prev, i, f, o, g, tanh_c) -> (dz, dc_prev)``
:func:`check_gru_step_backward`           13           ``fn(dh, h_prev, Wh, step) -> (da, dm, dh_prev)``
========================================  ===========  =========================================

Adding an exercise is one more function of the same shape: draw the inputs from ``seed``, call
the student's function with :func:`_call`, compare with :func:`_is_close`, and on a mismatch raise
with :func:`_first_mistake` over a table of wrong variants, falling back to the finite-difference
errors from :func:`_numerical_gradient`.

Dimension letters: V vocabulary size, H hidden size, T time steps.

One module per exercise; :mod:`rnn_grading.common` holds what they share and
:mod:`rnn_grading.library` loads the instructor's ``rnn_lib`` and switches the libraries off
while a student's function runs.
"""

from .adagrad import ADAGRAD_MISTAKES, ADAGRAD_PARTS, check_adagrad_update
from .adam import ADAM_MISTAKES, ADAM_PARTS, check_adam_update
from .bptt import BPTT_MISTAKES, BPTT_PARTS, check_rnn_backward
from .clipping import CLIP_MISTAKES, CLIP_PARTS, check_clip_by_norm
from .forward import FORWARD_LOSS_MISTAKES, FORWARD_PARTS, FORWARD_STATE_MISTAKES, check_rnn_forward
from .gru import GRU_STEP_MISTAKES, GRU_STEP_PARTS, check_gru_step_backward
from .lstm import LSTM_GATE_MISTAKES, LSTM_GATE_PARTS, check_lstm_gate_backward
from .ngram import KN_BIGRAM_MISTAKES, KN_BIGRAM_PARTS, check_kn_bigram
from .sampling import (
    SAMPLE_TEXT_MISTAKES,
    SAMPLE_TEXT_PARTS,
    TEMPERATURE_MISTAKES,
    TEMPERATURE_PARTS,
    check_sample_text,
    check_sample_with_temperature,
)
from .softmax import SOFTMAX_MISTAKES, SOFTMAX_PARTS, check_softmax_grad

__all__ = [
    "ADAGRAD_MISTAKES",
    "ADAGRAD_PARTS",
    "ADAM_MISTAKES",
    "ADAM_PARTS",
    "BPTT_MISTAKES",
    "BPTT_PARTS",
    "CLIP_MISTAKES",
    "CLIP_PARTS",
    "FORWARD_LOSS_MISTAKES",
    "FORWARD_PARTS",
    "FORWARD_STATE_MISTAKES",
    "GRU_STEP_MISTAKES",
    "GRU_STEP_PARTS",
    "KN_BIGRAM_MISTAKES",
    "KN_BIGRAM_PARTS",
    "LSTM_GATE_MISTAKES",
    "LSTM_GATE_PARTS",
    "SAMPLE_TEXT_MISTAKES",
    "SAMPLE_TEXT_PARTS",
    "SOFTMAX_MISTAKES",
    "SOFTMAX_PARTS",
    "TEMPERATURE_MISTAKES",
    "TEMPERATURE_PARTS",
    "check_adagrad_update",
    "check_adam_update",
    "check_clip_by_norm",
    "check_gru_step_backward",
    "check_kn_bigram",
    "check_lstm_gate_backward",
    "check_rnn_backward",
    "check_rnn_forward",
    "check_sample_text",
    "check_sample_with_temperature",
    "check_softmax_grad",
]

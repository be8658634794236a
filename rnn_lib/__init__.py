"""rnn_lib: a small numpy library for character-level recurrent language models.

The library behind the notebooks that rebuild Karpathy's min-char-rnn. One job per module; read
them in this order:

The model
- :mod:`rnn_lib.vocab`           characters <-> ids, reading text files
- :mod:`rnn_lib.layers`          what every cell shares: input checks, one-hot, the output layer
                                 and softmax, the loss and its gradient, dropout, clipping
- :mod:`rnn_lib.rnn`             the vanilla RNN of the gist (a table maps each gist line to its code)
- :mod:`rnn_lib.lstm`, :mod:`rnn_lib.gru`  the gated cells, stacked in layers
- :mod:`rnn_lib.cells`           the cells by name (``"rnn"``, ``"lstm"``, ``"gru"``)
- :mod:`rnn_lib.references`      plain step-by-step versions the fast code is checked against
- :mod:`rnn_lib.gradient_check`  finite-difference gradient checks, ``rel_error``

Training and using it
- :mod:`rnn_lib.optim`           SGD, Adagrad, Adam
- :mod:`rnn_lib.config`          ``TrainConfig``: every setting, its check and its help text
- :mod:`rnn_lib.history`         the loss curves a run records
- :mod:`rnn_lib.training`        ``Trainer``, ``train``, ``evaluate``, the train/validation split
- :mod:`rnn_lib.sampling`        generating text
- :mod:`rnn_lib.checkpoint`      saving and loading models (``.npz`` + JSON, no pickles)
- :mod:`rnn_lib.ngram`           a character n-gram baseline (interpolated Kneser-Ney)
- :mod:`rnn_lib.cli`             ``python -m rnn_lib train|sample|evaluate``, made from ``TrainConfig``

Plumbing: :mod:`rnn_lib.blas` (one BLAS thread by default), :mod:`rnn_lib.signals` (Ctrl-C and
SIGTERM save the run), :mod:`rnn_lib.lock` (one run per checkpoint), :mod:`rnn_lib.preflight`
(disk, memory and path checks before a run).

The top-level names below are the vanilla RNN's functions and the tools the notebooks use; the
gated cells are used through their modules (``rnn_lib.lstm.forward``). Figures and widgets for
the notebooks live in the separate package :mod:`rnn_notebook`, the homework's checkers in
:mod:`rnn_grading`; nothing here imports either (tests/test_structure.py checks it).
"""

from .blas import blas_info, blas_threads
from .cells import CELL_NAMES, cell_of, get_cell
from .checkpoint import (
    CHECKPOINT_DIR,
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
    shipped_checkpoint,
)
from .config import TrainConfig
from .gradient_check import GradcheckReport, gradcheck, gradcheck_rnn, rel_error
from .history import LN2, History
from .ngram import NGramModel
from .optim import SGD, Adagrad, Adam
from .references import loss_and_grads_reference
from .rnn import (
    PARAM_NAMES,
    backward,
    clip_grads,
    cross_entropy,
    forward,
    init_params,
    initial_state,
    loss_and_grads,
    param_shapes,
)
from .sampling import next_char_distribution, next_char_probs, sample, sample_ids
from .training import Trainer, TrainingDiverged, evaluate, split_ids, train
from .vocab import DATA_DIR, CharVocab, data_path, load_text

__version__ = "0.1.0"

__all__ = [
    "CELL_NAMES",
    "CHECKPOINT_DIR",
    "DATA_DIR",
    "LN2",
    "PARAM_NAMES",
    "SGD",
    "Adagrad",
    "Adam",
    "CharVocab",
    "Checkpoint",
    "CheckpointError",
    "GradcheckReport",
    "History",
    "NGramModel",
    "TrainConfig",
    "Trainer",
    "TrainingDiverged",
    "backward",
    "blas_info",
    "blas_threads",
    "cell_of",
    "clip_grads",
    "cross_entropy",
    "data_path",
    "evaluate",
    "forward",
    "get_cell",
    "gradcheck",
    "gradcheck_rnn",
    "init_params",
    "initial_state",
    "load_checkpoint",
    "load_text",
    "loss_and_grads",
    "loss_and_grads_reference",
    "next_char_distribution",
    "next_char_probs",
    "param_shapes",
    "rel_error",
    "sample",
    "sample_ids",
    "save_checkpoint",
    "shipped_checkpoint",
    "split_ids",
    "train",
]

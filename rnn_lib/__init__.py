"""rnn_lib: a small numpy library for character-level recurrent language models.

The library behind the notebooks that rebuild Karpathy's min-char-rnn. One job per module:

- :mod:`rnn_lib.vocab`       characters <-> ids, reading text files
- :mod:`rnn_lib.model`       the vanilla RNN: parameters, forward, loss, backward (BPTT)
- :mod:`rnn_lib.reference`   the plain per-step version the model is checked against
- :mod:`rnn_lib.optim`       Adagrad (and SGD)
- :mod:`rnn_lib.sampling`    generating text
- :mod:`rnn_lib.gradcheck`   finite-difference gradient checks
- :mod:`rnn_lib.config`      the training configuration dataclass
- :mod:`rnn_lib.train`       the training loop, validation and history
- :mod:`rnn_lib.checkpoint`  saving and loading models
- :mod:`rnn_lib.ngram`       a character n-gram baseline (interpolated Kneser-Ney smoothing)
- :mod:`rnn_lib.cells`       the trainable cells by name (the vanilla RNN; LSTM and GRU)
- :mod:`rnn_lib.blas`        how many threads numpy's matrix products use (one, by default)
- :mod:`rnn_lib.cli`         ``python -m rnn_lib train|sample|evaluate``

Figures and widgets for the notebooks live in the separate package :mod:`rnn_notebook`, the
homework's checkers in :mod:`rnn_grading`; nothing here imports either.
"""
from .blas import blas_info, blas_threads
from .cells import CELL_NAMES, cell_of, get_cell
from .checkpoint import (CHECKPOINT_DIR, Checkpoint, CheckpointError, load_checkpoint, save_checkpoint,
                         shipped_checkpoint)
from .config import TrainConfig
from .gradient_check import GradcheckReport, gradcheck, gradcheck_rnn, rel_error
from .history import LN2, History
from .model import (PARAM_NAMES, backward, clip_grads, cross_entropy, forward, init_params,
                    initial_state, loss_and_grads, param_shapes)
from .ngram import NGramModel
from .optim import SGD, Adagrad, Adam
from .reference import loss_and_grads_reference
from .sampling import next_char_distribution, next_char_probs, sample, sample_ids
from .training import Trainer, TrainingDiverged, evaluate, split_ids, train
from .vocab import DATA_DIR, CharVocab, data_path, load_text

__version__ = "0.1.0"

__all__ = [
    "CELL_NAMES", "CHECKPOINT_DIR", "DATA_DIR", "LN2", "PARAM_NAMES", "SGD", "Adagrad", "Adam", "CharVocab",
    "Checkpoint", "CheckpointError", "GradcheckReport", "History", "NGramModel", "TrainConfig", "Trainer",
    "TrainingDiverged", "backward", "blas_info", "blas_threads", "cell_of", "clip_grads", "cross_entropy",
    "data_path", "evaluate", "forward", "get_cell", "gradcheck", "gradcheck_rnn", "init_params",
    "initial_state", "load_checkpoint", "load_text", "loss_and_grads", "loss_and_grads_reference",
    "next_char_distribution", "next_char_probs", "param_shapes", "rel_error", "sample", "sample_ids",
    "save_checkpoint", "shipped_checkpoint", "split_ids", "train",
]

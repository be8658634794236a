"""rnn_notebook.loops.train_on_text is the loop notebook 04 writes out (05 imports it from there)."""

import ast
import json
from pathlib import Path

import numpy as np

import rnn_lib
from rnn_notebook import loops

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_adagrad_and_clipping.ipynb"


def notebook_loop():
    """The function as notebook 04's cell defines it."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    source = next(
        "".join(c["source"]) for c in cells if c["cell_type"] == "code" and "def train_on_text(" in "".join(c["source"])
    )
    namespace = {"np": np, "rnn_lib": rnn_lib}
    exec(compile(ast.parse(source), str(NOTEBOOK), "exec"), namespace)
    return namespace["train_on_text"]


def run(train_on_text, **options):
    text = "the quick brown fox jumps over the lazy dog\n" * 3
    ids = rnn_lib.CharVocab.from_text(text).encode(text)
    params = rnn_lib.init_params(len(set(text)), 6, np.random.default_rng(0))
    seen = []
    losses = train_on_text(params, ids, 20, seq_length=8, after_step=lambda opt: seen.append(1), **options)
    return losses, params, len(seen)


def test_the_library_loop_is_notebook_04s():
    for options in ({}, {"learning_rate": 0.05, "eps": 1e-6}, {"optimizer": rnn_lib.Adam, "learning_rate": 1e-2}):
        mine, params_a, calls_a = run(loops.train_on_text, **options)
        theirs, params_b, calls_b = run(notebook_loop(), **options)
        assert mine.shape == (20,) and calls_a == calls_b == 20
        np.testing.assert_array_equal(mine, theirs)
        for k in params_a:
            np.testing.assert_array_equal(params_a[k], params_b[k])
    # 20 chunks of 8 over 132 characters: the loop went back to the start once (after 15 chunks),
    # and it learned: its last loss is below its first
    assert mine[-1] < mine[0]

# %% [markdown] slideshow={"slide_type": "slide"}
# # 08 · Your own text
# ### Training on any file, and the errors you will meet on the way
#
# **What you will learn**
#
# - how to pick a training text: a shipped file, a path, or an upload, and what to check first;
# - why a Python 3 string counts characters, not bytes, and what that means for a vocabulary
#   with accents, Greek, Cyrillic, Chinese or emoji;
# - what a small RNN picks up in a few seconds from Python source code and from a multilingual poem;
# - the errors learners hit with the original gist, each reproduced, explained and fixed:
#   `IndexError: list index out of range` on a tiny file, an empty file, a file that is not UTF-8,
#   a priming character the model has never seen, a wrong path;
# - what most likely lies behind "probabilities are not non-negative" (or `nan`) after switching to
#   CuPy, and how a stable softmax and a diverging-training check deal with it;
# - the Python 2 habits of the original code, in one table, each shown by running it.
#
# **Prerequisites:** notebooks 01–06 (vocabulary, softmax, backpropagation through time, Adagrad,
# training with `rnn_lib.Trainer`). Notebook 07 (sampling) helps but is not needed.
#
# **Time:** about 60 minutes on your own without the sections marked *optional* (they add about
# 25). The notebook runs in well under a minute: every training run here is a fixed, small number of steps.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup
#
# The same first cell opens every notebook of the series.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnn_lib
from rnn_notebook.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()
_ = rnn_lib.blas_threads(1)  # numpy's matrix-product library (BLAS) on one thread: fastest for these small matrices

# %% [markdown] slideshow={"slide_type": "skip"}
# The standard-library modules this notebook needs: HTML escaping (for the widget), regular expressions
# and warnings (to inspect samples), temporary folders, Unicode character names and paths; and the
# gist's chunk length.

# %% slideshow={"slide_type": "skip"}
import html
import re
import tempfile
import unicodedata
import warnings
from pathlib import Path

SEQ_LENGTH = 25  # the gist's number of time steps per chunk, used throughout

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Choose a text
#
# Any plain-text file will do. The repository ships four, from tiny to large:
#
# | file | what it is |
# | --- | --- |
# | `tinyshakespeare.txt` | about a megabyte of Shakespeare's plays, the series' main corpus |
# | `sample_code.py` | a short, tidy Python module: indentation, `def`, docstrings |
# | `unicode_poem.txt` | a short poem about the sea in twelve languages, with emoji |
# | `hello.txt` | the five characters `hello` of notebook 01 |
#
# A text can come from three places, so one plain function decides: an uploaded file wins over a
# typed path, which wins over the menu of shipped files. Uploads are saved to a temporary file and
# read by `rnn_lib.load_text` like everything else, so every source gets the same checks.

# %% tags=["deck-code-to-notes"]
SHIPPED = ["tinyshakespeare.txt", "sample_code.py", "unicode_poem.txt", "hello.txt"]


def load_choice(choice, path="", upload=(), min_length=2):
    """(label, text) of the chosen training text.

    choice: a shipped file name; path: a file path (relative to this notebook's folder);
    upload: a FileUpload value, a sequence of dicts with "name" and "content" (bytes).
    """
    if upload:
        item = upload[0]
        with tempfile.TemporaryDirectory() as tmp:
            saved = Path(tmp) / Path(item["name"]).name
            saved.write_bytes(bytes(item["content"]))
            try:
                return f"upload {item['name']}", rnn_lib.load_text(saved, min_length)
            except (ValueError, FileNotFoundError) as exc:  # name the upload, not our temporary copy
                raise type(exc)(str(exc).replace(str(saved), item["name"])) from None
    if path.strip():
        return path.strip(), rnn_lib.load_text(Path(path.strip()).expanduser(), min_length)
    return choice, rnn_lib.load_text(rnn_lib.data_path(choice), min_length)

# %% [markdown] slideshow={"slide_type": "subslide"}
# We call it once for each kind of source, with fixed values. **Expected:** the menu gives the
# shipped file; a typed path wins over the menu; an upload wins over both, and its bytes are decoded
# as UTF-8 (`é` is two bytes, one character).

# %%
label_menu, text_menu = load_choice("hello.txt")
label_path, text_path = load_choice("hello.txt", path="../data/sample_code.py")
fake_upload = ({"name": "mine.txt", "content": "Hé, la mer !\n".encode("utf-8")},)
label_up, text_up = load_choice("hello.txt", path="../data/sample_code.py", upload=fake_upload)
for label, text in [(label_menu, text_menu), (label_path, text_path), (label_up, text_up)]:
    print(f"{label:<24} {len(text):5d} characters, starts {text[:14]!r}")
assert text_menu == "hello" and text_path.startswith('"""Small helpers')
assert label_up == "upload mine.txt" and text_up == "Hé, la mer !\n"

# %% [markdown] slideshow={"slide_type": "subslide"}
# A first look at every shipped file: characters, bytes in UTF-8, distinct characters (the
# vocabulary size $V$), and whether it is long enough for one chunk of `seq_length + 1` characters.

# %%
def describe_text(label, text, seq_length=SEQ_LENGTH):
    """One line about a training text: its size in characters and bytes, V, and if it is long enough."""
    fits = "yes" if len(text) >= seq_length + 1 else f"no, needs {seq_length + 1}"
    return (f"{label:<20} {len(text):>9,} chars {len(text.encode('utf-8')):>9,} bytes "
            f"V = {len(set(text)):>3}   enough for seq_length {seq_length}: {fits}")


for name in SHIPPED:
    print(describe_text(*load_choice(name)))
assert describe_text("hello.txt", "hello").endswith("no, needs 26")

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Try it: pick, type or upload a file
#
# The controls call `load_choice` and `describe_text` whenever something changes, and show the
# result (or the error message) below them. **Train 5 s** trains a small model on the chosen text
# and prints a sample; `quick_config` shortens `seq_length` and the number of streams for short texts
# (we meet the reason in section 4). A path is relative to the `notebooks/` folder, e.g.
# `../README.md`. **Clear upload** forgets an upload, so that the path or the menu counts again.
# The controls need a running kernel; a copy viewed without one shows the report for the file the menu
# starts on.

# %% slideshow={"slide_type": "skip"}
def quick_config(text, hidden_size=64):
    """A small TrainConfig that fits `text`: up to 25 steps and 16 streams, no validation split."""
    seq_length = min(SEQ_LENGTH, len(text) - 1)
    batch_size = max(1, min(16, len(text) // (seq_length + 1)))
    return rnn_lib.TrainConfig(hidden_size=hidden_size, seq_length=seq_length, batch_size=batch_size,
                               optimizer="adagrad",
                               learning_rate=0.1, dtype="float32", seed=0, val_fraction=0.0,
                               eval_every=0, sample_every=0)


hello_config = quick_config("hello")
print(f"hello: seq_length {hello_config.seq_length}, batch_size {hello_config.batch_size}")
assert (hello_config.seq_length, hello_config.batch_size) == (4, 1)

# %% [markdown] slideshow={"slide_type": "skip"}
# The controls, a report area under them, and two small helpers: one reads the controls through
# `load_choice`, the other writes a message into the report area.

# %% slideshow={"slide_type": "skip"}
import ipywidgets as widgets

from rnn_notebook.widgets import box_with_fallback

menu = widgets.Dropdown(options=SHIPPED, value="unicode_poem.txt", description="shipped file",
                        style={"description_width": "initial"})
path_box = widgets.Text(value="", placeholder="or a path, e.g. ../README.md", description="path")
upload = widgets.FileUpload(accept=".txt,.py,.md,.csv", multiple=False, description="upload")
clear, train_button = widgets.Button(description="Clear upload"), widgets.Button(description="Train 5 s")
report = widgets.HTML()


def current_text():
    return load_choice(menu.value, path_box.value, upload.value)


def show(message):
    report.value = f"<pre>{html.escape(message)}</pre>"

# %% [markdown] slideshow={"slide_type": "skip"}
# The two handlers: one describes the text whenever a control changes, one trains on it. Each catches
# the errors of section 4 and shows their one-line message instead of a traceback.

# %% slideshow={"slide_type": "skip"}
def on_change(_change=None):
    try:
        show(describe_text(*current_text()))
    except (ValueError, FileNotFoundError) as exc:
        show(f"{type(exc).__name__}: {exc}")


def on_train(_button):
    try:
        label, text = current_text()
        trainer = rnn_lib.Trainer(text, quick_config(text), progress=False).run(seconds=5)
        show(f"{describe_text(label, text)}\nafter {trainer.step} steps, training loss "
             f"{trainer.history.train_nats[-1]:.3f} nats/char; a sample:\n\n{trainer.sample(400)}")
    except (ValueError, FileNotFoundError, rnn_lib.TrainingDiverged) as exc:
        show(f"{type(exc).__name__}: {exc}")

# %% [markdown] slideshow={"slide_type": "skip"}
# Connect the handlers, fill the report once, and show the whole thing.

# %% slideshow={"slide_type": "skip"}
for control in (menu, path_box, upload):
    control.observe(on_change, names="value")
clear.on_click(lambda _b: setattr(upload, "value", ()))
train_button.on_click(on_train)
on_change()
caption = (f"Interactive: pick a shipped file, type a path or upload one, then Train 5 s (needs a running "
           f"kernel). The report for {menu.value}:")
display(box_with_fallback([widgets.HBox([menu, path_box]), widgets.HBox([upload, clear, train_button]), report],
                          f"{caption}\n{describe_text(*current_text())}",
                          html=lambda: f"<p><i>{html.escape(caption)}</i></p>{report.value}"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Characters, not bytes
#
# Python 3 reads a text file into a `str`, a sequence of Unicode **characters** (code points).
# On disk, UTF-8 stores each character in 1 to 4 **bytes**: 1 for ASCII, 2 for accented Latin,
# Greek and Cyrillic letters, 3 for Chinese, Japanese and Korean, 4 for most emoji. A vocabulary built
# with `sorted(set(text))` therefore holds whole characters, however many bytes they take.
#
# **Expected:** six characters, one of each size class; the byte counts 1, 2, 2, 2, 3, 4.

# %%
for ch in "aéλж海🌊":
    encoded = ch.encode("utf-8")
    print(f"{ch}  U+{ord(ch):05X}  len(ch) = {len(ch)}   UTF-8: {encoded.hex(' '):<12} ({len(encoded)} bytes)"
          f"   {unicodedata.name(ch)}")
assert [len(ch.encode("utf-8")) for ch in "aéλж海🌊"] == [1, 2, 2, 2, 3, 4]

# %% [markdown] slideshow={"slide_type": "subslide"}
# The poem in numbers. **Expected:** more bytes than characters; and more distinct characters than
# distinct byte values, because only some of the 256 possible byte values occur in UTF-8 text like this.

# %%
poem = rnn_lib.load_text(rnn_lib.data_path("unicode_poem.txt"))
poem_vocab = rnn_lib.CharVocab.from_text(poem)
poem_bytes = poem.encode("utf-8")
print(f"len(poem) = {len(poem):,} characters; len(poem.encode('utf-8')) = {len(poem_bytes):,} bytes")
print(f"{len(poem_vocab)} distinct characters, but only {len(set(poem_bytes))} distinct byte values")
assert len(poem_bytes) > len(poem) and len(poem_vocab) == len(set(poem))
assert len(set(poem_bytes)) < 256 and len(set(poem_bytes)) < len(poem_vocab)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The sorted vocabulary, grouped by writing system (the first word of each character's Unicode name).
# Sorting orders characters by code point: punctuation and digits, then Latin, Greek, Cyrillic, the
# East Asian scripts, and the emoji last.

# %%
SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "HIRAGANA", "KATAKANA", "CJK", "HANGUL")


def script_of(ch):
    """The writing system of a character, from its Unicode name; emoji and the rest grouped."""
    first = unicodedata.name(ch, "CONTROL").split()[0]
    return first if first in SCRIPTS else ("emoji" if ord(ch) > 0xFFFF else "space, punctuation, digits")


groups = {}
for ch in poem_vocab.chars:  # sorted, so each group keeps code-point order
    groups.setdefault(script_of(ch), []).append(ch)
for script, chars in groups.items():
    shown = "".join(chars) if len(chars) <= 40 else "".join(chars[:40]) + " ..."
    print(f"{script:>27} {len(chars):3d}: {shown!r}")
assert sum(len(c) for c in groups.values()) == len(poem_vocab) and len(groups["emoji"]) == 2

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why bytes would be a bad vocabulary
#
# The gist was written for Python 2, where `open(...).read()` returns **bytes**. On this poem its
# vocabulary would be the byte values above, and a character like `海` would be three separate
# tokens. A model that samples bytes can stop in the middle of a character, and the result is not
# valid UTF-8. **Expected:** cutting `海` after two of its three bytes cannot be decoded.

# %%
broken = "海".encode("utf-8")[:2]
reason = None
try:
    broken.decode("utf-8")
except UnicodeDecodeError as exc:
    reason = exc.reason
    print(f"{broken!r}.decode('utf-8')  ->  {type(exc).__name__}: {reason}")
assert reason == "unexpected end of data"

# %% [markdown] slideshow={"slide_type": "fragment"}
# A character-level model in Python 3 cannot make that mistake: every id it samples decodes to a
# whole character of its vocabulary. Section 3 sets a character sampler against a byte sampler.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Train briefly on code and on a poem
#
# Both runs use `rnn_lib.Trainer` with a small model: 64 hidden units, 16 parallel streams of 25
# steps (8 for the shorter poem), Adagrad at learning rate 0.1 (the gist's), float32, seed 0, and a
# fixed number of steps (not seconds). Another computer may give other numbers (its CPU may round
# the last bit of a sum differently, and training amplifies that), so the cells check what
# holds for any run: which loss is lower than which, whether a sample keeps the look of its file.
#
# Both files are small, so a model can learn much of them by heart, and a low training loss then
# says little. We therefore hold out the last 10% of each file (`val_fraction=0.1`) and score the
# model on it every 100 steps: text it has never trained on.

# %% tags=["deck-code-to-notes"]
def brief_config(batch_size):
    return rnn_lib.TrainConfig(hidden_size=64, seq_length=SEQ_LENGTH, batch_size=batch_size,
                               optimizer="adagrad",
                               learning_rate=0.1, dtype="float32", seed=0, val_fraction=0.1,
                               eval_every=100, eval_chars=0, sample_every=0, log_every=50)


def describe_split(label, trainer):
    """Print the sizes of a trainer's training and validation splits and of its streams."""
    print(f"{label}: V = {len(trainer.vocab)}; training split {len(trainer.train_ids):,} characters "
          f"({trainer.config.batch_size} streams of {len(trainer.train_ids) // trainer.config.batch_size}), "
          f"held out {len(trainer.val_ids):,}")


code = rnn_lib.load_text(rnn_lib.data_path("sample_code.py"), min_length=SEQ_LENGTH + 1)
code_trainer = rnn_lib.Trainer(code, brief_config(batch_size=16), progress=False)
describe_split("sample_code.py", code_trainer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Before training, the weights are tiny and every character is about equally likely. **Expected:**
# the loss on the training split is almost exactly $\ln V$, the loss of a uniform guess, and a sample
# is noise drawn from the whole vocabulary.

# %%
code_start_nats = rnn_lib.evaluate(code_trainer.params, code_trainer.train_ids)
code_uniform = np.log(len(code_trainer.vocab))
print(f"loss before training {code_start_nats:.4f} nats/char; ln V = {code_uniform:.4f}")
untrained = code_trainer.sample(120)
print(untrained)
print(f"{len(set(untrained))} distinct characters in these {len(untrained)}, of V = {len(code_trainer.vocab)}")
assert abs(code_start_nats - code_uniform) < 0.01 and len(set(untrained)) > len(code_trainer.vocab) / 2
assert code_trainer.step == 0 and len(untrained) == 120

# %% [markdown] slideshow={"slide_type": "subslide"}
# 800 steps (a few seconds). The history records the mean loss of every 50 steps, so its first
# value already includes 50 updates: Adagrad learns which characters are common within those, and
# that first mean lies below $\ln V$. **Expected:** the first logged value below the loss before
# training, and the last one under half of $\ln V$.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: a training run; its last digits, and so its samples, differ between CPUs; the asserts check what holds on every CPU)
def passes(trainer):
    """How many times training has read its whole training split."""
    c = trainer.config
    return trainer.step * c.batch_size * c.seq_length / len(trainer.train_ids)


code_trainer.run(steps=800)
code_nats = code_trainer.history.train_nats
print(f"{code_trainer.step} steps ({passes(code_trainer):.0f} passes over the training split); "
      f"ln V = {code_uniform:.3f}")
print(f"training loss (nats/char): {code_start_nats:.3f} before training,")
print(f"  {code_nats[0]:.3f} in steps 1-50, {code_nats[-1]:.3f} in the last 50 steps")
assert code_nats[-1] < code_nats[0] < code_start_nats and code_nats[-1] < 0.5 * code_uniform

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now the held-out tail. Two yardsticks: $\ln V$, and a **unigram** model that knows only how often
# each character occurs in the training split (counts plus one, so that no character has probability
# zero). A model that beats the unigram has learned something about order. **Expected:** at its best
# the validation loss beats both yardsticks; but it ends well above the training loss (by more than
# 1 nat/char), and it is lowest early, within the first 500 of the 800 steps, and then climbs while
# the training loss keeps falling. From then on, the model mostly memorises the file.

# %% tags=["deck-code-to-notes"]
# NBVAL_IGNORE_OUTPUT
# (why: a training run; its last digits, and so its samples, differ between CPUs; the asserts check what holds on every CPU)
def unigram_nats(trainer):
    """Validation nats/char of a model that knows only the training split's character counts (+1)."""
    counts = np.bincount(trainer.train_ids, minlength=len(trainer.vocab)) + 1.0
    return float(-np.log(counts[trainer.val_ids] / counts.sum()).mean())


def report_validation(trainer):
    """Print the validation losses against the yardsticks; return (lowest, its step, last, unigram)."""
    h = trainer.history
    best = int(np.argmin(h.val_nats))
    unigram = unigram_nats(trainer)
    print(f"validation loss, steps {h.val_step[0]} to {h.val_step[-1]}, every {trainer.config.eval_every}:")
    print("  " + ", ".join(f"{v:.3f}" for v in h.val_nats))
    print(f"lowest {h.val_nats[best]:.3f} at step {h.val_step[best]}, last {h.val_nats[-1]:.3f}; "
          f"unigram {unigram:.3f}; ln V = {np.log(len(trainer.vocab)):.3f}")
    print(f"training loss (last 50 steps) {h.train_nats[-1]:.3f}")
    return h.val_nats[best], h.val_step[best], h.val_nats[-1], unigram


code_best, code_best_step, code_last, code_unigram = report_validation(code_trainer)
assert code_best < code_unigram < code_uniform and code_best_step <= 500
assert code_last > code_best and code_last > code_nats[-1] + 1.0

# %% [markdown] slideshow={"slide_type": "subslide"}
# Eight samples of 500 characters, each primed with `def `, at temperature 0.5 (a little more
# conservative than the model's own distribution; notebook 07 explains temperature). We print the
# first; the counts below use all eight, since one sample is too short to count on.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: samples of a model trained here; the asserts check what holds on every CPU)
code_samples = ["def " + code_trainer.sample(500, prime="def ", temperature=0.5) for _ in range(8)]
print(code_samples[0])

# %% [markdown] slideshow={"slide_type": "fragment"}
# Most words are invented, and nothing would run. What the model has picked up is the look of the
# file: `return` at the start of indented lines, the triple quotes of docstrings, indentation in steps
# of four spaces, and usually names joined by underscores. We count each, in the training file and in
# the eight samples. **Expected:** none of the samples compiles as Python; indented `return` lines and
# triple quotes occur in the samples; and their most common indentation is 4 spaces, as in the
# training file, where every indented line uses a multiple of 4.

# %% tags=["deck-code-to-notes"]
# NBVAL_IGNORE_OUTPUT
# (why: samples of a model trained here; the asserts check what holds on every CPU)
def indentation(text):
    """(most common indentation width, share of indented lines whose width is a multiple of 4)."""
    widths = [len(line) - len(line.lstrip(" ")) for line in text.splitlines() if line.strip()]
    indented = [w for w in widths if w > 0]
    return int(np.bincount(indented).argmax()), sum(w % 4 == 0 for w in indented) / len(indented)


def looks(text):
    """Counts of the features of Python source: indented `return` lines, triple quotes, a_b names."""
    lines = text.splitlines()
    return {"indented return lines": sum(line.startswith(" ") and line.strip().startswith("return")
                                         for line in lines),
            "triple quotes": text.count('"""'), "names with a_b": len(re.findall(r"[a-z]_[a-z]", text))}


def compiles(text):
    """Whether `text` is valid Python syntax."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # odd literals give SyntaxWarnings before the SyntaxError
        try:
            compile(text, "<sample>", "exec")
            return True
        except (SyntaxError, ValueError):
            return False


all_samples = "\n".join(code_samples)
features = {}  # per text: the counts of `looks`, then the two numbers of `indentation`
for name, text in [("training file", code), ("8 samples", all_samples)]:
    common, share = indentation(text)
    features[name] = [*looks(text).items(), ("most common indentation (spaces)", common),
                      ("indented lines, multiples of 4", f"{share:.0%}")]
print(f"{'':33s}{'training file':>14s}{'8 samples':>11s}")
for (feature, in_code), (_, in_samples) in zip(features["training file"], features["8 samples"]):
    print(f"{feature:33s}{in_code!s:>14s}{in_samples!s:>11s}")
print(f"samples that compile: {sum(compiles(s) for s in code_samples)} of {len(code_samples)}")
assert compiles(code) and not any(compiles(s) for s in code_samples)
assert looks(all_samples)["indented return lines"] > 0 and looks(all_samples)["triple quotes"] > 0
assert indentation(code) == (4, 1.0) and indentation(all_samples)[0] == 4

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The poem
#
# The poem is shorter than the code, but its vocabulary is much larger, so we use 8 streams instead
# of 16. Its held-out tail is the poem's last lines; the cell prints how they begin.

# %%
poem_trainer = rnn_lib.Trainer(poem, brief_config(batch_size=8), progress=False)
describe_split("unicode_poem.txt", poem_trainer)
print(f"the held-out tail begins {poem[len(poem_trainer.train_ids):][:40]!r}")
poem_uniform = np.log(len(poem_trainer.vocab))

# %% [markdown] slideshow={"slide_type": "fragment"}
# 800 steps again. **Expected:** as for the code, a training loss under half of $\ln V$, and a
# validation loss that is lowest within the first 500 steps and then climbs, to end more than
# 1 nat/char above the training loss. At its best it beats $\ln V$ by more than 1 nat/char, but not
# clearly the unigram: it lands within 0.5 nats/char of it, below or above depending on the run.
# Each language has only a few lines of the poem, and the held-out lines share little with the
# others beyond which characters are common.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: a training run; its last digits, and so its samples, differ between CPUs; the asserts check what holds on every CPU)
poem_trainer.run(steps=800)
poem_nats = poem_trainer.history.train_nats
print(f"{poem_trainer.step} steps ({passes(poem_trainer):.0f} passes over the training split)")
print(f"training loss {poem_nats[0]:.3f} (steps 1-50) -> {poem_nats[-1]:.3f} nats/char (last 50 steps)")
poem_best, poem_best_step, poem_last, poem_unigram = report_validation(poem_trainer)
assert poem_nats[-1] < 0.5 * poem_uniform and poem_best_step <= 500
assert poem_best < poem_uniform - 1.0 and abs(poem_best - poem_unigram) < 0.5
assert poem_last > poem_best and poem_last > poem_nats[-1] + 1.0

# %% [markdown] slideshow={"slide_type": "subslide"}
# Samples primed with a Greek phrase and with a Japanese one, at temperature 0.6: four of 160
# characters for each prime. We print the first of each; the counts below use all eight.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: samples of a model trained here; the asserts check what holds on every CPU)
continuations = {prime: [poem_trainer.sample(160, prime=prime, temperature=0.6) for _ in range(4)]
                 for prime in ["Η θάλασσα", "青い"]}
poem_samples = [prime + text for prime, texts in continuations.items() for text in texts]
for prime, texts in continuations.items():
    print(f"--- primed with {prime!r}\n{prime + texts[0]}\n")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Some of it is recited: stretches of the poem come back unchanged. The rest is invented words,
# and the model jumps from one language to another in the middle of a line, which the poem never
# does, and now and then in the middle of a word.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: recited, and mixed
#
# *A side road: skip it on a first reading.*
#
# We can count all three. A letter's script is the first word of its Unicode name (`GREEK`,
# `CYRILLIC`, `HANGUL`, ...). Japanese writes Chinese characters (`CJK`) and `HIRAGANA` side by
# side, so for "mixing" we count those two (and `KATAKANA`) as one writing system. A "word" here is a
# run of letters between spaces or punctuation. **Expected:** over the eight samples, a stretch of at
# least 8 characters copied from the poem (not counting the primes); and some lines and some words
# that mix writing systems, where the poem has none.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: samples of a model trained here; the asserts check what holds on every CPU)
def letter_script(ch):
    """The script of a letter (LATIN, GREEK, ..., HANGUL), or None for anything that is not a letter."""
    first = unicodedata.name(ch, "").split(" ")[0]
    return first if ch.isalpha() and first in SCRIPTS else None


def writing_system(ch):
    """letter_script(ch), with the scripts that Japanese mixes (CJK, HIRAGANA, KATAKANA) counted as one."""
    script = letter_script(ch)
    return "CJK" if script in ("HIRAGANA", "KATAKANA") else script


def mixed_share(pieces):
    """(number of pieces with letters of two or more writing systems, number with letters at all)."""
    systems = [{writing_system(ch) for ch in piece} - {None} for piece in pieces]
    return sum(len(s) > 1 for s in systems), sum(len(s) > 0 for s in systems)


def longest_recited(sample, source):
    """The longest stretch of `sample` that occurs in `source`."""
    best = ""
    for start in range(len(sample)):
        while start + len(best) < len(sample) and sample[start:start + len(best) + 1] in source:
            best = sample[start:start + len(best) + 1]
    return best


recited = max((longest_recited(text, poem) for texts in continuations.values() for text in texts), key=len)
print(f"longest stretch of a sample (after its prime) found in the poem: {len(recited)} characters, {recited!r}")
mixed = {}
for name, text in [("8 samples", "\n".join(poem_samples)), ("the poem", poem)]:
    mixed[name] = {"lines": mixed_share(text.splitlines()), "words": mixed_share(re.split(r"[\W\d_]+", text))}
    print(f"{name:>9}: " + "; ".join(f"{n} of {total} {kind} mix writing systems"
                                      for kind, (n, total) in mixed[name].items()))
(mixed_lines, lines), (mixed_words, words) = mixed["8 samples"]["lines"], mixed["8 samples"]["words"]
assert len(recited) >= 8 and mixed_lines > 0 and mixed_words > 0
assert mixed["the poem"]["lines"][0] == 0 and mixed["the poem"]["words"][0] == 0

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: does it stay in one script?
#
# *A side road: skip it on a first reading.*
#
# Mixed words exist, but how rare are they? We take every pair of neighbouring letters in the eight
# samples (spaces, punctuation and line breaks break a pair) and compare their scripts. If the
# letters came in random order, two neighbours would share a script with probability
# $\sum_s q_s^2$, where $q_s$ is the share of the samples' letters in script $s$. **Expected:** the
# samples' neighbours share a script more often than that, by at least 10 percentage points. (Not
# always, even in the poem: Japanese mixes Chinese characters, `CJK`, with `HIRAGANA`.)

# %%
# NBVAL_IGNORE_OUTPUT
# (why: samples of a model trained here; the asserts check what holds on every CPU)
def same_script_shares(text):
    """(share of neighbouring letter pairs in one script, share expected by chance, number of pairs)."""
    scripts = [letter_script(ch) for ch in text]
    pairs = [(a, b) for a, b in zip(scripts, scripts[1:]) if a and b]
    letters = [s for s in scripts if s]
    q = np.array([letters.count(s) for s in set(letters)]) / len(letters)
    return float(np.mean([a == b for a, b in pairs])), float(q @ q), len(pairs)


for name, text in [("8 samples", "\n".join(poem_samples)), ("the poem", poem)]:
    same, chance, n_pairs = same_script_shares(text)
    print(f"{name:>9}: {same:.1%} of {n_pairs} neighbouring letter pairs share a script; "
          f"by chance {chance:.1%}")
sample_same, sample_chance, _ = same_script_shares("\n".join(poem_samples))
assert sample_same > sample_chance + 0.10

# %% [markdown] slideshow={"slide_type": "fragment"}
# Within a word the model mostly stays in one script: neighbouring letters share a script far more
# often than chance (the pair count above), because the script of the next letter is easy to predict
# from the letter before it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: characters against bytes, once more
#
# *A side road: skip it on a first reading.*
#
# Section 2 claimed that a character vocabulary never splits a multi-byte character. The samples
# above decode, trivially: they are Python strings. The contrast is a sampler over **bytes**: here
# the crudest one, which draws 600 bytes, each independently with its frequency in the poem's UTF-8
# encoding. **Expected:** the result is not valid UTF-8, and decoding it with `errors="replace"`
# leaves many `�` (U+FFFD, the replacement character): more than one character in ten.

# %%
byte_freq = np.bincount(np.frombuffer(poem_bytes, dtype=np.uint8), minlength=256) / len(poem_bytes)
n_bytes = 600
byte_sample = np.random.default_rng(0).choice(256, size=n_bytes, p=byte_freq).astype(np.uint8).tobytes()
try:
    byte_sample.decode("utf-8")
    byte_error = None
except UnicodeDecodeError as exc:
    byte_error = exc
    print(f"byte sample ({n_bytes} bytes): {type(exc).__name__}: {exc.reason} at byte {exc.start}")
repaired = byte_sample.decode("utf-8", errors="replace")
print(f"decoded with errors='replace': {repaired.count(chr(0xFFFD))} of {len(repaired)} characters are '\\ufffd'; "
      f"it begins {repaired[:30]!r}")
assert byte_error is not None and repaired.count("\ufffd") > 0.1 * len(repaired)

# %% [markdown] slideshow={"slide_type": "fragment"}
# This byte sampler knows nothing about order; a trained byte-level model would learn to follow a
# lead byte with the right continuation bytes most of the time, but nothing would force it to. A
# character sampler can only return whole characters of its vocabulary.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Both loss curves, each with its own uniform baseline $\ln V$ (what an untrained model scores).
# Watch the validation curve turn upwards while the training curve keeps falling.

# %%
from rnn_notebook.plotting import plot_history

fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), sharey=True)
for ax, trainer, name in [(axes[0], code_trainer, "sample_code.py"), (axes[1], poem_trainer, "unicode_poem.txt")]:
    plot_history(trainer.history, ax=ax,
                 baselines={f"uniform, ln {len(trainer.vocab)}": np.log(len(trainer.vocab))})
    _ = ax.set_title(f"{name}: {len(trainer.vocab)} characters")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · When it goes wrong: the errors learners hit
#
# Each error below is made on purpose, with small broken files in a temporary folder. `rnn_lib`
# turns each into one `ValueError` or `FileNotFoundError` whose message says what is wrong and how to
# fix it. `show_error` prints `type: message`, with the folders that differ between computers
# shortened: `<tmp>` (the temporary folder), `<data>` (the shipped files), `<notebooks>` (the current
# folder). `where_raised` tells where an exception was raised: the function, the line and the step `t`.

# %% tags=["deck-code-to-notes"]
import traceback

workdir = tempfile.TemporaryDirectory()
TMP = Path(workdir.name)


def show_error(exc):
    """Print and return 'ExceptionType: message', with machine-specific folders replaced."""
    message = str(exc).replace(str(TMP), "<tmp>").replace(str(rnn_lib.DATA_DIR), "<data>")
    message = message.replace(str(Path.cwd()), "<notebooks>")
    print(f"{type(exc).__name__}: {message}")
    return message


def where_raised(exc):
    """(function name, source line, local t) of the innermost frame of an exception's traceback."""
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    frame = traceback.extract_tb(tb)[0]
    return frame.name, frame.line, tb.tb_frame.f_locals.get("t")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4.1 A file that is too short: `IndexError: list index out of range`
#
# One learner asked why the gist stops at once with this error when it is run on Karpathy's own
# `hello` example, the four-letter vocabulary of his blog post, with a training file holding just
# that word. Below is the gist's first
# iteration, rewritten for Python 3: its vocabulary, its slicing (`inputs` from `data[p:p+seq_length]`,
# `targets` from the same slice shifted by one) and its `lossFun`, here
# `rnn_lib.loss_and_grads_reference`, a line-by-line port. Its forward loop (the function
# `rnn_forward_reference`, which it calls first) runs over the inputs and reads `ps[t][targets[t], 0]`
# at every step, as the gist's does.

# %%
def gist_first_iteration(data, seq_length, hidden_size=100, seed=0):
    """The gist's first iteration (n = 0, so p = 0): ids, the first chunk, and lossFun on it.

    Returns (inputs, targets, loss); raises what lossFun raises.
    """
    chars = sorted(set(data))  # the gist writes list(set(data)); sorting makes the ids repeatable
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    p = 0
    inputs = [char_to_ix[ch] for ch in data[p:p + seq_length]]
    targets = [char_to_ix[ch] for ch in data[p + 1:p + seq_length + 1]]
    params = rnn_lib.init_params(len(chars), hidden_size, np.random.default_rng(seed), dtype=np.float64)
    hprev = np.zeros((hidden_size, 1))
    loss, _, _ = rnn_lib.loss_and_grads_reference(params, inputs, targets, hprev)
    return inputs, targets, loss


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Expected:** on `hello` with `seq_length = 25`, the `IndexError`, raised in the forward loop of
# `lossFun` (`rnn_forward_reference`) at the line that reads `targets[t]`, at the step whose target is
# missing.

# %%
hello = rnn_lib.load_text(rnn_lib.data_path("hello.txt"))
print(f"inputs  = data[0:25] = {hello[0:25]!r} ({len(hello[0:25])} ids)")
print(f"targets = data[1:26] = {hello[1:26]!r} ({len(hello[1:26])} ids)")
hello_error = None
try:
    gist_first_iteration(hello, SEQ_LENGTH)
except IndexError as exc:
    hello_error = exc
    function, line, failing_t = where_raised(exc)
    print(f"{type(exc).__name__}: {exc}\n  in {function}, at t = {failing_t}:  {line}")
assert hello_error is not None and str(hello_error) == "list index out of range"
assert function == "rnn_forward_reference" and "ps[t][targets[t], 0]" in line
assert failing_t == len(hello[1:26])

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Why.** Python slicing never complains about a slice that runs past the end: it returns what is
# there. So `data[0:25]` is the whole word, and `data[1:26]` is one character shorter. The loop runs
# once per input, so its last step asks for a target that does not exist. The gist needs at least
# `seq_length + 1` characters: every input needs the character after it as its target.
# **Expected:** 26 characters work and 25 fail. With its tiny initial weights the model predicts
# nearly uniformly, so the 26-character loss is close to `seq_length` times $\ln V$.

# %%
alphabet = "abcdefghijklmnopqrstuvwxyz"
inputs, targets, loss = gist_first_iteration(alphabet, SEQ_LENGTH)  # 26 characters: one full chunk
print(f"26 characters: {len(inputs)} inputs, {len(targets)} targets, loss {loss:.3f} "
      f"(seq_length * ln V = {SEQ_LENGTH * np.log(len(alphabet)):.3f})")
short_error = None
try:
    gist_first_iteration(alphabet[:25], SEQ_LENGTH)
except IndexError as exc:
    short_error = exc
    print(f"25 characters: {type(exc).__name__}: {exc}")
assert len(inputs) == len(targets) == SEQ_LENGTH and short_error is not None
assert abs(loss - SEQ_LENGTH * np.log(len(alphabet))) < 0.1

# %% [markdown] slideshow={"slide_type": "subslide"}
# `rnn_lib` checks the length before training and says so. `load_text` takes the minimum as
# `min_length` (pass `seq_length + 1`), and `Trainer` checks its own configuration.
# **Expected:** both messages give the length found, the length needed and the fixes.

# %%
load_message = trainer_message = ""
try:
    rnn_lib.load_text(rnn_lib.data_path("hello.txt"), min_length=SEQ_LENGTH + 1)
except ValueError as exc:
    load_message = show_error(exc)

try:
    rnn_lib.Trainer(hello, rnn_lib.TrainConfig.gist(), progress=False)  # the gist's settings
except ValueError as exc:
    trainer_message = show_error(exc)
assert "5 characters" in load_message and "at least 26" in load_message and "smaller seq_length" in load_message
assert "5 characters" in trainer_message and "seq_length + 1 = 26" in trainer_message

# %% [markdown] slideshow={"slide_type": "subslide"}
# **The fix** is a shorter `seq_length` (or a longer text). `hello` has 5 characters, so
# `seq_length = 4` gives exactly one chunk, `hell` → `ello`; one stream, and no validation split
# (`val_fraction=0`, there is nothing to spare). **Expected:** training works: after 200 steps the
# loss is below 0.01 nats/char, and the greedy continuation of `h` is `ello`.

# %%
hello_trainer = rnn_lib.Trainer(hello, quick_config(hello, hidden_size=8), progress=False).run(steps=200)
continuation = hello_trainer.sample(4, prime="h", temperature=0)
hello_loss = hello_trainer.history.train_nats[-1]
print(f"seq_length {hello_trainer.config.seq_length}, {hello_trainer.step} steps: "
      f"loss below 0.01 nats/char: {hello_loss < 0.01}; 'h' -> {continuation!r}")
assert hello_loss < 0.01 and continuation == "ello"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4.2 An empty file
#
# An empty file is easy to make by accident (a failed download, a file opened for writing).
# **Expected:** a `ValueError` that says the file is empty.

# %%
empty = TMP / "empty.txt"
empty.write_bytes(b"")
try:
    rnn_lib.load_text(empty, min_length=SEQ_LENGTH + 1)
except ValueError as exc:
    message = show_error(exc)
assert "is empty" in message and "<tmp>/empty.txt" in message

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4.3 A file that is not UTF-8
#
# Older files, and files saved by some Windows editors, are often in **Latin-1** (or its cousin
# cp1252): one byte per character, so `é` is the single byte `0xe9`. In UTF-8 that byte can only
# start a multi-byte character, so the text does not decode. **Expected:** a `ValueError` giving the
# bad byte, its offset in the file (3: `C`, `a`, `f` come first) and how to convert.

# %%
french = "Café crème, déjà vu.\n"
latin1 = TMP / "latin1.txt"
latin1.write_bytes(french.encode("latin-1") * 3)
try:
    rnn_lib.load_text(latin1, min_length=SEQ_LENGTH + 1)
except ValueError as exc:
    message = show_error(exc)
assert "not valid UTF-8" in message and "byte offset 3" in message and "iconv" in message

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The fix:** decode with the encoding the file really has, and save it as UTF-8. On the command line
# that is `iconv -f latin1 -t utf-8 in.txt > out.txt`; in Python, two lines. (Decoding with
# `errors="replace"` would also "work", but it replaces every accented letter with `�`.)
# **Expected:** the converted file loads, is longer in bytes (`é`, `è`, `à` take 2 bytes each) and
# holds the original text.

# %%
converted = TMP / "latin1_as_utf8.txt"
converted.write_text(latin1.read_bytes().decode("latin-1"), encoding="utf-8")
fixed = rnn_lib.load_text(converted, min_length=SEQ_LENGTH + 1)
print(f"{latin1.name}: {latin1.stat().st_size} bytes  ->  {converted.name}: {converted.stat().st_size} bytes, "
      f"{len(fixed)} characters")
assert fixed == french * 3

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4.4 A priming character the model has never seen
#
# A model can only read characters of its vocabulary: there is no row of `Wxh` for anything else. The
# code model of section 3 was trained on ASCII only. **Expected:** priming it with `λ` gives a
# `ValueError` that names `λ` and its position, and lists some characters that do work.

# %%
try:
    code_trainer.sample(50, prime="λ = 1")
except ValueError as exc:
    message = show_error(exc)
assert "'λ'" in message and "position 0" in message and "not in the vocabulary" in message

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The fix:** prime with characters of the training text. To check a prime before using it:

# %%
prime = "λ = 1"
unknown = sorted(set(prime) - set(code_trainer.vocab.chars))
print(f"characters of {prime!r} not in the vocabulary: {unknown}")
assert unknown == ["λ"]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4.5 A path that does not exist
#
# The gist opens `input.txt` in the **current folder**, and a notebook's current folder is the one
# it lives in (here `notebooks/`), not the repository's root. A path that works in a terminal can
# fail in a notebook. **Expected:** a `FileNotFoundError` that shows the path and the current folder.

# %%
try:
    rnn_lib.load_text("data/input.txt")
except FileNotFoundError as exc:
    message = show_error(exc)
assert "no such file: data/input.txt" in message and "current folder: <notebooks>" in message

# %% [markdown] slideshow={"slide_type": "fragment"}
# And a folder where a file was meant: **Expected:** a message saying it is a folder.

# %%
try:
    rnn_lib.load_text(TMP)
except FileNotFoundError as exc:
    message = show_error(exc)
assert "is a folder" in message

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The fix:** a path relative to the notebook (`../data/...`), an absolute path, or for the shipped
# files `rnn_lib.data_path(name)`, which works from any folder. That is all the broken files we need.

# %%
workdir.cleanup()
print(f"temporary folder removed: {not TMP.exists()}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · "ValueError: probabilities are not non-negative" after switching to CuPy
#
# A learner replaced `numpy` with CuPy (numpy on the GPU) and, after 100 iterations with the gist's
# own settings, sampling failed with this error. We cannot rerun their code, so what follows is the
# likeliest explanation and a way to find the bug, not a diagnosis. CuPy's `choice` raises this message when `(p >= 0).all()` is false, and every comparison
# with `nan` is `False`: **any `nan` in `p`** trips the check, not only a negative probability. The
# gist computes `p` with
#
# ```python
# p = np.exp(y) / np.sum(np.exp(y))
# ```
#
# which gives `nan` as soon as `exp` overflows to `inf` (then `inf / inf` is `nan`). `exp` overflows
# once its argument passes the log of the largest float of its type. **Expected:** about 88.7 for
# float32 and 709.8 for float64.

# %%
overflow_at = {np.dtype(dtype).name: float(np.log(np.finfo(dtype).max)) for dtype in (np.float32, np.float64)}
for name, limit in overflow_at.items():
    print(f"{name}: exp(y) overflows for y > ln(max) = {limit:.1f}")
print(f"nan >= 0 is {np.nan >= 0}")
assert 88.7 < overflow_at["float32"] < 88.8 and 709.7 < overflow_at["float64"] < 709.9

# %% [markdown] slideshow={"slide_type": "subslide"}
# Which type would the learner's port use? A straight port keeps float64: `cupy.random.randn`, like
# `np.random.randn`, returns float64 arrays, so the gist's weights stay float64 on the GPU. Take three
# logits, the largest 95, in both types. **Expected:** in float64, valid probabilities that sum to 1;
# in float32, `exp(95)` is `inf` and the most likely character gets probability `nan`.

# %%
naive_p = {}
for dtype in (np.float64, np.float32):
    y = np.array([95.0, 3.0, -2.0], dtype=dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # silence the warnings: the overflow is the point
        e = np.exp(y)
        naive_p[np.dtype(dtype).name] = e / np.sum(e)
    print(f"{np.dtype(dtype).name}: exp(y) = {e}, sum = {e.sum():.4g}  ->  p = {naive_p[np.dtype(dtype).name]}")
assert np.all(np.isfinite(naive_p["float64"])) and np.isclose(naive_p["float64"].sum(), 1.0)
assert np.isnan(naive_p["float32"][0]) and np.all(naive_p["float32"][1:] == 0)

# %% [markdown] slideshow={"slide_type": "fragment"}
# So logits of 95 are harmless in float64. To overflow there, a logit has to pass the float64 limit
# printed above, and that takes weights that have grown without bound: a diverging run (we make one below). Drawing from
# probabilities that contain `nan` fails in numpy as well, with a plainer message. The gist calls
# `np.random.choice`, the method of numpy's global `RandomState`; we call the same method on a
# `RandomState` of our own (so the global one is left alone), and on a `Generator`.
# **Expected:** both raise a `ValueError` saying the probabilities contain NaN.

# %%
p_nan = naive_p["float32"]
choice_errors = {}
for name, source in [("np.random.RandomState(0).choice", np.random.RandomState(0)),
                     ("np.random.default_rng(0).choice", np.random.default_rng(0))]:
    try:
        source.choice(len(p_nan), p=p_nan)
    except ValueError as exc:
        choice_errors[name] = str(exc)
        print(f"{name}: {type(exc).__name__}: {exc}")
assert len(choice_errors) == 2 and all("contain nan" in m.lower() for m in choice_errors.values())

# %% [markdown] slideshow={"slide_type": "subslide"}
# **The fix in the softmax:** subtract the largest logit first (notebook 02). Softmax does not change,
# the largest exponent becomes $e^0 = 1$, and nothing overflows. `rnn_lib.next_char_distribution`,
# which `rnn_lib.sample` uses, does exactly this. **Expected:** on the float32 logits, valid
# probabilities that sum to 1, the same from both.

# %%
y = np.array([95.0, 3.0, -2.0], dtype=np.float32)
z = y - y.max()
p_stable = np.exp(z) / np.exp(z).sum()
p_library = rnn_lib.next_char_distribution(y)
print(f"stable softmax: {p_stable}   rnn_lib: {p_library}   sum {p_library.sum():.4f}")
assert np.all(np.isfinite(p_stable)) and np.isclose(p_stable.sum(), 1.0)
assert np.allclose(p_stable, p_library) and np.random.default_rng(0).choice(len(y), p=p_library) == 0

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where do huge logits come from?
#
# Huge logits (a model that learns well has logits of a few units) mean training has gone wrong,
# most often because the learning rate is too high. Three runs of 100 steps on `sample_code.py`
# with learning rates 0.1, 10 and 100. After every step we take the largest logit (in size) on the
# first 200 characters, and right after the first step we ask whether the gist's softmax, on those
# logits, would produce a `nan` in float32 and in float64.
#
# Why the first step? Adagrad's first update moves every weight whose gradient is not tiny by about
# the whole learning rate (notebook 04). At rate 10 that makes output weights of size 10, and with 32
# hidden units near ±1 logits of a few hundred: past the float32 limit, but not the float64 one. At
# rate 100, ten times that: past both. **Expected:** at rate 0.1 the logits stay far below the float32
# limit at every step; after one update at rate 10 the gist's softmax gives `nan` in float32 but not
# in float64; after one update at rate 100 in both; and after 100 steps, rates 10 and 100 have a loss
# above the uniform $\ln V$, i.e. worse than an untrained model.

# %% tags=["deck-code-to-notes"]
# NBVAL_IGNORE_OUTPUT
# (why: training runs, diverging ones too; their numbers differ between CPUs; the asserts check what holds on every CPU)
def logits_on_text(trainer, n=200):
    """Logits (n, V) while reading the first n training characters from a zero state."""
    params = trainer.params
    cache = rnn_lib.forward(params, trainer.train_ids[:n], rnn_lib.initial_state(params))
    states = cache["hs"][1:, 0, :]  # (n, H): the hidden state after each character
    return states @ params["Why"].T + params["by"].T


def gist_softmax_gives_nan(logits, dtype):
    """Whether p = exp(y) / sum(exp(y)), computed in `dtype`, has a nan in any row of logits (n, V)."""
    y = logits.astype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(y)
        return bool(np.isnan(e / e.sum(axis=1, keepdims=True)).any())


runs, largest, nan_after_one = {}, {}, {}
for lr in (0.1, 10.0, 100.0):
    config = rnn_lib.TrainConfig(hidden_size=32, batch_size=8, optimizer="adagrad", learning_rate=lr,
                                 dtype="float32", seed=0, val_fraction=0.0, eval_every=0, sample_every=0,
                                 log_every=10)
    runs[lr] = rnn_lib.Trainer(code, config, progress=False)
    largest[lr] = []                      # after steps 1, 2, ..., 100
    for step in range(100):
        runs[lr].run(steps=1)
        logits = logits_on_text(runs[lr])
        largest[lr].append(float(np.abs(logits).max()))
        if step == 0:
            nan_after_one[lr] = {dt: gist_softmax_gives_nan(logits, dt) for dt in ("float32", "float64")}
lr_loss = {lr: run.history.train_nats[-1] for lr, run in runs.items()}
code_uniform_full = np.log(len(runs[0.1].vocab))

# %%
# NBVAL_IGNORE_OUTPUT
# (why: training runs, diverging ones too; their numbers differ between CPUs; the asserts check what holds on every CPU)
print("largest |logit|, nan from the gist's softmax after step 1, loss after 100 steps (nats/char)")
print(f"{'lr':>5}  {'|logit| step 1':>14}  {'max, 100 steps':>14}  {'nan f32':>7}  {'nan f64':>7}  {'loss':>6}")
for lr in runs:
    print(f"{lr:>5}  {largest[lr][0]:14.1f}  {max(largest[lr]):14.1f}  {nan_after_one[lr]['float32']!s:>7}  "
          f"{nan_after_one[lr]['float64']!s:>7}  {lr_loss[lr]:6.2f}")
print(f"ln V = {code_uniform_full:.3f}")
assert max(largest[0.1]) < overflow_at["float32"] < largest[10.0][0] < overflow_at["float64"] < largest[100.0][0]
assert nan_after_one[0.1] == {"float32": False, "float64": False}
assert nan_after_one[10.0] == {"float32": True, "float64": False}
assert nan_after_one[100.0] == {"float32": True, "float64": True}
assert lr_loss[0.1] < code_uniform_full < min(lr_loss[10.0], lr_loss[100.0])

# %% [markdown] slideshow={"slide_type": "fragment"}
# The largest logit after every step, on a logarithmic axis, with the two limits of the gist's softmax.

# %%
fig, ax = plt.subplots(figsize=(10, 4.5))
for lr in runs:
    _ = ax.plot(range(1, 101), largest[lr], label=f"learning rate {lr:g}")
for name, limit in overflow_at.items():
    _ = ax.axhline(limit, ls="--", color="0.4")
    _ = ax.annotate(f"{name} exp overflows", (100, limit), ha="right", va="bottom")
_ = ax.set(yscale="log", xlabel="training step", ylabel="largest |logit|, first 200 characters",
           title="Logits of three runs on sample_code.py")
_ = ax.legend(loc="lower right")

# %% [markdown] slideshow={"slide_type": "fragment"}
# After its first update, the run at rate 10 has logits past the float32 limit but not the float64
# one: a float32 port of the gist's softmax would already return `nan`, a straight float64 port would
# not. Whether its logits later climb past the float64 limit too differs from run to run (and from
# CPU to CPU: a diverging run amplifies last-bit differences fastest of all). At rate 100 they are past
# both limits after one step. `rnn_lib`'s stable softmax keeps going in every case, and the bad loss
# tells you something is wrong.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: NaN after 100 iterations with the gist's own settings
#
# The learner did not change the gist's recipe: learning rate 0.1, gradients clipped to ±5, 100
# hidden units, chunks of 25 characters, float64. Does that recipe make logits large enough to
# overflow in its first 100 iterations? Below is the gist's iteration in plain numpy, line for line:
# `lossFun` with its naive softmax, `np.clip(dparam, -5, 5, out=dparam)`, and the Adagrad update in
# place. `gist_step` also returns every array it computes, in the order it computes them, as
# `(name, array)` pairs; we use that list further down.

# %%
def gist_step(params, mem, inputs, targets, hprev, learning_rate=0.1, clip=5.0):
    """One iteration of the gist on one chunk, updating params and mem (Adagrad) in place.

    Returns the loss, the last hidden state (H, 1) and the trail: every array computed, in order,
    as (name, array) pairs. All arrays have the dtype of params.
    """
    Wxh, Whh, Why, bh, by = (params[k] for k in ("Wxh", "Whh", "Why", "bh", "by"))
    trail, xs, hs, ps, loss = [], {}, {-1: hprev}, {}, 0.0
    for t in range(len(inputs)):
        xs[t] = np.zeros((Wxh.shape[1], 1), Wxh.dtype)
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        y = Why @ hs[t] + by
        e = np.exp(y)
        ps[t] = e / np.sum(e)                                  # the gist's softmax, no shift
        loss += -np.log(ps[t][targets[t], 0])
        trail += [(f"hs[{t}]", hs[t]), (f"ys[{t}]", y), (f"exp(ys[{t}])", e), (f"ps[{t}]", ps[t])]
    grads = {k: np.zeros_like(p) for k, p in params.items()}
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1
        grads["Why"] += dy @ hs[t].T
        grads["by"] += dy
        dhraw = (1 - hs[t] * hs[t]) * (Why.T @ dy + dhnext)
        grads["bh"] += dhraw
        grads["Wxh"] += dhraw @ xs[t].T
        grads["Whh"] += dhraw @ hs[t - 1].T
        dhnext = Whh.T @ dhraw
        trail += [(f"dy[{t}]", dy), (f"dhraw[{t}]", dhraw)]
    for k, g in grads.items():
        np.clip(g, -clip, clip, out=g)                         # without out=, nothing would be clipped
        trail.append((f"d{k}", g))
    for k, p in params.items():
        mem[k] += grads[k] * grads[k]
        p += -learning_rate * grads[k] / np.sqrt(mem[k] + 1e-8)
        trail += [(f"mem{k}", mem[k]), (k, p)]
    return loss, hs[len(inputs) - 1], trail

# %% [markdown] slideshow={"slide_type": "subslide"}
# 100 iterations of that recipe on `sample_code.py`, for three seeds (the gist's weights start at
# 0.01 times a standard normal, as `rnn_lib.init_params` draws them). We print the largest |logit| of
# each block of 10 iterations. **Expected:** for every seed, below the float32 limit and more than
# ten times below the float64 limit printed at the start of this section.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: 300 training iterations; the last digits of their logits differ between CPUs; the asserts
# check the bound, which holds with a wide margin)
code_vocab = rnn_lib.CharVocab.from_text(code)
code_ids = code_vocab.encode(code)
GIST_H = 100


def gist_iterations(seed, iterations=100, dtype=np.float64):
    """Train the gist's recipe on code_ids, yielding each iteration's trail as soon as it is computed."""
    params = rnn_lib.init_params(len(code_vocab), GIST_H, np.random.default_rng(seed), dtype=dtype)
    mem = {k: np.zeros_like(p) for k, p in params.items()}
    hprev, p = np.zeros((GIST_H, 1), dtype), 0
    for _ in range(iterations):
        if p + SEQ_LENGTH + 1 >= len(code_ids):               # the gist's wrap-around
            p, hprev = 0, np.zeros((GIST_H, 1), dtype)
        inputs, targets = code_ids[p:p + SEQ_LENGTH], code_ids[p + 1:p + SEQ_LENGTH + 1]
        _, hprev, trail = gist_step(params, mem, inputs, targets, hprev)
        yield trail                                           # params and mem in it: as after this step
        p += SEQ_LENGTH


gist_largest, gist_all_finite = {}, True
for seed in (0, 1, 2):
    largest_logit = []
    for trail in gist_iterations(seed):
        largest_logit.append(max(float(np.abs(a).max()) for name, a in trail if name.startswith("ys[")))
        gist_all_finite &= all(np.isfinite(a).all() for _, a in trail)
    gist_largest[seed] = np.array(largest_logit)
print("largest |logit| in iterations " + " ".join(f"{i + 1:>3}-{i + 10:<3}" for i in range(0, 100, 10)))
for seed, largest_logit in gist_largest.items():
    print(f"{f'seed {seed}':30}" + " ".join(f"{largest_logit[i:i + 10].max():7.2f}" for i in range(0, 100, 10)))
gist_max = max(a.max() for a in gist_largest.values())
print(f"largest of all: {gist_max:.2f}; float32 limit {overflow_at['float32']:.1f}, "
      f"float64 limit {overflow_at['float64']:.1f}; every array of every iteration finite: {gist_all_finite}")
assert gist_max < overflow_at["float32"] and gist_max < overflow_at["float64"] / 10 and gist_all_finite

# %% [markdown] slideshow={"slide_type": "fragment"}
# With the gist's settings, the logits of the first 100 iterations stay far from where `exp`
# overflows in float64, and below the float32 limit too, and every array stays finite: Adagrad's
# first steps make the logits grow quickly, but clipping and the small learning rate bound them. So a
# `nan` that early, with these settings, points to a change the port made, not to the recipe. Two
# likely ones: a dropped `out=` (with `cupy.clip(dparam, -5, 5)` alone the clipped copy is thrown
# away, and the gradients are no longer clipped), or a **dtype change** (float32 or float16 arrays
# for speed or memory), which moves the overflow limit of `exp` down.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: finding the first bad array
#
# The search takes one function. Walk through the arrays of a step in the order they were computed
# and stop at the first that is not finite (`np.isfinite` is `False` for `inf`, `-inf` and `nan`):
# everything after it may only be a consequence. Run it after every iteration and stop at the first
# iteration where it finds one. (On a GPU, `cupy.isfinite` works the same way; `.all()` then needs
# one transfer per array, so run it only while hunting the bug.)
#
# To see it at work, we break the port on purpose with a dtype change: every array in **float16**
# (half the memory of float32 on a GPU). **Expected:** the walk finds nothing wrong in the forward
# and backward arrays of the first iteration, and stops at its update of `Wxh`. The cause is the
# gist's `1e-8` in `np.sqrt(mem + 1e-8)`: float16's smallest positive number is about 6e-8, so
# `1e-8` rounds to 0 there. A character that does not occur in the first chunk has a gradient of
# exactly 0 in its column of `Wxh`, so its Adagrad memory is 0 too, and its update is $0/\sqrt{0}$,
# `nan`. From then on, every forward pass that reads such a character spreads the `nan`, until
# sampling fails. The healthy runs above, in float64, have no non-finite array at all.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: the float16 arrays of a training step; their last digits differ between CPUs; the asserts
# check what the walk finds, which holds on every CPU)
def first_non_finite(trail):
    """Name of the first array in a step's trail with an inf or nan entry, or None if all are finite."""
    for name, array in trail:
        if not np.all(np.isfinite(array)):
            return name
    return None


print(f"float16: smallest positive number {float(np.finfo(np.float16).smallest_subnormal):.1e}; "
      f"1e-8 becomes {float(np.float16(1e-8))}")
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):     # the nan is the point
    iteration = 0
    for trail in gist_iterations(0, dtype=np.float16):
        iteration += 1
        found = first_non_finite(trail)
        if found is not None:
            break
arrays = dict(trail)
names = [name for name, _ in trail]
absent = np.setdiff1d(np.arange(len(code_vocab)), code_ids[:SEQ_LENGTH])  # characters not in chunk 1
print(f"first non-finite array: {found} in iteration {iteration}, after {names.index(found)} finite arrays "
      f"of that step")
print(f"characters not in the first chunk: {len(absent)} of {len(code_vocab)}; their columns of Wxh all nan: "
      f"{bool(np.isnan(arrays['Wxh'][:, absent]).all())}")
assert float(np.float16(1e-8)) == 0.0
assert (found, iteration) == ("Wxh", 1) and np.isnan(arrays["Wxh"][:, absent]).all()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: when the numbers themselves overflow
#
# *A side road: skip it on a first reading.*
#
# With an absurd learning rate the weights themselves overflow to `inf`, and then the loss to `nan`.
# The `Trainer` checks the loss, the gradients and the updated weights at every step; when one is not
# finite it stops with `TrainingDiverged` and keeps the last finite weights (the bad update is not
# applied, or is undone). **Expected:** a `TrainingDiverged` within the first steps (a single update
# of size ~$10^{38}$ is enough), a message that suggests a smaller learning rate, and finite weights.

# %%
config = rnn_lib.TrainConfig(hidden_size=32, batch_size=8, optimizer="adagrad", learning_rate=1e38,
                             dtype="float32", seed=0, val_fraction=0.0, eval_every=0, sample_every=0)
exploding = rnn_lib.Trainer(code, config, progress=False)
try:
    with np.errstate(all="ignore"):  # the overflow warnings would only repeat what the message says
        exploding.run(steps=100)
except rnn_lib.TrainingDiverged as exc:
    message = show_error(exc)
finite = all(np.isfinite(p).all() for p in exploding.params.values())
print(f"stopped after {exploding.step} step(s); all weights finite: {finite}")
assert exploding.step <= 2 and "smaller learning_rate" in message and finite

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The fix:** a smaller learning rate (the gist's 0.1 is a good start with Adagrad), and keep
# gradient clipping on. Compute the softmax stably as well, on the GPU as on the CPU; it matters most
# if you move to float32 for speed, where `exp` overflows at much smaller logits than in float64.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Python 2 and Python 3 (optional)
#
# *A side road: skip it on a first reading.*
#
# The gist is Python 2 code; Python 3 runs almost all of it, but not all. The differences that
# matter here, once:
#
# | in the gist | Python 2 | Python 3 | what to write |
# | --- | --- | --- | --- |
# | `print 'iter %d' % n` | `print` is a statement | `SyntaxError` | `print(f"iter {n}")` |
# | `for t in xrange(len(inputs))` | `xrange` is the lazy `range` | `NameError: name 'xrange' is not defined` | `range(...)` |
# | `a / b` on integers | `7 / 2 == 3` (floor) | `7 / 2 == 3.5` | `//` for integer division; the gist only divides floats, so it is unaffected |
# | `open('input.txt', 'r').read()` | bytes: `é` is 2 "characters", `海` is 3 | a `str` of characters, decoded with the system's default encoding | `open(path, encoding="utf-8").read()` (or `rnn_lib.load_text`) |
# | `chars = list(set(data))` | the same set order every run | set order changes from run to run (string hashing is randomised) | `sorted(set(data))`: the same ids every run |
# | `{ch: i for ...}` dicts | no guaranteed order | keep insertion order (3.7+) | harmless here, since the ids come from `chars` |

# %% [markdown] slideshow={"slide_type": "subslide"}
# The first four rows, run here. **Expected:** the `print` statement does not compile, `xrange` is
# unknown, `/` between integers gives a float and `//` floors, and a file opened in binary mode reads
# as `bytes` (one item per byte) while one opened with `encoding="utf-8"` reads as `str` (one item per
# character).

# %%
try:
    compile("print 'x'", "<gist>", "exec")
    print_error = None
except SyntaxError as exc:
    print_error = exc
    print(f"compile(\"print 'x'\"): SyntaxError: {exc.msg}")
try:
    exec("xrange(3)")
    xrange_error = None
except NameError as exc:
    xrange_error = exc
    print(f"exec('xrange(3)'): NameError: {exc}")
print(f"7 / 2 = {7 / 2}, 7 // 2 = {7 // 2}")
with open(rnn_lib.data_path("unicode_poem.txt"), "rb") as f:
    as_bytes = f.read()
with open(rnn_lib.data_path("unicode_poem.txt"), encoding="utf-8") as f:
    as_text = f.read()
print(f"unicode_poem.txt opened 'rb': {type(as_bytes).__name__} of length {len(as_bytes):,}; "
      f"opened with encoding='utf-8': {type(as_text).__name__} of length {len(as_text):,}")
assert isinstance(print_error, SyntaxError) and isinstance(xrange_error, NameError)
assert 7 / 2 == 3.5 and 7 // 2 == 3
assert isinstance(as_bytes, bytes) and isinstance(as_text, str) and len(as_bytes) > len(as_text)
assert as_bytes.decode("utf-8") == as_text

# %% [markdown] slideshow={"slide_type": "fragment"}
# The fifth row: a new interpreter chooses a new random key for string hashing, so the order in which
# a set hands back its characters changes from run to run. `PYTHONHASHSEED` fixes the key; we start a
# few short Python processes, each with its own value. **Expected:** at least two of them print the
# set of `hello world` in different orders.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: the orders depend on the string hash of the Python version that runs this; the assertion does not)
import os
import subprocess
import sys


def set_order_with_hash_seed(hash_seed, text="hello world"):
    """''.join(set(text)) as printed by a new interpreter started with PYTHONHASHSEED=hash_seed."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    result = subprocess.run([sys.executable, "-c", f"print(''.join(set({text!r})))"], env=env,
                            capture_output=True, text=True, check=True)
    return result.stdout.rstrip("\n")


orders = {seed: set_order_with_hash_seed(seed) for seed in (1, 2, 3, 4)}
for seed, order in orders.items():
    print(f"PYTHONHASHSEED={seed}: ''.join(set('hello world')) = {order!r}")
assert len(set(orders.values())) > 1
assert all(sorted(order) == sorted(set("hello world")) for order in orders.values())

# %% [markdown] slideshow={"slide_type": "fragment"}
# The fourth row is section 2 again: in Python 2 the gist's vocabulary on this poem would have been
# bytes. The fifth means that the gist's ids are not stable from one run to the next. The gist saves
# nothing, but if you add code that saves its weights and load them in a new run, that run's
# `char_to_ix` may give the characters different ids, and the model then reads and writes the wrong
# characters (notebook 01 shows the changing order). `sorted(set(data))` avoids it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A training text is a UTF-8 file of at least `seq_length + 1` characters; check its size in
#   characters, its vocabulary size $V$ and a preview before training (`load_choice`, `describe_text`).
# - Python 3 strings count characters, not bytes: `len(text)` ≤ `len(text.encode("utf-8"))`, and a
#   character vocabulary never splits `海` or `🌊` into pieces.
# - A few seconds of training on `sample_code.py` gives text with the look of Python (indented
#   `return` lines, docstring quotes, four-space indentation) but mostly invented words, and none of
#   it compiles. On the poem, the model recites memorised stretches and mixes languages within a line,
#   now and then inside a word, though neighbouring letters share a script more often than chance.
# - On files this small, training loss mostly measures memorisation: hold out a validation tail.
#   Its loss is lowest early and then rises; at its best it is only somewhat better than a model
#   that knows just the character frequencies (on the code), or about as good (on the poem).
# - The same training run gives other numbers and samples on another CPU: check what holds for any
#   run (orderings, features of the samples), not one run's digits.
# - The gist's `IndexError` on `hello`: slices past the end are silently short, so the targets run out,
#   and `lossFun` fails at `ps[t][targets[t], 0]`.
#   `rnn_lib` says "needs at least seq_length + 1"; fix it with a smaller `seq_length`.
# - Empty, non-UTF-8 (byte offset given; convert with `iconv` or `.decode("latin-1")`), unknown priming
#   character, missing path: each is one clear message from `rnn_lib`.
# - "probabilities are not non-negative" from CuPy means `p` is negative or `nan` somewhere (numpy says
#   "probabilities contain NaN"). The likeliest source is the gist's softmax overflowing: after the
#   weights grew in a diverging run, or at much smaller logits once a port changes the dtype (float32,
#   float16). The gist's own settings keep the logits far from the float64 limit for the first 100
#   iterations, so a `nan` that early points to a porting bug; walking a step's arrays in order with
#   `np.isfinite` finds the first bad one. Use a stable softmax and a smaller learning rate; `Trainer`
#   stops with `TrainingDiverged` on a non-finite loss.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check yourself
#
# 1. A file holds 30 characters. What is the largest `seq_length` the gist can train with? And with
#    `rnn_lib`'s default 10% validation split?
# 2. `len(s)` is 10 and `len(s.encode("utf-8"))` is 16. What can you say about the characters of `s`?
# 3. Why does the gist's `data[p+1:p+seq_length+1]` not raise an error when the text is too short,
#    and where does the error appear instead?
# 4. A file fails with "byte 0xe8 at byte offset 120". What is the most likely encoding, and what
#    character might it be?
# 5. Your model was trained on English only. Why does priming it with `"Ça va"` fail, and what two
#    fixes are there?
# 6. After switching to float32 your sampler returns `nan` probabilities. Which change prevents it
#    whatever the dtype, and when would a smaller learning rate be the fix?
# 7. On a small file the training loss keeps falling while the validation loss, after an early low,
#    rises. What is the model doing, and name two things you could change.
#
# <details>
# <summary>Answers</summary>
#
# 1. 29: one chunk needs `seq_length + 1` characters. With `val_fraction=0.1`, `int(30 * 0.1) = 3`
#    characters are held out, leaving 27 for training, so at most 26 (and `batch_size=1`).
# 2. Some of its characters are not ASCII, and together they take 6 bytes more than one each: for example
#    six accented letters (2 bytes each), three Chinese characters (3 bytes each) or two emoji (4 bytes each).
# 3. Slicing past the end of a string returns a shorter slice instead of raising. The loop in `lossFun`
#    runs over all the inputs, and `targets[t]` fails at the first step with no target.
# 4. Latin-1 or cp1252 (one byte per character); `0xe8` is `è` there. Convert it to UTF-8 with
#    `iconv -f latin1 -t utf-8` or `.decode("latin-1")` and save.
# 5. `Ç` is not in its vocabulary, so it has no input column in `Wxh`. Prime with characters of the
#    training text (`"Ca va"`), or train on a text that contains `Ç`.
# 6. A stable softmax (subtract the maximum logit) removes the overflow whatever the dtype. Whether the
#    learning rate is also to blame depends on the logits: with the gist's settings they stay below the
#    float32 limit of `exp` for the first 100 iterations (section 5), so a `nan` that early points to a
#    change the port made: its dtype change (in float16 also Adagrad's `1e-8`, which rounds to 0 there),
#    or clipping that no longer clips. A smaller learning rate is the fix only when the logits really
#    grow past the limit, as in a diverging run. Check the logits before blaming the learning rate.
# 7. It is memorising the training split: what it learns from then on does not carry over to new
#    text. Stop near the lowest validation loss, use a smaller model, or train on more text. If you keep
#    the model from the point where the validation loss was lowest, that loss is no longer an unbiased
#    estimate of its loss on new text: keep a development split for such choices (notebook 11).
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - A. Karpathy, *min-char-rnn.py*, and the learners' comments under it (the `IndexError` on `hello`,
#   the CuPy question): <https://gist.github.com/karpathy/d4dee566867f8291f086>
# - A Python 3 port of the gist shared in those comments:
#   <https://gist.github.com/ijkilchenko/84be862a5e18240c59b4505177c9c34c>
# - A. Karpathy, *The Unreasonable Effectiveness of Recurrent Neural Networks*, with models trained on
#   Linux source code and LaTeX: <https://karpathy.github.io/2015/05/21/rnn-effectiveness/>
# - The Python *Unicode HOWTO*, on characters, code points and encodings:
#   <https://docs.python.org/3/howto/unicode.html>
# - *What's New In Python 3.0* (print, integer division, text vs bytes):
#   <https://docs.python.org/3/whatsnew/3.0.html>
# - numpy, `Generator.choice`: <https://numpy.org/doc/stable/reference/random/generated/numpy.random.Generator.choice.html>

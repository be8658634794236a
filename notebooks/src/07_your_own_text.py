# %% [markdown] slide
# # 07 · Your own text
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
# - why "probabilities are not non-negative" (or `nan`) appears after switching to CuPy, and how a
#   stable softmax and a diverging-training check deal with it;
# - the Python 2 habits of the original code, in one table.
#
# **Prerequisites:** notebooks 01–05 (vocabulary, softmax, backpropagation through time, Adagrad,
# training with `rnn_lib.Trainer`). Notebook 06 (sampling) helps but is not needed.
#
# **Time:** about 30 minutes on your own, 20 minutes in lecture. The notebook runs in well under a
# minute: every training run here is a fixed, small number of steps.

# %% [markdown] skip
# ## Setup
#
# The same first cell opens every notebook of the series.

# %% skip
import numpy as np
import matplotlib.pyplot as plt
import rnn_lib
from rnn_lib.plotting import use_lecture_style

np.set_printoptions(precision=4, suppress=True)
use_lecture_style()

# %% [markdown] skip
# The standard-library modules this notebook needs: HTML escaping (for the widget), temporary folders,
# Unicode character names and paths; and the gist's chunk length.

# %% skip
import html
import tempfile
import unicodedata
from pathlib import Path

SEQ_LENGTH = 25  # the gist's number of time steps per chunk, used throughout

# %% [markdown] slide
# ## 1. Choose a text
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

# %%
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

# %% [markdown] subslide
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

# %% [markdown] subslide
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

# %% [markdown] subslide
# ### Try it: pick, type or upload a file
#
# The controls call `load_choice` and `describe_text` whenever something changes, and show the
# result (or the error message) below them. **Train 5 s** trains a small model on the chosen text
# and prints a sample; `quick_config` shortens `seq_length` and the number of streams for short texts
# (we meet the reason in section 4). A path is relative to the `notebooks/` folder, e.g.
# `../README.md`. **Clear upload** forgets an upload, so that the path or the menu counts again.

# %%
def quick_config(text, hidden_size=64):
    """A small TrainConfig that fits `text`: up to 25 steps and 16 streams, no validation split."""
    seq_length = min(SEQ_LENGTH, len(text) - 1)
    batch_size = max(1, min(16, len(text) // (seq_length + 1)))
    return rnn_lib.TrainConfig(hidden_size=hidden_size, seq_length=seq_length, batch_size=batch_size,
                               learning_rate=0.1, dtype="float32", seed=0, val_fraction=0.0,
                               eval_every=0, sample_every=0)


hello_config = quick_config("hello")
print(f"hello: seq_length {hello_config.seq_length}, batch_size {hello_config.batch_size}")
assert (hello_config.seq_length, hello_config.batch_size) == (4, 1)

# %% [markdown] fragment
# The controls, a report area under them, and two small helpers: one reads the controls through
# `load_choice`, the other writes a message into the report area.

# %%
import ipywidgets as widgets

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

# %% [markdown] fragment
# The two handlers: one describes the text whenever a control changes, one trains on it. Each catches
# the errors of section 4 and shows their one-line message instead of a traceback.

# %%
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

# %% [markdown] fragment
# Connect the handlers, fill the report once, and show the whole thing.

# %%
for control in (menu, path_box, upload):
    control.observe(on_change, names="value")
clear.on_click(lambda _b: setattr(upload, "value", ()))
train_button.on_click(on_train)
on_change()
display(widgets.VBox([widgets.HBox([menu, path_box]), widgets.HBox([upload, clear, train_button]), report]))

# %% [markdown] slide
# ## 2. Characters, not bytes
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

# %% [markdown] subslide
# The poem in numbers. **Expected:** more bytes than characters, and about as many distinct
# characters as a byte can take values; yet only some of the 256 byte values occur.

# %%
poem = rnn_lib.load_text(rnn_lib.data_path("unicode_poem.txt"))
poem_vocab = rnn_lib.CharVocab.from_text(poem)
poem_bytes = poem.encode("utf-8")
print(f"len(poem) = {len(poem):,} characters; len(poem.encode('utf-8')) = {len(poem_bytes):,} bytes")
print(f"{len(poem_vocab)} distinct characters, but only {len(set(poem_bytes))} distinct byte values")
assert len(poem_bytes) > len(poem) and len(poem_vocab) == len(set(poem))

# %% [markdown] subslide
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

# %% [markdown] subslide
# ### Why bytes would be a bad vocabulary
#
# The gist was written for Python 2, where `open(...).read()` returns **bytes**. On this poem its
# vocabulary would be the byte values above, and a character like `海` would be three separate
# tokens. A model that samples bytes can stop in the middle of a character, and the result is not
# valid UTF-8. **Expected:** cutting `海` after two of its three bytes cannot be decoded.

# %%
broken = "海".encode("utf-8")[:2]
try:
    broken.decode("utf-8")
except UnicodeDecodeError as exc:
    print(f"{broken!r}.decode('utf-8')  ->  {type(exc).__name__}: {exc.reason}")
    assert exc.reason == "unexpected end of data"

# %% [markdown] fragment
# A character-level model in Python 3 cannot make that mistake: every id it samples decodes to a
# whole character of its vocabulary.

# %% [markdown] slide
# ## 3. Train briefly on code and on a poem
#
# Both runs use `rnn_lib.Trainer` with a small model: 64 hidden units, 16 parallel streams of 25
# steps (8 for the shorter poem), Adagrad at learning rate 0.1 (the gist's), float32, seed 0, and a
# fixed number of steps (not seconds), so the numbers below are the same on every run. Neither text
# is split for validation: with a few thousand characters we only want to see what the model picks up.

# %%
def brief_config(batch_size):
    return rnn_lib.TrainConfig(hidden_size=64, seq_length=SEQ_LENGTH, batch_size=batch_size,
                               learning_rate=0.1, dtype="float32", seed=0, val_fraction=0.0,
                               eval_every=0, sample_every=0, log_every=50)


code = rnn_lib.load_text(rnn_lib.data_path("sample_code.py"), min_length=SEQ_LENGTH + 1)
code_trainer = rnn_lib.Trainer(code, brief_config(batch_size=16), progress=False)
print(f"sample_code.py: {len(code):,} characters, V = {len(code_trainer.vocab)}; "
      f"each stream has {len(code) // 16} characters")

# %% [markdown] subslide
# Before training, a sample is noise drawn almost uniformly from the 68 characters:

# %%
untrained = code_trainer.sample(120)
print(untrained)
assert code_trainer.step == 0 and len(untrained) == 120

# %% [markdown] subslide
# 800 steps (a few seconds). **Expected:** the training loss falls from about $\ln 68 \approx 4.2$
# nats/char to well under half of that.

# %%
code_trainer.run(steps=800)
code_nats = code_trainer.history.train_nats
print(f"{code_trainer.step} steps: training loss {code_nats[0]:.3f} (first 50 steps) -> "
      f"{code_nats[-1]:.3f} nats/char (last 50); ln V = {np.log(len(code_trainer.vocab)):.3f}")
assert code_nats[-1] < 0.5 * np.log(len(code_trainer.vocab))

# %% [markdown] subslide
# A sample primed with `def ` at temperature 0.5 (a little more conservative than the model's own
# distribution; notebook 06 explains temperature).

# %%
code_sample = "def " + code_trainer.sample(500, prime="def ", temperature=0.5)
print(code_sample)

# %% [markdown] fragment
# The spelling is shaky, but the layout is Python's: `def name(...):`, `"""Return ...`, `return`,
# and blocks indented by multiples of four spaces. We can count that last one. **Expected:** most
# indented lines of the sample use a multiple of 4 spaces (every line of the training file does).

# %%
def indent_share(text):
    """Share of the indented lines of `text` whose indentation is a multiple of 4 spaces."""
    widths = [len(line) - len(line.lstrip(" ")) for line in text.splitlines() if line.strip()]
    indented = [w for w in widths if w > 0]
    return sum(w % 4 == 0 for w in indented) / max(1, len(indented)), len(indented)


for name, text in [("training file", code), ("trained sample", code_sample)]:
    share, count = indent_share(text)
    print(f"{name:>14}: {share:.0%} of {count} indented lines use a multiple of 4 spaces")
assert indent_share(code)[0] == 1.0 and indent_share(code_sample)[0] > 0.5

# %% [markdown] subslide
# ### The poem
#
# The poem is shorter (1,656 characters) but its vocabulary is much larger (230), so we use 8 streams
# of about 200 characters each.

# %%
poem_trainer = rnn_lib.Trainer(poem, brief_config(batch_size=8), progress=False).run(steps=800)
poem_nats = poem_trainer.history.train_nats
print(f"{poem_trainer.step} steps: training loss {poem_nats[0]:.3f} -> {poem_nats[-1]:.3f} nats/char; "
      f"ln V = {np.log(len(poem_trainer.vocab)):.3f}")
assert poem_nats[-1] < 0.5 * np.log(len(poem_trainer.vocab))

# %% [markdown] subslide
# Two samples, one primed with a Greek word and one with a Japanese one. **Expected:** whole
# characters only, each one from the poem's vocabulary, in whatever mix of scripts the model prefers.

# %%
for prime in ["Η θάλασσα", "青い"]:
    poem_sample = poem_trainer.sample(160, prime=prime, temperature=0.6)
    print(f"--- primed with {prime!r}\n{prime}{poem_sample}")
    assert set(poem_sample) <= set(poem_trainer.vocab.chars)

# %% [markdown] fragment
# With so little text the model mostly recites what it has memorised (whole lines of the Chinese
# verse come back intact) and jumps from one language to the next, sometimes in the middle of a line,
# which the poem never does. Within a word, though, it mostly stays in one script: the script of the
# next character is easy to predict from the character before it.

# %% [markdown] subslide
# Both loss curves, each with its own uniform baseline $\ln V$ (what an untrained model scores).

# %%
from rnn_lib.plotting import plot_history

fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), sharey=True)
for ax, trainer, name in [(axes[0], code_trainer, "sample_code.py"), (axes[1], poem_trainer, "unicode_poem.txt")]:
    plot_history(trainer.history, ax=ax,
                                  baselines={f"uniform, ln {len(trainer.vocab)}": np.log(len(trainer.vocab))})
    _ = ax.set_title(f"{name}: {len(trainer.vocab)} characters")
fig.tight_layout()

# %% [markdown] slide
# ## 4. When it goes wrong: the errors learners hit
#
# Each error below is made on purpose, with small broken files written into a temporary folder.
# `rnn_lib` turns each into one `ValueError` or `FileNotFoundError` whose message says what is wrong
# and how to fix it. `show_error` prints `type: message`, with the temporary folder and the
# folders that differ between computers shortened: `<tmp>`, `<data>` (the shipped files) and
# `<notebooks>` (the current folder).

# %%
workdir = tempfile.TemporaryDirectory()
TMP = Path(workdir.name)


def show_error(exc):
    """Print and return 'ExceptionType: message', with machine-specific folders replaced."""
    message = str(exc).replace(str(TMP), "<tmp>").replace(str(rnn_lib.DATA_DIR), "<data>")
    message = message.replace(str(Path.cwd()), "<notebooks>")
    print(f"{type(exc).__name__}: {message}")
    return message

# %% [markdown] subslide
# ### 4.1 A file that is too short: `IndexError: list index out of range`
#
# Several learners ran the gist on a file holding just `hello` and got this error, raised in
# `lossFun` at the line that reads `targets[t]`. Here are the gist's data steps, rewritten for
# Python 3: the first chunk is `data[p:p+seq_length]`, its targets the same slice shifted by one,
# and `lossFun` loops over the inputs and reads the target of every step.

# %%
def gist_first_chunk(data, seq_length):
    """The gist's first iteration (n = 0, so p = 0), down to the line of lossFun that reads targets[t]."""
    char_to_ix = {ch: i for i, ch in enumerate(sorted(set(data)))}
    p = 0
    inputs = [char_to_ix[ch] for ch in data[p:p + seq_length]]
    targets = [char_to_ix[ch] for ch in data[p + 1:p + seq_length + 1]]
    losses = []
    for t in range(len(inputs)):  # lossFun's forward loop: one step per input character
        losses.append(targets[t])  # stands for loss += -np.log(ps[t][targets[t], 0])
    return inputs, targets

# %% [markdown] subslide
# **Expected:** on `hello` with `seq_length = 25`, the `IndexError`.

# %%
hello = rnn_lib.load_text(rnn_lib.data_path("hello.txt"))
print(f"inputs  = data[0:25] = {hello[0:25]!r} ({len(hello[0:25])} characters)")
print(f"targets = data[1:26] = {hello[1:26]!r} ({len(hello[1:26])} characters)")
try:
    gist_first_chunk(hello, SEQ_LENGTH)
except IndexError as exc:
    print(f"{type(exc).__name__}: {exc}")
    assert str(exc) == "list index out of range"

# %% [markdown] fragment
# **Why.** Python slicing never complains about a slice that runs past the end: it returns what is
# there. So `data[0:25]` is the whole word, 5 inputs, while `data[1:26]` has only 4 targets. The loop
# runs for 5 steps, and step `t = 4` asks for `targets[4]`, which does not exist. The gist needs at
# least `seq_length + 1` characters: every input needs the character after it as its target.
# **Expected:** 26 characters work and 25 fail.

# %%
alphabet = "abcdefghijklmnopqrstuvwxyz"
inputs, targets = gist_first_chunk(alphabet, SEQ_LENGTH)  # 26 characters: one full chunk
print(f"26 characters: {len(inputs)} inputs, {len(targets)} targets")
try:
    gist_first_chunk(alphabet[:25], SEQ_LENGTH)
except IndexError as exc:
    print(f"25 characters: {type(exc).__name__}: {exc}")
assert len(inputs) == len(targets) == SEQ_LENGTH

# %% [markdown] subslide
# `rnn_lib` checks the length before training and says so. `load_text` takes the minimum as
# `min_length` (pass `seq_length + 1`), and `Trainer` checks its own configuration.
# **Expected:** both messages give the length found, the length needed and the fixes.

# %%
try:
    rnn_lib.load_text(rnn_lib.data_path("hello.txt"), min_length=SEQ_LENGTH + 1)
except ValueError as exc:
    message = show_error(exc)
assert "5 characters" in message and "at least 26" in message and "smaller seq_length" in message

try:
    rnn_lib.Trainer(hello, rnn_lib.TrainConfig.gist(), progress=False)  # the gist's settings
except ValueError as exc:
    message = show_error(exc)
assert "5 characters" in message and "seq_length + 1 = 26" in message

# %% [markdown] subslide
# **The fix** is a shorter `seq_length` (or a longer text). `hello` has 5 characters, so
# `seq_length = 4` gives exactly one chunk, `hell` → `ello`; one stream, and no validation split
# (`val_fraction=0`, there is nothing to spare). **Expected:** training works, and after 200 steps the
# greedy continuation of `h` is `ello`.

# %%
hello_trainer = rnn_lib.Trainer(hello, quick_config(hello, hidden_size=8), progress=False).run(steps=200)
continuation = hello_trainer.sample(4, prime="h", temperature=0)
print(f"seq_length {hello_trainer.config.seq_length}, {hello_trainer.step} steps: "
      f"loss {hello_trainer.history.train_nats[-1]:.4f} nats/char; 'h' -> {continuation!r}")
assert continuation == "ello"

# %% [markdown] subslide
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

# %% [markdown] subslide
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

# %% [markdown] fragment
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

# %% [markdown] subslide
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

# %% [markdown] fragment
# **The fix:** prime with characters of the training text. To check a prime before using it:

# %%
prime = "λ = 1"
unknown = sorted(set(prime) - set(code_trainer.vocab.chars))
print(f"characters of {prime!r} not in the vocabulary: {unknown}")
assert unknown == ["λ"]

# %% [markdown] subslide
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

# %% [markdown] fragment
# And a folder where a file was meant: **Expected:** a message saying it is a folder.

# %%
try:
    rnn_lib.load_text(TMP)
except FileNotFoundError as exc:
    message = show_error(exc)
assert "is a folder" in message

# %% [markdown] fragment
# **The fix:** a path relative to the notebook (`../data/...`), an absolute path, or for the shipped
# files `rnn_lib.data_path(name)`, which works from any folder. That is all the broken files we need.

# %%
workdir.cleanup()
print(f"temporary folder removed: {not TMP.exists()}")

# %% [markdown] slide
# ## 5. "ValueError: probabilities are not non-negative" after switching to CuPy
#
# A learner replaced `numpy` with CuPy (numpy on the GPU) and, after 100 iterations, sampling failed
# with this error. CuPy is not needed to see why: numpy shows the same thing. The gist turns logits
# into probabilities with
#
# ```python
# p = np.exp(y) / np.sum(np.exp(y))
# ```
#
# `exp` overflows to `inf` once its argument passes the log of the largest float. **Expected:**
# about 88.7 in float32 (the type most GPU code uses, for speed) and 709.8 in float64.

# %%
for dtype in (np.float32, np.float64):
    print(f"{np.dtype(dtype).name}: exp(y) overflows for y > ln(max) = {np.log(np.finfo(dtype).max):.1f}")
assert 88.7 < np.log(np.finfo(np.float32).max) < 88.8

# %% [markdown] subslide
# Three float32 logits, the largest 95. **Expected:** `exp(95)` is `inf`, so the sum is `inf`, and
# `inf / inf` is `nan`: the most likely character gets probability `nan`.

# %%
y = np.array([95.0, 3.0, -2.0], dtype=np.float32)
with np.errstate(over="ignore", invalid="ignore"):  # silence the warnings: the overflow is the point
    e = np.exp(y)
    p_naive = e / np.sum(e)
print(f"exp(y) = {e}, sum = {e.sum()}  ->  p = {p_naive}")
assert np.isnan(p_naive[0]) and np.all(p_naive[1:] == 0)

# %% [markdown] fragment
# Drawing from those "probabilities" fails. numpy says so plainly; CuPy checks `p >= 0`, and every
# comparison with `nan` is `False`, hence its odder wording. **Expected:** a `ValueError` naming NaN.

# %%
rng = np.random.default_rng(0)
try:
    rng.choice(len(y), p=p_naive)
except ValueError as exc:
    print(f"rng.choice: {type(exc).__name__}: {exc}")
    assert "NaN" in str(exc)
print(f"nan >= 0 is {np.nan >= 0}: why CuPy reports 'probabilities are not non-negative'")

# %% [markdown] subslide
# **The fix in the softmax:** subtract the largest logit first (notebook 02). Softmax does not change,
# the largest exponent becomes $e^0 = 1$, and nothing overflows. `rnn_lib.next_char_distribution`,
# which `rnn_lib.sample` uses, does exactly this. **Expected:** valid probabilities that sum to 1,
# the same from both.

# %%
z = y - y.max()
p_stable = np.exp(z) / np.exp(z).sum()
p_library = rnn_lib.next_char_distribution(y)
print(f"stable softmax: {p_stable}   rnn_lib: {p_library}   sum {p_library.sum():.4f}")
assert np.all(np.isfinite(p_stable)) and np.isclose(p_stable.sum(), 1.0)
assert np.allclose(p_stable, p_library) and rng.choice(len(y), p=p_library) == 0

# %% [markdown] subslide
# ### Where do logits of 95 come from?
#
# An RNN that is learning well has small logits (a few units). Huge ones mean the training has gone
# wrong, most often because the learning rate is too high. Three runs of 100 steps on `sample_code.py`
# with learning rates 0.1, 10 and 100. **Expected:** the larger the rate, the larger the logits
# and the worse the loss, far above the uniform $\ln 68 \approx 4.2$.

# %%
def largest_logit(trainer, n=200):
    """Largest |logit| while reading the first n training characters from a zero state."""
    params = trainer.params
    cache = rnn_lib.forward(params, trainer.train_ids[:n], rnn_lib.initial_state(params))
    states = cache["hs"][1:, 0, :]  # (n, H): the hidden state after each character
    return float(np.abs(states @ params["Why"].T + params["by"].T).max())


runs = {}
for lr in (0.1, 10.0, 100.0):
    config = rnn_lib.TrainConfig(hidden_size=32, batch_size=8, learning_rate=lr, dtype="float32", seed=0,
                                 val_fraction=0.0, eval_every=0, sample_every=0, log_every=10)
    runs[lr] = rnn_lib.Trainer(code, config, progress=False).run(steps=100)
    print(f"learning rate {lr:>5}: loss {runs[lr].history.train_nats[-1]:8.2f} nats/char, "
          f"largest |logit| {largest_logit(runs[lr]):9.1f}")
assert largest_logit(runs[0.1]) < 88 < largest_logit(runs[10.0]) < largest_logit(runs[100.0])

# %% [markdown] fragment
# With learning rate 10 the logits pass 88.7, so the gist's softmax in float32 would already return
# `nan`; `rnn_lib`'s stable softmax keeps going, and the bad loss tells you something is wrong.

# %% [markdown] subslide
# ### When the numbers themselves overflow
#
# With an absurd learning rate the weights themselves overflow to `inf`, and then the loss to `nan`.
# The `Trainer` checks the loss, the gradients and the updated weights at every step; when one is not
# finite it stops with `TrainingDiverged` and keeps the last finite weights (the bad update is not
# applied, or is undone). **Expected:** a `TrainingDiverged` within the first steps (a single update
# of size ~$10^{38}$ is enough), a message that suggests a smaller learning rate, and finite weights.

# %%
config = rnn_lib.TrainConfig(hidden_size=32, batch_size=8, learning_rate=1e38, dtype="float32", seed=0,
                             val_fraction=0.0, eval_every=0, sample_every=0)
exploding = rnn_lib.Trainer(code, config, progress=False)
try:
    with np.errstate(all="ignore"):  # the overflow warnings would only repeat what the message says
        exploding.run(steps=100)
except rnn_lib.TrainingDiverged as exc:
    message = show_error(exc)
finite = all(np.isfinite(p).all() for p in exploding.params.values())
print(f"stopped after {exploding.step} step(s); all weights finite: {finite}")
assert exploding.step <= 2 and "smaller learning_rate" in message and finite

# %% [markdown] fragment
# **The fix:** a smaller learning rate (the gist's 0.1 is a good start with Adagrad), and keep
# gradient clipping on. On a GPU, also compute the softmax stably: in float32, `exp` overflows at
# logits eight times smaller than in float64.

# %% [markdown] slide
# ## 6. Python 2 and Python 3
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

# %% [markdown] fragment
# The fourth row is section 2 again: in Python 2 the gist's vocabulary on this poem would have been
# bytes. The fifth is why a model saved by the gist cannot be reloaded reliably: `char_to_ix` may
# differ in the next run (notebook 01 shows it).

# %% [markdown] slide
# ## Summary
#
# - A training text is a UTF-8 file of at least `seq_length + 1` characters; check its size in
#   characters, its vocabulary size $V$ and a preview before training (`load_choice`, `describe_text`).
# - Python 3 strings count characters, not bytes: `len(text)` ≤ `len(text.encode("utf-8"))`, and a
#   character vocabulary never splits `海` or `🌊` into pieces.
# - A few seconds of training on `sample_code.py` already gives Python-shaped text (four-space
#   indentation, `def`, docstrings); on the poem, whole words in the right scripts.
# - The gist's `IndexError` on `hello`: slices past the end are silently short, so the targets run out.
#   `rnn_lib` says "needs at least seq_length + 1"; fix it with a smaller `seq_length`.
# - Empty, non-UTF-8 (byte offset given; convert with `iconv` or `.decode("latin-1")`), unknown priming
#   character, missing path: each is one clear message from `rnn_lib`.
# - `nan` / "probabilities are not non-negative": `exp` overflowed (above 88.7 in float32). Use a stable
#   softmax, and lower the learning rate; `Trainer` stops with `TrainingDiverged` on a non-finite loss.

# %% [markdown] subslide
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
# 6. After switching to float32 your sampler returns `nan` probabilities. Give two changes that each
#    prevent it, and say which one addresses the cause.
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
# 6. A stable softmax (subtract the maximum logit) stops the overflow; a smaller learning rate (and
#    gradient clipping) stops the logits from growing huge, which is the cause.
#
# </details>

# %% [markdown] subslide
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

"""The whole series as one lecture: a condensed deck of 75 (or 50) minutes, cut from the notebooks' decks.

Usage::

    python tools/condensed_deck.py                  # slides/condensed_75.slides.html and condensed_50.slides.html
    python tools/condensed_deck.py --out /tmp/deck
    python tools/condensed_deck.py --table          # the table of docs/instructor_guide.md

SLIDES lists the slides to show, in order. Each names a slide of a notebook's deck, as
tools/build_slides.py lays it out, by its title (its first heading): a slide titled "X (cont.)"
belongs to X and is shown only if listed. Entry "X" is the slide titled X; with ``shows`` it is
the first of X's slides (X and its continuations) that shows that text (a printed number, fixed
digit for digit by nbval, survives changes of the layout); "X (figure)" is the first of them
with a figure. The 50-minute version leaves out the entries marked ``only_75``. Both decks are
converted with build_slides' template, style sheet and local copies of reveal.js, next to the
other decks, and listed in their index.html; each slide's speaker notes start with its minutes
and its idea.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_slides  # noqa: E402


class Slide(NamedTuple):
    deck: str  # the notebook's number
    title: str
    minutes: int
    idea: str
    shows: str = ""  # a piece of text (printed numbers are fixed by nbval) that picks one slide of the title's
    only_75: bool = False


SLIDES = [
    Slide("00", "What we build, in one cell of maths", 2, "a character-level RNN in three equations"),
    Slide("00", "The final result", 1, "the trained model: 160 units, 60,000 steps"),
    Slide("00", "The final result", 1, "what it writes after `ROMEO:`", shows="Ha! which 't reveng"),
    Slide("01", "4 · Inputs and targets: predict the next character", 1, "read `hell`, predict `ello`", only_75=True),
    Slide("01", 'The four steps of "hello"', 2, "every number of one forward step: h, y, p", shows="t=0: input 'h'"),
    Slide("01", "9 · The four steps at a glance", 1, "the hidden state and the predictions, step by step"),
    Slide("01", 'The loss of "hello", term by term', 1, "the loss: four cross-entropies, −ln p of each target"),
    Slide("01", "Nats, and the uniform guess", 1, "an untrained network scores about 4 ln 4 = 5.55 nats"),
    Slide("02", "2 · Deriving $\\partial L / \\partial y$ by hand", 2, "dL/dy = p − onehot(target)"),
    Slide("02", '3 · "Why `dy[targets[t]] -= 1`?"', 1, "the gist's two lines are that formula"),
    Slide("02", '3 · "Why `dy[targets[t]] -= 1`?"', 1, "formula, gist and finite differences agree", shows="-0.775792"),
    Slide("02", "Confident and right means a small gradient", 1, "the gradient's size: how wrong the model is"),
    Slide("02", "5 · Sweeping one logit (figure)", 1, "the loss and its gradient as one logit moves", only_75=True),
    Slide("03", "3 · The unrolled graph: where the gradient flows", 1, "the same weights at every step"),
    Slide("03", "4 · The backward pass, line by line", 1, "the gist's nine lines, L1 to L9", shows="# L1"),
    Slide("03", "L4 continued: why `+ dhnext`? The two branches of $h_t$ add", 2, "h_t feeds y_t and h_t+1"),
    Slide(
        "03",
        "L4 continued: why `+ dhnext`? The two branches of $h_t$ add",
        1,
        "measured: the two branches add up",
        shows="via h_3 only",
    ),
    Slide("03", "L5 · Through tanh: $\\tanh'(a) = 1 - \\tanh^2(a)$ (figure)", 1, "the slope of tanh is 1 − h²"),
    Slide(
        "03",
        "L5 · Through tanh: $\\tanh'(a) = 1 - \\tanh^2(a)$",
        1,
        "a saturated unit passes almost nothing",
        shows="0.001999",
    ),
    Slide(
        "03", "What does `dhnext` mean?", 1, "dhnext is the gradient from the future", shows="1.178031", only_75=True
    ),
    Slide("03", "6 · Full gradient check", 1, "every parameter passes the check", shows="1.4775", only_75=True),
    Slide("03", "7 · Leave out `dhnext`, and the check fails", 1, "without dhnext, wrong signs and failures"),
    Slide("03", "7 · Leave out `dhnext`, and the check fails (figure)", 1, "the two checks side by side"),
    Slide("04", "1 · The update at the end of the gist", 1, "Adagrad: a memory of squared gradients", only_75=True),
    Slide("04", "4 · A step size for every entry", 1, "the first step ignores the gradient's size", only_75=True),
    Slide("04", "Rare characters keep large steps (figure)", 1, "a rare character keeps a large step", only_75=True),
    Slide("04", "7 · Gradient clipping", 1, "an exploding gradient, clipped to ±5", shows="3.71e+06", only_75=True),
    Slide("04", "Raw against clipped", 1, "how much clipping cuts", only_75=True),
    Slide("04", "Elementwise clipping changes the direction", 1, "clipping by the norm keeps it", only_75=True),
    Slide("06", "3 · Two reference lines", 1, "uniform 4.17 and bigram 2.48 nats/char", shows="6.022 bits/char"),
    Slide("06", "4 · Training live", 1, "the gist's loop, 160 units, 32 streams"),
    Slide("06", "Watching the run: callbacks (figure)", 1, "25 seconds of training, live"),
    Slide("06", "5 · What the gist's numbers mean", 2, "summed over 25 characters: 42.9 is 1.72 nats/char"),
    Slide("06", "Its loss curve", 1, "60,000 steps: training and validation loss"),
    Slide("07", "4 · Temperature", 1, "divide the logits by T before the softmax"),
    Slide("07", "4 · Temperature (figure)", 1, "one distribution at three temperatures"),
    Slide("07", "The same prefix and seed, five temperatures", 1, "from repetitive to garbled", shows="T = 0.2"),
    Slide("07", "5 · Greedy decoding, and why it loops", 1, "T = 0: “the counter the counter …”"),
    Slide("07", "Why greedy decoding ends in a loop (figure)", 1, "the state falls onto an exact loop", only_75=True),
    Slide("09", "A product of Jacobians", 2, "k steps back, a product of k factors", only_75=True),
    Slide("09", "2 · Experiment 1: only $W_{hh}$ (no tanh) (figure)", 1, "ρ = 0.9, 1, 1.1 over 50 steps", only_75=True),
    Slide("09", "The eigenvalues of the trained $W_{hh}$", 1, "the trained Whh: spectral radius 4.3", only_75=True),
    Slide("09", "How far back does the gradient reach? (figure)", 1, "the trained model forgets", only_75=True),
    Slide("09", "Clipping cannot undo vanishing (figure)", 1, "clipping tames exploding, not vanishing", only_75=True),
    Slide(
        "11", "1 · The idea: look up the last few characters", 1, "counting what follows", shows="'O' 163", only_75=True
    ),
    Slide(
        "11",
        "2 · Maximum likelihood gives held-out text probability 0",
        1,
        "one 0 is enough",
        shows="inf nats/char",
        only_75=True,
    ),
    Slide("11", "4 · Orders 1 to 8 on tiny Shakespeare", 1, "Kneser-Ney, orders 1 to 8", shows="3.3473", only_75=True),
    Slide("11", "The RNN on the same characters (figure)", 1, "the 7-gram beats the RNN", only_75=True),
    Slide("11", "8 · The honest comparison", 1, "what each model keeps and was given", shows="1,791,006", only_75=True),
    Slide("12", "1 · Why gates: one matrix, multiplied again and again", 1, "0.7 against 0.99", shows="1.8e-08"),
    Slide("12", "2 · The LSTM", 2, "c_t = f ⊙ c_t−1 + i ⊙ g: an additive cell"),
    Slide("12", "2 · The LSTM (figure)", 1, "the cell path: multiplied by f, added to"),
    Slide("12", "One path at a time (figure)", 1, "each gate's path, in colour, under its equation", only_75=True),
    Slide("12", "7 · The additive path carries the gradient: trained models (figure)", 1, "the LSTM reaches further"),
    Slide("12", "The forget gates (figure)", 1, "many trained forget gates sit near 1"),
    Slide("13", "3 · The real comparison", 1, "the shipped models and the 7-gram, on the whole validation split"),
    Slide("13", "3 · The real comparison", 1, "RNN, GRU and LSTM against the 7-gram", shows="1,791,006"),
    Slide("13", "Did the LSTM beat the n-gram?", 1, "not with this recipe"),
    Slide("13", "4 · Beating the n-gram", 1, "the LSTM memorised: dropout, a decaying rate, two layers"),
    Slide("13", "The learning curve: below the 7-gram within 15 minutes (figure)", 1, "dropout and a decaying rate"),
    Slide("13", "The table, completed", 1, "an LSTM below the 7-gram", shows="best to worst"),
]

VERSIONS = (75, 50)
_FIGURE = " (figure)"
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*$", re.M)


def entries(version: int) -> list[Slide]:
    return [s for s in SLIDES if version == 75 or not s.only_75]


def notebook(deck: str) -> Path:
    [path] = build_slides.NOTEBOOKS.glob(f"{deck}_*.ipynb")
    return path


def deck_slides(path: Path) -> list[tuple[str, list]]:
    """(title, cells) of every slide of the notebook's deck, its speaker notes among its cells."""
    slides = []
    for cell in build_slides.deck_notebook(nbformat.read(path, as_version=4)).cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") == "slide":
            found = _HEADING.search(cell.source) if cell.cell_type == "markdown" else None
            slides.append((found.group(1) if found else "", [cell]))
        elif slides:
            slides[-1][1].append(cell)
    return slides


def _shown(cells: list) -> str:
    """What a slide shows as text: its markdown, code and printouts (not its notes)."""
    shown = [c for c in cells if c.metadata.get("slideshow", {}).get("slide_type") != "notes"]
    outputs = [o for c in shown if c.cell_type == "code" for o in c.outputs]
    return "\n".join(
        [c.source for c in shown] + [o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs]
    )


def _has_figure(cells: list) -> bool:
    return any("image/png" in o.get("data", {}) for c in cells if c.cell_type == "code" for o in c.outputs)


def pick(slides: list[tuple[str, list]], entry: Slide) -> list:
    """The cells of the slide ``entry`` names: the slide titled so, or the first of the title's slides
    (the slide and its continuations) that shows a figure (a title ending in " (figure)") or the
    text ``entry.shows``; SlidesError naming the entry if there is none."""
    figure = entry.title.endswith(_FIGURE)
    base = entry.title.removesuffix(_FIGURE)
    if figure or entry.shows:
        found = [
            cells
            for title, cells in slides
            if title in (base, f"{base} (cont.)")
            and (not figure or _has_figure(cells))
            and entry.shows in _shown(cells)
        ]
    else:
        found = [cells for title, cells in slides if title == entry.title]
    if not found:
        what = f" showing {entry.shows!r}" if entry.shows else ""
        raise build_slides.SlidesError(
            f"{entry.deck} {entry.title!r}{what}: no such slide in notebook {entry.deck}'s deck"
        )
    return found[0]


def with_notes(cells: list, entry: Slide, stem: str) -> list:
    """The slide's cells, its speaker notes opening with its minutes and idea."""
    cells = [nbformat.from_dict(c) for c in cells]
    line = f"{entry.minutes} min · {stem}: {entry.idea}"
    if cells[-1].metadata.get("slideshow", {}).get("slide_type") == "notes":
        cells[-1].source = f"{line}\n\n{cells[-1].source}"
    else:
        cells.append(nbformat.v4.new_markdown_cell(line, metadata={"slideshow": {"slide_type": "notes"}}))
    return cells


def _without_cont(cells: list) -> list:
    """The slide's cells, its heading without " (cont.)": the slide it continues is not shown before it."""
    cells = [nbformat.from_dict(c) for c in cells]
    first = cells[0]
    if first.cell_type == "markdown":
        heading = r"^(\s*#{1,6}\s+.*?)" + re.escape(build_slides._CONT) + r"\s*$"
        first.source = re.sub(heading, r"\1", first.source, count=1, flags=re.M)
    return cells


def _title(cells: list) -> str:
    found = _HEADING.search(cells[0].source) if cells and cells[0].cell_type == "markdown" else None
    return found.group(1) if found else ""


def plan_notes(version: int) -> nbformat.NotebookNode:
    """The title slide's speaker notes: the plan, a line per notebook with its minutes."""
    chosen = entries(version)
    lines = [f"The plan: {sum(s.minutes for s in chosen)} minutes, then questions."]
    for deck in dict.fromkeys(s.deck for s in chosen):
        mine = [s for s in chosen if s.deck == deck]
        name = notebook(deck).stem.split("_", 1)[1].replace("_", " ")
        lines.append(f"- {deck} {name}: {sum(s.minutes for s in mine)} min, {len(mine)} slides")
    return nbformat.v4.new_markdown_cell("\n".join(lines), metadata={"slideshow": {"slide_type": "notes"}})


def title_slide(version: int) -> nbformat.NotebookNode:
    chosen = entries(version)
    minutes = sum(s.minutes for s in chosen)
    rows = "\n".join(
        f"| {deck} {notebook(deck).stem.split('_', 1)[1].replace('_', ' ')} "
        f"| {sum(s.deck == deck for s in chosen)} | {sum(s.minutes for s in chosen if s.deck == deck)} |"
        for deck in dict.fromkeys(s.deck for s in chosen)
    )
    text = (
        f"# One lecture: the whole series in {version} minutes\n\n"
        f"{len(chosen)} slides from the notebooks' decks, about {minutes} minutes, "
        "then questions.\n\n| notebook | slides | minutes |\n|---|---|---|\n" + rows
    )
    return nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "slide"}})


def condensed(version: int, decks: dict[str, list]) -> nbformat.NotebookNode:
    """The laid-out notebook of one version; ``decks`` maps a notebook's number to deck_slides()."""
    cells = [title_slide(version), plan_notes(version)]
    before = ""  # the title of the slide before, " (cont.)" left out
    for entry in entries(version):
        slide = pick(decks[entry.deck], entry)
        title = _title(slide)
        if title.endswith(build_slides._CONT) and title.removesuffix(build_slides._CONT) != before:
            slide = _without_cont(slide)  # "X (cont.)" after a slide that is not X's
        before = _title(slide).removesuffix(build_slides._CONT)
        cells += with_notes(slide, entry, notebook(entry.deck).stem)
    for i, cell in enumerate(cells):  # ids unique across the notebooks the cells come from
        cell["id"] = f"cell-{i}"
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"title": f"The whole series in {version} minutes", "language_info": {"name": "python"}}
    return nb  # no saved widget state: deck_notebook() made the widgets stills


def all_decks() -> dict[str, list]:
    return {deck: deck_slides(notebook(deck)) for deck in dict.fromkeys(s.deck for s in SLIDES)}


def table() -> str:
    """The guide's table: a row per slide, with the totals of both versions."""
    rows = ["| minutes | notebook | slide | the idea |", "|---|---|---|---|"]
    for s in SLIDES:
        only = " *(75 only)*" if s.only_75 else ""
        rows.append(f"| {s.minutes} | {s.deck}{only} | {s.title.replace('|', '∣')} | {s.idea} |")
    for version in VERSIONS:
        chosen = entries(version)
        total = sum(s.minutes for s in chosen)
        rows.append(f"| **{total}** | | **the {version}-minute version: {len(chosen)} slides** | |")
    return "\n".join(rows)


def write_index(out: Path):
    """build_slides' index of the notebooks' decks, with the condensed decks at the end of its list."""
    build_slides.write_index(out, [d for d in out.glob("*.slides.html") if not d.name.startswith("condensed_")])
    items = "".join(
        f'\n<li><a href="condensed_{v}.slides.html">One lecture: the whole series in {v} minutes</a></li>'
        for v in VERSIONS
    )
    index = out / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace("\n</ul>", items + "\n</ul>", 1), encoding="utf-8")


def build(out: Path = build_slides.DEFAULT_OUT, cache: Path = build_slides.DEFAULT_CACHE) -> list[Path]:
    """Both decks in ``out``, with the local copies of reveal.js and the rest; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    decks = all_decks()
    build_slides.fetch_assets(cache, quiet=True)
    build_slides.copy_assets(out, cache)
    (out / build_slides.DECK_CSS.name).write_bytes(build_slides.DECK_CSS.read_bytes())
    with tempfile.TemporaryDirectory(prefix="condensed-") as tmp:
        paths = [Path(tmp) / f"condensed_{v}.ipynb" for v in VERSIONS]
        for version, path in zip(VERSIONS, paths):
            nbformat.write(condensed(version, decks), path)
        command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides", f"--output-dir={out}"]
        command += [f"--template-file={build_slides.TEMPLATE}", *build_slides.nbconvert_options(), *map(str, paths)]
        env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise build_slides.SlidesError(f"jupyter nbconvert --to slides failed:\n{result.stderr.strip()[-3000:]}")
    built = [out / f"condensed_{v}.slides.html" for v in VERSIONS]
    for deck in built:
        deck.write_text(build_slides.tidy_notes(deck.read_text(encoding="utf-8")), encoding="utf-8")
        if refs := build_slides.remote_references(deck.read_text(encoding="utf-8")):
            raise build_slides.SlidesError(f"{deck.name} loads from the network: {refs}")
    write_index(out)
    return built


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=build_slides.DEFAULT_OUT, help="output folder (default: slides/)")
    parser.add_argument("--table", action="store_true", help="print the guide's table of the slides and stop")
    args = parser.parse_args(argv)
    if args.table:
        print(table())
        return 0
    try:
        built = build(args.out)
    except build_slides.SlidesError as exc:
        print(f"condensed_deck: {exc}", file=sys.stderr)
        return 1
    for version, deck in zip(VERSIONS, built):
        chosen = entries(version)
        print(f"{deck}: {len(chosen)} slides, {sum(s.minutes for s in chosen)} minutes")
    print(f"open {args.out / 'index.html'} in a browser (works offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

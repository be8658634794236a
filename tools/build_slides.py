"""Build reveal.js slide decks of the notebooks that work offline, opened straight from disk.

Usage::

    python tools/build_slides.py                           # every notebook -> slides/
    python tools/build_slides.py --out /tmp/deck notebooks/03_backprop_through_time.ipynb
    python tools/build_slides.py --theme black             # any reveal.js 4 theme with local fonts

Each deck is made from a committed (executed) notebook in two steps. First deck_notebook() lays
the notebook out for a lecture: cells tagged as bookkeeping (``check``, ``solution``, ``skip``, an
exercise's note and test cell) are left out, and so are the parts that are not lectured (a section
whose heading says "optional" or starts with "Testing", the Setup/Colab cells, 00's "Check your
machine", the code cells after "N test cells follow"), asserts and ``raise AssertionError``, nbval
markers, hidden tests and solution blocks in the code that remains; what is for a student at a
keyboard or for grading goes to the speaker notes ("Expected: ..." to the end of its paragraph,
sentences about asserts, "the cell below", test cells, study time, a running kernel; the code of
a widget, whose still view the slide shows) and "(N points)" is dropped; sub-slides become slides
and there are no fragment steps (every slide opens with its content); a slide is filled to at
most BUDGET lines of a 1280x720 slide (about 25) with at most two code cells, and continued on a
slide titled "heading (cont.)" beyond that (every heading starts a slide unless the slide holds
nothing but headings, so a continued slide is titled with the heading it continues; code is cut
only between top-level statements, and a cell's code so that its last piece shares a slide with
the start of its output, which never sits alone or under another cell's code, and above the
first statement that prints when that fits; a formula keeps
the text after it and a lead-in ending in ":" what it introduces; a heading never ends a slide,
a continuation that fits goes back onto the slide before, and a lone short block is never left
on a continued slide; a slide of a heading and a couple of lines of prose goes onto the next
slide of its section, titled with the heading; a near-empty slide shares the slide before or
after it when both fit and are of one section; code cut over slides is cut anew once the slides
are known, for fewer slides or fewer near-empty ones (at blank lines when that does as well,
never between a comment and its statement), its first statements going under the text of a
near-empty slide before it of the same heading (a cell that fits whole on a slide is never cut
for that); a near-empty slide of a whole subsection shares
the slide of the whole subsection before or after it in the same level-2 section, each under
its heading, so that a heading in the middle of a slide has all of its subsection there; figures
grow into the room left on their slide, a wide one up to the slide's width); code lines are
broken between tokens only (wrap_code(): after a comma or an
opening bracket, before a comprehension's ``for``, never at an operator; a long assignment's
value is put in brackets to be broken), and a string literal inside brackets is split at a space
into adjacent literals with the same prefix (``f"a {x} "`` then ``f"b"`` under it; never inside
a replacement field or a triple-quoted string), long docstring lines and comments wrap at a word;
a block with a line that cannot be broken is set smaller (a block longer than a slide is wrapped
at the 17 px width when that keeps it larger than 15 px), as is a printout wider than the slide;
a printout too tall keeps each block's label line, and one of several labelled samples ("----
step 100 ----") keeps every sample's label and its first lines (cut at the slide's width with
"…"), going on over a second slide, split between samples, when more than half its lines would
be cut; walls of "...: True" condense to one line, which names what they share ("a, b, c: error
below 1e-8: True") or else, as "all N checks True", leaves the slide (the printout and its code
go to the notes); an HTML output too tall is shown down
to HTML_ZOOM of its size, a table beyond that split by rows over slides; one of small monospace
text (coloured characters) is zoomed to HTML_TEXT_PX as far as the slide's width allows, its
groups of rows shared out over slides if need be; a figure the deck has shown already (two
widgets' identical stills) is shown once; a long paragraph keeps its first sentences
(initials and abbreviations do not end one; reading lists stay whole), and every slide that shows
part of such a cell has the whole of it in its speaker notes, not repeated on the next slide (so
do the answers to the check-yourself questions; MathJax leaves the notes alone); figures get alt
text and a readable height (at least about 400 px, on a slide of their own below long code; a
figure taller than a slide, or one that would not fit under its code, gets the slide, its code
going to the notes, as does plotting code of more than PLOT_CODE_LINES lines and a cell that only
defines a function that draws). A code cell tagged ``deck-code-to-notes`` (helper definitions)
shows only its outputs (nothing, if it has none); its code is in the notes ("Code (in the
notebook): ..."). Then
``jupyter nbconvert --to slides`` renders it with the template and style sheet in tools/slides/
(linear navigation, no scrolling slides, code never wrapped by the browser, MathJax typeset once
when the deck opens, widget images at their aspect ratio, reveal.js's ``.progress`` style kept off
the widgets' progress bars).

By default nbconvert's decks load five things from CDNs when they are opened: reveal.js (unpkg),
require.js, jQuery and MathJax (cdnjs), and, for notebooks with saved widget state, the Jupyter
widgets HTML manager (unpkg); its default theme "simple" also fetches Google Fonts, and every
deck imports mermaid (cdnjs) as an ES module. Without a network such a deck is a blank page.
This script instead

1. fetches pinned copies of those packages from the npm registry once (``npm pack``, no install
   scripts) into a cache folder (default ``build/slides-assets/``, gitignored), so later builds
   need neither npm nor a network;
2. copies the parts the decks use next to them (``<out>/reveal.js/``, ``<out>/vendor/``,
   ``<out>/deck.css``), and points nbconvert at those relative paths;
3. uses the theme "white" (fonts shipped with reveal.js) and a template that drops the mermaid
   import (no notebook draws mermaid diagrams, and a browser refuses ES modules from file://);
4. writes ``<out>/index.html`` linking the decks, and checks that no deck refers to http(s) for a
   script or a style sheet.

Widgets are never shown live in a deck (there is no kernel, nothing would answer): a slide shows
a widget's still image (or, without buttons, its saved HTML view) under the line "Live in
JupyterLab; the still shows the default."; a widget without a still (a form of buttons) is left
out, as is one worked by buttons alone whose text says to press one (its still is an empty
chart until then), and the widget code (ipywidgets imports, ``.observe(``, ``.on_click(``, ``display(widget)``)
and sentences that tell the viewer to move, press or pick go to the notes. The speaker notes are
plain text for a glance (speaker_notes(): TeX as Unicode with tex_text(), display maths too, even
when the slide shows it; "Expected: ..." as one "Shows: ..." line, "the cell below" as "the
code", nothing else the slide shows, no sentences about test cells or points; the code of a
figure or of the notebook and whole printouts last, after the talking points). Present the
interactive parts from JupyterLab (see docs/classroom.md).

Needs ``jupyter nbconvert`` (installed with the project) and, the first time only, ``npm``.
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tokenize
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "slides"
DEFAULT_CACHE = ROOT / "build" / "slides-assets"
TEMPLATE = Path(__file__).resolve().parent / "slides" / "offline_slides.html.j2"
DECK_CSS = Path(__file__).resolve().parent / "slides" / "deck.css"

# name -> (npm spec, {path in the package: path under <out>}). Versions are pinned: reveal.js 4
# is what nbconvert's template is written for (dist/reveal.js + plugin/notes/notes.js through
# require.js), MathJax 2.7.7 is nbconvert's own default (its template calls MathJax.Hub, which
# MathJax 3 does not have), html-manager 1.x renders ipywidgets 8 state, jQuery 2 and
# require.js 2 replace nbconvert's defaults (jQuery 2.0.3, require.js 2.1.10).
PACKAGES = {
    "reveal.js": (
        "reveal.js@4.6.1",
        {
            p: f"reveal.js/{p}"
            for p in (
                "dist/reveal.js",
                "dist/reveal.css",
                "dist/reset.css",
                "dist/theme",
                "plugin/notes/notes.js",
                "LICENSE",
            )
        },
    ),
    "requirejs": ("requirejs@2.3.7", {"require.js": "vendor/require.js"}),
    "jquery": (
        "jquery@2.2.4",
        {"dist/jquery.min.js": "vendor/jquery.min.js", "LICENSE.txt": "vendor/jquery.LICENSE.txt"},
    ),
    # Only what the TeX-AMS_CHTML-full configuration loads (about 4 MB of the package's 60 MB).
    "mathjax": (
        "mathjax@2.7.7",
        {
            p: f"vendor/mathjax/{p}"
            for p in (
                "MathJax.js",
                "LICENSE",
                "config/TeX-AMS_CHTML-full.js",
                "config/Safe.js",
                "extensions",
                "jax/input/TeX",
                "jax/output/CommonHTML",
                "jax/element",
                "fonts/HTML-CSS/TeX/woff",
                "fonts/HTML-CSS/TeX/otf",
                "localization/en",
            )
        },
    ),
    # embed-amd.js bundles @jupyter-widgets/base and /controls; the fonts are its icons (Font
    # Awesome; browsers take the woff2 or woff of its @font-face, so the eot/ttf/svg stay out).
    "html-manager": (
        "@jupyter-widgets/html-manager@1.0.7",
        {
            "dist/embed-amd.js": "vendor/html-manager/embed-amd.js",
            "dist/*.woff2": "vendor/html-manager/",
            "dist/*.woff": "vendor/html-manager/",
            "LICENSE": "vendor/html-manager/LICENSE",
        },
    ),
}

THEME = "white"  # local fonts; so are black, white-contrast, black-contrast, serif and dracula


def nbconvert_options(theme: str = THEME) -> list[str]:
    """The ``jupyter nbconvert --to slides`` options that make a deck use the local copies."""
    return [
        "--SlidesExporter.reveal_url_prefix=reveal.js",
        f"--SlidesExporter.reveal_theme={theme}",
        "--SlidesExporter.reveal_transition=fade",
        "--SlidesExporter.require_js_url=vendor/require.js",
        "--SlidesExporter.jquery_url=vendor/jquery.min.js",
        "--SlidesExporter.mathjax_url=vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        "--SlidesExporter.widget_renderer_url=vendor/html-manager/embed-amd.js",
        "--no-prompt",
        "--HTMLExporter.anchor_link_text=",  # no "¶" after the headings (nor in the notes)
        # deck_notebook() leaves these cells out already; nbconvert drops them too, should a
        # notebook be converted without it
        "--TagRemovePreprocessor.enabled=True",
        f"--TagRemovePreprocessor.remove_cell_tags={json.dumps(list(REMOVE_CELL_TAGS))}",
        f"--TagRemovePreprocessor.remove_input_tags={json.dumps(list(REMOVE_INPUT_TAGS))}",
    ]


_REMOTE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(https?:)?//""", re.I)


class SlidesError(RuntimeError):
    pass


# ------------------------------------------------------------------------------------------------
# The local copies
# ------------------------------------------------------------------------------------------------


def _stamp(cache: Path, name: str) -> Path:
    return cache / f"{name}.version"


def cached(cache: Path = DEFAULT_CACHE) -> bool:
    """True if every package is in the cache at its pinned version (then no npm is needed)."""
    return all(
        _stamp(cache, name).is_file() and _stamp(cache, name).read_text().strip() == spec
        for name, (spec, _files) in PACKAGES.items()
    )


def fetch_assets(cache: Path = DEFAULT_CACHE, quiet: bool = False) -> Path:
    """Download the pinned packages with ``npm pack`` into ``cache`` (once); return ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    todo = {
        name: spec
        for name, (spec, _files) in PACKAGES.items()
        if not (_stamp(cache, name).is_file() and _stamp(cache, name).read_text().strip() == spec)
    }
    if not todo:
        return cache
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError(
            f"npm is needed once to fetch {', '.join(todo.values())} into {cache} "
            "(Debian: apt-get install npm); later builds use the copies there"
        )
    with tempfile.TemporaryDirectory(prefix="slides-npm-") as tmp:
        if not quiet:
            print(f"fetching {' '.join(todo.values())} from the npm registry into {cache}", flush=True)
        result = subprocess.run(
            [npm, "pack", *todo.values(), "--json", "--ignore-scripts", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            cwd=tmp,
            timeout=600,
        )
        if result.returncode != 0:
            raise SlidesError(f"npm pack {' '.join(todo.values())} failed:\n{result.stderr.strip()[-2000:]}")
        packed = json.loads(result.stdout)
        for (name, spec), info in zip(todo.items(), packed):
            target = cache / name
            if target.exists():
                shutil.rmtree(target)
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                members = [m for m in tar.getmembers() if m.name.startswith("package/") and (m.isfile() or m.isdir())]
                for m in members:
                    m.name = m.name[len("package/") :]
                kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                tar.extractall(target, members=[m for m in members if m.name], **kwargs)
            _stamp(cache, name).write_text(spec + "\n")
    return cache


def copy_assets(out: Path, cache: Path = DEFAULT_CACHE):
    """Copy the parts of the cached packages the decks load into ``out`` (skipping unchanged files)."""
    for name, (_spec, files) in PACKAGES.items():
        package = cache / name
        for source, target in files.items():
            if "*" in source:
                matches = sorted(package.glob(source))
                if not matches:
                    raise SlidesError(f"{name}: nothing matches {source} in {package}")
                for match in matches:
                    _copy(match, out / target / match.name)
            else:
                if not (package / source).exists():
                    raise SlidesError(f"{name}: {source} is missing from {package}; delete {cache} and rebuild")
                _copy(package / source, out / target)


def _copy(source: Path, target: Path):
    if source.is_dir():
        for path in source.rglob("*"):
            if path.is_file():
                _copy(path, target / path.relative_to(source))
        return
    if (
        target.is_file()
        and target.stat().st_size == source.stat().st_size
        and target.stat().st_mtime >= source.stat().st_mtime
    ):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


# ------------------------------------------------------------------------------------------------
# What a slide shows: the notebook made into a deck
# ------------------------------------------------------------------------------------------------

# The slide is 1280x720 CSS pixels (tools/slides/deck.css); heights below are in code lines
# (19 px type, line height 1.3 = 24.7 px). A slide holds 29 of them; the layout fills at most
# BUDGET, which leaves room for the browser's rounding and for a formula a little taller than
# estimated.
LINE_PX = 24.7
BUDGET = 25.0
CODE_WIDTH = 70  # code is broken at this many characters (tools/slides/deck.css: at most 72ch wide)
CHARS_PER_CODE_LINE = 72  # 19 px monospace, a code block at most 72ch wide (it wraps beyond)
CHARS_PER_OUTPUT_LINE = 104  # printed output may use the slide's width (1230 px)
CHARS_PER_PROSE_LINE = 92  # 24 px proportional type
PROSE_LINE = 1.31  # one line of 24 px prose at line height 1.35, in code lines
HEADING = {1: 2.4, 2: 2.1, 3: 1.85, 4: 1.65, 5: 1.5, 6: 1.5}
FIGURE_MAX = 17.0  # a figure is at most this tall (420 px) ...
FIGURE_MIN = 16.5  # ... and at least this (407 px, or its natural size): else it goes to the next slide
FIGURE_ALONE = 23.0  # a figure alone on its slide, or under a heading and a sentence (568 px)
FIGURE_SLACK = 2.0  # lines beyond BUDGET a figure under a heading and prose only may use
LONG_CODE = 10.0  # a figure below code longer than this goes to a slide of its own
MAX_WIDTH_PX = 1200
OUTPUT_MAX_LINES = 40  # text output beyond this is elided on the slides (it is in the notebook)
TABLE_CHARS = 108  # 20 px type across the slide, less the cells' padding
SHORT_PARAGRAPH = 200  # characters: a longer paragraph shows its first sentence, the rest in the notes

# Cells that are not for the audience: bookkeeping checks, exercise solutions, an exercise's
# instructions for working in JupyterLab and its test cell (tools/nbbuild.py tags them).
REMOVE_CELL_TAGS = ("skip", "check", "solution", "exercise-note", "exercise-test", "remove-cell", "remove_cell")
REMOVE_INPUT_TAGS = ("remove-input", "remove_input", "hide-input", "hide_input")

CONTINUED = "(continued)"
# code in one block longer than a slide: 15 px, else 12 px type (tools/slides/deck.css)
SMALL_CODE = (("deck-small", 15 / 19), ("deck-tiny", 12 / 15))
# a code line that cannot be broken validly within CODE_WIDTH: its block at 17 px (up to 100
# characters a line), else 15 px; printouts wider than the slide at 17, 15 or 13 px
WIDE_CODE = (("deck-wide", 17, 100), ("deck-wider", 15, 10**6))
WIDE_OUTPUT = (("deck-out", 19), ("deck-out-17", 17), ("deck-out-15", 15), ("deck-out-13", 13))
# Sections that are not lectured: their heading, up to the next heading of the same or a higher level
# (and an exercise's "Testing ..." part: its test cells and their helpers)
_SKIP_SECTION = re.compile(r"optional|^setup\b|colab|check your machine|^testing\b", re.I)
_TESTS_FOLLOW = re.compile(r"\btest cells? follows?\b", re.I)
_POINTS = re.compile(r"\s*\(\d+(?:\.\d+)?\s+points?\)", re.I)

_MARKER = re.compile(r"^\s*#\s*NBVAL_\w+")
_WHY = re.compile(r"^\s*#\s*\(why\b")
_BEGIN = re.compile(r"^(\s*)#+\s*BEGIN (SOLUTION|HIDDEN TESTS|TESTS|HIDDEN)\b")
_END = re.compile(r"^\s*#+\s*END (SOLUTION|HIDDEN TESTS|TESTS|HIDDEN)\b")
_BARE_ASSERT = re.compile(r"^\s*assert\b")
_TABLE_RULE = re.compile(r"^\s*\|[\s:|-]+\|\s*$")


def _is_check(node) -> bool:
    """An assert (or ``raise AssertionError``), or a loop/if/with whose body is nothing but such checks."""
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Raise) and node.exc is not None:  # raise AssertionError(...)
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        return isinstance(exc, ast.Name) and exc.id == "AssertionError"
    if isinstance(node, (ast.For, ast.While, ast.If, ast.With)):
        return all(_is_check(n) for n in node.body) and all(_is_check(n) for n in getattr(node, "orelse", []))
    return False


def _check_lines(source: str) -> set[int]:
    """0-based numbers of the lines that belong to assert statements (and blocks of nothing else)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax: the lines that start with assert, and their continuations
        lines, depth, found = source.split("\n"), 0, set()
        for i, line in enumerate(lines):
            if depth > 0 or _BARE_ASSERT.match(line):
                found.add(i)
                depth = max(0, depth + sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}"))
                if line.rstrip().endswith("\\"):
                    depth = max(depth, 1)
        return found
    found = set()

    def visit(body):
        for node in body:
            if _is_check(node):
                found.update(range(node.lineno - 1, node.end_lineno))
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    child = getattr(node, field, None)
                    if isinstance(child, list):
                        visit(child)

    visit(tree.body)
    return found


def strip_code(source: str) -> tuple[str, bool]:
    """The code a slide shows: without asserts, nbval markers (and their "why" comment), hidden
    tests and exercise solutions (replaced by a placeholder). Returns (code, had_solution)."""
    lines = source.split("\n")
    keep, solution, block = [], False, None
    drop = _check_lines(source)
    after_marker = False
    for i, line in enumerate(lines):
        if block is not None:
            if _END.match(line):
                block = None
            continue
        begin = _BEGIN.match(line)
        if begin:
            block = begin.group(2)
            if block == "SOLUTION":
                solution = True
                keep.append(f"{begin.group(1)}...  # your code here")
            continue
        if _END.match(line) or i in drop:
            continue
        if _MARKER.match(line):
            after_marker = True
            continue
        if after_marker and line.lstrip().startswith("#"):
            if _WHY.match(line) or (keep and keep[-1] is None):
                keep.append(None)  # the explanation for nbval, and its continuation lines
                continue
        after_marker = False
        keep.append(line)
    text = "\n".join(line for line in keep if line is not None)
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text).strip("\n")
    return text, solution


def _plain(markdown: str) -> str:
    """Markdown as plain text, for alt text and titles."""
    text = re.sub(r"\$\$?(.*?)\$\$?", r"\1", markdown, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[`*_#>]|<[^>]+>", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _mask(text: str) -> str:
    """``text`` with maths and code spans blanked (same length), so that a split ignores them."""
    return re.sub(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`", lambda m: "x" * len(m.group()), text, flags=re.S)


_NOT_AN_END = re.compile(r"(\b(e\.g|i\.e|cf|vs|etc|Fig|approx|al|Eq|Sec|No|Dr|Mr|Ms|Prof|p|pp)|(^|[\s(])[A-Z]|^\d+)\.$")


def first_sentence(text: str, sentences: int = 1) -> str:
    """The first sentence of ``text`` (two if the first is a question). An initial ("E.") or an
    abbreviation ("e.g.", "et al.", "vs.") does not end a sentence."""
    masked = _mask(text)
    for m in re.finditer(r"[.!?][\"*]*(?=\s+[A-Z*(\[`$])", masked):  # a closing quote or * goes with it
        if _NOT_AN_END.search(masked[: m.end()]):
            continue
        before = masked[: m.end()]
        if before.replace("**", "").count("*") % 2 or before.count('"') % 2:
            continue  # inside *an italic quotation* or "a quoted sentence": it ends where the quote does
        if m.group()[0] == "?" or sentences > 1:
            if sentences > 1 and m.group()[0] != "?":
                return text[: m.end()]
            sentences = 2
            continue
        return text[: m.end()]
    return text


def _prose_lines(text: str, width: int = CHARS_PER_PROSE_LINE) -> float:
    """Lines that a paragraph of ``text`` takes on a slide (in code lines)."""
    plain = re.sub(r"\$([^$]*)\$", lambda m: "x" * max(1, len(m.group(1)) // 2), text)
    plain = re.sub(r"\]\([^)]*\)", "]", plain).replace("**", "").replace("`", "")
    inline_fraction = 0.3 if re.search(r"\$[^$]*\\(frac|sum|prod|hat|tilde|partial)", text) else 0.0
    lines = max(1, -(-len(" ".join(plain.split())) // width))
    return lines * (PROSE_LINE + inline_fraction)


def _math_lines(tex: str) -> float:
    rows = tex.count("\\\\") + 1
    tall = 0.8 if re.search(r"\\(frac|sum|prod|begin\{pmatrix|begin\{bmatrix|underbrace|overbrace)", tex) else 0.0
    matrix = 1.0 * tex.count("\\begin{pmatrix}") + 1.0 * tex.count("\\begin{bmatrix}")
    return 1.0 + rows * (1.45 + tall) + matrix


def markdown_blocks(text: str) -> list[tuple[str, str]]:
    """Split markdown into (kind, text) blocks: heading, math, code, table, html, list, para."""
    lines, blocks, i = text.split("\n"), [], 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped:
            i += 1
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(stripped[:3]):
                j += 1
            blocks.append(("code", "\n".join(lines[i : j + 1])))
            i = j + 1
        elif stripped.startswith("$$"):
            j = i
            if not (len(stripped) > 2 and stripped.endswith("$$")):
                j = i + 1
                while j < len(lines) and "$$" not in lines[j]:
                    j += 1
            blocks.append(("math", "\n".join(lines[i : j + 1])))
            i = j + 1
        elif re.match(r"#{1,6}\s", stripped):
            blocks.append(("heading", stripped))
            i += 1
        elif stripped.startswith("|"):
            j = i
            while j < len(lines) and lines[j].strip().startswith("|"):
                j += 1
            blocks.append(("table", "\n".join(lines[i:j])))
            i = j
        elif stripped.lower().startswith("<details"):
            j = i
            while j < len(lines) and "</details>" not in lines[j].lower():
                j += 1
            blocks.append(("details", "\n".join(lines[i : j + 1])))
            i = j + 1
        elif re.match(r"([-*+]|\d+[.)])\s", stripped):
            j = i + 1
            while j < len(lines):
                s = lines[j]
                if s.strip() and not s.startswith((" ", "\t")) and not re.match(r"([-*+]|\d+[.)])\s", s.strip()):
                    break
                if not s.strip():  # a blank line ends the list unless an item or an indented line follows
                    k = j
                    while k < len(lines) and not lines[k].strip():
                        k += 1
                    if k >= len(lines) or not (
                        lines[k].startswith((" ", "\t")) or re.match(r"([-*+]|\d+[.)])\s", lines[k].strip())
                    ):
                        break
                j += 1
            blocks.append(("list", "\n".join(lines[i:j]).rstrip()))
            i = j
        else:
            j = i + 1
            while j < len(lines):
                s = lines[j].strip()
                if not s or s.startswith(("```", "$$", "|", "<details")) or re.match(r"#{1,6}\s", s):
                    break
                j += 1
            blocks.append(("para", "\n".join(lines[i:j])))
            i = j
    return blocks


def _split_table(text: str) -> list[str]:
    """A markdown table too tall for a slide, as tables of fewer rows (each with the header)."""
    rows = text.split("\n")
    header = rows[:2] if len(rows) > 1 and _TABLE_RULE.match(rows[1]) else rows[:1]
    parts, current = [], []
    for row in rows[len(header) :]:
        if current and _table_height(header + current + [row]) > BUDGET - 4:
            parts.append("\n".join(header + current))
            current = []
        current.append(row)
    parts.append("\n".join(header + current))
    if len(parts) > 1:  # rows shared out evenly: never one row alone on a slide
        body = rows[len(header) :]
        each = -(-len(body) // len(parts))
        parts = ["\n".join(header + body[k : k + each]) for k in range(0, len(body), each)]
    return parts


def _list_items(text: str) -> list[str]:
    items, current = [], []
    for line in text.split("\n"):
        if re.match(r"([-*+]|\d+[.)])\s", line) and current:
            items.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        items.append("\n".join(current))
    return items


def _table_height(rows: list[str]) -> float:
    """Height of a markdown table: each row as tall as its most wrapped cell (20 px type)."""
    cells = [[_plain(c) for c in r.strip().strip("|").split("|")] for r in rows if not _TABLE_RULE.match(r)]
    if not cells:
        return 0.0
    columns = max(len(r) for r in cells)
    widest = [max((len(r[i]) for r in cells if i < len(r)), default=1) or 1 for i in range(columns)]
    share = [w / sum(widest) for w in widest]
    height = 0.6
    for row in cells:
        lines = max(-(-len(c) // max(8, int(TABLE_CHARS * share[i]))) for i, c in enumerate(row)) or 1
        height += 0.35 + 1.0 * lines
    return height


def _sentences(text: str) -> list[str]:
    out = []
    while text:
        first = first_sentence(text)
        out.append(first)
        text = text[len(first) :].strip()
    return out


_ASSERTED = re.compile(r"\bassert(s|ed|ing)?\b", re.I)
# Sentences for the student at a keyboard (or the grader), not for the room: they stay in the notes.
_KEYBOARD = re.compile(
    r"\bthe (code )?cells? (below|above|ends|starts)\b|\b(running|runs|gives) your function\b|\bgrader\b"
    r"|\byour function (is|are) (also )?(run|tested)\b|\bis tested on\b"
    r"|\brun (it|this|them|the cells?|everything|all)\b|^run\b|shift[- ]?enter"
    r"|\bfill in\b|\b(BEGIN|END) SOLUTION\b|\bnbgrader\b|\bhidden tests?\b|\(\d+(\.\d+)? points?\)"
    r"|\btest cells?\b|\brunning kernel\b|\btime\W+about \d+ minutes|\bon your own\b"
    # what the checks of the notebook test, and how long it runs
    r"|\b(the|these|its|their) (assertions|checks|tests)\b|\b(assertions|checks|tests) (below|above)\b"
    r"|^\W*prerequisites?\b|\b(runs?|takes) (in )?(about|under|less than) \d+ (s|seconds?|minutes?)\b"
    # a widget addressed to the viewer: in a deck it does not answer
    r"|\b(move|drag|press|pick|click|choose|type|upload)\b[^.]{0,40}\b(slider|button|menu|dropdown|box)\b"
    r"|\bthe (slider|button|menu|dropdown)s? (below|above)\b|\bpress the button\b",
    re.I,
)


def _for_the_room(sentence: str) -> bool:
    """False for a sentence about asserts or addressed to someone at the keyboard."""
    masked = _mask(sentence)
    return not (_ASSERTED.search(masked) or _ASSERTED.search(sentence) or _KEYBOARD.search(masked))


# "Expected: ..." tells the student at the keyboard what the next cell prints: from there to the
# end of its paragraph it is for the notes
_EXPECTED = re.compile(r"\**\bExpected\b\**(?:\s*\([^)]{0,80}\)|,\**\s*[^:.]{0,40})?\**\s*:\s*\**")


def _without_asserts(body: str) -> str:
    """A paragraph without its sentences about what is asserted or addressed to the student at
    the keyboard, and without its "Expected: ..." (they stay in the notes)."""
    found = _EXPECTED.search(_mask(body))
    if found:
        body = body[: found.start()].rstrip()
    if _for_the_room(body):
        return body
    return " ".join(s for s in _sentences(body) if _for_the_room(s))


def _whole_sentences(body: str, limit: int = SHORT_PARAGRAPH) -> str:
    """The start of a paragraph for a slide, in whole sentences (never cut inside one): the first
    sentence, and more while they fit in ``limit`` characters; a question keeps its answer, and a
    sentence that announces something (ends with a colon) or is very short keeps the next one."""
    sentences = _sentences(body)
    shown = sentences[:1]
    for sentence in sentences[1:]:
        so_far = _plain(" ".join(shown))
        last = shown[-1].rstrip()
        if last.endswith((":", "?")) or len(so_far) < 60 or len(so_far) + len(_plain(sentence)) <= limit:
            shown.append(sentence)
        else:
            break
    return " ".join(shown)


def shorten_block(kind: str, text: str, cut_ok: bool = True) -> tuple[str, float, bool]:
    """(what the slide shows of a block, its height in code lines, whether anything was left out);
    ``cut_ok=False`` keeps the prose whole (a reading list). Shortened prose keeps whole
    sentences (no "…": the speaker notes have the whole text)."""
    if kind == "heading":
        level = len(text) - len(text.lstrip("#"))
        text = _POINTS.sub("", text)
        chars = len(_plain(text))
        return text, HEADING[level] * max(1, -(-chars // (60 if level <= 2 else 70))), False
    if kind == "math":
        return text, _math_lines(text), False
    if kind == "code":
        body = text.split("\n")[1:-1]
        return text, 0.6 + sum(max(1, -(-len(line) // CHARS_PER_OUTPUT_LINE)) for line in body), False
    if kind == "table":
        return text, _table_height(text.split("\n")), False
    if kind == "details":  # answers to questions: the speaker's, not the screen's
        return "", 0.0, True
    if kind == "list":
        shown, height, cut = [], 0.3, False
        for item in _list_items(text):
            body = _POINTS.sub("", " ".join(item.split()))
            short = _without_asserts(body)
            if short != body:
                body, cut = short, True
                if not re.match(r"([-*+]|\d+[.)])\s+\S", body):
                    continue
            if cut_ok and len(_plain(body)) > SHORT_PARAGRAPH:
                short = _whole_sentences(body)
                if len(short) < len(body):
                    body, cut = short, True
            marker = re.match(r"\s*([-*+]|\d+[.)])\s", item).group()
            body = body[len(marker.strip()) :].strip() if body.startswith(marker.strip()) else body
            shown.append(marker.rstrip() + " " + body)
            height += _prose_lines(body, CHARS_PER_PROSE_LINE - 4) + 0.1
            if "$$" in body:
                height += 1.5
        if not shown:
            return "", 0.0, True
        return "\n".join(shown), height, cut
    body = " ".join(text.split())
    short = _POINTS.sub("", _without_asserts(body))
    cut = short != body
    body = short
    if not body:
        return "", 0.0, True
    if cut_ok and len(_plain(body)) > SHORT_PARAGRAPH:
        short = _whole_sentences(body)
        if len(short) < len(body):
            body, cut = short, True
    return body, _prose_lines(body) + 0.3, cut


def _png_size(data: str) -> tuple[int, int]:
    raw = base64.b64decode(data[:64])
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        return 640, 480
    return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")


_TITLE = re.compile(r"""(?:\.(?:set_title|suptitle|title)\(\s*|\btitle=)r?f?r?(["'])(.+?)\1""")


def figure_alt(source: str, heading: str, context: str) -> str:
    """Alt text for a figure: its title in the code that drew it, else the slide's heading and
    the first sentence of the markdown above it."""
    titles = [re.sub(r"\{[^{}]*\}", "…", m.group(2)).replace("$", "") for m in _TITLE.finditer(source)]
    if titles:
        return "Figure: " + "; ".join(dict.fromkeys(titles))
    sentence = _plain(first_sentence(" ".join(context.split()))) if context else ""
    alt = "Figure" + (f" for “{heading}”" if heading else "") + (f": {sentence}" if sentence else "")
    return alt if len(alt) <= 300 else alt[:297] + "…"


def _text_lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def _text_height(lines: list[str], width: int = CHARS_PER_OUTPUT_LINE) -> float:
    return 0.5 + sum(max(1, -(-len(line.expandtabs()) // width)) for line in lines)


_MONOSPACE = re.compile(r"font-family:\s*monospace;\s*font-size:\s*(\d+)px;\s*line-height:\s*([\d.]+)")


def _monospace_height(html_text: str) -> float | None:
    """Height of an HTML output of lines of monospace text (characters coloured one by one, each
    line a ``<div>`` or ending in ``<br>``), from its font size and line height; None for others."""
    found = _MONOSPACE.search(html_text[:300])
    if not found or "<tr" in html_text:
        return None
    size, leading = float(found.group(1)), float(found.group(2))
    per_row = int(MAX_WIDTH_PX / (0.61 * size))
    text = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>|</div>", "\n", html_text, flags=re.I)))
    rows = sum(max(1, -(-len(line) // per_row)) for line in text.split("\n") if line.strip())
    gaps = sum(int(x) for x in re.findall(r"(?:height|margin-bottom|margin-top):\s*(\d+)px", html_text))
    return 0.6 + (rows * size * leading + gaps) / LINE_PX


def _html_height(html_text: str) -> float:
    """Height of an HTML output: table rows as tall as their tallest cell, lines of monospace
    text by their font, other text as prose."""
    mono = _monospace_height(html_text)
    if mono is not None:
        return mono
    height = 0.8
    for row in re.findall(r"<tr\b.*?</tr>", html_text, re.S | re.I):
        cells = re.findall(r"<t[dh]\b.*?</t[dh]>", row, re.S | re.I) or [row]
        columns = max(1, len(cells))
        tallest = 1.0
        for cell in cells:
            text = re.sub(r"<br\s*/?>|</p>|</div>|</li>", "\n", cell, flags=re.I)
            text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip("\n")
            width = max(8, CHARS_PER_OUTPUT_LINE // columns)
            lines = sum(max(1, -(-len(line) // width)) for line in text.split("\n"))
            if re.search(r"<(h\d|b|strong)\b", cell) and "<pre" in cell:
                lines += 1.5
            tallest = max(tallest, lines)
        height += 0.6 + tallest * 0.95
    rest = re.sub(r"<tr\b.*?</tr>", "", html_text, flags=re.S | re.I)
    breaks = len(re.findall(r"<br\b|<p\b|<div\b|<li\b|<h\d\b", rest, re.I))
    text = html.unescape(re.sub(r"<[^>]+>", " ", rest))
    return height + breaks * 0.6 + PROSE_LINE * (len(" ".join(text.split())) / CHARS_PER_PROSE_LINE)


HTML_ZOOM = 0.8  # an HTML output too tall for a slide is shown down to this size, else split


def _split_monospace(out: dict, text: str) -> list:
    """Lines of coloured monospace characters (one ``<div>`` of rows, groups of rows between
    spacer ``<div style="height:..">``) too tall for a slide at HTML_TEXT_PX: the groups shared
    out over slides, each part under the first row (the legend)."""
    size = float(_MONOSPACE.search(text[:300]).group(1))
    zoom = max(1.0, HTML_TEXT_PX / size)
    if _html_height(text) * zoom <= BUDGET - 4:
        return [out]
    tops, depth, start = [], 0, None
    for m in re.finditer(r"<(/?)div\b[^>]*>", text):
        if m.group(1):
            depth -= 1
            if depth == 1:
                tops.append((start, m.end()))
        else:
            if depth == 1:
                start = m.start()
            depth += 1
    if len(tops) < 4 or depth != 0:
        return [out]
    head, tail = text[: tops[0][0]], text[tops[-1][1] :]
    legend, rows = text[slice(*tops[0])], [text[a:b] for a, b in tops[1:]]
    groups, current = [], []
    for row in rows:
        current.append(row)
        if re.match(r'<div style="height:\s*\d+px">', row):
            groups.append("".join(current))
            current = []
    if current:
        groups.append("".join(current))
    for parts in range(2, min(4, len(groups)) + 1):
        each = -(-len(groups) // parts)
        pieces = [head + legend + "".join(groups[k : k + each]) + tail for k in range(0, len(groups), each)]
        if all(_html_height(piece) * zoom <= BUDGET - 4 for piece in pieces):
            found = []
            for piece in pieces:
                part = copy.deepcopy(out)
                part["data"]["text/html"] = piece
                found.append(part)
            return found
    return [out]


def _split_html(out: dict) -> list:
    """An HTML table too tall for a slide even at HTML_ZOOM, as tables of fewer rows (rows
    shared out evenly, each part a slide's worth at most); any other output as it is."""
    text = "".join(out.get("data", {}).get("text/html", "")) if "image/png" not in out.get("data", {}) else ""
    if text and _WIDGET not in out.get("data", {}) and _MONOSPACE.search(text[:300]):
        return _split_monospace(out, text)
    if not text or _WIDGET in out.get("data", {}) or _html_height(text) * HTML_ZOOM <= BUDGET - 3:
        return [out]
    rows = [m.span() for m in re.finditer(r"<tr\b.*?</tr>", text, re.S | re.I)]
    if len(rows) < 2 or text.lower().count("<table") != 1:
        return [out]
    head, tail = text[: rows[0][0]], text[rows[-1][1] :]
    parts = 1
    while parts < len(rows):
        parts += 1
        each = -(-len(rows) // parts)
        pieces = [head + "".join(text[a:b] for a, b in rows[k : k + each]) + tail for k in range(0, len(rows), each)]
        if all(_html_height(p) * HTML_ZOOM <= BUDGET - 3 for p in pieces):
            break
    each = -(-len(rows) // parts)
    found = []
    for k in range(0, len(rows), each):
        part = copy.deepcopy(out)
        part["data"]["text/html"] = head + "".join(text[a:b] for a, b in rows[k : k + each]) + tail
        found.append(part)
    return found


def _split_code(code: str, limit: int) -> list[str]:
    """Code too long for one slide, in pieces of at most ``limit`` lines (at blank lines if possible)."""
    lines = code.split("\n")
    pieces = ["\n".join(lines[a:b]).strip("\n") for a, b in _split_ranges(lines, limit)]
    return [p for p in pieces if p]


def _split_ranges(lines: list[str], limit: int, floor: int | None = None) -> list[tuple[int, int]]:
    """The (first, end) line numbers of the pieces of _split_code(). With ``floor`` (see
    _print_floor()) cut only above it, unless that leaves a piece longer than the cuts below it would."""
    anywhere = _ranges(lines, limit, _safe_cuts(lines))
    if floor is None:
        return anywhere
    kept = _ranges(lines, limit, [i for i in _safe_cuts(lines) if i <= floor])
    longest = max(limit, *(b - a for a, b in anywhere))
    return kept if all(b - a <= longest for a, b in kept) else anywhere


def _ranges(lines: list[str], limit: int, safe: list[int]) -> list[tuple[int, int]]:
    pieces = []
    start = 0
    while len(lines) - start > limit:
        # a blank line before a top-level statement, else any top-level statement; a block longer
        # than a slide stays whole (it is shown smaller)
        window = [i for i in safe if start + 1 <= i <= start + limit]
        blank = [i for i in window if not lines[i - 1].strip() and i - start >= limit // 2]
        later = [i for i in safe if i > start + limit]
        cut = max(blank) if blank else max(window) if window else (min(later) if later else len(lines))
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(lines)))
    return pieces


_CONTINUES = re.compile(r"(else|elif|except|finally)\b|[)\]}]")


def _safe_cuts(lines: list[str]) -> list[int]:
    """Line numbers where code may be cut: the start of a top-level statement (outside any
    block or bracket), not an ``else:`` or a closing bracket."""
    try:
        tree = ast.parse("\n".join(lines))
        starts = {min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", []))]) - 1 for n in tree.body}
    except SyntaxError:
        starts, depth = set(), 0
        for i, line in enumerate(lines):
            if depth == 0 and line.strip() and not line[0].isspace():
                starts.add(i)
            depth = max(0, depth + sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}"))
    starts = {_with_comments(lines, i) for i in starts if i < len(lines) and not _CONTINUES.match(lines[i])}
    return sorted(i for i in starts if 0 < i < len(lines))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _with_comments(lines: list[str], i: int) -> int:
    """Where a cut before the statement at line ``i`` goes: above the comment lines directly over
    it (a comment followed by a statement is about that statement; wrap_code() puts an end-of-line
    comment too long for its line there), but not above a comment indented deeper than the
    statement: that one continues the statement above it."""
    while i > 0 and lines[i - 1].lstrip().startswith("#") and _indent(lines[i - 1]) <= _indent(lines[i]):
        i -= 1
    return i


_PRINTS = re.compile(r"\b(print|display)\(")


def _print_floor(code: str) -> int | None:
    """The line below which code with a printout may not be cut: the start (with its comments) of
    its first top-level statement that prints (calls print() or display() anywhere in it; a
    definition prints nothing), so that every statement that prints is on the last piece, the one
    the printout is under. None when no statement prints (or the code does not parse)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    lines = code.split("\n")
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if _PRINTS.search("\n".join(lines[node.lineno - 1 : node.end_lineno])):
            return _with_comments(lines, node.lineno - 1)
    return None


def _atoms(code: str):
    """The tokens of ``code`` per physical line, an f-string (Python 3.12 splits it) as one token;
    None if ``code`` does not tokenize (IPython syntax): then it is left as it is."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    atoms, fstring, frozen = [], [], set()
    start_kind = getattr(tokenize, "FSTRING_START", None)
    end_kind = getattr(tokenize, "FSTRING_END", None)
    for tok in tokens:
        if start_kind is not None and tok.type == start_kind:
            fstring.append(tok)
            continue
        if fstring:
            if tok.type == end_kind:
                first = fstring.pop()
                if not fstring:  # its text, so that "" is never taken for a bracket ("" in "([{")
                    text = _span(code, first.start, tok.end)
                    tok = tokenize.TokenInfo(tokenize.STRING, text, first.start, tok.end, tok.line)
                else:
                    continue
            else:
                continue
        if tok.start[0] != tok.end[0]:
            frozen.update(range(tok.start[0], tok.end[0] + 1))  # a string over several lines
        atoms.append(tok)
    return atoms, frozen


def _span(code: str, start: tuple[int, int], end: tuple[int, int]) -> str:
    """The text of ``code`` from (row, column) ``start`` to ``end`` (rows from 1)."""
    lines = code.split("\n")[start[0] - 1 : end[0]]
    if len(lines) == 1:
        return lines[0][start[1] : end[1]]
    return "\n".join([lines[0][start[1] :], *lines[1:-1], lines[-1][: end[1]]])


def _docstring_lines(code: str) -> dict[int, int]:
    """The docstrings of ``code`` (module, class, function): first line -> last line (from 1)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    found = {}
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found[first.lineno] = first.end_lineno
    return found


_ITEM = re.compile(r"([-*+]|\d+[.)])\s|[\w.\[\]]+( \([^)]*\))?:\s")


def _reflow_docstring(lines: list[str], width: int) -> list[str]:
    """A docstring's lines with those longer than ``width`` wrapped at a word, at their indent; the
    words that wrap go on at the start of the next line of the same paragraph (not a blank line,
    the closing quotes alone, or an item such as "name: ..." or "- ...")."""
    out, carry = [], ""
    for k, line in enumerate(lines):
        indent = line[: len(line) - len(line.lstrip())]
        if carry:
            line = indent + carry + " " + line.lstrip()
            carry = ""
        pieces = _wrap_words(line, width, "")
        after = lines[k + 1] if k + 1 < len(lines) else ""
        after_indent = len(after) - len(after.lstrip())
        joins = (
            len(pieces) > 1
            and after.strip()
            and after.strip() not in ('"""', "'''")
            and not _ITEM.match(after.strip())
            and after_indent == len(indent)
            and len(pieces[-1].strip()) < width // 2
        )
        if joins:
            carry = pieces.pop().strip()
        out.extend(pieces)
    return out


_LITERAL = re.compile(r"([A-Za-z]{0,2})(['\"])")


def string_seams(text: str) -> tuple[str, list[int]] | None:
    """Where a one-line string literal ``text`` may be split into two adjacent literals (Python
    joins them: ``f"a {x} " f"b"`` is ``f"a {x} b"``): (its prefix and quote, the offsets in
    ``text`` each next piece starts at). A piece starts after the last of a run of spaces outside
    any replacement field of an f-string (``{x:>{w}}``, ``{d['k']!r}``; ``{{`` is a brace), or
    between two fields, and
    outside an escape or ``\\N{...}``; None for a triple-quoted string or one that is not closed."""
    m = _LITERAL.match(text)
    if not m:
        return None
    prefix, quote = m.groups()
    if text[m.start(2) : m.start(2) + 3] == quote * 3 or len(text) < m.end() + 1 or not text.endswith(quote):
        return None
    kinds = prefix.lower()
    fmt, raw = "f" in kinds, "r" in kinds
    i, end, depth, inner, seams = m.end(), len(text) - 1, 0, None, []
    while i < end:
        c = text[i]
        if depth:
            if inner:
                if c == "\\":
                    i += 1
                elif c == inner:
                    inner = None
            elif c in "'\"":
                inner = c
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if not depth and text.startswith("{", i + 1) and not text.startswith("{{", i + 1):
                    seams.append(i + 1)  # between two fields: "{a}" "{b}"
            i += 1
            continue
        if c == "\\":
            if not raw and text.startswith("N{", i + 1):
                close = text.find("}", i)
                i = close + 1 if close > 0 else end
            else:
                i += 2
            continue
        if fmt and c in "{}":
            if text.startswith(c * 2, i):
                i += 2
                continue
            if c == "{":
                depth += 1
            elif text[i + 1] == "{" and not text.startswith("{{", i + 1):
                seams.append(i + 1)  # between two fields: "{a}" "{b}"
        elif c == " " and i + 1 < end and text[i + 1] != " ":
            seams.append(i + 1)
        i += 1
    if depth or i > end:
        return None
    return prefix + quote, seams


_OPEN, _CLOSE = "([{", ")]}"


def wrap_code(code: str, width: int = 70) -> str:
    """Code with its lines longer than ``width`` broken where Python allows it and a reader
    expects it: only between tokens, after a comma or an opening bracket, inside brackets; the
    next line goes under the bracket (visual indent) or, after the bracket itself, one indent
    deeper (hanging indent). Never inside a string literal or at an operator, never back at
    column 0. A trailing comment goes above its line, a long comment wraps at a word. A line that
    cannot be broken so is left whole (wide_code() then sets its block smaller)."""
    found = _atoms(code)
    if found is None:
        return code
    atoms, frozen = found
    docs = _docstring_lines(code)
    rows: dict[int, list] = {}
    for tok in atoms:
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            rows.setdefault(tok.start[0], []).append(tok)
    out, stack = [], []  # stack: per open bracket, [column of its items, indent of its line] in the output
    skip: set[int] = set()  # the lines of a docstring re-wrapped already
    for number, line in enumerate(code.split("\n"), start=1):
        toks = [(t.start[1], t.end[1], t.string) for t in rows.get(number, [])]
        if number in docs:  # a docstring with a long line: re-wrapped at words, at the same indent
            body = code.split("\n")[number - 1 : docs[number]]
            if any(len(x) > width for x in body):
                skip = set(range(number + 1, docs[number] + 1))
                out.extend(_reflow_docstring(body, width))
                continue
        if number in skip:
            continue
        if number in frozen:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip())
        changed = False
        if stack and stack[-1][0] is not None and toks:  # the bracket this line continues has moved
            to = stack[-1][1] if toks[0][2] in _CLOSE else stack[-1][0]
            toks = [(a + to - indent, b + to - indent, text) for a, b, text in toks]
            line, indent, changed = " " * to + line.lstrip(), to, True
        segs = [(indent, indent)]
        if len(line) > width and toks and rows[number][-1].type == tokenize.COMMENT:
            if len(toks) == 1:
                out.extend(_wrap_words(line, width))
                continue
            out.extend(_wrap_words(" " * indent + toks[-1][2], width))
            line, toks = line[: toks[-1][0]].rstrip(), toks[:-1]
        if len(line) > width and toks:
            lines, segs = _break_line(line, toks, indent, width, len(stack))
            if not stack:
                found = _bracketed(line, toks, indent)  # a, b = x, y  ->  a, b = (x, y): then broken
                if found is not None and (len(lines) == 1 or found[2]):
                    paren_lines, paren_segs = _break_line(found[0], found[1], indent, width)
                    if len(paren_lines) > 1:
                        line, toks, lines, segs = found[0], found[1], paren_lines, paren_segs
            changed |= len(lines) > 1
            out.extend(lines)
        else:
            out.append(line)
        for k, (start, _end, text) in enumerate(toks):
            if text in _OPEN:
                seg = max((sg for sg in segs if sg[0] <= start), default=segs[0])
                if not changed:
                    stack.append([None, indent])
                elif k + 1 == len(toks) or any(sg[0] == toks[k + 1][0] for sg in segs):
                    stack.append([seg[1] + 4, seg[1]])  # nothing after it on its line
                else:
                    stack.append([seg[1] + start - seg[0] + 1, seg[1]])  # under its first item
            elif text in _CLOSE and stack:
                stack.pop()
    return "\n".join(out)


_ASSIGN = {"=", "+=", "-=", "*=", "/=", "//=", "%=", "@=", "&=", "|=", "^=", ">>=", "<<=", "**="}


def _bracketed(line: str, toks: list, indent: int) -> tuple[str, list, bool] | None:
    """A whole assignment statement on one line with its value in brackets (which Python allows
    and which lets it be broken): the new line, its tokens, whether the value is a tuple; None if
    it is not one."""
    depth, at, pair = 0, None, False
    for k, (_start, _end, text) in enumerate(toks):
        if text in _OPEN:
            depth += 1
        elif text in _CLOSE:
            depth -= 1
        elif text in _ASSIGN and depth == 0:
            at, pair = k, False
        elif text == "," and depth == 0:
            pair = True
        elif text in (";", "\\", "lambda", "yield") or text.startswith("#"):
            return None
    if depth != 0 or at is None or at + 1 >= len(toks):
        return None
    new = line[: toks[at][1]] + " (" + line[toks[at + 1][0] :].rstrip() + ")"
    found = _atoms(new.lstrip())
    if found is None or found[1]:
        return None
    skip = (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    return new, [(t.start[1] + indent, t.end[1] + indent, t.string) for t in found[0] if t.type not in skip], pair


def _subscript(toks: list, k: int) -> bool:
    """Whether the bracket toks[k] opens a subscript (``[`` right after a name or a closing bracket)."""
    if toks[k][2] != "[" or k == 0:
        return False
    before = toks[k - 1]
    return before[1] == toks[k][0] and (before[2] in ")]" or before[2].isidentifier())


def _break_line(line: str, toks: list, indent: int, width: int, outer: int = 0) -> tuple[list[str], list]:
    """One physical line broken between its tokens ((start, end, text) columns), greedily: each
    output line takes the break at the shallowest bracket depth (then the rightmost) that fits.
    A string literal inside brackets may be split at a space into adjacent literals with the same
    prefix (string_seams()), the next one under the first. Returns the lines and, per line, (the
    column in ``line`` its first character would have, its indent)."""
    # every place a line may be broken: after a comma or an opening bracket, before the for (or
    # if) of a comprehension, inside brackets, not before a closing bracket; or inside a string
    # literal inside brackets
    cands = []  # (index of the token before the break, depth inside, bracket token index, kind, seam column)
    stack = []
    literals = {}  # token index -> the prefix and quote of the string literal it is
    fors = set()  # brackets that hold a comprehension
    for k, (start, end, text) in enumerate(toks):
        if text in _OPEN:
            stack.append(k)
        elif text in _CLOSE:
            if stack:
                stack.pop()
        if any(_subscript(toks, b) for b in stack):  # never inside a subscript: runs[None], a[i, j]
            continue
        seams = string_seams(line[start:end]) if (stack or outer) and line[start:end][-1:] in "'\"" else None
        if seams:
            literals[k] = seams[0]
            for at in seams[1]:
                if end - (start + at) >= 7:  # no stub of a word and its quote on a line
                    cands.append((k, outer + len(stack), None, "seam", start + at))
        if text == "for" and stack:
            fors.add(stack[-1])
        if k + 1 >= len(toks) or toks[k + 1][2] in _CLOSE:
            continue
        if stack and (toks[k + 1][2] == "for" or (toks[k + 1][2] == "if" and stack[-1] in fors)):
            cands.append((k, outer + len(stack), stack[-1], "comma", None))  # before a comprehension's for/if
        if text in _OPEN:
            cands.append((k, outer + len(stack), stack[-1], "open", None))
        elif text == "," and (stack or outer):  # outer: brackets opened on the lines before
            cands.append((k, outer + len(stack), stack[-1] if stack else None, "comma", None))
    lines, segs, start, cur_indent = [], [], toks[0][0], indent
    lead = ""  # what the output line has before line[start:]: the prefix and quote of a split string
    hang: dict[int, int] = {}  # bracket (or string) token -> the column its continuation lines start at
    while True:
        rest = lead + line[start:].rstrip()
        if cur_indent + len(rest) <= width:
            break
        best = None
        for k, depth, bracket, kind, at in cands:
            if kind == "seam":
                if at <= start:
                    continue
                head = cur_indent + len(lead) + at - start + 1  # and the closing quote
                if head > width or len(lead) + at - start < 8:
                    continue
                if k in hang:
                    to = hang[k]
                elif toks[k][0] >= start:
                    to = cur_indent + len(lead) + toks[k][0] - start  # the pieces one under the other
                    if to > width * 0.55:
                        continue
                else:
                    continue
            else:
                if toks[k][0] < start:
                    continue
                head = cur_indent + len(lead) + toks[k][1] - start
                if head > width or len(lead) + toks[k][1] - start < 4 or len(line) - toks[k + 1][0] < 8:
                    continue
                if kind == "open":
                    to = cur_indent + 4
                elif bracket is None:
                    to = indent  # the items of a bracket opened on an earlier line start at its indent
                elif bracket in hang:
                    to = hang[bracket]
                elif toks[bracket][0] >= start:
                    to = cur_indent + len(lead) + toks[bracket][1] - start  # under the bracket's first item
                    if to > width * 0.55:
                        continue
                else:
                    to = cur_indent  # a bracket opened on an earlier line: its items start here
            if best is None or (depth, -head) < (best[1], -best[2]):
                best = (k, depth, head, to, kind, bracket, at)
        if best is None:
            break
        k, _depth, _head, to, kind, bracket, at = best
        segs.append((start - len(lead), cur_indent))
        if kind == "seam":  # the space stays at the end of the first piece
            hang.setdefault(k, to)
            lines.append(" " * cur_indent + lead + line[start:at] + literals[k][-1])
            lead, start, cur_indent = literals[k], at, to
            continue
        if kind == "open":
            hang[k] = to
        else:
            hang.setdefault(bracket, to)
        lines.append(" " * cur_indent + lead + line[start : toks[k][1]].rstrip())
        lead, start, cur_indent = "", toks[k + 1][0], to
    lines.append(" " * cur_indent + lead + line[start:].rstrip())
    segs.append((start - len(lead), cur_indent))
    if any(len(x) > width for x in lines) or not lines[0].strip():
        return [line], [(indent, indent)]  # no valid break fits: the line stays whole
    return lines, segs


def _wrap_words(line: str, width: int, mark: str = "# ") -> list[str]:
    """A comment line too long for the slide, wrapped at a word (each piece a comment); with
    ``mark=""`` a line of a docstring (each piece at its indent). The last piece is never a stub."""
    indent = " " * (len(line) - len(line.lstrip()))
    lines = []
    while len(line) > width:
        cut = line.rfind(" ", len(indent) + 8, min(width + 1, len(line) - 7))
        if cut < 0 or not line[:cut].strip():
            break
        lines.append(line[:cut].rstrip())
        line = indent + mark + line[cut:].lstrip()
    return lines + [line]


def wide_code(code: str) -> int:
    """The widest line of a code block (after wrap_code)."""
    return max((len(line.expandtabs()) for line in code.split("\n")), default=0)


def _outputs(cell) -> list:
    """The cell's outputs as the slide shows them: streams merged."""
    merged = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            if merged and merged[-1].get("output_type") == "stream" and merged[-1]["name"] == out["name"]:
                merged[-1]["text"] += out["text"]
                continue
            out = nbformat.from_dict({"output_type": "stream", "name": out["name"], "text": out["text"]})
        merged.append(out)
    return merged


_PASSED = re.compile(r"^(\s*)(.*?):\s*True\s*$")
CHECKS_IN_NOTES = "(each in the speaker notes)"  # a summary of checks too long to name them all
_CHECKS_SUMMARY = re.compile(r"^all \d+ checks True\b")  # the line condense_checks() counts them in


def condense_checks(text: str) -> tuple[str, bool]:
    """A printout with its walls of "something: True" lines (3 or more in a row) condensed: lines
    that differ only in their label become one line ("a, b, c: every error below 1e-6: True"),
    others one line that counts them. (text, whether anything was condensed)"""
    lines, out, i, changed = _text_lines(text), [], 0, False
    while i < len(lines):
        j = i
        while j < len(lines) and _PASSED.match(lines[j]):
            j += 1
        if j - i < 3:
            out.extend(lines[i : max(j, i + 1)])
            i = max(j, i + 1)
            continue
        labels = [_PASSED.match(line).group(2).strip() for line in lines[i:j]]
        heads = [label.split(":", 1) for label in labels]
        if all(len(h) == 2 for h in heads) and len({h[1].strip() for h in heads}) == 1:
            line = f"{', '.join(h[0].strip() for h in heads)}: {heads[0][1].strip()}: True"
        else:
            line = f"all {j - i} checks True ({'; '.join(labels)})"
            if len(line) > 2 * CHARS_PER_OUTPUT_LINE:
                line = f"all {j - i} checks True {CHECKS_IN_NOTES}"
        out.append(line)
        changed, i = True, j
    return "\n".join(out) + "\n", changed


# the label line of one of several samples in a printout: "---- sample at step 1,420 ----"
_SAMPLE_LABEL = re.compile(r"^\s*(-{3,}|={3,}|#{3,}|\*{3,}|~{3,})\s*\S.*$")


def _sample_blocks(lines: list[str]) -> tuple[list[list[str]], list[str]] | None:
    """A printout of several samples, each under a label line ("---- step 100 ----"): its blocks
    (label, then the sample without its trailing blank lines) and its closing lines (a summary
    after the last blank line, short lines with numbers); None if it is not one."""
    starts = [k for k, line in enumerate(lines) if _SAMPLE_LABEL.match(line)]
    if len(starts) < 2 or any(line.strip() for line in lines[: starts[0]]):
        return None
    blocks = [lines[a:b] for a, b in zip(starts, [*starts[1:], len(lines)])]
    tail: list[str] = []
    last = blocks[-1]
    blank = max((k for k, line in enumerate(last) if not line.strip()), default=None)
    if blank is not None and blank > 1:
        after = [line for line in last[blank + 1 :] if line.strip()]
        if 0 < len(after) <= 3 and all(re.search(r"\d", line) for line in after):
            tail, blocks[-1] = after, last[:blank]
    for block in blocks:
        while len(block) > 1 and not block[-1].strip():
            block.pop()
    return blocks, tail


def _cut(line: str, width: int) -> str:
    """A line of a sample at most ``width`` characters (the rest as "…")."""
    return line if len(line.expandtabs()) <= width else line.expandtabs()[: width - 1] + "…"


def _elide_samples(blocks: list[list[str]], tail: list[str], room: float, width: int) -> list[str]:
    """Several samples too tall for a slide: each keeps its label and as many of its first lines
    as fit (each line cut at the slide's width; the first samples take what room is left), the
    last line shown saying how many more there are; none is dropped."""

    def show(allows: list[int]) -> list[str]:
        shown = []
        for block, allow in zip(blocks, allows):
            body, count = [], 0
            for line in block[1:]:  # its first ``allow`` lines that are not blank
                if count >= allow:
                    break
                body.append(_cut(line, width))
                count += bool(line.strip())
            while body and not body[-1].strip():
                body.pop()
            left = len(block) - 1 - len(body)
            if left == 1:  # the line itself takes no more room than a note that it is left out
                body.append(_cut(block[-1], width))
            elif left > 1:
                note = f"  [… {left} more lines]"
                if body:  # on the last line shown, cut shorter if need be
                    body[-1] = _cut(body[-1], width - len(note)) + note
                else:
                    body.append(note.strip())
            shown.extend([block[0], *body])
        return shown + tail

    for allow in range(max(len(b) for b in blocks), -1, -1):
        allows = [allow] * len(blocks)
        if _text_height(show(allows), width) <= room:
            for k in range(len(blocks)):  # what room is left: one more line each, from the first
                if _text_height(show([*allows[:k], allows[k] + 1, *allows[k + 1 :]]), width) <= room:
                    allows[k] += 1
            return show(allows)
    return show([0] * len(blocks))


def _sample_parts(lines: list[str], room: float, width: int, next_room: float) -> list[list[str]]:
    """A printout as it is shown: elided to ``room`` (see _elide()); a printout of several
    labelled samples of which more than half the lines would be cut instead goes on over two
    slides (the first ``room``, the second ``next_room`` lines), split between two samples."""
    shown = _elide(lines, room, width)
    samples = _sample_blocks(lines)
    if samples is None or _text_height(lines, width) <= room:
        return [shown]
    blocks, tail = samples
    kept = sum(1 for line in shown if line.strip() and "more lines]" not in line)
    if len(blocks) < 2 or kept * 2 >= sum(1 for line in lines if line.strip()):
        return [shown]
    total = [sum(len(b) for b in blocks[:k]) for k in range(len(blocks) + 1)]
    half = min(range(1, len(blocks)), key=lambda k: abs(total[k] - total[-1] / 2))
    first = _elide_samples(blocks[:half], [], room, width)
    second = _elide_samples(blocks[half:], tail, next_room, width)
    return [first, second]


def _elide(lines: list[str], room: float, width: int = CHARS_PER_OUTPUT_LINE) -> list[str]:
    """A printout too tall for a slide, never split: each blank-line-separated block keeps its
    first (label) line and as many lines after it as fit; one block keeps its head and tail. A
    printout of several labelled samples keeps every sample's label and its first lines."""
    if _text_height(lines, width) <= room:
        return lines
    samples = _sample_blocks(lines)
    if samples is not None:
        return _elide_samples(*samples, room, width)
    blocks, current = [], []
    for line in lines:
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    if len(blocks) > 1:
        for allow in range(max(len(b) for b in blocks), 0, -1):
            shown = []
            for block in blocks:
                if shown:
                    shown.append("")
                shown.extend(block[:allow])
                if len(block) > allow:
                    shown.append(f"  [… {len(block) - allow} more lines]")
            if _text_height(shown, width) <= room:
                return shown
        return [b[0] for b in blocks][: max(1, int(room) - 1)]
    keep = max(4, int(room) - 2)
    head, tail = lines[: keep - keep // 3], lines[len(lines) - keep // 3 :]
    while head and _text_height([*head, "x", *tail], width) > room:
        head = head[:-1]
    return [*head, f"[… {len(lines) - len(head) - len(tail)} more lines: see the notebook …]", *tail]


def _narrow_output(cell, lines: list[str]) -> tuple[float, int]:
    """A printout wider than the slide is set smaller so that each row stays on one line: the
    cell's tag, and (font scale, characters per line)."""
    samples = _sample_blocks(lines)
    if samples is not None:  # the lines of samples may be cut at the slide's width instead
        lines = [block[0] for block in samples[0]] + samples[1]
    widest = max((len(line.expandtabs()) for line in lines), default=0)
    for tag, px in WIDE_OUTPUT:  # a line too wide even at the smallest size (a message) wraps
        if widest <= CHARS_PER_OUTPUT_LINE * 19 / px:
            if px < 19:
                cell.metadata["tags"] = [*cell.metadata.get("tags", []), tag]
            return px / 19, int(CHARS_PER_OUTPUT_LINE * 19 / px)
    return 1.0, CHARS_PER_OUTPUT_LINE


class _Item:
    """One block of a slide, never split: a heading, a paragraph, a formula, a table, a piece of
    code, one output. ``keep``: it stays on the slide of the item after it; ``brk``: the
    notebook starts a new slide here ("slide": always; "subslide": unless all that follows up to
    the next break fits on the slide so far); ``least``: a figure may be shown down to this."""

    def __init__(self, cell, height, kind, brk=None, keep=False, notes=(), least=None, source=None):
        self.cell, self.height, self.kind, self.brk, self.keep = cell, height, kind, brk, keep
        self.notes, self.least, self.source = list(notes), least if least is not None else height, source
        self.heading = None  # (level, markdown) of a heading item
        self.code = None  # a piece of code cut over slides: (its cell's whole wrapped code, least px, _print_floor())


_CONT = " (cont.)"
CODE_TO_NOTES = "deck-code-to-notes"  # a cell tag: its code goes to the speaker notes, its outputs stay
CODE_IN_NOTEBOOK = "Code (in the notebook):"
CODE_OF_FIGURE = "Code of the figure:"
_CODE_NOTE = (CODE_IN_NOTEBOOK, CODE_OF_FIGURE, "Code of the widget", "The printout:", "It prints:")
MAX_CODE_CELLS = 2  # code cells (and their outputs) on one slide, if they fit
PLOT_CODE_LINES = 4  # a figure's code longer than this goes to the speaker notes
_RUN_IT = re.compile(r"^(run|try) (it|this)( yourself)?$", re.I)


def _md(text: str):
    return nbformat.v4.new_markdown_cell(text)


def _notes_text(markdown: str) -> str:
    """The full text of a markdown cell for the speaker notes: answers unfolded, its headings
    (the slide shows them) left out, no solution blocks."""
    text = re.sub(r"</?details>", "", markdown, flags=re.I)
    text = re.sub(r"<summary>(.*?)</summary>", r"**\1**", text, flags=re.I | re.S)
    lines = [line for line in text.split("\n") if not re.match(r"\s*#{1,6}\s", line)]
    lines = [line for line in lines if not re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", line)]
    return _POINTS.sub("", "\n".join(lines)).strip()


# ------------------------------------------------------------------------------------------------
# Speaker notes: plain text a presenter reads at a glance (MathJax leaves the notes alone)
# ------------------------------------------------------------------------------------------------

_GREEK = {
    name: chr(code)
    for name, code in (
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5),
        ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9),
        ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0),
        ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("upsilon", 0x3C5), ("phi", 0x3C6),
        ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9), ("Gamma", 0x393),
        ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Pi", 0x3A0), ("Sigma", 0x3A3),
        ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9),
    )
}  # fmt: skip
_TEX_SYMBOLS = {
    "partial": "∂", "sum": "Σ", "prod": "Π", "infty": "∞", "nabla": "∇", "dots": "…", "ldots": "…",
    "cdots": "⋯", "top": "ᵀ", "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖", "lvert": "|", "rvert": "|",
    "{": "{", "}": "}", "%": "%", "$": "$", "_": "_", "&": "&", "#": "#", "prime": "′", "ell": "ℓ",
}  # fmt: skip
_TEX_RELATIONS = {
    "odot": "⊙", "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "approx": "≈",
    "ne": "≠", "neq": "≠", "to": "→", "rightarrow": "→", "Rightarrow": "⇒", "leftarrow": "←", "in": "∈",
    "pm": "±", "mid": "|", "sim": "~", "gg": "≫", "ll": "≪", "equiv": "≡", "propto": "∝", "otimes": "⊗",
    "mapsto": "↦", "quad": "", "qquad": "",
}  # fmt: skip
_TEX_NAMES = ("tanh", "ln", "log", "exp", "max", "min", "cosh", "sinh", "sin", "cos", "arg", "det", "lim", "sup")
_TEX_ARGUMENT = ("mathrm", "text", "operatorname", "mathbf", "boldsymbol", "texttt", "mathtt", "mathit",
                 "textbf", "textit", "mathsf", "mathrel", "mathop", "vec", "bar", "overline", "emph")  # fmt: skip
_TEX_DROP = ("left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "textstyle",
             "displaystyle", "scriptstyle", "nonumber", "limits", "notag")  # fmt: skip
_SUPER = dict(zip("0123456789+-=()niTᵀtabcdefghjklmoprsuvwxyz′", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵀᵗᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵘᵛʷˣʸᶻ′"))
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))


def _group(text: str) -> str:
    """``text`` in parentheses when it is more than one term (for a fraction, a root or a script)."""
    text = text.strip()
    if len(text) > 1 and re.search(r"[\s+\-−/·⊙×=,]", text) and not (text[0] == "(" and text[-1] == ")"):
        return f"({text})"
    return text


def tex_text(tex: str) -> str:
    """TeX as plain Unicode text for the speaker notes: \\frac{a}{b} as a/b, Greek letters and
    operators as their characters, \\mathrm{x} and the like as x, simple scripts as super- and
    subscript characters (else ^x, _(x y)), sizes and spacing dropped, an aligned block as lines;
    an unknown macro loses its backslash."""
    s, i = tex, 0

    def argument() -> str:
        nonlocal i
        while i < len(s) and s[i] in " \n":
            i += 1
        if i >= len(s):
            return ""
        if s[i] == "{":
            i += 1
            return parse("}")
        if s[i] == "\\":
            return macro()
        i += 1
        return s[i - 1]

    def macro() -> str:
        nonlocal i
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        if m is None:
            i += 1
            return ""
        i += m.end()
        name = m.group(1)
        if name.isalpha():
            while i < len(s) and s[i] == " ":
                i += 1
        if name == "\\":
            return "\n"
        if name in (",", ";", ":", " ", "quad", "qquad", ">"):
            return " "
        if name == "!":
            return ""
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            top, bottom = argument(), argument()
            return f"{_group(top)}/{_group(bottom)}"
        if name == "sqrt":
            return "√" + _group(argument())
        if name in ("hat", "widehat"):
            return argument() + "\u0302"
        if name in ("tilde", "widetilde"):
            return argument() + "\u0303"
        if name in ("underbrace", "overbrace"):
            body = argument()
            while i < len(s) and s[i] == " ":
                i += 1
            if i < len(s) and s[i] in "_^":
                i += 1
                return f"{body} ({argument().strip()})"
            return body
        if name in ("mathbb",):
            inner = argument()
            return {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "E": "𝔼"}.get(inner, inner)
        if name in ("begin", "end"):
            argument()
            return ""
        if name in _TEX_ARGUMENT:
            return argument()
        if name in _TEX_DROP:
            return ""
        if name in _TEX_RELATIONS:
            return f" {_TEX_RELATIONS[name]} " if _TEX_RELATIONS[name] else " "
        if name in _TEX_SYMBOLS:
            return _TEX_SYMBOLS[name]
        if name in _GREEK:
            return _GREEK[name]
        if name in _TEX_NAMES:  # a space before its argument, none before a bracket or a script
            ahead = s[i:].lstrip()
            return name if re.match(r"[(\[^_{]|\\(left|big|Big)", ahead) else name + " "
        return name  # unknown: without its backslash

    def script(mark: str) -> str:
        body = argument().strip()
        table = _SUPER if mark == "^" else _SUB
        compact = body.replace(" ", "")
        if compact and all(ch in table for ch in compact):
            return "".join(table[ch] for ch in compact)
        if len(compact) == 1 or re.fullmatch(r"\w+|[ᵀ′]+", compact):
            return mark + compact
        return f"{mark}({body})"

    def parse(until: str | None = None) -> str:
        nonlocal i
        out = []
        while i < len(s):
            c = s[i]
            if until and c == until:
                i += 1
                break
            if c == "\\":
                out.append(macro())
            elif c == "{":
                i += 1
                out.append(parse("}"))
            elif c in "^_":
                i += 1
                out.append(script(c))
            elif c == "&":
                i += 1
            elif c == "~":
                i += 1
                out.append(" ")
            else:
                i += 1
                out.append(c)
        return "".join(out)

    text = parse()
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    text = re.sub(r"(?<=\S) ?([=<>]) ?(?=\S)", r" \1 ", text)
    text = re.sub(r"([(\[]) | ([)\],])", r"\1\2", text)
    return re.sub(r"\b(" + "|".join(_TEX_NAMES) + r") (?=[(\[])", r"\1", text)


def _notes_maths(text: str) -> str:
    """Markdown prose with its $...$ and $$...$$ as plain text (code spans left alone); the
    underscores and stars that remain are escaped, so that markdown does not read emphasis."""

    def plain(tex: str, display: bool) -> str:
        out = tex_text(tex).replace("*", "\\*").replace("_", "\\_")
        return ("\n\n" + out.replace("\n", "  \n") + "\n\n") if display else out.replace("\n", "; ")

    parts = re.split(r"(`[^`\n]*`|\$\$.*?\$\$|(?<![\\$])\$[^$]+?\$)", text, flags=re.S)
    out = []
    for part in parts:
        if part.startswith("$$") and part.endswith("$$") and len(part) >= 4:
            out.append(plain(part[2:-2], True))
        elif part.startswith("$") and part.endswith("$") and len(part) >= 2:
            out.append(plain(part[1:-1], False))
        else:
            out.append(part)
    return "".join(out)


# "the cell below ..." in the notebook's prose: for the presenter, it is the code on the slide
_CELL_BELOW = re.compile(
    r"\b(in )?(the|this|that|these) (next )?(code )?cells?( (below|above|that follows|after (it|them|this)))?"
    r"(?=\W)|\bthe next cell\b|\bbelow this cell\b",
    re.I,
)
_AT_THE_KEYBOARD = re.compile(
    r"\b(run|re-?run|execute|answer|write|edit)\b[^.]{0,30}\bcells?\b|shift[- ]?enter"
    r"|\bcells? (below|above)\b[^.]{0,20}\b(asks?|answer)\b",
    re.I,
)


# sentences about the grading of an exercise ("Four test cells, one per part, ... 1 point each")
_GRADING = re.compile(r"\btest cells?\b|\b\d+(\.\d+)? points?\b|\bpoints? each\b|\bhidden tests?\b", re.I)


def _norm(text: str) -> str:
    return re.sub(r"\W+", "", _plain(text)).lower()


def speaker_notes(notes: list[str], shown: str = "") -> str:
    """The notes of one slide as one short text for the presenter: TeX as plain Unicode, one
    "Shows: ..." line for an "Expected: ..." paragraph, sentences about "the cell below" rephrased
    (or dropped, when they tell the student to run or answer something), sentences the slide
    already shows left out, no runs of blank lines. Code blocks stay as they are."""
    on_slide = _norm(shown)
    paragraphs = []
    # the talking points first, then the code (of a figure, of the notebook) and whole printouts
    notes = sorted(notes, key=lambda note: note.lstrip().startswith(_CODE_NOTE))
    for note in notes:
        for block in re.split(r"(```.*?```)", note, flags=re.S):
            if block.startswith("```"):
                paragraphs.append(_notes_code(block.strip()))
                continue
            said = False  # whether the paragraph before is in the notes
            for para in re.split(r"\n\s*\n", block):
                if not para.strip():
                    continue
                lines = para.strip().split("\n")
                alone = re.fullmatch(r"\s*\$\$.*?\$\$[\s,.;:]*", para, re.S)
                if alone and not said and len(_norm(para)) >= 12 and _norm(para) in on_slide:
                    continue  # a formula the slide shows, with the sentence that leads into it
                if re.match(r"\s*([-*+]|\d+[.)])\s|\s*\|", lines[0]) or "$$" in para:
                    items = _list_items(para) if not lines[0].lstrip().startswith(("|", "$$")) else [para]
                    kept = [_notes_prose(item, on_slide, keep_marker=True) for item in items]
                    text = "\n".join(k for k in kept if k)
                else:
                    text = _notes_prose(" ".join(line.strip() for line in lines), on_slide)
                said = bool(text)
                if text:
                    paragraphs.append(text)
    return re.sub(r"\n[ \t]*\n(\s*\n)+", "\n\n", "\n\n".join(dict.fromkeys(paragraphs))).strip()


NOTES_CODE_LINES = 12  # code in the speaker notes: its first lines (a glance, not a listing)


def _notes_code(block: str) -> str:
    """A fenced block of the notes: code cut to its first NOTES_CODE_LINES lines (a printout stays whole)."""
    lines = block.split("\n")
    body = lines[1:-1]
    if not lines[0].startswith("```python") or len(body) <= NOTES_CODE_LINES + 2:
        return block
    more = len(body) - NOTES_CODE_LINES
    return "\n".join([lines[0], *body[:NOTES_CODE_LINES], lines[-1], f"(… {more} more lines in the notebook)"])


def _outside_code(text: str, change) -> str:
    """``text`` with ``change`` applied to what is outside its code spans."""
    return "".join(part if part.startswith("`") else change(part) for part in re.split(r"(`[^`\n]*`)", text))


def _notes_prose(text: str, on_slide: str, keep_marker: bool = False) -> str:
    """One paragraph (or list item) of the notes, as speaker_notes() describes."""
    shows = ""
    found = _EXPECTED.search(_mask(text))
    if found:
        said = " ".join(text[found.end() :].split()).strip("* ")
        said = _whole_sentences(re.sub(r"^\*+|\*+$", "", said).strip())
        if _mask(said).count("**") % 2:  # a stray bold marker (not a power ** in code)
            said = _outside_code(said, lambda part: part.replace("**", ""))
        shows = "Shows: " + _notes_maths(said[:1].upper() + said[1:]) if said else ""
        text = text[: found.start()].rstrip()
    kept = []
    for sentence in _sentences(" ".join(text.split()) if not keep_marker else text.strip()):
        masked = _mask(sentence)
        if re.match(r"\W*(run|re-?run|execute) (it|this|them|the|all|everything)\b", masked, re.I):
            continue  # for the student at a keyboard
        if _CELL_BELOW.search(masked):
            if _AT_THE_KEYBOARD.search(masked):
                continue
            sentence = _CELL_BELOW.sub(lambda m: "" if m.group(1) else "the code", sentence)
            sentence = re.sub(r"^\s*,?\s*", "", sentence)
            sentence = sentence[:1].upper() + sentence[1:]
        lead = re.match(r"\*\*[^*]{1,60}[.:!?]\*\*\s+", sentence)
        if lead and _GRADING.search(lead.group()):  # a bold lead-in ("**The test cells.**") alone
            sentence = sentence[lead.end() :]
            masked = _mask(sentence)
        if _GRADING.search(masked):
            continue  # how the exercise is graded: not for the lecture
        norm = _norm(sentence)
        if len(norm) >= 12 and norm in on_slide and "$$" not in sentence:
            continue  # (a formula stays: the sentence around it reads on through it)
        kept.append(sentence.strip())
    body = _notes_maths(" ".join(k for k in kept if k))
    if keep_marker and body and not re.match(r"\s*([-*+]|\d+[.)])\s", body) and re.match(r"\s*([-*+]|\d+[.)])\s", text):
        body = re.match(r"\s*([-*+]|\d+[.)])\s", text).group() + body
    return "\n".join(x for x in (body, shows) if x.strip())


def _leads_in(kind: str, body: str) -> bool:
    """A paragraph (or list) that ends with a colon: it introduces what follows it."""
    return kind in ("para", "list") and _plain(body).rstrip().endswith(":")


_WHOLE_ITEMS = re.compile(r"^\W*(exercise|written question)\b", re.I)  # a heading over parts a student answers
WHOLE_LIST = BUDGET - 8.0  # lines: the most a list of such parts (or one part) may take whole
_PART = re.compile(r"\s*\**\(?([a-h]|\d{1,2})[.)]\**\s")  # a paragraph that is a part: "**(a)** ...", "2. ..."


def _markdown_items(source: str, brk, context_heading: list) -> list[_Item]:
    """The items of a markdown cell; a cell of several headings in sections, each with the notes
    of its own text (its slide's notes are about what that slide shows)."""
    blocks = markdown_blocks(source)
    sections: list[list] = []
    for block in blocks:
        if not sections or (block[0] == "heading" and any(kind != "heading" for kind, _ in sections[-1])):
            sections.append([])
        sections[-1].append(block)
    if len(sections) <= 1:
        return _markdown_section(blocks, source, brk, context_heading)
    items = []
    for section in sections:
        text = "\n\n".join(t for _kind, t in section)
        items += _markdown_section(section, text, None if items else brk, context_heading)
        context_heading = [next((t for kind, t in section if kind == "heading"), context_heading[0])]
    if items:
        items[0].brk = brk
    return items


def _markdown_section(blocks: list, source: str, brk, context_heading: list) -> list[_Item]:
    items, reading = [], False
    shown = []
    cut = False
    heading = context_heading[0] if context_heading else ""
    for k, (kind, text) in enumerate(blocks):
        if kind == "heading":
            reading = bool(re.search(r"reading|references", text, re.I))
            heading = text
            if _RUN_IT.match(_plain(text)):
                cut = True
                continue
        # a paragraph that leads into a formula is not cut short: its last sentence introduces it
        into_maths = k + 1 < len(blocks) and blocks[k + 1][0] == "math"
        body, height, left_out = shorten_block(kind, text, cut_ok=not reading and not into_maths)
        part = kind == "list" or (kind == "para" and _PART.match(text))
        if part and left_out and _WHOLE_ITEMS.match(_plain(heading).lstrip("# ")):
            # the parts of an exercise or a written question, each whole ("Then say why ..."), if they fit
            whole = shorten_block(kind, text, cut_ok=False)
            if whole[1] <= WHOLE_LIST:
                body, height, left_out = whole
        cut |= left_out
        if kind == "table" and height > BUDGET - 4:
            shown.extend(("table", part, _table_height(part.split("\n"))) for part in _split_table(body))
        elif body:
            shown.append((kind, body, height))
    notes = [_notes_text(source)] if cut and _notes_text(source) else []
    for k, (kind, body, height) in enumerate(shown):
        item = _Item(_md(body), height, kind, notes=notes)
        if kind == "heading":
            item.heading = (len(body) - len(body.lstrip("#")), body)
            item.keep = True
        elif kind == "math" and k + 1 < len(shown) and shown[k + 1][0] in ("para", "list"):
            item.keep = True  # the text after a formula goes on with its sentence ("where ...")
        elif _leads_in(kind, body):
            item.keep = True  # a lead-in ("... are:") stays with what it introduces
        items.append(item)
    if items:
        items[0].brk = brk
    elif notes:  # nothing for the screen: the notes go with what follows
        items.append(_Item(None, 0.0, "notes", brk=brk, notes=notes))
    return items


_WIDGET = "application/vnd.jupyter.widget-view+json"
# widget plumbing: the code that imports ipywidgets, wires handlers or displays a widget
_WIDGET_CODE = re.compile(
    r"^\s*(import ipywidgets|from ipywidgets\b)|\.observe\(|\.on_click\("
    r"|\bdisplay\([^)]*(widget|box|button|slider|menu|form|ui)\b",
    re.M | re.I,
)
LIVE_CAPTION = "*Live in JupyterLab; the still shows the default.*"
_ACTIONS = ("ButtonModel", "FileUploadModel", "PlayModel")  # a still cannot show what they do
# a control that sets a value: a widget with one shows something in its still (its default)
_VALUE_CONTROL = re.compile(r"Slider|Dropdown|Text|Combobox|Select|Toggle|Checkbox|Radio")
# the text of a widget that starts from nothing: "Press the button: ...", "press Start to ..."
_PRESS_TO_START = re.compile(r"(?:^|[.:!?]\s+)(?:press|click|hit)\s+(?:the|its|a)?\s*\S*\s*button\b", re.I | re.M)


def _empty_until_pressed(models: set[str], text: str) -> bool:
    """A widget worked by buttons alone whose text says to press one: until it is pressed its
    still is an empty chart or a bare form, nothing worth a slide."""
    return (
        bool(models & set(_ACTIONS))
        and not any(_VALUE_CONTROL.search(m) for m in models)
        and bool(_PRESS_TO_START.search(text.replace("*", "")))
    )


def _widget_models(state: dict, model_id: str) -> set[str]:
    """The model names of a saved widget and of all its children."""
    names, todo, seen = set(), [model_id], set()
    while todo:
        mid = todo.pop()
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        names.add(state[mid].get("model_name", ""))
        for value in state[mid].get("state", {}).values():
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                    todo.append(ref[len("IPY_MODEL_") :])
    return names


def _widget_still(out: dict, state: dict):
    """The output a slide shows for a saved widget: its still image (or, for a widget without
    buttons, its HTML view), without the live view; None when there is none to show."""
    data = out.get("data", {})
    model = data.get(_WIDGET, {}).get("model_id", "")
    keep = None
    if "image/png" in data:
        keep = "image/png"
    elif "text/html" in data and not _widget_models(state, model) & set(_ACTIONS):
        keep = "text/html"
    if keep is None:
        return None
    still = copy.deepcopy(out)
    shown = "".join(data[keep]) if isinstance(data[keep], list) else data[keep]
    if keep == "text/html":  # its caption for a live widget ("move the slider ..."): the slide has its own
        shown = re.sub(
            r"<p>(?:(?!</p>).)*?(running kernel|slider|button|interactive)(?:(?!</p>).)*?</p>",
            "",
            shown,
            flags=re.S | re.I,
        )
    still["data"] = {keep: shown, "text/plain": data.get("text/plain", "")}
    return still


def _figure_px(out: dict) -> tuple[float, float, float]:
    """A figure output's (width, natural height, height at the widest a slide draws it) in px."""
    data = out.get("data", {})
    width, natural = _png_size(data["image/png"])
    meta = out.get("metadata", {}).get("image/png", {})
    if isinstance(meta.get("width"), (int, float)) and meta["width"] > 0:  # e.g. a retina figure
        width, natural = meta["width"], natural * meta["width"] / width
    return width, natural, min(natural, natural * MAX_WIDTH_PX / width)


_DRAWS = re.compile(r"\b(plt|ax\w*|fig|axes)\.\w+\(|\bplt\b|matplotlib")


def _plotting_defs(code: str) -> bool:
    """Code that only defines functions (and imports) of which one draws a figure: the slide of
    the figure it draws later shows the figure; the definition is for the notes."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    allowed = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Import, ast.ImportFrom)
    if not defs or any(not isinstance(n, allowed) for n in tree.body):
        return False
    lines = code.split("\n")
    return any(_DRAWS.search("\n".join(lines[d.lineno - 1 : d.end_lineno])) for d in defs)


def _figure_crowded(code: str, outputs: list) -> bool:
    """A figure that would not fit under its code and a heading even at its least height: shown
    alone rather than on the slide after its code."""
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    if not figures or not code.strip():
        return False
    least = min(FIGURE_MIN, _figure_px(figures[0])[2] / LINE_PX) + 0.4
    code_height = sum(h for _c, h, _px in _code_blocks(code))
    return code_height + least > BUDGET - 2.5


def _tall_figure(outputs: list) -> bool:
    """A figure taller than a slide draws it: it gets the slide's height, its code the notes."""
    return any("image/png" in o.get("data", {}) and _figure_px(o)[2] / LINE_PX > FIGURE_ALONE for o in outputs)


def _code_items(cell, brk, context: str, heading: str, state: dict | None = None) -> list[_Item]:
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    tags = set(cell.get("metadata", {}).get("tags", []))
    code, solution = strip_code(source)
    if tags & set(REMOVE_INPUT_TAGS):
        code = ""
    unwrapped = code
    code = wrap_code(code, CODE_WIDTH) if code.strip() else ""
    outputs = [] if solution else _outputs(cell)
    if not code.strip() and not outputs:
        return []
    notes = []
    figure = any("image/png" in o.get("data", {}) for o in outputs)
    live = any(_WIDGET in o.get("data", {}) for o in outputs)
    if live or (_WIDGET_CODE.search(code) and not figure):
        # a widget: nothing answers on a slide. The room sees its still (a figure or, without
        # buttons, its HTML view) under a fixed caption; the code that builds it and what it
        # prints are in the notes, and a widget without a still is left out
        printed = "".join(o["text"] for o in outputs if o.get("output_type") == "stream")
        notes.append("Code of the widget (live in JupyterLab):\n\n```python\n" + code + "\n```" if code.strip() else "")
        if printed.strip():
            notes.append("It prints:\n\n```\n" + printed.rstrip("\n") + "\n```")
        notes = [n for n in notes if n]
        stills = [
            _widget_still(o, state or {})
            for o in outputs
            if _WIDGET in o.get("data", {})
            and not _empty_until_pressed(_widget_models(state or {}, o["data"][_WIDGET].get("model_id", "")), context)
        ]
        outputs = [o for o in stills if o is not None]
        code = ""
        if not outputs:
            return [_Item(None, 0.0, "notes", brk=brk, notes=notes)] if notes else []
        caption = _Item(_md(LIVE_CAPTION), PROSE_LINE + 0.3, "para", notes=notes)
    elif CODE_TO_NOTES in tags or (not outputs and _plotting_defs(code)):
        # helper definitions (tagged so), or a function that draws a figure shown later: the
        # slide shows what the code prints or draws (if anything), the notes the code
        notes.append(CODE_IN_NOTEBOOK + "\n\n```python\n" + code + "\n```")
        code = ""
    elif figure and (
        len(code.split("\n")) > PLOT_CODE_LINES or _tall_figure(outputs) or _figure_crowded(code, outputs)
    ):
        # long plotting code, a figure that needs the whole slide, or one that would not fit
        # under its code: the figure is what the room looks at; the code is in the notes
        notes.append(CODE_OF_FIGURE + "\n\n```python\n" + code + "\n```")
        code = ""
    if code.strip() and any(o.get("output_type") == "stream" and condense_checks(o["text"])[1] for o in outputs):
        # a printout of checks condensed to a summary line: the code that prints each check no
        # longer matches what the slide shows, so it goes to the notes with the whole printout
        notes.append(CODE_IN_NOTEBOOK + "\n\n```python\n" + code + "\n```")
        code = ""
    if not code.strip() and not outputs:
        return [_Item(None, 0.0, "notes", brk=brk, notes=notes)] if notes else []
    outputs = [part for out in outputs for part in _split_html(out)]
    code_notes = list(notes)
    # the code's last piece stays with the start of its output: the code is cut so that its last
    # piece fits on a slide with the output, the output shortened to the room under that piece
    room, floor = BUDGET - 4.0, None
    if code.strip() and outputs:
        need = _output_items(copy.deepcopy(outputs[0]), room, cell, source, heading, context, notes)[0][0].least
        shortens = outputs[0].get("output_type") == "stream" or set(outputs[0].get("data", {})) == {"text/plain"}
        floor = _print_floor(code)
        blocks = _code_blocks(code, unwrapped, tail_room=BUDGET - 2.0 - need, shortens=shortens, floor=floor)
        room = max(8.0, min(room, BUDGET - 2.0 - blocks[-1][1]))
    else:
        blocks = _code_blocks(code, unwrapped) if code.strip() else []
    shown_outputs = []
    for k, out in enumerate(outputs):
        made, notes = _output_items(out, room if k == 0 else BUDGET - 4.0, cell, source, heading, context, notes)
        shown_outputs.extend(made)
    items = [_Item(c, full, "code", keep=False, notes=code_notes) for c, full, _px in blocks]
    if items and all(c.source in code for c, _full, _px in blocks):
        for item in items:
            # the whole (wrapped) code and its smallest type: its pieces may be cut anew (_rebalance_code())
            item.code = (code, min(px for _c, _full, px in blocks), floor)
    if items:
        items[-1].keep = bool(shown_outputs)  # code and the start of its output stay together
    items.extend(shown_outputs)
    if live and items:
        items[-1].keep = True  # the still and its caption stay together
        items.append(caption)
    for item in items:
        item.source = id(cell)
    if not items:
        return []
    items[0].brk = brk
    return items


def _output_items(out, room: float, cell, source: str, heading: str, context: str, notes: list):
    """The items of one output (a printout of many samples may make two), at most ``room`` lines
    for a printout; and the notes from here on (a condensed printout adds the whole of it)."""
    data = out.get("data", {})
    c = nbformat.v4.new_code_cell("")
    c.metadata["tags"] = ["remove-input"]
    c.outputs = [out]
    made = []
    if "image/png" in data:
        width, natural, shown = _figure_px(out)  # shown: the height at the widest it may be
        meta = out.setdefault("metadata", {}).setdefault("image/png", {})
        meta["alt"] = figure_alt(source, _plain(heading), context)
        item = _Item(c, min(FIGURE_ALONE, shown / LINE_PX) + 0.4, "figure", notes=notes)
        item.least = min(FIGURE_MIN, shown / LINE_PX) + 0.4
        item.figure = (meta, width, natural, shown)
    elif out.get("output_type") == "stream":
        text, condensed = condense_checks(out["text"])
        if condensed and any(_CHECKS_SUMMARY.match(line) for line in _text_lines(text)):
            # "all N checks True (...)" is test bookkeeping to the room: it leaves the slide, and the
            # whole printout is in the notes (a line that names what its checks share, "a, b, c:
            # every error below 1e-6: True", says what the printout says and stays)
            notes = [*notes, "The printout:\n\n```\n" + out["text"].rstrip("\n") + "\n```"]
            kept = [line for line in _text_lines(text) if not _CHECKS_SUMMARY.match(line)]
            if not "".join(kept).strip():
                return [_Item(None, 0.0, "notes", notes=notes, source=id(cell))], notes
            text = "\n".join(kept) + "\n"
        scale, chars = _narrow_output(c, _text_lines(text))
        parts = _sample_parts(_text_lines(text), room / scale, chars, (BUDGET - 4) / scale)
        for lines in parts[:-1]:  # samples too many for one slide: the first ones, then the rest
            first = nbformat.v4.new_code_cell("", metadata=copy.deepcopy(c.metadata))
            first.outputs = [copy.deepcopy(out)]
            first.outputs[0]["text"] = "\n".join(lines) + "\n"
            made.append(_Item(first, _text_height(lines, chars) * scale, "stream", notes=notes))
        lines = parts[-1]
        out["text"] = "\n".join(lines) + "\n"
        item = _Item(c, _text_height(lines, chars) * scale, "stream", notes=notes)
    elif _WIDGET in data:
        item = _Item(c, 15.0, "widget", notes=notes)
    elif "text/html" in data:
        text = "".join(data["text/html"])
        need = _html_height(text)
        zoom = _html_zoom(text, need)
        if zoom != 1.0:
            data["text/html"] = f'<div class="deck-zoom" style="zoom: {zoom:.2f}">' + text + "</div>"
            need *= zoom
        item = _Item(c, need, "html", notes=notes)
    elif "text/markdown" in data:
        need = sum(shorten_block(k, t)[1] for k, t in markdown_blocks("".join(data["text/markdown"])))
        item = _Item(c, need, "html", notes=notes)
    elif "text/plain" in data:
        scale, chars = _narrow_output(c, _text_lines("".join(data["text/plain"])))
        lines = _elide(_text_lines("".join(data["text/plain"])), room / scale, chars)
        data["text/plain"] = "\n".join(lines)
        item = _Item(c, _text_height(lines, chars) * scale, "stream", notes=notes)
    else:
        item = _Item(c, 3.0, "other", notes=notes)
    made.append(item)
    for one in made:
        one.source = id(cell)
    return made, notes


HTML_TEXT_PX = 18  # an HTML output of small monospace text is zoomed until its text is this large


def _html_zoom(text: str, need: float) -> float:
    """How much an HTML output is zoomed on a slide: a tall one (a wide table of samples) down to
    HTML_ZOOM rather than cut off; one of monospace text smaller than HTML_TEXT_PX (coloured
    characters) up to that size, as far as the slide's width and height allow."""
    if need > BUDGET - 4:
        return max(HTML_ZOOM, (BUDGET - 4) / need)
    sizes = [float(x) for x in re.findall(r"font-size:\s*([\d.]+)px", text)]
    if not sizes or min(sizes) >= HTML_TEXT_PX:
        return 1.0
    zoom = HTML_TEXT_PX / min(sizes)
    plain = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>|</div>|</p>|</tr>", "\n", text, flags=re.I)))
    widest = max((len(line) for line in plain.split("\n")), default=0)
    mono = _MONOSPACE.search(text[:300])
    if mono and widest:  # lines of characters: the widest one must stay on the slide
        zoom = min(zoom, MAX_WIDTH_PX / (widest * 0.61 * float(mono.group(1))))
    elif widest * 0.55 * max(sizes) * zoom > MAX_WIDTH_PX:
        zoom = min(zoom, MAX_WIDTH_PX / (widest * 0.55 * max(sizes)))
    zoom = min(zoom, (BUDGET - 4) / need)
    return round(zoom, 2) if zoom > 1.02 else 1.0


def _statement_starts(code: str) -> list[int] | None:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    return [min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", []))]) - 1 for n in tree.body]


def _code_blocks(
    code: str,
    unwrapped: str | None = None,
    tail_room: float | None = None,
    shortens: bool = True,
    floor: int | None = None,
) -> list[tuple]:
    """Wrapped code as the blocks of its slides: (cell, height in lines, type size in px) each.
    A block with a line that could not be broken, or longer than a slide, is set smaller; such a
    block (at 15 px) is wrapped at the width of a 17 px block instead when that makes it larger.
    With ``tail_room`` (the room its output leaves on a slide), the last block is cut at a
    top-level statement so that it is at most that tall (the most that fits; else its last
    statement, when that is short); a printout below it (``shortens``) may instead be shortened
    to the room under a last block of up to BUDGET - 11 lines. With ``floor`` (see _print_floor())
    the code is cut above it where that leaves blocks that fit (else as without it)."""
    lines = code.split("\n")
    ranges = _split_ranges(lines, int(BUDGET) - 5, floor)
    if tail_room is not None:
        a, b = ranges[-1]
        whole = _code_block("\n".join(lines[a:b]).strip("\n"))[1]
        if whole > tail_room:
            cuts = [i for i in _safe_cuts(lines) if a < i < b]
            fits = [i for i in cuts if _code_block("\n".join(lines[i:b]).strip("\n"))[1] <= tail_room]
            fits = [i for i in fits if i - a >= 4 or not shortens]  # not a line or two alone above the rest
            above = [i for i in fits if floor is None or i <= floor]
            if above:
                cut = min(above)
            elif shortens and whole <= BUDGET - 3.0 - 8.0:  # the output is shortened to the room under it
                cut = None
            elif fits:  # (a statement that prints above the printout: better than no slide that fits)
                cut = min(fits)
            else:
                cut = max(cuts, default=None)
                if cut is not None and _code_block("\n".join(lines[cut:b]).strip("\n"))[1] > LONG_CODE:
                    cut = None
            if cut is not None:
                ranges[-1:] = [(a, cut), (cut, b)]
    blocks = []
    for a, b in ranges:
        piece = "\n".join(lines[a:b]).strip("\n")
        if not piece:
            continue
        block = _code_block(piece)
        if block[2] < 17 and unwrapped is not None:
            wider = _unwrapped_piece(code, unwrapped, a, b)
            if wider is not None:
                other = _code_block(wrap_code(wider, WIDE_CODE[0][2] - 2))
                if other[2] > block[2]:
                    block = other
        blocks.append(block)
    return blocks


def _unwrapped_piece(code: str, unwrapped: str, a: int, b: int) -> str | None:
    """The statements of lines a to b of the wrapped ``code`` as they are in ``unwrapped``."""
    wrapped_starts, starts = _statement_starts(code), _statement_starts(unwrapped)
    if wrapped_starts is None or starts is None or len(starts) != len(wrapped_starts):
        return None
    first = next((k for k, line in enumerate(wrapped_starts) if line >= a), len(starts))
    last = next((k for k, line in enumerate(wrapped_starts) if line >= b), len(starts))
    if first >= last:
        return None
    lines = unwrapped.split("\n")
    top = 0 if a == 0 else starts[first]
    end = starts[last] if last < len(starts) else len(lines)
    return "\n".join(lines[top:end]).strip("\n") or None


def _code_block(piece: str) -> tuple:
    """One block of code: (its cell, tagged smaller if need be, its height in lines, its type size in px)."""
    c = nbformat.v4.new_code_cell(piece)
    c.metadata["tags"] = []
    full, px = 0.9 + _text_height(_text_lines(piece), CHARS_PER_CODE_LINE), 19.0
    widest = wide_code(piece)
    if widest > CHARS_PER_CODE_LINE:  # a line that could not be broken: the block is set smaller
        tag, px, _most = next(w for w in WIDE_CODE if widest <= w[2])
        c.metadata["tags"].append(tag)
        full = 0.9 + _text_height(_text_lines(piece), 10**6) * px / 19  # the browser does not wrap it
    for tag, scale in SMALL_CODE:  # a block too long for a slide (never cut inside) is set smaller
        if full > BUDGET - 2.5:
            c.metadata["tags"].append(tag)
            full = 0.9 + (full - 0.9) * scale
            px = min(px, 19 * scale) if tag == "deck-small" else px * scale
    return c, full, px


def _cont_heading(heading: tuple) -> tuple[str, float]:
    level, text = heading
    level = max(3, level)
    title = re.sub(r"^#+\s*", "", text).strip()
    title = re.sub(r"\s*\(cont\.\)$", "", title)
    return f"{'#' * level} {title}{_CONT}", HEADING[level] * max(1, -(-len(_plain(title)) // 60))


def _pack(items: list[_Item]) -> list[list]:
    """The items on slides: [(item, height), ...] per slide, each at most BUDGET lines high."""
    slides, used, codes = [], 0.0, 0
    heading = None

    def new_slide(continued: bool):
        nonlocal used, codes
        slides.append([])
        used, codes = 0.0, 0
        if continued and heading:
            text, h = _cont_heading(heading)
            cell = _md(text)
            cell.metadata["deck_continued"] = True
            slides[-1].append((_Item(cell, h, "heading"), h))
            used = h

    def chain(i: int) -> float:
        """Height the items from i on that must stay together need (their least)."""
        need, j = 0.0, i
        while j < len(items):
            need += items[j].least if items[j].kind == "figure" else items[j].height
            if not items[j].keep:
                break
            j += 1
        return need

    def group(i: int) -> float:
        need, j = 0.0, i
        while j < len(items) and (j == i or items[j].brk is None):
            need += items[j].least if items[j].kind == "figure" else items[j].height
            j += 1
        return need

    def group_after(i: int) -> float:
        """Height of what follows item i up to the next heading or slide break."""
        need, j = 0.0, i + 1
        while j < len(items) and items[j].brk is None and not items[j].heading:
            need += items[j].least if items[j].kind == "figure" else items[j].height
            j += 1
        return need

    def long_code_above() -> bool:
        return any(it.kind == "code" and h > PLOT_CODE_LINES + 1.5 for it, h in slides[-1])

    def code_cells(i: int) -> int:
        return sum(1 for it in items[i : i + 1] if it.kind == "code")

    for i, item in enumerate(items):
        if item.kind == "notes":
            if not slides:
                new_slide(False)
            slides[-1].append((item, 0.0))
            continue
        fresh = not slides or all(it.kind in ("heading", "notes") for it, _ in slides[-1])
        if item.heading:
            # every heading starts a slide (unless the slide holds nothing but headings), so that
            # a continued slide is titled with the heading it continues
            if not fresh:
                new_slide(False)
            heading = item.heading
        elif item.brk and slides and not fresh:
            # a slide the notebook starts without a heading: it shares the slide before when all
            # of it fits there, or when that slide is less than half full (filled, then continued)
            if used + group(i) > BUDGET and used > BUDGET * 0.6:
                new_slide(True)
        if not slides:
            new_slide(False)
        fresh = all(it.kind in ("heading", "notes") for it, _ in slides[-1])
        need = chain(i)
        if need > BUDGET - 3:  # the chain needs a slide of its own anyway: just this and the next
            need = item.height + (items[i + 1].least if item.keep and i + 1 < len(items) else 0.0)
        # an output under its own code may use a line of the slide's spare room (29 lines)
        own = bool(slides[-1]) and slides[-1][-1][0].kind == "code" and slides[-1][-1][0].source == item.source
        slack = 1.0 if own and item.kind in ("stream", "html") else 0.0
        if not fresh and (used + need > BUDGET + slack or codes + code_cells(i) > MAX_CODE_CELLS):
            new_slide(True)
        height = item.height
        if item.kind == "figure":
            # as tall as the room left allows, up to its natural size (or FIGURE_ALONE): under
            # long code at most FIGURE_MAX; what follows it in its group keeps its room if it fits
            room = BUDGET - used
            if all(
                it.kind in ("heading", "notes", "para", "list") and "$" not in (it.cell.source if it.cell else "")
                for it, _ in slides[-1]
            ):
                room += FIGURE_SLACK  # prose is estimated high (not maths): a figure under it may use that
            later = items[i + 1].height if i + 1 < len(items) and item.keep else 0.0
            rest = group_after(i)
            if used + item.least + rest <= BUDGET:
                later = max(later, rest)
            height = max(item.least, min(item.height, room - later))
            if not fresh and item.height > FIGURE_MAX + 0.4 and long_code_above():
                height = min(height, FIGURE_MAX + 0.4)
            height = min(height, max(room, 8.0))
        slides[-1].append((item, height))
        used += height
        codes += code_cells(i)
    return slides


MERGE_SLACK = 2.0  # lines: a lone short block may go back onto a slide this much over BUDGET (others half)


def _lone(body: list) -> bool:
    """A continued slide's body that is one short block: a sentence, a short list or printout."""
    body = [(it, h) for it, h in body if it.kind != "notes"]
    return len(body) == 1 and body[0][0].kind in ("para", "list", "stream", "table", "html") and body[0][1] <= 4.5


def _merge_back(slides: list[list]) -> list[list]:
    """A continued slide whose body fits on the slide before goes back onto it, even a little
    beyond BUDGET (the estimates are about 5 % high on average; a slide holds 29 lines). A lone block
    that does not fit takes the last block of the slide before along (with what stays with it:
    the sentence that explains a figure, code and its output), so that it is not alone."""
    merged = []
    for slide in slides:
        if merged and slide and slide[0][0].cell is not None and slide[0][0].cell.metadata.get("deck_continued"):
            body = slide[1:]
            before = merged[-1]
            used = sum(h for _, h in before)
            codes = sum(it.kind == "code" for it, _ in before + body)
            room = BUDGET + MERGE_SLACK * (1.0 if _lone(body) else 0.5)
            if used + sum(h for _, h in body) <= room and codes <= MAX_CODE_CELLS:
                before.extend(body)
                continue
            if _lone(body) and before and before[-1][0].kind not in ("heading", "notes"):
                take = 1
                while take + 2 < len(before) and before[-take - 1][0].keep:
                    take += 1
                moved = before[-take:]
                left = before[:-take]
                if (
                    not left[-1][0].keep  # never code without the start of its output, nor a lead-in
                    and any(it.kind not in ("heading", "notes") for it, _ in left)
                    and sum(h for _, h in moved + slide) <= BUDGET
                    and sum(it.kind == "code" for it, _ in moved + body) <= MAX_CODE_CELLS
                ):
                    del before[-take:]
                    slide[1:1] = moved
        merged.append(slide)
    return merged


CARRY = 5.6  # lines: a slide whose body is prose this short goes onto the next slide of its section
CARRY_SLACK = 2.8  # ... even this much over BUDGET (prose is estimated high; a slide holds 29 lines)


def _body(slide: list) -> list:
    return [(it, h) for it, h in slide if it.kind not in ("heading", "notes")]


def _continued(slide: list) -> bool:
    return bool(slide) and slide[0][0].cell is not None and bool(slide[0][0].cell.metadata.get("deck_continued"))


def _fit(slide: list, room: float) -> list | None:
    """The slide, its figures shrunk towards their least height if needed, when it fits ``room``."""
    over = sum(h for _, h in slide) - room
    if over > 0:
        spare = sum(h - it.least for it, h in slide if it.kind == "figure" and it.least is not None)
        if spare < over:
            return None
        slide = [
            (it, h - (h - it.least) * over / spare) if it.kind == "figure" and it.least is not None else (it, h)
            for it, h in slide
        ]
    return slide


def _carry_forward(slides: list[list]) -> list[list]:
    """A slide that shows its heading and at most a couple of lines of prose (the rest of its
    section did not fit under them) goes onto the next slide: in front of its content when that
    continues the section (which then shows the heading, not "(cont.)"), or whole above the next
    section's heading (level 3 or below) when that fits."""
    out: list[list] = []
    for slide in slides:
        before = out[-1] if out else None
        if before is not None and _carry_ok(before, slide):
            body = slide[1:] if _continued(slide) else slide
            merged = _fit(before + body, BUDGET + CARRY_SLACK)
            if merged is not None:
                out[-1] = merged
                continue
        out.append(slide)
    return out


def _carry_ok(before: list, slide: list) -> bool:
    body = _body(before)
    if not body or sum(it.kind == "code" for it, _ in before + slide) > MAX_CODE_CELLS:
        return False
    if not all(it.kind in ("para", "list", "math") for it, _ in body) or sum(h for _, h in body) > CARRY:
        return False
    return _continued(slide)


SPARSE = 11.5  # lines (about 300 px of 720): a slide whose content ends this high is near-empty


def _merge_sparse(slides: list[list]) -> list[list]:
    """A near-empty slide (SPARSE lines or fewer) shares the slide before or after it when both
    fit on one (up to MERGE_SLACK over BUDGET, figures shrunk towards their least height) and are
    of one section: the later slide continues the earlier one's heading (its "(cont.)" heading
    goes), or opens a subsection (level 3 or below) of it. At most MAX_CODE_CELLS code cells."""
    out: list[list] = []
    for slide in slides:
        before = out[-1] if out else None
        if before is not None and _same_section(before, slide):
            body = slide[1:] if _continued(slide) else slide
            sparse = min(sum(h for _, h in before), sum(h for _, h in slide)) <= SPARSE
            codes = sum(it.kind == "code" for it, _ in before + body)
            merged = _fit(before + body, BUDGET + MERGE_SLACK) if sparse and codes <= MAX_CODE_CELLS else None
            if merged is not None:
                out[-1] = merged
                continue
        out.append(slide)
    return out


MIN_PIECE = 3  # lines: a piece of code cut anew is at least this long


def _code_run(slides: list[list], k: int) -> int:
    """The number of slides from ``k`` on that hold the pieces of one cell's code, one a slide, each
    piece the last item of its slide but the last and the first (under "(cont.)") of its slide but
    the first; 0 when slide ``k`` does not start such a run."""
    last = [it for it, _ in slides[k] if it.kind != "notes"]
    if not last or last[-1].kind != "code" or last[-1].code is None:
        return 0
    source, n = last[-1].source, 1
    if k and any(it.kind == "code" and it.source == source for it, _ in slides[k - 1]):
        return 0  # not the cell's first piece
    while k + n < len(slides) and _continued(slides[k + n]):
        body = [it for it, _ in slides[k + n][1:] if it.kind != "notes"]
        if not body or body[0].kind != "code" or body[0].source != source:
            break
        n += 1
        if len(body) > 1 or k + n >= len(slides):
            break
    return n if n > 1 else 0


def _code_at_top(slides: list[list], k: int) -> bool:
    """Whether slide ``k`` continues its heading with the code of a cell (its first piece) that
    the slide before does not show."""
    body = _body(slides[k])
    if not k or not _continued(slides[k]) or not body or body[0][0].kind != "code" or body[0][0].code is None:
        return False
    return not any(it.kind == "code" and it.source == body[0][0].source for it, _ in slides[k - 1])


def _piece_heights(code: str, least_px: float, floor: int | None = None):
    """The places code may be cut (line numbers, its first and its end too; none below ``floor``,
    see _print_floor()), and a function of two of them: (the block of the lines between, its
    height or None when it is shorter than MIN_PIECE or set smaller than ``least_px``)."""
    lines = code.split("\n")
    cuts, starts = set(), [0, *_safe_cuts(lines)]
    for k, cut in enumerate(starts[1:], 1):
        if lines[cut - 1].strip() and lines[starts[k - 1]].startswith("print("):
            continue  # a printed line above the code that prints under it (a table's header)
        if floor is not None and cut > floor:
            continue  # a statement that prints would be above the piece its printout is under
        cuts.add(cut)  # (above the comments that go with the statement: _safe_cuts())
    cuts = [0, *sorted(cuts), len(lines)]
    cache: dict = {}

    def height(a: int, b: int):
        if (a, b) not in cache:
            piece = "\n".join(lines[a:b]).strip("\n")
            block = _code_block(piece) if piece else None
            ok = block is not None and block[2] >= least_px and b - a >= MIN_PIECE
            cache[a, b] = (block, block[1] if ok else None)
        return cache[a, b]

    return cuts, height


def _rebalance_code(slides: list[list]) -> list[list]:
    """Code cut over slides (see _code_blocks()) is cut anew, at top-level statements, when that
    leaves fewer slides, or fewer near-empty ones (SPARSE), or the emptiest fuller: the pieces are
    cut before the slides around them are known, and a slide of a few lines of code between two
    full ones reads badly. The first piece may also go under the text on the slide before (of the
    same heading), when the code starts its slide. Every slide stays within its height (BUDGET,
    or what it held already) and its MAX_CODE_CELLS."""
    out: list[list] = []
    k = 0
    while k < len(slides):
        # a cell that fits whole on its slide is never cut to fill a near-empty slide before it: a
        # lecturer explains a cell whole (its check with its computation)
        n = _code_run(slides, k)
        if not n:
            out.append(slides[k])
            k += 1
            continue
        run = slides[k : k + n]
        first_at_top = _continued(run[0]) and _body(run[0])[0][0].kind == "code" and (n == 1 or len(_body(run[0])) == 1)
        before = out[-1] if out and first_at_top and _body(out[-1]) else None
        best = _best_cuts(run, before)
        if best is None:
            out.append(slides[k])
            k += 1
            continue
        if before is not None and best[0] == "before":
            out.pop()
        out.extend(best[1])
        k += n
    return out


def _best_cuts(run: list[list], before: list | None):
    """The slides of a run of code pieces (see _code_run()) cut anew, and where the first piece
    goes ("before": onto the slide before the run), or None when nothing is better."""
    body = [it for it, _ in run[0] if it.kind != "notes"]
    piece = body[-1] if len(run) > 1 else next(it for it in body if it.kind == "code")  # (see _code_run())
    cuts, height = _piece_heights(*piece.code)
    code_lines = piece.code[0].split("\n")
    pieces = [next(it for it, _ in slide if it.kind == "code" and it.source == piece.source) for slide in run]
    head = [(it, h) for it, h in run[0] if it is not pieces[0]]  # what the first slide shows above the code
    tail = [(it, h) for it, h in run[-1] if it is not pieces[-1]]  # "(cont.)", then what follows the code
    cont = run[-1][0]
    limit_first = max(BUDGET, sum(h for _, h in run[0]))
    limit_last = max(BUDGET, sum(h for _, h in run[-1]))
    whole = len(run) == 1  # a cell not cut yet: only when that leaves fewer near-empty slides
    starts = [] if whole else [("run", head, limit_first)]
    if before is not None and sum(it.kind == "code" for it, _ in before) < MAX_CODE_CELLS:
        # the slide before, then the first slide of the run (its "(cont.)" heading) for the next piece
        starts.append(("before", before, BUDGET))

    def score(heights: list[float], chosen: tuple = ()) -> tuple:
        # fewer slides, fewer near-empty ones, cuts at blank lines (between paragraphs of code), balance
        unbroken = sum(1 for cut in chosen if code_lines[cut - 1].strip())
        return (len(heights), sum(h <= SPARSE for h in heights), unbroken, -min(heights), max(heights))

    current = score([sum(h for _, h in slide) for slide in ([before] if before is not None else []) + run])
    # (the slide before counts in both, so that scores compare)
    best, found = None, None
    for where, top, first_limit in starts:
        fixed_top = sum(h for _, h in top)
        for count in range(2, len(run) + 2):
            for chosen in _combinations(cuts[1:-1], count - 1):
                bounds = [0, *chosen, cuts[-1]]
                blocks = [height(a, b) for a, b in zip(bounds, bounds[1:])]
                if any(h is None for _, h in blocks):
                    continue
                hs = [fixed_top + blocks[0][1]]
                hs += [cont[1] + h for _, h in blocks[1:-1]]
                hs.append(sum(h for _, h in tail) + blocks[-1][1])
                if hs[0] > first_limit or hs[-1] > limit_last or any(h > BUDGET for h in hs[1:-1]):
                    continue
                if where == "before":
                    total = hs
                else:
                    total = ([sum(h for _, h in before)] if before is not None else []) + hs
                candidate = score(total, chosen)
                if whole and candidate[:2] >= current[:2]:
                    continue
                if candidate < current and (found is None or candidate < found):
                    found, best = candidate, (where, top, blocks)
    if best is None:
        return None
    where, top, blocks = best

    def item(block):
        made = _Item(block[0][0], block[1], "code", notes=piece.notes, source=piece.source)
        made.code = piece.code
        return made

    slides = [top + [(item(blocks[0]), blocks[0][1])]]
    for block in blocks[1:-1]:  # a slide of code alone: the "(cont.)" heading again, as a cell of its own
        cell = _md(cont[0].cell.source)
        cell.metadata["deck_continued"] = True
        slides.append([(_Item(cell, cont[1], "heading"), cont[1]), (item(block), block[1])])
    last = item(blocks[-1])
    last.keep = pieces[-1].keep
    slides.append([tail[0], (last, blocks[-1][1]), *tail[1:]])
    gone = run[1:-1] if where == "run" else run[:-1]
    slides[-1][1:1] = [(it, h) for slide in gone for it, h in slide if it.kind == "notes"]  # (of slides that went)
    return where, slides


def _combinations(values: list, count: int):
    if count == 0:
        yield ()
        return
    for k in range(len(values) - count + 1):
        for rest in _combinations(values[k + 1 :], count - 1):
            yield (values[k], *rest)


def _whole(slides: list[list], k: int) -> bool:
    """Whether slide ``k`` holds whole subsections: it opens with a heading (not a "(cont.)" one)
    and the slide after it does not continue it."""
    first = next((it for it, _ in slides[k] if it.kind != "notes"), None)
    return (
        first is not None
        and bool(first.heading)
        and bool(_body(slides[k]))
        and not (k + 1 < len(slides) and _continued(slides[k + 1]))
    )


def _merge_subsections(slides: list[list]) -> list[list]:
    """A whole subsection on a near-empty slide (SPARSE lines or fewer) shares the slide with the
    whole subsection before or after it, when both fit on one slide (BUDGET, figures shrunk
    towards their least height) with at most MAX_CODE_CELLS code cells and the later one opens no
    level-2 section. Each keeps its heading where it starts: a heading in the middle of a slide
    has all of its subsection on that slide, and a "(cont.)" slide still continues the heading
    above it."""
    out: list[list] = []
    whole: list[bool] = []
    for k, slide in enumerate(slides):
        ok = _whole(slides, k)
        if out and ok and whole[-1]:
            before = out[-1]
            short = min(sum(h for _, h in before), sum(h for _, h in slide)) <= SPARSE
            opens_section = any(it.heading and it.heading[0] <= 2 for it, _ in slide)
            codes = sum(it.kind == "code" for it, _ in before + slide)
            merged = _fit(before + slide, BUDGET) if short and not opens_section and codes <= MAX_CODE_CELLS else None
            if merged is not None:
                out[-1] = merged
                continue
        out.append(slide)
        whole.append(ok)
    return out


def _grow_figures(slides: list[list]) -> list[list]:
    """Figures drawn as large as the room left on their slide allows (up to their natural size,
    or the slide's width for a wide one): the packing keeps room for what might follow a figure,
    which often goes onto the next slide after all."""
    for slide in slides:
        spare = BUDGET - sum(h for _, h in slide)
        if all(
            it.kind in ("heading", "notes", "figure")
            or (it.kind in ("para", "list") and "$" not in (it.cell.source if it.cell else ""))
            for it, _ in slide
        ):
            spare += FIGURE_SLACK  # prose is estimated high (not maths): a figure under it may use that
        for k, (item, height) in enumerate(slide):
            if item.kind == "figure" and spare > 0.1 and item.height > height:
                grown = min(item.height, height + spare)
                spare -= grown - height
                slide[k] = (item, grown)
    return slides


def _same_section(before: list, slide: list) -> bool:
    """Whether ``slide`` goes on with the section of the slide before (see _merge_sparse())."""
    if not slide or not _body(before) or not _body(slide):
        return False
    return _continued(slide)


def _cells_of(slides: list[list]) -> list:
    """The cells of the laid-out slides: a markdown cell per run of blocks, a code cell with its
    outputs, the notes of each slide once (after its content), figures sized."""
    cells, previous = [], []
    for slide in slides:
        notes, shown = [], []
        for item, height in slide:
            for note in item.notes:
                if note not in notes:
                    notes.append(note)
            if item.cell is None:
                continue
            cell = item.cell
            if item.kind == "figure":
                meta, width, natural, _shown = item.figure
                meta["height"] = int((height - 0.4) * LINE_PX)
                meta["width"] = int(width * meta["height"] / natural)
            last = shown[-1] if shown else None
            if (
                last is not None
                and cell.cell_type == "markdown"
                and last.cell_type == "markdown"
                and not cell.metadata.get("deck_continued")
            ):
                last.source += "\n\n" + cell.source
                continue
            if (
                last is not None
                and cell.cell_type == "code"
                and not cell.source
                and last.cell_type == "code"
                and getattr(last, "_deck_source", None) == item.source
            ):
                last.outputs.extend(cell.outputs)
                wide = [t for t in cell.metadata.get("tags", []) if t.startswith("deck-out")]
                last.metadata["tags"] = [*last.metadata.get("tags", []), *wide]
                continue
            cell = copy.deepcopy(cell)
            cell._deck_source = item.source
            shown.append(cell)
        if not shown:
            text = speaker_notes(notes)
            if cells and text:
                cells.append(nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "notes"}}))
            continue
        for k, cell in enumerate(shown):
            cell.metadata["slideshow"] = {"slide_type": "slide" if k == 0 else "-"}
            if cell.cell_type == "code" and cell.source and "remove-input" in cell.metadata.get("tags", []):
                cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != "remove-input"]
            cells.append(cell)
        # a continued slide: its notes are on the slide before already; what the slide shows is
        # not repeated in them
        on_screen = "\n".join(c.source for c in shown if c.cell_type == "markdown")
        text = speaker_notes([n for n in notes if n not in previous], on_screen)
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "notes"}}))
        previous = notes
    for cell in cells:
        cell.metadata.pop("deck_continued", None)
        if "_deck_source" in cell:
            del cell["_deck_source"]
    return cells


def _unseen_images(items: list[_Item], seen: set[str]) -> list[_Item]:
    """A cell's items without the figures (widget stills) the deck has shown already: two widgets
    of one default state have the same still, which one slide shows. Their caption goes with them,
    their notes stay."""
    kept = []
    for item in items:
        data = item.cell.outputs[0].get("data", {}) if item.kind == "figure" else {}
        png = "".join(data.get("image/png", ""))
        if png and png in seen:
            if item.notes:
                kept.append(_Item(None, 0.0, "notes", brk=item.brk, notes=item.notes))
            continue
        if png:
            seen.add(png)
        kept.append(item)
    if not any(it.kind == "figure" for it in kept) and any(it.kind == "figure" for it in items):
        kept = [it for it in kept if not (it.cell is not None and it.cell.source == LIVE_CAPTION)]
    return kept


def _is_grader_test(cell) -> bool:
    grader = cell.get("metadata", {}).get("nbgrader", {})
    return bool(grader.get("grade")) and not grader.get("solution")


def deck_notebook(nb) -> nbformat.NotebookNode:
    """The notebook as its deck shows it: no checks, markers or solutions; every slide at most
    BUDGET lines high, titled, with at most MAX_CODE_CELLS code cells; long prose, plotting code
    and the answers to questions in the speaker notes; slides only (no subslides, no fragments)."""
    nb = copy.deepcopy(nb)
    widget_state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    items: list[_Item] = []
    context, heading = "", ""
    skipping = 0  # the level of the heading of a section that is not lectured (0: none)
    pending_notes: list[str] = []
    tests_follow = False  # after "N test cells follow": the code up to the next text is the tests'
    seen_images: set[str] = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        slide_type = meta.get("slideshow", {}).get("slide_type", "-")
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            found = re.search(r"^\s*(#{1,6})\s+(.*)$", source, re.M)
            if found:
                level = len(found.group(1))
                if skipping and level <= skipping:
                    skipping = 0
                if not skipping and _SKIP_SECTION.search(_plain(found.group(2))):
                    skipping = level
        elif "google.colab" in source or re.search(r"^\s*[%!]\s*pip install", source, re.M):
            continue  # setting up Colab
        if cell["cell_type"] == "markdown":
            tests_follow = bool(_TESTS_FOLLOW.search(source))
        elif tests_follow:
            continue  # a test cell, or a helper of the tests (a stand-in, a test model)
        if skipping or slide_type == "skip" or set(meta.get("tags", [])) & set(REMOVE_CELL_TAGS):
            continue
        if cell["cell_type"] == "raw" or _is_grader_test(cell):
            continue
        if slide_type == "notes":
            pending_notes.append(_notes_text(source))
            continue
        brk = slide_type if slide_type in ("slide", "subslide") else None
        if cell["cell_type"] == "markdown":
            new = _markdown_items(source, brk, [heading])
            for item in new:
                if item.heading:
                    heading = item.heading[1]
            context = source
        else:
            new = _code_items(cell, brk, context, heading, widget_state)
            new = _unseen_images(new, seen_images)
            if new and items and new[0].brk is None and new[0].kind in ("figure", "code"):
                # the sentence that explains a figure (or code) stays on its slide
                after_maths = len(items) > 1 and items[-2].kind == "math" and items[-2].keep
                if items[-1].kind in ("para", "list", "math") and items[-1].height < 8 and not after_maths:
                    items[-1].keep = True  # (the text after a formula stays with the formula instead)
        if new and pending_notes:
            new[0].notes = pending_notes + new[0].notes
            pending_notes = []
        items.extend(new)
    if pending_notes:
        items.append(_Item(None, 0.0, "notes", notes=pending_notes))
    slides = _merge_sparse(_rebalance_code(_merge_sparse(_carry_forward(_merge_back(_pack(items))))))
    nb.cells = _cells_of(_grow_figures(_merge_subsections(slides)))
    return nb


# ------------------------------------------------------------------------------------------------
# The decks
# ------------------------------------------------------------------------------------------------


def remote_references(page: str) -> list[str]:
    """The script, link, img and iframe tags of an HTML page that load something over http(s)."""
    return [page[m.start() : page.find(">", m.start()) + 1][:200] for m in _REMOTE.finditer(page)]


def convert(notebooks: list[Path], out: Path, theme: str = THEME, quiet: bool = False) -> list[Path]:
    """The decks of ``notebooks`` in ``out``: each notebook laid out by deck_notebook(), then
    ``jupyter nbconvert --to slides`` with the template in tools/slides/. The deck paths."""
    with tempfile.TemporaryDirectory(prefix="slides-") as tmp:
        laid_out = []
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            target = Path(tmp) / path.name
            nbformat.write(deck_notebook(nb), target)
            laid_out.append(target)
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "slides",
            f"--output-dir={out}",
            f"--template-file={TEMPLATE}",
            *nbconvert_options(theme),
            *map(str, laid_out),
        ]
        env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise SlidesError(f"jupyter nbconvert --to slides failed:\n{result.stderr.strip()[-3000:]}")
    if not quiet and result.stderr.strip():
        for line in result.stderr.strip().splitlines():
            if "Writing" not in line and "Converting notebook" not in line:
                print(line, file=sys.stderr)
    decks = [out / f"{nb.stem}.slides.html" for nb in notebooks]
    missing = [d.name for d in decks if not d.is_file()]
    if missing:
        raise SlidesError(f"nbconvert wrote no {', '.join(missing)} in {out}")
    for deck in decks:
        deck.write_text(tidy_notes(deck.read_text(encoding="utf-8")), encoding="utf-8")
    return decks


_NOTES = re.compile(r'(<aside class="notes">)(.*?)(</aside>)', re.S)
_EDGE = re.compile(r"^(?:\s*<[^>]*>)*\s*")  # the tags (and the whitespace around them) before a text's first word


def tidy_notes(page: str) -> str:
    """The deck's page with no whitespace between the tags that open and close each slide's
    speaker notes: the notes start with their first word (a copy of their text, the speaker view),
    not with the blank lines of the cell's nested divs."""

    def tidy(found) -> str:
        body = found.group(2)
        head = _EDGE.match(body).group()
        tail = _EDGE.match(body[::-1].replace(">", "\0").replace("<", ">").replace("\0", "<")).group()
        core = body[len(head) : len(body) - len(tail)]
        strip = lambda part: re.sub(r">\s+<", "><", part.strip())  # noqa: E731
        return found.group(1) + strip(head) + core + strip(body[len(body) - len(tail) :]) + found.group(3)

    return _NOTES.sub(tidy, page)


_CONDENSED = re.compile(r"condensed_(\d+)")  # tools/condensed_deck.py's one-lecture decks, in the same folder


def write_index(out: Path, decks: list[Path]):
    """index.html: a link to each deck, the notebooks' in order ("03 backprop through time"), then
    the condensed decks of tools/condensed_deck.py ("One lecture: the whole series in 75 minutes")."""
    items, condensed = [], []
    for deck in sorted(decks):
        name = deck.name.removesuffix(".slides.html")
        if m := _CONDENSED.fullmatch(name):
            label = f"One lecture: the whole series in {m.group(1)} minutes"
            condensed.append((-int(m.group(1)), f'<li><a href="{html.escape(deck.name)}">{label}</a></li>'))
            continue
        title = name.split("_", 1)[-1].replace("_", " ")
        items.append(f'<li><a href="{html.escape(deck.name)}">{html.escape(name[:2])} {html.escape(title)}</a></li>')
    items += [item for _, item in sorted(condensed)]
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Slides</title>\n'
        "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.6}</style></head>\n"
        "<body><h1>How a recurrent neural network really works: slides</h1>\n<ul>\n"
        + "\n".join(items)
        + "\n</ul>\n<p>The right arrow or the space bar steps through every slide in order, "
        "<kbd>S</kbd> opens the speaker view with the notes, <kbd>Esc</kbd> the overview. "
        "The widgets show their saved state: to move a "
        "slider, switch to the notebook in JupyterLab.</p>\n</body></html>\n"
    )


def build(
    notebooks: list[Path] | None = None,
    out: Path = DEFAULT_OUT,
    cache: Path = DEFAULT_CACHE,
    theme: str = THEME,
    quiet: bool = False,
) -> list[Path]:
    """Everything: fetch (once) and copy the assets, convert, index, check. Returns the decks."""
    notebooks = [Path(p) for p in notebooks] if notebooks else sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        raise SlidesError(f"no notebooks in {NOTEBOOKS}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fetch_assets(Path(cache), quiet=quiet)
    copy_assets(out, Path(cache))
    _copy(DECK_CSS, out / DECK_CSS.name)
    decks = convert(notebooks, out, theme, quiet=quiet)
    write_index(out, list(out.glob("*.slides.html")))
    problems = {d.name: refs for d in decks if (refs := remote_references(d.read_text(encoding="utf-8")))}
    theme_css = out / "reveal.js" / "dist" / "theme" / f"{theme}.css"
    if not theme_css.is_file():
        raise SlidesError(f"reveal.js 4 has no theme {theme!r} ({theme_css} is missing)")
    if re.search(r"@import\s+url\(\s*[\"']?https?:", theme_css.read_text(encoding="utf-8")):
        print(
            f"note: the theme {theme!r} loads its fonts from the web; offline the browser substitutes "
            "its own (local fonts: white, black, white-contrast, black-contrast, serif, dracula)",
            file=sys.stderr,
        )
    if problems:
        raise SlidesError(
            "decks still load from the network:\n" + "\n".join(f"  {name}: {refs}" for name, refs in problems.items())
        )
    return decks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: slides/)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="where the npm packages are kept (default: build/slides-assets/)",
    )
    parser.add_argument("--theme", default=THEME, help=f"reveal.js theme (default: {THEME})")
    args = parser.parse_args(argv)
    try:
        decks = build(args.notebooks, args.out, args.cache, args.theme)
    except SlidesError as exc:
        print(f"build_slides: {exc}", file=sys.stderr)
        return 1
    print(f"{len(decks)} decks in {args.out}; open {args.out / 'index.html'} in a browser (works offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

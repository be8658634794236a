"""Build reveal.js slide decks of the notebooks that work offline, opened straight from disk.

Usage::

    python tools/build_slides.py                           # every notebook -> slides/
    python tools/build_slides.py --out /tmp/deck notebooks/03_backprop_through_time.ipynb
    python tools/build_slides.py --theme black             # any reveal.js 4 theme with local fonts

Each deck is made from a committed (executed) notebook in two steps. First deck_notebook() lays
the notebook out for a lecture: cells tagged as bookkeeping (``check``, ``solution``, ``skip``, an
exercise's note and test cell) are left out, and so are the parts that are not lectured (a section
whose heading says "optional", the Setup/Colab cells, 00's "Check your machine"), asserts and
``raise AssertionError``, nbval markers, hidden tests and solution blocks in the code that remains,
prose sentences about what is asserted (kept in the notes) and "(N points)" in headings;
sub-slides become slides and there are no fragment steps (every slide opens with its content); a
slide is filled to at most BUDGET lines of a 1280x720 slide (about 25) with at most one code cell,
and continued on a slide titled "§ heading (continued)" beyond that (code is cut only between
top-level statements, a heading never ends a slide, and a continuation that fits goes back onto
the slide before); a long paragraph keeps its first sentence (two if it is a question; initials
and abbreviations do not end one; reading lists stay whole), and every slide that shows part of
such a cell has the whole of it in its speaker notes (so do the answers to the check-yourself
questions; MathJax leaves the notes alone); figures get alt text and a readable height (at least
about 400 px, on a slide of their own below long code). Then ``jupyter nbconvert --to slides`` renders it with the
template and style sheet in tools/slides/ (linear navigation, no scrolling slides, code wrapped
at the slide's edge, MathJax typeset once when the deck opens, reveal.js's ``.progress`` style
kept off the widgets' progress bars).

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

Widgets in the decks are drawn from the widget state saved in the notebook (the HTML manager
renders it): they show the values and figures they had when the notebook was executed, but
nothing answers when a slider moves, since there is no kernel. Present the interactive parts from
JupyterLab (see docs/classroom.md).

Needs ``jupyter nbconvert`` (installed with the project) and, the first time only, ``npm``.
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
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
CHARS_PER_CODE_LINE = 104  # 19 px monospace on a 1230 px wide slide (it wraps beyond)
CHARS_PER_PROSE_LINE = 92  # 24 px proportional type
PROSE_LINE = 1.31  # one line of 24 px prose at line height 1.35, in code lines
HEADING = {1: 2.4, 2: 2.1, 3: 1.85, 4: 1.65, 5: 1.5, 6: 1.5}
FIGURE_MAX = 17.0  # a figure is at most this tall (420 px) ...
FIGURE_MIN = 16.5  # ... and at least this (407 px, or its natural size): else it goes to the next slide
FIGURE_ALONE = 22.0  # a figure alone on its slide (543 px)
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
# Sections that are not lectured: their heading, up to the next heading of the same or a higher level
_SKIP_SECTION = re.compile(r"optional|^setup\b|colab|check your machine", re.I)
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
    for m in re.finditer(r"[.!?](?=\s+[A-Z*(\[`$])", masked):
        if _NOT_AN_END.search(masked[: m.end()]):
            continue
        if m.group() == "?" or sentences > 1:
            if sentences > 1 and m.group() != "?":
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


def _without_asserts(body: str) -> str:
    """A paragraph without its sentences about what is asserted (they stay in the notes)."""
    if not _ASSERTED.search(_mask(body)) and not _ASSERTED.search(body):
        return body
    return " ".join(s for s in _sentences(body) if not _ASSERTED.search(s))


def shorten_block(kind: str, text: str, cut_ok: bool = True) -> tuple[str, float, bool]:
    """(what the slide shows of a block, its height in code lines, whether anything was left out);
    ``cut_ok=False`` keeps the prose whole (a reading list)."""
    if kind == "heading":
        level = len(text) - len(text.lstrip("#"))
        chars = len(_plain(text))
        return text, HEADING[level] * max(1, -(-chars // (60 if level <= 2 else 70))), False
    if kind == "math":
        return text, _math_lines(text), False
    if kind == "code":
        body = text.split("\n")[1:-1]
        return text, 0.6 + sum(max(1, -(-len(line) // CHARS_PER_CODE_LINE)) for line in body), False
    if kind == "table":
        return text, _table_height(text.split("\n")), False
    if kind == "details":  # answers to questions: the speaker's, not the screen's
        return "", 0.0, True
    if kind == "list":
        shown, height, cut = [], 0.3, False
        for item in _list_items(text):
            body = " ".join(item.split())
            short = _without_asserts(body)
            if short != body:
                body, cut = short, True
                if not re.match(r"([-*+]|\d+[.)])\s+\S", body):
                    continue
            if cut_ok and len(_plain(body)) > SHORT_PARAGRAPH:
                short = first_sentence(body)
                if len(short) < len(body):
                    body, cut = short + " …", True
            marker = re.match(r"\s*([-*+]|\d+[.)])\s", item).group()
            body = body[len(marker.strip()) :].strip() if body.startswith(marker.strip()) else body
            shown.append(marker.rstrip() + " " + body)
            height += _prose_lines(body, CHARS_PER_PROSE_LINE - 4) + 0.1
            if "$$" in body:
                height += 1.5
        return "\n".join(shown), height, cut
    body = " ".join(text.split())
    short = _without_asserts(body)
    cut = short != body
    body = short
    if not body:
        return "", 0.0, True
    if cut_ok and len(_plain(body)) > SHORT_PARAGRAPH:
        short = first_sentence(body)
        if len(short) < len(body):
            body, cut = short + " …", True
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


def _text_height(lines: list[str]) -> float:
    return 0.5 + sum(max(1, -(-len(line.expandtabs()) // CHARS_PER_CODE_LINE)) for line in lines)


def _html_height(html_text: str) -> float:
    """Height of an HTML output: table rows as tall as their tallest cell, other text as prose."""
    height = 0.8
    for row in re.findall(r"<tr\b.*?</tr>", html_text, re.S | re.I):
        cells = re.findall(r"<t[dh]\b.*?</t[dh]>", row, re.S | re.I) or [row]
        columns = max(1, len(cells))
        tallest = 1.0
        for cell in cells:
            text = re.sub(r"<br\s*/?>|</p>|</div>|</li>", "\n", cell, flags=re.I)
            text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip("\n")
            width = max(8, CHARS_PER_CODE_LINE // columns)
            lines = sum(max(1, -(-len(line) // width)) for line in text.split("\n"))
            if re.search(r"<(h\d|b|strong)\b", cell) and "<pre" in cell:
                lines += 1.5
            tallest = max(tallest, lines)
        height += 0.6 + tallest * 0.95
    rest = re.sub(r"<tr\b.*?</tr>", "", html_text, flags=re.S | re.I)
    breaks = len(re.findall(r"<br\b|<p\b|<div\b|<li\b|<h\d\b", rest, re.I))
    text = html.unescape(re.sub(r"<[^>]+>", " ", rest))
    return height + breaks * 0.6 + PROSE_LINE * (len(" ".join(text.split())) / CHARS_PER_PROSE_LINE)


def _outputs(cell) -> list:
    """The cell's outputs as the slide shows them: streams merged, long text elided."""
    merged = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            if merged and merged[-1].get("output_type") == "stream" and merged[-1]["name"] == out["name"]:
                merged[-1]["text"] += out["text"]
                continue
            out = nbformat.from_dict({"output_type": "stream", "name": out["name"], "text": out["text"]})
        merged.append(out)
    for out in merged:
        if out.get("output_type") == "stream":
            lines = _text_lines(out["text"])
            if len(lines) > OUTPUT_MAX_LINES:
                head, tail = lines[: OUTPUT_MAX_LINES - 8], lines[-5:]
                missing = len(lines) - len(head) - len(tail)
                out["text"] = "\n".join([*head, f"[… {missing} more lines: see the notebook …]", *tail]) + "\n"
    return merged


class _Deck:
    """Cells laid out on slides of at most BUDGET lines, one code cell a slide."""

    def __init__(self):
        self.cells, self.used, self.has_code, self.pending = [], 0.0, False, True
        self.heading, self.notes, self.slides = "", [], 0
        self.heights: dict[int, float] = {}  # id(cell) -> its height, for merge_continued()

    def room(self) -> float:
        return BUDGET - self.used

    def start(self, continued: bool):
        """A new slide; a continued one is titled with the heading it continues."""
        if self.pending and self.used == 0:
            return
        self.used, self.has_code, self.pending = 0.0, False, True
        if continued and self.heading:  # markdown, so that its maths is typeset
            self.add(nbformat.v4.new_markdown_cell(f"#### § {self.heading} {CONTINUED}"), 1.7)

    def add(self, cell, height: float, fragment: bool = False):
        # no fragment steps: a slide opens with everything on it (a fragment that was a slide's
        # only content opened it on an empty screen)
        slide_type = "slide" if self.pending else "-"
        if self.pending:
            self.slides += 1
        cell.metadata["slideshow"] = {"slide_type": slide_type}
        self.pending = False
        self.used += height
        self.heights[id(cell)] = height
        self.cells.append(cell)
        if self.notes:
            for text in self.notes:
                self.note(text)
            self.notes = []

    def note(self, text: str):
        if self.pending and not self.cells:
            self.notes.append(text)
            return
        self.cells.append(nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "notes"}}))


def _notes_text(markdown: str) -> str:
    """The full text of a markdown cell for the speaker notes, answers unfolded."""
    text = re.sub(r"</?details>", "", markdown, flags=re.I)
    return re.sub(r"<summary>(.*?)</summary>", r"**\1**", text, flags=re.I | re.S)


def _lay_out_markdown(deck: _Deck, cell, new_slide: bool, fragment: bool):
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if new_slide:
        deck.start(False)
    shown, cut = [], False
    reading = False  # a reading list is shown whole
    for kind, text in markdown_blocks(source):
        if kind == "heading":
            reading = bool(re.search(r"reading|references", text, re.I))
        body, height, left_out = shorten_block(kind, text, cut_ok=not reading)
        cut |= left_out
        if kind == "table" and height > BUDGET - 4:
            shown.extend(("table", part, _table_height(part.split("\n"))) for part in _split_table(body))
        elif body:
            shown.append((kind, body, height))
    parts, height, first = [], 0.0, True

    def flush():
        nonlocal parts, height, first
        if parts:
            deck.add(nbformat.v4.new_markdown_cell("\n\n".join(parts)), height, fragment and first)
            first = False
            if cut:  # every slide that shows part of the cell has the whole of it in its notes
                deck.note(_notes_text(source))
        parts, height = [], 0.0

    for i, (kind, body, h) in enumerate(shown):
        need = h
        if kind == "heading" and i + 1 < len(shown):  # a heading goes with what follows it
            following = shown[i + 1][2]
            need += following if following <= BUDGET - h - 2 else min(3.0, following)
        if deck.used + height + need > BUDGET and (deck.used + height) > 0:
            flush()
            deck.start(continued=kind != "heading")
        if kind == "heading":
            deck.heading = body.lstrip("#").strip()
        parts.append(body)
        height += h
    flush()
    if cut and first:
        deck.note(_notes_text(source))
    return source


def _split_code(code: str, limit: int) -> list[str]:
    """Code too long for one slide, in pieces of at most ``limit`` lines (at blank lines if possible)."""
    lines, pieces = code.split("\n"), []
    safe = _safe_cuts(lines)
    start = 0
    while len(lines) - start > limit:
        # a blank line before a top-level statement, else any top-level statement; a block longer
        # than a slide stays whole (it is shown smaller)
        window = [i for i in safe if start + 1 <= i <= start + limit]
        blank = [i for i in window if not lines[i - 1].strip() and i - start >= limit // 2]
        later = [i for i in safe if i > start + limit]
        cut = max(blank) if blank else max(window) if window else (min(later) if later else len(lines))
        pieces.append("\n".join(lines[start:cut]).strip("\n"))
        start = cut
    pieces.append("\n".join(lines[start:]).strip("\n"))
    return [p for p in pieces if p]


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
    return sorted(i for i in starts if 0 < i < len(lines) and not _CONTINUES.match(lines[i]))


def _lay_out_code(deck: _Deck, cell, new_slide: bool, fragment: bool, context: str):
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    tags = set(cell.get("metadata", {}).get("tags", []))
    code, solution = strip_code(source)
    if tags & set(REMOVE_INPUT_TAGS):
        code = ""
    outputs = [] if solution else _outputs(cell)
    if not code.strip() and not outputs:
        return
    if new_slide:
        deck.start(False)
    pieces = _split_code(code, int(BUDGET) - 5) if code.strip() else []

    def code_height(text: str) -> float:
        full = 0.9 + _text_height(_text_lines(text)) if text else 0.0
        for _tag, scale in SMALL_CODE:  # a block too long for a slide (never cut inside) is set smaller
            if full > BUDGET - 2.5:
                full = 0.9 + (full - 0.9) * scale
        return full

    def new_cell(text: str):
        c = nbformat.v4.new_code_cell(text)
        if not text:
            c.metadata["tags"] = ["remove-input"]
        full = 0.9 + _text_height(_text_lines(text)) if text else 0.0
        for tag, scale in SMALL_CODE:
            if full > BUDGET - 2.5:
                c.metadata["tags"] = [tag]
                full = 0.9 + (full - 0.9) * scale
        return c

    for piece in pieces[:-1]:  # a long cell: all but its last part on slides of their own
        if deck.has_code or deck.used > 0:
            deck.start(True)
        deck.add(new_cell(piece), code_height(piece), fragment)
        deck.has_code, fragment = True, False
    last = pieces[-1] if pieces else ""
    current, height = new_cell(last), code_height(last)

    def first_need(out) -> float:
        if "image/png" in out.get("data", {}):
            return FIGURE_MIN if height <= LONG_CODE else 0.0
        if out.get("output_type") == "stream":
            return min(_text_height(_text_lines(out["text"])), 4.0)
        return 3.0

    # a new slide for the code if there is one already, if the code does not fit, or if the code and
    # the start of its output do not fit on a slide that already holds more than a few lines
    if (
        deck.has_code
        or (deck.used > 0 and height > deck.room())
        or (deck.used > 6 and height + (first_need(outputs[0]) if outputs else 0) > deck.room())
    ):
        deck.start(True)
    placed = False

    def emit():
        nonlocal current, height, placed, fragment
        if current.source or current.outputs:
            deck.add(current, height, fragment)
            deck.has_code, fragment = True, False
        placed = True
        current, height = new_cell(""), 0.0

    for out in outputs:
        data = out.get("data", {})
        room = deck.room() - height
        if "image/png" in data:
            width, natural = _png_size(data["image/png"])
            meta = out.setdefault("metadata", {}).setdefault("image/png", {})
            if isinstance(meta.get("width"), (int, float)) and meta["width"] > 0:  # e.g. a retina figure
                width, natural = meta["width"], natural * meta["width"] / width
            shown = min(natural, natural * MAX_WIDTH_PX / width)  # height at the widest it may be
            want = min(FIGURE_MAX, shown / LINE_PX)
            least = min(want, FIGURE_MIN)
            if (want > room and room < least + 0.4) or height > LONG_CODE:
                # no room for it at a readable size, or long code above it: a slide of its own
                emit()
                deck.start(True)
                room = deck.room()
            if not (current.source or current.outputs) and deck.used <= 2:  # alone: as large as it may be
                want = min(FIGURE_ALONE, shown / LINE_PX)
            lines = min(want, room - 0.4)
            meta["height"] = int(lines * LINE_PX)
            meta["width"] = int(width * meta["height"] / natural)
            meta["alt"] = figure_alt(source, _plain(deck.heading), context)
            current.outputs.append(out)
            height += lines + 0.4
        elif out.get("output_type") == "stream":
            lines = _text_lines(out["text"])
            while lines:
                room = deck.room() - height
                take, need = 0, 0.5
                while take < len(lines) and need + max(1, -(-len(lines[take]) // CHARS_PER_CODE_LINE)) <= room:
                    need += max(1, -(-len(lines[take]) // CHARS_PER_CODE_LINE))
                    take += 1
                if take < min(3, len(lines)):  # not even three lines here: on the next slide
                    if not (current.source or current.outputs) and deck.used <= 2:
                        take = max(1, take)
                    else:
                        emit()
                        deck.start(True)
                        continue
                part = nbformat.from_dict({"output_type": "stream", "name": out["name"], "text": ""})
                part["text"] = "\n".join(lines[:take]) + "\n"
                current.outputs.append(part)
                height += _text_height(lines[:take])
                lines = lines[take:]
                if lines:
                    emit()
                    deck.start(True)
        else:
            if "application/vnd.jupyter.widget-view+json" in data:
                need = 15.0
            elif "text/html" in data:
                need = _html_height("".join(data["text/html"]))
                if need > BUDGET - 4:  # a wide table of samples: shown smaller rather than cut off
                    zoom = max(0.5, (BUDGET - 4) / need)
                    data["text/html"] = f'<div style="zoom: {zoom:.2f}">' + "".join(data["text/html"]) + "</div>"
                    need *= zoom
            elif "text/markdown" in data:
                need = sum(shorten_block(k, t)[1] for k, t in markdown_blocks("".join(data["text/markdown"])))
            elif "text/plain" in data:
                need = _text_height(_text_lines("".join(data["text/plain"])))
            else:
                need = 3.0
            if need > room and (current.source or current.outputs or deck.used > 2):
                emit()
                deck.start(True)
            current.outputs.append(out)
            height += need
    emit()
    return placed


def deck_notebook(nb) -> nbformat.NotebookNode:
    """The notebook as its deck shows it: no checks, markers or solutions; every slide at most
    BUDGET lines high with at most one code cell; long prose and the answers to questions in the
    speaker notes; continued slides titled; slides only (no subslides)."""
    nb = copy.deepcopy(nb)
    deck = _Deck()
    context = ""
    skipping = 0  # the level of the heading of a section that is not lectured (0: none)
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        slide_type = meta.get("slideshow", {}).get("slide_type", "-")
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            heading = re.search(r"^\s*(#{1,6})\s+(.*)$", source, re.M)
            if heading:
                level = len(heading.group(1))
                if skipping and level <= skipping:
                    skipping = 0
                if not skipping and _SKIP_SECTION.search(_plain(heading.group(2))):
                    skipping = level
            if _POINTS.search(source):
                cell["source"] = "\n".join(
                    _POINTS.sub("", line) if re.match(r"\s*#{1,6}\s", line) else line for line in source.split("\n")
                )
        elif "google.colab" in source or re.search(r"^\s*[%!]\s*pip install", source, re.M):
            continue  # setting up Colab
        if skipping or slide_type == "skip" or set(meta.get("tags", [])) & set(REMOVE_CELL_TAGS):
            continue
        if cell["cell_type"] == "raw":
            continue
        if slide_type == "notes":
            deck.note("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"])
            continue
        new_slide, fragment = slide_type in ("slide", "subslide"), slide_type == "fragment"
        if cell["cell_type"] == "markdown":
            context = _lay_out_markdown(deck, cell, new_slide, fragment)
        else:
            _lay_out_code(deck, cell, new_slide, fragment, context)
    nb.cells = merge_continued(deck.cells, deck.heights)
    return nb


def _slides_of(cells) -> list[list]:
    slides = []
    for cell in cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") == "slide" or not slides:
            slides.append([])
        slides[-1].append(cell)
    return slides


def _only_headings(markdown: str) -> bool:
    return all(re.match(r"\s*#{1,6}\s", line) for line in markdown.split("\n") if line.strip())


def _is_continued(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.startswith("#### § ") and cell.source.endswith(CONTINUED)


def merge_continued(cells, heights: dict) -> list:
    """The slides without "(continued)" slides that hold nothing but their heading (their notes go
    to the slide before), and with a continued slide merged back into the one before when the two
    fit on one slide (and hold at most one code cell between them)."""
    slides = _slides_of(cells)
    merged = []
    for slide in slides:
        shown = [c for c in slide if c.metadata.get("slideshow", {}).get("slide_type") != "notes"]
        if merged and shown and _is_continued(shown[0]):
            body = shown[1:]
            before = [c for c in merged[-1] if c.metadata.get("slideshow", {}).get("slide_type") != "notes"]
            used = sum(heights.get(id(c), 0.0) for c in before)
            codes = sum(c.cell_type == "code" for c in before + body)
            if not body or (used + sum(heights.get(id(c), 0.0) for c in body) <= BUDGET and codes <= 1):
                for cell in slide:
                    if cell is not shown[0]:
                        if cell.metadata["slideshow"]["slide_type"] == "slide":
                            cell.metadata["slideshow"]["slide_type"] = "-"
                        merged[-1].append(cell)
                continue
            if before and all(c.cell_type == "markdown" and _only_headings(c.source) for c in before):
                # a slide of nothing but a heading, continued: the heading moves onto this slide
                slide[slide.index(shown[0])] = before[0]
                for cell in merged.pop():
                    if cell is not before[0]:
                        cell.metadata["slideshow"]["slide_type"] = "-" if cell in before else "notes"
                        slide.append(cell)
                before[0].metadata["slideshow"]["slide_type"] = "slide"
                slide.sort(key=lambda c: c.metadata["slideshow"]["slide_type"] != "slide")
        merged.append(slide)
    return [c for slide in merged for c in slide]


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
    return decks


def write_index(out: Path, decks: list[Path]):
    items = []
    for deck in sorted(decks):
        name = deck.name.removesuffix(".slides.html")
        title = name.split("_", 1)[-1].replace("_", " ")
        items.append(f'<li><a href="{html.escape(deck.name)}">{html.escape(name[:2])} {html.escape(title)}</a></li>')
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

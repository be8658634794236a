"""tools/build_slides.py: reveal.js decks that work offline, opened from disk, and can be projected.

Fast tests: the deck of one small notebook (01) loads reveal.js (and require.js, jQuery, MathJax,
the widgets renderer) from the copies next to it and nothing from a CDN, and has one slide per
slide of its laid-out notebook, none of them a vertical subslide; the layout leaves out asserts,
nbval markers, hidden tests and solutions, moves long prose to the speaker notes and puts at most
two code cells on a slide; code is broken only between tokens (an unbreakable line makes its block
smaller), wide printouts are set smaller and shortened ones keep their labels, lines for the
student at a keyboard or for grading ("Expected:", test cells and their helpers, study time, a
running kernel, widget code) stay off the slides, notes are not repeated, no continued slide
shows a lone sentence and a split table shares its rows out evenly; long string literals are split
into adjacent literals that mean the same (checked on every code cell of every notebook), the
notes write powers as superscripts, a printout of samples keeps every sample's first lines, and a
tall HTML table is split by rows rather than shrunk below HTML_ZOOM.

Browser tests (real Chromium, every http(s) request blocked): the 01 deck starts, typesets its
maths and shows its widget's still image (no live view that cannot answer); and EVERY deck, opened
from file:// at 1280x720, is stepped through with the right-arrow key as a lecturer would,
asserting on each slide that it was reached, that nothing runs past its bottom or right edge or is
clipped, that no assert, marker or solution (nor "Expected:", "(N points)", a test cell, a running
kernel, a study time) is shown, that every image has alt text and keeps its aspect ratio, that
every formula was typeset, and that a widget's progress bar has a size; and, for a lecture: that
each slide shows something besides its heading before any fragment, that no code starts inside a
block (indented, ``else:``, a closing bracket), that no heading belongs to an
optional/Setup/"Check your machine" part or keeps its "(N points)", that no paragraph is cut at an
initial ("E. …") or talks about asserts, that a slide whose prose was cut has speaker notes (and
MathJax left them alone), and that every figure is shown at least 400 px tall or at 0.6 of its
natural size.

The first build fetches the pinned packages with npm into build/slides-assets/ (gitignored);
later builds need neither npm nor a network. Without npm (and without that cache) the tests are
skipped, and the browser tests are skipped without Chromium or Playwright; when the environment
variable CI is set they fail instead.
"""

import base64
import copy
import importlib.util
import io
import os
import re
import shutil
import sys
import tokenize
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return sys.modules[name]


build_slides = _load("build_slides")

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
NOTEBOOK = ROOT / "notebooks" / "01_hello_vocabulary.ipynb"  # small, with maths and a widget


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"CI is set, so this test may not be skipped: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    if not build_slides.cached() and shutil.which("npm") is None:
        _unavailable(
            f"npm is needed once to fetch reveal.js and the other slide assets into {build_slides.DEFAULT_CACHE}"
        )
    out = tmp_path_factory.mktemp("slides")
    [path] = build_slides.build([NOTEBOOK], out=out, quiet=True)
    return path


class _Sections(HTMLParser):
    """Counts the <section> elements inside <div class="slides">, by nesting depth."""

    def __init__(self):
        super().__init__()
        self.stack, self.in_slides, self.counts = [], None, {}

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr", "col", "source", "wbr", "area", "base"):
            return  # void elements: no end tag follows
        self.stack.append(tag)
        if tag == "div" and "slides" in (dict(attrs).get("class") or "").split() and self.in_slides is None:
            self.in_slides = len(self.stack)
        elif tag == "section" and self.in_slides is not None:
            depth = self.stack[self.in_slides :].count("section")
            self.counts[depth] = self.counts.get(depth, 0) + 1

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
            if self.in_slides is not None and len(self.stack) < self.in_slides:
                self.in_slides = -1  # the slides are over; count nothing after them


def _slide_types(nb) -> list[str]:
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in nb["cells"]]


def test_deck_uses_the_local_reveal_js(deck):
    page = deck.read_text(encoding="utf-8")
    out = deck.parent
    assert 'href="reveal.js/dist/reveal.css"' in page
    assert '"reveal.js/dist/reveal.js"' in page, "reveal.js is not required from the local copy"
    assert "unpkg.com" not in page and "cdnjs" not in page and "jsdelivr" not in page
    assert not build_slides.remote_references(page), "a script or style sheet still comes from the web"
    for local in (
        "reveal.js/dist/reveal.js",
        "reveal.js/dist/reveal.css",
        "reveal.js/dist/theme/white.css",
        "reveal.js/plugin/notes/notes.js",
        "vendor/require.js",
        "vendor/jquery.min.js",
        "vendor/mathjax/MathJax.js",
        "vendor/mathjax/config/TeX-AMS_CHTML-full.js",
        "vendor/html-manager/embed-amd.js",
    ):
        assert (out / local).is_file(), f"{local} was not copied next to the deck"
    assert (out / "index.html").is_file()


def test_deck_has_a_slide_per_slide_and_no_subslides(deck):
    laid_out = build_slides.deck_notebook(nbformat.read(NOTEBOOK, as_version=4))
    types = _slide_types(laid_out)
    assert "subslide" not in types and "skip" not in types
    slides = types.count("slide")
    parser = _Sections()
    parser.feed(deck.read_text(encoding="utf-8"))
    assert parser.counts.get(1) == slides, f"{parser.counts.get(1)} top-level <section>s, the layout has {slides}"
    assert parser.counts.get(2) == slides, (
        f"{parser.counts.get(2)} nested <section>s for {slides} slides: a slide has vertical subslides"
    )


def test_code_on_slides_has_no_checks_markers_or_solutions():
    source = (
        "# NBVAL_IGNORE_OUTPUT\n"
        "# (why: timings differ between machines;\n"
        "# the next cell checks the rest)\n"
        "x = 1\n"
        "assert x == 1, (\n"
        "    'x is one')\n"
        "for k in range(3):\n"
        "    assert k < 3\n"
        "def f(y):\n"
        "    ### BEGIN SOLUTION\n"
        "    return y + 1\n"
        "    ### END SOLUTION\n"
        "### BEGIN HIDDEN TESTS\n"
        "assert f(1) == 2\n"
        "### END HIDDEN TESTS\n"
        "print(f'{x} asserts')  # a comment stays\n"
    )
    code, solution = build_slides.strip_code(source)
    assert solution
    assert code == "x = 1\ndef f(y):\n    ...  # your code here\nprint(f'{x} asserts')  # a comment stays"


def test_first_sentence_and_code_cuts():
    """Initials and abbreviations do not end a sentence, a question keeps its answer, and code is
    cut only between top-level statements."""
    assert build_slides.first_sentence("As E. Hinton et al. showed, e.g. here. Rest.") == (
        "As E. Hinton et al. showed, e.g. here."
    )
    assert build_slides.first_sentence("Why is it so? Because of x. More.") == "Why is it so? Because of x."
    # a quotation is never cut inside: its closing quote and * end the sentence with it
    quoted = 'A learner wrote: *"How do I use this? I see no text. It runs."* The gist loops. More.'
    assert build_slides.first_sentence(quoted) == 'A learner wrote: *"How do I use this? I see no text. It runs."*'
    assert build_slides.first_sentence('He said "Stop." Then he left.') == 'He said "Stop."'
    body = "\n".join(f"    y{i} = {i}" for i in range(30))
    code = "def f():\n" + body + "\n\n    return y0\n\nz = f()\nif z:\n    z += 1\nelse:\n    z = 0"
    for piece in build_slides._split_code(code, 20):
        assert not re.match(r"\s|else\b|[)\]}]", piece), piece[:40]
    code, _ = build_slides.strip_code("x = 1\nif x != 1:\n    raise AssertionError('x')\ny = 2")
    assert code == "x = 1\ny = 2"


def _png(width: int, height: int) -> str:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + width.to_bytes(4, "big") + height.to_bytes(4, "big")
    return base64.b64encode(header + b"\x08\x02\x00\x00\x00").decode()  # never decoded


def _md(text, slide_type="-"):
    return nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": slide_type}})


def _code(source, slide_type="-", outputs=(), **meta):
    return nbformat.v4.new_code_cell(
        source, metadata={"slideshow": {"slide_type": slide_type}, **meta}, outputs=list(outputs)
    )


def _stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _figure(width=1200, height=600):
    return nbformat.v4.new_output("display_data", data={"image/png": _png(width, height), "text/plain": "<Figure>"})


def _slides(laid_out) -> list[list]:
    """The laid-out notebook as slides: [[shown cells], ...] and the notes of each."""
    slides = []
    for cell, slide_type in zip(laid_out.cells, _slide_types(laid_out)):
        if slide_type == "slide" or not slides:
            slides.append({"shown": [], "notes": []})
        slides[-1]["notes" if slide_type == "notes" else "shown"].append(cell)
    return slides


def _lay_out(cells):
    return _slides(build_slides.deck_notebook(nbformat.v4.new_notebook(cells=cells)))


def _shown_text(slide) -> str:
    parts = []
    for cell in slide["shown"]:
        parts.append(cell.source)
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") + "".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_layout_of_a_dense_notebook():
    """Long prose to the notes in whole sentences, checks out, long output elided (not split),
    figures sized and described."""
    long = " ".join(
        f"This sentence explains step {i} of the derivation in more words than a slide holds." for i in range(6)
    )
    cells = [
        _md("## A heading\n\n" + long, "slide"),
        _code("a = 1\nassert a == 1"),
        _code(
            "import matplotlib.pyplot as plt\n_ = plt.title('Loss against steps')",
            "subslide",
            [_stream("".join(f"line {i}\n" for i in range(60))), _figure()],
        ),
        _code("b = 2", "skip", tags=["check"]),
    ]
    laid_out = build_slides.deck_notebook(nbformat.v4.new_notebook(cells=cells))
    types = _slide_types(laid_out)
    assert "subslide" not in types and "fragment" not in types
    notes = [c for c, t in zip(laid_out.cells, types) if t == "notes"]
    rest = long[len(build_slides._whole_sentences(long)) :].strip()
    assert notes and rest in notes[0].source, "the rest of the long paragraph is not in the speaker notes"
    assert "step 0 " not in notes[0].source, "the notes repeat the sentence the slide shows"
    assert not notes[0].source.startswith("#"), "the notes start with the heading the slide shows"
    first = laid_out.cells[0].source
    assert first.startswith("## A heading") and len(first) < 320 and first.endswith("holds.")
    code = "\n".join(c.source for c in laid_out.cells if c.cell_type == "code")
    assert "assert" not in code and "b = 2" not in code
    streams = [o for c in laid_out.cells if c.cell_type == "code" for o in c.outputs if o.get("name") == "stdout"]
    assert len(streams) == 1, "a printout was split over slides"
    assert "line 0\n" in streams[0].text and "line 59\n" in streams[0].text and "more lines" in streams[0].text
    [figure] = [
        o for c in laid_out.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})
    ]
    meta = figure.metadata["image/png"]
    assert meta["alt"] == "Figure: Loss against steps"
    assert meta["height"] <= build_slides.FIGURE_ALONE * build_slides.LINE_PX and meta["width"] == 2 * meta["height"]


def test_two_short_cells_share_a_slide():
    """Short code cells (each a slide of its own in the notebook) share one slide, with their output."""
    slides = _lay_out(
        [
            _md("## Two steps", "slide"),
            _code("x = 1\nprint(x)", "subslide", [_stream("1\n")]),
            _md("Then one more.", "subslide"),
            _code("y = x + 1\nprint(y)", "fragment", [_stream("2\n")]),
        ]
    )
    assert len(slides) == 1, f"{len(slides)} slides for two short cells"
    text = _shown_text(slides[0])
    assert "x = 1" in text and "y = x + 1" in text and "1\n" in text and "2\n" in text


def test_tables_and_printouts_are_never_split():
    """A table that does not fit under the text above it moves whole (with its header) to the
    next slide; so does a printout; every slide is titled, a continued one "(cont.)"."""
    intro = "\n\n".join(f"Point {i} of the argument, made in a sentence." for i in range(12))
    table = "| step | loss |\n|---|---|\n" + "\n".join(f"| {i} | {i / 10:.1f} |" for i in range(12))
    printout = "".join(f"row {i}: {i * i}\n" for i in range(14))
    slides = _lay_out(
        [
            _md("## Results\n\n" + intro, "slide"),
            _md(table),
            _code("for i in range(14):\n    print(f'row {i}: {i * i}')", "-", [_stream(printout)]),
        ]
    )
    holding = [s for s in slides if "| 0 |" in _shown_text(s) or "| 11 |" in _shown_text(s)]
    assert len(holding) == 1, "the table's rows are on more than one slide"
    assert "| step | loss |" in _shown_text(holding[0])
    rows = [s for s in slides if "row 0:" in _shown_text(s) or "row 13:" in _shown_text(s)]
    assert len(rows) == 1 and "row 0:" in _shown_text(rows[0]) and "row 13:" in _shown_text(rows[0])
    for slide in slides:
        first = slide["shown"][0]
        assert first.cell_type == "markdown" and first.source.startswith("#"), "a slide without a heading"
    assert any(s["shown"][0].source.endswith("Results (cont.)") for s in slides[1:])


def test_solutions_tests_and_keyboard_lines_never_shown():
    """Solution blocks, nbgrader test cells, "(N points)", "Run it" and sentences for the student
    at the keyboard are not projected (the sentences stay in the notes)."""
    slides = _lay_out(
        [
            _md(
                "## Exercise 1 · Softmax (2 points)\n\nWrite `softmax(y)`. The cell below runs your function.", "slide"
            ),
            _code(
                "def softmax(y):\n    ### BEGIN SOLUTION\n    e = np.exp(y)\n"
                "    return e / e.sum()\n    ### END SOLUTION"
            ),
            _code(
                "assert softmax([0.0]).sum() == 1",
                nbgrader={"grade": True, "solution": False, "grade_id": "t", "points": 2},
            ),
            _md("### Run it\n\nRun it, then compare.", "subslide"),
        ]
    )
    shown = "\n".join(_shown_text(s) for s in slides)
    for text in ("BEGIN SOLUTION", "END SOLUTION", "np.exp", "points", "assert", "cell below", "Run it"):
        assert text not in shown, f"{text!r} is on a slide"
    assert "...  # your code here" in shown and "Write `softmax(y)`." in shown
    notes = "\n".join(n.source for s in slides for n in s["notes"])
    assert "The code runs your function." in notes and "BEGIN SOLUTION" not in notes and "Run it" not in notes


def test_figure_stays_with_its_sentence_and_long_plot_code_goes_to_the_notes():
    plot = "\n".join(f"_ = ax.plot(x, x ** {k}, label='power {k}')" for k in range(8))
    filler = _code("\n".join(f"v{i} = {i}" for i in range(14)), "-", [_stream("done\n")])
    slides = _lay_out(
        [
            _md("## Powers", "slide"),
            filler,
            _md("The eight powers of $x$ on one axis."),
            _code("fig, ax = plt.subplots()\n" + plot, "-", [_figure()]),
        ]
    )
    [slide] = [
        s for s in slides if any("image/png" in o.get("data", {}) for c in s["shown"] for o in c.get("outputs", []))
    ]
    assert "The eight powers of $x$ on one axis." in _shown_text(slide), "the figure left its sentence behind"
    assert "ax.plot" not in _shown_text(slide), "long plotting code is on the slide"
    assert any("ax.plot(x, x ** 7" in n.source for n in slide["notes"]), "the plotting code is not in the notes"


def test_teasers_keep_whole_sentences():
    """A shortened paragraph ends at a sentence's end (never "…", never at an initial), a question
    keeps its answer; the whole paragraph is in the notes."""
    para = "What does it cost? One matrix product per step, as E. Hinton et al. noted. " + " ".join(
        f"Then explanation {i} follows that the slide has no room for at all." for i in range(5)
    )
    [slide] = _lay_out([_md("## Cost\n\n" + para, "slide")])
    shown = slide["shown"][0].source
    assert "…" not in shown
    assert "What does it cost? One matrix product per step, as E. Hinton et al. noted." in shown
    assert shown.rstrip().endswith(".") and len(shown) < len(para)
    notes = " ".join(slide["notes"][0].source.split())
    assert para[len(shown) - len("## Cost\n\n") :].strip() in notes and "What does it cost?" not in notes


def test_code_is_wrapped_for_the_slide():
    """Code lines longer than CODE_WIDTH are broken only between tokens, after a comma or an
    opening bracket (the code still parses, with the same tokens): never inside a string literal
    or at an operator, never continued at column 0, no stub of a few characters on a line."""
    source = (
        "result = np.hstack([np.zeros((H, 1)), np.ones((H, 1)), np.full((H, 1), 2.0), np.eye(H)[:, :1]])  # stack\n"
        "def f(x):\n"
        "    return some_function(argument_one, argument_two, argument_three, argument_four, five)\n"
        "controls = {\n"
        '    "temperature": widgets.FloatSlider(value=0.7, min=0.0, max=2.0, step=0.05, description="t",\n'
        '                                       continuous_update=False, style={"description_width": "initial"}),\n'
        "}\n"
        "loss, grads, hprev = rnn_lib.loss_and_grads(params, ids[p:p + seq_length], ids[p + 1:p + seq_length + 1], h)\n"
    )
    wrapped = build_slides.wrap_code(source, 70)
    compile(wrapped, "<slide>", "exec")
    lines = wrapped.split("\n")
    assert all(len(line) <= 70 for line in lines), [line for line in lines if len(line) > 70]
    assert all(len(line.strip()) >= 6 for line in lines if line.strip() not in ("", "}")), "a stub line"
    tokens = [t.string for t in tokenize.generate_tokens(io.StringIO(wrapped).readline) if t.string.strip()]
    assert '"description_width"' in tokens and '"initial"' in tokens and "ids[p:p + seq_length]" in wrapped
    for before, line in zip(lines, lines[1:]):
        opened = before.rstrip().endswith((",", "(", "[", "{"))
        assert not (line and not line[0].isspace() and line[0] not in ")]}" and opened), line
        assert not re.match(r"\s*[-+*/@]", line), f"a line starts at an operator: {line!r}"


def test_an_unbreakable_line_stays_whole_and_its_block_is_smaller():
    """A line with no valid break within CODE_WIDTH (an f-string that is one long replacement
    field) is left whole, and its block is set smaller (at least 15 px) instead of being wrapped
    by the browser."""
    line = '    print(f"{np.linalg.norm(first_gradient_of_the_model - second_gradient_of_it):.3e}")'
    assert build_slides.wrap_code("def f(x):\n" + line, 70) == "def f(x):\n" + line
    [slide] = _lay_out([_md("## Entropy", "slide"), _code("def f(x):\n" + line)])
    [cell] = [c for c in slide["shown"] if c.cell_type == "code"]
    assert line in cell.source and set(cell.metadata["tags"]) & {"deck-wide", "deck-wider"}
    css = build_slides.DECK_CSS.read_text()
    assert re.search(r"celltag_deck-wider div.highlight > pre \{ font-size: 15px", css)
    assert "white-space: pre;" in css, "the browser wraps code again"


def _canonical(tree) -> str:
    """ast.dump with adjacent literal parts of f-strings joined and docstrings' whitespace evened."""
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            values = []
            for value in node.values:
                if values and isinstance(value, ast.Constant) and isinstance(values[-1], ast.Constant):
                    values[-1] = ast.Constant(values[-1].value + value.value)
                else:
                    values.append(value)
            node.values = values
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                first.value.value = " ".join(first.value.value.split())
    return ast.dump(tree)


def test_long_strings_are_split_into_adjacent_literals():
    """A long string literal inside brackets is split at a space (outside any replacement field,
    or between two fields) into adjacent literals with the same prefix, the next under the first;
    never inside a triple-quoted string. Long docstring lines and comments wrap at a word, at
    their indent. The code means the same: for every code cell of every notebook, the wrapped code
    compiles to the same syntax tree (f-strings' literal parts joined, docstrings' whitespace
    evened), and nearly every line fits CODE_WIDTH."""
    import ast

    wrap = build_slides.wrap_code
    names = {"val_ids": "ab", "val_nats": 1.0, "d": {"key with spaces": 1}, "width": 3}

    def evaluate(code: str):
        """The value of the call on the line: its arguments (the strings as Python reads them)."""
        call = ast.parse(code).body[0].value
        return [eval(compile(ast.Expression(arg), "<slide>", "eval"), dict(names)) for arg in call.args]  # noqa: S307

    cases = {
        'print(f"validation loss on all {len(val_ids):,} held-out characters: {val_nats:.3f} nats/char")': (
            'print(f"validation loss on all {len(val_ids):,} held-out characters: "\n      f"{val_nats:.3f} nats/char")'
        ),
        "foo(rb'a raw byte string with a \\ backslash, long enough to need a break here, ok')": None,
        "print(f\"{{braces}} and {d['key with spaces']!r:>{width}} and a tail long enough to break it\")": None,
        'print("a string with \\N{EM DASH} and \\"quotes\\" in it, long enough to be split at a space")': None,
        "print(f\"{'model':<29}{'parameters':>12}{'steps':>9}{'characters':>13}{'wall':>11}\")": None,
        'print("""a triple-quoted string that is long, but it is never split inside at all, ok""")': "same",
    }
    for source, expected in cases.items():
        wrapped = wrap(source, 70)
        assert _canonical(ast.parse(wrapped)) == _canonical(ast.parse(source)), wrapped
        assert evaluate(wrapped) == evaluate(source), wrapped
        if expected == "same":
            assert wrapped == source
        else:
            assert all(len(line) <= 70 for line in wrapped.split("\n")), wrapped
            if expected:
                assert wrapped == expected
    doc = 'def f(x):\n    """' + "A docstring line with many words that goes on " * 3 + '."""\n    return x'
    wrapped = wrap(doc, 70)
    assert all(len(line) <= 70 for line in wrapped.split("\n")) and wrapped.count('"""') == 2
    assert all(line.startswith("    ") for line in wrapped.split("\n")[1:]), wrapped
    comment = "    # " + "a comment of many words " * 4 + "end"
    assert all(len(line) <= 70 and line.startswith("    # ") for line in wrap(comment, 70).split("\n"))
    long_lines = total = 0
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            code, _ = build_slides.strip_code(cell.source)
            try:
                tree = ast.parse(code)
            except SyntaxError:
                continue  # IPython syntax: left as it is
            wrapped = wrap(code, build_slides.CODE_WIDTH)
            assert _canonical(ast.parse(wrapped)) == _canonical(tree), f"{notebook.name}: {wrapped[:300]}"
            lines = wrapped.split("\n")
            total += len(lines)
            long_lines += sum(len(line) > build_slides.CODE_WIDTH for line in lines)
    assert long_lines <= total / 200, f"{long_lines} of {total} code lines longer than CODE_WIDTH"


def test_superscripts_in_the_notes():
    """The notes write powers as superscripts (else ^(...)), and keep a power ** in code."""
    tex = build_slides.tex_text
    assert tex(r"1 - \tanh(a)^2") == "1 - tanh(a)²"
    assert tex(r"10^{-12} \cdot x^{n+1}") == "10⁻¹² · xⁿ⁺¹" and tex(r"x^{1/2}") == "x^(1/2)"
    notes = build_slides.speaker_notes(["The slope. **Expected:** `1 - tanh(a)**2` matches the centred differences."])
    assert "Shows: `1 - tanh(a)**2` matches" in notes, notes


def test_every_sample_of_a_printout_keeps_its_label_and_first_lines():
    """A printout of several samples too tall for a slide keeps every sample's label line and its
    first lines (long ones cut at the slide's width with "…"), never only the labels while there
    is room; the summary after the last sample stays."""
    samples = "".join(
        f"---- sample at step {k * 1000:,} ({k * 5} s) ----\n"
        + "".join(f"line {i} of sample {k} " + "word " * (30 if i == 1 else 3) + "\n" for i in range(9))
        + "\n"
        for k in range(5)
    )
    text = samples + "6,345 steps in 25.0 s (254 steps/s)\n"
    # more than half of the lines would be cut on one slide: the samples go on over two
    first, second, *_ = _lay_out([_md("## Watching the run", "slide"), _code("run()", "-", [_stream(text)])])
    assert "run()" in _shown_text(first) and "Watching the run (cont.)" in _shown_text(second)
    shown = _shown_text(first) + _shown_text(second)
    for k in range(5):
        assert shown.count(f"---- sample at step {k * 1000:,}") == 1, f"sample {k} was dropped or repeated"
        assert f"line 0 of sample {k}" in shown and f"line 1 of sample {k}" in shown, f"sample {k} lost its lines"
    assert "6,345 steps in 25.0 s" in _shown_text(second) and "…" in shown
    width = build_slides.CHARS_PER_OUTPUT_LINE
    assert all(len(line) <= width for line in shown.split("\n") if "sample" in line)
    # fewer lines: one slide, each sample cut to its first lines
    short = "".join(
        f"---- T = {k} ----\n" + "".join(f"line {i} of sample {k}\n" for i in range(6)) + "\n" for k in range(4)
    )
    [slide] = _lay_out([_md("## Temperatures", "slide"), _code("run()", "-", [_stream(short)])])
    assert all(f"---- T = {k} ----" in _shown_text(slide) for k in range(4))


def test_a_tall_html_table_is_split_not_shrunk_below_the_floor():
    """A wide HTML table too tall for a slide is shown at HTML_ZOOM or larger: its rows go onto
    slides of their own rather than being shrunk to unreadable type."""
    cell = "<td><b>step</b><pre>" + "\n".join(f"sampled line {i} of text" for i in range(14)) + "</pre></td>"
    table = "<table>" + "".join(f"<tr>{cell * 4}</tr>" for _ in range(3)) + "</table>"
    html = nbformat.v4.new_output("display_data", data={"text/html": table, "text/plain": "t"})
    slides = _lay_out([_md("## Samples", "slide"), _code("show()", "-", [html])])
    shown = [o["data"]["text/html"] for s in slides for c in s["shown"] for o in c.get("outputs", [])]
    assert sum(h.count("<tr>") for h in shown) == 3, "a row of the table was lost"
    for h in shown:
        zoom = re.match(r'<div style="zoom: ([\d.]+)">', h)
        assert zoom is None or float(zoom.group(1)) >= build_slides.HTML_ZOOM, h[:40]


def test_wide_printouts_are_smaller_and_cut_printouts_keep_their_labels():
    """A table printed wider than the slide gets a smaller font (each row on one line); a
    printout too long for a slide keeps the label line of every block."""
    table = "".join(
        f"{name:<30}{'1,791,006':>15}{'60,000':>10}{'48.0 M':>14}{'6 min':>12}{'1.770':>12}{'2.553':>12}\n"
        for name in ("model", "7-gram", "vanilla RNN", "GRU", "LSTM")
    )
    temps = "\n".join(
        f"temperature {t}:\n" + "".join(f"  sample line {i} at {t}\n" for i in range(12))
        for t in (0.2, 0.5, 0.8, 1.0, 1.5)
    )
    slides = _lay_out(
        [
            _md("## Results", "slide"),
            _code("show()", "-", [_stream(table)]),
            _md("## Samples", "slide"),
            _code("show()", "-", [_stream(temps)]),
        ]
    )
    cells = [c for s in slides for c in s["shown"] if c.cell_type == "code"]
    assert any(t.startswith("deck-out-") for t in cells[0].metadata["tags"]), cells[0].metadata
    shown = "\n".join(_shown_text(s) for s in slides)
    for t in (0.2, 0.5, 0.8, 1.0, 1.5):
        assert f"temperature {t}:" in shown, f"the label of block {t} was cut"
    assert "more lines" in shown


def test_keyboard_and_grading_lines_are_not_projected():
    """The "Expected: ..." sentences, "Testing ..." sections with their helpers, "N test cells
    follow", study-time lines and "needs a running kernel" go to the notes (or nowhere); a
    widget shows its still view, its code is in the notes; notes are not repeated on the next
    slide and carry no "(N points)"."""
    widget = nbformat.v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "w"}
    )
    long = " ".join(["A sentence of the derivation that takes room on the slide."] * 12)
    slides = _lay_out(
        [
            _md("# Title\n\n**Time:** about 50 minutes on your own, plus 15 for the exercise.", "slide"),
            _md("## Softmax (2 points)\n\nWe check the sum. **Expected:** every row sums to 1.", "slide"),
            _md("Two test cells follow, one point each. The softmax is positive."),
            _code("def stand_in(y):\n    return 0"),
            _md("### Testing `softmax`\n\nThree checks.", "subslide"),
            _code("def random_model(V):\n    return V"),
            _md("## Next\n\nPrerequisites: notebook 01. **Time:** about 30 minutes.", "slide"),
            _md("## Explore", "slide"),
            _md("The slider needs a running kernel: here t = 0."),
            _code(
                "slider = IntSlider()\ndisplay(figure_widget(draw, slider))",
                "-",
                [_stream("move t (needs a running kernel)\n"), widget],
            ),
            _md("## Long (3 points)\n\n" + long, "slide"),
            _code("\n".join(f"v{i} = {i}" for i in range(24))),
        ]
    )
    shown = "\n".join(_shown_text(s) for s in slides)
    for text in (
        "Expected",
        "test cell",
        "Testing",
        "random_model",
        "minutes",
        "running kernel",
        "IntSlider",
        "points",
        "stand_in",
    ):
        assert text not in shown, f"{text!r} is projected"
    assert "We check the sum." in shown and "The softmax is positive." in shown and "notebook 01." not in shown
    notes = [n.source for s in slides for n in s["notes"]]
    assert any("Prerequisites: notebook 01." in n for n in notes)
    assert any(n.count("Shows: Every row sums to 1.") == 1 for n in notes), "no one-line Shows: in the notes"
    assert any("IntSlider" in n for n in notes)
    assert not any("points)" in n for n in notes)
    for before, after in zip(slides, slides[1:]):
        repeated = {n.source for n in before["notes"]} & {n.source for n in after["notes"]}
        assert not repeated, "a note repeated on the next slide"


def test_no_lone_sentence_or_table_row_on_a_continued_slide():
    """A continued slide never shows one short sentence alone (it goes back onto the slide
    before, or takes that slide's last block along), and a table split over slides shares its
    rows out evenly (never one row alone)."""
    intro = "\n\n".join(f"Point {i} of the argument, made in a sentence of some length." for i in range(14))
    slides = _lay_out([_md("## Argument\n\n" + intro, "slide"), _md("And so the last point follows.")])
    for slide in slides[1:]:
        body = slide["shown"][0].source.split("\n\n")[1:] + [c.source for c in slide["shown"][1:]]
        assert len(body) > 1, f"a lone sentence on a continued slide: {body}"
    table = "| step | loss |\n|---|---|\n" + "\n".join(f"| {i} | {i / 10:.1f} |" for i in range(21))
    parts = build_slides._split_table(table)
    assert len(parts) > 1 and min(len(p.split("\n")) for p in parts) >= 2 + len(parts[0].split("\n")) // 2 - 1


def test_walls_of_true_are_condensed():
    text = "".join(f"{name:>5}: every relative error below 1e-6: True\n" for name in ("Wxh", "Whh", "Why", "bh"))
    condensed, changed = build_slides.condense_checks("header\n" + text)
    assert changed and condensed == "header\nWxh, Whh, Why, bh: every relative error below 1e-6: True\n"
    mixed = "at least 4000 steps: True\nsame split: True\nbelow the baseline: True\n"
    assert build_slides.condense_checks(mixed)[0].count("\n") == 1


def test_no_pilcrows_in_the_deck(deck):
    assert "--HTMLExporter.anchor_link_text=" in build_slides.nbconvert_options()
    page = deck.read_text(encoding="utf-8")
    assert "¶" not in page, "an anchor link (¶) is left in a heading or in the notes"


@pytest.mark.slow
def test_deck_works_offline_in_a_browser(deck):
    browser_check = _load("browser_check")
    missing = [m for m in browser_check.missing_requirements() if "Chromium" in m or "playwright" in m]
    if missing:
        _unavailable("the offline deck check needs " + "; ".join(missing))
    from playwright.sync_api import sync_playwright

    remote, failed, errors = [], [], []
    with sync_playwright() as playwright:
        browser = browser_check.launch_browser(playwright)
        page = browser_check.new_context(browser).new_page()
        page.route("http*://**", lambda route: (remote.append(route.request.url), route.abort()))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("pageerror", lambda exc: errors.append(str(exc)[:300]))
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", timeout=30_000)
        page.wait_for_function("() => document.querySelectorAll('.MathJax_CHTML').length > 0", timeout=30_000)
        mathjax_idle = "() => MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running"
        page.wait_for_function(mathjax_idle, timeout=30_000)  # typesetting done (else a jump races it)
        mathjax = page.locator(".MathJax_CHTML").count()
        live_views = page.locator(".widget-slider").count()  # a widget is shown as its still, not live
        # the widget's slide: its still image under the caption "Live in JupyterLab; ..."
        position = page.evaluate("""() => {
            const caption = [...document.querySelectorAll('.slides p')].find(
                p => p.textContent.startsWith('Live in JupyterLab'));
            const sub = caption.closest('.slides > section > section');
            const top = sub.parentElement;
            return [[...top.parentElement.children].indexOf(top), [...top.children].indexOf(sub)]; }""")
        page.goto(f"{deck.as_uri()}#/{position[0]}/{position[1]}")
        page.wait_for_timeout(1000)  # the template re-typesets the maths of each new slide
        page.wait_for_function(mathjax_idle, timeout=30_000)
        widget_images = page.evaluate(
            "() => [...Reveal.getCurrentSlide().querySelectorAll('img')].map(i => i.naturalWidth)"
        )
        browser_check.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(browser_check.SCREENSHOTS / f"slides_{NOTEBOOK.stem}.png"))
        # a progress bar as ipywidgets and tqdm draw it: reveal.js's own ".reveal .progress"
        # rule (absolute, hidden, its bar scaled to 0) must not reach it
        progress = page.evaluate("""() => {
            const bar = document.createElement('div');
            bar.className = 'widget-inline-hbox widget-hprogress widget-progress jupyter-widgets';
            bar.innerHTML = '<div class="progress"><div class="progress-bar" style="width: 50%"></div></div>';
            Reveal.getCurrentSlide().appendChild(bar);
            const sizes = [...bar.querySelectorAll('.progress, .progress-bar')].map(e => {
                const r = e.getBoundingClientRect(); return [r.width, r.height, getComputedStyle(e).display]; });
            bar.remove();
            return sizes; }""")
        browser.close()
    assert not remote, f"the deck asked the network for {remote}"
    assert not failed, f"files the deck needs are missing: {failed}"
    assert not errors, f"JavaScript errors: {errors}"
    assert mathjax > 10, f"MathJax typeset only {mathjax} formulas"
    assert widget_images and all(w > 0 for w in widget_images), "the saved widget's still is not drawn"
    assert live_views == 0, "a widget that does not answer is drawn live on a slide"
    (track_w, track_h, track_display), (bar_w, bar_h, _) = progress
    assert track_display != "none" and track_w > 50 and track_h > 5, f"the progress bar's track is {progress[0]}"
    assert 0.4 * track_w < bar_w < 0.6 * track_w and bar_h > 5, f"a 50 % progress bar is drawn as {progress[1]}"


# ------------------------------------------------------------------------------------------------
# Every deck, as a lecturer projects it
# ------------------------------------------------------------------------------------------------

STARTUP_JS = """() => new Promise(done => {
    if (!window.MathJax || !MathJax.Hub) { done(); return; }
    MathJax.Hub.Register.StartupHook('End', () => { MathJax.Hub.Queue(() => { done(); }); });
})"""
MEASURE_JS = """async () => {
    if (window.MathJax && MathJax.Hub) { await new Promise(done => MathJax.Hub.Queue(done)); }
    const slide = Reveal.getCurrentSlide();
    const box = slide.getBoundingClientRect();
    const scale = Reveal.getScale();
    let right = 0, bottom = 0, rightEl = '', top = 0;
    const clipped = [];
    for (const el of slide.querySelectorAll('*')) {
        // (MathJax's hidden copies of the formulas for screen readers count too: tools/slides/deck.css
        // keeps them inside, so any measurement of the page agrees with this one)
        if (el.closest('aside.notes, script, style')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if ((r.right - box.right) / scale > right) {
            right = (r.right - box.right) / scale;
            rightEl = el.tagName.toLowerCase() + '.' + [...el.classList].join('.');
        }
        bottom = Math.max(bottom, (r.bottom - box.bottom) / scale);
        top = Math.min(top, (r.top - Math.max(box.top, 0)) / scale);
        if (el.closest('.MJX_Assistive_MathML')) continue;  // (clipped to 1 px by MathJax, on purpose)
        const style = getComputedStyle(el);
        if (el.scrollWidth > el.clientWidth + 1 && ['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX)
                && el !== slide && el.clientWidth > 0) {
            clipped.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
        }
    }
    const texts = [];
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (!parent.closest('aside.notes, script, style, .MathJax_Preview')) texts.push(walker.currentNode.data);
    }
    const markdown = [];
    for (const md of slide.querySelectorAll('.jp-RenderedMarkdown')) {
        const w = document.createTreeWalker(md, NodeFilter.SHOW_TEXT);
        while (w.nextNode()) {
            const p = w.currentNode.parentElement;
            if (!p.closest('aside.notes, script, .MathJax_Preview, code, pre, .MathJax_CHTML')) {
                markdown.push(w.currentNode.data);
            }
        }
    }
    const images = [...slide.querySelectorAll('img')].map(i => ({
        alt: i.getAttribute('alt') || '', width: i.getBoundingClientRect().width / scale,
        height: i.getBoundingClientRect().height / scale, natural: i.naturalWidth,
        naturalHeight: i.naturalHeight}));
    const progress = [...slide.querySelectorAll('.widget-progress .progress, .progress-bar')].map(
        p => { const r = p.getBoundingClientRect(); return [r.width, r.height]; });
    // what the slide shows when it opens, before any fragment: something besides its heading
    const skip = 'h1, h2, h3, h4, h5, h6, aside.notes, script, style, .fragment, .MathJax_Preview, '
        + '.MJX_Assistive_MathML';
    let bodyOpen = false;
    const bw = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    while (bw.nextNode() && !bodyOpen) {
        const p = bw.currentNode.parentElement;
        if (!p.closest(skip) && bw.currentNode.data.replace('¶', '').trim()) {
            const r = p.getBoundingClientRect();
            bodyOpen = r.width > 0 && r.height > 0 && getComputedStyle(p).visibility !== 'hidden';
        }
    }
    for (const el of slide.querySelectorAll('img, .MathJax_CHTML, .jupyter-widgets')) {
        if (!el.closest(skip) && el.getBoundingClientRect().height > 0) bodyOpen = true;
    }
    const figures = [...slide.querySelectorAll('.jp-RenderedImage img')].map(i => ({
        height: i.getBoundingClientRect().height / scale, natural: i.naturalHeight}));
    const idx = Reveal.getIndices();
    return {
        bodyOpen, figures,
        headings: [...slide.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(h => !h.closest('aside.notes')).map(
            h => h.innerText.replace('¶', '').trim()),
        paragraphs: [...slide.querySelectorAll('.jp-RenderedMarkdown p, .jp-RenderedMarkdown li')].filter(
            p => !p.closest('aside.notes')).map(p => p.innerText.trim()),
        codeStarts: [...slide.querySelectorAll('.jp-CodeCell .jp-InputArea pre')].map(
            p => p.textContent.split(String.fromCharCode(10))[0]),
        notesTypeset: slide.querySelectorAll('aside.notes .MathJax_CHTML, aside.notes .MathJax').length,
        index: idx.h + '/' + (idx.v || 0),
        title: (slide.querySelector('h1, h2, h3, h4') || {innerText: ''}).innerText.replace('¶', '').trim(),
        scrollHeight: slide.scrollHeight, clientHeight: slide.clientHeight,
        right, rightEl, bottom, top, clipped, images, progress,
        text: texts.join(''),
        markdown: markdown.join(''),
        maths: [...slide.querySelectorAll('.MathJax_CHTML')].filter(m => !m.closest('aside.notes')).length,
        blankMaths: [...slide.querySelectorAll('.MathJax_CHTML')].filter(m => !m.closest('aside.notes')).filter(
            m => m.getBoundingClientRect().width < 1 || !m.querySelector('.mjx-math')).length,
        mathSources: [...slide.querySelectorAll('script[type^="math/tex"]')].filter(
            m => !m.closest('aside.notes')).length,
        code: slide.querySelectorAll('.jp-CodeCell').length,
        notes: slide.querySelectorAll('aside.notes').length,
    };
}"""


FORBIDDEN = re.compile(
    r"assert |NBVAL|### BEGIN|### END|SOLUTION|¶|\(\d+ points?\)|Expected:|\btest cells?\b|running kernel"
    r"|\bTime\W+about \d+ minutes"
)


def deck_page(browser, remote: list, errors: list):
    """A 1280x720 page that refuses the network (recording each address in ``remote``) and records
    JavaScript errors in ``errors``: a deck as a projector shows it, offline."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
    context.route("http*://**", lambda route: (remote.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)[:300]))
    return page


def walk_deck(page, deck: Path) -> tuple[int, list[dict]]:
    """Open ``deck`` from disk and press the right arrow until its end, as a presenter does.
    (the deck's number of slides, what each slide reached showed with all its fragments)"""
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    page.evaluate(STARTUP_JS)  # the maths typeset once, when the deck opens
    total = page.evaluate("() => Reveal.getTotalSlides()")
    slides, steps = {}, 0
    while True:
        key, more = page.evaluate(
            "() => { const i = Reveal.getIndices();"
            " return [i.h + '/' + (i.v || 0), Reveal.availableFragments().next]; }"
        )
        if not more and key not in slides:  # every fragment shown: the slide as the audience last sees it
            slides[key] = page.evaluate(MEASURE_JS)
        if (not more and page.evaluate("() => Reveal.isLastSlide()")) or steps > 20 * total:
            break
        page.keyboard.press("ArrowRight")
        steps += 1
    return total, list(slides.values())


def slide_problems(slide: dict) -> list[str]:
    """What is wrong with one slide, as a list of readable complaints."""
    where = f"slide {slide['index']} {slide['title'][:50]!r}"
    problems = []
    if slide["scrollHeight"] > slide["clientHeight"] + 1 or slide["bottom"] > 1:
        past = max(slide["scrollHeight"] - slide["clientHeight"], slide["bottom"])
        problems.append(f"{where}: runs {past:.0f} px past the bottom")
    if slide["right"] > 1:
        problems.append(f"{where}: {slide['rightEl'][:60]} runs {slide['right']:.0f} px past the right edge")
    if slide["clipped"]:
        problems.append(f"{where}: content clipped on the right in {slide['clipped'][:3]}")
    shown = FORBIDDEN.findall(slide["text"])
    if shown:
        problems.append(f"{where}: shows {sorted(set(shown))}")
    for image in slide["images"]:
        if not image["alt"].strip() or image["alt"].startswith("No description"):
            problems.append(f"{where}: an image without alt text")
        if image["natural"] == 0:
            problems.append(f"{where}: an image is not drawn")
        elif image["height"] > 0 and image["naturalHeight"] > 0:
            shown, natural = image["width"] / image["height"], image["natural"] / image["naturalHeight"]
            if abs(shown / natural - 1) > 0.03:
                problems.append(f"{where}: an image is squeezed ({shown:.2f} wide per high, drawn {natural:.2f})")
    if slide["code"] > build_slides.MAX_CODE_CELLS:
        problems.append(f"{where}: {slide['code']} code cells")
    if not slide["headings"]:
        problems.append(f"{where}: no heading")
    if slide["top"] < -1:
        problems.append(f"{where}: starts {-slide['top']:.0f} px above the top edge")
    if slide["maths"] != slide["mathSources"] or slide["blankMaths"]:
        problems.append(
            f"{where}: {slide['mathSources']} formulas, {slide['maths']} typeset, {slide['blankMaths']} of them blank"
        )
    if re.search(r"\$[^$\s][^$]*\$", slide["markdown"]):
        problems.append(f"{where}: raw TeX between dollar signs")
    if not slide["bodyOpen"]:
        problems.append(f"{where}: opens on an empty screen (nothing but its heading before any fragment)")
    for start in slide["codeStarts"]:
        if re.match(r"\s+\S|(else|elif|except|finally)\b|[)\]}]", start):
            problems.append(f"{where}: code cut inside a block, it starts with {start[:40]!r}")
    for heading in slide["headings"]:
        if re.search(r"optional|setup|check your machine|\(\d+ points?\)", heading, re.I):
            problems.append(f"{where}: a heading of a part that is not lectured: {heading[:60]!r}")
    for paragraph in slide["paragraphs"]:
        if re.search(r"(^|\s)[A-Z]\. …$", paragraph):
            problems.append(f"{where}: a sentence cut at an initial: {paragraph[-60:]!r}")
        if paragraph.endswith("…"):
            problems.append(f"{where}: a paragraph cut mid-thought: {paragraph[-60:]!r}")
        if re.search(r"\bassert(s|ed)?\b", paragraph, re.I):
            problems.append(f"{where}: bookkeeping on the slide: {paragraph[:60]!r}")
    if slide["notesTypeset"]:
        problems.append(f"{where}: the speaker notes were typeset ({slide['notesTypeset']} formulas)")
    for figure in slide["figures"]:
        if figure["height"] < 400 and figure["height"] < 0.6 * figure["natural"] - 1:
            problems.append(
                f"{where}: a figure {figure['height']:.0f} px tall of its {figure['natural']} px: too small to read"
            )
    if any(w < 1 or h < 1 for w, h in slide["progress"]):
        problems.append(f"{where}: a widget progress bar is drawn 0 px wide or high")
    return problems


@pytest.fixture(scope="module")
def every_deck(tmp_path_factory):
    if not build_slides.cached() and shutil.which("npm") is None:
        _unavailable(
            f"npm is needed once to fetch reveal.js and the other slide assets into {build_slides.DEFAULT_CACHE}"
        )
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    out = tmp_path_factory.mktemp("every-deck")
    return list(zip(notebooks, build_slides.build(notebooks, out=out, quiet=True)))


@pytest.mark.slow
def test_every_deck_can_be_projected(every_deck):
    browser_check = _load("browser_check")
    missing = [m for m in browser_check.missing_requirements() if "Chromium" in m or "playwright" in m]
    if missing:
        _unavailable("the deck walk needs " + "; ".join(missing))
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    problems, remote, errors, report = [], [], [], []

    def walk(decks, densest_too: bool) -> None:
        """Walk ``decks`` in a Chromium of this thread's own (Playwright's sync API is per thread)."""
        with sync_playwright() as playwright:
            browser = browser_check.launch_browser(playwright)
            page = deck_page(browser, remote, errors)
            for notebook, deck in decks:
                laid_out = build_slides.deck_notebook(nbformat.read(notebook, as_version=4))
                expected = _slide_types(laid_out).count("slide")
                total, slides = walk_deck(page, deck)
                name = deck.name.removesuffix(".slides.html")
                report.append(f"{name}: {len(slides)} of {total} slides reached")
                if not (len(slides) == total == expected):
                    problems.append(
                        f"{name}: the right arrow reached {len(slides)} slides of {total} ({expected} laid out)"
                    )
                problems.extend(f"{name}: {p}" for s in slides for p in slide_problems(s))
                has_maths = any(
                    c.cell_type == "markdown" and re.search(r"\$[^$]+\$", c.source)
                    for c, t in zip(laid_out.cells, _slide_types(laid_out))
                    if t != "notes"
                )
                if has_maths and not sum(s["maths"] for s in slides):
                    problems.append(f"{name}: the slides have maths but MathJax typeset none of it")
            if densest_too:
                # a 1920x1080 projector: reveal.js scales the same 16:9 slide, so the densest deck fits too
                big = browser.new_context(viewport={"width": 1920, "height": 1080}, device_scale_factor=1)
                big.route("http*://**", lambda route: (remote.append(route.request.url), route.abort()))
                page = big.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)[:300]))
                densest = max(every_deck, key=lambda pair: pair[1].stat().st_size)[1]
                total, slides = walk_deck(page, densest)
                report.append(f"{densest.name} at 1920x1080: {len(slides)} of {total} slides reached")
                if len(slides) != total:
                    problems.append(
                        f"{densest.name} at 1920x1080: the right arrow reached {len(slides)} slides of {total}"
                    )
                problems.extend(f"{densest.name} at 1920x1080: {p}" for s in slides for p in slide_problems(s))
            browser.close()

    # two browsers at once, one per core of a 2-core machine: every other deck each
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(walk, every_deck[0::2], True), pool.submit(walk, every_deck[1::2], False)]:
            done.result()
    report.sort()
    print("\n".join(report))
    assert not remote, f"the decks asked the network for {sorted(set(remote))[:5]}"
    assert not errors, f"JavaScript errors: {errors[:5]}"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])


def test_speaker_notes_are_plain_text_for_the_presenter():
    """TeX becomes plain Unicode, "Expected: ..." one "Shows:" line, "the cell below" is rephrased
    (or dropped when it asks to run something), blank lines collapse, the slide is not repeated."""
    tex = build_slides.tex_text
    assert tex(r"\frac{\partial L}{\partial W_{xh}}") == "∂L/∂Wₓₕ"
    assert tex(r"h_t = \tanh(W_{hh} h_{t-1} + b_h)") == "hₜ = tanh(Wₕₕ hₜ₋₁ + bₕ)"
    assert tex(r"\frac{a + b}{2} \approx \sigma(z) \odot (1 - \sigma(z))") == "(a + b)/2 ≈ σ(z) ⊙ (1 - σ(z))"
    assert tex(r"\left( \mathbf{x}^\top \right) \quad \text{for } k \ne j") == "(xᵀ) for k ≠ j"
    assert tex(r"\begin{aligned} a &= b \\ c &\le \frac{1}{2} \end{aligned}") == "a = b\nc ≤ 1/2"
    assert tex(r"\sum_t \ln p_t \cdot \eta \times \infty \in \foo") == "Σₜ ln pₜ · η × ∞ ∈ foo"
    shown = "## Softmax\n\nWe check that $\\sum_k p_k = 1$."
    notes = build_slides.speaker_notes(
        [
            "We check that $\\sum_k p_k = 1$. The cell below computes $\\frac{1}{V}$ for each row.\n\n\n\n"
            "Run the cell below. **Expected (1):** every row\nsums to $1$, to $10^{-12}$.",
            "```python\nx_t = 1\n```",
        ],
        shown,
    )
    assert "$" not in notes and "\\" not in notes.replace("```python\nx_t = 1\n```", "")
    assert "We check that" not in notes, "the notes repeat the slide"
    assert "The code computes 1/V for each row." in notes and "Run the cell" not in notes
    assert "Shows: Every row sums to 1, to 10⁻¹²." in notes.split("\n") and "Expected" not in notes
    assert "\n\n\n" not in notes and "```python\nx_t = 1\n```" in notes
    body, _height, cut = build_slides.shorten_block("para", "The loss is small. Expected (1): a number near 4.")
    assert body == "The loss is small." and cut
    for sentence in (
        "The assertions in the cell check the shapes.",
        "The tests use networks of other sizes.",
        "The checks below compare with the library.",
        "Pick a unit with the slider to see its trace.",
        "Press the button: about 3 minutes.",
        "**Prerequisites:** notebook 02.",
    ):
        assert not build_slides._for_the_room(sentence), sentence
    assert build_slides._for_the_room("The gradient check compares two numbers.")


def test_widgets_show_their_still_and_their_code_goes_to_the_notes():
    """A saved widget is shown as its still image with a fixed caption (no live view); one without
    a still (a form of buttons) is left out; the code that imports ipywidgets or wires handlers
    goes to the notes; a code line is never broken inside a subscript."""
    state = {
        "w1": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s1"]}},
        "s1": {"model_name": "IntSliderModel", "state": {}},
        "w2": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_b2"]}},
        "b2": {"model_name": "ButtonModel", "state": {}},
    }
    view = "application/vnd.jupyter.widget-view+json"
    with_still = nbformat.v4.new_output(
        "display_data", data={view: {"model_id": "w1"}, "image/png": _png(1000, 500), "text/plain": "w"}
    )
    form = nbformat.v4.new_output(
        "display_data", data={view: {"model_id": "w2"}, "text/html": "<b>Train</b>", "text/plain": "f"}
    )
    nb = nbformat.v4.new_notebook(
        cells=[
            _md("## Explore", "slide"),
            _md("Move the slider below to pick a step. The state decays."),
            _code("import ipywidgets as widgets\nslider = widgets.IntSlider()"),
            _code("display(figure_widget(draw, slider))", "-", [with_still]),
            _md("## Train", "slide"),
            _md("A form to train a model."),
            _code("button.on_click(train)\ndisplay(form)", "-", [form]),
        ]
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    slides = _slides(build_slides.deck_notebook(nb))
    shown = "\n".join(_shown_text(s) for s in slides)
    outputs = [o for s in slides for c in s["shown"] for o in c.get("outputs", [])]
    assert not any(view in o.get("data", {}) for o in outputs), "a live widget view is on a slide"
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1 and "<b>Train</b>" not in shown
    assert shown.count(build_slides.LIVE_CAPTION) == 1
    for text in ("ipywidgets", "on_click", "Move the slider", "figure_widget"):
        assert text not in shown, f"{text!r} is projected"
    assert "The state decays." in shown and "A form to train a model." in shown
    notes = "\n".join(n.source for s in slides for n in s["notes"])
    assert "import ipywidgets" in notes and "button.on_click(train)" in notes
    wrapped = build_slides.wrap_code("value = compare(first_result_of_the_day, second, runs[None], runs[5.0], more)")
    assert all(line.count("[") == line.count("]") for line in wrapped.split("\n")), wrapped


def test_a_heading_and_a_sentence_go_onto_the_next_slide_of_their_section():
    """A slide that would show its heading and a sentence or two, the section's code and output
    on the next slide, carries them onto that slide (titled with the heading, not "(cont.)"); a
    subsection still starts a slide of its own; the exercise of notebook 01 is stated on one slide."""
    code = "\n".join(f"value_{i} = compute_something({i}, scale=0.5)" for i in range(14))
    printout = "".join(f"step {i}: loss {i / 7:.3f}\n" for i in range(7))
    slides = _lay_out(
        [
            _md("## Section", "slide"),
            _md("A sentence that introduces the code, of a length to fill a line and a half of the slide."),
            _code(code, "-", [_stream(printout)]),
            _md("### Counts", "subslide"),
            _md("The shorter context only matters when the long one is rare or unseen."),
            _md("### The discount"),
            _md("With the counts of singletons and doubletons, the discount follows."),
            _code("\n".join(code.split("\n")[:12]), "-", [_stream(printout[: printout.index("step 6")])]),
        ]
    )
    for slide in slides:
        body = [c for c in slide["shown"] if c.cell_type == "code"]
        text = _shown_text(slide)
        if text.startswith("### "):  # a short subsection: a slide of its own
            continue
        assert body or len(re.sub(r"^#+ .*$", "", text, flags=re.M).strip()) > 200, f"a near-empty slide: {text!r}"
    first = _shown_text(slides[0])
    assert "introduces the code" in first and "value_13" in first and "(cont.)" not in first
    # every heading starts its slide
    assert any(_shown_text(s).startswith("### Counts") for s in slides)
    assert any(_shown_text(s).startswith("### The discount") for s in slides)
    exercise = _slides(build_slides.deck_notebook(nbformat.read(NOTEBOOK, as_version=4)))
    [stated] = [s for s in exercise if "Exercise · `rnn_forward`" in _shown_text(s)]
    assert "Leave `hprev` unchanged." in _shown_text(stated), "the exercise is split over two slides"


def test_a_tall_figure_with_short_code_gets_the_slide():
    """A figure taller than a slide, under a heading and a sentence, takes the slide's height (its
    one line of code goes to the notes), not the 420 px of a figure below code."""
    slides = _lay_out(
        [
            _md("## Paths", "slide"),
            _md("Each panel colours one gate's path, from the inputs to where the gate acts."),
            _code('_ = gate_grid("lstm")', "-", [_figure(1600, 1030)]),
        ]
    )
    [slide] = slides
    [figure] = [c for c in slide["shown"] if c.cell_type == "code"]
    height = figure.outputs[0]["metadata"]["image/png"]["height"]
    assert height > 1.2 * build_slides.FIGURE_MAX * build_slides.LINE_PX, f"the figure is drawn {height} px tall"
    assert "gate_grid" not in _shown_text(slide) and any("gate_grid" in n.source for n in slide["notes"])


def test_a_widget_that_shows_nothing_until_pressed_is_left_out():
    """A widget worked by a button alone, whose text says to press it, has an empty chart as its
    still: it is left out of the deck, its code in the notes; a button widget that draws a result
    (its text does not ask for a press) keeps its still."""
    view = "application/vnd.jupyter.widget-view+json"
    state = {
        "w": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_b", "IPY_MODEL_i"]}},
        "b": {"model_name": "ButtonModel", "state": {}},
        "i": {"model_name": "ImageModel", "state": {}},
    }
    still = nbformat.v4.new_output(
        "display_data", data={view: {"model_id": "w"}, "image/png": _png(1000, 500), "text/plain": "w"}
    )

    def deck(text):
        nb = nbformat.v4.new_notebook(
            cells=[
                _md("## Before", "slide"),
                _md("Some text of the section before, long enough to stand on a slide of its own here."),
                _md("### The race\n\n" + text, "slide"),
                _code("box = race_button(text)\ndisplay(box)", "-", [copy.deepcopy(still)]),
            ]
        )
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
        return _slides(build_slides.deck_notebook(nb))

    pressed = deck("Press the button: about 3 minutes, and nothing below depends on it.")
    outputs = [o for s in pressed for c in s["shown"] for o in c.get("outputs", [])]
    assert not any("image/png" in o.get("data", {}) for o in outputs), "the still of an unpressed button is shown"
    assert any("race_button" in n.source for s in pressed for n in s["notes"])
    drawn = deck("Each press trains 30 seconds; the curves continue where the plot above stopped.")
    outputs = [o for s in drawn for c in s["shown"] for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)


def _headings(slide) -> list[str]:
    return [line for line in _shown_text(slide).split("\n") if re.match(r"#{1,6} ", line)]


def test_every_heading_starts_a_slide_and_titles_its_continuations():
    """A heading in the middle of a cell, or after a section that goes on over slides, starts a
    new slide; a slide continued after it is titled with that heading (not the one before)."""
    code = "\n".join(f"value_{i} = compute_something({i}, scale=0.5)" for i in range(18))
    slides = _lay_out(
        [
            _md("## The code", "slide"),
            _md("A short sentence.\n\n### The poem\n\nThe poem is shorter than the code."),
            _code(code, "-", [_stream("".join(f"step {i}\n" for i in range(12)))]),
            _md("#### L2\n\nThe second norm."),
        ]
    )
    for slide in slides:
        headings = _headings(slide)
        assert headings and _shown_text(slide).startswith(headings[0]), "a slide does not start with its heading"
        assert len(headings) == 1, f"a heading in the middle of a slide: {headings}"
    titles = [_headings(s)[0] for s in slides]
    assert titles[0] == "## The code" and titles[1] == "### The poem"
    assert "### The poem (cont.)" in titles and titles[-1] == "#### L2"


def test_code_and_its_printout_stay_together():
    """Code longer than a slide is cut so that its last piece shares a slide with its printout: no
    printout alone on a slide, or under another cell's code."""
    code = "\n\n".join(f"def helper_{i}(x):\n    y = x * {i}\n    z = y + 1\n    return z" for i in range(9))
    printout = "".join(f"result {i}: {i * 3}\n" for i in range(14))
    slides = _lay_out(
        [
            _md("## Helpers", "slide"),
            _code(code + "\n\nfor i in range(14):\n    print(f'result {i}: {i * 3}')", "-", [_stream(printout)]),
            _code("print('next')", "-", [_stream("next\n")]),
        ]
    )
    for slide in slides:
        cells = slide["shown"]
        for k, cell in enumerate(cells):
            if cell.cell_type == "code" and not cell.source and cell.outputs:
                assert k > 0 and cells[k - 1].cell_type == "markdown" and "\n\n" in cells[k - 1].source, (
                    "a printout without its code: " + _shown_text(slide)[:200]
                )
    [with_output] = [s for s in slides if "result 13: 39" in _shown_text(s)]
    assert "print(f'result {i}: {i * 3}')" in _shown_text(with_output)


def test_a_tagged_cell_shows_only_its_outputs_and_its_code_goes_to_the_notes():
    """``deck-code-to-notes``: the code is in the speaker notes ("Code (in the notebook): ..."),
    the slide shows what it prints (or nothing); a cell that defines a plotting function does too."""
    slides = _lay_out(
        [
            _md("## Helpers", "slide"),
            _md("We define the helpers and check one."),
            _code("def double(x):\n    return 2 * x", "-", tags=["deck-code-to-notes"]),
            _code("print(double(21))", "-", [_stream("42\n")], tags=["deck-code-to-notes"]),
            _code("def draw(values):\n    fig, ax = plt.subplots()\n    ax.plot(values)\n    return fig"),
        ]
    )
    shown = "\n".join(_shown_text(s) for s in slides)
    notes = "\n".join(n.source for s in slides for n in s["notes"])
    assert "def double" not in shown and "print(double" not in shown and "42" in shown
    assert "def draw" not in shown and "def draw" in notes
    assert build_slides.CODE_IN_NOTEBOOK in notes and "def double(x)" in notes and "print(double(21))" in notes


def test_condensed_checks_move_their_code_to_the_notes():
    """A printout condensed to "all N checks True" no longer matches the code that prints each
    check: the slide shows the summary alone, the code and the whole printout are in the notes."""
    checks = "".join(f"check number {i} of the run holds on every seed we tried: True\n" for i in range(6))
    [slide] = _lay_out(
        [
            _md("## Checks", "slide"),
            _md("The run is what we expect."),
            _code("for name, ok in checks.items():\n    print(f'{name}: {ok}')", "-", [_stream(checks)]),
        ]
    )
    notes = "\n".join(n.source for n in slide["notes"])
    assert "checks True" not in _shown_text(slide) and "print(f'{name}" not in _shown_text(slide)
    assert "print(f'{name}: {ok}')" in notes and "check number 5" in notes


def test_a_short_summary_of_checks_is_left_off_the_slide_too():
    """Three checks condense to "all 3 checks True (a; b; c)", short enough to name them: still a
    line of bookkeeping to the room, so a printout of nothing else leaves the slide for the notes."""
    checks = "stopped after the step: True\nthe flag was reset: True\nno step was lost: True\n"
    slides = _lay_out(
        [
            _md("## How a run stops", "slide"),
            _md("A flag is checked after every step."),
            _code("report_stop()", "-", [_stream(checks)]),
        ]
    )
    shown = "".join(_shown_text(s) for s in slides)
    notes = "\n".join(n.source for s in slides for n in s["notes"])
    assert "checks True" not in shown and "the flag was reset: True" in notes


def test_a_summary_of_checks_is_left_off_the_slide():
    """ "all 6 checks True (each in the speaker notes)" is test bookkeeping to the room: a printout
    of nothing else leaves the slide (its code and printout are in the notes); with other lines,
    they stay and the summary goes. A summary that names every check ("a, b: ...: True") stays,
    and then the notes do not repeat the printout it sums up."""
    checks = "".join(f"check number {i} of the run holds on every seed we tried: True\n" for i in range(6))
    slides = _lay_out(
        [
            _md("## Checks", "slide"),
            _md("The run is what we expect."),
            _code("for name, ok in checks.items():\n    print(f'{name}: {ok}')", "-", [_stream(checks)]),
            _md("## More", "slide"),
            _code("report()", "-", [_stream("stop reason: 'reached 25 seconds'\n" + checks)]),
        ]
    )
    assert len(slides) == 2 and not [c for c in slides[0]["shown"] if c.cell_type == "code"]
    assert "checks True" not in _shown_text(slides[0]) and "check number 5" in _notes_of(slides[0])
    assert "stop reason" in _shown_text(slides[1]) and "checks True" not in _shown_text(slides[1])
    named = "".join(f"{name:>5}: from scratch == the library: True\n" for name in ("h", "logits", "loss"))
    [slide] = _lay_out([_md("## Named", "slide"), _code("show()", "-", [_stream(named)])])
    assert "h, logits, loss: from scratch == the library: True" in _shown_text(slide)
    assert "The printout" not in _notes_of(slide) and "show()" in _notes_of(slide)


def _notes_of(slide) -> str:
    return "\n".join(n.source for n in slide["notes"])


def test_comments_stay_with_their_statement_when_code_is_cut():
    """Code is cut between statements; a comment directly above a statement (no blank line
    between) goes with it, also an end-of-line comment that wrap_code() put above its statement;
    a comment indented deeper than the statement under it continues the one above and stays there."""
    lines = [
        "a = 1",
        "b = compute(a)",
        "# the shape: (1401,)",
        "c = np.array(b)",
        "d = c + 1",
        "    # (d is c shifted: explains the line above)",
        "e = d * 2",
        "",
        "# alone, before a blank line",
        "",
        "f = e",
    ]
    cuts = build_slides._safe_cuts(lines)
    assert 2 in cuts and 3 not in cuts, cuts  # above the comment over c, never between them
    assert 6 in cuts and 5 not in cuts, cuts  # the deeper comment stays with d
    assert 10 in cuts and 9 not in cuts and 8 not in cuts, cuts
    long = "sweep_loss, sweep_grad = np.array(sweep_loss), np.array(sweep_grad)  # (1401,), (1401, V)"
    wrapped = build_slides.wrap_code("x = 1\ny = 2\nz = 3\n" + long + "\nw = 4", 70).split("\n")
    at = wrapped.index("# (1401,), (1401, V)")
    assert at in build_slides._safe_cuts(wrapped) and at + 1 not in build_slides._safe_cuts(wrapped)
    cuts, _height = build_slides._piece_heights("\n".join(lines), 19)
    assert 3 not in cuts and 5 not in cuts and 9 not in cuts


def test_notes_start_with_their_text_and_show_a_glance_of_the_code():
    """The speaker notes have no blank lines before their first word (the deck's HTML has none
    between the tags that open them); code in them is cut to its first lines, with a count of
    the rest; a printout stays whole."""
    page = (
        '<section><aside class="notes">\n<div class="jp-Cell">\n<div class="x">\n</div>\n<div>'
        "<p>First words.</p>\n<pre>a\n\nb</pre>\n</div>\n</div>\n</aside></section>"
    )
    tidy = build_slides.tidy_notes(page)
    assert '<aside class="notes"><div class="jp-Cell"><div class="x"></div><div><p>First words.' in tidy
    assert tidy.endswith("<pre>a\n\nb</pre></div></div></aside></section>")
    code = "\n".join(f"line_{i} = {i}" for i in range(30))
    printout = "\n".join(f"row {i}" for i in range(30))
    notes = build_slides.speaker_notes(
        [build_slides.CODE_IN_NOTEBOOK + "\n\n```python\n" + code + "\n```", "It prints:\n\n```\n" + printout + "\n```"]
    )
    assert "line_11 = 11" in notes and "line_12 = 12" not in notes and "(… 18 more lines in the notebook)" in notes
    assert "row 29" in notes
    short = "\n".join(f"line_{i} = {i}" for i in range(14))
    assert "line_13" in build_slides.speaker_notes(
        [build_slides.CODE_IN_NOTEBOOK + "\n\n```python\n" + short + "\n```"]
    )


def test_each_heading_of_a_cell_has_its_own_notes():
    """A markdown cell of several headings, on several slides: each slide's notes are about the
    text of its own part, not the whole cell's on the first slide."""
    long = " ".join(f"This sentence number {i} of part {{}} says something that takes room." for i in range(8))
    cell = "\n\n".join(f"### Part {p}\n\n{long.replace('{}', p)}\n\n{_FILLER}" for p in "ABC")
    slides = _lay_out([_md("## Section", "slide"), _md(cell)])
    parts = {h.split()[-1]: s for s in slides for h in _headings(s) if h.startswith("### Part")}
    assert set(parts) == set("ABC"), [_headings(s) for s in slides]
    for p, slide in parts.items():
        notes = _notes_of(slide)
        assert f"number 7 of part {p}" in notes, (p, notes[:200])
        assert all(f"of part {q}" not in notes for q in "ABC" if q != p), (p, notes[:300])


_FILLER = "\n".join(f"- item {i} of a list that fills the slide to its foot with one line each" for i in range(12))


def test_the_parts_of_an_exercise_are_shown_whole():
    """Under a heading that starts with "Exercise" or "Written question", each numbered part is
    shown whole (its second sentence is what the student must do); elsewhere a long item shows its
    first sentence."""
    parts = "\n".join(
        f"{i}. Compute the quantity number {i} of the step from the cache of the forward pass and its inputs, "
        f"and write it down in the form used in the lecture notes of the course this year. "
        f"Then say why it is not the gradient of the loss with respect to the weights."
        for i in (1, 2, 3)
    )
    for heading, whole in (
        ("### Written question · Why it vanishes", True),
        ("### Exercise · gru_step", True),
        ("### Worked example", False),
    ):
        [slide] = _lay_out([_md(heading + "\n\nAnswer in the cell below.\n\n" + parts, "slide")])
        assert (_shown_text(slide).count("Then say why") == 3) is whole, (heading, _shown_text(slide))
        paragraphs = parts.replace("\n", "\n\n").replace("1. ", "**(a)** ").replace("2. ", "**(b)** ")
        [slide] = _lay_out([_md(heading + "\n\n" + paragraphs, "slide")])
        assert (_shown_text(slide).count("Then say why") == 3) is whole, (heading, _shown_text(slide))


def test_notes_keep_display_maths_drop_grading_and_end_with_the_code():
    """Display maths in the notes is plain Unicode text, even when the slide shows the formula;
    sentences about test cells and points are dropped; the code of a figure comes last."""
    text = build_slides.speaker_notes(
        [
            build_slides.CODE_OF_FIGURE + "\n\n```python\nplt.plot(x)\n```",
            "One step alone has a loss; we score\n\n$$L = \\sum_t \\alpha_t$$\n\nwhere the sum runs over the steps. "
            "Four test cells, one per part, compare with centred differences, 1 point each.",
        ],
        shown="$$L = \\sum_t \\alpha_t$$",
    )
    assert "we score" in text and "L = Σ" in text and "α" in text and "where the sum runs" in text
    assert "test cells" not in text and "point each" not in text
    assert text.rstrip().endswith("```") and text.index("where the sum") < text.index(build_slides.CODE_OF_FIGURE)
    assert "\n\n\n" not in text


def test_text_after_display_maths_and_a_lead_in_stay_on_their_slide():
    """The sentence after a formula goes on with it; a sentence ending in a colon stays with what
    it introduces."""
    filler = _code("\n".join(f"v_{i} = f({i})" for i in range(14)), "-", [_stream("done\n")])
    slides = _lay_out(
        [
            _md("## Loss", "slide"),
            filler,
            _md("The loss is\n\n$$L = -\\sum_t \\log p_t$$\n\nwhere $p_t$ is the probability of the target."),
            _md("The gist's lines are:"),
            _code("\n".join(f"line_{i} = {i}" for i in range(6))),
        ]
    )
    for slide in slides:
        text = _shown_text(slide)
        if "$$L" in text:
            assert "where $p_t$" in text, "the sentence after the formula went to another slide"
        if "lines are:" in text:
            assert "line_0 = 0" in text, "a lead-in was left without what it introduces"


def test_a_repeated_widget_still_is_shown_once():
    """Two figures (widget stills) with the same image: the deck shows the first only."""
    slides = _lay_out(
        [
            _md("## Stills", "slide"),
            _code("show(1)", "-", [_figure(800, 400)]),
            _md("The same again."),
            _code("show(1)", "-", [_figure(800, 400)]),
        ]
    )
    images = [
        o
        for s in slides
        for c in s["shown"]
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(images) == 1


def test_short_subsections_share_a_slide_and_keep_their_headings():
    """Near-empty slides of whole subsections share a slide, each under its own heading: never a
    subsection that goes on over slides (its heading starts its slide and titles its "(cont.)"),
    never across a level-2 section; a slide after a "(cont.)" one is not merged into it."""
    code = "\n".join(f"value_{i} = compute_something({i}, scale=0.5)" for i in range(16))
    slides = _lay_out(
        [
            _md("## Norms", "slide"),
            _md("Three norms, each in a sentence or two."),
            _md("### L1\n\nThe sum of the absolute values.", "slide"),
            _md("### L2\n\nThe square root of the sum of the squares.", "slide"),
            _md("### The code\n\nAll three, computed for one vector.", "slide"),
            _code(code, "-", [_stream("".join(f"norm {i}: {i / 3:.3f}\n" for i in range(9)))]),
            _md("### Max\n\nThe largest absolute value.", "slide"),
            _md("## Next\n\nA section of its own.", "slide"),
        ]
    )
    titles = [_headings(s) for s in slides]
    assert titles[0] == ["## Norms", "### L1", "### L2"], titles
    assert titles[1] == ["### The code"] and titles[2] == ["### The code (cont.)"], titles
    assert titles[3] == ["### Max"] and titles[4] == ["## Next"], titles
    for slide in slides:  # each heading shows where its subsection starts: "### L2" after L1's sentence
        text = _shown_text(slide)
        for heading in _headings(slide)[1:]:
            assert text.index(heading) > 0 and "\n\n" + heading in text


def test_code_cut_over_slides_is_cut_anew_to_fill_them():
    """Code longer than a slide is cut again, between top-level statements, so that it takes as
    few slides as it can, with as few near-empty ones, cut at blank lines when that does as well:
    here 47 lines of code and a printout on three slides (cut as it came, the fourth held 7 lines),
    every line shown once; with a shorter printout, cut between the paragraphs of code."""
    blocks = ["\n".join(f"part_{b}_{i} = compute_something({b}, {i}, scale=0.5)" for i in range(6)) for b in range(7)]
    code = "\n\n".join(blocks) + "\nprint(part_6_5)"
    for rows in (12, 4):
        slides = _lay_out(
            [
                _md("## A long cell", "slide"),
                _md("A sentence that introduces the code, of a length to fill a line and a half of the slide."),
                _code(code, "-", [_stream("".join(f"row {i}\n" for i in range(rows)))]),
            ]
        )
        shown = [[c for c in s["shown"] if c.cell_type == "code" and c.source] for s in slides]
        assert len(slides) == 3 and all(len(cells) == 1 for cells in shown), [len(c) for c in shown]
        pieces = [cells[0].source for cells in shown]
        assert "\n".join(pieces).split() == code.split(), "a line of code is lost or shown twice"
        assert [_headings(s) for s in slides[1:]] == [["### A long cell (cont.)"]] * 2
    paragraphs = [*blocks[:-1], blocks[-1] + "\nprint(part_6_5)"]
    assert all(part in paragraphs for piece in pieces for part in piece.split("\n\n")), pieces


def test_index_lists_the_condensed_decks_by_their_length(tmp_path):
    """index.html labels the decks of tools/condensed_deck.py (in the same folder) by what they are,
    after the notebooks' decks, the longer first."""
    for name in ("01_hello_vocabulary", "condensed_50", "condensed_75", "00_overview"):
        (tmp_path / f"{name}.slides.html").write_text("<html></html>", encoding="utf-8")
    build_slides.write_index(tmp_path, list(tmp_path.glob("*.slides.html")))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    labels = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', index)
    assert labels == [
        ("00_overview.slides.html", "00 overview"),
        ("01_hello_vocabulary.slides.html", "01 hello vocabulary"),
        ("condensed_75.slides.html", "One lecture: the whole series in 75 minutes"),
        ("condensed_50.slides.html", "One lecture: the whole series in 50 minutes"),
    ], labels


def test_a_slide_four_pixels_too_wide_is_a_problem():
    """The deck walk names any slide whose content reaches 4 px (or more) past its right edge,
    measuring every element but the notes, MathJax's hidden copies of formulas for screen readers
    too (tools/slides/deck.css scales those down to nothing, so that no measurement of the page,
    a presenter's or this one, finds them past the edge)."""
    clean = {
        "index": "3/0", "title": "A slide", "scrollHeight": 720, "clientHeight": 720, "bottom": 0, "top": 0,
        "right": 0, "rightEl": "", "clipped": [], "text": "words", "images": [], "code": 1, "codeStarts": [],
        "headings": ["A slide"], "paragraphs": ["words"], "markdown": "words", "maths": 0, "blankMaths": 0,
        "mathSources": 0, "notesTypeset": 0, "progress": [], "figures": [], "bodyOpen": True,
    }  # fmt: skip
    assert slide_problems(clean) == []
    wide = slide_problems({**clean, "right": 4.0, "rightEl": "math."})
    assert len(wide) == 1 and "4 px past the right edge" in wide[0]
    measure = MEASURE_JS.split("const style")[0]
    assert "MJX_Assistive_MathML" not in measure.split("continue;")[0]
    css = build_slides.DECK_CSS.read_text(encoding="utf-8")
    assert re.search(r"\.MJX_Assistive_MathML\s*\{[^}]*transform:\s*scale\(0\.001\)", css)


def test_statements_that_print_stay_on_the_piece_above_their_printout():
    """Code with a printout is cut only above its first statement that prints (print() or
    display(), also inside a loop): the printout is shown under the last piece, so a print() on an
    earlier piece would stand over code that does not print what follows. Here 30 lines after a
    paragraph, a print() in the middle and one at the end."""
    first = "\n".join(f"value_{i} = compute_something({i}, scale=0.5, offset=1.25)" for i in range(14))
    middle = "for k in range(3):\n    print(f'step {k}: {value_0 * k:.3f}')"
    second = "\n".join(f"other_{i} = compute_something({i}, scale=0.25, offset=2.5)" for i in range(13))
    code = "\n".join([first, middle, second, "print(f'total {other_12:.3f}')"])
    assert len(code.split("\n")) == 30
    printout = "".join(f"step {k}: {k * 0.5:.3f}\n" for k in range(3)) + "total 1.000\n"
    long = " ".join(f"Sentence {i} introduces the computation below in enough words for a line." for i in range(3))
    slides = _lay_out([_md("## A cell that prints twice", "slide"), _md(long), _code(code, "-", [_stream(printout)])])
    pieces = [c.source for s in slides for c in s["shown"] if c.cell_type == "code" and c.source]
    assert len(pieces) > 1, "the cell was not cut: the test no longer tests a cut"
    assert "\n".join(pieces).split() == code.split(), "a line of code is lost or shown twice"
    assert not any("print(" in piece for piece in pieces[:-1]), pieces
    last = next(k for k, s in enumerate(slides) if pieces[-1] in [c.source for c in s["shown"]])
    assert "total 1.000" in _shown_text(slides[last]), "the printout is not under the last piece"
    assert build_slides._print_floor(code) == 14
    assert build_slides._print_floor("def show(x):\n    print(x)\n\ny = 1\nshow(y)") is None

"""Build the notebooks from their plain-text sources, execute them, or check they are in sync.

Each notebook ``notebooks/NN_name.ipynb`` is generated from ``notebooks/src/NN_name.py``, a Python
file in jupytext's "percent" format: a line starting with ``# %%`` begins a code cell, ``# %%
[markdown]`` a markdown cell (whose lines are written as ``# text``); cell metadata follows the marker
as ``key=<JSON>`` pairs, the slide type of the lecture decks included::

    # %% [markdown] slideshow={"slide_type": "slide"}
    # ## Softmax
    # %% slideshow={"slide_type": "fragment"} tags=["exercise"]
    p = softmax(y)

So an instructor can also open a source in JupyterLab with jupytext, or pair it with a notebook
(``jupytext --to ipynb notebooks/src/02_softmax_cross_entropy.py`` gives the same cells; a test
checks it). A cell without a slide type gets ``"-"`` (it continues the current slide).

Usage::

    python tools/nbbuild.py notebooks/src/01_hello_vocabulary.py ...  # build and execute
    python tools/nbbuild.py --all                                     # every source
    python tools/nbbuild.py --check                                   # sources and notebooks agree?
    python tools/nbbuild.py --badges                                  # README badges for the repository URL

A notebook is the student's reading copy of its source: the build moves the bookkeeping that
authors write inline out of sight, where nbval still executes it (see ``reading_copy``). A cell's
trailing asserts go into a collapsed "check" cell after it; ``# NBVAL_IGNORE_OUTPUT`` and its
``# (why: ...)`` become the cell tag ``nbval-ignore-output`` and metadata ``nbval.why``; an exercise's
solution loses its ``### BEGIN/END SOLUTION`` lines and is collapsed (tag ``solution``), its hidden
tests are dropped. ``build(src, flavour="homework")`` keeps the exercises' cells as written, markers
and hidden tests included, for tools/make_homework.py and nbgrader. ``--check`` compares each
notebook's cells (sources and metadata) with what the build makes of its source now.

Every notebook gets one cell its source does not have: the setup cell of :func:`colab_cell`, put
before the first code cell, which installs the project where ``rnn_lib`` is missing (Colab) and
does nothing where it is installed. It is built here, from one template, so that the fifteen
notebooks cannot drift apart.

Executing runs every cell top to bottom in a fresh kernel of the current environment, from
the notebooks/ folder, and stores the outputs (each notebook's setup cell limits BLAS to one
thread, see rnn_lib.blas).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
MARKER = re.compile(r"^# %%(?P<md> \[markdown\])?(?P<rest>.*)$")
_OPTION = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)=")


def parse_options(rest: str) -> dict:
    """The metadata after a cell marker: ``key=<JSON>`` pairs, as jupytext writes them."""
    metadata, pos, decoder = {}, 0, json.JSONDecoder()
    rest = rest.rstrip()
    while pos < len(rest):
        m = _OPTION.match(rest, pos)
        if not m:
            raise ValueError(
                f'cell options must be key=<JSON> pairs, e.g. slideshow={{"slide_type": "slide"}}; got {rest!r}'
            )
        metadata[m.group(1)], pos = decoder.raw_decode(rest, m.end())
    return metadata


def parse_source(text: str) -> list[dict]:
    """Cells of a percent-format source: dicts with cell_type, source, metadata."""
    cells, current = [], None
    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            metadata = parse_options(m.group("rest"))
            metadata.setdefault("slideshow", {"slide_type": "-"})
            current = {"cell_type": "markdown" if m.group("md") else "code", "lines": [], "metadata": metadata}
            cells.append(current)
        elif current is not None:
            if current["cell_type"] == "markdown":
                if line.startswith("# "):
                    line = line[2:]
                elif line.strip() == "#":
                    line = ""
                elif line.strip():
                    raise ValueError(f"markdown line does not start with '# ': {line!r}")
            current["lines"].append(line)
    for c in cells:
        while c["lines"] and not c["lines"][-1].strip():
            c["lines"].pop()
        while c["lines"] and not c["lines"][0].strip():
            c["lines"].pop(0)
        c["source"] = "\n".join(c.pop("lines"))
    return [c for c in cells if c["source"]]


def repository_url() -> str | None:
    """The project's public git URL, from ``[project.urls] Repository`` in pyproject.toml (None if unset)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: read the one line this needs
        text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        section = re.search(r"^\[project\.urls\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
        url = section and re.search(r'^Repository\s*=\s*"([^"]+)"', section.group(1), re.M)
        return url.group(1) if url else None
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return meta.get("urls", {}).get("Repository")


# A handout's first cell: its rnn_lib is the folder's own copy (answers stubbed); never fetch the
# project, whose repository holds the solutions.
HANDOUT_SETUP_CELL = (
    "# This notebook runs in its handout folder, next to rnn_lib/, rnn_notebook/ and data/.\n"
    "import importlib.util\n"
    "\n"
    'if importlib.util.find_spec("rnn_lib") is None:\n'
    '    raise ModuleNotFoundError("rnn_lib is not next to this notebook: open the notebook from its handout "\n'
    '                              "folder (on Colab: upload the whole folder and %cd into it), and install "\n'
    '                              "the packages of its requirements.txt")'
)


def colab_cell(url: str | None) -> str:
    """The first code cell of every notebook: fetch and install the project when rnn_lib is missing.

    On Colab a notebook arrives alone, without the package, its data or its checkpoints: the cell
    clones the repository next to the notebook, installs rnn_lib without its dependencies (never
    Jupyter or ipywidgets into Colab's own environment; only a missing numpy, matplotlib, tqdm or
    threadpoolctl) and moves into
    the clone's ``notebooks/`` folder, so every later cell runs as it does locally. The editable
    install is only seen by kernels started after it, hence the ``sys.path`` entry for this one.
    """
    if url is None:  # not published yet: say so instead of failing on a made-up address
        fetch = (
            '    raise ModuleNotFoundError("rnn_lib is not installed and this copy of the notebook does not name "\n'
            '                              "the repository to fetch it from: clone the project, run "\n'
            '                              "pip install -e . in it (see its README), and restart the kernel")'
        )
    else:
        fetch = (
            '    if not os.path.isdir("rnn_project"):\n'
            f'        subprocess.run(["git", "clone", "--depth", "1", "{url}", "rnn_project"], check=True)\n'
            '    pip = [sys.executable, "-m", "pip", "install", "-q"]\n'
            "    # rnn_lib alone: Colab's kernel keeps its own numpy, matplotlib, ipywidgets and Jupyter\n"
            '    subprocess.run([*pip, "--no-deps", "-e", "rnn_project"], check=True)\n'
            '    needed = ("numpy", "matplotlib", "tqdm", "threadpoolctl")\n'
            "    missing = [m for m in needed if not importlib.util.find_spec(m)]\n"
            "    if missing:  # only what this machine lacks\n"
            "        subprocess.run([*pip, *missing], check=True)\n"
            '    sys.path.insert(0, os.path.abspath("rnn_project"))\n'
            '    os.chdir("rnn_project/notebooks")  # the notebooks\' relative paths (../data/...) start here'
        )
    return (
        "# Colab, or any machine without rnn_lib: fetch this project and install it. Where rnn_lib is\n"
        "# installed (a local checkout, Binder, CI) this cell does nothing.\n"
        "import importlib.util, os, subprocess, sys\n"
        "\n"
        'if importlib.util.find_spec("rnn_lib") is None:\n' + fetch
    )


BADGES = re.compile(r"(<!-- badges: .*? -->\n)(.*?)(<!-- /badges -->)", re.S)


def badges(url: str | None) -> str:
    """The README's "launch Binder" and "open in Colab" badges for the repository at ``url``."""
    if url is None:
        return ""
    m = re.match(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$", url)
    if not m:  # Binder builds any public git repository; Colab opens notebooks from GitHub only
        from urllib.parse import quote

        return (
            f"[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/git/"
            f"{quote(url, safe='')}/HEAD?urlpath=lab/tree/notebooks)\n"
        )
    owner, name = m.groups()
    return (
        f"[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/{owner}/{name}/HEAD"
        f"?urlpath=lab/tree/notebooks)\n"
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{owner}/{name}/blob/main/notebooks/00_overview.ipynb)\n"
    )


def readme_with_badges(readme: str, url: str | None) -> str:
    if not BADGES.search(readme):
        raise ValueError("README.md has no <!-- badges: ... --> ... <!-- /badges --> block")
    return BADGES.sub(lambda m: m.group(1) + badges(url) + m.group(3), readme, count=1)


# ------------------------------------------------------------------------------------------------
# From the author's source to what the reader sees
# ------------------------------------------------------------------------------------------------
# Authors write sources with their bookkeeping inline: nbval markers, the asserts that check each
# cell, nbgrader's solution and hidden-test markers. The build turns a source into one of two
# flavours of the same cells:
#
# - "reading" (notebooks/NN_name.ipynb, the student's reading copy, executed and tested by nbval):
#   no marker line, no hidden test, the bookkeeping in tagged cells whose input is collapsed;
# - "homework" (what tools/make_homework.py gives nbgrader): the exercises exactly as written, with
#   their solution and hidden-test markers, so that nbgrader can cut them out of the handout.

FLAVOURS = ("reading", "homework")

IGNORE_MARKER = "# NBVAL_IGNORE_OUTPUT"
IGNORE_TAG = "nbval-ignore-output"  # nbval honours this cell tag exactly like the comment
CHECK_TAG = "check"  # a cell of asserts moved out of the way
SOLUTION_TAG = "solution"  # an exercise's worked solution (reading copy)
EXERCISE_TEST_TAG = "exercise-test"  # the cell that tests an exercise's function
EXERCISE_NOTE_TAG = "exercise-note"  # the generated "try it first" note before a solution
#: cell tags the build gives; the lecture decks (tools/build_slides.py) drop cells by them
BUILD_TAGS = (IGNORE_TAG, CHECK_TAG, SOLUTION_TAG, EXERCISE_TEST_TAG, EXERCISE_NOTE_TAG)
# Tags an author gives in a source: a cell only in one flavour. "reading-only" hides from the
# homework what would give an exercise away (the derivation's code, comparisons with the library
# functions the handout leaves out); "homework-only" holds what only the homework needs.
READING_ONLY_TAG = "reading-only"
HOMEWORK_ONLY_TAG = "homework-only"
# Cell metadata ``needs=["exercise", ...]``: in the homework the cell runs only once those exercises
# pass their test cells (rnn_notebook.checks.ready); otherwise it prints a note and skips its work.
NEEDS_KEY = "needs"
CHECK_HEADER = "# checks (silent when they pass)"  # what a collapsed check cell shows of itself
HIDDEN_INPUT = {"source_hidden": True}  # JupyterLab and Notebook 7 show such an input collapsed
_SOLUTION_LINE = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
_HIDDEN_TESTS = re.compile(r"^\s*### BEGIN HIDDEN TESTS\s*$.*?^\s*### END HIDDEN TESTS\s*$\n?", re.M | re.S)

EXERCISE_NOTE = (
    "**Try it yourself first.** Add a code cell here (click this text, press `Esc`, then `B`), write your "
    "`{name}` in it and run it. The worked solution is in the collapsed cell below: click the `\u2022\u2022\u2022` at "
    "the end of its first line to open it. Run that cell either way, since later cells use it; to test "
    "your own version instead, run your cell once more after it, then the test cell."
)


def nbval_reason(source: str, where: str = "a cell") -> tuple[str, str]:
    """Split a cell that starts with ``# NBVAL_IGNORE_OUTPUT`` into (reason, the rest of its code).

    The marker must be the first line and be followed by ``# (why: ...)``, which may go on over
    several comment lines up to the one that ends with ``)``.
    """
    lines = source.split("\n")
    if lines[0].rstrip() != IGNORE_MARKER:
        raise ValueError(f"{where}: '{IGNORE_MARKER}' must be the first line of its cell, alone")
    if len(lines) < 2 or not lines[1].startswith("# (why:"):
        raise ValueError(f"{where}: the line after '{IGNORE_MARKER}' must say why: '# (why: ...)'")
    end = 1
    while not lines[end].rstrip().endswith(")"):
        end += 1
        if end == len(lines) or not lines[end].startswith("#"):
            raise ValueError(f"{where}: the '# (why: ...' comment after '{IGNORE_MARKER}' has no closing ')'")
    why = " ".join(line[1:].strip() for line in lines[1 : end + 1])
    return why[len("(why:") : -1].strip(), "\n".join(lines[end + 1 :]).lstrip("\n")


def split_assert_wall(source: str) -> tuple[str, str]:
    """(code, checks): the trailing run of ``assert`` statements of a cell moved into ``checks``.

    The run starts at the first of the cell's last top-level statements that are all asserts (with
    their continuation lines, and the comment lines right above it); ``code`` is what comes before.
    A cell that is only asserts gives ``("", source)``; a cell that does not end with an assert, or
    that Python cannot parse (IPython syntax), gives ``(source, "")``. So that moving the asserts
    cannot change what the cell shows, a cell whose code would then end on an expression (which
    Jupyter would display) keeps its asserts.
    """
    import ast

    try:
        body = ast.parse(source).body
    except SyntaxError:
        return source, ""
    k = len(body)
    while k and isinstance(body[k - 1], ast.Assert):
        k -= 1
    if k == len(body):
        return source, ""
    lines = source.split("\n")
    start = body[k].lineno - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#") and (k == 0 or start > body[k - 1].end_lineno):
        start -= 1
    if k == 0:
        return "", source
    last = body[k - 1]
    if isinstance(last, ast.Expr) and not (
        isinstance(last.value, ast.Call) and getattr(last.value.func, "id", None) in ("print", "display")
    ):
        return source, ""
    return "\n".join(lines[:start]).rstrip(), "\n".join(lines[start:]).strip("\n")


def _tagged(metadata: dict, *tags: str) -> dict:
    metadata = dict(metadata)
    metadata["tags"] = list(dict.fromkeys([*metadata.get("tags", []), *tags]))
    return metadata


def check_cell(source: str) -> dict:
    """A cell of asserts: run by nbval like any other, collapsed in JupyterLab, not on a slide.

    It opens with :data:`CHECK_HEADER`, the line JupyterLab shows in place of a collapsed input.
    """
    return {
        "cell_type": "code",
        "source": f"{CHECK_HEADER}\n{source}",
        "metadata": {"jupyter": dict(HIDDEN_INPUT), "slideshow": {"slide_type": "skip"}, "tags": [CHECK_TAG]},
    }


def tidy_cell(cell: dict, where: str) -> list[dict]:
    """One source code cell as one or two cells of either flavour: the nbval marker turned into a
    tag, the trailing asserts moved into a check cell after it."""
    cell = dict(cell, metadata=dict(cell["metadata"]))
    if cell["source"].startswith(IGNORE_MARKER):
        why, cell["source"] = nbval_reason(cell["source"], where)
        cell["metadata"] = _tagged(cell["metadata"], IGNORE_TAG)
        cell["metadata"]["nbval"] = {"why": why}
    elif IGNORE_MARKER.lstrip("# ") in cell["source"]:
        raise ValueError(f"{where}: '{IGNORE_MARKER}' must be the first line of its cell, alone")
    code, checks = split_assert_wall(cell["source"])
    if not checks:
        return [cell]
    if not code:  # only asserts: the cell becomes a check cell, nbval tag and all
        checked = check_cell(checks)
        for tag in cell["metadata"].get("tags", []):
            checked["metadata"]["tags"].append(tag)
        if "nbval" in cell["metadata"]:
            checked["metadata"]["nbval"] = cell["metadata"]["nbval"]
        return [checked]
    return [dict(cell, source=code), check_cell(checks)]


def _only_in(cells: list[dict], flavour: str) -> list[dict]:
    """The cells of ``flavour``: without the other flavour's tagged cells, without those tags and
    (in the reading copy) without ``needs``."""
    drop = HOMEWORK_ONLY_TAG if flavour == "reading" else READING_ONLY_TAG
    out = []
    for cell in cells:
        tags = cell["metadata"].get("tags", [])
        if drop in tags:
            continue
        metadata = dict(cell["metadata"])
        kept = [t for t in tags if t not in (READING_ONLY_TAG, HOMEWORK_ONLY_TAG)]
        if kept:
            metadata["tags"] = kept
        else:
            metadata.pop("tags", None)
        if flavour == "reading":
            metadata.pop(NEEDS_KEY, None)
        out.append(dict(cell, metadata=metadata))
    return out


_DETAILS = re.compile(r"\n*<details>.*?</details>\n*", re.S)
MODEL_ANSWER = "<details><summary>A model answer (open it after writing yours)</summary>\n\n{}\n\n</details>"


def without_answers(markdown: str) -> tuple[str, list[str]]:
    """(the text without its ``<details>`` blocks, those blocks): the homework keeps the questions of
    "Check yourself" and leaves their answers to the instructor's answer key."""
    markdown = "".join(markdown) if isinstance(markdown, list) else markdown  # nbformat's JSON keeps lists
    found = [m.group(0).strip() for m in _DETAILS.finditer(markdown)]
    return _DETAILS.sub("\n\n", markdown).strip(), found


def guarded(cell: dict, needs: list[str]) -> dict:
    """A homework code cell that runs only once ``needs`` pass their tests (see :data:`NEEDS_KEY`)."""
    names = ", ".join(json.dumps(n) for n in needs)
    body = "\n".join(("    " + line) if line.strip() else "" for line in cell["source"].split("\n"))
    head = f"from rnn_notebook import checks\n\nif checks.ready({names}):  # skipped while the exercise is wrong"
    source = f"{head}\n{body}"
    return dict(cell, source=source)


def reading_copy(cells: list[dict], name: str) -> list[dict]:
    """The cells of the student's reading copy (see the comment above ``FLAVOURS``)."""
    out = []
    for n, cell in enumerate(_only_in(cells, "reading")):
        where = f"{name}, cell {n} of the source"
        if cell["cell_type"] != "code":
            if cell["metadata"].get("nbgrader", {}).get("solution"):  # a written answer, graded by hand
                metadata = {k: v for k, v in cell["metadata"].items() if k != "nbgrader"}
                cell = dict(cell, source=MODEL_ANSWER.format(cell["source"].strip()), metadata=metadata)
            out.append(cell)
            continue
        grading = cell["metadata"].get("nbgrader")
        if grading is None:
            out += tidy_cell(cell, where)
            continue
        metadata = {k: v for k, v in cell["metadata"].items() if k != "nbgrader"}
        if grading.get("solution"):
            source = "\n".join(line for line in cell["source"].split("\n") if not _SOLUTION_LINE.match(line))
            out.append(
                {
                    "cell_type": "markdown",
                    "source": EXERCISE_NOTE.format(name=grading["grade_id"]),
                    "metadata": {"slideshow": {"slide_type": "-"}, "tags": [EXERCISE_NOTE_TAG]},
                }
            )
            solution = dict(cell, source=source, metadata=_tagged(metadata, SOLUTION_TAG))
            solution["metadata"]["jupyter"] = dict(HIDDEN_INPUT)
            out += tidy_cell(solution, where)
        elif grading.get("grade"):
            source = _HIDDEN_TESTS.sub("", cell["source"]).rstrip()
            out += tidy_cell(dict(cell, source=source, metadata=_tagged(metadata, EXERCISE_TEST_TAG)), where)
        else:
            out += tidy_cell(dict(cell, metadata=metadata), where)
    return out


def homework_copy(cells: list[dict], name: str) -> list[dict]:
    """The cells nbgrader gets: the exercises' cells exactly as the source has them (markers,
    hidden tests), every other cell tidied as in the reading copy."""
    out = []
    for n, cell in enumerate(_only_in(cells, "homework")):
        if cell["cell_type"] == "code" and "nbgrader" not in cell["metadata"]:
            needs = cell["metadata"].pop(NEEDS_KEY, None)
            tidied = tidy_cell(cell, f"{name}, cell {n} of the source")
            out += [guarded(c, needs) for c in tidied] if needs else tidied
        elif cell["cell_type"] == "markdown" and "nbgrader" not in cell["metadata"]:
            out.append(dict(cell, source=without_answers(cell["source"])[0]))
        else:
            out.append(cell)
    return out


def build(src: Path, flavour: str = "reading"):
    """The notebook of the source ``src``, not executed: the reading copy, or the homework's cells."""
    import nbformat

    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {FLAVOURS}, got {flavour!r}")
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "celltoolbar": "Slideshow",
    }
    cells = parse_source(src.read_text(encoding="utf-8"))
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    cells.insert(
        first_code,
        {
            "cell_type": "code",
            "source": colab_cell(repository_url()) if flavour == "reading" else HANDOUT_SETUP_CELL,
            "metadata": {"slideshow": {"slide_type": "skip"}, "tags": ["colab-setup"]},
        },
    )
    cells = (reading_copy if flavour == "reading" else homework_copy)(cells, src.name)
    for c in cells:
        make = nbformat.v4.new_markdown_cell if c["cell_type"] == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(c["source"], metadata=c["metadata"]))
    for i, cell in enumerate(nb.cells):  # stable ids keep diffs small
        cell["id"] = f"{src.stem[:20]}-{i:03d}"
    return nb


def execute(nb, timeout: int = 300):
    from nbclient import NotebookClient

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    for cell in nb.cells:  # execution timestamps only make diffs noisy
        cell.metadata.pop("execution", None)
    return nb


def target(src: Path) -> Path:
    return NOTEBOOKS / (src.stem + ".ipynb")


def _without_run_data(metadata: dict) -> dict:
    """Cell metadata as the source sets it (without what executing the notebook adds)."""
    return {k: v for k, v in metadata.items() if k not in ("execution", "scrolled", "collapsed")}


def cells_for_check(nb) -> list[tuple]:
    """What ``--check`` compares of a notebook: each cell's type, source and metadata (not outputs)."""
    return [(c.cell_type, c.source, _without_run_data(c.metadata)) for c in nb.cells]


def check() -> list[str]:
    """Problems: notebooks whose cells differ from what their source builds now, or without a source."""
    import nbformat

    problems = []
    for src in sorted(SOURCES.glob("*.py")):
        nb_path = target(src)
        if not nb_path.exists():
            problems.append(f"{nb_path.name}: not built from {src.name}")
            continue
        if cells_for_check(build(src)) != cells_for_check(nbformat.read(nb_path, as_version=4)):
            problems.append(
                f"{nb_path.name}: cells differ from {src.relative_to(ROOT)}; "
                f"run python tools/nbbuild.py {src.relative_to(ROOT)}"
            )
    for nb_path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if not (SOURCES / (nb_path.stem + ".py")).exists():
            problems.append(f"{nb_path.name}: no source notebooks/src/{nb_path.stem}.py")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if readme_with_badges(readme, repository_url()) != readme:
        problems.append(
            "README.md: its badges do not match pyproject.toml's Repository URL; run python tools/nbbuild.py --badges"
        )
    return problems


def main(argv=None) -> int:
    import nbformat

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", nargs="*", type=Path)
    ap.add_argument("--all", action="store_true", help="build every notebooks/src/*.py")
    ap.add_argument("--check", action="store_true", help="only check sources and notebooks agree")
    ap.add_argument("--no-execute", action="store_true", help="build without running")
    ap.add_argument(
        "--badges",
        action="store_true",
        help="only write README.md's Binder and Colab badges for pyproject.toml's Repository URL",
    )
    args = ap.parse_args(argv)
    if args.badges:
        readme = ROOT / "README.md"
        readme.write_text(readme_with_badges(readme.read_text(encoding="utf-8"), repository_url()), encoding="utf-8")
        print(f"README.md: badges for {repository_url() or 'no repository URL (none shown)'}")
        return 0
    if args.check:
        problems = check()
        print("\n".join(problems) or "notebooks are in sync with their sources")
        return 1 if problems else 0
    sources = sorted(SOURCES.glob("*.py")) if args.all else args.sources
    if not sources:
        ap.error("give source files or --all")
    for src in sources:
        nb = build(Path(src))
        start = time.perf_counter()
        if not args.no_execute:
            execute(nb)
        nbformat.write(nb, target(Path(src)))
        print(
            f"{target(Path(src)).relative_to(ROOT)}: {len(nb.cells)} cells, "
            f"executed in {time.perf_counter() - start:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

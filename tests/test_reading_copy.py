"""The notebooks are the student's reading copy: the bookkeeping is out of sight, and still runs.

tools/nbbuild.py builds each notebooks/NN_name.ipynb from notebooks/src/NN_name.py. Authors write
asserts, nbval markers and nbgrader's solution and hidden-test blocks inline; the build moves the
trailing asserts of a cell into a collapsed "check" cell after it, turns ``# NBVAL_IGNORE_OUTPUT``
into the cell tag nbval reads, collapses the exercises' solutions and drops their hidden tests
(tests/test_homework.py runs those against the solutions). Checked here:

- nothing of that machinery is in sight in any notebook, and every solution is collapsed;
- nbval still runs every assert: as many in each notebook as in its source (hidden tests aside),
  each check cell ran, and nbval honours the tag as it honoured the comment;
- a widget's output carries a still view, so that a static copy (a markdown export here) shows a
  figure or text and a sentence, never a widget's repr such as ``VBox(children=(HBox(...``.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
try:
    import nbbuild
finally:
    sys.path.pop(0)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# The repr of an ipywidgets object: a class name called with its traits
WIDGET_REPR = re.compile(
    r"\b(VBox|HBox|Box|IntSlider|FloatSlider|Dropdown|Textarea|Text|IntText|Image|HTML|Button|FileUpload|"
    r"Layout|Output|FloatProgress|TqdmHBox)\((children|value|description|layout|options|index|style)="
)


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def tags(cell: dict) -> list:
    return cell.get("metadata", {}).get("tags", [])


def count_asserts(code: str) -> int:
    return sum(isinstance(node, ast.Assert) for node in ast.walk(ast.parse(code)))


def exercise_names() -> set:
    """The functions the exercises ask for, from the sources' nbgrader solution cells."""
    names = set()
    for src in nbbuild.SOURCES.glob("*.py"):
        for cell in nbbuild.parse_source(src.read_text(encoding="utf-8")):
            if cell["metadata"].get("nbgrader", {}).get("solution"):
                names.add(cell["metadata"]["nbgrader"]["grade_id"])
    return names


# -------------------------------------------------------------------------------------------------
# Nothing of the machinery in sight


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_marker_hidden_test_or_visible_solution(path):
    nb = read(path)
    text = json.dumps(nb)
    for marker in ("### BEGIN", "### END", "NBVAL_", "BEGIN HIDDEN TESTS", "BEGIN SOLUTION"):
        assert marker not in text, f"{path.name}: {marker!r} in the reading copy"
    names = exercise_names()
    for i, cell in enumerate(nb["cells"]):
        defines = {n for n in names if f"def {n}(" in source(cell)}
        if cell["cell_type"] == "code" and defines:
            assert "solution" in tags(cell), f"{path.name} cell {i}: a solution of {defines} without the tag"
        if "solution" in tags(cell) or "check" in tags(cell):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, (
                f"{path.name} cell {i}: a {tags(cell)} cell must be collapsed"
            )


# -------------------------------------------------------------------------------------------------
# ... and all of it still runs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_assert_of_the_source_is_in_the_notebook_and_ran(path):
    src = nbbuild.SOURCES / f"{path.stem}.py"
    in_source = 0
    for cell in nbbuild.parse_source(src.read_text(encoding="utf-8")):
        if cell["cell_type"] == "code" and nbbuild.HOMEWORK_ONLY_TAG not in cell["metadata"].get("tags", []):
            # hidden tests and homework-only cells go to the homework only (tests/test_homework_e2e.py runs them)
            in_source += count_asserts(nbbuild._HIDDEN_TESTS.sub("", cell["source"]))
    nb = read(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert sum(count_asserts(source(c)) for c in code) == in_source, f"{path.name}: asserts lost or added"
    for i, cell in enumerate(code):
        if "check" in tags(cell):
            assert count_asserts(source(cell)) > 0 and cell["execution_count"] is not None
            assert not cell["outputs"], f"{path.name}: check cell {i} shows output; a check prints nothing"


def test_nbval_honours_the_tag_and_runs_check_cells(tmp_path):
    """Random output passes with the nbval-ignore-output tag and fails without; a failing check cell fails."""
    import nbformat
    from nbclient import NotebookClient

    cases = {
        "tagged": ("import random\nprint(random.random())", {"tags": [nbbuild.IGNORE_TAG]}, "passed"),
        "untagged": ("import random\nprint(random.random())", {}, "failed"),
        "failing_check": ("x = 1\nprint(x)\nassert x == 2", {}, "failed"),
    }
    for name, (code, metadata, _) in cases.items():
        nb = nbformat.v4.new_notebook()
        cells = nbbuild.tidy_cell({"cell_type": "code", "source": code, "metadata": metadata}, name)
        nb.cells = [nbformat.v4.new_code_cell(c["source"], metadata=c["metadata"]) for c in cells]
        if name == "failing_check":
            assert [tags(c) for c in cells] == [[], ["check"]]
            nb.cells[1].source = "assert x == 1"  # stored as passing: nbval must re-run it and fail
        NotebookClient(nb, kernel_name="python3").execute()
        if name == "failing_check":
            nb.cells[1].source = "assert x == 2"
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    for name, (_, _, outcome) in cases.items():
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q"]
            + [str(tmp_path / f"{name}.ipynb")],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert outcome in result.stdout.splitlines()[-1], f"{name}: expected {outcome}\n{result.stdout[-1500:]}"


# -------------------------------------------------------------------------------------------------
# The build's two steps, on small cases


@pytest.mark.parametrize(
    "code, expected",
    [
        ("x = 1\nprint(x)\nassert x == 1", ("x = 1\nprint(x)", "assert x == 1")),
        (  # continuation lines and the comment right above go with the asserts
            "y = f(\n    2,\n)\n\n# y is two\nassert y == 2, (\n    'no'\n)\nassert y > 0  # positive",
            ("y = f(\n    2,\n)", "# y is two\nassert y == 2, (\n    'no'\n)\nassert y > 0  # positive"),
        ),
        ("assert a\nassert b", ("", "assert a\nassert b")),  # only asserts: a check cell of its own
        ("assert a\nprint(a)", ("assert a\nprint(a)", "")),  # asserts in the middle stay
        ("x = 1\nx\nassert x", ("x = 1\nx\nassert x", "")),  # x would be displayed after the move
        ("%timeit f()\nassert f()", ("%timeit f()\nassert f()", "")),  # IPython syntax: left alone
        ("for i in a:\n    assert i", ("for i in a:\n    assert i", "")),  # not top level
    ],
)
def test_split_assert_wall(code, expected):
    assert nbbuild.split_assert_wall(code) == expected


def test_nbval_marker_becomes_a_tag_with_its_reason():
    cell = {
        "cell_type": "code",
        "source": "# NBVAL_IGNORE_OUTPUT\n# (why: a training run; its digits\n# vary by CPU)\nx = run()\nassert ok",
        "metadata": {"slideshow": {"slide_type": "-"}},
    }
    code, check = nbbuild.tidy_cell(cell, "test")
    assert code["source"] == "x = run()" and code["metadata"]["tags"] == ["nbval-ignore-output"]
    assert code["metadata"]["nbval"] == {"why": "a training run; its digits vary by CPU"}
    assert check["source"] == f"{nbbuild.CHECK_HEADER}\nassert ok" and check["metadata"]["tags"] == ["check"]
    assert check["metadata"]["jupyter"] == {"source_hidden": True}
    with pytest.raises(ValueError, match="must say why"):
        nbbuild.tidy_cell(dict(cell, source="# NBVAL_IGNORE_OUTPUT\nrun()"), "test")
    with pytest.raises(ValueError, match="first line"):
        nbbuild.tidy_cell(dict(cell, source="x = 1\n# NBVAL_IGNORE_OUTPUT"), "test")


def test_reading_and_homework_flavours_of_an_exercise():
    src = nbbuild.SOURCES / "02_softmax_cross_entropy.py"
    reading, homework = nbbuild.build(src), nbbuild.build(src, flavour="homework")
    solution = next(c for c in reading.cells if "solution" in tags(c))
    assert "def softmax_ce_grad(" in solution.source and "###" not in solution.source
    test = next(c for c in reading.cells if "exercise-test" in tags(c))
    # the reading copy shows the visible checks only: answer-free, without the graders
    assert 'checks.test("softmax_ce_grad"' in test.source and "rnn_grading" not in test.source
    graded = [c for c in homework.cells if "nbgrader" in c.metadata]
    assert "### BEGIN SOLUTION" in graded[0].source and "### BEGIN HIDDEN TESTS" in graded[1].source
    assert "check_softmax_grad(softmax_ce_grad" in graded[1].source
    # a cell tagged for one flavour only appears in it
    cells = nbbuild.parse_source(src.read_text(encoding="utf-8"))
    for tag, only_in, not_in in (("reading-only", reading, homework), ("homework-only", homework, reading)):
        tagged = [c for c in cells if tag in c["metadata"].get("tags", []) and c["cell_type"] == "markdown"]
        assert tagged, f"02 has no markdown cell tagged {tag}"
        for cell in tagged:
            assert any(c.source == cell["source"] for c in only_in.cells)
            assert not any(c.source == cell["source"] for c in not_in.cells)
    assert not any("exercise-note" in tags(c) for c in homework.cells)
    with pytest.raises(ValueError, match="flavour"):
        nbbuild.build(src, flavour="slides")


# -------------------------------------------------------------------------------------------------
# Widgets in a static view


def widget_outputs(nb: dict) -> list:
    return [o for c in nb["cells"] for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]


WIDGET_NOTEBOOKS = [p for p in NOTEBOOKS if widget_outputs(read(p))]


def test_widget_notebooks_are_found():
    assert {p.stem for p in WIDGET_NOTEBOOKS} >= {
        "01_hello_vocabulary",
        "02_softmax_cross_entropy",
        "07_sampling",
        "08_your_own_text",
        "10_what_the_neurons_learn",
    }


@pytest.mark.parametrize("path", WIDGET_NOTEBOOKS, ids=[p.stem for p in WIDGET_NOTEBOOKS])
def test_widget_outputs_carry_a_still_view(path):
    for output in widget_outputs(read(path)):
        data = output["data"]
        plain = "".join(data["text/plain"])
        assert not WIDGET_REPR.search(plain), f"{path.name}: a widget's repr as its text: {plain[:200]!r}"
        assert "needs a running kernel" in plain, f"{path.name}: the text says the view is interactive"
        still = [key for key in ("image/png", "text/html") if key in data]
        assert still or len(plain.splitlines()) > 1, f"{path.name}: no figure, HTML or text to show"


@pytest.mark.parametrize("path", WIDGET_NOTEBOOKS, ids=[p.stem for p in WIDGET_NOTEBOOKS])
def test_markdown_export_shows_no_widget_repr(path):
    from nbconvert import MarkdownExporter

    exporter = MarkdownExporter()
    exporter.exclude_input = True  # the code may build widgets; only what the outputs show counts
    body, resources = exporter.from_filename(str(path))
    assert not WIDGET_REPR.search(body), f"{path.name}: {WIDGET_REPR.search(body).group(0)} in the export"
    assert "children=(" not in body
    figures_or_text = sum(1 for name in resources.get("outputs", {}) if name.endswith(".png"))
    assert figures_or_text or "needs a running kernel" in body

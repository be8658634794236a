"""The project's own tools behave as documented: pytest's notebook set-up, jupytext, ruff.

- ``pytest tests/`` runs without nbval; ``pytest`` (testpaths) or ``pytest notebooks/`` checks the
  notebooks with nbval in strict mode (notebooks/conftest.py).
- Every notebook source is jupytext's percent format: jupytext reads the same cells, with the same
  metadata, as tools/nbbuild.py, so an instructor can edit a source in JupyterLab through jupytext.
- ``ruff check`` and ``ruff format --check`` pass with the configuration in pyproject.toml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import nbbuild  # noqa: E402

SOURCES = sorted((ROOT / "notebooks" / "src").glob("*.py"))


def _collect(*args) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_pytest_tests_needs_no_nbval():
    out = _collect("tests/test_vocab.py")
    assert "test_vocab.py::" in out and ".ipynb" not in out


def test_pytest_collects_every_notebook():
    out = _collect("notebooks", "-o", "testpaths=notebooks")
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{nb.name}::Cell 0" in out, f"{nb.name} is not collected by nbval"


def test_notebooks_conftest_compares_outputs_strictly(tmp_path):
    """A stored output that the code does not reproduce fails, with no nbval flag given."""
    import nbformat

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "notebooks" / "conftest.py")
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", tmp_path / "tests" / "nbval_sanitize.cfg")
    for name, stored in (("right", "2\n"), ("wrong", "3\n")):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
        nb.cells.append(cell)
        nbformat.write(nb, tmp_path / "notebooks" / f"{name}.ipynb")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "notebooks", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "1 failed, 1 passed" in result.stdout, result.stdout + result.stderr
    assert "wrong.ipynb::Cell 0" in result.stdout


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_jupytext_reads_the_same_cells_as_nbbuild(src):
    jupytext = pytest.importorskip("jupytext")
    ours = nbbuild.parse_source(src.read_text(encoding="utf-8"))
    theirs = jupytext.read(src, fmt="py:percent").cells
    assert len(theirs) == len(ours), f"{src.name}: jupytext sees {len(theirs)} cells, nbbuild {len(ours)}"
    for i, (a, b) in enumerate(zip(ours, theirs)):
        meta = {k: v for k, v in b.metadata.items() if k != "lines_to_next_cell"}  # jupytext's layout hint
        meta.setdefault("slideshow", {"slide_type": "-"})  # nbbuild's default: continue the slide
        assert (a["cell_type"], a["source"], a["metadata"]) == (b.cell_type, b.source.strip("\n"), meta), (
            f"{src.name}, cell {i}: jupytext reads it differently"
        )


def _ruff(*args) -> subprocess.CompletedProcess:
    ruff = shutil.which("ruff") or pytest.skip("ruff is not installed (pip install -e '.[test]')")
    return subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_ruff_lint_is_clean():
    result = _ruff("check", ".")
    assert result.returncode == 0, "ruff check found problems (ruff check --fix . fixes many):\n" + result.stdout


def test_ruff_format_is_clean():
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, "some files are not formatted: run ruff format .\n" + result.stdout


# The first commit made under CONTRIBUTING.md's commit rule; older subjects are history.
RULE_SINCE = "8162bb8"


def test_commit_subjects_are_short_with_a_body():
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    known = subprocess.run([git, "cat-file", "-e", f"{RULE_SINCE}^{{commit}}"], cwd=ROOT, capture_output=True)
    if known.returncode != 0:
        pytest.skip("a shallow clone: the commits since the rule are not all here")
    log = subprocess.run(
        [git, "log", "--no-merges", "--format=%h%x00%s%x00%b%x1e", f"{RULE_SINCE}..HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    problems = []
    for entry in filter(str.strip, log.split("\x1e")):
        sha, subject, body = entry.strip("\n").split("\x00")
        if len(subject) > 72:
            problems.append(f"{sha}: subject of {len(subject)} characters (at most 72): {subject[:80]}")
        if not body.strip():
            problems.append(f"{sha}: no body saying why: {subject}")
    assert not problems, "commits that break CONTRIBUTING.md's rule:\n" + "\n".join(problems)


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_no_markdown_heading_is_swallowed_by_a_code_cell(src):
    """A lost `# %% [markdown]` marker turns a section into comments of the code cell above it."""
    for i, cell in enumerate(nbbuild.parse_source(src.read_text(encoding="utf-8"))):
        if cell["cell_type"] == "code":
            headings = [line for line in cell["source"].splitlines() if line.startswith(("# ## ", "# ### "))]
            assert not headings, f"{src.name}, cell {i}: a markdown heading inside a code cell: {headings[0]!r}"

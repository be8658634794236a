"""The project's own promises: dependency lists agree, CI runs the README's command, notebooks are
built from their sources and committed executed, with the conventions the series follows."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip vendors the same parser
    from pip._vendor import tomli as tomllib


# PyPI name -> conda-forge name, where they differ (conda-forge's "playwright" is the Node.js tool)
CONDA_NAMES = {"playwright": "playwright-python"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.strip().replace(" ", "").lower().replace("_", "-")


def pyproject_requirements() -> set:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        reqs += extra
    return {_spec(r) for r in reqs}


def _as_pypi(spec: str) -> str:
    """A conda-forge requirement spelled with its PyPI name."""
    for pypi, conda in CONDA_NAMES.items():
        if _name(spec) == conda:
            return pypi + spec[len(conda) :]
    return spec


def conda_requirements() -> set:
    reqs, in_pip, in_deps = set(), False, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\w", line):  # a top-level key: channels, dependencies, ...
            in_deps = line.startswith("dependencies:")
        m = re.match(r"^(\s*)- (.+?)\s*(#.*)?$", line)
        if not (m and in_deps):
            continue
        item = m.group(2)
        if item == "pip:":
            in_pip = True
            continue
        if in_pip and len(m.group(1)) > 2:
            continue  # pip-installed entries: the package itself
        if _name(item) not in ("python", "pip"):
            reqs.add(_as_pypi(_spec(item)))
    return reqs


def test_environment_yml_matches_pyproject():
    assert conda_requirements() == pyproject_requirements(), (
        "environment.yml and pyproject.toml list different dependencies: "
        f"only in environment.yml {sorted(conda_requirements() - pyproject_requirements())}, "
        f"only in pyproject.toml {sorted(pyproject_requirements() - conda_requirements())}"
    )


def test_environment_yml_uses_conda_forge_names():
    text = (ROOT / "environment.yml").read_text()
    for pypi, conda in CONDA_NAMES.items():
        assert re.search(rf"^\s*- {re.escape(conda)}\b", text, re.M), f"conda-forge calls {pypi!r} {conda!r}"
        assert not re.search(rf"^  - {re.escape(pypi)}(?![\w-])", text, re.M), (
            f"environment.yml lists {pypi!r}: on conda-forge that is another package; use {conda!r}"
        )


def test_environment_yml_installs_the_package():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*- pip:\s*\n\s*- -e \.\s*$", text, re.M), "environment.yml must pip install -e ."


def readme_command(kind: str) -> str:
    """The README's set-up command whose line is marked with ``# <kind>`` in its code block."""
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.rstrip().endswith(f"# {kind}"):
            return line.rsplit("#", 1)[0].strip()
    raise AssertionError(f"README has no command line ending in '# {kind}'")


def test_ci_runs_the_readme_test_command():
    command = readme_command("tests")
    ci = (ROOT / ".ci" / "run").read_text()
    assert command in [line.strip() for line in ci.splitlines()], (
        f"the README's test command {command!r} is not a line of .ci/run"
    )
    assert "python3 -m venv" in ci, ".ci/run must create a fresh virtual environment"
    assert "set -euo pipefail" in ci


def test_readme_main_command_uses_the_cli():
    command = readme_command("main")
    assert "pip install -e ." in command and "python -m rnn_lib train" in command


def test_notebooks_match_their_sources():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "nbbuild.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_executed_in_order(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: re-run it top to bottom (counts {counts})"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name} was committed with an error output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_conventions(path):
    nb = json.loads(path.read_text())
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown", "a notebook opens with its goal cell"
    missing = [i for i, c in enumerate(cells) if "slide_type" not in c.get("metadata", {}).get("slideshow", {})]
    assert not missing, f"cells {missing} have no slideshow.slide_type"
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    # comments may quote the gist (e.g. its list(set(data))); only executable code must follow the rules
    statements = "\n".join(line.split("#", 1)[0] for line in code.splitlines())
    assert "np.set_printoptions(precision=4, suppress=True)" in code
    assert "np.random.seed(" not in statements and "np.random.rand" not in statements, "use np.random.default_rng(seed)"
    assert "list(set(" not in statements.replace(" ", ""), "vocabularies are sorted(set(text))"
    for i, c in enumerate(cells):
        src = "".join(c["source"])
        tags = c.get("metadata", {}).get("tags", [])
        # the build turns the authors' bookkeeping into tags (tools/nbbuild.py): no marker in sight
        assert "NBVAL_" not in src and "### BEGIN" not in src and "### END" not in src, (
            f"{path.name} cell {i}: a marker line in the reading copy; rebuild it with tools/nbbuild.py"
        )
        if "nbval-ignore-output" in tags:
            # nbval ignores the output of a cell with this tag, as of one starting with # NBVAL_IGNORE_OUTPUT
            why = c["metadata"].get("nbval", {}).get("why", "")
            assert len(why) > 10, f"{path.name} cell {i}: an ignored output says why in metadata nbval.why"
        if "check" in tags or "solution" in tags:
            assert c["cell_type"] == "code" and c["metadata"].get("jupyter", {}).get("source_hidden") is True, (
                f"{path.name} cell {i}: a {tags} cell is shown collapsed (jupyter.source_hidden)"
            )
        if "check" in tags:
            assert c["metadata"]["slideshow"]["slide_type"] == "skip", f"{path.name} cell {i}: checks are not slides"


SOURCES = sorted((ROOT / "notebooks" / "src").glob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_source_markers(path):
    """Authors mark an ignored output with two comment lines at the top of the cell (tools/nbbuild.py)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import nbbuild
    finally:
        sys.path.pop(0)
    for i, cell in enumerate(nbbuild.parse_source(path.read_text(encoding="utf-8"))):
        src = cell["source"]
        if cell["cell_type"] == "code" and "NBVAL_IGNORE_OUTPUT" in src:
            lines = src.splitlines()
            # the build needs the marker alone on the first line, and the reason right below it
            assert lines[0] == "# NBVAL_IGNORE_OUTPUT", (
                f"{path.name} cell {i}: the first line must be exactly '# NBVAL_IGNORE_OUTPUT', got {lines[0]!r}"
            )
            why, _ = nbbuild.nbval_reason(src, f"{path.name} cell {i}")
            assert len(why) > 10, f"{path.name} cell {i}: say why the output is ignored: '# (why: ...)'"
        if cell["cell_type"] == "markdown":
            assert "NBVAL" not in src, f"{path.name} cell {i}: prose does not talk about nbval markers"

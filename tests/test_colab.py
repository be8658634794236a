"""The Colab setup cell that opens every notebook: a no-op where rnn_lib is installed, and where it
is not, a clone and install of the project that leaves the notebook able to run.

The install path is exercised for real except for pip itself: the repository is cloned with git
from a local ``file://`` URL (offline), and ``sys.executable`` is a stand-in that records the pip
command instead of changing the test environment.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
import nbbuild  # noqa: E402


def first_code_cell(path):
    cells = json.loads(path.read_text())["cells"]
    return next(c for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_notebook_opens_with_the_colab_cell(path):
    cell = first_code_cell(path)
    assert "".join(cell["source"]) == nbbuild.colab_cell(nbbuild.repository_url())
    assert cell["metadata"]["slideshow"]["slide_type"] == "skip"  # not part of the lecture
    assert not cell["outputs"], "locally the cell must print nothing"


def run_cell(cell: str, cwd: Path, hide_rnn_lib: bool, fake_python: Path | None = None):
    """Run the cell's code in a fresh interpreter; report cwd, sys.path[0] and where rnn_lib comes from."""
    program = textwrap.dedent(f"""
        import importlib.util, json, os, sys
        if {hide_rnn_lib!r}:  # a machine where rnn_lib is not installed
            real = importlib.util.find_spec
            importlib.util.find_spec = lambda name, *a: None if name == "rnn_lib" else real(name, *a)
            sys.path = [p for p in sys.path if not os.path.isdir(os.path.join(p, "rnn_lib"))]
            sys.meta_path = [f for f in sys.meta_path if "editable" not in type(f).__module__
                             and "editable" not in getattr(f, "__name__", "")]
        if {str(fake_python) if fake_python else None!r}:
            sys.executable = {str(fake_python) if fake_python else ""!r}
        before = list(sys.path)
        exec(compile({cell!r}, "colab_cell", "exec"))
        import rnn_lib
        from rnn_lib.vocab import data_path
        print(json.dumps({{"cwd": os.getcwd(), "added": [p for p in sys.path if p not in before],
                          "rnn_lib": rnn_lib.__file__, "data": str(data_path("tinyshakespeare.txt"))}}))
    """)
    return subprocess.run([sys.executable, "-c", program], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_locally_the_cell_does_nothing(tmp_path):
    result = run_cell(nbbuild.colab_cell("file:///nowhere/at/all"), tmp_path, hide_rnn_lib=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["cwd"] == str(tmp_path) and report["added"] == []
    assert list(tmp_path.iterdir()) == []  # nothing cloned
    assert Path(report["rnn_lib"]).is_relative_to(ROOT)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the project as a git repository to clone")
def test_without_rnn_lib_the_cell_clones_installs_and_moves_into_the_notebooks(tmp_path):
    log = tmp_path / "pip_calls.txt"
    fake_python = tmp_path / "fake_python"
    fake_python.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    fake_python.chmod(0o755)
    work = tmp_path / "colab"
    work.mkdir()
    cell = nbbuild.colab_cell(ROOT.as_uri())
    result = run_cell(cell, work, hide_rnn_lib=True, fake_python=fake_python)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    clone = work / "rnn_project"
    assert (clone / ".git").exists() and (clone / "pyproject.toml").exists()
    # rnn_lib alone, without its dependencies: never Jupyter or ipywidgets into Colab's environment
    assert log.read_text().split() == ["-m", "pip", "install", "-q", "--no-deps", "-e", "rnn_project"]
    assert report["cwd"] == str(clone / "notebooks")  # ../data resolves as it does locally
    assert report["added"] == [str(clone)]
    assert Path(report["rnn_lib"]).is_relative_to(clone)  # the notebook now imports the clone
    assert Path(report["data"]).is_file() and Path(report["data"]).is_relative_to(clone)
    # run again (a second notebook in the same Colab session): no second clone, no error
    again = run_cell(cell, work, hide_rnn_lib=True, fake_python=fake_python)
    assert again.returncode == 0, again.stderr


def test_without_a_published_url_the_cell_says_what_to_do(tmp_path):
    result = run_cell(nbbuild.colab_cell(None), tmp_path, hide_rnn_lib=True)
    assert result.returncode != 0
    assert "ModuleNotFoundError: rnn_lib is not installed" in result.stderr
    assert "pip install -e ." in result.stderr


def test_readme_badges_follow_the_repository_url():
    readme = (ROOT / "README.md").read_text()
    assert nbbuild.readme_with_badges(readme, nbbuild.repository_url()) == readme, (
        "run python tools/nbbuild.py --badges"
    )
    with_url = nbbuild.readme_with_badges(readme, "https://github.com/someone/rnn-course.git")
    assert "https://mybinder.org/v2/gh/someone/rnn-course/HEAD?urlpath=lab/tree/notebooks" in with_url
    assert (
        "https://colab.research.google.com/github/someone/rnn-course/blob/main/notebooks/00_overview.ipynb" in with_url
    )
    assert (ROOT / "notebooks" / "00_overview.ipynb").exists()
    # the block is replaced, not added to: writing the badges twice changes nothing
    assert nbbuild.readme_with_badges(with_url, "https://github.com/someone/rnn-course.git") == with_url
    assert nbbuild.readme_with_badges(with_url, nbbuild.repository_url()) == readme

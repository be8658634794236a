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

Every notebook gets one cell its source does not have: the setup cell of :func:`colab_cell`, put
before the first code cell, which installs the project where ``rnn_lib`` is missing (Colab) and
does nothing where it is installed. It is built here, from one template, so that the fourteen
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


def colab_cell(url: str | None) -> str:
    """The first code cell of every notebook: fetch and install the project when rnn_lib is missing.

    On Colab a notebook arrives alone, without the package, its data or its checkpoints: the cell
    clones the repository next to the notebook, installs it (dependencies included) and moves into
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
            '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", "rnn_project"], check=True)\n'
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


def build(src: Path):
    import nbformat

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
            "source": colab_cell(repository_url()),
            "metadata": {"slideshow": {"slide_type": "skip"}, "tags": ["colab-setup"]},
        },
    )
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


def check() -> list[str]:
    """Problems: notebooks whose cells differ from their source, or that have no source."""
    import nbformat

    problems = []
    for src in sorted(SOURCES.glob("*.py")):
        nb_path = target(src)
        if not nb_path.exists():
            problems.append(f"{nb_path.name}: not built from {src.name}")
            continue
        want = [(c.cell_type, c.source, _without_run_data(c.metadata)) for c in build(src).cells]
        have = [
            (c.cell_type, c.source, _without_run_data(c.metadata)) for c in nbformat.read(nb_path, as_version=4).cells
        ]
        if want != have:
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

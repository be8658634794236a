"""Build the notebooks from their plain-text sources, execute them, or check they are in sync.

Each notebook ``notebooks/NN_name.ipynb`` is generated from ``notebooks/src/NN_name.py``, a Python
file in the "percent" format: a line starting with ``# %%`` begins a code cell, ``# %% [markdown]``
a markdown cell (whose lines are written as ``# text``). After the marker, an optional slide type
(``slide``, ``subslide``, ``fragment``, ``skip``, ``notes``) and an optional JSON object of extra
cell metadata may follow::

    # %% [markdown] slide
    # ## Softmax
    # %% {"tags": ["exercise"]}
    p = softmax(y)

Usage::

    python tools/nbbuild.py notebooks/src/01_hello.py ...   # build and execute
    python tools/nbbuild.py --all                            # every source
    python tools/nbbuild.py --check                          # sources and notebooks agree?

Executing runs every cell top to bottom in a fresh kernel of the current environment, from
the notebooks/ folder, with one BLAS thread (as CI does), and stores the outputs.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
MARKER = re.compile(r"^# %%(?P<md> \[markdown\])?(?P<rest>.*)$")


def parse_source(text: str) -> list[dict]:
    """Cells of a percent-format source: dicts with cell_type, source, metadata."""
    cells, current = [], None
    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            rest = m.group("rest").strip()
            metadata = {}
            slide = "-"
            if rest and rest.split()[0] in SLIDE_TYPES:
                slide, _, rest = rest.partition(" ")
                rest = rest.strip()
            if rest:
                metadata = json.loads(rest)
            metadata.setdefault("slideshow", {"slide_type": slide})
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


def build(src: Path):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "celltoolbar": "Slideshow",
    }
    for c in parse_source(src.read_text(encoding="utf-8")):
        make = nbformat.v4.new_markdown_cell if c["cell_type"] == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(c["source"], metadata=c["metadata"]))
    for i, cell in enumerate(nb.cells):  # stable ids keep diffs small
        cell["id"] = f"{src.stem[:20]}-{i:03d}"
    return nb


def execute(nb, timeout: int = 300):
    from nbclient import NotebookClient
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    for cell in nb.cells:  # execution timestamps only make diffs noisy
        cell.metadata.pop("execution", None)
    return nb


def target(src: Path) -> Path:
    return NOTEBOOKS / (src.stem + ".ipynb")


def check() -> list[str]:
    """Problems: notebooks whose cells differ from their source, or that have no source."""
    import nbformat
    problems = []
    for src in sorted(SOURCES.glob("*.py")):
        nb_path = target(src)
        if not nb_path.exists():
            problems.append(f"{nb_path.name}: not built from {src.name}")
            continue
        want = [(c.cell_type, c.source) for c in build(src).cells]
        have = [(c.cell_type, c.source) for c in nbformat.read(nb_path, as_version=4).cells]
        if want != have:
            problems.append(f"{nb_path.name}: cells differ from {src.relative_to(ROOT)}; "
                            f"run python tools/nbbuild.py {src.relative_to(ROOT)}")
    for nb_path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if not (SOURCES / (nb_path.stem + ".py")).exists():
            problems.append(f"{nb_path.name}: no source notebooks/src/{nb_path.stem}.py")
    return problems


def main(argv=None) -> int:
    import nbformat
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", nargs="*", type=Path)
    ap.add_argument("--all", action="store_true", help="build every notebooks/src/*.py")
    ap.add_argument("--check", action="store_true", help="only check sources and notebooks agree")
    ap.add_argument("--no-execute", action="store_true", help="build without running")
    args = ap.parse_args(argv)
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
        print(f"{target(Path(src)).relative_to(ROOT)}: {len(nb.cells)} cells, "
              f"executed in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long a student needs to study each notebook, measured by reading its reading copy.

The numbers of docs/instructor_guide.md ("How long each notebook takes") come from here, and a
test keeps the guide's table equal to ``python tools/study_time.py --table``. The method counts
what a student reads in the reading copy (``tools/nbbuild.py`` builds it from the source) and
the figures of the executed notebook:

- prose: the words of the markdown cells (fenced code and display maths taken out) at 180 words a
  minute, a careful reading rate for technical text with inline maths;
- display maths: 30 s per ``$$ ... $$`` block;
- code: 5 s per non-blank line a student reads (code cells, and code fenced in markdown), plus 10 s
  per code cell to run it and read its printed output; the collapsed check cells (asserts) are not
  read on a first pass and are not counted;
- figures: 60 s per figure, or per widget shown without a figure, in the executed notebook;
- sections whose heading says "optional" (up to the next heading of the same or a higher level)
  are counted apart, as is the graded work: exercise statements' solutions and notes, and the
  exercises' test cells and the model answers of written questions: that is the exercise's time,
  which each notebook states apart.

The **stated** time is what the notebook's opening tells the student ("**Time:** about 60
minutes ..."). Usage::

    python tools/study_time.py                 # a row per notebook
    python tools/study_time.py --table         # the guide's markdown table
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import nbbuild  # noqa: E402

WORDS_PER_MINUTE, MATHS_S, CODE_LINE_S, CODE_CELL_S, FIGURE_S = 180, 30, 5, 10, 60
LIMIT_MINUTES = 62  # "no notebook over ~60 minutes of study"
HEADING = re.compile(r"^(#{1,4}) (.*)$", re.M)
STATED = re.compile(r"\*\*Time\W*(?:\*\*)?\W*about (\d+) minutes|in about (\d+) minutes", re.I)
GRADED_WORK = {"solution", "exercise-note", "exercise-test", "check"}


def _words(markdown: str) -> tuple[int, int, int]:
    """(words, display-maths blocks, fenced code lines) of one markdown cell."""
    fenced = re.findall(r"```.*?\n(.*?)```", markdown, re.S)
    code = sum(1 for block in fenced for line in block.splitlines() if line.strip())
    prose = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    maths = len(re.findall(r"\$\$.*?\$\$", prose, re.S))
    prose = re.sub(r"<[^>]+>", " ", re.sub(r"\$\$.*?\$\$", " ", prose, flags=re.S))
    return len(re.findall(r"[A-Za-z0-9$`\\]\S*", prose)), maths, code


def _code_lines(code: str) -> int:
    """Non-blank lines of a code cell a student reads (nbgrader markers left out)."""
    return sum(1 for line in code.splitlines() if line.strip() and not line.strip().startswith("### "))


def measure(src: Path) -> dict:
    """Counts and minutes of one notebook: ``{"core": {...}, "optional": {...}, "stated": int}``.

    Each part is a dict with words, maths, code (lines), cells (code cells) and figures, and its
    minutes; "core" is what a first reading takes, "optional" the side roads.
    """
    text = src.read_text(encoding="utf-8")
    cells = nbbuild.reading_copy(nbbuild.parse_source(text), src.name)
    nb_path = ROOT / "notebooks" / (src.stem + ".ipynb")
    built = [
        c
        for c in json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
        if "colab-setup" not in c.get("metadata", {}).get("tags", [])
    ]
    if len(built) != len(cells):
        raise SystemExit(f"{nb_path.name} is out of date with its source: rebuild it with tools/nbbuild.py")
    parts = {k: dict(words=0, maths=0, code=0, cells=0, figures=0) for k in ("core", "optional", "graded")}
    optional_level = None
    for cell, executed in zip(cells, built):
        source, tags = cell["source"], set(cell["metadata"].get("tags", []))
        if cell["cell_type"] == "markdown":
            for m in HEADING.finditer(re.sub(r"```.*?```", "", source, flags=re.S)):
                level, title = len(m.group(1)), m.group(2)
                if optional_level is not None and level <= optional_level:
                    optional_level = None
                if "optional" in title.lower() and optional_level is None:
                    optional_level = level
        part = parts["optional" if optional_level is not None else "core"]
        if tags & GRADED_WORK:
            part = parts["graded"]
        if cell["cell_type"] == "markdown":
            if "A model answer" in source:  # a written question: its collapsed model answer is graded work
                answers = " ".join(re.findall(r"<details>.*?</details>", source, re.S))
                parts["graded"]["words"] += _words(answers)[0]
                source = re.sub(r"<details>.*?</details>", " ", source, flags=re.S)
            words, maths, code = _words(source)
            part["words"] += words
            part["maths"] += maths
            part["code"] += code
        else:
            part["cells"] += 1
            part["code"] += _code_lines(source)
            outputs = executed.get("outputs", [])
            pngs = sum(1 for o in outputs if "image/png" in o.get("data", {}))
            widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
            part["figures"] += pngs or int(widget)
    for part in parts.values():
        part["minutes"] = (
            part["words"] / WORDS_PER_MINUTE
            + (
                part["maths"] * MATHS_S
                + part["code"] * CODE_LINE_S
                + part["cells"] * CODE_CELL_S
                + part["figures"] * FIGURE_S
            )
            / 60
        )
    stated = STATED.search(text)
    parts["stated"] = int(next(g for g in stated.groups() if g)) if stated else None
    return parts


def sources() -> list[Path]:
    return sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))


def table() -> str:
    """The guide's table: one row per notebook."""
    rows = [
        "| notebook | words | code lines | figures | study time (measured) | stated in the notebook "
        "| optional sections |",
        "|---|---|---|---|---|---|---|",
    ]
    for src in sources():
        m = measure(src)
        core, optional = m["core"], m["optional"]
        side = f"{optional['minutes']:.0f} min" if optional["minutes"] >= 0.5 else "–"
        rows.append(
            f"| [{src.stem}](../notebooks/{src.stem}.ipynb) | {core['words']:,} | {core['code']} | {core['figures']} "
            f"| {core['minutes']:.0f} min | {m['stated']} min "
            f"| {side} |"
        )
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table", action="store_true", help="print the instructor guide's markdown table")
    args = ap.parse_args(argv)
    if args.table:
        print(table())
        return 0
    print(f"{'notebook':<40}{'words':>7}{'code':>6}{'figs':>5}{'study':>7}{'stated':>7}{'optional':>9}{'graded':>7}")
    for src in sources():
        m = measure(src)
        c = m["core"]
        print(
            f"{src.stem:<40}{c['words']:7,}{c['code']:6}{c['figures']:5}{c['minutes']:7.1f}{m['stated'] or 0:7d}"
            f"{m['optional']['minutes']:9.1f}{m['graded']['minutes']:7.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

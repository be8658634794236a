"""Generate the student versions of the homework notebooks with nbgrader, offline.

Usage::

    python tools/make_homework.py                          # writes release/<assignment>/
    python tools/make_homework.py --out /tmp/hw            # somewhere else
    python tools/make_homework.py 03_backprop_through_time # only some notebooks
    python tools/make_homework.py --course course/         # and an nbgrader course to autograde in

One nbgrader assignment per notebook that holds exercises (cells with ``nbgrader`` metadata),
named like the notebook: ``release/03_backprop_through_time/03_backprop_through_time.ipynb``.
Each assignment folder is self-contained, so it can be zipped and handed out as it is: next to
the notebook are copies of ``rnn_lib/`` and ``rnn_notebook/`` (the notebooks import them) and of
``rnn_grading/`` (their test cells call it), the ``data/`` files and ``checkpoints/`` the notebook reads, and a README.
Students need the project's dependencies (numpy, matplotlib, ipywidgets, jupyter).

How it works: each notebook's homework is built from its source ``notebooks/src/NN_name.py`` by
``tools/nbbuild.py`` in its "homework" flavour: the same cells as the student's reading copy
``notebooks/NN_name.ipynb``, except that the exercises' cells are exactly as the source has them,
with their ``### BEGIN/END SOLUTION`` and ``### BEGIN/END HIDDEN TESTS`` markers (the reading copy
has neither: its solutions are collapsed, its hidden tests gone). This tool refuses sources whose
reading copy is out of sync (``tools/nbbuild.py --check``): the reading copy is what nbval executes,
so a source that was edited but not rebuilt has untested solutions. The built notebook, without
outputs, goes into a temporary nbgrader course directory as ``source/<assignment>/``, with the
support files. Then ``nbgrader generate_assignment "*" --no-db --force`` replaces the code between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` by ``raise NotImplementedError()``, removes the
hidden tests and all outputs, locks the test cells and stores checksums for ``nbgrader autograde``.
Its ``release/`` folder is copied to ``--out``. No database (unless ``--course`` is given: then the
course directory and its ``gradebook.db`` stay, with the hidden tests for ``nbgrader autograde``), no
network, no Jupyter server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

# Files a notebook reads, found in its code: rnn_lib.data_path("x.txt") -> data/x.txt, and
# "checkpoints/y.npz" or "checkpoints" / "y.npz" -> checkpoints/y.npz.
FILE_PATTERNS = [
    (re.compile(r"data_path\(\s*[\"']([^\"']+)[\"']"), "data"),
    (re.compile(r"[\"']checkpoints/([^\"']+)[\"']"), "checkpoints"),
    (re.compile(r"[\"']checkpoints[\"']\s*/\s*[\"']([^\"']+)[\"']"), "checkpoints"),
]

STUDENT_README = """# Homework: {name}

1. Open `{name}.ipynb` in this folder with Jupyter. Keep the other files of the folder next to
   it: the notebook imports `rnn_lib/` and reads its data files from here.
2. Work through it from the top. Each exercise is a code cell with `# YOUR CODE HERE` and
   `raise NotImplementedError()`: replace those two lines with your code, keeping the function's
   name and arguments.
3. Run the test cell after each exercise. If it fails, its error message says what is wrong
   and what to look at. The grader also runs hidden tests (other random inputs, edge cases).
4. Run the whole notebook top to bottom (Kernel > Restart & Run All) before you hand it in;
   do not rename the notebook or delete cells.
"""


def _nbbuild():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import nbbuild
    finally:
        sys.path.pop(0)
    return nbbuild


def homework_notebook(name: str) -> dict:
    """The homework flavour of notebook ``name`` built from its source, without outputs (a dict)."""
    import nbformat

    nb = _nbbuild().build(NOTEBOOKS / "src" / f"{name}.py", flavour="homework")
    return json.loads(nbformat.writes(nb))


def exercise_notebooks(names=None) -> list[Path]:
    """The reading copies ``notebooks/NN_name.ipynb`` whose sources hold exercises (cells with
    ``nbgrader`` metadata): all of them, or those named."""
    found = []
    for src in sorted((NOTEBOOKS / "src").glob("*.py")):
        if re.search(r"^# %%.*\bnbgrader=", src.read_text(encoding="utf-8"), re.M):
            found.append(NOTEBOOKS / f"{src.stem}.ipynb")
    if names:
        unknown = sorted(set(names) - {p.stem for p in found})
        if unknown:
            raise ValueError(f"no exercises in {unknown}; notebooks with exercises: {[p.stem for p in found]}")
        found = [p for p in found if p.stem in names]
    return found


def files_read_by(nb: dict) -> list[str]:
    """Paths relative to the repository of the data and checkpoint files the notebook's code reads."""
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    files = {f"{folder}/{m}" for pattern, folder in FILE_PATTERNS for m in pattern.findall(code)}
    return sorted(files)


def out_of_sync(paths: list[Path]) -> list[str]:
    """The reading copies whose cells differ from what their source builds (``tools/nbbuild.py --check``)."""
    import nbformat

    nbbuild = _nbbuild()
    problems = []
    for path in paths:
        src = nbbuild.SOURCES / f"{path.stem}.py"
        rebuild = f"run python tools/nbbuild.py notebooks/src/{src.name}"
        if not src.is_file():
            problems.append(f"{path.name}: no source notebooks/src/{src.name}")
        elif not path.is_file() or nbbuild.cells_for_check(nbbuild.build(src)) != nbbuild.cells_for_check(
            nbformat.read(path, as_version=4)
        ):
            problems.append(f"{path.name}: cells differ from notebooks/src/{src.name}; {rebuild}")
    return problems


def stage(path: Path, source_dir: Path) -> None:
    """Write the homework flavour of one notebook (no outputs) and what it needs into source_dir."""
    nb = homework_notebook(path.stem)
    source_dir.mkdir(parents=True)
    (source_dir / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for package in ("rnn_lib", "rnn_notebook", "rnn_grading"):
        shutil.copytree(ROOT / package, source_dir / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for rel in files_read_by(nb):
        if not (ROOT / rel).is_file():
            raise FileNotFoundError(f"{path.name} reads {rel}, which is not in the repository")
        (source_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, source_dir / rel)
    (source_dir / "README.md").write_text(STUDENT_README.format(name=path.stem), encoding="utf-8")


def make_homework(out: Path, names=None, course: Path | None = None) -> list[Path]:
    """Write the student version of every notebook with exercises to ``out/<assignment>/``.

    With ``course``, that folder becomes a lasting nbgrader course directory (``source/``,
    ``release/`` and ``gradebook.db``, which keeps the hidden tests for ``nbgrader autograde``);
    without it, a temporary course without a database is used.
    """
    paths = exercise_notebooks(names)
    problems = out_of_sync(paths)
    if problems:
        raise ValueError("rebuild these notebooks first:\n  " + "\n  ".join(problems))
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as tmp:
        root = Path(tmp) if course is None else course.resolve()
        for path in paths:
            if (root / "source" / path.stem).exists():
                shutil.rmtree(root / "source" / path.stem)
            stage(path, root / "source" / path.stem)
        command = [
            sys.executable,
            "-m",
            "nbgrader",
            "generate_assignment",
            "*",
            "--force",
            f"--CourseDirectory.root={root}",
            "--log-level=WARN",
        ] + (["--no-db"] if course is None else [])
        # nbgrader runs the `alembic` command of its environment to set up the gradebook
        path_with_env_bin = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        env = {**os.environ, "PATH": path_with_env_bin}
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment failed:\n{result.stdout}{result.stderr}")
        written = []
        for path in paths:
            target = out / path.stem
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(root / "release" / path.stem, target)
            written.append(target / path.name)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "notebooks", nargs="*", help="notebook names (e.g. 03_backprop_through_time); default: all with exercises"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "release", help="output folder (default: release/)")
    ap.add_argument(
        "--course",
        type=Path,
        help="also keep an nbgrader course directory here, with its "
        "gradebook, for `nbgrader autograde` (see docs/instructor_guide.md)",
    )
    args = ap.parse_args(argv)
    try:
        written = make_homework(args.out, args.notebooks, args.course)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"make_homework: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

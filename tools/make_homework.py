"""Generate the student versions of the homework notebooks with nbgrader, offline.

Usage::

    python tools/make_homework.py                          # writes release/<assignment>/ and answer_keys/
    python tools/make_homework.py --out /tmp/hw            # somewhere else
    python tools/make_homework.py 03_backprop_through_time # only some notebooks
    python tools/make_homework.py --course course/         # and an nbgrader course to autograde in

One nbgrader assignment per notebook that holds exercises (cells with ``nbgrader`` metadata),
named like the notebook: ``release/03_backprop_through_time/03_backprop_through_time.ipynb``.
Each assignment folder is self-contained, so it can be zipped and handed out as it is: next to
the notebook are a copy of ``rnn_lib/`` in which the functions that compute this notebook's
answers are stubs (``STUBS``), ``rnn_notebook/`` (figures, and the visible checks of the test
cells), the ``data/`` files and ``checkpoints/`` the notebook reads, and a README. Never the
graders (``rnn_grading``): the hidden tests run on the instructor's side only. The answers of the
"Check yourself" questions and the model answers of the written questions go to
``answer_keys/<assignment>.md``, beside ``release/``.

How it works: each notebook's homework is built from its source ``notebooks/src/NN_name.py`` by
``tools/nbbuild.py`` in its "homework" flavour: without the cells tagged ``reading-only`` (code
that would give an exercise away), with the cells tagged ``homework-only``, the cells that use an
exercise guarded by ``checks.ready`` (they skip, with a note, while it is wrong), and the exercises'
cells exactly as the source has them, with their ``### BEGIN/END SOLUTION`` and ``### BEGIN/END
HIDDEN TESTS`` markers. This tool refuses sources whose reading copy is out of sync
(``tools/nbbuild.py --check``): the reading copy is what nbval executes, so a source that was
edited but not rebuilt has untested solutions. The built notebook, without outputs, goes into an
nbgrader course directory (a temporary one, or ``--course``) as ``source/<assignment>/``, with the
support files and the course's ``homework/nbgrader_config.py``. Then ``nbgrader
generate_assignment`` replaces the code between the solution markers by ``raise
NotImplementedError()``, removes the hidden tests and all outputs, and locks the test cells. Last,
the tool searches every file of each handout for the lines of its solutions (code only: the maths
in the text and in docstrings stays) and refuses a handout that holds one. No network, no Jupyter
server.
"""

from __future__ import annotations

import argparse
import functools
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

DEFAULT_CHECKPOINT = "shakespeare_rnn.npz"  # rnn_lib.shipped_checkpoint()

STUDENT_README = """# Homework: {name}

1. Install what the notebook needs, once: `pip install -r requirements.txt` (numpy, matplotlib,
   ipywidgets, tqdm, threadpoolctl and Jupyter; add `nbgrader` if your course has you check or
   submit with it). Open `{name}.ipynb` in this folder with Jupyter. Keep the other files of the
   folder next to it: the notebook imports `rnn_lib/` and `rnn_notebook/` and reads its data files
   from here.
2. Work through it from the top. Each exercise is a code cell with `# YOUR CODE HERE` and
   `raise NotImplementedError()`: replace those two lines with your code, keeping the function's
   name and arguments. A written question, where there is one, has a cell saying
   `YOUR ANSWER HERE`: replace it with your answer (graded by hand).
3. Write each exercise with numpy only. This folder's copy of `rnn_lib` leaves out the functions
   that would answer the exercises, and the grader runs your functions with `rnn_lib` switched off:
   a function that calls into it scores 0.
4. Run the test cells under each exercise. Each one checks one part and is worth its points on its
   own; if it fails, its message says what is wrong and what to look at. The grader also runs
   hidden tests (other random inputs, edge cases). While an exercise is still wrong, the cells that
   need it print "Skipped: ..." and go on, so you can work on the rest of the notebook.
5. Run the whole notebook top to bottom (Kernel > Restart & Run All) before you hand it in;
   do not rename the notebook or delete cells. Edited test cells are put back before grading.
"""


def handout_requirements() -> str:
    """The packages a handout needs: the project's dependencies (pyproject.toml), never the
    project itself (whose repository holds the graders and the solutions)."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return "\n".join(project["dependencies"]) + "\n"


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


def _text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def exercise_table() -> str:
    """The table of every graded cell of the series, for docs/instructor_guide.md (a test keeps
    the guide's copy equal to it): exercise, notebook, its graded parts with their points, and what
    the student writes (the first line of the function's docstring, or the question's heading)."""
    import ast

    rows = [
        "| # | notebook | exercise | graded cells: points | total | what the student writes |",
        "|---|---|---|---|---|---|",
    ]
    n = 0
    for path in exercise_notebooks():
        cells = homework_notebook(path.stem)["cells"]
        graded = [c for c in cells if c["metadata"].get("nbgrader", {}).get("grade")]
        for i, cell in enumerate(cells):
            meta = cell["metadata"].get("nbgrader", {})
            if not meta.get("solution"):
                continue
            n += 1
            exercise = meta["grade_id"]
            if cell["cell_type"] == "code":
                parts = [c for c in graded if c["metadata"]["nbgrader"]["grade_id"].startswith(f"test_{exercise}")]
                func = next(node for node in ast.parse(_text(cell)).body if isinstance(node, ast.FunctionDef))
                what = f"`{func.name}(...)`: " + (ast.get_docstring(func) or "").split("\n")[0].rstrip(".")
            else:  # a written answer: the question is the markdown cell before it
                parts = [cell]
                question = next(
                    _text(c)
                    for c in reversed(cells[:i])
                    if c["cell_type"] == "markdown" and not c["metadata"].get("nbgrader")
                )
                heading = [line.lstrip("# ") for line in question.split("\n") if line.startswith("#")]
                title = (heading[-1] if heading else question.split("\n")[0]).replace("Written question · ", "")
                what = f"written, graded by hand: {title}"
            points = ", ".join(
                f"`{c['metadata']['nbgrader']['grade_id']}` {c['metadata']['nbgrader']['points']:g}" for c in parts
            )
            total = sum(c["metadata"]["nbgrader"]["points"] for c in parts)
            rows.append(f"| {n} | `{path.stem}` | `{exercise}` | {points} | {total:g} | {what} |")
    return "\n".join(rows)


def files_read_by(nb: dict) -> list[str]:
    """Paths relative to the repository of the data and checkpoint files the notebook's code names
    (every file of ``data/`` and ``checkpoints/`` whose name its code cells mention, and the default
    checkpoint where it calls ``rnn_lib.shipped_checkpoint()``)."""
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    files = {
        f"{folder}/{path.name}"
        for folder in ("data", "checkpoints")
        for path in (ROOT / folder).glob("*")
        if path.is_file() and path.suffix != ".md" and path.name in code
    }
    if re.search(r"shipped_checkpoint\(\s*\)", code):
        files.add(f"checkpoints/{DEFAULT_CHECKPOINT}")
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


# The library functions that compute each exercise's answer. The handout's copy of rnn_lib has
# their bodies replaced by a NotImplementedError (docstrings kept, with the shapes), so that the
# handout holds no answer: the student writes it in the notebook. "file.py:qualified.name".
# The plain references hold every cell's whole forward and backward pass: they go wherever the output
# layer's or a recurrence's gradient is asked for.
_REFERENCES = ["references.py:loss_and_grads_reference", "references.py:lstm_reference", "references.py:gru_reference"]
STUBS = {
    "rnn_forward": ["rnn.py:forward", "rnn.py:_forward", "references.py:rnn_forward_reference", *_REFERENCES],
    "softmax_ce_grad": ["layers.py:output_backward", *_REFERENCES],
    "rnn_backward": ["rnn.py:backward", "rnn.py:_backward", "rnn.py:step_backward", "layers.py:output_backward",
                     *_REFERENCES],
    "adagrad_update": ["optim.py:Adagrad._update"],
    "adam_update": ["optim.py:Adam._update", "optim.py:Adam._begin_step", "optim.py:Adam.max_change"],
    "sample_with_temperature": ["sampling.py:next_char_distribution"],
    "sample_text": ["sampling.py:iter_sample_ids"],
    "clip_by_norm": [],  # rnn_lib clips entry by entry (clip_grads), never by the global norm
    "lstm_gate_backward": ["lstm.py:step_backward", "references.py:lstm_reference"],
    "gru_step_backward": ["gru.py:step_backward", "references.py:gru_reference"],  # 13 plugs the student's in
    # rnn_lib's NGramModel (any order, one class) stays: notebook 11 uses it after the exercise (orders
    # 1-8, samples); the graders switch it off while the student's kn_bigram runs
    "kn_bigram": [],
}  # fmt: skip
STUB_MESSAGE = (
    "rnn_lib.{where} is left out of this homework's copy of the library: it computes the answer of "
    "the exercise `{exercise}`, which you write in the notebook."
)


def exercises_of(nb: dict) -> list[str]:
    """The grade ids of the notebook's coded exercises (solution code cells), in order."""
    return [
        c["metadata"]["nbgrader"]["grade_id"]
        for c in nb["cells"]
        if c["cell_type"] == "code" and c["metadata"].get("nbgrader", {}).get("solution")
    ]


def exercises_from(name: str) -> list[str]:
    """The coded exercises of notebook ``name`` and of every later notebook: a handout's library
    leaves out their answers. Earlier notebooks' answers stay: the notebook builds on them (04 trains
    with 03's backward pass), and its students have handed them in already."""
    later = [p.stem for p in exercise_notebooks() if p.stem >= name]
    return [e for stem in later for e in _exercise_ids(stem)]


@functools.cache
def _exercise_ids(name: str) -> tuple[str, ...]:
    return tuple(exercises_of(homework_notebook(name)))


def stub_functions(path: Path, names: dict[str, str]) -> None:
    """Replace the body of each function ``names`` lists (qualified name -> exercise) in the Python
    file ``path`` by ``raise NotImplementedError(...)``, keeping its signature and docstring."""
    import ast

    lines = path.read_text(encoding="utf-8").split("\n")
    found = {}

    def visit(body, prefix=""):
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and prefix + node.name in names:
                found[prefix + node.name] = node

    visit(ast.parse("\n".join(lines)).body)
    missing = sorted(set(names) - set(found))
    if missing:
        raise ValueError(f"make_homework.STUBS names {missing} in rnn_lib/{path.name}, which has no such function")
    for qualname, node in sorted(found.items(), key=lambda kv: -kv[1].lineno):
        head = node.body[0]
        docstring = isinstance(head, ast.Expr) and isinstance(head.value, ast.Constant)
        if docstring:
            start = head.end_lineno  # everything after the docstring goes, comments included
        else:
            start = head.lineno - 1
            while start > node.lineno and lines[start - 1].strip().startswith("#"):
                start -= 1
        indent = " " * (node.col_offset + 4)
        message = STUB_MESSAGE.format(where=f"{path.stem}.{qualname}", exercise=names[qualname])
        lines[start : node.end_lineno] = [f"{indent}raise NotImplementedError({message!r})"]
    path.write_text("\n".join(lines), encoding="utf-8")


def stub_library(lib: Path, exercises: list[str]) -> list[str]:
    """Stub, in the library copy ``lib``, the functions that answer ``exercises``; the stubbed names."""
    unknown = [e for e in exercises if e not in STUBS]
    if unknown:
        raise ValueError(
            f"exercises {unknown} have no entry in make_homework.STUBS: list the rnn_lib functions that "
            "compute their answers (an empty list if none does)"
        )
    per_file: dict[str, dict[str, str]] = {}
    for exercise in exercises:
        for entry in STUBS[exercise]:
            file, qualname = entry.split(":")
            per_file.setdefault(file, {}).setdefault(qualname, exercise)
    for file, names in per_file.items():
        stub_functions(lib / file, names)
    return sorted(f"{file}:{q}" for file, names in per_file.items() for q in names)


def solution_lines(nb: dict) -> list[str]:
    """The lines of the notebook's solution blocks worth searching for: code (not comments, not
    ``return x``), at least 12 characters without spaces."""
    found = []
    for cell in nb["cells"]:
        inside = False
        for line in cell["source"].split("\n") if isinstance(cell["source"], str) else cell["source"]:
            if line.strip() == "### BEGIN SOLUTION":
                inside = True
            elif line.strip() == "### END SOLUTION":
                inside = False
            elif inside:
                code = line.split("#")[0].strip()
                if len(code.replace(" ", "")) >= 12 and not code.startswith("return"):
                    found.append(code)
    return found


def code_only(text: str) -> str:
    """Python source without its comments and docstrings: the maths they state may stay in a
    handout (as the notebook's text does); code may not."""
    import ast
    import io
    import tokenize

    lines = text.split("\n")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for i in range(body[0].lineno - 1, body[0].end_lineno):
                    lines[i] = ""
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col]
    return "\n".join(lines)


def leaks(folder: Path, lines: list[str]) -> list[str]:
    """ "file: line" for each solution line found (spaces ignored) in a text file of the handout."""
    wanted = {line.replace(" ", ""): line for line in lines}
    out = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in (".py", ".ipynb", ".md", ".txt", ".json", ".cfg", ".toml"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".ipynb":  # code cells (the maths in the text stays on purpose)
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "code")
        if path.suffix == ".py":
            text = code_only(text)
        flat = text.replace(" ", "")
        out += [f"{path.relative_to(folder)}: {line}" for key, line in wanted.items() if key in flat]
    return out


def answer_key(name: str) -> str:
    """The instructor's answer key of a notebook: its check-yourself questions with their answers,
    and its written questions with their model answers (the handout has neither answer), from its
    source."""
    nbbuild = _nbbuild()
    parts = [f"# Answer key: {name}\n"]
    cells = nbbuild.parse_source((nbbuild.SOURCES / f"{name}.py").read_text(encoding="utf-8"))
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        grading = cell["metadata"].get("nbgrader", {})
        if grading.get("solution"):
            question = next(c["source"] for c in reversed(cells[:i]) if c["cell_type"] == "markdown")
            parts.append(
                f"## Written question `{grading['grade_id']}` ({grading.get('points', 0):g} points)\n\n"
                f"{question.strip()}\n\n**Model answer.**\n\n{cell['source'].strip()}\n"
            )
        elif nbbuild.without_answers(cell["source"])[1]:  # questions and their answers, as the reading copy has them
            parts.append(cell["source"].strip() + "\n")
    return "\n".join(parts)


def stage(path: Path, source_dir: Path) -> tuple[dict, list[str]]:
    """Write the homework flavour of one notebook (no outputs) and what it needs into source_dir:
    the library with the answers of this notebook's and every later notebook's exercises stubbed
    (:func:`exercises_from`), rnn_notebook (figures and the visible
    checks), the data and checkpoints it reads, a README. Returns the notebook and the stubs."""
    nb = homework_notebook(path.stem)
    source_dir.mkdir(parents=True)
    (source_dir / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for package in ("rnn_lib", "rnn_notebook"):  # never rnn_grading: the hidden tests stay with the instructor
        shutil.copytree(ROOT / package, source_dir / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    stubs = stub_library(source_dir / "rnn_lib", exercises_from(path.stem))
    for rel in files_read_by(nb):
        if not (ROOT / rel).is_file():
            raise FileNotFoundError(f"{path.name} reads {rel}, which is not in the repository")
        (source_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, source_dir / rel)
    (source_dir / "README.md").write_text(STUDENT_README.format(name=path.stem), encoding="utf-8")
    (source_dir / "requirements.txt").write_text(handout_requirements(), encoding="utf-8")
    return nb, stubs


def make_homework(out: Path, names=None, course: Path | None = None, keys: Path | None = None) -> list[Path]:
    """Write the student version of every notebook with exercises to ``out/<assignment>/``, and
    each one's answer key to ``keys/<assignment>.md`` (default: ``answer_keys/`` beside ``out``).

    With ``course``, that folder becomes a lasting nbgrader course directory (``source/``,
    ``release/``, ``gradebook.db``, which keeps the hidden tests for ``nbgrader autograde``, and
    the course's ``nbgrader_config.py``); without it, a temporary course without a database is used.
    Refuses (ValueError) a handout in which a line of a solution can be found.
    """
    paths = exercise_notebooks(names)
    problems = out_of_sync(paths)
    if problems:
        raise ValueError("rebuild these notebooks first:\n  " + "\n  ".join(problems))
    keys = out.parent / "answer_keys" if keys is None else keys
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as tmp:
        root = Path(tmp) if course is None else course.resolve()
        root.mkdir(parents=True, exist_ok=True)
        config, shipped = root / "nbgrader_config.py", ROOT / "homework" / "nbgrader_config.py"
        if not config.exists():
            shutil.copy2(shipped, config)
        elif config.read_text(encoding="utf-8") != shipped.read_text(encoding="utf-8"):
            # an instructor's own settings (an exchange path, a course id) stay
            print(f"make_homework: kept your {config} (it differs from {shipped.relative_to(ROOT)})", file=sys.stderr)
        staged = {}
        for path in paths:
            if (root / "source" / path.stem).exists():
                shutil.rmtree(root / "source" / path.stem)
            staged[path.stem] = stage(path, root / "source" / path.stem)
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
            nb, _ = staged[path.stem]
            found = leaks(root / "release" / path.stem, solution_lines(nb))
            if found:
                raise ValueError(f"the handout {path.stem} contains lines of its solutions:\n  " + "\n  ".join(found))
            target = out / path.stem
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(root / "release" / path.stem, target)
            keys.mkdir(parents=True, exist_ok=True)
            (keys / f"{path.stem}.md").write_text(answer_key(path.stem), encoding="utf-8")
            written.append(target / path.name)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "notebooks", nargs="*", help="notebook names (e.g. 03_backprop_through_time); default: all with exercises"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "release", help="output folder (default: release/)")
    ap.add_argument("--table", action="store_true", help="instead: print the exercise table of the instructor guide")
    ap.add_argument("--keys", type=Path, help="where the answer keys go (default: answer_keys/ beside --out)")
    ap.add_argument(
        "--course",
        type=Path,
        help="also keep an nbgrader course directory here, with its "
        "gradebook, for `nbgrader autograde` (see docs/instructor_guide.md)",
    )
    args = ap.parse_args(argv)
    if args.table:
        print(exercise_table())
        return 0
    try:
        written = make_homework(args.out, args.notebooks, args.course, args.keys)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"make_homework: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

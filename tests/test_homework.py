"""The homework: exercises in the sources, the reading copies, the handouts, and the checkers' feedback.

(a) the series has enough exercises (coded, substantial, written, with partial credit), each source
    carries its exercises with nbgrader's markers in its homework build (tools/nbbuild.py's
    "homework" flavour), one test cell per part whose visible checks hold no answer and whose hidden
    tests call rnn_grading; the reading copy ran each solution and its visible tests, shows the
    solution collapsed and holds no marker or hidden test; the instructor guide lists every graded cell;
(b) tools/make_homework.py writes handouts without rnn_grading, with the answers' library functions
    stubbed, with no solution, hidden test or check-yourself answer left, and refuses one that holds
    a solution line or a notebook out of sync with its source (tests/test_homework_e2e.py runs them
    through nbgrader).

The hidden tests' checkers (rnn_grading) are tested in tests/test_grading_*.py, one file per exercise:
they pass the right answers and give their specific feedback for wrong ones written the way a student
would write them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))
try:
    import make_homework
    import nbbuild
finally:
    sys.path.pop(0)

#: what the series promises: coded exercises, of which substantial (8+ lines of solution), and
#: questions answered in writing, graded by hand
MIN_EXERCISES, MIN_SUBSTANTIAL, MIN_WRITTEN, SUBSTANTIAL_LINES = 8, 3, 3, 8
HIDDEN = re.compile(r"^### BEGIN HIDDEN TESTS\n.*?^### END HIDDEN TESTS\n?", re.M | re.S)


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def nbmeta(cell) -> dict:
    return cell["metadata"].get("nbgrader", {})


@cache
def homework(name: str) -> dict:
    """The homework flavour of notebook ``name``, built from its source (what nbgrader is given)."""
    return make_homework.homework_notebook(name)


NAMES = [p.stem for p in make_homework.exercise_notebooks()]


def exercises(name: str) -> dict[str, dict]:
    """grade_id -> {"solution": cell, "tests": [cells]} of the notebook's coded exercises; a test cell
    belongs to the exercise whose id follows ``test_`` in its own id."""
    nb = homework(name)
    found = {
        nbmeta(c)["grade_id"]: {"solution": c, "tests": []}
        for c in nb["cells"]
        if c["cell_type"] == "code" and nbmeta(c).get("solution")
    }
    for c in nb["cells"]:
        if c["cell_type"] == "code" and nbmeta(c).get("grade"):
            owner = [e for e in found if nbmeta(c)["grade_id"].startswith(f"test_{e}")]
            assert owner, f"{name}: test cell {nbmeta(c)['grade_id']} names no exercise (test_<exercise>...)"
            found[max(owner, key=len)]["tests"].append(c)
    return found


def solution_code_lines(cell) -> int:
    body = source(cell).split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    return sum(1 for line in body.splitlines() if line.strip() and not line.strip().startswith("#"))


def written_questions(name: str) -> list[dict]:
    return [c for c in homework(name)["cells"] if c["cell_type"] == "markdown" and nbmeta(c).get("solution")]


# -------------------------------------------------------------------------------------------------
# (a) the exercises: in the sources, in the reading copies, and their hidden tests


def test_the_series_has_enough_exercises_that_need_thought():
    coded = {e: ex for name in NAMES for e, ex in exercises(name).items()}
    substantial = [e for e, ex in coded.items() if solution_code_lines(ex["solution"]) >= SUBSTANTIAL_LINES]
    written = [c for name in NAMES for c in written_questions(name)]
    assert len(coded) >= MIN_EXERCISES, sorted(coded)
    assert len(substantial) >= MIN_SUBSTANTIAL, f"substantial: {substantial}"
    assert len(written) >= MIN_WRITTEN, f"{len(written)} written questions"
    assert sum(len(ex["tests"]) >= 2 for ex in coded.values()) >= MIN_SUBSTANTIAL, "too few with partial credit"


def test_the_instructor_guide_lists_every_graded_cell():
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    start = "<!-- exercise-table: python tools/make_homework.py --table -->\n"
    table = guide.split(start)[1].split("\n<!-- /exercise-table -->")[0]
    assert table == make_homework.exercise_table(), "refresh it: python tools/make_homework.py --table"


def test_every_exercise_has_library_stubs_declared():
    for name in NAMES:
        for exercise in exercises(name):
            assert exercise in make_homework.STUBS, f"{name}: {exercise} has no entry in make_homework.STUBS"


@pytest.mark.parametrize("name", NAMES)
def test_homework_build_has_its_exercises(name):
    nb = homework(name)
    index = nb["cells"].index
    for exercise, ex in exercises(name).items():
        solution, tests = ex["solution"], ex["tests"]
        meta = nbmeta(solution)
        assert meta["solution"] and not meta["grade"] and not meta["locked"]
        assert "### BEGIN SOLUTION" in source(solution) and "### END SOLUTION" in source(solution)
        assert tests, f"{name}: {exercise} has no test cell"
        for test in tests:
            meta_t = nbmeta(test)
            assert meta_t["grade"] and meta_t["locked"] and not meta_t["solution"] and meta_t["points"] > 0
            hidden = source(test).partition("### BEGIN HIDDEN TESTS")[2].partition("### END HIDDEN TESTS")[0]
            visible = HIDDEN.sub("", source(test))
            # hidden tests first: in the autograder's feedback, their named mistake comes before the
            # visible checks' plainer message
            assert source(test).lstrip().startswith("### BEGIN HIDDEN TESTS"), meta_t["grade_id"]
            # the handout has no rnn_grading: the visible checks use rnn_notebook.checks and hold no answer
            assert "rnn_grading" not in visible, f"{name}: {meta_t['grade_id']} imports the graders visibly"
            assert f'checks.test("{exercise}"' in visible, f"{name}: {meta_t['grade_id']} runs no checks.test"
            assert re.search(r"check_\w+\(", hidden), f"{name}: {meta_t['grade_id']} has no hidden test"
            assert index(solution) < index(test), f"{name}: a test of {exercise} comes before it"
        for cell in (solution, *tests):
            assert "slide_type" in cell["metadata"]["slideshow"]
    for question in written_questions(name):
        meta = nbmeta(question)
        assert meta["grade"] and meta["points"] > 0 and not meta["locked"], meta


@pytest.mark.parametrize("name", NAMES)
def test_reading_copy_ran_each_exercise_and_hides_its_solution(name):
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())
    text = json.dumps(nb)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", '"nbgrader"'):
        assert marker not in text, f"{name}: {marker!r} in the reading copy"
    solutions = [c for c in nb["cells"] if nbbuild.SOLUTION_TAG in c["metadata"].get("tags", [])]
    tests = [c for c in nb["cells"] if nbbuild.EXERCISE_TEST_TAG in c["metadata"].get("tags", [])]
    coded = exercises(name)
    assert len(solutions) == len(coded) and len(tests) == sum(len(ex["tests"]) for ex in coded.values())
    for exercise, solution in zip(coded, solutions):
        assert f"def {exercise}(" in source(solution)
        assert solution["metadata"]["jupyter"]["source_hidden"] is True, f"{name}: {exercise} is not collapsed"
        note = nb["cells"][nb["cells"].index(solution) - 1]
        assert nbbuild.EXERCISE_NOTE_TAG in note["metadata"]["tags"] and exercise in source(note)
    for cell in solutions + tests:
        assert cell["execution_count"] is not None, f"{name}: an exercise's cell never ran"
        assert not [o for o in cell["outputs"] if o["output_type"] == "error"]
    assert len([c for c in nb["cells"] if "A model answer" in source(c)]) == len(written_questions(name))


# -------------------------------------------------------------------------------------------------
# (b) the student versions


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("hw") / "release"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_homework.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_make_homework_writes_one_folder_per_notebook(release):
    assert sorted(p.name for p in release.iterdir() if p.is_dir()) == sorted(NAMES)
    for name in NAMES:
        folder = release / name
        assert (folder / f"{name}.ipynb").is_file() and (folder / "rnn_notebook" / "checks.py").is_file()
        assert not (folder / "rnn_grading").exists(), "the graders stay with the instructor"
        assert (release.parent / "answer_keys" / f"{name}.md").is_file()
    assert (release / "07_sampling" / "checkpoints" / "shakespeare_rnn.npz").is_file()
    assert (release / "04_adagrad_and_clipping" / "data" / "tinyshakespeare.txt").is_file()


STUBBED = [name for name in NAMES if any(make_homework.STUBS.get(e) for e in exercises(name))]


@pytest.mark.parametrize("name", STUBBED)
def test_handout_library_has_the_answers_stubbed(name, release):
    """Each function STUBS names for this notebook's exercises raises NotImplementedError in the
    handout's copy of rnn_lib (run in a fresh interpreter from the handout's folder)."""
    stubbed = sorted({entry for e in exercises(name) for entry in make_homework.STUBS[e]})
    probe = textwrap.dedent(
        f"""
        import importlib, inspect, json
        out = {{}}
        for entry in {stubbed!r}:
            file, qualname = entry.split(":")
            obj = importlib.import_module("rnn_lib." + file[:-3])
            for part in qualname.split("."):
                obj = getattr(obj, part)
            out[entry] = "raise NotImplementedError(" in inspect.getsource(obj)
        import rnn_lib
        out["__file__"] = rnn_lib.__file__
        print(json.dumps(out))
        """
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=release / name, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert Path(report.pop("__file__")).is_relative_to(release / name), "the handout imported another rnn_lib"
    assert report and all(report.values()), report


@pytest.mark.parametrize("name", NAMES)
def test_student_version_hides_solutions_hidden_tests_and_answers(name, release):
    solution_nb = homework(name)
    student_nb = json.loads((release / name / f"{name}.ipynb").read_text())
    text = json.dumps(student_nb)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "<details>"):
        assert marker not in text, f"{name}: {marker!r} left in the student version"
    solutions = {nbmeta(c).get("grade_id"): c for c in solution_nb["cells"] if nbmeta(c)}
    students = {nbmeta(c).get("grade_id"): c for c in student_nb["cells"] if nbmeta(c)}
    for exercise, ex in exercises(name).items():
        placeholder = r"\1# YOUR CODE HERE\n\1raise NotImplementedError()"
        expected = re.sub(
            r"^( *)### BEGIN SOLUTION\n.*?### END SOLUTION", placeholder, source(ex["solution"]), flags=re.S | re.M
        )
        assert source(students[exercise]).strip() == expected.strip()
        for test in ex["tests"]:
            test_id = nbmeta(test)["grade_id"]
            visible = HIDDEN.sub("", source(solutions[test_id]))
            assert source(students[test_id]).strip() == visible.strip()
    for question in written_questions(name):
        assert source(students[nbmeta(question)["grade_id"]]).strip() == "YOUR ANSWER HERE"
    assert not any(c.get("outputs") for c in student_nb["cells"] if c["cell_type"] == "code")
    assert all("slide_type" in c["metadata"].get("slideshow", {}) for c in student_nb["cells"])


def test_make_homework_refuses_a_handout_that_holds_a_solution_line(tmp_path):
    lines = ["dhnext = Whh.T @ dhraw", "mem += dparam * dparam"]
    (tmp_path / "lib.py").write_text('"""mem += dparam * dparam (the maths may stay)."""\n# dhnext = Whh.T @ dhraw\n')
    assert make_homework.leaks(tmp_path, lines) == []  # docstrings and comments are the maths
    (tmp_path / "more.py").write_text("def f(Whh, dhraw):\n    dhnext = Whh.T@dhraw\n    return dhnext\n")
    assert make_homework.leaks(tmp_path, lines) == ["more.py: dhnext = Whh.T @ dhraw"]


def test_make_homework_refuses_a_notebook_out_of_sync_with_its_source(tmp_path):
    stale = tmp_path / "02_softmax_cross_entropy.ipynb"
    nb = json.loads((NOTEBOOKS / stale.name).read_text())
    assert make_homework.out_of_sync([NOTEBOOKS / stale.name]) == []
    nb["cells"][0]["source"] = "# an edit made in the notebook instead of its source"
    stale.write_text(json.dumps(nb))
    assert make_homework.out_of_sync([stale]) == [
        "02_softmax_cross_entropy.ipynb: cells differ from notebooks/src/02_softmax_cross_entropy.py; "
        "run python tools/nbbuild.py notebooks/src/02_softmax_cross_entropy.py"
    ]

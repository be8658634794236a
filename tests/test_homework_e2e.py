"""The homework as a course runs it: nbgrader, offline, from the shipped homework/nbgrader_config.py.

tools/make_homework.py --course builds a course directory (source/, release/, gradebook.db);
simulated students hand in the released notebooks, ``nbgrader autograde`` grades them with the
hidden tests, ``nbgrader generate_feedback`` writes their feedback. Checked:

- a blank handout (every exercise still ``raise NotImplementedError()``) scores 0 and, apart from
  the exercises' test cells, every cell runs: a stuck student can go on (the cells that need an
  exercise skip their work with a note);
- the solutions score full marks on every autograded cell, and no cell fails (for 02 handed in
  through nbgrader's exchange: release, fetch, submit, collect; the others as a platform would);
- a submission that takes its answers from what the handout ships (rnn_lib, even a function that
  is not stubbed, rnn_notebook) scores 0 on those exercises;
- an edited test cell is put back (the grade is the unedited one) and reported, while untouched test
  cells with hidden tests raise no false "checksum has changed" alarm;
- an answer right in one part only gets that part's points, and feedback naming what to look at.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
try:
    import make_homework
finally:
    sys.path.pop(0)

pytest.importorskip("nbgrader")

ASSIGNMENTS = [p.stem for p in make_homework.exercise_notebooks()]
SOLUTION = re.compile(r"^( *)### BEGIN SOLUTION\n(.*?)^ *### END SOLUTION\n?", re.S | re.M)


def nbgrader(*args: str, course: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "OPENBLAS_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
    }
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"],
        cwd=course if cwd is None else cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def graded(cell: dict, kind: str) -> bool:
    return bool(cell["metadata"].get("nbgrader", {}).get(kind))


def solved_cells(course: Path, name: str) -> dict[str, str]:
    """grade_id -> the solution cell's source with the solution in place of the stub."""
    out = {}
    for cell in cells(course / "source" / name / f"{name}.ipynb"):
        if cell["cell_type"] == "code" and graded(cell, "solution"):
            out[cell["metadata"]["nbgrader"]["grade_id"]] = SOLUTION.sub(r"\2", text(cell))
    return out


def hand_in(course: Path, name: str, student: str, edit=None) -> None:
    """Copy the released handout to submitted/<student>/<name>/, its notebook changed by ``edit``."""
    folder = course / "submitted" / student / name
    shutil.copytree(course / "release" / name, folder)
    path = folder / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    if edit is not None:
        edit(nb["cells"])
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")


def through_the_exchange(course: Path, name: str, edit) -> str:
    """nbgrader's own round trip, offline: release to an exchange folder, fetch as a student, answer,
    submit, collect into submitted/. Returns the student id (nbgrader takes the login name)."""

    exchange, home = course / "exchange", course / "student_home"
    exchange.mkdir(exist_ok=True)
    home.mkdir(exist_ok=True)
    where = (f"--Exchange.root={exchange}", "--CourseDirectory.course_id=rnn-from-scratch")
    for step, cwd in (("release_assignment", course), ("fetch_assignment", home)):
        result = nbgrader(step, name, *where, course=course, cwd=cwd)
        assert result.returncode == 0, result.stdout + result.stderr
    path = home / name / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    edit(nb["cells"])
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    for step, cwd in (("submit", home), ("collect", course)):
        result = nbgrader(step, name, *where, course=course, cwd=cwd)
        assert result.returncode == 0, result.stdout + result.stderr
    return getpass.getuser()


# Answers to notebook 02's exercise that a student might hand in
FROM_THE_HANDOUT = """import rnn_lib


def softmax_ce_grad(y, target):
    dy = rnn_lib.next_char_distribution(y)  # not stubbed in this handout: its softmax
    dy[target] -= 1
    return dy
"""
IGNORES_THE_LOGITS = """def softmax_ce_grad(y, target):
    dy = np.full(len(y), 1 / len(y))  # right only when all logits are equal
    dy[target] -= 1
    return dy
"""
WRONG_SIGN = """def softmax_ce_grad(y, target):
    p = np.exp(y - y.max())
    dy = p / p.sum()
    dy[target] -= 1
    return -dy
"""


def fill(solutions: dict[str, str], instead: dict[str, str] | None = None):
    """An ``edit`` that puts the solutions in, or for the exercises in ``instead`` that code."""

    def edit(nb_cells):
        for cell in nb_cells:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if cell["cell_type"] == "code" and graded(cell, "solution"):
                cell["source"] = (instead or {}).get(grade_id, solutions[grade_id])

    return edit


def scores(course: Path, name: str, student: str) -> dict[str, tuple[float, float]]:
    """grade_id -> (score, max) of each autograded cell of the student's notebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(name, name, student)
        return {g.name: (g.score, g.max_score) for g in nb.grades if g.name.startswith("test_")}


def errors(course: Path, name: str, student: str) -> dict[int, tuple[str | None, str]]:
    """index -> (grade_id, error name) of the cells that failed in the autograded notebook."""
    out = {}
    for i, cell in enumerate(cells(course / "autograded" / student / name / f"{name}.ipynb")):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                out[i] = (cell["metadata"].get("nbgrader", {}).get("grade_id"), output["ename"])
    return out


# The course is graded in two copies at once, one per core of a 2-core machine: these assignments in
# the first, the others in the second (split so that the two take about as long).
FIRST_COPY = {"01_hello_vocabulary", "03_backprop_through_time", "11_ngram_baseline", "13_gru_and_beating_the_ngram"}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with every assignment, handed in by simulated students and autograded.

    Returns ``(root_of, logs, solved)``: the course folder holding each assignment's grades, the
    autograde log of each assignment, and the id of the student who handed in the solutions.
    """
    first = tmp_path_factory.mktemp("course")
    make_homework.make_homework(first / "release_copy", course=first)
    assert (first / "nbgrader_config.py").read_text() == (ROOT / "homework" / "nbgrader_config.py").read_text()
    second = first.parent / f"{first.name}_second"
    shutil.copytree(first, second)
    root_of = {name: first if name in FIRST_COPY else second for name in ASSIGNMENTS}
    logs, solved = {}, getpass.getuser()  # the id nbgrader's exchange gives the one who submits
    for name in ASSIGNMENTS:
        root = root_of[name]
        solutions = solved_cells(root, name)
        hand_in(root, name, "blank")
        if name != "02_softmax_cross_entropy":  # handed in as a course platform would (faster)
            hand_in(root, name, solved, fill(solutions))
        else:  # nbgrader's own round trip through its exchange, once
            assert through_the_exchange(root, name, fill(solutions)) == solved
            hand_in(root, name, "cheat", fill(solutions, {"softmax_ce_grad": FROM_THE_HANDOUT}))
            hand_in(root, name, "partial", fill(solutions, {"softmax_ce_grad": IGNORES_THE_LOGITS}))

            def edited(nb_cells, solutions=solutions):
                fill(solutions, {"softmax_ce_grad": WRONG_SIGN})(nb_cells)
                for cell in nb_cells:  # and every test cell replaced by one that always passes
                    if graded(cell, "grade") and cell["cell_type"] == "code":
                        cell["source"] = "pass"

            hand_in(root, name, "edited", edited)

    def grade(names):
        for name in names:
            result = nbgrader("autograde", name, "--force", course=root_of[name])
            assert result.returncode == 0, result.stdout + result.stderr
            logs[name] = result.stdout + result.stderr
            if name == "02_softmax_cross_entropy":  # the feedback the tests below read
                result = nbgrader("generate_feedback", name, "--force", course=root_of[name])
                assert result.returncode == 0, result.stdout + result.stderr

    with ThreadPoolExecutor(2) as pool:  # each autograde is a subprocess: the two copies run at once
        groups = [[n for n in ASSIGNMENTS if root_of[n] == r] for r in (first, second)]
        for done in [pool.submit(grade, group) for group in groups]:
            done.result()
    return root_of, logs, solved


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_blank_handout_scores_zero_and_the_rest_runs(course, name):
    root_of, _, _ = course
    root = root_of[name]
    auto = scores(root, name, "blank")
    assert auto and all(score == 0 for score, _ in auto.values()), auto
    failing = errors(root, name, "blank")
    assert failing, "the blank handout raised nothing"
    others = {i: e for i, e in failing.items() if not (e[0] or "").startswith("test_")}
    assert not others, f"{name}: cells other than test cells fail while the exercises are blank: {others}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solutions_score_full_marks_and_nothing_fails(course, name):
    root_of, _, solved = course
    root = root_of[name]
    got = scores(root, name, solved)
    assert got and all(score == maximum for score, maximum in got.values()), got
    assert not errors(root, name, solved)
    printed = "".join(
        "".join(o.get("text", ""))
        for cell in cells(root / "autograded" / solved / name / f"{name}.ipynb")
        for o in cell.get("outputs", [])
    )
    assert "Skipped:" not in printed, f"{name}: a cell skipped its work although every exercise is solved"
    assert printed.count("passed: ") >= len(got), f"{name}: not every test cell ran its visible checks"


def test_answers_taken_from_the_handout_score_zero(course):
    root_of, _, _ = course
    root = root_of["02_softmax_cross_entropy"]
    got = scores(root, "02_softmax_cross_entropy", "cheat")
    parts = {k: v for k, v in got.items() if k.startswith("test_softmax_ce_grad")}
    assert parts and all(score == 0 for score, _ in parts.values()), parts
    feedback = next((root / "feedback" / "cheat" / "02_softmax_cross_entropy").glob("*.html")).read_text()
    assert "switched off" in feedback  # the reason, in the student's feedback


def test_edited_test_cells_are_restored_and_reported(course):
    root_of, logs, _ = course
    root = root_of["02_softmax_cross_entropy"]
    edited = scores(root, "02_softmax_cross_entropy", "edited")
    parts = {k: v for k, v in edited.items() if k.startswith("test_softmax_ce_grad")}
    assert parts and any(score == 0 for score, _ in parts.values()), parts  # the wrong answer still fails
    changed = re.findall(r"Attribute 'checksum' for cell (\S+) has changed", logs["02_softmax_cross_entropy"])
    # each edited cell reported once, and nothing else: the other three students' untouched test cells,
    # which have hidden tests, raise no false alarm
    assert sorted(changed) == sorted(edited), (changed, sorted(edited))


def test_partial_credit_and_feedback_that_says_what_to_look_at(course):
    root_of, _, _ = course
    root = root_of["02_softmax_cross_entropy"]
    got = scores(root, "02_softmax_cross_entropy", "partial")
    parts = {k: v for k, v in got.items() if k.startswith("test_softmax_ce_grad")}
    assert len(parts) >= 2, parts
    assert 0 < sum(score for score, _ in parts.values()) < sum(maximum for _, maximum in parts.values()), parts
    feedback = next((root / "feedback" / "partial" / "02_softmax_cross_entropy").glob("*.html")).read_text()
    assert "softmax_ce_grad" in feedback and "finite differences" in feedback

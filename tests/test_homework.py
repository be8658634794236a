"""The homework: exercises in the sources, the reading copies, the handouts, and the checkers' feedback.

(a) the series has enough exercises (coded, substantial, written, with partial credit), each source
    carries its exercises with nbgrader's markers in its homework build (tools/nbbuild.py's
    "homework" flavour), one test cell per part whose visible checks hold no answer and whose hidden
    tests call rnn_grading; the reading copy ran each solution and its visible tests, shows the
    solution collapsed and holds no marker or hidden test; the instructor guide lists every graded cell;
(b) tools/make_homework.py writes handouts without rnn_grading, with the answers' library functions
    stubbed, with no solution, hidden test or check-yourself answer left, and refuses one that holds
    a solution line (tests/test_homework_e2e.py runs them through nbgrader);
(c) the checkers of rnn_grading give their specific feedback for deliberately wrong implementations
    written the way a student would write them, and pass the right ones (and tests/test_grading_*.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import rnn_grading as grading
import rnn_grading.common
import rnn_grading.lstm

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


# -------------------------------------------------------------------------------------------------
# (c) the checkers' feedback, for wrong implementations written the way a student would


def student_function(code: str, name: str, **namespace):
    exec(textwrap.dedent(code), ns := {"np": np, **namespace})
    return ns[name]


def mutate(code: str, old: str, new: str) -> str:
    assert old in code, f"{old!r} is not in the correct implementation"
    return code.replace(old, new)


SOFTMAX = """
def softmax_ce_grad(y, target):
    p = np.exp(y - y.max())
    p = p / p.sum()
    dy = p.copy()
    dy[target] -= 1
    return dy
"""
SOFTMAX_BUGS = {
    "no_minus_one": [("    dy[target] -= 1\n", "")],
    "sign": [("dy[target] -= 1", "dy[target] -= 1\n    dy = -dy")],
    "minus_one_everywhere": [("dy[target] -= 1", "dy -= 1")],
    "unnormalised": [("p = p / p.sum()", "p = np.exp(y)")],
    "wrong_index": [("dy[target] -= 1", "dy[np.argmax(y)] -= 1")],
    "grad_of_p": [("dy[target] -= 1", "dy[target] -= 1\n    dy = -p[target] * dy")],
}


@pytest.mark.parametrize("bug", SOFTMAX_BUGS)
def test_check_softmax_grad_names_the_mistake(bug):
    code = SOFTMAX
    for old, new in SOFTMAX_BUGS[bug]:
        code = mutate(code, old, new)
    with pytest.raises(AssertionError) as info:
        grading.check_softmax_grad(student_function(code, "softmax_ce_grad"), seed=0)
    assert grading.SOFTMAX_MISTAKES[bug] in str(info.value)


def test_check_softmax_grad_other_failures():
    grading.check_softmax_grad(student_function(SOFTMAX, "softmax_ce_grad"), seed=4, V=2, scale=20.0)

    def changes_y(y, target):
        y -= y.max()
        p = np.exp(y) / np.exp(y).sum()
        return p - np.eye(len(y))[target]

    with pytest.raises(AssertionError, match="changed the logits y"):
        grading.check_softmax_grad(changes_y, seed=0)
    with pytest.raises(AssertionError, match=r"shape \(5,\), got \(5, 1\)"):
        grading.check_softmax_grad(lambda y, t: student_function(SOFTMAX, "softmax_ce_grad")(y, t)[:, None])
    with pytest.raises(AssertionError, match="forget a return"):
        grading.check_softmax_grad(lambda y, t: None)
    with pytest.raises(AssertionError, match="finite differences"):  # wrong in no known way
        grading.check_softmax_grad(lambda y, t: student_function(SOFTMAX, "softmax_ce_grad")(y, t) * 1.1)
    with pytest.raises(NotImplementedError):  # the student version's placeholder passes through
        grading.check_softmax_grad(student_function("def f(y, t):\n    raise NotImplementedError()", "f"))


BPTT = """
def rnn_backward(params, targets, xs, hs, ps):
    Whh, Why = params["Whh"], params["Why"]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(targets))):
        dy = ps[t].copy()
        dy[targets[t]] -= 1
        grads["Why"] += dy @ hs[t].T
        grads["by"] += dy
        dh = Why.T @ dy + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        grads["bh"] += dhraw
        grads["Wxh"] += dhraw @ xs[t].T
        grads["Whh"] += dhraw @ hs[t - 1].T
        dhnext = Whh.T @ dhraw
    return grads, dhnext
"""
BPTT_BUGS = {
    "no_minus_one": ("        dy[targets[t]] -= 1\n", ""),
    "no_dhnext": ("dh = Why.T @ dy + dhnext", "dh = Why.T @ dy"),
    "dhnext_not_updated": ("        dhnext = Whh.T @ dhraw\n", ""),
    "no_tanh": ("dhraw = (1 - hs[t] * hs[t]) * dh", "dhraw = dh"),
    "tanh_prev": ("dhraw = (1 - hs[t] * hs[t]) * dh", "dhraw = (1 - hs[t - 1] ** 2) * dh"),
    "tanh_no_square": ("dhraw = (1 - hs[t] * hs[t]) * dh", "dhraw = (1 - hs[t]) * dh"),
    "Whh_not_transposed": ("dhnext = Whh.T @ dhraw", "dhnext = Whh @ dhraw"),
    "dhnext_from_dh": ("dhnext = Whh.T @ dhraw", "dhnext = Whh.T @ dh"),
    "dWhh_transposed": ('grads["Whh"] += dhraw @ hs[t - 1].T', 'grads["Whh"] += hs[t - 1] @ dhraw.T'),
    "dWhh_h_t": ('grads["Whh"] += dhraw @ hs[t - 1].T', 'grads["Whh"] += dhraw @ hs[t].T'),
    "forward_loop": ("for t in reversed(range(len(targets))):", "for t in range(len(targets)):"),
}


@pytest.mark.parametrize("bug", BPTT_BUGS)
def test_check_rnn_backward_names_the_mistake(bug):
    fn = student_function(mutate(BPTT, *BPTT_BUGS[bug]), "rnn_backward")
    with pytest.raises(AssertionError) as info:
        grading.check_rnn_backward(fn, seed=0)
    assert grading.BPTT_MISTAKES[bug] in str(info.value)
    assert "finite differences" in str(info.value)


def test_check_rnn_backward_messages_the_brief_asks_for():
    missing_dhnext = student_function(mutate(BPTT, *BPTT_BUGS["no_dhnext"]), "rnn_backward")
    with pytest.raises(AssertionError, match="wrong gradients for Wxh, Whh, bh, dhprev .right: Why, by.") as info:
        grading.check_rnn_backward(missing_dhnext, seed=1)
    assert "right at the last time step but wrong at the steps before it: did you add dhnext?" in str(info.value)
    no_tanh = student_function(mutate(BPTT, *BPTT_BUGS["no_tanh"]), "rnn_backward")
    with pytest.raises(AssertionError, match=r"did you multiply by \(1 - h\*\*2\)\?"):
        grading.check_rnn_backward(no_tanh, seed=2)


@pytest.mark.parametrize("key", ["Wxh", "Whh", "bh", "Why", "by"])
def test_check_rnn_backward_spots_assignment_instead_of_accumulation(key):
    fn = student_function(BPTT.replace(f'grads["{key}"] +=', f'grads["{key}"] ='), "rnn_backward")
    with pytest.raises(
        AssertionError,
        match=rf"grads\['{key}'\] holds only the contribution of time step 0.*"
        r"did you write `=` instead of `\+=`\?",
    ):
        grading.check_rnn_backward(fn, seed=0)


def test_check_rnn_backward_other_failures():
    right = student_function(BPTT, "rnn_backward")
    for kwargs in ({"T": 1}, {"V": 3, "H": 7, "T": 9}):
        grading.check_rnn_backward(right, seed=5, **kwargs)
    no_copy = student_function(mutate(BPTT, "dy = ps[t].copy()", "dy = ps[t]"), "rnn_backward")
    with pytest.raises(AssertionError, match=r"changed ps\[.*dy = ps\[t\].copy\(\)"):
        grading.check_rnn_backward(no_copy, seed=0)
    why_not_transposed = student_function(mutate(BPTT, "Why.T @ dy", "Why @ dy"), "rnn_backward")
    with pytest.raises(AssertionError, match=r"ValueError.*\n.*Hint: check every array's shape"):
        grading.check_rnn_backward(why_not_transposed, seed=0)
    dwhy_transposed = student_function(mutate(BPTT, "dy @ hs[t].T", "hs[t] @ dy.T"), "rnn_backward")
    with pytest.raises(AssertionError, match=r"broadcast.*\n.*outer products such as dy @ hs\[t\].T"):
        grading.check_rnn_backward(dwhy_transposed, seed=0)

    def returns_transposed(*args):
        grads, dhnext = right(*args)
        return {**grads, "Why": grads["Why"].T}, dhnext

    transposed = r"grads\['Why'\] should have shape \(5, 4\), got \(4, 5\) \(transposed\?\)"
    with pytest.raises(AssertionError, match=transposed):
        grading.check_rnn_backward(returns_transposed, seed=0)
    # a mistake outside the table, in the link between steps: the single-step diagnosis
    half_dhnext = student_function(mutate(BPTT, "Why.T @ dy + dhnext", "Why.T @ dy + 0.5 * dhnext"), "rnn_backward")
    with pytest.raises(AssertionError, match="with a single time step your gradients are right"):
        grading.check_rnn_backward(half_dhnext, seed=0)


ADAGRAD = """
def adagrad_update(params, grads, memory, learning_rate, eps=1e-8):
    for name in params:
        param, dparam, mem = params[name], grads[name], memory[name]
        mem += dparam * dparam
        param -= learning_rate * dparam / np.sqrt(mem + eps)
"""
ADAGRAD_BUGS = {
    "eps_outside_sqrt": [("np.sqrt(mem + eps)", "(np.sqrt(mem) + eps)")],
    "step_before_memory": [
        ("        mem += dparam * dparam\n", ""),
        ("np.sqrt(mem + eps)", "np.sqrt(mem + eps)\n        mem += dparam * dparam"),
    ],
    "memory_not_squared": [("mem += dparam * dparam", "mem += dparam")],
    "memory_not_accumulated": [("mem += dparam * dparam", "mem[...] = dparam * dparam")],
    "no_sqrt": [("np.sqrt(mem + eps)", "(mem + eps)")],
    "wrong_sign": [("param -= ", "param += ")],
    "no_learning_rate": [("learning_rate * dparam", "dparam")],
    "plain_sgd": [("/ np.sqrt(mem + eps)", "")],
}


@pytest.mark.parametrize("bug", ADAGRAD_BUGS)
def test_check_adagrad_update_names_the_mistake(bug):
    code = ADAGRAD
    for old, new in ADAGRAD_BUGS[bug]:
        code = mutate(code, old, new)
    with pytest.raises(AssertionError) as info:
        grading.check_adagrad_update(student_function(code, "adagrad_update"), seed=0)
    assert grading.ADAGRAD_MISTAKES[bug][1] in str(info.value)


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "param -= learning_rate * dparam",
            "param = param - learning_rate * dparam",
            r"the parameters did not change: did you write `param = param - learning_rate \* ...`\?"
            r".*in place with `-=`",
        ),
        (
            "mem += dparam * dparam",
            "mem = mem + dparam * dparam",
            r"the memory did not change: did you write `mem = mem \+ dparam \* dparam`\?.*in place with `\+=`",
        ),
        (
            "param -= learning_rate * dparam / np.sqrt(mem + eps)",
            "params[name] = param - learning_rate * dparam / np.sqrt(mem + eps)",
            r"params\['Wxh'\] is a new array: you replaced it .*in place",
        ),
        (
            "np.sqrt(mem + eps)",
            "np.sqrt(mem)",
            r"wrong values for param Wxh.*\nthere are nan or inf.*np.sqrt\(mem \+ eps\)",
        ),
        ("mem += dparam * dparam", "mem += dparam * dparam\n        dparam *= 0", r"changed grads\['Wxh'\]"),
    ],
)
def test_check_adagrad_update_in_place_and_eps(old, new, message):
    with pytest.raises(AssertionError, match=message):
        grading.check_adagrad_update(student_function(mutate(ADAGRAD, old, new), "adagrad_update"), seed=0)


def test_check_adagrad_update_accepts_the_gists_loop():
    gist = mutate(ADAGRAD, "param -= learning_rate * dparam", "param += -learning_rate * dparam")
    for seed in (0, 1):
        grading.check_adagrad_update(student_function(gist, "adagrad_update"), seed=seed, steps=5, learning_rate=1.0)


SAMPLE = """
def sample_with_temperature(y, temperature, rng):
    if temperature == 0:
        return int(np.argmax(y))
    z = y / temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    return int(np.searchsorted(np.cumsum(p), rng.random(), side="right"))
"""
SAMPLE_BUGS = {
    "no_temperature": [("z = y / temperature", "z = y")],
    "on_probabilities": [("z = y / temperature", "q = np.exp(y - y.max())\n    z = q / q.sum() / temperature")],
    "multiplied": [("z = y / temperature", "z = y * temperature")],
    "greedy": [('np.searchsorted(np.cumsum(p), rng.random(), side="right")', "np.argmax(p)")],
    "uniform": [('np.searchsorted(np.cumsum(p), rng.random(), side="right")', "rng.integers(len(p))")],
    "off_by_one": [('side="right"))', 'side="right") - 1) % len(p)')],
}


@pytest.mark.parametrize("bug", SAMPLE_BUGS)
def test_check_sample_with_temperature_names_the_mistake(bug):
    code = SAMPLE
    for old, new in SAMPLE_BUGS[bug]:
        code = mutate(code, old, new)
    with pytest.raises(AssertionError) as info:
        grading.check_sample_with_temperature(student_function(code, "sample_with_temperature"), seed=0)
    assert grading.TEMPERATURE_MISTAKES[bug][1] in str(info.value)


def test_check_sample_with_temperature_other_failures():
    right = student_function(SAMPLE, "sample_with_temperature")
    for seed, kwargs in ((1, {}), (2, {"V": 2, "temperatures": (0.3,)}), (3, {"scale": 1000.0})):
        grading.check_sample_with_temperature(right, seed, **kwargs)
    with_choice = """
    def f(y, T, rng):
        return np.argmax(y) if T == 0 else rng.choice(len(y), p=np.exp(y / T) / np.exp(y / T).sum())
    """
    grading.check_sample_with_temperature(student_function(with_choice, "f"), seed=0)  # any correct draw
    global_random = student_function(
        mutate(SAMPLE, "rng.random()", "np.random.default_rng().random()"), "sample_with_temperature"
    )
    with pytest.raises(AssertionError, match="does not use rng"):
        grading.check_sample_with_temperature(global_random, seed=0)
    in_place = student_function(
        mutate(SAMPLE, "z = y / temperature", "y /= temperature\n    z = y"), "sample_with_temperature"
    )
    with pytest.raises(AssertionError, match="not y /= temperature"):
        grading.check_sample_with_temperature(in_place, seed=0)
    no_greedy = student_function(mutate(SAMPLE, "if temperature == 0:", "if False:"), "sample_with_temperature")
    with pytest.raises(AssertionError, match="at temperature 0 return the most likely character"):
        grading.check_sample_with_temperature(no_greedy, seed=0)
    unshifted = student_function(mutate(SAMPLE, "np.exp(z - z.max())", "np.exp(z)"), "sample_with_temperature")
    with pytest.raises(AssertionError, match="np.exp overflows"):
        grading.check_sample_with_temperature(unshifted, seed=1, scale=1000.0)
    with pytest.raises(AssertionError, match="return one character id"):
        grading.check_sample_with_temperature(lambda y, T, rng: np.eye(len(y))[0], seed=0)


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
